"""Import the official CMS fee-schedule files into calc/data (thin wrapper over calc.importer).

Usage: python tools/import_cms.py --cms-dir ../shared/cms --out calc/data [--mue MUE.csv]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calc.importer import import_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cms-dir", type=Path, required=True, help="folder with the CMS files")
    parser.add_argument("--out", type=Path, default=Path("calc/data"))
    parser.add_argument("--mue", type=Path, help="official practitioner MUE CSV (optional)")
    args = parser.parse_args(argv)
    index = import_all(args.cms_dir, args.out, args.mue)
    for year, entry in sorted(index["years"].items()):  # type: ignore[attr-defined]
        print(f"{year}: {entry['rvu']} ({entry['rows']} rows), GPCI: {entry['gpci'] or 'none'}")
    print(f"ZIP: {index['zip']['name']} ({index['zip']['rows']} rows)")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    sys.exit(main())
