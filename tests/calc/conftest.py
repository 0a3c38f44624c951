"""Make the repository's calc/ importable when pytest runs from a checkout.

Under CPython, ``pytest tests/calc`` does not put the repository root on ``sys.path`` by
itself; inside Pyodide the calc wheel is installed and this does nothing.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]

if importlib.util.find_spec("calc") is None and (_ROOT / "calc").is_dir():
    sys.path.insert(0, str(_ROOT))
