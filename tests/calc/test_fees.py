"""Fee amounts computed by hand from the RVU and GPCI rows (arithmetic in the comments).

Rows used (RVU25D, CF 32.3465):            work   PE non-fac  PE fac   MP    MULT PROC
    97110 (status A)                       0.45   0.43        0.43     0.01  5
    97140 (status A)                       0.43   0.40        0.40     0.01  5
    99213 (status A)                       1.30   1.35        0.57     0.10  0
GPCI2025 (work, PE, MP):
    10112-00 ALABAMA                       1      0.869       0.575
    01112-05 SAN FRANCISCO (SF/SM/ALA/CC)  1.088  1.419       0.445
    05302-99 REST OF MISSOURI              1      0.859       0.974
"""

from __future__ import annotations

import pytest

from calc import handle


def fee(lines, locality="national", setting="non_facility", year=2025, **extra):
    request = {"kind": "fee", "year": year, "locality": locality, "setting": setting, "lines": lines, **extra}
    answer = handle(request)
    assert answer["ok"], answer
    return answer


def one(code, units=1, modifiers=None, **kw):
    return fee([{"code": code, "units": units, "modifiers": modifiers or []}], **kw)["lines"][0]


@pytest.mark.parametrize(
    ("code", "locality", "setting", "expected"),
    [
        # national: (0.45 + 0.43 + 0.01) x 32.3465 = 0.89 x 32.3465 = 28.788 -> 28.79
        ("97110", "national", "non_facility", "28.79"),
        # (0.43 + 0.40 + 0.01) x 32.3465 = 0.84 x 32.3465 = 27.171 -> 27.17
        ("97140", "national", "non_facility", "27.17"),
        # 99213 national: non-fac (1.30 + 1.35 + 0.10) = 2.75 x 32.3465 = 88.953 -> 88.95
        ("99213", "national", "non_facility", "88.95"),
        # facility (1.30 + 0.57 + 0.10) = 1.97 x 32.3465 = 63.722 -> 63.72
        ("99213", "national", "facility", "63.72"),
        # Alabama: 0.45x1 + 0.43x0.869 + 0.01x0.575 = 0.82942 x 32.3465 = 26.829 -> 26.83
        ("97110", "10112-00", "non_facility", "26.83"),
        # 0.43x1 + 0.40x0.869 + 0.01x0.575 = 0.78335 x 32.3465 = 25.339 -> 25.34
        ("97140", "10112-00", "non_facility", "25.34"),
        # 1.30x1 + 1.35x0.869 + 0.10x0.575 = 2.53065 x 32.3465 = 81.858 -> 81.86
        ("99213", "10112-00", "non_facility", "81.86"),
        # 1.30x1 + 0.57x0.869 + 0.10x0.575 = 1.85283 x 32.3465 = 59.933 -> 59.93
        ("99213", "10112-00", "facility", "59.93"),
        # San Francisco: 0.45x1.088 + 0.43x1.419 + 0.01x0.445 = 1.10422 x 32.3465 = 35.718 -> 35.72
        ("97110", "01112-05", "non_facility", "35.72"),
        ("97110", "01112-05", "facility", "35.72"),  # PE fac = PE non-fac for 97110
        # 1.30x1.088 + 1.35x1.419 + 0.10x0.445 = 3.37455 x 32.3465 = 109.154 -> 109.15
        ("99213", "01112-05", "non_facility", "109.15"),
        # 1.30x1.088 + 0.57x1.419 + 0.10x0.445 = 2.26773 x 32.3465 = 73.353 -> 73.35
        ("99213", "01112-05", "facility", "73.35"),
        # Rest of Missouri: 0.45 + 0.43x0.859 + 0.01x0.974 = 0.82911 x 32.3465 = 26.819 -> 26.82
        ("97110", "05302-99", "non_facility", "26.82"),
        # 1.30 + 0.57x0.859 + 0.10x0.974 = 1.88703 x 32.3465 = 61.039 -> 61.04
        ("99213", "05302-99", "facility", "61.04"),
    ],
)
def test_one_unit_by_hand(code, locality, setting, expected):
    line = one(code, locality=locality, setting=setting)
    assert line["allowed"] == expected and line["unit_amounts"] == [expected]


def test_design_example_97110_x2_alabama_totals():
    answer = fee([{"code": "97110", "units": 2, "modifiers": ["GP"]}], locality="10112-00")
    # unit 1 full 26.83; unit 2 PE halved: 0.45 + 0.5x0.43x0.869 + 0.00575 = 0.642585 x 32.3465 = 20.785 -> 20.79
    assert answer["lines"][0]["unit_amounts"] == ["26.83", "20.79"]
    assert answer["totals"] == {
        "allowed": "47.62",
        "coinsurance": "9.52",  # 20% of 47.62 = 9.524 (the fee kind assumes the deductible met)
        "sequestration": "0.76",  # 2% of (47.62 - 9.52 = 38.10) = 0.762
        "medicare_payment": "37.34",  # 38.10 - 0.76
        "limiting_charge": "52.02",  # 47.62 x 0.95 x 1.15 = 52.025 (rounded once)
    }
    assert answer["release"] == {"rvu": "RVU25D", "gpci": "GPCI2025", "released": "2025-09-11"}
    assert answer["locality"] == {"id": "10112-00", "name": "ALABAMA", "state": "AL"}
    assert answer["conversion_factor"] == "32.3465"
    assert all(set(s) == {"label", "inputs", "value"} for s in answer["steps"])
    assert any("Deductible" in s["label"] for s in answer["steps"])


def test_mppr_across_two_codes_highest_pe_unit_paid_in_full():
    # Alabama. PE payment per unit: 97110 0.43x0.869 > 97140 0.40x0.869: 97110's first unit is full.
    # 97140 reduced: 0.43 + 0.5x0.40x0.869 + 0.00575 = 0.60955 x 32.3465 = 19.717 -> 19.72
    answer = fee([{"code": "97140", "units": 1}, {"code": "97110", "units": 2}], locality="10112-00")
    l140, l110 = answer["lines"]
    assert l140["unit_amounts"] == ["19.72"] and l140["allowed"] == "19.72"
    assert l110["unit_amounts"] == ["26.83", "20.79"] and l110["allowed"] == "47.62"
    assert answer["totals"]["allowed"] == "67.34"


def test_mppr_national_two_codes():
    # 97110 full 28.79; 97140 reduced: 0.43 + 0.5x0.40 + 0.01 = 0.64 x 32.3465 = 20.702 -> 20.70
    answer = fee([{"code": "97110", "units": 1}, {"code": "97140", "units": 1}])
    assert [ln["allowed"] for ln in answer["lines"]] == ["28.79", "20.70"]


def test_indicator_0_never_reduced():
    # 99213 (MULT PROC 0) twice, national: 88.95 each; with 97110 x2 MPPR only touches 97110
    answer = fee([{"code": "99213", "units": 2}, {"code": "97110", "units": 2}])
    assert answer["lines"][0]["unit_amounts"] == ["88.95", "88.95"]
    # 97110 national reduced: 0.45 + 0.5x0.43 + 0.01 = 0.675 x 32.3465 = 21.834 -> 21.83
    assert answer["lines"][1]["unit_amounts"] == ["28.79", "21.83"]


def test_cq_85_percent_of_each_unit_after_mppr():
    # Alabama 97110 x2 CQ: 26.83 x 0.85 = 22.8055 -> 22.81; 20.79 x 0.85 = 17.6715 -> 17.67
    line = one("97110", 2, ["GP", "CQ"], locality="10112-00")
    assert line["unit_amounts"] == ["22.81", "17.67"] and line["allowed"] == "40.48"


def test_co_modifier_same_rule():
    # national 97140: 27.17 x 0.85 = 23.0945 -> 23.09
    assert one("97140", 1, ["GO", "CO"])["allowed"] == "23.09"


def test_status_r_with_rvus_is_priced():
    # 97026 status R, RVUs present: (0.06 + 0.14 + 0.01) = 0.21 x 32.3465 = 6.7928 -> 6.79
    line = one("97026")
    assert (line["status"], line["allowed"]) == ("R", "6.79")


@pytest.mark.parametrize("code", ["97545", "97546"])
def test_status_r_without_rvus_has_no_price_and_says_why(code):
    line = one(code)
    assert line["status"] == "R" and line["allowed"] is None and line["unit_amounts"] == []
    assert "MAC" in line["reason"] and "0.00" not in str(line)


def test_status_b_with_rvus_not_priced():
    line = one("97010")  # RVU file carries 0.20 total RVUs, but status B: bundled
    assert line["allowed"] is None and "bundled" in line["status_meaning"].lower()


def test_status_i_names_the_code_medicare_uses():
    line = one("97014")
    assert line["allowed"] is None and "G0283" in line["reason"]
    # G0283: (0.18 + 0.19 + 0.01) = 0.38 x 32.3465 = 12.2917 -> 12.29
    assert one("G0283")["allowed"] == "12.29"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("0042T", "C"),
        ("0469T", "N"),
        ("32850", "X"),
        ("90296", "E"),
        ("00100", "J"),
        ("0500F", "M"),
        ("A4211", "P"),
    ],
)
def test_statuses_without_price(code, status):
    answer = fee([{"code": code, "units": 1}])
    line = answer["lines"][0]
    assert line["status"] == status and line["allowed"] is None and line["reason"]
    assert answer["totals"]["allowed"] is None
    assert any(code in w for w in answer["warnings"])


def test_status_t_priced_with_warning():
    # 36591 (status T): (0.00 + 0.82 + 0.01) = 0.83 x 32.3465 = 26.8476 -> 26.85
    answer = fee([{"code": "36591", "units": 1}])
    assert answer["lines"][0]["allowed"] == "26.85"
    assert any("no other" in w for w in answer["warnings"])


def test_unpriced_line_left_out_of_totals():
    answer = fee([{"code": "97110", "units": 1}, {"code": "97546", "units": 2}])
    assert answer["totals"]["allowed"] == "28.79"


def test_professional_component_modifier_26_uses_its_row():
    # 71046-26: (0.22 + 0.08 + 0.01) = 0.31 x 32.3465 = 10.0274 -> 10.03
    assert one("71046", 1, ["26"])["allowed"] == "10.03"


def test_2026_national_non_qp_and_qp():
    # RVU26C 97110: 0.45 + 0.41 + 0.01 = 0.87; x 33.4009 = 29.0588 -> 29.06; x 33.5675 = 29.2037 -> 29.20
    assert one("97110", year=2026)["allowed"] == "29.06"
    assert one("97110", year=2026, apm="qp")["allowed"] == "29.20"
    assert fee([{"code": "97110"}], year=2026)["release"]["rvu"] == "RVU26C"


def test_2022_alabama():
    # RVU22A 97110 0.45/0.40/0.02; GPCI2022 AL 1/0.888/0.921: 0.45 + 0.3552 + 0.01842 = 0.82362 x 34.6062 = 28.502 -> 28.50
    assert one("97110", year=2022, locality="10112-00")["allowed"] == "28.50"


def test_zip_instead_of_locality():
    answer = handle({"kind": "fee", "year": 2025, "zip": "35201", "lines": [{"code": "97110", "units": 1}]})
    assert answer["locality"]["id"] == "10112-00" and answer["lines"][0]["allowed"] == "26.83"


def test_percent_of_medicare():
    # 110% of each Alabama unit: 26.83 x 1.1 = 29.513 -> 29.51; 20.79 x 1.1 = 22.869 -> 22.87
    answer = fee(
        [{"code": "97110", "units": 2}],
        locality="10112-00",
        payer={"type": "percent_of_medicare", "percent": "110"},
    )
    assert answer["lines"][0]["unit_amounts"] == ["29.51", "22.87"]
    assert answer["totals"]["allowed"] == "52.38" and answer["totals"]["coinsurance"] is None


def test_contract_cf():
    # national 97110 at CF 40.00: 0.89 x 40 = 35.60; second unit 0.675 x 40 = 27.00
    answer = fee([{"code": "97110", "units": 2}], payer={"type": "contract_cf", "conversion_factor": "40.00"})
    assert answer["lines"][0]["unit_amounts"] == ["35.60", "27.00"]


def test_flat_rate_with_authorization_cap():
    answer = fee(
        [{"code": "97545", "units": 1}, {"code": "97546", "units": 3}],
        payer={
            "type": "flat_rate",
            "rates": {"97545": "150.00", "97546": "75.00"},
            "authorized_units": {"97546": 2},
        },
    )
    assert [ln["allowed"] for ln in answer["lines"]] == ["150.00", "150.00"]
    assert answer["totals"]["allowed"] == "300.00"
    assert any("only 2 authorized" in w for w in answer["warnings"])


def test_flat_rate_code_without_rate():
    answer = fee([{"code": "97110", "units": 1}], payer={"type": "flat_rate", "rates": {"97545": "150.00"}})
    assert answer["lines"][0]["allowed"] is None and "No flat rate" in answer["lines"][0]["reason"]


def test_2024_date_of_service_is_a_clear_error():
    answer = handle(
        {"kind": "fee", "date_of_service": "2024-03-09", "lines": [{"code": "97110", "units": 1}]}
    )
    assert not answer["ok"] and "2024" in answer["errors"][0]["message"]


def test_2026_locality_needs_the_gpci_file():
    answer = handle(
        {"kind": "fee", "year": 2026, "locality": "10112-00", "lines": [{"code": "97110", "units": 1}]}
    )
    assert not answer["ok"]
    assert (
        answer["errors"][0]["field"] == "locality"
        and "only national" in answer["errors"][0]["message"].lower()
    )


# --------------------------------------------------------------------------- RVUs and global period


def test_rvus_of_97110_as_the_cms_row_lists_them():
    # RVU25D row 97110: WORK 0.45, NON-FAC PE 0.43, FAC PE 0.43 (NA), MP 0.01,
    # TOTAL NON-FACILITY 0.89, TOTAL FACILITY 0.89, GLOB DAYS XXX.
    for setting in ("non_facility", "facility"):
        line = one("97110", setting=setting)
        assert line["rvus"] == {"work": "0.45", "pe": "0.43", "mp": "0.01", "total": "0.89"}
        assert line["global_period"] == "XXX" and "does not apply" in line["global_meaning"]


def test_rvus_pe_follows_the_setting():
    # 99213: non-facility 1.30 + 1.35 + 0.10 = 2.75; facility 1.30 + 0.57 + 0.10 = 1.97
    assert one("99213")["rvus"] == {"work": "1.30", "pe": "1.35", "mp": "0.10", "total": "2.75"}
    assert one("99213", setting="facility")["rvus"]["total"] == "1.97"


def test_rvus_null_when_the_file_carries_none_and_kept_for_unpriced_rows_that_have_them():
    line = one("97546")
    assert line["rvus"] is None and line["global_period"] == "ZZZ" and "Add-on" in line["global_meaning"]
    # 97010 status B: 0.06 + 0.13 + 0.01 = 0.20, published but not used for payment
    bundled = one("97010")
    assert bundled["rvus"]["total"] == "0.20" and bundled["allowed"] is None


@pytest.mark.parametrize(
    ("code", "label", "reason_label"),
    [
        ("97110", "Paid separately", None),
        ("97010", "Bundled", "Not paid separately"),
        ("97014", "Not valid for Medicare (use G0283)", "Not paid separately"),
        ("97546", "Restricted: no national amount", "No national amount"),
        ("97026", "Restricted: paid where covered", None),
    ],
)
def test_short_labels_for_tables(code, label, reason_label):
    line = one(code)
    assert (line["status_label"], line["reason_label"]) == (label, reason_label)


def test_flat_rate_without_rate_has_its_own_short_label():
    answer = fee([{"code": "97110", "units": 1}], payer={"type": "flat_rate", "rates": {"97545": "150.00"}})
    assert answer["lines"][0]["reason_label"] == "No rate given"


@pytest.mark.parametrize(
    ("code", "setting", "facility_na", "expected", "warned"),
    [
        # RVU25D 97110: work 0.45, PE non-fac 0.43, PE fac 0.43 flagged NA, MP 0.01; 10112-00
        # GPCIs 1 / 0.869 / 0.575: 0.45 + 0.43x0.869 + 0.01x0.575 = 0.82942 x 32.3465 = 26.829
        # -> 26.83, priced at the non-facility PE, with the one facility-NA warning.
        ("97110", "facility", True, "26.83", True),
        ("97110", "non_facility", False, "26.83", False),
        # 99213 has a facility PE (0.57, no NA): 59.93 as above, no warning.
        ("99213", "facility", False, "59.93", False),
    ],
)
def test_facility_na_flag_amount_and_warning(code, setting, facility_na, expected, warned):
    answer = fee([{"code": code, "units": 1}], locality="10112-00", setting=setting)
    line = answer["lines"][0]
    assert (line["facility_na"], line["allowed"]) == (facility_na, expected)
    na_warnings = [w for w in answer["warnings"] if w.startswith("CMS lists no facility price")]
    assert len(na_warnings) == (1 if warned else 0)
    assert not any("does not normally expect" in w for w in answer["warnings"])


def test_facility_na_warns_once_for_several_codes():
    answer = fee([{"code": "97110", "units": 2}, {"code": "97140", "units": 1}], setting="facility")
    na_warnings = [w for w in answer["warnings"] if w.startswith("CMS lists no facility price")]
    assert na_warnings == [na_warnings[0]] and "97110, 97140" in na_warnings[0]
    assert "Pub" not in na_warnings[0] and "private practice" in na_warnings[0]


def test_facility_na_prices_the_non_facility_pe_not_the_facility_column():
    """97110's two PE columns are equal, so a made-up facility PE of 0.10 under NA proves the
    NA branch prices the non-facility PE: (0.45 + 0.43 + 0.01) x 32.3465 = 28.79 national."""
    from dataclasses import replace
    from decimal import Decimal

    from calc.fees import pe_setting, unit_amount
    from calc.schedule import get_release

    release = get_release(2025)
    row = replace(release.row("97110"), pe_facility=Decimal("0.10"))
    setting = pe_setting(row, "facility")
    assert unit_amount(row, release.locality("national"), setting, Decimal("32.3465")) == Decimal("28.79")
