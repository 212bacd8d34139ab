"""The query IR: what a resolved query means, with names checked and references turned
into ids. Dialects render this, never the AST, so nothing unchecked reaches Cypher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Union

from bpql.query.language import SHOW_MAX_NODES, Derived, RelationRule
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
    """A change imagined and read back, nothing written (bpql/query/statements/whatif.py): one IR
    class per change, so no code tests which change it is."""

    kind: ClassVar[str] = "whatif"
    scenario: str | None


@dataclass(frozen=True)
class RetireSystemIR(WhatIfIR):
    """`impact of retiring system "..."`."""

    system: Target


@dataclass(frozen=True)
class MoveRoleIR(WhatIfIR):
    """`impact of moving role "..." to department "..."`."""

    role: Target
    department: Target


@dataclass(frozen=True)
class CloseIR(WhatIfIR):
    """`impact of closing touchpoint "..."`, or every touchpoint of `channel "..."`."""

    #: None when a whole channel closes
    touchpoint: Target | None
    channel: str | None


@dataclass(frozen=True)
class PathIR:
    kind: ClassVar[str] = "path"
    source: Target
    target: Target
    within: int
    #: the relationship types the path may follow, in either direction
    #: (bpql.query.language.PATH_VIA)
    relations: tuple[str, ...] = ()


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
    """What bpql observe wrote about a service (bpql/query/statements/observed.py plans and shapes
    it): one class per statement, as what-if has."""

    kind: ClassVar[str] = "observed"
    #: the statement's word, for titles
    which: ClassVar[str]
    source: Target
    scenario: str | None


@dataclass(frozen=True)
class ConformanceIR(ObservedIR):
    """`conformance of service "..."`: conformance per blueprint and period."""

    which: ClassVar[str] = "conformance"


@dataclass(frozen=True)
class DropoffIR(ObservedIR):
    """`dropoff of service "..."`: fall-out per period and customer or frontstage step."""

    which: ClassVar[str] = "dropoff"


QueryIR = Union[
    FindIR,
    ImpactIR,
    RiskIR,
    PathIR,
    ShowIR,
    RetireSystemIR,
    MoveRoleIR,
    CloseIR,
    ConformanceIR,
    DropoffIR,
]


@dataclass(frozen=True)
class ExplainIR:
    query: QueryIR
