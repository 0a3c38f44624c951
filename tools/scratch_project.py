"""A scratch copy of the project to build in, shared by bench/build.py and the add-a-code test.

Copies the sources a site build reads (not site/, build/ or .venv) and links node_modules,
whose Pyodide files the site_assets hook copies into the site.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("calc", "macros", "docs", "overrides", "tools", "mkdocs.yml", "pyproject.toml")


def copy_project(project: Path, names: Iterable[str] = SOURCES) -> Path:
    """Copy ``names`` from the repository into the new directory ``project``; return it."""
    project.mkdir()
    for name in names:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return project
