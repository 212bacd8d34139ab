"""Mermaid out, for wikis: a flowchart per blueprint with a subgraph per lane.

Mermaid has no swimlanes: each lane is a subgraph (a box) holding its steps left to right in
time order, the lanes kept top to bottom by invisible links between them. What a blueprint
holds beyond that is lost: a lower lane's support of a higher one (a link out of a subgraph
makes Mermaid drop its direction), the phases (named in comments), the alignment of steps
across lanes in time, touchpoints, roles, systems, evidence and fail points
(docs/interchange.md). Moments of truth are drawn bold.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bpql.graphdata import Enterprise, GraphData
from bpql.interchange.source import LANE_TITLES, BlueprintInfo, Index, blueprints, gc_paused

#: what Mermaid reads specially inside a quoted label, as its entity codes
_ENTITIES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "&": "#amp;", "`": "#96;"}


def label(text: str) -> str:
    """A label Mermaid shows as written: quotes, angle brackets and `#` as entity codes,
    control characters as their escapes, line breaks as `<br>`."""
    from bpql.safe import terminal_text

    out = "".join(_ENTITIES.get(ch, ch) for ch in text)
    return terminal_text(out.replace("\r\n", "\n").replace("\n", "<br>"))


def flowchart(ix: Index, b: BlueprintInfo) -> str:
    """One blueprint as a Mermaid flowchart: a subgraph per lane, top to bottom, its steps
    left to right in time order. Mermaid drops a subgraph's own direction as soon as one of
    its nodes links outside it, so nothing does: the lanes are stacked by invisible links
    between the subgraphs themselves, and support across lanes is not drawn."""
    ids = {s.id: f"s{i}" for i, s in enumerate(b.steps, start=1)}
    lines = ["flowchart TB", f"  %% {label(b.title)} ({b.id})"]
    phases = dict(b.phases)
    lanes = b.lanes()
    for lane in lanes:
        lines.append(f'  subgraph {lane}["{label(LANE_TITLES[lane])}"]')
        lines.append("    direction LR")
        for s in b.steps:
            if s.lane == lane:
                lines.append(f"    %% {label(phases.get(s.phase or '', ''))}")
                lines.append(f'    {ids[s.id]}["{label(s.name)}"]')
        for s in b.steps:
            if s.lane == lane:
                for nxt in ix.out["NEXT"].get(s.id, ()):
                    if nxt in ids:
                        lines.append(f"    {ids[s.id]} --> {ids[nxt]}")
        lines.append("  end")
    if len(lanes) > 1:
        lines.append("  " + " ~~~ ".join(lanes))
    truths = [ids[s.id] for s in b.steps if s.props.get("moment_of_truth")]
    if truths:
        lines.append("  classDef truth stroke-width:3px,font-weight:bold")
        lines.append(f"  class {','.join(truths)} truth")
    return "\n".join(lines) + "\n"


@gc_paused
def export_mermaid(
    source: GraphData | Enterprise,
    out: Path | None = None,
    services: Iterable[str] | None = None,
    scenario: str | None = "as-is",
    *,
    markdown: bool | None = None,
) -> str:
    """The blueprints of one scenario (as-is unless asked; None for both) as Mermaid: one
    flowchart alone, or, for several blueprints (or `markdown`, or an `out` ending in .md),
    a Markdown page with a heading and a ```mermaid block for each."""
    ix, bps = blueprints(source, services, scenario)
    single = out is not None and out.suffix.lower() == ".mmd"
    if single and len(bps) > 1:
        from bpql.errors import BpqlError

        raise BpqlError(
            f"{out}: a .mmd file holds one flowchart; these are {len(bps)} blueprints: write "
            "a .md file (a flowchart per blueprint) or choose one with --service and "
            "--scenario",
            code="BPQL-C215",
        )
    if markdown is None:
        markdown = (not single and len(bps) > 1) or (out is not None and out.suffix == ".md")
    if markdown:
        from bpql.safe import terminal_text

        parts = []
        for b in bps:
            title = terminal_text(b.title).replace("#", "\\#")
            parts.append(f"## {title}\n\n```mermaid\n{flowchart(ix, b)}```\n")
        text = "\n".join(parts)
    else:
        text = flowchart(ix, bps[0])
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text
