"""First paint of `bpql serve`'s explorer, and of a 2,000-node answer drawn through it.

A synthetic enterprise (bpql.testing.synthetic, 82 services) is loaded into a fresh embedded
store and served by a real `bpql serve` process on a free loopback port. Headless Chromium
(bpql.testing.browser, every fetch beyond that server refused) is timed:

- the empty explorer, from navigation to its first paint; baseline: a hand-written page with
  just an input box, served by Python's http.server (the floor for any page on this machine);
- `show system "core" depth 2` (2,009 nodes) opened from a shared URL, from navigation to the
  answer's first stable frame in the explorer's frame; baselines: the same view written by
  `bpql viz` and opened from its file (no server), and the view rendered in-process by hand
  (engine + viz, no HTTP) for the server's share.

    python bench/serve.py [--runs 5] [--services 82]

Prints medians from one run; the machine is noisy, so compare figures from the same run.
"""

from __future__ import annotations

import argparse
import http.server
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bpql import connect, viz
from bpql.testing.browser import chromium, open_view, watched_page
from bpql.testing.synthetic import write_enterprise

QUERY = 'show system "core" depth 2'
ROOT = Path(__file__).resolve().parents[1]
BARE = (
    "<!DOCTYPE html><meta charset=utf-8><title>bare</title><input id=q>"
    "<script>requestAnimationFrame(() => { window.ready = performance.now(); });</script>"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--services", type=int, default=82)
    args = ap.parse_args()
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = write_enterprise(tmp / "enterprise", services=args.services)
        uri = f"embedded:{tmp / 'graph.lbdb'}"
        with connect(uri) as db:
            db.load(folder)
            db.query(QUERY)  # the store warmed as the server's will be
            by_hand = []
            for _ in range(args.runs):
                started = time.perf_counter()
                result = db.query(QUERY)
                view = viz.render(result, title=QUERY)
                by_hand.append(time.perf_counter() - started)
            page_file = view.save(tmp / "view.html")
        assert result.graph is not None
        n, m = len(result.graph.nodes), len(result.graph.edges)

        proc = subprocess.Popen(
            [sys.executable, "-m", "bpql.cli", "serve", "--db", uri, "--port", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        bare_dir = tmp / "bare"
        bare_dir.mkdir()
        (bare_dir / "index.html").write_text(BARE)
        handler = _quiet_handler(str(bare_dir))
        bare = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=bare.serve_forever, daemon=True).start()
        try:
            assert proc.stdout is not None
            found = re.search(r"http://(\S+?)/ on ", proc.stdout.readline())
            assert found, "no address from bpql serve"
            base = f"http://{found.group(1)}/"
            bare_url = f"http://127.0.0.1:{bare.server_address[1]}/"
            shared = base + "?q=" + urllib.parse.quote(QUERY)

            served_view = []
            for i in range(args.runs):
                # a text of its own each time (trailing spaces), so no answer is reused
                text = QUERY + " " * (i + 1)
                started = time.perf_counter()
                with urllib.request.urlopen(base + "view?q=" + urllib.parse.quote(text)) as r:
                    r.read()
                served_view.append(time.perf_counter() - started)

            explorer, floor, answer, answer_frame, from_file = [], [], [], [], []
            with chromium() as browser:
                for _ in range(args.runs):
                    with watched_page(browser, (1280, 800), allow=base) as (page, report):
                        report.url = base
                        started = time.perf_counter()
                        page.goto(base)
                        page.wait_for_function(
                            "() => window.bpqlExplorer && window.bpqlExplorer.ready"
                        )
                        explorer.append(page.evaluate("() => window.bpqlExplorer.firstPaintMs"))
                        assert not report.console_errors and not report.requests
                    with watched_page(browser, (1280, 800), allow=bare_url) as (page, report):
                        report.url = bare_url
                        page.goto(bare_url)
                        page.wait_for_function("() => window.ready !== undefined")
                        floor.append(page.evaluate("() => window.ready"))
                    with watched_page(browser, (1280, 800), allow=base) as (page, report):
                        report.url = base
                        started = time.perf_counter()
                        page.goto(shared)
                        page.wait_for_function(
                            """() => { const f = document.getElementById("view");
                                return f && f.contentWindow && f.contentWindow.bpql &&
                                    f.contentWindow.bpql.ready === true; }""",
                            timeout=600_000,
                        )
                        answer.append((time.perf_counter() - started) * 1000)
                        got = page.evaluate(
                            "() => document.getElementById('view').contentWindow.bpql.counts()"
                        )
                        assert (got["nodes"], got["edges"]) == (n, m)
                        answer_frame.append(
                            page.evaluate(
                                "() => document.getElementById('view').contentWindow"
                                ".bpql.firstStableFrameMs"
                            )
                        )
                        assert not report.console_errors and not report.requests
                    started = time.perf_counter()
                    open_view(browser, page_file, viewport=(1280, 800), timeout_ms=600_000)
                    from_file.append((time.perf_counter() - started) * 1000)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            bare.shutdown()

    print(f"answer: {n} nodes, {m} edges ({QUERY!r}, {args.services} synthetic services)")
    print(
        f"explorer first paint, median of {args.runs}: {med(explorer):.0f} ms "
        f"(min {min(explorer):.0f}); bare page by http.server: {med(floor):.0f} ms; "
        f"ratio {med(explorer) / med(floor):.2f}x"
    )
    print(
        f"2,000-node answer from a shared URL, navigation to first stable frame, median of "
        f"{args.runs}: {med(answer):.0f} ms wall (the view's own frame at "
        f"{med(answer_frame):.0f} ms after its load)"
    )
    print(
        f"  baseline, the same view from its file (bpql viz, no server): {med(from_file):.0f} ms "
        f"wall; ratio served / file {med(answer) / med(from_file):.2f}x"
    )
    print(
        f"server: /view for the answer, median of {args.runs}: {med(served_view) * 1000:.0f} ms; "
        f"by hand in-process (query + render, no HTTP): {med(by_hand) * 1000:.0f} ms; ratio "
        f"{med(served_view) / med(by_hand):.2f}x"
    )


def _quiet_handler(folder: str) -> type[http.server.SimpleHTTPRequestHandler]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **k: object) -> None:
            super().__init__(*a, directory=folder, **k)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Quiet


if __name__ == "__main__":
    main()
