"""The load state is data (issue 19, item 2): a state file someone else made runs nothing,
special files (a FIFO, /dev/zero) neither hang a load nor fill memory, and whatever cannot be
used means a full load, said in one line.

On the code before this: a pickled state ran its payload on `bpql load .` and on `--dry-run`,
for an embedded store and for a Neo4j URI; a FIFO as the state hung the load.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bpql.load.protocol import (
    MAX_STATE_BYTES,
    LoadState,
    read_state,
    remembered,
    save_state,
    state_file,
)
from bpql.model.validate import validate_for_load, validate_paths
from tests.test_load import GOOD, ROOT, neo4j_store

#: what `bpql load` says on stderr when the saved state cannot be used
UNUSABLE = "note: the saved load state"


class _Payload:
    """Unpickling this creates the file `marker`: what a hostile state would run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def hostile_pickle(marker: Path) -> bytes:
    return pickle.dumps({"version": (1, "x", "y"), "state": _Payload(marker)})


def cloned(tmp_path: Path) -> Path:
    """A folder as someone else's repository arrives: the enterprise's files at the top."""
    folder = tmp_path / "clone"
    shutil.copytree(ROOT / GOOD, folder)
    return folder


def load_in(
    folder: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`bpql load . ARGS` run in `folder`, as a user runs it in a clone."""
    env = {**(env or os.environ), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bpql.cli", "load", ".", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(UNUSABLE)]


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_pickled_state_in_a_cloned_folder_runs_nothing(tmp_path: Path, dry_run: bool) -> None:
    folder = cloned(tmp_path)
    marker = tmp_path / "pwned"
    store = folder / ".bpql" / "graph.lbdb"
    if not dry_run:  # a store beside it, as the clone would carry one
        assert load_in(folder).returncode == 0
    store.parent.mkdir(exist_ok=True)
    state_file(f"embedded:{store}").write_bytes(hostile_pickle(marker))
    r = load_in(folder, *(["--dry-run"] if dry_run else []))
    assert r.returncode == 0, r.stderr
    assert not marker.exists()
    assert "Traceback" not in r.stderr
    assert len(notes(r.stderr)) == 1, r.stderr
    if not dry_run:  # a full load: the store read back, every file parsed, the state new
        state = read_state(state_file(f"embedded:{store}"))
        assert state is not None and state.files is not None and len(state.files.files) == 2


@pytest.mark.neo4j
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_pickled_state_for_a_neo4j_uri_runs_nothing(
    tmp_path: Path, neo4j_server: Any, monkeypatch: pytest.MonkeyPatch, dry_run: bool
) -> None:
    folder = cloned(tmp_path)
    cache = tmp_path / "cache"
    monkeypatch.setenv("BPQL_CACHE_DIR", str(cache))
    store = neo4j_store(neo4j_server, monkeypatch)
    marker = tmp_path / "pwned"
    path = state_file(store.uri)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(hostile_pickle(marker))
    env = {**store.env, "BPQL_CACHE_DIR": str(cache)}
    r = load_in(folder, "--db", store.uri, *(["--dry-run"] if dry_run else []), env=env)
    assert r.returncode == 0, r.stderr
    assert not marker.exists()
    assert len(notes(r.stderr)) == 1, r.stderr
    if not dry_run:
        state = read_state(path)
        assert state is not None and state.files is not None and len(state.files.files) == 2


def test_a_pickled_state_for_an_unreachable_neo4j_runs_nothing(tmp_path: Path) -> None:
    """The state of a server URI is read before connecting: nothing runs even then."""
    from tests.test_load import free_port

    folder = cloned(tmp_path)
    uri = f"bolt://127.0.0.1:{free_port()}"
    env = {**os.environ, "BPQL_CACHE_DIR": str(tmp_path / "cache"), "NEO4J_PASSWORD": "x"}
    marker = tmp_path / "pwned"
    path = tmp_path / "cache" / state_file(uri).name
    path.parent.mkdir(parents=True)
    path.write_bytes(hostile_pickle(marker))
    for extra in ([], ["--dry-run"]):
        r = load_in(folder, "--db", uri, *extra, env=env, timeout=60)
        assert r.returncode == 3 and not marker.exists(), r.stderr
        assert "Traceback" not in r.stderr


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "oversized", "foreign-json", "garbage"])
def test_a_state_that_cannot_be_used_means_a_full_load_in_one_line(
    tmp_path: Path, kind: str
) -> None:
    """No hang, no memory growth, one line on stderr, and the load is a full one."""
    folder = cloned(tmp_path)
    assert load_in(folder).returncode == 0
    path = state_file(f"embedded:{folder / '.bpql' / 'graph.lbdb'}")
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "oversized":
        with path.open("wb") as f:
            f.truncate(MAX_STATE_BYTES + 1)  # sparse: no disk used
    elif kind == "foreign-json":
        path.write_text(json.dumps({"format": "bpql-load-state", "version": 999}))
    else:
        path.write_bytes(b"\x00\xff not json at all")
    r = load_in(folder, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert len(notes(r.stderr)) == 1, r.stderr
    assert "no changes" in r.stdout  # the store read back holds these files' graph
    state = read_state(path)
    # a new state, a regular file
    assert state is not None and state.files is not None and len(state.files.files) == 2
    assert path.is_file() and not path.is_symlink()


def test_no_state_yet_says_nothing(tmp_path: Path) -> None:
    folder = cloned(tmp_path)
    r = load_in(folder)
    assert r.returncode == 0 and notes(r.stderr) == [], r.stderr


def test_the_state_round_trips_as_data(tmp_path: Path) -> None:
    """What a reload needs comes back equal: the graph (numbers, flags, nulls, tuples of
    ids), and each file's sighting, service and place in the graph; a validation from them
    reads only the enterprise file and makes the graph a full one makes."""
    folder = ROOT / GOOD
    checked = validate_for_load([folder])
    files = remembered(checked)
    ent = checked.enterprise
    ent.graph.nodes["Service"][0]["description"] = 'quotes " \\ \n\u2029 ✓ \x00'
    fingerprint = ent.graph.counts()
    path = tmp_path / "graph.lbdb.state"
    save_state(path, LoadState("tok", ent.graph, files, fingerprint))
    back = read_state(path)
    assert back is not None and back.files is not None
    assert back.token == "tok" and back.fingerprint == fingerprint
    assert back.graph == ent.graph
    assert all(type(p) is tuple for pairs in back.graph.rels.values() for p in pairs)
    assert back.files.files == files.files and len(files.files) == 2
    assert back.files.enterprise == files.enterprise and back.files.start == files.start
    second = validate_for_load([folder], back.files)
    assert second.read == 1  # the enterprise file, which every part refers to
    assert second.enterprise.graph == validate_paths([folder]).graph


@pytest.mark.parametrize(
    "spoil",
    [
        lambda ids: ids.__setitem__(1, 5),  # a number where an id belongs
        lambda ids: ids.__setitem__(0, ["a", "b"]),  # a pair as the old format held it
        lambda ids: ids.append("a"),  # a source without its target
    ],
    ids=["number", "nested", "odd"],
)
def test_a_state_of_the_wrong_shape_is_refused(
    tmp_path: Path, spoil: Callable[[list[Any]], None]
) -> None:
    """Right format and version, wrong types inside: not used."""
    folder = ROOT / GOOD
    ent = validate_paths([folder])
    path = tmp_path / "s.state"
    save_state(path, LoadState("tok", ent.graph, None, ent.graph.counts()))
    doc = json.loads(path.read_bytes())
    assert doc["graph"]["rels"]["USES"]
    spoil(doc["graph"]["rels"]["USES"])
    path.write_text(json.dumps(doc))
    problems: list[str] = []
    assert read_state(path, problems.append) is None
    assert len(problems) == 1 and "\n" not in problems[0]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda table: table["rows"][0].pop(),  # a row narrower than the columns
        lambda table: table["rows"][1].__setitem__(0, {"a": 1}),  # a value that is no scalar
        lambda table: table["columns"].pop(),  # a column missing
        lambda table: table.__setitem__("values", table.pop("rows")),  # another layout
    ],
    ids=["narrow", "nested", "missing", "layout"],
)
def test_a_label_of_the_wrong_shape_is_refused(
    tmp_path: Path, spoil: Callable[[dict[str, Any]], None]
) -> None:
    """A label's rows as saved: a row of another width, a value that is not a scalar, a
    column too few or another layout, and the state is not used."""
    folder = ROOT / GOOD
    ent = validate_paths([folder])
    path = tmp_path / "s.state"
    save_state(path, LoadState("tok", ent.graph, None, ent.graph.counts()))
    doc = json.loads(path.read_bytes())
    assert len(doc["graph"]["nodes"]["Step"]["rows"]) == len(ent.graph.nodes["Step"])
    spoil(doc["graph"]["nodes"]["Step"])
    path.write_text(json.dumps(doc))
    problems: list[str] = []
    assert read_state(path, problems.append) is None
    assert len(problems) == 1 and "\n" not in problems[0]
