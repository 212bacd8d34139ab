"""Observed occurrence, re-rated on the enterprise's own occurrence scale.

An occurrence rating is a guess at how often a cause happens; a log counts it. The scale's
wording says what each rating means ("About 1 in 500", "5%", "Every time or nearly"), so the
rates are read from the words of the enterprise's own scale (`fmea: {occurrence: ...}` in its
enterprise file, else the packaged one), and the observed rate is placed on it: the rating
whose rate is nearest on a logarithmic scale. No failure seen in n cases does not prove a rate
of zero: it is taken as 3 in n, the 95% upper bound (the "rule of three"), so a small sample
never suggests a rating lower than it can support. The action priority that rating gives comes
from the enterprise's table (bpql/analysis/fmea.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bpql.analysis.fmea import (
    AP_RANK,
    DEFAULT_SOURCE,
    ActionPriorityTable,
    default_table,
    read_table,
)

_ONE_IN = re.compile(r"\b1\s+(?:in|out of)\s+([\d][\d,\s]*\d|\d)", re.I)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_ALWAYS = re.compile(r"\b(every time|always|nearly always|almost always)\b", re.I)
_NEVER = re.compile(r"\b(cannot happen|never|impossible|prevented by design)\b", re.I)


def rate_of(words: str) -> float | None:
    """The rate a rating's wording names: `About 1 in 500` -> 0.002, `5%` -> 0.05,
    `Every time or nearly` -> 1.0, `Cannot happen` -> 0.0; None when it names none."""
    if m := _ONE_IN.search(words):
        n = int(re.sub(r"[,\s]", "", m[1]))
        return 1.0 / n if n > 0 else None
    if m := _PERCENT.search(words):
        return float(m[1]) / 100.0
    if _ALWAYS.search(words):
        return 1.0
    if _NEVER.search(words):
        return 0.0
    return None


@dataclass(frozen=True)
class Scale:
    """The occurrence ratings whose wording names a rate, and where the scale came from."""

    rates: dict[int, float]
    #: the packaged scale stood in for an own scale whose wording names no rate
    fallback: bool = False

    def rating(self, failures: int, cases: int) -> int | None:
        """The rating an observed count suggests (None with no case to count)."""
        if cases <= 0 or not self.rates:
            return None
        rate = failures / cases if failures else min(1.0, 3.0 / cases)
        positive = {r: p for r, p in self.rates.items() if p > 0}
        if not positive:
            return None
        x = math.log(max(rate, 1e-12))
        return min(positive, key=lambda r: (abs(math.log(positive[r]) - x), -r))


def scale_of(occurrence_words: dict[int, str]) -> Scale:
    rates = {r: p for r, w in occurrence_words.items() if (p := rate_of(w)) is not None}
    if len([p for p in rates.values() if p > 0]) >= 2:
        return Scale(rates)
    from bpql.analysis.fmea import default_scales

    packaged = {
        r: p for r, w in default_scales()["occurrence"].items() if (p := rate_of(w)) is not None
    }
    return Scale(packaged, fallback=True)


def table_of(source: str) -> ActionPriorityTable:
    """The action priority table an enterprise was validated with (its own CSV, by the path
    it was read from, or the packaged AIAG-VDA table)."""
    if not source or source == DEFAULT_SOURCE:
        return default_table()
    from pathlib import Path

    return read_table(Path(source))


def ap_order(ap: str, rpn: int) -> int:
    """What `order by ap` sorts on: priority, then RPN (as the loader writes it)."""
    return AP_RANK[ap] * 1000 + rpn
