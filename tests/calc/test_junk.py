"""Junk in, a clear refusal out: malformed requests of every shape get ``ok: false`` with a
field and a message, never an exception, never an internal-error answer, never a huge echo.

In the manner of python-stdnum's tests: throw what a broken form, a hand-edited URL or a
hostile script could send, and hold the seam to its promise (DESIGN.md, "The JSON seam").
"""

from __future__ import annotations

import json

import pytest

from calc import handle
from calc.claim import MAX_LINES, MAX_MODIFIERS
from calc.jsontext import read_request
from calc.units import MAX_SERVICES


def nested(depth: int) -> list[object]:
    outer: list[object] = []
    inner = outer
    for _ in range(depth):
        deeper: list[object] = []
        inner.append(deeper)
        inner = deeper
    return outer


DEEP = nested(5000)
HUGE_INT = 10**5000
HUGE_TEXT = "9" * 1_000_000
FEE = {"kind": "fee", "year": 2025, "lines": [{"code": "97110", "units": 1}]}
UNITS = {"kind": "units", "services": [{"code": "97110", "minutes": 33}]}
CHECK = {"kind": "check", "year": 2025, "lines": [{"code": "97110", "units": 1}]}


VISIT = {"kind": "visit", "year": 2025, "services": [{"code": "97110", "minutes": 33, "modifiers": ["GP"]}]}


def visit_service(**changes: object) -> dict[str, object]:
    return {**VISIT, "services": [{"code": "97110", "minutes": 33, "modifiers": ["GP"], **changes}]}


def fee_line(**changes: object) -> dict[str, object]:
    return {**FEE, "lines": [{"code": "97110", "units": 1, **changes}]}


def service(**changes: object) -> dict[str, object]:
    return {**UNITS, "services": [{"code": "97110", "minutes": 33, **changes}]}


def payer(**fields: object) -> dict[str, object]:
    return {**FEE, "payer": fields}


# (name, request, the field the answer must blame)
JUNK: list[tuple[str, object, str]] = [
    # deep nesting where a list or a value belongs
    ("deep services", {**UNITS, "services": DEEP}, "services[0]"),
    ("deep lines", {**FEE, "lines": DEEP}, "lines[0]"),
    ("deep minutes", service(minutes=DEEP), "services[0].minutes"),
    ("deep rate", payer(type="flat_rate", rates={"97110": DEEP}), "payer.rates.97110"),
    ("deep kind", {"kind": DEEP}, "kind"),
    # numbers far too big (str() of such an int raises on CPython)
    ("huge minutes", service(minutes=HUGE_INT), "services[0].minutes"),
    ("huge units", fee_line(units=HUGE_INT), "lines[0].units"),
    ("huge year", {**FEE, "year": HUGE_INT}, "year"),
    ("huge code", service(code=HUGE_INT), "services[0].code"),
    ("huge percent", payer(type="percent_of_medicare", percent=HUGE_INT), "payer.percent"),
    ("huge contract cf", payer(type="contract_cf", conversion_factor=HUGE_INT), "payer.conversion_factor"),
    ("huge rate", payer(type="flat_rate", rates={"97545": HUGE_INT}), "payer.rates.97545"),
    ("huge authorization", {**CHECK, "authorized_units": {"97110": HUGE_INT}}, "authorized_units.97110"),
    ("negative huge minutes", service(minutes=-HUGE_INT), "services[0].minutes"),
    # texts far too long
    ("long code", service(code=HUGE_TEXT), "services[0].code"),
    ("long fee code", fee_line(code=HUGE_TEXT), "lines[0].code"),
    ("long minutes text", service(minutes="x" * 1_000_000), "services[0].minutes"),
    ("long units text", fee_line(units=HUGE_TEXT), "lines[0].units"),
    ("long locality", {**FEE, "locality": HUGE_TEXT}, "locality"),
    ("long zip", {"kind": "zip", "zip": HUGE_TEXT}, "zip"),
    ("long rate key", payer(type="flat_rate", rates={HUGE_TEXT: "x"}), "payer.rates"),
    # lists far too long
    ("many services", {**UNITS, "services": [{"code": "97110", "minutes": 1}] * 10_000}, "services"),
    ("many lines", {**FEE, "lines": [{"code": "97110", "units": 1}] * 10_000}, "lines"),
    ("many check lines", {**CHECK, "lines": [{"code": "97110", "units": 1}] * 10_000}, "lines"),
    ("many modifiers", fee_line(modifiers=["GP"] * 10_000), "lines[0].modifiers"),
    ("many rates", payer(type="flat_rate", rates={f"{n:05d}": "1.00" for n in range(10_000)}), "payer.rates"),
    (
        "many authorizations",
        {**CHECK, "authorized_units": {f"{n:05d}": 1 for n in range(10_000)}},
        "authorized_units",
    ),
    # unicode
    ("full-width code", service(code="\uff19\uff17\uff11\uff11\uff10"), "services[0].code"),
    ("full-width minutes", service(minutes="\uff13\uff13"), "services[0].minutes"),
    ("superscript units", fee_line(units="\u00b2"), "lines[0].units"),
    ("superscript year", {**FEE, "year": "\u00b2\u00b9"}, "year"),
    ("lone surrogate code", service(code="\ud800"), "services[0].code"),
    ("NUL in code", service(code="97110\x00"), "services[0].code"),
    ("emoji modifier", fee_line(modifiers=["\U0001f600"]), "lines[0].modifiers"),
    ("arabic-indic zip", {"kind": "zip", "zip": "\u0663\u0665\u0662\u0660\u0661"}, "zip"),
    # NaN and Infinity, as floats and as text
    ("nan minutes", service(minutes=float("nan")), "services[0].minutes"),
    ("NaN text minutes", service(minutes="NaN"), "services[0].minutes"),
    ("inf units", fee_line(units=float("inf")), "lines[0].units"),
    ("Infinity text units", fee_line(units="Infinity"), "lines[0].units"),
    ("Infinity text percent", payer(type="percent_of_medicare", percent="Infinity"), "payer.percent"),
    ("nan text rate", payer(type="flat_rate", rates={"97545": "nan"}), "payer.rates.97545"),
    ("-inf year", {**FEE, "year": float("-inf")}, "year"),
    # booleans where whole numbers belong
    ("true minutes", service(minutes=True), "services[0].minutes"),
    ("false units", fee_line(units=False), "lines[0].units"),
    ("true year", {**FEE, "year": True}, "year"),
    ("true code", service(code=True), "services[0].code"),
    ("true authorization", {**CHECK, "authorized_units": {"97110": True}}, "authorized_units.97110"),
    ("true percent", payer(type="percent_of_medicare", percent=True), "payer.percent"),
    # an object where a list belongs, and the reverse
    ("object services", {**UNITS, "services": {"code": "97110", "minutes": 3}}, "services"),
    ("object lines", {**FEE, "lines": {"code": "97110"}}, "lines"),
    ("object modifiers", fee_line(modifiers={"GP": True}), "lines[0].modifiers"),
    ("list payer", {**FEE, "payer": ["medicare"]}, "payer.type"),
    ("list rates", payer(type="flat_rate", rates=["97545", "150.00"]), "payer.rates"),
    ("list authorizations", {**CHECK, "authorized_units": [["97110", 1]]}, "authorized_units"),
    ("list method", {**UNITS, "method": ["cms"]}, "method"),
    ("object setting", {**FEE, "setting": {}}, "setting"),
    ("list apm", {**FEE, "apm": []}, "apm"),
    ("object date", {**FEE, "date_of_service": {}}, "date_of_service"),
    ("object check services", {**CHECK, "services": {}}, "services"),
    ("service as a text", {**UNITS, "services": ["97110"]}, "services[0]"),
    ("service of three", {**UNITS, "services": [["97110", 3, 4]]}, "services[0]"),
    ("line as a number", {**FEE, "lines": [97110]}, "lines[0]"),
    # nothing where something belongs
    ("null services", {**UNITS, "services": None}, "services"),
    ("null lines", {**FEE, "lines": None}, "lines"),
    ("null minutes", service(minutes=None), "services[0].minutes"),
    ("empty code", service(code="  "), "services[0].code"),
    # a year without a locality file: the year is at fault, not a locality nobody gave
    ("zip in 2026", {"kind": "zip", "zip": "35201", "year": 2026}, "year"),
    # the kinds added for the visit estimator and the site build
    ("visit deep services", {**VISIT, "services": DEEP}, "services[0]"),
    ("visit huge minutes", visit_service(minutes=HUGE_INT), "services[0].minutes"),
    ("visit long session text", visit_service(minutes="4h" + "2" * 100_000 + "m"), "services[0].minutes"),
    ("visit full-width session", visit_service(minutes="\uff14:\uff12\uff10"), "services[0].minutes"),
    ("visit many modifiers text", visit_service(modifiers="GP " * 10_000), "services[0].modifiers"),
    ("visit ligature modifier", visit_service(modifiers=["\ufb00"]), "services[0].modifiers"),
    ("visit huge ytd", {**VISIT, "therapy_ytd": {"pt_slp": HUGE_TEXT}}, "therapy_ytd.pt_slp"),
    ("visit deep ytd", {**VISIT, "therapy_ytd": DEEP}, "therapy_ytd"),
    ("visit nan deductible", {**VISIT, "deductible_remaining": "NaN"}, "deductible_remaining"),
    (
        "visit deep hourly rate",
        {**VISIT, "payer": {"type": "flat_rate", "hourly_rates": {"97545": DEEP}}},
        "payer.hourly_rates.97545",
    ),
    ("visit many services", {**VISIT, "services": [{"code": "97110", "minutes": 1}] * 10_000}, "services"),
    ("program huge year", {"kind": "program", "year": HUGE_INT}, "year"),
    ("program deep date", {"kind": "program", "date_of_service": DEEP}, "date_of_service"),
    (
        "units table huge max",
        {"kind": "units_table", "code": "97110", "max_minutes": HUGE_INT},
        "max_minutes",
    ),
    ("units table long code", {"kind": "units_table", "code": HUGE_TEXT}, "code"),
]


def refusal(request: object) -> dict[str, str]:
    """The answer's errors by field, after checking the error answer's shape."""
    answer = handle(request)
    assert answer["ok"] is False, answer
    assert set(answer) == {"ok", "kind", "errors", "steps", "warnings"}
    assert len(json.dumps(answer)) < 2_000, "an error answer must not echo the junk back"
    messages = {}
    for error in answer["errors"]:
        assert set(error) == {"field", "message"}
        assert error["message"] and "could not answer" not in error["message"], error
        messages[error["field"]] = error["message"]
    return messages


@pytest.mark.parametrize(("name", "request_", "field"), JUNK, ids=[j[0] for j in JUNK])
def test_junk_is_refused_with_field_and_message(name: str, request_: object, field: str) -> None:
    assert field in refusal(request_)


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        (
            {**UNITS, "services": [{"code": "97110", "minutes": 1}] * (MAX_SERVICES + 1)},
            f"at most {MAX_SERVICES} services",
        ),
        ({**FEE, "lines": [{"code": "97110", "units": 1}] * (MAX_LINES + 1)}, f"at most {MAX_LINES} lines"),
        (fee_line(modifiers=["GP"] * (MAX_MODIFIERS + 1)), f"up to {MAX_MODIFIERS}"),
    ],
)
def test_size_limits_say_what_the_limit_is(request_: dict[str, object], words: str) -> None:
    assert any(words in m for m in refusal(request_).values())


def test_requests_at_the_size_limits_are_answered() -> None:
    assert handle({**UNITS, "services": [{"code": "97110", "minutes": 1}] * MAX_SERVICES})["ok"]
    assert handle({**FEE, "lines": [{"code": "97110", "units": 1}] * MAX_LINES})["ok"]
    assert handle(fee_line(modifiers=["GP", "KX", "59", "CQ"][:MAX_MODIFIERS]))["ok"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[" * 10_000, "nested too deeply"),
        ('{"kind": "units", "minutes": 1' + "0" * 6000 + "}", "number too long"),
        ("{'kind': 'units'}", "not valid JSON"),
        ("", "is empty"),
    ],
)
def test_command_line_reader_refuses_unreadable_json(text: str, words: str) -> None:
    answer = read_request(text)
    assert answer["ok"] is False and words in str(answer["errors"])
