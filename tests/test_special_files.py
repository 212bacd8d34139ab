"""Special files and links in an enterprise folder (issue 19, item 6): every command that
reads an enterprise finds its files through one function (bpql.model.files.collect_files)
and reads each through one reader, so a named pipe, a socket, a device, a link loop, a link
out of the folder or a file too large is one line naming the file, never a hang or a
traceback; a folder named x.yaml and a link back up the tree are walked once, as folders.

Every run is under a deadline (SIGALRM interrupts a blocking open or an endless read), so a
hang fails the test in seconds instead of stalling the suite.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bpql.errors import BlueprintError
from bpql.model import files
from bpql.model.files import MAX_FILE_BYTES, collect_files, read_regular
from tests.test_load import GOOD, ROOT, bpql

#: seconds any one command may take here before the test fails as a hang
LIMIT = 30


class Hang(Exception):
    """Raised by the alarm inside a blocked call."""


@contextmanager
def deadline(seconds: float = LIMIT) -> Iterator[None]:
    """Fail with Hang if the block runs longer than `seconds` (main thread, Unix)."""

    def ring(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def guarded(*args: str, seconds: float = LIMIT) -> subprocess.CompletedProcess[str]:
    """`bpql ARGS` in this process, under a deadline."""
    with deadline(seconds):
        return bpql(*args)


def enterprise(tmp: Path) -> Path:
    folder = tmp / "ent"
    shutil.copytree(ROOT / GOOD, folder)
    return folder


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "x.yaml")
    return "x.yaml"


def _socket(folder: Path) -> str:
    here = os.getcwd()
    os.chdir(folder)  # a socket's path is limited to about 100 bytes: bind a short one
    try:
        s = socket.socket(socket.AF_UNIX)
        s.bind("x.yaml")
        s.close()
    finally:
        os.chdir(here)
    return "x.yaml"


def _loop(folder: Path) -> str:
    (folder / "a.yaml").symlink_to("b.yaml")
    (folder / "b.yaml").symlink_to("a.yaml")
    return "a.yaml"


def _self_loop(folder: Path) -> str:
    (folder / "services" / "me.yaml").symlink_to("me.yaml")
    return "services/me.yaml"


def _device(folder: Path) -> str:
    (folder / "zero.yaml").symlink_to("/dev/zero")
    return "zero.yaml"


def _outside(folder: Path) -> str:
    other = folder.parent / "elsewhere.yaml"
    other.write_text((ROOT / GOOD / "services" / "claims.yaml").read_text())
    (folder / "services" / "linked.yaml").symlink_to(other)
    return "services/linked.yaml"


def _outside_folder(folder: Path) -> str:
    (folder.parent / "shared").mkdir()
    (folder / "shared").symlink_to(folder.parent / "shared", target_is_directory=True)
    return "shared"


def _dangling(folder: Path) -> str:
    (folder / "gone.yaml").symlink_to("nowhere.yaml")
    return "gone.yaml"


def _large(folder: Path) -> str:
    with (folder / "services" / "huge.yaml").open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk is used
    return "services/huge.yaml"


#: case -> (make it in the folder, giving the path it names; code; words of the message)
REFUSED: dict[str, tuple[Callable[[Path], str], str, str]] = {
    "fifo": (_fifo, "BPQL-F032", "a named pipe (FIFO), not a file"),
    "socket": (_socket, "BPQL-F032", "a socket, not a file"),
    "link-loop": (_loop, "BPQL-F034", "a symbolic link loop"),
    "link-to-itself": (_self_loop, "BPQL-F034", "a symbolic link loop"),
    "link-to-a-device": (_device, "BPQL-F035", "a link to '/dev/zero', outside the enterprise"),
    "link-out-of-the-folder": (_outside, "BPQL-F035", "outside the enterprise folder"),
    "folder-link-out-of-the-folder": (_outside_folder, "BPQL-F035", "outside the enterprise"),
    "dangling-link": (_dangling, "BPQL-F031", "which does not exist"),
    "too-large": (_large, "BPQL-F033", "the file is 8.0 MB; files are read up to 8.0 MB"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
@pytest.mark.parametrize("command", ["validate", "lint", "load", "register", "diff"])
def test_special_files_are_one_line_each(command: str, case: str, tmp_path: Path) -> None:
    """Every command that reads an enterprise folder (`diff` compares it with another)."""
    folder = enterprise(tmp_path)
    make, _, words = REFUSED[case]
    named = make(folder)
    db = tmp_path / "db" / "graph.lbdb"
    extra = {"load": ["--db", f"embedded:{db}"], "diff": [GOOD]}.get(command, [])
    r = guarded(command, str(folder), *extra)
    assert r.returncode == 2, r.stdout
    assert "Traceback" not in r.stderr and r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), r.stderr
    assert lines[0].startswith(f"error: {folder / named}:1:1: "), lines[0]
    assert words in lines[0], lines[0]
    assert len(lines) == (2 if case == "link-loop" else 1), lines
    assert not db.parent.exists(), "a refused load wrote nothing"


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_each_refusal_has_its_code(case: str, tmp_path: Path) -> None:
    folder = enterprise(tmp_path)
    make, code, _ = REFUSED[case]
    make(folder)
    with deadline(), pytest.raises(BlueprintError) as info:
        collect_files([folder])
    assert {p.code for p in info.value.problems} == {code}


def test_a_real_load_process_does_not_wait_on_a_fifo(tmp_path: Path) -> None:
    """The probe's case, in a process of its own: `bpql load` on a folder with a FIFO named
    x.yaml waited past 300 s for a writer."""
    folder = enterprise(tmp_path)
    _fifo(folder)
    db = tmp_path / "db" / "graph.lbdb"
    r = bpql("load", str(folder), "--db", f"embedded:{db}", process=True, timeout=LIMIT * 2)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert (
        r.stderr == f"error: {folder / 'x.yaml'}:1:1: a named pipe (FIFO), not a file; an "
        "enterprise folder holds only regular .yaml files\n"
    )
    assert not db.parent.exists()


def test_files_named_on_the_command_line(tmp_path: Path) -> None:
    """A file named explicitly is read wherever it is (the user chose it), if it is a
    regular file: a device or a pipe is refused, never opened for an endless read."""
    folder = enterprise(tmp_path)
    outside = tmp_path / "shared-enterprise.yaml"
    shutil.move(folder / "enterprise.yaml", outside)
    r = guarded("validate", str(folder), str(outside))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok: Harbour Mutual: 3 files")
    r = guarded("validate", str(folder), "/dev/zero")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr == (
        "error: /dev/zero:1:1: a character device, not a file; an enterprise folder holds "
        "only regular .yaml files\n"
    )
    os.mkfifo(tmp_path / "pipe.yaml")
    r = guarded("validate", str(tmp_path / "pipe.yaml"))
    assert r.returncode == 2 and "a named pipe (FIFO), not a file" in r.stderr


def test_what_is_walked_as_a_folder(tmp_path: Path) -> None:
    """A folder named x.yaml is a folder; a link back up the tree and a link to a file of the
    folder are walked or read once; other special files not named .yaml are none of ours."""
    folder = enterprise(tmp_path)
    (folder / "notes.yaml").mkdir()
    shutil.move(folder / "services" / "claims-to-be.yaml", folder / "notes.yaml")
    (folder / "services" / "up").symlink_to("..", target_is_directory=True)
    (folder / "again.yaml").symlink_to("services/claims.yaml")
    os.mkfifo(folder / "README.pipe")
    (folder / "loop").symlink_to("loop")
    found = collect_files([folder])
    assert [f.relative_to(folder).as_posix() for f in found] == [
        "again.yaml",
        "enterprise.yaml",
        "notes.yaml/claims-to-be.yaml",
    ]
    r = guarded("validate", str(folder))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ok: Harbour Mutual: 3 files, 1 service, 2 blueprints, 15 steps\n"


def test_every_problem_of_the_folder_at_once(tmp_path: Path) -> None:
    folder = enterprise(tmp_path)
    _fifo(folder)
    _dangling(folder)
    _large(folder)
    r = guarded("validate", str(folder))
    assert r.returncode == 2
    assert [line.split(":1:1: ")[0] for line in r.stderr.splitlines()] == [
        f"error: {folder / 'gone.yaml'}",
        f"error: {folder / 'services' / 'huge.yaml'}",
        f"error: {folder / 'x.yaml'}",
    ]


def test_the_reader_checks_the_open_file_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file swapped for a pipe between the check and the open is caught on the open
    descriptor (O_NONBLOCK: the open itself does not wait for a writer)."""
    os.mkfifo(tmp_path / "x.yaml")
    monkeypatch.setattr(files, "check_regular", lambda path, limit=0: None)
    with deadline(), pytest.raises(files.FileRefused) as info:
        read_regular(tmp_path / "x.yaml")
    assert info.value.kind == "special"


def test_a_file_growing_past_the_bound_is_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever stat said (here: nothing), no more than the bound is read."""
    f = tmp_path / "x.yaml"
    f.write_bytes(b"a" * 2000)
    assert read_regular(f, limit=2000) == b"a" * 2000
    monkeypatch.setattr(files, "_check_stat", lambda st, limit: None)
    with pytest.raises(files.FileRefused) as info:
        read_regular(f, limit=1999)
    assert info.value.kind == "large" and "grew past" in info.value.reason


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    data = bytes(range(256)) * 5000  # more than one read's chunk
    f.write_bytes(data)
    assert read_regular(f) == data


def _ap_fifo(folder: Path) -> str:
    os.mkfifo(folder / "ap.csv")
    return "ap.csv"


def _ap_outside(folder: Path) -> str:
    shutil.copy(ROOT / "bpql" / "data" / "action_priority.csv", folder.parent / "ap.csv")
    return "../ap.csv"


def _ap_linked_out(folder: Path) -> str:
    (folder / "ap.csv").symlink_to("/etc/hostname")
    return "ap.csv"


def _ap_large(folder: Path) -> str:
    with (folder / "ap.csv").open("wb") as f:
        f.truncate(2 << 20)
    return "ap.csv"


AP_TABLES: dict[str, tuple[Callable[[Path], str], str]] = {
    "a-fifo": (_ap_fifo, "a named pipe (FIFO), not a file"),
    "outside-the-folder": (_ap_outside, "': outside the enterprise file's folder; expected"),
    "a-link-out-of-the-folder": (_ap_linked_out, "': outside the enterprise file's folder"),
    "too-large": (_ap_large, "the file is 2.0 MB; files are read up to 1.0 MB"),
}


@pytest.mark.parametrize("case", sorted(AP_TABLES))
def test_the_action_priority_table_is_read_as_safely(case: str, tmp_path: Path) -> None:
    """The one other file an enterprise names (`fmea: {action_priority: ap.csv}`): a regular
    file of at most 1 MB beside the enterprise file, or one line at the field."""
    folder = enterprise(tmp_path)
    make, words = AP_TABLES[case]
    name = make(folder)
    ent = folder / "enterprise.yaml"
    text = ent.read_text(encoding="utf-8")
    ent.write_text(text + f"fmea:\n  action_priority: {name}\n", encoding="utf-8")
    line = text.count("\n") + 2
    r = guarded("validate", str(folder))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    (shown,) = r.stderr.splitlines()
    assert shown.startswith(f"error: {ent}:{line}:20: fmea.action_priority: "), shown
    assert words in shown


def test_a_folder_that_cannot_be_read_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(As root, permissions cannot make one: the listing is made to fail instead.)"""
    folder = enterprise(tmp_path)
    real = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path).name == "services":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(files.os, "scandir", scandir)
    with pytest.raises(BlueprintError) as info:
        collect_files([folder])
    (problem,) = info.value.problems
    assert problem.code == "BPQL-F036"
    assert (
        problem.one_line() == f"{folder / 'services'}: cannot read this folder: Permission denied"
    )
