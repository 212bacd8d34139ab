"""Every command and option the README shows works on a plain install (issue 21).

A fresh virtual environment (no system packages) gets `pip install <a copy of the repo>` and
nothing else: no test extras, so a command that needs Playwright or another test tool fails
here as it fails for a new user. Then every `bpql` line of the README's shell blocks runs in
a folder holding the examples (a git repository on `main` with four commits, for `--rev
HEAD~3` and `review main...HEAD`), in README order, and must exit 0 without a traceback (a
command the README says needs an extra, `bpql lsp`, may instead refuse in one line naming
it); the files it names are written; `bpql serve` must answer on loopback; the README's
Python block runs in the same environment.

Tests touch nothing outside loopback, so pip installs from a wheelhouse on disk
(`--no-index`); `scripts/test` fills it with `pip download` before the suite, as it fetches
Neo4j. Marked `slow`: the fast loop leaves it out, the full suite runs it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

README = ROOT / "README.md"
#: left out of the copy pip builds from: not needed, or build leftovers
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".bpql", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "*.lbdb*",
    "out", "tests", "bench", "docs", ".venv",
)  # fmt: skip


def wheelhouse() -> Path:
    """Where `scripts/test` keeps the wheels of the runtime dependencies (and the build
    backend), so the plain install needs no network: `BPQL_WHEELHOUSE`, else
    ~/.cache/bpql/wheelhouse (not under BPQL_CACHE_DIR, which each test session sets anew)."""
    env = os.environ.get("BPQL_WHEELHOUSE")
    return Path(env) if env else Path.home() / ".cache" / "bpql" / "wheelhouse"


def _env(venv: Path) -> dict[str, str]:
    """The environment of a new user: the venv first on PATH, no PYTHONPATH, no store or
    Neo4j settings, no pip settings pointing elsewhere."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "BPQL_DB", "PIP_FIND_LINKS", "PIP_INDEX_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("NEO4J_")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "100"
    return env


@dataclass(frozen=True)
class Plain:
    venv: Path
    #: a folder holding `examples/` as a git repository, where the commands run
    work: Path

    @property
    def env(self) -> dict[str, str]:
        return _env(self.venv)


def _git(work: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        cwd=work,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="session")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plain]:
    """A venv with `pip install <repo>` only, built once per session."""
    tmp = tmp_path_factory.mktemp("readme")
    src = tmp / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=_NOT_COPIED)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    wheels = wheelhouse()
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index",
         "--find-links", str(wheels), str(src)],
        env=_env(venv), capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert install.returncode == 0, (
        f"pip install of the repo from {wheels} failed (scripts/test fills that wheelhouse "
        f"with `pip download`):\n{install.stdout}{install.stderr}"
    )
    work = tmp / "work"
    work.mkdir()
    shutil.copytree(ROOT / "examples", work / "examples")
    _git(work, "init", "-q", "-b", "main")  # `bpql review main...HEAD`
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "one")
    for n in ("two", "three", "four"):
        _git(work, "commit", "-q", "--allow-empty", "-m", n)
    yield Plain(venv, work)


#: a README comment that says a command needs an extra: `(pip install 'bpql[lsp]')`
_EXTRA = re.compile(r"pip install '?bpql\[(\w+)\]")


def readme_commands(text: str) -> list[tuple[list[str], str | None]]:
    """Every `bpql` command of the README's shell blocks (a `$ bpql` line of its output
    blocks too), as words, comments dropped, in the README's order; with the extra its
    comment says it needs, if any."""
    out = []
    for block in re.findall(r"```(?:bash|text)\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = line.removeprefix("$ ")
            words = shlex.split(line, comments=True)
            while "&&" in words:  # `pip install -e . && bpql demo`
                words = words[words.index("&&") + 1 :]
            if words and words[0] == "bpql":
                extra = _EXTRA.search(line)
                out.append((words, extra.group(1) if extra else None))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(plain: Plain, words: list[str]) -> str | None:
    """`bpql serve` answers its page on loopback, then stops; the problem, or None."""
    port = _free_port()
    proc = subprocess.Popen(
        [*words, "--port", str(port)],
        cwd=plain.work, env=plain.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    problem: str | None = "the explorer never answered on loopback"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    if r.status == 200 and b"<html" in r.read().lower():
                        problem = None
                        break
            except OSError:
                time.sleep(0.5)
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    if "Traceback" in err:
        return f"traceback:\n{err[-3000:]}"
    return problem if problem is None else f"{problem}: {err.strip()[-1000:]}"


def _written(words: list[str]) -> list[str]:
    """The files a command says it writes (`-o`, `--view`, `> file`)."""
    out = []
    for flag in ("-o", "--view", ">"):
        if flag in words:
            out.append(words[words.index(flag) + 1])
    return out


def _run(plain: Plain, words: list[str], extra: str | None = None) -> str | None:
    """One README command; the problem, or None. A command the README says needs an extra
    may refuse on a plain install, in one line that says what to install."""
    if words[1] == "serve":
        return _serve(plain, words)
    stdin = "help\nfind services\nquit\n" if words[1] == "shell" else ""
    args = words
    stdout_to = None
    if ">" in words:
        at = words.index(">")
        args, stdout_to = words[:at], plain.work / words[at + 1]
    done = subprocess.run(
        args, cwd=plain.work, env=plain.env, input=stdin, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    if stdout_to is not None:
        stdout_to.write_text(done.stdout, encoding="utf-8")
    if "Traceback" in done.stdout + done.stderr:
        return f"traceback:\n{done.stderr[-3000:]}"
    if extra is not None and done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        if len(lines) == 1 and f"bpql[{extra}]" in lines[0]:
            return None
        return f"exit {done.returncode} without one line naming bpql[{extra}]: {done.stderr}"
    if done.returncode != 0:
        return f"exit {done.returncode}: {done.stderr.strip()[-1000:]}"
    # a file with something in it, or a folder (`import ... -o examples/insurer`)
    for f in map(plain.work.joinpath, _written(words)):
        if not (f.is_dir() or (f.is_file() and f.stat().st_size > 0)):
            return f"did not write {f.name}"
    return None


def test_the_readme_shows_commands_to_run() -> None:
    commands = readme_commands(README.read_text(encoding="utf-8"))
    shown = {words[1] for words, _ in commands}
    # the commands a newcomer meets first; a README rewrite that loses them fails here
    assert {"demo", "validate", "lint", "load", "query", "diff", "viz", "serve"} <= shown
    assert len(commands) >= 20


def test_every_readme_command_runs_on_a_plain_install(plain: Plain) -> None:
    # a plain install: the test extras are not there, as for a new user
    probe = subprocess.run(
        [str(plain.venv / "bin" / "python"), "-c", "import playwright"],
        env=plain.env, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert probe.returncode != 0, "the venv sees the test extras: not a plain install"
    commands = readme_commands(README.read_text(encoding="utf-8"))
    # `-o claims.svg  # or .png, for slides`: the PNG too
    for words, _ in list(commands):
        if words[:2] == ["bpql", "viz"] and words[-1].endswith(".svg"):
            commands.append(([*words[:-1], words[-1].removesuffix(".svg") + ".png"], None))
    problems = []
    for words, extra in commands:
        problem = _run(plain, words, extra)
        if problem is not None:
            problems.append(f"$ {shlex.join(words)}\n{problem}")
    assert not problems, "\n\n".join(problems)


def test_the_readme_python_runs_on_a_plain_install(plain: Plain) -> None:
    text = README.read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    script = plain.work / "readme_example.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [str(plain.venv / "bin" / "python"), str(script)],
        cwd=plain.work, env=plain.env, capture_output=True, text=True, timeout=600,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert "MATCH" in done.stdout  # the explained Cypher, statement by statement
    assert (plain.work / "claims.html").is_file()
