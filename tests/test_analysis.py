"""The method's analyses on files, with no store: GraphData from validated blueprint files,
the in-memory graph over it (bpql/analysis/graph.py), and each analysis worked out by hand.
The same functions run inside `impact of`, `risk of` and what-if over the rows their plans
read back (tests/test_whatif.py, tests/test_criticality.py check those on both stores)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bpql.analysis.graph import Index
from bpql.analysis.handoffs import handoffs
from bpql.analysis.supports import Reach, nearest, supported
from bpql.analysis.systems import failing_systems
from bpql.language import Route
from bpql.model.validate import validate_paths

ROOT = Path(__file__).resolve().parents[1]
INSURER = ROOT / "examples" / "insurer"


@pytest.fixture(scope="module")
def insurer() -> Index:
    return Index(validate_paths([INSURER]).graph)


def test_the_graph_api_reads_relationships_both_ways(insurer: Index) -> None:
    assert insurer.node("System", "crm") is not None
    assert insurer.node("System", "nope") is None
    assert insurer.targets("DEPENDS_ON", "claims-engine") == ["policy-admin", "crm"]
    assert sorted(insurer.sources("DEPENDS_ON", "claims-engine")) == [
        "claims-portal",
        "customer-app",
        "fraud-screening",
    ]
    assert insurer.targets("DEPENDS_ON", "mainframe") == []


def test_systems_failing_with_a_system_and_their_hops(insurer: Index) -> None:
    """enterprise.yaml: payments-gateway depends on card-processor; billing-engine and
    direct-debit on payments-gateway; general-ledger on billing-engine."""
    assert failing_systems(insurer, ["card-processor"]) == {
        "card-processor": 0,
        "payments-gateway": 1,
        "billing-engine": 2,
        "direct-debit": 2,
        "general-ledger": 3,
    }
    assert failing_systems(insurer, ["card-processor"], bound=1) == {
        "card-processor": 0,
        "payments-gateway": 1,
    }
    # the fewest hops: customer-app depends on crm itself and on claims-engine (which
    # depends on crm)
    crm = failing_systems(insurer, ["crm"])
    assert crm["customer-app"] == 1 and crm["claims-portal"] == 2 and crm["fraud-screening"] == 2
    # several systems at once (a department's own): each at 0
    both = failing_systems(insurer, ["crm", "card-processor"], bound=0)
    assert both == {"card-processor": 0, "crm": 0}


def test_nearest_routes_through_supporting_steps() -> None:
    """a (reached by a role, 2 hops) supports b and c; b supports d; d is also reached
    directly through a dependent system 4 hops away: the supporting step reaches it in 4 too,
    and a direct route comes first at equal hops; e, reached 5 hops away, is nearer through
    c (3 + 1)."""
    above = {"a": ["b", "c"], "b": ["d"], "c": ["e"]}
    direct = {
        "a": Reach(Route.ROLE, "role-1", 2),
        "d": Reach(Route.DEPENDENT_SYSTEM, "sys-9", 4),
        "e": Reach(Route.DEPENDENT_SYSTEM, "sys-9", 5),
    }
    found = nearest(direct, lambda s: above.get(s, []))
    assert found == {
        "a": Reach(Route.ROLE, "role-1", 2),
        "b": Reach(Route.SUPPORTING_STEP, "a", 3),
        "c": Reach(Route.SUPPORTING_STEP, "a", 3),
        "d": Reach(Route.DEPENDENT_SYSTEM, "sys-9", 4),
        "e": Reach(Route.SUPPORTING_STEP, "c", 4),
    }
    assert supported(["b"], lambda s: above.get(s, [])) == {"b", "d"}


def test_a_tie_goes_to_the_route_order_then_the_smaller_via() -> None:
    above = {"x": ["z"], "y": ["z"]}
    direct = {"x": Reach(Route.SYSTEM, "s", 1), "y": Reach(Route.SYSTEM, "s", 1)}
    assert nearest(direct, lambda s: above.get(s, []))["z"] == Reach(Route.SUPPORTING_STEP, "x", 2)
    assert Reach(Route.ROLE, "z", 2).key < Reach(Route.SUPPORTING_STEP, "a", 2).key


def test_handoffs_from_the_graph(insurer: Index) -> None:
    """The claims as-is time line, its performed steps' departments read over the graph."""
    steps = sorted(
        insurer.targets("HAS_STEP", "claims:as-is"),
        key=lambda s: (insurer.nodes["Step"][s]["seq"], s),
    )

    def departments(step: str) -> list[str]:
        roles = insurer.targets("PERFORMED_BY", step)
        return sorted({d for r in roles for d in insurer.targets("MEMBER_OF", r)})

    found = handoffs((s, departments(s)) for s in steps)
    assert ("claims.register-claim", "claims.screen-fraud") in found
    assert ("claims.screen-fraud", "claims.book-adjuster") in found
    assert all(departments(a) and departments(b) for a, b in found)
