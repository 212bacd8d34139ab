"""Time `bpql load` and `bpql validate` on the synthetic enterprise (1,000 services x 24 steps)
beside hand-written loaders of the same graph, in one run.

    python bench/load.py [--services 1000] [--runs 3] [--no-neo4j] [--naive-sample 3000]

The load state (what a reload reads instead of parsing every file) is also written and read
back in this process, as `bpql load` does, for its own figure.

Each `bpql` figure is a whole command in a process of its own (`python -m bpql.cli ...`), as a
user runs it: interpreter start, reading and validating the files, the store's write. Stores
start empty for a full load; a reload follows a full load after one service file was edited
(a step renamed), so it re-parses that file and writes what changed.

The hand-written loaders get the rows ready made (BPQL's own `GraphData`, not timed) and read
the files with PyYAML's C loader (timed, so that they too read what they load):

- naive: one statement per node and per relationship, one transaction. At 200k items that takes
  minutes, so it runs on the first `--naive-sample` items and the figure is scaled up (printed
  as such);
- best: Neo4j, one transaction of UNWIND batches of 10,000 rows (MERGE per label, two MATCH
  clauses per relationship type); LadybugDB, CSV files written and read with `COPY FROM`.

Neo4j: NEO4J_URI (with NEO4J_USER / NEO4J_PASSWORD) if set, else a server started here
(`bpql.testing.neo4j_server`) and stopped at the end. Prints each run, medians and ratios;
"cpu" is the user + system time of the `bpql` process (the machine is shared: wall time moves
with the load of others, the process's own CPU time less so).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bpql.backends.base import batches  # noqa: E402
from bpql.graphdata import GraphData  # noqa: E402
from bpql.load.protocol import read_state, save_state  # noqa: E402
from bpql.model.validate import collect_files, validate_paths  # noqa: E402
from bpql.schema import LANES, NODE_KINDS, NODES, REL_KINDS, RELS  # noqa: E402
from bpql.testing.synthetic import write_enterprise  # noqa: E402

Timing = tuple[float, float]  # wall, cpu


def bpql(*args: str, env: dict[str, str], root: Path = ROOT) -> Timing:
    """One `bpql` command of the code at `root` (this checkout, or another to compare) in its
    own process: wall time and its CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bpql.cli", *args],
        cwd=root,
        env={**env, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"bpql {' '.join(args)} ({root}) failed:\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def timed(work: Callable[[], Any]) -> Timing:
    started, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - started, time.process_time() - cpu


def read_files_plain(folder: Path) -> None:
    """What a hand-written loader spends reading the files: PyYAML's C loader, no checks."""
    import yaml

    for f in collect_files([folder]):
        yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)


def items(graph: GraphData) -> Iterator[tuple[str, str, Any]]:
    for label, rows in graph.nodes.items():
        for row in rows:
            yield "node", label, row
    for type_, pairs in graph.rels.items():
        for pair in pairs:
            yield "rel", type_, pair


# --- LadybugDB baselines -------------------------------------------------------------------


def ladybug_fresh(path: Path) -> tuple[Any, Any]:
    import ladybug

    from bpql.backends.ladybug import ddl

    for f in path.parent.glob(path.name + "*"):
        f.unlink()
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    for stmt in ddl():
        conn.execute(stmt)
    return db, conn


def ladybug_copy(path: Path, graph: GraphData, folder: Path) -> None:
    """Best by hand: CSV files with Python's csv module, `COPY FROM` each, close."""
    db, conn = ladybug_fresh(path)
    read_files_plain(folder)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in NODE_KINDS:
            rows = graph.nodes[kind.label]
            if not rows:
                continue
            f = Path(tmp) / f"{kind.label}.csv"
            with f.open("w", newline="", encoding="utf-8") as out:
                w = csv.writer(out)
                for r in rows:
                    w.writerow(["" if r[p.name] is None else r[p.name] for p in kind.props])
            conn.execute(f"COPY {kind.label} FROM '{f}' (header=false, parallel=false)")
        for rel in REL_KINDS:
            pairs = graph.rels[rel.type]
            if not pairs:
                continue
            f = Path(tmp) / f"{rel.type}.csv"
            with f.open("w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerows(pairs)
            conn.execute(f"COPY {rel.type} FROM '{f}' (header=false)")
    conn.close()
    db.close()


def ladybug_unwind(path: Path, graph: GraphData, folder: Path) -> None:
    """By hand, statements: one transaction of UNWIND batches (two MATCH per relationship)."""
    from bpql.backends.writes import LADYBUG, create_relationships, upsert_nodes

    db, conn = ladybug_fresh(path)
    read_files_plain(folder)
    conn.execute("BEGIN TRANSACTION")
    for label, rows in graph.nodes.items():
        for chunk in batches(rows, 10_000):
            if chunk:
                conn.execute(upsert_nodes(label, LADYBUG), {"rows": chunk})
    for type_, pairs in graph.rels.items():
        for chunk in batches(pairs, 10_000):
            if chunk:
                rows = [{"s": s, "d": d} for s, d in chunk]
                conn.execute(create_relationships(type_), {"rows": rows})
    conn.execute("COMMIT")
    conn.close()
    db.close()


def ladybug_naive(path: Path, graph: GraphData, sample: int) -> None:
    """One statement per item, one transaction, on the first `sample` items."""
    db, conn = ladybug_fresh(path)
    conn.execute("BEGIN TRANSACTION")
    for n, (what, name, item) in enumerate(items(graph)):
        if n >= sample:
            break
        if what == "node":
            props = [p for p in NODES[name].props if p.name != "id"]
            sets = ", ".join(f"n.`{p.name}` = CAST($p{i} AS {p.type})" for i, p in enumerate(props))
            params = {f"p{i}": item[p.name] for i, p in enumerate(props)}
            conn.execute(f"MERGE (n:{name} {{id: $id}}) SET {sets}", {"id": item["id"], **params})
        else:
            rel = RELS[name]
            conn.execute(
                f"MATCH (a:{rel.src} {{id: $s}}) MATCH (b:{rel.dst} {{id: $d}}) "
                f"CREATE (a)-[:{rel.type}]->(b)",
                {"s": item[0], "d": item[1]},
            )
    conn.execute("COMMIT")
    conn.close()
    db.close()


# --- Neo4j baselines -----------------------------------------------------------------------


def neo4j_clear(driver: Any) -> None:
    """Empty the store in transactions of 10,000 rows, relationships first: a node's DETACH
    DELETE holds all of its relationships, and 10,000 nodes of the 10,000-service enterprise
    ran past a default server's transaction memory (bench/reload.py, 2026-12-06)."""
    with driver.session() as s:
        s.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def neo4j_unwind(driver: Any, graph: GraphData, folder: Path) -> None:
    """Best by hand: one transaction of UNWIND batches of 10,000 rows."""
    read_files_plain(folder)
    with driver.session() as s, s.begin_transaction() as tx:
        for label, rows in graph.nodes.items():
            for chunk in batches(rows, 10_000):
                if not chunk:
                    continue
                if label == "Step":
                    for lane in LANES:
                        part = [r for r in chunk if r["lane"] == lane.key]
                        if part:
                            tx.run(
                                "UNWIND $rows AS row MERGE (n:Step {id: row.id}) "
                                f"SET n = row, n:{lane.label}",
                                {"rows": part},
                            ).consume()
                else:
                    tx.run(
                        f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n = row",
                        {"rows": chunk},
                    ).consume()
        for type_, pairs in graph.rels.items():
            rel = RELS[type_]
            for chunk in batches(pairs, 10_000):
                if chunk:
                    tx.run(
                        f"UNWIND $rows AS row MATCH (a:{rel.src} {{id: row.s}}) "
                        f"MATCH (b:{rel.dst} {{id: row.d}}) CREATE (a)-[:{rel.type}]->(b)",
                        {"rows": [{"s": a, "d": b} for a, b in chunk]},
                    ).consume()
        tx.commit()


def neo4j_naive(driver: Any, graph: GraphData, sample: int) -> None:
    """One statement per item, one transaction, on the first `sample` items."""
    with driver.session() as s, s.begin_transaction() as tx:
        for n, (what, name, item) in enumerate(items(graph)):
            if n >= sample:
                break
            if what == "node":
                tx.run(f"MERGE (n:{name} {{id: $row.id}}) SET n = $row", {"row": item}).consume()
            else:
                rel = RELS[name]
                tx.run(
                    f"MATCH (a:{rel.src} {{id: $s}}) MATCH (b:{rel.dst} {{id: $d}}) "
                    f"CREATE (a)-[:{rel.type}]->(b)",
                    {"s": item[0], "d": item[1]},
                ).consume()
        tx.commit()


@contextlib.contextmanager
def neo4j_server() -> Iterator[tuple[str, str, str]]:
    if os.environ.get("NEO4J_URI"):
        yield (
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
        )
        return
    from bpql.testing.neo4j_server import Neo4jServer

    server = Neo4jServer().start()
    try:
        yield server.uri, server.user, server.password
    finally:
        server.stop()


# --- the run -------------------------------------------------------------------------------


class Table:
    def __init__(self) -> None:
        self.rows: dict[str, list[Timing]] = {}

    def add(self, name: str, timing: Timing, note: str = "") -> None:
        self.rows.setdefault(name, []).append(timing)
        print(
            f"  {name}: {timing[0]:.2f} s wall, {timing[1]:.2f} s cpu {note}".rstrip(), flush=True
        )

    def median(self, name: str) -> float:
        return statistics.median(w for w, _ in self.rows[name])

    def cpu(self, name: str) -> float:
        return statistics.median(c for _, c in self.rows[name])


def state_of(folder: Path) -> Any:
    """The load state a load of `folder` saves: its graph, where each file's rows sit in
    it, counts."""
    from bpql.load.protocol import LoadState, remembered
    from bpql.model.validate import validate_for_load

    checked = validate_for_load([folder])
    graph = checked.enterprise.graph
    return LoadState("bench", graph, remembered(checked), graph.counts())


def edit(folder: Path, run: int) -> None:
    """Rename one step of one service file, differently each run."""
    f = folder / "services" / "svc-005.yaml"
    lines = f.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("name: Step 3 "))
    lines[at] = f"    name: Step 3 of service 5, edit {run}"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=3000)
    parser.add_argument("--no-neo4j", action="store_true")
    args = parser.parse_args()
    t = Table()
    with tempfile.TemporaryDirectory(prefix="bpql-bench-load-") as tmp_name:
        tmp = Path(tmp_name)
        folder = write_enterprise(tmp / "enterprise", services=args.services)
        graph = validate_paths([folder]).graph
        total_items = graph.size
        print(
            f"synthetic enterprise: {args.services} services, "
            f"{sum(map(len, graph.nodes.values())):,} nodes, "
            f"{sum(map(len, graph.rels.values())):,} relationships; {args.runs} runs each"
        )
        env = {**os.environ, "BPQL_CACHE_DIR": str(tmp / "cache")}

        print("validate")
        for _ in range(args.runs):
            t.add("bpql validate", bpql("validate", str(folder), env=env))

        print("load state (in this process)")
        state = state_of(folder)
        path = tmp / "state" / "graph.lbdb.state"
        for _ in range(args.runs):
            t.add("load state written (JSON)", timed(lambda: save_state(path, state)))
            t.add("load state read and checked", timed(lambda: read_state(path)))

        store = tmp / "store" / "graph.lbdb"
        store.parent.mkdir()
        uri = f"embedded:{store}"
        print("embedded (LadybugDB)")
        for run in range(args.runs):
            shutil.rmtree(store.parent)
            store.parent.mkdir()
            t.add("bpql load, embedded", bpql("load", str(folder), "--db", uri, env=env))
            edit(folder, run)
            t.add(
                "bpql load, embedded, one file edited",
                bpql("load", str(folder), "--db", uri, env=env),
            )
        base = tmp / "base" / "graph.lbdb"
        base.parent.mkdir()
        for _ in range(args.runs):
            t.add(
                "hand-written COPY FROM CSV, embedded",
                timed(lambda: ladybug_copy(base, graph, folder)),
            )
            t.add(
                "hand-written UNWIND batches, embedded",
                timed(lambda: ladybug_unwind(base, graph, folder)),
            )
        sample = min(args.naive_sample, total_items)
        w, c = timed(lambda: ladybug_naive(base, graph, sample))
        scale = total_items / sample
        t.add(
            "hand-written naive, embedded (scaled)",
            (w * scale, c * scale),
            f"({sample:,} items run)",
        )

        if not args.no_neo4j:
            import neo4j

            print("Neo4j")
            with neo4j_server() as (nuri, user, password):
                nenv = {**env, "NEO4J_USER": user, "NEO4J_PASSWORD": password}
                driver = neo4j.GraphDatabase.driver(nuri, auth=(user, password))
                try:
                    # the uniqueness constraints (their indexes) every loader relies on, as
                    # `bpql load` makes them; then, as a server just started runs its first big
                    # transaction far slower (the JVM warming up), one untimed load
                    from bpql.backends.neo4j import schema_statements

                    with driver.session() as session:
                        for stmt in schema_statements():
                            session.run(stmt).consume()
                    neo4j_clear(driver)
                    neo4j_unwind(driver, graph, folder)
                    for run in range(args.runs):
                        neo4j_clear(driver)
                        shutil.rmtree(tmp / "cache", ignore_errors=True)
                        t.add("bpql load, Neo4j", bpql("load", str(folder), "--db", nuri, env=nenv))
                        edit(folder, args.runs + run)
                        t.add(
                            "bpql load, Neo4j, one file edited",
                            bpql("load", str(folder), "--db", nuri, env=nenv),
                        )
                        neo4j_clear(driver)
                        t.add(
                            "hand-written UNWIND batches, Neo4j",
                            timed(lambda: neo4j_unwind(driver, graph, folder)),
                        )
                    neo4j_clear(driver)
                    w, c = timed(lambda: neo4j_naive(driver, graph, sample))
                    t.add(
                        "hand-written naive, Neo4j (scaled)",
                        (w * scale, c * scale),
                        f"({sample:,} items run)",
                    )
                    neo4j_clear(driver)
                finally:
                    driver.close()

    print()
    print(f"medians of {args.runs} (wall s; cpu s of the process)")
    for name in t.rows:
        print(f"  {name:<48} {t.median(name):7.2f}  {t.cpu(name):7.2f}")
    print("ratios (wall)")
    pairs = [
        ("bpql load, embedded", "hand-written COPY FROM CSV, embedded"),
        ("bpql load, embedded", "hand-written UNWIND batches, embedded"),
        ("hand-written naive, embedded (scaled)", "bpql load, embedded"),
        ("bpql load, Neo4j", "hand-written UNWIND batches, Neo4j"),
        ("hand-written naive, Neo4j (scaled)", "bpql load, Neo4j"),
    ]
    for a, b in pairs:
        if a in t.rows and b in t.rows:
            print(f"  {a} / {b}: {t.median(a) / t.median(b):.2f}x")


if __name__ == "__main__":
    main()
