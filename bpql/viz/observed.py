"""The observed blueprint: the blueprint view with what `bpql observe` wrote on its steps.

Each observed step wears a mark (the diff view's: a coloured border and a badge whose sign
says the same as the colour): red `!` when most of its cases breach a standard or deviate at
it, amber `~` from one in ten, green `✓` below; grey `0` for a step no case showed. A `↓`
joins the sign where one case in twenty or more fell out after the step, a `+` where ad-hoc
activities followed it, a `»` where closed cases skipped it (a required step left out). Steps
the log does not reach step back, as in the diff view. The hover holds the figures (cases,
waits and times against the standards, breach and deviation shares, where cases stopped and
went, the ad-hoc activities); the side panel the blueprint's (period, conformance, fitness,
first-time-right, fall-out). The `.svg` and `.png` exports are the same drawing with its
legend, for a report.
"""

from __future__ import annotations

from typing import Any

from bpql.durations import format_minutes
from bpql.errors import BpqlError
from bpql.result import Graph, GraphNode, Kind, Result
from bpql.viz import drawing
from bpql.viz.base import View
from bpql.viz.blueprint import blueprint_page
from bpql.viz.drawing import DiffMark

#: the share of a step's cases, breaching or deviating, from which it is amber, and red
WATCH, MOST = 0.10, 0.50
#: the share of the cases reaching a step that fell out after it from which `↓` is shown
DROPOFF = 0.05
#: the sign of a step closed cases left out (a missing deviation; an optional step skipped is
#: no deviation and gets none)
SKIPPED = "\u00bb"
#: the signs a mark may add to its look's, and what each says (the legend's words)
SIGNS = (
    ("\u2193", "5% or more of the cases reaching it fell out after it"),
    ("+", "activities with no step followed it"),
    (SKIPPED, "closed cases skipped it (left out, not optional)"),
)
LOOK = {
    "breach": ("#d62828", "!", "most cases breach a standard or deviate here (50% or more)"),
    "watch": ("#f77f00", "~", "one case in ten or more breaches or deviates here"),
    "ok": ("#2b9348", "\u2713", "fewer than one case in ten breaches or deviates here"),
    "unobserved": ("#868e96", "0", "no case showed this step"),
}


def _pct(x: Any) -> str:
    return f"{100 * float(x):.0f}%"


def _mins(x: Any) -> str:
    return "-" if x is None else format_minutes(float(x))


def step_mark(node: GraphNode) -> DiffMark | None:
    """The mark of one step from its observed figures; None when it was not observed."""
    p = node.properties
    if p.get("observed_period") is None:
        return None
    seen = int(p.get("observed") or 0)
    share = max(float(p.get("breach") or 0), float(p.get("deviation") or 0))
    if seen == 0:
        kind = "unobserved"
    elif share >= MOST:
        kind = "breach"
    elif share >= WATCH:
        kind = "watch"
    else:
        kind = "ok"
    colour, sign, _ = LOOK[kind]
    words = [f"observed in {p['observed_period']}: {seen:,} cases"]
    if p.get("wait_p90") is not None:
        standard = f" (max_wait {_mins(p.get('max_wait'))})" if p.get("max_wait") else ""
        words.append(f"wait p50 {_mins(p.get('wait_p50'))}, p90 {_mins(p['wait_p90'])}{standard}")
    if p.get("time_p90") is not None:
        standard = f" (target_time {_mins(p.get('target_time'))})" if p.get("target_time") else ""
        words.append(
            f"service time p50 {_mins(p.get('time_p50'))}, p90 {_mins(p['time_p90'])}{standard}"
        )
    if p.get("breach") is not None:
        words.append(f"over a standard: {_pct(p['breach'])} of measured cases")
    if p.get("deviation"):
        words.append(
            f"deviating here: {_pct(p['deviation'])} of closed cases (left out "
            f"{int(p.get('missing') or 0):,}, out of place {int(p.get('irregular') or 0):,})"
        )
    stopped = int(p.get("stopped") or 0)
    if stopped:
        words.append(f"fell out after it: {stopped:,} cases ({_pct(p.get('dropoff') or 0)})")
        if float(p.get("dropoff") or 0) >= DROPOFF:
            sign += "\u2193"
    if p.get("adhoc"):
        words.append(f"ad hoc after it: {p['adhoc']}")
        sign += "+"
    if int(p.get("missing") or 0):
        sign += SKIPPED
    return DiffMark(kind, colour, sign, "\n".join(words))


def marks(graph: Graph) -> dict[str, DiffMark]:
    out = {}
    for key, node in graph.nodes.items():
        if node.label == "Step":
            mark = step_mark(node)
            if mark is not None:
                out[key] = mark
    return out


def summary(p: dict[str, Any]) -> str:
    """The blueprint's observed figures in one line."""
    if p.get("observed_period") is None:
        return ""
    parts = [f"observed {p['observed_period']}: {int(p.get('cases') or 0):,} cases"]
    for name, words in (
        ("conformance", "conformance"),
        ("ftr", "first-time-right"),
        ("fallout", "fall-out"),
    ):
        if p.get(name) is not None:
            parts.append(f"{words} {_pct(p[name])}")
    if p.get("fitness") is not None:
        parts.append(f"fitness {float(p['fitness']):.2f}")
    return ", ".join(parts)


def observed_result(result: Result, figures: dict[str, Any] | None = None) -> Result:
    """A blueprint answer as its observed view, with the blueprint's own observed `figures`
    (bpql.query.statements.observed.blueprint_figures) under its title; an error when nothing was
    observed of it."""
    assert result.graph is not None
    if not marks(result.graph):
        raise BpqlError(
            f"nothing observed of {result.title or 'this blueprint'}: run `bpql observe "
            "MAPPING` for it first (docs/observe.md)",
            code="BPQL-V400",
        )
    subtitle = summary(figures or {})
    return Result(
        Kind.OBSERVED,
        graph=result.graph,
        title=f"{result.title} (observed)",
        subtitle=subtitle or result.subtitle,
    )


def legend_items(graph: Graph, found: dict[str, DiffMark]) -> list[tuple[str, str]]:
    items = []
    used = {m.kind for m in found.values()}
    for kind, (colour, sign, words) in LOOK.items():
        if kind in used:
            badge = DiffMark(kind, colour, sign)
            items.append((drawing._badge(badge, 9, 9), words))
    signs = "".join(m.sign for m in found.values())
    for sign, words in SIGNS:
        if sign in signs:
            items.append((drawing.lines_text([sign], 5, 14, 14, 14, fill="#212529"), words))
    return [*drawing.legend_items(graph), *items]


def observed_view(result: Result, *, title: str | None = None, **_: Any) -> View:
    assert result.graph is not None
    found = marks(result.graph)
    items = legend_items(result.graph, found)
    return blueprint_page("observed", result, title or result.title, items, found)


__all__ = ["marks", "observed_result", "observed_view", "step_mark"]
