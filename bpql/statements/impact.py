"""`impact of department|role|system|touchpoint "..." [within N]`: the steps a thing reaches,
a table per service and each step's route, and the affected subgraph.

Every route is a relation rule of the language (`IMPACT_ROUTES`), walked from the source
outwards: per route the steps it reaches and what they reach it through (`route.*`); a chained
route's far end found once (`reach.*`, with its dependency hops). Then the supports and facts
of the blueprints reached, whole (a list of hundreds of blueprints is matched far more quickly
than one of thousands of steps: at 1,000 services, 24,000 key lookups were most of the answer's
time on both stores), and the names of the services. The drawing's statements run only when
the answer is drawn.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bpql import ir
from bpql.ids import node_key, service_of
from bpql.language import IMPACT_ROUTES, SUPPORT_CHAIN, RelationRule, Route
from bpql.paths import Path
from bpql.plan import Answer, Role, Source, Step
from bpql.render.base import Dialect
from bpql.result import Graph, GraphEdge, GraphNode, Kind, Mark, Result, Table
from bpql.schema import LANES, VISIBLE_LANES
from bpql.statements.base import Slot, Spec, drawing, source_statement, step_parts


def route_name(rule: RelationRule) -> str:
    return f"route.{rule.relation}"


def reach_name(rule: RelationRule) -> str:
    return f"reach.{rule.relation}"


def chain_name(rule: RelationRule) -> str:
    return f"graph.chain.{rule.relation}"


def plan(d: Dialect, query: ir.ImpactIR) -> list[Step]:
    src = query.source
    routes = [r.rule for r in IMPACT_ROUTES[src.label]]
    out: list[Step] = [source_statement(d, src.label, src.id)]
    # each route's steps with their blueprint, in the query's scenario when it names one
    blueprint = "(b:Blueprint)-[:HAS_STEP]->(s)"
    scen = "" if query.scenario is None else " AND b.scenario = $scenario"
    step_route = [("id", "s.id"), ("vias", "")]
    for r in routes:
        if r.chain_at is not None:
            far = r.far.cypher(query.within)
            d.param(src.id, "source")
            # the dependency hops of the shortest chain from each system to the source
            out.append(
                d.statement(
                    reach_name(r),
                    f"MATCH p = {far} WHERE t.id = $source",
                    [("id", "y.id"), ("hops", f"min(length(p)) - {r.far.fixed_hops}")],
                    order=["id"],
                )
            )
            if query.scenario is not None:
                d.param(query.scenario, "scenario")
            near = r.near.cypher(s="s:Step")
            out.append(
                d.statement(
                    route_name(r),
                    f"UNWIND $reach AS y_id\n{d.match_both(blueprint, near)}\n"
                    f"WHERE y.id = y_id{scen}",
                    [step_route[0], ("vias", "collect(y.id)"), ("blueprint", "b.id")],
                    inputs={"reach": [Source(reach_name(r), "id")]},
                )
            )
            continue
        d.param(src.id, "source")
        if query.scenario is not None:
            d.param(query.scenario, "scenario")
        pattern, via = _via_pattern(r)
        pattern_text = pattern.cypher(query.within, s="s:Step")
        out.append(
            d.statement(
                route_name(r),
                f"{d.match_both(blueprint, pattern_text)}\nWHERE t.id = $source{scen}",
                [step_route[0], ("vias", f"collect(DISTINCT {via}.id)"), ("blueprint", "b.id")],
            )
        )
    direct = [Source(route_name(r), "id") for r in routes]
    blueprints = {"blueprints": [Source(route_name(r), "blueprint") for r in routes]}
    out.append(
        d.statement(
            "supports",
            "UNWIND $blueprints AS b_id\n"
            "MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(a:Step)-[:SUPPORTS]->(c:Step)",
            [("lower", "a.id"), ("higher", "c.id")],
            inputs=blueprints,
        )
    )
    # a step's service is read from its id (bpql/ids.py), not walked to
    out.append(
        d.statement(
            "facts",
            "UNWIND $blueprints AS b_id\n"
            "MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)\n"
            "OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)\n"
            "OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f:FailPoint)\n"
            "OPTIONAL MATCH (s)-[:IN_PHASE]->(ph:Phase)",
            [
                ("step", "s.id"),
                ("lane", "s.lane"),
                ("touchpoint", "tp.name"),
                ("channel", "tp.channel"),
                ("failpoint", "f.id"),
                ("rpn", "f.rpn"),
                ("phase_order", "ph.`order`"),
                ("seq", "s.seq"),
                ("blueprint", "b.id"),
            ],
            inputs=blueprints,
        )
    )
    out.append(
        d.statement("services", "MATCH (sv:Service)", [("id", "sv.id"), ("name", "sv.name")])
    )
    # --- the drawing: fetched only when the answer is drawn, for the steps reached
    drawn = Role.DRAWING
    out.append(
        d.statement(
            "graph.supported",
            "UNWIND $direct AS d_id\n"
            f"MATCH (d:Step {{id: d_id}})-[:SUPPORTS*1..{SUPPORT_CHAIN}]->(u:Step)",
            [("id", "u.id")],
            distinct=True,
            role=drawn,
            inputs={"direct": direct},
        )
    )
    steps = [*direct, Source("graph.supported", "id")]
    for r in routes:
        d.param(src.id, "source")
        if r.chain_at is not None:
            # the chains from the systems the steps use; the shaper keeps those of the
            # systems a reached step uses
            out.append(
                d.statement(
                    chain_name(r),
                    f"MATCH p = {r.far.cypher(query.within)} WHERE t.id = $source",
                    [("via", "y.id"), ("p", "p")],
                    role=drawn,
                )
            )
            continue
        pattern_text = r.pattern.cypher(query.within, s="s:Step {id: s_id}")
        out.append(
            d.statement(
                f"graph.route.{r.relation}",
                f"UNWIND $direct AS s_id MATCH p = {pattern_text} WHERE t.id = $source",
                [("p", "p")],
                role=drawn,
                inputs={"direct": [Source(route_name(r), "id")]},
            )
        )
    # the departments performing each step: the rows of the views' department x service
    # matrix, whichever route reached the step
    out.append(
        d.statement(
            "graph.departments",
            "UNWIND $steps AS s_id\n"
            "MATCH (s:Step {id: s_id})-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(d:Department)",
            [("step", "s.id"), ("department", "d.name")],
            distinct=True,
            order=["step", "department"],
            role=drawn,
            inputs={"steps": steps},
        )
    )
    out.extend(step_parts(d, steps))
    return out


def _via_pattern(rule: RelationRule) -> tuple[Path, str]:
    """A one-piece rule's pattern with its first hop's node named (`v`, unless it is the
    target), and that node's variable: what a step reaches the target through."""
    if rule.pattern.nodes[1].var == "t":
        return rule.pattern, "t"
    return rule.pattern.named(1, "v"), "v"


def shape(query: ir.ImpactIR, answer: Answer) -> Result:
    routes = IMPACT_ROUTES[query.source.label]
    direct = sorted({s for x in routes for s in answer[route_name(x.rule)].column("id")})
    graph = _impact_graph(query, answer) if answer.drawn else None
    supported = _supported(direct, answer["supports"].select("lower", "higher"))
    names = dict(answer["services"].select("id", "name"))
    per: dict[str, dict[str, Any]] = {}
    visible: set[str] = set()
    where: dict[str, tuple[Any, ...]] = {}
    reached_steps = {*direct, *supported}
    service_of_bp: dict[str, str] = {}
    facts = answer["facts"].select(
        "step",
        "lane",
        "touchpoint",
        "channel",
        "failpoint",
        "rpn",
        "phase_order",
        "seq",
        "blueprint",
    )
    for step, lane, tp, channel, fp, rpn, order, seq, bp in facts:
        if step not in reached_steps:  # the facts are of the reached blueprints, whole
            continue
        if step not in where:
            service_id = service_of_bp.get(bp)
            if service_id is None:
                service_id = service_of_bp[bp] = service_of("Blueprint", bp) or ""
            where[step] = (
                service_id,
                bp,
                (order is None, order or 0),
                (seq is None, seq or 0),
                step,
                names.get(service_id),
                lane,
            )
            s = per.get(service_id)
            if s is None:
                s = per[service_id] = {
                    "service": names.get(service_id),
                    "steps": {},
                    "touchpoints": set(),
                    "channels": set(),
                    "failpoints": {},
                }
            s["steps"][step] = lane
            if lane in VISIBLE_LANES:
                visible.add(f"Step:{step}")
        else:
            s = per[where[step][0]]
        if tp:
            s["touchpoints"].add(tp)
        if channel:
            s["channels"].add(channel)
        if fp:
            s["failpoints"][fp] = rpn
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
        by_lane: defaultdict[str, int] = defaultdict(int)
        for lane in s["steps"].values():
            by_lane[lane] += 1
        rpns = [r for r in s["failpoints"].values() if r is not None]
        table_rows.append(
            [
                s["service"],
                len(s["steps"]),
                *(by_lane[lane] for lane in lanes),
                sum(by_lane[lane] for lane in VISIBLE_LANES),
                sorted(s["touchpoints"]),
                sorted(s["channels"]),
                len(s["failpoints"]),
                max(rpns) if rpns else None,
            ]
        )
    reached = _routes(query, answer, supported)
    performers: defaultdict[str, list[str]] = defaultdict(list)
    for step, department in answer["graph.departments"].select("step", "department"):
        performers[step].append(department)
    # in time order per service; step ids are unique, so the key's later items never count
    nobody = (None, None, None)
    step_rows = [
        [where[step][5], step, where[step][6], *reached.get(step, nobody)]
        for step in sorted(where, key=where.__getitem__)
    ]
    for step in where if graph is not None else ():
        assert graph is not None
        key = node_key("Step", step)
        if key in graph.nodes:  # the view shows a step's route beside its other facts
            route, via, hops = reached.get(step, nobody)
            n = graph.nodes[key]
            extra: dict[str, Any] = {"route": route, "via": via, "hops": hops}
            if performers.get(step):
                extra["departments"] = performers[step]
            graph.nodes[key] = GraphNode(n.label, n.id, n.labels, {**n.properties, **extra})
    return Result(
        Kind.IMPACT,
        table=Table(columns, table_rows),
        steps=Table(["service", "step", "lane", "route", "via", "hops"], step_rows),
        graph=graph,
        title=f'impact of {query.source.label.lower()} "{query.source.name}"',
        highlight={
            Mark.SOURCE: [node_key(query.source.label, query.source.id)],
            Mark.DIRECT: sorted(node_key("Step", s) for s in direct),
            Mark.VISIBLE: sorted(visible),
        },
    )


def _supported(direct: list[str], supports: Any) -> dict[str, str]:
    """The steps the reached ones support, each with the least reached step (by id) below it.
    SUPPORTS goes from a lower lane to a higher one within a blueprint (validated), so a
    chain has at most three hops, within `SUPPORT_CHAIN`, and the walk needs no bound."""
    below: defaultdict[str, list[str]] = defaultdict(list)
    for lower, higher in supports:
        below[higher].append(lower)
    reached = set(direct)
    memo: dict[str, str | None] = {}

    def least(step: str) -> str | None:
        if step in memo:
            return memo[step]
        found = None
        for lower in below.get(step, ()):
            for c in (lower if lower in reached else None, least(lower)):
                if c is not None and (found is None or c < found):
                    found = c
        memo[step] = found
        return found

    return {step: via for step in below if (via := least(step)) is not None}


def _routes(
    query: ir.ImpactIR, answer: Answer, supported: dict[str, str]
) -> dict[str, tuple[str, str, int | None]]:
    """How each affected step is reached: (route, via, dependency hops), the nearest route
    first (fewest hops, then the order of `IMPACT_ROUTES`, then the via id). A step reached
    only because a reached step supports it names that step."""
    best: dict[str, tuple[tuple[int, int, str], tuple[str, str, int | None]]] = {}
    for order, route in enumerate(IMPACT_ROUTES[query.source.label]):
        rule = route.rule
        # a chained route: the hops of the shortest chain from each system it goes through
        hops_of: dict[str, int] = {}
        if rule.chain_at is not None:
            hops_of = dict(answer[reach_name(rule)].select("id", "hops"))
        for step, vias in answer[route_name(rule)].select("id", "vias"):
            hops, via = min((hops_of.get(v, 0), v) for v in vias)
            key = (hops, order, via)
            if step not in best or key < best[step][0]:
                name = route.named(hops)
                best[step] = (key, (name, via, hops if rule.bounded else None))
    out = {step: found[1] for step, found in best.items()}
    for step, via in sorted(supported.items()):
        out.setdefault(step, (Route.SUPPORTING_STEP, via, None))
    return out


def _impact_graph(query: ir.ImpactIR, answer: Answer) -> Graph:
    """The affected subgraph: the drawing's parts, a chained route's links from each step to
    the systems it goes through (from the `route.*` rows), and the chains from those systems
    to the source."""
    routes = [r.rule for r in IMPACT_ROUTES[query.source.label]]
    chains = {chain_name(r) for r in routes if r.chain_at is not None}
    parts = [
        s.name
        for s in answer.plan.statements
        if s.name == "source" or (s.draws and s.name not in chains)
    ]
    graph = drawing(answer, parts)
    for rule in routes:
        if rule.chain_at is None:
            continue
        near = rule.near
        rel, label = near.hops[0].type, near.nodes[-1].label
        assert label is not None
        links = [
            GraphEdge(node_key("Step", step), node_key(label, via), rel)
            for step, vias in answer[route_name(rule)].select("id", "vias")
            for via in vias
        ]
        used = {e.target for e in links}
        for via, chain in answer[chain_name(rule)].select("via", "p"):
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
)
