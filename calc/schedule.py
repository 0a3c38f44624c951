"""The compiled fee-schedule data: releases, RVU rows, localities, ZIP codes, conversion factors,
and the practitioner MUE and NCCI PTP edit tables when they were imported.

Files under ``calc/data`` are written by ``tools/import_cms.py`` (see ``calc.importer``) and
read here through ``importlib.resources``, so the same code works from the repository, from
an installed wheel and inside Pyodide. Each file is read on first use and kept (one release
is parsed only when a request needs it).

Several releases of one year may be kept; a date of service picks the newest release in
effect on that day (a quarterly release applies from the first day of its quarter: A January 1,
B April 1, C July 1, D October 1; CMS "PFS Relative Value Files" page). A year alone picks the
year's newest release.

>>> release = get_release(2025)
>>> release.rvu, release.released, release.gpci
('RVU25D', '2025-09-11', 'GPCI2025')
>>> row = release.row("97110")
>>> (row.status, row.work, row.pe_non_facility, row.mp, row.mult_proc)
('A', Decimal('0.45'), Decimal('0.43'), Decimal('0.01'), '5')
>>> release.locality("10112-00").name
'ALABAMA'
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Final

from calc.errors import CalcError

NATIONAL: Final = "national"


class DataError(CalcError, LookupError):
    """A request names data the project does not have (a year, locality, ZIP or code).

    ``field`` is the request field to blame; the message is for a billing clerk.
    """


@dataclass(frozen=True)
class RvuRow:
    """One row of the national RVU file: numbers and indicators, never the descriptor."""

    code: str
    modifier: str
    status: str
    work: Decimal
    pe_non_facility: Decimal
    pe_facility: Decimal
    mp: Decimal
    na_non_facility: bool
    na_facility: bool
    pctc: str
    global_days: str
    mult_proc: str
    conversion_factor: Decimal

    def pe(self, setting: str) -> Decimal:
        """The practice-expense RVU for ``"facility"`` or ``"non_facility"``."""
        return self.pe_facility if setting == "facility" else self.pe_non_facility

    def has_rvus(self) -> bool:
        """True when the file carries any RVU (status R codes are priced only then)."""
        return any((self.work, self.pe_non_facility, self.pe_facility, self.mp))


@dataclass(frozen=True)
class Locality:
    """A Medicare payment locality with its GPCIs; ``national`` has all three equal to 1."""

    id: str
    state: str
    name: str
    work: Decimal
    pe: Decimal
    mp: Decimal

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "state": self.state}


NATIONAL_LOCALITY: Final = Locality(
    NATIONAL, "", "National (all GPCIs 1.000)", Decimal(1), Decimal(1), Decimal(1)
)


_loaded: dict[str, bytes] | None = None


def _read_data(name: str) -> bytes:
    if _loaded is not None:
        return _loaded[name]
    return resources.files("calc").joinpath(f"data/{name}").read_bytes()


def use_data(files: Mapping[str, bytes] | None) -> None:
    """Answer from these files (a calc/data folder as ``calc.importer.build`` makes it) instead
    of the package's own data; ``None`` goes back to the package's data.

    This is how a release imported in memory (in the browser, from a zip the user picked) is
    priced without writing anything.
    """
    global _loaded
    _loaded = None if files is None else dict(files)
    for cached in (_json, _year_release, _release_named, _zip_table, mue_table, _ptp_table):
        cached.cache_clear()


def _read_csv(name: str) -> list[list[str]]:
    raw = _read_data(name)
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    return rows[1:]  # the first row is the header written by the importer


@cache
def _json(name: str) -> dict[str, object]:
    data = json.loads(_read_data(name).decode("utf-8"))
    assert isinstance(data, dict)
    return data


def _index() -> dict[str, dict[str, object]]:
    years = _json("releases.json")["years"]
    assert isinstance(years, dict)
    return years


def _release_entries() -> list[dict[str, object]]:
    """Every imported RVU release, oldest effective date first."""
    listed = _json("releases.json").get("releases")
    if not isinstance(listed, list):  # an index written before several releases a year were kept
        listed = [{**e, "year": int(y), "effective": f"{y}-01-01"} for y, e in _index().items()]
    return sorted(listed, key=lambda e: str(e["effective"]))


def known_years() -> list[int]:
    """Calendar years with RVU data in this build.

    >>> known_years()
    [2022, 2025, 2026]
    """
    return sorted(int(y) for y in _index())


def newest_locality_year() -> int:
    """The newest year whose release came with a GPCI file, so localities and ZIP codes price.

    >>> newest_locality_year()
    2025
    """
    return max(
        int(y) for y, entry in _index().items() if isinstance(entry, dict) and entry.get("gpci") is not None
    )


class Release:
    """One calendar year's RVU release, with its GPCI file when one was imported."""

    def __init__(self, year: int, entry: dict[str, object]) -> None:
        self.year = year
        self.rvu = str(entry["rvu"])
        self.effective = date.fromisoformat(str(entry.get("effective", f"{year}-01-01")))
        self.released = str(entry["released"])
        self.gpci = None if entry.get("gpci") is None else str(entry["gpci"])
        self._rvu_file = str(entry["rvu_file"])
        self._gpci_file = None if entry.get("gpci_file") is None else str(entry["gpci_file"])
        self._rows: dict[tuple[str, str], list[str]] | None = None
        self._localities: dict[str, Locality] | None = None
        self._row_cache: dict[tuple[str, str], RvuRow] = {}
        self._by_global: dict[str, frozenset[str]] = {}

    def as_dict(self) -> dict[str, str | None]:
        return {"rvu": self.rvu, "gpci": self.gpci, "released": self.released}

    def _raw_rows(self) -> dict[tuple[str, str], list[str]]:
        if self._rows is None:
            self._rows = {(r[0], r[1]): r for r in _read_csv(self._rvu_file)}
        return self._rows

    def has_code(self, code: str, modifier: str = "") -> bool:
        return (code, modifier) in self._raw_rows()

    def row(self, code: str, modifier: str = "") -> RvuRow:
        """The row for ``code`` (and a pricing modifier such as 26 or TC); KeyError if absent."""
        key = (code, modifier)
        cached = self._row_cache.get(key)
        if cached is None:
            r = self._raw_rows()[key]
            cached = RvuRow(
                code=r[0],
                modifier=r[1],
                status=r[2],
                work=Decimal(r[3]),
                pe_non_facility=Decimal(r[4]),
                na_non_facility=r[5] == "NA",
                pe_facility=Decimal(r[6]),
                na_facility=r[7] == "NA",
                mp=Decimal(r[8]),
                pctc=r[9],
                global_days=r[10],
                mult_proc=r[11],
                conversion_factor=Decimal(r[16]),
            )
            self._row_cache[key] = cached
        return cached

    def codes_with_global(self, days: str) -> frozenset[str]:
        """Codes whose global period is ``days`` (``"ZZZ"``: add-on codes)."""
        if days not in self._by_global:
            self._by_global[days] = frozenset(r[0] for r in self._raw_rows().values() if r[10] == days)
        return self._by_global[days]

    def localities(self) -> dict[str, Locality]:
        """Every locality of the year's GPCI file by id (empty when none was imported)."""
        if self._localities is None:
            rows = _read_csv(self._gpci_file) if self._gpci_file else []
            self._localities = {
                r[0]: Locality(r[0], r[1], r[2], Decimal(r[3]), Decimal(r[4]), Decimal(r[5])) for r in rows
            }
        return self._localities

    def locality(self, locality_id: str) -> Locality:
        """``national`` or a ``MMMMM-LL`` id; ``DataError`` names what is available instead."""
        if locality_id == NATIONAL:
            return NATIONAL_LOCALITY
        if not self.gpci:
            raise DataError(
                "locality",
                f"For {self.year} this reference has only national amounts: CMS's {self.year} "
                'locality adjustments (the GPCI file) are not loaded yet. Choose "national".',
            )
        found = self.localities().get(locality_id)
        if found is None:
            raise DataError(
                "locality",
                f'Locality {locality_id!r} is not in {self.gpci}. Use "national" or a '
                f'MAC and locality number such as "10112-00" (see the localities list).',
            )
        return found


def get_release(when: int | date) -> Release:
    """The release for a calendar year (its newest) or for a date of service.

    A date picks the newest release of its year in effect that day; a date before the first
    imported release of its year falls back to that first release, the closest CMS figures
    this build has (``Release.effective`` says from when the release applies).

    >>> get_release(2024)
    Traceback (most recent call last):
    ...
    calc.schedule.DataError: No fee-schedule (RVU) data for 2024 is included; available years: 2022, 2025, 2026.
    >>> get_release(date(2026, 8, 3)).rvu, get_release(date(2026, 8, 3)).effective
    ('RVU26C', datetime.date(2026, 7, 1))
    """
    if isinstance(when, date):
        return release_on(when)
    return _year_release(when)


@cache
def _year_release(year: int) -> Release:
    entry = _index().get(str(year))
    if entry is None:
        years = ", ".join(str(y) for y in known_years())
        raise DataError(
            "year", f"No fee-schedule (RVU) data for {year} is included; available years: {years}."
        )
    return _release_named(str(entry["rvu"]))


@cache
def _release_named(name: str) -> Release:
    entry = next(e for e in _release_entries() if e["rvu"] == name)
    return Release(int(str(entry["year"])), entry)


def releases_of_year(year: int) -> list[Release]:
    """Every imported release of a calendar year, oldest first (empty when none).

    >>> [r.rvu for r in releases_of_year(2025)]
    ['RVU25D']
    """
    return [_release_named(str(e["rvu"])) for e in _release_entries() if int(str(e["year"])) == year]


def release_on(on: date) -> Release:
    """The release in effect on a date of service (see ``get_release``).

    >>> release_on(date(2025, 11, 3)).rvu
    'RVU25D'
    """
    of_year = releases_of_year(on.year)
    if not of_year:
        _year_release(on.year)  # raises the message naming the years there are
    in_effect = [r for r in of_year if r.effective <= on]
    return in_effect[-1] if in_effect else of_year[0]


@dataclass(frozen=True)
class ConversionFactor:
    """A conversion factor with the period and APM status it applies to."""

    value: Decimal
    period: str
    apm: str
    source: str


def conversion_factor(when: int | date, on: date | None = None, apm: str = "non_qp") -> ConversionFactor:
    """The CF for a year or a date of service (where the CF changed mid-year) and APM status.

    >>> conversion_factor(2024, date(2024, 3, 8)).value
    Decimal('32.7442')
    >>> conversion_factor(date(2024, 3, 9)).value
    Decimal('33.2875')
    >>> conversion_factor(2026, apm="qp").value
    Decimal('33.5675')
    """
    if isinstance(when, date):
        year, on = when.year, when
    else:
        year = when
    years = _json("conversion_factors.json")["years"]
    assert isinstance(years, dict)
    entry = years.get(str(year))
    if entry is None:
        raise DataError("year", f"No conversion factor for {year} is recorded.")
    periods = [p for p in entry["periods"] if p["apm"] in ("any", apm)]
    if on is None and len(periods) > 1:
        raise DataError(
            "date_of_service",
            f"The {year} conversion factor changed during the year; give the date of service "
            f'("date_of_service": "{year}-03-09") instead of the year.',
        )
    for p in periods:
        if on is None or date.fromisoformat(p["from"]) <= on <= date.fromisoformat(p["to"]):
            period = f"{p['from']} to {p['to']}"
            return ConversionFactor(Decimal(p["cf"]), period, p["apm"], str(entry["source"]))
    raise DataError("date_of_service", f"No {year} conversion factor covers {on}.")  # pragma: no cover


def replacement_code(code: str) -> str | None:
    """The code Medicare uses instead of a status-I code, where the data records one.

    >>> replacement_code("97014")
    'G0283'
    """
    codes = _json("replacement_codes.json")["codes"]
    assert isinstance(codes, dict)
    found = codes.get(code)
    return None if found is None else str(found)


@dataclass(frozen=True)
class ZipEntry:
    """A ZIP code's state, MAC-locality id, rural flag and whether ZIP+4 splits it."""

    zip: str
    state: str
    locality: str
    rural: str
    split_by_plus4: bool


@lru_cache(maxsize=1)
def _zip_table() -> dict[str, ZipEntry]:
    info = _json("releases.json")["zip"]
    assert isinstance(info, dict)
    return {r[0]: ZipEntry(r[0], r[1], r[2], r[3], r[4] == "1") for r in _read_csv(str(info["file"]))}


def zip_file_name() -> str:
    info = _json("releases.json")["zip"]
    assert isinstance(info, dict)
    return str(info["name"])


def lookup_zip(zip_code: str) -> ZipEntry:
    """The ZIP5 file's entry for a 5-digit ZIP code, or ``DataError``.

    >>> lookup_zip("35201").locality
    '10112-00'
    """
    found = _zip_table().get(zip_code)
    if found is None:
        raise DataError("zip", f"ZIP code {zip_code} is not in the CMS ZIP file {zip_file_name()}.")
    return found


@dataclass(frozen=True)
class MueLimit:
    """A practitioner MUE: the most units of a code per day (or per line, MAI 1)."""

    code: str
    units: int
    mai: str


@lru_cache(maxsize=1)
def mue_table() -> dict[str, MueLimit]:
    """The imported practitioner MUE table, or ``{}`` when none was imported."""
    info = _json("releases.json").get("mue")
    if not isinstance(info, dict):
        return {}
    return {r[0]: MueLimit(r[0], int(r[1]), r[2]) for r in _read_csv(str(info["file"]))}


@dataclass(frozen=True)
class PtpEdit:
    """A practitioner NCCI procedure-to-procedure edit: a pair of codes billed on one day.

    ``column1`` is paid, ``column2`` denied unless ``modifier`` allows it: ``"0"`` never paid
    together, ``"1"`` paid with an NCCI-associated modifier (59, XE, XS, XP, XU and the others
    CMS lists) where the services were distinct, ``"9"`` no edit applies. ``deletion`` is None
    while the edit stands. ``release`` names the imported PTP table.
    """

    column1: str
    column2: str
    effective: date
    deletion: date | None
    modifier: str
    rationale: str
    release: str

    def applies_on(self, on: date) -> bool:
        """In effect on ``on``: from its effective date through its deletion date, if any."""
        return self.effective <= on and (self.deletion is None or on <= self.deletion)


def _yyyymmdd(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


@lru_cache(maxsize=1)
def _ptp_table() -> dict[str, list[PtpEdit]]:
    """Every edit under both of its codes (an edit is found from either side)."""
    info = _json("releases.json").get("ptp")
    if not isinstance(info, dict):
        return {}
    name = str(info["name"])
    table: dict[str, list[PtpEdit]] = {}
    for r in _read_csv(str(info["file"])):
        edit = PtpEdit(r[0], r[1], _yyyymmdd(r[3]), _yyyymmdd(r[4]) if r[4] else None, r[5], r[6], name)
        table.setdefault(edit.column1, []).append(edit)
        table.setdefault(edit.column2, []).append(edit)
    return table


def edit_release(on: date | None = None) -> str | None:
    """The name of the imported practitioner PTP edit table, or None when no edit file is loaded.

    One table carries every edit with its own effective and deletion dates, so the same
    table answers for any date of service; ``on`` is accepted for the day several are kept.

    >>> edit_release(date(2026, 8, 3)) is None or edit_release().startswith("PTP_PRA_")
    True
    """
    info = _json("releases.json").get("ptp")
    return str(info["name"]) if isinstance(info, dict) else None


def ptp_edit(code_a: str, code_b: str, on: date) -> PtpEdit | None:
    """The edit between two codes on a date of service, in either order; None when there is none.

    An edit with modifier indicator 9 is returned too (it says no edit applies; callers
    decide whether to show it).
    """
    for edit in _ptp_table().get(code_a, ()):
        if {edit.column1, edit.column2} == {code_a, code_b} and edit.applies_on(on):
            return edit
    return None


def ptp_partners(code: str, on: date) -> list[PtpEdit]:
    """Every edit in effect on ``on`` that pairs ``code`` with another code, by the other code."""
    edits = [e for e in _ptp_table().get(code, ()) if e.applies_on(on)]
    return sorted(edits, key=lambda e: (e.column2 if e.column1 == code else e.column1, e.effective))


def change_report(release: str) -> dict[str, object] | None:
    """What changed from the release before ``release`` to it (written by the importer), or None.

    Keys: ``from``, ``to``, ``conversion_factor`` [old, new], ``added`` and ``deleted`` (codes
    with their status and a ``therapy`` flag), and ``changed``: per code the changed
    ``indicators``, ``rvus`` and ``national_amounts`` (non-facility and facility), each as
    [old, new] text.

    >>> report = change_report("RVU26C")
    >>> report["from"], [c["national_amounts"]["non_facility"] for c in report["changed"] if c["code"] == "97110"]
    ('RVU25D', [['28.79', '29.06']])
    """
    entry = next((e for e in _release_entries() if e["rvu"] == release), None)
    if entry is None or not entry.get("changes_file"):
        return None
    data = json.loads(gzip.decompress(_read_data(str(entry["changes_file"]))).decode("utf-8"))
    assert isinstance(data, dict)
    return data
