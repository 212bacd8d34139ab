"""How long the store alone takes to count what a big impact's summary counts (issue 25's last
line: the default answer of a department's impact within 1 s at 10,000 services).

    python bench/summary_floor.py [--store PATH] [--neo4j] [--department dept-03] [--runs 5]

On stores already holding the synthetic enterprise (`--store` an embedded one, `--neo4j` the
server NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD name), per store the median of `--runs` runs
after a warm-up of:

- ours: `impact of department "..."` as `bpql query` asks it (`Client.query`, not drawn);
- the summary's counts with nothing else, hand-written and worked out in the store: per
  blueprint, its steps per lane, touchpoints and channels, fail points and the highest RPN,
  over every step of the enterprise. It finds no route, no step a support reaches, no
  department and no nearest route, all of which the answer needs too, so it is less than any
  hand-written summary (a department of the synthetic enterprise reaches almost every step),
  written two ways: one statement with OPTIONAL MATCH, or three without (their times added);
  the quicker is the floor;
- the same counts for the whole enterprise, not per blueprint (one row per lane): the walk
  over every step's touchpoint and fail point alone;
- the steps the department reaches, found in the store (the steps its roles perform or that
  use a system it owns or one depending on one, the systems worked out in Python as ours
  are), every step they support, and those steps counted per blueprint and lane: the reach
  with the least of the counts;
- a hand-written summary in one statement: that reach, then per blueprint and lane the steps,
  touchpoints and channels, fail points and the highest RPN, and per department performing
  them (the matrix's rows, less the steps no role performs, which take the departments of the
  step they are reached through: that needs the nearest route, which Cypher does not give).

It prints each figure, the ratio ours / floor, and whether the floor itself is within 1 s.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from queries import timed  # noqa: E402

from bpql.api import Client, connect  # noqa: E402

#: the labels past a step on each store: Neo4j's statements leave them out, as ours do
#: (a label test reads each node again there); LadybugDB needs them to pick the tables
ONE = {
    "ladybug": (
        "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step) "
        "OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint) "
        "OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f:FailPoint) "
        "RETURN b.id, count(DISTINCT s), collect(DISTINCT tp.name), "
        "collect(DISTINCT tp.channel), count(DISTINCT f), max(f.rpn)"
    ),
    "neo4j": (
        "MATCH (b:Blueprint)-[:HAS_STEP]->(s) "
        "OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp) "
        "OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f) "
        "RETURN b.id, count(DISTINCT s), collect(DISTINCT tp.name), "
        "collect(DISTINCT tp.channel), count(DISTINCT f), max(f.rpn)"
    ),
}
LANES = "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step) RETURN b.id, s.lane, count(*)"
THREE = {
    "ladybug": (
        LANES,
        "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:AT_TOUCHPOINT]->(tp:Touchpoint) "
        "RETURN b.id, collect(DISTINCT tp.name), collect(DISTINCT tp.channel)",
        "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:HAS_FAIL_POINT]->(f:FailPoint) "
        "RETURN b.id, count(f), max(f.rpn)",
    ),
    "neo4j": (
        "MATCH (b:Blueprint)-[:HAS_STEP]->(s) RETURN b.id, s.lane, count(*)",
        "MATCH (b:Blueprint)-[:HAS_STEP]->()-[:AT_TOUCHPOINT]->(tp) "
        "RETURN b.id, collect(DISTINCT tp.name), collect(DISTINCT tp.channel)",
        "MATCH (b:Blueprint)-[:HAS_STEP]->()-[:HAS_FAIL_POINT]->(f) "
        "RETURN b.id, count(f), max(f.rpn)",
    ),
}
WHOLE = {
    "ladybug": (
        "MATCH (s:Step) OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint) "
        "OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f:FailPoint) "
        "RETURN s.lane, count(*), count(DISTINCT tp), max(f.rpn)"
    ),
    "neo4j": (
        "MATCH (s:Step) OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp) "
        "OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f) "
        "RETURN s.lane, count(*), count(DISTINCT tp), max(f.rpn)"
    ),
}


REACH = {
    "ladybug": (
        "MATCH (s:Step) WHERE EXISTS { MATCH (s)-[:USES]->(y:System) WHERE y.id IN $systems } "
        "OR EXISTS { MATCH (s)-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(:Department {id: $d}) } "
        "WITH s MATCH (s)-[:SUPPORTS*0..3]->(h:Step) WITH DISTINCT h "
        "MATCH (b:Blueprint)-[:HAS_STEP]->(h) RETURN b.id, h.lane, count(*)"
    ),
    "neo4j": (
        "MATCH (s:Step) WHERE EXISTS { (s)-[:USES]->(y) WHERE y.id IN $systems } "
        "OR EXISTS { (s)-[:PERFORMED_BY]->()-[:MEMBER_OF]->(:Department {id: $d}) } "
        "MATCH (s)-[:SUPPORTS*0..3]->(h) WITH DISTINCT h "
        "MATCH (b:Blueprint)-[:HAS_STEP]->(h) RETURN b.id, h.lane, count(*)"
    ),
}


FACTS = {
    "ladybug": (
        "MATCH (b:Blueprint)-[:HAS_STEP]->(h) "
        "OPTIONAL MATCH (h)-[:AT_TOUCHPOINT]->(tp:Touchpoint) "
        "OPTIONAL MATCH (h)-[:HAS_FAIL_POINT]->(f:FailPoint) "
        "OPTIONAL MATCH (h)-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(dd:Department) "
    ),
    "neo4j": (
        "MATCH (b:Blueprint)-[:HAS_STEP]->(h) "
        "OPTIONAL MATCH (h)-[:AT_TOUCHPOINT]->(tp) "
        "OPTIONAL MATCH (h)-[:HAS_FAIL_POINT]->(f) "
        "OPTIONAL MATCH (h)-[:PERFORMED_BY]->()-[:MEMBER_OF]->(dd) "
    ),
}
#: the hand-written summary: the reach (REACH, up to its counting), then the facts counted
SUMMARY = {
    kind: REACH[kind].split("MATCH (b:Blueprint)")[0]
    + FACTS[kind]
    + "RETURN b.id, h.lane, dd.id, count(DISTINCT h), collect(DISTINCT tp.name), "
    "collect(DISTINCT tp.channel), count(DISTINCT f), max(f.rpn)"
    for kind in REACH
}


def systems_reached(client: Client, department: str) -> list[str]:
    """The systems a department's systems route goes through: those it owns and every system
    depending on one of them (bpql/analysis/systems.py, as ours works them out)."""
    from bpql.analysis.graph import Index
    from bpql.analysis.systems import failing_systems
    from bpql.graphdata import GraphData

    read = client.backend.read
    graph = GraphData()
    graph.rels["DEPENDS_ON"].extend(
        read("MATCH (a:System)-[:DEPENDS_ON]->(b:System) RETURN a.id, b.id", {})[1]
    )
    owned = read(
        "MATCH (z:System)-[:OWNED_BY]->(t:Department {id: $d}) RETURN z.id", {"d": department}
    )[1]
    return sorted(failing_systems(Index(graph), [r[0] for r in owned], None))


def measure(client: Client, kind: str, department: str, runs: int) -> dict[str, float]:
    """Medians, seconds: ours and each hand-written count."""
    read = client.backend.read

    def run(cypher: str) -> Callable[[], Any]:
        return lambda: read(cypher, {})

    out: dict[str, float] = {}
    query = f'impact of department "{department}"'
    out["ours"], result = timed(lambda: client.query(query, draw=False), runs)
    assert result.table is not None
    out["services reached"] = len(result.table.rows)
    out["one statement"], _ = timed(run(ONE[kind]), runs)
    out["three statements"] = sum(timed(run(q), runs)[0] for q in THREE[kind])
    out["whole enterprise"], _ = timed(run(WHOLE[kind]), runs)
    params = {"systems": systems_reached(client, department), "d": department}
    out["reach, supports, lanes"], _ = timed(lambda: read(REACH[kind], params), runs)
    out["a summary, one statement"], _ = timed(lambda: read(SUMMARY[kind], params), runs)
    return out


def report(name: str, figures: dict[str, float]) -> None:
    floor = min(figures["one statement"], figures["three statements"])
    print(f"{name} ({int(figures['services reached']):,} services reached)")
    keys = ("ours", "one statement", "three statements", "whole enterprise")
    for key in (*keys, "reach, supports, lanes", "a summary, one statement"):
        print(f"  {key:<34} {figures[key]:7.3f} s")
    least = max(floor, figures["reach, supports, lanes"])
    print(f"  {'ours / the quicker count':<34} {figures['ours'] / floor:7.1f}x")
    ratio = figures["ours"] / figures["a summary, one statement"]
    print(f"  {'ours / the one-statement summary':<34} {ratio:7.1f}x")
    verdict = "within" if least <= 1.0 else "past"
    print(
        f"  a hand-written summary needs both the counts and the reach, each alone "
        f"{verdict} 1 s at its slower: {least:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="an embedded store holding the synthetic enterprise")
    parser.add_argument("--neo4j", action="store_true", help="the server NEO4J_URI names")
    parser.add_argument("--department", default="dept-03")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.store and not args.neo4j:
        parser.error("name a store: --store PATH, --neo4j, or both")
    print(f"medians of {args.runs} after a warm-up; impact of department {args.department!r}")
    if args.store:
        with connect(f"embedded:{Path(args.store)}") as client:
            report("embedded", measure(client, "ladybug", args.department, args.runs))
    if args.neo4j:
        with connect(os.environ["NEO4J_URI"]) as client:
            report("Neo4j", measure(client, "neo4j", args.department, args.runs))


if __name__ == "__main__":
    main()
