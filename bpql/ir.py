"""The query IR: what a resolved query means, with names checked and references turned
into ids. Dialects render this, never the AST, so nothing unchecked reaches Cypher."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from bpql.language import SHOW_MAX_NODES, Derived, RelationRule
from bpql.result import is_drawing
from bpql.schema import NodeKind, PropType


@dataclass(frozen=True)
class Field:
    name: str
    type: PropType
    #: None for a property of the entity itself
    derived: Derived | None = None
    #: "minutes" for a duration (bpql.schema.Prop.unit)
    unit: str | None = None

    @property
    def many(self) -> bool:
        return bool(self.derived and self.derived.many)


@dataclass(frozen=True)
class Target:
    """A resolved reference: the label from the schema, the id from the data."""

    label: str
    id: str
    name: str


@dataclass(frozen=True)
class Cmp:
    field: Field
    op: str  # = != < <= > >= contains starts_with in not_in
    value: Any


@dataclass(frozen=True)
class IsNull:
    """The field has no value; a list field has no items. `negated`: it has one."""

    field: Field
    negated: bool


@dataclass(frozen=True)
class Rel:
    rule: RelationRule
    target: Target
    #: the rule is the entity's own (pattern starts at {n}) rather than through its steps
    direct: bool
    within: int


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or | not
    items: tuple[Cond, ...]


Cond = Union[Cmp, IsNull, Rel, BoolOp]


@dataclass(frozen=True)
class FindIR:
    kind: ClassVar[str] = "find"
    entity: NodeKind
    cond: Cond | None
    columns: tuple[Field, ...]
    order: Field | None
    descending: bool
    limit: int | None
    scenario: str | None
    #: set for `count ... by <field>`
    group_by: Field | None = None


@dataclass(frozen=True)
class ImpactIR:
    kind: ClassVar[str] = "impact"
    source: Target
    within: int
    scenario: str | None


@dataclass(frozen=True)
class RiskIR:
    """What a failing system or step can break, up to the customer."""

    kind: ClassVar[str] = "risk"
    source: Target
    scenario: str | None


@dataclass(frozen=True)
class WhatIfIR:
    """A change imagined and read back, nothing written (bpql/whatif.py classifies)."""

    kind: ClassVar[str] = "whatif"
    #: retire (a system) | move (a role, to `department`) | close (a touchpoint or `channel`)
    change: str
    #: the system, role or touchpoint; None when a whole channel closes
    source: Target | None
    channel: str | None
    department: Target | None
    scenario: str | None


@dataclass(frozen=True)
class PathIR:
    kind: ClassVar[str] = "path"
    source: Target
    target: Target
    within: int


@dataclass(frozen=True)
class ShowIR:
    kind: ClassVar[str] = "show"
    target: Target
    depth: int
    #: None: every blueprint around the thing; else only the things of that scenario's
    #: blueprints (and shared things reached without crossing another scenario)
    scenario: str | None = None
    #: the most nodes the neighbourhood may hold; past it the query stops with BPQL-Q120
    max_nodes: int = SHOW_MAX_NODES


@dataclass(frozen=True)
class ObservedIR:
    """What bpql observe wrote about a service: conformance per period, or fall-out per step
    (bpql/observe/query.py plans and shapes it)."""

    kind: ClassVar[str] = "observed"
    which: str  # conformance | dropoff
    source: Target
    scenario: str | None


QueryIR = Union[FindIR, ImpactIR, RiskIR, PathIR, ShowIR, WhatIfIR, ObservedIR]


@dataclass(frozen=True)
class ExplainIR:
    query: QueryIR


@dataclass(frozen=True)
class Statement:
    """One named statement of a plan.

    `inputs` maps a parameter to the earlier statements whose first column fills it (the
    union of their values, sorted): the engine runs any plan the same way, by name.
    `without` takes the values of other earlier statements out of an input again (the new
    nodes of a breadth-first level).
    """

    name: str
    cypher: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    inputs: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    without: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    @property
    def draws(self) -> bool:
        """A part of the answer's drawing only (`graph.*`, `links.*`): the engine runs it when
        the answer is drawn or written whole, not for its tables."""
        return is_drawing(self.name)

    def __iter__(self) -> Iterator[Any]:
        """`cypher, params = statement`, as the statements were plain pairs before plans."""
        return iter((self.cypher, self.params))

    def input_values(
        self, param: str, rows: dict[str, tuple[list[str], list[list[Any]]]]
    ) -> list[Any]:
        """The values of an input, sorted: the first column of each statement it names, or
        the column a `statement#column` source names; less those of its `without`."""
        return sorted(
            _values(self.inputs[param], rows) - _values(self.without.get(param, ()), rows)
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "cypher": self.cypher, "params": self.params}
        if self.inputs:
            out["inputs"] = {k: list(v) for k, v in self.inputs.items()}
        if self.without:
            out["without"] = {k: list(v) for k, v in self.without.items()}
        return out


@dataclass
class Plan:
    """The named statements one query runs as, rendered for one dialect."""

    dialect: str
    #: the IR it was rendered from ("find", "impact", "path", "show")
    kind: str = ""
    statements: list[Statement] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "dialect": self.dialect,
            "kind": self.kind,
            "statements": [s.to_json() for s in self.statements],
        }


#: the name the rest of the code knew plans by
Compiled = Plan


def source_name(source: str) -> str:
    """The statement an input source names (`route.uses_owned#blueprint` -> `route.uses_owned`)."""
    return source.partition("#")[0]


def _values(
    sources: tuple[str, ...], rows: dict[str, tuple[list[str], list[list[Any]]]]
) -> set[Any]:
    out: set[Any] = set()
    for source in sources:
        name, _, column = source.partition("#")
        columns, found = rows[name]
        i = columns.index(column) if column else 0
        out.update(r[i] for r in found)
    return out
