"""Queries on a synthetic enterprise of 50 services (bpql.testing.synthetic), on both backends:
the daily jobs, the rows of issue 14 and the whole corpus (its references mapped onto
synthetic things, as bench/queries.py does at 1,000 services) give the same answer on
LadybugDB and Neo4j; the breadth-first `show` gives the graph the path enumeration it
replaced gave; and a neighbourhood over the node cap stops with BPQL-Q120 on both."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.queries import DRAWN, JOBS, corpus
from bpql.api import Client
from bpql.errors import BpqlError, QueryError
from bpql.query import ir
from bpql.result import Graph
from bpql.testing.synthetic import write_enterprise
from tests.conftest import BACKENDS, open_store
from tests.neo4j_fixture import Neo4jInfo

SERVICES = 50
QUERIES = list(dict.fromkeys(q.removesuffix(DRAWN) for _, q, _, _ in JOBS)) + corpus()


@pytest.fixture(scope="module")
def synthetic(
    neo4j_server: Neo4jInfo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Client]]:
    folder = write_enterprise(tmp_path_factory.mktemp("synthetic") / "ent", services=SERVICES)
    clients = {}
    for kind in BACKENDS:
        client = open_store(kind, tmp_path_factory.mktemp(kind), neo4j_server)
        client.load(folder)
        clients[kind] = client
    yield clients
    for c in clients.values():
        c.close()


def answer(client: Client, query: str) -> Any:
    """The answer as JSON, or the code of the error the query stopped with."""
    try:
        return client.query(query).to_json()
    except BpqlError as err:
        return err.code


def test_every_job_and_corpus_query_answers_the_same_on_both(
    synthetic: dict[str, Client],
) -> None:
    differ, answered = [], 0
    for query in QUERIES:
        answers = {kind: answer(c, query) for kind, c in synthetic.items()}
        if answers["ladybug"] != answers["neo4j"]:
            differ.append(query)
        answered += not isinstance(answers["neo4j"], str)
    assert differ == []
    # nearly all answer: a corpus query naming an as-is thing with `scenario "to-be"` is
    # refused, as it is on the insurer
    assert answered >= len(QUERIES) - 2


def test_the_daily_jobs_find_what_the_files_say(synthetic: dict[str, Client]) -> None:
    """Not only equal: every service uses `core`, which `sys-006` depends on, so all depend
    on it; its neighbourhood at depth 10 is the whole enterprise, under the cap."""
    for client in synthetic.values():
        table = client.query('find services where depends on system "sys-006"').table
        assert table is not None and len(table.rows) == SERVICES
        graph = client.query('show system "core" depth 10').graph
        assert graph is not None
        # every node of the knowledge model (the load's token node is none of it)
        total = sum(client.stats()["nodes"].values())
        assert len(graph.nodes) == total


def paths_graph(client: Client, label: str, ident: str, depth: int) -> Graph:
    """The neighbourhood as `show` computed it before: every path of up to `depth` steps."""
    graph = Graph()
    rows = client.backend.read(
        f"MATCH (c:{label}) WHERE c.id = $id OPTIONAL MATCH p = (c)-[*1..{depth}]-(x) RETURN c, p",
        {"id": ident},
    )[1]
    for row in rows:
        graph.absorb(row)
    return graph


@pytest.mark.parametrize(
    ("label", "ident", "depth"),
    [("System", "sys-042", 1), ("Department", "dept-03", 2), ("Step", "svc-001.s02", 3)],
)
def test_breadth_first_show_is_the_path_neighbourhood(
    synthetic: dict[str, Client], label: str, ident: str, depth: int
) -> None:
    for client in synthetic.values():
        shown = client.query(f'show {label.lower()} "{ident}" depth {depth}').graph
        assert shown is not None and len(shown.nodes) > 1
        assert shown.to_json() == paths_graph(client, label, ident, depth).to_json()


def test_a_neighbourhood_over_the_cap_stops_with_a_message(
    synthetic: dict[str, Client],
) -> None:
    for client in synthetic.values():
        (prepared,) = client.engine.prepare('show system "core" depth 10')
        assert isinstance(prepared.query, ir.ShowIR)
        capped = dataclasses.replace(prepared.query, max_nodes=500)
        with pytest.raises(QueryError) as err:
            client.engine.execute(capped)
        e = err.value
        assert e.code == "BPQL-Q120"
        assert e.message.startswith('show system "System core" depth 10 reaches more than 500')
        assert "\n" not in e.message
        # depth 1 (core, its owner and dependants, and its steps) still fits
        assert e.hints[0].startswith("lower the depth (depth 1 holds ")


def test_find_with_an_early_limit_keeps_the_order(synthetic: dict[str, Client]) -> None:
    """`limit` applied before the related fields are read gives the rows a full sort gives."""
    query = "find failpoints where rpn >= 100 return id, rpn, step, service order by rpn desc"
    for client in synthetic.values():
        table = client.query(query).table
        limited = client.query(query + " limit 7").table
        assert table is not None and limited is not None and len(table.rows) > 7
        assert limited.rows == table.rows[:7]


def test_corpus_mapping_names_things_of_the_synthetic_enterprise(tmp_path: Path) -> None:
    """The bench's mapped references exist in the enterprise it writes."""
    from bpql.model.validate import validate_paths
    from bpql.query.compiler import GraphCatalog, compile_text

    folder = write_enterprise(tmp_path / "ent", services=4)
    catalog = GraphCatalog(validate_paths([folder]).graph)
    refused = []
    for query in QUERIES:
        try:
            compile_text(query, catalog, "neo4j")
        except QueryError as err:
            refused.append((query, err.code))
    assert refused == [
        ('find steps where in blueprint "svc-001:as-is" scenario "to-be"', "BPQL-Q043")
    ]
