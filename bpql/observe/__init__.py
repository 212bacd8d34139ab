"""The observed service: an event log and metric readings held against the blueprint.

A mapping file (`mapping.py`) names the blueprint a log observes, the log's columns and which
activity is which step; the readers (`logs.py`) stream CSV, XLSX and XES rows into compact
cases (`cases.py`); the analyses (`analyse.py`, with the alignment in `align.py` and the
re-rated risk in `risk.py`) work out conformance, typed deviations, times against the
standards, fall-out, first-time-right, observed occurrence and metric trends, per period.
Nothing here touches a store: `store.py` writes the aggregates, never raw events.
"""

from __future__ import annotations
