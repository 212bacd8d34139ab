"""`bpql demo`'s first screen: a few lines per daily job (headline figures, top rows) and where
to look further (the command for the whole answer, the views it wrote), at 80 columns."""

from __future__ import annotations

import os
import re
from pathlib import Path

from bpql.cli.demo import SHOWCASE
from tests.test_cli import DEMO_TEXTS
from tests.test_load import bpql


def test_the_demo_fits_a_screen_per_job_and_says_where_to_look(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    r = bpql("demo", "--store", str(tmp_path), env=env, process=True)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) < 120, len(lines)
    for _, title, query in SHOWCASE:
        assert title.strip() in r.stdout, title
        assert f"bpql> {query}" in r.stdout
    # each job: a headline and a few rows, then the command that gives the whole answer
    commands = [line for line in lines if line.startswith("whole answer: bpql query '")]
    assert len(commands) == len(SHOWCASE)
    assert all("--db embedded:" in c for c in commands)
    jobs = r.stdout.split(" Further ")[0].split(" What the claims log says ")[0]
    blocks = jobs.split("bpql> ")[1:]
    assert all(len(b.strip().splitlines()) <= 12 for b in blocks)  # with the next rule
    assert "hops" not in r.stdout  # the impact answer is summed up, not listed step by step
    # the views it wrote are there, and named
    drawn = re.findall(
        r"(?:drawn|blueprint of Motor claims|its as-is against its to-be): (\S+)", r.stdout
    )
    assert len(drawn) == 4
    for path in drawn:
        page = Path(path)
        assert page.is_file() and page.parent == tmp_path / "views"
        assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # only commands to copy and paths run past 80 columns
    for line in lines:
        assert len(line) <= 80 or line.startswith("whole answer:") or "/" in line, line
    # the observed service: its figures, and its blueprint as the log shows it
    assert "conformance" in r.stdout and "first-time-right" in r.stdout
    (observed,) = re.findall(r"as its log shows it: (\S+)", r.stdout)
    assert Path(observed).read_text(encoding="utf-8").count('data-diff="') >= 5
    for text in DEMO_TEXTS:
        assert text in r.stdout, text
