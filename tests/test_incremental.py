"""Incremental reloads (issue 25, item 2): a blueprint file seen exactly as the last load saw
it (size, time and the hash of its bytes) is not read again, its part of the graph comes from
the saved state, and what it refers to in other files is checked by index. The graph must be
the one a full validation makes, edit after edit, and every problem a full validation finds
must still be found (with the same words and positions): on the insurer example and on a
synthetic enterprise, without a store, then through `bpql load` on both stores.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bpql.backends.base import distinct
from bpql.errors import BlueprintError
from bpql.graphdata import Previous
from bpql.load.protocol import LoadState, read_state, remembered, save_state, state_file
from bpql.model.validate import Validated, validate_for_load, validate_paths
from bpql.testing.synthetic import write_enterprise
from tests.test_load import ROOT, Store, bpql, embedded_store


def insurer(tmp_path: Path) -> Path:
    return shutil.copytree(ROOT / "examples" / "insurer", tmp_path / "insurer")


def synthetic(tmp_path: Path) -> Path:
    return write_enterprise(tmp_path / "synthetic", services=25, steps=12)


FOLDERS: dict[str, Callable[[Path], Path]] = {"insurer": insurer, "synthetic": synthetic}


def a_service(folder: Path) -> Path:
    return sorted((folder / "services").glob("*.yaml"))[1]


def through_state(checked: Validated, tmp_path: Path) -> Previous:
    """The files as the next load reads them: saved to a state file and read back."""
    files = remembered(checked)
    path = tmp_path / "graph.lbdb.state"
    graph = distinct(checked.enterprise.graph)  # as a load writes it
    save_state(path, LoadState("tok", graph, files, graph.counts()))
    state = read_state(path)
    assert state is not None and state.files is not None
    assert len(state.files.files) == len(checked.parts)
    return state.files


def reload(folder: Path, saved: Previous) -> Validated:
    """An incremental validation, checked against a full one of the same files."""
    checked = validate_for_load([folder], saved)
    full = validate_paths([folder])
    assert checked.enterprise.graph == full.graph
    assert checked.enterprise.files == full.files
    assert checked.enterprise.name == full.name
    return checked


def problems(run: Callable[[], object]) -> list[str]:
    with pytest.raises(BlueprintError) as caught:
        run()
    return [str(p) for p in caught.value.problems]


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(params=list(FOLDERS))
def folder(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return FOLDERS[request.param](tmp_path)


def test_unchanged_files_are_not_read_again(folder: Path, tmp_path: Path) -> None:
    first = validate_for_load([folder])
    assert first.read == len(first.enterprise.files)
    again = reload(folder, through_state(first, tmp_path))
    assert again.read == 1  # the enterprise file, which every part refers to


def test_a_changed_field_reads_that_file(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """... and the systems' figures are those of the last load, less the file's old share,
    plus its new one: not worked out over the whole enterprise again."""
    from bpql.model import validate

    saved = through_state(validate_for_load([folder]), tmp_path)
    replace_in(a_service(folder), "    name: ", "    name: Renamed ")
    path = a_service(folder)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "uses: [" in line)
    head, items = lines[at].split("uses: [")
    lines[at] = head + "uses: [" + ", ".join(items.split("]")[0].split(", ")[1:]) + "]\n"
    path.write_text("".join(lines), encoding="utf-8")  # a step uses one system fewer
    whole = validate.system_figures

    def refused(_: object) -> object:
        raise AssertionError("the figures were worked out over the whole enterprise")

    monkeypatch.setattr(validate, "system_figures", refused)
    checked = validate_for_load([folder], saved)
    monkeypatch.setattr(validate, "system_figures", whole)
    assert checked.read == 2
    assert checked.enterprise.graph == validate_paths([folder]).graph


def test_an_added_step_reads_that_file(folder: Path, tmp_path: Path) -> None:
    saved = through_state(validate_for_load([folder]), tmp_path)
    path = a_service(folder)
    text = path.read_text(encoding="utf-8").rstrip("\n")
    at = text.index("steps:\n") + len("steps:\n")
    phase = next(line for line in text.splitlines() if "phase: " in line).split("phase: ")[1]
    step = (
        f"  - id: added-step\n    name: A step added\n    lane: customer\n"
        f"    phase: {phase.strip()}\n"
    )
    path.write_text(text[:at] + step + text[at:] + "\n", encoding="utf-8")
    checked = reload(folder, saved)
    assert checked.read == 2
    assert any(s["id"].endswith(".added-step") for s in checked.enterprise.graph.nodes["Step"])


def test_a_deleted_file_takes_its_part_away(folder: Path, tmp_path: Path) -> None:
    saved = through_state(validate_for_load([folder]), tmp_path)
    gone = a_service(folder)
    gone.unlink()
    checked = reload(folder, saved)
    assert checked.read == 1
    assert str(gone) not in checked.enterprise.files


def test_a_touched_file_is_read_again_and_a_same_size_edit_is_seen(
    folder: Path, tmp_path: Path
) -> None:
    """The time alone differs: read again (same graph). Same size and time, other bytes:
    the hash tells, and the file is read again."""
    saved = through_state(validate_for_load([folder]), tmp_path)
    path = a_service(folder)
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    assert reload(folder, saved).read == 2
    saved = through_state(validate_for_load([folder]), tmp_path)
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    at = text.index("    name: ") + len("    name: ")
    swapped = text[:at] + ("X" if text[at] != "X" else "Y") + text[at + 1 :]
    path.write_text(swapped, encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns
    assert reload(folder, saved).read == 2


def test_a_settled_file_is_not_read_to_be_trusted_and_an_edit_keeping_size_and_time_is_seen(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose status-change time lay settled behind its hashing is trusted on its
    status alone (not even read to hash it); a write that keeps its size and puts its time
    back still moves that status time, so it is read again."""
    import time

    from bpql.model import validate

    monkeypatch.setattr(validate, "SETTLED_NS", -1)  # every file here counts as settled
    saved = through_state(validate_for_load([folder]), tmp_path)
    assert all(k.seen.ctime and k.seen.inode for k in saved.files.values())
    hashed: list[Path] = []
    real = validate.read_regular

    def counted(path: Path, *args: int) -> bytes:
        hashed.append(path)
        return real(path, *args)

    monkeypatch.setattr(validate, "read_regular", counted)
    checked = validate_for_load([folder], saved)
    assert hashed == [] and checked.read == 1  # the enterprise file is always parsed
    monkeypatch.setattr(validate, "read_regular", real)
    path = a_service(folder)
    info = path.stat()
    time.sleep(0.05)  # past the filesystem clock's tick
    text = path.read_text(encoding="utf-8")
    at = text.index("    name: ") + len("    name: ")
    path.write_text(text[:at] + ("X" if text[at] != "X" else "Y") + text[at + 1 :], "utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns
    assert reload(folder, saved).read == 2


def test_an_enterprise_edit_that_keeps_every_id_reuses_every_part(
    folder: Path, tmp_path: Path
) -> None:
    saved = through_state(validate_for_load([folder]), tmp_path)
    replace_in(
        folder / "enterprise.yaml",
        "systems:\n",
        "systems:\n  - {id: added-system, name: A system added, kind: core}\n",
    )
    assert reload(folder, saved).read == 1


def test_an_id_renamed_in_the_enterprise_file_is_still_an_error_in_unchanged_files(
    folder: Path, tmp_path: Path
) -> None:
    """A system renamed where it is declared: every unchanged file that uses it fails, with
    a full validation's words, files, lines and columns."""
    saved = through_state(validate_for_load([folder]), tmp_path)
    used = next(
        line.split("uses: [")[1].split(",")[0].split("]")[0].strip()
        for line in a_service(folder).read_text(encoding="utf-8").splitlines()
        if "uses: [" in line
    )
    replace_in(folder / "enterprise.yaml", f"{{id: {used},", f"{{id: {used}-renamed,")
    found = problems(lambda: validate_for_load([folder], saved))
    assert found == problems(lambda: validate_paths([folder]))
    assert any(f"unknown system '{used}'" in p for p in found)


def test_a_duplicate_blueprint_across_an_unchanged_and_a_new_file_is_found(
    folder: Path, tmp_path: Path
) -> None:
    saved = through_state(validate_for_load([folder]), tmp_path)
    original = a_service(folder)
    shutil.copy(original, original.with_name("zz-copy.yaml"))
    found = problems(lambda: validate_for_load([folder], saved))
    assert found == problems(lambda: validate_paths([folder]))
    assert any("service.id: a second " in p for p in found)


def test_a_step_a_system_fail_point_names_deleted_from_an_unchanged_file_is_found(
    tmp_path: Path,
) -> None:
    """The enterprise file names a step of a blueprint file (a system fail point's effect);
    the step goes from that file: the effect's error is reported as a full run reports it."""
    folder = insurer(tmp_path)
    replace_in(
        folder / "enterprise.yaml",
        "{id: document-store, name: Document management, kind: content, owner: it}",
        "{id: document-store, name: Document management, kind: content, owner: it, "
        "fail_points: [{id: lost, name: Documents lost, severity: 5, occurrence: 2, "
        "detection: 3, effect: claims.send-reference}]}",
    )
    first = validate_for_load([folder])
    fps = {f["id"]: f for f in first.enterprise.graph.nodes["FailPoint"]}
    assert fps["document-store/lost"]["effect"] == "claims.send-reference"
    saved = through_state(first, tmp_path)
    assert reload(folder, saved).read == 1
    replace_in(folder / "services" / "claims.yaml", "id: send-reference", "id: send-the-reference")
    found = problems(lambda: validate_for_load([folder], saved))
    assert found == problems(lambda: validate_paths([folder]))
    assert any("unknown step 'claims.send-reference'" in p for p in found)


def test_reloads_through_the_cli_leave_the_store_a_full_load_leaves(
    store: Store, tmp_path: Path
) -> None:
    """Edit after edit through `bpql load`, the store holds what a load of the same files
    into an empty store holds; and an error in an unchanged file is reported, not loaded."""
    folder = synthetic(tmp_path)
    store.load(folder)
    path = a_service(folder)
    replace_in(path, "name: Step 3 ", "name: Step three ")
    store.load(folder)
    (folder / "services" / "svc-010.yaml").unlink()
    store.load(folder)
    state = read_state(state_file(store.uri))
    assert state is not None
    assert state.files is not None
    assert str(folder / "services" / "svc-010.yaml") not in state.files.files
    fresh = embedded_store(tmp_path / "fresh")
    fresh.load(folder)
    assert store.dump() == fresh.dump()
    used = next(
        line.split("uses: [")[1].split(",")[0].split("]")[0].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if "uses: [" in line
    )
    replace_in(folder / "enterprise.yaml", f"{{id: {used},", f"{{id: {used}-renamed,")
    r = bpql("load", str(folder), "--db", store.uri, env=store.env)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert f"unknown system '{used}'" in r.stderr
    assert r.stderr == bpql("validate", str(folder)).stderr
    assert store.dump() == fresh.dump()


def test_stored_lint_findings_follow_the_settings_across_reloads(tmp_path: Path) -> None:
    """The saved graph's rows carry what the last load added (lint findings): a reload that
    takes a file's rows from it must leave the store as a full load of the same files and
    settings does, when the findings are turned off and on again."""
    folder = insurer(tmp_path / "with")
    settings = tmp_path / "with" / "bpql.toml"
    settings.write_text("[lint]\nstore = true\n", encoding="utf-8")
    store = embedded_store(tmp_path / "store")
    store.load(folder)
    flagged = [n for n in store.dump()["nodes"] if "lint" in str(n)]
    assert flagged, "the example has findings to store"
    for text, edit in (("", "Renamed once "), ("[lint]\nstore = true\n", "Renamed twice ")):
        settings.write_text(text, encoding="utf-8")
        replace_in(a_service(folder), "    name: ", f"    name: {edit}")
        store.load(folder)
        fresh = embedded_store(tmp_path / f"fresh-{len(edit)}-{len(text)}")
        fresh.load(folder)
        assert store.dump() == fresh.dump()


def test_edits_at_either_end_of_the_graph_leave_the_store_a_full_load_leaves(
    store: Store, tmp_path: Path
) -> None:
    """A reload works the difference out on what lies between the rows equal at either end
    (`bpql.graphdata.middle`): an edit to the first file, to the last, to both at once, and
    the last file deleted must each leave what a full load of the same files leaves."""
    folder = synthetic(tmp_path)
    services = sorted((folder / "services").glob("*.yaml"))
    first, last = services[0], services[-1]
    store.load(folder)
    there, back = ("name: Step 3 ", "name: Step three "), ("name: Step three ", "name: Step 3 ")
    edits: list[list[tuple[Path, tuple[str, str]]]] = [
        [(first, there)],
        [(last, there)],
        [(first, back), (last, back)],
        [],  # the last file deleted
    ]
    for n, edit in enumerate(edits):
        for path, (old, new) in edit:
            replace_in(path, old, new)
        if not edit:
            last.unlink()
        store.load(folder)
        fresh = embedded_store(tmp_path / f"fresh-{n}")
        fresh.load(folder)
        assert store.dump() == fresh.dump(), n


def test_the_difference_around_equal_ends_counts_the_pairs_held_there() -> None:
    """A pair held in the equal ends and in the middle keeps its whole count: dropping one
    of its two copies deletes it and makes it once again, and it was neither made nor
    dropped as a relation; a duplicate id among the rows settles the rows the long way."""
    from bpql.graphdata import Delta, GraphData, middle
    from bpql.schema import NODES

    p, q, r = ("s1", "sys-a"), ("s2", "sys-b"), ("s3", "sys-c")
    old, new = GraphData(), GraphData()
    old.rels["USES"], new.rels["USES"] = [p, q, p, r], [p, q, r]
    assert middle(old.rels["USES"], new.rels["USES"]) == (2, 3, 2)
    delta = Delta.between(old, new)
    assert delta.rels["USES"] == ([p], [p])
    assert delta.flipped["USES"] == [] and delta.counts["USES"] == (0, 1)
    new.rels["USES"] = [p, q, ("s9", "sys-z"), r]  # a pair made between equal ends
    delta = Delta.between(old, new)
    assert delta.rels["USES"] == ([p], [p, ("s9", "sys-z")])
    assert delta.flipped["USES"] == [("s9", "sys-z")] and delta.counts["USES"] == (1, 1)

    def step(i: str, name: str) -> dict[str, object]:
        return {**dict.fromkeys(NODES["Step"].prop_names), "id": i, "name": name}

    a, b, c = step("a", "A"), step("b", "B"), step("c", "C")
    old.nodes["Step"] = [a, b, c]
    new.nodes["Step"] = [a, step("b", "B2"), c]
    gone, added, changed = Delta.between(old, new).nodes["Step"]
    assert (gone, added, [x["name"] for x in changed]) == ([], [], ["B2"])
    # "a" twice in the saved rows: the last one counts, as it did without the ends
    old.nodes["Step"] = [a, b, step("a", "A-old"), c]
    new.nodes["Step"] = [a, b, c]
    gone, added, changed = Delta.between(old, new).nodes["Step"]
    assert (gone, added, [x["name"] for x in changed]) == ([], [], ["A"])


def test_a_report_names_the_first_services_and_counts_the_rest() -> None:
    """A first load of thousands of services names ten on its line (JSON keeps them all);
    changed things, five with their fields."""
    from bpql.load.diff import KindChanges

    ids = [f"svc-{i:03d}" for i in range(12)]
    big = KindChanges("Service", added=ids, changed=[], removed=ids[:3], unchanged=0)
    line = big.line()
    assert line == (
        "services: 12 added (svc-000, svc-001, svc-002, svc-003, svc-004, svc-005, svc-006, "
        "svc-007, svc-008, svc-009, 2 more), 3 removed (svc-000, svc-001, svc-002)"
    )
    assert big.to_json()["added_ids"] == ids
    fields = {i: ["name"] for i in ids}
    edited = KindChanges("Service", added=[], changed=ids, removed=[], unchanged=0, fields=fields)
    assert edited.line() == (
        "services: 12 changed (svc-000: name, svc-001: name, svc-002: name, svc-003: name, "
        "svc-004: name, 7 more)"
    )
    thousands = KindChanges(
        "Service", added=[f"s{i}" for i in range(1500)], changed=[], removed=[], unchanged=0
    )
    assert (thousands.line() or "").endswith(", s9, 1,490 more)")
