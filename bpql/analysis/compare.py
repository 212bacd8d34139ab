"""The redesign diff: one blueprint compared with another, and what a designer reads first.

Not the load diff (`bpql/load/diff.py` says what a load writes, per label); this one compares two
blueprints of a service as a designer does: the as-is with a to-be, or one version of the
files with another. Both sides are read from a `GraphData` (files, or the part of a store a
few read-only queries return), so files and both stores give the same answer. Steps are
matched by their id inside the blueprint, then by name where the ids changed.

The comparison only: its terminal text is `bpql/present/diff.py`, the files at a git revision
are read by `bpql/model/revision.py`, and a store's graph by `bpql/backends/reads.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bpql.analysis.graph import Index
from bpql.analysis.handoffs import handoffs
from bpql.durations import Duration
from bpql.errors import BpqlError
from bpql.graphdata import GraphData, same_value
from bpql.ids import parse_blueprint_id
from bpql.result import Graph, GraphNode, Kind, Result, Table
from bpql.schema import LANE_BY_KEY, LINES, SHARED, VISIBLE_LANES
from bpql.words import no_service

#: what a step change can be, in the order a report lists them
STEP_FIELDS = (
    "name",
    "lane",
    "phase",
    "roles",
    "systems",
    "touchpoints",
    "target_time",
    "max_wait",
    "moment_of_truth",
)
#: the words a report uses for a changed step field
FIELD_WORDS = {
    "id": "id",
    "name": "renamed",
    "lane": "moved lane",
    "phase": "moved phase",
    "roles": "re-assigned roles",
    "systems": "re-assigned systems",
    "touchpoints": "re-assigned touchpoints",
    "target_time": "target time",
    "max_wait": "max wait",
    "moment_of_truth": "moment of truth",
}
FAIL_FIELDS = ("name", "step", "severity", "occurrence", "detection", "rpn", "ap")


@dataclass(frozen=True)
class StepFacts:
    """One step as a designer compares it; `local` is its id inside the blueprint."""

    local: str
    id: str
    name: str
    lane: str
    seq: int
    phase: str | None
    roles: tuple[str, ...]
    departments: tuple[str, ...]
    systems: tuple[str, ...]
    touchpoints: tuple[str, ...]
    channels: tuple[str, ...]
    target_time: float | None
    max_wait: float | None
    moment_of_truth: bool

    def value(self, name: str) -> Any:
        return getattr(self, name)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "local": self.local,
            "name": self.name,
            "lane": self.lane,
            "phase": self.phase,
            "roles": list(self.roles),
            "systems": list(self.systems),
            "touchpoints": list(self.touchpoints),
            "target_time": self.target_time,
            "max_wait": self.max_wait,
            "moment_of_truth": self.moment_of_truth,
        }


@dataclass(frozen=True)
class FailFacts:
    local: str
    id: str
    name: str
    #: the local id of the step it sits on
    step: str
    severity: int | None
    occurrence: int | None
    detection: int | None
    rpn: int | None
    ap: str | None
    ap_order: int | None

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("id", "name", "step", *FAIL_FIELDS[2:])}


@dataclass
class Side:
    """One blueprint: its steps in time order, fail points and supports, by local id."""

    blueprint: str
    service: str
    title: str
    steps: dict[str, StepFacts]
    failpoints: dict[str, FailFacts]
    #: (lower step, higher step) by local id
    supports: list[tuple[str, str]]
    #: the blueprint's own graph, for the diff view (ids as stored)
    graph: GraphData = field(repr=False, default_factory=GraphData)

    @property
    def label(self) -> str:
        ref = parse_blueprint_id(self.blueprint)
        return ref.scenario + (f" ({ref.variant})" if ref.variant else "")


def _local(prefix: str, id_: str) -> str:
    return id_[len(prefix) + 1 :] if id_.startswith(prefix + ".") else id_


def side_of(graph: GraphData, bid: str, index: Index | None = None) -> Side:
    """The blueprint `bid` of `graph`, with the departments and channels its steps reach."""
    ix = index or Index(graph)
    ref = parse_blueprint_id(bid)
    prefix = ref.service if ref.scenario == "as-is" else bid
    bp = ix.nodes["Blueprint"][bid]
    out = ix.out
    step_ids = set(out["HAS_STEP"].get(bid, ()))
    phase_ids = set(out["HAS_PHASE"].get(bid, ()))
    nodes = ix.nodes
    steps: dict[str, StepFacts] = {}
    for sid in sorted(step_ids, key=lambda i: (nodes["Step"][i].get("seq") or 0, i)):
        n = nodes["Step"][sid]
        roles = tuple(sorted(out["PERFORMED_BY"].get(sid, ())))
        tps = tuple(sorted(out["AT_TOUCHPOINT"].get(sid, ())))
        phase = out["IN_PHASE"].get(sid)
        steps[_local(prefix, sid)] = StepFacts(
            local=_local(prefix, sid),
            id=sid,
            name=str(n.get("name") or ""),
            lane=str(n.get("lane")),
            seq=int(n.get("seq") or 0),
            phase=_local(prefix, phase[0]) if phase else None,
            roles=roles,
            departments=tuple(sorted({d for r in roles for d in out["MEMBER_OF"].get(r, ())})),
            systems=tuple(sorted(out["USES"].get(sid, ()))),
            touchpoints=tps,
            channels=tuple(sorted({str(nodes["Touchpoint"][t].get("channel")) for t in tps})),
            target_time=_minutes(n.get("target_time")),
            max_wait=_minutes(n.get("max_wait")),
            moment_of_truth=bool(n.get("moment_of_truth")),
        )
    fps: dict[str, FailFacts] = {}
    for sid in sorted(step_ids):
        for fid in out["HAS_FAIL_POINT"].get(sid, ()):
            f = nodes["FailPoint"][fid]
            fps[_local(prefix, fid)] = FailFacts(
                local=_local(prefix, fid),
                id=fid,
                name=str(f.get("name") or ""),
                step=_local(prefix, sid),
                severity=_int(f.get("severity")),
                occurrence=_int(f.get("occurrence")),
                detection=_int(f.get("detection")),
                rpn=_int(f.get("rpn")),
                ap=f.get("ap"),
                ap_order=_int(f.get("ap_order")),
            )
    supports = sorted(
        (_local(prefix, a), _local(prefix, b))
        for a in step_ids
        for b in out["SUPPORTS"].get(a, ())
        if b in step_ids
    )
    own = GraphData()
    keep = {bid, *step_ids, *phase_ids, *(f.id for f in fps.values())}
    for t in ("HAS_STEP", "HAS_PHASE", "IN_PHASE", "NEXT", "SUPPORTS", "HAS_FAIL_POINT"):
        own.rels[t] = [(a, b) for a in sorted(keep) for b in out[t].get(a, ()) if b in keep]
    for t in ("USES", "AT_TOUCHPOINT", "SHOWS", "PERFORMED_BY"):
        own.rels[t] = [(a, b) for a in sorted(step_ids) for b in out[t].get(a, ())]
    members = {
        "Blueprint": [bid],
        "Step": sorted(step_ids),
        "Phase": sorted(phase_ids),
        "FailPoint": sorted(f.id for f in fps.values()),
    }
    for t, label in (("USES", "System"), ("AT_TOUCHPOINT", "Touchpoint"), ("SHOWS", "Evidence")):
        members[label] = sorted({b for _, b in own.rels[t]})
    for label, ids in members.items():
        own.nodes[label] = [nodes[label][i] for i in ids if i in nodes[label]]
    return Side(
        blueprint=bid,
        service=ref.service,
        title=str(bp.get("name") or bid),
        steps=steps,
        failpoints=fps,
        supports=supports,
        graph=own,
    )


def _minutes(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _int(v: Any) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


# --- what a designer reads first ------------------------------------------------------------


def crossings(lanes: dict[str, str], supports: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Supports that cross each line (interaction, visibility, internal): a support from a
    lower lane to a higher one crosses every line between the two."""
    out = {line.key: 0 for line in LINES}
    for lower, higher in supports:
        low, high = LANE_BY_KEY[lanes[lower]].rank, LANE_BY_KEY[lanes[higher]].rank
        for line in LINES:
            if high <= LANE_BY_KEY[line.above].rank and low >= LANE_BY_KEY[line.below].rank:
                out[line.key] += 1
    return out


@dataclass(frozen=True)
class Metrics:
    customer_steps: int
    #: supports across the line of interaction: a frontstage contact each
    frontstage_contacts: int
    visibility_crossings: int
    internal_crossings: int
    handoffs: list[tuple[str, str]]
    #: sums over the customer path (the steps above the line of visibility), minutes
    target_time: float
    total_wait: float
    longest_wait: float
    touchpoints: list[str]
    channels: list[str]
    #: fail points by action priority, then RPN, highest first
    failpoints: list[FailFacts]
    moments_of_truth: list[str]

    def figures(self) -> dict[str, Any]:
        """The figures a summary compares, as numbers (durations print with units)."""
        aps: defaultdict[str, int] = defaultdict(int)
        for f in self.failpoints:
            aps[f.ap or "unrated"] += 1
        return {
            "customer_steps": self.customer_steps,
            "frontstage_contacts": self.frontstage_contacts,
            "visibility_crossings": self.visibility_crossings,
            "handoffs": len(self.handoffs),
            "target_time": Duration(self.target_time),
            "total_wait": Duration(self.total_wait),
            "longest_wait": Duration(self.longest_wait),
            "touchpoints": len(self.touchpoints),
            "channels": len(self.channels),
            "failpoints": len(self.failpoints),
            "failpoints_high": aps["high"],
            "failpoints_medium": aps["medium"],
            "failpoints_low": aps["low"],
            "max_rpn": max((f.rpn or 0 for f in self.failpoints), default=0),
            "moments_of_truth": len(self.moments_of_truth),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            **{k: float(v) if isinstance(v, Duration) else v for k, v in self.figures().items()},
            "internal_crossings": self.internal_crossings,
            "handoff_pairs": [list(h) for h in self.handoffs],
            "touchpoint_ids": self.touchpoints,
            "channel_names": self.channels,
            "failpoint_order": [f.local for f in self.failpoints],
            "moment_ids": self.moments_of_truth,
        }


#: how a summary names each figure
FIGURE_WORDS = {
    "customer_steps": "customer steps",
    "frontstage_contacts": "frontstage contacts (line of interaction)",
    "visibility_crossings": "crossings of the line of visibility",
    "handoffs": "handoffs between departments",
    "target_time": "target time along the customer path",
    "total_wait": "waits along the customer path",
    "longest_wait": "longest wait",
    "touchpoints": "touchpoints used",
    "channels": "channels used",
    "failpoints": "fail points",
    "failpoints_high": "  action priority high",
    "failpoints_medium": "  action priority medium",
    "failpoints_low": "  action priority low",
    "max_rpn": "highest RPN",
    "moments_of_truth": "moments of truth",
}


def metrics(side: Side) -> Metrics:
    steps = list(side.steps.values())
    path = [s for s in steps if s.lane in VISIBLE_LANES]
    waits = [s.max_wait for s in path if s.max_wait is not None]
    lanes = {s.local: s.lane for s in steps}
    cross = crossings(lanes, side.supports)
    return Metrics(
        customer_steps=sum(1 for s in steps if s.lane == "customer"),
        frontstage_contacts=cross["interaction"],
        visibility_crossings=cross["visibility"],
        internal_crossings=cross["internal"],
        handoffs=handoffs((s.local, s.departments) for s in steps),
        target_time=sum(s.target_time or 0.0 for s in path),
        total_wait=sum(waits),
        longest_wait=max(waits, default=0.0),
        touchpoints=sorted({t for s in steps for t in s.touchpoints}),
        channels=sorted({c for s in steps for c in s.channels}),
        failpoints=sorted(
            side.failpoints.values(), key=lambda f: (-(f.ap_order or 0), -(f.rpn or 0), f.local)
        ),
        moments_of_truth=[s.local for s in steps if s.moment_of_truth],
    )


# --- the diff -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepChange:
    before: StepFacts
    after: StepFacts
    #: "id", or "name" where the id changed and the name did not
    matched_by: str
    #: field -> (before, after)
    fields: dict[str, tuple[Any, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before.id,
            "after": self.after.id,
            "name": self.after.name,
            "matched_by": self.matched_by,
            "changes": {k: [_plain(a), _plain(b)] for k, (a, b) in self.fields.items()},
        }


@dataclass(frozen=True)
class FailChange:
    before: FailFacts
    after: FailFacts
    fields: dict[str, tuple[Any, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.after.id,
            "before": self.before.id,
            "name": self.after.name,
            "changes": {k: [a, b] for k, (a, b) in self.fields.items()},
        }


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


@dataclass
class BlueprintDiff:
    before: Side
    after: Side
    added: list[StepFacts]
    removed: list[StepFacts]
    changed: list[StepChange]
    #: steps matched by id or name with nothing changed
    same: int
    fail_added: list[FailFacts]
    fail_removed: list[FailFacts]
    fail_changed: list[FailChange]
    #: the column heads of a summary: the scenarios, or the two versions compared
    labels: tuple[str, str] | None = None

    @property
    def heads(self) -> tuple[str, str]:
        return self.labels or (self.before.label, self.after.label)

    @property
    def unchanged(self) -> bool:
        return not any(self.counts().values()) and metrics(self.before) == metrics(self.after)

    @property
    def by_name(self) -> list[StepChange]:
        return [c for c in self.changed if c.matched_by == "name"]

    def shared_used(self) -> dict[str, dict[str, list[str]]]:
        """The shared things the blueprint's steps use: which the new side starts and stops
        using (roles, departments, systems, touchpoints, channels)."""
        out = {}
        for kind in ("roles", "departments", "systems", "touchpoints", "channels"):
            b = {x for s in self.before.steps.values() for x in getattr(s, kind)}
            a = {x for s in self.after.steps.values() for x in getattr(s, kind)}
            out[kind] = {"added": sorted(a - b), "removed": sorted(b - a)}
        return out

    def counts(self) -> dict[str, int]:
        """Elements added, removed and changed (steps and fail points), as the view marks."""
        return {
            "added": len(self.added) + len(self.fail_added),
            "removed": len(self.removed) + len(self.fail_removed),
            "changed": len(self.changed) + len(self.fail_changed),
        }

    def to_json(self) -> dict[str, Any]:
        before, after = metrics(self.before), metrics(self.after)
        return {
            "service": self.after.service,
            "before": self.before.blueprint,
            "after": self.after.blueprint,
            "counts": self.counts(),
            "steps": {
                "added": [s.to_json() for s in self.added],
                "removed": [s.to_json() for s in self.removed],
                "changed": [c.to_json() for c in self.changed],
                "unchanged": self.same,
                "matched_by_name": [[c.before.id, c.after.id] for c in self.by_name],
            },
            "shared_used": self.shared_used(),
            "failpoints": {
                "added": [f.to_json() for f in self.fail_added],
                "removed": [f.to_json() for f in self.fail_removed],
                "changed": [c.to_json() for c in self.fail_changed],
            },
            "metrics": {
                "before": before.to_json(),
                "after": after.to_json(),
                "change": {
                    k: float(v) if isinstance(v, Duration) else v
                    for k, v in delta(before.figures(), after.figures()).items()
                },
            },
        }


def delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """After minus before; a duration's difference stays a duration."""
    return {
        k: Duration(after[k] - before[k])
        if isinstance(before[k], Duration)
        else after[k] - before[k]
        for k in before
    }


def match_steps(
    before: dict[str, StepFacts], after: dict[str, StepFacts]
) -> list[tuple[StepFacts, StepFacts, str]]:
    """Pairs by local id, then by name (case and spaces ignored) among the rest, when the name
    is unique on both sides."""
    pairs = [(before[k], after[k], "id") for k in before if k in after]
    left = [s for k, s in before.items() if k not in after]
    right = [s for k, s in after.items() if k not in before]

    def key(s: StepFacts) -> str:
        return " ".join(s.name.lower().split())

    lnames: defaultdict[str, list[StepFacts]] = defaultdict(list)
    rnames: defaultdict[str, list[StepFacts]] = defaultdict(list)
    for s in left:
        lnames[key(s)].append(s)
    for s in right:
        rnames[key(s)].append(s)
    for name, ls in lnames.items():
        if len(ls) == 1 and len(rnames.get(name, [])) == 1:
            pairs.append((ls[0], rnames[name][0], "name"))
    return pairs


def compare(before: Side, after: Side) -> BlueprintDiff:
    pairs = match_steps(before.steps, after.steps)
    matched_b = {b.local for b, _, _ in pairs}
    matched_a = {a.local for _, a, _ in pairs}
    changed, same = [], 0
    # a fail point's step is compared through the matching, so a renamed step is no change
    step_map = {b.local: a.local for b, a, _ in pairs}
    for b, a, how in sorted(pairs, key=lambda p: (p[1].seq, p[1].local)):
        fields = {f: (b.value(f), a.value(f)) for f in STEP_FIELDS if b.value(f) != a.value(f)}
        if how == "name":
            # a new id is a change (queries, links and the register name steps by id)
            fields = {"id": (b.local, a.local), **fields}
        if fields:
            changed.append(StepChange(b, a, how, fields))
        else:
            same += 1
    fa, fr, fc = [], [], []
    for k, f in after.failpoints.items():
        if k not in before.failpoints:
            fa.append(f)
    for k, f in before.failpoints.items():
        if k not in after.failpoints:
            fr.append(f)
            continue
        g = after.failpoints[k]
        fields = {}
        for name in FAIL_FIELDS:
            old, new = getattr(f, name), getattr(g, name)
            if name == "step":
                old = step_map.get(old, old)
            if old != new:
                fields[name] = (getattr(f, name), new)
        if fields:
            fc.append(FailChange(f, g, fields))
    return BlueprintDiff(
        before,
        after,
        added=[s for k, s in after.steps.items() if k not in matched_a],
        removed=[s for k, s in before.steps.items() if k not in matched_b],
        changed=changed,
        same=same,
        fail_added=sorted(fa, key=lambda f: f.local),
        fail_removed=sorted(fr, key=lambda f: f.local),
        fail_changed=sorted(fc, key=lambda c: c.after.local),
    )


@dataclass
class SharedChanges:
    label: str
    added: list[str]
    removed: list[str]
    changed: list[str]
    #: changed id -> the fields its file says differently
    fields: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "changed_fields": {i: self.fields.get(i, []) for i in self.changed},
        }


@dataclass
class Comparison:
    """Every blueprint pair compared, and (between versions) what came and went."""

    #: "scenarios" (as-is with to-be) or "versions" (old files with new)
    mode: str
    blueprints: list[BlueprintDiff]
    #: blueprints only in the new or only in the old version
    blueprints_added: list[str] = field(default_factory=list)
    blueprints_removed: list[str] = field(default_factory=list)
    shared: list[SharedChanges] = field(default_factory=list)
    before_label: str = "before"
    after_label: str = "after"

    @property
    def unchanged(self) -> bool:
        """Nothing to report: the same blueprints, each unchanged, no shared thing changed."""
        return (
            bool(self.blueprints)
            and not self.blueprints_added
            and not self.blueprints_removed
            and not any(s.added or s.removed or s.changed for s in self.shared)
            and all(d.unchanged for d in self.blueprints)
        )

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for d in self.blueprints:
            for k, v in d.counts().items():
                out[k] += v
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "unchanged": self.unchanged,
            "before": self.before_label,
            "after": self.after_label,
            "counts": self.counts(),
            "blueprints": [d.to_json() for d in self.blueprints],
            "blueprints_added": self.blueprints_added,
            "blueprints_removed": self.blueprints_removed,
            "shared": {s.label: s.to_json() for s in self.shared},
        }


def _blueprints(graph: GraphData) -> dict[str, dict[str, Any]]:
    return {str(n["id"]): n for n in graph.nodes["Blueprint"]}


def compare_scenarios(
    graph: GraphData, service: str | None = None, variant: str | None = None
) -> Comparison:
    """The as-is of each service (or of `service`, by id or name) with each of its to-be
    blueprints (or the one `variant` names; "" for the to-be with no variant)."""
    bps = _blueprints(graph)
    ix = Index(graph)
    by_service: defaultdict[str, list[str]] = defaultdict(list)
    for bid in sorted(bps):
        by_service[parse_blueprint_id(bid).service].append(bid)
    services = {str(n["id"]): str(n.get("name") or "") for n in graph.nodes["Service"]}
    if service is not None:
        found = [i for i, n in services.items() if service in (i, n)]
        if not found:
            raise no_service(service, services)
        wanted = found[:1]
    else:
        wanted = sorted(services)
    out: list[BlueprintDiff] = []
    for sid in wanted:
        mine = by_service[sid]
        as_is = [b for b in mine if parse_blueprint_id(b).scenario == "as-is"]
        to_be = [b for b in mine if parse_blueprint_id(b).scenario == "to-be"]
        if variant is not None:
            to_be = [b for b in to_be if (parse_blueprint_id(b).variant or "") == variant]
        if service is not None and not to_be:
            named = ", ".join(b for b in mine if parse_blueprint_id(b).scenario == "to-be")
            raise BpqlError(
                f'service "{sid}" has no to-be blueprint'
                + (f' with variant "{variant}"' if variant is not None else "")
                + (f"; it has: {named}" if named else "; add one with 'scenario: to-be'"),
                code="BPQL-C081",
            )
        if service is not None and not as_is:
            raise BpqlError(
                f'service "{sid}" has no as-is blueprint to compare its to-be with',
                code="BPQL-C082",
            )
        for bid in to_be if as_is else []:
            out.append(compare(side_of(graph, as_is[0], ix), side_of(graph, bid, ix)))
    if service is None and not out:
        raise BpqlError(
            "no service has both an as-is and a to-be blueprint"
            + (f' with variant "{variant}"' if variant is not None else ""),
            code="BPQL-C083",
        )
    return Comparison("scenarios", out, before_label="as-is", after_label="to-be")


def compare_versions(
    old: GraphData, new: GraphData, before_label: str = "old", after_label: str = "new"
) -> Comparison:
    """Each blueprint in both versions compared; those in one only listed; shared things."""
    a, b = _blueprints(old), _blueprints(new)
    ix_old, ix_new = Index(old), Index(new)
    diffs = [
        compare(side_of(old, i, ix_old), side_of(new, i, ix_new))
        for i in sorted(a.keys() & b.keys())
    ]
    for d in diffs:
        d.labels = (before_label, after_label)
    shared = []
    for label in SHARED:
        before = {str(n["id"]): n for n in old.nodes[label]}
        after = {str(n["id"]): n for n in new.nodes[label]}
        fields = {
            i: f
            for i in sorted(before.keys() & after.keys())
            if (f := _shared_fields(label, before[i], after[i], ix_old, ix_new))
        }
        shared.append(
            SharedChanges(
                label,
                sorted(after.keys() - before.keys()),
                sorted(before.keys() - after.keys()),
                list(fields),
                fields,
            )
        )
    return Comparison(
        "versions",
        diffs,
        sorted(b.keys() - a.keys()),
        sorted(a.keys() - b.keys()),
        shared,
        before_label,
        after_label,
    )


#: a shared thing's own links, and the field of the enterprise file that states each
SHARED_RELS = {"MEMBER_OF": "department", "DEPENDS_ON": "depends_on", "OWNED_BY": "owner"}


def _shared_fields(
    label: str, before: dict[str, Any], after: dict[str, Any], ix_old: Index, ix_new: Index
) -> list[str]:
    """The fields of a shared thing that its file says differently: its properties (not the
    figures a load works out, such as a system's `customer_reach`, which move when another
    thing is edited) and its own links (a role's department, a system's dependencies)."""
    from bpql.analysis.derived import derived_props

    skip = derived_props(label)
    out = [
        p
        for p in sorted(before.keys() | after.keys())
        if p not in skip and not same_value(before.get(p), after.get(p))
    ]
    i = str(after["id"])
    for t, name in SHARED_RELS.items():
        if set(ix_old.out[t].get(i, ())) != set(ix_new.out[t].get(i, ())):
            out.append(name)
    return out


@dataclass
class DiffResult(Result):
    """A comparison as a query result (kind `diff`), so the presenters, the views table and
    the explorer handle it like any other answer: `table` holds the figures per pair, `graph`
    the marked steps and fail points, `comparison` everything."""

    comparison: Comparison | None = None

    def json_parts(self) -> dict[str, Any]:
        assert self.comparison is not None
        return self.comparison.to_json()


def as_result(comparison: Comparison, title: str = "") -> DiffResult:
    rows = []
    for d in comparison.blueprints:
        b, a = metrics(d.before).figures(), metrics(d.after).figures()
        for k, words in FIGURE_WORDS.items():
            rows.append([d.before.blueprint, d.after.blueprint, words.strip(), b[k], a[k]])
    graph = Graph()
    for d in comparison.blueprints:
        for mark, steps in (("added", d.added), ("removed", d.removed)):
            for s in steps:
                graph.add_node(GraphNode("Step", s.id, ("Step",), {"name": s.name, "diff": mark}))
        for c in d.changed:
            props = {"name": c.after.name, "diff": "changed"}
            graph.add_node(GraphNode("Step", c.after.id, ("Step",), props))
    return DiffResult(
        Kind.DIFF,
        table=Table(["before", "after", "figure", "before_value", "after_value"], rows),
        graph=graph,
        title=title
        or (
            f"diff {comparison.before_label} -> {comparison.after_label}"
            if comparison.mode == "versions"
            else "diff as-is -> to-be"
        ),
        comparison=comparison,
    )
