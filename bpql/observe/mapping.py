"""The mapping file: which blueprint a log observes, and how its rows read.

Written by hand beside a log export, and checked like a blueprint file: pydantic models, every
problem at its file:line:col (bpql/model/yamlpos.py), step and fail point ids checked against
the enterprise's own files with a did-you-mean. `read_mapping` gives a `Mapping` with every
reference resolved, so the readers and the analyses never see an unchecked name.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from bpql.errors import BlueprintError, BpqlError, Span
from bpql.graphdata import Enterprise
from bpql.ids import blueprint_id, member_id, member_prefix
from bpql.model.format import MAX_NAME, Id, Minutes, Text, as_list
from bpql.model.validate import _dotted, _pydantic_problems, did_you_mean, validate_paths
from bpql.model.yamlpos import PathKey, SourceDoc, read_yaml
from bpql.schema import VISIBLE_LANES

#: the lanes an observed case is held against in time order: the customer's path and what
#: staff do in view of the customer (backstage work is timed, not aligned)
PATH_LANES = VISIBLE_LANES
#: outcome codes that say nothing went wrong, unless a mapping says otherwise
OK_OUTCOMES = ("", "ok", "success", "succeeded", "complete", "completed", "done")
#: a case that stopped this long before the log ends has fallen out, unless a mapping says
DEFAULT_WINDOW = 30 * 24 * 60.0
#: what a log's columns may be used for, and whether a mapping must name the column
ROLES: dict[str, bool] = {
    "case": True,
    "activity": True,
    "timestamp": True,
    "start": False,
    "lifecycle": False,
    "sort": False,
    "resource": False,
    "channel": False,
    "outcome": False,
    "service": False,
}
#: XES attributes standing for each role, when a mapping names none
XES_KEYS = {
    "case": "concept:name",
    "activity": "concept:name",
    "timestamp": "time:timestamp",
    "lifecycle": "lifecycle:transition",
    "resource": "org:resource",
}

Column = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)]
Label = Annotated[str, StringConstraints(max_length=MAX_NAME)]
PeriodId = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z_-]*$", max_length=40)]


def _text_key(value: Any) -> Any:
    """Outcome codes and labels are text, whatever YAML made of them (`404`, `true`)."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Columns(_Strict):
    """The log's column (or XES attribute) for each thing BPQL reads from a row."""

    case: Column | None = Field(None, description="the case (one customer's journey) id")
    activity: Column | None = Field(None, description="what happened")
    timestamp: Column | None = Field(None, description="when it happened (or ended)")
    start: Column | None = Field(None, description="when it started, when the log says")
    lifecycle: Column | None = Field(None, description="start or complete, one row for each")
    sort: Column | None = Field(None, description="orders rows with equal timestamps")
    resource: Column | None = Field(None, description="the person or role")
    channel: Column | None = Field(None, description="the channel or touchpoint")
    outcome: Column | None = Field(None, description="ok, failed, or a code")
    service: Column | None = Field(None, description="the service, when a log holds several")


class LogSettings(_Strict):
    file: Text = Field(description="the log, relative to this file: .csv, .xlsx or .xes")
    format: Literal["csv", "xlsx", "xes"] | None = Field(None, description="else the suffix")
    sheet: Label | None = Field(None, description="the sheet of a workbook; else the first")
    delimiter: Annotated[str, StringConstraints(min_length=1, max_length=1)] = ","
    timezone: Label = Field("UTC", description="the zone a timestamp without one is read in")
    columns: Columns = Field(default_factory=lambda: Columns.model_validate({}))
    service: Label | None = Field(
        None, description="the value of the service column that names this service"
    )


class Accept(_Strict):
    """Deviations the service accepts (an allowlist): they count against nothing."""

    activities: Annotated[list[Label], BeforeValidator(as_list)] = Field(
        default_factory=list, description="activities with no step, as labels or /regex/"
    )
    skip: Annotated[list[Id], BeforeValidator(as_list)] = Field(
        default_factory=list, description="steps a case may leave out"
    )
    repeat: Annotated[list[Id], BeforeValidator(as_list)] = Field(
        default_factory=list, description="steps a case may do again"
    )


class PeriodSpec(_Strict):
    id: PeriodId
    start: date = Field(alias="from")
    end: date = Field(alias="to", description="the last day of the period, included")


class MappingFile(_Strict):
    """What one log observes, and how its rows read."""

    service: Id
    scenario: Literal["as-is", "to-be"] = "as-is"
    variant: Id | None = None
    enterprise: Text = Field(
        description="the enterprise's folder, relative to this file (kept outside it: a .yaml "
        "file inside an enterprise folder is read as a blueprint file)"
    )
    log: LogSettings
    activities: Annotated[dict[Label, Id], BeforeValidator(_text_key)] = Field(
        description="activity label (or /regex/) -> step id"
    )
    outcomes: Annotated[
        dict[Label, Annotated[str, StringConstraints(max_length=200)]], BeforeValidator(_text_key)
    ] = Field(default_factory=dict, description="outcome code -> fail point id")
    ok: Annotated[list[Label], BeforeValidator(as_list)] = Field(
        default_factory=lambda: list(OK_OUTCOMES), description="outcome codes that are no failure"
    )
    accept: Accept = Field(default_factory=Accept)
    fallout_after: Minutes = Field(
        DEFAULT_WINDOW, description="a case stopped this long has fallen out"
    )
    periods: Annotated[list[PeriodId | PeriodSpec], BeforeValidator(as_list)] = Field(
        default_factory=list, description="2026-03, 2026-Q1, 2026 or {id, from, to}"
    )
    metrics: Text | None = Field(None, description="a CSV of metric, date, value readings")


# --- resolved ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepInfo:
    local: str
    id: str
    name: str
    lane: str
    seq: int
    optional: bool
    target_time: float | None
    max_wait: float | None


@dataclass(frozen=True)
class FailPointInfo:
    id: str
    name: str
    #: the step it sits on (local id), None for a system's own fail point
    step: str | None
    severity: int
    occurrence: int
    detection: int
    ap: str


@dataclass(frozen=True)
class MetricInfo:
    id: str
    local: str
    name: str
    target: float | None
    unit: str | None


@dataclass(frozen=True)
class Period:
    id: str
    start: datetime
    end: datetime

    def holds(self, ts: float) -> bool:
        return self.start.timestamp() <= ts < self.end.timestamp()


@dataclass
class LogSpec:
    path: Path
    name: str
    format: str
    sheet: str | None
    delimiter: str
    tz: tzinfo
    zone: str
    #: role -> column name (or XES attribute key)
    columns: dict[str, str]
    service: str | None
    #: where each role's column is named in the mapping, for errors about it
    spans: dict[str, Span] = field(default_factory=dict)


@dataclass
class Mapping:
    """A mapping with every reference checked against the enterprise's files."""

    file: str
    service: str
    service_name: str
    scenario: str
    variant: str | None
    blueprint: str
    blueprint_name: str
    prefix: str
    enterprise: Enterprise
    steps: dict[str, StepInfo]
    #: the customer and frontstage steps in time order: what a case is aligned against
    path: list[str]
    exact: dict[str, str]
    patterns: list[tuple[re.Pattern[str], str]]
    outcomes: dict[str, str]
    ok: frozenset[str]
    accepted_exact: frozenset[str]
    accepted_patterns: list[re.Pattern[str]]
    skip: frozenset[str]
    repeat: frozenset[str]
    window: float
    periods: list[Period]
    log: LogSpec
    metrics_file: Path | None
    failpoints: dict[str, FailPointInfo]
    metrics: dict[str, MetricInfo]

    def step_of(self, label: str) -> str | None:
        """The step an activity label stands for (an exact label first, then the patterns in
        the file's order), or None for an activity with no step."""
        step = self.exact.get(label)
        if step is not None:
            return step
        for pattern, local in self.patterns:
            if pattern.fullmatch(label):
                return local
        return None

    def accepted(self, label: str) -> bool:
        return label in self.accepted_exact or any(
            p.fullmatch(label) for p in self.accepted_patterns
        )

    def optional(self, local: str) -> bool:
        return self.steps[local].optional or local in self.skip


class _Problems:
    def __init__(self, doc: SourceDoc) -> None:
        self.doc = doc
        self.found: list[BpqlError] = []

    def unknown(self, path: PathKey, what: str, value: str, known: Iterable[str]) -> None:
        """One line for a reference to nothing, with a did-you-mean."""
        known = sorted(known)
        hint = did_you_mean(value, known)
        if not hint and known and len(known) <= 12:
            hint = f"; known: {', '.join(known)}"
        self.found.append(
            BpqlError(
                f"{_dotted(path)}: unknown {what} '{value}'{hint}",
                self.doc.span(path),
                code="BPQL-F401",
            )
        )

    def bad(self, path: PathKey, message: str, *, key: bool = False) -> None:
        self.found.append(
            BpqlError(f"{_dotted(path)}: {message}", self.doc.span(path, key=key), code="BPQL-F402")
        )


def read_mapping(
    path: Path, *, enterprise: Enterprise | None = None, display: str | None = None
) -> Mapping:
    """The mapping at `path`, checked and resolved; every problem raised at once, one line
    each. `enterprise` is the enterprise already validated (else the mapping's folder)."""
    name = display or str(path)
    doc = read_yaml(path, name, "a mapping is a regular .yaml file")
    if not isinstance(doc.data, dict):
        raise BlueprintError(
            [
                BpqlError(
                    "expected a mapping file: 'service:', 'log:' and 'activities:' at the top",
                    doc.span(()),
                    code="BPQL-F400",
                )
            ]
        )
    try:
        model = MappingFile.model_validate(doc.data)
    except ValidationError as exc:
        raise BlueprintError(_pydantic_problems(exc, doc, MappingFile)) from None
    if enterprise is None:
        enterprise = _enterprise(path.parent / model.enterprise, doc)
    return _resolve(path, doc, model, enterprise)


def _enterprise(where: Path, doc: SourceDoc) -> Enterprise:
    if not where.exists():
        raise BlueprintError(
            [
                BpqlError(
                    f"enterprise: no folder '{where}' holding the enterprise's blueprint files",
                    doc.span(("enterprise",)),
                    code="BPQL-F403",
                )
            ]
        )
    return validate_paths([where])


def _resolve(path: Path, doc: SourceDoc, model: MappingFile, ent: Enterprise) -> Mapping:
    g = ent.graph
    problems = _Problems(doc)
    services = {n["id"]: n for n in g.nodes["Service"]}
    if model.service not in services:
        problems.unknown(("service",), "service", model.service, services)
        raise BlueprintError(problems.found)
    bid = blueprint_id(model.service, model.scenario, model.variant)
    blueprints = {n["id"]: n for n in g.nodes["Blueprint"]}
    if bid not in blueprints:
        have = sorted(b for b in blueprints if b.split(":", 1)[0] == model.service)
        problems.bad(
            ("scenario",),
            f"service '{model.service}' has no blueprint '{bid}'; it has: {', '.join(have)}",
        )
        raise BlueprintError(problems.found)
    prefix = member_prefix(model.service, model.scenario, model.variant)
    owned = {d for s, d in g.rels["HAS_STEP"] if s == bid}
    steps: dict[str, StepInfo] = {}
    for n in sorted((n for n in g.nodes["Step"] if n["id"] in owned), key=lambda n: n["seq"]):
        local = n["id"][len(prefix) + 1 :]
        steps[local] = StepInfo(
            local,
            n["id"],
            n["name"],
            n["lane"],
            n["seq"],
            bool(n.get("optional")),
            n["target_time"],
            n["max_wait"],
        )
    path_steps = [s.local for s in steps.values() if s.lane in PATH_LANES]

    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for label, step in model.activities.items():
        at: PathKey = ("activities", label)
        if step not in steps:
            problems.unknown(at, "step", step, steps)
            continue
        pattern = _pattern(label, problems, at)
        if pattern is not None:
            patterns.append((pattern, step))
        elif not _is_pattern(label):
            exact[label] = step
    accepted_exact: set[str] = set()
    accepted_patterns: list[re.Pattern[str]] = []
    for i, label in enumerate(model.accept.activities):
        pattern = _pattern(label, problems, ("accept", "activities", i))
        if pattern is not None:
            accepted_patterns.append(pattern)
        elif not _is_pattern(label):
            accepted_exact.add(label)
    for what in ("skip", "repeat"):
        for i, step in enumerate(getattr(model.accept, what)):
            if step not in steps:
                problems.unknown(("accept", what, i), "step", step, steps)

    failpoints = _failpoints(ent, prefix, owned)
    by_local = {fid[len(prefix) + 1 :]: fid for fid in failpoints if fid.startswith(prefix + ".")}
    outcomes: dict[str, str] = {}
    for code, fp in model.outcomes.items():
        fid = by_local.get(fp) or (fp if fp in failpoints else None)
        if fid is None:
            problems.unknown(
                ("outcomes", code),
                "fail point",
                fp,
                [*by_local, *(f for f in failpoints if not f.startswith(prefix + "."))],
            )
            continue
        outcomes[code] = fid

    tz = _zone(model.log.timezone, problems)
    periods = _periods(model, tz, problems)
    log = _log_spec(path, doc, model, tz, problems)
    metrics = {
        n["id"]: MetricInfo(n["id"], n["id"][len(prefix) + 1 :], n["name"], n["target"], n["unit"])
        for n in g.nodes["Metric"]
        if n["id"].startswith(prefix + ".")
    }
    metrics_file = None
    if model.metrics is not None:
        metrics_file = path.parent / model.metrics
        if not metrics_file.exists():
            problems.bad(("metrics",), f"no file '{metrics_file}' of metric readings")
    if problems.found:
        raise BlueprintError(problems.found)
    return Mapping(
        file=doc.file,
        service=model.service,
        service_name=services[model.service]["name"],
        scenario=model.scenario,
        variant=model.variant,
        blueprint=bid,
        blueprint_name=blueprints[bid]["name"],
        prefix=prefix,
        enterprise=ent,
        steps=steps,
        path=path_steps,
        exact=exact,
        patterns=patterns,
        outcomes=outcomes,
        ok=frozenset(model.ok),
        accepted_exact=frozenset(accepted_exact),
        accepted_patterns=accepted_patterns,
        skip=frozenset(model.accept.skip),
        repeat=frozenset(model.accept.repeat),
        window=float(model.fallout_after),
        periods=periods,
        log=log,
        metrics_file=metrics_file,
        failpoints=failpoints,
        metrics=metrics,
    )


def _is_pattern(label: str) -> bool:
    return len(label) >= 2 and label.startswith("/") and label.endswith("/")


def _pattern(label: str, problems: _Problems, at: PathKey) -> re.Pattern[str] | None:
    """`/regex/` as a compiled pattern that must match the whole label; None for a label."""
    if not _is_pattern(label):
        return None
    try:
        return re.compile(label[1:-1])
    except re.error as exc:
        problems.bad(at, f"'{label}' is not a regular expression: {exc}", key=True)
        return None


def _failpoints(ent: Enterprise, prefix: str, owned: set[str]) -> dict[str, FailPointInfo]:
    """The blueprint's fail points, and those of the systems its steps use."""
    g = ent.graph
    nodes = {n["id"]: n for n in g.nodes["FailPoint"]}
    out: dict[str, FailPointInfo] = {}
    for step, fid in g.rels["HAS_FAIL_POINT"]:
        if step in owned:
            n = nodes[fid]
            out[fid] = FailPointInfo(
                fid,
                n["name"],
                step[len(prefix) + 1 :],
                n["severity"],
                n["occurrence"],
                n["detection"],
                n["ap"],
            )
    systems = {sys for step, sys in g.rels["USES"] if step in owned}
    for sys, fid in g.rels["CAN_FAIL"]:
        if sys in systems:
            n = nodes[fid]
            out[fid] = FailPointInfo(
                fid, n["name"], None, n["severity"], n["occurrence"], n["detection"], n["ap"]
            )
    return out


def _zone(name: str, problems: _Problems) -> tzinfo:
    if name.upper() in ("UTC", "Z"):
        return timezone.utc
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:
        problems.bad(
            ("log", "timezone"),
            f"unknown time zone '{name}'; expected an IANA name such as Europe/London or UTC",
        )
        return timezone.utc


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def _periods(model: MappingFile, tz: tzinfo, problems: _Problems) -> list[Period]:
    out: list[Period] = []
    seen: set[str] = set()
    for i, spec in enumerate(model.periods):
        at: PathKey = ("periods", i)
        if isinstance(spec, PeriodSpec):
            first, last, pid = spec.start, spec.end, spec.id
            if last < first:
                problems.bad(at, f"period '{pid}' ends ({last}) before it starts ({first})")
                continue
        else:
            pid = spec
            span = _calendar(spec)
            if span is None:
                problems.bad(
                    at,
                    f"'{spec}' is not a period; expected a month (2026-03), a quarter "
                    "(2026-Q1), a year (2026) or {id, from, to}",
                )
                continue
            first, last = span
        if last >= date.max:
            problems.bad(
                at, f"period '{pid}' ends on {last}: the last day it can end is 9999-12-30"
            )
            continue
        if pid in seen:
            problems.bad(at, f"period '{pid}' is given twice")
            continue
        seen.add(pid)
        start = datetime.combine(first, datetime.min.time(), tz)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz)
        out.append(Period(pid, start, end))
    return out


def _calendar(text: str) -> tuple[date, date] | None:
    """A month, a quarter or a year as its first and last day."""
    try:
        if m := _MONTH.match(text):
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        if m := _QUARTER.match(text):
            y, q = int(m[1]), int(m[2])
            last = q * 3
            return date(y, last - 2, 1), date(y, last, calendar.monthrange(y, last)[1])
        if m := _YEAR.match(text):
            return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    except ValueError:
        return None
    return None


def month_period(ts: float, tz: tzinfo) -> Period:
    """The calendar month (in the mapping's zone) a moment falls in: the default periods."""
    moment = datetime.fromtimestamp(ts, tz)
    first = date(moment.year, moment.month, 1)
    last = date(moment.year, moment.month, calendar.monthrange(moment.year, moment.month)[1])
    return Period(
        f"{moment.year:04d}-{moment.month:02d}",
        datetime.combine(first, datetime.min.time(), tz),
        datetime.combine(last + timedelta(days=1), datetime.min.time(), tz),
    )


def _log_spec(
    path: Path, doc: SourceDoc, model: MappingFile, tz: tzinfo, problems: _Problems
) -> LogSpec:
    settings = model.log
    file = path.parent / settings.file
    fmt = settings.format or {".csv": "csv", ".xlsx": "xlsx", ".xes": "xes"}.get(
        file.suffix.lower()
    )
    if fmt is None:
        problems.bad(
            ("log", "file"),
            f"'{settings.file}': say which kind of log it is with log.format: csv, xlsx or xes",
        )
        fmt = "csv"
    columns = {k: v for k, v in settings.columns.model_dump().items() if v is not None}
    if fmt == "xes":
        columns = {**XES_KEYS, **columns}
    for role, required in ROLES.items():
        if required and role not in columns:
            problems.bad(
                ("log", "columns"),
                f"missing the '{role}' column: say which column of the log holds the {role}"
                + (" id" if role == "case" else ""),
            )
    if "lifecycle" in columns and "start" in columns:
        problems.bad(
            ("log", "columns", "start"),
            "a log gives start times as a column or as lifecycle rows, not both",
            key=True,
        )
    if settings.service is not None and "service" not in columns:
        problems.bad(("log", "service"), "a service value needs a 'service' column to read it in")
    spans = {role: doc.span(("log", "columns", role)) for role in columns}
    return LogSpec(
        path=file,
        name=str(file),
        format=fmt,
        sheet=settings.sheet,
        delimiter=settings.delimiter,
        tz=tz,
        zone=settings.timezone,
        columns=columns,
        service=settings.service,
        spans=spans,
    )


def local_ids(mapping: Mapping, ids: Iterable[str]) -> list[str]:
    """Graph ids of the observed blueprint's members back to the ids its file uses."""
    cut = len(mapping.prefix) + 1
    return [i[cut:] if i.startswith(mapping.prefix + ".") else i for i in ids]


def gid(mapping: Mapping, local: str) -> str:
    return member_id(mapping.prefix, local)
