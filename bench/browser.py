"""Calculator start-up, reuse and bytes in headless Chromium, against a bare Pyodide page.

    .venv/bin/python bench/browser.py [--runs 3] [--cpu-slowdown 1]

Serves ``site/`` (or ``$BROWSER_SITE_DIR``) under /billing-reference/ like the browser tests,
plus a bare page (not part of the site) whose worker loads the same Pyodide files the site
ships and imports decimal and json: the baseline. In one run it measures, median of ``--runs``:

- cold: a fresh browser profile opens a code page and changes an input as soon as the page
  has loaded; time from navigation to the recalculated answer on the page (``calc:answer``).
  Baseline: navigation to the bare worker's first answer;
- warm: the same profile reopened (HTTP cache, Chromium's compiled-wasm cache, the snapshot
  kept in Cache Storage) and the same again; baseline: the bare page reopened;
- next page: from the warm page, a link to another code page (Material's instant navigation)
  and an input change there; time from the click to the answer;
- second tab: a new tab of the same browser opens a code page and changes an input; time from
  its navigation to the answer;
- bytes: what the cold visit transferred, raw and as a static host that gzips text, JSON and
  wasm would send it (each file gzipped here at level 6; .gz, .zip and .whl files as they
  are); the same for the bare page; and what a page view without calculators (home page, then
  the code index) loads of the runtime (target: nothing).

Ratios to the baseline are printed with the seconds. ``--cpu-slowdown 4`` runs every page
under Chromium's CPU throttling (a stand-in for an older clinic PC).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import statistics
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import PREFIX, launch, site_dir  # noqa: E402
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright  # noqa: E402

from tools.serve import SiteHandler, url_of  # noqa: E402

CODE_PAGE = "codes/97546/"
NEXT_LINK = "article a[href$='/codes/97545/']"
INPUT = "#calc-units-min"
NO_CALCULATOR_PAGES = ("", "codes/")
BARE = "__bench_bare__/"
BARE_PAGE = b"""<!doctype html><meta charset="utf-8"><title>bare Pyodide</title>
<script type="module">
const worker = new Worker("worker.mjs", { type: "module" });
worker.onmessage = (event) => { window.bareAnswer = performance.now(); window.bareResult = event.data; };
worker.postMessage(new URL("../assets/pyodide/", location.href).href);
</script>"""
BARE_WORKER = b"""self.onmessage = async (event) => {
  const { loadPyodide } = await import(event.data + "pyodide.mjs");
  const pyodide = await loadPyodide({ indexURL: event.data, fullStdLib: false, packages: [] });
  self.postMessage(pyodide.runPython("import decimal, json; json.dumps(str(decimal.Decimal('1.10') * 2))"));
};"""
ANSWER_SEEN = """() => {
  document.addEventListener("input", () => { window.lastInput = performance.now(); }, true);
  document.addEventListener("calc:answer", () => {
    if (window.firstAnswer === undefined) window.firstAnswer = performance.now();
  }, true);
}"""
TIMEOUT_MS = 180_000
# A static host compresses these types on the fly; archives are sent as they are.
COMPRESSED_AS_IS = (".gz", ".zip", ".whl", ".png", ".jpg", ".ico", ".woff2")


def local_sitemap(directory: Path, base: str) -> bytes:
    """The sitemap the deployed site has (its site_url set), for this server's address: Material's
    instant navigation follows only links listed there, matched by host and port."""
    pages = sorted(p.parent.relative_to(directory).as_posix() for p in directory.rglob("index.html"))
    urls = "".join(f"<url><loc>{base}{'' if p == '.' else p + '/'}</loc></url>" for p in pages)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset>{urls}</urlset>'.encode()


class BenchHandler(SiteHandler):
    """The site under PREFIX, plus the bare Pyodide page and its worker, and a sitemap."""

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}{PREFIX}"
        extra = {
            PREFIX + BARE: (BARE_PAGE, "text/html"),
            PREFIX + BARE + "worker.mjs": (BARE_WORKER, "text/javascript"),
            PREFIX + "sitemap.xml": (local_sitemap(Path(self.directory), base), "application/xml"),
        }
        path = urlparse(self.path).path
        if path in extra:
            body, kind = extra[path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str, list[str]]:
    """tools/serve.py's server with the bench's extra pages; the list gets every path asked for
    (the way to see a SharedWorker's requests)."""
    served: list[str] = []
    handler = functools.partial(
        BenchHandler, directory=str(directory), prefix=PREFIX, quiet=True, record=served
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, url_of(server, PREFIX), served


class Browser:
    """One Chromium profile, reopened at will. ``fetched``: the paths the server sent since the
    profile was made (the server's log: Playwright does not see a SharedWorker's requests)."""

    def __init__(self, playwright: Playwright, slowdown: float, served: list[str]) -> None:
        self.playwright = playwright
        self.slowdown = slowdown
        self.profile = tempfile.mkdtemp(prefix="bench-chromium-")
        self.context: BrowserContext | None = None
        self.served = served
        self.since = len(served)

    @property
    def fetched(self) -> list[str]:
        return self.served[self.since :]

    def open(self) -> BrowserContext:
        self.context = launch(self.playwright, self.profile)
        return self.context

    def page(self, new: bool = False) -> Page:
        assert self.context is not None
        page = self.context.new_page() if new or not self.context.pages else self.context.pages[0]
        if self.slowdown > 1:
            cdp = self.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": self.slowdown})
        return page

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = None

    def discard(self) -> None:
        self.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def answer_after_change(page: Page, url: str, value: str) -> tuple[float, float]:
    """Navigation to the recalculated answer after an input change at load, and the input
    change to it, in ms."""
    page.goto(url, wait_until="domcontentloaded")
    page.evaluate(ANSWER_SEEN)
    page.fill(INPUT, value)
    page.wait_for_function("() => window.firstAnswer !== undefined", timeout=TIMEOUT_MS)
    failed = page.evaluate("() => window.calcTiming && window.calcTiming.failed")
    if failed:
        raise SystemExit(f"the calculator did not start: {failed}")
    answered, changed = page.evaluate("[window.firstAnswer, window.lastInput]")
    return float(answered), float(answered) - float(changed)


def next_page_ms(page: Page) -> tuple[float, float]:
    """From a click on a link to another code page (instant navigation) to its answer, and from
    the input change there to it."""
    page.evaluate(
        "input => { window.firstAnswer = undefined; window.instantCheck = 1;"
        " document.querySelector(input).dataset.old = '1'; }",
        INPUT,
    )
    clicked = page.evaluate("() => performance.now()")
    page.click(NEXT_LINK)
    page.wait_for_url("**/codes/97545/**")
    page.wait_for_function(  # the new page's form, bound by calculator.js
        "input => { const el = document.querySelector(input); return el && !el.dataset.old"
        " && el.closest('[data-calc-bound]'); }",
        arg=INPUT,
    )
    page.fill(INPUT, "310")
    page.wait_for_function("() => window.firstAnswer !== undefined", timeout=TIMEOUT_MS)
    if page.evaluate("() => window.instantCheck") != 1:
        raise SystemExit("the link reloaded the page: instant navigation is off")
    answered, changed = page.evaluate("[window.firstAnswer, window.lastInput]")
    return float(answered) - float(clicked), float(answered) - float(changed)


def bare_ms(page: Page, url: str) -> float:
    page.goto(url + BARE)
    page.wait_for_function("() => window.bareAnswer !== undefined", timeout=TIMEOUT_MS)
    return float(page.evaluate("window.bareAnswer"))


def transfer(urls: list[str], root: Path) -> dict[str, int]:
    """Bytes of the files behind ``urls``: raw, and gzipped as a static host would send them."""
    raw = compressed = 0
    for url in urls:
        path = urlparse(url).path
        if not path.startswith(PREFIX):
            continue
        file = root / path[len(PREFIX) :]
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            continue  # the bare page, served from memory (a few hundred bytes)
        data = file.read_bytes()
        raw += len(data)
        compressed += len(data) if file.name.endswith(COMPRESSED_AS_IS) else len(gzip.compress(data, 6))
    return {"raw_bytes": raw, "gzip_bytes": compressed}


def runtime_urls(urls: list[str]) -> list[str]:
    return [u for u in urls if "/assets/pyodide/" in u or "/assets/calc/" in u]


def one_run(playwright: Playwright, url: str, slowdown: float, served: list[str]) -> dict[str, Any]:
    root = site_dir()
    result: dict[str, Any] = {}
    browser = Browser(playwright, slowdown, served)
    try:
        browser.open()
        result["cold_ms"], result["cold_input_ms"] = answer_after_change(
            browser.page(), url + CODE_PAGE, "300"
        )
        result["cold_bytes"] = transfer(browser.fetched, root)
        result["cold_start"] = browser.page().evaluate("window.calcTiming.worker.start")
        browser.page().wait_for_function(
            "() => window.calcTiming.snapshotStored !== undefined", timeout=TIMEOUT_MS
        )
        browser.close()
        browser.open()
        result["warm_ms"], result["warm_input_ms"] = answer_after_change(
            browser.page(), url + CODE_PAGE, "280"
        )
        result["next_page_ms"], result["next_page_input_ms"] = next_page_ms(browser.page())
        tab = browser.page(new=True)
        result["second_tab_ms"], result["second_tab_input_ms"] = answer_after_change(
            tab, url + CODE_PAGE, "260"
        )
        result["second_tab_shared"] = tab.evaluate("window.calcTiming.shared")
    finally:
        browser.discard()
    bare = Browser(playwright, slowdown, served)
    try:
        bare.open()
        result["bare_cold_ms"] = bare_ms(bare.page(), url)
        result["bare_bytes"] = transfer(bare.fetched, root)
        bare.close()
        bare.open()
        result["bare_warm_ms"] = bare_ms(bare.page(), url)
    finally:
        bare.discard()
    return result


def no_calculator_view(playwright: Playwright, url: str, served: list[str]) -> dict[str, Any]:
    browser = Browser(playwright, 1, served)
    try:
        page = browser.open() and browser.page()
        for path in NO_CALCULATOR_PAGES:
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)  # past the idle start a calculator page would make
        fetched = list(browser.fetched)
    finally:
        browser.discard()
    return {
        "pages": list(NO_CALCULATOR_PAGES),
        "runtime_files": len(runtime_urls(fetched)),
        **transfer(fetched, site_dir()),
    }


def median(runs: list[dict[str, Any]], key: str, pick: Callable[[Any], float] = float) -> float:
    return float(statistics.median(pick(r[key]) for r in runs))


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    cold, warm = median(runs, "cold_ms"), median(runs, "warm_ms")
    bare_cold, bare_warm = median(runs, "bare_cold_ms"), median(runs, "bare_warm_ms")
    cold_gzip = median(runs, "cold_bytes", lambda b: b["gzip_bytes"])
    bare_gzip = median(runs, "bare_bytes", lambda b: b["gzip_bytes"])
    # Each run's own ratio too: on a shared machine the load changes between runs, not within.
    cold_ratio = statistics.median(r["cold_ms"] / r["bare_cold_ms"] for r in runs)
    warm_ratio = statistics.median(r["warm_ms"] / r["bare_warm_ms"] for r in runs)
    return {
        "cold_s": round(cold / 1000, 2),
        "cold_x_bare": round(cold / bare_cold, 2),
        "cold_x_bare_per_run_median": round(cold_ratio, 2),
        "warm_s": round(warm / 1000, 2),
        "warm_x_bare_warm": round(warm / bare_warm, 2),
        "warm_x_bare_warm_per_run_median": round(warm_ratio, 2),
        "next_page_s": round(median(runs, "next_page_ms") / 1000, 2),
        "next_page_input_to_answer_s": round(median(runs, "next_page_input_ms") / 1000, 2),
        "second_tab_s": round(median(runs, "second_tab_ms") / 1000, 2),
        "second_tab_input_to_answer_s": round(median(runs, "second_tab_input_ms") / 1000, 2),
        "first_visit_gzip_mb": round(cold_gzip / 1e6, 2),
        "first_visit_x_bare": round(cold_gzip / bare_gzip, 2),
        "bare_cold_s": round(bare_cold / 1000, 2),
        "bare_warm_s": round(bare_warm / 1000, 2),
        "bare_gzip_mb": round(bare_gzip / 1e6, 2),
        "goals": {
            "cold <= 0.6 x bare": cold <= 0.6 * bare_cold,
            "warm <= 0.25 x bare warm": warm <= 0.25 * bare_warm,
            "next page < 0.5 s (click to answer)": median(runs, "next_page_ms") < 500,
            "second tab < 0.5 s (navigation to answer)": median(runs, "second_tab_ms") < 500,
            "first visit <= 8 MB gzip": cold_gzip <= 8e6,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu-slowdown", type=float, default=1)
    args = parser.parse_args()
    server, url, served = serve(site_dir())
    report: dict[str, Any] = {"site": str(site_dir()), "cpu_slowdown": args.cpu_slowdown}
    try:
        with sync_playwright() as playwright:
            report["page_view_without_calculator"] = no_calculator_view(playwright, url, served)
            runs = [one_run(playwright, url, args.cpu_slowdown, served) for _ in range(args.runs)]
    finally:
        server.shutdown()
    report["runs"] = [{k: (round(v) if isinstance(v, float) else v) for k, v in run.items()} for run in runs]
    report["summary"] = summary(runs)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
