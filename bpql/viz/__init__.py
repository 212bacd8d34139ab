"""Results drawn as self-contained, offline HTML pages (graph, blueprint and impact views)."""

from bpql.viz.page import (
    DEFAULT_MAX_NODES,
    LIVE_PHYSICS_LIMIT,
    View,
    blueprint_view,
    graph_view,
    impact_view,
    render,
)

__all__ = [
    "DEFAULT_MAX_NODES",
    "LIVE_PHYSICS_LIMIT",
    "View",
    "blueprint_view",
    "graph_view",
    "impact_view",
    "render",
]
