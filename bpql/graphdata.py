"""Graph data: what a validated enterprise becomes before any store sees it.

Neutral on purpose (no pydantic, no YAML): the loader, both backends, the engine and the diff
import it, and the query path must not pay for the file format's imports. Rows are compared
here too (`differs`), as the store keeps their values: a load writes only what differs, and the
load diff reports it.
"""

from __future__ import annotations

import operator
from collections import Counter
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
    #: whether the lint findings the settings ask to store are on the graph
    #: (bpql.load.protocol.prepare)
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
    can stay the same across an edit; the bytes' hash cannot).

    `ctime` and `inode` say when the hash need not be taken again: the file's status-change
    time (ns) and inode, kept only once that time lay `SETTLED_NS` behind the moment the
    bytes were hashed (0 otherwise). Any write to a file sets its status-change time to the
    clock's now, and no call sets it back, so a file whose size, times and inode are all the
    ones recorded has not been written since it was hashed (git's index trusts the same
    facts, with the same care for a write within the clock's tick of the read)."""

    size: int
    mtime: int
    sha256: str
    ctime: int = 0
    inode: int = 0


#: how far a file's status-change time must lie behind the hashing of its bytes for the
#: next load to trust it unread (filesystem clocks tick coarser than their nanoseconds)
SETTLED_NS = 2_000_000_000


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
    """What the last load saved of its files (`bpql.load.protocol`'s state): the graph it wrote
    (every file's rows in the files' order, after the enterprise file's), the enterprise
    file as it saw it, and each blueprint file."""

    graph: GraphData
    enterprise: tuple[str, Seen]
    files: dict[str, Kept]
    #: the enterprise file's own rows per `FILE_KEYS` key: where the first file's start
    start: list[int] = field(default_factory=list)


def changed_rows(
    old: GraphData, new: GraphData, label: str
) -> tuple[list[str], list[Any], list[Any]]:
    """The ids of `label` that `new` no longer holds, its rows that are new, and its rows
    that differ from the stored ones."""
    if old.nodes.get(label, []) == new.nodes.get(label, []):
        return [], [], []
    if not old.nodes.get(label):  # a first load: every row is new
        return [], list({str(r["id"]): r for r in new.nodes.get(label, [])}.values()), []
    props = NODES[label].prop_names
    was, now = old.nodes[label], new.nodes.get(label, [])
    start, end_was, end_now = middle(was, now)
    if start or end_was < len(was):
        # the rows around the middle are equal pairwise; with every id once on each side,
        # none of them can be gone, new or changed (a reload's edit is one file's rows)
        ids = operator.itemgetter("id")
        if len(set(map(ids, was))) == len(was) and len(set(map(ids, now))) == len(now):
            was, now = was[start:end_was], now[start:end_now]
    before = {str(r["id"]): r for r in was}
    after = {str(r["id"]): r for r in now}
    gone = [i for i in before if i not in after]
    added = [r for i, r in after.items() if i not in before]
    changed = [r for i, r in after.items() if i in before and differs(before[i], r, props)]
    return gone, added, changed


def changed_pairs(
    old: GraphData, new: GraphData, type_: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The `type_` pairs to delete and to create to turn `old` into `new`: a pair whose count
    differs is deleted and made again as often as `new` holds it."""
    if old.rels.get(type_, []) == new.rels.get(type_, []):
        return [], []
    if not old.rels.get(type_):  # a first load: every pair is new
        return [], list(new.rels.get(type_, []))
    before = Counter(old.rels.get(type_, []))
    after = Counter(new.rels.get(type_, []))
    differ = [p for p in after.keys() | before.keys() if before[p] != after[p]]
    gone = [p for p in differ if before[p]]
    made = [p for p in differ for _ in range(after[p])]
    return sorted(gone), sorted(made)


def middle(was: list[Any], now: list[Any]) -> tuple[int, int, int]:
    """Where two lists stop being equal item by item from either end: `was[start:end_was]`
    and `now[start:end_now]` are what lies between. A reload's graph holds the unchanged
    files' rows as the saved graph does, in the same order, so the middle is the edit;
    compared a block at a time (list equality runs in C and meets the same objects)."""
    n = min(len(was), len(now))
    start = _common(was, now, n)
    k = _common(was[start:][::-1], now[start:][::-1], n - start)  # not into the prefix
    return start, len(was) - k, len(now) - k


def _common(was: list[Any], now: list[Any], n: int) -> int:
    """How many items at the start of both lists are equal, at most `n`."""
    i, block = 0, 4096
    while i < n:
        j = min(i + block, n)
        if was[i:j] != now[i:j]:
            pairs = zip(was[i:j], now[i:j], strict=True)
            return i + next(m for m, (x, y) in enumerate(pairs) if x != y)
        i = j
    return n


@dataclass
class Delta:
    """What turning `old` (the graph a store holds) into `new` writes, worked out once per
    load: the writer writes it, the load's report is read from it, and a store that chooses
    between patching and rebuilding sizes it (it was worked out three times per reload)."""

    #: label -> (ids `new` no longer holds, rows that are new, rows that differ)
    nodes: dict[str, tuple[list[str], list[Any], list[Any]]]
    #: type -> (pairs to delete, pairs to create), as `changed_pairs` gives them
    rels: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]]
    #: type -> pairs held on one side only (a relation a file states was made or dropped)
    flipped: dict[str, list[tuple[str, str]]]
    #: type -> (relationships added, removed), counted as a report counts them
    counts: dict[str, tuple[int, int]]

    @classmethod
    def between(cls, old: GraphData, new: GraphData) -> Delta:
        nodes = {label: changed_rows(old, new, label) for label in NODES}
        rels: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {}
        flipped: dict[str, list[tuple[str, str]]] = {}
        counts: dict[str, tuple[int, int]] = {}
        for type_ in RELS:
            before, after = old.rels.get(type_, []), new.rels.get(type_, [])
            if before == after:
                rels[type_], flipped[type_], counts[type_] = ([], []), [], (0, 0)
            elif not before:  # a first load: every pair is new
                rels[type_] = ([], list(after))
                flipped[type_] = list(dict.fromkeys(after))
                counts[type_] = (len(after), 0)
            else:
                # the pairs around the middle are the same on both sides: they change no
                # count's difference, only the counts themselves of the pairs that differ
                start, end_was, end_now = middle(before, after)
                was = Counter(before[start:end_was])
                now = Counter(after[start:end_now])
                differ = [p for p in now.keys() | was.keys() if was[p] != now[p]]
                if start or end_was < len(before):
                    around = set(differ)
                    common = before[:start] + before[end_was:]
                    for p in filter(around.__contains__, common):
                        was[p] += 1
                        now[p] += 1
                rels[type_] = (
                    sorted(p for p in differ if was[p]),
                    sorted(p for p in differ for _ in range(now[p])),
                )
                flipped[type_] = [p for p in differ if not was[p] or not now[p]]
                counts[type_] = (
                    sum(max(0, now[p] - was[p]) for p in differ),
                    sum(max(0, was[p] - now[p]) for p in differ),
                )
        return cls(nodes, rels, flipped, counts)

    @property
    def size(self) -> int:
        """Nodes and relationships written or deleted."""
        rows = sum(len(g) + len(a) + len(c) for g, a, c in self.nodes.values())
        return rows + sum(len(g) + len(m) for g, m in self.rels.values())
