"""The content model: what a code file under ``content/`` may hold (pydantic, strict).

Unknown fields are refused (a typo such as ``apeal:`` is caught, not silently dropped) and
every model is frozen. The checks that need more than one field or more than one file live in
``macros/crosscheck.py``; reading files and reporting schema errors in ``macros/reading.py``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

#: What each confidence level promises the reader (shown on every code page).
CONFIDENCE_MEANINGS: dict[str, str] = {
    "high": (
        "Every fact on this page was checked against the cited CMS files or manuals for the "
        "data release shown."
    ),
    "medium": (
        "The main facts were checked against CMS sources; some tips reflect common payer "
        "practice that varies by payer and contract."
    ),
    "low": (
        "Draft guidance: not yet fully checked against the sources. Confirm with the payer "
        "before relying on it."
    ),
}

UNIT_RULE_TYPES = ("timed_15", "untimed", "hour_block", "hour_block_addon", "per_hour")

# Level I CPT (97110), Category II/III and PLA/MAAA (0001F, 0591T, 0001U, 0002M), HCPCS
# Level II (G0283): the 5-character codes of the RVU file.
HCPCS_RE = re.compile(r"^(?:\d{5}|\d{4}[FTUM]|[A-Z]\d{4})$")
RELEASE_RE = re.compile(r"^RVU(\d{2})([A-Z])$")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _code_text(value: Any) -> Any:
    """Refuse unquoted YAML numbers for codes: ``01234`` would silently lose its zero."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'write the code in quotes, like "{value:05d}"')
    return value


def _one_or_many(value: Any) -> Any:
    """``source: key`` and ``source: [a, b]`` both mean a list of source keys."""
    return [value] if isinstance(value, str) else value


#: Longest text field (characters): the longest answer in content is about 1,000; a field
#: past this is a paste gone wrong, and would make a page no one reads.
MAX_FIELD_CHARS = 4000


def _inline_figures(text: str) -> str:
    """``[[program:KEY]]`` in a text must name a figure calc answers (macros/figures.py)."""
    if "[[program:" in text:
        from macros.figures import inline_figure_problems  # asks calc; imported late

        problems = inline_figure_problems(text)
        if problems:
            raise ValueError("; ".join(problems))
    return text


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_FIELD_CHARS),
    AfterValidator(_inline_figures),
]
Code = Annotated[
    str,
    BeforeValidator(_code_text),
    StringConstraints(strip_whitespace=True, pattern=HCPCS_RE.pattern),
]
Slug = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80, pattern=ID_RE.pattern)]
SourceKeys = Annotated[list[Slug], BeforeValidator(_one_or_many), Field(min_length=1)]
Release = Annotated[str, StringConstraints(strip_whitespace=True, pattern=RELEASE_RE.pattern)]
Minutes = Annotated[int, Field(gt=0, strict=True)]


#: A link from an entry, a family or guide section or a remittance code to an exact place:
#: ``97546`` (a code page), ``97546#tip-bill-with-97545`` (one entry of it),
#: ``remittance#carc-co-97`` (one remittance code), ``guides/kx-threshold`` (a guide) or
#: ``guides/kx-threshold#when-to-add-kx`` (one of its sections). Checked to exist.
REF_RE = re.compile(
    r"^(?:(?P<code>\d{5}|\d{4}[FTUM]|[A-Z]\d{4})(?:#(?P<entry>(?:tip|denial|faq)-[a-z0-9]+(?:-[a-z0-9]+)*))?"
    r"|remittance#(?P<remittance>(?:carc-[a-z]{2}|rarc)-[a-z0-9]+)"
    r"|guides/(?P<guide>[a-z0-9]+(?:-[a-z0-9]+)*)(?:#(?P<section>[a-z0-9]+(?:-[a-z0-9]+)*))?)$"
)
Ref = Annotated[str, StringConstraints(strip_whitespace=True, pattern=REF_RE.pattern)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- unit rules


class Timed15(Strict):
    """Timed code billed in 15-minute units (CMS total-time or AMA midpoint method)."""

    type: Literal["timed_15"]


class Untimed(Strict):
    """Service code: one unit per session whatever its length."""

    type: Literal["untimed"]


class HourBlock(Strict):
    """A first block of minutes billed once, then an add-on code per further block of the
    add-on's own length (97545 + 97546: 2 hours, then hours; 92607 + 92608: an hour, then 30
    minutes; 97550 + 97551: 30 minutes, then 15; 97129 + 97130: 15, then 15). ``timed_pool``
    puts the pair in Medicare's day total of 15-minute timed minutes; only 15-minute units
    counted from 8 minutes may (CMS 100-04 ch. 5 §20.2; ``calc.rules.HourBlockRule``)."""

    type: Literal["hour_block"]
    initial_minutes: Minutes
    initial_threshold_minutes: Minutes
    addon: Code
    addon_minutes: Minutes
    addon_threshold_minutes: Minutes
    timed_pool: Annotated[bool, Field(strict=True)] = False

    @model_validator(mode="after")
    def _pool_is_15_minute_units(self) -> HourBlock:
        settings = (
            self.initial_minutes,
            self.initial_threshold_minutes,
            self.addon_minutes,
            self.addon_threshold_minutes,
        )
        if self.timed_pool and settings != POOLED_BLOCK:
            raise ValueError(
                "timed_pool: true needs 15-minute units counted from 8 minutes: initial_minutes 15, "
                "initial_threshold_minutes 8, addon_minutes 15, addon_threshold_minutes 8"
            )
        return self


class HourBlockAddon(Strict):
    """The add-on of a first block; its units are counted from its primary's session."""

    type: Literal["hour_block_addon"]
    primary: Code


class PerHour(Strict):
    """A code billed in units of itself per hour of its time (96105, 96125): a unit from
    ``threshold_minutes`` (31, past the midpoint), one more per further hour reaching it again;
    outside the 15-minute pool (CMS 100-04 ch. 5 §20.2 counts 15-minute codes only)."""

    type: Literal["per_hour"]
    unit_minutes: Minutes = 60
    threshold_minutes: Minutes = 31

    @model_validator(mode="after")
    def _threshold_within_unit(self) -> PerHour:
        if self.threshold_minutes > self.unit_minutes:
            raise ValueError(
                f"threshold_minutes {self.threshold_minutes} cannot be more than unit_minutes {self.unit_minutes}"
            )
        return self


#: The only settings of a pooled first-block pair (see ``HourBlock``).
POOLED_BLOCK = (15, 8, 15, 8)

UnitRule = Annotated[Timed15 | Untimed | HourBlock | HourBlockAddon | PerHour, Field(discriminator="type")]


# --------------------------------------------------------------------------- entries


class Tip(Strict):
    """A billing tip; ``impact`` says what it changes for the claim or the payment."""

    id: Slug
    tip: Text
    impact: Text
    source: SourceKeys
    see: list[Ref] = Field(default_factory=list)


class Denial(Strict):
    """A common denial reason and how to appeal it."""

    id: Slug
    reason: Text
    appeal: Text
    source: SourceKeys
    see: list[Ref] = Field(default_factory=list)


class Faq(Strict):
    """A question clerks ask; ``source`` names the keys that back the answer."""

    id: Slug
    question: Text
    answer: Text
    source: SourceKeys
    see: list[Ref] = Field(default_factory=list)


class Source(Strict):
    title: Text
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https://\S+$")]
    cites: Text | None = None


class CodeContent(Strict):
    """One ``content/<code>.yaml`` file, validated.

    ``source`` on tips and denials is always a list of keys into ``sources``.
    Anchors on the page: ``#tip-<id>``, ``#denial-<id>``, ``#faq-<id>``.
    """

    code: Code
    name: Text
    summary: Text
    family: Slug
    related: list[Code] = Field(default_factory=list)
    addon_of: Code | None = None
    unit_rule: UnitRule
    tips: list[Tip] = Field(min_length=1)
    denials: list[Denial] = Field(default_factory=list)
    faqs: list[Faq] = Field(default_factory=list)
    sources: dict[Slug, Source] = Field(min_length=1)
    last_reviewed: date
    confidence: Literal["high", "medium", "low"]
    data_release: Release

    @property
    def confidence_meaning(self) -> str:
        return CONFIDENCE_MEANINGS[self.confidence]


# --------------------------------------------------------------------------- pages of text


class TableShow(Strict):
    """A code's units table, its status and national amounts, or its calculators."""

    table: Literal["units", "fee", "calculator"]
    code: Code


#: A program figure key as calc's ``{"kind": "program"}`` answer holds it: dotted, a list of
#: steps found by its step name in snake case (``appeal_deadlines.redetermination``).
FIGURE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$")
FigureKey = Annotated[str, StringConstraints(strip_whitespace=True, pattern=FIGURE_KEY_RE.pattern)]
Year = Annotated[int, Field(ge=2000, le=2100, strict=True)]


def _program_keys_known(keys: list[str], year: int | None) -> list[str]:
    from macros.figures import unknown_figure  # calc's answer; imported late (figures reads the model)

    problems = [problem for key in keys if (problem := unknown_figure(key, year))]
    if problems:
        raise ValueError("; ".join(problems))
    return keys


class ProgramShow(Strict):
    """A small table of yearly program figures with their sources, from calc's program answer:
    ``show: {program: [kx_threshold, targeted_review_threshold], year: 2026}``."""

    program: Annotated[list[FigureKey], Field(min_length=1, max_length=20)]
    year: Year | None = None

    @model_validator(mode="after")
    def _known(self) -> ProgramShow:
        _program_keys_known(self.program, self.year)
        return self


def _pair_code(value: Any) -> Any:
    """``[97110, 33]``: a five-digit number is a code (no leading zero to lose)."""
    if isinstance(value, int) and not isinstance(value, bool) and 10000 <= value <= 99999:
        return str(value)
    return _code_text(value)


PairCode = Annotated[str, BeforeValidator(_pair_code), StringConstraints(pattern=HCPCS_RE.pattern)]


class UnitsCompareShow(Strict):
    """The CMS total-time method and the per-code method side by side for the same minutes,
    from two calc ``units`` requests: ``show: {units_compare: [[97110, 33], [97140, 7]]}``."""

    units_compare: Annotated[list[tuple[PairCode, Minutes]], Field(min_length=1, max_length=12)]


class VisitShow(Strict):
    """A worked visit (lines, totals, steps) from calc's ``{"kind": "visit"}`` answer: the
    mapping is the visit request without ``kind`` (checked with calc when the file is read)."""

    visit: dict[str, Any]

    @model_validator(mode="after")
    def _calc_accepts(self) -> VisitShow:
        from macros.figures import visit_problem  # calc's answer; imported late

        problem = visit_problem(self.visit)
        if problem:
            raise ValueError(problem)
        return self


def _show_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for kind in ("table", "program", "units_compare", "visit"):
            if kind in value:
                return kind
    if isinstance(value, BaseModel):
        return {TableShow: "table", ProgramShow: "program", UnitsCompareShow: "units_compare"}.get(
            type(value), "visit"
        )
    return None


#: A block calc computes at build time under a section (never typed by an author): one of
#: ``table`` (with ``code``), ``program``, ``units_compare`` or ``visit``.
Show = Annotated[
    Annotated[TableShow, Tag("table")]
    | Annotated[ProgramShow, Tag("program")]
    | Annotated[UnitsCompareShow, Tag("units_compare")]
    | Annotated[VisitShow, Tag("visit")],
    Discriminator(
        _show_kind,
        custom_error_type="show_kind",
        custom_error_message="show needs one of table (with code), program, units_compare or visit",
    ),
]


class Section(Strict):
    """A headed part of a family or guide page: plain paragraphs (blank line between them),
    the sources that back them, optional links to exact entries and a calc-computed block."""

    id: Slug
    heading: Text
    text: Text
    source: SourceKeys
    see: list[Ref] = Field(default_factory=list)
    show: Show | None = None

    @property
    def paragraphs(self) -> list[str]:
        # YAML folds a blank line of a >- (or plain) text into one line break.
        return [" ".join(part.split()) for part in self.text.split("\n") if part.strip()]


#: How a family's codes count units, checked against every member's unit rule (a family text
#: calling its codes untimed while one of them is timed is the contradiction this catches).
UNIT_KINDS: dict[str, tuple[str, ...]] = {
    "timed": ("timed_15",),
    "untimed": ("untimed",),
    "hour_block": ("hour_block", "hour_block_addon"),
    "mixed": UNIT_RULE_TYPES,
}


class Family(Strict):
    """One ``content/families/<slug>.yaml``: the text of a family page (its code list, units
    and amounts come from the code files and calc)."""

    name: Text
    summary: Text
    unit_kind: Literal["timed", "untimed", "hour_block", "mixed"]
    sections: list[Section] = Field(default_factory=list)
    sources: dict[Slug, Source] = Field(min_length=1)
    source: SourceKeys
    last_reviewed: date


class Guide(Strict):
    """One ``content/guides/<slug>.yaml``: a page about a rule that spans codes."""

    title: Text
    summary: Text
    sections: list[Section] = Field(min_length=1)
    sources: dict[Slug, Source] = Field(min_length=1)
    source: SourceKeys
    last_reviewed: date


class DeletedCode(Strict):
    """A code file with ``status: deleted``: a code clerks still meet on old superbills.

    It must be absent from every imported release; ``replaced_by`` codes must have pages.
    """

    code: Code
    status: Literal["deleted"]
    name: Text
    summary: Text
    deleted: date
    replaced_by: list[Code] = Field(default_factory=list)
    claim_result: Text
    source: SourceKeys
    sources: dict[Slug, Source] = Field(min_length=1)
    last_reviewed: date
    confidence: Literal["high", "medium", "low"]


REMITTANCE_GROUPS = ("CO", "PR", "OA", "PI", "CR")


class RemittanceCode(Strict):
    """One claim adjustment reason code under its group (``group: CO``, ``code: "97"``), or a
    remittance advice remark code (no group, ``code: N386``), in our own words."""

    group: Literal["CO", "PR", "OA", "PI", "CR"] | None = None
    code: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^(?:[A-Z]?\d{1,3}|[MN]A?\d{1,3})$")
    ]
    meaning: Text
    action: Text
    source: SourceKeys
    see: list[Ref] = Field(default_factory=list)

    @property
    def anchor(self) -> str:
        """``carc-co-97`` for a reason code, ``rarc-n386`` for a remark code."""
        if self.group is None:
            return f"rarc-{self.code.lower()}"
        return f"carc-{self.group.lower()}-{self.code.lower()}"

    @property
    def label(self) -> str:
        """As printed on a remittance: ``CO-97``, or ``N386``."""
        return f"{self.group}-{self.code}" if self.group else self.code


class Remittance(Strict):
    """``content/remittance.yaml``: the remittance codes therapy claims commonly receive."""

    codes: list[RemittanceCode] = Field(min_length=1)
    sources: dict[Slug, Source] = Field(min_length=1)
    last_reviewed: date


#: Every model a content file is made of (for "did you mean" hints on unknown fields).
MODELS: tuple[type[BaseModel], ...] = (
    CodeContent,
    Tip,
    Denial,
    Faq,
    Source,
    Timed15,
    Untimed,
    HourBlock,
    HourBlockAddon,
    PerHour,
    TableShow,
    ProgramShow,
    UnitsCompareShow,
    VisitShow,
    Section,
    Family,
    Guide,
    DeletedCode,
    RemittanceCode,
    Remittance,
)


def unit_rules(contents: dict[str, CodeContent]) -> dict[str, dict[str, Any]]:
    """Each code's unit rule as the plain dict that calc/data/unit_rules.json holds (settings
    left at their defaults, such as ``timed_pool: false``, are left out: calc has the same)."""
    return {code: contents[code].unit_rule.model_dump(exclude_defaults=True) for code in sorted(contents)}
