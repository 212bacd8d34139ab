"""Plans and dispatch tables, on the compiler alone (no database): named statements, inputs,
refusals for what a dialect or the IR cannot hold, and tables that cover every kind."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from bpql.errors import QueryError
from bpql.model.validate import validate_paths
from bpql.present.terminal import PRESENTERS
from bpql.query import ast, ir
from bpql.query.compiler import GraphCatalog, compile_text, resolve_text
from bpql.query.language import DERIVED, IMPACT_ROUTES, STEP_ANCHOR, STEP_RELATIONS
from bpql.query.plan import Compute, Plan, Source, Statement, Step
from bpql.query.render import DIALECTS
from bpql.query.render.base import Dialect, PlanFn
from bpql.query.resolve import CONDITIONS, STATEMENTS
from bpql.query.statements import STATEMENTS as SPECS
from bpql.query.statements import plan_of
from bpql.query.statements.find import CONDITIONS as RENDER_CONDITIONS
from bpql.result import Kind, Result
from bpql.schema import within
from bpql.viz.page import VIEWS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def catalog() -> GraphCatalog:
    return GraphCatalog(validate_paths([ROOT / "examples" / "insurer"]).graph)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_impact_plan_is_named_and_wired_by_name(catalog: GraphCatalog, dialect: str) -> None:
    (plan,) = compile_text('impact of department "billing"', catalog, dialect)
    names = [s.name for s in plan.statements]
    assert plan.kind == "impact" and plan.dialect == dialect
    # the answer first, walked from the department outwards: its roles' steps; the systems
    # it owns, and those depending on them (worked out in Python over every DEPENDS_ON, with
    # their hops), the steps using those; then the blueprints of those steps (from their ids),
    # and the supports and facts of those blueprints (the steps' names and the roles
    # performing them among their facts; each role's departments, for the department x
    # service matrix), and each step's nearest route (in Python); the names of the roles and
    # systems reached through (looked up among the routes' vias)
    answer = [
        "source",
        "dependencies",
        "route.performed_by",
        "ends.uses_owned",
        "reach.uses_owned",
        "route.uses_owned",
        "blueprints",
        "supports",
        "facts",
        "memberships",
        "services",
        "reached",
        "names.role",
        "names.system",
    ]
    assert names[: len(answer)] == answer
    st = {s.name: s for s in plan.statements}
    assert all(isinstance(st[n], Compute) for n in ("reach.uses_owned", "blueprints", "reached"))
    assert st["reach.uses_owned"].params == {"within": 5, "low": 0, "ends_from": "ends.uses_owned"}
    assert st["route.uses_owned"].inputs == {"reach": (Source("reach.uses_owned", "id"),)}
    assert st["names.role"].inputs == {"ids": (Source("route.performed_by", "vias", each=True),)}
    assert st["names.system"].inputs == {"ids": (Source("route.uses_owned", "vias", each=True),)}
    assert "role" in st["facts"].columns and "name" in st["memberships"].columns
    assert "DEPENDS_ON" not in st["route.uses_owned"].cypher
    # the routes test the scenario on the steps' ids, not by a walk to their blueprints
    assert not any("Blueprint" in st[n].cypher for n in ("route.performed_by", "route.uses_owned"))
    assert not any("DEPENDS_ON*" in s.cypher for s in plan.statements if not s.draws)
    assert st["blueprints"].reads == (
        Source("route.performed_by", "id"),
        Source("route.uses_owned", "id"),
    )
    reached = (Source("blueprints", "id"),)
    assert st["supports"].inputs == st["facts"].inputs == {"blueprints": reached}
    assert st["graph.steps"].inputs == {"steps": (Source("reached", "step"),)}
    # then the drawing, which the engine fetches only when the answer is drawn
    assert not any(st[n].draws for n in answer)
    assert all(s.draws for s in plan.statements[len(answer) :])
    assert {"graph.route.performed_by", "graph.chain.uses_owned", "graph.steps"} <= set(names)
    wired_by_name(plan)


def wired_by_name(plan: Plan) -> None:
    """Each input and each `without` names a declared column of an earlier step, and names
    are unique (what `Plan` checks when it is built; built again here to be sure)."""
    names = [s.name for s in plan.statements]
    columns: dict[str, tuple[str, ...]] = {}
    for st in plan.statements:
        for param, sources in [*st.inputs.items(), *st.without.items()]:
            assert f"${param}" in st.cypher
            for source in sources:
                assert source.column in columns[source.statement], (st.name, source)
        assert set(st.without) <= set(st.inputs), st.name
        columns[st.name] = st.columns
    assert len(names) == len(set(names))
    Plan(plan.dialect, plan.kind, list(plan.statements))


def test_show_is_a_breadth_first_plan(catalog: GraphCatalog) -> None:
    """Neo4j: one statement per level, each expanding only the previous level's new nodes;
    then the nodes and the relationships of the nodes nearer than the depth. No
    variable-length pattern, so nothing enumerates paths."""
    (plan,) = compile_text('show system "crm" depth 4', catalog, "neo4j")
    names = [s.name for s in plan.statements]
    assert names == [f"level{d}" for d in range(5)] + ["nodes", "edges.out", "edges.in"]
    st = {s.name: s for s in plan.statements}
    assert all(isinstance(s, Statement) for s in plan.statements)
    level = [Source(f"level{d}", "key") for d in range(5)]
    assert st["level3"].inputs == {"frontier": (level[2],)}
    assert st["level3"].without == {"frontier": (level[0], level[1])}
    assert st["nodes"].inputs == {"nodes": tuple(level)}
    assert st["edges.out"].inputs == {"inner": tuple(level[:4])}
    assert st["level3"].columns == ("key", "depth")
    assert not any(re.search(r"-\[[^\]]*\*", s.cypher) for s in plan.statements)
    wired_by_name(plan)


def test_show_on_ladybug_is_its_own_breadth_first_search(catalog: GraphCatalog) -> None:
    """LadybugDB: `* SHORTEST` reaches each node once (its one shortest path), so the
    distances come first, then the nodes, one label at a time (a node of no label comes back
    with the columns of every table), only those of the labels the schema lets a path of up
    to the depth end on, then the relationships of the inner nodes."""
    (plan,) = compile_text('show system "crm" depth 4', catalog, "ladybug")
    names = [s.name for s in plan.statements]
    labels = within("System", 4)
    assert names == ["levels", "centre", *(f"nodes.{x}" for x in labels), "edges.out", "edges.in"]
    st = {s.name: s.cypher for s in plan.statements}
    assert "* SHORTEST 1..4]" in st["levels"] and "* SHORTEST 1..4]-(x:Step)" in st["nodes.Step"]
    assert "(x:" not in st["levels"]
    (near,) = compile_text('show system "crm"', catalog, "ladybug")
    ends = {s.name for s in near.statements if s.name.startswith("nodes.")}
    # a system is next to the steps using it, its fail points, systems and departments only
    assert ends == {"nodes.Step", "nodes.FailPoint", "nodes.System", "nodes.Department"}
    assert "* SHORTEST 1..3]" in st["edges.out"] and "* SHORTEST 1..3]" in st["edges.in"]
    assert not any(re.search(r"\*\d|\* *\d", s.cypher) for s in plan.statements)
    wired_by_name(plan)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_a_chained_relation_finds_its_far_end_once(catalog: GraphCatalog, dialect: str) -> None:
    (plan,) = compile_text('find services where depends on system "mainframe"', catalog, dialect)
    first, rows = plan.statements
    assert (first.name, rows.name) == ("reach1", "rows")
    assert "DEPENDS_ON*0..5" in first.cypher and "DEPENDS_ON" not in rows.cypher
    assert rows.inputs == {"reach1": (Source("reach1", "id"),)}
    wired_by_name(plan)


#: the scope of `find services` on its own: the service has a blueprint of the scenario
SERVICE_SCOPE = re.compile(r"EXISTS \{ MATCH \(n\)-\[:HAS_BLUEPRINT\]->\(\w+:Blueprint\) WHERE")


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize(
    ("text", "scoped"),
    [
        ('find services where uses system "crm"', False),
        ('find services where uses system "crm" and name contains "c"', False),
        (
            'find services where uses system "crm" or performed by role "collections-agent"',
            False,
        ),
        ('find services where depends on system "mainframe"', False),
        ('find services where not uses system "crm"', True),
        ('find services where uses system "crm" or name contains "c"', True),
        ('find services where name contains "c"', True),
        ("find services", True),
    ],
)
def test_a_relation_through_a_blueprint_of_the_scenario_is_the_scope_of_find(
    catalog: GraphCatalog, dialect: str, text: str, scoped: bool
) -> None:
    """A condition that keeps only services it reaches through a blueprint of the scenario
    (a relation through a step: through `and` one, through `or` every part) makes the
    scope's own walk to a blueprint a second one, left out; `not`, or a part that tests the
    service alone, keeps it."""
    (plan,) = compile_text(text, catalog, dialect)
    rows = plan.statements[-1]
    assert bool(SERVICE_SCOPE.search(rows.cypher)) is scoped, rows.cypher
    assert all("scenario" in s.cypher for s in plan.statements if "HAS_BLUEPRINT" in s.cypher), [
        s.cypher for s in plan.statements
    ]


def test_a_split_rule_is_its_pattern_cut_in_two() -> None:
    """`near` + `far` of a chained rule walk exactly its pattern, meeting at `y`, where the
    chain (a hop of the query's bound) starts."""
    rules = [*STEP_RELATIONS, *(r.rule for routes in IMPACT_ROUTES.values() for r in routes)]
    split = [r for r in rules if r.chain_at is not None]
    assert {r.relation for r in split} == {"depends_on", "uses_owned"}
    for r in split:
        near, far = r.near, r.far
        assert near.hops + far.hops == r.pattern.hops
        assert near.nodes[-1] == far.nodes[0] and near.nodes[-1].var == "y"
        assert far.hops[0].high is None  # the chain starts where the pattern is cut
        assert near.cypher() == "(s)-[:USES]->(y:System)"
    assert not any(r.bounded for r in rules if r.chain_at is None)


def test_patterns_are_paths_rendered_to_cypher() -> None:
    """A rule's pattern renders itself, placeholders named and the bound given."""
    rule = next(r for r in STEP_RELATIONS if r.relation == "depends_on")
    assert rule.pattern.cypher(3, s="s:Step {id: s_id}") == (
        "(s:Step {id: s_id})-[:USES]->(:System)-[:DEPENDS_ON*0..3]->(t:System)"
    )
    assert rule.far.fixed_hops == 0 and rule.pattern.fixed_hops == 1
    assert STEP_ANCHOR["Role"].has("bp") and not STEP_ANCHOR["Blueprint"].has("bp")
    assert DERIVED["Step"]["departments"].type() == "STRING"


def test_impact_routes_are_rules_of_the_language() -> None:
    """`impact of` reaches steps by the same rules as `find steps where ...`."""
    for label, routes in IMPACT_ROUTES.items():
        for rule in (route.rule for route in routes):
            assert rule.target == label
            assert rule in STEP_RELATIONS or rule.relation == "uses_owned"


def test_a_dialect_without_a_renderer_is_a_user_error(catalog: GraphCatalog) -> None:
    (query,) = resolve_text('path from step "claims.submit-claim" to system "mainframe"', catalog)
    assert isinstance(query, ir.PathIR)
    with pytest.raises(QueryError) as err:
        plan_of(query, Dialect())  # the shared base has no shortest paths
    assert err.value.code == "BPQL-Q101"
    assert "`path` statements cannot run on Cypher" in err.value.message


def test_transforms_replace_a_plan(catalog: GraphCatalog) -> None:
    def no_show(d: Dialect, query: ir.ShowIR) -> list[Step]:
        return [d.statement("graph", "UNWIND [1] AS one", [("one", "one")])]

    class Tiny(Dialect):
        name = "tiny"
        TRANSFORMS: typing.ClassVar[dict[type, PlanFn]] = {ir.ShowIR: no_show}

    (query,) = resolve_text('show system "crm"', catalog)
    assert isinstance(query, ir.ShowIR)
    assert plan_of(query, Tiny()).statements[0].cypher == "UNWIND [1] AS one\nRETURN one"
    (found,) = resolve_text('find systems where depends on system "mainframe"', catalog)
    assert isinstance(found, ir.FindIR)
    assert plan_of(found, Tiny()).statements[-1].name == "rows"


@pytest.mark.parametrize(
    "text",
    [
        'path from service "claims" to system "mainframe" scenario "to-be"',
        'path from step "claims.submit-claim" to system "mainframe" scenario "as-is"',
    ],
)
def test_clauses_the_ir_cannot_hold_are_refused(catalog: GraphCatalog, text: str) -> None:
    with pytest.raises(QueryError) as err:
        resolve_text(text, catalog)
    assert err.value.code == "BPQL-Q103"
    assert err.value.span is not None
    assert text[err.value.span.column - 1 :].startswith('"')
    assert err.value.pretty().splitlines()[-1].startswith("hint: ")


def test_every_kind_has_a_handler_in_every_table() -> None:
    statements = set(typing.get_args(ast.Statement))
    assert set(STATEMENTS) == statements
    assert set(CONDITIONS) == set(typing.get_args(ast.Cond))
    assert set(RENDER_CONDITIONS) == set(typing.get_args(ir.Cond))
    # every IR class has a statement module; the IR's own union is the table's keys
    assert set(SPECS) == set(typing.get_args(ir.QueryIR))
    # every result kind can be shown on a terminal (explain prints its plans) and every kind
    # with a graph drawn; the tables are keyed by `Kind`, an Enum of the words
    assert set(PRESENTERS) == set(Kind) - {Kind.EXPLAIN}
    assert set(VIEWS) == set(Kind) - {Kind.EXPLAIN, Kind.TABLE}


def test_a_result_of_no_kind_is_refused() -> None:
    assert Result("impact").kind is Kind.IMPACT and str(Kind.IMPACT) == "impact"
    with pytest.raises(ValueError, match="no result kind 'impakt'; the kinds are table, graph"):
        Result("impakt")  # type: ignore[arg-type]


def test_the_query_path_imports_no_file_format() -> None:
    code = (
        "import sys, bpql.query.engine, bpql.query.compiler, bpql.api\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'ruamel')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_failing_command_prints_the_error_as_json(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "bpql.cli", "validate", str(tmp_path / "nope"), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 2 and r.stderr == ""
    err = json.loads(r.stdout)["error"]
    assert err["code"].startswith("BPQL-F") and "no such file or folder" in err["message"]
    assert set(err) >= {"kind", "code", "severity", "message", "hints", "span"}


def test_each_error_code_names_one_raise_site() -> None:
    """A code is a stable name for one mistake; two sites sharing one would blur it."""
    sites: dict[str, list[str]] = {}
    for path in sorted((ROOT / "bpql").rglob("*.py")):
        for code in re.findall(r'code="(BPQL-[A-Z]\d{3})"', path.read_text()):
            sites.setdefault(code, []).append(path.name)
    assert len(sites) > 70
    assert {c: s for c, s in sites.items() if len(s) > 1} == {}


#: text leading to each statement's reference slot, by the keywords the slot names
SLOT_TEXT = {
    ("IMPACT", "OF"): "impact of ",
    ("RISK", "OF"): "risk of ",
    ("IMPACT", "OF", "RETIRING"): "impact of retiring ",
    ("IMPACT", "OF", "MOVING"): "impact of moving ",
    ("IMPACT", "OF", "MOVING", "TO"): 'impact of moving role "claims-handler" to ',
    ("IMPACT", "OF", "CLOSING"): "impact of closing ",
    ("PATH", "FROM"): "path from ",
    ("PATH", "FROM", "TO"): 'path from system "mainframe" to ',
    ("SHOW",): "show ",
    ("CONFORMANCE", "OF"): "conformance of ",
    ("DROPOFF", "OF"): "dropoff of ",
}
#: a thing of each kind in the insurer example, or a value a slot takes instead of a thing
EXAMPLE = {
    "department": "billing",
    "role": "claims-handler",
    "system": "crm",
    "touchpoint": "website",
    "step": "claims.screen-fraud",
    "service": "claims",
    "channel": "letter",
    "blueprint": "claims:as-is",
    "phase": "claims.report",
    "failpoint": "claims.abandoned-form",
}
#: `via in` lets a path end at a service, a blueprint or a phase (without it: BPQL-Q049)
PATH_VIA = " via in, uses, at, performed by, owned by"


def test_signatures_are_read_by_the_resolver_completion_and_the_docs(
    catalog: GraphCatalog,
) -> None:
    """Each statement declares once which kinds each reference slot takes: completion
    offers exactly those after the slot's keywords (issue 21.7: `impact of ` offered every
    kind), every one of them resolves, a kind the slot does not take is refused, and
    docs/language.md lists them."""
    from bpql.query.complete import complete
    from bpql.query.statements import slot_words

    docs = (ROOT / "docs" / "language.md").read_text()
    slots = [slot for spec in SPECS.values() for slot in spec.signature]
    assert {s.keywords for s in slots} == set(SLOT_TEXT)
    for slot in slots:
        words = slot_words(slot)
        head = SLOT_TEXT[slot.keywords]
        offered = [c.text for c in complete(head).candidates if c.meta == "kind"]
        assert sorted(offered) == words, slot  # completion may rank them
        keywords = " ".join(k.lower() for k in slot.keywords)
        assert f"| `{keywords}` | {', '.join(words)} |" in docs, slot
        if slot.labels is None:
            continue
        tail = ' to department "claims"' if slot.keywords[-1] == "MOVING" else ""
        tail = ' to system "mainframe"' + PATH_VIA if slot.keywords == ("PATH", "FROM") else tail
        tail = PATH_VIA if slot.keywords == ("PATH", "FROM", "TO") else tail
        for word in words:
            resolve_text(f'{head}{word} "{EXAMPLE[word]}"{tail}', catalog)
        refused = next(w for w in ("service", "system", "step", "failpoint") if w not in words)
        with pytest.raises(QueryError) as err:
            resolve_text(f'{head}{refused} "{EXAMPLE[refused]}"{tail}', catalog)
        assert err.value.code in ("BPQL-Q026", "BPQL-Q141")
        assert all(w in err.value.message for w in words), err.value.message


@pytest.mark.parametrize(
    ("scenario", "variant"), [("as-is", None), ("to-be", None), ("to-be", "lean")]
)
def test_the_blueprints_reached_are_read_from_their_steps_prefixes(
    scenario: str, variant: str | None
) -> None:
    """`impact of` and what-if read the blueprints of the steps reached from the steps' ids
    (`blueprints`): a step's prefix names its blueprint, whatever its scenario and variant."""
    from bpql.ids import blueprint_id, member_id, member_prefix, prefix_blueprint

    step = member_id(member_prefix("claims", scenario, variant), "submit-claim")
    assert prefix_blueprint(step.partition(".")[0]) == blueprint_id("claims", scenario, variant)
