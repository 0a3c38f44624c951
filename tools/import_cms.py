"""Import CMS downloads (zips as CMS publishes them, or their files) into calc/data, all or nothing.

Usage (from the project root): python -m tools.import_cms --cms-dir <folder of downloads> [--out calc/data]

Every file under the folder is read (zips are opened; files are recognised by their content);
``calc.importer.build`` checks everything and answers the new folder's files in memory. Only
then is anything written: every file goes into a scratch folder next to the data folder, the
manifest last, each file flushed to disk, and the scratch folder and the data folder are swapped
in one step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, undone by the next run
if it was interrupted between them). A refused or interrupted import leaves the data folder
byte for byte as it was.

Exit status: 0 imported, 1 refused (each problem on one line: file, row, problem), 2 usage.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import sys
from pathlib import Path

from calc.importer import ImportRefused, Problem, build

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: Larger than any CMS download; a bigger file under the folder is not read into memory.
MAX_FILE_BYTES = 500_000_000


def read_downloads(folder: Path) -> dict[str, bytes]:
    """Every regular file under ``folder`` by its path relative to it (hidden files skipped)."""
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportRefused([Problem(str(relative), None, "is larger than any CMS download; not read.")])
        files[relative.as_posix()] = path.read_bytes()
    return files


def read_folder(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def scratch_paths(out: Path) -> tuple[Path, Path]:
    """The scratch folders next to the data folder: the new data, and the old data during a swap."""
    return out.with_name(f".{out.name}.import-new"), out.with_name(f".{out.name}.import-old")


def recover(out: Path) -> None:
    """Undo what an interrupted run left: a half-written scratch folder, or a half-done swap."""
    new, old = scratch_paths(out)
    if not out.exists() and old.exists():
        old.rename(out)  # interrupted between the two renames of the fallback swap
    for leftover in (new, old):
        if leftover.exists():
            shutil.rmtree(leftover)


def write_scratch(folder: Path, files: dict[str, bytes]) -> None:
    """Every file flushed to disk, ``manifest.json`` last: a folder without it is incomplete."""
    folder.mkdir()
    for name in sorted(files, key=lambda n: n == "manifest.json"):
        with open(folder / name, "wb") as handle:
            handle.write(files[name])
            handle.flush()
            os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux 3.15+); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def swap_in(out: Path, files: dict[str, bytes]) -> None:
    """Write the scratch folder, then swap it with the data folder (see the module's docstring)."""
    new, old = scratch_paths(out)
    write_scratch(new, files)
    if _exchange(new, out):
        shutil.rmtree(new)  # now holds the old data
    else:
        out.rename(old)
        new.rename(out)
        shutil.rmtree(old)
    _fsync_dir(out.parent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cms-dir", type=Path, required=True, help="folder of CMS downloads")
    parser.add_argument("--out", type=Path, default=Path("calc/data"))
    args = parser.parse_args(argv)
    if not args.cms_dir.is_dir():
        print(f"import refused: {args.cms_dir} is not a folder of CMS downloads.", file=sys.stderr)
        return 2
    recover(args.out)
    try:
        result = build(read_downloads(args.cms_dir), read_folder(args.out))
    except ImportRefused as refused:
        print(f"import refused; {args.out} is unchanged:", file=sys.stderr)
        for problem in refused.problems:
            print(f"  {problem.line()}", file=sys.stderr)
        return 1
    try:
        swap_in(args.out, result.files)
    except OSError as err:  # a full disk or a lost folder: before the swap, so nothing changed
        recover(args.out)
        print(f"import failed while writing ({err}); {args.out} is unchanged.", file=sys.stderr)
        return 1
    print(f"imported into {args.out}:")
    for line in result.summary:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
