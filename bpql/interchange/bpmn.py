"""BPMN 2.0 out: a collaboration with one pool per blueprint, drawn.

Each blueprint is a pool (its service's name) whose process has a lane per blueprint lane
(customer, frontstage, backstage, support) and, with `by_role`, a lane per role inside each
(a step goes to the lane of its first performer). Its steps are tasks in time order, joined
by sequence flows from a start event to an end event; a step at a touchpoint exchanges a
message with the customer's pool (from the customer for a customer action, to the customer
otherwise), named after the touchpoint. The diagram interchange (BPMN DI) places each task
in BPQL's own blueprint layout's column (`bpql viz --blueprint`), inside its lane, so
Camunda Modeler and bpmn.io open it drawn, and the to-be's pool is a target model for
process mining. Validated in the tests against the OMG's XSDs and by `bpmnlint`'s
recommended rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bpql.graphdata import Enterprise, GraphData
from bpql.interchange.source import LANE_TITLES, BlueprintInfo, Index, blueprints, gc_paused
from bpql.interchange.xmltext import Xml, number

MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NAMESPACES = {
    "xmlns": MODEL,
    "xmlns:bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "xmlns:dc": "http://www.omg.org/spec/DD/20100524/DC",
    "xmlns:di": "http://www.omg.org/spec/DD/20100524/DI",
}

#: sizes (px), as bpmn.io draws them: a task, an event, a lane's height, a title band
TASK_W, TASK_H = 100, 80
EVENT = 36
LANE_H = 120
TITLE = 30
GAP = 40
#: the customer's pool, on top of the others
CUSTOMER_H = 80


def bpmn_id(kind: str, bpql_id: str) -> str:
    """An XML id for a BPQL id (`Activity_claims_cto-be.submit-claim`): `_` doubled, `:` as
    `_c`, `/` as `_s`, so two BPQL ids never meet."""
    escaped = bpql_id.replace("_", "__").replace(":", "_c").replace("/", "_s")
    if _OTHER.search(escaped):
        escaped = _OTHER.sub(lambda m: f"_u{ord(m.group()):04x}", escaped)
    return f"{kind}_{escaped}"


_OTHER = re.compile(r"[^A-Za-z0-9._-]")


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Lane:
    id: str
    name: str
    box: Box
    nodes: list[str] = field(default_factory=list)
    children: list[Lane] = field(default_factory=list)


@dataclass
class Pool:
    """One blueprint's pool: its process's lanes, tasks and flows, placed."""

    blueprint: BlueprintInfo
    participant: str
    process: str
    box: Box
    lanes: list[Lane]
    shapes: dict[str, Box] = field(default_factory=dict)
    tasks: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    flows: list[tuple[str, str, str]] = field(default_factory=list)
    start: str = ""
    end: str = ""


def _lane_key(step_lane: str, role: str | None) -> str:
    return f"{step_lane}/{role or ''}"


def _pool(ix: Index, b: BlueprintInfo, top: float, by_role: bool) -> Pool:
    """Lanes, positions and flows of one blueprint, its top edge at `top`."""
    plan = b.layout
    cols = {s.id: plan.positions[f"Step:{s.id}"][0] for s in b.steps}
    left_col = min(cols.values(), default=0.0)
    depth = 2 if by_role else 1
    content = TITLE * (depth + 1)  # the pool's title band, then each lane level's
    x_of = {sid: content + EVENT + 60 + (x - left_col) for sid, x in cols.items()}
    width = max(x_of.values(), default=content) + TASK_W + 60 + EVENT + 40
    # lanes, top to bottom; with roles, a lane per role (first performer) inside each
    leaves: list[tuple[str, str, str | None]] = []  # (key, lane, role)
    for lane in b.lanes():
        steps = [s for s in b.steps if s.lane == lane]
        if by_role:
            roles = list(dict.fromkeys(s.roles[0] if s.roles else None for s in steps))
            roles.sort(key=lambda r: (r is None, ix.name("Role", r) if r else ""))
            leaves += [(_lane_key(lane, r), lane, r) for r in roles]
        else:
            leaves.append((_lane_key(lane, None), lane, None))
    lanes: list[Lane] = []
    y = top
    place: dict[str, Box] = {}
    for lane in b.lanes():
        mine = [leaf for leaf in leaves if leaf[1] == lane]
        lane_box = Box(TITLE, y, width - TITLE, LANE_H * len(mine))
        parent = Lane(bpmn_id("Lane", f"{b.id}/{lane}"), LANE_TITLES[lane], lane_box)
        for key, _, role in mine:
            leaf_box = Box(TITLE * 2, y, width - TITLE * 2, LANE_H)
            if by_role:
                name = ix.name("Role", role) if role else "(no role)"
                parent.children.append(Lane(bpmn_id("Lane", f"{b.id}/{key}"), name, leaf_box))
            place[key] = leaf_box
            y += LANE_H
        lanes.append(parent)
    pool = Pool(
        b,
        bpmn_id("Participant", b.id),
        bpmn_id("Process", b.id),
        Box(0, top, width, y - top),
        lanes,
    )

    def lane_of(lane: str, role: str | None) -> Lane:
        parent = next(ln for ln in lanes if ln.id == bpmn_id("Lane", f"{b.id}/{lane}"))
        if not by_role:
            return parent
        key = bpmn_id("Lane", f"{b.id}/{_lane_key(lane, role)}")
        return next(c for c in parent.children if c.id == key)

    previous = None
    for s in b.steps:
        role = s.roles[0] if (by_role and s.roles) else None
        row = place[_lane_key(s.lane, role)]
        tid = bpmn_id("Activity", s.id)
        pool.shapes[tid] = Box(x_of[s.id], row.cy - TASK_H / 2, TASK_W, TASK_H)
        kind = (
            "task"
            if s.lane == "customer"
            else "userTask"
            if s.roles
            else ("serviceTask" if s.systems else "task")
        )
        pool.tasks.append((tid, kind, s.name, s.props.get("description")))
        for ln in _lanes_of(lanes, lane_of(s.lane, role)):
            ln.nodes.append(tid)
        if previous is not None:
            pool.flows.append(
                (bpmn_id("Flow", f"{previous}>{s.id}"), bpmn_id("Activity", previous), tid)
            )
        previous = s.id
    first, last = b.steps[0], b.steps[-1]
    pool.start = bpmn_id("StartEvent", b.id)
    pool.end = bpmn_id("EndEvent", b.id)
    for event, step, x in (
        (pool.start, first, content + 20),
        (pool.end, last, width - EVENT - 40),
    ):
        role = step.roles[0] if (by_role and step.roles) else None
        row = place[_lane_key(step.lane, role)]
        pool.shapes[event] = Box(x, row.cy - EVENT / 2, EVENT, EVENT)
        for ln in _lanes_of(lanes, lane_of(step.lane, role)):
            ln.nodes.append(event)
    pool.flows.insert(
        0, (bpmn_id("Flow", f"{b.id}>start"), pool.start, bpmn_id("Activity", first.id))
    )
    pool.flows.append((bpmn_id("Flow", f"{b.id}>end"), bpmn_id("Activity", last.id), pool.end))
    return pool


def _lanes_of(lanes: list[Lane], leaf: Lane) -> list[Lane]:
    """A leaf lane and its parent: a node is listed in both, as bpmn.io lists it."""
    for parent in lanes:
        if parent is leaf:
            return [parent]
        if leaf in parent.children:
            return [parent, leaf]
    return [leaf]


def _waypoints(a: Box, b: Box) -> list[tuple[float, float]]:
    """A sequence flow drawn with right angles: straight on when the next task is further
    right, down or up its column when it is below or above, back along its row otherwise."""
    if b.x >= a.x + a.w:
        if abs(a.cy - b.cy) < 1:
            return [(a.x + a.w, a.cy), (b.x, b.cy)]
        mid = a.x + a.w + (b.x - a.x - a.w) / 2
        return [(a.x + a.w, a.cy), (mid, a.cy), (mid, b.cy), (b.x, b.cy)]
    down = b.cy > a.cy
    start = (a.cx, a.y + a.h) if down else (a.cx, a.y)
    if abs(a.cx - b.cx) < 1:
        return [start, (b.cx, b.y if down else b.y + b.h)]
    return [start, (a.cx, b.cy), (b.x + b.w, b.cy)]


@dataclass
class Diagram:
    pools: list[Pool]
    customer: Box
    #: (id, name, source, target, waypoints, label bounds)
    messages: list[tuple[str, str, str, str, list[tuple[float, float]], Box]]


def build(
    source: GraphData | Enterprise,
    services: Iterable[str] | None = None,
    scenario: str | None = "as-is",
    *,
    by_role: bool = False,
) -> Diagram:
    ix, bps = blueprints(source, services, scenario)
    pools: list[Pool] = []
    top: float = CUSTOMER_H + GAP
    for b in bps:
        pool = _pool(ix, b, top, by_role)
        pools.append(pool)
        top = pool.box.y + pool.box.h + GAP
    width = max(p.box.w for p in pools)
    customer = Box(0, 0, width, CUSTOMER_H)
    messages = []
    for pool in pools:
        for s in pool.blueprint.steps:
            if not s.touchpoint:
                continue
            tid = bpmn_id("Activity", s.id)
            task = pool.shapes[tid]
            name = ix.name("Touchpoint", s.touchpoint)
            mid = bpmn_id("MessageFlow", f"{s.id}@{s.touchpoint}")
            edge = customer.y + customer.h
            if s.lane == "customer":
                # straight down into the task, left of its centre
                x0 = task.cx - 20
                points = [(x0, edge), (x0, task.y)]
                label = Box(x0 + 4, edge + 2, 90, 14)
                messages.append((mid, name, "Participant_customer", tid, points, label))
            else:
                # out of the top, along to the gap after the task's column, up to the customer
                # (not through the customer's task above it)
                x0, gap = task.cx + 20, task.x + task.w + 30
                points = [(x0, task.y), (x0, task.y - 12), (gap, task.y - 12), (gap, edge)]
                label = Box(gap + 4, edge + 2, 90, 14)
                messages.append((mid, name, tid, "Participant_customer", points, label))
    return Diagram(pools, customer, messages)


def to_xml(d: Diagram) -> str:
    from bpql.version import __version__

    x = Xml()
    x.open(
        "definitions",
        {
            **NAMESPACES,
            "id": "Definitions_bpql",
            "targetNamespace": "https://github.com/bpql/bpql/bpmn",
            "exporter": "bpql",
            "exporterVersion": __version__,
        },
    )
    x.open("collaboration", {"id": "Collaboration_bpql"})
    x.leaf("participant", None, {"id": "Participant_customer", "name": "Customer"})
    for p in d.pools:
        x.leaf(
            "participant",
            None,
            {"id": p.participant, "name": p.blueprint.title, "processRef": p.process},
        )
    for mid, name, src, dst, _, _ in d.messages:
        x.leaf("messageFlow", None, {"id": mid, "name": name, "sourceRef": src, "targetRef": dst})
    x.close("collaboration")
    for p in d.pools:
        _process(x, p)
    x.open("bpmndi:BPMNDiagram", {"id": "BPMNDiagram_bpql"})
    x.open("bpmndi:BPMNPlane", {"id": "BPMNPlane_bpql", "bpmnElement": "Collaboration_bpql"})
    _shape(x, "Participant_customer", d.customer, horizontal=True)
    for p in d.pools:
        _shape(x, p.participant, p.box, horizontal=True)
        for lane in p.lanes:
            _shape(x, lane.id, lane.box, horizontal=True)
            for child in lane.children:
                _shape(x, child.id, child.box, horizontal=True)
        for node, box in p.shapes.items():
            _shape(x, node, box)
        for fid, src, dst in p.flows:
            _edge(x, fid, _waypoints(p.shapes[src], p.shapes[dst]))
    for mid, _, _, _, points, label in d.messages:
        _edge(x, mid, points, label)
    x.close("bpmndi:BPMNPlane")
    x.close("bpmndi:BPMNDiagram")
    x.close("definitions")
    return x.getvalue()


def _process(x: Xml, p: Pool) -> None:
    x.open("process", {"id": p.process, "name": p.blueprint.title, "isExecutable": "false"})
    x.open("laneSet", {"id": bpmn_id("LaneSet", p.blueprint.id)})
    for lane in p.lanes:
        _lane(x, lane, p.blueprint.id)
    x.close("laneSet")
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for fid, src, dst in p.flows:
        outgoing.setdefault(src, []).append(fid)
        incoming.setdefault(dst, []).append(fid)
    x.open("startEvent", {"id": p.start, "name": "Start"})
    for fid in outgoing.get(p.start, []):
        x.leaf("outgoing", fid)
    x.close("startEvent")
    for tid, kind, name, documentation in p.tasks:
        x.open(kind, {"id": tid, "name": name})
        if documentation:
            x.leaf("documentation", documentation)
        for fid in incoming.get(tid, []):
            x.leaf("incoming", fid)
        for fid in outgoing.get(tid, []):
            x.leaf("outgoing", fid)
        x.close(kind)
    x.open("endEvent", {"id": p.end, "name": "End"})
    for fid in incoming.get(p.end, []):
        x.leaf("incoming", fid)
    x.close("endEvent")
    for fid, src, dst in p.flows:
        x.leaf("sequenceFlow", None, {"id": fid, "sourceRef": src, "targetRef": dst})
    x.close("process")


def _lane(x: Xml, lane: Lane, bid: str) -> None:
    x.open("lane", {"id": lane.id, "name": lane.name})
    for node in lane.nodes:
        x.leaf("flowNodeRef", node)
    if lane.children:
        x.open("childLaneSet", {"id": bpmn_id("LaneSet", f"{bid}/{lane.id}")})
        for child in lane.children:
            _lane(x, child, bid)
        x.close("childLaneSet")
    x.close("lane")


def _shape(x: Xml, element: str, box: Box, *, horizontal: bool = False) -> None:
    """A shape and its bounds (ids are XML names already, numbers plain: no escaping)."""
    pad = "  " * x.depth
    flag = ' isHorizontal="true"' if horizontal else ""
    x.parts.append(
        f'{pad}<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}"{flag}>\n'
        f'{pad}  <dc:Bounds x="{number(box.x)}" y="{number(box.y)}" width="{number(box.w)}" '
        f'height="{number(box.h)}"/>\n{pad}</bpmndi:BPMNShape>\n'
    )


def _edge(
    x: Xml, element: str, points: list[tuple[float, float]], label: Box | None = None
) -> None:
    pad = "  " * x.depth
    lines = [f'{pad}<bpmndi:BPMNEdge id="{element}_di" bpmnElement="{element}">\n']
    lines += [f'{pad}  <di:waypoint x="{number(px)}" y="{number(py)}"/>\n' for px, py in points]
    if label is not None:
        lines.append(
            f'{pad}  <bpmndi:BPMNLabel><dc:Bounds x="{number(label.x)}" y="{number(label.y)}" '
            f'width="{number(label.w)}" height="{number(label.h)}"/></bpmndi:BPMNLabel>\n'
        )
    lines.append(f"{pad}</bpmndi:BPMNEdge>\n")
    x.parts.append("".join(lines))


@gc_paused
def export_bpmn(
    source: GraphData | Enterprise,
    out: Path | None = None,
    services: Iterable[str] | None = None,
    scenario: str | None = "as-is",
    *,
    by_role: bool = False,
) -> str:
    """The blueprints of one scenario (as-is unless asked; None for both) as a BPMN 2.0
    collaboration with its diagram. Written to `out` when given; the text either way."""
    text = to_xml(build(source, services, scenario, by_role=by_role))
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text
