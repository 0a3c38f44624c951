"""Medicare Physician Fee Schedule amounts, therapy MPPR, CQ/CO, patient share, other payers.

The payment formula (CMS, PFS RVU file documentation; reproduces CMS's own locality amounts
to the cent):

    amount = round((work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF, 2)

with the facility or non-facility PE RVU by setting, and every GPCI 1 for the national amount.

Therapy multiple procedure payment reduction (MPPR; codes whose MULT PROC indicator is 5;
CMS Claims Processing Manual ch. 5 §10.7): on one day the single unit with the highest PE
payment is paid in full; every other unit of every such code has its PE component halved:
round((W x GPCIw + 0.5 x PE x GPCIpe + MP x GPCImp) x CF, 2). Indicator 0 is never reduced.

CQ/CO (service furnished in whole or in part by a PTA/OTA; Social Security Act §1834(v),
42 CFR 410.59(a)(4) and 410.60(a)(4), in force since 2022): 85% of the otherwise applicable
amount. We apply it to each unit's amount after MPPR (the "otherwise applicable" amount is
the already-reduced one) and round that unit with ``round_money``: each unit is a payment
amount of its own, as on a remittance.

>>> release = get_release(2025)
>>> row = release.row("97110")
>>> unit_amount(row, release.locality("10112-00"), "non_facility", Decimal("32.3465"))
Decimal('26.83')
>>> unit_amount(row, release.locality("10112-00"), "non_facility", Decimal("32.3465"), reduced_pe=True)
Decimal('20.79')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from calc.money import decimal_text, money_text, percent_text, round_money
from calc.program import share
from calc.schedule import (
    ConversionFactor,
    Locality,
    Release,
    RvuRow,
    get_release,
    replacement_code,
)
from calc.status import (
    facility_na_warning,
    global_meaning,
    is_priced,
    label,
    meaning,
    no_price_label,
    no_price_reason,
)
from calc.steps import Step

Setting = Literal["facility", "non_facility"]
PRICING_MODIFIERS: Final = ("26", "TC", "53")
ASSISTANT_MODIFIERS: Final = ("CQ", "CO")
MPPR_INDICATOR: Final = "5"
HALF: Final = Decimal("0.5")
# Coinsurance, CQ/CO and sequestration shares: calc/data/program.json (calc.program), with sources.
# Non-participating: fee 95% of the participating amount; limiting charge 115% of that
# (Social Security Act §1848(g)(2)(C)): 1.0925 x the participating amount, rounded once.
NON_PAR_SHARE: Final = Decimal("0.95")
LIMITING_SHARE: Final = Decimal("1.15")


@dataclass(frozen=True)
class FeeLine:
    """A billed line: code, units and modifiers, already validated."""

    code: str
    units: int
    modifiers: tuple[str, ...] = ()

    @property
    def pricing_modifier(self) -> str:
        """26, TC or 53 (which pick another RVU row), or ``""``."""
        return next((m for m in self.modifiers if m in PRICING_MODIFIERS), "")

    @property
    def assistant(self) -> str:
        """CQ or CO when a therapy assistant furnished the service, else ``""``."""
        return next((m for m in self.modifiers if m in ASSISTANT_MODIFIERS), "")


@dataclass(frozen=True)
class Payer:
    """Who pays: ``medicare``, ``percent_of_medicare``, ``contract_cf`` or ``flat_rate``."""

    type: str = "medicare"
    percent: Decimal | None = None
    conversion_factor: Decimal | None = None
    rates: dict[str, Decimal] = field(default_factory=dict)
    authorized_units: dict[str, int] = field(default_factory=dict)
    # Flat rates per hour of a code (work hardening is priced by the hour); a unit's rate is
    # the hourly rate times the unit's length in hours (``unit_hours``).
    hourly_rates: dict[str, Decimal] = field(default_factory=dict)
    unit_hours: dict[str, Decimal] = field(default_factory=dict)
    # Whether the payer applies Medicare's therapy multiple procedure reduction (MPPR):
    # always for Medicare, a contract setting for the others, never for flat rates.
    mppr: bool = True


@dataclass(frozen=True)
class FeeRequest:
    year: int
    locality: Locality
    setting: Setting
    lines: tuple[FeeLine, ...]
    cf: ConversionFactor
    payer: Payer = Payer()
    # None: the Part B deductible is assumed met; else what remains of it this year.
    deductible_remaining: Decimal | None = None


@dataclass
class PricedLine:
    """A line's answer. ``unit_amounts`` is empty and ``allowed`` None when there is no price."""

    line: FeeLine
    row: RvuRow
    unit_amounts: list[Decimal] = field(default_factory=list)
    reason: str | None = None
    paid_units: int = 0
    reason_label: str | None = None

    @property
    def allowed(self) -> Decimal | None:
        return (
            None if self.reason is not None and not self.unit_amounts else sum(self.unit_amounts, Decimal(0))
        )

    def as_dict(self, setting: str) -> dict[str, object]:
        allowed = self.allowed
        row = self.row
        return {
            "code": self.line.code,
            "units": self.line.units,
            "modifiers": list(self.line.modifiers),
            "status": row.status,
            "status_meaning": meaning(row.status),
            "status_label": label(row.status, row.has_rvus(), replacement_code(row.code)),
            "allowed": None if allowed is None else money_text(allowed),
            "unit_amounts": [money_text(a) for a in self.unit_amounts],
            "reason": self.reason,
            "reason_label": self.reason_label if allowed is None else None,
            "facility_na": setting_na(row, setting),
            "rvus": rvu_parts(row, pe_setting(row, setting)),
            "global_period": row.global_days,
            "global_meaning": global_meaning(row.global_days),
        }


def setting_na(row: RvuRow, setting: str) -> bool:
    """The RVU file's NA flag for ``setting``'s PE (a fee line's ``"facility_na"``): CMS has
    developed no PE RVU for the code in that setting (RVU file README, "NA" indicator).

    >>> row = get_release(2025).row("97110")
    >>> setting_na(row, "facility"), setting_na(row, "non_facility")
    (True, False)
    """
    return row.na_facility if setting == "facility" else row.na_non_facility


def pe_setting(row: RvuRow, setting: str) -> str:
    """The setting whose PE RVU prices the line: a facility request on a code whose facility
    PE is NA (therapy codes, 97110) is priced at the non-facility PE, the amount institutional
    therapy providers are paid under the fee schedule (Pub. 100-04 ch. 5 §10: the MPFS is their
    method of payment; calc.status.facility_na_warning says it to the clerk).

    >>> row = get_release(2025).row("97110")
    >>> pe_setting(row, "facility"), pe_setting(get_release(2025).row("99213"), "facility")
    ('non_facility', 'facility')
    """
    return "non_facility" if setting == "facility" and row.na_facility else setting


def rvu_parts(row: RvuRow, setting: str) -> dict[str, str] | None:
    """The row's RVUs for ``setting`` as text, with their total (CMS's TOTAL column is the
    same sum); None when the file carries no RVUs for the code (97546, status R).

    Status B and I rows keep theirs (CMS publishes them; they are not used for payment:
    the line's status and reason say so).

    >>> rvu_parts(get_release(2025).row("97110"), "non_facility")
    {'work': '0.45', 'pe': '0.43', 'mp': '0.01', 'total': '0.89'}
    >>> rvu_parts(get_release(2025).row("97546"), "facility") is None
    True
    """
    if not row.has_rvus():
        return None
    pe = row.pe(setting)
    return {
        "work": decimal_text(row.work),
        "pe": decimal_text(pe),
        "mp": decimal_text(row.mp),
        "total": decimal_text(row.work + pe + row.mp),
    }


def unit_amount(
    row: RvuRow, locality: Locality, setting: str, cf: Decimal, reduced_pe: bool = False
) -> Decimal:
    """One unit's fee-schedule amount, rounded to the cent (PE halved for an MPPR unit)."""
    pe_share = HALF if reduced_pe else Decimal(1)
    total_rvu = row.work * locality.work + pe_share * row.pe(setting) * locality.pe + row.mp * locality.mp
    return round_money(total_rvu * cf)


def pe_payment(row: RvuRow, locality: Locality, setting: str, cf: Decimal) -> Decimal:
    """The PE part of one unit's payment (unrounded): MPPR keeps the unit where it is highest."""
    return row.pe(setting) * locality.pe * cf


def formula_text(row: RvuRow, locality: Locality, setting: str, cf: Decimal, reduced: bool) -> str:
    """The arithmetic of ``unit_amount`` as text for a step."""
    pe = f"0.5 x {decimal_text(row.pe(setting))}" if reduced else decimal_text(row.pe(setting))
    return (
        f"({decimal_text(row.work)} x {decimal_text(locality.work)} + {pe} x "
        f"{decimal_text(locality.pe)} + {decimal_text(row.mp)} x {decimal_text(locality.mp)})"
        f" x {decimal_text(cf)}"
    )


def _unpriced_reason(row: RvuRow) -> str | None:
    if is_priced(row.status, row.has_rvus()):
        return None
    return no_price_reason(row.code, row.status, replacement_code(row.code))


def price_medicare(
    release: Release, request: FeeRequest, cf: Decimal, steps: list[Step], warnings: list[str]
) -> list[PricedLine]:
    """Fee-schedule amounts per unit with MPPR across the day's indicator-5 units."""
    priced = []
    for line in request.lines:
        row = release.row(line.code, line.pricing_modifier)
        reason = _unpriced_reason(row)
        short = None if reason is None else no_price_label(row.status)
        priced.append(PricedLine(line, row, reason=reason, reason_label=short))
    full_at = _mppr_full_unit(priced, request, cf)
    for index, item in enumerate(priced):
        if item.reason is not None:
            continue
        _price_units(index, item, full_at, request, cf, steps)
        if item.row.status == "T":
            warnings.append(f"{item.line.code}: {meaning('T')}")
        if request.setting == "non_facility" and item.row.na_non_facility:
            # RVU file README: NA = CMS has not developed a PE RVU for this setting; if the MAC
            # allows it there, it pays the facility PE, which the file repeats in the column.
            warnings.append(
                f"{item.line.code}: Medicare does not normally expect this service in an office "
                "(non-facility); check that the setting is right. The amount uses the "
                "practice-expense figure CMS lists for it."
            )
    no_facility_price = [
        item.line.code for item in priced if item.reason is None and setting_na(item.row, request.setting)
    ]
    if request.setting == "facility" and no_facility_price:
        warnings.append(facility_na_warning(list(dict.fromkeys(no_facility_price))))
    return priced


def _mppr_full_unit(priced: list[PricedLine], request: FeeRequest, cf: Decimal) -> int | None:
    """Index of the line holding the day's one full-PE MPPR unit (highest PE payment, first
    listed on ties), or None when no priced line has MULT PROC indicator 5."""
    best: tuple[Decimal, int] | None = None
    for index, item in enumerate(priced):
        if item.reason is None and item.row.mult_proc == MPPR_INDICATOR and item.line.units > 0:
            pe = pe_payment(item.row, request.locality, pe_setting(item.row, request.setting), cf)
            if best is None or pe > best[0]:
                best = (pe, index)
    return None if best is None else best[1]


def _price_units(
    index: int,
    item: PricedLine,
    full_at: int | None,
    request: FeeRequest,
    cf: Decimal,
    steps: list[Step],
) -> None:
    """Each unit's amount for one priced line: full, PE halved under MPPR, then CQ/CO."""
    row, line, loc = item.row, item.line, request.locality
    setting = pe_setting(row, request.setting)
    full = unit_amount(row, loc, setting, cf)
    reduced = unit_amount(row, loc, setting, cf, reduced_pe=True)
    # Therapy MPPR: of the day's indicator-5 units only the first unit of line ``full_at``
    # keeps its whole PE; every other unit of such a code has its PE halved.
    reduced_units = 0
    if row.mult_proc == MPPR_INDICATOR and request.payer.mppr:
        reduced_units = line.units - 1 if index == full_at else line.units
    amounts = [full] * (line.units - reduced_units) + [reduced] * reduced_units
    inputs = {"code": line.code, "units": str(line.units), "setting": request.setting}
    if setting != request.setting:
        inputs["practice expense"] = "non-facility (CMS lists no facility PE for this code)"
    steps.append(
        Step(
            f"{line.code}: one unit, full amount",
            {**inputs, "formula": formula_text(row, loc, setting, cf, False)},
            money_text(full),
        )
    )
    if reduced_units and reduced != full:
        steps.append(
            Step(
                f"{line.code}: one unit with PE halved (therapy MPPR, MULT PROC 5)",
                {"formula": formula_text(row, loc, setting, cf, True), "reduced units": str(reduced_units)},
                money_text(reduced),
            )
        )
    if line.assistant:
        amounts = _assistant_share(line.code, line.assistant, amounts, steps)
    item.unit_amounts = amounts
    item.paid_units = line.units


def _assistant_share(code: str, modifier: str, amounts: list[Decimal], steps: list[Step]) -> list[Decimal]:
    """CQ/CO: 85% of each unit after MPPR, each unit rounded to the cent (SSA §1834(v))."""
    part = share("assistant_percent")
    shared = [round_money(a * part) for a in amounts]
    steps.append(
        Step(
            f"{code}: {modifier} modifier, {percent_text(part)} of each unit (SSA §1834(v))",
            {"unit amounts": ", ".join(money_text(a) for a in amounts), "share": decimal_text(part)},
            ", ".join(money_text(a) for a in shared),
        )
    )
    return shared


def price_request(request: FeeRequest) -> dict[str, object]:
    """The whole "fee" answer for a validated request (DESIGN.md, kind "fee").

    >>> from calc.schedule import conversion_factor
    >>> release = get_release(2025)
    >>> request = FeeRequest(2025, release.locality("national"), "non_facility",
    ...                      (FeeLine("97110", 1), FeeLine("97140", 1)), conversion_factor(2025))
    >>> [line["unit_amounts"] for line in price_request(request)["lines"]]
    [['28.79'], ['20.70']]
    """
    release = get_release(request.year)
    # A flat rate uses no RVU, GPCI or conversion factor: its steps show none of them.
    steps: list[Step] = [] if request.payer.type == "flat_rate" else [_cf_step(request), _gpci_step(request)]
    warnings: list[str] = []
    payer = request.payer
    if payer.type == "flat_rate":
        priced = _price_flat(release, request, steps, warnings)
    else:
        cf = (
            payer.conversion_factor
            if payer.type == "contract_cf" and payer.conversion_factor is not None
            else request.cf.value
        )
        if payer.type == "contract_cf":
            steps.append(
                Step(
                    "Contract conversion factor replaces Medicare's (same RVUs, GPCIs, MPPR and CQ/CO rules)",
                    {"contract CF": decimal_text(cf)},
                    decimal_text(cf),
                )
            )
        if not payer.mppr:
            steps.append(
                Step(
                    "The payer does not apply Medicare's therapy multiple procedure reduction",
                    {"mppr": "off"},
                    "every unit at its full amount",
                )
            )
        priced = price_medicare(release, request, cf, steps, warnings)
        if payer.type == "percent_of_medicare" and payer.percent is not None:
            _apply_percent(priced, payer.percent, steps)
    totals = _totals(priced, payer, steps, warnings, request.deductible_remaining)
    return {
        "ok": True,
        "kind": "fee",
        "year": request.year,
        "release": release.as_dict(),
        "locality": request.locality.as_dict(),
        "setting": request.setting,
        "conversion_factor": decimal_text(request.cf.value),
        "payer": payer.type,
        "lines": [p.as_dict(request.setting) for p in priced],
        "totals": totals,
        "steps": [s.as_dict() for s in steps],
        "warnings": warnings,
    }


def _cf_step(request: FeeRequest) -> Step:
    inputs = {"year": str(request.year), "period": request.cf.period, "apm": request.cf.apm}
    return Step("Medicare conversion factor", inputs, decimal_text(request.cf.value))


def _gpci_step(request: FeeRequest) -> Step:
    loc = request.locality
    return Step(
        f"GPCIs for {loc.name}",
        {"work": decimal_text(loc.work), "pe": decimal_text(loc.pe), "mp": decimal_text(loc.mp)},
        loc.id,
    )


def _apply_percent(priced: list[PricedLine], percent: Decimal, steps: list[Step]) -> None:
    share = percent / 100
    for item in priced:
        if item.unit_amounts:
            item.unit_amounts = [round_money(a * share) for a in item.unit_amounts]
    steps.append(
        Step(
            "Payer pays a percent of the Medicare amount, each unit rounded to the cent",
            {"percent": decimal_text(percent)},
            decimal_text(share),
        )
    )


def _price_flat(
    release: Release, request: FeeRequest, steps: list[Step], warnings: list[str]
) -> list[PricedLine]:
    """Flat rate per unit per code (workers' compensation schedules), capped by authorization."""
    payer = request.payer
    priced = []
    for line in request.lines:
        row = release.row(line.code, line.pricing_modifier)
        rate = flat_unit_rate(line.code, payer, steps)
        if rate is None:
            priced.append(
                PricedLine(
                    line, row, reason=f"No flat rate was given for {line.code}.", reason_label="No rate given"
                )
            )
            continue
        units = line.units
        cap = payer.authorized_units.get(line.code)
        if cap is not None and units > cap:
            warnings.append(
                f"{line.code}: {units} units billed but only {cap} authorized; "
                f"only the {cap} authorized units are paid."
            )
            units = cap
        amounts = [round_money(rate)] * units
        steps.append(
            Step(
                f"{line.code}: flat rate x paid units",
                {"rate": money_text(rate), "units": str(units)},
                money_text(sum(amounts, Decimal(0))),
            )
        )
        priced.append(PricedLine(line, row, amounts, None, units))
    return priced


def flat_unit_rate(code: str, payer: Payer, steps: list[Step]) -> Decimal | None:
    """A flat rate per unit: given per unit, or the hourly rate times the unit's hours (97545
    is a two-hour block: $75 an hour is $150 a unit; 97546, one hour, $75).

    >>> flat_unit_rate("97545", Payer("flat_rate", hourly_rates={"97545": Decimal("75")},
    ...                               unit_hours={"97545": Decimal(2)}), [])
    Decimal('150')
    """
    if code in payer.rates:
        return payer.rates[code]
    hourly, hours = payer.hourly_rates.get(code), payer.unit_hours.get(code)
    if hourly is None or hours is None:
        return None
    rate = hourly * hours
    steps.append(
        Step(
            f"{code}: rate per unit from the rate per hour",
            {"rate per hour": money_text(hourly), "hours per unit": decimal_text(hours)},
            money_text(rate),
        )
    )
    return rate


def _totals(
    priced: list[PricedLine],
    payer: Payer,
    steps: list[Step],
    warnings: list[str],
    deductible_remaining: Decimal | None = None,
) -> dict[str, str | None]:
    amounts = [p.allowed for p in priced if p.allowed is not None]
    unpriced = [p.line.code for p in priced if p.allowed is None]
    if unpriced:
        warnings.append(
            f"No price for {', '.join(unpriced)}: not included in the totals (see each line's reason)."
        )
    # The fee kind assumes the deductible met and answers the totals DESIGN.md lists; a
    # request with the deductible left (the visit) also gets what is applied and owed.
    keys = ["allowed", "coinsurance", "medicare_payment", "sequestration", "limiting_charge"]
    if deductible_remaining is not None:
        keys[1:1] = ["deductible"]
        keys.insert(-1, "patient_owes")
    totals: dict[str, str | None] = dict.fromkeys(keys)
    if not amounts:
        return totals
    allowed = sum(amounts, Decimal(0))
    totals["allowed"] = money_text(allowed)
    shown = {
        f"line {i + 1} ({p.line.code})": money_text(a)
        for i, p in enumerate(priced)
        if (a := p.allowed) is not None
    }
    steps.append(Step("Allowed amount (sum of the priced lines)", shown, money_text(allowed)))
    if payer.type == "medicare":
        shares = medicare_shares(allowed, steps, deductible_remaining)
        totals.update({key: value for key, value in shares.items() if key in totals})
    return totals


def medicare_shares(
    allowed: Decimal, steps: list[Step], deductible_remaining: Decimal | None = None
) -> dict[str, str]:
    """Deductible applied, coinsurance, Medicare's payment after sequestration, what the
    patient owes, and the limiting charge.

    ``deductible_remaining`` None: the Part B deductible is assumed met (a step says so).
    Otherwise the allowed amount counts against it first (42 CFR 410.160) and coinsurance is
    20% of the rest (42 CFR 410.152). Sequestration (2%) comes off Medicare's payment only,
    not off the allowed amount or the patient's share.

    >>> shares = medicare_shares(Decimal("47.62"), [])
    >>> shares["coinsurance"], shares["sequestration"], shares["medicare_payment"], shares["limiting_charge"]
    ('9.52', '0.76', '37.34', '52.02')
    >>> shares = medicare_shares(Decimal("100.00"), [], Decimal("30.00"))
    >>> shares["deductible"], shares["coinsurance"], shares["medicare_payment"], shares["patient_owes"]
    ('30.00', '14.00', '54.88', '44.00')
    """
    coinsurance_share, sequestration_share = share("coinsurance_percent"), share("sequestration_percent")
    deductible = min(allowed, deductible_remaining) if deductible_remaining is not None else Decimal(0)
    after_deductible = allowed - deductible
    coinsurance = round_money(after_deductible * coinsurance_share)
    before = after_deductible - coinsurance
    sequestration = round_money(before * sequestration_share)
    payment = before - sequestration
    limiting = round_money(allowed * NON_PAR_SHARE * LIMITING_SHARE)
    if deductible_remaining is None:
        steps.append(Step("Deductible", {"assumption": "the Part B deductible is already met"}, "0.00"))
    else:
        steps.append(
            Step(
                "Deductible applied: the allowed amount counts against the remaining Part B deductible first",
                {"allowed": money_text(allowed), "deductible remaining": money_text(deductible_remaining)},
                money_text(deductible),
            )
        )
    steps.extend(
        [
            Step(
                f"Patient coinsurance: {percent_text(coinsurance_share)} of the allowed amount after the deductible",
                {"allowed after deductible": money_text(after_deductible)},
                money_text(coinsurance),
            ),
            Step(
                "Medicare's share before sequestration: allowed less deductible and coinsurance",
                {
                    "allowed after deductible": money_text(after_deductible),
                    "coinsurance": money_text(coinsurance),
                },
                money_text(before),
            ),
            Step(
                f"Sequestration: {percent_text(sequestration_share)} off Medicare's payment",
                {"payment": money_text(before)},
                money_text(sequestration),
            ),
            Step(
                "Medicare payment",
                {"before": money_text(before), "sequestration": money_text(sequestration)},
                money_text(payment),
            ),
            Step(
                "Limiting charge (non-participating): 115% of the non-par amount, which is 95% of the allowed",
                {"allowed": money_text(allowed)},
                money_text(limiting),
            ),
        ]
    )
    if deductible_remaining is not None:
        steps.append(
            Step(
                "Patient owes: deductible applied plus coinsurance",
                {"deductible": money_text(deductible), "coinsurance": money_text(coinsurance)},
                money_text(deductible + coinsurance),
            )
        )
    return {
        "deductible": money_text(deductible),
        "coinsurance": money_text(coinsurance),
        "medicare_payment": money_text(payment),
        "sequestration": money_text(sequestration),
        "patient_owes": money_text(deductible + coinsurance),
        "limiting_charge": money_text(limiting),
    }
