"""The explorer's limits: a time limit the store itself enforces, one statement per request
refused before anything runs, bounded query text, and 400 (never 500) for malformed
parameters, fuzzed over every route."""

from __future__ import annotations

import random
import struct
import subprocess
import sys
import time
import urllib.parse
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bpql.api import Client, connect
from bpql.backends import connect as backend
from bpql.backends.base import Backend
from bpql.cli.serve import MAX_QUERY_TEXT, make_app
from bpql.errors import BackendError
from tests.conftest import insurer_in

#: variable-length paths of up to seven hops between any two things of the insurer: a minute
#: or more of work on either store (84 s on Neo4j on an idle machine), so an answer in time
#: means the store stopped it. Not five hops: Neo4j counted those in 1.5 s, inside the 2 s
#: between its checks of running transactions' timeouts, so the read sometimes finished.
HEAVY = "MATCH p = (a)-[*1..7]-(b) RETURN count(p) AS c"


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Client]]:
    yield from insurer_in(tmp_path_factory, "limits")


def _store_uri(kind: str, embedded: tuple[str, Client], request: pytest.FixtureRequest) -> str:
    if kind == "embedded":
        return embedded[0]
    request.getfixturevalue("neo4j_env")
    insurer: dict[str, Client] = request.getfixturevalue("insurer")
    return insurer["neo4j"].backend.uri


@pytest.mark.parametrize("kind", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_read_past_the_time_limit_is_stopped_by_the_store(
    kind: str, embedded: tuple[str, Client], request: pytest.FixtureRequest
) -> None:
    """The limit interrupts the statement on the store (LadybugDB's query timeout, Neo4j's
    transaction timeout): the read ends with BPQL-S070 instead of its answer, the store runs
    nothing of it afterwards, and the same connection answers the next read."""
    uri = _store_uri(kind, embedded, request)
    with backend(uri, read_only=True) as store:
        store.set_time_limit(0.5)
        with pytest.raises(BackendError) as caught:
            store.read(HEAVY, {})
        assert caught.value.code == "BPQL-S070"
        assert str(caught.value) == "the query ran past its time limit of 0.5 s and was stopped"
        store.set_time_limit(None)
        _, rows = store.read("MATCH (s:Service) RETURN count(s) AS c", {})
        assert rows == [[6]]
        if kind == "neo4j":
            # the server itself ended the transaction: nothing of it is still running
            for _ in range(50):
                _, running = store.read(
                    "SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery", {}
                )
                if not any("[*1..7]" in str(r[0]) for r in running):
                    break
                time.sleep(0.1)
            assert not any("[*1..7]" in str(r[0]) for r in running)


def test_a_limit_already_past_refuses_before_sending(embedded: tuple[str, Client]) -> None:
    with backend(embedded[0], read_only=True) as store:
        store.set_time_limit(0.001)
        time.sleep(0.01)
        with pytest.raises(BackendError) as caught:
            store.read("MATCH (s:Service) RETURN count(s) AS c", {})
        assert caught.value.code == "BPQL-S070"


# --- the explorer's requests, in-process ---------------------------------------------------


class Opens:
    """The store's opener, counting how often a request opened it."""

    def __init__(self, uri: str, delay: float = 0.0) -> None:
        self.uri = uri
        self.delay = delay
        self.count = 0

    def __call__(self) -> Backend:
        self.count += 1
        time.sleep(self.delay)
        return backend(self.uri, read_only=True)


def explorer(uri: str, opens: Opens | None = None, **options: Any) -> tuple[Any, Opens]:
    """The app and a client that asks as the explorer's page does (its Host, its token)."""
    from starlette.testclient import TestClient

    opener = opens or Opens(uri)
    app = make_app(opener, uri, port=8765, **options)
    client = TestClient(
        app, base_url="http://127.0.0.1:8765", headers={"X-BPQL-Token": app.state.token}
    )
    return client, opener


IMPACT = 'impact of department "billing"'


@pytest.mark.parametrize("route", ["/api/query", "/api/explain", "/view"])
def test_more_than_one_statement_is_refused_before_any_runs(
    route: str, embedded: tuple[str, Client]
) -> None:
    http, opens = explorer(embedded[0])
    text = "; ".join([IMPACT] * 100)
    got = http.get(route, params={"q": text})
    assert opens.count == 0, "the store was opened for a text that is refused"
    if route == "/view":
        assert got.status_code == 400
        assert "one statement at a time; got 100" in got.text
    else:
        error = got.json()["error"]
        assert error["code"] == "BPQL-Q160"
        assert error["message"] == "the explorer answers one statement at a time; got 100"
        # the caret is under the second statement
        assert (error["span"]["line"], error["span"]["column"]) == (1, len(IMPACT) + 3)
    # one statement runs
    assert "error" not in http.get("/api/query", params={"q": IMPACT}).json()
    assert opens.count == 1


def test_explain_is_refused_by_the_query_route_before_it_runs(
    embedded: tuple[str, Client],
) -> None:
    http, opens = explorer(embedded[0])
    error = http.get("/api/query", params={"q": f"explain {IMPACT}"}).json()["error"]
    assert error["code"] == "BPQL-Q161" and opens.count == 0
    assert "MATCH" in http.get("/api/explain", params={"q": f"explain {IMPACT}"}).json()["cypher"]


def test_the_query_text_is_bounded(embedded: tuple[str, Client]) -> None:
    http, opens = explorer(embedded[0])
    at_bound = "find services" + " " * (MAX_QUERY_TEXT - len("find services"))
    assert len(at_bound) == MAX_QUERY_TEXT
    got = http.get("/api/query", params={"q": at_bound}).json()
    assert got["total"] == 6 and opens.count == 1
    past = at_bound + " "
    error = http.get("/api/query", params={"q": past}).json()["error"]
    assert error["code"] == "BPQL-Q162" and opens.count == 1
    assert error["message"] == (
        f"the explorer takes a query of up to {MAX_QUERY_TEXT:,} characters; this one has "
        f"{MAX_QUERY_TEXT + 1:,}"
    )
    # far past it, any route's text is a malformed request
    huge = http.get("/api/query", params={"q": "x" * (MAX_QUERY_TEXT * 4 + 1)})
    assert huge.status_code == 400 and huge.json()["error"]["code"] == "BPQL-C110"


@pytest.mark.parametrize("kind", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_a_query_past_the_time_limit_ends_with_the_message(
    kind: str, embedded: tuple[str, Client], request: pytest.FixtureRequest
) -> None:
    """Through the explorer: the answer is the time limit's message (a user's answer, 200, as
    any other mistake), and the next request is served (nothing is left holding the store)."""
    uri = _store_uri(kind, embedded, request)
    http, _ = explorer(uri, query_timeout=0.000_001)
    got = http.get("/api/query", params={"q": IMPACT})
    assert got.status_code == 200
    error = got.json()["error"]
    assert error["code"] == "BPQL-S070"
    assert error["message"] == "the query ran past its time limit of 1e-06 s and was stopped"
    view = http.get("/view", params={"q": IMPACT})
    assert view.status_code == 400 and "time limit" in view.text
    http, _ = explorer(uri, query_timeout=120)  # a generous limit, on the same store
    assert http.get("/api/query", params={"q": IMPACT}).json()["kind"] == "impact"


def test_the_view_reuses_its_answer_however_long_it_took(
    embedded: tuple[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 25: the answer kept for its view is stamped when it is made, so a query that
    took longer than the keeping time is not run a second time by its own view."""
    import bpql.cli.serve

    monkeypatch.setattr(bpql.cli.serve, "RECENT_SECONDS", 0.5)
    http, opens = explorer(embedded[0], Opens(embedded[0], delay=1.0))
    answer = http.get("/api/query", params={"q": IMPACT}).json()
    assert answer["view"].startswith("/view?ticket=") and opens.count == 1
    page = http.get(answer["view"])
    assert page.status_code == 200 and "bpql-network" in page.text
    assert opens.count == 1 and http.app.state.explorer.computed == 1
    # once it is no longer kept, the ticket runs its query again
    time.sleep(0.6)
    assert http.get(answer["view"]).status_code == 200 and opens.count == 2


def test_an_answer_too_large_to_draw_is_read_without_its_subgraph(
    embedded: tuple[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 25: past the nodes a view draws one by one, the explorer reads the answer's
    tables only, and its view is the collapse of its matrix."""
    import bpql.viz

    monkeypatch.setattr(bpql.viz, "DEFAULT_MAX_NODES", 5)
    http, _ = explorer(embedded[0])
    answer = http.get("/api/query", params={"q": IMPACT}).json()
    assert answer["drawn"] is True and answer["nodes"] is None
    assert answer["total"] == len(embedded[1].query(IMPACT).table.rows)
    page = http.get(answer["view"])
    assert page.status_code == 200 and "its subgraph was not read" in page.text


def test_the_nodes_drawn_one_by_one_are_the_servers_setting(
    embedded: tuple[str, Client],
) -> None:
    """`bpql serve --max-nodes N`: the same answer is read without its subgraph and drawn
    collapsed below its size, drawn whole above it; a setting below 1 is one line."""
    small, _ = explorer(embedded[0], max_nodes=5)
    got = small.get("/api/query", params={"q": IMPACT}).json()
    assert got["drawn"] is True and got["nodes"] is None
    assert "raise --max-nodes" in small.get(got["view"]).text
    large, _ = explorer(embedded[0], max_nodes=100_000)
    got = large.get("/api/query", params={"q": IMPACT}).json()
    assert got["nodes"] and "its subgraph was not read" not in large.get(got["view"]).text
    said = subprocess.run(
        [sys.executable, "-m", "bpql.cli", "serve", "--db", embedded[0], "--max-nodes", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert said.returncode != 0 and "Traceback" not in said.stderr
    assert said.stderr.strip().splitlines() == [said.stderr.strip()]
    assert "--max-nodes: expected a whole number of at least 1, got 0" in said.stderr


def test_answers_are_kept_by_count_and_size(
    embedded: tuple[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    import bpql.cli.serve

    http, _ = explorer(embedded[0])
    texts = [f'show system "{s}" depth 1' for s in ("crm", "claims-engine", "payments-gateway")]
    texts += ['show service "claims"', 'show service "billing"']
    for text in texts:
        assert "view" in http.get("/api/query", params={"q": text}).json()
    state = http.app.state.explorer
    assert len(state._kept) == bpql.cli.serve.RECENT_ANSWERS
    assert state.kept(("q", texts[0])) is None and state.kept(("q", texts[-1])) is not None
    monkeypatch.setattr(bpql.cli.serve, "RECENT_WEIGHT", 10)
    assert "view" in http.get("/api/query", params={"q": texts[0]}).json()
    assert list(state._kept) == [("q", texts[0])]  # the newest stays, alone past the size


def test_numbers_stay_numbers(embedded: tuple[str, Client]) -> None:
    http, _ = explorer(embedded[0])
    got = http.get(
        "/api/query", params={"q": "find steps where max_wait <= 10 return name, max_wait"}
    ).json()
    assert got["units"] == {"max_wait": "minutes"}
    assert got["rows"] and all(isinstance(r[1], (int, float)) for r in got["rows"])
    failpoints = http.get(
        "/api/query", params={"q": "find failpoints return id, rpn order by rpn desc limit 3"}
    ).json()
    assert [type(r[1]) for r in failpoints["rows"]] == [int, int, int]


def test_the_favicon_is_an_icon(embedded: tuple[str, Client]) -> None:
    http, _ = explorer(embedded[0])
    got = http.get("/favicon.ico")
    assert got.status_code == 200 and got.headers["content-type"] == "image/x-icon"
    data = got.content
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    width, height, *_, size, offset = struct.unpack("<BBBBHHII", data[6:22])
    png = data[offset : offset + size]
    assert (width, height) == (16, 16) and png.startswith(b"\x89PNG\r\n\x1a\n")
    # the PNG's pixels: 16 rows of a filter byte and 16 RGBA pixels
    idat = png.index(b"IDAT")
    length = struct.unpack(">I", png[idat - 4 : idat])[0]
    assert len(zlib.decompress(png[idat + 4 : idat + 4 + length])) == 16 * (1 + 16 * 4)


def test_the_home_page_names_what_is_loaded(embedded: tuple[str, Client], tmp_path: Path) -> None:
    """The examples and the services come from the store: the insurer's on the insurer, the
    synthetic enterprise's on that one; every example answers."""
    http, _ = explorer(embedded[0])
    home = http.get("/api/home").json()
    insurer = {
        (i, n) for i, n in embedded[1].backend.read("MATCH (s:Service) RETURN s.id, s.name", {})[1]
    }
    assert {(s["id"], s["name"]) for s in home["services"]} == insurer
    assert home["total"] == 6
    blueprints = embedded[1].backend.read("MATCH (b:Blueprint) RETURN b.id", {})[1]
    with_to_be = {str(b).split(":")[0] for (b,) in blueprints if ":to-be" in str(b)}
    assert "claims" in with_to_be
    assert {s["id"] for s in home["services"] if s["redesigned"]} == with_to_be
    for text in home["examples"]:
        answer = http.get("/api/query", params={"q": text}).json()
        assert "error" not in answer, (text, answer)

    from bpql.testing.synthetic import write_enterprise

    uri = f"embedded:{tmp_path / 'synthetic.lbdb'}"
    with connect(uri) as other:
        other.load(write_enterprise(tmp_path / "enterprise", services=3))
    http, _ = explorer(uri)
    home = http.get("/api/home").json()
    assert {s["id"] for s in home["services"]} == {"svc-000", "svc-001", "svc-002"}
    assert not any("billing" in e or "crm" in e for e in home["examples"])
    assert 'impact of department "dept-00"' in home["examples"]
    for text in home["examples"]:
        assert "error" not in http.get("/api/query", params={"q": text}).json(), text


# --- malformed requests: 400, never 500 ----------------------------------------------------

BAD = [
    ("/api/complete", "q=find&pos=%C2%B2"),  # str.isdigit() takes the superscript two
    ("/api/complete", "q=find&pos=" + "9" * 5000),  # past int()'s digit limit
    ("/api/complete", "q=find&pos=-1"),
    ("/api/complete", "q=find&pos=1e3"),
    ("/api/complete", "q=find&pos="),
    ("/api/complete", "pos=1"),
    ("/api/complete", "q=find&q=show"),
    ("/api/expand", ""),
    ("/api/expand", "node=nope"),
    ("/api/expand", "node=System:"),
    ("/api/expand", "node=Nothing:crm"),
    ("/api/expand", "node=" + "x" * 5000),
    ("/api/query", ""),
    ("/api/query", "q=find%20services&q=find%20systems"),
    ("/api/explain", ""),
    ("/api/search", ""),
    ("/api/search", "name=" + "m" * 5000),
    ("/api/drawing", ""),
    ("/api/drawing", "blueprint=claims&blueprint=billing"),
    ("/view", "ticket=unknown"),
    ("/view", "ticket=a&ticket=b"),
]


@pytest.mark.parametrize(("route", "query"), BAD)
def test_a_malformed_parameter_is_400(route: str, query: str, embedded: tuple[str, Client]) -> None:
    http, opens = explorer(embedded[0])
    got = http.get(f"{route}?{query}")
    assert got.status_code == 400, got.text[:300]
    if route != "/view":
        error = got.json()["error"]
        assert error["code"] == "BPQL-C110" and "\n" not in error["message"]
    else:
        assert "<pre>error: ticket:" in got.text
    assert opens.count == 0


def hostile(rnd: random.Random) -> str:
    """A query string a careless or hostile client might send."""
    pieces = [
        "",
        "0",
        "-1",
        "²",
        "٣",
        "1e9",
        "9" * rnd.choice([20, 5000]),
        "%",
        "%zz",
        "%C2",
        "%ff%fe",
        "%00",
        "\x00",
        "\r\n",
        "\u2028",
        "\ud800",
        "'",
        '"',
        "\\",
        ";",
        "find services",
        "impact of",
        'show system "crm"',
        "System:crm",
        "Step:claims.x",
        ":",
        "a:b:c",
        "<script>",
        "&",
        "=",
        "+",
        "x" * rnd.choice([1, 999, 1001, 40_000]),
        "find services; find systems",
        "explain find services",
        "claims",
        "to-be",
        "as-is",
    ]
    names = ["q", "pos", "node", "name", "blueprint", "diff", "scenario", "variant", "ticket"]
    parts = []
    for _ in range(rnd.randrange(0, 5)):
        name = rnd.choice([*names, "", "q[]", "%", "x"])
        value = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 3)))
        # every byte on the wire is printable ASCII (no client sends others): half the values
        # percent-encoded whole, the rest with their punctuation and stray `%`s left raw
        safe = "%" if rnd.random() < 0.5 else "%&=+;:'\"<>\\[]/"
        value = urllib.parse.quote(value, safe=safe, errors="surrogatepass")
        parts.append(f"{name}={value}" if rnd.random() < 0.9 else name)
    return "&".join(parts)[:60_000]  # httpx sends URLs of up to 64 KiB


def test_no_route_answers_500_to_hostile_query_strings(embedded: tuple[str, Client]) -> None:
    """A seeded fuzz of every route: no 500, and no exception out of the app (the test client
    raises any, as uvicorn would log it with its traceback)."""
    http, _ = explorer(embedded[0])
    rnd = random.Random(19)
    routes = ["/", "/favicon.ico", "/static/explorer.js", "/static/x", "/view"]
    routes += [f"/api/{r}" for r in ("query", "drawing", "explain", "complete", "search")]
    routes += ["/api/home", "/api/expand"]
    statuses: dict[int, int] = {}
    for _ in range(120):
        for route in routes:
            got = http.get(f"{route}?{hostile(rnd)}")
            statuses[got.status_code] = statuses.get(got.status_code, 0) + 1
            assert got.status_code < 500, (route, got.text[:300])
            if route.startswith("/api/"):
                got.json()  # always JSON
    assert statuses.get(400, 0) > 100 and statuses.get(200, 0) > 100, statuses


def test_a_long_list_in_a_cell_is_cut_short_in_the_explorers_table() -> None:
    """A touchpoint's services at 10,000 services are 2,600 names: the explorer's table shows
    ten and how many more (a 40-row inventory was 1.5 MB); short lists and other values are
    as they were."""
    from bpql.cli.serve import CELL_ITEMS, _answer
    from bpql.result import Kind, Result, Table

    names = [f"Service {i:04d}" for i in range(2600)]
    table = Table(["id", "services", "count"], [["tp-1", names, 2600], ["tp-2", names[:3], 3]])
    got = _answer(Result(Kind.TABLE, table=table))
    first, second = got["rows"]
    assert first == ["tp-1", [*names[:CELL_ITEMS], "… 2,590 more"], 2600]
    assert second == ["tp-2", names[:3], 3]
    assert got["total"] == 2 and len(table.rows[0][1]) == 2600  # the answer itself is whole
