"""Settings shared by the calc tests, under CPython and inside Pyodide.

calc is importable without any path edit: pytest's ``pythonpath`` (pyproject.toml) puts the
repository root first under CPython, and Pyodide has the calc wheel installed.
"""

from __future__ import annotations

from hypothesis import settings

# Properties assert what is computed, not how fast: a loaded machine (CI's 2 cores, or Pyodide)
# must not turn a slow example into a failure. Speed is measured in bench/, never in tests.
settings.register_profile("project", deadline=None)
settings.load_profile("project")
