"""A load killed half way leaves the graph as it was before the load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, EXAMPLES, ROOT, open_store
from tests.graphdump import dump
from tests.neo4j_fixture import Neo4jInfo


def big_enterprise(root: Path, services: int = 120, steps: int = 40) -> Path:
    """A synthetic enterprise large enough that a load takes many batches."""
    root.mkdir(parents=True)
    (root / "enterprise.yaml").write_text(
        "enterprise: Big Co\ndepartments:\n  - {id: ops, name: Ops}\nroles:\n"
        "  - {id: agent, name: Agent, department: ops}\nsystems:\n"
        "  - {id: core, name: Core, owner: ops}\ntouchpoints:\n"
        "  - {id: web, name: Web, channel: web}\n"
    )
    lanes = ["customer", "frontstage", "backstage", "support"]
    for s in range(services):
        lines = [
            f"service: {{id: s{s}, name: Service {s}}}",
            "phases:",
            "  - {id: p, name: P}",
            "steps:",
        ]
        for i in range(steps):
            lane = lanes[i % 4]
            extra = (
                ", touchpoint: web" if lane == "customer" else ", performed_by: agent, uses: core"
            )
            sup = f", supports: [t{i - 1}]" if lane != "customer" else ""
            lines.append(f"  - {{id: t{i}, name: Step {i}, lane: {lane}, phase: p{extra}{sup}}}")
        (root / f"s{s}.yaml").write_text("\n".join(lines) + "\n")
    return root


def kill_load_midway(uri: str, big: Path, env: dict[str, str], on_progress: object) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bpql.cli", "load", str(big), "--db", uri],
        cwd=ROOT,
        env={**env, "BPQL_PROGRESS": "plain"},
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    seen = 0
    for line in proc.stderr:
        if line.startswith("load: "):
            done, total = map(int, line.split()[1].split("/"))
            seen += 1
            if seen >= 3:
                assert done < total, "the load finished before it could be killed"
                on_progress(proc)  # type: ignore[operator]
                break
    proc.wait(timeout=120)
    assert proc.returncode != 0


@pytest.mark.parametrize("kind", BACKENDS)
def test_client_killed_mid_load(kind: str, neo4j_server: Neo4jInfo, tmp_path: Path) -> None:
    client = open_store(kind, tmp_path, neo4j_server)
    client.load(EXAMPLES / "insurer")
    before = dump(client.backend)
    client.close()  # the embedded store is single-process
    uri = f"embedded:{tmp_path / 'graph.lbdb'}" if kind == "ladybug" else neo4j_server.uri
    big = big_enterprise(tmp_path / "big")
    kill_load_midway(uri, big, neo4j_server.env(), lambda p: os.kill(p.pid, signal.SIGKILL))
    client = open_store(kind, tmp_path, neo4j_server)
    assert dump(client.backend) == before
    client.close()


def test_server_killed_mid_load(neo4j_server: Neo4jInfo, tmp_path: Path) -> None:
    if neo4j_server.server is None:
        pytest.skip("the server is not ours to kill (NEO4J_URI or testcontainers)")
    server = neo4j_server.server
    client = open_store("neo4j", tmp_path, neo4j_server)
    client.load(EXAMPLES / "insurer")
    before = dump(client.backend)
    client.close()
    big = big_enterprise(tmp_path / "big")
    kill_load_midway(neo4j_server.uri, big, neo4j_server.env(), lambda p: server.kill())
    server.restart()
    client = open_store("neo4j", tmp_path, neo4j_server)
    assert dump(client.backend) == before
    client.close()
