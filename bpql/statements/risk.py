"""`risk of system|step "..."`: what a failing system (with every system that depends on it)
or step can break, up to the customer, per customer step.

The plan finds the systems that fail with the source and the steps they hit, then reads those
steps' blueprints, whole: a step's other supporting routes decide whether it still works. The
walk itself is `bpql.criticality`.
"""

from __future__ import annotations

from typing import Any

from bpql import ir
from bpql.criticality import SupportGraph
from bpql.ids import node_key
from bpql.language import DEPENDENCY_CHAIN
from bpql.plan import Answer, Role, Source, Statement, Step
from bpql.render.base import Dialect
from bpql.result import Graph, Kind, Mark, Result, Table
from bpql.schema import VISIBLE_LANES
from bpql.statements.base import Slot, Spec, drawing, source_statement, step_parts
from bpql.words import counted


def failing(d: Dialect, system: str) -> Statement:
    """The system and every system depending on it, found once: an EXISTS walk of the
    dependencies on every USES row cost 4 million db hits at 1,000 services."""
    return d.statement(
        "failing",
        f"MATCH (y:System) WHERE y.id = {d.param(system, 'source')} OR EXISTS "
        f"{{ MATCH (y)-[:DEPENDS_ON*1..{DEPENDENCY_CHAIN}]->(t:System) WHERE t.id = $source }}",
        [("id", "y.id")],
        order=["id"],
    )


def plan(d: Dialect, query: ir.RiskIR) -> list[Step]:
    src = query.source
    out: list[Step] = [source_statement(d, src.label, src.id)]

    def scen() -> str:
        """The scenario test, its parameter taken for the statement being built."""
        if query.scenario is None:
            return ""
        return f" AND b.scenario = {d.param(query.scenario, 'scenario')}"

    if src.label == "System":
        out.append(failing(d, src.id))
        out.append(
            d.statement(
                "hit",
                "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:USES]->(y:System)\n"
                f"WHERE y.id IN $failing{scen()}",
                [("id", "s.id")],
                distinct=True,
                order=["id"],
                inputs={"failing": [Source("failing", "id")]},
            )
        )
    else:
        out.append(
            d.statement(
                "hit",
                "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)\n"
                f"WHERE s.id = {d.param(src.id, 'source')}{scen()}",
                [("id", "s.id")],
            )
        )
    out.append(
        d.statement(
            "blueprints",
            "UNWIND $hit AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})",
            [("id", "b.id")],
            distinct=True,
            order=["id"],
            inputs={"hit": [Source("hit", "id")]},
        )
    )
    out.append(
        d.statement(
            "steps",
            "UNWIND $blueprints AS b_id\n"
            "MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint {id: b_id})-[:HAS_STEP]->"
            "(s:Step)\n"
            "OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)",
            [
                ("id", "s.id"),
                ("name", "s.name"),
                ("lane", "s.lane"),
                ("moment", "s.moment_of_truth"),
                ("touchpoint", "tp.id"),
                ("touchpoint_name", "tp.name"),
                ("service_id", "sv.id"),
                ("service", "sv.name"),
                ("seq", "s.seq"),
            ],
            order=["id"],
            inputs={"blueprints": [Source("blueprints", "id")]},
        )
    )
    out.append(
        d.statement(
            "supports",
            "UNWIND $steps AS c_id MATCH (a:Step)-[:SUPPORTS]->(c:Step {id: c_id})",
            [("lower", "a.id"), ("higher", "c.id")],
            order=["lower", "higher"],
            inputs={"steps": [Source("steps", "id")]},
        )
    )
    steps = [Source("steps", "id")]
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
                inputs={"hit": [Source("hit", "id")], "failing": failing_ids},
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
    """Walk the fetched blueprints with `bpql.criticality`: what the failure can break and
    what it leaves with no working route, per customer step."""
    sg = SupportGraph()
    facts: dict[str, tuple[Any, ...]] = {}
    for sid, name, lane, moment, tp, tp_name, service_id, service, seq in answer["steps"].select(
        "id",
        "name",
        "lane",
        "moment",
        "touchpoint",
        "touchpoint_name",
        "service_id",
        "service",
        "seq",
    ):
        sg.add_step(sid, lane, name, bool(moment), tp, service_id)
        facts[sid] = (service, name, bool(moment), tp_name, seq)
    for lower, higher in answer["supports"].select("lower", "higher"):
        sg.add_support(lower, higher)
    hit = set(answer["hit"].column("id"))
    failing_ids = set(answer["failing"].column("id")) if query.source.label == "System" else set()
    blast = sg.blast(hit, failing_ids)
    broken = set(blast.broken)
    # per service, in time order
    customer = sorted(blast.customer_steps, key=lambda s: (facts[s][0], facts[s][4], s))
    table = Table(
        ["service", "step", "moment_of_truth", "touchpoint", "single_point"],
        [[facts[s][0], facts[s][1], facts[s][2], facts[s][3], s in broken] for s in customer],
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
    return Result(
        Kind.IMPACT,
        table=table,
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
                node_key("Step", s) for s in blast.reach if sg.lane.get(s) in VISIBLE_LANES
            ),
        },
    )


#: what can fail: a support system, or a step (typically backstage or support)
RISK_SOURCES = ("System", "Step")

SPEC: Spec[ir.RiskIR] = Spec(
    plan, shape, signature=(Slot(("RISK", "OF"), RISK_SOURCES, "risk of"),)
)
