"""The malformed blueprint corpus, through the real CLI.

Each folder under tests/blueprints/bad/ is a small valid enterprise with exactly one fault.
For each, `bpql validate` and `bpql load` must fail with one clear line per problem, naming
file:line:col, never a traceback, and write nothing. The messages are kept as a syrupy
snapshot (tests/__snapshots__/test_validation.ambr): after changing a message, run
`pytest tests/test_validation.py --snapshot-update` and read the diff before committing.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.test_load import GOOD, ROOT, bpql, dump, embedded_store, neo4j_store

BAD = Path("tests/blueprints/bad")
CASES = sorted(p.name for p in (ROOT / BAD).iterdir() if p.is_dir())
LINE = re.compile(r"^error: (?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): \S.*$")

#: the file each case breaks, relative to its folder, where it is not services/billing.yaml
FAULTY = {
    "21-unknown-department": "enterprise.yaml",
    "25-duplicate-system-id": "enterprise.yaml",
    "30-depends-on-cycle": "enterprise.yaml",
    "31-self-dependency": "enterprise.yaml",
    "32-unknown-dependency": "enterprise.yaml",
    "33-two-enterprise-files": "shared.yaml",
    "39-bad-channel": "enterprise.yaml",
    "40-second-as-is-blueprint": "services/redesign.yaml",
    "41-same-service-two-names": "services/redesign.yaml",
    "42-empty-file": "services/notes.yaml",
    "46-unknown-owner": "enterprise.yaml",
}


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert set(FAULTY) <= set(CASES)
    assert all(re.fullmatch(r"\d\d-[a-z0-9-]+", c) for c in CASES)


def check_failure(case: str, r: Any) -> None:
    """Non-zero exit, no traceback, nothing on stdout, and a first line at the faulty file."""
    assert r.returncode != 0, (case, r.stdout)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines, case
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert m["file"] == f"{BAD / case / FAULTY.get(case, 'services/billing.yaml')}", lines[0]
    assert all(LINE.match(line) for line in lines), r.stderr


@pytest.mark.parametrize("case", CASES)
def test_bad_case(case: str, tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    folder = str(BAD / case)
    db = tmp_path / "fresh" / "graph.lbdb"
    with ThreadPoolExecutor(2) as pool:  # two CLI processes at once: half the wait
        validating = pool.submit(bpql, "validate", folder)
        loading = pool.submit(bpql, "load", folder, "--db", f"embedded:{db}")
        validate, load = validating.result(), loading.result()
    check_failure(case, validate)
    assert len(validate.stderr.splitlines()) == 1, "one fault, one message"
    assert validate.stderr == snapshot
    check_failure(case, load)
    assert load.stderr == validate.stderr
    assert list(tmp_path.iterdir()) == [], "a failed load created files"


def test_good_enterprise_is_valid() -> None:
    r = bpql("validate", GOOD)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ok: Harbour Mutual: 3 files, 1 service, 2 blueprints, 15 steps\n"


def test_bad_load_on_a_new_path_creates_no_file(tmp_path: Path) -> None:
    db = tmp_path / "a" / "b" / "graph.lbdb"
    r = bpql("load", str(BAD / "16-unknown-system"), "--db", f"embedded:{db}")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


def load_every_bad_case(uri: str, env: dict[str, str]) -> None:
    """Every bad case loaded into one store, a few CLI processes at a time: each fails while
    validating, before it connects, so they never meet in the store (a load that did connect
    would fail `check_failure` or change the store)."""
    with ThreadPoolExecutor(max(2, min(4, os.cpu_count() or 2))) as pool:
        runs = pool.map(lambda case: bpql("load", str(BAD / case), "--db", uri, env=env), CASES)
        for case, r in zip(CASES, runs, strict=True):
            check_failure(case, r)


def test_bad_loads_leave_the_embedded_store_unchanged(tmp_path: Path) -> None:
    store = embedded_store(tmp_path)
    store.load(GOOD)
    stats, graph = store.stats(), store.dump()
    load_every_bad_case(store.uri, store.env)
    assert store.stats() == stats
    assert store.dump() == graph


@pytest.mark.neo4j
def test_bad_loads_leave_neo4j_unchanged(
    neo4j_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = neo4j_store(neo4j_server, monkeypatch)
    store.load(GOOD)
    stats, graph = store.stats(), store.dump()
    load_every_bad_case(store.uri, store.env)
    assert store.stats() == stats
    assert dump(store.uri) == graph


# --- docs/format.md: its complete files validate, its comma trap is what validate says ------

DOCS = ROOT / "docs" / "format.md"


def docs_files(into: Path) -> list[Path]:
    """The complete files of docs/format.md (yaml blocks opening with `# <path>.yaml`),
    written under `into`."""
    written = []
    for block in re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S):
        name = re.fullmatch(r"# (\S+\.yaml)", block.split("\n", 1)[0])
        if name:
            path = into / name[1]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block, encoding="utf-8")
            written.append(path)
    return written


def test_the_docs_enterprise_and_blueprint_are_complete_and_valid(tmp_path: Path) -> None:
    files = docs_files(tmp_path)
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "enterprise.yaml",
        "services/claims.yaml",
    ]
    r = bpql("validate", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ok: Northwind Mutual: 2 files, 1 service, 1 blueprint, 4 steps\n"
    # every field of the format appears in them, so the sample cannot fall behind it
    from bpql.model.format import BlueprintFile, EnterpriseFile

    text = "\n".join(f.read_text(encoding="utf-8") for f in files)
    written = set(re.findall(r"([a-z_]+):", text))
    models: list[Any] = [EnterpriseFile, BlueprintFile]
    missing = set()
    while models:
        model = models.pop()
        for name, info in model.model_fields.items():
            if name not in written:
                missing.add(f"{model.__name__}.{name}")
            for inner in getattr(info.annotation, "__args__", (info.annotation,)):
                args = getattr(inner, "__args__", (inner,))
                models += [a for a in args if isinstance(a, type) and hasattr(a, "model_fields")]
    assert missing == set()


def test_the_comma_trap_says_to_quote_the_value(tmp_path: Path) -> None:
    """docs/format.md's example, as validate prints it, and its variants."""
    docs_files(tmp_path)
    blueprint = tmp_path / "services" / "claims.yaml"
    text = blueprint.read_text(encoding="utf-8")
    page = DOCS.read_text(encoding="utf-8")
    snippet = re.search(r"```yaml\nsteps:\n(.*?)```", page, re.S)
    said = re.search(
        r"it \(here with that step first in the blueprint above\):\n\n```\n(.*?)```", page, re.S
    )
    assert snippet and said
    anchor = "steps:                     # in time order; the file order is the time order\n"
    blueprint.write_text(text.replace(anchor, anchor + snippet[1]), encoding="utf-8")
    r = bpql("validate", str(tmp_path))
    assert r.returncode == 2
    assert r.stderr.replace(f"{tmp_path}/", "") == said[1].replace("\n", " ").strip() + "\n"
    # several keys after the comma: the text they came from, whole
    blueprint.write_text(
        text.replace(
            anchor, anchor + "  - {id: t, name: Sort, rank, file, lane: backstage, phase: report}\n"
        ),
        encoding="utf-8",
    )
    lines = bpql("validate", str(tmp_path)).stderr.splitlines()
    assert len(lines) == 2 and all(
        'put it in quotes: name: "Sort, rank, file"' in ln for ln in lines
    )
    # a key with a value after the comma is no trap: the usual list of fields
    blueprint.write_text(
        text.replace(
            anchor, anchor + "  - {id: t, name: Sort, rank: 2, lane: backstage, phase: report}\n"
        ),
        encoding="utf-8",
    )
    (line,) = bpql("validate", str(tmp_path)).stderr.splitlines()
    assert "unknown field 'rank'; expected one of: lint, id, name" in line and "quotes" not in line


# --- validating a file at a time (issue 25: memory bounded by the answer) ----------------------


def _outcome(run: Any) -> tuple[list[tuple[str, str, str]], Any]:
    """The problems (code, message, where) or the graph's counts and rows of one validation."""
    from bpql.errors import BlueprintError, BpqlError

    try:
        ent = run()
    except BlueprintError as exc:
        return [(p.code, p.message, str(p.span)) for p in exc.problems], None
    except BpqlError as exc:
        return [(exc.code, exc.message, str(exc.span))], None
    return [], (ent.graph.nodes, ent.graph.rels, ent.files)


def _same_as_whole(folder: Path) -> list[tuple[str, str, str]]:
    """`stream` against every file parsed first and then checked (`check_parsed`): the same
    problems in the same order at the same places, or the same graph."""
    from bpql.model.files import collect_files
    from bpql.model.validate import check_parsed, parse_files, stream

    files = collect_files([folder])
    streamed = _outcome(lambda: stream(files).enterprise)
    whole = _outcome(lambda: check_parsed(files, parse_files(files)))
    assert streamed == whole
    return streamed[0]


@pytest.mark.parametrize("case", CASES)
def test_streaming_gives_every_bad_case_the_same_problems(case: str) -> None:
    assert _same_as_whole(ROOT / BAD / case)


def _copy(case: str | None, into: Path) -> Path:
    import shutil

    shutil.copytree(ROOT / (BAD / case if case else Path(GOOD)), into)
    return into


def test_streaming_with_the_enterprise_file_read_last(tmp_path: Path) -> None:
    """Blueprint files read before the enterprise file wait for it; the problems and the
    graph are the same as when it comes first."""
    for case in (None, "16-unknown-system", "41-same-service-two-names"):
        folder = _copy(case, tmp_path / (case or "good"))
        (folder / "enterprise.yaml").rename(folder / "zz-enterprise.yaml")
        problems = _same_as_whole(folder)
        assert bool(problems) == (case is not None)


def test_streaming_reports_a_later_files_parse_problem_alone(tmp_path: Path) -> None:
    """A cross-file problem found before a file that does not read is dropped, as when
    every file was read first: a file that does not read is reported alone."""
    folder = _copy("16-unknown-system", tmp_path / "a")
    (folder / "services" / "zz-broken.yaml").write_text("service: [unclosed\n", encoding="utf-8")
    problems = _same_as_whole(folder)
    assert [code for code, _, _ in problems] == ["BPQL-F014"]


def test_streaming_a_second_enterprise_file_and_a_refused_table(tmp_path: Path) -> None:
    """A second enterprise file is reported before anything the first one's checks find; an
    action priority table that cannot be read is reported only when every file reads."""
    folder = _copy("33-two-enterprise-files", tmp_path / "two")
    assert [code for code, _, _ in _same_as_whole(folder)] == ["BPQL-F011"]
    folder = _copy(None, tmp_path / "table")
    with (folder / "enterprise.yaml").open("a", encoding="utf-8") as out:
        out.write("fmea:\n  action_priority: missing.csv\n")
    assert [code for code, _, _ in _same_as_whole(folder)] == ["BPQL-F088"]
    (folder / "services" / "zz-broken.yaml").write_text("service: [unclosed\n", encoding="utf-8")
    assert [code for code, _, _ in _same_as_whole(folder)] == ["BPQL-F014"]
    (folder / "services" / "zz-broken.yaml").unlink()
    (folder / "shared.yaml").write_text("enterprise: Second\n", encoding="utf-8")
    assert [code for code, _, _ in _same_as_whole(folder)] == ["BPQL-F011"]


def test_streaming_holds_one_blueprint_files_parse_at_a_time(tmp_path: Path) -> None:
    """Once a blueprint file is checked against the enterprise file, nothing holds its parse
    (data, positions, model): validation's memory does not grow with the files' parses."""
    import gc
    import weakref

    from bpql.model.files import collect_files
    from bpql.model.validate import Parsed, stream
    from bpql.testing.synthetic import write_enterprise

    folder = write_enterprise(tmp_path / "synthetic", services=12)
    docs: list[weakref.ref[Any]] = []
    alive: list[int] = []

    def keep(p: Parsed) -> None:
        gc.collect()
        alive.append(sum(ref() is not None for ref in docs))
        docs.append(weakref.ref(p.doc))

    done = stream(collect_files([folder]), keep=keep)
    assert len(done.parts) == 12
    # the enterprise file's parse stays (its checks end last), and the file before this one
    # is still being let go when the next one is read: never more than two
    assert max(alive) <= 2, alive
    assert len(alive) == 13
