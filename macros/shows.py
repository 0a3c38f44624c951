"""The calc-computed blocks a family or guide section shows (``show:`` in content): the view
models of a program figures table, a units comparison and a worked visit.

Each view copies calc's answers (``{"kind": "program"}``, two ``{"kind": "units"}`` requests,
``{"kind": "visit"}``); nothing is computed here, and the templates only lay the views out.
Which figure a row shows is named by the content file; its value and source are calc's.
"""

from __future__ import annotations

from typing import Any

from macros.figures import figure_node, figure_text, program_answer

#: Row labels of program figures (a key not listed is labelled from its own name).
PROGRAM_LABELS = {
    "kx_threshold.pt_slp": "KX threshold, physical therapy and speech-language pathology combined",
    "kx_threshold.ot": "KX threshold, occupational therapy",
    "targeted_review_threshold": "Targeted medical review threshold",
    "part_b_deductible": "Part B deductible",
    "appeal_amount_in_controversy.alj": "Amount in controversy for an ALJ hearing",
    "appeal_amount_in_controversy.federal_court": "Amount in controversy for federal court",
    "coinsurance": "Patient coinsurance",
    "assistant_share": "Payment for services by a therapy assistant (CQ, CO)",
    "sequestration": "Sequestration cut to Medicare's payment",
}

#: The per-code method's name in calc (each code on its own, the CPT midpoint rule).
PER_CODE_METHOD = "ama"


def _label(key: str, node: Any) -> str:
    if key in PROGRAM_LABELS:
        return PROGRAM_LABELS[key]
    if isinstance(node, dict) and "step" in node:
        return f"Appeal deadline: {node['step']} (from {node['counted_from']})"
    return key.replace("_", " ").replace(".", ", ").capitalize()


def _is_figure(node: Any) -> bool:
    return (
        isinstance(node, dict) and "source" in node and any(k in node for k in ("amount", "limit", "percent"))
    )


def _rows(answer: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The figure a key names, or each figure of the group it names, as table rows."""
    node = figure_node(answer, key)
    if _is_figure(node):
        figures = [(key, node)]
    elif isinstance(node, list):
        figures = [(f"{key}.{i}", item) for i, item in enumerate(node) if _is_figure(item)]
    else:
        figures = [(f"{key}.{name}", item) for name, item in node.items() if _is_figure(item)]
    return [
        {"label": _label(k, item), "figure": figure_text(item), "source": item["source"]}
        for k, item in figures
    ]


def program_view(keys: list[str], year: int | None) -> dict[str, Any]:
    """Rows (label, figure, source) of the named program figures for ``year`` (newest when None)."""
    answer = program_answer(year)
    return {"year": answer["year"], "rows": [row for key in keys for row in _rows(answer, key)]}


def units_compare_view(pairs: list[tuple[str, int]], ask: Any) -> dict[str, Any]:
    """The same minutes counted by CMS's total-time method and by each code on its own."""
    services = [{"code": code, "minutes": minutes} for code, minutes in pairs]
    cms = ask({"kind": "units", "method": "cms", "services": services})
    per_code = ask({"kind": "units", "method": PER_CODE_METHOD, "services": services})
    lines = [
        {
            "code": a["code"],
            "minutes": a["minutes"],
            "cms": a["units"],
            "per_code": b["units"],
            "reason": a["reason"],
        }
        for a, b in zip(cms["lines"], per_code["lines"], strict=True)
    ]
    return {
        "lines": lines,
        "total_minutes": cms["totals"]["timed_minutes"],
        "cms_units": cms["totals"]["timed_units"],
        "per_code_units": per_code["totals"]["timed_units"],
    }


#: The money totals of a visit answer, in the order and words a clerk reads them.
VISIT_TOTALS = (
    ("allowed", "Allowed amount"),
    ("deductible", "Deductible applied"),
    ("coinsurance", "Patient coinsurance"),
    ("sequestration", "Sequestration"),
    ("medicare_payment", "Medicare payment"),
    ("patient_owes", "Patient owes"),
)


def visit_view(request: dict[str, Any], ask: Any) -> dict[str, Any]:
    """Lines, totals and steps of a worked visit, as calc's visit answer gives them."""
    answer = ask({"kind": "visit", **request})
    # Without the deductible left calc takes it as met and applies nothing: that row would say
    # nothing the example is about, so it is shown only when the example gives the deductible.
    shown = [
        (k, label) for k, label in VISIT_TOTALS if k != "deductible" or "deductible_remaining" in request
    ]
    totals = [{"label": label, "amount": answer["totals"][k]} for k, label in shown if k in answer["totals"]]
    return {
        "year": answer["year"],
        "locality": answer["locality"]["name"],
        "release": answer["release"]["rvu"],
        "conversion_factor": answer["conversion_factor"],
        "lines": answer["lines"],
        "totals": totals,
        "steps": answer["steps"],
        "findings": answer.get("findings", []),
        "warnings": answer["warnings"],
    }
