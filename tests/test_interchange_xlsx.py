"""The blueprint grid as a workbook, both ways (bpql/interchange/xlsx.py, issue 22 item 1).

YAML -> XLSX -> YAML gives the same graph on every example enterprise (from the files, and
from the graph a store holds); a workbook a person edited imports when it can be read and is
refused otherwise, one sheet!cell line per mistake, with nothing written; files the workbook
leaves as they are keep their bytes, a changed file its comments; formula-like values are
text cells, never formulas.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bpql.errors import BlueprintError, BpqlError
from bpql.interchange.source import read_files
from bpql.interchange.xlsx import export_xlsx, import_xlsx
from bpql.model.validate import validate_paths
from tests.conftest import EXAMPLES, ROOT
from tests.test_load import bpql

ENTERPRISES = [EXAMPLES / "insurer", EXAMPLES / "clinic", ROOT / "tests/blueprints/good"]
IDS = ["insurer", "clinic", "good"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("folder", ENTERPRISES, ids=IDS)
def test_round_trip_from_files_is_the_same_graph(folder: Path, tmp_path: Path) -> None:
    ent, files = read_files([folder])
    book = tmp_path / "book.xlsx"
    export_xlsx(files, book)
    report = import_xlsx(book, tmp_path / "out")
    assert report.written and not report.changed
    again = validate_paths([tmp_path / "out"])
    assert again.graph == validate_paths([folder]).graph
    assert again.name == ent.name
    # the files are where they were: the same paths
    assert sorted(snapshot(tmp_path / "out")) == sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*.yaml")
    )


@pytest.mark.parametrize("folder", ENTERPRISES, ids=IDS)
def test_round_trip_from_the_graph_is_the_same_graph(folder: Path, tmp_path: Path) -> None:
    """A store holds a graph, not files: the workbook of the graph reads back to it."""
    ent = validate_paths([folder])
    book = tmp_path / "book.xlsx"
    export_xlsx(ent, book)
    import_xlsx(book, tmp_path / "out")
    assert validate_paths([tmp_path / "out"]).graph == ent.graph


def test_two_exports_are_byte_identical(tmp_path: Path) -> None:
    _, files = read_files([EXAMPLES / "insurer"])
    assert export_xlsx(files) == export_xlsx(read_files([EXAMPLES / "insurer"])[1])


def test_import_into_its_own_folder_changes_nothing(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "clinic", tmp_path / "clinic")
    before = snapshot(tmp_path / "clinic")
    _, files = read_files([tmp_path / "clinic"])
    export_xlsx(files, tmp_path / "book.xlsx")
    report = import_xlsx(tmp_path / "book.xlsx", tmp_path / "clinic")
    assert not report.written and not report.changed and len(report.unchanged) == 9
    assert snapshot(tmp_path / "clinic") == before


def _sheet_cell(ws: Any, label: str, step: str | None = None) -> Any:
    """The cell of grid row `label` in the column of step id `step` (or column B)."""
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    col = 2
    if step is not None:
        id_row = rows["Step id"]
        col = next(c for c in range(2, ws.max_column + 1) if ws.cell(id_row, c).value == step)
    return ws.cell(rows[label], col)


def _table_cell(ws: Any, key: str, column: str, first_row: int = 1) -> Any:
    """The cell of column `column` in the row whose first cell is `key`."""
    cols = {ws.cell(first_row, c).value: c for c in range(1, ws.max_column + 1)}
    row = next(r for r in range(first_row + 1, ws.max_row + 1) if ws.cell(r, 1).value == key)
    return ws.cell(row, cols[column])


def _block_cell(ws: Any, block: str, key: str, column: str) -> Any:
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == block)
    return _table_cell(ws, key, column, start + 1)


@pytest.fixture
def edited(tmp_path: Path) -> Callable[[Callable[[Any], None]], tuple[Path, Path]]:
    """A copy of the insurer example and its workbook, edited by `edit` (openpyxl, as a
    person's spreadsheet program would save it)."""

    def make(edit: Callable[[Any], None]) -> tuple[Path, Path]:
        folder = tmp_path / "insurer"
        if not folder.exists():
            shutil.copytree(EXAMPLES / "insurer", folder)
            _, files = read_files([folder])
            export_xlsx(files, tmp_path / "book.xlsx")
        wb = openpyxl.load_workbook(tmp_path / "book.xlsx")
        edit(wb)
        wb.save(tmp_path / "edited.xlsx")
        return tmp_path / "edited.xlsx", folder

    return make


def _set(sheet: str, where: Callable[[Any], Any], value: Any) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        where(wb[sheet]).value = value

    return edit


def _rename_sheet(old: str, new: str) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        wb[old].title = new

    return edit


#: hand-edit mistakes: (what, edit, the cell and words of the one error it gets)
MISTAKES: list[tuple[str, Callable[[Any], None], str, str]] = [
    (
        "a typo in a role",
        _set("claims", lambda ws: _sheet_cell(ws, "Roles", "take-fnol"), "fnol-handlr"),
        "claims!D23",
        "unknown role 'fnol-handlr' (did you mean 'fnol-handler'?)",
    ),
    (
        "an unknown system in a list",
        _set("claims", lambda ws: _sheet_cell(ws, "Systems", "register-claim"), "crm; mainfram"),
        "claims!E24",
        "unknown system 'mainfram' (did you mean 'mainframe'?)",
    ),
    (
        "a typo in a touchpoint",
        _set("claims", lambda ws: _sheet_cell(ws, "Touchpoint", "submit-claim"), "webiste"),
        "claims!B22",
        "unknown touchpoint 'webiste' (did you mean 'website'?)",
    ),
    (
        "a typo in a row title",
        _set(
            "claims",
            lambda ws: _sheet_cell(ws, "Frontstage actions").offset(0, -1),
            "Frontstage action",
        ),
        "claims!A19",
        "unknown row 'Frontstage action' (did you mean 'Frontstage actions'?)",
    ),
    (
        "a step named in two lanes",
        _set("claims", lambda ws: _sheet_cell(ws, "Frontstage actions", "submit-claim"), "Help"),
        "claims!B19",
        "a second step name in column B (Customer actions has 'Submit claim')",
    ),
    (
        "a step with no name left",
        _set("claims", lambda ws: _sheet_cell(ws, "Customer actions", "call-claims-line"), None),
        "claims!C18",
        "a step with no name: column C has values but no name in any lane row",
    ),
    (
        "a duration in words",
        _set("claims", lambda ws: _sheet_cell(ws, "Target time", "take-fnol"), "fifteen minutes"),
        "claims!D27",
        "expected a duration such as 90s, 5m, 2h, 1d, 2w or 1h30m, got 'fifteen minutes'",
    ),
    (
        "a rating of 11",
        _set(
            "claims",
            lambda ws: _block_cell(ws, "Fail point details", "wrong-policy", "Severity"),
            11,
        ),
        "claims!C",
        "expected a rating from 1 to 10, got 11",
    ),
    (
        "a rating in words",
        _set(
            "claims",
            lambda ws: _block_cell(ws, "Fail point details", "wrong-policy", "Detection"),
            "high",
        ),
        "claims!E",
        "expected a rating from 1 to 10 (a whole number), got 'high'",
    ),
    (
        "two steps with one id",
        _set("claims", lambda ws: _sheet_cell(ws, "Step id", "send-reference"), "register-claim"),
        "claims!F16",
        "duplicate step id 'register-claim' (first declared at claims!E16)",
    ),
    (
        "an id with spaces and capitals",
        _set("claims", lambda ws: _sheet_cell(ws, "Step id", "send-reference"), "Send Reference"),
        "claims!F16",
        "expected an id (lowercase letters, digits, '-' or '_'",
    ),
    (
        "a formula",
        _set("claims", lambda ws: _sheet_cell(ws, "Roles", "take-fnol"), "=B23"),
        "claims!D23",
        "a formula; expected a value",
    ),
    (
        "a moment of truth as maybe",
        _set("claims", lambda ws: _sheet_cell(ws, "Moment of truth", "submit-claim"), "maybe"),
        "claims!B29",
        "expected yes or no (or an empty cell), got 'maybe'",
    ),
    (
        "a typo in a phase",
        _set("claims", lambda ws: _sheet_cell(ws, "Phase", "submit-claim"), "Reprot"),
        "claims!B15",
        "unknown phase 'Reprot' (did you mean 'Report'?)",
    ),
    (
        "a step supporting one in a lower lane",
        _set("claims", lambda ws: _sheet_cell(ws, "Supports", "receive-payment"), "close-claim"),
        "claims!O25",
        "a customer step cannot support 'close-claim', a backstage step",
    ),
    (
        "a fail point with no details",
        _set(
            "claims",
            lambda ws: _sheet_cell(ws, "Fail points", "submit-claim"),
            "abandoned-form; ghost",
        ),
        "claims!B26",
        "fail point 'ghost' is not in the 'Fail point details' table",
    ),
    (
        "an unknown channel",
        _set("Touchpoints", lambda ws: _table_cell(ws, "website", "Channel"), "fax"),
        "Touchpoints!C2",
        "expected one of phone, web, app",
    ),
    (
        "a typo in a column title",
        _set("Roles", lambda ws: ws["C1"], "Departmnt"),
        "Roles!C1",
        "unknown column 'Departmnt' (did you mean 'Department'?)",
    ),
    (
        "a scenario misspelt",
        _set("claims", lambda ws: _sheet_cell(ws, "Scenario"), "tobe"),
        "claims!B4",
        "expected one of as-is, to-be; got 'tobe'",
    ),
    (
        "a metric of an unknown blueprint",
        _set("Metrics", lambda ws: _table_cell(ws, "claims:as-is", "Blueprint"), "claim:as-is"),
        "Metrics!A",
        "unknown blueprint 'claim:as-is' (did you mean 'claims:as-is'?)",
    ),
    (
        "a shared sheet renamed",
        _rename_sheet("Roles", "Role"),
        "Role!A1",
        "a sheet named 'Role' (did you mean 'Roles'?)",
    ),
    (
        "a role of an unknown department",
        _set("Roles", lambda ws: _table_cell(ws, "sales-advisor", "Department"), "sale"),
        "Roles!C2",
        "unknown department 'sale' (did you mean 'sales'?)",
    ),
    (
        "systems depending on each other",
        _set("Systems", lambda ws: _table_cell(ws, "mainframe", "Depends on"), "crm"),
        "Systems!E",
        "systems depend on each other in a cycle",
    ),
    (
        "a role with its name emptied",
        _set("Roles", lambda ws: _table_cell(ws, "underwriter", "Name"), None),
        "Roles!A3",
        "missing required field 'name'",
    ),
    (
        "a date that is no date",
        _set(
            "claims",
            lambda ws: _block_cell(ws, "Fail point details", "wrong-policy", "Due"),
            "2026-13-01",
        ),
        "claims!L",
        "month value is outside expected range of 1-12",
    ),
    (
        "two touchpoints for one step",
        _set("claims", lambda ws: _sheet_cell(ws, "Touchpoint", "submit-claim"), "website; email"),
        "claims!B22",
        "2 touchpoints (website; email); expected one touchpoint per step",
    ),
    (
        "a file outside the folder",
        _set("claims", lambda ws: _sheet_cell(ws, "File"), "../claims.yaml"),
        "claims!B13",
        "expected a path inside the enterprise folder ending in .yaml",
    ),
    (
        "a service renamed on one of its sheets",
        _set("claims (to-be)", lambda ws: _sheet_cell(ws, "Service name"), "Car claims"),
        "'claims (to-be)'!B2",
        "service 'claims' is named 'Motor claims'",
    ),
]


def test_at_least_fifteen_kinds_of_mistake() -> None:
    assert len(MISTAKES) >= 15
    assert len({what for what, *_ in MISTAKES}) == len(MISTAKES)


@pytest.mark.parametrize(("what", "edit", "cell", "words"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_mistake_is_one_line_at_its_cell_and_nothing_is_written(
    edited: Callable[..., tuple[Path, Path]],
    what: str,
    edit: Callable[[Any], None],
    cell: str,
    words: str,
    tmp_path: Path,
) -> None:
    book, folder = edited(edit)
    before = snapshot(folder)
    around = sorted(p.name for p in folder.parent.iterdir())
    with pytest.raises(BpqlError) as info:
        import_xlsx(book, folder)
    problems = info.value.problems if isinstance(info.value, BlueprintError) else [info.value]
    lines = [p.one_line() for p in problems]
    assert len(lines) == 1, lines
    assert lines[0].startswith(cell), lines[0]
    assert words in lines[0], lines[0]
    assert "\n" not in lines[0]
    assert snapshot(folder) == before
    assert sorted(p.name for p in folder.parent.iterdir()) == around  # no stage left behind


def test_the_command_refuses_with_the_cell_and_exits_non_zero(
    edited: Callable[..., tuple[Path, Path]],
) -> None:
    book, folder = edited(MISTAKES[0][1])
    before = snapshot(folder)
    r = bpql("import", "xlsx", str(book), "-o", str(folder))
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("error: claims!D23: unknown role 'fnol-handlr'"), r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(folder) == before


#: mistakes a person may make all in one sitting, grouped by the check that finds them: the
#: values as cells hold them, then what they refer to (a later check runs once the earlier
#: ones pass, so its findings are not echoes of a value already refused)
TOGETHER = [
    ["a duration in words", "a rating of 11", "an unknown channel", "a date that is no date"],
    [
        "a typo in a role",
        "an unknown system in a list",
        "a typo in a touchpoint",
        "a step supporting one in a lower lane",
        "a role of an unknown department",
        "a service renamed on one of its sheets",
        "two steps with one id",  # last: it changes the id the edits above find a column by
    ],
]


@pytest.mark.parametrize("kinds", TOGETHER, ids=["values", "references"])
def test_many_mistakes_in_one_book_get_a_line_each(
    edited: Callable[..., tuple[Path, Path]], kinds: list[str]
) -> None:
    by_name = {what: (edit, cell, words) for what, edit, cell, words in MISTAKES}

    def edit_all(wb: Any) -> None:
        for what in kinds:
            by_name[what][0](wb)

    book, folder = edited(edit_all)
    before = snapshot(folder)
    with pytest.raises(BlueprintError) as info:
        import_xlsx(book, folder)
    lines = [p.one_line() for p in info.value.problems]
    assert len(lines) == len(kinds), lines
    for what in kinds:
        _, cell, words = by_name[what]
        assert any(line.startswith(cell) and words in line for line in lines), (what, lines)
    assert snapshot(folder) == before


def _insert_step(wb: Any) -> None:
    """A new backstage step between take-fnol and register-claim: no id, no phase (the
    phase continues from the left), a role by its name."""
    ws = wb["claims"]
    col = _sheet_cell(ws, "Step id", "register-claim").column
    ws.insert_cols(col)
    _sheet_cell(ws, "Backstage actions").offset(0, col - 2).value = "Check the policy wording"
    _sheet_cell(ws, "Roles").offset(0, col - 2).value = "Claims handler"


def _unmerge_phases(wb: Any) -> None:
    ws = wb["claims"]
    row = _sheet_cell(ws, "Phase").row
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row == row:
            ws.unmerge_cells(str(rng))


def _insert_rows(wb: Any) -> None:
    ws = wb["claims"]
    ws.insert_rows(_sheet_cell(ws, "Roles").row, 2)  # two empty rows inside the grid
    ws.insert_rows(_sheet_cell(ws, "Step id").row)


def _move_rows(wb: Any) -> None:
    """Roles and Systems swapped, the step lint row deleted."""
    ws = wb["claims"]
    roles, systems = _sheet_cell(ws, "Roles").row, _sheet_cell(ws, "Systems").row
    for c in range(1, ws.max_column + 1):
        a, b = ws.cell(roles, c), ws.cell(systems, c)
        a.value, b.value = b.value, a.value
    ws.delete_rows(_sheet_cell(ws, "Step lint ignore").row)


def test_hand_edits_that_read_are_imported(
    edited: Callable[..., tuple[Path, Path]],
) -> None:
    for edit in (_unmerge_phases, _insert_rows, _move_rows):
        book, folder = edited(edit)
        before = snapshot(folder)
        report = import_xlsx(book, folder)
        assert not report.changed and not report.written, edit.__name__
        assert snapshot(folder) == before
    book, folder = edited(_insert_step)
    report = import_xlsx(book, folder)
    assert report.changed == ["services/claims.yaml"]
    g = validate_paths([folder]).graph
    step = next(s for s in g.nodes["Step"] if s["id"] == "claims.check-the-policy-wording")
    assert step["lane"] == "backstage" and step["seq"] == 4
    assert ("claims.check-the-policy-wording", "claims.report") in g.rels["IN_PHASE"]
    assert ("claims.check-the-policy-wording", "claims-handler") in g.rels["PERFORMED_BY"]


def test_a_changed_file_keeps_its_comments_and_order(
    edited: Callable[..., tuple[Path, Path]],
) -> None:
    def edit(wb: Any) -> None:
        ws = wb["claims"]
        _sheet_cell(ws, "Frontstage actions", "take-fnol").value = "Take the first notice"
        _sheet_cell(ws, "Target time", "take-fnol").value = "20m"

    book, folder = edited(edit)
    old = (EXAMPLES / "insurer/services/claims.yaml").read_text().splitlines()
    before = snapshot(folder)
    report = import_xlsx(book, folder)
    assert report.changed == ["services/claims.yaml"]
    new = (folder / "services/claims.yaml").read_text().splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert changed == [
        ("    name: Take first notice of loss", "    name: Take the first notice"),
        ("    target_time: 15m", "    target_time: 20m"),
    ]
    after = snapshot(folder)
    assert {k for k in after if after[k] != before[k]} == {"services/claims.yaml"}


def test_formula_like_values_are_text_cells(tmp_path: Path) -> None:
    """A name starting with =, +, - or @ is a string cell with Excel's quote prefix, never a
    formula, and reads back as the same text."""
    folder = tmp_path / "e"
    shutil.copytree(ROOT / "tests/blueprints/good", folder)
    ent_file = folder / "enterprise.yaml"
    text = ent_file.read_text()
    names = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)"]
    for old, new in zip(("Claims", "Finance", "IT", "Claims agent"), names, strict=True):
        text = text.replace(f"    name: {old}\n", f"    name: '{new}'\n", 1)
    ent_file.write_text(text)
    ent = validate_paths([folder])
    export_xlsx(read_files([folder])[1], tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "b.xlsx")
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in names:
                    assert c.data_type == "s" and c.quotePrefix, (ws.title, c.coordinate)
                    found.append(c.value)
    assert sorted(found) == sorted(names)
    import_xlsx(tmp_path / "b.xlsx", tmp_path / "out")
    assert validate_paths([tmp_path / "out"]).graph == ent.graph


@pytest.mark.parametrize("folder", ENTERPRISES, ids=IDS)
def test_store_round_trip_gives_the_same_counts(folder: Path, tmp_path: Path) -> None:
    """Load, export from the embedded store, import, load again: the same counts."""
    db = f"embedded:{tmp_path / 'a.lbdb'}"
    assert bpql("load", str(folder), "--db", db).returncode == 0
    r = bpql("export", "xlsx", "--db", db, "-o", str(tmp_path / "store.xlsx"))
    assert r.returncode == 0, r.stderr
    r = bpql("import", "xlsx", str(tmp_path / "store.xlsx"), "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    db2 = f"embedded:{tmp_path / 'b.lbdb'}"
    assert bpql("load", str(tmp_path / "out"), "--db", db2).returncode == 0
    a = bpql("stats", "--db", db, "--format", "json").stdout
    b = bpql("stats", "--db", db2, "--format", "json").stdout
    assert a == b


@pytest.mark.slow
def test_round_trip_of_the_synthetic_thousand_services(tmp_path: Path) -> None:
    """YAML -> XLSX -> YAML at 1,000 services (24,000 steps): the same graph."""
    from bpql.testing.synthetic import write_enterprise

    src = write_enterprise(tmp_path / "src", services=1000)
    _, files = read_files([src])
    export_xlsx(files, tmp_path / "book.xlsx")
    import_xlsx(tmp_path / "book.xlsx", tmp_path / "out")
    assert validate_paths([tmp_path / "out"]).graph == validate_paths([src]).graph


def test_import_writes_nothing_through_a_link_out_of_the_folder(tmp_path: Path) -> None:
    """A folder in the enterprise that is a link elsewhere is refused, as reading refuses
    it: nothing is written through it."""
    _, files = read_files([ROOT / "tests/blueprints/good"])
    export_xlsx(files, tmp_path / "book.xlsx")
    (tmp_path / "outside").mkdir()
    (tmp_path / "into").mkdir()
    (tmp_path / "into/services").symlink_to(tmp_path / "outside", target_is_directory=True)
    with pytest.raises(BpqlError) as info:
        import_xlsx(tmp_path / "book.xlsx", tmp_path / "into")
    assert "outside" in str(info.value)
    assert list((tmp_path / "outside").iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "into").iterdir()) == ["services"]
