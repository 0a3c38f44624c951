"""Claim checks for one date of service."""

from __future__ import annotations

from pathlib import Path

from calc import handle
from calc.checks import check_request
from calc.importer import read_mue
from calc.schedule import MueLimit

FIXTURES = Path(__file__).parent / "fixtures"


def with_plan(lines):
    """Lines under a physical therapy plan of care (GP), unless a test gives modifiers."""
    return [{"modifiers": ["GP"], **line} for line in lines]


def findings(request, **kw):
    if "lines" in request:
        request = {**request, "lines": with_plan(request["lines"])}
    answer = check_request({"year": 2025, **request}, **kw)
    assert answer["ok"]
    return [(f["severity"], f["rule"], f["code"]) for f in answer["findings"]]


def test_addon_without_primary_is_an_error():
    answer = handle({"kind": "check", "year": 2025, "lines": [{"code": "97546", "units": 2}]})
    assert answer["ok"] and answer["kind"] == "check"
    first = answer["findings"][0]
    assert (first["severity"], first["rule"], first["code"]) == ("error", "addon_without_primary", "97546")
    assert "97545" in first["message"]


def test_addon_with_primary_is_fine():
    found = findings(
        {
            "lines": [{"code": "97545", "units": 1}, {"code": "97546", "units": 2}],
            "payer": {"type": "flat_rate", "rates": {"97545": "1"}},
        }
    )
    assert found == []


def test_zzz_addon_alone_from_the_rvu_file():
    # 99417 (prolonged services) has global period ZZZ and no unit rule in our data
    assert ("error", "addon_without_primary", "99417") in findings({"lines": [{"code": "99417", "units": 1}]})
    assert all(
        f[1] != "addon_without_primary"
        for f in findings({"lines": [{"code": "99215", "units": 1}, {"code": "99417", "units": 1}]})
    )


def test_mue_from_an_official_layout_file():
    table = {
        r["code"]: MueLimit(r["code"], int(r["mue"]), r["mai"])
        for r in read_mue(FIXTURES / "mue_practitioner_sample.csv")
    }
    # the fixture's (invented) MUE for 97110 is 4 per day (MAI 3)
    over = findings({"lines": [{"code": "97110", "units": 3}, {"code": "97110", "units": 2}]}, mue=table)
    assert ("error", "mue_exceeded", "97110") in over
    assert findings({"lines": [{"code": "97110", "units": 4}]}, mue=table) == []
    # MAI 1 is per line: two lines of 2 are fine, one line of 3 is not
    assert (
        findings({"lines": [{"code": "71046", "units": 2}, {"code": "71046", "units": 2}]}, mue=table) == []
    )
    assert ("error", "mue_exceeded", "71046") in findings(
        {"lines": [{"code": "71046", "units": 3}]}, mue=table
    )


def test_no_mue_table_skips_the_check():
    assert findings({"lines": [{"code": "97110", "units": 40}]}, mue={}) == []


def test_units_the_minutes_do_not_support():
    # 33 + 7 = 40 minutes -> 3 units under the CMS method: 97110 x 2, 97140 x 1
    request = {
        "method": "cms",
        "services": [{"code": "97110", "minutes": 33}, {"code": "97140", "minutes": 7}],
    }
    assert (
        findings({**request, "lines": [{"code": "97110", "units": 2}, {"code": "97140", "units": 1}]}) == []
    )
    assert ("error", "units_not_supported", "97110") in findings(
        {**request, "lines": [{"code": "97110", "units": 3}]}
    )
    # Under the AMA midpoint rule 7 minutes of 97140 bills nothing
    ama = {**request, "method": "ama", "lines": [{"code": "97140", "units": 1}]}
    assert ("error", "units_not_supported", "97140") in findings(ama)


def test_code_without_documented_minutes_is_a_warning():
    found = findings(
        {"services": [{"code": "97110", "minutes": 30}], "lines": [{"code": "97140", "units": 1}]}
    )
    assert ("warning", "units_not_supported", "97140") in found


def test_no_medicare_price():
    assert ("error", "no_medicare_price", "97014") in findings({"lines": [{"code": "97014", "units": 1}]})
    assert ("warning", "no_medicare_price", "97545") in findings({"lines": [{"code": "97545", "units": 1}]})
    assert (
        findings(
            {
                "lines": [{"code": "97014", "units": 1}],
                "payer": {"type": "percent_of_medicare", "percent": "100"},
            }
        )
        == []
    )


def test_units_beyond_authorization():
    found = findings({"lines": [{"code": "97110", "units": 3}], "authorized_units": {"97110": 2}})
    assert found == [("error", "units_over_authorization", "97110")]
    payer = {"type": "flat_rate", "rates": {"97110": "30.00"}, "authorized_units": {"97110": 1}}
    assert ("error", "units_over_authorization", "97110") in findings(
        {"lines": [{"code": "97110", "units": 2}], "payer": payer}
    )


def test_check_input_errors():
    answer = handle({"kind": "check", "lines": [{"code": "ZZZZZ", "units": -1}], "services": "x"})
    assert not answer["ok"]
    assert {e["field"] for e in answer["errors"]} >= {"lines[0].code", "lines[0].units"}
    answer = handle(
        {
            "kind": "check",
            "lines": [{"code": "97110", "units": 1}],
            "services": [{"code": "97110", "minutes": -5}],
        }
    )
    assert not answer["ok"] and answer["errors"][0]["field"] == "services[0].minutes"


def test_therapy_code_without_a_plan_of_care_modifier():
    # The case: 97530 and 97140 billed without GP answered "No problems found".
    answer = handle({"kind": "check", "year": 2025, "lines": [{"code": "97530"}, {"code": "97140"}]})
    found = [(f["rule"], f["code"]) for f in answer["findings"]]
    assert found == [("therapy_modifier_missing", "97530"), ("therapy_modifier_missing", "97140")]
    conflict = findings({"lines": [{"code": "97110", "modifiers": ["GP", "GO"]}]})
    assert conflict == [("error", "therapy_modifier_conflict", "97110")]
    # A code without a unit rule here (99213) is not a therapy code of this reference.
    assert findings({"lines": [{"code": "99213", "modifiers": []}]}) == []


def test_findings_never_repeat_the_code_in_the_message():
    request = {
        "kind": "check",
        "year": 2025,
        "lines": [{"code": "97546", "units": 3}, {"code": "97140", "units": 2}, {"code": "97014"}],
        "services": [{"code": "97140", "minutes": 7}],
        "authorized_units": {"97140": 1},
    }
    answer = handle(request)
    assert len(answer["findings"]) >= 5
    for finding in answer["findings"]:
        assert not finding["message"].startswith(finding["code"]), finding


def test_the_check_says_what_it_does_not_check():
    answer = handle({"kind": "check", "year": 2025, "lines": [{"code": "97110", "modifiers": ["GP"]}]})
    assert answer["findings"] == []
    not_checked = " | ".join(answer["not_checked"])
    assert "NCCI procedure-to-procedure pairs: no edit file is loaded" in not_checked
    assert "MUE" in not_checked and "no minutes were given" in not_checked


def test_minutes_on_the_lines_are_the_documented_minutes():
    lines = [{"code": "97110", "units": 3, "minutes": 33}, {"code": "97140", "units": 1, "minutes": 7}]
    assert ("error", "units_not_supported", "97110") in findings({"lines": lines})
    assert findings({"lines": [{**lines[0], "units": 2}, lines[1]]}) == []


def test_bad_minutes_on_a_line_are_reported_under_the_line():
    answer = handle(
        {"kind": "check", "year": 2025, "lines": [{"code": "97110"}, {"code": "97140", "minutes": "abc"}]}
    )
    assert answer["ok"] is False and [e["field"] for e in answer["errors"]] == ["lines[1].minutes"]


def test_untimed_code_needs_no_minutes():
    request = {
        "services": [{"code": "97110", "minutes": 30}],
        "lines": [{"code": "97161"}, {"code": "97110", "units": 2}],
    }
    assert findings(request) == []
