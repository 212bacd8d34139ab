"""PNG on a plain install: `bpql viz ... -o x.png` and `bpql diff ... --view d.png` with what
`pip install bpql` brings, no Playwright, no Chromium.

Each command runs in a process of its own whose `import playwright` fails (a wrapper puts
None in `sys.modules`, as an interpreter without the package would), with no Chromium on its
PATH: the blueprint, impact and diff views are rasterised from their SVG by resvg; a graph
view, which has no SVG, is one line saying what to install, and no file.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

#: the CLI with Playwright made unimportable
WRAPPER = (
    "import sys\n"
    "sys.modules['playwright'] = None\n"
    "sys.modules['playwright.sync_api'] = None\n"
    "from bpql.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def plain(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    empty = tmp / "no-bin"
    empty.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PATH": str(empty),
        "BPQL_CHROMIUM": str(tmp / "no-chromium"),
    }
    return subprocess.run(
        [sys.executable, "-c", WRAPPER, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header, after checking its signature and first chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    header = data[16:29]
    assert zlib.crc32(b"IHDR" + header) == struct.unpack(">I", data[29:33])[0]
    width, height = struct.unpack(">II", header[:8])
    return width, height


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("png")
    db = f"embedded:{tmp / 'graph.lbdb'}"
    done = plain("load", str(EXAMPLES / "insurer"), "--db", db, tmp=tmp)
    assert done.returncode == 0, done.stderr
    return db


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["viz", "--blueprint", "claims"], "blueprint view as PNG, 46 nodes, 57 edges"),
        (["viz", 'impact of department "billing"'], "impact view as PNG"),
        (["viz", "--blueprint", "claims", "--scenario", "to-be"], "blueprint view as PNG"),
    ],
)
def test_views_write_png_without_playwright_or_chromium(
    store: str, tmp_path: Path, args: list[str], what: str
) -> None:
    out = tmp_path / "view.png"
    done = plain(*args, "--db", store, "-o", str(out), tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert what in done.stdout
    data = out.read_bytes()
    width, height = png_size(data)
    assert width >= 1200 and height >= 600  # twice the drawing's size
    assert len(data) > 40_000  # a drawing: a blank picture of that size packs to a few KB


def test_diff_view_writes_svg_and_png_without_a_browser(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    for name in ("d.png", "d.svg", "d.html"):
        out = tmp_path / name
        done = plain("diff", "--files", str(EXAMPLES / "insurer"), "--view", str(out), tmp=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert f"wrote {out}" in done.stderr
    width, height = png_size((tmp_path / "d.png").read_bytes())
    assert width >= 1200 and height >= 1200
    root = ET.parse(tmp_path / "d.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (tmp_path / "d.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = plain(
        "diff", "--files", str(EXAMPLES / "insurer"), "--view", str(tmp_path / "d.pdf"),
        tmp=tmp_path,
    )  # fmt: skip
    assert bad.returncode == 2 and "cannot write a .pdf file" in bad.stderr
    assert not (tmp_path / "d.pdf").exists()


def test_a_graph_view_says_in_one_line_what_png_needs(store: str, tmp_path: Path) -> None:
    """A graph view has no SVG: its PNG is a picture of the page, which needs a browser."""
    out = tmp_path / "crm.png"
    done = plain("viz", 'show system "crm"', "--db", store, "-o", str(out), tmp=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: PNG export of a graph view needs headless Chromium")
    assert "pip install playwright" in lines[0] and "Playwright is missing" in lines[0]
    assert not out.exists()
