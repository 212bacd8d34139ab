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

from typing import TYPE_CHECKING, Any

from bpql.result import Result, Table
from bpql.schema import VISIBLE_LANES

if TYPE_CHECKING:
    from bpql import ir
    from bpql.engine import Engine
    from bpql.render.base import Dialect

CONFORMANCE = (
    "blueprint",
    "period",
    "from",
    "to",
    "cases",
    "completed",
    "fallen_out",
    "open",
    "conformance",
    "fitness",
    "ftr",
    "fallout",
)
DROPOFF = ("period", "step", "name", "lane", "reached", "stopped", "dropoff", "went_on_to")


def blueprint_of(result: Result) -> str | None:
    """The id of the blueprint a blueprint answer draws, read from its steps' ids."""
    graph = result.graph
    step = next((n.id for n in graph.nodes.values() if n.label == "Step"), None) if graph else None
    if step is None:
        return None
    prefix = step.split(".", 1)[0]
    return prefix if ":" in prefix else f"{prefix}:as-is"


def blueprint_figures(engine: Engine, result: Result) -> dict[str, Any]:
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


def plan(d: Dialect, query: ir.ObservedIR) -> list[ir.Statement]:
    service = d.param(query.source.id)
    scenario = "" if query.scenario is None else f" AND b.scenario = {d.param(query.scenario)}"
    head = (
        f"MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:OBSERVED]->(o:Observation) "
        f"WHERE sv.id = {service}{scenario}"
    )
    if query.which == "conformance":
        cypher = (
            f"{head} AND o.subject_kind = 'blueprint' RETURN b.id AS blueprint, o.period AS "
            "period, o.period_start AS `from`, o.period_end AS `to`, o.cases AS cases, "
            "o.completed AS completed, o.fallen_out AS fallen_out, o.open_cases AS open, "
            "o.conformance AS conformance, o.fitness AS fitness, o.ftr AS ftr, o.fallout AS "
            "fallout ORDER BY blueprint, `from`, period"
        )
        return [d.statement("rows", cypher)]
    lanes = d.param(list(VISIBLE_LANES))
    cypher = (
        f"{head} AND o.subject_kind = 'step' MATCH (b)-[:HAS_STEP]->(s:Step) WHERE s.id = "
        f"o.subject AND s.lane IN {lanes} RETURN o.period AS period, s.id AS step, s.name AS "
        "name, s.lane AS lane, o.observed AS reached, o.stopped AS stopped, o.dropoff AS "
        "dropoff, o.next AS went_on_to, o.period_start AS _start, s.seq AS _seq, b.id AS _bp "
        "ORDER BY _bp, _start, period, _seq, step"
    )
    return [d.statement("rows", cypher)]


def shape(query: ir.ObservedIR, rows: dict[str, tuple[list[str], list[list[Any]]]]) -> Result:
    columns, data = rows["rows"]
    keep = [i for i, c in enumerate(columns) if not c.startswith("_")]
    table = Table([columns[i] for i in keep], [[row[i] for i in keep] for row in data])
    what = "conformance" if query.which == "conformance" else "fall-out per step"
    title = f"{what} of {query.source.name}, as observed"
    if not data:
        title += ": nothing observed yet (bpql observe MAPPING writes it)"
    return Result("table", table=table, title=title)
