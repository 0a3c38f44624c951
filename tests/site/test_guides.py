"""The guide pages as built: every figure in them is calc's answer (program figures, the
units comparisons of the 8-minute rule, the worked visits), no ``[[program:...]]`` reference
is left in any page, and the guides and the remittance page carry their search boost and are
in the navigation."""

from __future__ import annotations

import json
import re
from pathlib import Path

from calc import handle
from macros.content import load_library
from macros.figures import dollars

from sitecheck import ROOT, html_pages

LIBRARY = load_library(ROOT / "content")


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_every_guide_has_its_page_and_sections(site: Path) -> None:
    for slug, guide in LIBRARY.guides.items():
        html = page(site, f"guides/{slug}")
        for section in guide.sections:
            assert f'id="{section.id}"' in html, (slug, section.id)


def test_no_inline_figure_reference_is_left(site: Path) -> None:
    for path in html_pages(site):
        assert "[[program:" not in path.read_text(encoding="utf-8"), path


def test_kx_guide_shows_calcs_thresholds_for_both_years(site: Path) -> None:
    html = page(site, "guides/kx-threshold")
    for year in (2025, 2026):
        answer = handle({"kind": "program", "year": year})
        assert f"Program figures for {year}" in html
        assert f"<td>{dollars(answer['kx_threshold']['pt_slp']['amount'])}</td>" in html
        assert f"<td>{dollars(answer['targeted_review_threshold']['amount'])}</td>" in html


def test_eight_minute_rule_examples_are_calcs_answers(site: Path) -> None:
    html = page(site, "guides/eight-minute-rule")
    guide = LIBRARY.guides["eight-minute-rule"]
    compared = [s.show for s in guide.sections if s.show is not None and hasattr(s.show, "units_compare")]
    assert len(compared) >= 3
    for show in compared:
        services = [{"code": code, "minutes": minutes} for code, minutes in show.units_compare]  # type: ignore[union-attr]
        cms = handle({"kind": "units", "method": "cms", "services": services})
        ama = handle({"kind": "units", "method": "ama", "services": services})
        total = cms["totals"]["timed_minutes"]
        row = (
            f'<th scope="row">Total</th><td>{total}</td><td>{cms["totals"]["timed_units"]}</td>'
            f"<td>{ama['totals']['timed_units']}</td>"
        )
        assert row in html, show


def test_eight_minute_rule_states_the_two_short_codes_rule(site: Path) -> None:
    """Ch. 5 §20.2: two codes of 7 minutes or less that total 8 or more bill one unit."""
    text = re.sub(r"\s+", " ", page(site, "guides/eight-minute-rule"))
    assert "A code does not need 8 minutes of its own." in text
    assert "needs at least 8 minutes of the total for its first unit" not in text
    answer = handle(
        {
            "kind": "units",
            "method": "cms",
            "services": [{"code": "97140", "minutes": 7}, {"code": "97110", "minutes": 5}],
        }
    )
    assert answer["totals"]["timed_units"] == 1  # what the sentence says, as calc counts it


def test_mppr_worked_visit_is_calcs_answer(site: Path) -> None:
    html = page(site, "guides/multiple-procedure-reduction")
    show = next(
        s.show for s in LIBRARY.guides["multiple-procedure-reduction"].sections if s.id == "worked-visit"
    )
    answer = handle({"kind": "visit", **show.visit})  # type: ignore[union-attr]
    assert f'<th scope="row">Allowed amount</th><td>${answer["totals"]["allowed"]}</td>' in html
    for line in answer["lines"]:
        assert f"<td>${line['allowed']}</td>" in html


def test_guides_and_remittance_are_boosted_in_search(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    boosts = {doc["location"].split("#")[0]: doc.get("boost") for doc in index["docs"]}
    for slug in LIBRARY.guides:
        assert boosts[f"guides/{slug}/"] == 3, slug
    assert boosts["remittance/"] == 5
    assert boosts["codes/97110/"] is None
    assert "\\-" in index["config"]["separator"]  # CO-97 and 8-minute split at the hyphen


def test_nav_has_guides_and_remittance(site: Path) -> None:
    html = page(site, "")
    assert re.search(r'href="guides/"[^>]*>\s*(?:<span[^>]*>\s*)?Guides', html)
    assert re.search(r'href="remittance/"[^>]*>\s*(?:<span[^>]*>\s*)?Remittance codes', html)
