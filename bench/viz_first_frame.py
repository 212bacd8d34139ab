"""How long a 2,000-node graph takes to its first stable frame in headless Chromium.

A synthetic enterprise (bpql.testing.synthetic) is loaded into a fresh embedded store and
`show system "core" depth 2` is drawn: the question an architect asks of a core system, at a
size where a tab with live physics struggles. The page is opened from its file in Debian's
Chromium, headless, and timed from navigation start to the first frame drawn with every node
in its final place (`window.bpql.firstStableFrameMs`). The same graph with live physics in the
browser is timed for comparison.

    python bench/viz_first_frame.py [--runs 5] [--services 82]

Prints medians from one run; the machine is noisy, so compare figures from the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bpql import connect, viz
from bpql.testing.browser import chromium, open_view
from bpql.testing.synthetic import write_enterprise

QUERY = 'show system "core" depth 2'


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--services", type=int, default=82)
    ap.add_argument("--live-runs", type=int, default=3, help="runs with live physics")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = write_enterprise(tmp / "enterprise", services=args.services)
        with connect(f"embedded:{tmp / 'graph.lbdb'}") as db:
            db.load(folder)
            started = time.perf_counter()
            result = db.query(QUERY)
            query_s = time.perf_counter() - started
        assert result.graph is not None
        n, m = len(result.graph.nodes), len(result.graph.edges)

        render_s = []
        for _ in range(args.runs):
            started = time.perf_counter()
            view = viz.render(result, title=QUERY)
            render_s.append(time.perf_counter() - started)
        page = view.save(tmp / "laid-out.html")
        size_mb = page.stat().st_size / 1e6
        live = viz.render(result, title=QUERY, live_physics=10**9).save(tmp / "live.html")

        frames, walls, live_frames = [], [], []
        with chromium() as browser:
            for _ in range(args.runs):
                started = time.perf_counter()
                report = open_view(browser, page, timeout_ms=600_000)
                walls.append(time.perf_counter() - started)
                frames.append(report.first_stable_frame_ms)
                assert (report.nodes, report.edges) == (n, m)
                assert not report.console_errors and not report.requests
            for _ in range(args.live_runs):
                report = open_view(browser, live, timeout_ms=600_000)
                live_frames.append(report.first_stable_frame_ms)

    med = statistics.median
    print(f"graph: {n} nodes, {m} edges ({QUERY!r}, {args.services} synthetic services)")
    print(f"page size: {size_mb:.2f} MB, self-contained")
    print(f"query on the embedded store: {query_s * 1000:.0f} ms")
    print(f"render in Python (layout + HTML), median of {args.runs}: {med(render_s) * 1000:.0f} ms")
    print(
        f"first stable frame, positions precomputed, median of {args.runs}: "
        f"{med(frames):.0f} ms (min {min(frames):.0f}, max {max(frames):.0f}); "
        f"open-to-ready wall {med(walls) * 1000:.0f} ms"
    )
    ratio = med(live_frames) / med(frames)
    print(
        f"first stable frame, live physics in the tab, median of {args.live_runs}: "
        f"{med(live_frames):.0f} ms; ratio live / precomputed: {ratio:.1f}x"
    )


if __name__ == "__main__":
    main()
