"""The calculators in a real browser: Debian's Chromium, the built site under a subpath.

The request/answer pairs in tests/cases/ drive these tests and the CPython ones alike: the
browser's answer (calc/ running in Pyodide) must equal the recorded CPython answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from calc import handle

ROOT = Path(__file__).resolve().parents[2]
PREFIX_MARK = "/billing-reference/"  # tests/browser/conftest.py PREFIX
Visit = Any  # tests/browser/conftest.py: the page and what it did

CASES = ROOT / "tests" / "cases"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def case(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CASES / f"{name}.json").read_text())
    return data


def answered(v: Visit, calc_id: str) -> None:
    """Waits for the calculator's next live answer (or refusal)."""
    v.page.wait_for_function(
        "id => document.querySelector('#calc-' + id).hasAttribute('data-calc-state')",
        arg=calc_id,
        timeout=60_000,
    )


def fill(v: Visit, calc_id: str, values: dict[str, str]) -> None:
    for name, value in values.items():
        selector = f"#calc-{calc_id}-{name}"
        if v.page.eval_on_selector(selector, "el => el.tagName") == "SELECT":
            v.page.select_option(selector, value)
        else:
            v.page.fill(selector, value)
    v.page.evaluate("id => document.querySelector('#calc-' + id).removeAttribute('data-calc-state')", calc_id)
    v.page.click(f"#calc-{calc_id} button[type=submit]")
    answered(v, calc_id)


def table_rows(v: Visit, calc_id: str) -> list[dict[str, str]]:
    return v.page.eval_on_selector_all(
        f"#calc-{calc_id} [data-calc-answer] tbody tr",
        "rows => rows.map(r => Object.fromEntries([...r.cells].map(c => [c.dataset.key, c.textContent])))",
    )


def totals(v: Visit, calc_id: str) -> dict[str, str]:
    return v.page.eval_on_selector_all(
        f"#calc-{calc_id} [data-calc-answer] .calc-totals dd",
        "dds => Object.fromEntries(dds.map(d => [d.dataset.key, d.textContent]))",
    )


def units_of(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(r["code"]), str(r["units"])) for r in rows]


def clean(v: Visit) -> None:
    assert v.errors == [], f"console errors: {v.errors}"
    assert v.outside == [], f"requests that left 127.0.0.1: {v.outside}"


def test_work_hardening_240_minutes(visit: Visit) -> None:
    pair = case("units_work_hardening_240_minutes")
    minutes = str(pair["request"]["services"][0]["minutes"])
    visit.open("codes/97546/")
    fill(visit, "units", {"min": minutes})
    assert units_of(table_rows(visit, "units")) == units_of(pair["answer"]["lines"])
    assert units_of(table_rows(visit, "units")) == [("97545", "1"), ("97546", "2")]
    clean(visit)


def test_visit_33_and_7_minutes_medicare_method(visit: Visit) -> None:
    pair = case("units_cms_33_and_7_minutes")
    request = pair["request"]
    values = {"method": request["method"]}
    for i, service in enumerate(request["services"]):
        values[f"c{i}"], values[f"m{i}"] = service["code"], str(service["minutes"])
    visit.open("visit/")
    fill(visit, "visit", values)
    assert units_of(table_rows(visit, "visit")) == units_of(pair["answer"]["lines"])
    assert units_of(table_rows(visit, "visit")) == [("97110", "2"), ("97140", "1")]
    clean(visit)


def test_fee_at_a_locality_matches_cpython_to_the_cent(visit: Visit) -> None:
    pair = case("fee_97110_x2_alabama_2025")
    request, expected = pair["request"], pair["answer"]
    line = request["lines"][0]
    visit.open(f"codes/{line['code']}/")
    fill(
        visit,
        "fee",
        {
            "year": str(request["year"]),
            "loc": request["locality"],
            "set": request["setting"],
            "u": str(line["units"]),
        },
    )
    shown = table_rows(visit, "fee")
    assert [r["allowed"] for r in shown] == [f"${ln['allowed']}" for ln in expected["lines"]]
    money = {k: f"${v}" for k, v in expected["totals"].items()}
    assert totals(visit, "fee") == money
    # and the recorded answer is still what CPython's calc.handle says today
    assert handle(request)["totals"] == expected["totals"]
    clean(visit)


def test_shared_link_restores_its_calculation(visit: Visit) -> None:
    visit.open("codes/97546/?units.min=300")
    answered(visit, "units")
    assert visit.page.input_value("#calc-units-min") == "300"
    expected = handle({"kind": "units", "method": "cms", "services": [{"code": "97546", "minutes": 300}]})
    assert units_of(table_rows(visit, "units")) == units_of(expected["lines"])
    # the link the page offers is the one that restores it
    fill(visit, "units", {"min": "360"})
    assert "units.min=360" in visit.page.url
    clean(visit)


def test_malformed_link_shows_defaults_and_names_what_was_ignored(visit: Visit) -> None:
    page = visit.open("codes/97546/?units.min=abc&fee.loc=nowhere&units.nosuchfield=1")
    default_rows = table_rows(visit, "units")
    assert page.input_value("#calc-units-min") == page.get_attribute("#calc-units-min", "data-default")
    assert page.input_value("#calc-fee-loc") == page.get_attribute("#calc-fee-loc", "data-default")
    units_notice = page.text_content("#calc-units [data-calc-notice]") or ""
    assert "units.min" in units_notice and "units.nosuchfield" in units_notice
    assert "fee.loc" in (page.text_content("#calc-fee [data-calc-notice]") or "")
    assert table_rows(visit, "units") == default_rows
    clean(visit)


def test_crafted_link_runs_no_script(visit: Visit) -> None:
    dialogs: list[str] = []
    visit.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    scripts = visit.open("codes/97546/").eval_on_selector_all("script", "els => els.length")
    page = visit.open(f"codes/97546/?units.min={payload}&units.{payload}=1&fee.zip={payload}&fee._by=zip")
    page.focus("#calc-units-min")
    visit.wait_ready()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.eval_on_selector_all("img[src='x']", "els => els.length") == 0
    assert page.eval_on_selector_all("script", "els => els.length") == scripts
    assert "<img" in (page.text_content("#calc-units [data-calc-notice]") or "")  # shown as text
    assert visit.outside == []


def findings(v: Visit) -> list[dict[str, str]]:
    return [{k: r[k] for k in ("severity", "code", "message")} for r in table_rows(v, "check")]


def check_form_values(request: dict[str, Any]) -> dict[str, str]:
    """The claim-check form's inputs for a "check" request (rows numbered per group)."""
    values = {"method": request["method"], "payer": request["payer"]["type"]}
    for i, line in enumerate(request["lines"]):
        values.update({f"l{i}c": line["code"], f"l{i}u": str(line["units"]), f"l{i}m": line["modifiers"][0]})
    for i, service in enumerate(request["services"]):
        values.update({f"s{i}c": service["code"], f"s{i}m": str(service["minutes"])})
    ((code, units),) = request["authorized_units"].items()
    return {**values, "acode": code, "auth": str(units)}


def test_claim_check_answers_as_cpython_and_its_link_restores_it(visit: Visit) -> None:
    pair = case("check_visit_per_code_other_payer")
    expected = [{k: f[k] for k in ("severity", "code", "message")} for f in pair["answer"]["findings"]]
    assert handle(pair["request"]) == pair["answer"]
    visit.open("visit/")
    fill(visit, "check", check_form_values(pair["request"]))
    assert findings(visit) == expected
    status = visit.page.text_content("#calc-check [data-calc-status]") or ""
    assert all(f["message"] in status for f in expected)  # read out by the aria-live status line
    link = visit.page.url
    assert "check.l1u=2" in link and "check.auth=1" in link
    visit.open(link.split(PREFIX_MARK, 1)[1])
    answered(visit, "check")
    assert visit.page.input_value("#calc-check-s1m") == "20"
    assert findings(visit) == expected
    assert (visit.page.text_content("#calc-check [data-calc-notice]") or "") == ""  # nothing ignored
    clean(visit)


def test_claim_check_build_time_answer_flags_the_addon_alone(visit: Visit) -> None:
    visit.page.context.route("**/assets/pyodide/**", lambda route: route.abort())
    visit.open("codes/97546/")
    shown = findings(visit)
    expected = handle(
        {
            "kind": "check",
            "method": "cms",
            "payer": {"type": "medicare"},
            "lines": [{"code": "97546", "units": 2}],
        }
    )["findings"]
    assert shown == [{k: f[k] for k in ("severity", "code", "message")} for f in expected]
    assert shown[0]["code"] == "97546" and "97545" in shown[0]["message"]


def test_pyodide_blocked_leaves_a_usable_page(visit: Visit) -> None:
    visit.page.context.route("**/assets/pyodide/**", lambda route: route.abort())
    page = visit.open("codes/97546/")
    before = units_of(table_rows(visit, "units"))
    assert before == [("97545", "1"), ("97546", "2")]  # the build-time answer is there
    page.fill("#calc-units-min", "300")
    page.wait_for_function("() => window.calcTiming && window.calcTiming.failed", timeout=30_000)
    status = page.text_content("#calc-units [data-calc-status]") or ""
    assert status.count(". ") == 0 and status.endswith(".") and "could not start" in status
    assert units_of(table_rows(visit, "units")) == before
    assert not [e for e in visit.errors if e.startswith("page error")]
    assert visit.outside == []


def test_page_view_without_calculator_use_loads_no_pyodide(visit: Visit) -> None:
    visit.open("")
    visit.page.wait_for_load_state("networkidle")
    visit.open("codes/97546/")
    visit.page.wait_for_load_state("networkidle")
    assert not [u for u in visit.requests if "/assets/pyodide/" in u or "/assets/calc/" in u]
    clean(visit)


AXE_RUN = """context => axe.run(context).then(r => r.violations.map(v =>
    ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"""


def open_calculator_for_axe(visit: Visit) -> Any:
    page = visit.open("codes/97546/")
    fill(visit, "units", {"min": "250"})
    page.click("#calc-units .calc-steps summary")
    fill(visit, "check", {"l1c": "97545", "l1u": "1", "s0c": "97545", "s0m": "250"})
    page.fill("#calc-units-min", "abc")  # an inline error shown too
    page.add_script_tag(path=str(AXE))
    return page


def test_axe_finds_no_violations_in_the_calculators(visit: Visit) -> None:
    page = open_calculator_for_axe(visit)
    result = page.evaluate(AXE_RUN, {"include": [["#calc-units"], ["#calc-fee"], ["#calc-check"]]})
    assert result == [], json.dumps(result, indent=1)
    clean(visit)


def test_axe_finds_no_violations_on_a_code_page_with_the_calculator_open(visit: Visit) -> None:
    page = open_calculator_for_axe(visit)
    result = page.evaluate("() => (" + AXE_RUN + ")(document)")
    assert result == [], json.dumps(result, indent=1)
    clean(visit)


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.json")))
def test_cases_answer_the_same_in_pyodide(visit: Visit, name: str) -> None:
    """Every shared case, sent as is to calc.handle in the page's worker, answers exactly the
    recorded CPython answer."""
    pair = case(name)
    visit.open("visit/")
    visit.page.focus("#calc-visit-m0")
    visit.wait_ready()
    answer = visit.page.evaluate("text => window.calcHandle(text)", json.dumps(pair["request"]))
    assert answer == pair["answer"]
    clean(visit)


def test_a_request_nested_too_deep_answers_an_error_in_the_worker(visit: Visit) -> None:
    """A crafted request text ("[[[[...") must answer an error, not kill Pyodide: the worker
    hands the text to calc.handle_json, which checks the depth before json.loads."""
    visit.open("visit/")
    visit.page.focus("#calc-visit-m0")
    visit.wait_ready()
    answer = visit.page.evaluate("text => window.calcHandle(text)", "[" * 100_000)
    assert answer["ok"] is False and "nested too deeply" in answer["errors"][0]["message"]
    pair = case("units_cms_33_and_7_minutes")
    after = visit.page.evaluate("text => window.calcHandle(text)", json.dumps(pair["request"]))
    assert after == pair["answer"]
    clean(visit)


def snapshot_url(v: Visit) -> str:
    manifest = v.page.evaluate("() => fetch('../../assets/calc/manifest.json').then(r => r.json())")
    assert manifest.get("snapshot"), "the site ships no Pyodide snapshot (Node.js missing at build time?)"
    return v.base_url + "assets/calc/" + manifest["snapshot"]


def start_mode(v: Visit) -> str:
    v.wait_ready()
    return str(v.page.evaluate("() => window.calcTiming.worker.start"))


def test_second_visit_starts_from_the_snapshot_and_answers_as_cpython(visit: Visit) -> None:
    pair = case("fee_97110_x2_alabama_2025")
    visit.open("codes/97546/?units.min=300")
    assert start_mode(visit) == "plain"  # a first visit: nothing cached yet
    visit.page.wait_for_function("() => window.calcTiming.snapshotStored !== undefined", timeout=60_000)
    assert visit.page.evaluate("() => window.calcTiming.snapshotStored") is True
    visit.open("codes/97110/?units.m0=40")
    assert start_mode(visit) == "snapshot"
    answer = visit.page.evaluate("text => window.calcHandle(text)", json.dumps(pair["request"]))
    assert answer == pair["answer"]
    clean(visit)


def test_a_broken_cached_snapshot_falls_back_to_the_plain_start(visit: Visit) -> None:
    pair = case("units_cms_33_and_7_minutes")
    visit.open("codes/97546/")
    url = snapshot_url(visit)
    visit.page.evaluate(
        """url => caches.open('calc-pyodide-snapshot')
        .then(c => c.put(url, new Response(new Uint8Array(4096))))""",
        url,
    )
    visit.open("codes/97546/?units.min=300")
    mode = start_mode(visit)
    assert mode.startswith("plain (snapshot not usable"), mode
    answer = visit.page.evaluate("text => window.calcHandle(text)", json.dumps(pair["request"]))
    assert answer == pair["answer"]
    assert not [e for e in visit.errors if e.startswith("page error")]
    assert visit.outside == []
