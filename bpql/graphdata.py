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
    #: per type, the list of pairs found to hold each pair once and its length then
    #: (`bpql.backends.base.distinct`: a reload's graph is checked once, not at every step)
    distinct: dict[str, tuple[list[tuple[str, str]], int]] = field(
        default_factory=dict, compare=False, repr=False
    )

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

    #: its counts when they are known already (a part taken from the last load's graph)
    known: list[int] | None = None

    def counts(self) -> list[int]:
        """Its rows per label and its distinct pairs per type (`FILE_KEYS`' order): where
        they sit in the graph a load writes, after the rows of the files before it."""
        return self.known if self.known is not None else spans_of(self.graph)


@dataclass(frozen=True)
class Seen:
    """A file as a load read it: its size, modification time (ns) and the SHA-256 of its
    bytes. A reload trusts a saved part only when all three are the same (a size and a time
    can stay the same across an edit; the bytes' hash cannot)."""

    size: int
    mtime: int
    sha256: str


#: the labels and relationship types a file makes (services are made of all the files, and
#: observations by `bpql observe`), in the order a load state counts them
FILE_KEYS: tuple[str, ...] = (
    *(label for label in NODES if label not in ("Service", "Observation")),
    *(type_ for type_ in RELS if type_ != "OBSERVED"),
)


def spans_of(graph: GraphData) -> list[int]:
    """`graph`'s rows per label and distinct pairs per type, in `FILE_KEYS`' order (a store
    holds a pair once: `bpql.backends.base.distinct`)."""
    return [
        len(graph.nodes[k]) if k in graph.nodes else len(dict.fromkeys(graph.rels[k]))
        for k in FILE_KEYS
    ]


@dataclass(frozen=True)
class Kept:
    """A blueprint file as the last load saw it: how (`Seen`), its service, and where its
    rows and pairs sit in the graph that load wrote (start and end per `FILE_KEYS` key)."""

    seen: Seen
    service: str
    name: str
    description: str | None
    scenario: str
    spans: tuple[tuple[int, int], ...]


@dataclass
class Previous:
    """What the last load saved of its files (`bpql.load`'s state): the graph it wrote
    (every file's rows in the files' order, after the enterprise file's), the enterprise
    file as it saw it, and each blueprint file."""

    graph: GraphData
    enterprise: tuple[str, Seen]
    files: dict[str, Kept]
    #: the enterprise file's own rows per `FILE_KEYS` key: where the first file's start
    start: list[int] = field(default_factory=list)
