"""The diff view in real headless Chromium: offline, quiet, marking what the diff found, drawn
as the blueprint view draws (whole names in boxes, nothing crossed), as-is and to-be with each
phase in the same columns, the figures of `bpql diff` beside it and never cut."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from bpql.testing.browser import open_view, viewed
from tests.test_blueprint_view import (
    DRAWING_READ,
    line_crossings,
    text_clipped,
    titles_over_boxes,
)
from tests.test_load import bpql

pytestmark = pytest.mark.browser

#: what the page's side shows: the legend's counts, the figures tables, the changes listed
SIDE_READ = """() => {
  const legend = {};
  for (const li of document.querySelectorAll("#bpql-marks li")) {
    const n = li.querySelector(".n");
    if (n) legend[li.children[1].textContent.split(" ")[0].toLowerCase()] = Number(n.textContent);
  }
  const tables = [...document.querySelectorAll(".bpql-figures table")].map(t => ({
    fits: t.scrollWidth <= t.parentElement.clientWidth + 1
          && t.getBoundingClientRect().right <= document.getElementById("bpql-side")
               .getBoundingClientRect().right + 0.5,
    cells: [...t.querySelectorAll("td")].every(td => td.scrollWidth <= td.clientWidth + 1),
    rows: [...t.querySelectorAll("tr")].map(tr => [...tr.children].map(c => c.textContent))}));
  return {legend: legend, tables: tables,
          view: JSON.parse(document.getElementById("bpql-view").textContent).diff,
          changes: [...document.querySelectorAll("#bpql-changes li")].map(li => li.dataset.diff),
          nodes: window.bpql.nodes.map(n => ({id: n.id, diff: n.diff || null}))};
}"""


def _marked(nodes: list[dict[str, Any]]) -> dict[str, int]:
    """A change is marked on both sides and counted on the new one."""
    out = {"added": 0, "removed": 0, "changed": 0}
    for n in nodes:
        mark = n["diff"]
        if mark is None:
            continue
        new = "-new|" in n["id"]
        if mark == "removed" or new:
            out[mark] += 1
    return out


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("example", ["insurer", "clinic"])
def test_diff_view_is_drawn_whole_and_marks_what_the_diff_found(
    example: str, size: tuple[int, int], browser: Any, tmp_path: Path
) -> None:
    out = tmp_path / f"{example}.html"
    r = bpql("diff", "--files", f"examples/{example}", "--format", "json", "--view", str(out))
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    counts = answer["counts"]
    assert counts["added"] and counts["removed"] and counts["changed"]
    with viewed(browser, out, size) as (page, report):
        got = page.evaluate(DRAWING_READ)
        side = page.evaluate(SIDE_READ)
        if size == (1600, 1000):
            page.screenshot(path=str(tmp_path.parent / f"diff-{example}.png"))
    assert report.console_errors == [] and report.console_warnings == []
    assert report.requests == [], "the page tried to fetch something"
    assert report.view == "diff"
    # the marks: on the drawing, in the legend, in the list of changes, in the page's data
    assert _marked(side["nodes"]) == counts
    assert side["legend"] == counts
    assert side["view"] == counts
    assert {k: side["changes"].count(k) for k in counts} == counts
    # drawn as the blueprint view draws: whole names, nothing cut or crossed, titles clear
    names = {n["id"]: n for n in side["nodes"]}
    assert len(got["steps"]) == sum(1 for k in names if k.startswith("Step:"))
    assert text_clipped(got) == []
    assert titles_over_boxes(got) == []
    assert line_crossings(got) == []
    for s in got["steps"]:
        assert s["name"], s["key"]
        if s["diff"] == "changed":
            assert "changed:" in s["hover"], s["hover"]  # the changed fields on hover
    # the diagram takes the page's width (it scrolls rather than shrink its text below 11 px)
    width = got["svg"]["right"] - got["svg"]["left"]
    assert width >= got["frameWidth"] - 40
    assert min(s["px"] for s in got["steps"]) >= 11
    # as-is and to-be: each phase in the same columns
    by_name: dict[str, list[float]] = {}
    for p in got["phases"]:
        by_name.setdefault(p["name"], []).append((p["box"]["left"] + p["box"]["right"]) / 2)
    shared = [xs for xs in by_name.values() if len(xs) == 2]
    assert shared, by_name
    for xs in shared:
        assert abs(xs[0] - xs[1]) < 1, by_name
    # the figures of `bpql diff`, whole: every table fits the panel, no cell cut
    assert side["tables"] and all(t["fits"] and t["cells"] for t in side["tables"])
    rows = {r[0]: r[1:] for t in side["tables"] for r in t["rows"][1:]}
    for words in ("handoffs between departments", "target time along the customer path"):
        assert words in rows
    for words in ("waits along the customer path", "highest RPN"):
        assert words in rows
    first = answer["blueprints"][0]["metrics"]
    assert rows["highest RPN"][:2] == [
        str(first["before"]["max_rpn"]),
        str(first["after"]["max_rpn"]),
    ]
    assert rows["handoffs between departments"][:2] == [
        str(first["before"]["handoffs"]),
        str(first["after"]["handoffs"]),
    ]


def test_diff_view_exports_svg_with_its_figures_and_legend(tmp_path: Path) -> None:
    out = tmp_path / "d.svg"
    r = bpql("diff", "--files", "examples/insurer", "--view", str(out))
    assert r.returncode == 0, r.stderr
    root = ET.parse(out).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    text = " ".join(t.text or "" for t in root.iter(f"{ns}tspan"))
    assert "handoffs between departments" in text and "highest RPN" in text
    assert any(g.get("class") == "bpql-legend" for g in root.iter(f"{ns}g"))
    assert root.find(f"{ns}defs/{ns}marker") is not None
    marks = {g.get("data-diff") for g in root.iter(f"{ns}g") if g.get("class") == "bpql-badge"}
    assert marks == {"added", "removed", "changed"}


def test_diff_view_of_two_versions_opens_offline(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "same.html"
    r = bpql("diff", "examples/insurer", "examples/insurer", "--view", str(out))
    assert r.returncode == 0, r.stderr
    report = open_view(browser, out)
    assert report.console_errors == [] and report.requests == []
    assert "0 added, 0 removed, 0 changed" in report.side_text


def test_whatif_view_opens_offline(browser: Any, tmp_path: Path) -> None:
    db = f"embedded:{tmp_path / 'graph.lbdb'}"
    assert bpql("load", "examples/insurer", "--db", db).returncode == 0
    out = tmp_path / "whatif.html"
    q = 'impact of retiring system "policy-admin" scenario "to-be"'
    assert bpql("viz", q, "-o", str(out), "--db", db).returncode == 0
    report = open_view(browser, out)
    assert report.console_errors == [] and report.requests == []
    assert report.view == "impact"
    assert "retiring system" in report.side_text
