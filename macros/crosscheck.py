"""Checks across the fields of one file and across files, on content the schema accepted.

Related, add-on and primary codes exist and point back to each other; cited sources are
defined; ids and FAQ questions are unique; the review date is not in the future; the data
release is the newest one imported; no fee-schedule or program figure is typed into the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from macros.figures import figure_message, typed_figure
from macros.issues import ContentIssue
from macros.model import RELEASE_RE, CodeContent, HourBlock, HourBlockAddon
from macros.reading import Located
from macros.sourcing import STRICT_SOURCES, check_sources

CodeFile = Located[CodeContent]


def release_key(name: str) -> tuple[int, str]:
    """Order releases by year, then letter: RVU25D comes before RVU26A.

    >>> sorted(["RVU26C", "RVU25D", "RVU26A"], key=release_key)
    ['RVU25D', 'RVU26A', 'RVU26C']
    """
    match = RELEASE_RE.match(name)
    if not match:
        raise ValueError(f"not a release name: {name!r}")
    return int(match.group(1)), match.group(2)


# --------------------------------------------------------------------------- one file


def check_file(
    item: CodeFile, today: date, releases: list[str], *, strict_sources: bool = STRICT_SOURCES
) -> Iterator[ContentIssue]:
    c = item.model
    if c.code != item.stem:
        yield item.issue("code", f"is {c.code!r} but the file is named {item.stem}.yaml; they must match")
    yield from _check_ids(item)
    yield from _check_sources(item, strict_sources)
    yield from _check_faq_questions(item)
    if c.last_reviewed > today:
        yield item.issue(
            "last_reviewed", f"{c.last_reviewed.isoformat()} is in the future (today is {today.isoformat()})"
        )
    yield from _check_release(item, releases)
    yield from _check_numbers(item)


def _check_release(item: CodeFile, releases: list[str]) -> Iterator[ContentIssue]:
    """The facts must be checked against the newest release the site shows (releases.json)."""
    if not releases:
        return
    release, newest = item.model.data_release, releases[-1]
    if release_key(release) < release_key(newest):
        yield item.issue(
            "data_release",
            f"{release} is older than the newest imported "
            f"release {newest}: re-check the facts against it and update data_release",
        )
    elif release not in releases:
        yield item.issue(
            "data_release",
            f"{release} is not a release imported into calc/data (imported: {', '.join(releases)})",
        )


def _check_ids(item: CodeFile) -> Iterator[ContentIssue]:
    c = item.model
    sections: dict[str, list[Any]] = {"tips": c.tips, "denials": c.denials, "faqs": c.faqs}
    for section, entries in sections.items():
        first: dict[str, int] = {}
        for index, entry in enumerate(entries):
            if entry.id in first:
                yield item.issue(
                    f"{section}[{index}].id",
                    f"id {entry.id!r} is already used by "
                    f"{section}[{first[entry.id]}]; ids must be unique (they are page anchors)",
                )
            else:
                first[entry.id] = index


def _check_sources(item: CodeFile, strict: bool) -> Iterator[ContentIssue]:
    c = item.model
    cited: list[tuple[str, list[str] | None]] = [
        *((f"tips[{i}].source", tip.source) for i, tip in enumerate(c.tips)),
        *((f"denials[{i}].source", denial.source) for i, denial in enumerate(c.denials)),
        *((f"faqs[{i}].source", faq.source) for i, faq in enumerate(c.faqs)),
    ]
    yield from check_sources(item, c.sources, cited, strict=strict)


def _normalise_question(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip("?").strip()


def _check_faq_questions(item: CodeFile) -> Iterator[ContentIssue]:
    first: dict[str, int] = {}
    for index, faq in enumerate(item.model.faqs):
        key = _normalise_question(faq.question)
        if key in first:
            yield item.issue(f"faqs[{index}].question", f"repeats the question of faqs[{first[key]}]")
        else:
            first[key] = index


def _text_fields(c: CodeContent) -> Iterator[tuple[str, str]]:
    yield "name", c.name
    yield "summary", c.summary
    for i, tip in enumerate(c.tips):
        yield f"tips[{i}].tip", tip.tip
        yield f"tips[{i}].impact", tip.impact
    for i, denial in enumerate(c.denials):
        yield f"denials[{i}].reason", denial.reason
        yield f"denials[{i}].appeal", denial.appeal
    for i, faq in enumerate(c.faqs):
        yield f"faqs[{i}].question", faq.question
        yield f"faqs[{i}].answer", faq.answer


def _check_numbers(item: CodeFile) -> Iterator[ContentIssue]:
    for field, text in _text_fields(item.model):
        figure = typed_figure(text)
        if figure:
            yield item.issue(field, figure_message(figure))


# --------------------------------------------------------------------------- across files


@dataclass(frozen=True)
class Codes:
    """The codes of the content folder: valid ones, and every file name (valid or not)."""

    valid: dict[str, CodeContent]
    files: frozenset[str]

    def missing(self, code: str) -> bool:
        """No file at all (a file with its own errors is reported once, in that file)."""
        return code not in self.files

    def get(self, code: str) -> CodeContent | None:
        return self.valid.get(code)


def _no_file(code: str, what: str) -> str:
    return f"{what} {code} has no content file (content/{code}.yaml)"


def check_links(item: CodeFile, codes: Codes) -> Iterator[ContentIssue]:
    c = item.model
    for index, code in enumerate(c.related):
        if code == c.code:
            yield item.issue(f"related[{index}]", "a code cannot be related to itself")
        elif code in c.related[:index]:
            yield item.issue(f"related[{index}]", f"{code} is listed twice")
        elif codes.missing(code):
            yield item.issue(f"related[{index}]", _no_file(code, "code"))
    if c.addon_of is not None and codes.missing(c.addon_of):
        yield item.issue("addon_of", _no_file(c.addon_of, "the primary code"))
    rule = c.unit_rule
    if isinstance(rule, HourBlockAddon):
        yield from _check_addon_rule(item, rule, codes)
    elif c.addon_of is not None:
        yield item.issue("unit_rule.type", "an add-on code (addon_of is set) needs type hour_block_addon")
    if isinstance(rule, HourBlock):
        yield from _check_block_rule(item, rule, codes)


def _check_addon_rule(item: CodeFile, rule: HourBlockAddon, codes: Codes) -> Iterator[ContentIssue]:
    c = item.model
    if c.addon_of is None:
        yield item.issue("addon_of", f'this add-on code must name its primary: addon_of: "{rule.primary}"')
    elif c.addon_of != rule.primary:
        yield item.issue(
            "unit_rule.primary", f"is {rule.primary} but addon_of is {c.addon_of}; they must be the same code"
        )
    yield from _check_partner(
        item,
        "unit_rule.primary",
        rule.primary,
        codes,
        ("primary", "the primary code", f'hour_block with addon: "{c.code}"'),
        lambda other: isinstance(other, HourBlock) and other.addon == c.code,
    )


def _check_block_rule(item: CodeFile, rule: HourBlock, codes: Codes) -> Iterator[ContentIssue]:
    c = item.model
    if rule.initial_threshold_minutes > rule.initial_minutes:
        yield item.issue("unit_rule.initial_threshold_minutes", "cannot be more than initial_minutes")
    if rule.addon_threshold_minutes > rule.addon_minutes:
        yield item.issue("unit_rule.addon_threshold_minutes", "cannot be more than addon_minutes")
    yield from _check_partner(
        item,
        "unit_rule.addon",
        rule.addon,
        codes,
        ("add-on", "the add-on code", f'hour_block_addon with primary: "{c.code}"'),
        lambda other: isinstance(other, HourBlockAddon) and other.primary == c.code,
    )


def _check_partner(
    item: CodeFile,
    field: str,
    partner: str,
    codes: Codes,
    words: tuple[str, str, str],
    points_back: Callable[[object], bool],
) -> Iterator[ContentIssue]:
    """The other code of a block pair: not the code itself, with a file, and its unit rule naming
    this code back (``words``: its role, how a missing file names it, the rule it must have)."""
    role, missing_name, expected = words
    other = codes.get(partner)
    if partner == item.model.code:
        yield item.issue(field, f"a code cannot be its own {role}")
    elif codes.missing(partner):
        yield item.issue(field, _no_file(partner, missing_name))
    elif other is not None and not points_back(other.unit_rule):
        yield item.issue(field, f"{partner}'s unit rule must be type {expected}")
