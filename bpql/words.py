"""Words the command line, the engine and the linter share, so that they say things alike."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from bpql.errors import BpqlError


def counted(n: int, noun: str) -> str:
    """`1 file`, `2 files`: never `1 files`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice a typo most likely meant: a close spelling, and a looser one only when it
    starts with the same letter (so `personas` suggests nothing rather than `version`)."""
    word = word.lower()
    for close in difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6):
        ratio = difflib.SequenceMatcher(None, word, close.lower()).ratio()
        if ratio >= 0.75 or close[:1].lower() == word[:1]:
            return close
    return None


def no_service(service: str, services: dict[str, str]) -> BpqlError:
    """BPQL-C080, naming the services there are (`services`: id -> name): the same words
    whether the files or the store were asked."""
    close = closest(service, [*services, *services.values()])
    hint = f" (did you mean '{close}'?)" if close else ""
    return BpqlError(
        f'no service "{service}"{hint}; the services are: {", ".join(sorted(services))}',
        code="BPQL-C080",
    )
