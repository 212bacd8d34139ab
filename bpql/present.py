"""Results for people: rich tables on a terminal, JSON and CSV for other programs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

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
    from rich.table import Table as RichTable

    if result.title:
        console.print(f"[bold]{result.title}[/bold]")
    if result.table is not None:
        t = RichTable(*result.table.columns, show_lines=False)
        for row in result.table.rows:
            t.add_row(*(cell_text(v) for v in row))
        console.print(t)
        n = len(result.table.rows)
        console.print(f"[dim]{n} row{'' if n == 1 else 's'}[/dim]")
    if result.graph is not None:
        g = result.graph
        if result.kind == "graph":
            t = RichTable("node", "kind", "name")
            for node in sorted(g.nodes.values(), key=lambda x: (x.label, x.id)):
                kind = node.labels[-1] if len(node.labels) > 1 else node.label
                t.add_row(node.key, kind, node.name)
            console.print(t)
        console.print(
            f"[dim]graph: {len(g.nodes)} nodes, {len(g.edges)} edges "
            f"(`--format json` for all of it; `bpql viz` to draw it)[/dim]"
        )
