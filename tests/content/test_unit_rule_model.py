"""The content model's unit rules: ``per_hour`` and a first block's ``timed_pool`` are read,
checked and compiled the way calc reads them (macros/model.py, tools/compile_rules.py)."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from calc.rules import parse_rules
from macros.model import UnitRule

RULE: TypeAdapter[object] = TypeAdapter(UnitRule)
COGNITIVE = {
    "type": "hour_block",
    "initial_minutes": 15,
    "initial_threshold_minutes": 8,
    "addon": "97130",
    "addon_minutes": 15,
    "addon_threshold_minutes": 8,
    "timed_pool": True,
}


def dump(entry: dict[str, object]) -> dict[str, object]:
    rule = RULE.validate_python(entry)
    return rule.model_dump(exclude_defaults=True)  # type: ignore[attr-defined,no-any-return]


def test_per_hour_defaults_compile_to_what_calc_assumes() -> None:
    assert dump({"type": "per_hour", "unit_minutes": 60, "threshold_minutes": 31}) == {"type": "per_hour"}
    rule = parse_rules({"96105": dump({"type": "per_hour"})})["96105"]
    assert (rule.unit_minutes, rule.threshold_minutes) == (60, 31)  # type: ignore[union-attr]


def test_pooled_pair_compiles_and_calc_reads_it() -> None:
    compiled = dump(COGNITIVE)
    assert compiled["timed_pool"] is True
    rules = parse_rules({"97129": compiled, "97130": {"type": "hour_block_addon", "primary": "97129"}})
    assert rules["97129"].timed_pool  # type: ignore[union-attr]


def test_unpooled_block_leaves_timed_pool_out() -> None:
    assert "timed_pool" not in dump({**COGNITIVE, "timed_pool": False})


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"type": "per_hour", "threshold_minutes": 61},
            "threshold_minutes 61 cannot be more than unit_minutes 60",
        ),
        ({"type": "per_hour", "addon": "97130"}, "Extra inputs are not permitted"),
        (
            {**COGNITIVE, "initial_minutes": 30},
            "timed_pool: true needs 15-minute units counted from 8 minutes",
        ),
        ({**COGNITIVE, "addon_threshold_minutes": 16}, "timed_pool: true needs 15-minute units"),
        ({**COGNITIVE, "timed_pool": "yes"}, "timed_pool"),
    ],
)
def test_bad_new_rules_are_refused(entry: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RULE.validate_python(entry)
    assert message in str(caught.value)
