"""The calc-computed blocks of guide and family sections (``show: {program: ...}``,
``{units_compare: ...}``, ``{visit: ...}``) and ``[[program:KEY]]`` figures in any content
text: validated against calc's answers when read, printed from calc's answers when built, and
the typed appeal-deadline check (macros/figures.DEADLINES_CHECKED)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from content_cases import RELEASES, TODAY, build_case
from markupsafe import escape

from calc import handle
from macros import figures, render, site_pages
from macros.content import validate_library

SECTION = """  - id: extra
    heading: Worked figures
    text: {text}
    source: clm-ch5
    show: {show}
"""


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    return build_case("pages", tmp_path)


def problems(content: Path) -> list[str]:
    _library, found = validate_library(content, TODAY, RELEASES)
    return [f"{Path(i.file).name}: {i.field}: {i.message}" for i in found]


def add_section(content: Path, show: str, text: str = "Worked out by calc.") -> None:
    guide = content / "guides" / "units.yaml"
    body = guide.read_text(encoding="utf-8")
    guide.write_text(body.replace("sources:\n", SECTION.format(text=text, show=show) + "sources:\n", 1))


def guide_page(content: Path) -> str:
    return site_pages.generated_pages(render.build_site(content))["guides/units.md"]


def ask(request: dict[str, Any]) -> dict[str, Any]:
    answer = dict(handle(request))
    assert answer["ok"], answer
    return answer


def test_program_table_shows_calc_figures_with_sources(pages: Path) -> None:
    add_section(pages, "{program: [kx_threshold, targeted_review_threshold], year: 2025}")
    assert problems(pages) == []
    page = guide_page(pages)
    answer = ask({"kind": "program", "year": 2025})
    for figure in (
        answer["kx_threshold"]["pt_slp"],
        answer["kx_threshold"]["ot"],
        answer["targeted_review_threshold"],
    ):
        assert f"<td>{figures.dollars(figure['amount'])}</td>" in page
        assert figure["source"]["cite"] in page
    assert "Program figures for 2025" in page


def test_program_table_key_calc_lacks_fails(pages: Path) -> None:
    add_section(pages, "{program: [kx_threshold, kx_limit]}")
    found = problems(pages)
    assert len(found) == 1 and "calc's program answer has no 'kx_limit'" in found[0], found


def test_units_compare_shows_both_methods(pages: Path) -> None:
    add_section(pages, "{units_compare: [[97110, 7], [97140, 7]]}")
    assert problems(pages) == []
    page = guide_page(pages)
    services = [{"code": "97110", "minutes": 7}, {"code": "97140", "minutes": 7}]
    cms = ask({"kind": "units", "method": "cms", "services": services})
    ama = ask({"kind": "units", "method": "ama", "services": services})
    assert cms["totals"]["timed_units"] != ama["totals"]["timed_units"]  # the case the guide explains
    row = f'<tr><th scope="row">Total</th><td>14</td><td>{cms["totals"]["timed_units"]}</td><td>{ama["totals"]["timed_units"]}</td></tr>'
    assert row in page
    assert str(escape(cms["lines"][0]["reason"])) in page


def test_worked_visit_shows_lines_totals_and_steps(pages: Path) -> None:
    visit = '{visit: {year: 2026, locality: national, services: [{code: "97110", minutes: 38, modifiers: [GP]}, {code: "97161", modifiers: [GP]}]}}'
    add_section(pages, visit)
    assert problems(pages) == []
    page = guide_page(pages)
    answer = ask(
        {
            "kind": "visit",
            "year": 2026,
            "locality": "national",
            "services": [
                {"code": "97110", "minutes": 38, "modifiers": ["GP"]},
                {"code": "97161", "modifiers": ["GP"]},
            ],
        }
    )
    assert f"<td>${answer['lines'][0]['allowed']}</td>" in page
    assert f'<th scope="row">Medicare payment</th><td>${answer["totals"]["medicare_payment"]}</td>' in page
    assert f"<li>{answer['steps'][0]['label']}: {answer['steps'][0]['value']}</li>" in page


def test_visit_calc_refuses_fails_validation(pages: Path) -> None:
    add_section(pages, '{visit: {year: 2026, locality: national, services: [{code: "97110", minutes: -5}]}}')
    found = problems(pages)
    assert len(found) == 1 and "calc refuses the visit" in found[0], found


def test_show_without_a_known_kind_fails(pages: Path) -> None:
    add_section(pages, "{chart: fee}")
    found = problems(pages)
    assert len(found) == 1 and "show needs one of table" in found[0], found


def test_inline_figure_in_a_code_file_is_printed_from_calc(pages: Path) -> None:
    code = pages / "97110.yaml"
    text = code.read_text(encoding="utf-8")
    anchor = "tips:\n"
    assert anchor in text
    faq = (
        "faqs:\n  - id: how-long-to-appeal\n    question: How long do we have to appeal?\n"
        "    answer: Ask for a redetermination within [[program:appeal_deadlines.redetermination]].\n"
        "    source: [" + _first_source(text) + "]\n"
    )
    code.write_text(_replace_faqs(text, faq), encoding="utf-8")
    assert problems(pages) == []
    page = site_pages.generated_pages(render.build_site(pages))["codes/97110.md"]
    limit = {s["step"]: s["limit"] for s in figures.program_answer()["appeal_deadlines"]}["redetermination"]
    assert f"Ask for a redetermination within {limit}." in page
    assert "[[program:" not in page


def test_inline_figure_key_calc_lacks_fails(pages: Path) -> None:
    add_section(pages, "{table: units, code: '97110'}", text="Within [[program:appeal_deadlines.appeal]].")
    found = problems(pages)
    assert (
        len(found) == 1
        and "[[program:appeal_deadlines.appeal]]" in found[0]
        and "reconsideration" in found[0]
    )


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("Ask for a redetermination within 120 days of the notice.", "120 days"),
        ("An appeal to the ALJ is due within 60 days.", "60 days"),
        ("The contractor may reopen a claim within one year.", "within one year"),
        ("Ask for a redetermination within [[program:appeal_deadlines.redetermination]].", None),
        ("Recertify the plan of care within 90 days; a 60-day episode is common.", None),
    ],
)
def test_typed_appeal_deadline_fails_when_the_check_is_on(
    pages: Path, monkeypatch: pytest.MonkeyPatch, text: str, refused: str | None
) -> None:
    add_section(pages, "{table: units, code: '97110'}", text=text)
    monkeypatch.setattr(figures, "DEADLINES_CHECKED", True)
    found = problems(pages)
    if refused is None:
        assert found == []
    else:
        assert len(found) == 1 and f"contains {refused!r}" in found[0], found


def _first_source(text: str) -> str:
    block = text.split("\nsources:\n", 1)[1]
    return block.splitlines()[0].strip().rstrip(":")


def _replace_faqs(text: str, faq: str) -> str:
    if "\nfaqs:\n" in text:
        head, rest = text.split("\nfaqs:\n", 1)
        return head + "\n" + faq + rest
    return text.replace("\nsources:\n", "\n" + faq + "sources:\n", 1)


def test_guide_and_remittance_pages_carry_the_search_boost(pages: Path) -> None:
    generated = site_pages.generated_pages(render.build_site(pages))
    boost = f"search:\n  boost: {site_pages.ANSWER_PAGE_BOOST}\n---\n"
    assert generated["guides/units.md"].split("---\n", 2)[1].endswith(boost.removesuffix("---\n"))
    assert f"search:\n  boost: {site_pages.REMITTANCE_BOOST}\n---\n" in generated["remittance.md"]
    assert "search:" not in generated["codes/97110.md"].split("---\n", 2)[1]


def test_worked_visit_never_shows_dollar_zero(pages: Path) -> None:
    """A visit without the deductible left: calc applies none, and the page does not print a
    $0.00 row for it (tests/site/test_pages.py forbids $0 on any page); a line of no units says so."""
    visit = '{visit: {year: 2026, locality: national, services: [{code: "97110", minutes: 30, modifiers: [GP]}, {code: "97140", minutes: 5, modifiers: [GP]}]}}'
    add_section(pages, visit)
    page = guide_page(pages)
    assert "$0.00" not in page
    assert '<th scope="row">Deductible applied</th>' not in page
    assert "<td>nothing billed</td>" in page
