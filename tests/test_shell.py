"""`bpql shell` and the completion it shares with `bpql serve` (bpql/query/complete.py).

The shell runs as a real process on a pipe (its prompt reads standard input line by line there);
completion is checked against a real store on both backends.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bpql.api import Client, connect
from bpql.cli.shell import statements
from bpql.query.complete import StoreEntries, complete, is_unfinished
from bpql.schema import CHANNELS
from tests.conftest import EXAMPLES
from tests.neo4j_fixture import Neo4jInfo
from tests.test_load import bpql


@pytest.fixture(scope="module")
def embedded(embedded_insurer: Client) -> str:
    return embedded_insurer.uri


def texts(found: object) -> list[str]:
    return [c.text for c in found.candidates]  # type: ignore[attr-defined]


def test_completion_follows_the_grammar() -> None:
    first = texts(complete(""))
    assert first == sorted(first)
    assert {"count", "explain", "find", "impact", "path", "risk", "show"} <= set(first)
    assert texts(complete("imp")) == ["impact"]
    assert texts(complete("impact ")) == ["of"]
    # after `impact of` only a kind of thing can come: the kinds, not every field
    kinds = texts(complete("impact of "))
    assert "department" in kinds and "name" not in kinds and "where" not in kinds
    assert texts(complete("find services wh")) == ["where"]
    # a word the grammar refuses where it stands gets nothing
    assert texts(complete("impact of department department ")) == []
    assert complete("find services wh").start == len("find services ")


def test_what_if_completion_offers_the_kinds_each_change_takes() -> None:
    """`retiring` takes a system, `moving` a role and then a department, `closing` a channel
    (whose values are the schema's channels) or a touchpoint."""
    assert texts(complete("impact of retiring ")) == ["system"]
    assert texts(complete("impact of moving ")) == ["role"]
    assert texts(complete('impact of moving role "x" to ')) == ["department"]
    assert texts(complete("impact of closing ")) == ["channel", "touchpoint"]
    assert texts(complete('impact of closing channel "le')) == ['"letter"']
    assert len(texts(complete('impact of closing channel "'))) == len(CHANNELS)


def test_words_follow_a_closed_value() -> None:
    """After a quoted value the grammar's words come back (the last quote was read as an
    open one, so nothing was offered)."""
    assert "within" in texts(complete('impact of department "billing" '))
    assert "and" in texts(complete('find services where uses system "crm" '))
    # a slot that names its kinds offers them in alphabetical order
    assert texts(complete('path from system "a" to '))[0] == "blueprint"


def test_ids_and_names_inside_quotes_on_both_backends(
    embedded: str, neo4j_server: Neo4jInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_USER", neo4j_server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    with connect(neo4j_server.uri) as client:
        client.load(EXAMPLES / "insurer")
    for uri in (embedded, neo4j_server.uri):
        entries = StoreEntries(lambda uri=uri: _read_only(uri))
        got = complete('impact of department "bil', None, entries)
        assert texts(got) == ['"billing"', '"Billing & Collections"'], uri
        assert got.start == len("impact of department ")
        # a name typed from its middle is found too, after the ones that start with it
        assert '"Motor claims"' in texts(complete('show service "claim', None, entries))
        assert texts(complete('show system "cr', None, entries))[0] == '"crm"'


def _read_only(uri: str) -> object:
    from bpql.backends import connect as backend

    return backend(uri, read_only=True)


def test_statements_continue_until_they_parse_or_a_blank_line() -> None:
    lines = [
        "find services",
        "impact of",
        'department "billing"',
        "find steps where",
        "",
        "help",
        "show",
    ]
    assert list(statements(lines)) == [
        "find services",
        'impact of\ndepartment "billing"',
        "find steps where",
        "help",
        "show",
    ]
    assert is_unfinished("find steps where") and not is_unfinished("find steps")
    assert not is_unfinished("fnd steps")  # a mistake shows at once, it does not wait


def test_shell_help_multi_line_and_viz(embedded: str, tmp_path: Path) -> None:
    script = "\n".join(
        [
            "help",
            "count steps",
            "by lane",
            "find services where",
            "",
            'viz impact of department "billing"',
            'viz blueprint "claims"',
            "viz find services",
            "quit",
        ]
    )
    # `viz` opens its page with the browser Python's webbrowser picks: here a program that
    # records the pages it is given
    opened = tmp_path / "opened.txt"
    opener = tmp_path / "opener.sh"
    opener.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    opener.chmod(0o755)
    env = {**os.environ, "BROWSER": str(opener), "COLUMNS": "120", "TMPDIR": str(tmp_path)}
    done = bpql("shell", "--db", embedded, stdin=script + "\n", env=env)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "viz <statement>" in out  # help
    assert "4 rows" in out  # the two-line count, run once it parsed
    assert "error at line 1" in out  # the unfinished find, run at the blank line
    assert "impact view" in out and "blueprint view" in out
    assert "error: find answers with a table" in out or "has nothing to draw" in out
    pages = opened.read_text().split()
    assert len(pages) == 2
    for page in pages:
        assert Path(page.removeprefix("file://")).is_file()


def test_the_prompt_completes_through_the_same_source() -> None:
    """The shell's prompt_toolkit completer: ids and names inside quotes, also after `viz `."""
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from bpql.cli.shell import completer

    def entries(label: str) -> list[tuple[str, str]]:
        return [("billing", "Billing & Collections")] if label == "Department" else []

    prompt = completer(entries)
    for typed in ('impact of department "bil', 'viz impact of department "bil'):
        got = list(prompt.get_completions(Document(typed), CompleteEvent()))
        assert [c.text for c in got] == ['"billing"', '"Billing & Collections"']
        assert all(c.start_position == -len('"bil') for c in got)


def test_the_terminal_prompt_completes_with_tab_and_continues_lines(embedded: str) -> None:
    """The prompt a person gets at a terminal, fed keys through a pipe: Tab completes a word
    and a name inside quotes; an unfinished statement continues at a `...` prompt."""
    import threading
    import time

    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from bpql.backends import connect as backend
    from bpql.cli.shell import Shell, _terminal_lines

    shell = Shell(lambda: backend(embedded, read_only=True), embedded)
    keys = ["impact of dep", "\t", ' "bil', "\t", "\t", "\r", "find services where\r", "\r"]
    with create_pipe_input() as pipe:

        def type_keys() -> None:
            for k in keys:  # one at a time, as a person types: completion runs in between
                time.sleep(0.3)
                pipe.send_text(k)
            time.sleep(0.3)
            pipe.close()

        got: list[str] = []

        def prompt() -> None:
            # a thread of its own: prompt_toolkit runs its own event loop, and a browser test
            # earlier in the session may leave Playwright's loop running in this one
            lines, more = _terminal_lines(
                shell, input=pipe, output=DummyOutput(), history=InMemoryHistory()
            )
            got.extend(statements(lines, more))

        typist = threading.Thread(target=type_keys)
        reader = threading.Thread(target=prompt)
        reader.start()
        typist.start()
        typist.join()
        reader.join(timeout=60)
    assert got == ['impact of department "billing"', "find services where"]


def test_the_hints_under_a_large_answer_name_what_the_shell_can_run(embedded: str) -> None:
    """The shell has no flags: its hints name its own `viz`, and the CLI command that prints
    the rows it left out (the CLI's own hints name `--all`)."""
    query = 'impact of department "billing"'
    env = {**os.environ, "COLUMNS": "200", "BPQL_SUMMARY_ROWS": "3"}
    shell = bpql("shell", "--db", embedded, stdin=query + "\nquit\n", env=env)
    assert shell.returncode == 0, shell.stderr
    said = " ".join(shell.stdout.split())
    assert "`bpql query --all` prints every one" in said, said
    assert "`bpql query --format json` holds them all" in said
    assert "`viz` draws it" in said
    cli = bpql("query", "--db", embedded, query, env=env)
    assert cli.returncode == 0, cli.stderr
    said = " ".join(cli.stdout.split())
    assert "`--all` prints every one; `--format json` holds them all" in said, said
    assert "`bpql viz` draws it" in said
