"""MkDocs hook: ship the pinned Pyodide runtime and the calc wheel with the site.

Listed under ``hooks:`` in mkdocs.yml. After the build it copies

- from ``node_modules/pyodide`` (the version pinned in package-lock.json) only the files a
  page needs to start Python, into ``site/assets/pyodide/``;
- the calc wheel built by ``tools/build_wheel.py`` (named ``calc-<content hash>.whl``, so a new
  deploy never runs a stale calc/ from a browser's cache) into ``site/assets/calc/``, with
  ``site/assets/calc/manifest.json`` telling the worker its name.

Before that, ``on_post_page`` puts the calculators into each page's final HTML in place of the
slots ``macros/calculators.py`` left in its Markdown (after Markdown and search have seen the
page, so neither parses nor indexes the forms).

Everything is served from the site itself: no request to another host. The setting
``extra: calc: pyodide_url:`` in mkdocs.yml may point the worker at another Pyodide location
(same version, relative to ``assets/calc/`` or absolute).

If the wheel is missing or older than a file under calc/, it is (re)built here, so a plain
``mkdocs build`` works on a fresh clone too.

It also ships a Pyodide memory snapshot taken after calc/ was imported and its defaults read,
with the trimmed standard-library zip it was made on (``tools/make_snapshot.mjs``, named by a
hash of everything they were made from, and kept in ``build/snapshot`` between builds): every
visit restores it, which skips Python's start-up (DESIGN.md, "Start-up"). The manifest also
gives the first visit's file sizes, for the calculators' progress text. Without Node.js, or if
making it fails, the site simply ships no snapshot and the worker starts Pyodide the plain way
(``CALC_SNAPSHOT=0`` skips it on purpose, for quick scratch builds).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
WHEEL_DIR = ROOT / "build" / "wheel"
SNAPSHOT_DIR = ROOT / "build" / "snapshot"
MAKE_SNAPSHOT = ROOT / "tools" / "make_snapshot.mjs"
PYODIDE_SETUP = ROOT / "docs" / "assets" / "javascripts" / "calc-pyodide.mjs"
log = logging.getLogger("mkdocs.plugins.calc_assets")
# The runtime proper; no packages (calc/ needs only the standard library), no source maps.
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)


def _wheel_is_stale(manifest: Path) -> bool:
    if not manifest.exists():
        return True
    try:
        wheel = WHEEL_DIR / json.loads(manifest.read_text())["wheel"]
    except (ValueError, KeyError):
        return True
    if not wheel.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [p for p in (ROOT / "calc").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return any(p.stat().st_mtime > built for p in [*sources, ROOT / "pyproject.toml"])


def _wheel_manifest() -> dict[str, Any]:
    manifest = WHEEL_DIR / "manifest.json"
    if _wheel_is_stale(manifest):
        subprocess.run(
            [sys.executable, str(ROOT / "tools" / "build_wheel.py"), "--out", str(WHEEL_DIR)], check=True
        )
    data: dict[str, Any] = json.loads(manifest.read_text())
    return data


def _warmup_requests() -> list[dict[str, Any]]:
    """The default requests of the calculators: the worker answers them once while starting,
    so calc/ has read its data before the first real calculation."""
    from macros.calculators import warmup_requests

    return warmup_requests()


def _snapshot(wheel: Path, warmup: list[dict[str, Any]]) -> tuple[Path, Path] | None:
    """The gzipped snapshot and the trimmed standard library it was made on, for this wheel,
    warm-up and Pyodide build (made once, then reused)."""
    if os.environ.get("CALC_SNAPSHOT") == "0":
        return None
    inputs = hashlib.sha256()
    for part in (
        wheel.read_bytes(),
        json.dumps(warmup, sort_keys=True).encode(),
        (PYODIDE_DIR / "pyodide.asm.wasm").read_bytes(),
        MAKE_SNAPSHOT.read_bytes(),
        PYODIDE_SETUP.read_bytes(),
    ):
        inputs.update(hashlib.sha256(part).digest())
    key = inputs.hexdigest()[:12]
    out = SNAPSHOT_DIR / f"calc-snapshot-{key}.bin.gz"
    stdlib = SNAPSHOT_DIR / f"calc-stdlib-{key}.zip"
    if out.exists() and stdlib.exists():
        return out, stdlib
    SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
    warmup_file = SNAPSHOT_DIR / "warmup.json"
    warmup_file.write_text(json.dumps(warmup))
    command = ["node", str(MAKE_SNAPSHOT), "--pyodide", str(PYODIDE_DIR), "--wheel", str(wheel)]
    command += ["--warmup", str(warmup_file), "--out", f"{out}.part", "--stdlib-out", f"{stdlib}.part"]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or exc
        log.info(
            "calc: no Pyodide snapshot shipped (the worker starts the plain way): %s", str(detail)[-500:]
        )
        return None
    Path(f"{stdlib}.part").replace(stdlib)
    Path(f"{out}.part").replace(out)
    for old in [*SNAPSHOT_DIR.glob("calc-snapshot-*.bin.gz"), *SNAPSHOT_DIR.glob("calc-stdlib-*.zip")]:
        if old not in (out, stdlib):
            old.unlink()
    return out, stdlib


def _first_visit_sizes(pyodide_out: Path, calc_out: Path, served: dict[str, Any]) -> dict[str, int]:
    """Bytes of the files a first visit fetches (as stored: a host's gzip sends fewer), for the
    calculators' "Downloading n of m MB": the two Pyodide modules come by import(), which the
    worker cannot count, and are left out."""
    imported = ("pyodide.mjs", "pyodide.asm.mjs", "python_stdlib.zip")
    files = [pyodide_out / name for name in PYODIDE_FILES if name not in imported]
    files += [calc_out / served[key] for key in ("wheel", "snapshot", "stdlib") if key in served]
    if "snapshot" not in served:
        files.append(pyodide_out / "python_stdlib.zip")
    sizes = {"first_visit": sum(path.stat().st_size for path in files)}
    if "snapshot" in served:
        sizes["snapshot"] = (calc_out / served["snapshot"]).stat().st_size
    return sizes


def on_post_page(output: str, **_: Any) -> str:
    """The page with its calculators (form and build-time answer) in place of their slots."""
    from macros.calculators import expand_slots

    return expand_slots(output)


def on_post_build(config: Any, **_: Any) -> None:
    site = Path(config["site_dir"])
    pyodide_out = site / "assets" / "pyodide"
    pyodide_out.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        source = PYODIDE_DIR / name
        if not source.exists():
            raise FileNotFoundError(f"{source} is missing: run `npm ci` (pinned in package-lock.json)")
        shutil.copyfile(source, pyodide_out / name)

    wheel = _wheel_manifest()
    calc_out = site / "assets" / "calc"
    if calc_out.exists():
        shutil.rmtree(calc_out)
    calc_out.mkdir(parents=True)
    shutil.copyfile(WHEEL_DIR / wheel["wheel"], calc_out / wheel["wheel"])
    warmup = _warmup_requests()
    served: dict[str, Any] = {
        "wheel": wheel["wheel"],
        "version": wheel.get("version"),
        "sha256": wheel.get("sha256"),
        "warmup": warmup,
    }
    shipped = _snapshot(WHEEL_DIR / wheel["wheel"], warmup)
    if shipped is not None:
        for path in shipped:
            shutil.copyfile(path, calc_out / path.name)
        served["snapshot"], served["stdlib"] = (path.name for path in shipped)
    served["sizes"] = _first_visit_sizes(pyodide_out, calc_out, served)
    pyodide_url = ((config.get("extra") or {}).get("calc") or {}).get("pyodide_url")
    if pyodide_url:
        served["pyodide"] = str(pyodide_url).rstrip("/") + "/"
    (calc_out / "manifest.json").write_text(json.dumps(served, indent=1) + "\n")
