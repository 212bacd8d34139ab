"""The explorer's limits: a time limit the store itself enforces, one statement per request
refused before anything runs, bounded query text, and 400 (never 500) for malformed
parameters, fuzzed over every route."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bpql.api import Client, connect
from bpql.backends import connect as backend
from bpql.errors import BackendError
from tests.conftest import EXAMPLES

#: variable-length paths of up to five hops between any two things of the insurer: minutes of
#: work on either store (177 s embedded), so an answer in time means the store stopped it
HEAVY = "MATCH p = (a)-[*1..5]-(b) RETURN count(p) AS c"


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Client]]:
    uri = f"embedded:{tmp_path_factory.mktemp('limits') / 'graph.lbdb'}"
    client = connect(uri)
    client.load(EXAMPLES / "insurer")
    yield uri, client
    client.close()


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
                if not any("[*1..5]" in str(r[0]) for r in running):
                    break
                time.sleep(0.1)
            assert not any("[*1..5]" in str(r[0]) for r in running)


def test_a_limit_already_past_refuses_before_sending(embedded: tuple[str, Client]) -> None:
    with backend(embedded[0], read_only=True) as store:
        store.set_time_limit(0.001)
        time.sleep(0.01)
        with pytest.raises(BackendError) as caught:
            store.read("MATCH (s:Service) RETURN count(s) AS c", {})
        assert caught.value.code == "BPQL-S070"
