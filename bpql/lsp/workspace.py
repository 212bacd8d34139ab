"""The language server's model of the workspace, with no protocol in it: every enterprise
folder found, every file of it parsed and kept, diagnostics per file, and the answers to
completion, hover, definition, references and rename, for blueprint files and `.bpql` queries.

Incremental: a file is parsed again only when its text changes (by content hash). A change to
a blueprint file is checked at once on its own (its references against the enterprise's shared
things, its lint rules with the other blueprints of its service) and its diagnostics published;
the whole enterprise is then checked again in the background (`full_check`: the cross-file
checks and every lint rule, as `bpql lint`), which also refreshes what other files show (an
unused role in the enterprise file). A change to the enterprise file can move anything, so it
is checked whole. Positions here are 0-based lines and 0-based columns in code points; the
server converts them to the client's encoding.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from bpql.analysis.fmea import ActionPriorityTable, default_table
from bpql.errors import BlueprintError, BpqlError, QueryError
from bpql.graphdata import GraphData
from bpql.lint.config import Config as LintConfig
from bpql.lint.config import load as load_lint_config
from bpql.lint.registry import Blueprint as LintBlueprint
from bpql.lint.registry import Enterprise as LintEnterprise
from bpql.lint.run import check_ignores, enterprise_of, lint_enterprise
from bpql.lsp.symbols import Occurrence, names, occurrences
from bpql.model.files import MAX_FILE_BYTES, FileRefused, read_regular
from bpql.model.format import ID_PATTERN, BlueprintFile, EnterpriseFile
from bpql.model.validate import (
    Parsed,
    _ap_table,
    _check_blueprint,
    _Checker,
    blueprint_key,
    check_doc,
    check_parsed,
    paused_gc,
    shared_ids,
)
from bpql.model.yamlpos import read_yaml_fast
from bpql.words import counted

_ENTERPRISE = re.compile(rb"^enterprise\s*:", re.M)
_DID_YOU_MEAN = re.compile(r"""\(did you mean ['"]([^'"]+)['"]\?\)""")
_TOKEN = re.compile(r"""[^\s,\[\]{}#'"]+""")
#: folders never searched for enterprises
SKIP = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".bpql"}


@dataclass(frozen=True)
class Diag:
    """A diagnostic: 0-based start and end (line, column in code points)."""

    line: int
    column: int
    end_line: int
    end_column: int
    severity: str
    code: str
    message: str
    source: str
    #: a did-you-mean's replacement, for the quick fix
    replacement: str | None = None


@dataclass
class FileState:
    path: Path
    text: str
    digest: str
    parsed: Parsed | None = None
    problems: list[BpqlError] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    #: key -> fields of what it declares (hover)
    declared: dict[str, dict[str, Any]] = field(default_factory=dict)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def is_enterprise(self) -> bool:
        return self.parsed is not None and isinstance(self.parsed.model, EnterpriseFile)


@dataclass
class EnterpriseState:
    root: Path
    files: dict[Path, FileState] = field(default_factory=dict)
    #: diagnostics as last published, by file
    diagnostics: dict[Path, list[Diag]] = field(default_factory=dict)
    #: the last graph that validated whole (for `.bpql` files)
    graph: GraphData | None = None
    ap_table: ActionPriorityTable | None = None
    config: LintConfig | None = None
    #: key -> file -> occurrences (declarations and references)
    index: defaultdict[str, dict[Path, list[Occurrence]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    #: key -> file -> where it is declared there
    decls: defaultdict[str, dict[Path, Occurrence]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    #: label -> keys declared with it (some perhaps no longer: check `decls`)
    labels: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: bumped by every change: a background check of an older version is dropped
    version: int = 0

    @property
    def enterprise_file(self) -> FileState | None:
        return next((f for f in self.files.values() if f.is_enterprise), None)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class _Reader:
    """Files are parsed by the project's own reader, which reads a path: an open buffer's text
    is written to a private temporary file first (a few KB), and named as the real file."""

    def __init__(self) -> None:
        # removed by close(), or when the reader is collected or the process exits (a
        # workspace nobody closed left its folder behind)
        self._tmp = tempfile.TemporaryDirectory(prefix="bpql-lsp-")
        self.folder = Path(self._tmp.name)
        self.lock = threading.Lock()

    def parse(self, path: Path, text: str) -> Parsed:
        with self.lock:
            tmp = self.folder / ("buffer" + path.suffix)
            tmp.write_text(text, encoding="utf-8", errors="surrogatepass")
            return check_doc(read_yaml_fast(tmp, str(path)))

    def close(self) -> None:
        self._tmp.cleanup()


class Workspace:
    """Every enterprise under the workspace's folders, parsed and checked."""

    def __init__(self, roots: Iterable[Path], today: date | None = None) -> None:
        self.roots = [Path(os.path.abspath(r)) for r in roots]
        self.today = today or date.today()
        self.enterprises: dict[Path, EnterpriseState] = {}
        self.reader = _Reader()
        self.lock = threading.RLock()

    # --- finding and reading ------------------------------------------------------------------

    def scan(self) -> None:
        """Find every enterprise folder (one holding a file with `enterprise:` at the top) and
        read all of its YAML files."""
        for root in self.roots:
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.startswith("."))
                for name in sorted(files):
                    if not name.endswith((".yaml", ".yml")):
                        continue
                    path = Path(folder) / name
                    try:
                        raw = read_regular(path)
                    except FileRefused:
                        continue
                    if _ENTERPRISE.search(raw):
                        self.enterprises.setdefault(Path(folder), EnterpriseState(Path(folder)))
        for ent in self.enterprises.values():
            self._read_all(ent)

    def _read_all(self, ent: EnterpriseState) -> None:
        with paused_gc():
            for folder, dirs, files in os.walk(ent.root):
                dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.startswith("."))
                for name in sorted(files):
                    if name.endswith((".yaml", ".yml")):
                        path = Path(folder) / name
                        if self.enterprise_of(path) is not ent:
                            continue
                        try:
                            raw = read_regular(path, MAX_FILE_BYTES)
                        except FileRefused:
                            continue
                        self._set(ent, path, raw.decode("utf-8", "replace"))

    def enterprise_of(self, path: Path) -> EnterpriseState | None:
        """The enterprise whose folder holds `path` (the deepest one)."""
        path = Path(os.path.abspath(path))
        best = None
        for root, ent in self.enterprises.items():
            if (path == root or root in path.parents) and (
                best is None or len(root.parts) > len(best.root.parts)
            ):
                best = ent
        if best is None and path.suffix == ".bpql" and len(self.enterprises) == 1:
            return next(iter(self.enterprises.values()))
        return best

    def _set(self, ent: EnterpriseState, path: Path, text: str) -> FileState:
        """Parse a file's text (unless unchanged) and re-index what it declares and names."""
        old = ent.files.get(path)
        digest = _digest(text)
        if old is not None and old.digest == digest:
            return old
        state = FileState(path, text, digest)
        try:
            state.parsed = self.reader.parse(path, text)
        except BlueprintError as exc:
            state.problems = list(exc.problems)
        except BpqlError as exc:
            state.problems = [exc]
        ent.files[path] = state
        ent.version += 1
        self._reindex(ent, path, old, state)
        return state

    def _roles(self, ent: EnterpriseState) -> set[str]:
        e = ent.enterprise_file
        if e is None or e.parsed is None:
            return set()
        assert isinstance(e.parsed.model, EnterpriseFile)
        return {r.id for r in e.parsed.model.roles}

    def _reindex(
        self, ent: EnterpriseState, path: Path, old: FileState | None, new: FileState
    ) -> None:
        if old is not None:
            for o in old.occurrences:
                ent.index[o.key].pop(path, None)
                if o.declaration:
                    ent.decls[o.key].pop(path, None)
        if new.parsed is not None:
            new.occurrences = occurrences(new.parsed.doc, new.text, self._roles(ent))
            new.declared = dict(names(new.parsed.doc))
        for o in new.occurrences:
            ent.index[o.key].setdefault(path, []).append(o)
            if o.declaration:
                ent.labels[o.label].add(o.key)
                ent.decls[o.key].setdefault(path, o)

    # --- diagnostics ----------------------------------------------------------------------------

    def open_or_change(
        self, path: Path, text: str
    ) -> tuple[EnterpriseState | None, dict[Path, list[Diag]]]:
        """A file's new text: parsed, checked (on its own when it is a blueprint file, whole
        when it is the enterprise file), and the diagnostics that changed."""
        path = Path(os.path.abspath(path))
        with self.lock:
            ent = self.enterprise_of(path)
            if ent is None:
                return None, {}
            before = ent.files.get(path)
            state = self._set(ent, path, text)
            if state.is_enterprise or (before is not None and before.is_enterprise):
                for f in ent.files.values():  # an owner may have turned from role to department
                    self._reindex(ent, f.path, f, f)
                found = self._check_all(ent) or {}
            else:
                found = {path: self._check_one(ent, state)}
            out = self._publish(ent, found)
            # the changed file always: an editor shows its ranges anew after an edit
            out[path] = ent.diagnostics[path] = found.get(path, [])
            return ent, out

    def _publish(
        self, ent: EnterpriseState, found: dict[Path, list[Diag]]
    ) -> dict[Path, list[Diag]]:
        changed = {}
        for path, diags in found.items():
            if ent.diagnostics.get(path) != diags:
                ent.diagnostics[path] = diags
                changed[path] = diags
        return changed

    def full_check(
        self, ent: EnterpriseState, cancelled: Callable[[], bool] | None = None
    ) -> dict[Path, list[Diag]] | None:
        """The whole enterprise checked as `bpql lint` does; the diagnostics that changed.

        Runs on a snapshot of the files without holding the workspace, so edits go on
        meanwhile; a check overtaken by an edit stops at its next step (between lint rules)
        and gives None: the edit schedules the next one."""
        with self.lock:
            version = ent.version
            files = dict(ent.files)

        def stale() -> bool:
            return ent.version != version or (cancelled is not None and cancelled())

        found = self._check_all(ent, files, stale)
        with self.lock:
            if found is None or ent.version != version:
                return None
            return self._publish(ent, found)

    def _shared(self, ent: EnterpriseState) -> dict[str, set[str]] | None:
        e = ent.enterprise_file
        if e is None or e.parsed is None:
            return None
        assert isinstance(e.parsed.model, EnterpriseFile)
        return shared_ids(e.parsed.model)

    def _check_one(self, ent: EnterpriseState, f: FileState) -> list[Diag]:
        """One blueprint file against the enterprise's shared things, and its lint findings
        (with the other blueprints of its service, which some rules compare it with)."""
        if f.parsed is None:
            return [self._diag(f, p, "bpql validate") for p in f.problems]
        shared = self._shared(ent)
        e = ent.enterprise_file
        if (
            shared is None
            or e is None
            or e.parsed is None
            or not isinstance(f.parsed.model, BlueprintFile)
        ):
            return []
        ck = _Checker(ent.ap_table or default_table())
        with paused_gc():
            _check_blueprint(ck, f.parsed.doc, f.parsed.model, shared)
        bid, _ = blueprint_key(f.parsed.model)
        for other in ent.files.values():
            if (
                other is f
                or other.parsed is None
                or not isinstance(other.parsed.model, BlueprintFile)
            ):
                continue
            if blueprint_key(other.parsed.model)[0] == bid:
                ck.fail(
                    f"service.id: a second {f.parsed.model.scenario} blueprint of service "
                    f"'{f.parsed.model.service.id}' (the first is in {other.path})",
                    f.parsed.doc.span(("service", "id")),
                )
        out = [self._diag(f, p, "bpql validate") for p in ck.problems]
        if ck.problems:
            return sorted(out, key=lambda d: (d.line, d.column, d.code))
        assert isinstance(e.parsed.model, EnterpriseFile)
        service = f.parsed.model.service.id
        same = [
            o.parsed
            for o in ent.files.values()
            if o is f
            or (
                o.parsed is not None
                and isinstance(o.parsed.model, BlueprintFile)
                and o.parsed.model.service.id == service
                and not any(d.source == "bpql validate" for d in ent.diagnostics.get(o.path, []))
            )
        ]
        try:
            check_ignores([f.parsed])
        except BlueprintError as exc:
            return out + [self._diag(f, p, "bpql lint") for p in exc.problems]
        lint_ent = LintEnterprise(
            e.parsed.doc,
            e.parsed.model,
            [
                LintBlueprint.of(p.doc, p.model)
                for p in same
                if p is not None and isinstance(p.model, BlueprintFile)
            ],
            self.today,
            None,
        )
        config = ent.config or load_lint_config(None, ent.root)
        for finding in lint_enterprise(lint_ent, config):
            if finding.span.file == str(f.path):
                out.append(self._lint_diag(f, finding))
        return sorted(out, key=lambda d: (d.line, d.column, d.code))

    def _check_all(
        self,
        ent: EnterpriseState,
        files: dict[Path, FileState] | None = None,
        stale: Callable[[], bool] = lambda: False,
    ) -> dict[Path, list[Diag]] | None:
        """Validation and every lint rule over `files` (default all); None when `stale`
        says the check was overtaken by an edit."""
        files = ent.files if files is None else files
        config = ent.config = load_lint_config(None, ent.root)
        out: dict[Path, list[Diag]] = {p: [] for p in files}
        for f in files.values():
            out[f.path] = [self._diag(f, p, "bpql validate") for p in f.problems]
        good = {f.path: f for f in files.values() if f.parsed is not None}
        e = next((f for f in files.values() if f.is_enterprise), None)
        if e is None or e.parsed is None:
            return out
        assert isinstance(e.parsed.model, EnterpriseFile)
        try:
            ent.ap_table = _ap_table(e.parsed.doc, e.parsed.model)
        except BlueprintError as exc:
            out[e.path] += [self._diag(e, p, "bpql validate") for p in exc.problems]
            ent.ap_table = default_table()
        paths = sorted(good)
        parsed = [good[p].parsed for p in paths]
        bad: set[Path] = set()
        graph = None
        with paused_gc():
            try:
                graph = check_parsed(
                    paths, [p for p in parsed if p is not None], figures=False
                ).graph
            except BlueprintError as exc:
                for p in exc.problems:
                    where = Path(p.span.file) if p.span and p.span.file else e.path
                    if where in good:
                        out[where].append(self._diag(good[where], p, "bpql validate"))
                        bad.add(where)
            if graph is not None:
                ent.graph = graph
            if e.path in bad:
                return out
            lintable = [good[p].parsed for p in paths if p not in bad]
            try:
                check_ignores([p for p in lintable if p is not None])
            except BlueprintError as exc:
                for p in exc.problems:
                    where = Path(p.span.file) if p.span and p.span.file else e.path
                    out[where].append(self._diag(good[where], p, "bpql lint"))
                    bad.add(where)
                lintable = [good[p].parsed for p in paths if p not in bad]
            if stale():
                return None
            lint_ent = enterprise_of([p for p in lintable if p is not None], self.today, graph)
            findings = []
            # `lint_enterprise` a rule at a time, so that an edit stops a check it overtook
            for rule in config.enabled():
                if stale():
                    return None
                findings += lint_enterprise(lint_ent, _only(config, rule))
            for finding in findings:
                where = Path(finding.span.file or "")
                if where == e.path and bad:
                    continue  # an unused role may be used in a file that does not validate
                if where in good:
                    out[where].append(self._lint_diag(good[where], finding))
        for diags in out.values():
            diags.sort(key=lambda d: (d.line, d.column, d.code))
        return out

    def _range(self, f: FileState, line: int, column: int) -> tuple[int, int, int, int]:
        """The token at a 1-based position: a quoted value, or a run of non-separators."""
        lines = f.lines
        row = max(0, min(line - 1, len(lines) - 1))
        text = lines[row] if lines else ""
        col = max(0, min(column - 1, len(text)))
        if text[col : col + 1] in ("'", '"'):
            end = text.find(text[col], col + 1)
            return row, col, row, (end + 1 if end > col else len(text))
        m = _TOKEN.match(text, col)
        return row, col, row, (m.end() if m else min(col + 1, len(text)))

    def _diag(self, f: FileState, p: BpqlError, source: str) -> Diag:
        span = p.span
        line, column = (span.line, span.column) if span else (1, 1)
        r = self._range(f, line, column)
        fix = _DID_YOU_MEAN.search(p.message)
        return Diag(*r, "error", p.code, p.message, source, fix.group(1) if fix else None)

    def _lint_diag(self, f: FileState, finding: Any) -> Diag:
        r = self._range(f, finding.span.line, finding.span.column)
        return Diag(
            *r,
            "error" if finding.severity == "error" else "warning",
            finding.rule,
            finding.message,
            "bpql lint",
        )

    # --- navigation -----------------------------------------------------------------------------

    def at(self, path: Path, line: int, column: int) -> tuple[EnterpriseState, Occurrence] | None:
        """The declaration or reference under a 0-based position."""
        path = Path(os.path.abspath(path))
        ent = self.enterprise_of(path)
        f = ent.files.get(path) if ent else None
        if ent is None or f is None:
            return None
        for o in f.occurrences:
            if o.line - 1 == line and o.column - 1 <= column <= o.column - 1 + o.length:
                return ent, o
        return None

    def everywhere(self, ent: EnterpriseState, key: str) -> list[Occurrence]:
        return [o for path in sorted(ent.index.get(key, {})) for o in ent.index[key][path]]

    def definition(self, path: Path, line: int, column: int) -> list[Occurrence]:
        found = self.at(path, line, column)
        if found is None:
            return []
        ent, o = found
        return [x for x in self.everywhere(ent, o.key) if x.declaration]

    def references(
        self, path: Path, line: int, column: int, declaration: bool = True
    ) -> list[Occurrence]:
        found = self.at(path, line, column)
        if found is None:
            return []
        ent, o = found
        return [x for x in self.everywhere(ent, o.key) if declaration or not x.declaration]

    def rename(
        self, path: Path, line: int, column: int, new: str
    ) -> dict[Path, list[tuple[int, int, int, str]]]:
        """Every occurrence of the id under the cursor, across the enterprise's files, as
        (line, start, end, new text); an id of a blueprint's own thing keeps to its prefix."""
        found = self.at(path, line, column)
        if found is None:
            raise BpqlError("nothing to rename here: put the cursor on an id", code="BPQL-C331")
        ent, o = found
        if not re.match(ID_PATTERN, new) or len(new) > 80:
            raise BpqlError(
                f"{new!r} is not an id: lowercase letters, digits, '-' or '_', starting with a "
                "letter or digit",
                code="BPQL-C332",
            )
        old_local = (
            o.id.rsplit(".", 1)[-1]
            if o.label not in ("Department", "Role", "System", "Touchpoint", "Persona", "Service")
            else o.id
        )
        edits: dict[Path, list[tuple[int, int, int, str]]] = defaultdict(list)
        for x in self.everywhere(ent, o.key):
            f = ent.files[Path(x.file)]
            written = f.lines[x.line - 1][x.column - 1 : x.column - 1 + x.length]
            # `claims.submit` named from a system's fail point keeps its service part
            text = written[: -len(old_local)] + new if written.endswith(old_local) else new
            edits[Path(x.file)].append((x.line - 1, x.column - 1, x.column - 1 + x.length, text))
        return dict(edits)

    def hover(self, path: Path, line: int, column: int) -> str | None:
        found = self.at(path, line, column)
        if found is None:
            return None
        ent, o = found
        decls = [x for x in self.everywhere(ent, o.key) if x.declaration]
        fields: dict[str, Any] = {}
        for d in decls:
            fields = ent.files[Path(d.file)].declared.get(o.key, {}) or fields
        name = fields.get("name")
        head = f"**{o.label}** `{o.id}`" + (f": {name}" if name else "")
        facts = [
            f"{k.replace('_', ' ')}: {_shown(v)}"
            for k, v in fields.items()
            if k not in ("id", "name", "fail_points", "lint", "description", "script")
            and v not in (None, [], "")
        ]
        if fields.get("description"):
            facts.append(str(fields["description"]))
        where = [f"declared in {_rel(ent, Path(d.file))}:{d.line}" for d in decls] or [
            "not declared"
        ]
        uses = [x for x in self.everywhere(ent, o.key) if not x.declaration]
        steps = sorted(
            {
                (x.within or "").split(":", 1)[-1]
                for x in uses
                if (x.within or "").startswith("Step:")
            }
        )
        services = sorted({s.split(":", 1)[0].split(".", 1)[0] for s in steps})
        files = sorted({_rel(ent, Path(x.file)) for x in uses})
        used = f"used {counted(len(uses), 'time')} in {counted(len(files), 'file')}"
        if steps:
            shown = ", ".join(services[:12]) + (" ..." if len(services) > 12 else "")
            used += (
                f", by {counted(len(steps), 'step')} of {counted(len(services), 'service')}: "
                + shown
            )
        return "\n\n".join([head, *(["; ".join(facts)] if facts else []), "; ".join(where), used])

    # --- completion -----------------------------------------------------------------------------

    def ids(
        self, ent: EnterpriseState, label: str, own: FileState | None = None
    ) -> list[tuple[str, str]]:
        """(id as written, name) of every declared thing of a label; of one blueprint file's
        own things when `own` is that file."""
        out = []
        if own is not None:
            for key, fields in own.declared.items():
                lab, _, id_ = key.partition(":")
                if lab == label:
                    out.append((id_.rsplit(".", 1)[-1], str(fields.get("name") or "")))
            return sorted(out)
        for key in ent.labels.get(label, ()):
            where = ent.decls.get(key)
            if where:
                fields = ent.files[next(iter(where))].declared.get(key, {})
                out.append((key.partition(":")[2], str(fields.get("name") or "")))
        return sorted(out)

    def close(self) -> None:
        self.reader.close()


def _only(config: LintConfig, rule: str) -> LintConfig:
    """The configuration with one rule on, at its level."""
    return LintConfig({rule: config.levels[rule]}, config.source, config.store)


def _shown(v: Any) -> str:
    if isinstance(v, list):
        return ", ".join(str(x) for x in v) or "none"
    if isinstance(v, dict):
        return ", ".join(f"{k} {x}" for k, x in v.items())
    return str(v)


def _rel(ent: EnterpriseState, path: Path) -> str:
    try:
        return path.relative_to(ent.root).as_posix()
    except ValueError:
        return str(path)


def diag_of_query(exc: QueryError, text: str) -> Diag:
    """A query error at its place: a quoted value whole (with its quotes, which a did-you-mean
    puts back), else the span the resolver gives, else one character."""
    span = exc.span
    line, column = (span.line, span.column) if span else (1, 1)
    rows = text.split("\n")
    row = rows[line - 1] if 0 < line <= len(rows) else ""
    col = column - 1
    if row[col : col + 1] == '"':
        close = row.find('"', col + 1)
        end = close + 1 if close > col else len(row)
    elif span and span.end_column and span.end_line in (None, span.line):
        end = max(span.end_column - 1, col + 1)
    else:
        end = col + 1
    fix = _DID_YOU_MEAN.search(exc.message)
    quoted = row[col : col + 1] == '"'
    replacement = (f'"{fix.group(1)}"' if quoted else fix.group(1)) if fix else None
    return Diag(line - 1, col, line - 1, end, "error", exc.code, exc.message, "bpql", replacement)


def walk_statements(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of each statement of a `.bpql` text that parses."""
    from bpql.query.parser import parse

    starts = []
    lines = text.split("\n")
    offsets = [0]
    for row in lines:
        offsets.append(offsets[-1] + len(row) + 1)
    for st in parse(text):
        starts.append(offsets[st.span.line - 1] + st.span.column - 1)
    for i, s in enumerate(starts):
        yield s, starts[i + 1] if i + 1 < len(starts) else len(text)
