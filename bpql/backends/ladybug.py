"""LadybugDB, in-process: the embedded default, so BPQL works with no server.

LadybugDB declares its schema up front: one node table per label (a step's lane is a property,
not a second label) and one relationship table per type with a fixed FROM/TO pair. Both come
from the schema registry here.
"""

from __future__ import annotations

import contextlib
import glob
import math
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from bpql.backends import writes
from bpql.backends.base import (
    Backend,
    Expected,
    Fingerprint,
    Progress,
    Run,
    T,
    alive,
    change_size,
    claim,
    distinct,
    fingerprint,
    new_token,
    write_changes,
)
from bpql.backends.writes import LADYBUG
from bpql.errors import BackendError
from bpql.graphdata import Delta, GraphData
from bpql.result import GraphEdge, GraphNode, GraphPath
from bpql.schema import LANE_BY_KEY, LOAD_STATE, NODE_KINDS, NODES, REL_KINDS


def ddl() -> list[str]:
    """CREATE TABLE statements generated from the schema registry."""
    out = []
    for kind in NODE_KINDS:
        cols = ", ".join(
            f"`{p.name}` {p.type}" + (" PRIMARY KEY" if p.name == "id" else "") for p in kind.props
        )
        out.append(f"CREATE NODE TABLE IF NOT EXISTS {kind.label}({cols})")
    for rel in REL_KINDS:
        out.append(f"CREATE REL TABLE IF NOT EXISTS {rel.type}(FROM {rel.src} TO {rel.dst})")
    out.append(f"CREATE NODE TABLE IF NOT EXISTS {LOAD_STATE}(id STRING PRIMARY KEY, token STRING)")
    return out


#: above this many nodes and relationships to write, a load builds the store anew with COPY
#: FROM instead of patching a copy of it statement by statement
PATCH_LIMIT = 20_000


class LadybugBackend(Backend):
    dialect = "ladybug"
    capabilities = LADYBUG

    def __init__(self, path: str, *, read_only: bool = False) -> None:
        """LadybugDB lets one process open a store for writing and any number open it
        read-only beside it (a read-only open sees what was committed when it opened), so
        readers open read-only and never lock anyone out; two writers exclude each other.

        A writer also holds an OS lock on `<store>.lock` from its open to its close: a load
        closes the store itself to switch the new one in, and LadybugDB's own lock is free
        in that moment, where another load would read a token about to be replaced."""
        import ladybug

        self.path = Path(path)
        self.uri = f"embedded:{path}"
        self.read_only = read_only
        self._lock: int | None = None
        self._opened = _identity(self.path)
        try:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._lock = _take_load_lock(self.path, self.uri)
            self._db = _open_read_only(self) if read_only else _open_writable(self)
            self._conn = ladybug.Connection(self._db)
            if not read_only:
                result = self._conn.execute("CALL show_tables() RETURN name")
                assert not isinstance(result, list)
                had = {str(row[0]) for row in cast(list[list[Any]], result.get_all())}
                for stmt in ddl():
                    self._conn.execute(stmt)
                schema = {k.label for k in NODE_KINDS} | {r.type for r in REL_KINDS}
                self.altered = bool(had) and not schema <= had
                self._add_missing_columns()
                _remove_stale_builds(self.path)
        except (RuntimeError, OSError) as exc:
            self._release()
            raise _open_error(self.uri, exc) from None
        except BaseException:
            self._release()
            raise

    def _add_missing_columns(self) -> None:
        """A store written by an older BPQL lacks the properties added since (`CREATE ... IF
        NOT EXISTS` makes new tables but leaves old ones as they were): add them, empty, so a
        load upgrades the store in place instead of failing on a missing column."""
        for kind in NODE_KINDS:
            result = self._conn.execute(f"CALL table_info('{kind.label}') RETURN name")
            assert not isinstance(result, list)
            rows = cast(list[list[Any]], result.get_all())
            have = {str(row[0]) for row in rows}
            for prop in kind.props:
                if prop.name not in have:
                    self._conn.execute(f"ALTER TABLE {kind.label} ADD `{prop.name}` {prop.type}")
                    self.altered = True

    @classmethod
    def from_uri(cls, uri: str, *, create: bool = True, read_only: bool = False) -> LadybugBackend:
        """`embedded:PATH`; an empty PATH is the default store in .bpql/. Only a load creates
        a store: a mistyped path for a query must not leave new folders and answer 0 rows."""
        path = uri.partition(":")[2] or ".bpql/graph.lbdb"
        if (read_only or not create) and not Path(path).exists():
            raise BackendError(
                f"no embedded store at {path}: load an enterprise into it first, as in "
                f"`bpql load examples/insurer --db embedded:{path}`",
                code="BPQL-S020",
            )
        return cls(path, read_only=read_only)

    def close(self) -> None:
        try:
            self._conn.close()
            self._db.close()
        finally:
            self._release()

    def consistent(self, work: Callable[[], T]) -> T:
        """One open sees one graph: a read-only open what was committed when it opened (a
        load renames a new store over it), a writable one what its own process wrote (the
        load lock keeps every other writer out). So no load token is read before and after
        (two reads a query, a third of `count touchpoints by channel`'s time)."""
        return work()

    def replaced(self) -> bool:
        """A read-only open holds the file it opened; a load renames a new one over it."""
        return self.read_only and _identity(self.path) != self._opened

    def _release(self) -> None:
        """Let the next writer in (closing the lock file's descriptor drops the OS lock)."""
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock)
            self._lock = None

    def replace_graph(
        self,
        data: GraphData,
        progress: Progress | None = None,
        old: GraphData | None = None,
        token: str | None = None,
        expect: Expected | None = None,
        delta: Delta | None = None,
    ) -> Fingerprint:
        """Build the new store beside this one, check it, close it cleanly, then rename it
        over this one: a kill at any moment leaves a store that opens and holds the old graph
        or the new one, and readers (read-only opens) are never blocked.

        With `old` (the graph this store holds now) the new store is a copy of this one with
        only the difference written, in one transaction; without, it is built from staged CSV
        files with `COPY FROM` (LadybugDB's bulk path: the per-row MATCH of an UNWIND is what
        made a 1,000-service load take minutes).

        This process holds the store's load lock throughout (see `__init__`); with `expect`,
        the store's token is compared with it once more just before the store is closed for
        the switch (`claim`), and a different one means nothing is switched in."""
        if self.read_only:
            raise BackendError(
                f"internal: the store {self.uri} was opened read-only", code="BPQL-S050"
            )
        token = token or new_token()
        unique = distinct(data)
        if unique is not data:  # a delta is worked out on the distinct graph
            data, delta = unique, None
        if old is not None and change_size(old, data, PATCH_LIMIT, delta) > PATCH_LIMIT:
            old = None  # a bulk build beats that many single writes
        beside = self.path.with_name(f"{self.path.name}.load-{os.getpid()}")
        _remove_store(beside)
        closed = switched = False
        try:
            if old is None:
                counted = _build(beside, data, progress, token)
                claim(self._run, LADYBUG, expect, token, self.uri)
                self._conn.close()
                self._db.close()
                closed = True
            else:
                claim(self._run, LADYBUG, expect, token, self.uri)
                # a copy of a store closed cleanly: checkpointed, no log beside it
                self._conn.close()
                self._db.close()
                closed = True
                shutil.copyfile(self.path, beside)
                counted = _patch(beside, old, data, progress, token, delta)
            _check_closed(beside)
            marker = os.environ.get("BPQL_TEST_COMMIT_MARKER")
            if marker:  # the crash test kills the load from here on, through the switch
                print(marker, file=sys.stderr, flush=True)
            _switch(beside, self.path)
            switched = True
        finally:
            _remove_store(beside)
            if closed:
                self._reopen_after(switched)
        return counted

    def _run(self, cypher: str, params: dict[str, Any]) -> list[list[Any]]:
        result = self._conn.execute(cypher, params)
        assert not isinstance(result, list)
        return cast(list[list[Any]], result.get_all())

    def _reopen_after(self, switched: bool) -> None:
        """Open the store again after a load closed it; another writer that took the lock
        in between does not undo a load already switched in, and the error says so."""
        try:
            self._reopen()
        except BackendError as exc:
            if not switched:
                raise
            raise BackendError(
                f"the load was written to {self.uri}, but the store could not be opened "
                f"again after it: {exc}",
                code="BPQL-S054",
            ) from None

    def _reopen(self) -> None:
        import ladybug

        try:
            self._db = _open_writable(self)
        except RuntimeError as exc:
            raise _open_error(self.uri, exc) from None
        self._conn = ladybug.Connection(self._db)

    def set_time_limit(self, seconds: float | None) -> None:
        super().set_time_limit(seconds)
        if seconds is None:
            self._conn.set_query_timeout(0)  # no limit

    def read(self, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        left = self.time_left()
        if left is not None:  # LadybugDB interrupts the statement itself when time is up
            self._conn.set_query_timeout(max(1, math.ceil(left * 1000)))
        try:
            result = self._conn.execute(cypher, params)
        except RuntimeError as exc:
            if left is not None and str(exc).startswith("Interrupted"):
                raise self.timed_out() from None
            if _READ_ONLY in str(exc):
                raise BackendError(
                    f"the embedded store {self.uri} is open for reading only here: a read "
                    "cannot write to it (load files with `bpql load` or `Client.load`)",
                    code="BPQL-S022",
                ) from None
            if _OLD_SCHEMA.search(str(exc)):
                raise BackendError(
                    f"the store at {self.path} was written by an older BPQL ({exc}); load the "
                    "enterprise into it again to bring it up to date",
                    code="BPQL-S040",
                    hints=[f"bpql load <enterprise folder> --db {self.uri}"],
                ) from None
            raise
        assert not isinstance(result, list)
        columns = result.get_column_names()
        raw = _fetch(result)
        if _plain_types(result.get_column_data_types()) or _all_plain(raw):
            return columns, raw  # plain values (most large answers): nothing to rebuild
        ids: dict[tuple[int, int], GraphNode] = {}
        for row in raw:
            _collect_nodes(row, ids)
        return columns, [[_normalise(v, ids) for v in row] for row in raw]

    def write_transaction(self, work: Callable[[Run], object]) -> None:
        """One transaction; a crash before COMMIT leaves the store as it was."""
        run = self._conn.execute
        run("BEGIN TRANSACTION")
        try:
            work(self._run)
        except BaseException:
            run("ROLLBACK")
            raise
        run("COMMIT")


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file `path` names now (device and inode), or None."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _remove_store(path: Path) -> None:
    """A store file and the write-ahead log beside it, if there."""
    for f in (path, _wal(path)):
        with contextlib.suppress(FileNotFoundError):
            f.unlink()


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _remove_stale_builds(path: Path) -> None:
    """Stores a killed load was building beside `path`, with their logs and checkpoint
    locks (their PID is gone; called by a writer, which holds the store's lock)."""
    for f in path.parent.glob(f"{glob.escape(path.name)}.load-*"):
        pid = re.match(r"(\d+)(\.|$)", f.name.rpartition(".load-")[2])
        if pid and not alive(int(pid.group(1))):
            with contextlib.suppress(FileNotFoundError):
                f.unlink()


def _new_store(path: Path) -> tuple[Any, Any]:
    import ladybug

    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    for stmt in ddl():
        conn.execute(stmt)
    return db, conn


#: what COPY FROM reads: our own CSV dialect, no sniffing (a value must never change it)
_CSV = "header=false, parallel=false, quote='\"', escape='\"', delim=',', auto_detect=false"


def _csv_value(value: Any, type_: str) -> str:
    """One CSV field: NULL unquoted and empty, a string always quoted (so an empty string
    stays one), a number or a boolean as the column's type reads it."""
    if value is None:
        return ""
    if type_ == "STRING":
        return '"' + str(value).replace('"', '""') + '"'
    if type_ == "BOOL":
        return "true" if value else "false"
    if type_ == "INT64":
        return str(int(value))
    return repr(float(value))


def _literal(path: Path) -> str:
    return "'" + str(path).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _build(
    target: Path, data: GraphData, progress: Progress | None, token: str | None
) -> Fingerprint:
    """A new store at `target` holding exactly `data`, through COPY FROM staged CSV files;
    closed cleanly (checkpointed) before it returns, with what it holds counted."""
    kinds = list(NODE_KINDS)
    total = len(kinds) + len(REL_KINDS)
    done = 0
    db, conn = _new_store(target)
    try:
        with tempfile.TemporaryDirectory(prefix="bpql-stage-") as tmp:
            for kind in kinds:
                rows = {str(r["id"]): r for r in data.nodes.get(kind.label, [])}
                if rows:
                    f = Path(tmp) / f"{kind.label}.csv"
                    with f.open("w", encoding="utf-8", newline="") as out:
                        for row in rows.values():
                            out.write(
                                ",".join(_csv_value(row.get(p.name), p.type) for p in kind.props)
                            )
                            out.write("\n")
                    conn.execute(f"COPY {kind.label} FROM {_literal(f)} ({_CSV})")
                _expect(conn, f"MATCH (n:{kind.label}) RETURN count(n)", len(rows), target)
                done += 1
                if progress:
                    progress(done, total)
            for rel in REL_KINDS:
                pairs = data.rels.get(rel.type, [])
                if pairs:
                    f = Path(tmp) / f"{rel.type}.csv"
                    with f.open("w", encoding="utf-8", newline="") as out:
                        for s, d in pairs:
                            out.write(f"{_csv_value(s, 'STRING')},{_csv_value(d, 'STRING')}\n")
                    conn.execute(f"COPY {rel.type} FROM {_literal(f)} ({_CSV})")
                query = f"MATCH (:{rel.src})-[r:{rel.type}]->(:{rel.dst}) RETURN count(r)"
                _expect(conn, query, len(pairs), target)
                done += 1
                if progress:
                    progress(done, total)
        if token is not None:
            conn.execute(writes.set_load_token(), {"token": token})
        return fingerprint(lambda cypher, params: conn.execute(cypher, params).get_all())
    finally:
        conn.close()
        db.close()


def _expect(conn: Any, query: str, count: int, target: Path) -> None:
    """The check before a switch: each table holds what was staged for it."""
    got = int(conn.execute(query).get_all()[0][0])
    if got != count:
        raise BackendError(
            f"internal: the store built at {target} holds {got} rows where {count} were "
            f"written ({query}); the store in use was left as it was",
            code="BPQL-S051",
        )


def _patch(
    target: Path,
    old: GraphData,
    new: GraphData,
    progress: Progress | None,
    token: str | None,
    delta: Delta | None = None,
) -> Fingerprint:
    """Turn the copy at `target` (holding `old`) into `new`: only the difference, in one
    transaction; closed cleanly before it returns, with what it holds counted."""
    import ladybug

    db = ladybug.Database(str(target))
    conn = ladybug.Connection(db)
    try:
        for stmt in ddl():
            conn.execute(stmt)

        def run(cypher: str, params: dict[str, Any]) -> list[list[Any]]:
            result = conn.execute(cypher, params)
            assert not isinstance(result, list)
            return cast(list[list[Any]], result.get_all())

        conn.execute("BEGIN TRANSACTION")
        try:
            write_changes(run, old, new, LADYBUG, progress, delta)
            if token is not None:
                conn.execute(writes.set_load_token(), {"token": token})
            counted = fingerprint(run)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return counted
    finally:
        conn.close()
        db.close()


def _check_closed(target: Path) -> None:
    """A store closed cleanly has no write-ahead log left beside it; one that has would be
    replayed against the wrong file after the rename."""
    if _wal(target).exists():
        raise BackendError(
            f"internal: the store built at {target} was not checkpointed (a write-ahead log "
            "is left beside it); the store in use was left as it was",
            code="BPQL-S052",
        )
    _fsync(target)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _switch(built: Path, path: Path) -> None:
    """Rename the built store over `path` in one step (the old one was closed cleanly, so no
    log of it is left to be replayed against the new file)."""
    if _wal(path).exists():
        raise BackendError(
            f"the store {path} has a write-ahead log beside it that its last writer left "
            "(another process writing to it?); the load was not switched in",
            code="BPQL-S053",
        )
    os.replace(built, path)
    _fsync(path.parent)


#: what LadybugDB says when a query names a table or property an older store does not have
_OLD_SCHEMA = re.compile(r"Binder exception: (Table \w+ does not exist|Cannot find property)")

#: how long a read-only open waits for a writer to finish its checkpoint, in seconds
CHECKPOINT_WAIT = 15.0
#: after this long, a reader finishes a checkpoint recovery itself if no process writes (a
#: writer killed during its checkpoint leaves one pending, and no read-only open may do it)
RECOVER_AFTER = 1.0
_PENDING = "checkpoint recovery is pending"
#: what a read-only open may meet while a writer is committing: a pending checkpoint, or a
#: write-ahead log caught half written (its checksum fails until the writer finishes). Both
#: pass; a log that stays unreadable past the wait is reported as it is.
_TRANSIENT = (_PENDING, "the WAL file is corrupted")


def _open_read_only(backend: LadybugBackend) -> Any:
    """A read-only open, waiting out a writer's checkpoint: while one runs (as each load ends),
    LadybugDB refuses read-only opens, and a query beside a load must not fail for it."""
    import ladybug

    path = str(backend.path)
    started = time.monotonic()
    delay = 0.02
    tried_recovery = False
    while True:
        try:
            return ladybug.Database(path, read_only=True)
        except RuntimeError as exc:
            if not any(mark in str(exc) for mark in _TRANSIENT):
                raise
            last = exc
        waited = time.monotonic() - started
        if waited > CHECKPOINT_WAIT and _PENDING not in str(last):
            raise _open_error(backend.uri, last)
        if waited > CHECKPOINT_WAIT:
            raise BackendError(
                f"the embedded store {backend.uri} stayed in the middle of a checkpoint for "
                f"{CHECKPOINT_WAIT:.0f} s (a load writing to it?); try again when it has finished",
                code="BPQL-S031",
            )
        if waited > RECOVER_AFTER and not tried_recovery:
            tried_recovery = True
            _recover(path)
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


#: how long a writer waits for another writer's lock before it says who holds it: long enough
#: for a reader's `_recover`, short enough not to hang behind a program that keeps the store
LOCK_WAIT = 2.0


def _open_writable(backend: LadybugBackend) -> Any:
    import ladybug

    started = time.monotonic()
    while True:
        try:
            return ladybug.Database(str(backend.path))
        except RuntimeError as exc:
            if not _LOCK_HOLDER.search(str(exc)) or time.monotonic() - started > LOCK_WAIT:
                raise
        time.sleep(0.1)


#: how a read on a read-only open that tries to write fails
_READ_ONLY = "Cannot execute write operations in a read-only database"


def _take_load_lock(path: Path, uri: str) -> int | None:
    """The load lock of the store at `path`: an exclusive `flock` on `<store>.lock`, waited
    for up to LOCK_WAIT seconds; the holder writes its PID in it, so the one that waits too
    long can say who holds it (BPQL-S030). None where the OS has no `flock`."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: LadybugDB's own lock is all there is
        return None
    lock = path.with_name(path.name + ".lock")
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(lock, flags | os.O_NONBLOCK, 0o644)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise BackendError(
                f"the lock file {lock} of the embedded store {uri} is not a regular file",
                code="BPQL-S033",
            )
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - started > LOCK_WAIT:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    raise _held_by(uri, holder if holder.isdigit() else None) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _recover(path: str) -> None:
    """Open for writing and close, which completes a pending checkpoint; when another process
    holds the store for writing, it is that process's checkpoint, and the reader waits."""
    import ladybug

    with contextlib.suppress(RuntimeError):
        ladybug.Database(path).close()


_LOCK_HOLDER = re.compile(r"Lock is held by PID (\d+)")


def _open_error(uri: str, exc: BaseException) -> BackendError:
    """One line; when another process holds the write lock, which one (LadybugDB tells its PID,
    and on Linux /proc tells its command)."""
    text = str(exc)
    holder = _LOCK_HOLDER.search(text)
    if holder is None:
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        return BackendError(f"cannot open the embedded store {uri}: {first}", code="BPQL-S002")
    return _held_by(uri, holder.group(1))


def _held_by(uri: str, pid: str | None) -> BackendError:
    """Another process writes to the store (a load, or a program holding it for writing)."""
    command = _command_of(pid) if pid else None
    who = f", PID {pid}" + (f" ({command})" if command else "") if pid else ""
    return BackendError(
        f"the embedded store {uri} is open for writing in another process{who}"
        ": one process at a time may write to it; wait for that one to finish or end it",
        code="BPQL-S030",
        hints=("queries, shells and views only read, and may run beside a load",),
    )


def _command_of(pid: str) -> str | None:
    """The command line of process `pid`, shortened, where /proc tells it."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    words = [w.decode(errors="replace") for w in raw.split(b"\0") if w]
    if not words:
        return None
    words[0] = Path(words[0]).name
    text = " ".join(" ".join(words).split())
    return text if len(text) <= 80 else text[:79] + "…"


def _key(internal: dict[str, int]) -> tuple[int, int]:
    return (internal["table"], internal["offset"])


def _is_node(v: Any) -> bool:
    return isinstance(v, dict) and "_LABEL" in v and "_ID" in v and "_SRC" not in v


def _node(v: dict[str, Any]) -> GraphNode:
    label = v["_LABEL"]
    kind = NODES.get(label)
    names = kind.prop_names if kind else ()
    props = {k: v[k] for k in names if v.get(k) is not None}
    labels: tuple[str, ...] = (label,)
    if label == "Step" and props.get("lane") in LANE_BY_KEY:
        labels = (label, LANE_BY_KEY[props["lane"]].label)
    return GraphNode(label, str(props.get("id")), labels, props)


#: values that come back as they are
_PLAIN = frozenset({str, int, float, bool, type(None)})


_PLAIN_OR_LIST = _PLAIN | {list}


def _fetch(result: Any) -> list[list[Any]]:
    """Every row of a result. The native iterator straight (the driver's `get_all` wraps each
    row in four Python calls: a fifth of reading 24,000 rows); its `get_all` where a version
    of the driver has no such attribute."""
    native = getattr(result, "_query_result", None)
    if native is None or not hasattr(native, "hasNext"):
        return cast(list[list[Any]], result.get_all())
    has, take = native.hasNext, native.getNext
    rows: list[list[Any]] = []
    while has():
        rows.append(take())
    return rows


#: the column types whose values come back as plain Python scalars (and lists of them)
_PLAIN_TYPES = frozenset(
    {"STRING", "BOOL", "DOUBLE", "FLOAT", "SERIAL"}
    | {f"{s}INT{n}" for s in ("", "U") for n in (8, 16, 32, 64)}
)


def _plain_types(types: list[str]) -> bool:
    """Whether every column is of a plain type, or a list of one: then no value needs
    rebuilding, and no value has to be looked at to know it."""
    return all(t.rstrip("[]") in _PLAIN_TYPES for t in types)


def _all_plain(rows: list[Any]) -> bool:
    """Every value is a scalar or a list of scalars (no node, relationship or path in it).
    The types are gathered into sets, not tested value by value: at 24,000 rows of 15
    values a call per value was a quarter of an `impact of` answer's time."""
    kinds = {type(v) for row in rows for v in row}
    if kinds <= _PLAIN:
        return True
    if not kinds <= _PLAIN_OR_LIST:
        return False
    return {type(x) for row in rows for v in row if type(v) is list for x in v} <= _PLAIN


def _collect_nodes(v: Any, ids: dict[tuple[int, int], GraphNode]) -> None:
    if _is_node(v):
        ids[_key(v["_ID"])] = _node(v)
    elif isinstance(v, dict):
        for x in v.values():
            _collect_nodes(x, ids)
    elif isinstance(v, list):
        for x in v:
            _collect_nodes(x, ids)


def _normalise(v: Any, ids: dict[tuple[int, int], GraphNode]) -> Any:
    if isinstance(v, dict):
        if "_NODES" in v and "_RELS" in v:
            return GraphPath(
                tuple(_normalise(n, ids) for n in v["_NODES"]),
                tuple(_normalise(r, ids) for r in v["_RELS"]),
            )
        if "_SRC" in v and "_DST" in v:
            src, dst = ids.get(_key(v["_SRC"])), ids.get(_key(v["_DST"]))
            if src is None or dst is None:
                raise BackendError(
                    "internal: a relationship came back without its end nodes", code="BPQL-S003"
                )
            props = {k: x for k, x in v.items() if not k.startswith("_")}
            return GraphEdge(src.key, dst.key, v["_LABEL"], props)
        if _is_node(v):
            return ids[_key(v["_ID"])]
        return {k: _normalise(x, ids) for k, x in v.items()}
    if isinstance(v, list):
        return [_normalise(x, ids) for x in v]
    return v
