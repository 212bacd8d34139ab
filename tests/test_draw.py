"""An answer's tables without its drawing: `impact of`, `risk of` and what-if fetch their
subgraph (`graph.*`, `links.*` statements) only when the answer is drawn or written as JSON,
and their tables are the same either way, on both stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bpql import viz
from bpql.api import Client, connect
from bpql.errors import BpqlError
from tests.conftest import BACKENDS, EXAMPLES

QUERIES = [
    'impact of department "billing"',
    'impact of system "payments-gateway" within 1',
    'impact of role "claims-handler"',
    'impact of touchpoint "contact-centre"',
    'impact of department "claims" scenario "to-be"',
    'risk of system "crm"',
    'impact of retiring system "crm"',
    'impact of closing channel "letter"',
]


def tables(result: Any) -> Any:
    return result.kind, result.title, result.table, result.steps


@pytest.mark.parametrize("kind", BACKENDS)
def test_tables_are_the_same_without_the_drawing(insurer: dict[str, Client], kind: str) -> None:
    client = insurer[kind]
    for query in QUERIES:
        drawn, tabled = client.query(query), client.query(query, draw=False)
        assert drawn.graph is not None and drawn.graph.nodes, query
        assert tabled.graph is None, query
        assert tables(tabled) == tables(drawn), query
        assert tabled.table is not None and tabled.table.rows, query


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_drawing_statements_are_not_run_for_tables(
    insurer: dict[str, Client], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = insurer[kind]
    ran: list[str] = []
    read = client.backend.read

    def counting(cypher: str, params: dict[str, Any]) -> Any:
        ran.append(cypher)
        return read(cypher, params)

    monkeypatch.setattr(client.backend, "read", counting)
    (plan,) = client.explain('impact of department "billing"')
    drawing = [st.cypher for st in plan.statements if st.draws]
    assert drawing and len(drawing) < len(plan.statements)
    client.query('impact of department "billing"', draw=False)
    assert ran and not set(ran) & set(drawing)
    ran.clear()
    client.query('impact of department "billing"')
    assert set(drawing) <= set(ran)


def test_a_table_only_answer_refuses_to_be_drawn_clearly(tmp_path: Path) -> None:
    with connect(f"embedded:{tmp_path / 'graph.lbdb'}") as client:
        client.load(EXAMPLES / "insurer")
        result = client.query('impact of department "billing"', draw=False)
        with pytest.raises(BpqlError) as err:
            viz.render(result)
        assert err.value.code == "BPQL-V024"
        assert client.viz('impact of department "billing"').nodes > 0


def test_a_terminal_lists_the_first_steps_of_a_large_impact() -> None:
    """`bpql query` as a table prints every affected service and the first `STEPS_SHOWN`
    steps: 24,000 step rows took 11 s to print and no one reads them on a terminal."""
    import io

    from rich.console import Console

    from bpql.present.terminal import STEPS_SHOWN, show
    from bpql.result import Result, Table

    steps = Table(
        ["service", "step", "lane", "route", "via", "hops"],
        [["Claims", f"claims.s{i:03}", "backstage", "role", "clerk", None] for i in range(100)],
    )
    result = Result(
        "impact", table=Table(["service", "steps"], [["Claims", 100]]), steps=steps, title="t"
    )
    out = io.StringIO()
    show(result, Console(file=out, width=120))
    text = out.getvalue()
    assert f"claims.s{STEPS_SHOWN - 1:03}" in text and f"claims.s{STEPS_SHOWN:03}" not in text
    assert f"the first {STEPS_SHOWN} of 100 steps; `--all` prints every one" in text
    assert "Claims" in text and "bpql viz" in text
