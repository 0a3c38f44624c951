"""Read the official CMS fee-schedule files into the compact files under ``calc/data``.

Standard library only (``csv``, ``gzip``, ``json``). Numbers and indicators are kept; the
DESCRIPTION column of the RVU file (CPT short descriptors, copyright of the American Medical
Association) is never read into the output.

Inputs (layouts as CMS publishes them; see ``../shared/cms/PROVENANCE.md``):

* national RVU file ``PPRRVU*.csv``: a few title rows, a "RELEASED mm/dd/yyyy" row, a
  multi-row header ending with the row that starts ``HCPCS``; columns are found by their
  header names (the 2026 file added PRIC IND, so positions move between releases);
* GPCI file (Addendum E): MAC, state, locality number, locality name, work/PE/MP GPCIs;
  GPCI2022.csv lost the leading zeros of MAC and locality numbers, which are restored here;
* ZIP5 file: fixed width, layout in ZIP5lyout.txt;
* optionally the practitioner MUE file (CSV with a "HCPCS/CPT Code" header row).

>>> release_name("2025 National Physician Fee Schedule Relative Value File October Release")
'RVU25D'
>>> locality_id("2102", "1")
'02102-01'
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

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
RVU_FIELDS: Final = tuple(RVU_COLUMNS.values())
GPCI_FIELDS: Final = ("id", "state", "name", "work", "pe", "mp")
ZIP_FIELDS: Final = ("zip", "state", "locality", "rural", "plus4")
MUE_FIELDS: Final = ("code", "mue", "mai")
_QUARTER_LETTER: Final = {"january": "A", "april": "B", "july": "C", "october": "D"}
_CODE_RE: Final = re.compile(r"^[0-9A-Z]{5}$")


class ImportError_(ValueError):
    """A CMS file does not look the way its official layout says (names the file and row)."""


@dataclass(frozen=True)
class RvuFile:
    """One national RVU file: its release name, release date, and rows without descriptors."""

    release: str
    released: str
    title: str
    rows: list[dict[str, str]]


def release_name(title: str) -> str:
    """``RVU25D`` from the file's title row (A January, B April, C July, D October)."""
    match = re.search(r"(\d{4}) National Physician Fee Schedule .* (\w+) Release", title)
    if not match or match.group(2).lower() not in _QUARTER_LETTER:
        raise ImportError_(f"RVU file title not recognised: {title!r}")
    return f"RVU{match.group(1)[2:]}{_QUARTER_LETTER[match.group(2).lower()]}"


def locality_id(mac: str, locality: str) -> str:
    """``MMMMM-LL``: MAC number to 5 digits and locality number to 2, zeros restored."""
    mac, locality = mac.strip(), locality.strip()
    if not (mac.isdigit() and locality.isdigit()) or len(mac) > 5 or len(locality) > 2:
        raise ImportError_(f"not a MAC and locality number: {mac!r}, {locality!r}")
    return f"{mac.zfill(5)}-{locality.zfill(2)}"


def read_rvu(path: Path) -> RvuFile:
    """Read a national RVU file; the DESCRIPTION column is dropped here, at the door."""
    with open(path, newline="", encoding="latin-1") as handle:
        rows = list(csv.reader(handle))
    title = next((c for r in rows[:5] for c in r if "Relative Value File" in c), "")
    released_at = next(
        (i for i, r in enumerate(rows) if any(c.strip().startswith("RELEASED") for c in r)), None
    )
    header_at = next((i for i, r in enumerate(rows) if r and r[0].strip() == "HCPCS"), None)
    if released_at is None or header_at is None or header_at <= released_at:
        raise ImportError_(f"{path.name}: no RELEASED row followed by a HCPCS header row")
    released = _released_date(path, rows[released_at])
    columns = _column_positions(path, rows[released_at + 1 : header_at + 1])
    out = []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not row or not row[0].strip() or not row[0].strip()[0].isalnum():
            continue  # blank lines and the DOS end-of-file mark in RVU22A
        record = {name: row[pos].strip() for name, pos in columns.items()}
        if not _CODE_RE.match(record["hcpcs"]):
            raise ImportError_(f"{path.name} row {number}: HCPCS {record['hcpcs']!r} is not a code")
        out.append(record)
    return RvuFile(release_name(title), released, title.strip(), out)


def _released_date(path: Path, row: Sequence[str]) -> str:
    text = " ".join(row)
    match = re.search(r"RELEASED\s+(\d{2})/(\d{2})/(\d{4})", text)
    if not match:
        raise ImportError_(f"{path.name}: release date not found in {text.strip()!r}")
    month, day, year = match.groups()
    return f"{year}-{month}-{day}"


def _column_positions(path: Path, header_rows: Sequence[Sequence[str]]) -> dict[str, int]:
    """Find each wanted column by its header words stacked over several rows."""
    width = max(len(r) for r in header_rows)
    names = [
        " ".join(" ".join(r[c].split()) for r in header_rows if c < len(r) and r[c].strip())
        for c in range(width)
    ]
    positions = {}
    for header, field in RVU_COLUMNS.items():
        if header not in names:
            raise ImportError_(f"{path.name}: column {header!r} not found in the header")
        positions[field] = names.index(header)
    return positions


def check_conversion_factor(rvu: RvuFile, known: Iterable[str]) -> str:
    """The file's CONV FACTOR, which must be one CF of that year in conversion_factors.json.

    >>> rows = [{"cf": "32.3465"}, {"cf": "32.3465"}]
    >>> check_conversion_factor(RvuFile("RVU25D", "2025-09-11", "", rows), ["32.3465"])
    '32.3465'
    """
    found = {r["cf"] for r in rvu.rows if r["cf"]}
    known_values = {Decimal(k) for k in known}
    if len(found) != 1 or Decimal(next(iter(found))) not in known_values:
        raise ImportError_(
            f"{rvu.release}: CONV FACTOR column {sorted(found)} disagrees with "
            f"calc/data/conversion_factors.json {sorted(str(k) for k in known_values)}"
        )
    return next(iter(found))


def read_gpci(path: Path) -> list[dict[str, str]]:
    """Localities with their GPCIs; names lose the footnote stars (ALASKA* -> ALASKA)."""
    with open(path, newline="", encoding="latin-1") as handle:
        rows = list(csv.reader(handle))
    header_at = next((i for i, r in enumerate(rows) if r and "Locality Number" in " ".join(r)), None)
    if header_at is None:
        raise ImportError_(f"{path.name}: no header row with 'Locality Number'")
    out = []
    for row in rows[header_at + 1 :]:
        if len(row) < 7 or not row[0].strip().isdigit():
            continue  # footnotes and blank lines
        mac, state, number, name, work, pe, mp = (c.strip() for c in row[:7])
        for value in (work, pe, mp):
            Decimal(value)  # refuses a non-number early, with the row in the traceback
        out.append(
            {
                "id": locality_id(mac, number),
                "state": state,
                "name": name.rstrip("*").strip(),
                "work": work,
                "pe": pe,
                "mp": mp,
            }
        )
    if not out:
        raise ImportError_(f"{path.name}: no locality rows")
    return out


def read_zip5(path: Path) -> list[dict[str, str]]:
    """ZIP code to MAC and pricing locality (fixed width, positions from ZIP5lyout.txt)."""
    out = []
    with open(path, encoding="latin-1") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            state, zip5 = line[0:2], line[2:7]
            if not zip5.isdigit():
                raise ImportError_(f"{path.name} line {number}: ZIP {zip5!r} is not 5 digits")
            out.append(
                {
                    "zip": zip5,
                    "state": state,
                    "locality": locality_id(line[7:12], line[12:14]),
                    "rural": line[14:15].strip(),
                    "plus4": line[20:21].strip() or "0",
                }
            )
    return out


def read_mue(path: Path) -> list[dict[str, str]]:
    """Practitioner Services MUE file: code, MUE value, MUE adjudication indicator (1, 2 or 3).

    The official CSV opens with disclaimer lines, then a header whose first cell starts with
    "HCPCS"; the MAI cell reads like "2 Date of Service Edit: Policy" and only its digit is kept.
    """
    with open(path, newline="", encoding="latin-1") as handle:
        rows = list(csv.reader(handle))
    header_at = next(
        (i for i, r in enumerate(rows) if r and r[0].replace(" ", "").upper().startswith("HCPCS")),
        None,
    )
    if header_at is None:
        raise ImportError_(f"{path.name}: no header row starting with 'HCPCS/CPT Code'")
    out = []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if len(row) < 3 or not row[0].strip():
            continue
        code, value, mai = row[0].strip(), row[1].strip(), row[2].strip()[:1]
        if not _CODE_RE.match(code) or not value.isdigit() or mai not in {"1", "2", "3"}:
            raise ImportError_(f"{path.name} row {number}: not a code, MUE value and MAI: {row[:3]}")
        out.append({"code": code, "mue": value, "mai": mai})
    return out


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


def write_gzip(path: Path, text: str) -> None:
    """Gzip with a zero timestamp so re-importing the same files gives the same bytes."""
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class ReleaseSource:
    """Which CMS files make up one calendar year's data (paths relative to the CMS folder)."""

    year: int
    rvu_path: str
    gpci_name: str | None = None
    gpci_path: str | None = None


# The releases this repository ships. 2026 has no GPCI file yet: national amounts only.
SOURCES: Final = (
    ReleaseSource(2022, "rvu22a/PPRRVU22_JAN.csv", "GPCI2022", "rvu22a/GPCI2022.csv"),
    ReleaseSource(2025, "rvu25d/PPRRVU2025_Oct.csv", "GPCI2025", "rvu25d/GPCI2025.csv"),
    ReleaseSource(2026, "rvu26c/PPRRVU2026_Jul_nonQPP.csv"),
)
ZIP_SOURCE: Final = "zip5-2025q4/ZIP5_OCT2025.txt"


def import_all(cms_dir: Path, out: Path, mue_path: Path | None = None) -> dict[str, object]:
    """Import every release in ``SOURCES`` (and the ZIP file, and an MUE file if given).

    Writes ``rvu_<release>.csv.gz``, ``gpci_<name>.csv``, ``zip5_<name>.csv.gz``, optionally
    ``mue.csv``, and the index ``releases.json``; returns the index.
    """
    factors = json.loads((out / "conversion_factors.json").read_text(encoding="utf-8"))["years"]
    years: dict[str, object] = {}
    for source in SOURCES:
        rvu = read_rvu(cms_dir / source.rvu_path)
        known = [p["cf"] for p in factors[str(source.year)]["periods"]]
        cf = check_conversion_factor(rvu, known)
        rvu_file = f"rvu_{rvu.release}.csv.gz"
        write_gzip(out / rvu_file, csv_text(RVU_FIELDS, rvu.rows))
        entry: dict[str, object] = {
            "rvu": rvu.release,
            "released": rvu.released,
            "rvu_file": rvu_file,
            "rows": len(rvu.rows),
            "cf_in_file": cf,
            "gpci": None,
            "gpci_file": None,
        }
        if source.gpci_name and source.gpci_path:
            gpci_file = f"gpci_{source.gpci_name}.csv"
            localities = read_gpci(cms_dir / source.gpci_path)
            (out / gpci_file).write_text(csv_text(GPCI_FIELDS, localities), encoding="utf-8")
            entry.update(gpci=source.gpci_name, gpci_file=gpci_file, localities=len(localities))
        years[str(source.year)] = entry
    zips = read_zip5(cms_dir / ZIP_SOURCE)
    zip_name = Path(ZIP_SOURCE).stem
    write_gzip(out / f"zip5_{zip_name}.csv.gz", csv_text(ZIP_FIELDS, zips))
    index: dict[str, object] = {
        "_about": "Written by tools/import_cms.py from the official CMS files; do not edit.",
        "years": years,
        "zip": {"name": zip_name, "file": f"zip5_{zip_name}.csv.gz", "rows": len(zips)},
        "mue": None,
    }
    if mue_path is not None:
        mue = read_mue(mue_path)
        (out / "mue.csv").write_text(csv_text(MUE_FIELDS, mue), encoding="utf-8")
        index["mue"] = {"name": mue_path.stem, "file": "mue.csv", "rows": len(mue)}
    elif (out / "mue.csv").exists():
        (out / "mue.csv").unlink()  # a stale MUE table must not outlive its import
    write_json(out / "releases.json", index)
    return index
