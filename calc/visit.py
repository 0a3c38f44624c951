"""The whole visit in one answer (kind "visit"): units, amounts, the patient's share, claim
findings and the KX threshold.

It composes the rules written elsewhere, one implementation each: units from minutes
(``calc.units``), the fee-schedule amounts with the multiple procedure reduction across every
code of the visit and CQ/CO (``calc.fees``), the claim checks (``calc.checks``), and the year's
KX and review thresholds (``calc.program``). What is new here is the KX bookkeeping: the
allowed amounts of the visit's therapy lines are added to the year's amounts so far, PT and
SLP together (GP, GN) and OT apart (GO) (Pub. 100-04 ch. 5 §10.3); once a discipline passes
its threshold, its lines must carry KX, and past $3,000 the claim may be chosen for targeted
medical review (SSA §1833(g)(5)(E)).

>>> answer = visit_answer({"year": 2025, "locality": "10112-00", "services": [
...     {"code": "97110", "minutes": 38, "modifiers": ["GP"]}, {"code": "97140", "minutes": 15, "modifiers": ["GP"]},
...     {"code": "97161", "modifiers": ["GP"]}, {"code": "97530", "minutes": 6, "modifiers": ["GP"]}]})
>>> [(line["code"], line["units"]) for line in answer["lines"]]
[('97110', 3), ('97140', 1), ('97161', 1), ('97530', 0)]
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from calc.checks import CheckInput, Finding, run_checks
from calc.claim import MAX_LINES, code_in_release, parse_authorized, parse_modifiers, parse_payer
from calc.errors import CalcError, FieldError, raise_if
from calc.fees import FeeLine, FeeRequest, Payer, price_request
from calc.fields import (
    Method,
    Setting,
    parse_apm,
    parse_locality,
    parse_method,
    parse_minutes,
    parse_money,
    parse_release,
    parse_setting,
    parse_units,
)
from calc.modifiers import discipline_of
from calc.money import decimal_text, money_text
from calc.program import source, targeted_review_threshold, year_figures
from calc.rules import UntimedRule, default_rules
from calc.schedule import NATIONAL_LOCALITY, ConversionFactor, Locality, Release, conversion_factor
from calc.steps import Step
from calc.units import UnitsResult, UnitTotals, compute_units

DISCIPLINE_NAMES: Final = {
    "pt_slp": "physical therapy and speech-language pathology",
    "ot": "occupational therapy",
}
Answer = dict[str, object]


@dataclass(frozen=True)
class VisitService:
    """One service of the request, validated: ``minutes`` for codes with a unit rule,
    ``units`` for codes billed by count (no unit rule here)."""

    code: str
    minutes: int | None
    units: int | None
    modifiers: tuple[str, ...]


@dataclass
class VisitLine:
    """One answer line: the code's units and why, its modifiers and (once priced) its amount."""

    code: str
    units: int
    minutes: int | None
    rule: str
    reason: str
    modifiers: tuple[str, ...]
    priced: dict[str, object] | None = None

    @property
    def allowed(self) -> Decimal | None:
        value = self.priced.get("allowed") if self.priced else None
        return Decimal(str(value)) if value is not None else None

    def as_dict(self) -> dict[str, object]:
        priced = self.priced or {}
        return {
            "code": self.code,
            "modifiers": list(self.modifiers),
            "minutes": self.minutes,
            "units": self.units,
            "rule": self.rule,
            "reason": self.reason,
            "allowed": priced.get("allowed", "0.00" if self.units == 0 else None),
            "unit_amounts": priced.get("unit_amounts", []),
            "status": priced.get("status"),
            "price_reason": priced.get("reason"),
            "discipline": discipline_of(self.modifiers),
        }


# --- request -------------------------------------------------------------------------------


def _parse_services(
    raw: object, release: Release, errors: list[FieldError], warnings: list[str]
) -> list[VisitService]:
    if not isinstance(raw, list) or not raw:
        errors.append(
            FieldError("services", 'List the visit\'s services, such as [{"code": "97110", "minutes": 38}].')
        )
        return []
    if len(raw) > MAX_LINES:
        errors.append(
            FieldError("services", f"One visit lists at most {MAX_LINES} services; {len(raw):,} were given.")
        )
        return []
    found = []
    for index, item in enumerate(raw):
        service = _parse_service(index, item, release, errors, warnings)
        if service is not None:
            found.append(service)
    return found


def _parse_service(
    index: int, item: object, release: Release, errors: list[FieldError], warnings: list[str]
) -> VisitService | None:
    path = f"services[{index}]"
    if not isinstance(item, dict):
        errors.append(FieldError(path, 'Each service needs a "code" and its "minutes" (or "units").'))
        return None
    before = len(errors)
    code = code_in_release(item.get("code"), release, f"{path}.code", errors)
    modifiers = parse_modifiers(item.get("modifiers", []), f"{path}.modifiers", errors)
    if not code:
        return None
    rule = default_rules().get(code)
    minutes: int | None = None
    units: int | None = None
    if rule is None:
        units = parse_units(item.get("units", 1), f"{path}.units", errors)
        if "minutes" in item:
            warnings.append(
                f"The minutes of {code} are not used: this reference has no unit rule for it, so its units are as given."
            )
    elif isinstance(rule, UntimedRule):
        if item.get("minutes") not in (None, ""):
            minutes = parse_minutes(item.get("minutes"), f"{path}.minutes", errors)
        if item.get("units", 1) not in (1, "1"):
            errors.append(
                FieldError(f"{path}.units", "An untimed code is one unit per session; leave its units at 1.")
            )
    else:
        minutes = parse_minutes(item.get("minutes"), f"{path}.minutes", errors)
        if "units" in item:
            errors.append(
                FieldError(
                    f"{path}.units", "The units of a timed code come from its minutes: give its minutes only."
                )
            )
    if len(errors) > before or modifiers is None:
        return None
    return VisitService(code, minutes, units, modifiers)


def _parse_ytd(raw: object, errors: list[FieldError]) -> dict[str, Decimal]:
    """``{"pt_slp": "1200.00", "ot": "0.00"}``: the year's allowed therapy amounts so far."""
    if raw is None:
        return {"pt_slp": Decimal(0), "ot": Decimal(0)}
    if not isinstance(raw, dict) or set(raw) - set(DISCIPLINE_NAMES):
        errors.append(
            FieldError(
                "therapy_ytd",
                'Give the year\'s therapy amounts so far as {"pt_slp": "1200.00", "ot": "0.00"}.',
            )
        )
        return {}
    found = {}
    for key in DISCIPLINE_NAMES:
        value = parse_money(raw.get(key, "0"), f"therapy_ytd.{key}", "The amount so far this year", errors)
        found[key] = value if value is not None else Decimal(0)
    return found


# --- answer --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitRequest:
    """A validated "visit" request."""

    release: Release
    on: date | None
    method: Method
    setting: Setting
    apm: str
    payer: Payer
    authorized: dict[str, int]
    ytd: dict[str, Decimal]
    deductible: Decimal | None
    services: list[VisitService]
    locality: Locality
    warnings: list[str]


def parse_visit(request: Mapping[str, object]) -> VisitRequest:
    """Validate a "visit" request; ``InputError`` lists every problem at once."""
    errors: list[FieldError] = []
    warnings: list[str] = []
    release, on = parse_release(request, errors)
    method = parse_method(request.get("method", "cms"), errors)
    setting = parse_setting(request.get("setting", "non_facility"), errors)
    apm = parse_apm(request.get("apm", "non_qp"), errors)
    payer = parse_payer(request.get("payer"), errors)
    authorized = parse_authorized(request.get("authorized_units"), "authorized_units", errors)
    ytd = _parse_ytd(request.get("therapy_ytd"), errors)
    deductible: Decimal | None = Decimal(0)  # not given: the deductible is met (a step shows 0.00 applied)
    if request.get("deductible_remaining") is not None:
        deductible = parse_money(
            request.get("deductible_remaining"), "deductible_remaining", "The deductible left", errors
        )
    services = _parse_services(request.get("services"), release, errors, warnings)
    # A flat rate uses no locality: one given is not looked up (nor refused).
    locality = NATIONAL_LOCALITY if payer.type == "flat_rate" else parse_locality(request, release, errors)
    raise_if(errors)
    return VisitRequest(
        release, on, method, setting, apm, payer, authorized, ytd, deductible, services, locality, warnings
    )


def visit_answer(request: Mapping[str, object]) -> Answer:
    """The "visit" answer (DESIGN.md)."""
    visit = parse_visit(request)
    release, payer, rules = visit.release, visit.payer, default_rules()
    timed = [(s.code, s.minutes or 0) for s in visit.services if s.code in rules]
    units = compute_units(timed, visit.method) if timed else UnitsResult(visit.method, (), UnitTotals())
    lines = _lines(visit.services, units)
    billed = [FeeLine(line.code, line.units, line.modifiers) for line in lines if line.units > 0]
    steps, warnings = list(units.steps), [*units.warnings, *visit.warnings]
    price = _price(visit, billed)
    if price is not None:
        _attach_prices(lines, price)
        steps += [Step(str(s["label"]), dict(s["inputs"]), str(s["value"])) for s in _dicts(price["steps"])]
        warnings += [str(w) for w in _items(price["warnings"])]
    documented = [{"code": s.code, "minutes": s.minutes} for s in visit.services if s.minutes is not None]
    claim = CheckInput(release, billed, payer, visit.authorized, documented or None, visit.method, visit.on)
    findings, check_steps, not_checked = run_checks(claim)
    kx, kx_findings, kx_steps = _kx(release.year, lines, visit.ytd, payer.type == "medicare", not_checked)
    flat = payer.type == "flat_rate"
    answer: Answer = {
        "ok": True,
        "kind": "visit",
        "year": release.year,
        "method": visit.method,
        "release": release.as_dict(),
        "locality": None if flat else visit.locality.as_dict(),
        "setting": visit.setting,
        "conversion_factor": None if flat else decimal_text(_cf(visit).value),
        "payer": payer.type,
        "mppr": payer.mppr,
        "lines": [line.as_dict() for line in lines],
        "totals": _totals(price),
        "findings": [f.as_dict() for f in [*findings, *kx_findings]],
        "not_checked": not_checked,
        "kx": kx,
        "steps": [s.as_dict() for s in [*steps, *check_steps, *kx_steps]],
        "warnings": warnings,
    }
    answer["csv"] = visit_csv(answer)
    return answer


def _cf(visit: VisitRequest) -> ConversionFactor:
    return conversion_factor(visit.release.year, visit.on, visit.apm)


def _price(visit: VisitRequest, billed: list[FeeLine]) -> Answer | None:
    """The fee kind's answer for every billed line together (MPPR across the visit)."""
    if not billed:
        return None
    request = FeeRequest(
        visit.release.year,
        visit.locality,
        visit.setting,
        tuple(billed),
        _cf(visit),
        visit.payer,
        visit.deductible,
    )
    return price_request(request)


def _lines(services: Sequence[VisitService], units: UnitsResult) -> list[VisitLine]:
    """The answer lines in the order the codes were given: the units kind's lines (an hour
    block's add-on follows its block) and codes billed by count."""
    modifiers: dict[str, tuple[str, ...]] = {}
    rules = default_rules()
    for s in services:
        family = rules.hour_block_for(s.code) if s.code in rules else None
        for code in (family.code, family.addon) if family else (s.code,):
            modifiers[code] = tuple(dict.fromkeys([*modifiers.get(code, ()), *s.modifiers]))
    by_code = {line.code: line for line in units.lines}
    with_minutes = {s.code for s in services if s.minutes is not None}
    lines: list[VisitLine] = []
    seen: set[str] = set()
    for s in services:
        if s.code not in rules:
            count = s.units or 0
            if s.code in seen:
                next(x for x in lines if x.code == s.code).units += count
            else:
                reason = "Billed by count: this reference has no unit rule for the code, so the units are as given."
                lines.append(VisitLine(s.code, count, None, "count", reason, modifiers[s.code]))
            seen.add(s.code)
            continue
        family = rules.hour_block_for(s.code)
        for code in (family.code, family.addon) if family else (s.code,):
            if code not in seen and code in by_code:
                line = by_code[code]
                # An untimed code given without minutes shows none (its minutes do not count).
                minutes = None if line.rule == "untimed" and code not in with_minutes else line.minutes
                lines.append(VisitLine(code, line.units, minutes, line.rule, line.reason, modifiers[code]))
                seen.add(code)
    return lines


def _items(value: object) -> list[object]:
    assert isinstance(value, list)
    return value


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in _items(value) if isinstance(item, dict)]


def _attach_prices(lines: list[VisitLine], price: Answer) -> None:
    priced = iter(_dicts(price["lines"]))
    for line in lines:
        if line.units > 0:
            line.priced = next(priced)


def _totals(price: Answer | None) -> dict[str, object]:
    keys = ("allowed", "deductible", "coinsurance", "medicare_payment", "sequestration", "patient_owes")
    if price is None:
        return dict.fromkeys(keys, "0.00")
    totals = price["totals"]
    assert isinstance(totals, dict)
    return {key: totals.get(key) for key in keys}


# --- KX threshold --------------------------------------------------------------------------


def _kx(
    year: int, lines: list[VisitLine], ytd: dict[str, Decimal], medicare: bool, not_checked: list[str]
) -> tuple[dict[str, object] | None, list[Finding], list[Step]]:
    """The KX threshold per discipline: before, this visit, after; findings for the lines
    that must carry KX and for the targeted review threshold."""
    if not medicare:
        not_checked.append("The KX threshold: it is Medicare's; this payer's own limits are not known here")
        return None, [], []
    try:
        figures = year_figures(year)
    except CalcError as exc:
        not_checked.append(f"The KX threshold: {exc.message}")
        return None, [], []
    review = targeted_review_threshold()
    thresholds = {"pt_slp": figures.kx_pt_slp, "ot": figures.kx_ot}
    found: list[Finding] = []
    steps: list[Step] = []
    kx: dict[str, object] = {
        "threshold_source": source(figures.kx_source),
        "review_threshold": money_text(review),
    }
    for discipline, threshold in thresholds.items():
        running = ytd[discipline]
        must: list[VisitLine] = []
        for line in lines:
            allowed = line.allowed
            if allowed is None or discipline_of(line.modifiers) != discipline:
                continue
            running += allowed
            if running > threshold:
                must.append(line)
        after = running
        kx[discipline] = {
            "threshold": money_text(threshold),
            "before": money_text(ytd[discipline]),
            "this_visit": money_text(after - ytd[discipline]),
            "after": money_text(after),
            "kx_lines": [line.code for line in must],
        }
        steps.append(
            Step(
                f"KX threshold, {DISCIPLINE_NAMES[discipline]}: the year so far plus this visit's allowed amounts",
                {
                    "before": money_text(ytd[discipline]),
                    "this visit": money_text(after - ytd[discipline]),
                    "threshold": money_text(threshold),
                },
                money_text(after),
            )
        )
        found += [
            Finding(
                "error",
                "kx_required",
                line.code,
                f"The year's {DISCIPLINE_NAMES[discipline]} amounts pass the {year} KX threshold of "
                f"${money_text(threshold)} with this line: add KX to attest the therapy is medically necessary.",
            )
            for line in must
            if "KX" not in line.modifiers
        ]
        if after > review:
            found.append(
                Finding(
                    "warning",
                    "targeted_review",
                    "",
                    f"The year's {DISCIPLINE_NAMES[discipline]} amounts reach ${money_text(after)}, past "
                    f"${money_text(review)}: the claim may be chosen for targeted medical review; keep the documentation ready.",
                )
            )
    return kx, found, steps


# --- CSV -----------------------------------------------------------------------------------


def visit_csv(answer: Answer) -> str:
    """The lines and totals as CSV text (for a download); every cell is plain text that a
    spreadsheet does not run as a formula (codes, numbers, words).

    >>> visit_csv({"lines": [{"code": "97110", "modifiers": ["GP"], "minutes": 38, "units": 3,
    ...            "allowed": "73.03"}], "totals": {"allowed": "73.03"}}).splitlines()
    ['code,modifiers,minutes,units,allowed', '97110,GP,38,3,73.03', '', 'total,amount', 'allowed,73.03']
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "modifiers", "minutes", "units", "allowed"])
    for line in _dicts(answer["lines"]):
        minutes = line.get("minutes")
        writer.writerow(
            [
                line["code"],
                " ".join(line["modifiers"]),
                "" if minutes is None else minutes,
                line["units"],
                line.get("allowed") or "",
            ]
        )
    writer.writerow([])
    writer.writerow(["total", "amount"])
    totals = answer["totals"]
    assert isinstance(totals, dict)
    for key, value in totals.items():
        writer.writerow([key, "" if value is None else value])
    return out.getvalue()
