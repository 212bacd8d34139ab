"""What-if, read-only: what retiring a system, moving a role to another department or closing
a channel or touchpoint would reach, before anyone changes anything.

The plan only reads: the steps the change reaches directly and the whole blueprints around
them. The shaper classifies, in Python over those rows: each step reached with its route and
what it means (customer-visible, a moment of truth, left with no touchpoint, a handoff created
or removed, no way left to do a customer step), and per service the touchpoints left with no
step and the customer steps left with no way.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bpql import ir
from bpql.analysis.criticality import SupportGraph
from bpql.analysis.graph import Index
from bpql.analysis.handoffs import handoffs
from bpql.graphdata import GraphData
from bpql.ids import node_key
from bpql.plan import Answer, Source, Step
from bpql.render.base import Dialect
from bpql.result import Graph, GraphEdge, GraphNode, Kind, Mark, Result, Table
from bpql.schema import VISIBLE_LANES
from bpql.statements.base import Slot, Spec, drawing, source_statement, step_parts
from bpql.statements.risk import failing
from bpql.words import counted

#: the classes a reached step can carry, in the order a table lists them
CUSTOMER_VISIBLE = "customer-visible"
MOMENT = "moment of truth"
NO_TOUCHPOINT = "no touchpoint left"
NO_WAY = "no way left to do it"
HANDOFF_CREATED = "handoff created"
HANDOFF_REMOVED = "handoff removed"


def _scen(d: Dialect, query: ir.WhatIfIR) -> str:
    """The scenario test, its parameter taken for the statement being built."""
    if query.scenario is None:
        return ""
    return f" AND b.scenario = {d.param(query.scenario, 'scenario')}"


_REACH = "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)"


def _locate_retire(d: Dialect, query: ir.RetireSystemIR) -> list[Step]:
    """The system and those that fail with it; the steps using any of them."""
    return [
        source_statement(d, "System", query.system.id),
        *failing(d, [query.system.id]),
        d.statement(
            "reached",
            f"{_REACH}-[:USES]->(y:System)\nWHERE y.id IN $failing{_scen(d, query)}",
            [("step", "s.id"), ("via", "y.id")],
            distinct=True,
            inputs={"failing": [Source("failing", "id")]},
        ),
    ]


def _locate_move(d: Dialect, query: ir.MoveRoleIR) -> list[Step]:
    """The role; the steps it performs."""
    return [
        source_statement(d, "Role", query.role.id),
        d.statement(
            "reached",
            f"{_REACH}-[:PERFORMED_BY]->(r:Role)\n"
            f"WHERE r.id = {d.param(query.role.id, 'source')}{_scen(d, query)}",
            [("step", "s.id"), ("via", "r.id")],
            distinct=True,
        ),
    ]


def _locate_close(d: Dialect, query: ir.CloseIR) -> list[Step]:
    """The touchpoint, or those of the channel; the steps at them."""
    if query.touchpoint is not None:
        test = f"t.id = {d.param(query.touchpoint.id, 'source')}"
    else:
        test = f"t.channel = {d.param(query.channel, 'channel')}"
    source = d.statement("source", f"MATCH (t:Touchpoint) WHERE {test}", [("n", "t")])
    if query.touchpoint is not None:
        test = f"t.id = {d.param(query.touchpoint.id, 'source')}"
    else:
        test = f"t.channel = {d.param(query.channel, 'channel')}"
    reached = d.statement(
        "reached",
        f"{_REACH}-[:AT_TOUCHPOINT]->(t:Touchpoint)\nWHERE {test}{_scen(d, query)}",
        [("step", "s.id"), ("via", "t.id")],
        distinct=True,
    )
    return [source, reached]


def _more_retire(d: Dialect, query: ir.RetireSystemIR) -> list[Step]:
    """Every step (of the scenario) at the touchpoints of the steps fetched: only a
    retirement can leave a touchpoint with no working step."""
    return [
        d.statement(
            "at_touchpoints",
            f"{_REACH}-[:AT_TOUCHPOINT]->(t:Touchpoint)\n"
            f"WHERE t.id IN $touchpoints{_scen(d, query)}",
            [("touchpoint", "t.id"), ("step", "s.id")],
            order=["touchpoint", "step"],
            inputs={"touchpoints": [Source("touchpoints", "touchpoint")]},
        ),
    ]


def plan(d: Dialect, query: ir.WhatIfIR) -> list[Step]:
    """The steps the change reaches directly, with what reaches them (`via`); their
    blueprints, whole, with each step's touchpoints, roles and departments, supports and
    the other steps at the same touchpoints; then the parts drawn. The blueprints' parts
    are matched through their blueprint ids: a list of hundreds of blueprints is much
    quicker to test than one of thousands of steps (LadybugDB, 1,000 services)."""
    change = CHANGES[type(query)]
    out = change.locate(d, query)
    blueprints = {"blueprints": [Source("blueprints", "id")]}
    out.append(
        d.statement(
            "blueprints",
            "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step) WHERE s.id IN $reached",
            [("id", "b.id")],
            distinct=True,
            order=["id"],
            inputs={"reached": [Source("reached", "step")]},
        )
    )
    out.append(
        d.statement(
            "steps",
            "MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step)\n"
            "WHERE b.id IN $blueprints",
            [
                ("id", "s.id"),
                ("name", "s.name"),
                ("lane", "s.lane"),
                ("seq", "s.seq"),
                ("moment", "s.moment_of_truth"),
                ("blueprint", "b.id"),
                ("service_id", "sv.id"),
                ("service", "sv.name"),
            ],
            order=["id"],
            inputs=blueprints,
        )
    )
    out.append(
        d.statement(
            "touchpoints",
            "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:AT_TOUCHPOINT]->(t:Touchpoint)\n"
            "WHERE b.id IN $blueprints",
            [
                ("touchpoint", "t.id"),
                ("step", "s.id"),
                ("name", "t.name"),
                ("channel", "t.channel"),
            ],
            order=["touchpoint", "step"],
            inputs=blueprints,
        )
    )
    out.append(
        d.statement(
            "roles",
            "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:PERFORMED_BY]->(r:Role)\n"
            "WHERE b.id IN $blueprints\n"
            "OPTIONAL MATCH (r)-[:MEMBER_OF]->(d:Department)",
            [
                ("step", "s.id"),
                ("role", "r.id"),
                ("department", "d.id"),
                ("department_name", "d.name"),
            ],
            order=["step", "role"],
            inputs=blueprints,
        )
    )
    out.append(
        d.statement(
            "supports",
            "MATCH (b:Blueprint)-[:HAS_STEP]->(c:Step)<-[:SUPPORTS]-(a:Step)\n"
            "WHERE b.id IN $blueprints",
            [("lower", "a.id"), ("higher", "c.id")],
            order=["lower", "higher"],
            inputs=blueprints,
        )
    )
    out.extend(change.more(d, query))
    out.extend(step_parts(d, [Source("reached", "step")], failpoints=False))
    return out


@dataclass
class Facts:
    """The fetched blueprints as plain maps."""

    name: dict[str, str] = field(default_factory=dict)
    lane: dict[str, str] = field(default_factory=dict)
    seq: dict[str, int] = field(default_factory=dict)
    moment: set[str] = field(default_factory=set)
    blueprint: dict[str, str] = field(default_factory=dict)
    service: dict[str, tuple[str, str]] = field(default_factory=dict)
    touchpoints: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    tp_name: dict[str, str] = field(default_factory=dict)
    channel: dict[str, str] = field(default_factory=dict)
    #: every step (of the scenario) at each touchpoint the fetched steps use
    at: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    roles: defaultdict[str, dict[str, str | None]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    dept_name: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, answer: Answer) -> Facts:
        f = cls()
        steps = answer["steps"].select(
            "id", "name", "lane", "seq", "moment", "blueprint", "service_id", "service"
        )
        for sid, name, lane, seq, moment, bp, service_id, service in steps:
            f.name[sid], f.lane[sid], f.seq[sid] = name, lane, int(seq or 0)
            f.blueprint[sid], f.service[sid] = bp, (service_id, service)
            if moment:
                f.moment.add(sid)
        for tp, step, name, channel in answer["touchpoints"].select(
            "touchpoint", "step", "name", "channel"
        ):
            f.touchpoints[step].add(tp)
            f.tp_name[tp], f.channel[tp] = name, channel
        for step, role, dept, dept_name in answer["roles"].select(
            "step", "role", "department", "department_name"
        ):
            f.roles[step][role] = dept
            if dept is not None:
                f.dept_name[dept] = dept_name or dept
        return f

    def departments(self, step: str, moved: tuple[str, str] | None = None) -> list[str]:
        """The departments of the roles that perform `step`; `moved` = (role, department)."""
        out = set()
        for role, dept in self.roles.get(step, {}).items():
            d = moved[1] if moved is not None and role == moved[0] else dept
            if d is not None:
                out.add(d)
        return sorted(out)

    def in_order(self, blueprint: str) -> list[str]:
        return sorted(
            (s for s, b in self.blueprint.items() if b == blueprint),
            key=lambda s: (self.seq[s], s),
        )


@dataclass(frozen=True)
class Reached:
    step: str
    route: str
    via: str
    hops: int
    classes: tuple[str, ...]


def _service() -> dict[str, Any]:
    return {"touchpoints_left": set(), "no_way": set(), "before": 0, "after": 0}


def classify(query: ir.WhatIfIR, answer: Answer) -> tuple[list[Reached], Facts, dict[str, Any]]:
    """Every step reached and its classes; per service what the change leaves behind."""
    change = CHANGES[type(query)]
    f = Facts.of(answer)
    direct: dict[str, tuple[str, int]] = {}
    hops = change.hops(query, answer)
    for step, via in answer["reached"].select("step", "via"):
        n = hops.get(via, 0)
        if step not in direct or (n, via) < (direct[step][1], direct[step][0]):
            direct[step] = (via, n)
    routes: dict[str, tuple[str, str, int]] = {}
    for step, (via, n) in direct.items():
        routes[step] = (change.far if n else change.route, via, n + 1)
    classes: defaultdict[str, set[str]] = defaultdict(set)
    per_service: defaultdict[str, dict[str, Any]] = defaultdict(_service)
    change.classify(query, answer, f, set(direct), routes, classes, per_service)
    for step in routes:
        if f.lane.get(step) in VISIBLE_LANES:
            classes[step].add(CUSTOMER_VISIBLE)
        if step in f.moment:
            classes[step].add(MOMENT)
        per_service.setdefault(f.service[step][0], _service())
    order = [CUSTOMER_VISIBLE, MOMENT, NO_TOUCHPOINT, NO_WAY, HANDOFF_CREATED, HANDOFF_REMOVED]
    reached = [
        Reached(s, *routes[s], tuple(c for c in order if c in classes[s]))
        for s in sorted(routes, key=lambda s: (f.service[s][1], f.seq[s], s))
    ]
    return reached, f, dict(per_service)


def _retire(
    query: ir.RetireSystemIR,
    answer: Answer,
    f: Facts,
    hit: set[str],
    routes: dict[str, tuple[str, str, int]],
    classes: defaultdict[str, set[str]],
    per_service: defaultdict[str, dict[str, Any]],
) -> None:
    """A retired system stops every step that uses it (or a system depending on it); the
    steps those support are reached through SUPPORTS, and break where no other route works."""
    for tp, step in answer["at_touchpoints"].select("touchpoint", "step"):
        f.at[tp].add(step)
    g = GraphData()
    for s in f.lane:
        g.add_node("Step", id=s, lane=f.lane[s], name=f.name[s])
    g.rels["SUPPORTS"].extend(answer["supports"].select("lower", "higher"))
    sg = SupportGraph.of(Index(g), f.lane)
    blast = sg.blast(hit, set())
    # each step above a hit one: the nearest hit step below it, and how far (fewest hops
    # first, then ids, so both stores give one answer)
    todo = [(routes[s][2], s) for s in sorted(hit)]
    heapq.heapify(todo)
    done: set[str] = set()
    while todo:
        n, low = heapq.heappop(todo)
        if low in done:
            continue
        done.add(low)
        for high in sorted(sg.supported.get(low, ())):
            if high not in hit and (high not in routes or routes[high][2] > n + 1):
                routes[high] = ("supports", low, n + 1)
                heapq.heappush(todo, (n + 1, high))
    for s in blast.broken:
        if f.lane.get(s) == "customer":
            classes[s].add(NO_WAY)
            per_service[f.service[s][0]]["no_way"].add(s)
    dead = set(blast.broken)
    for s in routes:
        for tp in f.touchpoints.get(s, ()):
            if f.at[tp] and f.at[tp] <= dead:
                per_service[f.service[s][0]]["touchpoints_left"].add(tp)


def _move(
    query: ir.MoveRoleIR,
    answer: Answer,
    f: Facts,
    hit: set[str],
    routes: dict[str, tuple[str, str, int]],
    classes: defaultdict[str, set[str]],
    per_service: defaultdict[str, dict[str, Any]],
) -> None:
    """The role's steps stay where they are; the handoffs along each blueprint's time line
    are worked out before and after the role changes department."""
    moved = (query.role.id, query.department.id)
    for bp in sorted({f.blueprint[s] for s in hit}):
        order = f.in_order(bp)
        before = set(handoffs((s, f.departments(s)) for s in order))
        after = set(handoffs((s, f.departments(s, moved)) for s in order))
        service = per_service[f.service[order[0]][0]]
        service["before"] += len(before)
        service["after"] += len(after)
        for pair, mark in [(p, HANDOFF_CREATED) for p in after - before] + [
            (p, HANDOFF_REMOVED) for p in before - after
        ]:
            src, dst = pair
            classes[dst].add(mark)
            routes.setdefault(dst, ("handoff", src, 1))


def _close(
    query: ir.CloseIR,
    answer: Answer,
    f: Facts,
    hit: set[str],
    routes: dict[str, tuple[str, str, int]],
    classes: defaultdict[str, set[str]],
    per_service: defaultdict[str, dict[str, Any]],
) -> None:
    """A step at a closed touchpoint keeps its other touchpoints; with none left, a customer
    step has no way to be done."""
    closed = set(answer["reached"].column("via"))
    # (the closed touchpoints themselves are closed, not left with no step)
    for s in hit:
        if not f.touchpoints[s] - closed:
            classes[s].add(NO_TOUCHPOINT)
            if f.lane.get(s) == "customer":
                classes[s].add(NO_WAY)
                per_service[f.service[s][0]]["no_way"].add(s)


W = TypeVar("W", bound=ir.WhatIfIR)


@dataclass(frozen=True)
class Change(Generic[W]):
    """One kind of change: how its plan finds what it changes and the steps it reaches
    directly, what else its classification reads, and how it classifies."""

    locate: Callable[[Dialect, W], list[Step]]
    classify: Callable[
        [
            W,
            Answer,
            Facts,
            set[str],
            dict[str, tuple[str, str, int]],
            defaultdict[str, set[str]],
            defaultdict[str, dict[str, Any]],
        ],
        None,
    ]
    #: the change in an answer's title
    what: Callable[[W], str]
    #: the route of a step reached directly, and of one reached through dependencies
    route: str
    far: str = ""
    more: Callable[[Dialect, W], list[Step]] = lambda d, q: []
    #: how many dependency hops away each `via` is
    hops: Callable[[W, Answer], dict[str, int]] = lambda q, a: {}
    #: whether the answer counts handoffs before and after
    handoffs: bool = False


def _retire_hops(query: ir.RetireSystemIR, answer: Answer) -> dict[str, int]:
    return dict(answer["failing"].select("id", "hops"))


def _close_what(query: ir.CloseIR) -> str:
    if query.touchpoint is not None:
        return f'closing touchpoint "{query.touchpoint.name}"'
    return f'closing channel "{query.channel}"'


#: each kind of change, by IR class
CHANGES: dict[type, Change[Any]] = {
    ir.RetireSystemIR: Change(
        _locate_retire,
        _retire,
        lambda q: f'retiring system "{q.system.name}"',
        "uses",
        "uses, depends on",
        more=_more_retire,
        hops=_retire_hops,
    ),
    ir.MoveRoleIR: Change(
        _locate_move,
        _move,
        lambda q: f'moving role "{q.role.name}" to department "{q.department.name}"',
        "performed by",
        handoffs=True,
    ),
    ir.CloseIR: Change(_locate_close, _close, _close_what, "at touchpoint"),
}


def _reached_by_support(graph: Graph, f: Facts, step: str) -> GraphNode:
    """A step the plan did not fetch the parts of (reached in Python, through what it
    supports or a handoff), drawn in its blueprint of its service like the others."""
    node = GraphNode(
        "Step",
        step,
        ("Step",),
        {"id": step, "name": f.name[step], "lane": f.lane[step], "seq": f.seq[step]},
    )
    graph.add_node(node)
    sid, sname = f.service[step]
    bp = node_key("Blueprint", f.blueprint[step])
    if bp not in graph.nodes:
        graph.add_node(
            GraphNode("Blueprint", f.blueprint[step], ("Blueprint",), {"id": f.blueprint[step]})
        )
        sv = node_key("Service", sid)
        if sv not in graph.nodes:
            graph.add_node(GraphNode("Service", sid, ("Service",), {"id": sid, "name": sname}))
        graph.add_edge(GraphEdge(sv, bp, "HAS_BLUEPRINT"))
    graph.add_edge(GraphEdge(bp, node.key, "HAS_STEP"))
    return node


def shape(query: ir.WhatIfIR, answer: Answer) -> Result:
    """A per-service table, every step with its route and classes, and the graph the impact
    view draws."""
    change = CHANGES[type(query)]
    reached, f, per_service = classify(query, answer)
    by_service: defaultdict[str, list[Reached]] = defaultdict(list)
    for r in reached:
        by_service[f.service[r.step][0]].append(r)
    columns = [
        "service",
        "steps",
        "customer_visible",
        "moments_of_truth",
        "touchpoints_left_with_no_step",
        "customer_steps_with_no_way",
        "handoffs_before",
        "handoffs_after",
    ]
    table_rows = []
    names = {sid: name for sid, name in f.service.values()}
    for sid in sorted(per_service, key=lambda s: names.get(s, s)):
        mine = by_service[sid]
        s = per_service[sid]
        table_rows.append(
            [
                names.get(sid, sid),
                len(mine),
                sum(CUSTOMER_VISIBLE in r.classes for r in mine),
                sum(MOMENT in r.classes for r in mine),
                sorted(s["touchpoints_left"]),
                sorted(s["no_way"]),
                s["before"] if change.handoffs else None,
                s["after"] if change.handoffs else None,
            ]
        )
    steps = Table(
        ["service", "step", "name", "lane", "route", "via", "hops", "classes"],
        [
            [
                f.service[r.step][1],
                r.step,
                f.name[r.step],
                f.lane[r.step],
                r.route,
                r.via,
                r.hops,
                list(r.classes),
            ]
            for r in reached
        ],
    )
    graph = drawing(answer) if answer.drawn else None
    for r in reached if graph is not None else ():
        assert graph is not None
        key = node_key("Step", r.step)
        # every step reached is drawn, so the view counts what the table counts; the
        # departments performing it (before the change) place it in the view's matrix
        extra = {
            "route": r.route,
            "via": r.via,
            "hops": r.hops,
            "classes": list(r.classes),
            "departments": [f.dept_name[d] for d in f.departments(r.step)],
        }
        n = graph.nodes.get(key) or _reached_by_support(graph, f, r.step)
        graph.nodes[key] = GraphNode(n.label, n.id, n.labels, {**n.properties, **extra})
    what = change.what(query)
    sources = [node_key(n.label, n.id) for n in answer["source"].column("n") if n is not None]
    customer = sum(CUSTOMER_VISIBLE in r.classes for r in reached)
    return Result(
        Kind.WHATIF,
        table=Table(columns, table_rows),
        steps=steps,
        graph=graph,
        title=(
            f"impact of {what}: {counted(len(reached), 'step')} reached in "
            f"{counted(len(table_rows), 'service')}, {customer} customer-visible"
        ),
        subtitle="what-if, nothing written: rings mark the change, the steps it reaches "
        "directly and the customer-visible ones",
        highlight={
            Mark.SOURCE: sorted(k for k in sources if graph is None or k in graph.nodes),
            Mark.DIRECT: sorted(node_key("Step", r.step) for r in reached if r.hops <= 1),
            Mark.VISIBLE: sorted(
                node_key("Step", r.step) for r in reached if CUSTOMER_VISIBLE in r.classes
            ),
        },
    )


RETIRE: Spec[ir.RetireSystemIR] = Spec(
    plan, shape, signature=(Slot(("IMPACT", "OF", "RETIRING"), ("System",), "impact of retiring"),)
)
MOVE: Spec[ir.MoveRoleIR] = Spec(
    plan,
    shape,
    signature=(
        Slot(("IMPACT", "OF", "MOVING"), ("Role",), "impact of moving"),
        Slot(("IMPACT", "OF", "MOVING", "TO"), ("Department",), "to"),
    ),
)
CLOSE: Spec[ir.CloseIR] = Spec(
    plan,
    shape,
    signature=(
        Slot(("IMPACT", "OF", "CLOSING"), ("Touchpoint",), "impact of closing", ("channel",)),
    ),
)
