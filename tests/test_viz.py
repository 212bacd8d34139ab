"""The views, opened in a real headless Chromium (Debian's `chromium`) with no route out.

Every view of the examples is saved to a file and opened from it, as a user would: the page
must log no console error or warning, make no request beyond its own file, and hold exactly the
nodes and edges of the result it draws. Layout, highlighting, filtering, the large-result paths
and the Jupyter form are checked in the page itself.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bpql import viz
from bpql.api import Client, connect
from bpql.result import Result
from bpql.testing.browser import PageReport, open_view, viewed
from bpql.viz.style import AP_LOOKS
from tests.conftest import EXAMPLES
from tests.test_load import bpql

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Case:
    example: str
    query: str | None = None
    #: (service, scenario) for the blueprint view
    blueprint: tuple[str, str] | None = None

    @property
    def name(self) -> str:
        what = self.query or f"blueprint {self.blueprint}"
        return f"{self.example}: {what}"

    def result(self, client: Client) -> Result:
        if self.blueprint is not None:
            return client.blueprint(*self.blueprint)
        assert self.query is not None
        return client.query(self.query)


CASES = [
    Case("insurer", 'show service "claims"'),
    Case("insurer", 'show system "crm" depth 2'),
    Case("insurer", 'path from step "claims.submit-claim" to system "mainframe"'),
    Case("insurer", 'path from system "mainframe" to touchpoint "website" within 1'),
    Case("insurer", 'impact of department "billing"'),
    Case("insurer", 'impact of system "payments-gateway"'),
    Case("insurer", blueprint=("claims", "as-is")),
    Case("insurer", blueprint=("Motor claims", "to-be")),
    Case("insurer", blueprint=("billing", "as-is")),
    Case("clinic", 'show system "ehr"'),
    Case(
        "clinic",
        'path from service "telehealth" to system "master-patient-index" via in, uses, depends on',
    ),
    Case("clinic", 'impact of department "health-records"'),
    Case("clinic", blueprint=("check-in", "as-is")),
    Case("clinic", blueprint=("check-in", "to-be")),
    Case("clinic", blueprint=("consultation", "as-is")),
]
EXPECTED_VIEW = {"graph": "graph", "impact": "impact", "blueprint": "blueprint"}
#: a src or href that would fetch from a network
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


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


def opened(browser: Any, view: viz.View, tmp: Path, name: str = "view") -> PageReport:
    path = view.save(tmp / f"{name}.html")
    return open_view(browser, path)


def clean(report: PageReport) -> None:
    assert report.console_errors == []
    assert report.console_warnings == []
    assert report.requests == [], "the page tried to fetch something"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_view_of_the_examples(
    case: Case, stores: dict[str, Client], browser: Any, tmp_path: Path
) -> None:
    result = case.result(stores[case.example])
    assert result.graph is not None
    view = stores[case.example].viz(result, title=case.query)
    assert not REMOTE.search(view.html)
    report = opened(browser, view, tmp_path)
    clean(report)
    assert report.view == EXPECTED_VIEW[result.kind]
    assert (report.nodes, report.edges) == (len(result.graph.nodes), len(result.graph.edges))
    assert (view.nodes, view.edges) == (report.nodes, report.edges)
    assert f"{report.nodes} nodes, {report.edges} edges" in report.side_text
    if result.kind == "impact":
        assert result.table is not None
        for row in result.table.rows:
            assert row[0] in report.side_text


def page_data(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => ({
            view: JSON.parse(document.getElementById('bpql-view').textContent),
            positions: window.bpql.network.getPositions(),
            physics: window.bpql.network.physics.options.enabled,
            nodes: window.bpql.nodes.get().map(n => ({id: n.id, kind: n.kind, role: n.role,
                opacity: n.opacity, hidden: !!n.hidden, props: n.props, label: n.label,
                color: n.color})),
        })"""
        )
    )


#: the blueprint drawing in its own units: bands, lines, phases, and each thing's place
SHEET_READ = """() => {
    const svg = document.querySelector("#bpql-canvas > svg");
    const box = (e) => { const b = e.getBBox();
        return {x: b.x + b.width / 2, y: b.y + b.height / 2, top: b.y, bottom: b.y + b.height}; };
    const body = (g) => g.querySelector(".bpql-box, polygon, rect") || g.querySelector("text");
    return {
        bands: [...svg.querySelectorAll("rect.bpql-band")].map(r => ({key: r.dataset.band,
            top: r.y.baseVal.value, bottom: r.y.baseVal.value + r.height.baseVal.value})),
        titles: [...svg.querySelectorAll("text.bpql-band-title")].map(t => t.textContent),
        lines: [...svg.querySelectorAll("line.bpql-line")].map(l => l.y1.baseVal.value),
        lineTitles: [...svg.querySelectorAll("text.bpql-line-title")].map(t => t.textContent),
        phases: [...svg.querySelectorAll("g.bpql-phase")].map(g => ({
            name: g.querySelector("text").textContent, x: box(g).x})),
        nodes: [...svg.querySelectorAll("g[data-key]")].map(g => ({id: g.dataset.key,
            kind: g.dataset.kind, at: box(body(g)), fill: (g.querySelector("polygon") || {
                getAttribute: () => null}).getAttribute("fill"),
            label: [...(g.querySelector("text.bpql-label") || g).querySelectorAll("tspan")]
                .map(t => t.textContent),
            facts: [...g.querySelectorAll(".bpql-fact")].map(t => t.textContent),
            hover: g.querySelector("title").textContent})),
    };
}"""


def test_blueprint_is_drawn_in_bands_lines_and_phases(
    stores: dict[str, Client], browser: Any, tmp_path: Path
) -> None:
    result = stores["insurer"].blueprint("claims")
    assert result.graph is not None
    path = stores["insurer"].viz(result).save(tmp_path / "bp.html")
    with viewed(browser, path) as (page, report):
        data = page.evaluate(SHEET_READ)
    clean(report)
    bands = {b["key"]: (b["top"], b["bottom"]) for b in data["bands"]}
    assert data["titles"] == [
        "Physical evidence",
        "Touchpoints",
        "Customer actions",
        "Frontstage actions",
        "Backstage actions",
        "Support processes",
        "Support systems",
    ]
    assert data["lines"] == [bands["customer"][1], bands["frontstage"][1], bands["backstage"][1]]
    assert data["lineTitles"] == [
        "Line of interaction",
        "Line of visibility",
        "Line of internal interaction",
    ]
    band_of = {
        "Step:customer": "customer",
        "Step:frontstage": "frontstage",
        "Step:backstage": "backstage",
        "Step:support": "support",
        "Evidence": "evidence",
        "Touchpoint": "touchpoints",
        "System": "systems",
    }
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == set(result.graph.nodes)
    for n in data["nodes"]:
        band = band_of.get(n["kind"])
        if band is not None:
            top, bottom = bands[band]
            assert top < n["at"]["top"] and n["at"]["bottom"] < bottom, n["id"]
    # the 15 steps of the as-is claims blueprint, and its phases in time order, left to right
    steps = [n for n in data["nodes"] if n["kind"].startswith("Step:")]
    assert len(steps) == 15
    order = ["Report", "Assess", "Settle", "Close"]
    assert [p["name"] for p in sorted(data["phases"], key=lambda p: p["x"])] == order
    phase_of = {
        s["id"]: next(line.split(": ", 1)[1] for line in s["hover"].split("\n") if "phase:" in line)
        for s in steps
    }
    xs = [[s["at"]["x"] for s in steps if phase_of[s["id"]] == p] for p in order]
    for before, after in itertools.pairwise(xs):
        assert max(before) < min(after)
    # time runs left to right along each lane
    for e in result.graph.edges:
        if e.type == "NEXT":
            assert nodes[e.source]["at"]["x"] < nodes[e.target]["at"]["x"], (e.source, e.target)
    # fail points sit right under their step, named, coloured by action priority (not RPN)
    colours = {ap: colour for ap, colour, _ in AP_LOOKS}
    for e in result.graph.edges:
        if e.type == "HAS_FAIL_POINT":
            step, fp = nodes[e.source]["at"], nodes[e.target]["at"]
            assert abs(fp["x"] - step["x"]) < 0.5 and 0 < fp["top"] - step["bottom"] < 120
    fail_points = [n for n in data["nodes"] if n["kind"] == "FailPoint"]
    assert len(fail_points) == 6
    for n in fail_points:
        props = result.graph.nodes[n["id"]].properties
        *name, rating = n["label"]
        assert " ".join(name) == result.graph.nodes[n["id"]].name  # the whole name, wrapped
        assert rating == f"{props['ap'].capitalize()} AP · RPN {props['rpn']}"
        assert n["fill"] == colours[props["ap"]]
    # a step's longest wait is drawn on it, with its unit
    assert nodes["Step:claims.call-claims-line"]["facts"] == ["wait up to 10m"]
    assert nodes["Step:claims.register-claim"]["facts"] == ["target 1h"]


def test_click_highlights_the_neighbourhood_and_kinds_filter(
    stores: dict[str, Client], browser: Any, tmp_path: Path
) -> None:
    client = stores["insurer"]
    result = client.query('show system "crm" depth 2')
    assert result.graph is not None
    path = client.viz(result).save(tmp_path / "crm.html")
    neighbours = {e.target for e in result.graph.edges if e.source == "System:crm"} | {
        e.source for e in result.graph.edges if e.target == "System:crm"
    }
    with viewed(browser, path) as (page, report):
        page.evaluate("() => window.bpql.network.setOptions({physics: false})")
        page.wait_for_timeout(200)
        spot = page.evaluate(
            """() => { const n = window.bpql.network;
                const p = n.canvasToDOM(n.getPositions(['System:crm'])['System:crm']);
                const r = document.getElementById('bpql-network').getBoundingClientRect();
                return {x: r.left + p.x, y: r.top + p.y}; }"""
        )
        page.mouse.move(spot["x"], spot["y"])
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        tip = page.inner_text("div.vis-tooltip")
        assert "Customer CRM" in tip and "System:crm" not in tip and "crm" in tip
        page.mouse.click(spot["x"], spot["y"])
        page.wait_for_timeout(200)
        marked = [n["id"] for n in page_data(page)["nodes"] if n["role"] == "source"]
        assert marked == ["System:crm"], "the node shown is marked"
        faded = {n["id"]: n["opacity"] for n in page_data(page)["nodes"]}
        assert faded["System:crm"] == 1
        assert all(faded[k] == 1 for k in neighbours)
        others = set(faded) - neighbours - {"System:crm"}
        assert others and all(faded[k] < 1 for k in others)
        page.mouse.click(
            5
            + page.evaluate(
                "() => document.getElementById('bpql-network').getBoundingClientRect().left"
            ),
            5,
        )
        page.wait_for_timeout(200)
        assert all(n["opacity"] == 1 for n in page_data(page)["nodes"])
        before = page.evaluate("() => window.bpql.visibleCounts().nodes")
        systems = sum(1 for n in result.graph.nodes.values() if n.label == "System")
        page.click("input[data-kind='System']")
        after = page.evaluate("() => window.bpql.visibleCounts().nodes")
        assert (before, after) == (len(result.graph.nodes), len(result.graph.nodes) - systems)
        page.click("input[data-kind='System']")
        assert page.evaluate("() => window.bpql.visibleCounts().nodes") == before
    clean(report)


def test_impact_view_highlights_source_direct_and_visible(
    stores: dict[str, Client], browser: Any, tmp_path: Path
) -> None:
    client = stores["insurer"]
    result = client.query('impact of department "billing"')
    assert result.graph is not None and result.table is not None
    path = client.viz(result).save(tmp_path / "impact.html")
    with viewed(browser, path) as (page, report):
        data = page_data(page)
        rows = page.evaluate("() => document.querySelectorAll('#bpql-summary tr').length")
    clean(report)
    roles: dict[str, set[str]] = {}
    for n in data["nodes"]:
        roles.setdefault(n["role"], set()).add(n["id"])
    assert roles["source"] == {"Department:billing"}
    assert roles["direct"] == set(result.highlight["direct"])
    assert roles["visible"] == set(result.highlight["visible"]) - set(result.highlight["direct"])
    assert all(n["opacity"] < 1 for n in data["nodes"] if n["role"] == "other")
    assert roles["other"], "the rest of the subgraph is there, faded"
    assert rows == len(result.table.rows) + 1


def test_large_result_is_laid_out_before_drawing(
    synthetic40: Client, browser: Any, tmp_path: Path
) -> None:
    result = synthetic40.query('show system "core" depth 2')
    assert result.graph is not None
    assert viz.LIVE_PHYSICS_LIMIT < len(result.graph.nodes) < viz.DEFAULT_MAX_NODES
    path = synthetic40.viz(result).save(tmp_path / "large.html")
    with viewed(browser, path) as (page, report):
        data = page_data(page)
        placed = page.evaluate(
            "() => window.bpql.nodes.get().every(n => typeof n.x === 'number' && "
            "typeof n.y === 'number')"
        )
    clean(report)
    assert data["physics"] is False and placed
    assert (report.nodes, report.edges) == (len(result.graph.nodes), len(result.graph.edges))
    assert "laid out before drawing" in report.side_text


def test_too_large_a_result_is_collapsed_per_service(
    synthetic40: Client, browser: Any, tmp_path: Path
) -> None:
    result = synthetic40.query('show system "core" depth 2')
    assert result.graph is not None
    view = synthetic40.viz(result, max_nodes=200)
    assert view.kind == "aggregate" and view.message is not None
    path = view.save(tmp_path / "collapsed.html")
    with viewed(browser, path) as (page, report):
        data = page_data(page)
    clean(report)
    # every one of the 40 services uses `core`; shared things collapse into one node per kind
    shared = {n.label for n in result.graph.nodes.values()} & {
        "System",
        "Role",
        "Touchpoint",
        "Department",
        "Persona",
    }
    assert report.nodes == 40 + len(shared)
    assert "more than the 200 drawn one by one" in report.side_text
    total = sum(int(n["props"]["members"]) for n in data["nodes"])
    assert total == len(result.graph.nodes)
    assert data["view"]["represents"] == {
        "nodes": len(result.graph.nodes),
        "edges": len(result.graph.edges),
    }


def test_a_department_group_opens_into_its_services(
    synthetic40: Client, browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bpql.viz import layout

    result = synthetic40.query('impact of department "dept-03"')
    assert result.graph is not None
    monkeypatch.setattr(layout, "MAX_GROUPS", 30)
    agg = layout.aggregate(result.graph)
    path = synthetic40.viz(result, max_nodes=200).save(tmp_path / "departments.html")
    gkey, held = max(agg.services.items(), key=lambda kv: len(kv[1]))
    with viewed(browser, path) as (page, report):
        before = page.evaluate("() => window.bpql.counts()")
        added = page.evaluate("(id) => window.bpql.expand(id)", gkey)
        ids = page.evaluate("() => window.bpql.nodes.getIds()")
        after = page.evaluate("() => window.bpql.counts()")
        again = page.evaluate("(id) => window.bpql.expand(id)", gkey)
        legend = page.inner_text("#bpql-legend")
    clean(report)
    assert before["nodes"] == len(agg.graph.nodes)
    assert added == len(held) and again == 0
    assert set(ids) - set(agg.graph.nodes) == {f"Service:{sid}" for sid, _, _ in held}
    assert after == {"nodes": before["nodes"] + len(held), "edges": before["edges"] + len(held)}
    assert "Service" in legend


def test_an_answer_past_max_nodes_is_drawn_from_its_matrix(
    synthetic40: Client, browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its subgraph was never read: departments and services from its matrix, and a
    department group (past the cap) opens into its services in the page."""
    from bpql.viz import layout

    query = 'impact of department "dept-03"'
    monkeypatch.setattr(layout, "MAX_GROUPS", 12)
    view = synthetic40.viz(query, max_nodes=100)
    result = synthetic40.query(query, max_nodes=100)
    assert result.graph is None and result.undrawn and result.matrix is not None
    agg = layout.from_matrix(result.matrix, result.service_ids)
    gkey, held = max(agg.services.items(), key=lambda kv: len(kv[1]))
    path = view.save(tmp_path / "undrawn.html")
    with viewed(browser, path) as (page, report):
        data = page_data(page)
        before = page.evaluate("() => window.bpql.counts()")
        added = page.evaluate("(id) => window.bpql.expand(id)", gkey)
        ids = page.evaluate("() => window.bpql.nodes.getIds()")
    clean(report)
    assert before == {"nodes": len(agg.graph.nodes), "edges": len(agg.graph.edges)}
    assert added == len(held)
    # the services it opens are the store's, by id: they open and expand as any service
    assert set(ids) - set(agg.graph.nodes) == {f"Service:{sid}" for sid, _, _ in held}
    assert {sid for sid, _, _ in held} <= set(result.service_ids.values())
    assert "its subgraph was not read" in report.side_text
    assert data["view"]["represents"] == {
        "steps": result.matrix["steps"],
        "services": len(result.matrix["services"]),
    }


def test_view_renders_inline_as_in_jupyter(
    stores: dict[str, Client], browser: Any, tmp_path: Path
) -> None:
    client = stores["insurer"]
    result = client.blueprint("claims")
    assert result.graph is not None
    cell = client.viz(result)._repr_html_()
    assert cell.startswith("<iframe srcdoc=")
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><html><body><h1>Out[1]:</h1>{cell}</body></html>")
    report = open_view(browser, notebook, inline=True)
    clean(report)
    assert (report.nodes, report.edges) == (len(result.graph.nodes), len(result.graph.edges))


def test_views_show_inline_in_a_real_jupyter_kernel(
    stores: dict[str, Client], browser: Any, tmp_path: Path
) -> None:
    """A notebook run by nbclient on an ipykernel: the cell's text/html output is the view."""
    import nbformat
    from nbclient import NotebookClient

    db = tmp_path / "graph.lbdb"
    cells = [
        f"import bpql\ndb = bpql.connect({f'embedded:{db}'!r})\n"
        f"_ = db.load({str(EXAMPLES / 'insurer')!r})",
        "db.viz('impact of department \"billing\"')",
        "db.viz(db.blueprint('claims', 'to-be'))",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=300, kernel_name="python3").execute(cwd=str(tmp_path))
    client = stores["insurer"]
    expected = [
        client.query('impact of department "billing"'),
        client.blueprint("claims", "to-be"),
    ]
    for cell, result in zip(nb.cells[1:], expected, strict=True):
        (output,) = [o for o in cell.outputs if o.output_type == "execute_result"]
        html = output.data["text/html"]
        assert html.startswith("<iframe srcdoc=")
        page = tmp_path / "out.html"
        page.write_text(f"<!DOCTYPE html><html><body>{html}</body></html>", encoding="utf-8")
        report = open_view(browser, page, inline=True)
        clean(report)
        assert result.graph is not None
        assert (report.nodes, report.edges) == (len(result.graph.nodes), len(result.graph.edges))


def test_viz_command_end_to_end(tmp_path: Path, browser: Any) -> None:
    db = f"embedded:{tmp_path / 'graph.lbdb'}"
    assert bpql("load", "examples/insurer", "--db", db).returncode == 0
    out = tmp_path / "claims.html"
    r = bpql(
        "viz", "--blueprint", "Motor claims", "--scenario", "to-be", "-o", str(out), "--db", db
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"wrote {out}: blueprint view, 25 nodes, 29 edges\n"
    report = open_view(browser, out)
    clean(report)
    assert (report.view, report.nodes, report.edges) == ("blueprint", 25, 29)
    q = tmp_path / "impact.html"
    r = bpql("viz", 'impact of system "crm"', "-o", str(q), "--db", db)
    assert r.returncode == 0, r.stderr
    assert open_view(browser, q).view == "impact"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--blueprint", "claimz"], 'error: no service "claimz" (did you mean "claims"?)\n'),
        (
            ["--blueprint", "billing", "--scenario", "to-be"],
            'error: service "Premium billing" has no to-be blueprint; it has: as-is\n',
        ),
        (
            ["find services"],
            "error: this query returns a table, which has nothing to draw; draw `show`, `path` "
            "or `impact of` queries, or a blueprint with --blueprint SERVICE\n",
        ),
        (
            ['show service "claims"', "-o", "no/such/folder/x.html"],
            "error: no/such/folder/x.html: no folder 'no/such/folder' to write the page into\n",
        ),
        (
            ['show service "claims"', "-o", "tests"],
            "error: tests: cannot write the page: Is a directory\n",
        ),
        (
            ["--max-nodes", "0", 'show service "claims"'],
            "error: --max-nodes: expected a whole number of at least 1, got 0\n",
        ),
        (
            ["--scenario", "to-be", 'show service "claims"'],
            "error: --scenario goes with --blueprint SERVICE\n",
        ),
    ],
)
def test_viz_mistakes_are_one_line_and_write_nothing(
    args: list[str], message: str, tmp_path: Path, stores: dict[str, Client]
) -> None:
    db = f"embedded:{tmp_path / 'graph.lbdb'}"
    assert bpql("load", "examples/insurer", "--db", db).returncode == 0
    out = ["-o", str(tmp_path / "out.html")] if "-o" not in args else []
    r = bpql("viz", *args, *out, "--db", db)
    assert (r.returncode, r.stdout, r.stderr) == (2, "", message)
    assert not (tmp_path / "out.html").exists()


@pytest.mark.neo4j
def test_same_page_from_both_backends(insurer: dict[str, Client]) -> None:
    """The page is a function of the answer, and the answer is the same on both stores."""
    for query in (
        'show service "claims"',
        'impact of department "billing"',
        'path from step "claims.submit-claim" to system "mainframe"',
    ):
        pages = {kind: c.viz(query).html for kind, c in insurer.items()}
        assert pages["ladybug"] == pages["neo4j"], query
    blueprints = {kind: c.viz(c.blueprint("claims", "to-be")).html for kind, c in insurer.items()}
    assert blueprints["ladybug"] == blueprints["neo4j"]
    assert json.loads(blueprints["neo4j"].split('id="bpql-nodes">', 1)[1].split("</script>", 1)[0])
