"""The analysis statements, one module each: its plan, its shaper and its signature, keyed by
IR class in one table (as sqlglot keys its generator by expression class).

A statement with no entry here is refused with a user error (BPQL-Q101); a dialect may replace
a statement's plan with an entry of its `TRANSFORMS`.
"""

from __future__ import annotations

from typing import Any

from bpql.query import ir
from bpql.query.plan import Plan
from bpql.query.render.base import Dialect
from bpql.query.statements import find, impact, observed, path, risk, show, whatif
from bpql.query.statements.base import Slot, Spec, cannot_run
from bpql.schema import NODE_KINDS, NODES

#: every statement the language has, by IR class
STATEMENTS: dict[type, Spec[Any]] = {
    ir.FindIR: find.SPEC,
    ir.ShowIR: show.SPEC,
    ir.PathIR: path.SPEC,
    ir.ImpactIR: impact.SPEC,
    ir.RiskIR: risk.SPEC,
    ir.RetireSystemIR: whatif.RETIRE,
    ir.MoveRoleIR: whatif.MOVE,
    ir.CloseIR: whatif.CLOSE,
    ir.ConformanceIR: observed.CONFORMANCE_SPEC,
    ir.DropoffIR: observed.DROPOFF_SPEC,
}


def spec_of(query: ir.QueryIR, title: str = "Cypher") -> Spec[Any]:
    spec = STATEMENTS.get(type(query))
    if spec is None:
        raise cannot_run(query.kind, title)
    return spec


def signature(cls: type) -> tuple[Slot, ...]:
    """The reference slots of a statement, in the order it is written."""
    return STATEMENTS[cls].signature


def slot_words(slot: Slot) -> list[str]:
    """The words a slot takes before its quoted value, as written (`system`, `channel`),
    in alphabetical order; every kind when the slot takes any."""
    labels = slot.labels if slot.labels is not None else [k.label for k in NODE_KINDS]
    return sorted({NODES[label].singular for label in labels} | set(slot.values))


def plan_of(query: ir.QueryIR, dialect: Dialect) -> Plan:
    """The query's plan for `dialect`: the dialect's own (`TRANSFORMS`), else the statement's."""
    spec = spec_of(query, dialect.title)
    make = dialect.TRANSFORMS.get(type(query), spec.plan)
    if make is None:
        raise cannot_run(query.kind, dialect.title)
    return Plan(dialect.name, query.kind, make(dialect, query))


__all__ = ["STATEMENTS", "Slot", "Spec", "plan_of", "signature", "slot_words", "spec_of"]
