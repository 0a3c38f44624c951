"""Stale data said, not hidden: which CMS release a figure comes from, and when it is behind.

CMS publishes the RVU file quarterly; a release applies from the first day of its quarter
(A January 1, B April 1, C July 1, D October 1; CMS "PFS Relative Value Files" page, as
``calc.schedule`` reads them). Two things can be behind:

* the data against the calendar (kind "freshness", asked by the site build with the day it
  runs): the newest imported release is older than the quarter that day falls in, or the
  newest year with locality adjustments (GPCI file) is older than the newest RVU year;
* a date of service against the release that priced it (``dated``, wrapped around the "fee",
  "check" and "visit" kinds): a date before the release took effect (the year's first
  imported release stands in for an earlier one), or a date in a later quarter than the
  year's newest imported release.

>>> answer = freshness_answer({"today": "2026-12-02"})
>>> answer["newest"]["rvu"], answer["expected"], answer["behind"]
('RVU26C', 'RVU26D', True)
>>> date_warnings(date(2026, 3, 9), "RVU26C")
['The date of service 2026-03-09 is before RVU26C took effect (2026-07-01): no earlier 2026 release is imported here, so these are RVU26C amounts, which may differ from what CMS paid on that date.']
>>> date_warnings(date(2026, 8, 3), "RVU26C")
[]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Final

from calc.errors import FieldError, raise_if
from calc.fields import parse_year
from calc.schedule import Release, known_years, newest_locality_year, releases_of_year

Answer = dict[str, object]
Handler = Callable[[Mapping[str, object]], Answer]

#: The quarterly release letters by quarter (CMS names its RVU files RVU<yy><letter>).
QUARTER_LETTERS: Final = "ABCD"


def quarter_start(on: date) -> date:
    """The first day of the quarter ``on`` falls in: the day a quarterly release applies from.

    >>> quarter_start(date(2026, 12, 2))
    datetime.date(2026, 10, 1)
    """
    return date(on.year, (on.month - 1) // 3 * 3 + 1, 1)


def expected_release(on: date) -> str:
    """The name of CMS's quarterly RVU release in effect on ``on``.

    >>> expected_release(date(2027, 1, 4))
    'RVU27A'
    """
    return f"RVU{on.year % 100:02d}{QUARTER_LETTERS[(on.month - 1) // 3]}"


def newest_release() -> Release:
    """The imported release with the latest effective date."""
    return releases_of_year(max(known_years()))[-1]


def _named(rvu: str, year: int) -> Release | None:
    return next((r for r in releases_of_year(year) if r.rvu == rvu), None)


def date_warnings(on: date, rvu: str) -> list[str]:
    """Warnings for a date of service priced with release ``rvu`` (empty when it is current)."""
    release = _named(rvu, on.year)
    if release is None:
        return []
    if on < release.effective:
        return [
            f"The date of service {on.isoformat()} is before {rvu} took effect ({release.effective.isoformat()}): "
            f"no earlier {on.year} release is imported here, so these are {rvu} amounts, which may differ "
            "from what CMS paid on that date."
        ]
    newest_of_year = releases_of_year(on.year)[-1]
    if release is newest_of_year and quarter_start(on) > release.effective:
        return [
            f"The date of service {on.isoformat()} falls in the quarter from {quarter_start(on).isoformat()}, "
            f"whose CMS release ({expected_release(on)}) is not imported here: these are {rvu} amounts "
            f"(in effect from {release.effective.isoformat()})."
        ]
    return []


def dated(handler: Handler) -> Handler:
    """``handler`` whose successful answers also warn when their date of service is not
    covered by the release that priced it (see ``date_warnings``)."""

    def answer(request: Mapping[str, object]) -> Answer:
        result = handler(request)
        release = result.get("release")
        _, on = parse_year(request, [], default=0)
        if result.get("ok") and on is not None and isinstance(release, dict):
            warnings = result.get("warnings")
            extra = date_warnings(on, str(release.get("rvu")))
            if extra and isinstance(warnings, list):
                result["warnings"] = [*warnings, *extra]
        return result

    return answer


def freshness_answer(request: Mapping[str, object]) -> Answer:
    """The "freshness" kind (DESIGN.md): how the data stands against ``today`` ("YYYY-MM-DD")."""
    errors: list[FieldError] = []
    _, today = parse_year({"date_of_service": request.get("today")}, errors)
    if errors:
        errors = [FieldError("today", 'Give the day as text such as "2026-12-02".')]
    raise_if(errors)
    assert today is not None
    newest = newest_release()
    behind = newest.effective < quarter_start(today)
    locality_year = newest_locality_year()
    return {
        "ok": True,
        "kind": "freshness",
        "today": today.isoformat(),
        "newest": {"rvu": newest.rvu, "released": newest.released, "effective": newest.effective.isoformat()},
        "expected": expected_release(today),
        "behind": behind,
        "notice": _notice(today, newest) if behind else None,
        "locality_year": locality_year,
        "locality_notice": _locality_notice(locality_year, newest.year),
        "steps": [],
        "warnings": [],
    }


def _notice(today: date, newest: Release) -> str:
    data = (
        f"the newest fee-schedule release here is {newest.rvu} (published {newest.released}, "
        f"in effect from {newest.effective.isoformat()})"
    )
    if newest.year < today.year:
        return (
            f"As of {today.isoformat()}, {data}: no {today.year} RVU file is imported, so no "
            f"{today.year} amount is shown; the figures are {newest.year}'s."
        )
    return (
        f"As of {today.isoformat()}, {data}: CMS's release for the quarter from "
        f"{quarter_start(today).isoformat()} ({expected_release(today)}) is not imported yet, so "
        "amounts for dates of service since then may differ."
    )


def _locality_notice(locality_year: int, newest_year: int) -> str | None:
    if locality_year >= newest_year:
        return None
    return (
        f"Amounts for a locality use {locality_year}: CMS's {newest_year} locality adjustments (the "
        f"GPCI file) are not imported, so {newest_year} is priced at the national level only."
    )
