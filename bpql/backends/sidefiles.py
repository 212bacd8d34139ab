"""Small files a store keeps beside it: the last load's state (bpql/load/protocol.py) and, for
Neo4j, the last write's bookmark (bpql/backends/neo4j.py).

Both are a shortcut only, and both may sit in a folder that came from someone else (a cloned
repository holds `.bpql/`): so each is read without following a link or opening anything but
a regular file, bounded in size, and written whole or not at all (a kill leaves the old file
or the new), never through a link, readable by its owner only.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import os
import stat
from pathlib import Path

from bpql.backends.base import alive


def state_file(uri: str) -> Path:
    """Beside an embedded store (`graph.lbdb.state`); for a server, in the user's cache
    folder (BPQL_CACHE_DIR, else XDG_CACHE_HOME/bpql or ~/.cache/bpql), one file per URI and
    database."""
    scheme, _, rest = uri.partition(":")
    if scheme == "embedded":
        store = Path(rest or ".bpql/graph.lbdb")
        return store.with_name(store.name + ".state")
    folder = os.environ.get("BPQL_CACHE_DIR")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = str(Path(base) / "bpql")
    name = f"{uri}|{os.environ.get('NEO4J_DATABASE') or ''}"
    return Path(folder) / f"{hashlib.sha256(name.encode()).hexdigest()[:24]}.state"


class Unusable(Exception):
    """Why a side file cannot be used, in words for the one line a load prints."""


def read_side_file(path: Path, limit: int) -> bytes | None:
    """The bytes of the regular file at `path` (None: no file), read without following a
    link, without waiting on a FIFO or a device, and no more than `limit` bytes."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unusable("it is a link, and a state file never is") from None
        raise Unusable(f"cannot open it: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unusable("it is not a regular file")
        if info.st_size > limit:
            raise Unusable(f"it is larger than {limit >> 20} MB")
        chunks = []
        left = limit + 1
        while left > 0:
            # the whole file in one read when it stays as it was sized: one piece is not
            # copied again to be joined (100 MB of a 10,000-service state)
            chunk = os.read(fd, min(left, max(info.st_size + 1, 1 << 16)))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise Unusable(f"it is larger than {limit >> 20} MB")
        return b"".join(chunks)
    except OSError as exc:
        raise Unusable(f"cannot read it: {exc.strerror}") from None
    finally:
        os.close(fd)


def write_side_file(path: Path, raw: bytes) -> bool:
    """Write `raw` to `path` atomically, through a temporary file of this process beside it
    (created afresh, never through a link; those that killed processes left are deleted);
    whether it was written (a folder that cannot take it raises nothing)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(glob.escape(path.name) + ".*.tmp"):
            pid = stale.name[len(path.name) + 1 : -len(".tmp")]
            if pid.isdigit() and not alive(int(pid)):
                stale.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(tmp, flags, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    return True
