"""The JSON seam: shared request/answer cases, every error path, and python -m calc."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import calc
from calc import handle

CASES = sorted((Path(__file__).parent.parent / "cases").glob("*.json"))
ROOT = Path(__file__).resolve().parent.parent.parent


def test_package_exports():
    assert sorted(calc.__all__) == ["__version__", "handle", "handle_json"]
    assert isinstance(calc.__version__, str)


def test_handle_json_is_handle_on_text():
    request = {"kind": "units", "services": [{"code": "97110", "minutes": 33}]}
    assert json.loads(calc.handle_json(json.dumps(request))) == handle(request)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_shared_cases(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    assert handle(case["request"]) == case["answer"]


def test_cases_cover_the_required_requests():
    names = {p.stem for p in CASES}
    assert {
        "units_work_hardening_240_minutes",
        "units_cms_33_and_7_minutes",
        "fee_97110_x2_alabama_2025",
        "fee_97546_status_r_no_price",
        "check_97546_without_97545",
        "visit_example_alabama_2025",
        "visit_kx_crossing_2025",
        "visit_work_hardening_hourly_flat_rate",
    } <= names


FEE = {
    "kind": "fee",
    "year": 2025,
    "locality": "national",
    "setting": "non_facility",
    "lines": [{"code": "97110", "units": 1}],
}


def errors(request):
    answer = handle(request)
    assert answer["ok"] is False and answer["errors"], answer
    assert set(answer) == {"ok", "kind", "errors", "steps", "warnings"}
    for e in answer["errors"]:
        assert set(e) == {"field", "message"} and e["message"].endswith(".")
    return {e["field"]: e["message"] for e in answer["errors"]}


@pytest.mark.parametrize(
    ("request_", "field", "words"),
    [
        ([1, 2], "", "JSON object"),
        ("fee", "", "JSON object"),
        (None, "", "JSON object"),
        ({}, "kind", "kind"),
        ({"kind": "price"}, "kind", "units, fee"),
        ({"kind": 3}, "kind", "kind"),
        ({**FEE, "lines": [{"code": "99999", "units": 1}]}, "lines[0].code", "not in the 2025 fee schedule"),
        ({**FEE, "lines": [{"code": 97110, "units": 1}]}, "lines[0].code", "as text"),
        ({**FEE, "lines": [{"code": "97110", "units": -1}]}, "lines[0].units", "whole number"),
        ({**FEE, "lines": [{"code": "97110", "units": 1.5}]}, "lines[0].units", "whole number"),
        ({**FEE, "lines": [{"code": "97110", "units": "two"}]}, "lines[0].units", "whole number"),
        ({**FEE, "lines": [{"code": "97110", "units": True}]}, "lines[0].units", "whole number"),
        ({**FEE, "lines": [{"code": "97110", "units": 1, "modifiers": 59}]}, "lines[0].modifiers", "list"),
        (
            {**FEE, "lines": [{"code": "97110", "units": 1, "modifiers": ["CQ", "CO"]}]},
            "lines[0].modifiers",
            "not both",
        ),
        (
            {**FEE, "lines": [{"code": "97110", "units": 1, "modifiers": ["26"]}]},
            "lines[0].modifiers",
            "no row",
        ),
        ({**FEE, "lines": []}, "lines", "List"),
        ({**FEE, "lines": ["97110"]}, "lines[0]", "code"),
        ({k: v for k, v in FEE.items() if k != "lines"}, "lines", "List"),
        ({k: v for k, v in FEE.items() if k != "year"}, "year", "year"),
        ({**FEE, "year": 2023}, "year", "available years"),
        ({**FEE, "year": 2024}, "year", "2024"),
        ({**FEE, "year": "twenty"}, "year", "whole number"),
        ({**FEE, "year": 2025.0}, "year", "whole number"),
        ({**FEE, "date_of_service": "03/09/2024"}, "date_of_service", "2025-03-09"),
        ({**FEE, "locality": "99999-99"}, "locality", "not in GPCI2025"),
        ({**FEE, "locality": "Alabama"}, "locality", "10112-00"),
        ({**FEE, "locality": 10112}, "locality", "10112-00"),
        ({**FEE, "setting": "hospital"}, "setting", "facility"),
        ({**FEE, "apm": "yes"}, "apm", "qp"),
        ({**FEE, "payer": {"type": "medicaid"}}, "payer.type", "payer type"),
        ({**FEE, "payer": "medicare"}, "payer.type", "payer type"),
        ({**FEE, "payer": {"type": "percent_of_medicare", "percent": 110.0}}, "payer.percent", "text"),
        ({**FEE, "payer": {"type": "percent_of_medicare"}}, "payer.percent", "text"),
        (
            {**FEE, "payer": {"type": "contract_cf", "conversion_factor": 40.0}},
            "payer.conversion_factor",
            '"40.00"',
        ),
        (
            {**FEE, "payer": {"type": "contract_cf", "conversion_factor": "-40"}},
            "payer.conversion_factor",
            "0 or more",
        ),
        ({**FEE, "payer": {"type": "flat_rate", "rates": {"97110": 75.5}}}, "payer.rates.97110", "text"),
        ({**FEE, "payer": {"type": "flat_rate"}}, "payer.rates", "flat rate"),
        (
            {**FEE, "payer": {"type": "flat_rate", "rates": {"97110": "1"}, "authorized_units": [2]}},
            "payer.authorized_units",
            "per code",
        ),
        (
            {
                **FEE,
                "payer": {"type": "flat_rate", "rates": {"97110": "1"}, "authorized_units": {"97110": -2}},
            },
            "payer.authorized_units.97110",
            "whole number",
        ),
        (
            {k: v for k, v in FEE.items() if k != "locality"} | {"zip": "00000"},
            "zip",
            "not in the CMS ZIP file",
        ),
        ({k: v for k, v in FEE.items() if k != "locality"} | {"zip": 35201}, "zip", "5-digit"),
        (
            {"kind": "units", "services": [{"code": "97110", "minutes": -1}]},
            "services[0].minutes",
            "negative",
        ),
        (
            {"kind": "units", "services": [{"code": "97110", "minutes": "abc"}]},
            "services[0].minutes",
            "whole number",
        ),
        (
            {"kind": "units", "services": [{"code": "97110", "minutes": 33.5}]},
            "services[0].minutes",
            "whole number",
        ),
        (
            {"kind": "units", "services": [{"code": "12345", "minutes": 10}]},
            "services[0].code",
            "No unit rule",
        ),
        (
            {"kind": "units", "method": "x", "services": [{"code": "97110", "minutes": 10}]},
            "method",
            "method",
        ),
        ({"kind": "units"}, "services", "services"),
        ({"kind": "localities", "year": 2019}, "year", "available years"),
        ({"kind": "localities"}, "year", "year"),
        ({"kind": "zip", "zip": "3520"}, "zip", "5-digit"),
        ({"kind": "zip", "zip": "35201", "year": 2026}, "year", "national amounts only"),
        ({"kind": "check", "lines": "97110"}, "lines", "List"),
        (
            {"kind": "check", "lines": [{"code": "97110", "units": 1}], "authorized_units": {"97110": "x"}},
            "authorized_units.97110",
            "whole number",
        ),
    ],
)
def test_error_paths(request_, field, words):
    found = errors(request_)
    assert field in found, found
    assert words.lower() in found[field].lower(), found[field]


def test_several_problems_reported_at_once():
    found = errors({**FEE, "setting": "x", "lines": [{"code": "99999", "units": 0}]})
    assert {"setting", "lines[0].code", "lines[0].units"} <= set(found)


def test_kind_is_echoed_on_errors():
    assert handle({**FEE, "year": 2019})["kind"] == "fee"
    assert handle({"kind": "bogus"})["kind"] is None


def test_unexpected_failure_never_crosses(monkeypatch):
    import calc.fees

    def boom(request):
        raise RuntimeError("internal")

    monkeypatch.setattr(calc.api, "price_request", boom)
    answer = handle(FEE)
    assert answer["ok"] is False and "could not answer" in answer["errors"][0]["message"]


def test_localities_list():
    answer = handle({"kind": "localities", "year": 2025})
    assert answer["ok"] and answer["release"]["gpci"] == "GPCI2025"
    ids = [loc["id"] for loc in answer["localities"]]
    assert ids[0] == "national" and len(ids) == 110 and "01112-05" in ids
    assert set(answer["localities"][1]) == {"id", "name", "state"}


def test_localities_2026_national_only():
    answer = handle({"kind": "localities", "year": 2026})
    assert [loc["id"] for loc in answer["localities"]] == ["national"] and answer["warnings"]


def test_zip_answer():
    answer = handle({"kind": "zip", "zip": "94103", "year": 2025})
    assert answer["ok"] and answer["locality"]["id"] == "01112-05"
    assert handle({"kind": "zip", "zip": "35958"})["warnings"]  # split by ZIP+4


def test_answers_are_json():
    for request in (
        FEE,
        {"kind": "localities", "year": 2025},
        {"kind": "check", "lines": [{"code": "97546", "units": 1}]},
    ):
        answer = handle(request)
        assert json.loads(json.dumps(answer)) == answer


@pytest.mark.skipif(sys.platform == "emscripten", reason="no subprocess inside Pyodide")
def test_python_dash_m_calc_from_the_repository_root():
    done = subprocess.run(
        [sys.executable, "-m", "calc"],
        input=json.dumps(FEE),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["lines"][0]["allowed"] == "28.79"
    bad = subprocess.run(
        [sys.executable, "-m", "calc"],
        input="{not json",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert bad.returncode == 1 and json.loads(bad.stdout)["ok"] is False
