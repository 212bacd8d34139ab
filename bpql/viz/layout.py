"""Positions computed in Python, so that the browser draws a stable frame at once.

Three layouts: the blueprint diagram (bands per lane, columns by time and phase), a force
layout for large graphs (igraph's Fruchterman-Reingold, in C, instead of live physics in the
tab), and the aggregation of a graph too large to draw one node at a time (collapsed per
service).
"""

from __future__ import annotations

import math
import random
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bpql.durations import format_minutes
from bpql.ids import service_of
from bpql.result import Graph, GraphEdge, GraphNode
from bpql.schema import LANES, LINES, NODES

# --- the blueprint diagram ----------------------------------------------------------------

COLUMN = 200  # px between two columns of steps
MIN_GAP = 150  # px between two shared things in one band
#: a step's box: its width, and the characters of its name one line holds at 13 px
BOX_W = 160
CHARS = 21
LINE = 16  # px per line of a step's label
FP_LINE = 14  # px per line of a fail point's label
FP_CHARS = 24
LANE_TOP = 30  # px above a lane's first box, for the lane's title


def wrap(text: str, chars: int = CHARS) -> list[str]:
    """A name as lines of at most `chars` characters (a longer word stands on its own line)."""
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False) or [""]


def step_label(node: GraphNode) -> str:
    """A step's full name wrapped, and its target time with units when it has one."""
    lines = wrap(node.name)
    target = node.properties.get("target_time")
    if isinstance(target, (int, float)) and not isinstance(target, bool):
        lines.append(f"target {format_minutes(target)}")
    return "\n".join(lines)


AP_WORDS = {"high": "High AP", "medium": "Medium AP", "low": "Low AP"}


def failpoint_label(node: GraphNode) -> str:
    """A fail point's full name wrapped, then its action priority and RPN."""
    ap = node.properties.get("ap")
    tail = AP_WORDS.get(str(ap), "AP not rated")
    rpn = node.properties.get("rpn")
    if rpn is not None:
        tail += f" \u00b7 RPN {rpn}"
    return "\n".join([*wrap(node.name, FP_CHARS), tail])


def box_height(label: str) -> float:
    return label.count("\n") * LINE + LINE + 14


def failpoint_height(label: str) -> float:
    """A fail point's marker and the label under it."""
    return 22 + (label.count("\n") + 1) * FP_LINE + 10


@dataclass(frozen=True)
class Band:
    key: str
    title: str
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


#: bands from top to bottom: (key, title, least height); a lane grows to hold its steps' boxes
#: and the fail points listed under them
BANDS: tuple[tuple[str, str, int], ...] = (
    ("evidence", "Physical evidence", 140),
    ("touchpoints", "Touchpoints", 130),
    *((lane.key, lane.title, 120) for lane in LANES),
    ("systems", "Support systems", 170),
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
    #: the wrapped label of each step and fail point, as drawn
    labels: dict[str, str] = field(default_factory=dict)
    #: the height of each step's box
    boxes: dict[str, float] = field(default_factory=dict)
    #: the left edge of the drawing (room for the bands' titles)
    left: float = 0.0


def _bands(heights: dict[str, float]) -> list[Band]:
    out, y = [], 0.0
    for key, title, least in BANDS:
        height = max(float(least), heights.get(key, 0.0))
        out.append(Band(key, title, y, y + height))
        y += height
    return out


def blueprint_layout(graph: Graph) -> BlueprintLayout:
    """The classic diagram: a band per lane, x by phase and time order.

    A step goes in the next free column of its lane, but no further left than the start of
    its phase and, where it can, right under the step it supports, so the lanes line up the
    way a designer draws them on a wall. Each step is a box holding its whole name; its fail
    points are listed under it, named; a lane is as tall as its tallest such stack. Support
    systems sit in the phase whose steps use them most, so their lines stay short.
    """
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
    span_of_rank: dict[int, tuple[float, float]] = {}
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
        span_of_rank[rank] = (left, right)
        if rank < len(phases):
            centre[phases[rank].key] = (left + right) / 2
        start = end

    # labels and heights: each step's box, and its fail points stacked under it
    labels: dict[str, str] = {}
    boxes: dict[str, float] = {}
    failpoints: defaultdict[str, list[str]] = defaultdict(list)
    for e in sorted(by_type["HAS_FAIL_POINT"], key=lambda e: e.target):
        if e.source in column and e.target in nodes and e.target not in labels:
            failpoints[e.source].append(e.target)
            labels[e.target] = failpoint_label(nodes[e.target])
    stack: dict[str, float] = {}
    for s in steps:
        labels[s.key] = step_label(s)
        boxes[s.key] = box_height(labels[s.key])
        stack[s.key] = boxes[s.key] + sum(failpoint_height(labels[f]) for f in failpoints[s.key])
    heights: defaultdict[str, float] = defaultdict(float)
    for s in steps:
        lane = str(s.properties.get("lane"))
        # room under the lowest label for the line drawn at the lane's foot and its title
        heights[lane] = max(heights[lane], LANE_TOP + stack[s.key] + 34)
    band_list = _bands(heights)
    bands = {b.key: b for b in band_list}

    positions: dict[str, tuple[float, float]] = {}
    for s in steps:
        band = bands.get(str(s.properties.get("lane")), bands["customer"])
        x = column[s.key] * COLUMN
        y = band.top + LANE_TOP + boxes[s.key] / 2
        positions[s.key] = (x, y)
        below = y + boxes[s.key] / 2 + 24
        for f in failpoints[s.key]:
            positions[f] = (x, below)
            below += failpoint_height(labels[f])

    def beside(edge_type: str) -> dict[str, list[str]]:
        """Things attached to steps by `edge_type`, with the steps they are attached to."""
        attached: defaultdict[str, list[str]] = defaultdict(list)
        for e in by_type[edge_type]:
            if e.source in column:
                attached[e.target].append(e.source)
        return attached

    for band_key, edge_type in (("evidence", "SHOWS"), ("touchpoints", "AT_TOUCHPOINT")):
        attached = beside(edge_type)
        wanted = {
            thing: sum(positions[s][0] for s in ss) / len(ss) for thing, ss in attached.items()
        }
        positions.update(_spread(wanted, bands[band_key]))
    # a support system goes to the phase most of its steps are in, near them within it
    rank_of = {
        s.key: phase_rank.get(f"Phase:{s.properties.get('phase')}", len(phases)) for s in steps
    }
    wanted = {}
    for system, ss in beside("USES").items():
        ranks = Counter(rank_of[s] for s in ss)
        home = min(ranks, key=lambda r: (-ranks[r], r))
        xs = [positions[s][0] for s in ss if rank_of[s] == home]
        lo, hi = span_of_rank.get(home, (min(xs), max(xs)))
        wanted[system] = min(max(sum(xs) / len(xs), lo + COLUMN / 2), hi - COLUMN / 2)
    positions.update(_spread(wanted, bands["systems"]))
    top = bands["evidence"].top - 55
    for i, phase in enumerate(phases):
        # a phase with no step in this view still gets a place, after the last column
        positions[phase.key] = (centre.get(phase.key, start * COLUMN + i * MIN_GAP), top)
    # anything the view holds that the diagram has no place for sits in a row below
    leftover = [k for k in nodes if k not in positions]
    below_all = bands["systems"].bottom + 60
    for i, key in enumerate(sorted(leftover)):
        positions[key] = (i * MIN_GAP, below_all)
    lines = [(line.title, bands[line.above].bottom) for line in LINES]
    width = max((x for x, _ in positions.values()), default=0.0) + COLUMN
    return BlueprintLayout(
        positions, band_list, lines, phase_spans, width, labels, boxes, left=-COLUMN * 1.25
    )


def _spread(wanted: dict[str, float], band: Band) -> dict[str, tuple[float, float]]:
    """Shared things in one band, as near their steps as two staggered rows allow."""
    rows = [band.top + 38, band.top + 100]
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
