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

With `--memory`, the server's memory under load instead: a 1,000-service store, one client and
then 20 concurrent clients, each for 60 s against a fresh `bpql serve` process, asking what the
explorer asks (an answer, then its view by ticket when it is drawn; completions; searches), and
the server's resident memory sampled every half second (median and peak; the target: 20 clients
within 1.5x of one).

    python bench/serve.py --memory [--services 1000] [--seconds 60] [--clients 20]

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
from typing import Any

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
    ap.add_argument("--services", type=int, default=None)
    ap.add_argument("--memory", action="store_true", help="the server's memory under load")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--clients", type=int, default=20)
    args = ap.parse_args()
    if args.memory:
        memory(args.services or 1000, args.seconds, args.clients)
        return
    args.services = args.services or 82
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
            headers = _token_headers(base)
            for i in range(args.runs):
                # a text of its own each time (trailing spaces), so no answer is reused
                text = QUERY + " " * (i + 1)
                started = time.perf_counter()
                asked = urllib.request.Request(
                    base + "view?q=" + urllib.parse.quote(text), headers=headers
                )
                with urllib.request.urlopen(asked) as r:
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


#: what the clients of the memory benchmark ask, `{n}` a random number (as an id's digits)
ASKED = [
    "find services",
    'show system "sys-0{n:02d}" depth 1',
    'impact of system "sys-0{n:02d}"',
    'risk of system "sys-0{n:02d}"',
    'show service "svc-{n:03d}" depth 2',
    'impact of retiring system "sys-0{n:02d}"',
    "find failpoints where rpn >= 200 order by rpn desc limit 10",
    "count steps by lane",
]


def memory(services: int, seconds: float, clients: int) -> None:
    """The server's resident memory with one client, then with `clients` at once."""
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = write_enterprise(tmp / "enterprise", services=services)
        uri = f"embedded:{tmp / 'graph.lbdb'}"
        with connect(uri) as db:
            db.load(folder)
            nodes = sum(db.stats()["nodes"].values())
        print(f"store: {services} synthetic services, {nodes} nodes; {seconds:.0f} s per run")
        figures = {}
        for n in (1, clients):
            figures[n] = _load_server(uri, n, seconds, services)
            f = figures[n]
            errors = ", ".join(f"{k} x{v}" for k, v in sorted(f["errors"].items())) or "none"
            print(
                f"{n:>2} client{'s' if n > 1 else ' '}: RSS median {med(f['rss']):.0f} MB, peak "
                f"{max(f['rss']):.0f} MB, at start {f['start']:.0f} MB, idle after "
                f"{f['idle']:.0f} MB; {f['requests']} requests ({f['answers']} answers, "
                f"{f['views']} views); errors: {errors}"
            )
        one, many = figures[1], figures[clients]
        print(
            f"ratio {clients} clients / 1: median {med(many['rss']) / med(one['rss']):.2f}x, "
            f"peak {max(many['rss']) / max(one['rss']):.2f}x (target <= 1.5x)"
        )


def _token_headers(base: str) -> dict[str, str]:
    """The token header the explorer's page sends, read from that page; none from a server of
    before tokens (PYTHONPATH=an older checkout, for the figures before), asked as its own
    page asked it."""
    with urllib.request.urlopen(base) as r:
        token = re.search(r'name="bpql-token" content="([^"]+)"', r.read().decode())
    return {"X-BPQL-Token": token.group(1)} if token else {}


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _load_server(uri: str, clients: int, seconds: float, services: int) -> dict[str, Any]:
    """A fresh server, `clients` threads asking it for `seconds`, its RSS sampled meanwhile."""
    import json
    import random

    import bpql

    # the server runs the checkout this script imported (`python -m` puts its folder first)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bpql.cli", "serve", "--db", uri, "--port", "0"],
        cwd=Path(bpql.__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        found = re.search(r"http://(\S+?)/ on ", proc.stdout.readline())
        assert found, "no address from bpql serve"
        base = f"http://{found.group(1)}/"
        headers = _token_headers(base)
        start = _rss_mb(proc.pid)
        stop = time.monotonic() + seconds
        counts = {"requests": 0, "answers": 0, "views": 0}
        errors: dict[str, int] = {}
        lock = threading.Lock()

        def get(path: str) -> bytes:
            request = urllib.request.Request(base + path, headers=headers)
            with urllib.request.urlopen(request, timeout=600) as r:
                body: bytes = r.read()
            with lock:
                counts["requests"] += 1
            return body

        def client(seed: int) -> None:
            rnd = random.Random(seed)
            while time.monotonic() < stop:
                text = rnd.choice(ASKED).format(n=rnd.randrange(min(services, 80)))
                try:
                    for i in range(1, len(text), 6):  # typing, with completion
                        get("api/complete?q=" + urllib.parse.quote(text[:i]))
                    answer = json.loads(get("api/query?q=" + urllib.parse.quote(text)))
                    with lock:
                        counts["answers"] += 1
                    if "error" in answer:
                        with lock:
                            errors[answer["error"]["code"]] = (
                                errors.get(answer["error"]["code"], 0) + 1
                            )
                    elif answer.get("drawn"):
                        get(answer.get("view", "/view?q=" + urllib.parse.quote(text)).lstrip("/"))
                        with lock:
                            counts["views"] += 1
                    get("api/search?name=" + urllib.parse.quote(text.split()[-1].strip('"')[:4]))
                except OSError as exc:  # urllib's HTTP errors and timeouts
                    with lock:
                        errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        rss = []
        while any(t.is_alive() for t in threads):
            rss.append(_rss_mb(proc.pid))
            time.sleep(0.5)
        time.sleep(3)
        idle = _rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return {"rss": rss, "start": start, "idle": idle, "errors": errors, **counts}


def _quiet_handler(folder: str) -> type[http.server.SimpleHTTPRequestHandler]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **k: object) -> None:
            super().__init__(*a, directory=folder, **k)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Quiet


if __name__ == "__main__":
    main()
