"""The query corpus: golden Cypher per dialect, golden answers, and the same answer on both
backends (a differential test). Rewrite goldens with --update-goldens and read the diff."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bpql import ir
from bpql.api import Client
from bpql.schema import LANE_BY_KEY
from bpql.syntax import ast, parse
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "queries" / "corpus.bpql"
GOLDEN = ROOT / "tests" / "queries" / "golden"
QUERIES = [
    line.strip()
    for line in CORPUS.read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
SKETCH = QUERIES[:9]  # the DESIGN.md sketch, as written


def test_corpus_size() -> None:
    assert len(QUERIES) >= 60


def compiled(client: Client, query: str) -> dict[str, Any]:
    (prepared,) = client.engine.prepare(query)
    q = prepared.query
    assert not isinstance(q, ir.ExplainIR)
    return {d: client.engine.compile(q, d).to_json()["statements"] for d in ("neo4j", "ladybug")}


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


@pytest.mark.parametrize("index", range(len(QUERIES)), ids=lambda i: f"q{i + 1:03d}")
def test_query(index: int, insurer: dict[str, Client], update_goldens: bool) -> None:
    query = QUERIES[index]
    answers = {kind: c.query(query).to_json() for kind, c in insurer.items()}
    assert answers["ladybug"] == answers["neo4j"], query
    cypher = compiled(insurer["ladybug"], query)
    # no value written by the user appears in the Cypher text; each reaches it as a parameter
    for value, as_param in user_values(query):
        if isinstance(value, bool):
            continue
        for dialect, statements in cypher.items():
            text = "\n".join(s["cypher"] for s in statements)
            params = json.dumps([s["params"] for s in statements], ensure_ascii=False)
            assert str(value) not in text, (dialect, value, text)
            if as_param:
                assert json.dumps(value, ensure_ascii=False) in params, (dialect, value)
    path = GOLDEN / f"q{index + 1:03d}.json"
    record = {"query": query, "cypher": cypher, "answer": answers["neo4j"]}
    if update_goldens:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    assert json.loads(path.read_text()) == record


@pytest.mark.parametrize("query", SKETCH)
def test_design_sketch_answers_are_not_empty(query: str, insurer: dict[str, Client]) -> None:
    result = insurer["neo4j"].query(query)
    size = len(result.table.rows) if result.table is not None else len(result.graph.nodes)  # type: ignore[union-attr]
    assert size > 0, query


def test_explain_of_the_sketch(insurer: dict[str, Client]) -> None:
    compiled_ = insurer["neo4j"].explain('explain impact of department "billing"')
    assert compiled_[0].dialect == "neo4j" and len(compiled_[0].statements) >= 4
    assert all('"billing"' not in c for c, _ in compiled_[0].statements)
