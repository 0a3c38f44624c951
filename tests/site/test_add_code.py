"""Adding a code means adding one YAML file (and its family's file when the family is new):
after `make rules` (run by `make site`), its page, its line in the code index, its family page
and search follow with no other edit.

Runs in a scratch copy of the project, so the repository's content and calc/data stay as
they are."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tools.scratch_project import SOURCES, copy_project

from sitecheck import mkdocs_build, scan

NEW_CODE = """code: "97802"
name: A code this reference has no page for yet (a fixture)
summary: >-
  A page added by one content file, to show that one file is all a new code needs.
family: group-therapy
unit_rule:
  type: untimed
tips:
  - id: one-unit-per-patient
    tip: Bill one unit for each patient in the group session.
    impact: Units beyond one per session are denied.
    source: [cms-pfs-rvu]
sources:
  cms-pfs-rvu:
    title: CMS Physician Fee Schedule relative value files
    url: https://www.cms.gov/medicare/payment/fee-schedules/physician/pfs-relative-value-files
    cites: RVU26C, the code's status
last_reviewed: 2026-01-01
confidence: low
data_release: {release}
"""


NEW_FAMILY = """name: Group therapy
summary: Therapy for two or more patients at once.
source: [bpm-ch15]
unit_kind: untimed
sources:
  bpm-ch15:
    title: Medicare Benefit Policy Manual (Pub. 100-02), Chapter 15
    url: https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/bp102c15.pdf
    cites: Chapter 15, sections 230.1 and 230.2 (group therapy)
last_reviewed: 2026-01-01
"""


def project_copy(tmp: Path) -> Path:
    return copy_project(tmp / "project", (*SOURCES, "content"))


def test_one_yaml_file_adds_page_index_line_family_and_search(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    reference = (project / "content/97546.yaml").read_text(encoding="utf-8")
    release = next(
        line.split(":")[1].strip() for line in reference.splitlines() if line.startswith("data_release:")
    )
    (project / "content/97802.yaml").write_text(NEW_CODE.format(release=release), encoding="utf-8")
    # A new family needs its family file (its page's text and sources); a known one does not.
    (project / "content/families/group-therapy.yaml").write_text(NEW_FAMILY, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "tools.compile_rules"], cwd=project, check=True, capture_output=True
    )

    site = tmp_path / "site"
    result = mkdocs_build(site, project_root=project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "codes/97802/index.html").is_file()
    assert 'href="97802/"' in (site / "codes/index.html").read_text(encoding="utf-8")
    family = site / "families/group-therapy/index.html"
    assert 'href="../../codes/97802/"' in family.read_text(encoding="utf-8")
    assert "group-therapy/" in "".join(scan(site / "families/index.html").links)
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert "codes/97802/" in {doc["location"] for doc in index["docs"]}
