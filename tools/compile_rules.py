"""Compile each code's unit rule from content/ into calc/data/unit_rules.json.

    .venv/bin/python -m tools.compile_rules            # write the file
    .venv/bin/python -m tools.compile_rules --check    # exit 1 if the committed file is stale

Run from the project root as a module (``-m``), like every tool of the project.

The content is validated first (macros/content.py): a content error compiles nothing.
Output: one code per line, codes sorted, each rule's fields in the order of DESIGN.md, so a
change to one code changes one line of the diff.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from macros.content import CALC_DATA_DIR, CONTENT_DIR, load_content
from macros.issues import ContentError
from macros.model import unit_rules

RULES_FILE = CALC_DATA_DIR / "unit_rules.json"


def render_rules(rules: dict[str, dict[str, Any]]) -> str:
    """The file's exact text.

    >>> print(render_rules({"97546": {"type": "hour_block_addon", "primary": "97545"},
    ...                     "97110": {"type": "timed_15"}}), end="")
    {
      "97110": {"type": "timed_15"},
      "97546": {"type": "hour_block_addon", "primary": "97545"}
    }
    """
    lines = [f"  {json.dumps(code)}: {json.dumps(rules[code])}" for code in sorted(rules)]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def compiled_text(content_dir: Path) -> str:
    return render_rules(unit_rules(load_content(content_dir)))


def _differences(current: str | None, wanted: str) -> str:
    """Which codes differ, in words (the file may also differ only in its layout)."""
    try:
        old = json.loads(current) if current is not None else {}
    except ValueError:
        return "The file is not valid JSON."
    new = json.loads(wanted)
    parts = [
        ("not in content/", sorted(set(old) - set(new))),
        ("missing from the file", sorted(set(new) - set(old))),
        ("changed", sorted(c for c in set(old) & set(new) if old[c] != new[c])),
    ]
    said = [f"{label}: {', '.join(codes)}" for label, codes in parts if codes]
    text = "; ".join(said)
    return text[0].upper() + text[1:] + "." if said else "Only the layout differs."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the file differs from the content"
    )
    parser.add_argument("--content-dir", type=Path, default=CONTENT_DIR)
    parser.add_argument("--out", type=Path, default=RULES_FILE)
    args = parser.parse_args(argv)
    try:
        text = compiled_text(args.content_dir)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
    if args.check:
        if current != text:
            print(
                f"{args.out} is stale: run `make rules` (python -m tools.compile_rules) and commit "
                f"it. {_differences(current, text)}",
                file=sys.stderr,
            )
            return 1
        print(f"{args.out} is current ({text.count(chr(10)) - 2} codes)")
        return 0
    if current != text:
        args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10)) - 2} codes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
