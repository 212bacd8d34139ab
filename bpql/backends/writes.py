"""The write Cypher of a load, for both stores, in one place.

`Backend.replace_graph` (bpql/backends/base.py) runs these statements in one transaction; the
backends only supply the transaction. Where the stores differ, a `Capabilities` flag picks the
form. Labels and relationship types come only from bpql.schema (anything else is a ValueError,
so no text from a blueprint file ever reaches a statement); every value is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpql.schema import LANES, LOAD_STATE, NODES, RELS, Lane, NodeKind, RelKind


@dataclass(frozen=True)
class Capabilities:
    """What a store's Cypher can do, where the two stores differ."""

    #: a node may carry several labels, so a step's lane is also a label (Neo4j); otherwise the
    #: lane is only the `lane` property (LadybugDB, one table per label)
    multi_labels: bool
    #: `SET n = row` replaces a node's properties from a map (Neo4j); otherwise each property
    #: is set on its own, cast to the type its table declares (LadybugDB)
    set_map: bool
    #: writers share the store and a write waits for the row locks another transaction holds
    #: (Neo4j): a load takes the load-state node's lock before it reads the token. Otherwise
    #: one process at a time writes (LadybugDB, under an OS lock), and the token is only read.
    row_locks: bool


NEO4J = Capabilities(multi_labels=True, set_map=True, row_locks=True)
LADYBUG = Capabilities(multi_labels=False, set_map=False, row_locks=False)


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


def create_nodes(label: str, caps: Capabilities) -> str:
    """Create one `label` node per map in `$rows`; none of them is in the store yet."""
    kind = _node(label)
    if caps.set_map:
        return f"UNWIND $rows AS row CREATE (n:{kind.label}) SET n = row"
    return upsert_nodes(label, caps)


def create_steps_in_lane(lane: Lane | None) -> str:
    """Create one step per map in `$rows`, all of `lane`, its second label (multi_labels
    only); none of them is in the store yet."""
    if lane is not None and lane not in LANES:
        raise ValueError(f"not a lane of the schema: {lane!r}")
    labels = f"Step:{lane.label}" if lane is not None else "Step"
    return f"UNWIND $rows AS row CREATE (n:{labels}) SET n = row"


def upsert_steps_in_lane(lane: Lane | None) -> str:
    """Create or update one step per map in `$rows`, all of `lane`, which becomes the step's
    second label in place of any other lane's (multi_labels only; `None`: no lane label)."""
    if lane is not None and lane not in LANES:
        raise ValueError(f"not a lane of the schema: {lane!r}")
    others = ":".join(x.label for x in LANES)
    add = f" SET n:{lane.label}" if lane is not None else ""
    return f"UNWIND $rows AS row MERGE (n:Step {{id: row.id}}) SET n = row REMOVE n:{others}{add}"


def delete_nodes(label: str) -> str:
    """Delete the `label` nodes whose ids are in `$ids`, with their relationships."""
    kind = _node(label)
    return f"UNWIND $ids AS id MATCH (n:{kind.label} {{id: id}}) DETACH DELETE n"


def delete_relationship_pairs(type_: str) -> str:
    """Delete the `type_` relationships between each `{s, d}` pair of ids in `$rows`."""
    rel = _rel(type_)
    return (
        f"UNWIND $rows AS row MATCH (a:{rel.src} {{id: row.s}})-[r:{rel.type}]->"
        f"(b:{rel.dst} {{id: row.d}}) DELETE r"
    )


def delete_relationships(type_: str) -> str:
    """Delete every relationship of `type_`."""
    rel = _rel(type_)
    return f"MATCH (:{rel.src})-[r:{rel.type}]->(:{rel.dst}) DELETE r"


def create_relationships(type_: str) -> str:
    """Create one `type_` relationship per `{s, d}` pair of ids in `$rows`: two MATCH
    clauses, each an index lookup (one MATCH of two patterns made LadybugDB join them). Only
    where the store holds no relationship of the type (deleted in the same transaction) and
    the pairs are distinct: the fast path of a full load (MERGE costs 1.43x on Neo4j)."""
    rel = _rel(type_)
    return (
        f"UNWIND $rows AS row MATCH (a:{rel.src} {{id: row.s}}) "
        f"MATCH (b:{rel.dst} {{id: row.d}}) CREATE (a)-[:{rel.type}]->(b)"
    )


def merge_relationships(type_: str) -> str:
    """Make one `type_` relationship per `{s, d}` pair of ids in `$rows` unless the pair
    already has one: the pairs a reload adds, never written twice whatever the store held."""
    rel = _rel(type_)
    return (
        f"UNWIND $rows AS row MATCH (a:{rel.src} {{id: row.s}}) "
        f"MATCH (b:{rel.dst} {{id: row.d}}) MERGE (a)-[:{rel.type}]->(b)"
    )


def lock_load_state() -> str:
    """Take the write lock of the store's one load-state node (made if missing; its uniqueness
    constraint makes a second MERGE wait for the first): from here until this transaction
    ends, no other load can write its token. `$claim` names the load that holds it."""
    return f"MERGE (s:{LOAD_STATE} {{id: 'load'}}) SET s.claim = $claim"


def count_all() -> str:
    """Nodes per label and relationships per type of the schema, as rows of (kind, name,
    count) in one statement: a store's fingerprint (see `bpql.backends.base.fingerprint`)."""
    parts = [
        f"MATCH (n:{kind.label}) RETURN 'nodes' AS kind, '{kind.label}' AS name, count(n) AS c"
        for kind in NODES.values()
    ]
    parts += [
        f"MATCH ()-[r:{rel.type}]->() RETURN 'relationships' AS kind, '{rel.type}' AS name, "
        "count(r) AS c"
        for rel in RELS.values()
    ]
    return " UNION ALL ".join(parts)


def set_load_token() -> str:
    """Name the load being written (`$token`) on the store's one load-state node."""
    return f"MERGE (s:{LOAD_STATE} {{id: 'load'}}) SET s.token = $token"


def load_token() -> str:
    """The token of the last load written, if any."""
    return f"MATCH (s:{LOAD_STATE}) WHERE s.id = 'load' RETURN s.token"
