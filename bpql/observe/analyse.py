"""The analyses of an observed service, per period.

Every case of the log is taken once: its activities are mapped to steps, its trace (the
customer and frontstage steps it shows, and the activities with no step) is aligned against the
blueprint's path once per distinct trace (variant), and what the case says is added to each
period it starts in. What is computed, and the words for it (docs/observe.md):

- a case is *completed* when it reached the path's last required step, *open* when it did not
  and its last event is within the mapping's window of the log's end, *fallen out* otherwise;
  *closed* cases are the completed and the fallen-out ones;
- *conformance*: the share of completed cases whose trace fits the path exactly (alignment
  cost 0); *fitness*: their mean alignment fitness (bpql/observe/align.py);
- *deviations*, typed as CJML does, counted in closed cases: *missing* (a required step not
  observed; in a case that fell out, only before where it stopped), *ad hoc* (an activity with
  no step that the mapping does not accept), *irregular* (a step done out of its place, or
  again), *failed* (an outcome that is not ok: a mapped fail point, or a code with none);
- *time* per step, in every case of the period: the wait since the case's previous activity
  ended until the step started (or, in a log with one timestamp per event, until it ended), and
  the service time from its start to its end when the log gives starts; p50/p90/p95, held
  against `max_wait` and `target_time`, with the share of cases over each;
- *fall-out*: the fallen-out cases per path step they stopped after, and the next activity
  in the cases that went on from that step;
- *first-time-right*: closed cases that completed with no deviation and no failed outcome;
- *risk*: each mapped fail point's failures per case that reached its step (every case for a
  system's own fail point), the occurrence rating that suggests (bpql/observe/risk.py) and the
  action priority it gives.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bpql.analysis.fmea import ActionPriorityTable, rpn
from bpql.errors import BpqlError
from bpql.observe.align import LOG, MODEL, Path, align
from bpql.observe.cases import Instance, Log, read_log
from bpql.observe.figures import (
    Deviation,
    FailPointFigures,
    Observed,
    PeriodFigures,
    StepFigures,
    Variant,
)
from bpql.observe.mapping import Mapping, Period, month_period
from bpql.observe.risk import Scale, ap_order, scale_of, table_of

#: example case ids kept per finding
EXAMPLES = 5
#: next activities kept per step of the fall-out table
NEXT_SHOWN = 3
#: variants kept per period (the most frequent)
VARIANTS_SHOWN = 20


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (0..1) of sorted `values`, by linear interpolation between the
    closest ranks (as numpy's default and Excel's PERCENTILE.INC)."""
    if not values:
        return None
    h = (len(values) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (h - lo) * (values[hi] - values[lo])


@dataclass
class Timing:
    """The minutes measured at one step: wait before it, service time of it."""

    waits: list[float] = field(default_factory=list)
    times: list[float] = field(default_factory=list)


@dataclass
class _Found:
    """How many cases, and the first few of them."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, case: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(case)


class _Acc:
    """What one period gathers while the cases go past."""

    def __init__(self, period: Period, mapping: Mapping) -> None:
        self.period = period
        self.cases = self.completed = self.fallen = self.open = 0
        self.fitting = self.ftr = 0
        self.fitness_sum = 0.0
        self.timing = {s: Timing() for s in mapping.steps}
        self.observed: Counter[str] = Counter()
        self.dev: dict[tuple[str, str | None, str | None], _Found] = {}
        self.dev_steps: Counter[str] = Counter()
        self.variants: dict[tuple[int, ...], _Found] = {}
        self.stopped: Counter[str] = Counter()
        self.went_on: Counter[str] = Counter()
        self.next: dict[str, Counter[str]] = {}
        self.adhoc_after: dict[str, Counter[str]] = {}
        self.on_path = frozenset(mapping.path)
        self.bounds = (period.start.timestamp(), period.end.timestamp())
        self.fp_failures: dict[str, _Found] = {}
        self.fp_cases: Counter[str] = Counter()

    def deviation(self, key: tuple[str, str | None, str | None], case: str) -> None:
        found = self.dev.get(key)
        if found is None:
            found = self.dev[key] = _Found()
        found.add(case)


@dataclass(frozen=True)
class _Shape:
    """What a variant says, worked out once per distinct trace."""

    cost: int
    fitness: float
    #: the furthest path position the trace shows (-1: none)
    furthest: int
    #: path positions of required steps never observed
    missing: tuple[int, ...]
    #: path positions of steps observed out of place or again
    irregular: tuple[int, ...]
    #: activity codes of ad hoc events
    adhoc: tuple[int, ...]


def observe(mapping: Mapping, log: Log | None = None) -> Observed:
    """Read the mapping's log (unless given) and work out every figure, per period."""
    log = log or read_log(mapping)
    path_ids = mapping.path
    position = {s: i for i, s in enumerate(path_ids)}
    path = Path(tuple(path_ids), tuple(not mapping.optional(s) for s in path_ids))
    required = [i for i, r in enumerate(path.required) if r]
    end_at = required[-1] if required else len(path_ids) - 1
    window = mapping.window * 60.0
    # per activity code: its step, its place on the path, whether an unmapped one is accepted
    act_step = [mapping.step_of(a) for a in log.activities]
    act_pos = [position.get(s, -1) if s is not None else -1 for s in act_step]
    act_ok = [
        s is None and mapping.accepted(a) for a, s in zip(log.activities, act_step, strict=True)
    ]
    outcome_fp = [mapping.outcomes.get(o) for o in log.outcomes]
    outcome_bad = [o not in mapping.ok for o in log.outcomes]
    fp_step = {f.id: f.step for f in mapping.failpoints.values()}
    mapped_fps = sorted(set(mapping.outcomes.values()))
    repeat_ok = {position[s] for s in mapping.repeat if s in position}

    explicit = bool(mapping.periods)
    accs: dict[str, _Acc] = {}
    if explicit:
        for p in mapping.periods:
            accs[p.id] = _Acc(p, mapping)
    shapes: dict[tuple[int, ...], _Shape] = {}
    unmapped_events: Counter[int] = Counter()
    unmapped_cases: Counter[int] = Counter()
    bad_outcomes: Counter[str] = Counter()
    outside = 0
    total = 0

    for case, insts in log.cases():
        total += 1
        first = insts[0].start if insts[0].start is not None else insts[0].end
        if explicit:
            targets = [a for a in accs.values() if a.bounds[0] <= first < a.bounds[1]]
        else:
            month = month_period(first, mapping.log.tz)
            acc = accs.get(month.id)
            if acc is None:
                acc = accs[month.id] = _Acc(month, mapping)
            targets = [acc]
        seen_unmapped = set()
        for inst in insts:
            if act_step[inst.activity] is None:
                unmapped_events[inst.activity] += 1
                seen_unmapped.add(inst.activity)
        for a in seen_unmapped:
            unmapped_cases[a] += 1
        if not targets:
            outside += 1
            continue
        trace: list[int] = []
        seen_pos: set[int] = set()
        for inst in insts:
            pos = act_pos[inst.activity]
            if pos >= 0:
                if pos in seen_pos and pos in repeat_ok:
                    continue  # a repeat the mapping accepts
                seen_pos.add(pos)
                trace.append(pos)
            elif act_step[inst.activity] is None and not act_ok[inst.activity]:
                trace.append(-1 - inst.activity)
        key = tuple(trace)
        shape = shapes.get(key)
        if shape is None:
            shape = shapes[key] = _shape(key, path)
        last_end = max(i.end for i in insts)
        if shape.furthest >= end_at and end_at >= 0:
            state = "completed"
        elif log.last - last_end < window:
            state = "open"
        else:
            state = "fallen"
        failures = [
            (inst, outcome_fp[inst.outcome])
            for inst in insts
            if inst.outcome and outcome_bad[inst.outcome]
        ]
        for inst, fp in failures:
            if fp is None:
                bad_outcomes[log.outcomes[inst.outcome]] += 1
        for acc in targets:
            _add_case(
                acc,
                case,
                insts,
                state,
                shape,
                key,
                failures,
                mapping,
                act_step,
                log,
                path_ids,
                fp_step,
                mapped_fps,
            )
    if total and outside == total:
        raise BpqlError(
            f"{mapping.log.name}: none of the log's {total} cases starts in the periods of "
            f"{mapping.file} ({', '.join(p.id for p in mapping.periods)}); the log runs from "
            f"{_day(log.first, mapping)} to {_day(log.last, mapping)}",
            code="BPQL-F425",
        )
    scale = scale_of(mapping.enterprise.scales.get("occurrence", {}))
    table = table_of(mapping.enterprise.ap_source)
    periods = [
        _figures(acc, mapping, path, shapes, log, scale, table)
        for acc in sorted(accs.values(), key=lambda a: (a.period.start, a.period.id))
        if acc.cases or explicit
    ]
    result = Observed(
        mapping=mapping.file,
        service=mapping.service,
        service_name=mapping.service_name,
        blueprint=mapping.blueprint,
        blueprint_name=mapping.blueprint_name,
        log=mapping.log.name,
        events=log.events,
        skipped_rows=log.skipped,
        cases=total,
        outside=outside,
        log_start=_moment(log.first, mapping),
        log_end=_moment(log.last, mapping),
        path=list(path_ids),
        periods=periods,
        unmapped={
            log.activities[a]: (unmapped_events[a], unmapped_cases[a])
            for a in sorted(unmapped_events, key=lambda a: (-unmapped_events[a], log.activities[a]))
        },
        accepted=sorted(log.activities[a] for a in unmapped_events if act_ok[a]),
        unmapped_outcomes=dict(sorted(bad_outcomes.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
    if scale.fallback:
        result.notes.append(
            "the enterprise's occurrence scale names no rates (such as 'About 1 in 500'), so "
            "observed occurrence is rated on the packaged scale"
        )
    if not log.has_start:
        result.notes.append(
            "the log gives one timestamp per event: a wait is the time from the previous "
            "activity's end to this one's, its service time included; target_time is not checked"
        )
    if mapping.metrics_file is not None:
        from bpql.observe.metrics import read_readings

        result.metrics = read_readings(mapping, periods)
    return result


def _day(ts: float, mapping: Mapping) -> str:
    return datetime.fromtimestamp(ts, mapping.log.tz).date().isoformat()


def _moment(ts: float, mapping: Mapping) -> str:
    return datetime.fromtimestamp(ts, mapping.log.tz).isoformat(timespec="seconds")


def _shape(trace: tuple[int, ...], path: Path) -> _Shape:
    al = align(trace, path)
    observed = {e for e in trace if e >= 0}
    irregular = sorted({trace[i] for kind, i, _ in al.moves if kind == LOG and trace[i] >= 0})
    adhoc = sorted({-1 - trace[i] for kind, i, _ in al.moves if kind == LOG and trace[i] < 0})
    missing = sorted(
        j for kind, _, j in al.moves if kind == MODEL and path.required[j] and j not in observed
    )
    return _Shape(
        al.cost,
        al.fitness,
        max(observed, default=-1),
        tuple(missing),
        tuple(irregular),
        tuple(adhoc),
    )


def _add_case(
    acc: _Acc,
    case: str,
    insts: list[Instance],
    state: str,
    shape: _Shape,
    key: tuple[int, ...],
    failures: list[tuple[Instance, str | None]],
    mapping: Mapping,
    act_step: list[str | None],
    log: Log,
    path_ids: list[str],
    fp_step: dict[str, str | None],
    mapped_fps: list[str],
) -> None:
    acc.cases += 1
    on_path = acc.on_path
    # times: the first time each step is seen in the case
    timed: set[str] = set()
    prev_end: float | None = None
    timing_of = acc.timing
    for activity, start, end, _ in insts:
        step = act_step[activity]
        if step is not None and step not in timed:
            timed.add(step)
            timing = timing_of[step]
            begin = start if start is not None else end
            if prev_end is not None:
                timing.waits.append((begin - prev_end) / 60.0 if begin > prev_end else 0.0)
            if start is not None:
                timing.times.append((end - start) / 60.0)
        if prev_end is None or end > prev_end:
            prev_end = end
    for local in timed:
        acc.observed[local] += 1
    # risk: failures per case that reached the fail point's step
    failed_fps = {fp for _, fp in failures if fp is not None}
    for fp in mapped_fps:
        on = fp_step.get(fp)
        if on is None or on in timed:
            acc.fp_cases[fp] += 1
            if fp in failed_fps:
                acc.fp_failures.setdefault(fp, _Found()).add(case)
    if state == "open":
        acc.open += 1
        return
    variant = acc.variants.get(key)
    if variant is None:
        variant = acc.variants[key] = _Found()
    variant.add(case)
    deviant_steps: set[str] = set()
    deviant = False
    for j in shape.missing:
        if state == "completed" or j < shape.furthest:
            acc.deviation(("missing", path_ids[j], None), case)
            deviant_steps.add(path_ids[j])
            deviant = True
    for j in shape.irregular:
        acc.deviation(("irregular", path_ids[j], None), case)
        deviant_steps.add(path_ids[j])
        deviant = True
    for a in shape.adhoc:
        acc.deviation(("adhoc", None, log.activities[a]), case)
        deviant = True
    if shape.adhoc:  # where each ad hoc activity came: after the last path step before it
        adhoc = set(shape.adhoc)
        after = ""
        seen: set[tuple[str, int]] = set()
        for inst in insts:
            step = act_step[inst.activity]
            if step is not None and step in on_path:
                after = step
            elif inst.activity in adhoc and (after, inst.activity) not in seen:
                seen.add((after, inst.activity))
                counts = acc.adhoc_after.get(after)
                if counts is None:
                    counts = acc.adhoc_after[after] = Counter()
                counts[log.activities[inst.activity]] += 1
    failed_keys: set[tuple[str | None, str]] = set()
    for inst, named in failures:
        where = act_step[inst.activity]
        if named is not None:
            where = fp_step.get(named) or where
        failed_keys.add((where, named or log.outcomes[inst.outcome]))
    for at, what in sorted(failed_keys, key=lambda k: (k[0] or "", k[1])):
        acc.deviation(("failed", at, what), case)
        if at is not None:
            deviant_steps.add(at)
    for local in deviant_steps:
        acc.dev_steps[local] += 1
    # fall-out: where a case that stopped stopped, and where the others went next
    if state == "completed":
        acc.completed += 1
        acc.fitness_sum += shape.fitness
        if shape.cost == 0:
            acc.fitting += 1
        if not deviant and not failures:
            acc.ftr += 1
    else:
        acc.fallen += 1
        stop = path_ids[shape.furthest] if shape.furthest >= 0 else ""
        acc.stopped[stop] += 1
    went: set[str] = set()
    for n in range(len(insts) - 1):
        step = act_step[insts[n].activity]
        if step is None or step not in on_path or step in went:
            continue
        went.add(step)
        nxt = insts[n + 1].activity
        label = act_step[nxt] or log.activities[nxt]
        acc.went_on[step] += 1
        counts = acc.next.get(step)
        if counts is None:
            counts = acc.next[step] = Counter()
        counts[label] += 1


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _figures(
    acc: _Acc,
    mapping: Mapping,
    path: Path,
    shapes: dict[tuple[int, ...], _Shape],
    log: Log,
    scale: Scale,
    table: ActionPriorityTable,
) -> PeriodFigures:
    p = acc.period
    closed = acc.completed + acc.fallen
    out = PeriodFigures(
        p.id,
        p.start.date().isoformat(),
        (p.end.date() - timedelta(days=1)).isoformat(),
        cases=acc.cases,
        completed=acc.completed,
        fallen_out=acc.fallen,
        open=acc.open,
        fitting=acc.fitting,
        conformance=_share(acc.fitting, acc.completed),
        fitness=acc.fitness_sum / acc.completed if acc.completed else None,
        first_time_right=acc.ftr,
        ftr=_share(acc.ftr, closed),
        fallout=_share(acc.fallen, closed),
        variants_total=len(acc.variants),
    )
    on_path = set(mapping.path)
    for st in mapping.steps.values():
        timing = acc.timing[st.local]
        waits, times = sorted(timing.waits), sorted(timing.times)
        f = StepFigures(
            st.local,
            st.id,
            st.name,
            st.lane,
            st.local in on_path,
            mapping.optional(st.local),
            st.target_time,
            st.max_wait,
            observed=acc.observed[st.local],
            wait_p50=percentile(waits, 0.5),
            wait_p90=percentile(waits, 0.9),
            wait_p95=percentile(waits, 0.95),
            time_p50=percentile(times, 0.5),
            time_p90=percentile(times, 0.9),
            time_p95=percentile(times, 0.95),
            waits_measured=len(waits) if st.max_wait is not None else 0,
            wait_breaches=_over(waits, st.max_wait),
            times_measured=len(times) if st.target_time is not None else 0,
            time_breaches=_over(times, st.target_time),
        )
        measured = f.waits_measured + f.times_measured
        f.breach = _share(f.wait_breaches + f.time_breaches, measured)
        out.steps.append(f)
    by_step = {f.step: f for f in out.steps}
    for (kind, step, what), found in sorted(
        acc.dev.items(), key=lambda kv: (-kv[1].count, kv[0][0], kv[0][1] or "", kv[0][2] or "")
    ):
        count = found.count
        out.deviations.append(
            Deviation(kind, step, what, count, count / closed if closed else 0.0, found.examples)
        )
        if step is not None and step in by_step:
            f = by_step[step]
            if kind == "missing":
                f.missing = count
            elif kind == "irregular":
                f.irregular = count
            elif kind == "failed":
                f.failed += count
    for f in out.steps:
        f.deviation = _share(acc.dev_steps.get(f.step, 0), closed)
        f.stopped = acc.stopped.get(f.step, 0)
        f.went_on = acc.went_on.get(f.step, 0)
        f.next = sorted(acc.next.get(f.step, Counter()).items(), key=lambda kv: (-kv[1], kv[0]))[
            :NEXT_SHOWN
        ]
        f.adhoc = sorted(
            acc.adhoc_after.get(f.step, Counter()).items(), key=lambda kv: (-kv[1], kv[0])
        )[:NEXT_SHOWN]
    # the share of the closed cases that reached a path step and stopped after it
    reach = [0] * len(mapping.path)
    for key, found in acc.variants.items():
        for j in range(shapes[key].furthest + 1):
            reach[j] += found.count
    for j, step in enumerate(mapping.path):
        by_step[step].dropoff = _share(by_step[step].stopped, reach[j])
    names = {s.local: s.name for s in mapping.steps.values()}
    ranked = sorted(acc.variants.items(), key=lambda kv: (-kv[1].count, kv[0]))
    for key, found in ranked[:VARIANTS_SHOWN]:
        shape = shapes[key]
        labels = [names[mapping.path[e]] if e >= 0 else log.activities[-1 - e] for e in key]
        out.variants.append(
            Variant(labels, found.count, shape.fitness, shape.cost == 0, found.examples)
        )
    for fid in sorted(set(mapping.outcomes.values())):
        fp = mapping.failpoints[fid]
        hit = acc.fp_failures.get(fid, _Found())
        failures, examples = hit.count, hit.examples
        cases = acc.fp_cases.get(fid, 0)
        suggested = scale.rating(failures, cases)
        ap = table.ap(fp.severity, suggested, fp.detection) if suggested is not None else None
        out.failpoints.append(
            FailPointFigures(
                fid,
                fp.name,
                fp.step,
                fp.severity,
                fp.occurrence,
                fp.detection,
                fp.ap,
                failures,
                cases,
                _share(failures, cases),
                suggested,
                ap,
                ap_order(ap, rpn(fp.severity, suggested, fp.detection))
                if ap is not None and suggested is not None
                else None,
                examples,
            )
        )
    return out


def _over(values: Iterable[float], standard: float | None) -> int:
    if standard is None:
        return 0
    return sum(1 for v in values if v > standard)
