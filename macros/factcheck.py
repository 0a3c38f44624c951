"""Statements of family texts checked against calc's answers (issue 7): a family text that says
its codes carry a Medicare status (``status R``) is refused when calc answers another status
for one of them. Unit statements are checked against the unit rules in macros/pagecheck.py."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from macros.issues import ContentIssue
from macros.model import Family
from macros.reading import display

STATUS_CLAIM = re.compile(r"\bstatus ([A-Z])\b")


def _texts(family: Family) -> Iterator[tuple[str, str]]:
    yield "summary", family.summary
    for i, section in enumerate(family.sections):
        yield f"sections[{i}].text", section.text


def status_claim_issues(
    content_dir: Path,
    families: Mapping[str, Family],
    members: Mapping[str, list[str]],
    statuses: Mapping[str, str | None],
) -> list[ContentIssue]:
    """Each ``status X`` a family text states must be calc's status of every member code."""
    issues = []
    for slug, family in families.items():
        file = display(content_dir / "families" / f"{slug}.yaml")
        for field, text in _texts(family):
            for claimed in sorted(set(STATUS_CLAIM.findall(text))):
                wrong = [
                    f"{code} is {statuses[code]}"
                    for code in members.get(slug, [])
                    if statuses[code] != claimed
                ]
                if wrong:
                    issues.append(
                        ContentIssue(
                            file,
                            field,
                            f"says status {claimed} but calc answers otherwise ({', '.join(wrong)})",
                        )
                    )
    return issues
