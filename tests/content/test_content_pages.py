"""Deleted codes, guides and the remittance codes file (fixtures/pages/ over the good set):
sourced, linked to entries that exist, and a deleted code absent from every imported release."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_cases import RELEASES, TODAY, build_case

from macros import render, site_pages
from macros.content import validate_library


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    return build_case("pages", tmp_path)


def problems(content: Path) -> list[str]:
    _library, found = validate_library(content, TODAY, RELEASES)
    return [f"{Path(i.file).name}: {i.field}: {i.message}" for i in found]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_pages_load(pages: Path) -> None:
    library, found = validate_library(pages, TODAY, RELEASES)
    assert found == []
    assert set(library.deleted) == {"G0515"} and "G0515" not in library.codes
    assert set(library.guides) == {"units"}
    assert library.remittance is not None
    assert [(c.label, c.anchor) for c in library.remittance.codes] == [
        ("CO-97", "carc-co-97"),
        ("N386", "rarc-n386"),
    ]


def test_deleted_code_still_in_a_release_fails(pages: Path) -> None:
    """97032 is priced in every imported release: a file calling it deleted is refused."""
    text = (pages / "G0515.yaml").read_text(encoding="utf-8").replace('code: "G0515"', 'code: "97032"')
    (pages / "97032.yaml").write_text(text, encoding="utf-8")
    assert (
        "97032.yaml: status: 97032 is in the imported fee schedule for 2025, 2026: it is not deleted there"
        in problems(pages)
    )


def test_deleted_code_replacement_needs_a_page(pages: Path) -> None:
    edit(pages / "G0515.yaml", 'replaced_by: ["97110"]', 'replaced_by: ["97110", "97129"]')
    assert problems(pages) == [
        "G0515.yaml: replaced_by[1]: 97129 has no code page (content/97129.yaml): add it first"
    ]


def test_deleted_code_without_source_fails(pages: Path) -> None:
    edit(pages / "G0515.yaml", "source: [pfs-2020]\n", "")
    assert problems(pages) == ["G0515.yaml: source: needs a source: a key (or list of keys) from sources"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("97110#tip-document-minutes", "97110#faq-missing", "97110's page has no #faq-missing"),
        ("remittance#carc-co-97", "remittance#carc-co-96", "the remittance page has no #carc-co-96"),
        ('"97546"]', '"guides/other"]', "there is no guide other (content/guides/other.yaml)"),
    ],
)
def test_guide_links_must_exist(pages: Path, old: str, new: str, expected: str) -> None:
    edit(pages / "guides" / "units.yaml", old, new)
    found = problems(pages)
    assert len(found) == 1 and found[0].startswith("units.yaml: sections[0].see[") and expected in found[0], (
        found
    )


def test_guide_section_without_source_fails(pages: Path) -> None:
    edit(pages / "guides" / "units.yaml", "    source: clm-ch5\n    see:", "    see:")
    assert problems(pages) == [
        "units.yaml: sections[0].source: needs a source: a key (or list of keys) from sources"
    ]


def test_remittance_link_to_a_missing_guide_section_fails(pages: Path) -> None:
    edit(pages / "remittance.yaml", "guides/units#total-time", "guides/units#gone")
    assert problems(pages) == ["remittance.yaml: codes[0].see[0]: the guide units has no section #gone"]


def test_remittance_code_twice_fails(pages: Path) -> None:
    edit(pages / "remittance.yaml", "code: N386", 'group: CO\n    code: "97"')
    assert problems(pages) == ["remittance.yaml: codes[1].code: CO-97 is already codes[0]"]


def test_remittance_typed_figure_fails(pages: Path) -> None:
    edit(
        pages / "remittance.yaml",
        "Read the determination",
        "Amounts under $180 cannot be appealed; read the determination",
    )
    found = problems(pages)
    assert len(found) == 1 and "codes[1].action: contains '$180'" in found[0]


def test_pages_render_with_their_links(pages: Path) -> None:
    site = render.build_site(pages)
    generated = site_pages.generated_pages(site)
    deleted = generated["codes/G0515.md"]
    assert 'title: "G0515 (deleted): Cognitive skills' in deleted
    assert "Deleted 2020-01-01" in deleted and "[97110: Therapeutic exercise](97110.md)" in deleted
    guide = generated["guides/units.md"]
    assert "(../codes/97110.md#tip-document-minutes)" in guide and "(../remittance.md#carc-co-97)" in guide
    remittance = generated["remittance.md"]
    assert (
        'id="carc-co-97"' in remittance
        and 'CO-97 <span class="code-aliases">(CO97, CO 97)</span>' in remittance
    )
    assert 'id="rarc-n386"' in remittance and "(guides/units.md#total-time)" in remittance
    index = generated["codes/index.md"]
    assert "[G0515](G0515.md)" in index and "(../guides/index.md)" in index and "(../remittance.md)" in index


def test_code_page_entry_links_to_a_remittance_code(pages: Path) -> None:
    edit(
        pages / "97546.yaml",
        "    appeal: Correct the claim to include 97545 for the same session.\n",
        "    appeal: Correct the claim to include 97545 for the same session.\n    see: [remittance#carc-co-97]\n",
    )
    site = render.build_site(pages)
    page = site_pages.generated_pages(site)["codes/97546.md"]
    assert "See: [Remittance code CO-97](../remittance.md#carc-co-97)\n{: .see-also }" in page


def test_code_page_entry_link_to_a_missing_code_fails(pages: Path) -> None:
    edit(
        pages / "97546.yaml",
        "    appeal: Correct the claim to include 97545 for the same session.\n",
        "    appeal: Correct the claim to include 97545 for the same session.\n    see: [remittance#carc-co-16]\n",
    )
    assert problems(pages) == ["97546.yaml: denials[0].see[0]: the remittance page has no #carc-co-16"]
