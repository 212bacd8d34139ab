"""Resolution: check an AST against the knowledge schema and the data, and build the IR.

Names (entities, fields, lanes, channels, relations) are checked against the schema tables;
references (`service "clams"`) against the ids and names in the store. Every error points at
the word in the query and offers the closest valid name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, Union

from bpql.analysis.fmea import PRIORITIES, STATUSES
from bpql.durations import EXAMPLES as DURATION_EXAMPLES
from bpql.durations import format_minutes, parse_duration
from bpql.errors import QueryError, Span
from bpql.ids import scenario_of
from bpql.query import ast, ir
from bpql.query.language import (
    DEFAULT_COLUMNS,
    DEFAULT_DEPTH,
    DEFAULT_PATH_WITHIN,
    DEFAULT_WITHIN,
    DERIVED,
    DIRECT_RELATIONS,
    MAX_BOUND,
    PATH_DEFAULT,
    PATH_VIA,
    RELATION_WORDS,
    SORT_AS,
    STEP_RELATIONS,
)
from bpql.query.statements import Slot, signature, slot_words
from bpql.schema import (
    BLUEPRINT_STATUSES,
    BY_PLURAL,
    BY_SINGULAR,
    CHANNELS,
    LANE_BY_KEY,
    NODES,
    RELS,
    SCENARIOS,
    NodeKind,
)
from bpql.words import closest

#: the IRs of the what-if changes
WhatIfs = Union[ir.RetireSystemIR, ir.MoveRoleIR, ir.CloseIR]


class Catalog(Protocol):
    """What the resolver needs of the data: every (id, name) of a label."""

    def entries(self, label: str) -> list[tuple[str, str]]: ...


ENUMS: dict[str, tuple[str, ...]] = {
    "lane": tuple(LANE_BY_KEY),
    "channel": CHANNELS,
    "scenario": SCENARIOS,
    "ap": PRIORITIES,
    "ap_after": PRIORITIES,
}
#: words a field takes on one kind only (a fail point's status is not a blueprint's)
LABEL_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("FailPoint", "status"): STATUSES,
    ("Blueprint", "status"): BLUEPRINT_STATUSES,
}


#: what a designer may write after `via` for a relation the language says in other words
_VIA_SAID = {
    "member of": "in",
    "used by": "uses",
    "owns": "owned by",
    "performs": "performed by",
    "supported by": "supports",
    "touchpoint": "at",
}


def _touches(label: str, types: Iterable[str]) -> bool:
    """Whether a relationship of one of `types` has a `label` at one of its ends."""
    return any(label in (RELS[t].src, RELS[t].dst) for t in types)


def _hint(word: str, choices: Iterable[str]) -> str:
    return f" (did you mean '{close}'?)" if (close := closest(word, choices)) else ""


def _one_of(choices: Iterable[str]) -> str:
    items = list(choices)
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else items[0]


class Resolver:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        #: the scenario of the statement being resolved; references must belong to it
        self._reading: str | None = None
        self._reading_span: Span | None = None

    # --- entry points -------------------------------------------------------------------
    def resolve(self, stmt: ast.Statement) -> ir.QueryIR | ir.ExplainIR:
        self._reading = None
        handler = STATEMENTS.get(type(stmt))
        if handler is None:  # the parser makes no other statements; say so, never fall through
            raise QueryError(
                f"cannot resolve a {type(stmt).__name__} statement", stmt.span, code="BPQL-Q102"
            )
        return handler(self, stmt)

    def _explain(self, stmt: ast.Explain) -> ir.ExplainIR:
        inner = self.resolve(stmt.query)
        assert not isinstance(inner, ir.ExplainIR)  # the grammar nests no explain
        return ir.ExplainIR(inner)

    def _slot(self, ref: ast.Ref, slot: Slot) -> ir.Target:
        """A reference in a statement's slot: of a kind its signature takes."""
        return self._ref(ref, slot.labels, slot.context)

    def _impact(self, stmt: ast.Impact) -> ir.ImpactIR:
        scenario = self._reads(stmt.scenario)
        (of,) = signature(ir.ImpactIR)
        src = self._slot(stmt.target, of)
        return ir.ImpactIR(src, self._bound(stmt.within, DEFAULT_WITHIN, low=0), scenario)

    def _risk(self, stmt: ast.Risk) -> ir.RiskIR:
        (of,) = signature(ir.RiskIR)
        return ir.RiskIR(self._slot(stmt.target, of), self._scenario(stmt.scenario))

    def _observed(self, stmt: ast.Observed) -> ir.ConformanceIR | ir.DropoffIR:
        """`conformance of` or `dropoff of`: the statement's word picks its IR."""
        cls = OBSERVED[stmt.which]
        (of,) = signature(cls)
        return cls(self._slot(stmt.target, of), self._scenario(stmt.scenario))

    def _whatif(self, stmt: ast.WhatIf) -> WhatIfs:
        """Which things a change names: a system to retire, a role and the department it
        moves to, a touchpoint or a channel to close; the change's word picks its IR."""
        return WHATIF[stmt.change](self, stmt, self._reads(stmt.scenario))

    def _retire(self, stmt: ast.WhatIf, scenario: str | None) -> ir.RetireSystemIR:
        (retiring,) = signature(ir.RetireSystemIR)
        return ir.RetireSystemIR(scenario, self._slot(stmt.target, retiring))

    def _move(self, stmt: ast.WhatIf, scenario: str | None) -> ir.MoveRoleIR:
        moving, to = signature(ir.MoveRoleIR)
        assert stmt.to is not None  # the grammar makes `to` part of `moving`
        role = self._slot(stmt.target, moving)
        return ir.MoveRoleIR(scenario, role, self._slot(stmt.to, to))

    def _close(self, stmt: ast.WhatIf, scenario: str | None) -> ir.CloseIR:
        (closing,) = signature(ir.CloseIR)
        word = stmt.target.kind.text.lower()
        if word.removesuffix("s") in closing.values:  # a whole channel: `channel "letter"`
            channel = str(stmt.target.value.value).lower()
            if channel not in CHANNELS:
                raise QueryError(
                    f"no channel '{stmt.target.value.value}'{_hint(channel, CHANNELS)}; the "
                    f"channels are: {', '.join(CHANNELS)}",
                    stmt.target.value.span,
                    code="BPQL-Q140",
                )
            return ir.CloseIR(scenario, None, channel)
        kind = BY_SINGULAR.get(word) or BY_PLURAL.get(word)
        if kind is None or kind.label not in (closing.labels or ()):
            words = slot_words(closing)
            forms = [w + ' "..."' for w in words]
            raise QueryError(
                f"'{closing.context}' takes {_one_of(forms)}; got "
                f"'{stmt.target.kind.text}'{_hint(word, words)}",
                stmt.target.kind.span,
                code="BPQL-Q141",
            )
        return ir.CloseIR(scenario, self._slot(stmt.target, closing), None)

    def _path(self, stmt: ast.PathQuery) -> ir.PathIR:
        self._refuse_scenario(stmt.scenario, "path", "a path may cross as-is and to-be")
        sig_source, sig_target = signature(ir.PathIR)
        source = self._slot(stmt.source, sig_source)
        target = self._slot(stmt.target, sig_target)
        if (source.label, source.id) == (target.label, target.id):
            # a shortest path has two ends: Neo4j refuses one from a node to itself, and the
            # embedded store answers nothing; what is around a thing is `show`
            kind = NODES[source.label].singular
            raise QueryError(
                f'a path goes from one thing to another; {kind} "{source.id}" is both ends',
                stmt.target.value.span,
                code="BPQL-Q046",
                hints=[f'to see what is around it: show {kind} "{source.id}"'],
            )
        relations = self._path_relations(stmt.via)
        for ref, end in ((stmt.source, source), (stmt.target, target)):
            if not _touches(end.label, relations):
                kind = NODES[end.label].singular
                written = ", ".join(w.text.replace("_", " ") for w in stmt.via)
                follows = f"via {written}" if stmt.via else "by default"
                raise QueryError(
                    f'a path {follows} follows no relation of a {kind}: {kind} "{end.id}" '
                    "cannot be one of its ends",
                    ref.kind.span,
                    code="BPQL-Q049",
                    hints=[
                        f"the relations of a {kind}: via "
                        + ", ".join(
                            RELATION_WORDS[w]
                            for w, types in PATH_VIA.items()
                            if _touches(end.label, types)
                        )
                    ],
                )
        within = self._bound(stmt.within, DEFAULT_PATH_WITHIN)
        return ir.PathIR(source, target, within, relations)

    def _path_relations(self, via: tuple[ast.Word, ...]) -> tuple[str, ...]:
        """The relationship types `via` names (the designer's relations without it), each
        word checked against the relation words of a condition."""
        if not via:
            return PATH_DEFAULT
        out: dict[str, None] = {}
        for word in via:
            types = PATH_VIA.get(word.text)
            if types is None:
                words = [RELATION_WORDS[w] for w in PATH_VIA]
                said = _VIA_SAID.get(word.text)
                hint = f" (did you mean '{said}'?)" if said else _hint(word.text, words)
                raise QueryError(
                    f"'via' takes relation words ({', '.join(words)}); got '{word.text}'{hint}",
                    word.span,
                    code="BPQL-Q048",
                )
            out.update(dict.fromkeys(types))
        return tuple(out)

    def _show(self, stmt: ast.Show) -> ir.ShowIR:
        # no clause: every blueprint around the thing; a clause keeps to that scenario
        scenario = self._reads(stmt.scenario) if stmt.scenario is not None else None
        (of,) = signature(ir.ShowIR)
        target = self._slot(stmt.target, of)
        depth = self._bound(stmt.depth, DEFAULT_DEPTH.get(target.label, 1))
        return ir.ShowIR(target, depth, scenario)

    def _reads(self, value: ast.Value | None) -> str | None:
        """The statement's scenario, which the references in it are then checked against."""
        self._reading = self._scenario(value)
        self._reading_span = value.span if value is not None else None
        return self._reading

    def _check_scenario(self, target: ir.Target, span: Span | None) -> None:
        """A to-be thing named in an as-is query (or the reverse) would match nothing: say so."""
        theirs = scenario_of(target.label, target.id)
        if self._reading is None or theirs is None or theirs == self._reading:
            return
        kind = NODES[target.label].singular
        article = "an" if theirs[0] in "aeiou" else "a"
        is_ = "is" if target.label == "Blueprint" else "belongs to"
        head = f'{kind} "{target.id}" {is_} {article} {theirs} blueprint, and this query '
        if self._reading_span is None:
            message = head + f'reads {self._reading} blueprints unless it says scenario "{theirs}"'
            hint = f'add scenario "{theirs}" at the end of the query (or scenario any for both)'
        else:
            message = head + f'says scenario "{self._reading}"'
            hint = f'write scenario "{theirs}" (or scenario any for both)'
        raise QueryError(message, span, code="BPQL-Q043", hints=[hint])

    def _refuse_scenario(self, value: ast.Value | None, statement: str, why: str) -> None:
        """A clause the IR cannot hold is an error, not silently ignored."""
        if value is not None:
            raise QueryError(
                f"'{statement}' takes no scenario clause ({why}); remove 'scenario'",
                value.span,
                code="BPQL-Q103",
                hints=[
                    f'to keep to one scenario around a thing: show <kind> "<id>" scenario '
                    f'"{value.value}"'
                ],
            )

    # --- statements ---------------------------------------------------------------------
    def _find(self, stmt: ast.Find) -> ir.FindIR:
        scenario = self._reads(stmt.scenario)
        kind = self._entity(stmt.entity)
        cond = self._cond(kind, stmt.where) if stmt.where else None
        columns = (
            self._returns(kind, stmt.returns)
            if stmt.returns
            else tuple(self._field_named(kind, n) for n in DEFAULT_COLUMNS[kind.label])
        )
        order = self._field(kind, stmt.order.field) if stmt.order else None
        if order is not None and order.many:
            assert stmt.order is not None
            raise QueryError(
                f"cannot order by '{order.name}': it is a list; order by a single field",
                stmt.order.field.span,
                code="BPQL-Q009",
            )
        if order is not None and (kind.label, order.name) in SORT_AS:
            order = self._field_named(kind, SORT_AS[(kind.label, order.name)])
        limit = None
        if stmt.limit is not None:
            limit = int(stmt.limit.value)
            if limit < 1:
                raise QueryError("expected a limit of 1 or more", stmt.limit.span, code="BPQL-Q010")
        return ir.FindIR(
            kind,
            cond,
            columns,
            order,
            bool(stmt.order and stmt.order.descending),
            limit,
            scenario,
        )

    def _returns(self, kind: NodeKind, words: tuple[ast.Word, ...]) -> tuple[ir.Field, ...]:
        """The fields of `return`, each once: a table's columns are named by their fields,
        and a second column of the same name is a slip (a store refuses it, or answers two
        equal columns), so it is refused where it is written rather than quietly dropped."""
        fields: list[ir.Field] = []
        for word in words:
            f = self._field(kind, word)
            if any(seen.name == f.name for seen in fields):
                raise QueryError(
                    f"'{f.name}' is returned twice; name each field once",
                    word.span,
                    code="BPQL-Q045",
                )
            fields.append(f)
        return tuple(fields)

    def _count(self, stmt: ast.Count) -> ir.FindIR:
        scenario = self._reads(stmt.scenario)
        kind = self._entity(stmt.entity)
        cond = self._cond(kind, stmt.where) if stmt.where else None
        by = self._field(kind, stmt.by)
        if by.many:
            raise QueryError(
                f"cannot count by '{by.name}': it is a list; count by a single field such as "
                f"{_one_of(self._scalar_fields(kind)[:4])}",
                stmt.by.span,
                code="BPQL-Q011",
            )
        return ir.FindIR(kind, cond, (), None, False, None, scenario, by)

    # --- names --------------------------------------------------------------------------
    def _entity(self, word: ast.Word) -> NodeKind:
        text = word.text.lower()
        kind = BY_PLURAL.get(text) or BY_SINGULAR.get(text)
        if kind is None:
            raise QueryError(
                f"unknown kind of thing '{word.text}'{_hint(text, BY_PLURAL)}; expected one of "
                f"{_one_of(BY_PLURAL)}",
                word.span,
                code="BPQL-Q012",
            )
        return kind

    def _fields(self, kind: NodeKind) -> list[str]:
        return [*kind.prop_names, *DERIVED.get(kind.label, {})]

    def _scalar_fields(self, kind: NodeKind) -> list[str]:
        return [
            *kind.prop_names,
            *(n for n, d in DERIVED.get(kind.label, {}).items() if not d.many),
        ]

    def _field_named(self, kind: NodeKind, name: str) -> ir.Field:
        prop = kind.prop(name)
        if prop is not None:
            return ir.Field(name, prop.type, unit=prop.unit)
        d = DERIVED[kind.label][name]
        return ir.Field(name, d.type(), d)

    def _field(self, kind: NodeKind, word: ast.Word) -> ir.Field:
        name = word.text.lower()
        if name in self._fields(kind):
            return self._field_named(kind, name)
        raise QueryError(
            f"{kind.plural} have no field '{word.text}'{_hint(name, self._fields(kind))}; "
            f"expected one of {_one_of(self._fields(kind))}",
            word.span,
            code="BPQL-Q013",
        )

    def _bound(self, value: ast.Value | None, default: int, low: int = 1) -> int:
        if value is None:
            return default
        n = int(value.value)
        if not low <= n <= MAX_BOUND:
            raise QueryError(
                f"expected a whole number from {low} to {MAX_BOUND}, got {n}",
                value.span,
                code="BPQL-Q014",
            )
        return n

    def _scenario(self, value: ast.Value | None) -> str | None:
        if value is None:
            return "as-is"
        text = str(value.value).lower()
        if text == "any":
            return None
        if text not in SCENARIOS:
            raise QueryError(
                f"unknown scenario '{value.value}'{_hint(text, [*SCENARIOS, 'any'])}; expected "
                f"{_one_of([*SCENARIOS, 'any'])}",
                value.span,
                code="BPQL-Q015",
            )
        return text

    # --- conditions ---------------------------------------------------------------------
    def _cond(self, kind: NodeKind, cond: ast.Cond) -> ir.Cond:
        handler: Callable[[Resolver, NodeKind, Any], ir.Cond] = CONDITIONS[type(cond)]
        return handler(self, kind, cond)

    def _and(self, kind: NodeKind, cond: ast.And) -> ir.Cond:
        return ir.BoolOp("and", (self._cond(kind, cond.left), self._cond(kind, cond.right)))

    def _or(self, kind: NodeKind, cond: ast.Or) -> ir.Cond:
        return ir.BoolOp("or", (self._cond(kind, cond.left), self._cond(kind, cond.right)))

    def _not(self, kind: NodeKind, cond: ast.Not) -> ir.Cond:
        return ir.BoolOp("not", (self._cond(kind, cond.item),))

    def _compare(self, kind: NodeKind, cmp: ast.Compare) -> ir.Cmp:
        f = self._field(kind, cmp.field)
        if f.many:
            raise QueryError(
                f"'{f.name}' is a list of names and cannot be compared; use a relation such as "
                f'`uses system "..."` or `performed by role "..."`',
                cmp.field.span,
                code="BPQL-Q016",
            )
        if cmp.op in ("in", "not_in"):
            assert isinstance(cmp.value, ast.ValueList)
            if not cmp.value.items:
                raise QueryError(
                    "expected at least one value in the list", cmp.value.span, code="BPQL-Q017"
                )
            values = [self._value(f, v, cmp.op, kind) for v in cmp.value.items]
            return ir.Cmp(f, cmp.op, values)
        assert isinstance(cmp.value, ast.Value)
        other = self._other_field(kind, f, cmp)
        if other is not None:
            return ir.Cmp(f, cmp.op, other)
        return ir.Cmp(f, cmp.op, self._value(f, cmp.value, cmp.op, kind))

    def _other_field(self, kind: NodeKind, f: ir.Field, cmp: ast.Compare) -> ir.Field | None:
        """`wait_p90 > max_wait`: a number compared with another number of the same thing,
        written as a bare word naming it (durations with durations)."""
        v = cmp.value
        numbers = ("INT64", "DOUBLE")
        if not (
            isinstance(v, ast.Value)
            and v.kind == "word"
            and cmp.op in ("=", "!=", "<", "<=", ">", ">=")
            and f.type in numbers
        ):
            return None
        prop = kind.prop(str(v.value).lower())
        if prop is None or prop.type not in numbers:
            return None
        if prop.unit != f.unit:
            raise QueryError(
                f"'{f.name}' and '{prop.name}' cannot be compared: one is a duration, the other "
                "is not",
                v.span,
                code="BPQL-Q400",
            )
        return ir.Field(prop.name, prop.type, unit=prop.unit)

    def _is_null(self, kind: NodeKind, cond: ast.IsNull) -> ir.Cond:
        return ir.IsNull(self._field(kind, cond.field), cond.negated)

    def _value(self, f: ir.Field, v: ast.Value, op: str, kind: NodeKind) -> Any:
        if f.unit == "minutes" and op not in ("contains", "starts_with"):
            return self._minutes(f, v)
        if v.kind == "duration":
            raise QueryError(
                f"'{f.name}' is not a duration; durations such as {_shown(v)} compare with "
                "target_time or max_wait",
                v.span,
                code="BPQL-Q041",
            )
        words = {"contains": "contains", "starts_with": "starts with"}
        if op in words and f.type != "STRING":
            raise QueryError(
                f"'{f.name}' is a number or a flag; '{words[op]}' works on text fields",
                v.span,
                code="BPQL-Q018",
            )
        if op in ("<", "<=", ">", ">=") and f.type == "BOOL":
            raise QueryError(
                f"'{f.name}' is true or false; compare it with = or !=", v.span, code="BPQL-Q019"
            )
        if f.type in ("INT64", "DOUBLE"):
            if v.kind != "number":
                raise QueryError(
                    f"'{f.name}' is a number; expected a number, got {_shown(v)}",
                    v.span,
                    code="BPQL-Q020",
                )
            return v.value
        if f.type == "BOOL":
            if v.kind != "bool":
                raise QueryError(
                    f"'{f.name}' is true or false; got {_shown(v)}", v.span, code="BPQL-Q021"
                )
            return v.value
        if v.kind not in ("string", "word"):
            raise QueryError(
                f"'{f.name}' is text; expected a quoted value such as \"claims\", got {_shown(v)}",
                v.span,
                code="BPQL-Q022",
            )
        text = str(v.value)
        allowed = LABEL_ENUMS.get((kind.label, f.name)) or ENUMS.get(f.name)
        if allowed and op in ("=", "!=", "in", "not_in"):
            if text.lower() not in allowed:
                raise QueryError(
                    f"unknown {f.name} '{text}'{_hint(text, allowed)}; expected one of "
                    f"{_one_of(allowed)}",
                    v.span,
                    code="BPQL-Q023",
                )
            return text.lower()
        if v.kind == "word":
            raise QueryError(
                f"put the value in double quotes: \"{text}\" ('{f.name}' is free text)",
                v.span,
                code="BPQL-Q024",
            )
        return text

    def _minutes(self, f: ir.Field, v: ast.Value) -> float:
        """A duration: `1h30m`, `"1d"`, or a bare number of minutes as before units."""
        if v.kind in ("duration", "number"):
            return float(v.value)
        minutes = parse_duration(str(v.value)) if v.kind in ("string", "word") else None
        if minutes is None:
            raise QueryError(
                f"'{f.name}' is a duration; expected one such as {DURATION_EXAMPLES} "
                f"(or a number of minutes), got {_shown(v)}",
                v.span,
                code="BPQL-Q042",
            )
        return minutes

    def _relation(self, kind: NodeKind, rel: ast.Relation) -> ir.Rel:
        direct = DIRECT_RELATIONS.get(kind.label, ())
        word = RELATION_WORDS[rel.relation]
        own = [r for r in direct if r.relation == rel.relation]
        via_steps = [r for r in STEP_RELATIONS if r.relation == rel.relation]
        # a relation of the entity itself wins over the same words through its steps
        own_targets = {r.target for r in own}
        rules = own + [r for r in via_steps if r.target not in own_targets]
        targets = [r.target for r in rules]
        target = self._ref(rel.target, targets, word)
        rule = next(r for r in rules if r.target == target.label)
        within = self._bound(rel.within, DEFAULT_WITHIN)
        if rel.within is not None and not rule.bounded:
            raise QueryError(
                "'within' goes with 'depends on' only", rel.within.span, code="BPQL-Q025"
            )
        is_direct = rule in own or kind.label == "Step"
        return ir.Rel(rule, target, is_direct, within)

    # --- references ---------------------------------------------------------------------
    def _ref(self, ref: ast.Ref, allowed: Iterable[str] | None, context: str) -> ir.Target:
        text = ref.kind.text.lower()
        kind = BY_SINGULAR.get(text) or BY_PLURAL.get(text)
        allowed_labels = list(allowed) if allowed is not None else None
        allowed_words = [
            BY_SINGULAR_OF[label] for label in (allowed_labels or list(BY_SINGULAR_OF))
        ]
        if kind is None or (allowed_labels is not None and kind.label not in allowed_labels):
            hint = _hint(text, allowed_words)
            forms = [w + ' "..."' for w in allowed_words]
            raise QueryError(
                f"'{context}' takes {_one_of(forms)}; got '{ref.kind.text}'{hint}",
                ref.kind.span,
                code="BPQL-Q026",
            )
        target = self._lookup(kind, str(ref.value.value), ref.value.span)
        self._check_scenario(target, ref.value.span)
        return target

    def lookup(self, label: str, wanted: str) -> ir.Target:
        """A reference given outside a query (`bpql viz --blueprint claims`), by id or name."""
        return self._lookup(NODES[label], wanted, None)

    def _lookup(self, kind: NodeKind, wanted: str, span: Span | None) -> ir.Target:
        entries = self.catalog.entries(kind.label)
        for id_, name in entries:
            if id_ == wanted:
                return ir.Target(kind.label, id_, name)
        named = [(i, n) for i, n in entries if n == wanted]
        if len(named) == 1:
            return ir.Target(kind.label, named[0][0], named[0][1])
        if len(named) > 1:
            ids = ", ".join(sorted(i for i, _ in named))
            raise QueryError(
                f'{len(named)} {kind.plural} are named "{wanted}" ({ids}); use one of these ids',
                span,
                code="BPQL-Q027",
            )
        folded = [(i, n) for i, n in entries if wanted.lower() in (i.lower(), n.lower())]
        suffixed = [i for i, _ in entries if i.endswith("." + wanted)]
        if suffixed:
            hint = f' (did you mean "{suffixed[0]}"? {kind.singular} ids start with their service)'
        elif len(folded) == 1:
            hint = f' (did you mean "{folded[0][0]}"?)'
        else:
            hint = _hint(wanted, [i for i, _ in entries] + [n for _, n in entries]).replace(
                "'", '"'
            )
        if not entries:
            raise QueryError(
                f'no {kind.singular} "{wanted}": the store has no {kind.plural} '
                f"(load an enterprise with `bpql load`)",
                span,
                code="BPQL-Q028",
            )
        if not hint and len(entries) <= LIST_UP_TO:
            hint = f"; the {kind.plural} are: " + ", ".join(i for i, _ in entries)
        raise QueryError(f'no {kind.singular} "{wanted}"{hint}', span, code="BPQL-Q029")


#: which method resolves each statement and each condition; the parser makes only these
STATEMENTS: dict[type, Callable[[Resolver, Any], ir.QueryIR | ir.ExplainIR]] = {
    ast.Explain: Resolver._explain,
    ast.Find: Resolver._find,
    ast.Count: Resolver._count,
    ast.Impact: Resolver._impact,
    ast.Risk: Resolver._risk,
    ast.PathQuery: Resolver._path,
    ast.Show: Resolver._show,
    ast.WhatIf: Resolver._whatif,
    ast.Observed: Resolver._observed,
}
#: the IR each observed statement makes, by its word in the grammar
OBSERVED: dict[str, type[ir.ConformanceIR] | type[ir.DropoffIR]] = {
    "conformance": ir.ConformanceIR,
    "dropoff": ir.DropoffIR,
}
#: the IR each what-if change makes, by the change's word in the grammar
WHATIF: dict[str, Callable[[Resolver, ast.WhatIf, str | None], WhatIfs]] = {
    "retire": Resolver._retire,
    "move": Resolver._move,
    "close": Resolver._close,
}
CONDITIONS: dict[type, Callable[[Resolver, NodeKind, Any], ir.Cond]] = {
    ast.And: Resolver._and,
    ast.Or: Resolver._or,
    ast.Not: Resolver._not,
    ast.Compare: Resolver._compare,
    ast.IsNull: Resolver._is_null,
    ast.Relation: Resolver._relation,
}

#: a reference that matches nothing lists what exists when there are this few
LIST_UP_TO = 12

BY_SINGULAR_OF: dict[str, str] = {k.label: k.singular for k in BY_SINGULAR.values()}


def _shown(v: ast.Value) -> str:
    if v.kind == "duration":
        return format_minutes(v.value)
    if v.kind == "string":
        return f'"{v.value}"'
    if v.kind == "bool":
        return "true" if v.value else "false"
    return str(v.value)
