"""The shell's own `clear` and `diff`, and the hint under its answers (issue 21 item 15).

Driven as tests/test_shell.py drives the shell: `bpql shell` on a pipe, over a real embedded
store holding the insurer example.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bpql.api import Client
from tests.test_load import bpql


@pytest.fixture(scope="module")
def store(embedded_insurer: Client) -> str:
    return embedded_insurer.uri


def shell(uri: str, *lines: str) -> str:
    done = bpql("shell", "--db", uri, stdin="\n".join([*lines, "quit"]) + "\n")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return str(done.stdout)


def test_diff_in_the_shell_is_the_cli_diff_on_the_shells_store(store: str, tmp_path: Path) -> None:
    cli = bpql("diff", "claims", "--db", store)
    assert cli.returncode == 0, cli.stderr
    cli_json = json.loads(bpql("diff", "claims", "--db", store, "--format", "json").stdout)
    view = tmp_path / "d.html"
    out = shell(store, "diff claims", "diff claims --format json", f"diff claims --view {view}")
    # the banner, then the CLI's text, then its JSON, then the text again with the view
    assert out.count(cli.stdout) == 2
    start = out.index("{")
    doc, _ = json.JSONDecoder().raw_decode(out[start:])
    assert doc == cli_json
    assert view.is_file() and "<svg" in view.read_text(encoding="utf-8")


def test_a_wrong_diff_is_one_line_and_the_shell_carries_on(store: str) -> None:
    out = shell(store, "diff --bogus", 'diff "open', "diff nosuch", "count steps by lane")
    lines = out.splitlines()
    assert "error: diff: unrecognized arguments: --bogus" in lines
    assert "error: diff: No closing quotation" in lines
    assert any(line.startswith('error: no service "nosuch"') for line in lines)
    assert "4 rows" in out  # the statement after them ran


def test_clear_is_a_command_and_writes_nothing_on_a_pipe(store: str) -> None:
    out = shell(store, "clear", "count steps by lane")
    assert "error" not in out and "\x1b" not in out
    assert "4 rows" in out


def test_the_hint_under_an_answer_names_the_shells_viz(store: str) -> None:
    out = shell(store, 'impact of system "crm"', "help")
    assert "(`viz` draws it;" in out and "bpql viz" not in out
    assert "  diff [<service>]" in out and "  clear " in out  # help lists both
    # the CLI keeps its own command's name
    cli = bpql("query", 'impact of system "crm"', "--db", store)
    assert "(`bpql viz` draws it;" in cli.stdout
