"""The project's own Neo4j: the version, auth on, loopback only, and survival of a crash."""

from __future__ import annotations

import neo4j
import pytest
from neo4j.exceptions import AuthError

from tests.neo4j_fixture import Neo4jInfo, require_managed

pytestmark = pytest.mark.neo4j


def test_server_is_neo4j_5_26(neo4j_server: Neo4jInfo) -> None:
    assert neo4j_server.version.startswith("Neo4j/5.26."), neo4j_server.version


def test_auth_is_on(neo4j_server: Neo4jInfo) -> None:
    auth = (neo4j_server.user, "wrong")
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=auth) as d, pytest.raises(AuthError):
        d.verify_connectivity()


def test_listens_on_loopback_only(neo4j_server: Neo4jInfo) -> None:
    require_managed(neo4j_server, "its configuration is not ours to check")
    assert neo4j_server.server is not None
    conf = (neo4j_server.server.home / "conf" / "neo4j.conf").read_text()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert f"server.bolt.listen_address=127.0.0.1:{neo4j_server.server.port}" in conf
    # scripts/test runs the Neo4j tests a second time through a neo4j:// routing URI
    assert neo4j_server.uri.split("://", 1)[1].startswith("127.0.0.1:"), neo4j_server.uri
