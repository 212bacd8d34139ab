"""Issue 21 items 4 and 5, and two of its semantic points.

`bpql diff --rev` given a file or a sub-folder finds the enterprise folder above it (or says in
one line to give it), names old files as git does, never by a temporary path, and says in one
line when nothing changed. Diff and load call a thing changed only when its file says so, and
name the fields; figures worked out at load (a system's blast radius) are reported apart. A
step matched by name is changed by its new id, and says so. Every test runs on real git
repositories made in tmp_path and, for the load, on a real embedded store.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES
from tests.review_edits import git
from tests.test_load import bpql

TELEPHONY = "{id: telephony, name: Contact centre telephony, kind: channel, owner: customer-service"
ADD_DEPENDENCY = (
    f"{TELEPHONY}, depends_on: [crm]}}",
    f"{TELEPHONY}, depends_on: [crm, payments-gateway]}}",
)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the insurer example under `ent/`, committed once."""
    assert shutil.which("git") is not None, "git is not installed"
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "insurer", root / "ent")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    return root


def _clean(r: Any) -> None:
    """No traceback and no temporary folder in anything the command printed."""
    for text in (r.stdout, r.stderr):
        assert "Traceback" not in text and "bpql-rev-" not in text, text


# --- item 4: a file or a sub-folder ------------------------------------------------------------


@pytest.mark.parametrize("target", ["ent/services/claims.yaml", "ent/services", "ent"])
def test_diff_rev_of_a_file_or_sub_folder_diffs_its_enterprise(repo: Path, target: str) -> None:
    r = bpql("diff", "--rev", "HEAD", str(repo / target))
    _clean(r)
    assert r.returncode == 0, r.stderr
    # nothing changed: one line that says so
    assert r.stdout == "HEAD -> working files: nothing changed (7 blueprints, 75 steps)\n"
    doc = json.loads(bpql("diff", "--rev", "HEAD", str(repo / target), "--format", "json").stdout)
    assert doc["unchanged"] is True and len(doc["blueprints"]) == 7


def test_diff_rev_of_a_sub_folder_sees_the_whole_enterprise_change(repo: Path) -> None:
    _edit(
        repo / "ent" / "services" / "claims.yaml", "  - id: post-ledger\n", "  - id: post-books\n"
    )
    r = bpql("diff", "--rev", "HEAD", str(repo / "ent" / "services"), "--format", "json")
    _clean(r)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    (claims,) = [d for d in doc["blueprints"] if d["after"] == "claims:as-is"]
    (change,) = claims["steps"]["changed"]
    assert change["changes"] == {"id": ["post-ledger", "post-books"]}
    assert doc["unchanged"] is False


def test_diff_rev_without_an_enterprise_above_says_to_name_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "loose").mkdir(parents=True)
    shutil.copy(EXAMPLES / "insurer" / "services" / "claims.yaml", root / "loose" / "claims.yaml")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    for target in (root / "loose" / "claims.yaml", root / "loose"):
        r = bpql("diff", "--rev", "HEAD", str(target))
        _clean(r)
        assert r.returncode == 2
        (line,) = r.stderr.splitlines()
        assert line.startswith(f"error: {target}: no enterprise file")
        assert "give the enterprise folder" in line
        assert r.stdout == ""


def test_a_bad_old_file_is_named_as_git_names_it(repo: Path) -> None:
    claims = repo / "ent" / "services" / "claims.yaml"
    good = claims.read_text(encoding="utf-8")
    _edit(claims, "lane: customer", "lane: custmer")
    git(repo, "commit", "-qam", "broken")
    claims.write_text(good, encoding="utf-8")
    r = bpql("diff", "--rev", "HEAD", str(claims))
    _clean(r)
    assert r.returncode == 2
    first = r.stderr.splitlines()[0]
    assert first.startswith("error: HEAD:ent/services/claims.yaml:"), first
    # the JSON error names it the same way
    r = bpql("diff", "--rev", "HEAD", str(claims), "--format", "json")
    _clean(r)
    assert "HEAD:ent/services/claims.yaml" in r.stdout + r.stderr


# --- item 5: changed is what the files say -----------------------------------------------------


def test_one_new_dependency_is_one_changed_system_in_diff(repo: Path) -> None:
    _edit(repo / "ent" / "enterprise.yaml", *ADD_DEPENDENCY)
    r = bpql("diff", "--rev", "HEAD", str(repo / "ent"), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    systems = doc["shared"]["System"]
    assert systems["changed"] == ["telephony"]
    assert systems["changed_fields"] == {"telephony": ["depends_on"]}
    assert all(not s["changed"] for k, s in doc["shared"].items() if k != "System")
    assert all(not any(d["counts"].values()) for d in doc["blueprints"])
    text = bpql("diff", "--rev", "HEAD", str(repo / "ent")).stdout
    assert "  systems changed: telephony (depends_on)\n" in text


def _dry_run(*paths: Path, db: str) -> dict[str, Any]:
    r = bpql("load", "--dry-run", *map(str, paths), "--db", db, "--format", "json")
    assert r.returncode == 0, r.stderr
    changes: dict[str, Any] = json.loads(r.stdout)["changes"]
    return changes


def test_one_new_dependency_is_one_changed_system_in_load(tmp_path: Path) -> None:
    """Whole and partial dry runs, and the load itself, on the embedded store: telephony
    changed (depends_on), and the systems whose blast radius moved only as derived figures."""
    ent = tmp_path / "ent"
    shutil.copytree(EXAMPLES / "insurer", ent)
    db = f"embedded:{tmp_path / 'g.lbdb'}"
    assert bpql("load", str(ent), "--db", db).returncode == 0
    _edit(ent / "enterprise.yaml", *ADD_DEPENDENCY)
    whole = _dry_run(ent, db=db)
    partial = _dry_run(ent / "enterprise.yaml", ent / "services" / "claims.yaml", db=db)
    for changes in (whole, partial):
        nodes = changes["nodes"]
        assert nodes["System"]["changed_ids"] == ["telephony"]
        assert nodes["System"]["changed_fields"] == {"telephony": ["depends_on"]}
        assert all(k["changed"] == 0 for label, k in nodes.items() if label != "System")
        # the systems telephony now reaches through payments-gateway, apart
        assert nodes["System"]["derived"] > 0
        assert "telephony" not in nodes["System"]["derived_fields"]
    derived = whole["nodes"]["System"]["derived_fields"]
    assert set(derived) == {"card-processor", "payments-gateway"}
    assert all(set(f) <= {"customer_reach", "single_point_for"} for f in derived.values())
    assert whole["relationships"]["DEPENDS_ON"] == {"added": 1, "removed": 0}
    r = bpql("load", str(ent), "--db", db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1:] == [
        "  systems: 1 changed (telephony: depends_on)",
        "  derived figures only (no file says so): systems: 2 (customer_reach, single_point_for)",
        "  relationships: 1 added",
    ]


# --- semantic point: a step matched by name -----------------------------------------------------

ENTERPRISE = """\
enterprise: {id: tiny, name: Tiny}
departments:
  - {id: ops, name: Operations}
roles:
  - {id: clerk, name: Clerk, department: ops}
systems:
  - {id: core, name: Core}
touchpoints:
  - {id: web, name: Website, channel: web}
"""

BLUEPRINT = """\
service: {{id: s, name: S}}
scenario: {scenario}
phases:
  - {{id: p, name: P}}
steps:
  - {{id: ask, name: Ask, lane: customer, phase: p, touchpoint: web}}
  - {{id: {check}, name: Check, lane: backstage, phase: p, performed_by: [clerk], uses: [core]}}
"""


def _tiny(folder: Path, to_be_check: str | None) -> Path:
    (folder / "services").mkdir(parents=True)
    (folder / "enterprise.yaml").write_text(ENTERPRISE, encoding="utf-8")
    (folder / "services" / "s.yaml").write_text(
        BLUEPRINT.format(scenario="as-is", check="check"), encoding="utf-8"
    )
    if to_be_check is not None:
        (folder / "services" / "s-to-be.yaml").write_text(
            BLUEPRINT.format(scenario="to-be", check=to_be_check), encoding="utf-8"
        )
    return folder


def test_a_step_matched_by_name_is_changed_by_its_id(tmp_path: Path) -> None:
    ent = _tiny(tmp_path / "ent", to_be_check="verify")
    r = bpql("diff", "s", "--files", str(ent), "--format", "json")
    assert r.returncode == 0, r.stderr
    (d,) = json.loads(r.stdout)["blueprints"]
    # `ask` matched by id with nothing changed: unchanged, not listed
    assert d["steps"]["unchanged"] == 1
    (change,) = d["steps"]["changed"]
    assert change["matched_by"] == "name"
    assert change["changes"] == {"id": ["check", "verify"]}
    text = bpql("diff", "s", "--files", str(ent)).stdout
    assert "  ~ step verify (matched by name): id check -> verify\n" in text
    # the same to-be with the same ids: nothing is listed as changed
    same = _tiny(tmp_path / "same", to_be_check="check")
    (d,) = json.loads(bpql("diff", "s", "--files", str(same), "--format", "json").stdout)[
        "blueprints"
    ]
    assert d["steps"]["changed"] == [] and d["steps"]["unchanged"] == 2


# --- semantic point: where lint reports a to-be without an as-is --------------------------------


def test_to_be_without_as_is_is_reported_at_the_service_line(tmp_path: Path) -> None:
    ent = _tiny(tmp_path / "ent", to_be_check="check")
    (ent / "services" / "s.yaml").unlink()
    r = bpql("lint", str(ent), "--format", "json")
    doc = json.loads(r.stdout)
    (finding,) = [f for f in doc["findings"] if f["rule"] == "scenario/to-be-without-as-is"]
    # line 1 is `service: {id: s, name: S}`, line 2 `scenario: to-be`
    assert finding["line"] == 1
    assert finding["file"].endswith("s-to-be.yaml")
