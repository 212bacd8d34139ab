"""Findings as text (one line each), JSON, or SARIF 2.1.0 for code-review tools."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bpql.lint.registry import RULES
from bpql.lint.run import Report
from bpql.safe import json_text, terminal_text

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def text(report: Report) -> str:
    """One line per finding, through `bpql.safe.terminal_text`: a name quoted in a message
    prints as the characters it holds."""
    return "".join(terminal_text(f.line()) + "\n" for f in report.findings)


def summary(report: Report) -> str:
    """The closing line, for stderr: counts, so a clean run still says what it checked."""
    errors, warnings = report.counts()
    files = len(report.files)
    return (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
        f"in {files} file{'s' * (files != 1)} ({len(report.config.enabled())} rules)"
    )


def as_json(report: Report) -> str:
    errors, warnings = report.counts()
    data = {
        "findings": [f.to_json() for f in report.findings],
        "errors": errors,
        "warnings": warnings,
        "files": report.files,
        "config": report.config.source,
    }
    return json_text(data) + "\n"


def _uri(file: str) -> str:
    """A file as a SARIF artifact URI: relative paths stay relative (to the checkout root,
    `%SRCROOT%`), with forward slashes; absolute ones become file: URIs."""
    path = Path(file)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def sarif(report: Report) -> str:
    from bpql.version import __version__

    used = sorted({f.rule for f in report.findings} | set(report.config.enabled()))
    index = {rid: i for i, rid in enumerate(used)}
    rules = []
    for rid in used:
        r = RULES[rid]
        level = report.config.levels.get(rid, r.severity)
        rules.append(
            {
                "id": rid,
                "name": rid.split("/", 1)[1],
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": " ".join(r.why.split())},
                "help": {"text": f"docs/lint/{rid}.md in the bpql repository"},
                "defaultConfiguration": {"level": "error" if level == "error" else "warning"},
            }
        )
    results = []
    for f in report.findings:
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(f.span.file or "")},
                "region": {"startLine": f.span.line, "startColumn": f.span.column},
            },
            "logicalLocations": [{"fullyQualifiedName": f.element}],
        }
        if not Path(f.span.file or "").is_absolute():
            location["physicalLocation"]["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": f.severity,
                "message": {"text": f.message},
                "locations": [location],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "bpql lint",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json_text(log) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {"text": text, "json": as_json, "sarif": sarif}
