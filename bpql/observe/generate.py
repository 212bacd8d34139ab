"""Event logs for any enterprise's blueprint, with the answers they were made to give.

`generate` writes a CSV log of a service, a mapping for it, metric readings, and the answers it
planted (JSON): per period, the cases that completed, fell out (and after which step) or are
still open; every deviation by type and step (missing, ad hoc, irregular order, failed); every
wait and service time over its standard; the failures per fail point. Seeded, so a test or a
benchmark gets the same log every time.

How it plants them: a case runs the blueprint's steps in order (optional ones skipped now and
then, which is no deviation); waits and service times are drawn well inside the standards
(20%-90% of them) except where a breach is planted (120%-250%); one case in `deviant` gets
exactly one deviation: a required path step left out, an activity with no step inserted, a
required path step moved past the next two, or a failed outcome on a step with a fail point.
Fallen-out cases stop after a path step and start early enough to be closed; open cases start
in the log's last days. Rows are shuffled, with a `seq` column giving the order, and some
events share a timestamp, so the order rule for equal timestamps is exercised.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bpql.graphdata import Enterprise
from bpql.ids import blueprint_id, member_prefix
from bpql.schema import VISIBLE_LANES

#: activities no step stands for: the first is accepted by the mapping, the rest are ad hoc
ACCEPTED = "Send reminder"
AD_HOC = ("Chase by phone", "Escalate to manager", "Manual correction")
UNMAPPED_FAILURE = "ERR-UNKNOWN"
WINDOW_DAYS = 30


@dataclass
class Generated:
    log: Path
    mapping: Path
    answers: Path
    readings: Path | None
    planted: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Step:
    local: str
    name: str
    lane: str
    optional: bool
    target_time: float | None
    max_wait: float | None
    failpoints: tuple[str, ...]

    @property
    def on_path(self) -> bool:
        return self.lane in VISIBLE_LANES


def _steps(ent: Enterprise, service: str, scenario: str, variant: str | None) -> list[_Step]:
    g = ent.graph
    bid = blueprint_id(service, scenario, variant)
    prefix = member_prefix(service, scenario, variant)
    owned = {d for s, d in g.rels["HAS_STEP"] if s == bid}
    if not owned:
        raise ValueError(f"no blueprint {bid} in {ent.name}")
    fps: dict[str, list[str]] = {}
    for s, f in g.rels["HAS_FAIL_POINT"]:
        fps.setdefault(s, []).append(f[len(prefix) + 1 :])
    out = []
    for n in sorted((n for n in g.nodes["Step"] if n["id"] in owned), key=lambda n: n["seq"]):
        out.append(
            _Step(
                n["id"][len(prefix) + 1 :],
                n["name"],
                n["lane"],
                bool(n.get("optional")),
                n["target_time"],
                n["max_wait"],
                tuple(sorted(fps.get(n["id"], []))),
            )
        )
    return out


def _labels(steps: list[_Step]) -> dict[str, str]:
    """An activity label per step, as a system would log it: the step's name (its id after
    it when two steps share a name)."""
    names = Counter(s.name for s in steps)
    return {s.local: s.name if names[s.name] == 1 else f"{s.name} ({s.local})" for s in steps}


def generate(
    enterprise: Path,
    service: str,
    out: Path,
    *,
    scenario: str = "as-is",
    variant: str | None = None,
    cases: int = 2000,
    seed: int = 1,
    start: date = date(2026, 1, 1),
    months: int = 3,
    deviant: float = 0.2,
    breach: float = 0.1,
    fallout: float = 0.05,
    open_cases: float = 0.02,
    starts: bool = True,
    shuffle: bool = True,
    name: str | None = None,
    ent: Enterprise | None = None,
) -> Generated:
    """Write `<name>-events.csv`, `<name>-mapping.yaml`, `<name>-readings.csv` and
    `<name>-answers.json` into `out` for the service's blueprint; see the module's docstring."""
    from bpql.model.validate import validate_paths

    ent = ent or validate_paths([enterprise])
    span = _days_in(start, months)
    if fallout > 0 and span < WINDOW_DAYS + 25:
        raise ValueError(
            f"{months} month(s) leave no room for fallen-out cases: a case is closed "
            f"{WINDOW_DAYS} days after its last event; generate two months or more"
        )
    rng = random.Random(seed)
    steps = _steps(ent, service, scenario, variant)
    labels = _labels(steps)
    by_local = {s.local: s for s in steps}
    path = [s for s in steps if s.on_path]
    required = [s.local for s in path if not s.optional]
    end_step = required[-1] if required else (path[-1].local if path else None)
    # one step read through a pattern: its label gets a suffix now and then
    pattern_step = next((s.local for s in reversed(steps) if not s.on_path), None)
    name = name or f"{service}" + ("" if scenario == "as-is" else f"-{scenario}")
    out.mkdir(parents=True, exist_ok=True)
    log_path = out / f"{name}-events.csv"
    span_days = _days_in(start, months)
    t0 = datetime.combine(start, datetime.min.time(), timezone.utc).timestamp()
    t_end = t0 + span_days * 86400
    fail_codes = {
        f"E-{fp.upper()}": fp for s in steps for fp in s.failpoints
    }  # outcome code -> fail point (local)
    fp_steps = {fp: s.local for s in steps for fp in s.failpoints}

    plant: dict[str, dict[str, Any]] = {}
    rows: list[list[Any]] = []
    seq = 0

    def period_of(ts: float) -> str:
        d = datetime.fromtimestamp(ts, timezone.utc)
        return f"{d.year:04d}-{d.month:02d}"

    def answers_for(pid: str) -> dict[str, Any]:
        if pid not in plant:
            plant[pid] = {
                "cases": 0,
                "completed": 0,
                "fallen_out": 0,
                "open": 0,
                "fitting": 0,
                "first_time_right": 0,
                "deviations": {"missing": {}, "adhoc": {}, "irregular": {}, "failed": {}},
                "breaches": {},
                "stopped": {},
                "reached": {},
                "failpoints": {},
            }
        return plant[pid]

    def bump(table: dict[str, int], key: str, n: int = 1) -> None:
        table[key] = table.get(key, 0) + n

    n_open = round(cases * open_cases)
    n_fall = round(cases * fallout)
    kinds = ["missing", "adhoc", "irregular", "failed"]
    for c in range(cases):
        case = f"C{c + 1:07d}"
        kind = "normal"
        if c < n_open:
            kind = "open"
        elif c < n_open + n_fall:
            kind = "fallout"
        elif rng.random() < deviant:
            kind = kinds[c % len(kinds)]
        # the case's activities, in order: (step local id or None, label)
        seqs: list[tuple[str | None, str]] = []
        for s in steps:
            if s.optional and s.on_path and rng.random() < 0.3:
                continue
            label = labels[s.local]
            if s.local == pattern_step and rng.random() < 0.5:
                label = f"{label} (auto)"
            seqs.append((s.local, label))
        if rng.random() < 0.1:  # an accepted activity with no step: no deviation
            seqs.insert(rng.randrange(1, len(seqs) + 1), (None, ACCEPTED))
        deviation: tuple[str, str] | None = None
        on_path = [i for i, (st, _) in enumerate(seqs) if st is not None and by_local[st].on_path]
        if kind == "missing":
            choices = [
                i
                for i in on_path
                if not by_local[seqs[i][0] or ""].optional and seqs[i][0] != end_step
            ]
            if choices:
                i = rng.choice(choices)
                deviation = ("missing", seqs[i][0] or "")
                del seqs[i]
        elif kind == "adhoc":
            label = rng.choice(AD_HOC)
            seqs.insert(rng.randrange(1, len(seqs) + 1), (None, label))
            deviation = ("adhoc", label)
        elif kind == "irregular":
            moves: list[tuple[int, int]] = []
            for k, i in enumerate(on_path):
                here = seqs[i][0] or ""
                later = [seqs[j][0] or "" for j in on_path[k + 1 :]]
                if (
                    not by_local[here].optional
                    and len(later) >= 2
                    and not any(by_local[x].optional for x in later[:2])
                ):
                    moves.append((i, on_path[k + 2]))
            if moves:
                i, j = rng.choice(moves)
                moved = seqs[i]
                seqs.insert(j + 1, moved)
                del seqs[i]
                deviation = ("irregular", moved[0] or "")
        elif kind in ("fallout", "open"):
            stops = [i for i in on_path if seqs[i][0] != end_step]
            if stops:
                i = rng.choice(stops)
                seqs = seqs[: i + 1]
                deviation = (kind, seqs[i][0] or "")
        # the failed outcome, on a step with a fail point (or one no fail point stands for)
        failure: tuple[int, str] | None = None
        if kind == "failed":
            with_fp = [i for i, (st, _) in enumerate(seqs) if st and by_local[st].failpoints]
            if with_fp and c % 3:
                i = rng.choice(with_fp)
                fp = rng.choice(by_local[seqs[i][0] or ""].failpoints)
                failure = (i, f"E-{fp.upper()}")
            else:
                i = rng.randrange(len(seqs))
                failure = (i, UNMAPPED_FAILURE)
        # when: closed cases early enough to be closed, open ones at the end
        if kind == "open":
            begin = t_end - rng.uniform(1, 3) * 86400
        elif kind == "fallout":
            begin = t0 + rng.uniform(0, max(1.0, span_days - WINDOW_DAYS - 20)) * 86400
        else:
            begin = t0 + rng.uniform(0, span_days - 1) * 86400
        begin = float(int(begin))
        breaches: list[tuple[str, str]] = []
        now = begin
        emitted: list[tuple[str | None, str, float | None, float, str]] = []
        timed: set[str] = set()
        for k, (st, label) in enumerate(seqs):
            info = by_local[st] if st else None
            first_time = st is not None and st not in timed
            if info is not None and info.max_wait is not None and k > 0:
                over = kind == "normal" and first_time and rng.random() < breach
                wait = info.max_wait * (rng.uniform(1.2, 2.5) if over else rng.uniform(0.2, 0.9))
                if over:
                    breaches.append((st or "", "wait"))
            elif k > 0 and rng.random() < 0.1:
                wait = 0.0  # the same moment as the activity before: the sort column decides
            else:
                wait = rng.uniform(1, 120)
            now += int(wait * 60)
            if info is not None and info.target_time is not None and starts:
                over = kind == "normal" and first_time and rng.random() < breach
                took = info.target_time * (rng.uniform(1.2, 2.5) if over else rng.uniform(0.2, 0.9))
                if over:
                    breaches.append((st or "", "time"))
            elif wait == 0.0:
                took = 0.0
            elif info is not None and info.max_wait is not None and not starts:
                # one timestamp per event: the wait measured holds the service time too
                took = info.max_wait * rng.uniform(0.0, 0.1)
            else:
                took = rng.uniform(1, 30)
            begun = now
            now += int(took * 60)
            outcome = ""
            if failure is not None and failure[0] == k:
                outcome = failure[1]
            elif rng.random() < 0.5:
                outcome = "ok"
            emitted.append((st, label, begun if starts else None, now, outcome))
            if st is not None:
                timed.add(st)
        first = emitted[0][2] if emitted[0][2] is not None else emitted[0][3]
        answer = answers_for(period_of(first))
        answer["cases"] += 1
        for st in timed:
            bump(answer["reached"], st)
        for st, what in breaches:
            bump(answer["breaches"].setdefault(st, {}), what)
        fp_failed = None
        if failure is not None:
            code = failure[1]
            where = seqs[failure[0]][0]
            if code in fail_codes:
                fp_failed = fail_codes[code]
                deviation = ("failed", f"{fp_steps[fp_failed]}|{fp_failed}")
            else:
                deviation = ("failed", f"{where or ''}|{code}")
        for fp, st in fp_steps.items():
            if st in timed:
                entry = answer["failpoints"].setdefault(fp, {"failures": 0, "cases": 0})
                entry["cases"] += 1
                if fp == fp_failed:
                    entry["failures"] += 1
        if kind == "open":
            answer["open"] += 1
        elif kind == "fallout":
            answer["fallen_out"] += 1
            bump(answer["stopped"], deviation[1] if deviation else "")
        else:
            answer["completed"] += 1
            if deviation is None:
                answer["first_time_right"] += 1
            if deviation is None or deviation[0] == "failed":
                answer["fitting"] += 1
        if deviation is not None and deviation[0] in kinds:
            bump(answer["deviations"][deviation[0]], deviation[1])
        for _, label, started, ended, outcome in emitted:
            seq += 1
            rows.append([case, label, _iso(ended), _iso(started), seq, outcome])
    if shuffle:
        rng.shuffle(rows)
    _write_csv(log_path, rows, starts, service)
    readings = _readings(
        ent, service, scenario, variant, out / f"{name}-readings.csv", rng, start, months
    )
    mapping_path = out / f"{name}-mapping.yaml"
    _write_mapping(
        mapping_path,
        enterprise,
        service,
        scenario,
        variant,
        labels,
        pattern_step,
        fail_codes,
        log_path,
        starts,
        start,
        months,
        readings,
    )
    answers = {
        "service": service,
        "blueprint": blueprint_id(service, scenario, variant),
        "seed": seed,
        "cases": cases,
        "events": seq,
        "window_days": WINDOW_DAYS,
        "periods": dict(sorted(plant.items())),
    }
    answers_path = out / f"{name}-answers.json"
    answers_path.write_text(json.dumps(answers, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return Generated(log_path, mapping_path, answers_path, readings, answers)


def _days_in(start: date, months: int) -> int:
    y, m = start.year, start.month + months
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return (date(y, m, 1) - date(start.year, start.month, 1)).days


def _iso(ts: float | None) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_csv(path: Path, rows: list[list[Any]], starts: bool, service: str) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        header = ["case_id", "activity", "timestamp", "start", "seq", "outcome", "service"]
        if not starts:
            header.remove("start")
        w.writerow(header)
        for case, label, ended, begun, seq, outcome in rows:
            row = [case, label, ended, begun, seq, outcome, service]
            if not starts:
                del row[3]
            w.writerow(row)


def _readings(
    ent: Enterprise,
    service: str,
    scenario: str,
    variant: str | None,
    path: Path,
    rng: random.Random,
    start: date,
    months: int,
) -> Path | None:
    """Weekly readings of each metric of the blueprint, moving towards its target."""
    prefix = member_prefix(service, scenario, variant)
    metrics = [n for n in ent.graph.nodes["Metric"] if n["id"].startswith(prefix + ".")]
    if not metrics:
        return None
    lines = ["metric,date,value"]
    weeks = _days_in(start, months) // 7
    for m in sorted(metrics, key=lambda n: n["id"]):
        target = m["target"] if m["target"] is not None else 10.0
        value = target * 1.5 if target else 5.0
        for w in range(weeks):
            day = start + timedelta(days=7 * w)
            value += (target - value) * 0.1 + rng.uniform(-0.02, 0.02) * abs(target or 1)
            lines.append(f"{m['id'][len(prefix) + 1 :]},{day.isoformat()},{value:.3f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def _write_mapping(
    path: Path,
    enterprise: Path,
    service: str,
    scenario: str,
    variant: str | None,
    labels: dict[str, str],
    pattern_step: str | None,
    fail_codes: dict[str, str],
    log_path: Path,
    starts: bool,
    start: date,
    months: int,
    readings: Path | None,
) -> None:
    import os

    rel = os.path.relpath(enterprise.resolve(), path.parent.resolve())
    lines = [
        f"# What {log_path.name} says about the {scenario} blueprint of {service} (generated).",
        f"service: {service}",
        f"scenario: {scenario}",
    ]
    if variant:
        lines.append(f"variant: {variant}")
    lines += [
        f"enterprise: {_q(rel)}",
        "log:",
        f"  file: {_q(log_path.name)}",
        "  timezone: UTC",
        "  columns:",
        "    case: case_id",
        "    activity: activity",
        "    timestamp: timestamp",
    ]
    if starts:
        lines.append("    start: start")
    lines += [
        "    sort: seq",
        "    outcome: outcome",
        "    service: service",
        f"  service: {service}",
    ]
    lines.append("activities:")
    for local, label in labels.items():
        if local == pattern_step:
            escaped = re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", label)
            lines.append(f"  {_q('/' + escaped + '( [(]auto[)])?/')}: {local}")
        else:
            lines.append(f"  {_q(label)}: {local}")
    if fail_codes:
        lines.append("outcomes:")
        for code, fp in sorted(fail_codes.items()):
            lines.append(f"  {_q(code)}: {fp}")
    lines += ["accept:", f"  activities: [{_q(ACCEPTED)}]", f"fallout_after: {WINDOW_DAYS}d"]
    periods = []
    y, m = start.year, start.month
    for _ in range(months):
        periods.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    lines.append(f"periods: [{', '.join(periods)}]")
    if readings is not None:
        lines.append(f"metrics: {_q(readings.name)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
