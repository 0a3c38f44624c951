"""Claim checks for one date of service: problems a payer would deny, found before billing.

Rules (each finding names its ``rule`` and ``code``; the message does not repeat the code):

* ``addon_without_primary`` (error): an add-on code without its primary the same day. The
  pairs come from the unit-rule data (``hour_block_addon`` names its primary: 97546 needs
  97545); any other code with global period ZZZ (an add-on in the RVU file) billed with no
  other code at all is flagged too.
* ``mue_exceeded`` (error): more units than the practitioner MUE, where an MUE table was
  imported (MAI 1 per line; MAI 2 and 3 per day).
* ``units_not_supported`` (error): more units billed than the documented minutes support under
  the chosen counting method (``calc.units``); a warning for a timed code billed without minutes.
* ``no_medicare_price`` (error, or warning when the MAC may price it): a code without a
  fee-schedule amount billed to Medicare.
* ``ncci_ptp`` (error): two codes billed on one day that an imported NCCI PTP edit pairs,
  on the column-2 code: modifier indicator 0 always; 1 unless a line of the pair carries 59,
  XE, XS, XP or XU (``calc.edits``; CMS accepts the modifier on either code). Until an edit file is imported ``not_checked`` says so.
* ``units_over_authorization`` (error): more units than the authorization allows.
* ``therapy_modifier_missing`` / ``therapy_modifier_conflict`` (error): a therapy code (one with
  a unit rule in this reference) without GP, GO or GN, or with more than one of them
  (Pub. 100-04 ch. 5 §20.1).

Every answer also lists what it does not check (``not_checked``), so "no findings" is never
read as "nothing wrong".

>>> answer = check_request({"year": 2025, "lines": [{"code": "97546", "units": 2, "modifiers": ["GP"]}]})
>>> [(f["severity"], f["rule"], f["code"]) for f in answer["findings"]]
[('error', 'addon_without_primary', '97546'), ('warning', 'no_medicare_price', '97546')]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from calc.claim import parse_authorized, parse_lines, parse_payer
from calc.edits import not_checked as edits_not_checked
from calc.edits import ptp_findings
from calc.errors import FieldError, raise_if
from calc.fees import FeeLine, Payer
from calc.fields import parse_minutes, parse_release
from calc.modifiers import DISCIPLINES
from calc.rules import HourBlockAddonRule, HourBlockRule, Timed15Rule, default_rules
from calc.schedule import MueLimit, Release, mue_table, newest_locality_year, replacement_code
from calc.status import is_priced, no_price_reason
from calc.steps import Step
from calc.units import units_from_request

# Status codes where the MAC may still price the service (a warning, not an error).
MAC_MAY_PRICE = frozenset({"R", "C"})
#: What no check of this reference covers, whatever the request.
ALWAYS_NOT_CHECKED = (
    "Medical necessity, documentation and the plan of care's certification",
    "The MAC's local coverage determinations (LCDs) and its own edits",
)


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "rule": self.rule, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class CheckInput:
    """A validated claim to check: its release, lines, payer, authorized units and, when
    documented, the services with their minutes (a units request) and the method."""

    release: Release
    lines: list[FeeLine]
    payer: Payer
    authorized: dict[str, int]
    services: object = None
    method: object = "cms"
    on: date | None = None  # the date of service; NCCI edits use the release's effective date without one


def check_request(
    request: Mapping[str, object], mue: Mapping[str, MueLimit] | None = None
) -> dict[str, object]:
    """The "check" answer (DESIGN.md). ``mue`` defaults to the imported MUE table, if any.

    A line may carry its own ``minutes``: without ``services``, the lines' minutes are the
    documented minutes (one row per line in a form).
    """
    errors: list[FieldError] = []
    release, on = parse_release(request, errors, default=newest_locality_year())
    lines = parse_lines(request.get("lines"), release, errors)
    payer = parse_payer(request.get("payer"), errors)
    authorized = parse_authorized(request.get("authorized_units"), "authorized_units", errors)
    services = request["services"] if "services" in request else _line_minutes(request.get("lines"), errors)
    raise_if(errors)
    claim = CheckInput(release, lines, payer, authorized, services, request.get("method", "cms"), on)
    findings, steps, not_checked = run_checks(claim, mue)
    return {
        "ok": True,
        "kind": "check",
        "year": release.year,
        "release": release.as_dict(),
        "findings": [f.as_dict() for f in findings],
        "not_checked": not_checked,
        "steps": [s.as_dict() for s in steps],
        "warnings": [],
    }


def _line_minutes(raw_lines: object, errors: list[FieldError]) -> object:
    """The services documented on the lines themselves (``{"code", "minutes"}``), or None;
    a line's bad minutes are reported under the line (``lines[1].minutes``)."""
    if not isinstance(raw_lines, list):
        return None
    found = []
    for index, line in enumerate(raw_lines):
        if isinstance(line, dict) and "minutes" in line:
            minutes = parse_minutes(line["minutes"], f"lines[{index}].minutes", errors)
            found.append({"code": line.get("code"), "minutes": minutes})
    return found or None


def run_checks(
    claim: CheckInput, mue: Mapping[str, MueLimit] | None = None
) -> tuple[list[Finding], list[Step], list[str]]:
    """Every check of a validated claim: findings, steps and what was not checked."""
    table = mue_table() if mue is None else mue
    lines, release = claim.lines, claim.release
    billed = _units_by_code(lines)
    authorized = {**claim.payer.authorized_units, **claim.authorized}
    findings = _addon_findings(lines, release)
    findings += _mue_findings(lines, billed, table)
    findings += _minutes_findings(claim.services, claim.method, billed)
    findings += _therapy_modifier_findings(lines)
    if claim.payer.type == "medicare":
        findings += _price_findings(lines, release)
    findings += _authorization_findings(billed, authorized)
    findings += [Finding(*found) for found in ptp_findings(lines, claim.on or release.effective)]
    not_checked = [*edits_not_checked(), *ALWAYS_NOT_CHECKED]
    if not table:
        not_checked.append("Medically Unlikely Edits (MUE): no MUE file is loaded")
    if claim.services is None:
        not_checked.append("Units against documented minutes: no minutes were given")
    unruled = sorted({line.code for line in lines if line.code not in default_rules()})
    if unruled:
        not_checked.append(f"Units of {', '.join(unruled)}: this reference has no unit rule for them")
    steps = [
        Step("Fee-schedule release checked against", {"year": str(release.year)}, release.rvu),
        Step("MUE table", {}, f"{len(table)} codes" if table else "none imported: MUE check skipped"),
        Step("Findings", {}, str(len(findings))),
    ]
    return findings, steps, not_checked


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
                    f"An add-on code: bill it only with its primary code {rule.primary} on the same day.",
                )
            )
        elif rule is None and code in addons and codes <= addons:
            found.append(
                Finding(
                    "error",
                    "addon_without_primary",
                    code,
                    "An add-on code (global period ZZZ): bill it with its primary procedure on the same day.",
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
                    f"{count_units(worst)} {per} is more than Medicare's limit of {limit.units} (MUE); the units over it are denied.",
                )
            )
    return found


def _minutes_findings(services: object, method: object, billed: dict[str, int]) -> list[Finding]:
    if services is None:
        return []
    result = units_from_request({"services": services, "method": method})
    supported = result.units_by_code()
    label = "Medicare total-time (CMS)" if result.method == "cms" else "per-code midpoint (AMA)"
    rules = default_rules()
    found = []
    for code, units in billed.items():
        if code in supported and units > supported[code]:
            found.append(
                Finding(
                    "error",
                    "units_not_supported",
                    code,
                    f"{count_units(units)} billed, but the documented minutes support {supported[code]} under the {label} method.",
                )
            )
        elif code not in supported and isinstance(
            rules.get(code), (Timed15Rule, HourBlockRule, HourBlockAddonRule)
        ):
            # Untimed codes are one unit per session whatever the minutes: no minutes needed.
            found.append(
                Finding(
                    "warning",
                    "units_not_supported",
                    code,
                    "Billed without documented minutes; add its minutes to check the units.",
                )
            )
    return found


def _therapy_modifier_findings(lines: list[FeeLine]) -> list[Finding]:
    """Each therapy line names the plan of care it is furnished under: GP, GO or GN, only one
    (Pub. 100-04 ch. 5 §20.1)."""
    rules = default_rules()
    found = []
    for line in lines:
        if line.code not in rules:
            continue
        plans = [m for m in line.modifiers if m in DISCIPLINES]
        if not plans:
            found.append(
                Finding(
                    "error",
                    "therapy_modifier_missing",
                    line.code,
                    "A therapy code needs GP (physical therapy), GO (occupational therapy) or GN "
                    "(speech-language pathology) for its plan of care; Medicare returns the line without one.",
                )
            )
        elif len(set(plans)) > 1:
            found.append(
                Finding(
                    "error",
                    "therapy_modifier_conflict",
                    line.code,
                    f"The line carries {' and '.join(sorted(set(plans)))}: a line belongs to one plan of care, so keep one of them.",
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
            f"{count_units(billed[code])} billed but only {cap} authorized; the payer pays at most {cap}.",
        )
        for code, cap in authorized.items()
        if billed.get(code, 0) > cap
    ]
