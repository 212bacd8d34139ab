"""A Neo4j load in bounded transactions that no reader sees half of.

One transaction for a whole enterprise needs memory in proportion to it: at 5,000 synthetic
services it passes a server's default transaction memory limit (70% of a 1 GB heap), and
Aura caps a transaction's memory too. So a load larger than one batch (`batch` rows, the
`--batch-size` setting) is written in four phases, each of bounded transactions:

1. **stage**: the new graph is created under staging labels (`BpqlStageStep`, no schema label,
   no lane label), tagged with its generation, and its relationships join staged nodes only.
   Every read BPQL makes matches schema labels and walks relationships from them, so no read
   reaches it: readers see the old graph whole for as long as this takes (most of the load).
2. **switch, out**: one small transaction is the load's compare-and-set (`claim`: the token
   read at the start is still the store's, no other switch is under way), checks the staged
   counts, and records on the load-state node that this generation is being switched in. From
   then on readers wait (`settle`), and the live graph is moved out (label `BpqlOld`), batch by
   batch.
3. **switch, in**: the staged graph is made live, batch by batch; the last transaction writes
   the new token, ends the switch and counts the store (the fingerprint kept in the state).
4. **clean**: the old graph is deleted, relationships first, batch by batch.

A load killed during 1 leaves staged nodes no read sees; the next load deletes them when it
runs on the same host (the dead load's process id is recorded), or else once another load has
switched in (the expected token they were staged against is then gone). A load killed
during 2 or 3 leaves a switch recorded: readers say so in one line instead of reading, and the
next load finishes it first (every batch of a switch is idempotent: out moves whatever still
has a schema label, in moves whatever of the generation is still staged). A load killed
during 4 leaves `BpqlOld` nodes that the next load deletes. Two loads at once both stage;
the first to switch wins, the other fails its claim with one line and deletes what it staged.

Why labels, and why in batches: a generation property on every node would need a filter in
every statement the compiler writes (and a uniqueness constraint per id and generation, which
Neo4j Community lacks); a database per load needs Enterprise (Community and Aura Free have
one). Moving a node between labels costs about 2 KB of transaction memory (its index entries),
so a switch in one transaction would need 1.4 GB at 10,000 services: it is batched, and
readers wait for the few seconds it takes instead of seeing it half done.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable
from typing import Any, Protocol

from bpql.backends import writes
from bpql.backends.base import (
    Expected,
    Fingerprint,
    Progress,
    Run,
    alive,
    claim,
    fingerprint,
    lost_race,
)
from bpql.backends.writes import Capabilities
from bpql.errors import BackendError
from bpql.graphdata import GraphData
from bpql.schema import LANES, NODES


class Store(Protocol):
    """What a staged load needs of its store (Neo4j's backend): reads, write transactions
    that say how many rows they write, and the time limit a waiting reader keeps."""

    uri: str
    capabilities: Capabilities

    def read(self, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]: ...

    def write_transaction(self, work: Callable[[Run], object], rows: int | None = None) -> None: ...

    def fingerprint(self) -> Fingerprint: ...

    def time_left(self) -> float | None: ...


#: a switch whose last batch is older than this (milliseconds) was interrupted: its load died
STALE_MS = 120_000
#: how long a reader waits for a switch to end, at most (seconds)
SWITCH_WAIT = 600.0

LANE_KEYS = [lane.key for lane in LANES]


def staged_replace(
    backend: Store,
    data: GraphData,
    progress: Progress | None,
    token: str,
    expect: Expected | None,
    batch: int,
) -> Fingerprint:
    """Make the store hold exactly `data` through the four phases above; the fingerprint of
    what it then holds. `token` names the load (it is also the generation staged)."""
    ticks = _Ticks(progress, _work(backend, data, batch))
    generation = token
    expected = "" if expect is None or expect.token is None else expect.token
    here = {"host": socket.gethostname(), "pid": os.getpid()}
    backend.write_transaction(
        lambda run: run(writes.register_stage(), {"load": generation, "expect": expected, **here})
    )
    try:
        _phase("stage")
        staged = _stage(backend, data, generation, batch, ticks)
        _phase("switch-out")
        _begin(backend, data, staged, generation, token, expect)
    except BaseException:
        drop_stages(backend, [generation], batch)
        raise
    try:
        counted = finish_switch(backend, generation, batch, ticks)
    except _Finished:  # another load found this switch stalled and finished it
        counted = backend.fingerprint()
    _phase("clean")
    clean(backend, batch, ticks)
    ticks.finish()
    return counted


def _phase(name: str) -> None:
    """For the crash tests (BPQL_TEST_PHASES=1): the phase a load enters, on stderr."""
    import os
    import sys

    if os.environ.get("BPQL_TEST_PHASES") == "1":
        print(f"bpql-test: phase {name}", file=sys.stderr, flush=True)


class _Ticks:
    """Progress as batches are committed (`done` of an estimated `total`)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def tick(self) -> None:
        self.done += 1
        if self.progress:
            self.total = max(self.total, self.done + 1)
            self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress:
            self.total = self.done = max(self.done, 1)
            self.progress(self.done, self.total)


def _chunks(n: int, batch: int) -> int:
    return -(-n // batch)


def _work(backend: Store, data: GraphData, batch: int) -> int:
    """Batches a staged load commits: staging, the switch out and in, the clean-up."""
    staged = sum(_chunks(len(rows), batch) for rows in data.nodes.values())
    staged += sum(_chunks(len(pairs), batch) for pairs in data.rels.values())
    live = backend.fingerprint()
    old_nodes = sum(live["nodes"].values())
    old_rels = sum(live["relationships"].values())
    new_nodes = sum(map(len, data.nodes.values()))
    return (
        staged
        + _chunks(old_nodes, batch)
        + _chunks(new_nodes, batch)
        + _chunks(old_rels, batch)
        + _chunks(old_nodes, batch)
        + 3
    )


def _stage(
    backend: Store, data: GraphData, generation: str, batch: int, ticks: _Ticks
) -> Fingerprint:
    """Phase 1: the new graph under staging labels, `batch` rows a transaction; what the
    transactions say they created, per label and type (a retried transaction counts once)."""
    staged: Fingerprint = {"nodes": {}, "relationships": {}}

    def write(part: str, name: str, statement: str, rows: list[Any]) -> None:
        made: list[int] = []

        def work(run: Run) -> None:
            out = run(statement, {"rows": rows, "load": generation})
            made[:] = [int(out[0][0]) if out else 0]

        backend.write_transaction(work, rows=len(rows))
        staged[part][name] = staged[part].get(name, 0) + made[0]
        ticks.tick()

    for label, nodes in data.nodes.items():
        for start in range(0, len(nodes), batch):
            write("nodes", label, writes.stage_nodes(label), nodes[start : start + batch])
    for type_, pairs in data.rels.items():
        for start in range(0, len(pairs), batch):
            chunk = [list(pair) for pair in pairs[start : start + batch]]
            write("relationships", type_, writes.stage_relationships(type_), chunk)
    return staged


def _begin(
    backend: Store,
    data: GraphData,
    staged: Fingerprint,
    generation: str,
    token: str,
    expect: Expected | None,
) -> None:
    """The compare-and-set: the token the load read is still the store's, no other switch
    is under way, the staged graph is still whole (no other load switched in since it was
    staged: only then may another load delete it), and it holds every node and relationship
    of `data` (as its transactions counted them); then the switch begins. The count is
    checked last: a stage another load deleted under this one counts short, and that is a
    lost race, not an internal error."""
    wanted = data.counts()

    def work(run: Run) -> None:
        claim(run, backend.capabilities, expect, token, backend.uri)
        intact = run(writes.stage_intact(), {"load": generation})
        if not intact or not intact[0][0]:
            # another load switched in meanwhile, and may have deleted this one's stage
            # (so a short count below is that load's doing, not this one's)
            raise lost_race(backend.uri)
        for part in ("nodes", "relationships"):
            for name, count in wanted[part].items():
                if staged[part].get(name, 0) != count:
                    raise BackendError(
                        f"internal: the load staged {staged[part].get(name, 0):,} {name} "
                        f"{part} of {count:,} in {backend.uri}; nothing was switched in",
                        code="BPQL-S065",
                    )
        here = {"host": socket.gethostname(), "pid": os.getpid()}
        run(writes.begin_switch(), {"load": generation, "next": token, **here})

    backend.write_transaction(work)


def finish_switch(backend: Store, generation: str, batch: int, ticks: _Ticks) -> Fingerprint:
    """Phases 2 and 3 of generation `generation`, from wherever they stand (a load killed in
    the middle of them is finished by the next one the same way); the store's fingerprint."""
    status = _status(backend)
    if status.switching != generation:
        raise BackendError(
            f"internal: the switch of load {generation} in {backend.uri} is not under way",
            code="BPQL-S056",
        )
    if status.phase == "out":
        for label in NODES:
            statement = writes.move_out(label)
            while _switch_batch(backend, generation, statement, {"limit": batch}):
                ticks.tick()
        backend.write_transaction(
            lambda run: _alive(run(writes.switch_phase(), {"load": generation, "phase": "in"}))
        )
        _phase("switch-in")
    for label in NODES:
        forms: list[tuple[str, dict[str, Any]]] = [(writes.move_in(label), {})]
        if label == "Step":
            forms = [(writes.move_in(label, lane), {"lane": lane.key}) for lane in LANES]
            forms.append((writes.move_in(label, other_lanes=True), {"lanes": LANE_KEYS}))
        for statement, extra in forms:
            params = {"limit": batch, "load": generation, **extra}
            while _switch_batch(backend, generation, statement, params):
                ticks.tick()
    counted: list[Fingerprint] = []

    def end(run: Run) -> None:
        run(writes.lock_load_state(), {"claim": generation})
        _alive(run(writes.end_switch(), {"load": generation}))
        run(writes.forget_stage(), {"load": generation})
        counted[:] = [fingerprint(run)]

    backend.write_transaction(end)
    return counted[0]


def _alive(rows: list[list[Any]]) -> None:
    """A switch statement found its switch still under way (another load finished it)."""
    if not rows or not rows[0] or not rows[0][0]:
        raise _Finished


class _Finished(Exception):
    """Another process finished this switch (a load that found it interrupted)."""


def _switch_batch(backend: Store, generation: str, statement: str, params: dict[str, Any]) -> int:
    """One batch of a switch, under the load-state node's lock while the switch is still
    this one's; how many nodes it moved (0: that part is done)."""
    moved: list[int] = []

    def work(run: Run) -> None:
        run(writes.lock_load_state(), {"claim": generation})
        phase = run(writes.switch_phase(), {"load": generation, "phase": _phase_of(statement)})
        if not phase or not phase[0][0]:
            moved[:] = [0]
            return
        rows = run(statement, {"load": generation, **params})
        moved[:] = [int(rows[0][0]) if rows else 0]

    backend.write_transaction(work, rows=int(params["limit"]))
    return moved[0]


def _phase_of(statement: str) -> str:
    return "out" if f"SET n:{writes.OLD}" in statement else "in"


def clean(backend: Store, batch: int, ticks: _Ticks | None = None) -> None:
    """Phase 4, and what killed loads left: the old graph (relationships first) and the
    staged graphs of loads that can no longer switch in, batch by batch."""
    for statement in (writes.drop_old_relationships(), writes.drop_old_nodes()):
        while _drop(backend, statement, {"limit": batch}):
            if ticks:
                ticks.tick()
    _, rows = backend.read(writes.staged_loads(), {})
    drop_stages(backend, [str(r[0]) for r in rows if r[1] or _died(r[2], r[3])], batch)


def _died(host: Any, pid: Any) -> bool:
    """A staged load's process is gone: it ran on this host and its id is no longer alive."""
    if host != socket.gethostname() or type(pid) is not int or pid == os.getpid():
        return False
    return not alive(pid)


def drop_stages(backend: Store, generations: list[str], batch: int) -> None:
    """The staged graphs of `generations` deleted, relationships first, and their entries."""
    for generation in generations:
        for label in NODES:
            for statement in (
                writes.drop_staged_relationships(label),
                writes.drop_staged_nodes(label),
            ):
                while _drop(backend, statement, {"limit": batch, "load": generation}):
                    pass
        _forget(backend, generation)


def _forget(backend: Store, generation: str) -> None:
    backend.write_transaction(lambda run: run(writes.forget_stage(), {"load": generation}))


def _drop(backend: Store, statement: str, params: dict[str, Any]) -> int:
    dropped: list[int] = []

    def work(run: Run) -> None:
        rows = run(statement, params)
        dropped[:] = [int(rows[0][0]) if rows else 0]

    backend.write_transaction(work, rows=int(params["limit"]))
    return dropped[0]


class Status:
    """The load-state node as a switch sees it."""

    def __init__(self, row: list[Any] | None) -> None:
        row = row or [None] * 7
        self.token: str | None = None if row[0] is None else str(row[0])
        self.switching: str | None = None if row[1] is None else str(row[1])
        self.phase: str | None = None if row[2] is None else str(row[2])
        self.next: str | None = None if row[3] is None else str(row[3])
        self.idle_ms: int | None = None if row[4] is None else int(row[4])
        self.host: str | None = None if row[5] is None else str(row[5])
        self.pid: int | None = row[6] if type(row[6]) is int else None

    @property
    def stale(self) -> bool:
        """The switch's load died: its process is gone (on this machine), or it has not
        committed a batch for STALE_MS."""
        if self.switching is None:
            return False
        if self.host == socket.gethostname() and self.pid is not None and not alive(self.pid):
            return True
        return self.idle_ms is None or self.idle_ms > STALE_MS


def _status(backend: Store) -> Status:
    _, rows = backend.read(writes.switch_status(), {})
    return Status(rows[0] if rows else None)


def recover(backend: Store, batch: int) -> None:
    """Before a load reads the store: finish a switch another load left half done (it died,
    or is finishing it now: every batch is idempotent and checks the switch is still on), then
    delete what killed loads left."""
    status = _status(backend)
    if status.switching is not None:
        # a switch under way in a live load is waited for; a dead one's is finished here
        deadline = time.monotonic() + SWITCH_WAIT
        while not status.stale and status.switching is not None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
            status = _status(backend)
        if status.switching is not None:
            with contextlib.suppress(_Finished):
                finish_switch(backend, status.switching, batch, _Ticks(None, 0))
    clean(backend, batch)


def settle(backend: Store) -> None:
    """For a reader: wait while a load switches graphs (it takes seconds), so that no read
    sees half a switch; one line if the switch was interrupted (its load died) or outlasts
    SWITCH_WAIT or the reader's own time limit."""
    started = time.monotonic()
    delay = 0.05
    while True:
        now = _status(backend)
        if now.switching is None:
            return
        if now.stale:
            raise BackendError(
                f"the store {backend.uri} is in the middle of switching to a newly loaded "
                "graph, and the load doing it stopped; run `bpql load` again to finish it",
                code="BPQL-S057",
            )
        left = backend.time_left()
        if time.monotonic() - started > SWITCH_WAIT:
            raise BackendError(
                f"the store {backend.uri} has been switching to a newly loaded graph for "
                f"{SWITCH_WAIT:.0f} s; try again when that load has finished",
                code="BPQL-S058",
            )
        time.sleep(min(delay, left) if left is not None else delay)
        delay = min(delay * 2, 0.5)
