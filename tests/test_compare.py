"""`bpql diff`: the redesign diff, checked against answers worked out by hand from the YAML.

The hand-worked answers below were read off examples/insurer/services/claims*.yaml and
examples/clinic/services/check-in*.yaml with the definitions of docs/redesign.md:
- steps are matched by their id inside the blueprint, then by name;
- a handoff is two steps in a row along the time line (file order), both performed by roles,
  whose departments share none (steps no role performs are passed over);
- the customer path is the customer and frontstage steps; its target time is the sum of their
  `target_time`, its waits the sum of their `max_wait`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bpql import api
from bpql.analysis.compare import handoffs
from tests.conftest import EXAMPLES
from tests.neo4j_fixture import Neo4jInfo
from tests.review_edits import git
from tests.test_load import bpql

# --- the hand-worked answers ------------------------------------------------------------------

CLAIMS: dict[str, Any] = {
    # to-be ids not in the as-is file
    "added": {
        "chat-support",
        "auto-register",
        "photo-triage",
        "review-complex",
        "track-claim",
        "instant-pay",
        "get-paid",
    },
    # as-is ids not in the to-be file (all but submit-claim)
    "removed": {
        "call-claims-line",
        "take-fnol",
        "register-claim",
        "send-reference",
        "screen-fraud",
        "book-adjuster",
        "host-adjuster",
        "inspect-damage",
        "decide-claim",
        "receive-decision",
        "pay-settlement",
        "post-ledger",
        "receive-payment",
        "close-claim",
    },
    # submit-claim: new name, touchpoint website -> mobile-app, target time none -> 8m
    "changed": {"submit-claim": {"name", "touchpoints", "target_time"}},
    # as-is steps with roles, in file order, and their departments (enterprise.yaml roles):
    # take-fnol claims, register-claim claims, screen-fraud fraud, book-adjuster claims,
    # inspect-damage claims, decide-claim claims, pay-settlement {claims, billing},
    # post-ledger finance, close-claim claims
    "handoffs_before": [
        ["register-claim", "screen-fraud"],
        ["screen-fraud", "book-adjuster"],
        ["pay-settlement", "post-ledger"],
        ["post-ledger", "close-claim"],
    ],
    # to-be: only chat-support (fnol-handler, claims) and review-complex (claims-handler,
    # claims) have roles: no handoff
    "handoffs_after": [],
    # customer path as-is: take-fnol 15m + inspect-damage 1h; waits: call-claims-line 10m
    "target_before": 75.0,
    "wait_before": 10.0,
    # to-be: submit-claim 8m; no max_wait anywhere
    "target_after": 8.0,
    "wait_after": 0.0,
    # submit-claim, call-claims-line, host-adjuster, receive-decision, receive-payment
    "customer_before": 5,
    # submit-claim, track-claim, get-paid
    "customer_after": 3,
    # supports into the customer lane: take-fnol, register-claim, inspect-damage,
    # pay-settlement, close-claim (as-is); chat-support, auto-register, review-complex,
    # instant-pay (to-be)
    "contacts_before": 5,
    "contacts_after": 4,
}

CHECK_IN: dict[str, Any] = {
    "added": {
        "pre-arrival-run",
        "check-in-in-app",
        "sync-demographics",
        "review-pre-arrival",
        "arrive-and-scan",
        "kiosk-check-in",
        "assist-at-kiosk",
        "post-arrival",
        "show-position",
    },
    "removed": {
        "print-clinic-list",
        "prepare-notes",
        "find-clinic",
        "queue-at-desk",
        "identify-patient",
        "confirm-details",
        "update-demographics",
        "record-arrival",
        "update-delay",
    },
    # the four ids both files hold, each renamed; take-vitals 8m -> 6m, call-patient uses
    # queue-display instead of scheduling, wait-to-be-called waits 20m instead of 30m and is
    # no longer a moment of truth
    "changed": {
        "take-vitals": {"name", "target_time"},
        "have-vitals": {"name"},
        "wait-to-be-called": {"name", "max_wait", "moment_of_truth"},
        "call-patient": {"name", "systems"},
    },
    # as-is: print-clinic-list health-records, prepare-notes medicine, identify-patient
    # outpatient-admin, update-demographics outpatient-admin, take-vitals nursing,
    # update-delay outpatient-admin, call-patient nursing
    "handoffs_before": [
        ["print-clinic-list", "prepare-notes"],
        ["prepare-notes", "identify-patient"],
        ["update-demographics", "take-vitals"],
        ["take-vitals", "update-delay"],
        ["update-delay", "call-patient"],
    ],
    # to-be: review-pre-arrival {nursing, medicine}, assist-at-kiosk {patient-experience,
    # outpatient-admin}, take-vitals nursing, call-patient nursing
    "handoffs_after": [
        ["review-pre-arrival", "assist-at-kiosk"],
        ["assist-at-kiosk", "take-vitals"],
    ],
    # as-is: identify-patient 3m + take-vitals 8m; waits queue-at-desk 10m + wait 30m
    "target_before": 11.0,
    "wait_before": 40.0,
    # to-be: check-in-in-app 5m + kiosk-check-in 1m + take-vitals 6m; waits 2m + 20m
    "target_after": 12.0,
    "wait_after": 22.0,
    "customer_before": 5,
    "customer_after": 4,
    # as-is: identify-patient (2), take-vitals, update-delay, call-patient
    # to-be: check-in-in-app (2 supporters), kiosk-check-in, assist-at-kiosk, take-vitals,
    # show-position, call-patient
    "contacts_before": 5,
    "contacts_after": 7,
}

CASES = {"insurer": ("claims", CLAIMS), "clinic": ("check-in", CHECK_IN)}


def check_by_hand(doc: dict[str, Any], expected: dict[str, Any]) -> None:
    """A `bpql diff SERVICE --format json` answer against the hand-worked one."""
    (d,) = doc["blueprints"]
    steps = d["steps"]
    assert {s["local"] for s in steps["added"]} == expected["added"]
    assert {s["local"] for s in steps["removed"]} == expected["removed"]
    changed = {c["after"].split(".", 1)[1]: set(c["changes"]) for c in steps["changed"]}
    assert changed == expected["changed"]
    assert steps["matched_by_name"] == []
    before, after = d["metrics"]["before"], d["metrics"]["after"]
    assert before["handoff_pairs"] == expected["handoffs_before"]
    assert after["handoff_pairs"] == expected["handoffs_after"]
    assert (before["handoffs"], after["handoffs"]) == (
        len(expected["handoffs_before"]),
        len(expected["handoffs_after"]),
    )
    assert (before["target_time"], after["target_time"]) == (
        expected["target_before"],
        expected["target_after"],
    )
    assert (before["total_wait"], after["total_wait"]) == (
        expected["wait_before"],
        expected["wait_after"],
    )
    assert (before["customer_steps"], after["customer_steps"]) == (
        expected["customer_before"],
        expected["customer_after"],
    )
    assert (before["frontstage_contacts"], after["frontstage_contacts"]) == (
        expected["contacts_before"],
        expected["contacts_after"],
    )
    assert d["metrics"]["change"]["handoffs"] == len(expected["handoffs_after"]) - len(
        expected["handoffs_before"]
    )
    assert d["counts"]["added"] == len(expected["added"]) + len(d["failpoints"]["added"])


@pytest.mark.parametrize("example", sorted(CASES))
def test_diff_from_files_matches_the_hand_worked_answer(example: str) -> None:
    service, expected = CASES[example]
    r = bpql("diff", service, "--files", f"examples/{example}", "--format", "json")
    assert r.returncode == 0, r.stderr
    check_by_hand(json.loads(r.stdout), expected)


def _from_store(db: str, example: str) -> dict[str, Any]:
    service, expected = CASES[example]
    assert bpql("load", f"examples/{example}", "--db", db).returncode == 0
    r = bpql("diff", service, "--db", db, "--format", "json")
    assert r.returncode == 0, r.stderr
    doc: dict[str, Any] = json.loads(r.stdout)
    check_by_hand(doc, expected)
    files = bpql("diff", service, "--files", f"examples/{example}", "--format", "json")
    assert doc == json.loads(files.stdout), "the store and the files give one answer"
    return doc


@pytest.mark.parametrize("example", sorted(CASES))
def test_diff_from_the_embedded_store(example: str, tmp_path: Path) -> None:
    _from_store(f"embedded:{tmp_path / 'graph.lbdb'}", example)


@pytest.mark.parametrize("example", sorted(CASES))
def test_diff_from_neo4j(example: str, neo4j_env: Neo4jInfo) -> None:
    _from_store(neo4j_env.uri, example)


def test_text_summary_first_then_details() -> None:
    r = bpql("diff", "Motor claims", "--files", "examples/insurer")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.index("handoffs between departments") < out.index("details")
    assert "steps: 7 added, 14 removed, 1 changed, 0 unchanged" in out
    line = next(x for x in out.splitlines() if "target time along the customer path" in x)
    assert line.split()[-3:] == ["1h15m", "8m", "-1h7m"]
    assert '~ step submit-claim: renamed "Submit claim" -> "Submit claim with photos' in out
    assert "re-assigned touchpoints website -> mobile-app" in out
    assert "+ fail point triage-miss" in out
    # as-is touchpoints: website, claims-line, contact-centre, home-visit, post, email;
    # to-be: mobile-app, web-chat
    assert (
        "touchpoints used: + mobile-app, web-chat; - claims-line, contact-centre, email, "
        "home-visit, post, website"
    ) in out


def test_every_service_with_a_to_be(tmp_path: Path) -> None:
    """No SERVICE: every as-is with each of its to-be blueprints (the insurer has one)."""
    doc = json.loads(bpql("diff", "--files", "examples/insurer", "--format", "json").stdout)
    # --files takes one path (repeatable), so a service may come after it
    after = bpql("diff", "--files", "examples/insurer", "claims", "--format", "json")
    assert json.loads(after.stdout) == doc
    assert [(d["before"], d["after"]) for d in doc["blueprints"]] == [
        ("claims:as-is", "claims:to-be")
    ]
    doc = json.loads(bpql("diff", "--files", "examples/clinic", "--format", "json").stdout)
    assert [(d["before"], d["after"]) for d in doc["blueprints"]] == [
        ("check-in:as-is", "check-in:to-be:self-service")
    ]
    r = bpql(
        "diff", "check-in", "--variant", "self-service", "--files", "examples/clinic",
        "--format", "json",
    )  # fmt: skip
    assert r.returncode == 0 and json.loads(r.stdout)["counts"]["added"] == 14


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("diff", "nope", "--files", "examples/insurer"), "BPQL-C080"),
        (("diff", "quote", "--files", "examples/insurer"), "BPQL-C081"),
        (("diff", "check-in", "--variant", "lean", "--files", "examples/clinic"), "BPQL-C081"),
        (("diff", "--rev", "HEAD", "a", "b"), "BPQL-C087"),
        (("diff", "a", "b", "c"), "BPQL-C088"),
        (("diff", "--rev", "no-such-revision-xyz", "examples/insurer"), "BPQL-C085"),
        (("diff", "--rev=--output=x", "examples/insurer"), "BPQL-C090"),
        (("diff", "--rev", "HEAD", "no/such/folder"), "BPQL-C091"),
    ],
)
def test_mistakes_are_one_line_errors(args: tuple[str, ...], code: str) -> None:
    r = bpql(*args, "--format", "json")
    assert r.returncode != 0
    assert json.loads(r.stdout)["error"]["code"] == code
    r = bpql(*args)
    assert r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1


def test_handoffs_pass_over_unperformed_steps_and_shared_departments() -> None:
    steps = [("a", ["x"]), ("b", []), ("c", ["x", "y"]), ("d", ["y"]), ("e", ["z"])]
    assert handoffs(steps) == [("d", "e")]


# --- versions: two folders, and git revisions ---------------------------------------------------


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / "services" / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A git repository with three commits of the insurer example:
    1. as shipped;
    2. claims as-is: the id `take-fnol` becomes `log-claim` (same name; register-claim's
       `supports` follows it), `wrong-policy` re-rated
       (occurrence 3 -> 6, so RPN 105 -> 210), and a system `chatbot` added;
    3. claims as-is: `post-ledger` removed (nothing refers to it)."""
    # git is a requirement of `bpql diff --rev` and of the tests (scripts/test installs it)
    assert shutil.which("git") is not None, "git is not installed"
    repo = tmp_path / "repo"
    ent = repo / "insurer"
    shutil.copytree(EXAMPLES / "insurer", ent)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    claims = "claims.yaml"
    _edit(ent, claims, "  - id: take-fnol\n", "  - id: log-claim\n")
    _edit(ent, claims, "supports: [submit-claim, take-fnol]", "supports: [submit-claim, log-claim]")
    _edit(ent, claims, "severity: 7, occurrence: 3, detection: 5", "severity: 7, occurrence: 6, "
          "detection: 5")  # fmt: skip
    enterprise = ent / "enterprise.yaml"
    enterprise.write_text(
        enterprise.read_text().replace(
            "  - {id: email-service,",
            "  - {id: chatbot, name: Chatbot, kind: channel, owner: it}\n  - {id: email-service,",
        )
    )
    git(repo, "commit", "-qam", "two")
    text = (ent / "services" / claims).read_text()
    start = text.index("  - id: post-ledger\n")
    end = text.index("  - id: receive-payment\n")
    (ent / "services" / claims).write_text(text[:start] + text[end:])
    git(repo, "commit", "-qam", "three")
    return ent


def _claims_as_is(doc: dict[str, Any]) -> dict[str, Any]:
    return next(d for d in doc["blueprints"] if d["after"] == "claims:as-is")


def _status(repo: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=repo, capture_output=True, text=True
    ).stdout


def test_diff_rev_on_a_repository_with_three_commits(history: Path) -> None:
    status = _status(history)
    r = bpql("diff", "--rev", "HEAD~2", str(history), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["before"], doc["after"]) == ("HEAD~2", "working files")
    d = _claims_as_is(doc)
    # take-fnol is matched to log-claim by its unchanged name, and says so
    assert d["steps"]["matched_by_name"] == [["claims.take-fnol", "claims.log-claim"]]
    assert [s["local"] for s in d["steps"]["removed"]] == ["post-ledger"]
    assert d["steps"]["added"] == []
    (fp,) = d["failpoints"]["changed"]
    assert fp["id"] == "claims.wrong-policy"
    assert fp["changes"]["occurrence"] == [3, 6] and fp["changes"]["rpn"] == [105, 210]
    assert doc["shared"]["System"]["added"] == ["chatbot"]
    # the other blueprints did not change
    others = [d for d in doc["blueprints"] if d["after"] != "claims:as-is"]
    assert all(not any(o["counts"].values()) for o in others)
    # one commit back: only the removal
    one = _claims_as_is(json.loads(bpql("diff", "--rev", "HEAD~1", str(history),
                                        "--format", "json").stdout))  # fmt: skip
    assert [s["local"] for s in one["steps"]["removed"]] == ["post-ledger"]
    assert one["steps"]["changed"] == []
    # the work tree is untouched, and the text says how the step was matched
    text = bpql("diff", "--rev", "HEAD~2", str(history)).stdout
    assert "~ step log-claim (matched by name): id take-fnol -> log-claim" in text
    assert "~ fail point wrong-policy: occurrence 3 -> 6; rpn 105 -> 210" in text
    assert "systems added: chatbot" in text
    assert _status(history) == status


def test_diff_two_folders(tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(EXAMPLES / "clinic", new)
    _edit(new, "check-in.yaml", "lane: backstage\n    phase: identify", "lane: support\n"
          "    phase: identify")  # fmt: skip
    r = bpql("diff", "examples/clinic", str(new), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    d = next(d for d in doc["blueprints"] if d["after"] == "check-in:as-is")
    (change,) = d["steps"]["changed"]
    assert change["before"] == "check-in.update-demographics"
    assert change["changes"] == {"lane": ["backstage", "support"]}


def test_api_diff(tmp_path: Path) -> None:
    with api.connect(f"embedded:{tmp_path / 'graph.lbdb'}") as client:
        client.load(EXAMPLES / "insurer")
        result = client.diff("claims")
        assert result.kind == "diff"
        assert result.comparison is not None
        assert result.comparison.counts() == {"added": 9, "removed": 20, "changed": 1}
        assert result.to_json() == api.diff_scenarios(EXAMPLES / "insurer").to_json()
        view = client.viz(result)
        assert view.kind == "diff" and "default-src 'none'" in view.html
    same = api.diff_paths(EXAMPLES / "insurer", EXAMPLES / "insurer")
    assert same.comparison is not None and not any(same.comparison.counts().values())


def test_diff_result_on_a_terminal_and_in_the_tables() -> None:
    """A diff result goes through the presenters' table like any other answer."""
    import io

    from rich.console import Console

    from bpql.present.terminal import show

    result = api.diff_scenarios(EXAMPLES / "insurer", service="claims")
    buf = io.StringIO()
    show(result, Console(file=buf, width=120))
    out = buf.getvalue()
    assert out.startswith("diff as-is -> to-be\n")
    assert "steps: 7 added, 14 removed, 1 changed, 0 unchanged" in out
    assert result.table is not None
    row = next(r for r in result.table.dicts() if r["figure"] == "handoffs between departments")
    assert (row["before_value"], row["after_value"]) == (4, 0)


def test_an_unknown_service_in_the_store_names_the_services(tmp_path: Path) -> None:
    """Read from a store, an unknown service is BPQL-C080 with the store's services and a
    did-you-mean (it listed none: the store was read for that service only)."""
    db = f"embedded:{tmp_path / 'graph.lbdb'}"
    assert bpql("load", "examples/insurer", "--db", db).returncode == 0
    r = bpql("diff", "claimz", "--db", db)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert r.stderr.startswith("error: no service \"claimz\" (did you mean 'claims'?);")
    assert "the services are: billing, claims, complaints" in r.stderr
