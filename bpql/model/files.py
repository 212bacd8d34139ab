"""Finding an enterprise's files and reading them, safely.

A folder may hold what no blueprint author put there on purpose: a named pipe called
`x.yaml` (opening it for reading waits for a writer forever), a link to `/dev/zero` (reading
it never ends), a link loop, a link to a file elsewhere on the machine, a file of gigabytes.
Every command that reads an enterprise (`validate`, `lint`, `load`, `register`, `diff`, the
Python API) finds its files through `collect_files` and reads each through `read_regular`,
so each of these is one line naming the file, never a hang or a traceback. The rules are in
docs/format.md ("Files in an enterprise folder").
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from bpql.errors import BlueprintError, BpqlError, Span

YAML_SUFFIXES = (".yaml", ".yml")

#: the largest blueprint or enterprise file read: a 1,000-step blueprint is about 300 KB, so
#: this is far beyond any real file, and it keeps a stray dump or a sparse file from filling
#: memory before the YAML reader even starts
MAX_FILE_BYTES = 8 * 1024 * 1024

Refusal = Literal["dangling", "loop", "special", "large", "unreadable"]


class FileRefused(Exception):
    """A file that is not read: why (`reason`, in words) and what kind of refusal it is."""

    def __init__(self, reason: str, kind: Refusal) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def _what(mode: int) -> str:
    """A file that is not a regular file, named as a person would name it."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MB"


def _refusal(path: Path, exc: OSError) -> FileRefused:
    """An OSError from stat or open, as the refusal it means."""
    if exc.errno == errno.ELOOP:
        return FileRefused("a symbolic link loop: the link never reaches a file", "loop")
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return FileRefused(
            f"a link to {os.readlink(path)!r}, which does not exist; the enterprise would "
            "load without this file",
            "dangling",
        )
    if exc.errno == errno.ENXIO:  # opening a socket
        return FileRefused("a socket, not a file", "special")
    return FileRefused(f"cannot read file: {exc.strerror}", "unreadable")


def check_regular(path: Path, limit: int = MAX_FILE_BYTES) -> None:
    """Raise FileRefused unless `path` (links followed) is a regular file of at most `limit`
    bytes; no file is opened, so a device or a pipe is never touched."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _refusal(path, exc) from None
    _check_stat(st, limit)


def _check_stat(st: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise FileRefused(f"{_what(st.st_mode)}, not a file", "special")
    if st.st_size > limit:
        raise FileRefused(
            f"the file is {_megabytes(st.st_size)}; files are read up to {_megabytes(limit)}",
            "large",
        )


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or FileRefused.

    The file is checked before it is opened (a device is never opened), then opened without
    blocking (a pipe put there in between answers at once) and checked again on the open
    descriptor, which is what is read: at most `limit` bytes, however the file grows."""
    check_regular(path, limit)
    flags = os.O_RDONLY
    for name in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY"):
        flags |= getattr(os, name, 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _refusal(path, exc) from None
    try:
        _check_stat(os.fstat(fd), limit)
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise FileRefused(
                    f"the file grew past {_megabytes(limit)} while it was read", "large"
                )
        return b"".join(chunks)
    except OSError as exc:
        raise _refusal(path, exc) from None
    finally:
        os.close(fd)


#: what a special file is told it should have been, unless its reader says otherwise
ENTERPRISE_FILES = "an enterprise folder holds only regular .yaml files"


def refused_file(exc: FileRefused, name: str, expected: str = ENTERPRISE_FILES) -> BpqlError:
    """A YAML file that is not read, as the one-line error naming it (`expected`: what a
    device or a pipe is told, in the words of what was being read)."""
    span = Span(1, 1, file=name)
    if exc.kind == "dangling":
        return BpqlError(exc.reason, span, code="BPQL-F031")
    if exc.kind == "special":
        return BpqlError(f"{exc.reason}; {expected}", span, code="BPQL-F032")
    if exc.kind == "large":
        return BpqlError(exc.reason, span, code="BPQL-F033")
    if exc.kind == "loop":
        return BpqlError(exc.reason, span, code="BPQL-F034")
    return BpqlError(exc.reason, span, code="BPQL-F012")


# --- discovery --------------------------------------------------------------------------


def _is_yaml(name: str) -> bool:
    return name.endswith(YAML_SUFFIXES)


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.is_relative_to(root)
    except ValueError:
        return False


class _Walk:
    """One folder given on the command line, walked once: every folder by its device and
    inode (a link back up is not walked again), links followed only inside the folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.files: list[Path] = []
        self.problems: list[BpqlError] = []
        self.seen: set[tuple[int, int]] = set()

    def run(self) -> None:
        stack = [self.root]
        while stack:
            folder = stack.pop()
            try:
                st = os.stat(folder)
                if (st.st_dev, st.st_ino) in self.seen:
                    continue
                self.seen.add((st.st_dev, st.st_ino))
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.problems.append(
                    BpqlError(
                        f"{folder}: cannot read this folder: {exc.strerror}", code="BPQL-F036"
                    )
                )
                continue
            for entry in entries:
                sub = self.entry(Path(entry.path), entry)
                if sub is not None:
                    stack.append(sub)

    def entry(self, path: Path, entry: os.DirEntry[str]) -> Path | None:
        """Take a file, or give back a folder to walk."""
        yaml = _is_yaml(entry.name)
        try:
            if entry.is_symlink():
                return self.link(path, yaml)
            if entry.is_dir(follow_symlinks=False):
                return path
            if yaml:
                _check_stat(entry.stat(follow_symlinks=False), MAX_FILE_BYTES)
                self.files.append(path)
        except FileRefused as exc:
            self.problems.append(refused_file(exc, str(path)))
        except OSError as exc:
            self.problems.append(refused_file(_refusal(path, exc), str(path)))
        return None

    def link(self, path: Path, yaml: bool) -> Path | None:
        """A link is followed when it stays inside the folder: a link out of it would make
        what loads depend on the machine (and read files the enterprise does not own)."""
        try:
            st = os.stat(path)
        except OSError as exc:
            if yaml:  # a link to nothing, or a loop: this file would silently vanish
                self.problems.append(refused_file(_refusal(path, exc), str(path)))
            return None
        is_dir = stat.S_ISDIR(st.st_mode)
        if not (yaml or is_dir):
            return None
        target = path.resolve()
        if not _inside(target, self.real_root):
            self.problems.append(
                BpqlError(
                    f"a link to {str(target)!r}, outside the enterprise folder {str(self.root)!r}; "
                    "links are followed only inside it (name that file or folder on the "
                    "command line to read it)",
                    Span(1, 1, file=str(path)),
                    code="BPQL-F035",
                )
            )
            return None
        if is_dir:
            return path
        try:
            _check_stat(st, MAX_FILE_BYTES)
        except FileRefused as exc:
            self.problems.append(refused_file(exc, str(path)))
            return None
        self.files.append(path)
        return None


def collect_files(paths: Sequence[Path]) -> list[Path]:
    """The YAML files of the folders and files given, each once, in a stable order.

    A folder is walked for `.yaml`/`.yml` files; anything there named so that is not a
    regular file inside the folder is an error (one line each, all of them at once), since
    the enterprise would otherwise load without it. A file named on the command line is
    read wherever it is, if it is a regular file."""
    files: list[Path] = []
    problems: list[BpqlError] = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ENOENT and not os.path.islink(path):
                raise BpqlError(f"{path}: no such file or folder", code="BPQL-F002") from None
            problems.append(refused_file(_refusal(path, exc), str(path)))
            continue
        if stat.S_ISDIR(st.st_mode):
            walk = _Walk(path)
            walk.run()
            problems.extend(walk.problems)
            if not walk.files and not walk.problems:
                raise BpqlError(f"{path}: no .yaml files in this folder", code="BPQL-F001")
            files.extend(sorted(walk.files))
            continue
        try:
            _check_stat(st, MAX_FILE_BYTES)
        except FileRefused as exc:
            problems.append(refused_file(exc, str(path)))
            continue
        files.append(path)
    if problems:
        problems.sort(key=lambda p: str(p.span.file) if p.span else p.message)
        raise BlueprintError(problems)
    seen: set[object] = set()
    unique = []
    for f in files:
        key = _identity(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _identity(f: Path) -> object:
    """The file a path names, so a file named twice (a link, `a/../a`) is read once: its
    device and inode (one call; resolving the path took one per folder in it)."""
    try:
        st = f.stat()
    except OSError:
        return f.resolve()
    return (st.st_dev, st.st_ino)
