"""The command-line tools: `tools/content.py validate|new` and `tools/compile_rules.py`,
plus the real content/ of the project (no errors, unit_rules.json current)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from content_cases import FIXTURES, RELEASES, REPO_ROOT, TODAY, build_case

from macros.content import CONTENT_DIR, load_content, validate_content
from macros.model import CodeContent
from tools import compile_rules

CONTENT_TOOL = "tools.content"
RULES_TOOL = "tools.compile_rules"
RULES_FILE = REPO_ROOT / "calc" / "data" / "unit_rules.json"


def run(tool: str, *args: str | Path, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    """A tool run as the Makefile runs it (``python -m tools.<name>``); from another folder
    the project root comes through PYTHONPATH, as for any installed package."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", tool, *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --------------------------------------------------------------------------- the real content


def test_real_content_has_no_errors() -> None:
    contents = load_content(CONTENT_DIR)
    assert {"97545", "97546"} <= set(contents)


def test_real_unit_rules_file_is_current() -> None:
    result = run(RULES_TOOL, "--check")
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------- validate


def test_validate_prints_ok(tmp_path: Path) -> None:
    content = build_case("good", tmp_path)
    result = run(CONTENT_TOOL, "--content-dir", content, "validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "3 code files and 2 family, guide and remittance files OK"


def test_validate_prints_every_error_and_fails(tmp_path: Path) -> None:
    content = build_case("duplicate-ids", tmp_path)
    for case, name in (("tip-without-impact", "97110.yaml"), ("duplicate-faq-question", "97546.yaml")):
        (content / name).write_text((FIXTURES / case / name).read_text())
    result = run(CONTENT_TOOL, "--content-dir", content, "validate", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("content/97110.yaml:9: tips[0].impact: a tip needs its impact")
    assert lines[1].startswith("content/97545.yaml:20: tips[1].id: id 'bill-once-per-session'")
    assert lines[2] == "content/97546.yaml:27: faqs[1].question: repeats the question of faqs[0]"
    assert lines[3] == "3 error(s) in 3 file(s)"


# --------------------------------------------------------------------------- new


def test_new_scaffolds_every_field_and_fails_until_filled(tmp_path: Path) -> None:
    content = tmp_path / "content"
    result = run(CONTENT_TOOL, "--content-dir", content, "new", "97750")
    assert result.returncode == 0, result.stderr
    path = content / "97750.yaml"
    data = yaml.safe_load(path.read_text())
    assert set(data) == set(CodeContent.model_fields)
    assert set(data["tips"][0]) == {"id", "tip", "impact", "source"}
    assert set(data["denials"][0]) == {"id", "reason", "appeal", "source"}
    assert set(data["faqs"][0]) == {"id", "question", "answer", "source"}

    issues = validate_content(content, TODAY, RELEASES)[1]
    assert issues and all("TODO placeholder" in issue.message for issue in issues)
    assert {"name", "tips[0].impact", "denials[0].appeal", "unit_rule.type", "last_reviewed"} <= {
        issue.field for issue in issues
    }

    path.write_text(yaml.safe_dump(_filled(data), sort_keys=False))
    (content / "families").mkdir()
    (content / "families" / "tests-and-measures.yaml").write_text(FAMILY, encoding="utf-8")
    assert validate_content(content, TODAY, RELEASES) == (
        {"97750": CodeContent.model_validate(_filled(data))},
        [],
    )


FAMILY = """\
name: Tests and measures
summary: Measured tests of physical performance.
source: ch5
unit_kind: timed
sources:
  ch5:
    title: Medicare Claims Processing Manual, chapter 5
    url: https://www.cms.gov/manual/ch5.pdf
    cites: Chapter 5, section 20.2
last_reviewed: 2026-11-02
"""


def _filled(data: dict) -> dict:
    source = {
        "title": "Medicare Claims Processing Manual, chapter 5",
        "url": "https://www.cms.gov/manual/ch5.pdf",
        "cites": "Chapter 5, section 20.2",
    }
    return {
        **data,
        "name": "Physical performance test",
        "summary": "A measured test.",
        "family": "tests-and-measures",
        "unit_rule": {"type": "timed_15"},
        "tips": [{"id": "time-it", "tip": "Record the minutes.", "impact": "Units follow.", "source": "ch5"}],
        "denials": [
            {"id": "no-report", "reason": "No written report.", "appeal": "Send the report.", "source": "ch5"}
        ],
        "faqs": [{"id": "who", "question": "Who bills it?", "answer": "The therapist.", "source": "ch5"}],
        "sources": {"ch5": source},
        "last_reviewed": "2026-11-02",
        "confidence": "medium",
        "data_release": "RVU26C",
    }


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    content = build_case("good", tmp_path)
    before = (content / "97110.yaml").read_text()
    result = run(CONTENT_TOOL, "--content-dir", content, "new", "97110")
    assert result.returncode == 1
    assert "already exists" in result.stderr
    assert (content / "97110.yaml").read_text() == before


def test_new_refuses_a_malformed_code(tmp_path: Path) -> None:
    result = run(CONTENT_TOOL, "--content-dir", tmp_path, "new", "9775")
    assert result.returncode == 2
    assert "not a HCPCS code" in result.stderr
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- compile_rules


def test_compile_writes_the_rules_of_the_content(tmp_path: Path) -> None:
    content = build_case("good", tmp_path)
    out = tmp_path / "unit_rules.json"
    result = run(RULES_TOOL, "--content-dir", content, "--out", out)
    assert result.returncode == 0, result.stderr
    assert out.read_text() == (
        "{\n"
        '  "97110": {"type": "timed_15"},\n'
        '  "97545": {"type": "hour_block", "initial_minutes": 120, "initial_threshold_minutes": '
        '120, "addon": "97546", "addon_minutes": 60, "addon_threshold_minutes": 31},\n'
        '  "97546": {"type": "hour_block_addon", "primary": "97545"}\n'
        "}\n"
    )
    assert run(RULES_TOOL, "--content-dir", content, "--out", out, "--check").returncode == 0


def test_check_fails_on_a_stale_file(tmp_path: Path) -> None:
    content = build_case("good", tmp_path)
    out = tmp_path / "unit_rules.json"
    out.write_text('{\n  "97110": {"type": "untimed"}\n}\n')
    result = run(RULES_TOOL, "--content-dir", content, "--out", out, "--check")
    assert result.returncode == 1
    assert "stale" in result.stderr
    assert out.read_text() == '{\n  "97110": {"type": "untimed"}\n}\n'  # --check never writes


def test_compile_refuses_invalid_content(tmp_path: Path) -> None:
    content = build_case("hour-block-missing-field", tmp_path)
    out = tmp_path / "unit_rules.json"
    result = run(RULES_TOOL, "--content-dir", content, "--out", out)
    assert result.returncode == 1
    assert "unit_rule.addon_minutes: this field is required" in result.stderr
    assert not out.exists()


def test_render_matches_the_committed_file_format() -> None:
    """The committed unit_rules.json is exactly what render_rules writes for its data."""
    import json

    render_rules = compile_rules.render_rules
    text = RULES_FILE.read_text()
    assert render_rules(json.loads(text)) == text


def test_doctests_of_the_content_modules() -> None:
    import doctest

    import macros.crosscheck
    import macros.issues
    import macros.sourcing
    import macros.templating

    for module in (macros.crosscheck, macros.issues, macros.sourcing, macros.templating, compile_rules):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_validate_refuses_a_figure_typed_into_docs(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "kx.md").write_text(
        "# KX\n\nThe 2025 threshold is $2,410.\n\nPrinted by calc: {{ program('kx_threshold.pt_slp', 2025) }}\n",
        encoding="utf-8",
    )
    result = run(CONTENT_TOOL, "--docs-dir", docs, "validate")
    assert result.returncode == 1
    assert "kx.md:3: contains '$2,410'" in result.stdout
    assert result.stdout.count("contains") == 1  # the macro call is calc's figure, not typed


def test_real_docs_type_no_figure() -> None:
    from macros.figures import docs_figure_issues

    assert list(docs_figure_issues(REPO_ROOT / "docs")) == []
