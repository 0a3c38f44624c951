"""Read CMS fee-schedule downloads, as CMS publishes them, into the compact files of ``calc/data``.

Standard library only, and every step works on bytes in memory (``build`` takes a mapping of
file names to bytes and answers the new folder's files as bytes), so the same module can run in
the browser on a zip the user picks. Writing the folder (scratch copy, then one swap) is the
job of ``tools/import_cms.py``.

What it reads, each file recognised by its content, never by its name or folder:

* the quarterly RVU zip (``RVU25D.zip`` and the like): the national RVU file ``PPRRVU*`` in its
  CSV form (title row "2025 National Physician Fee Schedule Relative Value File October
  Release", a "RELEASED mm/dd/yyyy" row, a header stacked over several rows; columns are found
  by their header words, since 2026 added PRIC IND), the GPCI file (Addendum E) and the
  locality-county file; the DESCRIPTION column (CPT short descriptors, AMA copyright) is
  never read into the output;
* the ZIP-code-to-locality zip (fixed width, ``ZIP5lyout.txt``; the release is named by the
  Year/Quarter field of its rows);
* the practitioner MUE file (CSV, header "HCPCS/CPT Code", "... MUE Values", "MUE Adjudication
  Indicator", "MUE Rationale");
* the practitioner NCCI PTP edit files (tab-delimited text: column 1, column 2, "*" in
  existence before 1996, effective date, deletion date or "*", modifier indicator 0/1/9, PTP
  edit rationale; the layout of the Medicaid NCCI Edit Design Manual, "Publication Formats -
  NCCI PTP Complete Edit Files, Tab-Delimited ASCII Text Format", which the Medicare
  practitioner files share).

Every problem found is a ``Problem`` naming the file, the row and what is wrong; ``build``
collects them all and raises ``ImportRefused`` carrying them, so nothing is written unless
every file passed.

>>> release_name("2025 National Physician Fee Schedule Relative Value File October Release")
'RVU25D'
>>> locality_id("2102", "1")
'02102-01'
>>> effective_date("RVU26C")
datetime.date(2026, 7, 1)
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import itertools
import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, Final

from calc.money import round_money

RVU_COLUMNS: Final = {
    "HCPCS": "hcpcs",
    "MOD": "mod",
    "STATUS CODE": "status",
    "WORK RVU": "work",
    "NON-FAC PE RVU": "pe_nf",
    "NON-FAC NA INDICATOR": "na_nf",
    "FACILITY PE RVU": "pe_f",
    "FACILITY NA INDICATOR": "na_f",
    "MP RVU": "mp",
    "PCTC IND": "pctc",
    "GLOB DAYS": "glob",
    "MULT PROC": "mult",
    "BILAT SURG": "bilat",
    "ASST SURG": "asst",
    "CO- SURG": "co",
    "TEAM SURG": "team",
    "CONV FACTOR": "cf",
}
# Read to check W + PE + MP against them, not written out.
_TOTAL_COLUMNS: Final = {"NON-FACILITY TOTAL": "total_nf", "FACILITY TOTAL": "total_f"}
RVU_FIELDS: Final = tuple(RVU_COLUMNS.values())
RVU_NUMBERS: Final = ("work", "pe_nf", "pe_f", "mp")
GPCI_FIELDS: Final = ("id", "state", "name", "work", "pe", "mp")
ZIP_FIELDS: Final = ("zip", "state", "locality", "rural", "plus4")
MUE_FIELDS: Final = ("code", "mue", "mai", "rationale")
PTP_FIELDS: Final = ("column1", "column2", "prior_1996", "effective", "deletion", "modifier", "rationale")

# CMS names quarterly RVU releases A to D; each applies to services from the first day of its
# quarter (CMS, "PFS Relative Value Files" page: RVU25A January, RVU25B April, RVU25C July,
# RVU25D October).
_QUARTER_LETTER: Final = {"january": "A", "april": "B", "july": "C", "october": "D"}
_LETTER_MONTH: Final = {"A": 1, "B": 4, "C": 7, "D": 10}
_ZIP_QUARTER_MONTH: Final = {"1": "JAN", "2": "APR", "3": "JUL", "4": "OCT"}
_CODE_RE: Final = re.compile(r"[0-9A-Z]{5}")
_MODIFIER_RE: Final = re.compile(r"(|[0-9A-Z]{2})")
_NUMBER_RE: Final = re.compile(r"[0-9]{1,6}(\.[0-9]{1,6})?")
_GLOBAL_DAYS: Final = frozenset({"000", "010", "090", "MMM", "XXX", "YYY", "ZZZ"})
_NA: Final = frozenset({"", "NA"})
#: A new release with fewer rows than this share of the previous one's is taken as truncated.
MIN_ROW_SHARE: Final = Decimal("0.9")
#: The most bytes one file in a zip may expand to (the largest CMS file is about 4 MB).
MAX_MEMBER_BYTES: Final = 200_000_000
#: How deep zips inside zips are opened (CMS nests at most one level).
MAX_ZIP_DEPTH: Final = 3
#: The indexes the importer rebuilds on every import (with the change reports).
OWNED_FILES: Final = ("releases.json", "manifest.json")
#: Files made from CMS downloads (the manifest lists these; other tools' files such as
#: unit_rules.json change without an import).
IMPORTED_PREFIXES: Final = ("rvu_", "gpci_", "zip5_", "mue_", "ptp_", "changes_", "releases.json")


@dataclass(frozen=True)
class Problem:
    """One reason to refuse an import: the file, the row (when one is to blame) and what is wrong."""

    file: str
    row: int | None
    message: str

    def line(self) -> str:
        """The problem on one line, as ``make import`` prints it.

        >>> Problem("GPCI2025.csv", 12, "PE GPCI 'NaN' is not a finite number.").line()
        "GPCI2025.csv: row 12: PE GPCI 'NaN' is not a finite number."
        """
        where = self.file if self.row is None else f"{self.file}: row {self.row}"
        return f"{where}: {self.message}"


class ImportRefused(ValueError):
    """The import was refused; ``problems`` lists every problem found, one line each."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(p.line() for p in problems))
        self.problems = list(problems)


ImportError_ = ImportRefused  # the name older callers use


class _Problems:
    """Collects problems so that one run reports all of them, not only the first."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, row: int | None, message: str) -> None:
        self.items.append(Problem(file, row, message))

    def extend(self, other: _Problems) -> None:
        self.items.extend(other.items)

    def check(self) -> None:
        if self.items:
            raise ImportRefused(self.items)

    def once(self, file: str, row: int, seen: dict[Any, int], key: Any, named: str) -> bool:
        """Whether ``key`` (shown as ``named``) is new in this file; a second row with it is a
        problem, since the later row would silently win (a duplicated locality changed a fee)."""
        if key in seen:
            self.add(file, row, f"{named} is listed twice (first at row {seen[key]}).")
            return False
        seen[key] = row
        return True


# ---------------------------------------------------------------------------------------------
# Names and small checks


def release_name(title: str) -> str:
    """``RVU25D`` from the file's title row (A January, B April, C July, D October)."""
    match = re.search(r"(\d{4}) National Physician Fee Schedule .* (\w+) Release", title)
    if not match or match.group(2).lower() not in _QUARTER_LETTER:
        raise ImportRefused([Problem("RVU file", None, f"title not recognised: {title!r}")])
    return f"RVU{match.group(1)[2:]}{_QUARTER_LETTER[match.group(2).lower()]}"


def effective_date(release: str) -> date:
    """The first day of service a quarterly RVU release applies to (``RVU25B`` -> April 1, 2025)."""
    return date(2000 + int(release[3:5]), _LETTER_MONTH[release[5]], 1)


def locality_id(mac: str, locality: str) -> str:
    """``MMMMM-LL``: MAC number to 5 digits and locality number to 2, zeros restored."""
    mac, locality = mac.strip(), locality.strip()
    if not (mac.isdigit() and locality.isdigit()) or len(mac) > 5 or len(locality) > 2:
        raise ValueError(f"not a MAC and locality number: {mac!r}, {locality!r}")
    return f"{mac.zfill(5)}-{locality.zfill(2)}"


def number_problem(text: str, what: str) -> str | None:
    """Why ``text`` is not a finite, non-negative plain decimal, or None when it is one.

    >>> number_problem("0.45", "WORK RVU") is None
    True
    >>> number_problem("NaN", "WORK RVU")
    "WORK RVU 'NaN' is not a finite number."
    >>> number_problem("-0.10", "MP RVU")
    "MP RVU '-0.10' is negative."
    >>> number_problem("0,45", "MP RVU")
    "MP RVU '0,45' is not a number."
    """
    if _NUMBER_RE.fullmatch(text):
        return None
    lowered = text.strip().lower().lstrip("+-")
    if lowered in {"nan", "snan", "inf", "infinity"}:
        return f"{what} {text!r} is not a finite number."
    if text.startswith("-") and _NUMBER_RE.fullmatch(text[1:]):
        return f"{what} {text!r} is negative."
    return f"{what} {text!r} is not a number."


def _csv_rows(data: bytes, delimiter: str = ",") -> list[list[str]]:
    # CMS files are Windows-1252/Latin-1 text; Latin-1 decodes any byte, so a stray byte shows
    # up as a failed check with its row rather than as a decoding traceback.
    text = data.decode("latin-1")
    if text.startswith("ï»¿"):  # a UTF-8 byte-order mark read as Latin-1
        text = text[3:]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _is_blank(data: bytes) -> bool:
    return not data.strip(b" \t\r\n\x1a,")


# ---------------------------------------------------------------------------------------------
# The national RVU file


@dataclass(frozen=True)
class RvuFile:
    """One national RVU file: its release name, dates, and rows without descriptors."""

    release: str
    released: str
    title: str
    rows: list[dict[str, str]]
    file: str = ""

    @property
    def year(self) -> int:
        return 2000 + int(self.release[3:5])

    @property
    def effective(self) -> date:
        return effective_date(self.release)


def read_rvu(data: bytes, file: str, factors: Mapping[str, object] | None = None) -> RvuFile:
    """Read and check a national RVU file (CSV form).

    Checks: a title naming the year and quarter, a RELEASED date that fits that year, every
    wanted column in the header, every row as wide as the header (an unquoted comma shifts the
    columns), well-formed codes and indicators, finite non-negative RVUs, W + PE + MP equal to
    both TOTAL columns, no HCPCS+modifier twice, and one conversion factor, which must be a
    known one of the title's year (``factors``: conversion_factors.json's "years").
    """
    problems = _Problems()
    rows = _csv_rows(data)
    title = next((c.strip() for r in rows[:5] for c in r if "Relative Value File" in c), "")
    released_at = next(
        (i for i, r in enumerate(rows[:20]) if any(c.strip().startswith("RELEASED") for c in r)), None
    )
    header_at = next((i for i, r in enumerate(rows[:30]) if r and r[0].strip() == "HCPCS"), None)
    if not title or released_at is None or header_at is None or header_at <= released_at:
        problems.add(file, None, "not an RVU file: no title row, RELEASED row and HCPCS header row.")
        problems.check()
    assert released_at is not None and header_at is not None
    try:
        release = release_name(title)
    except ImportRefused:
        problems.add(
            file, 1, f"title {title!r} does not name a year and a January/April/July/October release."
        )
        problems.check()
    released = _released_date(file, rows[released_at], released_at + 1, problems)
    columns = _column_positions(file, rows[released_at + 1 : header_at + 1], problems)
    problems.check()
    width = len(rows[header_at])
    out: list[dict[str, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not row or not "".join(row).strip() or not row[0].strip()[:1].isalnum():
            continue  # blank lines and the DOS end-of-file mark in RVU22A
        if len(row) != width:
            problems.add(file, number, _width_message(len(row), width))
            continue
        record = {name: row[pos].strip() for name, pos in columns.items()}
        _check_rvu_row(file, number, record, problems)
        key = (record["hcpcs"], record["mod"])
        problems.once(file, number, seen, key, _key_text(key))
        out.append({name: record[name] for name in RVU_FIELDS})
    if not out:
        problems.add(file, None, "has no code rows (empty or cut off after the header).")
    problems.check()
    rvu = RvuFile(release, released, title, out, file)
    _check_release_dates(rvu, problems)
    if factors is not None:
        check_conversion_factor(rvu, factors, problems)
    problems.check()
    return rvu


def _key_text(key: tuple[str, str]) -> str:
    return f"HCPCS {key[0]}" + (f" modifier {key[1]}" if key[1] else "")


def _width_message(found: int, width: int) -> str:
    return (
        f"has {found} columns where the header has {width}: a cut-off row, or a value with an "
        "unquoted comma that shifts the columns. Use the file exactly as CMS published it."
    )


def _check_rvu_row(file: str, number: int, record: dict[str, str], problems: _Problems) -> None:
    if not _CODE_RE.fullmatch(record["hcpcs"]):
        problems.add(file, number, f"HCPCS {record['hcpcs']!r} is not a 5-character code.")
    if not _MODIFIER_RE.fullmatch(record["mod"]):
        problems.add(file, number, f"MOD {record['mod']!r} is not a 2-character modifier.")
    if not re.fullmatch(r"[A-Z]", record["status"]):
        problems.add(file, number, f"STATUS CODE {record['status']!r} is not one letter.")
    if record["glob"] not in _GLOBAL_DAYS:
        problems.add(file, number, f"GLOB DAYS {record['glob']!r} is not a global period CMS uses.")
    for name in ("na_nf", "na_f"):
        if record[name] not in _NA:
            problems.add(file, number, f"NA indicator {record[name]!r} is neither blank nor NA.")
    for name in ("pctc", "mult", "bilat", "asst", "co", "team"):
        if not re.fullmatch(r"[0-9]", record[name]):
            problems.add(file, number, f"indicator {name} {record[name]!r} is not one digit.")
    bad = [
        msg for name in (*RVU_NUMBERS, "cf", *_TOTAL_COLUMNS.values()) if (msg := _rvu_number(record, name))
    ]
    for message in bad:
        problems.add(file, number, message)
    if bad:
        return
    work, pe_nf, pe_f, mp = (Decimal(record[n]) for n in RVU_NUMBERS)
    for pe, total_name, label in ((pe_nf, "total_nf", "NON-FACILITY"), (pe_f, "total_f", "FACILITY")):
        if work + pe + mp != Decimal(record[total_name]):
            problems.add(
                file,
                number,
                f"WORK + {label} PE + MP RVU = {work + pe + mp}, but {label} TOTAL is {record[total_name]}.",
            )


def _rvu_number(record: dict[str, str], name: str) -> str | None:
    label = {v: k for k, v in {**RVU_COLUMNS, **_TOTAL_COLUMNS}.items()}[name]
    if name == "cf" and record[name] == "":
        return None  # a few rows carry no conversion factor
    return number_problem(record[name], label)


def _released_date(file: str, row: Sequence[str], number: int, problems: _Problems) -> str:
    text = " ".join(row)
    match = re.search(r"RELEASED\s+(\d{2})/(\d{2})/(\d{4})", text)
    if not match:
        problems.add(
            file, number, f"release date not found in {text.strip()!r} (expected RELEASED mm/dd/yyyy)."
        )
        return ""
    month, day, year = match.groups()
    return f"{year}-{month}-{day}"


def _column_positions(file: str, header_rows: Sequence[Sequence[str]], problems: _Problems) -> dict[str, int]:
    """Find each wanted column by its header words stacked over several rows."""
    width = max(len(r) for r in header_rows)
    names = [
        " ".join(" ".join(r[c].split()) for r in header_rows if c < len(r) and r[c].strip())
        for c in range(width)
    ]
    positions = {}
    for header, name in {**RVU_COLUMNS, **_TOTAL_COLUMNS}.items():
        if names.count(header) != 1:
            problems.add(file, None, f"column {header!r} not found once in the header.")
        else:
            positions[name] = names.index(header)
    return positions


def _check_release_dates(rvu: RvuFile, problems: _Problems) -> None:
    """The RELEASED date must fall between July of the year before and the end of the title's year."""
    released = date.fromisoformat(rvu.released)
    if not date(rvu.year - 1, 7, 1) <= released <= date(rvu.year, 12, 31):
        problems.add(
            rvu.file,
            None,
            f"the title names {rvu.year} ({rvu.release}) but the file says RELEASED {rvu.released}: "
            "the title year does not match the content.",
        )


def check_conversion_factor(
    rvu: RvuFile, factors: Mapping[str, object], problems: _Problems | None = None
) -> str:
    """The file's CONV FACTOR, which must be one known CF of the title's year.

    ``factors`` is the "years" object of conversion_factors.json.

    >>> years = {"2025": {"periods": [{"cf": "32.3465"}]}, "2026": {"periods": [{"cf": "33.4009"}]}}
    >>> check_conversion_factor(RvuFile("RVU25D", "2025-09-11", "", [{"cf": "32.3465"}]), years)
    '32.3465'
    >>> check_conversion_factor(RvuFile("RVU25D", "2025-09-11", "", [{"cf": "33.4009"}], "P.csv"), years)
    Traceback (most recent call last):
    ...
    calc.importer.ImportRefused: P.csv: the title names 2025 (RVU25D) but its CONV FACTOR 33.4009 is 2026's: the title year does not match the content.
    """
    own = problems or _Problems()
    found = sorted({r["cf"] for r in rvu.rows if r["cf"]})
    known = _known_factors(factors)
    if len(found) != 1:
        own.add(rvu.file, None, f"CONV FACTOR should be one value for the whole file; found {found}.")
    elif str(rvu.year) not in known:
        own.add(
            rvu.file,
            None,
            f"no {rvu.year} conversion factor is recorded: add the final rule's figure to "
            "calc/data/conversion_factors.json, then import again.",
        )
    elif Decimal(found[0]) not in known[str(rvu.year)]:
        other = [y for y, values in known.items() if Decimal(found[0]) in values]
        if other:
            own.add(
                rvu.file,
                None,
                f"the title names {rvu.year} ({rvu.release}) but its CONV FACTOR {found[0]} is "
                f"{other[0]}'s: the title year does not match the content.",
            )
        else:
            own.add(
                rvu.file,
                None,
                f"CONV FACTOR {found[0]} is not the {rvu.year} conversion factor "
                f"{sorted(str(v) for v in known[str(rvu.year)])} in calc/data/conversion_factors.json.",
            )
    if problems is None:
        own.check()
    return found[0] if found else ""


def _known_factors(factors: Mapping[str, object]) -> dict[str, set[Decimal]]:
    known: dict[str, set[Decimal]] = {}
    for year, entry in factors.items():
        periods = entry.get("periods", []) if isinstance(entry, dict) else []
        known[year] = {Decimal(str(p["cf"])) for p in periods}
    return known


# ---------------------------------------------------------------------------------------------
# GPCI and locality-county files


@dataclass(frozen=True)
class GpciFile:
    """Addendum E: localities with their GPCIs, named ``GPCI<year>`` after its title."""

    name: str
    year: int
    localities: list[dict[str, str]]
    file: str = ""


def read_gpci(data: bytes, file: str) -> GpciFile:
    """Localities with their GPCIs; names lose the footnote stars (ALASKA* -> ALASKA).

    The title ("... CY 2025 GEOGRAPHIC PRACTICE COST INDICES ...") and the GPCI column headers
    ("2025 PW GPCI") must name the same year.
    """
    problems = _Problems()
    rows = _csv_rows(data)
    title = next((" ".join(r) for r in rows[:3] if "GEOGRAPHIC PRACTICE COST INDICES" in " ".join(r)), "")
    header_at = next((i for i, r in enumerate(rows[:10]) if r and "Locality Number" in " ".join(r)), None)
    title_year = re.search(r"CY (\d{4})", title)
    if not title_year or header_at is None:
        problems.add(
            file, None, "not a GPCI file: no 'CY <year> GEOGRAPHIC PRACTICE COST INDICES' title and header."
        )
        problems.check()
    assert title_year is not None and header_at is not None
    year = int(title_year.group(1))
    header_years = set(re.findall(r"(\d{4}) \w+ GPCI", " ".join(rows[header_at])))
    if header_years != {str(year)}:
        problems.add(
            file,
            header_at + 1,
            f"the title names {year} but the GPCI columns name {sorted(header_years)}: the title "
            "year does not match the content.",
        )
    width = len(rows[header_at])
    out: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not row or not row[0].strip()[:1].isdigit():
            continue  # footnotes and blank lines
        if len(row) != width:
            problems.add(file, number, _width_message(len(row), width))
            continue
        record = _gpci_row(file, number, row, problems)
        if record is None:
            continue
        problems.once(file, number, seen, record["id"], f"locality {record['id']}")
        out.append(record)
    if not out:
        problems.add(file, None, "has no locality rows (empty or cut off after the header).")
    problems.check()
    return GpciFile(f"GPCI{year}", year, out, file)


def _gpci_row(file: str, number: int, row: Sequence[str], problems: _Problems) -> dict[str, str] | None:
    mac, state, locality, name, work, pe, mp = (c.strip() for c in row[:7])
    try:
        ident = locality_id(mac, locality)
    except ValueError as err:
        problems.add(file, number, f"{err}.")
        return None
    ok = True
    for value, label in ((work, "PW GPCI"), (pe, "PE GPCI"), (mp, "MP GPCI")):
        message = number_problem(value, label)
        if message is None and Decimal(value) == 0:
            message = f"{label} is 0: a GPCI is a positive index."
        if message:
            problems.add(file, number, message)
            ok = False
    if not re.fullmatch(r"[A-Z]{2}", state):
        problems.add(file, number, f"State {state!r} is not a 2-letter abbreviation.")
        ok = False
    if not ok:
        return None
    return {"id": ident, "state": state, "name": name.rstrip("*").strip(), "work": work, "pe": pe, "mp": mp}


def read_locality_counties(data: bytes, file: str) -> tuple[int, set[str]]:
    """The locality-county file: its year and the locality ids it lists (checked, not stored)."""
    problems = _Problems()
    rows = _csv_rows(data)
    title = next((" ".join(r) for r in rows[:3] if "COUNTIES INCLUDED IN" in " ".join(r)), "")
    match = re.search(r"COUNTIES INCLUDED IN (\d{4}) LOCALITIES", title)
    if not match:
        problems.add(
            file, None, "not a locality-county file: no 'COUNTIES INCLUDED IN <year> LOCALITIES' title."
        )
        problems.check()
    assert match is not None
    ids = set()
    for number, row in enumerate(rows, start=1):
        if len(row) >= 2 and row[0].strip().isdigit():
            try:
                ids.add(locality_id(row[0], row[1]))
            except ValueError as err:
                problems.add(file, number, f"{err}.")
    if not ids:
        problems.add(file, None, "has no locality rows.")
    problems.check()
    return int(match.group(1)), ids


# ---------------------------------------------------------------------------------------------
# ZIP code to locality


@dataclass(frozen=True)
class ZipFile:
    """The ZIP5 file, named ``ZIP5_<MON><YYYY>`` after its rows' Year/Quarter field."""

    name: str
    rows: list[dict[str, str]]
    file: str = ""


def looks_like_zip5(data: bytes) -> bool:
    # State, ZIP, carrier and locality open every line; a cut line is still recognised, so
    # that read_zip5 can say which line is cut.
    first = data.lstrip(b"\r\n").split(b"\n", 1)[0]
    return re.match(rb"[A-Z]{2}[0-9]{12}[ RB]", first) is not None


def read_zip5(data: bytes, file: str) -> ZipFile:
    """ZIP code to MAC and pricing locality (fixed width, positions from ZIP5lyout.txt)."""
    problems = _Problems()
    out: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    quarters: set[str] = set()
    for number, raw in enumerate(data.decode("latin-1").splitlines(), start=1):
        if not raw.strip():
            continue
        record = _zip5_line(file, number, raw, problems)
        if record is None:
            continue
        quarters.add(raw[75:80])
        problems.once(file, number, seen, record["zip"], f"ZIP {record['zip']}")
        out.append(record)
    if not out:
        problems.add(file, None, "has no ZIP code rows (the file is empty).")
    if len(quarters) > 1:
        problems.add(file, None, f"rows of several quarters in one file: {sorted(quarters)}.")
    problems.check()
    quarter = quarters.pop()
    return ZipFile(f"ZIP5_{_ZIP_QUARTER_MONTH[quarter[4]]}{quarter[:4]}", out, file)


def _zip5_line(file: str, number: int, line: str, problems: _Problems) -> dict[str, str] | None:
    if len(line) != 80:
        problems.add(
            file, number, f"is {len(line)} characters long; the ZIP5 layout has 80 (a cut-off line?)."
        )
        return None
    state, zip5, mac, locality, rural = line[0:2], line[2:7], line[7:12], line[12:14], line[14:15]
    plus4, quarter = line[20:21], line[75:80]
    checks = (
        (re.fullmatch(r"[A-Z]{2}", state), f"State {state!r} is not 2 letters"),
        (zip5.isdigit(), f"ZIP {zip5!r} is not 5 digits"),
        (mac.isdigit() and locality.isdigit(), f"carrier and locality {mac!r} {locality!r} are not digits"),
        (rural in {" ", "R", "B"}, f"rural indicator {rural!r} is not blank, R or B"),
        (plus4 in {"0", "1", " "}, f"plus-four flag {plus4!r} is not 0 or 1"),
        (re.fullmatch(r"20[0-9]{2}[1-4]", quarter), f"Year/Quarter {quarter!r} is not YYYYQ"),
    )
    bad = [message for ok, message in checks if not ok]
    for message in bad:
        problems.add(file, number, message + " (positions from ZIP5lyout.txt).")
    if bad:
        return None
    return {
        "zip": zip5,
        "state": state,
        "locality": locality_id(mac, locality),
        "rural": rural.strip(),
        "plus4": plus4.strip() or "0",
    }


# ---------------------------------------------------------------------------------------------
# Practitioner MUE and NCCI PTP edit files


@dataclass(frozen=True)
class EditFile:
    """An MUE or PTP table: its name (from its content), rows, and the files it came from."""

    name: str
    rows: list[dict[str, str]]
    files: tuple[str, ...]


def _header_index(rows: Sequence[Sequence[str]], test: str) -> int | None:
    for i, row in enumerate(rows[:30]):
        if row and test in " ".join(row).upper().replace(" ", ""):
            return i
    return None


def looks_like_mue(data: bytes) -> bool:
    head = data[:4000].upper()
    return b"HCPCS/CPT CODE" in head and b"MUE" in head


def read_mue(data: bytes | object, file: str = "") -> list[dict[str, str]]:
    """Practitioner Services MUE file: code, MUE value, adjudication indicator (1, 2 or 3), rationale.

    The official CSV opens with disclaimer lines, then a header whose first cell starts with
    "HCPCS"; the MAI cell reads like "2 Date of Service Edit: Policy" and only its digit is kept.
    A path may stand for the bytes (older callers).
    """
    if not isinstance(data, bytes):
        from pathlib import Path  # only for callers that pass a path; the browser passes bytes

        path = Path(str(data))
        data, file = path.read_bytes(), file or path.name
    problems = _Problems()
    rows = _csv_rows(data)
    header_at = _header_index(rows, "HCPCS/CPTCODE")
    if header_at is None:
        problems.add(
            file, None, "no header row starting with 'HCPCS/CPT Code' (not a practitioner MUE file)."
        )
        problems.check()
    assert header_at is not None
    width = len(rows[header_at])
    out: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not row or not "".join(row).strip():
            continue
        if len(row) != width:
            problems.add(file, number, _width_message(len(row), width))
            continue
        code, value, mai = row[0].strip(), row[1].strip(), row[2].strip()[:1]
        rationale = row[3].strip() if width > 3 else ""
        if not _CODE_RE.fullmatch(code):
            problems.add(file, number, f"HCPCS {code!r} is not a 5-character code.")
        elif not re.fullmatch(r"[0-9]{1,4}", value):
            problems.add(
                file, number, number_problem(value, "MUE value") or f"MUE value {value!r} is not whole."
            )
        elif mai not in {"1", "2", "3"}:
            problems.add(
                file, number, f"MUE adjudication indicator {row[2].strip()!r} does not start with 1, 2 or 3."
            )
        elif problems.once(file, number, seen, code, f"HCPCS {code}"):
            out.append({"code": code, "mue": value, "mai": mai, "rationale": rationale})
    if not out:
        problems.add(file, None, "has no MUE rows (empty or cut off after the header).")
    problems.check()
    return out


def mue_name(data: bytes, file: str) -> str:
    """``MUE_PRA_<date>`` from an "Effective" date in the file's opening lines, else from its file name.

    >>> mue_name(b'"Practitioner Services MUE Table effective 10/01/2025"\\n', "x.csv")
    'MUE_PRA_2025-10-01'
    >>> mue_name(b"HCPCS/CPT Code,x\\n", "dir/MCR_MUE_PractitionerServices_Eff_01-01-2026.csv")
    'MUE_PRA_MCR_MUE_PractitionerServices_Eff_01-01-2026'
    """
    head = data[:2000].decode("latin-1")
    match = re.search(r"effective\D{0,20}(\d{1,2})/(\d{1,2})/(\d{4})", head, re.IGNORECASE)
    if match:
        month, day, year = match.groups()
        return f"MUE_PRA_{year}-{int(month):02d}-{int(day):02d}"
    return "MUE_PRA_" + re.sub(r"[^0-9A-Za-z_-]", "_", PurePosixPath(file).stem)


def looks_like_ptp(data: bytes) -> bool:
    head = data[:4000].upper().replace(b" ", b"")
    return b"COLUMN1" in head and b"COLUMN2" in head and b"MODIFIER" in head


def read_ptp(data: bytes, file: str) -> list[dict[str, str]]:
    """One practitioner PTP edit file (tab-delimited text; a CSV copy is read the same way).

    Columns in order: column 1 code, column 2 code, "*" when the edit existed before 1996,
    effective date (YYYYMMDD), deletion date (YYYYMMDD, or "*" when none), modifier indicator
    (0 never together, 1 allowed with an NCCI-associated modifier, 9 not applicable), rationale.
    """
    problems = _Problems()
    text_head = data[:4000]
    rows = _csv_rows(data, "\t" if b"\t" in text_head else ",")
    header_at = _header_index(rows, "COLUMN2")
    if header_at is None:
        problems.add(file, None, "no header row with 'Column 1' and 'Column 2' (not a PTP edit file).")
        problems.check()
    assert header_at is not None
    width = len(rows[header_at])
    out: list[dict[str, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not row or not "".join(row).strip():
            continue
        if len(row) != width or width < 7:
            problems.add(file, number, _width_message(len(row), width))
            continue
        record = dict(zip(PTP_FIELDS, (c.strip() for c in row[:7]), strict=True))
        if _check_ptp_row(file, number, record, problems):
            key = (record["column1"], record["column2"], record["effective"])
            problems.once(file, number, seen, key, f"edit {key[0]}/{key[1]} from {key[2]}")
            out.append(record)
    if not out:
        problems.add(file, None, "has no edit rows (empty or cut off after the header).")
    problems.check()
    return out


def _check_ptp_row(file: str, number: int, record: dict[str, str], problems: _Problems) -> bool:
    before = len(problems.items)
    for name in ("column1", "column2"):
        if not _CODE_RE.fullmatch(record[name]):
            problems.add(file, number, f"{name} code {record[name]!r} is not a 5-character code.")
    if record["prior_1996"] not in {"", "*"}:
        problems.add(file, number, f"existence flag {record['prior_1996']!r} is neither blank nor '*'.")
    if _yyyymmdd(record["effective"]) is None:
        problems.add(file, number, f"effective date {record['effective']!r} is not a YYYYMMDD date.")
    if record["deletion"] == "*":
        record["deletion"] = ""
    elif _yyyymmdd(record["deletion"]) is None:
        problems.add(
            file, number, f"deletion date {record['deletion']!r} is neither '*' nor a YYYYMMDD date."
        )
    if record["modifier"] not in {"0", "1", "9"}:
        problems.add(file, number, f"modifier indicator {record['modifier']!r} is not 0, 1 or 9.")
    return len(problems.items) == before


def _yyyymmdd(text: str) -> date | None:
    if not re.fullmatch(r"[0-9]{8}", text):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def ptp_name(rows: Iterable[dict[str, str]]) -> str:
    """``PTP_PRA_2026Q3``: the quarter of the newest effective date, which is the release's start.

    >>> ptp_name([{"effective": "19960101"}, {"effective": "20260701"}])
    'PTP_PRA_2026Q3'
    """
    newest = max(r["effective"] for r in rows)
    return f"PTP_PRA_{newest[:4]}Q{(int(newest[4:6]) - 1) // 3 + 1}"


# ---------------------------------------------------------------------------------------------
# Downloads: zips and loose files, recognised by content


@dataclass(frozen=True)
class Source:
    """One file to import: a display name (``RVU25D.zip/PPRRVU2025_Oct.csv``), its group, its bytes.

    Files of one group (one zip, or one folder for loose files) belong together: a GPCI file
    goes with the RVU file of its own zip.
    """

    name: str
    group: str
    data: bytes


def expand(files: Mapping[str, bytes]) -> tuple[list[Source], list[Problem]]:
    """Open the zips (also zips inside zips) and list every file with its group."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for name in sorted(files):
        _expand_one(name, files[name], str(PurePosixPath(name).parent), sources, problems, 0)
    return sources, problems


def _expand_one(
    name: str, data: bytes, group: str, sources: list[Source], problems: list[Problem], depth: int
) -> None:
    is_zip = data[:4] == b"PK\x03\x04" or name.lower().endswith(".zip")
    if not is_zip or name.lower().endswith(".xlsx"):
        sources.append(Source(name, group, data))
        return
    if depth >= MAX_ZIP_DEPTH:
        problems.append(Problem(name, None, f"zips nested more than {MAX_ZIP_DEPTH} deep are not opened."))
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.is_dir() or info.filename.startswith("__MACOSX/"):
                    continue
                if info.file_size > MAX_MEMBER_BYTES:
                    problems.append(Problem(f"{name}/{info.filename}", None, "is too large for a CMS file."))
                    continue
                _expand_one(f"{name}/{info.filename}", archive.read(info), name, sources, problems, depth + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as err:
        problems.append(Problem(name, None, f"is not a readable zip ({err}); download it again."))


def kind_of(source: Source) -> str:
    """What a file is, from its first bytes: rvu, rvu_xlsx, gpci, locco, zip5, mue, ptp, empty or other."""
    data = source.data
    if _is_blank(data):
        return "empty"
    head = data[:6000]
    if source.name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return "rvu_xlsx" if _xlsx_mentions(data, b"Relative Value File") else "other"
    # CMS ships the RVU, GPCI and county files in a CSV and a fixed-width text form (and Excel);
    # the CSV form pads its title rows with empty cells (",,,"), the text form has none.
    form = "" if b",,," in head else "_text"
    if b"Relative Value File" in head and b"HCPCS" in head:
        return "rvu" + form
    if b"GEOGRAPHIC PRACTICE COST INDICES" in head:
        return "gpci" + form
    if b"COUNTIES INCLUDED IN" in head:
        return "locco" + form
    if looks_like_zip5(data):
        return "zip5"
    if looks_like_ptp(data):
        return "ptp"
    if looks_like_mue(data):
        return "mue"
    return "other"


def _xlsx_mentions(data: bytes, text: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            names = [n for n in book.namelist() if n.startswith("xl/sharedStrings")]
            return any(text in book.read(n)[:200_000] for n in names)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        return False


# ---------------------------------------------------------------------------------------------
# Output formats


def csv_text(fields: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    """Rows as CSV text with a header row, ``\\n`` line ends (stable across platforms).

    >>> csv_text(("a", "b"), [{"a": "1", "b": "x"}])
    'a,b\\n1,x\\n'
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def gzip_bytes(text: str) -> bytes:
    """Gzip with a zero timestamp so re-importing the same files gives the same bytes."""
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def json_bytes(data: object) -> bytes:
    return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")


def read_compiled(data: bytes, gz: bool = True) -> list[dict[str, str]]:
    """Rows of a compiled file (as written by ``csv_text``), keyed by its header."""
    text = (gzip.decompress(data) if gz else data).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------------------------------------
# What changed between two RVU releases


def national_amount(row: Mapping[str, str], setting: str, cf: Decimal) -> Decimal:
    """round((W + PE + MP) x CF, 2) with the PE of the setting, by calc's one rounding function.

    >>> row = {"work": "0.45", "pe_nf": "0.43", "pe_f": "0.17", "mp": "0.01"}
    >>> national_amount(row, "non_facility", Decimal("32.3465")), national_amount(row, "facility", Decimal("32.3465"))
    (Decimal('28.79'), Decimal('20.38'))
    """
    pe = row["pe_f"] if setting == "facility" else row["pe_nf"]
    return round_money((Decimal(row["work"]) + Decimal(pe) + Decimal(row["mp"])) * cf)


_CHANGE_INDICATORS: Final = ("status", "glob", "na_nf", "na_f", "pctc", "mult", "bilat", "asst", "co", "team")


def changes(
    old_name: str, old_rows: Sequence[dict[str, str]], new_name: str, new_rows: Sequence[dict[str, str]]
) -> dict[str, object]:
    """The differences from one RVU release to the next.

    Codes added and deleted; for codes in both, every changed status, global period or other
    indicator and every changed RVU, and the national amounts (non-facility and facility, each
    release with its own conversion factor) when they changed. ``therapy`` marks codes whose
    MULT PROC indicator is 5 (the therapy multiple procedure payment reduction), so a reader
    can pick the therapy codes first.
    """
    old = {(r["hcpcs"], r["mod"]): r for r in old_rows}
    new = {(r["hcpcs"], r["mod"]): r for r in new_rows}
    old_cf, new_cf = _file_cf(old_rows), _file_cf(new_rows)
    changed = []
    for key in sorted(old.keys() & new.keys()):
        entry = _row_changes(old[key], new[key], old_cf, new_cf)
        if entry:
            changed.append({"code": key[0], "mod": key[1], "therapy": _therapy(old[key], new[key]), **entry})
    return {
        "from": old_name,
        "to": new_name,
        "conversion_factor": [str(old_cf), str(new_cf)],
        "added": [_code_entry(new[k]) for k in sorted(new.keys() - old.keys())],
        "deleted": [_code_entry(old[k]) for k in sorted(old.keys() - new.keys())],
        "changed": changed,
    }


def _file_cf(rows: Sequence[dict[str, str]]) -> Decimal:
    return Decimal(next((r["cf"] for r in rows if r["cf"]), "0"))


def _therapy(*rows: Mapping[str, str]) -> bool:
    return any(r["mult"] == "5" for r in rows)


def _code_entry(row: Mapping[str, str]) -> dict[str, object]:
    return {"code": row["hcpcs"], "mod": row["mod"], "status": row["status"], "therapy": _therapy(row)}


def _row_changes(
    old: Mapping[str, str], new: Mapping[str, str], old_cf: Decimal, new_cf: Decimal
) -> dict[str, object]:
    entry: dict[str, object] = {}
    indicators = {n: [old[n], new[n]] for n in _CHANGE_INDICATORS if old[n] != new[n]}
    rvus = {n: [old[n], new[n]] for n in RVU_NUMBERS if Decimal(old[n]) != Decimal(new[n])}
    amounts = {}
    for setting in ("non_facility", "facility"):
        before, after = national_amount(old, setting, old_cf), national_amount(new, setting, new_cf)
        if before != after:
            amounts[setting] = [str(before), str(after)]
    if indicators:
        entry["indicators"] = indicators
    if rvus:
        entry["rvus"] = rvus
    if amounts:
        entry["national_amounts"] = amounts
    return entry


def change_summary(report: Mapping[str, object], limit: int = 40) -> list[str]:
    """A change report in a few readable lines: counts, then the therapy codes that changed."""
    added, deleted, changed = (report[k] for k in ("added", "deleted", "changed"))
    assert isinstance(added, list) and isinstance(deleted, list) and isinstance(changed, list)
    lines = [
        f"{report['from']} -> {report['to']}: {len(added)} codes added, {len(deleted)} deleted, "
        f"{len(changed)} changed (conversion factor {' -> '.join(report['conversion_factor'])})"  # type: ignore[arg-type]
    ]
    therapy = [c for c in changed if c["therapy"]]
    lines.append(f"  therapy codes (MULT PROC 5) changed: {len(therapy)}")
    for entry in therapy[:limit]:
        lines.append("    " + _change_line(entry))
    if len(therapy) > limit:
        lines.append(f"    ... and {len(therapy) - limit} more (see the JSON report)")
    for label, items in (("added", added), ("deleted", deleted)):
        names = [e["code"] + (f"-{e['mod']}" if e["mod"] else "") for e in items if e["therapy"]]
        if names:
            lines.append(f"  therapy codes {label}: {', '.join(names)}")
    return lines


def _change_line(entry: Mapping[str, object]) -> str:
    parts = []
    for key in ("national_amounts", "indicators", "rvus"):
        values = entry.get(key)
        if not isinstance(values, dict):
            continue
        if key == "national_amounts" and values.get("facility") == values.get("non_facility"):
            values = {"national (both settings)": values["non_facility"]}  # one line, not two alike
        money = "$" if key == "national_amounts" else ""
        parts += [f"{name} {money}{a} -> {money}{b}" for name, (a, b) in values.items()]
    code = str(entry["code"]) + (f"-{entry['mod']}" if entry["mod"] else "")
    return f"{code}: " + "; ".join(parts)


# ---------------------------------------------------------------------------------------------
# Building the new calc/data


@dataclass
class ImportResult:
    """The complete new calc/data folder as bytes, and what to tell the maintainer."""

    files: dict[str, bytes]
    summary: list[str] = field(default_factory=list)
    reports: list[dict[str, object]] = field(default_factory=list)


def build(downloads: Mapping[str, bytes], current: Mapping[str, bytes]) -> ImportResult:
    """Import CMS downloads into a copy of the current calc/data; all files checked first.

    ``downloads`` maps file names (zips or loose files; a folder in the name groups loose
    files) to their bytes; ``current`` maps the names of the files now in calc/data to their
    bytes. Answers every file of the new folder, the manifest last; raises ``ImportRefused``
    with every problem found, in which case nothing should be written.
    """
    problems = _Problems()
    sources, opened = expand(downloads)
    problems.items.extend(opened)
    factors = _json_object(current, "conversion_factors.json", problems).get("years", {})
    index = _json_object(current, "releases.json", problems) if "releases.json" in current else {}
    problems.check()
    assert isinstance(factors, dict)
    # Files that read well are still compared with the previous releases below, so that one
    # run reports every problem of every file.
    found = _read_sources(sources, factors, problems)
    if not (problems.items or found.rvus or found.zips or found.mues or found.ptps):
        problems.add("downloads", None, "no CMS file was recognised (RVU, ZIP-code, MUE or PTP files).")
    return _assemble(found, index, current, problems)


@dataclass
class _Found:
    rvus: list[tuple[RvuFile, GpciFile | None]] = field(default_factory=list)
    zips: list[ZipFile] = field(default_factory=list)
    mues: list[EditFile] = field(default_factory=list)
    ptps: list[EditFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _json_object(files: Mapping[str, bytes], name: str, problems: _Problems) -> dict[str, object]:
    try:
        data = json.loads(files[name].decode("utf-8"))
    except KeyError:
        problems.add(name, None, "is missing from calc/data.")
        return {}
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        problems.add(name, None, f"is not valid JSON ({err}).")
        return {}
    if not isinstance(data, dict):
        problems.add(name, None, "is not a JSON object.")
        return {}
    return data


def _read_sources(sources: Sequence[Source], factors: Mapping[str, object], problems: _Problems) -> _Found:
    found = _Found()
    groups: dict[str, list[tuple[str, Source]]] = {}
    for source in sources:
        groups.setdefault(source.group, []).append((kind_of(source), source))
    for group in sorted(groups):
        _read_group(groups[group], factors, found, problems)
    return found


# Forms of a file that are skipped when its CSV form is in the same download, refused when not.
_OTHER_FORMS: Final = {
    "rvu_xlsx": ("rvu", "Excel", "RVU (PPRRVU)"),
    "rvu_text": ("rvu", "fixed-width text", "RVU (PPRRVU)"),
    "gpci_text": ("gpci", "fixed-width text", "GPCI"),
    "locco_text": ("locco", "fixed-width text", "locality-county"),
}


@dataclass
class _Group:
    """What one download (a zip, or a folder of loose files) holds, read so far."""

    kinds: list[str]
    rvu: RvuFile | None = None
    gpci: GpciFile | None = None
    counties: tuple[str, int, set[str]] | None = None
    ptp_rows: list[dict[str, str]] = field(default_factory=list)
    ptp_files: list[str] = field(default_factory=list)


def _read_group(
    members: list[tuple[str, Source]], factors: Mapping[str, object], found: _Found, problems: _Problems
) -> None:
    group = _Group([k for k, _ in members])
    for kind, source in members:
        try:
            _read_member(kind, source, group, factors, found, problems)
        except ImportRefused as refused:
            problems.items.extend(refused.problems)
    if group.ptp_rows:
        found.ptps.append(_merge_ptp(group.ptp_rows, group.ptp_files, problems))
    if group.rvu is not None:
        _check_group_years(group.rvu, group.gpci, group.counties, problems)
        found.rvus.append((group.rvu, group.gpci))
    elif group.gpci is not None:
        problems.add(group.gpci.file, None, "a GPCI file without its RVU file: import the whole RVU zip.")


def _read_member(
    kind: str,
    source: Source,
    group: _Group,
    factors: Mapping[str, object],
    found: _Found,
    problems: _Problems,
) -> None:
    """Read one file by its kind into its group (RVU, GPCI, counties, PTP parts) or the result."""
    data, name = source.data, source.name
    if kind == "empty":
        problems.add(name, None, "is empty.")
    elif kind == "rvu":
        if group.rvu is not None:
            problems.add(name, None, f"a second RVU file in one download (with {group.rvu.file}).")
        group.rvu = read_rvu(data, name, factors)
    elif kind in _OTHER_FORMS and _OTHER_FORMS[kind][0] not in group.kinds:
        _, form, label = _OTHER_FORMS[kind]
        problems.add(
            name,
            None,
            f"the {label} file in its {form} form is not read: use its CSV form from the same CMS zip.",
        )
    elif kind == "gpci":
        group.gpci = read_gpci(data, name)
    elif kind == "locco":
        group.counties = (name, *read_locality_counties(data, name))
    elif kind == "zip5":
        found.zips.append(read_zip5(data, name))
    elif kind == "mue":
        found.mues.append(EditFile(mue_name(data, name), read_mue(data, name), (name,)))
    elif kind == "ptp":
        group.ptp_rows += read_ptp(data, name)
        group.ptp_files.append(name)
    else:
        found.skipped.append(name)


def _merge_ptp(rows: list[dict[str, str]], files: list[str], problems: _Problems) -> EditFile:
    """The parts of one PTP release (CMS splits it by code range) as one table; no edit twice."""
    seen: set[tuple[str, str, str]] = set()
    for record in rows:
        key = (record["column1"], record["column2"], record["effective"])
        if key in seen:
            problems.add(", ".join(files), None, f"edit {key[0]}/{key[1]} from {key[2]} is in two parts.")
        seen.add(key)
    return EditFile(ptp_name(rows), rows, tuple(files))


def _check_group_years(
    rvu: RvuFile, gpci: GpciFile | None, counties: tuple[str, int, set[str]] | None, problems: _Problems
) -> None:
    if gpci is not None and gpci.year != rvu.year:
        problems.add(
            gpci.file,
            None,
            f"is the {gpci.year} GPCI file but its zip's RVU file is {rvu.release} ({rvu.year}).",
        )
    if counties is not None:
        name, year, ids = counties
        if year != rvu.year:
            problems.add(name, None, f"lists {year} localities but its zip's RVU file is {rvu.release}.")
        if gpci is not None:
            missing = sorted({loc["id"] for loc in gpci.localities} - ids)
            extra = sorted(ids - {loc["id"] for loc in gpci.localities})
            for listed, absent, ids_ in ((name, gpci.file, extra), (gpci.file, name, missing)):
                if ids_:
                    problems.add(
                        listed, None, f"lists localities that {absent} does not: {', '.join(ids_[:8])}."
                    )


def _releases_of(index: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """The releases already in calc/data by name (older indexes kept one per year)."""
    listed = index.get("releases")
    if isinstance(listed, list):
        return {str(e["rvu"]): dict(e) for e in listed}
    years = index.get("years", {})
    assert isinstance(years, dict)
    return {
        str(e["rvu"]): {**e, "year": int(y), "effective": str(effective_date(str(e["rvu"])))}
        for y, e in years.items()
    }


def _assemble(
    found: _Found, index: Mapping[str, object], current: Mapping[str, bytes], problems: _Problems
) -> ImportResult:
    releases = _releases_of(index)
    # Every file stays (each release imported before is kept) except the indexes and change
    # reports, which are rebuilt below.
    out: dict[str, bytes] = {
        name: data
        for name, data in current.items()
        if name not in OWNED_FILES and not name.startswith("changes_")
    }
    rows: dict[str, list[dict[str, str]]] = {}
    summary: list[str] = []
    for rvu, gpci in sorted(found.rvus, key=lambda pair: pair[0].effective):
        if rvu.release in rows:
            problems.add(rvu.file, None, f"{rvu.release} is in the downloads twice.")
            continue
        entry = _release_entry(rvu, gpci, releases, out, problems)
        releases[rvu.release] = entry
        rows[rvu.release] = rvu.rows
        summary.append(_release_line(entry))
    summary += _add_zip(found.zips, index, out, problems)
    summary += _add_edits("mue", found.mues, MUE_FIELDS, index, out, problems)
    summary += _add_edits("ptp", found.ptps, PTP_FIELDS, index, out, problems)
    problems.check()
    reports = _change_reports(releases, rows, out)
    summary += [line for report in reports if report["to"] in rows for line in change_summary(report)]
    summary += [f"skipped (not a file the importer reads): {name}" for name in found.skipped]
    new_index = _index(releases, index, out)
    out["releases.json"] = json_bytes(new_index)
    out.pop("manifest.json", None)
    out["manifest.json"] = manifest_bytes(out)
    return ImportResult(out, summary, reports)


def _release_entry(
    rvu: RvuFile,
    gpci: GpciFile | None,
    releases: Mapping[str, Mapping[str, object]],
    out: dict[str, bytes],
    problems: _Problems,
) -> dict[str, object]:
    previous = _previous(releases, rvu.effective, rvu.release)
    if previous is not None:
        _check_count(rvu.file, "code rows", len(rvu.rows), previous, "rows", problems)
    rvu_file = f"rvu_{rvu.release}.csv.gz"
    out[rvu_file] = gzip_bytes(csv_text(RVU_FIELDS, rvu.rows))
    entry: dict[str, object] = {
        "rvu": rvu.release,
        "year": rvu.year,
        "effective": str(rvu.effective),
        "released": rvu.released,
        "rvu_file": rvu_file,
        "rows": len(rvu.rows),
        "cf_in_file": next((r["cf"] for r in rvu.rows if r["cf"]), ""),
        "gpci": None,
        "gpci_file": None,
    }
    if gpci is not None:
        with_gpci = _previous(releases, rvu.effective, rvu.release, need_gpci=True)
        if with_gpci is not None:
            _check_count(gpci.file, "localities", len(gpci.localities), with_gpci, "localities", problems)
        gpci_file = f"gpci_{gpci.name}.csv"
        out[gpci_file] = csv_text(GPCI_FIELDS, gpci.localities).encode("utf-8")
        entry.update(gpci=gpci.name, gpci_file=gpci_file, localities=len(gpci.localities))
    return entry


def _previous(
    releases: Mapping[str, Mapping[str, object]], before: date, name: str, need_gpci: bool = False
) -> Mapping[str, object] | None:
    earlier = [
        e
        for e in releases.values()
        if str(e["effective"]) < str(before) and e["rvu"] != name and (e.get("gpci") or not need_gpci)
    ]
    return max(earlier, key=lambda e: str(e["effective"]), default=None)


def _check_count(
    file: str, what: str, count: int, previous: Mapping[str, object], key: str, problems: _Problems
) -> None:
    before = int(str(previous.get(key, 0)))
    if count < before * MIN_ROW_SHARE:
        problems.add(
            file,
            None,
            f"has {count:,} {what}, far below the {before:,} of the previous release "
            f"({previous.get('rvu', previous.get('name'))}): a truncated file?",
        )


def _release_line(entry: Mapping[str, object]) -> str:
    gpci = f"{entry['gpci']} ({entry['localities']} localities)" if entry["gpci"] else "no GPCI file"
    return (
        f"{entry['rvu']}: {entry['rows']} code rows, applies from {entry['effective']}, "
        f"released {entry['released']}, CF {entry['cf_in_file']}, {gpci}"
    )


def _add_zip(
    zips: Sequence[ZipFile], index: Mapping[str, object], out: dict[str, bytes], problems: _Problems
) -> list[str]:
    if not zips:
        return []
    if len(zips) > 1:
        problems.add(", ".join(z.file for z in zips), None, "several ZIP-code files: import one at a time.")
        return []
    (zips5,) = zips
    previous = index.get("zip")
    if isinstance(previous, dict):
        _check_count(zips5.file, "ZIP codes", len(zips5.rows), previous, "rows", problems)
        out.pop(str(previous["file"]), None)
    name = f"zip5_{zips5.name}.csv.gz"
    out[name] = gzip_bytes(csv_text(ZIP_FIELDS, zips5.rows))
    return [f"{zips5.name}: {len(zips5.rows)} ZIP codes"]


def _add_edits(
    kind: str,
    tables: Sequence[EditFile],
    fields: Sequence[str],
    index: Mapping[str, object],
    out: dict[str, bytes],
    problems: _Problems,
) -> list[str]:
    if not tables:
        return []
    if len(tables) > 1:
        names = ", ".join(f for t in tables for f in t.files)
        problems.add(names, None, f"several {kind.upper()} releases: import one at a time.")
        return []
    (table,) = tables
    previous = index.get(kind)
    if isinstance(previous, dict):
        _check_count(
            ", ".join(table.files), f"{kind.upper()} rows", len(table.rows), previous, "rows", problems
        )
        out.pop(str(previous["file"]), None)
    name = f"{kind}_{table.name}.csv.gz"
    out[name] = gzip_bytes(csv_text(fields, table.rows))
    return [f"{table.name}: {len(table.rows)} rows from {len(table.files)} file(s)"]


def _change_reports(
    releases: Mapping[str, Mapping[str, object]],
    new_rows: Mapping[str, list[dict[str, str]]],
    out: dict[str, bytes],
) -> list[dict[str, object]]:
    """A report for each release and the one before it (every pair is rebuilt, so a release
    imported between two others gets its reports and the stale one goes)."""
    ordered = sorted(releases.values(), key=lambda e: str(e["effective"]))
    reports = []
    for old, new in itertools.pairwise(ordered):
        old_rows = new_rows.get(str(old["rvu"])) or read_compiled(out[str(old["rvu_file"])])
        rows = new_rows.get(str(new["rvu"])) or read_compiled(out[str(new["rvu_file"])])
        report = changes(str(old["rvu"]), old_rows, str(new["rvu"]), rows)
        # Thousands of rows change with each conversion factor: compact and gzipped, the report
        # costs the browser's copy of calc/data tens of kilobytes instead of megabytes.
        name = f"changes_{old['rvu']}_{new['rvu']}.json.gz"
        out[name] = gzip_bytes(json.dumps(report, separators=(",", ":"), sort_keys=True) + "\n")
        for entry in (new,):
            assert isinstance(entry, dict)
            entry["changes_file"] = name
        reports.append(report)
    return reports


def _index(
    releases: Mapping[str, dict[str, object]], index: Mapping[str, object], out: Mapping[str, bytes]
) -> dict[str, object]:
    ordered = sorted(releases.values(), key=lambda e: str(e["effective"]))
    years: dict[str, object] = {}
    for entry in ordered:
        years[str(entry["year"])] = entry  # the newest release of each year, as older readers expect
    result: dict[str, object] = {
        "_about": "Written by tools/import_cms.py from the official CMS files; do not edit.",
        "releases": ordered,
        "years": years,
    }
    for kind, prefix in (("zip", "zip5_"), ("mue", "mue_"), ("ptp", "ptp_")):
        result[kind] = _table_entry(prefix, out, index.get(kind))
    return result


def _table_entry(prefix: str, out: Mapping[str, bytes], previous: object) -> dict[str, object] | None:
    names = [n for n in out if n.startswith(prefix) and n.endswith(".csv.gz")]
    if not names:
        return None
    (name,) = names
    rows = read_compiled(out[name])
    entry: dict[str, object] = {"name": name[len(prefix) : -len(".csv.gz")], "file": name, "rows": len(rows)}
    if isinstance(previous, dict) and previous.get("file") == name:
        return {**previous, **entry}
    return entry


def manifest_bytes(files: Mapping[str, bytes]) -> bytes:
    """Size and SHA-256 of every file made from CMS downloads; written last, so a folder with
    a manifest holds a finished import."""
    return json_bytes(
        {
            "_about": "Written last by tools/import_cms.py: each file made from CMS downloads, with its size and SHA-256.",
            "files": {
                name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                for name, data in sorted(files.items())
                if name.startswith(IMPORTED_PREFIXES)
            },
        }
    )
