"""Positions computed in Python, so that the browser draws a stable frame at once.

Three layouts: the blueprint diagram (bands per lane, columns by time and phase), a force
layout for large graphs (igraph's Fruchterman-Reingold, in C, instead of live physics in the
tab), and the aggregation of a graph too large to draw one node at a time (collapsed per
service, or per department above MAX_GROUPS groups).
"""

from __future__ import annotations

import math
import random
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bpql.analysis.matrix import NOBODY as NOBODY_ROW
from bpql.durations import format_minutes
from bpql.ids import service_of
from bpql.result import Graph, GraphEdge, GraphNode
from bpql.schema import LANES, LINES, NODES
from bpql.viz import text

# --- the blueprint diagram ----------------------------------------------------------------

COLUMN = 216  # px between two columns of steps
#: a step's box; the 44 px between two boxes are the channels lines run in
BOX_W = 172
STEP_FONT = 13
LINE = 16  # px per line of a step's label
BOX_PAD = 9  # px of room left and right of a box's text
FP_FONT = 12
FP_LINE = 14  # px per line of a fail point's label
THING_FONT = 12
THING_LINE = 14
MIN_GAP = 160  # px between two shared things in one row
THING_ROOM = MIN_GAP - 22  # px a shared thing's label may take
LANE_TOP = 30  # px above a lane's boxes: a free corridor for lines
LANE_FOOT = 30  # px under a lane's lowest label: another
THIN = 44  # px of a band with nothing in it: its title and nothing else
TITLE_ROOM = 150  # px for the bands' titles, left of the first column
PHASE_ROW = 44  # px above the bands for the phases' titles
ICON = 14  # px of a shared thing's square marker


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    def grow(self, by: float) -> Rect:
        return Rect(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def wrap(text: str, chars: int = 21) -> list[str]:
    """A name as lines of at most `chars` characters (a longer word stands on its own line);
    the impact view's bands wrap so."""
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False) or [""]


def step_lines(node: GraphNode) -> list[str]:
    """A step's whole name, wrapped to its box."""
    return text.wrap(node.name, BOX_W - 2 * BOX_PAD, STEP_FONT)


def step_facts(node: GraphNode) -> list[tuple[str, str]]:
    """The standards a step's box shows under its name: (kind, words)."""
    out = []
    for key, kind, words in (
        ("target_time", "target", "target"),
        ("max_wait", "wait", "wait up to"),
    ):
        v = node.properties.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append((kind, f"{words} {format_minutes(v)}"))
    return out


AP_WORDS = {"high": "High AP", "medium": "Medium AP", "low": "Low AP"}


def failpoint_lines(node: GraphNode) -> list[str]:
    """A fail point's whole name wrapped, then its action priority and RPN."""
    ap = node.properties.get("ap")
    tail = AP_WORDS.get(str(ap), "AP not rated")
    rpn = node.properties.get("rpn")
    if rpn is not None:
        tail += f" \u00b7 RPN {rpn}"
    return [*text.wrap(node.name, BOX_W + 8, FP_FONT), tail]


def box_height(lines: int) -> float:
    return 12 + lines * LINE + 6


#: a fail point's marker (a triangle) from its centre, and where its label starts under it
FP_MARK = 9
FP_GAP = 28  # px from one fail point's label to the next marker


def failpoint_height(lines: int) -> float:
    """A fail point's marker and the label under it, and the room before the next one."""
    return 2 * FP_MARK + 4 + lines * FP_LINE + FP_GAP - 12


def _label_rect(x: float, top: float, lines: list[str], size: float, line: float) -> Rect:
    w = max(text.width(s, size) for s in lines) / text.FIT
    return Rect(x - w / 2, top, x + w / 2, top + len(lines) * line + 3)


@dataclass(frozen=True)
class Band:
    key: str
    title: str
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


#: bands from top to bottom: (key, title); a band grows to hold what it draws, and one with
#: nothing in it is a thin band
BANDS: tuple[tuple[str, str], ...] = (
    ("evidence", "Physical evidence"),
    ("touchpoints", "Touchpoints"),
    *((lane.key, lane.title) for lane in LANES),
    ("systems", "Support systems"),
)
SHARED_BANDS = {"evidence": "SHOWS", "touchpoints": "AT_TOUCHPOINT", "systems": "USES"}
#: where a shared thing sits from the middle of its steps: evidence a little left, so that
#: its line passes beside the touchpoint's marker and name
SHARED_SHIFT = {"evidence": -BOX_W / 4, "touchpoints": 0.0, "systems": 0.0}


@dataclass
class BlueprintLayout:
    positions: dict[str, tuple[float, float]]
    bands: list[Band]
    #: (title, y) of the lines of interaction, visibility and internal interaction
    lines: list[tuple[str, float]]
    #: (title, left x, right x) of each phase, in time order
    phases: list[tuple[str, float, float]]
    #: the right edge of the drawing
    width: float = 0.0
    #: the lines of each step's name and each fail point's and shared thing's label
    labels: dict[str, list[str]] = field(default_factory=dict)
    #: what each node is drawn as (a step's box, a fail point's or shared thing's marker)
    bodies: dict[str, Rect] = field(default_factory=dict)
    #: where each label is written (fail points and shared things: under their marker)
    label_boxes: dict[str, Rect] = field(default_factory=dict)
    #: the standards a step's box shows under its name: (kind, words)
    facts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: the left edge of the drawing (room for the bands' titles)
    left: float = 0.0
    #: the columns of the phases, by phase title: (first column, columns)
    frame: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: the region lines may be routed in
    field_: Rect = Rect(0, 0, 0, 0)

    @property
    def top(self) -> float:
        return self.bands[0].top - PHASE_ROW

    @property
    def bottom(self) -> float:
        below = [r.y1 for r in (*self.bodies.values(), *self.label_boxes.values())]
        return max([self.bands[-1].bottom, *(y + 10 for y in below)])


def _bands(heights: dict[str, float]) -> list[Band]:
    out, y = [], 0.0
    for key, title in BANDS:
        height = heights.get(key) or THIN
        out.append(Band(key, title, y, y + height))
        y += height
    return out


def _phase_key(node: GraphNode) -> str:
    return node.name


def phase_frame(graph: Graph) -> list[tuple[str, int]]:
    """Each phase's title and how many columns its steps take, in time order: what two
    drawings share to put the same phase in the same columns."""
    plan = blueprint_layout(graph)
    return [(title, plan.frame[title][1]) for title, _, _ in plan.phases]


def blueprint_layout(
    graph: Graph, frame: dict[str, tuple[int, int]] | None = None
) -> BlueprintLayout:
    """The classic diagram: a band per lane, x by phase and time order.

    A step goes in the next free column of its lane, but no further left than the start of
    its phase and, where it can, right under the step it supports, so the lanes line up the
    way a designer draws them on a wall. Each step is a box holding its whole name; its fail
    points are listed under it, named; a lane is as tall as its tallest such stack, and a band
    with nothing in it is thin. Support systems sit in the phase whose steps use them most, so
    their lines stay short. `frame` gives phases (by title) their first column and width, so
    that two drawings (as-is and to-be) put a phase in the same columns.
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
    ranks = sorted(set(by_phase) | set(range(len(phases))))
    frame = dict(frame or {})

    column: dict[str, int] = {}
    cursor: defaultdict[str, int] = defaultdict(int)
    phase_spans: list[tuple[str, float, float]] = []
    used: dict[str, tuple[int, int]] = {}
    centre: dict[str, float] = {}
    span_of_rank: dict[int, tuple[float, float]] = {}
    start = 0
    for rank in ranks:
        title = _phase_key(phases[rank]) if rank < len(phases) else "(no phase)"
        if title in frame:
            start = frame[title][0]
        elif frame:
            start = max([start, *(a + w for a, w in frame.values())])
        end = start
        for s in by_phase.get(rank, []):
            lane = str(s.properties.get("lane"))
            col = max(cursor[lane], start)
            above = [column[t] for t in supports[s.key] if t in column]
            if above and min(above) >= col:
                col = min(above)
            column[s.key] = col
            cursor[lane] = col + 1
            end = max(end, col + 1)
        if rank >= len(phases) and end == start:
            continue  # no step outside a phase: no "(no phase)" column
        end = max(end, start + 1, start + (frame[title][1] if title in frame else 0))
        left, right = start * COLUMN - COLUMN / 2, (end - 1) * COLUMN + COLUMN / 2
        phase_spans.append((title, left, right))
        used[title] = (start, end - start)
        span_of_rank[rank] = (left, right)
        if rank < len(phases):
            centre[phases[rank].key] = (left + right) / 2
        start = end
        for lane in list(cursor):
            cursor[lane] = max(cursor[lane], start)

    # labels and heights: each step's box, and its fail points stacked under it
    labels: dict[str, list[str]] = {}
    facts: dict[str, list[tuple[str, str]]] = {}
    heights_of: dict[str, float] = {}
    failpoints: defaultdict[str, list[str]] = defaultdict(list)
    for e in sorted(by_type["HAS_FAIL_POINT"], key=lambda e: e.target):
        if e.source in column and e.target in nodes and e.target not in labels:
            failpoints[e.source].append(e.target)
            labels[e.target] = failpoint_lines(nodes[e.target])
    stack: dict[str, float] = {}
    for s in steps:
        labels[s.key] = step_lines(s)
        facts[s.key] = step_facts(s)
        heights_of[s.key] = box_height(len(labels[s.key]) + len(facts[s.key]))
        stack[s.key] = heights_of[s.key] + sum(
            failpoint_height(len(labels[f])) for f in failpoints[s.key]
        )
    heights: dict[str, float] = {}
    for s in steps:
        lane = str(s.properties.get("lane"))
        heights[lane] = max(heights.get(lane, 0.0), LANE_TOP + stack[s.key] + LANE_FOOT)

    def beside(edge_type: str) -> dict[str, list[str]]:
        """Things attached to steps by `edge_type`, with the steps they are attached to."""
        attached: defaultdict[str, list[str]] = defaultdict(list)
        for e in by_type[edge_type]:
            if e.source in column and e.target in nodes:
                attached[e.target].append(e.source)
        return attached

    rank_of = {
        s.key: phase_rank.get(f"Phase:{s.properties.get('phase')}", len(phases)) for s in steps
    }
    # a shared band: its markers in one row, or two staggered rows where one would push them
    # far from their steps; each marker's label to its right, so lines reach it from above
    # and below
    placed: dict[str, dict[str, tuple[float, int]]] = {}
    row_h: dict[str, float] = {}
    for band_key, edge_type in SHARED_BANDS.items():
        wanted: dict[str, float] = {}
        for thing, ss in beside(edge_type).items():
            labels[thing] = text.wrap(nodes[thing].name, THING_ROOM, THING_FONT)
            xs = [column[s] * COLUMN for s in ss]
            if band_key == "systems":
                # a support system goes to the phase most of its steps are in, near them
                counts = Counter(rank_of[s] for s in ss)
                home = min(counts, key=lambda r: (-counts[r], r))
                xs = [column[s] * COLUMN for s in ss if rank_of[s] == home]
                lo, hi = span_of_rank.get(home, (min(xs), max(xs)))
                wanted[thing] = min(max(sum(xs) / len(xs), lo + COLUMN / 2), hi - COLUMN / 2)
            else:
                wanted[thing] = sum(xs) / len(xs) + SHARED_SHIFT[band_key]
        if not wanted:
            continue
        placed[band_key] = _spread(wanted, 1)
        if max(abs(x - wanted[k]) for k, (x, _) in placed[band_key].items()) > COLUMN * 0.6:
            placed[band_key] = _spread(wanted, 2)
        rows = 1 + max(r for _, r in placed[band_key].values())
        row_h[band_key] = max(ICON, max(len(labels[t]) for t in wanted) * THING_LINE + 2) + 18
        heights[band_key] = LANE_TOP + rows * row_h[band_key] + LANE_FOOT - 12
    band_list = _bands(heights)
    bands = {b.key: b for b in band_list}

    positions: dict[str, tuple[float, float]] = {}
    bodies: dict[str, Rect] = {}
    label_boxes: dict[str, Rect] = {}
    for s in steps:
        band = bands.get(str(s.properties.get("lane")), bands["customer"])
        x = column[s.key] * COLUMN
        top = band.top + LANE_TOP
        h = heights_of[s.key]
        positions[s.key] = (x, top + h / 2)
        bodies[s.key] = Rect(x - BOX_W / 2, top, x + BOX_W / 2, top + h)
        below = top + h + 8 + FP_MARK
        for f in failpoints[s.key]:
            positions[f] = (x, below)
            bodies[f] = Rect(x - FP_MARK, below - FP_MARK, x + FP_MARK, below + FP_MARK)
            label_boxes[f] = _label_rect(x, below + FP_MARK + 3, labels[f], FP_FONT, FP_LINE)
            below += failpoint_height(len(labels[f]))

    for band_key, things in placed.items():
        band = bands[band_key]
        for key, (at, row) in things.items():
            y = band.top + LANE_TOP + row * row_h[band_key] + (row_h[band_key] - 18) / 2
            _thing(key, at, y, labels[key], positions, bodies, label_boxes)

    top = band_list[0].top - PHASE_ROW / 2
    last = max((r for _, _, r in phase_spans), default=COLUMN / 2)
    for i, phase in enumerate(phases):
        # a phase with no step in this view still gets a place, after the last column
        positions[phase.key] = (centre.get(phase.key, last + (i + 0.5) * MIN_GAP), top)
    # anything the view holds that the diagram has no place for sits in a row below
    leftover = [k for k in nodes if k not in positions]
    below_all = band_list[-1].bottom + 60
    for i, key in enumerate(sorted(leftover)):
        labels[key] = text.wrap(nodes[key].name, THING_ROOM, THING_FONT)
        _thing(key, i * MIN_GAP, below_all, labels[key], positions, bodies, label_boxes)
    lines = [(line.title, bands[line.above].bottom) for line in LINES]
    drawn = [*bodies.values(), *label_boxes.values()]
    right = max([last, *(r.x1 for r in drawn)]) + COLUMN / 2
    left = -COLUMN / 2 - 12 - TITLE_ROOM
    bottom = max([band_list[-1].bottom, *(r.y1 + 20 for r in drawn)])
    field_ = Rect(-COLUMN / 2 - 6, band_list[0].top, right - 8, bottom)
    return BlueprintLayout(
        positions,
        band_list,
        lines,
        phase_spans,
        right,
        labels,
        bodies,
        label_boxes,
        facts,
        left,
        used,
        field_,
    )


def _spread(wanted: dict[str, float], rows: int) -> dict[str, tuple[float, int]]:
    """Shared things in one band, as near their steps as `rows` staggered rows allow: each
    thing's x and row."""
    last = [-math.inf] * rows
    out = {}
    for key, x in sorted(wanted.items(), key=lambda kv: (kv[1], kv[0])):
        row = min(range(rows), key=lambda r: (max(x, last[r] + MIN_GAP), r))
        at = max(x, last[row] + MIN_GAP)
        last[row] = at
        out[key] = (at, row)
    return out


def _thing(
    key: str,
    x: float,
    y: float,
    lines: list[str],
    positions: dict[str, tuple[float, float]],
    bodies: dict[str, Rect],
    label_boxes: dict[str, Rect],
) -> None:
    """A shared thing's marker at (x, y), its label to the right."""
    positions[key] = (x, y)
    bodies[key] = Rect(x - ICON / 2, y - ICON / 2, x + ICON / 2, y + ICON / 2)
    w = max(text.width(s, THING_FONT) for s in lines) / text.FIT
    h = len(lines) * THING_LINE + 3
    label_boxes[key] = Rect(x + ICON / 2 + 5, y - h / 2, x + ICON / 2 + 5 + w, y + h / 2)


def merged_frame(*frames: list[tuple[str, int]]) -> dict[str, tuple[int, int]]:
    """One frame for several drawings: each phase once, as wide as its widest drawing needs,
    in the order the drawings give (a phase only one of them has goes where it has it)."""
    order: list[str] = []
    width: dict[str, int] = {}
    for frame in frames:
        at = 0
        for title, cols in frame:
            width[title] = max(width.get(title, 0), cols)
            if title in order:
                at = order.index(title) + 1
            else:
                order.insert(at, title)
                at += 1
    out, start = {}, 0
    for title in order:
        out[title] = (start, width[title])
        start += width[title]
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


#: at most this many groups in a collapsed drawing: above it, services collapse per department
MAX_GROUPS = 300
#: the group of the services whose department the answer does not show
NO_DEPARTMENT = "(no department in this answer)"
#: the group of the smallest departments, when there are more departments than groups
OTHER_DEPARTMENTS = "(other departments)"


@dataclass
class Aggregate:
    """A graph collapsed per service (or per department): what stands for each group, what
    it holds, and for a department group its services (id, name, nodes), in id order."""

    graph: Graph
    members: dict[str, list[str]]
    services: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    #: what a group weighs when it is not its members' count (a matrix's steps)
    weights: dict[str, int] = field(default_factory=dict)


def from_matrix(
    matrix: dict[str, Any], ids: dict[str, str] | None = None, max_groups: int | None = None
) -> Aggregate:
    """An impact or what-if answer read without its subgraph, collapsed from its department x
    service matrix (`bpql.analysis.matrix`): a node per department and per service, an edge
    for the steps a department performs in a service, weighted by them. Above `max_groups`
    (MAX_GROUPS) the services collapse into the department performing most of their steps
    (ties to the first name; the steps no department performs count for none), the
    smallest departments into one group if even they are too many, and an edge joins two
    department groups for the steps one performs in the other's services. A service is
    drawn by its id where `ids` (name -> id, `Result.service_ids`) has it, so it opens and
    expands as any service node does. Linear in the matrix's cells."""
    max_groups = MAX_GROUPS if max_groups is None else max_groups
    sid = (ids or {}).get
    services: list[str] = [str(s) for s in matrix["services"]]
    totals = {s: int(t[0]) for s, t in zip(services, matrix["total"], strict=True)}
    cells: list[tuple[str, str, int]] = []  # department, service, steps
    for row in matrix["rows"]:
        for s, cell in zip(services, row["cells"], strict=True):
            if cell is not None and cell[0]:
                cells.append((str(row["department"]), s, int(cell[0])))
    departments = sorted({d for d, _, _ in cells})
    out = Graph()
    members: dict[str, list[str]] = {}
    weights: dict[str, int] = {}
    if len(services) + len(departments) <= max_groups:
        performs: Counter[str] = Counter()
        for d, _, n in cells:
            performs[d] += n
        for d in departments:
            key = f"Department:{d}"
            weights[key] = performs[d]
            out.add_node(
                GraphNode("Department", d, ("Department",), {"name": d, "steps": weights[key]})
            )
            members[key] = [key]
        for s in services:
            key = f"Service:{sid(s, s)}"
            weights[key] = totals[s]
            shown: dict[str, Any] = {"name": s, "steps": totals[s]}
            out.add_node(GraphNode("Service", sid(s, s), ("Service",), shown))
            members[key] = [key]
        for d, s, n in sorted(cells):
            target = f"Service:{sid(s, s)}"
            out.add_edge(GraphEdge(f"Department:{d}", target, "PERFORMS", {"steps": n}))
        return Aggregate(out, members, {}, weights)
    most: dict[str, tuple[int, str]] = {}  # service -> (-steps, department): its group
    for d, s, n in cells:
        if d != NOBODY_ROW and (s not in most or (-n, d) < most[s]):
            most[s] = (-n, d)
    group_of = {s: most[s][1] if s in most else NO_DEPARTMENT for s in services}
    sizes = Counter(group_of.values())
    room = max(max_groups - 1, 1)
    crowded = len(set(departments) | set(sizes)) > room
    if crowded:  # the largest kept, the rest in one group
        kept = set(sorted(sizes, key=lambda g: (-sizes[g], g))[: room - 1])
        group_of = {s: g if g in kept else OTHER_DEPARTMENTS for s, g in group_of.items()}
    held: defaultdict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for s in services:
        held[group_of[s]].append((sid(s, s), s, totals[s]))
    between: Counter[tuple[str, str]] = Counter()
    for d, s, n in cells:
        g = group_of[s]
        performer = d if d in held or not crowded else OTHER_DEPARTMENTS
        if performer != g:
            between[(performer, g)] += n
    names = sorted(set(held) | {a for a, _ in between})
    for g in names:
        key = f"Department:{g}"
        inside = held.get(g, [])
        weights[key] = sum(n for _, _, n in inside)
        props: dict[str, Any] = {
            "name": f"{g} ({len(inside):,} services)" if inside else g,
            "services": len(inside),
            "steps": weights[key],
        }
        out.add_node(GraphNode("Department", g, ("Department",), props))
        members[key] = [f"Service:{i}" for i, _, _ in inside] or [key]
    for (a, b), n in sorted(between.items()):
        out.add_edge(GraphEdge(f"Department:{a}", f"Department:{b}", "PERFORMS", {"steps": n}))
    grouped = {f"Department:{g}": sorted(inside) for g, inside in held.items()}
    return Aggregate(out, members, grouped, weights)


def service_departments(graph: Graph) -> dict[str, str]:
    """Each service's department, as far as the answer shows it: the department that performs
    most of its steps (ties to the first name). A step's departments are those `impact of` puts
    on it (`departments`), else those its PERFORMED_BY and MEMBER_OF edges in the graph reach;
    a step performed by a role whose department the answer does not hold counts as unknown. A
    service is left out when no department performs more of its steps than the unknown do
    (`show system "core" depth 2` holds the department of `core`'s owner and its roles, not
    the others': it would otherwise put every service in that one department)."""
    member_of: defaultdict[str, list[str]] = defaultdict(list)
    performed: defaultdict[str, list[str]] = defaultdict(list)
    for e in graph.edges:
        if e.type == "MEMBER_OF" and e.target in graph.nodes:
            member_of[e.source].append(graph.nodes[e.target].name)
        elif e.type == "PERFORMED_BY":
            performed[e.source].append(e.target)
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    unknown: Counter[str] = Counter()
    for key, node in graph.nodes.items():
        if node.label != "Step":
            continue
        sid = service_of(node.label, node.id)
        if sid is None:
            continue
        named = node.properties.get("departments")
        if isinstance(named, list) and named:
            found = {str(d) for d in named}
        else:
            roles = performed.get(key, ())
            found = {d for role in roles for d in member_of.get(role, ())}
            if roles and not found:
                unknown[sid] += 1
        counts[sid].update(found)
    out = {}
    for sid, c in counts.items():
        if c:
            best = min(c, key=lambda d: (-c[d], d))
            if c[best] > unknown[sid]:
                out[sid] = best
    return out


def aggregate(graph: Graph, max_groups: int | None = None) -> Aggregate:
    """Collapse a graph per service; shared things (systems, roles, ...) collapse per kind.

    Above `max_groups` (MAX_GROUPS) groups the services collapse per department instead (see
    `service_departments`), the smallest departments into one group if even they are too
    many. Edges between two groups become one edge carrying how many relationships it stands
    for. Linear in the nodes and edges.
    """
    max_groups = MAX_GROUPS if max_groups is None else max_groups
    shared_kinds = {n.label for n in graph.nodes.values() if service_of(n.label, n.id) is None}
    shared_kinds.discard("Service")
    service_ids = {
        sid for n in graph.nodes.values() if (sid := service_of(n.label, n.id)) is not None
    }
    department_of: dict[str, str] | None = None
    if len(service_ids) + len(shared_kinds) > max_groups:
        department_of = service_departments(graph)
        room = max(max_groups - len(shared_kinds) - 1, 1)
        sizes = Counter(department_of.values())
        if len(sizes) > room:  # keep the largest departments, the rest in one group
            kept = set(sorted(sizes, key=lambda d: (-sizes[d], d))[: room - 1])
            department_of = {
                s: d if d in kept else OTHER_DEPARTMENTS for s, d in department_of.items()
            }

    service_names = {n.id: n.name for n in graph.nodes.values() if n.label == "Service"}

    def group(node: GraphNode) -> tuple[str, str]:
        sid = service_of(node.label, node.id)
        if sid is None:
            return f"{node.label}:*", f"{NODES[node.label].plural.capitalize()} (shared)"
        if department_of is None:
            return f"Service:{sid}", service_names.get(sid, sid)
        department = department_of.get(sid, NO_DEPARTMENT)
        return f"Department:{department}", department

    members: defaultdict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    of: dict[str, str] = {}
    held: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for key, node in graph.nodes.items():
        gkey, gname = group(node)
        members[gkey].append(key)
        names[gkey] = gname
        of[key] = gkey
        if department_of is not None and (sid := service_of(node.label, node.id)) is not None:
            held[gkey][sid] += 1
    out = Graph()
    for gkey in sorted(members):
        label, gid = gkey.split(":", 1)
        kinds = Counter(graph.nodes[m].label for m in members[gkey])
        props: dict[str, Any] = {
            "name": f"{names[gkey]} ({len(members[gkey])})",
            "members": len(members[gkey]),
        }
        if gkey in held:
            props["services"] = len(held[gkey])
        props.update({f"{k} nodes": v for k, v in sorted(kinds.items())})
        out.add_node(GraphNode(label, gid, (label,), props))
    counts: Counter[tuple[str, str, str]] = Counter()
    for e in graph.edges:
        a, b = of.get(e.source), of.get(e.target)
        if a and b and a != b:
            counts[(a, b, e.type)] += 1
    for (a, b, t), n in sorted(counts.items()):
        out.add_edge(GraphEdge(a, b, t, {"relationships": n}))
    services = {
        gkey: [(sid, service_names.get(sid, sid), n) for sid, n in sorted(c.items())]
        for gkey, c in held.items()
    }
    return Aggregate(out, {k: sorted(v) for k, v in members.items()}, services)
