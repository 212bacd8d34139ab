"""The spreadsheet's layout, shared by the workbook (both ways) and the CSV tables: which
sheets, which rows and columns, and which file field each one holds.

A blueprint sheet is laid out like the grid service designers already use (the Nielsen
Norman Group template): time across, one column per step in time order with its phase
above; rows down for physical evidence, the four lanes, touchpoints, roles, systems, fail
points and standards. A few lines above the grid say which service, scenario and file it is;
tables below it hold the blueprint's phases, evidence and the details of its fail points.
The enterprise's shared things are one sheet per kind, a row per thing.
"""

from __future__ import annotations

from bpql.analysis.register import FAIL_POINT_FIELDS
from bpql.schema import LANES

#: the rows above the grid: (label in column A, field)
HEADER: tuple[tuple[str, str], ...] = (
    ("Service id", "service.id"),
    ("Service name", "service.name"),
    ("Service description", "service.description"),
    ("Scenario", "scenario"),
    ("Variant", "variant"),
    ("Version", "version"),
    ("Owner", "owner"),
    ("Status", "status"),
    ("Reviewed", "reviewed"),
    ("Review every", "review_every"),
    ("Personas", "personas"),
    ("Blueprint lint ignore", "lint"),
    ("File", "file"),
)
#: what column A says in a blueprint sheet's first cell
BLUEPRINT_MARK = HEADER[0][0]

LANE_ROWS: dict[str, str] = {lane.key: lane.title for lane in LANES}
LANE_BY_ROW: dict[str, str] = {title: key for key, title in LANE_ROWS.items()}

#: the grid's rows, top to bottom: (label in column A, step field; a lane row holds the name)
GRID: tuple[tuple[str, str], ...] = (
    ("Phase", "phase"),
    ("Step id", "id"),
    ("Physical evidence", "shows"),
    *((title, f"lane:{key}") for key, title in LANE_ROWS.items()),
    ("Touchpoint", "touchpoint"),
    ("Roles", "performed_by"),
    ("Systems", "uses"),
    ("Supports", "supports"),
    ("Fail points", "fail_points"),
    ("Target time", "target_time"),
    ("Max wait", "max_wait"),
    ("Moment of truth", "moment_of_truth"),
    ("Description", "description"),
    ("Script", "script"),
    ("Step lint ignore", "lint"),
)

LINT = ("Lint ignore", "lint")
#: a fail point's columns (on a blueprint sheet, and on the systems' own fail points sheet)
FAIL_POINT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Id", "id"),
    ("Name", "name"),
    *FAIL_POINT_FIELDS,
    LINT,
)

#: the tables under the grid: title in column A, then a row of column titles, then a row each
BLOCKS: dict[str, tuple[tuple[str, str], ...]] = {
    "Phases": (("Id", "id"), ("Name", "name"), LINT),
    "Evidence": (("Id", "id"), ("Name", "name"), ("Kind", "kind"), LINT),
    "Fail point details": FAIL_POINT_COLUMNS,
}

#: the enterprise sheet: a label and a value per row
ENTERPRISE_SHEET = "Enterprise"
ENTERPRISE_ROWS: tuple[tuple[str, str], ...] = (
    ("Enterprise", "enterprise"),
    ("Description", "description"),
    ("Action priority table", "fmea.action_priority"),
    ("Lint ignore", "lint"),
    ("File", "file"),
)

#: one sheet per kind of shared thing: (sheet, file list, columns)
TABLES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("Departments", "departments", (("Id", "id"), ("Name", "name"), LINT)),
    ("Roles", "roles", (("Id", "id"), ("Name", "name"), ("Department", "department"), LINT)),
    (
        "Systems",
        "systems",
        (
            ("Id", "id"),
            ("Name", "name"),
            ("Kind", "kind"),
            ("Owner", "owner"),
            ("Depends on", "depends_on"),
            LINT,
        ),
    ),
    ("System fail points", "system_fail_points", (("System", "system"), *FAIL_POINT_COLUMNS)),
    ("Touchpoints", "touchpoints", (("Id", "id"), ("Name", "name"), ("Channel", "channel"), LINT)),
    (
        "Personas",
        "personas",
        (("Id", "id"), ("Name", "name"), ("Description", "description"), LINT),
    ),
    (
        "Metrics",
        "metrics",
        (
            ("Blueprint", "blueprint"),
            ("Id", "id"),
            ("Name", "name"),
            ("Target", "target"),
            ("Unit", "unit"),
            ("Measures", "measures"),
            LINT,
        ),
    ),
)
TABLE_BY_SHEET = {sheet: (key, columns) for sheet, key, columns in TABLES}

SCALES_SHEET = "Rating scales"
ABOUT_SHEET = "About"

#: sheets with a fixed name; a blueprint sheet never takes one of these
RESERVED = (ABOUT_SHEET, ENTERPRISE_SHEET, *(t[0] for t in TABLES), SCALES_SHEET)

#: fields holding a list of ids, written `a; b` in one cell
LISTS = {
    "personas",
    "shows",
    "performed_by",
    "uses",
    "supports",
    "fail_points",
    "depends_on",
    "measures",
    "lint",
}
#: fields holding a duration, written with units (`1h30m`)
DURATIONS = {"target_time", "max_wait", "review_every"}
RATINGS = {
    "severity",
    "occurrence",
    "detection",
    "severity_after",
    "occurrence_after",
    "detection_after",
}
DATES = {"reviewed", "due"}
