"""The routes by which an answer reaches a step: one vocabulary shared by `impact of`, what-if
and `risk of`, the analyses that work them out and the views that key their looks by them."""

from __future__ import annotations

import enum


class Route(str, enum.Enum):
    """How an answer of `impact of` or a what-if says a step is reached: one vocabulary, which
    the views key their looks by (bpql/viz/style.py). A step reached several ways takes the
    fewest hops, then the earliest route in this order, then the smallest `via` id."""

    #: performed by the role (or a role of the department)
    ROLE = "role"
    #: uses a system the department owns
    OWNED_SYSTEM = "owned system"
    #: uses the system itself
    SYSTEM = "system"
    #: uses a system that depends, directly or not, on the system (or on one the department
    #: owns)
    DEPENDENT_SYSTEM = "dependent system"
    #: at the touchpoint (or a touchpoint of the channel)
    TOUCHPOINT = "touchpoint"
    #: a step reached supports it
    SUPPORTING_STEP = "supporting step"
    #: a step reached hands work over to it, or it to that step, and the handoff changes
    HANDOFF = "handoff"
    #: `risk of`: the failure hits the step
    HIT = "hit"
    #: `risk of`: the step breaks (no route that works is left)
    BREAKS = "breaks"
    #: `risk of`: the step can break (another route still works)
    CAN_BREAK = "can break"

    def __str__(self) -> str:
        return self.value

    @property
    def order(self) -> int:
        return _ROUTE_ORDER[self]


_ROUTE_ORDER = {r: i for i, r in enumerate(Route)}
