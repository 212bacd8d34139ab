"""The redesign at 1,000 services: `bpql diff` and what-if, each beside hand-written baselines.

    python bench/redesign.py [--services 1000] [--db embedded:/tmp/syn.lbdb] [--runs 3]

A synthetic enterprise (bpql.testing.synthetic) is written and loaded into an embedded store
(or `--db` names one already holding it; loading 1,000 services takes minutes here). Printed,
as medians of `--runs`:

1. comparing two versions of the files, every blueprint (ours: one index per graph) against
   the naive hand-written way (each blueprint scans the whole graph's relationships);
2. reading every blueprint back from the store for `bpql diff` (ours: a blueprint's parts
   matched through its blueprint id) against the same reads matched through step ids, the
   obvious way to write them;
3. what-if `impact of retiring system "sys-050"` (ours, the whole plan and the Python
   classification) against the same parts matched through step ids.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bpql.analysis import compare
from bpql.api import connect
from bpql.backends import reads
from bpql.graphdata import GraphData
from bpql.model.validate import validate_paths
from bpql.schema import NODES
from bpql.testing.synthetic import write_enterprise


def median(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def naive_side(graph: GraphData, bid: str) -> tuple[set[str], list[tuple[str, str, str]]]:
    """What a blueprint's comparison needs, found the obvious way: every relationship of the
    graph scanned for each blueprint."""
    steps = {d for s, d in graph.rels["HAS_STEP"] if s == bid}
    facts = [
        (t, s, d)
        for t in ("IN_PHASE", "PERFORMED_BY", "USES", "AT_TOUCHPOINT", "HAS_FAIL_POINT", "SUPPORTS")
        for s, d in graph.rels[t]
        if s in steps
    ]
    return steps, facts


def naive_versions(old: GraphData, new: GraphData) -> int:
    bids = sorted({str(n["id"]) for n in old.nodes["Blueprint"]})
    return sum(naive_side(old, b) != naive_side(new, b) for b in bids)


def by_steps(backend: Any) -> int:
    """`stored_graph`'s step reads with the steps' ids as the list parameter."""
    _, rows = backend.read("MATCH (s:Step) RETURN s.id", {})
    steps = [r[0] for r in rows]
    n = 0
    for rel, dst in reads.STEP_RELATIONS:
        cols = ", ".join(f"n.`{p}`" for p in NODES[dst].prop_names)
        n += len(
            backend.read(
                f"MATCH (s:Step)-[:{rel}]->(n:{dst}) WHERE s.id IN $steps RETURN s.id, {cols}",
                {"steps": steps},
            )[1]
        )
    return n


#: the what-if plan's blueprint reads of the steps' relationships, written with the steps' ids
#: as the list parameter
BY_STEPS = {
    "blueprint.performed_by": "MATCH (s:Step)-[:PERFORMED_BY]->(n:Role) WHERE s.id IN $steps "
    "RETURN s.id AS source, n.id AS target, n.name AS name",
    "blueprint.supports": "MATCH (s:Step)-[:SUPPORTS]->(n:Step) WHERE s.id IN $steps "
    "RETURN s.id AS source, n.id AS target",
}


def whatif_by_steps(client: Any, query: str) -> Any:
    """The what-if plan run statement by statement as the engine does, its blueprint reads of
    the steps' relationships matched through step ids instead, then shaped the same way."""
    from bpql.query.plan import Answer
    from bpql.query.statements import spec_of

    engine = client.engine
    (prepared,) = engine.prepare(query)
    plan = engine.compile(prepared.query)
    out = Answer(plan)
    for st in plan.statements:
        if st.name in BY_STEPS:
            steps = sorted(set(out["blueprint.steps"].column("id")))
            out.put(st.name, client.backend.read(BY_STEPS[st.name], {"steps": steps})[1])
            continue
        out.put(st.name, st.run(client.backend.read, out))
    return spec_of(prepared.query).shape(prepared.query, out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--db", help="a store already holding the synthetic enterprise")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_enterprise(Path(tmp) / "syn", services=args.services)
        ent = validate_paths([folder])
        print(
            f"synthetic enterprise: {args.services} services, {len(ent.graph.nodes['Step'])} steps"
        )
        ours, c = median(lambda: compare.compare_versions(ent.graph, ent.graph), args.runs)
        naive, _ = median(lambda: naive_versions(ent.graph, ent.graph), 1)
        print(
            f"1. compare two versions, {len(c.blueprints)} blueprints: ours {ours:.2f} s, "
            f"naive (one scan per blueprint, 1 run) {naive:.2f} s, ratio {naive / ours:.1f}x"
        )
        db = args.db or f"embedded:{Path(tmp) / 'graph.lbdb'}"
        client = connect(db)
        if not args.db:
            t = time.perf_counter()
            client.load(folder)
            print(f"   (loaded in {time.perf_counter() - t:.0f} s)")
        ours, g = median(lambda: reads.stored_graph(client.backend, reads.Scope()), args.runs)
        base, _ = median(lambda: by_steps(client.backend), args.runs)
        print(
            f"2. read every blueprint back for bpql diff ({len(g.nodes['Step'])} steps): ours "
            f"{ours:.2f} s; step relations by step ids alone {base:.2f} s, ratio "
            f"{base / ours:.1f}x"
        )
        q = 'impact of retiring system "sys-050"'
        ours, r = median(lambda: client.query(q), args.runs)
        base, b = median(lambda: whatif_by_steps(client, q), args.runs)
        assert b.to_json() == r.to_json(), "the baseline gives the same answer"
        print(
            f"3. {q}: ours {ours:.2f} s ({r.title.split(': ', 1)[1]}); the same plan with "
            f"its blueprint parts by step ids {base:.2f} s, ratio {base / ours:.1f}x"
        )
        client.close()


if __name__ == "__main__":
    main()
