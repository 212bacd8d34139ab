"""The server's transaction memory one batch of a staged Neo4j load takes, per kind of batch
(issue 25 item 1: the default of `--batch-size` / BPQL_BATCH_SIZE is chosen from these).

    python bench/batch_memory.py [--services 1000] [--batch 10000]

A Neo4j 5.26 of our own with its default memory settings (1 GB heap: 716.8 MiB for all
transactions together) holds a synthetic enterprise loaded by `bpql load` and a second copy
staged beside it. Each kind of batch then runs once in an explicit transaction that is left
open while another session reads its memory (`SHOW TRANSACTIONS`: estimatedUsedHeapMemory,
the figure the server's limit is checked against), and is rolled back. For comparison, the
same for one transaction that creates the whole graph (what a load did before).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bpql.backends import connect, writes  # noqa: E402
from bpql.backends.neo4j import Neo4jBackend  # noqa: E402
from bpql.backends.staging import _stage, _Ticks  # noqa: E402
from bpql.model.validate import validate_paths  # noqa: E402
from bpql.schema import LANES  # noqa: E402
from bpql.testing.neo4j_server import Neo4jServer  # noqa: E402
from bpql.testing.synthetic import write_enterprise  # noqa: E402


def held(driver: Any, statement: str, params: dict[str, Any]) -> tuple[float, int]:
    """MiB the open transaction running `statement` holds, and the count it returned."""
    with driver.session() as session, driver.session() as watcher:
        tx = session.begin_transaction()
        try:
            record = tx.run(statement, params).single()
            count = int(record[0]) if record and record[0] is not None else 0
            rows = watcher.run(
                "SHOW TRANSACTIONS YIELD currentQuery, estimatedUsedHeapMemory, status "
                "WHERE NOT currentQuery STARTS WITH 'SHOW' "
                "RETURN max(estimatedUsedHeapMemory)"
            ).single()
            used = int(rows[0] or 0) if rows else 0
        finally:
            tx.rollback()
    return used / 2**20, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    batch = args.batch
    work = Path(tempfile.mkdtemp(prefix="bpql-batchmem-"))
    folder = write_enterprise(work / "enterprise", services=args.services)
    data = validate_paths([folder]).graph
    nodes = sum(map(len, data.nodes.values()))
    rels = sum(map(len, data.rels.values()))
    print(f"{args.services} services: {nodes:,} nodes, {rels:,} relationships; batch {batch:,}")
    server = Neo4jServer().start()
    try:
        env = {**os.environ, "NEO4J_USER": server.user, "NEO4J_PASSWORD": server.password}
        os.environ.update(NEO4J_USER=server.user, NEO4J_PASSWORD=server.password)
        env["BPQL_CACHE_DIR"] = str(work / "cache")
        os.environ["BPQL_CACHE_DIR"] = env["BPQL_CACHE_DIR"]
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "bpql.cli", "load", str(folder), "--db", server.uri],
            env=env,
            check=True,
            capture_output=True,
        )
        print(f"bpql load (staged, default batch): {time.monotonic() - started:.1f} s")
        with connect(server.uri) as backend:
            assert isinstance(backend, Neo4jBackend)
            _stage(backend, data, "bench", batch, _Ticks(None, 0))
            driver = backend._driver
            steps = [dict(row) for row in data.nodes["Step"][:batch]]
            pairs = [list(p) for p in data.rels["NEXT"][:batch]] if "NEXT" in data.rels else []
            type_ = "NEXT" if pairs else next(iter(data.rels))
            if not pairs:
                pairs = [list(p) for p in data.rels[type_][:batch]]
            lane = LANES[0]
            # steps staged under other ids, to be moved in beside the live ones
            renamed = [{**row, "id": f"{row['id']}#new"} for row in steps]
            driver.execute_query(writes.stage_nodes("Step"), {"rows": renamed, "load": "new"})
            cases = [
                ("stage nodes (Step)", writes.stage_nodes("Step"), {"rows": steps}),
                (
                    f"stage relationships ({type_})",
                    writes.stage_relationships(type_),
                    {"rows": pairs},
                ),
                ("switch out (Step)", writes.move_out("Step"), {"limit": batch}),
                (
                    f"switch in (Step, {lane.key})",
                    writes.move_in("Step", lane),
                    {"limit": batch, "lane": lane.key, "load": "new"},
                ),
                ("drop relationships", writes.drop_staged_relationships("Step"), {"limit": batch}),
                ("drop nodes", writes.drop_staged_nodes("Step"), {"limit": batch}),
            ]
            for name, statement, params in cases:
                mib, count = held(driver, statement, {"load": "bench"} | params)
                rows = count or len(params.get("rows", [])) or batch
                per_row = mib * 1024 / max(rows, 1)
                print(f"{name:<34} {mib:8.1f} MiB for {rows:,} rows ({per_row:.2f} KiB/row)")
            # what one transaction for the whole graph takes: the nodes of every label
            total = 0.0
            for label, rows in data.nodes.items():
                mib, _ = held(
                    driver,
                    writes.stage_nodes(label),
                    {"load": "one", "rows": [dict(r) for r in rows]},
                )
                total += mib
            whole = "whole graph, nodes only, one tx"
            print(f"{whole:<34} {total:8.1f} MiB (the sum over labels, each its own tx)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
