"""Kind "program" and calc/data/program.json: every yearly figure in one file, with its source."""

from __future__ import annotations

import ast
import json
from decimal import Decimal
from pathlib import Path

import pytest

import calc
from calc import handle
from calc.fees import medicare_shares
from calc.program import program_years, share

CALC_DIR = Path(calc.__file__).parent
DATA = json.loads((CALC_DIR / "data" / "program.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("year", "pt_slp", "ot", "deductible", "alj", "court"),
    [
        (2024, "2330.00", "2330.00", "240.00", "180.00", "1840.00"),
        (2025, "2410.00", "2410.00", "257.00", "190.00", "1900.00"),
        (2026, "2480.00", "2480.00", "283.00", "200.00", "1960.00"),
    ],
)
def test_year_figures_as_published(
    year: int, pt_slp: str, ot: str, deductible: str, alj: str, court: str
) -> None:
    answer = handle({"kind": "program", "year": year})
    assert answer["ok"] is True and answer["year"] == year
    assert answer["kx_threshold"]["pt_slp"]["amount"] == pt_slp
    assert answer["kx_threshold"]["ot"]["amount"] == ot
    assert answer["part_b_deductible"]["amount"] == deductible
    assert answer["appeal_amount_in_controversy"]["alj"]["amount"] == alj
    assert answer["appeal_amount_in_controversy"]["federal_court"]["amount"] == court
    assert answer["targeted_review_threshold"]["amount"] == "3000.00"
    assert (answer["coinsurance"]["percent"], answer["assistant_share"]["percent"]) == ("20", "85")
    assert answer["assistant_share"]["from_year"] == 2022 and answer["sequestration"]["percent"] == "2"


def test_appeal_deadlines_with_their_regulation() -> None:
    deadlines = {d["step"]: d for d in handle({"kind": "program", "year": 2025})["appeal_deadlines"]}
    assert deadlines["reopening"]["limit"] == "1 year"
    assert deadlines["reopening for good cause"]["limit"] == "4 years"
    expected = {
        "redetermination": (120, "405.942"),
        "reconsideration": (180, "405.962"),
        "ALJ hearing": (60, "405.1014"),
        "Medicare Appeals Council review": (60, "405.1102"),
        "federal court": (60, "405.1136"),
    }
    for step, (days, section) in expected.items():
        assert deadlines[step]["days"] == days and section in deadlines[step]["source"]["cite"]


def test_every_figure_has_a_source_with_title_url_and_cite() -> None:
    keys = set(DATA["sources"])
    used = {entry["source"] for year in DATA["years"].values() for entry in year.values()}
    used |= {entry["source"] for entry in DATA["every_year"].values()}
    used |= {d["source"] for d in DATA["appeal_deadlines"]}
    assert used <= keys and keys <= used  # no figure without a source, no unused source
    for found in DATA["sources"].values():
        assert found["title"] and found["url"].startswith("https://") and found["cite"]
    answer = handle({"kind": "program", "year": 2026})

    def sources(value: object) -> list[dict[str, str]]:
        if isinstance(value, dict):
            own = [value["source"]] if isinstance(value.get("source"), dict) else []
            return own + [s for v in value.values() for s in sources(v)]
        if isinstance(value, list):
            return [s for v in value for s in sources(v)]
        return []

    assert len(sources(answer)) >= 14 and all(s["cite"] for s in sources(answer))


def test_money_is_text_with_cents() -> None:
    for year in program_years():
        for entry in DATA["years"][str(year)].values():
            for key, value in entry.items():
                if key != "source":
                    assert isinstance(value, str) and Decimal(value) == Decimal(value).quantize(
                        Decimal("0.01")
                    )


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        ({"kind": "program"}, "year"),
        ({"kind": "program", "year": 2019}, "year"),
        ({"kind": "program", "year": "twenty"}, "year"),
        ({"kind": "program", "date_of_service": "2025-13-01"}, "date_of_service"),
    ],
)
def test_program_junk(request_: dict[str, object], field: str) -> None:
    answer = handle(request_)
    assert answer["ok"] is False and [e["field"] for e in answer["errors"]] == [field]


def test_fees_read_the_shares_from_the_program_data() -> None:
    # One place: no percentage constant left in fees.py, and the answer follows the data.
    tree = ast.parse((CALC_DIR / "fees.py").read_text(encoding="utf-8"))
    constants = {
        t.id
        for node in ast.walk(tree)
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(t, ast.Name)
    }
    assert not constants & {"COINSURANCE", "SEQUESTRATION", "ASSISTANT_SHARE"}
    assert share("coinsurance_percent") == Decimal("0.20")
    shares = medicare_shares(Decimal("100.00"), [])
    assert shares["coinsurance"] == "20.00" and shares["sequestration"] == "1.60"
