"""The observed blueprint drawn: in headless Chromium (every fetch refused), each observed step
wears the mark its figures call for, with its figures on hover; the SVG and PNG exports are the
same drawing; the explorer serves the same view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bpql.observe.generate import generate
from bpql.testing.browser import viewed
from tests.conftest import EXAMPLES
from tests.test_blueprint_view import DRAWING_READ
from tests.test_load import bpql


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The insurer loaded and its claims observed: most cases over the standards, a third
    falling out, so every kind of mark is there."""
    tmp = tmp_path_factory.mktemp("observed")
    db = f"embedded:{tmp / 'store' / 'graph.lbdb'}"
    assert bpql("load", str(EXAMPLES / "insurer"), "--db", db).returncode == 0
    made = generate(
        EXAMPLES / "insurer", "claims", tmp / "log", cases=900, seed=8, breach=0.8, fallout=0.35
    )
    done = bpql("observe", str(made.mapping), "--db", db)
    assert done.returncode == 0, done.stderr
    return db, tmp


def expected(db: str) -> dict[str, str]:
    """The mark each step's figures call for, from the store (the rule in docs/observe.md)."""
    import json

    done = bpql(
        "query",
        "find steps where observed_period is not null return id, observed, breach, deviation, "
        "missing, adhoc",
        "--db",
        db,
        "--format",
        "json",
    )
    out = {}
    for sid, seen, breach, deviation, missing, adhoc in json.loads(done.stdout)["rows"]:
        share = max(breach or 0, deviation or 0)
        kind = "unobserved" if not seen else "breach" if share >= 0.5 else "watch"
        out[f"Step:{sid}"] = (
            kind if share >= 0.1 or not seen else "ok",
            bool(missing),
            bool(adhoc),
        )
    return out


#: each step's badge: its kind, and the signs it carries
BADGES = """() => [...document.querySelectorAll("#bpql-canvas > svg g.bpql-step")].map(g => {
    const b = g.querySelector("g.bpql-badge");
    if (!b) return {key: g.dataset.key, sign: null, inside: true};
    const r = b.firstElementChild.getBBox();
    const t = b.querySelector("text").getBBox();
    return {key: g.dataset.key, sign: b.querySelector("text").textContent,
            inside: t.x >= r.x - 1 && t.x + t.width <= r.x + r.width + 1}; })"""


def test_observed_blueprint_in_the_browser(observed: tuple[str, Path], browser: Any) -> None:
    db, tmp = observed
    page_path = tmp / "claims.html"
    done = bpql("viz", "--blueprint", "claims", "--observed", "--db", db, "-o", str(page_path))
    assert done.returncode == 0, done.stderr
    with viewed(browser, page_path, (1600, 1000)) as (page, report):
        got = page.evaluate(DRAWING_READ)
        subtitle = page.evaluate("() => document.body.innerText")
        badges = {b["key"]: b for b in page.evaluate(BADGES)}
    assert report.console_errors == [] and report.requests == []
    want = expected(db)
    marked = {s["key"]: s["diff"] for s in got["steps"]}
    assert marked == {k: v[0] for k, v in want.items()}
    assert {"breach", "ok"} <= set(marked.values()), "red and green both drawn"
    for key, (_, skipped, adhoc) in want.items():  # skipped and ad hoc marked, on the colour
        assert ("\u00bb" in badges[key]["sign"]) == skipped, key
        assert ("+" in badges[key]["sign"]) == adhoc, key
        assert badges[key]["inside"], badges[key]
    assert any(v[1] for v in want.values()) and any(v[2] for v in want.values())
    for s in got["steps"]:
        assert "observed in 2026-03" in s["hover"], s["key"]
    fnol = next(s for s in got["steps"] if s["key"] == "Step:claims.take-fnol")
    assert "service time p50" in fnol["hover"] and "target_time 15m" in fnol["hover"]
    assert "observed 2026-03:" in subtitle and "conformance" in subtitle
    assert any("most cases breach a standard" in words for words in got["legend"])


def test_observed_exports_and_explorer(observed: tuple[str, Path]) -> None:
    db, tmp = observed
    svg = tmp / "claims.svg"
    assert (
        bpql("viz", "--blueprint", "claims", "--observed", "--db", db, "-o", str(svg)).returncode
        == 0
    )
    text = svg.read_text()
    assert text.count('data-diff="breach"') >= 1 and "observed 2026-03:" in text
    png = tmp / "claims.png"
    assert (
        bpql("viz", "--blueprint", "claims", "--observed", "--db", db, "-o", str(png)).returncode
        == 0
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from tests.test_serve import _app_client

    client = _app_client(db)
    page = client.get("/view", params={"blueprint": "claims", "observed": "1"})
    assert page.status_code == 200
    assert 'data-diff="breach"' in page.text and "(observed)" in page.text
    plain = client.get("/view", params={"blueprint": "claims"})
    assert 'data-diff="' not in plain.text, "the plain blueprint view is unchanged"
    asked = client.get("/api/drawing", params={"blueprint": "claims", "observed": "1"}).json()
    assert asked["kind"] == "observed" and asked["view"].startswith("/view?ticket=")


def test_nothing_observed_is_one_line(tmp_path: Path) -> None:
    db = f"embedded:{tmp_path / 'graph.lbdb'}"
    assert bpql("load", str(EXAMPLES / "insurer"), "--db", db).returncode == 0
    done = bpql(
        "viz", "--blueprint", "claims", "--observed", "--db", db, "-o", str(tmp_path / "x.svg")
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "error: nothing observed of Motor claims: as-is blueprint: run `bpql observe MAPPING` "
        "for it first (docs/observe.md)"
    ]
