"""What-if, read-only: what retiring a system, moving a role to another department or closing
a channel or touchpoint would reach, before anyone changes anything.

Each change locates the steps it reaches directly with the route `impact of` its thing takes
(`impact.locate`: a retired system is `impact of system` followed through every dependency, a
moved role `impact of role`, a closed touchpoint `impact of touchpoint`), so both statements
name the same steps with the same routes and hops. The blueprints of those steps are read back
whole (bpql/query/statements/reads.py) and the change is analysed in Python over them
(bpql/analysis): a retirement reaches the steps its steps support, the nearest route each, and
breaks those left with no working route; a move changes handoffs, whose both ends it reaches;
a closed touchpoint leaves steps with no touchpoint, and customer steps with no way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

import bpql.query.statements.impact as impact
from bpql.analysis.graph import Index
from bpql.analysis.matrix import department_matrix, performed
from bpql.analysis.routes import Route
from bpql.analysis.supports import Reach
from bpql.analysis.whatif import (
    CLASSES,
    CUSTOMER_VISIBLE,
    MOMENT,
    Blueprints,
    Classes,
    PerService,
    classify_all,
    classify_close,
    classify_move,
    classify_retire,
    per_service,
    reach_move,
    reach_retire,
)
from bpql.ids import node_key
from bpql.query import ir
from bpql.query.language import IMPACT_ROUTES, ImpactRoute
from bpql.query.plan import Answer, Compute, Source, Step
from bpql.query.render.base import Dialect
from bpql.query.statements.base import Slot, Spec, drawing, source_statement, step_parts
from bpql.query.statements.reads import (
    blueprint_reads,
    dependencies,
    graph_of,
    graph_sources,
    memberships,
    steps_at,
)
from bpql.result import GraphNode, Kind, Mark, Result, Table
from bpql.words import counted

W = TypeVar("W", bound=ir.WhatIfIR)


# --- plans ----------------------------------------------------------------------------------


def _route(label: str) -> ImpactRoute:
    """The one route by which `impact of <label>` reaches steps directly."""
    (route,) = IMPACT_ROUTES[label]
    return route


def _locate_retire(d: Dialect, query: ir.RetireSystemIR) -> list[Step]:
    """The system, every system depending on it (however far), and the steps using one."""
    route = _route("System")
    return [
        source_statement(d, "System", query.system.id),
        dependencies(d),
        *impact.locate(d, route, query.system.id, None, query.scenario),
    ]


def _locate_move(d: Dialect, query: ir.MoveRoleIR) -> list[Step]:
    """The role; the steps it performs."""
    route = _route("Role")
    return [
        source_statement(d, "Role", query.role.id),
        *impact.locate(d, route, query.role.id, None, query.scenario),
    ]


def _locate_close(d: Dialect, query: ir.CloseIR) -> list[Step]:
    """The touchpoint, or those of the channel; the steps at them."""
    route = _route("Touchpoint")
    if query.touchpoint is not None:
        return [
            source_statement(d, "Touchpoint", query.touchpoint.id),
            *impact.locate(d, route, query.touchpoint.id, None, query.scenario),
        ]
    test = f"t.channel = {d.param(query.channel, 'channel')}"
    source = d.statement("source", f"MATCH (t:Touchpoint) WHERE {test}", [("n", "t")])
    return [source, *impact.locate(d, route, query.channel, None, query.scenario, "channel")]


def _steps_at(d: Dialect, query: ir.RetireSystemIR) -> list[Step]:
    """Every step (of the scenario) at the touchpoints of the steps read: only a retirement
    can leave a touchpoint with no working step."""
    return [steps_at(d, Source("blueprint.steps", "touchpoint"), query.scenario)]


def plan(d: Dialect, query: ir.WhatIfIR) -> list[Step]:
    """The steps the change reaches directly; their blueprints, whole (steps, services,
    supports, touchpoints, roles and the roles' departments); what the analysis reaches from
    them (`reached`); then the parts drawn."""
    change = CHANGES[type(query)]
    route = _route(change.label)
    out = change.locate(d, query)
    out.append(impact.blueprints_step([route]))
    blueprints = [Source("blueprints", "id")]
    rels = ("SUPPORTS", "PERFORMED_BY")
    out.extend(blueprint_reads(d, blueprints, rels))
    out.append(memberships(d))
    out.extend(change.more(d, query))
    out.append(
        Compute(
            "reached",
            change.reaches,
            partial(_reached, query),
            impact.REACHED,
            (
                Source(impact.route_name(route), "id"),
                *impact.reach_sources([route]),
                *graph_sources(out),
            ),
        )
    )
    out.extend(impact.name_reads(d, [route]))
    out.extend(step_parts(d, [Source("reached", "step")], failpoints=False))
    return out


# --- the analysis (bpql/analysis/whatif.py) over the blueprints read back -----------------


def blueprints_of(answer: Answer) -> Blueprints:
    """The blueprints the plan read back, over the graph API (built once per answer)."""
    memo = answer.memo.get("whatif.blueprints")
    if isinstance(memo, Blueprints):
        return memo
    ids = sorted(set(answer["blueprint.steps"].column("blueprint")))
    found = answer.memo["whatif.blueprints"] = Blueprints.of(Index(graph_of(answer)), ids)
    return found


def _direct(query: ir.WhatIfIR, answer: Answer) -> dict[str, Reach]:
    return impact.direct(answer, [_route(CHANGES[type(query)].label)])


def _hit(query: ir.WhatIfIR, answer: Answer) -> set[str]:
    return set(answer[impact.route_name(_route(CHANGES[type(query)].label))].column("id"))


def _reach_retire(query: ir.RetireSystemIR, answer: Answer) -> dict[str, Reach]:
    return reach_retire(blueprints_of(answer), _direct(query, answer))


def _reach_move(query: ir.MoveRoleIR, answer: Answer) -> dict[str, Reach]:
    b = blueprints_of(answer)
    return reach_move(b, _direct(query, answer), query.role.id, query.department.id)


def _reach_close(query: ir.CloseIR, answer: Answer) -> dict[str, Reach]:
    return _direct(query, answer)


def _reached(
    query: ir.WhatIfIR, answer: Answer, params: Mapping[str, Any]
) -> list[tuple[str, Route, str, int]]:
    found = CHANGES[type(query)].reach(query, answer)
    return [(step, r.route, r.via, r.hops) for step, r in sorted(found.items())]


def _classify_retire(
    query: ir.RetireSystemIR, answer: Answer, classes: Classes, per: PerService
) -> None:
    classify_retire(blueprints_of(answer), _hit(query, answer), classes, per)


def _classify_move(query: ir.MoveRoleIR, answer: Answer, classes: Classes, per: PerService) -> None:
    b = blueprints_of(answer)
    classify_move(b, _hit(query, answer), query.role.id, query.department.id, classes, per)


def _classify_close(query: ir.CloseIR, answer: Answer, classes: Classes, per: PerService) -> None:
    route = impact.route_name(_route("Touchpoint"))
    closed = {v for vias in answer[route].column("vias") for v in vias}
    classify_close(blueprints_of(answer), _hit(query, answer), closed, classes, per)


@dataclass(frozen=True)
class Change(Generic[W]):
    """One kind of change: the kind of thing it changes (whose `impact of` route locates its
    steps), how its plan finds them, what its analysis reaches and how it classifies."""

    label: str
    locate: Callable[[Dialect, W], list[Step]]
    reach: Callable[[W, Answer], dict[str, Reach]]
    classify: Callable[[W, Answer, Classes, PerService], None]
    #: what the `reached` step computes, for `bpql explain`
    reaches: str
    #: the change in an answer's title
    what: Callable[[W], str]
    more: Callable[[Dialect, W], list[Step]] = lambda d, q: []
    #: whether the answer counts handoffs before and after
    handoffs: bool = False


def _close_what(query: ir.CloseIR) -> str:
    if query.touchpoint is not None:
        return f'closing touchpoint "{query.touchpoint.name}"'
    return f'closing channel "{query.channel}"'


#: each kind of change, by IR class
CHANGES: dict[type, Change[Any]] = {
    ir.RetireSystemIR: Change(
        "System",
        _locate_retire,
        _reach_retire,
        _classify_retire,
        "the steps using a failing system and every step they support, by the nearest route",
        lambda q: f'retiring system "{q.system.name}"',
        more=_steps_at,
    ),
    ir.MoveRoleIR: Change(
        "Role",
        _locate_move,
        _reach_move,
        _classify_move,
        "the role's steps and both ends of each handoff the move creates or removes",
        lambda q: f'moving role "{q.role.name}" to department "{q.department.name}"',
        handoffs=True,
    ),
    ir.CloseIR: Change(
        "Touchpoint",
        _locate_close,
        _reach_close,
        _classify_close,
        "the steps at the touchpoints closed",
        _close_what,
    ),
}


def shape(query: ir.WhatIfIR, answer: Answer) -> Result:
    """A per-service table, every step reached with its route and classes, the graph the
    impact view draws and its department x service matrix."""
    change = CHANGES[type(query)]
    b = blueprints_of(answer)
    hit = _hit(query, answer)
    reached = {
        step: (route, via, hops)
        for step, route, via, hops in answer["reached"].select(*impact.REACHED)
    }
    classes: Classes = defaultdict(set)
    per = per_service()
    change.classify(query, answer, classes, per)
    classify_all(b, reached, classes)
    services = {b.service[step][0] for step in reached}  # every one reached has a row
    per.update({sid: per[sid] for sid in services})

    def order(step: str) -> tuple[str, int, str]:
        return (b.service[step][1], int(b.step(step).get("seq") or 0), step)

    steps = sorted(reached, key=order)
    by_service: defaultdict[str, list[str]] = defaultdict(list)
    for s in steps:
        by_service[b.service[s][0]].append(s)
    names = dict(b.service.values())
    table_rows = []
    for sid in sorted(per, key=lambda s: names.get(s, s)):
        mine = by_service[sid]
        table_rows.append(
            [
                names.get(sid, sid),
                len(mine),
                sum(CUSTOMER_VISIBLE in classes[s] for s in mine),
                sum(MOMENT in classes[s] for s in mine),
                sorted(per[sid]["touchpoints_left"]),
                sorted(per[sid]["no_way"]),
                per[sid]["before"] if change.handoffs else None,
                per[sid]["after"] if change.handoffs else None,
            ]
        )
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
    kept = {s: [c for c in CLASSES if c in classes[s]] for s in steps}
    _, via_names = impact.named_steps(answer)
    step_table = Table(
        [*impact.STEP_COLUMNS, "classes"],
        [
            [
                b.service[s][1],
                s,
                b.step(s).get("name") or s,
                b.step(s).get("lane"),
                reached[s][0],
                reached[s][1],
                impact.via_name(via_names, reached[s][0], reached[s][1]),
                reached[s][2],
                kept[s],
            ]
            for s in steps
        ],
    )
    graph = None
    # the departments performing each step (before the change) place it in the matrix, which
    # a table answer reports too (its summary per department past SUMMARY_ROWS step rows)
    performers = {s: performed(b.department_names(s)) for s in steps}
    matrix = department_matrix(
        [(s, b.service[s][1], str(b.step(s).get("lane"))) for s in steps], performers, reached
    )
    if answer.drawn:
        graph = drawing(answer)
        for s in steps:
            key = node_key("Step", s)
            n = graph.nodes.get(key)
            if n is None:
                continue
            route, via, hops = reached[s]
            extra = {
                "route": route,
                "via": via,
                "hops": hops,
                "classes": kept[s],
                "departments": b.department_names(s),
            }
            graph.nodes[key] = GraphNode(n.label, n.id, n.labels, {**n.properties, **extra})
    sources = [node_key(n.label, n.id) for n in answer["source"].column("n") if n is not None]
    customer = sum(CUSTOMER_VISIBLE in classes[s] for s in steps)
    return Result(
        Kind.WHATIF,
        table=Table(columns, table_rows),
        steps=step_table,
        graph=graph,
        title=(
            f"impact of {change.what(query)}: {counted(len(steps), 'step')} reached in "
            f"{counted(len(table_rows), 'service')}, {customer} customer-visible"
        ),
        subtitle="what-if, nothing written: rings mark the change, the steps it reaches "
        "directly and the customer-visible ones",
        highlight={
            Mark.SOURCE: sorted(k for k in sources if graph is None or k in graph.nodes),
            Mark.DIRECT: sorted(node_key("Step", s) for s in hit),
            Mark.VISIBLE: sorted(
                node_key("Step", s) for s in steps if CUSTOMER_VISIBLE in classes[s]
            ),
        },
        matrix=matrix,
        service_ids={str(name): sid for sid, name in names.items() if sid in per},
    )


RETIRE: Spec[ir.RetireSystemIR] = Spec(
    plan,
    shape,
    signature=(Slot(("IMPACT", "OF", "RETIRING"), ("System",), "impact of retiring"),),
    drawn_rows="reached",
)
MOVE: Spec[ir.MoveRoleIR] = Spec(
    plan,
    shape,
    signature=(
        Slot(("IMPACT", "OF", "MOVING"), ("Role",), "impact of moving"),
        Slot(("IMPACT", "OF", "MOVING", "TO"), ("Department",), "to"),
    ),
    drawn_rows="reached",
)
CLOSE: Spec[ir.CloseIR] = Spec(
    plan,
    shape,
    signature=(
        Slot(("IMPACT", "OF", "CLOSING"), ("Touchpoint",), "impact of closing", ("channel",)),
    ),
    drawn_rows="reached",
)
