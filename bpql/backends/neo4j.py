"""Neo4j 5 through the official driver: the production store."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any

from bpql.backends import writes
from bpql.backends.base import (
    Backend,
    Expected,
    Fingerprint,
    Progress,
    Run,
    batch_size,
    change_size,
    distinct,
    lost_race,
    new_token,
)
from bpql.backends.collect import collected
from bpql.backends.registry import has_userinfo, redact, scrub, secret_of
from bpql.backends.sidefiles import Unusable, read_side_file, state_file, write_side_file
from bpql.backends.writes import NEO4J
from bpql.errors import BackendError
from bpql.graphdata import Delta, GraphData
from bpql.result import GraphEdge, GraphNode, GraphPath
from bpql.schema import LANE_BY_LABEL, LOAD_STATE, NODES

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "schema.cypher"
# the driver logs what it also raises (such as "Unable to retrieve routing information"); with
# no handler configured, Python would print that to stderr beside our one-line error
logging.getLogger("neo4j").addHandler(logging.NullHandler())

#: where the server's notifications go (deprecations and the like): a debug log, never the
#: user's terminal
LOG = logging.getLogger("bpql.neo4j")


class _NotificationsToDebug(logging.Handler):
    """The driver logs each notification the server sends at its severity (a deprecation is
    a warning) on `neo4j.notifications`; they are about our Cypher, not the user's data, so
    they are kept at debug level on `bpql.neo4j`."""

    def emit(self, record: logging.LogRecord) -> None:
        LOG.debug("%s", record.getMessage())


_notifications = logging.getLogger("neo4j.notifications")
_notifications.addHandler(_NotificationsToDebug())
_notifications.propagate = False

#: the driver's notification filters: the server sends warnings only (deprecations among
#: them, for the debug log), and the driver turns none of them into Python warnings
NOTIFICATION_FILTERS: dict[str, Any] = {
    "notifications_min_severity": "WARNING",
    "notifications_disabled_classifications": ["HINT", "UNRECOGNIZED", "GENERIC"],
    "warn_notification_severity": "OFF",
}


def schema_statements() -> list[str]:
    """The constraints and indexes of data/schema.cypher, and the load-state node's own
    uniqueness constraint: with it, two loads that MERGE that node at once make one, and the
    second waits for the first (`bpql.backends.writes.lock_load_state`)."""
    text = "\n".join(
        line for line in SCHEMA_FILE.read_text().splitlines() if not line.strip().startswith("//")
    )
    own = (
        f"CREATE CONSTRAINT bpql_load_id IF NOT EXISTS FOR (n:{LOAD_STATE}) REQUIRE n.id IS UNIQUE"
    )
    return [s.strip() for s in text.split(";") if s.strip()] + [own, *writes.stage_indexes()]


class Neo4jBackend(Backend):
    dialect = "neo4j"
    capabilities = NEO4J

    def __init__(self, uri: str, *, read_only: bool = False) -> None:
        import neo4j
        from neo4j.exceptions import (
            AuthError,
            ConfigurationError,
            Neo4jError,
            RoutingServiceUnavailable,
            ServiceUnavailable,
            TokenExpired,
        )

        #: what every message shows: never the password
        self.uri = redact(uri)
        self.read_only = read_only
        self.batch = batch_size()
        self._schema_ready = False
        #: the rows of the one-transaction write under way, for its out-of-memory message
        self._rows: int | None = None
        self._database = os.environ.get("NEO4J_DATABASE") or None
        #: the READ session `reading` holds open, if any
        self._reader: Any = None
        #: the bookmark of the last read through it (`read_stamp`)
        self._stamp: str | None = None
        #: what this process's sessions wait for (a cluster member answers only once it has
        #: applied them): the last load's bookmark, then this process's own writes'
        self._bookmarks: Any = None
        #: this process wrote since it last saved its bookmark
        self._wrote = False
        user = os.environ.get("NEO4J_USER", "neo4j")
        password = os.environ.get("NEO4J_PASSWORD")
        self._secrets = (secret_of(uri), password)
        if has_userinfo(uri):
            raise BackendError(
                f"bad Neo4j URI {self.uri}: credentials do not go in the URI (a command line "
                "shows in process lists and shell history); set NEO4J_USER and NEO4J_PASSWORD",
                code="BPQL-S012",
            )
        auth = (user, password) if password is not None else None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri, auth=auth, connection_timeout=10, **NOTIFICATION_FILTERS
            )
            try:
                self._driver.verify_connectivity()
            except BaseException:
                # a server that cannot be reached leaves no driver behind (its pool, its
                # sockets): a caller that tries again every few seconds must not gather them
                self._driver.close()
                raise
        except TokenExpired as exc:
            raise _expired(self.uri, self._said(exc)) from None
        except RoutingServiceUnavailable as exc:
            raise _no_routing(self.uri, self._said(exc)) from None
        except AuthError:
            raise BackendError(
                f"Neo4j at {self.uri} refused the credentials of user {user!r} "
                "(set NEO4J_USER and NEO4J_PASSWORD)",
                code="BPQL-S004",
            ) from None
        except (ServiceUnavailable, OSError) as exc:
            if "routing" in self._said(exc).lower():
                raise _no_routing(self.uri, self._said(exc)) from None
            raise BackendError(
                f"cannot reach Neo4j at {self.uri}: {self._said(exc)}", code="BPQL-S005"
            ) from None
        except (ConfigurationError, ValueError) as exc:
            raise BackendError(
                f"bad Neo4j URI {self.uri}: {self._said(exc)}", code="BPQL-S006"
            ) from None
        except Neo4jError as exc:
            raise BackendError(
                f"Neo4j at {self.uri}: {self._said(exc)}", code="BPQL-S007"
            ) from None
        self._bookmarks = self._saved_bookmarks()

    def _said(self, exc: BaseException) -> str:
        """The first line of what the driver or the server said, with no secret in it."""
        return scrub(_first_line(exc), self.uri, *self._secrets)

    @classmethod
    def from_uri(cls, uri: str, *, create: bool = True, read_only: bool = False) -> Neo4jBackend:
        """The server takes many readers and writers at once; every read already runs in READ
        access mode, which the server holds to, and `read_only` also refuses loads."""
        return cls(uri, read_only=read_only)

    def close(self) -> None:
        try:
            if self._wrote:
                self._save_bookmarks()
        finally:
            self._driver.close()

    def _session(self, read: bool) -> Any:
        """A session in READ or WRITE access mode (a cluster routes READ to a follower),
        waiting for the bookmarks this process knows of."""
        import neo4j

        if not read:  # this process writes: the token it read last goes
            self._known_token = self._known_stamp = None
        return self._driver.session(
            database=self._database,
            default_access_mode=neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS,
            bookmarks=self._bookmarks,
        )

    def _database_id(self) -> str | None:
        """The id of the database (a cluster's members share it; a database made again has a
        new one): a saved bookmark is only used on the database it came from."""
        import neo4j

        with self._driver.session(
            database=self._database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            record = session.run("CALL db.info() YIELD id RETURN id").single()
        return None if record is None else str(record[0])

    def _bookmark_file(self) -> Path:
        """Beside the load state of this URI and database (`state_file`)."""
        state = state_file(self.uri)
        return state.with_name(state.stem + ".bookmark")

    def _saved_bookmarks(self) -> Any:
        """The last load's bookmark, saved beside its load state, so that this process reads
        what that load wrote even from a cluster member that has not applied it yet; none if
        the file is missing, not a small regular JSON file, or of another database."""
        import json

        import neo4j

        try:
            raw = read_side_file(self._bookmark_file(), MAX_BOOKMARK_BYTES)
            if raw is None:
                return None
            saved = json.loads(raw)
        except (Unusable, ValueError, OSError):
            return None
        if not isinstance(saved, dict):
            return None
        values = saved.get("bookmarks")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return None
        try:
            if saved.get("database") != self._database_id():
                return None
        except Exception:  # a server that cannot say: read without the bookmark
            return None
        return neo4j.Bookmarks.from_raw_values(values)

    def _save_bookmarks(self) -> None:
        """This process's last write's bookmark, for the next process's reads (written whole
        or not at all; a failure only costs the next reader that wait)."""
        import json

        if self._bookmarks is None:
            return
        try:
            saved = {
                "database": self._database_id(),
                "bookmarks": sorted(self._bookmarks.raw_values),
            }
            path = self._bookmark_file()
        except Exception:  # a server that cannot say which database it is: no bookmark
            return
        if write_side_file(path, json.dumps(saved).encode()):
            self._wrote = False

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Every `read` inside through one READ session, each statement a transaction of its
        own. Not one explicit transaction: Neo4j's are read-committed, so one sees no more of
        a single graph than several do (`consistent`'s token check is what does), and it cost
        two round trips more (an explicit BEGIN is not pipelined with the first statement,
        and its end is one more): a one-statement question is three trips, not five, and
        one after a question on the same server whose bookmark has not moved since
        (`Backend.consistent`). The token is not read inside a statement's own trip: Neo4j
        then planned some statements differently (bench/README.md, issue 24 a fourth time).
        On a cluster the session's bookmarks keep each statement at least as recent as the
        last."""
        if self._reader is not None:
            yield
            return
        self._stamp = None
        self._reader = self._session(read=True)
        try:
            yield
        finally:
            session, self._reader = self._reader, None
            with contextlib.suppress(Exception):
                session.close()

    @contextlib.contextmanager
    def _lost(self, writing: bool, rows: int | None = None) -> Iterator[None]:
        """Turn a server that went away or refused a write into one line naming the URI."""
        from neo4j.exceptions import (
            AuthError,
            ForbiddenOnReadOnlyDatabase,
            IncompleteCommit,
            Neo4jError,
            NotALeader,
            RoutingServiceUnavailable,
            ServiceUnavailable,
            SessionExpired,
            TokenExpired,
        )

        outcome = "; nothing was written" if writing else ""
        try:
            yield
        except TokenExpired as exc:
            raise _expired(self.uri, self._said(exc)) from None
        except (NotALeader, ForbiddenOnReadOnlyDatabase) as exc:
            raise BackendError(
                f"Neo4j at {self.uri} is not the cluster's leader, so it cannot take a write "
                f"({self._said(exc)}){outcome}; use a neo4j:// URI, whose routing sends writes "
                "to the leader",
                code="BPQL-S063",
            ) from None
        except RoutingServiceUnavailable as exc:
            raise _no_routing(self.uri, self._said(exc)) from None
        except IncompleteCommit as exc:
            raise BackendError(
                f"lost Neo4j at {self.uri} while committing, so the load may or may not have "
                f"been written ({self._said(exc)}); loading again is safe",
                code="BPQL-S008",
            ) from None
        except (ServiceUnavailable, SessionExpired) as exc:
            raise BackendError(
                f"lost the connection to Neo4j at {self.uri}: {self._said(exc)}{outcome}",
                code="BPQL-S009",
            ) from None
        except AuthError:
            raise BackendError(
                f"Neo4j at {self.uri} refused the credentials", code="BPQL-S010"
            ) from None
        except Neo4jError as exc:
            if getattr(exc, "code", None) in _WRITE_IN_READ:
                raise BackendError(
                    f"Neo4j at {self.uri} refused a write in a read: this connection only "
                    "reads (load files with `bpql load` or `Client.load`)",
                    code="BPQL-S023",
                ) from None
            if getattr(exc, "code", None) in _OUT_OF_MEMORY:
                raise self._out_of_memory(exc, rows, reading=not writing) from None
            if not writing:
                raise
            if getattr(exc, "code", None) in _ANOTHER_LOAD:
                # another load made the same node in the same moment, or deleted one this
                # load was writing to (its switch removes the old graph): it won the store
                raise lost_race(self.uri) from None
            raise BackendError(
                f"Neo4j at {self.uri} refused the load: {self._said(exc)}{outcome}",
                code="BPQL-S011",
            ) from None

    def read(self, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:

        left = self.time_left()
        self._stamp = None
        with self._lost(writing=False), self._timed(left):
            form = collected(cypher)
            if self._reader is not None:  # inside `reading`: its session
                if form is not None:
                    result = self._reader.run(_query(form[0], left), params)
                    record = result.single(strict=True)
                    self._stamp = _bookmark(result)
                    return form[1], _rows(record[0])
                result = self._reader.run(_query(cypher, left), params)
                records = list(result)
                self._stamp = _bookmark(result)
                return list(result.keys()), [[_normalise(v) for v in r.values()] for r in records]
            if form is not None:
                # the rows as one list (bpql/backends/collect.py): the driver makes objects
                # of each record, slowly, and of a list's items quickly
                records, _ = self._read_once(form[0], params, left)
                return form[1], _rows(records[0][0])
            records, keys = self._read_once(cypher, params, left)
        return list(keys), [[_normalise(v) for v in r.values()] for r in records]

    def _read_once(
        self, query: str, params: dict[str, Any], left: float | None
    ) -> tuple[list[Any], list[str]]:
        """A managed READ transaction (retried by the driver where a cluster asks for it),
        except when the server's transaction memory cannot hold the answer: the driver
        calls that transient and would retry it for half a minute; it is one line at once.
        The time limit is the transaction's timeout on the server (a managed transaction
        takes it from `unit_of_work`, not from a `Query`)."""
        import neo4j
        from neo4j.exceptions import Neo4jError

        def work(tx: Any) -> tuple[list[Any], list[str]]:
            try:
                result = tx.run(query, params)
                records = list(result)
                return records, list(result.keys())
            except Neo4jError as exc:
                if getattr(exc, "code", None) in _OUT_OF_MEMORY:
                    raise self._out_of_memory(exc, None, reading=True) from None
                raise

        unit = work if left is None else neo4j.unit_of_work(timeout=max(left, 0.001))(work)
        with self._session(read=True) as session:
            answer: tuple[list[Any], list[str]] = session.execute_read(unit)
            return answer

    @contextlib.contextmanager
    def _timed(self, left: float | None) -> Iterator[None]:
        """The server ends a transaction past its timeout (`_read_once`, `reading`): that is
        our time limit's error, not a failed query."""
        from neo4j.exceptions import ClientError

        try:
            yield
        except ClientError as exc:
            if left is not None and "TransactionTimedOut" in (exc.code or ""):
                raise self.timed_out() from None
            raise

    def ensure_schema(self) -> None:
        """The constraints and indexes, made once per open (each `IF NOT EXISTS`), and
        waited for: a staged load looks its staged nodes up by the new indexes at once."""
        if self._schema_ready:
            return
        with self._driver.session(database=self._database) as session:
            for stmt in schema_statements():
                session.run(stmt).consume()
            session.run("CALL db.awaitIndexes(300)").consume()
        self._schema_ready = True

    def write_transaction(self, work: Callable[[Run], object], rows: int | None = None) -> None:
        """One managed write transaction: a crash or a kill at any point commits nothing.
        `rows`: how many rows it writes, for the message when the server's transaction
        memory cannot hold them (the driver would retry that for half a minute)."""
        if self.read_only:
            raise BackendError(
                f"internal: the store {self.uri} was opened read-only", code="BPQL-S055"
            )
        from neo4j.exceptions import Neo4jError

        with self._lost(writing=True, rows=rows):
            self.ensure_schema()

            def unit(tx: Any) -> None:
                def run(cypher: str, params: dict[str, Any]) -> list[list[Any]]:
                    return [list(r) for r in tx.run(cypher, params).values()]

                try:
                    work(run)
                except Neo4jError as exc:
                    if getattr(exc, "code", None) in _OUT_OF_MEMORY:
                        raise self._out_of_memory(exc, rows) from None
                    raise

            with self._session(read=False) as session:
                session.execute_write(unit)
                self._bookmarks = session.last_bookmarks()
                self._wrote = True

    def _out_of_memory(
        self, exc: BaseException, rows: int | None, reading: bool = False
    ) -> BackendError:
        """One line for a transaction the server's memory limit stopped: which setting to
        lower (ours), or which of the server's to raise."""
        said = scrub(str(getattr(exc, "message", "") or _first_line(exc)), self.uri, *self._secrets)
        if reading:
            return BackendError(
                f"Neo4j at {self.uri} ran out of transaction memory for an answer ({said}); "
                "ask a narrower question, or raise the server's db.memory.transaction.total.max",
                code="BPQL-S061",
            )
        rows = rows or self._rows
        size = f"a write of {rows:,} rows" if rows else "a write"
        smaller = max(1, min(rows or self.batch, self.batch) // 4)
        return BackendError(
            f"Neo4j at {self.uri} ran out of transaction memory for {size} ({said}); lower the "
            f"batch size, e.g. `bpql load --batch-size {smaller}` (BPQL_BATCH_SIZE; now "
            f"{self.batch:,} rows a transaction), or raise the server's "
            "db.memory.transaction.total.max",
            code="BPQL-S060",
        )

    def replace_graph(
        self,
        data: GraphData,
        progress: Progress | None = None,
        old: GraphData | None = None,
        token: str | None = None,
        expect: Expected | None = None,
        delta: Delta | None = None,
    ) -> Fingerprint:
        """One transaction when what it writes fits in a batch (a reload after an edit, a
        small enterprise); otherwise staged beside the live graph in bounded transactions
        and switched in (bpql/backends/staging.py), so a load needs no more of the server's
        memory than a batch does, and no reader sees it half done."""
        unique = distinct(data)
        if unique is not data:  # a delta is worked out on the distinct graph
            data, delta = unique, None
        if old is not None:
            size = change_size(old, data, self.batch, delta)
        else:
            live = self.fingerprint()
            size = data.size + sum(live["nodes"].values()) + sum(live["relationships"].values())
        from bpql.backends.staging import clean, staged_replace

        if size <= self.batch:
            self._rows = size  # for the message if even that is too much for the server
            try:
                counted = super().replace_graph(data, progress, old, token, expect, delta)
            finally:
                self._rows = None
            clean(self, self.batch)  # graphs staged against the token this load replaced
        else:
            counted = staged_replace(self, data, progress, token or new_token(), expect, self.batch)
        self._save_bookmarks()  # the next process's reads wait for this load
        return counted

    def prepare_load(self) -> None:
        from bpql.backends.staging import recover

        with self._lost(writing=True):
            self.ensure_schema()
        recover(self, self.batch)

    def mid_switch(self, token: str | None) -> bool:
        return token is not None and _SWITCHING in token

    def keeps_token(self) -> bool:
        """A bolt:// URI is one server; a neo4j:// one routes each session (a read may go
        to a follower behind the one the last token came from)."""
        return self.uri.startswith("bolt")

    def settle(self) -> None:
        from bpql.backends.staging import settle

        settle(self)

    def read_stamp(self) -> str | None:
        """The bookmark the server gave the reader's last read: a read transaction's is the
        last transaction the server had committed when it ended (so one overtaken by a write
        ends with the write's), read from the answer's summary, no trip of its own."""
        return self._stamp

    def load_token(self) -> str | None:
        """The token, and the generation a switch is moving in if one is under way: a
        reader whose token before and after differ reads again (`consistent`)."""
        try:
            _, rows = self.read(writes.switch_status(), {})
        except BackendError:
            raise
        except Exception:  # a store without the node has no token
            return None
        if not rows:
            return None
        return _token(rows[0][0], rows[0][1])


#: Aura Free's limits: nodes and relationships of a database
AURA_FREE = {"nodes": 200_000, "relationships": 400_000}
#: how near them `bpql stats` warns (a share of each limit)
AURA_NEAR = 0.8


def aura_warning(counts: dict[str, dict[str, int]]) -> str | None:
    """One line when a store's graph is near Aura Free's limits (or past them), else None.
    A load larger than a batch also stages its graph beside the live one for a while."""
    totals = {part: sum(counts.get(part, {}).values()) for part in AURA_FREE}
    if all(totals[part] < AURA_NEAR * limit for part, limit in AURA_FREE.items()):
        return None
    return (
        f"{totals['nodes']:,} nodes and {totals['relationships']:,} relationships: near or "
        f"past Aura Free's limits ({AURA_FREE['nodes']:,} nodes, "
        f"{AURA_FREE['relationships']:,} relationships), and a large load stages a second "
        "copy of what it changes beside the live graph; see docs/neo4j.md"
    )


def _expired(uri: str, said: str) -> BackendError:
    """An access token the server no longer takes (Aura's single sign-on, a cluster's)."""
    return BackendError(
        f"the token for Neo4j at {uri} has expired ({said}); get a new one and set it in "
        "NEO4J_PASSWORD",
        code="BPQL-S062",
    )


def _no_routing(uri: str, said: str) -> BackendError:
    """A neo4j:// URI whose server gave no usable routing table."""
    return BackendError(
        f"no route to a Neo4j server through {uri}: the routing table could not be fetched or "
        f"none of its members answers ({said}); check the address, and that each member "
        "advertises one this machine reaches (server.bolt.advertised_address)",
        code="BPQL-S064",
    )


#: a bookmark file larger than this is not one BPQL wrote
MAX_BOOKMARK_BYTES = 64 * 1024
#: the server's codes for a write in a READ transaction
_WRITE_IN_READ = frozenset({"Neo.ClientError.Statement.AccessMode"})
#: between the token and the generation a switch is moving in, in what `load_token` gives
_SWITCHING = ">"


def _bookmark(result: Any) -> str | None:
    """The bookmark in a fully read answer's summary, if the server sent one."""
    found = result.consume().metadata.get("bookmark")
    return found if isinstance(found, str) else None


def _token(token: Any, switching: Any) -> str | None:
    """The load state's token and the generation a switch is moving in, as `load_token`
    gives them."""
    if switching is not None:
        return f"{token}{_SWITCHING}{switching}"
    return None if token is None else str(token)


#: the server's transaction memory limits (per transaction, and all transactions together)
_OUT_OF_MEMORY = frozenset(
    {
        "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        "Neo.TransientError.General.TransactionMemoryLimit",
    }
)
#: a write meeting another load's: a uniqueness constraint broken (two loads creating the
#: same node at once), or a node gone that the write had matched (another staged load's
#: switch deleted it; seen once in 224 runs through `neo4j://`)
_ANOTHER_LOAD = frozenset(
    {
        "Neo.ClientError.Schema.ConstraintValidationFailed",
        "Neo.ClientError.Statement.EntityNotFound",
    }
)


def _query(text: str, left: float | None) -> Any:
    """A statement run on its own, ended by the server once the time left has passed."""
    import neo4j

    return neo4j.Query(text, timeout=None if left is None else max(left, 0.001))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].rstrip(":")


def _node(n: Any) -> GraphNode:
    labels = set(n.labels)
    label = next((lb for lb in labels if lb in NODES), sorted(labels)[0] if labels else "?")
    extra = sorted(lb for lb in labels if lb in LANE_BY_LABEL)
    props = dict(n)
    return GraphNode(label, str(props.get("id")), (label, *extra), props)


def _edge(r: Any) -> GraphEdge:
    return GraphEdge(_node(r.start_node).key, _node(r.end_node).key, r.type, dict(r))


#: values that come back as they are (most of a large answer's values)
_PLAIN = frozenset({str, int, float, bool, type(None)})
_PLAIN_OR_LIST = _PLAIN | {list}


def _rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows as our types. Most rows of a large answer are plain values (and lists of them),
    kept as they came: the types are gathered by C loops over every value at once (a test per
    row cost a tenth of `impact of system` at 1,000 services), and only an answer holding
    something else (a node, a path) is turned over row by row."""
    values = set(map(type, chain.from_iterable(rows)))
    if values <= _PLAIN:
        return rows
    if values <= _PLAIN_OR_LIST:
        lists = (v for v in chain.from_iterable(rows) if type(v) is list)
        if set(map(type, chain.from_iterable(lists))) <= _PLAIN:
            return rows
    return [_row(row) for row in rows]


def _row(row: list[Any]) -> list[Any]:
    """A row as our types; a row of plain values is kept as it came."""
    for v in row:
        if type(v) not in _PLAIN and not (type(v) is list and all(type(x) in _PLAIN for x in v)):
            return [_normalise(x) for x in row]
    return row


def _normalise(v: Any) -> Any:
    if type(v) in _PLAIN:
        return v
    from neo4j.graph import Node, Path, Relationship

    if isinstance(v, Node):
        return _node(v)
    if isinstance(v, Relationship):
        return _edge(v)
    if isinstance(v, Path):
        return GraphPath(tuple(_node(n) for n in v.nodes), tuple(_edge(r) for r in v.relationships))
    if isinstance(v, list):
        return [_normalise(x) for x in v]
    if isinstance(v, dict):
        return {k: _normalise(x) for k, x in v.items()}
    return v
