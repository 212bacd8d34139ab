"""A real headless Chromium (Debian's `chromium`, or the one `BPQL_CHROMIUM` names) driven by
Playwright, with no way out: what PNG export uses for a view that has no SVG drawing (a graph
view's page), and what the tests' browser helper (`bpql.testing.browser`) builds on.

Chromium starts with every host name mapped to nothing and a proxy on a closed loopback port.
Neither Playwright nor Chromium is a dependency of BPQL: PNG export of the drawings goes
through resvg (`bpql.viz.export`), and needs neither.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    # loopback stays reachable, for a `bpql serve` under test; every name resolves to nothing
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
)


class BrowserMissing(RuntimeError):
    pass


def chromium_path() -> str:
    """Debian's Chromium, or the one BPQL_CHROMIUM names."""
    for candidate in (os.environ.get("BPQL_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    raise BrowserMissing(
        "no Chromium found: install Debian's `chromium` (scripts/test does) or set BPQL_CHROMIUM"
    )


@contextmanager
def chromium() -> Iterator[Browser]:
    """One browser for many pages; closed, with its processes, when the block ends."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


__all__ = ["CHROMIUM_ARGS", "BrowserMissing", "chromium", "chromium_path"]
