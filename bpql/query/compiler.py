"""The compiler on its own: BPQL text to Cypher plans, with no database.

References resolve against a `Catalog` (ids and names per label). The engine passes one read
from the store; tests and `bpql explain --offline` pass one built from files (`GraphCatalog`).
"""

from __future__ import annotations

from bpql.errors import QueryError
from bpql.graphdata import GraphData
from bpql.query import ir
from bpql.query.parser import parse
from bpql.query.plan import Plan
from bpql.query.render import DIALECTS
from bpql.query.resolve import Catalog, Resolver
from bpql.query.statements import plan_of


class GraphCatalog:
    """Ids and names per label from graph data (validated files), for compiling offline."""

    def __init__(self, graph: GraphData) -> None:
        self._entries = {
            label: sorted((str(r["id"]), str(r.get("name") or "")) for r in rows)
            for label, rows in graph.nodes.items()
        }

    def entries(self, label: str) -> list[tuple[str, str]]:
        return self._entries.get(label, [])


def resolve_text(text: str, catalog: Catalog) -> list[ir.QueryIR | ir.ExplainIR]:
    """Parse and resolve every statement; errors carry the query text for the caret."""
    resolver = Resolver(catalog)
    out = []
    for stmt in parse(text):
        try:
            out.append(resolver.resolve(stmt))
        except QueryError as exc:
            raise exc.with_source(text) from None
    return out


def compile_ir(query: ir.QueryIR, dialect: str) -> Plan:
    """The query's plan for `dialect` (bpql/statements)."""
    return plan_of(query, DIALECTS[dialect]())


def compile_text(text: str, catalog: Catalog, dialect: str) -> list[Plan]:
    """Every statement of `text` as Cypher for `dialect` (`explain` is looked through)."""
    return [
        compile_ir(q.query if isinstance(q, ir.ExplainIR) else q, dialect)
        for q in resolve_text(text, catalog)
    ]
