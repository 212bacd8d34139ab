"""The query corpus (tests/queries/corpus.bpql).

Compile-only, with no database: each query's Cypher per dialect, compiled against a catalog
built from the insurer example's files, is kept as a readable snapshot,
tests/queries/snapshots/qNNN/<dialect>/out.cypher (the Cypher with its parameters as comments,
as `bpql explain` prints it). Each query's answer equals tests/queries/answers/qNNN.json on
LadybugDB (in the fast loop) and on Neo4j (marked `neo4j`), so the two stores answer alike.
Rewrite snapshots and answers with --snapshot-update and read the diff."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bpql.api import Client, explain_text
from bpql.ids import scenario_marker
from bpql.query import ast, ir
from bpql.query.compiler import GraphCatalog, compile_text
from bpql.query.parser import parse
from bpql.query.plan import Plan
from bpql.schema import LANE_BY_KEY, SCENARIOS
from tests.conftest import DIALECTS, EXAMPLES, ROOT, open_store
from tests.neo4j_fixture import Neo4jInfo

QUERIES_DIR = ROOT / "tests" / "queries"
CORPUS = QUERIES_DIR / "corpus.bpql"
SNAPSHOTS = QUERIES_DIR / "snapshots"
ANSWERS = QUERIES_DIR / "answers"
QUERIES = [
    line.strip()
    for line in CORPUS.read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
IDS = [f"q{i + 1:03d}" for i in range(len(QUERIES))]
SKETCH = QUERIES[:9]  # the DESIGN.md sketch, as written


def test_corpus_size() -> None:
    assert len(QUERIES) >= 60


def test_no_stale_snapshots_or_answers() -> None:
    """Every snapshot folder and answer file belongs to a query of the corpus."""
    assert sorted(p.name for p in SNAPSHOTS.iterdir()) == IDS
    assert sorted(p.stem for p in ANSWERS.glob("*.json")) == IDS


def user_values(query: str) -> list[tuple[Any, bool]]:
    """Every value the user wrote (quoted strings, numbers compared, list items), and whether
    it must reach the query as a parameter: references do as their resolved id, and lanes
    on Neo4j become lane labels taken from the schema."""
    found: list[tuple[Any, bool]] = []

    def walk(node: Any, in_ref: bool = False) -> None:
        if isinstance(node, ast.Ref):
            walk(node.value, True)
        elif isinstance(node, ast.Value):
            plain = node.value not in LANE_BY_KEY and node.value != "any"
            found.append((node.value, not in_ref and plain))
        elif isinstance(node, (list, tuple)):
            for x in node:
                walk(x)
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                if name not in ("span", "within", "depth", "limit"):
                    walk(getattr(node, name))

    walk(parse(query))
    return found


def check_values_are_parameters(query: str, compiled: Plan) -> None:
    """No value written by the user appears in the Cypher text; each reaches it as a
    parameter."""
    text = "\n".join(cypher for cypher, _ in compiled.statements)
    params = json.dumps([p for _, p in compiled.statements], ensure_ascii=False)
    for value, as_param in user_values(query):
        if isinstance(value, bool):
            continue
        assert str(value) not in text, (compiled.dialect, value, text)
        if as_param:
            # a scenario may reach the store as the marker its things' ids hold (bpql/ids.py)
            forms = [value] + ([scenario_marker(value)[1]] if value in SCENARIOS else [])
            assert any(json.dumps(v, ensure_ascii=False) in params for v in forms), (
                compiled.dialect,
                value,
            )


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("index", range(len(QUERIES)), ids=IDS)
def test_cypher(index: int, dialect: str, catalog: GraphCatalog, update_goldens: bool) -> None:
    query = QUERIES[index]
    (compiled,) = compile_text(query, catalog, dialect)
    assert compiled.dialect == dialect
    check_values_are_parameters(query, compiled)
    text = explain_text([compiled]) + "\n"
    path = SNAPSHOTS / IDS[index] / dialect / "out.cypher"
    if update_goldens:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.read_text() == text


def check_answer(
    index: int, kind: str, client: Client, catalog: GraphCatalog, update_goldens: bool
) -> None:
    """The answer on one store equals the kept answer (so both stores answer alike), and the
    store's own catalog compiles to the same Cypher as the catalog built from the files."""
    query = QUERIES[index]
    answer = client.query(query).to_json()
    (prepared,) = client.engine.prepare(query)
    assert not isinstance(prepared.query, ir.ExplainIR)
    for dialect in DIALECTS:
        online = client.engine.compile(prepared.query, dialect)
        assert [online] == compile_text(query, catalog, dialect), (kind, dialect, query)
    path = ANSWERS / f"{IDS[index]}.json"
    record = {"query": query, "answer": answer}
    if update_goldens:
        ANSWERS.mkdir(exist_ok=True)
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    assert json.loads(path.read_text()) == record, (kind, query)


@pytest.mark.parametrize("index", range(len(QUERIES)), ids=IDS)
def test_answer_embedded(
    index: int, embedded_insurer: Client, catalog: GraphCatalog, update_goldens: bool
) -> None:
    """In the fast loop: every corpus answer on LadybugDB, no Java needed."""
    check_answer(index, "ladybug", embedded_insurer, catalog, update_goldens)


@pytest.fixture(scope="module")
def neo4j_insurer(
    neo4j_server: Neo4jInfo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Client]:
    client = open_store("neo4j", tmp_path_factory.mktemp("neo4j"), neo4j_server)
    client.load(EXAMPLES / "insurer")
    yield client
    client.close()


@pytest.mark.parametrize("index", range(len(QUERIES)), ids=IDS)
def test_answer_neo4j(
    index: int, neo4j_insurer: Client, catalog: GraphCatalog, update_goldens: bool
) -> None:
    check_answer(index, "neo4j", neo4j_insurer, catalog, update_goldens)


@pytest.mark.parametrize("query", SKETCH)
def test_design_sketch_answers_are_not_empty(query: str, embedded_insurer: Client) -> None:
    result = embedded_insurer.query(query)
    size = len(result.table.rows) if result.table is not None else len(result.graph.nodes)  # type: ignore[union-attr]
    assert size > 0, query


def test_explain_of_the_sketch(neo4j_insurer: Client) -> None:
    compiled_ = neo4j_insurer.explain('explain impact of department "billing"')
    assert compiled_[0].dialect == "neo4j" and len(compiled_[0].statements) >= 4
    assert all('"billing"' not in c for c, _ in compiled_[0].statements)
