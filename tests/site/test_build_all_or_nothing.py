"""`make site` is all or nothing (tools/build_site.py): a build that fails after content
validated leaves calc/data/unit_rules.json, the wheel and site/ byte for byte as they were; a
build that succeeds replaces all three.

Runs in a scratch copy of the project (tools/scratch_project.py), never on the repository's
own files. The failing build changes a unit rule (so new rules would differ) and adds a page
with a broken link, which only the strict MkDocs build (the last step) refuses.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.scratch_project import SOURCES, copy_project

KEPT = ("calc/data", "build/wheel", "site")
# A valid change to a unit rule: the threshold a payer following the CPT midpoint rule uses.
RULE_BEFORE = "initial_threshold_minutes: 120"
RULE_AFTER = "initial_threshold_minutes: 61"


def tree(project: Path) -> dict[str, str]:
    """Every file under KEPT with the hash of its bytes."""
    files = {}
    for top in KEPT:
        for path in sorted((project / top).rglob("*")):
            if path.is_file():
                files[path.relative_to(project).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def build(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALC_SNAPSHOT": "0"}  # no Pyodide snapshot: a quicker build
    return subprocess.run(
        [sys.executable, "-m", "tools.build_site"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch project with an earlier build's rules, wheel and site in place."""
    project = copy_project(tmp_path_factory.mktemp("atomic") / "project", (*SOURCES, "content"))
    first = build(project)
    assert first.returncode == 0, first.stdout + first.stderr
    return project


def test_a_failing_build_changes_nothing(project: Path) -> None:
    before = tree(project)
    assert any(name.startswith("site/") for name in before) and any(
        n.startswith("build/wheel/") for n in before
    )
    rule_file = project / "content" / "97545.yaml"
    text = rule_file.read_text(encoding="utf-8")
    assert RULE_BEFORE in text
    rule_file.write_text(text.replace(RULE_BEFORE, RULE_AFTER), encoding="utf-8")
    broken = project / "docs" / "broken-link.md"
    broken.write_text("# Broken\n\nSee [a page that does not exist](no-such-page.md).\n", encoding="utf-8")
    try:
        failed = build(project)
        assert failed.returncode != 0
        assert "strict site build" in failed.stderr and "unchanged" in failed.stderr, failed.stderr
        assert "no-such-page.md" in failed.stdout + failed.stderr  # MkDocs' own reason is shown
        assert tree(project) == before
        assert not [p.name for p in (project / "build").iterdir() if p.name.startswith("scratch-")]
        assert not list(project.glob("*.old-*")) and not list((project / "build").glob("*.old-*"))
    finally:
        broken.unlink()


def test_a_good_build_replaces_rules_wheel_and_site(project: Path) -> None:
    before = tree(project)
    rule_file = project / "content" / "97545.yaml"
    text = rule_file.read_text(encoding="utf-8")
    rule_file.write_text(text.replace(RULE_BEFORE, RULE_AFTER), encoding="utf-8")
    done = build(project)
    assert done.returncode == 0, done.stdout + done.stderr
    after = tree(project)
    changed = {name for name in after if before.get(name) != after[name]}
    assert "calc/data/unit_rules.json" in changed
    assert '"initial_threshold_minutes": 61' in (project / "calc/data/unit_rules.json").read_text()
    assert any(name.startswith("build/wheel/calc-") for name in changed)  # a new wheel for new rules
    assert any(name.startswith("site/assets/calc/calc-") for name in changed)
