"""Everyday use (issue 13, items 1, 4 and 15): stores that do not lock their readers out, loads
that say what they add, change and remove, and tables that fit the terminal.

Every command runs through the real CLI in a subprocess; shells are driven through a pipe on
their standard input, one query at a time, while other commands run beside them.
"""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import pytest

from bpql.backends import connect
from bpql.present.terminal import column_widths
from tests.test_load import ROOT, Store, bpql, embedded_store

INSURER = ROOT / "examples" / "insurer"
OTHERS = ("billing", "complaints", "onboarding", "quote", "renewals")  # insurer services not claims


class Shell:
    """A `bpql shell` on a pipe: `ask` sends one query and returns its answer."""

    def __init__(self, store: Store, columns: int = 100) -> None:
        env = {**store.env, "COLUMNS": str(columns)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bpql.cli", "shell", "--db", store.uri],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        assert self.proc.stdout is not None
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()
        banner = self._until(lambda line: line.rstrip().endswith("Ctrl-D"))
        # the banner wraps at the terminal's width, between words (a long store path goes
        # onto a line of its own)
        words = " ".join(line.strip() for line in banner)
        assert f"bpql shell on {store.uri};" in words, banner

    def _read(self, out: IO[str]) -> None:
        for line in out:
            self.lines.put(line.rstrip("\n"))
        out.close()  # drained: the shell has ended
        self.lines.put(None)

    def _until(self, last: Any, timeout: float = 120) -> list[str]:
        got: list[str] = []
        while True:
            line = self.lines.get(timeout=timeout)
            if line is None:
                raise AssertionError(f"the shell ended: {got}")
            got.append(line)
            if last(line):
                return got

    def ask(self, query: str) -> str:
        """The answer to a query that ends in `N rows` (or an error line)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(query + "\n")
        self.proc.stdin.flush()
        done = re.compile(r"^(\d+ rows?|error.*)$")
        return "\n".join(self._until(lambda line: bool(done.match(line))))

    def quit(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(timeout=60)


def rows(answer: str) -> int:
    found = re.search(r"^(\d+) rows?$", answer, re.M)
    assert found, answer
    return int(found.group(1))


@pytest.mark.slow
def test_two_shells_a_viz_a_query_and_a_load_share_one_embedded_store(tmp_path: Path) -> None:
    """Item 1: readers never lock each other out, and a load beside open shells succeeds; the
    shells' next queries see the new graph (each query opens the store afresh, read-only)."""
    store = embedded_store(tmp_path)
    store.load(INSURER)
    one, two = Shell(store), Shell(store)
    try:
        assert rows(one.ask("find services")) == 6
        assert rows(two.ask('find steps where in service "claims"')) > 0
        assert rows(one.ask("count steps by lane")) == 4  # both shells open, both answering
        page = tmp_path / "view.html"
        r = bpql("viz", 'show system "crm"', "-o", str(page), "--db", store.uri, env=store.env)
        assert r.returncode == 0, r.stderr
        assert page.stat().st_size > 10_000
        r = bpql("viz", "--blueprint", "claims", "-o", str(page), "--db", store.uri)
        assert r.returncode == 0, r.stderr
        r = bpql("query", "find services", "--format", "json", "--db", store.uri)
        assert r.returncode == 0, r.stderr
        assert len(json.loads(r.stdout)["rows"]) == 6
        # a load while both shells are open: it writes, and the shells read the new graph
        claims = [str(INSURER / "enterprise.yaml"), str(INSURER / "services" / "claims.yaml")]
        r = bpql("load", *claims, "--db", store.uri)
        assert r.returncode == 0, r.stderr
        assert rows(one.ask("find services")) == 1
        assert rows(two.ask("find services")) == 1
        store.load(INSURER)
        assert rows(two.ask("find services")) == 6
    finally:
        assert one.quit() == 0
        assert two.quit() == 0


def test_a_load_while_a_shell_is_open_is_seen_at_its_next_query(store: Store) -> None:
    """Item 1 on both stores: the decision is that the load succeeds."""
    store.load(INSURER)
    shell = Shell(store)
    try:
        assert rows(shell.ask("find services")) == 6
        store.load(INSURER / "enterprise.yaml", INSURER / "services" / "quote.yaml")
        answer = shell.ask("find services")
        assert rows(answer) == 1 and "quote" in answer
    finally:
        assert shell.quit() == 0


@pytest.mark.slow
def test_queries_beside_repeated_loads_never_fail_nor_see_half_a_load(tmp_path: Path) -> None:
    """Item 1: while loads run one after another, every read-only open succeeds (LadybugDB
    refuses them during a writer's checkpoint; the backend waits it out) and every answer is
    the graph of one load or the other, never a mixture."""
    store = embedded_store(tmp_path)
    store.load(INSURER)
    script = (
        "import subprocess, sys\n"
        "for files in sys.argv[2:] * 2:\n"
        "    subprocess.run([sys.executable, '-m', 'bpql.cli', 'load', *files.split(','),"
        " '--db', sys.argv[1]], check=True, capture_output=True)\n"
    )
    claims = f"{INSURER / 'enterprise.yaml'},{INSURER / 'services' / 'claims.yaml'}"
    loads = subprocess.Popen(
        [sys.executable, "-c", script, store.uri, claims, str(INSURER)], cwd=ROOT
    )
    seen: list[int] = []
    try:
        while loads.poll() is None:
            with connect(store.uri, create=False, read_only=True) as backend:
                _, found = backend.read("MATCH (s:Service) RETURN count(s)", {})
                seen.append(found[0][0])
    finally:
        assert loads.wait(timeout=300) == 0
    assert len(seen) >= 3 and set(seen) <= {1, 6}, seen


@pytest.mark.slow
def test_a_second_writer_is_told_which_process_holds_the_store(tmp_path: Path) -> None:
    """Item 1: one writer at a time on the embedded store; the other gets one line with the
    holder's PID and command, and a non-zero exit."""
    store = embedded_store(tmp_path)
    store.load(INSURER)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import bpql.backends as b, sys; c = b.connect(sys.argv[1]); "
         "print('open', flush=True); sys.stdin.read()", store.uri],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        r = bpql("load", str(INSURER), "--db", store.uri)
        assert r.returncode == 3 and r.stdout == ""
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
        assert r.stderr.startswith(f"error: the embedded store {store.uri} is open for writing")
        assert f"PID {holder.pid} (" in r.stderr and "b.connect" in r.stderr
        r = bpql("load", str(INSURER), "--db", store.uri, "--format", "json")
        assert r.returncode == 3 and json.loads(r.stdout)["error"]["code"] == "BPQL-S030"
        # readers are not locked out by the writer
        r = bpql("query", "count services by name", "--db", store.uri)
        assert r.returncode == 0 and "6 rows" in r.stdout, r.stderr
        assert bpql("stats", "--db", store.uri).returncode == 0
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
        if holder.stdout is not None:
            holder.stdout.close()
    assert bpql("load", str(INSURER), "--db", store.uri).returncode == 0  # free again


def edited_insurer(folder: Path) -> Path:
    """The insurer with renewals gone, one step renamed and one evidence added."""
    shutil.copytree(INSURER, folder)
    (folder / "services" / "renewals.yaml").unlink()
    claims = folder / "services" / "claims.yaml"
    text = claims.read_text()
    assert "    name: Close claim file\n" in text
    claims.write_text(text.replace("    name: Close claim file\n", "    name: Close the file\n"))
    return folder


def test_load_prints_what_it_adds_changes_and_removes(store: Store, tmp_path: Path) -> None:
    """Item 4 on both stores: per kind, with the ids of services removed, and the same as
    data with --format json."""
    r = bpql("load", str(INSURER), "--db", store.uri, env=store.env)
    assert r.returncode == 0, r.stderr
    r = bpql("load", str(INSURER), "--db", store.uri, env=store.env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"loaded Northwind Mutual into {store.uri}: 225 nodes")
    assert lines[1:] == ["  no changes: the store already holds exactly these files' graph"]

    edited = edited_insurer(tmp_path / "edited")
    r = bpql("load", str(edited), "--db", store.uri, env=store.env)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[1] == "  services: 1 removed (renewals)"
    assert "  steps: 1 changed (claims.close-claim: name), 10 removed" in out
    assert out[-1].startswith("  relationships: ") and "removed" in out[-1]
    assert r.stderr.startswith("note: 1 service not in these files was removed, as a store")

    r = bpql("load", str(INSURER), "--db", store.uri, "--format", "json", env=store.env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["loaded"] == "Northwind Mutual" and doc["dry_run"] is False
    service = doc["changes"]["nodes"]["Service"]
    assert (service["added_ids"], service["removed"], service["unchanged"]) == (["renewals"], 0, 5)
    step = doc["changes"]["nodes"]["Step"]
    assert step["changed_ids"] == ["claims.close-claim"] and step["added"] == 10
    assert sum(v["added"] for v in doc["changes"]["relationships"].values()) > 0


def test_dry_run_prints_the_changes_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    """Item 4: `bpql load enterprise.yaml services/claims.yaml` would delete five services;
    --dry-run says so, names them, and leaves the store as it was."""
    store.load(INSURER)
    before = store.dump()
    files = [str(INSURER / "enterprise.yaml"), str(INSURER / "services" / "claims.yaml")]
    r = bpql("load", *files, "--dry-run", "--db", store.uri, env=store.env)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == (
        f"dry run: nothing written to {store.uri}; loading Northwind Mutual would make these "
        "changes:"
    )
    assert out[1] == f"  services: 5 removed ({', '.join(OTHERS)})"
    assert "  steps: 60 removed" in out and not any(line.startswith("loaded") for line in out)
    assert r.stderr.startswith("note: 5 services not in these files would be removed")
    r = bpql("load", *files, "--dry-run", "--format", "json", "--db", store.uri, env=store.env)
    doc = json.loads(r.stdout)
    assert doc["dry_run"] is True and doc["loaded"] is None
    assert doc["changes"]["nodes"]["Service"]["removed_ids"] == list(OTHERS)
    assert store.dump() == before


def test_dry_run_on_a_store_not_made_yet_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "new" / "g.lbdb"
    r = bpql("load", str(INSURER), "--dry-run", "--db", f"embedded:{target}")
    assert r.returncode == 0, r.stderr
    assert "  services: 6 added (billing, claims, complaints, onboarding, quote, renewals)" in (
        r.stdout.splitlines()
    )
    assert not (tmp_path / "new").exists()


#: (query, words every answer shows whole)
ANSWERS = (
    ('find steps where in service "claims"', ("claims.call-claims-line", "Motor claims")),
    ('impact of department "billing"', ("New customer onboarding", "Letters by post")),
    ('show system "crm" depth 1', ("Step:claims:to-be.review-complex", "FrontstageAction")),
)


@pytest.mark.parametrize("columns", [80, 140])
def test_tables_fit_the_terminal(store: Store, columns: int) -> None:
    """Item 15 at 80 and 140 columns: no line wider than the terminal, no header or name cut
    with `…`, every word whole, lists one item per line."""
    store.load(INSURER)
    env = {**store.env, "COLUMNS": str(columns)}
    outputs = {}
    for query, words in ANSWERS:
        r = bpql("query", query, "--db", store.uri, env=env)
        assert r.returncode == 0, r.stderr
        outputs[query] = r.stdout
        for line in r.stdout.splitlines():
            assert len(line) <= columns, line
        assert "…" not in r.stdout
        for name in words:  # wrapped at spaces at most, never cut inside a word
            assert all(word in r.stdout.split() for word in name.split()), (name, r.stdout)
    r = bpql("stats", "--db", store.uri, env=env)
    assert r.returncode == 0 and "…" not in r.stdout
    assert "relationship" in r.stdout and "HAS_FAIL_POINT" in r.stdout
    impact = outputs['impact of department "billing"']
    if columns == 80:  # too many columns for 80: one block per service, full names as headings
        assert "service: New customer onboarding" in impact
        assert re.search(r"^  touchpoints +Customer service line$", impact, re.M)
        assert re.search(r"^ +Letters by post$", impact, re.M)  # one item per line
    else:
        for header in ("service", "touchpoints", "channels", "failpoints", "max_rpn"):
            assert f" {header} " in impact
        assert re.search(r"│ Motor claims +│ 3 ", impact)
        assert re.search(r"│ +│ +│.*│ Letters by post +│ letter ", impact)  # one per line


def test_column_widths_keep_every_word_whole() -> None:
    cells = [["Motor quote and buy", "3"], ["New customer onboarding", "12"]]
    assert column_widths(["service", "steps"], cells, 80) == [23, 5]
    assert column_widths(["service", "steps"], cells, 22) == [10, 5]  # wraps at spaces only
    assert column_widths(["service", "steps"], cells, 21) is None  # blocks instead
    widths = column_widths(["a", "b", "c"], [["x y z", "one two three", "k"]], 22)
    assert widths == [5, 6, 1]  # the first column whole, the rest shared
