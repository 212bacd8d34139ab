"""A backend-neutral dump of a whole store, for comparing graphs exactly."""

from __future__ import annotations

from typing import Any

from bpql.backends.base import Backend
from bpql.schema import NODES, RELS


def dump(backend: Backend) -> dict[str, Any]:
    nodes: dict[str, list[Any]] = {}
    for label in sorted(NODES):
        _, rows = backend.read(f"MATCH (n:{label}) RETURN n ORDER BY n.id", {})
        nodes[label] = [
            (n.id, list(n.labels), {k: v for k, v in sorted(n.properties.items()) if v is not None})
            for (n,) in rows
        ]
    rels: dict[str, list[Any]] = {}
    for t, kind in sorted(RELS.items()):
        _, rows = backend.read(
            f"MATCH (a:{kind.src})-[:{t}]->(b:{kind.dst}) RETURN a.id AS a, b.id AS b", {}
        )
        rels[t] = sorted(tuple(r) for r in rows)
    return {"nodes": nodes, "relationships": rels}
