"""`bpql lsp` driven over stdio by a real LSP client (pygls's, bpql/lsp/client.py) on a small
workspace: both example enterprises and a `.bpql` file. Each test starts the server process,
sends what an editor sends, and checks what comes back against the files and `bpql lint`."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as t

from bpql.lint import lint_paths
from bpql.lsp.client import Session, apply_edits, uri
from bpql.model.validate import validate_paths
from tests.conftest import EXAMPLES, ROOT

QUERIES = 'find services where depends on system "crm"\n\nimpact of role "claims-handler"\n'


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    for name in ("insurer", "clinic"):
        shutil.copytree(EXAMPLES / name, tmp_path / name)
    (tmp_path / "insurer" / "queries.bpql").write_text(QUERIES, encoding="utf-8")
    return tmp_path


def own_loop(main: Callable[[], Awaitable[None]]) -> None:
    """Run `main` on an event loop of its own thread: in the whole suite the session's
    Playwright browser keeps a loop running on the main thread, where asyncio.run refuses."""
    failed: list[BaseException] = []

    def thread() -> None:
        try:
            asyncio.run(main())  # type: ignore[arg-type]
        except BaseException as exc:
            failed.append(exc)

    t = threading.Thread(target=thread, name="lsp-test-loop")
    t.start()
    t.join()
    if failed:
        raise failed[0]


def run(ws: Path, scenario: Callable[[Session], Awaitable[None]]) -> None:
    async def main() -> None:
        async with Session(ws) as s:
            await asyncio.wait_for(scenario(s), 240)

    own_loop(main)


def where(path: Path, needle: str, nth: int = 0) -> tuple[int, int]:
    """The 0-based line and column of the `nth` `needle` in a file."""
    hits = [
        (i, line.index(needle))
        for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"))
        if needle in line
    ]
    return hits[nth]


def lint_lines(path: Path, folder: Path) -> set[tuple[int, str]]:
    report = lint_paths([folder])
    return {(f.span.line - 1, f.rule) for f in report.findings if f.span.file == str(path)}


def test_diagnostics_at_their_place_and_a_did_you_mean_quick_fix(ws: Path) -> None:
    claims = ws / "insurer/services/claims.yaml"
    text = claims.read_text(encoding="utf-8")

    async def scenario(s: Session) -> None:
        s.open(claims)
        first = await s.wait(claims, lambda d: len(d) > 0)
        # what bpql lint says of the file, at the same lines
        assert {(d.range.start.line, d.code) for d in first} == lint_lines(claims, ws / "insurer")
        assert all(d.source == "bpql lint" for d in first)
        s.change(claims, text.replace("performed_by: fnol-handler", "performed_by: fnol-handlr"))
        bad = await s.wait(
            claims, lambda d: any(x.severity == t.DiagnosticSeverity.Error for x in d)
        )
        (err,) = [x for x in bad if x.severity == t.DiagnosticSeverity.Error]
        line, col = where(claims, "fnol-handler")
        assert (err.range.start.line, err.range.start.character) == (line, col)
        assert err.range.end.character == col + len("fnol-handlr")
        assert err.code == "BPQL-F009" and "did you mean 'fnol-handler'" in err.message
        (fix,) = await s.code_actions(claims, [err])
        assert fix.title == "Change to 'fnol-handler'" and fix.kind == t.CodeActionKind.QuickFix
        edits = fix.edit.changes[uri(claims)]
        broken = text.replace("performed_by: fnol-handler", "performed_by: fnol-handlr")
        assert apply_edits(broken, edits) == text
        # the fix typed back: no error left, and the lint findings come back
        s.change(claims, text)
        back = await s.wait(
            claims, lambda d: not any(x.severity == t.DiagnosticSeverity.Error for x in d)
        )
        assert {(d.range.start.line, d.code) for d in back} == lint_lines(claims, ws / "insurer")

    run(ws, scenario)


def test_a_change_in_one_file_reaches_the_enterprise_file(ws: Path) -> None:
    """A blueprint stops using a role: the enterprise file gets `shared/unused-role` from the
    whole enterprise's check, which runs after the file's own."""
    ent = ws / "insurer/enterprise.yaml"
    complaints = ws / "insurer/services/complaints.yaml"
    text = complaints.read_text(encoding="utf-8")
    assert text.count("performed_by: complaints-handler") >= 1

    async def scenario(s: Session) -> None:
        s.open(ent)
        s.open(complaints)
        await s.wait(ent, lambda d: len(d) > 0)
        unused = lambda d: {x.message for x in d if x.code == "shared/unused-role"}  # noqa: E731
        before = unused(s.diagnostics[uri(ent)])
        s.save(complaints, text.replace("complaints-handler", "team-leader"))
        after = await s.wait(ent, lambda d: "role 'complaints-handler' is never used" in unused(d))
        assert unused(after) - before == {"role 'complaints-handler' is never used"}
        assert {(d.range.start.line, d.code) for d in after} == lint_lines(ent, ws / "insurer")

    run(ws, scenario)


def test_completion_of_ids_field_names_and_queries(ws: Path) -> None:
    claims = ws / "insurer/services/claims.yaml"
    text = claims.read_text(encoding="utf-8")
    queries = ws / "insurer/queries.bpql"

    async def scenario(s: Session) -> None:
        s.open(claims)
        await s.wait(claims, lambda d: len(d) > 0)
        line, col = where(claims, "performed_by: fnol-handler")
        items = await s.completion(claims, line, col + len("performed_by: "))
        roles = [i.label for i in items]
        assert "fnol-handler" in roles and "claims-handler" in roles and len(roles) == 17
        assert all(i.detail and i.detail.startswith("role: ") for i in items)
        line, col = where(claims, "uses: [claims-engine, telephony]")
        items = await s.completion(claims, line, col + len("uses: [claims-engine, te"))
        assert [i.label for i in items] == ["telephony", "payments-gateway", "quote-portal"]
        edit = items[0].text_edit
        assert isinstance(edit, t.TextEdit) and edit.range.start.character == col + len(
            "uses: [claims-engine, "
        )
        line, col = where(claims, "phase: report")
        phases = [i.label for i in await s.completion(claims, line, col + len("phase: "))]
        assert phases == ["assess", "close", "report", "settle"]
        line, col = where(claims, "lane: customer")
        lanes = [i.label for i in await s.completion(claims, line, col + len("lane: "))]
        assert lanes == ["customer", "frontstage", "backstage", "support"]
        # a field name in a step: the step's fields from the file format
        s.change(
            claims, text.replace("    target_time: 15m\n", "    target_time: 15m\n    ma\n", 1)
        )
        line, _ = where(claims, "    target_time: 15m")
        fields = [i.label for i in await s.completion(claims, line + 1, 6)]
        assert fields == ["max_wait"]
        # a .bpql file: the grammar's words and the enterprise's ids
        s.open(queries)
        ids = await s.completion(queries, 0, len('find services where depends on system "'))
        assert '"crm"' in [i.label for i in ids] and '"mainframe"' in [i.label for i in ids]
        words = await s.completion(queries, 2, 0)
        assert {"find", "impact", "show"} <= {i.label for i in words}

    run(ws, scenario)


def test_hover_definition_references(ws: Path) -> None:
    claims = ws / "insurer/services/claims.yaml"
    ent = ws / "insurer/enterprise.yaml"
    queries = ws / "insurer/queries.bpql"

    async def scenario(s: Session) -> None:
        s.open(claims)
        await s.wait(claims, lambda d: len(d) > 0)
        line, col = where(claims, "performed_by: fnol-handler")
        col += len("performed_by: ") + 2
        text = await s.hover(claims, line, col)
        assert text is not None and text.startswith(
            "**Role** `fnol-handler`: First notice of loss handler"
        )
        assert "department: claims" in text and "declared in enterprise.yaml:23" in text
        assert "by 2 steps of 1 service: claims" in text
        (d,) = await s.definition(claims, line, col)
        assert d.uri == uri(ent) and (d.range.start.line, d.range.start.character) == where(
            ent, "fnol-handler"
        )
        refs = await s.references(claims, line, col)
        files = sorted({r.uri.rsplit("/", 1)[1] for r in refs})
        assert files == ["claims-to-be.yaml", "claims.yaml", "enterprise.yaml"] and len(refs) == 3
        # a step's own phase: defined in the same file
        line, col = where(claims, "phase: assess")
        (d,) = await s.definition(claims, line, col + len("phase: "))
        assert d.uri == uri(claims) and d.range.start.line == where(claims, "{id: assess")[0]
        # in a query: the Cypher it compiles to, for both stores
        s.open(queries)
        cypher = await s.hover(queries, 2, 3)
        assert cypher is not None and cypher.count("```cypher") == 2
        assert "// neo4j" in cypher and "// ladybug" in cypher and "PERFORMED_BY" in cypher

    run(ws, scenario)


def test_rename_across_files(ws: Path) -> None:
    claims = ws / "insurer/services/claims.yaml"

    async def scenario(s: Session) -> None:
        s.open(claims)
        await s.wait(claims, lambda d: len(d) > 0)
        line, col = where(claims, "performed_by: fnol-handler")
        edit = await s.rename(claims, line, col + len("performed_by: "), "first-notice-handler")
        assert edit is not None and edit.changes is not None
        assert sorted(u.rsplit("/", 1)[1] for u in edit.changes) == [
            "claims-to-be.yaml",
            "claims.yaml",
            "enterprise.yaml",
        ]
        for u, edits in edit.changes.items():
            path = Path(u.removeprefix("file://"))
            path.write_text(apply_edits(path.read_text(encoding="utf-8"), edits), encoding="utf-8")
        graph = validate_paths([ws / "insurer"]).graph  # every reference still resolves
        assert "first-notice-handler" in {r["id"] for r in graph.nodes["Role"]}
        assert ("claims.take-fnol", "first-notice-handler") in graph.rels["PERFORMED_BY"]
        # a step renamed: its own blueprint's references follow
        text = claims.read_text(encoding="utf-8")
        s.change(claims, text)
        line, col = where(claims, "- id: register-claim")
        edit = await s.rename(claims, line, col + len("- id: "), "log-claim")
        assert edit is not None and edit.changes is not None
        # its declaration, the two steps it supports, the metric that measures it
        assert list(edit.changes) == [uri(claims)] and len(edit.changes[uri(claims)]) == 4
        claims.write_text(apply_edits(text, edit.changes[uri(claims)]), encoding="utf-8")
        graph = validate_paths([ws / "insurer"]).graph
        assert ("claims.log-claim", "claims.submit-claim") in graph.rels["SUPPORTS"]
        with pytest.raises(Exception, match="is not an id"):
            await s.rename(claims, line, col + len("- id: "), "Not An Id")

    run(ws, scenario)


def test_query_file_diagnostics_from_the_resolver(ws: Path) -> None:
    queries = ws / "insurer/queries.bpql"

    async def scenario(s: Session) -> None:
        s.open(queries)
        assert await s.wait(queries, lambda d: True) == []
        s.change(queries, 'find services where depends on system "crn"\n')
        (d,) = await s.wait(queries, lambda d: len(d) == 1)
        assert d.code == "BPQL-Q029" and d.message == 'no system "crn" (did you mean "crm"?)'
        start = len("find services where depends on system ")
        assert (d.range.start.line, d.range.start.character, d.range.end.character) == (
            0,
            start,
            start + len('"crn"'),
        )
        (fix,) = await s.code_actions(queries, [d])
        fixed = apply_edits(
            'find services where depends on system "crn"\n', fix.edit.changes[uri(queries)]
        )
        assert fixed == 'find services where depends on system "crm"\n'
        # a syntax error, at the word the parser stopped at
        s.change(queries, "find servces\n")
        (d,) = await s.wait(queries, lambda d: len(d) == 1 and d[0].code != "BPQL-Q029")
        assert d.range.start.character == len("find ") and d.code.startswith("BPQL-Q")

    run(ws, scenario)


def test_without_pygls_one_line_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['pygls'] = None; sys.modules['lsprotocol'] = None\n"
        "from bpql.cli import main; sys.exit(main(['lsp']))"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert r.returncode == 2 and r.stdout == ""
    assert (
        r.stderr.strip()
        == "error: bpql lsp needs the language server extra: pip install 'bpql[lsp]'"
    )


def test_server_capabilities(ws: Path) -> None:
    seen: dict[str, Any] = {}

    async def scenario(s: Session) -> None:
        caps = s.capabilities
        assert caps is not None
        seen.update(
            json.loads(
                json.dumps(
                    {
                        "completion": caps.completion_provider is not None,
                        "hover": bool(caps.hover_provider),
                        "definition": bool(caps.definition_provider),
                        "references": bool(caps.references_provider),
                        "rename": bool(caps.rename_provider),
                        "code_action": bool(caps.code_action_provider),
                    }
                )
            )
        )

    run(ws, scenario)
    assert all(seen.values()) and len(seen) == 6
