"""`make site`, all or nothing: build in a scratch copy of the project, swap in at the end.

A site build writes three things the repository keeps between builds: calc/data/unit_rules.json
(compiled from content/), the calc wheel in build/wheel, and site/. Built in place, a build
that failed halfway (a broken link the strict build refuses, a calculator whose example calc
refuses, a full disk, Ctrl-C) left new rules and a new wheel beside the old site. Here
everything is built in ``build/scratch-<pid>/`` (a copy of the sources, tools/scratch_project.py):

1. compile the unit rules (validating content/ first), build the wheel, run the strict MkDocs
   build, all inside the copy;
2. only when all three succeeded, move the results into place: each by a rename on the same
   file system (the old directory is renamed aside first and removed last).

Any failure before step 2 leaves calc/data, build/wheel and site/ byte for byte as they were.
The Pyodide snapshot cache (build/snapshot) is lent to the copy and taken back, so an
unchanged calc/ is not snapshotted again.

Usage: python -m tools.build_site   (from the repository root; SITE_URL and CALC_SNAPSHOT pass
through to the build)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tools.scratch_project import ROOT, SOURCES, copy_project

RULES = Path("calc/data/unit_rules.json")
WHEEL = Path("build/wheel")
SNAPSHOTS = Path("build/snapshot")
SITE = Path("site")


class BuildFailed(Exception):
    """A step of the build failed; its output has been shown."""


def run(step: str, args: list[str], cwd: Path) -> None:
    print(f"--- {step}", flush=True)
    if subprocess.run(args, cwd=cwd, check=False).returncode != 0:
        raise BuildFailed(step)


def build_in(copy: Path) -> None:
    python = sys.executable
    run("unit rules from content/ (validates content first)", [python, "-m", "tools.compile_rules"], copy)
    run("calc wheel", [python, "-m", "tools.build_wheel", "--out", str(WHEEL)], copy)
    run(
        "strict site build",
        [python, "-m", "mkdocs", "build", "--strict", "--site-dir", str(SITE)],
        copy,
    )


def swap_in(built: Path, target: Path) -> None:
    """``built`` becomes ``target`` by renames (a file is replaced at once; a directory's old
    copy is renamed aside, then removed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if built.is_dir() and target.exists():
        aside = target.with_name(target.name + f".old-{os.getpid()}")
        target.rename(aside)
        built.rename(target)
        shutil.rmtree(aside)
    else:
        os.replace(built, target)


def build_site(root: Path = ROOT) -> None:
    """Build the project at ``root`` (the one this module was loaded from: copy_project copies it)."""
    scratch = root / "build" / f"scratch-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        copy = copy_project(scratch / "project", (*SOURCES, "content"))
        if (root / SNAPSHOTS).is_dir():
            shutil.copytree(root / SNAPSHOTS, copy / SNAPSHOTS)
        build_in(copy)
        for path in (RULES, WHEEL, SITE):
            swap_in(copy / path, root / path)
        if (copy / SNAPSHOTS).is_dir():
            swap_in(copy / SNAPSHOTS, root / SNAPSHOTS)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    try:
        build_site()
    except BuildFailed as failed:
        print(
            f"make site: the step '{failed}' failed (above); calc/data, build/wheel and site/ are unchanged.",
            file=sys.stderr,
        )
        return 1
    print(f"Built {ROOT / SITE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
