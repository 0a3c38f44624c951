"""Property tests: MPPR never raises a payment; handle answers any JSON-like input."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from calc import handle
from calc.fees import unit_amount
from calc.schedule import get_release

THERAPY = ["97110", "97140", "97530", "97112", "97116", "97161", "97026", "99213", "97546", "97014"]
LOCALITIES = ["national", "10112-00", "01112-05", "05302-99", "02102-01"]

lines = st.lists(
    st.fixed_dictionaries(
        {
            "code": st.sampled_from(THERAPY),
            "units": st.integers(1, 6),
            "modifiers": st.sampled_from([[], ["GP"], ["CQ"], ["GO", "CO"]]),
        }
    ),
    min_size=1,
    max_size=5,
)


def fee(request_lines, locality, setting):
    answer = handle(
        {"kind": "fee", "year": 2025, "locality": locality, "setting": setting, "lines": request_lines}
    )
    assert answer["ok"], answer
    return answer


@settings(max_examples=60, deadline=None)
@given(lines, st.sampled_from(LOCALITIES), st.sampled_from(["facility", "non_facility"]))
def test_mppr_never_raises_a_payment(request_lines, locality, setting):
    """Every unit amount is at most what the unit would be paid alone (same modifiers)."""
    answer = fee(request_lines, locality, setting)
    for line in answer["lines"]:
        alone = fee([{"code": line["code"], "units": 1, "modifiers": line["modifiers"]}], locality, setting)
        single = alone["lines"][0]["allowed"]
        for amount in line["unit_amounts"]:
            assert Decimal(amount) <= Decimal(single)
        if line["allowed"] is not None:
            assert Decimal(line["allowed"]) <= Decimal(single) * line["units"]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(THERAPY), st.sampled_from(LOCALITIES), st.sampled_from(["facility", "non_facility"]))
def test_reduced_unit_never_exceeds_full(code, locality, setting):
    release = get_release(2025)
    row, loc, cf = release.row(code), release.locality(locality), Decimal("32.3465")
    assert unit_amount(row, loc, setting, cf, reduced_pe=True) <= unit_amount(row, loc, setting, cf)


json_scalars = (
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=True) | st.text(max_size=8)
)
json_like = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
kinds = st.sampled_from(["units", "fee", "check", "localities", "zip", "other"])
field_values = st.one_of(
    json_like,
    st.sampled_from(["97110", "97546", "national", "10112-00", "35201", "cms", "ama", "2025-03-09"]),
    st.integers(2020, 2027),
    st.lists(
        st.dictionaries(
            st.sampled_from(["code", "units", "minutes", "modifiers"]),
            json_like | st.sampled_from(["97110", "97545", 2, "3"]),
            max_size=4,
        ),
        max_size=3,
    ),
)
requests = st.one_of(
    json_like,
    st.dictionaries(
        st.sampled_from(
            [
                "kind",
                "year",
                "locality",
                "setting",
                "lines",
                "services",
                "payer",
                "apm",
                "zip",
                "method",
                "date_of_service",
                "authorized_units",
            ]
        ),
        field_values,
        max_size=8,
    ).flatmap(lambda d: kinds.map(lambda k: {**d, "kind": k})),
)


@settings(max_examples=500, deadline=None)
@given(requests)
def test_handle_answers_every_request_without_raising(request):
    answer = handle(request)
    assert answer["ok"] in (True, False)
    assert isinstance(answer["steps"], list) and isinstance(answer["warnings"], list)
    if not answer["ok"]:
        assert answer["errors"] and all(isinstance(e["message"], str) for e in answer["errors"])
        # bad input is answered as bad input, not by the last-resort internal-error answer
        assert not any("could not answer" in e["message"] for e in answer["errors"]), (request, answer)
    json.dumps(answer)  # always serialisable
