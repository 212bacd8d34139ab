"""The long query fuzz run (tests/test_fuzz.py runs a short one in the suite).

    python scripts/fuzz.py --cases 100000 --seed 1 [--run-every 20] [--generated 0.2]

A share of the cases is generated from the grammar (hypothesis, seeded), the rest are
mutations of the query corpora (random.Random(seed)). Every case is compiled for both
dialects; every `--run-every`-th query that compiles also runs on an embedded LadybugDB store
loaded with examples/insurer. Prints the counts; each failure's query is saved to
`--failures/<n>.bpql` with its reason in `<n>.txt`. Exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
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
    ap.add_argument("--failures", type=Path, default=Path("fuzz-failures"))
    args = ap.parse_args()

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
            if args.run_every and (compiled_seen + 1) % args.run_every == 0:
                runner = store.query_all
            try:
                check_query(text, compile_one, DIALECTS, counts, runner)
            except FuzzFailure as exc:
                record(args.failures, counts, text, str(exc))
            compiled_seen += counts.compiled - before
            done = counts.generated + counts.mutated
            if done % 5000 == 0:
                rate = done / (time.monotonic() - started)
                print(f"... {done:,} cases, {rate:.0f}/s", file=sys.stderr, flush=True)

        generated = round(args.cases * args.generated)
        if generated:
            run_generated(generated, args.seed, queries, counts, one)
        rng = random.Random(args.seed)
        for _ in range(args.cases - counts.generated):
            counts.mutated += 1
            one(mutate(rng.choice(queries), rng))
        store.close()

    elapsed = time.monotonic() - started
    print(f"seed {args.seed}, run every {args.run_every}th compiled query, {elapsed:.0f} s")
    print(counts.report())
    for i, (_, reason) in enumerate(counts.failures[:20]):
        print(f"  {args.failures / f'{i}.bpql'}: {reason}")
    return 1 if counts.failures else 0


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
