"""calc.fields: one parser per value, used by every kind; look-alike text is refused."""

from __future__ import annotations

import pytest

from calc import handle
from calc.claim import parse_modifiers
from calc.errors import FieldError
from calc.fields import parse_code, parse_minutes

LOOK_ALIKE_CODES = [
    "９７１１０",  # full-width digits
    "٩٧١١٠",  # Arabic-Indic digits
    "97１10",  # one full-width digit
    "ﬀ110",  # the 'ff' ligature upper-cases to 'FF'
    "G０283",
    "97110\u200b",  # zero-width space
    "ǅ7110",  # title-case digraph
    "97 10",
]


@pytest.mark.parametrize("raw", LOOK_ALIKE_CODES)
def test_look_alike_codes_are_refused_by_every_kind(raw: str) -> None:
    errors: list[FieldError] = []
    assert parse_code(raw, "code", errors) == "" and len(errors) == 1
    requests = [
        ({"kind": "units", "services": [{"code": raw, "minutes": 8}]}, "services[0].code"),
        ({"kind": "fee", "year": 2025, "lines": [{"code": raw}]}, "lines[0].code"),
        ({"kind": "check", "year": 2025, "lines": [{"code": raw}]}, "lines[0].code"),
        ({"kind": "units_table", "code": raw}, "code"),
    ]
    for request, field in requests:
        answer = handle(request)
        assert answer["ok"] is False and [e["field"] for e in answer["errors"]] == [field], answer


@pytest.mark.parametrize("raw", ["ＧＰ", "Gℙ", "G\u0660", "ﬀ", "G", "GPX", "", "  ", None, 5])
def test_look_alike_modifiers_are_refused(raw: object) -> None:
    errors: list[FieldError] = []
    assert parse_modifiers([raw], "m", errors) is None and len(errors) == 1


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [
        ("260", 260),
        ("4:20", 260),
        ("4h20m", 260),
        ("4h 20m", 260),
        ("4 h 20 min", 260),
        ("0:08", 8),
        ("2h", 120),
    ],
)
def test_session_lengths_as_clerks_type_them(raw: str, minutes: int) -> None:
    errors: list[FieldError] = []
    assert parse_minutes(raw, "m", errors) == minutes and errors == []


@pytest.mark.parametrize(
    "raw", ["4:60", "25:00", "4h20", "h", "m", "4.5h", "٤:٢٠", "４:20", ":20", "4:2", "1e3"]
)
def test_bad_session_lengths_are_refused(raw: str) -> None:
    errors: list[FieldError] = []
    assert parse_minutes(raw, "m", errors) == 0 and [e.field for e in errors] == ["m"]
