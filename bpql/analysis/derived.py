"""The properties a load works out rather than reads from a file, and those `bpql observe`
copies from an event log: they change when other things are edited, so neither the load diff
nor the redesign diff ever calls a thing changed for them."""

from __future__ import annotations

from bpql.analysis.criticality import SYSTEM_FIGURES
from bpql.schema import OBSERVED_PROPS

#: properties the load works out rather than reads from a file, per label (every label also
#: has `lint`): they change when other things are edited, so they never make a thing changed
DERIVED_PROPS: dict[str, tuple[str, ...]] = {
    "System": SYSTEM_FIGURES,
    "FailPoint": ("rpn", "ap", "ap_order", "rpn_after", "ap_after", "ap_after_order"),
    "Step": ("seq",),
}


def derived_props(label: str) -> tuple[str, ...]:
    """The properties of `label` no file states: worked out at load, or copied from an event
    log by `bpql observe` (never a reason to call a thing changed)."""
    return (*DERIVED_PROPS.get(label, ()), *OBSERVED_PROPS.get(label, ()), "lint")
