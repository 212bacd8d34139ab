"""Queries at enterprise scale: the four daily jobs, the issue's rows and the query corpus on
the synthetic enterprise, on Neo4j and on the embedded store, each beside a hand-written
Cypher giving the same answer (and a naive form where one is worth showing).

    python bench/queries.py [--services 1000] [--runs 5] [--only TEXT]
        [--neo4j bolt://HOST:PORT] [--store PATH] [--folder PATH] [--corpus] [--profile]

Without --neo4j it starts a Neo4j 5.26 of its own (bpql.testing.neo4j_server) and loads the
enterprise; with it, it uses that server as loaded (NEO4J_USER / NEO4J_PASSWORD), as it does
an existing --store. Prints per query and backend the median of `--runs` runs of ours
(`Client.query` as `bpql query` runs it, for its tables, results shaped; marked `[drawn]`, as
`bpql viz` runs it, the subgraph fetched too), of the hand-written statements (rows only),
the ratio ours / hand-written, our generated Cypher alone (the plan's statements run as the
engine runs them, no parsing, no shaping) and its ratio to the hand-written, the client's peak
resident memory during our run, and whether both backends gave the same answer. The corpus
(tests/queries/corpus.bpql) is written for the insurer example; `--corpus` runs it with its
references mapped onto synthetic things (REFS). `--profile` runs every statement of our plans
with PROFILE on Neo4j instead, and prints each statement's time, rows, db hits and busiest
operator.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bpql.api import Client, connect  # noqa: E402
from bpql.backends.base import Backend  # noqa: E402
from bpql.errors import BpqlError  # noqa: E402
from bpql.query import ir  # noqa: E402
from bpql.query.plan import Answer, Statement, input_values  # noqa: E402
from bpql.schema import NODES  # noqa: E402

Read = Callable[[str, dict[str, Any]], tuple[list[str], list[list[Any]]]]
Hand = Callable[[Read, str], Any]

#: corpus references (insurer ids) mapped onto things of the synthetic enterprise
REFS: dict[str, dict[str, str]] = {
    "system": {
        "payments-gateway": "sys-006",
        "crm": "sys-010",
        "mainframe": "sys-002",
        "direct-debit": "sys-020",
        "claims-engine": "sys-030",
        "card-processor": "sys-001",
        "fraud-screening": "sys-040",
        "billing-engine": "sys-050",
        "policy-admin": "sys-003",
    },
    "service": {"claims": "svc-001", "billing": "svc-002", "quote": "svc-003"},
    "department": {"billing": "dept-03", "claims": "dept-04", "fraud": "dept-05", "it": "dept-06"},
    "role": {
        "collections-agent": "role-001",
        "claims-handler": "role-004",
        "billing-clerk": "role-003",
    },
    "touchpoint": {"contact-centre": "tp-001", "claims-line": "tp-002"},
    "step": {
        "claims.submit-claim": "svc-001.s01",
        "claims.register-claim": "svc-001.s02",
        "billing.retry-payment": "svc-002.s03",
    },
    "phase": {"claims.settle": "svc-001.ph3"},
    "blueprint": {"claims:to-be": "svc-001:as-is"},
}
_REF = re.compile(r'\b(system|service|department|role|touchpoint|step|phase|blueprint) "([^"]+)"')


def synthetic(query: str) -> str:
    """A corpus query with its references mapped onto the synthetic enterprise."""
    return _REF.sub(lambda m: f'{m[1]} "{REFS.get(m[1], {}).get(m[2], m[2])}"', query)


def corpus() -> list[str]:
    lines = (ROOT / "tests" / "queries" / "corpus.bpql").read_text().splitlines()
    return [synthetic(x.strip()) for x in lines if x.strip() and not x.startswith("#")]


# --- hand-written Cypher, the best we could write for the same answer ----------------------


def _ids(rows: tuple[list[str], list[list[Any]]]) -> list[Any]:
    return sorted({r[0] for r in rows[1]})


def uses(read: Read, dialect: str) -> Any:
    return read(
        "MATCH (n:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(:Step)-[:USES]->"
        "(y:System) WHERE y.id = $id AND b.scenario = 'as-is' "
        "RETURN DISTINCT n.id AS id, n.name AS name ORDER BY id",
        {"id": "sys-006"},
    )


def depends(read: Read, dialect: str) -> Any:
    return read(
        "MATCH (y:System)-[:DEPENDS_ON*0..5]->(t:System) WHERE t.id = $id "
        "WITH collect(DISTINCT y.id) AS ys "
        "MATCH (n:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(:Step)-[:USES]->"
        "(y:System) WHERE y.id IN ys AND b.scenario = 'as-is' "
        "RETURN DISTINCT n.id AS id, n.name AS name ORDER BY id",
        {"id": "sys-006"},
    )


def depends_naive(read: Read, dialect: str) -> Any:
    """What the compiler wrote before: the chain walked again from every step."""
    both = "MATCH (n)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step){sep}(s)-[:USES]->"
    sep = " MATCH " if dialect == "neo4j" else ", "
    return read(
        f"MATCH (n:Service) WHERE EXISTS {{ {both.format(sep=sep)}(:System)-[:DEPENDS_ON*0..5]->"
        "(t:System) WHERE t.id = $id AND b.scenario = 'as-is' } "
        "RETURN n.id AS id, n.name AS name ORDER BY id",
        {"id": "sys-006"},
    )


def impact(read: Read, dialect: str) -> Any:
    """impact of department "dept-03" as its tables: the steps reached from the department
    outwards (its roles, and the systems whose chains end at a system it owns, with their
    hops) with their blueprints; then the supports and the step facts of those blueprints,
    names and performing roles included, and each role's departments (the supported steps
    are a walk over those rows, as ours does in Python; the names and departments are in the
    answer since issue 24: its step rows and its department x service matrix)."""
    dept = {"id": "dept-03"}
    hops = read(
        "MATCH p = (y:System)-[:DEPENDS_ON*0..5]->(:System)-[:OWNED_BY]->(d:Department) "
        "WHERE d.id = $id RETURN y.id, min(length(p)) - 1",
        dept,
    )
    by_role = read(
        "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:PERFORMED_BY]->(r:Role)-[:MEMBER_OF]->"
        "(d:Department) WHERE d.id = $id AND b.scenario = 'as-is' "
        "RETURN s.id, collect(r.id), b.id",
        dept,
    )
    by_system = read(
        "UNWIND $ys AS y_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:USES]->"
        "(y:System {id: y_id}) WHERE b.scenario = 'as-is' RETURN s.id, collect(y.id), b.id",
        {"ys": _ids(hops)},
    )
    blueprints = sorted({r[2] for r in by_role[1]} | {r[2] for r in by_system[1]})
    supports = read(
        "UNWIND $bps AS b_id MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(a:Step)-[:SUPPORTS]->"
        "(c:Step) RETURN a.id, c.id",
        {"bps": blueprints},
    )
    facts = read(
        "UNWIND $bps AS b_id MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step) "
        "OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint) "
        "OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f:FailPoint) "
        "OPTIONAL MATCH (s)-[:IN_PHASE]->(ph:Phase) "
        "OPTIONAL MATCH (s)-[:PERFORMED_BY]->(r:Role) "
        "RETURN s.id, s.name, s.lane, tp.name, tp.channel, f.id, f.rpn, ph.`order`, s.seq, b.id, "
        "r.id",
        {"bps": blueprints},
    )
    # the answer's step rows name their steps, and its department x service matrix counts
    # each step under the departments of the roles performing it
    read("MATCH (r:Role)-[:MEMBER_OF]->(d:Department) RETURN r.id, d.name", {})
    names = read("MATCH (sv:Service) RETURN sv.id, sv.name", {})
    return hops, by_role, by_system, supports, facts, names


def _blueprint_reads(read: Read, blueprints: list[str]) -> tuple[Any, Any]:
    """The steps of the blueprints reached, with their services and touchpoints, and the
    supports between them: what `risk of` and what-if classify a failure's steps over."""
    bps = {"bps": blueprints}
    steps = read(
        "UNWIND $bps AS b_id MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint {id: b_id})"
        "-[:HAS_STEP]->(s:Step) OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint) "
        "RETURN sv.id, sv.name, b.id, s.id, s.name, s.lane, s.seq, s.moment_of_truth, tp.id, "
        "tp.name",
        bps,
    )
    supports = read(
        "UNWIND $bps AS b_id MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)-[:SUPPORTS]->"
        "(n:Step) RETURN s.id, n.id",
        bps,
    )
    return steps, supports


def _failing(read: Read, system: str) -> Any:
    """The systems that fail with `system` (every system depending on it), with the hops."""
    return read(
        "MATCH p = (y:System)-[:DEPENDS_ON*0..30]->(t:System) WHERE t.id = $id "
        "RETURN y.id, min(length(p))",
        {"id": system},
    )


def risk(read: Read, dialect: str) -> Any:
    """risk of system "sys-040" as its reads: the systems failing with it (every system
    depending on it, with the hops), the as-is steps using one of them, and those steps'
    blueprints whole with the supports between their steps (ours then classifies them in
    Python, which this leaves out, as `impact` leaves out the walk and the tables)."""
    failing = _failing(read, "sys-040")
    hit = read(
        "UNWIND $ys AS y_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:USES]->"
        "(y:System {id: y_id}) WHERE b.scenario = 'as-is' RETURN s.id, y.id, b.id",
        {"ys": _ids(failing)},
    )
    steps, supports = _blueprint_reads(read, sorted({r[2] for r in hit[1]}))
    return failing, hit, steps, supports


def retire(read: Read, dialect: str) -> Any:
    """impact of retiring system "sys-050" as its reads: `risk`'s for that system, and who
    performs the steps of those blueprints (with their departments), the steps sharing the
    reached steps' touchpoints, and the names of the systems reached through."""
    failing = _failing(read, "sys-050")
    hit = read(
        "UNWIND $ys AS y_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:USES]->"
        "(y:System {id: y_id}) WHERE b.scenario = 'as-is' RETURN s.id, collect(y.id), b.id",
        {"ys": _ids(failing)},
    )
    blueprints = sorted({r[2] for r in hit[1]})
    steps, supports = _blueprint_reads(read, blueprints)
    performed = read(
        "UNWIND $bps AS b_id MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)-[:PERFORMED_BY]"
        "->(r:Role) RETURN s.id, r.id, r.name",
        {"bps": blueprints},
    )
    read("MATCH (r:Role)-[:MEMBER_OF]->(d:Department) RETURN r.id, d.id, d.name", {})
    touchpoints = sorted({r[8] for r in steps[1] if r[8] is not None})
    shared = read(
        "MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:AT_TOUCHPOINT]->(t:Touchpoint) "
        "WHERE t.id IN $tps AND b.scenario = 'as-is' RETURN s.id, t.id",
        {"tps": touchpoints},
    )
    names = read(
        "UNWIND $ys AS y_id MATCH (y:System {id: y_id}) RETURN y.id, y.name",
        {"ys": _ids(failing)},
    )
    return failing, hit, steps, supports, performed, shared, names


def impact_drawn(read: Read, dialect: str) -> Any:
    """impact of department "dept-03" drawn: its tables (`impact`), then the subgraph a view
    draws: the reached steps, their blueprints and services, touchpoints, fail points and
    departments, and the routes' paths, every set passed as UNWIND + key lookups."""
    _, by_role, by_system, supports, facts, _ = impact(read, dialect)
    direct = {r[0] for r in by_role[1]} | {r[0] for r in by_system[1]}
    higher: defaultdict[str, list[str]] = defaultdict(list)
    for lower, up in supports[1]:
        higher[lower].append(up)
    steps, level = set(direct), list(direct)
    while level:
        level = [u for d in level for u in higher.get(d, ()) if u not in steps]
        steps.update(level)
    ids = {"steps": sorted(steps)}
    bps = {"bps": sorted({r[9] for r in facts[1] if r[0] in steps})}
    dept = {"id": "dept-03"}
    return (
        read("UNWIND $steps AS s_id MATCH (s:Step {id: s_id}) RETURN s", ids),
        read(
            "UNWIND $bps AS b_id MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint {id: b_id}) "
            "RETURN sv, b",
            bps,
        ),
        read(
            "UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint) "
            "RETURN s.id, tp",
            ids,
        ),
        read(
            "UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:HAS_FAIL_POINT]->(f:FailPoint) "
            "RETURN s.id, f",
            ids,
        ),
        read(
            "UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:PERFORMED_BY]->(:Role)"
            "-[:MEMBER_OF]->(d:Department) RETURN DISTINCT s.id, d.name",
            ids,
        ),
        read(
            "MATCH p = (y:System)-[:DEPENDS_ON*0..5]->(:System)-[:OWNED_BY]->(d:Department) "
            "WHERE d.id = $id RETURN y.id, p",
            dept,
        ),
        read(
            "MATCH p = (s:Step)-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(d:Department) "
            "WHERE d.id = $id RETURN p",
            dept,
        ),
    )


def touchpoints(read: Read, dialect: str) -> Any:
    return read(
        "MATCH (tp:Touchpoint) OPTIONAL MATCH (tp)<-[:AT_TOUCHPOINT]-(:Step)<-[:HAS_STEP]-"
        "(b:Blueprint)<-[:HAS_BLUEPRINT]-(sv:Service) WHERE b.scenario = 'as-is' "
        "RETURN tp.id, tp.channel, collect(DISTINCT sv.name) ORDER BY tp.id",
        {},
    )


def channels(read: Read, dialect: str) -> Any:
    return read(
        "MATCH (tp:Touchpoint) RETURN tp.channel AS channel, count(*) AS n "
        "ORDER BY n DESC, channel",
        {},
    )


def failpoints(read: Read, dialect: str) -> Any:
    return read(
        "MATCH (f:FailPoint) WHERE f.rpn >= 200 WITH f ORDER BY f.rpn DESC, f.id LIMIT 10 "
        "OPTIONAL MATCH (s:Step)-[:HAS_FAIL_POINT]->(f) "
        "OPTIONAL MATCH (s)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(sv:Service) "
        "RETURN f.id, f.name, f.ap, f.rpn, s.name, sv.name ORDER BY f.rpn DESC, f.id",
        {},
    )


def neighbourhood(label: str, ident: str, depth: int) -> Hand:
    """Breadth-first by hand: per level the (label, id) of the neighbours, looked up per label
    by primary key; then the nodes, and the relationships of the nodes nearer than depth."""

    def run(read: Read, dialect: str) -> Any:
        lab = "label(x)" if dialect == "ladybug" else "[l IN labels(x) WHERE l IN $labels][0]"
        typ = "label(r)" if dialect == "ladybug" else "type(r)"
        labels = {"labels": list(NODES)}
        levels = [{(label, ident)}]
        seen = set(levels[0])
        for _ in range(depth):
            found: set[tuple[str, str]] = set()
            for lb, ids in _by_label(levels[-1]).items():
                rows = read(
                    f"UNWIND $ids AS i MATCH (a:{lb} {{id: i}})-[]-(x) "
                    f"RETURN DISTINCT {lab} AS l, x.id AS id",
                    {"ids": ids, **labels},
                )[1]
                found.update((r[0], r[1]) for r in rows)
            levels.append(found - seen)
            seen |= found
        nodes = [
            read(f"UNWIND $ids AS i MATCH (x:{lb} {{id: i}}) RETURN x", {"ids": ids})
            for lb, ids in _by_label(seen).items()
        ]
        inner = set().union(*levels[:-1])
        edges = [
            read(
                f"UNWIND $ids AS i MATCH (a:{lb} {{id: i}})-[r]->(x) "
                f"RETURN a.id, {typ}, {lab} AS l, x.id UNION ALL "
                f"UNWIND $ids AS i MATCH (a:{lb} {{id: i}})<-[r]-(x) "
                f"RETURN a.id, {typ}, {lab} AS l, x.id",
                {"ids": ids, **labels},
            )
            for lb, ids in _by_label(inner).items()
        ]
        return nodes, edges

    return run


def neighbourhood_naive(label: str, ident: str, depth: int) -> Hand:
    """What the compiler wrote before: every path of up to `depth` steps."""

    def run(read: Read, dialect: str) -> Any:
        return read(
            f"MATCH (c:{label}) WHERE c.id = $id OPTIONAL MATCH p = (c)-[*1..{depth}]-(x) "
            "RETURN c, p",
            {"id": ident},
        )

    return run


def _by_label(keys: set[tuple[str, str]]) -> dict[str, list[str]]:
    out: defaultdict[str, list[str]] = defaultdict(list)
    for lb, i in sorted(keys):
        out[lb].append(i)
    return dict(out)


DRAWN = "  [drawn]"
#: (what, query, hand-written, naive): the daily jobs (tests/test_daily_jobs.py) and the rows
#: of issue 14's table, on synthetic things. Ours runs as `bpql query` does, for its tables;
#: a query marked DRAWN runs as `bpql viz` does, its subgraph fetched as well
JOBS: list[tuple[str, str, Hand | None, Hand | None]] = [
    ("daily 1", 'find services where uses system "sys-006"', uses, None),
    ("daily 1", 'find services where depends on system "sys-006"', depends, depends_naive),
    ("daily 2", 'impact of department "dept-03"', impact, None),
    ("daily 2", 'impact of department "dept-03"' + DRAWN, impact_drawn, None),
    ("daily 3", "find touchpoints return id, channel, services", touchpoints, None),
    ("daily 3", "count touchpoints by channel", channels, None),
    ("daily 4", 'show system "sys-006"', neighbourhood("System", "sys-006", 1), None),
    (
        "issue",
        'show system "core" depth 2',
        neighbourhood("System", "core", 2),
        neighbourhood_naive("System", "core", 2),
    ),
    ("issue", "find failpoints where rpn >= 200 order by rpn desc limit 10", failpoints, None),
    ("issue", 'show system "core" depth 10', None, None),
    ("issue", 'show system "sys-006" depth 10', None, None),
    ("issue", 'show service "svc-001" depth 10', None, None),
]


# --- measuring ------------------------------------------------------------------------------


def peak_rss() -> tuple[Callable[[], None], Callable[[], float]]:
    """Reset and read the process's peak resident memory (Linux: clear_refs, VmHWM), MB."""

    def reset() -> None:
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")

    def read() -> float:
        return status("VmHWM")

    return reset, read


def status(field: str) -> float:
    """A memory figure of this process from /proc/self/status, MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median seconds of `runs` runs after one warm-up, and the last value."""
    value = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def naive_once(backend: Backend, dialect: str, hand: Hand, limit_s: float) -> str:
    """One run of a naive form, given up after `limit_s` (Neo4j's transaction timeout; the
    embedded store's query timeout)."""
    started = time.perf_counter()
    try:
        if dialect == "neo4j":
            import neo4j

            driver = backend._driver  # type: ignore[attr-defined]

            def read(cypher: str, params: dict[str, Any]) -> Any:
                with driver.session() as s:
                    return list(s.run(neo4j.Query(cypher, timeout=limit_s), params))

        else:
            conn = backend._conn  # type: ignore[attr-defined]
            conn.set_query_timeout(int(limit_s * 1000))

            def read(cypher: str, params: dict[str, Any]) -> Any:
                r = conn.execute(cypher, params)
                rows = []
                while r.has_next():
                    rows.append(r.get_next())
                return rows

        hand(read, dialect)
        return f"{(time.perf_counter() - started) * 1000:,.0f} ms"
    except Exception as exc:  # a bench reports what it saw
        return f"gave up after {time.perf_counter() - started:.1f} s ({type(exc).__name__})"
    finally:
        if dialect == "ladybug":
            backend._conn.set_query_timeout(0)  # type: ignore[attr-defined]


def measure(
    client: Client,
    kind: str,
    query: str,
    hand: Hand | None,
    runs: int,
    reset: Callable[[], None],
    peak: Callable[[], float],
) -> dict[str, Any]:
    """One query on one store: ours (median), the hand-written one, their ratio, the peak
    resident memory of this process during our runs (MB), and our answer (or error code)."""
    reset()
    before = status("VmRSS")
    draw = query.endswith(DRAWN)
    query = query.removesuffix(DRAWN)
    try:
        ours, result = timed(lambda: client.query(query, draw=draw), runs)
        found: Any = result.to_json()
        del result
    except BpqlError as err:
        started = time.perf_counter()
        with contextlib.suppress(BpqlError):
            client.query(query, draw=draw)
        ours, found = time.perf_counter() - started, err.code
    row: dict[str, Any] = {"ours": ms(ours), "hand": "-", "ratio": "-", "plan": "-"}
    row["cypher"] = "-"
    row["peak"], row["answer"] = f"{peak():,.0f} (+{peak() - before:,.0f})", found
    if hand is not None:
        t_hand, _ = timed(lambda: hand(client.backend.read, kind), runs)
        row["hand"], row["ratio"] = ms(t_hand), f"{ours / t_hand:.2f}x"
        if not isinstance(found, str):
            # our generated Cypher alone: the plan's statements as the engine runs them,
            # without parsing the query or shaping the rows
            (prepared,) = client.engine.prepare(query)
            plan = client.engine.compile(prepared.query)
            t_plan, _ = timed(lambda: client.engine.run_plan(plan, draw=draw), runs)
            row["plan"], row["cypher"] = ms(t_plan), f"{t_plan / t_hand:.2f}x"
    return row


def ms(seconds: float) -> str:
    """Milliseconds, with a decimal under 10 ms."""
    value = seconds * 1000
    return f"{value:.1f} ms" if value < 10 else f"{value:,.0f} ms"


def profile(client: Client, query: str) -> list[str]:
    """Each statement of our plan run with PROFILE on Neo4j: time, rows, db hits and the
    operator with the most of them; inputs filled as the engine fills them."""
    import neo4j

    (prepared,) = client.engine.prepare(query)
    assert not isinstance(prepared.query, ir.ExplainIR)
    plan = client.engine.compile(prepared.query)
    driver = client.backend._driver  # type: ignore[attr-defined]
    out: dict[str, tuple[list[str], list[list[Any]]]] = {}
    answer = Answer(plan)
    lines = []
    for st in plan.statements:
        if not isinstance(st, Statement):  # worked out in Python, nothing to profile
            answer.put(st.name, st.run(client.backend.read, answer))
            continue
        params = dict(st.params)
        for param in st.inputs:
            params[param] = input_values(st, param, answer)
        started = time.perf_counter()
        with driver.session() as session:
            result = session.run(neo4j.Query("PROFILE " + st.cypher, timeout=60), params)
            out[st.name] = (list(result.keys()), [list(r.values()) for r in result])
            answer.put(st.name, out[st.name][1])
            summary = result.consume()
        ms = (time.perf_counter() - started) * 1000
        ops: list[tuple[int, str]] = []

        def walk(op: dict[str, Any], ops: list[tuple[int, str]] = ops) -> int:
            ops.append((op.get("dbHits", 0), op["operatorType"].split("@")[0]))
            return int(op.get("dbHits", 0)) + sum(walk(c) for c in op.get("children", []))

        hits = walk(summary.profile)
        top = max(ops)
        lines.append(
            f"  {st.name}: {ms:,.0f} ms, {len(out[st.name][1]):,} rows, {hits:,} db hits "
            f"(most: {top[1]}, {top[0]:,})"
        )
        if st.name.startswith("level") and len({r[0] for n in out for r in out[n][1]}) > 25_000:
            lines.append("  (the engine stops here: over the node cap)")
            break
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--neo4j", default="")
    parser.add_argument("--store", default="")
    parser.add_argument("--folder", default="")
    parser.add_argument("--corpus", action="store_true")
    parser.add_argument("--naive-limit", type=float, default=30.0)
    parser.add_argument(
        "--profile", action="store_true", help="PROFILE every statement on Neo4j instead"
    )
    args = parser.parse_args()

    from bpql.testing.synthetic import write_enterprise

    tmp = Path(tempfile.mkdtemp(prefix="bpql-bench-"))
    folder = Path(args.folder) if args.folder else tmp / "synthetic"
    if not (folder / "enterprise.yaml").exists():
        write_enterprise(folder, services=args.services)
    server = None
    clients: dict[str, Client] = {}
    if args.neo4j:
        clients["neo4j"] = connect(args.neo4j)
    else:
        from bpql.testing.neo4j_server import Neo4jServer

        server = Neo4jServer().start()
        os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"] = server.user, server.password
        clients["neo4j"] = connect(server.uri)
        started = time.perf_counter()
        clients["neo4j"].load(folder)
        print(f"loaded into Neo4j in {time.perf_counter() - started:.1f} s")
    store = Path(args.store) if args.store else tmp / "graph.lbdb"
    fresh = not store.exists()
    clients["ladybug"] = connect(f"embedded:{store}")
    if fresh:
        started = time.perf_counter()
        clients["ladybug"].load(folder)
        print(f"loaded into the embedded store in {time.perf_counter() - started:.1f} s")
    n_nodes = clients["ladybug"].backend.read("MATCH (n) RETURN count(*)", {})[1][0][0]
    print(
        f"synthetic enterprise: {args.services} services, {n_nodes:,} nodes; "
        f"median of {args.runs} runs after a warm-up"
    )

    jobs = list(JOBS)
    if args.corpus:
        jobs += [("corpus", q, None, None) for q in corpus()]
    if args.profile:
        for _, query, _, _ in jobs:
            if args.only and args.only not in query:
                continue
            try:
                lines = profile(clients["neo4j"], query.removesuffix(DRAWN))
            except BpqlError as err:
                lines = [f"  refused: {err.code}"]
            print(query, *lines, sep="\n", flush=True)
        jobs = []
    reset, peak = peak_rss()
    if jobs:
        print(
            f"{'what':8} {'query':62} {'store':7} {'ours':>9} {'by hand':>9} {'ratio':>6} "
            f"{'cypher':>9} {'ratio':>6} {'peak MB':>12}  answer"
        )
    for what, query, hand, naive in jobs:
        if args.only and args.only not in query:
            continue
        answers: dict[str, Any] = {}
        for kind, client in clients.items():
            row = measure(client, kind, query, hand, args.runs, reset, peak)
            answers[kind] = row.pop("answer")
            same = ""
            if kind == "ladybug":
                same = "same on both" if answers["ladybug"] == answers.get("neo4j") else "DIFFERS"
                if isinstance(answers[kind], str):
                    same = f"stopped: {answers[kind]}; {same}"
            print(
                f"{what:8} {query[:62]:62} {kind:7} {row['ours']:>9} {row['hand']:>9} "
                f"{row['ratio']:>6} {row['plan']:>9} {row['cypher']:>6} {row['peak']:>12}  {same}",
                flush=True,
            )
            if naive is not None:
                seen = naive_once(client.backend, kind, naive, args.naive_limit)
                print(f"{'':8}   naive (the plan this replaced): {seen}", flush=True)
        answers.clear()
    for c in clients.values():
        c.close()
    if server is not None:
        server.stop()


if __name__ == "__main__":
    main()
