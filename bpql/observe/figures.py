"""What `bpql observe` finds, as data: the figures of each period and metric of an observed
service (worked out by bpql/observe/analyse.py and bpql/observe/metrics.py; read by the report,
the store and the views)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StepFigures:
    step: str
    id: str
    name: str
    lane: str
    on_path: bool
    optional: bool
    target_time: float | None
    max_wait: float | None
    #: cases in which the step was observed
    observed: int = 0
    wait_p50: float | None = None
    wait_p90: float | None = None
    wait_p95: float | None = None
    time_p50: float | None = None
    time_p90: float | None = None
    time_p95: float | None = None
    waits_measured: int = 0
    wait_breaches: int = 0
    times_measured: int = 0
    time_breaches: int = 0
    #: the share of measured cases over a standard of the step (either)
    breach: float | None = None
    missing: int = 0
    irregular: int = 0
    failed: int = 0
    #: the share of closed cases with a deviation at the step (missing, irregular, failed)
    deviation: float | None = None
    #: fallen-out cases that stopped after this step, and the share of those that reached it
    stopped: int = 0
    dropoff: float | None = None
    went_on: int = 0
    next: list[tuple[str, int]] = field(default_factory=list)
    #: activities with no step done after this step (the last path step before them), by
    #: closed cases
    adhoc: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Deviation:
    kind: str  # missing | adhoc | irregular | failed
    #: the step (local id), or None for an activity with no step
    step: str | None
    #: the activity label (ad hoc), the fail point id or outcome code (failed)
    what: str | None
    cases: int
    share: float
    examples: list[str]


@dataclass
class Variant:
    steps: list[str]
    cases: int
    fitness: float
    fits: bool
    examples: list[str]


@dataclass
class FailPointFigures:
    id: str
    name: str
    step: str | None
    severity: int
    occurrence: int
    detection: int
    ap: str
    failures: int
    cases: int
    rate: float | None
    occurrence_observed: int | None
    ap_observed: str | None
    ap_observed_order: int | None
    examples: list[str]


@dataclass
class PeriodFigures:
    period: str
    start: str
    end: str
    cases: int = 0
    completed: int = 0
    fallen_out: int = 0
    open: int = 0
    fitting: int = 0
    conformance: float | None = None
    fitness: float | None = None
    ftr: float | None = None
    first_time_right: int = 0
    fallout: float | None = None
    variants_total: int = 0
    steps: list[StepFigures] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    failpoints: list[FailPointFigures] = field(default_factory=list)

    @property
    def closed(self) -> int:
        return self.completed + self.fallen_out


@dataclass
class MetricFigures:
    id: str
    local: str
    name: str
    target: float | None
    unit: str | None
    readings: int
    first: str | None
    last: str | None
    latest: float | None
    mean: float | None
    #: change per 30 days of the least-squares line through the readings
    slope: float | None
    trend: str | None
    #: period id -> mean of its readings
    periods: dict[str, float] = field(default_factory=dict)


@dataclass
class Observed:
    """Everything one mapping's log says about its blueprint."""

    mapping: str
    service: str
    service_name: str
    blueprint: str
    blueprint_name: str
    log: str
    events: int
    skipped_rows: int
    cases: int
    outside: int
    log_start: str
    log_end: str
    path: list[str]
    periods: list[PeriodFigures]
    #: activities with no step: label -> (events, cases), accepted ones included
    unmapped: dict[str, tuple[int, int]]
    accepted: list[str]
    #: outcome codes that are not ok and name no fail point: code -> events
    unmapped_outcomes: dict[str, int]
    metrics: list[MetricFigures] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
