"""Render the IR to Cypher. The shared Cypher lives here; a dialect overrides the few hooks
where Neo4j 5 and LadybugDB differ (lane labels, lower-casing, shortest paths).

Every value from the query becomes a parameter; labels and relationship types come from the
schema tables, and the only numbers written into the text are the validated bounds of
variable-length patterns, which Cypher does not accept as parameters.
"""

from __future__ import annotations

from typing import Any

from bpql import ir
from bpql.language import SCOPE, STEP_ANCHOR, SUPPORT_CHAIN
from bpql.schema import NODES

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


def fmt(pattern: str, **names: str | int) -> str:
    defaults: dict[str, str | int] = {"n": "n", "s": "s", "t": "t", "x": "x", "bp": "bp", "k": 1}
    return pattern.format(**{**defaults, **names})


class Dialect:
    name = "cypher"
    lower = "toLower"

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._vars = 0

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

    # --- entry --------------------------------------------------------------------------
    def compile(self, query: ir.QueryIR) -> ir.Compiled:
        out = ir.Compiled(self.name)
        if isinstance(query, ir.FindIR):
            out.statements.append(self.find(query))
        elif isinstance(query, ir.ImpactIR):
            out.statements.extend(self.impact(query))
        elif isinstance(query, ir.PathIR):
            out.statements.append(self.path(query))
        elif isinstance(query, ir.ShowIR):
            out.statements.append(self.show(query))
        return out

    def _take_params(self) -> dict[str, Any]:
        params, self.params = self.params, {}
        return params

    # --- find and count -----------------------------------------------------------------
    def scope(self, label: str, scenario: str | None) -> str | None:
        if scenario is None or label not in SCOPE:
            return None
        p = self.param(scenario, "scenario")
        if label == "Blueprint":
            return f"n.scenario = {p}"
        bp = self.var("b")
        return f"EXISTS {{ MATCH {fmt(SCOPE[label], bp=bp)} WHERE {bp}.scenario = {p} }}"

    def find(self, query: ir.FindIR) -> tuple[str, dict[str, Any]]:
        label = query.entity.label
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
        carried = ["n"]
        for f in needed:
            d = f.derived
            assert d is not None
            x, bp = self.var("x"), self.var("b")
            filt = ""
            if d.scoped and query.scenario is not None:
                filt = f" WHERE {bp}.scenario = {self.param(query.scenario, 'scenario')}"
            lines.append(f"OPTIONAL MATCH {fmt(d.pattern, x=x, bp=bp)}{filt}")
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
            return "\n".join(lines), self._take_params()
        cols = [f"{self.expr(f)} AS {q(f.name)}" for f in query.columns]
        cols.append("n.id AS _id")
        if query.order is not None:
            cols.append(f"{self.expr(query.order)} AS _order")
        lines.append("RETURN " + ", ".join(cols))
        if query.order is not None:
            direction = " DESC" if query.descending else ""
            lines.append(
                f"ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order{direction}, _id"
            )
        else:
            lines.append("ORDER BY _id")
        if query.limit is not None:
            lines.append(f"LIMIT {self.param(query.limit, 'limit')}")
        return "\n".join(lines), self._take_params()

    def expr(self, f: ir.Field) -> str:
        return _alias(f) if f.derived is not None else f"n.{q(f.name)}"

    def cond(self, c: ir.Cond, query: ir.FindIR) -> str:
        if isinstance(c, ir.BoolOp):
            if c.op == "not":
                return f"NOT ({self.cond(c.items[0], query)})"
            joiner = " AND " if c.op == "and" else " OR "
            return "(" + joiner.join(self.cond(i, query) for i in c.items) + ")"
        if isinstance(c, ir.Cmp):
            return self.compare(c, query)
        return self.relation(c, query)

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
        return f"{e} {op} {self.param(c.value)}"

    def relation(self, r: ir.Rel, query: ir.FindIR) -> str:
        t = self.var("t")
        target = self.param(r.target.id)
        if r.direct:
            pattern = fmt(r.rule.pattern, n="n", s="n", t=t, k=r.within)
            return f"EXISTS {{ MATCH {pattern} WHERE {t}.id = {target} }}"
        s, bp = self.var("s"), self.var("b")
        anchor = fmt(STEP_ANCHOR[query.entity.label], n="n", s=s, bp=bp)
        pattern = fmt(r.rule.pattern, s=s, t=t, k=r.within)
        where = f"{t}.id = {target}"
        if query.scenario is not None and "{bp}" in STEP_ANCHOR[query.entity.label]:
            where += f" AND {bp}.scenario = {self.param(query.scenario, 'scenario')}"
        return f"EXISTS {{ {self.match_both(anchor, pattern)} WHERE {where} }}"

    # --- impact -------------------------------------------------------------------------
    def impact(self, query: ir.ImpactIR) -> list[tuple[str, dict[str, Any]]]:
        """Statements, in order: the source; the directly affected steps; the steps they
        support; per-step facts for the table; then the parts of the affected subgraph.

        Statements after the second take the ids found so far as the parameters `$direct`
        and `$steps`, filled in by the engine.
        """
        src = query.source
        k = query.within
        scen = ""
        src_p = self.param(src.id, "source")
        if query.scenario is not None:
            scen = f" AND b.scenario = {self.param(query.scenario, 'scenario')}"
        reach = {
            "Department": [
                f"EXISTS {{ MATCH (s)-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(d:Department) "
                f"WHERE d.id = {src_p} }}",
                f"EXISTS {{ MATCH (s)-[:USES]->(:System)-[:DEPENDS_ON*0..{k}]->(:System)"
                f"-[:OWNED_BY]->(d:Department) WHERE d.id = {src_p} }}",
            ],
            "Role": [f"EXISTS {{ MATCH (s)-[:PERFORMED_BY]->(r:Role) WHERE r.id = {src_p} }}"],
            "System": [
                f"EXISTS {{ MATCH (s)-[:USES]->(:System)-[:DEPENDS_ON*0..{k}]->(y:System) "
                f"WHERE y.id = {src_p} }}"
            ],
            "Touchpoint": [
                f"EXISTS {{ MATCH (s)-[:AT_TOUCHPOINT]->(p:Touchpoint) WHERE p.id = {src_p} }}"
            ],
        }[src.label]
        source = (f"MATCH (n:{src.label}) WHERE n.id = {src_p} RETURN n", {"source": src.id})
        direct = (
            "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)\n"
            f"WHERE ({' OR '.join(reach)}){scen}\n"
            "RETURN DISTINCT s.id AS id ORDER BY id"
        )
        stmts = [source, (direct, self._take_params())]
        stmts.append(
            (
                f"MATCH (d:Step)-[:SUPPORTS*1..{SUPPORT_CHAIN}]->(u:Step)\n"
                "WHERE d.id IN $direct\nRETURN DISTINCT u.id AS id ORDER BY id",
                {"direct": []},
            )
        )
        stmts.append(
            (
                "MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step)\n"
                "WHERE s.id IN $steps\n"
                "OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)\n"
                "OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f:FailPoint)\n"
                "RETURN sv.id AS service_id, sv.name AS service, s.id AS step, s.lane AS lane, "
                "tp.name AS touchpoint, tp.channel AS channel, f.id AS failpoint, f.rpn AS rpn\n"
                "ORDER BY service_id, step",
                {"steps": []},
            )
        )
        self.param(src.id, "source")  # the subgraph parts name the source too
        via = {
            "Department": [
                "MATCH p = (s:Step)-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(d:Department) "
                "WHERE s.id IN $direct AND d.id = $source RETURN p",
                f"MATCH p = (s:Step)-[:USES]->(:System)-[:DEPENDS_ON*0..{k}]->(:System)"
                "-[:OWNED_BY]->(d:Department) WHERE s.id IN $direct AND d.id = $source RETURN p",
            ],
            "Role": [
                "MATCH p = (s:Step)-[:PERFORMED_BY]->(r:Role) "
                "WHERE s.id IN $direct AND r.id = $source RETURN p"
            ],
            "System": [
                f"MATCH p = (s:Step)-[:USES]->(:System)-[:DEPENDS_ON*0..{k}]->(y:System) "
                "WHERE s.id IN $direct AND y.id = $source RETURN p"
            ],
            "Touchpoint": [
                "MATCH p = (s:Step)-[:AT_TOUCHPOINT]->(y:Touchpoint) "
                "WHERE s.id IN $direct AND y.id = $source RETURN p"
            ],
        }[src.label]
        sub = self._take_params()
        parts = [
            *via,
            "MATCH p = (a:Step)-[:SUPPORTS]->(c:Step) WHERE a.id IN $steps AND c.id IN $steps "
            "RETURN p",
            "MATCH p = (sv:Service)-[:HAS_BLUEPRINT]->(:Blueprint)-[:HAS_STEP]->(s:Step) "
            "WHERE s.id IN $steps RETURN p",
            "MATCH p = (s:Step)-[:AT_TOUCHPOINT]->(:Touchpoint) WHERE s.id IN $steps RETURN p",
            "MATCH p = (s:Step)-[:HAS_FAIL_POINT]->(:FailPoint) WHERE s.id IN $steps RETURN p",
        ]
        stmts.extend((part, {**sub, "direct": [], "steps": []}) for part in parts)
        return stmts

    # --- graphs -------------------------------------------------------------------------
    def path(self, query: ir.PathIR) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def show(self, query: ir.ShowIR) -> tuple[str, dict[str, Any]]:
        t = query.target
        p = self.param(t.id, "id")
        cypher = (
            f"MATCH (c:{t.label}) WHERE c.id = {p}\n"
            f"OPTIONAL MATCH p = (c)-[*1..{query.depth}]-(x)\n"
            "RETURN c, p"
        )
        return cypher, self._take_params()


def _alias(f: ir.Field) -> str:
    return f"f_{f.name}"


def _cond_fields(c: ir.Cond | None) -> list[ir.Field]:
    if c is None:
        return []
    if isinstance(c, ir.Cmp):
        return [c.field]
    if isinstance(c, ir.BoolOp):
        return [f for i in c.items for f in _cond_fields(i)]
    return []


assert set(NODES) >= set(SCOPE)
