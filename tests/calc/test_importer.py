"""The importer reads the official CMS layouts (small fixtures cut from real files, with the
DESCRIPTION column emptied), refuses every kind of bad file with the file, row and problem, and
the compiled data carries no CPT descriptor text.

Everything here works on bytes in memory, as the importer does in the browser; the command
(scratch folder, swap, interrupted runs, the full CMS files) is tested in tests/importer.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from calc import importer
from calc.importer import ImportRefused, build, read_gpci, read_mue, read_ptp, read_rvu, read_zip5

FIXTURES = Path(__file__).parent / "fixtures"
CMS = FIXTURES / "cms"
RVU25D = "rvu25d/PPRRVU2025_Oct.csv"
GPCI25 = "rvu25d/GPCI2025.csv"
ZIP5 = "zip5-2025q4/ZIP5_OCT2025.txt"
FACTORS = json.loads(resources.files("calc").joinpath("data/conversion_factors.json").read_text())["years"]


def text(path: str) -> str:
    return (CMS / path).read_bytes().decode("latin-1")


def lines(path: str) -> list[str]:
    return text(path).splitlines(keepends=True)


def zipped(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data.encode("latin-1") if isinstance(data, str) else data)
    return buffer.getvalue()


def current(**extra: bytes) -> dict[str, bytes]:
    """A calc/data folder with only the files an import does not write (first import)."""
    folder = resources.files("calc").joinpath("data")
    names = ("conversion_factors.json", "replacement_codes.json")
    return {**{n: folder.joinpath(n).read_bytes() for n in names}, **extra}


def refused(downloads: dict[str, bytes], data: dict[str, bytes] | None = None) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        build(downloads, current() if data is None else data)
    return [p.line() for p in caught.value.problems]


def rvu_zip(rvu: str | None = None, gpci: str | None = None) -> dict[str, bytes]:
    return {
        "RVU25D.zip": zipped(
            {
                "PPRRVU2025_Oct.csv": text(RVU25D) if rvu is None else rvu,
                "GPCI2025.csv": text(GPCI25) if gpci is None else gpci,
            }
        )
    }


def replace_row(path: str, number: int, old: str, new: str) -> str:
    """The fixture with one row (1-based) changed."""
    rows = lines(path)
    assert old in rows[number - 1], rows[number - 1]
    rows[number - 1] = rows[number - 1].replace(old, new, 1)
    return "".join(rows)


ROW_97110 = 21  # the 97110 row of the RVU25D fixture


# --- reading the official layouts ----------------------------------------------------------


def test_rvu_file_release_name_date_and_columns_by_header():
    rvu = read_rvu((CMS / RVU25D).read_bytes(), "PPRRVU2025_Oct.csv", FACTORS)
    assert (rvu.release, rvu.released, rvu.effective) == ("RVU25D", "2025-09-11", date(2025, 10, 1))
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
    rvu = read_rvu((CMS / "rvu26c/PPRRVU2026_Jul_nonQPP.csv").read_bytes(), "x.csv", FACTORS)
    assert (rvu.release, rvu.released) == ("RVU26C", "2026-06-30")
    row = next(r for r in rvu.rows if r["hcpcs"] == "97110")
    assert (row["pe_nf"], row["mult"], row["cf"]) == ("0.41", "5", "33.4009")


def test_2022_file_skips_the_end_of_file_mark():
    rvu = read_rvu((CMS / "rvu22a/PPRRVU22_JAN.csv").read_bytes(), "x.csv", FACTORS)
    assert rvu.release == "RVU22A" and all(len(r["hcpcs"]) == 5 for r in rvu.rows)


def test_gpci_2022_leading_zeros_restored_and_stars_dropped():
    gpci = read_gpci((CMS / "rvu22a/GPCI2022.csv").read_bytes(), "GPCI2022.csv")
    ids = {loc["id"]: loc for loc in gpci.localities}
    assert gpci.name == "GPCI2022" and ids["02102-01"]["name"] == "ALASKA"
    assert ids["10112-00"]["pe"] == "0.888"


def test_gpci_2025_rows():
    ids = {loc["id"]: loc for loc in read_gpci((CMS / GPCI25).read_bytes(), "g.csv").localities}
    assert ids["01112-05"]["work"] == "1.088" and ids["05302-99"]["mp"] == "0.974"


def test_zip5_fixed_width_named_by_its_year_quarter_field():
    zips = read_zip5((CMS / ZIP5).read_bytes(), "z.txt")
    rows = {r["zip"]: r for r in zips.rows}
    assert zips.name == "ZIP5_OCT2025"
    assert rows["35201"] == {"zip": "35201", "state": "AL", "locality": "10112-00", "rural": "", "plus4": "0"}
    assert rows["35958"]["plus4"] == "1" and rows["35958"]["rural"] == "R"


def test_mue_official_layout():
    rows = read_mue((FIXTURES / "mue_practitioner_sample.csv").read_bytes(), "mue.csv")
    assert rows[0] == {"code": "97110", "mue": "4", "mai": "3", "rationale": "Clinical: Data"}
    assert [r["mai"] for r in rows] == ["3", "2", "1"]


def test_ptp_official_layout():
    rows = read_ptp((FIXTURES / "ptp" / "ccipra_sample_f1.txt").read_bytes(), "f1.txt")
    first = rows[0]
    assert (first["column1"], first["column2"], first["effective"], first["deletion"]) == (
        "97140",
        "97530",
        "20200101",
        "",
    )
    assert {r["modifier"] for r in rows} == {"0", "1"}
    assert importer.ptp_name(rows) == "PTP_PRA_2026Q3"


# --- a whole import, in memory --------------------------------------------------------------


def fixture_downloads() -> dict[str, bytes]:
    """The fixtures zipped as CMS publishes them (one zip per release, one for the ZIP file)."""
    out = {}
    for folder in ("rvu22a", "rvu25d", "rvu26c", "zip5-2025q4"):
        out[f"{folder.upper()}.zip"] = zipped(
            {p.name: p.read_bytes() for p in sorted((CMS / folder).iterdir())}
        )
    return out


def test_build_names_releases_by_content_and_keeps_them_all():
    result = build(fixture_downloads(), current())
    index = json.loads(result.files["releases.json"])
    assert [(e["rvu"], e["effective"]) for e in index["releases"]] == [
        ("RVU22A", "2022-01-01"),
        ("RVU25D", "2025-10-01"),
        ("RVU26C", "2026-07-01"),
    ]
    assert index["years"]["2025"]["gpci"] == "GPCI2025" and index["years"]["2026"]["gpci"] is None
    assert index["zip"]["name"] == "ZIP5_OCT2025"
    assert set(result.files) >= {"rvu_RVU25D.csv.gz", "gpci_GPCI2025.csv", "zip5_ZIP5_OCT2025.csv.gz"}
    assert "replacement_codes.json" in result.files  # files the importer does not write are carried over


def test_build_is_deterministic_and_the_manifest_lists_every_file():
    first, second = build(fixture_downloads(), current()), build(fixture_downloads(), current())
    assert first.files == second.files
    manifest = json.loads(first.files["manifest.json"])["files"]
    carried = {"manifest.json", "conversion_factors.json", "replacement_codes.json"}
    assert set(manifest) == set(first.files) - carried


def test_a_second_import_keeps_earlier_releases():
    first = build(fixture_downloads(), current())
    only_26 = {k: v for k, v in fixture_downloads().items() if k.startswith("RVU26")}
    second = build(only_26, first.files)
    assert [e["rvu"] for e in json.loads(second.files["releases.json"])["releases"]] == [
        "RVU22A",
        "RVU25D",
        "RVU26C",
    ]


def test_change_report_lists_therapy_amount_changes_with_calc_rounding():
    result = build(fixture_downloads(), current())
    report = json.loads(gzip.decompress(result.files["changes_RVU25D_RVU26C.json.gz"]))
    by_code = {c["code"]: c for c in report["changed"] if not c["mod"]}
    # 97110: (0.45 + 0.43 + 0.01) x 32.3465 = 28.79 in RVU25D; (0.45 + 0.41 + 0.01) x 33.4009 = 29.06
    assert by_code["97110"]["national_amounts"]["non_facility"] == ["28.79", "29.06"]
    assert by_code["97110"]["therapy"] is True
    assert by_code["97110"]["rvus"]["pe_nf"] == ["0.43", "0.41"]
    summary = "\n".join(result.summary)
    assert "RVU25D -> RVU26C" in summary and "97110: national (both settings) $28.79 -> $29.06" in summary


def test_change_report_added_deleted_and_indicators():
    old = [{"hcpcs": "97110", "mod": "", "status": "A", "glob": "XXX", "mult": "5", "cf": "32.3465"}]
    base = {n: "0" for n in importer.RVU_FIELDS} | {
        "work": "0.45",
        "pe_nf": "0.43",
        "pe_f": "0.43",
        "mp": "0.01",
    }
    old_rows = [base | old[0], base | {"hcpcs": "97014", "status": "I", "mult": "9", "cf": "32.3465"}]
    new_rows = [
        base | old[0] | {"status": "R", "glob": "ZZZ"},
        base | {"hcpcs": "97550", "cf": "32.3465", "mult": "5"},
    ]
    report = importer.changes("A", old_rows, "B", new_rows)
    assert [e["code"] for e in report["added"]] == ["97550"]
    assert [e["code"] for e in report["deleted"]] == ["97014"]
    assert report["changed"][0]["indicators"] == {"status": ["A", "R"], "glob": ["XXX", "ZZZ"]}
    assert "national_amounts" not in report["changed"][0]  # same RVUs, same CF


def test_mue_and_ptp_import_into_compact_tables():
    downloads = {
        "mue.csv": (FIXTURES / "mue_practitioner_sample.csv").read_bytes(),
        "ptp/ccipra_f1.txt": (FIXTURES / "ptp" / "ccipra_sample_f1.txt").read_bytes(),
        "ptp/ccipra_f2.txt": (FIXTURES / "ptp" / "ccipra_sample_f2.txt").read_bytes(),
    }
    result = build(downloads, current())
    index = json.loads(result.files["releases.json"])
    assert index["ptp"]["name"] == "PTP_PRA_2026Q3" and index["ptp"]["rows"] == 6
    assert index["mue"]["rows"] == 3
    rows = importer.read_compiled(result.files[index["ptp"]["file"]])
    assert rows[0].keys() == set(importer.PTP_FIELDS)


# --- refusals: every bad file named with its row and its problem ---------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("0.45,0.43", "NaN,0.43", "row 21: WORK RVU 'NaN' is not a finite number."),
        ("0.45,0.43", "inf,0.43", "row 21: WORK RVU 'inf' is not a finite number."),
        ("0.45,0.43", "0.45,-0.43", "row 21: NON-FAC PE RVU '-0.43' is negative."),
        ("0.45,0.43", "0.45,abc", "row 21: NON-FAC PE RVU 'abc' is not a number."),
        (
            "0.45,0.43",
            "0.45,0.44",
            "row 21: WORK + NON-FACILITY PE + MP RVU = 0.90, but NON-FACILITY TOTAL is 0.89.",
        ),
        ("97110,,,A", "9711,,,A", "row 21: HCPCS '9711' is not a 5-character code."),
        ("97110,,,A", "97110,,Invented, text,A", "row 21: has 32 columns where the header has 31"),
        ("XXX,", "XYZ,", "row 21: GLOB DAYS 'XYZ' is not a global period"),
        ("32.3465", "32.3466", "CONV FACTOR should be one value"),
    ],
)
def test_bad_rvu_rows_are_refused_with_file_and_row(old, new, expected):
    problems = refused(rvu_zip(rvu=replace_row(RVU25D, ROW_97110, old, new)))
    assert any(p.startswith("RVU25D.zip/PPRRVU2025_Oct.csv: ") and expected in p for p in problems), problems


def test_duplicate_hcpcs_rows_are_refused():
    rows = lines(RVU25D)
    problems = refused(rvu_zip(rvu="".join([*rows, rows[ROW_97110 - 1]])))
    assert any("row 28: HCPCS 97110 is listed twice (first at row 21)" in p for p in problems), problems


@pytest.mark.parametrize("keep", [0, 5, 10, 2000])
def test_empty_and_truncated_rvu_files_are_refused(keep):
    cut = text(RVU25D)[:keep] if keep < 2000 else "".join(lines(RVU25D)[:ROW_97110])[:-40]
    problems = refused(rvu_zip(rvu=cut))
    assert problems and all(p.startswith("RVU25D.zip/") for p in problems), problems


def test_title_year_that_does_not_match_the_content_is_refused():
    problems = refused(rvu_zip(rvu=text(RVU25D).replace("2025 National", "2026 National", 1)))
    assert any("title names 2026 (RVU26D) but its CONV FACTOR 32.3465 is 2025's" in p for p in problems), (
        problems
    )
    problems = refused(rvu_zip(rvu=text(RVU25D).replace("RELEASED 09/11/2025", "RELEASED 09/11/2023")))
    assert any("says RELEASED 2023-09-11: the title year does not match" in p for p in problems), problems


def test_a_year_without_a_known_conversion_factor_is_refused():
    problems = refused(rvu_zip(rvu=text(RVU25D).replace("2025 National", "2027 National", 1)))
    assert any("no 2027 conversion factor is recorded" in p for p in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("0.869,0.575", "NaN,0.575", "row 4: PE GPCI 'NaN' is not a finite number."),
        ("0.869,0.575", "-0.869,0.575", "row 4: PE GPCI '-0.869' is negative."),
        ("0.869,0.575", "0.869,", "row 4: MP GPCI '' is not a number."),
        ("0.869,0.575", "0,0.575", "row 4: PE GPCI is 0"),
        ("ALABAMA,", "ALABAMA, STATEWIDE,", "row 4: has 8 columns where the header has 7"),
    ],
)
def test_bad_gpci_rows_are_refused(old, new, expected):
    problems = refused(rvu_zip(gpci=replace_row(GPCI25, 4, old, new)))
    assert any(p.startswith("RVU25D.zip/GPCI2025.csv: ") and expected in p for p in problems), problems


def test_duplicate_locality_rows_are_refused():
    rows = lines(GPCI25)
    problems = refused(rvu_zip(gpci="".join([*rows[:5], rows[3], *rows[5:]])))
    assert any("row 6: locality 10112-00 is listed twice (first at row 4)" in p for p in problems), problems


def test_gpci_of_another_year_than_its_rvu_file_is_refused():
    problems = refused(rvu_zip(gpci=text(GPCI25).replace("2025", "2024")))
    assert any("is the 2024 GPCI file but its zip's RVU file is RVU25D" in p for p in problems), problems
    problems = refused(rvu_zip(gpci=text(GPCI25).replace("CY 2025", "CY 2024")))
    assert any("the title names 2024 but the GPCI columns name ['2025']" in p for p in problems), problems


def test_empty_files_are_refused():
    for name in ("RVU25D.zip", "ZIP5_OCT2025.txt", "mue.csv"):
        problems = refused({name: b""} if name != "RVU25D.zip" else rvu_zip(rvu=""))
        assert any("is empty" in p for p in problems), (name, problems)


def test_a_corrupted_zip_is_refused():
    whole = rvu_zip()["RVU25D.zip"]
    problems = refused({"RVU25D.zip": whole[: len(whole) // 2]})
    assert problems == [problems[0]] and "RVU25D.zip: is not a readable zip" in problems[0], problems
    flipped = bytearray(whole)
    flipped[60] ^= 0xFF  # inside the first member's compressed data: a CRC or inflate error
    assert any(p.startswith("RVU25D.zip") for p in refused({"RVU25D.zip": bytes(flipped)}))


def test_rvu_only_in_excel_or_text_form_is_refused_with_what_to_use():
    book = zipped(
        {
            "xl/sharedStrings.xml": "<sst><si><t>2025 National Physician Fee Schedule Relative Value File</t></si></sst>"
        }
    )
    problems = refused({"RVU25D.zip": zipped({"PPRRVU2025_Oct.xlsx": book})})
    assert problems == [
        "RVU25D.zip/PPRRVU2025_Oct.xlsx: the RVU (PPRRVU) file in its Excel form is not read: use its CSV "
        "form from the same CMS zip."
    ]
    # with the CSV beside it, the Excel copy is skipped
    result = build(
        {"RVU25D.zip": zipped({"PPRRVU2025_Oct.xlsx": book, "PPRRVU2025_Oct.csv": text(RVU25D)})}, current()
    )
    assert "rvu_RVU25D.csv.gz" in result.files


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (0, "row 1: is 79 characters long"),
        (1, "row 2: ZIP 'X5004' is not 5 digits"),
        (2, "row 3: Year/Quarter '2025Q' is not YYYYQ"),
    ],
)
def test_bad_zip5_lines_are_refused(line, expected):
    rows = lines(ZIP5)
    edits = {
        0: lambda r: r[:40] + r[41:],
        1: lambda r: r[:2] + "X" + r[3:],
        2: lambda r: r[:75] + "2025Q\r\n",
    }
    rows[line] = edits[line](rows[line])
    problems = refused({"ZIP5.zip": zipped({"ZIP5_OCT2025.txt": "".join(rows)})})
    assert any(p.startswith("ZIP5.zip/ZIP5_OCT2025.txt: ") and expected in p for p in problems), problems


def test_duplicate_zip_rows_are_refused():
    rows = lines(ZIP5)
    problems = refused({"ZIP5.zip": zipped({"ZIP5_OCT2025.txt": "".join([*rows, rows[2]])})})
    assert any("row 8: ZIP 35201 is listed twice (first at row 3)" in p for p in problems), problems


def test_row_counts_far_below_the_previous_release_are_refused():
    """A file cut at a row boundary reads well; only the row count gives it away."""
    first = build(fixture_downloads(), current())
    index = json.loads(first.files["releases.json"])
    index["releases"][1]["rows"] = 100  # as if RVU25D had had 100 rows and 9 localities...
    index["releases"][1]["localities"] = 40
    index["zip"]["rows"] = 100
    data = {**first.files, "releases.json": json.dumps(index).encode()}
    problems = refused(
        {k: v for k, v in fixture_downloads().items() if k.startswith(("RVU26", "ZIP5"))}, data
    )
    assert any("has 16 code rows, far below the 100 of the previous release (RVU25D)" in p for p in problems)
    assert any("ZIP5_OCT2025.txt: has 7 ZIP codes, far below the 100" in p for p in problems), problems
    problems = refused(
        {
            "RVU26C.zip": zipped(
                {
                    "P.csv": text("rvu26c/PPRRVU2026_Jul_nonQPP.csv"),
                    "G.csv": text(GPCI25).replace("2025", "2026"),
                }
            )
        },
        data,
    )
    assert any(
        "G.csv: has 27 localities, far below the 40 of the previous release (RVU25D)" in p for p in problems
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"3 Date', '"4 Date', "row 5: MUE adjudication indicator"),
        ('"97110","4"', '"97110","four"', "row 5: MUE value 'four' is not a number."),
        ('"97110","4"', '"97110","-4"', "row 5: MUE value '-4' is negative."),
        ('"97546"', '"97110"', "row 6: HCPCS 97110 is listed twice (first at row 5)."),
    ],
)
def test_bad_mue_rows_are_refused(old, new, expected):
    data = (FIXTURES / "mue_practitioner_sample.csv").read_text().replace(old, new, 1)
    problems = refused({"mue.csv": data.encode()})
    assert any(p.startswith("mue.csv: ") and expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("\t0\t", "\t2\t", "modifier indicator '2' is not 0, 1 or 9."),
        ("20200101", "2020-01-01", "effective date '2020-01-01' is not a YYYYMMDD date."),
        ("\t*\t0", "\t2021/01/01\t0", "deletion date '2021/01/01' is neither '*' nor a YYYYMMDD date."),
    ],
)
def test_bad_ptp_rows_are_refused(old, new, expected):
    data = (FIXTURES / "ptp" / "ccipra_sample_f1.txt").read_text().replace(old, new, 1)
    problems = refused({"f1.txt": data.encode()})
    assert any(p.startswith("f1.txt: row ") and expected in p for p in problems), problems


def test_an_edit_in_two_ptp_parts_is_refused():
    part = (FIXTURES / "ptp" / "ccipra_sample_f1.txt").read_bytes()
    problems = refused({"ptp/f1.txt": part, "ptp/f1-copy.txt": part})
    assert any("is in two parts" in p for p in problems), problems


def test_nothing_recognised_is_refused():
    assert refused({"notes.txt": b"hello"}) == [
        "downloads: no CMS file was recognised (RVU, ZIP-code, MUE or PTP files)."
    ]


def test_every_problem_is_one_line_naming_the_file():
    problems = refused(rvu_zip(rvu=replace_row(RVU25D, ROW_97110, "0.45,0.43", "NaN,-1")))
    assert len(problems) >= 2 and all("\n" not in p and p.startswith("RVU25D.zip/") for p in problems)


# --- the compiled data in calc/data ---------------------------------------------------------


def _data_texts():
    folder = resources.files("calc").joinpath("data")
    for entry in folder.iterdir():
        raw = entry.read_bytes()
        yield entry.name, gzip.decompress(raw).decode() if entry.name.endswith(".gz") else raw.decode()


def test_no_cpt_descriptor_text_in_calc_data():
    """AMA copyright: no DESCRIPTION column and no descriptor words in the compiled data."""
    for name, data in _data_texts():
        assert "Therapeutic exercises" not in data, name
        assert "Manual therapy" not in data, name
        if name.startswith("rvu_"):
            header, *rows = data.splitlines()
            assert "description" not in header.lower()
            for row in rows[:2000]:
                assert not any(
                    len(cell) > 6 and cell.replace(" ", "").isalpha() for cell in row.split(",")
                ), row


def test_compiled_data_size_stays_modest():
    total = sum(len(entry.read_bytes()) for entry in resources.files("calc").joinpath("data").iterdir())
    assert total < 1_500_000


def test_manifest_matches_calc_data():
    import hashlib

    folder = resources.files("calc").joinpath("data")
    manifest = json.loads(folder.joinpath("manifest.json").read_text())["files"]
    for name, entry in manifest.items():
        data = folder.joinpath(name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}, name


def test_compiled_data_matches_the_fixture_rows():
    """The rows cut from the official files (fixtures) read the same through calc/data."""
    folder = resources.files("calc").joinpath("data")
    for release, path in (
        ("RVU25D", RVU25D),
        ("RVU26C", "rvu26c/PPRRVU2026_Jul_nonQPP.csv"),
        ("RVU22A", "rvu22a/PPRRVU22_JAN.csv"),
    ):
        compiled = folder.joinpath(f"rvu_{release}.csv.gz").read_bytes()
        rows = {
            (r["hcpcs"], r["mod"]): r for r in csv.DictReader(io.StringIO(gzip.decompress(compiled).decode()))
        }
        for row in read_rvu((CMS / path).read_bytes(), path, FACTORS).rows:
            assert rows[(row["hcpcs"], row["mod"])] == row
    gpci = {r["id"]: r for r in csv.DictReader(io.StringIO(folder.joinpath("gpci_GPCI2025.csv").read_text()))}
    for loc in read_gpci((CMS / GPCI25).read_bytes(), "g.csv").localities:
        assert gpci[loc["id"]] == loc


def test_zips_inside_zips_are_opened_to_a_limit():
    inner = rvu_zip()["RVU25D.zip"]
    result = build({"download.zip": zipped({"RVU25D.zip": inner})}, current())
    assert "rvu_RVU25D.csv.gz" in result.files
    deep = inner
    for level in range(4):
        deep = zipped({f"level{level}.zip": deep})
    assert any("nested more than 3 deep" in p for p in refused({"deep.zip": deep}))


def _fixed_width(csv_text_: str) -> str:
    """A stand-in for CMS's fixed-width text form: the same rows, cells padded, no commas."""
    return "".join(" ".join(c.ljust(12) for c in row) + "\n" for row in csv.reader(io.StringIO(csv_text_)))


def test_text_forms_are_skipped_beside_the_csv_and_refused_alone():
    """A CMS RVU zip carries each file as CSV, fixed-width text and Excel; the CSV is read."""
    members = {
        "PPRRVU2025_Oct.csv": text(RVU25D),
        "PPRRVU2025_Oct.txt": _fixed_width(text(RVU25D)),
        "GPCI2025.csv": text(GPCI25),
        "GPCI2025.txt": _fixed_width(text(GPCI25)),
    }
    result = build({"RVU25D.zip": zipped(members)}, current())
    assert {"rvu_RVU25D.csv.gz", "gpci_GPCI2025.csv"} <= set(result.files)
    assert "skipped (not a file the importer reads): RVU25D.zip/GPCI2025.txt" in result.summary
    alone = {k: v for k, v in members.items() if k.endswith(".txt")}
    assert refused({"RVU25D.zip": zipped(alone)}) == [
        "RVU25D.zip/PPRRVU2025_Oct.txt: the RVU (PPRRVU) file in its fixed-width text form is not read: use "
        "its CSV form from the same CMS zip.",
        "RVU25D.zip/GPCI2025.txt: the GPCI file in its fixed-width text form is not read: use its CSV form "
        "from the same CMS zip.",
    ]
