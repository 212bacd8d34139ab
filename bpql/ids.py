"""The id scheme, in one place: how blueprint-scoped ids are made and read back.

Shared things keep their ids (`crm`). Things inside a blueprint carry its prefix: as-is steps
are `claims.submit-claim`, to-be steps `claims:to-be.submit-claim`, and blueprints are
`claims:as-is`, `claims:to-be`, `claims:to-be:<variant>`. The loader writes ids with these
functions, and the engine, views and diff read them back with the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass

#: kinds that live inside one blueprint; their ids start with the blueprint's service id
BLUEPRINT_SCOPED: tuple[str, ...] = (
    "Blueprint",
    "Phase",
    "Step",
    "Evidence",
    "FailPoint",
    "Metric",
)


def blueprint_id(service: str, scenario: str, variant: str | None = None) -> str:
    """`claims:as-is`, `claims:to-be`, `claims:to-be:lean`."""
    return f"{service}:{scenario}" + (f":{variant}" if variant else "")


def member_prefix(service: str, scenario: str, variant: str | None = None) -> str:
    """The prefix of a blueprint's steps, phases, evidence, fail points and metrics: as-is
    things keep the short `claims.` so that the ids people read most stay short."""
    return service if scenario == "as-is" else blueprint_id(service, scenario, variant)


def member_id(prefix: str, local: str) -> str:
    return f"{prefix}.{local}"


#: separates a system from a fail point of its own: `mainframe/batch-overrun` (a `/` is in no
#: service id, so it never meets a blueprint's `claims.` prefix)
SYSTEM_MEMBER = "/"


def system_member_id(system: str, local: str) -> str:
    """A fail point that sits on a system rather than on a step."""
    return f"{system}{SYSTEM_MEMBER}{local}"


@dataclass(frozen=True)
class BlueprintRef:
    service: str
    scenario: str
    variant: str | None


def parse_blueprint_id(bid: str) -> BlueprintRef:
    """`claims:to-be:lean` -> (claims, to-be, lean)."""
    service, _, rest = bid.partition(":")
    scenario, _, variant = rest.partition(":")
    return BlueprintRef(service, scenario, variant or None)


def prefix_blueprint(prefix: str) -> str:
    """The blueprint whose things carry `prefix` (`member_prefix` the other way): `claims`
    -> `claims:as-is`, `claims:to-be:lean` -> `claims:to-be:lean`."""
    return prefix if ":" in prefix else blueprint_id(prefix, "as-is")


def service_of(label: str, id_: str) -> str | None:
    """The service a node belongs to, read from its id; None for shared things."""
    if label == "Service":
        return id_
    if label in BLUEPRINT_SCOPED:
        if SYSTEM_MEMBER in id_:
            return None  # a system's own fail point belongs to no service
        return id_.split(":", 1)[0].split(".", 1)[0]
    return None


def scenario_of(label: str, id_: str) -> str | None:
    """The scenario of the blueprint a node belongs to, read from its id; None for shared
    things (services, systems, roles, ...), which belong to every scenario."""
    if label == "Blueprint":
        return parse_blueprint_id(id_).scenario
    if label not in BLUEPRINT_SCOPED:
        return None
    prefix = id_.split(".", 1)[0]
    return parse_blueprint_id(prefix).scenario if ":" in prefix else "as-is"


def scenario_marker(scenario: str) -> tuple[bool, str]:
    """How an id shows its scenario, for a store to test: (whether the id contains the text,
    the text). As-is ids hold no ':' (`claims.x`); others hold `:<scenario>` (`claims:to-be.x`,
    `claims:to-be:lean.x`); service and local ids never hold ':'."""
    return (False, ":") if scenario == "as-is" else (True, f":{scenario}")


def node_key(label: str, id_: str) -> str:
    """`Label:id`, the key of a node in results and views (ids are unique per label only)."""
    return f"{label}:{id_}"
