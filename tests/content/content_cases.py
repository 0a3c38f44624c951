"""Shared helpers for the content tests: content folders
assembled in tmp_path from the fixtures (the good set, overlaid by one broken case)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = date(2026, 11, 27)
RELEASES = ["RVU25D", "RVU26C"]


def build_case(case: str, dest: Path) -> Path:
    """Copy the good content into ``dest/content`` and overlay the files of ``case``.

    A case folder holds the files it replaces (``families/`` and ``guides/`` too), and
    optionally ``REMOVE`` naming files (``families/x.yaml``) to delete from the good set.
    """
    content = dest / "content"
    shutil.copytree(FIXTURES / "good", content)
    if case == "good":
        return content
    for path in sorted((FIXTURES / case).iterdir()):
        if path.name == "REMOVE":
            for name in path.read_text().split():
                (content / name).unlink()
        elif path.is_dir():  # families/, guides/
            shutil.copytree(path, content / path.name, dirs_exist_ok=True)
        else:
            shutil.copy(path, content / path.name)
    return content
