"""What `bpql observe` prints and writes: a summary on a terminal, JSON, an XLSX workbook.

Everything a log holds (case ids, activity labels, outcome codes) is data from outside: on a
terminal it goes through `terminal_text`, in a workbook through `xlsx_cell` (text is a string
cell, never a formula, with Excel's quote prefix when it looks like one), in JSON through
`json_text`.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bpql.durations import format_minutes
from bpql.errors import BpqlError
from bpql.observe.figures import Observed, PeriodFigures
from bpql.safe import terminal_text, xlsx_cell

#: rows of each table a terminal summary shows
SHOWN = 8


def to_json(observed: Observed) -> dict[str, Any]:
    doc = dataclasses.asdict(observed)
    doc["units"] = {
        "wait_*": "minutes",
        "time_*": "minutes",
        "max_wait": "minutes",
        "target_time": "minutes",
    }
    return doc


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _mins(x: float | None) -> str:
    return "-" if x is None else format_minutes(x)


def _step_name(period: PeriodFigures, local: str | None) -> str:
    if local is None:
        return "(no step)"
    if local == "":
        return "(before the first step)"
    return next((s.name for s in period.steps if s.step == local), local)


def text(observed: Observed, written: str | None) -> list[str]:
    """The summary a person reads first, every value from the log escaped."""
    t = terminal_text
    out = [
        f"observed {t(observed.service_name)} ({observed.blueprint}) in {t(observed.log)}: "
        f"{observed.events:,} events, {observed.cases:,} cases from {observed.log_start} to "
        f"{observed.log_end}"
        + (f"; {observed.outside:,} cases start outside the periods" if observed.outside else "")
        + (
            f"; {observed.skipped_rows:,} rows of other services left out"
            if observed.skipped_rows
            else ""
        )
    ]
    for p in observed.periods:
        out.append(
            f"period {p.period} ({p.start} to {p.end}): {p.cases:,} cases: {p.completed:,} "
            f"completed, {p.fallen_out:,} fell out, {p.open:,} still open"
        )
        out.append(
            f"  conformance {_pct(p.conformance)} of completed cases (fitness "
            f"{'-' if p.fitness is None else f'{p.fitness:.3f}'}), first-time-right "
            f"{_pct(p.ftr)} of closed cases, fall-out {_pct(p.fallout)}; "
            f"{p.variants_total:,} variants"
        )
        if p.deviations:
            out.append("  deviations (closed cases):")
            for d in p.deviations[:SHOWN]:
                what = str(d.what) if d.kind == "adhoc" else _step_name(p, d.step)
                if d.kind == "failed":
                    what += f" ({d.what or ''})"
                examples = ", ".join(t(e) for e in d.examples[:3])
                out.append(
                    f"    {d.kind:<9} {t(what)}: {d.cases:,} ({_pct(d.share)}), e.g. {examples}"
                )
            if len(p.deviations) > SHOWN:
                out.append(f"    ... and {len(p.deviations) - SHOWN} more (-o report.xlsx)")
        timed = [s for s in p.steps if s.waits_measured or s.times_measured]
        if timed:
            out.append("  standards:")
            for s in sorted(timed, key=lambda s: -(s.breach or 0))[:SHOWN]:
                parts = []
                if s.waits_measured:
                    parts.append(
                        f"wait p50 {_mins(s.wait_p50)} p90 {_mins(s.wait_p90)} against max_wait "
                        f"{_mins(s.max_wait)}: {s.wait_breaches:,} over"
                    )
                if s.times_measured:
                    parts.append(
                        f"time p50 {_mins(s.time_p50)} p90 {_mins(s.time_p90)} against "
                        f"target_time {_mins(s.target_time)}: {s.time_breaches:,} over"
                    )
                out.append(f"    {t(s.name)}: {'; '.join(parts)} ({_pct(s.breach)})")
        stops = sorted((s for s in p.steps if s.stopped), key=lambda s: -s.stopped)
        if stops:
            out.append("  fall-out (where cases stopped):")
            names = {x.step: x.name for x in p.steps}
            for s in stops[:SHOWN]:
                went = ", ".join(f"{t(names.get(n, n))} ({c:,})" for n, c in s.next)
                out.append(
                    f"    after {t(s.name)}: {s.stopped:,} ({_pct(s.dropoff)} of those reaching "
                    f"it)" + (f"; the others went on to: {went}" if went else "")
                )
        for f in p.failpoints:
            change = (
                ""
                if f.occurrence_observed is None
                else f"occurrence {f.occurrence} -> {f.occurrence_observed}, ap {f.ap} -> "
                f"{f.ap_observed}"
            )
            out.append(
                f"  fail point {t(f.name)}: {f.failures:,} in {f.cases:,} cases "
                f"({_pct(f.rate)}); {change}"
            )
    for m in observed.metrics:
        if m.readings:
            target = "" if m.target is None else f" against target {m.target:g}"
            out.append(
                f"metric {t(m.name)}: {m.readings} readings, latest {m.latest:g} on {m.last}"
                f"{target}" + (f", {m.trend}" if m.trend else "")
            )
    unmapped = {k: v for k, v in observed.unmapped.items() if k not in observed.accepted}
    if unmapped:
        shown = ", ".join(f"{t(k)} ({e:,} events)" for k, (e, _) in list(unmapped.items())[:5])
        out.append(f"activities with no step: {shown}")
    if observed.unmapped_outcomes:
        shown = ", ".join(
            f"{t(k)} ({n:,})" for k, n in list(observed.unmapped_outcomes.items())[:5]
        )
        out.append(f"failed outcomes that name no fail point: {shown}")
    out += [f"note: {n}" for n in observed.notes]
    out.append(written or "dry run: nothing written")
    return out


Row = list[Any]


def _tables(observed: Observed) -> list[tuple[str, list[str], list[Row]]]:
    periods = observed.periods
    summary = [
        [
            p.period,
            p.start,
            p.end,
            p.cases,
            p.completed,
            p.fallen_out,
            p.open,
            p.conformance,
            p.fitness,
            p.ftr,
            p.fallout,
            p.variants_total,
        ]
        for p in periods
    ]
    steps = [
        [
            p.period,
            s.step,
            s.name,
            s.lane,
            s.observed,
            s.wait_p50,
            s.wait_p90,
            s.wait_p95,
            s.max_wait,
            s.wait_breaches,
            s.time_p50,
            s.time_p90,
            s.time_p95,
            s.target_time,
            s.time_breaches,
            s.breach,
            s.missing,
            s.irregular,
            s.failed,
            s.deviation,
            s.stopped,
            s.dropoff,
            "; ".join(f"{n}: {c}" for n, c in s.next),
        ]
        for p in periods
        for s in p.steps
    ]
    deviations = [
        [p.period, d.kind, d.step, d.what, d.cases, d.share, "; ".join(d.examples)]
        for p in periods
        for d in p.deviations
    ]
    variants = [
        [p.period, " > ".join(v.steps), v.cases, v.fitness, v.fits, "; ".join(v.examples)]
        for p in periods
        for v in p.variants
    ]
    risk = [
        [
            p.period,
            f.id,
            f.name,
            f.step,
            f.severity,
            f.occurrence,
            f.detection,
            f.ap,
            f.failures,
            f.cases,
            f.rate,
            f.occurrence_observed,
            f.ap_observed,
            "; ".join(f.examples),
        ]
        for p in periods
        for f in p.failpoints
    ]
    metrics = [
        [
            m.id,
            m.name,
            m.target,
            m.unit,
            m.readings,
            m.first,
            m.last,
            m.latest,
            m.mean,
            m.slope,
            m.trend,
        ]
        for m in observed.metrics
    ]
    unmapped = [
        [label, events, cases, label in observed.accepted]
        for label, (events, cases) in observed.unmapped.items()
    ]
    return [
        (
            "Summary",
            [
                "period",
                "from",
                "to",
                "cases",
                "completed",
                "fallen out",
                "open",
                "conformance",
                "fitness",
                "first-time-right",
                "fall-out",
                "variants",
            ],
            summary,
        ),
        (
            "Steps",
            [
                "period",
                "step",
                "name",
                "lane",
                "observed",
                "wait p50 (min)",
                "wait p90 (min)",
                "wait p95 (min)",
                "max_wait (min)",
                "wait breaches",
                "time p50 (min)",
                "time p90 (min)",
                "time p95 (min)",
                "target_time (min)",
                "time breaches",
                "breach",
                "missing",
                "irregular",
                "failed",
                "deviation",
                "stopped",
                "dropoff",
                "next",
            ],
            steps,
        ),
        (
            "Deviations",
            ["period", "type", "step", "activity or failure", "cases", "share", "example cases"],
            deviations,
        ),
        ("Variants", ["period", "trace", "cases", "fitness", "fits", "example cases"], variants),
        (
            "Risk",
            [
                "period",
                "fail point",
                "name",
                "step",
                "severity",
                "occurrence",
                "detection",
                "ap",
                "failures",
                "cases",
                "rate",
                "occurrence observed",
                "ap observed",
                "example cases",
            ],
            risk,
        ),
        (
            "Metrics",
            [
                "metric",
                "name",
                "target",
                "unit",
                "readings",
                "first",
                "last",
                "latest",
                "mean",
                "change per 30 days",
                "trend",
            ],
            metrics,
        ),
        ("Unmapped", ["activity", "events", "cases", "accepted"], unmapped),
    ]


def write_xlsx(observed: Observed, path: Path) -> None:
    """Every table as a sheet; every cell through `xlsx_cell`, so a case id or an activity
    that starts with `=` is text, never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for title, header, rows in _tables(observed):
        ws = wb.create_sheet(title)
        for column, name in enumerate(header, start=1):
            xlsx_cell(ws.cell(row=1, column=column), name)
            ws.cell(row=1, column=column).font = Font(bold=True)
        for r, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                xlsx_cell(ws.cell(row=r, column=column), value)
    # made in memory, then written: a file that cannot be written fails in one place, with
    # no half-closed workbook left to fail again when it is collected
    made = io.BytesIO()
    wb.save(made)
    path.write_bytes(made.getvalue())


def write_json(observed: Observed, path: Path) -> None:
    from bpql.safe import json_text

    path.write_text(json_text(to_json(observed)) + "\n", encoding="utf-8")


Writer = Callable[[Observed, Path], None]


def _refusing(write: Writer) -> Writer:
    """`write`, with a file that cannot be written (a folder, a full disk) as one line."""

    def run(observed: Observed, path: Path) -> None:
        try:
            write(observed, path)
        except OSError as exc:
            raise BpqlError(
                f"{path}: cannot write the report: {exc.strerror or exc}", code="BPQL-C404"
            ) from None

    return run


WRITERS: dict[str, Writer] = {".xlsx": _refusing(write_xlsx), ".json": _refusing(write_json)}
