"""The four daily jobs on the insurer example, against answers worked out by hand from
examples/insurer (read the YAML to check them)."""

from __future__ import annotations

from bpql.api import Client


def test_services_depending_on_a_system(insurer: dict[str, Client]) -> None:
    # general-ledger -> billing-engine is used only by steps; the chain that matters here:
    # card-processor <- payments-gateway <- billing-engine / direct-debit.
    # Steps using card-processor's dependants: none use card-processor directly, so services
    # depending on card-processor = services depending on payments-gateway.
    for c in insurer.values():
        direct = c.query('find services where uses system "payments-gateway"').table
        assert direct is not None
        # claims (pay-settlement), quote (take-payment), billing (detect-failed, retry-payment),
        # complaints (decide-redress), renewals (collect-renewal)
        assert [r[0] for r in direct.rows] == [
            "billing",
            "claims",
            "complaints",
            "quote",
            "renewals",
        ]
        chained = c.query('find services where depends on system "card-processor"').table
        assert chained is not None
        # onboarding reaches it only through direct-debit -> payments-gateway -> card-processor
        assert [r[0] for r in chained.rows] == [
            "billing",
            "claims",
            "complaints",
            "onboarding",
            "quote",
            "renewals",
        ]


def test_impact_of_the_billing_department(insurer: dict[str, Client]) -> None:
    for c in insurer.values():
        result = c.query('impact of department "billing"')
        assert result.table is not None
        rows = {r[0]: dict(zip(result.table.columns, r, strict=True)) for r in result.table.rows}
        # Motor claims: pay-settlement (payments-analyst; payments-gateway), post-ledger
        # (general-ledger -> billing-engine, owned by billing), and receive-decision, which
        # pay-settlement supports.
        claims = rows["Motor claims"]
        assert (claims["steps"], claims["customer"], claims["backstage"], claims["support"]) == (
            3,
            1,
            1,
            1,
        )
        assert claims["max_rpn"] == 126  # payment-to-wrong-account: 9 x 2 x 7
        # every step of Premium billing is reached
        assert rows["Premium billing"]["steps"] == 11
        assert "Step:claims.pay-settlement" in result.highlight["direct"]
        assert "Step:claims.receive-decision" in result.highlight["visible"]
        assert result.highlight["source"] == ["Department:billing"]


def test_touchpoint_inventory(insurer: dict[str, Client]) -> None:
    for c in insurer.values():
        t = c.query("find touchpoints return id, channel, services").table
        assert t is not None
        by_id = {r[0]: r for r in t.rows}
        assert len(by_id) == 11
        assert by_id["contact-centre"][1] == "phone"
        assert by_id["contact-centre"][2] == [
            "Complaints handling",
            "Motor claims",
            "New customer onboarding",
            "Policy renewal",
            "Premium billing",
        ]
        # the app is used only by onboarding in the as-is blueprints (claims' to-be uses it)
        assert by_id["mobile-app"][2] == ["New customer onboarding"]
        counts = c.query("count touchpoints by channel").table
        assert counts is not None and counts.rows[0] == ["phone", 3]


def test_exploration_around_a_system(insurer: dict[str, Client]) -> None:
    for c in insurer.values():
        g = c.query('show system "payments-gateway"').graph
        assert g is not None
        # its owner, what it depends on, what depends on it, and the steps using it
        # (as-is and to-be: exploration shows every blueprint)
        neighbours = {k for k in g.nodes if k != "System:payments-gateway"}
        assert {
            "Department:billing",
            "System:card-processor",
            "System:billing-engine",
            "System:direct-debit",
        } <= neighbours
        steps = {k for k in neighbours if k.startswith("Step:")}
        assert steps == {
            "Step:claims.pay-settlement",
            "Step:quote.take-payment",
            "Step:billing.detect-failed",
            "Step:billing.retry-payment",
            "Step:complaints.decide-redress",
            "Step:renewals.collect-renewal",
            "Step:claims:to-be.instant-pay",
        }
