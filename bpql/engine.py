"""The engine: parse, resolve, render for the backend's dialect, run, shape the result.

It is the only stage that sees both a backend and the compiler; each step before it is pure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bpql import ir
from bpql.backends.base import Backend
from bpql.errors import QueryError
from bpql.render import DIALECTS
from bpql.resolve import Resolver
from bpql.result import Graph, GraphNode, Result, Table
from bpql.schema import LANES, SCENARIOS, VISIBLE_LANES
from bpql.syntax import ast, parse


class StoreCatalog:
    """Ids and names per label, read once per session, for resolving references."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._cache: dict[str, list[tuple[str, str]]] = {}

    def entries(self, label: str) -> list[tuple[str, str]]:
        if label not in self._cache:
            _, rows = self.backend.read(
                f"MATCH (n:{label}) RETURN n.id AS id, n.name AS name ORDER BY id", {}
            )
            self._cache[label] = [(str(i), str(n or "")) for i, n in rows]
        return self._cache[label]

    def clear(self) -> None:
        self._cache.clear()


@dataclass
class Prepared:
    statement: ast.Statement
    query: ir.QueryIR | ir.ExplainIR


class Engine:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.catalog = StoreCatalog(backend)

    # --- compiling ----------------------------------------------------------------------
    def prepare(self, text: str) -> list[Prepared]:
        statements = parse(text)
        resolver = Resolver(self.catalog)
        out = []
        for stmt in statements:
            try:
                out.append(Prepared(stmt, resolver.resolve(stmt)))
            except QueryError as exc:
                raise exc.with_source(text) from None
        return out

    def compile(self, query: ir.QueryIR, dialect: str | None = None) -> ir.Compiled:
        return DIALECTS[dialect or self.backend.dialect]().compile(query)

    def explain(self, text: str, dialect: str | None = None) -> list[ir.Compiled]:
        compiled = []
        for p in self.prepare(text):
            q = p.query.query if isinstance(p.query, ir.ExplainIR) else p.query
            compiled.append(self.compile(q, dialect))
        return compiled

    # --- running ------------------------------------------------------------------------
    def run(self, text: str) -> list[Result | ir.Compiled]:
        results: list[Result | ir.Compiled] = []
        for p in self.prepare(text):
            if isinstance(p.query, ir.ExplainIR):
                results.append(self.compile(p.query.query))
            else:
                results.append(self.execute(p.query))
        return results

    def execute(self, query: ir.QueryIR) -> Result:
        compiled = self.compile(query)
        if isinstance(query, ir.FindIR):
            cypher, params = compiled.statements[0]
            columns, rows = self.backend.read(cypher, params)
            keep = [i for i, c in enumerate(columns) if not c.startswith("_")]
            table = Table(
                [columns[i] for i in keep],
                [[_tidy(row[i]) for i in keep] for row in rows],
            )
            return Result("table", table=table)
        if isinstance(query, ir.ImpactIR):
            return self._impact(query, compiled)
        graph = Graph()
        cypher, params = compiled.statements[0]
        _, rows = self.backend.read(cypher, params)
        for row in rows:
            graph.absorb(row)
        title = ""
        if isinstance(query, ir.PathIR) and not graph.edges:
            title = (
                f'no path from {query.source.label.lower()} "{query.source.name}" to '
                f'{query.target.label.lower()} "{query.target.name}" within '
                f"{query.within} steps"
            )
        ends = [query.source, query.target] if isinstance(query, ir.PathIR) else [query.target]
        # what the query was about, for views to mark; only the ones the graph holds
        marked = [k for k in (f"{t.label}:{t.id}" for t in ends) if k in graph.nodes]
        return Result("graph", graph=graph, title=title, highlight={"source": marked})

    def blueprint(
        self, service: str, scenario: str = "as-is", variant: str | None = None
    ) -> Result:
        """One blueprint of a service, with what the classic diagram draws beside its steps.

        It runs as `show blueprint "<id>" depth 2` (so through both dialects, every value a
        parameter) and keeps the blueprint's own steps and phases, and the evidence,
        touchpoints, systems and fail points of those steps.
        """
        if scenario not in SCENARIOS:
            raise QueryError(f"scenario: expected one of {', '.join(SCENARIOS)}; got {scenario!r}")
        target = Resolver(self.catalog).lookup("Service", service)
        prefix = f"{target.id}:{scenario}"
        found = {
            i: n
            for i, n in self.catalog.entries("Blueprint")
            if i == prefix or i.startswith(prefix + ":")
        }
        wanted = [i for i in found if variant is None or i == f"{prefix}:{variant}"]
        if len(wanted) != 1:
            variants = sorted(i.removeprefix(prefix + ":") for i in found if i != prefix)
            if not found:
                others = sorted(
                    i.split(":", 1)[1]
                    for i, _ in self.catalog.entries("Blueprint")
                    if i.startswith(target.id + ":")
                )
                raise QueryError(
                    f'service "{target.name}" has no {scenario} blueprint'
                    + (f"; it has: {', '.join(others)}" if others else "")
                )
            if variant is not None:
                raise QueryError(
                    f'service "{target.name}" has no {scenario} variant "{variant}"'
                    + (f"; its variants: {', '.join(variants)}" if variants else "")
                )
            raise QueryError(
                f'service "{target.name}" has {len(found)} {scenario} blueprints; choose one '
                f"with --variant: {', '.join(variants)}"
            )
        bid = wanted[0]
        shown = self.execute(ir.ShowIR(ir.Target("Blueprint", bid, found[bid]), depth=2))
        assert shown.graph is not None
        graph, bp = _blueprint_only(shown.graph, f"Blueprint:{bid}")
        personas = sorted(
            shown.graph.nodes[e.target].name
            for e in shown.graph.edges
            if e.source == bp.key and e.type == "FOR_PERSONA"
        )
        facts = [f"blueprint {bid}"]
        if bp.properties.get("version"):
            facts.append(f"version {bp.properties['version']}")
        if personas:
            facts.append(f"personas: {', '.join(personas)}")
        return Result(
            "blueprint",
            graph=graph,
            title=f"{target.name}: {scenario} blueprint"
            + (f" ({bp.properties['variant']})" if bp.properties.get("variant") else ""),
            subtitle="; ".join(facts),
        )

    def _impact(self, query: ir.ImpactIR, compiled: ir.Compiled) -> Result:
        (src_q, src_p), (direct_q, direct_p), (up_q, _), (facts_q, _), *parts = compiled.statements
        direct = [r[0] for r in self.backend.read(direct_q, direct_p)[1]]
        supported = [r[0] for r in self.backend.read(up_q, {"direct": direct})[1]]
        steps = sorted(set(direct) | set(supported))
        _, facts = self.backend.read(facts_q, {"steps": steps})
        graph = Graph()
        for row in self.backend.read(src_q, src_p)[1]:
            graph.absorb(row)
        for part_q, part_p in parts if steps else []:
            for row in self.backend.read(part_q, {**part_p, "direct": direct, "steps": steps})[1]:
                graph.absorb(row)
        per: dict[str, dict[str, Any]] = {}
        visible: set[str] = set()
        for service_id, service, step, lane, tp, channel, fp, rpn in facts:
            s = per.setdefault(
                service_id,
                {
                    "service": service,
                    "steps": {},
                    "touchpoints": set(),
                    "channels": set(),
                    "failpoints": {},
                },
            )
            s["steps"][step] = lane
            if tp:
                s["touchpoints"].add(tp)
            if channel:
                s["channels"].add(channel)
            if fp:
                s["failpoints"][fp] = rpn
            if lane in VISIBLE_LANES:
                visible.add(f"Step:{step}")
        lanes = [lane.key for lane in LANES]
        columns = [
            "service",
            "steps",
            *lanes,
            "visible",
            "touchpoints",
            "channels",
            "failpoints",
            "max_rpn",
        ]
        rows = []
        for sid in sorted(per):
            s = per[sid]
            by_lane: defaultdict[str, int] = defaultdict(int)
            for lane in s["steps"].values():
                by_lane[lane] += 1
            rpns = [r for r in s["failpoints"].values() if r is not None]
            rows.append(
                [
                    s["service"],
                    len(s["steps"]),
                    *(by_lane[lane] for lane in lanes),
                    sum(by_lane[lane] for lane in VISIBLE_LANES),
                    sorted(s["touchpoints"]),
                    sorted(s["channels"]),
                    len(s["failpoints"]),
                    max(rpns) if rpns else None,
                ]
            )
        src_key = f"{query.source.label}:{query.source.id}"
        return Result(
            "impact",
            table=Table(columns, rows),
            graph=graph,
            title=f'impact of {query.source.label.lower()} "{query.source.name}"',
            highlight={
                "source": [src_key],
                "direct": sorted(f"Step:{s}" for s in direct),
                "visible": sorted(visible),
            },
        )


#: what the blueprint diagram draws beside a step, by the relationship that attaches it
BLUEPRINT_ATTACHED = ("SHOWS", "AT_TOUCHPOINT", "USES", "HAS_FAIL_POINT")
#: relationships drawn between the things of one blueprint
BLUEPRINT_EDGES = ("NEXT", "SUPPORTS", *BLUEPRINT_ATTACHED)


def _blueprint_only(graph: Graph, bp_key: str) -> tuple[Graph, GraphNode]:
    """The blueprint's own part of its neighbourhood; a step carries its phase and roles."""
    bp = graph.nodes[bp_key]
    owned = {
        e.target for e in graph.edges if e.source == bp_key and e.type in ("HAS_STEP", "HAS_PHASE")
    }
    steps = {k for k in owned if graph.nodes[k].label == "Step"}
    phase: dict[str, str] = {}
    roles: defaultdict[str, list[str]] = defaultdict(list)
    keep = set(owned)
    for e in graph.edges:
        if e.source not in steps:
            continue
        if e.type in BLUEPRINT_ATTACHED:
            keep.add(e.target)
        elif e.type == "IN_PHASE":
            phase[e.source] = graph.nodes[e.target].id
        elif e.type == "PERFORMED_BY":
            roles[e.source].append(graph.nodes[e.target].name)
    out = Graph()
    for key in sorted(keep):
        n = graph.nodes[key]
        if key in steps:
            props = {**n.properties, "phase": phase.get(key), "roles": sorted(roles[key]) or None}
            n = GraphNode(n.label, n.id, n.labels, props)
        out.add_node(n)
    for e in graph.edges:
        if e.type in BLUEPRINT_EDGES and e.source in keep and e.target in keep:
            out.add_edge(e)
    return out, bp


def _tidy(v: Any) -> Any:
    """Lists from collect() come in no particular order; sort them so backends agree."""
    if isinstance(v, list):
        return sorted((x for x in v if x is not None), key=lambda x: (str(type(x)), x))
    if isinstance(v, GraphNode):
        return v.key
    return v
