"""Stale data is said: the "freshness" kind against the day the build runs, and a warning on
fee, check and visit answers whose date of service the pricing release does not cover."""

from __future__ import annotations

import pytest

from calc import handle

LINES = [{"code": "97110", "units": 1, "modifiers": ["GP"]}]


def releases() -> dict[str, object]:
    return handle({"kind": "releases"})


def fresh(today: str) -> dict[str, object]:
    answer = handle({"kind": "freshness", "today": today})
    assert answer["ok"], answer
    return answer


def test_the_newest_release_is_named_with_its_effective_date():
    answer = fresh("2026-08-03")
    newest = releases()["years"][0]
    assert answer["newest"]["rvu"] == newest["rvu"] and answer["newest"]["released"] == newest["released"]
    assert answer["behind"] is False and answer["notice"] is None  # RVU26C applies from July 1


def test_a_later_quarter_is_behind_and_the_notice_is_dated_and_names_the_release():
    answer = fresh("2026-12-02")
    assert answer["behind"] is True and answer["expected"] == "RVU26D"
    assert answer["notice"].startswith("As of 2026-12-02") and "RVU26C" in answer["notice"]
    assert "RVU26D" in answer["notice"]


def test_a_later_year_says_no_amount_of_that_year_is_shown():
    notice = fresh("2027-01-04")["notice"]
    assert "no 2027 RVU file is imported" in notice and "RVU26C" in notice


def test_locality_notice_when_the_newest_year_is_national_only():
    answer = fresh("2026-08-03")
    years = releases()
    assert answer["locality_year"] == years["newest_locality_year"]
    if years["newest_locality_year"] < years["newest_year"]:
        assert f"{years['newest_year']} is priced at the national level only" in answer["locality_notice"]
    else:
        assert answer["locality_notice"] is None


@pytest.mark.parametrize("today", [None, "Dec 2", "2026-13-01", 20261202])
def test_a_bad_day_is_refused_naming_the_field(today):
    answer = handle({"kind": "freshness", "today": today})
    assert not answer["ok"] and answer["errors"][0]["field"] == "today"


@pytest.mark.parametrize("kind", ["fee", "check"])
def test_a_date_before_the_release_took_effect_is_warned(kind):
    answer = handle({"kind": kind, "date_of_service": "2026-03-09", "lines": LINES})
    assert answer["ok"] and answer["release"]["rvu"] == "RVU26C"
    assert any("before RVU26C took effect (2026-07-01)" in w for w in answer["warnings"])
    later = handle({"kind": kind, "date_of_service": "2026-07-01", "lines": LINES})
    assert not any("RVU26C" in w for w in later["warnings"])


def test_a_date_in_a_quarter_whose_release_is_not_imported_is_warned():
    answer = handle({"kind": "fee", "date_of_service": "2026-11-02", "lines": LINES})
    assert any("RVU26D" in w and "not imported" in w for w in answer["warnings"])


def test_the_visit_answer_carries_the_warning_and_a_year_alone_does_not():
    services = [{"code": "97110", "minutes": 30, "modifiers": ["GP"]}]
    visit = handle({"kind": "visit", "date_of_service": "2026-03-09", "services": services})
    assert any("before RVU26C took effect" in w for w in visit["warnings"])
    by_year = handle({"kind": "visit", "year": 2026, "services": services})
    assert not any("took effect" in w for w in by_year["warnings"])
