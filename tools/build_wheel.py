#!/usr/bin/env python3
"""Build calc/ as a pure-Python wheel for the browser, named by a hash of its content.

    .venv/bin/python tools/build_wheel.py --out build/wheel

Writes ``<out>/calc-<sha12>.whl`` and ``<out>/manifest.json``::

    {"wheel": "calc-<sha12>.whl", "sha256": "...", "version": "0.1.0",
     "source_wheel": "calc-0.1.0-py3-none-any.whl"}

The site serves the wheel under that name (macros/site_assets.py), so a new deploy changes the
URL whenever calc/ or its data change, and a browser never runs a stale calc/ from its cache.

Why standard tools and not pyodide-build: calc/ is pure Python (standard library only), so the
ordinary py3-none-any wheel is exactly what Pyodide installs; and current pyodide-build needs
Python 3.12 or newer, while the last release that runs on this project's Python 3.11 breaks
with today's ``wheel`` package. ``python -m build --wheel --no-isolation`` uses the pinned
setuptools and wheel from requirements.txt and needs no network.

The hash covers each file's name and bytes inside the wheel (not the zip's timestamps), so
rebuilding unchanged sources gives the same name.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_wheel(scratch: Path) -> Path:
    """Run the standard PEP 517 build for the repository and return the wheel it made."""
    # setuptools copies sources into build/lib and never deletes from it: a module removed
    # from calc/ would live on in the wheel. Start from an empty staging area every time.
    for stale in [ROOT / "build" / "lib", *ROOT.glob("build/bdist.*"), *ROOT.glob("*.egg-info")]:
        shutil.rmtree(stale, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(scratch), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"building the calc wheel failed (exit {done.returncode})")
    wheels = sorted(scratch.glob("calc-*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one calc wheel in {scratch}, found {[w.name for w in wheels]}")
    return wheels[0]


def content_hash(wheel: Path) -> str:
    """SHA-256 over (name, bytes) of every member, in name order: independent of zip timestamps."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            digest.update(name.encode() + b"\0")
            digest.update(archive.read(name))
            digest.update(b"\0")
    return digest.hexdigest()


def check_contents(wheel: Path) -> None:
    """Refuse a wheel without the package or its data: the browser would fail much later."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    if "calc/__init__.py" not in names:
        raise SystemExit(f"{wheel.name} has no calc/__init__.py")
    if not any(name.startswith("calc/data/") for name in names):
        print(f"warning: {wheel.name} carries no calc/data/ files", file=sys.stderr)


def wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "wheel")
    args = parser.parse_args(argv)

    out: Path = args.out
    with tempfile.TemporaryDirectory(prefix="calc-wheel-") as tmp:
        built = build_wheel(Path(tmp))
        check_contents(built)
        sha = content_hash(built)
        name = f"calc-{sha[:12]}.whl"
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        shutil.copyfile(built, out / name)
        manifest = {
            "wheel": name,
            "sha256": sha,
            "version": wheel_version(built),
            "source_wheel": built.name,
        }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"{out / name} ({(out / name).stat().st_size} bytes, calc {manifest['version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
