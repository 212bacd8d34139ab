"""`bpql serve`: the explorer's API on both backends, and the explorer in headless Chromium.

The server runs as a real `bpql serve` process on a free loopback port, started by a fixture
and stopped at the end (no process left); the browser may reach that server and nothing else.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bpql.api import Client, connect
from bpql.cli.serve import EXPLORER_CSP, exposure_warning, is_loopback, make_app
from bpql.testing.browser import watched_page
from tests.conftest import EXAMPLES, ROOT, insurer_in
from tests.neo4j_fixture import Neo4jInfo
from tests.test_load import bpql

IMPACT = 'impact of department "billing"'


@dataclass
class Server:
    base: str
    uri: str
    proc: subprocess.Popen[str]
    #: what the server wrote to stderr and nobody read before it stopped (`stop`)
    log: str = ""


def start_server(
    uri: str, env: dict[str, str] | None = None, host: str = "127.0.0.1", *extra: str
) -> Server:
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "bpql.cli", "serve", "--db", uri, "--port", "0"),
            *("--host", host, *extra),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"http://(\S+?)/ on ", line)
    if not found:
        proc.kill()
        raise AssertionError(f"no address from bpql serve: {line!r} {proc.stderr.read()!r}")  # type: ignore[union-attr]
    return Server(f"http://{found.group(1)}/", uri, proc)


def stop(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=20)
    assert server.proc.poll() is not None
    # its pipes closed, no descriptor left behind; the rest of its stderr kept as its log
    out, err = server.proc.stdout, server.proc.stderr
    if out is not None:
        out.close()
    if err is not None and not err.closed:
        server.log = err.read()
        err.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Client]]:
    yield from insurer_in(tmp_path_factory, "serve")


@pytest.fixture(scope="module")
def server(store: tuple[str, Client]) -> Iterator[Server]:
    running = start_server(store[0])
    yield running
    stop(running)


# --- without a browser --------------------------------------------------------------------


def test_loopback_is_the_default_and_anything_else_warns() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert exposure_warning("127.0.0.1") is None
    warning = exposure_warning("0.0.0.0")
    assert warning is not None and "no authentication" in warning


def test_binding_beyond_loopback_prints_the_warning(store: tuple[str, Client]) -> None:
    running = start_server(store[0], host="0.0.0.0")
    try:
        assert running.proc.stderr is not None
        assert "no authentication" in running.proc.stderr.readline()
    finally:
        stop(running)


def test_a_port_in_use_is_a_one_line_error(store: tuple[str, Client]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = bpql("serve", "--db", store[0], "--port", str(port))
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: cannot listen on 127.0.0.1:")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def _app_client(uri: str) -> Any:
    """The app in-process, asked as the explorer's page asks it: its own Host, its token."""
    from starlette.testclient import TestClient

    from bpql.backends import connect as backend

    # a cold Neo4j plans its first `impact of` in seconds on a busy machine: the time limit
    # has its own tests, this one compares answers
    app = make_app(lambda: backend(uri, read_only=True), uri, port=8765, query_timeout=120)
    return TestClient(
        app, base_url="http://127.0.0.1:8765", headers={"X-BPQL-Token": app.state.token}
    )


@pytest.mark.parametrize("kind", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_the_api_answers_the_same_on_both_backends(
    kind: str,
    store: tuple[str, Client],
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uri, client = store
    if kind == "neo4j":
        info: Neo4jInfo = request.getfixturevalue("neo4j_server")
        monkeypatch.setenv("NEO4J_USER", info.user)
        monkeypatch.setenv("NEO4J_PASSWORD", info.password)
        uri = info.uri
        with connect(uri) as neo:
            neo.load(EXAMPLES / "insurer")
    http = _app_client(uri)
    expected = client.query(IMPACT)
    assert expected.table is not None
    got = http.get("/api/query", params={"q": IMPACT}).json()
    assert "kind" in got, got
    assert got["kind"] == "impact" and got["total"] == len(expected.table.rows)
    assert [r[0] for r in got["rows"]] == [r[0] for r in expected.table.rows]
    page = http.get("/")
    assert page.headers["content-security-policy"] == EXPLORER_CSP
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page.text, re.I)
    assert re.findall(r'(?:src|href)="([^"]+)"', page.text) == [
        "/static/explorer.css",
        "/static/explorer.js",
    ]
    view = http.get("/view", params={"q": IMPACT})
    assert "connect-src 'self'" in view.headers["content-security-policy"]
    # completion of a name inside quotes, from the store
    done = http.get("/api/complete", params={"q": 'impact of department "bil'}).json()
    assert [c["text"] for c in done["candidates"]] == ['"billing"', '"Billing & Collections"']
    # a node's neighbours, as `show` one step out answers them
    near = client.query('show system "crm" depth 1')
    assert near.graph is not None
    grown = http.get("/api/expand", params={"node": "System:crm"}).json()
    assert {n["id"] for n in grown["nodes"]} == set(near.graph.nodes)
    # a mistake comes back with its caret, as the shell prints it
    bad = http.get("/api/query", params={"q": "find servces"})
    assert bad.status_code == 200  # an answer that is a mistake, not a failed request
    error = bad.json()["error"]
    assert error["code"] == "BPQL-Q012" and "^^^" in error["pretty"]
    cypher = http.get("/api/explain", params={"q": IMPACT}).json()["cypher"]
    assert "MATCH" in cypher
    found = http.get("/api/search", params={"name": "motor"}).json()["things"]
    assert {"label": "Service", "kind": "service", "id": "claims", "name": "Motor claims"} in found


# --- in the browser -----------------------------------------------------------------------


def frame_view(page: Any) -> Any:
    """The explorer's drawn answer, once the frame holds the view last asked for and its first
    stable frame is drawn."""
    page.wait_for_function(
        """() => {
            const w = document.getElementById("view").contentWindow;
            return window.bpqlExplorer.view !== null && w.location.href.endsWith(
                window.bpqlExplorer.view) && w.bpql !== undefined && w.bpql.ready === true;
        }""",
        timeout=120_000,
    )
    handle = page.query_selector("#view")
    inner = handle.content_frame()
    assert inner is not None
    return inner


def wait_answer(page: Any) -> None:
    page.wait_for_function(
        "() => window.bpqlExplorer.answer !== null || window.bpqlExplorer.error !== null"
    )


def test_explorer_end_to_end(server: Server, store: tuple[str, Client], browser: Any) -> None:
    _, client = store
    with watched_page(browser, (1280, 800), allow=server.base) as (page, report):
        report.url = server.base
        page.goto(server.base)
        page.wait_for_function("() => window.bpqlExplorer && window.bpqlExplorer.ready")

        # the home page: examples naming what is loaded, and every service to open
        page.wait_for_function("() => window.bpqlExplorer.home !== null")
        services = page.eval_on_selector_all("#services li", "l => l.map(li => li.dataset.key)")
        _, stored = client.backend.read("MATCH (s:Service) RETURN s.id ORDER BY s.id", {})
        assert services == [f"Service:{i}" for (i,) in stored]
        examples = page.eval_on_selector_all("#examples a", "l => l.map(a => a.textContent)")
        assert examples[0] == "find services" and len(examples) >= 5

        # type a query with completion: Tab takes the first suggestion
        page.click("#q")
        page.keyboard.type("impact of dep")
        page.wait_for_function(
            "() => (window.bpqlExplorer.suggestions || []).includes('department')"
        )
        page.keyboard.press("Tab")
        page.keyboard.type('"bil')
        page.wait_for_function(
            """() => (window.bpqlExplorer.suggestions || []).includes('"billing"')"""
        )
        page.keyboard.press("Tab")
        assert page.input_value("#q") == 'impact of department "billing" '
        page.keyboard.press("Enter")
        wait_answer(page)

        # the table holds the answer's rows; the URL holds the query
        expected = client.query(IMPACT)
        assert expected.table is not None and expected.graph is not None
        page.click('#tabs [data-tab="table"]')
        cells = page.eval_on_selector_all(
            "#table tr", "rows => rows.slice(1).map(r => r.cells[0].textContent)"
        )
        assert cells == [r[0] for r in expected.table.rows]
        assert urllib.parse.unquote_plus(page.url.split("?q=", 1)[1]) == IMPACT.strip()
        page.click('#tabs [data-tab="graph"]')
        view = frame_view(page)
        got = view.evaluate("() => window.bpql.counts()")
        assert got == {"nodes": len(expected.graph.nodes), "edges": len(expected.graph.edges)}
        assert view.evaluate("() => window.bpql.view") == "impact"

        # the Cypher one click away
        page.click('#tabs [data-tab="cypher"]')
        page.wait_for_function(
            "() => document.getElementById('cypher').textContent.includes('MATCH')"
        )

        # a mistake shows its caret
        page.fill("#q", "find servces")
        page.keyboard.press("Enter")
        wait_answer(page)
        assert "^^^^^^^" in page.inner_text("#error")

        # expand a node: double-click it, count the new neighbours
        page.fill("#q", 'show system "crm" depth 1')
        page.keyboard.press("Enter")
        wait_answer(page)
        view = frame_view(page)
        shown = client.query('show system "crm" depth 1')
        assert shown.graph is not None
        target = "Department:it"
        if target not in shown.graph.nodes:
            target = sorted(k for k in shown.graph.nodes if k != "System:crm")[0]
        label, id_ = target.split(":", 1)
        around = client.query(f'show {label.lower()} "{id_}" depth 1')
        assert around.graph is not None
        new = set(around.graph.nodes) - set(shown.graph.nodes)
        assert new, "pick a node with neighbours outside the answer"
        view.evaluate(
            "(id) => { window.bpql.network.setOptions({physics: false}); "
            "window.bpql.network.focus(id, {scale: 1}); }",
            target,
        )
        page.wait_for_timeout(200)
        at = view.evaluate(
            """(id) => {
                const p = window.bpql.network.canvasToDOM(
                    window.bpql.network.getPositions([id])[id]);
                const r = document.getElementById("bpql-network").getBoundingClientRect();
                return {x: r.left + p.x, y: r.top + p.y};
            }""",
            target,
        )
        box = page.query_selector("#view").bounding_box()
        page.mouse.dblclick(box["x"] + at["x"], box["y"] + at["y"])
        want = len(shown.graph.nodes) + len(new)
        view.wait_for_function(f"() => window.bpql.nodes.length === {want}", timeout=30_000)
        # the explorer's counts and the view's legend follow the expansion
        edges = view.evaluate("() => window.bpql.edges.length")
        assert page.inner_text("#summary").startswith(f"{want} nodes, {edges} edges")
        legend = view.eval_on_selector_all(
            "#bpql-legend li",
            "items => items.map(li => Number(li.querySelector('.n').textContent))",
        )
        assert sum(legend) == want

        # search by name, open a service as its blueprint
        page.fill("#name", "motor")
        page.wait_for_selector('#found li[data-key="Service:claims"] a:text("blueprint")')
        page.click('#found li[data-key="Service:claims"] a:text("blueprint")')
        view = frame_view(page)
        assert view.evaluate("() => window.bpql.view") == "blueprint"
        assert "blueprint=claims" in page.url
        blueprint = client.blueprint("claims", "as-is")
        assert blueprint.graph is not None
        assert view.evaluate("() => window.bpql.counts().nodes") == len(blueprint.graph.nodes)

    assert report.console_errors == []
    assert report.requests == [], "the explorer tried to fetch outside its server"

    # a shared URL opens the same answer in a fresh page
    with watched_page(browser, (1280, 800), allow=server.base) as (page, report):
        report.url = server.base
        page.goto(server.base + "?q=" + urllib.parse.quote(IMPACT))
        wait_answer(page)
        view = frame_view(page)
        assert view.evaluate("() => window.bpql.view") == "impact"
        assert page.input_value("#q") == IMPACT
        if os.environ.get("BPQL_SCREENSHOTS") == "1":
            page.wait_for_timeout(300)
            page.screenshot(path=str(ROOT / "docs" / "img" / "serve-explorer.png"))
        assert view.evaluate("() => window.bpql.counts().nodes") == len(expected.graph.nodes)
    assert report.console_errors == []
    assert report.requests == []


def test_the_explorer_draws_an_answer_too_large_to_draw_from_its_matrix(
    tmp_path: Path, browser: Any
) -> None:
    """Issue 25: past the nodes a view draws one by one (3,000), the explorer reads the
    answer without its subgraph, and its view is the collapse of its matrix: the summary
    counts the view's nodes and the answer's rows, and nothing fails in the page."""
    from bpql.testing.synthetic import write_enterprise
    from bpql.viz import DEFAULT_MAX_NODES, layout

    query = 'impact of department "dept-03"'
    folder = write_enterprise(tmp_path / "enterprise", services=140)
    uri = f"embedded:{tmp_path / 'graph.lbdb'}"
    with connect(uri) as client:
        client.load(folder)
        expected = client.query(query, max_nodes=DEFAULT_MAX_NODES)
    assert expected.undrawn is not None and expected.undrawn > DEFAULT_MAX_NODES
    assert expected.matrix is not None and expected.table is not None
    groups = layout.from_matrix(expected.matrix, expected.service_ids).graph
    running = start_server(uri)
    try:
        with watched_page(browser, (1280, 800), allow=running.base) as (page, report):
            report.url = running.base + "?q=" + urllib.parse.quote(query)
            # every text the summary shows, from the answer's counts to the view's
            page.add_init_script(
                "window.summaries = []; document.addEventListener('DOMContentLoaded', () => {"
                " const s = document.getElementById('summary'); if (!s) return;"
                " new MutationObserver(() => window.summaries.push(s.textContent)).observe("
                "s, {childList: true, subtree: true, characterData: true}); });"
            )
            page.goto(report.url)
            wait_answer(page)
            page.wait_for_function(
                "() => { const w = document.getElementById('view').contentWindow;"
                " return !!(w && w.bpql && w.bpql.nodes && w.bpql.nodes.length); }"
            )
            page.wait_for_function(
                "() => document.getElementById('summary').textContent.includes('edges')"
            )
            summary = page.inner_text("#summary")
            drawn = page.evaluate("() => window.bpqlExplorer.answer.drawn")
            shown = page.evaluate("() => window.summaries")
    finally:
        stop(running)
    assert not report.console_errors and not report.requests, report
    rows = len(expected.table.rows)
    assert drawn is True
    # before its view is drawn the answer has no node count: its rows alone, never "null"
    assert shown and shown[0] == f"{rows} rows" and not any("null" in t for t in shown), shown
    assert summary == f"{len(groups.nodes)} nodes, {len(groups.edges)} edges; {rows} rows"


def test_explorer_compares_as_is_with_to_be_and_answers_what_if(
    server: Server, store: tuple[str, Client], browser: Any
) -> None:
    """The redesign answers in the explorer: a service's `compare` link opens the diff view
    with the counts `bpql diff` gives, and a what-if statement draws in the impact view."""
    _, client = store
    counts = client.diff("claims").comparison.counts()
    assert counts["added"] and counts["removed"] and counts["changed"]
    with watched_page(browser, (1280, 800), allow=server.base) as (page, report):
        report.url = server.base
        page.goto(server.base)
        page.wait_for_function("() => window.bpqlExplorer && window.bpqlExplorer.ready")
        page.fill("#name", "motor")
        page.wait_for_selector('#found li[data-key="Service:claims"] a:text("compare")')
        page.click('#found li[data-key="Service:claims"] a:text("compare")')
        view = frame_view(page)
        assert view.evaluate("() => window.bpql.view") == "diff"
        assert "diff=claims" in page.url
        shown = view.evaluate(
            "() => JSON.parse(document.getElementById('bpql-view').textContent).diff"
        )
        assert shown == counts

        what_if = 'impact of closing channel "letter"'
        expected = client.query(what_if)
        assert expected.graph is not None and expected.kind == "whatif"
        page.fill("#q", what_if)
        page.keyboard.press("Enter")
        wait_answer(page)
        view = frame_view(page)
        got = view.evaluate("() => window.bpql.counts()")
        assert got == {"nodes": len(expected.graph.nodes), "edges": len(expected.graph.edges)}
    assert report.console_errors == []
    assert report.requests == []
