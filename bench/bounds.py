"""Time refusing query input past its bounds (issue 19 item 10), against compiling an ordinary
query in the same run.

    python bench/bounds.py [--runs 7]

For each input past a bound: the median time from the text to its `QueryError` (compiled
against the insurer's files, as `bpql explain --offline`), and its ratio to the median time
of compiling `find steps where lane = customer` (the baseline, same run). For the inputs Lark
could read whole before the bounds (the ones within the text's bound), one run of Lark's own
parser over all of it, as the parser did before: what the bounds save.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bpql.errors import QueryError
from bpql.model.validate import validate_paths
from bpql.query.compiler import GraphCatalog, compile_text
from bpql.query.parser import MAX_QUERY_CHARS, MAX_STATEMENTS, _parser

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "find steps where lane = customer"

#: name -> (text, whether Lark alone can read it whole in a sensible time)
INPUTS: dict[str, tuple[str, bool]] = {
    "1 MB of 'explain find services;' (the probe's)": (
        "explain find services;" * (2**20 // 22),
        False,
    ),
    "the probe's list of 262,000 values (1.3 MB)": (
        "find steps where id in [" + ", ".join(['"s"'] * 262_000) + "]",
        False,
    ),
    "a list of 49,986 values in 100,000 characters": (
        "find steps where lane in [" + ",".join(["1"] * 49_986) + "]",
        False,  # Lark alone reads a long list slower than linearly: 0.6 s at 8,000 values
    ),
    f"{MAX_STATEMENTS + 1} statements": (
        "; ".join(["explain find services"] * (MAX_STATEMENTS + 1)),
        True,
    ),
    "99,983 characters of '('": ("find steps where " + "(" * 99_983, True),
    "24,995 'not's": ("find steps where " + "not " * 24_995, True),
    "an 'or' chain of 5,262 conditions": (
        "find steps where " + " or ".join(["lane = customer"] * 5_262),
        True,
    ),
    f"a quoted value of {MAX_QUERY_CHARS - 30:,} characters": (
        'find steps where name = "' + "x" * (MAX_QUERY_CHARS - 30) + '"',
        True,
    ),
}


def median_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    catalog = GraphCatalog(validate_paths([ROOT / "examples" / "insurer"]).graph)
    _parser()  # built once, outside every timing

    def refuse(text: str) -> Callable[[], object]:
        def work() -> object:
            try:
                compile_text(text, catalog, "neo4j")
            except QueryError as exc:
                return exc.pretty()
            raise AssertionError("not refused")

        return work

    base = median_of(args.runs * 5, lambda: compile_text(BASELINE, catalog, "neo4j"))
    print(f"baseline, compiling {BASELINE!r}, median of {args.runs * 5}: {base * 1000:.2f} ms")
    for name, (text, lark_whole) in INPUTS.items():
        assert len(text) <= MAX_QUERY_CHARS or not lark_whole, name
        code = ""
        try:
            compile_text(text, catalog, "neo4j")
        except QueryError as exc:
            code = exc.code
        took = median_of(args.runs, refuse(text))
        line = f"{name}: {code} in {took * 1000:.2f} ms, {took / base:.1f}x the baseline"
        if lark_whole:
            started = time.perf_counter()
            with contextlib.suppress(Exception):
                _parser().parse(text)
            line += f"; Lark reading all of it: {(time.perf_counter() - started) * 1000:.0f} ms"
        print(line)


if __name__ == "__main__":
    main()
