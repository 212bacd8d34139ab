"""The same measures at several sizes of the synthetic enterprise, each beside its hand-written
baseline in the same run, and how each grows from the smallest size to the largest (issue 25
item 5): anything that grows faster than the enterprise (or the answer) is what to profile.

    python bench/sizes.py [--sizes 1000,5000,10000] [--runs 3] [--neo4j]

Per size, on the embedded store (and on Neo4j with `--neo4j`, a server started here with its
default memory settings):

- `bpql validate` as a process of its own (wall, CPU, peak resident memory), beside reading the
  same files with PyYAML's C loader in a process of its own;
- `bpql load` into an empty store, beside the hand-written `COPY FROM` loader of bench/load.py
  (embedded) or the batched UNWIND loader of bench/staged_load.py (Neo4j: a transaction per
  10,000 rows, the best hand-written loader that works within the default memory), which get
  the rows ready made;
- the one-file reload: a service file edited (a step renamed), `bpql load` again;
- the four daily jobs as `bpql query` answers them (`Client.query`, median of `--runs` after a
  warm-up) beside the hand-written Cypher of bench/queries.py for the same rows, and `risk
  of` and what-if (retiring a system) beside hand-written Cypher for the same reads.

The growth column is the largest size's figure over the smallest's; the enterprise itself
grows by the ratio of the sizes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import edit, ladybug_copy, neo4j_clear  # noqa: E402
from queries import DRAWN, JOBS, retire, risk  # noqa: E402
from staged_load import neo4j_batched  # noqa: E402

from bpql.api import connect  # noqa: E402
from bpql.model.validate import validate_paths  # noqa: E402
from bpql.testing.synthetic import write_enterprise  # noqa: E402

#: wall seconds, CPU seconds, peak resident memory in MB
Figure = tuple[float, float, float]

C_YAML = (
    "import sys, yaml\n"
    "from pathlib import Path\n"
    "for p in sorted(Path(sys.argv[1]).rglob('*.yaml')):\n"
    "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
)
#: the daily jobs' default answers (their tables; the drawn form is asked for, not default)
DAILY = [
    (what, query, hand)
    for what, query, hand, _ in JOBS
    if what.startswith("daily") and not query.endswith(DRAWN)
] + [
    # the method's analyses (issue 25: within 2x hand-written at 10,000 services), beside
    # hand-written Cypher for the same reads (the classification in Python left out)
    ("method", 'risk of system "sys-040"', risk),
    ("method", 'impact of retiring system "sys-050"', retire),
]


#: a small process that runs the command and reports its figures: Linux counts the memory a
#: process had when it was forked in its peak, so the command must not be forked from this
#: bench (which holds an enterprise's graph) but from something small
WRAP = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, u = os.wait4(p.pid, 0)\n"
    "print(u.ru_utime + u.ru_stime, u.ru_maxrss, flush=True)\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def process(args: list[str], env: dict[str, str] | None = None) -> Figure:
    """A command in a process of its own: its wall and CPU time and its own peak memory."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", WRAP, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stderr}")
    cpu, peak_kb = proc.stdout.split()
    return wall, float(cpu), int(peak_kb) / 1024


def bpql(*args: str, env: dict[str, str] | None = None) -> Figure:
    return process([sys.executable, "-m", "bpql.cli", *args], env)


def median(figures: list[Figure]) -> Figure:
    return (
        statistics.median(f[0] for f in figures),
        statistics.median(f[1] for f in figures),
        statistics.median(f[2] for f in figures),
    )


def in_process(work: Callable[[], Any]) -> Figure:
    started, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - started, time.process_time() - cpu, float("nan")


def query_time(fn: Callable[[], Any], runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class Report:
    """Rows of (measure, size) -> figure, and each measure's baseline, printed as they come
    and as a table of growth at the end."""

    def __init__(self, sizes: list[int]) -> None:
        self.sizes = sizes
        self.ours: dict[str, dict[int, Figure]] = {}
        self.base: dict[str, dict[int, Figure]] = {}

    def add(self, measure: str, size: int, ours: Figure, base: Figure | None = None) -> None:
        self.ours.setdefault(measure, {})[size] = ours
        if base is not None:
            self.base.setdefault(measure, {})[size] = base
        ratio = f"{ours[0] / base[0]:.2f}x" if base else "-"
        shown = f"{base[0]:8.2f} s" if base else "       -  "
        print(
            f"{size:>6,}  {measure:<44} {ours[0]:8.3f} s  cpu {ours[1]:7.2f} s  "
            f"{_mb(ours[2])}  base {shown}  {ratio}",
            flush=True,
        )

    def growth(self) -> None:
        low, high = self.sizes[0], self.sizes[-1]
        if low == high:
            return
        print(f"\ngrowth {high:,}/{low:,} (the enterprise: {high / low:.1f}x)")
        for measure, by_size in self.ours.items():
            if low not in by_size or high not in by_size:
                continue
            ours = by_size[high][0] / by_size[low][0]
            line = f"  {measure:<44} ours {ours:6.1f}x"
            base = self.base.get(measure, {})
            if low in base and high in base:
                line += f"   baseline {base[high][0] / base[low][0]:6.1f}x"
            print(line)


def _mb(mb: float) -> str:
    return "        " if mb != mb else f"{mb:6,.0f} MB"


def embedded(report: Report, size: int, folder: Path, work: Path, runs: int) -> None:
    store = work / f"store-{size}.lbug"
    loads: list[Figure] = []
    copies: list[Figure] = []
    reloads: list[Figure] = []
    graph = validate_paths([folder]).graph
    for run in range(runs):
        for f in work.glob(f"store-{size}.lbug*"):
            f.unlink()
        for f in work.glob("copy.lbug*"):
            f.unlink()
        copies.append(in_process(lambda: ladybug_copy(work / "copy.lbug", graph, folder)))
        loads.append(bpql("load", str(folder), "--db", f"embedded:{store}"))
        edit(folder, run)
        reloads.append(bpql("load", str(folder), "--db", f"embedded:{store}"))
    report.add("bpql load, embedded", size, median(loads), median(copies))
    report.add("bpql load, embedded, one file edited", size, median(reloads))
    daily(report, size, f"embedded:{store}", "embedded", runs)


def daily(report: Report, size: int, uri: str, where: str, runs: int) -> None:
    client = connect(uri)
    dialect = client.backend.dialect
    try:
        for _what, query, hand in DAILY:
            ours = query_time(lambda q=query: client.query(q, draw=False), runs)
            base = None
            if hand is not None:
                t = query_time(lambda h=hand: h(client.backend.read, dialect), runs)
                base = (t, float("nan"), float("nan"))
            report.add(f"{query[:34]} ({where})", size, (ours, float("nan"), float("nan")), base)
    finally:
        client.close()


def neo4j(report: Report, size: int, folder: Path, runs: int, server: Any) -> None:
    import neo4j as driver_module

    env = {
        "NEO4J_USER": server.user,
        "NEO4J_PASSWORD": server.password,
        "BPQL_CACHE_DIR": str(folder.parent / "cache"),
    }
    driver = driver_module.GraphDatabase.driver(server.uri, auth=(server.user, server.password))
    # the constraints a load makes, before the hand loader, which MERGEs by them: on a fresh
    # server without them each MERGE scans its label, and the 1,000-service load ran 20
    # minutes of server CPU (2026-12-07)
    from bpql.backends.neo4j import schema_statements

    with driver.session() as session:
        for statement in schema_statements():
            session.run(statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()
    graph = validate_paths([folder]).graph
    loads: list[Figure] = []
    hands: list[Figure] = []
    reloads: list[Figure] = []
    try:
        for run in range(runs):
            neo4j_clear(driver)
            hands.append(in_process(lambda: neo4j_batched(driver, graph, folder)))
            neo4j_clear(driver)
            loads.append(bpql("load", str(folder), "--db", server.uri, env=env))
            edit(folder, 100 + run)
            reloads.append(bpql("load", str(folder), "--db", server.uri, env=env))
    finally:
        driver.close()
    report.add("bpql load, Neo4j", size, median(loads), median(hands))
    report.add("bpql load, Neo4j, one file edited", size, median(reloads))
    os.environ.update(NEO4J_USER=server.user, NEO4J_PASSWORD=server.password)  # `connect`'s
    daily(report, size, server.uri, "neo4j", runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--neo4j", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    report = Report(sizes)
    server = None
    if args.neo4j:
        from bpql.testing.neo4j_server import Neo4jServer

        server = Neo4jServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="bpql-sizes-") as tmp:
            work = Path(tmp)
            for size in sizes:
                folder = work / f"ent-{size}"
                write_enterprise(folder, services=size)
                report.add(
                    "bpql validate",
                    size,
                    median([bpql("validate", str(folder)) for _ in range(args.runs)]),
                    median(
                        [
                            process([sys.executable, "-c", C_YAML, str(folder)])
                            for _ in range(args.runs)
                        ]
                    ),
                )
                embedded(report, size, folder, work, args.runs)
                if server is not None:
                    neo4j(report, size, folder, args.runs, server)
    finally:
        if server is not None:
            server.stop()
    report.growth()


if __name__ == "__main__":
    main()
