"""Properties of the units calculator that must hold for every visit, not only the examples."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from calc.errors import InputError
from calc.rules import Timed15Rule, default_rules
from calc.units import MINUTES_IN_A_DAY, UnitsResult, compute_units, units_for_minutes

RULES = default_rules()
TIMED = sorted(code for code, rule in RULES.items() if isinstance(rule, Timed15Rule))
ALL_CODES = sorted(RULES)
METHODS = st.sampled_from(["cms", "ama"])

# A visit: distinct codes (any rule), minutes small enough that the day's one-on-one time
# stays under 24 hours.
visits = st.lists(
    st.tuples(st.sampled_from(ALL_CODES), st.integers(min_value=0, max_value=200)),
    min_size=1,
    max_size=6,
    unique_by=lambda service: service[0],
).filter(lambda v: not {"97545", "97546"} <= {code for code, _ in v})

timed_visits = st.lists(
    st.tuples(st.sampled_from(TIMED), st.integers(min_value=0, max_value=200)),
    min_size=1,
    max_size=6,
    unique_by=lambda service: service[0],
)


def total_units(result: UnitsResult) -> int:
    return sum(line.units for line in result.lines)


@given(visits, METHODS, st.data())
def test_units_never_decrease_as_one_service_grows(
    visit: list[tuple[str, int]], method: str, data: st.DataObject
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(visit) - 1))
    extra = data.draw(st.integers(min_value=1, max_value=120))
    longer = list(visit)
    code, minutes = longer[index]
    longer[index] = (code, minutes + extra)
    assert total_units(compute_units(longer, method)) >= total_units(compute_units(visit, method))


@given(timed_visits)
def test_cms_bills_exactly_what_the_day_s_minutes_allow(visit: list[tuple[str, int]]) -> None:
    result = compute_units(visit, "cms")
    total = sum(minutes for _, minutes in visit)
    assert total_units(result) == units_for_minutes(total) == result.totals.timed_units
    assert result.totals.timed_minutes == total
    # Never more than one unit per started 15 minutes a service actually had.
    for line in result.lines:
        assert line.units <= line.minutes // 15 + 1
        assert line.units >= line.minutes // 15  # full units always kept


@given(timed_visits)
def test_cms_never_bills_more_than_the_total_minutes_allow(visit: list[tuple[str, int]]) -> None:
    # Whatever the split between codes, the day's units stay within the chart for the day's
    # total minutes, and never above the per-code (AMA) sum plus what short services combine.
    cms = compute_units(visit, "cms")
    ama = compute_units(visit, "ama")
    assert cms.totals.timed_units <= units_for_minutes(cms.totals.timed_minutes)
    assert cms.totals.timed_units <= ama.totals.timed_units + len(visit)


@given(visits, METHODS)
def test_line_units_sum_to_totals(visit: list[tuple[str, int]], method: str) -> None:
    result = compute_units(visit, method)
    totals = result.totals
    assert total_units(result) == totals.timed_units + totals.untimed_units + totals.hour_block_units
    assert all(line.units >= 0 for line in result.lines)
    answer = result.as_dict()
    assert answer["ok"] is True and answer["method"] == method


@given(visits, METHODS)
def test_answer_is_independent_of_order_for_units_totals(visit: list[tuple[str, int]], method: str) -> None:
    forward = compute_units(visit, method)
    backward = compute_units(list(reversed(visit)), method)
    assert forward.totals == backward.totals


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["33", " 8 ", "-1", "1e3", "33.5", "97110", "G0283", "g0283", "٣٣", "0x10"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
junk_service = st.one_of(
    junk,
    st.tuples(st.one_of(junk, st.sampled_from(ALL_CODES)), junk),
    st.fixed_dictionaries({"code": st.one_of(junk, st.sampled_from(ALL_CODES)), "minutes": junk}),
    st.fixed_dictionaries({}, optional={"code": st.sampled_from(ALL_CODES), "minutes": junk}),
)


@settings(max_examples=300)
@given(st.one_of(junk, st.lists(junk_service, max_size=5)), st.one_of(METHODS, junk))
def test_junk_input_raises_only_input_error(services: object, method: object) -> None:
    try:
        result = compute_units(services, method)
    except InputError as exc:
        assert exc.errors, "an InputError always lists at least one problem"
        for error in exc.errors:
            assert error.field == "method" or error.field.startswith("services")
            assert error.message
    else:
        assert total_units(result) >= 0
        assert result.totals.timed_minutes <= MINUTES_IN_A_DAY
