"""The diff view: each compared pair of blueprints drawn in the blueprint layout, the old one
above the new, with what was added (green), removed (red) and changed (amber) marked.

It reuses the blueprint layout (`layout.blueprint_layout`) and the page machinery of
`bpql.viz.page` (the same template, inline assets and Content-Security-Policy), so it opens
offline like every other view. Reads a `Comparison` only, never a store.
"""

from __future__ import annotations

from typing import Any

from bpql.compare import BlueprintDiff, Comparison, Side
from bpql.errors import BpqlError
from bpql.ids import node_key
from bpql.result import Graph, GraphEdge, GraphNode, Result
from bpql.schema import RELS
from bpql.viz import layout
from bpql.viz.page import View, _label, _Page
from bpql.viz.style import look_of

#: the marks, as (diff key, words, colour)
MARKS: tuple[tuple[str, str, str], ...] = (
    ("added", "Added (green)", "#2b9348"),
    ("removed", "Removed (red)", "#d62828"),
    ("changed", "Changed (amber)", "#f4a100"),
)
COLOURS = {k: c for k, _, c in MARKS}
#: an unchanged fail point: grey, as red means removed here
UNCHANGED = "#adb5bd"
#: the room for a diagram's heading above its bands, and between two diagrams
HEADING = 120
GAP = 160
#: the relationships the diagram draws between its things
DRAWN = ("NEXT", "SUPPORTS", "SHOWS", "AT_TOUCHPOINT", "USES", "HAS_FAIL_POINT")


def side_graph(side: Side, tag: str) -> Graph:
    """A blueprint's own graph as the blueprint view draws it; every id carries `tag` so
    that the two sides' shared things (the same touchpoint, the same system) stay apart."""
    g = side.graph
    phase_of = dict(g.rels["IN_PHASE"])
    out = Graph()
    for label, rows in g.nodes.items():
        if label in ("Service", "Blueprint", "Role", "Department", "Persona", "Metric"):
            continue
        for props in rows:
            p = dict(props)
            if label == "Step":
                p["phase"] = f"{tag}|{phase_of[p['id']]}" if p["id"] in phase_of else None
            out.add_node(GraphNode(label, f"{tag}|{p['id']}", (label,), p))
    for t in DRAWN:
        rel = RELS[t]
        for s, d in g.rels[t]:
            a, b = node_key(rel.src, f"{tag}|{s}"), node_key(rel.dst, f"{tag}|{d}")
            if a in out.nodes and b in out.nodes:
                out.add_edge(GraphEdge(a, b, t, {}))
    return out


def _marks(d: BlueprintDiff) -> tuple[dict[str, str], dict[str, str]]:
    """The mark of each marked node: on the old side (removed, changed) and the new (added,
    changed). A change is counted on the new side only."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    for label, removed, added, changed in (
        ("Step", d.removed, d.added, d.changed),
        ("FailPoint", d.fail_removed, d.fail_added, d.fail_changed),
    ):
        for x in removed:
            old[node_key(label, f"old|{x.id}")] = "removed"
        for x in added:
            new[node_key(label, f"new|{x.id}")] = "added"
        for c in changed:
            old[node_key(label, f"old|{c.before.id}")] = "changed"
            new[node_key(label, f"new|{c.after.id}")] = "changed"
    return old, new


def diff_view(comparison: Comparison, *, title: str | None = None) -> View:
    """Every pair, one under the other: the old blueprint, then the new, then the next pair."""
    heading = title or (
        f"diff: {comparison.before_label} -> {comparison.after_label}"
        if comparison.mode == "versions"
        else "diff: as-is -> to-be"
    )
    page = _Page("diff", heading, physics=False, edge_labels=False)
    bands: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    width = 0.0
    top = 0.0
    counted = {k: 0 for k, _, _ in MARKS}
    edges: list[GraphEdge] = []
    for d in comparison.blueprints:
        marks = _marks(d)
        sides = (("old", d.before, d.heads[0], marks[0]), ("new", d.after, d.heads[1], marks[1]))
        for tag, side, words, marked in sides:
            graph = side_graph(side, tag)
            plan = layout.blueprint_layout(graph)
            shift = top + HEADING - plan.bands[0].top
            bands.append(
                {
                    "title": f"{words}: {side.title} ({side.blueprint})",
                    "top": top,
                    "bottom": top + HEADING,
                }
            )
            for b in plan.bands:
                bands.append({"title": b.title, "top": b.top + shift, "bottom": b.bottom + shift})
            lines.extend({"title": t.capitalize(), "y": y + shift} for t, y in plan.lines)
            width = max(width, plan.width)
            for key in sorted(graph.nodes):
                node = graph.nodes[key]
                x, y = plan.positions[key]
                real = node.id.split("|", 1)[1]
                extra: dict[str, Any] = {
                    "x": x,
                    "y": y + shift,
                    "fixed": True,
                    # the hover names the real id and the side, not the tag that keeps the
                    # two sides' shared things apart
                    "kindTitle": f"{look_of(node).title} \u00b7 {real} ({words})",
                }
                mark = marked.get(key)
                if (tag == "new" and mark in ("added", "changed")) or mark == "removed":
                    counted[mark] += 1
                if mark is not None:
                    extra.update(
                        diff=mark,
                        borderWidth=5,
                        size=look_of(node).size + 6,
                        color={"background": COLOURS[mark], "border": COLOURS[mark]},
                        font={"size": 14, "bold": True},
                    )
                elif node.label != "Phase":
                    # what did not change steps back, so the marks stand out (and a fail
                    # point's own red is not read as "removed")
                    extra["opacity"] = 0.4
                    if node.label == "FailPoint":
                        extra["color"] = UNCHANGED
                if node.label == "Phase":
                    extra.update(shape="box", color="#e9ecef", font={"size": 16, "bold": True})
                if node.label == "FailPoint":
                    extra["label"] = _label(node.name, 32)
                page.node(node, **extra)
            edges.extend(graph.edges)
            top = shift + plan.bands[-1].bottom + GAP
    for e in sorted(edges, key=lambda e: (e.source, e.type, e.target)):
        page.edge(
            e, **({"smooth": {"type": "curvedCW", "roundness": 0.15}} if e.type == "NEXT" else {})
        )
    counts = comparison.counts()
    assert counted == counts, (counted, counts)  # the page marks exactly what the diff found
    view = {
        "subtitle": f"{counts['added']} added, {counts['removed']} removed, "
        f"{counts['changed']} changed (steps and fail points)",
        "bands": bands,
        "lines": lines,
        "phases": [],
        "left": -layout.COLUMN * 1.6,
        "width": width,
        # what the page fits into its frame, as the blueprint view gives it
        "top": (bands[0]["top"] if bands else 0.0) - 40,
        "bottom": bands[-1]["bottom"] if bands else 0.0,
        "diff": counts,
        "extra": {
            "title": "Changes",
            "items": [
                {"title": words, "color": colour, "style": "ring", "count": counts[key]}
                for key, words, colour in MARKS
            ],
        },
        "summary": {
            "columns": ["blueprints", "added", "removed", "changed"],
            "rows": [
                [f"{d.before.blueprint} -> {d.after.blueprint}", *d.counts().values()]
                for d in comparison.blueprints
            ],
        },
    }
    return page.render(view)


def diff_result_view(result: Result, *, title: str | None = None, **_: Any) -> View:
    """A diff result (`bpql.compare.DiffResult`, from the API or the explorer) as the view."""
    comparison = getattr(result, "comparison", None)
    if not isinstance(comparison, Comparison):
        raise BpqlError("this result holds no comparison to draw", code="BPQL-V010")
    return diff_view(comparison, title=title or result.title or None)


__all__ = ["diff_result_view", "diff_view", "side_graph"]
