"""Files read from a workbook, checked and written into an enterprise folder, all or nothing.

The workbook's files are checked by the validator itself (`check_doc`, `check_parsed`),
together with the folder's other files, before anything is written; each problem names the
sheet!cell its value came from, as the file's line:col would. Then every file that changes is
written to a folder beside the target, that folder is validated as `bpql validate` would, and
the files are moved into place (a failure puts the old ones back). A file the workbook leaves
as it is keeps its bytes; a file it changes keeps its comments and field order
(`yamlout.dump_changed`).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from bpql.errors import BlueprintError, BpqlError
from bpql.ids import blueprint_id
from bpql.interchange.sheets import Book, CellDoc
from bpql.interchange.source import blueprint_file_name
from bpql.model.files import YAML_SUFFIXES
from bpql.model.yamlpos import SourceDoc


@dataclass
class ImportReport:
    """What an import wrote (or, with `dry_run`, would write), by path in the folder."""

    folder: Path
    enterprise: str
    written: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "enterprise": self.enterprise,
            "dry_run": self.dry_run,
            "written": self.written,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "kept": self.kept,
            "ignored_sheets": self.ignored_sheets,
        }


@dataclass
class _Existing:
    """A file already in the folder: its text and what it reads as (None when it does not)."""

    path: str
    text: str
    parsed: Any = None
    problems: list[BpqlError] = field(default_factory=list)


def _existing(into: Path) -> dict[str, _Existing]:
    from bpql.model.files import collect_files, read_regular
    from bpql.model.validate import check_doc
    from bpql.model.yamlpos import read_yaml_fast

    if not into.is_dir():
        return {}
    try:
        files = collect_files([into])
    except BpqlError as exc:
        if exc.code == "BPQL-F001":  # an empty folder
            return {}
        raise
    out: dict[str, _Existing] = {}
    for f in files:
        rel = Path(os.path.relpath(f, into)).as_posix()
        try:
            text = read_regular(f).decode("utf-8")
        except Exception:  # unreadable, or not UTF-8: its problems come from the parse below
            text = ""
        ex = _Existing(rel, text)
        try:
            ex.parsed = check_doc(read_yaml_fast(f))
        except BlueprintError as exc:
            ex.problems = list(exc.problems)
        except BpqlError as exc:
            ex.problems = [exc]
        out[rel] = ex
    return out


def _safe_path(doc: CellDoc, problems: list[BpqlError]) -> str | None:
    """The file a sheet names, if it is a relative path to a .yaml file inside the folder."""
    if doc.path is None:
        return None
    p = PurePosixPath(doc.path.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or not p.name.endswith(YAML_SUFFIXES) or not p.parts:
        problems.append(
            BpqlError(
                f"{doc.cells.get(('file',), doc.sheet)}: file {doc.path!r}; expected a path "
                "inside the enterprise folder ending in .yaml, as services/claims.yaml",
                code="BPQL-F231",
            )
        )
        return None
    return p.as_posix()


@dataclass
class _Doc:
    """A workbook file placed in the folder, with its synthetic positions' cells."""

    cell: CellDoc
    path: str
    source: SourceDoc
    cells: list[str]


def _source(cell: CellDoc, display: str) -> tuple[SourceDoc, list[str]]:
    """The workbook file as the validator reads a file: each path's "line" is the number of
    the cell it came from, so a problem's position gives its sheet!cell back."""
    doc = SourceDoc(display, cell.data)
    lines: list[str] = []
    for path, where in cell.cells.items():
        lines.append(where)
        doc.positions[path] = (len(lines), 1)
        doc.key_positions[path] = (len(lines), 1)
    return doc, lines


_PATH = re.compile(r"^[A-Za-z_][\w-]*(?:\[\d+\]|\.[A-Za-z_][\w-]*)*: ")
_LINE = re.compile(r"\bline (\d+)\b")


def _cell_of(cells: list[str], m: re.Match[str]) -> str:
    """`line 12` of a workbook file as the cell it came from."""
    n = int(m.group(1))
    return cells[n - 1] if 0 < n <= len(cells) else m.group(0)


def _in_cells(problems: list[BpqlError], docs: dict[str, _Doc]) -> list[BpqlError]:
    """Problems in workbook files said at their sheet!cell (their file's path in the
    message is the YAML's, which a sheet does not show)."""
    for p in problems:
        d = docs.get(str(p.span.file)) if p.span is not None else None
        if d is None or p.span is None:
            continue
        cell = d.cells[p.span.line - 1] if 0 < p.span.line <= len(d.cells) else d.cell.sheet
        msg = _PATH.sub("", p.message, count=1)
        msg = _LINE.sub(functools.partial(_cell_of, d.cells), msg)
        p.message = f"{cell}: {msg}"
        p.span = None
    from bpql.interchange.sheets import unique

    return unique(problems)


def write_enterprise(book: Book, into: Path, *, dry_run: bool = False) -> ImportReport:
    """Check the workbook's files with the folder's others, then write what changed."""
    from bpql.interchange.yamlout import dump_changed, dump_new
    from bpql.model.validate import check_doc, check_parsed, paused_gc

    if into.exists() and not into.is_dir():
        raise BpqlError(
            f"{into}: not a folder; expected the enterprise folder to write into", code="BPQL-C205"
        )
    existing = _existing(into)
    problems: list[BpqlError] = []
    by_bid: dict[str, str] = {}
    ent_path: str | None = None
    for rel, ex in existing.items():
        model = ex.parsed.model if ex.parsed is not None else None
        if model is None:
            continue
        if hasattr(model, "enterprise"):
            ent_path = ent_path or rel
        else:
            by_bid[blueprint_id(model.service.id, model.scenario, model.variant)] = rel
    placed: list[tuple[CellDoc, str]] = []
    if book.enterprise is not None:
        path = _safe_path(book.enterprise, problems) or ent_path or "enterprise.yaml"
        placed.append((book.enterprise, path))
    for cd in book.blueprints:
        cd.data.pop("_step_names", None)
        key = (
            str(cd.data.get("service", {}).get("id")),
            str(cd.data.get("scenario", "as-is")),
            cd.data.get("variant"),
        )
        found = _safe_path(cd, problems) or by_bid.get(blueprint_id(*key))
        placed.append((cd, found or blueprint_file_name(*key)))
    seen: dict[str, CellDoc] = {}
    for cd, path in placed:
        if path in seen:
            problems.append(
                BpqlError(
                    f"{cd.cells.get(('file',), cd.cells[()])}: file {path!r} is also "
                    f"{seen[path].sheet!r}'s; expected a file of its own for each sheet",
                    code="BPQL-F232",
                )
            )
        seen[path] = cd
    if problems:
        raise BlueprintError(problems)
    docs: dict[str, _Doc] = {}
    for cd, path in placed:
        display = str(into / path)
        source, cells = _source(cd, display)
        docs[display] = _Doc(cd, path, source, cells)
    parsed = []
    with paused_gc():
        for d in docs.values():
            try:
                parsed.append(check_doc(d.source))
            except BlueprintError as exc:
                problems.extend(_in_cells(list(exc.problems), docs))
        others = [ex for rel, ex in existing.items() if rel not in seen]
        for ex in others:
            if ex.parsed is not None:
                parsed.append(ex.parsed)
            else:
                problems.extend(ex.problems)
        if problems:
            raise BlueprintError(problems)
        files = [Path(p.doc.file) for p in parsed]
        try:
            ent = check_parsed(files, parsed, figures=False)
        except BlueprintError as exc:
            raise BlueprintError(_in_cells(list(exc.problems), docs)) from None
    report = ImportReport(into, ent.name, dry_run=dry_run, ignored_sheets=list(book.ignored))
    report.kept = sorted(ex.path for ex in others)
    texts: dict[str, str] = {}
    for d, p in zip(docs.values(), parsed, strict=False):  # the workbook's files come first
        model = p.model
        old = existing.get(d.path)
        if old is not None and old.parsed is not None and type(old.parsed.model) is type(model):
            if old.parsed.model == model:
                report.unchanged.append(d.path)
                continue
            texts[d.path] = dump_changed(old.text, old.parsed.model, model)
            report.changed.append(d.path)
        else:
            texts[d.path] = dump_new(model)
            (report.changed if old is not None else report.written).append(d.path)
    for lst in (report.written, report.changed, report.unchanged):
        lst.sort()
    if dry_run or not texts:
        return report
    _write_all(into, texts, existing, ent.files)
    return report


def _write_all(
    into: Path, texts: dict[str, str], existing: dict[str, _Existing], files: list[str]
) -> None:
    """Write the files into a folder beside `into`, validate it as `bpql validate` would,
    then move each file into place; any failure puts back what was there."""
    from bpql.model.validate import validate_paths

    parent = into.parent if into.parent != Path("") else Path(".")
    if not parent.is_dir():
        raise BpqlError(
            f"{into}: no folder {str(parent)!r} to write the enterprise into", code="BPQL-C206"
        )
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{into.name}.bpql-import-", dir=parent))
    except OSError as exc:
        raise BpqlError(f"{into}: cannot write here: {exc.strerror}", code="BPQL-C207") from None
    try:
        new = stage / "new"
        for rel in existing:
            if rel not in texts:
                (new / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(into / rel, new / rel)
        for rel, text in texts.items():
            (new / rel).parent.mkdir(parents=True, exist_ok=True)
            (new / rel).write_text(text, encoding="utf-8")
        _copy_tables(into, new, texts)
        try:
            validate_paths([new])
        except BpqlError as exc:
            raise BpqlError(
                f"the files written from the workbook do not validate (a bug in bpql; nothing "
                f"was written to {into}): {exc}",
                code="BPQL-F233",
            ) from None
        into.mkdir(parents=True, exist_ok=True)
        root = into.resolve()
        for rel in texts:
            # a folder in the way that is a link out of the enterprise folder: refuse it
            # before anything is moved, as reading refuses such links
            parent = (into / rel).parent
            real = parent.resolve() if parent.exists() else None
            if real is not None and not real.is_relative_to(root):
                raise BpqlError(
                    f"{parent}: a link to {str(real)!r}, outside {str(into)!r}; the files of "
                    "an enterprise folder are written inside it",
                    code="BPQL-C216",
                )
        moved: list[tuple[Path, Path | None]] = []
        try:
            for rel in sorted(texts):
                target = into / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                backup = None
                if target.exists():
                    backup = stage / "old" / rel
                    backup.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(target, backup)
                moved.append((target, backup))
                os.replace(new / rel, target)
        except OSError as exc:
            for target, backup in reversed(moved):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
            raise BpqlError(
                f"{into}: cannot write {exc.filename or ''}: {exc.strerror}; nothing was changed",
                code="BPQL-C208",
            ) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _copy_tables(into: Path, new: Path, texts: dict[str, str]) -> None:
    """An enterprise's own action priority table (a CSV beside its file) goes with it into
    the folder that is validated."""
    for path in into.rglob("*.csv") if into.is_dir() else []:
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(into)
            (new / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, new / rel)
