"""Pages and page parts about the data itself (issue 10): the payment history chart of a code
page, its NCCI edit partners, the dated notice when the data is behind, and a "what changed"
page per pair of fee-schedule releases.

Every figure comes from calc through the seam (kinds "history", "edits", "freshness",
"changes"); this module only lays them out. The chart is an SVG drawn here at build time:
no JavaScript and no request to another host, with a table beside it for screen readers and
print. The only arithmetic is the chart's geometry (pixels), never a billing figure.

The build knows the day it runs: ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention)
when set, else today's date (UTC).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from macros import render
from macros.templating import page_link

CHANGES_DIR = "changes"
#: Chart geometry in SVG user units (the SVG scales to its container).
CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM, CHART_LEFT = 480, 220, 28, 40, 8


def build_date() -> date:
    """The day of this build (``SOURCE_DATE_EPOCH`` when set, for reproducible builds and tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return datetime.now(UTC).date()


@lru_cache(maxsize=4)
def freshness(today: date) -> dict[str, Any]:
    return render.ask({"kind": "freshness", "today": today.isoformat()})


def warn_if_stale() -> list[str]:
    """Print the build's warning when the data is behind the day it runs (and answer the lines)."""
    answer = freshness(build_date())
    lines = [text for text in (answer["notice"], answer["locality_notice"]) if text]
    for text in lines:
        print(f"WARNING - Fee-schedule data: {text}", file=sys.stderr)
    return lines


def data_notice() -> Markup:
    """The dated notice naming the release in use, when the data is behind (else nothing)."""
    return Markup(render.render("data_notice.html.j2", f=freshness(build_date()), where="page"))


def calculator_notice() -> Markup:
    """Above the calculators: why they default to the year they do, and the dated notice."""
    return Markup(render.render("data_notice.html.j2", f=freshness(build_date()), where="calculators"))


# --------------------------------------------------------------------------- payment history


def chart(years: list[dict[str, Any]]) -> dict[str, Any]:
    """Bar geometry for the history chart: one slot per year, heights scaled to the largest amount."""
    amounts = [Decimal(y["amount"]) for y in years if y["amount"] is not None]
    top = max(amounts, default=Decimal(1)) or Decimal(1)
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    slot = (CHART_WIDTH - 2 * CHART_LEFT) // max(len(years), 1)
    bars = []
    for index, year in enumerate(years):
        x = CHART_LEFT + index * slot
        height = 0 if year["amount"] is None else int(Decimal(year["amount"]) / top * plot)
        bars.append(
            {
                **year,
                "x": x + slot // 6,
                "width": slot - slot // 3,
                "height": height,
                "y": CHART_HEIGHT - CHART_BOTTOM - height,
                "centre": x + slot // 2,
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "base": CHART_HEIGHT - CHART_BOTTOM,
        "stub": CHART_HEIGHT - CHART_BOTTOM - 12,
    }


def payment_history(code: str, here: str) -> Markup:
    """The code's national non-facility amount per year: an SVG chart and the same figures as a table."""
    answer = render.ask({"kind": "history", "code": code})
    return Markup(
        render.render(
            "payment_history.html.j2",
            h=answer,
            chart=chart(answer["years"]),
            changes_href=page_link(here, f"{CHANGES_DIR}/index.md"),
        )
    )


# --------------------------------------------------------------------------- NCCI edits


def edit_partners(code: str, here: str) -> Markup:
    """The code's NCCI PTP partners in effect on the build day, or that no edit file is loaded."""
    answer = render.ask({"kind": "edits", "code": code, "date_of_service": build_date().isoformat()})
    pages = set(render.current_site().contents)
    partners = [
        {**p, "href": page_link(here, render.code_page_path(p["code"])) if p["code"] in pages else None}
        for p in answer["partners"]
    ]
    return Markup(render.render("edit_partners.html.j2", e=answer, partners=partners))


# --------------------------------------------------------------------------- what changed


def _unsearched_front_matter(title: str, description: str) -> str:
    """Front matter keeping the page out of the search index: a report lists thousands of codes
    and would triple the index every page downloads; the codes' own pages are indexed."""
    return (
        f"---\ntitle: {json.dumps(title)}\ndescription: {json.dumps(description)}\n"
        "search:\n  exclude: true\n---\n"
    )


def changes_page_path(old: str, new: str) -> str:
    return f"{CHANGES_DIR}/{old}-{new}.md"


def _change_row(entry: dict[str, Any], kind: str, pages: set[str], here: str) -> dict[str, Any]:
    amounts = entry.get("national_amounts", {})
    return {
        "code": entry["code"],
        "mod": entry.get("mod", ""),
        "kind": kind,
        "href": page_link(here, render.code_page_path(entry["code"])) if entry["code"] in pages else None,
        "status": entry.get("status"),
        "non_facility": amounts.get("non_facility"),
        "facility": amounts.get("facility"),
        "rvus": sorted(entry.get("rvus", {})),
        "indicators": entry.get("indicators", {}),
        "therapy": bool(entry.get("therapy")),
    }


def changes_page(old: str, new: str, pages: set[str]) -> str:
    """One release pair's report: the codes with pages here first (linked), then the rest."""
    here = changes_page_path(old, new)
    report = render.ask({"kind": "changes", "release": new})
    rows = [_change_row(e, "added", pages, here) for e in report["added"]]
    rows += [_change_row(e, "deleted", pages, here) for e in report["deleted"]]
    rows += [_change_row(e, "changed", pages, here) for e in report["changed"]]
    ours = sorted((r for r in rows if r["href"]), key=lambda r: (r["code"], r["mod"]))
    therapy = sorted((r for r in rows if not r["href"] and r["therapy"]), key=lambda r: (r["code"], r["mod"]))
    rest = sorted(
        (r for r in rows if not r["href"] and not r["therapy"]), key=lambda r: (r["code"], r["mod"])
    )
    unchanged = sorted(pages - {r["code"] for r in ours})
    head = _unsearched_front_matter(f"What changed: {old} to {new}", f"Changes from {old} to {new}")
    body = render.render(
        "changes_page.md.j2",
        r=report,
        ours=ours,
        therapy=therapy,
        rest=rest,
        unchanged=[{"code": c, "href": page_link(here, render.code_page_path(c))} for c in unchanged],
        notice=data_notice(),
    )
    return head + body


def changes_index(reports: list[dict[str, str]]) -> str:
    here = f"{CHANGES_DIR}/index.md"
    links = [{**r, "href": page_link(here, changes_page_path(r["from"], r["to"]))} for r in reversed(reports)]
    head = _unsearched_front_matter("What changed between releases", "CMS fee-schedule release changes")
    return head + render.render("changes_index.md.j2", reports=links, notice=data_notice())


def generated_pages() -> dict[str, str]:
    """The "what changed" pages, docs path -> Markdown."""
    reports: list[dict[str, str]] = render.ask({"kind": "changes"})["reports"]
    pages = set(render.current_site().contents)
    out = {changes_page_path(r["from"], r["to"]): changes_page(r["from"], r["to"], pages) for r in reports}
    out[f"{CHANGES_DIR}/index.md"] = changes_index(reports)
    return out


def template_globals() -> dict[str, Any]:
    """The globals the code page template uses from this module."""
    return {
        "payment_history": payment_history,
        "edit_partners": edit_partners,
        "data_notice": data_notice,
        "calculator_notice": calculator_notice,
    }
