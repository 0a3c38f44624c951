"""Calculator forms: the form model, the request a form's inputs make, and the HTML of a form
with the answer ``calc.handle`` gave for its example inputs when the site was built.

A calculator is a plain HTML form that works without JavaScript: every input is labelled and
shows its example value, and the result region already holds calc's answer for those values.
``docs/assets/javascripts/calculator.js`` later turns it into a live calculator.

One source for the request: the form carries, as data, everything that shapes its request
(``data-calc-base``: the fixed part; each input's ``data-path``; each row list's
``data-calc-rows``/``data-needs``) and the request its example inputs make
(``data-calc-request``). :func:`assemble_request` here and ``assembleRequest`` in
calculator.js read the same attributes; tests/browser/test_calculators.py checks, for every
calculator of the site, that the browser assembles exactly ``data-calc-request`` from an
untouched form and renders calc's answer to it exactly as the build-time HTML shows it.

Inputs carry no patterns: calc/ judges every value (its message is shown at the field), so the
form can never refuse what calc accepts (a shared link with ``fee.pct=75.5``).

No arithmetic and no billing rule here: this module lays out inputs and what calc/ answered.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from jinja2 import Environment

from macros.templating import html_environment

ROW_MARK = "#"  # in a row field's name and label: the row's index (name) or number (label)


@dataclass(frozen=True)
class Field:
    """One input. ``path`` is where its value goes in the request (space-separated paths when
    it feeds several; in a row, the key within the row's entry). ``name`` is its query-string
    key, unique within a calculator. A field whose name starts with ``_`` only steers the form
    (``when``) and is never sent."""

    name: str
    label: str
    path: str
    default: str = ""
    kind: str = "text"  # text | select | hidden
    number: bool = False  # sent as a JSON number when it is a whole number
    listed: bool = False  # "GP 59" or "GP,59" is sent as ["GP", "59"]
    options: tuple[tuple[str, str], ...] = ()
    optional: bool = False  # an empty value is left out of the request
    when: str | None = None  # "otherfield=value": the field is used only then
    hint: str = ""

    def active(self, values: dict[str, str]) -> bool:
        if self.when is None:
            return True
        other, _, wanted = self.when.partition("=")
        return values.get(other) == wanted


@dataclass(frozen=True)
class Rows:
    """A list edited a row at a time (the services of a visit, the lines of a claim). Each
    filled-in row makes one entry in each list its fields name (``lines`` and ``services`` for
    a claim line with its minutes); an entry lacking the key ``needs`` gives for its list is
    left out (a claim line without documented minutes adds no ``services`` entry). Field names
    and labels hold ``#`` for the row (``c#`` -> ``c0``; ``Service # code`` -> ``Service 1 code``)."""

    legend: str  # "Services"
    row_label: str  # "Service #"
    fields: tuple[Field, ...]  # path "services.code lines.code": list name, then key
    examples: tuple[tuple[str, ...], ...]  # the example rows' values, in field order
    count: int  # rows shown at first (at least the examples)
    add_label: str
    needs: tuple[tuple[str, str], ...] = ()  # (list, key): entries without the key are left out

    def row(self, index: int) -> tuple[Field, ...]:
        values = self.examples[index] if index < len(self.examples) else ("",) * len(self.fields)
        return tuple(
            replace(
                f,
                name=f.name.replace(ROW_MARK, str(index)),
                label=f.label.replace(ROW_MARK, str(index + 1)),
                default=value,
            )
            for f, value in zip(self.fields, values, strict=True)
        )

    def rows(self) -> Iterator[tuple[Field, ...]]:
        for index in range(max(self.count, len(self.examples))):
            yield self.row(index)


@dataclass(frozen=True)
class Table:
    """A further list of the answer shown as a table (a visit's findings after its lines)."""

    key: str
    caption: str
    columns: tuple[tuple[str, str], ...]
    empty: str = ""  # said when the list is empty


@dataclass(frozen=True)
class Calculator:
    id: str
    title: str
    intro: str
    base: dict[str, Any]
    inputs: tuple[Field | Rows, ...]
    columns: tuple[tuple[str, str], ...]
    totals: tuple[tuple[str, str], ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    money: tuple[str, ...] = ()  # answer keys shown with a dollar sign
    rows: str = "lines"  # the answer's list shown as the table
    empty: str = ""  # said when that list is empty
    announce: tuple[str, ...] = ()  # keys read out per row by the status line (default: code x units)
    more: tuple[Table, ...] = ()  # further tables, after the totals
    csv_name: str = ""  # offer the answer's "csv" text as a download of this name
    printable: bool = False  # a Print button (the print view shows this calculator)

    def all_fields(self) -> Iterable[Field]:
        for item in self.inputs:
            if isinstance(item, Rows):
                for row in item.rows():
                    yield from row
            else:
                yield item

    def example_values(self) -> dict[str, str]:
        return {f.name: f.default for f in self.all_fields()}

    def spec(self) -> dict[str, Any]:
        """How calculator.js lays out an answer (the same choices the template makes)."""
        main = {"key": self.rows, "caption": "", "columns": self.columns, "empty": self.empty}
        more = [
            {"key": t.key, "caption": t.caption, "columns": t.columns, "empty": t.empty} for t in self.more
        ]
        return {
            "tables": [main, *more],
            "totals": self.totals,
            "facts": self.facts,
            "money": self.money,
            "announce": self.announce,
            "csv": self.csv_name,
        }


# ---------------------------------------------------------------- request assembly
# calculator.js assembleRequest is the browser's reading of the same attributes; the browser
# test "an untouched form asks what the build asked" holds the two together.

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_FIELD_KEY = re.compile(r"\{(\w+)\}")  # a key named by another field's value: authorized_units.{acode}
_LIST_SPLIT = re.compile(r"[\s,]+")


def _path_keys(path: str, values: dict[str, str]) -> list[str | int] | None:
    """The keys of a request path; ``{name}`` is the value of field ``name`` taken as one key
    (None when that field is empty)."""
    keys: list[str | int] = []
    for key, index in _TOKEN.findall(path):
        named = _FIELD_KEY.fullmatch(key)
        if named and not values.get(named.group(1), ""):
            return None
        keys.append(int(index) if index else values[named.group(1)] if named else key)
    return keys


def _set_path(request: dict[str, Any], keys: list[str | int], value: Any) -> None:
    node: Any = request
    for key, following in itertools.pairwise(keys):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(key, int):
            while len(node) <= key:
                node.append(None)
            if node[key] is None:
                node[key] = empty
        elif key not in node:
            node[key] = empty
        node = node[key]
    last = keys[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def typed(f: Field, text: str) -> Any:
    """Whole numbers go as JSON numbers, listed fields as lists; anything else as typed, for
    calc/ to judge."""
    if f.listed:
        return [part for part in _LIST_SPLIT.split(text.strip()) if part]
    return int(text) if f.number and text.isdigit() else text


def _sent(f: Field, values: dict[str, str]) -> bool:
    text = values.get(f.name, "")
    return not (f.name.startswith("_") or not f.active(values) or (f.optional and text == ""))


def _add_rows(request: dict[str, Any], rows: Rows, values: dict[str, str]) -> None:
    needs = dict(rows.needs)
    for row in rows.rows():
        if not any(values.get(f.name, "") for f in row if f.kind != "hidden"):
            continue  # an unused row
        entries: dict[str, dict[str, Any]] = {}
        for f in row:
            if _sent(f, values):
                for path in f.path.split():
                    name, _, key = path.partition(".")
                    entries.setdefault(name, {})[key] = typed(f, values.get(f.name, ""))
        for name, entry in entries.items():
            if name not in needs or needs[name] in entry:
                request.setdefault(name, []).append(entry)


def assemble_request(calc: Calculator, values: dict[str, str]) -> dict[str, Any]:
    request = copy.deepcopy(calc.base)
    for item in calc.inputs:
        if isinstance(item, Rows):
            _add_rows(request, item, values)
        elif _sent(item, values):
            for path in item.path.split():
                keys = _path_keys(path, values)
                if keys is not None:
                    _set_path(request, keys, typed(item, values.get(item.name, "")))
    return request


# ---------------------------------------------------------------- rendering


def handle(request: dict[str, Any]) -> dict[str, Any]:
    import calc  # imported late: the content tools import macros without calc's data

    answer: dict[str, Any] = calc.handle(copy.deepcopy(request))
    return answer


def _tojson_attr(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


@lru_cache(maxsize=1)
def _env() -> Environment:
    """The site's one HTML environment (macros.templating), with what the forms need."""
    env = html_environment()
    env.filters["tojson_attr"] = _tojson_attr
    env.globals["lookup"] = lookup
    env.globals["ROW_MARK"] = ROW_MARK
    env.globals["none_keys"] = lambda mapping: [key for key, value in mapping.items() if value is None]
    return env


def lookup(answer: dict[str, Any], dotted: str) -> Any:
    node: Any = answer
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def render(calc: Calculator) -> str:
    """The calculator's form with calc's answer to its example inputs; a refusal stops the build."""
    request = assemble_request(calc, calc.example_values())
    answer = handle(request)
    if not answer.get("ok"):
        raise ValueError(
            f"calculator {calc.id}: the example inputs are refused by calc/: {answer.get('errors')}"
        )
    html = (
        _env()
        .get_template("calculator.j2")
        .render(calc=calc, answer=answer, spec=calc.spec(), request=request, Rows=Rows)
    )
    # No blank lines and no indentation: Markdown must see one raw HTML block, never a
    # paragraph break or an indented code block, whatever page the calculator lands in.
    return "\n".join(line.strip() for line in html.splitlines() if line.strip())
