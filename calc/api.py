"""The JSON seam: ``handle(request) -> answer``, for the browser, the build and scripts.

Request and answer shapes are fixed in DESIGN.md ("The JSON seam"). No exception crosses
this function: bad input answers ``{"ok": false, "errors": [{"field", "message"}]}``, and an
unexpected failure answers the same shape with field ``""`` instead of a traceback.

>>> handle({"kind": "units", "services": [{"code": "97110", "minutes": 33}]})["lines"][0]["units"]
2
>>> handle({"kind": "fee", "year": 2025, "locality": "10112-00", "setting": "non_facility",
...         "lines": [{"code": "97110", "units": 2}]})["totals"]["allowed"]
'47.62'
>>> handle([1, 2])["errors"]
[{'field': '', 'message': 'The request must be a JSON object such as {"kind": "units", ...}.'}]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Final

from calc.errors import FieldError, InputError, echo
from calc.fees import FeeLine, FeeRequest, Payer, Setting, price_request
from calc.money import MoneyInputError, parse_decimal
from calc.schedule import (
    NATIONAL,
    DataError,
    Release,
    conversion_factor,
    get_release,
    lookup_zip,
    newest_locality_year,
    zip_file_name,
)

KINDS: Final = ("units", "fee", "check", "localities", "zip")
SETTINGS: Final = ("non_facility", "facility")
PAYER_TYPES: Final = ("medicare", "percent_of_medicare", "contract_cf", "flat_rate")
MAX_UNITS: Final = 999
# Bounds on a request's size, far above any real claim (a CMS-1500 holds 6 lines per page; a
# line takes 4 modifiers), so a malformed request cannot cost the browser seconds.
MAX_LINES: Final = 50
MAX_MODIFIERS: Final = 4
MAX_CODES_PER_TABLE: Final = 50
CODE_LENGTH: Final = 5
_WHOLE: Final = re.compile(r"[0-9]{1,6}")
_MODIFIER: Final = re.compile(r"[0-9A-Z]{2}")
_LOCALITY: Final = re.compile(r"[0-9]{5}-[0-9]{2}")
_ZIP: Final = re.compile(r"[0-9]{5}")

Answer = dict[str, object]


def handle(request: object) -> Answer:
    """Answer one request (a dict decoded from JSON). Never raises."""
    kind = request.get("kind") if isinstance(request, dict) else None
    try:
        if not isinstance(request, dict):
            raise InputError(
                [FieldError("", 'The request must be a JSON object such as {"kind": "units", ...}.')]
            )
        handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            raise InputError(
                [FieldError("kind", f'Say what to compute: "kind" is one of {", ".join(KINDS)}.')]
            )
        return handler(request)
    except InputError as exc:
        return _error_answer(kind, exc.as_list())
    except DataError as exc:
        return _error_answer(kind, [{"field": exc.field, "message": exc.message}])
    except Exception as exc:  # the seam's promise: no exception crosses, whatever the input
        message = f"The calculator could not answer this request ({type(exc).__name__}); please report it."
        return _error_answer(kind, [{"field": "", "message": message}])


def _error_answer(kind: object, errors: list[dict[str, str]]) -> Answer:
    return {
        "ok": False,
        "kind": kind if isinstance(kind, str) and kind in KINDS else None,
        "errors": errors,
        "steps": [],
        "warnings": [],
    }


# --- kinds ---------------------------------------------------------------------------------


def _units(request: dict[str, object]) -> Answer:
    from calc.units import units_from_request

    return units_from_request(request).as_dict()


def _fee(request: dict[str, object]) -> Answer:
    return price_request(parse_fee_request(request))


def _check(request: dict[str, object]) -> Answer:
    from calc.checks import check_request

    return check_request(request)


def _localities(request: dict[str, object]) -> Answer:
    errors: list[FieldError] = []
    year, _ = parse_year(request, errors, allow_date=False)
    _raise(errors)
    release = get_release(year)
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


def _zip(request: dict[str, object]) -> Answer:
    errors: list[FieldError] = []
    zip_code = parse_zip(request.get("zip"), errors)
    year, _ = parse_year(request, errors, allow_date=False, default=newest_locality_year())
    _raise(errors)
    release = get_release(year)
    if not release.gpci:
        raise InputError(
            [
                FieldError(
                    "year",
                    (
                        f"ZIP codes map to localities only for years with a GPCI file; {year} has national "
                        f"amounts only. Choose {newest_locality_year()} for the ZIP's locality."
                    ),
                )
            ]
        )
    entry = lookup_zip(zip_code)
    locality = release.locality(entry.locality)
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
        "locality": locality.as_dict(),
        "rural": entry.rural or None,
        "steps": [],
        "warnings": warnings,
    }


_HANDLERS: Final[dict[str, Callable[[dict[str, object]], Answer]]] = {
    "units": _units,
    "fee": _fee,
    "check": _check,
    "localities": _localities,
    "zip": _zip,
}


# --- field parsing (shared with calc.checks) -----------------------------------------------


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise InputError(errors)


def parse_whole(raw: object, field: str, what: str, errors: list[FieldError], low: int, high: int) -> int:
    """A whole number (or digit text) between ``low`` and ``high``; else an error is added.

    >>> errors = []
    >>> parse_whole("2", "lines[0].units", "Units", errors, 1, 999), errors
    (2, [])
    >>> parse_whole(1.5, "lines[0].units", "Units", errors, 1, 999); errors[0].message
    0
    'Units must be a whole number from 1 to 999 (not 1.5).'
    """
    value: object = raw
    if isinstance(raw, str) and _WHOLE.fullmatch(raw.strip()):  # ASCII digits only
        value = int(raw.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        shown = f" (not {echo(raw)})" if raw is not None else ""
        errors.append(FieldError(field, f"{what} must be a whole number from {low} to {high}{shown}."))
        return 0
    return value


def parse_year(
    request: Mapping[str, object],
    errors: list[FieldError],
    allow_date: bool = True,
    default: int | None = None,
) -> tuple[int, date | None]:
    """``year`` or (for fees) ``date_of_service`` ("2024-03-09")."""
    raw_date = request.get("date_of_service") if allow_date else None
    if raw_date is not None:
        try:
            if not isinstance(raw_date, str):
                raise ValueError
            on = date.fromisoformat(raw_date.strip())
        except ValueError:
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


def parse_zip(raw: object, errors: list[FieldError]) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not _ZIP.fullmatch(text):
        errors.append(FieldError("zip", 'Give a 5-digit ZIP code as text, such as "35201".'))
    return text


def parse_lines(
    raw: object, release: Release | None, errors: list[FieldError], field: str = "lines"
) -> list[FeeLine]:
    """Billed lines ``[{"code", "units", "modifiers"}]``; codes must exist in the release."""
    if not isinstance(raw, list) or not raw:
        errors.append(FieldError(field, 'List the billed lines, such as [{"code": "97110", "units": 2}].'))
        return []
    if len(raw) > MAX_LINES:
        errors.append(
            FieldError(field, f"One request can price at most {MAX_LINES} lines; {len(raw):,} were given.")
        )
        return []
    lines = []
    for i, item in enumerate(raw):
        path = f"{field}[{i}]"
        if not isinstance(item, dict):
            errors.append(FieldError(path, 'Each line needs a "code" and "units".'))
            continue
        code = parse_code(item.get("code"), release, f"{path}.code", errors)
        units = parse_whole(item.get("units", 1), f"{path}.units", "Units", errors, 1, MAX_UNITS)
        modifiers = _parse_modifiers(item.get("modifiers", []), f"{path}.modifiers", errors)
        if code and units and modifiers is not None:
            line = FeeLine(code, units, modifiers)
            if (
                release is not None
                and line.pricing_modifier
                and not release.has_code(code, line.pricing_modifier)
            ):
                errors.append(
                    FieldError(
                        f"{path}.modifiers",
                        f"{release.rvu} has no row for {code} with modifier {line.pricing_modifier}.",
                    )
                )
                continue
            lines.append(line)
    return lines


def parse_code(raw: object, release: Release | None, field: str, errors: list[FieldError]) -> str:
    """A HCPCS code as text; with a release, it must be one of the release's codes."""
    if not isinstance(raw, str) or not raw.strip():
        errors.append(FieldError(field, 'Enter the procedure code as text, such as "97110".'))
        return ""
    code = raw.strip().upper()
    if len(code) != CODE_LENGTH:
        errors.append(
            FieldError(
                field,
                f'A procedure code has {CODE_LENGTH} characters, such as "97110"; {echo(raw)} is not one.',
            )
        )
        return ""
    if release is not None and not release.has_code(code):
        errors.append(
            FieldError(
                field,
                f"Code {code} is not in the {release.year} fee schedule ({release.rvu}); check the code.",
            )
        )
        return ""
    return code


def _parse_modifiers(raw: object, field: str, errors: list[FieldError]) -> tuple[str, ...] | None:
    if (
        not isinstance(raw, list)
        or len(raw) > MAX_MODIFIERS
        or not all(isinstance(m, str) and _MODIFIER.fullmatch(m.strip().upper()) for m in raw)
    ):
        errors.append(
            FieldError(
                field,
                f'Modifiers are a list of up to {MAX_MODIFIERS} two-character texts, such as ["GP", "CQ"].',
            )
        )
        return None
    found = tuple(str(m).strip().upper() for m in raw)
    if "CQ" in found and "CO" in found:
        errors.append(
            FieldError(
                field,
                "Use CQ (physical therapist assistant) or CO (occupational therapy assistant), not both.",
            )
        )
        return None
    return found


def parse_payer(raw: object, errors: list[FieldError]) -> Payer:
    """``{"type": ...}`` with its settings (DESIGN.md); amounts are text, never floats."""
    if raw is None:
        return Payer()
    kind = raw.get("type", "medicare") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or kind not in PAYER_TYPES:
        errors.append(FieldError("payer.type", f"The payer type is one of {', '.join(PAYER_TYPES)}."))
        return Payer()
    try:
        if kind == "percent_of_medicare":
            return Payer(
                "percent_of_medicare", percent=parse_decimal(raw.get("percent"), "The percent of Medicare")
            )
        if kind == "contract_cf":
            return Payer(
                "contract_cf",
                conversion_factor=parse_decimal(
                    raw.get("conversion_factor"), "The contract conversion factor"
                ),
            )
    except MoneyInputError as exc:
        name = "percent" if kind == "percent_of_medicare" else "conversion_factor"
        errors.append(FieldError(f"payer.{name}", str(exc)))
        return Payer()
    if kind == "flat_rate":
        return _parse_flat(raw, errors)
    return Payer()


def _parse_flat(raw: dict[str, object], errors: list[FieldError]) -> Payer:
    rates_raw, auth_raw = raw.get("rates"), raw.get("authorized_units", {})
    rates = {}
    if not isinstance(rates_raw, dict) or not rates_raw:
        errors.append(
            FieldError(
                "payer.rates", 'Give the flat rate per unit of each code, such as {"97545": "150.00"}.'
            )
        )
    elif _too_many(rates_raw, "payer.rates", errors):
        pass
    else:
        for code, value in rates_raw.items():
            key = _table_code(code, "payer.rates", errors)
            if not key:
                continue
            try:
                rates[key] = parse_decimal(value, f"The rate for {key}")
            except MoneyInputError as exc:
                errors.append(FieldError(f"payer.rates.{key}", str(exc)))
    return Payer(
        "flat_rate",
        rates=rates,
        authorized_units=parse_authorized(auth_raw, "payer.authorized_units", errors),
    )


def parse_authorized(raw: object, field: str, errors: list[FieldError]) -> dict[str, int]:
    """``{"97546": 2}``: the units an authorization allows per code."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors.append(FieldError(field, 'Authorized units are given per code, such as {"97546": 2}.'))
        return {}
    if _too_many(raw, field, errors):
        return {}
    found = {}
    for code, n in raw.items():
        key = _table_code(code, field, errors)
        if key:
            found[key] = parse_whole(n, f"{field}.{key}", "Authorized units", errors, 0, MAX_UNITS)
    return found


def _too_many(table: dict[str, object], field: str, errors: list[FieldError]) -> bool:
    """A per-code table (rates, authorized units) longer than any claim needs is refused."""
    if len(table) <= MAX_CODES_PER_TABLE:
        return False
    errors.append(
        FieldError(field, f"Give at most {MAX_CODES_PER_TABLE} codes here; {len(table):,} were given.")
    )
    return True


def _table_code(key: object, field: str, errors: list[FieldError]) -> str:
    """A per-code table's key as a code, or ``""`` with an error when it is not one."""
    text = key.strip().upper() if isinstance(key, str) else ""
    if len(text) != CODE_LENGTH:
        errors.append(
            FieldError(
                field,
                f'Give each entry under a 5-character procedure code, such as "97545"; {echo(key)} is not one.',
            )
        )
        return ""
    return text


def parse_fee_request(request: Mapping[str, object]) -> FeeRequest:
    """Validate a "fee" request into a ``FeeRequest``; ``InputError`` lists every problem.

    >>> parse_fee_request({"date_of_service": "2025-06-01", "zip": "94103",
    ...                    "lines": [{"code": "97110", "units": "2", "modifiers": ["gp"]}]}).lines
    (FeeLine(code='97110', units=2, modifiers=('GP',)),)
    >>> try:
    ...     parse_fee_request({"year": 2025, "setting": "home", "lines": []})
    ... except InputError as exc:
    ...     print([e.field for e in exc.errors])
    ['setting', 'lines']
    """
    errors: list[FieldError] = []
    year, on = parse_year(request, errors)
    _raise(errors)
    try:
        release = get_release(year)
    except DataError as exc:
        raise InputError([FieldError("date_of_service" if on else "year", exc.message)]) from None
    setting = request.get("setting", "non_facility")
    if setting not in SETTINGS:
        errors.append(
            FieldError(
                "setting", 'The setting is "non_facility" (office, clinic) or "facility" (hospital, SNF).'
            )
        )
    apm = request.get("apm", "non_qp")
    if apm not in ("non_qp", "qp"):
        errors.append(
            FieldError("apm", 'APM status is "non_qp" (default) or "qp" (qualifying APM participant).')
        )
    locality_id = _parse_locality_id(request, errors)
    lines = parse_lines(request.get("lines"), release, errors)
    payer = parse_payer(request.get("payer"), errors)
    _raise(errors)
    chosen: Setting = "facility" if setting == "facility" else "non_facility"
    cf = conversion_factor(year, on, str(apm))
    return FeeRequest(year, release.locality(locality_id), chosen, tuple(lines), cf, payer)


def _parse_locality_id(request: Mapping[str, object], errors: list[FieldError]) -> str:
    if "locality" not in request and "zip" in request:
        zip_code = parse_zip(request.get("zip"), errors)
        return lookup_zip(zip_code).locality if zip_code and not errors else NATIONAL
    raw = request.get("locality", NATIONAL)
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
