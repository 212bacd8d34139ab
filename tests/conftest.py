"""Shared fixtures: a real Neo4j (tests/neo4j_fixture.py) and stores on both backends."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bpql.api import Client, connect

if TYPE_CHECKING:
    from tests.neo4j_fixture import Neo4jInfo

pytest_plugins = ["tests.neo4j_fixture"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BACKENDS = ("ladybug", "neo4j")


def pytest_addoption(parser: Any) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite golden files under tests/ instead of comparing with them",
    )


@pytest.fixture(scope="session")
def update_goldens(request: Any) -> bool:
    return bool(request.config.getoption("--update-goldens"))


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
