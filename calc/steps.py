"""Steps: the arithmetic and the rule behind every answer, for the page to show.

A step is a label, the named inputs it used and the value it produced, all as text, so the
page (at build time or in the browser) lays them out without computing anything.

>>> Step("Total timed minutes", {"97110": "33", "97140": "7"}, "40").as_dict()
{'label': 'Total timed minutes', 'inputs': {'97110': '33', '97140': '7'}, 'value': '40'}
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    """One line of shown work: ``label`` (what was done), ``inputs`` and ``value``."""

    label: str
    inputs: dict[str, str] = field(default_factory=dict)
    value: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"label": self.label, "inputs": dict(self.inputs), "value": self.value}
