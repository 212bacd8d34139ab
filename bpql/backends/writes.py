"""The write Cypher of a load, for both stores, in one place.

`Backend.replace_graph` (bpql/backends/base.py) runs these statements in one transaction; the
backends only supply the transaction. Where the stores differ, a `Capabilities` flag picks the
form. Labels and relationship types come only from bpql.schema (anything else is a ValueError,
so no text from a blueprint file ever reaches a statement); every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bpql.schema import LANES, LOAD_STATE, NODES, RELS, Lane, node_kind, rel_kind


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


def delete_missing_nodes(label: str) -> str:
    """Delete the `label` nodes whose id is not in `$ids`, with their relationships."""
    kind = node_kind(label)
    return f"MATCH (n:{kind.label}) WHERE NOT n.id IN $ids DETACH DELETE n"


def upsert_nodes(label: str, caps: Capabilities) -> str:
    """Create or update one `label` node per map in `$rows`, keyed by `id`."""
    kind = node_kind(label)
    if caps.set_map:
        sets = "n = row"
    else:
        sets = ", ".join(
            f"n.`{p.name}` = CAST(row.`{p.name}` AS {p.type})" for p in kind.props if p.name != "id"
        )
    return f"UNWIND $rows AS row MERGE (n:{kind.label} {{id: row.id}}) SET {sets}"


def create_nodes(label: str, caps: Capabilities) -> str:
    """Create one `label` node per map in `$rows`; none of them is in the store yet."""
    kind = node_kind(label)
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
    kind = node_kind(label)
    return f"UNWIND $ids AS id MATCH (n:{kind.label} {{id: id}}) DETACH DELETE n"


def delete_relationship_pairs(type_: str) -> str:
    """Delete the `type_` relationships between each `{s, d}` pair of ids in `$rows`."""
    rel = rel_kind(type_)
    return (
        f"UNWIND $rows AS row MATCH (a:{rel.src} {{id: row.s}})-[r:{rel.type}]->"
        f"(b:{rel.dst} {{id: row.d}}) DELETE r"
    )


def delete_relationships(type_: str) -> str:
    """Delete every relationship of `type_`."""
    rel = rel_kind(type_)
    return f"MATCH (:{rel.src})-[r:{rel.type}]->(:{rel.dst}) DELETE r"


def create_relationships(type_: str) -> str:
    """Create one `type_` relationship per `{s, d}` pair of ids in `$rows`: two MATCH
    clauses, each an index lookup (one MATCH of two patterns made LadybugDB join them). Only
    where the store holds no relationship of the type (deleted in the same transaction) and
    the pairs are distinct: the fast path of a full load (MERGE costs 1.43x on Neo4j)."""
    rel = rel_kind(type_)
    return (
        f"UNWIND $rows AS row MATCH (a:{rel.src} {{id: row.s}}) "
        f"MATCH (b:{rel.dst} {{id: row.d}}) CREATE (a)-[:{rel.type}]->(b)"
    )


def merge_relationships(type_: str) -> str:
    """Make one `type_` relationship per `{s, d}` pair of ids in `$rows` unless the pair
    already has one: the pairs a reload adds, never written twice whatever the store held."""
    rel = rel_kind(type_)
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
    count) in one statement: a store's fingerprint (see `bpql.backends.base.fingerprint`).
    A relationship is counted from its labelled source (Neo4j's count store answers a type
    with one label at once): a graph being staged or removed beside the live one has no
    schema label, so its relationships are not counted."""
    return _counts(lambda label: label)


def _counts(label_of: Callable[[str], str], where: str = "") -> str:
    """Rows of (kind, name, count) for every schema label and relationship type, matched
    under the label `label_of` gives; `where` filters `n`, the node or the relationship's
    source. The count is taken before the literals are added: a RETURN holding both is
    planned as a scan of every node and relationship (1.1 s at 10,000 services on Neo4j),
    a bare count is answered from Neo4j's count store (2 ms, PROFILE)."""
    parts = [
        f"MATCH (n:{label_of(kind.label)}){where} WITH count(n) AS c "
        f"RETURN 'nodes' AS kind, '{kind.label}' AS name, c"
        for kind in NODES.values()
    ]
    parts += [
        f"MATCH (n:{label_of(rel.src)})-[r:{rel.type}]->(){where} WITH count(r) AS c "
        f"RETURN 'relationships' AS kind, '{rel.type}' AS name, c"
        for rel in RELS.values()
    ]
    return " UNION ALL ".join(parts)


def set_load_token() -> str:
    """Name the load being written (`$token`) on the store's one load-state node."""
    return f"MERGE (s:{LOAD_STATE} {{id: 'load'}}) SET s.token = $token"


def load_token() -> str:
    """The token of the last load written, if any."""
    return f"MATCH (s:{LOAD_STATE}) WHERE s.id = 'load' RETURN s.token"


# --- a load staged beside the live graph (Neo4j; bpql/backends/staging.py) -------------------
#
# A load too large for one transaction writes its graph under staging labels (one per schema
# label, `BpqlStageStep`, no schema label, no lane label), tagged with its generation
# (`bpql_load`), batch by batch; its relationships join staged nodes only. Every read matches
# schema labels, and no relationship joins a staged node to a live one, so no read reaches
# the staged graph. The switch then moves the live graph out (label `BpqlOld`) and the staged
# one in, batch by batch, while the load-state node says a switch is under way (readers wait
# for it, and a load killed there is finished by the next one); the old graph is then deleted
# in batches.

#: the label of a node of the graph being moved out, deleted batch by batch after the switch
OLD = "BpqlOld"
#: what a staging label starts with
STAGE = "BpqlStage"
#: the load-state node of a staged load (`BpqlLoad {id: 'stage-<generation>'}`) begins so
STAGE_ENTRY = "stage-"


def stage_label(label: str) -> str:
    """The label a staged node of schema label `label` carries instead of it."""
    return STAGE + node_kind(label).label


def stage_indexes() -> list[str]:
    """An index on each staging label's id: a staged relationship finds its ends by id."""
    return [
        f"CREATE INDEX bpql_stage_{kind.label.lower()} IF NOT EXISTS FOR "
        f"(n:{stage_label(kind.label)}) ON (n.id)"
        for kind in NODES.values()
    ]


def stage_nodes(label: str) -> str:
    """Create one staged `label` node per map in `$rows`, of generation `$load`; how many
    (the load adds them up instead of counting the staged graph again before its switch)."""
    return (
        f"UNWIND $rows AS row CREATE (n:{stage_label(label)}) SET n = row, n.bpql_load = $load "
        "RETURN count(n)"
    )


def stage_relationships(type_: str) -> str:
    """Create one `type_` relationship per `[s, d]` pair of ids in `$rows` between staged
    nodes of generation `$load` (two index lookups, as `create_relationships`); how many (a
    pair whose end is not staged makes none, and the load's sum falls short)."""
    rel = rel_kind(type_)
    return (
        f"UNWIND $rows AS row MATCH (a:{stage_label(rel.src)} {{id: row[0]}}) "
        f"WHERE a.bpql_load = $load MATCH (b:{stage_label(rel.dst)} {{id: row[1]}}) "
        f"WHERE b.bpql_load = $load CREATE (a)-[r:{rel.type}]->(b) RETURN count(r)"
    )


def stage_intact() -> str:
    """Whether generation `$load`'s staged graph is still whole: its entry is there and the
    token it was staged against is still the store's. A staged graph is only ever deleted by
    its own load, or by another once its expected token is gone (another load switched in)
    or its process died, so this holds exactly when nothing of it was deleted."""
    return (
        f"OPTIONAL MATCH (live:{LOAD_STATE}) WHERE live.id = 'load' "
        "WITH coalesce(live.token, '') AS token "
        f"OPTIONAL MATCH (s:{LOAD_STATE}) WHERE s.id = '{STAGE_ENTRY}' + $load "
        "RETURN s IS NOT NULL AND s.expect = token"
    )


def move_out(label: str) -> str:
    """Up to `$limit` live `label` nodes moved out of every read (lane labels too): the
    first half of a switch. Their relationships join them to each other only."""
    kind = node_kind(label)
    lanes = "".join(f":{lane.label}" for lane in LANES) if kind.label == "Step" else ""
    return (
        f"MATCH (n:{kind.label}) WITH n LIMIT $limit "
        f"SET n:{OLD} REMOVE n:{kind.label}{lanes} RETURN count(n)"
    )


def move_in(label: str, lane: Lane | None = None, *, other_lanes: bool = False) -> str:
    """Up to `$limit` staged `label` nodes of generation `$load` made live (a step with its
    lane's label; `other_lanes`: the steps of no known lane): the second half of a switch."""
    kind = node_kind(label)
    where = "n.bpql_load = $load"
    labels = kind.label
    if lane is not None:
        if lane not in LANES:
            raise ValueError(f"not a lane of the schema: {lane!r}")
        where += " AND n.lane = $lane"
        labels += f":{lane.label}"
    elif other_lanes:
        where += " AND (n.lane IS NULL OR NOT n.lane IN $lanes)"
    return (
        f"MATCH (n:{stage_label(kind.label)}) WHERE {where} WITH n LIMIT $limit "
        f"SET n:{labels} REMOVE n:{stage_label(kind.label)} REMOVE n.bpql_load RETURN count(n)"
    )


def drop_old_relationships() -> str:
    """Up to `$limit` relationships of the graph moved out deleted (they join its nodes only,
    so the outgoing ones are all of them)."""
    return f"MATCH (:{OLD})-[r]->() WITH r LIMIT $limit DELETE r RETURN count(r)"


def drop_old_nodes() -> str:
    """Up to `$limit` nodes of the graph moved out deleted, once their relationships are."""
    return f"MATCH (n:{OLD}) WITH n LIMIT $limit DETACH DELETE n RETURN count(n)"


def drop_staged_relationships(label: str) -> str:
    """Up to `$limit` relationships leaving staged `label` nodes of generation `$load`
    deleted (a staged load that will never be switched in)."""
    return (
        f"MATCH (n:{stage_label(label)})-[r]->() WHERE n.bpql_load = $load "
        "WITH r LIMIT $limit DELETE r RETURN count(r)"
    )


def drop_staged_nodes(label: str) -> str:
    """Up to `$limit` staged `label` nodes of generation `$load` deleted."""
    return (
        f"MATCH (n:{stage_label(label)}) WHERE n.bpql_load = $load "
        "WITH n LIMIT $limit DETACH DELETE n RETURN count(n)"
    )


def switch_status() -> str:
    """The live token, the generation being switched in (null: none), the phase of that
    switch, the token it will write, the milliseconds since its last batch, and the host and
    process id of the load switching."""
    return (
        f"MATCH (s:{LOAD_STATE}) WHERE s.id = 'load' RETURN s.token, s.switching, s.phase, "
        "s.next, timestamp() - s.beat, s.host, s.pid"
    )


def begin_switch() -> str:
    """Say that generation `$load` is being switched in (phase `out`) by process `$pid` on
    `$host` and will be token `$next`; readers wait from here until `end_switch`."""
    return (
        f"MERGE (s:{LOAD_STATE} {{id: 'load'}}) SET s.switching = $load, s.phase = 'out', "
        "s.next = $next, s.beat = timestamp(), s.host = $host, s.pid = $pid"
    )


def switch_phase() -> str:
    """The switch of `$load` moves on to phase `$phase` (and is alive: its beat)."""
    return (
        f"MATCH (s:{LOAD_STATE}) WHERE s.id = 'load' AND s.switching = $load "
        "SET s.phase = $phase, s.beat = timestamp() RETURN count(s)"
    )


def end_switch() -> str:
    """The switch of `$load` is done: its token is the store's, and readers go on."""
    return (
        f"MATCH (s:{LOAD_STATE}) WHERE s.id = 'load' AND s.switching = $load "
        "SET s.token = s.next REMOVE s.switching, s.phase, s.next, s.beat, s.host, s.pid "
        "RETURN s.token"
    )


def register_stage() -> str:
    """A staged load's own entry: its generation, the token it expects to replace (`''` for
    none: a load whose expected token is no longer the store's can never switch in), and the
    host and process id of the load (`$host`, `$pid`; null if unknown): a load that died
    there leaves a graph the next load on that host removes."""
    return (
        f"CREATE (:{LOAD_STATE} {{id: '{STAGE_ENTRY}' + $load, stage: $load, expect: $expect, "
        "host: $host, pid: $pid})"
    )


def forget_stage() -> str:
    """A staged load's entry removed (switched in, or its staged graph deleted)."""
    return f"MATCH (s:{LOAD_STATE}) WHERE s.id = '{STAGE_ENTRY}' + $load DELETE s"


def staged_loads() -> str:
    """Every staged load's entry: (generation, whether it can no longer switch in: the token
    it expects is not the store's, as another load switched in since; host; process id)."""
    return (
        f"OPTIONAL MATCH (live:{LOAD_STATE}) WHERE live.id = 'load' "
        f"WITH coalesce(live.token, '') AS token "
        f"MATCH (s:{LOAD_STATE}) WHERE s.id STARTS WITH '{STAGE_ENTRY}' "
        "RETURN s.stage, s.expect <> token, s.host, s.pid"
    )
