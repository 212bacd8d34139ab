"""XML written as text, for the exchange formats (ArchiMate, BPMN, draw.io).

A thousand services make a million XML elements; appending escaped text is several times
quicker than building an ElementTree and serialising it, and the output is the same for the
same input (attributes in the order given). Escaping is the standard library's
(`xml.sax.saxutils`); characters XML 1.0 cannot hold at all (control characters, lone
surrogates) are written as their `\\x1b` escapes, as BPQL prints them on a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

#: what an XML 1.0 document cannot hold, even escaped
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTR = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def _visible(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode()


#: what escaping changes: most ids and numbers hold none of it, and skip the work
_SPECIAL = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


def text(value: object) -> str:
    """A value as element content."""
    s = value if isinstance(value, str) else str(value)
    if _SPECIAL.search(s) is None:
        return s
    if _ILLEGAL.search(s):
        s = _ILLEGAL.sub(_visible, s)
    return escape(s)


def attr(value: object) -> str:
    """A value as a double-quoted attribute (line breaks kept as character references)."""
    if type(value) is int:
        return f'"{value}"'
    s = value if isinstance(value, str) else str(value)
    if _SPECIAL.search(s) is None:
        return f'"{s}"'
    if _ILLEGAL.search(s):
        s = _ILLEGAL.sub(_visible, s)
    return '"' + escape(s, _ATTR) + '"'


def number(value: float) -> str:
    """A coordinate: a whole number as `12`, else two decimals."""
    if type(value) is int:
        return str(value)
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


class Xml:
    """An XML document written element by element, indented two spaces a level."""

    def __init__(self) -> None:
        self.parts: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        self.depth = 0

    @staticmethod
    def _attrs(attrs: Mapping[str, object]) -> str:
        return "".join(f" {k}={attr(v)}" for k, v in attrs.items() if v is not None)

    def open(self, tag: str, attrs: Mapping[str, object] | None = None) -> None:
        self.parts.append(f"{'  ' * self.depth}<{tag}{self._attrs(attrs or {})}>\n")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.parts.append(f"{'  ' * self.depth}</{tag}>\n")

    def leaf(
        self, tag: str, content: object = None, attrs: Mapping[str, object] | None = None
    ) -> None:
        """`<tag a="1"/>`, or `<tag a="1">content</tag>`."""
        head = f"{'  ' * self.depth}<{tag}{self._attrs(attrs or {})}"
        if content is None:
            self.parts.append(head + "/>\n")
        else:
            self.parts.append(f"{head}>{text(content)}</{tag}>\n")

    def getvalue(self) -> str:
        return "".join(self.parts)
