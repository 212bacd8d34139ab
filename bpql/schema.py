"""The knowledge schema: one registry that every stage reads.

Labels, properties and relationship types live here and only here, so that the loader, the
resolver, both Cypher dialects and the visualisation agree, and so that no label or type ever
comes from user input.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
)

RELS: dict[str, RelKind] = {r.type: r for r in REL_KINDS}

#: the one node outside the knowledge model: `(:BpqlLoad {id: "load", token})`, which names
#: the last load written, so a reload can trust its saved copy of the graph (bpql/load.py)
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


@dataclass(frozen=True)
class Schema:
    """The registry as one value, for code that wants it passed in rather than imported."""

    nodes: dict[str, NodeKind] = field(default_factory=lambda: dict(NODES))
    rels: dict[str, RelKind] = field(default_factory=lambda: dict(RELS))


def node_labels(label: str, lane: str | None = None) -> tuple[str, ...]:
    """Neo4j labels of a node: its kind, plus its lane label for steps."""
    if label == "Step" and lane is not None:
        return (label, LANE_BY_KEY[lane].label)
    return (label,)
