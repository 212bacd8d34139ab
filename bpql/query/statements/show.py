"""`show <ref> [depth N] [scenario ...]`: the neighbourhood of a thing, as a graph.

Breadth first, level by level, so its cost grows with the nodes returned rather than with the
paths (`-[*1..depth]-` enumerated every path: past 35 s and 5 GB at depth 5 on seven
services). A plan's statements of node keys with their `depth` let `check` stop it past
`max_nodes`, before the nodes are fetched. LadybugDB has its own plan (`* SHORTEST`,
bpql/query/render/ladybug.py); both give the steps this shaper reads.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bpql.errors import QueryError
from bpql.ids import node_key, scenario_of
from bpql.query import ir
from bpql.query.plan import Answer, Source, Step
from bpql.query.render.base import Dialect
from bpql.query.statements.base import Slot, Spec, marked
from bpql.result import Graph, GraphEdge, GraphNode, Kind, Result


def plan(d: Dialect, query: ir.ShowIR) -> list[Step]:
    """Level by level, the keys of the nodes next to the previous level's new ones (each
    level less the ones before); then those nodes, and the relationships of every node nearer
    than `depth`, which are exactly the relationships of the paths of up to `depth` steps."""
    t = query.target
    levels = ["level0"]
    out: list[Step] = [
        d.statement(
            "level0",
            f"MATCH (c:{t.label}) WHERE c.id = {d.param(t.id, 'id')}",
            [("key", d.node_key("c")), ("depth", "0")],
        )
    ]
    for depth in range(1, query.depth + 1):
        out.append(
            d.statement(
                f"level{depth}",
                f"{d.lookup('a', 'frontier')}\nMATCH (a)-[]-(x)",
                [("key", d.node_key("x")), ("depth", str(depth))],
                distinct=True,
                inputs={"frontier": [Source(levels[-1], "key")]},
                without={"frontier": [Source(name, "key") for name in levels[:-1]]},
            )
        )
        levels.append(f"level{depth}")
    inner = {"inner": [Source(name, "key") for name in levels[:-1]]}
    out.append(
        d.statement(
            "nodes",
            d.lookup("x", "nodes"),
            [("key", d.node_key("x")), ("x", "x")],
            inputs={"nodes": [Source(name, "key") for name in levels]},
        )
    )
    ka, kx, rt = d.node_key("a"), d.node_key("x"), d.rel_type("r")
    for name, arrow, ends in (
        ("edges.out", "-[r]->", [("source", ka), ("type", rt), ("target", kx)]),
        ("edges.in", "<-[r]-", [("source", kx), ("type", rt), ("target", ka)]),
    ):
        out.append(
            d.statement(name, f"{d.lookup('a', 'inner')}\nMATCH (a){arrow}(x)", ends, inputs=inner)
        )
    return out


def check(query: ir.ShowIR, name: str, answer: Answer) -> None:
    """Stop a neighbourhood as soon as its nodes so far pass `query.max_nodes`, before they
    are fetched, naming the depth that still fits. Every step of node keys and their `depth`
    counts (one per level, or all levels at once)."""
    if "depth" not in answer[name].columns:
        return
    nearest: dict[Any, int] = {}
    for rows in answer.values():
        if "depth" not in rows.columns:
            continue
        for key, depth in rows.select("key", "depth"):
            if depth < nearest.get(key, depth + 1):
                nearest[key] = depth
    per: defaultdict[int, int] = defaultdict(int)
    for depth in nearest.values():
        per[depth] += 1
    sizes: list[int] = []
    for depth in range(max(per, default=0) + 1):
        sizes.append(per[depth] + (sizes[-1] if sizes else 0))
    if not sizes or sizes[-1] <= query.max_nodes:
        return
    t = query.target
    depth = next(d for d, n in enumerate(sizes) if n > query.max_nodes)
    fits = f"depth {depth - 1} holds {sizes[depth - 1]:,}" if depth > 1 else ""
    raise QueryError(
        f'show {t.label.lower()} "{t.name}" depth {query.depth} reaches more than '
        f"{query.max_nodes:,} nodes ({sizes[depth]:,} by depth {depth})",
        code="BPQL-Q120",
        hints=[
            (f"lower the depth ({fits})" if fits else "show a thing with fewer neighbours")
            + ", or narrow the question with `find` or `impact of`"
        ],
    )


#: the columns of a step of nodes: each node's key, and the node (`nodes`; on LadybugDB also
#: `centre`, the thing itself)
NODES = ("key", "x")


def shape(query: ir.ShowIR, answer: Answer) -> Result:
    nodes: dict[Any, GraphNode] = {}
    for st in answer.plan.statements:
        if st.columns == NODES:
            nodes.update(answer[st.name].select(*NODES))
    graph = Graph()
    for node in sorted(nodes.values(), key=lambda n: n.key):
        graph.add_node(node)
    for name in ("edges.out", "edges.in"):
        for source, rel, target in answer[name].select("source", "type", "target"):
            if source in nodes and target in nodes:
                graph.add_edge(GraphEdge(nodes[source].key, nodes[target].key, rel))
    if query.scenario is not None:
        graph = _within_scenario(
            graph, node_key(query.target.label, query.target.id), query.scenario, query.depth
        )
    return Result(Kind.GRAPH, graph=graph, highlight=marked(graph, [query.target]))


def _within_scenario(graph: Graph, centre: str, scenario: str, depth: int) -> Graph:
    """The part of a neighbourhood reached from its centre without entering another
    scenario's blueprint: things of other blueprints go, and so do shared things reached only
    through them (a system only a to-be step uses is not around the as-is service)."""
    if centre not in graph.nodes:  # gone since the query was resolved
        return Graph()

    def allowed(key: str) -> bool:
        n = graph.nodes[key]
        return scenario_of(n.label, n.id) in (None, scenario)

    near: defaultdict[str, set[str]] = defaultdict(set)
    for e in graph.edges:
        if allowed(e.source) and allowed(e.target):
            near[e.source].add(e.target)
            near[e.target].add(e.source)
    dist = {centre: 0}
    frontier = [centre]
    for d in range(1, depth + 1):
        frontier = [m for k in frontier for m in sorted(near[k]) if m not in dist]
        for m in frontier:
            dist.setdefault(m, d)
    out = Graph()
    for key in sorted(dist):
        out.add_node(graph.nodes[key])
    for e in graph.edges:
        if e.source in dist and e.target in dist and min(dist[e.source], dist[e.target]) < depth:
            out.add_edge(e)
    return out


SPEC: Spec[ir.ShowIR] = Spec(plan, shape, signature=(Slot(("SHOW",), None, "show"),), check=check)
