"""The command line end to end on the embedded store: demo, query formats, explain, help."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_load import bpql as cli


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


# --- answers that stay small when the question is big (issue 25 item 3) --------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A synthetic enterprise of 12 services (288 steps) on the embedded store; the tests
    lower the summary threshold to 50 rows so its answers pass it."""
    from bpql.testing.synthetic import write_enterprise

    folder = write_enterprise(tmp_path_factory.mktemp("big"), services=12)
    db = f"embedded:{tmp_path_factory.mktemp('big-db') / 'g.lbdb'}"
    r = cli("load", str(folder), "--db", db)
    assert r.returncode == 0, r.stderr
    return db


def lowered(rows: int = 50) -> dict[str, str]:
    import os

    return {**os.environ, "BPQL_SUMMARY_ROWS": str(rows), "COLUMNS": "200"}


IMPACT = 'impact of department "dept-03"'


def test_a_big_impact_prints_its_summary_and_says_what_it_left_out(big: str) -> None:
    doc = json.loads(cli("query", IMPACT, "--db", big, "--format", "json").stdout)
    steps = doc["steps"]["rows"]
    assert len(steps) > 50  # JSON holds every step row, past the threshold too
    r = cli("query", IMPACT, "--db", big, env=lowered())
    assert r.returncode == 0, r.stderr
    out = r.stdout
    # per service: one line each, counts only
    for row in doc["rows"]:
        assert re.search(rf"{row[0]} +│ {row[1]} +│", out), row[0]
    assert "Touchpoint" not in out
    # per department: the matrix summed, as the JSON's matrix says
    for mrow in doc["matrix"]["rows"]:
        cells = [c for c in mrow["cells"] if c]
        steps_n, visible = sum(c[0] for c in cells), sum(c[1] for c in cells)
        line = rf"{re.escape(mrow['department'])} +│ {len(cells)} +│ {steps_n} +│ {visible} +│"
        assert re.search(line, out), mrow["department"]
    # no step row, and one line saying how many were left out and how to get them
    assert "how each step is reached" not in out.split("left out")[0].split("per department")[0]
    assert not any(s[2] in out for s in steps)  # no step's name
    assert f"{len(steps):,} step rows (how each step is reached) left out (more than 50):" in (
        " ".join(out.split())
    )
    assert "`--all` prints every one" in " ".join(out.split())
    # under the threshold: the step rows as before (the first 40)
    r = cli("query", IMPACT, "--db", big, env=lowered(10_000))
    assert "how each step is reached" in r.stdout and "left out" not in r.stdout


def test_a_summary_of_more_services_than_it_prints_shows_those_most_reached(big: str) -> None:
    """Past the threshold in services too (10,000 of them took 5 s to print), the summary's
    per-service table holds the services with the most steps reached, and says so; the
    departments are all there."""
    doc = json.loads(cli("query", IMPACT, "--db", big, "--format", "json").stdout)
    rows = doc["rows"]
    assert len(rows) == 12
    ranked = sorted(rows, key=lambda r: (-r[1], r[0]))
    r = cli("query", IMPACT, "--db", big, env=lowered(5))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for row in ranked[:5]:
        assert re.search(rf"{row[0]} +│ {row[1]} +│", out), row[0]
    for row in ranked[5:]:
        assert not re.search(rf"{row[0]} +│", out), row[0]
    said = " ".join(out.split())
    assert "the 5 services with the most steps reached, of 12; `--all` prints every one" in said
    for mrow in doc["matrix"]["rows"]:
        assert mrow["department"] in out
    full = cli("query", IMPACT, "--db", big, "--all", env=lowered(5)).stdout
    assert all(re.search(rf"{row[0]} +│ {row[1]} +│", full) for row in rows)


def test_all_prints_every_step_row(big: str) -> None:
    doc = json.loads(cli("query", IMPACT, "--db", big, "--format", "json").stdout)
    names = [s[2] for s in doc["steps"]["rows"]]
    r = cli("query", IMPACT, "--db", big, "--all", env=lowered())
    assert r.returncode == 0, r.stderr
    assert "left out" not in r.stdout
    # the step column, second after the service's (the via column names steps too)
    shown = re.findall(r"^│ [^│]+│ (Step \d+ of service \d+) +│", r.stdout, re.M)
    assert sorted(shown) == sorted(names)


def test_json_pages_with_limit_and_offset(big: str) -> None:
    whole = json.loads(cli("query", IMPACT, "--db", big, "--format", "json").stdout)
    assert "page" not in whole
    r = cli(
        "query",
        IMPACT,
        "--db",
        big,
        "--format",
        "json",
        "--limit",
        "7",
        "--offset",
        "20",
        env=lowered(),
    )
    doc = json.loads(r.stdout)
    assert doc["steps"]["rows"] == whole["steps"]["rows"][20:27]
    assert doc["page"] == {"offset": 20, "limit": 7, "total": len(whole["steps"]["rows"])}
    assert doc["rows"] == whole["rows"] and doc["matrix"] == whole["matrix"]
    # past the end: an empty page, not an error
    far = json.loads(
        cli("query", IMPACT, "--db", big, "--format", "json", "--offset", "9999").stdout
    )
    assert far["steps"]["rows"] == [] and far["page"]["total"] == len(whole["steps"]["rows"])
    bad = cli("query", IMPACT, "--db", big, "--limit", "-1")
    assert bad.returncode != 0 and "--limit: expected a number of rows" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_a_big_find_prints_its_counts(big: str) -> None:
    whole = json.loads(cli("query", "find steps", "--db", big, "--format", "json").stdout)
    assert len(whole["rows"]) == 288
    r = cli("query", "find steps", "--db", big, env=lowered())
    assert r.returncode == 0, r.stderr
    at = whole["columns"].index("service")
    for service in {row[at] for row in whole["rows"]}:
        n = sum(1 for row in whole["rows"] if row[at] == service)
        assert re.search(rf"{service} +│ {n} +│", r.stdout)
    assert "svc-000.s00" not in r.stdout
    assert "288 rows left out (more than 50)" in " ".join(r.stdout.split())
    every = cli("query", "find steps", "--db", big, "--all", env=lowered())
    assert all(row[0] in every.stdout for row in whole["rows"])
    page = cli("query", "find steps", "--db", big, "--limit", "3", "--offset", "1", env=lowered())
    assert re.findall(r"svc-\d+\.s\d+", page.stdout) == [row[0] for row in whole["rows"][1:4]]
    assert "rows 2-4 of 288" in page.stdout  # where the page stands in the whole answer
    past = cli("query", "find steps", "--db", big, "--offset", "300", env=lowered())
    assert past.returncode == 0 and "no rows from 301 on: the answer has 288 rows" in past.stdout
    bad = cli("query", "find steps", "--db", big, env={**lowered(), "BPQL_SUMMARY_ROWS": "x"})
    assert bad.returncode != 0 and "BPQL_SUMMARY_ROWS: expected a whole number" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_the_api_pages_an_answers_rows(big: str) -> None:
    from bpql import connect
    from bpql.errors import BpqlError

    with connect(big) as client:
        result = client.query(IMPACT, draw=False)
        assert result.steps is not None
        every = result.rows()
        assert every.rows == result.steps.rows and result.row_count() == len(every.rows)
        assert result.rows(limit=5, offset=10).rows == result.steps.rows[10:15]
        assert result.rows(offset=len(every.rows) - 2).rows == result.steps.rows[-2:]
        found = client.query("find steps")
        assert found.table is not None
        assert found.rows(limit=3).rows == found.table.rows[:3]
        assert found.rows(limit=3).columns == found.table.columns
        with pytest.raises(BpqlError) as info:
            result.rows(offset=-1)
        assert info.value.code == "BPQL-C014"


def test_a_big_whatif_prints_its_summary_per_department(big: str) -> None:
    query = 'impact of retiring system "core"'
    doc = json.loads(cli("query", query, "--db", big, "--format", "json").stdout)
    assert doc["kind"] == "whatif" and len(doc["steps"]["rows"]) > 50
    r = cli("query", query, "--db", big, env=lowered())
    assert r.returncode == 0, r.stderr
    assert "per department" in r.stdout
    for mrow in doc["matrix"]["rows"]:
        cells = [c for c in mrow["cells"] if c]
        line = rf"{re.escape(mrow['department'])} +│ {len(cells)} +│ {sum(c[0] for c in cells)} +│"
        assert re.search(line, r.stdout), mrow["department"]
    n = len(doc["steps"]["rows"])
    assert f"{n:,} step rows (how each step is reached) left out" in " ".join(r.stdout.split())


def test_a_big_find_with_nothing_to_count_prints_its_first_rows(big: str) -> None:
    """A find whose rows are each their own service (which services use a system) has no
    column to count: its first rows, then how many more were left out."""
    query = "find services"
    whole = json.loads(cli("query", query, "--db", big, "--format", "json").stdout)
    assert len(whole["rows"]) == 12
    r = cli("query", query, "--db", big, env=lowered(5))
    assert r.returncode == 0, r.stderr
    said = " ".join(r.stdout.split())
    shown = re.findall(r"svc-\d+", r.stdout)
    assert shown == [row[0] for row in whole["rows"][:5]]
    assert "the first 5 of 12 rows" in said
    assert "7 more rows left out (more than 5): `--all` prints every one" in said


def test_a_big_risk_prints_its_first_rows(big: str) -> None:
    """`risk of` a system every service uses: its customer steps are thousands at 10,000
    services (174,000 lines were printed); past the threshold, the first of them."""
    query = 'risk of system "core"'
    doc = json.loads(cli("query", query, "--db", big, "--format", "json").stdout)
    assert len(doc["rows"]) > 50
    r = cli("query", query, "--db", big, env=lowered())
    assert r.returncode == 0, r.stderr
    said = " ".join(r.stdout.split())
    assert f"the first 40 of {len(doc['rows']):,} rows; `--all` prints every one" in said
    names = [row[1] for row in doc["rows"]]
    assert all(name in said for name in names[:40])
    assert not any(f"│ {name} " in r.stdout for name in set(names[40:]) - set(names[:40]))
    every = cli("query", query, "--db", big, "--all", env=lowered())
    assert "the first 40" not in every.stdout


def test_a_big_neighbourhood_prints_its_kinds_and_first_nodes(big: str) -> None:
    query = 'show system "core"'
    doc = json.loads(cli("query", query, "--db", big, "--format", "json").stdout)
    nodes = doc["graph"]["nodes"]
    assert len(nodes) > 20
    r = cli("query", query, "--db", big, env=lowered(20))
    assert r.returncode == 0, r.stderr
    said = " ".join(r.stdout.split())
    assert f"the first 20 of {len(nodes):,} nodes" in said
    assert f"{len(nodes) - 20:,} more nodes left out (more than 20)" in said
    assert "for a page" not in said  # a graph's nodes come whole
    assert len(re.findall(r"^│ \w+:\S+ ", r.stdout, re.M)) == 20
    every = cli("query", query, "--db", big, "--all", env=lowered(20))
    assert len(re.findall(r"^│ \w+:\S+ ", every.stdout, re.M)) == len(nodes)


def test_a_long_list_in_a_cell_is_cut_short_on_a_terminal(big: str) -> None:
    """A system every service uses lists every service (a touchpoint's services at 10,000
    services made 40 rows 100,000 lines long): ten, then how many more; `--all` and JSON
    hold them all."""
    query = 'find systems where id = "core" return id, services'
    doc = json.loads(cli("query", query, "--db", big, "--format", "json").stdout)
    services = doc["rows"][0][1]
    assert len(services) == 12
    r = cli("query", query, "--db", big, env=lowered())
    assert r.returncode == 0, r.stderr
    assert all(s in r.stdout for s in services[:10])
    assert not any(s in r.stdout for s in services[10:])
    said = " ".join(r.stdout.split())
    assert "… 2 more" in said
    assert "lists of more than 10 items cut short: `--all` prints them whole" in said
    every = cli("query", query, "--db", big, "--all", env=lowered())
    assert all(s in every.stdout for s in services) and "cut short" not in every.stdout
    # a terminal too narrow for the table: a block per row, the list cut the same way
    narrow = cli("query", query, "--db", big, env={**lowered(), "COLUMNS": "16"})
    said = " ".join(narrow.stdout.split())
    assert "┃" not in narrow.stdout and "id: core" in said  # no table: a block
    assert "… 2 more" in said and "items cut short" in said
