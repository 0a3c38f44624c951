"""The generated pages, docs path -> Markdown: code pages (live and deleted), the code index,
family pages and their index, guides and their index, and the remittance codes page.

Each page is its front matter (``macros/templating.front_matter``) plus a body from a template
in ``macros/templates``; the views come from :class:`macros.render.Site` (calc's answers).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from macros.figures import replace_inline_figures
from macros.model import REF_RE, Family, Guide, ProgramShow, Section, UnitsCompareShow, VisitShow
from macros.render import (
    CODES_DIR,
    FAMILIES_DIR,
    Site,
    ask,
    calculators,
    code_page_path,
    family_page_path,
    render,
    render_family_list,
)
from macros.shows import program_view, units_compare_view, visit_view
from macros.templating import front_matter, page_link, truncate

GUIDES_DIR = "guides"
REMITTANCE_PAGE = "remittance.md"

#: A family's unit_kind in words, shown under its summary (the rule itself is checked
#: against every member's unit rule by validation).
UNIT_KIND_WORDS = {
    "timed": "Every code of this family is timed: billed in 15-minute units counted from the day's timed minutes.",
    "untimed": "Every code of this family is untimed: one unit per session, however long it takes.",
    "hour_block": "The codes of this family bill one session together: a first block, then each further hour.",
    "mixed": "The codes of this family count units differently: see each code's units below.",
}


#: Search weight of the pages that answer a clerk's question by name (a rule, a modifier, a
#: remittance code): Material's search multiplies every match on the page by it, so "KX",
#: "plan of care" or "97" lists the guide or the remittance code before the many code pages
#: that mention it (tests/browser/test_search.py).
ANSWER_PAGE_BOOST = 3
#: The remittance page more again: "CO 97" must find CO-97 before a guide whose title has a
#: word starting with "co" and whose text names 97-codes (work conditioning, 97545).
REMITTANCE_BOOST = 5


def boosted(head: str, boost: int = ANSWER_PAGE_BOOST) -> str:
    """Front matter with Material's ``search: boost:`` added (a number, so nothing to escape)."""
    assert head.endswith("---\n"), head
    return head[: -len("---\n")] + f"search:\n  boost: {boost}\n---\n"


def guide_page_path(slug: str) -> str:
    return f"{GUIDES_DIR}/{slug}.md"


# --------------------------------------------------------------------------- links


def _entry_title(site: Site, code: str, anchor: str) -> str:
    c = site.contents[code]
    entries = [(f"tip-{t.id}", t.tip) for t in c.tips]
    entries += [(f"denial-{d.id}", d.reason) for d in c.denials]
    entries += [(f"faq-{f.id}", f.question) for f in c.faqs]
    return f"{code}: {dict(entries)[anchor]}"


def ref_link(site: Site, ref: str, here: str) -> dict[str, str]:
    """A validated ``see:`` reference as ``{"label", "href"}`` relative to the page ``here``."""
    match = REF_RE.match(ref)
    assert match is not None  # validated by macros/pagecheck.py
    code, entry = match.group("code"), match.group("entry")
    if code is not None:
        label = _entry_title(site, code, entry) if entry else f"{code}: {site.contents[code].name}"
        return {"label": label, "href": page_link(here, code_page_path(code), entry)}
    if match.group("remittance") is not None:
        anchor = match.group("remittance")
        remittance = site.library.remittance
        labels = {c.anchor: c.label for c in remittance.codes} if remittance else {}
        return {
            "label": f"Remittance code {labels[anchor]}",
            "href": page_link(here, REMITTANCE_PAGE, anchor),
        }
    guide = site.library.guides[match.group("guide")]
    section = match.group("section")
    headings = {s.id: s.heading for s in guide.sections}
    label = f"{guide.title}: {headings[section]}" if section else guide.title
    return {"label": label, "href": page_link(here, guide_page_path(match.group("guide")), section)}


def _show(site: Site, section: Section) -> Markup:
    """The calc-computed block under a section: a code's units table, fee table or calculators,
    a table of program figures, a units comparison or a worked visit (macros/shows.py)."""
    show = section.show
    if show is None:
        return Markup("")
    if isinstance(show, ProgramShow):
        return Markup(render("program_table.md.j2", v=program_view(show.program, show.year)))
    if isinstance(show, UnitsCompareShow):
        return Markup(render("units_compare.md.j2", v=units_compare_view(show.units_compare, ask)))
    if isinstance(show, VisitShow):
        return Markup(render("worked_visit.md.j2", v=visit_view(show.visit, ask)))
    view = site.views[show.code]
    if show.table == "units":
        return Markup(render("units_table.md.j2", v=view))
    if show.table == "fee":
        return Markup(render("status.md.j2", v=view, fee=view["fee"]))
    return calculators(show.code, view["units"]["type"])


def _sections(site: Site, sections: list[Section], here: str) -> list[dict[str, Any]]:
    return [
        {"s": s, "links": [ref_link(site, ref, here) for ref in s.see], "show": _show(site, s)}
        for s in sections
    ]


# --------------------------------------------------------------------------- pages


def code_page(site: Site, code: str) -> str:
    v = site.views[code]
    c = v["c"]
    here = code_page_path(code)
    links = {
        f"{kind}-{entry.id}": [ref_link(site, ref, here) for ref in entry.see]
        for kind, entries in (("tip", c.tips), ("denial", c.denials), ("faq", c.faqs))
        for entry in entries
    }
    head = front_matter(title=f"{c.code}: {c.name}", description=truncate(c.summary, 150))
    return head + render("code_page.md.j2", v=v, here=here, links=links)


def deleted_page(site: Site, code: str) -> str:
    d = site.library.deleted[code]
    here = code_page_path(code)
    replacements = [
        {"code": r, "name": site.contents[r].name, "href": page_link(here, code_page_path(r))}
        for r in d.replaced_by
    ]
    head = front_matter(title=f"{d.code} (deleted): {d.name}", description=truncate(d.summary, 150))
    return head + render("deleted_page.md.j2", d=d, replacements=replacements, here=here)


def code_index(site: Site) -> str:
    here = f"{CODES_DIR}/index.md"
    head = front_matter(
        title="All codes",
        description="Every code in the reference, with its Medicare status and national amount.",
    )
    deleted = [
        {"d": d, "href": page_link(here, code_page_path(code))} for code, d in site.library.deleted.items()
    ]
    return head + render(
        "code_index.md.j2",
        site=site,
        here=here,
        deleted=deleted,
        guides_href=page_link(here, f"{GUIDES_DIR}/index.md"),
        remittance_href=page_link(here, REMITTANCE_PAGE) if site.library.remittance else None,
    )


def family_page(site: Site, slug: str) -> str:
    family: Family = site.library.families[slug]
    here = family_page_path(slug)
    return front_matter(title=f"{family.name} family", description=truncate(family.summary, 150)) + render(
        "text_page.md.j2",
        page=family,
        heading=f"{family.name} family",
        kind_words=UNIT_KIND_WORDS[family.unit_kind],
        codes_table=Markup(render_family_list(site, slug, here)),
        sections=_sections(site, family.sections, here),
    )


def family_index(site: Site) -> str:
    here = f"{FAMILIES_DIR}/index.md"
    return front_matter(title="Code families") + render("family_index.md.j2", site=site, here=here)


def guide_page(site: Site, slug: str) -> str:
    guide: Guide = site.library.guides[slug]
    here = guide_page_path(slug)
    head = boosted(front_matter(title=guide.title, description=truncate(guide.summary, 150)))
    return head + render(
        "text_page.md.j2",
        page=guide,
        heading=guide.title,
        kind_words=None,
        codes_table=None,
        sections=_sections(site, guide.sections, here),
    )


def guide_index(site: Site) -> str:
    here = f"{GUIDES_DIR}/index.md"
    guides = [
        {"g": g, "href": page_link(here, guide_page_path(slug))} for slug, g in site.library.guides.items()
    ]
    return front_matter(title="Guides") + render("guide_index.md.j2", guides=guides)


def remittance_page(site: Site) -> str:
    remittance = site.library.remittance
    assert remittance is not None
    codes = [
        {"c": c, "links": [ref_link(site, ref, REMITTANCE_PAGE) for ref in c.see]} for c in remittance.codes
    ]
    head = boosted(
        front_matter(
            title="Remittance codes",
            description="Claim adjustment reason codes and remark codes therapy claims receive, and what to do.",
        ),
        REMITTANCE_BOOST,
    )
    return head + render("remittance.md.j2", r=remittance, codes=codes)


def generated_pages(site: Site) -> dict[str, str]:
    """Every generated page, docs path -> Markdown, with each ``[[program:KEY]]`` of the
    content text replaced by calc's figure (macros/figures.py)."""
    return {path: replace_inline_figures(text) for path, text in _pages(site).items()}


def _pages(site: Site) -> dict[str, str]:
    pages = {code_page_path(code): code_page(site, code) for code in site.views}
    pages.update({code_page_path(code): deleted_page(site, code) for code in site.library.deleted})
    pages[f"{CODES_DIR}/index.md"] = code_index(site)
    pages.update({family_page_path(slug): family_page(site, slug) for slug in site.library.families})
    pages[f"{FAMILIES_DIR}/index.md"] = family_index(site)
    pages.update({guide_page_path(slug): guide_page(site, slug) for slug in site.library.guides})
    pages[f"{GUIDES_DIR}/index.md"] = guide_index(site)
    if site.library.remittance is not None:
        pages[REMITTANCE_PAGE] = remittance_page(site)
    return pages
