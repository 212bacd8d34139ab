"""A large enterprise written as blueprint files, for the views' large-result tests and bench/.

It goes through the real pipeline (files, validation, load, query) like any enterprise; only
its size and its seeded randomness are made up. Every service uses the `core` system, so
`show system "core" depth 2` reaches a few thousand nodes.
"""

from __future__ import annotations

import random
from pathlib import Path

from bpql.result import Graph
from bpql.schema import CHANNELS, LANES

LANE_KEYS = [lane.key for lane in LANES]


def write_enterprise(folder: Path, services: int = 60, steps: int = 24, seed: int = 1) -> Path:
    """Write `services` blueprints of `steps` steps each, with shared things, into `folder`."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "services").mkdir(exist_ok=True)
    departments = [f"dept-{i:02d}" for i in range(12)]
    roles = [(f"role-{i:03d}", departments[i % len(departments)]) for i in range(60)]
    systems = ["core"] + [f"sys-{i:03d}" for i in range(80)]
    touchpoints = [(f"tp-{i:03d}", CHANNELS[i % len(CHANNELS)]) for i in range(40)]
    lines = ["enterprise: Synthetic Group", "departments:"]
    lines += [f"  - {{id: {d}, name: Department {d[5:]}}}" for d in departments]
    lines.append("roles:")
    lines += [f"  - {{id: {r}, name: Role {r[5:]}, department: {d}}}" for r, d in roles]
    lines.append("systems:")
    for i, s in enumerate(systems):
        # each system depends only on systems declared before it, so there is no cycle
        deps = sorted(set(rnd.sample(systems[:i], k=min(i, 2)))) if i else []
        owner = departments[i % len(departments)]
        dep = f", depends_on: [{', '.join(deps)}]" if deps else ""
        lines.append(f"  - {{id: {s}, name: System {s}, kind: app, owner: {owner}{dep}}}")
    lines.append("touchpoints:")
    lines += [f"  - {{id: {t}, name: Touchpoint {t[3:]}, channel: {c}}}" for t, c in touchpoints]
    lines.append("personas:")
    lines += [f"  - {{id: persona-{i}, name: Persona {i}}}" for i in range(4)]
    (folder / "enterprise.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    for n in range(services):
        sid = f"svc-{n:03d}"
        out = [
            f"service: {{id: {sid}, name: Service {n:03d}}}",
            "scenario: as-is",
            f"personas: [persona-{n % 4}]",
            "phases:",
            *(f"  - {{id: ph{p}, name: Phase {p}}}" for p in range(4)),
            "steps:",
        ]
        made: list[tuple[str, str]] = []
        for k in range(steps):
            lane = LANE_KEYS[k % 4] if k >= 4 else LANE_KEYS[k]
            step = f"s{k:02d}"
            out += [f"  - id: {step}", f"    name: Step {k} of service {n}", f"    lane: {lane}"]
            out.append(f"    phase: ph{min(k * 4 // steps, 3)}")
            if lane in ("customer", "frontstage"):
                out.append(f"    touchpoint: {rnd.choice(touchpoints)[0]}")
            if lane != "customer":
                out.append(f"    performed_by: {rnd.choice(roles)[0]}")
                used = {"core"} if k % 6 == 3 else set()
                used |= set(rnd.sample(systems[1:], k=2))
                out.append(f"    uses: [{', '.join(sorted(used))}]")
                higher = [s for s, ln in made if LANE_KEYS.index(ln) < LANE_KEYS.index(lane)]
                if higher:
                    out.append(f"    supports: [{higher[-1]}]")
            if k % 5 == 2:
                sev, occ, det = rnd.randint(1, 10), rnd.randint(1, 10), rnd.randint(1, 10)
                out.append(
                    f"    fail_points:\n      - {{id: fp{k:02d}, name: Failure at step {k}, "
                    f"severity: {sev}, occurrence: {occ}, detection: {det}}}"
                )
            made.append((step, lane))
        (folder / "services" / f"{sid}.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")
    return folder


def answer_graph(services: int, steps: int = 24, departments: int = 12, seed: int = 1) -> Graph:
    """The subgraph of an answer that reaches `services` services, made without a store: each
    service with its as-is blueprint and `steps` steps (in time order, each step's performing
    departments on it as `impact of` puts them), the systems, roles and departments they use,
    the shape `impact of department` draws at scale. For the page builder's benchmarks and
    tests of its growth, where loading thousands of services would be most of the time."""
    from bpql.result import GraphEdge, GraphNode

    rnd = random.Random(seed)
    graph = Graph()
    depts = [f"dept-{i:02d}" for i in range(departments)]
    for d in depts:
        graph.add_node(GraphNode("Department", d, ("Department",), {"name": f"Department {d[5:]}"}))
    systems = [f"sys-{i:03d}" for i in range(80)]
    for s in systems:
        graph.add_node(GraphNode("System", s, ("System",), {"name": f"System {s}"}))
    for n in range(services):
        sid = f"svc-{n:05d}"
        bp = f"{sid}:as-is"
        graph.add_node(GraphNode("Service", sid, ("Service",), {"name": f"Service {n:05d}"}))
        graph.add_node(GraphNode("Blueprint", bp, ("Blueprint",), {"name": f"Service {n:05d}"}))
        graph.add_edge(GraphEdge(f"Service:{sid}", f"Blueprint:{bp}", "HAS_BLUEPRINT"))
        home = depts[n % len(depts)]
        previous = None
        for k in range(steps):
            key = f"Step:{sid}.s{k:02d}"
            lane = LANE_KEYS[k % 4]
            performer = home if rnd.random() < 0.7 else rnd.choice(depts)
            props = {"name": f"Step {k} of service {n}", "lane": lane, "seq": k}
            props["departments"] = [f"Department {performer[5:]}"]
            graph.add_node(GraphNode("Step", f"{sid}.s{k:02d}", ("Step",), props))
            graph.add_edge(GraphEdge(f"Blueprint:{bp}", key, "HAS_STEP"))
            graph.add_edge(GraphEdge(key, f"System:{rnd.choice(systems)}", "USES"))
            if previous is not None:
                graph.add_edge(GraphEdge(previous, key, "NEXT"))
            previous = key
    return graph
