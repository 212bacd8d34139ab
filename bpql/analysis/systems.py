"""Support systems that fail together: a system fails, and every system that depends on it,
directly or through others, fails with it."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from bpql.analysis.graph import Index


def failing_systems(
    index: Index, systems: Iterable[str], bound: int | None = None
) -> dict[str, int]:
    """The systems that fail with `systems`: each and every system depending on one of them
    (DEPENDS_ON), with the fewest dependency hops from it to one of them (0 for themselves),
    at most `bound` hops when one is given. Breadth first, so a system's hops are its
    shortest chain; cycles are refused when files are validated, and would end the walk
    anyway."""
    out = {s: 0 for s in sorted(set(systems))}
    todo = deque(out)
    while todo:
        here = todo.popleft()
        hops = out[here] + 1
        if bound is not None and hops > bound:
            continue
        for up in sorted(index.sources("DEPENDS_ON", here)):
            if up not in out:
                out[up] = hops
                todo.append(up)
    return out
