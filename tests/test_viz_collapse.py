"""A result too large to draw one node at a time, collapsed: per service, and per department
once a group per service would pass the cap (bpql.viz.layout.MAX_GROUPS), on answers of the
real embedded store. The page's expansion of a department group is in tests/test_viz.py."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bpql.api import Client
from bpql.ids import service_of
from bpql.result import Graph
from bpql.testing.synthetic import answer_graph
from bpql.viz import layout
from bpql.viz.page import _Page


def performing(client: Client, graph: Graph) -> dict[str, Counter[str]]:
    """Per service, how many of its steps in `graph` each department performs, read from the
    store itself (not from what the answer put on its nodes)."""
    steps = [n.id for n in graph.nodes.values() if n.label == "Step"]
    _, rows = client.backend.read(
        "UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:PERFORMED_BY]->(:Role)"
        "-[:MEMBER_OF]->(d:Department) RETURN DISTINCT s.id, d.name",
        {"steps": steps},
    )
    out: dict[str, Counter[str]] = {}
    for step, department in rows:
        sid = service_of("Step", step)
        assert sid is not None
        out.setdefault(sid, Counter())[department] += 1
    return out


def page_nodes(html: str) -> list[dict[str, Any]]:
    found = re.search(
        r"<script type=\"application/json\" id=\"bpql-nodes\">(.*?)</script>", html, re.S
    )
    assert found is not None
    nodes: list[dict[str, Any]] = json.loads(found.group(1))
    return nodes


def test_past_the_cap_services_collapse_per_department(
    synthetic40: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = synthetic40.query('impact of department "dept-03"')
    assert result.graph is not None
    graph = result.graph
    services = {s for n in graph.nodes.values() if (s := service_of(n.label, n.id))}
    assert len(services) == 40
    # under the cap: a group per service, as before
    assert all(
        k.split(":")[0] != "Department" or k == "Department:*"
        for k in layout.aggregate(graph).graph.nodes
    )
    monkeypatch.setattr(layout, "MAX_GROUPS", 30)
    agg = layout.aggregate(graph)
    assert len(agg.graph.nodes) <= 30
    groups = {k: v for k, v in agg.services.items()}
    assert groups and not any(k.startswith("Service:") for k in agg.graph.nodes)
    # each service in the group of the department that performs most of its reached steps
    counts = performing(synthetic40, graph)
    for gkey, held in groups.items():
        department = gkey.split(":", 1)[1]
        for sid, name, n in held:
            c = counts[sid]
            assert c[department] == max(c.values())
            assert name == graph.nodes[f"Service:{sid}"].name
            assert n == sum(1 for k in agg.members[gkey] if k.split(":", 1)[1].startswith(sid))
    assert sorted(sid for held in groups.values() for sid, _, _ in held) == sorted(services)
    # a group holds every node of its services, and nothing else
    for gkey, held in groups.items():
        mine = {sid for sid, _, _ in held}
        expected = {k for k, n in graph.nodes.items() if service_of(n.label, n.id) in mine}
        assert set(agg.members[gkey]) == expected
    assert sum(len(m) for m in agg.members.values()) == len(graph.nodes)

    # the page: a department group carries its services for the page to open
    view = synthetic40.viz(result, max_nodes=200)
    assert view.kind == "aggregate" and view.nodes == len(agg.graph.nodes)
    assert view.message is not None and "collapsed per department" in view.message
    drawn = {n["id"]: n for n in page_nodes(view.html)}
    for gkey, held in groups.items():
        assert drawn[gkey]["services"] == [list(s) for s in held]


def test_more_departments_than_room_keep_the_cap(
    synthetic40: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = synthetic40.query('impact of department "dept-03"')
    assert result.graph is not None
    monkeypatch.setattr(layout, "MAX_GROUPS", 9)
    agg = layout.aggregate(result.graph)
    assert len(agg.graph.nodes) <= 9
    assert f"Department:{layout.OTHER_DEPARTMENTS}" in agg.graph.nodes
    assert sum(len(m) for m in agg.members.values()) == len(result.graph.nodes)


def test_a_show_answer_groups_by_the_departments_it_reaches(
    synthetic40: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `show ... depth 2` has no departments on its steps: it reaches the roles performing
    # them, and the MEMBER_OF edges of the roles of the department that owns `core` only
    result = synthetic40.query('show system "core" depth 2')
    graph = result.graph
    assert graph is not None
    assert not any("departments" in n.properties for n in graph.nodes.values())
    monkeypatch.setattr(layout, "MAX_GROUPS", 20)
    agg = layout.aggregate(graph)
    assert len(agg.graph.nodes) <= 20
    placed = {sid: g.split(":", 1)[1] for g, held in agg.services.items() for sid, _, _ in held}
    assert len(placed) == 40
    # per service, its steps in the answer performed by a role whose department the answer
    # holds (by that department, read from the store), and by one whose it does not
    shown = {e.source for e in graph.edges if e.type == "MEMBER_OF"}
    store = performing(synthetic40, graph)
    known: dict[str, Counter[str]] = {}
    unknown: Counter[str] = Counter()
    for e in graph.edges:
        if e.type != "PERFORMED_BY":
            continue
        sid = service_of("Step", e.source.split(":", 1)[1])
        assert sid is not None
        if e.target in shown:
            known.setdefault(sid, Counter())[e.source] += 1
        else:
            unknown[sid] += 1
    assert any(d == layout.NO_DEPARTMENT for d in placed.values())
    for sid, department in placed.items():
        steps_known = len(known.get(sid, {}))
        if department == layout.NO_DEPARTMENT:
            assert steps_known <= unknown[sid]
        else:  # the department the store says performs them, and more of them than unknown
            assert store[sid][department] > 0 and steps_known > unknown[sid]


def test_the_collapse_of_ten_thousand_services_is_capped() -> None:
    graph = answer_graph(10_000, steps=2)
    agg = layout.aggregate(graph)
    assert len(agg.graph.nodes) <= layout.MAX_GROUPS
    assert sum(len(held) for held in agg.services.values()) == 10_000


def test_page_items_are_pyvis_items() -> None:
    """The page's own lists hold what pyvis's Network would (its membership tests were the
    quadratic part), so the pages are unchanged."""
    from pyvis.network import Network

    graph = answer_graph(3, steps=4)
    page = _Page("graph", "t", physics=False, edge_labels=True)
    net = Network(directed=True)
    for key in sorted(graph.nodes):
        page.node(graph.nodes[key])
        page.node(graph.nodes[key])  # a node twice is drawn once
    for item in page.items:
        net.add_node(item["id"], **{k: v for k, v in item.items() if k != "id"})
    for e in graph.edges:
        page.edge(e)
    for link in page.links:
        net.add_edge(
            link["from"],
            link["to"],
            **{k: v for k, v in link.items() if k not in ("from", "to", "arrows")},
        )
    nodes, edges, *_ = net.get_network_data()
    assert page.items == nodes and page.links == edges
    assert len(page.items) == len(graph.nodes)


# --- an answer reaching more steps than are drawn: its subgraph is not read -----------------

BIG = 'impact of department "dept-03"'


def test_past_max_nodes_the_drawing_is_not_read(
    synthetic40: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The drawing's statements never reach the store; the tables, the steps and the matrix
    are those of the drawn answer; `undrawn` says how many steps it reached."""
    drawn = synthetic40.query(BIG)
    assert drawn.graph is not None and drawn.steps is not None and drawn.undrawn is None
    (plan,) = synthetic40.explain(BIG)
    drawing = {s.cypher for s in plan.statements if s.draws}
    assert drawing, "the plan has drawing statements"
    sent: list[str] = []
    read = synthetic40.backend.read

    def recorded(cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        sent.append(cypher)
        return read(cypher, params)

    monkeypatch.setattr(synthetic40.backend, "read", recorded)
    steps = len(drawn.steps.rows)
    collapsed = synthetic40.query(BIG, max_nodes=steps - 1)
    assert sent and not drawing & set(sent)
    assert collapsed.graph is None and collapsed.undrawn == steps
    expected = {k: v for k, v in drawn.to_json().items() if k != "graph"}
    assert collapsed.to_json() == {**expected, "undrawn": steps}
    # at the answer's own size it is drawn whole, and the same as without a bound
    sent.clear()
    whole = synthetic40.query(BIG, max_nodes=steps)
    assert drawing <= set(sent) and whole.undrawn is None
    assert whole.to_json() == drawn.to_json()


def test_a_what_if_past_max_nodes_is_not_drawn(synthetic40: Client) -> None:
    query = 'impact of retiring system "core"'
    drawn = synthetic40.query(query)
    assert drawn.graph is not None and drawn.steps is not None
    collapsed = synthetic40.query(query, max_nodes=1)
    assert collapsed.graph is None and collapsed.undrawn == len(drawn.steps.rows)
    assert collapsed.matrix == drawn.matrix and collapsed.table == drawn.table


def _cells(matrix: dict[str, Any]) -> dict[tuple[str, str], int]:
    return {
        (row["department"], str(service)): cell[0]
        for row in matrix["rows"]
        for service, cell in zip(matrix["services"], row["cells"], strict=True)
        if cell is not None and cell[0]
    }


def test_the_matrix_collapses_to_departments_and_services(synthetic40: Client) -> None:
    result = synthetic40.query(BIG, max_nodes=1)
    assert result.matrix is not None
    cells = _cells(result.matrix)
    ids = result.service_ids
    agg = layout.from_matrix(result.matrix, ids)
    departments = {d for d, _ in cells}
    services = {s for _, s in cells}
    # services by their ids (as the store has them), named by their names
    assert set(ids) == services and all(ids[s].startswith("svc-") for s in services)
    assert set(agg.graph.nodes) == {f"Department:{d}" for d in departments} | {
        f"Service:{ids[s]}" for s in services
    }
    assert all(agg.graph.nodes[f"Service:{ids[s]}"].name == s for s in services)
    # an edge per cell, weighted by its steps; a service weighs its steps, each once
    named = {ids[s]: s for s in services}
    assert {
        (e.source.split(":", 1)[1], named[e.target.split(":", 1)[1]]): e.properties["steps"]
        for e in agg.graph.edges
    } == cells
    totals = dict(zip(map(str, result.matrix["services"]), result.matrix["total"], strict=True))
    assert all(agg.weights[f"Service:{ids[s]}"] == totals[s][0] for s in services)
    assert not agg.services


def test_past_the_cap_the_matrix_collapses_per_department(
    synthetic40: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = synthetic40.query(BIG, max_nodes=1)
    assert result.matrix is not None
    cells = _cells(result.matrix)
    monkeypatch.setattr(layout, "MAX_GROUPS", 10)
    agg = layout.from_matrix(result.matrix, result.service_ids)
    assert len(agg.graph.nodes) <= 10
    held = {name: g for g, inside in agg.services.items() for _, name, _ in inside}
    opened = [entry for inside in agg.services.values() for entry in inside]
    assert all(i == result.service_ids[name] for i, name, _ in opened)
    assert sorted(held) == sorted(map(str, result.matrix["services"]))
    for service, group in held.items():
        mine = {d: n for (d, s), n in cells.items() if s == service}
        name = group.split(":", 1)[1]
        if name != layout.OTHER_DEPARTMENTS:  # the department performing most of its steps
            assert mine[name] == max(mine.values())

    # every step is either in its performer's own group or on the edge from its performer
    # (or the group of the departments left over) to the service's group
    def performer(d: str) -> str:
        key = f"Department:{d}"
        return key if key in agg.graph.nodes else f"Department:{layout.OTHER_DEPARTMENTS}"

    inside = sum(n for (d, s), n in cells.items() if performer(d) == held[s])
    across = sum(e.properties["steps"] for e in agg.graph.edges)
    assert inside + across == sum(cells.values())
    assert all(e.source != e.target for e in agg.graph.edges)
    monkeypatch.setattr(layout, "MAX_GROUPS", 4)
    small = layout.from_matrix(result.matrix)
    assert len(small.graph.nodes) <= 4
    assert f"Department:{layout.OTHER_DEPARTMENTS}" in small.graph.nodes


def test_the_page_of_an_answer_not_drawn(synthetic40: Client) -> None:
    view = synthetic40.viz(BIG, max_nodes=100)
    assert view.kind == "aggregate" and view.message is not None
    assert "its subgraph was not read" in view.message
    assert "more than the 100 nodes drawn one by one" in view.message
    nodes = page_nodes(view.html)
    result = synthetic40.query(BIG, max_nodes=100)
    assert result.matrix is not None
    assert len(nodes) == len(layout.from_matrix(result.matrix, result.service_ids).graph.nodes)


def test_bpql_viz_draws_an_answer_past_max_nodes_from_its_matrix(
    synthetic40: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The page is written with the note saying why; an SVG, which would draw every step, is
    refused in one line and nothing is written."""
    from bpql.cli import main

    page = tmp_path / "big.html"
    args = ["viz", BIG, "--db", synthetic40.uri, "--max-nodes", "50"]
    assert main([*args, "-o", str(page)]) == 0
    said = capsys.readouterr()
    assert "its subgraph was not read" in said.err and page.is_file()
    assert "wrote" in said.out and "aggregate view" in said.out
    picture = tmp_path / "big.svg"
    assert main([*args, "-o", str(picture)]) != 0
    said = capsys.readouterr()
    assert "BPQL-V026" in said.err or "raise --max-nodes" in said.err
    assert len(said.err.strip().splitlines()) == 1 and not picture.exists()


@pytest.mark.neo4j
def test_an_answer_not_drawn_is_the_same_on_both_stores(insurer: dict[str, Client]) -> None:
    """Past `max_nodes` the drawing is skipped on Neo4j too, and both stores give the same
    tables, matrix and count."""
    answers = {
        kind: client.query('impact of department "billing"', max_nodes=2)
        for kind, client in insurer.items()
    }
    assert len(answers) == 2
    first, second = (a.to_json() for a in answers.values())
    assert first == second and first["undrawn"] > 2 and "graph" not in first
