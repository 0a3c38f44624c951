"""The README's JSON-seam examples are real: each `echo '...' | python3 -m calc` line runs.

Like FastAPI's docs_src, an example in the documentation is a tested example: if the seam
changes, this test names the README line that went stale.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = re.compile(r"^echo '(?P<request>\{.*\})' \| python3 -m calc$", re.MULTILINE)


def readme_requests() -> list[dict[str, object]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [json.loads(m.group("request")) for m in EXAMPLE.finditer(text)]


def test_readme_has_an_example_of_each_kind() -> None:
    kinds = {request["kind"] for request in readme_requests()}
    assert {"units", "fee", "check"} <= kinds


@pytest.mark.parametrize("request_", readme_requests(), ids=lambda r: str(r["kind"]))
def test_readme_example_answers_through_python_m_calc(request_: dict[str, object]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "calc"],
        input=json.dumps(request_),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    answer = json.loads(done.stdout)
    # The README's one bad-input example gives a negative number of minutes.
    bad_input = '"minutes": -' in json.dumps(request_)
    assert answer["ok"] is (not bad_input), answer


def test_readme_fee_example_figures_match_calc() -> None:
    from calc import handle

    fee = next(r for r in readme_requests() if r["kind"] == "fee")
    answer = handle(fee)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in answer["lines"]:
        if line["allowed"] is not None:
            assert f'"allowed": "{line["allowed"]}"' in text
    assert f'"medicare_payment": "{answer["totals"]["medicare_payment"]}"' in text
