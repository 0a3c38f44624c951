"""Sources on every statement (issue 7): an FAQ without a source, a source without a section
in ``cites``, fail validation under the sourcing rule (``--strict-sources``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_cases import RELEASES, TODAY

from macros.content import validate_content
from macros.sourcing import cites_problem


def issues(content: Path, strict: bool = True) -> list[str]:
    _valid, found = validate_content(content, TODAY, RELEASES, strict_sources=strict)
    return [str(issue) for issue in found]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_good_content_is_fully_sourced(good_content: Path) -> None:
    assert issues(good_content) == []


@pytest.mark.parametrize("strict", [True, False])
def test_faq_without_source_fails(good_content: Path, strict: bool) -> None:
    edit(good_content / "97546.yaml", "    source: ncci\nsources:", "sources:")
    found = issues(good_content, strict)
    assert len(found) == 1 and "97546.yaml" in found[0]
    assert "faqs[0].source: needs a source" in found[0]


def test_source_without_cites_fails(good_content: Path) -> None:
    edit(good_content / "97546.yaml", "    cites: Chapter I, section E (add-on codes)\n", "")
    found = issues(good_content)
    assert len(found) == 1 and "sources.ncci.cites: needs cites" in found[0]


def test_cites_without_a_section_fails(good_content: Path) -> None:
    edit(
        good_content / "97546.yaml",
        "cites: Chapter I, section E (add-on codes)",
        "cites: the add-on code rules",
    )
    found = issues(good_content)
    assert len(found) == 1 and "sources.ncci.cites: cites does not name a section" in found[0]


@pytest.mark.parametrize(
    "cites",
    [
        "Pub. 100-04, chapter 5, section 20.2",
        "Ch. 15, 220.1",
        "Chapter XI",
        "42 CFR 410.59",
        "405.942(a): within 120 calendar days",
        "134.600(p)(4)",
        "28 TAC § 134.230",
        "75 FR 73236 (CY2011 PFS final rule)",
        "NCD 270.1",
        "RVU26C",
        "GPCI2026",
        "ZIP5_OCT2025",
    ],
)
def test_cites_forms_accepted(cites: str) -> None:
    assert cites_problem(cites) is None


@pytest.mark.parametrize(
    "cites", ["CMS therapy page", "the NCCI manual", "FR", "see chapter", "2026 release"]
)
def test_cites_forms_refused(cites: str) -> None:
    assert cites_problem(cites) is not None
