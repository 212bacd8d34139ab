"""Results and views in a real Jupyter kernel (nbclient on ipykernel), as a notebook shows them.

A view's cell holds its page once (HTML in an iframe) and a one-line text form, so the cell is
about the page's size, not twice it; a table answer shows as an HTML table with a short text
form, never a dataclass dump.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES


def _run(cells: list[str], tmp_path: Path) -> list[Any]:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=300, kernel_name="python3").execute(cwd=str(tmp_path))
    return list(nb.cells)


def _result(cell: Any) -> dict[str, Any]:
    (out,) = [o for o in cell.outputs if o.output_type == "execute_result"]
    return dict(out.data)


def test_a_notebook_shows_views_once_and_tables_as_tables(tmp_path: Path) -> None:
    db = tmp_path / "graph.lbdb"
    cells = _run(
        [
            f"import bpql\ndb = bpql.connect({f'embedded:{db}'!r})\n"
            f"_ = db.load({str(EXAMPLES / 'insurer')!r})",
            "view = db.viz(db.blueprint('claims'))\nview",
            "impact = db.viz('impact of department \"billing\"')\nimpact",
            "db.query('find services where depends on system \"payments-gateway\"')",
            "db.query('show system \"crm\"')",
            "db.diff('claims')",
            "len(view.html), len(impact.html)",
        ],
        tmp_path,
    )
    sizes = json.loads(_result(cells[-1])["text/plain"].replace("(", "[").replace(")", "]"))
    for cell, size in zip(cells[1:3], sizes, strict=True):
        data = _result(cell)
        assert set(data) == {"text/html", "text/plain"}
        assert data["text/html"].startswith("<iframe srcdoc=")
        plain = data["text/plain"]
        assert "\n" not in plain and len(plain) < 200 and plain.startswith("<View ")
        # the cell as the notebook stores it: under 1.2 times the page
        weight = len(json.dumps(cell.outputs))
        assert weight < 1.2 * size, (weight, size)
    table = _result(cells[3])
    assert "<table>" in table["text/html"] and "Premium billing" in table["text/html"]
    plain = table["text/plain"]
    assert plain.startswith("<Result table") and "Premium billing" in plain
    assert "Result(kind=" not in plain and len(plain.splitlines()) < 15
    graph = _result(cells[4])
    assert graph["text/plain"].startswith("<Result graph: ")
    assert "<table>" in graph["text/html"] and "System" in graph["text/html"]
    diff = _result(cells[5])
    assert diff["text/plain"].startswith("<Result diff ")
    assert "comparison=" not in diff["text/plain"] and "<table>" in diff["text/html"]
