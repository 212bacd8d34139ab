"""bpql observe into both stores: the planted counts (every deviation type, breaches,
fall-out) come back through the language (new statements and plain fields) the same on
LadybugDB and Neo4j; observing a period again replaces it; a reload of the files keeps what
was observed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bpql.backends import connect
from bpql.load.protocol import state_file
from bpql.observe.generate import generate
from tests.conftest import EXAMPLES
from tests.test_load import bpql


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "embedded":
        yield f"embedded:{tmp_path / 'store' / 'graph.lbdb'}"
        return
    server = request.getfixturevalue("neo4j_env")
    yield str(server.uri)
    # the session's one Neo4j is shared, and a load keeps observations: leave it empty, or
    # every later module's insurer answers on Neo4j carry this test's observed volumes
    with connect(str(server.uri)) as backend:
        backend.write_transaction(lambda run: run("MATCH (n) DETACH DELETE n", {}))
    state_file(str(server.uri)).unlink(missing_ok=True)


def rows(db: str, query: str) -> list[dict[str, Any]]:
    done = bpql("query", query, "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    return [dict(zip(doc["columns"], r, strict=True)) for r in doc["rows"]]


def ok(*args: str) -> str:
    done = bpql(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def answers(db: str) -> dict[str, Any]:
    """Per period, what the store answers, in the generator's shape."""
    out: dict[str, Any] = {}
    for r in rows(db, 'conformance of service "claims"'):
        out[r["period"]] = {
            "cases": r["cases"],
            "completed": r["completed"],
            "fallen_out": r["fallen_out"],
            "open": r["open"],
            "stopped": {},
            "breaches": {},
            "missing": {},
            "irregular": {},
            "failed": {},
            "adhoc": {},
            "conformance": r["conformance"],
            "ftr": r["ftr"],
        }
    for r in rows(db, 'dropoff of service "claims"'):
        if r["stopped"]:
            out[r["period"]]["stopped"][r["step"].split(".", 1)[1]] = r["stopped"]
    steps = rows(
        db,
        'find observations where subject_kind = "step" return subject, period, wait_breaches, '
        "time_breaches, missing, irregular, failed",
    )
    for r in steps:
        local = r["subject"].split(".", 1)[1]
        at = out[r["period"]]
        for what in ("wait", "time"):
            if r[f"{what}_breaches"]:
                at["breaches"].setdefault(local, {})[what] = r[f"{what}_breaches"]
        for kind in ("missing", "irregular", "failed"):
            if r[kind]:
                at[kind][local] = r[kind]
    for r in rows(db, 'find observations where subject_kind = "blueprint" return period, adhoc'):
        for part in r["adhoc"].split("; ") if r["adhoc"] else []:
            label, n = part.rsplit(": ", 1)
            out[r["period"]]["adhoc"][label] = int(n)
    return out


def test_observed_on_the_store(tmp_path: Path, db: str) -> None:
    ok("load", str(EXAMPLES / "insurer"), "--db", db)
    made = generate(EXAMPLES / "insurer", "claims", tmp_path / "log", cases=900, seed=21)
    planted = json.loads(made.answers.read_text())["periods"]
    written = ok("observe", str(made.mapping), "--db", db)
    assert "written to" in written
    got = answers(db)
    assert sorted(got) == sorted(planted) == ["2026-01", "2026-02", "2026-03"]
    for pid, want in planted.items():
        have = got[pid]
        for key in ("cases", "completed", "fallen_out", "open", "stopped", "breaches"):
            assert have[key] == want[key], (pid, key)
        assert have["missing"] == want["deviations"]["missing"]
        assert have["irregular"] == want["deviations"]["irregular"]
        assert have["adhoc"] == want["deviations"]["adhoc"]
        failed: dict[str, int] = {}  # planted per step and fail point (or code), one a case
        for key, n in want["deviations"]["failed"].items():
            failed[key.split("|", 1)[0]] = failed.get(key.split("|", 1)[0], 0) + n
        assert have["failed"] == failed
        assert all(have[k] for k in ("missing", "irregular", "adhoc", "failed", "breaches"))
        assert have["conformance"] == pytest.approx(want["fitting"] / want["completed"])
        closed = want["completed"] + want["fallen_out"]
        assert have["ftr"] == pytest.approx(want["first_time_right"] / closed)

    # the latest period's figures are fields of the things themselves
    latest = planted["2026-03"]
    over = rows(
        db,
        "find steps where wait_p90 > max_wait or breach > 0 return id, breach order by breach desc",
    )
    assert {r["id"].split(".", 1)[1] for r in over} == set(latest["breaches"])
    fps = rows(db, "find failpoints where failures >= 0 return id, failures, occurrence_observed")
    want_fp = {k: v["failures"] for k, v in latest["failpoints"].items()}
    assert {r["id"].split(".", 1)[1]: r["failures"] for r in fps} == want_fp
    assert all(1 <= r["occurrence_observed"] <= 10 for r in fps)
    (bp,) = rows(db, 'find blueprints where observed_period = "2026-03" return id, cases')
    assert bp == {"id": "claims:as-is", "cases": latest["cases"]}

    # impact, what-if and risk answers show the observed volumes they touch
    impact = json.loads(
        ok("query", 'impact of system "claims-engine"', "--db", db, "--format", "json")
    )
    assert impact["columns"][-1] == "observed_cases"
    steps = impact["steps"]
    at = steps["columns"].index("step")
    mine = [r for r in steps["rows"] if r[0] == "Motor claims"]
    assert all(r[-1] == latest["reached"].get(r[at].split(".", 1)[1]) for r in mine)
    (claims,) = [r for r in impact["rows"] if r[0] == "Motor claims"]
    assert claims[-1] == max(r[-1] for r in mine if r[-1] is not None)
    risk = json.loads(ok("query", 'risk of system "claims-engine"', "--db", db, "--format", "json"))
    assert risk["columns"][-1] == "observed" and any(r[-1] for r in risk["rows"])
    at = risk["steps"]["columns"].index("step")
    mine = [r for r in risk["steps"]["rows"] if r[0] == "Motor claims"]
    assert risk["steps"]["columns"][-1] == "observed" and mine
    assert all(r[-1] == latest["reached"].get(r[at].split(".", 1)[1]) for r in mine)
    by_step = {r[at]: r[-1] for r in mine}  # a row per customer step: that step's cases
    assert {r[-1] for r in risk["rows"] if r[0] == "Motor claims"} <= set(by_step.values())

    # a reload of the same files keeps all of it and writes nothing
    again = ok("load", str(EXAMPLES / "insurer"), "--db", db)
    assert "no changes" in again
    assert answers(db) == got

    # observing one period again replaces that period only
    made2 = generate(EXAMPLES / "insurer", "claims", tmp_path / "log2", cases=500, seed=22)
    text = made2.mapping.read_text().replace(
        "periods: [2026-01, 2026-02, 2026-03]", "periods: [2026-02]"
    )
    made2.mapping.write_text(text)
    ok("observe", str(made2.mapping), "--db", db)
    after = answers(db)
    feb = json.loads(made2.answers.read_text())["periods"]["2026-02"]
    assert after["2026-02"]["cases"] == feb["cases"] != got["2026-02"]["cases"]
    assert after["2026-01"] == got["2026-01"] and after["2026-03"] == got["2026-03"]
    per_period = rows(db, 'find observations where subject = "claims:as-is" return period')
    assert sorted(r["period"] for r in per_period) == ["2026-01", "2026-02", "2026-03"]


def test_answers_without_observations_keep_their_shape(tmp_path: Path) -> None:
    db = f"embedded:{tmp_path / 'store' / 'graph.lbdb'}"
    ok("load", str(EXAMPLES / "insurer"), "--db", db)
    impact = json.loads(
        ok("query", 'impact of system "claims-engine"', "--db", db, "--format", "json")
    )
    assert "observed_cases" not in impact["columns"]
    assert "observed" not in impact["steps"]["columns"]


def test_observe_needs_the_blueprint_loaded(tmp_path: Path) -> None:
    db = f"embedded:{tmp_path / 'store' / 'graph.lbdb'}"
    ok("load", str(EXAMPLES / "clinic"), "--db", db)
    made = generate(EXAMPLES / "insurer", "claims", tmp_path / "log", cases=100, seed=3)
    done = bpql("observe", str(made.mapping), "--db", db)
    assert done.returncode != 0
    assert "holds no blueprint 'claims:as-is': load the enterprise first" in done.stderr
