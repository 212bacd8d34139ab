"""`path from <ref> to <ref> [via <relations>] [within N]`: every shortest path between two
things along the relations a designer means (bpql/query/language.py PATH_VIA, PATH_DEFAULT), as a
graph and as a table listed path by path.

Each dialect says how it finds shortest paths (`Dialect.shortest_paths`); one that cannot is
refused with a user error naming the store.
"""

from __future__ import annotations

from typing import Any

from bpql.ids import node_key
from bpql.query import ir
from bpql.query.language import PATH_DEFAULT, PATH_VIA
from bpql.query.plan import Answer, Step
from bpql.query.render.base import Dialect
from bpql.query.statements.base import Slot, Spec, cannot_run, drawing, marked
from bpql.result import Graph, GraphPath, Kind, Result, Table
from bpql.schema import RELS


def plan(d: Dialect, query: ir.PathIR) -> list[Step]:
    a, b = query.source, query.target
    pa, pb = d.param(a.id, "source"), d.param(b.id, "target")
    # the types are the schema's, never the user's text: the resolver maps words to them
    relations = query.relations or PATH_DEFAULT
    assert all(t in RELS for t in relations), relations
    body = d.shortest_paths(a.label, pa, b.label, pb, query.within, relations)
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
    paths = _paths_from(answer["paths"].column("p"), node_key(query.source.label, query.source.id))
    return Result(
        Kind.GRAPH,
        graph=graph,
        title=title,
        highlight=marked(graph, [query.source, query.target]),
        table=_hops(graph, paths),
        paths=paths,
    )


def _hops(graph: Graph, paths: list[list[str]]) -> Table:
    """The paths one after another, never interleaved: a row per node with its path's number
    (1, 2, ...), its hop from the source (0 for the source itself) and the relationship that
    reached it from the previous node, `uses` when the previous node uses it, `<- uses` when
    it uses the previous node."""
    by_ends: dict[tuple[str, str], list[str]] = {}
    for e in graph.edges:
        by_ends.setdefault((e.source, e.target), []).append(e.type)
    rows: list[list[Any]] = []
    for number, keys in enumerate(paths, 1):
        for hop, key in enumerate(keys):
            node = graph.nodes[key]
            relation = ""
            if hop:
                before = keys[hop - 1]
                ahead = by_ends.get((before, key), [])
                back = by_ends.get((key, before), [])
                words = [_word(t) for t in sorted(ahead)] + [f"<- {_word(t)}" for t in sorted(back)]
                relation = ", ".join(words)
            rows.append([number, hop, relation, node.label, node.id, node.name])
    return Table(["path", "hop", "relation", "kind", "id", "name"], rows)


def _word(rel_type: str) -> str:
    return rel_type.lower().replace("_", " ")


def _paths_from(found: list[Any], start: str) -> list[list[str]]:
    """Each path as node keys from the source to the target, the paths in order of their keys
    (a store may hand a path over from either end)."""
    out = set()
    for p in found:
        if isinstance(p, GraphPath) and p.nodes:
            keys = [n.key for n in p.nodes]
            out.add(tuple(keys if keys[0] == start else keys[::-1]))
    return [list(p) for p in sorted(out)]


#: the kinds a path may end at: those a relation of `via` touches (a service, a blueprint and
#: a phase only through `via in`, which the resolver checks); never a fail point, evidence, a
#: metric, a persona or an observation
_ENDS = tuple(
    sorted(
        {
            label
            for types in PATH_VIA.values()
            for t in types
            for label in (RELS[t].src, RELS[t].dst)
        }
    )
)


SPEC: Spec[ir.PathIR] = Spec(
    plan,
    shape,
    signature=(
        Slot(("PATH", "FROM"), _ENDS, "path from"),
        Slot(("PATH", "FROM", "TO"), _ENDS, "to"),
    ),
)
