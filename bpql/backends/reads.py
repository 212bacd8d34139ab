"""The read Cypher outside a query's plan, for both stores, in one place: the read twin of
`bpql/backends/writes.py`.

Whatever reads the store without asking the language calls these functions: the catalog of
ids and names (resolving references, completion), counts (`bpql stats`, the empty-store
check), the graph read back whole (what a load compares with its files, an export of the
store) or per service (what `bpql diff` compares), and the observed figures beside answers.
A statement's own plan is not here: it is written in its module under bpql/query/statements/,
through the dialect. Each function takes a `Backend` and runs the same text on Neo4j and on
LadybugDB (none of these reads needs a form of its own; a difference would take a
`writes.Capabilities` flag, as the writes do). Labels, relationship types and property names
come only from bpql.schema (anything else is a ValueError, so no text from a file or a query
reaches a statement); every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from bpql.graphdata import GraphData
from bpql.schema import (
    NODE_KINDS,
    NODES,
    REL_KINDS,
    RELS,
    SHARED,
    node_kind,
    rel_kind,
)
from bpql.words import no_service


class Backend(Protocol):
    """What these reads need of a store: `bpql.backends.base.Backend.read` (named here, not
    imported, so base.py can take its counts from this module)."""

    def read(self, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]: ...


def _columns(label: str, var: str, props: Iterable[str] | None = None) -> str:
    """`var.prop AS prop` for `props` (every property of `label` when None), each checked."""
    kind = node_kind(label)
    names = kind.prop_names if props is None else tuple(props)
    unknown = [p for p in names if p not in kind.prop_names]
    if unknown:
        raise ValueError(f"not a property of {label}: {', '.join(map(repr, unknown))}")
    return ", ".join(f"{var}.`{p}` AS `{p}`" for p in names)


def _rows(backend: Backend, cypher: str, **params: Any) -> list[list[Any]]:
    return backend.read(cypher, params)[1]


# --- the catalog and counts -------------------------------------------------------------


def entries(backend: Backend, label: str) -> list[tuple[str, str]]:
    """The ids and names of every `label` node, by id: what references resolve against and
    completion offers."""
    kind = node_kind(label)
    rows = _rows(backend, f"MATCH (n:{kind.label}) RETURN n.id AS id, n.name AS name ORDER BY id")
    return [(str(i), str(n or "")) for i, n in rows]


def services(backend: Backend) -> int:
    """How many services the store holds (none: no enterprise was loaded)."""
    rows = _rows(backend, "MATCH (n:Service) RETURN count(n) AS c")
    return int(rows[0][0]) if rows and rows[0][0] else 0


def counts(backend: Backend) -> dict[str, dict[str, int]]:
    """Node counts per label and relationship counts per type (schema labels only); the
    caller reads them as one graph (`Backend.counts`)."""
    nodes = {}
    rels = {}
    for label in sorted(NODES):
        rows = _rows(backend, f"MATCH (n:{node_kind(label).label}) RETURN count(n) AS c")
        nodes[label] = int(rows[0][0])
    for t, kind in sorted(RELS.items()):
        rows = _rows(backend, f"MATCH (:{kind.src})-[r:{t}]->(:{kind.dst}) RETURN count(r) AS c")
        rels[t] = int(rows[0][0])
    return {"nodes": nodes, "relationships": rels}


# --- the graph read back ----------------------------------------------------------------


def nodes(backend: Backend, label: str, props: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Every `label` node as a row of `props` (every property when None)."""
    names = node_kind(label).prop_names if props is None else tuple(props)
    rows = _rows(backend, f"MATCH (n:{label}) RETURN {_columns(label, 'n', names)}")
    return [dict(zip(names, row, strict=True)) for row in rows]


def pairs(backend: Backend, type_: str) -> list[tuple[str, str]]:
    """Every `type_` relationship as the ids of its ends."""
    rel = rel_kind(type_)
    rows = _rows(
        backend, f"MATCH (a:{rel.src})-[:{rel.type}]->(b:{rel.dst}) RETURN a.id AS s, b.id AS d"
    )
    return [(str(s), str(d)) for s, d in rows]


@dataclass(frozen=True)
class Scope:
    """Which services' blueprints a read brings back: every service's (`service` None), one
    service's (by id or name), or, with `redesigned`, every service that has a to-be (the only
    ones an as-is/to-be diff compares)."""

    service: str | None = None
    redesigned: bool = False


#: a blueprint step's relationships a scoped read brings back, and the label at their end
STEP_RELATIONS: tuple[tuple[str, str], ...] = (
    ("IN_PHASE", "Phase"),
    ("NEXT", "Step"),
    ("SUPPORTS", "Step"),
    ("AT_TOUCHPOINT", "Touchpoint"),
    ("PERFORMED_BY", "Role"),
    ("USES", "System"),
    ("SHOWS", "Evidence"),
    ("HAS_FAIL_POINT", "FailPoint"),
)
#: the shared things' relationships a scoped read brings back
SHARED_RELATIONS = ("MEMBER_OF", "DEPENDS_ON", "OWNED_BY", "FOR_PERSONA")


def stored_graph(backend: Backend, scope: Scope | None = None) -> GraphData:
    """The store's graph as the `GraphData` files give. With no `scope`, all of it: every
    schema node (each property) and relationship, what a load compares with its files. With a
    scope, its services' blueprints (phases, steps and what the steps name) and the shared
    things, what a redesign diff compares; BPQL-C080 when a named service is not there."""
    if scope is None:
        graph = GraphData()
        for kind in NODE_KINDS:
            graph.nodes[kind.label] = nodes(backend, kind.label)
        for rel in REL_KINDS:
            graph.rels[rel.type] = pairs(backend, rel.type)
        return graph
    return _blueprints(backend, scope)


def _blueprints(backend: Backend, scope: Scope) -> GraphData:
    def props(label: str, var: str) -> str:
        return _columns(label, var)

    def rows(cypher: str, **params: Any) -> list[list[Any]]:
        return _rows(backend, cypher, **params)

    g = GraphData()
    where, params = "", {}
    if scope.service is not None:
        where, params = " WHERE sv.id = $service OR sv.name = $service", {"service": scope.service}
    elif scope.redesigned:
        where = (
            " WHERE EXISTS { MATCH (sv)-[:HAS_BLUEPRINT]->(t:Blueprint) "
            "WHERE t.scenario = $scenario }"
        )
        params = {"scenario": "to-be"}
    for r in rows(f"MATCH (sv:Service){where} RETURN {props('Service', 'sv')}", **params):
        g.nodes["Service"].append(dict(zip(NODES["Service"].prop_names, r, strict=True)))
    if scope.service is not None and not g.nodes["Service"]:
        there = dict(rows("MATCH (sv:Service) RETURN sv.id, sv.name"))
        raise no_service(scope.service, there)
    ids = [n["id"] for n in g.nodes["Service"]]
    for r in rows(
        "MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint) WHERE sv.id IN $ids "
        f"RETURN sv.id AS service, {props('Blueprint', 'b')}",
        ids=ids,
    ):
        g.nodes["Blueprint"].append(dict(zip(NODES["Blueprint"].prop_names, r[1:], strict=True)))
        g.rels["HAS_BLUEPRINT"].append((r[0], r[1]))
    bps = [n["id"] for n in g.nodes["Blueprint"]]
    for label, rel in (("Step", "HAS_STEP"), ("Phase", "HAS_PHASE")):
        for r in rows(
            f"MATCH (b:Blueprint)-[:{rel}]->(n:{label}) WHERE b.id IN $bps "
            f"RETURN b.id AS bp, {props(label, 'n')}",
            bps=bps,
        ):
            g.nodes[label].append(dict(zip(NODES[label].prop_names, r[1:], strict=True)))
            g.rels[rel].append((r[0], r[1]))
    for rel, dst in STEP_RELATIONS:
        # matched through the blueprints: a list of blueprint ids is much quicker to test
        # than one of every step's (LadybugDB at 1,000 services)
        for r in rows(
            f"MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:{rel_kind(rel).type}]->(n:{dst}) "
            f"WHERE b.id IN $bps RETURN s.id AS src, {props(dst, 'n')}",
            bps=bps,
        ):
            g.rels[rel].append((r[0], r[1]))
            if dst in ("Evidence", "FailPoint"):
                g.nodes[dst].append(dict(zip(NODES[dst].prop_names, r[1:], strict=True)))
    for label in SHARED:
        g.nodes[label].extend(nodes(backend, label))
    for rel in SHARED_RELATIONS:
        g.rels[rel].extend(pairs(backend, rel))
    for label in ("Evidence", "FailPoint"):
        seen: dict[str, dict[str, Any]] = {}
        for n in g.nodes[label]:
            seen.setdefault(n["id"], n)
        g.nodes[label] = list(seen.values())
    return g


# --- observed figures -------------------------------------------------------------------


def observed_steps(backend: Backend) -> int:
    """How many steps carry an observed figure (none: `bpql observe` wrote nothing)."""
    rows = _rows(backend, "MATCH (s:Step) WHERE s.observed IS NOT NULL RETURN count(s) AS observed")
    return int(rows[0][0]) if rows and rows[0][0] else 0


def observed_by_id(backend: Backend, ids: list[str]) -> dict[str, int]:
    """The observed cases of the steps `ids` that have a figure, by step id."""
    rows = _rows(
        backend,
        "MATCH (s:Step) WHERE s.id IN $ids AND s.observed IS NOT NULL "
        "RETURN s.id AS id, s.observed AS observed",
        ids=ids,
    )
    return {str(i): int(n) for i, n in rows}


def observed_by_name(backend: Backend, scenario: str | None) -> dict[tuple[str, str], int]:
    """The observed cases of every step with a figure (of the blueprints of `scenario`; all
    when None), by (service name, step name): the largest where a blueprint names two alike."""
    where = "" if scenario is None else " AND b.scenario = $scenario"
    params = {} if scenario is None else {"scenario": scenario}
    rows = _rows(
        backend,
        "MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step) "
        f"WHERE s.observed IS NOT NULL{where} "
        "RETURN sv.name AS service, s.name AS step, max(s.observed) AS observed",
        **params,
    )
    return {(str(a), str(b)): int(n) for a, b, n in rows}
