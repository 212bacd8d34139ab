"""`conformance of service "claims"` and `dropoff of service "claims"`: what `bpql observe`
wrote about a service, read back from the store as tables.

- conformance: one row per blueprint and period: cases, completed, fallen out, open,
  conformance, fitness, first-time-right, fall-out; the trend is down the rows.
- dropoff: one row per period and customer or frontstage step, in time order: the cases
  that reached the step, those that stopped after it and their share, and where the others
  went next.

The plan is one named statement each, the same Cypher on both stores, the service's id and
the scenario as parameters. Imports nothing heavy: it is on the query path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from bpql.query.statements.base import Slot, Spec
from bpql.result import Kind, Result, Table
from bpql.schema import VISIBLE_LANES

if TYPE_CHECKING:
    from bpql.query import ir
    from bpql.query.plan import Answer, Step
    from bpql.query.render.base import Dialect


class Runs(Protocol):
    """What asks the language a question (`bpql.query.engine.Engine`), named by what it does, so
    this statement module, registered below the engine, never imports it."""

    def run(self, text: str, draw: bool = True) -> list[Result]: ...


def blueprint_of(result: Result) -> str | None:
    """The id of the blueprint a blueprint answer draws, read from its steps' ids."""
    graph = result.graph
    step = next((n.id for n in graph.nodes.values() if n.label == "Step"), None) if graph else None
    if step is None:
        return None
    prefix = step.split(".", 1)[0]
    return prefix if ":" in prefix else f"{prefix}:as-is"


def blueprint_figures(engine: Runs, result: Result) -> dict[str, Any]:
    """The observed figures of the blueprint a blueprint answer draws (latest period), asked
    through the language like any field; empty when nothing was observed."""
    bid = blueprint_of(result)
    if bid is None:
        return {}
    (answer,) = engine.run(
        f'find blueprints where id = "{bid}" return observed_period, cases, conformance, '
        "fitness, ftr, fallout scenario any"
    )
    assert isinstance(answer, Result) and answer.table is not None
    rows = answer.table.dicts()
    return rows[0] if rows and rows[0].get("observed_period") is not None else {}


def _observations(d: Dialect, query: ir.ObservedIR) -> str:
    """The observations of the service's blueprints (of the scenario)."""
    service = d.param(query.source.id)
    scenario = "" if query.scenario is None else f" AND b.scenario = {d.param(query.scenario)}"
    return (
        f"MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:OBSERVED]->(o:Observation) "
        f"WHERE sv.id = {service}{scenario}"
    )


def conformance_plan(d: Dialect, query: ir.ConformanceIR) -> list[Step]:
    head = _observations(d, query)
    returns = [
        ("blueprint", "b.id"),
        ("period", "o.period"),
        ("from", "o.period_start"),
        ("to", "o.period_end"),
        ("cases", "o.cases"),
        ("completed", "o.completed"),
        ("fallen_out", "o.fallen_out"),
        ("open", "o.open_cases"),
        ("conformance", "o.conformance"),
        ("fitness", "o.fitness"),
        ("ftr", "o.ftr"),
        ("fallout", "o.fallout"),
    ]
    body = f"{head} AND o.subject_kind = 'blueprint'"
    return [d.statement("rows", body, returns, order=("blueprint", "`from`", "period"))]


def dropoff_plan(d: Dialect, query: ir.DropoffIR) -> list[Step]:
    head = _observations(d, query)
    lanes = d.param(list(VISIBLE_LANES))
    body = (
        f"{head} AND o.subject_kind = 'step' MATCH (b)-[:HAS_STEP]->(s:Step) WHERE s.id = "
        f"o.subject AND s.lane IN {lanes}"
    )
    returns = [
        ("period", "o.period"),
        ("step", "s.id"),
        ("name", "s.name"),
        ("lane", "s.lane"),
        ("reached", "o.observed"),
        ("stopped", "o.stopped"),
        ("dropoff", "o.dropoff"),
        ("went_on_to", "o.next"),
        ("_start", "o.period_start"),
        ("_seq", "s.seq"),
        ("_bp", "b.id"),
    ]
    order = ("_bp", "_start", "period", "_seq", "step")
    return [d.statement("rows", body, returns, order=order)]


def shape(query: ir.ObservedIR, answer: Answer) -> Result:
    rows = answer["rows"]
    shown = [c for c in rows.columns if not c.startswith("_")]
    table = Table(shown, [list(r) for r in rows.select(*shown)])
    what = "conformance" if query.which == "conformance" else "fall-out per step"
    title = f"{what} of {query.source.name}, as observed"
    if not rows:
        title += ": nothing observed yet (bpql observe MAPPING writes it)"
    return Result(Kind.TABLE, table=table, title=title)


#: each statement's plan, shaper and reference slot (bpql/statements)
CONFORMANCE_SPEC: Spec[ir.ConformanceIR] = Spec(
    conformance_plan,
    shape,
    signature=(Slot(("CONFORMANCE", "OF"), ("Service",), "conformance of"),),
)
DROPOFF_SPEC: Spec[ir.DropoffIR] = Spec(
    dropoff_plan, shape, signature=(Slot(("DROPOFF", "OF"), ("Service",), "dropoff of"),)
)
