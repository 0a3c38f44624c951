"""The importer reads the official CMS layouts (small fixtures cut from real files, with the
DESCRIPTION column emptied) and the compiled data carries no CPT descriptor text."""

from __future__ import annotations

import csv
import gzip
import io
import json
from importlib import resources
from pathlib import Path

import pytest

from calc import importer
from calc.importer import ImportError_, import_all, read_gpci, read_mue, read_rvu, read_zip5

FIXTURES = Path(__file__).parent / "fixtures"
CMS = FIXTURES / "cms"


def test_rvu_file_release_name_date_and_columns_by_header():
    rvu = read_rvu(CMS / "rvu25d" / "PPRRVU2025_Oct.csv")
    assert (rvu.release, rvu.released) == ("RVU25D", "2025-09-11")
    row = next(r for r in rvu.rows if r["hcpcs"] == "97110")
    assert row == {
        "hcpcs": "97110",
        "mod": "",
        "status": "A",
        "work": "0.45",
        "pe_nf": "0.43",
        "na_nf": "",
        "pe_f": "0.43",
        "na_f": "NA",
        "mp": "0.01",
        "pctc": "7",
        "glob": "XXX",
        "mult": "5",
        "bilat": "0",
        "asst": "0",
        "co": "0",
        "team": "0",
        "cf": "32.3465",
    }
    assert "description" not in {k.lower() for k in row}


def test_2026_file_has_an_extra_column_and_still_reads_right():
    rvu = read_rvu(CMS / "rvu26c" / "PPRRVU2026_Jul_nonQPP.csv")
    assert (rvu.release, rvu.released) == ("RVU26C", "2026-06-30")
    row = next(r for r in rvu.rows if r["hcpcs"] == "97110")
    assert (row["pe_nf"], row["mult"], row["cf"]) == ("0.41", "5", "33.4009")


def test_2022_file_skips_the_end_of_file_mark():
    rvu = read_rvu(CMS / "rvu22a" / "PPRRVU22_JAN.csv")
    assert rvu.release == "RVU22A" and all(len(r["hcpcs"]) == 5 for r in rvu.rows)


def test_gpci_2022_leading_zeros_restored_and_stars_dropped():
    ids = {loc["id"]: loc for loc in read_gpci(CMS / "rvu22a" / "GPCI2022.csv")}
    assert "02102-01" in ids and ids["02102-01"]["name"] == "ALASKA"
    assert ids["10112-00"]["pe"] == "0.888"


def test_gpci_2025_rows():
    ids = {loc["id"]: loc for loc in read_gpci(CMS / "rvu25d" / "GPCI2025.csv")}
    assert ids["01112-05"]["work"] == "1.088" and ids["05302-99"]["mp"] == "0.974"


def test_zip5_fixed_width():
    rows = {r["zip"]: r for r in read_zip5(CMS / "zip5-2025q4" / "ZIP5_OCT2025.txt")}
    assert rows["35201"] == {"zip": "35201", "state": "AL", "locality": "10112-00", "rural": "", "plus4": "0"}
    assert rows["35958"]["plus4"] == "1" and rows["35958"]["rural"] == "R"


def test_mue_official_layout():
    rows = read_mue(FIXTURES / "mue_practitioner_sample.csv")
    assert rows[0] == {"code": "97110", "mue": "4", "mai": "3"}
    assert [r["mai"] for r in rows] == ["3", "2", "1"]


def test_conversion_factor_disagreement_is_refused():
    rvu = read_rvu(CMS / "rvu25d" / "PPRRVU2025_Oct.csv")
    with pytest.raises(ImportError_, match="disagrees"):
        importer.check_conversion_factor(rvu, ["32.7442"])


def test_bad_layouts_are_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    for reader in (read_rvu, read_gpci, read_mue):
        with pytest.raises(ImportError_):
            reader(bad)


def _copy_cf(out: Path) -> None:
    text = resources.files("calc").joinpath("data/conversion_factors.json").read_text()
    (out / "conversion_factors.json").write_text(text)


def test_import_all_writes_deterministic_compact_files(tmp_path):
    _copy_cf(tmp_path)
    index = import_all(CMS, tmp_path, FIXTURES / "mue_practitioner_sample.csv")
    assert index["years"]["2025"]["rvu"] == "RVU25D"
    assert index["years"]["2026"]["gpci"] is None
    assert index["mue"]["rows"] == 3
    first = (tmp_path / "rvu_RVU25D.csv.gz").read_bytes()
    import_all(CMS, tmp_path, None)
    assert (tmp_path / "rvu_RVU25D.csv.gz").read_bytes() == first  # same input, same bytes
    assert not (tmp_path / "mue.csv").exists()
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(first).decode())))
    assert rows[0].keys() == set(importer.RVU_FIELDS)
    assert json.loads((tmp_path / "releases.json").read_text())["mue"] is None


def _data_texts():
    folder = resources.files("calc").joinpath("data")
    for entry in folder.iterdir():
        raw = entry.read_bytes()
        yield entry.name, gzip.decompress(raw).decode() if entry.name.endswith(".gz") else raw.decode()


def test_no_cpt_descriptor_text_in_calc_data():
    """AMA copyright: no DESCRIPTION column and no descriptor words in the compiled data."""
    for name, text in _data_texts():
        assert "Therapeutic exercises" not in text, name
        assert "Manual therapy" not in text, name
        if name.startswith("rvu_"):
            header, *rows = text.splitlines()
            assert "description" not in header.lower()
            for row in rows[:2000]:
                assert not any(
                    len(cell) > 6 and cell.replace(" ", "").isalpha() for cell in row.split(",")
                ), row


def test_compiled_data_size_stays_modest():
    total = sum(len(entry.read_bytes()) for entry in resources.files("calc").joinpath("data").iterdir())
    assert total < 1_500_000


def test_compiled_data_matches_the_fixture_rows():
    """The rows cut from the official files (fixtures) read the same through calc/data."""
    folder = resources.files("calc").joinpath("data")
    for release, path in (
        ("RVU25D", "rvu25d/PPRRVU2025_Oct.csv"),
        ("RVU26C", "rvu26c/PPRRVU2026_Jul_nonQPP.csv"),
        ("RVU22A", "rvu22a/PPRRVU22_JAN.csv"),
    ):
        compiled = folder.joinpath(f"rvu_{release}.csv.gz").read_bytes()
        rows = {
            (r["hcpcs"], r["mod"]): r for r in csv.DictReader(io.StringIO(gzip.decompress(compiled).decode()))
        }
        for row in read_rvu(CMS / path).rows:
            assert rows[(row["hcpcs"], row["mod"])] == row
    gpci = {r["id"]: r for r in csv.DictReader(io.StringIO(folder.joinpath("gpci_GPCI2025.csv").read_text()))}
    for loc in read_gpci(CMS / "rvu25d" / "GPCI2025.csv"):
        assert gpci[loc["id"]] == loc
