"""The schema and every cross-check, against good and deliberately broken content.

Each broken case in fixtures/<case>/ must give exactly its own errors: the file, the field
path and the problem in plain words.
"""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
from content_cases import FIXTURES, RELEASES, TODAY, build_case

from macros.content import imported_releases, load_content, validate_content
from macros.crosscheck import release_key
from macros.issues import ContentError, ContentIssue
from macros.model import CONFIDENCE_MEANINGS, CodeContent, unit_rules

# case -> [(file, field, words the message must contain)], in reported order.
EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    "yaml-syntax": [("97110.yaml", "", "not valid YAML")],
    "not-a-mapping": [("97110.yaml", "", "must be a mapping of fields")],
    "empty-file": [("97110.yaml", "", "the file is empty")],
    "duplicate-key": [("97110.yaml", "", "key 'name' is given twice (first on line 2)")],
    "unknown-field": [
        ("97545.yaml", "denials[0].appeal", "a denial needs how to appeal it"),
        ("97545.yaml", "denials[0].apeal", "unknown field (did you mean 'appeal'?)"),
    ],
    "code-mismatch": [("97110.yaml", "code", "file is named 97110.yaml")],
    "bad-code-format": [
        ("97110.yaml", "related[0]", "'9711' is not a HCPCS code"),
        ("97110.yaml", "related[1]", "'abcde' is not a HCPCS code"),
    ],
    "unquoted-code": [("97110.yaml", "code", 'write the code in quotes, like "97110"')],
    "related-twice": [("97545.yaml", "related[2]", "97546 is listed twice")],
    "related-missing": [("97110.yaml", "related[0]", "code 97999 has no content file")],
    "addon-primary-missing": [
        ("97546.yaml", "related[0]", "code 97545 has no content file"),
        ("97546.yaml", "addon_of", "the primary code 97545 has no content file"),
        ("97546.yaml", "unit_rule.primary", "the primary code 97545 has no content file"),
    ],
    "addon-points-elsewhere": [
        ("97545.yaml", "unit_rule.addon", "97110's unit rule must be type hour_block_addon"),
        ("97546.yaml", "unit_rule.primary", '97545\'s unit rule must be type hour_block with addon: "97546"'),
    ],
    "addon-without-addon-of": [("97546.yaml", "addon_of", "must name its primary")],
    "addon-of-on-non-addon": [("97110.yaml", "unit_rule.type", "needs type hour_block_addon")],
    "tip-without-impact": [("97110.yaml", "tips[0].impact", "a tip needs its impact")],
    "tip-without-source": [("97546.yaml", "tips[0].source", "needs a source")],
    "source-undefined": [
        ("97546.yaml", "denials[0].source", "source 'ncci-manual' is not defined under sources"),
    ],
    "denial-without-appeal": [("97546.yaml", "denials[0].appeal", "how to appeal")],
    "duplicate-faq-question": [("97546.yaml", "faqs[1].question", "repeats the question of faqs[0]")],
    "duplicate-ids": [("97545.yaml", "tips[1].id", "'bill-once-per-session' is already used")],
    "bad-id": [("97546.yaml", "tips[0].id", "lowercase words joined by hyphens")],
    "future-review-date": [("97110.yaml", "last_reviewed", "2027-01-15 is in the future")],
    "bad-date": [("97110.yaml", "last_reviewed", "must be a date")],
    "old-data-release": [
        ("97110.yaml", "data_release", "RVU25D is older than the newest imported release RVU26C"),
    ],
    "bad-data-release": [("97110.yaml", "data_release", "not a release name")],
    "bad-confidence": [("97110.yaml", "confidence", "must be one of: high, medium or low")],
    "dollar-amount": [
        ("97110.yaml", "tips[0].tip", "'$26.83': fee-schedule and yearly program figures come from calc/"),
    ],
    "program-figures": [
        ("97110.yaml", "tips[0].impact", "'$2,410': fee-schedule and yearly program figures come from calc/"),
        ("97110.yaml", "denials[0].appeal", "'2%'"),
        ("97110.yaml", "faqs[0].answer", "'85 percent'"),
    ],
    "rvu-number": [
        (
            "97110.yaml",
            "summary",
            "'0.45 work RVUs': fee-schedule and yearly program figures come from calc/",
        ),
    ],
    "unknown-unit-rule": [("97110.yaml", "unit_rule", "type must be one of: timed_15, untimed")],
    "hour-block-missing-field": [
        ("97545.yaml", "unit_rule.addon_minutes", "this field is required"),
    ],
    "hour-block-bad-minutes": [
        ("97545.yaml", "unit_rule.addon_threshold_minutes", "cannot be more than addon_minutes"),
    ],
    "empty-text": [("97110.yaml", "name", "must not be empty")],
    "no-tips": [("97110.yaml", "tips", "must not be empty")],
    "http-url": [("97546.yaml", "sources.ncci.url", "not a full https:// address")],
}


def _validate(content: Path) -> list[ContentIssue]:
    _, issues = validate_content(content, TODAY, RELEASES)
    return issues


def test_every_fixture_case_has_expectations() -> None:
    cases = {p.name for p in FIXTURES.iterdir() if p.is_dir()} - {
        "good",
        "pages",
    }  # pages: valid, tested in test_content_pages.py
    assert cases == set(EXPECTED)


def test_good_content_loads(good_content: Path) -> None:
    contents = load_content(good_content, TODAY, releases=RELEASES)
    assert list(contents) == ["97110", "97545", "97546"]
    work = contents["97545"]
    assert isinstance(work, CodeContent)
    assert work.denials[0].source == ["cms-pfs-rvu", "ncci"]  # a list given as a list
    assert contents["97546"].tips[0].source == ["ncci"]  # a single key becomes a list
    assert work.confidence_meaning == CONFIDENCE_MEANINGS["high"]
    assert unit_rules(contents)["97545"]["addon"] == "97546"


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_case_reports_its_own_errors(case: str, tmp_path: Path) -> None:
    issues = _validate(build_case(case, tmp_path))
    got = [(Path(i.file).name, i.field) for i in issues]
    assert got == [(file, field) for file, field, _ in EXPECTED[case]], issues
    for issue, (_, _, words) in zip(issues, EXPECTED[case], strict=False):
        assert words in issue.message, str(issue)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_case_raises_content_error(case: str, tmp_path: Path) -> None:
    content = build_case(case, tmp_path)
    with pytest.raises(ContentError) as raised:
        load_content(content, TODAY, releases=RELEASES)
    assert len(raised.value.errors) == len(EXPECTED[case])


def test_all_errors_across_all_files_at_once(tmp_path: Path) -> None:
    content = build_case("good", tmp_path)
    for case in ("tip-without-impact", "denial-without-appeal", "duplicate-ids"):
        broken = next((FIXTURES / case).glob("*.yaml"))
        (content / broken.name).write_text(broken.read_text())
    with pytest.raises(ContentError) as raised:
        load_content(content, TODAY, releases=RELEASES)
    fields = [(Path(i.file).name, i.field) for i in raised.value.errors]
    assert fields == [
        ("97110.yaml", "tips[0].impact"),
        ("97545.yaml", "tips[1].id"),
        ("97546.yaml", "denials[0].appeal"),
    ]


def test_error_text_names_file_line_field_and_problem(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    content = build_case("tip-without-impact", tmp_path)
    with pytest.raises(ContentError) as raised:
        load_content(content, TODAY, releases=RELEASES)
    text = str(raised.value)
    assert text.splitlines() == [
        "1 content error:",
        "  content/97110.yaml:9: tips[0].impact: a tip needs its impact: what it changes "
        "for the claim or the payment",
    ]


def test_yaml_errors_carry_line_numbers(tmp_path: Path) -> None:
    (issue,) = _validate(build_case("duplicate-key", tmp_path))
    assert issue.line == 5
    (issue,) = _validate(build_case("yaml-syntax", tmp_path / "other"))
    assert issue.line is not None and issue.line >= 8


def test_a_broken_file_is_not_reported_missing_by_the_others(tmp_path: Path) -> None:
    """97545 has a schema error: 97546 pointing at it must not add "has no content file"."""
    issues = _validate(build_case("hour-block-missing-field", tmp_path))
    assert all("no content file" not in i.message for i in issues)


def test_review_date_today_is_fine_and_tomorrow_is_not(good_content: Path) -> None:
    assert not validate_content(good_content, TODAY, RELEASES)[1]
    text = (good_content / "97110.yaml").read_text()
    (good_content / "97110.yaml").write_text(text.replace("2026-11-01", "2026-11-28"))
    (issue,) = validate_content(good_content, TODAY, RELEASES)[1]
    assert issue.field == "last_reviewed"
    assert not validate_content(good_content, TODAY.replace(day=28), RELEASES)[1]


def test_release_must_be_the_newest_imported(good_content: Path) -> None:
    assert not validate_content(good_content, TODAY, ["RVU26C"])[1]
    assert not validate_content(good_content, TODAY, [])[1]  # nothing imported: no check
    (issue, *_) = validate_content(good_content, TODAY, ["RVU25D"])[1]
    assert "RVU26C is not a release imported into calc/data (imported: RVU25D)" in issue.message
    (issue, *_) = validate_content(good_content, TODAY, ["RVU26C", "RVU27A"])[1]
    assert "older than the newest imported release RVU27A" in issue.message


def test_no_content_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no content files"):
        load_content(tmp_path, TODAY, releases=RELEASES)


def test_yml_extension_is_reported(good_content: Path) -> None:
    (good_content / "97112.yml").write_text("code: '97112'\n")
    (issue,) = validate_content(good_content, TODAY, RELEASES)[1]
    assert "rename to .yaml" in issue.message


def test_release_order_is_year_then_letter() -> None:
    names = ["RVU26C", "RVU25D", "RVU26A", "RVU22A"]
    assert sorted(names, key=release_key) == ["RVU22A", "RVU25D", "RVU26A", "RVU26C"]
    assert release_key("RVU25D") < release_key("RVU26C")


def test_imported_releases_are_calcs_answer() -> None:
    from calc import handle

    years = handle({"kind": "releases"})["years"]
    assert imported_releases() == sorted((y["rvu"] for y in years), key=release_key)
    assert "RVU26C" in imported_releases()


def test_confidence_meanings_cover_every_level() -> None:
    assert set(CONFIDENCE_MEANINGS) == {"high", "medium", "low"}
    assert all(meaning.strip() for meaning in CONFIDENCE_MEANINGS.values())


def test_models_are_read_only(good_content: Path) -> None:
    contents = load_content(good_content, TODAY, releases=RELEASES)
    with pytest.raises(pydantic.ValidationError):
        contents["97110"].name = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("code", ["97110", "G0283", "0001F", "0591T", "0001U", "0002M", "99213"])
def test_code_pattern_accepts_every_kind_of_5_character_code(code: str) -> None:
    from pydantic import TypeAdapter

    from macros.model import HCPCS_RE, Code

    assert HCPCS_RE.match(code) and TypeAdapter(Code).validate_python(code) == code


@pytest.mark.parametrize("code", ["9711", "971100", "0001X", "00A1F", "g0283", "0001f", "97110 x"])
def test_code_pattern_refuses_other_shapes(code: str) -> None:
    from macros.model import HCPCS_RE

    assert not HCPCS_RE.match(code)
