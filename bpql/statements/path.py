"""`path from <ref> to <ref> [within N]`: every shortest path between two things, as a graph.

Each dialect says how it finds shortest paths (`Dialect.shortest_paths`); one that cannot is
refused with a user error naming the store.
"""

from __future__ import annotations

from typing import Any

from bpql import ir
from bpql.ids import node_key
from bpql.plan import Answer, Step
from bpql.render.base import Dialect
from bpql.result import GraphPath, Kind, Result
from bpql.statements.base import Slot, Spec, cannot_run, drawing, marked


def plan(d: Dialect, query: ir.PathIR) -> list[Step]:
    a, b = query.source, query.target
    pa, pb = d.param(a.id, "source"), d.param(b.id, "target")
    body = d.shortest_paths(a.label, pa, b.label, pb, query.within)
    if body is None:
        raise cannot_run(query.kind, d.title)
    return [d.statement("paths", body, [("p", "p")])]


def shape(query: ir.PathIR, answer: Answer) -> Result:
    graph = drawing(answer, ["paths"])
    title = ""
    if not graph.edges:
        title = (
            f'no path from {query.source.label.lower()} "{query.source.name}" to '
            f'{query.target.label.lower()} "{query.target.name}" within '
            f"{query.within} steps"
        )
    return Result(
        Kind.GRAPH,
        graph=graph,
        title=title,
        highlight=marked(graph, [query.source, query.target]),
        paths=_paths_from(
            answer["paths"].column("p"), node_key(query.source.label, query.source.id)
        ),
    )


def _paths_from(found: list[Any], start: str) -> list[list[str]]:
    """Each path as node keys from the source to the target, the paths in order of their keys
    (a store may hand a path over from either end)."""
    out = set()
    for p in found:
        if isinstance(p, GraphPath) and p.nodes:
            keys = [n.key for n in p.nodes]
            out.add(tuple(keys if keys[0] == start else keys[::-1]))
    return [list(p) for p in sorted(out)]


SPEC: Spec[ir.PathIR] = Spec(
    plan,
    shape,
    signature=(Slot(("PATH", "FROM"), None, "path from"), Slot(("PATH", "FROM", "TO"), None, "to")),
)
