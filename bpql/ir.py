"""The query IR: what a resolved query means, with names checked and references turned
into ids. Dialects render this, never the AST, so nothing unchecked reaches Cypher."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from bpql.language import Derived, RelationRule
from bpql.schema import NodeKind, PropType


@dataclass(frozen=True)
class Field:
    name: str
    type: PropType
    #: None for a property of the entity itself
    derived: Derived | None = None

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


Cond = Union[Cmp, Rel, BoolOp]


@dataclass(frozen=True)
class FindIR:
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
    source: Target
    within: int
    scenario: str | None


@dataclass(frozen=True)
class PathIR:
    source: Target
    target: Target
    within: int


@dataclass(frozen=True)
class ShowIR:
    target: Target
    depth: int


QueryIR = Union[FindIR, ImpactIR, PathIR, ShowIR]


@dataclass(frozen=True)
class ExplainIR:
    query: QueryIR


@dataclass
class Compiled:
    """Cypher statements and their parameters, ready for one backend."""

    dialect: str
    statements: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "dialect": self.dialect,
            "statements": [{"cypher": c, "params": p} for c, p in self.statements],
        }
