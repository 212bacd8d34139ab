"""A small LSP client that starts `bpql lsp` as a process and talks to it over stdio with
real protocol messages (pygls's `LanguageClient`): for the tests, bench/lsp.py and the
checks of the editors' set-ups, which send what an editor sends."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path


def uri(path: Path) -> str:
    return from_fs_path(str(path)) or str(path)


class Session:
    """One server process, initialised on a workspace folder."""

    def __init__(
        self,
        root: Path,
        command: Sequence[str] = (sys.executable, "-m", "bpql.cli", "lsp"),
        initialization_options: Any = None,
    ) -> None:
        self.root = root
        self.command = list(command)
        self.initialization_options = initialization_options
        self.client = LanguageClient("bpql-test-client", "1")
        #: uri -> the diagnostics last published, and when (monotonic)
        self.diagnostics: dict[str, list[t.Diagnostic]] = {}
        self.published: dict[str, float] = {}
        self.changed = asyncio.Event()
        self.versions: dict[str, int] = {}
        self.capabilities: t.ServerCapabilities | None = None

        #: the server's log messages (a whole-enterprise check ends with one)
        self.logs: list[tuple[float, str]] = []

        @self.client.feature(t.WINDOW_LOG_MESSAGE)  # type: ignore[untyped-decorator]
        def _log(params: t.LogMessageParams) -> None:
            self.logs.append((time.monotonic(), params.message))
            self.changed.set()

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def _diagnostics(params: t.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = list(params.diagnostics)
            self.published[params.uri] = time.monotonic()
            self.changed.set()

    async def __aenter__(self) -> Session:
        await self.client.start_io(*self.command)
        folder = uri(self.root)
        result = await self.client.initialize_async(
            t.InitializeParams(
                capabilities=t.ClientCapabilities(),
                root_uri=folder,
                workspace_folders=[t.WorkspaceFolder(uri=folder, name=self.root.name)],
                initialization_options=self.initialization_options,
            )
        )
        self.capabilities = result.capabilities
        self.client.initialized(t.InitializedParams())
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 30)
            self.client.exit(None)
        finally:
            await self.client.stop()  # type: ignore[no-untyped-call]

    # --- documents ----------------------------------------------------------------------------

    def open(self, path: Path, text: str | None = None) -> str:
        u = uri(path)
        self.versions[u] = 1
        language = "bpql" if path.suffix == ".bpql" else "yaml"
        body = path.read_text(encoding="utf-8") if text is None else text
        self.client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                text_document=t.TextDocumentItem(uri=u, language_id=language, version=1, text=body)
            )
        )
        return u

    def change(self, path: Path, text: str) -> None:
        u = uri(path)
        self.versions[u] = self.versions.get(u, 1) + 1
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=u, version=self.versions[u]),
                content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def save(self, path: Path, text: str) -> None:
        """Write the file, tell the server it changed and was saved, as an editor does."""
        path.write_text(text, encoding="utf-8")
        self.change(path, text)
        self.client.text_document_did_save(
            t.DidSaveTextDocumentParams(
                text_document=t.TextDocumentIdentifier(uri=uri(path)), text=text
            )
        )

    async def wait(
        self,
        path: Path,
        until: Callable[[list[t.Diagnostic]], bool],
        timeout: float = 60,
        after: float = 0.0,
    ) -> list[t.Diagnostic]:
        """The file's diagnostics, once they satisfy `until` (published after `after`)."""
        u = uri(path)
        deadline = time.monotonic() + timeout
        while True:
            if self.published.get(u, -1.0) >= after and until(self.diagnostics.get(u, [])):
                return self.diagnostics[u]
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{path}: diagnostics now {self.diagnostics.get(u)}")
            self.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    async def quiet(self, after: float, timeout: float = 600) -> float:
        """Wait for the end of a whole-enterprise check that started after `after`; when it
        ended (monotonic)."""
        deadline = time.monotonic() + timeout
        while True:
            done = [at for at, m in self.logs if at >= after and "checked" in m]
            if done:
                return done[0]
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no whole-enterprise check ended")
            self.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    # --- requests -----------------------------------------------------------------------------

    def _doc(self, path: Path) -> t.TextDocumentIdentifier:
        return t.TextDocumentIdentifier(uri=uri(path))

    async def completion(self, path: Path, line: int, character: int) -> list[t.CompletionItem]:
        found = await self.client.text_document_completion_async(
            t.CompletionParams(text_document=self._doc(path), position=t.Position(line, character))
        )
        if found is None:
            return []
        return list(found.items) if isinstance(found, t.CompletionList) else list(found)

    async def hover(self, path: Path, line: int, character: int) -> str | None:
        found = await self.client.text_document_hover_async(
            t.HoverParams(text_document=self._doc(path), position=t.Position(line, character))
        )
        if found is None:
            return None
        contents = found.contents
        return contents.value if isinstance(contents, t.MarkupContent) else str(contents)

    async def definition(self, path: Path, line: int, character: int) -> list[t.Location]:
        found = await self.client.text_document_definition_async(
            t.DefinitionParams(text_document=self._doc(path), position=t.Position(line, character))
        )
        if found is None:
            return []
        return [
            x for x in (found if isinstance(found, list) else [found]) if isinstance(x, t.Location)
        ]

    async def references(self, path: Path, line: int, character: int) -> list[t.Location]:
        found = await self.client.text_document_references_async(
            t.ReferenceParams(
                text_document=self._doc(path),
                position=t.Position(line, character),
                context=t.ReferenceContext(include_declaration=True),
            )
        )
        return list(found or [])

    async def rename(
        self, path: Path, line: int, character: int, new: str
    ) -> t.WorkspaceEdit | None:
        return await self.client.text_document_rename_async(
            t.RenameParams(
                text_document=self._doc(path), position=t.Position(line, character), new_name=new
            )
        )

    async def code_actions(self, path: Path, diagnostics: list[t.Diagnostic]) -> list[Any]:
        found = await self.client.text_document_code_action_async(
            t.CodeActionParams(
                text_document=self._doc(path),
                range=diagnostics[0].range,
                context=t.CodeActionContext(diagnostics=diagnostics),
            )
        )
        return list(found or [])


def apply_edits(text: str, edits: list[t.TextEdit]) -> str:
    """A document's text with LSP edits applied (UTF-16 positions), last first."""
    lines = text.split("\n")

    def offset(pos: t.Position) -> int:
        row = lines[pos.line]
        units, col = 0, 0
        while col < len(row) and units < pos.character:
            units += 2 if ord(row[col]) > 0xFFFF else 1
            col += 1
        return sum(len(r) + 1 for r in lines[: pos.line]) + col

    out = text
    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        out = out[: offset(e.range.start)] + e.new_text + out[offset(e.range.end) :]
    return out
