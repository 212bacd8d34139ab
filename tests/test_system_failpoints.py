"""Fail points that sit on a system (issue 10, item 2): every step using the system inherits
them; they belong to no blueprint, so every scenario sees them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bpql.api import Client
from bpql.model.validate import validate_paths
from tests.conftest import BACKENDS, open_store
from tests.neo4j_fixture import Neo4jInfo
from tests.test_load import bpql

ROOT = Path(__file__).resolve().parents[1]
INSURER = ROOT / "examples" / "insurer"

CRM_LINE = (
    "  - {id: crm, name: Customer CRM, kind: crm, owner: customer-service, "
    "depends_on: [mainframe]}\n"
)
CRM_WITH_FAIL_POINTS = """  - id: crm
    name: Customer CRM
    kind: crm
    owner: customer-service
    depends_on: [mainframe]
    fail_points:
      - id: stale-contact
        name: Contact details out of date
        severity: 7
        occurrence: 6
        detection: 7
        effect: EFFECT
        owner: customer-service
        action: Nightly match against the post office file
      - {id: outage, name: CRM down in office hours, severity: 8, occurrence: 2, detection: 2}
"""


def _insurer_with_crm_fail_points(tmp_path: Path, effect: str = "billing.notice-missed") -> Path:
    folder = tmp_path / "insurer"
    shutil.copytree(INSURER, folder)
    ent = folder / "enterprise.yaml"
    text = ent.read_text()
    assert CRM_LINE in text
    ent.write_text(text.replace(CRM_LINE, CRM_WITH_FAIL_POINTS.replace("EFFECT", effect)))
    return folder


def test_a_system_fail_point_is_rated_and_named_by_its_system(tmp_path: Path) -> None:
    graph = validate_paths([_insurer_with_crm_fail_points(tmp_path)]).graph
    fps = {f["id"]: f for f in graph.nodes["FailPoint"]}
    stale = fps["crm/stale-contact"]
    assert (stale["rpn"], stale["ap"]) == (294, "high")
    assert stale["effect"] == "billing.notice-missed" and stale["owner"] == "customer-service"
    assert (fps["crm/outage"]["rpn"], fps["crm/outage"]["ap"]) == (32, "low")
    assert ("crm", "crm/stale-contact") in graph.rels["CAN_FAIL"]
    assert all(fp != "crm/outage" for _, fp in graph.rels["HAS_FAIL_POINT"])


def test_a_system_fail_point_names_a_step_by_its_full_id(tmp_path: Path) -> None:
    folder = _insurer_with_crm_fail_points(tmp_path, effect="billing.notice-misssed")
    r = bpql("validate", str(folder))
    assert r.returncode != 0
    assert (
        "systems[3].fail_points[0].effect: unknown step 'billing.notice-misssed' "
        "(did you mean 'billing.notice-missed'?)"
    ) in r.stderr


def test_the_register_lists_a_system_fail_point(tmp_path: Path) -> None:
    r = bpql("register", str(_insurer_with_crm_fail_points(tmp_path)))
    assert r.returncode == 0, r.stderr
    assert "high   RPN 294  Contact details out of date [system Customer CRM]" in r.stdout


@pytest.fixture(scope="module")
def stores(
    neo4j_server: Neo4jInfo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Client]]:
    folder = _insurer_with_crm_fail_points(tmp_path_factory.mktemp("files"))
    clients = {}
    for kind in BACKENDS:
        client = open_store(kind, tmp_path_factory.mktemp(kind), neo4j_server)
        client.load(folder)
        clients[kind] = client
    yield clients
    for c in clients.values():
        c.close()


def _rows(client: Client, query: str) -> list[list[object]]:
    table = client.query(query).table
    assert table is not None
    return table.rows


@pytest.mark.parametrize(
    "query",
    [
        'find failpoints where system = "Customer CRM" return id, ap, rpn, system, step',
        "count failpoints by ap",
        'find failpoints where ap = high return id order by ap desc scenario "to-be"',
        'find steps where uses system "crm" return id, system_failpoints',
        'find systems where id = "crm" return id, failpoints',
    ],
)
def test_system_fail_points_on_both_stores(stores: dict[str, Client], query: str) -> None:
    answers = {kind: _rows(c, query) for kind, c in stores.items()}
    assert answers["ladybug"] == answers["neo4j"]


def test_what_the_answers_say(stores: dict[str, Client]) -> None:
    client = stores["neo4j"]
    rows = _rows(client, 'find failpoints where system = "Customer CRM" return id, ap, step')
    assert rows == [["crm/outage", "low", None], ["crm/stale-contact", "high", None]]
    # no blueprint, so every scenario sees them; the as-is count grows by two
    counts = dict(_rows(client, "count failpoints by ap"))  # type: ignore[arg-type]
    assert counts == {"high": 9, "medium": 10, "low": 4}
    to_be = [r[0] for r in _rows(client, 'find failpoints return id scenario "to-be"')]
    assert "crm/stale-contact" in to_be and "claims:to-be.triage-miss" in to_be
    inherited = _rows(client, 'find steps where uses system "crm" return id, system_failpoints')
    assert inherited and all(
        r[1] == ["CRM down in office hours", "Contact details out of date"] for r in inherited
    )
