"""Sources on every statement (issue 7): each entry names its source keys, each key is defined,
and each source's ``cites`` names the exact place that says the thing.

``cites`` is checked loosely, by form, not by meaning (a reviewer checks the meaning): it must
hold at least one of

- ``§`` (``42 CFR § 410.59``, ``28 TAC § 134.230``) or a section number (``405.942(a)``,
  ``134.230``, ``220.1``);
- a chapter (``chapter 5``, ``ch. 15``, ``Chapter XI``) or a section (``section 20.2``);
- a Federal Register page (``75 FR 73236``) or ``CFR``;
- a national coverage determination number (``NCD 270.1``);
- a remittance code list entry (``CARC 97``, ``RARC N386``);
- a data release name (``RVU26C``, ``GPCI2026``, ``ZIP5_OCT2025``).

Every tip, denial and FAQ of a code file names its sources (required by the model). The
``cites`` form is checked on code files once their sources are all reworded
(:data:`STRICT_SOURCES`; ``python -m tools.content validate --strict-sources`` lists what is
left). Family, guide, deleted-code and remittance files always follow it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from macros.issues import ContentIssue
from macros.model import Source
from macros.reading import Located

#: Every source of the code files cites its section (the FAQs all name sources): on since the
#: December 2026 review; ``--no-strict-sources`` is left for drafting.
STRICT_SOURCES = True

CITES_RE = re.compile(
    r"§"
    r"|(?i:\bch(?:apter)?\.?\s*(?:\d+|[IVXL]+)\b)"
    r"|(?i:\bsections?\s+\d)"
    r"|\b\d{2,3}\.\d{1,4}(?:\([a-z0-9]+\))*(?![\d.])"
    r"|\b\d+\s+FR\s+\d+"
    r"|\bCFR\b"
    r"|\bNCD\s+\d"
    r"|\b(?:CARC\s+[A-Z]?\d+|RARC\s+[A-Z]{1,2}\d+)\b"
    r"|\b(?:RVU\d{2}[A-Z]|GPCI\d{4}|ZIP5_[A-Z]{3}\d{4})\b"
    # The CPT code set has no numbered sections: a place in it is its Introduction (the time
    # convention) or a code range's section guidelines. Its descriptor text is never quoted.
    r"|\bCPT Introduction\b"
    r"|\(codes \d{5}-\d{5}\)"
)

CITES_HELP = (
    "name the exact place: a chapter and section (chapter 5, section 20.2), a § or CFR section, "
    "a Federal Register page (75 FR 73236), an NCD number, a CARC/RARC entry, a data release (RVU26C), "
    "or in the CPT code set its Introduction or a section by its code range (codes 97010-97799)"
)


def cites_problem(cites: str | None) -> str | None:
    """What is wrong with a source's ``cites``, or None.

    >>> cites_problem("Pub. 100-04, chapter 5, section 20.2") is None
    True
    >>> cites_problem("75 FR 73236") is None
    True
    >>> cites_problem("the therapy rules")  # doctest: +ELLIPSIS
    'cites does not name a section: name the exact place: ...'
    """
    if cites is None:
        return "needs cites: " + CITES_HELP
    if not CITES_RE.search(cites):
        return "cites does not name a section: " + CITES_HELP
    return None


def check_sources(
    item: Located[Any],
    sources: Mapping[str, Source],
    cited: Iterable[tuple[str, list[str] | None]],
    *,
    strict: bool,
) -> Iterator[ContentIssue]:
    """Every ``(field, keys)`` names defined keys; when ``strict``, none is missing and every
    source's ``cites`` has the form above."""
    for field, keys in cited:
        if keys is None:
            if strict:
                yield item.issue(field, "needs a source: a key (or list of keys) from sources")
            continue
        for key in keys:
            if key not in sources:
                yield item.issue(field, f"source {key!r} is not defined under sources")
    if strict:
        for key, source in sources.items():
            problem = cites_problem(source.cites)
            if problem:
                yield item.issue(f"sources.{key}.cites", problem)
