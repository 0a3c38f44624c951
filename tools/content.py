"""Content commands, without building the site.

    .venv/bin/python -m tools.content validate      # every error in content/, exit 1 if any
    .venv/bin/python -m tools.content new 97750     # scaffold content/97750.yaml

Run from the project root as a module (``-m``), like every tool of the project: the root is then
on ``sys.path``, so ``macros`` and ``calc`` import without path edits.

The scaffold holds every field with TODO placeholders: it fails validation until each one
is replaced by real, sourced text, so a half-written file cannot reach the site.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from macros.content import CONTENT_DIR, REPO_ROOT, content_files, imported_releases, validate_library
from macros.figures import docs_figure_issues
from macros.model import HCPCS_RE, UNIT_RULE_TYPES
from macros.sourcing import STRICT_SOURCES

DOCS_DIR = REPO_ROOT / "docs"

SCAFFOLD = """\
code: "{code}"
name: "TODO: the code's name in our own words (never the CPT descriptor text)"
summary: >-
  TODO: two or three plain sentences: what the service is, who provides it, when it is billed.
family: TODO                # a family with its file content/families/<slug>.yaml, like work-hardening
related: []                 # other codes with content files, like ["97545"]
addon_of: null              # only for an add-on code: its primary, like "97545"
unit_rule:
  type: TODO                # {rule_types}
tips:
  - id: TODO                # page anchor #tip-<id>: lowercase words joined by hyphens
    tip: "TODO: what to do"
    impact: "TODO: what it changes for the claim or the payment"
    source: TODO            # a key of sources below (or a list of keys)
denials:
  - id: TODO                # page anchor #denial-<id>
    reason: "TODO: why the payer denies it"
    appeal: "TODO: how to appeal or correct the claim"
    source: TODO
faqs:
  - id: TODO                # page anchor #faq-<id>
    question: "TODO: a question billing staff ask"
    answer: "TODO: the answer, with no fee-schedule numbers (the page shows those from CMS data)"
    source: TODO            # the keys of sources that back the answer
sources:
  TODO:                     # the key that tips and denials cite, like cms-claims-manual-ch5
    title: "TODO: the document's title"
    url: "TODO: https://..."
    cites: "TODO: the exact place: chapter and section, CFR §, FR page, NCD number or release (RVU26C)"
last_reviewed: TODO         # the date you checked the facts, like 2026-11-27
confidence: TODO            # high | medium | low (meanings in macros/model.py)
data_release: TODO          # the newest imported fee-schedule release{newest}
"""


def scaffold_text(code: str) -> str:
    releases = imported_releases()
    newest = f": {releases[-1]}" if releases else ""
    return SCAFFOLD.format(code=code, rule_types=" | ".join(UNIT_RULE_TYPES), newest=newest)


def cmd_validate(content_dir: Path, strict_sources: bool, docs_dir: Path) -> int:
    library, issues = validate_library(content_dir, strict_sources=strict_sources)
    issues += list(docs_figure_issues(docs_dir))
    for issue in issues:
        print(issue)
    if issues:
        files = len({issue.file for issue in issues})
        print(f"{len(issues)} error(s) in {files} file(s)")
        return 1
    if not library.codes:
        print(f"no content files in {content_dir}", file=sys.stderr)
        return 1
    pages = len(library.families) + len(library.guides) + (library.remittance is not None)
    print(f"{len(content_files(content_dir))} code files and {pages} family, guide and remittance files OK")
    return 0


def cmd_new(code: str, content_dir: Path) -> int:
    code = code.strip().upper()
    if not HCPCS_RE.match(code):
        print(f"{code!r} is not a HCPCS code (5 digits, or a letter and 4 digits)", file=sys.stderr)
        return 2
    path = content_dir / f"{code}.yaml"
    if path.exists():
        print(f"{path} already exists: not overwritten", file=sys.stderr)
        return 1
    content_dir.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # "x": never overwrite, even in a race
        out.write(scaffold_text(code))
    print(f"wrote {path}: replace every TODO, then run `make validate`")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate or scaffold content/ code files.")
    parser.add_argument("--content-dir", type=Path, default=CONTENT_DIR)
    parser.add_argument(
        "--docs-dir", type=Path, default=DOCS_DIR, help="hand-written pages checked for typed figures"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check every content file; print every error")
    validate.add_argument(
        "--strict-sources",
        action="store_true",
        default=STRICT_SOURCES,
        help="also require a source on every FAQ and a section in every cites (what is left to source)",
    )
    new = commands.add_parser("new", help="scaffold content/CODE.yaml with TODO placeholders")
    new.add_argument("code")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return cmd_validate(args.content_dir, args.strict_sources, args.docs_dir)
    return cmd_new(args.code, args.content_dir)


if __name__ == "__main__":
    sys.exit(main())
