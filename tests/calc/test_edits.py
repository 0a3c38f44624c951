"""NCCI PTP edits in the claim check, the visit answer and the "edits" kind, with small edit
files written in the official layout of CMS's practitioner PTP files (tab-delimited: a title
line, the header, then column 1, column 2, prior-to-1996 flag, effective date, deletion date,
modifier indicator, rationale) and imported with the real importer into an in-memory data folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

import pytest

from calc import handle, schedule
from calc.edits import NO_EDIT_FILE
from calc.importer import build

TITLE = "TEST FIXTURE in the layout of the CMS practitioner PTP edit files; invented edits, not CMS edits."
HEADER = (
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\t"
    "Modifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale"
)
ROWS = (
    ("97140", "97530", "20200101", "*", "0", "Mutually exclusive procedures"),
    ("97110", "97112", "20000101", "*", "1", "Misuse of column two code with column one code"),
    ("97161", "97140", "20200101", "20201231", "1", "Standards of medical / surgical practice"),
    ("97116", "97110", "20200101", "*", "9", "CPT Manual or CMS manual coding instructions"),
    ("97150", "97140", "20260701", "*", "1", "CPT Manual or CMS manual coding instructions"),
)


def ptp_file(rows: tuple[tuple[str, ...], ...] = ROWS) -> bytes:
    lines = [
        TITLE,
        HEADER,
        *("\t".join((a, b, "", eff, dele, mod, why)) for a, b, eff, dele, mod, why in rows),
    ]
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def package_data() -> dict[str, bytes]:
    folder = resources.files("calc").joinpath("data")
    return {entry.name: entry.read_bytes() for entry in folder.iterdir() if entry.is_file()}


@pytest.fixture(scope="module")
def imported() -> dict[str, bytes]:
    """The package's data with the edit file imported (one import for the module: it re-reads
    every release)."""
    return build({"ptp/ccipra_f1.txt": ptp_file()}, package_data()).files


@pytest.fixture
def with_edits(imported: dict[str, bytes]) -> Iterator[str]:
    schedule.use_data(imported)
    try:
        yield str(schedule.edit_release())
    finally:
        schedule.use_data(None)


def check(lines: list[dict[str, object]], **extra: object) -> dict[str, object]:
    answer = handle({"kind": "check", "year": 2025, "lines": lines, **extra})
    assert answer["ok"], answer
    return answer


def ptp(answer: dict[str, object]) -> list[tuple[str, str]]:
    findings = answer["findings"]
    assert isinstance(findings, list)
    return [(f["code"], f["severity"]) for f in findings if f["rule"] == "ncci_ptp"]


def gp(code: str, *more: str) -> dict[str, object]:
    return {"code": code, "units": 1, "modifiers": ["GP", *more]}


def test_without_an_edit_file_not_checked_says_so_and_no_pair_is_flagged():
    answer = check([gp("97140"), gp("97530")])
    assert NO_EDIT_FILE in answer["not_checked"] and ptp(answer) == []


def test_indicator_0_is_an_error_on_the_column_2_code_whatever_the_modifier(with_edits):
    for modifier in ((), ("59",)):
        answer = check([gp("97140"), gp("97530", *modifier)])
        assert ptp(answer) == [("97530", "error")]
        message = next(f["message"] for f in answer["findings"] if f["rule"] == "ncci_ptp")
        assert "97140" in message and "indicator 0" in message and with_edits in message
    assert NO_EDIT_FILE not in answer["not_checked"]


@pytest.mark.parametrize("modifier", ["59", "XE", "XS", "XP", "XU"])
def test_indicator_1_is_cleared_by_a_distinct_service_modifier_on_either_code(with_edits, modifier):
    assert ptp(check([gp("97110"), gp("97112")])) == [("97112", "error")]
    assert ptp(check([gp("97110"), gp("97112", modifier)])) == []
    # SE1418 (revised 2020): CMS accepts the modifier on the column-1 code too
    assert ptp(check([gp("97110", modifier), gp("97112")])) == []
    # a modifier on a third code's line does not clear the pair
    assert ptp(check([gp("97110"), gp("97112"), gp("97116", modifier)])) == [("97112", "error")]


def test_indicator_9_and_unpaired_codes_have_no_finding(with_edits):
    assert ptp(check([gp("97116"), gp("97110")])) == []
    assert ptp(check([gp("97110"), gp("97530")])) == []


def test_edits_apply_from_their_effective_date_through_their_deletion_date(with_edits):
    # 97161 / 97140 was deleted at the end of 2020; 97150 / 97140 starts on 2026-07-01
    assert ptp(check([gp("97161"), gp("97140")])) == []
    lines = [gp("97150"), gp("97140")]
    request = {"kind": "check", "date_of_service": "2026-06-30", "lines": lines}
    assert ptp(handle(request)) == []
    assert ptp(handle({**request, "date_of_service": "2026-07-01"})) == [("97140", "error")]


def test_the_visit_answer_carries_the_same_findings(with_edits):
    request = {
        "kind": "visit",
        "year": 2025,
        "services": [
            {"code": "97140", "minutes": 15, "modifiers": ["GP"]},
            {"code": "97530", "minutes": 15, "modifiers": ["GP"]},
        ],
    }
    answer = handle(request)
    assert answer["ok"], answer
    assert ptp(answer) == [("97530", "error")]
    assert NO_EDIT_FILE not in answer["not_checked"]


def test_edits_kind_lists_partners_with_indicator_and_release(with_edits):
    answer = handle({"kind": "edits", "code": "97140", "date_of_service": "2026-07-01"})
    assert answer["ok"] and answer["release"] == with_edits and answer["message"] is None
    partners = {p["code"]: p for p in answer["partners"]}
    assert set(partners) == {"97530", "97150"}  # 97161 was deleted in 2020
    assert partners["97530"]["modifier"] == "0" and partners["97530"]["column"] == 1
    assert partners["97150"]["modifier"] == "1" and partners["97150"]["column"] == 2
    assert partners["97150"]["release"] == with_edits


def test_edits_kind_without_an_edit_file_says_none_is_loaded():
    answer = handle({"kind": "edits", "code": "97140", "date_of_service": "2026-07-01"})
    assert answer["ok"] and answer["release"] is None and answer["partners"] == []
    assert "No NCCI edit file is loaded" in answer["message"]


def test_edits_kind_refuses_bad_input_naming_the_field():
    answer = handle({"kind": "edits", "code": "9714", "date_of_service": "July"})
    assert not answer["ok"]
    assert {e["field"] for e in answer["errors"]} == {"code", "date_of_service"}
    missing = handle({"kind": "edits", "code": "97140"})
    assert [e["field"] for e in missing["errors"]] == ["date_of_service"]
