"""Fail points rated the way risk people rate them: Action Priority from a table kept as data.

RPN (severity x occurrence x detection) ranks a 9x2x3 safety issue (54) below a 3x6x6 nuisance
(108); the AIAG & VDA FMEA Handbook (2019) replaced it with Action Priority, read from a table of
S, O and D. The table is data (`bpql/data/action_priority.csv`) so that an enterprise can
replace it with its own, and so that a test can check it cell by cell. This module is neutral:
the validator, the loader and the register read it; it imports nothing heavy.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import product
from pathlib import Path

from bpql.errors import BlueprintError, BpqlError, Span

#: the three priorities, in the order a register lists them
PRIORITIES: tuple[str, ...] = ("high", "medium", "low")
#: for sorting: `order by ap desc` puts high first
AP_RANK: dict[str, int] = {"high": 3, "medium": 2, "low": 1}
RATINGS = range(1, 11)
COLUMNS = ("severity", "occurrence", "detection", "ap")
#: where the packaged table comes from, named in messages and the register
DEFAULT_SOURCE = "AIAG & VDA FMEA Handbook (2019), Action Priority for DFMEA and PFMEA"
STATUSES: tuple[str, ...] = ("open", "in progress", "done", "verified")


@dataclass(frozen=True)
class ActionPriorityTable:
    """Every (severity, occurrence, detection) combination mapped to high, medium or low."""

    cells: dict[tuple[int, int, int], str]
    source: str

    def ap(self, severity: int, occurrence: int, detection: int) -> str:
        return self.cells[(severity, occurrence, detection)]


def _band(text: str) -> range | None:
    """`9-10` or `1`; None when it is neither or leaves 1..10."""
    lo, sep, hi = text.strip().partition("-")
    try:
        first, last = int(lo), int(hi) if sep else int(lo)
    except ValueError:
        return None
    if not (1 <= first <= last <= 10):
        return None
    return range(first, last + 1)


def parse_table(text: str, source: str) -> ActionPriorityTable:
    """Read a banded table; every problem names the file, line and column."""
    problems: list[BpqlError] = []
    cells: dict[tuple[int, int, int], str] = {}
    first_at: dict[tuple[int, int, int], int] = {}
    rows = [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not rows:
        raise BlueprintError(
            [
                BpqlError(
                    f"empty action priority table; expected the header '{','.join(COLUMNS)}'",
                    Span(1, 1, file=source),
                    code="BPQL-F087",
                )
            ]
        )
    header_no, header = rows[0]
    names = [c.strip().lower() for c in next(csv.reader([header]))]
    if tuple(names) != COLUMNS:
        raise BlueprintError(
            [
                BpqlError(
                    f"expected the header '{','.join(COLUMNS)}', got '{header.strip()}'",
                    Span(header_no, 1, file=source),
                    code="BPQL-F080",
                )
            ]
        )
    for n, line in rows[1:]:
        fields = next(csv.reader(io.StringIO(line)))
        col = 1
        if len(fields) != len(COLUMNS):
            problems.append(
                BpqlError(
                    f"expected 4 values (severity,occurrence,detection,ap), got {len(fields)}",
                    Span(n, 1, file=source),
                    code="BPQL-F081",
                )
            )
            continue
        bands: list[range] = []
        for name, value in zip(COLUMNS[:3], fields[:3], strict=True):
            band = _band(value)
            if band is None:
                problems.append(
                    BpqlError(
                        f"{name}: expected a rating 1-10 or a band such as 7-10, got "
                        f"'{value.strip()}'",
                        Span(n, col, file=source),
                        code="BPQL-F082",
                    )
                )
            else:
                bands.append(band)
            col += len(value) + 1
        ap = fields[3].strip().lower()
        ap = {"h": "high", "m": "medium", "l": "low"}.get(ap, ap)
        if ap not in AP_RANK:
            problems.append(
                BpqlError(
                    f"ap: expected high, medium or low, got '{fields[3].strip()}'",
                    Span(n, col, file=source),
                    code="BPQL-F083",
                )
            )
            continue
        if len(bands) != 3:
            continue
        for s, o, d in product(*bands):
            if (s, o, d) in cells:
                problems.append(
                    BpqlError(
                        f"S={s} O={o} D={d} is already given at line {first_at[(s, o, d)]}; "
                        "each combination once",
                        Span(n, 1, file=source),
                        code="BPQL-F084",
                    )
                )
                break
            cells[(s, o, d)] = ap
            first_at[(s, o, d)] = n
    missing = [
        (s, o, d) for s in RATINGS for o in RATINGS for d in RATINGS if (s, o, d) not in cells
    ]
    if missing and not problems:
        shown = ", ".join(f"S={s} O={o} D={d}" for s, o, d in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        problems.append(
            BpqlError(
                f"the table leaves {len(missing)} combinations without a priority: {shown}{more}",
                Span(header_no, 1, file=source),
                code="BPQL-F085",
            )
        )
    if problems:
        raise BlueprintError(problems)
    return ActionPriorityTable(cells, source)


def read_table(path: Path, display: str | None = None) -> ActionPriorityTable:
    """An enterprise's own table, from the file its enterprise file names."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BlueprintError(
            [
                BpqlError(
                    f"{shown}: cannot read the action priority table: {reason}",
                    Span(1, 1, file=shown),
                    code="BPQL-F086",
                )
            ]
        ) from None
    return parse_table(text, shown)


@cache
def default_table() -> ActionPriorityTable:
    """The packaged AIAG & VDA table."""
    text = resources.files("bpql").joinpath("data/action_priority.csv").read_text("utf-8")
    table = parse_table(text, "bpql/data/action_priority.csv")
    return ActionPriorityTable(table.cells, DEFAULT_SOURCE)


@cache
def default_scales() -> dict[str, dict[int, str]]:
    """The packaged rating scales, worded for services (customer harm, money, law, time)."""
    from ruamel.yaml import YAML

    text = resources.files("bpql").joinpath("data/rating_scales.yaml").read_text("utf-8")
    data = YAML(typ="safe").load(text)
    return {k: {int(r): str(w) for r, w in v.items()} for k, v in data.items()}


def rpn(severity: int, occurrence: int, detection: int) -> int:
    """Kept as a tie-breaker within a priority, as the handbook allows."""
    return severity * occurrence * detection
