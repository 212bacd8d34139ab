"""Observed volumes beside `impact of`, what-if and `risk of` answers: how many cases a change
or a failure would touch, where `bpql observe` counted them.

Added after the answer is shaped, and only when the store holds observed figures (one count
first), so an answer's plan and its shape without observations are what they always were. The
figure is a step's `observed` (the cases of the latest period that went through it); per
service, the largest of its reached steps': at least that many cases pass through what the
change reaches.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bpql.backends.reads import observed_by_id, observed_by_name, observed_steps
from bpql.result import Result, Table

if TYPE_CHECKING:
    from bpql.backends.base import Backend
    from bpql.query import ir

KINDS = ("impact", "risk", "whatif")


def with_volumes(backend: Backend, query: ir.QueryIR, result: Result) -> Result:
    if query.kind not in KINDS or result.table is None:
        return result
    if not observed_steps(backend):
        return result
    has_steps = result.steps is not None and "step" in result.steps.columns
    if query.kind == "risk":  # a row per customer step it breaks: that step's cases
        result = _by_step_names(backend, query, result)
        return _by_step_ids(backend, result, per_service=False) if has_steps else result
    if has_steps:
        return _by_step_ids(backend, result)
    return _by_step_names(backend, query, result)


def _by_step_ids(backend: Backend, result: Result, *, per_service: bool = True) -> Result:
    """The steps table's `observed` by step id; with `per_service`, the answer's table (a
    row per service) gets the largest of its steps' as `observed_cases`."""
    assert result.steps is not None and result.table is not None
    at = result.steps.columns.index("step")
    ids = sorted({str(r[at]) for r in result.steps.rows})
    seen = observed_by_id(backend, ids)
    if not seen:
        return result
    steps = Table(
        [*result.steps.columns, "observed"],
        [[*r, seen.get(str(r[at]))] for r in result.steps.rows],
        result.steps.units,
    )
    if not per_service:
        return replace(result, steps=steps)
    per: dict[Any, int] = {}
    for r in result.steps.rows:
        n = seen.get(str(r[at]))
        if n is not None:
            per[r[0]] = max(per.get(r[0], 0), n)
    table = Table(
        [*result.table.columns, "observed_cases"],
        [[*r, per.get(r[0])] for r in result.table.rows],
        result.table.units,
    )
    return replace(result, table=table, steps=steps)


def _by_step_names(backend: Backend, query: ir.QueryIR, result: Result) -> Result:
    """`risk of` lists customer steps by service and step name: their observed figures are
    read by those names (the largest where a blueprint names two steps alike)."""
    assert result.table is not None
    columns = result.table.columns
    if "service" not in columns or "step" not in columns:
        return result
    seen = observed_by_name(backend, getattr(query, "scenario", None))
    if not seen:
        return result
    i, j = columns.index("service"), columns.index("step")
    table = Table(
        [*columns, "observed"],
        [[*r, seen.get((str(r[i]), str(r[j])))] for r in result.table.rows],
        result.table.units,
    )
    return replace(result, table=table)
