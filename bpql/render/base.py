"""Render the IR to Cypher. The shared Cypher lives here; a dialect overrides the few hooks
where Neo4j 5 and LadybugDB differ (lane labels, lower-casing, shortest paths).

Every value from the query becomes a parameter; labels and relationship types come from the
schema tables, and the only numbers written into the text are the validated bounds of
variable-length patterns, which Cypher does not accept as parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar

from bpql import ir
from bpql.errors import QueryError
from bpql.ids import BLUEPRINT_SCOPED, SYSTEM_MEMBER, scenario_marker
from bpql.language import (
    DEPENDENCY_CHAIN,
    IMPACT_ROUTES,
    SCOPE,
    STEP_ANCHOR,
    SUPPORT_CHAIN,
    TIME_ORDER,
    UNSCOPED,
    RelationRule,
)
from bpql.paths import Path
from bpql.schema import NODES

Renderer = Callable[[Any, Any], list[ir.Statement]]

_RESERVED = {
    "order",
    "count",
    "limit",
    "match",
    "where",
    "return",
    "with",
    "case",
    "end",
    "desc",
    "asc",
    "by",
    "in",
    "on",
    "to",
    "from",
    "exists",
    "all",
    "any",
}


def q(name: str) -> str:
    """Quote an identifier that Cypher would read as a keyword."""
    return f"`{name}`" if name.lower() in _RESERVED else name


class Dialect:
    """Renders each IR kind through a table, as sqlglot's generator does: every `<kind>_plan`
    method is collected into `RENDERERS` when the class is made, a dialect's `TRANSFORMS`
    add or replace entries, and a kind with no entry is refused with a user error."""

    name = "cypher"
    title = "Cypher"
    lower = "toLower"
    #: find the things in a relation from its target first (see `relation_sets`)
    relations_first = False
    TRANSFORMS: ClassVar[dict[str, Renderer]] = {}
    RENDERERS: ClassVar[dict[str, Renderer]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.RENDERERS = _collect(cls)

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._vars = 0
        #: the statement holding the far end of each chained relation of the query being
        #: rendered (`RelationRule.far`), by relation
        self._chains: dict[ir.Rel, str] = {}
        #: the statement holding the things in each other relation (`relations_first`)
        self._matches: dict[ir.Rel, str] = {}

    # --- helpers ------------------------------------------------------------------------
    def param(self, value: Any, name: str | None = None) -> str:
        key = name or f"p{len(self.params)}"
        self.params[key] = value
        return f"${key}"

    def var(self, prefix: str) -> str:
        self._vars += 1
        return f"{prefix}{self._vars}"

    def match_both(self, first: str, second: str) -> str:
        """Both patterns, where they may walk the same relationship (a shared HAS_STEP)."""
        return f"MATCH {first}, {second}"

    def node_has_lane(self, var: str, lanes: list[str], negate: bool) -> str | None:
        """Neo4j tests a lane by label; a dialect without lane labels returns None."""
        return None

    def node_key(self, var: str) -> str:
        """An expression naming a node uniquely, which `lookup` finds again quickly."""
        return f"elementId({var})"

    def lookup(self, var: str, param: str) -> str:
        """Clauses binding `var` to each node whose `node_key` is in the list `$param`."""
        return f"MATCH ({var}) WHERE elementId({var}) IN ${param}"

    def rel_type(self, var: str) -> str:
        return f"type({var})"

    def statement(self, name: str, cypher: str, **inputs: tuple[str, ...]) -> ir.Statement:
        """A named statement holding the parameters gathered since the last one."""
        return ir.Statement(name, cypher, self._take_params(), dict(inputs))

    def relation_sets(self, query: ir.FindIR) -> list[ir.Statement]:
        """With `relations_first`, a statement per relation of the condition: the things that
        stand in it to its target, found from the target (its id is indexed); the condition
        then tests membership, which Neo4j turns into index seeks, instead of walking from
        every candidate to see whether it reaches the target."""
        if not self.relations_first:
            return []
        out = []
        label = query.entity.label
        for r in _rels(query.cond):
            if r in self._chains or r in self._matches:
                continue
            name = f"match{len(self._matches) + 1}"
            self._matches[r] = name
            t = self.param(r.target.id)
            if r.direct:
                pattern = r.rule.pattern.cypher(r.within, n=f"n:{label}", s=f"n:{label}")
                cypher = f"MATCH {pattern} WHERE t.id = {t}"
            else:
                anchor = STEP_ANCHOR[label].cypher(n=f"n:{label}", bp="b")
                pattern = r.rule.pattern.cypher(r.within)
                cypher = f"{self.match_both(anchor, pattern)} WHERE t.id = {t}"
                if query.scenario is not None and STEP_ANCHOR[label].has("bp"):
                    cypher += f" AND b.scenario = {self.param(query.scenario, 'scenario')}"
            out.append(self.statement(name, f"{cypher} RETURN DISTINCT n.id AS id"))
        return out

    def chain_sets(self, cond: ir.Cond | None) -> list[ir.Statement]:
        """A statement per chained relation of `cond` (`RelationRule.far`): the nodes where
        the chain starts and from which it reaches the target, found once for the query."""
        out = []
        for r in _rels(cond):
            if r.rule.chain_at is None or r in self._chains:
                continue
            name = f"reach{len(self._chains) + 1}"
            self._chains[r] = name
            far = r.rule.far.cypher(r.within)
            out.append(
                self.statement(
                    name,
                    f"MATCH {far} WHERE t.id = {self.param(r.target.id)} "
                    "RETURN DISTINCT y.id AS id",
                )
            )
        return out

    # --- entry --------------------------------------------------------------------------
    def compile(self, query: ir.QueryIR) -> ir.Plan:
        render = self.RENDERERS.get(query.kind)
        if render is None:
            raise QueryError(
                f"`{query.kind}` statements cannot run on {self.title}", code="BPQL-Q101"
            )
        return ir.Plan(self.name, query.kind, render(self, query))

    def _take_params(self) -> dict[str, Any]:
        params, self.params = self.params, {}
        return params

    # --- find and count -----------------------------------------------------------------
    def scope(self, label: str, scenario: str | None) -> str | None:
        if scenario is None or label not in SCOPE:
            return None
        if label == "Blueprint":
            return f"n.scenario = {self.param(scenario, 'scenario')}"
        if label in BLUEPRINT_SCOPED:
            # a blueprint's things carry its scenario in their ids (bpql/ids.py), evidence no
            # step shows included: a test of the id instead of a walk to the blueprint (at
            # 1,000 services, most of a small `find`'s time on Neo4j)
            contains, marker = scenario_marker(scenario)
            by_id = f"{'' if contains else 'NOT '}n.id CONTAINS {self.param(marker, 'marker')}"
            if label in UNSCOPED:  # a system's own fail point belongs to every scenario
                return f"(n.id CONTAINS {self.param(SYSTEM_MEMBER, 'system_member')} OR {by_id})"
            return by_id
        bp = self.var("b")
        p = self.param(scenario, "scenario")
        scope = SCOPE[label]
        assert scope is not None
        return f"EXISTS {{ MATCH {scope.cypher(bp=bp)} WHERE {bp}.scenario = {p} }}"

    def find_plan(self, query: ir.FindIR) -> list[ir.Statement]:
        label = query.entity.label
        chains = self.chain_sets(query.cond) + self.relation_sets(query)
        sets = {name: (name,) for name in [*self._chains.values(), *self._matches.values()]}
        lines = [f"MATCH (n:{label})"]
        needed: list[ir.Field] = []
        for f in [*query.columns, query.order, query.group_by, *_cond_fields(query.cond)]:
            if f is not None and f.derived is not None and f not in needed:
                needed.append(f)
        cond_late = any(f.derived is not None for f in _cond_fields(query.cond))
        where = [w for w in [self.scope(label, query.scenario)] if w]
        if query.cond is not None and not cond_late:
            where.append(self.cond(query.cond, query))
        if where:
            lines.append("WHERE " + " AND ".join(where))
        self.limit_early(query, lines, cond_late)
        carried = ["n"]
        for f in needed:
            d = f.derived
            assert d is not None
            x, bp = self.var("x"), self.var("b")
            filt = ""
            if d.scoped and query.scenario is not None:
                filt = f" WHERE {bp}.scenario = {self.param(query.scenario, 'scenario')}"
            lines.append(f"OPTIONAL MATCH {d.pattern.cypher(x=x, bp=bp)}{filt}")
            expr = f"{x}.{q(d.prop)}"
            expr = f"collect(DISTINCT {expr})" if d.many else expr
            lines.append(f"WITH {', '.join(carried)}, {expr} AS {_alias(f)}")
            carried.append(_alias(f))
        if query.cond is not None and cond_late:
            lines.append(f"WITH {', '.join(carried)} WHERE {self.cond(query.cond, query)}")
        if query.group_by is not None:
            g = self.expr(query.group_by)
            lines.append(
                f"RETURN {g} AS {q(query.group_by.name)}, count(DISTINCT n) AS {q('count')}"
            )
            lines.append(
                f"ORDER BY {q('count')} DESC, CASE WHEN {g} IS NULL THEN 1 ELSE 0 END, {g}"
            )
            return [*chains, self.statement("rows", "\n".join(lines), **sets)]
        time_keys = self.time_order(label, lines, carried)
        cols = [f"{self.expr(f)} AS {q(f.name)}" for f in query.columns]
        cols.extend(f"{expr} AS {alias}" for alias, expr in time_keys)
        cols.append("n.id AS _id")
        if query.order is not None:
            cols.append(f"{self.expr(query.order)} AS _order")
        lines.append("RETURN " + ", ".join(cols))
        keys = [_nulls_last(alias) for alias, _ in time_keys] + ["_id"]
        if query.order is not None:
            direction = " DESC" if query.descending else ""
            order = "_order" if _never_null(query.cond, query.order) else _nulls_last("_order")
            keys.insert(0, f"{order}{direction}")
        lines.append("ORDER BY " + ", ".join(keys))
        if query.limit is not None:
            lines.append(f"LIMIT {self.param(query.limit, 'limit')}")
        return [*chains, self.statement("rows", "\n".join(lines), **sets)]

    def limit_early(self, query: ir.FindIR, lines: list[str], cond_late: bool) -> None:
        """Keep only the first `limit` things before reading their related fields, when the
        order needs nothing related: `find failpoints ... order by rpn desc limit 10` reads
        the steps and services of 10 fail points, not of 5,000. The full order is applied
        again at the end, so the answer is the same."""
        order = query.order
        if (
            query.limit is None
            or query.group_by is not None
            or cond_late
            or (order is not None and order.derived is not None)
            or any(pattern is not None for pattern, _ in TIME_ORDER.get(query.entity.label, ()))
        ):
            return
        keys = [_nulls_last(f"n.{q(prop)}") for _, prop in TIME_ORDER.get(query.entity.label, ())]
        keys.append("n.id")
        if order is not None:
            key = self.expr(order)
            key = key if _never_null(query.cond, order) else _nulls_last(key)
            keys.insert(0, key + (" DESC" if query.descending else ""))
        lines.append(f"WITH n ORDER BY {', '.join(keys)} LIMIT {self.param(query.limit, 'limit')}")

    def time_order(self, label: str, lines: list[str], carried: list[str]) -> list[tuple[str, str]]:
        """Read the keys of `TIME_ORDER` (matching what they need): (alias, expression)."""
        keys: list[tuple[str, str]] = []
        for i, (pattern, prop) in enumerate(TIME_ORDER.get(label, ())):
            if pattern is None:
                keys.append((f"_t{i}", f"n.{q(prop)}"))
                continue
            x = self.var("x")
            lines.append(f"OPTIONAL MATCH {pattern.cypher(x=x)}")
            lines.append(f"WITH {', '.join(carried)}, {x}.{q(prop)} AS _t{i}")
            carried.append(f"_t{i}")
            keys.append((f"_t{i}", f"_t{i}"))
        return keys

    def expr(self, f: ir.Field) -> str:
        return _alias(f) if f.derived is not None else f"n.{q(f.name)}"

    def cond(self, c: ir.Cond, query: ir.FindIR) -> str:
        render: Callable[[Dialect, Any, ir.FindIR], str] = CONDITIONS[type(c)]
        return render(self, c, query)

    def boolean(self, c: ir.BoolOp, query: ir.FindIR) -> str:
        if c.op == "not":
            return f"NOT ({self.cond(c.items[0], query)})"
        joiner = " AND " if c.op == "and" else " OR "
        return "(" + joiner.join(self.cond(i, query) for i in c.items) + ")"

    def compare(self, c: ir.Cmp, query: ir.FindIR) -> str:
        if (
            c.field.name == "lane"
            and c.field.derived is None
            and c.op in ("=", "!=", "in", "not_in")
        ):
            lanes = c.value if isinstance(c.value, list) else [c.value]
            by_label = self.node_has_lane("n", lanes, c.op in ("!=", "not_in"))
            if by_label is not None:
                return by_label
        e = self.expr(c.field)
        if c.op == "contains":
            return f"{self.lower}({e}) CONTAINS {self.lower}({self.param(c.value)})"
        if c.op == "starts_with":
            return f"{self.lower}({e}) STARTS WITH {self.lower}({self.param(c.value)})"
        if c.op == "in":
            return f"{e} IN {self.param(c.value)}"
        if c.op == "not_in":
            return f"NOT {e} IN {self.param(c.value)}"
        op = "<>" if c.op == "!=" else c.op
        if isinstance(c.value, ir.Field):  # another field of the same node, by its schema name
            return f"{e} {op} {self.expr(c.value)}"
        return f"{e} {op} {self.param(c.value)}"

    def is_null(self, c: ir.IsNull, query: ir.FindIR) -> str:
        e = self.expr(c.field)
        if c.field.many:  # collect() of nothing is an empty list, never null
            return f"size({e}) {'>' if c.negated else '='} 0"
        return f"{e} IS {'NOT ' if c.negated else ''}NULL"

    def relation(self, r: ir.Rel, query: ir.FindIR) -> str:
        if r in self._matches:  # found from its target, before this statement
            return f"n.id IN ${self._matches[r]}"
        t = self.var("t")
        if r.direct and r in self._chains:  # a step's own chained relation
            y = self.var("y")
            near = r.rule.near.cypher(s="n", y=y)
            return f"EXISTS {{ MATCH {near} WHERE {y}.id IN ${self._chains[r]} }}"
        if r.direct:
            pattern = r.rule.pattern.cypher(r.within, n="n", s="n", t=t)
            return f"EXISTS {{ MATCH {pattern} WHERE {t}.id = {self.param(r.target.id)} }}"
        s, bp = self.var("s"), self.var("b")
        anchor = STEP_ANCHOR[query.entity.label].cypher(n="n", s=s, bp=bp)
        if r in self._chains:  # the chain's far end was found once, before this statement
            y = self.var("y")
            pattern = r.rule.near.cypher(s=s, y=y)
            where = f"{y}.id IN ${self._chains[r]}"
        else:
            pattern = r.rule.pattern.cypher(r.within, s=s, t=t)
            where = f"{t}.id = {self.param(r.target.id)}"
        if query.scenario is not None and STEP_ANCHOR[query.entity.label].has("bp"):
            where += f" AND {bp}.scenario = {self.param(query.scenario, 'scenario')}"
        return f"EXISTS {{ {self.match_both(anchor, pattern)} WHERE {where} }}"

    def _failing(self, system: str) -> ir.Statement:
        """The system and every system depending on it, found once (`risk of`, what-if): an
        EXISTS walk of the dependencies on every USES row cost 4 million db hits at 1,000
        services."""
        return self.statement(
            "failing",
            f"MATCH (y:System) WHERE y.id = {self.param(system, 'source')} OR EXISTS "
            f"{{ MATCH (y)-[:DEPENDS_ON*1..{DEPENDENCY_CHAIN}]->(t:System) "
            "WHERE t.id = $source }\nRETURN y.id AS id ORDER BY id",
        )

    # --- impact -------------------------------------------------------------------------
    def impact_plan(self, query: ir.ImpactIR) -> list[ir.Statement]:
        """The source; per route the steps it reaches and what they reach it through
        (`route.*`), walked from the source outwards; the steps those support; facts per step
        for the tables; then the parts of the affected subgraph (`graph.*`, `links.*`), which
        the engine fetches only when the answer is drawn.

        Every route is a relation rule of the language (`IMPACT_ROUTES`). A chained route's
        far end is found once (`reach.*`, with its dependency hops), and the steps are found
        from those systems, not tested one by one against them."""
        src = query.source
        routes = [r.rule for r in IMPACT_ROUTES[src.label]]
        out = [
            self.statement(
                "source",
                f"MATCH (n:{src.label}) WHERE n.id = {self.param(src.id, 'source')} RETURN n",
            )
        ]

        # each route's steps with their blueprint, in the query's scenario when it names one
        blueprint = "(b:Blueprint)-[:HAS_STEP]->(s)"
        scen = ""
        if query.scenario is not None:
            scen = " AND b.scenario = $scenario"
        for r in routes:
            if r.chain_at is not None:
                far = r.far.cypher(query.within)
                self.param(src.id, "source")
                # the dependency hops of the shortest chain from each system to the source
                fixed = r.far.fixed_hops
                out.append(
                    self.statement(
                        f"reach.{r.relation}",
                        f"MATCH p = {far} WHERE t.id = $source\n"
                        f"RETURN y.id AS id, min(length(p)) - {fixed} AS hops ORDER BY id",
                    )
                )
                if query.scenario is not None:
                    self.param(query.scenario, "scenario")
                near = r.near.cypher(s="s:Step")
                out.append(
                    self.statement(
                        f"route.{r.relation}",
                        f"UNWIND $reach AS y_id\n{self.match_both(blueprint, near)}\n"
                        f"WHERE y.id = y_id{scen}\n"
                        "RETURN s.id AS id, collect(y.id) AS vias, b.id AS blueprint",
                        reach=(f"reach.{r.relation}",),
                    )
                )
                continue
            self.param(src.id, "source")
            if query.scenario is not None:
                self.param(query.scenario, "scenario")
            path, via = via_pattern(r)
            pattern = path.cypher(query.within, s="s:Step")
            out.append(
                self.statement(
                    f"route.{r.relation}",
                    f"{self.match_both(blueprint, pattern)}\nWHERE t.id = $source{scen}\n"
                    f"RETURN s.id AS id, collect(DISTINCT {via}.id) AS vias, b.id AS blueprint",
                )
            )
        direct = tuple(f"route.{r.relation}" for r in routes)
        # the blueprints reached, whole: a list of hundreds of blueprints is matched far more
        # quickly than one of thousands of steps (at 1,000 services, 24,000 key lookups were
        # most of the answer's time on both stores). The steps the reached ones support, up
        # the lanes within their blueprint, are worked out from `supports` by the engine.
        blueprints = {"blueprints": tuple(f"{d}#blueprint" for d in direct)}
        out.append(
            self.statement(
                "supports",
                "UNWIND $blueprints AS b_id\n"
                "MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(a:Step)-[:SUPPORTS]->(c:Step)\n"
                "RETURN a.id AS lower, c.id AS higher",
                **blueprints,
            )
        )
        # a step's service is read from its id (bpql/ids.py), not walked to
        out.append(
            self.statement(
                "facts",
                "UNWIND $blueprints AS b_id\n"
                "MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)\n"
                "OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)\n"
                "OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f:FailPoint)\n"
                "OPTIONAL MATCH (s)-[:IN_PHASE]->(ph:Phase)\n"
                "RETURN s.id AS step, s.lane AS lane, tp.name AS touchpoint, "
                "tp.channel AS channel, f.id AS failpoint, f.rpn AS rpn, "
                "ph.`order` AS phase_order, s.seq AS seq, b.id AS blueprint",
                **blueprints,
            )
        )
        out.append(
            self.statement("services", "MATCH (sv:Service) RETURN sv.id AS id, sv.name AS name")
        )
        # --- the drawing: fetched only when the answer is drawn, for the steps reached
        out.append(
            self.statement(
                "graph.supported",
                "UNWIND $direct AS d_id\n"
                f"MATCH (d:Step {{id: d_id}})-[:SUPPORTS*1..{SUPPORT_CHAIN}]->(u:Step)\n"
                "RETURN DISTINCT u.id AS id",
                direct=direct,
            )
        )
        steps = {"steps": (*direct, "graph.supported")}
        for r in routes:
            self.param(src.id, "source")
            if r.chain_at is not None:
                # the chains from the systems the steps use; the engine keeps those of the
                # systems a reached step uses
                out.append(
                    self.statement(
                        f"graph.chain.{r.relation}",
                        f"MATCH p = {r.far.cypher(query.within)} "
                        "WHERE t.id = $source RETURN y.id AS via, p",
                    )
                )
                continue
            pattern = r.pattern.cypher(query.within, s="s:Step {id: s_id}")
            out.append(
                self.statement(
                    f"graph.route.{r.relation}",
                    f"UNWIND $direct AS s_id MATCH p = {pattern} WHERE t.id = $source RETURN p",
                    direct=(f"route.{r.relation}",),
                )
            )
        # the departments performing each step: the rows of the views' department x service
        # matrix, whichever route reached the step
        out.append(
            self.statement(
                "graph.departments",
                "UNWIND $steps AS s_id\n"
                "MATCH (s:Step {id: s_id})-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(d:Department)\n"
                "RETURN DISTINCT s.id AS step, d.name AS department ORDER BY step, department",
                **steps,
            )
        )
        out.extend(self.statement(k, v, **steps) for k, v in STEP_PARTS.items())
        return out

    # --- observed (bpql observe) ---------------------------------------------------------
    def observed_plan(self, query: ir.ObservedIR) -> list[ir.Statement]:
        from bpql.observe.query import plan

        return plan(self, query)

    # --- risk ---------------------------------------------------------------------------
    def risk_plan(self, query: ir.RiskIR) -> list[ir.Statement]:
        """The source; the systems that fail with it; the steps they hit; those steps'
        blueprints, whole (a step's other supporting routes decide whether it still works);
        their supports; then the parts drawn. The walk itself is `bpql.criticality`."""
        src = query.source
        out = [
            self.statement(
                "source",
                f"MATCH (n:{src.label}) WHERE n.id = {self.param(src.id, 'source')} RETURN n",
            )
        ]

        def scen() -> str:
            """The scenario test, its parameter taken for the statement being built."""
            if query.scenario is None:
                return ""
            return f" AND b.scenario = {self.param(query.scenario, 'scenario')}"

        if src.label == "System":
            out.append(self._failing(src.id))
            out.append(
                self.statement(
                    "hit",
                    "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:USES]->(y:System)\n"
                    f"WHERE y.id IN $failing{scen()}\nRETURN DISTINCT s.id AS id ORDER BY id",
                    failing=("failing",),
                )
            )
        else:
            out.append(
                self.statement(
                    "hit",
                    "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)\n"
                    f"WHERE s.id = {self.param(src.id, 'source')}{scen()}\nRETURN s.id AS id",
                )
            )
        out.append(
            self.statement(
                "blueprints",
                "UNWIND $hit AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})\n"
                "RETURN DISTINCT b.id AS id ORDER BY id",
                hit=("hit",),
            )
        )
        out.append(
            self.statement(
                "steps",
                "UNWIND $blueprints AS b_id\n"
                "MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint {id: b_id})-[:HAS_STEP]->"
                "(s:Step)\n"
                "OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)\n"
                "RETURN s.id AS id, s.name AS name, s.lane AS lane, "
                "s.moment_of_truth AS moment, tp.id AS touchpoint, tp.name AS touchpoint_name, "
                "sv.id AS service_id, sv.name AS service, s.seq AS seq\nORDER BY id",
                blueprints=("blueprints",),
            )
        )
        out.append(
            self.statement(
                "supports",
                "UNWIND $steps AS c_id MATCH (a:Step)-[:SUPPORTS]->(c:Step {id: c_id})\n"
                "RETURN a.id AS lower, c.id AS higher ORDER BY lower, higher",
                steps=("steps",),
            )
        )
        steps = {"steps": ("steps",)}
        parts = {k: v for k, v in STEP_PARTS.items() if k != "links.failpoints"}
        if src.label == "System":
            out.append(
                self.statement(
                    "graph.uses",
                    "UNWIND $hit AS s_id MATCH p = (s:Step {id: s_id})-[:USES]->(y:System) "
                    "WHERE y.id IN $failing RETURN p",
                    hit=("hit",),
                    failing=("failing",),
                )
            )
            out.append(
                self.statement(
                    "graph.depends_on",
                    "MATCH p = (y:System)-[:DEPENDS_ON]->(z:System) "
                    "WHERE y.id IN $failing AND z.id IN $failing RETURN p",
                    failing=("failing",),
                )
            )
        out.extend(self.statement(k, v, **steps) for k, v in parts.items())
        return out

    # --- what-if (read-only; bpql/whatif.py classifies the rows) -------------------------
    def whatif_plan(self, query: ir.WhatIfIR) -> list[ir.Statement]:
        """The steps the change reaches directly, with what reaches them (`via`); their
        blueprints, whole, with each step's touchpoints, roles and departments, supports and
        the other steps at the same touchpoints; then the parts drawn. The blueprints' parts
        are matched through their blueprint ids: a list of hundreds of blueprints is much
        quicker to test than one of thousands of steps (LadybugDB, 1,000 services)."""

        def scen() -> str:
            if query.scenario is None:
                return ""
            return f" AND b.scenario = {self.param(query.scenario, 'scenario')}"

        reach = "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)"
        out: list[ir.Statement] = []
        src = query.source
        if query.change == "retire":
            assert src is not None
            out.append(
                self.statement(
                    "source",
                    f"MATCH (n:System) WHERE n.id = {self.param(src.id, 'source')} RETURN n",
                )
            )
            out.append(self._failing(src.id))
            out.append(
                self.statement(
                    "reached",
                    f"{reach}-[:USES]->(y:System)\nWHERE y.id IN $failing{scen()}\n"
                    "RETURN DISTINCT s.id AS step, y.id AS via",
                    failing=("failing",),
                )
            )
        elif query.change == "move":
            assert src is not None
            out.append(
                self.statement(
                    "source",
                    f"MATCH (n:Role) WHERE n.id = {self.param(src.id, 'source')} RETURN n",
                )
            )
            out.append(
                self.statement(
                    "reached",
                    f"{reach}-[:PERFORMED_BY]->(r:Role)\n"
                    f"WHERE r.id = {self.param(src.id, 'source')}{scen()}\n"
                    "RETURN DISTINCT s.id AS step, r.id AS via",
                )
            )
        else:
            test = (
                f"t.id = {self.param(src.id, 'source')}"
                if src is not None
                else f"t.channel = {self.param(query.channel, 'channel')}"
            )
            out.append(self.statement("source", f"MATCH (t:Touchpoint) WHERE {test} RETURN t AS n"))
            test = "t.id = $source" if src is not None else "t.channel = $channel"
            params = {"source": src.id} if src is not None else {"channel": query.channel}
            cypher = (
                f"{reach}-[:AT_TOUCHPOINT]->(t:Touchpoint)\nWHERE {test}{scen()}\n"
                "RETURN DISTINCT s.id AS step, t.id AS via"
            )
            self.params.update(params)
            out.append(self.statement("reached", cypher))
        out.append(
            self.statement(
                "blueprints",
                "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step) WHERE s.id IN $reached\n"
                "RETURN DISTINCT b.id AS id ORDER BY id",
                reached=("reached",),
            )
        )
        out.append(
            self.statement(
                "steps",
                "MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step)\n"
                "WHERE b.id IN $blueprints\n"
                "RETURN s.id AS id, s.name AS name, s.lane AS lane, s.seq AS seq, "
                "s.moment_of_truth AS moment, b.id AS blueprint, sv.id AS service_id, "
                "sv.name AS service\nORDER BY id",
                blueprints=("blueprints",),
            )
        )
        out.append(
            self.statement(
                "touchpoints",
                "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:AT_TOUCHPOINT]->(t:Touchpoint)\n"
                "WHERE b.id IN $blueprints\n"
                "RETURN t.id AS touchpoint, s.id AS step, t.name AS name, t.channel AS channel\n"
                "ORDER BY touchpoint, step",
                blueprints=("blueprints",),
            )
        )
        if query.change == "retire":  # only a retirement can leave a touchpoint with no step
            out.append(
                self.statement(
                    "at_touchpoints",
                    f"{reach}-[:AT_TOUCHPOINT]->(t:Touchpoint)\n"
                    f"WHERE t.id IN $touchpoints{scen()}\n"
                    "RETURN t.id AS touchpoint, s.id AS step ORDER BY touchpoint, step",
                    touchpoints=("touchpoints",),
                )
            )
        out.append(
            self.statement(
                "roles",
                "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:PERFORMED_BY]->(r:Role)\n"
                "WHERE b.id IN $blueprints\n"
                "OPTIONAL MATCH (r)-[:MEMBER_OF]->(d:Department)\n"
                "RETURN s.id AS step, r.id AS role, d.id AS department, d.name AS department_name\n"
                "ORDER BY step, role",
                blueprints=("blueprints",),
            )
        )
        out.append(
            self.statement(
                "supports",
                "MATCH (b:Blueprint)-[:HAS_STEP]->(c:Step)<-[:SUPPORTS]-(a:Step)\n"
                "WHERE b.id IN $blueprints\n"
                "RETURN a.id AS lower, c.id AS higher ORDER BY lower, higher",
                blueprints=("blueprints",),
            )
        )
        out.append(
            self.statement(
                "depends",
                "MATCH (a:System)-[:DEPENDS_ON]->(z:System) RETURN a.id AS system, "
                "z.id AS dependency ORDER BY system, dependency",
            )
        )
        parts = {k: v for k, v in STEP_PARTS.items() if k != "failpoints"}
        out.extend(self.statement(f"graph.{k}", v, steps=("reached",)) for k, v in parts.items())
        return out

    # --- graphs -------------------------------------------------------------------------
    def show_plan(self, query: ir.ShowIR) -> list[ir.Statement]:
        """A breadth-first neighbourhood: level by level, the keys of the nodes next to the
        previous level's new ones (the engine subtracts the levels before, and stops at
        `query.max_nodes`); then those nodes, and the relationships of every node nearer
        than `depth`, which are exactly the relationships of the paths of up to `depth` steps.
        Its cost grows with the nodes returned, where a pattern `-[*1..depth]-` enumerates
        every path (past 35 s and 5 GB at depth 5 on seven services)."""
        t = query.target
        levels = ["level0"]
        out = [
            self.statement(
                "level0",
                f"MATCH (c:{t.label}) WHERE c.id = {self.param(t.id, 'id')} "
                f"RETURN {self.node_key('c')} AS key",
            )
        ]
        for d in range(1, query.depth + 1):
            level = self.statement(
                f"level{d}",
                f"{self.lookup('a', 'frontier')}\nMATCH (a)-[]-(x)\n"
                f"RETURN DISTINCT {self.node_key('x')} AS key",
                frontier=(levels[-1],),
            )
            out.append(replace(level, without={"frontier": tuple(levels[:-1])}))
            levels.append(f"level{d}")
        inner = {"inner": tuple(levels[:-1])}
        out.append(
            self.statement(
                "nodes",
                f"{self.lookup('x', 'nodes')}\nRETURN {self.node_key('x')} AS key, x",
                nodes=tuple(levels),
            )
        )
        ka, kx, rt = self.node_key("a"), self.node_key("x"), self.rel_type("r")
        out.append(
            self.statement(
                "edges.out",
                f"{self.lookup('a', 'inner')}\nMATCH (a)-[r]->(x)\n"
                f"RETURN {ka} AS source, {rt} AS type, {kx} AS target",
                **inner,
            )
        )
        out.append(
            self.statement(
                "edges.in",
                f"{self.lookup('a', 'inner')}\nMATCH (a)<-[r]-(x)\n"
                f"RETURN {kx} AS source, {rt} AS type, {ka} AS target",
                **inner,
            )
        )
        return out


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


def _nulls_last(key: str) -> str:
    """Both stores order nulls last, written out so no answer depends on an engine's default."""
    return f"CASE WHEN {key} IS NULL THEN 1 ELSE 0 END, {key}"


def link(a: str, a_label: str, rel: str, b: str, b_label: str) -> str:
    """A relationship as three strings, `Label:id` keys and its type: a part of a subgraph
    whose nodes another statement fetches once (a path repeats its nodes on every row, and
    24,000 paths took seconds to serialise where these take a fraction)."""
    return f"'{a_label}:' + {a}.id AS source, '{rel}' AS type, '{b_label}:' + {b}.id AS target"


def via_pattern(rule: RelationRule) -> tuple[Path, str]:
    """A one-piece rule's pattern with its first hop's node named (`v`, unless it is the
    target), and that node's variable: what a step reaches the target through."""
    first = rule.pattern.nodes[1]
    if first.var == "t":
        return rule.pattern, "t"
    return rule.pattern.named(1, "v"), "v"


def near_link(rule: RelationRule) -> tuple[str, str]:
    """The relationship type and end label of a chained rule's one-hop `near` part."""
    near = rule.near
    label = near.nodes[-1].label
    assert len(near.hops) == 1 and label is not None, near
    return near.hops[0].type, label


#: a set of steps by id, as a join on the primary key: `s.id IN $steps` tests the whole list
#: against every step on LadybugDB (24,000 x 24,000 ids: 5 s a statement)
_STEPS = "UNWIND $steps AS s_id"
#: the parts of the subgraph around a set of steps (`$steps`) that impact and risk views
#: draw: nodes once (`graph.*`), relationships as `links.*` rows (see `link`)
STEP_PARTS: dict[str, str] = {
    "graph.steps": f"{_STEPS} MATCH (s:Step {{id: s_id}}) RETURN s",
    # a supported step outside `$steps` has no node, and the engine leaves its link out
    "links.supports": f"{_STEPS} MATCH (a:Step {{id: s_id}})-[:SUPPORTS]->(c:Step) "
    f"RETURN {link('a', 'Step', 'SUPPORTS', 'c', 'Step')}",
    "graph.services": f"{_STEPS} MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {{id: s_id}})\n"
    "WITH DISTINCT b MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b) RETURN p",
    "links.has_step": f"{_STEPS} MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {{id: s_id}}) "
    f"RETURN {link('b', 'Blueprint', 'HAS_STEP', 's', 'Step')}",
    "graph.touchpoints": f"{_STEPS} MATCH (s:Step {{id: s_id}})-[:AT_TOUCHPOINT]->"
    "(tp:Touchpoint)\nWITH DISTINCT tp RETURN tp",
    "links.touchpoints": f"{_STEPS} MATCH (s:Step {{id: s_id}})-[:AT_TOUCHPOINT]->"
    f"(tp:Touchpoint) RETURN {link('s', 'Step', 'AT_TOUCHPOINT', 'tp', 'Touchpoint')}",
    "links.failpoints": f"{_STEPS} MATCH (s:Step {{id: s_id}})-[:HAS_FAIL_POINT]->"
    f"(f:FailPoint) RETURN {link('s', 'Step', 'HAS_FAIL_POINT', 'f', 'FailPoint')}, f",
}


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


def _collect(cls: type[Dialect]) -> dict[str, Renderer]:
    """`<kind>_plan` methods, then the class's TRANSFORMS over them."""
    table: dict[str, Renderer] = {
        name.removesuffix("_plan"): getattr(cls, name)
        for name in dir(cls)
        if name.endswith("_plan") and callable(getattr(cls, name))
    }
    return {**table, **cls.TRANSFORMS}


Dialect.RENDERERS = _collect(Dialect)
#: how each kind of condition renders; the IR has exactly these four
CONDITIONS: dict[type, Callable[[Dialect, Any, ir.FindIR], str]] = {
    ir.BoolOp: Dialect.boolean,
    ir.Cmp: Dialect.compare,
    ir.IsNull: Dialect.is_null,
    ir.Rel: Dialect.relation,
}

assert set(NODES) >= set(SCOPE)
