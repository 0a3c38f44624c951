"""Yearly program figures on pages: ``{{ program("kx_threshold.pt_slp", 2026) }}`` on a
hand-written page and ``[[program:KEY]]`` in content text print calc's ``{"kind": "program"}``
answer; a key calc does not answer is refused with the keys it has."""

from __future__ import annotations

import pytest

from calc import handle
from macros import figures, render


def _calc(year: int) -> dict:  # type: ignore[type-arg]
    return dict(handle({"kind": "program", "year": year}))


def test_money_figure_is_printed_as_calc_answers_it() -> None:
    amount = _calc(2025)["kx_threshold"]["pt_slp"]["amount"]
    assert render.program_figure("kx_threshold.pt_slp", 2025) == figures.dollars(amount)
    assert figures.dollars("2410.00") == "$2,410.00"  # calc's digits, thousands grouped


def test_deadline_is_found_by_its_step_name() -> None:
    steps = {step["step"]: step["limit"] for step in _calc(2026)["appeal_deadlines"]}
    assert render.program_figure("appeal_deadlines.redetermination", 2026) == steps["redetermination"]
    assert render.program_figure("appeal_deadlines.alj_hearing", 2026) == steps["ALJ hearing"]


def test_percent_figure_says_percent() -> None:
    share = _calc(2026)["assistant_share"]["percent"]
    assert render.program_figure("assistant_share", 2026) == f"{share} percent"


def test_unknown_key_names_the_keys_calc_has() -> None:
    with pytest.raises(render.RenderError, match=r"no 'kx_threshold\.slp'.*keys there: ot, pt_slp"):
        render.program_figure("kx_threshold.slp", 2026)


def test_group_key_is_refused_in_text() -> None:
    with pytest.raises(render.RenderError, match="group of figures"):
        render.program_figure("kx_threshold", 2026)


def test_inline_reference_is_replaced_also_when_escaped() -> None:
    newest = figures.program_answer()
    limit = {step["step"]: step["limit"] for step in newest["appeal_deadlines"]}["reconsideration"]
    plain = figures.replace_inline_figures("ask within [[program:appeal_deadlines.reconsideration]].")
    escaped = figures.replace_inline_figures(r"ask \[\[program:appeal\_deadlines.reconsideration\]\]")
    assert plain == f"ask within {limit}."
    assert escaped == f"ask {limit}"


def test_inline_problems_name_the_bad_key() -> None:
    problems = figures.inline_figure_problems("[[program:appeal_deadlines.redetermination]] [[program:kx]]")
    assert len(problems) == 1 and problems[0].startswith("[[program:kx]]")
