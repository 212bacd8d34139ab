"""`bpql review` on scripted edits of the example enterprises in a real git repository.

Each edit of tests/review_edits.py is committed on a branch of its own from `base`, and its
review is checked twice: the facts a reviewer needs, written out here by hand, and the whole
JSON answer and Markdown comment as syrupy snapshots (`--snapshot-update` rewrites them; read
the diff). The impact of a changed shared thing runs `impact of` on a real embedded store.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from bpql.errors import BlueprintError, BpqlError
from bpql.review import Review, review, review_range
from bpql.review.formats import FORMATS, MARKER, markdown, md
from tests.conftest import ROOT
from tests.review_edits import EDITS, commit_edit, git, make_repo, replace
from tests.test_load import bpql

TODAY = date(2026, 6, 1)
SHA = re.compile(r"\b[0-9a-f]{40}\b|\b[0-9a-f]{7}\b")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("review") / "repo")
    for edit in EDITS:
        commit_edit(repo, edit)
    git(repo, "checkout", "-q", "main")
    return repo


@pytest.fixture(scope="module")
def reviews(repo: Path) -> dict[str, Review]:
    return {e.name: review("base", e.name, repo / e.path, today=TODAY) for e in EDITS}


def blueprint(r: Review, bid: str) -> Any:
    found = [b for b in r.blueprints if b.blueprint == bid]
    assert len(found) == 1, [b.blueprint for b in r.blueprints]
    return found[0]


def failing(r: Review) -> set[str]:
    return {h.condition for h in r.gate.hits if h.fails}


# --- what each edit must show, by hand ----------------------------------------------------------


def check_move_role(r: Review) -> None:
    (s,) = r.shared
    assert (s.label, s.id, s.change) == ("Role", "claims-handler", "changed")
    assert s.fields == {"department": ("claims", "customer-service")}
    assert s.at is not None and s.at.file == "insurer/enterprise.yaml" and s.at.line == 24
    assert s.reach is not None and s.reach.services == [("claims", "Motor claims")]
    assert {"claims.submit-claim", "claims.host-adjuster"} <= set(s.reach.moments_of_truth)
    assert blueprint(r, "claims:as-is").handoffs_added == [
        ("take-fnol", "register-claim"),
        ("book-adjuster", "inspect-damage"),
        ("inspect-damage", "decide-claim"),
        ("decide-claim", "pay-settlement"),
    ]
    assert r.labels == ["customer-visible", "moment-of-truth"]
    assert not r.gate.failed
    assert [f.rule for f in r.lint.new] == ["handoff/three-department-chain"]


def check_retire_dependency(r: Review) -> None:
    (s,) = r.shared
    assert (s.label, s.id) == ("System", "quote-portal")
    assert s.fields == {"depends_on": (("crm", "rating-engine"), ("rating-engine",))}
    assert s.reach is not None and [i for i, _ in s.reach.services] == ["quote"]
    assert [c.id for c in s.reach.customer_steps] == [
        "quote.advise-cover",
        "quote.call-sales",
        "quote.pay-first",
    ]
    assert r.blueprints == [] and r.labels == ["customer-visible"]


def check_add_step_with_touchpoint(r: Review) -> None:
    b = blueprint(r, "claims:as-is")
    (s,) = b.steps_added
    assert (s.id, s.lane, s.phase, s.touchpoints) == (
        "claims.chat-about-payment",
        "customer",
        "close",
        ("web-chat",),
    )
    assert s.at is not None and (s.at.file, s.at.line) == ("insurer/services/claims.yaml", 141)
    assert b.uses == {"channels": (["chat"], [])}
    assert [(f.rule, f.element) for f in r.lint.new] == [
        ("support/customer-step-unsupported", "claims.chat-about-payment")
    ]
    assert r.labels == ["customer-visible"] and not r.gate.failed


def check_change_standard(r: Review) -> None:
    b = blueprint(r, "claims:as-is")
    fields = {c.id: c.fields for c in b.steps_changed}
    assert fields == {
        "claims.call-claims-line": {"max_wait": (10.0, 30.0)},
        "claims.take-fnol": {"target_time": (15.0, 25.0)},
    }
    assert b.customer_path["target_time"] == (75.0, 85.0)
    assert b.customer_path["total_wait"] == (10.0, 30.0)
    slower = [h for h in r.gate.hits if h.condition == "customer-path-slower"]
    assert len(slower) == 2 and not any(h.fails for h in slower) and not r.gate.failed


def check_add_high_fail_point(r: Review) -> None:
    (f,) = r.risk.added
    assert (f.id, f.on, f.ap, f.rpn, f.action, f.owner) == (
        "claims.wrong-liability",
        "claims.decide-claim",
        "high",
        378,
        None,
        None,
    )
    assert [x.id for x in r.risk.new_high] == [x.id for x in r.risk.attention] == [f.id]
    assert failing(r) == {"high-priority-without-action"}
    assert r.labels == ["high-priority-added"]
    assert blueprint(r, "claims:as-is").fail_added == ["claims.wrong-liability"]


def check_rename_id(r: Review) -> None:
    (s,) = r.shared
    assert (s.change, s.id, s.renamed_from) == ("renamed", "first-notice-handler", "fnol-handler")
    changed = {c.id: c.fields for b in r.blueprints for c in b.steps_changed}
    assert changed == {
        "claims.take-fnol": {"roles": (("fnol-handler",), ("first-notice-handler",))},
        "claims:to-be.chat-support": {"roles": (("fnol-handler",), ("first-notice-handler",))},
    }
    assert s.reach is not None and s.reach.revision == "head" and s.reach.steps == 4


def check_whitespace_only(r: Review) -> None:
    assert not r.semantic
    assert r.labels == ["no-semantic-change"]
    assert r.files_changed == ["insurer/enterprise.yaml", "insurer/services/claims.yaml"]
    assert r.blueprints == [] and r.shared == [] and not r.gate.hits


def check_remove_moment_of_truth(r: Review) -> None:
    b = blueprint(r, "claims:as-is")
    assert b.moments_removed == ["claims.host-adjuster"]
    assert failing(r) == {"moment-of-truth-removed"}
    (hit,) = [h for h in r.gate.hits if h.fails]
    assert hit.at is not None and (hit.at.file, hit.at.line) == ("insurer/services/claims.yaml", 86)
    assert [f.rule for f in r.lint.fixed] == ["standards/moment-of-truth-without-standard"]
    assert r.lint.fixed[0].at.line == 86


def check_rerate_fail_point(r: Review) -> None:
    (c,) = r.risk.rerated
    assert c.after.id == "claims.cover-misread"
    assert c.fields["ap"] == ("high", "low") and c.fields["rpn"] == (216, 54)
    assert [x.after.id for x in r.risk.priority_changes] == ["claims.cover-misread"]
    assert r.labels == [] and not r.gate.failed


def check_add_handoff(r: Review) -> None:
    b = blueprint(r, "claims:as-is")
    assert b.handoffs_added == [
        ("inspect-damage", "decide-claim"),
        ("decide-claim", "pay-settlement"),
    ]
    assert b.handoffs_removed == []
    assert b.uses == {"departments": (["underwriting"], [])}
    assert {h.condition for h in r.gate.hits} == {"handoffs-added"}


def check_change_channel(r: Review) -> None:
    (s,) = r.shared
    assert (s.label, s.id, s.fields) == ("Touchpoint", "web-chat", {"channel": ("chat", "app")})
    assert s.reach is not None
    assert [c.id for c in s.reach.customer_steps] == [
        "claims:to-be.chat-support",
        "claims:to-be.submit-claim",
    ]
    assert s.reach.moments_of_truth == ["claims:to-be.submit-claim"]
    assert blueprint(r, "claims:to-be").uses == {"channels": ([], ["chat"])}


def check_delete_service(r: Review) -> None:
    b = blueprint(r, "complaints:as-is")
    assert b.status == "removed" and len(b.steps_removed) == 11
    assert b.moments_removed == ["complaints.read-response"]
    assert [f.id for f in r.risk.removed] == ["complaints.deadline-missed", "complaints.not-logged"]
    assert failing(r) == {"moment-of-truth-removed"}
    assert {h.condition for h in r.gate.hits} == {
        "moment-of-truth-removed",
        "customer-step-removed",
        "blueprint-removed",
        "lint-finding-added",
    }
    assert sorted(f.element for f in r.lint.new) == ["complaints-handler", "team-leader"]


def check_add_service(r: Review) -> None:
    b = blueprint(r, "flu-jab:as-is")
    assert b.status == "added" and [s.id for s in b.steps_added] == [
        "flu-jab.book-jab",
        "flu-jab.get-jab",
        "flu-jab.give-jab",
    ]
    assert b.moments_added == ["flu-jab.get-jab"] and b.file == "clinic/services/flu-jab.yaml"
    assert r.enterprise == "clinic" and r.labels == ["customer-visible", "moment-of-truth"]


def check_describe_step(r: Review) -> None:
    (b,) = r.blueprints
    (o,) = b.other
    assert (o.label, o.id, o.field) == ("Step", "claims.submit-claim", "description")
    assert r.semantic and r.labels == [] and not r.gate.hits


CHECKS = {
    "move-role": check_move_role,
    "retire-dependency": check_retire_dependency,
    "add-step-with-touchpoint": check_add_step_with_touchpoint,
    "change-standard": check_change_standard,
    "add-high-fail-point": check_add_high_fail_point,
    "rename-id": check_rename_id,
    "whitespace-only": check_whitespace_only,
    "remove-moment-of-truth": check_remove_moment_of_truth,
    "rerate-fail-point": check_rerate_fail_point,
    "add-handoff": check_add_handoff,
    "change-channel": check_change_channel,
    "delete-service": check_delete_service,
    "add-service": check_add_service,
    "describe-step": check_describe_step,
}


def test_every_edit_has_its_checks() -> None:
    assert len(EDITS) >= 12 and set(CHECKS) == {e.name for e in EDITS}


def normalised(text: str) -> str:
    return SHA.sub("<commit>", text)


@pytest.mark.parametrize("name", [e.name for e in EDITS])
def test_scripted_edit(name: str, reviews: dict[str, Review], snapshot: SnapshotAssertion) -> None:
    r = reviews[name]
    CHECKS[name](r)
    doc = json.loads(FORMATS["json"](r))
    assert doc["semantic"] == r.semantic and doc["labels"] == r.labels
    assert doc["gate"]["failed"] == r.gate.failed
    comment = markdown(r)
    assert comment.startswith(MARKER) and len(comment) < 65_536
    assert normalised(json.dumps(doc, indent=1, sort_keys=True)) == snapshot(name=f"{name}.json")
    assert normalised(comment) == snapshot(name=f"{name}.md")


# --- the command ---------------------------------------------------------------------------------


def test_cli_gate_exit_codes_and_formats(repo: Path, tmp_path: Path) -> None:
    import jsonschema

    sarif_file, gitlab_file = tmp_path / "r.sarif", tmp_path / "r.json"
    r = bpql(
        "review",
        "base..add-high-fail-point",
        str(repo / "insurer"),
        "--format",
        "json",
        "--output",
        f"sarif={sarif_file}",
        "--output",
        f"gitlab={gitlab_file}",
    )
    assert r.returncode == 1, r.stderr  # the default gate: a high fail point with no action
    doc = json.loads(r.stdout)
    assert doc["gate"]["failed"] and doc["labels"] == ["high-priority-added"]
    schema = json.loads((ROOT / "tests/lint/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(sarif_file.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert [(x["ruleId"], x["level"]) for x in results] == [
        ("review/high-priority-without-action", "error"),
        ("review/high-priority-without-owner", "warning"),
        ("risk/high-priority-without-action", "warning"),
    ]
    loc = results[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "insurer/services/claims.yaml"
    assert loc["region"]["startLine"] == 112
    del results[0]["message"]  # the schema check can fail
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(log)
    issues = json.loads(gitlab_file.read_text(encoding="utf-8"))
    assert [i["severity"] for i in issues] == ["critical", "minor", "minor"]
    assert all(
        set(i) == {"description", "check_name", "fingerprint", "severity", "location"}
        and i["location"]["path"] == "insurer/services/claims.yaml"
        and len(i["fingerprint"]) == 64
        for i in issues
    )
    assert len({i["fingerprint"] for i in issues}) == 3
    r = bpql("review", "base..whitespace-only", str(repo / "insurer"))
    assert r.returncode == 0 and "no semantic change" in r.stdout
    r = bpql("review", "base..describe-step", str(repo / "insurer"), "--format", "markdown")
    assert r.returncode == 0 and r.stdout.startswith(MARKER)


def test_cli_mistakes_are_one_line(repo: Path, tmp_path: Path) -> None:
    insurer = str(repo / "insurer")
    for opts, args, code in (
        ((), ("nope..base", insurer), "BPQL-C305"),
        (("--staged",), ("base..main", insurer), "BPQL-C307"),
        (("--output", "pdf=x"), ("base", insurer), "BPQL-C319"),
        ((), ("base", str(tmp_path)), "BPQL-C302"),
        ((), ("-x..base", insurer), "BPQL-C304"),  # git would read it as an option
        ((), ("base", "main", insurer), "BPQL-C318"),
    ):
        r = bpql("review", *opts, "--format", "json", "--", *args)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (args, r.stderr)
        assert json.loads(r.stdout)["error"]["code"] == code, args
        r = bpql("review", *opts, "--", *args)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_a_file_that_does_not_validate_names_its_revision(repo: Path) -> None:
    git(repo, "checkout", "-q", "-B", "broken", "base")
    replace(
        repo,
        "insurer/services/claims.yaml",
        "performed_by: fnol-handler",
        "performed_by: fnol-handlr",
    )
    git(repo, "commit", "-q", "-am", "a typo")
    try:
        with pytest.raises(BlueprintError) as info:
            review("base", "broken", repo / "insurer", today=TODAY)
        line = str(info.value)
        assert line.startswith("insurer/services/claims.yaml:45:19: ")
        assert "unknown role 'fnol-handlr' (did you mean 'fnol-handler'?)" in line
        assert line.endswith("(in broken (" + git(repo, "rev-parse", "--short=7", "broken") + "))")
        r = bpql("review", "base..broken", str(repo / "insurer"))
        assert r.returncode == 2 and r.stderr.startswith("error: insurer/services/claims.yaml:45")
    finally:
        git(repo, "checkout", "-q", "main")


# --- ranges, the index, the working files, a part of the enterprise ---------------------------


def test_merge_base_range_reviews_only_the_branch(repo: Path) -> None:
    """`A...B` starts from where B left A: a change made on A since is not B's."""
    git(repo, "checkout", "-q", "-B", "later-main", "base")
    replace(repo, "insurer/services/claims.yaml", "    max_wait: 10m\n", "    max_wait: 12m\n")
    git(repo, "commit", "-q", "-am", "main moves on")
    git(repo, "checkout", "-q", "main")
    two = review_range("later-main..add-handoff", repo / "insurer", today=TODAY)
    three = review_range("later-main...add-handoff", repo / "insurer", today=TODAY)
    changed_two = {c.id for b in two.blueprints for c in b.steps_changed}
    changed_three = {c.id for b in three.blueprints for c in b.steps_changed}
    assert changed_two == {"claims.call-claims-line", "claims.decide-claim"}
    assert changed_three == {"claims.decide-claim"}
    assert three.base.commit == git(repo, "rev-parse", "base")


def test_staged_and_working_files(repo: Path) -> None:
    git(repo, "checkout", "-q", "-B", "work", "base")
    try:
        replace(
            repo, "insurer/services/claims.yaml", "    target_time: 15m\n", "    target_time: 20m\n"
        )
        work = review_range(None, repo / "insurer", today=TODAY)
        staged = review_range(None, repo / "insurer", staged=True, today=TODAY)
        assert [c.id for b in work.blueprints for c in b.steps_changed] == ["claims.take-fnol"]
        assert work.head.label == "the working files" and not staged.semantic
        git(repo, "add", "insurer/services/claims.yaml")
        replace(repo, "insurer/services/claims.yaml", "    max_wait: 10m\n", "    max_wait: 11m\n")
        staged = review_range(None, repo / "insurer", staged=True, today=TODAY)
        assert [c.id for b in staged.blueprints for c in b.steps_changed] == ["claims.take-fnol"]
        assert staged.head.label == "the index (staged)"
        r = bpql("review", "--staged", str(repo / "insurer"), "--format", "json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["counts"]["steps_changed"] == 1
    finally:
        git(repo, "checkout", "-q", "--", ".")
        git(repo, "reset", "-q", "--hard")
        git(repo, "checkout", "-q", "main")


def test_a_new_step_id_is_said_once(repo: Path) -> None:
    """A step matched by name whose id changed: the id change is one of its fields, said once
    in the text and in the comment."""
    git(repo, "checkout", "-q", "-B", "work", "base")
    try:
        for old, new in (
            ("  - id: pay-settlement\n", "  - id: pay-out\n"),
            ("supports: [pay-settlement]", "supports: [pay-out]"),
        ):
            replace(repo, "insurer/services/claims.yaml", old, new)
        r = review_range(None, repo / "insurer", today=TODAY)
        (c,) = [c for b in r.blueprints for c in b.steps_changed]
        assert (c.before_id, c.id) == ("claims.pay-settlement", "claims.pay-out")
        assert c.fields == {"id": ("pay-settlement", "pay-out")}
        assert "  ~ step claims.pay-out: id pay-settlement -> pay-out\n" in FORMATS["text"](r)
        assert "| backstage | id pay-settlement -&gt; pay-out |" in markdown(r)
    finally:
        git(repo, "checkout", "-q", "--", ".")
        git(repo, "checkout", "-q", "main")


def test_the_pre_commit_hook_refuses_a_commit_the_gate_fails(repo: Path) -> None:
    """The `bpql-review` hook of .pre-commit-hooks.yaml, run as pre-commit runs it (its entry
    and the folder a user's config gives as args, from the repository's top): the staged
    change is reviewed, and a fail point of high priority with no action refuses the commit."""
    import shlex

    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "bpql-review"]
    entry = shlex.split(hook["entry"])
    assert entry == ["bpql", "review", "--staged"] and hook["pass_filenames"] is False
    git(repo, "checkout", "-q", "-B", "hook", "base")
    try:
        (edit,) = [e for e in EDITS if e.name == "add-high-fail-point"]
        edit.apply(repo)
        r = bpql(*entry[1:], str(repo / "insurer"), process=True)
        assert r.returncode == 0 and "no semantic change" in r.stdout, r.stderr  # not staged
        git(repo, "add", "-A")
        r = bpql(*entry[1:], str(repo / "insurer"), process=True)
        assert r.returncode == 1, r.stderr
        assert "gate failed: high-priority-without-action" in r.stdout
        assert "Traceback" not in r.stderr
    finally:
        git(repo, "reset", "-q", "--hard")
        git(repo, "checkout", "-q", "main")


def test_a_path_inside_the_enterprise_reviews_that_part(repo: Path) -> None:
    """The whole enterprise is read (references cross files); the review keeps to PATH."""
    git(repo, "checkout", "-q", "-B", "both", "base")
    _both = [
        e for e in EDITS if e.name in ("move-role", "add-step-with-touchpoint", "delete-service")
    ]
    for e in _both:
        e.apply(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "three edits")
    git(repo, "checkout", "-q", "main")
    whole = review("base", "both", repo / "insurer", today=TODAY)
    file = review("base", "both", repo / "insurer/services/claims.yaml", today=TODAY)
    folder = review("base", "both", repo / "insurer/services", today=TODAY)
    assert {b.blueprint for b in whole.blueprints} == {
        "claims:as-is",
        "claims:to-be",
        "complaints:as-is",
    }
    assert len(whole.shared) == 1 and whole.enterprise == "insurer"
    assert file.enterprise == "insurer" and file.scope == "insurer/services/claims.yaml"
    assert [b.blueprint for b in file.blueprints] == ["claims:as-is"]
    assert file.shared == [] and file.files_changed == ["insurer/services/claims.yaml"]
    assert {f.at.file for f in file.lint.new} == {"insurer/services/claims.yaml"}
    assert {b.blueprint for b in folder.blueprints} == {b.blueprint for b in whole.blueprints}
    assert folder.shared == []


# --- settings ------------------------------------------------------------------------------------


def test_gate_settings_in_bpql_toml(repo: Path, tmp_path: Path) -> None:
    settings = tmp_path / "bpql.toml"
    settings.write_text(
        '[review]\nfail_on = ["customer-step-removed", "lint-finding-added"]\n', encoding="utf-8"
    )
    r = review("base", "delete-service", repo / "insurer", config=settings, today=TODAY)
    assert failing(r) == {"customer-step-removed", "lint-finding-added"}
    assert r.gate.source == str(settings)
    r = review("base", "remove-moment-of-truth", repo / "insurer", config=settings, today=TODAY)
    assert not r.gate.failed  # the moment of truth is reported, and does not fail this gate
    assert [h.condition for h in r.gate.hits] == ["moment-of-truth-removed"]
    settings.write_text('[review]\nfail_on = ["moment-of-truth-remved"]\n', encoding="utf-8")
    with pytest.raises(BpqlError) as info:
        review("base", "delete-service", repo / "insurer", config=settings, today=TODAY)
    assert info.value.code == "BPQL-C315"
    assert str(info.value).startswith(f"{settings}:2:1: review.fail_on: unknown condition")
    assert "(did you mean 'moment-of-truth-removed'?)" in str(info.value)
    settings.write_text("[review]\nfail_when = []\n", encoding="utf-8")
    with pytest.raises(BpqlError) as info:
        review("base", "delete-service", repo / "insurer", config=settings, today=TODAY)
    assert info.value.code == "BPQL-C313"


# --- Markdown: escaped, and cut to fit a comment ------------------------------------------------


def test_markdown_escapes_what_a_file_holds() -> None:
    assert md("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert md("@octocat #12 *bold* `x` [a](b) |") == (
        "&#64;octocat &#35;12 \\*bold\\* \\`x\\` \\[a\\](b) \\|"
    )
    assert md("line\nbreak\x1b[31m") == "line\\\\nbreak\\\\x1b\\[31m"


def test_markdown_is_cut_to_fit_a_comment(reviews: dict[str, Review]) -> None:
    r = reviews["delete-service"]
    whole = markdown(r)
    cut = markdown(r, limit=2_500)
    assert len(cut) <= 2_500 < len(whole)
    assert cut.startswith(MARKER) and "Cut to fit a comment" in cut
    assert "Gate failed" in cut and cut.count("<details>") == cut.count("</details>")
    assert "Cut to fit" not in whole


# --- impact: the part loaded answers as the whole ---------------------------------------------


def test_reach_on_the_part_matches_impact_on_the_whole(tmp_path: Path) -> None:
    from bpql.api import connect
    from bpql.backends.registry import connect as open_store
    from bpql.model.validate import validate_paths
    from bpql.review.impact import part_of, reach

    graph = validate_paths([ROOT / "examples/insurer"]).graph
    targets = [
        ("Role", "claims-handler"),
        ("System", "crm"),
        ("Touchpoint", "web-chat"),
        ("Department", "billing"),
    ]
    part = part_of(graph, [("Touchpoint", "web-chat")])
    assert [n["id"] for n in part.nodes["Blueprint"]] == ["claims:to-be"]
    assert 0 < len(part.nodes["Step"]) < len(graph.nodes["Step"])
    found = reach(graph, targets, "head")
    uri = f"embedded:{tmp_path / 'whole.lbdb'}"
    with open_store(uri, create=True) as writer:
        writer.replace_graph(graph)
    with connect(uri) as db:
        for label, id_ in targets:
            whole = db.query(f'impact of {label.lower()} "{id_}" scenario any', draw=False)
            assert whole.steps is not None
            rows = whole.steps.dicts()
            steps = sorted(row["step"] for row in rows)
            visible = sorted(
                row["step"] for row in rows if row["lane"] in ("customer", "frontstage")
            )
            got = found[(label, id_)]
            assert got.steps == len(steps) > 0, (label, id_)
            assert [s.id for s in got.customer_steps] == visible
            assert sorted({r[0] for r in whole.steps.rows}) == sorted(n for _, n in got.services)


# --- docs/review.md -------------------------------------------------------------------------------


def test_docs_worked_example_is_what_the_review_prints(tmp_path: Path) -> None:
    """Every line of the worked example, in order, is a line of the review it describes
    (`...` stands for lines left out); every condition and label is documented."""
    from bpql.review.config import CONDITIONS
    from bpql.review.formats import text
    from bpql.review.model import LABELS

    repo = make_repo(tmp_path / "repo")
    by_name = {e.name: e for e in EDITS}
    commit_edit(repo, by_name["move-role"])
    by_name["add-high-fail-point"].apply(repo)
    git(repo, "commit", "-q", "-am", "and a fail point")
    r = review_range("base...move-role", repo / "insurer", today=TODAY)
    printed = normalised(text(r)).splitlines()
    docs = (ROOT / "docs/review.md").read_text(encoding="utf-8")
    block = docs.split("$ bpql review base...move-role insurer\n", 1)[1].split("```", 1)[0]
    at = 0
    for line in normalised(block).splitlines():
        if line.strip() == "...":
            continue
        assert line in printed[at:], line
        at = printed.index(line, at) + 1
    for name in CONDITIONS:
        assert f"| `{name}` |" in docs, name
    for label in LABELS:
        assert f"| `{label}` |" in docs, label
