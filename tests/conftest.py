"""Shared fixtures: a real Neo4j (tests/neo4j_fixture.py), stores on both backends, and a
catalog built from files for compiling with no database.

Tests that use a Neo4j fixture are marked `neo4j` and tests that use the browser are marked
`browser` here, so `pytest -m "not neo4j and not browser"` is the fast loop: no Java, no
Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bpql.api import Client, connect
from bpql.query.compiler import GraphCatalog

if TYPE_CHECKING:
    from tests.neo4j_fixture import Neo4jInfo
    from tests.test_load import Store

pytest_plugins = ["tests.neo4j_fixture"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BACKENDS = ("ladybug", "neo4j")
DIALECTS = ("neo4j", "ladybug")

#: fixtures that need a Neo4j server or headless Chromium, and the mark each brings
NEEDS = {"neo4j_server": "neo4j", "neo4j_env": "neo4j", "insurer": "neo4j", "browser": "browser"}


@pytest.fixture(scope="session", autouse=True)
def _load_state_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Loads into Neo4j keep their state in a cache folder (bpql/load/protocol.py): the session's
    own, not the user's."""
    saved = os.environ.get("BPQL_CACHE_DIR")
    os.environ["BPQL_CACHE_DIR"] = str(tmp_path_factory.mktemp("bpql-cache"))
    yield
    if saved is None:
        os.environ.pop("BPQL_CACHE_DIR", None)
    else:
        os.environ["BPQL_CACHE_DIR"] = saved


def _no_skip(report: Any) -> None:
    """In CI (`.ci/run` sets BPQL_NO_SKIPS=1) every test runs: a skip, whatever its cause (a
    server, a browser, a tool or a package missing), is a failure, so nothing the set-up
    should have installed passes unseen."""
    if report.skipped and os.environ.get("BPQL_NO_SKIPS") == "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (BPQL_NO_SKIPS=1), which runs every test: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    _no_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    outcome = yield
    _no_skip(outcome.get_result())


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    """Mark every test by what its fixtures need (fixtures of fixtures included).

    The fast loop (`-m "not neo4j and not browser"`) also leaves out tests marked `slow`
    (many processes on one store, kill -9 trials, a wheel build): like everything that touches
    a server or a page, they run in the full suite, which CI runs."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        for mark in sorted({m for f, m in NEEDS.items() if f in names}):
            if mark not in {m.name for m in item.iter_markers()}:
                item.add_marker(mark)
    expr = " ".join(str(config.getoption("markexpr") or "").split())
    if "not neo4j" in expr and "slow" not in expr:
        slow = [i for i in items if i.get_closest_marker("slow")]
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = [i for i in items if not i.get_closest_marker("slow")]


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store on each backend, reached through the CLI (tests.test_load.Store): a fresh
    embedded folder, or the session's Neo4j, whose contents a test's first load replaces. A
    module that means something else by `store` defines its own."""
    from tests.test_load import embedded_store, neo4j_store

    if request.param == "embedded":
        return embedded_store(tmp_path / "store")
    return neo4j_store(request.getfixturevalue("neo4j_server"), monkeypatch)


@pytest.fixture(scope="session")
def update_goldens(request: Any) -> bool:
    """Whether to rewrite the golden files under tests/queries/ (compiled Cypher, answers,
    messages): with syrupy's own `--snapshot-update`, so one flag updates every snapshot."""
    return bool(request.config.getoption("--snapshot-update"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright; CI (BPQL_REQUIRE_BROWSER=1) fails
    rather than skips when it is missing."""
    from bpql.testing.browser import BrowserMissing, chromium, chromium_path

    try:
        chromium_path()
    except BrowserMissing as exc:
        if os.environ.get("BPQL_REQUIRE_BROWSER") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    with chromium() as b:
        yield b


@pytest.fixture
def neo4j_env(neo4j_server: Neo4jInfo, monkeypatch: pytest.MonkeyPatch) -> Neo4jInfo:
    monkeypatch.setenv("NEO4J_USER", neo4j_server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    return neo4j_server


def open_store(kind: str, tmp: Path, neo4j: Neo4jInfo | None) -> Client:
    if kind == "ladybug":
        return connect(f"embedded:{tmp / 'graph.lbdb'}")
    assert neo4j is not None
    os.environ["NEO4J_USER"] = neo4j.user
    os.environ["NEO4J_PASSWORD"] = neo4j.password
    return connect(neo4j.uri)


def insurer_in(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[str, Client]]:
    """For a module's fixture: the insurer loaded into a fresh embedded store (in a folder
    named after `name`), its URI and a client, closed at the end."""
    uri = f"embedded:{tmp_path_factory.mktemp(name) / 'graph.lbdb'}"
    client = connect(uri)
    client.load(EXAMPLES / "insurer")
    yield uri, client
    client.close()


@pytest.fixture(scope="module")
def insurer(
    neo4j_server: Neo4jInfo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Client]]:
    """The insurer example loaded into a fresh embedded store and into Neo4j."""
    clients = {}
    for kind in BACKENDS:
        client = open_store(kind, tmp_path_factory.mktemp(kind), neo4j_server)
        client.load(EXAMPLES / "insurer")
        clients[kind] = client
    yield clients
    for c in clients.values():
        c.close()


@pytest.fixture(scope="module")
def embedded_insurer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """The insurer example loaded into a fresh embedded store (no Neo4j), one per module."""
    client = connect(f"embedded:{tmp_path_factory.mktemp('insurer') / 'graph.lbdb'}")
    client.load(EXAMPLES / "insurer")
    yield client
    client.close()


@pytest.fixture(scope="session")
def synthetic40(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """A synthetic enterprise of 40 services (bpql.testing.synthetic) in an embedded store:
    answers past the drawings' node limits, for the views' tests."""
    from bpql.testing.synthetic import write_enterprise

    folder = write_enterprise(tmp_path_factory.mktemp("synthetic"), services=40)
    client = connect(f"embedded:{tmp_path_factory.mktemp('syn-db') / 'graph.lbdb'}")
    client.load(folder)
    yield client
    client.close()


@pytest.fixture(scope="session")
def catalog() -> GraphCatalog:
    """Ids and names of the insurer example, from its validated files: what the query corpus
    refers to (tests/blueprints/good lacks most of its ids, such as "payments-gateway")."""
    from bpql.model.validate import validate_paths

    return GraphCatalog(validate_paths([EXAMPLES / "insurer"]).graph)
