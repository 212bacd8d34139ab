"""A view written as HTML, SVG or PNG, by the file name's suffix (`bpql viz ... -o claims.svg`).

SVG is drawn in Python from the view's own layout (`bpql.viz.svg`), so it needs nothing else
and opens in any drawing tool or slide deck. PNG is taken by headless Chromium, when one is
installed (found as the tests find it: `BPQL_CHROMIUM`, `chromium`), from the SVG for the
views that have one, else from the page itself; without Chromium it is a one-line error.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from bpql.errors import BpqlError
from bpql.result import Result
from bpql.viz.page import View

#: the SVG drawing of each result kind that has one
SVG_EXPORTS: dict[str, Callable[[Result, str], str]] = {}

#: how a PNG of a page is taken: the window's size, and pixels per CSS pixel
PNG_VIEWPORT = (1920, 1080)
PNG_SCALE = 2


def _blueprint(result: Result, title: str) -> str:
    from bpql.viz.svg import blueprint_svg

    assert result.graph is not None
    return blueprint_svg(result.graph, title, result.subtitle)


def _impact(result: Result, title: str) -> str:
    from bpql.viz.svg import impact_svg

    return impact_svg(result, title)


SVG_EXPORTS.update({"blueprint": _blueprint, "impact": _impact})

SUFFIXES = (".html", ".svg", ".png")


def check_output(path: Path) -> str:
    """The format a path asks for; a suffix we cannot write is a one-line error."""
    suffix = path.suffix.lower()
    if suffix in ("", ".htm"):
        return ".html"
    if suffix not in SUFFIXES:
        raise BpqlError(
            f"{path}: cannot write a {suffix} file; write .html (interactive), .svg or .png",
            code="BPQL-V021",
        )
    return suffix


def svg_of(result: Result, title: str) -> str:
    draw = SVG_EXPORTS.get(result.kind)
    if draw is None:
        kinds = ", ".join(sorted(SVG_EXPORTS))
        raise BpqlError(
            f"a {result.kind} view has no SVG drawing (only {kinds} views have); write .png "
            "for a picture of the page, or .html",
            code="BPQL-V022",
        )
    return draw(result, title)


def write(result: Result, view: View, path: Path) -> str:
    """Write `view` (drawn from `result`) to `path` in the format its suffix asks for; the
    format written."""
    fmt = check_output(path)
    if fmt == ".html":
        view.save(path)
    elif fmt == ".svg":
        path.write_text(svg_of(result, view.title), encoding="utf-8")
    else:
        picture = svg_of(result, view.title) if result.kind in SVG_EXPORTS else None
        png(view, path, picture)
    return fmt


def png(view: View, path: Path, svg: str | None = None) -> None:
    """A PNG of an SVG drawing (at twice its size), or of the page once it is drawn."""
    try:
        from bpql.testing.browser import BrowserMissing, chromium, chromium_path, viewed

        chromium_path()
    except (ImportError, BrowserMissing) as exc:
        raise BpqlError(
            "PNG export needs headless Chromium and Playwright (Debian: apt install chromium; "
            "pip install playwright), or BPQL_CHROMIUM naming a Chromium; write .svg instead "
            f"({exc.__class__.__name__})",
            code="BPQL-V023",
        ) from None
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        if svg is not None:
            source = Path(tmp) / "drawing.svg"
            source.write_text(svg, encoding="utf-8")
            context = browser.new_context(device_scale_factor=PNG_SCALE)
            try:
                page = context.new_page()
                page.route("**/*", _only(source.resolve().as_uri()))
                page.goto(source.resolve().as_uri())
                page.locator("svg").first.screenshot(path=str(path))
            finally:
                context.close()
            return
        source = view.save(Path(tmp) / "view.html")
        with viewed(browser, source, PNG_VIEWPORT) as (page, _):
            page.wait_for_timeout(300)
            page.screenshot(path=str(path))


def _only(url: str) -> Callable[..., None]:
    """A route handler that lets one file through and refuses every other request."""

    def handle(route: object) -> None:
        r = route  # playwright's Route
        if r.request.url == url:  # type: ignore[attr-defined]
            r.continue_()  # type: ignore[attr-defined]
        else:
            r.abort("blockedbyclient")  # type: ignore[attr-defined]

    return handle
