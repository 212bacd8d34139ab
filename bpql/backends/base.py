"""The one interface both stores implement (which store a URI names is bpql/backends/registry.py).

Everything above this layer (loading, queries, results) talks to `Backend` only; what differs
between Neo4j and LadybugDB (labels per lane, schema DDL, driver value types) stays below it.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from bpql.backends import reads, writes
from bpql.backends.writes import Capabilities
from bpql.errors import BackendError
from bpql.graphdata import Delta, GraphData, changed_pairs, changed_rows
from bpql.schema import LANES, NODES, RELS

Progress = Callable[[int, int], None]
"""Called with (done, total) units of work as a load proceeds."""

Run = Callable[[str, dict[str, Any]], list[list[Any]]]
"""Runs one statement with its parameters inside the open transaction; its rows (none for
most writes)."""

Fingerprint = dict[str, dict[str, int]]
"""Nodes per label and relationships per type, as `Backend.counts` gives them: what a load
wrote, kept in its saved state and compared with the store at the next load."""


@dataclass(frozen=True)
class Expected:
    """The load token a load read from the store before it worked out what to write (None:
    the store had none). The write goes ahead only if the store still holds it."""

    token: str | None


BATCH = 10_000

#: rows a write transaction holds at most on a store that writes in bounded transactions
#: (Neo4j): the `--batch-size` setting's default (BPQL_BATCH_SIZE). Measured per batch of
#: 10,000 rows (bench/batch_memory.py, bench/README.md): staged steps 18 MiB, staged
#: relationships 16 MiB, steps moved out 22 MiB, in about 33 MiB, deleted 45 MiB at most:
#: well below the 716.8 MiB a 1 GB heap allows all transactions by default.
DEFAULT_BATCH_SIZE = 10_000


def batch_size() -> int:
    """The batch size from BPQL_BATCH_SIZE (a whole number >= 1), else the default."""
    raw = os.environ.get("BPQL_BATCH_SIZE", "").strip()
    if not raw:
        return DEFAULT_BATCH_SIZE
    if not raw.isdigit() or int(raw) < 1 or int(raw) > 10_000_000:
        raise BackendError(
            f"BPQL_BATCH_SIZE={raw[:20]!r}: expected a whole number of rows from 1 to 10000000",
            code="BPQL-S059",
        )
    return int(raw)


T = TypeVar("T")

#: how many times `Backend.consistent` reads again when loads keep committing beside it
READ_TRIES = 5


def default_db() -> str:
    return os.environ.get("BPQL_DB") or "embedded:.bpql/graph.lbdb"


class Backend(ABC):
    #: the Cypher dialect this backend speaks ("neo4j" | "ladybug")
    dialect: str
    #: the URI as shown to users; never carries a password
    uri: str
    #: where this store's write Cypher differs from the other's (see bpql.backends.writes)
    capabilities: Capabilities
    #: opening it brought an older store's schema up to date (tables or columns added), so
    #: what a saved load state says the store holds no longer stands
    altered: bool = False
    #: the time limit set by `set_time_limit`, in seconds, and when it runs out (monotonic)
    time_limit: float | None = None
    deadline: float | None = None
    #: inside `consistent` (nested calls do not check again)
    _consistent: bool = False
    #: the load token the last `consistent` read after its work, where it may stand for the
    #: token before the next one's (`keeps_token`)
    _known_token: str | None = None
    #: the store's stamp (`read_stamp`) read before `_known_token` was: while a read still
    #: ends with it, nothing has been written since, and the token stands
    _known_stamp: str | None = None
    #: rows a write transaction holds at most, where a store writes in bounded transactions
    #: (`bpql load --batch-size`, BPQL_BATCH_SIZE)
    batch: int = DEFAULT_BATCH_SIZE

    @classmethod
    @abstractmethod
    def from_uri(cls, uri: str, *, create: bool = True, read_only: bool = False) -> Backend:
        """Open the store `uri` names; the registry has already matched its scheme. With
        `create=False` a local store that does not exist is an error, not a new empty one.
        `read_only=True` is a promise to only read, so a local store that locks its writers
        out of each other can let this one in beside them."""

    @abstractmethod
    def read(self, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        """Run a read query; values come back as plain Python or bpql.result graph types.

        A statement that writes is refused (`BPQL-S022`) on a store opened read-only."""

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Every `read` inside runs through one reader (a READ session on Neo4j, each
        statement its own transaction). Nested uses share the outer one. A store whose opens
        already see one snapshot (the embedded store) needs nothing more."""
        yield

    def consistent(self, work: Callable[[], T]) -> T:
        """`work`'s reads as one graph: through one reader, with the load token read before
        and after. Neo4j's reads are read-committed (in one transaction or several), so a
        load committing in the middle of several statements is seen by the later ones only;
        every load that writes changes the token, so a different token after means `work` runs
        again (up to READ_TRIES times; `settle` is called before a try while a load switches).
        Where `keeps_token`, the token read after one such read is the token before the next
        (a trip less a question), and where the store also stamps each read with what it has
        committed (`read_stamp`), a read that ends with the stamp read before that token
        needs no token after it: nothing was written between the two (a trip less again).
        Nested calls run once, inside the outer one's check."""
        if self._consistent:
            return work()
        self._consistent = True
        try:
            tries = 0
            known, self._known_token = self._known_token, None
            stamp, self._known_stamp = self._known_stamp, None
            while tries < READ_TRIES:
                with self.reading():
                    kept = known is not None
                    before = known if kept else self.load_token()
                    # a stamp read before the token was: one read after it could be of a
                    # write that the token's own read missed
                    since = stamp if kept else None
                    known = stamp = None  # a kept token stands for one read only
                    if not self.mid_switch(before):
                        result = work()
                        end = self.read_stamp()
                        unwritten = since is not None and end == since
                        after = before if unwritten else self.load_token()
                        if self.keeps_token():
                            self._known_token, self._known_stamp = after, end
                        if before == after:
                            return result
                        # a token kept from the last read that a load has replaced since
                        # costs a read, not one of the tries
                        if not kept:
                            tries += 1
                        continue
                self.settle()  # a load is switching graphs: wait for it, then read

        finally:
            self._consistent = False
        raise BackendError(
            f"the store {self.uri} was written {READ_TRIES} times while this read it (loads "
            "one after another?); try again when they have finished",
            code="BPQL-S034",
        )

    def read_stamp(self) -> str | None:
        """What the store said it had committed when this reader's last read ended, if it
        says so with each read's answer (Neo4j's bookmark, in every answer's summary): two
        reads ending with the same stamp saw no write committed between them. None where a
        store does not say, or the last read failed."""
        return None

    def keeps_token(self) -> bool:
        """Whether the token read at the end of one `consistent` read may stand for the token
        before the next, saving its round trip: where every read goes to one server, whose
        graph only moves forward, the same token at both ends still means no load committed
        between them (a token names one load; none is written twice). Not through a router,
        whose next read may go to a member behind the last one."""
        return False

    def mid_switch(self, token: str | None) -> bool:
        """Whether `token`, as `load_token` read it, says a load is switching graphs."""
        return False

    def settle(self) -> None:  # noqa: B027 - a hook: most stores have nothing to do
        """Before a reader's transaction: wait while a load is switching the store from one
        graph to the next in several transactions (Neo4j's staged loads), so that no read
        sees half of it. Nothing to wait for on a store switched in one step."""

    def prepare_load(self) -> None:  # noqa: B027 - a hook: most stores have nothing to do
        """Before a load reads the store: finish what an interrupted load left (a switch half
        done, a graph staged or moved out), so that it starts from one whole graph."""

    def set_time_limit(self, seconds: float | None) -> None:
        """Stop every read from now on once `seconds` have passed (None: no limit): the store
        itself interrupts the statement running then, so a caller that must not wait long (the
        explorer, which serves one request at a time) is never held past it. A read past the
        limit raises BPQL-S070."""
        self.time_limit = seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def time_left(self) -> float | None:
        """Seconds left before the time limit (None: no limit); past it, the error."""
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.timed_out()
        return left

    def timed_out(self) -> BackendError:
        limit = self.time_limit or 0.0
        shown = f"{limit:g} s" if limit < 10 else f"{math.ceil(limit)} s"
        return BackendError(
            f"the query ran past its time limit of {shown} and was stopped",
            code="BPQL-S070",
            hints=("ask for less (a narrower reference, a `limit`), or raise the limit",),
        )

    @abstractmethod
    def write_transaction(self, work: Callable[[Run], object]) -> None:
        """Call `work` with a runner inside one write transaction; commit only if it returns.

        `work` may be called again if the store retries the transaction, so it starts over.
        """

    def replace_graph(
        self,
        data: GraphData,
        progress: Progress | None = None,
        old: GraphData | None = None,
        token: str | None = None,
        expect: Expected | None = None,
        delta: Delta | None = None,
    ) -> Fingerprint:
        """Make the stored graph exactly `data`, atomically: all of it or none of it; return
        the fingerprint of what the store then holds, counted inside the same transaction.

        Without `old`: per label, delete the nodes no longer in `data`, then upsert the rest
        batch by batch; per relationship type, delete them all, then create `data`'s batch by
        batch. With `old`, the graph the store is known to hold, only the difference is
        written (a reload after editing one file touches what that file holds). Progress
        ticks once per batch (an empty label or type counts as one). `token` names this
        load in the store, written in the same transaction (see `load_token`); without one a
        new one is made, so a state saved for the graph before is never taken for this one.
        With `expect`, the transaction first checks that the store still holds the token the
        caller read (`claim`): if another load wrote meanwhile, nothing is written. `delta` is
        the difference from `old` when the caller worked it out (`Delta.between`).
        """
        caps = self.capabilities
        token = token or new_token()
        unique = distinct(data)
        if unique is not data:  # a delta is worked out on the distinct graph
            data, delta = unique, None
        counted: list[Fingerprint] = []

        def work(run: Run) -> None:
            claim(run, caps, expect, token, self.uri)
            if old is None:
                _write_graph(run, data, caps, progress)
            else:
                write_changes(run, old, data, caps, progress, delta)
            run(writes.set_load_token(), {"token": token})
            counted[:] = [fingerprint(run)]

        self.write_transaction(work)
        return counted[0]

    def load_token(self) -> str | None:
        """The token the last load wrote, or None (none yet, or a store from before tokens)."""
        try:
            _, rows = self.read(writes.load_token(), {})
        except Exception:  # a store without the table has no token
            return None
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    def fingerprint(self) -> Fingerprint:
        """What the store holds, counted (see `Fingerprint`)."""
        return fingerprint(lambda cypher, params: self.read(cypher, params)[1])

    def replaced(self) -> bool:
        """Whether a load elsewhere has replaced the store since this open, which then still
        reads the graph from before (an embedded store is switched by a rename)."""
        return False

    @abstractmethod
    def close(self) -> None: ...

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts per label and relationship counts per type (schema labels only), read
        as one graph (`consistent`), so they are the counts of one load."""

        return self.consistent(lambda: reads.counts(self))

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def new_token() -> str:
    """A name for one load written (see `Backend.load_token`)."""
    return uuid.uuid4().hex


def claim(run: Run, caps: Capabilities, expect: Expected | None, token: str, uri: str) -> None:
    """The compare-and-set of every load, first in its write transaction (or, on a store
    that one process writes at a time, just before its switch): take the load-state node's
    write lock where writers share the store, then check that the store still holds the
    token `expect` names. Another load that committed since the caller read it means the
    difference was worked out against a graph the store no longer holds: nothing is written,
    and the user is told to run the load again (it then reads the new graph)."""
    if caps.row_locks:
        run(writes.lock_load_state(), {"claim": token})
        status = run(writes.switch_status(), {})
        if status and status[0][1] is not None:  # another load is switching graphs
            raise lost_race(uri)
    if expect is None:
        return
    rows = run(writes.load_token(), {})
    found = rows[0][0] if rows and rows[0] else None
    if (None if found is None else str(found)) != expect.token:
        raise lost_race(uri)


def lost_race(uri: str) -> BackendError:
    """What a load says when another load wrote the store between its reading and its
    writing (or, on Neo4j, made the same nodes at the same moment)."""
    return BackendError(
        f"another load changed the store since this one read it; run it again ({uri}: "
        "nothing was written by this one)",
        code="BPQL-S032",
    )


def fingerprint(
    query: Callable[[str, dict[str, Any]], list[list[Any]]],
    statement: str | None = None,
    params: dict[str, Any] | None = None,
) -> Fingerprint:
    """Nodes per label and relationships per type, counted by one statement (`query` runs
    it: inside a load's transaction, or as a read): `writes.count_all()` unless `statement`
    is another count of the same rows."""
    out: Fingerprint = {"nodes": dict.fromkeys(sorted(NODES), 0)}
    out["relationships"] = dict.fromkeys(sorted(RELS), 0)
    for kind, name, count in query(statement or writes.count_all(), params or {}):
        out[str(kind)][str(name)] = int(count)
    return out


def distinct(data: GraphData) -> GraphData:
    """`data` with each relationship pair once per type: a relationship type holds a pair at
    most once (`uses: [crm, crm]` is one USES), so loading never makes a pair twice and the
    graph written is the graph compared at the next load. A list of pairs found so before,
    and still the same list of the same length, is not walked again."""
    rels = {}
    for type_, pairs in data.rels.items():
        seen = data.distinct.get(type_)
        if seen is not None and seen[0] is pairs and seen[1] == len(pairs):
            rels[type_] = pairs
            continue
        unique = list(dict.fromkeys(pairs))
        rels[type_] = pairs if len(unique) == len(pairs) else unique
    out = data if all(rels[t] is data.rels[t] for t in rels) else GraphData(data.nodes, rels)
    out.distinct = {t: (pairs, len(pairs)) for t, pairs in out.rels.items()}
    return out


def alive(pid: int) -> bool:
    """Whether process `pid` runs (what a killed load left, named by its PID, may go)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def load_work(data: GraphData) -> int:
    """Units of work in a load, for the progress bar: batches of nodes and relationships."""
    units = 0
    for rows in data.nodes.values():
        units += max(1, -(-len(rows) // BATCH))
    for pairs in data.rels.values():
        units += max(1, -(-len(pairs) // BATCH))
    return units


def batches(rows: list[Any], size: int = BATCH) -> list[list[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]


def _write_graph(run: Run, data: GraphData, caps: Capabilities, progress: Progress | None) -> None:
    total = load_work(data)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    for label, rows in data.nodes.items():
        run(writes.delete_missing_nodes(label), {"ids": [r["id"] for r in rows]})
        for chunk in batches(rows):
            _upsert(run, label, chunk, caps)
            tick()
    for type_, pairs in data.rels.items():
        # none of the type left and the pairs distinct: CREATE cannot make a pair twice
        run(writes.delete_relationships(type_), {})
        create = writes.create_relationships(type_)
        for chunk in batches(pairs):
            if chunk:
                run(create, {"rows": [{"s": s, "d": d} for s, d in chunk]})
            tick()


def _upsert(
    run: Run, label: str, chunk: list[dict[str, Any]], caps: Capabilities, create: bool = False
) -> None:
    """Create or update the nodes of `chunk` (`create`: none of them is in the store yet);
    steps on a multi-label store take their lane as a second label in the same statement
    (one statement per lane)."""
    if not chunk:
        return
    if not (caps.multi_labels and label == "Step"):
        make = writes.create_nodes if create else writes.upsert_nodes
        run(make(label, caps), {"rows": chunk})
        return
    make_step = writes.create_steps_in_lane if create else writes.upsert_steps_in_lane
    for lane in LANES:
        rows = [r for r in chunk if r["lane"] == lane.key]
        if rows:
            run(make_step(lane), {"rows": rows})
    rest = [r for r in chunk if r["lane"] not in LANE_KEYS]
    if rest:
        run(make_step(None), {"rows": rest})


LANE_KEYS = frozenset(lane.key for lane in LANES)


def change_size(old: GraphData, new: GraphData, limit: int, delta: Delta | None = None) -> int:
    """How many nodes and relationships turning `old` into `new` writes or deletes, counted
    until it passes `limit` (an empty store: everything, without comparing); with `delta`,
    the difference already worked out, its size."""
    if delta is not None:
        return delta.size
    if old.size == 0:
        return new.size
    size = 0
    for label in NODES:
        gone, added, changed = changed_rows(old, new, label)
        size += len(gone) + len(added) + len(changed)
        if size > limit:
            return size
    for type_ in RELS:
        gone_pairs, made = changed_pairs(old, new, type_)
        size += len(gone_pairs) + len(made)
        if size > limit:
            return size
    return size


def write_changes(
    run: Run,
    old: GraphData,
    new: GraphData,
    caps: Capabilities,
    progress: Progress | None,
    delta: Delta | None = None,
) -> None:
    """Write only what differs between `old` (what the store holds) and `new` (`delta`,
    when the caller worked it out already)."""
    delta = delta or Delta.between(old, new)
    nodes, rels = delta.nodes, delta.rels
    total = sum(max(1, -(-(len(a) + len(c)) // BATCH)) for _, a, c in nodes.values())
    total += sum(max(1, -(-len(made) // BATCH)) for _, made in rels.values())
    done = 0
    for label, (gone, added, changed) in nodes.items():
        if gone:
            run(writes.delete_nodes(label), {"ids": gone})
        # nodes the store does not hold are created (no lookup first); the others updated
        for chunk, create in [(c, True) for c in batches(added)] + [
            (c, False) for c in batches(changed) if c
        ]:
            _upsert(run, label, chunk, caps, create=create)
            done += 1
            if progress:
                progress(done, total)
    for type_, (gone_pairs, made) in rels.items():
        for chunk in batches(gone_pairs):
            if chunk:
                rows = [{"s": s, "d": d} for s, d in chunk]
                run(writes.delete_relationship_pairs(type_), {"rows": rows})
        # a type the store held none of (a first load) is cleared and created, which cannot
        # make a pair twice and is the fast path; other additions are MERGEd
        first = bool(made) and not old.rels.get(type_)
        if first:
            run(writes.delete_relationships(type_), {})
        write = writes.create_relationships if first else writes.merge_relationships
        for chunk in batches(made):
            if chunk:
                rows = [{"s": s, "d": d} for s, d in chunk]
                run(write(type_), {"rows": rows})
            done += 1
            if progress:
                progress(done, total)
