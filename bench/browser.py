"""Calculator speed and size in headless Chromium against the built site on 127.0.0.1.

    .venv/bin/python bench/browser.py [--runs 5] [--calls 300]

Serves ``site/`` (or ``$BROWSER_SITE_DIR``) under /billing-reference/ like the browser tests
and prints:

- bytes transferred by a page view (home page, then a code page) that does not touch a
  calculator, and how many of them are Pyodide or calc bytes (target: none);
- time from navigation to "calculator ready" (Pyodide started, calc imported, its data read),
  opening a shared link so the calculator starts at once: cold (a fresh browser profile each
  run) and warm (the same profile again: HTTP cache, Chromium's compiled-wasm cache and the
  Pyodide memory snapshot the first visit stored in Cache Storage once it was ready; the warm
  visit waits for that store, ``snapshot_store_ms``), median of ``--runs``;
- per-calculation round trip from the page to calc.handle in the worker and back, p50/p95.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import launch, serve, site_dir  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

CODE_PAGE = "codes/97546/"
SHARED_LINK = CODE_PAGE + "?units.min=300"
REQUESTS = {
    "units": {
        "kind": "units",
        "method": "cms",
        "services": [{"code": "97110", "minutes": 33}, {"code": "97140", "minutes": 7}],
    },
    "fee": {
        "kind": "fee",
        "year": 2025,
        "locality": "10112-00",
        "setting": "non_facility",
        "lines": [{"code": "97110", "units": 2, "modifiers": ["GP"]}],
    },
}
READY = "() => window.calcTiming && (window.calcTiming.ready || window.calcTiming.failed)"
STORED = "() => window.calcTiming && window.calcTiming.snapshotStored !== undefined"


def page_view_bytes(playwright, url: str) -> dict[str, int]:
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    try:
        context = launch(playwright, profile)
        page = context.pages[0]
        sizes: list[tuple[str, int]] = []
        page.on(
            "requestfinished",
            lambda r: sizes.append((r.url, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"])),
        )
        for path in ("", CODE_PAGE):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
        context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    runtime = [s for u, s in sizes if "/assets/pyodide/" in u or "/assets/calc/" in u]
    return {"requests": len(sizes), "bytes": sum(s for _, s in sizes), "pyodide_and_calc_bytes": sum(runtime)}


def ready_ms(page, url: str) -> tuple[float, dict]:
    page.goto(url + SHARED_LINK)
    page.wait_for_function(READY, timeout=120_000)
    timing = page.evaluate("window.calcTiming")
    if timing.get("failed"):
        raise SystemExit(f"calculator failed to start: {timing['failed']}")
    return float(timing["ready"]), timing


def latency(page, calls: int) -> dict[str, dict[str, float]]:
    result = {}
    for kind, request in REQUESTS.items():
        samples = page.evaluate(
            """async ([request, calls]) => {
                const text = JSON.stringify(request), out = [];
                for (let i = 0; i < calls; i++) {
                    const t = performance.now();
                    await window.calcHandle(text);
                    out.push(performance.now() - t);
                }
                return out;
            }""",
            [request, calls],
        )
        samples.sort()
        result[kind] = {
            "p50_ms": round(samples[len(samples) // 2], 2),
            "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    server, url = serve(site_dir())
    report: dict[str, object] = {"site": str(site_dir())}
    with sync_playwright() as playwright:
        report["page_view_without_calculator"] = page_view_bytes(playwright, url)
        cold, warm, details, cold_start, stored = [], [], [], [], []
        for _ in range(args.runs):
            profile = tempfile.mkdtemp(prefix="bench-chromium-")
            try:
                context = launch(playwright, profile)
                page = context.pages[0]
                ms, timing = ready_ms(page, url)
                cold.append(ms)
                cold_start.append(timing.get("worker", {}).get("start"))
                if page.evaluate("() => !!document.querySelector('[data-calc]')"):
                    try:  # the first visit caches the snapshot in the background after ready
                        page.wait_for_function(STORED, timeout=60_000)
                        stored.append(round(page.evaluate("performance.now()") - ms))
                    except Exception:
                        stored.append(None)
                page.goto(url)  # leave, then come back: the warm case
                ms, timing = ready_ms(page, url)
                warm.append(ms)
                details.append(timing.get("worker"))
                if len(cold) == args.runs:
                    report["per_calculation"] = latency(page, args.calls)
                context.close()
            finally:
                shutil.rmtree(profile, ignore_errors=True)
        report["ready_ms_cold"] = {"median": round(statistics.median(cold)), "runs": [round(x) for x in cold]}
        report["ready_ms_warm"] = {"median": round(statistics.median(warm)), "runs": [round(x) for x in warm]}
        report["start_cold"] = cold_start
        report["start_warm"] = [d.get("start") if d else None for d in details]
        report["snapshot_store_ms_after_ready"] = stored
        report["worker_breakdown_warm_last"] = details[-1]
    server.shutdown()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
