"""Completion follows the grammar and the schema (issue 21 item 7).

At every keyword position of the grammar, every suggestion, appended, gives a statement that
resolves against the insurer example (no database: `bpql.query.compiler`'s file catalog), or, for a
keyword, a text the grammar still accepts as the start of a statement; and what fits there is
all offered: the kinds after `find`, the fields of the entity, the lanes after `lane =`, the
kinds each reference accepts (found by asking the resolver about every kind, not from the
completion's own tables).
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from bpql.errors import BpqlError
from bpql.query.compiler import GraphCatalog, resolve_text
from bpql.query.complete import INTERNAL_FIELDS, Candidate, _accepted, complete
from bpql.query.language import DERIVED
from bpql.schema import CHANNELS, LANE_BY_KEY, NODE_KINDS, NODES
from tests.conftest import EXAMPLES, ROOT

DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
assert "## find" in DOCS


@cache
def catalog() -> GraphCatalog:
    from bpql.model.validate import validate_paths

    return GraphCatalog(validate_paths([EXAMPLES / "insurer"]).graph)


def resolves(text: str) -> bool:
    try:
        resolve_text(text, catalog())
    except BpqlError:
        return False
    return True


def answers(text: str) -> bool:
    """Whether the resolver answers `text`; any failure is a no (`find observations` ends in
    a KeyError on main: not a kind completion should lead to)."""
    try:
        return resolves(text)
    except Exception:
        return False


def a_ref(kind: str) -> str:
    """`<kind> "<an as-is id of that kind>"` (a channel is a word of the schema)."""
    if kind == "channel":
        return 'channel "letter"'
    label = next(k.label for k in NODE_KINDS if k.singular == kind)
    ids = [i for i, _ in catalog().entries(label) if ":to-be" not in i]
    return f'{kind} "{ids[0]}"' if ids else f'{kind} "none"'


def offered(text: str) -> list[Candidate]:
    return list(complete(text).candidates)


def words(text: str, meta: str) -> set[str]:
    return {c.text for c in offered(text) if c.meta == meta}


def check_keywords(text: str) -> None:
    """Every keyword offered keeps the text a statement's valid start (or a whole one)."""
    for c in offered(text):
        if c.meta == "keyword":
            assert _accepted(f"{text}{c.text} ") is not None or resolves(text + c.text), (text, c)


KINDS = [k.singular for k in NODE_KINDS]
ENTITIES = [k.plural for k in NODE_KINDS]


def fields(label: str) -> list[str]:
    return [*NODES[label].prop_names, *DERIVED.get(label, {})]


def test_the_first_word_is_a_statement() -> None:
    got = [c.text for c in offered("")]
    assert got == sorted(got) and all(c.meta == "keyword" for c in offered(""))
    assert {"count", "explain", "find", "impact", "path", "risk", "show"} <= set(got)
    check_keywords("")
    check_keywords("explain ")


@pytest.mark.parametrize("head", ["find ", "count ", "find steps; find "])
def test_after_find_the_kinds_come_and_only_they(head: str) -> None:
    got = [c.text for c in offered(head)]
    tail = " by id" if head == "count " else ""
    # every kind the language answers, in the schema's order, nothing else
    assert got == [kind for kind in ENTITIES if answers(head + kind + tail)]
    assert {"services", "steps", "systems", "failpoints"} <= set(got)
    for kind in got:
        assert resolves(head + kind + tail), kind


#: the kinds `find` answers (the parametrised tests below read their fields)
LISTED = [e for e in ENTITIES if answers(f"find {e}")]


@pytest.mark.parametrize("entity", LISTED)
def test_a_condition_offers_every_field_and_each_resolves(entity: str) -> None:
    label = next(k.label for k in NODE_KINDS if k.plural == entity)
    head = f"find {entity} where "
    got = words(head, "field")
    # every field the resolver takes, but those the docs do not list
    assert got == set(fields(label)) - INTERNAL_FIELDS
    assert not got & {"ap_order", "ap_after_order"}
    for f in got:
        assert resolves(f"{head}{f} is not null"), f
        assert re.search(rf"\b{re.escape(f)}\b", DOCS), f"{f} is offered but no doc names it"
    check_keywords(head)
    # the relation keywords offered are those the entity answers, and each leads somewhere
    for c in offered(head):
        if c.meta == "keyword" and c.text in ("uses", "at", "supports", "in"):
            kinds = words(f"{head}{c.text} ", "kind")
            assert kinds, (entity, c.text)
            assert all(resolves(f"{head}{c.text} {a_ref(k)}") for k in kinds), (entity, c.text)
    if entity != "systems":
        assert "owned" not in {c.text for c in offered(head)}


@pytest.mark.parametrize("entity", LISTED)
@pytest.mark.parametrize("clause", ["return ", "return id, ", "order by ", "count-by"])
def test_return_order_and_count_offer_the_fields_that_fit(entity: str, clause: str) -> None:
    label = next(k.label for k in NODE_KINDS if k.plural == entity)
    head = f"count {entity} by " if clause == "count-by" else f"find {entity} {clause}"
    got = words(head, "field")
    fit = {f for f in set(fields(label)) - INTERNAL_FIELDS if resolves(head + f)}
    if clause == "return id, ":
        fit.discard("id")  # each field once
        got.discard("id")
    assert got == fit, (head, got ^ fit)


@pytest.mark.parametrize(
    ("head", "values"),
    [
        ("find steps where lane = ", list(LANE_BY_KEY)),
        ("find steps where lane != ", list(LANE_BY_KEY)),
        ("find steps where lane in [", list(LANE_BY_KEY)),
        ("find steps where lane in [customer, ", list(LANE_BY_KEY)),
        ("find touchpoints where channel = ", list(CHANNELS)),
        ("find failpoints where ap = ", ["high", "medium", "low"]),
        ("find failpoints where status = ", ["open", '"in progress"', "done", "verified"]),
        ("find blueprints where status = ", ["draft", '"in review"', "live", "retired"]),
        ("find steps where moment_of_truth = ", ["true", "false"]),
    ],
)
def test_a_value_place_offers_the_words_its_field_takes(head: str, values: list[str]) -> None:
    got = [c.text for c in offered(head)]
    assert sorted(got) == sorted(values)  # the four lanes, not `false, true, action, ...`
    close = "]" if "[" in head else ""
    for v in got:
        assert resolves(head + v + close), v


def test_a_free_text_or_number_field_offers_no_words() -> None:
    assert offered("find steps where name = ") == []
    assert offered("find failpoints where rpn > ") == []


REF_PLACES = [
    ("impact of ", ""),
    ("risk of ", ""),
    ("impact of retiring ", ""),
    ("impact of moving ", ' to department "claims"'),
    ('impact of moving role "claims-handler" to ', ""),
    ("impact of closing ", ""),
    ("show ", ""),
    # `via in` reaches a service, a blueprint and a phase too (without it: BPQL-Q049)
    ("path from ", ' to system "crm" via in, uses, at'),
    ('path from step "claims.submit-claim" to ', " via in, uses, at, performed by, owned by"),
    ("find steps where uses ", ""),
    ("find steps where depends on ", ""),
    ("find steps where performed by ", ""),
    ("find steps where in ", ""),
    ("find steps where at ", ""),
    ("find steps where supports ", ""),
    ("find systems where owned by ", ""),
    ("find systems where depends on ", ""),
    ("find roles where in ", ""),
    ("find services where uses ", ""),
]


@pytest.mark.parametrize(("head", "tail"), REF_PLACES)
def test_a_reference_offers_exactly_the_kinds_the_resolver_takes(head: str, tail: str) -> None:
    # kinds the example holds none of cannot be asked about: left out of both sides
    held = {k for k in [*KINDS, "channel"] if not a_ref(k).endswith('"none"')}
    got = words(head, "kind") & held
    takes = {k for k in held if resolves(f"{head}{a_ref(k)}{tail}")}
    assert got == takes, (head, got ^ takes)
    check_keywords(head)


def test_impact_of_offers_its_kinds_then_the_what_if_words() -> None:
    got = [c.text for c in offered("impact of ")]
    assert got == ["department", "role", "system", "touchpoint", "closing", "moving", "retiring"]


def test_a_scenario_clause_offers_its_words() -> None:
    got = [c.text for c in offered("find steps scenario ")]
    assert sorted(got) == sorted(['"as-is"', '"to-be"', "any"])
    assert all(resolves("find steps scenario " + w) for w in got)
