"""The one interface both stores implement (which store a URI names is bpql/backends/registry.py).

Everything above this layer (loading, queries, results) talks to `Backend` only; what differs
between Neo4j and LadybugDB (labels per lane, schema DDL, driver value types) stays below it.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from bpql.backends import writes
from bpql.backends.writes import Capabilities
from bpql.graphdata import GraphData
from bpql.schema import LANES, NODES, RELS

Progress = Callable[[int, int], None]
"""Called with (done, total) units of work as a load proceeds."""

Run = Callable[[str, dict[str, Any]], None]
"""Runs one write statement with its parameters inside the open transaction."""

BATCH = 1000


def default_db() -> str:
    return os.environ.get("BPQL_DB") or "embedded:.bpql/graph.lbdb"


class Backend(ABC):
    #: the Cypher dialect this backend speaks ("neo4j" | "ladybug")
    dialect: str
    #: the URI as shown to users; never carries a password
    uri: str
    #: where this store's write Cypher differs from the other's (see bpql.backends.writes)
    capabilities: Capabilities

    @classmethod
    @abstractmethod
    def from_uri(cls, uri: str, *, create: bool = True, read_only: bool = False) -> Backend:
        """Open the store `uri` names; the registry has already matched its scheme. With
        `create=False` a local store that does not exist is an error, not a new empty one.
        `read_only=True` is a promise to only read, so a local store that locks its writers
        out of each other can let this one in beside them."""

    @abstractmethod
    def read(self, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        """Run a read query; values come back as plain Python or bpql.result graph types."""

    @abstractmethod
    def write_transaction(self, work: Callable[[Run], None]) -> None:
        """Call `work` with a runner inside one write transaction; commit only if it returns.

        `work` may be called again if the store retries the transaction, so it starts over.
        """

    def replace_graph(self, data: GraphData, progress: Progress | None = None) -> None:
        """Make the stored graph exactly `data`, atomically: all of it or none of it.

        Per label: delete the nodes no longer in `data`, then upsert the rest batch by batch;
        per relationship type: delete them all, then create `data`'s batch by batch. Progress
        ticks once per batch (an empty label or type counts as one).
        """
        self.write_transaction(lambda run: _write_graph(run, data, self.capabilities, progress))

    @abstractmethod
    def server_info(self) -> str: ...

    @abstractmethod
    def close(self) -> None: ...

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts per label and relationship counts per type (schema labels only)."""
        nodes = {}
        for label in sorted(NODES):
            _, rows = self.read(f"MATCH (n:{label}) RETURN count(n) AS c", {})
            nodes[label] = int(rows[0][0])
        rels = {}
        for t, kind in sorted(RELS.items()):
            _, rows = self.read(
                f"MATCH (:{kind.src})-[r:{t}]->(:{kind.dst}) RETURN count(r) AS c", {}
            )
            rels[t] = int(rows[0][0])
        return {"nodes": nodes, "relationships": rels}

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_work(data: GraphData) -> int:
    """Units of work in a load, for the progress bar: batches of nodes and relationships."""
    units = 0
    for rows in data.nodes.values():
        units += max(1, -(-len(rows) // BATCH))
    for pairs in data.rels.values():
        units += max(1, -(-len(pairs) // BATCH))
    return units


def batches(rows: list[Any], size: int = BATCH) -> list[list[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]


def _write_graph(run: Run, data: GraphData, caps: Capabilities, progress: Progress | None) -> None:
    total = load_work(data)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    for label, rows in data.nodes.items():
        run(writes.delete_missing_nodes(label), {"ids": [r["id"] for r in rows]})
        upsert = writes.upsert_nodes(label, caps)
        for chunk in batches(rows):
            if chunk:
                run(upsert, {"rows": chunk})
                if caps.multi_labels and label == "Step":
                    _set_lanes(run, chunk)
            tick()
    for type_, pairs in data.rels.items():
        run(writes.delete_relationships(type_), {})
        create = writes.create_relationships(type_)
        for chunk in batches(pairs):
            if chunk:
                run(create, {"rows": [{"s": s, "d": d} for s, d in chunk]})
            tick()


def _set_lanes(run: Run, chunk: list[dict[str, Any]]) -> None:
    """A step's lane as its second label: clear the old one, set the current one."""
    run(writes.clear_lane_labels(), {"ids": [r["id"] for r in chunk]})
    for lane in LANES:
        ids = [r["id"] for r in chunk if r["lane"] == lane.key]
        if ids:
            run(writes.set_lane_label(lane), {"ids": ids})
