"""The drift rules (`observed/*`): each fires on a generated log that shows the drift, at the
element it is about, and stays quiet on one that does not; with no `observe` setting they say
nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bpql.lint import lint_paths
from bpql.lint.config import load
from bpql.lint.registry import RULES
from bpql.observe.analyse import observe
from bpql.observe.generate import generate
from bpql.observe.mapping import read_mapping
from tests.conftest import EXAMPLES

TODAY = date(2026, 6, 1)
DRIFT = sorted(r for r in RULES if r.startswith("observed/"))


def setup(tmp: Path, scenario: str = "as-is", **options: Any) -> Path:
    """The insurer, a generated claims log beside it, and a bpql.toml naming its mapping."""
    shutil.copytree(EXAMPLES / "insurer", tmp / "insurer")
    made = generate(
        tmp / "insurer",
        "claims",
        tmp / "observed",
        scenario=scenario,
        cases=400,
        seed=31,
        name="claims",
        **options,
    )
    (tmp / "bpql.toml").write_text(
        '[lint]\nextends = ["bpql:all"]\nobserve = ["observed/claims-mapping.yaml"]\n',
        encoding="utf-8",
    )
    return made.mapping


def findings(tmp: Path, rule_id: str) -> list[Any]:
    report = lint_paths([tmp / "insurer"], load(tmp / "bpql.toml"), TODAY)
    return [f for f in report.findings if f.rule == rule_id]


def unmap(mapping: Path, step: str) -> None:
    lines = mapping.read_text().splitlines()
    mapping.write_text("\n".join(x for x in lines if not x.endswith(f": {step}")) + "\n")


def test_the_catalogue_has_the_five() -> None:
    assert DRIFT == [
        "observed/frequent-unmodelled-activity",
        "observed/occurrence-contradicted",
        "observed/standard-breached-by-most",
        "observed/step-never-observed",
        "observed/to-be-step-not-adopted",
    ]


def test_step_never_observed(tmp_path: Path) -> None:
    mapping = setup(tmp_path)
    assert findings(tmp_path, "observed/step-never-observed") == []
    unmap(mapping, "book-adjuster")
    (f,) = findings(tmp_path, "observed/step-never-observed")
    assert f.element == "claims.book-adjuster" and f.span.file.endswith("claims.yaml")
    assert "no activity of the log maps to it" in f.message


def test_frequent_unmodelled_activity(tmp_path: Path) -> None:
    mapping = setup(tmp_path)
    assert findings(tmp_path, "observed/frequent-unmodelled-activity") == []
    unmap(mapping, "book-adjuster")
    (f,) = findings(tmp_path, "observed/frequent-unmodelled-activity")
    assert f.element == "claims:as-is" and "'Book loss adjuster visit' occurs in" in f.message


def test_to_be_step_not_adopted(tmp_path: Path) -> None:
    mapping = setup(tmp_path, scenario="to-be")
    assert findings(tmp_path, "observed/to-be-step-not-adopted") == []
    observed = read_mapping(mapping)
    as_is = read_mapping(mapping).enterprise.graph.nodes["Step"]
    old = {n["id"].split(".", 1)[1] for n in as_is if n["id"].startswith("claims.")}
    new = sorted(s for s in observed.steps if s not in old and not observed.steps[s].optional)
    assert new, "the to-be has steps of its own"
    unmap(mapping, new[0])
    (f,) = findings(tmp_path, "observed/to-be-step-not-adopted")
    assert f.element == f"claims:to-be.{new[0]}" and "has not adopted it" in f.message


def test_standard_breached_by_most(tmp_path: Path) -> None:
    setup(tmp_path / "quiet")
    assert findings(tmp_path / "quiet", "observed/standard-breached-by-most") == []
    mapping = setup(tmp_path / "loud", breach=0.9)
    found = findings(tmp_path / "loud", "observed/standard-breached-by-most")
    steps = read_mapping(mapping).steps.values()
    standards = {s.id for s in steps if s.max_wait is not None or s.target_time is not None}
    assert {f.element for f in found} == standards
    assert all(f.severity == "error" for f in found)


def test_occurrence_contradicted(tmp_path: Path) -> None:
    mapping = setup(tmp_path)
    figures = observe(read_mapping(mapping)).periods[-1].failpoints
    want = {
        f.id
        for f in figures
        if f.occurrence_observed is not None
        and f.cases >= 30
        and abs(f.occurrence_observed - f.occurrence) >= 2
    }
    assert want, "the generated rates contradict some ratings"
    found = findings(tmp_path, "observed/occurrence-contradicted")
    assert {f.element for f in found} == want
    assert all(f.span.file.endswith("claims.yaml") for f in found)
    text = mapping.read_text()
    mapping.write_text(text.split("outcomes:")[0] + "accept:" + text.split("accept:")[1])
    assert findings(tmp_path, "observed/occurrence-contradicted") == []


@pytest.mark.parametrize("rule_id", DRIFT)
def test_without_observe_the_drift_rules_say_nothing(rule_id: str, tmp_path: Path) -> None:
    setup(tmp_path, breach=0.9)
    (tmp_path / "bpql.toml").write_text('[lint]\nextends = ["bpql:all"]\n', encoding="utf-8")
    assert findings(tmp_path, rule_id) == []
