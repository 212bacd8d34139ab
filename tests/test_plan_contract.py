"""The contract between each statement's plan and its shaper, with no database.

For every statement module and dialect, over the corpus and the what-if examples resolved
against the insurer's files (every kind of statement and of reference, each what-if change):
the plan is built, each statement's RETURN is read back from its Cypher and must be the columns
it declares, and the shaper runs on an answer with no rows, with and without the drawing. A
shaper that reads a step the plan does not declare, or a column a step does not declare, fails
here: `Answer` and `Rows` refuse them even when there are no rows.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pytest

from bpql.backends.collect import collected
from bpql.query import ir
from bpql.query.compiler import GraphCatalog, compile_ir, resolve_text
from bpql.query.engine import Engine
from bpql.query.plan import Answer, Compute, Plan, PlanError, Statement
from bpql.query.render import DIALECTS
from bpql.query.statements import STATEMENTS, spec_of
from bpql.result import Result
from tests.conftest import ROOT

T = TypeVar("T")

CORPUS = ROOT / "tests" / "queries" / "corpus.bpql"
#: what the corpus lacks: every what-if change, and branches of other statements
MORE = [
    'impact of retiring system "fraud-screening"',
    'impact of retiring system "policy-admin" scenario "to-be"',
    'impact of moving role "fraud-investigator" to department "claims"',
    'impact of closing channel "letter"',
    'impact of closing touchpoint "web-chat" scenario "to-be"',
    'risk of step "claims.screen-fraud" scenario any',
    'show system "crm" depth 1',
    'show service "claims" depth 3 scenario "to-be"',
    'impact of role "billing-clerk" scenario any',
    "count steps by service scenario any",
    'conformance of service "claims"',
    'dropoff of service "claims" scenario "as-is"',
]


def samples() -> list[str]:
    lines = [x.strip() for x in CORPUS.read_text().splitlines()]
    return [x for x in lines if x and not x.startswith("#")] + MORE


class EmptyStore:
    """A store with nothing in it that reads each statement's columns from its own RETURN,
    as Neo4j's collected reads do (bpql/backends/collect.py)."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.read_cypher: list[str] = []

    def read(self, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        found = collected(cypher)
        assert found is not None, f"no RETURN to read the columns of:\n{cypher}"
        self.read_cypher.append(cypher)
        return found[1], []

    def consistent(self, work: Callable[[], T]) -> T:
        """One graph: nothing can load into a store with nothing in it."""
        return work()


def run_empty(query: ir.QueryIR, plan: Plan, draw: bool) -> Result:
    """The plan run on a store with no rows, and its shaper on the answer."""
    store = EmptyStore(plan.dialect)
    answer = Engine(store).run_plan(plan, draw=draw)  # type: ignore[arg-type]
    assert answer.drawn is draw
    return spec_of(query).shape(query, answer)


@pytest.fixture(scope="module")
def queries(catalog: GraphCatalog) -> list[ir.QueryIR]:
    out: list[ir.QueryIR] = []
    for text in samples():
        for q in resolve_text(text, catalog):
            out.append(q.query if isinstance(q, ir.ExplainIR) else q)
    return out


def test_the_samples_cover_every_statement(queries: list[ir.QueryIR]) -> None:
    assert {type(q) for q in queries} == set(STATEMENTS)
    assert set(STATEMENTS) == set(typing.get_args(ir.QueryIR))


@pytest.mark.parametrize("draw", [True, False], ids=["drawn", "tables"])
@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_shaper_reads_only_what_its_plan_declares(
    queries: list[ir.QueryIR], dialect: str, draw: bool
) -> None:
    for query in queries:
        plan = compile_ir(query, dialect)
        result = run_empty(query, plan, draw)
        assert isinstance(result, Result), query


def _replaced(plan: Plan, name: str, statement: Statement | None) -> Plan:
    steps: Sequence[Any] = [
        (statement if s.name == name else s)
        for s in plan.statements
        if not (s.name == name and statement is None)
    ]
    return Plan(plan.dialect, plan.kind, list(steps))


def test_a_broken_contract_fails(catalog: GraphCatalog) -> None:
    """The checks above catch a shaper reading a column or a step its plan no longer has,
    and a statement whose RETURN is not what it declares."""
    (query,) = resolve_text('impact of department "billing"', catalog)
    assert isinstance(query, ir.ImpactIR)
    plan = compile_ir(query, "ladybug")
    run_empty(query, plan, draw=True)  # as planned: fine
    facts = next(s for s in plan.statements if s.name == "facts")
    assert isinstance(facts, Statement)
    # a column dropped from the plan that the shaper still reads
    fewer = dataclasses.replace(
        facts,
        cypher=facts.cypher.replace("s.lane AS lane, ", ""),
        columns=tuple(c for c in facts.columns if c != "lane"),
    )
    with pytest.raises(PlanError, match="no column 'lane'"):
        run_empty(query, _replaced(plan, "facts", fewer), draw=True)
    # a statement that returns other columns than it declares
    lying = dataclasses.replace(facts, cypher=facts.cypher.replace("AS lane", "AS lanes"))
    with pytest.raises(PlanError, match="declares columns"):
        run_empty(query, _replaced(plan, "facts", lying), draw=True)
    # a step the shaper reads that the plan no longer declares
    with pytest.raises(PlanError, match="no step 'services'"):
        run_empty(query, _replaced(plan, "services", None), draw=False)


def test_a_plan_is_checked_when_it_is_built(catalog: GraphCatalog) -> None:
    (query,) = resolve_text('impact of department "billing"', catalog)
    assert isinstance(query, ir.ImpactIR)
    plan = compile_ir(query, "neo4j")
    steps = list(plan.statements)
    # an input from a later step
    with pytest.raises(PlanError, match="which no earlier step makes"):
        Plan(plan.dialect, plan.kind, [steps[-1], *steps[:-1]])
    # an input naming a column its source does not declare
    facts = next(s for s in steps if s.name == "facts")
    assert isinstance(facts, Statement)
    source = facts.inputs["blueprints"][0]
    wrong = dataclasses.replace(source, column="nope")
    bad = dataclasses.replace(facts, inputs={"blueprints": (wrong,)})
    with pytest.raises(PlanError, match="declares"):
        _replaced(plan, "facts", bad)
    # an answer statement reading what only the drawing fetches
    drawn = next(s for s in steps if s.draws)
    reads_drawing = dataclasses.replace(
        facts, inputs={"blueprints": (dataclasses.replace(source, statement=drawn.name),)}
    )
    with pytest.raises(PlanError):
        Plan(plan.dialect, plan.kind, [*steps, dataclasses.replace(reads_drawing, name="x")])


def test_an_answer_refuses_an_undeclared_name(catalog: GraphCatalog) -> None:
    (query,) = resolve_text('find services where uses system "crm"', catalog)
    assert isinstance(query, ir.FindIR)
    plan = compile_ir(query, "neo4j")
    answer = Answer(plan, drawn=False)
    assert answer["rows"].columns[:2] == ("id", "name") and not answer["rows"]
    with pytest.raises(PlanError, match="no step 'row'"):
        answer["row"]
    with pytest.raises(PlanError, match="no column 'ids'"):
        answer["rows"].column("ids")
    assert answer["rows"].records() == []


class _Recording(Answer):
    """An answer that notes the steps read from it."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(plan, drawn=True)
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> Any:
        self.read.add(name)
        return super().__getitem__(name)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_computed_step_reads_only_the_steps_it_names(
    queries: list[ir.QueryIR], dialect: str
) -> None:
    """A computed step's `reads` are all it reads, so that whoever runs a plan (and
    `bpql explain`) knows what each step waits for: what-if's `reached` once read the
    blueprint parts it assembles without naming them."""
    checked = 0
    for query in queries:
        plan = compile_ir(query, dialect)
        answer = _Recording(plan)
        for step in plan.statements:
            if not isinstance(step, Compute):
                answer.put(step.name, [])
                continue
            answer.read = set()
            answer.put(step.name, step.run(EmptyStore(dialect).read, answer))
            named = {s.statement for s in step.reads}
            assert answer.read <= named, (query, step.name, sorted(answer.read - named))
            checked += 1
    assert checked > 10
