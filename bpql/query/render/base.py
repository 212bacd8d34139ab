"""The Cypher dialects' shared part: the statement builder and the hooks where Neo4j 5 and
LadybugDB differ (lane labels, lower-casing, node keys, shortest paths).

Statement modules (bpql/statements) write their plans through a `Dialect`: its helpers make
every value from the query a parameter and generate each statement's RETURN from the columns
it declares; its hooks are the parts a dialect overrides. A dialect may also replace a whole
statement's plan, as an entry of its `TRANSFORMS` keyed by IR class (as sqlglot's generators
key theirs by expression class). Labels and relationship types come from the schema tables,
and the only numbers written into the text are the validated bounds of variable-length
patterns, which Cypher does not accept as parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from bpql.query.plan import Role, Source, Statement, Step

#: a plan function: (dialect, IR) -> the plan's steps
PlanFn = Callable[[Any, Any], list[Step]]
#: a RETURN's items: (column, expression) pairs; the column is what the statement declares
Returns = Sequence[tuple[str, str]]
#: a statement's list inputs: parameter -> the sources whose values fill it
Inputs = Mapping[str, Sequence[Source]]

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


def nulls_last(key: str) -> str:
    """Both stores order nulls last, written out so no answer depends on an engine's default."""
    return f"CASE WHEN {key} IS NULL THEN 1 ELSE 0 END, {key}"


def link(a: str, a_label: str, rel: str, b: str, b_label: str) -> list[tuple[str, str]]:
    """A relationship as three strings, `Label:id` keys and its type: a part of a subgraph
    whose nodes another statement fetches once (a path repeats its nodes on every row, and
    24,000 paths took seconds to serialise where these take a fraction)."""
    return [
        ("source", f"'{a_label}:' + {a}.id"),
        ("type", f"'{rel}'"),
        ("target", f"'{b_label}:' + {b}.id"),
    ]


#: the columns a statement of relationships as keys starts with (`link`)
LINK_COLUMNS = ("source", "type", "target")


class Dialect:
    """The shared Cypher; a dialect subclass overrides the hooks that differ, or a whole
    statement's plan in `TRANSFORMS`."""

    name = "cypher"
    title = "Cypher"
    lower = "toLower"
    #: find the things in a relation from its target first (bpql/query/statements/find.py)
    relations_first = False
    #: the clauses binding `p` to every shortest path (`shortest_paths`), a format string of
    #: {a_label} {a_id} {b_label} {b_id} {types} {within}; None: no shortest paths
    shortest: str | None = None
    #: whole plans this dialect writes its own way, by IR class
    TRANSFORMS: ClassVar[dict[type, PlanFn]] = {}

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._vars = 0

    # --- building statements -----------------------------------------------------------
    def param(self, value: Any, name: str | None = None) -> str:
        """A parameter holding `value`, for the statement being built."""
        key = name or f"p{len(self.params)}"
        self.params[key] = value
        return f"${key}"

    def var(self, prefix: str) -> str:
        self._vars += 1
        return f"{prefix}{self._vars}"

    def returns(self, items: Returns, distinct: bool = False) -> str:
        """`RETURN expression AS column, ...`; an expression that is its column's own
        variable is written once."""
        parts = [expr if expr == column else f"{expr} AS {q(column)}" for column, expr in items]
        return "RETURN " + ("DISTINCT " if distinct else "") + ", ".join(parts)

    def statement(
        self,
        name: str,
        body: str,
        returns: Returns,
        *,
        distinct: bool = False,
        order: Sequence[str] = (),
        limit: str | None = None,
        role: Role = Role.ANSWER,
        inputs: Inputs | None = None,
        without: Inputs | None = None,
    ) -> Statement:
        """A named statement: `body`, then the RETURN of the declared columns, the order and
        the limit; it holds the parameters gathered since the last one."""
        lines = [body, self.returns(returns, distinct)]
        if order:
            lines.append("ORDER BY " + ", ".join(order))
        if limit is not None:
            lines.append(f"LIMIT {limit}")
        return Statement(
            name,
            "\n".join(lines),
            tuple(column for column, _ in returns),
            role,
            self._take_params(),
            {k: tuple(v) for k, v in (inputs or {}).items()},
            {k: tuple(v) for k, v in (without or {}).items()},
        )

    def union(
        self,
        name: str,
        parts: Sequence[tuple[str, Returns]],
        *,
        role: Role = Role.ANSWER,
        inputs: Inputs | None = None,
    ) -> Statement:
        """Queries of the same columns, their rows together (`UNION ALL`)."""
        columns = {tuple(c for c, _ in returns) for _, returns in parts}
        if len(columns) != 1:
            raise ValueError(f"the parts of {name!r} return different columns: {columns}")
        cypher = "\nUNION ALL\n".join(f"{body}\n{self.returns(r)}" for body, r in parts)
        return Statement(
            name,
            cypher,
            columns.pop(),
            role,
            self._take_params(),
            {k: tuple(v) for k, v in (inputs or {}).items()},
        )

    def _take_params(self) -> dict[str, Any]:
        params, self.params = self.params, {}
        return params

    # --- hooks: where the dialects differ ------------------------------------------------
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

    def shortest_paths(
        self,
        a_label: str,
        a_id: str,
        b_label: str,
        b_id: str,
        within: int,
        relations: tuple[str, ...],
    ) -> str | None:
        """Clauses binding `p` to every shortest path of up to `within` relationships of the
        types `relations` (either direction) from the node `a_label` of id `a_id` to `b_label`
        of id `b_id` (parameters), from the dialect's `shortest`; None where it has none."""
        if self.shortest is None:
            return None
        types = "|".join(relations)
        return self.shortest.format(
            a_label=a_label, a_id=a_id, b_label=b_label, b_id=b_id, types=types, within=within
        )
