"""Time 10,000 ``calc.handle`` calls of each request kind under CPython and print a table.

Run from the repository root: ``python bench/calc_handle.py [--calls N]``. The first call of
each kind (which reads the data files) is timed separately as "first call".
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calc import handle, handle_json

REQUESTS: dict[str, dict[str, object]] = {
    "units": {
        "kind": "units",
        "method": "cms",
        "services": [{"code": "97110", "minutes": 33}, {"code": "97140", "minutes": 7}],
    },
    "fee": {
        "kind": "fee",
        "year": 2025,
        "locality": "10112-00",
        "setting": "non_facility",
        "lines": [
            {"code": "97110", "units": 2, "modifiers": ["GP"]},
            {"code": "97140", "units": 1, "modifiers": ["GP"]},
        ],
    },
    "check": {
        "kind": "check",
        "method": "cms",
        "year": 2025,
        "lines": [{"code": "97546", "units": 2}],
        "services": [{"code": "97546", "minutes": 120}],
        "authorized_units": {"97546": 1},
    },
    "visit": {
        "kind": "visit",
        "method": "cms",
        "year": 2025,
        "locality": "10112-00",
        "services": [
            {"code": "97110", "minutes": 38, "modifiers": ["GP"]},
            {"code": "97140", "minutes": 15, "modifiers": ["GP"]},
            {"code": "97161", "modifiers": ["GP"]},
            {"code": "97530", "minutes": 6, "modifiers": ["GP"]},
        ],
        "therapy_ytd": {"pt_slp": "2300.00", "ot": "0.00"},
    },
    "localities": {"kind": "localities", "year": 2025},
    "zip": {"kind": "zip", "zip": "35201", "year": 2025},
    "error": {"kind": "fee", "year": 2025, "lines": [{"code": "97110", "units": -1}]},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=10_000)
    calls = parser.parse_args().calls
    runtime = "Pyodide" if sys.platform == "emscripten" else platform.python_implementation()
    print(f"calc.handle under {runtime} (Python {platform.python_version()}), {calls:,} calls per kind")
    print(f"{'kind':<12}{'first call ms':>15}{'total s':>10}{'per call us':>13}")
    for kind, request in REQUESTS.items():
        start = time.perf_counter()
        handle(request)
        first = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(calls):
            answer = handle(request)
        total = time.perf_counter() - start
        assert answer["ok"] is (kind != "error"), answer
        print(f"{kind:<12}{first * 1000:>15.1f}{total:>10.2f}{total / calls * 1e6:>13.1f}")
    text_seam()


def text_seam() -> None:
    """``handle_json`` on adversarial texts of growing size: the time per KB stays flat."""
    print(f"\n{'handle_json text':<40}{'KB':>6}{'ms':>10}{'ms per KB':>11}")
    # (prefix, repeated unit, suffix): the 40 brackets after the string make the depth scan
    # read the whole text (fewer than 33 brackets are let through without a scan).
    units = {
        "a string of escaped quotes, 40 brackets": ('"', '\\"', '"' + "[" * 40),
        "an unterminated string, 40 brackets": ("[" * 40 + '"', '\\"', ""),
        "open brackets": ("", "[", ""),
    }
    for name, (prefix, unit, suffix) in units.items():
        for kb in (1, 4, 16, 60):
            text = prefix + unit * (kb * 1024 // len(unit)) + suffix
            best = min(_timed(text) for _ in range(3))
            print(f"{name:<40}{kb:>6}{best * 1000:>10.2f}{best * 1000 / kb:>11.3f}")


def _timed(text: str) -> float:
    start = time.perf_counter()
    handle_json(text)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
