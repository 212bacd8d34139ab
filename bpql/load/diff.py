"""What a load changes: the graph in the store compared with the graph of the files.

A store holds one enterprise, so `bpql load` deletes what the files no longer hold; naming too
few files would delete services without a word. The load reads ids and properties back through
the backend (the same reads on both stores) and reports, per kind, what it adds, changes and
removes before it writes, and `--dry-run` stops there.

A thing is *changed* only when what its file says of it changed: a property written in the
file, or a relation it names (a system's `depends_on`, a step's `uses`). Figures the load works
out (a system's `customer_reach`, a fail point's `rpn`, a step's `seq`, stored lint findings)
change when something else is edited, and figures `bpql observe` copies from an event log are
no file's either, so they are reported apart, as *derived*, and never make a thing changed:
adding one dependency to one system changes that system, not the systems whose blast radius
moved with it.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any

from bpql.analysis.derived import derived_props
from bpql.graphdata import Delta, GraphData, same_value
from bpql.schema import NODE_KINDS, NODES, REL_KINDS

_ID = operator.itemgetter("id")

#: kinds whose added and removed ids a report names on a terminal (the rest are counted)
NAMED = ("Service",)
#: changed things a terminal line names with their fields before counting the rest
SHOWN_CHANGED = 5
#: added or removed things a terminal line names before counting the rest (a first load of
#: 10,000 services printed a line of 100,000 characters; JSON keeps every id)
SHOWN_NAMED = 10

#: the file's words for a property stored under another name
PROP_FIELDS: dict[str, dict[str, str]] = {
    "FailPoint": {"prevention": "controls", "detection_control": "controls"},
}
#: relationships a file states on one end, as (the end that states it, the file's field);
#: containment (HAS_STEP, ...) is the child's being added or removed, NEXT is derived order
REL_FIELDS: dict[str, tuple[str, str]] = {
    "IN_PHASE": ("src", "phase"),
    "SUPPORTS": ("src", "supports"),
    "AT_TOUCHPOINT": ("src", "touchpoint"),
    "PERFORMED_BY": ("src", "performed_by"),
    "MEMBER_OF": ("src", "department"),
    "USES": ("src", "uses"),
    "DEPENDS_ON": ("src", "depends_on"),
    "OWNED_BY": ("src", "owner"),
    "SHOWS": ("src", "shows"),
    "FOR_PERSONA": ("src", "personas"),
    "MEASURES": ("src", "measures"),
    "HAS_FAIL_POINT": ("dst", "step"),
    "CAN_FAIL": ("dst", "system"),
}
#: relationships the load works out, reported with the derived figures of their source
REL_DERIVED: dict[str, str] = {"NEXT": "next"}


@dataclass(frozen=True)
class KindChanges:
    """Ids of one label that a load adds, changes (what its file says differs) and removes,
    and those whose derived figures alone differ."""

    label: str
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: int
    #: changed id -> the file's fields that differ
    fields: dict[str, list[str]] = field(default_factory=dict)
    #: ids whose only differences are derived figures, and which
    derived: dict[str, list[str]] = field(default_factory=dict)

    @property
    def touched(self) -> bool:
        """Whether the store must be written (derived figures included)."""
        return bool(self.added or self.changed or self.removed or self.derived)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "unchanged": self.unchanged,
            "added_ids": self.added,
            "changed_ids": self.changed,
            "removed_ids": self.removed,
            "changed_fields": {i: self.fields.get(i, []) for i in self.changed},
            "derived": len(self.derived),
            "derived_fields": self.derived,
        }

    def line(self) -> str | None:
        """`services: 1 added (travel), 2 removed (billing, claims)`; `systems: 1 changed
        (crm: depends_on)`; None when only derived figures differ."""
        parts = []
        if self.added:
            parts.append(f"{len(self.added)} added" + self._named(self.added))
        if self.changed:
            shown = [f"{i}: {', '.join(self.fields.get(i, []))}" for i in self.changed]
            more = len(shown) - SHOWN_CHANGED
            text = ", ".join(shown[:SHOWN_CHANGED]) + (f", {more} more" if more > 0 else "")
            parts.append(f"{len(self.changed)} changed ({text})")
        if self.removed:
            parts.append(f"{len(self.removed)} removed" + self._named(self.removed))
        return f"{NODES[self.label].plural}: {', '.join(parts)}" if parts else None

    def derived_line(self) -> str | None:
        """`systems: 2 (customer_reach, single_point_for)`: derived figures that differ."""
        if not self.derived:
            return None
        names = sorted({f for fs in self.derived.values() for f in fs})
        return f"{NODES[self.label].plural}: {len(self.derived)} ({', '.join(names)})"

    def _named(self, ids: list[str]) -> str:
        if self.label not in NAMED:
            return ""
        more = len(ids) - SHOWN_NAMED
        return f" ({', '.join(ids[:SHOWN_NAMED])}{f', {more:,} more' if more > 0 else ''})"


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
        out = [line for k in self.nodes if (line := k.line())]
        derived = [line for k in self.nodes if (line := k.derived_line())]
        if derived:
            out.append(f"derived figures only (no file says so): {'; '.join(derived)}")
        added = sum(a for a, _ in self.rels.values())
        removed = sum(r for _, r in self.rels.values())
        if added or removed:
            parts = [f"{n} {w}" for n, w in ((added, "added"), (removed, "removed")) if n]
            out.append(f"relationships: {', '.join(parts)}")
        return out


#: label -> id -> the fields that differ
_Fields = dict[str, dict[str, list[str]]]


def _note(into: _Fields, id_: str, prop: str, label: str) -> None:
    name = PROP_FIELDS.get(label, {}).get(prop, prop)
    mine = into.setdefault(label, {}).setdefault(id_, [])
    if name not in mine:
        mine.append(name)


def _relation_fields(
    old: GraphData, new: GraphData, delta: Delta, stated: _Fields, figures: _Fields
) -> None:
    """A relationship type that differs, as a field of the node whose file states it: the
    nodes in both graphs at the stating end (or, for a fail point, its owner) of a pair held
    on one side only."""
    for rel in REL_KINDS:
        pairs = delta.flipped.get(rel.type)
        if not pairs:
            continue
        if rel.type in REL_FIELDS:
            end, name = REL_FIELDS[rel.type]
            into = stated
        elif rel.type in REL_DERIVED:
            end, name, into = "src", REL_DERIVED[rel.type], figures
        else:
            continue
        label = rel.src if end == "src" else rel.dst
        ends = {s if end == "src" else d for s, d in pairs}
        ids = (
            ends
            & {str(r["id"]) for r in old.nodes.get(label, [])}
            & {str(r["id"]) for r in new.nodes.get(label, [])}
        )
        for i in sorted(ids):
            _note(into, i, name, label)


def _sorted_out(k: KindChanges, stated: _Fields, figures: _Fields) -> KindChanges:
    """The kind's changed ids (a stated field differs) and derived-only ids, from the notes."""
    mine = stated.get(k.label, {})
    theirs = {i: fs for i, fs in figures.get(k.label, {}).items() if i not in mine}
    changed = sorted(mine)
    return KindChanges(
        k.label,
        k.added,
        changed,
        k.removed,
        k.unchanged - len(changed) - len(theirs),
        {i: mine[i] for i in changed},
        {i: theirs[i] for i in sorted(theirs)},
    )


def diff(old: GraphData, new: GraphData, delta: Delta | None = None) -> Changes:
    """What turning `old` into `new` adds, changes and removes, in schema order; a thing is
    changed when what its file says differs, and derived figures alone are listed apart.
    `delta` is the difference the load writes, when it was worked out already: the report
    is read from it, not worked out again."""
    delta = delta or Delta.between(old, new)
    kinds = []
    stated: _Fields = {}
    figures: _Fields = {}
    for kind in NODE_KINDS:
        gone, made, differing = delta.nodes[kind.label]
        count = len(new.nodes.get(kind.label, []))
        if not (gone or made or differing):
            kinds.append(KindChanges(kind.label, [], [], [], count))
            continue
        props = kind.prop_names
        if differing:
            rows = old.nodes.get(kind.label, [])
            before = dict(zip(map(str, map(_ID, rows)), rows, strict=True))  # in C
            for row in differing:
                i = str(row["id"])
                for p in props:
                    if not same_value(before[i].get(p), row.get(p)):
                        _note(
                            stated if p not in derived_props(kind.label) else figures,
                            i,
                            p,
                            kind.label,
                        )
        added = sorted(str(r["id"]) for r in made)
        kinds.append(KindChanges(kind.label, added, [], sorted(gone), count - len(made)))
    _relation_fields(old, new, delta, stated, figures)
    kinds = [_sorted_out(k, stated, figures) for k in kinds]
    return Changes(kinds, dict(delta.counts))
