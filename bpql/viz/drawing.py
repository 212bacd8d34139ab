"""Blueprints drawn as SVG in Python: the blueprint view, its SVG and PNG exports, and each side
of the diff view are this one drawing.

SVG rather than a canvas, so that a picture is text (diffable, printable, pasted into slides at
any size) and every step is an element a test can measure. Positions come from
`bpql.viz.layout`, lines from `bpql.viz.route` (around boxes and names, never through them);
names are wrapped, never cut; every string is escaped. Colours and marks say the same thing
twice (a gold border and the words "moment of truth" in the hover; a badge with a sign beside
a diff colour), so that nothing depends on telling colours apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bpql.result import Graph, GraphNode
from bpql.schema import LANES
from bpql.viz import layout, route
from bpql.viz.base import hover_facts, jsonable
from bpql.viz.layout import BlueprintLayout, Rect
from bpql.viz.style import AP_LOOKS, EDGE_LOOKS, LOOKS, ap_look, look_key
from bpql.viz.text import FONT, xml

#: the border of a moment of truth, and of an element `bpql lint` found a problem with
MOMENT_RING = "#ffb703"
LINT_COLOR = "#d62828"
#: the mark of a step's longest wait (`max_wait`)
WAIT_COLOR = "#7048e8"
INK = "#212529"
MUTED = "#495057"
LINE_RED = "#c1121f"

#: how each relationship is drawn: (colour, width, dashes, arrowhead, words for the legend)
EDGE_STYLES: dict[str, tuple[str, float, str, bool, str]] = {
    "NEXT": ("#6c757d", 1.5, "", True, "Next step (time order)"),
    "SUPPORTS": (EDGE_LOOKS["SUPPORTS"][0], 1.6, "6 4", True, "Supports (enables the step)"),
    "AT_TOUCHPOINT": (EDGE_LOOKS["AT_TOUCHPOINT"][0], 1.3, "", False, "At a touchpoint"),
    "SHOWS": ("#b8860b", 1.3, "2 3", False, "Shows physical evidence"),
    "USES": ("#9aa3ab", 1.2, "", False, "Uses a support system"),
}
OTHER_EDGE = ("#adb5bd", 1.2, "", False, "")


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def tint(colour: str, keep: float = 0.22) -> str:
    """A light version of a colour (mixed with white), for a box's fill."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * keep):02x}" for c in (r, g, b))


def lines_text(
    lines: list[str], x: float, y: float, size: float, line_h: float, **attrs: Any
) -> str:
    """A `<text>` of one or more lines (each a `<tspan>`), every string escaped."""
    extra = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{xml(v)}"' for k, v in attrs.items() if v is not None
    )
    spans = "".join(
        f'<tspan x="{_fmt(x)}" dy="{0 if i == 0 else _fmt(line_h)}">{xml(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{_fmt(size)}"{extra}>{spans}</text>'


def defs() -> str:
    """The arrowheads, one per line style that has one (SVG 1.1 markers take no colour from
    the line they end)."""
    out = ["<defs>"]
    for kind, (colour, _, _, arrow, _) in EDGE_STYLES.items():
        if arrow:
            out.append(
                f'<marker id="bpql-arrow-{kind}" viewBox="0 0 10 10" refX="9.5" refY="5" '
                'markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
                f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            )
    out.append("</defs>")
    return "".join(out)


@dataclass(frozen=True)
class DiffMark:
    """How the diff view marks a thing: its kind (added, removed, changed), colour, the sign
    on its badge, and what changed, for the hover."""

    kind: str
    colour: str
    sign: str
    words: str = ""


@dataclass
class Drawn:
    """One blueprint drawn: its SVG elements in the layout's coordinates, and what it holds."""

    plan: BlueprintLayout
    parts: list[str]
    routes: dict[route.Link, list[route.Point]]
    #: what the page's script and the tests read: per node its kind, name and hover facts
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)


def facts(node: GraphNode, graph: Graph) -> dict[str, Any]:
    """A thing's facts as its hover shows them: durations with units, a phase by its name."""
    out = {}
    for k, v in hover_facts(node).items():
        if k == "phase" and f"Phase:{v}" in graph.nodes:
            v = graph.nodes[f"Phase:{v}"].name
        out[k] = jsonable(v)
    return out


def hover(node: GraphNode, graph: Graph) -> list[str]:
    """A thing's hover, as lines: its name, kind and id, then its facts in words."""
    look = LOOKS[look_key(node)]
    # a diff drawing's ids carry their side's tag (`0-old|claims.submit`): not a real id
    out = [node.name, f"{look.title} \u00b7 {node.id.split('|', 1)[-1]}"]
    for k, v in facts(node, graph).items():
        shown = ", ".join(map(str, v)) if isinstance(v, list) else v
        shown = "yes" if shown is True else "no" if shown is False else shown
        out.append(f"{k.replace('_', ' ')}: {shown}")
    return out


def draw_blueprint(
    graph: Graph,
    frame: dict[str, tuple[int, int]] | None = None,
    marks: dict[str, DiffMark] | None = None,
) -> Drawn:
    """One blueprint's bands, phases, lines, boxes and names, in the layout's coordinates.

    With `marks` (the diff view), a marked thing wears its mark and the rest steps back.
    """
    plan = layout.blueprint_layout(graph, frame)
    links = [route.Link(e.source, e.target, e.type) for e in graph.edges]
    routes = route.route_all(plan, links)
    parts: list[str] = []
    left, right = plan.left, plan.width
    for i, band in enumerate(plan.bands):
        parts.append(
            f'<rect class="bpql-band" data-band="{band.key}" x="{_fmt(left)}" '
            f'y="{_fmt(band.top)}" width="{_fmt(right - left)}" '
            f'height="{_fmt(band.bottom - band.top)}" fill="{"#f1f3f5" if i % 2 else "#ffffff"}"/>'
        )
    for title, _, end in plan.phases[:-1]:
        parts.append(
            f'<line class="bpql-phase-line" x1="{_fmt(end)}" x2="{_fmt(end)}" '
            f'y1="{_fmt(plan.top + 6)}" y2="{_fmt(plan.bands[-1].bottom)}" stroke="#adb5bd" '
            'stroke-width="1.2" stroke-dasharray="6 6"/>'
        )
        del title
    for line_title, y in plan.lines:
        parts.append(
            f'<line class="bpql-line" x1="{_fmt(left)}" x2="{_fmt(right)}" y1="{_fmt(y)}" '
            f'y2="{_fmt(y)}" stroke="{LINE_RED}" stroke-width="2" stroke-dasharray="14 8"/>'
        )
        parts.append(
            lines_text(
                [line_title.capitalize()],
                left + 10,
                y - 7,
                11,
                13,
                fill=LINE_RED,
                font_style="italic",
                class_="bpql-line-title",
            )
        )
    for band in plan.bands:
        parts.append(
            lines_text(
                [band.title],
                left + 10,
                band.top + 19,
                12.5,
                15,
                fill="#343a40",
                font_weight="bold",
                class_="bpql-band-title",
            )
        )
    nodes_out: list[dict[str, Any]] = []
    edges_out: list[dict[str, Any]] = []
    for e in sorted(graph.edges, key=lambda e: (e.source, e.type, e.target)):
        edges_out.append({"from": e.source, "to": e.target, "type": e.type})
    for link in sorted(
        routes,
        key=lambda k: (
            route.ORDER.index(k.type) if k.type in route.ORDER else 9,
            k.source,
            k.target,
        ),
    ):
        parts.append(_edge(link, routes[link], graph, marks))
    for key in sorted(graph.nodes, key=lambda k: (_z(graph.nodes[k]), k)):
        node = graph.nodes[key]
        mark = (marks or {}).get(key)
        faded = marks is not None and mark is None and node.label in ("Step", "FailPoint")
        parts.append(_node(node, plan, graph, mark, faded))
        nodes_out.append(
            {
                "id": key,
                "kind": look_key(node),
                "name": node.name,
                "lines": hover(node, graph),
                "props": facts(node, graph),
                **({"diff": mark.kind} if mark else {}),
            }
        )
    return Drawn(plan, parts, routes, nodes_out, edges_out)


def _z(node: GraphNode) -> int:
    """Paint order: phases and shared things, then steps, then fail points."""
    return {"Step": 1, "FailPoint": 2}.get(node.label, 0)


def _edge(
    link: route.Link,
    points: list[route.Point],
    graph: Graph,
    marks: dict[str, DiffMark] | None,
) -> str:
    colour, width, dash, arrow, words = EDGE_STYLES.get(link.type, OTHER_EDGE)
    d = " ".join(f"{'M' if i == 0 else 'L'}{_fmt(x)},{_fmt(y)}" for i, (x, y) in enumerate(points))
    a, b = graph.nodes[link.source], graph.nodes[link.target]
    title = f"{(words or link.type).split(' (')[0]}: {a.name} \u2192 {b.name}"
    attrs = f' stroke-dasharray="{dash}"' if dash else ""
    if arrow:
        attrs += f' marker-end="url(#bpql-arrow-{link.type})"'
    if marks is not None and link.source not in marks and link.target not in marks:
        attrs += ' opacity="0.55"'
    return (
        f'<path class="bpql-edge" data-type="{link.type}" data-from="{xml(link.source)}" '
        f'data-to="{xml(link.target)}" d="{d}" fill="none" stroke="{colour}" '
        f'stroke-width="{_fmt(width)}" stroke-linejoin="round"{attrs}>'
        f"<title>{xml(title)}</title></path>"
    )


def _badge(mark: DiffMark, x: float, y: float) -> str:
    """A diff mark's badge: its colour and its sign, readable without the colour. A sign of
    several characters (the observed view's `!↓+»`) gets a pill grown leftwards from the
    circle, so every character stays on the colour."""
    extra = 8.0 * (len(mark.sign) - 1)
    shape = (
        f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="9" fill="{mark.colour}" stroke="#ffffff" '
        'stroke-width="1.5"/>'
        if extra <= 0
        else f'<rect x="{_fmt(x - 9 - extra)}" y="{_fmt(y - 9)}" width="{_fmt(18 + extra)}" '
        f'height="18" rx="9" fill="{mark.colour}" stroke="#ffffff" stroke-width="1.5"/>'
    )
    return (
        f'<g class="bpql-badge" data-diff="{mark.kind}">'
        + shape
        + lines_text(
            [mark.sign],
            x - max(extra, 0.0) / 2,
            y + 4.5,
            13,
            13,
            fill="#ffffff",
            font_weight="bold",
            text_anchor="middle",
        )
        + "</g>"
    )


def hourglass(x: float, y: float, colour: str = WAIT_COLOR) -> str:
    """The wait mark: an hourglass 8 px wide, its top left at (x, y)."""
    return (
        f'<path class="bpql-wait" d="M{_fmt(x)},{_fmt(y)} h8 l-8,10 h8 z" fill="{colour}" '
        f'stroke="{colour}" stroke-width="0.8" stroke-linejoin="round"/>'
    )


def _node(
    node: GraphNode, plan: BlueprintLayout, graph: Graph, mark: DiffMark | None, faded: bool
) -> str:
    key = node.key
    props = node.properties
    # each line escaped on its own: a line break inside a user's text is shown as `\n`
    title = "\n".join(xml(line) for line in hover(node, graph))
    if mark is not None and mark.words:
        title += "\n" + xml(mark.words)
    opacity = ' opacity="0.5"' if faded else ""
    data = f'data-key="{xml(key)}" data-kind="{look_key(node)}"'
    if mark is not None:
        data += f' data-diff="{mark.kind}"'
    if node.label == "Step":
        body = plan.bodies[key]
        lane = str(props.get("lane"))
        colour = LOOKS.get(f"Step:{lane}", LOOKS["Step:customer"]).color
        moment = bool(props.get("moment_of_truth"))
        lint = bool(props.get("lint"))
        border, width = (MOMENT_RING, 4.0) if moment else (colour, 2.0)
        if mark is not None:
            border, width = mark.colour, 4.0
        out = [
            f'<g class="bpql-step" {data}'
            + (' data-moment="true"' if moment else "")
            + (' data-lint="true"' if lint else "")
            + f"{opacity}><title>{title}</title>"
        ]
        if lint:  # a dashed red ring outside the box: the moment's gold border stays
            ring = body.grow(4.5)
            out.append(
                f'<rect class="bpql-lint" x="{_fmt(ring.x0)}" y="{_fmt(ring.y0)}" '
                f'width="{_fmt(ring.x1 - ring.x0)}" height="{_fmt(ring.y1 - ring.y0)}" rx="9" '
                f'fill="none" stroke="{LINT_COLOR}" stroke-width="2" stroke-dasharray="5 3"/>'
            )
        if mark is not None and moment:  # the diff's border: the moment keeps a gold inset
            inner = body.grow(-4)
            out.append(
                f'<rect x="{_fmt(inner.x0)}" y="{_fmt(inner.y0)}" '
                f'width="{_fmt(inner.x1 - inner.x0)}" height="{_fmt(inner.y1 - inner.y0)}" '
                f'rx="4" fill="none" stroke="{MOMENT_RING}" stroke-width="2"/>'
            )
        fill = tint(colour)
        if mark is not None and mark.kind == "removed":
            fill = "#f8f9fa"
        out.insert(
            2 if lint else 1,
            f'<rect class="bpql-box" x="{_fmt(body.x0)}" y="{_fmt(body.y0)}" '
            f'width="{_fmt(body.x1 - body.x0)}" height="{_fmt(body.y1 - body.y0)}" rx="6" '
            f'fill="{fill}" stroke="{border}" stroke-width="{_fmt(width)}"'
            + (' stroke-dasharray="7 4"' if mark is not None and mark.kind == "removed" else "")
            + "/>",
        )
        names = plan.labels[key]
        tx = body.x0 + layout.BOX_PAD
        out.append(
            lines_text(
                names,
                tx,
                body.y0 + 12 + layout.LINE - 4,
                layout.STEP_FONT,
                layout.LINE,
                fill=INK,
                class_="bpql-label",
                text_decoration="line-through"
                if mark is not None and mark.kind == "removed"
                else None,
            )
        )
        y = body.y0 + 12 + layout.LINE * (len(names) + 1) - 4
        for kind, words in plan.facts.get(key, []):
            if kind == "wait":
                out.append(hourglass(tx, y - 9))
                out.append(
                    lines_text([words], tx + 12, y, 11.5, 14, fill=WAIT_COLOR, class_="bpql-fact")
                )
            else:
                out.append(lines_text([words], tx, y, 11.5, 14, fill=MUTED, class_="bpql-fact"))
            y += layout.LINE
        if mark is not None:
            out.append(_badge(mark, body.x1 - 2, body.y0 + 2))
        out.append("</g>")
        return "".join(out)
    if node.label == "FailPoint":
        body = plan.bodies[key]
        x, y = plan.positions[key]
        colour, _ = ap_look(props.get("ap"))
        lab = plan.label_boxes[key]
        out = [
            f'<g class="bpql-failpoint" {data}{opacity}><title>{title}</title>',
            f'<polygon points="{_fmt(x)},{_fmt(body.y0)} {_fmt(body.x0)},{_fmt(body.y1)} '
            f'{_fmt(body.x1)},{_fmt(body.y1)}" fill="{colour}"/>',
            lines_text(
                plan.labels[key],
                x,
                lab.y0 + layout.FP_LINE - 3,
                layout.FP_FONT,
                layout.FP_LINE,
                fill=INK,
                text_anchor="middle",
                class_="bpql-label",
            ),
        ]
        if mark is not None:
            out.append(_badge(mark, body.x1 + 12, y))
        out.append("</g>")
        return "".join(out)
    if node.label == "Phase":
        x, y = plan.positions[key]
        return (
            f'<g class="bpql-phase" {data}><title>{title}</title>'
            + lines_text(
                [node.name],
                x,
                y + 5,
                15,
                17,
                fill="#343a40",
                font_weight="bold",
                text_anchor="middle",
                class_="bpql-label",
            )
            + "</g>"
        )
    body = plan.bodies[key]
    x, y = plan.positions[key]
    look = LOOKS.get(look_key(node), LOOKS["System"])
    lab = plan.label_boxes[key]
    if node.label == "Touchpoint":
        r = layout.ICON / 2 + 1.5
        shape = (
            f'<polygon points="{_fmt(x)},{_fmt(y - r)} {_fmt(x + r)},{_fmt(y)} {_fmt(x)},'
            f'{_fmt(y + r)} {_fmt(x - r)},{_fmt(y)}" fill="{look.color}"/>'
        )
    else:
        shape = (
            f'<rect x="{_fmt(body.x0)}" y="{_fmt(body.y0)}" width="{_fmt(layout.ICON)}" '
            f'height="{_fmt(layout.ICON)}" rx="{3 if node.label == "Evidence" else 2}" '
            f'fill="{look.color}"/>'
        )
    return (
        f'<g class="bpql-thing" {data}{opacity}><title>{title}</title>{shape}'
        + lines_text(
            plan.labels[key],
            lab.x0 + 1,
            lab.y0 + layout.THING_LINE - 3,
            layout.THING_FONT,
            layout.THING_LINE,
            fill=INK,
            class_="bpql-label",
        )
        + "</g>"
    )


# --- the legend -----------------------------------------------------------------------------


def legend_items(graph: Graph, marks: Iterable[DiffMark] = ()) -> list[tuple[str, str]]:
    """(swatch SVG at (0, 0), words) of everything the drawing of `graph` uses."""
    kinds = Counter(look_key(n) for n in graph.nodes.values())
    types = {e.type for e in graph.edges}
    out: list[tuple[str, str]] = []
    for lane in LANES:
        look = LOOKS[f"Step:{lane.key}"]
        if kinds[look.key]:
            out.append(
                (
                    f'<rect x="0" y="-9" width="22" height="13" rx="3" fill="{tint(look.color)}" '
                    f'stroke="{look.color}" stroke-width="2"/>',
                    look.title,
                )
            )
    steps = [n for n in graph.nodes.values() if n.label == "Step"]
    if any(n.properties.get("moment_of_truth") for n in steps):
        out.append(
            (
                f'<rect x="0" y="-9" width="22" height="13" rx="3" fill="#ffffff" '
                f'stroke="{MOMENT_RING}" stroke-width="3.5"/>',
                "Moment of truth (gold border)",
            )
        )
    if any(n.properties.get("lint") for n in graph.nodes.values()):
        out.append(
            (
                f'<rect x="-1" y="-10" width="24" height="15" rx="4" fill="none" '
                f'stroke="{LINT_COLOR}" stroke-width="2" stroke-dasharray="5 3"/>',
                "Lint finding (dashed red ring; hover for it)",
            )
        )
    if any(n.properties.get("max_wait") is not None for n in steps):
        out.append((hourglass(7, -9), "Longest wait before the step (max_wait)"))
    aps = {str(n.properties.get("ap")) for n in graph.nodes.values() if n.label == "FailPoint"}
    for ap, colour, words in AP_LOOKS:
        if ap in aps or (ap == "low" and aps - {"high", "medium", "low"}):
            out.append(
                (
                    f'<polygon points="11,-10 2,5 20,5" fill="{colour}"/>',
                    f"Fail point: {words.lower()}",
                )
            )
    for label, words in (
        ("Touchpoint", "Touchpoint"),
        ("Evidence", "Physical evidence"),
        ("System", "Support system"),
    ):
        if kinds[label]:
            colour = LOOKS[label].color
            shape = (
                f'<polygon points="11,-11 19,-3 11,5 3,-3" fill="{colour}"/>'
                if label == "Touchpoint"
                else f'<rect x="4" y="-10" width="14" height="14" rx="2" fill="{colour}"/>'
            )
            out.append((shape, words))
    for kind, (colour, width, dash, arrow, words) in EDGE_STYLES.items():
        if kind in types:
            attrs = f' stroke-dasharray="{dash}"' if dash else ""
            if arrow:
                attrs += f' marker-end="url(#bpql-arrow-{kind})"'
            out.append(
                (
                    f'<path d="M0,-3 L24,-3" stroke="{colour}" stroke-width="{width}"'
                    f' fill="none"{attrs}/>',
                    words,
                )
            )
    out.append(
        (
            f'<path d="M0,-3 L24,-3" stroke="{LINE_RED}" stroke-width="2" stroke-dasharray="7 4"/>',
            "Lines of interaction, visibility, internal interaction",
        )
    )
    for mark in marks:
        out.append((_badge(mark, 11, -3), mark.words))
    return out


LEGEND_COL = 300.0
LEGEND_ROW = 22.0


def legend(items: list[tuple[str, str]], x: float, y: float, width: float) -> tuple[str, float]:
    """The legend as rows of columns at (x, y) across `width`; its SVG, and its height."""
    per_row = max(1, int(width // LEGEND_COL))
    out = [
        '<g class="bpql-legend">'
        + lines_text(["Legend"], x, y + 14, 13, 15, fill=INK, font_weight="bold")
    ]
    for i, (swatch, words) in enumerate(items):
        cx = x + (i % per_row) * LEGEND_COL
        cy = y + 40 + (i // per_row) * LEGEND_ROW
        out.append(f'<g class="bpql-legend-item" transform="translate({_fmt(cx)},{_fmt(cy)})">')
        out.append(swatch)
        out.append(lines_text([words], 32, 0, 12, 14, fill=INK))
        out.append("</g>")
    out.append("</g>")
    rows = (len(items) + per_row - 1) // per_row
    return "".join(out), 40 + rows * LEGEND_ROW


def document(parts: list[str], box: Rect, extra_defs: str = "", inline: bool = False) -> str:
    """An SVG document holding `parts`, its view box `box`, on white; `inline` for a page
    (no XML declaration)."""
    w, h = box.x1 - box.x0, box.y1 - box.y0
    return (
        ("" if inline else '<?xml version="1.0" encoding="UTF-8"?>\n')
        + f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_fmt(box.x0)} {_fmt(box.y0)} '
        f'{_fmt(w)} {_fmt(h)}" width="{_fmt(w)}" height="{_fmt(h)}" font-family="{xml(FONT)}">'
        + defs()
        + extra_defs
        + f'<rect x="{_fmt(box.x0)}" y="{_fmt(box.y0)}" width="{_fmt(w)}" height="{_fmt(h)}" '
        'fill="#ffffff"/>' + "".join(parts) + "</svg>\n"
    )


def blueprint_svg(graph: Graph, title: str, subtitle: str = "", with_legend: bool = True) -> str:
    """One blueprint as a standalone SVG document: a heading, the drawing, its legend."""
    drawn = draw_blueprint(graph)
    return framed(drawn, title, subtitle, legend_items(graph) if with_legend else [])


def framed(drawn: Drawn, title: str, subtitle: str, items: list[tuple[str, str]]) -> str:
    plan = drawn.plan
    left, right = plan.left, plan.width
    top = plan.top - 62
    head = [
        lines_text(
            [title], left + 12, top + 28, 20, 22, fill=INK, font_weight="bold", class_="bpql-title"
        )
    ]
    if subtitle:
        head.append(lines_text([subtitle], left + 12, top + 50, 13, 15, fill=MUTED))
    bottom = plan.bottom + 16
    parts = [*head, *drawn.parts]
    if items:
        svg, height = legend(items, left + 12, bottom, right - left - 24)
        parts.append(svg)
        bottom += height + 12
    return document(parts, Rect(left, top, right, bottom))


def counts(graph: Graph) -> dict[str, int]:
    """How many nodes of each legend kind a drawing holds."""
    return dict(Counter(look_key(n) for n in graph.nodes.values()))


__all__ = [
    "DiffMark",
    "Drawn",
    "blueprint_svg",
    "draw_blueprint",
    "legend",
    "legend_items",
]
