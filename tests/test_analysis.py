"""The method's analyses on files, with no store: GraphData from validated blueprint files,
the in-memory graph over it (bpql/analysis/graph.py), and each analysis worked out by hand.
The same functions run inside `impact of`, `risk of` and what-if over the rows their plans
read back (tests/test_whatif.py, tests/test_criticality.py check those on both stores)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from bpql.analysis.criticality import SupportGraph, system_figures
from bpql.analysis.graph import Index
from bpql.analysis.handoffs import handoffs
from bpql.analysis.routes import Route
from bpql.analysis.supports import Reach, nearest, supported
from bpql.analysis.systems import failing_systems
from bpql.analysis.whatif import (
    HANDOFF_REMOVED,
    NO_WAY,
    Blueprints,
    classify_move,
    classify_retire,
    direct_users,
    per_service,
    reach_move,
    reach_retire,
)
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


# --- issue 21's semantic points, on an enterprise built for them (tests/blueprints/semantics)

SEMANTICS = ROOT / "tests" / "blueprints" / "semantics"


@pytest.fixture(scope="module")
def semantics() -> Index:
    return Index(validate_paths([SEMANTICS]).graph)


def test_retiring_reaches_each_step_by_its_nearest_route(semantics: Index) -> None:
    """take-call uses portal, which depends on app, which depends on db: 3 relationships
    from db. check-record uses db (1) and supports take-call (2): the nearer route wins, and
    ask-online, supported by take-call, is 3 away."""
    b = Blueprints.scenario(semantics, "as-is")
    failing = failing_systems(semantics, ["db"])
    assert failing == {"db": 0, "app": 1, "portal": 2}
    direct = direct_users(b, failing)
    assert direct == {
        "desk.check-record": Reach(Route.SYSTEM, "db", 1),
        "desk.take-call": Reach(Route.DEPENDENT_SYSTEM, "portal", 3),
    }
    assert reach_retire(b, direct) == {
        "desk.check-record": Reach(Route.SYSTEM, "db", 1),
        "desk.take-call": Reach(Route.SUPPORTING_STEP, "desk.check-record", 2),
        "desk.ask-online": Reach(Route.SUPPORTING_STEP, "desk.take-call", 3),
    }
    classes, per = defaultdict(set), per_service()
    classify_retire(b, set(direct), classes, per)
    assert classes["desk.ask-online"] == {NO_WAY}
    assert per["desk"]["touchpoints_left"] == {"web"}


def test_moving_a_role_reaches_both_ends_of_each_changed_handoff(semantics: Index) -> None:
    """The performed steps go ops, care (the agent's check-record), ops, ops: moving the
    agent to ops removes take-call -> check-record and check-record -> file-record; both far
    ends are reached, through check-record, and every end carries the handoff removed."""
    b = Blueprints.scenario(semantics, "as-is")
    direct = {s: Reach(Route.ROLE, "agent", 1) for s in semantics.sources("PERFORMED_BY", "agent")}
    assert reach_move(b, direct, "agent", "ops") == {
        "desk.check-record": Reach(Route.ROLE, "agent", 1),
        "desk.take-call": Reach(Route.HANDOFF, "desk.check-record", 2),
        "desk.file-record": Reach(Route.HANDOFF, "desk.check-record", 2),
    }
    classes, per = defaultdict(set), per_service()
    classify_move(b, set(direct), "agent", "ops", classes, per)
    assert dict(classes) == {
        s: {HANDOFF_REMOVED} for s in ("desk.take-call", "desk.check-record", "desk.file-record")
    }
    assert (per["desk"]["before"], per["desk"]["after"]) == (2, 0)


def test_moments_reach_counts_customer_steps_like_the_other_figures(semantics: Index) -> None:
    """The printer can break greet, a frontstage moment of truth, and no customer step: it
    reaches no customer step, no service and, counted the same way, no moment of truth."""
    figures = system_figures(validate_paths([SEMANTICS]).graph)
    assert figures["printer"] == {
        "customer_reach": 0,
        "moments_reach": 0,
        "services_reach": 0,
        "single_point_for": 0,
    }
    # db can break ask-online, a customer moment of truth, through check-record and take-call
    assert figures["db"]["moments_reach"] == figures["db"]["customer_reach"] == 1
    sg = SupportGraph.from_graph(validate_paths([SEMANTICS]).graph)
    blast = sg.of_system("printer")
    assert blast.reach == {"desk.print-letter", "desk.greet"} and blast.moments_of_truth == []
