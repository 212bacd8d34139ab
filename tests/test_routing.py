"""Neo4j as a cluster or Aura needs it (issue 25, item 4).

- Every transaction BPQL opens while it answers the query corpus, counts the store and loads
  (a staged load included) is recorded with the access mode the driver asks its connection
  for: every read-only transaction leaves in READ mode (a cluster routes it to a follower),
  every one that writes in WRITE mode (the leader).
- A load saves its bookmark beside its load state; a query in a new process waits for it
  (its sessions are opened with that bookmark) and sees that load.
- A routing failure, a server that is not the leader and an expired token: one line each.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bpql.api import connect as client_connect
from bpql.backends import connect
from bpql.backends.neo4j import Neo4jBackend
from bpql.load.protocol import state_file
from bpql.testing.neo4j_server import free_port
from tests.test_load import ROOT, bpql, neo4j_store
from tests.test_queries import QUERIES

INSURER = ROOT / "examples" / "insurer"
#: a statement that changes the store (schema statements included)
WRITES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP)\b", re.IGNORECASE)


@pytest.fixture
def transactions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, str, str]]]:
    """(transaction, access mode, statement) of every statement this process sends, the mode
    being the one the driver acquired the transaction's connection with (what a cluster
    routes by); an auto-commit statement is a transaction of its own."""
    from neo4j._sync.work.session import Session
    from neo4j._sync.work.transaction import TransactionBase

    seen: list[tuple[int, str, str]] = []
    connect_ = Session._connect
    open_tx = Session._open_transaction
    run_tx = TransactionBase.run
    run_auto = Session.run

    def recording_connect(self: Any, access_mode: Any = None, **kwargs: Any) -> Any:
        self._bpql_mode = str(access_mode)
        return connect_(self, access_mode=access_mode, **kwargs)

    def recording_open(self: Any, **kwargs: Any) -> Any:
        out = open_tx(self, **kwargs)
        self._transaction._bpql_mode = self._bpql_mode
        return out

    def recording_run(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((id(self), self._bpql_mode, str(getattr(query, "text", query))))
        return run_tx(self, query, *args, **kwargs)

    def recording_auto(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        result = run_auto(self, query, *args, **kwargs)
        seen.append((-len(seen) - 1, self._bpql_mode, str(getattr(query, "text", query))))
        return result

    monkeypatch.setattr(Session, "_connect", recording_connect)
    monkeypatch.setattr(Session, "_open_transaction", recording_open)
    monkeypatch.setattr(Session, "run", recording_auto)
    monkeypatch.setattr(TransactionBase, "run", recording_run)
    yield seen


def by_transaction(seen: list[tuple[int, str, str]]) -> list[tuple[str, list[str]]]:
    """The statements grouped by transaction (consecutive statements of one object: a
    transaction object's id may be reused once it is gone), with its access mode."""
    out: list[tuple[str, list[str]]] = []
    last = None
    for key, mode, text in seen:
        if key != last:
            out.append((mode, []))
            last = key
        out[-1][1].append(text)
    return out


@pytest.mark.neo4j
def test_every_read_leaves_in_read_mode_and_every_write_in_write_mode(
    neo4j_server: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    transactions: list[tuple[int, str, str]],
) -> None:
    store = neo4j_store(neo4j_server, monkeypatch)
    monkeypatch.setenv("BPQL_BATCH_SIZE", "50")  # the staged path's statements too
    client = client_connect(store.uri)
    try:
        client.load(INSURER)
        loaded = by_transaction(transactions)
        transactions.clear()
        for query in QUERIES:
            client.query(query)
        client.stats()
    finally:
        client.close()
    queried = by_transaction(transactions)
    assert any("BpqlStage" in text for _, texts in loaded for text in texts), "not staged"
    assert queried and {mode for mode, _ in queried} == {"READ"}, [
        (mode, texts) for mode, texts in queried if mode != "READ"
    ][:3]
    writing = [(mode, texts) for mode, texts in loaded if any(map(WRITES.search, texts))]
    reading = [
        (mode, texts)
        for mode, texts in loaded
        if not any(map(WRITES.search, texts)) and texts != ["CALL db.awaitIndexes(300)"]
    ]
    assert writing and all(mode == "WRITE" for mode, _ in writing), [
        w for w in writing if w[0] != "WRITE"
    ][:3]
    assert reading and all(mode == "READ" for mode, _ in reading), [
        r for r in reading if r[0] != "READ"
    ][:3]
    print(
        f"queries: {len(queried)} transactions, all READ; load: {len(reading)} READ, "
        f"{len(writing)} WRITE"
    )


@pytest.mark.neo4j
def test_a_query_in_a_new_process_waits_for_the_last_loads_bookmark(
    neo4j_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = neo4j_store(neo4j_server, monkeypatch)
    with connect(store.uri) as backend:  # an empty store: this load writes
        backend.write_transaction(lambda run: run("MATCH (n) DETACH DELETE n", {}))
    state_file(store.uri).unlink(missing_ok=True)
    r = bpql("load", str(INSURER), "--db", store.uri, env=store.env)
    assert r.returncode == 0, r.stderr
    with connect(store.uri, create=False, read_only=True) as backend:
        assert isinstance(backend, Neo4jBackend)
        saved = json.loads(backend._bookmark_file().read_text(encoding="utf-8"))
    assert saved["bookmarks"] and all(isinstance(b, str) for b in saved["bookmarks"])
    # a second process: the bookmarks its sessions are opened with, then its answer
    script = (
        "import json, sys\n"
        "import neo4j\n"
        "seen = []\n"
        "session = neo4j.Driver.session\n"
        "def recording(self, **config):\n"
        "    b = config.get('bookmarks')\n"
        "    seen.append(sorted(b.raw_values) if b is not None else None)\n"
        "    return session(self, **config)\n"
        "neo4j.Driver.session = recording\n"
        "from bpql.api import connect\n"
        "client = connect(sys.argv[1])\n"
        "stats = client.stats()\n"
        "client.close()\n"
        "print(json.dumps({'bookmarks': seen, 'stats': stats}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, store.uri],
        cwd=ROOT,
        env=store.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert sorted(saved["bookmarks"]) in answer["bookmarks"]
    assert answer["stats"] == store.stats()
    assert answer["stats"]["nodes"]["Service"] == 6  # the insurer's services


def test_a_routing_failure_is_one_line(tmp_path: Path) -> None:
    """A neo4j:// URI whose port nothing listens on: one line, no traceback."""
    uri = f"neo4j://127.0.0.1:{free_port()}"
    r = bpql("stats", "--db", uri, env={"NEO4J_PASSWORD": "x"})
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 3 and len(lines) == 1, r.stderr
    assert lines[0].startswith("error: no route to a Neo4j server through " + uri), lines[0]
    assert "Traceback" not in r.stderr


@pytest.mark.neo4j
@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("Neo.ClientError.Cluster.NotALeader", "is not the cluster's leader"),
        ("Neo.ClientError.Security.TokenExpired", "has expired"),
    ],
)
def test_a_follower_or_an_expired_token_is_one_line(
    code: str, words: str, neo4j_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the driver raises when a write reaches a follower, or the token has expired
    (simulated: a Community server is its own leader and takes passwords)."""
    from neo4j._sync.work.session import Session
    from neo4j.exceptions import Neo4jError

    from bpql.errors import BackendError

    store = neo4j_store(neo4j_server, monkeypatch)

    def refused(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise Neo4jError._hydrate_neo4j(code=code, message="simulated by the test")

    with connect(store.uri) as backend:
        backend.ensure_schema()
        monkeypatch.setattr(Session, "execute_write", refused)
        with pytest.raises(BackendError) as caught:
            backend.write_transaction(lambda run: run("CREATE (:Nothing)", {}))
    message = str(caught.value)
    assert words in message and "\n" not in message, message
    assert "simulated by the test" in message


def test_the_aura_free_warning_says_how_near_the_limits_are() -> None:
    from bpql.backends.neo4j import aura_warning

    small = {"nodes": {"Service": 10, "Step": 159_000}, "relationships": {"USES": 300_000}}
    assert aura_warning(small) is None
    near = {"nodes": {"Service": 10, "Step": 160_000}, "relationships": {"USES": 1}}
    said = aura_warning(near)
    assert said is not None and said.startswith("160,010 nodes and 1 relationships: near")
    assert "200,000 nodes, 400,000 relationships" in said
    many = {"nodes": {"Step": 1}, "relationships": {"USES": 320_000}}
    assert aura_warning(many) is not None


@pytest.mark.neo4j
def test_stats_warns_near_aura_free_limits(
    neo4j_server: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`bpql stats` on a Neo4j store near the limits (lowered here to the insurer's size)
    warns in one line on stderr; its answer is unchanged; an embedded store never warns."""
    from bpql.backends import neo4j as neo4j_backend
    from bpql.cli import app as cli

    store = neo4j_store(neo4j_server, monkeypatch)
    store.load(INSURER)
    expected = store.stats()
    assert cli.main(["stats", "--db", store.uri, "--format", "json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == expected and "warning" not in out.err
    total = sum(expected["nodes"].values())
    monkeypatch.setitem(neo4j_backend.AURA_FREE, "nodes", total)
    assert cli.main(["stats", "--db", store.uri, "--format", "json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == expected
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"warning: {total:,} nodes and "), out.err
    assert "near or past Aura Free's limits" in lines[0]
