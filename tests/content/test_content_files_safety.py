"""Content is read only from regular files inside content/ (issue 13): a link, a FIFO, a
device, an oversized file or field is refused with a message naming the file, at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from content_cases import RELEASES, TODAY

from macros.content import validate_content
from macros.model import MAX_FIELD_CHARS
from macros.reading import MAX_FILE_BYTES


def problems(content: Path) -> list[str]:
    _valid, issues = validate_content(content, TODAY, RELEASES)
    return [str(issue) for issue in issues]


def only_problem(content: Path, name: str) -> str:
    found = problems(content)
    assert len(found) == 1, found
    assert found[0].startswith(f"{content / name}: ") or name in found[0], found
    return found[0]


def test_link_to_a_valid_file_outside_is_refused_not_published(good_content: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((good_content / "97110.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (good_content / "97110.yaml").unlink()
    (good_content / "97110.yaml").symlink_to(outside)
    valid, issues = validate_content(good_content, TODAY, RELEASES)
    assert "97110" not in valid
    assert any("97110.yaml" in str(i) and "symbolic link" in i.message for i in issues), issues


def test_link_to_dev_zero_is_refused_at_once(good_content: Path) -> None:
    (good_content / "97999.yaml").symlink_to("/dev/zero")
    assert "symbolic link" in only_problem(good_content, "97999.yaml")


def test_fifo_is_refused_without_hanging(good_content: Path) -> None:
    os.mkfifo(good_content / "97999.yaml")  # nobody writes to it: a blocking read would hang
    assert "not a regular file" in only_problem(good_content, "97999.yaml")


def test_folder_named_like_a_file_is_refused(good_content: Path) -> None:
    (good_content / "97999.yaml").mkdir()
    assert "not a regular file" in only_problem(good_content, "97999.yaml")


def test_oversized_file_is_refused_without_reading_it_all(good_content: Path) -> None:
    big = good_content / "97110.yaml"
    with big.open("a", encoding="utf-8") as out:
        out.write("#" + "x" * MAX_FILE_BYTES + "\n")  # a YAML comment: valid but too big
    assert "larger than 256 KB" in only_problem(good_content, "97110.yaml")


def test_oversized_text_field_is_refused_with_its_field(good_content: Path) -> None:
    path = good_content / "97110.yaml"
    text = path.read_text(encoding="utf-8")
    name_line = next(line for line in text.splitlines() if line.startswith("name:"))
    path.write_text(
        text.replace(name_line, "name: " + "word " * (MAX_FIELD_CHARS // 5 + 1)), encoding="utf-8"
    )
    found = only_problem(good_content, "97110.yaml")
    assert f"name: is longer than {MAX_FIELD_CHARS} characters" in found


def test_text_that_is_not_utf8_is_refused(good_content: Path) -> None:
    path = good_content / "97110.yaml"
    path.write_bytes(path.read_bytes().replace(b"Exercise", b"Exerc\xe9se", 1))
    assert "not UTF-8" in only_problem(good_content, "97110.yaml")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_named(good_content: Path) -> None:
    (good_content / "97110.yaml").chmod(0)
    assert "cannot be read" in only_problem(good_content, "97110.yaml")
