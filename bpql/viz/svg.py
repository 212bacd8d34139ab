"""The impact view's bands as SVG, drawn in Python: one band per affected service, and the
impact export. (The blueprint drawing is `bpql.viz.drawing`.)

SVG rather than a canvas, so that a picture is text (diffable, printable, pasted into slides at
any size) and every step is an element a test can measure. Positions come from
`bpql.viz.layout`; names are wrapped, never cut; every string is escaped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bpql.analysis.routes import Route
from bpql.ids import service_of
from bpql.result import GraphNode, Result
from bpql.schema import LANES, LINES, VISIBLE_LANES
from bpql.viz.layout import wrap
from bpql.viz.style import LOOKS, OTHER_ROUTE, ROUTE_LOOKS
from bpql.viz.text import FONT, xml

#: a step's box, and how many characters of its name a line holds at 12 px
BOX_W = 150
CHARS = 19
LINE_H = 15
#: the ring of a customer-visible step
VISIBLE_RING = "#f77f00"


def _text(
    lines: list[str], x: float, y: float, size: int = 12, line_h: float = LINE_H, **attrs: Any
) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{xml(v)}"' for k, v in attrs.items())
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else line_h}">{xml(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra}>{spans}</text>'


def _lane_fill(lane: str) -> str:
    look = LOOKS.get(f"Step:{lane}", LOOKS["Step:customer"])
    return look.color


# --- impact: one band per affected service --------------------------------------------------


@dataclass
class ImpactBand:
    service: str
    name: str
    svg: str
    width: float
    height: float
    steps: int
    visible: int


LABEL_W = 120
COL_W = BOX_W + 22
PAD = 10


def impact_bands(result: Result) -> list[ImpactBand]:
    """Each affected service as its blueprint: a row per lane, its affected steps in time
    order, each marked by the route that reaches it, the customer-visible ones ringed."""
    assert result.graph is not None and result.steps is not None
    graph = result.graph
    cols = result.steps.columns
    per: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in result.steps.rows:
        r = dict(zip(cols, row, strict=False))
        node = graph.nodes.get(f"Step:{r['step']}")
        sid = service_of("Step", str(r["step"])) or str(r["service"])
        names[sid] = str(r["service"])
        per[sid].append({**r, "node": node})
    supports: defaultdict[str, list[str]] = defaultdict(list)
    for e in graph.edges:
        if e.type == "SUPPORTS":
            supports[e.source].append(e.target)
    return [
        _band(sid, names[sid], per[sid], supports) for sid in sorted(per, key=lambda k: names[k])
    ]


def _band(
    sid: str, name: str, steps: list[dict[str, Any]], supports: dict[str, list[str]]
) -> ImpactBand:
    def seq(s: dict[str, Any]) -> tuple[int, str]:
        node: GraphNode | None = s["node"]
        v = node.properties.get("seq") if node is not None else None
        return (v if isinstance(v, int) else 10**6, str(s["step"]))

    ordered = sorted(steps, key=seq)
    lanes = [lane.key for lane in LANES]
    column: dict[str, int] = {}
    cursor: defaultdict[str, int] = defaultdict(int)
    for s in ordered:
        lane = str(s["lane"]) if s["lane"] in lanes else lanes[0]
        key = f"Step:{s['step']}"
        col = cursor[lane]
        # a step sits under the step it supports where that keeps its lane in time order
        above = [column[t] for t in supports.get(key, []) if t in column]
        if above and min(above) >= col:
            col = min(above)
        column[key] = col
        cursor[lane] = col + 1
    wrapped = {f"Step:{s['step']}": wrap(_step_name(s), CHARS) for s in ordered}
    heights: dict[str, float] = {}
    for lane in lanes:
        tallest = max(
            (len(wrapped[f"Step:{s['step']}"]) for s in ordered if s["lane"] == lane), default=1
        )
        heights[lane] = max(48.0, tallest * LINE_H + 26)
    ncols = max(column.values(), default=0) + 1
    width = LABEL_W + ncols * COL_W + PAD
    head = 30.0
    tops: dict[str, float] = {}
    y = head
    for lane in lanes:
        tops[lane] = y
        y += heights[lane]
    height = y + PAD
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bpql-band" data-service="{xml(sid)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'font-family="{xml(FONT)}" role="img" aria-label="{xml(name)}">',
        _text([name], PAD, 20, 15, font_weight="bold", fill="#212529", class_="bpql-band-title"),
    ]
    for i, lane_kind in enumerate(LANES):
        top = tops[lane_kind.key]
        fill = "#f8f9fa" if i % 2 else "#ffffff"
        out.append(
            f'<rect x="0" y="{top:.1f}" width="{width:.0f}" height="{heights[lane_kind.key]:.1f}" '
            f'fill="{fill}"/>'
        )
        out.append(
            _text(
                wrap(lane_kind.title, 10),
                PAD,
                top + 18,
                11,
                fill="#495057",
                font_weight="bold",
                class_="bpql-lane",
            )
        )
    for line in LINES:
        if line.below not in tops:
            continue
        ly = tops[line.below]
        out.append(
            f'<line x1="0" x2="{width:.0f}" y1="{ly:.1f}" y2="{ly:.1f}" stroke="#c1121f" '
            'stroke-width="1.5" stroke-dasharray="10 6"/>'
        )
    for s in ordered:
        key = f"Step:{s['step']}"
        lane = str(s["lane"]) if s["lane"] in tops else lanes[0]
        lines = wrapped[key]
        h = len(lines) * LINE_H + 14
        x = LABEL_W + column[key] * COL_W
        y0 = tops[lane] + (heights[lane] - h) / 2
        route = str(s["route"] or "")
        colour, dash, _ = _route_look(route)
        visible = lane in VISIBLE_LANES
        title = f"{_step_name(s)} ({s['step']}): {route or 'reached'}"
        if s.get("via"):  # the name a designer reads, the id beside it
            via_name = s.get("via_name")
            title += f" via {via_name} ({s['via']})" if via_name else f" via {s['via']}"
        if s.get("hops"):
            title += f", {s['hops']} dependency hop" + ("s" if s["hops"] != 1 else "")
        out.append(
            f'<g class="bpql-step" data-step="{xml(str(s["step"]))}" '
            f'data-route="{xml(route)}" data-visible="{str(visible).lower()}">'
            f"<title>{xml(title)}</title>"
        )
        if visible:
            out.append(
                f'<rect class="bpql-ring" x="{x - 4:.1f}" y="{y0 - 4:.1f}" width="{BOX_W + 8}" '
                f'height="{h + 8:.1f}" rx="9" fill="none" stroke="{VISIBLE_RING}" '
                'stroke-width="3"/>'
            )
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<rect class="bpql-box" x="{x:.1f}" y="{y0:.1f}" width="{BOX_W}" height="{h:.1f}" '
            f'rx="6" fill="#ffffff" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        )
        out.append(
            f'<rect x="{x:.1f}" y="{y0:.1f}" width="6" height="{h:.1f}" rx="2" '
            f'fill="{_lane_fill(lane)}"/>'
        )
        out.append(_text(lines, x + 12, y0 + 17, 12, fill="#212529", class_="bpql-label"))
        out.append("</g>")
    out.append("</svg>")
    visible_n = sum(1 for s in ordered if s["lane"] in VISIBLE_LANES)
    return ImpactBand(sid, name, "".join(out), width, height, len(ordered), visible_n)


def _step_name(s: dict[str, Any]) -> str:
    node: GraphNode | None = s["node"]
    return node.name if node is not None else str(s.get("step_name") or s["step"])


def department_matrix(result: Result) -> dict[str, Any]:
    """Departments x services of an impact or what-if answer, as its shaper worked it out
    (`Result.matrix`, bpql/analysis/matrix.py); empty for an answer without one."""
    if result.matrix is not None:
        return result.matrix
    return {"services": [], "rows": [], "total": [], "steps": 0, "visible": 0}


def _route_look(route: str) -> tuple[str, str, str]:
    try:
        return ROUTE_LOOKS[Route(route)]
    except ValueError:
        return OTHER_ROUTE


def route_legend(result: Result) -> list[dict[str, Any]]:
    """The routes the answer's steps are reached by, with how many steps each."""
    assert result.steps is not None
    i = result.steps.columns.index("route")
    counts: defaultdict[str, int] = defaultdict(int)
    for row in result.steps.rows:
        counts[str(row[i] or "")] += 1
    out = []
    for route, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        colour, dash, words = _route_look(route)
        out.append(
            {
                "route": route,
                "title": f"{route}: {words}",
                "color": colour,
                "dash": dash,
                "count": n,
            }
        )
    return out


def impact_svg(result: Result, title: str) -> str:
    """The impact view's bands, one under another, with the routes' legend: for slides."""
    bands = impact_bands(result)
    legend = route_legend(result)
    width = max([b.width for b in bands] + [760.0])
    y = 64.0
    parts = []
    # one route a line: three to a line ran past the picture's right edge
    for i, item in enumerate(legend):
        x = PAD
        ly = 46 + i * 18
        dash = f' stroke-dasharray="{item["dash"]}"' if item["dash"] else ""
        parts.append(
            f'<rect x="{x}" y="{ly - 10}" width="14" height="12" rx="3" fill="#fff" '
            f'stroke="{item["color"]}" stroke-width="2.5"{dash}/>'
            + _text([f"{item['title']} ({item['count']})"], x + 20, ly, 11, fill="#212529")
        )
    y = 46 + len(legend) * 18 + 8
    for band in bands:
        inner = band.svg.replace("<svg ", f'<svg x="0" y="{y:.0f}" ', 1)
        parts.append(inner)
        y += band.height + 12
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {y:.0f}" '
        f'width="{width:.0f}" height="{y:.0f}" font-family="{xml(FONT)}">'
        f'<rect width="{width:.0f}" height="{y:.0f}" fill="#ffffff"/>'
        + _text([title], PAD, 26, 18, font_weight="bold", fill="#212529")
    )
    return head + "".join(parts) + "</svg>\n"
