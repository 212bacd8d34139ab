"""What a load changes: the graph in the store compared with the graph of the files.

A store holds one enterprise, so `bpql load` deletes what the files no longer hold; naming too
few files would delete services without a word. The load reads ids and properties back through
the backend (the same reads on both stores) and reports, per kind, what it adds, changes and
removes before it writes, and `--dry-run` stops there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bpql.backends.base import Backend
from bpql.graphdata import GraphData
from bpql.schema import NODE_KINDS, NODES, REL_KINDS

#: kinds whose added and removed ids a report names on a terminal (the rest are counted)
NAMED = ("Service",)


def stored_graph(backend: Backend) -> GraphData:
    """The schema's nodes (every property) and relationships (id pairs) now in the store."""
    graph = GraphData()
    for kind in NODE_KINDS:
        cols = ", ".join(f"n.`{p}` AS `{p}`" for p in kind.prop_names)
        _, rows = backend.read(f"MATCH (n:{kind.label}) RETURN {cols}", {})
        graph.nodes[kind.label] = [dict(zip(kind.prop_names, row, strict=True)) for row in rows]
    for rel in REL_KINDS:
        _, rows = backend.read(
            f"MATCH (a:{rel.src})-[:{rel.type}]->(b:{rel.dst}) RETURN a.id AS s, b.id AS d", {}
        )
        graph.rels[rel.type] = [(str(s), str(d)) for s, d in rows]
    return graph


@dataclass(frozen=True)
class KindChanges:
    """Ids of one label that a load adds, changes (any property differs) and removes."""

    label: str
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: int

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "unchanged": self.unchanged,
            "added_ids": self.added,
            "changed_ids": self.changed,
            "removed_ids": self.removed,
        }

    def line(self) -> str:
        """`services: 1 added (travel), 2 removed (billing, claims)`."""
        parts = []
        for word, ids in (("added", self.added), ("changed", self.changed)):
            if ids:
                parts.append(f"{len(ids)} {word}" + self._named(ids))
        if self.removed:
            parts.append(f"{len(self.removed)} removed" + self._named(self.removed))
        return f"{NODES[self.label].plural}: {', '.join(parts)}"

    def _named(self, ids: list[str]) -> str:
        return f" ({', '.join(ids)})" if self.label in NAMED else ""


@dataclass(frozen=True)
class Changes:
    """Everything a load changes, per node label and per relationship type."""

    nodes: list[KindChanges]
    #: relationship type -> (added, removed)
    rels: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def touched(self) -> bool:
        return any(k.touched for k in self.nodes) or any(a or r for a, r in self.rels.values())

    def removed(self, label: str) -> list[str]:
        return next((k.removed for k in self.nodes if k.label == label), [])

    def to_json(self) -> dict[str, Any]:
        return {
            "nodes": {k.label: k.to_json() for k in self.nodes},
            "relationships": {
                t: {"added": a, "removed": r} for t, (a, r) in sorted(self.rels.items())
            },
        }

    def lines(self) -> list[str]:
        """One line per kind that changes, then the relationships in one line."""
        if not self.touched:
            return ["no changes: the store already holds exactly these files' graph"]
        out = [k.line() for k in self.nodes if k.touched]
        added = sum(a for a, _ in self.rels.values())
        removed = sum(r for _, r in self.rels.values())
        if added or removed:
            parts = [f"{n} {w}" for n, w in ((added, "added"), (removed, "removed")) if n]
            out.append(f"relationships: {', '.join(parts)}")
        return out


def diff(old: GraphData, new: GraphData) -> Changes:
    """What turning `old` into `new` adds, changes and removes, in schema order."""
    kinds = []
    for kind in NODE_KINDS:
        same = old.nodes.get(kind.label, []) == new.nodes.get(kind.label, [])
        if same:  # a reload's saved graph lists them in the files' order: no walk needed
            count = len(new.nodes.get(kind.label, []))
            kinds.append(KindChanges(kind.label, [], [], [], count))
            continue
        before = {str(r["id"]): r for r in old.nodes.get(kind.label, [])}
        after = {str(r["id"]): r for r in new.nodes.get(kind.label, [])}
        added = sorted(after.keys() - before.keys())
        removed = sorted(before.keys() - after.keys())
        both = sorted(after.keys() & before.keys())
        props = kind.prop_names
        changed = [i for i in both if differs(before[i], after[i], props)]
        kinds.append(KindChanges(kind.label, added, changed, removed, len(both) - len(changed)))
    rels = {}
    for rel in REL_KINDS:
        if old.rels.get(rel.type, []) == new.rels.get(rel.type, []):
            rels[rel.type] = (0, 0)
            continue
        if not old.rels.get(rel.type):  # a first load: no counting needed
            rels[rel.type] = (len(new.rels.get(rel.type, [])), 0)
            continue
        before_pairs = Counter(old.rels.get(rel.type, []))
        after_pairs = Counter(new.rels.get(rel.type, []))
        rels[rel.type] = (
            sum((after_pairs - before_pairs).values()),
            sum((before_pairs - after_pairs).values()),
        )
    return Changes(kinds, rels)


def differs(stored: dict[str, Any], loaded: dict[str, Any], props: tuple[str, ...]) -> bool:
    """Whether any property differs; two equal dicts (Python compares 5 and 5.0 as equal, as
    `_same` does) answer without the per-property walk, which a reload of 35k nodes felt."""
    if stored == loaded:
        return False
    return any(not _same(stored.get(p), loaded.get(p)) for p in props)


def _same(stored: Any, loaded: Any) -> bool:
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
