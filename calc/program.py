"""Yearly Medicare program figures, read from ``calc/data/program.json`` with their sources.

One place for every figure that is not in the RVU file: the KX threshold by year (PT and SLP
combined, OT separate; SSA §1833(g)(7)), the targeted medical review threshold, the Part B
deductible, the appeal amounts in controversy and deadlines, and the shares that the fee and
visit answers apply (coinsurance 20%, CQ/CO 85% from 2022, sequestration 2%). ``calc.fees``
reads its percentages from here; the kind "program" answers a year's figures, money as text,
each with its source.

>>> share("coinsurance_percent"), share("assistant_percent"), share("sequestration_percent")
(Decimal('0.2'), Decimal('0.85'), Decimal('0.02'))
>>> year_figures(2025).kx_pt_slp, year_figures(2025).deductible
(Decimal('2410.00'), Decimal('257.00'))
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from calc.errors import CalcError, FieldError, raise_if
from calc.fields import parse_year
from calc.money import money_text

RESOURCE = "data/program.json"


@cache
def _data() -> dict[str, Any]:
    data = json.loads(resources.files("calc").joinpath(RESOURCE).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def program_years() -> list[int]:
    """The years whose figures the data holds.

    >>> program_years()
    [2024, 2025, 2026]
    """
    return sorted(int(y) for y in _data()["years"])


def source(key: str) -> dict[str, str]:
    """A source by its key: title, URL and the exact cite."""
    found = _data()["sources"][key]
    return {"key": key, "title": found["title"], "url": found["url"], "cite": found["cite"]}


def share(name: str) -> Decimal:
    """A percentage of ``every_year`` (``coinsurance_percent``...) as a fraction."""
    return Decimal(_data()["every_year"][name]["percent"]) / 100


def targeted_review_threshold() -> Decimal:
    """The targeted medical review threshold (SSA §1833(g)(5)(E)): $3,000 of therapy a year."""
    return Decimal(_data()["every_year"]["targeted_review_threshold"]["amount"])


def assistant_share_applies(year: int) -> bool:
    """CQ/CO pay 85% for dates of service from 2022 (SSA §1834(v)).

    >>> assistant_share_applies(2021), assistant_share_applies(2022)
    (False, True)
    """
    return year >= int(_data()["every_year"]["assistant_percent"]["from_year"])


@dataclass(frozen=True)
class YearFigures:
    """One year's KX thresholds and Part B deductible."""

    year: int
    kx_pt_slp: Decimal
    kx_ot: Decimal
    deductible: Decimal
    kx_source: str
    deductible_source: str


def year_figures(year: int) -> YearFigures:
    """The year's figures, or ``CalcError`` naming the years held."""
    entry = _data()["years"].get(str(year))
    if entry is None:
        held = ", ".join(str(y) for y in program_years())
        raise CalcError(
            "year", f"This reference holds the Medicare program figures for {held}; not for {year}."
        )
    kx, deductible = entry["kx_threshold"], entry["part_b_deductible"]
    return YearFigures(
        year,
        Decimal(kx["pt_slp"]),
        Decimal(kx["ot"]),
        Decimal(deductible["amount"]),
        kx["source"],
        deductible["source"],
    )


def _figure(amount: str, source_key: str) -> dict[str, object]:
    return {"amount": money_text(Decimal(amount)), "source": source(source_key)}


def _percent(entry: Mapping[str, Any]) -> dict[str, object]:
    return {"percent": entry["percent"], "from_year": entry["from_year"], "source": source(entry["source"])}


def program_answer(request: Mapping[str, object]) -> dict[str, object]:
    """The kind "program": a year's figures, money as text, each with its source.

    >>> answer = program_answer({"year": 2025})
    >>> answer["kx_threshold"]["pt_slp"]["amount"], answer["appeal_amount_in_controversy"]["alj"]["amount"]
    ('2410.00', '190.00')
    >>> answer["kx_threshold"]["pt_slp"]["source"]["cite"].startswith("89 FR 97710")
    True
    """
    errors: list[FieldError] = []
    year, _ = parse_year(request, errors)
    raise_if(errors)
    year_figures(year)  # refuses a year without figures
    entry = _data()["years"][str(year)]
    every = _data()["every_year"]
    kx, aic = entry["kx_threshold"], entry["appeal_amount_in_controversy"]
    return {
        "ok": True,
        "kind": "program",
        "year": year,
        "kx_threshold": {
            "pt_slp": _figure(kx["pt_slp"], kx["source"]),
            "ot": _figure(kx["ot"], kx["source"]),
            "rule": every["kx_discipline_rule"]["rule"],
            "rule_source": source(every["kx_discipline_rule"]["source"]),
        },
        "targeted_review_threshold": _figure(
            every["targeted_review_threshold"]["amount"], every["targeted_review_threshold"]["source"]
        ),
        "part_b_deductible": _figure(
            entry["part_b_deductible"]["amount"], entry["part_b_deductible"]["source"]
        ),
        "appeal_amount_in_controversy": {
            "alj": _figure(aic["alj"], aic["source"]),
            "federal_court": _figure(aic["federal_court"], aic["source"]),
        },
        "appeal_deadlines": [
            {k: v for k, v in d.items() if k != "source"} | {"source": source(d["source"])}
            for d in _data()["appeal_deadlines"]
        ],
        "coinsurance": _percent(every["coinsurance_percent"]),
        "assistant_share": _percent(every["assistant_percent"]),
        "sequestration": _percent(every["sequestration_percent"]),
        "steps": [],
        "warnings": [],
    }
