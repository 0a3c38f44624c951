"""Unit counts written in content prose ("23 to 37 minutes is two units") agree with calc/.

Authors may restate the Medicare total-time table in an FAQ; calc/ holds the rule, so every
such sentence is checked against ``calc.handle`` at both ends of its range.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calc import handle
from macros.content import load_content

ROOT = Path(__file__).resolve().parents[2]
CONTENT = load_content(ROOT / "content")
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# "8 to 22 minutes is one unit", "23 to 37 minutes of timed treatment is two units"
CLAIM = re.compile(r"(\d+) to (\d+) minutes(?: of [a-z ]+?)? is (\w+)\s+units?\b")


def claims() -> list[tuple[str, int, int, int]]:
    found = []
    for code, content in CONTENT.items():
        texts = [content.summary] + [f.answer for f in content.faqs] + [t.tip for t in content.tips]
        for text in texts:
            for first, last, word in CLAIM.findall(" ".join(text.split())):
                found.append((code, int(first), int(last), WORDS[word]))
    return found


def test_content_states_some_unit_ranges() -> None:
    assert len(claims()) >= 8  # the timed codes' FAQs; a regex that stops matching fails here


@pytest.mark.parametrize(("code", "first", "last", "units"), claims())
def test_unit_range_in_content_is_calcs_answer(code: str, first: int, last: int, units: int) -> None:
    for minutes in (first, last):
        answer = handle({"kind": "units", "method": "cms", "services": [{"code": code, "minutes": minutes}]})
        assert answer["totals"]["timed_units"] == units, (code, minutes)
