"""`find <things> where ... return ... order by ... limit N` and `count <things> by <field>`:
a table.

The plan is one statement (`rows`), preceded by a statement per chained relation of the
condition (its far end, found once: `reach1`, ...) and, on a dialect that finds relations from
their target first (Neo4j), per other relation (`match1`, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bpql.durations import Duration
from bpql.ids import BLUEPRINT_SCOPED, SYSTEM_MEMBER
from bpql.query import ir
from bpql.query.language import SCOPE, STEP_ANCHOR, TIME_ORDER, UNSCOPED
from bpql.query.plan import Answer, Source, Statement, Step
from bpql.query.render.base import Dialect, nulls_last, q
from bpql.query.statements.base import Spec, scenario_by_id
from bpql.result import GraphNode, Kind, Result, Table


class Find:
    """The plan of one `find` or `count`, rendered through a dialect."""

    def __init__(self, d: Dialect, query: ir.FindIR) -> None:
        self.d = d
        self.query = query
        #: the statement holding the far end of each chained relation of the query
        #: (`RelationRule.far`), by relation
        self.chains: dict[ir.Rel, str] = {}
        #: the statement holding the things in each other relation (`relations_first`)
        self.matches: dict[ir.Rel, str] = {}

    def plan(self) -> list[Step]:
        d, query = self.d, self.query
        label = query.entity.label
        first = self.chain_sets() + self.relation_sets()
        sets = {
            name: [Source(name, "id")] for name in [*self.chains.values(), *self.matches.values()]
        }
        lines = [f"MATCH (n:{label})"]
        needed: list[ir.Field] = []
        for f in [*query.columns, query.order, query.group_by, *_cond_fields(query.cond)]:
            if f is not None and f.derived is not None and f not in needed:
                needed.append(f)
        cond_late = any(f.derived is not None for f in _cond_fields(query.cond))
        scope = None if _scope_implied(query.cond, label) else self.scope(label, query.scenario)
        where = [w for w in [scope] if w]
        if query.cond is not None and not cond_late:
            where.append(self.cond(query.cond))
        if where:
            lines.append("WHERE " + " AND ".join(where))
        self.limit_early(lines, cond_late)
        carried = ["n"]
        for f in needed:
            derived = f.derived
            assert derived is not None
            x, bp = d.var("x"), d.var("b")
            filt = ""
            if derived.scoped and query.scenario is not None:
                filt = f" WHERE {bp}.scenario = {d.param(query.scenario, 'scenario')}"
            qv = d.var("q") if derived.qualified else "q"
            lines.append(f"OPTIONAL MATCH {derived.pattern.cypher(x=x, bp=bp, q=qv)}{filt}")
            expr = f"{x}.{q(derived.prop)}"
            if derived.qualified:  # `Service: step`, told apart from another service's
                expr = f"{qv}.name + ': ' + {expr}"
            expr = f"collect(DISTINCT {expr})" if derived.many else expr
            lines.append(f"WITH {', '.join(carried)}, {expr} AS {_alias(f)}")
            carried.append(_alias(f))
        if query.cond is not None and cond_late:
            lines.append(f"WITH {', '.join(carried)} WHERE {self.cond(query.cond)}")
        if query.group_by is not None:
            g = self.expr(query.group_by)
            rows = d.statement(
                "rows",
                "\n".join(lines),
                [(query.group_by.name, g), ("count", "count(DISTINCT n)")],
                order=[f"{q('count')} DESC", nulls_last(g)],
                inputs=sets,
            )
            return [*first, rows]
        time_keys = self.time_order(label, lines, carried)
        returns = [(f.name, self.expr(f)) for f in query.columns]
        returns.extend(time_keys)
        returns.append(("_id", "n.id"))
        if query.order is not None:
            returns.append(("_order", self.expr(query.order)))
        keys = [nulls_last(alias) for alias, _ in time_keys] + ["_id"]
        if query.order is not None:
            direction = " DESC" if query.descending else ""
            order = "_order" if _never_null(query.cond, query.order) else nulls_last("_order")
            keys.insert(0, f"{order}{direction}")
        limit = d.param(query.limit, "limit") if query.limit is not None else None
        rows = d.statement("rows", "\n".join(lines), returns, order=keys, limit=limit, inputs=sets)
        return [*first, rows]

    def relation_sets(self) -> list[Statement]:
        """With `relations_first`, a statement per relation of the condition: the things that
        stand in it to its target, found from the target (its id is indexed); the condition
        then tests membership, which Neo4j turns into index seeks, instead of walking from
        every candidate to see whether it reaches the target."""
        d, query = self.d, self.query
        if not d.relations_first:
            return []
        out = []
        label = query.entity.label
        for r in _rels(query.cond):
            if r in self.chains or r in self.matches:
                continue
            name = f"match{len(self.matches) + 1}"
            self.matches[r] = name
            t = d.param(r.target.id)
            if r.direct:
                pattern = r.rule.pattern.cypher(r.within, n=f"n:{label}", s=f"n:{label}")
                body = f"MATCH {pattern} WHERE t.id = {t}"
            else:
                anchor = STEP_ANCHOR[label].cypher(n=f"n:{label}", bp="b")
                pattern = r.rule.pattern.cypher(r.within)
                body = f"{d.match_both(anchor, pattern)} WHERE t.id = {t}"
                if query.scenario is not None and STEP_ANCHOR[label].has("bp"):
                    body += f" AND b.scenario = {d.param(query.scenario, 'scenario')}"
            out.append(d.statement(name, body, [("id", "n.id")], distinct=True))
        return out

    def chain_sets(self) -> list[Statement]:
        """A statement per chained relation of the condition (`RelationRule.far`): the nodes
        where the chain starts and from which it reaches the target, found once."""
        d = self.d
        out = []
        for r in _rels(self.query.cond):
            if r.rule.chain_at is None or r in self.chains:
                continue
            name = f"reach{len(self.chains) + 1}"
            self.chains[r] = name
            far = r.rule.far.cypher(r.within)
            body = f"MATCH {far} WHERE t.id = {d.param(r.target.id)}"
            out.append(d.statement(name, body, [("id", "y.id")], distinct=True))
        return out

    def scope(self, label: str, scenario: str | None) -> str | None:
        d = self.d
        if scenario is None or label not in SCOPE:
            return None
        scope = SCOPE[label]
        if scope is None:  # the blueprint itself
            return f"n.scenario = {d.param(scenario, 'scenario')}"
        if label in BLUEPRINT_SCOPED:
            # a blueprint's things carry its scenario in their ids (bpql/ids.py), evidence no
            # step shows included: a test of the id instead of a walk to the blueprint (at
            # 1,000 services, most of a small `find`'s time on Neo4j)
            by_id = scenario_by_id(d, "n", scenario)
            if label in UNSCOPED:  # a system's own fail point belongs to every scenario
                return f"(n.id CONTAINS {d.param(SYSTEM_MEMBER, 'system_member')} OR {by_id})"
            return by_id
        bp = d.var("b")
        p = d.param(scenario, "scenario")
        return f"EXISTS {{ MATCH {scope.cypher(bp=bp)} WHERE {bp}.scenario = {p} }}"

    def limit_early(self, lines: list[str], cond_late: bool) -> None:
        """Keep only the first `limit` things before reading their related fields, when the
        order needs nothing related: `find failpoints ... order by rpn desc limit 10` reads
        the steps and services of 10 fail points, not of 5,000. The full order is applied
        again at the end, so the answer is the same."""
        query = self.query
        order = query.order
        time_order = TIME_ORDER.get(query.entity.label, ())
        if (
            query.limit is None
            or query.group_by is not None
            or cond_late
            or (order is not None and order.derived is not None)
            or any(pattern is not None for pattern, _ in time_order)
        ):
            return
        keys = [nulls_last(f"n.{q(prop)}") for _, prop in time_order]
        keys.append("n.id")
        if order is not None:
            key = self.expr(order)
            key = key if _never_null(query.cond, order) else nulls_last(key)
            keys.insert(0, key + (" DESC" if query.descending else ""))
        limit = self.d.param(query.limit, "limit")
        lines.append(f"WITH n ORDER BY {', '.join(keys)} LIMIT {limit}")

    def time_order(self, label: str, lines: list[str], carried: list[str]) -> list[tuple[str, str]]:
        """Read the keys of `TIME_ORDER` (matching what they need): (column, expression)."""
        keys: list[tuple[str, str]] = []
        for i, (pattern, prop) in enumerate(TIME_ORDER.get(label, ())):
            if pattern is None:
                keys.append((f"_t{i}", f"n.{q(prop)}"))
                continue
            x = self.d.var("x")
            lines.append(f"OPTIONAL MATCH {pattern.cypher(x=x)}")
            lines.append(f"WITH {', '.join(carried)}, {x}.{q(prop)} AS _t{i}")
            carried.append(f"_t{i}")
            keys.append((f"_t{i}", f"_t{i}"))
        return keys

    def expr(self, f: ir.Field) -> str:
        return _alias(f) if f.derived is not None else f"n.{q(f.name)}"

    # --- conditions ---------------------------------------------------------------------
    def cond(self, c: ir.Cond) -> str:
        render: Callable[[Find, Any], str] = CONDITIONS[type(c)]
        return render(self, c)

    def boolean(self, c: ir.BoolOp) -> str:
        if c.op == "not":
            return f"NOT ({self.cond(c.items[0])})"
        joiner = " AND " if c.op == "and" else " OR "
        return "(" + joiner.join(self.cond(i) for i in c.items) + ")"

    def compare(self, c: ir.Cmp) -> str:
        d = self.d
        if (
            c.field.name == "lane"
            and c.field.derived is None
            and c.op in ("=", "!=", "in", "not_in")
        ):
            lanes = c.value if isinstance(c.value, list) else [c.value]
            by_label = d.node_has_lane("n", lanes, c.op in ("!=", "not_in"))
            if by_label is not None:
                return by_label
        e = self.expr(c.field)
        if c.op == "contains":
            return f"{d.lower}({e}) CONTAINS {d.lower}({d.param(c.value)})"
        if c.op == "starts_with":
            return f"{d.lower}({e}) STARTS WITH {d.lower}({d.param(c.value)})"
        if c.op == "in":
            return f"{e} IN {d.param(c.value)}"
        if c.op == "not_in":
            return f"NOT {e} IN {d.param(c.value)}"
        op = "<>" if c.op == "!=" else c.op
        if isinstance(c.value, ir.Field):  # another field of the same node, by its schema name
            return f"{e} {op} {self.expr(c.value)}"
        return f"{e} {op} {d.param(c.value)}"

    def is_null(self, c: ir.IsNull) -> str:
        e = self.expr(c.field)
        if c.field.many:  # collect() of nothing is an empty list, never null
            return f"size({e}) {'>' if c.negated else '='} 0"
        return f"{e} IS {'NOT ' if c.negated else ''}NULL"

    def relation(self, r: ir.Rel) -> str:
        d, query = self.d, self.query
        if r in self.matches:  # found from its target, before this statement
            return f"n.id IN ${self.matches[r]}"
        t = d.var("t")
        if r.direct and r in self.chains:  # a step's own chained relation
            y = d.var("y")
            near = r.rule.near.cypher(s="n", y=y)
            return f"EXISTS {{ MATCH {near} WHERE {y}.id IN ${self.chains[r]} }}"
        if r.direct:
            pattern = r.rule.pattern.cypher(r.within, n="n", s="n", t=t)
            return f"EXISTS {{ MATCH {pattern} WHERE {t}.id = {d.param(r.target.id)} }}"
        s, bp = d.var("s"), d.var("b")
        anchor = STEP_ANCHOR[query.entity.label].cypher(n="n", s=s, bp=bp)
        if r in self.chains:  # the chain's far end was found once, before this statement
            y = d.var("y")
            pattern = r.rule.near.cypher(s=s, y=y)
            where = f"{y}.id IN ${self.chains[r]}"
        else:
            pattern = r.rule.pattern.cypher(r.within, s=s, t=t)
            where = f"{t}.id = {d.param(r.target.id)}"
        if query.scenario is not None and STEP_ANCHOR[query.entity.label].has("bp"):
            where += f" AND {bp}.scenario = {d.param(query.scenario, 'scenario')}"
        return f"EXISTS {{ {d.match_both(anchor, pattern)} WHERE {where} }}"


#: how each kind of condition renders; the IR has exactly these four
CONDITIONS: dict[type, Callable[[Find, Any], str]] = {
    ir.BoolOp: Find.boolean,
    ir.Cmp: Find.compare,
    ir.IsNull: Find.is_null,
    ir.Rel: Find.relation,
}

#: comparisons a missing value never passes (null compared is null, and the row is dropped)
_EXCLUDES_NULL = ("=", "<", "<=", ">", ">=", "contains", "starts_with", "in")


def _never_null(c: ir.Cond | None, f: ir.Field) -> bool:
    """Whether the condition keeps only things that have the field: then an order by it
    needs no nulls-last key, and Neo4j can read the order from the field's index
    (`find failpoints where rpn >= 200 order by rpn desc limit 10`: 4 ms against 2 ms)."""
    if isinstance(c, ir.Cmp):
        return c.field == f and f.derived is None and c.op in _EXCLUDES_NULL
    if isinstance(c, ir.BoolOp) and c.op == "and":
        return any(_never_null(i, f) for i in c.items)
    return False


def _in_anchor(label: str) -> bool:
    """Whether the walk of a kind's scope to its blueprint (`SCOPE`) is where its walk to a
    step of that blueprint starts (`STEP_ANCHOR`): a service's."""
    scope, anchor = SCOPE.get(label), STEP_ANCHOR.get(label)
    if scope is None or anchor is None or not anchor.has("bp"):
        return False
    return (
        scope.nodes == anchor.nodes[: len(scope.nodes)]
        and scope.hops == anchor.hops[: len(scope.hops)]
    )


def _scope_implied(c: ir.Cond | None, label: str) -> bool:
    """Whether the condition keeps only things it reaches through a blueprint of the query's
    scenario by the scope's own walk (a relation through a step, `Find.relation`, tests that
    blueprint's scenario): then the scope's walk is a second one, left out (`find services
    where uses system` at 10,000 services on the embedded store: 20 -> 16 ms). Through `and`
    one part is enough, through `or` every part must; never through `not`."""
    if isinstance(c, ir.Rel):
        return not c.direct and _in_anchor(label)
    if isinstance(c, ir.BoolOp) and c.op in ("and", "or"):
        parts = [_scope_implied(i, label) for i in c.items]
        return any(parts) if c.op == "and" else all(parts)
    return False


def _alias(f: ir.Field) -> str:
    return f"f_{f.name}"


def _rels(c: ir.Cond | None) -> list[ir.Rel]:
    """The relations a condition tests, through and/or/not, in the order written."""
    if c is None or isinstance(c, (ir.Cmp, ir.IsNull)):
        return []
    if isinstance(c, ir.Rel):
        return [c]
    return [r for i in c.items for r in _rels(i)]


def _cond_fields(c: ir.Cond | None) -> list[ir.Field]:
    """Fields a condition compares, through and/or/not; relations compare none."""
    if c is None or isinstance(c, ir.Rel):
        return []
    if isinstance(c, (ir.Cmp, ir.IsNull)):
        return [c.field]
    return [f for i in c.items for f in _cond_fields(i)]


def plan(d: Dialect, query: ir.FindIR) -> list[Step]:
    return Find(d, query).plan()


def shape(query: ir.FindIR, answer: Answer) -> Result:
    """The `rows` statement's columns, less the ones the plan orders by (`_...`)."""
    rows = answer["rows"]
    shown = [c for c in rows.columns if not c.startswith("_")]
    fields = [*query.columns, *([query.group_by] if query.group_by else [])]
    units = {f.name: f.unit for f in fields if f.unit}
    durations = [c in units for c in shown]
    if not shown:
        return Result(Kind.TABLE, table=Table([], [], units))
    table = Table(
        shown,
        [
            [_tidy(v, duration) for v, duration in zip(values, durations, strict=True)]
            for values in rows.select(*shown)
        ],
        units,
    )
    return Result(Kind.TABLE, table=table)


def _tidy(v: Any, duration: bool = False) -> Any:
    """Lists from collect() come in no particular order; sort them so backends agree.
    A duration column's numbers become `Duration`s, which print with units."""
    if duration and isinstance(v, (int, float)) and not isinstance(v, bool):
        return Duration(v)
    if isinstance(v, list):
        return sorted((x for x in v if x is not None), key=lambda x: (str(type(x)), x))
    if isinstance(v, GraphNode):
        return v.key
    return v


SPEC: Spec[ir.FindIR] = Spec(
    plan,
    shape,
    # `find <things> where <relation> <kind> "..."`: the kinds are the relation rules'
    signature=(),
)
