"""`bpql lsp`: the language server (pygls) over standard input and output.

Blueprint files (`.yaml`, `.yml` inside an enterprise folder) get diagnostics from validate and
lint, completion of ids and field names, hover, go to definition, find references, rename
across files and a quick fix for a did-you-mean; `.bpql` query files get completion from the
grammar and the enterprise's ids (`bpql.query.complete`), diagnostics from the resolver against the
files' catalog (`bpql.query.compiler.GraphCatalog`) and hover with the compiled Cypher. The model of
the workspace is `bpql.lsp.workspace` (no protocol in it); this module only speaks LSP.
Positions are UTF-16 code units on the wire, code points inside.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from bpql.errors import BpqlError, QueryError
from bpql.lsp.complete import OWN_FIELDS, SHARED_FIELDS, context, field_names, fixed_words
from bpql.lsp.workspace import Diag, EnterpriseState, Workspace, diag_of_query, walk_statements
from bpql.version import __version__

R = TypeVar("R")

#: how long after the last change the whole enterprise is checked again
FULL_CHECK_DELAY = 0.3
SEVERITY = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning}


def _units(line: str, column: int) -> int:
    """A code point column as UTF-16 code units."""
    return len(line[:column].encode("utf-16-le")) // 2


def _in_daemon_thread(
    loop: asyncio.AbstractEventLoop, fn: Callable[[EnterpriseState], R], ent: EnterpriseState
) -> asyncio.Future[R]:
    """`fn(ent)` in a thread of its own that the interpreter does not wait for: a whole-
    enterprise check under way when the editor says `exit` must not keep the server's
    process alive (the default executor's threads are joined at exit; a neovim test once
    waited 240 s for one)."""
    done: asyncio.Future[R] = loop.create_future()

    def settle(value: R | None, error: BaseException | None) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(cast(R, value))

    def work() -> None:
        try:
            value, error = fn(ent), None
        except BaseException as exc:  # handed to the awaiting task, as run_in_executor does
            value, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits
            loop.call_soon_threadsafe(settle, value, error)

    threading.Thread(target=work, name="bpql-full-check", daemon=True).start()
    return done


def _column(line: str, units: int) -> int:
    """UTF-16 code units as a code point column."""
    n = 0
    for i, ch in enumerate(line):
        if n >= units:
            return i
        n += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


class BpqlServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("bpql", __version__)
        self.model: Workspace | None = None
        #: per enterprise folder: the timer of the next whole check, whether one runs, and
        #: whether a change came since it started
        self.timers: dict[Path, asyncio.TimerHandle] = {}
        self.running: set[Path] = set()
        self.dirty: set[Path] = set()

    # --- helpers ----------------------------------------------------------------------------

    def text(self, uri: str) -> str:
        return self.workspace.get_text_document(uri).source

    def lines(self, uri: str) -> list[str]:
        return self.text(uri).split("\n")

    def where(self, uri: str, pos: t.Position) -> tuple[Path, int, int]:
        lines = self.lines(uri)
        row = lines[pos.line] if pos.line < len(lines) else ""
        return Path(to_fs_path(uri) or uri), pos.line, _column(row, pos.character)

    def lsp_range(
        self, lines: list[str], line: int, start: int, end_line: int, end: int
    ) -> t.Range:
        a = lines[line] if line < len(lines) else ""
        b = lines[end_line] if end_line < len(lines) else ""
        return t.Range(t.Position(line, _units(a, start)), t.Position(end_line, _units(b, end)))

    def file_lines(self, ent: EnterpriseState | None, path: Path) -> list[str]:
        if ent is not None and path in ent.files:
            return ent.files[path].lines
        with contextlib.suppress(OSError):
            return path.read_text(encoding="utf-8").split("\n")
        return []

    def publish(self, ent: EnterpriseState | None, found: dict[Path, list[Diag]]) -> None:
        for path, diags in found.items():
            lines = self.file_lines(ent, path)
            self.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(
                    uri=from_fs_path(str(path)) or str(path),
                    diagnostics=[self.diagnostic(lines, d) for d in diags],
                )
            )

    def diagnostic(self, lines: list[str], d: Diag) -> t.Diagnostic:
        return t.Diagnostic(
            range=self.lsp_range(lines, d.line, d.column, d.end_line, d.end_column),
            message=d.message,
            severity=SEVERITY.get(d.severity, t.DiagnosticSeverity.Error),
            code=d.code,
            source=d.source,
            data={"replacement": d.replacement} if d.replacement else None,
        )

    def schedule_full_check(self, ent: EnterpriseState) -> None:
        """The whole enterprise again, in a thread, once changes stop for a moment; one check
        at a time per enterprise (a change during a check stops it at its next step, and the
        check runs again)."""
        loop = asyncio.get_running_loop()
        self.dirty.add(ent.root)
        timer = self.timers.pop(ent.root, None)
        if timer is not None:
            timer.cancel()
        self.timers[ent.root] = loop.call_later(FULL_CHECK_DELAY, self._kick, ent)

    def _kick(self, ent: EnterpriseState) -> None:
        if ent.root not in self.running:
            self.running.add(ent.root)
            asyncio.get_running_loop().create_task(self._run(ent))

    async def _run(self, ent: EnterpriseState) -> None:
        assert self.model is not None
        loop = asyncio.get_running_loop()
        try:
            while ent.root in self.dirty:
                self.dirty.discard(ent.root)
                started = time.perf_counter()
                found = await _in_daemon_thread(loop, self.model.full_check, ent)
                if found is None:  # overtaken by an edit: after a pause, again
                    await asyncio.sleep(FULL_CHECK_DELAY)
                    continue
                self.publish(ent, found)
                self.window_log_message(
                    t.LogMessageParams(
                        type=t.MessageType.Log,
                        message=f"bpql: checked {ent.root} whole in "
                        f"{time.perf_counter() - started:.2f} s",
                    )
                )
        finally:
            self.running.discard(ent.root)

    def changed(self, uri: str) -> None:
        assert self.model is not None
        path = Path(to_fs_path(uri) or uri)
        if path.suffix == ".bpql":
            self.publish(None, {path: self.query_diagnostics(path, self.text(uri))})
            return
        if path.suffix not in (".yaml", ".yml"):
            return
        ent, found = self.model.open_or_change(path, self.text(uri))
        if ent is None:
            return
        self.publish(ent, found)
        self.schedule_full_check(ent)

    # --- .bpql files ------------------------------------------------------------------------

    def catalog(self, path: Path) -> Any:
        from bpql.query.compiler import GraphCatalog

        assert self.model is not None
        ent = self.model.enterprise_of(path)
        if ent is None or ent.graph is None:
            return None
        return GraphCatalog(ent.graph)

    def query_diagnostics(self, path: Path, text: str) -> list[Diag]:
        from bpql.query.compiler import resolve_text
        from bpql.query.parser import parse

        catalog = self.catalog(path)
        try:
            if catalog is None:
                parse(text)
            else:
                resolve_text(text, catalog)
        except QueryError as exc:
            return [diag_of_query(exc, text)]
        return []


SERVER = BpqlServer()


@SERVER.feature(t.INITIALIZED)
def initialized(ls: BpqlServer, params: t.InitializedParams) -> None:
    folders = [to_fs_path(f.uri) for f in ls.workspace.folders.values()]
    roots = [Path(f) for f in folders if f] or (
        [Path(ls.workspace.root_path)] if ls.workspace.root_path else [Path.cwd()]
    )
    ls.model = Workspace(roots)
    ls.model.scan()
    for ent in ls.model.enterprises.values():
        ls.publish(ent, ls.model.full_check(ent) or {})
    for uri in list(ls.workspace.text_documents):
        ls.changed(uri)


@SERVER.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: BpqlServer, params: t.DidOpenTextDocumentParams) -> None:
    if ls.model is not None:
        ls.changed(params.text_document.uri)


@SERVER.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: BpqlServer, params: t.DidChangeTextDocumentParams) -> None:
    if ls.model is not None:
        ls.changed(params.text_document.uri)


@SERVER.feature(t.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: BpqlServer, params: t.DidSaveTextDocumentParams) -> None:
    if ls.model is not None:
        ls.changed(params.text_document.uri)


@SERVER.feature(
    t.TEXT_DOCUMENT_COMPLETION,
    t.CompletionOptions(trigger_characters=['"', " ", ":", "[", ",", "-"]),
)
def completion(ls: BpqlServer, params: t.CompletionParams) -> t.CompletionList:
    if ls.model is None:
        return t.CompletionList(is_incomplete=False, items=[])
    uri = params.text_document.uri
    path, line, column = ls.where(uri, params.position)
    lines = ls.lines(uri)
    if path.suffix == ".bpql":
        return query_completion(ls, path, lines, line, column)
    ent = ls.model.enterprise_of(path)
    ctx = context(lines, line, column)
    if ent is None or ctx is None:
        return t.CompletionList(is_incomplete=False, items=[])
    rng = ls.lsp_range(lines, line, ctx.start, line, column)
    items: list[t.CompletionItem] = []
    if ctx.kind == "key":
        is_ent = any(s.lstrip().startswith("enterprise:") for s in lines[:50])
        for name, doc in field_names(is_ent, ctx.path):
            if name.startswith(ctx.typed):
                items.append(
                    t.CompletionItem(
                        label=name,
                        kind=t.CompletionItemKind.Field,
                        detail=doc or None,
                        text_edit=t.TextEdit(rng, name + ": "),
                    )
                )
        return t.CompletionList(is_incomplete=False, items=items)
    candidates: list[tuple[str, str, t.CompletionItemKind]] = []
    labels = SHARED_FIELDS.get(ctx.field, ())
    if ctx.field == "owner" and ctx.path[-1:] == ("systems",):
        labels = ("Department",)
    for label in labels:
        candidates += [
            (i, f"{label.lower()}: {n}", t.CompletionItemKind.Reference)
            for i, n in ls.model.ids(ent, label)
        ]
    own = OWN_FIELDS.get(ctx.field)
    f = ent.files.get(path)
    if own is not None and f is not None and not f.is_enterprise:
        candidates += [
            (i, f"{own.lower()}: {n}", t.CompletionItemKind.Reference)
            for i, n in ls.model.ids(ent, own, f)
        ]
    candidates += [(w, ctx.field, t.CompletionItemKind.EnumMember) for w in fixed_words(ctx)]
    seen: set[str] = set()
    typed = ctx.typed.lower()
    # what starts with the typed text first, then what holds it
    for value, detail, kind in sorted(candidates, key=lambda c: not c[0].lower().startswith(typed)):
        if value in seen or typed not in value.lower():
            continue
        seen.add(value)
        items.append(
            t.CompletionItem(
                label=value,
                kind=kind,
                detail=detail,
                sort_text=f"{len(items):05d}",
                filter_text=value,
                text_edit=t.TextEdit(rng, value),
            )
        )
    return t.CompletionList(is_incomplete=False, items=items)


def query_completion(
    ls: BpqlServer, path: Path, lines: list[str], line: int, column: int
) -> t.CompletionList:
    from bpql.query.complete import complete

    text = "\n".join(lines)
    offset = sum(len(r) + 1 for r in lines[:line]) + column
    catalog = ls.catalog(path)
    found = complete(text, offset, catalog.entries if catalog is not None else None)
    row_start = offset - column
    start = max(found.start, row_start)
    rng = ls.lsp_range(lines, line, start - row_start, line, column)
    items = [
        t.CompletionItem(
            label=c.text,
            detail=c.meta or None,
            kind=t.CompletionItemKind.Keyword
            if c.meta == "keyword"
            else t.CompletionItemKind.Reference
            if '"' in c.text
            else t.CompletionItemKind.Text,
            text_edit=t.TextEdit(rng, c.text),
        )
        for c in found.candidates
    ]
    return t.CompletionList(is_incomplete=False, items=items)


@SERVER.feature(t.TEXT_DOCUMENT_HOVER)
def hover(ls: BpqlServer, params: t.HoverParams) -> t.Hover | None:
    if ls.model is None:
        return None
    uri = params.text_document.uri
    path, line, column = ls.where(uri, params.position)
    if path.suffix == ".bpql":
        return query_hover(ls, path, ls.lines(uri), line, column)
    text = ls.model.hover(path, line, column)
    if text is None:
        return None
    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text))


def query_hover(
    ls: BpqlServer, path: Path, lines: list[str], line: int, column: int
) -> t.Hover | None:
    """The Cypher the statement under the cursor compiles to (both dialects)."""
    from bpql.api import explain_text
    from bpql.query.compiler import compile_text

    catalog = ls.catalog(path)
    if catalog is None:
        return None
    text = "\n".join(lines)
    offset = sum(len(r) + 1 for r in lines[:line]) + column
    try:
        for start, end in walk_statements(text):
            if start <= offset <= end:
                stmt = text[start:end].strip().rstrip(";")
                parts = [
                    f"```cypher\n{explain_text(compile_text(stmt, catalog, dialect))}\n```"
                    for dialect in ("neo4j", "ladybug")
                ]
                return t.Hover(
                    contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value="\n\n".join(parts))
                )
    except BpqlError:
        return None
    return None


def _locations(ls: BpqlServer, found: list[Any]) -> list[t.Location]:
    assert ls.model is not None
    out = []
    for o in found:
        path = Path(o.file)
        ent = ls.model.enterprise_of(path)
        lines = ls.file_lines(ent, path)
        rng = ls.lsp_range(lines, o.line - 1, o.column - 1, o.line - 1, o.column - 1 + o.length)
        out.append(t.Location(uri=from_fs_path(str(path)) or str(path), range=rng))
    return out


@SERVER.feature(t.TEXT_DOCUMENT_DEFINITION)
def definition(ls: BpqlServer, params: t.DefinitionParams) -> list[t.Location]:
    if ls.model is None:
        return []
    path, line, column = ls.where(params.text_document.uri, params.position)
    return _locations(ls, ls.model.definition(path, line, column))


@SERVER.feature(t.TEXT_DOCUMENT_REFERENCES)
def references(ls: BpqlServer, params: t.ReferenceParams) -> list[t.Location]:
    if ls.model is None:
        return []
    path, line, column = ls.where(params.text_document.uri, params.position)
    found = ls.model.references(path, line, column, params.context.include_declaration)
    return _locations(ls, found)


@SERVER.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: BpqlServer, params: t.PrepareRenameParams) -> t.Range | None:
    if ls.model is None:
        return None
    path, line, column = ls.where(params.text_document.uri, params.position)
    found = ls.model.at(path, line, column)
    if found is None:
        return None
    _, o = found
    lines = ls.lines(params.text_document.uri)
    return ls.lsp_range(lines, o.line - 1, o.column - 1, o.line - 1, o.column - 1 + o.length)


@SERVER.feature(t.TEXT_DOCUMENT_RENAME)
def rename(ls: BpqlServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
    if ls.model is None:
        return None
    path, line, column = ls.where(params.text_document.uri, params.position)
    try:
        edits = ls.model.rename(path, line, column, params.new_name)
    except BpqlError as exc:
        raise ValueError(exc.message) from None
    changes: dict[str, list[t.TextEdit]] = {}
    for file, items in edits.items():
        ent = ls.model.enterprise_of(file)
        lines = ls.file_lines(ent, file)
        changes[from_fs_path(str(file)) or str(file)] = [
            t.TextEdit(ls.lsp_range(lines, row, a, row, b), text) for row, a, b, text in items
        ]
    return t.WorkspaceEdit(changes=changes)


@SERVER.feature(
    t.TEXT_DOCUMENT_CODE_ACTION,
    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]),
)
def code_action(ls: BpqlServer, params: t.CodeActionParams) -> list[t.CodeAction]:
    out = []
    for d in params.context.diagnostics:
        data = d.data if isinstance(d.data, dict) else None
        replacement = data.get("replacement") if data else None
        if not replacement:
            continue
        out.append(
            t.CodeAction(
                title=f"Change to '{replacement}'",
                kind=t.CodeActionKind.QuickFix,
                diagnostics=[d],
                is_preferred=True,
                edit=t.WorkspaceEdit(
                    changes={params.text_document.uri: [t.TextEdit(d.range, replacement)]}
                ),
            )
        )
    return out


def serve() -> None:
    """Run over standard input and output until the client says exit."""
    import sys

    os.environ.setdefault("BPQL_PROGRESS", "plain")
    # the whole-enterprise check runs in a thread: hand the interpreter back to the thread
    # answering the editor every millisecond, not every five
    sys.setswitchinterval(0.001)
    SERVER.start_io()
