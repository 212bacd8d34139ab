"""LadybugDB: one table per label, so a step's lane is a property; `lower` for lower-casing;
`ALL SHORTEST` recursive patterns for shortest paths; `* SHORTEST` for a neighbourhood."""

from __future__ import annotations

from bpql import ir
from bpql.render.base import Dialect


class LadybugDialect(Dialect):
    name = "ladybug"
    title = "LadybugDB (the embedded store)"
    lower = "lower"

    def node_key(self, var: str) -> str:
        return f"label({var}) + ':' + {var}.id"

    def rel_type(self, var: str) -> str:
        return f"label({var})"

    def show_plan(self, query: ir.ShowIR) -> list[ir.Statement]:
        """The neighbourhood by LadybugDB's own breadth-first search: `* SHORTEST` reaches
        each node once, by one shortest path (the whole 35,000-node synthetic graph in 0.3 s),
        where looking a list of nodes up costs a scan of their table per level. `levels`
        gives every node's distance, so the engine can stop at `max_nodes` before fetching
        them; then the nodes, and the relationships of the nodes nearer than the depth."""
        t = query.target
        centre = f"MATCH (c:{t.label}) WHERE c.id = $id"
        reach = f"MATCH p = (c:{t.label})-[* SHORTEST 1..{query.depth}]-(x) WHERE c.id = $id"
        distance = "length(p)"
        if query.depth == 1:  # the neighbours themselves: no search needed
            reach = f"MATCH (c:{t.label})-[]-(x) WHERE c.id = $id WITH DISTINCT x"
            distance = "1"
        key_c, key_a, key_x = self.node_key("c"), self.node_key("a"), self.node_key("x")
        out = []
        self.param(t.id, "id")
        out.append(
            self.statement(
                "levels",
                f"{centre} RETURN {key_c} AS key, 0 AS depth\nUNION ALL\n"
                f"{reach} RETURN {key_x} AS key, {distance} AS depth",
            )
        )
        self.param(t.id, "id")
        out.append(self.statement("centre", f"{centre} RETURN {key_c} AS key, c"))
        self.param(t.id, "id")
        out.append(self.statement("nodes", f"{reach} RETURN {key_x} AS key, x"))
        rt = self.rel_type("r")
        for name, arrow, ends in (
            ("edges.out", "-[r]->", f"{key_a} AS source, {rt} AS type, {key_x} AS target"),
            ("edges.in", "<-[r]-", f"{key_x} AS source, {rt} AS type, {key_a} AS target"),
        ):
            branches = [f"MATCH (a:{t.label}){arrow}(x) WHERE a.id = $id RETURN {ends}"]
            if query.depth > 1:
                branches.append(
                    f"MATCH (c:{t.label})-[* SHORTEST 1..{query.depth - 1}]-(a) "
                    f"WHERE c.id = $id\nMATCH (a){arrow}(x) RETURN {ends}"
                )
            self.param(t.id, "id")
            out.append(self.statement(name, "\nUNION ALL\n".join(branches)))
        return out

    def path_plan(self, query: ir.PathIR) -> list[ir.Statement]:
        a, b = query.source, query.target
        pa, pb = self.param(a.id, "source"), self.param(b.id, "target")
        cypher = (
            f"MATCH p = (a:{a.label})-[* ALL SHORTEST 1..{query.within}]-(b:{b.label})\n"
            f"WHERE a.id = {pa} AND b.id = {pb}\n"
            "RETURN p"
        )
        return [self.statement("paths", cypher)]
