"""Kind "visit": table-driven cases worked by hand from the CMS rows, properties, junk.

The hand figures (RVU25D, GPCI2025 locality 10112-00 Alabama: work 1.000, PE 0.869, MP 0.575;
CF 32.3465; non-facility PE):

  code   W     PE    MP    full unit                               PE halved (MPPR)
  97110  0.45  0.43  0.01  (0.45+0.43x0.869+0.01x0.575)xCF = 26.83  (0.45+0.215x0.869+0.00575)xCF = 20.79
  97140  0.43  0.40  0.01  0.78335 x CF = 25.34                     0.60955 x CF = 19.72
  97161  1.54  1.45  0.04  2.82305 x CF = 91.32                     70.94
  97530  0.44  0.62  0.01  31.85                                    23.13

PE payment per unit (PE x 0.869 x CF): 97161 40.76 > 97530 17.43 > 97110 12.09 > 97140 11.24, so
the visit's one full-PE unit is 97161's when it is billed (Pub. 100-04 ch. 5 §10.7).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc import handle
from calc.rules import Timed15Rule, UntimedRule, default_rules

GP = ["GP"]
EXAMPLE = [
    {"code": "97110", "minutes": 38, "modifiers": GP},
    {"code": "97140", "minutes": 15, "modifiers": GP},
    {"code": "97161", "modifiers": GP},
    {"code": "97530", "minutes": 6, "modifiers": GP},
]


def visit(services: list[dict[str, object]], **fields: object) -> dict[str, object]:
    request = {"kind": "visit", "year": 2025, "locality": "10112-00", "method": "cms", "services": services}
    answer = handle({**request, **fields})
    assert answer["ok"] is True, answer
    return answer


def lines_of(answer: dict[str, object]) -> list[tuple[str, int, str | None]]:
    return [(x["code"], x["units"], x["allowed"]) for x in answer["lines"]]


def rules_of(answer: dict[str, object]) -> list[tuple[str, str]]:
    return [(f["rule"], f["code"]) for f in answer["findings"]]


def test_the_example_visit_by_hand() -> None:
    # 38 + 15 + 6 = 59 timed minutes = 4 units: full units 97110 x2, 97140 x1; the leftover
    # unit goes to 97110 (8 remaining minutes beat 97530's 6); 97530 bills nothing.
    # MPPR: 97161's unit keeps the full PE; every other unit has its PE halved.
    answer = visit(EXAMPLE)
    assert lines_of(answer) == [
        ("97110", 3, "62.37"),  # 3 x 20.79
        ("97140", 1, "19.72"),
        ("97161", 1, "91.32"),
        ("97530", 0, "0.00"),
    ]
    assert answer["totals"] == {
        "allowed": "173.41",
        "deductible": "0.00",  # not given: assumed met (a step says so)
        "coinsurance": "34.68",  # 20% of 173.41 = 34.682
        "medicare_payment": "135.96",  # 173.41 - 34.68 = 138.73, less 2% (2.77)
        "sequestration": "2.77",
        "patient_owes": "34.68",
    }
    assert answer["findings"] == []
    assert answer["kx"]["pt_slp"] == {
        "threshold": "2410.00",
        "before": "0.00",
        "this_visit": "173.41",
        "after": "173.41",
        "kx_lines": [],
    }
    assert answer["lines"][2]["minutes"] is None  # 97161 was given without minutes
    assert "NCCI procedure-to-procedure pairs: no edit file is loaded" in answer["not_checked"]


def test_the_example_visit_with_the_deductible_left() -> None:
    # 173.41 allowed; 100.00 of the deductible left: 100.00 deductible, 20% of 73.41 = 14.68,
    # Medicare 58.73 less 2% (1.17) = 57.56; the patient owes 114.68.
    totals = visit(EXAMPLE, deductible_remaining="100.00")["totals"]
    assert (totals["deductible"], totals["coinsurance"], totals["sequestration"]) == (
        "100.00",
        "14.68",
        "1.17",
    )
    assert (totals["medicare_payment"], totals["patient_owes"]) == ("57.56", "114.68")


def test_cq_pays_85_percent_of_each_reduced_unit() -> None:
    # 97110 38 min alone: 3 units; with 97161 its units are all PE-halved: 20.79 x 0.85 =
    # 17.6715 -> 17.67 each, 53.01; 97161 91.32; total 144.33.
    answer = visit(
        [{"code": "97110", "minutes": 38, "modifiers": ["GP", "CQ"]}, {"code": "97161", "modifiers": GP}]
    )
    assert lines_of(answer) == [("97110", 3, "53.01"), ("97161", 1, "91.32")]
    assert answer["lines"][0]["unit_amounts"] == ["17.67", "17.67", "17.67"]
    assert answer["totals"]["allowed"] == "144.33"


def test_crossing_the_kx_threshold_names_the_lines_that_need_kx() -> None:
    # 2,300.00 so far; running: +62.37 = 2362.37, +19.72 = 2382.09 (under 2,410), +91.32 =
    # 2473.41: 97161's line passes the threshold and must carry KX.
    answer = visit(EXAMPLE, therapy_ytd={"pt_slp": "2300.00", "ot": "0.00"})
    assert answer["kx"]["pt_slp"]["after"] == "2473.41"
    assert answer["kx"]["pt_slp"]["kx_lines"] == ["97161"]
    assert rules_of(answer) == [("kx_required", "97161")]
    with_kx = [dict(s, modifiers=["GP", "KX"]) if s["code"] == "97161" else s for s in EXAMPLE]
    assert rules_of(visit(with_kx, therapy_ytd={"pt_slp": "2300.00"})) == []
    # OT amounts do not count toward PT and SLP (GO lines count apart).
    ot = [dict(s, modifiers=["GO"]) for s in EXAMPLE]
    answer = visit(ot, therapy_ytd={"pt_slp": "2300.00", "ot": "0.00"})
    assert answer["kx"]["ot"]["after"] == "173.41" and answer["findings"] == []


def test_past_the_review_threshold_is_a_warning() -> None:
    answer = visit(EXAMPLE, therapy_ytd={"pt_slp": "2950.00"})
    assert ("targeted_review", "") in rules_of(answer)
    assert [c for r, c in rules_of(answer) if r == "kx_required"] == ["97110", "97140", "97161"]


def test_work_hardening_at_an_hourly_flat_rate() -> None:
    # 4 h 20 min = 260 minutes: the 2-hour block (97545 x 1) and 140 minutes past it: 2 whole
    # hours (97546 x 2; the last 20 minutes do not count). $75 an hour: 150.00 + 2 x 75.00.
    payer = {"type": "flat_rate", "hourly_rates": {"97545": "75.00"}}
    answer = visit([{"code": "97545", "minutes": "4h20m", "modifiers": GP}], payer=payer)
    assert lines_of(answer) == [("97545", 1, "150.00"), ("97546", 2, "150.00")]
    assert answer["totals"]["allowed"] == "300.00"
    assert answer["totals"]["coinsurance"] is None and answer["kx"] is None
    # Only the figures the payer model uses: no locality, conversion factor or GPCI step.
    assert answer["locality"] is None and answer["conversion_factor"] is None and answer["mppr"] is False
    assert not [s for s in answer["steps"] if "GPCI" in s["label"] or "conversion factor" in s["label"]]
    per_unit = {"type": "flat_rate", "rates": {"97545": "150.00", "97546": "75.00"}}
    same = visit([{"code": "97546", "minutes": "4:20", "modifiers": GP}], payer=per_unit)
    assert lines_of(same) == lines_of(answer)


def test_the_per_code_method() -> None:
    # 33 min 97110 + 7 min 97140. CMS: 40 minutes = 3 units, 97110 x2 (26.83 + 20.79) and
    # 97140 x1 (19.72) = 67.34. AMA: each code alone, 7 minutes bill nothing: 47.62.
    services = [
        {"code": "97110", "minutes": 33, "modifiers": GP},
        {"code": "97140", "minutes": 7, "modifiers": GP},
    ]
    assert lines_of(visit(services)) == [("97110", 2, "47.62"), ("97140", 1, "19.72")]
    assert visit(services)["totals"]["allowed"] == "67.34"
    ama = visit(services, method="ama")
    assert lines_of(ama) == [("97110", 2, "47.62"), ("97140", 0, "0.00")]
    assert ama["totals"]["allowed"] == "47.62"


def test_mppr_off_for_a_contract_payer() -> None:
    # Contract CF 40.00 without the reduction: 97110 x3 = 3 x (0.82942 x 40) = 3 x 33.18.
    payer = {"type": "contract_cf", "conversion_factor": "40.00", "mppr": False}
    answer = visit([{"code": "97110", "minutes": 38, "modifiers": GP}], payer=payer)
    assert answer["lines"][0]["unit_amounts"] == ["33.18"] * 3 and answer["mppr"] is False


def test_the_visit_answer_carries_its_csv() -> None:
    rows = visit(EXAMPLE)["csv"].splitlines()
    assert rows[:2] == ["code,modifiers,minutes,units,allowed", "97110,GP,38,3,62.37"]
    assert "allowed,173.41" in rows and "patient_owes,34.68" in rows


def test_therapy_code_without_a_plan_modifier_is_a_finding() -> None:
    answer = visit(
        [{"code": "97110", "minutes": 30}, {"code": "97140", "minutes": 15, "modifiers": ["GP", "GO"]}]
    )
    assert rules_of(answer) == [("therapy_modifier_missing", "97110"), ("therapy_modifier_conflict", "97140")]
    assert answer["kx"]["pt_slp"]["this_visit"] == "0.00"  # lines without one plan count toward neither


# --- properties ----------------------------------------------------------------------------

RULES = default_rules()
TIMED = sorted(c for c, r in RULES.items() if isinstance(r, Timed15Rule))
UNTIMED = sorted(c for c, r in RULES.items() if isinstance(r, UntimedRule) and c not in ("97010", "97014"))
services_strategy = st.lists(
    st.tuples(st.sampled_from(TIMED), st.integers(0, 90)), min_size=1, max_size=5, unique_by=lambda t: t[0]
)


def as_services(pairs: list[tuple[str, int]]) -> list[dict[str, object]]:
    return [{"code": code, "minutes": minutes, "modifiers": GP} for code, minutes in pairs]


@settings(max_examples=40, deadline=None)
@given(services_strategy, st.sampled_from(["cms", "ama"]))
def test_allowed_total_is_the_sum_of_the_lines(pairs: list[tuple[str, int]], method: str) -> None:
    answer = visit(as_services(pairs), method=method)
    total = sum((Decimal(x["allowed"]) for x in answer["lines"] if x["allowed"]), Decimal(0))
    expected = answer["totals"]["allowed"]
    assert (f"{total:.2f}" if any(x["units"] for x in answer["lines"]) else "0.00") == expected


@settings(max_examples=40, deadline=None)
@given(services_strategy, st.sampled_from(["cms", "ama"]))
def test_visit_units_are_the_units_kinds(pairs: list[tuple[str, int]], method: str) -> None:
    answer = visit(as_services(pairs), method=method)
    units = handle(
        {"kind": "units", "method": method, "services": [{"code": c, "minutes": m} for c, m in pairs]}
    )
    assert [(x["code"], x["units"]) for x in answer["lines"]] == [
        (x["code"], x["units"]) for x in units["lines"]
    ]


@settings(max_examples=40, deadline=None)
@given(
    services_strategy,
    st.one_of(
        st.tuples(st.sampled_from(UNTIMED), st.just(0)),
        st.tuples(st.sampled_from(TIMED), st.sampled_from([15, 30, 45, 60])),
    ),
)
def test_adding_a_service_never_lowers_the_allowed_total(
    pairs: list[tuple[str, int]], extra: tuple[str, int]
) -> None:
    """Adding an untimed code, or a timed code for whole 15-minute units, never lowers the
    Medicare allowed total. (Not every addition: under the CMS total-time method a few
    leftover minutes of a new code can take the day's leftover unit from a better-paid code,
    e.g. 10 min of 97530 alone is 1 unit, with 12 min of 97110 the one unit goes to 97110.)"""
    if extra[0] in {c for c, _ in pairs}:
        return
    before = Decimal(visit(as_services(pairs))["totals"]["allowed"] or "0")
    after = Decimal(visit(as_services([*pairs, extra]))["totals"]["allowed"] or "0")
    assert after >= before


def test_the_documented_exception_to_adding_a_service() -> None:
    alone = visit(as_services([("97530", 10)]))["totals"]["allowed"]
    both = visit(as_services([("97530", 10), ("97110", 12)]))
    assert [(x["code"], x["units"]) for x in both["lines"]] == [("97530", 0), ("97110", 1)]
    assert Decimal(both["totals"]["allowed"]) < Decimal(alone)


# --- junk ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"services": []}, "services"),
        ({"services": "97110"}, "services"),
        ({"services": [{"code": "97110", "minutes": 10, "modifiers": ["XX"]}]}, "services[0].modifiers"),
        ({"services": [{"code": "97110", "minutes": 10, "modifiers": ["ＧＰ"]}]}, "services[0].modifiers"),
        ({"services": [{"code": "97110", "modifiers": GP}]}, "services[0].minutes"),
        ({"services": [{"code": "97110", "minutes": 30, "units": 2}]}, "services[0].units"),
        ({"services": [{"code": "97161", "units": 2}]}, "services[0].units"),
        ({"services": [{"code": "97110", "minutes": "4:75"}]}, "services[0].minutes"),
        ({"services": [{"code": "99999", "minutes": 10}]}, "services[0].code"),
        ({"services": [{"code": "97110", "minutes": 10}] * 51}, "services"),
        ({"therapy_ytd": {"pt": "1.00"}}, "therapy_ytd"),
        ({"therapy_ytd": {"pt_slp": 1200.0}}, "therapy_ytd.pt_slp"),
        ({"deductible_remaining": 257.0}, "deductible_remaining"),
        ({"payer": {"type": "medicare", "mppr": False}}, "payer.mppr"),
        ({"payer": {"type": "flat_rate", "hourly_rates": {"97161": "75.00"}}}, "payer.hourly_rates.97161"),
        ({"payer": {"type": "contract_cf", "conversion_factor": "40", "mppr": "no"}}, "payer.mppr"),
        ({"locality": "10112"}, "locality"),
        ({"year": 2024}, "year"),
        ({"method": "medicare"}, "method"),
    ],
)
def test_visit_junk(changes: dict[str, object], field: str) -> None:
    request = {"kind": "visit", "year": 2025, "locality": "10112-00", "services": EXAMPLE, **changes}
    answer = handle(request)
    assert answer["ok"] is False and answer["kind"] == "visit"
    assert field in [e["field"] for e in answer["errors"]], answer["errors"]


def test_a_visit_of_codes_billed_by_count() -> None:
    # 99213 has no unit rule here: billed by count as given, priced, no therapy modifier needed.
    answer = visit([{"code": "99213", "units": 1}, {"code": "97110", "minutes": 15, "modifiers": GP}])
    assert [(x["code"], x["units"], x["rule"]) for x in answer["lines"]] == [
        ("99213", 1, "count"),
        ("97110", 1, "timed_15"),
    ]
    assert answer["findings"] == []
