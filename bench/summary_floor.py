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
  over every step's touchpoint and fail point alone.

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
    return out


def report(name: str, figures: dict[str, float]) -> None:
    floor = min(figures["one statement"], figures["three statements"])
    print(f"{name} ({int(figures['services reached']):,} services reached)")
    for key in ("ours", "one statement", "three statements", "whole enterprise"):
        print(f"  {key:<34} {figures[key]:7.3f} s")
    print(f"  {'ours / floor':<34} {figures['ours'] / floor:7.1f}x")
    verdict = "within" if floor <= 1.0 else "past"
    print(f"  the floor, per blueprint, is {verdict} 1 s: {floor:.3f} s")


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
