"""Bounded query input (issue 19, item 10): the text's length, the number of statements, the
values of a list, the nesting of conditions and the length of a quoted value each have a
bound no real query comes near. Just under a bound the query compiles; past it the parser
refuses it with one line at the place that passes it and the bound's code, before reading
the rest (bench/bounds.py times the refusals; no test here times anything).

Compile-only against the insurer's files, except the last test, which runs the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from bpql.errors import SHOWN_CHARS, QueryError
from bpql.query.compiler import GraphCatalog, compile_text
from bpql.query.parser import (
    MAX_LIST,
    MAX_NESTING,
    MAX_QUERY_CHARS,
    MAX_STACK,
    MAX_STATEMENTS,
    MAX_STRING,
    parse,
    parse_tree,
)
from bpql.testing.fuzz import check_caret, corpus, grammar_queries
from tests.conftest import DIALECTS, ROOT
from tests.test_load import bpql

QUERIES = corpus(ROOT)


def compiles(text: str, catalog: GraphCatalog) -> int:
    """How many statements `text` compiles to, the same for both dialects."""
    counts = {len(compile_text(text, catalog, dialect)) for dialect in DIALECTS}
    assert len(counts) == 1
    return counts.pop()


def refused(text: str, catalog: GraphCatalog, code: str) -> QueryError:
    """The error compiling `text` raises, with its code and a caret where it says (the
    fuzzer's own check); the message is short however long the text."""
    with pytest.raises(QueryError) as info:
        compile_text(text, catalog, "neo4j")
    err = info.value
    assert err.code == code, err.message
    assert check_caret(text, err)
    head, shown, caret = err.for_terminal().split("\n")[:3]
    assert len(head) < 200 and len(shown) <= SHOWN_CHARS + 20 and len(caret) <= SHOWN_CHARS + 20
    return err


def where(err: QueryError) -> tuple[int, int]:
    assert err.span is not None
    return err.span.line, err.span.column


# --- the query's length ----------------------------------------------------------------------


def test_a_query_of_the_longest_length_compiles(catalog: GraphCatalog) -> None:
    head = "find steps where lane = customer # "
    text = head + "x" * (MAX_QUERY_CHARS - len(head))
    assert len(text) == MAX_QUERY_CHARS
    assert compiles(text, catalog) == 1


@pytest.mark.parametrize("lines", [False, True], ids=["one-line", "many-lines"])
def test_a_query_one_character_longer_is_refused_at_that_character(
    catalog: GraphCatalog, lines: bool
) -> None:
    unit = "find steps where lane = customer\n" if lines else "find steps where lane = customer "
    text = (unit * (MAX_QUERY_CHARS // len(unit) + 1))[: MAX_QUERY_CHARS + 1]
    err = refused(text, catalog, "BPQL-Q071")
    before = text[:MAX_QUERY_CHARS]
    assert where(err) == (before.count("\n") + 1, len(before) - before.rfind("\n"))
    assert f"{MAX_QUERY_CHARS + 1:,} characters long" in err.message


def test_a_megabyte_of_statements_is_refused_as_too_long(catalog: GraphCatalog) -> None:
    """The probe's text: 1 MB of `explain find services;` took 125 s to refuse."""
    text = "explain find services;" * (2**20 // 22)
    err = refused(text, catalog, "BPQL-Q071")
    assert where(err) == (1, MAX_QUERY_CHARS + 1)


# --- statements ------------------------------------------------------------------------------


def test_the_most_statements_compile(catalog: GraphCatalog) -> None:
    text = "; ".join(["find steps", "explain count steps by lane", 'show system "crm"'] * 40)
    text = "; ".join(text.split("; ")[:MAX_STATEMENTS])
    assert compiles(text, catalog) == MAX_STATEMENTS


@pytest.mark.parametrize("glue", [";", "\n", " "])
def test_one_statement_more_is_refused_at_its_first_word(catalog: GraphCatalog, glue: str) -> None:
    statement = "explain find services"
    text = glue.join([statement] * (MAX_STATEMENTS + 1))
    err = refused(text, catalog, "BPQL-Q072")
    before = glue.join([statement] * MAX_STATEMENTS) + glue
    line = before.count("\n") + 1
    # the 101st statement, at `find` after its `explain`
    assert where(err) == (line, len(before) - before.rfind("\n") + len("explain "))


def test_fields_named_like_statements_are_not_counted_as_statements() -> None:
    """`count` and `path` are fields too (`return count`, `order by path`): only a word
    where a statement may start counts."""
    text = "find steps where count = 1 return path, count order by path"
    assert parse_tree("; ".join([text] * MAX_STATEMENTS))[1] == MAX_STATEMENTS


@settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=grammar_queries(QUERIES))
def test_statements_are_counted_as_the_parser_reads_them(text: str) -> None:
    """The count kept while parsing (to refuse early) is the number of statements parsed,
    for texts of the whole grammar, alone and repeated with and without separators."""
    for joined in (text, f"{text};{text}", f"{text}\n{text} {text}"):
        try:
            _tree, counted = parse_tree(joined)
            statements = parse(joined)
        except Exception:
            continue  # a text the grammar refuses (two statements run together, say)
        assert counted == len(statements), joined


def test_every_corpus_query_counts_its_statements() -> None:
    for query in QUERIES:
        try:
            parsed = parse(query)
        except QueryError:
            continue
        assert parse_tree(query)[1] == len(parsed), query


# --- lists -----------------------------------------------------------------------------------


def _list(n: int) -> str:
    return "[" + ", ".join(f'"step-{i}"' for i in range(n)) + "]"


@pytest.mark.parametrize("op", ["in", "not in"])
def test_a_list_of_the_most_values_compiles(catalog: GraphCatalog, op: str) -> None:
    assert compiles(f"find steps where id {op} {_list(MAX_LIST)}", catalog) == 1


@pytest.mark.parametrize("op", ["in", "not in"])
def test_one_value_more_is_refused_at_that_value(catalog: GraphCatalog, op: str) -> None:
    text = f"find steps where id {op} {_list(MAX_LIST + 1)}"
    err = refused(text, catalog, "BPQL-Q073")
    assert where(err) == (1, text.index(f'"step-{MAX_LIST}"') + 1)


def test_the_probes_list_of_262000_values_is_refused(catalog: GraphCatalog) -> None:
    """The probe's list (136 s to refuse), within the text's bound: short values."""
    text = "find steps where lane in [" + ",".join(["1"] * 262_000) + "]"
    text = text[:MAX_QUERY_CHARS]
    err = refused(text, catalog, "BPQL-Q073")
    assert where(err) == (1, len("find steps where lane in [") + 2 * MAX_LIST + 1)


def test_each_list_has_its_own_bound(catalog: GraphCatalog) -> None:
    half = _list(MAX_LIST)
    assert compiles(f"find steps where id in {half} or id not in {half}", catalog) == 1


# --- nesting ---------------------------------------------------------------------------------

NESTS = {
    "parentheses": lambda k: "(" * k + "lane = customer" + ")" * k,
    "nots": lambda k: "not " * k + "lane = customer",
    "ors": lambda k: " or ".join(["lane = customer"] * k),
    "ands in parentheses": lambda k: "lane = customer and (" * k + "lane = customer" + ")" * k,
}


def _deepest_accepted(nest: object) -> int:
    assert callable(nest)
    k = 1
    while True:
        try:
            parse(f"find steps where {nest(k + 1)}")
        except QueryError as exc:
            assert exc.code == "BPQL-Q070"
            return k
        k += 1


@pytest.mark.parametrize("name", list(NESTS))
def test_nesting_just_under_the_bound_compiles_and_one_more_is_refused(
    catalog: GraphCatalog, name: str
) -> None:
    """Parentheses, `not`s and `and`/`or` chains count alike: each is a level of the tree
    the later stages walk, and MAX_NESTING levels below the root are allowed."""
    nest = NESTS[name]
    k = _deepest_accepted(nest)
    # each kind takes its levels: about one per parenthesis, `not` or `or`, two per
    # `and (`; the statement itself takes a few
    assert MAX_NESTING // 2 - 8 <= k <= MAX_NESTING
    assert compiles(f"find steps where {nest(k)}", catalog) == 1
    err = refused(f"find steps where {nest(k + 1)}", catalog, "BPQL-Q070")
    assert err.span is not None and err.span.line == 1


@pytest.mark.parametrize("flood", ["(", "not "])
def test_a_flood_of_nesting_is_refused_before_the_parser_reads_it(
    catalog: GraphCatalog, flood: str
) -> None:
    """100,000 characters of `(` were read whole before the tree was checked; the parser's
    stack now stops them at MAX_STACK entries, near the start."""
    text = "find steps where " + flood * ((MAX_QUERY_CHARS - 17) // len(flood))
    err = refused(text, catalog, "BPQL-Q070")
    assert where(err)[1] <= len("find steps where ") + MAX_STACK * len(flood)


# --- quoted values ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["x", "é", "\\n"])
def test_a_quoted_value_of_the_longest_length_compiles(catalog: GraphCatalog, value: str) -> None:
    body = value * (MAX_STRING // len(value))
    assert len(body) == MAX_STRING
    assert compiles(f'find steps where name contains "{body}"', catalog) == 1


@pytest.mark.parametrize("context", ['find steps where name = "{}"', 'impact of system "{}"'])
def test_one_character_more_is_refused_at_the_value(catalog: GraphCatalog, context: str) -> None:
    text = context.format("x" * (MAX_STRING + 1))
    err = refused(text, catalog, "BPQL-Q074")
    assert where(err) == (1, text.index('"') + 1)
    assert f"this one holds {MAX_STRING + 1:,}" in err.message


# --- end to end ------------------------------------------------------------------------------


def test_the_cli_refuses_a_megabyte_in_one_short_message(tmp_path: Path) -> None:
    db = f"embedded:{tmp_path / 'g.lbdb'}"
    assert bpql("load", "examples/insurer", "--db", db).returncode == 0
    text = "explain find services;" * (2**20 // 22)
    proc = bpql("query", text, "--db", db)
    assert proc.returncode == 2 and proc.stdout == ""
    head, shown, caret = proc.stderr.rstrip("\n").split("\n")
    assert head == (
        f"error at line 1, column {MAX_QUERY_CHARS + 1}: the query is {len(text):,} "
        f"characters long; a query holds at most {MAX_QUERY_CHARS:,}: split it into several"
    )
    assert shown.startswith("1 | ...") and shown.endswith("...") and caret.endswith("^")
    assert len(shown) < 120
