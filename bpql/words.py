"""Words the command line, the engine and the linter share, so that they say things alike."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    """`1 file`, `2 files`: never `1 files`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
