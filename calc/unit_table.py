"""The minutes-to-units table of one code (kind "units_table"), computed once from its rule.

A table is a list of minute ranges that bill the same, found from where the rule's counts
change (not by asking the units kind minute by minute): a 15-minute timed code changes at
8, 23, 38, ... minutes (CMS 100-04 ch. 5 §20.2: a unit from 8 minutes, one more each 15);
a first block with its add-on (97545 + 97546, 92607 + 92608, 97550 + 97551, 97129 + 97130)
changes where the session reaches the first block's threshold and where each further add-on
block's part reaches the add-on threshold; a per-hour code (96105) changes at 31, 91, 151, ...
minutes. Each row's units come from ``calc.units`` (``units_for_minutes``,
``hour_block_units``, ``per_hour_units``): the rules are written once. Untimed codes have no
table (one unit per session whatever the minutes).

The rows cover 0 to ``max_minutes``; the last row is marked ``"complete": false`` when its
range goes on past ``max_minutes``.

>>> rows = units_table_answer({"code": "97110", "max_minutes": 60})["rows"]
>>> [(r["from_minutes"], r["to_minutes"], r["lines"][0]["units"]) for r in rows]
[(0, 7, 0), (8, 22, 1), (23, 37, 2), (38, 52, 3), (53, 60, 4)]
>>> rows = units_table_answer({"code": "97546", "max_minutes": 240})["rows"]
>>> [(r["from_minutes"], [(x["code"], x["units"]) for x in r["lines"]]) for r in rows]
[(0, [('97545', 0), ('97546', 0)]), (120, [('97545', 1), ('97546', 0)]), (151, [('97545', 1), ('97546', 1)]), (211, [('97545', 1), ('97546', 2)])]
>>> rows = units_table_answer({"code": "96105", "max_minutes": 180})["rows"]
>>> [(r["from_minutes"], r["to_minutes"], r["lines"][0]["units"]) for r in rows]
[(0, 30, 0), (31, 90, 1), (91, 150, 2), (151, 180, 3)]
>>> rows = units_table_answer({"code": "97551", "max_minutes": 60})["rows"]
>>> [(r["from_minutes"], [x["units"] for x in r["lines"]]) for r in rows]
[(0, [0, 0]), (16, [1, 0]), (38, [1, 1]), (53, [1, 2])]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from calc.errors import FieldError, InputError, raise_if
from calc.fields import MINUTES_IN_A_DAY, parse_code, parse_method, parse_whole
from calc.rules import HourBlockRule, PerHourRule, Timed15Rule, UnitRule, UnknownRuleError, default_rules
from calc.units import MINUTES_PER_UNIT, block_name, hour_block_units, per_hour_units, units_for_minutes

DEFAULT_MAX_MINUTES = 240
Row = dict[str, object]
Lines = list[dict[str, object]]


def units_table_answer(request: Mapping[str, object]) -> dict[str, object]:
    """The table answer for ``{"code", "method", "max_minutes"}``."""
    errors: list[FieldError] = []
    code = parse_code(request.get("code"), "code", errors)
    method = parse_method(request.get("method", "cms"), errors)
    last = parse_whole(
        request.get("max_minutes", DEFAULT_MAX_MINUTES),
        "max_minutes",
        "The longest session",
        errors,
        1,
        MINUTES_IN_A_DAY,
    )
    raise_if(errors)
    rules = default_rules()
    try:
        rule = rules.get_rule(code)
    except UnknownRuleError as exc:
        raise InputError([FieldError("code", exc.message)]) from None
    block = rules.hour_block_for(code)
    rows, reason = _rows(rule, block, last)
    return {
        "ok": True,
        "kind": "units_table",
        "code": code,
        "method": method,
        "rule": rule.type,
        "codes": [block.code, block.addon] if block else [code],
        "max_minutes": last,
        "rows": rows,
        "reason": reason,
        "steps": [],
        "warnings": [],
    }


def _rows(rule: UnitRule, block: HourBlockRule | None, last: int) -> tuple[list[Row], str]:
    if block is not None:
        return _ranges(_block_changes(block, last), last, lambda m: _block_row(m, block)), _block_reason(
            block
        )
    if isinstance(rule, PerHourRule):
        changes = range(rule.threshold_minutes, last + 2, rule.unit_minutes)
        return _ranges(list(changes), last, lambda m: _per_hour_row(m, rule)), (
            f"{rule.code} is billed per hour of its own time, in units of {rule.code}: a unit from "
            f"{rule.threshold_minutes} minutes, then one more for each further hour once its part reaches "
            f"{rule.threshold_minutes} minutes. Its minutes never join the 15-minute timed units "
            "(CMS 100-04 ch. 5 §20.2 counts 15-minute codes)."
        )
    if isinstance(rule, Timed15Rule):
        changes = range(MINUTES_PER_UNIT // 2 + 1, last + 2, MINUTES_PER_UNIT)
        return _ranges(list(changes), last, lambda m: _timed_row(m, rule.code)), (
            f"{rule.code} is a 15-minute timed code: a unit from 8 minutes, then one more for each further "
            "15 minutes (CMS 100-04 ch. 5 §20.2; for one code alone the CMS and AMA methods agree)."
        )
    return (
        [],
        f"{rule.code} is untimed: one unit per session whatever the minutes, so it has no minutes table.",
    )


def _block_reason(block: HourBlockRule) -> str:
    text = (
        f"{block.code} and {block.addon} bill one session together: the initial "
        f"{block.initial_minutes}-minute block from {block.initial_threshold_minutes} minutes, then each "
        f"additional {block.addon_minutes} minutes once its part reaches {block.addon_threshold_minutes} minutes."
    )
    if block.timed_pool:
        text += (
            " Alone in a visit these are 15-minute timed units; with other timed codes the day's total "
            "timed minutes decide the units (CMS 100-04 ch. 5 §20.2)."
        )
    return text


def _per_hour_row(minutes: int, rule: PerHourRule) -> tuple[Lines, str]:
    units, why = per_hour_units(minutes, rule)
    return [{"code": rule.code, "units": units}], why


def _block_changes(block: HourBlockRule, last: int) -> list[int]:
    """The session lengths where an hour block's units change."""
    first_addon = block.initial_minutes + block.addon_threshold_minutes
    return [block.initial_threshold_minutes, *range(first_addon, last + 2, block.addon_minutes)]


def _ranges(changes: list[int], last: int, row_at: Callable[[int], tuple[Lines, str]]) -> list[Row]:
    """Rows from 0 to ``last`` split at ``changes`` (which may run to ``last + 1``, where a
    change shows the last row is whole); ``row_at(m)`` gives a row's lines and reason."""
    starts = [0, *(c for c in changes if 0 < c <= last)]
    rows = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else last
        complete = i + 1 < len(starts) or any(c == last + 1 for c in changes)
        lines, why = row_at(start)
        rows.append(
            {"from_minutes": start, "to_minutes": end, "complete": complete, "lines": lines, "reason": why}
        )
    return rows


def _part_word(block: HourBlockRule) -> str:
    return "hour" if block.addon_minutes == 60 else "block"


def _span(minutes: int) -> str:
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _timed_row(minutes: int, code: str) -> tuple[Lines, str]:
    units = units_for_minutes(minutes)
    if units == 0:
        why = "Under 8 minutes: no unit (a unit needs more than half of 15 minutes)."
    elif units == 1:
        why = "From 8 minutes: 1 unit (more than half of 15 minutes)."
    else:
        full = (units - 1) * MINUTES_PER_UNIT
        why = f"{units - 1} full 15-minute units ({full} minutes) plus 8 minutes or more: {units} units."
    return [{"code": code, "units": units}], why


def _block_row(minutes: int, block: HourBlockRule) -> tuple[Lines, str]:
    (initial, _), (addon, _), _past = hour_block_units(minutes, block)
    lines: Lines = [{"code": block.code, "units": initial}, {"code": block.addon, "units": addon}]
    if not initial:
        why = f"Under {_span(block.initial_threshold_minutes)}: the initial block of {block.code} is not reached; nothing is billed."
    elif not addon:
        why = (
            f"The initial block ({block.code} x 1); no additional {block_name(block.addon_minutes)} counts "
            f"yet (a part {_part_word(block)} needs {block.addon_threshold_minutes} minutes or more)."
        )
    else:
        why = (
            f"The initial block ({block.code} x 1) and {addon} additional {block_name(block.addon_minutes)}"
            f"{'s' if addon != 1 else ''} ({block.addon} x {addon}), the last one counting from "
            f"{block.addon_threshold_minutes} minutes."
        )
    return lines, why
