"""Text as the drawings set it: widths measured in Python, names wrapped to a box, never cut.

The SVG drawings are laid out before any browser or rasteriser sees them, so a label's width
has to be known here. The widths are Arial's (Helvetica's and Liberation Sans' are the same
numbers), per 1,000 units of the font size, for printable ASCII; any other character counts
as wide as an `M`'s neighbour `N`. Drawings ask for those fonts first; a viewer that only has
a wider sans-serif (DejaVu Sans is about 13% wider) still fits, because lines are wrapped to
`FIT` of the room they have.
"""

from __future__ import annotations

import unicodedata
from html import escape

from bpql.errors import escape_breaks

#: the font every drawing asks for: metric-compatible faces first, so widths hold
FONT = "Arial, 'Liberation Sans', Helvetica, 'Helvetica Neue', sans-serif"

#: a line is wrapped to this share of its room, for viewers whose sans-serif is wider
FIT = 0.87

# advance widths of the characters 32..126 (space to tilde), per 1,000 units of the size
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
    722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
    556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
    500, 334, 260, 334, 584,
)  # fmt: skip
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
    722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
    611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
    500, 389, 280, 389, 584,
)  # fmt: skip
#: anything outside ASCII: as wide as a capital (accented letters are narrower, most symbols
#: as wide); wide East Asian characters a full em
_OTHER = 722


def _char(ch: str, table: tuple[int, ...]) -> int:
    code = ord(ch)
    if 32 <= code <= 126:
        return table[code - 32]
    if unicodedata.combining(ch):
        return 0
    return 1000 if unicodedata.east_asian_width(ch) in ("W", "F") else _OTHER


def width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of `text` at `size` px, in px."""
    table = _BOLD if bold else _REGULAR
    return sum(_char(ch, table) for ch in text) * size / 1000


def wrap(text: str, room: float, size: float, bold: bool = False) -> list[str]:
    """`text` as lines that fit `room` px at `size` px (wrapped at spaces; a word longer than
    a line is broken, so that no line runs out of its box)."""
    limit = room * FIT
    lines: list[str] = []
    current = ""
    for word in shown(text).split():
        candidate = f"{current} {word}" if current else word
        if width(candidate, size, bold) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while width(word, size, bold) > limit:  # a long word: as much of it as fits a line
            cut = 1
            while cut < len(word) and width(word[: cut + 1] + "-", size, bold) <= limit:
                cut += 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


def shown(text: str) -> str:
    """A user's text as a drawing shows it: line breaks and controls written as escapes
    (`\\n`), and characters XML cannot hold replaced, so the SVG stays well-formed."""
    return "".join(ch if _xml_char(ch) else "\ufffd" for ch in escape_breaks(str(text)))


def _xml_char(ch: str) -> bool:
    code = ord(ch)
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def xml(text: object) -> str:
    """Text for an SVG or HTML element or attribute: shown, then escaped."""
    return escape(shown(str(text)), quote=True)
