"""A content error fails the build with the readable list, and nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitecheck import ROOT, mkdocs_build


def test_broken_content_fails_the_build_and_writes_nothing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    broken = content / "97546.yaml"
    text = broken.read_text(encoding="utf-8")
    # Two problems in one file: a tip without its impact, a denial without its appeal.
    text = text.replace("    impact: >-", "    effect: >-", 1).replace("    appeal: >-", "    apeal: >-", 1)
    broken.write_text(text, encoding="utf-8")
    site = tmp_path / "site"

    result = mkdocs_build(site, content)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "nothing was built" in output
    assert "97546.yaml" in output
    assert "tips[0]" in output and "denials[0]" in output  # every error at once, with its field
    assert "Traceback" not in output
    assert not site.exists() or not any(site.iterdir())
