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
    check_doc,
    did_you_mean,
    paused_gc,
    stream,
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


def _unknown_rules(doc: SourceDoc, ignores: list[tuple[PathKey, str]]) -> list[BpqlError]:
    return [
        BpqlError(
            f"lint.ignore: unknown rule '{rid}'{did_you_mean(rid, RULES)}",
            doc.span(path),
            code="BPQL-F060",
        )
        for path, rid in ignores
        if rid not in RULES
    ]


def check_ignores(parsed: Sequence[Parsed]) -> None:
    """A misspelt rule id in `ignore` would silently ignore nothing: refuse it."""
    problems = []
    for p in parsed:
        problems += _unknown_rules(p.doc, _ignore_lists(p.doc, p.doc.data, ()))
    if problems:
        raise BlueprintError(problems)


class ForLint:
    """What lint keeps of each file as the files are read one at a time: the enterprise file
    whole, and of each blueprint file its model and what a finding needs, the positions of
    values (`SourceDoc.span`) and, only in a file that has a `lint: {ignore}`, its data
    (`ignored_at`); not the positions of keys nor the data of the others (together a third
    of a file's parse). The misspelt rule ids in `ignore` are found as the file is read
    (`check_ignores`) and raised by `enterprise`, in the files' order."""

    def __init__(self) -> None:
        self.entry: Parsed | None = None
        self.blueprints: list[Blueprint] = []
        self.problems: list[BpqlError] = []

    def __call__(self, p: Parsed) -> None:
        ignores = _ignore_lists(p.doc, p.doc.data, ())
        self.problems += _unknown_rules(p.doc, ignores)
        if isinstance(p.model, EnterpriseFile):
            if self.entry is None:
                self.entry = p
            return
        assert isinstance(p.model, BlueprintFile)
        slim = SourceDoc(p.doc.file, p.doc.data if ignores else {}, p.doc.positions)
        self.blueprints.append(Blueprint.of(slim, p.model))

    def enterprise(self, today: date, graph: GraphData | None = None) -> Enterprise:
        """What the rules look at (`enterprise_of`)."""
        if self.problems:
            raise BlueprintError(self.problems)
        assert self.entry is not None and isinstance(self.entry.model, EnterpriseFile)
        return Enterprise(self.entry.doc, self.entry.model, self.blueprints, today, graph)


def read_for_lint(files: Sequence[Path]) -> ForLint:
    """Files validated already (`bpql load` with `store = true`) read again for the rules, a
    file at a time, as `parse_files` reads them (every problem raised together)."""
    kept = ForLint()
    problems: list[BpqlError] = []
    with paused_gc():
        for f in files:
            try:
                kept(check_doc(read_yaml_fast(f, None)))
            except BlueprintError as exc:
                problems.extend(exc.problems)
            except BpqlError as exc:
                problems.append(exc)
    if problems:
        raise BlueprintError(problems)
    return kept


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
    kept = ForLint()
    config = config or default()
    # the whole graph is kept only for the logs the drift rules hold against the enterprise;
    # a rule that reads the graph gets what it reads of it (the enterprise file's rows, the
    # fail points, the systems' figures summed file by file), and none without such a rule
    whole = bool(config.observe)
    graph = whole or any(RULES[rid].graph for rid in config.enabled())
    with paused_gc():
        validated = stream(files, figures=graph and not whole, keep=kept, graph=whole).enterprise
        ent = kept.enterprise(today or date.today(), validated.graph if graph else None)
        for mapping_file in config.observe:  # the logs the drift rules hold against it
            from bpql.observe.analyse import observe
            from bpql.observe.mapping import read_mapping

            mapping = read_mapping(Path(mapping_file), enterprise=validated)
            ent.observed.append((mapping, observe(mapping)))
        return Report(lint_enterprise(ent, config), [str(f) for f in files], config)
