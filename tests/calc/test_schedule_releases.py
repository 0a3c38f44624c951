"""Releases chosen by date of service, PTP edit lookups and change reports, read through
calc.schedule from data that calc.importer built in memory (schedule.use_data)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from test_importer import FIXTURES, current, fixture_downloads, text, zipped

from calc import schedule
from calc.importer import build
from calc.money import round_money


@pytest.fixture
def loaded() -> Iterator[None]:
    """The fixture releases plus an April 2025 release (RVU25B) and the PTP and MUE samples."""
    april = text("rvu25d/PPRRVU2025_Oct.csv").replace("October Release", "April Release", 1)
    april = april.replace("RELEASED 09/11/2025", "RELEASED 03/14/2025")
    downloads = {
        **fixture_downloads(),
        "RVU25B.zip": zipped({"PPRRVU25_APR.csv": april, "GPCI2025.csv": text("rvu25d/GPCI2025.csv")}),
        "mue.csv": (FIXTURES / "mue_practitioner_sample.csv").read_bytes(),
        "ptp/f1.txt": (FIXTURES / "ptp/ccipra_sample_f1.txt").read_bytes(),
        "ptp/f2.txt": (FIXTURES / "ptp/ccipra_sample_f2.txt").read_bytes(),
    }
    schedule.use_data(build(downloads, current()).files)
    yield
    schedule.use_data(None)


@pytest.mark.usefixtures("loaded")
def test_a_date_of_service_picks_the_release_in_effect() -> None:
    assert [r.rvu for r in schedule.releases_of_year(2025)] == ["RVU25B", "RVU25D"]
    assert schedule.get_release(date(2025, 4, 1)).rvu == "RVU25B"
    assert schedule.get_release(date(2025, 9, 30)).rvu == "RVU25B"
    assert schedule.get_release(date(2025, 10, 1)).rvu == "RVU25D"
    # before the first imported release of the year: that first release, which says from when it applies
    early = schedule.get_release(date(2025, 2, 3))
    assert (early.rvu, early.effective) == ("RVU25B", date(2025, 4, 1))
    assert schedule.get_release(2025).rvu == "RVU25D"  # a year alone: its newest release
    assert schedule.get_release(date(2026, 7, 1)).rvu == "RVU26C"


@pytest.mark.usefixtures("loaded")
def test_a_date_in_a_year_without_data_names_the_years() -> None:
    with pytest.raises(schedule.DataError, match="available years: 2022, 2025, 2026"):
        schedule.get_release(date(2024, 5, 1))


def test_conversion_factor_by_date_or_year() -> None:
    assert schedule.conversion_factor(date(2024, 3, 8)).value == Decimal("32.7442")
    assert schedule.conversion_factor(2024, date(2024, 3, 9)).value == Decimal("33.2875")


def test_no_edit_file_loaded() -> None:
    assert schedule.edit_release(date(2026, 8, 3)) is None
    assert schedule.ptp_edit("97140", "97530", date(2026, 8, 3)) is None
    assert schedule.ptp_partners("97140", date(2026, 8, 3)) == []


@pytest.mark.usefixtures("loaded")
def test_ptp_edit_either_order_and_dates() -> None:
    on = date(2026, 8, 3)
    assert schedule.edit_release(on) == "PTP_PRA_2026Q3"
    edit = schedule.ptp_edit("97530", "97140", on)
    assert edit is not None and (edit.column1, edit.column2, edit.modifier) == ("97140", "97530", "0")
    assert schedule.ptp_edit("97140", "97530", on) == edit
    assert schedule.ptp_edit("97140", "97530", date(2019, 12, 31)) is None  # before its effective date
    # 97161/97140 was deleted after December 31, 2020
    assert schedule.ptp_edit("97161", "97140", date(2020, 12, 31)) is not None
    assert schedule.ptp_edit("97161", "97140", date(2021, 1, 1)) is None
    assert schedule.ptp_edit("97530", "97150", date(2026, 6, 30)) is None  # effective July 1, 2026
    assert schedule.ptp_edit("97110", "97150", on) is None


@pytest.mark.usefixtures("loaded")
def test_ptp_partners_on_a_date() -> None:
    partners = schedule.ptp_partners("97110", date(2026, 8, 3))
    assert [(e.column1, e.column2, e.modifier) for e in partners] == [
        ("97110", "97112", "1"),
        ("97164", "97110", "1"),
    ]
    assert {e.release for e in partners} == {"PTP_PRA_2026Q3"}
    assert [e.column2 for e in schedule.ptp_partners("97530", date(2026, 8, 3))] == ["97530", "97150"]


@pytest.mark.usefixtures("loaded")
def test_mue_table_from_an_import() -> None:
    assert schedule.mue_table()["97110"] == schedule.MueLimit("97110", 4, "3")


def _amount(row: schedule.RvuRow) -> Decimal:
    return round_money((row.work + row.pe_non_facility + row.mp) * row.conversion_factor)


def test_rvu25d_to_rvu26c_report_lists_every_therapy_code_whose_national_amount_changed() -> None:
    """Worked out here from the two releases' rows, not from the report's own code."""
    old, new = schedule.get_release(2025), schedule.get_release(2026)
    therapy = sorted(
        code for code in old.codes_with_global("XXX") if old.has_code(code) and new.has_code(code)
    )
    expected = {
        code
        for code in therapy
        if old.row(code).mult_proc == "5" and _amount(old.row(code)) != _amount(new.row(code))
    }
    report = schedule.change_report("RVU26C")
    assert report is not None and report["from"] == "RVU25D"
    listed = {
        c["code"]
        for c in report["changed"]
        if c["therapy"] and not c["mod"] and "non_facility" in c.get("national_amounts", {})
    }
    assert {"97110", "97140", "97530", "97161"} <= expected
    assert listed == expected
