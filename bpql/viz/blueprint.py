"""The blueprint view: one blueprint as the classic diagram, drawn as SVG (`bpql.viz.drawing`)
on a page with its legend beside it. The page, the `.svg` export and the `.png` export are the
same drawing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bpql.result import Graph, Result
from bpql.viz import drawing
from bpql.viz.base import View, drawing_page
from bpql.viz.drawing import DiffMark
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


def blueprint_page(
    kind: str,
    result: Result,
    heading: str,
    items: list[tuple[str, str]],
    marks: dict[str, DiffMark] | None = None,
) -> View:
    """The drawing of `result`'s blueprint (its steps wearing `marks`, if any) on a page of
    `kind`, with the legend `items` beside it and under its SVG and PNG exports."""
    assert result.graph is not None
    graph = result.graph
    drawn = drawing.draw_blueprint(graph, marks=marks)
    plan = drawn.plan
    svg = drawing.document(
        drawn.parts, Rect(plan.left, plan.top, plan.width, plan.bottom + 12), inline=True
    )
    picture = drawing.framed(drawn, heading, result.subtitle, items)
    side = {"subtitle": result.subtitle, "kinds": kinds(graph)}
    return drawing_page(
        kind, heading, svg, side, keys(items), drawn.nodes, drawn.edges, picture=picture
    )


def blueprint_view(result: Result, *, title: str | None = None) -> View:
    """One blueprint: bands per lane, phases as columns, steps as boxes holding their whole
    names, fail points under their steps, lines routed around everything."""
    assert result.graph is not None
    items = drawing.legend_items(result.graph)
    return blueprint_page("blueprint", result, title or result.title, items)


__all__ = ["blueprint_page", "blueprint_view", "keys", "kinds"]
