"""The diff view: each compared pair of blueprints drawn as the blueprint view draws one (boxes
holding whole names, lines routed around them), the old one above the new with each phase in
the same columns, what was added, removed and changed marked by colour and by a sign, the
changed fields on hover, and the figures of `bpql diff` beside it.

It builds on the drawing (`bpql.viz.drawing`) and the page (`bpql.viz.base`) the blueprint view
uses, and on no other view. Reads a `Comparison` only, never a store.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bpql.analysis.compare import (
    FIELD_WORDS,
    FIGURE_WORDS,
    BlueprintDiff,
    Comparison,
    Side,
    metrics,
)
from bpql.durations import Duration
from bpql.errors import BpqlError
from bpql.ids import node_key
from bpql.result import Graph, GraphEdge, GraphNode, Result
from bpql.schema import RELS
from bpql.viz import drawing, layout
from bpql.viz.base import View, drawing_page
from bpql.viz.blueprint import keys
from bpql.viz.drawing import INK, MUTED, DiffMark, Drawn, lines_text
from bpql.viz.layout import Rect
from bpql.viz.style import LOOKS

#: the marks: colour and sign, so that a reader who cannot tell the colours apart reads signs
MARKS: dict[str, DiffMark] = {
    "added": DiffMark("added", "#2b8a3e", "+", "Added (green, +)"),
    "removed": DiffMark("removed", "#c92a2a", "\u2212", "Removed (red, \u2212, struck through)"),
    "changed": DiffMark("changed", "#e67700", "~", "Changed (amber, ~; hover for what)"),
}
#: the room for a drawing's heading above its bands, and between two pairs
HEADING = 64.0
GAP = 40.0
#: the relationships the diagram draws between its things
DRAWN = ("NEXT", "SUPPORTS", "SHOWS", "AT_TOUCHPOINT", "USES", "HAS_FAIL_POINT")
#: the figures the side table shows first: those the redesign is judged by
FIRST = ("handoffs", "target_time", "total_wait", "longest_wait", "max_rpn")


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


def _value(v: Any) -> str:
    if isinstance(v, tuple):
        return ", ".join(map(str, v)) if v else "none"
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def field_words(name: str, old: Any, new: Any) -> str:
    """One changed field in words, durations with units: `target time 1h -> 30m`."""
    if name in ("target_time", "max_wait"):
        old = Duration(old) if old is not None else None
        new = Duration(new) if new is not None else None
    if name == "name":
        return f'renamed "{old}" -> "{new}"'
    return f"{FIELD_WORDS.get(name, name)} {_value(old)} -> {_value(new)}"


def _marks(d: BlueprintDiff, old_tag: str, new_tag: str) -> tuple[dict[str, DiffMark], ...]:
    """The mark of each marked node on the old side (removed, changed) and on the new (added,
    changed), with its words for the hover and the list of changes."""
    old: dict[str, DiffMark] = {}
    new: dict[str, DiffMark] = {}

    def mark(kind: str, words: str) -> DiffMark:
        return replace(MARKS[kind], words=words)

    for x in d.removed:
        old[node_key("Step", f"{old_tag}|{x.id}")] = mark("removed", "removed")
    for x in d.added:
        new[node_key("Step", f"{new_tag}|{x.id}")] = mark("added", "added")
    for ch in d.changed:
        # a step matched by name has its new id among its fields (bpql/analysis/compare.py)
        words = "; ".join(field_words(k, *v) for k, v in ch.fields.items())
        changed = mark("changed", f"changed: {words}")
        old[node_key("Step", f"{old_tag}|{ch.before.id}")] = changed
        new[node_key("Step", f"{new_tag}|{ch.after.id}")] = changed
    for f in d.fail_removed:
        old[node_key("FailPoint", f"{old_tag}|{f.id}")] = mark("removed", "removed")
    for f in d.fail_added:
        new[node_key("FailPoint", f"{new_tag}|{f.id}")] = mark("added", "added")
    for fc in d.fail_changed:
        words = "; ".join(f"{k} {o} -> {n}" for k, (o, n) in fc.fields.items())
        changed = mark("changed", f"changed: {words}")
        old[node_key("FailPoint", f"{old_tag}|{fc.before.id}")] = changed
        new[node_key("FailPoint", f"{new_tag}|{fc.after.id}")] = changed
    return old, new


def figures(d: BlueprintDiff) -> dict[str, Any]:
    """The figures of `bpql diff` for one pair, as the side table and the picture show them:
    the redesign's headline figures first, every one before -> after with its change."""
    before, after = metrics(d.before).figures(), metrics(d.after).figures()
    order = [*FIRST, *(k for k in FIGURE_WORDS if k not in FIRST)]
    rows = []
    for k in order:
        b, a = before[k], after[k]
        change = a - b
        if isinstance(change, float) and not isinstance(change, Duration):
            change = Duration(change)
        shown = "0" if not change else ("+" if change > 0 else "") + str(change)
        if isinstance(change, Duration) and change < 0:
            shown = "-" + str(Duration(-change))
        rows.append(
            {"cells": [FIGURE_WORDS[k].strip(), str(b), str(a), shown], "changed": bool(change)}
        )
    left, right = d.heads
    return {
        "title": f"{d.after.service}: {d.before.blueprint} -> {d.after.blueprint}",
        "caption": f"before: {left}; after: {right}",
        "columns": ["figure", "before", "after", "change"],
        "heads": ["figure", left, right, "change"],
        "rows": rows,
    }


class _Diagram:
    """Every pair's two drawings stacked, in one SVG coordinate space."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.parts: list[str] = []
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self.graphs: list[Graph] = []
        self.changes: list[dict[str, str]] = []
        self.counted = {k: 0 for k in MARKS}
        self.left = 0.0
        self.right = 0.0
        self.top = 0.0
        y = 0.0
        for i, d in enumerate(comparison.blueprints):
            tags = (f"{i}-old", f"{i}-new")
            graphs = (side_graph(d.before, tags[0]), side_graph(d.after, tags[1]))
            frame = layout.merged_frame(*(layout.phase_frame(g) for g in graphs))
            marks = _marks(d, *tags)
            for side, words, graph, marked in zip(
                (d.before, d.after), d.heads, graphs, marks, strict=True
            ):
                drawn = drawing.draw_blueprint(graph, frame, marked)
                y = self._place(drawn, f"{words}: {side.title} ({side.blueprint})", y)
                self.graphs.append(graph)
                for key, mark in marked.items():
                    new_side = side is d.after
                    if (new_side and mark.kind != "removed") or mark.kind == "removed":
                        self.counted[mark.kind] += 1
                        node = graph.nodes[key]
                        what = "fail point" if node.label == "FailPoint" else "step"
                        self.changes.append(
                            {
                                "kind": mark.kind,
                                "sign": mark.sign,
                                "words": f"{what} {node.name}: {mark.words}",
                            }
                        )
            y += GAP
        self.bottom = y

    def _place(self, drawn: Drawn, heading: str, y: float) -> float:
        plan = drawn.plan
        shift = y + HEADING - plan.top
        self.left = min(self.left, plan.left)
        self.right = max(self.right, plan.width)
        self.parts.append(
            lines_text(
                [heading],
                plan.left + 12,
                y + 30,
                16,
                18,
                fill=INK,
                font_weight="bold",
                class_="bpql-side-title",
            )
        )
        self.parts.append(f'<g class="bpql-side" transform="translate(0,{shift:.1f})">')
        self.parts.extend(drawn.parts)
        self.parts.append("</g>")
        self.nodes.extend(drawn.nodes)
        self.edges.extend(drawn.edges)
        return shift + plan.bottom + 10


def _figures_svg(tables: list[dict[str, Any]], x: float, y: float) -> tuple[str, float]:
    """The figures tables drawn in SVG, for the exported picture; their height."""
    widths = (300.0, 150.0, 150.0, 90.0)
    out = []
    for table in tables:
        out.append(lines_text([table["title"]], x, y + 16, 14, 16, fill=INK, font_weight="bold"))
        y += 30
        rows = [{"cells": table["heads"], "changed": False, "head": True}, *table["rows"]]
        for row in rows:
            cx = x
            if row["changed"]:
                out.append(
                    f'<rect x="{x - 4:.1f}" y="{y - 13:.1f}" width="{sum(widths) + 8:.1f}" '
                    'height="18" fill="#fff9db"/>'
                )
            for i, (cell, w) in enumerate(zip(row["cells"], widths, strict=True)):
                anchor = "start" if i == 0 else "end"
                tx = cx if i == 0 else cx + w - 6
                out.append(
                    lines_text(
                        [str(cell)],
                        tx,
                        y,
                        12.5,
                        15,
                        fill=MUTED if row.get("head") else INK,
                        text_anchor=anchor,
                        font_weight="bold" if row.get("head") or row["changed"] else None,
                    )
                )
                cx += w
            y += 19
        y += 16
    return "".join(out), y


def _heading(comparison: Comparison, title: str | None) -> str:
    return title or (
        f"diff: {comparison.before_label} -> {comparison.after_label}"
        if comparison.mode == "versions"
        else "diff: as-is -> to-be"
    )


def _legend(diagram: _Diagram) -> list[tuple[str, str]]:
    union = Graph()
    for g in diagram.graphs:
        for n in g.nodes.values():
            union.add_node(n)
        for e in g.edges:
            union.add_edge(e)
    return drawing.legend_items(union, MARKS.values())


def diff_svg(
    comparison: Comparison, title: str | None = None, diagram: _Diagram | None = None
) -> str:
    """The diff view as one standalone SVG document: heading, every pair's two drawings, the
    figures of each pair, the legend (for `--view d.svg` and `d.png`)."""
    diagram = diagram or _Diagram(comparison)
    counts = comparison.counts()
    left, right = diagram.left, diagram.right
    head = [
        lines_text(
            [_heading(comparison, title)], left + 12, -52, 20, 22, fill=INK, font_weight="bold"
        ),
        lines_text(
            [
                f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} "
                "changed (steps and fail points)"
            ],
            left + 12,
            -28,
            13,
            15,
            fill=MUTED,
        ),
    ]
    tables, y = _figures_svg([figures(d) for d in comparison.blueprints], left + 12, diagram.bottom)
    legend, height = drawing.legend(_legend(diagram), left + 12, y, right - left - 24)
    box = Rect(left, -80, right, y + height + 16)
    return drawing.document([*head, *diagram.parts, tables, legend], box)


def diff_view(comparison: Comparison, *, title: str | None = None) -> View:
    """Every pair, one under the other: the old blueprint, then the new, phases aligned."""
    heading = _heading(comparison, title)
    diagram = _Diagram(comparison)
    counts = comparison.counts()
    assert diagram.counted == counts, (diagram.counted, counts)  # it marks what the diff found
    box = Rect(diagram.left, 0, diagram.right, max(diagram.bottom, 40.0))
    svg = drawing.document(diagram.parts, box, inline=True)
    union: dict[str, int] = {}
    for g in diagram.graphs:
        for key, n in drawing.counts(g).items():
            union[key] = union.get(key, 0) + n
    kinds = [
        {"key": key, "title": look.title, "color": look.color, "count": union[key]}
        for key, look in LOOKS.items()
        if union.get(key)
    ]
    legend = keys(_legend(diagram))
    for item in legend:
        for mark in MARKS.values():
            if item["words"] == mark.words:
                item["count"] = counts[mark.kind]
    side = {
        "subtitle": f"{counts['added']} added, {counts['removed']} removed, "
        f"{counts['changed']} changed (steps and fail points)",
        "diff": counts,
        "kinds": kinds,
        "tables": [figures(d) for d in comparison.blueprints],
        "changes": diagram.changes,
        "marks_title": "Marks and legend",
    }
    message = None if comparison.blueprints else "No blueprint in both versions to compare."
    return drawing_page(
        "diff",
        heading,
        svg,
        side,
        legend,
        diagram.nodes,
        diagram.edges,
        message=message,
        picture=diff_svg(comparison, title, diagram),
    )


def diff_result_view(result: Result, *, title: str | None = None, **_: Any) -> View:
    """A diff result (`bpql.analysis.compare.DiffResult`, from the API or the explorer) as the
    view."""
    comparison = getattr(result, "comparison", None)
    if not isinstance(comparison, Comparison):
        raise BpqlError("this result holds no comparison to draw", code="BPQL-V010")
    return diff_view(comparison, title=title or result.title or None)


__all__ = ["MARKS", "diff_result_view", "diff_svg", "diff_view", "field_words", "side_graph"]
