"""Payment history: a code's national non-facility amount for every year from the oldest
imported release to the newest, with the years not imported said as such.

Each imported year is priced by the "fee" kind itself (one unit, national, non-facility, the
year's newest release and its conversion factor), so the history shows the same figure a fee
request answers and no rule is repeated here. A year whose conversion factor changed during
the year (2024: 32.7442, then 33.2875 from March 9 under the Consolidated Appropriations Act,
2024) carries a note naming the change, imported or not.

>>> years = history_answer({"code": "97110"})["years"]
>>> [(y["year"], y["imported"], y["amount"]) for y in years]
[(2022, True, '30.11'), (2023, False, None), (2024, False, None), (2025, True, '28.79'), (2026, True, '29.06')]
>>> next(y["note"] for y in years if y["year"] == 2024)
'No 2024 RVU file is imported. The conversion factor changed during 2024: 32.7442 from 2024-01-01, 33.2875 from 2024-03-09.'
"""

from __future__ import annotations

from collections.abc import Mapping

from calc.claim import parse_fee_request
from calc.errors import CalcError, FieldError, raise_if
from calc.fees import price_request
from calc.fields import parse_code
from calc.lookups import conversion_factor_periods
from calc.schedule import get_release, known_years

Answer = dict[str, object]


def history_answer(request: Mapping[str, object]) -> Answer:
    """The "history" kind (DESIGN.md): one row per calendar year, oldest first."""
    errors: list[FieldError] = []
    code = parse_code(request.get("code"), "code", errors)
    raise_if(errors)
    held = known_years()
    years = [_year_row(code, year, year in held) for year in range(min(held), max(held) + 1)]
    return {
        "ok": True,
        "kind": "history",
        "code": code,
        "locality": "national",
        "setting": "non_facility",
        "years": years,
        "steps": [],
        "warnings": [],
    }


def _year_row(code: str, year: int, imported: bool) -> dict[str, object]:
    change = _cf_change(year)
    if not imported:
        return {
            "year": year,
            "imported": False,
            "release": None,
            "conversion_factor": None,
            "amount": None,
            "note": _words(f"No {year} RVU file is imported.", change),
        }
    release = get_release(year)
    try:
        fee = price_request(parse_fee_request({"year": year, "lines": [{"code": code}]}))
    except CalcError as exc:  # the code is not in that year's file (added or deleted since)
        return _row(year, release.rvu, None, None, _words(exc.message, change))
    lines = fee["lines"]
    assert isinstance(lines, list)
    line = lines[0]
    label = line.get("reason_label")
    note = _words(label if isinstance(label, str) else None, change)
    return _row(year, release.rvu, str(fee["conversion_factor"]), line.get("allowed"), note)


def _words(*parts: str | None) -> str | None:
    """The given sentences as one text, or None when there are none."""
    return " ".join(p for p in parts if p) or None


def _row(year: int, rvu: str, cf: str | None, amount: object, note: str | None) -> dict[str, object]:
    return {
        "year": year,
        "imported": True,
        "release": rvu,
        "conversion_factor": cf,
        "amount": amount,
        "note": note,
    }


def _cf_change(year: int) -> str | None:
    """Words for a conversion factor that changed during ``year`` (periods for every APM status)."""
    periods = [p for p in conversion_factor_periods() if p["year"] == year and p["apm"] == "any"]
    if len(periods) < 2:
        return None
    steps = ", ".join(f"{p['value']} from {p['from']}" for p in sorted(periods, key=lambda p: str(p["from"])))
    return f"The conversion factor changed during {year}: {steps}."
