"""No figure typed by hand (issue 7): fee-schedule numbers and yearly program figures come from
calc/, never from content/ or docs/.

Refused in text: dollar amounts (``$26.83``, ``$2,410``: fees, the KX and review thresholds,
the deductible, appeal amounts), RVU figures (``0.45 RVUs``) and the program percentages calc
holds (``85 percent`` for CQ/CO, ``2%`` sequestration, ``20 percent`` coinsurance, ``80``,
``50`` for the multiple procedure reduction). A page prints such a figure through calc
(``{{ program("kx_threshold.pt_slp", 2026) }}`` on a hand-written page) or says it in words
("halved", "the yearly threshold shown on the KX guide").

Any content text may print a program figure inline with ``[[program:KEY]]`` (for example
``[[program:appeal_deadlines.redetermination]]`` prints "120 days" and
``[[program:kx_threshold.pt_slp]]`` the year's dollar amount): the page shows calc's figure
for the newest year, and a key calc does not answer fails validation (:func:`unknown_figure`).
A key is dotted; a list of steps (the appeal deadlines) is entered by its step name in snake
case (``alj_hearing``, ``medicare_appeals_council_review``).

Appeal deadlines typed by hand ("120 days", "within one year" in a text about appeals) are
typed figures too once :data:`DEADLINES_CHECKED` is on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from calc import handle as calc_handle
from macros.issues import ContentIssue
from macros.reading import display

DOLLAR_RE = re.compile(r"\$\s*\d[\d,]*(?:\.\d+)?")
RVU_NUMBER_RE = re.compile(r"\b\d*\.\d+\s*(?:total\s+|work\s+|PE\s+|MP\s+)?RVUs?\b", re.I)
PROGRAM_PERCENT_RE = re.compile(r"(?<![\d.])(?:85|80|50|20|2)(?:\.0+)?\s*(?:%|percent\b|per cent\b)", re.I)

#: On: every content file prints its appeal deadlines through ``[[program:...]]`` (converted 2026-12-02).
DEADLINES_CHECKED = True

# An appeal deadline typed by hand, refused only in a text about appeals.
DEADLINE_RE = re.compile(r"\b(?:120|180|60)[\s-]+(?:calendar\s+)?days?\b|\bwithin\s+(?:one|1)\s+year\b", re.I)
APPEAL_CONTEXT_RE = re.compile(
    r"\b(?:appeal\w*|redetermination|reconsideration|reopen\w*|ALJ|administrative law judge|"
    r"appeals council|hearing)\b",
    re.I,
)

#: ``[[program:KEY]]`` in any content text: calc's figure for the newest year.
INLINE_RE = re.compile(r"\[\[program:([^\]\s]*)\]\]")
# The same in rendered Markdown, where the md filter may have escaped [ ] and _.
RENDERED_INLINE_RE = re.compile(r"\\?\[\\?\[program:([a-z0-9_.\\]+?)\\?\]\\?\]")

# A macro call on a hand-written page prints calc's figure: its arguments are not typed figures.
MACRO_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def typed_figure(text: str) -> str | None:
    """The first figure typed into ``text`` that must come from calc, or None.

    >>> typed_figure("The 2025 threshold is $2,410.")
    '$2,410'
    >>> typed_figure("Assistants are paid 85 percent of the amount.")
    '85 percent'
    >>> typed_figure("more than 10 percent of the minutes") is None
    True
    """
    text = INLINE_RE.sub("", text)  # calc prints these
    for pattern in (DOLLAR_RE, RVU_NUMBER_RE, PROGRAM_PERCENT_RE):
        match = pattern.search(text)
        if match:
            return match.group(0)
    return typed_deadline(text) if DEADLINES_CHECKED else None


def typed_deadline(text: str) -> str | None:
    """An appeal deadline typed into a text about appeals, or None.

    >>> typed_deadline("File the redetermination within 120 days of the notice.")
    '120 days'
    >>> typed_deadline("A reopening may be asked within one year.")
    'within one year'
    >>> typed_deadline("Recertify the plan at least every 90 days.") is None
    True
    >>> typed_deadline("Progress reports at least every 10 treatment days; 60 days of care.") is None
    True
    """
    text = INLINE_RE.sub("", text)
    match = DEADLINE_RE.search(text)
    if match and APPEAL_CONTEXT_RE.search(text):
        return match.group(0)
    return None


# --------------------------------------------------------------------------- calc's figures


@lru_cache(maxsize=1)
def newest_year() -> int:
    """The newest fee-schedule year calc holds (the year pages show), asked once per process."""
    answer: dict[str, Any] = dict(calc_handle({"kind": "releases"}))
    year: int = answer["newest_year"]
    return year


@lru_cache(maxsize=16)
def _program_json(year: int) -> str:
    return json.dumps(calc_handle({"kind": "program", "year": year}))


def program_answer(year: int | None = None) -> dict[str, Any]:
    """calc's ``{"kind": "program"}`` answer for ``year`` (the newest year when None), asked
    once per year and process (a fresh copy each call)."""
    answer: dict[str, Any] = json.loads(_program_json(newest_year() if year is None else year))
    return answer


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def figure_node(answer: dict[str, Any], key: str) -> Any:
    """The part of a program answer a dotted key names (a list entered by step name).

    >>> figure_node({"a": [{"step": "ALJ hearing", "limit": "60 days"}]}, "a.alj_hearing")["limit"]
    '60 days'
    """
    node: Any = answer
    for part in key.split("."):
        if isinstance(node, list):
            node = {_slug(str(item.get("step", ""))): item for item in node if isinstance(item, dict)}
        if not isinstance(node, dict) or part not in node:
            known = (
                ", ".join(sorted(k for k in node if k not in ("ok", "kind")))
                if isinstance(node, dict)
                else "none"
            )
            raise KeyError(f"calc's program answer has no {key!r} (at {part!r}; keys there: {known})")
        node = node[part]
    return node


def dollars(amount: str) -> str:
    """calc's money text as a page prints it, with thousands grouped (the digits are calc's).

    >>> dollars("1960.00"), dollars("200.00"), dollars("12345678.90")
    ('$1,960.00', '$200.00', '$12,345,678.90')
    """
    whole, _, cents = amount.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return "$" + ",".join([whole, *groups]) + (f".{cents}" if cents else "")


def figure_text(node: Any) -> str:
    """A figure as a page prints it: money as ``$`` and calc's text, a deadline as its limit,
    a percentage with "percent"; calc's text is never recomputed.

    >>> figure_text({"amount": "2480.00"}), figure_text({"limit": "120 days"}), figure_text({"percent": "85"})
    ('$2,480.00', '120 days', '85 percent')
    """
    if isinstance(node, dict):
        if "amount" in node:
            return dollars(str(node["amount"]))
        if "limit" in node:
            return str(node["limit"])
        if "percent" in node:
            return f"{node['percent']} percent"
        if "value" in node:
            return str(node["value"])
        raise KeyError(f"is a group of figures ({', '.join(sorted(node))}): name one of them")
    if isinstance(node, list):
        raise KeyError("is a list of figures: name one of them by its step")
    return str(node)


def unknown_figure(key: str, year: int | None = None) -> str | None:
    """What is wrong with a program figure key (for validation), or None when calc answers it."""
    answer = program_answer(year)
    if not answer.get("ok"):
        errors = "; ".join(e["message"] for e in answer.get("errors", []))
        return f"calc has no program figures for {year}: {errors}"
    try:
        figure_node(answer, key)
    except KeyError as error:
        return str(error.args[0])
    return None


def inline_figure_problems(text: str) -> list[str]:
    """Each ``[[program:KEY]]`` of a text that calc cannot print, with why."""
    problems = []
    for match in INLINE_RE.finditer(text):
        key = match.group(1)
        try:
            figure_text(figure_node(program_answer(), key))
        except KeyError as error:
            problems.append(f"[[program:{key}]]: {error.args[0]}")
    return problems


def replace_inline_figures(markdown: str) -> str:
    """A rendered page with every ``[[program:KEY]]`` replaced by calc's newest figure."""
    if "program:" not in markdown:
        return markdown
    answer = program_answer()

    def figure(match: re.Match[str]) -> str:
        return figure_text(figure_node(answer, match.group(1).replace("\\", "")))

    return RENDERED_INLINE_RE.sub(figure, markdown)


def visit_problem(request: dict[str, Any]) -> str | None:
    """Why calc refuses a visit request (``kind`` left out), or None."""
    if "kind" in request:
        return "leave out kind: the block is a visit request"
    answer: dict[str, Any] = dict(calc_handle({"kind": "visit", **request}))
    if answer.get("ok"):
        return None
    return "calc refuses the visit: " + "; ".join(f"{e['field']}: {e['message']}" for e in answer["errors"])


def figure_message(figure: str) -> str:
    return (
        f"contains {figure!r}: fee-schedule and yearly program figures come from calc/, not typed "
        "text (the page shows them; on a hand-written page use {{ program(...) }} or say it in words)"
    )


def docs_figure_issues(docs_dir: Path) -> Iterator[ContentIssue]:
    """Every hand-written page of ``docs/`` that types such a figure (macro calls excepted)."""
    for path in sorted(docs_dir.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(MACRO_RE.sub("", text).splitlines(), start=1):
            figure = typed_figure(line)
            if figure:
                yield ContentIssue(display(path), "", figure_message(figure), number)
