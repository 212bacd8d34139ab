"""Answers in names a designer reads, and one JSON shape with its kind (issue 21 item 13), on
the insurer example loaded into a real LadybugDB store (the Neo4j side is the answer goldens
of tests/test_queries.py, equal on both stores)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bpql.api import Client
from bpql.present.terminal import named_steps
from bpql.result import Result
from tests.test_load import bpql

INSURER = Path(__file__).parent.parent / "bpql" / "examples" / "insurer"

#: the shape docs/language.md ("JSON answers") documents: always these, in this order ...
HEAD = ["kind", "title", "columns", "rows"]
#: ... then only parts of these
PARTS = {"units", "steps", "graph", "paths", "highlight", "matrix", "plans"}

#: a query of every statement, and the kind its answer says
KINDS = {
    'find steps where uses system "crm"': "table",
    "count steps by lane": "table",
    'show system "crm"': "graph",
    'path from step "claims.submit-claim" to system "mainframe"': "graph",
    'impact of department "billing"': "impact",
    'risk of system "fraud-screening"': "impact",
    'impact of retiring system "fraud-screening"': "whatif",
    'impact of moving role "fraud-investigator" to department "claims"': "whatif",
    'impact of closing channel "letter"': "whatif",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    uri = f"embedded:{tmp_path_factory.mktemp('names') / 'graph.lbdb'}"
    assert bpql("load", str(INSURER), "--db", uri).returncode == 0
    return uri


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[Client]:
    c = Client(None, db)
    try:
        yield c
    finally:
        c.close()


def _ask(client: Client, query: str) -> Result:
    result = client.query(query)
    assert isinstance(result, Result)
    return result


@pytest.mark.parametrize("query", list(KINDS))
def test_every_answer_has_one_json_shape_kind_first(client: Client, query: str) -> None:
    doc = _ask(client, query).to_json()
    assert list(doc)[:4] == HEAD, query
    assert doc["kind"] == KINDS[query]
    assert set(doc) - set(HEAD) <= PARTS, set(doc) - set(HEAD) - PARTS
    assert all(len(r) == len(doc["columns"]) for r in doc["rows"])
    if doc["kind"] == "graph":
        # a graph answer's rows are its nodes, as the explorer lists them; a path's, its
        # paths hop by hop (path, hop, relation before them)
        assert doc["columns"][-3:] == ["kind", "id", "name"]
        assert doc["columns"][:-3] in ([], ["path", "hop", "relation"])
        assert {f"{k}:{i}" for *_, k, i, _ in doc["rows"]} == {
            n["id"] for n in doc["graph"]["nodes"]
        }
    if doc["kind"] in ("impact", "whatif"):
        assert "step_name" in doc["steps"]["columns"] and "via_name" in doc["steps"]["columns"]
    json.dumps(doc)  # plain JSON values only


def test_cli_json_says_the_kind_of_each_answer(db: str) -> None:
    out = bpql("query", 'count steps by lane; show system "crm"', "--db", db, "--format", "json")
    assert out.returncode == 0, out.stderr
    assert [d["kind"] for d in json.loads(out.stdout)] == ["table", "graph"]
    one = json.loads(bpql("query", "explain find services", "--db", db, "--format", "json").stdout)
    assert one["kind"] == "explain" and one["plans"][0]["kind"] == "find"


def _steps(result: Result) -> dict[str, dict[str, Any]]:
    assert result.steps is not None
    return {r["step"]: r for r in result.steps.dicts()}


def test_impact_names_each_step_and_what_it_is_reached_through(client: Client) -> None:
    steps = _steps(_ask(client, 'impact of system "payments-gateway"'))
    assert steps["renewals.collect-renewal"] == {
        "service": "Policy renewal",
        "step": "renewals.collect-renewal",
        "step_name": "Collect the renewal premium",
        "lane": "backstage",
        "route": "system",
        "via": "payments-gateway",
        "via_name": "Payments gateway",
        "hops": 1,
    }
    # a dependent system, and a supporting step, by their names
    auto = steps["renewals.auto-renew"]
    assert (auto["route"], auto["via_name"]) == ("dependent system", "Billing engine")
    received = steps["renewals.receive-renewal"]
    assert (received["route"], received["via"], received["via_name"]) == (
        "supporting step",
        "renewals.collect-renewal",
        "Collect the renewal premium",
    )
    # every row has both names, none is the id in disguise
    assert all(r["step_name"] and r["step_name"] != r["step"] for r in steps.values())
    assert all(r["via_name"] and r["via_name"] != r["via"] for r in steps.values())


def test_a_department_is_reached_through_its_roles_by_name(client: Client) -> None:
    steps = _steps(_ask(client, 'impact of department "billing"'))
    by_role = [r for r in steps.values() if r["route"] == "role"]
    assert by_role and all(r["via_name"] != r["via"] for r in by_role)


def test_whatif_steps_are_named_like_impact(client: Client) -> None:
    retire = _ask(client, 'impact of retiring system "fraud-screening"')
    steps = _steps(retire)
    impact = _steps(_ask(client, 'impact of system "fraud-screening"'))
    assert retire.steps is not None and retire.steps.columns[-1] == "classes"
    assert impact  # else the loop below compares nothing
    for step, row in impact.items():  # the same routes, vias and names
        assert {k: steps[step][k] for k in row} == row
    moved = _steps(
        _ask(client, 'impact of moving role "fraud-investigator" to department "claims"')
    )
    assert any(r["route"] == "handoff" for r in moved.values())
    for r in moved.values():
        assert r["via_name"] and r["via_name"] != r["via"], r


def test_text_output_shows_names_in_place_of_ids(client: Client, db: str) -> None:
    result = _ask(client, 'impact of system "payments-gateway"')
    assert result.steps is not None
    shown = named_steps(result.steps)
    assert shown.columns == ["service", "step", "lane", "route", "via", "hops"]
    at = [r[1] for r in result.steps.rows].index("renewals.collect-renewal")
    row = dict(zip(shown.columns, shown.rows[at], strict=True))
    assert (row["step"], row["via"]) == ("Collect the renewal premium", "Payments gateway")
    env = {**os.environ, "COLUMNS": "300"}
    out = bpql("query", 'impact of system "payments-gateway"', "--db", db, env=env)
    assert out.returncode == 0, out.stderr
    assert "Collect the renewal premium" in out.stdout and "Billing engine" in out.stdout
    assert "renewals.collect-renewal" not in out.stdout and "billing-engine" not in out.stdout


def test_touchpoint_steps_say_their_service(client: Client) -> None:
    result = _ask(client, 'find touchpoints where channel = "phone" return id, steps')
    assert result.table is not None
    steps = {r[0]: r[1] for r in result.table.rows}
    assert steps["claims-line"] == [
        "Motor claims: Call the claims line",
        "Motor claims: Take first notice of loss",
    ]
    assert all(": " in s for v in steps.values() for s in v)


def test_the_impact_svg_names_what_each_step_is_reached_through(client: Client) -> None:
    from bpql.viz import svg

    result = client.query('impact of system "payments-gateway"')
    drawn = "".join(b.svg for b in svg.impact_bands(result))
    assert "Collect the renewal premium (renewals.collect-renewal): system via Payments " in drawn
    assert "supporting step via Collect the renewal premium (renewals.collect-renewal)" in drawn
