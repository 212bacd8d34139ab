"""`impact of department|role|system|touchpoint "..." [within N]`: the steps a thing reaches,
a table per service and each step's route, and the affected subgraph.

Every route is a relation rule of the language (`IMPACT_ROUTES`), walked from the source
outwards: per route the steps it reaches and what they reach it through (`route.*`). A
chained route (a system's dependents, a department's systems and theirs) has its far end worked
out once in Python over every DEPENDS_ON (`reach.*`: bpql/analysis/systems.py), and its steps
are found from those systems. A route tests the scenario on the steps' ids, and the
blueprints reached are read from those ids (`blueprints`), not walked to. Then the supports
and facts of those blueprints, whole (a list of hundreds of blueprints is matched far more
quickly than one of thousands of steps: at 1,000 services, 24,000 key lookups were most of
the answer's time on both stores), and each step's nearest route, through the steps it
supports too (`reached`: bpql/analysis/supports.py).
The drawing's statements run only when the answer is drawn.

What-if changes locate their steps with the same routes (`locate`), so `impact of system "x"`
and `impact of retiring system "x"` reach the same steps by the same routes and hops.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from bpql.analysis.graph import Index
from bpql.analysis.matrix import department_matrix, performed
from bpql.analysis.routes import Route
from bpql.analysis.supports import Reach, nearest
from bpql.analysis.systems import failing_systems
from bpql.graphdata import GraphData
from bpql.ids import node_key, prefix_blueprint, service_of
from bpql.query import ir
from bpql.query.language import IMPACT_ROUTES, ImpactRoute
from bpql.query.paths import Path
from bpql.query.plan import Answer, Compute, Role, Source, Statement, Step
from bpql.query.render.base import Dialect
from bpql.query.statements.base import (
    Slot,
    Spec,
    drawing,
    scenario_by_id,
    source_statement,
    step_parts,
)
from bpql.query.statements.reads import dependencies, memberships
from bpql.result import Graph, GraphEdge, GraphNode, Kind, Mark, Result, Table
from bpql.schema import LANES, VISIBLE_LANES


def route_name(route: ImpactRoute) -> str:
    return f"route.{route.rule.relation}"


def reach_name(route: ImpactRoute) -> str:
    return f"reach.{route.rule.relation}"


def _chain(route: ImpactRoute) -> tuple[int, Path]:
    """A chained route's chain (the index of its hop of the query's bound in the far part)
    and the part after it, from where the chain ends (`z`) to the target."""
    far = route.rule.far
    i = next(i for i, h in enumerate(far.hops) if h.high is None)
    return i, far.split(i + 1, "z")[1]


def _reach(answer: Answer, params: Mapping[str, Any]) -> list[tuple[str, int]]:
    """The systems a chained route goes through: those its chain ends at, and every system
    depending on one of them within the bound, with their dependency hops."""
    g = GraphData()
    g.rels["DEPENDS_ON"].extend(answer["dependencies"].select("source", "target"))
    ends = params["ends"] if "ends" in params else answer[params["ends_from"]].column("id")
    found = failing_systems(Index(g), ends, params["within"])
    return sorted((s, k) for s, k in found.items() if k >= params["low"])


def locate(
    d: Dialect,
    route: ImpactRoute,
    value: Any,
    within: int | None,
    scenario: str | None,
    prop: str = "id",
) -> list[Step]:
    """The steps a route reaches from its target (`t`, whose `prop` is `value`: its id, or a
    touchpoint's channel), with what they reach it through (`vias`): `route.*`; for a
    chained route, first the systems its chain goes through (`reach.*`). `within` bounds the
    dependency hops (None: every system depending on it, as what-if follows them)."""
    param = "source" if prop == "id" else prop

    def test() -> str:
        return f"t.{prop} = {d.param(value, param)}"

    r = route.rule
    out: list[Step] = []
    returns = [("id", "s.id"), ("vias", "")]

    def scen() -> str:
        """The scenario tested on the step's id; the blueprints are read from the ids after
        (`blueprints`)."""
        return "" if scenario is None else f" AND {scenario_by_id(d, 's', scenario)}"

    if r.chain_at is None:
        path, via = _via_pattern(route)
        text = path.cypher(within or 0, s="s:Step")
        returns[1] = ("vias", f"collect(DISTINCT {via}.id)")
        out.append(d.statement(route_name(route), f"MATCH {text}\nWHERE {test()}{scen()}", returns))
        return out
    i, tail = _chain(route)
    params: dict[str, Any] = {"within": within, "low": r.far.hops[i].low}
    if tail.hops:  # the chain ends where the tail reaches the target (a department's systems)
        ends = f"ends.{r.relation}"
        out.append(d.statement(ends, f"MATCH {tail.cypher()} WHERE {test()}", [("id", "z.id")]))
        params["ends_from"] = ends
        reads = (Source(ends, "id"), Source("dependencies", "source"))
    else:  # the chain ends at the target itself (a system)
        params["ends"] = [value]
        reads = (Source("dependencies", "source"), Source("dependencies", "target"))
    out.append(
        Compute(
            reach_name(route),
            "the systems the chain goes through: those it ends at and every system depending "
            "on one of them"
            + (" within $within" if within is not None else "")
            + ", with their dependency hops",
            _reach,
            ("id", "hops"),
            reads,
            params=params,
        )
    )
    near = r.near.cypher(s="s:Step")
    returns[1] = ("vias", "collect(y.id)")
    body = f"UNWIND $reach AS y_id\nMATCH {near}\nWHERE y.id = y_id{scen()}"
    out.append(
        d.statement(
            route_name(route), body, returns, inputs={"reach": [Source(reach_name(route), "id")]}
        )
    )
    return out


def _blueprints(
    names: Sequence[str], answer: Answer, params: Mapping[str, Any]
) -> list[tuple[str]]:
    """The blueprints of the steps the routes (`names`) reach, read from the steps' ids
    (their prefixes first: 240,000 steps at 10,000 services, 10,000 prefixes)."""
    ids = set().union(*(answer[name].column("id") for name in names))
    prefixes = {s.partition(".")[0] for s in ids}
    return [(b,) for b in sorted(set(map(prefix_blueprint, prefixes)))]


def blueprints_step(routes: Sequence[ImpactRoute]) -> Compute:
    """`blueprints`: those of the steps the routes reach (whose supports and facts an
    answer reads whole)."""
    names = [route_name(r) for r in routes]
    return Compute(
        "blueprints",
        "the blueprints of the steps reached, from their ids",
        partial(_blueprints, names),
        ("id",),
        tuple(Source(n, "id") for n in names),
    )


def _via_pattern(route: ImpactRoute) -> tuple[Path, str]:
    """A one-piece rule's pattern with its first hop's node named (`v`, unless it is the
    target), and that node's variable: what a step reaches the target through."""
    pattern = route.rule.pattern
    if pattern.nodes[1].var == "t":
        return pattern, "t"
    return pattern.named(1, "v"), "v"


def reach_sources(routes: Sequence[ImpactRoute]) -> list[Source]:
    """What `direct` reads besides the routes' rows: the chained routes' hops."""
    return [Source(reach_name(r), "hops") for r in routes if r.rule.chain_at is not None]


def direct(answer: Answer, routes: Sequence[ImpactRoute]) -> dict[str, Reach]:
    """Each step the routes reach, by its nearest: fewest hops (the relationships walked
    from the source to the step: the rule's own, plus a chain's dependency hops), then the
    route order, then the smallest via."""
    best: dict[str, Reach] = {}
    for route in routes:
        hops_of: dict[str, int] = {}
        if route.rule.chain_at is not None:
            hops_of = dict(answer[reach_name(route)].select("id", "hops"))
        fixed = route.rule.pattern.fixed_hops
        near, far = route.route, route.far or route.route
        near_order, far_order = near.order, far.order
        # within one route a step's nearest via is its fewest hops, then smallest id (the
        # route's name follows from the hops)
        for step, vias in answer[route_name(route)].select("id", "vias"):
            if not vias:
                continue
            k, via = hops_of.get(vias[0], 0), vias[0]
            for v in vias[1:]:
                kv = hops_of.get(v, 0)
                if kv < k or (kv == k and v < via):
                    k, via = kv, v
            now = best.get(step)
            if now is None or (fixed + k, far_order if k else near_order, via) < (
                now[2],
                now[0].order,
                now[1],
            ):
                best[step] = Reach(far if k else near, via, fixed + k)
    return best


def _reached(
    routes: Sequence[ImpactRoute], answer: Answer, params: Mapping[str, Any]
) -> list[tuple[str, Route, str, int]]:
    """Every step reached, directly or through the steps it supports, by its nearest
    route."""
    above: defaultdict[str, list[str]] = defaultdict(list)
    for lower, higher in answer["supports"].select("lower", "higher"):
        above[lower].append(higher)
    best = nearest(direct(answer, routes), above.get)
    answer.memo[_REACHED_MEMO] = best  # the shaper's mapping, as these rows say
    return list(zip(best, *zip(*best.values(), strict=True), strict=True))  # (step, *reach)


_REACHED_MEMO = "impact.reached"


def reached_of(answer: Answer) -> Mapping[str, tuple[Route, str, int]]:
    """How each step is reached (`reached`), by step: the mapping the step made, else made
    from its rows (24,000 of them at 1,000 services, a tenth of the shaper's time)."""
    made = answer.memo.get(_REACHED_MEMO)
    if isinstance(made, dict):
        return made
    rows = answer["reached"]
    return dict(zip(rows.column("step"), rows.select("route", "via", "hops"), strict=True))


REACHED = ("step", "route", "via", "hops")

#: what a step's `via` is, per route: the node a designer knows it by (its name is read back)
VIA_LABELS: dict[Route, str] = {
    Route.ROLE: "Role",
    Route.OWNED_SYSTEM: "System",
    Route.SYSTEM: "System",
    Route.DEPENDENT_SYSTEM: "System",
    Route.TOUCHPOINT: "Touchpoint",
    Route.SUPPORTING_STEP: "Step",
    Route.HANDOFF: "Step",
}

#: the "how each step is reached" table of impact, what-if and risk: ids for scripts, names
#: for designers (the text output shows the names)
STEP_COLUMNS = ("service", "step", "step_name", "lane", "route", "via", "via_name", "hops")


def _via_labels(route: ImpactRoute) -> set[str]:
    """The labels of what a route's steps are reached through (its near and far names)."""
    return {VIA_LABELS[r] for r in (route.route, route.far) if r is not None}


def name_reads(d: Dialect, routes: Sequence[ImpactRoute], steps: bool = True) -> list[Statement]:
    """The names of the steps reached and of what they are reached through (`names.<Label>`,
    one per kind of via the routes have), so answers show names beside ids. Unless `steps`
    is false (`impact of` reads every step of the blueprints it reaches, names included, in
    `facts`), the steps too, and every via of the answer; else the vias the routes found
    (the other vias are steps): a role's name is then looked up among the few roles reached,
    not among every step id too (18,000 lookups of nothing at 1,000 services)."""
    labels = {label for route in routes for label in _via_labels(route)}
    if steps:
        labels.add("Step")
    else:
        labels.discard("Step")
    out = []
    for label in sorted(labels):
        ids = [Source("reached", "via")]
        if label == "Step":
            ids.insert(0, Source("reached", "step"))
        elif not steps:
            ids = [
                Source(route_name(route), "vias", each=True)
                for route in routes
                if label in _via_labels(route)
            ]
        out.append(
            d.statement(
                f"names.{label.lower()}",
                f"UNWIND $ids AS n_id\nMATCH (n:{label} {{id: n_id}})",
                [("id", "n.id"), ("name", "n.name")],
                distinct=True,
                inputs={"ids": ids},
            )
        )
    return out


def named_steps(
    answer: Answer, steps: dict[str, str] | None = None
) -> tuple[dict[str, str], dict[Route, dict[str, str]]]:
    """The step names `name_reads` read (or `steps`, read elsewhere), and per route the
    names of its vias by id (a via not named there is shown by its id)."""
    names: dict[str, dict[str, str]] = {} if steps is None else {"Step": steps}
    planned = {s.name for s in answer.plan.statements}
    for label in set(VIA_LABELS.values()):
        part = f"names.{label.lower()}"
        if part in planned:
            names[label] = {str(i): str(n) for i, n in answer[part].select("id", "name")}
    return names.get("Step", {}), {
        route: names.get(label, {}) for route, label in VIA_LABELS.items()
    }


def via_name(names: Mapping[Route, Mapping[str, str]], route: Route, via: str | None) -> str | None:
    """What a step is reached through, by its name (`named_steps`)."""
    found = names.get(route)
    if found is None or via is None:
        return None
    return found.get(via, via)


def plan(d: Dialect, query: ir.ImpactIR) -> list[Step]:
    src = query.source
    routes = IMPACT_ROUTES[src.label]
    out: list[Step] = [source_statement(d, src.label, src.id)]
    if any(r.rule.chain_at is not None for r in routes):
        out.append(dependencies(d))
    for route in routes:
        out.extend(locate(d, route, src.id, query.within, query.scenario))
    out.append(blueprints_step(routes))
    blueprints = {"blueprints": [Source("blueprints", "id")]}
    # the nodes past the blueprint carry no label: each relationship type joins one pair of
    # labels (bpql/schema.py REL_KINDS), and on Neo4j a label test reads each node again
    # (a fifth of `facts` at 1,000 services)
    out.append(
        d.statement(
            "supports",
            "UNWIND $blueprints AS b_id\n"
            "MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(a)-[:SUPPORTS]->(c)",
            [("lower", "a.id"), ("higher", "c.id")],
            inputs=blueprints,
        )
    )
    # a step's service is read from its id (bpql/ids.py), not walked to; the departments
    # performing each step are the rows of the department x service matrix, part of every
    # answer (its summary per department when its step rows are too many to print): a step's
    # roles are read here and each role's departments apart, once (the walk on to the
    # department for each of 24,000 steps cost Neo4j 70 ms, the role alone 28)
    out.append(
        d.statement(
            "facts",
            "UNWIND $blueprints AS b_id\n"
            "MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s)\n"
            "OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp)\n"
            "OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f)\n"
            "OPTIONAL MATCH (s)-[:IN_PHASE]->(ph)\n"
            "OPTIONAL MATCH (s)-[:PERFORMED_BY]->(r)",
            [
                ("step", "s.id"),
                ("name", "s.name"),
                ("lane", "s.lane"),
                ("touchpoint", "tp.name"),
                ("channel", "tp.channel"),
                ("failpoint", "f.id"),
                ("rpn", "f.rpn"),
                ("phase_order", "ph.`order`"),
                ("seq", "s.seq"),
                ("blueprint", "b.id"),
                ("role", "r.id"),
            ],
            inputs=blueprints,
        )
    )
    out.append(memberships(d))
    out.append(
        d.statement("services", "MATCH (sv:Service)", [("id", "sv.id"), ("name", "sv.name")])
    )
    route_reads = [Source(route_name(r), c) for r in routes for c in ("id", "vias")]
    route_reads += reach_sources(routes)
    out.append(
        Compute(
            "reached",
            "every step reached, directly or through the steps it supports, by its nearest "
            "route (fewest hops, then route order, then via)",
            partial(_reached, routes),
            REACHED,
            (*route_reads, Source("supports", "lower"), Source("supports", "higher")),
        )
    )
    out.extend(name_reads(d, routes, steps=False))
    out.extend(_drawing(d, query, routes))
    return out


def _drawing(d: Dialect, query: ir.ImpactIR, routes: Sequence[ImpactRoute]) -> list[Statement]:
    """The affected subgraph: the routes' paths to the source and the parts around the steps
    reached."""
    src = query.source
    drawn = Role.DRAWING
    steps = [Source("reached", "step")]
    out: list[Statement] = []
    for route in routes:
        r = route.rule
        d.param(src.id, "source")
        if r.chain_at is not None:
            # the chains from the systems the steps use; the shaper keeps those of the
            # systems a reached step uses
            out.append(
                d.statement(
                    f"graph.chain.{r.relation}",
                    f"MATCH p = {r.far.cypher(query.within)} WHERE t.id = $source",
                    [("via", "y.id"), ("p", "p")],
                    role=drawn,
                )
            )
            continue
        pattern = r.pattern.cypher(query.within, s="s:Step {id: s_id}")
        out.append(
            d.statement(
                f"graph.route.{r.relation}",
                f"UNWIND $direct AS s_id MATCH p = {pattern} WHERE t.id = $source",
                [("p", "p")],
                role=drawn,
                inputs={"direct": [Source(route_name(route), "id")]},
            )
        )
    out.extend(step_parts(d, steps))
    return out


class _Hit:
    """What an answer gathers of one service reached: its steps (id -> lane), touchpoints,
    channels and fail points (id -> RPN)."""

    __slots__ = ("channels", "failpoints", "service", "steps", "touchpoints")

    def __init__(self, service: str | None) -> None:
        self.service = service
        self.steps: dict[str, str] = {}
        self.touchpoints: set[str] = set()
        self.channels: set[str] = set()
        self.failpoints: dict[str, Any] = {}


def shape(query: ir.ImpactIR, answer: Answer) -> Result:
    routes = IMPACT_ROUTES[query.source.label]
    hit = sorted({s for r in routes for s in answer[route_name(r)].column("id")})
    reached = reached_of(answer)
    names = dict(answer["services"].select("id", "name"))
    facts = answer["facts"].select(
        "step",
        "name",
        "lane",
        "touchpoint",
        "channel",
        "failpoint",
        "rpn",
        "phase_order",
        "seq",
        "blueprint",
        "role",
    )
    member_of: defaultdict[str, list[str]] = defaultdict(list)
    for role, department in answer["memberships"].select("source", "name"):
        member_of[role].append(department)
    departments_of = {role: performed(found) for role, found in member_of.items()}
    per: dict[str, _Hit] = {}
    visible: list[str] = []
    visible_lanes = frozenset(VISIBLE_LANES)
    # a step's place in time order (service, blueprint, phase, seq, id), then its service's
    # name and its lane
    where: dict[str, tuple[Any, ...]] = {}
    step_names: dict[str, str] = {}
    performers: dict[str, tuple[str, ...]] = {}
    service_of_bp: dict[str, str] = {}
    roles: dict[str, str] = {}  # a step's role, the first one read
    for step, name, lane, tp, channel, fp, rpn, order, seq, bp, role in facts:
        w = where.get(step)
        if w is None:
            if step not in reached:  # the facts are of the reached blueprints, whole
                continue
            service_id = service_of_bp.get(bp)
            if service_id is None:
                service_id = service_of_bp[bp] = service_of("Blueprint", bp) or ""
            service = names.get(service_id)
            where[step] = (
                service_id,
                bp,
                order is None,
                order or 0,
                seq is None,
                seq or 0,
                step,
                service,
                lane,
            )
            step_names[str(step)] = str(name)
            s = per.get(service_id)
            if s is None:
                s = per[service_id] = _Hit(service)
            s.steps[step] = lane
            if lane in visible_lanes:
                visible.append(step)
        else:
            s = per[w[0]]
        if tp:
            s.touchpoints.add(tp)
        if channel:
            s.channels.add(channel)
        if fp:
            s.failpoints[fp] = rpn
        if role is not None:
            first = roles.setdefault(step, role)
            if first != role:  # a step more than one role performs (a row per fail point too)
                both = performers.get(step, departments_of.get(first, ()))
                both = performed((*both, *departments_of.get(role, ())))
                if both:
                    performers[step] = both
    for step, role in roles.items():
        if step not in performers and role in departments_of:
            performers[step] = departments_of[role]
    lanes = [lane.key for lane in LANES]
    columns = [
        "service",
        "steps",
        *lanes,
        "visible",
        "touchpoints",
        "channels",
        "failpoints",
        "max_rpn",
    ]
    table_rows = []
    for sid in sorted(per):
        s = per[sid]
        by_lane = Counter(s.steps.values())
        rpns = [r for r in s.failpoints.values() if r is not None]
        table_rows.append(
            [
                s.service,
                len(s.steps),
                *(by_lane[lane] for lane in lanes),
                sum(by_lane[lane] for lane in VISIBLE_LANES),
                sorted(s.touchpoints),
                sorted(s.channels),
                len(s.failpoints),
                max(rpns) if rpns else None,
            ]
        )
    # in time order per service; step ids are unique, so the key's later items never count
    step_name, via_names = named_steps(answer, step_names)
    step_rows = []
    placed = []  # the steps as the matrix reads them
    name_of = step_name.get
    for w in sorted(where.values()):
        step, service, lane = w[6], w[7], w[8]
        route, via, hops = reached[step]
        step_rows.append(
            [
                service,
                step,
                name_of(step, step),
                lane,
                route,
                via,
                via_name(via_names, route, via),
                hops,
            ]
        )
        placed.append((step, str(service), lane))
    graph = None
    source = query.source.name if query.source.label == "Department" else None
    matrix = department_matrix(placed, performers, reached, source)
    if answer.drawn:
        graph = _impact_graph(query, routes, answer)
        for step in where:
            key = node_key("Step", step)
            if key in graph.nodes:  # the view shows a step's route beside its other facts
                route, via, hops = reached[step]
                n = graph.nodes[key]
                extra: dict[str, Any] = {"route": route, "via": via, "hops": hops}
                if performers.get(step):
                    extra["departments"] = list(performers[step])
                graph.nodes[key] = GraphNode(n.label, n.id, n.labels, {**n.properties, **extra})
    return Result(
        Kind.IMPACT,
        table=Table(columns, table_rows),
        steps=Table(list(STEP_COLUMNS), step_rows),
        graph=graph,
        title=f'impact of {query.source.label.lower()} "{query.source.name}"',
        highlight={
            Mark.SOURCE: [node_key(query.source.label, query.source.id)],
            Mark.DIRECT: [f"Step:{s}" for s in hit],  # node_key, in the order of `hit`
            Mark.VISIBLE: sorted(f"Step:{s}" for s in visible),
        },
        matrix=matrix,
        service_ids={str(s.service): sid for sid, s in per.items()},
    )


def _impact_graph(query: ir.ImpactIR, routes: Sequence[ImpactRoute], answer: Answer) -> Graph:
    """The affected subgraph: the drawing's parts, a chained route's links from each step to
    the systems it goes through (from the `route.*` rows), and the chains from those systems
    to the source."""
    chains = {f"graph.chain.{r.rule.relation}" for r in routes if r.rule.chain_at is not None}
    parts = [
        s.name
        for s in answer.plan.statements
        if s.name == "source" or (s.draws and s.name not in chains)
    ]
    graph = drawing(answer, parts)
    for route in routes:
        rule = route.rule
        if rule.chain_at is None:
            continue
        near = rule.near
        rel, label = near.hops[0].type, near.nodes[-1].label
        assert label is not None
        links = [
            GraphEdge(node_key("Step", step), node_key(label, via), rel)
            for step, vias in answer[route_name(route)].select("id", "vias")
            for via in vias
        ]
        used = {e.target for e in links}
        for via, chain in answer[f"graph.chain.{rule.relation}"].select("via", "p"):
            if node_key(label, via) in used:
                graph.absorb(chain)
        for edge in links:
            if edge.source in graph.nodes and edge.target in graph.nodes:
                graph.add_edge(edge)
    return graph


SPEC: Spec[ir.ImpactIR] = Spec(
    plan,
    shape,
    signature=(Slot(("IMPACT", "OF"), tuple(IMPACT_ROUTES), "impact of"),),
    drawn_rows="reached",
)
