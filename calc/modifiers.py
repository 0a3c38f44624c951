"""The modifiers calc accepts on a billed line, read from ``calc/data/modifiers.json``: each
with what it means, its source and how calc uses it (its group).

>>> meaning("GP")
'Furnished under an outpatient physical therapy plan of care.'
>>> known("XX"), known("KX"), discipline_of(("59", "GO")), discipline_of(("59",))
(False, True, 'ot', None)
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Final

RESOURCE: Final = "data/modifiers.json"
#: The therapy discipline each plan-of-care modifier counts toward for the KX threshold
#: (Pub. 100-04 ch. 5 §10.3: PT and SLP combined, OT separate).
DISCIPLINES: Final = {"GP": "pt_slp", "GN": "pt_slp", "GO": "ot"}


@cache
def _data() -> dict[str, Any]:
    data = json.loads(resources.files("calc").joinpath(RESOURCE).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def known(modifier: str) -> bool:
    """True when calc knows the modifier (listed in the data)."""
    return modifier in _data()["modifiers"]


def known_modifiers() -> list[str]:
    """Every modifier calc accepts, in the data's order."""
    return list(_data()["modifiers"])


def meaning(modifier: str) -> str:
    """What the modifier means, in plain words."""
    return str(_data()["modifiers"][modifier]["meaning"])


def describe(modifier: str) -> dict[str, object]:
    """A modifier with its meaning, group and source (title, URL, cite).

    >>> describe("CQ")["source"]["cite"].startswith("SSA")
    True
    """
    entry = _data()["modifiers"][modifier]
    source = dict(_data()["sources"][entry["source"]])
    return {"modifier": modifier, "group": entry["group"], "meaning": entry["meaning"], "source": source}


def discipline_of(modifiers: tuple[str, ...]) -> str | None:
    """``"pt_slp"`` or ``"ot"`` for a line's GP/GN/GO modifier; None without one (a line
    with conflicting ones is refused or flagged before this is asked)."""
    found = {DISCIPLINES[m] for m in modifiers if m in DISCIPLINES}
    return found.pop() if len(found) == 1 else None
