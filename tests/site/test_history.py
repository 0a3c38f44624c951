"""Payment history, NCCI edit partners, the stale-data notice and the "what changed" pages on
the built site: every figure is calc's answer, laid out, never typed."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from calc import handle
from macros import datapages, render
from macros.content import load_content

from sitecheck import ROOT, scan

CONTENT = load_content(ROOT / "content")
#: The content the session build used (tests may point it elsewhere, as the site build allows).
CONTENT_DIR = Path(os.environ.get("BILLING_CONTENT_DIR", ROOT / "content"))


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def text_of(site: Path, path: str) -> str:
    return re.sub(r"\s+", " ", "".join(scan(site / path / "index.html").text))


def history_block(html: str) -> str:
    start = html.index('class="payment-history"')
    return html[start : html.index("</table>", start)]


@pytest.mark.parametrize("code", ["97110", "97140", "97546"])
def test_every_year_of_the_history_shows_calcs_figure_in_the_chart_and_the_table(
    site: Path, code: str
) -> None:
    block = history_block(page(site, f"codes/{code}"))
    assert "<svg" in block and 'role="img"' in block and "<script" not in block
    rows = re.findall(r"<tr><th scope=\"row\">(\d{4})</th><td>([^<]*)</td>", block)
    for year in handle({"kind": "history", "code": code})["years"]:
        shown = dict(rows)[str(year["year"])]
        if year["amount"] is not None:
            assert shown == f"${year['amount']}"
            assert f">${year['amount']}</text>" in block  # the bar's label in the SVG
        else:
            assert shown == ("No amount" if year["imported"] else "Not imported")


def test_years_not_imported_and_the_2024_conversion_factor_change_are_said(site: Path) -> None:
    block = history_block(page(site, "codes/97110"))
    assert "No 2023 RVU file is imported." in block
    assert (
        "The conversion factor changed during 2024: 32.7442 from 2024-01-01, 33.2875 from 2024-03-09."
        in block
    )
    assert ">2024*</text>" in block


def test_every_code_page_has_its_history_and_edit_section(site: Path) -> None:
    for code in CONTENT:
        html = page(site, f"codes/{code}")
        assert 'class="payment-history"' in html and 'id="edits"' in html, code


def test_edit_section_says_no_edit_file_is_loaded_until_one_is_imported(site: Path) -> None:
    text = text_of(site, "codes/97140")
    if handle({"kind": "edits", "code": "97140", "date_of_service": "2026-07-01"})["release"] is None:
        assert "No NCCI edit file is loaded" in text


def test_the_notice_on_code_pages_matches_calcs_freshness_on_the_build_day(site: Path) -> None:
    # The session build ran today (no SOURCE_DATE_EPOCH): its notice is calc's answer for today,
    # unless the build straddled midnight.
    answer = handle({"kind": "freshness", "today": date.today().isoformat()})
    html = page(site, "codes/97110")
    if answer["notice"]:
        assert "data-notice" in html and answer["newest"]["rvu"] in html and answer["today"] in html
    else:
        assert "data-notice" not in html.split('id="calculators"')[0]


def test_changes_page_lists_the_codes_with_pages_first_linked_then_the_rest(site: Path) -> None:
    html = page(site, "changes/RVU25D-RVU26C")
    report = handle({"kind": "changes", "release": "RVU26C"})
    moved = [
        c["code"]
        for c in report["changed"]
        if c["therapy"] and not c["mod"] and "non_facility" in c.get("national_amounts", {})
    ]
    ours = [code for code in moved if code in CONTENT]
    assert ours and "97110" in ours
    ours_section = html[html.index('id="ours"') : html.index('id="therapy"')]
    for code in ours:
        old, new = next(c for c in report["changed"] if c["code"] == code and not c["mod"])[
            "national_amounts"
        ]["non_facility"]
        assert f'href="../../codes/{code}/">{code}</a>' in ours_section, code
        assert f"${old} → ${new}" in ours_section, code
    rest = html[html.index('id="therapy"') :]
    for code in moved:
        if code not in CONTENT:
            assert f'<th scope="row">{code}</th>' in rest, code


def test_changes_index_links_every_report(site: Path) -> None:
    html = page(site, "changes")
    for report in handle({"kind": "changes"})["reports"]:
        assert f'href="{report["from"]}-{report["to"]}/"' in html


@pytest.fixture
def build_day(monkeypatch: pytest.MonkeyPatch):
    def set_day(day: date) -> None:
        epoch = (day - date(1970, 1, 1)).days * 86400
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))

    return set_day


def test_the_build_day_comes_from_source_date_epoch(build_day) -> None:
    build_day(date(2027, 1, 4))
    assert datapages.build_date() == date(2027, 1, 4)


def test_a_build_behind_the_calendar_year_warns_and_shows_a_dated_notice(build_day, capsys) -> None:
    build_day(date(2027, 1, 4))
    lines = datapages.warn_if_stale()
    assert any("no 2027 RVU file is imported" in line for line in lines)
    assert "WARNING - Fee-schedule data: As of 2027-01-04" in capsys.readouterr().err
    notice = str(datapages.data_notice())
    assert "Data as of 2027-01-04" in notice and "RVU26C" in notice


def test_a_build_in_the_newest_releases_quarter_shows_no_page_notice(build_day) -> None:
    build_day(date(2026, 8, 3))
    assert "data-notice" not in str(datapages.data_notice())
    calculators = str(datapages.calculator_notice())
    locality = handle({"kind": "freshness", "today": "2026-08-03"})["locality_notice"]
    if locality:  # calculators say why they start on the newest year with locality data
        assert locality.replace("'", "&#39;") in calculators


def test_edit_partners_render_calcs_answer() -> None:
    render.build_site(CONTENT_DIR)
    html = str(datapages.edit_partners("97140", "codes/97140.md"))
    answer = handle({"kind": "edits", "code": "97140", "date_of_service": datapages.build_date().isoformat()})
    if answer["release"] is None:
        assert answer["message"] in html
    else:
        for partner in answer["partners"]:
            assert partner["code"] in html


def test_edit_partners_with_an_imported_edit_file_link_codes_with_pages(monkeypatch) -> None:
    from importlib import resources

    from calc import schedule
    from calc.importer import build

    header = "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\t"
    header += "Modifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale"
    rows = [
        "97140\t97530\t\t20200101\t*\t0\tMutually exclusive procedures",
        "97140\tG9999\t\t20200101\t*\t1\tTest",
    ]
    ptp = "\r\n".join(["TEST FIXTURE: invented edits in the official layout", header, *rows]) + "\r\n"
    folder = resources.files("calc").joinpath("data")
    data = {e.name: e.read_bytes() for e in folder.iterdir() if e.is_file()}
    schedule.use_data(build({"ptp/f1.txt": ptp.encode("latin-1")}, data).files)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str((date(2026, 8, 3) - date(1970, 1, 1)).days * 86400))
    try:
        render.build_site(CONTENT_DIR)
        html = str(datapages.edit_partners("97140", "codes/97140.md"))
    finally:
        schedule.use_data(None)
    assert "| [97530](97530.md) | 97140 | 97530 | 0: Never paid together" in html
    assert "| G9999 | 97140 | G9999 | 1: " in html and "PTP_PRA_" in html
