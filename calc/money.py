"""Money: ``Decimal`` end to end, one rounding rule, and text in and out.

CMS computes each fee-schedule amount from the RVUs, GPCIs and conversion factor and rounds
the result to the cent, half up (a computed 26.8287 is 26.83, 0.125 is 0.13). That rule lives
in ``round_money`` and nowhere else; every other module calls it.

Requests give amounts as text (``"40.00"``); a JSON float (``40.0``) is refused, because a
binary float cannot hold most cents exactly and a billing tool must not guess.

>>> round_money(Decimal("0.82942") * Decimal("32.3465"))   # 97110 in Alabama, 2025
Decimal('26.83')
>>> money_text(Decimal("9.5"))
'9.50'
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from calc.errors import CalcError, echo

CENT: Final = Decimal("0.01")
_DECIMAL_TEXT: Final = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")


class MoneyInputError(CalcError, ValueError):
    """An amount, percent or factor given in a form the calculator refuses (message for a clerk);
    ``calc.fields.parse_money`` names the field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(field, message)


def round_money(amount: Decimal) -> Decimal:
    """Round to the cent, half up: THE rounding rule of every dollar figure in ``calc``.

    >>> round_money(Decimal("20.785"))
    Decimal('20.79')
    >>> round_money(Decimal("0.7620"))
    Decimal('0.76')
    >>> round_money(Decimal("-1.005"))
    Decimal('-1.01')
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(amount: Decimal) -> str:
    """Two-decimal text for an answer (rounds with ``round_money`` first).

    >>> money_text(Decimal("47.624"))
    '47.62'
    """
    return f"{round_money(amount):.2f}"


def parse_decimal(raw: object, what: str) -> Decimal:
    """A non-negative decimal number from request text; floats and junk are refused.

    ``what`` names the value in the message ("The contract conversion factor").

    >>> parse_decimal("40.00", "The rate")
    Decimal('40.00')
    >>> parse_decimal(" 110 ", "The percent")
    Decimal('110')
    >>> parse_decimal(40.0, "The rate")
    Traceback (most recent call last):
    ...
    calc.money.MoneyInputError: The rate must be written as text, such as "40.00", not as the number 40.0.
    >>> parse_decimal("-5", "The rate")
    Traceback (most recent call last):
    ...
    calc.money.MoneyInputError: The rate must be a number of 0 or more, such as "40.00"; '-5' is not.
    """
    if isinstance(raw, float):
        raise MoneyInputError(
            f'{what} must be written as text, such as "40.00", not as the number {echo(raw)}.'
        )
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise MoneyInputError(f'{what} must be written as text, such as "40.00".')
    text = raw.strip() if isinstance(raw, str) else echo(raw)  # echo: never str() a huge int
    if not _DECIMAL_TEXT.fullmatch(text):
        raise MoneyInputError(f'{what} must be a number of 0 or more, such as "40.00"; {echo(raw)} is not.')
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already refuses non-numbers
        raise MoneyInputError(f'{what} must be a number such as "40.00".') from None


def decimal_text(value: Decimal) -> str:
    """A data figure (RVU, GPCI, conversion factor) as text without changing its digits.

    >>> decimal_text(Decimal("0.430"))
    '0.430'
    """
    return format(value, "f")


def percent_text(fraction: Decimal) -> str:
    """A share as a percent for a label.

    >>> percent_text(Decimal("0.85")), percent_text(Decimal("0.025"))
    ('85%', '2.5%')
    """
    return f"{(fraction * 100).normalize():f}%"
