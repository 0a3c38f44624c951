"""Fixtures for the content tests (helpers live in content_cases.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_cases import build_case


@pytest.fixture
def good_content(tmp_path: Path) -> Path:
    return build_case("good", tmp_path)
