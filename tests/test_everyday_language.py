"""Everyday use, the language (issue 13, items 8 to 14): durations with units, time order,
scenarios that say what they read, the unnamed to-be blueprint, null tests, impact routes, and
the words of errors. Store tests run on the embedded store and on Neo4j with the insurer
example changed where the example lacks a case: a wait of `2w`, a customer step without a
touchpoint, evidence no step shows, and a named to-be variant beside the unnamed one."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bpql.api import Client
from bpql.errors import QueryError
from bpql.model.validate import validate_paths
from bpql.query.compiler import GraphCatalog, resolve_text
from bpql.query.parser import parse
from tests.conftest import BACKENDS, open_store
from tests.test_load import bpql

if TYPE_CHECKING:
    from tests.neo4j_fixture import Neo4jInfo

ROOT = Path(__file__).resolve().parents[1]
INSURER = ROOT / "examples" / "insurer"


def world_files(folder: Path) -> Path:
    """The insurer example with the cases it lacks (see the module docstring)."""
    shutil.copytree(INSURER, folder)
    services = folder / "services"
    claims = (services / "claims.yaml").read_text()
    changed = claims.replace("    touchpoint: claims-line\n    max_wait: 10m", "    max_wait: 2w")
    changed = changed.replace(
        "  - {id: payment-remittance, name: Payment remittance email, kind: email}\n",
        "  - {id: payment-remittance, name: Payment remittance email, kind: email}\n"
        "  - {id: leaflet, name: Claims leaflet, kind: leaflet}\n",
    )
    assert changed.count("2w") == 1 and "leaflet" in changed
    (services / "claims.yaml").write_text(changed)
    to_be = (services / "claims-to-be.yaml").read_text()
    lean = to_be.replace("scenario: to-be\n", "scenario: to-be\nvariant: lean\n")
    assert lean != to_be
    (services / "claims-to-be-lean.yaml").write_text(lean)
    return folder


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return world_files(tmp_path_factory.mktemp("world") / "insurer")


@pytest.fixture(scope="module")
def stores(
    world: Path, neo4j_server: Neo4jInfo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Client]]:
    clients = {
        kind: open_store(kind, tmp_path_factory.mktemp(kind), neo4j_server) for kind in BACKENDS
    }
    for c in clients.values():
        c.load(world)
    yield clients
    for c in clients.values():
        c.close()


@pytest.fixture(scope="module")
def embedded(world: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The same world in an embedded store of its own, for the CLI."""
    db = f"embedded:{tmp_path_factory.mktemp('cli') / 'g.lbdb'}"
    r = bpql("load", str(world), "--db", db)
    assert r.returncode == 0, r.stderr
    return db


def answers(stores: dict[str, Client], query: str) -> dict[str, Any]:
    """The answer on the embedded store, checked to be the same on Neo4j."""
    out = {kind: c.query(query).to_json() for kind, c in stores.items()}
    assert out["ladybug"] == out["neo4j"], query
    return out["ladybug"]


def refused(stores: dict[str, Client], query: str) -> QueryError:
    """The error on the embedded store, checked to be the same on Neo4j."""
    errors = {}
    for kind, c in stores.items():
        with pytest.raises(QueryError) as err:
            c.query(query)
        errors[kind] = err.value
    assert errors["ladybug"].pretty() == errors["neo4j"].pretty()
    return errors["ladybug"]


# --- 8: durations with units ----------------------------------------------------------------


def test_files_take_weeks(world: Path) -> None:
    steps = {n["id"]: n for n in validate_paths([world]).graph.nodes["Step"]}
    assert steps["claims.call-claims-line"]["max_wait"] == 2 * 7 * 24 * 60


def test_queries_compare_durations_with_units(stores: dict[str, Client]) -> None:
    week = answers(stores, "find steps where max_wait > 1w return id, max_wait")
    assert week["rows"] == [["claims.call-claims-line", 20160.0]]
    assert week["units"] == {"max_wait": "minutes"}
    hour = answers(stores, "find steps where target_time >= 1h return id, target_time")
    quoted = answers(stores, 'find steps where target_time >= "1h" return id, target_time')
    minutes = answers(stores, "find steps where target_time >= 60 return id, target_time")
    assert hour == quoted == minutes and hour["rows"]
    assert all(row[1] >= 60 for row in hour["rows"])
    mixed = answers(stores, "find steps where target_time > 1h30m return id, target_time")
    assert {r[0] for r in mixed["rows"]} < {r[0] for r in hour["rows"]}


@pytest.mark.parametrize(
    ("query", "code", "words"),
    [
        ('find steps where max_wait > "soon"', "BPQL-Q042", "'max_wait' is a duration"),
        ("find failpoints where rpn > 1h", "BPQL-Q041", "'rpn' is not a duration"),
        ("find steps where max_wait > 1m2h", "BPQL-Q040", "largest first"),
    ],
)
def test_a_wrong_duration_is_a_user_error(query: str, code: str, words: str) -> None:
    with pytest.raises(QueryError) as err:
        resolve_text(query, GraphCatalog(validate_paths([INSURER]).graph))
    assert err.value.code == code and words in err.value.message
    assert err.value.span is not None


def test_answers_print_durations_with_units(embedded: str) -> None:
    query = "find steps where max_wait >= 1d return id, max_wait"
    table = bpql("query", query, "--db", embedded)
    assert table.returncode == 0, table.stderr
    assert re.search(r"claims\.call-claims-line\s+│\s+2w\b", table.stdout), table.stdout
    assert re.search(r"quote\.refer-underwriting\s+│\s+1d\b", table.stdout), table.stdout
    assert "20160" not in table.stdout
    # CSV is for spreadsheets: a number they sum, its unit in the header
    csv = bpql("query", query, "--db", embedded, "--format", "csv").stdout.splitlines()
    assert csv[0] == '"id","max_wait (minutes)"'
    assert '"claims.call-claims-line",20160' in csv
    doc = json.loads(bpql("query", query, "--db", embedded, "--format", "json").stdout)
    assert doc["units"] == {"max_wait": "minutes"}
    assert ["claims.call-claims-line", 20160.0] in doc["rows"]


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("10d", "10d"),  # issue 21, item 12: not `1w3d`
        ("1w3d", "10d"),
        ("2w", "2w"),
        ("14d", "2w"),  # a whole number of weeks reads as weeks
        ("1w2h", "7d2h"),
        ("1h30m", "1h30m"),
        ("90s", "1m30s"),
        ("30s", "30s"),
    ],
)
def test_durations_print_in_days_unless_whole_weeks(written: str, printed: str) -> None:
    """Weeks only for a whole number of weeks; what is printed reads back the same."""
    from bpql.durations import format_minutes, parse_duration

    minutes = parse_duration(written)
    assert minutes is not None
    assert format_minutes(minutes) == printed
    assert parse_duration(printed) == minutes


def test_views_show_durations_with_units(embedded: str, tmp_path: Path) -> None:
    out = tmp_path / "claims.html"
    r = bpql("viz", "--blueprint", "claims", "-o", str(out), "--db", embedded)
    assert r.returncode == 0, r.stderr
    assert re.search(r'"max_wait": ?"2w"', out.read_text())


# --- 9: time order ----------------------------------------------------------------------------


def test_steps_come_in_time_order(stores: dict[str, Client]) -> None:
    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load((INSURER / "services" / "claims.yaml").read_text())
    in_file = [f"claims.{s['id']}" for s in doc["steps"]]  # the file order is the time order
    assert in_file != sorted(in_file)  # so id order would fail this test
    found = answers(stores, 'find steps where in service "claims" return id')
    assert [r[0] for r in found["rows"]] == in_file
    limited = answers(stores, 'find steps where in service "claims" return id limit 3')
    assert [r[0] for r in limited["rows"]] == in_file[:3]


def test_a_path_comes_in_path_order(stores: dict[str, Client], embedded: str) -> None:
    # a service is an end only through containment: `via in` (docs/language.md, path)
    query = 'path from service "quote" to system "card-processor" via in, uses, depends on'
    doc = answers(stores, query)
    assert doc["paths"] == [
        [
            "Service:quote",
            "Blueprint:quote:as-is",
            "Step:quote.take-payment",
            "System:payments-gateway",
            "System:card-processor",
        ]
    ]
    r = bpql("query", query, "--db", embedded, env={**os.environ, "COLUMNS": "200"})
    rows = [line.split("│") for line in r.stdout.splitlines() if line.startswith("│")]
    shown = [f"{cells[4].strip()}:{cells[5].strip()}" for cells in rows]
    assert shown == doc["paths"][0]
    assert [cells[1].strip() for cells in rows] == ["1"] * 5  # one path, listed whole


# --- 10: scenarios ------------------------------------------------------------------------------


def test_a_to_be_thing_in_an_as_is_query_is_an_error(stores: dict[str, Client]) -> None:
    err = refused(stores, 'find steps where in blueprint "claims:to-be"')
    assert err.code == "BPQL-Q043"
    assert 'reads as-is blueprints unless it says scenario "to-be"' in err.message
    assert list(err.hints) == [
        'add scenario "to-be" at the end of the query (or scenario any for both)'
    ]
    err = refused(stores, 'show step "claims:to-be.submit-claim" scenario "as-is"')
    assert err.code == "BPQL-Q043"
    found = answers(stores, 'find steps where in blueprint "claims:to-be" scenario "to-be"')
    assert found["rows"] and all(r[0].startswith("claims:to-be.") for r in found["rows"])


def test_show_keeps_to_its_scenario(stores: dict[str, Client]) -> None:
    def keys(query: str) -> set[str]:
        return {n["id"] for n in answers(stores, query)["graph"]["nodes"]}

    every = keys('show service "claims"')
    as_is = keys('show service "claims" scenario "as-is"')
    to_be = keys('show service "claims" scenario "to-be"')
    assert any(":to-be" in k for k in every)
    assert as_is and not any(":to-be" in k for k in as_is)
    assert "Blueprint:claims:to-be" in to_be and "Blueprint:claims:as-is" not in to_be
    assert not any(k.startswith("Step:claims.") for k in to_be)
    err = refused(stores, 'path from service "claims" to system "crm" scenario "as-is"')
    assert err.code == "BPQL-Q103"  # a shortest path cannot keep to one scenario: refused


# --- 11: the unnamed to-be blueprint beside a named variant ---------------------------------------


def test_the_unnamed_to_be_blueprint_can_be_chosen(
    stores: dict[str, Client], embedded: str, tmp_path: Path
) -> None:
    for c in stores.values():
        assert c.blueprint("claims", "to-be", "").subtitle.startswith("blueprint claims:to-be;")
        lean = c.blueprint("claims", "to-be", "lean")
        assert lean.subtitle.startswith("blueprint claims:to-be:lean;")
        with pytest.raises(QueryError) as err:
            c.blueprint("claims", "to-be")
        assert err.value.message.endswith(
            'choose one with --variant: "lean", "" for the one without a variant'
        )
    out = tmp_path / "v.html"
    args = ["viz", "--blueprint", "claims", "--scenario", "to-be", "-o", str(out)]
    r = bpql(*args, "--variant", "", "--db", embedded)
    assert r.returncode == 0, r.stderr
    assert "claims:to-be" in out.read_text() and "claims:to-be:lean" not in out.read_text()


# --- 12: null tests and evidence no step shows ----------------------------------------------------


def test_is_null_and_is_not_null(stores: dict[str, Client]) -> None:
    bare = answers(stores, "find steps where lane = customer and touchpoint is null return id")
    assert bare["rows"] == [["claims.call-claims-line"]]
    dressed = answers(stores, "find steps where lane = customer and touchpoint is not null")
    every = answers(stores, "find steps where lane = customer")
    assert len(dressed["rows"]) == len(every["rows"]) - 1
    no_systems = answers(stores, "find steps where systems is null return id, systems")
    assert no_systems["rows"] and all(r[1] == [] for r in no_systems["rows"])
    waits = answers(stores, "find steps where max_wait is not null return id")
    assert len(waits["rows"]) == 3


def test_find_evidence_includes_what_no_step_shows(stores: dict[str, Client]) -> None:
    as_is = [r[0] for r in answers(stores, "find evidence")["rows"]]
    assert "claims.leaflet" in as_is
    to_be = [r[0] for r in answers(stores, 'find evidence scenario "to-be"')["rows"]]
    assert "claims.leaflet" not in to_be
    every = answers(stores, "find evidence scenario any")["rows"]
    for c in stores.values():
        assert len(every) == c.stats()["nodes"]["Evidence"]


# --- 13: how impact reaches each step -------------------------------------------------------


def _routes(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(zip(doc["steps"]["columns"], r, strict=True)) for r in doc["steps"]["rows"]]


def test_impact_says_how_each_step_is_reached(stores: dict[str, Client]) -> None:
    doc = answers(stores, 'impact of department "billing"')
    routes = _routes(doc)
    assert doc["steps"]["columns"] == [
        "service",
        "step",
        "step_name",
        "lane",
        "route",
        "via",
        "via_name",
        "hops",
    ]
    assert {r["route"] for r in routes} == {
        "role",
        "owned system",
        "dependent system",
        "supporting step",
    }
    assert sum(doc["rows"][i][1] for i in range(len(doc["rows"]))) == len(routes)
    by_step = {r["step"]: r for r in routes}
    assert by_step["claims.post-ledger"] == {
        "service": "Motor claims",
        "step": "claims.post-ledger",
        "step_name": "Post claim payment to ledger",
        "lane": "support",
        "route": "dependent system",
        "via": "general-ledger",
        "via_name": "General ledger",
        # uses general-ledger, which depends on billing-engine, which billing owns
        "hops": 3,
    }
    assert by_step["billing.send-reminder"]["route"] == "role"
    assert by_step["billing.send-reminder"]["via"] == "billing-clerk"
    nodes = {n["id"]: n["properties"] for n in doc["graph"]["nodes"]}
    assert nodes["Step:claims.post-ledger"]["route"] == "dependent system"


def test_impact_within_bounds_the_dependency_hops(stores: dict[str, Client]) -> None:
    own = _routes(answers(stores, 'impact of department "billing" within 0'))
    assert own and all(r["route"] != "dependent system" for r in own)
    assert "claims.post-ledger" not in {r["step"] for r in own}
    for n in (1, 2, 3):
        routes = _routes(answers(stores, f'impact of department "it" within {n}'))
        # a department's system route walks USES, n DEPENDS_ON and OWNED_BY
        systems = [r for r in routes if r["route"] in ("owned system", "dependent system")]
        assert max(r["hops"] - 2 for r in systems) <= n
    near = _routes(answers(stores, 'impact of department "it" within 1'))
    far = _routes(answers(stores, 'impact of department "it" within 3'))
    assert len(near) < len(far)
    system = _routes(answers(stores, 'impact of system "crm" within 0'))
    assert {r["route"] for r in system} <= {"system", "supporting step"}


def test_impact_routes_in_the_table_and_the_view(embedded: str, tmp_path: Path) -> None:
    wide = {**os.environ, "COLUMNS": "200"}  # item 15 fits narrow terminals; not tested here
    r = bpql("query", 'impact of department "billing" within 0', "--db", embedded, env=wide)
    assert r.returncode == 0, r.stderr
    assert "how each step is reached" in r.stdout and "owned system" in r.stdout
    out = tmp_path / "impact.html"
    r = bpql("viz", 'impact of department "billing"', "-o", str(out), "--db", embedded)
    assert r.returncode == 0, r.stderr
    page = out.read_text()
    assert "dependent system" in page and "supporting step" in page


# --- 14: words ------------------------------------------------------------------------------------


def test_words_of_errors() -> None:
    catalog = GraphCatalog(validate_paths([INSURER]).graph)
    with pytest.raises(QueryError) as err:
        parse("fnid steps")
    assert err.value.message.endswith("(did you mean 'find'?)")
    with pytest.raises(QueryError) as err:
        resolve_text("find services return personas", catalog)
    assert "did you mean" not in err.value.message and "version" not in err.value.message
    resolve_text("find blueprints return id, personas", catalog)  # now a field
    with pytest.raises(QueryError) as err:
        resolve_text('find steps where in phase "report"', catalog)
    assert "phase ids start with their service" in err.value.message
    assert "step ids" not in err.value.message


def test_the_demo_numbers_each_enterprise_consecutively() -> None:
    from bpql.cli.demo import SHOWCASE

    for enterprise in {e for e, _, _ in SHOWCASE}:
        numbers = [
            int(m.group(1))
            for e, t, _ in SHOWCASE
            if e == enterprise and (m := re.match(r"(\d+)", t))
        ]
        assert sorted(set(numbers)) == list(range(1, max(numbers) + 1)), enterprise
