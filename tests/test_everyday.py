"""Everyday use (issue 13, item 16): the enterprise header in either form, and a reference to
nothing that lists what exists."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bpql.errors import QueryError
from bpql.model.validate import validate_paths
from bpql.query.compiler import GraphCatalog, resolve_text
from tests.test_load import bpql

ROOT = Path(__file__).resolve().parents[1]
INSURER = ROOT / "examples" / "insurer"


def test_enterprise_takes_a_name_or_id_and_name(tmp_path: Path) -> None:
    folder = tmp_path / "ent"
    shutil.copytree(INSURER, folder)
    ent = folder / "enterprise.yaml"
    text = ent.read_text().replace(
        "enterprise: Northwind Mutual", "enterprise: {id: nw, name: Northwind Mutual}"
    )
    assert text != ent.read_text()
    ent.write_text(text)
    assert validate_paths([folder]).name == "Northwind Mutual"


def test_an_unknown_reference_lists_what_exists_when_few_do() -> None:
    catalog = GraphCatalog(validate_paths([INSURER]).graph)
    with pytest.raises(QueryError) as err:
        resolve_text('show service "check-in"', catalog)
    assert err.value.message == (
        'no service "check-in"; the services are: '
        "billing, claims, complaints, onboarding, quote, renewals"
    )


def test_querying_a_missing_or_empty_store_says_how_to_load_one(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "g.lbdb"
    for cmd in (["query", "find services"], ["viz", 'show system "crm"', "-o", "x.html"]):
        r = bpql(*cmd, "--db", f"embedded:{missing}")
        assert r.returncode == 3 and r.stdout == ""
        assert r.stderr.startswith(f"error: no embedded store at {missing}: load an enterprise")
        assert not (tmp_path / "typo").exists()  # no folders made for a mistyped path
    empty = tmp_path / "empty" / "g.lbdb"
    assert bpql("stats", "--db", f"embedded:{empty}").returncode == 3  # stats creates nothing
    from bpql.backends import connect

    # an empty store, as an aborted set-up leaves one (the backend's connect makes one;
    # bpql.connect opens for reading and makes nothing)
    connect(f"embedded:{empty}").close()
    r = bpql("query", "find services", "--db", f"embedded:{empty}")
    assert r.returncode == 3 and "holds no enterprise: load one first" in r.stderr


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = f"embedded:{tmp_path_factory.mktemp('store') / 'g.lbdb'}"
    assert bpql("load", str(INSURER), "--db", db).returncode == 0
    return db


def test_a_file_of_queries_is_one_json_document(loaded: str, tmp_path: Path) -> None:
    queries = 'find services\ncount touchpoints by channel\nexplain show system "crm"\n'
    (tmp_path / "q.bpql").write_text(queries)
    r = bpql("query", "-f", str(tmp_path / "q.bpql"), "--format", "json", "--db", loaded)
    assert r.returncode == 0, r.stderr
    docs = json.loads(r.stdout)  # one document, whatever the number of queries
    assert len(docs) == 3
    assert docs[0]["columns"] == ["id", "name"] and docs[1]["columns"] == ["channel", "count"]
    assert [d["kind"] for d in docs] == ["table", "table", "explain"]
    assert "statements" in docs[2]["plans"][0]
    single = json.loads(bpql("query", "find services", "--format", "json", "--db", loaded).stdout)
    assert single == docs[0]


def test_csv_refuses_several_answers_and_stdin_works(loaded: str) -> None:
    r = bpql(
        "query", "-f", "-", "--format", "csv", "--db", loaded, stdin="find services\nfind roles\n"
    )
    assert r.returncode == 2 and r.stdout == ""
    assert "CSV holds one table" in r.stderr
    r = bpql("query", "-f", "-", "--format", "csv", "--db", loaded, stdin="find services\n")
    assert r.returncode == 0 and r.stdout.splitlines()[0] == '"id","name"'
