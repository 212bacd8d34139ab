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
    strings (not NULL), NULLs, numbers and flags all come back as they went in; a pair given
    twice is one relationship."""
    from bpql.backends.base import distinct
    from bpql.backends.ladybug import LadybugBackend
    from bpql.backends.reads import stored_graph
    from bpql.graphdata import GraphData
    from bpql.load.diff import diff

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
    data.add_rel("NEXT", "svc-0.s", "svc-1.s")  # a pair twice is one relationship
    with LadybugBackend(str(tmp_path / "g.lbdb")) as backend:
        written = backend.replace_graph(data)
        back = stored_graph(backend)
        assert backend.load_token() is not None
        assert backend.fingerprint() == written
    assert not diff(back, distinct(data)).touched
    assert written["relationships"]["NEXT"] == 1 and written["nodes"]["Step"] == len(AWKWARD)
    names = {r["id"]: r["name"] for r in back.nodes["Service"]}
    assert names == {f"svc-{i}": text for i, text in enumerate(AWKWARD)}
    assert back.nodes["Service"][0]["description"] == ""
    assert back.rels["NEXT"] == [("svc-0.s", "svc-1.s")]
    # the load lock's file stays (removing it would let two writers lock two files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.lbdb", "g.lbdb.lock"]


def test_a_small_change_patches_a_copy_and_switches_it_in(tmp_path: Path) -> None:
    """With the graph the store holds, only the difference is written, into a copy that
    replaces the store: a reader that opened the store before still reads the old graph."""
    from bpql.backends.ladybug import LadybugBackend
    from bpql.backends.reads import stored_graph
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
    from bpql.backends.reads import stored_graph
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


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("bolt://neo4j:s3cret@db.example:7687", "bolt://neo4j:***@db.example:7687"),
        ("neo4j+s://u:p@ss:w/rd@h:7687?x=1", "neo4j+s://u:***@h:7687?x=1"),
        ("bolt://:pw@h", "bolt://:***@h"),
        ("bolt://neo4j@h:1", "bolt://neo4j@h:1"),
        ("bolt://h:1", "bolt://h:1"),
        ("embedded:.bpql/a@b.lbdb", "embedded:.bpql/a@b.lbdb"),
    ],
)
def test_a_uri_is_shown_without_its_password(uri: str, shown: str) -> None:
    from bpql.backends.registry import redact, scrub

    assert redact(uri) == shown
    said = scrub(f"cannot reach {uri}: given URI {uri!r}", uri)
    assert said == f"cannot reach {shown}: given URI {shown!r}"


def test_a_driver_message_is_scrubbed_of_passwords_also_encoded() -> None:
    from bpql.backends.registry import scrub

    uri = "bolt://neo4j:p%40ss/w0rd@h:1"
    text = "auth p%40ss/w0rd, p@ss/w0rd failed; env Tr1cky Secret and Tr1cky%20Secret; ab"
    out = scrub(text, uri, "Tr1cky Secret", "ab", None)
    assert "ss/w0rd" not in out and "Tr1cky" not in out and out.endswith("; ab")


GOOD_FILES = Path(__file__).resolve().parent / "blueprints" / "good"
INSURER_FILES = Path(__file__).resolve().parents[1] / "examples" / "insurer"


def _client_reads_only(db: str) -> None:
    """`bpql.connect` opens for reading: a write through the read path is refused with one
    clear error, `Client.load` writes all the same, and a load by another process beside an
    open client succeeds and is what the client's next query reads."""
    import bpql as api
    from tests.test_load import bpql

    with api.connect(db) as client:
        client.load(GOOD_FILES)
        assert len(client.query("find services").table.rows) == 1
        with pytest.raises(BackendError) as info:
            client.backend.read("CREATE (:Service {id: 'sneaky', name: 'Sneaky'})", {})
        assert info.value.code in ("BPQL-S022", "BPQL-S023") and "\n" not in str(info.value)
        assert "read" in str(info.value)
        r = bpql("load", str(INSURER_FILES), "--db", db, process=True)
        assert r.returncode == 0, r.stderr
        assert len(client.query("find services").table.rows) == 6
        assert client.stats()["nodes"]["Service"] == 6
    with api.connect(db) as client:  # nothing was written by the refused CREATE
        assert "sneaky" not in {row[0] for row in client.query("find services").table.rows}


def test_the_python_api_reads_only_embedded(tmp_path: Path) -> None:
    import bpql as api

    db = f"embedded:{tmp_path / 'store' / 'g.lbdb'}"
    client = api.connect(db)  # no store yet: nothing made, a query says so
    with pytest.raises(BackendError) as info:
        client.query("find services")
    assert info.value.code == "BPQL-S020"
    assert not (tmp_path / "store").exists()
    client.close()
    _client_reads_only(db)


@pytest.mark.neo4j
def test_the_python_api_reads_only_neo4j(
    neo4j_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_USER", neo4j_server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    _client_reads_only(neo4j_server.uri)


@pytest.mark.neo4j
def test_a_plan_and_its_references_run_in_one_read_session(
    neo4j_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every read of `impact of` (the catalog's lookups and the plan's statements) runs in
    the one session `Backend.reading` holds, in READ access mode (test_routing checks the
    mode of each statement)."""
    import bpql as api

    monkeypatch.setenv("NEO4J_USER", neo4j_server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    with api.connect(neo4j_server.uri) as client:
        client.load(INSURER_FILES)
        backend = client.backend
        read = backend.read
        seen: list[Any] = []

        def recording(cypher: str, params: dict[str, Any]) -> Any:
            seen.append(backend._reader)  # type: ignore[attr-defined]
            return read(cypher, params)

        monkeypatch.setattr(backend, "read", recording)
        client.engine.catalog.clear()
        result = client.query('impact of department "billing"')
        assert result.table is not None and result.table.rows
        assert len(seen) > 5 and seen[0] is not None and all(tx is seen[0] for tx in seen)
        seen.clear()
        client.stats()
        assert len(seen) > 20 and seen[0] is not None and all(tx is seen[0] for tx in seen)


@pytest.mark.neo4j
def test_a_read_is_its_statements_between_two_token_reads_and_a_load_between_them_is_seen(
    neo4j_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Neo4j `consistent` runs the load token's read, the statements and the token's read
    again in one READ session, each its own transaction (no BEGIN or end of a transaction of
    their own: a one-statement read is three round trips, two when the last question's token
    stands for the first read), and a token written between two statements or two questions
    (what a load's last transaction does) makes the reads run again."""
    from neo4j._sync.work.session import Session

    import bpql as api
    from bpql.backends import writes
    from bpql.schema import LOAD_STATE

    monkeypatch.setenv("NEO4J_USER", neo4j_server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    sent: list[str] = []
    run = Session.run

    def recording(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(getattr(query, "text", query)))
        return run(self, query, *args, **kwargs)

    services = "MATCH (s:Service) RETURN s.id AS id ORDER BY id"
    with api.connect(neo4j_server.uri) as client:
        client.load(INSURER_FILES)
    with api.connect(neo4j_server.uri) as client:
        backend = client.backend
        expected = backend.read(services, {})
        monkeypatch.setattr(Session, "run", recording)
        assert backend.consistent(lambda: backend.read(services, {})) == expected
        token = f"MATCH (s:{LOAD_STATE}) WHERE s.id = 'load' RETURN s.token"
        assert [token in text for text in sent] == [True, False, True], sent

        with connect(neo4j_server.uri) as other:
            tokens = iter(["written-between-1", "written-between-2"])
            runs: list[int] = []

            def work() -> int:
                runs.append(0)
                backend.read(services, {})
                if len(runs) == 1:  # a load commits between this read and the next
                    other.write_transaction(
                        lambda w: w(writes.set_load_token(), {"token": next(tokens)})
                    )
                backend.read(services, {})
                return len(runs)

            assert backend.consistent(work) == 2
            assert backend.load_token() == "written-between-1"

            # on one server (bolt://) the token read after a question is the token before the
            # next, and while the server's bookmark has not moved since, no write came between
            # and the token stands: one trip; through a router (neo4j://) every question reads
            # it before and after
            kept = backend.keeps_token()
            assert kept == neo4j_server.uri.startswith("bolt")
            sent.clear()
            assert backend.consistent(lambda: backend.read(services, {})) == expected
            assert [token in text for text in sent] == ([True, False, True], [False])[kept], sent
            # a write that is not a load moves the bookmark: the token is read after, still the
            # same, and the question is not run again; the next one is one trip again
            mark = "MERGE (x:BpqlBookmarkTest {id: 1})"
            other.write_transaction(lambda w: w(mark, {}))
            try:
                for expected_sent in ([False, True], [False]):
                    sent.clear()
                    assert backend.consistent(lambda: backend.read(services, {})) == expected
                    assert [token in text for text in sent] == (
                        expected_sent if kept else [True, False, True]
                    ), sent
            finally:  # the server is shared: the next tests compare the whole store
                other.write_transaction(lambda w: w(f"{mark} DELETE x", {}))
            # a load committing between two questions is seen by the next: run again, once
            other.write_transaction(
                lambda w: w(writes.set_load_token(), {"token": "written-before-the-next"})
            )
            runs.clear()

            def once() -> Any:
                runs.append(0)
                return backend.read(services, {})

            assert backend.consistent(once) == expected
            assert len(runs) == (2 if kept else 1)
            assert backend.load_token() == "written-before-the-next"


def test_a_read_that_a_load_overtook_runs_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`consistent` reads the load token before and after: a different one (a load
    committed in between) runs the reads again, and loads that never stop end in one line."""
    import itertools

    from bpql.backends.base import Backend
    from bpql.backends.ladybug import LadybugBackend

    with LadybugBackend(str(tmp_path / "g.lbdb")) as backend:
        # the stores whose reads can see a load commit between two statements (Neo4j) use
        # Backend.consistent; one embedded open always sees one graph, and skips it
        runs: list[int] = []
        monkeypatch.setattr(backend, "load_token", lambda: runs.append(0))
        assert backend.consistent(lambda: 7) == 7 and runs == []
        tokens = iter(["a", "b", "b", "b"])
        monkeypatch.setattr(backend, "load_token", lambda: next(tokens))
        assert Backend.consistent(backend, lambda: runs.append(1) or len(runs)) == 2
        counter = itertools.count()
        monkeypatch.setattr(backend, "load_token", lambda: str(next(counter)))
        with pytest.raises(BackendError) as info:
            Backend.consistent(backend, lambda: 1)
        assert info.value.code == "BPQL-S034" and "\n" not in str(info.value)


def test_a_read_ending_with_the_stamp_read_before_the_kept_token_reads_no_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a store stamps its reads with what it has committed (Neo4j's bookmarks) and keeps
    the token between questions, a question that ends with the stamp read before the kept
    token reads no token (nothing was written between); one whose stamp moved reads it after,
    and runs again if a load wrote. A stamp read with the token itself never stands for it
    (the token's read may have missed a write its stamp counts), nor does a missing one."""
    from bpql.backends.base import Backend
    from bpql.backends.ladybug import LadybugBackend

    with LadybugBackend(str(tmp_path / "g.lbdb")) as backend:
        tokens: list[str] = []
        token = ["t1"]
        stamp: list[str | None] = ["b1"]
        monkeypatch.setattr(backend, "keeps_token", lambda: True)
        monkeypatch.setattr(backend, "read_stamp", lambda: stamp[0])
        monkeypatch.setattr(backend, "load_token", lambda: tokens.append(token[0]) or token[0])
        runs: list[int] = []

        def ask() -> int:
            runs.append(0)
            return 7

        def question(reads: int, again: int = 1) -> None:
            tokens.clear()
            runs.clear()
            assert Backend.consistent(backend, ask) == 7
            assert (len(tokens), len(runs)) == (reads, again)

        question(2)  # nothing kept: the token before and after
        question(0)  # the stamp has not moved: no token read
        question(0)
        stamp[0] = "b2"  # a write that is not a load
        question(1)
        question(0)
        stamp[0], token[0] = "b3", "t2"  # a load
        question(3, again=2)  # the token after differs: read again, the token before and after
        question(0)
        stamp[0] = None  # a store that stops saying: the token after every question
        question(1)
        question(1)


def test_neo4j_rows_of_plain_values_are_kept_as_they_came() -> None:
    """A Neo4j answer of scalars and lists of scalars is handed on as the driver made it (one
    pass over its values' types, no row copied); one holding anything else (a map here; a
    node, relationship or path in an answer) is turned over row by row."""
    from bpql.backends.neo4j import _rows

    plain = [["a", 1, 2.5, True, None], ["b", ["x", "y"], [], None, 3]]
    assert _rows(plain) is plain and _rows([]) == []
    mixed = [["a", 1], ["b", {"k": ["v"]}]]
    out = _rows(mixed)
    assert out is not mixed and out == mixed and out[0] is mixed[0]
    nested = [["a", [["x"]]]]
    assert _rows(nested) is not nested and _rows(nested) == nested


def test_rows_of_plain_values_are_told_apart_from_rows_holding_graph_values() -> None:
    """The embedded store hands rows of scalars and lists of scalars back as they are, and
    rebuilds any row holding a node, relationship or path (a dict), or a list of them."""
    from bpql.backends.ladybug import _all_plain

    assert _all_plain([])
    assert _all_plain([["a", 1, 2.5, True, None], ["b", 2, None, False, "x"]])
    assert _all_plain([["a", ["x", "y"], []], ["b", [1, None], ["z"]]])
    assert not _all_plain([["a", {"_ID": {"offset": 0, "table": 0}}]])
    assert not _all_plain([["a", [{"_ID": {"offset": 0, "table": 0}}]]])
    assert not _all_plain([["a", [["nested"]]]])


def test_a_neo4j_server_that_cannot_be_reached_leaves_no_driver_open() -> None:
    """The one-line error, and the driver made for the attempt closed (no ResourceWarning when
    it is collected): a script retrying a server that is down must not gather pools."""
    import gc
    import warnings

    from bpql.testing.neo4j_server import free_port

    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for _ in range(3):
            with pytest.raises(BackendError) as raised:
                connect(f"bolt://127.0.0.1:{free_port()}")
            assert raised.value.code == "BPQL-S005"
            assert str(raised.value).startswith("cannot reach Neo4j at bolt://127.0.0.1:")
        del raised
        gc.collect()
    unclosed = [str(w.message) for w in caught if "unclosed" in str(w.message)]
    assert unclosed == []
