"""bpql/backends/reads.py: the reads outside a query's plan. Names come only from the schema,
values only as parameters; the graph read back whole is the graph the files gave, and a
service's read holds that service's blueprints and the shared things, on both stores."""

from __future__ import annotations

from typing import Any

import pytest

from bpql.api import Client
from bpql.backends import reads
from bpql.errors import BpqlError
from bpql.graphdata import GraphData
from bpql.model.validate import validate_paths
from bpql.schema import NODES, RELS, SHARED
from tests.conftest import EXAMPLES


class Recorder:
    """A store that records what it is sent and answers from `answers` (Cypher text -> rows),
    no rows otherwise."""

    def __init__(self, answers: dict[str, list[list[Any]]] | None = None) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.answers = answers or {}

    def read(self, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        self.sent.append((cypher, params))
        return [], self.answers.get(cypher, [])


@pytest.mark.parametrize(
    "call",
    [
        lambda b: reads.entries(b, "Nope"),
        lambda b: reads.nodes(b, "Step) DETACH DELETE (n"),
        lambda b: reads.nodes(b, "Step", ["id", "name` AS x RETURN 1 //"]),
        lambda b: reads.pairs(b, "NEXT]->() DELETE x //"),
    ],
)
def test_a_name_outside_the_schema_never_reaches_the_store(call: Any) -> None:
    store = Recorder()
    with pytest.raises(ValueError, match="not a"):
        call(store)
    assert store.sent == []


def test_a_service_is_a_parameter_and_an_unknown_one_is_c080_naming_the_store_s() -> None:
    hostile = 'claims" OR 1=1 //'
    store = Recorder({"MATCH (sv:Service) RETURN sv.id, sv.name": [["claims", "Claims"]]})
    with pytest.raises(BpqlError) as err:
        reads.stored_graph(store, reads.Scope(hostile, redesigned=True))
    assert err.value.code == "BPQL-C080"
    assert str(err.value).endswith("the services are: claims")
    assert all(hostile not in cypher for cypher, _ in store.sent)
    assert store.sent[0][1] == {"service": hostile}
    store = Recorder()
    reads.observed_by_name(store, "to-be")
    reads.observed_by_id(store, ["claims.s1"])
    assert [p for _, p in store.sent] == [{"scenario": "to-be"}, {"ids": ["claims.s1"]}]
    assert all("to-be" not in c and "claims.s1" not in c for c, _ in store.sent)


@pytest.fixture(scope="module")
def files() -> GraphData:
    return validate_paths([EXAMPLES / "insurer"]).graph


def _ids(graph: GraphData) -> dict[str, set[str]]:
    return {label: {str(n["id"]) for n in rows} for label, rows in graph.nodes.items() if rows}


def _pairs(graph: GraphData) -> dict[str, set[tuple[str, str]]]:
    return {t: set(pairs) for t, pairs in graph.rels.items() if pairs}


def _check_reads(client: Client, files: GraphData) -> GraphData:
    backend = client.backend
    whole = reads.stored_graph(backend)
    assert _ids(whole) == _ids(files)
    assert _pairs(whole) == _pairs(files)
    counts = reads.counts(backend)
    assert counts["nodes"] == {label: len(whole.nodes.get(label, [])) for label in NODES}
    assert counts["relationships"] == {t: len(whole.rels.get(t, [])) for t in RELS}
    assert reads.services(backend) == len(files.nodes["Service"])
    assert reads.entries(backend, "Service") == sorted(
        (str(n["id"]), str(n["name"])) for n in files.nodes["Service"]
    )
    one = reads.stored_graph(backend, reads.Scope("claims"))
    assert {n["id"] for n in one.nodes["Service"]} == {"claims"}
    assert {n["id"] for n in one.nodes["Blueprint"]} == {
        b for s, b in files.rels["HAS_BLUEPRINT"] if s == "claims"
    }
    for label in SHARED:
        assert _ids(one).get(label) == _ids(files).get(label)
    steps = {n["id"] for n in one.nodes["Step"]}
    assert steps and all(s.startswith("claims") for s in steps)
    # nothing observed in a freshly loaded store
    assert reads.observed_steps(backend) == 0
    assert reads.observed_by_id(backend, sorted(steps)) == {}
    return whole


def test_the_graph_read_back_whole_and_per_service_embedded(
    embedded_insurer: Client, files: GraphData
) -> None:
    _check_reads(embedded_insurer, files)


@pytest.mark.neo4j
def test_both_stores_read_back_the_same_graph(insurer: dict[str, Client], files: GraphData) -> None:
    graphs = [_check_reads(client, files) for client in insurer.values()]
    first, *rest = graphs
    for other in rest:
        for label in NODES:
            key = lambda n: str(n["id"])  # noqa: E731
            assert sorted(first.nodes[label], key=key) == sorted(other.nodes[label], key=key)
