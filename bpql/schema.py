"""The knowledge schema: one registry that every stage reads.

Labels, properties and relationship types live here and only here, so that the loader, the
resolver, both Cypher dialects and the visualisation agree, and so that no label or type ever
comes from user input.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

PropType = Literal["STRING", "INT64", "DOUBLE", "BOOL"]


@dataclass(frozen=True)
class Prop:
    name: str
    type: PropType
    doc: str = ""
    #: "minutes" for a duration: stored as minutes, written and printed with units
    unit: str | None = None


@dataclass(frozen=True)
class NodeKind:
    label: str
    #: plural word used in queries (`find services`)
    plural: str
    #: singular word used in references (`service "claims"`)
    singular: str
    props: tuple[Prop, ...]
    doc: str = ""

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)

    @property
    def prop_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.props)


@dataclass(frozen=True)
class RelKind:
    type: str
    src: str
    dst: str
    doc: str = ""


@dataclass(frozen=True)
class Lane:
    key: str
    label: str
    #: top-to-bottom position on the blueprint; lower numbers are closer to the customer
    rank: int
    title: str


def _p(name: str, type_: PropType = "STRING", doc: str = "", unit: str | None = None) -> Prop:
    return Prop(name, type_, doc, unit)


_ID = _p("id", doc="stable id, unique per label")
_NAME = _p("name", doc="display name")

NODE_KINDS: tuple[NodeKind, ...] = (
    NodeKind("Service", "services", "service", (_ID, _NAME, _p("description"))),
    NodeKind(
        "Blueprint",
        "blueprints",
        "blueprint",
        (
            _ID,
            _NAME,
            _p("scenario"),
            _p("variant"),
            _p("version"),
            _p("owner", doc="id of the role or department answerable for it"),
            _p("status", doc="draft | in review | live | retired"),
            _p("reviewed", doc="date of the last review, YYYY-MM-DD (compares as text)"),
            _p("review_every", "DOUBLE", "review period, minutes"),
        ),
        "one as-is or to-be blueprint of a service",
    ),
    NodeKind("Phase", "phases", "phase", (_ID, _NAME, _p("order", "INT64"))),
    NodeKind(
        "Step",
        "steps",
        "step",
        (
            _ID,
            _NAME,
            _p("lane", doc="customer | frontstage | backstage | support"),
            _p("seq", "INT64", "time order within the blueprint"),
            _p("description"),
            _p("target_time", "DOUBLE", "standard: target task time", "minutes"),
            _p("max_wait", "DOUBLE", "standard: maximum wait", "minutes"),
            _p("script", doc="script for frontstage staff"),
            _p("moment_of_truth", "BOOL"),
            _p("optional", "BOOL", "the service may run without it (observed cases may skip it)"),
        ),
    ),
    NodeKind("Evidence", "evidence", "evidence", (_ID, _NAME, _p("kind"))),
    NodeKind("Touchpoint", "touchpoints", "touchpoint", (_ID, _NAME, _p("channel"))),
    NodeKind("Role", "roles", "role", (_ID, _NAME)),
    NodeKind("Department", "departments", "department", (_ID, _NAME)),
    NodeKind(
        "System",
        "systems",
        "system",
        (
            _ID,
            _NAME,
            _p("kind"),
            _p("customer_reach", "INT64", "customer steps its failure can break (as-is)"),
            _p("moments_reach", "INT64", "moments of truth its failure can break (as-is)"),
            _p("services_reach", "INT64", "services with a customer step it can break (as-is)"),
            _p(
                "single_point_for",
                "INT64",
                "customer steps its failure leaves with no working route (as-is)",
            ),
        ),
    ),
    NodeKind(
        "FailPoint",
        "failpoints",
        "failpoint",
        (
            _ID,
            _NAME,
            _p("severity", "INT64"),
            _p("occurrence", "INT64"),
            _p("detection", "INT64"),
            _p("rpn", "INT64", "risk priority number: severity x occurrence x detection"),
            _p("ap", doc="action priority from the AIAG-VDA table: high | medium | low"),
            _p(
                "ap_order",
                "INT64",
                "priority, then RPN (3216 = high, RPN 216): what `order by ap` sorts on",
            ),
            _p("effect", doc="id of the step the failure hurts"),
            _p("cause", doc="id of the step or system that causes it"),
            _p("prevention", doc="prevention control"),
            _p("detection_control", doc="detection control"),
            _p("action", doc="recommended action"),
            _p("owner", doc="id of the role or department that owns the action"),
            _p("due", doc="due date of the action, YYYY-MM-DD"),
            _p("status", doc="open | in progress | done | verified"),
            _p("severity_after", "INT64", "severity once the action is done"),
            _p("occurrence_after", "INT64", "occurrence once the action is done"),
            _p("detection_after", "INT64", "detection once the action is done"),
            _p("rpn_after", "INT64", "RPN once the action is done"),
            _p("ap_after", doc="action priority once the action is done"),
            _p("ap_after_order", "INT64", "priority, then RPN, after the action"),
        ),
    ),
    NodeKind("Persona", "personas", "persona", (_ID, _NAME, _p("description"))),
    NodeKind("Metric", "metrics", "metric", (_ID, _NAME, _p("target", "DOUBLE"), _p("unit"))),
)

# --- the observed service (bpql observe, docs/observe.md) -------------------------------------
#: what a log says, per period, about a blueprint, a step, a fail point or a metric: one node
#: per thing and period, hung off its blueprint; the latest period's figures are also kept on
#: the thing itself (`OBSERVED_PROPS`), so they are queried like any field
_STEP_OBSERVED = (
    _p("observed_period", doc="the latest period observed (bpql observe)"),
    _p("observed", "INT64", "cases in which the step was observed (latest period)"),
    _p("wait_p50", "DOUBLE", "observed wait before the step, median", "minutes"),
    _p("wait_p90", "DOUBLE", "observed wait before the step, 90th percentile", "minutes"),
    _p("wait_p95", "DOUBLE", "observed wait before the step, 95th percentile", "minutes"),
    _p("time_p50", "DOUBLE", "observed service time of the step, median", "minutes"),
    _p("time_p90", "DOUBLE", "observed service time, 90th percentile", "minutes"),
    _p("time_p95", "DOUBLE", "observed service time, 95th percentile", "minutes"),
    _p("breach", "DOUBLE", "share of measured cases over max_wait or target_time"),
    _p("deviation", "DOUBLE", "share of closed cases with a deviation at the step"),
    _p("missing", "INT64", "closed cases that left the step out"),
    _p("irregular", "INT64", "closed cases that did the step out of place or again"),
    _p("stopped", "INT64", "cases that fell out after this step"),
    _p("dropoff", "DOUBLE", "share of the closed cases reaching the step that fell out after it"),
    _p(
        "adhoc",
        doc="activities with no step done after it (a blueprint's Observation: in the "
        "period): 'label: cases; ...'",
    ),
)
_FAILPOINT_OBSERVED = (
    _p("observed_period", doc="the latest period observed (bpql observe)"),
    _p("failures", "INT64", "cases in which it occurred (latest period)"),
    _p("failure_rate", "DOUBLE", "failures per case that reached its step"),
    _p("occurrence_observed", "INT64", "the occurrence rating the observed rate suggests"),
    _p("ap_observed", doc="the action priority with the observed occurrence"),
    _p("ap_observed_order", "INT64", "priority, then RPN, with the observed occurrence"),
)
_METRIC_OBSERVED = (
    _p("observed_value", "DOUBLE", "the latest reading"),
    _p("observed_date", doc="the date of the latest reading, YYYY-MM-DD"),
    _p("trend", doc="towards the target | away from the target | steady"),
)
_BLUEPRINT_OBSERVED = (
    _p("observed_period", doc="the latest period observed (bpql observe)"),
    _p("cases", "INT64", "cases observed (latest period)"),
    _p("conformance", "DOUBLE", "share of completed cases fitting the blueprint's order"),
    _p("fitness", "DOUBLE", "mean alignment fitness of the completed cases"),
    _p("ftr", "DOUBLE", "first-time-right: closed cases with no deviation and no failure"),
    _p("fallout", "DOUBLE", "share of closed cases that fell out"),
)
_OBSERVED = {
    "Step": _STEP_OBSERVED,
    "FailPoint": _FAILPOINT_OBSERVED,
    "Metric": _METRIC_OBSERVED,
    "Blueprint": _BLUEPRINT_OBSERVED,
}
OBSERVED_PROPS: dict[str, tuple[str, ...]] = {
    label: tuple(p.name for p in props) for label, props in _OBSERVED.items()
}
OBSERVATION = NodeKind(
    "Observation",
    "observations",
    "observation",
    (
        _ID,
        _NAME,
        _p("period", doc="the period observed: 2026-03, 2026-Q1, or a name the mapping gives"),
        _p("period_start", doc="its first day, YYYY-MM-DD"),
        _p("period_end", doc="its last day, YYYY-MM-DD"),
        _p("subject", doc="id of the blueprint, step, fail point or metric observed"),
        _p("subject_kind", doc="blueprint | step | failpoint | metric"),
        _p("blueprint", doc="id of the blueprint observed"),
        _p("cases", "INT64", "cases of the period (a blueprint); cases reaching it (a step)"),
        _p("completed", "INT64", "cases that reached the path's last required step"),
        _p("fallen_out", "INT64", "cases that stopped before it, longer ago than the window"),
        _p("open_cases", "INT64", "cases still running"),
        *(p for p in _BLUEPRINT_OBSERVED if p.name not in ("observed_period", "cases")),
        *(p for p in _STEP_OBSERVED if p.name != "observed_period"),
        _p("failed", "INT64", "closed cases with a failed outcome at the step"),
        _p("wait_breaches", "INT64", "cases whose wait before the step passed max_wait"),
        _p("time_breaches", "INT64", "cases whose service time passed target_time"),
        _p("next", doc="the next activities of the cases that went on: 'label: n; ...'"),
        *(p for p in _FAILPOINT_OBSERVED if p.name != "observed_period"),
        _p("value", "DOUBLE", "a metric: the mean of the period's readings"),
        _p("readings", "INT64", "a metric: readings in the period"),
    ),
    "what a log says about one thing in one period (bpql observe)",
)
NODE_KINDS = (
    *(
        replace(k, props=(*k.props, *_OBSERVED[k.label])) if k.label in _OBSERVED else k
        for k in NODE_KINDS
    ),
    OBSERVATION,
)

#: `bpql lint` findings about the element, one `rule-id: message` per line; written at load
#: only when the lint settings say `store = true` (docs/lint.md), else null
LINT = _p("lint", doc="lint findings about it, one 'rule-id: message' per line")
NODE_KINDS = tuple(replace(k, props=(*k.props, LINT)) for k in NODE_KINDS)

NODES: dict[str, NodeKind] = {k.label: k for k in NODE_KINDS}
BY_PLURAL: dict[str, NodeKind] = {k.plural: k for k in NODE_KINDS}
BY_SINGULAR: dict[str, NodeKind] = {k.singular: k for k in NODE_KINDS}

REL_KINDS: tuple[RelKind, ...] = (
    RelKind("HAS_BLUEPRINT", "Service", "Blueprint"),
    RelKind("HAS_PHASE", "Blueprint", "Phase"),
    RelKind("HAS_STEP", "Blueprint", "Step"),
    RelKind("IN_PHASE", "Step", "Phase"),
    RelKind("NEXT", "Step", "Step", "time order within one lane"),
    RelKind("SUPPORTS", "Step", "Step", "a lower lane enabling a higher one"),
    RelKind("AT_TOUCHPOINT", "Step", "Touchpoint"),
    RelKind("PERFORMED_BY", "Step", "Role"),
    RelKind("MEMBER_OF", "Role", "Department"),
    RelKind("USES", "Step", "System"),
    RelKind("DEPENDS_ON", "System", "System"),
    RelKind("OWNED_BY", "System", "Department"),
    RelKind("HAS_FAIL_POINT", "Step", "FailPoint"),
    RelKind(
        "CAN_FAIL",
        "System",
        "FailPoint",
        "a fail point of the system itself; every step that uses the system inherits it",
    ),
    RelKind("SHOWS", "Step", "Evidence"),
    RelKind("FOR_PERSONA", "Blueprint", "Persona"),
    RelKind("MEASURES", "Metric", "Step"),
    RelKind("OBSERVED", "Blueprint", "Observation", "what a log says about it, per period"),
)

RELS: dict[str, RelKind] = {r.type: r for r in REL_KINDS}


def within(label: str, depth: int) -> tuple[str, ...]:
    """The labels a path of 1 to `depth` relationships (either direction) from a `label`
    node can end on, in NODE_KINDS order: what the schema lets a neighbourhood hold."""
    near: dict[str, set[str]] = {k.label: set() for k in NODE_KINDS}
    for r in REL_KINDS:
        near[r.src].add(r.dst)
        near[r.dst].add(r.src)
    seen: set[str] = set()
    frontier = {label}
    for _ in range(depth):
        frontier = {m for n in frontier for m in near.get(n, ())}
        seen |= frontier
    return tuple(k.label for k in NODE_KINDS if k.label in seen)


#: the things blueprints share, outside any blueprint (a redesign diff compares them apart)
SHARED: tuple[str, ...] = ("Department", "Role", "System", "Touchpoint", "Persona")

#: the one node outside the knowledge model: `(:BpqlLoad {id: "load", token})`, which names
#: the last load written, so a reload can trust its saved copy of the graph (bpql/load/protocol.py)
#: instead of reading the whole store back. No query, count or view reads it.
LOAD_STATE = "BpqlLoad"

LANES: tuple[Lane, ...] = (
    Lane("customer", "CustomerAction", 1, "Customer actions"),
    Lane("frontstage", "FrontstageAction", 2, "Frontstage actions"),
    Lane("backstage", "BackstageAction", 3, "Backstage actions"),
    Lane("support", "SupportProcess", 4, "Support processes"),
)
LANE_BY_KEY: dict[str, Lane] = {lane.key: lane for lane in LANES}
LANE_BY_LABEL: dict[str, Lane] = {lane.label: lane for lane in LANES}

#: lanes the customer sees: above the line of visibility
VISIBLE_LANES: tuple[str, ...] = ("customer", "frontstage")

CHANNELS: tuple[str, ...] = (
    "phone",
    "web",
    "app",
    "store",
    "branch",
    "email",
    "chat",
    "letter",
    "sms",
    "in-person",
    "kiosk",
    "video",
    "social",
    "partner",
)

SCENARIOS: tuple[str, ...] = ("as-is", "to-be")

#: where a blueprint stands in its life (the `status` of a blueprint file)
BLUEPRINT_STATUSES: tuple[str, ...] = ("draft", "in review", "live", "retired")


@dataclass(frozen=True)
class Line:
    """A line between two adjacent lanes of a blueprint."""

    key: str
    title: str
    above: str
    below: str


LINES: tuple[Line, ...] = (
    Line("interaction", "line of interaction", "customer", "frontstage"),
    Line("visibility", "line of visibility", "frontstage", "backstage"),
    Line("internal", "line of internal interaction", "backstage", "support"),
)


def node_kind(label: str) -> NodeKind:
    """The schema's kind for `label`; anything else is refused before it can reach Cypher
    text (labels cannot be parameters)."""
    kind = NODES.get(label)
    if kind is None:
        raise ValueError(f"not a node label of the schema: {label!r}")
    return kind


def rel_kind(type_: str) -> RelKind:
    """The schema's relationship kind for `type_`, refused as `node_kind` refuses a label."""
    rel = RELS.get(type_)
    if rel is None:
        raise ValueError(f"not a relationship type of the schema: {type_!r}")
    return rel
