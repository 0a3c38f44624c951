"""The import command (tools/import_cms.py) on whole downloads: it reproduces calc/data from the
CMS files zipped as CMS publishes them, refuses bad downloads in one line per problem without a
traceback, and leaves the data folder byte for byte as it was after a refusal or an interrupted
run (killed at random points, and failed at every write).

The CMS files come from ../shared/cms (copied into a temporary folder; the project never reads
../shared at run time); the tests that need them are skipped where that folder is absent.
"""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from calc.importer import IMPORTED_PREFIXES

ROOT = Path(__file__).resolve().parents[2]
# ../shared/cms beside the repository (a worktree one folder deeper finds it one level up).
SHARED = next(
    (p / "shared" / "cms" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared" / "cms").is_dir()),
    ROOT / "absent",
)
TOOL = ROOT / "tools" / "import_cms.py"
FIXTURES = ROOT / "tests" / "calc" / "fixtures"
DATA = ROOT / "calc" / "data"
# Files in calc/data that the importer does not write (it carries them over untouched):
# conversion_factors.json, replacement_codes.json, unit_rules.json and whatever other tools add.
NOT_IMPORTED = tuple(
    p.name for p in sorted(DATA.iterdir()) if not p.name.startswith(IMPORTED_PREFIXES + ("manifest.json",))
)
# Run as the Makefile runs it: a module, from the project root.
COMMAND = [sys.executable, "-m", "tools.import_cms"]
RUN_OPTIONS: dict[str, object] = {"cwd": ROOT, "capture_output": True, "text": True, "check": False}
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/cms (the CMS files) is not here")


def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_cms", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def zip_folder(folder: Path, target: Path) -> Path:
    """A folder of CMS files zipped as CMS publishes them (files at the top of the zip)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return target


def downloads(source: Path, folder: Path, names: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sub, zip_name in names.items():
        zip_folder(source / sub, folder / zip_name)
    return folder


ALL = {
    "rvu22a": "RVU22A.zip",
    "rvu25d": "RVU25D.zip",
    "rvu26c": "RVU26C.zip",
    "zip5-2025q4": "ZIP5_2025Q4.zip",
}


def fresh_data(folder: Path) -> Path:
    """A data folder before any import: only the files the importer does not write."""
    folder.mkdir(parents=True)
    for name in NOT_IMPORTED:
        shutil.copy(DATA / name, folder / name)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def run(cms: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(COMMAND + ["--cms-dir", str(cms), "--out", str(out)], **RUN_OPTIONS)


@needs_shared
def test_import_of_the_cms_zips_reproduces_calc_data_exactly(tmp_path: Path) -> None:
    cms = downloads(SHARED, tmp_path / "downloads", ALL)
    out = fresh_data(tmp_path / "calc" / "data")
    done = run(cms, out)
    assert done.returncode == 0, done.stderr
    assert snapshot(out) == snapshot(DATA)
    assert (
        "RVU25D -> RVU26C" in done.stdout
        and "97110: national (both settings) $28.79 -> $29.06" in done.stdout
    )
    # importing the same downloads again changes nothing
    assert run(cms, out).returncode == 0 and snapshot(out) == snapshot(DATA)


@needs_shared
def test_the_makefile_import_target_runs_the_command_on_cms_dir() -> None:
    text = (ROOT / "Makefile").read_text()
    assert "$(PY) -m tools.import_cms --cms-dir $(CMS_DIR) --out calc/data" in text


def _corrupt_zip(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])  # a download cut short


@needs_shared
def test_a_corrupted_zip_is_refused_and_calc_data_is_unchanged(tmp_path: Path) -> None:
    cms = downloads(SHARED, tmp_path / "downloads", ALL)
    out = tmp_path / "calc" / "data"
    shutil.copytree(DATA, out)
    before = snapshot(out)
    _corrupt_zip(cms / "RVU26C.zip")
    done = run(cms, out)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "RVU26C.zip: is not a readable zip" in done.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["data"]  # no scratch folder left


@needs_shared
def test_a_gpci_file_cut_in_half_is_refused(tmp_path: Path) -> None:
    """The case from issue 13: an RVU zip whose GPCI file lost its second half."""
    source = tmp_path / "source"
    shutil.copytree(SHARED / "rvu25d", source / "rvu25d")
    gpci = source / "rvu25d" / "GPCI2025.csv"
    rows = gpci.read_bytes().split(b"\n")
    gpci.write_bytes(b"\n".join(rows[: len(rows) // 2]))
    cms = downloads(source, tmp_path / "downloads", {"rvu25d": "RVU25D.zip"})
    out = tmp_path / "calc" / "data"
    shutil.copytree(DATA, out)
    before = snapshot(out)
    done = run(cms, out)
    assert done.returncode == 1, done.stdout
    assert (
        "RVU25D.zip/GPCI2025.csv: has 55 localities, far below the 112 of the previous release (RVU22A)"
        in (done.stderr)
    )
    assert snapshot(out) == before


def test_refusals_are_one_line_each_without_traceback(tmp_path: Path) -> None:
    cms = tmp_path / "downloads"
    cms.mkdir()
    gpci = (FIXTURES / "cms/rvu25d/GPCI2025.csv").read_text().replace("0.869", "NaN").replace("0.575", "-1")
    with zipfile.ZipFile(cms / "RVU25D.zip", "w") as archive:
        archive.writestr("PPRRVU2025_Oct.csv", (FIXTURES / "cms/rvu25d/PPRRVU2025_Oct.csv").read_text())
        archive.writestr("GPCI2025.csv", gpci)
    (cms / "ZIP5.txt").write_bytes(b"")
    out = fresh_data(tmp_path / "calc" / "data")
    before = snapshot(out)
    done = run(cms, out)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"import refused; {out} is unchanged:",
        "  ZIP5.txt: is empty.",
        "  RVU25D.zip/GPCI2025.csv: row 4: PE GPCI 'NaN' is not a finite number.",
        "  RVU25D.zip/GPCI2025.csv: row 4: MP GPCI '-1' is negative.",
    ]
    assert snapshot(out) == before


def test_not_a_folder_is_refused(tmp_path: Path) -> None:
    done = run(tmp_path / "absent", fresh_data(tmp_path / "data"))
    assert done.returncode == 2 and "is not a folder of CMS downloads" in done.stderr


# --- interrupted imports ----------------------------------------------------------------------


def _fixture_downloads(folder: Path, names: dict[str, str]) -> Path:
    return downloads(FIXTURES / "cms", folder, names)


@pytest.fixture
def two_states(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """A data folder after a first import (2022, 2025) and the downloads of a second (all)."""
    first = _fixture_downloads(tmp_path / "first", {"rvu22a": "RVU22A.zip", "rvu25d": "RVU25D.zip"})
    second = _fixture_downloads(tmp_path / "second", ALL)
    base = fresh_data(tmp_path / "base" / "data")
    assert run(first, base).returncode == 0
    old = snapshot(base)
    expected = tmp_path / "expected" / "data"
    shutil.copytree(base, expected)
    assert run(second, expected).returncode == 0
    new = snapshot(expected)
    assert old != new
    return base, second, old, new


def test_an_import_killed_at_random_points_leaves_old_or_new_data_whole(tmp_path: Path, two_states) -> None:
    base, second, old, new = two_states
    timer = time.perf_counter()
    assert run(second, _copy(base, tmp_path / "timing")).returncode == 0
    duration = time.perf_counter() - timer
    rng = random.Random(13)
    seen = {"old": 0, "new": 0}
    for attempt in range(20):
        out = _copy(base, tmp_path / f"run{attempt}")
        process = subprocess.Popen(
            [*COMMAND, "--cms-dir", str(second), "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 1.1) * duration)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        state = snapshot(out)
        assert state in (old, new), f"run {attempt}: calc/data mixed after a kill"
        seen["old" if state == old else "new"] += 1
        # the next run clears what the killed one left and completes the import
        assert run(second, out).returncode == 0 and snapshot(out) == new
        assert sorted(p.name for p in out.parent.iterdir()) == ["data"]
    print(f"kills: {seen} (import takes {duration:.2f} s)")


def _copy(base: Path, target: Path) -> Path:
    shutil.copytree(base, target / "data")
    return target / "data"


def test_an_import_failing_at_any_write_leaves_the_data_as_it_was(
    tmp_path: Path, two_states, monkeypatch
) -> None:
    """Every write of the scratch folder and the swap itself fail in turn (a full disk, a crash)."""
    base, second, old, _ = two_states
    module = tool()
    calls = {"n": 0, "fail_at": -1}
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == calls["fail_at"]:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(module.os, "fsync", failing_fsync)
    module.main(["--cms-dir", str(second), "--out", str(_copy(base, tmp_path / "count"))])
    writes = calls["n"]
    assert writes > 10
    for fail_at in range(1, writes):
        out = _copy(base, tmp_path / f"fail{fail_at}")
        calls.update(n=0, fail_at=fail_at)
        assert module.main(["--cms-dir", str(second), "--out", str(out)]) == 1
        assert snapshot(out) == old, f"write {fail_at} of {writes}"
        assert sorted(p.name for p in out.parent.iterdir()) == ["data"]


def test_a_swap_interrupted_between_its_two_renames_is_undone(
    tmp_path: Path, two_states, monkeypatch
) -> None:
    """Where the atomic exchange is not available the swap is two renames; a run that stopped
    between them left no data folder, and the next run puts the old one back first."""
    base, second, old, new = two_states
    module = tool()
    out = _copy(base, tmp_path / "half")
    _, parked = module.scratch_paths(out)
    out.rename(parked)  # the state after the first rename
    monkeypatch.setattr(module, "_exchange", lambda a, b: False)
    module.recover(out)
    assert snapshot(out) == old
    assert module.main(["--cms-dir", str(second), "--out", str(out)]) == 0
    assert snapshot(out) == new
