"""The engine: parse, resolve, render for the backend's dialect, run, shape the result.

It is the only stage that sees both a backend and the compiler; each step before it is pure.
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bpql import ir
from bpql.backends.base import Backend
from bpql.compiler import compile_ir, compile_text, resolve_text
from bpql.criticality import SupportGraph
from bpql.durations import Duration
from bpql.errors import QueryError
from bpql.ids import (
    blueprint_id,
    node_key,
    parse_blueprint_id,
    scenario_of,
    service_of,
)
from bpql.language import (
    IMPACT_ROUTES,
    RISK_AT_RISK,
    RISK_BROKEN,
    RISK_HIT,
    SUPPORTED_ROUTE,
)
from bpql.render.base import near_link
from bpql.resolve import Resolver
from bpql.result import (
    Graph,
    GraphEdge,
    GraphNode,
    GraphPath,
    Mark,
    Result,
    Table,
    drawn,
    graph_of_rows,
    part_names,
)
from bpql.schema import LANES, SCENARIOS, VISIBLE_LANES
from bpql.whatif import shape_whatif
from bpql.words import counted


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
    query: ir.QueryIR | ir.ExplainIR


#: a statement's answer: its column names and rows
Rows = tuple[list[str], list[list[Any]]]
#: called after each statement of a plan with its name and the rows so far
Check = Callable[[str, dict[str, Rows]], None]


class Engine:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.catalog = StoreCatalog(backend)

    # --- compiling ----------------------------------------------------------------------
    def prepare(self, text: str) -> list[Prepared]:
        resolved = resolve_text(text, self.catalog)
        return [Prepared(q) for q in resolved]

    def compile(self, query: ir.QueryIR, dialect: str | None = None) -> ir.Plan:
        return compile_ir(query, dialect or self.backend.dialect)

    def explain(self, text: str, dialect: str | None = None) -> list[ir.Plan]:
        return compile_text(text, self.catalog, dialect or self.backend.dialect)

    # --- running ------------------------------------------------------------------------
    def run(self, text: str, draw: bool = True) -> list[Result | ir.Plan]:
        """Each statement's answer; without `draw`, an answer that is more than its drawing
        (`impact of`, `risk of`, what-if) comes with its tables and no subgraph."""

        tries = 0

        def answer() -> list[Result | ir.Plan]:
            nonlocal tries
            if tries:  # read again after a load: its ids and names too
                self.catalog.clear()
            tries += 1
            results: list[Result | ir.Plan] = []
            for p in self.prepare(text):
                if isinstance(p.query, ir.ExplainIR):
                    results.append(self.compile(p.query.query))
                else:
                    results.append(self.execute(p.query, draw))
            return results

        # the catalog's reads (references resolved) and every plan's statements: one graph
        return self.backend.consistent(answer)

    def run_plan(
        self, plan: ir.Plan, check: Check | None = None, draw: bool = True
    ) -> dict[str, Rows]:
        """Every statement in order, by name; a statement's inputs are filled from the first
        column (or the column named, `statement#column`) of the earlier statements it names,
        less those of its `without`. `check` sees
        the rows so far after each statement and may stop the plan. Without `draw`, the
        drawing's statements (`Statement.draws`) are left out. All of them read one graph
        (`Backend.consistent`): a load committing meanwhile is seen by none or by all."""

        def run() -> dict[str, Rows]:
            out: dict[str, Rows] = {}
            for st in plan.statements:
                if st.draws and not draw:
                    continue
                params = dict(st.params)
                for param in st.inputs:
                    params[param] = st.input_values(param, out)
                out[st.name] = self.backend.read(st.cypher, params)
                if check is not None:
                    check(st.name, out)
            return out

        return self.backend.consistent(run)

    def execute(self, query: ir.QueryIR, draw: bool = True) -> Result:
        plan = self.compile(query)
        limit = LIMITS.get(query.kind)
        check = None if limit is None else (lambda name, out: limit(query, name, out))
        with _collector_paused():
            result = SHAPERS[query.kind](query, self.run_plan(plan, check, draw))
        if query.kind in VOLUMES:  # how many observed cases it touches (bpql observe)
            from bpql.observe.volumes import with_volumes

            result = with_volumes(self.backend, query, result)
        return result

    def blueprint(
        self, service: str, scenario: str = "as-is", variant: str | None = None
    ) -> Result:
        """One blueprint of a service, with what the classic diagram draws beside its steps.

        It runs as `show blueprint "<id>" depth 2` (so through both dialects, every value a
        parameter) and keeps the blueprint's own steps and phases, and the evidence,
        touchpoints, systems and fail points of those steps.
        """
        if scenario not in SCENARIOS:
            raise QueryError(
                f"scenario: expected one of {', '.join(SCENARIOS)}; got {scenario!r}",
                code="BPQL-Q005",
            )
        target = Resolver(self.catalog).lookup("Service", service)
        mine = {
            i: (parse_blueprint_id(i), n)
            for i, n in self.catalog.entries("Blueprint")
            if parse_blueprint_id(i).service == target.id
        }
        found = {i: n for i, (ref, n) in mine.items() if ref.scenario == scenario}
        wanted = [
            i for i in found if variant is None or i == blueprint_id(target.id, scenario, variant)
        ]
        if len(wanted) != 1:
            named = sorted(
                f'"{v}"' for i, (ref, _) in mine.items() if i in found and (v := ref.variant)
            )
            if blueprint_id(target.id, scenario) in found:  # the unnamed one: --variant ""
                named.append('"" for the one without a variant')
            variants = ", ".join(named)
            if not found:
                others = sorted(i.split(":", 1)[1] for i in mine)
                raise QueryError(
                    f'service "{target.name}" has no {scenario} blueprint'
                    + (f"; it has: {', '.join(others)}" if others else ""),
                    code="BPQL-Q006",
                )
            if variant is not None:
                raise QueryError(
                    f'service "{target.name}" has no {scenario} '
                    + (f'variant "{variant}"' if variant else "blueprint without a variant")
                    + (f"; choose with --variant: {variants}" if variants else ""),
                    code="BPQL-Q007",
                )
            raise QueryError(
                f'service "{target.name}" has {len(found)} {scenario} blueprints; choose one '
                f"with --variant: {variants}",
                code="BPQL-Q008",
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


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while rows become a result: an answer of 24,000 rows
    allocates a few hundred thousand containers, which set the collector off again and
    again over everything alive (150 ms of 850 ms at 1,000 services). Nothing made here
    needs it; it runs again, as before, afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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


# --- shapers: rows by statement name -> Result, one per IR kind ----------------------------


def _shape_table(query: ir.FindIR, rows: dict[str, Rows]) -> Result:
    columns, data = rows["rows"]
    keep = [i for i, c in enumerate(columns) if not c.startswith("_")]
    fields = [*query.columns, *([query.group_by] if query.group_by else [])]
    units = {f.name: f.unit for f in fields if f.unit}
    table = Table(
        [columns[i] for i in keep],
        [[_tidy(row[i], columns[i] in units) for i in keep] for row in data],
        units,
    )
    return Result("table", table=table)


def _marked(graph: Graph, ends: list[ir.Target]) -> dict[str, list[str]]:
    """What the query was about, for views to mark; only the nodes the graph holds."""
    keys = [node_key(t.label, t.id) for t in ends]
    return {Mark.SOURCE: [k for k in keys if k in graph.nodes]}


def _shape_show(query: ir.ShowIR, rows: dict[str, Rows]) -> Result:
    nodes: dict[Any, GraphNode] = {
        key: node for name in ("centre", "nodes") for key, node in rows.get(name, ([], []))[1]
    }
    graph = Graph()
    for node in sorted(nodes.values(), key=lambda n: n.key):
        graph.add_node(node)
    for name in ("edges.out", "edges.in"):
        for source, rel, target in rows[name][1]:
            if source in nodes and target in nodes:
                graph.add_edge(GraphEdge(nodes[source].key, nodes[target].key, rel))
    if query.scenario is not None:
        graph = _within_scenario(
            graph, node_key(query.target.label, query.target.id), query.scenario, query.depth
        )
    return Result("graph", graph=graph, highlight=_marked(graph, [query.target]))


def _show_limit(query: ir.ShowIR, name: str, rows: dict[str, Rows]) -> None:
    """Stop a neighbourhood as soon as a level takes it past `query.max_nodes`, before its
    nodes are fetched, naming the depth that still fits."""
    sizes: list[int] = []
    if name == "levels":  # every node at once, with its distance
        per = Counter(depth for _, depth in rows[name][1])
        for d in range(max(per, default=0) + 1):
            sizes.append(per[d] + (sizes[-1] if sizes else 0))
    elif name.startswith("level"):  # one level a statement
        seen: set[Any] = set()
        for d in range(int(name.removeprefix("level")) + 1):
            seen.update(r[0] for r in rows[f"level{d}"][1])
            sizes.append(len(seen))
    if not sizes:
        return
    if sizes[-1] <= query.max_nodes:
        return
    t = query.target
    depth = next(d for d, n in enumerate(sizes) if n > query.max_nodes)
    fits = f"depth {depth - 1} holds {sizes[depth - 1]:,}" if depth > 1 else ""
    raise QueryError(
        f'show {t.label.lower()} "{t.name}" depth {query.depth} reaches more than '
        f"{query.max_nodes:,} nodes ({sizes[depth]:,} by depth {depth})",
        code="BPQL-Q120",
        hints=[
            (f"lower the depth ({fits})" if fits else "show a thing with fewer neighbours")
            + ", or narrow the question with `find` or `impact of`"
        ],
    )


#: checks run while a plan runs, per IR kind
LIMITS: dict[str, Callable[[Any, str, dict[str, Rows]], None]] = {"show": _show_limit}


def _within_scenario(graph: Graph, centre: str, scenario: str, depth: int) -> Graph:
    """The part of a neighbourhood reached from its centre without entering another
    scenario's blueprint: things of other blueprints go, and so do shared things reached only
    through them (a system only a to-be step uses is not around the as-is service)."""

    def allowed(key: str) -> bool:
        n = graph.nodes[key]
        return scenario_of(n.label, n.id) in (None, scenario)

    near: defaultdict[str, set[str]] = defaultdict(set)
    for e in graph.edges:
        if allowed(e.source) and allowed(e.target):
            near[e.source].add(e.target)
            near[e.target].add(e.source)
    dist = {centre: 0}
    frontier = [centre]
    for d in range(1, depth + 1):
        frontier = [m for k in frontier for m in sorted(near[k]) if m not in dist]
        for m in frontier:
            dist.setdefault(m, d)
    out = Graph()
    for key in sorted(dist):
        out.add_node(graph.nodes[key])
    for e in graph.edges:
        if e.source in dist and e.target in dist and min(dist[e.source], dist[e.target]) < depth:
            out.add_edge(e)
    return out


def _shape_path(query: ir.PathIR, rows: dict[str, Rows]) -> Result:
    graph = graph_of_rows(rows, ["paths"])
    title = ""
    if not graph.edges:
        title = (
            f'no path from {query.source.label.lower()} "{query.source.name}" to '
            f'{query.target.label.lower()} "{query.target.name}" within '
            f"{query.within} steps"
        )
    return Result(
        "graph",
        graph=graph,
        title=title,
        highlight=_marked(graph, [query.source, query.target]),
        paths=_paths_from(rows["paths"][1], node_key(query.source.label, query.source.id)),
    )


def _paths_from(rows: list[list[Any]], start: str) -> list[list[str]]:
    """Each path as node keys from the source to the target, the paths in order of their keys
    (a store may hand a path over from either end)."""
    out = set()
    for row in rows:
        for p in row:
            if isinstance(p, GraphPath) and p.nodes:
                keys = [n.key for n in p.nodes]
                out.add(tuple(keys if keys[0] == start else keys[::-1]))
    return [list(p) for p in sorted(out)]


def _shape_impact(query: ir.ImpactIR, rows: dict[str, Rows]) -> Result:
    routes = IMPACT_ROUTES[query.source.label]
    direct = sorted({r[0] for x in routes for r in rows[f"route.{x.rule.relation}"][1]})
    facts = rows["facts"][1]
    graph = _impact_graph(query, rows) if drawn(rows) else None
    supported = _supported(direct, rows["supports"][1])
    names = dict(rows["services"][1])
    per: dict[str, dict[str, Any]] = {}
    visible: set[str] = set()
    where: dict[str, tuple[Any, ...]] = {}
    reached_steps = {*direct, *supported}
    service_of_bp: dict[str, str] = {}
    for step, lane, tp, channel, fp, rpn, order, seq, bp in facts:
        if step not in reached_steps:  # the facts are of the reached blueprints, whole
            continue
        if step not in where:
            service_id = service_of_bp.get(bp)
            if service_id is None:
                service_id = service_of_bp[bp] = service_of("Blueprint", bp) or ""
            where[step] = (
                service_id,
                bp,
                (order is None, order or 0),
                (seq is None, seq or 0),
                step,
                names.get(service_id),
                lane,
            )
            s = per.get(service_id)
            if s is None:
                s = per[service_id] = {
                    "service": names.get(service_id),
                    "steps": {},
                    "touchpoints": set(),
                    "channels": set(),
                    "failpoints": {},
                }
            s["steps"][step] = lane
            if lane in VISIBLE_LANES:
                visible.add(f"Step:{step}")
        else:
            s = per[where[step][0]]
        if tp:
            s["touchpoints"].add(tp)
        if channel:
            s["channels"].add(channel)
        if fp:
            s["failpoints"][fp] = rpn
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
    table_rows = []
    for sid in sorted(per):
        s = per[sid]
        by_lane: defaultdict[str, int] = defaultdict(int)
        for lane in s["steps"].values():
            by_lane[lane] += 1
        rpns = [r for r in s["failpoints"].values() if r is not None]
        table_rows.append(
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
    reached = _routes(query, rows, supported)
    performers: defaultdict[str, list[str]] = defaultdict(list)
    for step, department in rows.get("graph.departments", ([], []))[1]:
        performers[step].append(department)
    # in time order per service; step ids are unique, so the key's later items never count
    nobody = (None, None, None)
    step_rows = [
        [where[step][5], step, where[step][6], *reached.get(step, nobody)]
        for step in sorted(where, key=where.__getitem__)
    ]
    for step in where if graph is not None else ():
        assert graph is not None
        key = node_key("Step", step)
        if key in graph.nodes:  # the view shows a step's route beside its other facts
            route, via, hops = reached.get(step, nobody)
            n = graph.nodes[key]
            extra: dict[str, Any] = {"route": route, "via": via, "hops": hops}
            if performers.get(step):
                extra["departments"] = performers[step]
            graph.nodes[key] = GraphNode(n.label, n.id, n.labels, {**n.properties, **extra})
    return Result(
        "impact",
        table=Table(columns, table_rows),
        steps=Table(["service", "step", "lane", "route", "via", "hops"], step_rows),
        graph=graph,
        title=f'impact of {query.source.label.lower()} "{query.source.name}"',
        highlight={
            Mark.SOURCE: [node_key(query.source.label, query.source.id)],
            Mark.DIRECT: sorted(node_key("Step", s) for s in direct),
            Mark.VISIBLE: sorted(visible),
        },
    )


def _supported(direct: list[str], supports: list[list[Any]]) -> dict[str, str]:
    """The steps the reached ones support, each with the least reached step (by id) below it.
    SUPPORTS goes from a lower lane to a higher one within a blueprint (validated), so a
    chain has at most three hops, within `SUPPORT_CHAIN`, and the walk needs no bound."""
    below: defaultdict[str, list[str]] = defaultdict(list)
    for lower, higher in supports:
        below[higher].append(lower)
    reached = set(direct)
    memo: dict[str, str | None] = {}

    def least(step: str) -> str | None:
        if step in memo:
            return memo[step]
        found = None
        for lower in below.get(step, ()):
            for c in (lower if lower in reached else None, least(lower)):
                if c is not None and (found is None or c < found):
                    found = c
        memo[step] = found
        return found

    return {step: via for step in below if (via := least(step)) is not None}


def _routes(
    query: ir.ImpactIR, rows: dict[str, Rows], supported: dict[str, str]
) -> dict[str, tuple[str, str, int | None]]:
    """How each affected step is reached: (route, via, dependency hops), the nearest route
    first (fewest hops, then the order of `IMPACT_ROUTES`, then the via id). A step reached
    only because a reached step supports it names that step."""
    best: dict[str, tuple[tuple[int, int, str], tuple[str, str, int | None]]] = {}
    for order, route in enumerate(IMPACT_ROUTES[query.source.label]):
        rule = route.rule
        # a chained route: the hops of the shortest chain from each system it goes through
        hops_of: dict[str, int] = {
            y: hops for y, hops in rows.get(f"reach.{rule.relation}", ([], []))[1]
        }
        for step, vias, *_ in rows[f"route.{rule.relation}"][1]:
            hops, via = min((hops_of.get(v, 0), v) for v in vias)
            key = (hops, order, via)
            if step not in best or key < best[step][0]:
                name = route.far if hops and route.far else route.name
                best[step] = (key, (name, via, hops if rule.bounded else None))
    out = {step: found[1] for step, found in best.items()}
    for step, via in sorted(supported.items()):
        out.setdefault(step, (SUPPORTED_ROUTE, via, None))
    return out


def _impact_graph(query: ir.ImpactIR, rows: dict[str, Rows]) -> Graph:
    """The affected subgraph: the drawing's parts, a chained route's links from each step to
    the systems it goes through (from the `route.*` rows), and the chains from those systems
    to the source."""
    chains = [n for n in part_names(rows) if n.startswith("graph.chain.")]
    graph = graph_of_rows(rows, [n for n in part_names(rows) if n not in chains])
    for route in IMPACT_ROUTES[query.source.label]:
        rule = route.rule
        if rule.chain_at is None:
            continue
        rel, label = near_link(rule)
        links = [
            GraphEdge(node_key("Step", step), node_key(label, via), rel)
            for step, vias, *_ in rows[f"route.{rule.relation}"][1]
            for via in vias
        ]
        used = {e.target for e in links}
        for via, chain in rows.get(f"graph.chain.{rule.relation}", ([], []))[1]:
            if node_key(label, via) in used:
                graph.absorb(chain)
        for edge in links:
            if edge.source in graph.nodes and edge.target in graph.nodes:
                graph.add_edge(edge)
    return graph


def _shape_risk(query: ir.RiskIR, rows: dict[str, Rows]) -> Result:
    """Walk the fetched blueprints with `bpql.criticality`: what the failure can break and
    what it leaves with no working route, per customer step."""
    sg = SupportGraph()
    facts: dict[str, tuple[Any, ...]] = {}
    for sid, name, lane, moment, tp, tp_name, service_id, service, seq in rows["steps"][1]:
        sg.add_step(sid, lane, name, bool(moment), tp, service_id)
        facts[sid] = (service, name, bool(moment), tp_name, seq)
    for lower, higher in rows["supports"][1]:
        sg.add_support(lower, higher)
    hit = {r[0] for r in rows["hit"][1]}
    failing = {r[0] for r in rows["failing"][1]} if "failing" in rows else set()
    blast = sg.blast(hit, failing)
    broken = set(blast.broken)
    # per service, in time order
    customer = sorted(blast.customer_steps, key=lambda s: (facts[s][0], facts[s][4], s))
    table = Table(
        ["service", "step", "moment_of_truth", "touchpoint", "single_point"],
        [[facts[s][0], facts[s][1], facts[s][2], facts[s][3], s in broken] for s in customer],
    )
    graph = graph_of_rows(rows, part_names(rows))
    keep_steps = {node_key("Step", s) for s in blast.reach}
    keep = {k for k, n in graph.nodes.items() if n.label != "Step" or k in keep_steps}
    edges = [e for e in graph.edges if e.source in keep and e.target in keep]
    linked = {e.source for e in edges} | {e.target for e in edges}
    source = node_key(query.source.label, query.source.id)
    pruned = Graph(
        {k: n for k, n in graph.nodes.items() if k in keep and (k in linked or k == source)},
        edges,
    )
    what = f'{query.source.label.lower()} "{query.source.name}"'
    n_services = len({facts[s][0] for s in customer})

    # every step the failure reaches, how it is reached, for the impact view's bands
    def route(step: str) -> str:
        if step in hit:
            return RISK_HIT
        return RISK_BROKEN if step in broken else RISK_AT_RISK

    reached = sorted(blast.reach, key=lambda s: (facts[s][0], facts[s][4], s))
    steps = Table(
        ["service", "step", "lane", "route", "via", "hops"],
        [[facts[s][0], s, sg.lane.get(s), route(s), None, None] for s in reached],
    )
    return Result(
        "impact",
        table=table,
        steps=steps,
        graph=pruned if drawn(rows) else None,
        title=(
            f"risk of {what}: {counted(len(customer), 'customer step')} in "
            f"{counted(n_services, 'service')} can break; "
            f"{sum(1 for s in customer if s in broken)} of them have no other route"
        ),
        subtitle=(
            f"rings: the failing {query.source.label.lower()}, the steps it hits (red) and the "
            "customer-visible steps that can break (orange)"
        ),
        highlight={
            Mark.SOURCE: [source],
            Mark.DIRECT: sorted(node_key("Step", s) for s in hit),
            Mark.VISIBLE: sorted(
                node_key("Step", s) for s in blast.reach if sg.lane.get(s) in VISIBLE_LANES
            ),
        },
    )


def _shape_observed(query: ir.ObservedIR, rows: dict[str, Rows]) -> Result:
    from bpql.observe.query import shape

    return shape(query, rows)


#: answers that show observed volumes beside them, where `bpql observe` counted cases
VOLUMES = frozenset({"impact", "risk", "whatif"})


#: how each IR kind's rows become a Result
SHAPERS: dict[str, Callable[[Any, dict[str, Rows]], Result]] = {
    "find": _shape_table,
    "impact": _shape_impact,
    "risk": _shape_risk,
    "path": _shape_path,
    "show": _shape_show,
    # what-if, read-only (bpql/whatif.py)
    "whatif": shape_whatif,
    # what bpql observe wrote (bpql/observe/query.py)
    "observed": _shape_observed,
}


def _tidy(v: Any, duration: bool = False) -> Any:
    """Lists from collect() come in no particular order; sort them so backends agree.
    A duration column's numbers become `Duration`s, which print with units."""
    if duration and isinstance(v, (int, float)) and not isinstance(v, bool):
        return Duration(v)
    if isinstance(v, list):
        return sorted((x for x in v if x is not None), key=lambda x: (str(type(x)), x))
    if isinstance(v, GraphNode):
        return v.key
    return v
