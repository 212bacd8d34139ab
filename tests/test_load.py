"""Loading on both stores: counts worked out by hand, idempotence, deletion on reload, the
embedded store and Neo4j holding identical graphs, and one-line connection errors.

Every load and every `stats` goes through the real CLI in a subprocess; the graph dump reads
the store through `bpql.backends.connect(uri).read(...)`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bpql.analysis.criticality import SYSTEM_FIGURES
from bpql.backends import connect
from bpql.schema import LOAD_STATE

ROOT = Path(__file__).resolve().parents[1]
GOOD = "tests/blueprints/good"
EXAMPLES = ("examples/insurer", "examples/clinic")

#: counted by hand from tests/blueprints/good (as-is claims: 8 steps; to-be claims: 7 steps)
GOOD_COUNTS: dict[str, dict[str, int]] = {
    "nodes": {
        "Blueprint": 2,  # claims:as-is, claims:to-be:digital
        "Department": 3,  # claims-dept, finance, it
        "Evidence": 4,  # claim-form, confirmation, payout-letter; app-screen
        "FailPoint": 6,  # no-callback, wrong-estimate, slow-assessment, payment-bounces; 2 to-be
        "Metric": 3,  # days-to-pay, callback-rate; minutes-to-pay
        "Observation": 0,  # nothing observed (bpql observe)
        "Persona": 2,  # driver, homeowner
        "Phase": 5,  # report, assess, settle; report, settle
        "Role": 3,  # agent, assessor, accountant
        "Service": 1,  # claims
        "Step": 15,  # 8 + 7
        "System": 3,  # mainframe, crm, payments
        "Touchpoint": 4,  # web, phone, email, app
    },
    "relationships": {
        "AT_TOUCHPOINT": 7,  # as-is: submit, call, confirmation, photos; to-be: report, bot, paid
        "CAN_FAIL": 0,  # no system of the good enterprise has fail points of its own
        "DEPENDS_ON": 3,  # crm->mainframe, payments->crm, payments->mainframe
        "FOR_PERSONA": 3,  # as-is: driver, homeowner; to-be: driver
        "HAS_BLUEPRINT": 2,
        "HAS_FAIL_POINT": 6,
        "HAS_PHASE": 5,
        "HAS_STEP": 15,
        "IN_PHASE": 15,
        "MEASURES": 5,  # days-to-pay: 2, callback-rate: 1, minutes-to-pay: 2
        "MEMBER_OF": 3,
        "NEXT": 7,  # as-is: customer 2, backstage 1, support 1; to-be: customer, back, support
        "OBSERVED": 0,
        "OWNED_BY": 3,
        "PERFORMED_BY": 6,  # as-is: call, register, assess, pay; to-be: approve, instant
        "SHOWS": 4,  # as-is: submit, confirmation, payout; to-be: report
        "SUPPORTS": 12,  # 6 per blueprint
        "USES": 11,  # as-is: 1 + 2 + 1 + 1 + 1; to-be: 1 + 2 + 1 + 1
    },
}


def bpql(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 300,
    stdin: str | None = None,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI from the repository root, so paths in its messages are relative.

    In this process by default (`bpql.cli.main` with its output captured: a new interpreter
    per call made the fast loop slow); in a process of its own with `process=True`, with
    standard input, or when BPQL_TEST_PROCESSES=1, for what only a real process shows."""
    if process or stdin is not None or os.environ.get("BPQL_TEST_PROCESSES") == "1":
        return subprocess.run(
            [sys.executable, "-m", "bpql.cli", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            input=stdin,
            check=False,
        )
    return _in_process(list(args), env)


_ONE_AT_A_TIME = threading.Lock()


def _in_process(args: list[str], env: dict[str, str] | None) -> subprocess.CompletedProcess[str]:
    import io

    from bpql.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _ONE_AT_A_TIME:  # stdout, stderr, the environment and the folder are process-wide
        return _run_main(main, args, env, out, err)


def _run_main(
    main: Any, args: list[str], env: dict[str, str] | None, out: Any, err: Any
) -> subprocess.CompletedProcess[str]:
    import contextlib
    import traceback

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        os.chdir(ROOT)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # what a real process prints before dying with status 1
                traceback.print_exc()
                code = 1
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["bpql", *args], code, out.getvalue(), err.getvalue())


@dataclass
class Store:
    """A database URI and the environment a CLI subprocess needs to reach it."""

    kind: str
    uri: str
    env: dict[str, str]

    def load(self, *paths: str | Path) -> None:
        r = bpql("load", *map(str, paths), "--db", self.uri, env=self.env)
        assert r.returncode == 0, r.stderr
        assert "Traceback" not in r.stderr

    def stats(self) -> dict[str, Any]:
        r = bpql("stats", "--db", self.uri, "--format", "json", env=self.env)
        assert r.returncode == 0, r.stderr
        result: dict[str, Any] = json.loads(r.stdout)
        return result

    def dump(self, *, live: bool = False) -> dict[str, list[Any]]:
        return dump(self.uri, live=live)


#: a Neo4j node no query reads: staged by a load in progress (or killed), or moved out by one
ASIDE = "any(l IN labels({0}) WHERE l STARTS WITH 'BpqlStage' OR l = 'BpqlOld')"


def dump(uri: str, *, live: bool = False) -> dict[str, list[Any]]:
    """Every node (labels, properties) and every relationship (type, ends), sorted.

    Reads every node and relationship in the store, not only the schema's, so that a stray
    node or a duplicated relationship shows up; `live` (Neo4j): but not a graph a load staged
    beside the live one or moved out of it (bpql/backends/staging.py), which no query reads.
    For Neo4j, NEO4J_USER/NEO4J_PASSWORD must be set in this process.
    """
    nodes_where = f" WHERE NOT {ASIDE.format('n')}" if live else ""
    rels_where = f" WHERE NOT {ASIDE.format('a')}" if live else ""
    with connect(uri) as backend:
        _, node_rows = backend.read(f"MATCH (n){nodes_where} RETURN n", {})
        _, rel_rows = backend.read(f"MATCH (a)-[r]->(b){rels_where} RETURN a, r, b", {})
    # the load-state node names the last load written (a token), not the enterprise
    nodes = sorted(
        (n.label, n.id, sorted(n.labels), sorted(n.properties.items()))
        for (n,) in node_rows
        if n.label != LOAD_STATE
    )
    rels = sorted(
        (r.type, r.source, r.target, sorted(r.properties.items())) for _, r, _ in rel_rows
    )
    return {"nodes": nodes, "relationships": rels}


def neo4j_store(server: Any, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The session's Neo4j; this process's environment gets its credentials for `dump`."""
    monkeypatch.setenv("NEO4J_USER", server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", server.password)
    return Store("neo4j", server.uri, dict(os.environ))


def embedded_store(folder: Path) -> Store:
    return Store("embedded", f"embedded:{folder / 'graph.lbdb'}", dict(os.environ))


def test_good_counts_match_the_hand_count(store: Store) -> None:
    store.load(GOOD)
    assert store.stats() == GOOD_COUNTS


def test_loading_twice_changes_nothing(store: Store) -> None:
    store.load(GOOD)
    stats, graph = store.stats(), store.dump()
    store.load(GOOD)
    assert store.stats() == stats
    assert store.dump() == graph
    assert len(graph["nodes"]) == sum(GOOD_COUNTS["nodes"].values())
    assert len(graph["relationships"]) == sum(GOOD_COUNTS["relationships"].values())


def test_graph_holds_the_file_values(store: Store) -> None:
    """Property values survive the trip: types, durations in minutes, flags, RPN."""
    store.load(GOOD)
    nodes = {(label, id_): dict(props) for label, id_, _, props in store.dump()["nodes"]}
    assert nodes[("Step", "claims.call-customer")] == {
        "id": "claims.call-customer",
        "name": "Call the customer back",
        "lane": "frontstage",
        "seq": 2,
        "script": "Hello, this is Harbour Mutual calling about your claim.",
        "target_time": 10.0,
        "max_wait": 120.0,
        "moment_of_truth": False,
        "optional": False,
    }
    assert nodes[("FailPoint", "claims.no-callback")]["rpn"] == 7 * 4 * 5
    assert nodes[("Step", "claims:to-be:digital.chatbot-reply")]["max_wait"] == 1.5
    assert nodes[("Service", "claims")]["description"] == "Report a loss and get paid."
    labels = {id_: lbs for label, id_, lbs, _ in store.dump()["nodes"] if label == "Step"}
    assert labels["claims.pay-claim"] == ["Step", "SupportProcess"]


#: what deleting the last as-is step, `pay-claim`, must remove, and nothing more
PAY_CLAIM_NODES = {("Step", "claims.pay-claim"), ("FailPoint", "claims.payment-bounces")}
PAY_CLAIM_RELS = {
    ("HAS_STEP", "Blueprint:claims:as-is", "Step:claims.pay-claim"),
    ("IN_PHASE", "Step:claims.pay-claim", "Phase:claims.settle"),
    ("NEXT", "Step:claims.send-confirmation", "Step:claims.pay-claim"),
    ("PERFORMED_BY", "Step:claims.pay-claim", "Role:accountant"),
    ("USES", "Step:claims.pay-claim", "System:payments"),
    ("SUPPORTS", "Step:claims.pay-claim", "Step:claims.receive-payout"),
    ("SUPPORTS", "Step:claims.pay-claim", "Step:claims.assess-damage"),
    ("HAS_FAIL_POINT", "Step:claims.pay-claim", "FailPoint:claims.payment-bounces"),
}


def _without_figures(nodes: list[Any]) -> list[Any]:
    return [
        (*n[:3], [kv for kv in n[3] if kv[0] not in SYSTEM_FIGURES]) if n[0] == "System" else n
        for n in nodes
    ]


def test_reload_after_deleting_a_step_removes_it_and_nothing_else(
    store: Store, tmp_path: Path
) -> None:
    copy = shutil.copytree(ROOT / GOOD, tmp_path / "good")
    store.load(copy)
    before = store.dump()
    claims = copy / "services" / "claims.yaml"
    text = claims.read_text()
    start, end = text.index("  - id: pay-claim\n"), text.index("metrics:\n")
    claims.write_text(text[:start] + text[end:])
    store.load(copy)
    after = store.dump()
    gone_nodes = [n for n in before["nodes"] if (n[0], n[1]) in PAY_CLAIM_NODES]
    gone_rels = [r for r in before["relationships"] if r[:3] in PAY_CLAIM_RELS]
    assert len(gone_nodes) == len(PAY_CLAIM_NODES)
    assert len(gone_rels) == len(PAY_CLAIM_RELS)
    # a system's blast radius (worked out at load) shrinks with the step; nothing else changes
    assert _without_figures(after["nodes"]) == _without_figures(
        [n for n in before["nodes"] if n not in gone_nodes]
    )
    assert after["nodes"] != [n for n in before["nodes"] if n not in gone_nodes]
    assert after["relationships"] == [r for r in before["relationships"] if r not in gone_rels]
    counts = store.stats()
    assert counts["nodes"]["Step"] == GOOD_COUNTS["nodes"]["Step"] - 1
    assert counts["relationships"]["SUPPORTS"] == GOOD_COUNTS["relationships"]["SUPPORTS"] - 2


@pytest.mark.neo4j
@pytest.mark.parametrize("enterprise", [GOOD, *EXAMPLES])
def test_embedded_and_neo4j_hold_identical_graphs(
    enterprise: str, neo4j_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = [embedded_store(tmp_path), neo4j_store(neo4j_server, monkeypatch)]
    stats, graphs = [], []
    for s in stores:
        s.load(enterprise)
        stats.append(s.stats())
        graphs.append(s.dump())
    assert stats[0] == stats[1]
    assert graphs[0] == graphs[1]
    assert stats[0]["nodes"]["Step"] > 0
    if enterprise == GOOD:
        assert stats[0] == GOOD_COUNTS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_unreachable_server_is_one_line_naming_the_uri(scheme: str) -> None:
    uri = f"{scheme}://127.0.0.1:{free_port()}"
    env = {**os.environ, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "s3cret-unreachable"}
    r = bpql("stats", "--db", uri, env=env, timeout=60)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error: ") and uri in lines[0]
    assert "s3cret-unreachable" not in r.stderr + r.stdout
    # asked for JSON, the same problem comes as one object on stdout, stderr stays empty
    j = bpql("stats", "--db", uri, "--format", "json", env=env, timeout=60)
    assert j.returncode == r.returncode and j.stderr == ""
    err = json.loads(j.stdout)["error"]
    assert err["kind"] == "store" and err["code"].startswith("BPQL-S") and uri in err["message"]
    assert "s3cret-unreachable" not in j.stdout


@pytest.mark.neo4j
def test_wrong_password_is_one_line_naming_the_uri_not_the_password(neo4j_server: Any) -> None:
    wrong = "wrong-Passw0rd-4711"
    env = {**os.environ, "NEO4J_USER": neo4j_server.user, "NEO4J_PASSWORD": wrong}
    for fmt in ("table", "json"):
        r = bpql("stats", "--db", neo4j_server.uri, "--format", fmt, env=env, timeout=60)
        assert r.returncode != 0
        assert "Traceback" not in r.stderr
        if fmt == "json":
            assert r.stderr == "" and neo4j_server.uri in json.loads(r.stdout)["error"]["message"]
        else:
            lines = r.stderr.splitlines()
            assert len(lines) == 1, r.stderr
            assert lines[0].startswith("error: ") and neo4j_server.uri in lines[0]
        assert wrong not in r.stderr + r.stdout
        assert neo4j_server.password not in r.stderr + r.stdout


SECRET = "Sup3r-Secret-Pw"


def _no_secret(r: subprocess.CompletedProcess[str], fmt: str) -> str:
    """The one-line error (or the error object), checked to hold no secret; its message."""
    assert r.returncode != 0
    assert SECRET not in r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    if fmt == "json":
        assert r.stderr == ""
        message: str = json.loads(r.stdout)["error"]["message"]
        return message
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    return lines[0]


def _as(fmt: str) -> list[str]:
    return ["--format", "json"] if fmt == "json" else []


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_password_in_the_uri_is_never_shown_unreachable_host(scheme: str, fmt: str) -> None:
    """Item 7: `--db bolt://neo4j:SECRET@host` names the store as `bolt://neo4j:***@host`,
    through `stats` and `load`, as text and as JSON."""
    port = free_port()
    uri = f"{scheme}://neo4j:{SECRET}@127.0.0.1:{port}"
    env = {**os.environ, "NEO4J_PASSWORD": SECRET}
    for args in (
        ["stats"],
        ["load", GOOD],
        ["load", GOOD, "--dry-run"],
        ["query", "find services"],
    ):
        r = bpql(*args, "--db", uri, *_as(fmt), env=env, timeout=60)
        message = _no_secret(r, fmt)
        assert f"{scheme}://neo4j:***@127.0.0.1:{port}" in message, message
    # nor where the scheme is not one BPQL knows
    r = bpql("stats", "--db", f"http://neo4j:{SECRET}@127.0.0.1:{port}", *_as(fmt))
    assert "http://neo4j:***@127.0.0.1" in _no_secret(r, fmt)


@pytest.mark.neo4j
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_password_in_the_uri_is_never_shown_real_server(neo4j_server: Any, fmt: str) -> None:
    """Item 7 against a real Neo4j: credentials in the URI are refused before the driver
    sees them (wrong or right), and a wrong NEO4J_PASSWORD is refused without showing it."""
    host = neo4j_server.uri.partition("//")[2]
    env = {**os.environ, "NEO4J_USER": neo4j_server.user, "NEO4J_PASSWORD": SECRET}
    for uri in (f"bolt://neo4j:{SECRET}@{host}", f"neo4j://{neo4j_server.user}:{SECRET}@{host}"):
        for args in (["stats"], ["load", GOOD]):
            r = bpql(*args, "--db", uri, *_as(fmt), env=env, timeout=60)
            message = _no_secret(r, fmt)
            assert ":***@" in message and "NEO4J_PASSWORD" in message, message
    r = bpql("load", GOOD, "--db", neo4j_server.uri, *_as(fmt), env=env, timeout=60)
    assert neo4j_server.uri in _no_secret(r, fmt)
