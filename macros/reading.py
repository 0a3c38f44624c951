"""Reading one content file: the bytes, the YAML, the placeholders and the schema.

Each step reports :class:`~macros.issues.ContentIssue` values in plain words (the file, the
field path and its line); a file with any problem yields no model, so nothing half-checked
reaches the cross-checks or the site.
"""

from __future__ import annotations

import difflib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from macros.issues import ContentIssue, Loc, field_lines, field_path, line_of, loc_of
from macros.model import MODELS, UNIT_RULE_TYPES

M = TypeVar("M", bound=BaseModel)

#: Largest content file read (bytes). A code file is about 5 KB; anything near this is a
#: mistake (or /dev/zero) and would only slow every build.
MAX_FILE_BYTES = 256 * 1024

PLACEHOLDER = "TODO"


@dataclass
class Located(Generic[M]):
    """A validated file with what error messages need: its display path and line numbers."""

    file: str
    stem: str
    text: str
    model: M
    _lines: dict[Loc, int] | None = field(default=None, repr=False)

    @property
    def lines(self) -> dict[Loc, int]:
        if self._lines is None:  # parsed only when a cross-check found something
            self._lines = field_lines(self.text)
        return self._lines

    def issue(self, field: str, message: str) -> ContentIssue:
        """A problem at ``field`` of this file, with the field's line."""
        return ContentIssue(self.file, field, message, line_of(self.lines, loc_of(field)))


# --------------------------------------------------------------------------- the bytes


def _refusal(path: Path, root: Path) -> str | None:
    """Why ``path`` may not be read as content, or None: only regular files inside ``root``.

    A symbolic link is refused even when it points inside: a link to a file elsewhere would
    publish it, a link to /dev/zero would exhaust memory, one to a FIFO would hang the build.
    """
    if path.is_symlink():
        return (
            "is a symbolic link: content is read only from regular files inside content/ (copy the file in)"
        )
    try:
        inside = path.resolve(strict=True).is_relative_to(root.resolve(strict=True))
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if not inside:
        return "is outside the content folder (reached through a linked folder): move the file into content/"
    return None


def read_content_file(path: Path, root: Path) -> tuple[str | None, list[ContentIssue]]:
    """The text of a content file, or why it was refused (link, FIFO, device, too big, not UTF-8).

    Opened without following a link and without blocking (a FIFO opens at once and is then
    refused as not a regular file), and read no further than the size limit.
    """
    file = display(path)
    refusal = _refusal(path, root)
    if refusal:
        return None, [ContentIssue(file, "", refusal)]
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return None, [ContentIssue(file, "", f"cannot be read: {exc.strerror}")]
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, [
                ContentIssue(file, "", "is not a regular file (a FIFO, device or folder): remove it")
            ]
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1024
        return None, [
            ContentIssue(file, "", f"is larger than {limit} KB: a content file is a few KB; split it")
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [ContentIssue(file, "", f"is not UTF-8 text (byte {exc.start}): save it as UTF-8")]


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


def parse_yaml(text: str, file: str) -> tuple[Any, list[ContentIssue]]:
    """The file's mapping, or the problem (syntax with its line, empty, not a mapping)."""
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
        kind = type(data).__name__
        return None, [
            ContentIssue(
                file, "", f"the file must be a mapping of fields (code:, name:, ...), not a {kind}", 1
            )
        ]
    return data, []


# --------------------------------------------------------------------------- placeholders


def _placeholders(value: Any, path: Loc = ()) -> Iterator[Loc]:
    """Paths of every value (or mapping key) still holding the scaffold's TODO placeholder."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and PLACEHOLDER in key:
                yield (*path, key)
            yield from _placeholders(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _placeholders(item, (*path, index))
    elif isinstance(value, str) and PLACEHOLDER in value:
        yield path


def placeholder_issues(data: dict[str, Any], file: str, text: str) -> list[ContentIssue]:
    paths = list(_placeholders(data))
    if not paths:
        return []
    lines = field_lines(text)
    message = f"still holds the {PLACEHOLDER} placeholder: write the real value"
    return [ContentIssue(file, field_path(path), message, line_of(lines, path)) for path in paths]


# --------------------------------------------------------------------------- schema errors

_FRIENDLY_MISSING = {
    "impact": "a tip needs its impact: what it changes for the claim or the payment",
    "appeal": "a denial needs how to appeal it",
    "source": "needs a source: a key (or list of keys) from sources",
}

# pydantic error type -> plain words (those whose words do not depend on the error).
_PLAIN = {
    "string_too_short": "must not be empty",
    "too_short": "must not be empty",
    "string_type": "must be text",
    "int_type": "must be a whole number of minutes",
    "int_parsing": "must be a whole number of minutes",
    "int_from_float": "must be a whole number of minutes",
    "greater_than": "must be more than 0",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of fields",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "union_tag_invalid": "type must be one of: " + ", ".join(UNIT_RULE_TYPES),
    "union_tag_not_found": "type must be one of: " + ", ".join(UNIT_RULE_TYPES),
}


def _all_field_names() -> list[str]:
    return sorted({name for model in MODELS for name in model.model_fields})


def _schema_message(err: dict[str, Any]) -> str:
    kind = err["type"]
    loc = err["loc"]
    last = loc[-1] if loc else ""
    ctx = err.get("ctx") or {}
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind == "missing":
        return _FRIENDLY_MISSING.get(str(last), "this field is required")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(last), _all_field_names(), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "see content/README.md for the fields"
        return f"unknown field ({hint})"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters: split it or say it shorter"
    if kind == "string_pattern_mismatch":
        return _pattern_message(loc, err.get("input"))
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected', '')}".replace("'", "")
    if kind.startswith("date"):
        return "must be a date written like 2026-11-27"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(err["msg"])


def _pattern_message(loc: Loc, value: Any) -> str:
    names = {str(item) for item in loc if not isinstance(item, int)}
    if names & {"code", "related", "addon_of", "addon", "primary", "replaced_by", "codes"}:
        return f"{value!r} is not a HCPCS code (5 digits, or a capital letter and 4 digits)"
    if "data_release" in names:
        return f"{value!r} is not a release name such as RVU26C"
    if "url" in names:
        return f"{value!r} is not a full https:// address"
    return f"{value!r} must be lowercase words joined by hyphens (like bill-with-97545)"


def schema_issues(
    exc: ValidationError, file: str, text: str, skip: Iterable[ContentIssue] = ()
) -> list[ContentIssue]:
    """Pydantic's errors in plain words, minus those at a field already reported in ``skip``."""
    lines = field_lines(text)
    reported = [issue.field for issue in skip]
    issues = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = field_path(loc)
        at = path + ".type" if err["type"] == "union_tag_invalid" else path  # the rule's type is at fault
        if any(at == f or at.startswith((f + ".", f + "[")) for f in reported):
            continue
        plain_loc = tuple(i for i in loc if i not in UNIT_RULE_TYPES)
        issues.append(ContentIssue(file, path, _schema_message(dict(err)), line_of(lines, plain_loc)))
    return issues


def validate_text(
    text: str, file: str, stem: str, model: type[M], data: dict[str, Any] | None = None
) -> tuple[Located[M] | None, list[ContentIssue]]:
    """One file's text checked against ``model``: the located model, or every problem."""
    if data is None:
        data, issues = parse_yaml(text, file)
        if issues:
            return None, issues
    placeholders = placeholder_issues(data, file, text)
    try:
        validated = model.model_validate(data)
    except ValidationError as exc:
        issues = placeholders + schema_issues(exc, file, text, skip=placeholders)
        return None, sorted(issues, key=lambda issue: issue.line or 0)
    if placeholders:
        return None, placeholders
    return Located(file, stem, text, validated), []


def display(path: Path) -> str:
    """A path as an author reads it: relative to the working folder when inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd().absolute()))
    except ValueError:
        return str(path)
