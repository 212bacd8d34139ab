"""Hostile and odd input (issue 13, items 5-7 and 17-19): one clear error at the place, no
traceback, nothing written; carets on the line the parser meant."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from bpql.errors import QueryError, shown_line
from bpql.graphdata import GraphData
from bpql.query.compiler import GraphCatalog, resolve_text
from tests.test_load import bpql

ROOT = Path(__file__).resolve().parents[1]
INSURER = ROOT / "examples" / "insurer"


def enterprise_with(tmp: Path, name: str, text: str) -> Path:
    folder = tmp / "ent"
    (folder / "services").mkdir(parents=True)
    shutil.copy(INSURER / "enterprise.yaml", folder)
    (folder / "services" / name).write_text(text)
    return folder


BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{c}: &{c} [{', '.join(['*' + p] * 9)}]"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)
MERGE_BOMB = "base: &b {x: 1}\nservice:\n  <<: *b\n  id: s\n"


@pytest.mark.parametrize("text", [BOMB, MERGE_BOMB], ids=["laughs", "merge-key"])
def test_yaml_aliases_are_refused_at_the_alias(tmp_path: Path, text: str) -> None:
    folder = enterprise_with(tmp_path, "bomb.yaml", text)
    started = time.perf_counter()
    r = bpql("validate", str(folder))
    assert time.perf_counter() - started < 20
    assert r.returncode == 2 and r.stdout == ""
    (line,) = r.stderr.splitlines()
    assert "bomb.yaml:" in line and "YAML alias '*" in line
    lineno = int(line.split("bomb.yaml:")[1].split(":")[0])
    assert "*" in text.splitlines()[lineno - 1]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(".nan", "nan"), (".inf", "inf"), ("1e400", "inf"), ("1" + "0" * 30, "1" + "0" * 30)],
)
def test_numbers_must_be_finite_and_in_range(tmp_path: Path, value: str, shown: str) -> None:
    text = (
        (INSURER / "services" / "claims.yaml")
        .read_text()
        .replace("target: 14,", f"target: {value},")
    )
    folder = enterprise_with(tmp_path, "claims.yaml", text)
    store = tmp_path / "store"
    r = bpql("load", str(folder), "--db", f"embedded:{store}/g.lbdb")
    assert r.returncode == 2 and not store.exists()  # nothing written, not even a store
    (line,) = r.stderr.splitlines()
    assert "claims.yaml:150:" in line and "metrics[0].target: expected a finite number" in line
    assert line.endswith(f"got {shown}")


def test_a_huge_duration_is_one_short_line(tmp_path: Path) -> None:
    text = (INSURER / "services" / "claims-to-be.yaml").read_text()
    folder = enterprise_with(
        tmp_path, "x.yaml", text.replace("target_time: 8m", f"target_time: {'9' * 5000}m")
    )
    r = bpql("validate", str(folder))
    assert r.returncode == 2
    (line,) = r.stderr.splitlines()
    assert "target_time: expected a finite number" in line and len(line) < 300


def test_a_dangling_link_fails_instead_of_vanishing(tmp_path: Path) -> None:
    folder = tmp_path / "ent"
    shutil.copytree(INSURER, folder)
    (folder / "services" / "claims.yaml").unlink()
    (folder / "services" / "claims.yaml").symlink_to(tmp_path / "nowhere.yaml")
    r = bpql("validate", str(folder))
    assert r.returncode == 2
    (line,) = r.stderr.splitlines()
    assert "services/claims.yaml:1:1: a link to" in line and "does not exist" in line


def test_validate_counts_in_words_and_json() -> None:
    r = bpql(
        "validate", str(INSURER / "enterprise.yaml"), str(INSURER / "services" / "claims.yaml")
    )
    assert r.returncode == 0
    assert "2 files, 1 service, 1 blueprint, " in r.stdout


@pytest.mark.parametrize(
    ("query", "column", "words"),
    [
        ("find roles limit 9223372036854775808", 18, "out of range"),
        ("find failpoints where rpn > 99999999999999999999.5", 29, "out of range"),
        ('find steps where name = "\\udeff"', 25, "surrogate"),
    ],
)
def test_query_values_stores_cannot_hold_are_user_errors(
    query: str, column: int, words: str
) -> None:
    with pytest.raises(QueryError) as err:
        resolve_text(query, GraphCatalog(GraphData()))
    assert err.value.span is not None and err.value.span.column == column
    assert words in err.value.message


@pytest.mark.parametrize("sep", ["\u2028", "\u0085", "\u2029", "\x0c", "\x1c"])
def test_the_caret_is_on_the_line_the_parser_meant(sep: str) -> None:
    query = f"find steps{sep}\nwhere naem = 1"
    with pytest.raises(QueryError) as err:
        resolve_text(query, GraphCatalog(GraphData()))
    _head, shown, caret = err.value.pretty().split("\n")[:3]
    assert err.value.span is not None
    lines = query.split("\n")
    # the separator is shown as one visible character, so the terminal keeps it on one line
    assert shown == f"{err.value.span.line} | {shown_line(lines[err.value.span.line - 1])}"
    gutter = len(f"{err.value.span.line} | ")
    assert caret.index("^") == gutter + err.value.span.column - 1


def test_many_bad_files_print_the_first_problems_and_a_count(tmp_path: Path) -> None:
    folder = enterprise_with(tmp_path, "a0.yaml", "service: [\n")
    for i in range(1, 60):
        (folder / "services" / f"a{i}.yaml").write_text("service: [\n")
    r = bpql("validate", str(folder))
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 21 and all(x.startswith("error: ") for x in lines[:20])
    assert lines[-1] == "... and 40 more problems (`--format json` lists them all)"
    r = bpql("validate", str(folder), "--format", "json")
    import json

    assert len(json.loads(r.stdout)["error"]["problems"]) == 60


def test_an_unknown_phase_is_not_called_a_step(tmp_path: Path) -> None:
    from bpql.model.validate import validate_paths

    catalog = GraphCatalog(validate_paths([INSURER]).graph)
    with pytest.raises(QueryError) as err:
        resolve_text('find steps where in phase "report"', catalog)
    assert "phase ids start with their service" in err.value.message
