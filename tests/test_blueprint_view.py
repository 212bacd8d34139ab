"""The blueprint and impact views fit the screens designers use, and count what the answer says.

Each view is opened in headless Chromium at 1,280x800 and 1,920x1,080 and measured: every step
box, band and label inside the window (or its drawing), no two step boxes overlapping, the
first column clear of the side panel; counts read back from every part of a view equal the
answer's. `BPQL_SCREENSHOTS=1` saves the pictures in docs/img/ (not on every run). The SVG and
PNG exports are checked here too.
"""

from __future__ import annotations

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


BOXES = """() => {
    const n = window.bpql.network;
    const r = document.getElementById("bpql-network").getBoundingClientRect();
    const view = JSON.parse(document.getElementById("bpql-view").textContent);
    const dom = (p) => { const d = n.canvasToDOM(p); return {x: r.left + d.x, y: r.top + d.y}; };
    const box = (id) => {
        const b = n.getBoundingBox(id);
        const a = dom({x: b.left, y: b.top}), z = dom({x: b.right, y: b.bottom});
        return {left: a.x, top: a.y, right: z.x, bottom: z.y};
    };
    const nodes = window.bpql.nodes.get().map(x => ({id: x.id, kind: x.kind, box: box(x.id)}));
    const a = dom({x: view.left, y: view.top}), z = dom({x: view.width, y: view.bottom});
    return {nodes: nodes, frame: {left: r.left, top: r.top, right: r.right, bottom: r.bottom},
            drawing: {left: a.x, top: a.y, right: z.x, bottom: z.y},
            side: document.getElementById("bpql-side").getBoundingClientRect().right};
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("example", "service", "scenario"),
    [
        ("insurer", "claims", "as-is"),
        ("insurer", "claims", "to-be"),
        ("clinic", "check-in", "to-be"),
    ],
)
def test_blueprint_fits_with_nothing_hidden(
    stores: dict[str, Client],
    browser: Any,
    tmp_path: Path,
    example: str,
    service: str,
    scenario: str,
    size: tuple[int, int],
) -> None:
    result = stores[example].blueprint(service, scenario)
    assert result.graph is not None
    path = stores[example].viz(result).save(tmp_path / "bp.html")
    with viewed(browser, path, size) as (page, report):
        page.wait_for_timeout(200)
        got = page.evaluate(BOXES)
        if SHOTS and example == "insurer" and scenario == "as-is":
            page.screenshot(path=str(ROOT / "docs" / "img" / f"blueprint-{size[0]}.png"))
    assert report.console_errors == [] and report.requests == []
    frame = got["frame"]
    # the whole drawing, band titles included, is in the window and clear of the side panel
    assert inside(got["drawing"], frame, slack=1.5), (got["drawing"], frame)
    assert got["drawing"]["left"] >= got["side"] - 0.5
    steps = [n for n in got["nodes"] if n["kind"].startswith("Step:")]
    assert len(steps) == sum(1 for n in result.graph.nodes.values() if n.label == "Step")
    for n in got["nodes"]:
        assert inside(n["box"], frame, slack=1.5), n["id"]
    for i, a in enumerate(steps):
        for b in steps[i + 1 :]:
            assert not overlaps(a["box"], b["box"]), (a["id"], b["id"])
    # a fail point's name and rating sit clear of every step box
    for fp in (n for n in got["nodes"] if n["kind"] == "FailPoint"):
        for s in steps:
            assert not overlaps(fp["box"], s["box"]), (fp["id"], s["id"])


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
                height: document.getElementById("bpql-network").getBoundingClientRect().height,
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


def test_png_export_through_chromium(
    stores: dict[str, Client], tmp_path: Path, browser: Any
) -> None:
    db = f"embedded:{_store_path(stores['insurer'])}"
    for args, name in (
        (["--blueprint", "claims"], "claims.png"),
        (['show system "crm"'], "crm.png"),
    ):
        out = tmp_path / name
        # a process of its own: this one already drives a browser through Playwright
        done = bpql("viz", *args, "--db", db, "-o", str(out), process=True)
        assert done.returncode == 0, done.stderr
        head = out.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(head[16:20], "big")
        assert width >= 1920


def test_png_without_chromium_is_one_clear_line(stores: dict[str, Client], tmp_path: Path) -> None:
    db = f"embedded:{_store_path(stores['insurer'])}"
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "BPQL_CHROMIUM": str(tmp_path / "no-chromium")}
    done = bpql("viz", "--blueprint", "claims", "--db", db, "-o", str(tmp_path / "c.png"), env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("error: PNG export needs headless Chromium")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "c.png").exists()


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
