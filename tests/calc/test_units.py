"""Units: the CMS manual's worked examples, the minutes chart, AMA, untimed, hour blocks, errors.

Source of the CMS examples: Medicare Claims Processing Manual, Pub. 100-04, chapter 5,
section 20.2 ("Reporting of Service Units With HCPCS"), part C. What each case below rests on:

* Examples 1, 2 and 3: inputs and billing checked word for word against the manual's text
  (as reproduced in a 2015 coding article quoting §20.2).
* Example 4 (18 + 13 + 10 + 8 minutes): inputs checked; the billing (one unit each of 97110,
  97140 and 97116, none of 97035) checked against a secondary summary of the example, not
  against the manual's own wording.
* The paragraph on services of 7 minutes or less: "If any 15 minute timed service that is
  performed for 7 minutes or less ... on the same day as another 15 minute timed service that
  was also performed for 7 minutes or less and the total time of the two is 8 minutes or
  greater, then bill one unit for the service performed for the most minutes."
* NOT confirmed: a manual "Example 5" of three services of 7 minutes each (21 minutes, one
  unit, the therapist picks the code). The case is kept because it follows from the paragraph
  above, but it is labelled as that paragraph, not as a numbered example.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from calc.errors import FieldError, InputError
from calc.rules import (
    HourBlockAddonRule,
    HourBlockRule,
    RuleDataError,
    RuleSet,
    Timed15Rule,
    UnknownRuleError,
    UntimedRule,
    default_rules,
    parse_rules,
)
from calc.units import compute_units, parse_minutes, units_for_minutes, units_from_request


def units(
    services: Sequence[tuple[object, object]], method: str = "cms", rules: RuleSet | None = None
) -> dict[str, int]:
    return compute_units(services, method, rules).units_by_code()


# --- CMS 100-04 ch. 5 §20.2 worked examples --------------------------------------------------

CMS_EXAMPLES = [
    # Example 1: 47 minutes = 3 units; each service of 15+ minutes gets a unit, and the unit
    # left over goes "to the service that took the most time" (97112).
    ("example 1", [("97112", 24), ("97110", 23)], {"97112": 2, "97110": 1}),
    # Example 2: 40 minutes = 3 units; equal times, "choose either code for 2 units": we
    # choose the code listed first, every time.
    ("example 2", [("97112", 20), ("97110", 20)], {"97112": 2, "97110": 1}),
    ("example 2, other order", [("97110", 20), ("97112", 20)], {"97110": 2, "97112": 1}),
    # Example 3: 40 minutes = 3 units. "Count the first 30 minutes of 97110 as two full units.
    # Compare the remaining time for 97110 (33-30 = 3 minutes) to the time spent on 97140
    # (7 minutes) and bill the larger, which is 97140."
    ("example 3", [("97110", 33), ("97140", 7)], {"97110": 2, "97140": 1}),
    # Example 4: 49 minutes = 3 units. 97110's first 15 minutes are one full unit; its 3
    # remaining minutes lose to 97140 (13) and 97116 (10); 97035 (8) gets none.
    (
        "example 4",
        [("97110", 18), ("97140", 13), ("97116", 10), ("97035", 8)],
        {"97110": 1, "97140": 1, "97116": 1, "97035": 0},
    ),
    # 7-or-less paragraph, three equal services (21 minutes = 1 unit). Often cited as the
    # manual's "Example 5"; not confirmed against the manual text. Equal minutes: the manual
    # leaves the choice to the therapist; we take the code listed first, every time.
    (
        "three of 7 minutes (7-or-less paragraph)",
        [("97112", 7), ("97110", 7), ("97140", 7)],
        {"97112": 1, "97110": 0, "97140": 0},
    ),
    # Two services of 7 minutes or less totalling 8 or more: one unit, to the longer one.
    ("7 or less combine", [("97110", 3), ("97112", 5)], {"97110": 0, "97112": 1}),
    ("7 + 7", [("97112", 7), ("97110", 7)], {"97112": 1, "97110": 0}),
    # A single service under 8 minutes is not billed.
    ("single 7", [("97110", 7)], {"97110": 0}),
    # "If a service is performed for at least 15 minutes ... at least one unit".
    ("15 and 7", [("97110", 15), ("97140", 7)], {"97110": 1, "97140": 0}),
    ("30 and 8", [("97110", 30), ("97140", 8)], {"97110": 2, "97140": 1}),
]


@pytest.mark.parametrize(("name", "services", "expected"), CMS_EXAMPLES, ids=[c[0] for c in CMS_EXAMPLES])
def test_cms_manual_examples(name: str, services: list[tuple[str, int]], expected: dict[str, int]) -> None:
    assert units(services) == expected


def test_cms_example_3_totals_and_reasons() -> None:
    result = compute_units([("97110", 33), ("97140", 7)], "cms")
    assert result.totals.as_dict() == {
        "timed_minutes": 40,
        "timed_units": 3,
        "untimed_units": 0,
        "hour_block_minutes": 0,
        "hour_block_units": 0,
    }
    by_code = {line.code: line for line in result.lines}
    assert "remaining 3 minutes get no unit" in by_code["97110"].reason
    assert "leftover" in by_code["97140"].reason
    assert [s.label for s in result.steps][:2] == [
        "Total timed minutes",
        "Timed units for the day (8-22 = 1, 23-37 = 2, 38-52 = 3, ...)",
    ]


def test_cms_tie_reason_names_rival_and_rule() -> None:
    lines = {line.code: line for line in compute_units([("97112", 7), ("97110", 7)]).lines}
    assert "tied with 97110" in lines["97112"].reason
    assert "listed first" in lines["97112"].reason
    assert "tied with 97112" in lines["97110"].reason


def test_cms_tie_on_remainder_goes_to_longer_service() -> None:
    # 97110: 1 full unit + 5 remaining; 97140: 5 minutes. 25 minutes = 2 units.
    result = compute_units([("97140", 5), ("97110", 20)])
    assert result.units_by_code() == {"97140": 0, "97110": 2}
    assert "more minutes in all" in {ln.code: ln for ln in result.lines}["97110"].reason


def test_cms_under_8_minutes_in_the_day_says_so() -> None:
    line = compute_units([("97110", 3), ("97140", 4)]).lines[0]
    assert line.units == 0
    assert "under the 8 minutes" in line.reason


# --- the chart: 8-22 = 1, 23-37 = 2, ... continuing past 8 units ------------------------------


def chart_edges(top_units: int) -> list[tuple[int, int]]:
    """(minutes, units) at both edges of every band, from 0 up to ``top_units``."""
    edges = [(0, 0), (7, 0)]
    for n in range(1, top_units + 1):
        edges += [(15 * n - 7, n), (15 * n + 7, n)]
    return edges


CHART = chart_edges(12)


def test_chart_edges_include_the_manual_rows() -> None:
    for row in [
        (8, 1),
        (22, 1),
        (23, 2),
        (37, 2),
        (38, 3),
        (52, 3),
        (53, 4),
        (67, 4),
        (68, 5),
        (82, 5),
        (83, 6),
        (97, 6),
        (98, 7),
        (112, 7),
        (113, 8),
        (127, 8),
        (128, 9),
    ]:
        assert row in CHART


@pytest.mark.parametrize(("minutes", "expected"), CHART)
def test_chart_single_code_cms(minutes: int, expected: int) -> None:
    assert units_for_minutes(minutes) == expected
    assert units([("97110", minutes)]) == {"97110": expected}


@pytest.mark.parametrize(("minutes", "expected"), CHART)
def test_chart_total_time_split_over_two_codes(minutes: int, expected: int) -> None:
    half = minutes // 2
    result = compute_units([("97110", half), ("97112", minutes - half)])
    assert result.totals.timed_units == expected
    assert sum(line.units for line in result.lines) == expected


def test_chart_continues_for_long_days() -> None:
    assert units_for_minutes(24 * 60) == 96
    assert units([("97110", 600)]) == {"97110": 40}


# --- AMA / CPT midpoint rule -----------------------------------------------------------------

AMA_EXAMPLES = [
    ("33 + 7", [("97110", 33), ("97140", 7)], {"97110": 2, "97140": 0}),
    ("24 + 23", [("97112", 24), ("97110", 23)], {"97112": 2, "97110": 2}),
    ("7 + 7 + 7", [("97112", 7), ("97110", 7), ("97140", 7)], {"97112": 0, "97110": 0, "97140": 0}),
    ("8 + 8 + 8", [("97112", 8), ("97110", 8), ("97140", 8)], {"97112": 1, "97110": 1, "97140": 1}),
    (
        "example 4 minutes",
        [("97110", 18), ("97140", 13), ("97116", 10), ("97035", 8)],
        {"97110": 1, "97140": 1, "97116": 1, "97035": 1},
    ),
    ("22 and 23", [("97530", 22), ("97535", 23)], {"97530": 1, "97535": 2}),
]


@pytest.mark.parametrize(("name", "services", "expected"), AMA_EXAMPLES, ids=[c[0] for c in AMA_EXAMPLES])
def test_ama_each_code_on_its_own(
    name: str, services: list[tuple[str, int]], expected: dict[str, int]
) -> None:
    result = compute_units(services, "ama")
    assert result.units_by_code() == expected
    assert result.totals.timed_units == sum(expected.values())
    assert result.totals.timed_minutes == sum(m for _, m in services)
    assert result.method == "ama"


# --- untimed codes -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["cms", "ama"])
@pytest.mark.parametrize("minutes", [0, 1, 7, 45, 90])
def test_untimed_is_one_unit_per_session(method: str, minutes: int) -> None:
    result = compute_units([("97161", minutes), ("G0283", minutes), ("97010", minutes)], method)
    assert result.units_by_code() == {"97161": 1, "G0283": 1, "97010": 1}
    assert result.totals.untimed_units == 3
    assert result.totals.timed_minutes == 0
    assert all(line.rule == "untimed" for line in result.lines)


def test_untimed_minutes_never_count_toward_timed_units() -> None:
    # 97110 alone for 7 minutes bills nothing, however long the unattended e-stim ran.
    result = compute_units([("97110", 7), ("G0283", 15), ("97014", 15)])
    assert result.units_by_code() == {"97110": 0, "G0283": 1, "97014": 1}
    assert result.totals.timed_minutes == 7
    assert result.totals.timed_units == 0


def test_codes_are_normalized() -> None:
    assert units([(" g0283 ", 10)]) == {"G0283": 1}


def test_a_code_given_as_a_number_is_refused() -> None:
    # A number loses a code's leading zeros (00100); every kind asks for text.
    with pytest.raises(InputError) as caught:
        compute_units([(97110, 8)])
    assert caught.value.field == "services[0].code" and "as text" in caught.value.message


# --- hour block: work hardening 97545 + 97546 --------------------------------------------------

HOUR_BLOCK = [
    (0, 0, 0),
    (60, 0, 0),
    (119, 0, 0),
    (120, 1, 0),
    (121, 1, 0),
    (150, 1, 0),
    (151, 1, 1),
    (180, 1, 1),
    (210, 1, 1),
    (211, 1, 2),
    (240, 1, 2),
    (270, 1, 2),
    (271, 1, 3),
    (300, 1, 3),
    (330, 1, 3),
    (331, 1, 4),
    (360, 1, 4),
]


@pytest.mark.parametrize("code", ["97545", "97546"])
@pytest.mark.parametrize(("minutes", "initial", "addon"), HOUR_BLOCK)
def test_hour_block_sessions_0_to_6_hours(code: str, minutes: int, initial: int, addon: int) -> None:
    result = compute_units([(code, minutes)])
    assert result.units_by_code() == {"97545": initial, "97546": addon}
    assert [line.code for line in result.lines] == ["97545", "97546"]
    assert result.totals.hour_block_units == initial + addon
    assert result.totals.hour_block_minutes == minutes
    assert result.totals.timed_units == 0


def test_seed_example_four_hours() -> None:
    answer = compute_units([{"code": "97545", "minutes": 240}]).as_dict()
    lines = answer["lines"]
    assert isinstance(lines, list)
    assert [(ln["code"], ln["units"], ln["minutes"], ln["rule"]) for ln in lines] == [
        ("97545", 1, 120, "hour_block"),
        ("97546", 2, 120, "hour_block_addon"),
    ]


def test_hour_block_short_session_bills_nothing_and_says_why() -> None:
    result = compute_units([("97545", 90)])
    first, addon = result.lines
    assert first.units == 0 and "shorter than the 120 minutes" in first.reason
    assert "initial_threshold_minutes" in first.reason
    assert addon.units == 0 and "only with the initial block" in addon.reason
    assert result.warnings == (first.reason,)


def test_hour_block_part_hour_reasons() -> None:
    _first, addon = compute_units([("97545", 150)]).lines
    assert "do not count" in addon.reason and "31" in addon.reason
    _first, addon = compute_units([("97545", 151)]).lines
    assert "which counts" in addon.reason


def block_rules(threshold: int) -> RuleSet:
    return parse_rules(
        {
            "97545": {
                "type": "hour_block",
                "initial_minutes": 120,
                "initial_threshold_minutes": threshold,
                "addon": "97546",
                "addon_minutes": 60,
                "addon_threshold_minutes": 31,
            },
            "97546": {"type": "hour_block_addon", "primary": "97545"},
        }
    )


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (60, {"97545": 0, "97546": 0}),
        (61, {"97545": 1, "97546": 0}),
        (90, {"97545": 1, "97546": 0}),
        (120, {"97545": 1, "97546": 0}),
        (151, {"97545": 1, "97546": 1}),
    ],
)
def test_hour_block_midpoint_threshold_setting(minutes: int, expected: dict[str, int]) -> None:
    result = compute_units([("97545", minutes)], rules=block_rules(61))
    assert result.units_by_code() == expected
    if minutes == 90:
        assert "61-minute threshold" in result.lines[0].reason
        assert result.lines[1].minutes == 0


def test_hour_block_both_codes_listed_are_one_session() -> None:
    result = compute_units([("97545", 120), ("97546", 120)])
    assert result.units_by_code() == {"97545": 1, "97546": 2}
    assert len(result.warnings) == 1 and "one 97545 service of 240 minutes" in result.warnings[0]


def test_hour_block_with_timed_and_untimed_codes() -> None:
    result = compute_units([("97161", 0), ("97545", 240), ("97110", 23)])
    assert [(ln.code, ln.units) for ln in result.lines] == [
        ("97161", 1),
        ("97545", 1),
        ("97546", 2),
        ("97110", 2),
    ]
    assert result.totals.as_dict() == {
        "timed_minutes": 23,
        "timed_units": 2,
        "untimed_units": 1,
        "hour_block_minutes": 240,
        "hour_block_units": 3,
    }


# --- duplicates ------------------------------------------------------------------------------


def test_duplicate_timed_code_is_merged_with_warning() -> None:
    result = compute_units([("97110", 10), ("97140", 5), ("97110", 13)])
    assert [(ln.code, ln.minutes, ln.units) for ln in result.lines] == [("97110", 23, 2), ("97140", 5, 0)]
    assert result.warnings == (
        "97110 (10 min), 97110 (13 min) were counted as one 97110 service of 23 minutes (one line per code per visit).",
    )


def test_duplicate_untimed_code_counts_once() -> None:
    result = compute_units([("97161", 30), ("97161", 20)])
    assert result.units_by_code() == {"97161": 1}
    assert "counted once" in result.warnings[0]


# --- the answer shape (DESIGN.md, kind "units") ------------------------------------------------


def test_as_dict_shape() -> None:
    answer = units_from_request(
        {"method": "cms", "services": [{"code": "97110", "minutes": 33}, {"code": "97140", "minutes": "7"}]}
    ).as_dict()
    assert set(answer) == {"ok", "kind", "method", "lines", "totals", "steps", "warnings"}
    assert answer["ok"] is True and answer["kind"] == "units" and answer["method"] == "cms"
    assert answer["lines"] == [
        {
            "code": "97110",
            "units": 2,
            "minutes": 33,
            "rule": "timed_15",
            "reason": "2 units for 30 of 33 minutes; its remaining 3 minutes get no unit: the day's 3 units are all assigned.",
        },
        {
            "code": "97140",
            "units": 1,
            "minutes": 7,
            "rule": "timed_15",
            "reason": "No full 15-minute unit in 7 minutes; its remaining 7 minutes get one of the day's leftover units (most remaining minutes).",
        },
    ]
    steps = answer["steps"]
    assert isinstance(steps, list)
    for step in steps:
        assert set(step) == {"label", "inputs", "value"}
        assert isinstance(step["value"], str)
        assert all(isinstance(v, str) for v in step["inputs"].values())
    assert answer["warnings"] == []


def test_request_method_defaults_to_cms() -> None:
    assert units_from_request({"services": [["97110", 33], ["97140", 7]]}).method == "cms"


# --- input errors: every problem, with field paths ---------------------------------------------


def errors_of(services: object, method: object = "cms") -> list[tuple[str, str]]:
    with pytest.raises(InputError) as info:
        compute_units(services, method)
    return [(e.field, e.message) for e in info.value.errors]


@pytest.mark.parametrize(
    "bad", [33.5, 33.0, True, False, -1, "-1", "abc", "33.5", "", None, [33], {"m": 3}, "1e3"]
)
def test_bad_minutes_are_refused(bad: object) -> None:
    fields = [f for f, _ in errors_of([("97110", 10), ("97140", bad)])]
    assert fields == ["services[1].minutes"]


@pytest.mark.parametrize(("raw", "expected"), [(0, 0), ("0", 0), (" 33 ", 33), ("033", 33), (1440, 1440)])
def test_good_minutes_are_accepted(raw: object, expected: int) -> None:
    errors: list[FieldError] = []
    assert parse_minutes(raw, "minutes", errors) == expected
    assert errors == []


def test_all_problems_are_listed_at_once() -> None:
    errors = errors_of(
        [("97110", "abc"), {"code": "12345", "minutes": -3}, ("97140",), {"minutes": 5}], "medicaid"
    )
    fields = [f for f, _ in errors]
    assert fields == [
        "method",
        "services[0].minutes",
        "services[1].code",
        "services[1].minutes",
        "services[2]",
        "services[3].code",
    ]
    messages = dict(errors)
    assert "12345" in messages["services[1].code"] and "no unit rule" in messages["services[1].code"]
    assert "negative" in messages["services[1].minutes"]


def test_unknown_method() -> None:
    assert [f for f, _ in errors_of([("97110", 10)], "CMS2")] == ["method"]
    assert [f for f, _ in errors_of([("97110", 10)], None)] == ["method"]


@pytest.mark.parametrize("services", [[], "97110", {"code": "97110"}, None, 5])
def test_services_must_be_a_non_empty_list(services: object) -> None:
    assert [f for f, _ in errors_of(services)] == ["services"]


def test_request_without_services() -> None:
    with pytest.raises(InputError) as info:
        units_from_request({"method": "cms"})
    assert info.value.as_list()[0]["field"] == "services"


@pytest.mark.parametrize("code", [None, "", "   ", 1.5, True, ["97110"]])
def test_bad_code(code: object) -> None:
    assert [f for f, _ in errors_of([(code, 10)])] == ["services[0].code"]


def test_more_than_a_day_per_service() -> None:
    errors = errors_of([("97110", 1441)])
    assert errors[0][0] == "services[0].minutes" and "1,440" in errors[0][1]
    assert errors_of([("97110", "99999999999999")])[0][0] == "services[0].minutes"


def test_more_than_a_day_in_total() -> None:
    errors = errors_of([("97110", 800), ("97545", 700)])
    assert errors[0][0] == "services" and "1,500 minutes" in errors[0][1]
    # Untimed minutes do not count toward the day's one-on-one time.
    assert units([("97110", 1440), ("97010", 30)]) == {"97110": 96, "97010": 1}


def test_merged_duplicates_over_a_day() -> None:
    assert errors_of([("97110", 1000), ("97110", 1000)])[0][0] == "services"


# --- rules: parsing, defaults, errors ------------------------------------------------------------


def test_default_rules_cover_the_initial_codes() -> None:
    rules = default_rules()
    assert rules is default_rules()  # cached
    for code in ["97110", "97112", "97116", "97140", "97530", "97535", "97750", "97032", "97035"]:
        assert isinstance(rules.get_rule(code), Timed15Rule), code
    for code in ["97161", "97162", "97163", "97164", "97010", "97014", "G0283"]:
        assert isinstance(rules.get_rule(code), UntimedRule), code
    block = rules.get_rule("97545")
    assert block == HourBlockRule(
        "97545",
        addon="97546",
        initial_minutes=120,
        initial_threshold_minutes=120,
        addon_minutes=60,
        addon_threshold_minutes=31,
    )
    assert rules.get_rule("97546") == HourBlockAddonRule("97546", primary="97545")
    assert rules.hour_block_for("97546") == block and rules.hour_block_for("97110") is None


def test_unknown_code_error_names_the_code() -> None:
    with pytest.raises(UnknownRuleError) as info:
        default_rules().get_rule("12345")
    message = str(info.value)
    assert message.startswith("This reference has no unit rule for code 12345 yet")
    # A clerk sees which codes it can count, and no developer commands.
    first_code = min(default_rules())
    assert first_code in message and "more" in message
    assert "make" not in message and "content/" not in message


def test_hour_block_settings_default() -> None:
    rules = parse_rules(
        {
            "97545": {"type": "hour_block", "addon": "97546"},
            "97546": {"type": "hour_block_addon", "primary": "97545"},
        }
    )
    assert rules["97545"] == HourBlockRule("97545", addon="97546")


BAD_RULES = [
    ("not a mapping", ["97110"], "mapping"),
    ("entry not a mapping", {"97110": "timed_15"}, "97110"),
    ("unknown type", {"97110": {"type": "timed_20"}}, "timed_20"),
    ("missing type", {"97110": {}}, "type None"),
    ("lower-case code", {"g0283": {"type": "untimed"}}, "g0283"),
    ("unknown setting", {"97110": {"type": "timed_15", "minutes": 15}}, "minutes"),
    (
        "typo in setting",
        {
            "97545": {"type": "hour_block", "addon": "97546", "initial_treshold_minutes": 61},
            "97546": {"type": "hour_block_addon", "primary": "97545"},
        },
        "initial_treshold_minutes",
    ),
    (
        "threshold above block",
        {
            "97545": {"type": "hour_block", "addon": "97546", "initial_threshold_minutes": 121},
            "97546": {"type": "hour_block_addon", "primary": "97545"},
        },
        "121",
    ),
    (
        "addon threshold above hour",
        {
            "97545": {"type": "hour_block", "addon": "97546", "addon_threshold_minutes": 61},
            "97546": {"type": "hour_block_addon", "primary": "97545"},
        },
        "61",
    ),
    (
        "minutes not a number",
        {
            "97545": {"type": "hour_block", "addon": "97546", "initial_minutes": "120"},
            "97546": {"type": "hour_block_addon", "primary": "97545"},
        },
        "initial_minutes",
    ),
    (
        "minutes a bool",
        {
            "97545": {"type": "hour_block", "addon": "97546", "addon_minutes": True},
            "97546": {"type": "hour_block_addon", "primary": "97545"},
        },
        "addon_minutes",
    ),
    (
        "zero minutes",
        {
            "97545": {"type": "hour_block", "addon": "97546", "initial_threshold_minutes": 0},
            "97546": {"type": "hour_block_addon", "primary": "97545"},
        },
        "initial_threshold_minutes",
    ),
    ("addon missing", {"97545": {"type": "hour_block", "addon": "97546"}}, "97546"),
    ("addon not named", {"97545": {"type": "hour_block"}}, "'addon'"),
    ("primary missing", {"97546": {"type": "hour_block_addon", "primary": "97545"}}, "97545"),
    (
        "pair mismatch",
        {
            "97545": {"type": "hour_block", "addon": "97546"},
            "97546": {"type": "hour_block_addon", "primary": "97544"},
        },
        "97546",
    ),
]


@pytest.mark.parametrize(("name", "data", "named"), BAD_RULES, ids=[c[0] for c in BAD_RULES])
def test_malformed_rule_data_is_refused(name: str, data: object, named: str) -> None:
    with pytest.raises(RuleDataError) as info:
        parse_rules(data)
    assert named in str(info.value)


def test_rules_given_by_the_caller_are_used() -> None:
    rules = parse_rules({"97110": {"type": "untimed"}})
    assert units([("97110", 40)], rules=rules) == {"97110": 1}
    assert [f for f, _ in _errors_with(rules, [("97140", 10)])] == ["services[0].code"]


def _errors_with(rules: RuleSet, services: object) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as info:
        compute_units(services, "cms", rules)
    return [(e.field, e.message) for e in info.value.errors]


def test_an_untimed_code_needs_no_minutes() -> None:
    # The visit form's complaint: an evaluation left without minutes was an error, although
    # its minutes do not count. A timed code still needs them.
    assert units_from_request(
        {"services": [{"code": "97161"}, {"code": "97110", "minutes": 8}]}
    ).units_by_code() == {
        "97161": 1,
        "97110": 1,
    }
    with pytest.raises(InputError) as caught:
        units_from_request({"services": [{"code": "97110"}]})
    assert caught.value.field == "services[0].minutes"
