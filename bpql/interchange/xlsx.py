"""The blueprint grid as a workbook, both ways: `export_xlsx` writes it, `import_xlsx` reads
a workbook a person may have edited back into blueprint files.

The layout is `bpql.interchange.layout`. Every cell is written as `bpql.safe.xlsx_cell` puts
one (`_Writer.put`, with XlsxWriter): text is a string cell with Excel's quote prefix when it
looks like a formula, so a name starting with `=` is text, never a formula. Reading is
`bpql.interchange.sheets` (every hand-edit mistake refused with its sheet!cell) and
`bpql.interchange.folder` (validated as `bpql validate` would, written all or nothing).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bpql.analysis.register import SCALES
from bpql.interchange import layout as L
from bpql.interchange.source import (
    FileSet,
    Source,
    as_files,
    fail_point_rows,
    gc_paused,
    select_files,
)
from bpql.interchange.yamlout import duration_text
from bpql.safe import formula_like, spreadsheet_text

if TYPE_CHECKING:
    from bpql.interchange.folder import ImportReport
    from bpql.model.format import BlueprintFile, EnterpriseFile

#: the colours of the lanes, as the blueprint view draws them (bpql/viz/style.py's families)
LANE_FILLS = {
    "customer": "DCEBFA",
    "frontstage": "DDF2E3",
    "backstage": "FCEBD7",
    "support": "ECE4F5",
}
HEAD_FILL = "EDEDED"
STEP_WIDTH = 26
LABEL_WIDTH = 24


def sheet_title(bp: BlueprintFile) -> str:
    """`claims`, `claims (to-be)`, `claims (to-be, lean)`: the sheet's tab."""
    if bp.scenario == "as-is":
        return bp.service.id
    return f"{bp.service.id} ({bp.scenario}" + (f", {bp.variant})" if bp.variant else ")")


def _titles(blueprints: Sequence[BlueprintFile]) -> list[str]:
    """A tab per blueprint: at most 31 characters (Excel's limit), none equal to another or
    to a fixed sheet's name (Excel compares them case-blind)."""
    taken = {t.lower() for t in L.RESERVED}
    out = []
    for bp in blueprints:
        base = sheet_title(bp)[:31]
        title, n = base, 1
        while title.lower() in taken:
            n += 1
            title = f"{base[: 31 - len(str(n)) - 1]}~{n}"
        taken.add(title.lower())
        out.append(title)
    return out


def _lint(element: Any) -> list[str] | None:
    lint = getattr(element, "lint", None)
    return list(lint.ignore) if lint is not None and lint.ignore else None


def cell_value(key: str, value: Any) -> Any:
    """A field as a cell holds it: durations with units, lists as `a; b`."""
    if value is None:
        return None
    if key in L.DURATIONS and isinstance(value, (int, float)):
        return duration_text(float(value))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if key == "moment_of_truth":
        return "yes" if value else None
    return value


def table_rows(files: FileSet) -> dict[str, list[list[Any]]]:
    """The rows of each shared sheet (and of the CSV tables), columns as `layout.TABLES`."""
    ent = files.enterprise
    rows: dict[str, list[list[Any]]] = {}
    for sheet, key, columns in L.TABLES:
        items: list[dict[str, Any]] = []
        if key == "system_fail_points":
            for s in ent.systems:
                items += [{"system": s.id, **fail_point_rows(fp)} for fp in s.fail_points]
        elif key == "metrics":
            from bpql.ids import blueprint_id

            for _, bp in files.blueprints:
                bid = blueprint_id(bp.service.id, bp.scenario, bp.variant)
                items += [
                    {"blueprint": bid, **m.model_dump(exclude={"lint"}), "lint": _lint(m)}
                    for m in bp.metrics
                ]
        else:
            items = [
                {**x.model_dump(exclude={"lint", "fail_points"}), "lint": _lint(x)}
                for x in getattr(ent, key)
            ]
        rows[sheet] = [[cell_value(k, item.get(k)) for _, k in columns] for item in items]
    return rows


# --- writing ------------------------------------------------------------------------------

#: the most characters a cell holds (Excel's limit)
MAX_CELL = 32_767


class _Writer:
    """One workbook being written (XlsxWriter: a thousand sheets three times quicker than
    openpyxl), each cell as `bpql.safe.xlsx_cell` would put it: text always a string cell,
    never a formula, with Excel's quote prefix when it looks like one."""

    def __init__(self) -> None:
        import xlsxwriter

        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(
            self.buf,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.wb.set_properties({"created": datetime.datetime(2000, 1, 1)})
        self.formats: dict[tuple[tuple[str, Any], ...], Any] = {}

    def fmt(self, **props: Any) -> Any:
        key = tuple(props.items())
        if not key:
            return None
        found = self.formats.get(key)
        if found is None:
            found = self.formats[key] = self.wb.add_format(dict(key))
        return found

    def put(self, ws: Any, row: int, col: int, value: Any, **props: Any) -> None:
        """`value` at (row, col), 0-based, with a format made of `props`."""
        plain = type(value) is str and len(value) <= MAX_CELL and not formula_like(value)
        if plain and spreadsheet_text(value) is value:  # no control character to escape
            ws.write_string(row, col, value, self.fmt(**props) if props else None)
            return
        if value is None or value == []:
            if props:
                ws.write_blank(row, col, None, self.fmt(**props))
            return
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            ws.write_number(row, col, value, self.fmt(**props))
            return
        if isinstance(value, datetime.date):
            when = datetime.datetime(value.year, value.month, value.day)
            ws.write_datetime(row, col, when, self.fmt(num_format="yyyy-mm-dd", **props))
            return
        text = spreadsheet_text(value)
        if len(text) > MAX_CELL:
            from bpql.errors import BpqlError

            raise BpqlError(
                f"a text of {len(text):,} characters ({text[:40]!r}...) does not fit a "
                f"spreadsheet cell, which holds {MAX_CELL:,}",
                code="BPQL-C209",
            )
        if formula_like(text) or (isinstance(value, str) and formula_like(value)):
            props = {**props, "quote_prefix": True}
        ws.write_string(row, col, text, self.fmt(**props))

    def row(self, ws: Any, row: int, values: Iterable[Any], **props: Any) -> None:
        for col, v in enumerate(values):
            self.put(ws, row, col, v, **props)

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


HEAD: dict[str, Any] = {"bold": True, "bg_color": "#" + HEAD_FILL}
WRAP: dict[str, Any] = {"text_wrap": True, "valign": "top"}
#: the three lines of a blueprint, under the lane above each
LINES: dict[str, dict[str, Any]] = {
    "customer": {"bottom": 5},
    "frontstage": {"bottom": 3},
    "backstage": {"bottom": 1},
}


def _table_sheet(w: _Writer, title: str, columns: Sequence[str], rows: Any) -> None:
    ws = w.wb.add_worksheet(title)
    for i, name in enumerate(columns):
        width = 14 if name in ("Id", "Severity", "Occurrence", "Detection", "Due") else 24
        width = 40 if name in ("Name", "Description", "Recommended action") else width
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 0)
    w.row(ws, 0, columns, **HEAD)
    for r, values in enumerate(rows, start=1):
        w.row(ws, r, values)


def _about(w: _Writer, files: FileSet) -> None:
    from bpql import __version__

    ws = w.wb.add_worksheet(L.ABOUT_SHEET)
    ws.set_column(0, 0, 110)
    lines = [
        f"{files.name}: service blueprints written by bpql {__version__}",
        "",
        "One sheet per blueprint: time runs across (a column per step, in time order, its "
        "phase above it), lanes run down. A step's name goes in exactly one lane row.",
        "Lists of ids are written a; b. Ids may be left empty (made from the name). Durations "
        "are written 90s, 5m, 2h, 1d, 2w or 1h30m. Moment of truth: yes or empty.",
        "A phase cell left empty takes the phase of the step to its left; merged cells count "
        "for each cell they cover.",
        "The shared things are one sheet per kind: Departments, Roles, Systems, System fail "
        "points, Touchpoints, Personas, Metrics; Rating scales holds the enterprise's own "
        "wording (empty: the standard one).",
        "Read it back with: bpql import xlsx THIS.xlsx -o FOLDER (every mistake is refused "
        "with its sheet!cell, and nothing is written until everything reads).",
    ]
    for i, line in enumerate(lines):
        w.put(ws, i, 0, line, **({"bold": True, "font_size": 14} if i == 0 else {}))


def _blueprint_sheet(w: _Writer, title: str, path: str, bp: BlueprintFile) -> None:
    ws = w.wb.add_worksheet(title)
    ws.set_column(0, 0, LABEL_WIDTH)
    ncols = max(len(bp.steps), *(len(c) - 1 for c in L.BLOCKS.values()))
    ws.set_column(1, ncols, STEP_WIDTH)
    ws.freeze_panes(0, 1)
    values = {
        "service.id": bp.service.id,
        "service.name": bp.service.name,
        "service.description": bp.service.description,
        "scenario": bp.scenario,
        "variant": bp.variant,
        "version": bp.version,
        "owner": bp.owner,
        "status": bp.status,
        "reviewed": bp.reviewed,
        "review_every": cell_value("review_every", bp.review_every),
        "personas": bp.personas or None,
        "lint": _lint(bp),
        "file": path,
    }
    for r, (label, key) in enumerate(L.HEADER):
        w.put(ws, r, 0, label, **HEAD)
        w.put(ws, r, 1, values[key])
    row = len(L.HEADER) + 1
    phase_names = [p.name for p in bp.phases]
    ids = {p.id for p in bp.phases}
    named = {
        p.id: p.name if phase_names.count(p.name) == 1 and p.name not in ids else p.id
        for p in bp.phases
    }
    for label, key in L.GRID:
        lane = key[5:] if key.startswith("lane:") else None
        fill = {"bg_color": "#" + LANE_FILLS[lane]} if lane else {}
        line = LINES.get(lane or "", {})
        w.put(ws, row, 0, label, **{**HEAD, **fill, **line})
        if key == "phase":
            start = 0
            head = {**HEAD, "align": "center", "valign": "vcenter"}
            for i, s in enumerate(bp.steps):
                if i == 0 or bp.steps[i - 1].phase != s.phase:
                    start = i
                if i == len(bp.steps) - 1 or bp.steps[i + 1].phase != s.phase:
                    name = named.get(s.phase, s.phase)
                    if i > start:
                        ws.merge_range(row, start + 1, row, i + 1, "", w.fmt(**head))
                    w.put(ws, row, start + 1, name, **head)
        else:
            filled = {**WRAP, **fill, **line}
            empty = dict(line)
            for i, s in enumerate(bp.steps):
                if lane is not None:
                    value: Any = s.name if s.lane == lane else None
                elif key == "fail_points":
                    value = [f.id for f in s.fail_points] or None
                elif key == "lint":
                    value = _lint(s)
                else:
                    value = cell_value(key, getattr(s, key))
                    value = value or None if isinstance(value, list) else value
                w.put(ws, row, i + 1, value, **(filled if value is not None else empty))
        row += 1
    for title_, columns in L.BLOCKS.items():
        row += 1
        w.put(ws, row, 0, title_, bold=True, font_size=13)
        w.row(ws, row + 1, [c for c, _ in columns], **HEAD)
        row += 2
        if title_ == "Phases":
            items = [{**p.model_dump(exclude={"lint"}), "lint": _lint(p)} for p in bp.phases]
        elif title_ == "Evidence":
            items = [{**e.model_dump(exclude={"lint"}), "lint": _lint(e)} for e in bp.evidence]
        else:
            items = [fail_point_rows(f) for s in bp.steps for f in s.fail_points]
        for item in items:
            w.row(ws, row, [cell_value(k, item.get(k)) for _, k in columns])
            row += 1


def _enterprise_sheets(w: _Writer, files: FileSet) -> None:
    ent: EnterpriseFile = files.enterprise
    ws = w.wb.add_worksheet(L.ENTERPRISE_SHEET)
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, 1, 80)
    values = {
        "enterprise": ent.enterprise,
        "description": ent.description,
        "fmea.action_priority": ent.fmea.action_priority if ent.fmea else None,
        "lint": _lint(ent),
        "file": files.enterprise_path,
    }
    for r, (label, key) in enumerate(L.ENTERPRISE_ROWS):
        w.put(ws, r, 0, label, **HEAD)
        w.put(ws, r, 1, values[key])
    for sheet, rows in table_rows(files).items():
        columns = [c for c, _ in L.TABLE_BY_SHEET[sheet][1]]
        _table_sheet(w, sheet, columns, rows)
    scales = [
        [
            rating,
            *((getattr(ent.fmea, k) or {}).get(rating) if ent.fmea else None for k in SCALES),
        ]
        for rating in range(10, 0, -1)
    ]
    _table_sheet(w, L.SCALES_SHEET, ["Rating", "Severity", "Occurrence", "Detection"], scales)


@gc_paused
def export_xlsx(
    source: Source,
    out: Path | None = None,
    services: Iterable[str] | None = None,
    scenario: str | None = None,
) -> bytes:
    """The enterprise as a workbook: a sheet per blueprint laid out as the blueprint grid, a
    sheet per kind of shared thing. Written to `out` when given; the bytes either way (the
    same bytes for the same files)."""
    files = select_files(as_files(source), services, scenario)
    w = _Writer()
    _about(w, files)
    _enterprise_sheets(w, files)
    order = sorted(
        files.blueprints,
        key=lambda pb: (pb[1].service.id, pb[1].scenario != "as-is", pb[1].variant or ""),
    )
    for title, (path, bp) in zip(_titles([bp for _, bp in order]), order, strict=True):
        _blueprint_sheet(w, title, path, bp)
    data = w.close()
    if out is not None:
        out.write_bytes(data)
    return data


# --- reading -------------------------------------------------------------------------------


@gc_paused
def import_xlsx(book: Path, into: Path, *, dry_run: bool = False) -> ImportReport:
    """Read a workbook (as `export_xlsx` writes it, maybe edited by hand) into the blueprint
    files of the folder `into`: every mistake refused with its sheet!cell before anything is
    written; then the files that change are written all at once (files the workbook leaves
    as they are keep their bytes, and a changed file keeps its comments and field order)."""
    from bpql.interchange.folder import write_enterprise
    from bpql.interchange.sheets import read_book

    parsed = read_book(book)
    return write_enterprise(parsed, into, dry_run=dry_run)
