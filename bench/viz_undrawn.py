"""`bpql viz` of an answer that reaches more steps than a view draws one by one (issue 25 item
3): `impact of department "dept-03"`, which reaches every service of the synthetic
enterprise, on a store you have loaded.

Now (`Client.viz(query)`, what `bpql viz` does, at the default 3,000 nodes): the answer's
tables are read, its subgraph is not, and the page is the collapse of its department x service
matrix. Before, in the same run: the answer read with its whole subgraph and the page
collapsed from that graph (`Client.viz(Client.query(query))`), as `bpql viz` did. Each opens
the store, answers, draws and saves the page in this process (wall seconds, median of
`--runs`), and each page is timed to its first stable frame in headless Chromium.

    python bench/viz_undrawn.py --db embedded:PATH [--runs 3] [--no-before]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bpql import connect
from bpql.testing.browser import chromium, open_view

QUERY = 'impact of department "dept-03"'


def now(db: str, out: Path) -> float:
    """What `bpql viz` and `Client.viz` do now with a query: its tables only past 3,000."""
    started = time.perf_counter()
    with connect(db) as client:
        client.viz(QUERY).save(out)
    return time.perf_counter() - started


def before(db: str, out: Path) -> float:
    """The old path: the answer with its whole subgraph, then the page collapsed from it."""
    started = time.perf_counter()
    with connect(db) as client:
        result = client.query(QUERY)
        client.viz(result).save(out)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-before", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        folder = Path(tmp)
        kinds = [("now", now)] + ([] if args.no_before else [("before", before)])
        for name, run in kinds:
            walls, frames = [], []
            page = folder / f"{name}.html"
            for _ in range(args.runs):
                walls.append(run(args.db, page))
                report = open_view(browser, page)
                frames.append(report.first_stable_frame_ms)
            size = page.stat().st_size / 1e6
            print(
                f"{name:7} {QUERY}: wall {statistics.median(walls):7.2f} s "
                f"(min {min(walls):.2f}), page {size:.2f} MB, {report.nodes} nodes, "
                f"first stable frame {statistics.median(frames):6.0f} ms, median of {args.runs}",
                flush=True,
            )


if __name__ == "__main__":
    main()
