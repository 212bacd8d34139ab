"""Results for people: rich tables on a terminal, JSON and CSV for other programs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bpql.errors import BpqlError
from bpql.result import Result, Table, cell_text

if TYPE_CHECKING:
    from rich.console import Console


def as_text(result: Result, fmt: str) -> str | None:
    """JSON or CSV text; None for `table`, which is drawn by `show`."""
    if fmt == "json":
        return json.dumps(result.to_json(), indent=2, ensure_ascii=False)
    if fmt == "csv":
        if result.table is not None:
            return result.table.to_csv().rstrip("\n")
        assert result.graph is not None
        nodes = Table(
            ["id", "label", "name"],
            [
                [n.key, n.label, n.name]
                for n in sorted(result.graph.nodes.values(), key=lambda n: n.key)
            ],
        )
        return nodes.to_csv().rstrip("\n")
    return None


def show(result: Result, console: Console) -> None:
    """Draw a result on a terminal with the presenter its kind names."""
    presenter = PRESENTERS.get(result.kind)
    if presenter is None:
        raise BpqlError(f"no terminal view of a {result.kind} result", code="BPQL-C009")
    if result.title:
        console.print(f"[bold]{result.title}[/bold]")
    presenter(result, console)


def _table(result: Result, console: Console) -> None:
    from rich.table import Table as RichTable

    assert result.table is not None
    t = RichTable(*result.table.columns, show_lines=False)
    for row in result.table.rows:
        t.add_row(*(cell_text(v) for v in row))
    console.print(t)
    n = len(result.table.rows)
    console.print(f"[dim]{n} row{'' if n == 1 else 's'}[/dim]")


def _nodes(result: Result, console: Console) -> None:
    from rich.table import Table as RichTable

    assert result.graph is not None
    t = RichTable("node", "kind", "name")
    for node in result.node_order():
        kind = node.labels[-1] if len(node.labels) > 1 else node.label
        t.add_row(node.key, kind, node.name)
    console.print(t)
    _graph_size(result, console)


def _graph_size(result: Result, console: Console) -> None:
    assert result.graph is not None
    g = result.graph
    console.print(
        f"[dim]graph: {len(g.nodes)} nodes, {len(g.edges)} edges "
        f"(`--format json` for all of it; `bpql viz` to draw it)[/dim]"
    )


def _impact(result: Result, console: Console) -> None:
    _table(result, console)
    if result.steps is not None and result.steps.rows:
        console.print("[bold]how each step is reached[/bold]")
        _table(Result("table", table=result.steps), console)
    _graph_size(result, console)


#: how each kind of result is drawn on a terminal
PRESENTERS: dict[str, Callable[[Result, Console], None]] = {
    "table": _table,
    "graph": _nodes,
    "impact": _impact,
    "blueprint": _graph_size,
}


def print_results(results: list[Any], fmt: str) -> None:
    """Print each result (or compiled plan, for `explain`) in `fmt`: table, json or csv."""
    from rich.console import Console

    from bpql.api import explain_text
    from bpql.ir import Compiled

    if fmt == "json" and len(results) > 1:
        # one document per run, so any JSON reader takes the output of a file of queries
        docs = [r.to_json() for r in results]
        print(json.dumps(docs, indent=2, ensure_ascii=False))
        return
    if fmt == "csv" and len(results) > 1:
        raise BpqlError(
            f"CSV holds one table, and these queries give {len(results)} answers: run them one "
            "at a time, or use --format json for all of them in one document",
            code="BPQL-C010",
        )
    console = Console()
    for i, r in enumerate(results):
        if i and fmt == "table":
            console.print()
        if isinstance(r, Compiled):
            print(json.dumps(r.to_json(), indent=2) if fmt == "json" else explain_text([r]))
            continue
        text = as_text(r, fmt)
        if text is None:
            show(r, console)
        else:
            print(text)
