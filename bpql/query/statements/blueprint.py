"""One blueprint of a service, with what the classic diagram draws beside its steps
(`bpql viz --blueprint`, `Client.blueprint`).

It runs as `show blueprint "<id>" depth 2` (so through both dialects, every value a parameter)
and keeps the blueprint's own steps and phases, and the evidence, touchpoints, systems and fail
points of those steps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from bpql.errors import QueryError
from bpql.ids import blueprint_id, parse_blueprint_id
from bpql.query import ir
from bpql.result import Graph, GraphNode, Kind, Result
from bpql.schema import SCENARIOS

#: what the blueprint diagram draws beside a step, by the relationship that attaches it
BLUEPRINT_ATTACHED = ("SHOWS", "AT_TOUCHPOINT", "USES", "HAS_FAIL_POINT")
#: relationships drawn between the things of one blueprint
BLUEPRINT_EDGES = ("NEXT", "SUPPORTS", *BLUEPRINT_ATTACHED)


def choose(
    service: Callable[[], ir.Target],
    blueprints: list[tuple[str, str]],
    scenario: str,
    variant: str | None,
) -> tuple[ir.Target, ir.Target]:
    """The service (looked up by `service`) and its blueprint of that scenario (and variant)
    among the store's (id, name) `blueprints`; a clear error when there is none or more than
    one."""
    if scenario not in SCENARIOS:
        raise QueryError(
            f"scenario: expected one of {', '.join(SCENARIOS)}; got {scenario!r}",
            code="BPQL-Q005",
        )
    return _chosen(service(), blueprints, scenario, variant)


def _chosen(
    service: ir.Target, blueprints: list[tuple[str, str]], scenario: str, variant: str | None
) -> tuple[ir.Target, ir.Target]:
    mine = {
        i: (parse_blueprint_id(i), n)
        for i, n in blueprints
        if parse_blueprint_id(i).service == service.id
    }
    found = {i: n for i, (ref, n) in mine.items() if ref.scenario == scenario}
    wanted = [
        i for i in found if variant is None or i == blueprint_id(service.id, scenario, variant)
    ]
    if len(wanted) == 1:
        return service, ir.Target("Blueprint", wanted[0], found[wanted[0]])
    named = sorted(f'"{v}"' for i, (ref, _) in mine.items() if i in found and (v := ref.variant))
    if blueprint_id(service.id, scenario) in found:  # the unnamed one: --variant ""
        named.append('"" for the one without a variant')
    variants = ", ".join(named)
    if not found:
        others = sorted(i.split(":", 1)[1] for i in mine)
        raise QueryError(
            f'service "{service.name}" has no {scenario} blueprint'
            + (f"; it has: {', '.join(others)}" if others else ""),
            code="BPQL-Q006",
        )
    if variant is not None:
        raise QueryError(
            f'service "{service.name}" has no {scenario} '
            + (f'variant "{variant}"' if variant else "blueprint without a variant")
            + (f"; choose with --variant: {variants}" if variants else ""),
            code="BPQL-Q007",
        )
    raise QueryError(
        f'service "{service.name}" has {len(found)} {scenario} blueprints; choose one '
        f"with --variant: {variants}",
        code="BPQL-Q008",
    )


def blueprint(
    service: ir.Target,
    chosen: ir.Target,
    scenario: str,
    show: Callable[[ir.ShowIR], Result],
) -> Result:
    """The blueprint `chosen` of `service`, from its neighbourhood (`show`)."""
    shown = show(ir.ShowIR(chosen, depth=2))
    assert shown.graph is not None
    graph, bp = _blueprint_only(shown.graph, f"Blueprint:{chosen.id}")
    personas = sorted(
        shown.graph.nodes[e.target].name
        for e in shown.graph.edges
        if e.source == bp.key and e.type == "FOR_PERSONA"
    )
    facts = [f"blueprint {chosen.id}"]
    if bp.properties.get("version"):
        facts.append(f"version {bp.properties['version']}")
    if personas:
        facts.append(f"personas: {', '.join(personas)}")
    return Result(
        Kind.BLUEPRINT,
        graph=graph,
        title=f"{service.name}: {scenario} blueprint"
        + (f" ({bp.properties['variant']})" if bp.properties.get("variant") else ""),
        subtitle="; ".join(facts),
    )


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
