"""Loading on both backends: counts, idempotence, deletion on reload, identical graphs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bpql.model.validate import validate_paths
from tests.conftest import BACKENDS, EXAMPLES, ROOT, open_store
from tests.graphdump import dump
from tests.neo4j_fixture import Neo4jInfo

ENTERPRISES = ("insurer", "clinic")


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bpql.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def db_uri(kind: str, tmp_path: Path, neo4j: Neo4jInfo) -> str:
    return f"embedded:{tmp_path / 'g.lbdb'}" if kind == "ladybug" else neo4j.uri


@pytest.mark.parametrize("enterprise", ENTERPRISES)
def test_cli_stats_identical_on_both_backends(
    enterprise: str, neo4j_server: Neo4jInfo, tmp_path: Path
) -> None:
    env = neo4j_server.env()
    outputs = {}
    for kind in BACKENDS:
        uri = db_uri(kind, tmp_path, neo4j_server)
        load = cli("load", f"examples/{enterprise}", "--db", uri, env=env)
        assert load.returncode == 0, load.stderr
        stats = cli("stats", "--db", uri, "--format", "json", env=env)
        assert stats.returncode == 0, stats.stderr
        outputs[kind] = json.loads(stats.stdout)
    assert outputs["ladybug"] == outputs["neo4j"]
    expected = validate_paths([EXAMPLES / enterprise]).graph.counts()
    assert outputs["neo4j"] == expected
    assert outputs["neo4j"]["nodes"]["Service"] >= 6


@pytest.mark.parametrize("enterprise", ENTERPRISES)
def test_same_graph_on_both_backends_and_loading_twice_changes_nothing(
    enterprise: str, neo4j_server: Neo4jInfo, tmp_path: Path
) -> None:
    dumps = {}
    for kind in BACKENDS:
        client = open_store(kind, tmp_path, neo4j_server)
        client.load(EXAMPLES / enterprise)
        first = dump(client.backend)
        client.load(EXAMPLES / enterprise)
        assert dump(client.backend) == first, f"second load changed the graph on {kind}"
        dumps[kind] = first
        client.close()
    assert dumps["ladybug"] == dumps["neo4j"]


@pytest.mark.parametrize("kind", BACKENDS)
def test_reload_after_deleting_a_step_removes_it(
    kind: str, neo4j_server: Neo4jInfo, tmp_path: Path
) -> None:
    src = tmp_path / "insurer"
    shutil.copytree(EXAMPLES / "insurer", src)
    client = open_store(kind, tmp_path, neo4j_server)
    client.load(src)
    before = dump(client.backend)
    claims = src / "services" / "claims.yaml"
    text = claims.read_text()
    start = text.index("  - id: send-reference\n")
    end = text.index("  - id: screen-fraud\n")
    claims.write_text(text[:start] + text[end:])
    client.load(src)
    after = dump(client.backend)
    client.close()
    gone = "claims.send-reference"
    assert gone in [n[0] for n in before["nodes"]["Step"]]
    assert gone not in [n[0] for n in after["nodes"]["Step"]]
    for t, pairs in after["relationships"].items():
        assert all(gone not in pair for pair in pairs), t
        removed = {p for p in before["relationships"][t] if gone in p}
        assert set(after["relationships"][t]) == set(before["relationships"][t]) - removed, t
    for label, nodes in after["nodes"].items():
        expected = [n for n in before["nodes"][label] if n[0] != gone]
        if label == "Step":  # later steps of the blueprint move up one in time order
            assert [n[0] for n in nodes] == [n[0] for n in expected]
        else:
            assert nodes == expected, label


def test_unreachable_server_is_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uri = f"bolt://127.0.0.1:{port}"
    r = cli("stats", "--db", uri)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and uri in lines[0], r.stderr


def test_wrong_password_names_uri_not_password(neo4j_server: Neo4jInfo) -> None:
    secret = "not-the-password-1234"
    env = {**neo4j_server.env(), "NEO4J_PASSWORD": secret}
    r = cli("stats", "--db", neo4j_server.uri, env=env)
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert neo4j_server.uri in lines[0] and secret not in r.stderr and "Traceback" not in r.stderr
