"""The long query fuzz run (tests/test_fuzz.py runs a short one in the suite).

    python scripts/fuzz.py --cases 100000 --seed 1 [--run-every 20] [--generated 0.2]

A share of the cases is generated from the grammar (hypothesis, seeded), the rest are
mutations of the query corpora (random.Random(seed)). Every case is compiled for both
dialects; every `--run-every`-th query that compiles also runs on an embedded LadybugDB store
loaded with examples/insurer. `--jobs J` shares the cases among J processes (each seeded from
`--seed` and its number). Prints the counts; each failure's query is saved to
`--failures/w<job>/<n>.bpql` with its reason and repr in `<n>.txt`. Exits 1 if anything
failed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bpql.api import connect  # noqa: E402
from bpql.compiler import GraphCatalog, compile_text  # noqa: E402
from bpql.model.validate import validate_paths  # noqa: E402
from bpql.testing.fuzz import (  # noqa: E402
    Counts,
    FuzzFailure,
    check_query,
    corpus,
    grammar_queries,
    mutate,
)

DIALECTS = ("neo4j", "ladybug")
BATCH = 500


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--run-every", type=int, default=20, help="run every K-th compiled query")
    ap.add_argument("--generated", type=float, default=0.2, help="share from the grammar")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes sharing the cases")
    ap.add_argument("--failures", type=Path, default=Path("fuzz-failures"))
    args = ap.parse_args()

    started = time.monotonic()
    shares = [
        Share(
            args.cases // args.jobs + (1 if i < args.cases % args.jobs else 0),
            args.generated,
            args.seed * 1000 + i,
            args.run_every,
            args.failures / f"w{i}",
        )
        for i in range(args.jobs)
    ]
    if args.jobs == 1:
        parts = [fuzz(shares[0])]
    else:
        with multiprocessing.Pool(args.jobs) as pool:
            parts = pool.map(fuzz, shares)
    counts = merge(parts)
    elapsed = time.monotonic() - started
    print(
        f"seed {args.seed}, {args.jobs} job(s), every {args.run_every}. compiled query run, "
        f"{elapsed:.0f} s"
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


def fuzz(share: Share) -> Counts:
    """Fuzz `share.cases` queries against a catalog and an embedded store of the insurer."""
    catalog = GraphCatalog(validate_paths([ROOT / "examples" / "insurer"]).graph)
    queries = corpus(ROOT)
    counts = Counts()
    started = time.monotonic()

    with tempfile.TemporaryDirectory() as tmp:
        store = connect(f"embedded:{Path(tmp) / 'graph.lbdb'}")
        store.load(ROOT / "examples" / "insurer")
        compiled_seen = 0

        def compile_one(text: str, dialect: str) -> Any:
            return compile_text(text, catalog, dialect)

        def one(text: str) -> None:
            nonlocal compiled_seen
            before = counts.compiled
            runner: Callable[[str], Any] | None = None
            if share.run_every and (compiled_seen + 1) % share.run_every == 0:
                runner = store.query_all
            try:
                check_query(text, compile_one, DIALECTS, counts, runner)
            except FuzzFailure as exc:
                record(share.failures, counts, text, str(exc))
            compiled_seen += counts.compiled - before
            done = counts.generated + counts.mutated
            if done % 5000 == 0:
                rate = done / (time.monotonic() - started)
                print(
                    f"... {share.seed}: {done:,} cases, {rate:.0f}/s", file=sys.stderr, flush=True
                )

        generated = round(share.cases * share.generated)
        if generated:
            run_generated(generated, share.seed, queries, counts, one)
        rng = random.Random(share.seed)
        for _ in range(share.cases - counts.generated):
            counts.mutated += 1
            one(mutate(rng.choice(queries), rng))
        store.close()
    return counts


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


def run_generated(
    n: int, seed: int, queries: list[str], counts: Counts, one: Callable[[str], None]
) -> None:
    """`n` texts from the grammar through hypothesis, seeded, generation only (no shrinking:
    a failure is recorded and the run goes on). In batches of BATCH examples, each with its
    own seed: one long hypothesis run keeps every choice it made and grows past a gigabyte."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    strategy = grammar_queries(queries)
    for batch in range(0, n, BATCH):

        @settings(
            max_examples=min(BATCH, n - batch),
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hseed(seed * 1_000_003 + batch)
        @given(strategy)
        def case(text: str) -> None:
            counts.generated += 1
            one(text)

        case()


def record(folder: Path, counts: Counts, text: str, reason: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    n = len(counts.failures)
    (folder / f"{n}.bpql").write_text(text, encoding="utf-8", errors="surrogatepass")
    (folder / f"{n}.txt").write_text(
        f"{reason}\n{text!r}\n", encoding="utf-8", errors="backslashreplace"
    )
    counts.failures.append((text, reason))


if __name__ == "__main__":
    sys.exit(main())
