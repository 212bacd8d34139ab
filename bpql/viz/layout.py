"""Positions computed in Python, so that the browser draws a stable frame at once.

Three layouts: the blueprint diagram (bands per lane, columns by time and phase), a force
layout for large graphs (igraph's Fruchterman-Reingold, in C, instead of live physics in the
tab), and the aggregation of a graph too large to draw one node at a time (collapsed per
service).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bpql.ids import service_of
from bpql.result import Graph, GraphEdge, GraphNode
from bpql.schema import LANES, LINES, NODES

# --- the blueprint diagram ----------------------------------------------------------------

COLUMN = 210  # px between two columns of steps
MIN_GAP = 170  # px between two shared things in one band


@dataclass(frozen=True)
class Band:
    key: str
    title: str
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


#: bands from top to bottom: (key, title, height)
BANDS: tuple[tuple[str, str, int], ...] = (
    ("evidence", "Physical evidence", 120),
    ("touchpoints", "Touchpoints", 110),
    *((lane.key, lane.title, 150) for lane in LANES),
    ("systems", "Support systems", 120),
)


@dataclass
class BlueprintLayout:
    positions: dict[str, tuple[float, float]]
    bands: list[Band]
    #: (title, y) of the lines of interaction, visibility and internal interaction
    lines: list[tuple[str, float]]
    #: (title, left x, right x) of each phase, in time order
    phases: list[tuple[str, float, float]]
    width: float = 0.0


def _bands() -> list[Band]:
    out, y = [], 0.0
    for key, title, height in BANDS:
        out.append(Band(key, title, y, y + height))
        y += height
    return out


def blueprint_layout(graph: Graph) -> BlueprintLayout:
    """The classic diagram: a band per lane, x by phase and time order.

    A step goes in the next free column of its lane, but no further left than the start of
    its phase and, where it can, right under the step it supports, so the lanes line up the
    way a designer draws them on a wall.
    """
    bands = {b.key: b for b in _bands()}
    nodes = graph.nodes
    by_type: defaultdict[str, list[GraphEdge]] = defaultdict(list)
    for e in graph.edges:
        by_type[e.type].append(e)
    phases = sorted(
        (n for n in nodes.values() if n.label == "Phase"),
        key=lambda n: (n.properties.get("order") or 0, n.id),
    )
    steps = sorted(
        (n for n in nodes.values() if n.label == "Step"),
        key=lambda n: (n.properties.get("seq") or 0, n.id),
    )
    supports: defaultdict[str, list[str]] = defaultdict(list)
    for e in by_type["SUPPORTS"]:
        supports[e.source].append(e.target)
    phase_rank = {p.key: i for i, p in enumerate(phases)}
    by_phase: defaultdict[int, list[GraphNode]] = defaultdict(list)
    for s in steps:
        by_phase[phase_rank.get(f"Phase:{s.properties.get('phase')}", len(phases))].append(s)

    column: dict[str, int] = {}
    cursor: defaultdict[str, int] = defaultdict(int)
    phase_spans: list[tuple[str, float, float]] = []
    centre: dict[str, float] = {}
    start = 0
    for rank in sorted(by_phase):
        end = start
        for s in by_phase[rank]:
            lane = str(s.properties.get("lane"))
            col = max(cursor[lane], start)
            above = [column[t] for t in supports[s.key] if t in column]
            if above and min(above) >= col:
                col = min(above)
            column[s.key] = col
            cursor[lane] = col + 1
            end = max(end, col + 1)
        title = phases[rank].name if rank < len(phases) else "(no phase)"
        left, right = start * COLUMN - COLUMN / 2, (end - 1) * COLUMN + COLUMN / 2
        phase_spans.append((title, left, right))
        if rank < len(phases):
            centre[phases[rank].key] = (left + right) / 2
        start = end
    positions: dict[str, tuple[float, float]] = {}
    for s in steps:
        band = bands.get(str(s.properties.get("lane")), bands["customer"])
        positions[s.key] = (column[s.key] * COLUMN, band.middle)

    def beside(edge_type: str) -> dict[str, list[str]]:
        """Things attached to steps by `edge_type`, with the steps they are attached to."""
        attached: defaultdict[str, list[str]] = defaultdict(list)
        for e in by_type[edge_type]:
            if e.source in positions:
                attached[e.target].append(e.source)
        return attached

    for band_key, edge_type in (
        ("evidence", "SHOWS"),
        ("touchpoints", "AT_TOUCHPOINT"),
        ("systems", "USES"),
    ):
        attached = beside(edge_type)
        wanted = {
            thing: sum(positions[s][0] for s in ss) / len(ss) for thing, ss in attached.items()
        }
        positions.update(_spread(wanted, bands[band_key]))
    for fp, ss in beside("HAS_FAIL_POINT").items():
        x, y = positions[ss[0]]
        positions[fp] = (x + 58, y - 48)
    # fail points of one step stack upwards instead of covering each other
    stacked: Counter[tuple[float, float]] = Counter()
    for key in sorted(k for k in positions if k.startswith("FailPoint:")):
        x, y = positions[key]
        positions[key] = (x + 14 * stacked[(x, y)], y + 26 * stacked[(x, y)])
        stacked[(x, y)] += 1
    top = bands["evidence"].top - 55
    for i, phase in enumerate(phases):
        # a phase with no step in this view still gets a place, after the last column
        positions[phase.key] = (centre.get(phase.key, start * COLUMN + i * MIN_GAP), top)
    # anything the view holds that the diagram has no place for sits in a row below
    leftover = [k for k in nodes if k not in positions]
    below = bands["systems"].bottom + 60
    for i, key in enumerate(sorted(leftover)):
        positions[key] = (i * MIN_GAP, below)
    lines = [(line.title, bands[line.above].bottom) for line in LINES]
    width = max((x for x, _ in positions.values()), default=0.0) + COLUMN
    return BlueprintLayout(positions, list(bands.values()), lines, phase_spans, width)


def _spread(wanted: dict[str, float], band: Band) -> dict[str, tuple[float, float]]:
    """Shared things in one band, as near their steps as two staggered rows allow."""
    rows = [band.middle - 30, band.middle + 26]
    last = [-math.inf, -math.inf]
    out = {}
    for key, x in sorted(wanted.items(), key=lambda kv: (kv[1], kv[0])):
        row = min(range(2), key=lambda r: (max(x, last[r] + MIN_GAP), r))
        placed = max(x, last[row] + MIN_GAP)
        last[row] = placed
        out[key] = (placed, rows[row])
    return out


# --- large graphs -----------------------------------------------------------------------


def force_layout(
    keys: list[str], edges: Iterable[tuple[str, str]]
) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold in igraph's C core, seeded, so the same graph gets the same layout."""
    import igraph

    index = {k: i for i, k in enumerate(keys)}
    pairs = sorted({(index[a], index[b]) for a, b in edges if a in index and b in index})
    g = igraph.Graph(n=len(keys), edges=pairs, directed=False)
    rnd = random.Random(7)
    # start spread over about sqrt(n): from a tight start the grid variant crawls (1.2 s
    # instead of 0.15 s for 1,500 nodes)
    r = math.sqrt(max(len(keys), 1))
    seed = [[rnd.uniform(-r, r), rnd.uniform(-r, r)] for _ in keys]
    igraph.set_random_number_generator(rnd)
    try:
        layout = g.layout_fruchterman_reingold(seed=seed, niter=500, grid="auto")
    finally:
        igraph.set_random_number_generator(random)  # igraph's default
    coords = layout.coords
    # scale so that nodes sit about 110 px apart on average, whatever the graph's size
    xs = [c[0] for c in coords] or [0.0]
    ys = [c[1] for c in coords] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    scale = 110 * math.sqrt(max(len(keys), 1)) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        k: ((c[0] - cx) * scale, (c[1] - cy) * scale) for k, c in zip(keys, coords, strict=True)
    }


@dataclass
class Aggregate:
    """A graph collapsed per service: what stands for each group, and what it holds."""

    graph: Graph
    members: dict[str, list[str]]


def aggregate(graph: Graph) -> Aggregate:
    """Collapse a graph per service; shared things (systems, roles, ...) collapse per kind.

    Edges between two groups become one edge carrying how many relationships it stands for.
    """

    def group(node: GraphNode) -> tuple[str, str]:
        sid = service_of(node.label, node.id)
        if sid is not None:
            service = graph.nodes.get(f"Service:{sid}")
            return f"Service:{sid}", service.name if service else sid
        return f"{node.label}:*", f"{NODES[node.label].plural.capitalize()} (shared)"

    members: defaultdict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    of: dict[str, str] = {}
    for key, node in graph.nodes.items():
        gkey, gname = group(node)
        members[gkey].append(key)
        names[gkey] = gname
        of[key] = gkey
    out = Graph()
    for gkey in sorted(members):
        label, gid = gkey.split(":", 1)
        kinds = Counter(graph.nodes[m].label for m in members[gkey])
        props = {
            "name": f"{names[gkey]} ({len(members[gkey])})",
            "members": len(members[gkey]),
            **{f"{k} nodes": v for k, v in sorted(kinds.items())},
        }
        out.add_node(GraphNode(label, gid, (label,), props))
    counts: Counter[tuple[str, str, str]] = Counter()
    for e in graph.edges:
        a, b = of.get(e.source), of.get(e.target)
        if a and b and a != b:
            counts[(a, b, e.type)] += 1
    for (a, b, t), n in sorted(counts.items()):
        out.add_edge(GraphEdge(a, b, t, {"relationships": n}))
    return Aggregate(out, {k: sorted(v) for k, v in members.items()})
