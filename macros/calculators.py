"""Calculator forms for the pages, with the answer for their default inputs built in.

The site calls two functions (DESIGN.md, "Calculators in pages"):

- :func:`calculators_for_code` ``(code, rule_type) -> str``: the calculators a code page shows,
  chosen by the code's unit rule (``timed_15``, ``untimed``, ``hour_block``,
  ``hour_block_addon`` or ``None``).
- :func:`visit_calculator` ``() -> str``: the units calculator for several codes at once,
  followed by the claim check for a day's lines (:func:`claim_check_calculator`).

Each calculator is a plain HTML form that works without JavaScript: every input is labelled and
shows its default value, and the result region already holds the answer ``calc.handle`` gave for
those defaults when the site was built. ``docs/assets/javascripts/calculator.js`` later turns
the form into a live calculator: it assembles a request from the form (``data-calc-base`` plus
each field's ``data-path``), sends it to ``calc.handle`` running in Pyodide and renders the
answer into the same structure as :file:`templates/calculator_result.j2`.

Pages carry a slot, the HTML is put in after Markdown: those functions return a one-line
placeholder (``<div class="calc-slot" data-calc-slot="code:97110:timed_15"></div>``) naming
what to render, and :func:`expand_slots` (called by the ``on_post_page`` hook in
``macros/site_assets.py``) replaces it with the full form and build-time answer in the page's
final HTML. So Python-Markdown never parses the ~36 KB of form HTML a code page carries, and
Material's search, which indexes the page before ``on_post_page``, never indexes the forms (every
locality name of the fee calculator's picker would otherwise sit in each page's search entry).
The built page is the same complete page as before, JavaScript or not.

No arithmetic and no billing rule here: this module chooses which inputs a page offers and
lays out what ``calc/`` answered.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"

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


@dataclass(frozen=True)
class Field:
    """One input. ``path`` is where its value goes in the request (space-separated paths when
    it feeds several; ``[]`` stands for the index of its row). ``name`` is its query-string key
    and must be unique within a calculator. A field whose name starts with ``_`` only steers
    the form (``when``) and is never sent."""

    name: str
    label: str
    path: str
    default: str = ""
    kind: str = "text"  # text | select | hidden
    number: bool = False  # sent as a JSON number when it is a whole number
    options: tuple[tuple[str, str], ...] = ()
    optional: bool = False
    when: str | None = None  # "otherfield=value": the field is used only then
    pattern: str | None = None
    hint: str = ""

    def active(self, values: dict[str, str]) -> bool:
        if self.when is None:
            return True
        other, _, wanted = self.when.partition("=")
        return values.get(other) == wanted


@dataclass(frozen=True)
class Row:
    """A row of a list (a service of a visit): used only when one of its inputs is filled."""

    label: str
    fields: tuple[Field, ...]
    group: str = ""  # rows of one group share the numbering of "[]" (billed lines, minutes)


@dataclass(frozen=True)
class Calculator:
    id: str
    title: str
    intro: str
    base: dict[str, Any]
    inputs: tuple[Field | Row, ...]
    columns: tuple[tuple[str, str], ...]
    totals: tuple[tuple[str, str], ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    money: tuple[str, ...] = ()  # answer keys shown with a dollar sign
    rows: str = "lines"  # the answer's list shown as the table
    empty: str = ""  # said when that list is empty
    announce: tuple[str, ...] = ()  # keys read out per row by the status line (default: code x units)

    def all_fields(self) -> Iterable[Field]:
        for item in self.inputs:
            yield from (item.fields if isinstance(item, Row) else (item,))


# ---------------------------------------------------------------- request assembly
# The same few lines exist in calculator.js (assembleRequest); tests/browser checks that the
# browser's first live answer equals the build-time one, so the two cannot drift apart.

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_FIELD_KEY = re.compile(r"\{(\w+)\}")  # a key named by another field's value: authorized_units.{acode}


def _path_keys(path: str, values: dict[str, str]) -> list[str | int] | None:
    """The keys of a request path; ``{name}`` is the value of field ``name`` taken as one key
    (None when that field is empty)."""
    keys: list[str | int] = []
    for key, index in _TOKEN.findall(path):
        named = _FIELD_KEY.fullmatch(key)
        if named and not values.get(named.group(1), ""):
            return None
        keys.append(int(index) if index else values[named.group(1)] if named else key)
    return keys


def _set_path(request: dict[str, Any], keys: list[str | int], value: Any) -> None:
    node: Any = request
    for key, following in itertools.pairwise(keys):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(key, int):
            while len(node) <= key:
                node.append(None)
            if node[key] is None:
                node[key] = empty
        elif key not in node:
            node[key] = empty
        node = node[key]
    last = keys[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def _typed(f: Field, text: str) -> Any:
    """Whole numbers go as JSON numbers; anything else as typed, for calc/ to judge."""
    return int(text) if f.number and text.isdigit() else text


def assemble_request(calc: Calculator, values: dict[str, str]) -> dict[str, Any]:
    request = copy.deepcopy(calc.base)
    rows_used: dict[str, int] = {}
    for item in calc.inputs:
        if isinstance(item, Row):
            if not any(values.get(f.name, "") for f in item.fields if f.kind != "hidden"):
                continue
            fields, index = item.fields, rows_used.get(item.group, 0)
            rows_used[item.group] = index + 1
        else:
            fields, index = (item,), None
        for f in fields:
            text = values.get(f.name, "")
            if f.name.startswith("_") or not f.active(values) or (f.optional and text == ""):
                continue
            for path in f.path.split():
                keys = _path_keys(path.replace("[]", f"[{index}]"), values)
                if keys is not None:
                    _set_path(request, keys, _typed(f, text))
    return request


# ---------------------------------------------------------------- calc/ at build time


def _handle(request: dict[str, Any]) -> dict[str, Any]:
    import calc  # imported late: the content tools import this module without calc's data

    answer: dict[str, Any] = calc.handle(copy.deepcopy(request))
    return answer


@lru_cache(maxsize=1)
def _fee_years() -> tuple[str, ...]:
    """Years the fee data covers, newest first, as calc/ reports them (never typed here)."""
    from calc.schedule import known_years  # late, as in _handle

    return tuple(str(year) for year in reversed(known_years()))


@lru_cache(maxsize=4)
def _localities(year: str) -> tuple[tuple[str, str], ...]:
    answer = _handle({"kind": "localities", "year": int(year)})
    options = [(str(loc["id"]), _locality_label(loc)) for loc in answer.get("localities", [])]
    if not any(value == "national" for value, _ in options):
        options.insert(0, ("national", "National (no locality adjustment)"))
    return tuple(options)


def _locality_label(loc: dict[str, Any]) -> str:
    state = f"{loc['state']}: " if loc.get("state") else ""
    return f"{state}{loc['name']} ({loc['id']})"


def _default_fee_year() -> str:
    """The newest year priced by locality (a year with national amounts only comes later)."""
    years = _fee_years()
    for year in years:
        if len(_localities(year)) > 1:
            return year
    return years[0] if years else ""


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
                pattern=r"\d+",
                hint="Whole minutes, for example 240 for four hours.",
            ),
        ),
        columns=_units_columns(),
        totals=UNITS_TOTALS,
    )


def _visit_rows(first: Sequence[tuple[str, str]], count: int) -> tuple[Row, ...]:
    rows = []
    for i in range(count):
        code, minutes = first[i] if i < len(first) else ("", "")
        rows.append(
            Row(
                f"Service {i + 1}",
                (
                    Field(
                        f"c{i}",
                        f"Service {i + 1} code",
                        "services[].code",
                        code,
                        optional=True,
                        pattern=r"[A-Za-z0-9]{5}",
                    ),
                    Field(
                        f"m{i}",
                        f"Service {i + 1} minutes",
                        "services[].minutes",
                        minutes,
                        number=True,
                        optional=True,
                        pattern=r"\d+",
                    ),
                ),
            )
        )
    return tuple(rows)


def visit_units_calculator(first: Sequence[tuple[str, str]], rows: int, calc_id: str) -> Calculator:
    return Calculator(
        id=calc_id,
        title="Units for a visit",
        intro="Enter the minutes of each service of one day; leave unused rows empty.",
        base={"kind": "units", "services": []},
        inputs=(
            Field("method", "Method", "method", "cms", kind="select", options=METHOD_OPTIONS),
            *_visit_rows(first, rows),
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
                "loc",
                "Locality",
                "locality",
                "national",
                kind="select",
                options=_localities(year),
                when="_by=name",
            ),
            Field(
                "zip",
                "ZIP code",
                "zip",
                "",
                when="_by=zip",
                pattern=r"\d{5}",
                hint="Five digits; the fee schedule's ZIP file gives the locality.",
            ),
            Field("set", "Setting", "setting", "non_facility", kind="select", options=SETTING_OPTIONS),
            Field("u", "Units", "lines[0].units", "1", number=True, pattern=r"\d+"),
            Field(
                "mod",
                "Assistant modifier",
                "lines[0].modifiers[0]",
                "",
                kind="select",
                options=MODIFIER_OPTIONS,
                optional=True,
            ),
            Field("payer", "Payer", "payer.type", "medicare", kind="select", options=PAYER_OPTIONS),
            Field(
                "pct",
                "Percent of Medicare",
                "payer.percent",
                EXAMPLE_PAYERS["percent"],
                when="payer=percent_of_medicare",
                pattern=r"\d+(\.\d+)?",
            ),
            Field(
                "cf",
                "Contract conversion factor",
                "payer.conversion_factor",
                EXAMPLE_PAYERS["conversion_factor"],
                when="payer=contract_cf",
                pattern=r"\d+(\.\d{1,4})?",
                hint="Dollars, for example 40.00.",
            ),
            Field(
                "rate",
                f"Rate per unit of {code}",
                f"payer.rates.{code}",
                EXAMPLE_PAYERS["flat_rate"],
                when="payer=flat_rate",
                pattern=r"\d+(\.\d{2})?",
                hint="Dollars, for example 75.00.",
            ),
            Field(
                "apm",
                "APM status",
                "apm",
                "non_qp",
                kind="select",
                options=APM_OPTIONS,
                hint="From 2026 Medicare has two conversion factors: choose qualifying only for "
                "a qualifying participant in an Advanced APM.",
            ),
        ),
        columns=(("code", "Code"), ("units", "Units"), ("allowed", "Allowed"), ("reason", "Why no amount")),
        totals=(
            ("allowed", "Allowed amount"),
            ("coinsurance", "Patient coinsurance (20%)"),
            ("medicare_payment", "Medicare pays"),
            ("sequestration", "Sequestration"),
            ("limiting_charge", "Limiting charge (non-participating)"),
        ),
        facts=(
            ("locality.name", "Locality"),
            ("conversion_factor", "Conversion factor"),
            ("release.rvu", "RVU release"),
            ("release.gpci", "GPCI release"),
        ),
        money=("allowed", "coinsurance", "medicare_payment", "sequestration", "limiting_charge"),
    )


# The claim check's payer choice: Medicare, or any other payer. calc/ checks fee-schedule
# prices only for Medicare and reads nothing else of another payer here; "percent of Medicare"
# at 100 is simply the plainest payer request calc/ accepts for "not Medicare".
CHECK_PAYER_OPTIONS = (
    ("medicare", "Medicare"),
    ("percent_of_medicare", "Another payer (no Medicare price check)"),
)
CHECK_COLUMNS = (("severity", "Severity"), ("code", "Code"), ("message", "Finding"))


def _check_example(
    code: str, rule_type: str | None
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Default billed lines (code, units, modifier) and documented minutes (code, minutes) for a
    code page's claim check: an example a payer would question, where the code invites one."""
    if rule_type == "hour_block_addon":
        return [(code, "2", "")], []  # the add-on billed alone
    if rule_type == "hour_block":
        return [(code, "1", "")], [(code, EXAMPLE_SESSION_MINUTES)]
    if rule_type == "timed_15":
        other = next(c for c, _ in EXAMPLE_VISIT if c != code)
        return [(code, "3", "GP"), (other, "1", "GP")], [
            (code, "33"),
            (other, "7"),
        ]  # 3 units billed, 2 supported
    return [(code, "1", "")], []


def _line_rows(first: Sequence[tuple[str, str, str]], count: int) -> tuple[Row, ...]:
    rows = []
    for i in range(count):
        code, units, modifier = first[i] if i < len(first) else ("", "", "")
        rows.append(
            Row(
                f"Billed line {i + 1}",
                (
                    Field(f"l{i}c", f"Line {i + 1} code", "lines[].code", code, pattern=r"[A-Za-z0-9]{5}"),
                    Field(
                        f"l{i}u",
                        f"Line {i + 1} units",
                        "lines[].units",
                        units,
                        number=True,
                        optional=True,
                        pattern=r"\d+",
                    ),
                    Field(
                        f"l{i}m",
                        f"Line {i + 1} modifier",
                        "lines[].modifiers[0]",
                        modifier,
                        optional=True,
                        pattern=r"[A-Za-z0-9]{2}",
                    ),
                ),
                group="lines",
            )
        )
    return tuple(rows)


def _minutes_rows(first: Sequence[tuple[str, str]], count: int) -> tuple[Row, ...]:
    rows = []
    for i in range(count):
        code, minutes = first[i] if i < len(first) else ("", "")
        rows.append(
            Row(
                f"Documented minutes {i + 1}",
                (
                    Field(
                        f"s{i}c", f"Minutes {i + 1} code", "services[].code", code, pattern=r"[A-Za-z0-9]{5}"
                    ),
                    Field(
                        f"s{i}m",
                        f"Minutes {i + 1} minutes",
                        "services[].minutes",
                        minutes,
                        number=True,
                        pattern=r"\d+",
                    ),
                ),
                group="services",
            )
        )
    return tuple(rows)


def check_calculator(
    lines: Sequence[tuple[str, str, str]], minutes: Sequence[tuple[str, str]], auth_code: str, rows: int
) -> Calculator:
    """The claim check for one day's lines (calc kind "check")."""
    return Calculator(
        id="check",
        title="Claim check for a day's lines",
        intro=(
            "Enter the lines billed for one date of service and, to check the units, the minutes "
            "documented per code; leave unused rows empty. The check lists what a payer would deny."
        ),
        base={"kind": "check"},
        inputs=(
            Field("method", "Method for the minutes", "method", "cms", kind="select", options=METHOD_OPTIONS),
            Field("payer", "Payer", "payer.type", "medicare", kind="select", options=CHECK_PAYER_OPTIONS),
            Field("pct", "", "payer.percent", "100", kind="hidden", when="payer=percent_of_medicare"),
            *_line_rows(lines, rows),
            *_minutes_rows(minutes, rows),
            Field(
                "acode", "Authorized code (optional)", "", auth_code, optional=True, pattern=r"[A-Za-z0-9]{5}"
            ),
            Field(
                "auth",
                "Authorized units of that code (optional)",
                "authorized_units.{acode}",
                "",
                number=True,
                optional=True,
                pattern=r"\d+",
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
    lines = [(code, "3" if i == 0 else "1", "GP") for i, (code, _) in enumerate(EXAMPLE_VISIT)]
    return render(check_calculator(lines, EXAMPLE_VISIT, "", 4))


# ---------------------------------------------------------------- rendering


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tojson_attr"] = lambda value: json.dumps(value, separators=(",", ":"), sort_keys=True)
    env.globals["lookup"] = _lookup
    return env


def _lookup(answer: dict[str, Any], dotted: str) -> Any:
    node: Any = answer
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def render(calc: Calculator) -> str:
    values = {f.name: f.default for f in calc.all_fields()}
    request = assemble_request(calc, values)
    answer = _handle(request)
    if not answer.get("ok"):
        raise ValueError(
            f"calculator {calc.id}: the default inputs are refused by calc/: {answer.get('errors')}"
        )
    spec = {
        "columns": calc.columns,
        "totals": calc.totals,
        "facts": calc.facts,
        "money": calc.money,
        "rows": calc.rows,
        "empty": calc.empty,
        "announce": calc.announce,
    }
    html = _env().get_template("calculator.j2").render(calc=calc, answer=answer, spec=spec)
    # No blank lines and no indentation: Markdown must see one raw HTML block, never a
    # paragraph break or an indented code block, whatever page the calculator lands in.
    return "\n".join(line.strip() for line in html.splitlines() if line.strip())


def _code_calculators_html(code: str, rule_type: str | None) -> str:
    """The calculators for a code page, chosen by the code's unit rule."""
    calcs: list[Calculator] = []
    if rule_type in ("hour_block", "hour_block_addon"):
        calcs.append(session_calculator(code))
    elif rule_type == "timed_15":
        other = next(c for c, _ in EXAMPLE_VISIT if c != code)
        calcs.append(visit_units_calculator(((code, "33"), (other, "7")), 3, "units"))
    calcs.append(fee_calculator(code))
    lines, minutes = _check_example(code, rule_type)
    calcs.append(check_calculator(lines, minutes, code, 3))
    return "\n".join(render(c) for c in calcs)


def _visit_html() -> str:
    return render(visit_units_calculator(EXAMPLE_VISIT, 6, "visit")) + "\n" + _claim_check_html()


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
    values = {f.name: f.default for f in fee.all_fields()}
    requests = [assemble_request(fee, values)]
    localities = [value for value, _ in _localities(values["year"]) if value != "national"]
    if localities:
        requests.append(assemble_request(fee, {**values, "loc": localities[0]}))
    check = check_calculator(*_check_example(EXAMPLE_VISIT[0][0], "timed_15"), "", 2)
    for calc in (visit_units_calculator(EXAMPLE_VISIT, 2, "visit"), session_calculator("97545"), check):
        requests.append(assemble_request(calc, {f.name: f.default for f in calc.all_fields()}))
    return requests
