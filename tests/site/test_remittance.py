"""The remittance codes as built: every code is in the search index under the forms a clerk
types from a remittance ("CO-97", "CO97", "97"), and every code-page denial whose ``see:``
names a remittance code shows a link, in that denial's own block, to an anchor the
remittance page has."""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path

from macros.content import load_library

from sitecheck import ROOT, resolve, scan

LIBRARY = load_library(ROOT / "content")
REMITTANCE = LIBRARY.remittance
TAG = re.compile(r"<[^>]+>")
SEE_ALSO = re.compile(r'<p class="see-also">(.*?)</p>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def lunr_terms(text: str, separator: str) -> set[str]:
    """The terms lunr makes of a text: lowercased, split by the site's separator (the
    index's pipeline has no stemmer, only the stop-word filter, which keeps these terms)."""
    return {term for term in re.split(separator, text.lower()) if term}


def typed_forms(group: str | None, code: str) -> list[str]:
    """How a clerk searches a code read off a remittance: as printed, run together, bare."""
    return [f"{group}-{code}", f"{group}{code}", code] if group else [code]


def test_search_index_finds_each_remittance_code_as_printed_and_typed(site: Path) -> None:
    assert REMITTANCE is not None
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    separator = index["config"]["separator"]
    docs = {doc["location"]: doc for doc in index["docs"]}
    for code in REMITTANCE.codes:
        doc = docs[f"remittance/#{code.anchor}"]
        terms = lunr_terms(html_lib.unescape(TAG.sub(" ", f"{doc['title']} {doc['text']}")), separator)
        for query in typed_forms(code.group, code.code):
            missing = lunr_terms(query, separator) - terms
            assert not missing, (code.anchor, query, missing)
    co97 = lunr_terms(docs["remittance/#carc-co-97"]["title"], separator)
    assert {"co", "97", "co97"} <= co97  # the three forms of the issue, named once


def denial_block(page_html: str, denial_id: str) -> str:
    """The denial's entry and the see-also line that follows it, up to the next entry."""
    start = page_html.index(f'id="denial-{denial_id}"')
    ends = [page_html.find(mark, start) for mark in ('<section class="entry', "<h2")]
    return page_html[start : min(end for end in ends if end != -1)]


def test_denials_link_to_the_remittance_codes_they_name(site: Path) -> None:
    assert REMITTANCE is not None
    remittance_page = site / "remittance/index.html"
    remittance_ids = scan(remittance_page).ids
    checked = 0
    for code, content in LIBRARY.codes.items():
        page = site / "codes" / code / "index.html"
        page_html = page.read_text(encoding="utf-8")
        for denial in content.denials:
            wanted = [ref.split("#", 1)[1] for ref in denial.see if ref.startswith("remittance#")]
            if not wanted:
                continue
            see_also = SEE_ALSO.search(denial_block(page_html, denial.id))
            assert see_also, (code, denial.id)
            targets = [resolve(site, page, href) for href in HREF.findall(see_also.group(1))]
            for anchor in wanted:
                assert (remittance_page, anchor) in targets, (code, denial.id, anchor)
                assert anchor in remittance_ids, (code, denial.id, anchor)
                checked += 1
    assert checked >= 100  # the denials of content/*.yaml that name a remittance code
    kx = denial_block(
        (site / "codes/97110/index.html").read_text(encoding="utf-8"), "over-threshold-without-kx"
    )
    assert 'href="../../remittance/#carc-pr-119">Remittance code PR-119</a>' in kx
