"""Errors a user can cause, and how they are shown.

Every user mistake becomes a `BpqlError` carrying where it happened, so that the CLI prints one
line (or, for a query, the query with a caret) and exits non-zero instead of a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


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


class BpqlError(Exception):
    """A mistake the user can fix; never shown with a traceback."""

    exit_code = 2

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span

    def one_line(self) -> str:
        return f"{self.span}: {self.message}" if self.span else self.message

    def __str__(self) -> str:
        return self.one_line()


class BlueprintError(BpqlError):
    """A blueprint file is not valid; carries every problem found, each with its position."""

    def __init__(self, problems: list[BpqlError]) -> None:
        first = problems[0]
        super().__init__(first.message, first.span)
        self.problems = problems

    def lines(self) -> list[str]:
        return [p.one_line() for p in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class BackendError(BpqlError):
    """The database could not be reached or refused us; names the URI, never a password."""

    exit_code = 3


class QueryError(BpqlError):
    """A BPQL query is wrong; shown with the query and a caret under the fault."""

    def __init__(self, message: str, span: Span | None = None, source: str | None = None) -> None:
        super().__init__(message, span)
        self.source = source

    def with_source(self, source: str) -> QueryError:
        return QueryError(self.message, self.span, source)

    def pretty(self) -> str:
        if self.span is None or self.source is None:
            return f"error: {self.message}"
        lines = self.source.splitlines() or [""]
        line_no = min(self.span.line, len(lines))
        text = lines[line_no - 1]
        width = 1
        if self.span.end_column and (self.span.end_line in (None, self.span.line)):
            width = max(1, self.span.end_column - self.span.column)
        gutter = f"{line_no} | "
        caret = " " * (len(gutter) + self.span.column - 1) + "^" * width
        return (
            f"error at line {self.span.line}, column {self.span.column}: {self.message}\n"
            f"{gutter}{text}\n{caret}"
        )

    def __str__(self) -> str:
        return self.pretty()
