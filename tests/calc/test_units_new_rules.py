"""Units of the rule types the new codes need: ``per_hour`` (96105, 96125) and the first block
with its add-on counted by the add-on's own length (97550 + 97551: 30 then 15 minutes;
92607 + 92608: 60 then 30) or inside the day's 15-minute pool (97129 + 97130, ``timed_pool``).

Every expected figure below is worked by hand from the rule, not computed by calc:

* per hour (unit 60, threshold 31): units = whole hours + 1 if the last part is 31 minutes or
  more. 30 -> 0; 31 -> 1; 90 = 1 h + 30 -> 1; 91 = 1 h + 31 -> 2; 151 = 2 h + 31 -> 3.
* 97550 + 97551 (first block 30 from 16, add-on 15 from 8): a session under 16 bills nothing;
  past the first 30 minutes, whole 15s plus a last part of 8 or more. 37 = 30 + 7 -> 1 + 0;
  38 = 30 + 8 -> 1 + 1; 53 = 30 + 15 + 8 -> 1 + 2.
* 97129 + 97130 (15-minute units in the pool): the pair's minutes are one timed service of
  CMS 100-04 ch. 5 §20.2 (8-22 = 1, 23-37 = 2, 38-52 = 3, 53-67 = 4); its first unit is
  97129, the rest 97130.
"""

from __future__ import annotations

from typing import Any

import pytest

from calc.rules import HourBlockRule, PerHourRule, RuleDataError, default_rules, parse_rules
from calc.unit_table import units_table_answer
from calc.units import compute_units

RULES = parse_rules(
    {
        "96105": {"type": "per_hour"},
        "97110": {"type": "timed_15"},
        "97140": {"type": "timed_15"},
        "97161": {"type": "untimed"},
        "97550": {
            "type": "hour_block",
            "initial_minutes": 30,
            "initial_threshold_minutes": 16,
            "addon": "97551",
            "addon_minutes": 15,
            "addon_threshold_minutes": 8,
        },
        "97551": {"type": "hour_block_addon", "primary": "97550"},
        "97129": {
            "type": "hour_block",
            "initial_minutes": 15,
            "initial_threshold_minutes": 8,
            "addon": "97130",
            "addon_minutes": 15,
            "addon_threshold_minutes": 8,
            "timed_pool": True,
        },
        "97130": {"type": "hour_block_addon", "primary": "97129"},
        "92607": {
            "type": "hour_block",
            "initial_minutes": 60,
            "initial_threshold_minutes": 31,
            "addon": "92608",
            "addon_minutes": 30,
            "addon_threshold_minutes": 16,
        },
        "92608": {"type": "hour_block_addon", "primary": "92607"},
    }
)


def units(services: list[tuple[str, int]], method: str = "cms") -> dict[str, int]:
    return compute_units(services, method, RULES).units_by_code()


# --- per_hour ------------------------------------------------------------------------------

PER_HOUR = [
    (0, 0), (7, 0), (8, 0), (15, 0), (16, 0), (30, 0), (31, 1), (45, 1), (46, 1), (60, 1),
    (61, 1), (90, 1), (91, 2), (120, 2), (150, 2), (151, 3), (211, 4),
]  # fmt: skip


@pytest.mark.parametrize("method", ["cms", "ama"])
@pytest.mark.parametrize(("minutes", "expected"), PER_HOUR)
def test_per_hour_units(method: str, minutes: int, expected: int) -> None:
    assert units([("96105", minutes)], method) == {"96105": expected}


def test_per_hour_stays_out_of_the_timed_pool() -> None:
    # 96105 20 + 97110 5: pooled, 25 minutes would give 97110 a unit; apart, 5 minutes give none.
    result = compute_units([("96105", 20), ("97110", 5)], "cms", RULES)
    assert result.units_by_code() == {"96105": 0, "97110": 0}
    assert (result.totals.timed_minutes, result.totals.timed_units) == (5, 0)
    assert (result.totals.hour_block_minutes, result.totals.hour_block_units) == (20, 0)


def test_per_hour_with_timed_codes_counts_each_apart() -> None:
    result = compute_units([("96105", 100), ("97110", 8)], "cms", RULES)
    assert result.units_by_code() == {"96105": 2, "97110": 1}
    assert (result.totals.hour_block_minutes, result.totals.hour_block_units) == (100, 2)


def test_per_hour_reasons_and_warning() -> None:
    line = compute_units([("96105", 91)], "cms", RULES).lines[0]
    assert line.rule == "per_hour"
    assert "1 whole hour + a part hour of 31 minutes, which counts" in line.reason
    short = compute_units([("96105", 30)], "cms", RULES)
    assert "under the 31 minutes needed" in short.lines[0].reason
    assert short.warnings == (short.lines[0].reason,)


def test_per_hour_listed_twice_is_one_service() -> None:
    result = compute_units([("96105", 20), ("96105", 15)], "cms", RULES)
    assert result.units_by_code() == {"96105": 1}
    assert result.warnings[0].startswith("96105 (20 min), 96105 (15 min) were counted as one")


# --- first block + add-on, outside the pool (97550 + 97551) --------------------------------

CAREGIVER = [
    (0, 0, 0), (7, 0, 0), (8, 0, 0), (15, 0, 0), (16, 1, 0), (30, 1, 0), (31, 1, 0),
    (37, 1, 0), (38, 1, 1), (45, 1, 1), (46, 1, 1), (52, 1, 1), (53, 1, 2), (60, 1, 2),
    (67, 1, 2), (68, 1, 3),
]  # fmt: skip


@pytest.mark.parametrize("method", ["cms", "ama"])
@pytest.mark.parametrize("given", ["97550", "97551"])
@pytest.mark.parametrize(("minutes", "first", "addon"), CAREGIVER)
def test_caregiver_training_session(method: str, given: str, minutes: int, first: int, addon: int) -> None:
    assert units([(given, minutes)], method) == {"97550": first, "97551": addon}


def test_caregiver_training_stays_out_of_the_timed_pool() -> None:
    # 97110 7 + 97550 16: pooled, 23 minutes would give 97110 a unit; apart, 7 minutes give none.
    result = compute_units([("97110", 7), ("97550", 16)], "cms", RULES)
    assert result.units_by_code() == {"97110": 0, "97550": 1, "97551": 0}
    assert result.totals.timed_minutes == 7


def test_addon_worded_by_its_own_length() -> None:
    result = compute_units([("97550", 53)], "cms", RULES)
    addon = result.lines[1]
    assert addon.reason == (
        "23 minutes past the initial block: 1 whole 15-minute block + a part block of 8 minutes, "
        "which counts (8 minutes or more): 2 units."
    )
    step = result.steps[-1]
    assert step.label == "97551: additional 15-minute blocks past the initial block"
    assert step.inputs["whole 15-minute blocks"] == "1"


def test_speech_device_evaluation_addon_is_30_minute_blocks() -> None:
    result = compute_units([("92607", 100)], "cms", RULES)
    assert result.units_by_code() == {"92607": 1, "92608": 1}
    assert "1 whole 30-minute block; the last 10 minutes do not count" in result.lines[1].reason
    assert "hour" not in result.lines[1].reason


# --- first block + add-on in the 15-minute pool (97129 + 97130) ------------------------------

COGNITIVE_ALONE = [
    (0, 0, 0), (7, 0, 0), (8, 1, 0), (15, 1, 0), (16, 1, 0), (22, 1, 0), (23, 1, 1),
    (30, 1, 1), (31, 1, 1), (37, 1, 1), (38, 1, 2), (45, 1, 2), (46, 1, 2), (52, 1, 2),
    (53, 1, 3),
]  # fmt: skip


@pytest.mark.parametrize("method", ["cms", "ama"])
@pytest.mark.parametrize("given", ["97129", "97130"])
@pytest.mark.parametrize(("minutes", "first", "addon"), COGNITIVE_ALONE)
def test_cognitive_pair_alone(method: str, given: str, minutes: int, first: int, addon: int) -> None:
    assert units([(given, minutes)], method) == {"97129": first, "97130": addon}


@pytest.mark.parametrize(
    ("services", "method", "expected"),
    [
        # 7 + 7 = 14 minutes: one unit for the day; tie on 7 remaining, same length: first listed.
        ([("97129", 7), ("97110", 7)], "cms", {"97129": 1, "97130": 0, "97110": 0}),
        ([("97110", 7), ("97129", 7)], "cms", {"97110": 1, "97129": 0, "97130": 0}),
        ([("97129", 7), ("97110", 7)], "ama", {"97129": 0, "97130": 0, "97110": 0}),
        # 40 + 10 = 50: 3 units; full units 2 + 0; the leftover to the longer of the tied 10s.
        ([("97129", 40), ("97110", 10)], "cms", {"97129": 1, "97130": 2, "97110": 0}),
        # 12 + 20 = 32: 2 units; full units 0 + 1; the leftover to 97110's 12 remaining minutes.
        ([("97110", 12), ("97129", 20)], "cms", {"97110": 1, "97129": 1, "97130": 0}),
        ([("97110", 12), ("97129", 20)], "ama", {"97110": 1, "97129": 1, "97130": 0}),
        # Both codes listed: one service of 15 + 23 = 38 minutes; with 97140 8, 46 = 3 units: full
        # units 2 + 0, the leftover to the longer of the tied 8s (the pair).
        ([("97129", 15), ("97130", 23), ("97140", 8)], "cms", {"97129": 1, "97130": 2, "97140": 0}),
    ],
)
def test_cognitive_pair_joins_the_timed_pool(
    services: list[tuple[str, int]], method: str, expected: dict[str, int]
) -> None:
    assert units(services, method) == expected


def test_cognitive_pair_totals_and_reasons() -> None:
    result = compute_units([("97129", 40), ("97110", 10)], "cms", RULES)
    assert (result.totals.timed_minutes, result.totals.timed_units) == (50, 3)
    assert (result.totals.hour_block_minutes, result.totals.hour_block_units) == (0, 0)
    first, addon, _ = result.lines
    assert (first.rule, first.minutes, addon.rule, addon.minutes) == (
        "hour_block",
        15,
        "hour_block_addon",
        25,
    )
    assert first.reason.startswith("With 97130, one timed service of 40 minutes.")
    assert addon.reason.endswith("Units after the first are 97130: 2 units.")


# --- tables ----------------------------------------------------------------------------------


def table_rows(code: str, last: int) -> list[dict[str, Any]]:
    rows = units_table_answer({"code": code, "max_minutes": last})["rows"]
    assert isinstance(rows, list)
    return rows


@pytest.mark.parametrize(
    ("code", "last", "expected"),
    [
        ("96105", 180, [(0, 30, [0]), (31, 90, [1]), (91, 150, [2]), (151, 180, [3])]),
        ("97550", 60, [(0, 15, [0, 0]), (16, 37, [1, 0]), (38, 52, [1, 1]), (53, 60, [1, 2])]),
        (
            "97130",
            60,
            [(0, 7, [0, 0]), (8, 22, [1, 0]), (23, 37, [1, 1]), (38, 52, [1, 2]), (53, 60, [1, 3])],
        ),
        ("92608", 120, [(0, 30, [0, 0]), (31, 75, [1, 0]), (76, 105, [1, 1]), (106, 120, [1, 2])]),
    ],
)
def test_tables_of_the_real_rules(code: str, last: int, expected: list[tuple[int, int, list[int]]]) -> None:
    rows = table_rows(code, last)
    assert [(r["from_minutes"], r["to_minutes"], [x["units"] for x in r["lines"]]) for r in rows] == expected


def test_table_rows_agree_with_the_units_kind() -> None:
    for code in ("96105", "97550", "97129", "92607"):
        for row in table_rows(code, 200):
            for minutes in (row["from_minutes"], row["to_minutes"]):
                got = compute_units([(code, minutes)]).units_by_code()
                assert got == {x["code"]: x["units"] for x in row["lines"]}, (code, minutes)


def test_real_rules_of_the_new_codes() -> None:
    rules = default_rules()
    assert rules.get_rule("96105") == PerHourRule("96105")
    assert rules.get_rule("96125") == PerHourRule("96125")
    cognitive = rules.get_rule("97129")
    assert isinstance(cognitive, HourBlockRule) and cognitive.timed_pool and cognitive.addon == "97130"
    caregiver = rules.get_rule("97550")
    assert isinstance(caregiver, HourBlockRule) and not caregiver.timed_pool
    assert (caregiver.initial_minutes, caregiver.initial_threshold_minutes) == (30, 16)
    assert (caregiver.addon_minutes, caregiver.addon_threshold_minutes) == (15, 8)


# --- malformed data ---------------------------------------------------------------------------

BLOCK = {"type": "hour_block", "addon": "B", "initial_minutes": 30, "initial_threshold_minutes": 16}


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        ({"type": "per_hour", "threshold_minutes": 61}, "threshold_minutes 61 is more than unit_minutes 60"),
        ({"type": "per_hour", "unit_minutes": 0}, "'unit_minutes' must be a whole number"),
        ({"type": "per_hour", "addon": "B"}, "unknown setting(s) addon"),
        ({**BLOCK, "timed_pool": True}, "timed_pool needs 15-minute blocks counted from 8 minutes"),
        ({**BLOCK, "timed_pool": "yes"}, "'timed_pool' must be true or false"),
    ],
)
def test_malformed_new_rules_are_refused(entry: dict[str, object], named: str) -> None:
    with pytest.raises(RuleDataError) as caught:
        parse_rules({"A": entry, "B": {"type": "hour_block_addon", "primary": "A"}})
    assert named in str(caught.value)
