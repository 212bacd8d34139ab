"""How long a 2,000-node graph takes to its first stable frame in headless Chromium.

A synthetic enterprise (bpql.testing.synthetic) is loaded into a fresh embedded store and
`show system "core" depth 2` is drawn: the question an architect asks of a core system, at a
size where a tab with live physics struggles. The page is opened from its file in Debian's
Chromium, headless, and timed from navigation start to the first frame drawn with every node
in its final place (`window.bpql.firstStableFrameMs`). The same graph with live physics in the
browser is timed for comparison.

    python bench/viz_first_frame.py [--runs 5] [--services 82] [--growth | --growth-only]

`--growth` adds how the drawing grows with the answer (issue 25 item 3), on answers made by
`bpql.testing.synthetic.answer_graph` (the shape `impact of department` draws, no store): the
page's node and edge lists built by our builder and, as before, by pyvis's Network (which
tests every new node and edge against a list of all node ids) at S and 10x S services, with
the ratio time / time; and the collapsed drawing of 1,000 and 10,000 services (groups, page
size, render time, first stable frame in Chromium).

Prints medians from one run; the machine is noisy, so compare figures from the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bpql import connect, viz
from bpql.result import Graph, Kind, Result
from bpql.testing.browser import chromium, open_view
from bpql.testing.synthetic import answer_graph, write_enterprise
from bpql.viz.page import _Page

QUERY = 'show system "core" depth 2'


def ours(graph: Graph) -> int:
    """The page's node and edge lists as the views build them now."""
    page = _Page("graph", "", physics=False, edge_labels=False)
    for key in sorted(graph.nodes):
        page.node(graph.nodes[key])
    for e in graph.edges:
        page.edge(e)
    return len(page.items) + len(page.links)


def pyvis_network(graph: Graph) -> int:
    """The same lists through pyvis's Network, as the views built them before."""
    from pyvis.network import Network

    page = _Page("graph", "", physics=False, edge_labels=False)
    net = Network(directed=True)
    for key in sorted(graph.nodes):
        page.node(graph.nodes[key])
    for item in page.items:
        net.add_node(item["id"], **{k: v for k, v in item.items() if k != "id"})
    for e in graph.edges:
        net.add_edge(e.source, e.target, type=e.type)
    nodes, edges, *_ = net.get_network_data()
    return len(nodes) + len(edges)


def timed(build: object, graph: Graph, runs: int) -> float:
    assert callable(build)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build(graph)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def growth(runs: int, small: int, tmp: Path) -> None:
    med = statistics.median
    print(f"page node and edge lists, median of {runs} (answer_graph, 26 nodes per service):")
    for name, build, sizes in (
        ("pyvis Network (before)", pyvis_network, (small, 10 * small)),
        ("ours (after)", ours, (small, 10 * small)),
        ("ours (after)", ours, (1_000, 10_000)),
    ):
        figures = []
        for services in sizes:
            graph = answer_graph(services)
            figures.append((len(graph.nodes), timed(build, graph, runs)))
            del graph
        (n1, t1), (n2, t2) = figures
        print(
            f"  {name}: {n1:,} nodes {t1 * 1000:.0f} ms, {n2:,} nodes {t2 * 1000:.0f} ms; "
            f"{n2 / n1:.1f}x nodes cost {t2 / t1:.1f}x"
        )
    print(f"collapsed drawing (render in Python median of {runs}; Chromium median of {runs}):")
    with chromium() as browser:
        for services in (1_000, 10_000):
            graph = answer_graph(services)
            result = Result(Kind.GRAPH, graph=graph, title="synthetic answer")
            render_s = []
            for _ in range(runs):
                started = time.perf_counter()
                view = viz.render(result)
                render_s.append(time.perf_counter() - started)
            page = view.save(tmp / f"collapsed-{services}.html")
            frames = []
            for _ in range(runs):
                report = open_view(browser, page, timeout_ms=600_000)
                assert not report.console_errors and not report.requests
                frames.append(report.first_stable_frame_ms)
            print(
                f"  {services:,} services ({len(graph.nodes):,} nodes, {len(graph.edges):,} "
                f"edges): {view.nodes} groups, {view.edges} edges, page "
                f"{page.stat().st_size / 1e6:.2f} MB, render {med(render_s) * 1000:.0f} ms, "
                f"first stable frame {med(frames):.0f} ms"
            )
            del graph, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--services", type=int, default=82)
    ap.add_argument("--live-runs", type=int, default=3, help="runs with live physics")
    ap.add_argument("--growth", action="store_true", help="also how the drawing grows")
    ap.add_argument("--growth-only", action="store_true", help="only how the drawing grows")
    ap.add_argument("--growth-services", type=int, default=40, help="S of S and 10x S")
    args = ap.parse_args()
    if args.growth or args.growth_only:
        with tempfile.TemporaryDirectory() as tmp_name:
            growth(args.runs, args.growth_services, Path(tmp_name))
        if args.growth_only:
            return
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
