"""Durations, written and printed with units: `2w`, `1d`, `1h30m`, `90s`.

Stores hold a duration as a number of minutes; people read and write it with units. One
module for both directions, so a printed duration can be pasted back into a file or a query.
It imports nothing, so the query path stays free of the file format.
"""

from __future__ import annotations

import re

#: minutes per unit, largest first: the order a duration is written and printed in
UNITS: tuple[tuple[str, float], ...] = (
    ("w", 7 * 24 * 60),
    ("d", 24 * 60),
    ("h", 60),
    ("m", 1),
    ("s", 1 / 60),
)
_MINUTES = dict(UNITS)
_PART = r"(\d+(?:\.\d+)?)\s*(w|d|h|min|m|s)"
_WHOLE = re.compile(rf"^\s*(?:{_PART}\s*)+$")
_PARTS = re.compile(_PART)
#: the units in the order they may appear, to refuse `1m2h`
_RANK = {"w": 0, "d": 1, "h": 2, "m": 3, "min": 3, "s": 4}

EXAMPLES = "90s, 5m, 2h, 1d, 2w or 1h30m"


def parse_duration(text: str) -> float | None:
    """`2w`, `1d`, `1h30m`, `5 min`, `90s` as minutes; None when the text is not a duration."""
    if not _WHOLE.match(text):
        return None
    parts = _PARTS.findall(text)
    ranks = [_RANK[u] for _, u in parts]
    if ranks != sorted(set(ranks)) or len(ranks) != len(set(ranks)):
        return None  # each unit once, largest first, as people write them
    return sum(float(n) * _MINUTES["m" if u == "min" else u] for n, u in parts)


def format_minutes(minutes: float) -> str:
    """2880 -> `2d`, 90 -> `1h30m`, 0.5 -> `30s`, 20160 -> `2w`, 14400 -> `10d`: the largest
    units, to the second. Weeks only for a whole number of weeks: `10d` is how people write
    ten days, and `1w3d` is how nobody does."""
    seconds = round(minutes * 60)
    if seconds == 0:
        return "0m"
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    week = round(_MINUTES["w"] * 60)
    units = UNITS if seconds % week == 0 else UNITS[1:]
    out = []
    for unit, size in units:
        n, seconds = divmod(seconds, round(size * 60))
        if n:
            out.append(f"{n}{unit}")
    return sign + "".join(out)


class Duration(float):
    """A number of minutes that prints with units; JSON keeps the number."""

    def __str__(self) -> str:
        return format_minutes(self)
