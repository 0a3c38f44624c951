"""One strict build of the real content per test session (builds take seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitecheck import mkdocs_build


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("build") / "site"
    result = mkdocs_build(site_dir)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site_dir
