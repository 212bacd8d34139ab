"""Neo4j 5: steps carry a lane label (`:Step:BackstageAction`), so lanes are tested by label."""

from __future__ import annotations

from bpql.query.render.base import Dialect
from bpql.schema import LANE_BY_KEY


class Neo4jDialect(Dialect):
    name = "neo4j"
    title = "Neo4j"
    lower = "toLower"
    # an EXISTS test walked from each of 1,000 services to see whether it reaches a system;
    # from the system's index it is 2-3x faster (LadybugDB is faster the other way round)
    relations_first = True
    shortest = (
        "MATCH (a:{a_label} {{id: {a_id}}}), (b:{b_label} {{id: {b_id}}})\n"
        "MATCH p = allShortestPaths((a)-[:{types}*..{within}]-(b))"
    )

    def node_has_lane(self, var: str, lanes: list[str], negate: bool) -> str | None:
        test = " OR ".join(f"{var}:{LANE_BY_KEY[lane].label}" for lane in lanes)
        test = f"({test})" if len(lanes) > 1 else test
        return f"NOT {test}" if negate else test

    def match_both(self, first: str, second: str) -> str:
        # two MATCH clauses: within one pattern Neo4j never walks a relationship twice
        return f"MATCH {first} MATCH {second}"
