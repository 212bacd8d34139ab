"""A view written as HTML, SVG or PNG, by the file name's suffix (`bpql viz ... -o claims.png`).

SVG is drawn in Python (the blueprint and diff views are SVG already; an impact answer exports
its bands, `bpql.viz.svg`), so it needs nothing else and opens in any drawing tool or slide
deck. PNG is that SVG rasterised by resvg (the `resvg-py` wheel, a dependency: MIT, resvg's
Rust renderer inside, wheels for Linux, macOS and Windows), at twice its size, so a plain
`pip install bpql` writes PNGs. A view with no SVG drawing (a graph view is a page laid out by
the browser) is photographed by headless Chromium through Playwright, when both are there;
without them it is one line saying what to install (`BPQL-V023`), and nothing is written.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from bpql.errors import BpqlError
from bpql.result import Result
from bpql.viz.base import View

#: how a PNG of a page is taken: the window's size, and pixels per CSS pixel
PNG_VIEWPORT = (1920, 1080)
PNG_SCALE = 2
#: the longest side of a PNG, in pixels: a larger drawing is rasterised at less than twice
PNG_MAX_SIDE = 16_000

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


def _impact(result: Result, title: str) -> str:
    from bpql.viz.svg import impact_svg

    return impact_svg(result, title)


#: the SVG drawing of a result kind whose view is a page of another kind
SVG_EXPORTS: dict[str, Callable[[Result, str], str]] = {"impact": _impact, "whatif": _impact}


def svg_of(result: Result, view: View) -> str:
    """The view's SVG drawing: its own (blueprint, diff), or the one its result kind has."""
    if view.svg is not None:
        return view.svg
    draw = SVG_EXPORTS.get(result.kind)
    if draw is not None and result.undrawn is not None:
        raise BpqlError(
            f"this answer reaches {result.undrawn:,} steps, more than the nodes drawn one by "
            "one, so its steps were not read and its picture is the collapsed page: write "
            ".html or .png, or raise --max-nodes for the SVG of every step",
            code="BPQL-V026",
        )
    if draw is None:
        raise BpqlError(
            f"a {view.kind} view has no SVG drawing (blueprint, diff and impact views have); "
            "write .png for a picture of the page, or .html",
            code="BPQL-V022",
        )
    return draw(result, view.title)


def write(result: Result, view: View, path: Path) -> str:
    """Write `view` (drawn from `result`) to `path` in the format its suffix asks for; the
    format written. Everything is made before the file is opened, so a failure writes
    nothing."""
    fmt = check_output(path)
    if fmt == ".html":
        view.save(path)
    elif fmt == ".svg":
        picture = svg_of(result, view)
        path.write_text(picture, encoding="utf-8")
    else:
        # an answer too large to draw step by step is photographed as its collapsed page
        has_svg = view.svg is not None or (result.kind in SVG_EXPORTS and result.undrawn is None)
        data = rasterise(svg_of(result, view)) if has_svg else page_png(view)
        path.write_bytes(data)
    return fmt


_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def rasterise(svg: str) -> bytes:
    """A PNG of an SVG document, at twice its size (less for a very large drawing)."""
    try:
        import resvg_py
    except ImportError:
        raise BpqlError(
            "PNG export needs the resvg-py package, which BPQL installs with it: "
            "pip install resvg-py (or write .svg)",
            code="BPQL-V030",
        ) from None
    found = _SIZE.search(svg)
    side = max(float(found.group(1)), float(found.group(2))) if found else 1.0
    zoom = min(float(PNG_SCALE), PNG_MAX_SIDE / max(side, 1.0))
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=zoom))


def page_png(view: View) -> bytes:
    """A PNG of a page once it is drawn, taken by headless Chromium: for views with no SVG."""
    from bpql.viz.browser import BrowserMissing, chromium, chromium_path

    try:
        import playwright.sync_api  # noqa: F401

        chromium_path()
    except (ImportError, BrowserMissing) as exc:
        missing = "Playwright" if isinstance(exc, ImportError) else "Chromium"
        raise BpqlError(
            f"PNG export of a {view.kind} view needs headless Chromium and Playwright ({missing} "
            "is missing: pip install playwright; Debian: apt install chromium, or set "
            "BPQL_CHROMIUM); blueprint, diff and impact views export PNG without them; "
            "or write .html",
            code="BPQL-V023",
        ) from None
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        source = view.save(Path(tmp) / "view.html")
        out = Path(tmp) / "view.png"
        context = browser.new_context(
            viewport={"width": PNG_VIEWPORT[0], "height": PNG_VIEWPORT[1]},
            device_scale_factor=PNG_SCALE,
        )
        try:
            page = context.new_page()
            page.route("**/*", _only(source.resolve().as_uri()))
            page.goto(source.resolve().as_uri())
            page.wait_for_function(
                "() => window.bpql !== undefined && window.bpql.ready === true", timeout=120_000
            )
            page.wait_for_timeout(300)
            page.screenshot(path=str(out))
        finally:
            context.close()
        return out.read_bytes()


def _only(url: str) -> Callable[..., None]:
    """A route handler that lets one file through and refuses every other request."""

    def handle(route: object) -> None:
        r = route  # playwright's Route
        if r.request.url == url:  # type: ignore[attr-defined]
            r.continue_()  # type: ignore[attr-defined]
        else:
            r.abort("blockedbyclient")  # type: ignore[attr-defined]

    return handle
