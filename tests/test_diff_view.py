"""The diff view in real headless Chromium: offline, quiet, and marking what the diff found."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bpql.testing.browser import open_view, viewed
from tests.test_load import bpql

pytestmark = pytest.mark.browser

#: the marks read back from the page: the nodes carrying each, and the legend's counts
READ_MARKS = """() => {
  const nodes = window.bpql.nodes.get();
  // a change is marked on both sides and counted on the new one
  const side = (m) => (m === "removed" ? ":old|" : ":new|");
  const count = (m) => nodes.filter((n) => n.diff === m && n.id.includes(side(m))).length;
  const legend = {};
  for (const li of document.querySelectorAll("#bpql-extra li")) {
    legend[li.children[1].textContent.split(" ")[0].toLowerCase()] =
      Number(li.querySelector(".n").textContent);
  }
  return {nodes: {added: count("added"), removed: count("removed"),
                  changed: count("changed")}, legend: legend,
          view: JSON.parse(document.getElementById("bpql-view").textContent).diff};
}"""


@pytest.mark.parametrize("example", ["insurer", "clinic"])
def test_diff_view_marks_what_the_diff_found(example: str, browser: Any, tmp_path: Path) -> None:
    out = tmp_path / f"{example}.html"
    r = bpql("diff", "--files", f"examples/{example}", "--format", "json", "--view", str(out))
    assert r.returncode == 0, r.stderr
    counts = json.loads(r.stdout)["counts"]
    assert counts["added"] and counts["removed"] and counts["changed"]
    with viewed(browser, out) as (page, report):
        got = page.evaluate(READ_MARKS)
        page.wait_for_timeout(200)
        page.screenshot(path=str(tmp_path.parent / f"diff-{example}.png"))
    assert report.console_errors == [] and report.console_warnings == []
    assert report.requests == [], "the page tried to fetch something"
    assert report.view == "diff"
    assert got["nodes"] == counts
    assert got["legend"] == counts
    assert got["view"] == counts


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
