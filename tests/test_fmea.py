"""Fail points rated as risk people rate them (issue 10): action priority, the rest of an FMEA
row, an enterprise's own table, and the answers on both stores."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from bpql.analysis.fmea import default_table, parse_table
from bpql.api import Client
from bpql.errors import BlueprintError, QueryError
from bpql.model.validate import validate_paths
from bpql.query.compiler import GraphCatalog, resolve_text
from tests.test_load import bpql

ROOT = Path(__file__).resolve().parents[1]
INSURER = ROOT / "examples" / "insurer"

# The Action Priority table of the AIAG & VDA FMEA Handbook, 1st edition (2019), for design and
# process FMEA, written out in the handbook's own layout: a row per severity band and
# occurrence band, a column per detection band (D 7-10, 5-6, 2-4, 1). H high, M medium, L low.
# The package keeps the same table as CSV rows (bpql/data/action_priority.csv); this test reads
# the layout people check against the printed page, expands it to all 1,000 cells, and compares.
PUBLISHED = """
S 9-10  O 8-10  H H H H
S 9-10  O 6-7   H H H H
S 9-10  O 4-5   H H H M
S 9-10  O 2-3   H M L L
S 9-10  O 1     L L L L
S 7-8   O 8-10  H H H H
S 7-8   O 6-7   H H H M
S 7-8   O 4-5   H M M M
S 7-8   O 2-3   M M L L
S 7-8   O 1     L L L L
S 4-6   O 8-10  H H M M
S 4-6   O 6-7   M M M L
S 4-6   O 4-5   M L L L
S 4-6   O 2-3   L L L L
S 4-6   O 1     L L L L
S 2-3   O 8-10  M M L L
S 2-3   O 6-7   L L L L
S 2-3   O 4-5   L L L L
S 2-3   O 2-3   L L L L
S 2-3   O 1     L L L L
S 1     O 1-10  L L L L
"""
D_BANDS = (range(7, 11), range(5, 7), range(2, 5), range(1, 2))
WORD = {"H": "high", "M": "medium", "L": "low"}


def _band(text: str) -> range:
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def _published_cells() -> dict[tuple[int, int, int], str]:
    cells: dict[tuple[int, int, int], str] = {}
    for line in PUBLISHED.strip().splitlines():
        _, s, _, o, *aps = line.split()
        for sev in _band(s):
            for occ in _band(o):
                for band, ap in zip(D_BANDS, aps, strict=True):
                    for det in band:
                        assert (sev, occ, det) not in cells
                        cells[(sev, occ, det)] = WORD[ap]
    return cells


def test_action_priority_matches_the_published_table_cell_by_cell() -> None:
    published = _published_cells()
    assert len(published) == 1000
    table = default_table()
    wrong = {k: (table.ap(*k), v) for k, v in published.items() if table.ap(*k) != v}
    assert wrong == {}
    assert "AIAG & VDA" in table.source


def test_equal_rpn_different_priority() -> None:
    table = default_table()
    # the issue's own pair: a 9x2x3 safety issue and a 3x6x6 nuisance
    assert (table.ap(9, 2, 3), 9 * 2 * 3) == ("low", 54)
    assert (table.ap(3, 6, 6), 3 * 6 * 6) == ("low", 108)
    # severity first: 9x4x2 (RPN 72) is high, 6x6x6 (RPN 216) is medium
    assert table.ap(9, 4, 2) == "high" and table.ap(6, 6, 6) == "medium"


OWN_TABLE = """# stricter than the handbook: anything of severity 7 or more is high
severity,occurrence,detection,ap
7-10,1-10,1-10,high
1-6,6-10,1-10,medium
1-6,1-5,1-10,low
"""


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "insurer"
    shutil.copytree(INSURER, folder)
    return folder


def _add_to_enterprise(folder: Path, text: str) -> None:
    ent = folder / "enterprise.yaml"
    ent.write_text(ent.read_text() + text)


def test_an_enterprise_replaces_the_table_and_words_its_scales(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "ap.csv").write_text(OWN_TABLE)
    _add_to_enterprise(
        folder,
        "fmea:\n  action_priority: ap.csv\n  severity:\n    10: A customer is put in danger\n",
    )
    ent = validate_paths([folder])
    aps = {f["id"]: f["ap"] for f in ent.graph.nodes["FailPoint"]}
    assert aps["claims.slow-decision"] == "medium"  # 6 7 3: medium in both tables
    assert aps["billing.wrongful-cancellation"] == "high"  # 10 2 6: medium by the handbook
    assert aps["quote.reg-lookup-fails"] == "low"
    assert ent.ap_source.endswith("ap.csv")
    assert ent.scales["severity"][10] == "A customer is put in danger"
    assert ent.scales["severity"][9].startswith("Breaks a law")  # the rest stays packaged


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            OWN_TABLE.replace("1-6,1-5,1-10,low\n", ""),
            "ap.csv:2:1: the table leaves 300 combinations without a priority: "
            "S=1 O=1 D=1, S=1 O=1 D=2",
        ),
        (OWN_TABLE + "7,1,1,low\n", "ap.csv:6:1: S=7 O=1 D=1 is already given at line 3"),
        (OWN_TABLE.replace("1-6,6-10", "1-6,6-11"), "ap.csv:4:5: occurrence: expected a rating"),
        (OWN_TABLE.replace(",medium", ",urgent"), "ap.csv:4:15: ap: expected high, medium or low"),
        ("sev,occ,det,ap\n", "ap.csv:1:1: expected the header"),
    ],
)
def test_a_bad_table_is_refused_at_its_line(tmp_path: Path, table: str, expected: str) -> None:
    folder = _copy(tmp_path)
    (folder / "ap.csv").write_text(table)
    _add_to_enterprise(folder, "fmea:\n  action_priority: ap.csv\n")
    r = bpql("validate", str(folder))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert expected in r.stderr.replace(str(folder) + "/", ""), r.stderr


def test_a_table_file_that_is_not_there(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _add_to_enterprise(folder, "fmea:\n  action_priority: missing.csv\n")
    r = bpql("validate", str(folder))
    assert r.returncode != 0
    assert "enterprise.yaml:" in r.stderr and "fmea.action_priority: no file" in r.stderr


def test_parse_table_rejects_an_empty_file() -> None:
    with pytest.raises(BlueprintError, match="empty action priority table"):
        parse_table("# nothing\n", "t.csv")


FAIL_POINT = """      - id: lost-letter
        name: Letter lost in the post
        severity: 8
        occurrence: 5
        detection: 7
        effect: EFFECT
        cause: CAUSE
        controls: {prevention: tracked post, detection: weekly reconciliation}
        action: Send every letter tracked
        owner: OWNER
        due: 2027-01-31
        status: In-Progress
        after: {severity: 8, occurrence: 2, detection: 4}
"""


def _claims_with(folder: Path, effect: str, cause: str, owner: str) -> None:
    path = folder / "services" / "claims.yaml"
    text = path.read_text()
    anchor = "    fail_points:\n"
    assert anchor in text
    fp = FAIL_POINT.replace("EFFECT", effect).replace("CAUSE", cause).replace("OWNER", owner)
    path.write_text(text.replace(anchor, anchor + fp, 1))


def test_the_rest_of_an_fmea_row_is_read_and_rerated(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _claims_with(folder, "submit-claim", "claims-engine", "claims")
    fps = {f["id"]: f for f in validate_paths([folder]).graph.nodes["FailPoint"]}
    fp = fps["claims.lost-letter"]
    assert (fp["rpn"], fp["ap"]) == (280, "high")
    assert (fp["rpn_after"], fp["ap_after"]) == (64, "low")
    assert fp["effect"] == "claims.submit-claim" and fp["cause"] == "claims-engine"
    assert fp["owner"] == "claims" and fp["due"] == "2027-01-31"
    assert fp["status"] == "in progress"
    assert fp["prevention"] == "tracked post"
    assert fp["detection_control"] == "weekly reconciliation"


def test_fmea_references_are_checked(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _claims_with(folder, "submit-clam", "nowhere", "nobody")
    r = bpql("validate", str(folder))
    assert r.returncode != 0
    err = r.stderr
    assert "effect: unknown step 'submit-clam' (did you mean 'submit-claim'?)" in err
    assert "cause: unknown step or system 'nowhere'" in err
    assert "owner: unknown role or department 'nobody'" in err


def _rows(client: Client, query: str) -> list[list[Any]]:
    table = client.query(query).table
    assert table is not None
    return table.rows


FIND_HIGH = "find failpoints where ap = high return id, ap, rpn order by ap desc"


def test_priority_queries_agree_on_both_stores(insurer: dict[str, Client]) -> None:
    answers = {kind: _rows(c, FIND_HIGH) for kind, c in insurer.items()}
    assert answers["ladybug"] == answers["neo4j"]
    rows = answers["neo4j"]
    assert {r[1] for r in rows} == {"high"}
    # within a priority the RPN breaks ties, largest first
    assert [r[2] for r in rows] == sorted((r[2] for r in rows), reverse=True)
    # a high priority below a medium RPN: severity counts first
    assert ["claims.payment-to-wrong-account", "high", 126] in [list(r) for r in rows]
    counts = {kind: _rows(c, "count failpoints by ap") for kind, c in insurer.items()}
    assert counts["ladybug"] == counts["neo4j"]
    assert {r[0]: r[1] for r in counts["neo4j"]} == {"high": 8, "medium": 10, "low": 3}


def test_a_priority_that_does_not_exist_gets_a_did_you_mean(catalog: GraphCatalog) -> None:
    with pytest.raises(QueryError) as err:
        resolve_text("find failpoints where ap = hihg", catalog)
    assert err.value.message == (
        "unknown ap 'hihg' (did you mean 'high'?); expected one of high, medium or low"
    )


def test_the_register_opens_in_a_spreadsheet_reader(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "register.xlsx"
    r = bpql("register", str(INSURER), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"wrote {out}: 23 fail points\n"
    wb = load_workbook(out)
    assert wb.sheetnames == ["Register", "Scales", "About"]
    ws = wb["Register"]
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:5] == ("Priority", "RPN", "Fail point", "Id", "Service")
    assert "Recommended action" in header and "Priority after" in header
    fps = validate_paths([INSURER]).graph.nodes["FailPoint"]
    assert len(body) == len(fps) == 23
    assert sorted(row[3] for row in body) == sorted(f["id"] for f in fps)
    ranks = {"high": 3, "medium": 2, "low": 1}
    keys = [(ranks[str(row[0])], row[1]) for row in body]
    assert keys == sorted(keys, reverse=True)  # priority first, then RPN
    first = body[0]
    assert first[:3] == ("high", 336, "Dissatisfaction not recognised as a complaint")
    assert ws["A2"].fill.fgColor.rgb.endswith("F8CBAD")  # high is red
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    # columns fitted to what they hold (issue 21, item 11: Service and Id were 10 wide)
    for i, title in enumerate(header):
        longest = max(len(str(v)) for v in [title, *(row[i] for row in body)] if v is not None)
        width = ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width
        assert min(longest, 58) < width <= 60, (title, longest, width)
    scales = list(wb["Scales"].iter_rows(values_only=True))
    assert scales[0] == ("Rating", "Severity", "Occurrence", "Detection")
    assert [row[0] for row in scales[1:]] == list(range(10, 0, -1))
    about = {row[0]: row[1] for row in wb["About"].iter_rows(values_only=True)}
    assert about["Enterprise"] == "Northwind Mutual" and about["Fail points"] == 23


def test_the_register_as_csv_and_a_file_kind_we_do_not_write(tmp_path: Path) -> None:
    import csv

    r = bpql("register", str(INSURER), "--format", "csv")
    rows = list(csv.reader(r.stdout.splitlines()))
    assert rows[0][0] == "Priority" and len(rows) == 24
    assert [row[0] for row in rows[1:]].count("high") == 9  # as-is and to-be
    bad = bpql("register", str(INSURER), "-o", str(tmp_path / "r.pdf"))
    assert bad.returncode != 0 and not (tmp_path / "r.pdf").exists()
    assert bad.stderr == f"error: {tmp_path / 'r.pdf'}: expected a file ending in .xlsx or .csv\n"


def test_a_status_means_what_its_kind_says(catalog: GraphCatalog) -> None:
    """A fail point's status (open ... verified) is not a blueprint's (draft ... retired)."""
    resolve_text('find blueprints where status = "live"', catalog)
    resolve_text('find failpoints where status = "in progress"', catalog)
    with pytest.raises(QueryError) as err:
        resolve_text('find failpoints where status = "live"', catalog)
    assert err.value.message.startswith("unknown status 'live'; expected one of open, in progress")
