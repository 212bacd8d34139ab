"""What-if, read-only: each kind of change checked against answers worked out by hand from
examples/insurer (enterprise.yaml and services/claims*.yaml), on both stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from syrupy.assertion import SnapshotAssertion

from bpql.api import Client, connect
from bpql.errors import QueryError
from bpql.query.compiler import GraphCatalog, compile_text
from bpql.query.plan import Statement
from tests.conftest import DIALECTS, ROOT, open_store
from tests.test_load import bpql

if TYPE_CHECKING:
    from tests.neo4j_fixture import Neo4jInfo

#: query -> {step id: (route, via, hops, classes)}, and per service (service name:
#: (steps, customer_visible, moments, touchpoints left with no step, customer steps with no
#: way, handoffs before, handoffs after))
Expected = tuple[
    dict[str, tuple[str, str, int, list[str]]],
    dict[str, tuple[int, int, int, list[str], list[str], int | None, int | None]],
]

CV, MOT, NO_TP, NO_WAY = (
    "customer-visible",
    "moment of truth",
    "no touchpoint left",
    ("no way left to do it"),
)

HAND: dict[str, Expected] = {
    # claims.yaml: screen-fraud is the only step that uses fraud-screening (and no system
    # depends on it). It supports register-claim, which supports submit-claim and take-fnol;
    # take-fnol supports call-claims-line. register-claim keeps a working supporter
    # (send-reference), so nothing above it breaks. Hops are the relationships walked from
    # the system: screen-fraud uses it (1), register-claim is supported by screen-fraud (2).
    'impact of retiring system "fraud-screening"': (
        {
            "claims.screen-fraud": ("system", "fraud-screening", 1, []),
            "claims.register-claim": ("supporting step", "claims.screen-fraud", 2, []),
            "claims.submit-claim": ("supporting step", "claims.register-claim", 3, [CV, MOT]),
            "claims.take-fnol": ("supporting step", "claims.register-claim", 3, [CV]),
            "claims.call-claims-line": ("supporting step", "claims.take-fnol", 4, [CV]),
        },
        {"Motor claims": (5, 3, 1, [], [], None, None)},
    ),
    # claims-to-be.yaml: auto-register uses policy-admin itself; claims-engine and
    # billing-engine depend on policy-admin (enterprise.yaml), so chat-support, photo-triage,
    # review-complex (claims-engine) and instant-pay (billing-engine) are 2 hops away. Every
    # to-be step is then hit or supported only by hit steps: all three customer steps are
    # left with no way, and mobile-app and web-chat with no working step.
    'impact of retiring system "policy-admin" scenario "to-be"': (
        {
            "claims:to-be.submit-claim": (
                "supporting step",
                "claims:to-be.auto-register",
                2,
                [CV, MOT, NO_WAY],
            ),
            "claims:to-be.chat-support": ("dependent system", "claims-engine", 2, [CV]),
            "claims:to-be.auto-register": ("system", "policy-admin", 1, []),
            "claims:to-be.photo-triage": ("dependent system", "claims-engine", 2, []),
            "claims:to-be.review-complex": ("dependent system", "claims-engine", 2, []),
            "claims:to-be.track-claim": (
                "supporting step",
                "claims:to-be.review-complex",
                3,
                [CV, NO_WAY],
            ),
            "claims:to-be.instant-pay": ("dependent system", "billing-engine", 2, []),
            "claims:to-be.get-paid": (
                "supporting step",
                "claims:to-be.instant-pay",
                3,
                [CV, MOT, NO_WAY],
            ),
        },
        {
            "Motor claims": (
                8,
                4,
                2,
                ["mobile-app", "web-chat"],
                [
                    "claims:to-be.get-paid",
                    "claims:to-be.submit-claim",
                    "claims:to-be.track-claim",
                ],
                None,
                None,
            )
        },
    ),
    # fraud-investigator performs screen-fraud only. The claims time line's performed steps
    # go claims, claims, fraud, claims, ... (see tests/test_compare.py): with the role in
    # claims, the handoffs into and out of screen-fraud go: 4 -> 2. Both far ends are
    # reached: register-claim (handing over to screen-fraud) and book-adjuster (handed over
    # to), one hop beyond screen-fraud.
    'impact of moving role "fraud-investigator" to department "claims"': (
        {
            "claims.screen-fraud": ("role", "fraud-investigator", 1, ["handoff removed"]),
            "claims.register-claim": ("handoff", "claims.screen-fraud", 2, ["handoff removed"]),
            "claims.book-adjuster": ("handoff", "claims.screen-fraud", 2, [CV, "handoff removed"]),
        },
        {"Motor claims": (3, 1, 0, [], [], 4, 2)},
    ),
    # fnol-handler performs take-fnol, the first performed step (claims, then register-claim
    # in claims). Moved to customer service, take-fnol hands over to register-claim: 4 -> 5;
    # both ends carry the handoff created.
    'impact of moving role "fnol-handler" to department "customer-service"': (
        {
            "claims.take-fnol": ("role", "fnol-handler", 1, [CV, "handoff created"]),
            "claims.register-claim": ("handoff", "claims.take-fnol", 2, ["handoff created"]),
        },
        {"Motor claims": (2, 1, 0, [], [], 4, 5)},
    ),
    # post is the one letter touchpoint; four as-is customer steps are at post and at no
    # other touchpoint: each is left with no touchpoint and no way to be done.
    'impact of closing channel "letter"': (
        {
            "billing.pay-instalment": ("touchpoint", "post", 1, [CV, NO_TP, NO_WAY]),
            "claims.receive-decision": ("touchpoint", "post", 1, [CV, MOT, NO_TP, NO_WAY]),
            "complaints.read-response": ("touchpoint", "post", 1, [CV, MOT, NO_TP, NO_WAY]),
            "renewals.read-invite": ("touchpoint", "post", 1, [CV, MOT, NO_TP, NO_WAY]),
        },
        {
            "Complaints handling": (1, 1, 1, [], ["complaints.read-response"], None, None),
            "Motor claims": (1, 1, 1, [], ["claims.receive-decision"], None, None),
            "Policy renewal": (1, 1, 1, [], ["renewals.read-invite"], None, None),
            "Premium billing": (1, 1, 0, [], ["billing.pay-instalment"], None, None),
        },
    ),
    # web-chat serves one to-be step, chat-support (frontstage): it loses its touchpoint,
    # but it is not a customer step, so no customer step is left with no way.
    'impact of closing touchpoint "web-chat" scenario "to-be"': (
        {"claims:to-be.chat-support": ("touchpoint", "web-chat", 1, [CV, NO_TP])},
        {"Motor claims": (1, 1, 0, [], [], None, None)},
    ),
}


def answer(client: Client, query: str) -> Expected:
    r = client.query(query)
    assert r.kind == "whatif"
    assert r.steps is not None and r.table is not None
    steps = {
        row["step"]: (row["route"], row["via"], row["hops"], row["classes"])
        for row in r.steps.dicts()
    }
    services = {
        row["service"]: (
            row["steps"],
            row["customer_visible"],
            row["moments_of_truth"],
            row["touchpoints_left_with_no_step"],
            row["customer_steps_with_no_way"],
            row["handoffs_before"],
            row["handoffs_after"],
        )
        for row in r.table.dicts()
    }
    return steps, services


@pytest.fixture(scope="module")
def embedded(embedded_insurer: Client) -> Client:
    return embedded_insurer


@pytest.mark.parametrize("query", sorted(HAND))
def test_whatif_by_hand_embedded(embedded: Client, query: str) -> None:
    assert answer(embedded, query) == HAND[query]


@pytest.mark.parametrize("query", sorted(HAND))
def test_whatif_by_hand_neo4j(insurer: dict[str, Client], query: str) -> None:
    assert answer(insurer["neo4j"], query) == HAND[query]


def test_whatif_writes_nothing(embedded: Client) -> None:
    before = embedded.stats()
    for query in HAND:
        embedded.query(query)
    assert embedded.stats() == before


def test_whatif_plans_only_read(catalog: GraphCatalog) -> None:
    writes = ("CREATE", "MERGE", "SET ", "DELETE", "REMOVE")
    for query in HAND:
        for dialect in DIALECTS:
            (plan,) = compile_text(query, catalog, dialect)
            assert plan.kind == "whatif"
            for st in plan.statements:
                if not isinstance(st, Statement):  # worked out in Python
                    continue
                assert not any(w in st.cypher.upper() for w in writes), st.cypher
                # every value the user wrote is a parameter
                assert "fraud" not in st.cypher and "letter" not in st.cypher


def test_whatif_table_json_and_view(tmp_path: Path) -> None:
    db = f"embedded:{tmp_path / 'graph.lbdb'}"
    assert bpql("load", "examples/insurer", "--db", db).returncode == 0
    q = 'impact of closing channel "letter"'
    r = bpql("query", q, "--db", db, "--format", "json")
    assert r.returncode == 0, r.stderr
    doc: dict[str, Any] = json.loads(r.stdout)
    assert {row[1] for row in doc["steps"]["rows"]} == set(HAND[q][0])
    text = bpql("query", q, "--db", db).stdout
    assert 'impact of closing channel "letter": 4 steps reached in 4 services' in text
    assert "no touchpoint left" in text
    out = tmp_path / "whatif.html"
    r = bpql("viz", q, "-o", str(out), "--db", db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"wrote {out}: impact view, ")
    assert "default-src 'none'" in out.read_text()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ('impact of closing channel "pigeon"', "BPQL-Q140"),
        ('impact of closing system "crm"', "BPQL-Q141"),
        ('impact of retiring role "billing-clerk"', "BPQL-Q026"),
        ('impact of moving role "billing-clerk" to system "crm"', "BPQL-Q026"),
        ('impact of moving system "crm" to department "it"', "BPQL-Q026"),
        ('impact of retiring system "nope"', "BPQL-Q029"),
    ],
)
def test_whatif_mistakes(catalog: GraphCatalog, query: str, code: str) -> None:
    with pytest.raises(QueryError) as err:
        compile_text(query, catalog, "neo4j")
    assert err.value.code == code
    assert err.value.span is not None


def test_whatif_keeps_to_its_scenario(catalog: GraphCatalog) -> None:
    """A to-be touchpoint is shared, so it needs no clause; the plan reads as-is steps unless
    the query says otherwise (tested on the steps' ids: as-is ids hold no ':', bpql/ids.py)."""
    (plan,) = compile_text('impact of closing touchpoint "web-chat"', catalog, "ladybug")
    reached = next(s for s in plan.statements if s.name == "route.at")
    assert reached.params == {"source": "web-chat", "marker": ":"}
    assert "NOT s.id CONTAINS $marker" in reached.cypher


@pytest.mark.parametrize("dialect", DIALECTS)
def test_whatif_cypher_snapshot(
    catalog: GraphCatalog, dialect: str, snapshot: SnapshotAssertion
) -> None:
    """The Cypher each change runs as, per dialect (tests/__snapshots__/test_whatif.ambr;
    `--snapshot-update` after a deliberate change, then read the diff)."""
    from bpql.api import explain_text

    for query in HAND:
        assert explain_text(compile_text(query, catalog, dialect)) == snapshot(name=query)


@pytest.mark.parametrize(
    "query",
    [
        'impact of retiring system "crm"',
        'impact of moving role "billing-clerk" to department "customer-service"',
        'impact of closing channel "letter"',
    ],
)
def test_whatif_draws_every_step_reached_in_its_blueprint(embedded: Client, query: str) -> None:
    """The drawn subgraph holds every step reached, each linked to its blueprint and that to
    its service, and the relationships between the steps (a plan's `links` statements)."""
    result = embedded.query(query)
    assert result.graph is not None and result.steps is not None
    graph = result.graph
    edges = {(e.source, e.type, e.target) for e in graph.edges}
    for row in result.steps.rows:
        key = f"Step:{row[1]}"
        assert key in graph.nodes
        assert any(t == "HAS_STEP" and d == key for _, t, d in edges), key
    for src, type_, dst in edges:
        assert src in graph.nodes and dst in graph.nodes
        if type_ == "HAS_STEP":
            assert any(t == "HAS_BLUEPRINT" and d == src for _, t, d in edges), src


# --- issue 21's semantic points and one route vocabulary, on both stores ------------------

SEMANTICS = ROOT / "tests" / "blueprints" / "semantics"


def routes(client: Client, query: str) -> dict[str, tuple[str, str, int]]:
    steps = client.query(query).steps
    assert steps is not None
    return {r["step"]: (r["route"], r["via"], r["hops"]) for r in steps.dicts()}


def check_semantics(client: Client) -> None:
    """tests/blueprints/semantics/enterprise.yaml says why each answer is what it is."""
    retire = answer(client, 'impact of retiring system "db"')
    assert retire[0] == {
        "desk.check-record": ("system", "db", 1, []),
        "desk.take-call": ("supporting step", "desk.check-record", 2, [CV]),
        "desk.ask-online": ("supporting step", "desk.take-call", 3, [CV, MOT, NO_WAY]),
    }
    # impact of the system names the same steps by the same routes and hops
    same = {step: found[:3] for step, found in retire[0].items()}
    assert routes(client, 'impact of system "db"') == same
    move = answer(client, 'impact of moving role "agent" to department "ops"')
    removed = "handoff removed"
    assert move == (
        {
            "desk.take-call": ("handoff", "desk.check-record", 2, [CV, removed]),
            "desk.check-record": ("role", "agent", 1, [removed]),
            "desk.file-record": ("handoff", "desk.check-record", 2, [removed]),
        },
        {"Service desk": (3, 1, 0, [], [], 2, 0)},
    )
    q = "find systems return id, customer_reach, moments_reach, single_point_for order by id"
    table = client.query(q).table
    assert table is not None
    figures = {r[0]: r[1:] for r in table.rows}
    assert figures["printer"] == [0, 0, 0] and figures["db"] == [1, 1, 1]


@pytest.fixture(scope="module")
def semantic_embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    client = connect(f"embedded:{tmp_path_factory.mktemp('semantics') / 'graph.lbdb'}")
    client.load(SEMANTICS)
    yield client
    client.close()


@pytest.fixture(scope="module")
def semantic_neo4j(
    neo4j_server: Neo4jInfo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Client]:
    client = open_store("neo4j", tmp_path_factory.mktemp("semantics-neo4j"), neo4j_server)
    client.load(SEMANTICS)
    yield client
    client.close()


def test_semantics_embedded(semantic_embedded: Client) -> None:
    check_semantics(semantic_embedded)


def test_semantics_neo4j(semantic_neo4j: Client) -> None:
    check_semantics(semantic_neo4j)


@pytest.mark.parametrize("system", ["document-store", "crm", "billing-engine"])
def test_impact_of_a_system_and_of_retiring_it_agree(embedded: Client, system: str) -> None:
    """The same steps, by the same routes (one vocabulary) and hops (one convention): the
    relationships walked from the system to the step. `impact of` bounds the dependencies
    (`within 5` by default), which the insurer's chains never reach."""
    retiring = routes(embedded, f'impact of retiring system "{system}"')
    assert retiring and retiring == routes(embedded, f'impact of system "{system}"')
