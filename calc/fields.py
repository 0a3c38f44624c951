"""Request fields: one parser per kind of value, used by every kind of request.

Each parser takes the raw value, the field path to blame (``services[1].minutes``) and the
list of problems found so far; it appends a ``FieldError`` (a message for a billing clerk
that says what to type) and returns a neutral value instead of raising, so one answer lists
every problem of a request at once (``calc.errors.raise_if`` raises them together).

Look-alike input is refused, not folded: a code or modifier is ASCII letters and digits only,
checked before upper-casing (``"ﬀ".upper()`` is ``"FF"``; ``"９７１１０"`` has Unicode digits).

>>> errors = []
>>> parse_code(" g0283 ", "lines[0].code", errors), parse_minutes("4:20", "minutes", errors), errors
('G0283', 260, [])
>>> parse_code("９７１１０", "lines[0].code", errors); errors[0].message
''
'A procedure code is 5 letters or digits (A-Z, 0-9), such as "97110"; \\'９７１１０\\' is not one.'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from calc.errors import FieldError, echo, raise_if
from calc.money import MoneyInputError, parse_decimal
from calc.schedule import NATIONAL, NATIONAL_LOCALITY, Locality, Release, get_release, known_years, lookup_zip

CODE_LENGTH: Final = 5  # HCPCS codes: 5 characters (97110, G0283)
MODIFIER_LENGTH: Final = 2
# ASCII classes written out: \d and str.isdigit() accept Unicode digits, re.I folds 'ﬀ'.
CODE_PATTERN: Final = re.compile(r"[0-9A-Za-z]{5}")
MODIFIER_PATTERN: Final = re.compile(r"[0-9A-Za-z]{2}")
_WHOLE: Final = re.compile(r"[0-9]{1,6}")
_LOCALITY: Final = re.compile(r"[0-9]{5}-[0-9]{2}")
_ZIP: Final = re.compile(r"[0-9]{5}")
# Session lengths as clerks write them: "260", "4:20", "4h20m", "4h", "20m", "4 h 20 min".
_HOURS_MINUTES: Final = re.compile(r"([0-9]{1,2}):([0-5][0-9])")
_H_M: Final = re.compile(r"(?:([0-9]{1,2}) ?h(?:ours?|rs?)?)? ?(?:([0-9]{1,4}) ?m(?:in(?:utes?)?)?)?")

MINUTES_IN_A_DAY: Final = 24 * 60
MAX_UNITS: Final = 999

Setting = Literal["facility", "non_facility"]
Method = Literal["cms", "ama"]
SETTINGS: Final = ("non_facility", "facility")
METHODS: Final = ("cms", "ama")
APM_STATUSES: Final = ("non_qp", "qp")


def parse_code(raw: object, field: str, errors: list[FieldError]) -> str:
    """A procedure code: text of 5 ASCII letters or digits, upper-cased; ``""`` with an
    error otherwise (a number is refused: it would lose a code's leading zeros).

    >>> errors = []
    >>> parse_code(97110, "code", errors), parse_code("ﬀ110", "code", errors), len(errors)
    ('', '', 2)
    """
    if not isinstance(raw, str) or not raw.strip():
        errors.append(FieldError(field, 'Enter the procedure code as text, such as "97110".'))
        return ""
    text = raw.strip()
    if not CODE_PATTERN.fullmatch(text):
        errors.append(
            FieldError(
                field,
                f"A procedure code is {CODE_LENGTH} letters or digits (A-Z, 0-9), such as "
                f'"97110"; {echo(raw)} is not one.',
            )
        )
        return ""
    return text.upper()


def parse_modifier_text(raw: object) -> str:
    """One modifier's text (two ASCII letters or digits, upper-cased), or ``""``.

    >>> parse_modifier_text(" gp "), parse_modifier_text("Ｇ1"), parse_modifier_text(59)
    ('GP', '', '59')
    """
    if isinstance(raw, int) and not isinstance(raw, bool) and 10 <= raw <= 99:
        raw = str(raw)
    text = raw.strip() if isinstance(raw, str) else ""
    return text.upper() if MODIFIER_PATTERN.fullmatch(text) else ""


def parse_whole(raw: object, field: str, what: str, errors: list[FieldError], low: int, high: int) -> int:
    """A whole number (or ASCII digit text) between ``low`` and ``high``; else an error.

    >>> errors = []
    >>> parse_whole("2", "lines[0].units", "Units", errors, 1, 999), errors
    (2, [])
    >>> parse_whole(1.5, "lines[0].units", "Units", errors, 1, 999); errors[0].message
    0
    'Units must be a whole number from 1 to 999 (not 1.5).'
    """
    value: object = raw
    if isinstance(raw, str) and _WHOLE.fullmatch(raw.strip()):
        value = int(raw.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        shown = f" (not {echo(raw)})" if raw is not None else ""
        errors.append(FieldError(field, f"{what} must be a whole number from {low} to {high}{shown}."))
        return 0
    return value


def parse_units(raw: object, field: str, errors: list[FieldError], low: int = 1) -> int:
    """Billed units: a whole number from ``low`` (1) to 999."""
    return parse_whole(raw, field, "Units", errors, low, MAX_UNITS)


def parse_minutes(raw: object, field: str, errors: list[FieldError]) -> int:
    """Minutes of one day: a whole number from 0 to 1,440, or hours and minutes as text
    ("4:20", "4h20m", "4 h 20 min"); 0 with an error otherwise.

    >>> errors = []
    >>> [parse_minutes(v, "m", errors) for v in (33, "33", "4:20", "4h20m", "2h", "45 min")], errors
    ([33, 33, 260, 260, 120, 45], [])
    >>> parse_minutes(33.5, "m", errors); errors[0].message
    0
    'Minutes must be a whole number, such as 33 (not 33.5).'
    >>> parse_minutes("4:75", "m", errors); errors[1].message
    0
    "Minutes must be a whole number such as 33, or hours and minutes such as 4:20; '4:75' is not."
    """
    problem = _minutes_problem(raw)
    if problem is not None:
        errors.append(FieldError(field, problem))
        return 0
    value = _minutes_value(raw)
    if value is None:
        errors.append(
            FieldError(
                field,
                "Minutes must be a whole number such as 33, or hours and minutes such as 4:20; "
                f"{echo(raw)} is not.",
            )
        )
        return 0
    if value > MINUTES_IN_A_DAY:
        errors.append(FieldError(field, f"Minutes are for one day: at most {MINUTES_IN_A_DAY:,} (24 hours)."))
        return 0
    return value


def _minutes_problem(raw: object) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return "Enter the minutes of treatment, a whole number such as 33."
    if isinstance(raw, bool):
        return "Minutes must be a whole number such as 33, not true or false."
    if isinstance(raw, float):
        return f"Minutes must be a whole number, such as 33 (not {echo(raw)})."
    if (isinstance(raw, int) and raw < 0) or (isinstance(raw, str) and raw.strip().startswith("-")):
        return "Minutes cannot be negative."
    if not isinstance(raw, (int, str)):
        return "Minutes must be a whole number such as 33."
    return None


def _minutes_value(raw: int | str | object) -> int | None:
    """The minutes of an int or a text (None when the text is no length we read)."""
    if isinstance(raw, int):
        return raw if raw <= MINUTES_IN_A_DAY else MINUTES_IN_A_DAY + 1
    text = str(raw).strip().lower()
    if _WHOLE.fullmatch(text):
        return int(text)
    if text.isascii() and text.isdigit():  # more than 6 digits: too long for a day
        return MINUTES_IN_A_DAY + 1
    clock = _HOURS_MINUTES.fullmatch(text)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    parts = _H_M.fullmatch(text)
    if parts and (parts.group(1) or parts.group(2)):
        return int(parts.group(1) or 0) * 60 + int(parts.group(2) or 0)
    return None


def parse_money(raw: object, field: str, what: str, errors: list[FieldError]) -> Decimal | None:
    """An amount, percent or factor as text ("75.00"); None with an error otherwise.

    >>> errors = []
    >>> parse_money("75", "payer.rate", "The rate", errors), parse_money(75.0, "payer.rate", "The rate", errors)
    (Decimal('75'), None)
    >>> errors[0].field
    'payer.rate'
    """
    try:
        return parse_decimal(raw, what)
    except MoneyInputError as exc:
        errors.append(FieldError(field, exc.message))
        return None


def parse_year(
    request: Mapping[str, object],
    errors: list[FieldError],
    allow_date: bool = True,
    default: int | None = None,
) -> tuple[int, date | None]:
    """``year`` or (where allowed) ``date_of_service`` ("2024-03-09"): the year and the date.

    >>> errors = []
    >>> parse_year({"date_of_service": "2024-03-09"}, errors), parse_year({"year": "2025"}, errors)
    ((2024, datetime.date(2024, 3, 9)), (2025, None))
    >>> parse_year({}, errors, default=2025), errors
    ((2025, None), [])
    """
    raw_date = request.get("date_of_service") if allow_date else None
    if raw_date is not None:
        on = _parse_date(raw_date)
        if on is None:
            errors.append(
                FieldError("date_of_service", 'Give the date of service as text such as "2025-03-09".')
            )
            return 0, None
        return on.year, on
    if "year" not in request and default is not None:
        return default, None
    if "year" not in request:
        errors.append(FieldError("year", 'Give the year of service, such as 2025 (or "date_of_service").'))
        return 0, None
    return parse_whole(request["year"], "year", "The year", errors, 1990, 2100), None


def _parse_date(raw: object) -> date | None:
    text = raw.strip() if isinstance(raw, str) else ""
    if not (len(text) == 10 and text.isascii()):  # fromisoformat accepts other forms in 3.11+
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_zip(raw: object, errors: list[FieldError], field: str = "zip") -> str:
    """A 5-digit ZIP code as text.

    >>> errors = []
    >>> parse_zip(" 35201 ", errors), parse_zip(35201, errors), len(errors)
    ('35201', '', 1)
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not _ZIP.fullmatch(text):
        errors.append(FieldError(field, 'Give a 5-digit ZIP code as text, such as "35201".'))
        return ""
    return text


def parse_locality_id(raw: object, errors: list[FieldError]) -> str:
    """``"national"`` or a MAC-locality id such as ``"10112-00"``.

    >>> errors = []
    >>> parse_locality_id("National", errors), parse_locality_id("10112-00", errors), errors
    ('national', '10112-00', [])
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if text.lower() == NATIONAL:
        return NATIONAL
    if not _LOCALITY.fullmatch(text):
        errors.append(
            FieldError(
                "locality", 'The locality is "national" or a MAC and locality number such as "10112-00".'
            )
        )
    return text


def parse_setting(raw: object, errors: list[FieldError]) -> Setting:
    """``"non_facility"`` (office, clinic) or ``"facility"`` (callers pass the default).

    >>> errors = []
    >>> parse_setting("facility", errors), parse_setting(None, errors), len(errors)
    ('facility', 'non_facility', 1)
    """
    if raw not in SETTINGS:
        errors.append(
            FieldError(
                "setting", 'The setting is "non_facility" (office, clinic) or "facility" (hospital, SNF).'
            )
        )
    return "facility" if raw == "facility" else "non_facility"


def parse_method(raw: object, errors: list[FieldError]) -> Method:
    """The units counting method: ``"cms"`` or ``"ama"`` (callers pass the default, "cms").

    >>> errors = []
    >>> parse_method("ama", errors), parse_method(None, errors), len(errors)
    ('ama', 'cms', 1)
    """
    if raw not in METHODS:
        errors.append(
            FieldError(
                "method",
                'Choose the counting method: "cms" (Medicare total time) '
                'or "ama" (each code on its own, CPT midpoint rule).',
            )
        )
    return "ama" if raw == "ama" else "cms"


def parse_apm(raw: object, errors: list[FieldError]) -> str:
    """APM status: ``"non_qp"`` or ``"qp"`` (callers pass the default, "non_qp").

    >>> errors = []
    >>> parse_apm("qp", errors), parse_apm(None, errors), len(errors)
    ('qp', 'non_qp', 1)
    """
    if raw not in APM_STATUSES:
        errors.append(
            FieldError("apm", 'APM status is "non_qp" (default) or "qp" (qualifying APM participant).')
        )
        return "non_qp"
    return str(raw)


def find_release(year: int, field: str, errors: list[FieldError]) -> Release | None:
    """The fee-schedule release of ``year``, or None with an error naming the years held.

    >>> errors = []
    >>> find_release(2025, "year", errors).rvu, find_release(1999, "date_of_service", errors)
    ('RVU25D', None)
    >>> errors[0].field, errors[0].message.startswith("No fee-schedule (RVU) data for 1999")
    ('date_of_service', True)
    """
    years = known_years()
    if year not in years:
        held = ", ".join(str(y) for y in years)
        errors.append(
            FieldError(field, f"No fee-schedule (RVU) data for {year} is included; available years: {held}.")
        )
        return None
    return get_release(year)


def parse_release(
    request: Mapping[str, object],
    errors: list[FieldError],
    allow_date: bool = True,
    default: int | None = None,
) -> tuple[Release, date | None]:
    """The release for the request's ``year`` (or ``date_of_service``) and that date; raises
    ``InputError`` with every problem found so far when there is none.

    >>> parse_release({"date_of_service": "2025-06-01"}, [])[0].rvu
    'RVU25D'
    """
    year, on = parse_year(request, errors, allow_date=allow_date, default=default)
    raise_if(errors)
    release = find_release(year, "date_of_service" if on else "year", errors)
    raise_if(errors)
    assert release is not None
    return release, on


def parse_locality(request: Mapping[str, object], release: Release, errors: list[FieldError]) -> Locality:
    """The request's ``locality`` (default national), or the locality of its ``zip``.

    >>> parse_locality({"zip": "35201"}, get_release(2025), []).name
    'ALABAMA'
    """
    if "locality" not in request and "zip" in request:
        zip_code = parse_zip(request.get("zip"), errors)
        return release.locality(lookup_zip(zip_code).locality) if zip_code else NATIONAL_LOCALITY
    locality_id = parse_locality_id(request.get("locality", NATIONAL), errors)
    return release.locality(locality_id) if locality_id and not errors else NATIONAL_LOCALITY
