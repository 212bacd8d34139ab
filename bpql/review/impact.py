"""What a changed shared thing reaches, as `impact of` answers it.

The statements run for real, on a temporary embedded store holding the part of the graph an
`impact of` can reach from the things asked about: every shared thing and its links, and
every blueprint, whole, that has a step performed by one of the roles, using one of the
systems (or a system depending on one, however far), or at one of the touchpoints. `impact
of` reaches steps only through those relationships and the blueprints' own supports, so its
answer on that part is its answer on the whole graph (tests/test_review.py checks it against
a store holding everything); loading the part keeps a review of one change in a 1,000-service
enterprise to the few services it can touch.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict, deque
from collections.abc import Iterable
from pathlib import Path

from bpql.graphdata import GraphData
from bpql.ids import BLUEPRINT_SCOPED, SYSTEM_MEMBER
from bpql.review.model import Reach, ReachedStep
from bpql.schema import RELS, SHARED, VISIBLE_LANES

#: what `impact of` takes, by label, and how the query names it
KINDS = {"Department": "department", "Role": "role", "System": "system", "Touchpoint": "touchpoint"}


def _steps_reached(graph: GraphData, targets: Iterable[tuple[str, str]]) -> set[str]:
    """The steps `impact of` can reach directly from the targets (by role, system and its
    dependents, touchpoint, a department's roles and owned systems)."""
    into: defaultdict[str, defaultdict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in ("PERFORMED_BY", "USES", "AT_TOUCHPOINT", "MEMBER_OF", "OWNED_BY", "DEPENDS_ON"):
        for a, b in graph.rels.get(t, ()):
            into[t][b].append(a)
    roles: set[str] = set()
    systems: set[str] = set()
    touchpoints: set[str] = set()
    for label, id_ in targets:
        if label == "Role":
            roles.add(id_)
        elif label == "System":
            systems.add(id_)
        elif label == "Touchpoint":
            touchpoints.add(id_)
        elif label == "Department":
            roles.update(into["MEMBER_OF"][id_])
            systems.update(into["OWNED_BY"][id_])
    # every system that depends on one of them fails with it
    todo = deque(systems)
    while todo:
        for up in into["DEPENDS_ON"][todo.popleft()]:
            if up not in systems:
                systems.add(up)
                todo.append(up)
    steps: set[str] = set()
    for r in roles:
        steps.update(into["PERFORMED_BY"][r])
    for s in systems:
        steps.update(into["USES"][s])
    for t in touchpoints:
        steps.update(into["AT_TOUCHPOINT"][t])
    return steps


def part_of(graph: GraphData, targets: Iterable[tuple[str, str]]) -> GraphData:
    """The part of `graph` an `impact of` each target reads (see the module's docstring)."""
    steps = _steps_reached(graph, targets)
    blueprint_of = {b: a for a, b in graph.rels.get("HAS_STEP", ())}
    return subgraph(graph, {blueprint_of[s] for s in steps if s in blueprint_of})


def subgraph(graph: GraphData, blueprints: set[str]) -> GraphData:
    """These blueprints whole (their services, steps, phases, evidence, fail points, metrics
    and links), and every shared thing with its links."""
    services = {a for a, b in graph.rels.get("HAS_BLUEPRINT", ()) if b in blueprints}
    # a blueprint's own things carry its prefix: `claims.x` (as-is), `claims:to-be.x`
    prefixes = {b.split(":", 1)[0] if b.endswith(":as-is") else b for b in blueprints}
    keep: dict[str, set[str]] = {}
    part = GraphData()
    for label, nodes in graph.nodes.items():
        if label in SHARED:
            chosen = nodes
        elif label == "Service":
            chosen = [n for n in nodes if n["id"] in services]
        elif label == "Blueprint":
            chosen = [n for n in nodes if n["id"] in blueprints]
        elif label in BLUEPRINT_SCOPED:
            chosen = [
                n
                for n in nodes
                if SYSTEM_MEMBER in n["id"] or n["id"].rsplit(".", 1)[0] in prefixes
            ]
        else:
            chosen = nodes
        part.nodes[label] = list(chosen)
        keep[label] = {n["id"] for n in chosen}
    for t, pairs in graph.rels.items():
        src, dst = keep.get(RELS[t].src, set()), keep.get(RELS[t].dst, set())
        part.rels[t] = [(a, b) for a, b in pairs if a in src and b in dst]
    return part


def reach(
    graph: GraphData, targets: list[tuple[str, str]], revision: str
) -> dict[tuple[str, str], Reach]:
    """`impact of <kind> "<id>" scenario any` for each target, on one temporary store."""
    from bpql.api import connect as reader
    from bpql.backends.registry import connect
    from bpql.result import Result

    wanted = [(label, id_) for label, id_ in targets if label in KINDS]
    if not wanted:
        return {}
    part = part_of(graph, wanted)
    steps = {n["id"]: n for n in part.nodes["Step"]}
    out: dict[tuple[str, str], Reach] = {}
    with tempfile.TemporaryDirectory(prefix="bpql-review-") as tmp:
        uri = f"embedded:{Path(tmp) / 'graph.lbdb'}"
        with connect(uri, create=True) as writer:
            writer.replace_graph(part)
        with reader(uri) as db:  # read-only, as every command but load opens a store
            for label, id_ in wanted:
                query = f'impact of {KINDS[label]} "{id_}" scenario any'
                result = db.query(query, draw=False)
                assert isinstance(result, Result) and result.steps is not None
                services: dict[str, str] = {}
                customer: list[ReachedStep] = []
                count = 0
                for row in result.steps.dicts():
                    service_name, step, lane = row["service"], row["step"], row["lane"]
                    count += 1
                    service = step.split(":", 1)[0].split(".", 1)[0]
                    services.setdefault(service, service_name)
                    if lane in VISIBLE_LANES:
                        node = steps.get(step, {})
                        customer.append(
                            ReachedStep(
                                step,
                                str(node.get("name") or step),
                                lane,
                                service,
                                bool(node.get("moment_of_truth")),
                            )
                        )
                out[(label, id_)] = Reach(
                    revision,
                    query,
                    sorted(services.items()),
                    count,
                    sorted(customer, key=lambda s: s.id),
                )
    return out
