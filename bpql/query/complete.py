"""Completion of BPQL text, one source for `bpql shell` and `bpql serve`.

What may come next is asked of the grammar itself (Lark's interactive LALR parser says which
terminals it accepts after the text before the cursor), so completion never offers a word the
parser would refuse. A reference's quoted value (`system "cr`) is completed from the store's ids
and names of the kind the word before it names.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from bpql.query.language import DERIVED, DIRECT_RELATIONS, RELATION_WORDS, STEP_RELATIONS
from bpql.schema import BY_PLURAL, BY_SINGULAR, CHANNELS, LANE_BY_KEY, NODE_KINDS, NODES

if TYPE_CHECKING:
    from bpql.backends.base import Backend

#: ids and names per schema label: `StoreCatalog.entries` or any function of that shape
Entries = Callable[[str], list[tuple[str, str]]]

#: how many candidates a completion returns at most
LIMIT = 50

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*$")
_OPEN_QUOTE = re.compile(r'"((?:[^"\\\n]|\\.)*)$')


@dataclass(frozen=True)
class Candidate:
    #: what replaces the text from `Completion.start` to the cursor
    text: str
    #: what a menu shows beside it: "keyword", "field", or a kind and name for a reference
    meta: str = ""


@dataclass(frozen=True)
class Completion:
    #: where the word being completed starts (0-based, in the text)
    start: int
    candidates: tuple[Candidate, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "start": self.start,
            "candidates": [{"text": c.text, "meta": c.meta} for c in self.candidates],
        }


def vocabulary() -> list[str]:
    """Every word the language knows: kinds, fields, lanes, channels (for a NAME)."""
    out = set(LANE_BY_KEY) | set(CHANNELS)
    for kind in NODE_KINDS:
        out |= {kind.plural, kind.singular, *kind.prop_names}
        out |= set(DERIVED.get(kind.label, {}))
    return sorted(out)


@cache
def keywords() -> dict[str, str]:
    """Keyword terminals of the grammar and their word (`IMPACT` -> `impact`)."""
    from bpql.query.parser import _parser

    return {
        t.name: str(t.pattern.value).lower()
        for t in _parser().terminals
        if t.pattern.type == "str" and str(t.pattern.value).isalpha()
    }


#: fields the docs do not list: what `order by ap` sorts on, and the ids behind the names a
#: view links by (a query still takes them; completion does not offer them)
INTERNAL_FIELDS = frozenset(
    {"ap_order", "ap_after_order", "ap_observed_order", "service_id", "step_id"}
)
#: keywords the grammar also takes as a field's name (`find phases order by order`)
FIELD_KEYWORDS = frozenset({"ORDER", "COUNT", "PATH", "DEPTH", "SCENARIO"})
#: relation keywords and the relation they start (`depends` then `on`)
RELATION_STARTS = {
    "USES": "uses",
    "DEPENDS": "depends_on",
    "PERFORMED": "performed_by",
    "IN": "in",
    "AT": "at",
    "SUPPORTS": "supports",
    "OWNED": "owned_by",
}
#: tokens after which a condition starts (a field, a relation, `not`, a parenthesis)
CONDITION_STARTS = frozenset({"WHERE", "AND", "OR", "NOT", "LPAR"})


@cache
def statement_keywords() -> frozenset[str]:
    """The keywords that name a statement's reference slot (`impact of`, `impact of moving
    ... to`), read from the statements' signatures, so a new statement needs no entry here."""
    from bpql.query.statements import STATEMENTS

    return frozenset(
        word for spec in STATEMENTS.values() for slot in spec.signature for word in slot.keywords
    )


def statement_kinds(keywords: tuple[str, ...]) -> tuple[str, ...] | None:
    """The kinds (singular words, sorted) a statement's reference slot takes after these
    keywords: its signature (bpql/statements), which the resolver checks too; None where any
    kind goes (`show`, `path`) or no statement's slot is there."""
    from bpql.query.statements import STATEMENTS, slot_words

    for spec in STATEMENTS.values():
        for slot in spec.signature:
            if slot.keywords == keywords and slot.labels is not None:
                return tuple(slot_words(slot))
    return None


def relation_kinds(relation: str, entity: str | None) -> tuple[str, ...]:
    """The kinds (singular words) `<relation> <kind> "..."` takes in a condition on `entity`,
    as the resolver's `_relation` picks them: the entity's own relation, then its steps'."""
    own = [r.target for r in DIRECT_RELATIONS.get(entity or "", ()) if r.relation == relation]
    steps = [r.target for r in STEP_RELATIONS if r.relation == relation and r.target not in own]
    return tuple(dict.fromkeys(NODES[t].singular for t in (*own, *steps)))


def listed_kinds(counted: bool = False) -> list[str]:
    """The kinds `find` answers (plural words, in the schema's order): those the language
    gives default columns (bpql/query/language.py DEFAULT_COLUMNS); `count` (`counted`) every
    kind."""
    from bpql.query.language import DEFAULT_COLUMNS

    return [k.plural for k in NODE_KINDS if counted or k.label in DEFAULT_COLUMNS]


def fields_of(label: str, *, scalar: bool = False) -> list[str]:
    """The fields a query may name on `label` (its properties and derived fields, as
    docs/language.md lists them); `scalar`: only those one can order or count by."""
    kind = NODES[label]
    derived = DERIVED.get(label, {})
    names = [p for p in kind.prop_names if p not in INTERNAL_FIELDS]
    names += [n for n, d in derived.items() if not (scalar and d.many) and n not in INTERNAL_FIELDS]
    return names


def _field_type(label: str, name: str) -> str | None:
    kind = NODES[label]
    prop = kind.prop(name)
    if prop is not None:
        return prop.type
    d = DERIVED.get(label, {}).get(name)
    return d.type() if d is not None else None


def _enum_values(label: str, name: str) -> tuple[str, ...]:
    """The words a field takes, when the resolver checks them against a list."""
    from bpql.query.resolve import ENUMS, LABEL_ENUMS

    return LABEL_ENUMS.get((label, name)) or ENUMS.get(name) or ()


@dataclass(frozen=True)
class _Next:
    accepts: frozenset[str]
    #: the word just read, when it can be a reference's kind (`service` in `show service `)
    last: str | None
    #: a word here must be a reference's kind: the grammar wants a quoted value after it
    kind_only: bool
    #: the kinds a reference may name here, when a word here must be one
    kinds: tuple[str, ...] | None = None
    #: the fields that fit here (a condition, `return`, `order by`, `count ... by`)
    fields: tuple[str, ...] | None = None
    #: a value's place: the words its field takes (None: not a value's place)
    values: tuple[str, ...] | None = None
    #: a value's place of a true/false field
    flag: bool = False
    #: `scenario` just read
    scenario: bool = False
    #: `FIND` or `COUNT` just read: a kind of thing comes next ("" elsewhere)
    entity_place: str = ""
    #: at a condition's start: the relation keywords the entity answers (None: elsewhere)
    relations: frozenset[str] | None = None
    #: after `via` (or its comma): a path's relation words go here, each whole
    via_place: bool = False


@dataclass
class _Context:
    """What the tokens read so far say about the place at their end."""

    types: list[str]
    values: list[str]
    statement: str = ""
    entity: str | None = None
    relation: str | None = None
    #: the field before the last comparison operator, and whether a `[...]` list is open
    field: str | None = None
    in_list: bool = False
    in_return: bool = False
    #: the statement keywords read (`IMPACT`, `OF`, `MOVING`, `TO`): its slot's name
    keywords: list[str] = dataclasses.field(default_factory=list)

    def read(self, kind: str, value: str) -> None:
        prev = self.types[-1] if self.types else ""
        before = self.types[-2] if len(self.types) > 1 else ""
        if not self.statement and kind != "EXPLAIN":
            self.statement = kind
        if prev in ("FIND", "COUNT") and kind == "NAME":
            found = BY_PLURAL.get(value) or BY_SINGULAR.get(value)
            self.entity = found.label if found else None
        if kind in statement_keywords():
            self.keywords.append(kind)
        if kind in ("CMP", "CONTAINS", "STARTS") or (kind == "IN" and not self._condition_start()):
            self.field = self.values[-1] if kind != "IN" or prev != "NOT" else self.values[-2]
        if kind == "IN" and prev == "NOT" and before not in CONDITION_STARTS | {"", "NOT"}:
            self.field = self.values[-2]
        elif kind in RELATION_STARTS and (kind != "IN" or self._condition_start()):
            self.relation = RELATION_STARTS[kind]
        if kind == "LSQB":
            self.in_list = True
        elif kind == "RSQB":
            self.in_list = False
        if kind == "RETURN":
            self.in_return = True
        elif kind in ("ORDER", "LIMIT", "SCENARIO", "SEMI") and prev != "COMMA":
            self.in_return = kind == "ORDER" and prev in ("RETURN", "COMMA")
        if kind == "SEMI":  # a new statement starts
            fresh = _Context([], [])
            self.__dict__.update(fresh.__dict__)
            return
        self.types.append(kind)
        self.values.append(value)

    def _condition_start(self) -> bool:
        """Whether a condition starts here: `in service "x"`, not `lane in [...]`."""
        prev = self.types[-1] if self.types else ""
        if prev == "NOT":
            return (self.types[-2] if len(self.types) > 1 else "") in CONDITION_STARTS
        return prev in CONDITION_STARTS

    def kinds(self) -> tuple[str, ...]:
        """The kinds a reference may name at the end (a word there must be one)."""
        last = self.types[-1] if self.types else ""
        before = self.types[-2] if len(self.types) > 1 else ""
        relation = last in ("USES", "AT", "SUPPORTS") or (last == "IN" and self.relation == "in")
        relation = relation or (last, before) in (
            ("ON", "DEPENDS"),
            ("BY", "PERFORMED"),
            ("BY", "OWNED"),
        )
        if relation and self.relation is not None:
            return relation_kinds(self.relation, self.entity)
        found = statement_kinds(tuple(self.keywords))
        return found if found is not None else tuple(k.singular for k in NODE_KINDS)

    def fields(self) -> tuple[str, ...] | None:
        """The fields that fit at the end, or None where no field goes."""
        last = self.types[-1] if self.types else ""
        before = self.types[-2] if len(self.types) > 1 else ""
        if self.entity is None:
            return None
        if last in CONDITION_STARTS or (last in ("RETURN", "COMMA") and self.in_return):
            return tuple(fields_of(self.entity))
        if last == "BY" and before not in ("PERFORMED", "OWNED"):
            return tuple(fields_of(self.entity, scalar=True))  # order by, count ... by
        return None

    def value_place(self) -> tuple[tuple[str, ...], bool] | None:
        """At a value's place: the words its field takes, and whether it is true/false."""
        last = self.types[-1] if self.types else ""
        before = self.types[-2] if len(self.types) > 1 else ""
        at_value = last in ("CMP", "CONTAINS", "LSQB") or (last, before) == ("WITH", "STARTS")
        at_value = at_value or (last == "COMMA" and self.in_list)
        if not at_value or self.entity is None or self.field is None:
            return None
        name = self.field.lower()
        return _enum_values(self.entity, name), _field_type(self.entity, name) == "BOOL"


def _accepted(before: str) -> _Next | None:
    """What the parser accepts after `before`, and what the words read so far say fits there;
    None when `before` does not parse as the start of a query."""
    from lark import Token
    from lark.exceptions import LarkError

    from bpql.query.parser import _parser

    try:
        ip = _parser().parse_interactive(before)
        last: str | None = None
        ctx = _Context([], [])
        for token in ip.iter_parse():
            last = str(token).lower() if token.type == "NAME" else None
            ctx.read(token.type, str(token).lower())
        accepts = frozenset(ip.accepts())  # type: ignore[no-untyped-call]
        kind_only = False
        if "NAME" in accepts:
            probe = ip.copy()  # type: ignore[no-untyped-call]
            probe.feed_token(Token("NAME", "service"))
            kind_only = set(probe.accepts()) == {"STRING"}
    except LarkError:
        return None
    value = ctx.value_place()
    return _Next(
        accepts,
        last,
        kind_only,
        kinds=ctx.kinds() if kind_only else None,
        fields=ctx.fields(),
        values=value[0] if value else None,
        flag=bool(value and value[1]),
        scenario=bool(ctx.types) and ctx.types[-1] == "SCENARIO",
        entity_place=ctx.types[-1] if ctx.types and ctx.types[-1] in ("FIND", "COUNT") else "",
        via_place="VIA" in ctx.types and ctx.types[-1] in ("VIA", "COMMA"),
        relations=frozenset(t for t, r in RELATION_STARTS.items() if relation_kinds(r, ctx.entity))
        if ctx.entity is not None and ctx.types and ctx.types[-1] in CONDITION_STARTS
        else None,
    )


#: what a scenario clause takes
SCENARIO_WORDS = ('"as-is"', '"to-be"', "any")
_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")


def complete(text: str, cursor: int | None = None, entries: Entries | None = None) -> Completion:
    """What may be written at `cursor` in `text`: what the grammar accepts there and the
    schema says fits (the kinds after `find`, the fields of the entity, the words an enum
    field takes, the kinds a reference may name), or, inside or at the start of a
    reference's quotes, the ids and names of that kind."""
    cursor = len(text) if cursor is None else max(0, min(cursor, len(text)))
    before = text[:cursor]
    quote = _OPEN_QUOTE.search(before)
    if before.count('"') % 2 == 0:
        quote = None  # the last quote closed a value: what follows it is words again
    if quote is not None:
        start = quote.start()
        head, typed = before[:start], quote.group(1)
    else:
        word = _WORD.search(before)
        start = word.start() if word else cursor
        head, typed = before[:start], before[start:]
    found = _accepted(head)
    if found is None:
        return Completion(start, ())
    low = typed.lower()
    out: list[Candidate] = []
    if "STRING" in found.accepts and found.last in BY_SINGULAR and entries is not None:
        out += _references(BY_SINGULAR[found.last].label, typed, entries)
    elif "STRING" in found.accepts and found.last == "channel":  # `closing channel "`
        out += [Candidate(f'"{c}"', "channel") for c in CHANNELS if c.startswith(low)]
    elif "STRING" in found.accepts and found.values:
        quoted = [f'"{v}"' for v in found.values]
        out += [Candidate(v, "value") for v in quoted if v.startswith(f'"{low}') or quote is None]
    if quote is not None:
        return Completion(start, tuple(_unique(out))[:LIMIT])
    out = [c for c in out if c.text.lower().startswith(low) and c.text.lower() != low]
    if "NAME" in found.accepts:
        pool: list[tuple[str, str]] = []
        if found.kind_only:
            pool = [(k, "kind") for k in found.kinds or ()]
        elif found.fields is not None:
            pool = [(f, "field") for f in found.fields]
        elif found.values is not None:
            bare = [v for v in found.values if _BARE.fullmatch(v)]
            out = [c for c in out if c.text.strip('"') not in bare]
            pool = [(v, "value") for v in bare]
        elif found.scenario:
            pool = [(w, "scenario") for w in SCENARIO_WORDS if w == "any"]
            out += [Candidate(w, "scenario") for w in SCENARIO_WORDS if w != "any" and not low]
        elif found.entity_place:
            pool = [(k, "kind") for k in listed_kinds(found.entity_place == "COUNT")]
        words = [(w, m) for w, m in pool if w.lower().startswith(low) and w.lower() != low]
        out = [Candidate(w, m) for w, m in words] + out
    kw = keywords()
    keys = []
    for t in found.accepts:
        if t not in kw:
            continue
        if t in ("TRUE", "FALSE") and not found.flag:
            continue  # a value of a field that is not true or false
        if t in FIELD_KEYWORDS and found.fields is not None and kw[t] not in found.fields:
            continue  # `order` as a field's name, on a kind that has no such field
        if t in RELATION_STARTS and found.relations is not None and t not in found.relations:
            continue  # `owned by` on a kind that is not owned
        if t in RELATION_STARTS and found.via_place:
            keys.append(RELATION_WORDS[RELATION_STARTS[t]])  # `via depends on`, whole
            continue
        keys.append(kw[t])
    out += [Candidate(w, "keyword") for w in sorted(keys) if w.startswith(low) and w != low]
    return Completion(start, tuple(_unique(out))[:LIMIT])


def _references(label: str, typed: str, entries: Entries) -> list[Candidate]:
    """Quoted ids, then names, of one kind that start with (then contain) what is typed."""
    low = typed.lower()
    kind = BY_SINGULAR_OF.get(label, label.lower())
    first: list[Candidate] = []
    then: list[Candidate] = []
    for id_, name in entries(label):
        for value, meta in ((id_, f"{kind} {name}"), (name, f"{kind} {id_}")):
            if not value or '"' in value or "\\" in value:
                continue
            v = value.lower()
            if v.startswith(low):
                first.append(Candidate(f'"{value}"', meta))
            elif low and low in v:
                then.append(Candidate(f'"{value}"', meta))
    return first + then


def _unique(items: Iterable[Candidate]) -> Iterable[Candidate]:
    seen: set[str] = set()
    for c in items:
        if c.text not in seen:
            seen.add(c.text)
            yield c


BY_SINGULAR_OF: dict[str, str] = {k.label: k.singular for k in NODE_KINDS}


def search(entries: Entries, text: str, limit: int = 30) -> list[tuple[str, str, str]]:
    """Things whose id or name holds `text` (case-insensitive): (label, id, name), the ones
    that start with it first."""
    low = text.strip().lower()
    if not low:
        return []
    first: list[tuple[str, str, str]] = []
    then: list[tuple[str, str, str]] = []
    for kind in NODE_KINDS:
        for id_, name in entries(kind.label):
            i, n = id_.lower(), name.lower()
            if i.startswith(low) or n.startswith(low):
                first.append((kind.label, id_, name))
            elif low in i or low in n:
                then.append((kind.label, id_, name))
    return (first + then)[:limit]


def is_unfinished(text: str) -> bool:
    """True when `text` is the start of a statement that more text could finish: every token
    so far is one the grammar accepts, but it does not parse whole (a shell line that asks
    for the next)."""
    from lark.exceptions import LarkError

    from bpql.query.parser import _parser

    if text.count('"') % 2 == 1:
        return True
    try:
        _parser().parse(text)
        return False
    except LarkError:
        return _accepted(text) is not None and bool(text.strip())


class StoreEntries:
    """Ids and names per label read from a store opened for the purpose (read-only, closed at
    once) and kept for `ttl` seconds: completion on every keystroke must not hold the store
    nor read it each time, and a load made meanwhile shows up soon after."""

    def __init__(
        self,
        open_store: Callable[[], Backend],
        ttl: float = 30.0,
        store_lock: threading.Lock | None = None,
    ) -> None:
        self.open_store = open_store
        self.ttl = ttl
        #: held while the store is open, when its owner lets one thread at a time use it
        self.store_lock = store_lock
        self._read_at = -math.inf
        self._entries: dict[str, list[tuple[str, str]]] = {}
        self._lock = threading.Lock()

    def __call__(self, label: str) -> list[tuple[str, str]]:
        with self._lock:
            if time.monotonic() - self._read_at > self.ttl:
                self._entries = self._read()
                self._read_at = time.monotonic()
            return self._entries.get(label, [])

    def _read(self) -> dict[str, list[tuple[str, str]]]:
        from bpql.backends.reads import entries
        from bpql.errors import BpqlError

        out: dict[str, list[tuple[str, str]]] = {}
        try:
            with self.store_lock or contextlib.nullcontext(), self.open_store() as backend:
                for kind in NODE_KINDS:
                    out[kind.label] = entries(backend, kind.label)
        except BpqlError:
            return {}  # completion without the store's names, rather than an error per key
        return out
