"""draw.io out, for wikis and whiteboards: a page per blueprint, drawn as swimlanes.

Each blueprint is a pool (a draw.io swimlane) holding a swimlane per lane, its steps as
rounded boxes placed in BPQL's own blueprint layout (a column per moment, phases named above
the pool), the time order within a lane as arrows and a lower lane's support as dashed ones.
Everything stays editable: a lane moves with its steps, and each step carries its BPQL id,
lane, phase, touchpoint, roles and systems as data (draw.io's Edit Data). The file is
uncompressed mxGraph XML (`<mxfile>`), which draw.io opens as it is.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from bpql.graphdata import Enterprise, GraphData
from bpql.interchange.source import LANE_TITLES, BlueprintInfo, Index, blueprints, gc_paused
from bpql.interchange.xmltext import Xml, number
from bpql.viz.layout import COLUMN

STEP_W, STEP_H = 140, 70
LANE_H = 120
TITLE = 30
PHASE_H = 30
FILLS = {
    "customer": "#DCEBFA",
    "frontstage": "#DDF2E3",
    "backstage": "#FCEBD7",
    "support": "#ECE4F5",
}
POOL = "swimlane;shape=swimlane;horizontal=0;startSize=30;html=1;whiteSpace=wrap;fillColor=#F5F5F5;"
LANE = (
    "swimlane;shape=swimlane;horizontal=0;startSize=30;html=1;whiteSpace=wrap;"
    "swimlaneFillColor={fill};fillColor={fill};"
)
STEP = "rounded=1;whiteSpace=wrap;html=1;arcSize=12;fillColor=#FFFFFF;strokeColor=#555555;"
TRUTH = "strokeWidth=3;fontStyle=1;"
PHASE = "text;html=1;align=center;verticalAlign=middle;fontStyle=1;fillColor=#EDEDED;"
NEXT = "edgeStyle=orthogonalEdgeStyle;rounded=0;html=1;endArrow=block;"
#: a supporting step is in a lower lane: out of its top, into the bottom of the step it
#: supports, so the arrow rises between the boxes instead of crossing them from the centre
SUPPORTS = (
    "edgeStyle=orthogonalEdgeStyle;rounded=0;html=1;dashed=1;endArrow=open;"
    "exitX=0.5;exitY=0;exitDx=0;exitDy=0;entryX=0.5;entryY=1;entryDx=0;entryDy=0;"
)


def _cell_id(kind: str, bpql_id: str) -> str:
    return f"{kind}:{bpql_id}"


def _label(text: str) -> str:
    """A label draw.io shows as HTML (`html=1`): the text escaped, so it is shown, not run."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def _page(x: Xml, ix: Index, b: BlueprintInfo) -> None:
    plan = b.layout
    xs = [plan.positions[f"Step:{s.id}"][0] for s in b.steps]
    left = min(xs)
    width = TITLE * 2 + (max(xs) - left) + STEP_W + 80
    lanes = b.lanes()
    height = LANE_H * len(lanes)
    x.open("diagram", {"id": _cell_id("page", b.id), "name": b.title})
    x.open(
        "mxGraphModel",
        {
            "dx": 1200,
            "dy": 800,
            "grid": 1,
            "gridSize": 10,
            "guides": 1,
            "tooltips": 1,
            "connect": 1,
            "arrows": 1,
            "fold": 1,
            "page": 1,
            "pageScale": 1,
            "pageWidth": round(width + 80),
            "pageHeight": round(height + PHASE_H + 80),
            "math": 0,
            "shadow": 0,
        },
    )
    x.open("root")
    x.leaf("mxCell", None, {"id": "0"})
    x.leaf("mxCell", None, {"id": "1", "parent": "0"})
    top = 40 + PHASE_H

    def col_x(step_x: float) -> float:
        return TITLE * 2 + 20 + (step_x - left)

    half = COLUMN / 2  # a phase's span runs half a column either side of its steps
    for title, lo, hi in plan.phases:
        cx0, cx1 = col_x(lo + half) - 30, col_x(hi - half) + STEP_W + 30
        _cell(
            x,
            _cell_id("phase", f"{b.id}/{title}/{lo}"),
            _label(title),
            PHASE,
            "1",
            40 + cx0,
            40,
            max(cx1 - cx0, 60),
            PHASE_H - 4,
        )
    pool = _cell_id("pool", b.id)
    _cell(x, pool, _label(b.title), POOL, "1", 40, top, width, height)
    phases = dict(b.phases)
    for i, lane in enumerate(lanes):
        lane_id = _cell_id("lane", f"{b.id}/{lane}")
        _cell(
            x,
            lane_id,
            _label(LANE_TITLES[lane]),
            LANE.format(fill=FILLS[lane]),
            pool,
            TITLE,
            i * LANE_H,
            width - TITLE,
            LANE_H,
        )
        for s in b.steps:
            if s.lane != lane:
                continue
            sx = col_x(plan.positions[f"Step:{s.id}"][0]) - TITLE
            style = STEP + (TRUTH if s.props.get("moment_of_truth") else "")
            data = {
                "bpql_id": s.id,
                "lane": s.lane,
                "phase": phases.get(s.phase or "", s.phase or ""),
                "touchpoint": ix.name("Touchpoint", s.touchpoint) if s.touchpoint else "",
                "roles": ", ".join(ix.name("Role", r) for r in s.roles),
                "systems": ", ".join(ix.name("System", y) for y in s.systems),
                "description": s.props.get("description") or "",
            }
            x.open(
                "object",
                {
                    "id": _cell_id("step", s.id),
                    "label": _label(s.name),
                    **{k: v for k, v in data.items() if v},
                },
            )
            _cell(x, None, None, style, lane_id, sx, (LANE_H - STEP_H) / 2, STEP_W, STEP_H)
            x.close("object")
    for s in b.steps:
        for nxt in ix.out["NEXT"].get(s.id, ()):
            _edge(x, _cell_id("next", f"{s.id}>{nxt}"), NEXT, s.id, nxt)
        for up in s.supports:
            _edge(x, _cell_id("supports", f"{s.id}>{up}"), SUPPORTS, s.id, up)
    x.close("root")
    x.close("mxGraphModel")
    x.close("diagram")


def _cell(
    x: Xml,
    id_: str | None,
    value: str | None,
    style: str,
    parent: str,
    gx: float,
    gy: float,
    w: float,
    h: float,
) -> None:
    attrs: dict[str, object] = {
        "id": id_,
        "value": value,
        "style": style,
        "vertex": 1,
        "parent": parent,
    }
    x.open("mxCell", attrs)
    x.leaf(
        "mxGeometry",
        None,
        {
            "x": number(gx),
            "y": number(gy),
            "width": number(w),
            "height": number(h),
            "as": "geometry",
        },
    )
    x.close("mxCell")


def _edge(x: Xml, id_: str, style: str, source: str, target: str) -> None:
    x.open(
        "mxCell",
        {
            "id": id_,
            "style": style,
            "edge": 1,
            "parent": "1",
            "source": _cell_id("step", source),
            "target": _cell_id("step", target),
        },
    )
    x.leaf("mxGeometry", None, {"relative": 1, "as": "geometry"})
    x.close("mxCell")


@gc_paused
def export_drawio(
    source: GraphData | Enterprise,
    out: Path | None = None,
    services: Iterable[str] | None = None,
    scenario: str | None = "as-is",
) -> str:
    """The blueprints of one scenario (as-is unless asked; None for both) as a draw.io file,
    a page each. Written to `out` when given; the text either way."""
    from bpql import __version__

    ix, bps = blueprints(source, services, scenario)
    x = Xml()
    x.open(
        "mxfile",
        {"host": "bpql", "agent": f"bpql {__version__}", "version": "24.0.0", "type": "device"},
    )
    for b in bps:
        _page(x, ix, b)
    x.close("mxfile")
    text = x.getvalue()
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text
