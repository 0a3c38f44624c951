"""The calculators in a real browser: Debian's Chromium, the built site under a subpath.

The request/answer pairs in tests/cases/ drive these tests and the CPython ones alike: the
browser's answer (calc/ running in Pyodide) must equal the recorded CPython answer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS

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
    """Waits for the live answer (or refusal) to the calculator's newest request: an answer to
    an earlier one (typed while filling the form) may arrive in between."""
    v.page.wait_for_function(
        """id => { const s = document.querySelector('#calc-' + id);
        return s.hasAttribute('data-calc-state') && s.hasAttribute('data-calc-asked')
          && s.getAttribute('data-calc-answered') === s.getAttribute('data-calc-asked'); }""",
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
        f"#calc-{calc_id} [data-calc-answer] table:first-of-type tbody tr",  # the lines, not the findings
        "rows => rows.map(r => Object.fromEntries([...r.cells].map(c => [c.dataset.key, c.textContent])))",
    )


def totals(v: Visit, calc_id: str) -> dict[str, str]:
    return v.page.eval_on_selector_all(
        f"#calc-{calc_id} [data-calc-answer] .calc-totals dd",
        "dds => Object.fromEntries(dds.map(d => [d.dataset.key, d.textContent]))",
    )


def units_of(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(r["code"]), str(r["units"])) for r in rows]


def stale(v: Visit, calc_id: str) -> bool:
    """Whether the calculator marks its answer as not matching the inputs on screen."""
    marked: bool = v.page.eval_on_selector(
        f"#calc-{calc_id} [data-calc-result]", "r => r.hasAttribute('data-stale')"
    )
    label = v.page.locator(f"#calc-{calc_id} [data-calc-stale-label]")
    assert label.is_visible() == marked, "the label shows exactly when the answer is marked"
    return marked


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
    visit.open("codes/97110/")
    fill(visit, "units", {**values, "c2": "", "m2": ""})
    assert units_of(table_rows(visit, "units")) == units_of(pair["answer"]["lines"])
    assert units_of(table_rows(visit, "units")) == [("97110", "2"), ("97140", "1")]
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
    spec = json.loads(visit.page.get_attribute("#calc-fee [data-calc-form]", "data-calc-spec") or "")
    listed = [key for key, _label in spec["totals"]]
    money = {k: f"${v}" for k, v in expected["totals"].items() if k in listed and v is not None}
    assert totals(visit, "fee") == money and "allowed" in money
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


def test_malformed_link_names_what_was_ignored_and_calc_judges_the_rest(visit: Visit) -> None:
    page = visit.open("codes/97546/?units.min=abc&fee.loc=nowhere&units.nosuchfield=1")
    answered(visit, "units")
    # a name the form does not have and a choice the picker does not offer are ignored and named
    assert page.input_value("#calc-fee-loc") == page.get_attribute("#calc-fee-loc", "data-default")
    assert "units.nosuchfield" in (page.text_content("#calc-units [data-calc-notice]") or "")
    assert "fee.loc" in (page.text_content("#calc-fee [data-calc-notice]") or "")
    # text is calc's to judge: restored as typed, refused by calc with its message at the field
    assert page.input_value("#calc-units-min") == "abc"
    refusal = handle({"kind": "units", "method": "cms", "services": [{"code": "97546", "minutes": "abc"}]})
    assert page.text_content("#calc-units-min-error") == refusal["errors"][0]["message"]
    assert stale(visit, "units")  # the build-time answer is for 240 minutes, not for "abc"
    clean(visit)


def test_a_link_with_a_rate_calc_accepts_is_not_refused_by_the_form(visit: Visit) -> None:
    """The form once carried its own money pattern, stricter than calc's: fee.rate=75.5 was
    reported as ignored although calc prices it."""
    page = visit.open("codes/97110/?fee.payer=flat_rate&fee.rate=75.5")
    answered(visit, "fee")
    assert page.input_value("#calc-fee-rate") == "75.5"
    assert (page.text_content("#calc-fee [data-calc-notice]") or "") == ""
    expected = handle(visit.page.evaluate("() => window.calcForms.request('fee')"))
    assert expected["ok"] and totals(visit, "fee")["allowed"] == "$" + expected["totals"]["allowed"]
    assert not stale(visit, "fee")
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
    """The claim-check form's inputs for a "check" request whose lines and services are the
    same codes in the same order (one row a line, its documented minutes beside it)."""
    values = {"method": request["method"], "payer": request["payer"]["type"]}
    services = request["services"]
    assert [s["code"] for s in services] == [line["code"] for line in request["lines"]]
    for i, (line, service) in enumerate(zip(request["lines"], services, strict=True)):
        values.update(
            {
                f"l{i}c": line["code"],
                f"l{i}u": str(line["units"]),
                f"l{i}m": " ".join(line["modifiers"]),
                f"l{i}t": str(service["minutes"]),
            }
        )
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
    assert visit.page.input_value("#calc-check-l1t") == "20"
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
    visit.page.add_init_script("window.calcNoSharedWorker = true")  # routes miss a SharedWorker
    visit.page.context.route("**/assets/pyodide/**", lambda route: route.abort())
    page = visit.open("codes/97546/")
    before = units_of(table_rows(visit, "units"))
    assert before == [("97545", "1"), ("97546", "2")]  # the build-time answer is there
    page.fill("#calc-units-min", "300")
    page.wait_for_timeout(3000)  # no answer can come; how the runtime reports it is test_runtime's
    assert page.get_attribute("#calc-units", "data-calc-state") is None
    assert units_of(table_rows(visit, "units")) == before
    assert stale(visit, "units")  # ... but marked as not matching the 300 minutes typed
    assert not [e for e in visit.errors if e.startswith("page error")]
    assert visit.outside == []


AXE_RUN = """context => axe.run(context).then(r => r.violations.map(v =>
    ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"""


def open_calculator_for_axe(visit: Visit) -> Any:
    page = visit.open("codes/97546/")
    fill(visit, "units", {"min": "250"})
    page.click("#calc-units .calc-steps summary")
    fill(visit, "check", {"l1c": "97545", "l1u": "1", "l1t": "250"})
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
    answer = visit.page.evaluate("text => window.calcHandle(text)", "[" * 60_000)  # under the size limit
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


# ------------------------------------------------------------------ one source for the request

# The answer region as a tree of (tag, class, data-key, children) with text normalised: the
# build-time HTML and the DOM calculator.js builds differ only in whitespace between tags.
ANSWER_TREE = """box => { const walk = n => n.nodeType === 3
    ? (n.textContent.trim() ? n.textContent.replace(/\\s+/g, ' ') : null)
    : [n.tagName, n.className, n.getAttribute('data-key'), [...n.childNodes].map(walk).filter(x => x !== null)];
  return walk(box); }"""
EVERY_CALCULATOR = ["codes/97546/", "codes/97545/", "codes/97110/", "codes/97161/", "visit/"]


@pytest.mark.parametrize("path", EVERY_CALCULATOR)
def test_an_untouched_form_asks_and_shows_what_the_build_asked_and_showed(visit: Visit, path: str) -> None:
    """For every calculator of the page: the request the browser assembles from the untouched
    form is the request the build wrote (data-calc-request) and answered, and calc's live answer
    to it renders exactly as the build-time answer (macros/templates/calculator_result.j2 and
    calculator.js renderAnswer lay out the same answer the same way)."""
    page = visit.open(path)
    ids = page.eval_on_selector_all("[data-calc]", "els => els.map(e => e.dataset.calc)")
    assert len(ids) >= 2
    for calc_id in ids:
        form = f"#calc-{calc_id} [data-calc-form]"
        written = json.loads(page.get_attribute(form, "data-calc-request") or "")
        assert page.evaluate("id => window.calcForms.request(id)", calc_id) == written, calc_id
        assert handle(written)["ok"], calc_id
        build_time = page.eval_on_selector(f"#calc-{calc_id} [data-calc-answer]", ANSWER_TREE)
        assert not stale(visit, calc_id)
        page.evaluate(
            "id => document.querySelector('#calc-' + id).removeAttribute('data-calc-state')", calc_id
        )
        page.click(f"#calc-{calc_id} button[type=submit]")
        answered(visit, calc_id)
        assert page.get_attribute(f"#calc-{calc_id}", "data-calc-state") == "answered"
        assert page.eval_on_selector(f"#calc-{calc_id} [data-calc-answer]", ANSWER_TREE) == build_time, (
            calc_id
        )
        assert not stale(visit, calc_id)
    clean(visit)


def test_claim_lines_take_several_modifiers(visit: Visit) -> None:
    page = visit.open("visit/")
    page.fill("#calc-check-l0m", "GP 59")
    page.fill("#calc-check-l1m", "GP,59")
    request = page.evaluate("() => window.calcForms.request('check')")
    assert [line["modifiers"] for line in request["lines"]] == [["GP", "59"], ["GP", "59"]]
    answered_by_calc = handle(request)
    assert answered_by_calc["ok"], answered_by_calc
    fill(visit, "check", {})
    assert page.get_attribute("#calc-check", "data-calc-state") == "answered"
    assert findings(visit) == [
        {k: f[k] for k in ("severity", "code", "message")} for f in answered_by_calc["findings"]
    ]
    clean(visit)


# ------------------------------------------------------------------ stale answers


def copied_text(v: Visit, calc_id: str) -> str:
    """What a clerk copies when selecting the whole calculator."""
    return str(
        v.page.evaluate(
            """id => { const s = getSelection(); s.removeAllRanges();
            const r = document.createRange(); r.selectNodeContents(document.querySelector('#calc-' + id));
            s.addRange(r); const text = s.toString(); s.removeAllRanges(); return text; }""",
            calc_id,
        )
    )


def test_an_answer_that_does_not_match_the_inputs_is_marked_dimmed_and_not_copied(visit: Visit) -> None:
    visit.page.context.route("**/assets/pyodide/**", lambda route: route.abort())  # never recalculates
    page = visit.open("codes/97110/")
    status = page.text_content("#calc-fee [data-calc-status]") or ""
    assert status.startswith("Example:")  # the build-time answer is labelled as the example
    allowed = totals(visit, "fee")["allowed"]
    assert not stale(visit, "fee") and allowed in copied_text(visit, "fee")
    page.fill("#calc-fee-u", "4")  # the shown amount is for 1 unit
    assert stale(visit, "fee")
    label = page.text_content("#calc-fee [data-calc-stale-label]") or ""
    assert label == "Not updated: does not match the inputs above"
    answer = "#calc-fee [data-calc-answer]"
    assert page.eval_on_selector(answer, "e => getComputedStyle(e).userSelect") == "none"
    dimmed = page.eval_on_selector(
        answer + " dd", "e => [getComputedStyle(e).color, getComputedStyle(e).textDecorationLine]"
    )
    assert dimmed == ["rgb(89, 89, 89)", "line-through"]
    assert allowed not in copied_text(visit, "fee")
    page.emulate_media(media="print")
    assert page.eval_on_selector(answer, "e => getComputedStyle(e).display") == "none"
    page.emulate_media(media="screen")
    page.fill("#calc-fee-u", "1")  # back to the inputs the example answers
    assert not stale(visit, "fee")
    assert not [e for e in visit.errors if e.startswith("page error")]


def test_a_refused_input_leaves_the_old_answer_marked_until_an_answer_matches(visit: Visit) -> None:
    page = visit.open("codes/97546/")
    fill(visit, "units", {"min": "300"})
    assert not stale(visit, "units")
    fill(visit, "units", {"min": "3oo"})
    assert page.get_attribute("#calc-units", "data-calc-state") == "refused"
    assert stale(visit, "units")  # the 300-minute answer is still there, marked
    message = page.text_content("#calc-units-min-error") or ""
    status = page.text_content("#calc-units [data-calc-status]") or ""
    assert message and message not in status  # the field is named once, at the field
    fill(visit, "units", {"min": "360"})
    assert not stale(visit, "units")
    assert units_of(table_rows(visit, "units")) == units_of(
        handle({"kind": "units", "method": "cms", "services": [{"code": "97546", "minutes": 360}]})["lines"]
    )
    clean(visit)


# ------------------------------------------------------------------ the row editor


def row_count(v: Visit, calc_id: str) -> int:
    return int(v.page.eval_on_selector_all(f"#calc-{calc_id} [data-calc-row]", "rows => rows.length"))


def test_rows_are_added_and_removed_with_buttons(visit: Visit) -> None:
    page = visit.open("codes/97110/")
    before = row_count(visit, "units")
    page.click("#calc-units [data-calc-add]")
    assert row_count(visit, "units") == before + 1
    new = f"#calc-units-c{before}"
    assert page.evaluate("() => document.activeElement.id") == new[1:]
    assert page.text_content(f"label[for='{new[1:]}']") == f"Service {before + 1} code"
    fill(visit, "units", {f"c{before}": "97530", f"m{before}": "8"})
    assert ("97530", "1") in units_of(table_rows(visit, "units"))
    page.click("#calc-units [data-calc-row]:nth-of-type(1) [data-calc-remove]")
    assert row_count(visit, "units") == before
    page.wait_for_function("() => document.querySelector('#calc-units-c0').value !== '97110'")
    request = page.evaluate("() => window.calcForms.request('units')")
    assert "97110" not in [s["code"] for s in request["services"]]
    assert page.input_value(f"#calc-units-c{before - 1}") == "97530"  # renumbered in screen order
    page.wait_for_function("() => !location.search.includes('units.c0=97110')")
    assert f"units.c{before - 1}=97530" in page.url
    clean(visit)


def test_rows_are_added_and_removed_with_the_keyboard(visit: Visit) -> None:
    page = visit.open("visit/")
    before = row_count(visit, "check")
    page.focus("#calc-check [data-calc-add]")
    page.keyboard.press("Enter")
    assert row_count(visit, "check") == before + 1
    assert page.evaluate("() => document.activeElement.id") == f"calc-check-l{before}c"
    page.keyboard.type("97530")
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    assert page.evaluate("() => window.calcForms.request('check')")["lines"][-1] == {
        "code": "97530",
        "units": 1,
    }
    page.focus(f"#calc-check-l{before}t")
    page.keyboard.press("Tab")  # the row's Remove button comes after its inputs
    assert (
        page.evaluate("() => document.activeElement.getAttribute('aria-label')")
        == f"Remove line {before + 1}"
    )
    page.keyboard.press("Space")
    assert row_count(visit, "check") == before
    codes = [line["code"] for line in page.evaluate("() => window.calcForms.request('check')")["lines"]]
    assert "97530" not in codes
    # focus moves to the row before (there is none after), not back to the top of the page
    assert page.evaluate("() => document.activeElement.id") == f"calc-check-l{before - 1}c"
    clean(visit)


def test_a_link_restores_rows_beyond_those_shown(visit: Visit) -> None:
    page = visit.open("visit/?visit.c7=97530&visit.m7=8")
    answered(visit, "visit")
    assert row_count(visit, "visit") == 8
    assert page.input_value("#calc-visit-c7") == "97530"
    request = page.evaluate("() => window.calcForms.request('visit')")
    assert request["services"][-1] == {"code": "97530", "minutes": 8}
    assert units_of(table_rows(visit, "visit")) == units_of(handle(request)["lines"])
    assert not stale(visit, "visit")
    clean(visit)


# ------------------------------------------------------------------ the visit estimator


def visit_estimator(v: Visit) -> Any:
    page = v.open("visit/")
    if page.get_attribute("#calc-visit [data-calc-form]", "data-calc-base") != '{"kind":"visit"}':
        pytest.skip(
            'calc has no "visit" kind yet: the visit page shows its units calculator (issue 9 item 1)'
        )
    return page


def test_the_visit_estimate_shows_its_example_without_javascript(
    playwright_session: Any, base_url: str
) -> None:
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page(java_script_enabled=False)
        page.goto(base_url + "visit/")
        request = json.loads(page.get_attribute("#calc-visit [data-calc-form]", "data-calc-request") or "")
        assert request["kind"] == "visit"
        expected = handle(request)
        shown = page.eval_on_selector_all(
            "#calc-visit [data-table=lines] tbody tr",
            "rows => rows.map(r => Object.fromEntries([...r.cells].map(c => [c.dataset.key, c.textContent])))",
        )
        assert [(r["code"], r["units"]) for r in shown] == [
            (str(x["code"]), str(x["units"])) for x in expected["lines"]
        ]
        total = page.text_content("#calc-visit .calc-totals dd[data-key=allowed]")
        assert total == "$" + expected["totals"]["allowed"]
        assert (page.text_content("#calc-visit [data-calc-status]") or "").startswith("Example:")
    finally:
        browser.close()


def test_the_visit_estimate_downloads_calcs_csv(visit: Visit) -> None:
    page = visit_estimator(visit)
    fill(visit, "visit", {"m0": "45"})
    request = page.evaluate("() => window.calcForms.request('visit')")
    href = page.get_attribute("#calc-visit [data-calc-csv]", "href") or ""
    prefix = "data:text/csv;charset=utf-8,"
    assert href.startswith(prefix)
    assert unquote(href[len(prefix) :]) == handle(request)["csv"]
    clean(visit)


def test_the_visit_estimate_prints_on_one_page_with_inputs_answer_release_and_date(visit: Visit) -> None:
    page = visit_estimator(visit)
    fill(visit, "visit", {"m0": "45"})
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    visible = "sel => { const e = document.querySelector(sel); return !!e && e.getClientRects().length > 0; }"
    assert page.evaluate(visible, "#calc-visit [data-calc-answer]")
    assert page.evaluate(visible, "#calc-visit-c0")  # the inputs, as filled in
    assert not page.evaluate(visible, "#calc-check")  # only the estimate
    assert not page.evaluate(visible, "#calc-visit [data-calc-add]")
    assert "RVU" in (page.text_content("#calc-visit .calc-facts") or "")
    assert (page.text_content("#calc-visit [data-calc-printed]") or "").startswith("Printed 20")
    pdf = page.pdf(format="Letter")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the print view takes {pages} pages"
    clean(visit)


def test_the_visit_estimate_rows_follow_the_keyboard_and_the_link(visit: Visit) -> None:
    page = visit_estimator(visit)
    before = row_count(visit, "visit")
    page.focus("#calc-visit [data-calc-add]")
    page.keyboard.press("Enter")
    page.keyboard.type("97112")
    page.keyboard.press("Tab")
    page.keyboard.type("10")
    fill(visit, "visit", {})
    request = page.evaluate("() => window.calcForms.request('visit')")
    assert request["services"][-1] == {"code": "97112", "minutes": 10}
    assert units_of(table_rows(visit, "visit")) == units_of(handle(request)["lines"])
    link = page.url
    assert f"visit.c{before}=97112" in link
    visit.open(link.split(PREFIX_MARK, 1)[1])
    answered(visit, "visit")
    assert row_count(visit, "visit") == before + 1
    assert page.input_value(f"#calc-visit-m{before}") == "10"
    assert not stale(visit, "visit")
    clean(visit)
