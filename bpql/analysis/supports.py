"""Steps reached through the steps that support them, and the nearest route to each.

SUPPORTS runs from a lower lane to a higher one within a blueprint (the validator checks it),
so a chain has at most three hops and the walks need no bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from bpql.analysis.routes import Route


class Reach(NamedTuple):
    """How a step is reached: its route, what it comes through (`via`: a role, a system, a
    touchpoint, the step below it, the other end of a handoff), and its hops, the
    relationships walked from the thing changed to the step (bpql/query/language.py `Route`)."""

    route: Route
    via: str
    hops: int

    @property
    def key(self) -> tuple[int, int, str]:
        """The nearer of two reaches has the smaller key: fewest hops, then the earlier
        route, then the smaller via id."""
        return (self.hops, _ORDER[self.route], self.via)


#: each route's place in the order of `Route`
_ORDER = {r: r.order for r in Route}


def nearest(
    direct: Mapping[str, Reach], above: Callable[[str], Iterable[str] | None]
) -> dict[str, Reach]:
    """Every step reached: the ones reached directly, and every step a reached step supports
    (`above`: the steps a step supports, or None), each by its nearest reach. A step reached
    directly keeps its own route unless a supporting step reaches it in fewer hops (or as
    many, by the route order). Every support is one hop, so the steps are settled hop count
    by hop count (Dijkstra's walk with a bucket per hop count: 24,000 steps at 1,000
    services; the reaches are read by position, a named field of a tuple costing a call, and a
    step nearer already is passed by its hops alone)."""
    best = dict(direct)
    buckets: defaultdict[int, dict[str, None]] = defaultdict(dict)  # ordered, each step once
    for step, (_, _, hops) in best.items():
        buckets[hops][step] = None
    supporting = Route.SUPPORTING_STEP
    order = _ORDER[supporting]
    hops = min(buckets, default=0)
    while buckets:
        settled = buckets.pop(hops, None)
        found_hops = hops + 1
        for low in settled or ():
            if best[low][2] != hops:  # nearer since, and settled then
                continue
            ups = above(low)
            if not ups:
                continue
            for high in ups:
                r = best.get(high)
                if r is not None:  # nearer already, or as near by an earlier route or via
                    k = r[2]
                    if k < found_hops or (k == found_hops and (_ORDER[r[0]], r[1]) <= (order, low)):
                        continue
                best[high] = Reach(supporting, low, found_hops)
                buckets[found_hops][high] = None
        hops += 1
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
