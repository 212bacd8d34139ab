"""LadybugDB: one table per label, so a step's lane is a property; `lower` for lower-casing;
`ALL SHORTEST` recursive patterns for shortest paths."""

from __future__ import annotations

from typing import Any

from bpql import ir
from bpql.render.base import Dialect


class LadybugDialect(Dialect):
    name = "ladybug"
    lower = "lower"

    def path(self, query: ir.PathIR) -> tuple[str, dict[str, Any]]:
        a, b = query.source, query.target
        pa, pb = self.param(a.id, "source"), self.param(b.id, "target")
        cypher = (
            f"MATCH p = (a:{a.label})-[* ALL SHORTEST 1..{query.within}]-(b:{b.label})\n"
            f"WHERE a.id = {pa} AND b.id = {pb}\n"
            "RETURN p"
        )
        return cypher, self._take_params()
