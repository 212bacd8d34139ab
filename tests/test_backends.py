"""The backend registry and the shared write statements, without a database."""

from __future__ import annotations

from pathlib import Path

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
    assert r.stdout.splitlines()[1:] == ["medium,10", "high,8", "low,3"]
