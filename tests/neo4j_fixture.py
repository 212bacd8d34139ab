"""The `neo4j_server` fixture: a real Neo4j for the tests.

Order: NEO4J_URI if set (a server the user already runs); else testcontainers where a Docker
engine answers; else the project's own server fetched with Maven (bpql.testing.neo4j_server).
With BPQL_REQUIRE_NEO4J=1 (CI sets it) a missing Neo4j fails the run instead of skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bpql.testing.neo4j_server import Neo4jServer, Neo4jServerError


@dataclass
class Neo4jInfo:
    uri: str
    user: str
    password: str
    version: str
    how: str
    server: Neo4jServer | None = None

    @property
    def managed(self) -> bool:
        return self.server is not None

    def env(self) -> dict[str, str]:
        return {**os.environ, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}


_STARTED: list[Neo4jInfo] = []


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def _server_version(uri: str, user: str, password: str) -> str:
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as d:
        d.verify_connectivity()
        return str(d.get_server_info().agent)


def pytest_report_header(config: Any) -> str:
    if os.environ.get("NEO4J_URI"):
        how = f"NEO4J_URI={os.environ['NEO4J_URI']}"
    else:
        how = "testcontainers if Docker answers, else Neo4j 5.26 from Maven Central"
    required = " (required)" if os.environ.get("BPQL_REQUIRE_NEO4J") == "1" else ""
    return f"neo4j: {how}{required}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for info in _STARTED:
        terminalreporter.write_line(f"Neo4j server version: {info.version} ({info.how})")


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jInfo]:
    container: Any = None
    server: Neo4jServer | None = None
    try:
        if os.environ.get("NEO4J_URI"):
            uri = os.environ["NEO4J_URI"]
            user = os.environ.get("NEO4J_USER", "neo4j")
            password = os.environ.get("NEO4J_PASSWORD", "")
            info = Neo4jInfo(uri, user, password, _server_version(uri, user, password), "NEO4J_URI")
        elif _docker_answers():
            from testcontainers.neo4j import Neo4jContainer

            container = Neo4jContainer("neo4j:5.26-community").start()
            uri = container.get_connection_url()
            info = Neo4jInfo(
                uri,
                "neo4j",
                container.password,
                _server_version(uri, "neo4j", container.password),
                "testcontainers",
            )
        else:
            server = Neo4jServer().start()
            info = Neo4jInfo(
                server.uri,
                server.user,
                server.password,
                server.version,
                "managed, from Maven Central",
                server,
            )
    except (Neo4jServerError, OSError, Exception) as exc:
        reason = f"no Neo4j for the tests: {exc}"
        if os.environ.get("BPQL_REQUIRE_NEO4J") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    _STARTED.append(info)
    try:
        yield info
    finally:
        if server is not None:
            server.stop()
        if container is not None:
            container.stop()
