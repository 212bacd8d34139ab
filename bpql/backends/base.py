"""The one interface both stores implement, and the URI that picks one.

Everything above this layer (loading, queries, results) talks to `Backend` only; what differs
between Neo4j and LadybugDB (labels per lane, schema DDL, driver value types) stays below it.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from bpql.model.validate import GraphData
from bpql.schema import NODES, RELS

Progress = Callable[[int, int], None]
"""Called with (done, total) units of work as a load proceeds."""

BATCH = 1000
NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
EMBEDDED_SCHEME = "embedded:"


def default_db() -> str:
    return os.environ.get("BPQL_DB") or "embedded:.bpql/graph.lbdb"


class Backend(ABC):
    #: the Cypher dialect this backend speaks ("neo4j" | "ladybug")
    dialect: str
    #: the URI as shown to users; never carries a password
    uri: str

    @abstractmethod
    def read(self, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        """Run a read query; values come back as plain Python or bpql.result graph types."""

    @abstractmethod
    def replace_graph(self, data: GraphData, progress: Progress | None = None) -> None:
        """Make the stored graph exactly `data`, atomically: all of it or none of it."""

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


def connect(uri: str | None = None) -> Backend:
    """Open the store `uri` names (default: BPQL_DB, else the embedded store in .bpql/)."""
    from bpql.errors import BackendError

    uri = uri or default_db()
    if uri.startswith(NEO4J_SCHEMES):
        from bpql.backends.neo4j import Neo4jBackend

        return Neo4jBackend(uri)
    if uri.startswith(EMBEDDED_SCHEME):
        from bpql.backends.ladybug import LadybugBackend

        return LadybugBackend(uri[len(EMBEDDED_SCHEME) :] or ".bpql/graph.lbdb")
    raise BackendError(
        f"unknown database URI {uri!r}: expected bolt://HOST:PORT, neo4j://HOST:PORT "
        f"(also +s), or embedded:PATH"
    )
