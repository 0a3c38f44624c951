"""What changed between two consecutive fee-schedule releases (kind "changes").

The importer writes the report for each pair of releases (``calc.importer.changes``: codes
added and deleted, changed indicators, RVUs and national amounts); this module answers it
through the seam, with counts a page can head it with. Without ``release`` the answer lists the
reports there are.

>>> answer = changes_answer({"release": "RVU26C"})
>>> answer["from"], answer["to"], answer["counts"]["therapy_amounts"] > 0
('RVU25D', 'RVU26C', True)
>>> [r["to"] for r in changes_answer({})["reports"]]
['RVU25D', 'RVU26C']
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise

from calc.errors import FieldError, raise_if
from calc.schedule import change_report, known_years, releases_of_year

Answer = dict[str, object]


def _release_names() -> list[str]:
    """Every imported RVU release, oldest first."""
    return [r.rvu for year in known_years() for r in releases_of_year(year)]


def changes_answer(request: Mapping[str, object]) -> Answer:
    """The change report ending at ``release`` (DESIGN.md), or the list of reports without one."""
    raw = request.get("release")
    if raw is None:
        return {"ok": True, "kind": "changes", "reports": _reports(), "steps": [], "warnings": []}
    report = change_report(raw) if isinstance(raw, str) else None
    if report is None:
        names = ", ".join(str(r["to"]) for r in _reports()) or "none"
        raise_if(
            [
                FieldError(
                    "release",
                    f"No change report ends at {raw!r}: give the name of an imported release "
                    f"that has one before it ({names}).",
                )
            ]
        )
    assert report is not None
    return {
        "ok": True,
        "kind": "changes",
        "release": raw,
        **report,
        "counts": _counts(report),
        "steps": [],
        "warnings": [],
    }


def _reports() -> list[dict[str, str]]:
    names = _release_names()
    return [{"from": old, "to": new} for old, new in pairwise(names) if change_report(new) is not None]


def _counts(report: Mapping[str, object]) -> dict[str, int]:
    def listed(key: str) -> list[dict[str, object]]:
        value = report.get(key)
        return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []

    changed = listed("changed")
    return {
        "added": len(listed("added")),
        "deleted": len(listed("deleted")),
        "changed": len(changed),
        "amounts": sum(1 for c in changed if "national_amounts" in c),
        "therapy_amounts": sum(1 for c in changed if c.get("therapy") and "national_amounts" in c),
    }
