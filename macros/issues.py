"""Content problems and where they are: the file, the field path and its line.

Every check (reading, schema, cross-checks) reports :class:`ContentIssue` values; the loader
collects them all and raises one :class:`ContentError`, so an author sees every problem at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from macros.model import UNIT_RULE_TYPES

#: A field path as pydantic gives it: ``("tips", 2, "impact")``.
Loc = tuple[Any, ...]


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
    """Raised by ``load_content`` with every problem found across every file."""

    def __init__(self, errors: list[ContentIssue]) -> None:
        self.errors = errors
        super().__init__(self._describe())

    def _describe(self) -> str:
        count = len(self.errors)
        head = f"{count} content error{'s' if count != 1 else ''}:"
        return "\n".join([head, *(f"  {issue}" for issue in self.errors)])

    def __str__(self) -> str:
        return self._describe()


def field_lines(text: str) -> dict[Loc, int]:
    """Map each field path (as a pydantic location) to its 1-based line, for error messages."""
    lines: dict[Loc, int] = {}

    def walk(node: yaml.Node, path: Loc) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key_path = (*path, key_node.value)
                lines[key_path] = key_node.start_mark.line + 1
                walk(value_node, key_path)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


def line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    """The line of a field, or of the nearest enclosing one when the field is absent."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def loc_of(field: str) -> Loc:
    """``tips[2].impact`` -> ``('tips', 2, 'impact')`` (to look up its line).

    >>> loc_of("tips[2].impact")
    ('tips', 2, 'impact')
    """
    loc: list[Any] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        loc.append(int(index) if index else name)
    return tuple(loc)


def field_path(loc: Loc) -> str:
    """``('tips', 2, 'impact')`` -> ``tips[2].impact``; drops union tags such as ``hour_block``.

    >>> field_path(("unit_rule", "hour_block", "addon"))
    'unit_rule.addon'
    """
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
