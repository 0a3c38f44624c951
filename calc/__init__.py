"""calc: billable units, Medicare Physician Fee Schedule amounts and claim checks.

One JSON seam, ``handle(request) -> answer`` (shapes in DESIGN.md), used by the site build,
by the browser through Pyodide and by ``python3 -m calc``.

>>> handle({"kind": "zip", "zip": "35201"})["locality"]["id"]
'10112-00'
"""

from __future__ import annotations

from calc.api import handle
from calc.jsontext import handle_json

__version__ = "0.1.0"
__all__ = ["__version__", "handle", "handle_json"]
