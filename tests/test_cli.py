"""The command line end to end on the embedded store: demo, query formats, explain, help."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT


def bpql(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bpql.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys, bpql.cli as c\n"
        "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "mods = ('neo4j', 'ladybug', 'lark', 'pydantic', 'rich')\n"
        "heavy = [m for m in mods if m in sys.modules]\n"
        "print(heavy)"
    )
    started = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip().splitlines()[-1] == "[]"
    assert time.perf_counter() - started < 5


#: what the demo's answers to the daily jobs must show (also checked from an installed wheel)
DEMO_TEXTS = (
    "Northwind Mutual",
    "Riverside Hospital Outpatients",
    "Premium billing",
    "impact of department",
    "Customer service line",
    "graph:",
)


def test_demo_answers_the_daily_jobs(tmp_path: Path) -> None:
    r = bpql("demo", "--store", str(tmp_path))
    assert r.returncode == 0, r.stderr
    for text in DEMO_TEXTS:
        assert text in r.stdout, text


def test_query_formats(tmp_path: Path) -> None:
    db = f"embedded:{tmp_path / 'g.lbdb'}"
    assert bpql("load", "examples/insurer", "--db", db).returncode == 0
    q = 'find touchpoints where channel = "phone"'
    js = json.loads(bpql("query", q, "--db", db, "--format", "json").stdout)
    assert js["columns"] == ["id", "name", "channel"]
    assert [r[0] for r in js["rows"]] == ["claims-line", "contact-centre", "sales-line"]
    rows = list(csv.reader(io.StringIO(bpql("query", q, "--db", db, "--format", "csv").stdout)))
    assert rows[0] == ["id", "name", "channel"] and len(rows) == 4
    g = json.loads(bpql("query", 'show system "crm"', "--db", db, "--format", "json").stdout)
    assert list(g)[:4] == ["kind", "title", "columns", "rows"] and g["kind"] == "graph"
    assert g["columns"] == ["kind", "id", "name"] and len(g["rows"]) == len(g["graph"]["nodes"])
    assert {"id", "labels", "properties"} == set(g["graph"]["nodes"][0])
    assert {"source", "target", "type", "properties"} == set(g["graph"]["edges"][0])
    queries = tmp_path / "jobs.bpql"
    queries.write_text("# two queries\ncount touchpoints by channel\nfind services limit 2\n")
    r = bpql("query", "-f", str(queries), "--db", db, "--format", "json")
    assert r.returncode == 0 and r.stdout.count('"columns"') == 2
    ex = json.loads(bpql("explain", q, "--db", db, "--format", "json", "--dialect", "neo4j").stdout)
    assert ex[0]["dialect"] == "neo4j"
    assert "phone" in ex[0]["statements"][0]["params"].values()
    bad = bpql("query", "find stepz", "--db", db)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "^" in bad.stderr


def test_a_query_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    """Read before any store is opened: a file in another encoding is a one-line error."""
    bad = tmp_path / "latin1.bpql"
    bad.write_bytes(b'find services where name = "Caf\xe9"\n')
    for command in ("query", "explain"):
        r = bpql(command, "-f", str(bad), "--db", f"embedded:{tmp_path / 'none.lbdb'}")
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.strip().endswith(
            "not UTF-8 text: byte 0xE9 cannot be read; save the file as UTF-8"
        )
