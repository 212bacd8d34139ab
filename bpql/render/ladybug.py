"""LadybugDB: one table per label, so a step's lane is a property; `lower` for lower-casing;
`ALL SHORTEST` recursive patterns for shortest paths; nodes named by `Label:id` (no element
ids to seek by)."""

from __future__ import annotations

from bpql import ir
from bpql.render.base import Dialect


class LadybugDialect(Dialect):
    name = "ladybug"
    title = "LadybugDB (the embedded store)"
    lower = "lower"

    def node_key(self, var: str) -> str:
        # `Label:id`: ids are unique per label, and the id is a primary key to look up
        return f"label({var}) + ':' + {var}.id"

    def lookup(self, var: str, param: str) -> str:
        # the id part of each key joins on the primary keys of every node table (an
        # unlabelled MATCH over all nodes tested against the list is 10x slower)
        return (
            f"UNWIND ${param} AS k_{var}\n"
            f"MATCH ({var} {{id: regexp_extract(k_{var}, '^[^:]*:(.*)$', 1)}})\n"
            f"WHERE {self.node_key(var)} = k_{var}"
        )

    def rel_type(self, var: str) -> str:
        return f"label({var})"

    def path_plan(self, query: ir.PathIR) -> list[ir.Statement]:
        a, b = query.source, query.target
        pa, pb = self.param(a.id, "source"), self.param(b.id, "target")
        cypher = (
            f"MATCH p = (a:{a.label})-[* ALL SHORTEST 1..{query.within}]-(b:{b.label})\n"
            f"WHERE a.id = {pa} AND b.id = {pb}\n"
            "RETURN p"
        )
        return [self.statement("paths", cypher)]
