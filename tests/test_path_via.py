"""`path` follows the relations a designer means (issue 21 item 6), checked on
examples/insurer where a structural shortcut is shorter than the dependency chain:
billing.retry-payment reaches policy-admin in 2 hops through NEXT to cancel-for-arrears (which
uses it), but a designer's chain takes 3 (it uses payments-gateway, on which billing-engine
depends, which depends on policy-admin). Answers are listed path by path."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpql.api import Client
from bpql.errors import QueryError
from bpql.query.compiler import GraphCatalog, compile_text
from bpql.query.language import PATH_DEFAULT
from bpql.result import Result

SHORTCUT = 'path from step "billing.retry-payment" to system "policy-admin"'
#: the designer's chain from the retry to policy-admin: uses, then depends on twice
CHAIN = [
    "Step:billing.retry-payment",
    "System:payments-gateway",
    "System:billing-engine",
    "System:policy-admin",
]
STRUCTURAL = {"HAS_STEP", "NEXT", "IN_PHASE", "HAS_PHASE", "HAS_BLUEPRINT", "FOR_PERSONA"}


@pytest.fixture(scope="module")
def embedded(embedded_insurer: Client) -> Client:
    return embedded_insurer


def _listed(result: Result) -> list[list[str]]:
    """The table's rows regrouped by their path column, checking they come path by path."""
    assert result.table is not None
    assert result.table.columns[:3] == ["path", "hop", "relation"]
    out: list[list[str]] = []
    for row in result.table.dicts():
        if row["hop"] == 0:
            out.append([])
            assert row["path"] == len(out), "paths are numbered 1, 2, ... in order"
        assert row["path"] == len(out) and row["hop"] == len(out[-1]), "never interleaved"
        out[-1].append(f"{row['kind']}:{row['id']}")
    return out


def test_default_path_takes_no_structural_shortcut(embedded: Client) -> None:
    result = embedded.query(SHORTCUT)
    assert result.graph is not None and result.paths
    types = {e.type for e in result.graph.edges}
    assert types and not types & STRUCTURAL and types <= set(PATH_DEFAULT)
    # the shortcut is 2 hops (NEXT, then uses); the designer's chain is 3
    assert {len(p) - 1 for p in result.paths} == {3}
    assert _listed(result) == result.paths
    assert CHAIN in result.paths


def test_via_names_the_relations_followed(embedded: Client) -> None:
    result = embedded.query(SHORTCUT + " via uses, depends on")
    assert result.paths == [CHAIN]
    assert result.table is not None
    assert [r[2] for r in result.table.rows] == ["", "uses", "<- depends on", "depends on"]
    # performed by and in reach a role and its department, never this system's users
    none = embedded.query(
        'path from step "billing.retry-payment" to department "billing" via performed by, in'
    )
    assert none.paths and all(k.split(":")[0] != "System" for p in none.paths for k in p)


def test_via_in_follows_containment_when_named(embedded: Client) -> None:
    q = 'path from service "quote" to system "card-processor" via in, uses, depends on'
    result = embedded.query(q)
    assert result.paths == [
        [
            "Service:quote",
            "Blueprint:quote:as-is",
            "Step:quote.take-payment",
            "System:payments-gateway",
            "System:card-processor",
        ]
    ]


def test_the_drawing_keeps_its_shape(embedded: Client, tmp_path: Path) -> None:
    """The graph holds exactly the paths' nodes and edges, one edge per hop."""
    result = embedded.query(SHORTCUT)
    assert result.graph is not None
    keys = {k for p in result.paths for k in p}
    assert set(result.graph.nodes) == keys
    hops = {frozenset(p[i : i + 2]) for p in result.paths for i in range(len(p) - 1)}
    assert {frozenset((e.source, e.target)) for e in result.graph.edges} == hops


@pytest.mark.parametrize(
    ("query", "code", "at", "words"),
    [
        (SHORTCUT + " via usse", "BPQL-Q048", "usse", "did you mean 'uses'"),
        (SHORTCUT + " via uses, ownd", "BPQL-Q048", "ownd", "did you mean 'owned by'"),
        ('path from service "quote" to system "crm"', "BPQL-Q049", "service", "service"),
        (SHORTCUT + " via supports", "BPQL-Q049", "system", "via uses, depends on, owned by"),
        ('path from step "claims.submit-claim" to system "crm" via uses', None, "", ""),
        (SHORTCUT + " via uses, depends on within 3", None, "", ""),
        ('path from role "claims-handler" to service "claims" via performed by, in', None, "", ""),
    ],
)
def test_via_errors(
    query: str, code: str | None, at: str, words: str, catalog: GraphCatalog
) -> None:
    for dialect in ("neo4j", "ladybug"):
        if code is None:
            compile_text(query, catalog, dialect)
            continue
        with pytest.raises(QueryError) as info:
            compile_text(query, catalog, dialect)
        assert info.value.code == code
        assert info.value.span is not None and info.value.span.column == query.index(at) + 1
        assert words in str(info.value)


def test_via_reaches_the_cypher_as_types(catalog: GraphCatalog) -> None:
    neo = compile_text(SHORTCUT + " via uses, depends on", catalog, "neo4j")[0]
    text = " ".join(s.cypher for s in neo.statements)
    assert "[:USES|DEPENDS_ON*..8]" in text and "policy-admin" not in text
    lb = compile_text(SHORTCUT, catalog, "ladybug")[0]
    text = " ".join(s.cypher for s in lb.statements)
    assert "NEXT" not in text and "HAS_STEP" not in text and "SUPPORTS" in text


def test_both_stores_give_the_same_paths(insurer: dict[str, Client]) -> None:
    for q in (SHORTCUT, SHORTCUT + " via uses, depends on"):
        answers = {kind: c.query(q) for kind, c in insurer.items()}
        lb, neo = answers["ladybug"], answers["neo4j"]
        assert lb.paths == neo.paths and lb.paths
        assert lb.table is not None and neo.table is not None
        assert lb.table.rows == neo.table.rows
        assert lb.to_json() == neo.to_json()


def test_completion_offers_via_and_whole_relation_words() -> None:
    from bpql.query.complete import complete
    from bpql.query.parser import parse

    after = complete(SHORTCUT + " ")
    assert "via" in [c.text for c in after.candidates]
    for text in (SHORTCUT + " via ", SHORTCUT + " via uses, "):
        found = complete(text)
        words = [c.text for c in found.candidates]
        assert words == [
            "at",
            "depends on",
            "in",
            "owned by",
            "performed by",
            "supports",
            "uses",
        ]
        for word in words:  # every suggestion parses
            parse(text[: found.start] + word)


def test_terminal_and_csv_list_path_by_path(embedded: Client) -> None:
    from rich.console import Console

    from bpql.present.terminal import as_text, show

    result = embedded.query(SHORTCUT + " via uses, depends on")
    console = Console(record=True, width=140)
    show(result, console)
    text = console.export_text()
    for word in ("path", "hop", "relation", "payments-gateway", "<- depends on", "graph: 4 nodes"):
        assert word in text, word
    csv = as_text(result, "csv")
    assert csv is not None
    assert csv.splitlines()[0] == '"path","hop","relation","kind","id","name"'
    assert csv.splitlines()[2].startswith('1,1,"uses","System","payments-gateway"')
