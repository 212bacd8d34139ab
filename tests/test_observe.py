"""bpql observe, its core (no store): generated logs with planted deviations, waits over the
standards and fall-out are read back with exactly the planted counts; the alignment on small
hand-made traces; periods, time zones and the order of equal timestamps."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bpql.observe.align import Path as AlignPath
from bpql.observe.align import align
from bpql.observe.analyse import observe
from bpql.observe.figures import Observed
from bpql.observe.generate import generate
from bpql.observe.mapping import Mapping, read_mapping
from tests.conftest import EXAMPLES


def planted_and_found(observed: Observed, mapping: Mapping) -> dict[str, Any]:
    """What the analysis found, in the shape the generator writes its answers in."""
    cut = len(mapping.prefix) + 1
    found: dict[str, Any] = {}
    for p in observed.periods:
        dev: dict[str, dict[str, int]] = {"missing": {}, "adhoc": {}, "irregular": {}, "failed": {}}
        for d in p.deviations:
            if d.kind == "adhoc":
                dev["adhoc"][d.what or ""] = d.cases
            elif d.kind == "failed":
                what = d.what or ""
                what = what[cut:] if what.startswith(mapping.prefix + ".") else what
                dev["failed"][f"{d.step or ''}|{what}"] = d.cases
            else:
                dev[d.kind][d.step or ""] = d.cases
        breaches: dict[str, dict[str, int]] = {}
        for s in p.steps:
            if s.wait_breaches:
                breaches.setdefault(s.step, {})["wait"] = s.wait_breaches
            if s.time_breaches:
                breaches.setdefault(s.step, {})["time"] = s.time_breaches
        found[p.period] = {
            "cases": p.cases,
            "completed": p.completed,
            "fallen_out": p.fallen_out,
            "open": p.open,
            "fitting": p.fitting,
            "first_time_right": p.first_time_right,
            "deviations": dev,
            "breaches": breaches,
            "stopped": {s.step: s.stopped for s in p.steps if s.stopped},
            "reached": {s.step: s.observed for s in p.steps if s.observed},
            "failpoints": {
                f.id[cut:]: {"failures": f.failures, "cases": f.cases} for f in p.failpoints
            },
        }
    return found


GENERATED = [
    ("insurer", "claims", "as-is", True, 11),
    ("insurer", "claims", "to-be", True, 12),
    ("insurer", "quote", "as-is", True, 13),
    ("clinic", "check-in", "as-is", False, 14),
    ("clinic", "lab-tests", "as-is", False, 15),
]


@pytest.mark.parametrize(
    ("enterprise", "service", "scenario", "starts", "seed"),
    GENERATED,
    ids=[f"{e}-{s}-{sc}" for e, s, sc, _, _ in GENERATED],
)
def test_planted_answers_are_found(
    tmp_path: Path, enterprise: str, service: str, scenario: str, starts: bool, seed: int
) -> None:
    """Every planted deviation (by type and step), wait and service-time breach, fall-out
    (by the step a case stopped after), open case, fitting and first-time-right case, and
    every fail point's failures per case reaching its step, with the planted counts."""
    made = generate(
        EXAMPLES / enterprise,
        service,
        tmp_path,
        scenario=scenario,
        cases=1500,
        seed=seed,
        starts=starts,
    )
    planted = json.loads(made.answers.read_text())["periods"]
    mapping = read_mapping(made.mapping)
    found = planted_and_found(observe(mapping), mapping)
    for pid in planted:
        for key in planted[pid]["failpoints"]:
            found[pid]["failpoints"].setdefault(key, {"failures": 0, "cases": 0})
    assert found == planted
    kinds = Counter(k for p in planted.values() for k, v in p["deviations"].items() if v)
    assert set(kinds) == {"missing", "adhoc", "irregular", "failed"}, "every type planted"
    assert any(p["stopped"] for p in planted.values()) and any(p["open"] for p in planted.values())
    assert any(p["breaches"] for p in planted.values())


def test_accepted_activities_and_unmapped_labels_are_counted(tmp_path: Path) -> None:
    made = generate(EXAMPLES / "insurer", "claims", tmp_path, cases=600, seed=2)
    observed = observe(read_mapping(made.mapping))
    assert observed.accepted == ["Send reminder"]
    assert set(observed.unmapped) == {
        "Send reminder",
        "Chase by phone",
        "Escalate to manager",
        "Manual correction",
    }
    events, cases = observed.unmapped["Send reminder"]
    assert events == cases > 0
    assert observed.unmapped_outcomes == {"ERR-UNKNOWN": observed.unmapped_outcomes["ERR-UNKNOWN"]}


def _path(*steps: str) -> AlignPath:
    """`a`, `b?` (optional)."""
    return AlignPath(tuple(s.rstrip("?") for s in steps), tuple(not s.endswith("?") for s in steps))


@pytest.mark.parametrize(
    ("trace", "cost"),
    [
        ([0, 1, 2, 3], 0),
        ([0, 2, 3], 0),  # b is optional: skipping it costs nothing
        ([0, 1, 3], 1),  # c missing: one move on the model
        ([2, 0, 1, 3], 2),  # c out of place: a move on the log and one on the model
        ([0, -1, 1, 2, 3], 1),  # an activity with no step: a move on the log
        ([0, 1, 1, 2, 3], 1),  # b again
        ([], 3),  # nothing observed: the three required steps on the model
    ],
)
def test_alignment_cost_and_fitness(trace: list[int], cost: int) -> None:
    """Fitness is 1 - cost / (events + required steps), PM4Py's alignment-based fitness."""
    path = _path("a", "b?", "c", "d")
    got = align(trace, path)
    assert got.cost == cost
    assert got.fitness == pytest.approx(1 - cost / (len(trace) + 3))
    assert got.fits == (cost == 0)


def test_a_moved_step_is_the_one_marked() -> None:
    """A step done after the next two is a log move of that step and a model move of it, so
    it is typed irregular, not its neighbours missing."""
    path = _path("a", "b", "c", "d", "e")
    got = align([0, 2, 3, 1, 4], path)
    assert got.cost == 2
    assert [m for m in got.moves if m[0] != "sync"] == [("model", -1, 1), ("log", 3, -1)]


def test_metric_readings_and_their_trend(tmp_path: Path) -> None:
    """Readings give each metric its latest value, a mean per period and a trend said against
    its target (cycle time 14 days, NPS 45): a line nearer the target at its end is towards
    it, farther away, within 1% of the target steady; a metric with no reading has none."""
    made = generate(EXAMPLES / "insurer", "claims", tmp_path, cases=200, seed=5)
    assert made.readings is not None
    rows = ["metric,date,value"]
    for day, cycle, nps in [("2026-01-05", 20, 60), ("2026-02-05", 18, 62), ("2026-03-05", 16, 64)]:
        rows += [f"cycle-time,{day},{cycle}", f"claims-nps,{day},{nps}"]
    made.readings.write_text("\n".join(rows) + "\n", encoding="utf-8")
    found = {m.local: m for m in observe(read_mapping(made.mapping)).metrics}
    cycle, nps = found["cycle-time"], found["claims-nps"]
    assert (cycle.target, cycle.latest, cycle.trend) == (14, 16, "towards the target")
    assert (nps.target, nps.latest, nps.trend) == (45, 64, "away from the target")
    assert cycle.periods == {"2026-01": 20, "2026-02": 18, "2026-03": 16}
    assert (cycle.readings, cycle.first, cycle.last) == (3, "2026-01-05", "2026-03-05")
    flat = ["metric,date,value", "cycle-time,2026-01-05,15", "cycle-time,2026-03-05,15.1"]
    made.readings.write_text("\n".join(flat) + "\n", encoding="utf-8")
    found = {m.local: m for m in observe(read_mapping(made.mapping)).metrics}
    assert found["cycle-time"].trend == "steady"
    assert (found["claims-nps"].readings, found["claims-nps"].trend) == (0, None)


def test_observed_occurrence_rerated_on_the_scale() -> None:
    """An observed rate is placed on the scale's own wording (the nearest rate, on a log
    scale); no failure in n cases counts as 3 in n; an enterprise's own scale is used when
    its words name rates, the packaged one otherwise."""
    from bpql.analysis.fmea import default_scales
    from bpql.observe.risk import scale_of

    packaged = scale_of(default_scales()["occurrence"])
    assert packaged.rating(1, 500) == 5  # About 1 in 500
    assert packaged.rating(1, 100) == 6
    assert packaged.rating(5, 100) == 8  # 1 in 20
    assert packaged.rating(1, 10) == 9
    assert packaged.rating(100, 100) == 10  # every time
    assert packaged.rating(0, 3000) == 4  # 3 in 3,000: about 1 in 1,000
    assert packaged.rating(0, 30) == 9  # too few cases to claim better than 1 in 10
    assert packaged.rating(0, 0) is None
    own = scale_of({1: "Never", 3: "1 in 1,000 claims", 5: "1%", 8: "1 in 10 claims"})
    assert not own.fallback and own.rating(1, 100) == 5 and own.rating(1, 2000) == 3
    assert scale_of({1: "rare", 5: "often"}).fallback


def test_failpoints_rerated_with_their_action_priority(tmp_path: Path) -> None:
    """Each mapped fail point's observed rating is its rate on the scale, and its action
    priority the enterprise's AIAG-VDA table's for (severity, that rating, detection)."""
    from bpql.analysis.fmea import default_scales, default_table
    from bpql.observe.risk import scale_of

    made = generate(EXAMPLES / "insurer", "claims", tmp_path, cases=1500, seed=31)
    scale, table = scale_of(default_scales()["occurrence"]), default_table()
    figures = [f for p in observe(read_mapping(made.mapping)).periods for f in p.failpoints]
    assert any(f.failures for f in figures)
    for f in figures:
        assert f.occurrence_observed == scale.rating(f.failures, f.cases), f.id
        assert f.occurrence_observed is not None
        assert f.ap_observed == table.ap(f.severity, f.occurrence_observed, f.detection), f.id
    assert any(f.ap_observed != f.ap for f in figures), "the data changes some priorities"
