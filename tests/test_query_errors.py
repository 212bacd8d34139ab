"""Bad queries (tests/queries/bad.bpql): each message names line and column, shows the query
with a caret under the fault, and says what was expected.

Compile-only, one test per query, against a catalog built from the insurer example's files;
the messages are kept in tests/queries/bad_expected.txt (rewrite with --update-goldens). With a
Neo4j (marked `neo4j`): both stores give the same words as the files."""

from __future__ import annotations

import re

import pytest

from bpql.api import Client
from bpql.compiler import GraphCatalog, compile_text
from bpql.errors import QueryError
from tests.conftest import DIALECTS, ROOT

BAD = ROOT / "tests" / "queries" / "bad.bpql"
EXPECTED = ROOT / "tests" / "queries" / "bad_expected.txt"
QUERIES = [q for q in BAD.read_text().splitlines() if q.strip() and not q.startswith("#")]
IDS = [
    f"b{i + 1:02d}-" + re.sub(r"[^a-z0-9]+", "-", q.lower()).strip("-")
    for i, q in enumerate(QUERIES)
]
HEAD = re.compile(r"^error at line \d+, column (\d+): (.+)$")


def read_expected() -> dict[str, str]:
    """bad_expected.txt: for each query, `== <query>` then its message (three lines)."""
    out: dict[str, str] = {}
    query = None
    for line in EXPECTED.read_text().split("\n"):
        if line.startswith("== "):
            query = line[3:]
            out[query] = ""
        elif query is not None:
            out[query] += line + "\n"
    return {q: text.rstrip("\n") for q, text in out.items()}


def write_expected(messages: dict[str, str]) -> None:
    EXPECTED.write_text("".join(f"== {q}\n{messages[q]}\n" for q in QUERIES if q in messages))


def message(query: str, catalog: GraphCatalog) -> str:
    """The message, the same whichever dialect the query is compiled for."""
    messages = set()
    for dialect in DIALECTS:
        with pytest.raises(QueryError) as info:
            compile_text(query, catalog, dialect)
        messages.add(info.value.pretty())
    assert len(messages) == 1, messages
    return messages.pop()


def test_corpus_size_and_expected_file() -> None:
    assert len(QUERIES) >= 30
    assert len(set(QUERIES)) == len(QUERIES)
    expected = read_expected()
    assert list(expected) == QUERIES, "bad_expected.txt holds one entry per query, in order"
    assert "".join(f"== {q}\n{expected[q]}\n" for q in QUERIES) == EXPECTED.read_text()


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_bad_query(query: str, catalog: GraphCatalog, update_goldens: bool) -> None:
    text = message(query, catalog)
    head, shown, caret = text.splitlines()
    m = HEAD.match(head)
    assert m, head
    assert shown == f"1 | {query}"
    assert caret.index("^") == len("1 | ") + int(m[1]) - 1, text
    assert "__ANON" not in text and "Token(" not in text
    if update_goldens:
        write_expected({**read_expected(), query: text})
    assert read_expected().get(query) == text


def test_the_stores_give_the_same_words(insurer: dict[str, Client], catalog: GraphCatalog) -> None:
    """Resolved against each store's own catalog, every message is the one from the files."""
    for query in QUERIES:
        expected = message(query, catalog)
        for kind, client in insurer.items():
            with pytest.raises(QueryError) as info:
                client.engine.prepare(query)
            assert info.value.pretty() == expected, (kind, query)
