"""The blueprint view: one blueprint as the classic diagram, drawn as SVG (`bpql.viz.drawing`)
on a page with its legend beside it. The page, the `.svg` export and the `.png` export are the
same drawing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bpql.result import Graph, Result
from bpql.viz import drawing
from bpql.viz.base import View, drawing_page
from bpql.viz.layout import Rect
from bpql.viz.style import LOOKS


def kinds(graph: Graph) -> list[dict[str, Any]]:
    """The legend's kinds with how many of each the drawing holds, for the filter."""
    counts = drawing.counts(graph)
    return [
        {"key": key, "title": look.title, "color": look.color, "count": counts[key]}
        for key, look in LOOKS.items()
        if counts.get(key)
    ]


def keys(items: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"svg": svg, "words": words, "count": None} for svg, words in items]


def blueprint_view(result: Result, *, title: str | None = None) -> View:
    """One blueprint: bands per lane, phases as columns, steps as boxes holding their whole
    names, fail points under their steps, lines routed around everything."""
    assert result.graph is not None
    graph = result.graph
    heading = title or result.title
    drawn = drawing.draw_blueprint(graph)
    plan = drawn.plan
    svg = drawing.document(
        drawn.parts, Rect(plan.left, plan.top, plan.width, plan.bottom + 12), inline=True
    )
    picture = drawing.framed(drawn, heading, result.subtitle, drawing.legend_items(graph))
    side = {"subtitle": result.subtitle, "kinds": kinds(graph)}
    return drawing_page(
        "blueprint",
        heading,
        svg,
        side,
        keys(drawing.legend_items(graph)),
        drawn.nodes,
        drawn.edges,
        picture=picture,
    )


__all__ = ["blueprint_view", "keys", "kinds"]
