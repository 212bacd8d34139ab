"""Output safety: what BPQL writes for a terminal or a spreadsheet cannot act on either.

Blueprint files come from many hands, and their names, descriptions, scripts and actions reach
terminals and spreadsheets. A terminal acts on control characters (ESC starts sequences that
retitle the window, write links or colours; BEL rings), and bidi overrides reorder what a
person reads; a spreadsheet runs a cell that starts like a formula (`=HYPERLINK(...)`, `+1`,
`-1+1`, `@SUM(A1)`). One function per concern, used by every writer:

- `terminal_text`: control characters, line and paragraph separators and bidi overrides
  shown as escapes (`\\x1b`, `\\u202e`), as error messages and lint findings show them;
- `spreadsheet_cell`: a CSV cell, numbers as numbers, text escaped as for a terminal and
  prefixed with `'` when a spreadsheet would read it as a formula (OWASP's advice on CSV
  injection); the CSV writers also quote every text field, so no separator inside a value
  starts a new cell in a spreadsheet that splits at another separator;
- `xlsx_cell`: a workbook cell, text always a string cell (never a formula) with Excel's own
  quote prefix when it looks like one, so the text is kept exactly;
- `json_text`: JSON whose strings hold those characters as `\\u` escapes: the same values
  for a program, nothing a terminal acts on.

Imports nothing heavy (csv when it writes CSV): it is on the path of every command.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

#: what a terminal acts on instead of printing: C0 and C1 controls and DEL (a tab aside),
#: lone surrogates, Unicode's line and paragraph separators, and the bidi embeddings,
#: overrides and isolates that reorder a line (U+202A-U+202E, U+2066-U+2069)
_BEYOND_C0 = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_ACTING = re.compile(f"[\x00-\x08\x0a-\x1f{_BEYOND_C0}]")
#: the same, a newline aside: multi-line text (a table cell, a CSV field) keeps its lines
_ACTING_BUT_NEWLINE = re.compile(f"[\x00-\x08\x0b-\x1f{_BEYOND_C0}]")


def acts_on_terminal(ch: str) -> bool:
    """Whether a terminal acts on this character (moves the cursor, starts a sequence,
    reorders the line) instead of printing it in place."""
    return _ACTING.match(ch) is not None


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape", "backslashreplace").decode()


def terminal_text(value: object, *, keep_newlines: bool = False) -> str:
    """`value` as text a terminal prints and does not act on: each control character (a tab
    aside), separator or bidi override shown as its escape (`\\x1b`, `\\x07`, `\\u202e`,
    `\\n`). With `keep_newlines`, a newline stays a line break (a table cell, a CSV field)."""
    text = value if isinstance(value, str) else str(value)
    pattern = _ACTING_BUT_NEWLINE if keep_newlines else _ACTING
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


#: what a spreadsheet reads as the start of a formula (OWASP, CSV injection): `=`, `+`, `-` or
#: `@`, also after leading whitespace, which spreadsheets skip; or a tab, CR, LF or NUL
_FORMULA = re.compile(r"[\t\r\n\x00]|\s*[=+\-@]")
#: the same, and a leading `'`: text a CSV writer puts a `'` before
_PREFIXED = re.compile(r"['\t\r\n\x00]|\s*[=+\-@]")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula: it starts with `=`, `+`, `-`
    or `@`, after any leading whitespace, or with a tab, carriage return or newline."""
    return _FORMULA.match(text) is not None


def _number(value: float) -> int | float:
    """A whole float as an int, so `20160.0` minutes is written `20160`."""
    return int(value) if value.is_integer() else value


def spreadsheet_text(value: Any) -> str:
    """A value as a spreadsheet's text: a list as `a; b`, a flag as `true`/`false`, nothing
    as ``, control characters escaped (newlines kept, as a cell may hold several lines)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(spreadsheet_text(v) for v in value)
    if isinstance(value, float):
        return repr(_number(value))
    return terminal_text(value, keep_newlines=True)


def spreadsheet_cell(value: Any) -> str | int | float:
    """A value as a CSV cell: numbers stay numbers (a negative number too: it is no text to
    run); text as `spreadsheet_text`, with a `'` before it when a spreadsheet would read it as
    a formula, as given (`\\r=1`) or as written (`\\r` escaped), or when it starts with `'`,
    so a leading `'` always means "added here": drop it to get the text back."""
    if value is None:
        return ""
    if isinstance(value, str):  # most cells: two regular expressions, `terminal_text` inline
        if _ACTING_BUT_NEWLINE.search(value) is None:
            return "'" + value if _PREFIXED.match(value) else value
        text = _ACTING_BUT_NEWLINE.sub(_escape, value)
        return "'" + text if _PREFIXED.match(text) or _FORMULA.match(value) else text
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(float(value)) if isinstance(value, float) else value
    text = spreadsheet_text(value)
    return "'" + text if _PREFIXED.match(text) else text


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """The one way BPQL writes CSV: every cell through `spreadsheet_cell`, every text field in
    double quotes (a `;` or tab inside a value starts no cell in a spreadsheet that splits at
    those), numbers bare."""
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    w.writerow([spreadsheet_cell(h) for h in header])
    w.writerows([spreadsheet_cell(v) for v in row] for row in rows)
    return out.getvalue()


def xlsx_cell(cell: Any, value: Any) -> None:
    """Put `value` in an openpyxl cell: numbers and dates as themselves; text as a string cell,
    never a formula (openpyxl makes any text starting with `=` a formula), with Excel's quote
    prefix when it looks like one, as Excel stores a cell a person typed as `'=1+2`."""
    import datetime

    if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        cell.value = value
        return
    if value is None:
        cell.value = None
        return
    text = spreadsheet_text(value)
    cell.value = text
    cell.data_type = "s"
    if formula_like(text) or (isinstance(value, str) and formula_like(value)):
        cell.quotePrefix = True


def json_text(doc: Any, *, indent: int | None = 2) -> str:
    """`json.dumps` as BPQL prints it (non-ASCII kept as it is), with every character a
    terminal acts on written as a `\\u` escape: the same document for a program, nothing for
    a terminal to act on (a lone surrogate no longer fails to print)."""
    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    # json.dumps escapes every C0 control inside a string: a newline left is the layout's
    if _ACTING_BUT_NEWLINE.search(text) is None:
        return text
    return _ACTING_BUT_NEWLINE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
