"""Kinds "releases" and "units_table": the data the site build asks the seam for."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc import handle
from calc.rules import UntimedRule, default_rules
from calc.schedule import get_release, known_years, newest_locality_year
from calc.units import compute_units

RULES = default_rules()
TABLE_CODES = sorted(c for c, r in RULES.items() if not isinstance(r, UntimedRule))


def test_releases_newest_first_from_the_data() -> None:
    answer = handle({"kind": "releases"})
    assert answer["ok"] is True and answer["kind"] == "releases"
    years = answer["years"]
    assert [y["year"] for y in years] == sorted(known_years(), reverse=True)
    for entry in years:
        release = get_release(entry["year"])
        assert (entry["rvu"], entry["released"], entry["gpci"]) == (
            release.rvu,
            release.released,
            release.gpci,
        )
        assert entry["localities"] is (release.gpci is not None)
    assert answer["newest_year"] == max(known_years())
    assert answer["newest_locality_year"] == newest_locality_year()
    assert answer["zip"]["source"].startswith("ZIP5_")


def test_releases_conversion_factors_have_sources() -> None:
    factors = handle({"kind": "releases"})["conversion_factors"]
    assert {f["year"] for f in factors} >= set(known_years())
    for f in factors:
        assert f["from"] <= f["to"] and f["apm"] in ("any", "qp", "non_qp") and f["source"]
        assert f["value"].count(".") == 1  # text, never a float
    assert [f["year"] for f in factors] == sorted((f["year"] for f in factors), reverse=True)


def rows_of(code: str, last: int, method: str = "cms") -> list[dict[str, object]]:
    answer = handle({"kind": "units_table", "code": code, "method": method, "max_minutes": last})
    assert answer["ok"] is True, answer
    return answer["rows"]


def test_timed_table_by_hand() -> None:
    rows = rows_of("97110", 52)
    assert [(r["from_minutes"], r["to_minutes"], r["lines"]) for r in rows] == [
        (0, 7, [{"code": "97110", "units": 0}]),
        (8, 22, [{"code": "97110", "units": 1}]),
        (23, 37, [{"code": "97110", "units": 2}]),
        (38, 52, [{"code": "97110", "units": 3}]),
    ]
    assert rows[-1]["complete"] is True  # 53 starts the next row
    assert rows_of("97110", 50)[-1]["complete"] is False
    assert all(r["reason"].endswith(".") for r in rows)


def test_hour_block_table_names_both_codes() -> None:
    answer = handle({"kind": "units_table", "code": "97545", "max_minutes": 300})
    assert answer["codes"] == ["97545", "97546"] and answer["rule"] == "hour_block"
    by_start = {r["from_minutes"]: [(x["code"], x["units"]) for x in r["lines"]] for r in answer["rows"]}
    assert by_start == {
        0: [("97545", 0), ("97546", 0)],
        120: [("97545", 1), ("97546", 0)],
        151: [("97545", 1), ("97546", 1)],
        211: [("97545", 1), ("97546", 2)],
        271: [("97545", 1), ("97546", 3)],
    }


def test_untimed_code_has_an_empty_table_with_the_reason() -> None:
    answer = handle({"kind": "units_table", "code": "97161"})
    assert answer["rows"] == [] and answer["rule"] == "untimed" and "untimed" in answer["reason"]


@settings(max_examples=60, deadline=None)
@given(code=st.sampled_from(TABLE_CODES), last=st.integers(1, 600), data=st.data())
def test_table_rows_agree_with_the_units_kind(code: str, last: int, data: st.DataObject) -> None:
    rows = rows_of(code, last)
    assert rows[0]["from_minutes"] == 0 and rows[-1]["to_minutes"] == last
    for before, after in itertools.pairwise(rows):
        assert after["from_minutes"] == before["to_minutes"] + 1
        assert after["lines"] != before["lines"]  # a row is where the billing changes
    minutes = data.draw(st.integers(0, last))
    row = next(r for r in rows if r["from_minutes"] <= minutes <= r["to_minutes"])
    units = compute_units([(code, minutes)], "cms").units_by_code()
    assert {x["code"]: x["units"] for x in row["lines"]} == units


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        ({"kind": "units_table"}, "code"),
        ({"kind": "units_table", "code": "99999"}, "code"),
        ({"kind": "units_table", "code": "９７１１０"}, "code"),
        ({"kind": "units_table", "code": 97110}, "code"),
        ({"kind": "units_table", "code": "97110", "max_minutes": 0}, "max_minutes"),
        ({"kind": "units_table", "code": "97110", "max_minutes": 1441}, "max_minutes"),
        ({"kind": "units_table", "code": "97110", "max_minutes": 60.5}, "max_minutes"),
        ({"kind": "units_table", "code": "97110", "method": "CMS"}, "method"),
        ({"kind": "units_table", "code": ["97110"]}, "code"),
    ],
)
def test_units_table_junk(request_: dict[str, object], field: str) -> None:
    answer = handle(request_)
    assert answer["ok"] is False and answer["kind"] == "units_table"
    assert [e["field"] for e in answer["errors"]] == [field]
