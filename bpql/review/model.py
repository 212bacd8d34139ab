"""What a review holds: typed, plain data, with `to_json()` for programs and the formatters.

Every thing a review names carries where it is written (`At`: a file relative to the
repository's top, a line and a column), in HEAD when it is there and in BASE when it is gone,
so a pull request comment, SARIF and GitLab can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bpql.analysis.compare import StepFacts
from bpql.review.git import Revision

#: the labels a review suggests, in the order a report lists them
LABELS = ("customer-visible", "moment-of-truth", "high-priority-added", "no-semantic-change")


@dataclass(frozen=True)
class At:
    """Where a thing is written: a file relative to the repository's top, 1-based."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column}


def _at(at: At | None) -> dict[str, Any] | None:
    return at.to_json() if at else None


@dataclass(frozen=True)
class StepItem(StepFacts):
    """A step added or removed, as the redesign diff reads it (in HEAD, or in BASE when
    removed), and where it is written."""

    at: At | None

    @classmethod
    def of(cls, step: StepFacts, at: At | None) -> StepItem:
        return cls(**vars(step), at=at)

    def to_json(self) -> dict[str, Any]:
        doc = super().to_json()
        del doc["local"]
        return {**doc, "at": _at(self.at)}


@dataclass(frozen=True)
class StepChange:
    """A step in both: each field that differs, (before, after)."""

    id: str
    before_id: str
    name: str
    lane: str
    #: "id", or "name" where the id changed and the name did not
    matched_by: str
    fields: dict[str, tuple[Any, Any]]
    moment_of_truth: bool
    at: At | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "before_id": self.before_id,
            "name": self.name,
            "lane": self.lane,
            "matched_by": self.matched_by,
            "fields": {k: [_plain(a), _plain(b)] for k, (a, b) in self.fields.items()},
            "moment_of_truth": self.moment_of_truth,
            "at": _at(self.at),
        }


@dataclass(frozen=True)
class OtherChange:
    """Anything else of a blueprint that changed (a description, a script, a phase's name,
    an evidence, a metric, its personas): no figure moves, but it is a change."""

    label: str
    id: str
    field: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "id": self.id,
            "field": self.field,
            "before": _plain(self.before),
            "after": _plain(self.after),
        }


@dataclass
class BlueprintReview:
    """One blueprint of one service: added, removed or changed, and what moved in it."""

    service: str
    service_name: str
    blueprint: str
    #: "added", "removed" or "changed"
    status: str
    file: str
    steps_added: list[StepItem] = field(default_factory=list)
    steps_removed: list[StepItem] = field(default_factory=list)
    steps_changed: list[StepChange] = field(default_factory=list)
    handoffs_before: list[tuple[str, str]] = field(default_factory=list)
    handoffs_after: list[tuple[str, str]] = field(default_factory=list)
    #: figure -> (before, after), minutes, along the customer path (steps above the line of
    #: visibility): target time, the waits added up, the longest wait
    customer_path: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: step ids: a moment of truth that is new (or newly one), gone (or no longer one), or
    #: one whose step changed
    moments_added: list[str] = field(default_factory=list)
    moments_removed: list[str] = field(default_factory=list)
    moments_changed: list[str] = field(default_factory=list)
    #: fail point ids (the risk section has their ratings)
    fail_added: list[str] = field(default_factory=list)
    fail_removed: list[str] = field(default_factory=list)
    fail_changed: list[str] = field(default_factory=list)
    #: the departments and channels its steps start and stop using: kind -> (added, removed)
    uses: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    other: list[OtherChange] = field(default_factory=list)

    @property
    def handoffs_added(self) -> list[tuple[str, str]]:
        return [h for h in self.handoffs_after if h not in self.handoffs_before]

    @property
    def handoffs_removed(self) -> list[tuple[str, str]]:
        return [h for h in self.handoffs_before if h not in self.handoffs_after]

    @property
    def title(self) -> str:
        scenario = self.blueprint.split(":", 1)[1] if ":" in self.blueprint else ""
        return f"{self.service_name} ({scenario})" if scenario else self.service_name

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "service_name": self.service_name,
            "blueprint": self.blueprint,
            "status": self.status,
            "file": self.file,
            "steps": {
                "added": [s.to_json() for s in self.steps_added],
                "removed": [s.to_json() for s in self.steps_removed],
                "changed": [s.to_json() for s in self.steps_changed],
            },
            "handoffs": {
                "before": [list(h) for h in self.handoffs_before],
                "after": [list(h) for h in self.handoffs_after],
                "added": [list(h) for h in self.handoffs_added],
                "removed": [list(h) for h in self.handoffs_removed],
            },
            "customer_path": {k: list(v) for k, v in self.customer_path.items()},
            "moments_of_truth": {
                "added": self.moments_added,
                "removed": self.moments_removed,
                "changed": self.moments_changed,
            },
            "failpoints": {
                "added": self.fail_added,
                "removed": self.fail_removed,
                "changed": self.fail_changed,
            },
            "uses": {k: {"added": a, "removed": r} for k, (a, r) in self.uses.items()},
            "other": [o.to_json() for o in self.other],
        }


@dataclass(frozen=True)
class ReachedStep:
    id: str
    name: str
    lane: str
    service: str
    moment_of_truth: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "lane": self.lane,
            "service": self.service,
            "moment_of_truth": self.moment_of_truth,
        }


@dataclass
class Reach:
    """What `impact of <thing>` answers for a changed shared thing, in one revision."""

    #: "head", or "base" for a thing that is gone
    revision: str
    query: str
    #: (service id, name)
    services: list[tuple[str, str]]
    steps: int
    #: the steps above the line of visibility (customer and frontstage) it reaches
    customer_steps: list[ReachedStep]

    @property
    def moments_of_truth(self) -> list[str]:
        return [s.id for s in self.customer_steps if s.moment_of_truth]

    def to_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "query": self.query,
            "services": [{"id": i, "name": n} for i, n in self.services],
            "steps": self.steps,
            "customer_steps": [s.to_json() for s in self.customer_steps],
            "moments_of_truth": self.moments_of_truth,
        }


@dataclass
class SharedChange:
    """A department, role, system, touchpoint or persona added, removed, renamed or changed."""

    label: str
    id: str
    name: str
    #: "added", "removed", "renamed" or "changed"
    change: str
    fields: dict[str, tuple[Any, Any]]
    at: At | None
    renamed_from: str | None = None
    reach: Reach | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "id": self.id,
            "name": self.name,
            "change": self.change,
            "renamed_from": self.renamed_from,
            "fields": {k: [_plain(a), _plain(b)] for k, (a, b) in self.fields.items()},
            "at": _at(self.at),
            "reach": self.reach.to_json() if self.reach else None,
        }


@dataclass(frozen=True)
class FailItem:
    """A fail point as it is in one revision (on a step, or on a system)."""

    id: str
    name: str
    #: the step or system it sits on
    on: str
    severity: int | None
    occurrence: int | None
    detection: int | None
    rpn: int | None
    ap: str | None
    action: str | None
    owner: str | None
    at: At | None

    @property
    def rating(self) -> str:
        return (
            f"S{self.severity} O{self.occurrence} D{self.detection}, RPN {self.rpn}, AP {self.ap}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "on": self.on,
            "severity": self.severity,
            "occurrence": self.occurrence,
            "detection": self.detection,
            "rpn": self.rpn,
            "ap": self.ap,
            "action": self.action,
            "owner": self.owner,
            "at": _at(self.at),
        }


@dataclass(frozen=True)
class FailChange:
    before: FailItem
    after: FailItem
    fields: dict[str, tuple[Any, Any]]

    @property
    def rerated(self) -> bool:
        return any(k in self.fields for k in ("severity", "occurrence", "detection"))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.after.id,
            "name": self.after.name,
            "on": self.after.on,
            "fields": {k: [_plain(a), _plain(b)] for k, (a, b) in self.fields.items()},
            "at": _at(self.after.at),
        }


@dataclass
class Risk:
    added: list[FailItem] = field(default_factory=list)
    removed: list[FailItem] = field(default_factory=list)
    #: ratings changed (severity, occurrence or detection)
    rerated: list[FailChange] = field(default_factory=list)
    #: anything else of a fail point changed (action, owner, status, due, controls, ...)
    changed: list[FailChange] = field(default_factory=list)
    #: high action priority in HEAD, touched by the change (added, re-rated or its action or
    #: owner changed), with no action or no owner
    attention: list[FailItem] = field(default_factory=list)
    #: high in HEAD and not in BASE: added high, or raised to high
    new_high: list[FailItem] = field(default_factory=list)

    @property
    def priority_changes(self) -> list[FailChange]:
        return [c for c in (*self.rerated, *self.changed) if "ap" in c.fields]

    def to_json(self) -> dict[str, Any]:
        return {
            "added": [f.to_json() for f in self.added],
            "removed": [f.to_json() for f in self.removed],
            "rerated": [c.to_json() for c in self.rerated],
            "changed": [c.to_json() for c in self.changed],
            "priority_changes": [
                {"id": c.after.id, "before": c.fields["ap"][0], "after": c.fields["ap"][1]}
                for c in self.priority_changes
            ],
            "new_high": [f.id for f in self.new_high],
            "attention": [
                {
                    **f.to_json(),
                    "missing": [w for w, v in (("action", f.action), ("owner", f.owner)) if not v],
                }
                for f in self.attention
            ],
        }


@dataclass(frozen=True)
class LintItem:
    rule: str
    severity: str
    message: str
    element: str
    at: At

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "element": self.element,
            "at": self.at.to_json(),
        }


@dataclass
class LintDelta:
    #: findings in HEAD that BASE does not have, at their place in HEAD
    new: list[LintItem] = field(default_factory=list)
    #: findings BASE had that HEAD does not, at their place in BASE
    fixed: list[LintItem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"new": [f.to_json() for f in self.new], "fixed": [f.to_json() for f in self.fixed]}


@dataclass(frozen=True)
class GateHit:
    """One occurrence of a condition the gate knows, whether or not it fails the gate."""

    condition: str
    message: str
    at: At | None
    #: whether the configured gate fails on this condition
    fails: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "condition": self.condition,
            "message": self.message,
            "at": _at(self.at),
            "fails": self.fails,
        }


@dataclass
class Gate:
    fail_on: list[str]
    hits: list[GateHit] = field(default_factory=list)
    #: where the settings came from (None: the defaults)
    source: str | None = None

    @property
    def failed(self) -> bool:
        return any(h.fails for h in self.hits)

    def to_json(self) -> dict[str, Any]:
        return {
            "failed": self.failed,
            "fail_on": self.fail_on,
            "config": self.source,
            "hits": [h.to_json() for h in self.hits],
        }


@dataclass
class Review:
    """The semantic change between two revisions of an enterprise's files."""

    base: Revision
    head: Revision
    #: the enterprise folder and the part of it reviewed, relative to the repository's top
    enterprise: str
    scope: str
    enterprise_name: str
    #: files whose bytes differ, relative to the repository's top
    files_changed: list[str]
    blueprints: list[BlueprintReview]
    shared: list[SharedChange]
    risk: Risk
    lint: LintDelta
    gate: Gate
    labels: list[str] = field(default_factory=list)

    @property
    def semantic(self) -> bool:
        """Whether anything changed beyond the bytes: a whitespace or comment edit is not."""
        r = self.risk
        return bool(
            self.blueprints
            or self.shared
            or r.added
            or r.removed
            or r.rerated
            or r.changed
            or self.lint.new
            or self.lint.fixed
        )

    def counts(self) -> dict[str, int]:
        bps = self.blueprints
        return {
            "services": len({b.service for b in bps}),
            "blueprints_added": sum(b.status == "added" for b in bps),
            "blueprints_removed": sum(b.status == "removed" for b in bps),
            "blueprints_changed": sum(b.status == "changed" for b in bps),
            "steps_added": sum(len(b.steps_added) for b in bps if b.status == "changed"),
            "steps_removed": sum(len(b.steps_removed) for b in bps if b.status == "changed"),
            "steps_changed": sum(len(b.steps_changed) for b in bps),
            "handoffs_added": sum(len(b.handoffs_added) for b in bps),
            "handoffs_removed": sum(len(b.handoffs_removed) for b in bps),
            "moments_of_truth_added": sum(len(b.moments_added) for b in bps),
            "moments_of_truth_removed": sum(len(b.moments_removed) for b in bps),
            "shared_changed": len(self.shared),
            "failpoints_added": len(self.risk.added),
            "failpoints_removed": len(self.risk.removed),
            "failpoints_rerated": len(self.risk.rerated),
            "priority_changes": len(self.risk.priority_changes),
            "high_priority_attention": len(self.risk.attention),
            "lint_new": len(self.lint.new),
            "lint_fixed": len(self.lint.fixed),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base.to_json(),
            "head": self.head.to_json(),
            "enterprise": self.enterprise,
            "enterprise_name": self.enterprise_name,
            "scope": self.scope,
            "semantic": self.semantic,
            "counts": self.counts(),
            "labels": self.labels,
            "gate": self.gate.to_json(),
            "files_changed": self.files_changed,
            "blueprints": [b.to_json() for b in self.blueprints],
            "shared": [s.to_json() for s in self.shared],
            "risk": self.risk.to_json(),
            "lint": self.lint.to_json(),
        }


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v
