"""The risk register: every fail point of an enterprise with every field, as risk teams keep it.

Read from the validated files (no store needed, like `bpql lint`), sorted by action priority
and then RPN, and written as text, CSV or an XLSX workbook (openpyxl) with the rating scales'
wording beside it, because a register is opened in a spreadsheet, filtered and passed round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bpql.analysis.fmea import AP_RANK
from bpql.errors import BpqlError
from bpql.graphdata import Enterprise
from bpql.safe import csv_text, spreadsheet_text, terminal_text, xlsx_cell
from bpql.words import counted

#: a fail point's own fields as a risk team titles them, in their order (the register's
#: columns, and the fail point columns of the blueprint workbook, `bpql.interchange.layout`)
FAIL_POINT_FIELDS: tuple[tuple[str, str], ...] = (
    ("Severity", "severity"),
    ("Occurrence", "occurrence"),
    ("Detection", "detection"),
    ("Effect (step)", "effect"),
    ("Cause", "cause"),
    ("Prevention control", "prevention"),
    ("Detection control", "detection_control"),
    ("Recommended action", "action"),
    ("Owner", "owner"),
    ("Due", "due"),
    ("Status", "status"),
    ("Severity after", "severity_after"),
    ("Occurrence after", "occurrence_after"),
    ("Detection after", "detection_after"),
)
#: (column title, fail point property or derived key); the order of a risk team's register
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Priority", "ap"),
    ("RPN", "rpn"),
    ("Fail point", "name"),
    ("Id", "id"),
    ("Service", "service"),
    ("Scenario", "scenario"),
    ("Step", "step"),
    ("System", "system"),
    ("Lane", "lane"),
    *FAIL_POINT_FIELDS,
    ("RPN after", "rpn_after"),
    ("Priority after", "ap_after"),
)
SCALES = ("severity", "occurrence", "detection")
FILLS = {"high": "F8CBAD", "medium": "FFE699", "low": "C6E0B4"}


@dataclass(frozen=True)
class Register:
    enterprise: str
    ap_source: str
    rows: list[dict[str, Any]]
    scales: dict[str, dict[int, str]]


def build(ent: Enterprise) -> Register:
    """Join each fail point to its step, blueprint and service; highest priority first."""
    g = ent.graph
    steps = {s["id"]: s for s in g.nodes["Step"]}
    blueprints = {b["id"]: b for b in g.nodes["Blueprint"]}
    services = {s["id"]: s for s in g.nodes["Service"]}
    step_of = {fp: st for st, fp in g.rels["HAS_FAIL_POINT"]}
    system_of = {fp: sys for sys, fp in g.rels["CAN_FAIL"]}
    bp_of = {st: bp for bp, st in g.rels["HAS_STEP"]}
    service_of = {bp: svc for svc, bp in g.rels["HAS_BLUEPRINT"]}
    names = {
        **{r["id"]: r["name"] for r in g.nodes["Role"]},
        **{d["id"]: d["name"] for d in g.nodes["Department"]},
        **{s["id"]: s["name"] for s in g.nodes["System"]},
        **{s: st["name"] for s, st in steps.items()},
    }
    rows = []
    for fp in g.nodes["FailPoint"]:
        row = dict(fp)
        if fp["id"] in system_of:  # a system's own: every step using the system inherits it
            row["system"] = names[system_of[fp["id"]]]
        else:
            step = steps[step_of[fp["id"]]]
            bp = blueprints[bp_of[step["id"]]]
            row.update(
                step=step["name"],
                lane=step["lane"],
                scenario=bp["scenario"] + (f" ({bp['variant']})" if bp["variant"] else ""),
                service=services[service_of[bp["id"]]]["name"],
            )
        for key in ("effect", "cause", "owner"):
            if row.get(key):
                row[key] = names.get(row[key], row[key])
        rows.append(row)
    rows.sort(key=lambda r: (-AP_RANK[r["ap"]], -r["rpn"], r["id"]))
    return Register(ent.name, ent.ap_source, rows, ent.scales)


def _cells(reg: Register) -> list[list[Any]]:
    return [[r.get(key) for _, key in COLUMNS] for r in reg.rows]


def to_csv(reg: Register) -> str:
    """The register as CSV, every cell through `bpql.safe.spreadsheet_cell`: a fail point
    named `=HYPERLINK(...)` is text in the spreadsheet that opens it, not a formula."""
    return csv_text([title for title, _ in COLUMNS], _cells(reg))


def to_text(reg: Register) -> str:
    """A short listing for the terminal: the register proper is the file. Each row says its
    service, scenario and step, as a fail point of the as-is and of the to-be often share a
    name; every value through `bpql.safe.terminal_text`."""
    lines = [f"{reg.enterprise}: {counted(len(reg.rows), 'fail point')} ({reg.ap_source})"]
    for r in reg.rows:
        action = f"; action: {r['action']}" if r.get("action") else ""
        if r.get("system"):
            where = f"system {r['system']}"
        else:
            where = f"{r['service']}, {r['scenario']} / {r['step']}"
        lines.append(f"{r['ap']:<6} RPN {r['rpn']:>3}  {r['name']} [{where}]{action}")
    return "".join(terminal_text(line) + "\n" for line in lines)


#: the widest a register column is made (characters); longer text wraps within the cell
MAX_WIDTH = 60


def _width(title: str, values: list[Any]) -> int:
    """A column as wide as its header (and its filter button) and its longest value (its
    longest line), within `MAX_WIDTH`, so a 30-character service name is not cut at 10."""
    longest = max(
        (len(line) for v in values if v is not None for line in spreadsheet_text(v).split("\n")),
        default=0,
    )
    return min(max(len(title) + 4, longest + 2), MAX_WIDTH)


def write_xlsx(reg: Register, path: Path) -> None:
    """A workbook a risk team opens: the register (filterable, priorities coloured, `Due` a
    date) and the wording of the rating scales it was rated on. Every cell through
    `bpql.safe.xlsx_cell`: text is a string cell, never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Register"
    _put_row(ws, 1, [title for title, _ in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    rows = _cells(reg)
    due = next(i for i, (_, key) in enumerate(COLUMNS) if key == "due")
    for r, row in enumerate(rows, start=2):
        if row[due] is not None:
            row[due] = date.fromisoformat(str(row[due]))
        _put_row(ws, r, row)
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=due + 1).number_format = "yyyy-mm-dd"
    ap_cols = [i for i, (_, key) in enumerate(COLUMNS, start=1) if key in ("ap", "ap_after")]
    for r in range(2, ws.max_row + 1):
        for c in ap_cols:
            cell = ws.cell(row=r, column=c)
            if cell.value in FILLS:
                cell.fill = PatternFill("solid", fgColor=FILLS[str(cell.value)])
    for i, (title, _) in enumerate(COLUMNS):
        values = [row[i] for row in rows]
        width = _width(title, values) if i != due else 14  # `yyyy-mm-dd` and the button
        ws.column_dimensions[get_column_letter(i + 1)].width = width
        if width == MAX_WIDTH:  # a column of long text: its cells wrap
            for cell in ws[get_column_letter(i + 1)][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    scales = wb.create_sheet("Scales")
    _put_row(scales, 1, ["Rating", "Severity", "Occurrence", "Detection"])
    for cell in scales[1]:
        cell.font = Font(bold=True)
    for r, rating in enumerate(range(10, 0, -1), start=2):
        _put_row(scales, r, [rating, *(reg.scales.get(k, {}).get(rating, "") for k in SCALES)])
    for col, width in zip("ABCD", (8, 60, 45, 60), strict=True):
        scales.column_dimensions[col].width = width
        for cell in scales[col]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    about = wb.create_sheet("About")
    _put_row(about, 1, ["Enterprise", reg.enterprise])
    _put_row(about, 2, ["Action priority table", reg.ap_source])
    _put_row(about, 3, ["Fail points", len(reg.rows)])
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 70
    wb.save(path)


def _put_row(ws: Any, row: int, values: list[Any]) -> None:
    """One row of a sheet, each value through `bpql.safe.xlsx_cell` (openpyxl's own `append`
    makes any text starting with `=` a formula)."""
    for column, value in enumerate(values, start=1):
        xlsx_cell(ws.cell(row=row, column=column), value)


def write_csv(reg: Register, path: Path) -> None:
    path.write_text(to_csv(reg), encoding="utf-8")


WRITERS: dict[str, Callable[[Register, Path], None]] = {".xlsx": write_xlsx, ".csv": write_csv}


def write(reg: Register, path: Path) -> None:
    """Pick the writer by the file's suffix; refuse one we do not write."""
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise BpqlError(
            f"{path}: expected a file ending in {' or '.join(WRITERS)}",
            code="BPQL-C060",
        )
    try:
        writer(reg, path)
    except OSError as exc:
        raise BpqlError(
            f"{path}: cannot write the register: {exc.strerror or exc}", code="BPQL-C061"
        ) from None
