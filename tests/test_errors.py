"""Errors as data (bpql/errors.py), compile-only: every error raised in bpql/ names a stable
code of the form BPQL-<letter><number>, and a real bad query's error carries, in to_json(),
its kind, code, severity, message, hints and span."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from bpql import errors
from bpql.errors import QueryError
from bpql.query.compiler import GraphCatalog, resolve_text
from tests.conftest import ROOT
from tests.test_query_errors import HEAD, IDS, QUERIES

SOURCE = ROOT / "bpql"
CODE = re.compile(r"^BPQL-[QFSCVE]\d{3}$")
#: the classes raised with a code; BlueprintError takes its code from its first problem
CLASSES = {"BpqlError", "QueryError", "BackendError"}
#: the letter each class's codes start with: a query (Q), a store (S); a plain BpqlError is a
#: blueprint file (F), a command's arguments (C), a view (V) or anything else (E)
LETTERS = {"QueryError": "Q", "BackendError": "S", "BpqlError": "FCVE"}


def files() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def called_name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def constructions() -> list[tuple[str, ast.Call]]:
    """Every `BpqlError(...)`, `QueryError(...)` and `BackendError(...)` in bpql/: raised there
    or built to be raised later (a list of problems), with `file:line`."""
    found = []
    for path in files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and called_name(node) in CLASSES:
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return found


def test_no_other_error_class() -> None:
    """Every subclass of BpqlError lives in bpql/errors.py, so the scan below sees them all."""
    elsewhere = []
    for path in files():
        if path.name == "errors.py" and path.parent == SOURCE:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef):
                bases = {
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                }
                if bases & (CLASSES | {"BlueprintError"}):
                    elsewhere.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert elsewhere == []


def test_every_error_names_a_code() -> None:
    sites = constructions()
    raised = sum(
        1
        for path in files()
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and called_name(node.exc) in CLASSES
    )
    assert len(sites) >= 50 and raised >= 40, "the scan finds the raise sites"
    missing, bad = [], []
    for where, call in sites:
        code = {k.arg: k.value for k in call.keywords}.get("code")
        if code is None:
            missing.append(where)
        elif isinstance(code, ast.Constant):
            name = called_name(call)
            assert name is not None
            if not (
                isinstance(code.value, str)
                and CODE.match(code.value)
                and code.value[5] in LETTERS[name]
            ):
                bad.append(f"{where} {name} {code.value!r}")
        elif not where.startswith("bpql/errors.py:"):  # only errors.py passes a code through
            bad.append(f"{where} {ast.unparse(code)}")
    assert missing == [], "raised without code=..."
    assert bad == [], f"codes must match {CODE.pattern}, with the class's letter"


def test_default_codes_have_the_form() -> None:
    classes = [errors.BpqlError, errors.BlueprintError, errors.BackendError, errors.QueryError]
    assert all(CODE.match(c.default_code) for c in classes)


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_query_error_as_json(query: str, catalog: GraphCatalog) -> None:
    with pytest.raises(QueryError) as info:
        resolve_text(query, catalog)
    exc = info.value
    data = json.loads(json.dumps(exc.to_json()))
    assert {"kind", "code", "severity", "message", "hints", "span"} <= set(data)
    assert data["kind"] == "query" and data["severity"] == "error"
    assert CODE.match(data["code"]) and data["code"].startswith("BPQL-Q"), data["code"]
    assert data["code"] != QueryError.default_code, "a real error names its own code"
    assert data["message"] == exc.message and data["message"] in exc.pretty()
    assert isinstance(data["hints"], list) and all(isinstance(h, str) for h in data["hints"])
    head = HEAD.match(exc.pretty().splitlines()[0])
    assert head, exc.pretty()
    assert data["span"]["line"] == 1 and data["span"]["column"] == int(head[1])
    assert data["source"] == query
