"""The calculators' runtime in the browser (calc-runtime.js, calc-worker.mjs, calc-pyodide.mjs):
snapshot-first start and its fallback, one runtime across instant navigation and tabs, the idle
start that pages without calculators never make, progress in the status, error answers for bad
requests, recovery from a worker that died, and the pages' Content-Security-Policy."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from conftest import READY_TIMEOUT_MS, Visit, launch, site_dir
from playwright.sync_api import Page, Route

from calc import handle

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
RUNTIME_FILES = ("/assets/pyodide/", "/assets/calc/")
UNITS_REQUEST = {
    "kind": "units",
    "method": "cms",
    "services": [{"code": "97110", "minutes": 33}, {"code": "97140", "minutes": 7}],
}
STATUS_LOG = "() => window.calcRuntime.onStatus(s => (window.statusLog = window.statusLog || []).push(s))"


def case(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CASES / f"{name}.json").read_text())
    return data


def ask(page: Page, request: Any) -> Any:
    return page.evaluate("request => window.calcHandle(request)", request)


def runtime_paths(served: list[str]) -> list[str]:
    return [p for p in served if any(part in p for part in RUNTIME_FILES)]


def timing(page: Page) -> dict[str, Any]:
    value: dict[str, Any] = page.evaluate("() => window.calcTiming")
    return value


def no_page_errors(v: Visit) -> None:
    assert not [e for e in v.errors if e.startswith("page error")], v.errors
    assert v.outside == []


def local_sitemap(v: Visit) -> None:
    """The deployed site has site_url set, so its sitemap lists every page and Material's
    instant navigation follows links; a test build has none, and the test server's port is
    random, so the sitemap is made here for this server's address."""
    pages = sorted(p.parent.relative_to(site_dir()).as_posix() for p in site_dir().rglob("index.html"))
    locs = "".join(f"<url><loc>{v.base_url}{'' if p == '.' else p + '/'}</loc></url>" for p in pages)
    body = f'<?xml version="1.0" encoding="UTF-8"?><urlset>{locs}</urlset>'

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="application/xml", body=body)

    v.page.context.route("**/sitemap.xml", fulfil)


def test_first_visit_restores_the_snapshot_and_says_what_it_is_doing(visit: Visit, served: list[str]) -> None:
    pair = case("fee_97110_x2_alabama_2025")
    page = visit.open("codes/97546/")
    page.evaluate(STATUS_LOG)
    visit.wait_ready()
    assert timing(page)["worker"]["start"] == "snapshot"
    texts = [s["text"] for s in page.evaluate("() => window.statusLog")]
    assert any(t.startswith("Downloading the calculator: ") and t.endswith(" MB…") for t in texts), texts
    assert "Starting Python…" in texts
    manifest = json.loads((site_dir() / "assets" / "calc" / "manifest.json").read_text())
    shipped = {path.rsplit("/", 1)[1] for path in runtime_paths(served)}
    assert {manifest["snapshot"], manifest["stdlib"], manifest["wheel"]} <= shipped
    assert "python_stdlib.zip" not in shipped  # the snapshot's trimmed zip instead
    assert ask(page, json.dumps(pair["request"])) == pair["answer"]
    no_page_errors(visit)


def test_a_snapshot_that_cannot_be_downloaded_falls_back_to_the_plain_start(visit: Visit) -> None:
    # A dedicated worker, whose requests Playwright can intercept (a SharedWorker's it cannot).
    visit.page.add_init_script("window.calcNoSharedWorker = true")
    visit.page.context.route("**/assets/calc/calc-snapshot-*", lambda route: route.abort())
    page = visit.open("codes/97546/")
    visit.wait_ready()
    start = timing(page)["worker"]["start"]
    assert start.startswith("plain (snapshot not usable: "), start
    assert timing(page)["shared"] is False
    assert ask(page, UNITS_REQUEST) == handle(UNITS_REQUEST)
    no_page_errors(visit)


def test_the_runtime_survives_instant_navigation(visit: Visit, served: list[str]) -> None:
    local_sitemap(visit)
    page = visit.open("codes/97546/")
    visit.wait_ready()
    before = timing(page)
    page.evaluate("() => { window.sameDocument = true; }")
    served.clear()
    page.click("article a[href$='/codes/97545/']")
    page.wait_for_url("**/codes/97545/")
    page.wait_for_function(
        "() => document.querySelector('#calc-units[data-calc-bound]') && "
        "location.pathname.endsWith('/codes/97545/')"
    )
    assert page.evaluate("() => window.sameDocument") is True, "the link reloaded the page"
    page.fill("#calc-units-min", "310")
    page.wait_for_function(
        "() => document.querySelector('#calc-units').getAttribute('data-calc-state') === 'answered'",
        timeout=20_000,  # proof of reuse is the timing check below, not speed (bench measures that)
    )
    after = timing(page)  # the same runtime, not started again (only snapshotStored may be new)
    assert {k: after[k] for k in ("start", "ready", "worker")} == {
        k: before[k] for k in ("start", "ready", "worker")
    }
    assert runtime_paths(served) == []
    no_page_errors(visit)


def test_a_second_tab_shares_the_runtime(visit: Visit, served: list[str]) -> None:
    page = visit.open("codes/97546/")
    visit.wait_ready()
    first = timing(page)
    assert first["shared"] is True
    served.clear()
    tab = page.context.new_page()
    tab.goto(visit.base_url + "codes/97110/")
    tab.wait_for_function("() => window.calcTiming && window.calcTiming.ready", timeout=20_000)
    # The worker's own start record, unchanged: the tab joined the running runtime.
    assert tab.evaluate("() => window.calcTiming.worker") == first["worker"]
    assert ask(tab, UNITS_REQUEST) == handle(UNITS_REQUEST)
    assert [p for p in runtime_paths(served) if not p.endswith("manifest.json")] == []
    no_page_errors(visit)


def test_pages_without_calculators_load_no_runtime_and_calculator_pages_start_when_idle(
    visit: Visit, served: list[str]
) -> None:
    for path in ("", "codes/", "families/"):
        visit.open(path)
        visit.page.wait_for_load_state("networkidle")
    visit.page.wait_for_timeout(1_500)
    assert runtime_paths(served) == []
    visit.open("codes/97546/")  # untouched: the idle start begins by itself
    visit.wait_ready()
    assert runtime_paths(served)
    no_page_errors(visit)


def test_data_saver_starts_the_runtime_only_on_interaction(visit: Visit, served: list[str]) -> None:
    visit.page.add_init_script(
        "Object.defineProperty(navigator, 'connection', {value: {saveData: true}, configurable: true})"
    )
    page = visit.open("codes/97546/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(2_000)
    assert runtime_paths(served) == []
    assert page.evaluate("() => window.calcRuntime.state()") == "idle"
    page.fill("#calc-units-min", "300")
    visit.wait_ready()
    page.wait_for_function(
        "() => document.querySelector('#calc-units').getAttribute('data-calc-state') === 'answered'"
    )
    no_page_errors(visit)


def test_bad_requests_answer_errors_and_the_runtime_keeps_answering(visit: Visit) -> None:
    page = visit.open("codes/97546/")
    visit.wait_ready()
    answers = page.evaluate(
        """async () => {
            const cyclic = { kind: "units" };
            cyclic.self = cyclic;
            const huge = JSON.stringify({ kind: "units", note: "x".repeat(4 * 1024 * 1024) });
            const out = [];
            for (const bad of [undefined, huge, '{"kind": "units",', cyclic, "[".repeat(100000)]) {
                out.push(await window.calcHandle(bad));
            }
            out.push(await window.calcHandle(() => 1)); // not cloneable: answered on the page
            return out;
        }"""
    )
    for answer in answers:
        assert answer["ok"] is False and answer["errors"][0]["message"], answer
    assert page.evaluate("() => window.calcRuntime.state()") == "ready"
    assert ask(page, UNITS_REQUEST) == handle(UNITS_REQUEST)
    page.fill("#calc-units-min", "300")
    page.wait_for_function(
        "() => document.querySelector('#calc-units').getAttribute('data-calc-state') === 'answered'"
    )
    no_page_errors(visit)


def test_a_worker_that_died_is_replaced(visit: Visit) -> None:
    page = visit.open("codes/97546/")
    visit.wait_ready()
    # Another client of the same SharedWorker asks it to end, as a crash would end it.
    page.evaluate(
        """() => new SharedWorker(new URL("../../assets/javascripts/calc-worker.mjs", location.href),
                                  { type: "module", name: "calc" }).port.postMessage({ type: "close" })"""
    )
    page.wait_for_function("() => window.calcTiming.restarts === 1", timeout=READY_TIMEOUT_MS)
    assert ask(page, UNITS_REQUEST) == handle(UNITS_REQUEST)
    assert page.evaluate("() => window.calcRuntime.state()") == "ready"
    no_page_errors(visit)


CSP_LOG = """window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));"""


def test_every_page_carries_a_strict_content_security_policy() -> None:
    pages = sorted(site_dir().rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        html = path.read_text()
        head = html[html.index("<head") :]
        tag = head[head.index(">") + 1 :]
        assert tag.startswith('<meta http-equiv="Content-Security-Policy" content="'), path
        csp = tag.split('content="', 1)[1].split('"', 1)[0]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp and "base-uri 'self'" in csp
        assert "worker-src 'self'" in csp and "'unsafe-inline'" not in csp and "unsafe-eval" not in csp
        assert "http" not in csp  # no other host


def test_calculators_work_under_the_policy_with_no_violation(playwright_session: Any, base_url: str) -> None:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        context = launch(playwright_session, profile)  # the policy enforced
        page = context.pages[0]
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.add_init_script(CSP_LOG)
        try:
            for path in ("", "codes/", "visit/"):
                page.goto(base_url + path)
                page.wait_for_timeout(500)
            page.goto(base_url + "codes/97546/")
            page.fill("#calc-units-min", "300")
            page.wait_for_function(
                "() => document.querySelector('#calc-units').getAttribute('data-calc-state') === 'answered'",
                timeout=READY_TIMEOUT_MS,
            )
            assert page.evaluate("() => window.calcTiming.worker.start") == "snapshot"
            page.keyboard.press("/")  # Material's search (its own worker) under the policy too
            page.wait_for_timeout(500)
            assert page.evaluate("() => window.cspViolations") == []
            assert errors == []
        finally:
            context.close()
