"""Fixtures for the browser tests: the built site served under a subpath on 127.0.0.1, and
Debian's Chromium driven by Playwright for Python.

The site is served from ``site/`` (``make site``) or from ``$BROWSER_SITE_DIR``, under the
prefix ``/billing-reference/`` like a GitHub project page, by the project's static server (tools/serve.py).
Every request the page makes is watched: one that leaves 127.0.0.1 is aborted and fails the
test (``Visit.outside``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Route,
    sync_playwright,
)

from tools.serve import make_server, url_of

ROOT = Path(__file__).resolve().parents[2]

PREFIX = "/billing-reference/"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Python reads (and compiles) the fee data on first use; Pyodide start plus that stays well
# under this on a 2-core machine, but CI machines vary.
READY_TIMEOUT_MS = 60_000


def site_dir() -> Path:
    return Path(os.environ.get("BROWSER_SITE_DIR", ROOT / "site")).resolve()


# Every path the test server was asked for, in order, whoever asked (a SharedWorker's requests
# are invisible to Playwright): tests/browser/test_runtime.py reads it through ``served``.
SERVED: list[str] = []


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    """The site served under PREFIX by the project's one static server (tools/serve.py)."""
    server = make_server(directory, PREFIX, quiet=True, record=SERVED)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, url_of(server, PREFIX)


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    directory = site_dir()
    if not (directory / "assets" / "calc" / "manifest.json").exists():
        pytest.fail(f"{directory} is not a built site with calculators: run `make site` first")
    server, url = serve(directory)
    yield url
    server.shutdown()


def launch(playwright: Playwright, user_data_dir: str, bypass_csp: bool = False) -> BrowserContext:
    return playwright.chromium.launch_persistent_context(
        user_data_dir,
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 1200, "height": 900},
        bypass_csp=bypass_csp,
    )


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@dataclass
class Visit:
    """A page with everything it did recorded: console errors, page errors, requests outside
    127.0.0.1 (aborted) and every URL requested."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def wait_ready(self) -> None:
        self.page.wait_for_function(
            "() => window.calcTiming && (window.calcTiming.ready || window.calcTiming.failed)",
            timeout=READY_TIMEOUT_MS,
        )
        failed = self.page.evaluate("() => window.calcTiming.failed || null")
        assert failed is None, f"the calculator did not start: {failed}"


@pytest.fixture
def visit(playwright_session: Playwright, base_url: str) -> Iterator[Visit]:
    """A fresh browser profile (cold caches) per test."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        # The pages' Content-Security-Policy would refuse the inline scripts tests inject
        # (axe-core); tests/browser/test_runtime.py checks the policy with it enforced.
        context = launch(playwright_session, profile, bypass_csp=True)
        page = context.pages[0] if context.pages else context.new_page()
        v = Visit(page, base_url)

        def outside(route: Route) -> None:
            v.outside.append(route.request.url)
            route.abort()

        # Only requests that leave 127.0.0.1 are intercepted (and aborted): a catch-all route
        # stalls the worker's module imports in this Chromium, and the site's own requests
        # need no help. context "request" events also see the worker's requests.
        context.route(lambda url: not url.startswith(("http://127.0.0.1:", "data:", "blob:")), outside)
        context.on("request", lambda request: v.requests.append(request.url))

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                v.errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda exc: v.errors.append(f"page error: {exc}"))
        try:
            yield v
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def served() -> list[str]:
    """The paths the test server sends from now on (cleared for each test)."""
    SERVED.clear()
    return SERVED
