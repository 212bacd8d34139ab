"""The BPQL abstract syntax tree. Every node carries its source span, so that the resolver's
errors point at the exact word the user wrote."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from bpql.errors import Span


@dataclass(frozen=True)
class Node:
    span: Span


@dataclass(frozen=True)
class Word(Node):
    text: str


@dataclass(frozen=True)
class Value(Node):
    value: Any
    #: "string" | "number" | "bool" | "word" (a bare word such as `backstage`) | "duration"
    #: (minutes, written with units such as `1h30m`)
    kind: str


@dataclass(frozen=True)
class ValueList(Node):
    items: tuple[Value, ...]


@dataclass(frozen=True)
class Ref(Node):
    """`system "crm"`: a kind and an id or exact name."""

    kind: Word
    value: Value


@dataclass(frozen=True)
class Compare(Node):
    field: Word
    op: str  # = != < <= > >= contains starts_with in not_in
    value: Value | ValueList


@dataclass(frozen=True)
class IsNull(Node):
    """`touchpoint is null`: the field has no value (a list field: no items)."""

    field: Word
    negated: bool


@dataclass(frozen=True)
class Relation(Node):
    relation: str  # uses depends_on performed_by in at supports owned_by
    target: Ref
    within: Value | None = None


@dataclass(frozen=True)
class And(Node):
    left: Cond
    right: Cond


@dataclass(frozen=True)
class Or(Node):
    left: Cond
    right: Cond


@dataclass(frozen=True)
class Not(Node):
    item: Cond


Cond = Union[Compare, IsNull, Relation, And, Or, Not]


@dataclass(frozen=True)
class Order(Node):
    field: Word
    descending: bool


@dataclass(frozen=True)
class Find(Node):
    entity: Word
    where: Cond | None
    returns: tuple[Word, ...]
    order: Order | None
    limit: Value | None
    scenario: Value | None


@dataclass(frozen=True)
class Count(Node):
    entity: Word
    where: Cond | None
    by: Word
    scenario: Value | None


@dataclass(frozen=True)
class Impact(Node):
    target: Ref
    within: Value | None
    scenario: Value | None


@dataclass(frozen=True)
class Risk(Node):
    target: Ref
    scenario: Value | None


@dataclass(frozen=True)
class WhatIf(Node):
    """`impact of retiring system "x"`, `... moving role "r" to department "d"`,
    `... closing channel "letter"` (or touchpoint): a change imagined, nothing written."""

    change: str  # retire | move | close
    target: Ref
    to: Ref | None
    scenario: Value | None


@dataclass(frozen=True)
class PathQuery(Node):
    source: Ref
    target: Ref
    within: Value | None
    scenario: Value | None
    #: `via uses, depends on`: the relation words as written (`depends_on` for the keyword
    #: pair, the text of any other word, which the resolver refuses with a did-you-mean);
    #: empty: the designer's relations (bpql/query/language.py PATH_DEFAULT)
    via: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Show(Node):
    target: Ref
    depth: Value | None
    scenario: Value | None


@dataclass(frozen=True)
class Observed(Node):
    """`conformance of service "claims"`, `dropoff of service "claims"`: what bpql observe
    wrote about a service."""

    which: str  # conformance | dropoff
    target: Ref
    scenario: Value | None


Query = Union[Find, Count, Impact, Risk, PathQuery, Show, WhatIf, Observed]


@dataclass(frozen=True)
class Explain(Node):
    query: Query


Statement = Union[Find, Count, Impact, Risk, PathQuery, Show, WhatIf, Observed, Explain]
