"""Errors a user can cause, and how they are shown.

Every user mistake becomes a `BpqlError` carrying where it happened, so that the CLI prints one
line (or, for a query, the query with a caret) and exits non-zero instead of a traceback.
Errors are data as well as text (PRQL's model): a stable code, a severity, hints and a span,
and `to_json()` gives all of it to programs (`--format json` on any failing command).

Codes are `BPQL-<letter><number>`: Q a query, F a blueprint file, S a store, C a command's
arguments, V a view. A code, once given, keeps its meaning; tests/test_errors.py checks that
every raise site names one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from bpql.safe import acts_on_terminal, terminal_text

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Span:
    """A position in a file or a query: 1-based line and column, and an end column."""

    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}"
        return f"{self.file}:{where}" if self.file else where

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line, "column": self.column}
        if self.end_line is not None:
            out["end_line"] = self.end_line
        if self.end_column is not None:
            out["end_column"] = self.end_column
        if self.file is not None:
            out["file"] = self.file
        return out


class BpqlError(Exception):
    """A mistake the user can fix; never shown with a traceback."""

    exit_code = 2
    kind = "error"
    default_code = "BPQL-E000"

    def __init__(
        self,
        message: str,
        span: Span | None = None,
        *,
        code: str | None = None,
        hints: tuple[str, ...] | list[str] = (),
        severity: Severity = "error",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.code = code or self.default_code
        self.hints = tuple(hints)
        self.severity: Severity = severity

    def one_line(self) -> str:
        message = escape_breaks(self.message)
        return f"{self.span}: {message}" if self.span else message

    def for_terminal(self) -> str:
        """What the CLI prints on stderr: one line per problem (a query adds its caret)."""
        return f"error: {self.one_line()}"

    def __str__(self) -> str:
        return self.one_line()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "hints": list(self.hints),
            "span": self.span.to_json() if self.span else None,
        }


#: problems printed on a terminal before the rest are counted
SHOWN_PROBLEMS = 20


class BlueprintError(BpqlError):
    """A blueprint file is not valid; carries every problem found, each with its position."""

    kind = "blueprint"
    default_code = "BPQL-F000"

    def __init__(self, problems: list[BpqlError]) -> None:
        first = problems[0]
        super().__init__(first.message, first.span, code=first.code, hints=first.hints)
        self.problems = problems

    def lines(self) -> list[str]:
        return [p.one_line() for p in self.problems]

    def for_terminal(self) -> str:
        """The first problems, then how many more: 20,000 bad files must not scroll away
        the one line that says what to fix first."""
        lines = [f"error: {line}" for line in self.lines()[:SHOWN_PROBLEMS]]
        rest = len(self.problems) - SHOWN_PROBLEMS
        if rest > 0:
            lines.append(f"... and {rest:,} more problems (`--format json` lists them all)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "problems": [p.to_json() for p in self.problems]}


class BackendError(BpqlError):
    """The database could not be reached or refused us; names the URI, never a password."""

    exit_code = 3
    kind = "store"
    default_code = "BPQL-S000"


class QueryError(BpqlError):
    """A BPQL query is wrong; shown with the query and a caret under the fault."""

    kind = "query"
    default_code = "BPQL-Q000"

    def __init__(
        self,
        message: str,
        span: Span | None = None,
        source: str | None = None,
        *,
        code: str | None = None,
        hints: tuple[str, ...] | list[str] = (),
    ) -> None:
        super().__init__(message, span, code=code, hints=hints)
        self.source = source

    def with_source(self, source: str) -> QueryError:
        return QueryError(self.message, self.span, source, code=self.code, hints=self.hints)

    def pretty(self) -> str:
        if self.span is None or self.source is None:
            return f"error: {escape_breaks(self.message)}"
        lines = split_lines(self.source) or [""]
        line_no = min(self.span.line, len(lines))
        width = 1
        if self.span.end_column and (self.span.end_line in (None, self.span.line)):
            width = max(1, self.span.end_column - self.span.column)
        gutter = f"{line_no} | "
        text, under = caret_lines(lines[line_no - 1], self.span.column, width)
        caret = " " * len(gutter) + under
        hints = "".join(f"\nhint: {escape_breaks(h)}" for h in self.hints)
        return (
            f"error at line {self.span.line}, column {self.span.column}: "
            f"{escape_breaks(self.message)}\n{gutter}{text}\n{caret}{hints}"
        )

    def __str__(self) -> str:
        return self.pretty()

    def for_terminal(self) -> str:
        return self.pretty()

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        if self.source is not None:
            out["source"] = self.source
        return out


def split_lines(text: str) -> list[str]:
    """Lines as the parser counts them: only LF ends a line (a CR before it is dropped).
    str.splitlines would also break at CR, U+2028, U+0085 and others, and put the caret on
    another line than the one the parser meant."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def shown_line(line: str) -> str:
    """A query line as printed above its caret: each character a terminal would act on
    (U+2028, U+0085, a lone CR, VT, FF, ESC, a bidi override...) becomes one visible
    '\ufffd', so the line stays one line and the caret's column stays the parser's."""
    return "".join("\ufffd" if acts_on_terminal(ch) else ch for ch in line)


def escape_breaks(text: str) -> str:
    """A message kept on one line: a user's value that holds line breaks or controls is
    shown with escapes (\\n, \\u2028), as in the query (`bpql.safe.terminal_text`)."""
    return terminal_text(text)


#: the most characters of a query line shown above a caret; a longer line is cut around it
SHOWN_CHARS = 100
#: what stands for the cut part of a long line
CUT = "..."


def caret_lines(line: str, column: int, width: int = 1) -> tuple[str, str]:
    """A query line as printed above its caret, and the caret line, whose `^` sits under the
    line's `column`th character (1-based) as a terminal draws it.

    Controls and separators are one visible '\ufffd' (`shown_line`), and so is each format
    character (Unicode Cf: U+200B, U+FEFF, U+202E, ...): a terminal draws those as nothing,
    which put the caret one column right of the fault, or reorders the line; shown, they
    take one column and the user sees the invisible character that is often the mistake.
    So is a code point this Python's Unicode has not assigned (Cn): terminals with newer
    tables draw it as a mark or a wide character, so no width for it is right everywhere.
    A mark that combines (U+0301) is pointed at in its base character's cells.
    A line longer than SHOWN_CHARS is cut to the part around the column, so a refused
    megabyte prints one short line."""
    start, end = 0, len(line)
    if end > SHOWN_CHARS:
        start = max(0, min(column - 1 - SHOWN_CHARS // 2, end - SHOWN_CHARS))
        end = start + SHOWN_CHARS
    head = CUT if start > 0 else ""
    tail = CUT if end < len(line) else ""
    # one shown character per character of the line, so the window is cut first
    shown = "".join("\ufffd" if _hidden(ch) else ch for ch in shown_line(line[start:end]))
    at = column - 1 - start
    if at < len(shown) and not _pad(shown[at]):
        # a mark that combines is drawn in its base character's cells: point at those
        while at > 0 and not _pad(shown[at - 1]):
            at -= 1
        at = max(0, at - 1)
    pad = "".join(_pad(ch) for ch in head + shown[:at])
    carets = max(1, min(width, end - (column - 1)))
    return head + shown + tail, pad + "^" * carets


def _hidden(ch: str) -> bool:
    """A format character or an unassigned code point: shown as '\ufffd' above a caret."""
    return unicodedata.category(ch) in ("Cf", "Cn")


def _pad(ch: str) -> str:
    """What goes under a character on the caret line: a tab under a tab, else as many spaces
    as the terminal cells the character takes (rich's measure, the one our tables are laid
    out by): two under a wide character, none under a combining mark."""
    if ch == "\t":
        return "\t"
    from rich.cells import cell_len

    return " " * cell_len(ch)
