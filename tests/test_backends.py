"""The backend registry and the shared write statements, without a database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bpql.backends import connect
from bpql.backends.registry import SCHEMES, backend_class, lookup
from bpql.backends.writes import LADYBUG, NEO4J, create_relationships, upsert_nodes
from bpql.errors import BackendError


@pytest.mark.parametrize(
    ("uri", "cls"),
    [
        ("bolt://localhost:7687", "Neo4jBackend"),
        ("neo4j+s://db.example:7687", "Neo4jBackend"),
        ("bolt+ssc://h", "Neo4jBackend"),
        ("embedded:.bpql/graph.lbdb", "LadybugBackend"),
        ("embedded:", "LadybugBackend"),
    ],
)
def test_scheme_picks_backend(uri: str, cls: str) -> None:
    entry = lookup(uri)
    assert entry is not None
    assert backend_class(entry).__name__ == cls


@pytest.mark.parametrize("uri", ["http://x", "bolt:x", "postgres://h/db", "graph.lbdb", ""])
def test_unknown_scheme(uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BPQL_DB", "nope:default")
    with pytest.raises(BackendError) as info:
        connect(uri)
    shown = uri or "nope:default"
    assert info.value.code == "BPQL-S001"
    assert f"unknown database URI {shown!r}" in str(info.value)
    assert all(scheme in str(info.value) for scheme in SCHEMES)


def test_capabilities_match_backends() -> None:
    from bpql.backends.ladybug import LadybugBackend
    from bpql.backends.neo4j import Neo4jBackend

    assert Neo4jBackend.capabilities == NEO4J
    assert LadybugBackend.capabilities == LADYBUG


def test_writes_take_schema_names_only() -> None:
    assert "SET n = row" in upsert_nodes("Step", NEO4J)
    assert "CAST(row.`lane` AS STRING)" in upsert_nodes("Step", LADYBUG)
    with pytest.raises(ValueError):
        upsert_nodes("Step) DETACH DELETE (m", NEO4J)
    with pytest.raises(ValueError):
        create_relationships("NOT_A_TYPE")


def test_a_store_from_an_older_bpql_is_refused_clearly_then_upgraded_by_a_load(
    tmp_path: Path,
) -> None:
    """A store written before a property or a relationship type existed: a query says to load
    again (no traceback), and the load adds what is missing and succeeds."""
    import ladybug

    from tests.test_load import bpql

    db = tmp_path / "old.lbdb"
    insurer = str(Path(__file__).resolve().parents[1] / "examples" / "insurer")
    assert bpql("load", insurer, "--db", f"embedded:{db}").returncode == 0
    store = ladybug.Database(str(db))
    conn = ladybug.Connection(store)
    conn.execute("DROP TABLE CAN_FAIL")
    conn.execute("ALTER TABLE FailPoint DROP ap")
    conn.close()
    store.close()
    r = bpql("query", "find failpoints where ap = high", "--db", f"embedded:{db}")
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert "was written by an older BPQL" in r.stderr and "load the enterprise" in r.stderr
    assert bpql("load", insurer, "--db", f"embedded:{db}").returncode == 0
    r = bpql("query", "count failpoints by ap", "--db", f"embedded:{db}", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1:] == ['"medium",10', '"high",8', '"low",3']


AWKWARD = [
    "",
    " spaces around ",
    'quotes " and "" doubled',
    "commas, and; semicolons",
    "two\nlines\r\nand a CR\r",
    "back\\slash \\n not a newline",
    "ünïcödé ✓ 日本",
    "'single' quotes",
]


def test_the_bulk_build_keeps_every_value_as_it_was(tmp_path: Path) -> None:
    """The embedded store is built from staged CSV files: strings that need quoting, empty
    strings (not NULL), NULLs, numbers and flags all come back as they went in."""
    from bpql.backends.ladybug import LadybugBackend
    from bpql.diff import diff, stored_graph
    from bpql.graphdata import GraphData

    data = GraphData()
    for i, text in enumerate(AWKWARD):
        data.add_node("Service", id=f"svc-{i}", name=text, description=None if i % 2 else text)
        data.add_node(
            "Step",
            id=f"svc-{i}.s",
            name=text,
            lane="customer",
            seq=i,
            target_time=i / 3,
            max_wait=None,
            moment_of_truth=bool(i % 2),
        )
    data.add_rel("NEXT", "svc-0.s", "svc-1.s")
    data.add_rel("NEXT", "svc-0.s", "svc-1.s")  # a pair twice is two relationships
    with LadybugBackend(str(tmp_path / "g.lbdb")) as backend:
        backend.replace_graph(data)
        back = stored_graph(backend)
        assert backend.load_token() is not None
    assert not diff(back, data).touched
    names = {r["id"]: r["name"] for r in back.nodes["Service"]}
    assert names == {f"svc-{i}": text for i, text in enumerate(AWKWARD)}
    assert back.nodes["Service"][0]["description"] == ""
    assert back.rels["NEXT"] == [("svc-0.s", "svc-1.s")] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.lbdb"]


def test_a_small_change_patches_a_copy_and_switches_it_in(tmp_path: Path) -> None:
    """With the graph the store holds, only the difference is written, into a copy that
    replaces the store: a reader that opened the store before still reads the old graph."""
    from bpql.backends.ladybug import LadybugBackend
    from bpql.diff import stored_graph
    from bpql.model.validate import validate_paths

    good = validate_paths([Path(__file__).resolve().parent / "blueprints" / "good"]).graph
    path = tmp_path / "g.lbdb"
    with LadybugBackend(str(path)) as backend:
        backend.replace_graph(good)
        first = backend.load_token()
        old = stored_graph(backend)
        reader = LadybugBackend(str(path), read_only=True)
        new = stored_graph(backend)
        new.nodes["Step"] = [dict(r) for r in new.nodes["Step"]]
        new.nodes["Step"][0]["name"] = "Renamed"
        del new.nodes["Metric"][0]
        new.rels["MEASURES"] = [
            p for p in new.rels["MEASURES"] if p[0] != old.nodes["Metric"][0]["id"]
        ]
        backend.replace_graph(new, old=old, token="second")
        assert backend.load_token() == "second" != first
        again = stored_graph(backend)
    renamed = {r["id"]: r["name"] for r in again.nodes["Step"]}
    assert renamed[new.nodes["Step"][0]["id"]] == "Renamed"
    assert len(again.nodes["Metric"]) == len(old.nodes["Metric"]) - 1
    assert sorted(again.rels["MEASURES"]) == sorted(new.rels["MEASURES"])
    # the reader holds the store it opened: the graph from before the load
    assert stored_graph(reader).nodes["Step"] == old.nodes["Step"]
    reader.close()


@pytest.mark.neo4j
def test_neo4j_notifications_go_to_the_debug_log_not_the_terminal(
    neo4j_server: Any,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    monkeypatch.setenv("NEO4J_USER", neo4j_server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    caplog.set_level(logging.DEBUG, logger="bpql.neo4j")
    with connect(neo4j_server.uri) as backend:
        # deprecated in Neo4j 5 (a CALL subquery without a variable scope clause)
        assert backend.read("CALL { RETURN 1 AS x } RETURN x", {})[1] == [[1]]
    out, err = capfd.readouterr()
    assert "deprecated" not in out + err
    notes = [r for r in caplog.records if r.name == "bpql.neo4j"]
    assert any("deprecated" in r.getMessage() for r in notes)
    assert all(r.levelno == logging.DEBUG for r in notes)


def test_a_writer_that_takes_the_lock_after_the_switch_does_not_undo_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load closes the store to switch the new one in; if another writer takes the lock
    before it opens the store again, the error says the load was written, and it was."""
    from bpql.backends import ladybug as lb
    from bpql.diff import stored_graph
    from bpql.graphdata import GraphData

    data = GraphData()
    data.add_node("Service", id="svc", name="Service")
    path = tmp_path / "g.lbdb"
    backend = lb.LadybugBackend(str(path))

    def held(_: object) -> object:
        raise RuntimeError("IO exception: Could not set lock on file. Lock is held by PID 1")

    monkeypatch.setattr(lb, "_open_writable", held)
    with pytest.raises(BackendError) as info:
        backend.replace_graph(data)
    assert info.value.code == "BPQL-S054"
    assert "the load was written" in str(info.value) and "PID 1" in str(info.value)
    backend.close()
    monkeypatch.undo()
    with lb.LadybugBackend(str(path), read_only=True) as reader:
        assert stored_graph(reader).nodes["Service"] == data.nodes["Service"]
