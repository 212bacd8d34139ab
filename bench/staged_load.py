"""`bpql load` into a Neo4j with its default memory settings, at several sizes, beside
hand-written loaders in the same run (issue 25 items 1 and 5).

    python bench/staged_load.py [--sizes 1000,5000,10000]

One Neo4j 5.26 of our own, default memory (1 GB heap: transactions may hold 716.8 MiB in all).
Per size (the synthetic enterprise, 24 steps a service), each from an empty store:

- hand, batched: UNWIND batches of 10,000 rows, each batch its own transaction (works within
  the limit; a reader sees it half done, and a killed load leaves half a graph);
- hand, one transaction: the same batches in one transaction (all or nothing; the loader
  bench/load.py compares with);
- `bpql load --batch-size 10000000`: BPQL's one-transaction load;
- `bpql load`: the default (staged in bounded transactions, switched in whole).

A loader the server's memory stops is printed as "fails". The load average is printed with each
figure (the machine is shared); `cpu` is the `bpql` process's own time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import bpql, neo4j_clear, neo4j_unwind, read_files_plain, timed  # noqa: E402

from bpql.backends.base import batches  # noqa: E402
from bpql.graphdata import GraphData  # noqa: E402
from bpql.model.validate import validate_paths  # noqa: E402
from bpql.schema import LANES, RELS  # noqa: E402
from bpql.testing.neo4j_server import Neo4jServer  # noqa: E402
from bpql.testing.synthetic import write_enterprise  # noqa: E402


def neo4j_batched(driver: Any, graph: GraphData, folder: Path) -> None:
    """By hand within the limit: UNWIND batches of 10,000, each its own transaction."""
    read_files_plain(folder)
    with driver.session() as s:
        for label, rows in graph.nodes.items():
            for chunk in batches(rows, 10_000):
                parts = (
                    [([r for r in chunk if r["lane"] == lane.key], lane.label) for lane in LANES]
                    if label == "Step"
                    else [(chunk, None)]
                )
                for part, lane_label in parts:
                    if part:
                        extra = f", n:{lane_label}" if lane_label else ""
                        s.execute_write(
                            lambda tx, p=part, e=extra, lb=label: tx.run(
                                f"UNWIND $rows AS row MERGE (n:{lb} {{id: row.id}}) SET n = row{e}",
                                {"rows": p},
                            ).consume()
                        )
        for type_, pairs in graph.rels.items():
            rel = RELS[type_]
            for chunk in batches(pairs, 10_000):
                rows = [{"s": a, "d": b} for a, b in chunk]
                s.execute_write(
                    lambda tx, r=rows, k=rel: tx.run(
                        f"UNWIND $rows AS row MATCH (a:{k.src} {{id: row.s}}) "
                        f"MATCH (b:{k.dst} {{id: row.d}}) CREATE (a)-[:{k.type}]->(b)",
                        {"rows": r},
                    ).consume()
                )


def load_average() -> str:
    return f"load avg {os.getloadavg()[0]:.1f}"


def main() -> None:
    import neo4j

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bpql-staged-"))
    server = Neo4jServer().start()
    env = {
        **os.environ,
        "NEO4J_USER": server.user,
        "NEO4J_PASSWORD": server.password,
        "BPQL_CACHE_DIR": str(work / "cache"),
    }
    driver = neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password))
    figures: dict[tuple[int, str], float] = {}
    try:
        # the constraints a load makes (the hand loaders MERGE by them)
        bpql("load", str(ROOT / "examples" / "insurer"), "--db", server.uri, env=env)
        for size in sizes:
            folder = write_enterprise(work / f"e{size}", services=size)
            graph = validate_paths([folder]).graph
            nodes = sum(map(len, graph.nodes.values()))
            rels = sum(map(len, graph.rels.values()))
            print(f"\n{size:,} services: {nodes:,} nodes, {rels:,} relationships", flush=True)

            def clear() -> None:
                neo4j_clear(driver)  # relationships first (bench/load.py)
                shutil.rmtree(work / "cache", ignore_errors=True)

            hand: list[tuple[str, Any]] = [
                ("hand, batched (a tx per 10,000 rows)", neo4j_batched),
                ("hand, one transaction", neo4j_unwind),
            ]
            for name, loader in hand:
                clear()
                try:
                    wall, cpu = timed(lambda ld=loader, g=graph, f=folder: ld(driver, g, f))
                    figures[(size, name)] = wall
                    print(f"  {name:<40} {wall:7.1f} s  ({load_average()})", flush=True)
                except neo4j.exceptions.Neo4jError as exc:
                    print(f"  {name:<40} fails: {exc.code} ({load_average()})", flush=True)
            for name, extra in (
                ("bpql load, one transaction", ["--batch-size", "10000000"]),
                ("bpql load (staged, default batch)", []),
            ):
                clear()
                started = time.perf_counter()
                try:
                    wall, cpu = bpql("load", str(folder), "--db", server.uri, *extra, env=env)
                except SystemExit as exc:
                    took = time.perf_counter() - started
                    said = str(exc).strip().splitlines()[-1][:160]
                    print(f"  {name:<40} fails after {took:.0f} s: {said}", flush=True)
                    continue
                figures[(size, name)] = wall
                print(
                    f"  {name:<40} {wall:7.1f} s, cpu {cpu:6.1f} s  ({load_average()})",
                    flush=True,
                )
            base = figures.get((size, "hand, batched (a tx per 10,000 rows)"))
            ours = figures.get((size, "bpql load (staged, default batch)"))
            if base and ours:
                print(f"  ratio staged / hand batched: {ours / base:.2f}x", flush=True)
        first, last = sizes[0], sizes[-1]
        for name in sorted({n for _, n in figures}):
            if (first, name) in figures and (last, name) in figures:
                growth = figures[(last, name)] / figures[(first, name)]
                print(f"growth {last}/{first}, {name}: {growth:.1f}x (size {last / first:.0f}x)")
    finally:
        driver.close()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
