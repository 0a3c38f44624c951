"""The "history" and "changes" kinds answer the figures the "fee" kind answers, release by release."""

from __future__ import annotations

import pytest

from calc import handle

THERAPY_CODES = ("97110", "97112", "97116", "97140", "97161", "97530", "97535", "97545", "97750")


def national(code: str, year: int) -> str | None:
    answer = handle({"kind": "fee", "year": year, "lines": [{"code": code}]})
    assert answer["ok"], answer
    return answer["lines"][0]["allowed"]


def history(code: str) -> dict[int, dict[str, object]]:
    answer = handle({"kind": "history", "code": code})
    assert answer["ok"], answer
    return {row["year"]: row for row in answer["years"]}


@pytest.mark.parametrize("code", ["97110", "97140", "97161", "97546"])
def test_history_is_the_fee_answer_of_every_imported_year(code):
    rows = history(code)
    releases = handle({"kind": "releases"})["years"]
    imported = {r["year"]: r["rvu"] for r in releases}
    assert list(rows) == list(range(min(imported), max(imported) + 1))
    for year, row in rows.items():
        assert row["imported"] is (year in imported)
        if year in imported:
            assert row["amount"] == national(code, year) and row["release"] == imported[year]
        else:
            assert row["amount"] is None and f"No {year} RVU file" in row["note"]


def test_the_2024_conversion_factor_change_is_noted():
    note = history("97110")[2024]["note"]
    assert "32.7442 from 2024-01-01" in note and "33.2875 from 2024-03-09" in note


def test_a_code_without_a_national_amount_says_why():
    row = history("97546")[2025]
    assert row["amount"] is None and row["note"] == "No national amount"


def test_a_code_missing_from_an_old_release_is_said_not_priced():
    added = handle({"kind": "changes", "release": "RVU26C"})["added"]
    code = next(a["code"] for a in added if not a["mod"] and a["status"] == "A")
    row = history(code)[2025]
    assert row["imported"] and row["amount"] is None and code in row["note"]


def test_history_refuses_a_bad_code():
    answer = handle({"kind": "history", "code": 97110})
    assert not answer["ok"] and answer["errors"][0]["field"] == "code"


def test_changes_rvu25d_to_rvu26c_lists_every_therapy_code_whose_national_amount_changed():
    answer = handle({"kind": "changes", "release": "RVU26C"})
    assert answer["ok"] and (answer["from"], answer["to"]) == ("RVU25D", "RVU26C")
    amounts = {
        c["code"]: c["national_amounts"]
        for c in answer["changed"]
        if not c["mod"] and "national_amounts" in c
    }
    moved = [code for code in THERAPY_CODES if national(code, 2025) != national(code, 2026)]
    assert moved, "the 2026 conversion factor moved these amounts"
    for code in THERAPY_CODES:
        if code in moved:
            assert amounts[code]["non_facility"] == [national(code, 2025), national(code, 2026)]
        else:
            assert "non_facility" not in amounts.get(code, {})
    assert answer["counts"]["therapy_amounts"] >= len(moved)


def test_changes_without_a_release_lists_the_reports():
    reports = handle({"kind": "changes"})["reports"]
    assert {"from": "RVU25D", "to": "RVU26C"} in reports


@pytest.mark.parametrize("release", ["RVU22A", "RVU99Z", 26])
def test_changes_of_a_release_without_a_report_is_an_error_naming_those_there_are(release):
    answer = handle({"kind": "changes", "release": release})
    assert not answer["ok"] and answer["errors"][0]["field"] == "release"
    assert "RVU26C" in answer["errors"][0]["message"]
