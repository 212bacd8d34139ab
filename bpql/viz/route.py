"""Lines routed around boxes and labels, as a designer would draw them on a wall chart.

An orthogonal router over the blueprint layout: every step box, fail point, shared thing and
label is an obstacle; the grid runs along their edges (and a few tracks beside each, so that
parallel lines keep apart), which puts it in the channels between columns and the corridors
at the top and foot of each lane. Each line is the cheapest grid path from a side of one
thing to a side of the other (A*, with a price on length, bends, sharing a track with a line
already drawn, and crossing one), so lines never pass through a box or a name.

No library was used: the well-kept routers (libavoid, ELK, Graphviz's `splines=ortho`) are C++,
Java or a system binary, and none installs from a plain `pip install`. The layout is a grid
already, and this is about 200 lines.
"""

from __future__ import annotations

import heapq
import itertools
import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bpql.viz.layout import COLUMN, BlueprintLayout, Rect

#: how far a line keeps from a box, and from a marker or a label
BOX_MARGIN = 7.0
MARK_MARGIN = 5.0
#: tracks in each channel between two columns (from its middle) and in each corridor where
#: two bands meet (from the boundary), so that parallel lines run apart
CHANNEL = (-14.0, -7.0, 0.0, 7.0, 14.0)
CORRIDOR = (4.0, 10.0, 16.0)
#: prices, in px of length
BEND = 28.0
SHARED = 3.0  # times the length, for running on a track another line uses
CROSS = 14.0
#: how far A* trusts its estimate: above 1, far fewer points are tried, for a route at most
#: that much dearer than the cheapest (a difference no one sees in a drawing)
GREED = 1.3
#: where a step's side ports sit: level with the first line of its name (so NEXT runs level)
ROW = 15.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    type: str


def _stub(body: Rect, margin: float, row: bool) -> list[tuple[Point, Point, int]]:
    """(point on the body's side, the grid point just outside it, 0 level / 1 upright)."""
    xs = [body.cx]
    if row:  # a step's box: three ports on its top and its foot
        xs += [body.cx - (body.x1 - body.x0) / 4, body.cx + (body.x1 - body.x0) / 4]
    out: list[tuple[Point, Point, int]] = []
    for x in xs:
        out.append(((x, body.y0), (x, body.y0 - margin), 1))
        out.append(((x, body.y1), (x, body.y1 + margin), 1))
    if not row:  # a marker with its name to its right: reached from above or below
        return out
    ys = [body.cy] + ([body.y0 + ROW] if body.y0 + ROW < body.cy else [])
    for y in ys:
        out.append(((body.x0, y), (body.x0 - margin, y), 0))
        out.append(((body.x1, y), (body.x1 + margin, y), 0))
    return out


class Router:
    """The grid of one drawing, and the lines routed on it so far."""

    def __init__(self, plan: BlueprintLayout) -> None:
        self.plan = plan
        self.margins: dict[str, float] = {}
        obstacles: list[Rect] = []
        for key, body in plan.bodies.items():
            m = BOX_MARGIN if key.startswith("Step:") else MARK_MARGIN
            self.margins[key] = m
            obstacles.append(body.grow(m))
        obstacles.extend(r.grow(MARK_MARGIN - 2) for r in plan.label_boxes.values())
        self.obstacles = obstacles
        box = plan.field_
        xs: set[float] = {box.x0, box.x1}
        ys: set[float] = set()
        # the channels between columns, a few tracks each
        first = math.floor(box.x0 / COLUMN) - 1
        for c in range(first, math.ceil(box.x1 / COLUMN) + 1):
            xs.update(c * COLUMN + COLUMN / 2 + t for t in CHANNEL)
        # the corridors where two bands meet, and along the drawing's top and foot
        for band in plan.bands:
            ys.update(band.top + t for t in CORRIDOR)
            ys.update(band.bottom - t for t in CORRIDOR)
        # the ports of every thing, and the room just past each label
        for key, body in plan.bodies.items():
            m = self.margins[key]
            xs.update((body.cx, body.x0 - m, body.x1 + m))
            if key.startswith("Step:"):
                quarter = (body.x1 - body.x0) / 4
                xs.update((body.cx - quarter, body.cx + quarter))
            ys.update((body.cy, body.y0 - m, body.y1 + m))
            if key.startswith("Step:"):
                ys.add(body.y0 + ROW)
        for r in plan.label_boxes.values():
            ys.add(r.y1 + MARK_MARGIN + 3)
        self.xs = sorted(x for x in xs if box.x0 <= x <= box.x1)
        self.ys = sorted(y for y in ys if box.y0 <= y <= box.y1)
        nx, ny = len(self.xs), len(self.ys)
        self.ok = [True] * (nx * ny)
        # right[k] / down[k]: whether the segment from point k to the next one is free
        self.right = [False] * (nx * ny)
        self.down = [False] * (nx * ny)
        for j, y in enumerate(self.ys):
            spans = _merged((r.x0, r.x1) for r in obstacles if r.y0 < y < r.y1)
            for i, free in enumerate(_free_points(self.xs, spans)):
                self.ok[j * nx + i] = free
        for j, y in enumerate(self.ys):
            spans = _merged((r.x0, r.x1) for r in obstacles if r.y0 < y < r.y1)
            for i, free in enumerate(_free_gaps(self.xs, spans)):
                k = j * nx + i
                self.right[k] = free and self.ok[k] and self.ok[k + 1]
        for i, x in enumerate(self.xs):
            spans = _merged((r.y0, r.y1) for r in obstacles if r.x0 < x < r.x1)
            for j, free in enumerate(_free_gaps(self.ys, spans)):
                k = j * nx + i
                self.down[k] = free and self.ok[k] and self.ok[k + nx]
        #: each point's free moves: (next point, 0 level / 1 upright, segment id, length)
        self.adj: list[list[tuple[int, int, int, float]]] = [[] for _ in self.ok]
        for k in range(nx * ny):
            i, j = k % nx, k // nx
            if self.right[k]:
                d = self.xs[i + 1] - self.xs[i]
                self.adj[k].append((k + 1, 0, 2 * k, d))
                self.adj[k + 1].append((k, 0, 2 * k, d))
            if self.down[k]:
                d = self.ys[j + 1] - self.ys[j]
                self.adj[k].append((k + nx, 1, 2 * k + 1, d))
                self.adj[k + nx].append((k, 1, 2 * k + 1, d))
        #: how many lines use each grid segment (level: 2k, upright: 2k+1), and each point's
        #: directions in use (1 level, 2 upright)
        self.used: dict[int, list[tuple[str, str]]] = {}
        self.through: dict[int, int] = {}

    def _index(self, p: Point) -> int | None:
        i = bisect_left(self.xs, p[0])
        j = bisect_left(self.ys, p[1])
        if i == len(self.xs) or j == len(self.ys):
            return None
        if abs(self.xs[i] - p[0]) > 1e-6 or abs(self.ys[j] - p[1]) > 1e-6:
            return None
        k = j * len(self.xs) + i
        return k if self.ok[k] else None

    def _ports(self, key: str) -> list[tuple[Point, int, int]]:
        body = self.plan.bodies[key]
        out = []
        for edge, outside, way in _stub(body, self.margins[key], key.startswith("Step:")):
            k = self._index(outside)
            if k is not None:
                out.append((edge, k, way))
        return out

    def route(self, link: Link) -> list[Point] | None:
        """The cheapest free path from a side of `link.source` to a side of its target, as
        the corners of a polyline from one body's edge to the other's; None if walled in."""
        starts = self._ports(link.source)
        goals = {k: (edge, way) for edge, k, way in self._ports(link.target)}
        if not starts or not goals:
            return None
        nx = len(self.xs)
        xs, ys = self.xs, self.ys
        gxs = [xs[k % nx] for k in goals]
        gys = [ys[k // nx] for k in goals]
        x0, x1, y0, y1 = min(gxs), max(gxs), min(gys), max(gys)

        def guess(k: int, way: int) -> float:
            """Length still to go to the goals' box, and a bend if it is off in both
            directions (never more than it takes), leaning on it a little (GREED)."""
            x, y = xs[k % nx], ys[k // nx]
            dx = x0 - x if x < x0 else x - x1 if x > x1 else 0.0
            dy = y0 - y if y < y0 else y - y1 if y > y1 else 0.0
            return GREED * (dx + dy + (BEND if dx and dy else 0.0))

        best: dict[int, float] = {}
        came: dict[int, int] = {}
        heap: list[tuple[float, float, int]] = []
        for _, k, way in starts:
            state = 2 * k + way
            best[state] = 0.0
            came[state] = -1
            heapq.heappush(heap, (guess(k, way), 0.0, state))
        found = -1
        adj, used, through = self.adj, self.used, self.through
        inf = float("inf")
        pop, push = heapq.heappop, heapq.heappush
        while heap:
            _, cost, state = pop(heap)
            if state < 0:  # a finished route, cheapest first: the last stub's bend counted
                found = -state - 1
                break
            if cost > best.get(state, inf):
                continue
            k, way = divmod(state, 2)
            if k in goals:
                total = cost + (BEND if goals[k][1] != way else 0.0)
                push(heap, (total, total, -state - 1))
                continue
            for nk, nway, seg, length in adj[k]:
                step = length
                if seg in used:
                    # running beside a line of another pair of ends; joining a line to the
                    # same thing (a fan-in to a system, a fan-out from a step) is free
                    others = sum(1 for a, b in used[seg] if a != link.source and b != link.target)
                    step += length * SHARED * others
                if nway != way:
                    step += BEND
                if through.get(nk, 0) & (2 if nway == 0 else 1):
                    step += CROSS
                nstate = 2 * nk + nway
                ncost = cost + step
                if ncost < best.get(nstate, inf):
                    best[nstate] = ncost
                    came[nstate] = state
                    push(heap, (ncost + guess(nk, nway), ncost, nstate))
        if found < 0:
            return None
        chain = []
        state = found
        while state != -1:
            chain.append(state)
            state = came[state]
        chain.reverse()
        ks = [s // 2 for s in chain]
        start_edge = next(edge for edge, k, way in starts if k == ks[0] and way == chain[0] % 2)
        points = [start_edge, *((xs[k % nx], ys[k // nx]) for k in ks), goals[ks[-1]][0]]
        self._claim(ks, link)
        return _corners(points)

    def _claim(self, ks: Sequence[int], link: Link) -> None:
        nx = len(self.xs)
        for a, b in itertools.pairwise(ks):
            lo = min(a, b)
            upright = abs(a - b) == nx
            seg = 2 * lo + (1 if upright else 0)
            self.used.setdefault(seg, []).append((link.source, link.target))
            for k in (a, b):
                self.through[k] = self.through.get(k, 0) | (2 if upright else 1)


def _merged(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Open intervals, sorted, overlapping ones joined."""
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(spans):
        if out and lo < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _free_points(coords: list[float], spans: list[tuple[float, float]]) -> list[bool]:
    """For each sorted coordinate: outside every open interval of `spans` (merged)."""
    out, s = [], 0
    for c in coords:
        while s < len(spans) and spans[s][1] <= c:
            s += 1
        out.append(not (s < len(spans) and spans[s][0] < c))
    return out


def _free_gaps(coords: list[float], spans: list[tuple[float, float]]) -> list[bool]:
    """For each pair of neighbouring sorted coordinates: whether the open segment between
    them meets no interval of `spans` (merged)."""
    out, s = [], 0
    for a, b in itertools.pairwise(coords):
        while s < len(spans) and spans[s][1] <= a:
            s += 1
        out.append(not (s < len(spans) and spans[s][0] < b))
    return out


def _corners(points: list[Point]) -> list[Point]:
    """A polyline without its repeated and straight-through points."""
    out: list[Point] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 1e-6 and abs(out[-1][1] - p[1]) < 1e-6:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (abs(ax - bx) < 1e-6 and abs(bx - p[0]) < 1e-6) or (
                abs(ay - by) < 1e-6 and abs(by - p[1]) < 1e-6
            ):
                out[-1] = p
                continue
        out.append(p)
    return out


#: the order lines are routed in: short, structural ones first; within a type, shortest first
ORDER = ("NEXT", "SUPPORTS", "AT_TOUCHPOINT", "SHOWS", "USES")


def route_all(plan: BlueprintLayout, links: Iterable[Link]) -> dict[Link, list[Point]]:
    """Every link whose two ends the layout drew, routed; a link that cannot be routed
    (walled in, which the layout's corridors should never allow) is drawn straight."""
    router = Router(plan)
    todo = [
        link
        for link in links
        if link.source in plan.bodies
        and link.target in plan.bodies
        and link.type != "HAS_FAIL_POINT"
    ]

    def order(link: Link) -> tuple[int, float, str, str]:
        (ax, ay), (bx, by) = plan.positions[link.source], plan.positions[link.target]
        rank = ORDER.index(link.type) if link.type in ORDER else len(ORDER)
        return (rank, abs(ax - bx) + abs(ay - by), link.source, link.target)

    out: dict[Link, list[Point]] = {}
    for link in sorted(todo, key=order):
        path = router.route(link)
        out[link] = path or [plan.positions[link.source], plan.positions[link.target]]
    return out
