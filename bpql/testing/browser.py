"""Views opened in a real headless Chromium (`bpql.viz.browser`) with no way out.

Tests, the benchmark and the screenshot script open views through this one module. Chromium
starts with every host name mapped to nothing and a proxy on a closed loopback port, and each
request the page makes is recorded and refused unless it is the page's own file, so a page that
tried to fetch anything is caught rather than quietly served.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bpql.viz.browser import CHROMIUM_ARGS, BrowserMissing, chromium, chromium_path

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame, Page

__all__ = [
    "CHROMIUM_ARGS",
    "BrowserMissing",
    "PageReport",
    "chromium",
    "chromium_path",
    "open_view",
    "read_view",
    "viewed",
    "watched_page",
]


@dataclass
class PageReport:
    """What a page did and held once its first stable frame was drawn."""

    url: str
    nodes: int
    edges: int
    view: str
    first_stable_frame_ms: float
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    side_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


READY = "() => window.bpql !== undefined && window.bpql.ready === true"
COUNTS = (
    "() => ({view: window.bpql.view, nodes: window.bpql.nodes.length, "
    "edges: window.bpql.edges.length, ms: window.bpql.firstStableFrameMs})"
)


@contextmanager
def watched_page(
    browser: Browser, viewport: tuple[int, int] = (1600, 1000), allow: str | None = None
) -> Iterator[tuple[Page, PageReport]]:
    """A fresh page whose console and requests are recorded, and whose fetches are refused;
    `allow` is the origin of a loopback server (`bpql serve`) whose requests go through."""
    if allow is not None and not allow.startswith(("http://127.0.0.1:", "http://[::1]:")):
        raise ValueError(f"only a loopback server may be allowed, not {allow!r}")
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    report = PageReport("", 0, 0, "", 0.0)

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            report.console_errors.append(msg.text)
        elif msg.type == "warning":
            report.console_warnings.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: report.console_errors.append(f"uncaught: {exc}"))

    def on_route(route: Any) -> None:
        url = route.request.url
        if url == report.url or url.startswith("about:") or (allow and url.startswith(allow)):
            route.continue_()
            return
        report.requests.append(url)
        route.abort("blockedbyclient")

    page.route("**/*", on_route)
    try:
        yield page, report
    finally:
        context.close()


def read_view(target: Page | Frame, report: PageReport, timeout_ms: float = 120_000) -> PageReport:
    """Wait for the view's first stable frame, then read back what it holds."""
    target.wait_for_function(READY, timeout=timeout_ms)
    got = target.evaluate(COUNTS)
    report.view = got["view"]
    report.nodes = int(got["nodes"])
    report.edges = int(got["edges"])
    report.first_stable_frame_ms = float(got["ms"])
    report.side_text = target.inner_text("#bpql-side")
    return report


@contextmanager
def viewed(
    browser: Browser,
    path: Path,
    viewport: tuple[int, int] = (1600, 1000),
    timeout_ms: float = 120_000,
    inline: bool = False,
) -> Iterator[tuple[Page, PageReport]]:
    """A saved view opened from its file, as a user double-clicking it would, and drawn.

    With `inline`, the view is the page's iframe, as a notebook cell shows it.
    """
    with watched_page(browser, viewport) as (page, report):
        report.url = path.resolve().as_uri()
        page.goto(report.url)
        target: Page | Frame = page
        if inline:
            frame = page.wait_for_selector("iframe")
            inner = frame.content_frame() if frame is not None else None
            if inner is None:
                raise AssertionError(f"{path}: no iframe holding the view")
            target = inner
        read_view(target, report, timeout_ms)
        yield page, report


def open_view(
    browser: Browser,
    path: Path,
    screenshot: Path | None = None,
    viewport: tuple[int, int] = (1600, 1000),
    timeout_ms: float = 120_000,
    inline: bool = False,
) -> PageReport:
    """What a saved view holds and did, once drawn; optionally a screenshot of it."""
    with viewed(browser, path, viewport, timeout_ms, inline) as (page, report):
        if screenshot is not None:
            page.wait_for_timeout(300)
            page.screenshot(path=str(screenshot))
        return report
