"""The malformed blueprint corpus: one clear line with file:line:col each, and nothing written.

Messages are kept in tests/blueprints/bad/expected.txt; rewrite it with --update-goldens and
read the diff before committing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, ROOT
from tests.neo4j_fixture import Neo4jInfo

BAD = ROOT / "tests" / "blueprints" / "bad"
BASE = ROOT / "tests" / "blueprints" / "base"
GOLDEN = BAD / "expected.txt"
CASES = sorted(p.name for p in BAD.glob("*.yaml"))
LINE = re.compile(r"^error: (?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): \S.*$")


def case_args(name: str) -> list[str]:
    """Enterprise-level cases replace the base enterprise file; the rest add a blueprint."""
    base = "tests/blueprints/base/services" if "-ent-" in name else "tests/blueprints/base"
    return [base, f"tests/blueprints/bad/{name}"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bpql.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def read_golden() -> dict[str, str]:
    out: dict[str, str] = {}
    if GOLDEN.exists():
        for block in GOLDEN.read_text().split("\n== ")[0:]:
            name, _, body = block.removeprefix("== ").partition("\n")
            out[name] = body.rstrip("\n")
    return out


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25


def test_messages(update_goldens: bool) -> None:
    got = {}
    for name in CASES:
        r = run("validate", *case_args(name))
        assert r.returncode == 2, (name, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr, name
        first = r.stderr.splitlines()[0]
        m = LINE.match(first)
        assert m, (name, first)
        assert m["file"] == f"tests/blueprints/bad/{name}", (name, first)
        got[name] = r.stderr.rstrip("\n")
    if update_goldens:
        GOLDEN.write_text("".join(f"== {k}\n{v}\n" for k, v in got.items()))
    assert got == read_golden()


def stats(uri: str, env: dict[str, str] | None) -> dict[str, object]:
    r = run("stats", "--db", uri, "--format", "json", env=env)
    assert r.returncode == 0, r.stderr
    result: dict[str, object] = json.loads(r.stdout)
    return result


@pytest.mark.parametrize("kind", BACKENDS)
def test_bad_loads_write_nothing(kind: str, neo4j_server: Neo4jInfo, tmp_path: Path) -> None:
    env = neo4j_server.env()
    uri = f"embedded:{tmp_path / 'g.lbdb'}" if kind == "ladybug" else neo4j_server.uri
    assert run("load", "tests/blueprints/base", "--db", uri, env=env).returncode == 0
    before = stats(uri, env)
    assert before["nodes"]["Step"] == 4  # type: ignore[index]
    for name in CASES:
        r = run("load", *case_args(name), "--db", uri, env=env)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (name, r.stderr)
    assert stats(uri, env) == before


def test_bad_load_creates_no_store(tmp_path: Path) -> None:
    store = tmp_path / "new" / "g.lbdb"
    r = run("load", *case_args("15-unknown-system.yaml"), "--db", f"embedded:{store}")
    assert r.returncode == 2
    assert not store.parent.exists()
