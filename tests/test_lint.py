"""`bpql lint`: every rule fires on one enterprise and stays silent on a near miss, the
configuration and `lint: {ignore: [...]}` switch rules off, SARIF output validates against the
SARIF 2.1.0 schema, and the examples' findings are kept as a snapshot a person has read.

Each rule's two enterprises are made from tests/lint/base (clean under every rule) by one
change: `fire` breaks the rule, `quiet` makes a change close to it that the method accepts.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from syrupy.assertion import SnapshotAssertion

from bpql.errors import BlueprintError, BpqlError
from bpql.lint import RULES, lint_paths
from bpql.lint.config import PRESETS, Config, from_table, load
from tests.test_load import ROOT, Store, bpql

BASE = ROOT / "tests" / "lint" / "base"
TODAY = date(2026, 12, 1)
ALL = Config(PRESETS["bpql:all"]())


@dataclass
class Tree:
    """The base enterprise as data: the enterprise file, the claims blueprint, extra files."""

    ent: dict[str, Any]
    bp: dict[str, Any]
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)

    def step(self, sid: str) -> dict[str, Any]:
        return next(s for s in self.bp["steps"] if s["id"] == sid)


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False
    return y


def base_tree() -> Tree:
    y = _yaml()
    ent = y.load((BASE / "enterprise.yaml").read_text(encoding="utf-8"))
    bp = y.load((BASE / "services" / "claims.yaml").read_text(encoding="utf-8"))
    return Tree(ent, bp)


def write_tree(tree: Tree, folder: Path) -> Path:
    y = _yaml()
    (folder / "services").mkdir(parents=True, exist_ok=True)
    files = {"enterprise.yaml": tree.ent, "services/claims.yaml": tree.bp, **tree.extra}
    for name, data in files.items():
        out = StringIO()
        y.dump(data, out)
        (folder / name).write_text(out.getvalue(), encoding="utf-8")
    return folder


Change = Callable[[Tree], None]


def _add_role_in(dept: str | None, role: str = "clerk") -> Change:
    def change(t: Tree) -> None:
        if dept and dept not in {d["id"] for d in t.ent["departments"]}:
            t.ent["departments"].append({"id": dept, "name": dept.title()})
        t.ent["roles"].append({"id": role, "name": role.title(), "department": dept or "claims"})

    return change


def _both(*changes: Change) -> Change:
    def change(t: Tree) -> None:
        for c in changes:
            c(t)

    return change


def _set(sid: str, **values: Any) -> Change:
    def change(t: Tree) -> None:
        step = t.step(sid)
        for key, value in values.items():
            if value is None:
                step.pop(key, None)
            else:
                step[key] = value

    return change


def _fail_point(**values: Any) -> Change:
    """Change the pay step's one fail point; None removes a field."""

    def change(t: Tree) -> None:
        fp = t.step("pay")["fail_points"][0]
        for key, value in values.items():
            if value is None:
                fp.pop(key, None)
            else:
                fp[key] = value

    return change


def _system(t: Tree, sid: str) -> dict[str, Any]:
    return next(s for s in t.ent["systems"] if s["id"] == sid)


def _top(**values: Any) -> Change:
    def change(t: Tree) -> None:
        for key, value in values.items():
            if value is None:
                t.bp.pop(key, None)
            else:
                t.bp[key] = value

    return change


def _append(where: str, item: dict[str, Any], *, in_bp: bool = False) -> Change:
    def change(t: Tree) -> None:
        (t.bp if in_bp else t.ent).setdefault(where, []).append(item)

    return change


def _to_be_copy(t: Tree) -> None:
    t.extra["services/claims-to-be.yaml"] = {**copy.deepcopy(t.bp), "scenario": "to-be"}


def _chain(third_dept: str) -> Change:
    def change(t: Tree) -> None:
        t.ent["roles"][0]["department"] = "it"  # agent, who answers the call
        _add_role_in(third_dept, "payer")(t)
        t.step("register")["performed_by"] = ["handler", "payer"]

    return change


@dataclass(frozen=True)
class Case:
    fire: Change
    quiet: Change
    element: str  # the element the finding is about


TOUCHPOINT = {"id": "post", "name": "Letters", "channel": "letter"}


def _email(tid: str, name: str) -> dict[str, str]:
    return {"id": tid, "name": name, "channel": "email"}


CASES: dict[str, Case] = {
    "lanes/customer-step-performed-by-staff": Case(
        _set("call", performed_by=["agent"]),
        _set("answer", performed_by=["agent", "handler"]),
        "claims.call",
    ),
    "lanes/customer-step-uses-system": Case(
        _set("call", uses=["crm"]), _set("store", uses=["engine", "crm"]), "claims.call"
    ),
    "lanes/customer-step-with-script": Case(
        _set("call", script="Hello"), _set("answer", script="Hello"), "claims.call"
    ),
    "lanes/customer-step-without-touchpoint": Case(
        _set("get-letter", touchpoint=None),
        _set("get-letter", touchpoint="phone"),
        "claims.get-letter",
    ),
    "lanes/frontstage-without-touchpoint": Case(
        _set("answer", touchpoint=None), _set("answer", touchpoint="web"), "claims.answer"
    ),
    "lanes/backstage-with-touchpoint": Case(
        _set("register", touchpoint="web"), _set("answer", touchpoint="web"), "claims.register"
    ),
    "lanes/backstage-shows-evidence": Case(
        _set("pay", shows=["letter"]), _set("call", shows=["letter"]), "claims.pay"
    ),
    "lanes/staff-step-without-performer": Case(
        _set("register", performed_by=None),
        _set("store", performed_by=None),  # a support step run by a system alone is fine
        "claims.register",
    ),
    "lanes/support-supports-customer": Case(
        _set("store", supports=["call"]), _set("store", supports=["answer"]), "claims.store"
    ),
    "support/customer-step-unsupported": Case(
        _set("answer", supports=[]),
        _both(_set("answer", supports=[]), _set("register", supports=["answer", "call"])),
        "claims.call",
    ),
    "support/support-step-supports-nothing": Case(
        _set("store", supports=[]), _set("store", supports=["answer"]), "claims.store"
    ),
    "support/backstage-step-supports-nothing": Case(
        _set("register", supports=[]), _set("register", supports=["call"]), "claims.register"
    ),
    "shared/role-without-department": Case(
        lambda t: t.ent["roles"][1].pop("department"),
        lambda t: t.ent["roles"][1].update(department="it"),
        "handler",
    ),
    "shared/system-without-owner": Case(
        lambda t: t.ent["systems"][0].pop("owner"),
        lambda t: t.ent["systems"][0].update(owner="claims"),
        "crm",
    ),
    "shared/unused-system": Case(
        _append("systems", {"id": "fax", "name": "Fax server", "owner": "it"}),
        _both(
            _append("systems", {"id": "fax", "name": "Fax server", "owner": "it"}),
            lambda t: t.ent["systems"][0].update(depends_on=["fax"]),
        ),
        "fax",
    ),
    "shared/unused-touchpoint": Case(
        _append("touchpoints", TOUCHPOINT),
        _both(_append("touchpoints", TOUCHPOINT), _set("answer", touchpoint="post")),
        "post",
    ),
    "shared/unused-persona": Case(
        _append("personas", {"id": "broker", "name": "Broker"}),
        _both(
            _append("personas", {"id": "broker", "name": "Broker"}),
            _top(personas=["driver", "broker"]),
        ),
        "broker",
    ),
    "shared/unused-role": Case(
        _add_role_in("claims"), _both(_add_role_in("claims"), _top(owner="clerk")), "clerk"
    ),
    "shared/unused-department": Case(
        _append("departments", {"id": "legal", "name": "Legal"}),
        _both(_add_role_in("legal"), _set("register", performed_by=["handler", "clerk"])),
        "legal",
    ),
    "shared/near-duplicate-touchpoint-names": Case(
        _both(
            _append("touchpoints", {"id": "welcome", "name": "Welcome email", "channel": "email"}),
            _append(
                "touchpoints", {"id": "welcome-2", "name": "welcome e-mail", "channel": "email"}
            ),
        ),
        _both(
            _append("touchpoints", {"id": "welcome", "name": "Welcome email", "channel": "email"}),
            _append(
                "touchpoints", {"id": "reminder", "name": "Reminder email", "channel": "email"}
            ),
        ),
        "welcome-2",
    ),
    "flow/phase-order-backwards": Case(
        _set("register", phase="settle"), _set("get-letter", phase="report"), "claims.store"
    ),
    "flow/empty-phase": Case(
        _append("phases", {"id": "appeal", "name": "Appeal"}, in_bp=True),
        _both(
            _append("phases", {"id": "appeal", "name": "Appeal"}, in_bp=True),
            _set("pay", phase="appeal"),
        ),
        "claims.appeal",
    ),
    "flow/unused-evidence": Case(
        _append("evidence", {"id": "receipt", "name": "Receipt"}, in_bp=True),
        _both(
            _append("evidence", {"id": "receipt", "name": "Receipt"}, in_bp=True),
            _set("get-letter", shows=["letter", "receipt"]),
        ),
        "claims.receipt",
    ),
    "flow/duplicate-step-name": Case(
        _set("pay", name="Register  CLAIM"), _set("pay", name="Register payment"), "claims.pay"
    ),
    "standards/moment-of-truth-without-standard": Case(
        _set("call", max_wait=None), _set("call", max_wait=None, target_time="2m"), "claims.call"
    ),
    "standards/max-wait-below-target-time": Case(
        _set("answer", max_wait="2m"), _set("answer", max_wait="5m"), "claims.answer"
    ),
    "metrics/metric-without-target": Case(
        lambda t: t.bp["metrics"][0].pop("target"),
        lambda t: t.bp["metrics"][0].update(target=0),
        "claims.time-to-pay",
    ),
    "metrics/metric-without-measured-step": Case(
        lambda t: t.bp["metrics"][0].update(measures=[]),
        lambda t: t.bp["metrics"][0].update(measures=["pay"]),
        "claims.time-to-pay",
    ),
    "risk/high-priority-without-action": Case(
        _fail_point(action=None, occurrence=4),  # S9 O4 D5: high
        _fail_point(action=None),  # S9 O2 D5: medium
        "claims.wrong-payee",
    ),
    "risk/severity-below-effect": Case(
        _fail_point(effect="call", severity=5),  # a moment of truth
        _fail_point(effect="get-letter", severity=5),
        "claims.wrong-payee",
    ),
    "risk/unrated-single-point-of-failure": Case(
        lambda t: _system(t, "engine").pop("fail_points"),
        _both(lambda t: _system(t, "engine").pop("fail_points"), _fail_point(cause="engine")),
        "engine",
    ),
    "risk/action-overdue": Case(
        _fail_point(due=date(2026, 10, 31), status="in progress"),
        _fail_point(due=date(2027, 1, 31), status="in progress"),
        "claims.wrong-payee",
    ),
    "risk/done-not-rerated": Case(
        _fail_point(status="done"),
        _fail_point(status="done", after={"severity": 9, "occurrence": 1, "detection": 3}),
        "claims.wrong-payee",
    ),
    "scenario/to-be-without-as-is": Case(_top(scenario="to-be"), _to_be_copy, "claims:to-be"),
    "handoff/three-department-chain": Case(_chain("finance"), _chain("claims"), "claims.call"),
    "service/no-frontstage-contact": Case(
        _both(
            _set("answer", lane="backstage", touchpoint=None), _set("register", supports=["call"])
        ),
        _both(_set("answer", supports=[]), _set("register", supports=["call"])),
        "claims:as-is",
    ),
    "ownership/blueprint-not-reviewed": Case(
        _top(reviewed=date(2025, 11, 30)), _top(reviewed=date(2025, 12, 2)), "claims:as-is"
    ),
    "ownership/blueprint-without-owner": Case(
        _top(owner=None), _top(owner="agent"), "claims:as-is"
    ),
}


def run_case(tmp_path: Path, change: Change | None, config: Config = ALL) -> list[Any]:
    tree = base_tree()
    if change is not None:
        change(tree)
    return lint_paths([write_tree(tree, tmp_path)], config, TODAY).findings


def test_every_rule_has_a_case_and_the_catalogue_is_large_enough() -> None:
    # the drift rules read an observed log; their cases are in tests/test_observe_lint.py
    assert set(CASES) == {r for r in RULES if not r.startswith("observed/")}
    assert len(RULES) >= 25


def test_the_base_enterprise_is_clean_under_every_rule(tmp_path: Path) -> None:
    assert lint_paths([BASE], ALL, TODAY).findings == []
    assert run_case(tmp_path, None) == []  # written back through the test's YAML writer too


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id: str, tmp_path: Path) -> None:
    findings = run_case(tmp_path, CASES[rule_id].fire)
    mine = [f for f in findings if f.rule == rule_id]
    assert [f.element for f in mine] == [CASES[rule_id].element], findings
    assert mine[0].severity == ("error" if RULES[rule_id].severity == "error" else "warning")
    assert mine[0].span.file and mine[0].span.line > 1


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_stays_quiet(rule_id: str, tmp_path: Path) -> None:
    findings = run_case(tmp_path, CASES[rule_id].quiet)
    assert [f for f in findings if f.rule == rule_id] == []


# --- lint: {ignore: [...]} and its inheritance ---------------------------------------------


def test_ignore_on_a_step_silences_that_step_only(tmp_path: Path) -> None:
    def change(t: Tree) -> None:
        _set(
            "call",
            performed_by=["agent"],
            lint={"ignore": ["lanes/customer-step-performed-by-staff"]},
        )(t)
        _set("get-letter", performed_by=["agent"])(t)

    findings = run_case(tmp_path, change)
    assert [f.element for f in findings] == ["claims.get-letter"]


def test_ignore_on_a_blueprint_is_inherited_by_its_steps_and_fail_points(tmp_path: Path) -> None:
    def change(t: Tree) -> None:
        _set("answer", touchpoint=None)(t)
        _fail_point(action=None, occurrence=4)(t)
        t.bp["lint"] = {"ignore": "lanes/frontstage-without-touchpoint"}  # one id, no list

    findings = run_case(tmp_path, change)
    assert [f.rule for f in findings] == ["risk/high-priority-without-action"]

    def on_step(t: Tree) -> None:
        _fail_point(action=None, occurrence=4)(t)
        t.step("pay")["lint"] = {"ignore": ["risk/high-priority-without-action"]}

    assert run_case(tmp_path / "step", on_step) == []


def test_ignore_on_the_enterprise_file_covers_every_shared_thing(tmp_path: Path) -> None:
    def change(t: Tree) -> None:
        for s in t.ent["systems"]:
            s.pop("owner")  # and so department 'it' is used by nothing
        t.ent["lint"] = {"ignore": ["shared/system-without-owner", "shared/unused-department"]}

    assert run_case(tmp_path, change) == []


def test_an_unknown_rule_in_ignore_is_a_file_error(tmp_path: Path) -> None:
    tree = base_tree()
    tree.step("call")["lint"] = {"ignore": ["lanes/frontstage-without-touchpont"]}
    write_tree(tree, tmp_path)
    with pytest.raises(BlueprintError) as exc:
        lint_paths([tmp_path], ALL, TODAY)
    assert exc.value.code == "BPQL-F060"
    assert "did you mean 'lanes/frontstage-without-touchpoint'" in exc.value.message
    assert exc.value.span is not None and exc.value.span.line > 1


def test_lint_field_is_refused_when_malformed_by_validate(tmp_path: Path) -> None:
    tree = base_tree()
    tree.step("call")["lint"] = {"ignroe": ["lanes/frontstage-without-touchpoint"]}
    write_tree(tree, tmp_path)
    r = bpql("validate", str(tmp_path))
    assert r.returncode == 2
    assert "unknown field 'ignroe' (did you mean 'ignore'?)" in r.stderr


# --- configuration -------------------------------------------------------------------------


def test_config_levels_presets_and_mistakes(tmp_path: Path) -> None:
    rec = from_table({}, "t")
    assert rec.levels["ownership/blueprint-without-owner"] == "off"
    assert rec.levels["lanes/frontstage-without-touchpoint"] == "warn"
    cfg = from_table(
        {
            "extends": ["bpql:recommended"],
            "rules": {"lanes/frontstage-without-touchpoint": "error", "shared/unused-role": "off"},
        },
        "t",
    )
    assert cfg.levels["lanes/frontstage-without-touchpoint"] == "error"
    assert "shared/unused-role" not in cfg.enabled()
    assert from_table({"extends": []}, "t").enabled() == {}
    for table, code, words in [
        ({"rules": {"lanes/frontstage-without-touchpont": "warn"}}, "BPQL-C044", "did you mean"),
        ({"rules": {"shared/unused-role": "warning"}}, "BPQL-C046", "off, warn, error"),
        ({"extends": ["bpql:recomended"]}, "BPQL-C043", "bpql:recommended"),
        ({"extend": []}, "BPQL-C042", "did you mean 'extends'"),
    ]:
        with pytest.raises(BpqlError) as exc:
            from_table(table, "bpql.toml")
        assert exc.value.code == code and words in exc.value.message, exc.value.message


def test_config_is_found_in_bpql_toml_or_pyproject(tmp_path: Path) -> None:
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.bpql.lint]\nrules = {"shared/unused-role" = "error"}\n',
        encoding="utf-8",
    )
    found = load(start=sub)
    assert found.source == str(tmp_path / "pyproject.toml")
    assert found.levels["shared/unused-role"] == "error"
    (tmp_path / "a" / "bpql.toml").write_text('[lint]\nextends = ["bpql:all"]\n', encoding="utf-8")
    nearer = load(start=sub)
    assert nearer.source == str(tmp_path / "a" / "bpql.toml")
    assert nearer.levels["ownership/blueprint-without-owner"] == "warn"
    (tmp_path / "bad.toml").write_text("[lint\n", encoding="utf-8")
    with pytest.raises(BpqlError) as exc:
        load(tmp_path / "bad.toml")
    assert exc.value.code == "BPQL-C041"


# --- the command line ----------------------------------------------------------------------


LINE = r"^[^:]+:\d+:\d+: (error|warning) [a-z-]+/[a-z-]+: \S.*$"


def test_cli_text_json_and_exit_codes(tmp_path: Path) -> None:
    tree = base_tree()
    _set("answer", touchpoint=None, max_wait="1m")(tree)
    folder = write_tree(tree, tmp_path / "ent")
    r = bpql("lint", str(folder), "--config", str(BASE / "enterprise.yaml"))
    assert r.returncode == 2 and "Traceback" not in r.stderr  # not TOML: a one-line error
    settings = tmp_path / "cfg" / "bpql.toml"  # not above the enterprise: only --config finds it
    settings.parent.mkdir()
    settings.write_text(
        '[lint]\nrules = {"standards/max-wait-below-target-time" = "warn"}\n', encoding="utf-8"
    )
    r = bpql("lint", str(folder), "--config", str(settings))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and all(re.match(LINE, line) for line in lines), lines
    assert lines[0].startswith(f"{folder}/services/claims.yaml:")
    assert "warning lanes/frontstage-without-touchpoint: frontstage step 'answer'" in lines[0]
    assert r.stderr.startswith("0 errors, 2 warnings in 2 files")
    r = bpql("lint", str(folder), "--format", "json")  # default config: max_wait is an error
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert (data["errors"], data["warnings"]) == (1, 1)
    assert {f["rule"] for f in data["findings"]} == {
        "lanes/frontstage-without-touchpoint",
        "standards/max-wait-below-target-time",
    }
    line = int(lines[0].split(":")[1])
    assert all(f["line"] == line and f["element"] == "claims.answer" for f in data["findings"])
    r = bpql("lint", "tests/blueprints/bad/16-unknown-system")
    assert r.returncode == 2 and r.stderr.startswith("error: ") and r.stdout == ""
    r = bpql("lint", "--list-rules")
    assert r.returncode == 0 and len(r.stdout.splitlines()) == len(RULES)


def test_sarif_output_validates_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads((ROOT / "tests/lint/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    r = bpql("lint", "examples/insurer", "--format", "sarif")
    assert r.returncode == 0, r.stderr
    log = json.loads(r.stdout)
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(bpql("lint", "examples/insurer").stdout.splitlines()) > 0
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].startswith("examples/insurer/")
        assert loc["region"]["startLine"] >= 1
    # a broken log must fail the same check, so the test can fail
    del results[0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(log)


@pytest.mark.parametrize("example", ["examples/insurer", "examples/clinic"])
def test_examples_lint_snapshot(example: str, snapshot: SnapshotAssertion) -> None:
    """Read by a person: every finding is justified in docs/lint.md ("The examples")."""
    r = bpql("lint", example)
    assert r.returncode == 0, r.stderr
    assert r.stdout == snapshot
    docs = (ROOT / "docs/lint.md").read_text(encoding="utf-8")
    for rule_id in {line.split()[2].rstrip(":") for line in r.stdout.splitlines()}:
        assert f"`{rule_id}`" in docs.split("## The examples", 1)[1], rule_id


def test_every_rule_has_its_docs_page() -> None:
    from bpql.lint.docs import page

    for rule_id, rule in RULES.items():
        path = ROOT / "docs" / "lint" / f"{rule_id}.md"
        assert path.is_file(), f"{path}: run python -m bpql.lint.docs"
        assert path.read_text(encoding="utf-8") == page(rule), f"{path} is out of date"


def test_lint_copies_no_store(tmp_path: Path) -> None:
    """Lint reads files only: no store is created or needed."""
    shutil.copytree(BASE, tmp_path / "ent")
    env = {**os.environ, "BPQL_DB": f"embedded:{tmp_path}/none"}
    r = bpql("lint", str(tmp_path / "ent"), env=env)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "none").exists()


# --- blueprint ownership in the format and the language -----------------------------------


def test_ownership_fields_are_loaded_and_queryable(store: Store, tmp_path: Path) -> None:
    tree = base_tree()
    tree.extra["services/quote.yaml"] = {
        **copy.deepcopy(tree.bp),
        "service": {"id": "quote", "name": "Get a quote"},
        "owner": "agent",
        "status": "draft",
        "reviewed": date(2025, 10, 1),
        "review_every": "90d",
    }
    store.load(write_tree(tree, tmp_path / "ent"))
    query = (
        'find blueprints where reviewed < "2026-01-01" return id, owner, status, reviewed, '
        "review_every"
    )
    r = bpql("query", query, "--db", store.uri, "--format", "json", env=store.env)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    assert rows == [["quote:as-is", "agent", "draft", "2025-10-01", 90 * 1440]]
    r = bpql(
        "query",
        'find blueprints where owner = "claims" and status = "live" return id',
        "--db",
        store.uri,
        "--format",
        "json",
        env=store.env,
    )
    assert json.loads(r.stdout)["rows"] == [["claims:as-is"]], r.stdout


def test_an_unknown_owner_is_a_validation_error(tmp_path: Path) -> None:
    tree = base_tree()
    tree.bp["owner"] = "claimz"
    r = bpql("validate", str(write_tree(tree, tmp_path)))
    assert r.returncode == 2
    assert "owner: unknown role or department 'claimz' (did you mean 'claims'?)" in r.stderr
    tree.bp.update(owner="claims", status="in-review")
    r = bpql("validate", str(write_tree(tree, tmp_path)))
    assert "status: expected one of draft, in review, live, retired" in r.stderr, r.stderr


# --- the fast reader lint uses -------------------------------------------------------------


def test_the_fast_reader_gives_what_read_yaml_gives(tmp_path: Path) -> None:
    """Same data (types too) and the same positions as `bpql validate`'s reader, on every
    example and test file; a file it would read differently is left to ruamel."""
    from bpql.model.yamlpos import read_yaml, read_yaml_fast

    odd = tmp_path / "odd.yaml"
    odd.write_text(
        "a: yes\nb: 012\nc: 0o12\nd: 1_000\ne: .inf\nf: 2026-06-01\ng: ~\nh: !!str 5\n"
        "i: 1.5e3\nj: 'x: y'\nk: |\n  text\n  more\nl: [1, {m: n}]\n? complex\n: key\n",
        encoding="utf-8",
    )
    files = [odd, *sorted((ROOT / "bpql" / "examples").rglob("*.yaml"))]
    files += sorted((ROOT / "tests").rglob("*.yaml"))
    compared = 0
    for f in files:
        try:
            slow = read_yaml(f)
        except BpqlError:
            continue
        fast = read_yaml_fast(f)
        assert fast.data == slow.data, f
        assert repr(fast.data) == repr(slow.data), f
        assert fast.positions == slow.positions, f
        assert fast.key_positions == slow.key_positions, f
        compared += 1
    assert compared > 100
    assert read_yaml_fast(odd).data["a"] == "yes"  # YAML 1.2, as ruamel reads it


# --- findings in the store, the language and the blueprint view ------------------------------


def test_no_rule_id_is_part_of_another() -> None:
    """`where lint contains "<rule-id>"` then matches that rule only."""
    for a in RULES:
        assert not [b for b in RULES if a != b and a in b], a


def _flagged_enterprise(folder: Path, store_findings: bool) -> Path:
    """The base with a frontstage step lacking its touchpoint, and settings beside it."""
    tree = base_tree()
    _set("answer", touchpoint=None)(tree)
    _set("pay", touchpoint="web")(tree)
    write_tree(tree, folder / "ent")
    if store_findings:
        (folder / "bpql.toml").write_text("[lint]\nstore = true\n", encoding="utf-8")
    return folder / "ent"


def _rows(db: Store, query: str) -> list[list[Any]]:
    r = bpql("query", query, "--db", db.uri, "--format", "json", env=db.env)
    assert r.returncode == 0, r.stderr
    rows: list[list[Any]] = json.loads(r.stdout)["rows"]
    return rows


def test_findings_are_stored_at_load_and_countable(store: Store, tmp_path: Path) -> None:
    store.load(_flagged_enterprise(tmp_path / "off", store_findings=False))
    assert _rows(store, 'find steps where lint contains "lanes/" return id') == []
    store.load(_flagged_enterprise(tmp_path / "on", store_findings=True))
    rows = _rows(
        store,
        'find steps where lint contains "lanes/frontstage-without-touchpoint" return id, lint',
    )
    assert rows == [
        [
            "claims.answer",
            "lanes/frontstage-without-touchpoint: frontstage step 'answer' has no touchpoint",
        ]
    ]
    assert _rows(store, 'count steps where lint contains "lanes/" by lane') == [
        ["backstage", 1],
        ["frontstage", 1],
    ]
    assert _rows(store, 'find systems where lint contains "/" return id') == []


def test_the_blueprint_view_marks_flagged_elements(tmp_path: Path) -> None:
    from bpql import viz
    from bpql.api import connect

    db = f"embedded:{tmp_path / 'graph.lbdb'}"
    assert bpql("load", str(_flagged_enterprise(tmp_path, True)), "--db", db).returncode == 0
    with connect(db) as client:
        html = viz.render(client.blueprint("claims")).html
    nodes = json.loads(html.split('id="bpql-nodes">', 1)[1].split("</script>", 1)[0])
    # the drawing rings a flagged step in dashed red (a moment of truth keeps its gold border)
    flagged = set(re.findall(r'data-key="([^"]+)" data-kind="[^"]+"[^>]*data-lint="true"', html))
    assert flagged == {"Step:claims.answer", "Step:claims.pay"}
    assert 'class="bpql-lint"' in html and f'stroke="{viz.page.LINT_COLOR}"' in html
    # the hover lists every property of the node, the messages among them
    answer = next(n for n in nodes if n["id"] == "Step:claims.answer")
    assert any(x.startswith("lint: lanes/frontstage-without-touchpoint: ") for x in answer["lines"])
    assert "Lint finding" in html


# --- hostile settings (issue 19, item 6) ---------------------------------------------------


def _deep(depth: int) -> bytes:
    return b"[lint]\nextends = " + b"[" * depth + b"]" * depth + b"\n"


#: case -> (file name, its bytes or how to make it, code, what the line starts with after
#: "error: <file>", words in it)
HOSTILE: dict[str, tuple[str, Any, str, str, str]] = {
    "extends-a-number": ("bpql.toml", b"[lint]\nextends = 5\n", "BPQL-C055", ":2:1: ", "got 5"),
    "extends-numbers": ("bpql.toml", b"[lint]\nextends = [5]\n", "BPQL-C055", ":2:1:", "got 5"),
    "tool-a-string": ("pyproject.toml", b'tool = "x"\n', "BPQL-C045", ":1:1: ", "tool: expected"),
    "tool-bpql-a-number": ("pyproject.toml", b"[tool]\nbpql = 3\n", "BPQL-C045", ":2:1:", "got 3"),
    "lint-an-array": (
        "pyproject.toml",
        b"[tool.bpql]\nlint = [1]\n",
        "BPQL-C045",
        ":2:1: ",
        "tool.bpql.lint: expected a table, got an array",
    ),
    "lint-a-number": ("bpql.toml", b"lint = 5\n", "BPQL-C045", ":1:1: ", "lint: expected a table"),
    "store-a-string": ("bpql.toml", b'[lint]\nstore = "yes"\n', "BPQL-C050", ":2:1: ", "'yes'"),
    "rules-a-number": ("bpql.toml", b"[lint]\nrules = 5\n", "BPQL-C049", ":2:1: ", "got 5"),
    "level-a-number": (
        "bpql.toml",
        b'[lint]\nrules = {"shared/unused-role" = 3}\n',
        "BPQL-C046",
        ":2:10: ",
        "'shared/unused-role' = 3; expected one of off, warn, error",
    ),
    "level-a-table": (
        "bpql.toml",
        b'[lint.rules]\n"shared/unused-role" = {a = 1}\n',
        "BPQL-C046",
        ":2:1: ",
        "= a table",
    ),
    "unknown-key": ("bpql.toml", b"[lint]\nextnds = []\n", "BPQL-C042", ":2:1: ", "'extends'"),
    "unknown-preset": ("bpql.toml", b'[lint]\nextends = "x"\n', "BPQL-C043", ":2:1: ", "'x'"),
    "unknown-rule": ("bpql.toml", b'[lint.rules]\n"a/b" = "off"\n', "BPQL-C044", ":2:1: ", "'a/b'"),
    "not-utf-8": ("bpql.toml", b'[lint]\nextends = "\xff"\n', "BPQL-C053", ":2:12: ", "0xFF"),
    "not-toml": ("bpql.toml", b"[lint\n", "BPQL-C041", ":1:6: ", "invalid TOML: Expected ']'"),
    "deep-array": ("bpql.toml", _deep(50_000), "BPQL-C054", ": ", "nested too deeply"),
    "deep-array-within-reach": ("bpql.toml", _deep(200), "BPQL-C055", ":2:1: ", "an array"),
    "too-large": ("bpql.toml", b"#" * (2 << 20), "BPQL-C052", ": ", "the file is 2.0 MB"),
    "a-fifo": ("bpql.toml", os.mkfifo, "BPQL-C051", ": ", "a named pipe (FIFO), not a file"),
    "a-folder": ("bpql.toml", os.mkdir, "BPQL-C051", ": ", "a folder, not a file"),
    "a-pyproject-folder": ("pyproject.toml", os.mkdir, "BPQL-C051", ": ", "a folder"),
    "a-link-loop": ("bpql.toml", lambda p: p.symlink_to(p.name), "BPQL-C051", ": ", "link loop"),
    "a-dangling-link": ("bpql.toml", lambda p: p.symlink_to("no"), "BPQL-C051", ": ", "'no'"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_settings_are_one_line(case: str, tmp_path: Path) -> None:
    """Each through `bpql lint` and `bpql load` (which reads the settings for `store`): one
    line naming the file (at line:col where the parser or the file shows it), no traceback,
    exit 2, and the load writes nothing; the code from the Python API."""
    from tests.test_special_files import deadline, guarded

    name, content, code, at, words = HOSTILE[case]
    folder = tmp_path / "ent"
    shutil.copytree(BASE, folder)
    settings = folder / name
    if isinstance(content, bytes):
        settings.write_bytes(content)
    else:
        content(settings)
    db = tmp_path / "db" / "graph.lbdb"
    for args in (["lint", str(folder)], ["load", str(folder), "--db", f"embedded:{db}"]):
        r = guarded(*args)
        assert r.returncode == 2 and r.stdout == "", (args, r.stdout)
        assert "Traceback" not in r.stderr
        assert r.stderr.count("\n") == 1, r.stderr
        assert r.stderr.startswith(f"error: {settings}{at}"), r.stderr
        assert words in r.stderr, r.stderr
    assert not db.parent.exists(), "the load wrote nothing"
    with deadline(), pytest.raises(BpqlError) as exc:
        load(start=folder)
    assert exc.value.code == code, exc.value.message


def test_the_sample_output_in_docs_lint_md_is_what_lint_prints() -> None:
    """docs/lint.md's first example: its lines are printed, in that order, and its count is
    the count (a new rule or a changed example makes this fail until the page is updated)."""
    page = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ bpql lint examples/insurer\n(.*?)```", page, re.S)
    assert block
    shown = block[1].splitlines()
    r = bpql("lint", "examples/insurer")
    assert r.returncode == 0
    printed = r.stdout.splitlines()
    lines = [ln for ln in shown[:-1] if ln != "..."]
    assert lines and all(ln in printed for ln in lines), lines
    assert [printed.index(ln) for ln in lines] == sorted(printed.index(ln) for ln in lines)
    assert shown[-1] + "\n" == r.stderr


# --- lint a file at a time (issue 25: memory bounded by the answer) ----------------------------


def _findings_read_whole(folder: Path, config: Config) -> list[Any]:
    """Lint as it ran before files were read one at a time: every file parsed and kept whole,
    then checked, then the rules over the whole parses and the graph."""
    from bpql.lint.run import check_ignores, enterprise_of, lint_enterprise
    from bpql.model.files import collect_files
    from bpql.model.validate import check_parsed, parse_files

    files = collect_files([folder])
    parsed = parse_files(files)
    graph = check_parsed(files, parsed, figures=False).graph
    check_ignores(parsed)
    return lint_enterprise(enterprise_of(parsed, TODAY, graph), config)


@pytest.mark.parametrize("preset", ["bpql:recommended", "bpql:all"])
def test_lint_a_file_at_a_time_finds_what_whole_parses_find(preset: str, tmp_path: Path) -> None:
    """The same findings, messages, positions and order, with or without the graph kept
    (`bpql:all` runs a rule that reads it), on the examples and a synthetic enterprise with
    `lint: {ignore}` in one of its files."""
    from bpql.testing.synthetic import write_enterprise

    config = Config(PRESETS[preset]())
    folder = write_enterprise(tmp_path / "synthetic", services=30)
    first = folder / "services" / "svc-003.yaml"
    first.write_text(
        "lint: {ignore: [lanes/frontstage-without-touchpoint]}\n" + first.read_text("utf-8"),
        encoding="utf-8",
    )
    for where in [folder, *(ROOT / "examples" / e for e in ("clinic", "insurer"))]:
        found = lint_paths([where], config, today=TODAY).findings
        assert found == _findings_read_whole(where, config)
        assert found, where


def test_lint_keeps_of_a_blueprint_file_only_what_a_finding_needs(tmp_path: Path) -> None:
    """Of each blueprint file lint keeps its model and the positions of its values; its key
    positions go, and its data too unless it says `lint: {ignore}` (what `ignored_at`
    reads)."""
    from bpql.lint.run import ForLint
    from bpql.model.files import collect_files
    from bpql.model.validate import stream
    from bpql.testing.synthetic import write_enterprise

    folder = write_enterprise(tmp_path / "synthetic", services=3)
    marked = folder / "services" / "svc-001.yaml"
    marked.write_text("lint: {ignore: [shared/unused-role]}\n" + marked.read_text("utf-8"))
    kept = ForLint()
    stream(collect_files([folder]), figures=False, keep=kept, graph=False)
    docs = {Path(b.doc.file).name: b.doc for b in kept.blueprints}
    assert list(docs) == ["svc-000.yaml", "svc-001.yaml", "svc-002.yaml"]
    assert all(not d.key_positions and d.positions for d in docs.values())
    assert docs["svc-001.yaml"].data["lint"] == {"ignore": ["shared/unused-role"]}
    assert docs["svc-000.yaml"].data == {} == docs["svc-002.yaml"].data
    assert kept.entry is not None and kept.entry.doc.key_positions


def test_a_rule_that_reads_the_graph_says_so() -> None:
    """Lint keeps the validated graph only when an enabled rule declares `graph=True`; a rule
    reading `ent.graph` without it would see none."""
    import inspect

    for rid, rule in RULES.items():
        assert ("ent.graph" in inspect.getsource(rule.check)) == rule.graph, rid
    assert any(rule.graph for rule in RULES.values())


def test_the_systems_figures_made_file_by_file_leave_nothing_behind(tmp_path: Path) -> None:
    """`bpql:all` lints with the systems' figures summed file by file; each file's support
    graph is let go even with the cycle collector paused (at 10,000 files they held 0.8 GB),
    and the figures are those worked out over the whole graph."""
    import gc

    from bpql.analysis.criticality import SupportGraph, system_figures
    from bpql.model.files import collect_files
    from bpql.model.validate import stream
    from bpql.testing.synthetic import write_enterprise

    files = collect_files([write_enterprise(tmp_path / "synthetic", services=250)])
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        slim = stream(files, figures=True, graph=False).enterprise.graph
        left = sum(type(o) is SupportGraph for o in gc.get_objects())
    finally:
        if enabled:
            gc.enable()
    assert left < 100, left
    whole = system_figures(stream(files, figures=False).enterprise.graph)
    assert {s["id"]: {f: s[f] for f in whole[s["id"]]} for s in slim.nodes["System"]} == whole
    assert any(f["single_point_for"] for f in whole.values())
