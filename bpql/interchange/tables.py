"""The enterprise sheets as CSV, one file per kind, for people who script.

The same columns as the workbook's sheets (`bpql.interchange.layout.TABLES`: departments,
roles, systems, the systems' own fail points, touchpoints, personas, metrics), and two more a
script wants: every step of every blueprint chosen, and every fail point of those steps.
Every cell goes through `bpql.safe.csv_text`: a value a spreadsheet would run as a formula
starts with `'`. Export only: the workbook is the form that reads back.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bpql.ids import blueprint_id
from bpql.interchange import layout as L
from bpql.interchange.source import Source, as_files, fail_point_rows, gc_paused, select_files
from bpql.interchange.xlsx import cell_value, table_rows
from bpql.safe import csv_text

#: the file each sheet is written to
FILE_NAMES = {sheet: key.replace("_", "-") + ".csv" for sheet, key, _ in L.TABLES}

STEP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Blueprint", "blueprint"),
    ("Order", "order"),
    ("Id", "id"),
    ("Name", "name"),
    ("Lane", "lane"),
    ("Phase", "phase"),
    ("Touchpoint", "touchpoint"),
    ("Roles", "performed_by"),
    ("Systems", "uses"),
    ("Supports", "supports"),
    ("Evidence", "shows"),
    ("Target time", "target_time"),
    ("Max wait", "max_wait"),
    ("Moment of truth", "moment_of_truth"),
    ("Description", "description"),
    ("Script", "script"),
)


@gc_paused
def export_csv(
    source: Source,
    out: Path | None = None,
    services: Iterable[str] | None = None,
    scenario: str | None = None,
) -> dict[str, str]:
    """The CSV files by name (departments.csv, roles.csv, ..., steps.csv,
    step-fail-points.csv), written into the folder `out` when given."""
    files = select_files(as_files(source), services, scenario)
    texts: dict[str, str] = {}
    for sheet, rows in table_rows(files).items():
        texts[FILE_NAMES[sheet]] = csv_text([t for t, _ in L.TABLE_BY_SHEET[sheet][1]], rows)
    steps: list[list[Any]] = []
    fails: list[list[Any]] = []
    for _, bp in files.blueprints:
        bid = blueprint_id(bp.service.id, bp.scenario, bp.variant)
        for order, s in enumerate(bp.steps, start=1):
            item = {
                **s.model_dump(exclude={"fail_points", "lint"}),
                "blueprint": bid,
                "order": order,
            }
            steps.append([cell_value(k, item.get(k)) for _, k in STEP_COLUMNS])
            for fp in s.fail_points:
                row = {"blueprint": bid, "step": s.id, **fail_point_rows(fp)}
                fails.append([cell_value(k, row.get(k)) for _, k in _FAIL_COLUMNS])
    texts["steps.csv"] = csv_text([t for t, _ in STEP_COLUMNS], steps)
    texts["step-fail-points.csv"] = csv_text([t for t, _ in _FAIL_COLUMNS], fails)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (out / name).write_text(text, encoding="utf-8")
    return texts


_FAIL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Blueprint", "blueprint"),
    ("Step", "step"),
    *L.FAIL_POINT_COLUMNS,
)
