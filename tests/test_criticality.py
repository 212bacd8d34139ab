"""Criticality from the graph (issue 10, item 3): what a failing system or step can break,
checked against answers worked out by hand from examples/insurer, on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpql.analysis.criticality import SupportGraph, system_figures
from bpql.api import Client
from bpql.errors import QueryError
from bpql.model.validate import validate_paths
from bpql.query.compiler import GraphCatalog, resolve_text
from tests.test_load import bpql

ROOT = Path(__file__).resolve().parents[1]
INSURER = ROOT / "examples" / "insurer"

# Worked out by hand from examples/insurer/services/claims.yaml and enterprise.yaml:
#
# fraud-screening is used by one step, screen-fraud (support), which supports register-claim
# (backstage), which supports submit-claim (customer) and take-fnol (frontstage), which
# supports call-claims-line (customer). No system depends on fraud-screening. So it can break
# two customer steps, and is a single point of failure for neither: register-claim has a
# second supporting route, send-reference, which does not use it.
FRAUD_CAN_BREAK = {"claims.submit-claim", "claims.call-claims-line"}
#
# receive-decision (customer, "Receive settlement offer") uses nothing and has one supporting
# route: pay-settlement (billing-engine, payments-gateway), supported only by post-ledger
# (general-ledger). A failure of any of those systems, or of a system one of them depends on
# (billing-engine -> payments-gateway -> card-processor; billing-engine -> policy-admin ->
# mainframe; general-ledger -> billing-engine), leaves it with no route.
SETTLEMENT_SINGLE_POINTS = {
    "billing-engine",
    "payments-gateway",
    "general-ledger",
    "card-processor",
    "policy-admin",
    "mainframe",
}


@pytest.fixture(scope="module")
def support() -> SupportGraph:
    return SupportGraph.from_graph(validate_paths([INSURER]).graph)


def test_what_fraud_screening_can_break(support: SupportGraph) -> None:
    blast = support.of_system("fraud-screening")
    assert blast.hit == {"claims.screen-fraud"}
    assert set(blast.customer_steps) == FRAUD_CAN_BREAK
    assert blast.single_point_for == []
    assert blast.services == ["claims"]
    assert blast.moments_of_truth == ["claims.submit-claim"]
    assert blast.touchpoints == ["claims-line", "website"]


def test_single_points_of_failure_of_the_settlement_offer(support: SupportGraph) -> None:
    systems = [s["id"] for s in validate_paths([INSURER]).graph.nodes["System"]]
    spof = {s for s in systems if "claims.receive-decision" in support.of_system(s).broken}
    assert spof == SETTLEMENT_SINGLE_POINTS


def test_a_step_with_another_route_survives_but_is_reached(support: SupportGraph) -> None:
    blast = support.of_step("claims.screen-fraud")
    assert set(blast.customer_steps) == FRAUD_CAN_BREAK and blast.broken == {"claims.screen-fraud"}
    blast = support.of_step("claims.register-claim")
    assert set(blast.single_point_for) == {"claims.submit-claim", "claims.call-claims-line"}


def test_figures_stored_per_system() -> None:
    figures = system_figures(validate_paths([INSURER]).graph)
    assert figures["fraud-screening"] == {
        "customer_reach": 2,
        "moments_reach": 1,
        "services_reach": 1,
        "single_point_for": 0,
    }
    top = max(figures, key=lambda s: (figures[s]["customer_reach"], s))
    assert top == "mainframe"  # everything core sits on it


def _table(client: Client, query: str) -> list[list[object]]:
    result = client.query(query)
    assert result.table is not None
    return result.table.rows


def test_risk_of_answers_the_same_on_both_stores(insurer: dict[str, Client]) -> None:
    for system in ("fraud-screening", "billing-engine", "mainframe", "telephony"):
        q = f'risk of system "{system}"'
        answers = {kind: c.query(q).to_json() for kind, c in insurer.items()}
        assert answers["ladybug"] == answers["neo4j"], system
    rows = _table(insurer["neo4j"], 'risk of system "fraud-screening"')
    assert {(r[0], r[1], r[4]) for r in rows} == {
        ("Motor claims", "Submit claim", False),
        ("Motor claims", "Call the claims line", False),
    }
    for system in SETTLEMENT_SINGLE_POINTS:
        rows = _table(insurer["ladybug"], f'risk of system "{system}"')
        assert ["Motor claims", "Receive settlement offer", True, "Letters by post", True] in rows
    rows = _table(insurer["ladybug"], 'risk of system "crm"')
    assert not any(r[1] == "Receive settlement offer" and r[4] for r in rows)


def test_ranking_systems_by_blast_radius(insurer: dict[str, Client]) -> None:
    q = "find systems return id, customer_reach, single_point_for order by customer_reach desc"
    answers = {kind: _table(c, q) for kind, c in insurer.items()}
    assert answers["ladybug"] == answers["neo4j"]
    assert answers["neo4j"][0][0] == "mainframe"
    fraud = next(r for r in answers["neo4j"] if r[0] == "fraud-screening")
    assert fraud[1:] == [2, 0]


def test_risk_of_takes_systems_and_steps_only(catalog: GraphCatalog) -> None:
    with pytest.raises(QueryError) as err:
        resolve_text('risk of role "claims-handler"', catalog)
    assert err.value.message.startswith('\'risk of\' takes system "..." or step "..."')


@pytest.mark.parametrize("example", ["insurer", "clinic"])
def test_stored_figures_agree_with_the_walk_for_every_system(example: str) -> None:
    """The per-step sets used at load and the per-failure walk used by `risk of` are two
    ways to the same answer."""
    graph = validate_paths([ROOT / "examples" / example]).graph
    sg = SupportGraph.from_graph(graph)
    figures = system_figures(graph)
    for system in (s["id"] for s in graph.nodes["System"]):
        b = sg.of_system(system)
        assert figures[system] == {
            "customer_reach": len(b.customer_steps),
            "moments_reach": len(b.moments_of_truth),
            "services_reach": len(b.services),
            "single_point_for": len(b.single_point_for),
        }, system


def test_risk_of_is_drawn_with_each_reached_step_and_how(tmp_path: Path) -> None:
    """`bpql viz 'risk of ...'` draws the impact view's bands: every step the failure reaches
    (worked out by hand above), marked as hit, broken or able to break (it was a traceback:
    the view drew `steps`, which risk did not give)."""
    db = f"embedded:{tmp_path / 'graph.lbdb'}"
    assert bpql("load", str(INSURER), "--db", db).returncode == 0
    client = Client(None, db)
    try:
        result = client.query('risk of system "fraud-screening"')
    finally:
        client.close()
    assert result.steps is not None
    routes = {r["step"]: r["route"] for r in result.steps.dicts()}
    assert routes == {
        "claims.screen-fraud": "hit",
        "claims.register-claim": "can break",
        "claims.submit-claim": "can break",
        "claims.take-fnol": "can break",
        "claims.call-claims-line": "can break",
    }
    for out in ("risk.html", "risk.svg"):
        r = bpql("viz", 'risk of system "fraud-screening"', "-o", str(tmp_path / out), "--db", db)
        assert (r.returncode, r.stderr) == (0, ""), r.stderr
        assert "Screen claim for fraud" in (tmp_path / out).read_text()
