"""The request parts that the fee, check and visit kinds share: billed lines with their
modifiers, the payer model, authorized units, and the whole "fee" request.

Scalar fields (codes, units, money, years, localities) come from ``calc.fields``; this module
puts them together and checks them against the year's release.

>>> parse_fee_request({"date_of_service": "2025-06-01", "zip": "94103",
...                    "lines": [{"code": "97110", "units": "2", "modifiers": ["gp"]}]}).lines
(FeeLine(code='97110', units=2, modifiers=('GP',)),)
>>> from calc.errors import InputError
>>> try:
...     parse_fee_request({"year": 2025, "setting": "home", "lines": []})
... except InputError as exc:
...     print([e.field for e in exc.errors])
['setting', 'lines']
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from calc.errors import FieldError, echo, raise_if
from calc.fees import FeeLine, FeeRequest, Payer
from calc.fields import (
    parse_apm,
    parse_code,
    parse_locality,
    parse_modifier_text,
    parse_money,
    parse_release,
    parse_setting,
    parse_units,
)
from calc.modifiers import known, known_modifiers
from calc.rules import Timed15Rule, default_rules
from calc.schedule import Release, conversion_factor
from calc.units import MINUTES_PER_UNIT

PAYER_TYPES: Final = ("medicare", "percent_of_medicare", "contract_cf", "flat_rate")
# Bounds on a request's size, far above any real claim (a CMS-1500 holds 6 lines per page; a
# line takes 4 modifiers), so a malformed request cannot cost the browser seconds.
MAX_LINES: Final = 50
MAX_MODIFIERS: Final = 4
MAX_CODES_PER_TABLE: Final = 50


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
        code = code_in_release(item.get("code"), release, f"{path}.code", errors)
        units = parse_units(item.get("units", 1), f"{path}.units", errors)
        modifiers = parse_modifiers(item.get("modifiers", []), f"{path}.modifiers", errors)
        if code and units and modifiers is not None:
            line = FeeLine(code, units, modifiers)
            if _pricing_row_missing(line, release, f"{path}.modifiers", errors):
                continue
            lines.append(line)
    return lines


def _pricing_row_missing(
    line: FeeLine, release: Release | None, field: str, errors: list[FieldError]
) -> bool:
    if release is None or not line.pricing_modifier or release.has_code(line.code, line.pricing_modifier):
        return False
    errors.append(
        FieldError(field, f"{release.rvu} has no row for {line.code} with modifier {line.pricing_modifier}.")
    )
    return True


def code_in_release(raw: object, release: Release | None, field: str, errors: list[FieldError]) -> str:
    """A code (``calc.fields.parse_code``) that the release holds, or ``""`` with an error.

    >>> from calc.schedule import get_release
    >>> errors = []
    >>> code_in_release("97110", get_release(2025), "code", errors), code_in_release("99999", get_release(2025), "code", errors)
    ('97110', '')
    >>> errors[0].message
    'Code 99999 is not in the 2025 fee schedule (RVU25D); check the code.'
    """
    code = parse_code(raw, field, errors)
    if code and release is not None and not release.has_code(code):
        errors.append(
            FieldError(
                field,
                f"Code {code} is not in the {release.year} fee schedule ({release.rvu}); check the code.",
            )
        )
        return ""
    return code


def parse_modifiers(raw: object, field: str, errors: list[FieldError]) -> tuple[str, ...] | None:
    """A line's modifiers: a list of up to 4 two-character texts (or one text "GP 59" or
    "GP,59"), CQ and CO not together.

    >>> parse_modifiers(["gp", "59"], "m", []), parse_modifiers("GP, 59", "m", [])
    (('GP', '59'), ('GP', '59'))
    """
    if isinstance(raw, str):
        raw = [part for part in raw.replace(",", " ").split(" ") if part]
    found = tuple(parse_modifier_text(m) for m in raw) if isinstance(raw, list) else ()
    if not isinstance(raw, list) or len(raw) > MAX_MODIFIERS or not all(found):
        errors.append(
            FieldError(
                field,
                f'Modifiers are a list of up to {MAX_MODIFIERS} two-character texts (letters and digits), such as ["GP", "CQ"].',
            )
        )
        return None
    unknown = [m for m in found if not known(m)]
    if unknown:
        errors.append(
            FieldError(
                field,
                f"Modifier {', '.join(unknown)} is not one this reference knows; use one of "
                f"{', '.join(known_modifiers())}.",
            )
        )
        return None
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
    """``{"type": ...}`` with its settings (DESIGN.md); amounts are text, never floats.

    ``"mppr"`` (true or false) says whether a percent-of-Medicare or contract payer applies
    Medicare's multiple procedure reduction (default true); Medicare always does and a flat
    rate never does, so there it is refused.

    >>> parse_payer({"type": "contract_cf", "conversion_factor": "40.00", "mppr": False}, []).mppr
    False
    """
    if raw is None:
        return Payer()
    kind = raw.get("type", "medicare") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or kind not in PAYER_TYPES:
        errors.append(FieldError("payer.type", f"The payer type is one of {', '.join(PAYER_TYPES)}."))
        return Payer()
    mppr = _parse_mppr(raw, str(kind), errors)
    if kind == "percent_of_medicare":
        percent = parse_money(raw.get("percent"), "payer.percent", "The percent of Medicare", errors)
        return Payer("percent_of_medicare", percent=percent, mppr=mppr)
    if kind == "contract_cf":
        cf = parse_money(
            raw.get("conversion_factor"), "payer.conversion_factor", "The contract conversion factor", errors
        )
        return Payer("contract_cf", conversion_factor=cf, mppr=mppr)
    if kind == "flat_rate":
        return _parse_flat(raw, errors)
    return Payer()


def _parse_mppr(raw: dict[str, object], kind: str, errors: list[FieldError]) -> bool:
    value = raw.get("mppr", kind != "flat_rate")
    if not isinstance(value, bool):
        errors.append(
            FieldError("payer.mppr", 'Say whether the payer applies the reduction: "mppr": true or false.')
        )
        return True
    if kind == "medicare" and not value:
        errors.append(
            FieldError(
                "payer.mppr", "Medicare always applies the therapy multiple procedure reduction (MPPR)."
            )
        )
    if kind == "flat_rate" and value:
        errors.append(
            FieldError(
                "payer.mppr", "A flat rate is paid per unit as agreed: Medicare's reduction does not apply."
            )
        )
    return value


def _parse_flat(raw: dict[str, object], errors: list[FieldError]) -> Payer:
    rates = _rate_table(raw.get("rates"), "payer.rates", "rate", errors)
    hourly = _rate_table(raw.get("hourly_rates"), "payer.hourly_rates", "rate per hour", errors)
    if not rates and not hourly and not any(e.field.startswith("payer.") for e in errors):
        errors.append(
            FieldError(
                "payer.rates",
                'Give the flat rate per unit of each code, such as {"97545": "150.00"}, or its rate '
                'per hour in "hourly_rates", such as {"97545": "75.00"}.',
            )
        )
    hourly, hours = _unit_hours(hourly, errors)
    return Payer(
        "flat_rate",
        rates=rates,
        authorized_units=parse_authorized(raw.get("authorized_units", {}), "payer.authorized_units", errors),
        hourly_rates=hourly,
        unit_hours=hours,
        mppr=False,
    )


def _rate_table(raw: object, field: str, what: str, errors: list[FieldError]) -> dict[str, Decimal]:
    """``{"97545": "75.00"}``: money per code; ``{}`` when absent."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        errors.append(FieldError(field, f'Give the {what} of each code, such as {{"97545": "75.00"}}.'))
        return {}
    if _too_many(raw, field, errors):
        return {}
    found = {}
    for code, value in raw.items():
        key = _table_code(code, field, errors)
        rate = parse_money(value, f"{field}.{key}", f"The {what} for {key}", errors) if key else None
        if rate is not None:
            found[key] = rate
    return found


def _unit_hours(
    hourly: dict[str, Decimal], errors: list[FieldError]
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Each hourly-rated code's unit length in hours, from its unit rule; an hour block's rate
    per hour applies to both of its codes (one session: 97545 and 97546)."""
    rules = default_rules()
    rates, hours = dict(hourly), {}
    for code, rate in hourly.items():
        block = rules.hour_block_for(code) if code in rules else None
        if block is not None:
            rates.setdefault(block.code, rate)
            rates.setdefault(block.addon, rate)
            hours[block.code] = Decimal(block.initial_minutes) / 60
            hours[block.addon] = Decimal(block.addon_minutes) / 60
        elif isinstance(rules.get(code), Timed15Rule):
            hours[code] = Decimal(MINUTES_PER_UNIT) / 60
        else:
            errors.append(
                FieldError(
                    f"payer.hourly_rates.{code}",
                    f"A rate per hour needs a timed code; {code} is not billed by time here, so give its rate per unit.",
                )
            )
    return rates, hours


def parse_authorized(raw: object, field: str, errors: list[FieldError]) -> dict[str, int]:
    """``{"97546": 2}``: the units an authorization allows per code.

    >>> parse_authorized({"97546": "2"}, "authorized_units", [])
    {'97546': 2}
    """
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
            found[key] = parse_units(n, f"{field}.{key}", errors, low=0)
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
    """A per-code table's key as a code, or ``""`` with an error naming the table."""
    found: list[FieldError] = []
    code = parse_code(key, field, found)
    if found:
        errors.append(
            FieldError(
                field, f'Give each entry under a procedure code, such as "97545"; {echo(key)} is not one.'
            )
        )
    return code


def parse_fee_request(request: Mapping[str, object]) -> FeeRequest:
    """Validate a "fee" request into a ``FeeRequest``; ``InputError`` lists every problem."""
    errors: list[FieldError] = []
    release, on = parse_release(request, errors)
    setting = parse_setting(request.get("setting", "non_facility"), errors)
    apm = parse_apm(request.get("apm", "non_qp"), errors)
    lines = parse_lines(request.get("lines"), release, errors)
    payer = parse_payer(request.get("payer"), errors)
    locality = parse_locality(request, release, errors)
    raise_if(errors)
    cf = conversion_factor(release.year, on, apm)
    return FeeRequest(release.year, locality, setting, tuple(lines), cf, payer)
