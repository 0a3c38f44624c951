"""The calculators each page offers: which inputs, with which example values, and how their
answers are laid out (the form model, request assembly and rendering are macros/forms.py).

The site calls (DESIGN.md, "Calculators in pages"):

- :func:`calculators_for_code` ``(code, rule_type) -> str``: the calculators a code page shows,
  chosen by the code's unit rule (``timed_15``, ``untimed``, ``hour_block``,
  ``hour_block_addon`` or ``None``).
- :func:`visit_calculator` ``() -> str``: the units calculator for several codes at once,
  followed by the claim check for a day's lines (:func:`claim_check_calculator`).

Pages carry a slot, the HTML is put in after Markdown: those functions return a one-line
placeholder (``<div class="calc-slot" data-calc-slot="code:97110:timed_15"></div>``) naming
what to render, and :func:`expand_slots` (called by the ``on_post_page`` hook in
``macros/site_assets.py``) replaces it with the full form and build-time answer in the page's
final HTML. So Python-Markdown never parses the ~36 KB of form HTML a code page carries, and
Material's search, which indexes the page before ``on_post_page``, never indexes the forms (every
locality name of the fee calculator's picker would otherwise sit in each page's search entry).

No arithmetic and no billing rule here: this module chooses which inputs a page offers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from macros.forms import Calculator, Field, Rows, Table, assemble_request, handle, render

# Example inputs (not fee-schedule facts): a visit the CMS manual's examples resemble, and the
# seed page's four-hour work-hardening session.
EXAMPLE_VISIT = (("97110", "33"), ("97140", "7"))
EXAMPLE_SESSION_MINUTES = "240"
EXAMPLE_PAYERS = {"percent": "110", "conversion_factor": "40.00", "flat_rate": "75.00"}

METHOD_OPTIONS = (
    ("cms", "Medicare: total timed minutes of the day (CMS)"),
    ("ama", "Per code: each code on its own (midpoint rule)"),
)
SETTING_OPTIONS = (("non_facility", "Office or clinic (non-facility)"), ("facility", "Facility"))
MODIFIER_OPTIONS = (
    ("", "None"),
    ("CQ", "CQ: by a physical therapist assistant"),
    ("CO", "CO: by an occupational therapy assistant"),
)
PAYER_OPTIONS = (
    ("medicare", "Medicare"),
    ("percent_of_medicare", "Percent of Medicare"),
    ("contract_cf", "Contract conversion factor"),
    ("flat_rate", "Flat rate per unit"),
)
APM_OPTIONS = (("non_qp", "Not a qualifying APM participant"), ("qp", "Qualifying APM participant"))
LOCATE_OPTIONS = (("name", "By name"), ("zip", "By ZIP code"))


# ---------------------------------------------------------------- calc/ at build time


@lru_cache(maxsize=1)
def _releases() -> dict[str, Any]:
    """The years calc/ holds fee data for, as its "releases" kind answers them."""
    return handle({"kind": "releases"})


def _fee_years() -> tuple[str, ...]:
    """Years the fee data covers, newest first (never typed here)."""
    return tuple(str(entry["year"]) for entry in _releases()["years"])


@lru_cache(maxsize=4)
def _localities(year: str) -> tuple[tuple[str, str], ...]:
    answer = handle({"kind": "localities", "year": int(year)})
    options = [(str(loc["id"]), _locality_label(loc)) for loc in answer.get("localities", [])]
    if not any(value == "national" for value, _ in options):
        options.insert(0, ("national", "National (no locality adjustment)"))
    return tuple(options)


def _locality_label(loc: dict[str, Any]) -> str:
    state = f"{loc['state']}: " if loc.get("state") else ""
    return f"{state}{loc['name']} ({loc['id']})"


def _default_fee_year() -> str:
    """The newest year priced by locality (a year with national amounts only comes later)."""
    year = _releases().get("newest_locality_year") or _releases().get("newest_year")
    return str(year) if year else ""


# ---------------------------------------------------------------- the calculators


def _units_columns() -> tuple[tuple[str, str], ...]:
    return (("code", "Code"), ("minutes", "Minutes"), ("units", "Units"), ("reason", "Why"))


UNITS_TOTALS = (
    ("timed_minutes", "Timed minutes"),
    ("timed_units", "Timed units"),
    ("untimed_units", "Untimed units"),
    ("hour_block_minutes", "Session minutes"),
    ("hour_block_units", "Hour-block units"),
)


def _place_fields(year: str, locality: str) -> tuple[Field, ...]:
    """Year, locality by name or ZIP code, and setting: where and when a service is priced."""
    return (
        Field(
            "year",
            "Year",
            "year",
            year,
            kind="select",
            number=True,
            options=tuple((y, y) for y in _fee_years()),
        ),
        Field("_by", "Find the locality", "", "name", kind="select", options=LOCATE_OPTIONS),
        Field(
            "loc", "Locality", "locality", locality, kind="select", options=_localities(year), when="_by=name"
        ),
        Field(
            "zip",
            "ZIP code",
            "zip",
            "",
            when="_by=zip",
            hint="Five digits; the fee schedule's ZIP file gives the locality.",
        ),
        Field("set", "Setting", "setting", "non_facility", kind="select", options=SETTING_OPTIONS),
    )


def _payer_fields(options: tuple[tuple[str, str], ...]) -> tuple[Field, ...]:
    """The payer model and the figure each model other than Medicare needs."""
    return (
        Field("payer", "Payer", "payer.type", "medicare", kind="select", options=options),
        Field(
            "pct",
            "Percent of Medicare",
            "payer.percent",
            EXAMPLE_PAYERS["percent"],
            when="payer=percent_of_medicare",
        ),
        Field(
            "cf",
            "Contract conversion factor",
            "payer.conversion_factor",
            EXAMPLE_PAYERS["conversion_factor"],
            when="payer=contract_cf",
            hint="Dollars, for example 40.00.",
        ),
    )


APM_FIELD = Field(
    "apm",
    "APM status",
    "apm",
    "non_qp",
    kind="select",
    options=APM_OPTIONS,
    hint="From 2026 Medicare has two conversion factors: choose qualifying only for "
    "a qualifying participant in an Advanced APM.",
)
PRICE_FACTS = (
    ("locality.name", "Locality"),
    ("conversion_factor", "Conversion factor"),
    ("release.rvu", "RVU release"),
    ("release.gpci", "GPCI release"),
)
MONEY_KEYS = ("allowed", "deductible", "coinsurance", "patient_owes", "medicare_payment", "sequestration")


def session_calculator(code: str) -> Calculator:
    """Units for one hour-block session (work hardening): one minutes input."""
    return Calculator(
        id="units",
        title="Units for a session",
        intro=f"Enter the minutes of the session; the answer lists {code}'s primary block and add-on hours.",
        base={"kind": "units", "method": "cms", "services": [{"code": code}]},
        inputs=(
            Field(
                "min",
                "Session minutes",
                "services[0].minutes",
                EXAMPLE_SESSION_MINUTES,
                number=True,
                hint="Whole minutes, for example 240 for four hours.",
            ),
        ),
        columns=_units_columns(),
        totals=UNITS_TOTALS,
    )


def _service_rows(examples: Sequence[tuple[str, str]], count: int) -> Rows:
    return Rows(
        legend="Services",
        row_label="Service #",
        fields=(
            Field("c#", "Service # code", "services.code"),
            Field("m#", "Service # minutes", "services.minutes", number=True, optional=True),
        ),
        examples=tuple(examples),
        count=count,
        add_label="Add a service",
    )


def visit_units_calculator(examples: Sequence[tuple[str, str]], rows: int, calc_id: str) -> Calculator:
    return Calculator(
        id=calc_id,
        title="Units for a visit",
        intro="Enter the minutes of each service of one day; leave unused rows empty.",
        base={"kind": "units"},
        inputs=(
            Field("method", "Method", "method", "cms", kind="select", options=METHOD_OPTIONS),
            _service_rows(examples, rows),
        ),
        columns=_units_columns(),
        totals=UNITS_TOTALS,
    )


def fee_calculator(code: str) -> Calculator:
    year = _default_fee_year()
    return Calculator(
        id="fee",
        title="Fee",
        intro=f"The Medicare Physician Fee Schedule amount for {code}, or what another payer model pays.",
        base={"kind": "fee", "lines": [{"code": code, "modifiers": []}]},
        inputs=(
            *_place_fields(year, "national"),
            Field("u", "Units", "lines[0].units", "1", number=True),
            Field(
                "mod",
                "Assistant modifier",
                "lines[0].modifiers",
                "",
                kind="select",
                listed=True,
                options=MODIFIER_OPTIONS,
                optional=True,
            ),
            *_payer_fields(PAYER_OPTIONS),
            Field(
                "rate",
                f"Rate per unit of {code}",
                f"payer.rates.{code}",
                EXAMPLE_PAYERS["flat_rate"],
                when="payer=flat_rate",
                hint="Dollars, for example 75.00.",
            ),
            APM_FIELD,
        ),
        columns=(("code", "Code"), ("units", "Units"), ("allowed", "Allowed"), ("reason", "Why no amount")),
        totals=(
            ("allowed", "Allowed amount"),
            ("coinsurance", "Patient coinsurance"),
            ("patient_owes", "The patient owes"),
            ("medicare_payment", "Medicare pays"),
            ("sequestration", "Sequestration"),
            ("limiting_charge", "Limiting charge (non-participating)"),
        ),
        facts=PRICE_FACTS,
        money=(*MONEY_KEYS, "limiting_charge"),
    )


# The claim check's payer choice: Medicare, or any other payer. calc/ checks fee-schedule
# prices only for Medicare and reads nothing else of another payer here; "percent of Medicare"
# at 100 is simply the plainest payer request calc/ accepts for "not Medicare".
CHECK_PAYER_OPTIONS = (
    ("medicare", "Medicare"),
    ("percent_of_medicare", "Another payer (no Medicare price check)"),
)
CHECK_COLUMNS = (("severity", "Severity"), ("code", "Code"), ("message", "Finding"))
ClaimLine = tuple[str, str, str, str]  # code, units, modifiers, minutes documented


def _check_example(code: str, rule_type: str | None) -> list[ClaimLine]:
    """Example claim lines for a code page's claim check: one a payer would question, where
    the code invites one."""
    if rule_type == "hour_block_addon":
        return [(code, "2", "", "")]  # the add-on billed alone
    if rule_type == "hour_block":
        return [(code, "1", "", EXAMPLE_SESSION_MINUTES)]
    if rule_type == "timed_15":
        other = next(c for c, _ in EXAMPLE_VISIT if c != code)
        return [(code, "3", "GP", "33"), (other, "1", "GP", "7")]  # 3 units billed, 2 supported
    return [(code, "1", "", "")]


def modifiers_field(name: str, label: str, path: str, hint: str) -> Field:
    """A row's modifiers box: several in one box ("GP 59" or "GP,59"); calc says which exist."""
    return Field(name, label, path, listed=True, optional=True, hint=hint)


def _claim_rows(examples: Sequence[ClaimLine], count: int) -> Rows:
    """One row per claim line: what was billed and, to check its units, the minutes documented."""
    return Rows(
        legend="Claim lines",
        row_label="Line #",
        fields=(
            Field("l#c", "Line # code", "lines.code services.code"),
            Field("l#u", "Line # units", "lines.units", number=True, optional=True),
            modifiers_field(
                "l#m", "Line # modifiers", "lines.modifiers", "Several may be given: GP 59 or GP,59."
            ),
            Field("l#t", "Line # minutes documented", "services.minutes", number=True, optional=True),
        ),
        examples=tuple(examples),
        count=count,
        add_label="Add a line",
        needs=(("services", "minutes"),),  # a line without minutes: no units-versus-minutes check
    )


def check_calculator(lines: Sequence[ClaimLine], auth_code: str, rows: int) -> Calculator:
    """The claim check for one day's lines (calc kind "check")."""
    return Calculator(
        id="check",
        title="Claim check for a day's lines",
        intro=(
            "Enter the lines billed for one date of service, one row a line, with the minutes "
            "documented to check the units; leave unused rows empty. The check lists what a payer "
            "would deny."
        ),
        base={"kind": "check"},
        inputs=(
            Field("method", "Method for the minutes", "method", "cms", kind="select", options=METHOD_OPTIONS),
            Field("payer", "Payer", "payer.type", "medicare", kind="select", options=CHECK_PAYER_OPTIONS),
            Field("pct", "", "payer.percent", "100", kind="hidden", when="payer=percent_of_medicare"),
            _claim_rows(lines, rows),
            Field("acode", "Authorized code (optional)", "", auth_code, optional=True),
            Field(
                "auth",
                "Authorized units of that code (optional)",
                "authorized_units.{acode}",
                "",
                number=True,
                optional=True,
                hint="From the payer's authorization; leave empty when there is none.",
            ),
        ),
        columns=CHECK_COLUMNS,
        facts=(("release.rvu", "Fee-schedule release"),),
        rows="findings",
        empty="No problems found for these lines.",
        announce=("severity", "code", "message"),
    )


def _claim_check_html() -> str:
    """The claim check for a visit page: the example visit billed with one unit too many."""
    lines = [(code, "3" if i == 0 else "1", "GP", minutes) for i, (code, minutes) in enumerate(EXAMPLE_VISIT)]
    return render(check_calculator(lines, "", 4))


def _code_calculators_html(code: str, rule_type: str | None) -> str:
    """The calculators for a code page, chosen by the code's unit rule."""
    calcs: list[Calculator] = []
    if rule_type in ("hour_block", "hour_block_addon"):
        calcs.append(session_calculator(code))
    elif rule_type == "timed_15":
        other = next(c for c, _ in EXAMPLE_VISIT if c != code)
        calcs.append(visit_units_calculator(((code, "33"), (other, "7")), 3, "units"))
    calcs.append(fee_calculator(code))
    calcs.append(check_calculator(_check_example(code, rule_type), code, 3))
    return "\n".join(render(c) for c in calcs)


# An example visit like the (issue 9: 38 minutes of 97110, 15 of 97140, a low-complexity
# evaluation, 97530), all by a physical therapist, in Alabama in 2025, with made-up amounts for
# the year so far. 97530 has 10 minutes, not 6, so that no line of the example is $0.00.
EXAMPLE_ESTIMATE = {"year": "2025", "loc": "10112-00", "ytdpt": "1200.00", "ytdot": "600.00", "ded": "50.00"}
EXAMPLE_SERVICES = (
    ("97110", "38", "", "GP"),
    ("97140", "15", "", "GP"),
    ("97161", "", "", "GP"),
    ("97530", "10", "", "GP"),
)
ESTIMATE_PAYER_OPTIONS = PAYER_OPTIONS[:3]  # flat rates are per code: the fee calculator has them


def _estimate_rows(examples: Sequence[tuple[str, str, str, str]]) -> Rows:
    return Rows(
        legend="Services of the visit",
        row_label="Service #",
        fields=(
            Field("c#", "Service # code", "services.code"),
            Field("m#", "Service # minutes", "services.minutes", number=True, optional=True),
            Field(
                "u#",
                "Service # units",
                "services.units",
                number=True,
                optional=True,
                hint="Only for codes billed by count.",
            ),
            modifiers_field(
                "mod#", "Service # modifiers", "services.modifiers", "GP, GO or GN; CQ or CO; 59 ..."
            ),
        ),
        examples=tuple(examples),
        count=len(examples),
        add_label="Add a service",
    )


def visit_estimator() -> Calculator:
    """The whole visit in one answer (calc kind "visit"): units, amounts after the multiple
    procedure reduction across the visit, the patient's share, findings and the KX threshold."""
    return Calculator(
        id="visit",
        title="Visit estimate",
        intro=(
            "Enter each service of one date of service, one row a code, with its minutes (or units "
            "for codes billed by count) and modifiers; add or remove rows as needed."
        ),
        base={"kind": "visit"},
        inputs=(
            Field("method", "Method", "method", "cms", kind="select", options=METHOD_OPTIONS),
            *_payer_fields(ESTIMATE_PAYER_OPTIONS),
            *_place_fields(EXAMPLE_ESTIMATE["year"], EXAMPLE_ESTIMATE["loc"]),
            APM_FIELD,
            _estimate_rows(EXAMPLE_SERVICES),
            Field(
                "ytdpt",
                "PT and speech therapy allowed so far this year",
                "therapy_ytd.pt_slp",
                EXAMPLE_ESTIMATE["ytdpt"],
                optional=True,
                hint="Dollars, for the KX threshold; empty for none.",
            ),
            Field(
                "ytdot",
                "OT allowed so far this year",
                "therapy_ytd.ot",
                EXAMPLE_ESTIMATE["ytdot"],
                optional=True,
            ),
            Field(
                "ded",
                "Part B deductible still to meet",
                "deductible_remaining",
                EXAMPLE_ESTIMATE["ded"],
                optional=True,
                hint="Dollars; empty when it has been met.",
            ),
        ),
        columns=(
            ("code", "Code"),
            ("modifiers", "Modifiers"),
            ("minutes", "Minutes"),
            ("units", "Units"),
            ("allowed", "Allowed"),
            ("reason", "Why"),
        ),
        totals=(
            ("allowed", "Allowed for the visit"),
            ("deductible", "Deductible applied"),
            ("coinsurance", "Coinsurance"),
            ("medicare_payment", "Medicare pays"),
            ("sequestration", "Sequestration"),
            ("patient_owes", "The patient owes"),
        ),
        facts=(
            *PRICE_FACTS,
            ("kx.pt_slp.threshold", "KX threshold, PT and speech therapy"),
            ("kx.pt_slp.after", "PT and speech therapy this year, with this visit"),
            ("kx.ot.threshold", "KX threshold, OT"),
            ("kx.ot.after", "OT this year, with this visit"),
        ),
        money=(*MONEY_KEYS, "threshold", "after"),
        more=(Table("findings", "Claim findings", CHECK_COLUMNS, "No problems found for these services."),),
        csv_name="visit-estimate.csv",
        printable=True,
    )


def _visit_html() -> str:
    return render(visit_estimator()) + "\n" + _claim_check_html()


# ---------------------------------------------------------------- slots

_SLOT_KEY = re.compile(r"[A-Za-z0-9_:-]+")
SLOT = re.compile(r'<div class="calc-slot" data-calc-slot="([^"]*)"></div>')


def _slot(key: str) -> str:
    """The placeholder a page carries until :func:`expand_slots` puts the calculators in.
    One line, no blank line: Markdown passes it through as one raw HTML block."""
    if not _SLOT_KEY.fullmatch(key):
        raise ValueError(f"calculator slot key {key!r}: letters, digits, '_', ':' and '-' only")
    return f'<div class="calc-slot" data-calc-slot="{key}"></div>'


@lru_cache(maxsize=64)
def slot_html(key: str) -> str:
    """The calculators a slot stands for. Cached: a hand-written page embedding a code's
    calculators gets the HTML its code page rendered (bounded, so 10,000 code pages do not
    keep 10,000 forms in memory)."""
    kind, _, rest = key.partition(":")
    if kind == "code":
        code, _, rule_type = rest.partition(":")
        return _code_calculators_html(code, rule_type or None)
    if kind == "visit" and not rest:
        return _visit_html()
    if kind == "check" and not rest:
        return _claim_check_html()
    raise ValueError(f"unknown calculator slot {key!r}")


def expand_slots(html: str) -> str:
    """A page's final HTML with every calculator slot replaced by its calculators."""
    if "data-calc-slot" not in html:
        return html
    return SLOT.sub(lambda match: slot_html(match.group(1)), html)


def calculators_for_code(code: str, rule_type: str | None) -> str:
    """The slot of a code page's calculators, chosen by the code's unit rule (``timed_15``,
    ``untimed``, ``hour_block``, ``hour_block_addon`` or ``None``)."""
    return _slot(f"code:{code}:{rule_type or ''}")


def visit_calculator() -> str:
    """The slot of the several-codes visit calculator for its own page, then the claim check."""
    return _slot("visit")


def claim_check_calculator() -> str:
    """The slot of the claim check for a visit page (the example visit, one unit too many)."""
    return _slot("check")


def warmup_requests() -> list[dict[str, Any]]:
    """Default requests of the calculators (units, and a fee at national and at a locality):
    the browser worker answers them while starting, so calc/ has read its data files before
    the first real calculation (macros/site_assets.py puts them in the served manifest)."""
    fee = fee_calculator(EXAMPLE_VISIT[0][0])
    values = fee.example_values()
    requests = [assemble_request(fee, values)]
    localities = [value for value, _ in _localities(values["year"]) if value != "national"]
    if localities:
        requests.append(assemble_request(fee, {**values, "loc": localities[0]}))
    check = check_calculator(_check_example(EXAMPLE_VISIT[0][0], "timed_15"), "", 2)
    units = visit_units_calculator(EXAMPLE_VISIT, 2, "units")
    for calc in (units, session_calculator("97545"), check, visit_estimator()):
        requests.append(assemble_request(calc, calc.example_values()))
    return requests
