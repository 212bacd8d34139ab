"""A load killed half way leaves the graph exactly as it was before the load.

A synthetic enterprise, written by `big_enterprise`, is large enough that a load takes many
batches. The CLI prints `load: done/total` after each batch when BPQL_PROGRESS=plain; after a
few of those lines the test kills the client (both stores) or the Neo4j server (only when the
test session started that server itself), then compares a dump of the whole graph with the one
taken before the load.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bpql.backends import connect
from tests.neo4j_fixture import require_managed
from tests.test_load import GOOD, ROOT, Store, embedded_store, neo4j_store

#: kill -9 trials and wheel builds run in the full suite, not the fast loop
pytestmark = pytest.mark.slow

LANES = ("customer", "frontstage", "backstage", "support")
KILL_AFTER = 3  # progress lines seen before the kill


def big_enterprise(root: Path, services: int = 150, steps: int = 40) -> Path:
    """Write an enterprise of `services` as-is blueprints of `steps` steps each.

    Each step has a touchpoint or roles and systems, evidence, a fail point on every fifth,
    and supports the step before it when that one is in a higher lane, so that most node and
    relationship types span several batches.
    """
    (root / "services").mkdir(parents=True)
    ent = ["enterprise: Big Co", "departments:"]
    ent += [f"  - {{id: dept-{d}, name: Department {d}}}" for d in range(10)]
    ent.append("roles:")
    ent += [f"  - {{id: role-{r}, name: Role {r}, department: dept-{r % 10}}}" for r in range(40)]
    ent.append("systems:")
    ent += [
        f"  - {{id: sys-{s}, name: System {s}, owner: dept-{s % 10}"
        + (f", depends_on: [sys-{s - 1}]" if s else "")
        + "}"
        for s in range(30)
    ]
    ent.append("touchpoints:")
    ent += [f"  - {{id: tp-{t}, name: Touchpoint {t}, channel: web}}" for t in range(20)]
    ent += ["personas:", "  - {id: everyone, name: Everyone}"]
    (root / "enterprise.yaml").write_text("\n".join(ent) + "\n")
    for s in range(services):
        lines = [
            f"service: {{id: svc-{s}, name: Service {s}}}",
            "personas: [everyone]",
            "phases:",
            "  - {id: before, name: Before}",
            "  - {id: during, name: During}",
            "  - {id: after, name: After}",
            "evidence:",
            "  - {id: letter, name: Letter}",
            "  - {id: page, name: Web page}",
            "steps:",
        ]
        for i in range(steps):
            lane = LANES[i % 4]
            phase = ("before", "during", "after")[i * 3 // steps]
            parts = [f"id: step-{i}", f"name: Step {i}", f"lane: {lane}", f"phase: {phase}"]
            if lane == "customer":
                parts += [f"touchpoint: tp-{(s + i) % 20}", "shows: [letter, page]"]
            else:
                parts += [
                    f"performed_by: [role-{(s + i) % 40}, role-{(s + i + 1) % 40}]",
                    f"uses: [sys-{(s + i) % 30}, sys-{(s + i + 7) % 30}]",
                    f"supports: [step-{i - 1}]",
                    "target_time: 5m",
                ]
            if i % 5 == 0:
                parts.append(
                    f"fail_points: [{{id: fp-{i}, name: Fail {i}, severity: 5, occurrence: 3, "
                    "detection: 2}]"
                )
            lines.append("  - {" + ", ".join(parts) + "}")
        lines += [
            "metrics:",
            "  - {id: speed, name: Speed, target: 5, unit: days, measures: [step-0, step-4]}",
        ]
        (root / "services" / f"svc-{s}.yaml").write_text("\n".join(lines) + "\n")
    return root


def test_big_enterprise_is_valid(tmp_path: Path) -> None:
    from bpql.model.validate import validate_paths

    graph = validate_paths([big_enterprise(tmp_path / "big", services=3, steps=40)]).graph
    assert len(graph.nodes["Step"]) == 120
    assert len(graph.rels["SUPPORTS"]) == 90


def start_load(
    store: Store, source: str | Path, stdout: int = subprocess.DEVNULL, **env: str
) -> subprocess.Popen[str]:
    """`bpql load source` into `store` as a process of its own, its standard error piped (the
    progress lines and test markers); `env` on top of the store's."""
    return subprocess.Popen(
        [sys.executable, "-m", "bpql.cli", "load", str(source), "--db", store.uri],
        cwd=ROOT,
        env={**store.env, **env},
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
    )


def _ended(proc: subprocess.Popen[str]) -> None:
    """The load stopped (killed if it still runs) and its pipes closed: nothing left behind."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def kill_mid_load(store: Store, big: Path, kill: Callable[[subprocess.Popen[str]], None]) -> str:
    """Start `bpql load big`, call `kill` after a few progress lines; return what it printed."""
    proc = start_load(store, big, subprocess.PIPE, BPQL_PROGRESS="plain")
    assert proc.stderr is not None and proc.stdout is not None
    seen: list[str] = []
    try:
        for line in proc.stderr:
            seen.append(line)
            if line.startswith("load: "):
                done, total = map(int, line.split()[1].split("/"))
                if sum(s.startswith("load: ") for s in seen) >= KILL_AFTER:
                    assert done < total, "the load finished before it could be killed"
                    kill(proc)
                    break
        else:
            pytest.fail("the load ended without progress lines:\n" + "".join(seen))
        rest = proc.stderr.read()
        proc.wait(timeout=180)
        out = proc.stdout.read()
    finally:
        _ended(proc)
    assert proc.returncode != 0, "the load was not stopped"
    assert out == "", "the load reported success"
    return "".join(seen) + rest


def sigkill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)


def test_client_killed_mid_load_leaves_the_graph_as_it_was(store: Store, tmp_path: Path) -> None:
    store.load(GOOD)
    before = store.dump()
    big = big_enterprise(tmp_path / "big")
    kill_mid_load(store, big, sigkill)
    # what queries read is the graph from before (on Neo4j a staged graph may sit beside it)
    assert store.dump(live=store.kind == "neo4j") == before
    store.load(GOOD)  # the store still takes writes: no lock or half transaction left behind
    assert store.dump() == before  # and the next load removed what the killed one staged


@pytest.mark.neo4j
def test_server_killed_mid_load_leaves_the_graph_as_it_was(
    neo4j_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_managed(neo4j_server, "it is not ours to kill")
    server = neo4j_server.server
    store = neo4j_store(neo4j_server, monkeypatch)
    store.load(GOOD)
    before = store.dump()
    big = big_enterprise(tmp_path / "big")
    started = time.monotonic()
    # kill the server, then let the client give up on its own: it must end with one line
    output = kill_mid_load(store, big, lambda proc: server.kill())
    assert "Traceback" not in output, output
    last = output.strip().splitlines()[-1]
    assert last.startswith("error: ") and store.uri in last, output
    assert time.monotonic() - started < 170
    server.restart()
    assert store.dump(live=True) == before
    assert store.stats()["nodes"]["Step"] == 15
    store.load(GOOD)  # removes what the dead load staged (its process is gone)
    assert store.dump() == before


#: kill -9 trials of the embedded load: during the commit (after the marker the load prints
#: just before it switches the stores) and at random moments
COMMIT_KILLS = 14
RANDOM_KILLS = 8
MARKER = "bpql-test: switching"


def _state(store: Store, graphs: dict[str, dict[str, dict[str, int]]]) -> str:
    """Which of `graphs` the store holds now (it must open, read-only, and hold one)."""
    with connect(store.uri, create=False, read_only=True) as backend:
        counts = backend.counts()
    found = [name for name, c in graphs.items() if c == counts]
    assert found, f"the store holds neither graph: {counts}"
    return found[0]


def test_embedded_load_killed_at_any_moment_leaves_the_old_graph_or_the_new(
    tmp_path: Path,
) -> None:
    """SIGKILL `bpql load` on the embedded store during its switch and at random moments:
    every time, the store opens and holds exactly the graph from before or after the load."""
    import random

    from bpql.testing.synthetic import write_enterprise

    rnd = random.Random(14)
    store = embedded_store(tmp_path)
    big = write_enterprise(tmp_path / "big", services=60)
    sources = {"good": str(ROOT / GOOD), "big": str(big)}
    graphs = {}
    for name, src in sources.items():
        store.load(src)
        graphs[name] = store.stats()
    started = time.monotonic()
    store.load(sources["good"])
    full = time.monotonic() - started
    killed_in_switch = 0
    outcomes: list[tuple[str, str, str]] = []
    for trial in range(COMMIT_KILLS + RANDOM_KILLS):
        before = _state(store, graphs)
        target = "big" if before == "good" else "good"
        proc = start_load(store, sources[target], BPQL_TEST_COMMIT_MARKER=MARKER)
        assert proc.stderr is not None
        try:
            if trial < COMMIT_KILLS:
                for line in proc.stderr:
                    if line.strip() == MARKER:
                        break
                else:
                    pytest.fail("the load ended without reaching its switch")
                time.sleep(rnd.uniform(0, 0.03))
                killed_in_switch += proc.poll() is None
            else:
                time.sleep(rnd.uniform(0, full * 1.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        finally:
            _ended(proc)
        after = _state(store, graphs)
        assert after in (before, target)
        outcomes.append((before, target, after))
    print(f"killed in the switch: {killed_in_switch}; (before, load, after): {outcomes}")
    assert killed_in_switch >= COMMIT_KILLS // 2, outcomes
    assert {after for _, _, after in outcomes} == {"good", "big"}, outcomes
    # what a kill leaves beside the store (a half-built store) goes with the next load
    store.load(sources["good"])
    assert _state(store, graphs) == "good"
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("graph.lbdb"))
    assert left == ["graph.lbdb", "graph.lbdb.lock", "graph.lbdb.state"], left


#: the phases of a Neo4j load staged in bounded transactions (bpql/backends/staging.py)
STAGED_PHASES = ("stage", "switch-out", "switch-in", "clean")


@pytest.mark.neo4j
@pytest.mark.parametrize("phase", STAGED_PHASES)
def test_neo4j_staged_load_killed_in_each_phase_leaves_one_whole_graph(
    phase: str, neo4j_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL a Neo4j load written in batches of 100 rows in the middle of each phase: a
    reader then sees the graph from before (staging) or after (clean-up) whole, or, in the
    middle of the switch, says in one line that the next load finishes it; the next load
    leaves exactly the files' graph and nothing of the killed one."""
    from tests.test_load import bpql

    store = neo4j_store(neo4j_server, monkeypatch)
    store.load(GOOD)
    before = store.stats()
    big = big_enterprise(tmp_path / "big", services=12, steps=20)
    fresh = embedded_store(tmp_path / "fresh")
    fresh.load(big)
    proc = start_load(
        store, big, BPQL_BATCH_SIZE="100", BPQL_TEST_PHASES="1", BPQL_PROGRESS="plain"
    )
    assert proc.stderr is not None
    seen: list[str] = []
    try:
        entered = False
        for line in proc.stderr:
            seen.append(line)
            if line.strip() == f"bpql-test: phase {phase}":
                entered = True
            elif entered and line.startswith("load: "):
                proc.send_signal(signal.SIGKILL)
                break
        else:
            pytest.fail(f"the load ended before its {phase} phase:\n" + "".join(seen))
        proc.wait(timeout=60)
    finally:
        _ended(proc)
    stats = bpql("stats", "--db", store.uri, "--format", "json", env=store.env)
    if phase == "stage":
        assert stats.returncode == 0 and json.loads(stats.stdout) == before, stats.stderr
    elif phase == "clean":
        assert stats.returncode == 0 and json.loads(stats.stdout) == fresh.stats(), stats.stderr
    else:
        stats = bpql("stats", "--db", store.uri, env=store.env)  # the error as text
        lines = stats.stderr.strip().splitlines()
        assert stats.returncode == 3 and len(lines) == 1, stats.stderr
        assert "in the middle of switching to a newly loaded graph" in lines[0]
        assert "run `bpql load` again to finish it" in lines[0]
    store.load(big)
    assert store.dump() == fresh.dump()
    with connect(store.uri, create=False, read_only=True) as backend:
        _, rows = backend.read("MATCH (n) UNWIND labels(n) AS l RETURN DISTINCT l", {})
    left = sorted(str(label) for (label,) in rows if str(label).startswith("Bpql"))
    assert left == ["BpqlLoad"], left
    with connect(store.uri, create=False, read_only=True) as backend:
        _, rows = backend.read("MATCH (s:BpqlLoad) RETURN s.id", {})
    assert [r[0] for r in rows] == ["load"]
