"""LadybugDB: one table per label, so a step's lane is a property; `lower` for lower-casing;
`ALL SHORTEST` recursive patterns for shortest paths."""

from __future__ import annotations

from bpql import ir
from bpql.render.base import Dialect


class LadybugDialect(Dialect):
    name = "ladybug"
    title = "LadybugDB (the embedded store)"
    lower = "lower"

    def path_plan(self, query: ir.PathIR) -> list[ir.Statement]:
        a, b = query.source, query.target
        pa, pb = self.param(a.id, "source"), self.param(b.id, "target")
        cypher = (
            f"MATCH p = (a:{a.label})-[* ALL SHORTEST 1..{query.within}]-(b:{b.label})\n"
            f"WHERE a.id = {pa} AND b.id = {pb}\n"
            "RETURN p"
        )
        return [self.statement("paths", cypher)]
