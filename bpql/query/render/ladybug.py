"""LadybugDB: one table per label, so a step's lane is a property; `lower` for lower-casing;
`ALL SHORTEST` recursive patterns for shortest paths; `* SHORTEST` for a neighbourhood."""

from __future__ import annotations

from typing import ClassVar

from bpql.query import ir
from bpql.query.plan import Step
from bpql.query.render.base import Dialect, PlanFn
from bpql.schema import within


def show_plan(d: Dialect, query: ir.ShowIR) -> list[Step]:
    """The neighbourhood by LadybugDB's own breadth-first search: `* SHORTEST` reaches each
    node once, by one shortest path (the whole 35,000-node synthetic graph in 0.3 s), where
    looking a list of nodes up costs a scan of their table per level. `levels` gives every
    node's distance, so the engine can stop at `max_nodes` before fetching them; then the
    nodes, and the relationships of the nodes nearer than the depth."""
    t = query.target
    centre = f"MATCH (c:{t.label}) WHERE c.id = $id"

    def reach(end: str = "x") -> str:
        if query.depth == 1:  # the neighbours themselves: no search needed
            return f"MATCH (c:{t.label})-[]-({end}) WHERE c.id = $id WITH DISTINCT x"
        return f"MATCH p = (c:{t.label})-[* SHORTEST 1..{query.depth}]-({end}) WHERE c.id = $id"

    distance = "1" if query.depth == 1 else "length(p)"
    key_c, key_a, key_x = d.node_key("c"), d.node_key("a"), d.node_key("x")
    d.param(t.id, "id")
    out: list[Step] = [
        d.union(
            "levels",
            [
                (centre, [("key", key_c), ("depth", "0")]),
                (reach(), [("key", key_x), ("depth", distance)]),
            ],
        )
    ]
    d.param(t.id, "id")
    # the centre apart: LadybugDB types a column of a UNION by the table of its first part
    out.append(d.statement("centre", centre, [("key", key_c), ("x", "c")]))
    # the nodes one label at a time: a node of no label comes back with the columns of every
    # table (91 here, most of them empty), which made fetching it five times slower
    for label in within(t.label, query.depth):
        d.param(t.id, "id")
        out.append(d.statement(f"nodes.{label}", reach(f"x:{label}"), [("key", key_x), ("x", "x")]))
    rt = d.rel_type("r")
    for name, arrow, ends in (
        ("edges.out", "-[r]->", [("source", key_a), ("type", rt), ("target", key_x)]),
        ("edges.in", "<-[r]-", [("source", key_x), ("type", rt), ("target", key_a)]),
    ):
        parts = [(f"MATCH (a:{t.label}){arrow}(x) WHERE a.id = $id", ends)]
        if query.depth > 1:
            parts.append(
                (
                    f"MATCH (c:{t.label})-[* SHORTEST 1..{query.depth - 1}]-(a) "
                    f"WHERE c.id = $id\nMATCH (a){arrow}(x)",
                    ends,
                )
            )
        d.param(t.id, "id")
        out.append(d.union(name, parts))
    return out


class LadybugDialect(Dialect):
    name = "ladybug"
    title = "LadybugDB (the embedded store)"
    lower = "lower"
    TRANSFORMS: ClassVar[dict[type, PlanFn]] = {ir.ShowIR: show_plan}
    shortest = (
        "MATCH p = (a:{a_label})-[:{types}* ALL SHORTEST 1..{within}]-(b:{b_label})\n"
        "WHERE a.id = {a_id} AND b.id = {b_id}"
    )

    def node_key(self, var: str) -> str:
        return f"label({var}) + ':' + {var}.id"

    def rel_type(self, var: str) -> str:
        return f"label({var})"
