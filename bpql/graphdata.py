"""Graph data: what a validated enterprise becomes before any store sees it.

Neutral on purpose (no pydantic, no YAML): the loader, both backends, the engine and the diff
import it, and the query path must not pay for the file format's imports. Rows are compared
here too (`differs`), as the store keeps their values: a load writes only what differs, and the
load diff reports it.
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


def differs(stored: dict[str, Any], loaded: dict[str, Any], props: tuple[str, ...]) -> bool:
    """Whether any property differs; two equal dicts (Python compares 5 and 5.0 as equal, as
    `same_value` does) answer without the per-property walk, which a reload of 35k nodes felt."""
    if stored == loaded:
        return False
    return any(not same_value(stored.get(p), loaded.get(p)) for p in props)


def same_value(stored: Any, loaded: Any) -> bool:
    """Equal as the store keeps them: numbers by value (a DOUBLE column returns 5 as 5.0)."""
    numbers = (int, float)
    if (
        isinstance(stored, numbers)
        and isinstance(loaded, numbers)
        and not isinstance(stored, bool)
        and not isinstance(loaded, bool)
    ):
        return float(stored) == float(loaded)
    return bool(stored == loaded)


@dataclass
class Part:
    """What one blueprint file adds to the graph, worked out from that file alone given the
    enterprise's shared ids (which it only refers to) and the packaged action priority
    table: kept in the load state, so that a reload takes an unchanged file's part from
    there instead of reading and checking the file again."""

    file: str
    service: str
    name: str
    description: str | None
    scenario: str
    graph: GraphData
    #: the rows as a load state saves them (per label and type, lists of the columns'
    #: values), taken before a load adds figures no file states (`bpql.load.encode_parts`)
    saved: dict[str, list[Any]] | None = None


@dataclass(frozen=True)
class Seen:
    """A file as a load read it: its size, modification time (ns) and the SHA-256 of its
    bytes. A reload trusts a saved part only when all three are the same (a size and a time
    can stay the same across an edit; the bytes' hash cannot)."""

    size: int
    mtime: int
    sha256: str
