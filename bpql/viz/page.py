"""Results as self-contained HTML pages, drawn with pyvis and vis-network.

pyvis builds the node and edge lists and the options; the page itself is our own Jinja template,
because pyvis 0.3.2's template links Bootstrap from a CDN even with `cdn_resources="in_line"`.
vis-network's script and stylesheet are read from the pyvis package and written into the page,
with a Content-Security-Policy that forbids any fetch, so a page opens offline, from a file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from bpql.errors import BpqlError
from bpql.result import Graph, GraphEdge, GraphNode, Mark, Result
from bpql.viz import layout
from bpql.viz.base import (
    PAGE_CSP,
    SERVED_CSP,
    TEMPLATES,
    View,
    asset,
    hover_facts,
    jsonable,
    served,
    template,
)
from bpql.viz.blueprint import blueprint_view
from bpql.viz.drawing import LINT_COLOR, MOMENT_RING
from bpql.viz.style import (
    EDGE_LOOKS,
    FOCUS_RING,
    IMPACT_ROLES,
    LOOKS,
    Look,
    look_of,
)

#: up to this many nodes the browser lays the graph out with live physics
LIVE_PHYSICS_LIMIT = 300
#: above this many nodes a graph is drawn collapsed per service
DEFAULT_MAX_NODES = 3000
#: above this many nodes edge labels are left to the tooltips
EDGE_LABEL_LIMIT = 300


@cache
def _assets() -> dict[str, str]:
    import pyvis

    vis = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    out = {
        "vis_js": (vis / "vis-network.min.js").read_text(encoding="utf-8"),
        "vis_css": (vis / "vis-network.css").read_text(encoding="utf-8"),
    }
    # a literal "</script" or "</style" would end the inline element early
    out = {
        k: v.replace("</script", "<\\/script").replace("</style", "<\\/style")
        for k, v in out.items()
    }
    return {**out, "page_js": asset("page.js"), "page_css": asset("page.css")}


def _label(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


class _Page:
    """Collects nodes and edges into a pyvis Network, then renders our template."""

    def __init__(
        self, kind: str, title: str, physics: bool, edge_labels: bool, spring: int = 110
    ) -> None:
        self.kind = kind
        self.title = title
        self.edge_labels = edge_labels
        # vis-network's node and edge items, as pyvis's Node and Edge make them; the lists are
        # ours, because pyvis's Network tests each new node and edge against a list of every
        # node id (10x the nodes cost 64-87x at 1,000 to 10,000 services)
        self.items: list[dict[str, Any]] = []
        self.ids: set[str] = set()
        self.links: list[dict[str, Any]] = []
        self.physics = physics
        self.spring = spring
        self.names: dict[str, str] = {}
        self.kinds: dict[str, int] = {}

    def node(self, node: GraphNode, look: Look | None = None, **extra: Any) -> None:
        look = look or look_of(node)
        self.names[node.key] = node.name
        self.kinds[look.key] = self.kinds.get(look.key, 0) + 1
        options: dict[str, Any] = {
            "size": look.size,
            "kind": look.key,
            "kindTitle": f"{look.title} \u00b7 {node.id}",
            "fullName": node.name,
            "props": {k: jsonable(v) for k, v in hover_facts(node).items()},
        }
        options.update(extra)
        color = options.pop("color", look.color)
        shape = options.pop("shape", look.shape)
        label = options.pop("label", _label(node.name))
        if node.key not in self.ids:
            from pyvis.node import Node

            self.ids.add(node.key)
            self.items.append(Node(node.key, shape, label=label, color=color, **options).options)

    def edge(self, edge: GraphEdge, **extra: Any) -> None:
        color, dashed = EDGE_LOOKS.get(edge.type, ("#adb5bd", False))
        options: dict[str, Any] = {
            "type": edge.type,
            "fromName": self.names.get(edge.source, edge.source),
            "toName": self.names.get(edge.target, edge.target),
            "props": {k: jsonable(v) for k, v in sorted(edge.properties.items())},
            "color": color,
            "dashes": dashed,
        }
        if self.edge_labels:
            options["label"] = edge.type
        options.update(extra)
        from pyvis.edge import Edge

        assert edge.source in self.ids and edge.target in self.ids, edge
        self.links.append(Edge(edge.source, edge.target, True, **options).options)

    def legend(self) -> list[dict[str, Any]]:
        return [
            {"key": key, "title": look.title, "color": look.color, "count": self.kinds[key]}
            for key, look in LOOKS.items()
            if key in self.kinds
        ]

    def render(
        self, view: dict[str, Any], message: str | None = None, parts: dict[str, Any] | None = None
    ) -> View:
        """The page; `parts` are pieces of markup made (and escaped) in Python, such as the
        impact view's SVG bands, placed by the template rather than sent as data."""
        options: dict[str, Any] = {
            "autoResize": True,
            "nodes": {"font": {"size": 13, "color": "#212529"}, "borderWidth": 1},
            "edges": {
                "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                "font": {"size": 10, "color": "#6c757d", "strokeWidth": 3, "align": "middle"},
                "smooth": False,
                "width": 1.2,
            },
            "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True},
            "layout": {"improvedLayout": False},
        }
        if self.physics:
            options["physics"] = {
                "enabled": True,
                "solver": "forceAtlas2Based",
                "forceAtlas2Based": {
                    "gravitationalConstant": -60,
                    "springLength": self.spring,
                    "avoidOverlap": 0.4,
                },
                "stabilization": {"enabled": True, "iterations": 400, "fit": True},
            }
        else:
            options["physics"] = {"enabled": False}
        page = {"kind": self.kind, "title": self.title, "message": message, **view}
        page.setdefault("legend", self.legend())
        nodes, edges = self.items, self.links
        text = template("page.html").render(
            view=page,
            nodes=nodes,
            edges=edges,
            options=json.dumps(options),
            assets=_assets(),
            csp=PAGE_CSP,
            parts=parts or {},
        )
        return View(self.kind, self.title, text, len(nodes), len(edges), message)


def vis_items(graph: Graph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Nodes and edges as a page's vis-network data sets hold them (same looks, same hover),
    for a served page that adds a node's neighbours to what it draws."""
    page = _Page("graph", "", physics=True, edge_labels=len(graph.nodes) <= EDGE_LABEL_LIMIT)
    for key in sorted(graph.nodes):
        page.node(graph.nodes[key])
    for e in sorted(graph.edges, key=lambda e: (e.source, e.type, e.target)):
        page.edge(e)
    return list(page.items), list(page.links)


# --- the views ------------------------------------------------------------------------------


def render(
    result: Result,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str | None = None,
    live_physics: int = LIVE_PHYSICS_LIMIT,
) -> View:
    """The view that fits a result: blueprint, impact or graph.

    Up to `live_physics` nodes the browser lays the graph out itself; above it the positions
    are computed here; above `max_nodes` the graph is drawn collapsed per service.
    """
    # an answer read without its subgraph because it is too large (`undrawn`) is drawn from
    # its matrix; one read for its tables alone, or a table, has nothing to draw
    if result.graph is None and result.undrawn is None and result.kind in VIEWS:
        raise BpqlError(
            f"this {result.kind} answer was fetched for its tables, without its subgraph; "
            "draw the query itself, or query it with draw=True",
            code="BPQL-V024",
        )
    if result.graph is None and result.undrawn is None:
        raise BpqlError(
            "this query returns a table, which has nothing to draw; draw `show`, `path` or "
            "`impact of` queries, or a blueprint with --blueprint SERVICE",
            code="BPQL-V001",
        )
    view = VIEWS.get(result.kind)
    if view is None:
        raise BpqlError(f"no view draws a {result.kind} result", code="BPQL-V002")
    return view(result, max_nodes=max_nodes, title=title, live_physics=live_physics)


def _too_many(graph: Graph, max_nodes: int) -> str | None:
    n = len(graph.nodes)
    if n <= max_nodes:
        return None
    return (
        f"This result has {n:,} nodes, more than the {max_nodes:,} drawn one by one, so it is "
        "shown collapsed per service (shared things per kind). Narrow the query, or raise "
        "--max-nodes (`bpql viz`, `bpql serve`; max_nodes= from Python)."
    )


def _positions(graph: Graph, live_physics: int) -> dict[str, tuple[float, float]] | None:
    if len(graph.nodes) <= live_physics:
        return None
    keys = sorted(graph.nodes)
    return layout.force_layout(keys, ((e.source, e.target) for e in graph.edges))


def _ringed(node: GraphNode, role: str, ring: str, width: int, grow: int) -> dict[str, Any]:
    """Node options that ring a node in a highlight colour and make it a little larger."""
    look = look_of(node)
    return {
        "role": role,
        "borderWidth": width,
        "color": {"background": look.color, "border": ring},
        "size": look.size + grow,
    }


def graph_view(
    result: Result,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str | None = None,
    live_physics: int = LIVE_PHYSICS_LIMIT,
) -> View:
    """Any graph: nodes by kind, edges by type, live physics only while it stays quick."""
    assert result.graph is not None
    graph = result.graph
    heading = title or result.title or "BPQL graph"
    message = _too_many(graph, max_nodes)
    if message is not None:
        return _aggregate_view(graph, heading, message, live_physics)
    # the node a `show` is about, or the two ends of a `path`, wear the source's ring
    marked = {
        key: _ringed(graph.nodes[key], Mark.SOURCE, FOCUS_RING, width=4, grow=8)
        for key in result.highlight.get(Mark.SOURCE, [])
        if key in graph.nodes
    }
    roles = [{"title": "What the query is about", "color": FOCUS_RING, "style": "ring"}]
    view = {"roles": roles} if marked else {}
    return _draw(graph, "graph", heading, view, None, live_physics, marked)


def _draw(
    graph: Graph,
    kind: str,
    heading: str,
    view: dict[str, Any],
    message: str | None,
    live_physics: int,
    node_extra: dict[str, dict[str, Any]] | None = None,
    edge_extra: Callable[[GraphEdge], dict[str, Any]] | None = None,
    parts: dict[str, Any] | None = None,
) -> View:
    positions = _positions(graph, live_physics)
    labels = len(graph.nodes) <= EDGE_LABEL_LIMIT
    page = _Page(kind, heading, physics=positions is None, edge_labels=labels)
    for key in sorted(graph.nodes):
        extra = dict((node_extra or {}).get(key, {}))
        if positions is not None:
            x, y = positions[key]
            extra.update(x=round(x, 1), y=round(y, 1))
        page.node(graph.nodes[key], **extra)
    for e in sorted(graph.edges, key=lambda e: (e.source, e.type, e.target)):
        page.edge(e, **(edge_extra(e) if edge_extra else {}))
    if positions is not None and message is None:
        message = (
            f"{len(graph.nodes):,} nodes: laid out before drawing (no live physics above "
            f"{live_physics} nodes)."
        )
    return page.render(view, message, parts)


def _aggregate_view(graph: Graph, heading: str, message: str, live_physics: int) -> View:
    agg = layout.aggregate(graph)
    if agg.services:  # too many services for a group each: one per department
        message = message.replace(
            "collapsed per service (shared things per kind)",
            "collapsed per department (shared things per kind), as a group per service "
            f"would be more than {layout.MAX_GROUPS:,}; double-click a department for its "
            "services",
        )
    view = {
        "subtitle": f"{len(graph.nodes):,} nodes and {len(graph.edges):,} relationships in "
        f"{len(agg.graph.nodes)} groups",
        "represents": {"nodes": len(graph.nodes), "edges": len(graph.edges)},
    }
    return _groups_view(agg, heading, message, live_physics, view)


def _matrix_view(result: Result, heading: str, max_nodes: int, live_physics: int) -> View:
    """An answer reaching more steps than `max_nodes`, read without its subgraph: its
    departments and services, drawn from its matrix (`layout.from_matrix`)."""
    from bpql.viz import svg

    matrix = svg.department_matrix(result)
    agg = layout.from_matrix(matrix, result.service_ids)
    steps = int(result.undrawn or matrix["steps"])
    grouped = (
        f"per department, as a group per service would be more than {layout.MAX_GROUPS:,} "
        "(double-click a department for its services)"
        if agg.services
        else "as its departments and services"
    )
    message = (
        f"This answer reaches {steps:,} steps, more than the {max_nodes:,} nodes drawn one by "
        f"one, so its subgraph was not read and it is drawn {grouped}, an edge for the steps "
        "each department performs in each. Narrow the query, or raise --max-nodes "
        "(`bpql viz`, `bpql serve`; max_nodes= from Python)."
    )
    view = {
        "subtitle": f"{len(matrix['services']):,} services affected: {matrix['steps']:,} steps, "
        f"{matrix['visible']:,} of them customer-visible, in {len(agg.graph.nodes)} groups",
        "represents": {"steps": matrix["steps"], "services": len(matrix["services"])},
    }
    return _groups_view(agg, heading, message, live_physics, view)


def _groups_view(
    agg: layout.Aggregate, heading: str, message: str, live_physics: int, view: dict[str, Any]
) -> View:
    """A collapsed drawing: a node per group, sized by what it holds."""
    physics = len(agg.graph.nodes) <= live_physics
    page = _Page("aggregate", heading, physics=physics, edge_labels=False, spring=240)
    positions = (
        None
        if page.physics
        else layout.force_layout(
            sorted(agg.graph.nodes), ((e.source, e.target) for e in agg.graph.edges)
        )
    )
    weight = {key: agg.weights.get(key, len(m)) for key, m in agg.members.items()}
    biggest = max(weight.values(), default=1) or 1
    for key in sorted(agg.graph.nodes):
        node = agg.graph.nodes[key]
        look = LOOKS["Service"] if node.label == "Service" else look_of(node)
        extra: dict[str, Any] = {"size": 14 + 30 * (weight[key] / biggest) ** 0.5}
        if positions is not None:
            extra.update(x=positions[key][0], y=positions[key][1])
        if key in agg.services:  # what expanding the group adds, drawn by the page
            extra["services"] = [list(s) for s in agg.services[key]]
        page.node(node, look=look, **extra)
    for e in agg.graph.edges:
        n = int(e.properties.get("relationships", e.properties.get("steps", 1)))
        page.edge(e, width=1 + min(n, 40) ** 0.5)
    # how a service opened from a department group looks
    view["serviceLook"] = {"color": LOOKS["Service"].color, "shape": LOOKS["Service"].shape}
    return page.render(view, message)


def impact_view(
    result: Result,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str | None = None,
    live_physics: int = LIVE_PHYSICS_LIMIT,
) -> View:
    """The change's source, the directly affected and the customer-visible nodes stand out."""
    assert result.table is not None
    heading = title or result.title
    if result.graph is None:  # too many steps: its subgraph was not read
        return _matrix_view(result, heading, max_nodes, live_physics)
    graph = result.graph
    message = _too_many(graph, max_nodes)
    if message is not None:
        return _aggregate_view(graph, heading, message, live_physics)
    role_of: dict[str, str] = {}
    for role, _, _ in reversed(IMPACT_ROLES):
        for key in result.highlight.get(role, []):
            role_of[key] = role
    colours = {role: colour for role, _, colour in IMPACT_ROLES}
    node_extra: dict[str, dict[str, Any]] = {}
    for key, node in graph.nodes.items():
        if key not in role_of:
            node_extra[key] = {"opacity": 0.3, "role": "other"}
        else:
            role = role_of[key]
            source = role == Mark.SOURCE
            node_extra[key] = _ringed(
                node, role, colours[role], width=5 if source else 3, grow=10 if source else 4
            )
            node_extra[key]["font"] = {"size": 14, "color": "#000000", "bold": True}
    highlighted = set(role_of)

    def edge_extra(e: GraphEdge) -> dict[str, Any]:
        if e.source in highlighted and e.target in highlighted:
            return {}
        return {"color": {"color": EDGE_LOOKS.get(e.type, ("#adb5bd", False))[0], "opacity": 0.25}}

    # each role counts every node that has it (a customer-visible step reached directly is
    # both), as the answer's JSON and table count them; the ring shows the strongest role
    counts = {
        role: sum(1 for k in result.highlight.get(role, []) if k in graph.nodes)
        for role, _, _ in IMPACT_ROLES
    }
    from bpql.viz import svg

    bands = svg.impact_bands(result)
    matrix = svg.department_matrix(result)
    view = {
        "subtitle": result.subtitle
        or f"{len(result.table.rows)} services affected: {matrix['steps']} steps, "
        f"{matrix['visible']} of them customer-visible",
        "roles": [
            {"title": words, "color": colour, "style": "ring", "count": counts[role]}
            for role, words, colour in IMPACT_ROLES
        ],
        "summary": result.table.to_json(),
        # each affected step and its route (also on the step's node: route, via, hops)
        "steps": result.steps.to_json() if result.steps is not None else None,
        "matrix": matrix,
        "routes": svg.route_legend(result),
        "impact": {
            "services": len(result.table.rows),
            "steps": matrix["steps"],
            "visible": matrix["visible"],
        },
    }
    parts = {"bands": [{"service": b.name, "svg": b.svg} for b in bands]}
    return _draw(
        graph, "impact", heading, view, message, live_physics, node_extra, edge_extra, parts
    )


__all__ = ["View", "blueprint_view", "graph_view", "impact_view", "render"]


#: which view draws each kind of result (`Result.kind`)
VIEWS: dict[str, Callable[..., View]] = {
    "graph": graph_view,
    "impact": impact_view,
    "blueprint": lambda result, title=None, **_: blueprint_view(result, title=title),
}


def _diff_view(result: Result, **options: Any) -> View:
    """The redesign diff view, imported when drawn: it reads `bpql.analysis.compare`, which a
    query's view has no need of (diffview imports nothing of this module)."""
    from bpql.viz.diffview import diff_result_view

    return diff_result_view(result, **options)


def _observed_view(result: Result, **options: Any) -> View:
    """The observed blueprint (bpql observe), imported when drawn."""
    from bpql.viz.observed import observed_view

    return observed_view(result, **options)


#: the redesign's results: the diff of two blueprints, and what-if answers (drawn as impact);
#: the observed blueprint
VIEWS.update(diff=_diff_view, whatif=impact_view, observed=_observed_view)

#: names kept here for the modules that import them from this one
__all__ += ["LINT_COLOR", "MOMENT_RING", "PAGE_CSP", "SERVED_CSP", "TEMPLATES", "served"]
