"""The `neo4j_server` fixture: a real Neo4j for the tests.

Order: NEO4J_URI if set (a server the user already runs); else testcontainers where a Docker
engine answers; else the project's own server fetched with Maven (bpql.testing.neo4j_server).
With BPQL_REQUIRE_NEO4J=1 (CI sets it) a missing Neo4j fails the run instead of skipping.

With BPQL_TEST_NEO4J_SCHEME=neo4j every test reaches the server through a `neo4j://` URI,
the routing driver a cluster or Aura needs (against one server: a routing table of one);
.ci/run runs the Neo4j tests a second time so.
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

#: the URI schemes a test run may reach Neo4j through (BPQL_TEST_NEO4J_SCHEME)
SCHEMES = ("bolt", "neo4j")


def scheme() -> str:
    """The scheme this run reaches Neo4j through: bolt (direct) unless
    BPQL_TEST_NEO4J_SCHEME says neo4j (routed)."""
    chosen = os.environ.get("BPQL_TEST_NEO4J_SCHEME") or "bolt"
    if chosen not in SCHEMES:
        raise pytest.UsageError(f"BPQL_TEST_NEO4J_SCHEME={chosen!r}: expected bolt or neo4j")
    return chosen


def routed(uri: str) -> str:
    """`uri` through this run's scheme: `bolt://host:port` becomes `neo4j://host:port` when
    the run asks for routing (the +s and +ssc forms keep their suffix)."""
    name, sep, rest = uri.partition("://")
    if not sep or not name.startswith(SCHEMES):
        return uri
    suffix = name.partition("+")[2]
    return f"{scheme()}{'+' + suffix if suffix else ''}://{rest}"


def require_or_skip(reason: str) -> None:
    """No Neo4j: a failure where BPQL_REQUIRE_NEO4J=1 (CI), else a skip."""
    if os.environ.get("BPQL_REQUIRE_NEO4J") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def require_managed(info: Neo4jInfo, why: str) -> None:
    """A test that needs the server this session started (to kill or read its settings): a
    skip where the user named their own (NEO4J_URI) or no Java was there, a failure in CI
    (BPQL_REQUIRE_NEO4J=1), whose set-up always starts its own."""
    if info.managed:
        return
    reason = f"the Neo4j server was not started by this test session, so {why}"
    if os.environ.get("BPQL_REQUIRE_NEO4J") == "1" and not os.environ.get("NEO4J_URI"):
        pytest.fail(reason)
    pytest.skip(reason)


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
        how = "Neo4j 5.26 from Maven Central, else testcontainers if Docker answers"
    required = " (required)" if os.environ.get("BPQL_REQUIRE_NEO4J") == "1" else ""
    return f"neo4j: {how}{required}, through {scheme()}://"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for info in _STARTED:
        terminalreporter.write_line(
            f"Neo4j server version: {info.version} ({info.how}), through {info.uri}"
        )


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
        else:
            # the project's own set-up first (Java and Maven, which scripts/test installs):
            # the tests that kill or restrict the server need one they started themselves;
            # testcontainers only where Java or Maven is missing and Docker answers
            try:
                server = Neo4jServer().start()
            except Neo4jServerError:
                if not _docker_answers():
                    raise
            if server is not None:
                info = Neo4jInfo(
                    server.uri,
                    server.user,
                    server.password,
                    server.version,
                    "managed, from Maven Central",
                    server,
                )
            else:
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
    except (Neo4jServerError, OSError, Exception) as exc:
        require_or_skip(f"no Neo4j for the tests: {exc}")
    info.uri = routed(info.uri)
    _STARTED.append(info)
    try:
        yield info
    finally:
        if server is not None:
            server.stop()
        if container is not None:
            container.stop()
