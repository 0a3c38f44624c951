"""The data kinds of the seam: what the pages and pickers look up rather than compute.

* ``releases``: the fee-schedule releases held (newest first), the newest year and the newest
  year with localities, the ZIP file and every conversion factor with its source; the site
  build reads these instead of importing ``calc.schedule``.
* ``localities``: a year's localities for a picker; ``zip``: a ZIP code's locality.

>>> answer = releases_answer({})
>>> answer["years"][0]["year"] == answer["newest_year"], answer["newest_locality_year"]
(True, 2025)
>>> zip_answer({"zip": "35201"})["locality"]["id"]
'10112-00'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources

from calc.errors import FieldError, InputError
from calc.fields import parse_release, parse_zip
from calc.schedule import (
    NATIONAL,
    get_release,
    known_years,
    lookup_zip,
    newest_locality_year,
    zip_file_name,
)

Answer = dict[str, object]


def releases_answer(request: Mapping[str, object]) -> Answer:
    """The releases held, newest first, with conversion factors (kind "releases").

    >>> [y["localities"] for y in releases_answer({})["years"]]
    [False, True, True]
    >>> releases_answer({})["conversion_factors"][0]["value"]
    '33.4009'
    """
    years = []
    for year in sorted(known_years(), reverse=True):
        release = get_release(year)
        years.append({"year": year, **release.as_dict(), "localities": release.gpci is not None})
    return {
        "ok": True,
        "kind": "releases",
        "years": years,
        "newest_year": max(known_years()),
        "newest_locality_year": newest_locality_year(),
        "zip": {"source": zip_file_name()},
        "conversion_factors": conversion_factor_periods(),
        "steps": [],
        "warnings": [],
    }


def conversion_factor_periods() -> list[dict[str, object]]:
    """Every conversion factor period recorded, newest year first.

    Read from the same data file as ``calc.schedule.conversion_factor`` (which answers one
    date); schedule has no public list of periods yet.

    >>> [(p["year"], p["from"], p["value"]) for p in conversion_factor_periods() if p["year"] == 2024]
    [(2024, '2024-01-01', '32.7442'), (2024, '2024-03-09', '33.2875')]
    """
    raw = resources.files("calc").joinpath("data/conversion_factors.json").read_text(encoding="utf-8")
    years = json.loads(raw)["years"]
    periods = []
    for year in sorted(years, reverse=True):
        for period in years[year]["periods"]:
            periods.append(
                {
                    "year": int(year),
                    "from": period["from"],
                    "to": period["to"],
                    "apm": period["apm"],
                    "value": period["cf"],
                    "source": years[year]["source"],
                }
            )
    return periods


def localities_answer(request: Mapping[str, object]) -> Answer:
    """A year's localities, national first, then by state and name (kind "localities")."""
    errors: list[FieldError] = []
    release, _ = parse_release(request, errors, allow_date=False)
    year = release.year
    warnings = []
    if not release.gpci:
        warnings.append(
            f"For {year} this reference has only national amounts: CMS's {year} locality "
            "adjustments (the GPCI file) are not loaded yet."
        )
    listed = [{"id": NATIONAL, "name": "National (all GPCIs 1.000)", "state": ""}]
    listed += [
        loc.as_dict() for loc in sorted(release.localities().values(), key=lambda x: (x.state, x.name))
    ]
    return {
        "ok": True,
        "kind": "localities",
        "year": year,
        "release": release.as_dict(),
        "localities": listed,
        "steps": [],
        "warnings": warnings,
    }


def zip_answer(request: Mapping[str, object]) -> Answer:
    """A ZIP code's locality in a year with localities (kind "zip")."""
    errors: list[FieldError] = []
    zip_code = parse_zip(request.get("zip"), errors)
    release, _ = parse_release(request, errors, allow_date=False, default=newest_locality_year())
    year = release.year
    if not release.gpci:
        newest = newest_locality_year()
        raise InputError(
            [
                FieldError(
                    "year",
                    f"ZIP codes map to localities only for years with a GPCI file; {year} has national "
                    f"amounts only. Choose {newest} for the ZIP's locality.",
                )
            ]
        )
    entry = lookup_zip(zip_code)
    warnings = []
    if entry.split_by_plus4:
        warnings.append(
            f"ZIP {zip_code} spans more than one locality; CMS assigns some of it by ZIP+4. "
            "This is the locality for the ZIP as a whole."
        )
    return {
        "ok": True,
        "kind": "zip",
        "zip": zip_code,
        "year": year,
        "source": zip_file_name(),
        "locality": release.locality(entry.locality).as_dict(),
        "rural": entry.rural or None,
        "steps": [],
        "warnings": warnings,
    }
