"""What a lint rule is, and what it sees.

A rule is a small function over `Enterprise` (the parsed, validated files with their positions)
that yields `Hit`s: the file, the path of the element the problem is about, and a message.
The runner turns hits into `Finding`s: the element's file:line:col, the severity the
configuration gives the rule, and nothing for an element that says `lint: {ignore: [rule]}`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from bpql.errors import Span
from bpql.graphdata import GraphData
from bpql.ids import member_id
from bpql.model.format import BlueprintFile, EnterpriseFile, Step
from bpql.model.validate import blueprint_key
from bpql.model.yamlpos import PathKey, SourceDoc

Level = Literal["off", "warn", "error"]
LEVELS: tuple[Level, ...] = ("off", "warn", "error")


@dataclass
class Blueprint:
    """One blueprint file, with the tables most rules ask for."""

    doc: SourceDoc
    model: BlueprintFile
    id: str
    prefix: str
    step_index: dict[str, int] = field(default_factory=dict)
    phase_index: dict[str, int] = field(default_factory=dict)
    #: step id -> the steps that support it directly
    supported_by: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: SourceDoc, model: BlueprintFile) -> Blueprint:
        bid, prefix = blueprint_key(model)
        bp = cls(doc, model, bid, prefix)
        bp.step_index = {s.id: i for i, s in enumerate(model.steps)}
        bp.phase_index = {p.id: i for i, p in enumerate(model.phases)}
        for s in model.steps:
            for target in s.supports:
                bp.supported_by.setdefault(target, []).append(s.id)
        return bp

    def step(self, step_id: str) -> Step:
        return self.model.steps[self.step_index[step_id]]

    def gid(self, local: str) -> str:
        """The id the store gives a thing of this blueprint (`claims:to-be.submit`)."""
        return member_id(self.prefix, local)

    def steps(self, *lanes: str) -> Iterator[tuple[int, Step]]:
        for i, s in enumerate(self.model.steps):
            if not lanes or s.lane in lanes:
                yield i, s


@dataclass
class Enterprise:
    """Everything a rule may look at: the enterprise file, every blueprint, today's date."""

    doc: SourceDoc
    model: EnterpriseFile
    blueprints: list[Blueprint]
    today: date
    #: the validated graph (action priority, systems' blast radius), for a rule that declares
    #: `graph=True`; under `bpql lint` (no observed logs) only what such a rule reads of it:
    #: the enterprise file's rows, every fail point, and the systems' figures
    graph: GraphData | None = None
    #: what observed logs say (bpql observe): (mapping, figures) per mapping file the
    #: settings name under `observe`; the `observed/` rules read these, and nothing else does
    observed: list[tuple[Any, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.role_department = {r.id: r.department for r in self.model.roles}


@dataclass(frozen=True)
class Hit:
    """A rule's raw answer: where (file and path of the element) and what."""

    doc: SourceDoc
    path: PathKey
    message: str
    element: str


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Level
    summary: str
    why: str
    wrong: str
    right: str
    check: Callable[[Enterprise], Iterable[Hit]]
    #: in `bpql:recommended`; every rule is in `bpql:all`
    recommended: bool = True
    #: reads `Enterprise.graph`: lint makes it only when a rule that says so is enabled, and
    #: then only the enterprise file's rows, the fail points and the systems' figures (the
    #: whole graph was a third of lint's memory at 10,000 services)
    graph: bool = False


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    severity: Level,
    summary: str,
    *,
    why: str,
    wrong: str,
    right: str,
    recommended: bool = True,
    graph: bool = False,
) -> Callable[[Callable[[Enterprise], Iterable[Hit]]], Callable[[Enterprise], Iterable[Hit]]]:
    """Register a rule function under its id, with the text its docs page is made of."""

    def register(
        fn: Callable[[Enterprise], Iterable[Hit]],
    ) -> Callable[[Enterprise], Iterable[Hit]]:
        assert rule_id not in RULES, rule_id
        RULES[rule_id] = Rule(
            rule_id,
            severity,
            summary,
            why.strip(),
            wrong.strip(),
            right.strip(),
            fn,
            recommended,
            graph,
        )
        return fn

    return register


@dataclass(frozen=True)
class Finding:
    """One problem: a rule, a severity, a message and the element it is about."""

    rule: str
    severity: Literal["error", "warning"]
    message: str
    span: Span
    element: str
    #: the element's node label in the store (`Step`, `System`, `Blueprint`)
    label: str = ""

    def line(self) -> str:
        return f"{self.span}: {self.severity} {self.rule}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "element": self.element,
            "label": self.label,
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.column,
        }


#: the label of the element a hit's path starts at; other paths are a blueprint's own fields
LABELS = {
    "steps": "Step",
    "phases": "Phase",
    "evidence": "Evidence",
    "metrics": "Metric",
    "departments": "Department",
    "roles": "Role",
    "systems": "System",
    "touchpoints": "Touchpoint",
    "personas": "Persona",
}


def label_of(path: PathKey) -> str:
    if len(path) >= 4 and path[0] in ("steps", "systems") and path[2] == "fail_points":
        return "FailPoint"
    return LABELS.get(str(path[0]), "Blueprint") if path else "Blueprint"


def ignored_at(doc: SourceDoc, path: PathKey) -> set[str]:
    """Rule ids switched off for the element at `path`: its own `lint: {ignore: [...]}` and
    that of everything it sits inside (the file, the blueprint, the step)."""
    out: set[str] = set()
    node: Any = doc.data
    for part in (*path, None):
        if isinstance(node, dict):
            settings = node.get("lint")
            if isinstance(settings, dict):
                ignore = settings.get("ignore")
                out.update([ignore] if isinstance(ignore, str) else (ignore or []))
        if part is None:
            break
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return out
