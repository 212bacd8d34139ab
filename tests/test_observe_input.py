"""bpql observe on bad and unusual input: one clear line, a non-zero exit and nothing written
to the store; equal timestamps in the documented order; time zones; XLSX and XES logs;
formula-like values from a log kept as text in every workbook written."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from bpql.observe.analyse import observe
from bpql.observe.cases import read_log
from bpql.observe.mapping import read_mapping
from tests.conftest import EXAMPLES
from tests.test_load import bpql

HEADER = "case_id,activity,timestamp,seq,outcome\n"
ROWS = [
    "c1,Submit claim,2026-03-02T09:00:00Z,1,ok",
    "c1,Call the claims line,2026-03-02T09:05:00Z,2,ok",
    "c1,Take first notice of loss,2026-03-02T09:10:00Z,3,ok",
    "c2,Submit claim,2026-03-03T10:00:00Z,4,ok",
]
ACTIVITIES = """activities:
  Submit claim: submit-claim
  Call the claims line: call-claims-line
  Take first notice of loss: take-fnol
  "/Book .*/": book-adjuster
"""


def setup(
    tmp: Path,
    rows: list[str] | None = None,
    *,
    header: str = HEADER,
    columns: str = "{case: case_id, activity: activity, timestamp: timestamp, sort: seq, "
    "outcome: outcome}",
    extra: str = "periods: [2026-03]\n",
    activities: str = ACTIVITIES,
    log: str = "events.csv",
    raw: bytes | None = None,
) -> Path:
    """An enterprise (the insurer example), a log and a mapping in `tmp`."""
    shutil.copytree(EXAMPLES / "insurer", tmp / "insurer")
    path = tmp / log
    if raw is not None:
        path.write_bytes(raw)
    elif log.endswith(".csv"):
        path.write_text(header + "".join(r + "\n" for r in (ROWS if rows is None else rows)))
    mapping = tmp / "claims.yaml"
    mapping.write_text(
        "service: claims\n"
        "enterprise: insurer\n"
        f"log: {{file: {log}, columns: {columns}}}\n" + activities + extra,
        encoding="utf-8",
    )
    return mapping


@pytest.fixture
def store(tmp_path: Path) -> str:
    db = f"embedded:{tmp_path / 'store' / 'g.lbdb'}"
    done = bpql("load", str(EXAMPLES / "insurer"), "--db", db)
    assert done.returncode == 0, done.stderr
    return db


def observations(db: str) -> str:
    done = bpql("query", "find observations return id", "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    return done.stdout


def refused(tmp: Path, mapping: Path, db: str, *parts: str) -> str:
    """Run observe; it must fail with one line holding `parts`, and write nothing."""
    before = observations(db)
    done = bpql("observe", str(mapping), "--db", db, "-o", str(tmp / "report.xlsx"))
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    for part in parts:
        assert part in lines[0], lines[0]
    assert observations(db) == before, "nothing written"
    assert not (tmp / "report.xlsx").exists()
    return lines[0]


def test_a_good_log_is_written(tmp_path: Path, store: str) -> None:
    mapping = setup(tmp_path)
    done = bpql("observe", str(mapping), "--db", store)
    assert done.returncode == 0, done.stderr
    assert "written to" in done.stdout
    found = bpql(
        "query",
        'find observations where subject = "claims:as-is" return period, cases',
        "--db",
        store,
        "--format",
        "json",
    )
    assert json.loads(found.stdout)["rows"] == [["2026-03", 2]]


def test_missing_column(tmp_path: Path, store: str) -> None:
    mapping = setup(
        tmp_path,
        columns="{case: case_id, activity: activity, timestamp: time, sort: seq}",
    )
    line = refused(tmp_path, mapping, store, "events.csv:1:1", "no column 'time' for the timestamp")
    assert "did you mean 'timestamp'?" in line


def test_misnamed_column_says_which(tmp_path: Path, store: str) -> None:
    mapping = setup(
        tmp_path,
        columns="{case: case_id, activity: Activity, timestamp: timestamp}",
    )
    line = refused(tmp_path, mapping, store, "no column 'Activity'")
    assert "did you mean 'activity'?" in line
    assert "claims.yaml:3:" in line, "where the mapping names it"


def test_unparseable_timestamp_names_file_row_and_column(tmp_path: Path, store: str) -> None:
    rows = [*ROWS[:2], "c1,Take first notice of loss,yesterday at noon,3,ok", ROWS[3]]
    mapping = setup(tmp_path, rows)
    refused(tmp_path, mapping, store, "events.csv:4:3", "row 4, column 'timestamp'", "yesterday")


def test_mapping_to_an_unknown_step(tmp_path: Path, store: str) -> None:
    mapping = setup(tmp_path, activities=ACTIVITIES.replace("take-fnol", "take-fnoll"))
    refused(
        tmp_path,
        mapping,
        store,
        "claims.yaml:7:30",
        "unknown step 'take-fnoll'",
        "did you mean 'take-fnol'?",
    )


@pytest.mark.parametrize("content", ["", "case_id,activity,timestamp,seq,outcome\n"])
def test_empty_log(tmp_path: Path, store: str, content: str) -> None:
    mapping = setup(tmp_path, raw=content.encode())
    refused(tmp_path, mapping, store, "events.csv:1:1", "the log has no events")


def test_not_utf8(tmp_path: Path, store: str) -> None:
    raw = (HEADER + ROWS[0] + "\n").encode() + "c2,Réclamation,2026-03-02T09:00:00Z,2,ok\n".encode(
        "latin-1"
    )
    mapping = setup(tmp_path, raw=raw)
    refused(tmp_path, mapping, store, "events.csv:3:5", "not UTF-8", "0xE9")


def test_a_pipe_is_refused_unopened(tmp_path: Path, store: str) -> None:
    mapping = setup(tmp_path, log="pipe.csv")
    (tmp_path / "pipe.csv").unlink()
    os.mkfifo(tmp_path / "pipe.csv")
    refused(tmp_path, mapping, store, "pipe.csv", "named pipe")


def test_a_mapping_that_is_a_device_is_refused_as_a_mapping(tmp_path: Path, store: str) -> None:
    """The refusal speaks of the mapping it wanted, not of an enterprise folder's files."""
    line = refused(tmp_path, Path("/dev/null"), store, "/dev/null:1:1", "a character device")
    assert line.endswith("; a mapping is a regular .yaml file"), line


@pytest.mark.parametrize(
    ("extra", "parts"),
    [
        pytest.param(
            "periods: [2025-Q1, 2025-07]\n",
            (
                "none of the log's 2 cases starts in the periods",
                "2025-Q1, 2025-07",
                "from 2026-03-02 to 2026-03-03",
            ),
            id="every-case-outside-the-periods",
        ),
        pytest.param(
            "periods: [2026-03]\nfallout_afer: 10d\n",
            (
                "claims.yaml:10:1",
                "unknown field 'fallout_afer'",
                "did you mean 'fallout_after'?",
            ),
            id="bad-field-at-its-line",
        ),
        pytest.param(
            "periods: [2026-03, 9999-12]\n",
            ("claims.yaml:9:", "periods[1]", "ends on 9999-12-31", "9999-12-30"),
            id="period-past-the-last-day",
        ),
    ],
)
def test_mapping_refused(tmp_path: Path, store: str, extra: str, parts: tuple[str, ...]) -> None:
    refused(tmp_path, setup(tmp_path, extra=extra), store, *parts)


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_a_moment_past_the_calendar_at_its_row(tmp_path: Path, stamp: str) -> None:
    """A timestamp that is one in its own zone but not in the mapping's (the year 0 or 10000
    there) is refused at its row, as a timestamp that is not one."""
    mapping = setup(tmp_path, [ROWS[0], f"c1,Call the claims line,{stamp},2,ok"])
    done = bpql("observe", str(mapping), "--dry-run")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'events.csv'}:3:3: row 3, column 'timestamp': '{stamp}' is not a "
        "moment from year 1 to November 9999 in the log's time zone"
    ]


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_a_report_that_cannot_be_written(tmp_path: Path, suffix: str) -> None:
    """A report path that is a folder: one line naming it, no traceback."""
    mapping = setup(tmp_path)
    report = tmp_path / f"report{suffix}"
    report.mkdir()
    done = bpql("observe", str(mapping), "--dry-run", "-o", str(report))
    assert done.returncode != 0
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {report}: cannot write the report: "), line


def trace_of(mapping: Path) -> list[str]:
    """The activities of the log's one case, in the order bpql observe puts them."""
    log = read_log(read_mapping(mapping))
    ((_, instances),) = list(log.cases())
    return [log.activities[i.activity] for i in instances]


def test_equal_timestamps_follow_the_sort_column_then_the_file(tmp_path: Path) -> None:
    """Two events at one moment: the sort column orders them; without one, the file does."""
    rows = [
        "c1,Call the claims line,2026-03-02T09:05:00Z,2,ok",
        "c1,Submit claim,2026-03-02T09:05:00Z,1,ok",
        "c1,Take first notice of loss,2026-03-02T09:10:00Z,3,ok",
    ]
    sorted_by_seq = setup(tmp_path / "a", rows)
    assert trace_of(sorted_by_seq) == [
        "Submit claim",
        "Call the claims line",
        "Take first notice of loss",
    ]
    by_file = setup(
        tmp_path / "b", rows, columns="{case: case_id, activity: activity, timestamp: timestamp}"
    )
    assert trace_of(by_file) == [
        "Call the claims line",
        "Submit claim",
        "Take first notice of loss",
    ]


TIMES = [
    "2026-03-29T02:30:15",  # in Berlin's spring gap
    "2026-10-25T02:30:15",  # in Berlin's autumn fold
    "2026-10-25 02:59:59",
    "2026-01-01T00:00:00Z",
    "2026-01-01T23:59:59Z",
    "2026-01-01T00:00:00.5Z",
    "2026-01-01T00:00:00,25",
    "2026-01-01T00:00:00+01:00",
    "2026-01-01T00:00:00+0130",
    "2026-01-01",
    "2026-01-01T00:00:5",
    "2026-01-01T00:00:60",
    "2026-01-01T00:00:0x",
    "2026-01-01T00:00:1\u0663",  # an Arabic-Indic digit
    "2026-01-01T24:00:00",
    "Z",
    "",
]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York"])
def test_fast_timestamps_read_as_the_full_reading(zone: str) -> None:
    """The memoised reading of a log's timestamps gives what `parse_timestamp` gives, value
    for value (the minute remembered, read twice to use it), and refuses what it refuses."""
    from zoneinfo import ZoneInfo

    from bpql.observe.logs import Timestamps, parse_timestamp

    tz = ZoneInfo(zone)
    fast = Timestamps(tz)
    for value in TIMES * 2:
        try:
            want: float | None = parse_timestamp(value, tz)
        except ValueError:
            want = None
        try:
            got: float | None = fast(value)
        except ValueError:
            got = None
        assert got == want, value


def test_time_zones(tmp_path: Path) -> None:
    """A timestamp with an offset is that moment; one without is read in the mapping's zone,
    and periods are the zone's calendar months."""
    rows = ["c1,Submit claim,2026-02-28T21:00:00-05:00,1,ok"]  # 02:00 UTC on March 1st
    utc = setup(tmp_path / "utc", rows, extra="")
    assert [p.period for p in observe(read_mapping(utc)).periods] == ["2026-03"]
    ny = setup(
        tmp_path / "ny",
        rows,
        columns="{case: case_id, activity: activity, timestamp: timestamp, sort: seq}",
        extra="",
    )
    text = ny.read_text().replace("log: {", "log: {timezone: America/New_York, ")
    ny.write_text(text)
    assert [p.period for p in observe(read_mapping(ny)).periods] == ["2026-02"]
    naive = setup(tmp_path / "naive", ["c1,Submit claim,2026-02-28T21:00:00,1,ok"], extra="")
    observed = observe(read_mapping(naive))
    assert observed.log_start == "2026-02-28T21:00:00+00:00", "naive: read as UTC by default"


def test_formula_like_values_stay_text_in_the_workbook(tmp_path: Path, store: str) -> None:
    from openpyxl import load_workbook

    rows = [
        '=HYPERLINK("http://x"),Submit claim,2026-03-02T09:00:00Z,1,ok',
        '=HYPERLINK("http://x"),+SUM(1;2),2026-03-02T09:01:00Z,2,@SUM(A1)',
        "-1+1,Submit claim,2026-03-02T09:00:00Z,3,ok",
        "z9,Submit claim,2026-03-02T10:00:00Z,4,ok",
    ]
    # closed a minute after their last event, so their deviations are counted
    mapping = setup(tmp_path, rows, extra="periods: [2026-03]\nfallout_after: 1m\n")
    out = tmp_path / "report.xlsx"
    done = bpql("observe", str(mapping), "--db", store, "-o", str(out))
    assert done.returncode == 0, done.stderr
    wb = load_workbook(out)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.value)
                    texts.append(cell.value)
    assert any(t.startswith("=HYPERLINK") for t in texts), "a case id"
    assert "+SUM(1;2)" in texts, "an activity"
    assert "@SUM(A1)" in texts, "an outcome code"
    assert "-1+1" in texts
    # and through the store: a label the log gave, read back as CSV, is no formula either
    done = bpql(
        "query",
        'find observations where subject_kind = "blueprint" return adhoc',
        "--db",
        store,
        "--format",
        "csv",
    )
    assert done.returncode == 0, done.stderr
    import csv

    (_, (cell,)) = list(csv.reader(done.stdout.splitlines()))
    assert cell == "'+SUM(1;2): 1", "kept as text: the quote prefix spreadsheets know"


def test_xlsx_log_and_its_cell_in_errors(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Events"
    ws.append(["case_id", "activity", "timestamp", "seq", "outcome"])
    ws.append(["c1", "Submit claim", "2026-03-02T09:00:00Z", 1, "ok"])
    ws.append(["c1", "Call the claims line", "not a time", 2, "ok"])
    wb.save(tmp_path / "events.xlsx")
    mapping = setup(tmp_path, log="events.xlsx", raw=None)
    done = bpql("observe", str(mapping), "--dry-run")
    assert done.returncode != 0
    assert "Events!C3 (column 'timestamp'): 'not a time' is not a timestamp" in done.stderr
    ws["C3"] = "2026-03-02T09:05:00"
    wb.save(tmp_path / "events.xlsx")
    done = bpql("observe", str(mapping), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "2 events, 1 cases" in done.stdout


XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <trace><string key="concept:name" value="c1"/>
    <event><string key="concept:name" value="Submit claim"/>
      <date key="time:timestamp" value="2026-03-02T09:00:00.000+00:00"/></event>
    <event><string key="concept:name" value="Call the claims line"/>
      <date key="time:timestamp" value="2026-03-02T09:05:00.000+00:00"/></event>
  </trace>
  <trace><string key="concept:name" value="c2"/>
    <event><string key="concept:name" value="Submit claim"/>
      <date key="time:timestamp" value="{bad}"/></event>
  </trace>
</log>
"""


def test_xes_log(tmp_path: Path) -> None:
    (tmp_path / "events.xes").write_text(XES.format(bad="2026-03-03T09:00:00Z"))
    mapping = setup(tmp_path, log="events.xes", columns="{}")
    observed = observe(read_mapping(mapping))
    assert (observed.events, observed.cases) == (3, 2)
    (tmp_path / "events.xes").write_text(XES.format(bad="soon"))
    done = bpql("observe", str(mapping), "--dry-run")
    assert "events.xes:10:1: event at line 10, attribute 'time:timestamp': 'soon'" in done.stderr


def test_xes_entities_are_refused(tmp_path: Path) -> None:
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY a "aaaa">]>\n<log>&a;</log>\n'
    (tmp_path / "events.xes").write_text(bomb)
    mapping = setup(tmp_path, log="events.xes", columns="{}")
    done = bpql("observe", str(mapping), "--dry-run")
    assert done.returncode != 0
    assert "events.xes:2:" in done.stderr
    assert "a document type or entity declaration" in done.stderr


def test_fallout_names_where_the_others_went(tmp_path: Path) -> None:
    """Cases that stopped after a step longer ago than the window have fallen out there; the
    cases that went on from it say what came next (a step, or an activity with no step)."""
    day = "2026-03-0{}T{}:00Z"
    rows = []
    for n, case in enumerate(["s1", "s2", "g1", "g2", "g3"], start=2):
        for i, act in enumerate(
            ["Submit claim", "Call the claims line", "Take first notice of loss"]
        ):
            rows.append(f"{case},{act},{day.format(n, f'09:0{i}')},{i},ok")
    rows += [
        f"g1,Book loss adjuster visit,{day.format(4, '10:00')},9,ok",
        f"g2,Chase by phone,{day.format(5, '10:00')},9,ok",
        f"g2,Book loss adjuster visit,{day.format(5, '11:00')},10,ok",
        f"g3,Book loss adjuster visit,{day.format(6, '10:00')},9,ok",
        "late,Submit claim,2026-05-20T09:00:00Z,1,ok",  # the log runs on past the window
    ]
    mapping = setup(tmp_path, rows)
    (period,) = observe(read_mapping(mapping)).periods
    steps = {s.step: s for s in period.steps}
    assert (period.cases, period.fallen_out) == (5, 5)
    assert steps["take-fnol"].stopped == 2 and steps["book-adjuster"].stopped == 3
    assert sorted(steps["take-fnol"].next) == [("Chase by phone", 1), ("book-adjuster", 2)]
    assert steps["take-fnol"].dropoff == pytest.approx(2 / 5)


def test_lifecycle_rows_pair_into_timed_activities(tmp_path: Path) -> None:
    """A start/complete lifecycle column: each start is paired with the next complete of the
    same activity in the case, giving its service time; the wait before a step runs from the
    previous activity's end to its start; an activity is placed where it started."""
    header = "case_id,activity,timestamp,seq,outcome,life\n"
    rows = [
        "c1,Submit claim,2026-03-02T09:00:00Z,1,ok,start",
        "c1,Submit claim,2026-03-02T09:04:00Z,2,ok,complete",
        "c1,Call the claims line,2026-03-02T09:10:00Z,3,ok,start",
        "c1,Take first notice of loss,2026-03-02T09:30:00Z,5,ok,start",  # while on the call
        "c1,Call the claims line,2026-03-02T09:40:00Z,4,ok,complete",
        "c1,Take first notice of loss,2026-03-02T09:50:00Z,6,ok,complete",
    ]
    mapping = setup(
        tmp_path,
        rows,
        header=header,
        columns="{case: case_id, activity: activity, timestamp: timestamp, sort: seq, "
        "outcome: outcome, lifecycle: life}",
    )
    observed = observe(read_mapping(mapping))
    assert observed.events == 6
    (period,) = observed.periods
    steps = {s.step: s for s in period.steps}
    assert steps["submit-claim"].time_p50 == 4.0 and steps["submit-claim"].wait_p50 is None
    assert (steps["call-claims-line"].time_p50, steps["call-claims-line"].wait_p50) == (30, 6)
    # it started before the call ended: no wait, and its time is its own
    assert (steps["take-fnol"].time_p50, steps["take-fnol"].wait_p50) == (20, 0)
