"""The page hook for yearly program figures: ``{{ program("kx_threshold.pt_slp", 2026) }}``
prints calc's ``{"kind": "program"}`` answer (here a stand-in answer of that shape)."""

from __future__ import annotations

from typing import Any

import pytest

from macros import render

ANSWER = {
    "ok": True,
    "kind": "program",
    "year": 2026,
    "figures": {
        "kx_threshold": {"pt_slp": {"amount": "2480.00", "source": "CY2026 PFS final rule"}},
        "cq_co_percent": {"value": "85", "source": "42 CFR 410.59"},
    },
}


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = []

    def fake_ask(request: dict[str, Any]) -> dict[str, Any]:
        requests.append(dict(request))
        return ANSWER

    monkeypatch.setattr(render, "ask", fake_ask)
    return requests


def test_money_figure_is_printed_as_calc_answers_it(asked: list[dict[str, Any]]) -> None:
    assert render.program_figure("kx_threshold.pt_slp", 2026) == "$2480.00"
    assert asked == [{"kind": "program", "year": 2026}]


def test_other_figure_is_printed_as_text(asked: list[dict[str, Any]]) -> None:
    assert render.program_figure("cq_co_percent") == "85"
    assert asked == [{"kind": "program"}]


def test_unknown_key_names_the_keys_calc_has(asked: list[dict[str, Any]]) -> None:
    with pytest.raises(render.RenderError, match=r"no 'kx_threshold\.ot'.*keys: pt_slp"):
        render.program_figure("kx_threshold.ot", 2026)
