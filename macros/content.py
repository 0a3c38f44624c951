"""Loading the content folder: every file read, validated and cross-checked, all at once.

``content/`` holds

- ``<code>.yaml``: a code page (:class:`~macros.model.CodeContent`), or, with
  ``status: deleted``, a deleted code's page (:class:`~macros.model.DeletedCode`);
- ``families/<slug>.yaml``: a family page's text (:class:`~macros.model.Family`);
- ``guides/<slug>.yaml``: a guide (:class:`~macros.model.Guide`);
- ``remittance.yaml``: the remittance codes page (:class:`~macros.model.Remittance`).

Public API (used by the site, tools/content.py and tools/compile_rules.py):

- ``load_library(content_dir=CONTENT_DIR, today=None, *, releases=None) -> Library``: all of
  it validated; or raises :class:`~macros.issues.ContentError` listing every problem
  (``content/97546.yaml:14: tips[2].impact: ...``). Never stops at the first.
- ``load_content(...)``: the same, answering only the code pages (``dict[str, CodeContent]``).
- ``validate_library(...)`` / ``validate_content(...)``: the same without raising.
- ``imported_releases()``: the RVU releases in calc/data, oldest first.

The model is ``macros/model.py``; reading a file ``macros/reading.py``; checks
``macros/crosscheck.py`` (code files) and ``macros/pagecheck.py`` (the other pages).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from calc import handle as calc_handle
from macros.crosscheck import Codes, check_file, check_links, release_key
from macros.issues import ContentError, ContentIssue
from macros.model import HCPCS_RE, RELEASE_RE, CodeContent, DeletedCode, Family, Guide, Remittance
from macros.pagecheck import (
    Anchors,
    check_deleted,
    check_entry_links,
    check_family,
    check_guide,
    check_remittance,
    code_anchors,
)
from macros.reading import Located, display, parse_yaml, read_content_file, validate_text
from macros.sourcing import STRICT_SOURCES

REPO_ROOT = Path(__file__).resolve().parent.parent
CALC_DATA_DIR = REPO_ROOT / "calc" / "data"
CONTENT_DIR = REPO_ROOT / "content"

FAMILIES = "families"
GUIDES = "guides"
REMITTANCE_FILE = "remittance.yaml"

M = TypeVar("M", bound=BaseModel)


@dataclass
class Library:
    """Everything the content folder holds, validated."""

    codes: dict[str, CodeContent] = field(default_factory=dict)
    deleted: dict[str, DeletedCode] = field(default_factory=dict)
    families: dict[str, Family] = field(default_factory=dict)
    guides: dict[str, Guide] = field(default_factory=dict)
    remittance: Remittance | None = None


def imported_releases() -> list[str]:
    """Names of the RVU releases calc holds (its ``{"kind": "releases"}`` answer), oldest first."""
    answer = calc_handle({"kind": "releases"})
    years = answer.get("years") if answer.get("ok") else []
    names = {str(y.get("rvu")) for y in years if isinstance(y, dict)} if isinstance(years, list) else set()
    return sorted((name for name in names if RELEASE_RE.match(name)), key=release_key)


def content_files(content_dir: Path) -> list[Path]:
    """The code files of a content folder (live and deleted codes), in code order."""
    return sorted(path for path in content_dir.glob("*.yaml") if path.name != REMITTANCE_FILE)


def _read(path: Path, root: Path, model: type[M]) -> tuple[Located[M] | None, list[ContentIssue]]:
    text, issues = read_content_file(path, root)
    if text is None:
        return None, issues
    return validate_text(text, display(path), path.stem, model)


def _read_code(path: Path, root: Path) -> tuple[Located[Any] | None, list[ContentIssue]]:
    """A code file as a live code, or as a deleted code when it says ``status: deleted``."""
    text, issues = read_content_file(path, root)
    if text is None:
        return None, issues
    data, issues = parse_yaml(text, display(path))
    if issues:
        return None, issues
    model: type[BaseModel] = DeletedCode if data.get("status") == "deleted" else CodeContent
    return validate_text(text, display(path), path.stem, model, data)


def _read_folder(folder: Path, root: Path, model: type[M], issues: list[ContentIssue]) -> list[Located[M]]:
    found = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        item, file_issues = _read(path, root, model)
        issues.extend(file_issues)
        if item is not None:
            found.append(item)
    return found


def priced_in_years(releases: list[str]) -> Any:
    """A function answering the years (of ``releases``) whose fee schedule prices ``code``,
    asked through calc's seam (a deleted code must be in none)."""
    years = sorted({2000 + release_key(name)[0] for name in releases})

    def priced_in(code: str) -> list[int]:
        request = {"kind": "fee", "locality": "national", "lines": [{"code": code, "units": 1}]}
        return [year for year in years if calc_handle({**request, "year": year}).get("ok")]

    return priced_in


def validate_library(
    content_dir: Path,
    today: date | None = None,
    releases: Iterable[str] | None = None,
    *,
    strict_sources: bool = STRICT_SOURCES,
) -> tuple[Library, list[ContentIssue]]:
    """Validate every file; answer what is valid and every problem found (never raises).

    ``strict_sources`` also requires a source on every FAQ and a section in every ``cites``
    of the code files (``macros/sourcing.py``; the other pages always follow it)."""
    today = today or date.today()
    known = sorted(imported_releases() if releases is None else releases, key=release_key)
    issues: list[ContentIssue] = []
    located: list[Located[CodeContent]] = []
    deleted: list[Located[DeletedCode]] = []
    for path in content_files(content_dir):
        item, file_issues = _read_code(path, content_dir)
        issues.extend(file_issues)
        if item is not None:
            (deleted if isinstance(item.model, DeletedCode) else located).append(item)
    for other in sorted(content_dir.glob("**/*.yml")):
        issues.append(ContentIssue(display(other), "", "rename to .yaml: only *.yaml files are read"))
    library = Library()
    library.codes = {
        i.model.code: i.model for i in sorted(located, key=lambda i: i.stem) if i.model.code == i.stem
    }
    codes = Codes(library.codes, frozenset(path.stem for path in content_files(content_dir)))
    for item in located:
        issues.extend(check_file(item, today, known, strict_sources=strict_sources))
        issues.extend(check_links(item, codes))
    issues.extend(_check_pages(content_dir, library, located, deleted, today, known))
    issues.sort(key=lambda issue: issue.file)  # stable: each file's problems stay in order
    return library, issues


def _check_pages(
    content_dir: Path,
    library: Library,
    located: list[Located[CodeContent]],
    deleted: list[Located[DeletedCode]],
    today: date,
    releases: list[str],
) -> list[ContentIssue]:
    """Read the family, guide and remittance files and check every page that is not a code's."""
    found: list[ContentIssue] = []
    families = _read_folder(content_dir / FAMILIES, content_dir, Family, found)
    guides = _read_folder(content_dir / GUIDES, content_dir, Guide, found)
    remittance = None
    if (content_dir / REMITTANCE_FILE).exists() or (content_dir / REMITTANCE_FILE).is_symlink():
        remittance, file_issues = _read(content_dir / REMITTANCE_FILE, content_dir, Remittance)
        found.extend(file_issues)
    anchors = Anchors(
        codes={code: code_anchors(c) for code, c in library.codes.items()},
        remittance=frozenset(c.anchor for c in remittance.model.codes) if remittance else frozenset(),
        guides={g.stem: frozenset(s.id for s in g.model.sections) for g in guides},
        files=frozenset(path.stem for path in content_files(content_dir)) - {d.stem for d in deleted},
        guide_files=frozenset(path.stem for path in (content_dir / GUIDES).glob("*.yaml")),
    )
    for code_file in located:
        found.extend(check_entry_links(code_file, anchors))
    family_files = {f.stem for f in families} | {p.stem for p in (content_dir / FAMILIES).glob("*.yaml")}
    for item in families:
        members = {code: c for code, c in library.codes.items() if c.family == item.stem}
        found.extend(check_family(item, members, anchors, today))
    found.extend(_family_files_exist(content_dir, library, family_files))
    for guide in guides:
        found.extend(check_guide(guide, anchors, today))
    priced_in = priced_in_years(releases)
    for gone in deleted:
        found.extend(check_deleted(gone, library.codes, priced_in, today))
    if remittance is not None:
        found.extend(check_remittance(remittance, anchors, today))
    library.families = {f.stem: f.model for f in families}
    library.guides = {g.stem: g.model for g in guides}
    library.deleted = {d.stem: d.model for d in deleted if d.model.code == d.stem}
    library.remittance = remittance.model if remittance else None
    return found


def _family_files_exist(content_dir: Path, library: Library, family_files: set[str]) -> list[ContentIssue]:
    """Every family a code names has its family file (its page's text and sources)."""
    return [
        ContentIssue(
            display(content_dir / f"{code}.yaml"),
            "family",
            f"{c.family!r} has no family file: add content/{FAMILIES}/{c.family}.yaml (see content/README.md)",
        )
        for code, c in library.codes.items()
        if c.family not in family_files
    ]


def load_library(
    content_dir: Path = CONTENT_DIR,
    today: date | None = None,
    *,
    releases: Iterable[str] | None = None,
) -> Library:
    """Everything validated, or :class:`ContentError` with every problem."""
    library, issues = validate_library(content_dir, today, releases)
    if issues:
        raise ContentError(issues)
    if not library.codes:
        raise ContentError([ContentIssue(display(content_dir), "", "no content files (*.yaml)")])
    return library


def validate_content(
    content_dir: Path,
    today: date | None = None,
    releases: Iterable[str] | None = None,
    *,
    strict_sources: bool = STRICT_SOURCES,
) -> tuple[dict[str, CodeContent], list[ContentIssue]]:
    """:func:`validate_library`, answering the valid code pages."""
    library, issues = validate_library(content_dir, today, releases, strict_sources=strict_sources)
    return library.codes, issues


def load_content(
    content_dir: Path = CONTENT_DIR,
    today: date | None = None,
    *,
    releases: Iterable[str] | None = None,
) -> dict[str, CodeContent]:
    """Every code's validated content keyed by code (sorted), or :class:`ContentError`.

    ``today`` defaults to ``date.today()``; ``releases`` defaults to :func:`imported_releases`.
    """
    return load_library(content_dir, today, releases=releases).codes


#: Re-exported for bench/build.py, which names the code pattern from here.
__all__ = [
    "CALC_DATA_DIR",
    "CONTENT_DIR",
    "HCPCS_RE",
    "Library",
    "content_files",
    "imported_releases",
    "load_content",
    "load_library",
    "validate_content",
    "validate_library",
]
