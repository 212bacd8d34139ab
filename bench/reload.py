"""Time a one-file reload beside a full load of the same enterprise, in one run.

    python bench/reload.py [--services 1000] [--runs 3] [--no-neo4j] [--folder DIR]
                           [--before CHECKOUT]

The synthetic enterprise (`bpql.testing.synthetic`) is written once (into `--folder` when
given and kept there for the next run: 10,000 services take a while to write). Each run loads
it into an empty store (a full load), then edits one service file (a step renamed,
differently each run) and loads again (the reload); each figure is a whole `bpql load` in a
process of its own, as a user runs it. With `--before`, another checkout of BPQL (a worktree
of main, say) does the same in the same run, turn about with this one, each code with its
own store and cache. Prints each run, the medians (wall s; cpu s of the `bpql` process) and
the ratio of the reload to the full load: a reload should cost the edit, not the enterprise.

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
    parser.add_argument("--folder", type=Path, help="where the enterprise is written and kept")
    parser.add_argument("--before", type=Path, help="another checkout of BPQL to compare")
    args = parser.parse_args()
    codes = [("", ROOT)]
    if args.before:
        codes = [(" (before)", args.before.resolve()), (" (after)", ROOT)]
    t = Table()
    with tempfile.TemporaryDirectory(prefix="bpql-bench-reload-") as tmp_name:
        tmp = Path(tmp_name)
        folder = args.folder or tmp / "enterprise"
        if not (folder / "services").is_dir():
            write_enterprise(folder, services=args.services)
        count = len(list((folder / "services").glob("*.yaml")))
        if count != args.services:
            sys.exit(f"{folder} holds {count} services, not {args.services}")
        print(f"synthetic enterprise: {args.services} services; {args.runs} runs each")
        for run in range(args.runs):
            for n, (tag, root) in enumerate(codes):
                env = {**os.environ, "BPQL_CACHE_DIR": str(tmp / f"cache{n}")}
                store = tmp / f"store{n}" / "graph.lbdb"
                uri = f"embedded:{store}"
                shutil.rmtree(store.parent, ignore_errors=True)
                store.parent.mkdir()
                t.add(
                    f"embedded, full{tag}",
                    bpql("load", str(folder), "--db", uri, env=env, root=root),
                )
                edit(folder, run * len(codes) + n)
                t.add(
                    f"embedded, one file edited{tag}",
                    bpql("load", str(folder), "--db", uri, env=env, root=root),
                )
                shutil.rmtree(store.parent, ignore_errors=True)
        if not args.no_neo4j:
            import neo4j

            with neo4j_server() as (nuri, user, password):
                driver = neo4j.GraphDatabase.driver(nuri, auth=(user, password))
                try:
                    for run in range(args.runs):
                        for n, (tag, root) in enumerate(codes):
                            nenv = {
                                **os.environ,
                                "BPQL_CACHE_DIR": str(tmp / f"cache{n}"),
                                "NEO4J_USER": user,
                                "NEO4J_PASSWORD": password,
                            }
                            neo4j_clear(driver)
                            shutil.rmtree(tmp / f"cache{n}", ignore_errors=True)
                            load = ("load", str(folder), "--db", nuri)
                            t.add(f"Neo4j, full{tag}", bpql(*load, env=nenv, root=root))
                            edit(folder, 100 + run * len(codes) + n)
                            t.add(f"Neo4j, one file edited{tag}", bpql(*load, env=nenv, root=root))
                    neo4j_clear(driver)
                finally:
                    driver.close()
    print()
    print(f"medians of {args.runs} (wall s; cpu s of the process)")
    for name in t.rows:
        print(f"  {name:<40} {t.median(name):7.2f}  {t.cpu(name):7.2f}")
    print("ratios (wall; cpu)")
    for store_name in ("embedded", "Neo4j"):
        for tag, _ in codes:
            full, one = f"{store_name}, full{tag}", f"{store_name}, one file edited{tag}"
            if full in t.rows and one in t.rows:
                print(
                    f"  {one} / full: {t.median(one) / t.median(full):.2f}x; "
                    f"{t.cpu(one) / t.cpu(full):.2f}x"
                )
        if args.before:
            one = f"{store_name}, one file edited"
            if f"{one} (before)" in t.rows and f"{one} (after)" in t.rows:
                b, a = f"{one} (before)", f"{one} (after)"
                print(
                    f"  {one}, after / before: {t.median(a) / t.median(b):.2f}x; "
                    f"{t.cpu(a) / t.cpu(b):.2f}x"
                )


if __name__ == "__main__":
    main()
