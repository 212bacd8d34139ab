"""Steps reached through the steps that support them, and the nearest route to each.

SUPPORTS runs from a lower lane to a higher one within a blueprint (the validator checks it),
so a chain has at most three hops and the walks need no bound.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from bpql.language import Route


class Reach(NamedTuple):
    """How a step is reached: its route, what it comes through (`via`: a role, a system, a
    touchpoint, the step below it, the other end of a handoff), and its hops, the
    relationships walked from the thing changed to the step (bpql/language.py `Route`)."""

    route: Route
    via: str
    hops: int

    @property
    def key(self) -> tuple[int, int, str]:
        """The nearer of two reaches has the smaller key: fewest hops, then the earlier
        route, then the smaller via id."""
        return (self.hops, self.route.order, self.via)


def nearest(direct: Mapping[str, Reach], above: Callable[[str], Iterable[str]]) -> dict[str, Reach]:
    """Every step reached: the ones reached directly, and every step a reached step supports
    (`above`: the steps a step supports), each by its nearest reach. A step reached directly
    keeps its own route unless a supporting step reaches it in fewer hops (or as many, by the
    route order). Dijkstra's walk, as every support is one hop."""
    best = dict(direct)
    todo = [(r.key, step) for step, r in best.items()]
    heapq.heapify(todo)
    while todo:
        key, low = heapq.heappop(todo)
        if best[low].key != key:  # reached more nearly since
            continue
        for high in above(low):
            found = Reach(Route.SUPPORTING_STEP, low, key[0] + 1)
            if high not in best or found.key < best[high].key:
                best[high] = found
                heapq.heappush(todo, (found.key, high))
    return best


def supported(steps: Iterable[str], above: Callable[[str], Iterable[str]]) -> set[str]:
    """The steps and every step they support, directly or not."""
    out = set(steps)
    todo = list(out)
    while todo:
        for high in above(todo.pop()):
            if high not in out:
                out.add(high)
                todo.append(high)
    return out
