#!/usr/bin/env python3
"""Download the pure-Python wheels that the Pyodide test run needs, at the pinned versions.

    .venv/bin/python tools/pyodide_wheels.py requirements.txt .cache/pyodide-wheels

tests/calc runs unchanged inside Pyodide (tools/pyodide_pytest.mjs), so pytest, hypothesis and
their dependencies must be importable there. We take the exact versions pinned in
requirements.txt (the same ones the CPython run uses) rather than the versions bundled with
Pyodide, so both runs use the same pytest and hypothesis.

pytest and its dependencies are pure Python (py3-none-any). hypothesis, since 6.156, carries a
compiled extension (hypothesis._native) and publishes a WebAssembly wheel for Pyodide's ABI
(platform tag ``pyemscripten_<abi_version>_wasm32``, read from the pinned pyodide-lock.json), so
we ask pip for wheels of that platform or pure ones. Only binary wheels are accepted (no source
builds) and no dependency resolution is done: the list below is the complete closure.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

# pytest -> iniconfig, packaging, pluggy, pygments; hypothesis -> sortedcontainers.
# (attrs is no longer a hypothesis dependency; exceptiongroup/tomli are for Python < 3.11.)
WANTED = ["pytest", "iniconfig", "packaging", "pluggy", "pygments", "hypothesis", "sortedcontainers"]


PYODIDE_LOCK = Path(__file__).resolve().parent.parent / "node_modules" / "pyodide" / "pyodide-lock.json"


def pyodide_target(lock_file: Path) -> tuple[str, str]:
    """(python version "3.14", platform tag) of the pinned Pyodide, from its lock file."""
    info = json.loads(lock_file.read_text())["info"]
    major, minor = info["python"].split(".")[:2]
    return f"{major}.{minor}", f"pyemscripten_{info['abi_version']}_wasm32"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(requirements: Path) -> dict[str, str]:
    """``name==version`` lines of requirements.txt, keyed by canonical name."""
    pins: dict[str, str] = {}
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonical(name)] = version.strip()
    return pins


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    requirements, dest = Path(argv[0]), Path(argv[1])
    pins = read_pins(requirements)
    missing = [name for name in WANTED if canonical(name) not in pins]
    if missing:
        print(f"not pinned in {requirements}: {', '.join(missing)}", file=sys.stderr)
        return 1
    dest.mkdir(parents=True, exist_ok=True)
    specs = [f"{name}=={pins[canonical(name)]}" for name in WANTED]
    # Drop wheels of other versions left from an earlier pin, so the Node runner never
    # unpacks two versions of one package.
    keep = {canonical(f"{name}-{pins[canonical(name)]}") for name in WANTED}
    for old in dest.glob("*.whl"):
        if canonical("-".join(old.name.split("-")[:2])) not in keep:
            old.unlink()
    python, platform = pyodide_target(PYODIDE_LOCK)
    abi = "cp" + python.replace(".", "")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--only-binary=:all:",
            "--no-deps",
            "--python-version",
            python,
            "--implementation",
            "cp",
            "--abi",
            abi,
            "--abi",
            "abi3",
            "--abi",
            "none",
            "--platform",
            platform,
            "--platform",
            "any",
            "--dest",
            str(dest),
            *specs,
        ],
        check=True,
    )
    wheels = sorted(p.name for p in dest.glob("*.whl"))
    print(f"{len(wheels)} wheels in {dest}: {', '.join(wheels)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
