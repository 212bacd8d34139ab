"""The long query fuzz run (tests/test_fuzz.py runs a short one in the suite, on both stores).

    python scripts/fuzz.py --cases 100000 --seed 1 [--run-every 20] [--generated 0.2]
    NEO4J_USER=neo4j NEO4J_PASSWORD=... python scripts/fuzz.py --db bolt://127.0.0.1:7687

A share of the cases is generated from the grammar (hypothesis, seeded), the rest are
mutations of the query corpora (random.Random(seed)): `bpql.testing.fuzz.fuzz`, the run the
tests make too. Every case is compiled for both dialects; every `--run-every`-th query that
compiles also runs on a store loaded with examples/insurer: a new embedded LadybugDB store, or
with `--db` the Neo4j at that URI (its graph is replaced by the example: a test server only).
`--jobs J` shares the cases among J processes (each seeded from `--seed` and its number).
Prints the counts; each failure's query is saved to `--failures/w<job>/<n>.bpql` with its
reason and repr in `<n>.txt`. Exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bpql.api import connect  # noqa: E402
from bpql.model.validate import validate_paths  # noqa: E402
from bpql.query.compiler import GraphCatalog, compile_text  # noqa: E402
from bpql.testing.fuzz import Counts, corpus, fuzz  # noqa: E402

DIALECTS = ("neo4j", "ladybug")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--run-every", type=int, default=20, help="run every K-th compiled query")
    ap.add_argument("--generated", type=float, default=0.2, help="share from the grammar")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes sharing the cases")
    ap.add_argument(
        "--db", default=None, help="run on this Neo4j (bolt://...) instead of an embedded store"
    )
    ap.add_argument("--failures", type=Path, default=Path("fuzz-failures"))
    args = ap.parse_args()

    started = time.monotonic()
    if args.db:  # one Neo4j for every worker: loaded once, here
        with connect(args.db) as store:
            store.load(ROOT / "examples" / "insurer")
    shares = [
        Share(
            args.cases // args.jobs + (1 if i < args.cases % args.jobs else 0),
            args.generated,
            args.seed * 1000 + i,
            args.run_every,
            args.failures / f"w{i}",
            args.db,
        )
        for i in range(args.jobs)
    ]
    if args.jobs == 1:
        parts = [run_share(shares[0])]
    else:
        with multiprocessing.Pool(args.jobs) as pool:
            parts = pool.map(run_share, shares)
    counts = merge(parts)
    elapsed = time.monotonic() - started
    print(
        f"seed {args.seed}, {args.jobs} job(s), every {args.run_every}. compiled query run on "
        f"{'Neo4j' if args.db else 'an embedded store'}, {elapsed:.0f} s"
    )
    print(counts.report())
    for text, reason in counts.failures[:20]:
        print(f"  {reason}: {text[:80]!r}")
    return 1 if counts.failures else 0


@dataclass(frozen=True)
class Share:
    """One worker's part of a run."""

    cases: int
    generated: float
    seed: int
    run_every: int
    failures: Path
    db: str | None


def run_share(share: Share) -> Counts:
    """Fuzz `share.cases` queries against a catalog and a store of the insurer example."""
    catalog = GraphCatalog(validate_paths([ROOT / "examples" / "insurer"]).graph)
    started = time.monotonic()
    found = 0

    def compile_one(text: str, dialect: str) -> Any:
        return compile_text(text, catalog, dialect)

    def failed(text: str, reason: str) -> None:
        nonlocal found
        record(share.failures, found, text, reason)
        found += 1

    def progress(counts: Counts) -> None:
        done = counts.generated + counts.mutated
        if done % 5000 == 0:
            rate = done / (time.monotonic() - started)
            print(f"... {share.seed}: {done:,} cases, {rate:.0f}/s", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        store = connect(share.db or f"embedded:{Path(tmp) / 'graph.lbdb'}")
        try:
            if not share.db:
                store.load(ROOT / "examples" / "insurer")
            return fuzz(
                share.cases,
                share.seed,
                corpus(ROOT),
                compile_one,
                DIALECTS,
                run=store.query_all if share.run_every else None,
                run_every=max(1, share.run_every),
                generated=share.generated,
                failed=failed,
                progress=progress,
            )
        finally:
            store.close()


def merge(parts: list[Counts]) -> Counts:
    out = Counts()
    for c in parts:
        out.generated += c.generated
        out.mutated += c.mutated
        out.compiled += c.compiled
        out.carets += c.carets
        out.ran += c.ran
        out.failures += c.failures
        for mine, theirs in ((out.errors, c.errors), (out.run_errors, c.run_errors)):
            for code, n in theirs.items():
                mine[code] = mine.get(code, 0) + n
    return out


def record(folder: Path, n: int, text: str, reason: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{n}.bpql").write_text(text, encoding="utf-8", errors="surrogatepass")
    (folder / f"{n}.txt").write_text(
        f"{reason}\n{text!r}\n", encoding="utf-8", errors="backslashreplace"
    )


if __name__ == "__main__":
    sys.exit(main())
