"""No figure typed by hand (issue 7): fee-schedule numbers and yearly program figures come from
calc/, never from content/ or docs/.

Refused in text: dollar amounts (``$26.83``, ``$2,410``: fees, the KX and review thresholds,
the deductible, appeal amounts), RVU figures (``0.45 RVUs``) and the program percentages calc
holds (``85 percent`` for CQ/CO, ``2%`` sequestration, ``20 percent`` coinsurance, ``80``,
``50`` for the multiple procedure reduction). A page prints such a figure through calc
(``{{ program("kx_threshold.pt_slp", 2026) }}`` on a hand-written page) or says it in words
("halved", "the yearly threshold shown on the KX guide").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from macros.issues import ContentIssue
from macros.reading import display

DOLLAR_RE = re.compile(r"\$\s*\d[\d,]*(?:\.\d+)?")
RVU_NUMBER_RE = re.compile(r"\b\d*\.\d+\s*(?:total\s+|work\s+|PE\s+|MP\s+)?RVUs?\b", re.I)
PROGRAM_PERCENT_RE = re.compile(r"(?<![\d.])(?:85|80|50|20|2)(?:\.0+)?\s*(?:%|percent\b|per cent\b)", re.I)

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
    for pattern in (DOLLAR_RE, RVU_NUMBER_RE, PROGRAM_PERCENT_RE):
        match = pattern.search(text)
        if match:
            return match.group(0)
    return None


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
