"""Reloads: after editing one file, a load re-parses that file and writes what changed, and the
store ends up exactly as a load of the edited files into an empty store leaves it; on both
stores, through the real CLI.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bpql.load.protocol import read_state, remembered, state_file
from bpql.model.validate import validate_for_load, validate_paths
from tests.test_load import GOOD, ROOT, Store, bpql, embedded_store


def edited_good(tmp_path: Path) -> Path:
    return shutil.copytree(ROOT / GOOD, tmp_path / "good")


def rename_step(folder: Path, old: str, new: str) -> None:
    claims = folder / "services" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    assert f"name: {old}\n" in text
    claims.write_text(text.replace(f"name: {old}\n", f"name: {new}\n", 1), encoding="utf-8")


def fresh_dump(tmp_path: Path, folder: Path, name: str) -> dict[str, list[object]]:
    """The graph a load of `folder` into an empty embedded store holds."""
    other = embedded_store(tmp_path / name)
    other.load(folder)
    return other.dump()


def test_a_reload_after_editing_one_file_writes_that_change_only(
    store: Store, tmp_path: Path
) -> None:
    folder = edited_good(tmp_path)
    store.load(folder)
    rename_step(folder, "Call the customer back", "Ring the customer back")
    r = bpql("load", str(folder), "--db", store.uri, env=store.env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1:] == ["  steps: 1 changed (claims.call-customer: name)"]
    assert store.dump() == fresh_dump(tmp_path, folder, "fresh")
    # and back: the same files twice in a row change nothing the second time
    rename_step(folder, "Ring the customer back", "Call the customer back")
    store.load(folder)
    r = bpql("load", str(folder), "--db", store.uri, env=store.env)
    assert "no changes" in r.stdout
    assert store.dump() == fresh_dump(tmp_path, folder, "fresh-again")


def test_a_reload_reads_only_the_edited_file(tmp_path: Path) -> None:
    folder = edited_good(tmp_path)
    first = validate_for_load([folder])
    assert first.read == len(first.enterprise.files) == 3
    saved = remembered(first)
    rename_step(folder, "Call the customer back", "Ring the customer back")
    second = validate_for_load([folder], saved)
    assert second.read == 2  # the edited file, and the enterprise file every part refers to
    steps = {s["id"]: s["name"] for s in second.enterprise.graph.nodes["Step"]}
    assert steps["claims.call-customer"] == "Ring the customer back"
    assert second.enterprise.graph == validate_paths([folder]).graph


def test_cross_file_references_are_checked_when_only_another_file_changed(
    tmp_path: Path,
) -> None:
    """The service files are unchanged (taken from the saved state), the enterprise file
    drops a system they use: the load fails naming the unchanged file, line and column."""
    folder = edited_good(tmp_path)
    store = embedded_store(tmp_path)
    store.load(folder)
    ent = folder / "enterprise.yaml"
    lines = ent.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "id: payments" in line)
    ent.write_text("".join(lines[:at] + lines[at + 4 :]), encoding="utf-8")
    r = bpql("load", str(folder), "--db", store.uri, env=store.env)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "unknown system 'payments'" in r.stderr
    assert "services/claims.yaml:" in r.stderr
    # the saved state keeps no positions: they are read again from the unchanged file, and
    # every line and column is the one a full read gives
    assert r.stderr == bpql("validate", str(folder)).stderr


def test_a_store_written_meanwhile_by_another_load_is_read_not_trusted(
    tmp_path: Path,
) -> None:
    """Another program loads a different enterprise straight through a backend (no saved
    state of its own); the next CLI load must not take its old saved graph for what the store
    holds."""
    from bpql.backends import connect
    from bpql.load.protocol import load

    folder = edited_good(tmp_path)
    store = embedded_store(tmp_path)
    store.load(folder)
    state = read_state(state_file(store.uri))
    assert state is not None
    with connect(store.uri, create=True) as backend:
        load(backend, [ROOT / "examples" / "insurer"])
        token = backend.load_token()
    assert token is not None and token != state.token
    store.load(folder)
    assert store.dump() == fresh_dump(tmp_path, folder, "fresh")


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_an_unreadable_state_is_ignored(tmp_path: Path, garbage: bytes) -> None:
    folder = edited_good(tmp_path)
    store = embedded_store(tmp_path)
    store.load(folder)
    state_file(store.uri).write_bytes(garbage)
    rename_step(folder, "Call the customer back", "Ring the customer back")
    r = bpql("load", str(folder), "--db", store.uri, env=store.env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1:] == ["  steps: 1 changed (claims.call-customer: name)"]
    assert store.dump() == fresh_dump(tmp_path, folder, "fresh")


def test_the_api_loads_through_the_same_protocol_as_the_cli(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Client.load` after a CLI load uses the state the CLI saved (only the edit is written)
    and saves its own, which the next CLI load trusts: the change set is worked out once."""
    import bpql as api
    from bpql import graphdata as base

    for key, value in store.env.items():
        monkeypatch.setenv(key, value)
    folder = edited_good(tmp_path)
    store.load(folder)
    rename_step(folder, "Call the customer back", "Ring the customer back")
    worked_out: list[int] = []
    between = base.Delta.between.__func__  # type: ignore[attr-defined]

    def counted(cls: type[base.Delta], old: object, new: object) -> base.Delta:
        worked_out.append(1)
        return between(cls, old, new)  # type: ignore[no-any-return]

    monkeypatch.setattr(base.Delta, "between", classmethod(counted))
    with api.connect(store.uri) as client:
        client.load(folder)
        token = client.backend.load_token()
    assert len(worked_out) == 1  # for the report and the write alike
    state = read_state(state_file(store.uri))
    assert state is not None and state.token == token
    steps = {s["id"]: s["name"] for s in state.graph.nodes["Step"]}
    assert steps["claims.call-customer"] == "Ring the customer back"
    r = bpql("load", str(folder), "--db", store.uri, env=store.env)
    assert "no changes" in r.stdout, r.stdout
    assert store.dump() == fresh_dump(tmp_path, folder, "fresh")
