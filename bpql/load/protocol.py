"""Loading: validate every file, then write the whole enterprise in one atomic step.

A reload reads and writes only what changed. The state of the last load is kept beside the
store (`state_file`, in bpql/backends/sidefiles.py): the graph written, each file as the load
saw it (size, time, hash of its bytes) and where its rows sit in that graph, a fingerprint of
the store after the write (counts per label and type), and a token that the same write stored
in the store. A file seen as then is not read again: its part of the graph is taken from the
saved graph and what it refers to in the enterprise file is checked by index
(`bpql.model.validate.validate_for_load`). When the store's token is the saved one and the
store's counts are the saved ones, the saved graph is what the store holds, so the difference
is worked out without reading the store back, once, for the report and the write (`apply`).
`load_files` is that protocol, for `bpql load` and `Client.load` alike.

The state is data, never code: one JSON document, read without following a link or opening
anything but a regular file, bounded in size, and checked field by field (format, version,
shape, types) before any of it is used. Anything else costs the next load its shortcut, and
the load says so in one line. Loads that race each other are settled by the store: the write
checks that the token read at the start is still there (`bpql.backends.base.claim`).
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import itertools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bpql.backends.base import Backend, Expected, Fingerprint, Progress, new_token
from bpql.backends.sidefiles import Unusable, read_side_file, write_side_file
from bpql.backends.sidefiles import state_file as state_file
from bpql.graphdata import FILE_KEYS, Enterprise, GraphData, Kept, Previous, Seen
from bpql.schema import NODES, RELS

if TYPE_CHECKING:
    from bpql.load.diff import Changes
    from bpql.model.validate import Validated

#: bumped when what a state file holds changes shape; a state of another version is not used
#: (4: a relationship type's pairs are one flat list of ids, source then target; 5: a file's
#: sighting holds its settled status-change time and inode, `Seen`)
STATE_VERSION = 5
#: what a state file says it is, first thing
STATE_FORMAT = "bpql-load-state"
#: the largest state file read (1,000 services make about 30 MB; 10,000 about ten times that)
MAX_STATE_BYTES = 1 << 30

#: one line for the user, as `note(...)` receives it
Note = Callable[[str], None]


def load(backend: Backend, paths: Sequence[Path], progress: Progress | None = None) -> Enterprise:
    """Make the store hold exactly the enterprise in `paths`.

    Validation of every file finishes before the first write, and the write is one
    transaction, so a bad file or a crash leaves the store as it was. Loading the same files
    again gives the same graph; a step deleted from a file disappears from the graph.
    """
    from bpql.model.validate import validate_paths

    return write(backend, validate_paths(paths), progress)


def prepare(enterprise: Enterprise) -> Enterprise:
    """The graph as it will be written: with its lint findings when the lint settings say
    `store = true` (worked out once, so the difference a load reports includes them), and
    each relationship pair once per type (a store holds a pair at most once)."""
    from bpql.backends.base import distinct
    from bpql.lint.store import annotate

    if not enterprise.annotated:
        annotate(enterprise)
        enterprise.annotated = True
    enterprise.graph = distinct(enterprise.graph)
    return enterprise


def write(
    backend: Backend,
    enterprise: Enterprise,
    progress: Progress | None = None,
    old: GraphData | None = None,
    token: str | None = None,
    expect: Expected | None = None,
) -> Enterprise:
    """Make the store hold exactly `enterprise`, already validated, in one transaction
    (with its lint findings when the lint settings say `store = true`). With `old`, the
    graph the store holds now, only the difference is written; `token` names the load;
    `expect` is the token read before `old` was (see `Backend.replace_graph`)."""
    prepare(enterprise)
    keep_observed(backend, enterprise, old)
    backend.replace_graph(enterprise.graph, progress, old, token, expect)
    return enterprise


def keep_observed(backend: Backend, enterprise: Enterprise, old: GraphData | None) -> None:
    """Keep what `bpql observe` wrote about the things the files still hold (their observed
    figures, their Observation nodes): a reload must not lose the observed service."""
    from bpql.observe.store import carry, stored_observations

    carry(old if old is not None else stored_observations(backend), enterprise.graph)


@dataclass
class Applied:
    """What `apply` did: the changes, and the state the store is in after it."""

    changes: Changes
    token: str
    fingerprint: Fingerprint
    written: bool


def apply(
    backend: Backend,
    enterprise: Enterprise,
    state: LoadState | None,
    progress: Progress | None = None,
) -> Applied:
    """A load against the store as it is: the saved `state` is trusted only when the store
    still holds its token and its fingerprint; otherwise the store is read back (a full
    difference, which also repairs a store changed behind the state). The token, the counts
    and the graph are read through one reader, and the write goes ahead only if the
    token is still the one read (another load may have written meanwhile). The difference
    is worked out once, for the report and for the write."""
    from bpql.backends.reads import stored_graph
    from bpql.graphdata import Delta
    from bpql.load.diff import diff

    prepare(enterprise)
    backend.prepare_load()  # what an interrupted load left is finished or removed first
    with backend.reading():
        token = backend.load_token()
        now = backend.fingerprint()
        trusted = (
            state is not None
            and token is not None
            and state.token == token
            and state.fingerprint == now
            and not backend.altered
        )
        old = state.graph if trusted and state is not None else stored_graph(backend)
    keep_observed(backend, enterprise, old)  # what bpql observe wrote about the things kept
    delta = Delta.between(old, enterprise.graph)
    changes = diff(old, enterprise.graph, delta)
    if trusted and token is not None and not changes.touched:
        return Applied(changes, token, now, written=False)
    made = new_token()
    counted = backend.replace_graph(enterprise.graph, progress, old, made, Expected(token), delta)
    return Applied(changes, made, counted, written=True)


@dataclass
class Loaded:
    """What `load_files` did: the enterprise read, what it changes in the store (or would,
    on a dry run), the store, and the seconds the store's part took."""

    enterprise: Enterprise
    changes: Changes
    uri: str
    dry_run: bool
    seconds: float


def load_files(
    uri: str | None,
    paths: Sequence[Path],
    *,
    dry_run: bool = False,
    batch_size: int | None = None,
    progress: Progress | None = None,
    note: Note | None = None,
) -> Loaded:
    """`bpql load` and `Client.load`: make the store at `uri` hold exactly the enterprise
    in `paths`, through the saved load state beside it (a reload reads and writes only what
    changed), or with `dry_run` work out what that would change without writing anything
    (an embedded store that does not exist is not made). Every file is validated before the
    store is even opened: a bad file must not create a store. A state that cannot be used is
    told to `note` in one line."""
    import time

    from bpql.analysis.fmea import DEFAULT_SOURCE
    from bpql.backends.base import default_db
    from bpql.backends.registry import connect
    from bpql.load.diff import diff
    from bpql.model.validate import validate_for_load

    where = uri or default_db()
    state_path = state_file(where)
    state = read_state(state_path, note)
    checked = validate_for_load(list(paths), state.files if state else None)
    ent = checked.enterprise
    # parts made with an own action priority table are not reused (see validate_for_load)
    files = remembered(checked) if ent.ap_source == DEFAULT_SOURCE else None
    prepare(ent)
    started = time.perf_counter()
    if dry_run:
        where, old = _stored_or_empty(where)
        keep_observed_from(old, ent)
        return Loaded(ent, diff(old, ent.graph), where, True, time.perf_counter() - started)
    with connect(where, create=True) as backend:
        if batch_size:
            backend.batch = batch_size
        # only the difference, all or nothing, and only if no other load wrote meanwhile
        done = apply(backend, ent, state, progress)
        save_state(state_path, LoadState(done.token, ent.graph, files, done.fingerprint))
        where = backend.uri
    return Loaded(ent, done.changes, where, False, time.perf_counter() - started)


def keep_observed_from(old: GraphData, enterprise: Enterprise) -> None:
    """`keep_observed` with the stored graph already read (a dry run reads it whole)."""
    from bpql.observe.store import carry

    carry(old, enterprise.graph)


def _stored_or_empty(uri: str) -> tuple[str, GraphData]:
    """The graph in the store, read-only; an embedded store that does not exist yet is empty
    (and a dry run must not create it)."""
    from bpql.backends.reads import stored_graph
    from bpql.backends.registry import connect
    from bpql.errors import BackendError

    try:
        backend = connect(uri, create=False, read_only=True)
    except BackendError as exc:
        if exc.code != "BPQL-S020":  # no embedded store at that path
            raise
        return uri, GraphData()
    with backend:  # one graph, even while a load commits
        return backend.uri, backend.consistent(lambda: stored_graph(backend))


@dataclass
class LoadState:
    """What the last load through a state file wrote (see the module's docstring)."""

    token: str
    graph: GraphData
    #: the files as the load saw them and where each one's rows sit in `graph`
    #: (`Previous`; None: not kept, and the next load reads every file)
    files: Previous | None = None
    #: the store's counts right after the write (`Backend.fingerprint`)
    fingerprint: Fingerprint = field(default_factory=dict)


def read_state(path: Path, note: Note | None = None) -> LoadState | None:
    """The saved state, or None when there is none or it cannot be used (it is only ever a
    shortcut: without it, a load reads the store and parses every file). A state that is
    there but cannot be used is told to `note` in one line; a missing one is not."""
    try:
        raw = read_side_file(path, MAX_STATE_BYTES)
        if raw is None:
            return None
        return _decode(raw)
    except Unusable as exc:
        if note is not None:
            from bpql.errors import escape_breaks

            note(
                escape_breaks(
                    f"note: the saved load state {path} cannot be used ({exc}); this load "
                    "reads the store and every file"
                )
            )
        return None


def _decode(raw: bytes) -> LoadState:
    """A state document checked field by field (format, version, shape, types) and turned
    back into a `LoadState`. msgspec parses it against the document's types (`_schema`: the
    graph's values scalars, its ids texts, no field missing or unknown), in C, as it reads:
    at 10,000 services 0.5 s where parsing with orjson and then checking every value took
    1.0 s. What types cannot say (the schema's labels and columns, the rows' width, the
    files' counts adding up) is checked after."""
    import msgspec

    from bpql.model.validate import paused_gc

    with paused_gc():
        try:
            doc = _schema().decode(raw)
        except msgspec.ValidationError as exc:
            _head(raw)  # a document of another format or version says so first
            raise Unusable(str(exc)) from None  # `read_state` tells it on one line
        except msgspec.DecodeError:
            raise Unusable("it is not a BPQL load state") from None
        if doc.format != STATE_FORMAT:
            raise Unusable("it is not a BPQL load state")
        if doc.version != STATE_VERSION or doc.code != _code():
            raise Unusable("another version of BPQL wrote it")
        if not doc.token:
            raise Unusable("token: not a text")
        graph = _graph(doc.graph)
        return LoadState(doc.token, graph, _files(doc.files, graph), _counts(doc.fingerprint))


def _head(raw: bytes) -> None:
    """Unusable, saying so, when `raw` is not a load state of this version of BPQL."""
    import msgspec

    try:
        head = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise Unusable("it is not a BPQL load state") from None
    if type(head) is not dict or head.get("format") != STATE_FORMAT:
        raise Unusable("it is not a BPQL load state")
    if head.get("version") != STATE_VERSION or head.get("code") != _code():
        raise Unusable("another version of BPQL wrote it")


def _schema() -> Any:
    """The decoder of a state document (made once: msgspec compiles the types)."""
    if not _SCHEMA:
        import msgspec

        from bpql.load.statedoc import StateDoc

        _SCHEMA.append(msgspec.json.Decoder(StateDoc))
    return _SCHEMA[0]


_SCHEMA: list[Any] = []


def _graph(doc: Any, what: str = "graph") -> GraphData:
    """`graph`: per label, the schema's columns and rows of that width; per relationship
    type, pairs of ids (the values' types were checked as it was parsed)."""
    nodes, rels = _tables(doc, what)
    graph = GraphData()
    for label, rows in nodes.items():
        graph.nodes[label] = _dicts(NODES[label].prop_names, rows)
    for type_, ids in rels.items():
        at = iter(ids)  # source, target, source, target, ...
        graph.rels[type_] = list(zip(at, at, strict=False))
    return graph


def _dicts(columns: tuple[str, ...], rows: list[list[Any]]) -> list[dict[str, Any]]:
    """A label's rows (every one of the columns' width, `_tables`) as dicts: copies of one
    dict of the columns, each filled in place, all in C. (Held column by column, the rows
    read faster but were written slower by as much: a whole pass over the rows per
    column.)"""
    template = dict.fromkeys(columns)
    made = list(map(dict.copy, itertools.repeat(template, len(rows))))
    pairs = map(zip, itertools.repeat(columns), rows)
    collections.deque(map(dict.update, made, pairs), maxlen=0)
    return made


def _tables(doc: Any, what: str) -> tuple[dict[str, list[list[Any]]], dict[str, list[str]]]:
    """A graph's rows as saved (lists of the columns' values), checked: per label, the
    schema's columns and rows of that width; per type, its pairs as one flat list of ids
    (source, target, ...: 1.7 million two-item lists of 10,000 services took longer to parse
    and check than the ids themselves)."""
    if set(doc.nodes) != set(NODES):
        raise Unusable(f"{what}.nodes: not this schema's labels")
    if set(doc.rels) != set(RELS):
        raise Unusable(f"{what}.rels: not this schema's relationship types")
    out: dict[str, list[list[Any]]] = {}
    for label, table in doc.nodes.items():
        columns = NODES[label].prop_names
        if table.columns != list(columns):
            raise Unusable(f"{what}.nodes.{label}: not this schema's columns")
        if not set(map(len, table.rows)) <= {len(columns)}:
            raise Unusable(f"{what}.nodes.{label}: a row that is not {len(columns)} values")
        out[label] = table.rows
    for type_, ids in doc.rels.items():
        if len(ids) % 2:
            raise Unusable(f"{what}.rels.{type_}: not a list of pairs of ids")
    return out, doc.rels


def _seen(doc: tuple[int, int, str, int, int]) -> Seen:
    return Seen(*doc)


def _spans(doc: list[int]) -> list[int]:
    if len(doc) != len(FILE_KEYS):
        raise Unusable("files: a file's counts are not one whole number per label and type")
    if any(n < 0 for n in doc):
        raise Unusable("files: a negative count")
    return doc


def _files(doc: Any, graph: GraphData) -> Previous | None:
    """`files`: the enterprise file (name, how it was seen, its own rows' counts) and per
    blueprint file its name, how it was seen (size, time, hash, status time, inode), its
    service (id, name, description, scenario) and how many rows of each label and pairs of
    each type it made (`FILE_KEYS`): they sit in `graph` file after file, after the
    enterprise file's (the types were checked as it was parsed)."""
    if doc is None:
        return None
    name, sighting, start = doc.enterprise
    at = list(_spans(start))
    names, seen, services, counts = doc.names, doc.seen, doc.services, doc.counts
    n = len(names)
    if len(set(names)) != n or not all(len(x) == n for x in (seen, services, counts)):
        raise Unusable("files: not a list of files with their sightings, services and counts")
    files: dict[str, Kept] = {}
    spans, at = _placed(at, [_spans(c) for c in counts])
    for file, seen_as, (sid, sname, desc, scenario), placed in zip(
        names, seen, services, spans, strict=True
    ):
        files[file] = Kept(_seen(seen_as), sid, sname, desc, scenario, placed)
    held = [len(graph.nodes[k]) if k in graph.nodes else len(graph.rels[k]) for k in FILE_KEYS]
    if at != held:
        raise Unusable("files: their counts do not add up to the graph's")
    return Previous(graph, (name, _seen(sighting)), files, list(start))


def remembered(checked: Validated) -> Previous:
    """What a load's state keeps of its files (see `_files`), from its validation: the
    files' parts sit in the graph in the files' order, after the enterprise file's rows."""
    files: dict[str, Kept] = {}
    placed, _ = _placed(checked.counts, [part.counts() for part in checked.parts])
    for part, spans in zip(checked.parts, placed, strict=True):
        sighting = checked.seen.get(part.file)
        if sighting is not None:
            files[part.file] = Kept(
                sighting, part.service, part.name, part.description, part.scenario, spans
            )
    entry = checked.seen.get(checked.entry, Seen(-1, -1, ""))
    return Previous(checked.enterprise.graph, (checked.entry, entry), files, checked.counts)


def _placed(
    start: Sequence[int], counts: list[list[int]]
) -> tuple[list[tuple[tuple[int, int], ...]], list[int]]:
    """Where each file's rows and pairs sit (start and end per `FILE_KEYS` key), the files
    being one after the other from `start` and each making `counts` of each key; and where
    the last one ends. Summed key by key in C (a per-file loop of pairs was 0.15 s of a
    10,000-file reload)."""
    if not counts:
        return [], list(start)
    ends = [
        list(itertools.accumulate(column, initial=first))
        for first, column in zip(start, zip(*counts, strict=True), strict=True)
    ]
    begins = zip(*(column[:-1] for column in ends), strict=True)
    finishes = zip(*(column[1:] for column in ends), strict=True)
    spans = list(map(tuple, map(zip, begins, finishes)))
    return spans, [column[-1] for column in ends]


def _files_doc(previous: Previous | None) -> dict[str, Any] | None:
    """`files` of a state document (see `_files`)."""
    if previous is None:
        return None
    names, seen, services, counts = [], [], [], []
    for name, k in previous.files.items():
        names.append(name)
        seen.append(_sighting(k.seen))
        services.append([k.service, k.name, k.description, k.scenario])
        counts.append([e - s for s, e in k.spans])
    name, sighting = previous.enterprise
    enterprise = [name, _sighting(sighting), previous.start]
    doc = {"names": names, "seen": seen, "services": services, "counts": counts}
    return {"enterprise": enterprise, **doc}


def _sighting(seen: Seen) -> list[Any]:
    """A file's sighting in a state document (see `_seen`)."""
    return [seen.size, seen.mtime, seen.sha256, seen.ctime, seen.inode]


def _counts(doc: Any) -> Fingerprint:
    """`fingerprint`: a count (a whole number) per label and per relationship type."""
    if set(doc.nodes) != set(NODES) or set(doc.relationships) != set(RELS):
        raise Unusable("fingerprint: not a count per label and relationship type")
    return {"nodes": doc.nodes, "relationships": doc.relationships}


def save_state(path: Path, state: LoadState) -> None:
    """Write the state atomically (a kill leaves the old file or the new); a folder that
    cannot take it costs the next load its shortcut, not this load, and so does a value JSON
    cannot hold (none that validated files give)."""
    import orjson

    from bpql.model.validate import paused_gc

    nodes = {}
    for label, rows in state.graph.nodes.items():
        columns = NODES[label].prop_names
        nodes[label] = {"columns": columns, "rows": _rows(rows, columns)}
    doc = {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "code": _code(),
        "token": state.token,
        "fingerprint": state.fingerprint,
        "graph": {"nodes": nodes, "rels": _flat(state.graph.rels)},
        "files": _files_doc(state.files),
    }
    with paused_gc():
        try:
            raw = orjson.dumps(doc, default=_plain)
        except TypeError:  # a number beyond 64 bits, say
            return
    write_side_file(path, raw)


def _flat(rels: dict[str, list[tuple[str, str]]]) -> dict[str, list[str]]:
    """Each type's pairs as one list of ids, source then target (see `_tables`)."""
    return {type_: list(itertools.chain.from_iterable(pairs)) for type_, pairs in rels.items()}


def _plain(value: Any) -> Any:
    """What orjson does not take as it is: the YAML reader's numbers and strings that keep
    their formatting (ruamel's ScalarFloat, ...), as the plain value."""
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    raise TypeError(type(value).__name__)


def _rows(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[Any]:
    """Node rows as lists of their columns' values (a row lacking one has None there)."""
    if len(columns) > 1:
        with contextlib.suppress(KeyError):
            return list(map(operator.itemgetter(*columns), rows))
    return [[r.get(c) for c in columns] for r in rows]


def _code() -> str:
    """What a state must have been written by: this exact code for reading files and for the
    graph (a file read by other code may have read differently)."""
    if not _CODE:
        from bpql.version import __version__

        digest = hashlib.sha256(f"{STATE_VERSION}|{__version__}".encode())
        root = Path(__file__).resolve().parents[1]
        for name in (
            "schema.py",
            "graphdata.py",
            "model/format.py",
            "model/validate.py",
            "model/yamlpos.py",
            "analysis/fmea.py",
            "analysis/criticality.py",
            "analysis/graph.py",
            "analysis/supports.py",
            "analysis/systems.py",
            "ids.py",
            "durations.py",
            "data/action_priority.csv",
        ):
            with contextlib.suppress(OSError):
                digest.update((root / name).read_bytes())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


_CODE: list[str] = []
