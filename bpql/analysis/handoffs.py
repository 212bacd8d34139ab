"""Handoffs: where work passes from one department to another along a blueprint's time line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def handoffs(steps: Iterable[tuple[str, Sequence[str]]]) -> list[tuple[str, str]]:
    """(from step, to step) where the work passes to another department along the time line.

    Steps come in time order with the departments of the roles that perform them; steps no
    role performs (the customer's, a system's) are passed over. Two performed steps in a row
    are a handoff when they share no department (a step two departments perform together
    hands nothing over to either)."""
    out: list[tuple[str, str]] = []
    last: tuple[str, set[str]] | None = None
    for step, depts in steps:
        if not depts:
            continue
        here = set(depts)
        if last is not None and not (last[1] & here):
            out.append((last[0], step))
        last = (step, here)
    return out
