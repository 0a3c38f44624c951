"""Money: one rounding rule (half up to the cent) that reproduces CMS amounts; floats refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calc.money import MoneyInputError, money_text, parse_decimal, round_money


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("20.785", "20.79"),
        ("2.675", "2.68"),
        ("-0.005", "-0.01"),
        ("47.62", "47.62"),
        ("0", "0.00"),
    ],
)
def test_round_money_half_up(raw, rounded):
    assert round_money(Decimal(raw)) == Decimal(rounded)


def test_round_money_reproduces_cms_amounts():
    # 97110, 2025, national non-facility: (0.45 + 0.43 + 0.01) x 32.3465 = 28.788385 -> 28.79
    assert round_money(Decimal("0.89") * Decimal("32.3465")) == Decimal("28.79")
    # 97110, 2025, Alabama 10112-00: 0.82942 x 32.3465 = 26.8287... -> 26.83
    assert round_money(Decimal("0.82942") * Decimal("32.3465")) == Decimal("26.83")
    # Half-up (not banker's) matters: 0.5 x 2 x ... any x.xx5 goes up
    assert round_money(Decimal("0.125")) == Decimal("0.13")


def test_money_text_always_two_decimals():
    assert money_text(Decimal("9")) == "9.00"
    assert money_text(Decimal("0.762")) == "0.76"


@pytest.mark.parametrize("raw", [40.0, 0.1, True, None, [], "abc", "-1", "1e3", "1,000.00", "", " "])
def test_parse_decimal_refuses(raw):
    with pytest.raises(MoneyInputError):
        parse_decimal(raw, "The rate")


def test_parse_decimal_float_message_asks_for_text():
    with pytest.raises(MoneyInputError, match=r'text, such as "40\.00"'):
        parse_decimal(40.0, "The rate")


@pytest.mark.parametrize(("raw", "value"), [("40.00", "40.00"), ("110", "110"), (40, "40"), (" 7.5 ", "7.5")])
def test_parse_decimal_accepts_text_and_whole_numbers(raw, value):
    assert parse_decimal(raw, "The rate") == Decimal(value)
