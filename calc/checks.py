"""Claim checks for one date of service: problems a payer would deny, found before billing.

Rules (each finding names its ``rule``):

* ``addon_without_primary`` (error): an add-on code without its primary the same day. The
  pairs come from the unit-rule data (``hour_block_addon`` names its primary: 97546 needs
  97545); any other code with global period ZZZ (an add-on in the RVU file) billed with no
  other code at all is flagged too.
* ``mue_exceeded`` (error): more units than the practitioner MUE, where an MUE table was
  imported (MAI 1 per line; MAI 2 and 3 per day).
* ``units_not_supported`` (error): more units billed than the documented minutes support under
  the chosen counting method (``calc.units``).
* ``no_medicare_price`` (error, or warning when the MAC may price it): a code without a
  fee-schedule amount billed to Medicare.
* ``units_over_authorization`` (error): more units than the authorization allows.

>>> answer = check_request({"year": 2025, "lines": [{"code": "97546", "units": 2}]})
>>> [(f["severity"], f["rule"], f["code"]) for f in answer["findings"]]
[('error', 'addon_without_primary', '97546'), ('warning', 'no_medicare_price', '97546')]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from calc.claim import parse_authorized, parse_lines, parse_payer
from calc.errors import FieldError, raise_if
from calc.fees import FeeLine
from calc.fields import parse_release
from calc.rules import HourBlockAddonRule, default_rules
from calc.schedule import MueLimit, Release, mue_table, newest_locality_year, replacement_code
from calc.status import is_priced, no_price_reason
from calc.steps import Step
from calc.units import units_from_request

# Status codes where the MAC may still price the service (a warning, not an error).
MAC_MAY_PRICE = frozenset({"R", "C"})


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "rule": self.rule, "code": self.code, "message": self.message}


def check_request(
    request: Mapping[str, object], mue: Mapping[str, MueLimit] | None = None
) -> dict[str, object]:
    """The "check" answer (DESIGN.md). ``mue`` defaults to the imported MUE table, if any."""
    errors: list[FieldError] = []
    release, _ = parse_release(request, errors, default=newest_locality_year())
    year = release.year
    lines = parse_lines(request.get("lines"), release, errors)
    payer = parse_payer(request.get("payer"), errors)
    authorized = parse_authorized(request.get("authorized_units"), "authorized_units", errors)
    raise_if(errors)
    authorized = {**payer.authorized_units, **authorized}
    table = mue_table() if mue is None else mue
    billed = _units_by_code(lines)
    findings = _addon_findings(lines, release)
    findings += _mue_findings(lines, billed, table)
    findings += _minutes_findings(request, billed)
    if payer.type == "medicare":
        findings += _price_findings(lines, release)
    findings += _authorization_findings(billed, authorized)
    steps = [
        Step("Fee-schedule release checked against", {"year": str(year)}, release.rvu),
        Step("MUE table", {}, f"{len(table)} codes" if table else "none imported: MUE check skipped"),
        Step("Findings", {}, str(len(findings))),
    ]
    return {
        "ok": True,
        "kind": "check",
        "year": year,
        "release": release.as_dict(),
        "findings": [f.as_dict() for f in findings],
        "steps": [s.as_dict() for s in steps],
        "warnings": [],
    }


def _units_by_code(lines: list[FeeLine]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.code] = totals.get(line.code, 0) + line.units
    return totals


def _addon_findings(lines: list[FeeLine], release: Release) -> list[Finding]:
    codes = {line.code for line in lines}
    rules = default_rules()
    addons = release.codes_with_global("ZZZ")
    found = []
    for code in sorted(codes):
        rule = rules.get(code)
        if isinstance(rule, HourBlockAddonRule) and rule.primary not in codes:
            found.append(
                Finding(
                    "error",
                    "addon_without_primary",
                    code,
                    f"{code} is an add-on code: bill it only with its primary code {rule.primary} on the same day.",
                )
            )
        elif rule is None and code in addons and codes <= addons:
            found.append(
                Finding(
                    "error",
                    "addon_without_primary",
                    code,
                    f"{code} is an add-on code (global period ZZZ): bill it with its primary procedure on the same day.",
                )
            )
    return found


def count_units(n: int) -> str:
    """Units in words for a message.

    >>> count_units(1), count_units(3)
    ('1 unit', '3 units')
    """
    return f"{n} unit" if n == 1 else f"{n} units"


def _mue_findings(
    lines: list[FeeLine], billed: dict[str, int], table: Mapping[str, MueLimit]
) -> list[Finding]:
    found = []
    for code, units in billed.items():
        limit = table.get(code)
        if limit is None:
            continue
        worst = max(ln.units for ln in lines if ln.code == code) if limit.mai == "1" else units
        if worst > limit.units:
            per = "on one line" if limit.mai == "1" else "on one day"
            found.append(
                Finding(
                    "error",
                    "mue_exceeded",
                    code,
                    f"{code}: {count_units(worst)} {per} is more than Medicare's limit of {limit.units} (MUE); the units over it are denied.",
                )
            )
    return found


def _minutes_findings(request: Mapping[str, object], billed: dict[str, int]) -> list[Finding]:
    if "services" not in request:
        return []
    result = units_from_request({"services": request["services"], "method": request.get("method", "cms")})
    supported = result.units_by_code()
    method = "Medicare total-time (CMS)" if result.method == "cms" else "per-code midpoint (AMA)"
    found = []
    for code, units in billed.items():
        if code in supported and units > supported[code]:
            found.append(
                Finding(
                    "error",
                    "units_not_supported",
                    code,
                    f"{code}: {count_units(units)} billed, but the documented minutes support {supported[code]} under the {method} method.",
                )
            )
        elif code not in supported:
            found.append(
                Finding(
                    "warning",
                    "units_not_supported",
                    code,
                    f"{code}: billed without documented minutes; add its minutes to check the units.",
                )
            )
    return found


def _price_findings(lines: list[FeeLine], release: Release) -> list[Finding]:
    found = []
    for code in dict.fromkeys(line.code for line in lines):
        row = release.row(code)
        if is_priced(row.status, row.has_rvus()):
            continue
        severity = "warning" if row.status in MAC_MAY_PRICE else "error"
        found.append(
            Finding(
                severity, "no_medicare_price", code, no_price_reason(code, row.status, replacement_code(code))
            )
        )
    return found


def _authorization_findings(billed: dict[str, int], authorized: dict[str, int]) -> list[Finding]:
    return [
        Finding(
            "error",
            "units_over_authorization",
            code,
            f"{code}: {count_units(billed[code])} billed but only {cap} authorized; the payer pays at most {cap}.",
        )
        for code, cap in authorized.items()
        if billed.get(code, 0) > cap
    ]
