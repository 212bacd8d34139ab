"""`bpql schema` (issues 21.2 and 23.3): a JSON Schema, draft 2020-12 or draft-07, generated
from the file format's models, that a standard validator (the `jsonschema` package) finds
valid, that accepts every valid file the project has (the examples, the test enterprises,
every enterprise the lint tests build, a synthetic enterprise, the docs' samples), and that
refuses a file exactly when `bpql validate` refuses it for its shape (a field's type, a
value's form) rather than for what other files say.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bpql.errors import BlueprintError, BpqlError
from bpql.model.format import SCHEMA_DRAFTS, json_schema
from bpql.model.validate import check_doc
from bpql.model.yamlpos import read_yaml, read_yaml_fast
from tests.test_lint import CASES as CASES_OF_LINT
from tests.test_load import ROOT, bpql

VALIDATORS: dict[str, type[Any]] = {
    "2020-12": jsonschema.Draft202012Validator,
    "07": jsonschema.Draft7Validator,
}
#: what `bpql validate` says when a file's own shape is wrong (check_doc), not a reference
SHAPE_CODES = {"BPQL-F003", "BPQL-F004", "BPQL-F005", "BPQL-F006", "BPQL-F007", "BPQL-F008"}


@pytest.fixture(scope="module", params=sorted(SCHEMA_DRAFTS))
def validator(request: pytest.FixtureRequest) -> Any:
    """The schema as `bpql schema --draft D` prints it, checked against its metaschema."""
    draft = request.param
    r = bpql("schema", "--draft", draft)
    assert r.returncode == 0, r.stderr
    schema = json.loads(r.stdout)
    assert schema == json.loads(json.dumps(json_schema(draft)))
    cls = VALIDATORS[draft]
    assert schema["$schema"] == cls.META_SCHEMA["$id"].rstrip("#") + ("#" if draft == "07" else "")
    cls.check_schema(schema)
    return cls(schema)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


@pytest.mark.parametrize("draft", sorted(SCHEMA_DRAFTS))
def test_the_schema_speaks_its_draft(draft: str) -> None:
    """Only keywords of JSON Schema (pydantic's `gt` was none), references into the draft's
    own definitions, and no `$ref` with siblings (draft-07 ignores them)."""
    schema = json_schema(draft)
    where = "$defs" if draft == "2020-12" else "definitions"
    assert set(schema) == {"$schema", "title", "description", "oneOf", where}
    for node in _walk(schema[where]):
        assert not {"gt", "ge", "lt", "le"} & set(node), node
        if "$ref" in node:
            assert node["$ref"].startswith(f"#/{where}/"), node
            assert set(node) == {"$ref"}, node
        if "pattern" in node:
            re.compile(node["pattern"])
            assert not node["pattern"].endswith("$"), node["pattern"]


def _errors(validator: Any, data: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(data)
    ]


def _valid_files() -> list[Path]:
    found: list[Path] = []
    for folder in ("examples", "tests/blueprints/good", "tests/lint/base"):
        found += sorted((ROOT / folder).rglob("*.yaml"))
    # examples/observed holds bpql observe's mapping files, not blueprint files (observe.md)
    return [p for p in found if "observed" not in p.relative_to(ROOT).parts]


VALID = _valid_files()


def test_the_corpus_is_found() -> None:
    assert len(BAD) >= 100
    assert sum(_shape_problem(p) is True for p in BAD) >= 15


def test_the_valid_fixtures_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in VALID}
    assert len(VALID) >= 21
    assert "examples/insurer/enterprise.yaml" in names
    assert "tests/lint/base/services/claims.yaml" in names


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_example_and_fixture_is_accepted(validator: Any, path: Path) -> None:
    doc = read_yaml_fast(path)
    check_doc(doc)  # valid for the format itself
    assert _errors(validator, doc.data) == []


@functools.cache
def _lint_test_files() -> list[tuple[str, Any]]:
    """The distinct files of the enterprises tests/test_lint.py builds from tests/lint/base,
    one per rule and way (firing and quiet): all valid, each changed differently. Written
    with libyaml and read back as `bpql validate` reads them."""
    import yaml

    from tests.test_lint import base_tree

    seen: dict[str, tuple[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "file.yaml"
        for rid, case in sorted(CASES_OF_LINT.items()):
            for way, change in (("fire", case.fire), ("quiet", case.quiet)):
                tree = base_tree()
                change(tree)
                files = {"enterprise.yaml": tree.ent, "services/claims.yaml": tree.bp}
                for name, data in {**files, **tree.extra}.items():
                    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True)
                    if text not in seen:
                        f.write_text(text, encoding="utf-8")
                        doc = read_yaml_fast(f)
                        check_doc(doc)
                        seen[text] = (f"{rid} {way} {name}", doc.data)
    return list(seen.values())


def test_every_lint_test_enterprise_is_accepted(validator: Any) -> None:
    files = _lint_test_files()
    assert len(files) >= len(CASES_OF_LINT)
    for name, data in files:
        assert _errors(validator, data) == [], name


def test_a_synthetic_enterprise_is_accepted(validator: Any, tmp_path: Path) -> None:
    from bpql.testing.synthetic import write_enterprise

    folder = write_enterprise(tmp_path / "synthetic", services=4, steps=12)
    files = sorted(folder.rglob("*.yaml"))
    assert len(files) >= 5
    for f in files:
        assert _errors(validator, read_yaml_fast(f).data) == [], f.name


def _shape_problem(path: Path) -> bool | None:
    """Whether `bpql validate` refuses this file for its own shape (None: not YAML at all)."""
    try:
        doc = read_yaml_fast(path)
    except BpqlError:
        return None
    try:
        check_doc(doc)
    except BlueprintError as exc:
        assert {p.code for p in exc.problems} <= SHAPE_CODES, exc
        return True
    return False


def _yaml_files_of_the_corpus() -> list[Path]:
    """The malformed corpus's files that are YAML at all (the others give no data)."""
    found = []
    for p in sorted((ROOT / "tests" / "blueprints" / "bad").rglob("*.yaml")):
        try:
            read_yaml(p)
        except BpqlError:
            continue
        found.append(p)
    return found


BAD = _yaml_files_of_the_corpus()


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.relative_to(ROOT / "tests").as_posix())
def test_the_schema_refuses_a_file_where_validate_refuses_its_shape(
    validator: Any, path: Path
) -> None:
    """Every file of the malformed corpus: refused by the schema if and only if validate
    refuses it on its own (a reference to an unknown role is for validate alone)."""
    shape = _shape_problem(path)
    errors = _errors(validator, read_yaml_fast(path).data)
    assert bool(errors) == shape, errors


SERVICE = """service: {id: s, name: Claims}
phases: [{id: p, name: P}]
steps:
  - id: a
    name: A
    lane: customer
    phase: p
    fail_points: [{id: f, name: F, severity: 1, occurrence: 1, detection: 1}]
"""
STEP = "    phase: p\n"
FAIL = "detection: 1}"
#: one mistake of shape each, beyond the corpus: (what the valid file says, what it says now)
SHAPES = {
    "name-ends-with-a-space": ("name: Claims}", 'name: "Claims "}'),
    "name-starts-with-a-line-break": ("name: Claims}", 'name: "\\nClaims"}'),
    "name-ends-with-nel": ("name: Claims}", 'name: "Claims\\N"}'),
    "id-ends-with-a-line-break": ("id: s,", 'id: "s\\n",'),
    "id-with-nel": ("id: s,", 'id: "s\\N",'),
    "name-too-long": ("name: Claims}", "name: " + "n" * 1001 + "}"),
    "moment-of-truth-yes": (STEP, STEP + "    moment_of_truth: yes\n"),
    "max-wait-in-words": (STEP, STEP + "    max_wait: 5 minutes\n"),
    "max-wait-units-backwards": (STEP, STEP + "    max_wait: 1m2h\n"),
    "max-wait-zero": (STEP, STEP + "    max_wait: 0\n"),
    "performed-by-a-number": (STEP, STEP + "    performed_by: 5\n"),
    "a-lane-with-a-space": ("lane: customer", 'lane: "customer "'),
    "target-as-text": ("1}]\n", '1}]\nmetrics: [{id: m, name: M, target: "14"}]\n'),
    "due-as-a-number": (FAIL, "detection: 1, due: 20260601}"),
    "status-unknown": (FAIL, "detection: 1, status: blocked}"),
    "comma-trap": ("{id: p, name: P}", "{id: p, name: P, q}"),
}


@pytest.mark.parametrize("what", sorted(SHAPES))
def test_the_schema_and_validate_refuse_the_same_shapes(
    validator: Any, what: str, tmp_path: Path
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(SERVICE, encoding="utf-8")
    assert _shape_problem(good) is False
    assert _errors(validator, read_yaml_fast(good).data) == []
    old, new = SHAPES[what]
    assert old in SERVICE
    bad = tmp_path / "bad.yaml"
    bad.write_text(SERVICE.replace(old, new, 1), encoding="utf-8")
    assert _shape_problem(bad) is True, bad.read_text()
    assert _errors(validator, read_yaml_fast(bad).data) != []


#: ways of writing a valid file that an earlier schema refused (issue 21.2), and others
FORMS = {
    "performed-by-one-id": "performed_by: clerk",
    "performed-by-a-list": "performed_by: [clerk, agent]",
    "performed-by-nothing": "performed_by:",
    "uses-one-id": "uses: crm",
    "supports-one-step": "supports: b",
    "max-wait-with-units": "max_wait: 10m",
    "max-wait-compound": "max_wait: 1h30m",
    "max-wait-minutes": "max_wait: 90",
    "max-wait-fraction": "target_time: 1.5h",
    "ignore-one-rule": "lint: {ignore: lanes/customer-step-uses-system}",
    "status-as-people-write-it": "status: In-Progress",
    "name-with-inner-breaks": 'description: "two\\nlines\\u2029and a NEL\\N inside "',
}


@pytest.mark.parametrize("what", sorted(FORMS))
def test_the_schema_accepts_every_way_of_writing_a_field(
    validator: Any, what: str, tmp_path: Path
) -> None:
    f = tmp_path / "ok.yaml"
    form = FORMS[what]
    text = (
        SERVICE.replace(FAIL, f"detection: 1, {form}}}")
        if form.startswith("status:")
        else SERVICE.replace(STEP, f"{STEP}    {form}\n")
    )
    f.write_text(text, encoding="utf-8")
    assert _shape_problem(f) is False, text
    assert _errors(validator, read_yaml_fast(f).data) == []


def test_the_enterprise_may_be_a_mapping(validator: Any, tmp_path: Path) -> None:
    f = tmp_path / "enterprise.yaml"
    for text in ("enterprise: Harbour Mutual\n", "enterprise: {id: harbour, name: Harbour}\n"):
        f.write_text(text, encoding="utf-8")
        assert _shape_problem(f) is False
        assert _errors(validator, read_yaml_fast(f).data) == []
    f.write_text("enterprise: {id: harbour}\n", encoding="utf-8")
    assert _shape_problem(f) is True
    assert _errors(validator, read_yaml_fast(f).data) != []


def test_the_docs_files_are_accepted(validator: Any, tmp_path: Path) -> None:
    """docs/format.md's complete enterprise and blueprint files, which use every field."""
    from tests.test_validation import docs_files

    files = docs_files(tmp_path)
    assert len(files) == 2
    for f in files:
        assert _errors(validator, read_yaml_fast(f).data) == [], f.name
