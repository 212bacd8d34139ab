"""The language's tables: which fields each entity has, how relations reach their targets.

Behaviour lives in these registries rather than in code (as sqlglot keeps it): adding a field
or a relation is a row here, and the resolver, both dialects and the docs pick it up.

Patterns are Cypher pattern text with placeholders: `{n}` the entity being found, `{s}` a step,
`{t}` the referenced target, `{x}` the node a derived field reads, `{bp}` a blueprint whose
scenario the query filters on. Both dialects accept these patterns as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpql.schema import NODES, PropType


@dataclass(frozen=True)
class Derived:
    """A field read from a related node: `service` of a step is its blueprint's service name."""

    name: str
    pattern: str
    prop: str
    many: bool = False
    #: the pattern crosses a blueprint (`{bp}`) and so follows the query's scenario
    scoped: bool = False
    doc: str = ""

    def type(self) -> PropType:
        label = self.pattern.split("{x}:")[1].split(")")[0]
        prop = NODES[label].prop(self.prop)
        assert prop is not None
        return prop.type


_STEP_SERVICE = "({n})<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-({x}:Service)"
_TP_STEPS = "({n})<-[:AT_TOUCHPOINT]-(s:Step)<-[:HAS_STEP]-({bp}:Blueprint)"

DERIVED: dict[str, dict[str, Derived]] = {
    "Step": {
        d.name: d
        for d in (
            Derived("service", _STEP_SERVICE, "name", doc="the service's name"),
            Derived("service_id", _STEP_SERVICE, "id"),
            Derived("blueprint", "({n})<-[:HAS_STEP]-({x}:Blueprint)", "id"),
            Derived("scenario", "({n})<-[:HAS_STEP]-({x}:Blueprint)", "scenario"),
            Derived("phase", "({n})-[:IN_PHASE]->({x}:Phase)", "name"),
            Derived("touchpoint", "({n})-[:AT_TOUCHPOINT]->({x}:Touchpoint)", "name"),
            Derived("channel", "({n})-[:AT_TOUCHPOINT]->({x}:Touchpoint)", "channel"),
            Derived("roles", "({n})-[:PERFORMED_BY]->({x}:Role)", "name", many=True),
            Derived(
                "departments",
                "({n})-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->({x}:Department)",
                "name",
                many=True,
            ),
            Derived("systems", "({n})-[:USES]->({x}:System)", "name", many=True),
            Derived("failpoints", "({n})-[:HAS_FAIL_POINT]->({x}:FailPoint)", "name", many=True),
            Derived(
                "system_failpoints",
                "({n})-[:USES]->(:System)-[:CAN_FAIL]->({x}:FailPoint)",
                "name",
                many=True,
                doc="fail points the step inherits from the systems it uses",
            ),
            Derived("evidence", "({n})-[:SHOWS]->({x}:Evidence)", "name", many=True),
        )
    },
    "FailPoint": {
        d.name: d
        for d in (
            Derived("step", "({n})<-[:HAS_FAIL_POINT]-({x}:Step)", "name"),
            Derived(
                "system",
                "({n})<-[:CAN_FAIL]-({x}:System)",
                "name",
                doc="for a fail point of a system itself: the system's name",
            ),
            Derived("step_id", "({n})<-[:HAS_FAIL_POINT]-({x}:Step)", "id"),
            Derived("lane", "({n})<-[:HAS_FAIL_POINT]-({x}:Step)", "lane"),
            Derived(
                "service",
                "({n})<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(:Blueprint)"
                "<-[:HAS_BLUEPRINT]-({x}:Service)",
                "name",
            ),
        )
    },
    "Touchpoint": {
        d.name: d
        for d in (
            Derived(
                "services",
                _TP_STEPS + "<-[:HAS_BLUEPRINT]-({x}:Service)",
                "name",
                many=True,
                scoped=True,
            ),
            Derived(
                "steps",
                "({n})<-[:AT_TOUCHPOINT]-({x}:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
                "name",
                many=True,
                scoped=True,
            ),
        )
    },
    "Role": {
        d.name: d
        for d in (
            Derived("department", "({n})-[:MEMBER_OF]->({x}:Department)", "name"),
            Derived(
                "services",
                "({n})<-[:PERFORMED_BY]-(:Step)<-[:HAS_STEP]-({bp}:Blueprint)"
                "<-[:HAS_BLUEPRINT]-({x}:Service)",
                "name",
                many=True,
                scoped=True,
            ),
        )
    },
    "Department": {
        d.name: d
        for d in (
            Derived("roles", "({n})<-[:MEMBER_OF]-({x}:Role)", "name", many=True),
            Derived("systems", "({n})<-[:OWNED_BY]-({x}:System)", "name", many=True),
        )
    },
    "System": {
        d.name: d
        for d in (
            Derived("owner", "({n})-[:OWNED_BY]->({x}:Department)", "name"),
            Derived("depends_on", "({n})-[:DEPENDS_ON]->({x}:System)", "id", many=True),
            Derived(
                "failpoints",
                "({n})-[:CAN_FAIL]->({x}:FailPoint)",
                "name",
                many=True,
                doc="the system's own fail points",
            ),
            Derived(
                "services",
                "({n})<-[:USES]-(:Step)<-[:HAS_STEP]-({bp}:Blueprint)"
                "<-[:HAS_BLUEPRINT]-({x}:Service)",
                "name",
                many=True,
                scoped=True,
            ),
        )
    },
    "Service": {
        d.name: d
        for d in (
            Derived("blueprints", "({n})-[:HAS_BLUEPRINT]->({x}:Blueprint)", "id", many=True),
        )
    },
    "Blueprint": {
        d.name: d
        for d in (
            Derived("service", "({n})<-[:HAS_BLUEPRINT]-({x}:Service)", "name"),
            Derived("personas", "({n})-[:FOR_PERSONA]->({x}:Persona)", "name", many=True),
        )
    },
    "Phase": {
        d.name: d
        for d in (
            Derived("blueprint", "({n})<-[:HAS_PHASE]-({x}:Blueprint)", "id"),
            Derived(
                "service",
                "({n})<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-({x}:Service)",
                "name",
            ),
        )
    },
    "Metric": {
        d.name: d for d in (Derived("steps", "({n})-[:MEASURES]->({x}:Step)", "name", many=True),)
    },
    "Persona": {
        d.name: d
        for d in (
            Derived(
                "services",
                "({n})<-[:FOR_PERSONA]-({bp}:Blueprint)<-[:HAS_BLUEPRINT]-({x}:Service)",
                "name",
                many=True,
                scoped=True,
            ),
        )
    },
    "Evidence": {},
}

#: fields that sort by another field: a priority by rank, then RPN (`desc`: high, largest RPN
#: first), not by its name
SORT_AS: dict[tuple[str, str], str] = {
    ("FailPoint", "ap"): "ap_order",
    ("FailPoint", "ap_after"): "ap_after_order",
}

#: columns a `find` returns when the query names none
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "Service": ("id", "name"),
    "Blueprint": ("id", "name", "scenario", "service"),
    "Phase": ("id", "name", "order", "service"),
    "Step": ("id", "name", "lane", "service"),
    "Evidence": ("id", "name", "kind"),
    "Touchpoint": ("id", "name", "channel"),
    "Role": ("id", "name", "department"),
    "Department": ("id", "name"),
    "System": ("id", "name", "owner"),
    "FailPoint": ("id", "name", "ap", "rpn", "step", "service"),
    "Persona": ("id", "name"),
    "Metric": ("id", "name", "target", "unit"),
    "Observation": ("id", "period", "subject_kind", "subject", "cases"),
}

#: the time order of a kind's things, used when a query names no order and to break ties when
#: it does: (pattern to {x}, property) pairs read before the id; an empty pattern reads {n}.
#: Steps: their blueprint, then their phase's order, then their position in the blueprint.
TIME_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "Step": (
        ("({n})<-[:HAS_STEP]-({x}:Blueprint)", "id"),
        ("({n})-[:IN_PHASE]->({x}:Phase)", "order"),
        ("", "seq"),
    ),
    "Phase": (("({n})<-[:HAS_PHASE]-({x}:Blueprint)", "id"), ("", "order")),
}

#: how an entity reaches the steps it is about, for relations defined on steps;
#: `{bp}` is the blueprint whose scenario the query follows
STEP_ANCHOR: dict[str, str] = {
    "Step": "({n})<-[:HAS_STEP]-({bp}:Blueprint)",
    "Service": "({n})-[:HAS_BLUEPRINT]->({bp}:Blueprint)-[:HAS_STEP]->({s}:Step)",
    "Blueprint": "({n})-[:HAS_STEP]->({s}:Step)",
    "Phase": "({n})<-[:IN_PHASE]-({s}:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
    "FailPoint": "({n})<-[:HAS_FAIL_POINT]-({s}:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
    "Evidence": "({n})<-[:SHOWS]-({s}:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
    "Touchpoint": "({n})<-[:AT_TOUCHPOINT]-({s}:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
    "Role": "({n})<-[:PERFORMED_BY]-({s}:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
    "Department": "({n})<-[:MEMBER_OF]-(:Role)<-[:PERFORMED_BY]-({s}:Step)"
    "<-[:HAS_STEP]-({bp}:Blueprint)",
    "System": "({n})<-[:USES]-({s}:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
    "Metric": "({n})-[:MEASURES]->({s}:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
    "Persona": "({n})<-[:FOR_PERSONA]-({bp}:Blueprint)-[:HAS_STEP]->({s}:Step)",
}

#: entities of these kinds that belong to no blueprint, and so pass any scenario: a system's
#: own fail points
UNSCOPED: dict[str, str] = {"FailPoint": "({n})<-[:CAN_FAIL]-(:System)"}

#: which entities the query's scenario restricts, and how they reach their blueprint
SCOPE: dict[str, str] = {
    "Service": "({n})-[:HAS_BLUEPRINT]->({bp}:Blueprint)",
    "Step": "({n})<-[:HAS_STEP]-({bp}:Blueprint)",
    "Blueprint": "",
    "Phase": "({n})<-[:HAS_PHASE]-({bp}:Blueprint)",
    "FailPoint": "({n})<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
    "Evidence": "({n})<-[:SHOWS]-(:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
    "Metric": "({n})-[:MEASURES]->(:Step)<-[:HAS_STEP]-({bp}:Blueprint)",
}


@dataclass(frozen=True)
class RelationRule:
    """`<relation> <target kind>` on a step (or directly on an entity)."""

    relation: str
    target: str
    pattern: str  # from {s} (or {n} when direct) to {t}
    #: `within N` bounds a chain in the pattern, written `{k}`
    bounded: bool = False
    #: the pattern cut where its chain starts, at `{y}`: `near` from {s} to {y}, `far` from {y}
    #: to {t}. The far part is evaluated once, as the set of {y} that reach the target, and
    #: each step then only tests `near` against that set, instead of walking the chain from
    #: every step (at 1,000 services, 36 s and the memory limit against 0.2 s)
    near: str = ""
    far: str = ""


#: relations on steps; every other entity reaches them through STEP_ANCHOR
STEP_RELATIONS: tuple[RelationRule, ...] = (
    RelationRule("uses", "System", "({s})-[:USES]->({t}:System)"),
    RelationRule(
        "depends_on",
        "System",
        "({s})-[:USES]->(:System)-[:DEPENDS_ON*0..{k}]->({t}:System)",
        bounded=True,
        near="({s})-[:USES]->({y}:System)",
        far="({y}:System)-[:DEPENDS_ON*0..{k}]->({t}:System)",
    ),
    RelationRule("performed_by", "Role", "({s})-[:PERFORMED_BY]->({t}:Role)"),
    RelationRule(
        "performed_by",
        "Department",
        "({s})-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->({t}:Department)",
    ),
    RelationRule(
        "in", "Service", "({s})<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-({t}:Service)"
    ),
    RelationRule("in", "Phase", "({s})-[:IN_PHASE]->({t}:Phase)"),
    RelationRule("in", "Blueprint", "({s})<-[:HAS_STEP]-({t}:Blueprint)"),
    RelationRule("at", "Touchpoint", "({s})-[:AT_TOUCHPOINT]->({t}:Touchpoint)"),
    RelationRule("supports", "Step", "({s})-[:SUPPORTS]->({t}:Step)"),
)

#: relations an entity has of its own; they take precedence over the step ones
DIRECT_RELATIONS: dict[str, tuple[RelationRule, ...]] = {
    "System": (
        RelationRule(
            "depends_on", "System", "({n})-[:DEPENDS_ON*1..{k}]->({t}:System)", bounded=True
        ),
        RelationRule("owned_by", "Department", "({n})-[:OWNED_BY]->({t}:Department)"),
    ),
    "Role": (RelationRule("in", "Department", "({n})-[:MEMBER_OF]->({t}:Department)"),),
    "Phase": (
        RelationRule("in", "Blueprint", "({n})<-[:HAS_PHASE]-({t}:Blueprint)"),
        RelationRule(
            "in", "Service", "({n})<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-({t}:Service)"
        ),
    ),
    "Blueprint": (RelationRule("in", "Service", "({n})<-[:HAS_BLUEPRINT]-({t}:Service)"),),
}


def step_rule(relation: str, target: str) -> RelationRule:
    """The step relation `<relation> <target>`, for tables that build on the language's rules."""
    return next(r for r in STEP_RELATIONS if r.relation == relation and r.target == target)


#: steps reached through the systems a department owns, or systems that depend on those
USES_OWNED_SYSTEM = RelationRule(
    "uses_owned",
    "Department",
    "({s})-[:USES]->(:System)-[:DEPENDS_ON*0..{k}]->(:System)-[:OWNED_BY]->({t}:Department)",
    bounded=True,
    near="({s})-[:USES]->({y}:System)",
    far="({y}:System)-[:DEPENDS_ON*0..{k}]->(:System)-[:OWNED_BY]->({t}:Department)",
)


@dataclass(frozen=True)
class ImpactRoute:
    """A way `impact of` reaches steps, and the words an answer uses for it."""

    rule: RelationRule
    #: how a step reached this way is reached: "role", "owned system", ...
    name: str
    #: the name when the way crosses system dependencies (hops > 0)
    far: str = ""


#: the routes by which `impact of <kind>` reaches steps; each is a rule of the language, so
#: "what does X reach" means the same in `impact of` as in `find steps where ...`. `within N`
#: bounds the dependency hops of the bounded ones; `within 0` keeps to the thing's own roles
#: and systems.
IMPACT_ROUTES: dict[str, tuple[ImpactRoute, ...]] = {
    "Department": (
        ImpactRoute(step_rule("performed_by", "Department"), "role"),
        ImpactRoute(USES_OWNED_SYSTEM, "owned system", "dependent system"),
    ),
    "Role": (ImpactRoute(step_rule("performed_by", "Role"), "role"),),
    "System": (ImpactRoute(step_rule("depends_on", "System"), "system", "dependent system"),),
    "Touchpoint": (ImpactRoute(step_rule("at", "Touchpoint"), "touchpoint"),),
}
#: how a step is reached that a reached step supports (through `SUPPORTS`, lower lane first)
SUPPORTED_ROUTE = "supporting step"
#: how `risk of` reaches a step: the failure hits it, it breaks (no working route is left),
#: or it can break (another route still works)
RISK_HIT = "hit"
RISK_BROKEN = "breaks"
RISK_AT_RISK = "can break"

RELATION_WORDS: dict[str, str] = {
    "uses": "uses",
    "depends_on": "depends on",
    "performed_by": "performed by",
    "in": "in",
    "at": "at",
    "supports": "supports",
    "owned_by": "owned by",
}

#: values a field accepts as bare words, checked against these lists
ENUM_FIELDS: dict[str, tuple[str, ...]] = {}

DEFAULT_DEPTH: dict[str, int] = {"Service": 3, "Blueprint": 2}
#: the most nodes `show` returns; a larger neighbourhood stops with a message (BPQL-Q120)
#: before it is fetched. `show system "core" depth 2` at 1,000 synthetic services holds
#: 22,465 nodes
SHOW_MAX_NODES = 25_000
MAX_BOUND = 10
DEFAULT_WITHIN = 5
DEFAULT_PATH_WITHIN = 8
SUPPORT_CHAIN = 6
#: how far `risk of` follows DEPENDS_ON to the systems that fail with a system; cycles are
#: refused when files are validated, so real chains are far shorter
DEPENDENCY_CHAIN = 30
