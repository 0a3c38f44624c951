"""Loading the content folder: every file read, validated and cross-checked, all at once.

Public API (used by the site, tools/content.py and tools/compile_rules.py):

- ``load_content(content_dir=CONTENT_DIR, today=None, *, releases=None) -> dict[str,
  CodeContent]``: every code's validated content, sorted by code; or raises
  :class:`~macros.issues.ContentError` listing every problem (``content/97546.yaml:14:
  tips[2].impact: ...``). Never stops at the first.
- ``validate_content(...)`` the same without raising: ``(valid contents, issues)``.
- ``imported_releases()``: the RVU releases in calc/data, oldest first.

The model is ``macros/model.py``; reading a file ``macros/reading.py``; the checks across
fields and files ``macros/crosscheck.py``; problems ``macros/issues.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from macros.crosscheck import Codes, check_file, check_links, release_key
from macros.issues import ContentError, ContentIssue
from macros.model import HCPCS_RE, RELEASE_RE, CodeContent
from macros.reading import Located, display, read_content_file, validate_text
from macros.sourcing import STRICT_SOURCES

REPO_ROOT = Path(__file__).resolve().parent.parent
CALC_DATA_DIR = REPO_ROOT / "calc" / "data"
CONTENT_DIR = REPO_ROOT / "content"


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


def content_files(content_dir: Path) -> list[Path]:
    """The code files of a content folder, in code order."""
    return sorted(content_dir.glob("*.yaml"))


def _load_file(path: Path, root: Path) -> tuple[Located[CodeContent] | None, list[ContentIssue]]:
    text, issues = read_content_file(path, root)
    if text is None:
        return None, issues
    return validate_text(text, display(path), path.stem, CodeContent)


def validate_content(
    content_dir: Path,
    today: date | None = None,
    releases: Iterable[str] | None = None,
    *,
    strict_sources: bool = STRICT_SOURCES,
) -> tuple[dict[str, CodeContent], list[ContentIssue]]:
    """Validate every file; answer the valid content and every problem found (never raises).

    ``strict_sources`` also requires a source on every FAQ and a section in every ``cites``
    (``macros/sourcing.py``; on by default once all content follows it)."""
    today = today or date.today()
    known = sorted(imported_releases() if releases is None else releases, key=release_key)
    issues: list[ContentIssue] = []
    located: list[Located[CodeContent]] = []
    for path in content_files(content_dir):
        item, file_issues = _load_file(path, content_dir)
        issues.extend(file_issues)
        if item is not None:
            located.append(item)
    for other in sorted(content_dir.glob("*.yml")):
        issues.append(ContentIssue(display(other), "", "rename to .yaml: only *.yaml files are read"))
    by_code = {item.model.code: item.model for item in located if item.model.code == item.stem}
    codes = Codes(by_code, frozenset(path.stem for path in content_files(content_dir)))
    for item in located:
        issues.extend(check_file(item, today, known, strict_sources=strict_sources))
        issues.extend(check_links(item, codes))
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
        raise ContentError([ContentIssue(display(content_dir), "", "no content files (*.yaml)")])
    return contents


#: Re-exported for bench/build.py, which names the code pattern from here.
__all__ = [
    "CALC_DATA_DIR",
    "CONTENT_DIR",
    "HCPCS_RE",
    "content_files",
    "imported_releases",
    "load_content",
    "validate_content",
]
