"""How each kind of thing looks: one table, read by every view and by the legend.

Colours and shapes live here rather than in the views (as sqlglot keeps behaviour in tables), so
the graph, blueprint and impact views and their legends always agree. Keys are schema labels,
with steps split by lane (`Step:backstage`), so nothing here invents a label of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from bpql.analysis.routes import Route
from bpql.result import GraphNode, Mark
from bpql.schema import LANES, NODE_KINDS, NODES


@dataclass(frozen=True)
class Look:
    key: str
    title: str
    color: str
    shape: str
    size: int = 16


#: vis-network shapes that draw their label below them, so every kind reads the same way
LOOKS: dict[str, Look] = {
    look.key: look
    for look in (
        Look("Service", "Service", "#264653", "hexagon", 26),
        Look("Blueprint", "Blueprint", "#577590", "square", 18),
        Look("Phase", "Phase", "#8d99ae", "triangleDown", 14),
        Look("Step:customer", "Customer action", "#f4a261", "dot", 16),
        Look("Step:frontstage", "Frontstage action", "#2a9d8f", "dot", 16),
        Look("Step:backstage", "Backstage action", "#457b9d", "dot", 16),
        Look("Step:support", "Support process", "#8e6cab", "dot", 16),
        Look("Evidence", "Physical evidence", "#c9a227", "square", 12),
        Look("Touchpoint", "Touchpoint", "#e76f51", "diamond", 16),
        Look("Role", "Role", "#6a994e", "triangle", 14),
        Look("Department", "Department", "#386641", "hexagon", 20),
        Look("System", "Support system", "#495057", "square", 16),
        Look("FailPoint", "Fail point", "#d62828", "triangle", 12),
        Look("Persona", "Persona", "#f28482", "star", 16),
        Look("Metric", "Metric", "#4d908e", "star", 12),
        Look("Observation", "Observation", "#9c6644", "square", 10),
    )
}
assert {k.split(":")[0] for k in LOOKS} == {k.label for k in NODE_KINDS}
assert {k.split(":")[1] for k in LOOKS if k.startswith("Step:")} == {lane.key for lane in LANES}


def look_key(node: GraphNode) -> str:
    """The legend entry a node belongs to: its label, or its lane for steps."""
    if node.label == "Step":
        lane = node.properties.get("lane")
        if isinstance(lane, str) and f"Step:{lane}" in LOOKS:
            return f"Step:{lane}"
    return node.label if node.label in NODES else "Step:customer"


def look_of(node: GraphNode) -> Look:
    return LOOKS[look_key(node)]


#: edge colours and dashes per relationship type; anything unlisted is drawn plain grey
EDGE_LOOKS: dict[str, tuple[str, bool]] = {
    "NEXT": ("#6c757d", False),
    "SUPPORTS": ("#457b9d", True),
    "USES": ("#adb5bd", False),
    "DEPENDS_ON": ("#9d0208", False),
    "OWNED_BY": ("#386641", True),
    "MEMBER_OF": ("#6a994e", True),
    "PERFORMED_BY": ("#6a994e", False),
    "AT_TOUCHPOINT": ("#e76f51", False),
    "HAS_FAIL_POINT": ("#d62828", False),
    "CAN_FAIL": ("#d62828", True),
    "SHOWS": ("#c9a227", True),
}

#: the ring of the node a query is about: what `show` shows, a path's ends, a change's source
FOCUS_RING = "#111111"

#: impact highlighting, strongest first; a node takes the first role it has
IMPACT_ROLES: tuple[tuple[str, str, str], ...] = (
    (Mark.SOURCE, "Source of the change", FOCUS_RING),
    (Mark.DIRECT, "Directly affected", "#d62828"),
    (Mark.VISIBLE, "Customer-visible", "#f77f00"),
)

#: how each route of `impact of` and what-if marks a step (`bpql.analysis.routes.Route`): (colour,
#: dash pattern or "", words)
ROUTE_LOOKS: dict[Route, tuple[str, str, str]] = {
    Route.ROLE: ("#2b8a3e", "", "performed by the role, or by a role of the department"),
    Route.OWNED_SYSTEM: ("#1864ab", "", "uses a system the department owns"),
    Route.SYSTEM: ("#1864ab", "", "uses the system"),
    Route.DEPENDENT_SYSTEM: ("#c92a2a", "6 3", "uses a system that depends on it"),
    Route.TOUCHPOINT: ("#1864ab", "", "at the touchpoint"),
    Route.SUPPORTING_STEP: ("#868e96", "2 3", "supported by a step reached"),
    Route.HANDOFF: ("#e8590c", "4 2", "hands work to or from a step of the role moved"),
    # risk of (bpql/query/statements/risk.py)
    Route.HIT: ("#c92a2a", "", "the failure hits it"),
    Route.BREAKS: ("#e8590c", "6 3", "no route that works is left"),
    Route.CAN_BREAK: ("#868e96", "2 3", "another route still works"),
}
assert set(ROUTE_LOOKS) == set(Route)
#: a step whose route has no look (none today)
OTHER_ROUTE = ("#495057", "", "other")

#: fail points by action priority (AIAG-VDA): (priority, colour, words); RPN breaks ties only
AP_LOOKS: tuple[tuple[str, str, str], ...] = (
    ("high", "#9d0208", "High action priority"),
    ("medium", "#e85d04", "Medium action priority"),
    ("low", "#e9c46a", "Low action priority"),
)
_AP_COLOR = {ap: colour for ap, colour, _ in AP_LOOKS}
_AP_SIZE = {"high": 22, "medium": 16, "low": 12}


def ap_look(ap: object) -> tuple[str, int]:
    """Colour and size of a fail point: the priority decides, not the RPN."""
    key = ap if isinstance(ap, str) else "low"
    return _AP_COLOR.get(key, _AP_COLOR["low"]), _AP_SIZE.get(key, 12)
