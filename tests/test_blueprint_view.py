"""The blueprint and impact views fit the screens designers use, and count what the answer says.

Each view is opened in headless Chromium at 1,280x800 and 1,920x1,080 and measured: every step
box, band and label inside the window (or its drawing), no two step boxes overlapping, the
first column clear of the side panel; counts read back from every part of a view equal the
answer's. `BPQL_SCREENSHOTS=1` saves the pictures in docs/img/ (not on every run). The SVG and
PNG exports are checked here too.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bpql.api import Client, connect
from bpql.result import Mark, Result
from bpql.testing.browser import viewed
from tests.conftest import EXAMPLES, ROOT
from tests.test_load import bpql

SIZES = [(1280, 800), (1920, 1080)]
SHOTS = os.environ.get("BPQL_SCREENSHOTS") == "1"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Client]]:
    clients = {}
    for name in ("insurer", "clinic"):
        client = connect(f"embedded:{tmp_path_factory.mktemp(name) / 'graph.lbdb'}")
        client.load(EXAMPLES / name)
        clients[name] = client
    yield clients
    for c in clients.values():
        c.close()


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"] - 0.5
        and b["left"] < a["right"] - 0.5
        and a["top"] < b["bottom"] - 0.5
        and b["top"] < a["bottom"] - 0.5
    )


def inside(inner: dict[str, float], outer: dict[str, float], slack: float = 0.5) -> bool:
    return (
        inner["left"] >= outer["left"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["top"] >= outer["top"] - slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


#: what a drawing page (blueprint, diff) shows, measured on screen: the frame, every step's
#: box and name, every thing's marker and label, the bands' titles, every line's corners
DRAWING_READ = """() => {
    const rect = (e) => { const b = e.getBoundingClientRect();
        return {left: b.left, top: b.top, right: b.right, bottom: b.bottom}; };
    const svg = document.querySelector("#bpql-canvas > svg");
    const frame = document.getElementById("bpql-drawing");
    const points = (path) => {
        const m = path.getScreenCTM();
        const nums = path.getAttribute("d").match(/-?[0-9.]+/g).map(Number);
        const out = [];
        for (let i = 0; i < nums.length; i += 2) {
            out.push([m.a * nums[i] + m.c * nums[i + 1] + m.e,
                      m.b * nums[i] + m.d * nums[i + 1] + m.f]);
        }
        return out;
    };
    const label = (g) => g.querySelector("text.bpql-label");
    return {
        frame: rect(frame), frameWidth: frame.clientWidth, svg: rect(svg),
        natural: svg.viewBox.baseVal.width,
        side: document.getElementById("bpql-side").getBoundingClientRect().right,
        steps: [...svg.querySelectorAll("g.bpql-step")].map(g => ({
            key: g.dataset.key, diff: g.dataset.diff || null,
            box: rect(g.querySelector(".bpql-box")),
            text: rect(label(g)), facts: [...g.querySelectorAll(".bpql-fact")].map(rect),
            name: [...label(g).querySelectorAll("tspan")].map(t => t.textContent).join(" "),
            px: parseFloat(label(g).getAttribute("font-size")) * label(g).getScreenCTM().a,
            moment: g.dataset.moment === "true", lint: g.querySelector(".bpql-lint") !== null,
            stroke: g.querySelector(".bpql-box").getAttribute("stroke"),
            hover: g.querySelector("title").textContent})),
        things: [...svg.querySelectorAll("g.bpql-thing, g.bpql-failpoint")].map(g => ({
            key: g.dataset.key, kind: g.dataset.kind, box: rect(g.querySelector("polygon, rect")),
            label: rect(label(g)),
            text: [...label(g).querySelectorAll("tspan")].map(t => t.textContent)})),
        titles: [...svg.querySelectorAll("text.bpql-band-title, text.bpql-line-title")].map(rect),
        bands: [...svg.querySelectorAll("rect.bpql-band")].map(r => ({key: r.dataset.band,
            box: rect(r)})),
        phases: [...svg.querySelectorAll("g.bpql-phase")].map(g => ({key: g.dataset.key,
            name: g.querySelector("text").textContent, box: rect(g.querySelector("text"))})),
        edges: [...svg.querySelectorAll("path.bpql-edge")].map(p => ({from: p.dataset.from,
            to: p.dataset.to, type: p.dataset.type, points: points(p),
            marker: p.getAttribute("marker-end")})),
        markers: [...document.querySelectorAll("marker")].map(m => m.id),
        legend: [...document.querySelectorAll("#bpql-marks li")].map(li => li.textContent),
    };
}"""

Box = dict[str, float]


def _shrunk(box: Box, by: float) -> Box:
    return {
        "left": box["left"] + by,
        "top": box["top"] + by,
        "right": box["right"] - by,
        "bottom": box["bottom"] - by,
    }


def crosses(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether the segment a-b passes through the inside of `box` (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for p, q in (
        (-dx, x0 - box["left"]),
        (dx, box["right"] - x0),
        (-dy, y0 - box["top"]),
        (dy, box["bottom"] - y0),
    ):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo >= hi:
            return False
    return hi - lo > 1e-6


def line_crossings(got: dict[str, Any]) -> list[str]:
    """Every line that passes through a box, a marker or a name it does not connect, or
    through the name of one it does, or through a band's title."""
    bad = []
    # what a line may not pass through: each step's box (its name is inside), each marker
    # and each marker's name; a line ends on its own step's border, or its own marker
    parts: list[tuple[str, Box, bool]] = [(s["key"], s["box"], False) for s in got["steps"]]
    for t in got["things"]:
        parts += [(t["key"], t["box"], True), (t["key"], t["label"], False)]
    for e in got["edges"]:
        segments = list(itertools.pairwise(e["points"]))
        ends = {e["from"], e["to"]}
        for key, box, marker in parts:
            if key in ends and marker:
                continue
            inner = _shrunk(box, 2.0 if key in ends else 1.0)
            if any(crosses(a, b, inner) for a, b in segments):
                bad.append(f"{e['type']} {e['from']} -> {e['to']} crosses {key}")
        for title in got["titles"]:
            if any(crosses(a, b, _shrunk(title, 1.0)) for a, b in segments):
                bad.append(f"{e['type']} {e['from']} -> {e['to']} crosses a band's title")
    return bad


def text_clipped(got: dict[str, Any]) -> list[str]:
    """Every step whose name or standards run out of its box."""
    return [
        s["key"]
        for s in got["steps"]
        for r in (s["text"], *s["facts"])
        if not inside(r, s["box"], slack=0.5)
    ]


def titles_over_boxes(got: dict[str, Any]) -> list[str]:
    return [s["key"] for s in got["steps"] for t in got["titles"] if overlaps(t, s["box"])]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("example", "service", "scenario"),
    [
        ("insurer", "claims", "as-is"),
        ("insurer", "claims", "to-be"),
        ("clinic", "check-in", "to-be"),
    ],
)
def test_blueprint_is_legible_and_nothing_is_crossed_or_cut(
    stores: dict[str, Client],
    browser: Any,
    tmp_path: Path,
    example: str,
    service: str,
    scenario: str,
    size: tuple[int, int],
) -> None:
    """The blueprint page measured on screen: box text at least 11 px (the drawing fits the
    window's width, never smaller than that), every name whole inside its box, no two boxes
    overlapping, no line through a box or a name it does not connect, no band title over a
    box, the SUPPORTS arrowheads defined, the legend beside the drawing."""
    result = stores[example].blueprint(service, scenario)
    assert result.graph is not None
    path = stores[example].viz(result).save(tmp_path / "bp.html")
    with viewed(browser, path, size) as (page, report):
        got = page.evaluate(DRAWING_READ)
        if SHOTS and example == "insurer" and scenario == "as-is":
            page.screenshot(path=str(ROOT / "docs" / "img" / f"blueprint-{size[0]}.png"))
    assert report.console_errors == [] and report.requests == []
    steps = got["steps"]
    assert len(steps) == sum(1 for n in result.graph.nodes.values() if n.label == "Step")
    # legible: 11 px or more on screen; the drawing clear of the side panel, using the width
    assert min(s["px"] for s in steps) >= 11, min(s["px"] for s in steps)
    assert got["svg"]["left"] >= got["side"] - 0.5
    width = got["svg"]["right"] - got["svg"]["left"]
    assert width >= min(got["frameWidth"] - 40, got["natural"] * 1.6 - 1), (width, got)
    for s in steps:  # the whole name, wrapped, never cut
        assert s["name"] == result.graph.nodes[s["key"]].name, s["key"]
    assert text_clipped(got) == []
    for i, a in enumerate(steps):
        for b in steps[i + 1 :]:
            assert not overlaps(a["box"], b["box"]), (a["key"], b["key"])
    for t in got["things"]:
        for s in steps:
            assert not overlaps(t["box"], s["box"]), (t["key"], s["key"])
    assert titles_over_boxes(got) == []
    assert line_crossings(got) == []
    supports = [e for e in got["edges"] if e["type"] == "SUPPORTS"]
    assert supports and all(e["marker"] == "url(#bpql-arrow-SUPPORTS)" for e in supports)
    assert "bpql-arrow-SUPPORTS" in got["markers"]
    assert any("Supports" in words for words in got["legend"])
    drawn = {e["from"] + e["type"] + e["to"] for e in got["edges"]}
    want = {e.source + e.type + e.target for e in result.graph.edges if e.type != "HAS_FAIL_POINT"}
    assert drawn == want


def _every_blueprint(client: Client) -> Iterator[Result]:
    from bpql.ids import parse_blueprint_id

    _, rows = client.backend.read("MATCH (b:Blueprint) RETURN b.id ORDER BY b.id", {})
    for (bid,) in rows:
        ref = parse_blueprint_id(str(bid))
        yield client.blueprint(ref.service, ref.scenario, ref.variant or "")


def _rect(r: Any) -> Box:
    return {"left": r.x0, "top": r.y0, "right": r.x1, "bottom": r.y1}


def test_every_example_blueprint_is_routed_clear_of_boxes_and_names(
    stores: dict[str, Client],
) -> None:
    """Over the drawing's own geometry, every blueprint of both examples: no line through a
    box, a marker or a name it does not connect, none through its own ends' names, every
    line orthogonal, and every thing inside its band."""
    from bpql.viz import drawing

    seen = 0
    for client in stores.values():
        for result in _every_blueprint(client):
            assert result.graph is not None
            drawn = drawing.draw_blueprint(result.graph)
            plan = drawn.plan
            got: dict[str, Any] = {"steps": [], "things": [], "titles": [], "edges": []}
            for key, body in plan.bodies.items():
                if key.startswith("Step:"):
                    got["steps"].append({"key": key, "box": _rect(body)})
                else:
                    label = _rect(plan.label_boxes[key]) if key in plan.label_boxes else None
                    got["things"].append(
                        {"key": key, "box": _rect(body), "label": label or _rect(body)}
                    )
            for link, points in drawn.routes.items():
                got["edges"].append(
                    {"from": link.source, "to": link.target, "type": link.type, "points": points}
                )
                for (ax, ay), (bx, by) in itertools.pairwise(points):
                    assert ax == bx or ay == by, (link, points)  # orthogonal, never a diagonal
            assert line_crossings(got) == [], result.title
            bands = {b.key: b for b in plan.bands}
            for key, body in plan.bodies.items():
                node = result.graph.nodes[key]
                band = {"Evidence": "evidence", "Touchpoint": "touchpoints", "System": "systems"}
                where = band.get(node.label) or (
                    str(node.properties.get("lane")) if node.label == "Step" else None
                )
                if where is not None:
                    assert bands[where].top <= body.y0 and body.y1 <= bands[where].bottom, key
            seen += 1
    assert seen >= 8


def test_in_the_explorer_at_1280_box_text_is_at_least_11_px(
    stores: dict[str, Client], browser: Any, tmp_path: Path
) -> None:
    """The view as the explorer frames it (an iframe under its query bar) at 1,280x800."""
    result = stores["insurer"].blueprint("claims")
    view = stores["insurer"].viz(result)
    frame = view._repr_html_().replace(
        "width: 100%; height: 680px; border: 1px solid #dee2e6;", "width: 100%; height: 700px;"
    )
    outer = tmp_path / "explorer.html"
    outer.write_text(
        "<!DOCTYPE html><html><body style='margin:0'><div style='height:90px'>query bar</div>"
        f"{frame}</body></html>",
        encoding="utf-8",
    )
    with viewed(browser, outer, (1280, 800), inline=True) as (page, report):
        frame = page.frames[1]
        got = frame.evaluate(DRAWING_READ)
    assert report.console_errors == []
    assert min(s["px"] for s in got["steps"]) >= 11


IMPACT_READ = """() => {
    const rect = (e) => { const b = e.getBoundingClientRect();
        return {left: b.left, top: b.top + scrollY, right: b.right, bottom: b.bottom + scrollY}; };
    const bands = [...document.querySelectorAll("svg.bpql-band")].map(svg => ({
        service: svg.dataset.service, box: rect(svg),
        steps: [...svg.querySelectorAll("g.bpql-step")].map(g => ({
            step: g.dataset.step, route: g.dataset.route, visible: g.dataset.visible === "true",
            ringed: g.querySelector(".bpql-ring") !== null,
            box: rect(g.querySelector(".bpql-box")), label: rect(g.querySelector("text")),
            text: [...g.querySelectorAll("tspan")].map(t => t.textContent).join(" ")})),
        labels: [...svg.querySelectorAll("text")].map(rect)}));
    const table = document.querySelector("#bpql-summary table");
    const matrix = [...document.querySelectorAll("#bpql-matrix tr")].map(
        tr => [...tr.children].map(c => c.textContent));
    const roles = [...document.querySelectorAll("#bpql-roles li")].map(
        li => [li.children[1].textContent, Number(li.children[2].textContent)]);
    const routes = [...document.querySelectorAll("#bpql-routes li")].map(
        li => Number(li.children[2].textContent));
    return {bands: bands, width: document.documentElement.clientWidth,
            tableFits: table.scrollWidth <= table.parentElement.clientWidth + 1,
            tableRight: table.getBoundingClientRect().right,
            rows: [...table.querySelectorAll("tr")].slice(1).map(tr => tr.cells[0].textContent),
            matrix: matrix, roles: roles, routes: routes};
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("example", "query"),
    [
        ("insurer", 'impact of department "billing"'),
        ("insurer", 'impact of system "payments-gateway"'),
        ("clinic", 'impact of department "health-records"'),
    ],
)
def test_impact_bands_fit_and_count_what_the_answer_says(
    stores: dict[str, Client],
    browser: Any,
    tmp_path: Path,
    example: str,
    query: str,
    size: tuple[int, int],
) -> None:
    result = stores[example].query(query)
    assert result.table is not None and result.steps is not None
    path = stores[example].viz(result).save(tmp_path / "impact.html")
    with viewed(browser, path, size) as (page, report):
        got = page.evaluate(IMPACT_READ)
        if SHOTS and query.endswith('"billing"'):
            page.screenshot(
                path=str(ROOT / "docs" / "img" / f"impact-{size[0]}.png"), full_page=True
            )
    assert report.console_errors == [] and report.requests == []
    steps = {str(r[1]): dict(zip(result.steps.columns, r, strict=True)) for r in result.steps.rows}
    visible = set(result.highlight[Mark.VISIBLE])
    # one band per affected service, every affected step in it once, marked by its route
    assert sorted(b["service"] for b in got["bands"]) == sorted({s.split(".")[0] for s in steps})
    drawn = {s["step"]: s for b in got["bands"] for s in b["steps"]}
    assert sum(len(b["steps"]) for b in got["bands"]) == len(drawn) == len(steps)
    for step, s in drawn.items():
        assert s["route"] == (steps[step]["route"] or "")
        assert s["visible"] == s["ringed"] == (f"Step:{step}" in visible)
        assert s["text"] == result.graph.nodes[f"Step:{step}"].name  # type: ignore[union-attr]
    # nothing clipped: bands inside the window's width, labels inside their boxes and bands,
    # no two step boxes overlapping
    for band in got["bands"]:
        assert band["box"]["right"] <= got["width"] + 0.5, band["service"]
        for label in band["labels"]:
            assert inside(label, band["box"], slack=1), band["service"]
        for i, a in enumerate(band["steps"]):
            assert inside(a["label"], a["box"], slack=1), a["step"]
            for b in band["steps"][i + 1 :]:
                assert not overlaps(a["box"], b["box"]), (a["step"], b["step"])
    # the full table, readable: every column in the window
    assert got["tableFits"] and got["tableRight"] <= got["width"] + 0.5
    assert got["rows"] == [r[0] for r in result.table.rows]
    # counts agree: legend, matrix total row, table columns, the answer's highlight
    roles = dict(got["roles"])
    assert roles["Customer-visible"] == len(visible)
    assert roles["Directly affected"] == len(result.highlight[Mark.DIRECT])
    cols = result.table.columns
    by_service = {
        r[0]: (r[cols.index("steps")], r[cols.index("visible")]) for r in result.table.rows
    }
    header, *body = got["matrix"]
    total = body[-1]
    assert total[0] == "all steps"
    for service, cell in zip(header[1:], total[1:], strict=True):
        assert cell == f"{by_service[service][0]} / {by_service[service][1]}"
    assert sum(v for v, _ in by_service.values()) == len(steps)
    assert sum(v for _, v in by_service.values()) == len(visible)
    assert sum(got["routes"]) == len(steps)


def test_print_shows_the_diagram_without_the_controls(
    stores: dict[str, Client], browser: Any, tmp_path: Path
) -> None:
    result = stores["insurer"].blueprint("claims")
    path = stores["insurer"].viz(result).save(tmp_path / "bp.html")
    with viewed(browser, path, (1280, 800)) as (page, report):
        page.emulate_media(media="print")
        got = page.evaluate(
            """() => ({
                toggle: getComputedStyle(document.getElementById("bpql-toggle")).display,
                legend: getComputedStyle(document.getElementById("bpql-legend")).display,
                height: document.querySelector("#bpql-canvas svg").getBoundingClientRect().height,
            })"""
        )
        pdf = page.pdf()
    assert report.console_errors == []
    assert got["toggle"] == "none" and got["legend"] == "none" and got["height"] > 400
    assert pdf[:5] == b"%PDF-"


def test_legend_counts_twelve_customer_visible_steps_as_the_answer_does(
    stores: dict[str, Client],
) -> None:
    """The count the issue found wrong (11 in the legend, 12 in the table and JSON)."""
    result = stores["insurer"].query('impact of department "billing"')
    assert result.table is not None
    view = stores["insurer"].viz(result)
    data = re.search(r'id="bpql-view">(.*?)</script>', view.html, re.S)
    assert data is not None
    page = json.loads(data.group(1))
    counts = {r["title"]: r["count"] for r in page["roles"]}
    table_visible = sum(r[result.table.columns.index("visible")] for r in result.table.rows)
    assert (
        counts["Customer-visible"]
        == table_visible
        == len(result.to_json()["highlight"]["visible"])
        == 12
    )
    assert page["impact"]["visible"] == 12


def _answer(client: Client, service: str, scenario: str = "as-is") -> Result:
    return client.blueprint(service, scenario)


def test_svg_export_draws_every_step_with_its_whole_name(
    stores: dict[str, Client], tmp_path: Path
) -> None:
    db = f"embedded:{_store_path(stores['insurer'])}"
    out = tmp_path / "claims.svg"
    done = bpql("viz", "--blueprint", "claims", "--db", db, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "blueprint view as SVG" in done.stdout
    root = ET.parse(out).getroot()
    result = _answer(stores["insurer"], "claims")
    assert result.graph is not None
    steps = {
        g.get("data-key"): " ".join(t.text or "" for t in g.iter(f"{SVG}tspan"))
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "bpql-step"
    }
    want = {k: n for k, n in result.graph.nodes.items() if n.label == "Step"}
    assert set(steps) == set(want)
    for key, text in steps.items():
        assert text.startswith(want[key].name)  # the whole name (then its target time)
    fps = [g for g in root.iter(f"{SVG}g") if g.get("class") == "bpql-failpoint"]
    assert len(fps) == sum(1 for n in result.graph.nodes.values() if n.label == "FailPoint")
    impact = tmp_path / "impact.svg"
    done = bpql("viz", 'impact of department "billing"', "--db", db, "-o", str(impact))
    assert done.returncode == 0, done.stderr
    groups = [
        g for g in ET.parse(impact).getroot().iter(f"{SVG}g") if g.get("class") == "bpql-step"
    ]
    assert len(groups) == 29
    refused = bpql("viz", 'show system "crm"', "--db", db, "-o", str(tmp_path / "crm.svg"))
    assert refused.returncode == 2 and "BPQL" not in refused.stdout
    assert refused.stderr.startswith("error: a graph view has no SVG drawing")
    assert not (tmp_path / "crm.svg").exists()
    odd = bpql("viz", "--blueprint", "claims", "--db", db, "-o", str(tmp_path / "c.pdf"))
    assert odd.returncode == 2 and "cannot write a .pdf file" in odd.stderr


def _store_path(client: Client) -> str:
    return client.backend.uri.removeprefix("embedded:")


def test_png_of_a_graph_view_through_chromium(
    stores: dict[str, Client], tmp_path: Path, browser: Any
) -> None:
    """A view with no SVG drawing (a graph) is photographed by headless Chromium, when there
    is one; the drawings are rasterised without it (tests/test_png.py)."""
    db = f"embedded:{_store_path(stores['insurer'])}"
    out = tmp_path / "crm.png"
    # a process of its own: this one already drives a browser through Playwright
    done = bpql("viz", 'show system "crm"', "--db", db, "-o", str(out), process=True)
    assert done.returncode == 0, done.stderr
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(head[16:20], "big") >= 1920


@pytest.mark.parametrize(
    "query",
    [
        'impact of retiring system "crm"',
        'impact of moving role "billing-clerk" to department "customer-service"',
        'impact of closing channel "letter"',
    ],
)
def test_whatif_bands_and_matrix_count_what_the_answer_says(
    stores: dict[str, Client], browser: Any, tmp_path: Path, query: str
) -> None:
    """A what-if answer in the impact view: every step it reaches drawn in its service's band,
    and the legend, the matrix and the title counting what the table counts."""
    result = stores["insurer"].query(query)
    assert result.kind == "whatif" and result.table is not None and result.steps is not None
    path = stores["insurer"].viz(result).save(tmp_path / "whatif.html")
    with viewed(browser, path, (1280, 800)) as (page, report):
        got = page.evaluate(IMPACT_READ)
    assert report.console_errors == [] and report.requests == []
    cols = result.table.columns
    per = {
        r[0]: (r[cols.index("steps")], r[cols.index("customer_visible")]) for r in result.table.rows
    }
    steps = {str(r[1]) for r in result.steps.rows}
    drawn = [s["step"] for b in got["bands"] for s in b["steps"]]
    assert sorted(drawn) == sorted(steps)
    visible = sum(v for _, v in per.values())
    assert dict(got["roles"])["Customer-visible"] == visible
    assert f"{visible} customer-visible" in (result.title or "")
    header, *body = got["matrix"]
    assert body[-1][0] == "all steps"
    for service, cell in zip(header[1:], body[-1][1:], strict=True):
        assert cell == f"{per[service][0]} / {per[service][1]}"
    # steps performed by roles sit in their department's row; customer steps in the row for none
    lane = result.steps.columns.index("lane")
    if any(r[lane] != "customer" for r in result.steps.rows):
        assert len(body) > 2 and body[0][0] != "(performed by no department)"
    else:
        assert [r[0] for r in body] == ["(performed by no department)", "all steps"]


@pytest.mark.parametrize(
    "query", ['impact of system "payments-gateway"', 'impact of department "billing"']
)
def test_matrix_rows_are_the_departments_performing_the_steps(
    stores: dict[str, Client], query: str
) -> None:
    """Each affected step a role performs counts in the row of that role's department,
    whichever route reached it (not only in the changed department's row), with no
    department named twice; a step no role performs (a customer's) counts where the step it
    is reached through does, so a cell may hold more than its department performs."""
    from bpql.viz.svg import department_matrix

    client = stores["insurer"]
    result = client.query(query)
    assert result.steps is not None
    _, rows = client.backend.read(
        "MATCH (s:Step)-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(d:Department) "
        "RETURN DISTINCT s.id, d.name",
        {},
    )
    performers: dict[str, set[str]] = {}
    for step, dept in rows:
        performers.setdefault(step, set()).add(dept)
    cols = result.steps.columns
    expected: dict[tuple[str, str], int] = {}
    for r in result.steps.rows:
        row = dict(zip(cols, r, strict=True))
        for dept in performers.get(str(row["step"]), set()):
            key = (dept, str(row["service"]))
            expected[key] = expected.get(key, 0) + 1
    matrix = department_matrix(result)
    names = [r["department"] for r in matrix["rows"]]
    assert len(names) == len(set(names))
    got = {
        (r["department"], s): cell[0]
        for r in matrix["rows"]
        for s, cell in zip(matrix["services"], r["cells"], strict=True)
        if cell is not None
    }
    for key, n in expected.items():
        assert got[key] >= n, key
    performed = sum(1 for r in result.steps.rows if performers.get(str(r[cols.index("step")])))
    assert sum(got.values()) >= performed
    assert len({d for d, _ in expected}) >= 4  # more than the changed department's own row


def _small_blueprint() -> Any:
    """Two steps, no evidence, no touchpoint, no support system: a moment of truth with a
    lint finding, and a step with a longest wait."""
    from bpql.result import Graph, GraphEdge, GraphNode

    g = Graph()
    g.add_node(GraphNode("Phase", "s.p", ("Phase",), {"name": "Ask", "order": 1}))
    g.add_node(
        GraphNode(
            "Step",
            "s.ask",
            ("Step",),
            {
                "name": "Ask for help",
                "lane": "customer",
                "seq": 1,
                "phase": "s.p",
                "moment_of_truth": True,
                "lint": "lanes/customer-step-without-touchpoint: no touchpoint",
            },
        )
    )
    g.add_node(
        GraphNode(
            "Step",
            "s.answer",
            ("Step",),
            {"name": "Answer", "lane": "frontstage", "seq": 2, "phase": "s.p", "max_wait": 90.0},
        )
    )
    g.add_edge(GraphEdge("Step:s.answer", "Step:s.ask", "SUPPORTS"))
    return g


def test_a_moment_with_a_lint_finding_shows_both_and_empty_bands_are_thin() -> None:
    from bpql.viz import drawing, layout

    graph = _small_blueprint()
    svg = drawing.blueprint_svg(graph, "Small", "")
    root = ET.fromstring(svg.split("\n", 1)[1])
    groups = {g.get("data-key"): g for g in root.iter(f"{SVG}g") if g.get("data-key")}
    ask = groups["Step:s.ask"]
    box = next(r for r in ask.iter(f"{SVG}rect") if r.get("class") == "bpql-box")
    ring = next(r for r in ask.iter(f"{SVG}rect") if r.get("class") == "bpql-lint")
    assert box.get("stroke") == drawing.MOMENT_RING  # the gold border stays...
    assert ring.get("stroke") == drawing.LINT_COLOR  # ...and the lint ring is beside it
    assert ask.get("data-moment") == "true" and ask.get("data-lint") == "true"
    hover = ask.find(f"{SVG}title")
    assert hover is not None and "moment of truth: yes" in (hover.text or "")
    assert "lint: lanes/customer-step-without-touchpoint" in (hover.text or "")
    # the longest wait, with its unit and its mark
    answer = groups["Step:s.answer"]
    texts = [t.text for t in answer.iter(f"{SVG}tspan")]
    assert "wait up to 1h30m" in texts
    assert any(p.get("class") == "bpql-wait" for p in answer.iter(f"{SVG}path"))
    # bands with nothing in them are thin; the lanes holding steps are not
    plan = layout.blueprint_layout(graph)
    height = {b.key: b.bottom - b.top for b in plan.bands}
    for empty in ("evidence", "touchpoints", "backstage", "support", "systems"):
        assert height[empty] == layout.THIN, empty
    assert height["customer"] > 2 * layout.THIN and height["frontstage"] > 2 * layout.THIN
    # the exported picture has its legend, naming both marks and the wait, and the arrowhead
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "bpql-legend")
    words = " ".join(t.text or "" for t in legend.iter(f"{SVG}tspan"))
    for item in ("Moment of truth", "Lint finding", "max_wait", "Supports"):
        assert item in words, item
    markers = {m.get("id") for m in root.iter(f"{SVG}marker")}
    assert "bpql-arrow-SUPPORTS" in markers
    (line,) = [p for p in root.iter(f"{SVG}path") if p.get("data-type") == "SUPPORTS"]
    assert line.get("marker-end") == "url(#bpql-arrow-SUPPORTS)"
