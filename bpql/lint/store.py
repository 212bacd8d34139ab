"""Lint findings written into the graph at load, when the lint settings say `store = true`.

Each flagged node gets a `lint` property, one `rule-id: message` per line, so the language
counts problems with the operators it already has (`find steps where lint contains
"lanes/frontstage-without-touchpoint"`, `count steps where lint contains "lanes/" by lane`)
and the blueprint view marks the element and shows the messages on hover.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bpql.graphdata import Enterprise
from bpql.lint.config import load as load_config
from bpql.lint.run import lint_enterprise, read_for_lint


def annotate(enterprise: Enterprise, today: date | None = None) -> int:
    """Set `lint` on the flagged nodes of a validated enterprise; the number of findings.

    The settings are the ones `bpql lint` would use for these files (the nearest bpql.toml or
    pyproject.toml above the first file); without `store = true` nothing is written."""
    if not enterprise.files:
        return 0
    config = load_config(start=Path(enterprise.files[0]).parent)
    if not config.store:
        return 0
    kept = read_for_lint([Path(f) for f in enterprise.files])
    ent = kept.enterprise(today or date.today(), enterprise.graph)
    findings = lint_enterprise(ent, config)
    lines: dict[tuple[str, str], list[str]] = {}
    for f in findings:
        lines.setdefault((f.label, f.element), []).append(f"{f.rule}: {f.message}")
    for label, nodes in enterprise.graph.nodes.items():
        for i, node in enumerate(nodes):
            found = lines.get((label, node["id"]))
            value = "\n".join(found) if found else None
            if node.get("lint") != value:  # a new row: a reload's rows may be the saved graph's
                nodes[i] = {**node, "lint": value}
    return len(findings)
