"""The content model: one YAML file per code under ``content/``, validated all at once.

Public API (used by the site, tools/content.py and tools/compile_rules.py):

- ``load_content(content_dir=CONTENT_DIR, today=None, *, releases=None) -> dict[str,
  CodeContent]``: every code's validated content, sorted by code; or raises
  :class:`ContentError`, whose ``.errors`` is a list of :class:`ContentIssue` (``file``,
  ``field`` such as ``tips[2].impact``, ``message``, ``line``) and whose ``str()`` lists them
  one a line (``content/97546.yaml:14: tips[2].impact: ...``). Never stops at the first.
- ``validate_content(...)`` the same without raising: ``(valid contents, issues)``.
- ``CONFIDENCE_MEANINGS``: what high, medium and low promise the reader.
- ``unit_rules(contents)``: the dicts that calc/data/unit_rules.json holds.
- ``imported_releases()``, ``release_key(name)``: the RVU releases in calc/data, their order.

Checks run in two stages:

1. Each file on its own: YAML syntax (duplicate keys refused), scaffold ``TODO``
   placeholders, then the pydantic schema (unknown fields refused, so a typo such as
   ``apeal:`` is caught, not silently dropped).
2. Across files: related, add-on and primary codes exist and point back to each other,
   cited sources are defined, ids and FAQ questions are unique, the review date is not in
   the future, the data release is the newest one imported into calc/data, and no
   fee-schedule number is typed into the text (those come from the CMS data).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
CALC_DATA_DIR = REPO_ROOT / "calc" / "data"
CONTENT_DIR = REPO_ROOT / "content"

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

UNIT_RULE_TYPES = ("timed_15", "untimed", "hour_block", "hour_block_addon")

# Level I CPT (97110), Category II/III and PLA/MAAA (0001F, 0591T, 0001U, 0002M), HCPCS
# Level II (G0283): the 5-character codes of the RVU file.
HCPCS_RE = re.compile(r"^(?:\d{5}|\d{4}[FTUM]|[A-Z]\d{4})$")
RELEASE_RE = re.compile(r"^RVU(\d{2})([A-Z])$")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Fee-schedule figures typed into prose: "$26.83", "$ 40", "0.45 RVUs", "1.23 work RVU".
DOLLAR_RE = re.compile(r"\$\s*\d[\d,]*(?:\.\d+)?")
RVU_NUMBER_RE = re.compile(r"\b\d*\.\d+\s*(?:total\s+|work\s+|PE\s+|MP\s+)?RVUs?\b", re.I)


# --------------------------------------------------------------------------- field types


def _code_text(value: Any) -> Any:
    """Refuse unquoted YAML numbers for codes: ``01234`` would silently lose its zero."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'write the code in quotes, like "{value:05d}"')
    return value


def _one_or_many(value: Any) -> Any:
    """``source: key`` and ``source: [a, b]`` both mean a list of source keys."""
    return [value] if isinstance(value, str) else value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[
    str,
    BeforeValidator(_code_text),
    StringConstraints(strip_whitespace=True, pattern=HCPCS_RE.pattern),
]
Slug = Annotated[str, StringConstraints(strip_whitespace=True, pattern=ID_RE.pattern)]
SourceKeys = Annotated[list[Slug], BeforeValidator(_one_or_many), Field(min_length=1)]
Release = Annotated[str, StringConstraints(strip_whitespace=True, pattern=RELEASE_RE.pattern)]
Minutes = Annotated[int, Field(gt=0, strict=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- unit rules


class Timed15(_Strict):
    """Timed code billed in 15-minute units (CMS total-time or AMA midpoint method)."""

    type: Literal["timed_15"]


class Untimed(_Strict):
    """Service code: one unit per session whatever its length."""

    type: Literal["untimed"]


class HourBlock(_Strict):
    """Initial block of minutes plus an add-on code per additional hour (97545 + 97546)."""

    type: Literal["hour_block"]
    initial_minutes: Minutes
    initial_threshold_minutes: Minutes
    addon: Code
    addon_minutes: Minutes
    addon_threshold_minutes: Minutes


class HourBlockAddon(_Strict):
    """The add-on hour of an hour block; its units are counted from its primary's session."""

    type: Literal["hour_block_addon"]
    primary: Code


UnitRule = Annotated[Timed15 | Untimed | HourBlock | HourBlockAddon, Field(discriminator="type")]


# --------------------------------------------------------------------------- entries


class Tip(_Strict):
    """A billing tip; ``impact`` says what it changes for the claim or the payment."""

    id: Slug
    tip: Text
    impact: Text
    source: SourceKeys


class Denial(_Strict):
    """A common denial reason and how to appeal it."""

    id: Slug
    reason: Text
    appeal: Text
    source: SourceKeys


class Faq(_Strict):
    """A question clerks ask; ``source`` names the keys that back the answer."""

    id: Slug
    question: Text
    answer: Text
    # Optional while the existing FAQs are being sourced (issue 7); becomes required after.
    source: SourceKeys | None = None


class Source(_Strict):
    title: Text
    url: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https://\S+$")]
    cites: Text | None = None


class CodeContent(_Strict):
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


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class ContentIssue:
    """One problem: the file, the field path (``tips[2].impact``) and what is wrong."""

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContentError(Exception):
    """Raised by :func:`load_content` with every problem found across every file."""

    def __init__(self, errors: list[ContentIssue]) -> None:
        self.errors = errors
        super().__init__(self._describe())

    def _describe(self) -> str:
        count = len(self.errors)
        head = f"{count} content error{'s' if count != 1 else ''}:"
        return "\n".join([head, *(f"  {issue}" for issue in self.errors)])

    def __str__(self) -> str:
        return self._describe()


# --------------------------------------------------------------------------- YAML


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader that refuses a key given twice in one mapping (the second would win)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {key!r} is given twice (first on line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _field_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Map each field path (as a pydantic location) to its 1-based line, for error messages."""
    lines: dict[tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key_path = path + (key_node.value,)
                lines[key_path] = key_node.start_mark.line + 1
                walk(value_node, key_path)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


def _parse_yaml(text: str, file: str) -> tuple[Any, list[ContentIssue]]:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        if exc.context and "twice" not in problem:
            problem = f"{exc.context}, {problem}"
        return None, [ContentIssue(file, "", f"not valid YAML: {problem}", line)]
    except yaml.YAMLError as exc:
        return None, [ContentIssue(file, "", f"not valid YAML: {exc}")]
    if data is None:
        return None, [ContentIssue(file, "", "the file is empty")]
    if not isinstance(data, dict):
        return None, [
            ContentIssue(
                file,
                "",
                f"the file must be a mapping of fields (code:, name:, ...), not a {type(data).__name__}",
                1,
            )
        ]
    return data, []


# --------------------------------------------------------------------------- schema errors

_FRIENDLY_MISSING = {
    "impact": "a tip needs its impact: what it changes for the claim or the payment",
    "appeal": "a denial needs how to appeal it",
    "source": "needs a source: a key (or list of keys) from sources",
}


def _field_path(loc: tuple[Any, ...]) -> str:
    """``('tips', 2, 'impact')`` -> ``tips[2].impact``; drops union tags such as ``hour_block``."""
    parts: list[str] = []
    previous: Any = None
    for item in loc:
        if (previous == "unit_rule" and item in UNIT_RULE_TYPES) or item == "[key]":
            previous = item
            continue
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
        previous = item
    return "".join(parts)


def _schema_message(err: dict[str, Any]) -> str:
    kind = err["type"]
    loc = err["loc"]
    last = loc[-1] if loc else ""
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _FRIENDLY_MISSING.get(str(last), "this field is required")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(last), _all_field_names(), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "see DESIGN.md's content file"
        return f"unknown field ({hint})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("too_short",):
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return _pattern_message(loc, err.get("input"))
    if kind == "string_type":
        return "must be text"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "type must be one of: " + ", ".join(UNIT_RULE_TYPES)
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected', '')}".replace("'", "")
    if kind.startswith("date"):
        return "must be a date written like 2026-11-27"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be a whole number of minutes"
    if kind == "greater_than":
        return "must be more than 0"
    if kind in ("list_type",):
        return "must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a mapping of fields"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(err["msg"])


def _all_field_names() -> list[str]:
    models: tuple[type[BaseModel], ...] = (
        CodeContent,
        Tip,
        Denial,
        Faq,
        Source,
        Timed15,
        Untimed,
        HourBlock,
        HourBlockAddon,
    )
    return sorted({name for model in models for name in model.model_fields})


def _pattern_message(loc: tuple[Any, ...], value: Any) -> str:
    names = {str(item) for item in loc if not isinstance(item, int)}
    if names & {"code", "related", "addon_of", "addon", "primary"}:
        return f"{value!r} is not a HCPCS code (5 digits, or a capital letter and 4 digits)"
    if "data_release" in names:
        return f"{value!r} is not a release name such as RVU26C"
    if "url" in names:
        return f"{value!r} is not a full https:// address"
    return f"{value!r} must be lowercase words joined by hyphens (like bill-with-97545)"


PLACEHOLDER = "TODO"


def _placeholders(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of every value (or mapping key) still holding the scaffold's TODO placeholder."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and PLACEHOLDER in key:
                yield path + (key,)
            yield from _placeholders(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _placeholders(item, path + (index,))
    elif isinstance(value, str) and PLACEHOLDER in value:
        yield path


def _placeholder_issues(data: dict[str, Any], file: str, text: str) -> list[ContentIssue]:
    paths = list(_placeholders(data))
    if not paths:
        return []
    lines = _field_lines(text)
    return [
        ContentIssue(
            file,
            _field_path(path),
            f"still holds the {PLACEHOLDER} placeholder: write the real value",
            _line_of(lines, path),
        )
        for path in paths
    ]


def _schema_issues(
    exc: ValidationError, file: str, text: str, skip: Iterable[ContentIssue] = ()
) -> list[ContentIssue]:
    """Pydantic's errors in plain words, minus those at a field already reported in ``skip``."""
    lines = _field_lines(text)
    reported = [issue.field for issue in skip]
    issues = []
    for err in exc.errors():
        loc = tuple(item for item in err["loc"])
        field = _field_path(loc)
        if err["type"] == "union_tag_invalid":
            field += ".type"  # the unit rule's type is the field at fault
        if any(field == f or field.startswith((f + ".", f + "[")) for f in reported):
            continue
        plain_loc = tuple(i for i in loc if i not in UNIT_RULE_TYPES)
        line = _line_of(lines, plain_loc)
        message = _schema_message(dict(err))
        issues.append(ContentIssue(file, _field_path(loc), message, line))
    return issues


# --------------------------------------------------------------------------- releases


def release_key(name: str) -> tuple[int, str]:
    """Order releases by year, then letter: RVU25D comes before RVU26A.

    >>> sorted(["RVU26C", "RVU25D", "RVU26A"], key=release_key)
    ['RVU25D', 'RVU26A', 'RVU26C']
    """
    match = RELEASE_RE.match(name)
    if not match:
        raise ValueError(f"not a release name: {name!r}")
    return int(match.group(1)), match.group(2)


def imported_releases(data_dir: Path = CALC_DATA_DIR) -> list[str]:
    """Names of the RVU releases imported into calc/data (``releases.json``), oldest first.

    ``releases.json`` is written by tools/import_cms.py: ``{"years": {"2026": {"rvu":
    "RVU26C", ...}, ...}}``. No file means nothing imported yet: no release check.
    """
    try:
        manifest = json.loads((data_dir / "releases.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    years = manifest.get("years", {})
    names = {year["rvu"] for year in years.values() if RELEASE_RE.match(year.get("rvu") or "")}
    return sorted(names, key=release_key)


# --------------------------------------------------------------------------- cross-checks


def _issue(content: _Located, field: str, message: str) -> ContentIssue:
    return ContentIssue(content.file, field, message, _line_of(content.lines, _loc_of(field)))


def _line_of(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    """The line of a field, or of the nearest enclosing one when the field is absent."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _loc_of(field: str) -> tuple[Any, ...]:
    """``tips[2].impact`` -> ``('tips', 2, 'impact')`` (to look up its line)."""
    loc: list[Any] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        loc.append(int(index) if index else name)
    return tuple(loc)


@dataclass
class _Located:
    """A validated file with what error messages need: its display path and line numbers."""

    file: str
    stem: str
    text: str
    model: CodeContent
    _lines: dict[tuple[Any, ...], int] | None = None

    @property
    def lines(self) -> dict[tuple[Any, ...], int]:
        if self._lines is None:  # parsed only when a cross-check found something
            self._lines = _field_lines(self.text)
        return self._lines


def _check_file(item: _Located, today: date, releases: list[str]) -> Iterator[ContentIssue]:
    c = item.model
    if c.code != item.stem:
        yield _issue(item, "code", f"is {c.code!r} but the file is named {item.stem}.yaml; they must match")
    yield from _check_ids(item)
    yield from _check_sources(item)
    yield from _check_faq_questions(item)
    if c.last_reviewed > today:
        yield _issue(
            item,
            "last_reviewed",
            f"{c.last_reviewed.isoformat()} is in the future (today is {today.isoformat()})",
        )
    yield from _check_release(item, releases)
    yield from _check_numbers(item)


def _check_release(item: _Located, releases: list[str]) -> Iterator[ContentIssue]:
    """The facts must be checked against the newest release the site shows (releases.json)."""
    if not releases:
        return
    release, newest = item.model.data_release, releases[-1]
    if release_key(release) < release_key(newest):
        yield _issue(
            item,
            "data_release",
            f"{release} is older than the newest imported "
            f"release {newest}: re-check the facts against it and update data_release",
        )
    elif release not in releases:
        yield _issue(
            item,
            "data_release",
            f"{release} is not a release imported into calc/data (imported: {', '.join(releases)})",
        )


def _check_ids(item: _Located) -> Iterator[ContentIssue]:
    c = item.model
    sections: dict[str, list[Any]] = {"tips": c.tips, "denials": c.denials, "faqs": c.faqs}
    for section, entries in sections.items():
        first: dict[str, int] = {}
        for index, entry in enumerate(entries):
            if entry.id in first:
                yield _issue(
                    item,
                    f"{section}[{index}].id",
                    f"id {entry.id!r} is already used by "
                    f"{section}[{first[entry.id]}]; ids must be unique (they are page anchors)",
                )
            else:
                first[entry.id] = index


def _check_sources(item: _Located) -> Iterator[ContentIssue]:
    c = item.model
    defined = set(c.sources)
    cited: list[tuple[str, list[str]]] = [
        *((f"tips[{i}].source", tip.source) for i, tip in enumerate(c.tips)),
        *((f"denials[{i}].source", denial.source) for i, denial in enumerate(c.denials)),
        *((f"faqs[{i}].source", faq.source) for i, faq in enumerate(c.faqs) if faq.source),
    ]
    for field, keys in cited:
        for key in keys:
            if key not in defined:
                yield _issue(item, field, f"source {key!r} is not defined under sources")


def _normalise_question(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip("?").strip()


def _check_faq_questions(item: _Located) -> Iterator[ContentIssue]:
    first: dict[str, int] = {}
    for index, faq in enumerate(item.model.faqs):
        key = _normalise_question(faq.question)
        if key in first:
            yield _issue(item, f"faqs[{index}].question", f"repeats the question of faqs[{first[key]}]")
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


def _check_numbers(item: _Located) -> Iterator[ContentIssue]:
    for field, text in _text_fields(item.model):
        match = DOLLAR_RE.search(text) or RVU_NUMBER_RE.search(text)
        if match:
            yield _issue(
                item,
                field,
                f"contains {match.group(0)!r}: fee-schedule numbers come "
                "from the CMS data, not content (the page shows them from calc/)",
            )


@dataclass(frozen=True)
class _Codes:
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


def _check_links(item: _Located, codes: _Codes) -> Iterator[ContentIssue]:
    c = item.model
    for index, code in enumerate(c.related):
        if code == c.code:
            yield _issue(item, f"related[{index}]", "a code cannot be related to itself")
        elif code in c.related[:index]:
            yield _issue(item, f"related[{index}]", f"{code} is listed twice")
        elif codes.missing(code):
            yield _issue(item, f"related[{index}]", _no_file(code, "code"))
    if c.addon_of is not None and codes.missing(c.addon_of):
        yield _issue(item, "addon_of", _no_file(c.addon_of, "the primary code"))
    rule = c.unit_rule
    if isinstance(rule, HourBlockAddon):
        yield from _check_addon_rule(item, rule, codes)
    elif c.addon_of is not None:
        yield _issue(item, "unit_rule.type", "an add-on code (addon_of is set) needs type hour_block_addon")
    if isinstance(rule, HourBlock):
        yield from _check_block_rule(item, rule, codes)


def _check_addon_rule(item: _Located, rule: HourBlockAddon, codes: _Codes) -> Iterator[ContentIssue]:
    c = item.model
    if c.addon_of is None:
        yield _issue(item, "addon_of", f'this add-on code must name its primary: addon_of: "{rule.primary}"')
    elif c.addon_of != rule.primary:
        yield _issue(
            item,
            "unit_rule.primary",
            f"is {rule.primary} but addon_of is {c.addon_of}; they must be the same code",
        )
    primary = codes.get(rule.primary)
    if rule.primary == c.code:
        yield _issue(item, "unit_rule.primary", "a code cannot be its own primary")
    elif codes.missing(rule.primary):
        yield _issue(item, "unit_rule.primary", _no_file(rule.primary, "the primary code"))
    elif primary is not None and (
        not isinstance(primary.unit_rule, HourBlock) or primary.unit_rule.addon != c.code
    ):
        yield _issue(
            item,
            "unit_rule.primary",
            f'{rule.primary}\'s unit rule must be type hour_block with addon: "{c.code}"',
        )


def _check_block_rule(item: _Located, rule: HourBlock, codes: _Codes) -> Iterator[ContentIssue]:
    c = item.model
    if rule.initial_threshold_minutes > rule.initial_minutes:
        yield _issue(item, "unit_rule.initial_threshold_minutes", "cannot be more than initial_minutes")
    if rule.addon_threshold_minutes > rule.addon_minutes:
        yield _issue(item, "unit_rule.addon_threshold_minutes", "cannot be more than addon_minutes")
    addon = codes.get(rule.addon)
    if rule.addon == c.code:
        yield _issue(item, "unit_rule.addon", "a code cannot be its own add-on")
    elif codes.missing(rule.addon):
        yield _issue(item, "unit_rule.addon", _no_file(rule.addon, "the add-on code"))
    elif addon is not None and (
        not isinstance(addon.unit_rule, HourBlockAddon) or addon.unit_rule.primary != c.code
    ):
        yield _issue(
            item,
            "unit_rule.addon",
            f'{rule.addon}\'s unit rule must be type hour_block_addon with primary: "{c.code}"',
        )


# --------------------------------------------------------------------------- loading


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load_file(path: Path) -> tuple[_Located | None, list[ContentIssue]]:
    file = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [ContentIssue(file, "", f"cannot be read: {exc}")]
    data, issues = _parse_yaml(text, file)
    if issues:
        return None, issues
    placeholders = _placeholder_issues(data, file, text)
    try:
        model = CodeContent.model_validate(data)
    except ValidationError as exc:
        issues = placeholders + _schema_issues(exc, file, text, skip=placeholders)
        return None, sorted(issues, key=lambda issue: issue.line or 0)
    if placeholders:
        return None, placeholders
    return _Located(file, path.stem, text, model), []


def content_files(content_dir: Path) -> list[Path]:
    """The code files of a content folder, in code order."""
    return sorted(content_dir.glob("*.yaml"))


def validate_content(
    content_dir: Path,
    today: date | None = None,
    releases: Iterable[str] | None = None,
) -> tuple[dict[str, CodeContent], list[ContentIssue]]:
    """Validate every file; answer the valid content and every problem found (never raises)."""
    today = today or date.today()
    known = sorted(imported_releases() if releases is None else releases, key=release_key)
    issues: list[ContentIssue] = []
    located: list[_Located] = []
    for path in content_files(content_dir):
        item, file_issues = _load_file(path)
        issues.extend(file_issues)
        if item is not None:
            located.append(item)
    for other in sorted(content_dir.glob("*.yml")):
        issues.append(ContentIssue(_display(other), "", "rename to .yaml: only *.yaml files are read"))
    by_code = {item.model.code: item.model for item in located if item.model.code == item.stem}
    codes = _Codes(by_code, frozenset(path.stem for path in content_files(content_dir)))
    for item in located:
        issues.extend(_check_file(item, today, known))
        issues.extend(_check_links(item, codes))
    issues.sort(key=lambda issue: issue.file)  # stable: each file's problems stay in order
    return {code: by_code[code] for code in sorted(by_code)}, issues


def load_content(
    content_dir: Path = CONTENT_DIR,
    today: date | None = None,
    *,
    releases: Iterable[str] | None = None,
) -> dict[str, CodeContent]:
    """Every code's validated content keyed by code (sorted), or :class:`ContentError`.

    ``today`` defaults to ``date.today()``; ``releases`` defaults to :func:`imported_releases`.
    """
    contents, issues = validate_content(content_dir, today, releases)
    if issues:
        raise ContentError(issues)
    if not contents:
        raise ContentError([ContentIssue(_display(content_dir), "", "no content files (*.yaml)")])
    return contents


def unit_rules(contents: dict[str, CodeContent]) -> dict[str, dict[str, Any]]:
    """Each code's unit rule as the plain dict that calc/data/unit_rules.json holds."""
    return {code: contents[code].unit_rule.model_dump() for code in sorted(contents)}
