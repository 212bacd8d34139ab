"""One checkout against another on the same questions: in-process answer times, the two
checkouts taking turns round by round, so that a machine whose speed drifts over minutes
(a shared VM) slows both alike. Issue 24's rule (no daily job, risk or what-if query slower
by more than 10%) is read off the per-round ratios.

    python bench/versions.py --before ../wt/before --before-store embedded:A.lbug \\
        [--after .] --after-store embedded:B.lbug [--rounds 5] [--runs 5] QUERY...
    python bench/versions.py --before ../wt/before --neo4j --folder ENTERPRISE QUERY...

With `--neo4j` each checkout gets a Neo4j 5.26 of its own (bpql.testing.neo4j_server, the
same password for both), loaded from `--folder` by that checkout's own `bpql load`, and both
are stopped at the end. `--unchecked` adds a third side: the after checkout with its
questions' load-token reads left out (still one reader each), so that what the
consistent-read check costs (issues 19 and 25) is told apart from the rest.

Each checkout answers with its own code (PYTHONPATH) on its own store (a store written by one
version may not open in the other). Per round, question and checkout one process answers the
question once to warm up, then `--runs` times, a table answer (not drawn), as `bpql query`
runs it; the two checkouts back to back, the first alternating by round.
Prints per query the median over rounds of each side's median, the median of the per-round
ratios after/before, and the ratio of the best single runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: run in a child process with PYTHONPATH at a checkout: times per query, in seconds
CHILD = """
import inspect, json, sys, time
from bpql.api import connect
store, runs, queries = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
if sys.argv[4:] == ["unchecked"]:  # one reader still, no load-token reads around it
    from bpql.backends.base import Backend
    def consistent(self, work):
        with self.reading():
            return work()
    Backend.consistent = consistent
out = {}
with connect(store) as client:
    kw = {"draw": False} if "draw" in inspect.signature(client.query).parameters else {}
    for q in queries:
        client.query(q, **kw)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            client.query(q, **kw)
            times.append(time.perf_counter() - t)
        out[q] = times
print(json.dumps(out))
"""


def run(
    checkout: Path, store: str, runs: int, queries: list[str], unchecked: bool = False
) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(checkout.resolve())}
    flag = ["unchecked"] if unchecked else []
    done = subprocess.run(
        [sys.executable, "-c", CHILD, store, str(runs), json.dumps(queries), *flag],
        env=env,
        cwd="/",  # not a checkout: its bpql must come from PYTHONPATH
        capture_output=True,
        text=True,
        check=True,
    )
    times: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--before-store", default="")
    parser.add_argument("--after", type=Path, default=ROOT)
    parser.add_argument("--after-store", default="")
    parser.add_argument("--neo4j", action="store_true", help="a Neo4j server per checkout")
    parser.add_argument("--folder", type=Path, help="the enterprise each server loads")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--unchecked",
        action="store_true",
        help="a third side: the after checkout without the load-token reads around each "
        "question (what the consistent-read check costs; the answers are the same)",
    )
    parser.add_argument("queries", nargs="+")
    args = parser.parse_args()
    if args.neo4j:
        if args.folder is None:
            parser.error("--neo4j needs --folder")
        with neo4j_servers(args.before, args.after, args.folder) as (before, after):
            compare(args, before, after)
        return
    if not (args.before_store and args.after_store):
        parser.error("--before-store and --after-store, or --neo4j")
    compare(args, args.before_store, args.after_store)


@contextlib.contextmanager
def neo4j_servers(before: Path, after: Path, folder: Path) -> Iterator[tuple[str, str]]:
    """A Neo4j per checkout, each loaded by its checkout's `bpql load`; stopped after."""
    from bpql.testing.neo4j_server import Neo4jServer, new_password

    password = new_password()
    servers = []
    try:
        uris = []
        for checkout in (before, after):
            server = Neo4jServer()
            server.password = password
            servers.append(server.start())
            os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"] = server.user, password
            load = "import sys; from bpql.cli import main; sys.exit(main(sys.argv[1:]))"
            subprocess.run(
                [sys.executable, "-c", load, "load", str(folder.resolve()), "--db", server.uri],
                env={**os.environ, "PYTHONPATH": str(checkout.resolve())},
                cwd="/",
                check=True,
                stdout=subprocess.DEVNULL,
            )
            uris.append(server.uri)
        yield uris[0], uris[1]
    finally:
        for server in servers:
            server.stop()


def compare(args: argparse.Namespace, before_store: str, after_store: str) -> None:
    sides = {
        "before": (args.before, before_store, False),
        "after": (args.after, after_store, False),
    }
    if args.unchecked:
        sides["unchecked"] = (args.after, after_store, True)
    medians: dict[str, dict[str, list[float]]] = {s: {q: [] for q in args.queries} for s in sides}
    best: dict[str, dict[str, float]] = {s: {} for s in sides}
    for r in range(args.rounds):
        # per question, the sides back to back, the order turning by round: drift over the
        # seconds between them cancels out over the rounds
        order = list(sides)
        order = order[r % len(order) :] + order[: r % len(order)]
        for q in args.queries:
            for side in order:
                checkout, store, unchecked = sides[side]
                times = run(checkout, store, args.runs, [q], unchecked)[q]
                medians[side][q].append(statistics.median(times))
                best[side][q] = min(best[side].get(q, float("inf")), min(times))
        print(f"round {r + 1} of {args.rounds} done", file=sys.stderr)
    for side in [s for s in sides if s != "before"]:
        print(f"\n{side} against before")
        print(f"{'query':58} {'before':>10} {side:>10}  ratio per round (median)  best runs")
        for q in args.queries:
            b, a = medians["before"][q], medians[side][q]
            ratios = [x / y for x, y in zip(a, b, strict=True)]
            print(
                f"{q[:58]:58} {statistics.median(b) * 1000:8.1f}ms "
                f"{statistics.median(a) * 1000:8.1f}ms"
                f"  {' '.join(f'{x:.2f}' for x in ratios):>18} ({statistics.median(ratios):.2f})"
                f"  {best[side][q] / best['before'][q]:.2f}"
            )


if __name__ == "__main__":
    main()
