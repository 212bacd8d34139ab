"""Results, the same whatever backend produced them.

Backends normalise their driver's values (Neo4j `Node`, LadybugDB dicts) into these types, so
the CLI, JSON, the differential tests and the visualisation never see a driver type.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any

from bpql.durations import Duration
from bpql.safe import csv_text


class Kind(str, enum.Enum):
    """What a result is, which picks how it is presented, drawn and written as JSON (the
    `PRESENTERS`, `VIEWS` and `SVG_EXPORTS` tables are keyed by it). Str-valued, so JSON and
    tables keyed by the words keep working."""

    TABLE = "table"
    GRAPH = "graph"
    IMPACT = "impact"
    BLUEPRINT = "blueprint"
    DIFF = "diff"
    WHATIF = "whatif"
    #: a blueprint with what `bpql observe` wrote on it (bpql/viz/observed.py)
    OBSERVED = "observed"
    EXPLAIN = "explain"

    def __str__(self) -> str:
        return self.value


class Mark:
    """Roles a result gives nodes for views to draw (`Result.highlight` keys); the page script
    receives the same names from `bpql.viz`, so they are spelled here only."""

    SOURCE = "source"
    DIRECT = "direct"
    VISIBLE = "visible"


@dataclass(frozen=True)
class GraphNode:
    """A node, keyed by `Label:id` because ids are unique per label only."""

    label: str
    id: str
    labels: tuple[str, ...]
    properties: dict[str, Any] = field(hash=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.label}:{self.id}"

    @property
    def name(self) -> str:
        return str(self.properties.get("name") or self.id)


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    type: str
    properties: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class GraphPath:
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    #: the unit of a column whose numbers are durations: {"max_wait": "minutes"}; their cells
    #: are `Duration`s, printed with units (`1h30m`) and kept as numbers in JSON
    units: dict[str, str] = field(default_factory=dict)

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=False)) for r in self.rows]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "columns": self.columns,
            "rows": [[_jsonable(v) for v in r] for r in self.rows],
        }
        if self.units:
            out["units"] = dict(sorted(self.units.items()))
        return out

    def to_csv(self) -> str:
        """CSV for a spreadsheet (`bpql.safe.csv_text`): durations as numbers, their unit in
        the header (`max_wait (minutes)`), so a spreadsheet sums them."""
        heads = [f"{c} ({self.units[c]})" if c in self.units else c for c in self.columns]
        return csv_text(heads, self.rows)


@dataclass
class Graph:
    nodes: dict[str, GraphNode] = field(default_factory=dict)
    edges: list[GraphEdge] = field(default_factory=list)

    def add_node(self, node: GraphNode) -> None:
        self.nodes.setdefault(node.key, node)

    def add_edge(self, edge: GraphEdge) -> None:
        if edge not in self._edge_set:
            self._edge_set.add(edge)
            self.edges.append(edge)

    def __post_init__(self) -> None:
        self._edge_set: set[GraphEdge] = set(self.edges)

    def absorb(self, value: Any) -> None:
        """Add every node, edge and path found in a (nested) result value."""
        if isinstance(value, GraphNode):
            self.add_node(value)
        elif isinstance(value, GraphEdge):
            self.add_edge(value)
        elif isinstance(value, GraphPath):
            for n in value.nodes:
                self.add_node(n)
            for e in value.edges:
                self.add_edge(e)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self.absorb(v)

    def to_json(self) -> dict[str, Any]:
        nodes = sorted(self.nodes.values(), key=lambda n: n.key)
        edges = sorted(self.edges, key=lambda e: (e.source, e.type, e.target))
        return {
            "nodes": [
                {"id": n.key, "labels": list(n.labels), "properties": _props(n.properties)}
                for n in nodes
            ],
            "edges": [
                {
                    "source": e.source,
                    "target": e.target,
                    "type": e.type,
                    "properties": _props(e.properties),
                }
                for e in edges
            ],
        }


#: how many rows a result's text form and HTML table show
REPR_ROWS = 8
REPR_HTML_ROWS = 50


@dataclass
class Result:
    """What a query returns: a table, a graph, or both (`impact of`)."""

    kind: Kind
    table: Table | None = None
    graph: Graph | None = None
    title: str = ""
    #: one more line about the result, for views (a blueprint's version and personas)
    subtitle: str = ""
    #: node keys by role, for views that highlight them (impact: source, direct, visible)
    highlight: dict[str, list[str]] = field(default_factory=dict)
    #: `impact of`: each affected step and the route that reaches it (route, via, hops)
    steps: Table | None = None
    #: a path answer's paths, each as node keys from its start to its end
    paths: list[list[str]] = field(default_factory=list)
    #: impact and what-if: departments x services, how many steps reached and how many of
    #: them customer-visible (`bpql.analysis.matrix`)
    matrix: dict[str, Any] | None = None
    #: a drawn answer with more steps than the nodes its caller draws one by one: how many
    #: (its subgraph was not read; the views draw it collapsed from its matrix)
    undrawn: int | None = None
    #: the ids of the services the answer's tables name, by name (impact and what-if): what
    #: a view draws services by when it has no subgraph (not part of the JSON)
    service_ids: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            self.kind = Kind(self.kind)
        except ValueError:
            kinds = ", ".join(k.value for k in Kind)
            raise ValueError(f"no result kind {self.kind!r}; the kinds are {kinds}") from None

    def node_order(self) -> list[GraphNode]:
        """The graph's nodes as people read them: along the paths for a path answer (first
        appearance), else by kind and id."""
        assert self.graph is not None
        seen = dict.fromkeys(k for p in self.paths for k in p)
        rest = sorted(
            (n for k, n in self.graph.nodes.items() if k not in seen), key=lambda x: (x.label, x.id)
        )
        return [self.graph.nodes[k] for k in seen if k in self.graph.nodes] + rest

    def to_json(self) -> dict[str, Any]:
        """The answer as JSON, one shape for every statement (docs/language.md, "JSON
        answers"): `kind` first, then `title`, `columns` and `rows` (a graph answer's rows are
        its nodes: kind, id, name, as the explorer lists them), then the parts this answer has
        (`units`, `steps`, `graph`, `paths`, `highlight`, `matrix`, or a subclass's own)."""
        doc: dict[str, Any] = {"kind": self.kind.value, "title": self.title}
        doc.update(self.rows_table().to_json())
        for key, value in self.json_parts().items():
            doc.setdefault(key, value)
        return doc

    def rows_table(self) -> Table:
        """The answer's rows: its table, else its graph's nodes in reading order."""
        if self.table is not None:
            return self.table
        if self.graph is not None:
            return Table(
                ["kind", "id", "name"], [[n.label, n.id, n.name] for n in self.node_order()]
            )
        return Table([], [])

    def rows(self, limit: int | None = None, offset: int = 0) -> Table:
        """A page of the answer's rows: `limit` of them (all when None) from `offset`. The rows
        are those that grow with the question: an impact or what-if answer's step rows (24 a
        service at the synthetic enterprise's size), else its table (`rows_table`)."""
        table = self.steps if self.steps is not None else self.rows_table()
        return Table(table.columns, table.rows[_page(limit, offset)], table.units)

    def row_count(self) -> int:
        """How many rows `rows()` pages over."""
        return len(self.steps.rows if self.steps is not None else self.rows_table().rows)

    def page(self, limit: int | None = None, offset: int = 0) -> Result:
        """The same answer holding only a page of its rows (`rows`), its other parts whole:
        what `--format json --limit/--offset` writes."""
        import dataclasses

        if self.steps is not None:
            return dataclasses.replace(self, steps=self.rows(limit, offset))
        if self.table is not None:
            return dataclasses.replace(self, table=self.rows(limit, offset))
        _page(limit, offset)  # a graph answer's rows are its nodes, kept with its graph
        return self

    def json_parts(self) -> dict[str, Any]:
        """The parts of the JSON after the rows; a diff and an explain add their own."""
        out: dict[str, Any] = {}
        if self.steps is not None:
            out["steps"] = self.steps.to_json()
        if self.graph is not None:
            out["graph"] = self.graph.to_json()
        if self.paths:
            out["paths"] = self.paths
        if self.highlight:
            out["highlight"] = {k: sorted(v) for k, v in sorted(self.highlight.items())}
        if self.matrix is not None:
            out["matrix"] = self.matrix
        if self.undrawn is not None:
            out["undrawn"] = self.undrawn
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)

    # --- in a notebook or a REPL: a short text, an HTML table; never a dataclass dump --------

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # a dataclass subclass (compare.DiffResult) would write its own field-by-field repr
        super().__init_subclass__(**kwargs)
        if "__repr__" not in cls.__dict__:
            cls.__repr__ = Result.__repr__  # type: ignore[method-assign]

    def counts(self) -> str:
        """What the answer holds, in words: `3 rows`, `23 nodes, 30 edges`."""
        out = []
        if self.table is not None:
            n = len(self.table.rows)
            out.append(f"{n} row{'' if n == 1 else 's'}")
        if self.steps is not None:
            out.append(f"{len(self.steps.rows)} steps")
        if self.graph is not None:
            out.append(f"{len(self.graph.nodes)} nodes, {len(self.graph.edges)} edges")
        return ", ".join(out) or "empty"

    def __repr__(self) -> str:
        title = f" {_shown(self.title)!r}" if self.title else ""
        return f"<Result {self.kind}{title}: {self.counts()}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.summary())

    def summary(self, rows: int = REPR_ROWS, width: int = 100) -> str:
        """A few lines: kind, title and counts, then the table's first rows (or, for a graph,
        its nodes per kind)."""
        lines = [repr(self)]
        table = self.table
        if table is None and self.graph is not None:
            table = _kinds(self.graph)
        if table is not None and table.columns:
            shown = [[_short(c) for c in table.columns]]
            shown += [[_short(cell_text(v)) for v in r] for r in table.rows[:rows]]
            widths = [max(len(r[i]) for r in shown) for i in range(len(table.columns))]
            for r in shown:
                line = "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip()
                lines.append("  " + (line if len(line) <= width else line[: width - 1] + "\u2026"))
            if len(table.rows) > rows:
                lines.append(f"  ... {len(table.rows) - rows} more rows")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The answer as a notebook shows it: a heading, then an HTML table (the first
        `REPR_HTML_ROWS` rows; a graph answer's nodes per kind)."""
        from html import escape

        def cell(v: Any) -> str:
            return escape(_shown(cell_text(v)))

        head = escape(f"{self.kind}" + (f": {_shown(self.title)}" if self.title else ""))
        out = [f'<div class="bpql-result"><p><b>{head}</b> ({escape(self.counts())})</p>']
        table = self.table
        if table is None and self.graph is not None:
            table = _kinds(self.graph)
        if table is not None:
            out.append("<table><thead><tr>")
            out.extend(f"<th>{cell(c)}</th>" for c in table.columns)
            out.append("</tr></thead><tbody>")
            for r in table.rows[:REPR_HTML_ROWS]:
                out.append("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in r) + "</tr>")
            out.append("</tbody></table>")
            if len(table.rows) > REPR_HTML_ROWS:
                out.append(f"<p>... {len(table.rows) - REPR_HTML_ROWS} more rows</p>")
        if self.graph is not None and self.kind in ("graph", "impact", "blueprint", "whatif"):
            out.append("<p><code>viz()</code> draws it.</p>")
        out.append("</div>")
        return "".join(out)


def _page(limit: int | None, offset: int) -> slice:
    """The slice of rows a page takes; a negative limit or offset is refused in one line."""
    from bpql.errors import BpqlError

    if offset < 0 or (limit is not None and limit < 0):
        raise BpqlError(
            f"a page of rows takes a limit and an offset of 0 or more; got limit {limit}, "
            f"offset {offset}",
            code="BPQL-C014",
        )
    return slice(offset, None if limit is None else offset + limit)


def _shown(text: str) -> str:
    """Text kept on one line, controls written as escapes."""
    from bpql.errors import escape_breaks

    return escape_breaks(str(text))


def _short(text: str, limit: int = 40) -> str:
    text = _shown(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _kinds(graph: Graph) -> Table:
    """A graph's nodes per kind and relationships per type, as a table."""
    from collections import Counter

    nodes = Counter(n.label for n in graph.nodes.values())
    edges = Counter(e.type for e in graph.edges)
    rows: list[list[Any]] = [["node", k, n] for k, n in sorted(nodes.items())]
    rows += [["relationship", k, n] for k, n in sorted(edges.items())]
    return Table(["what", "kind", "count"], rows)


def _props(p: dict[str, Any]) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in sorted(p.items()) if v is not None}


def _jsonable(v: Any) -> Any:
    if isinstance(v, Duration):
        return float(v)
    if isinstance(v, GraphNode):
        return v.key
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return v
    return v


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return "; ".join(_cell(x) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Duration):
        return str(v)
    if isinstance(v, float):
        return f"{v:.15g}"  # `:g` printed 1234567.0 as 1.23457e+06
    return str(v)


def cell_text(v: Any) -> str:
    """A value as plain text (a list as `a; b`, a duration with units); a terminal gets it
    through `bpql.safe.terminal_text`, a spreadsheet through `bpql.safe.spreadsheet_cell`."""
    return _cell(v)
