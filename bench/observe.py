"""Time `bpql observe` on a log of 1,000,000 events (100,000 cases) of one service: the issue
asks <= 30 s end to end and <= 2 GB peak memory.

    python bench/observe.py [--cases 100000] [--runs 3] [--no-pm4py]

An 11-step service (customer, frontstage and backstage steps, wait standards, fail points) is
written as an enterprise, and the generator (bpql/observe/generate.py) writes its log with
deviations, breaches and fall-out planted. Each measured command runs in a process of its own,
which reports its own CPU time (user + system) and peak memory (ru_maxrss): on a machine
shared with other work the wall time depends on the load, the CPU time much less, so both are
printed:

- ours: `bpql observe MAPPING --dry-run --format json` (validate the enterprise, read the
  mapping, stream the CSV, assemble cases, align every variant, every figure of every period);
- baseline: a plain stdlib pass over the same CSV computing only the per-step waits and their
  percentiles (read, parse timestamps, group by case, sort, subtract);
- PM4Py's token-based replay of the same log against the same path as a Petri net, when PM4Py
  is installed (the `crosscheck` extra): read into pandas, formatted, replayed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BASELINE = r"""
import csv, sys, resource
from datetime import datetime, timezone
from collections import defaultdict
path = sys.argv[1]
cases = defaultdict(list)
with open(path, newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    h = next(r)
    c, a, t, s = h.index("case_id"), h.index("activity"), h.index("timestamp"), h.index("seq")
    for row in r:
        cases[row[c]].append((datetime.fromisoformat(row[t]).timestamp(), int(row[s]), row[a]))
waits = defaultdict(list)
for events in cases.values():
    events.sort()
    for (t0, _, _), (t1, _, act) in zip(events, events[1:]):
        waits[act].append((t1 - t0) / 60)
out = {}
for act, w in waits.items():
    w.sort()
    out[act] = [w[int(p * (len(w) - 1))] for p in (0.5, 0.9, 0.95)]
u = resource.getrusage(resource.RUSAGE_SELF)
print(len(out), "activities", u.ru_utime + u.ru_stime, u.ru_maxrss)
"""

PM4PY = r"""
import sys, resource, warnings
warnings.simplefilter("ignore")
import pandas as pd
import pm4py
from pm4py.objects.petri_net.obj import PetriNet, Marking
from pm4py.objects.petri_net.utils import petri_utils
from pm4py.algo.conformance.tokenreplay import algorithm as token_replay
path, steps = sys.argv[1], sys.argv[2].split("|")
df = pd.read_csv(path)
df = pm4py.format_dataframe(
    df, case_id="case_id", activity_key="activity", timestamp_key="timestamp"
)
net = PetriNet("bp")
places = [PetriNet.Place(f"p{i}") for i in range(len(steps) + 1)]
for p in places:
    net.places.add(p)
for j, name in enumerate(steps):
    t = PetriNet.Transition(f"t{j}", name)
    net.transitions.add(t)
    petri_utils.add_arc_from_to(places[j], t, net)
    petri_utils.add_arc_from_to(t, places[j + 1], net)
res = token_replay.apply(df, net, Marking({places[0]: 1}), Marking({places[-1]: 1}))
fit = sum(1 for r in res if r["trace_is_fit"])
u = resource.getrusage(resource.RUSAGE_SELF)
print(len(res), "traces,", fit, "fit", u.ru_utime + u.ru_stime, u.ru_maxrss)
"""

OURS = r"""
import resource, sys
from bpql.cli import main
code = main(["observe", sys.argv[1], "--dry-run", "--format", "json", "-o", sys.argv[2]])
print("exit", code, file=sys.stderr)
u = resource.getrusage(resource.RUSAGE_SELF)
print(u.ru_utime + u.ru_stime, u.ru_maxrss, file=sys.stderr)
"""


def enterprise(folder: Path) -> None:
    """One service of 11 steps: seven on the customer's path, four behind it (about ten
    events a case)."""
    (folder / "services").mkdir(parents=True)
    (folder / "enterprise.yaml").write_text(
        "enterprise: Bench\nroles: [{id: clerk, name: Clerk}]\n"
        "touchpoints: [{id: web, name: Website, channel: web}]\n",
        encoding="utf-8",
    )
    lanes = [
        "customer",
        "frontstage",
        "backstage",
        "customer",
        "frontstage",
        "backstage",
        "customer",
        "backstage",
        "frontstage",
        "support",
        "customer",
    ]
    lines = ["service: {id: orders, name: Orders}", "phases: [{id: all, name: All}]", "steps:"]
    for i, lane in enumerate(lanes):
        lines += [f"  - id: s{i}", f"    name: Step {i}", f"    lane: {lane}", "    phase: all"]
        if lane != "customer":
            lines.append("    performed_by: clerk")
        if lane in ("customer", "frontstage"):
            lines.append("    touchpoint: web")
        if i % 3 == 1:
            lines.append("    max_wait: 30m")
        if i % 4 == 2:
            lines.append("    target_time: 1h")
            lines.append(
                f"    fail_points: [{{id: f{i}, name: Fails {i}, severity: 6, occurrence: 5, "
                "detection: 5}]"
            )
    (folder / "services" / "orders.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(code: str, *args: str, timeout: float = 1800) -> tuple[float, str, str]:
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT))}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {done.stderr[-2000:]}")
    return took, done.stdout, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-pm4py", action="store_true")
    args = parser.parse_args()
    from bpql.observe.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        enterprise(folder / "ent")
        started = time.perf_counter()
        made = generate(
            folder / "ent", "orders", folder / "log", cases=args.cases, seed=7, shuffle=False
        )
        size = made.log.stat().st_size
        events = made.planted["events"]
        print(
            f"log: {events:,} events, {args.cases:,} cases, {size / 1e6:.0f} MB CSV "
            f"(generated in {time.perf_counter() - started:.0f} s)"
        )
        ours, ours_cpu, peaks = [], [], []
        report = folder / "report.json"
        for i in range(args.runs):
            took, _, err = run(OURS, str(made.mapping), str(report))
            cpu_text, peak_text = err.strip().splitlines()[-1].split()
            cpu, peak = float(cpu_text), int(peak_text) / 1024
            ours.append(took)
            ours_cpu.append(cpu)
            peaks.append(peak)
            print(f"ours, run {i + 1}: {took:.2f} s wall, {cpu:.2f} s CPU, peak {peak:.0f} MB")
        doc = json.loads(report.read_text())
        period = doc["periods"][0]
        print(
            f"  {len(doc['periods'])} periods; first: {period['cases']:,} cases, conformance "
            f"{period['conformance']:.3f}, fitness {period['fitness']:.3f}"
        )
        base, base_cpu = [], []
        for i in range(args.runs):
            took, out, _ = run(BASELINE, str(made.log))
            cpu = float(out.split()[-2])
            base.append(took)
            base_cpu.append(cpu)
            print(
                f"baseline (stdlib, waits only), run {i + 1}: {took:.2f} s wall, {cpu:.2f} s "
                f"CPU, peak {int(out.split()[-1]) / 1024:.0f} MB"
            )
        m_ours, m_base = statistics.median(ours), statistics.median(base)
        c_ours, c_base = statistics.median(ours_cpu), statistics.median(base_cpu)
        print(
            f"median of {args.runs}: ours {m_ours:.2f} s wall, {c_ours:.2f} s CPU (peak "
            f"{max(peaks):.0f} MB); baseline {m_base:.2f} s wall, {c_base:.2f} s CPU; ratio "
            f"ours / baseline {m_ours / m_base:.2f}x wall, {c_ours / c_base:.2f}x CPU"
        )
        if args.no_pm4py:
            return
        try:
            import pm4py  # noqa: F401
        except ImportError:
            print("PM4Py is not installed (pip install -e '.[crosscheck]'): no token replay")
            return
        path = "|".join(f"Step {i}" for i in (0, 1, 3, 4, 6, 8, 10))
        try:
            took, out, _ = run(PM4PY, str(made.log), path, timeout=1800)
        except subprocess.TimeoutExpired:
            print("PM4Py token-based replay: did not finish in 30 minutes")
            return
        parts = out.split()
        cpu = float(parts[-2])
        print(
            f"PM4Py token-based replay (1 run): {took:.2f} s wall, {cpu:.2f} s CPU, peak "
            f"{int(parts[-1]) / 1024:.0f} MB ({' '.join(parts[:-2])}); ratio ours / PM4Py "
            f"{m_ours / took:.2f}x wall, {c_ours / cpu:.2f}x CPU"
        )


if __name__ == "__main__":
    main()
