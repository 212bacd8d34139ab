"""The language's tables: which fields each entity has, how relations reach their targets.

Behaviour lives in these registries rather than in code (as sqlglot keeps it): adding a field
or a relation is a row here, and the resolver, both dialects and the docs pick it up.

Patterns are paths (bpql/query/paths.py) whose nodes name placeholders: `n` the entity being found,
`s` a step, `t` the referenced target, `x` the node a derived field reads, `y` where a chain
starts, `bp` a blueprint whose scenario the query filters on. Both dialects render them as
they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpql.analysis.routes import Route
from bpql.query.paths import BOUND, Node, Path, into, out, path
from bpql.schema import NODES, PropType


@dataclass(frozen=True)
class Derived:
    """A field read from a related node: `service` of a step is its blueprint's service name."""

    name: str
    #: from the entity (`n`) to the node read (`x`)
    pattern: Path
    prop: str
    many: bool = False
    #: the pattern crosses a blueprint (`bp`) and so follows the query's scenario
    scoped: bool = False
    doc: str = ""
    #: a node of the pattern (`q`) whose name prefixes each value (`Motor claims: Call the
    #: claims line`), so two services' same-named steps are told apart
    qualified: bool = False

    def type(self) -> PropType:
        label = self.pattern.node("x").label
        assert label is not None
        prop = NODES[label].prop(self.prop)
        assert prop is not None
        return prop.type


def _n(var: str | None = None, label: str | None = None) -> Node:
    return Node(var, label)


_N = _n("n")
_BP = _n(None, "Blueprint")
_STEP_SERVICE = path(_N, into("HAS_STEP"), _BP, into("HAS_BLUEPRINT"), _n("x", "Service"))
_STEP_BLUEPRINT = path(_N, into("HAS_STEP"), _n("x", "Blueprint"))
_STEP_TOUCHPOINT = path(_N, out("AT_TOUCHPOINT"), _n("x", "Touchpoint"))
#: steps at a touchpoint and their blueprint, whose scenario the query follows
_TP_STEPS = (into("AT_TOUCHPOINT"), _n("s", "Step"), into("HAS_STEP"), _n("bp", "Blueprint"))
_FAILPOINT_STEP = path(_N, into("HAS_FAIL_POINT"), _n("x", "Step"))

DERIVED: dict[str, dict[str, Derived]] = {
    "Step": {
        d.name: d
        for d in (
            Derived("service", _STEP_SERVICE, "name", doc="the service's name"),
            Derived("service_id", _STEP_SERVICE, "id"),
            Derived("blueprint", _STEP_BLUEPRINT, "id"),
            Derived("scenario", _STEP_BLUEPRINT, "scenario"),
            Derived("phase", path(_N, out("IN_PHASE"), _n("x", "Phase")), "name"),
            Derived("touchpoint", _STEP_TOUCHPOINT, "name"),
            Derived("channel", _STEP_TOUCHPOINT, "channel"),
            Derived("roles", path(_N, out("PERFORMED_BY"), _n("x", "Role")), "name", many=True),
            Derived(
                "departments",
                path(
                    _N,
                    out("PERFORMED_BY"),
                    _n(None, "Role"),
                    out("MEMBER_OF"),
                    _n("x", "Department"),
                ),
                "name",
                many=True,
            ),
            Derived("systems", path(_N, out("USES"), _n("x", "System")), "name", many=True),
            Derived(
                "failpoints",
                path(_N, out("HAS_FAIL_POINT"), _n("x", "FailPoint")),
                "name",
                many=True,
            ),
            Derived(
                "system_failpoints",
                path(_N, out("USES"), _n(None, "System"), out("CAN_FAIL"), _n("x", "FailPoint")),
                "name",
                many=True,
                doc="fail points the step inherits from the systems it uses",
            ),
            Derived("evidence", path(_N, out("SHOWS"), _n("x", "Evidence")), "name", many=True),
        )
    },
    "FailPoint": {
        d.name: d
        for d in (
            Derived("step", _FAILPOINT_STEP, "name"),
            Derived(
                "system",
                path(_N, into("CAN_FAIL"), _n("x", "System")),
                "name",
                doc="for a fail point of a system itself: the system's name",
            ),
            Derived("step_id", _FAILPOINT_STEP, "id"),
            Derived("lane", _FAILPOINT_STEP, "lane"),
            Derived(
                "service",
                path(
                    _N,
                    into("HAS_FAIL_POINT"),
                    _n(None, "Step"),
                    into("HAS_STEP"),
                    _BP,
                    into("HAS_BLUEPRINT"),
                    _n("x", "Service"),
                ),
                "name",
            ),
        )
    },
    "Touchpoint": {
        d.name: d
        for d in (
            Derived(
                "services",
                path(_N, *_TP_STEPS, into("HAS_BLUEPRINT"), _n("x", "Service")),
                "name",
                many=True,
                scoped=True,
            ),
            Derived(
                "steps",
                path(
                    _N,
                    into("AT_TOUCHPOINT"),
                    _n("x", "Step"),
                    into("HAS_STEP"),
                    _n("bp", "Blueprint"),
                    into("HAS_BLUEPRINT"),
                    _n("q", "Service"),
                ),
                "name",
                many=True,
                scoped=True,
                doc="each step at the touchpoint with its service: `Motor claims: Call us`",
                qualified=True,
            ),
        )
    },
    "Role": {
        d.name: d
        for d in (
            Derived("department", path(_N, out("MEMBER_OF"), _n("x", "Department")), "name"),
            Derived(
                "services",
                path(
                    _N,
                    into("PERFORMED_BY"),
                    _n(None, "Step"),
                    into("HAS_STEP"),
                    _n("bp", "Blueprint"),
                    into("HAS_BLUEPRINT"),
                    _n("x", "Service"),
                ),
                "name",
                many=True,
                scoped=True,
            ),
        )
    },
    "Department": {
        d.name: d
        for d in (
            Derived("roles", path(_N, into("MEMBER_OF"), _n("x", "Role")), "name", many=True),
            Derived("systems", path(_N, into("OWNED_BY"), _n("x", "System")), "name", many=True),
        )
    },
    "System": {
        d.name: d
        for d in (
            Derived("owner", path(_N, out("OWNED_BY"), _n("x", "Department")), "name"),
            Derived("depends_on", path(_N, out("DEPENDS_ON"), _n("x", "System")), "id", many=True),
            Derived(
                "failpoints",
                path(_N, out("CAN_FAIL"), _n("x", "FailPoint")),
                "name",
                many=True,
                doc="the system's own fail points",
            ),
            Derived(
                "services",
                path(
                    _N,
                    into("USES"),
                    _n(None, "Step"),
                    into("HAS_STEP"),
                    _n("bp", "Blueprint"),
                    into("HAS_BLUEPRINT"),
                    _n("x", "Service"),
                ),
                "name",
                many=True,
                scoped=True,
            ),
        )
    },
    "Service": {
        d.name: d
        for d in (
            Derived(
                "blueprints",
                path(_N, out("HAS_BLUEPRINT"), _n("x", "Blueprint")),
                "id",
                many=True,
            ),
        )
    },
    "Blueprint": {
        d.name: d
        for d in (
            Derived("service", path(_N, into("HAS_BLUEPRINT"), _n("x", "Service")), "name"),
            Derived(
                "personas",
                path(_N, out("FOR_PERSONA"), _n("x", "Persona")),
                "name",
                many=True,
            ),
        )
    },
    "Phase": {
        d.name: d
        for d in (
            Derived("blueprint", path(_N, into("HAS_PHASE"), _n("x", "Blueprint")), "id"),
            Derived(
                "service",
                path(_N, into("HAS_PHASE"), _BP, into("HAS_BLUEPRINT"), _n("x", "Service")),
                "name",
            ),
        )
    },
    "Metric": {
        d.name: d
        for d in (Derived("steps", path(_N, out("MEASURES"), _n("x", "Step")), "name", many=True),)
    },
    "Persona": {
        d.name: d
        for d in (
            Derived(
                "services",
                path(
                    _N,
                    into("FOR_PERSONA"),
                    _n("bp", "Blueprint"),
                    into("HAS_BLUEPRINT"),
                    _n("x", "Service"),
                ),
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
#: it does: (path from `n` to `x`, property) pairs read before the id; no path reads `n`.
#: Steps: their blueprint, then their phase's order, then their position in the blueprint.
TIME_ORDER: dict[str, tuple[tuple[Path | None, str], ...]] = {
    "Step": (
        (_STEP_BLUEPRINT, "id"),
        (path(_N, out("IN_PHASE"), _n("x", "Phase")), "order"),
        (None, "seq"),
    ),
    "Phase": ((path(_N, into("HAS_PHASE"), _n("x", "Blueprint")), "id"), (None, "order")),
}

_S = _n("s")
_TO_BP = (into("HAS_STEP"), _n("bp", "Blueprint"))

#: how an entity reaches the steps it is about (`s`), for relations defined on steps; `bp`
#: is the blueprint whose scenario the query follows
STEP_ANCHOR: dict[str, Path] = {
    "Step": path(_N, *_TO_BP),
    "Service": path(
        _N, out("HAS_BLUEPRINT"), _n("bp", "Blueprint"), out("HAS_STEP"), _n("s", "Step")
    ),
    "Blueprint": path(_N, out("HAS_STEP"), _n("s", "Step")),
    "Phase": path(_N, into("IN_PHASE"), _n("s", "Step"), *_TO_BP),
    "FailPoint": path(_N, into("HAS_FAIL_POINT"), _n("s", "Step"), *_TO_BP),
    "Evidence": path(_N, into("SHOWS"), _n("s", "Step"), *_TO_BP),
    "Touchpoint": path(_N, into("AT_TOUCHPOINT"), _n("s", "Step"), *_TO_BP),
    "Role": path(_N, into("PERFORMED_BY"), _n("s", "Step"), *_TO_BP),
    "Department": path(
        _N, into("MEMBER_OF"), _n(None, "Role"), into("PERFORMED_BY"), _n("s", "Step"), *_TO_BP
    ),
    "System": path(_N, into("USES"), _n("s", "Step"), *_TO_BP),
    "Metric": path(_N, out("MEASURES"), _n("s", "Step"), *_TO_BP),
    "Persona": path(
        _N, into("FOR_PERSONA"), _n("bp", "Blueprint"), out("HAS_STEP"), _n("s", "Step")
    ),
}

#: entities of these kinds that belong to no blueprint, and so pass any scenario: a system's
#: own fail points
UNSCOPED: dict[str, Path] = {"FailPoint": path(_N, into("CAN_FAIL"), _n(None, "System"))}

#: which entities the query's scenario restricts, and how they reach their blueprint (`bp`);
#: None: the entity is the blueprint
SCOPE: dict[str, Path | None] = {
    "Service": path(_N, out("HAS_BLUEPRINT"), _n("bp", "Blueprint")),
    "Step": path(_N, *_TO_BP),
    "Blueprint": None,
    "Phase": path(_N, into("HAS_PHASE"), _n("bp", "Blueprint")),
    "FailPoint": path(_N, into("HAS_FAIL_POINT"), _n(None, "Step"), *_TO_BP),
    "Evidence": path(_N, into("SHOWS"), _n(None, "Step"), *_TO_BP),
    "Metric": path(_N, out("MEASURES"), _n(None, "Step"), *_TO_BP),
}


@dataclass(frozen=True)
class RelationRule:
    """`<relation> <target kind>` on a step (or directly on an entity)."""

    relation: str
    target: str
    #: from `s` (or `n` when direct) to `t`
    pattern: Path
    #: the node where a chain of the pattern starts (a hop of the query's bound follows it):
    #: the pattern is then evaluated in two parts meeting there, at `y`. The far part is
    #: evaluated once, as the set of `y` that reach the target, and each step only tests the
    #: near part against that set, instead of walking the chain from every step (at 1,000
    #: services, 36 s and the memory limit against 0.2 s)
    chain_at: int | None = None

    @property
    def bounded(self) -> bool:
        """`within N` bounds a chain in the pattern."""
        return self.pattern.bounded

    @property
    def near(self) -> Path:
        """From `s` to `y`, where the chain starts."""
        assert self.chain_at is not None
        return self.pattern.split(self.chain_at, "y")[0]

    @property
    def far(self) -> Path:
        """From `y` along the chain to `t`."""
        assert self.chain_at is not None
        return self.pattern.split(self.chain_at, "y")[1]


_T_SYSTEM = _n("t", "System")

#: relations on steps; every other entity reaches them through STEP_ANCHOR
STEP_RELATIONS: tuple[RelationRule, ...] = (
    RelationRule("uses", "System", path(_S, out("USES"), _T_SYSTEM)),
    RelationRule(
        "depends_on",
        "System",
        path(_S, out("USES"), _n(None, "System"), out("DEPENDS_ON", 0, BOUND), _T_SYSTEM),
        chain_at=1,
    ),
    RelationRule("performed_by", "Role", path(_S, out("PERFORMED_BY"), _n("t", "Role"))),
    RelationRule(
        "performed_by",
        "Department",
        path(_S, out("PERFORMED_BY"), _n(None, "Role"), out("MEMBER_OF"), _n("t", "Department")),
    ),
    RelationRule(
        "in",
        "Service",
        path(_S, into("HAS_STEP"), _BP, into("HAS_BLUEPRINT"), _n("t", "Service")),
    ),
    RelationRule("in", "Phase", path(_S, out("IN_PHASE"), _n("t", "Phase"))),
    RelationRule("in", "Blueprint", path(_S, into("HAS_STEP"), _n("t", "Blueprint"))),
    RelationRule("at", "Touchpoint", path(_S, out("AT_TOUCHPOINT"), _n("t", "Touchpoint"))),
    RelationRule("supports", "Step", path(_S, out("SUPPORTS"), _n("t", "Step"))),
)

#: relations an entity has of its own; they take precedence over the step ones
DIRECT_RELATIONS: dict[str, tuple[RelationRule, ...]] = {
    "System": (
        RelationRule("depends_on", "System", path(_N, out("DEPENDS_ON", 1, BOUND), _T_SYSTEM)),
        RelationRule("owned_by", "Department", path(_N, out("OWNED_BY"), _n("t", "Department"))),
    ),
    "Role": (RelationRule("in", "Department", path(_N, out("MEMBER_OF"), _n("t", "Department"))),),
    "Phase": (
        RelationRule("in", "Blueprint", path(_N, into("HAS_PHASE"), _n("t", "Blueprint"))),
        RelationRule(
            "in",
            "Service",
            path(_N, into("HAS_PHASE"), _BP, into("HAS_BLUEPRINT"), _n("t", "Service")),
        ),
    ),
    "Blueprint": (
        RelationRule("in", "Service", path(_N, into("HAS_BLUEPRINT"), _n("t", "Service"))),
    ),
}


def step_rule(relation: str, target: str) -> RelationRule:
    """The step relation `<relation> <target>`, for tables that build on the language's rules."""
    return next(r for r in STEP_RELATIONS if r.relation == relation and r.target == target)


#: steps reached through the systems a department owns, or systems that depend on those
USES_OWNED_SYSTEM = RelationRule(
    "uses_owned",
    "Department",
    path(
        _S,
        out("USES"),
        _n(None, "System"),
        out("DEPENDS_ON", 0, BOUND),
        _n(None, "System"),
        out("OWNED_BY"),
        _n("t", "Department"),
    ),
    chain_at=1,
)


@dataclass(frozen=True)
class ImpactRoute:
    """A way `impact of` reaches steps, and the route an answer names for it."""

    rule: RelationRule
    #: how a step reached this way is reached
    route: Route
    #: the route when the way crosses system dependencies (dependency hops > 0)
    far: Route | None = None

    def named(self, dependency_hops: int) -> Route:
        return self.far if dependency_hops and self.far is not None else self.route


#: the routes by which `impact of <kind>` reaches steps; each is a rule of the language, so
#: "what does X reach" means the same in `impact of` as in `find steps where ...`. `within N`
#: bounds the dependency hops of the bounded ones; `within 0` keeps to the thing's own roles
#: and systems.
IMPACT_ROUTES: dict[str, tuple[ImpactRoute, ...]] = {
    "Department": (
        ImpactRoute(step_rule("performed_by", "Department"), Route.ROLE),
        ImpactRoute(USES_OWNED_SYSTEM, Route.OWNED_SYSTEM, Route.DEPENDENT_SYSTEM),
    ),
    "Role": (ImpactRoute(step_rule("performed_by", "Role"), Route.ROLE),),
    "System": (
        ImpactRoute(step_rule("depends_on", "System"), Route.SYSTEM, Route.DEPENDENT_SYSTEM),
    ),
    "Touchpoint": (ImpactRoute(step_rule("at", "Touchpoint"), Route.TOUCHPOINT),),
}

RELATION_WORDS: dict[str, str] = {
    "uses": "uses",
    "depends_on": "depends on",
    "performed_by": "performed by",
    "in": "in",
    "at": "at",
    "supports": "supports",
    "owned_by": "owned by",
}

#: what each relation word of `path ... via` follows: the word's relationships of a
#: condition (RELATION_WORDS), in either direction. `in` is a role's department
#: and, only when named, containment: a step in its blueprint and phase, a phase in its
#: blueprint, a blueprint in its service. NEXT (time order within a lane) is never followed:
#: it is a drawing's order, not a relation a designer means
PATH_VIA: dict[str, tuple[str, ...]] = {
    "uses": ("USES",),
    "depends_on": ("DEPENDS_ON",),
    "performed_by": ("PERFORMED_BY",),
    "in": ("MEMBER_OF", "HAS_STEP", "IN_PHASE", "HAS_PHASE", "HAS_BLUEPRINT"),
    "at": ("AT_TOUCHPOINT",),
    "supports": ("SUPPORTS",),
    "owned_by": ("OWNED_BY",),
}

#: without `via`: the relations a designer means, never structural containment
PATH_DEFAULT: tuple[str, ...] = (
    "SUPPORTS",
    "USES",
    "DEPENDS_ON",
    "PERFORMED_BY",
    "MEMBER_OF",
    "AT_TOUCHPOINT",
    "OWNED_BY",
)

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
