"""The rendered pages: the 97546 page's sections, status explanation and anchors, figures
tied to calc, the code index, the family pages and search."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from calc import handle
from macros.content import load_content, load_library
from macros.model import CONFIDENCE_MEANINGS

from sitecheck import ROOT, html_pages, scan

CONTENT = load_content(ROOT / "content")
SECTIONS = ("payment", "units", "calculators", "tips", "denials", "faqs", "related", "sources", "review")
ZERO_DOLLARS = re.compile(r"\$\s*0(?:\.0+)?(?![\d.,])")


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def text_of(site: Path, path: str) -> str:
    return re.sub(r"\s+", " ", "".join(scan(site / path / "index.html").text))


def national(code: str, setting: str) -> dict:
    year = handle({"kind": "releases"})["newest_year"]
    return handle(
        {
            "kind": "fee",
            "year": year,
            "locality": "national",
            "setting": setting,
            "lines": [{"code": code, "units": 1}],
        }
    )


def test_every_code_has_a_page(site: Path) -> None:
    for code in CONTENT:
        assert (site / "codes" / code / "index.html").is_file(), code
    assert not (ROOT / "docs" / "codes").exists(), "code pages must stay virtual, not in docs/"


def test_97546_has_its_sections(site: Path) -> None:
    ids = scan(site / "codes/97546/index.html").ids
    for section in SECTIONS:
        assert section in ids, section


def test_97546_anchors_for_every_entry(site: Path) -> None:
    ids = scan(site / "codes/97546/index.html").ids
    c = CONTENT["97546"]
    expected = (
        {f"tip-{t.id}" for t in c.tips}
        | {f"denial-{d.id}" for d in c.denials}
        | {f"faq-{f.id}" for f in c.faqs}
    )
    assert expected and expected <= ids
    html = page(site, "codes/97546")
    for anchor in expected:  # a visible link to the entry itself
        assert f'href="#{anchor}"' in html, anchor


def test_97546_explains_status_without_a_dollar_zero(site: Path) -> None:
    text = text_of(site, "codes/97546")
    answer = national("97546", "non_facility")["lines"][0]
    assert answer["allowed"] is None and answer["status"] == "R"
    assert "Medicare status R" in text
    assert answer["reason"] in text  # calc's words: no national amount, the MAC prices it
    assert "no relative value units" in text
    assert "Global period ZZZ" in text
    assert not ZERO_DOLLARS.search(text)


def test_no_page_shows_dollar_zero(site: Path) -> None:
    for path in html_pages(site):
        text = "".join(scan(path).text)
        assert not ZERO_DOLLARS.search(text), path


def test_97546_review_confidence_and_trademark(site: Path) -> None:
    text = text_of(site, "codes/97546")
    c = CONTENT["97546"]
    assert c.last_reviewed.isoformat() in text
    assert CONFIDENCE_MEANINGS[c.confidence] in text
    assert "CPT is a registered trademark of the American Medical Association" in text
    for source in c.sources.values():
        assert source.url in page(site, "codes/97546")


def units_cells(site: Path, path: str) -> list[tuple[str, str]]:
    html = page(site, path)
    table = html[html.index('class="units-table"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", table)
    return [(html_text(a), html_text(b)) for a, b in rows]


def html_text(cell: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", cell))


def units_answer(code: str, minutes: int) -> dict[str, int]:
    answer = handle({"kind": "units", "method": "cms", "services": [{"code": code, "minutes": minutes}]})
    return {line["code"]: line["units"] for line in answer["lines"] if line["units"]}


def test_97546_units_table_is_calcs_answer(site: Path) -> None:
    rows = dict(units_cells(site, "codes/97546"))
    assert rows["211–270"] == "97545 × 1 + 97546 × 2"  # a four-hour session
    for minutes, billed in rows.items():
        first, _, last = minutes.partition("–")
        for m in {int(first), int(last or first)}:
            expected = units_answer("97546", m)
            if not expected:
                assert billed.startswith("Nothing billable"), minutes
                continue
            assert billed == " + ".join(f"{c} × {u}" for c, u in expected.items()), minutes
    lengths = [int(r.partition("–")[2] or r) for r in rows]
    assert lengths[-1] >= 360, "sessions up to 6 hours"


def test_timed_units_table_follows_calc(site: Path) -> None:
    rows = units_cells(site, "codes/97110")
    assert [minutes for minutes, _ in rows[:3]] == ["0–7", "8–22", "23–37"]
    table = handle({"kind": "units_table", "code": "97110", "method": "cms", "max_minutes": 40})
    assert rows[0][1] == f"Nothing billable: {table['rows'][0]['reason']}"
    assert rows[1:3] == [("8–22", "1 unit"), ("23–37", "2 units")]
    for minutes, billed in rows[1:]:
        first, _, last = minutes.partition("–")
        for m in (int(first), int(last)):
            assert billed.split()[0] == str(units_answer("97110", m)["97110"]), minutes


def test_priced_code_shows_calcs_national_amounts_and_rvus(site: Path) -> None:
    html = page(site, "codes/97110")
    for setting in ("non_facility", "facility"):
        answer = national("97110", setting)
        if not answer["lines"][0]["facility_na"]:
            assert f"${answer['lines'][0]['allowed']}" in html
        assert answer["conversion_factor"] in html
        assert answer["release"]["rvu"] in html and answer["release"]["released"] in html
    assert 'class="rvu-table"' in html


def test_97110_facility_amount_is_not_applicable(site: Path) -> None:
    """RVU file: 97110's facility PE is flagged NA, so calc's facility line says facility_na and
    the amounts table shows the words, not a facility figure; 99213 (a facility PE) is not in
    the content, so the non-NA path is the non-facility row of the same table."""
    assert national("97110", "facility")["lines"][0]["facility_na"] is True
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td></tr>', page(site, "codes/97110"))
    cells = dict(rows)
    assert cells["Facility (hospital, SNF)"] == (
        "Not applicable (paid at the non-facility amount in institutional therapy settings)"
    )
    assert (
        cells["Non-facility (office, clinic)"]
        == f"${national('97110', 'non_facility')['lines'][0]['allowed']}"
    )


def test_97110_page_figures_match_the_cms_row_worked_by_hand(site: Path) -> None:
    """Ties the page to CMS, not only to calc: RVU26C (PPRRVU2026_Jul_nonQPP.csv) row 97110 has
    work 0.45, PE 0.41 (both settings), MP 0.01; the 2026 non-QP conversion factor is 33.4009.
    National amount = (0.45 + 0.41 + 0.01) x 33.4009 = 29.058783 -> $29.06."""
    html = page(site, "codes/97110")
    for figure in ("RVU26C", "2026-06-30", "33.4009", "0.45", "0.41", "0.01", "0.87", "$29.06"):
        assert figure in html, figure


def test_index_lists_every_code_with_status_and_amount(site: Path) -> None:
    html = page(site, "codes")
    text = text_of(site, "codes")
    for code in CONTENT:
        assert f'href="{code}/"' in html, code
        line = national(code, "non_facility")["lines"][0]
        assert f"{line['status_label']}, status {line['status']}" in text, code
        assert line["status_meaning"] not in text, "the full meaning is on the code page"
        if line["allowed"] is None:
            assert line["reason_label"] in text, code
            assert f'href="{code}/#status"' in html, code
        else:
            assert f"${line['allowed']}" in text, code
    assert "$0" not in text


def test_code_page_status_section_has_the_full_meaning_and_rvu_total(site: Path) -> None:
    for code in ("97014", "97110"):
        text = text_of(site, f"codes/{code}")
        line = national(code, "non_facility")["lines"][0]
        assert line["status_meaning"] in text and line["global_meaning"] in text
    html = page(site, "codes/97110")
    totals = [national("97110", s)["lines"][0]["rvus"]["total"] for s in ("non_facility", "facility")]
    assert (
        f'<tr class="total"><th scope="row">Total</th><td>{totals[0]}</td><td>{totals[1]}</td></tr>' in html
    )
    assert 'id="status"' in html
    assert "CMS publishes no relative value units" in text_of(site, "codes/97546")


def test_family_pages_list_their_codes(site: Path) -> None:
    families: dict[str, list[str]] = {}
    for code, content in CONTENT.items():
        families.setdefault(content.family, []).append(code)
    for family, codes in families.items():
        html = page(site, f"families/{family}")
        for code in codes:
            assert f'href="../../codes/{code}/"' in html, (family, code)
    work = text_of(site, "families/work-hardening")
    assert "97545" in work and "97546" in work and "add-on" in work


def test_family_pages_come_from_their_family_files(site: Path) -> None:
    library = load_library(ROOT / "content")
    assert not list((ROOT / "docs" / "families").glob("*.md")), "family pages come from content/families/"
    for slug, family in library.families.items():
        text = text_of(site, f"families/{slug}")
        for section in family.sections:
            assert section.heading in text, (slug, section.id)
            for paragraph in section.paragraphs:
                assert paragraph in text, (slug, section.id)
        for source in family.sources.values():
            assert source.url in page(site, f"families/{slug}"), (slug, source.url)


def test_therapeutic_family_states_the_mppr_rule_as_calc_applies_it(site: Path) -> None:
    """The highest-PE unit is paid in full and every other unit of an indicator-5 code has its PE
    halved (calc/fees.py): two units of 97110 pay one full unit and one reduced unit."""
    text = text_of(site, "families/therapeutic-procedures")
    assert "The one unit with the highest practice-expense payment is paid in full" in text
    assert "after the first unit of the day" not in text
    answer = handle(
        {"kind": "fee", "year": 2026, "locality": "national", "lines": [{"code": "97110", "units": 2}]}
    )
    full, reduced = (float(amount) for amount in answer["lines"][0]["unit_amounts"])
    assert full > reduced


def test_search_index_includes_code_pages(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    for code in CONTENT:
        assert f"codes/{code}/" in locations, code
    assert any(loc.startswith("codes/97546/#faq-") for loc in locations)


@pytest.mark.parametrize("path", ["training", "families/work-hardening"])
def test_handwritten_pages_embed_tables_and_entry_links(site: Path, path: str) -> None:
    html = page(site, path)
    assert 'class="units-table"' in html
    assert re.search(r'href="[./]*codes/97546/#(tip|denial|faq)-[a-z0-9-]+"', html)


def test_print_styles_drop_navigation_and_calculators() -> None:
    css = (ROOT / "docs/assets/stylesheets/site.css").read_text(encoding="utf-8")
    media = css[css.index("@media print") :]
    for selector in (".md-header", ".md-sidebar", ".md-footer", ".md-search", ".calc,", "#calculators"):
        assert selector in media


def test_search_dialog_has_a_name(site: Path) -> None:
    """axe-core aria-dialog-name: overrides/partials/search.html names Material's dialog."""
    assert 'class="md-search" data-md-component="search" role="dialog" aria-label="Search"' in page(site, "")


def test_links_in_text_are_underlined() -> None:
    """axe-core link-in-text-block: links in running text do not rely on colour alone."""
    css = (ROOT / "docs/assets/stylesheets/site.css").read_text(encoding="utf-8")
    assert re.search(r"\.md-typeset a:not\([^)]*\) \{\s*text-decoration: underline;", css)


def test_calculators_are_in_the_pages_not_in_search(site: Path) -> None:
    """The calculators reach the built page (after Markdown and search), complete with their
    build-time answer; the search index holds none of their form text (locality names)."""
    for path, calcs in (
        ("codes/97546", ("units", "fee", "check")),
        ("codes/97110", ("units", "fee", "check")),
        ("visit", ("visit", "check")),
        ("families/work-hardening", ("units", "fee", "check")),
    ):
        html = page(site, path)
        assert "data-calc-slot" not in html, path
        for calc_id in calcs:
            assert f'data-calc="{calc_id}"' in html, (path, calc_id)
        assert "worked out when this page was built" in html, path
    assert 'value="10112-00"' in page(site, "codes/97110")  # the locality picker, served
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "ALABAMA" not in index and "10112-00" not in index
    assert "Claim check for a day" not in index
