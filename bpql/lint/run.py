"""Run the enabled rules over blueprint files: parse and validate them as `bpql validate`
does (a file that does not validate is an error, not a finding), then collect findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from bpql.errors import BlueprintError, BpqlError
from bpql.graphdata import GraphData
from bpql.lint import rules as _rules  # noqa: F401  (registers the catalogue)
from bpql.lint.config import Config, default
from bpql.lint.registry import RULES, Blueprint, Enterprise, Finding, ignored_at, label_of
from bpql.model.files import collect_files
from bpql.model.format import BlueprintFile, EnterpriseFile
from bpql.model.validate import (
    Parsed,
    check_parsed,
    did_you_mean,
    parse_files,
    paused_gc,
)
from bpql.model.yamlpos import PathKey, SourceDoc, read_yaml_fast


@dataclass
class Report:
    findings: list[Finding]
    files: list[str]
    config: Config

    def counts(self) -> tuple[int, int]:
        errors = sum(f.severity == "error" for f in self.findings)
        return errors, len(self.findings) - errors

    @property
    def failed(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def _ignore_lists(doc: SourceDoc, node: object, path: PathKey) -> list[tuple[PathKey, str]]:
    """Every rule id named in a `lint: {ignore: [...]}` of the file, with its path."""
    out: list[tuple[PathKey, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "lint" and isinstance(value, dict):
                ignore = value.get("ignore")
                items = [ignore] if isinstance(ignore, str) else ignore or []
                base: PathKey = (*path, "lint", "ignore")
                if isinstance(ignore, str):
                    out.append((base, ignore))
                else:
                    out.extend(((*base, i), str(rid)) for i, rid in enumerate(items))
            else:
                out.extend(_ignore_lists(doc, value, (*path, key)))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            out.extend(_ignore_lists(doc, item, (*path, i)))
    return out


def check_ignores(parsed: Sequence[Parsed]) -> None:
    """A misspelt rule id in `ignore` would silently ignore nothing: refuse it."""
    problems = []
    for p in parsed:
        for path, rid in _ignore_lists(p.doc, p.doc.data, ()):
            if rid not in RULES:
                problems.append(
                    BpqlError(
                        f"lint.ignore: unknown rule '{rid}'{did_you_mean(rid, RULES)}",
                        p.doc.span(path),
                        code="BPQL-F060",
                    )
                )
    if problems:
        raise BlueprintError(problems)


def enterprise_of(
    parsed: Sequence[Parsed], today: date, graph: GraphData | None = None
) -> Enterprise:
    ent = next(p for p in parsed if isinstance(p.model, EnterpriseFile))
    assert isinstance(ent.model, EnterpriseFile)
    blueprints = [
        Blueprint.of(p.doc, p.model) for p in parsed if isinstance(p.model, BlueprintFile)
    ]
    return Enterprise(ent.doc, ent.model, blueprints, today, graph)


def lint_enterprise(ent: Enterprise, config: Config) -> list[Finding]:
    findings: list[Finding] = []
    for rid, level in config.enabled().items():
        severity: Literal["error", "warning"] = "error" if level == "error" else "warning"
        for hit in RULES[rid].check(ent):
            if rid in ignored_at(hit.doc, hit.path):
                continue
            span = hit.doc.span(hit.path)
            label = label_of(hit.path)
            findings.append(Finding(rid, severity, hit.message, span, hit.element, label))
    findings.sort(key=lambda f: (f.span.file or "", f.span.line, f.span.column, f.rule))
    return findings


def lint_paths(
    paths: Sequence[Path], config: Config | None = None, today: date | None = None
) -> Report:
    """Lint the enterprise in `paths`; raises BlueprintError when the files do not validate."""
    files = collect_files(paths)
    parsed = parse_files(files, reader=read_yaml_fast)
    with paused_gc():
        validated = check_parsed(files, parsed, figures=False)
        check_ignores(parsed)
        config = config or default()
        ent = enterprise_of(parsed, today or date.today(), validated.graph)
        for mapping_file in config.observe:  # the logs the drift rules hold against it
            from bpql.observe.analyse import observe
            from bpql.observe.mapping import read_mapping

            mapping = read_mapping(Path(mapping_file), enterprise=validated)
            ent.observed.append((mapping, observe(mapping)))
        return Report(lint_enterprise(ent, config), [str(f) for f in files], config)
