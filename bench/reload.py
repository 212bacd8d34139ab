"""Time a one-file reload beside a full load of the same enterprise, in one run.

    python bench/reload.py [--services 1000] [--runs 3] [--no-neo4j]

The synthetic enterprise (`bpql.testing.synthetic`) is written once. Each run loads it into an
empty store (a full load), then edits one service file (a step renamed, differently each run)
and loads again (the reload); each figure is a whole `bpql load` in a process of its own, as a
user runs it. Prints each run, the medians (wall s; cpu s of the `bpql` process) and the ratio
of the reload to the full load: a reload should cost the edit, not the enterprise.

Neo4j: NEO4J_URI (with NEO4J_USER / NEO4J_PASSWORD) if set, else a server started here
(`bpql.testing.neo4j_server`) and stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import Table, bpql, edit, neo4j_clear, neo4j_server  # noqa: E402

from bpql.testing.synthetic import write_enterprise  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-neo4j", action="store_true")
    args = parser.parse_args()
    t = Table()
    with tempfile.TemporaryDirectory(prefix="bpql-bench-reload-") as tmp_name:
        tmp = Path(tmp_name)
        folder = write_enterprise(tmp / "enterprise", services=args.services)
        env = {**os.environ, "BPQL_CACHE_DIR": str(tmp / "cache")}
        print(f"synthetic enterprise: {args.services} services; {args.runs} runs each")
        store = tmp / "store" / "graph.lbdb"
        uri = f"embedded:{store}"
        for run in range(args.runs):
            shutil.rmtree(store.parent, ignore_errors=True)
            store.parent.mkdir()
            t.add("bpql load, embedded, full", bpql("load", str(folder), "--db", uri, env=env))
            edit(folder, run)
            t.add(
                "bpql load, embedded, one file edited",
                bpql("load", str(folder), "--db", uri, env=env),
            )
        shutil.rmtree(store.parent, ignore_errors=True)
        if not args.no_neo4j:
            import neo4j

            with neo4j_server() as (nuri, user, password):
                nenv = {**env, "NEO4J_USER": user, "NEO4J_PASSWORD": password}
                driver = neo4j.GraphDatabase.driver(nuri, auth=(user, password))
                try:
                    for run in range(args.runs):
                        neo4j_clear(driver)
                        shutil.rmtree(tmp / "cache", ignore_errors=True)
                        t.add(
                            "bpql load, Neo4j, full",
                            bpql("load", str(folder), "--db", nuri, env=nenv),
                        )
                        edit(folder, args.runs + run)
                        t.add(
                            "bpql load, Neo4j, one file edited",
                            bpql("load", str(folder), "--db", nuri, env=nenv),
                        )
                    neo4j_clear(driver)
                finally:
                    driver.close()
    print()
    print(f"medians of {args.runs} (wall s; cpu s of the process)")
    for name in t.rows:
        print(f"  {name:<40} {t.median(name):7.2f}  {t.cpu(name):7.2f}")
    print("ratios (wall)")
    for store_name in ("embedded", "Neo4j"):
        full, one = f"bpql load, {store_name}, full", f"bpql load, {store_name}, one file edited"
        if full in t.rows and one in t.rows:
            print(f"  {one} / {full}: {t.median(one) / t.median(full):.2f}x")


if __name__ == "__main__":
    main()
