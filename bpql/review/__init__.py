"""`bpql review`: what a change to an enterprise's files does, between two git revisions.

`review()` builds a typed `Review` (bpql/review/model.py); `FORMATS` writes it as text, JSON,
Markdown for a pull-request comment, SARIF or GitLab Code Quality (bpql/review/formats.py).
"""

from __future__ import annotations

from bpql.review.build import review, review_range
from bpql.review.model import Review

__all__ = ["Review", "review", "review_range"]
