"""Graph data: what a validated enterprise becomes before any store sees it.

Neutral on purpose (no pydantic, no YAML): the loader, both backends, the engine and the diff
import it, and the query path must not pay for the file format's imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bpql.schema import NODES, RELS

#: property names per label, worked out once (a load adds tens of thousands of nodes)
_PROPS: dict[str, tuple[str, ...]] = {label: kind.prop_names for label, kind in NODES.items()}


@dataclass
class GraphData:
    """Nodes per label (property dicts) and relationships per type (id pairs)."""

    nodes: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {label: [] for label in NODES}
    )
    rels: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: {t: [] for t in RELS})

    def add_node(self, label: str, **props: Any) -> None:
        self.nodes[label].append({p: props.get(p) for p in _PROPS[label]})

    def add_rel(self, type_: str, src: str, dst: str) -> None:
        self.rels[type_].append((src, dst))

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": {k: len(v) for k, v in sorted(self.nodes.items())},
            "relationships": {k: len(v) for k, v in sorted(self.rels.items())},
        }

    @property
    def size(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.rels.values()))


@dataclass
class Enterprise:
    """A validated enterprise: its name, the files it came from, and its graph."""

    name: str
    files: list[str]
    graph: GraphData
    #: the wording of the fail point rating scales, 1..10 per scale (the register prints it)
    scales: dict[str, dict[int, str]] = field(default_factory=dict)
    #: where the action priority table came from
    ap_source: str = ""
    #: whether the lint findings the settings ask to store are on the graph (bpql.load.prepare)
    annotated: bool = False
