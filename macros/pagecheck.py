"""Checks of the family, guide, deleted-code and remittance files, and the links between pages.

Every statement is sourced (``macros/sourcing.py``, always strict here), no figure is typed
(``macros/figures.py``), every ``see:`` link names an entry that exists, a family's
``unit_kind`` matches each member's unit rule and its text does not say otherwise, and a
deleted code is absent from every imported release while its replacements have pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from macros.figures import figure_message, typed_figure
from macros.issues import ContentIssue
from macros.model import (
    REF_RE,
    UNIT_KINDS,
    CodeContent,
    DeletedCode,
    Family,
    Guide,
    Remittance,
    Section,
    TableShow,
)
from macros.reading import Located
from macros.sourcing import check_sources

# What a family text may not say when its unit_kind says otherwise (the contradiction class
# of issue 7: a family page calling all its codes untimed while one member is timed).
UNTIMED_CLAIM = re.compile(r"\buntimed\b", re.I)
TIMED_CLAIM = re.compile(r"\btimed (?:15-minute )?codes?\b|\btimed 15-minute\b", re.I)


@dataclass(frozen=True)
class Anchors:
    """Every place a ``see:`` link may point to."""

    codes: Mapping[str, frozenset[str]]  # code -> its entry anchors (tip-..., denial-..., faq-...)
    remittance: frozenset[str]
    guides: Mapping[str, frozenset[str]]  # guide slug -> its section ids
    files: frozenset[str] = frozenset()  # every code file, valid or not (not reported twice)
    guide_files: frozenset[str] = frozenset()  # every guide file, valid or not

    def missing(self, ref: str) -> str | None:
        """Why ``ref`` points nowhere, or None."""
        match = REF_RE.match(ref)
        if match is None:
            return f"{ref!r} is not a link such as 97546#tip-bill-with-97545"
        code, entry = match.group("code"), match.group("entry")
        if code is not None:
            if code not in self.codes:
                return None if code in self.files else f"{code} has no code page (content/{code}.yaml)"
            if entry is not None and entry not in self.codes[code]:
                return f"{code}'s page has no #{entry} (ids: {', '.join(sorted(self.codes[code])) or 'none'})"
            return None
        if match.group("remittance") is not None:
            anchor = match.group("remittance")
            return None if anchor in self.remittance else f"the remittance page has no #{anchor}"
        guide, section = match.group("guide"), match.group("section")
        if guide not in self.guides:
            return (
                None
                if guide in self.guide_files
                else f"there is no guide {guide} (content/guides/{guide}.yaml)"
            )
        if section is not None and section not in self.guides[guide]:
            return f"the guide {guide} has no section #{section}"
        return None


def code_anchors(content: CodeContent) -> frozenset[str]:
    return frozenset(
        [f"tip-{t.id}" for t in content.tips]
        + [f"denial-{d.id}" for d in content.denials]
        + [f"faq-{f.id}" for f in content.faqs]
    )


# --------------------------------------------------------------------------- shared parts


def _sections(item: Located[Any], sections: list[Section], anchors: Anchors) -> Iterator[ContentIssue]:
    seen: set[str] = set()
    for i, section in enumerate(sections):
        if section.id in seen:
            yield item.issue(f"sections[{i}].id", f"id {section.id!r} is used twice (it is the page anchor)")
        seen.add(section.id)
        for j, ref in enumerate(section.see):
            problem = anchors.missing(ref)
            if problem:
                yield item.issue(f"sections[{i}].see[{j}]", problem)
        if isinstance(section.show, TableShow) and anchors.missing(section.show.code):
            yield item.issue(f"sections[{i}].show.code", f"{section.show.code} has no code page")


def _figures(item: Located[Any], texts: Iterable[tuple[str, str]]) -> Iterator[ContentIssue]:
    for field, text in texts:
        figure = typed_figure(text)
        if figure:
            yield item.issue(field, figure_message(figure))


def _not_future(item: Located[Any], reviewed: date, today: date) -> Iterator[ContentIssue]:
    if reviewed > today:
        yield item.issue(
            "last_reviewed", f"{reviewed.isoformat()} is in the future (today is {today.isoformat()})"
        )


def _section_texts(sections: list[Section]) -> Iterator[tuple[str, str]]:
    for i, section in enumerate(sections):
        yield f"sections[{i}].heading", section.heading
        yield f"sections[{i}].text", section.text


def _page_sources(item: Located[Any], model: Family | Guide) -> Iterator[ContentIssue]:
    cited = [
        ("source", model.source),
        *((f"sections[{i}].source", s.source) for i, s in enumerate(model.sections)),
    ]
    yield from check_sources(item, model.sources, cited, strict=True)


def check_entry_links(item: Located[CodeContent], anchors: Anchors) -> Iterator[ContentIssue]:
    """The ``see:`` links of a code file's tips, denials and FAQs point to places that exist."""
    c = item.model
    sections: dict[str, list[Any]] = {"tips": c.tips, "denials": c.denials, "faqs": c.faqs}
    for name, entries in sections.items():
        for i, entry in enumerate(entries):
            for j, ref in enumerate(entry.see):
                problem = anchors.missing(ref)
                if problem:
                    yield item.issue(f"{name}[{i}].see[{j}]", problem)


# --------------------------------------------------------------------------- families


def check_family(
    item: Located[Family], members: Mapping[str, CodeContent], anchors: Anchors, today: date
) -> Iterator[ContentIssue]:
    family = item.model
    texts = [("name", family.name), ("summary", family.summary), *_section_texts(family.sections)]
    yield from _page_checks(item, family, texts, anchors, today)
    yield from _unit_kind(item, members)
    yield from _unit_claims(item, texts)


def _page_checks(
    item: Located[Family] | Located[Guide],
    page: Family | Guide,
    texts: list[tuple[str, str]],
    anchors: Anchors,
    today: date,
) -> Iterator[ContentIssue]:
    """What a family page and a guide are both checked for: sources, sections and their links,
    no typed figures, a review date not in the future."""
    yield from _page_sources(item, page)
    yield from _sections(item, page.sections, anchors)
    yield from _figures(item, texts)
    yield from _not_future(item, page.last_reviewed, today)


def _unit_kind(item: Located[Family], members: Mapping[str, CodeContent]) -> Iterator[ContentIssue]:
    """Every member's unit rule is of the family's ``unit_kind``."""
    allowed = UNIT_KINDS[item.model.unit_kind]
    for code, content in sorted(members.items()):
        if content.unit_rule.type not in allowed:
            yield item.issue(
                "unit_kind",
                f"is {item.model.unit_kind} but {code}'s unit rule is {content.unit_rule.type}: "
                "fix the family's unit_kind (mixed when its codes differ) or the code's family",
            )


def _unit_claims(item: Located[Family], texts: list[tuple[str, str]]) -> Iterator[ContentIssue]:
    """The family text does not call its codes untimed (timed) when unit_kind says otherwise."""
    kind = item.model.unit_kind
    claim = {"timed": UNTIMED_CLAIM, "hour_block": UNTIMED_CLAIM, "untimed": TIMED_CLAIM}.get(kind)
    if claim is None:  # mixed: the text may speak of both
        return
    for field, text in texts:
        match = claim.search(text)
        if match:
            yield item.issue(
                field,
                f"says {match.group(0)!r} but the family's unit_kind is {kind}: the text contradicts "
                "its codes' unit rules (say it of the codes it is true of, or set unit_kind: mixed)",
            )


# --------------------------------------------------------------------------- guides


def check_guide(item: Located[Guide], anchors: Anchors, today: date) -> Iterator[ContentIssue]:
    guide = item.model
    texts = [("title", guide.title), ("summary", guide.summary), *_section_texts(guide.sections)]
    yield from _page_checks(item, guide, texts, anchors, today)


# --------------------------------------------------------------------------- deleted codes


def check_deleted(
    item: Located[DeletedCode],
    codes: Mapping[str, CodeContent],
    priced_in: Callable[[str], list[int]],
    today: date,
) -> Iterator[ContentIssue]:
    """Sourced, absent from every imported release, replacements with pages of their own."""
    d = item.model
    if d.code != item.stem:
        yield item.issue("code", f"is {d.code!r} but the file is named {item.stem}.yaml; they must match")
    yield from check_sources(item, d.sources, [("source", d.source)], strict=True)
    yield from _figures(item, [("name", d.name), ("summary", d.summary), ("claim_result", d.claim_result)])
    yield from _not_future(item, d.last_reviewed, today)
    if d.deleted > today:
        yield item.issue("deleted", f"{d.deleted.isoformat()} is in the future: the code is not deleted yet")
    years = priced_in(d.code)
    if years:
        listed = ", ".join(str(year) for year in years)
        yield item.issue(
            "status", f"{d.code} is in the imported fee schedule for {listed}: it is not deleted there"
        )
    for i, code in enumerate(d.replaced_by):
        if code == d.code:
            yield item.issue(f"replaced_by[{i}]", "a code cannot replace itself")
        elif code not in codes:
            yield item.issue(
                f"replaced_by[{i}]", f"{code} has no code page (content/{code}.yaml): add it first"
            )


# --------------------------------------------------------------------------- remittance


def check_remittance(item: Located[Remittance], anchors: Anchors, today: date) -> Iterator[ContentIssue]:
    r = item.model
    cited = [(f"codes[{i}].source", code.source) for i, code in enumerate(r.codes)]
    yield from check_sources(item, r.sources, cited, strict=True)
    seen: dict[str, int] = {}
    for i, code in enumerate(r.codes):
        if code.anchor in seen:
            yield item.issue(f"codes[{i}].code", f"{code.label} is already codes[{seen[code.anchor]}]")
        seen.setdefault(code.anchor, i)
        for j, ref in enumerate(code.see):
            problem = anchors.missing(ref)
            if problem:
                yield item.issue(f"codes[{i}].see[{j}]", problem)
    texts = [(f"codes[{i}].{f}", getattr(c, f)) for i, c in enumerate(r.codes) for f in ("meaning", "action")]
    yield from _figures(item, texts)
    yield from _not_future(item, r.last_reviewed, today)
