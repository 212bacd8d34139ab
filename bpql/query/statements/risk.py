"""`risk of system|step "..."`: what a failing system (with every system that depends on it)
or step can break, up to the customer, per customer step.

Located in Cypher from the language's rules: the systems that fail with the source (worked
out in Python over every DEPENDS_ON, bpql/analysis/systems.py) and the steps that use one of
them (`uses system`). Then the blueprints of those steps are read back whole (a step's other
supporting routes decide whether it still works, bpql/query/statements/reads.py) and the walk runs
in Python over them (bpql/analysis/criticality.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bpql.analysis.criticality import SupportGraph
from bpql.analysis.graph import Index
from bpql.analysis.routes import Route
from bpql.analysis.systems import failing_systems
from bpql.graphdata import GraphData
from bpql.ids import node_key
from bpql.query import ir, paths
from bpql.query.language import step_rule
from bpql.query.plan import Answer, Compute, Role, Source, Statement, Step
from bpql.query.render.base import Dialect
from bpql.query.statements.base import Slot, Spec, drawing, source_statement, step_parts
from bpql.query.statements.impact import STEP_COLUMNS
from bpql.query.statements.reads import blueprint_reads, dependencies, graph_of
from bpql.result import Graph, Kind, Mark, Result, Table
from bpql.schema import VISIBLE_LANES
from bpql.words import counted


def _failing(answer: Answer, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
    g = GraphData()
    g.rels["DEPENDS_ON"].extend(answer["dependencies"].select("source", "target"))
    found = failing_systems(Index(g), params["systems"], params.get("bound"))
    return sorted(found.items())


def failing(d: Dialect, systems: Sequence[str], bound: int | None = None) -> list[Step]:
    """Every DEPENDS_ON, and the systems that fail with `systems` (`failing`: id, hops),
    worked out over them in Python: one implementation of the walk for `impact of`,
    `risk of` and what-if."""
    params: dict[str, Any] = {"systems": list(systems)}
    if bound is not None:
        params["bound"] = bound
    return [
        dependencies(d),
        Compute(
            "failing",
            "the systems that fail with $systems (themselves, and every system depending on "
            "one of them), with their dependency hops"
            + (" up to $bound" if bound is not None else ""),
            _failing,
            ("id", "hops"),
            (Source("dependencies", "source"), Source("dependencies", "target")),
            params=params,
        ),
    ]


#: a step and the blueprint it is in, whose scenario a query follows
IN_BLUEPRINT = paths.path(paths.Node("b", "Blueprint"), paths.out("HAS_STEP"), paths.Node("s"))


def uses_failing(d: Dialect, name: str, scenario: str | None) -> Statement:
    """The steps (of the scenario) that use a failing system, and which (`uses system`)."""
    pattern = IN_BLUEPRINT.then(step_rule("uses", "System").pattern).cypher(s="s:Step")
    scen = "" if scenario is None else f" AND b.scenario = {d.param(scenario, 'scenario')}"
    return d.statement(
        name,
        f"MATCH {pattern}\nWHERE t.id IN $failing{scen}",
        [("step", "s.id"), ("via", "t.id"), ("blueprint", "b.id")],
        inputs={"failing": [Source("failing", "id")]},
    )


def plan(d: Dialect, query: ir.RiskIR) -> list[Step]:
    src = query.source
    out: list[Step] = [source_statement(d, src.label, src.id)]
    if src.label == "System":
        out.extend(failing(d, [src.id]))
        out.append(uses_failing(d, "hit", query.scenario))
    else:
        scen = ""
        if query.scenario is not None:
            scen = f" AND b.scenario = {d.param(query.scenario, 'scenario')}"
        out.append(
            d.statement(
                "hit",
                "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)\n"
                f"WHERE s.id = {d.param(src.id, 'source')}{scen}",
                [("step", "s.id"), ("via", "s.id"), ("blueprint", "b.id")],
            )
        )
    # the blueprints of the steps hit, whole
    out.extend(blueprint_reads(d, [Source("hit", "blueprint")], ("SUPPORTS",)))
    steps = [Source("blueprint.steps", "id")]
    if src.label == "System":
        drawn = Role.DRAWING
        failing_ids = [Source("failing", "id")]
        out.append(
            d.statement(
                "graph.uses",
                "UNWIND $hit AS s_id MATCH p = (s:Step {id: s_id})-[:USES]->(y:System) "
                "WHERE y.id IN $failing",
                [("p", "p")],
                role=drawn,
                inputs={"hit": [Source("hit", "step")], "failing": failing_ids},
            )
        )
        out.append(
            d.statement(
                "graph.depends_on",
                "MATCH p = (y:System)-[:DEPENDS_ON]->(z:System) "
                "WHERE y.id IN $failing AND z.id IN $failing",
                [("p", "p")],
                role=drawn,
                inputs={"failing": failing_ids},
            )
        )
    out.extend(step_parts(d, steps, failpoints=False))
    return out


def shape(query: ir.RiskIR, answer: Answer) -> Result:
    """Walk the blueprints read back with `bpql.analysis.criticality`: what the failure can
    break and what it leaves with no working route, per customer step."""
    index = Index(graph_of(answer))
    sg = SupportGraph.of(index, index.nodes["Step"])
    hit = set(answer["hit"].column("step"))
    failed = set(answer["failing"].column("id")) if query.source.label == "System" else set()
    blast = sg.blast(hit, failed)
    broken = set(blast.broken)

    # each reached step's service name and place in time, read once from the steps read
    # (a large failure reaches tens of thousands of steps, sorted twice)
    read = answer["blueprint.steps"]
    service_name = dict(read.select("id", "service_name"))
    step_name = dict(read.select("id", "name"))
    facts: dict[str, tuple[str, bool, Any, str]] = {
        s: (service_name.get(s) or "", at is None, at or 0, s)
        for s, at in read.select("id", "seq")
        if s in blast.reach
    }

    def touchpoint(step: str) -> Any:
        found = index.node("Touchpoint", sg.touchpoint.get(step, ""))
        return found["name"] if found is not None else None

    # per service, in time order
    customer = sorted(blast.customer_steps, key=facts.__getitem__)
    table = Table(
        ["service", "step", "moment_of_truth", "touchpoint", "single_point"],
        [
            [
                facts[s][0],
                step_name.get(s),
                s in sg.moment,
                touchpoint(s),
                s in broken,
            ]
            for s in customer
        ],
    )
    source = node_key(query.source.label, query.source.id)
    pruned: Graph | None = None
    if answer.drawn:
        graph = drawing(answer)
        keep_steps = {node_key("Step", s) for s in blast.reach}
        keep = {k for k, n in graph.nodes.items() if n.label != "Step" or k in keep_steps}
        edges = [e for e in graph.edges if e.source in keep and e.target in keep]
        linked = {e.source for e in edges} | {e.target for e in edges}
        pruned = Graph(
            {k: n for k, n in graph.nodes.items() if k in keep and (k in linked or k == source)},
            edges,
        )
    what = f'{query.source.label.lower()} "{query.source.name}"'
    n_services = len({facts[s][0] for s in customer})

    # every step the failure reaches and how (hit, breaks, can break), for the impact view
    route = dict.fromkeys(blast.reach, Route.CAN_BREAK)
    route.update(dict.fromkeys(broken, Route.BREAKS))
    route.update(dict.fromkeys(hit & blast.reach, Route.HIT))
    lane = sg.lane
    steps = Table(
        list(STEP_COLUMNS),
        [
            [facts[s][0], s, step_name.get(s) or s, lane.get(s), route[s], None, None, None]
            for s in sorted(blast.reach, key=facts.__getitem__)
        ],
    )
    return Result(
        Kind.IMPACT,
        table=table,
        steps=steps,
        graph=pruned,
        title=(
            f"risk of {what}: {counted(len(customer), 'customer step')} in "
            f"{counted(n_services, 'service')} can break; "
            f"{sum(1 for s in customer if s in broken)} of them have no other route"
        ),
        subtitle=(
            f"rings: the failing {query.source.label.lower()}, the steps it hits (red) and the "
            "customer-visible steps that can break (orange)"
        ),
        highlight={
            Mark.SOURCE: [source],
            Mark.DIRECT: sorted(node_key("Step", s) for s in hit),
            Mark.VISIBLE: sorted(
                node_key("Step", s) for s in blast.reach if lane.get(s) in VISIBLE_LANES
            ),
        },
    )


#: what can fail: a support system, or a step (typically backstage or support)
RISK_SOURCES = ("System", "Step")

SPEC: Spec[ir.RiskIR] = Spec(
    plan, shape, signature=(Slot(("RISK", "OF"), RISK_SOURCES, "risk of"),)
)
