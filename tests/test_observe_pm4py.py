"""Alignment fitness per variant, checked against PM4Py's alignment-based fitness. PM4Py is AGPL:
it is a cross-check only, in the `crosscheck` extra (`pip install -e '.[crosscheck]'`), never a
dependency of the package; without it these tests are skipped with that reason (in CI, .ci/run,
a missing PM4Py fails). Each of 24 generated logs runs over a random sequential blueprint
(customer and frontstage steps, some optional, backstage steps between them); every distinct
trace bpql observe aligned is aligned again by PM4Py against the same path as a Petri net (a
transition per step, a silent one beside each optional step) and the two fitness figures must be
equal.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from bpql.observe import analyse
from bpql.observe.analyse import observe
from bpql.observe.generate import generate
from bpql.observe.mapping import Mapping, read_mapping

if os.environ.get("BPQL_REQUIRE_CROSSCHECK") == "1":  # CI (.ci/run): a missing PM4Py fails
    import pm4py
else:
    pm4py = pytest.importorskip(
        "pm4py",
        reason="PM4Py (AGPL) is not installed: it is the cross-check of alignment fitness, "
        "installed with pip install -e '.[crosscheck]'",
    )

LOGS = 24
#: PM4Py's own use of numpy.matrix
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")


def sequential_enterprise(folder: Path, seed: int) -> None:
    """An enterprise whose one service is a sequence of steps: customer and frontstage
    steps (some optional), backstage work between them, a fail point and a wait standard."""
    rng = random.Random(seed)
    (folder / "services").mkdir(parents=True)
    (folder / "enterprise.yaml").write_text(
        "enterprise: Sequential\nroles: [{id: clerk, name: Clerk}]\n", encoding="utf-8"
    )
    lines = [
        "service: {id: seq, name: Sequential service}",
        "phases: [{id: all, name: All}]",
        "steps:",
    ]
    n = rng.randint(4, 10)
    for i in range(n):
        lane = rng.choice(["customer", "frontstage", "frontstage", "backstage"])
        if i in (0, n - 1):
            lane = "customer"
        step = [f"  - id: s{i}", f"    name: Step {i}", f"    lane: {lane}", "    phase: all"]
        if lane != "customer":
            step.append("    performed_by: clerk")
        if lane in ("customer", "frontstage") and 0 < i < n - 1 and rng.random() < 0.3:
            step.append("    optional: true")
        if rng.random() < 0.3:
            step.append(f"    max_wait: {rng.randint(5, 90)}m")
        if rng.random() < 0.3:
            step.append(
                f"    fail_points: [{{id: f{i}, name: Fails {i}, severity: 5, occurrence: 4, "
                "detection: 5}]"
            )
        lines += step
    (folder / "services" / "seq.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def pm4py_fitness(mapping: Mapping, traces: list[list[str]]) -> list[float]:
    """PM4Py's alignment-based fitness of each trace (labels: step names, or an activity's
    label) against the mapping's path as a Petri net."""
    from pm4py.algo.conformance.alignments.petri_net import algorithm as alignments
    from pm4py.objects.log.obj import Event, EventLog, Trace
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils import petri_utils

    net = PetriNet("blueprint")
    places = [PetriNet.Place(f"p{i}") for i in range(len(mapping.path) + 1)]
    for p in places:
        net.places.add(p)
    for j, local in enumerate(mapping.path):
        step = mapping.steps[local]
        moves = [PetriNet.Transition(f"t{j}", step.name)]
        if mapping.optional(local):
            moves.append(PetriNet.Transition(f"skip{j}", None))
        for t in moves:
            net.transitions.add(t)
            petri_utils.add_arc_from_to(places[j], t, net)
            petri_utils.add_arc_from_to(t, places[j + 1], net)
    initial, final = Marking({places[0]: 1}), Marking({places[-1]: 1})
    log = EventLog([Trace([Event({"concept:name": a}) for a in t]) for t in traces])
    results: list[dict[str, Any]] = alignments.apply_log(log, net, initial, final)
    return [float(r["fitness"]) for r in results]


@pytest.mark.parametrize("seed", range(LOGS))
def test_fitness_per_variant_equals_pm4py(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analyse, "VARIANTS_SHOWN", 10**9)  # every variant, not the top 20
    sequential_enterprise(tmp_path / "ent", seed)
    made = generate(tmp_path / "ent", "seq", tmp_path / "log", cases=400, seed=seed)
    mapping = read_mapping(made.mapping)
    observed = observe(mapping)
    variants = [v for p in observed.periods for v in p.variants]
    assert len(variants) >= 5, "the log has deviations to align"
    theirs = pm4py_fitness(mapping, [v.steps for v in variants])
    ours = [v.fitness for v in variants]
    assert ours == pytest.approx(theirs, abs=1e-12)
    assert any(f < 1 for f in ours) and any(f == 1 for f in ours)
