"""A workbook read back into blueprint files, as plain data with the cell each value came
from, so that every problem, found here or by the validator, names its sheet!cell.

A hand-edited sheet is read the way a person means it: rows and columns found by their
titles (so inserted, moved or emptied rows and columns are fine), merged cells count for
every cell they cover, a phase cell left empty continues the phase to its left, an id left
empty is made from the name, a role, system, touchpoint or step may be named by its id or
its exact name. Whatever cannot be read is refused, one line each: a formula, a step in two
lanes or none, a rating of 11, `ten minutes` for a duration, a typo in a row title or a role.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bpql.errors import BlueprintError, BpqlError
from bpql.interchange import layout as L
from bpql.model.yamlpos import PathKey

#: the largest workbook read, and the most its parts may unpack to (a zip bomb stops here)
MAX_BOOK_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024

GRID_BY_LABEL = dict(L.GRID)
HEADER_BY_LABEL = dict(L.HEADER)
ENTERPRISE_BY_LABEL = dict(L.ENTERPRISE_ROWS)

#: the ids shared things are referred to by, per field of a step or a table
REF_KIND = {
    "performed_by": "roles",
    "uses": "systems",
    "depends_on": "systems",
    "touchpoint": "touchpoints",
    "personas": "personas",
    "department": "departments",
    "owner": "owners",
    "system": "systems",
}


@dataclass
class CellDoc:
    """One file read from the workbook: its data in the file format, the cell each value
    (and each item) came from, and where the workbook says it is written."""

    kind: str  # "enterprise" or "blueprint"
    sheet: str
    data: dict[str, Any]
    cells: dict[PathKey, str] = field(default_factory=dict)
    path: str | None = None


@dataclass
class Book:
    """What a workbook holds: the enterprise file (None when it has no shared sheets) and
    each blueprint's file, and the sheets it did not read."""

    name: str
    enterprise: CellDoc | None
    blueprints: list[CellDoc]
    ignored: list[str] = field(default_factory=list)


def pk(*parts: str | int) -> PathKey:
    """A path in a file's data (`steps`, 3, `uses`), as the validator names positions."""
    return parts


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def quoted(sheet: str) -> str:
    """A sheet's name as a reference writes it: `Claims`, `'System fail points'`."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def ref(sheet: str, row: int, col: int) -> str:
    """`Claims!B12`, `'System fail points'!C3`, as a spreadsheet writes a reference."""
    return f"{quoted(sheet)}!{column_letter(col)}{row}"


def slug(name: str) -> str:
    """An id made from a name: `Submit claim` -> `submit-claim`."""
    text = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    return text[:80].strip("-_")


def _plain_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


class Sheet:
    """A worksheet's values by (row, column), 1-based: merged cells filled in, formulas
    noted."""

    def __init__(
        self,
        title: str,
        rows: list[list[Any]],
        merged: list[tuple[tuple[int, int], tuple[int, int]]],
        formulas: set[tuple[int, int]],
    ) -> None:
        self.title = title
        self._prefix = quoted(title) + "!"
        self._letters: list[str] = [""]
        self.values: dict[tuple[int, int], Any] = {}
        self.formulas = set(formulas)
        for r, values in enumerate(rows, start=1):
            for c, v in enumerate(values, start=1):
                if v is None or (isinstance(v, str) and v == ""):
                    continue
                self.values[(r, c)] = v
        #: a merged cell's first cell, which holds its value and names it in a message
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        for (r0, c0), (r1, c1) in merged:
            top = (r0 + 1, c0 + 1)
            if top not in self.values:
                continue
            for r in range(r0 + 1, r1 + 2):
                for col in range(c0 + 1, c1 + 2):
                    self.values[(r, col)] = self.values[top]
                    self.origin[(r, col)] = top
                    if top in self.formulas:
                        self.formulas.add((r, col))
        for key in self.formulas:
            self.values.setdefault(key, "=")
        self.rows: defaultdict[int, dict[int, Any]] = defaultdict(dict)
        for (r, col), v in self.values.items():
            self.rows[r][col] = v
        self.max_row = max(self.rows, default=0)

    def ref(self, row: int, col: int) -> str:
        if self.origin:
            row, col = self.origin.get((row, col), (row, col))
        letters = self._letters
        while len(letters) <= col:
            letters.append(column_letter(len(letters)))
        return f"{self._prefix}{letters[col]}{row}"

    def label(self, row: int) -> str | None:
        v = self.rows.get(row, {}).get(1)
        return v.strip() if isinstance(v, str) and v.strip() else None


class Reader:
    """Reads a workbook's sheets into `CellDoc`s, collecting every problem."""

    def __init__(self) -> None:
        self.problems: list[BpqlError] = []
        self.reported: set[str] = set()
        #: names of shared things, to read a name where an id is expected
        self.names: dict[str, dict[str, list[str]]] = defaultdict(dict)
        self.ids: dict[str, set[str]] = defaultdict(set)

    # --- cell values ------------------------------------------------------------------------

    def formula(self, sh: Sheet, key: tuple[int, int]) -> bool:
        if key not in sh.formulas:
            return False
        where = sh.ref(*key)
        if where not in self.reported:
            self.reported.add(where)
            self.problems.append(
                BpqlError(
                    f"{where}: a formula; expected a value: BPQL reads what a cell holds and "
                    "computes nothing (type the value, or start the text with ' to keep it "
                    "as text)",
                    code="BPQL-F200",
                )
            )
        return True

    def raw(self, sh: Sheet, row: int, col: int) -> Any:
        key = (row, col)
        v = sh.values.get(key)
        if v is None or (sh.formulas and self.formula(sh, key)):
            return None
        return v

    def text(self, sh: Sheet, row: int, col: int, *, exact: bool = False) -> str | None:
        """A cell as text: a number as it reads (`2026.1`), a date as `2026-06-01`; stripped
        unless `exact` (free text is kept as typed)."""
        v = self.raw(sh, row, col)
        if v is None:
            return None
        if isinstance(v, bool):
            out = "true" if v else "false"
        elif isinstance(v, (int, float)):
            out = _plain_number(v)
        elif isinstance(v, datetime.datetime):
            out = v.date().isoformat() if v.time() == datetime.time() else v.isoformat()
        elif isinstance(v, datetime.date):
            out = v.isoformat()
        else:
            out = str(v)
        if not exact:
            out = out.strip()
        return out or None

    def value(self, sh: Sheet, row: int, col: int, key: str) -> Any:
        """A cell as the file field `key` holds it."""
        if key in L.LISTS:
            return self.items(sh, row, col, key)
        if key in L.RATINGS:
            v = self.raw(sh, row, col)
            if isinstance(v, float) and v.is_integer():
                return int(v)
            if isinstance(v, str) and v.strip().isdigit():
                return int(v.strip())
            return v.strip() if isinstance(v, str) else v
        if key in L.DURATIONS:
            v = self.raw(sh, row, col)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return v
            return self.text(sh, row, col)
        if key in L.DATES:
            v = self.raw(sh, row, col)
            if isinstance(v, datetime.datetime):
                return v.date()
            if isinstance(v, (datetime.date, int, float)):
                return v
            return self.text(sh, row, col)
        if key == "target":
            v = self.raw(sh, row, col)
            if isinstance(v, str):
                try:
                    return float(v.strip())
                except ValueError:
                    return v
            return v
        if key == "moment_of_truth":
            return self.flag(sh, row, col)
        if key in ("description", "script", "action", "prevention", "detection_control"):
            return self.text(sh, row, col, exact=True)
        return self.text(sh, row, col)

    def flag(self, sh: Sheet, row: int, col: int) -> bool:
        v = self.raw(sh, row, col)
        if v is None or v is False:
            return False
        if v is True:
            return True
        word = str(v).strip().lower()
        if word in ("yes", "y", "true", "x", "1", "moment of truth"):
            return True
        if word in ("no", "n", "false", "0", ""):
            return False
        self.problems.append(
            BpqlError(
                f"{sh.ref(row, col)}: expected yes or no (or an empty cell), got {v!r}",
                code="BPQL-F201",
            )
        )
        return False

    def items(self, sh: Sheet, row: int, col: int, key: str) -> list[str]:
        """`a; b` (or one per line, or `a, b`) as a list; a shared thing's exact name is read
        as its id."""
        text = self.text(sh, row, col)
        if text is None:
            return []
        kind = REF_KIND.get(key)
        out: list[str] = []
        for part in re.split(r"[;\n]", text):
            part = part.strip()
            if not part:
                continue
            if "," in part and self.resolve(kind, part) == part:
                out += [p.strip() for p in part.split(",") if p.strip()]
            else:
                out.append(part)
        return [self.resolve(kind, p) for p in out]

    def resolve(self, kind: str | None, value: str) -> str:
        """An id, or the id of the one shared thing with this exact name."""
        if kind is None or value in self.ids[kind]:
            return value
        found = self.names[kind].get(value, [])
        return found[0] if len(found) == 1 else value

    def known(self, kind: str, id_: str, name: Any) -> None:
        self.ids[kind].add(id_)
        if isinstance(name, str):
            self.names[kind].setdefault(name, []).append(id_)

    # --- tables ---------------------------------------------------------------------------

    def columns(
        self, sh: Sheet, row: int, wanted: tuple[tuple[str, str], ...], required: tuple[str, ...]
    ) -> dict[int, str]:
        """The columns of a table by their titles in `row`: key by column number."""
        from bpql.model.validate import did_you_mean

        by_title = {title.lower(): key for title, key in wanted}
        out: dict[int, str] = {}
        for col, v in sorted(sh.rows.get(row, {}).items()):
            if (row, col) in sh.formulas:
                self.formula(sh, (row, col))
                continue
            title = str(v).strip()
            key = by_title.get(title.lower())
            if key is None:
                titles = [t for t, _ in wanted]
                self.problems.append(
                    BpqlError(
                        f"{sh.ref(row, col)}: unknown column {title!r}"
                        f"{did_you_mean(title, titles)}; expected one of: {', '.join(titles)}",
                        code="BPQL-F202",
                    )
                )
            elif key in out.values():
                self.problems.append(
                    BpqlError(
                        f"{sh.ref(row, col)}: a second {title!r} column; expected each column once",
                        code="BPQL-F203",
                    )
                )
            else:
                out[col] = key
        title_of = {k: t for t, k in wanted}
        for key in required:
            if key not in out.values():
                self.problems.append(
                    BpqlError(
                        f"{sh.ref(row, 1)}: no {title_of[key]!r} column; expected the columns "
                        f"{', '.join(t for t, _ in wanted)} (the row of column titles)",
                        code="BPQL-F204",
                    )
                )
        return out

    def table(
        self,
        sh: Sheet,
        columns: dict[int, str],
        rows: list[int],
        base: PathKey,
        cells: dict[PathKey, str],
        *,
        derive_id: bool = True,
    ) -> list[dict[str, Any]]:
        """A row per item (empty rows skipped); an empty id is made from the name."""
        out: list[dict[str, Any]] = []
        for r in rows:
            if not any(c in sh.rows.get(r, {}) for c in columns):
                continue
            item: dict[str, Any] = {}
            at: PathKey = (*base, len(out))
            first = min((c for c in columns if c in sh.rows.get(r, {})), default=1)
            cells[at] = sh.ref(r, first)
            for col, key in columns.items():
                v = self.value(sh, r, col, key)
                if v is None or v == [] or (key == "moment_of_truth" and v is False):
                    continue
                cells[pk(*at, key)] = sh.ref(r, col)
                if key == "lint":
                    cells[pk(*at, key, "ignore")] = sh.ref(r, col)
                    for j in range(len(v)):
                        cells[pk(*at, key, "ignore", j)] = sh.ref(r, col)
                    v = {"ignore": v}
                elif isinstance(v, list):
                    for j in range(len(v)):
                        cells[pk(*at, key, j)] = sh.ref(r, col)
                item[key] = v
            if derive_id and "id" not in item and isinstance(item.get("name"), str):
                made = slug(item["name"])
                if made:
                    item["id"] = made
                    cells[pk(*at, "id")] = cells.get((*at, "name"), cells[at])
            out.append(item)
        return out


# --- the workbook ------------------------------------------------------------------------


def _open(book: Path) -> list[Sheet]:
    """The workbook's worksheets, refused as one line when it is not a workbook, or too
    large to be real. Values are read by calamine (Rust: a thousand sheets in a fraction of
    a second, twenty times quicker than openpyxl); a workbook holding a formula is read
    again by openpyxl, which says which cells hold one."""
    from bpql.model.files import FileRefused, check_regular

    try:
        check_regular(book, MAX_BOOK_BYTES)
    except FileRefused as exc:
        raise BpqlError(f"{book}: {exc.reason}", code="BPQL-F205") from None
    try:
        with zipfile.ZipFile(book) as z:
            parts = z.infolist()
            unpacked = sum(i.file_size for i in parts)
            if unpacked > MAX_UNPACKED_BYTES:
                raise BpqlError(
                    f"{book}: its parts unpack to {unpacked / 2**20:,.0f} MB; workbooks are read "
                    f"up to {MAX_UNPACKED_BYTES / 2**20:,.0f} MB",
                    code="BPQL-F207",
                )
            has_formulas = any(
                _FORMULA.search(z.read(i.filename))
                for i in parts
                if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
            )
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BpqlError(
            f"{book}: not an .xlsx workbook ({exc}); expected a file saved as Excel Workbook "
            "(.xlsx)",
            code="BPQL-F206",
        ) from None
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(book))
        sheets = []
        formulas = _formula_cells(book) if has_formulas else {}
        for meta in wb.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1].lower() != "worksheet":
                continue
            sh = wb.get_sheet_by_name(meta.name)
            rows = sh.to_python(skip_empty_area=False)
            merged = list(sh.merged_cell_ranges or [])
            sheets.append(Sheet(meta.name, rows, merged, formulas.get(meta.name, set())))
        wb.close()
        return sheets
    except BpqlError:
        raise
    except Exception as exc:  # calamine raises its own kinds for a damaged or foreign file
        raise BpqlError(
            f"{book}: cannot be read as a workbook ({type(exc).__name__}: {exc})",
            code="BPQL-F208",
        ) from None


#: a formula in a worksheet's XML (`<f>`, `<f t="shared" ...>`, with or without a prefix)
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _formula_cells(book: Path) -> dict[str, set[tuple[int, int]]]:
    """The cells holding a formula, per sheet (openpyxl reads formulas; calamine does not)."""
    import warnings

    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(book, data_only=False, keep_links=False, rich_text=False)
    out: dict[str, set[tuple[int, int]]] = {}
    for ws in wb.worksheets:
        found = set()
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    found.add((c.row, c.column))
        out[ws.title] = found
    return out


def read_book(book: Path) -> Book:
    """Every sheet read; every problem raised together (nothing is written by a reader)."""
    from bpql.model.validate import did_you_mean, paused_gc

    rd = Reader()
    with paused_gc():
        sheets = _open(book)
    by_name = {sh.title: sh for sh in sheets}
    blueprints: list[Sheet] = []
    ignored: list[str] = []
    for sh in sheets:
        if sh.title in L.RESERVED:
            continue
        a1 = sh.values.get((1, 1))
        if isinstance(a1, str) and a1.strip().lower() == L.BLUEPRINT_MARK.lower():
            blueprints.append(sh)
            continue
        close = did_you_mean(sh.title, L.RESERVED)
        if close:
            rd.problems.append(
                BpqlError(
                    f"{ref(sh.title, 1, 1)}: a sheet named {sh.title!r}{close}; expected a "
                    f"blueprint sheet (A1 '{L.BLUEPRINT_MARK}') or one of: "
                    f"{', '.join(L.RESERVED)}",
                    code="BPQL-F209",
                )
            )
        else:
            ignored.append(sh.title)
    enterprise = _read_enterprise(rd, by_name) if L.ENTERPRISE_SHEET in by_name else None
    docs = [_read_blueprint(rd, sh) for sh in blueprints]
    if "Metrics" in by_name and not rd.problems:  # a blueprint not read has no metrics
        _read_metrics(rd, by_name["Metrics"], docs)
    if enterprise is None and any(t in by_name for t, _, _ in L.TABLES):
        rd.problems.append(
            BpqlError(
                f"{book}: sheets of shared things but no {L.ENTERPRISE_SHEET!r} sheet; "
                "expected it (it names the enterprise)",
                code="BPQL-F210",
            )
        )
    if not docs and enterprise is None:
        rd.problems.append(
            BpqlError(
                f"{book}: no blueprint sheet (A1 '{L.BLUEPRINT_MARK}') and no "
                f"{L.ENTERPRISE_SHEET!r} sheet; expected a workbook as bpql export xlsx writes",
                code="BPQL-F211",
            )
        )
    if rd.problems:
        raise BlueprintError(unique(rd.problems))
    return Book(book.name, enterprise, docs, ignored)


def unique(problems: list[BpqlError]) -> list[BpqlError]:
    """Each line once: a merged cell read for each cell it covers says its mistake once."""
    seen: set[str] = set()
    out = []
    for p in problems:
        line = p.one_line()
        if line not in seen:
            seen.add(line)
            out.append(p)
    return out


# --- the enterprise's sheets ---------------------------------------------------------------


def _key_values(
    rd: Reader, sh: Sheet, labels: dict[str, str], code_unknown: bool = True
) -> dict[str, tuple[int, str]]:
    """A sheet of `label | value` rows: field -> (row, field)."""
    from bpql.model.validate import did_you_mean

    out: dict[str, tuple[int, str]] = {}
    for r in sorted(sh.rows):
        label = sh.label(r)
        if label is None:
            if any(c > 1 for c in sh.rows[r]):
                rd.problems.append(
                    BpqlError(
                        f"{sh.ref(r, 1)}: a row with values but no title in column A; expected "
                        f"one of: {', '.join(labels)}",
                        code="BPQL-F212",
                    )
                )
            continue
        key = labels.get(label)
        if key is None:
            rd.problems.append(
                BpqlError(
                    f"{sh.ref(r, 1)}: unknown row {label!r}{did_you_mean(label, labels)}; "
                    f"expected one of: {', '.join(labels)}",
                    code="BPQL-F213",
                )
            )
            continue
        out[key] = (r, key)
    return out


def _read_enterprise(rd: Reader, by_name: dict[str, Sheet]) -> CellDoc:
    sh = by_name[L.ENTERPRISE_SHEET]
    doc = CellDoc("enterprise", sh.title, {}, {(): sh.ref(1, 1)})
    rows = _key_values(rd, sh, ENTERPRISE_BY_LABEL)
    for key, (r, _) in rows.items():
        value: Any = rd.text(sh, r, 2, exact=key == "description")
        if key == "lint":
            value = rd.items(sh, r, 2, "lint")
        if value is None or value == []:
            continue
        if key == "file":
            doc.path = str(value)
            doc.cells[("file",)] = sh.ref(r, 2)
        elif key == "fmea.action_priority":
            doc.data.setdefault("fmea", {})["action_priority"] = value
            doc.cells[("fmea",)] = doc.cells[("fmea", "action_priority")] = sh.ref(r, 2)
        elif key == "lint":
            doc.data["lint"] = {"ignore": value}
            doc.cells[("lint",)] = doc.cells[("lint", "ignore")] = sh.ref(r, 2)
        else:
            doc.data[key] = value
            doc.cells[(key,)] = sh.ref(r, 2)
    if "enterprise" not in doc.data:
        where = rows.get("enterprise", (1, ""))[0]
        rd.problems.append(
            BpqlError(
                f"{sh.ref(where, 2)}: no enterprise name; expected the row 'Enterprise' with "
                "the enterprise's name beside it",
                code="BPQL-F214",
            )
        )
    tables: dict[str, tuple[Sheet, dict[int, str]]] = {}
    for sheet, key, columns in L.TABLES:
        if sheet not in by_name or key == "metrics":
            continue
        tsh = by_name[sheet]
        first = min(tsh.rows, default=1)
        required = ("name", "system") if key == "system_fail_points" else ("name",)
        before = len(rd.problems)
        cols = rd.columns(tsh, first, columns, required)
        if len(rd.problems) == before:
            tables[key] = (tsh, cols)
    # names first: a role's department, a system's owner may be written by name
    for key, kind in (
        ("departments", "departments"),
        ("roles", "roles"),
        ("systems", "systems"),
        ("touchpoints", "touchpoints"),
        ("personas", "personas"),
    ):
        if key not in tables:
            continue
        tsh, cols = tables[key]
        idc = next((c for c, k in cols.items() if k == "id"), None)
        namec = next((c for c, k in cols.items() if k == "name"), None)
        for r in range(min(tsh.rows, default=1) + 1, tsh.max_row + 1):
            name = rd.text(tsh, r, namec) if namec else None
            id_ = (rd.text(tsh, r, idc) if idc else None) or (slug(name) if name else None)
            if id_:
                rd.known(kind, id_, name)
                if kind in ("roles", "departments"):
                    rd.known("owners", id_, name)
    for key in ("departments", "roles", "systems", "touchpoints", "personas"):
        if key not in tables:
            continue
        tsh, cols = tables[key]
        rows_ = list(range(min(tsh.rows, default=1) + 1, tsh.max_row + 1))
        doc.data[key] = rd.table(tsh, cols, rows_, (key,), doc.cells)
        doc.cells[(key,)] = tsh.ref(1, 1)
    if "system_fail_points" in tables:
        tsh, cols = tables["system_fail_points"]
        index = {s.get("id"): i for i, s in enumerate(doc.data.get("systems", []))}
        rows_ = list(range(min(tsh.rows, default=1) + 1, tsh.max_row + 1))
        scratch: dict[PathKey, str] = {}
        for n, fp in enumerate(rd.table(tsh, cols, rows_, ("x",), scratch, derive_id=True)):
            system = fp.pop("system", None)
            at = scratch[("x", n)]
            if system not in index:
                rd.problems.append(
                    BpqlError(
                        f"{scratch.get(('x', n, 'system'), at)}: unknown system {system!r}"
                        f"{_hint(system, index)}; expected an id from the Systems sheet",
                        code="BPQL-F215",
                    )
                )
                continue
            i = index[system]
            fps = doc.data["systems"][i].setdefault("fail_points", [])
            base: PathKey = ("systems", i, "fail_points", len(fps))
            fps.append(_fail_point(fp))
            for path, cell in scratch.items():
                if path[:2] == ("x", n):
                    doc.cells[base + path[2:]] = cell
            _fail_point_cells(doc.cells, base)
    if L.SCALES_SHEET in by_name:
        _read_scales(rd, by_name[L.SCALES_SHEET], doc)
    return doc


def _hint(value: Any, known: Any) -> str:
    from bpql.model.validate import did_you_mean

    return did_you_mean(str(value), [str(k) for k in known]) if value is not None else ""


#: fail point columns that are fields of `controls` and `after` in the file
_CONTROLS = {"prevention": "prevention", "detection_control": "detection"}
_AFTER = {
    "severity_after": "severity",
    "occurrence_after": "occurrence",
    "detection_after": "detection",
}


def _fail_point(row: dict[str, Any]) -> dict[str, Any]:
    """A fail point row as the file writes it: controls and after ratings nested."""
    out: dict[str, Any] = {}
    for key, v in row.items():
        if key in _CONTROLS:
            out.setdefault("controls", {})[_CONTROLS[key]] = v
        elif key in _AFTER:
            out.setdefault("after", {})[_AFTER[key]] = v
        else:
            out[key] = v
    return out


def _fail_point_cells(cells: dict[PathKey, str], base: PathKey) -> None:
    """Move the cells of nested fields to their paths in the file."""
    for key, field_ in (*_CONTROLS.items(), *_AFTER.items()):
        parent = "controls" if key in _CONTROLS else "after"
        if (*base, key) in cells:
            cells[pk(*base, parent, field_)] = cells[pk(*base, key)]
            cells.setdefault((*base, parent), cells[pk(*base, key)])


def _read_scales(rd: Reader, sh: Sheet, doc: CellDoc) -> None:
    cols = rd.columns(
        sh,
        1,
        (
            ("Rating", "rating"),
            ("Severity", "severity"),
            ("Occurrence", "occurrence"),
            ("Detection", "detection"),
        ),
        ("rating",),
    )
    rating_col = next((c for c, k in cols.items() if k == "rating"), None)
    for r in range(2, sh.max_row + 1):
        texts = {k: rd.text(sh, r, c, exact=True) for c, k in cols.items() if k != "rating"}
        if not any(texts.values()):
            continue
        rating = rd.raw(sh, r, rating_col) if rating_col else None
        if isinstance(rating, float) and rating.is_integer():
            rating = int(rating)
        if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 10:
            rd.problems.append(
                BpqlError(
                    f"{sh.ref(r, rating_col or 1)}: expected a rating from 1 to 10, got {rating!r}",
                    code="BPQL-F216",
                )
            )
            continue
        fmea = doc.data.setdefault("fmea", {})
        for scale, text in texts.items():
            if text:
                fmea.setdefault(scale, {})[rating] = text
                col = next(c for c, k in cols.items() if k == scale)
                doc.cells[("fmea", scale, rating)] = sh.ref(r, col)
                doc.cells.setdefault(("fmea", scale), sh.ref(r, col))
        doc.cells.setdefault(("fmea",), sh.ref(1, 1))


def _read_metrics(rd: Reader, sh: Sheet, docs: list[CellDoc]) -> None:
    from bpql.ids import blueprint_id

    columns = L.TABLE_BY_SHEET["Metrics"][1]
    cols = rd.columns(sh, 1, columns, ("blueprint", "name"))
    by_bid: dict[str, CellDoc] = {}
    unsure: set[str] = set()  # services with a scenario the validator will refuse
    for d in docs:
        svc = d.data.get("service", {})
        if isinstance(svc, dict) and isinstance(svc.get("id"), str):
            scenario = str(d.data.get("scenario", "as-is"))
            if scenario not in ("as-is", "to-be"):
                unsure.add(svc["id"])
            by_bid[blueprint_id(svc["id"], scenario, d.data.get("variant"))] = d
    scratch: dict[PathKey, str] = {}
    for n, m in enumerate(rd.table(sh, cols, list(range(2, sh.max_row + 1)), ("x",), scratch)):
        bid = m.pop("blueprint", None)
        doc = by_bid.get(str(bid)) or by_bid.get(f"{bid}:as-is")
        if doc is None and str(bid).split(":", 1)[0] in unsure:
            continue
        if doc is None:
            rd.problems.append(
                BpqlError(
                    f"{scratch.get(('x', n, 'blueprint'), scratch[('x', n)])}: unknown "
                    f"blueprint {bid!r}{_hint(bid, by_bid)}; expected a blueprint id "
                    "(claims, claims:to-be, claims:to-be:lean) of a sheet in this workbook",
                    code="BPQL-F217",
                )
            )
            continue
        steps = doc.data.get("_step_names", {})
        if "measures" in m:
            m["measures"] = [_step_ref(steps, x) for x in m["measures"]]
        metrics = doc.data.setdefault("metrics", [])
        base: PathKey = ("metrics", len(metrics))
        metrics.append(m)
        for path, cell in scratch.items():
            if path[:2] == ("x", n):
                doc.cells[base + path[2:]] = cell
        doc.cells.setdefault(("metrics",), sh.ref(1, 1))


def _step_ref(names: dict[str, list[str]], value: str) -> str:
    found = names.get(value, [])
    return found[0] if len(found) == 1 else value


# --- a blueprint sheet ---------------------------------------------------------------------


def _read_blueprint(rd: Reader, sh: Sheet) -> CellDoc:
    from bpql.model.validate import did_you_mean

    doc = CellDoc("blueprint", sh.title, {}, {(): sh.ref(1, 1)})
    header: dict[str, int] = {}
    grid: dict[str, int] = {}
    blocks: dict[str, tuple[int, list[int]]] = {}
    current: str | None = None
    expected = [*HEADER_BY_LABEL, *GRID_BY_LABEL, *L.BLOCKS]
    before = len(rd.problems)
    for r in sorted(sh.rows):
        label = sh.label(r)
        if label in L.BLOCKS:
            current = label
            if label in blocks:
                rd.problems.append(
                    BpqlError(
                        f"{sh.ref(r, 1)}: a second {label!r} table; expected it once",
                        code="BPQL-F218",
                    )
                )
            blocks[label] = (r, [])
            continue
        if current is not None:
            blocks[current][1].append(r)
            continue
        if label is None:
            if any(c > 1 for c in sh.rows[r]):
                rd.problems.append(
                    BpqlError(
                        f"{sh.ref(r, 1)}: a row with values but no title in column A; expected "
                        "one of the grid's rows (Phase, Step id, Customer actions, ...)",
                        code="BPQL-F219",
                    )
                )
            continue
        table = HEADER_BY_LABEL if label in HEADER_BY_LABEL else GRID_BY_LABEL
        if label not in table:
            rd.problems.append(
                BpqlError(
                    f"{sh.ref(r, 1)}: unknown row {label!r}{did_you_mean(label, expected)}; "
                    f"expected one of: {', '.join(expected)}",
                    code="BPQL-F220",
                )
            )
            continue
        seen = header if table is HEADER_BY_LABEL else grid
        if label in seen:
            rd.problems.append(
                BpqlError(
                    f"{sh.ref(r, 1)}: a second {label!r} row (the first is row {seen[label]}); "
                    "expected each row once",
                    code="BPQL-F221",
                )
            )
            continue
        seen[label] = r
    if len(rd.problems) > before:
        return doc  # the sheet's shape is not understood: its values would only mislead
    _read_header(rd, sh, doc, header)
    phases = _read_block(rd, sh, doc, blocks, "Phases", ("phases",))
    evidence = _read_block(rd, sh, doc, blocks, "Evidence", ("evidence",))
    fp_cells: dict[PathKey, str] = {}
    fps = _read_block(rd, sh, doc, blocks, "Fail point details", ("x",), fp_cells)
    if len(rd.problems) == before:
        _read_grid(rd, sh, doc, grid, phases, evidence, fps, fp_cells)
    return doc


def _read_header(rd: Reader, sh: Sheet, doc: CellDoc, header: dict[str, int]) -> None:
    if "Service id" not in header:
        rd.problems.append(
            BpqlError(
                f"{sh.ref(1, 1)}: no 'Service id' row; expected the rows "
                f"{', '.join(HEADER_BY_LABEL)} above the grid",
                code="BPQL-F222",
            )
        )
    service: dict[str, Any] = {}
    for label, r in header.items():
        key = HEADER_BY_LABEL[label]
        cell = sh.ref(r, 2)
        if key.startswith("service."):
            v = rd.value(sh, r, 2, "description" if key.endswith("description") else "id")
            if v is not None:
                service[key[8:]] = v
                doc.cells[("service", key[8:])] = cell
            continue
        if key == "file":
            doc.path = rd.text(sh, r, 2)
            doc.cells[("file",)] = cell
            continue
        if key == "owner":
            v = rd.text(sh, r, 2)
            v = rd.resolve("owners", v) if v else v
        else:
            v = rd.value(sh, r, 2, key)
            if key == "personas":
                v = [rd.resolve("personas", p) for p in v]
        if v is None or v == []:
            continue
        doc.data[key] = {"ignore": v} if key == "lint" else v
        doc.cells[(key,)] = cell
        if isinstance(v, list):
            for j in range(len(v)):
                doc.cells[(key, j)] = cell
        if key == "lint":
            doc.cells[("lint", "ignore")] = cell
    doc.data = {"service": service, **doc.data}
    doc.cells[("service",)] = doc.cells.get(("service", "id"), sh.ref(1, 2))


def _read_block(
    rd: Reader,
    sh: Sheet,
    doc: CellDoc,
    blocks: dict[str, tuple[int, list[int]]],
    title: str,
    base: PathKey,
    cells: dict[PathKey, str] | None = None,
) -> list[dict[str, Any]]:
    if title not in blocks:
        return []
    start, rows = blocks[title]
    rows = [r for r in rows if sh.rows.get(r)]
    if not rows:
        return []
    columns = L.BLOCKS[title]
    cols = rd.columns(sh, rows[0], columns, ("name",))
    target = doc.cells if cells is None else cells
    items = rd.table(sh, cols, rows[1:], base, target)
    target[base] = sh.ref(start, 1)
    if cells is None and items:
        doc.data[str(base[0])] = items
    return items


def _read_grid(
    rd: Reader,
    sh: Sheet,
    doc: CellDoc,
    grid: dict[str, int],
    phases: list[dict[str, Any]],
    evidence: list[dict[str, Any]],
    fps: list[dict[str, Any]],
    fp_cells: dict[PathKey, str],
) -> None:
    lanes = [title for title in L.LANE_BY_ROW if title in grid]
    if not lanes:
        rd.problems.append(
            BpqlError(
                f"{sh.ref(1, 1)}: no lane rows; expected the rows "
                f"{', '.join(L.LANE_BY_ROW)} holding the steps' names",
                code="BPQL-F223",
            )
        )
        return
    rows = {GRID_BY_LABEL[label]: r for label, r in grid.items()}
    columns = sorted({c for r in grid.values() for c in sh.rows.get(r, {}) if c > 1})
    phase_ids = {p.get("id") for p in phases}
    phase_names: defaultdict[str, list[str]] = defaultdict(list)
    for p in phases:
        if isinstance(p.get("name"), str) and p.get("id"):
            phase_names[p["name"]].append(p["id"])
    known_phases = [*(str(i) for i in phase_ids if i), *phase_names]
    ev_ids = {e.get("id") for e in evidence}
    ev_names: defaultdict[str, list[str]] = defaultdict(list)
    for e in evidence:
        if isinstance(e.get("name"), str) and e.get("id"):
            ev_names[e["name"]].append(e["id"])
    fp_by_id: dict[str, int] = {}
    for n, fp in enumerate(fps):
        if isinstance(fp.get("id"), str):
            fp_by_id.setdefault(fp["id"], n)
    used_fps: set[int] = set()
    steps: list[dict[str, Any]] = []
    names: defaultdict[str, list[str]] = defaultdict(list)
    pending: list[tuple[int, str, int]] = []  # (step, field, column): step refs, by name
    phase: str | None = None
    taken: set[str] = set()

    def claimed(col: int) -> None:
        """A column refused still holds its fail points: they are not "under no step"."""
        r = rows.get("fail_points")
        if r is not None and (r, col) in sh.values:
            for fid in rd.items(sh, r, col, "fail_points"):
                if fid in fp_by_id:
                    used_fps.add(fp_by_id[fid])

    for col in columns:
        named = [
            (lane, name)
            for lane in lanes
            if (grid[lane], col) in sh.values and (name := rd.text(sh, grid[lane], col))
        ]
        if len(named) > 1:
            rd.problems.append(
                BpqlError(
                    f"{sh.ref(grid[named[1][0]], col)}: a second step name in column "
                    f"{column_letter(col)} ({named[0][0]} has "
                    f"{named[0][1]!r}); expected one name per column, in one lane row",
                    code="BPQL-F224",
                )
            )
            claimed(col)
            continue
        if not named:
            rd.problems.append(
                BpqlError(
                    f"{sh.ref(grid[lanes[0]], col)}: a step with no name: column "
                    f"{column_letter(col)} has values but no name in any lane "
                    f"row; expected its name in one of: {', '.join(lanes)}",
                    code="BPQL-F225",
                )
            )
            claimed(col)
            continue
        lane_title, name = named[0]
        i = len(steps)
        at: PathKey = ("steps", i)
        name_cell = sh.ref(grid[lane_title], col)
        doc.cells[at] = doc.cells[pk(*at, "name")] = doc.cells[pk(*at, "lane")] = name_cell
        step: dict[str, Any] = {}
        id_row = rows.get("id")
        sid = rd.text(sh, id_row, col) if id_row else None
        if sid is None or id_row is None:
            made = slug(str(name))
            sid, n = made, 1
            while sid in taken:
                n += 1
                sid = f"{made}-{n}"
            doc.cells[pk(*at, "id")] = name_cell
        else:
            doc.cells[pk(*at, "id")] = sh.ref(id_row, col)
        taken.add(sid)
        step["id"] = sid
        step["name"] = name
        step["lane"] = L.LANE_BY_ROW[lane_title]
        names[str(name)].append(sid)
        # the phase: by id or name; an empty cell continues the phase to its left
        prow = rows.get("phase")
        ptext = rd.text(sh, prow, col) if prow else None
        if ptext is not None and prow is not None:
            found = phase_names.get(ptext, [])
            if ptext not in phase_ids and len(found) != 1:
                rd.problems.append(
                    BpqlError(
                        f"{sh.ref(prow, col)}: "
                        + (
                            f"{len(found)} phases are named {ptext!r}; write the id of one"
                            if found
                            else f"unknown phase {ptext!r}{_hint(ptext, known_phases)}; "
                            "expected a phase's name or id from the Phases table"
                        ),
                        code="BPQL-F234",
                    )
                )
            phase = found[0] if ptext not in phase_ids and len(found) == 1 else ptext
            doc.cells[pk(*at, "phase")] = sh.ref(prow, col)
        elif phase is None:
            rd.problems.append(
                BpqlError(
                    f"{sh.ref(prow or grid[lane_title], col)}: no phase for the first step "
                    f"{name!r}; expected a phase's name or id from the Phases table",
                    code="BPQL-F226",
                )
            )
        else:
            doc.cells[pk(*at, "phase")] = sh.ref(prow or grid[lane_title], col)
        if phase is not None:
            step["phase"] = phase
        for key in (
            "description",
            "touchpoint",
            "performed_by",
            "uses",
            "supports",
            "shows",
            "fail_points",
            "target_time",
            "max_wait",
            "script",
            "moment_of_truth",
            "lint",
        ):
            r = rows.get(key)
            if r is None or (r, col) not in sh.values:
                continue
            cell = sh.ref(r, col)
            if key == "touchpoint":
                found_tp = rd.items(sh, r, col, "touchpoint")
                if len(found_tp) > 1:
                    rd.problems.append(
                        BpqlError(
                            f"{cell}: {len(found_tp)} touchpoints ({'; '.join(found_tp)}); "
                            "expected one touchpoint per step (make a step for each)",
                            code="BPQL-F227",
                        )
                    )
                    continue
                v: Any = found_tp[0] if found_tp else None
            elif key == "shows":
                v = [
                    x if x in ev_ids or len(ev_names.get(x, [])) != 1 else ev_names[x][0]
                    for x in rd.items(sh, r, col, key)
                ]
            elif key == "fail_points":
                v = []
                for fid in rd.items(sh, r, col, key):
                    found_n = fp_by_id.get(fid)
                    if found_n is None:
                        rd.problems.append(
                            BpqlError(
                                f"{cell}: fail point {fid!r} is not in the 'Fail point "
                                f"details' table{_hint(fid, fp_by_id)}; expected a row for "
                                "it there (its name and ratings)",
                                code="BPQL-F228",
                            )
                        )
                        continue
                    if found_n in used_fps:
                        rd.problems.append(
                            BpqlError(
                                f"{cell}: fail point {fid!r} is listed for a second step; "
                                "expected each fail point under one step",
                                code="BPQL-F229",
                            )
                        )
                        continue
                    used_fps.add(found_n)
                    j = len(v)
                    v.append(_fail_point(fps[found_n]))
                    for path, fcell in fp_cells.items():
                        if path[:2] == ("x", found_n):
                            doc.cells[pk(*at, "fail_points", j, *path[2:])] = fcell
                    _fail_point_cells(doc.cells, (*at, "fail_points", j))
                    if ("x", found_n, "effect") in fp_cells or ("x", found_n, "cause") in fp_cells:
                        pending.append((i, f"fail_points.{j}", col))
                doc.cells[pk(*at, "fail_points")] = cell
            else:
                v = rd.value(sh, r, col, key)
            if v is None or v == [] or (key == "moment_of_truth" and v is False):
                continue
            if key == "lint":
                v = {"ignore": v}
                doc.cells[pk(*at, "lint", "ignore")] = cell
            step[key] = v
            if key != "fail_points":
                doc.cells[pk(*at, key)] = cell
                if isinstance(v, list):
                    for j in range(len(v)):
                        doc.cells[pk(*at, key, j)] = cell
            if key == "supports":
                pending.append((i, key, col))
        steps.append(step)
    for n, fp in enumerate(fps):
        if n not in used_fps and fp.get("id") is not None:
            rd.problems.append(
                BpqlError(
                    f"{fp_cells.get(('x', n, 'id'), fp_cells[('x', n)])}: fail point "
                    f"{fp.get('id')!r} is under no step; expected its id in one step's "
                    "'Fail points' cell",
                    code="BPQL-F230",
                )
            )
    # steps named by name in Supports and in a fail point's effect and cause
    for i, key, _ in pending:
        step = steps[i]
        if key == "supports":
            step["supports"] = [_step_ref(names, x) for x in step["supports"]]
        else:
            fp = step["fail_points"][int(key.split(".")[1])]
            for k in ("effect", "cause"):
                if isinstance(fp.get(k), str):
                    fp[k] = _step_ref(names, fp[k])
    doc.data["steps"] = steps
    doc.data["_step_names"] = names
    if "Step id" in grid:
        doc.cells[("steps",)] = sh.ref(grid["Step id"], 1)
    else:
        doc.cells[("steps",)] = sh.ref(grid[lanes[0]], 1)
