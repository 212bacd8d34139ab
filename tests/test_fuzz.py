"""The query fuzzer, seeded and bounded (scripts/fuzz.py is the long run): texts from the
grammar (hypothesis over the parser's own Lark grammar) and mutations of the query corpora
must compile or raise a `BpqlError` whose caret sits where Lark meant; a sample of those that
compile also runs on an embedded store and answers or raises a `BpqlError`. On Neo4j (marked
`neo4j`), 3,000 compiled queries run through the same generator and oracle.

Below them, one plain test per defect the fuzzer found, with the smallest query that shows it.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpql.api import Client
from bpql.errors import QueryError
from bpql.query.compiler import GraphCatalog, compile_text
from bpql.query.parser import MAX_NESTING
from bpql.testing.fuzz import (
    Counts,
    FuzzFailure,
    check_caret,
    check_query,
    corpus,
    fuzz,
    grammar_queries,
    lark_position,
    mutate,
)
from tests.conftest import DIALECTS, ROOT
from tests.test_load import bpql

QUERIES = corpus(ROOT)
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def store(embedded_insurer: Client) -> Client:
    """The insurer example in an embedded LadybugDB store, in-process (conftest's)."""
    return embedded_insurer


def _check(text: str, catalog: GraphCatalog, counts: Counts, store: Client | None) -> None:
    def compile_one(query: str, dialect: str) -> Any:
        return compile_text(query, catalog, dialect)

    # every third query that compiles runs for real: the store is the slow part
    run = store.query_all if store is not None and counts.compiled % 3 == 0 else None
    check_query(text, compile_one, DIALECTS, counts, run)


GENERATED = Counts()
MUTATED = Counts()


@FUZZ
@given(text=grammar_queries(QUERIES))
def test_texts_of_the_grammar(text: str, catalog: GraphCatalog, store: Client) -> None:
    GENERATED.generated += 1
    _check(text, catalog, GENERATED, store)


@FUZZ
@given(query=st.sampled_from(QUERIES), rnd=st.randoms(use_true_random=False))
def test_mutations_of_the_corpus(
    query: str, rnd: random.Random, catalog: GraphCatalog, store: Client
) -> None:
    MUTATED.mutated += 1
    _check(mutate(query, rnd), catalog, MUTATED, store)


def test_the_fuzz_runs_reach_every_stage() -> None:
    """The seeded runs above compiled, refused with carets and ran queries: a fuzzer whose
    cases all die in the lexer would pass and prove nothing."""
    if not GENERATED.generated or not MUTATED.mutated:
        pytest.skip("the fuzz tests did not run in this session")
    both = GENERATED.carets + MUTATED.carets
    assert MUTATED.compiled > 0 and MUTATED.ran > 0, MUTATED.report()
    assert both > 100 and len(GENERATED.errors) > 3 and len(MUTATED.errors) > 5


#: compiled queries run on Neo4j per suite: the probe of issue 19 saw 116 driver tracebacks
#: in 3,000 such runs
NEO4J_RUNS = 3_000


def test_compiled_queries_run_on_neo4j(insurer: dict[str, Client], catalog: GraphCatalog) -> None:
    """The fuzzer's cases (`bpql.testing.fuzz.fuzz`, the long run's too), checked by the
    same oracle, each query that compiles run on Neo4j until NEO4J_RUNS have run: an answer
    or a `BpqlError`, never a driver's `CypherSyntaxError` or `DatabaseError`. Mutations of
    the good corpus only: the grammar's own texts and mutations of bad queries almost never
    compile, so the embedded run above has them. Seeded: a failure names its query and
    reproduces."""

    def compile_one(query: str, dialect: str) -> Any:
        return compile_text(query, catalog, dialect)

    counts = fuzz(
        NEO4J_RUNS * 20,
        19,
        corpus(ROOT, bad=False),
        compile_one,
        DIALECTS,
        run=insurer["neo4j"].query_all,
        generated=0.0,
        runs=NEO4J_RUNS,
    )
    failures = "\n".join(f"{reason}\n  query: {text!r}" for text, reason in counts.failures)
    assert not counts.failures, f"{len(counts.failures)} failures:\n{failures}"
    assert counts.ran == NEO4J_RUNS, counts.report()
    assert len(counts.errors) > 10, counts.report()  # the cases reached many refusals too


# --- the oracles themselves fail when they should -------------------------------------------


def test_the_caret_oracle_rejects_a_caret_on_another_line(catalog: GraphCatalog) -> None:
    text = 'find steps where name = "a" @'
    with pytest.raises(QueryError) as info:
        compile_text(text, catalog, "ladybug")
    assert check_caret(text, info.value)
    moved = QueryError(info.value.message, type(info.value.span)(2, 1), text)  # type: ignore[misc]
    with pytest.raises(FuzzFailure):
        check_caret(text, moved)


def test_the_oracle_rejects_a_foreign_exception() -> None:
    def crash(text: str, dialect: str) -> None:
        raise RuntimeError("driver")

    with pytest.raises(FuzzFailure, match="RuntimeError"):
        check_query("find steps", crash, DIALECTS, Counts())


# --- regressions: one per defect the fuzzer found -------------------------------------------


def _error(text: str, catalog: GraphCatalog) -> QueryError:
    with pytest.raises(QueryError) as info:
        compile_text(text, catalog, "ladybug")
    assert check_caret(text, info.value)
    return info.value


@pytest.mark.parametrize("nest", ["not {}", "({})"])
def test_deep_nesting_is_a_query_error_not_a_recursion_error(
    catalog: GraphCatalog, nest: str
) -> None:
    cond = "lane = customer"
    for _ in range(400):
        cond = nest.format(cond)
    err = _error(f"find steps where {cond}", catalog)
    assert err.code == "BPQL-Q070" and err.span is not None and err.span.line == 1
    ok = "lane = customer"
    for _ in range(MAX_NESTING - 10):
        ok = nest.format(ok)
    compile_text(f"find steps where {ok}", catalog, "ladybug")


def test_a_long_or_chain_is_refused_with_a_position(catalog: GraphCatalog) -> None:
    err = _error("find steps where " + " or ".join(["lane = customer"] * 300), catalog)
    assert err.code == "BPQL-Q070"


def test_a_number_of_5000_digits_is_out_of_range(catalog: GraphCatalog) -> None:
    err = _error("find failpoints where rpn > " + "9" * 5000, catalog)
    assert err.code == "BPQL-Q104" and "(5000 digits)" in err.message
    assert _error("find roles limit 0" + "0" * 30 + "9" * 21, catalog).code == "BPQL-Q104"


def test_a_value_holding_a_line_break_keeps_the_message_on_one_line(
    catalog: GraphCatalog,
) -> None:
    err = _error('impact of department "a\\nb\\u2028c"', catalog)
    lines = err.for_terminal().split("\n")
    assert len(lines) == 3 + len(err.hints), lines
    assert '"a\\nb\\u2028c"' in lines[0]
    assert "\n" not in err.one_line() and "\u2028" not in err.one_line()


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85", "\r", "\v", "\f", "\x1c"])
def test_a_unicode_line_separator_is_one_shown_column(catalog: GraphCatalog, sep: str) -> None:
    """Lark counts lines by LF only; the shown line must not break (or jump back) where the
    parser saw none."""
    text = f"find steps{sep}@"
    err = _error(text, catalog)
    assert err.span is not None and (err.span.line, err.span.column) == lark_position(text)
    assert err.span.column in (11, 12)  # at the separator if Lark refuses it, else at '@'
    shown, caret = err.for_terminal().split("\n")[1:3]
    assert shown == "1 | find steps\ufffd@"
    assert caret == " " * (4 + err.span.column - 1) + "^"


def test_the_end_of_a_query_is_where_lark_ends_it(catalog: GraphCatalog) -> None:
    """`str.splitlines` saw a second line in the comment (U+2028); Lark sees one."""
    text = "find steps where # why\u2028not\n\n"
    err = _error(text, catalog)
    assert (err.span.line, err.span.column) == (1, 17) == lark_position(text)  # type: ignore[union-attr]
    assert _error("# only a comment\n", catalog).span.column == 1  # type: ignore[union-attr]


def test_a_lone_surrogate_in_the_query_text_prints(catalog: GraphCatalog) -> None:
    """A non-UTF-8 byte in a shell argument reaches us as a lone surrogate (U+DC80)."""
    err = _error('find steps where name = "\udc80"', catalog)
    assert err.code == "BPQL-Q030"
    err.for_terminal().encode("utf-8")  # printable, no UnicodeEncodeError


def test_the_caret_follows_tabs_and_wide_characters(catalog: GraphCatalog) -> None:
    err = _error('find steps where name = "漢字"\t@', catalog)
    shown, caret = err.for_terminal().split("\n")[1:3]
    assert shown == '1 | find steps where name = "漢字"\t@'
    assert caret == "    " + " " * 25 + "    " + " " + "\t" + "^"


@pytest.mark.parametrize(
    ("query", "code", "column"),
    [
        ("find personas return id, id", "BPQL-Q045", 26),
        ("find blueprints return id, personas, PERSONAS", "BPQL-Q045", 38),
        ('path from system "crm" to system "crm"', "BPQL-Q046", 34),
        ('path from system "crm" to system "Customer CRM" within 4', "BPQL-Q046", 34),
    ],
)
def test_what_neo4j_refused_the_resolver_refuses_first(
    catalog: GraphCatalog, query: str, code: str, column: int
) -> None:
    """A field returned twice (CypherSyntaxError on Neo4j: two columns of one name) and a
    path from a thing to itself (DatabaseError: Neo4j's shortest path needs two nodes), by
    id or by name, refused where the second one is written."""
    err = _error(query, catalog)
    assert err.code == code and err.span is not None and err.span.column == column


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("find personas return id, id", "BPQL-Q045"),
        ('path from system "crm" to system "crm"', "BPQL-Q046"),
    ],
)
def test_both_stores_refuse_the_same_way(insurer: dict[str, Client], query: str, code: str) -> None:
    messages = set()
    for client in insurer.values():
        with pytest.raises(QueryError) as info:
            client.query_all(query)
        assert info.value.code == code
        messages.add(info.value.pretty())
    assert len(messages) == 1


def test_the_cli_prints_a_value_with_a_line_break_on_one_line(tmp_path: Path) -> None:
    db = f"embedded:{tmp_path / 'g.lbdb'}"
    assert bpql("load", "examples/insurer", "--db", db).returncode == 0
    proc = bpql("query", 'impact of department "a\\nb" # \u2028', "--db", db)
    assert proc.returncode == 2, proc.stderr
    head, shown, caret = proc.stderr.split("\n")[:3]
    assert head.startswith('error at line 1, column 22: no department "a\\nb"')
    assert shown == '1 | impact of department "a\\nb" # \ufffd'
    assert caret == "    " + " " * 21 + "^" * 6
