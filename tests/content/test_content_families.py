"""Family files (content/families/<slug>.yaml): sourced like code files, every family a code
names has one, and what a family says about units and status agrees with its codes and calc."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_cases import RELEASES, TODAY

from macros import render
from macros.content import validate_library
from macros.issues import ContentError


def problems(content: Path) -> list[str]:
    _library, found = validate_library(content, TODAY, RELEASES)
    return [f"{Path(i.file).name}: {i.field}: {i.message}" for i in found]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_good_families_load(good_content: Path) -> None:
    library, found = validate_library(good_content, TODAY, RELEASES)
    assert found == []
    assert set(library.families) == {"therapeutic-procedures", "work-hardening"}
    section = library.families["therapeutic-procedures"].sections[0]
    assert len(section.paragraphs) == 2  # a blank line separates paragraphs


def test_every_family_a_code_names_has_a_file(good_content: Path) -> None:
    (good_content / "families" / "work-hardening.yaml").unlink()
    assert problems(good_content) == [
        "97545.yaml: family: 'work-hardening' has no family file: add content/families/work-hardening.yaml (see content/README.md)",
        "97546.yaml: family: 'work-hardening' has no family file: add content/families/work-hardening.yaml (see content/README.md)",
    ]


def test_timed_family_with_an_untimed_member_fails(good_content: Path) -> None:
    """The contradiction class of issue 7: a family declared one way, a member's rule another."""
    edit(good_content / "97110.yaml", "type: timed_15", "type: untimed")
    assert problems(good_content) == [
        "therapeutic-procedures.yaml: unit_kind: is timed but 97110's unit rule is untimed: "
        "fix the family's unit_kind (mixed when its codes differ) or the code's family"
    ]


def test_family_text_calling_timed_codes_untimed_fails(good_content: Path) -> None:
    edit(
        good_content / "families" / "therapeutic-procedures.yaml",
        "One-on-one treatment codes",
        "Untimed one-on-one treatment codes",
    )
    found = problems(good_content)
    assert len(found) == 1 and found[0].startswith("therapeutic-procedures.yaml: summary: says 'Untimed'")


def test_untimed_family_text_calling_its_codes_timed_fails(good_content: Path) -> None:
    family = good_content / "families" / "therapeutic-procedures.yaml"
    edit(family, "unit_kind: timed", "unit_kind: untimed")
    edit(good_content / "97110.yaml", "type: timed_15", "type: untimed")
    edit(family, "Counting the units", "Timed codes, counting the units")
    found = problems(good_content)
    assert found[0] == (
        "therapeutic-procedures.yaml: sections[0].heading: says 'Timed codes' but the family's unit_kind is "
        "untimed: the text contradicts its codes' unit rules (say it of the codes it is true of, or set unit_kind: mixed)"
    )
    assert all("sections[0]" in problem and "unit_kind is untimed" in problem for problem in found)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    source: clm-ch5\n    see:", "    see:", "sections[0].source: needs a source"),
        ("source: clm-ch5\nunit_kind", "unit_kind", "source: needs a source"),
        (
            "cites: Chapter 5, section 20.2",
            "cites: the claims manual",
            "sources.clm-ch5.cites: cites does not name",
        ),
        (
            'see: ["97110#tip-document-minutes"]',
            'see: ["97110#tip-gone"]',
            "sections[0].see[0]: 97110's page has no #tip-gone",
        ),
        (
            'see: ["97110#tip-document-minutes"]',
            'see: ["97999"]',
            "sections[0].see[0]: 97999 has no code page",
        ),
        (
            "text: >-",
            "text: >-\n      Assistants are paid 85 percent.",
            "sections[0].text: contains '85 percent'",
        ),
    ],
)
def test_family_statements_are_sourced_and_linked(
    good_content: Path, old: str, new: str, expected: str
) -> None:
    edit(good_content / "families" / "therapeutic-procedures.yaml", old, new)
    found = problems(good_content)
    assert len(found) == 1 and expected in found[0], found


def test_family_status_claim_contradicting_calc_stops_the_build(good_content: Path) -> None:
    """calc answers status R for 97545 and 97546: a family text saying status A is refused."""
    edit(
        good_content / "families" / "work-hardening.yaml",
        "Neither code has a national amount.",
        "Both codes carry status A.",
    )
    with pytest.raises(
        ContentError, match=r"work-hardening.yaml: sections\[0\].text: says status A but calc"
    ):
        render.build_site(good_content)


def test_family_status_claim_agreeing_with_calc_builds(good_content: Path) -> None:
    edit(
        good_content / "families" / "work-hardening.yaml",
        "Neither code has a national amount.",
        "Both codes carry status R.",
    )
    site = render.build_site(good_content)
    assert site.families["work-hardening"] == ["97545", "97546"]
