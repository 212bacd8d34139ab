"""The write Cypher of a load, for both stores, in one place.

`Backend.replace_graph` (bpql/backends/base.py) runs these statements in one transaction; the
backends only supply the transaction. Where the stores differ, a `Capabilities` flag picks the
form. Labels and relationship types come only from bpql.schema (anything else is a ValueError,
so no text from a blueprint file ever reaches a statement); every value is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpql.schema import LANES, NODES, RELS, Lane, NodeKind, RelKind


@dataclass(frozen=True)
class Capabilities:
    """What a store's Cypher can do, where the two stores differ."""

    #: a node may carry several labels, so a step's lane is also a label (Neo4j); otherwise the
    #: lane is only the `lane` property (LadybugDB, one table per label)
    multi_labels: bool
    #: `SET n = row` replaces a node's properties from a map (Neo4j); otherwise each property
    #: is set on its own, cast to the type its table declares (LadybugDB)
    set_map: bool


NEO4J = Capabilities(multi_labels=True, set_map=True)
LADYBUG = Capabilities(multi_labels=False, set_map=False)


def _node(label: str) -> NodeKind:
    kind = NODES.get(label)
    if kind is None:
        raise ValueError(f"not a node label of the schema: {label!r}")
    return kind


def _rel(type_: str) -> RelKind:
    rel = RELS.get(type_)
    if rel is None:
        raise ValueError(f"not a relationship type of the schema: {type_!r}")
    return rel


def delete_missing_nodes(label: str) -> str:
    """Delete the `label` nodes whose id is not in `$ids`, with their relationships."""
    kind = _node(label)
    return f"MATCH (n:{kind.label}) WHERE NOT n.id IN $ids DETACH DELETE n"


def upsert_nodes(label: str, caps: Capabilities) -> str:
    """Create or update one `label` node per map in `$rows`, keyed by `id`."""
    kind = _node(label)
    if caps.set_map:
        sets = "n = row"
    else:
        sets = ", ".join(
            f"n.`{p.name}` = CAST(row.`{p.name}` AS {p.type})" for p in kind.props if p.name != "id"
        )
    return f"UNWIND $rows AS row MERGE (n:{kind.label} {{id: row.id}}) SET {sets}"


def clear_lane_labels() -> str:
    """Remove every lane label from the steps whose ids are in `$ids` (multi_labels only)."""
    labels = ":".join(lane.label for lane in LANES)
    return f"UNWIND $ids AS id MATCH (n:Step {{id: id}}) REMOVE n:{labels}"


def set_lane_label(lane: Lane) -> str:
    """Add `lane`'s label to the steps whose ids are in `$ids` (multi_labels only)."""
    if lane not in LANES:
        raise ValueError(f"not a lane of the schema: {lane!r}")
    return f"UNWIND $ids AS id MATCH (n:Step {{id: id}}) SET n:{lane.label}"


def delete_relationships(type_: str) -> str:
    """Delete every relationship of `type_`."""
    rel = _rel(type_)
    return f"MATCH (:{rel.src})-[r:{rel.type}]->(:{rel.dst}) DELETE r"


def create_relationships(type_: str) -> str:
    """Create one `type_` relationship per `{s, d}` pair of ids in `$rows`."""
    rel = _rel(type_)
    return (
        f"UNWIND $rows AS row MATCH (a:{rel.src} {{id: row.s}}), "
        f"(b:{rel.dst} {{id: row.d}}) CREATE (a)-[:{rel.type}]->(b)"
    )
