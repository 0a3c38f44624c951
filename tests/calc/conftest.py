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

from hypothesis import settings  # noqa: E402

# Properties assert what is computed, not how fast: a loaded machine (CI's 2 cores, or Pyodide)
# must not turn a slow example into a failure. Speed is measured in bench/, never in tests.
settings.register_profile("project", deadline=None)
settings.load_profile("project")
