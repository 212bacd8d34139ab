"""Loading: validate every file, then write the whole enterprise in one atomic step.

A reload reads and writes only what changed. The state of the last load is kept beside the
store (`state_file`): what each file parsed to, keyed by its path and content hash, and the
graph written, under a token that the same write stored in the store. When the store's token
is the saved one, the saved graph is what the store holds, so the difference is worked out
without reading the store back, and unchanged files are not parsed again.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bpql.backends.base import Backend, Progress, alive
from bpql.graphdata import Enterprise, GraphData

#: bumped when what a state file holds changes shape; a state of another version is ignored
STATE_VERSION = 1


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
    `store = true` (worked out once, so the difference a load reports includes them)."""
    from bpql.lint.store import annotate

    if not enterprise.annotated:
        annotate(enterprise)
        enterprise.annotated = True
    return enterprise


def write(
    backend: Backend,
    enterprise: Enterprise,
    progress: Progress | None = None,
    old: GraphData | None = None,
    token: str | None = None,
) -> Enterprise:
    """Make the store hold exactly `enterprise`, already validated, in one transaction
    (with its lint findings when the lint settings say `store = true`). With `old`, the
    graph the store holds now, only the difference is written; `token` names the load."""
    prepare(enterprise)
    backend.replace_graph(enterprise.graph, progress, old, token)
    return enterprise


@dataclass
class LoadState:
    """What the last load through a state file wrote (see the module's docstring)."""

    token: str
    graph: GraphData
    #: `bpql.model.validate.file_key` -> the parsed file, pickled
    parsed: dict[str, bytes] = field(default_factory=dict)


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


def read_state(path: Path) -> LoadState | None:
    """The saved state, or None when there is none or it cannot be read (it is only ever a
    shortcut: without it, a load reads the store and parses every file)."""
    from bpql.model.validate import paused_gc

    try:
        raw = path.read_bytes()
        with paused_gc():
            doc = pickle.loads(raw)
        if doc.get("version") != _version():
            return None
        state = doc["state"]
    except Exception:  # missing, truncated or foreign: ignore it
        return None
    return state if isinstance(state, LoadState) else None


def save_state(path: Path, state: LoadState) -> None:
    """Write the state atomically (a kill leaves the old file or the new); a folder that
    cannot take it costs the next load its shortcut, not this load."""
    raw = pickle.dumps(
        {"version": _version(), "state": state},
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(glob.escape(path.name) + ".*.tmp"):
            pid = stale.name[len(path.name) + 1 : -len(".tmp")]
            if pid.isdigit() and not alive(int(pid)):
                stale.unlink(missing_ok=True)
        tmp.write_bytes(raw)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _version() -> tuple[int, str, str]:
    """What a state must have been written by: this format, and this exact code for reading
    files and for the graph (a parsed file pickled by other code could unpickle wrongly)."""
    import bpql

    digest = hashlib.sha256(bpql.__version__.encode())
    root = Path(bpql.__file__).parent
    for name in (
        "schema.py",
        "graphdata.py",
        "model/format.py",
        "model/validate.py",
        "model/yamlpos.py",
        "fmea.py",
        "criticality.py",
        "ids.py",
        "durations.py",
    ):
        with contextlib.suppress(OSError):
            digest.update((root / name).read_bytes())
    return (STATE_VERSION, bpql.__version__, digest.hexdigest())
