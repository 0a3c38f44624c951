"""Rendering of the generated pages: a code page per content file, the code index, families.

Every figure on a page comes from ``calc.handle`` at build time (the same module the browser
runs); this module only asks calc/ and arranges its answers into view models, and the Jinja2
templates in ``macros/templates/`` lay them out. No arithmetic happens here or in a template:
even the ranges of the units-by-minutes table are read off calc's answers minute by minute.

The hook ``macros/pages.py`` calls :func:`build_site` once per build (before MkDocs writes
anything) and the mkdocs-macros module (``macros/__init__.py``) reads the same
:class:`Site` through :func:`current_site` so hand-written pages show the same tables.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from calc import handle as calc_handle
from calc import schedule
from macros.calculators import calculators_for_code
from macros.content import CONTENT_DIR, load_content
from macros.model import CONFIDENCE_MEANINGS, CodeContent
from macros.templating import front_matter, html_environment, truncate

#: Where generated pages live inside docs/ (virtual files, never written to disk).
CODES_DIR = "codes"
FAMILIES_DIR = "families"

#: Settings of the national fee answer shown on a page, in display order.
SETTINGS = (("non_facility", "Non-facility (office, clinic)"), ("facility", "Facility (hospital, SNF)"))

TRADEMARK_NOTICE = (
    "CPT is a registered trademark of the American Medical Association. Code names and "
    "descriptions on this site are our own plain-language wording, not the AMA's descriptors."
)

#: Session lengths scanned for each unit rule's table, and why that far: the tables show
#: whole ranges read off calc's answers, so the scan runs one range past the last one shown.
SCAN_MINUTES = {
    "timed_15": 135,  # eight units (through 127 minutes), as CMS 100-04 ch.5 §20.2 lists
    "hour_block": 420,  # sessions of 2 to 6 hours (issue: 97545/97546 tables)
    "hour_block_addon": 420,
    "untimed": 0,
}
UNTIMED_EXAMPLES = (15, 30, 60)  # any session length bills one unit: shown on three lengths


#: Money as calc answers it: text with two decimals ("2410.00").
MONEY_RE = re.compile(r"^\d+\.\d{2}$")


class RenderError(Exception):
    """calc/ refused a request the site made: a build problem, reported with the code."""


# --------------------------------------------------------------------------- calc answers


def ask(request: Mapping[str, Any]) -> dict[str, Any]:
    """One answer from calc's JSON seam; a refusal stops the build with calc's own message."""
    answer: dict[str, Any] = dict(calc_handle(dict(request)))
    if not answer.get("ok"):
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in answer.get("errors", []))
        raise RenderError(f"calc refused {json.dumps(request)}: {problems}")
    return answer


def national_fees(code: str, year: int | None) -> dict[str, dict[str, Any]]:
    """calc's national fee answer for one unit of ``code`` in each setting, keyed by setting."""
    answers = {}
    for setting, _label in SETTINGS:
        request: dict[str, Any] = {
            "kind": "fee",
            "locality": "national",
            "setting": setting,
            "lines": [{"code": code, "units": 1}],
        }
        if year is not None:
            request["year"] = year
        answers[setting] = ask(request)
    return answers


def fee_view(code: str, year: int) -> dict[str, Any]:
    """Status, RVUs and national amounts for a code page, all copied from calc's answers."""
    answers = national_fees(code, year)
    first = answers[SETTINGS[0][0]]
    line = first["lines"][0]
    amounts = [
        {
            "setting": setting,
            "label": label,
            "allowed": answers[setting]["lines"][0]["allowed"],
            "reason": answers[setting]["lines"][0].get("reason"),
            "reason_label": answers[setting]["lines"][0]["reason_label"],
        }
        for setting, label in SETTINGS
    ]
    facts = rvu_facts(answers)
    return {
        "year": first.get("year"),
        "release": first.get("release", {}),
        "conversion_factor": first.get("conversion_factor"),
        "status": line.get("status"),
        "status_meaning": line.get("status_meaning"),
        "status_label": line["status_label"],
        "reason": line.get("reason"),
        "reason_label": line["reason_label"],
        "priced": any(a["allowed"] is not None for a in amounts),
        "amounts": amounts,
        **facts,
    }


RVU_PARTS = (
    ("work", "Work"),
    ("pe", "Practice expense (PE)"),
    ("mp", "Malpractice (MP)"),
    ("total", "Total"),
)


def rvu_facts(answers: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """RVU breakdown (rows of label and one cell per setting) and global period, copied from
    each setting's fee line (``"rvus"``, ``"global_period"``, ``"global_meaning"``). calc
    answers ``"rvus": null`` when the file carries none (97546): the page says so instead."""
    lines = {setting: answers[setting]["lines"][0] for setting, _label in SETTINGS}
    per_setting = {setting: line["rvus"] for setting, line in lines.items()}
    rows = None
    if all(per_setting.values()):
        rows = [
            {
                "label": label,
                "total": part == "total",
                "cells": [per_setting[setting][part] for setting, _l in SETTINGS],
            }
            for part, label in RVU_PARTS
        ]
    first = lines[SETTINGS[0][0]]
    return {"rvus": rows, "global_period": first["global_period"], "global_meaning": first["global_meaning"]}


def program_figure(key: str, year: int | None = None) -> str:
    """One figure of calc's ``{"kind": "program"}`` answer, found by its dotted key (looked up
    in the answer, or under its ``figures``), printed as calc answers it: money text gets a
    ``$``. A key calc does not answer stops the build naming the keys it has."""
    request: dict[str, Any] = {"kind": "program"}
    if year is not None:
        request["year"] = year
    answer = ask(request)
    node: Any = answer.get("figures", answer)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            known = ", ".join(sorted(node)) if isinstance(node, dict) else "none"
            raise RenderError(f"calc's program answer has no {key!r} (at {part!r}; keys: {known})")
        node = node[part]
    if isinstance(node, dict):  # a figure with its source: {"value"|"amount": ..., "source": ...}
        node = node.get("amount", node.get("value"))
    text = str(node)
    return f"${text}" if MONEY_RE.match(text) else text


def newest_year() -> int:
    """The newest fee-schedule year calc/ holds: the year every code page shows."""
    return schedule.known_years()[-1]


def data_releases() -> list[dict[str, Any]]:
    """Each imported release as calc answers it: year, RVU release, GPCI release, date."""
    return [{"year": year, **schedule.get_release(year).as_dict()} for year in schedule.known_years()]


def _units_key(answer: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    """What a session bills, as (code, units) pairs: the value a table row groups on."""
    return tuple((line["code"], line["units"]) for line in answer["lines"])


def _ranges(code: str, last_minute: int) -> list[dict[str, Any]]:
    """Consecutive session lengths that bill the same, read off calc minute by minute.

    The final range may run past ``last_minute``, so it is left out: every row shown is whole.
    """
    rows: list[dict[str, Any]] = []
    for minutes in range(last_minute + 1):
        answer = ask({"kind": "units", "method": "cms", "services": [{"code": code, "minutes": minutes}]})
        key = _units_key(answer)
        if not rows or rows[-1]["key"] != key:
            rows.append({"key": key, "from": minutes})
        # The range's last minute explains it ("a 119-minute session is shorter than ...").
        rows[-1].update(to=minutes, answer=answer)
    return rows[:-1]


def _row_view(row: dict[str, Any]) -> dict[str, Any]:
    lines = row["answer"]["lines"]
    billed = [{"code": line["code"], "units": line["units"]} for line in lines if line["units"]]
    reasons = [line.get("reason") for line in lines if line.get("reason")]
    return {
        "from": row["from"],
        "to": row["to"],
        "billed": billed,
        "reason": reasons[0] if not billed and reasons else None,
    }


def _units_rows(rule_type: str, code: str) -> list[dict[str, Any]]:
    if rule_type == "untimed":
        return [
            _row_view(
                {
                    "from": minutes,
                    "to": minutes,
                    "answer": ask(
                        {"kind": "units", "method": "cms", "services": [{"code": code, "minutes": minutes}]}
                    ),
                }
            )
            for minutes in UNTIMED_EXAMPLES
        ]
    return [_row_view(row) for row in _ranges(code, SCAN_MINUTES[rule_type])]


def units_view(content: CodeContent, cache: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The units-by-minutes table for a code's unit rule, every cell from calc.

    calc's answer depends on the rule, not on which code carries it, and the rows name no
    code for timed and untimed rules: codes with the same rule share one scan (``cache``).
    The hour-block rules name their codes (97545 + 97546), so each has its own key.
    """
    rule = content.unit_rule.model_dump()
    key = json.dumps(rule, sort_keys=True)
    if key not in cache:
        cache[key] = _units_rows(rule["type"], content.code)
    names_codes = rule["type"].startswith("hour_block")  # a session bills 97545 and 97546
    return {"type": rule["type"], "rule": rule, "rows": cache[key], "names_codes": names_codes}


# --------------------------------------------------------------------------- the site model


@dataclass
class Site:
    """Everything the generated pages need, computed once per build."""

    contents: dict[str, CodeContent]
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    families: dict[str, list[str]] = field(default_factory=dict)
    units_cache: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


_CURRENT: Site | None = None


def build_site(content_dir: Path = CONTENT_DIR, year: int | None = None) -> Site:
    """Load and validate the content (ContentError lists every problem), then ask calc."""
    global _CURRENT
    contents = load_content(content_dir)
    year = newest_year() if year is None else year
    site = Site(contents)
    for code, content in contents.items():
        site.views[code] = code_view(content, site, year)
        site.families.setdefault(content.family, []).append(code)
    _CURRENT = site
    return site


def current_site() -> Site:
    """The site of the running build (built on first use, e.g. by a macro in a test)."""
    return _CURRENT if _CURRENT is not None else build_site()


def code_view(content: CodeContent, site: Site, year: int) -> dict[str, Any]:
    """The view model of one code page."""
    contents = site.contents
    return {
        "c": content,
        "fee": fee_view(content.code, year),
        "units": units_view(content, site.units_cache),
        "confidence_meaning": CONFIDENCE_MEANINGS[content.confidence],
        "related": [contents[code] for code in content.related if code in contents],
        "primary": contents.get(content.addon_of) if content.addon_of else None,
        "family_title": family_title(content.family),
    }


def family_title(family: str) -> str:
    """``work-hardening`` -> ``Work hardening``: the family key in words."""
    words = family.replace("-", " ")
    return words[:1].upper() + words[1:]


# --------------------------------------------------------------------------- templates


def code_page_path(code: str) -> str:
    return f"{CODES_DIR}/{code}.md"


def family_page_path(family: str) -> str:
    return f"{FAMILIES_DIR}/{family}.md"


def calculators(code: str, rule_type: str | None) -> Markup:
    """The calculators of a code page (macros/calculators.py, with build-time answers)."""
    return Markup(calculators_for_code(code, rule_type))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The HTML environment with the globals the page templates use."""
    env = html_environment()
    env.globals.update(
        code_page_path=code_page_path,
        family_page_path=family_page_path,
        calculators=calculators,
        TRADEMARK_NOTICE=TRADEMARK_NOTICE,
        settings=SETTINGS,
    )
    return env


def render(template: str, **values: Any) -> str:
    """A page body (or part of one) from ``macros/templates``."""
    return environment().get_template(template).render(**values)


def render_code_page(site: Site, code: str) -> str:
    v = site.views[code]
    c = v["c"]
    head = front_matter(title=f"{c.code}: {c.name}", description=truncate(c.summary, 150))
    return head + render("code_page.md.j2", v=v, here=code_page_path(code))


def render_code_index(site: Site) -> str:
    path = f"{CODES_DIR}/index.md"
    head = front_matter(
        title="All codes",
        description="Every code in the reference, with its Medicare status and national amount.",
    )
    return head + render("code_index.md.j2", site=site, here=path)


def render_family_list(site: Site, family: str, here: str) -> str:
    """The codes of one family as a table (used by family pages, generated or hand-written)."""
    return render("family_codes.md.j2", site=site, codes=site.families.get(family, []), here=here)


def render_family_page(site: Site, family: str) -> str:
    here = family_page_path(family)
    title = family_title(family)
    return front_matter(title=f"{title} family") + render(
        "family_page.md.j2",
        site=site,
        family=family,
        title=title,
        codes_table=Markup(render_family_list(site, family, here)),
        here=here,
    )


def render_family_index(site: Site, handwritten: Iterable[str]) -> str:
    here = f"{FAMILIES_DIR}/index.md"
    return front_matter(title="Code families") + render(
        "family_index.md.j2", site=site, here=here, handwritten=set(handwritten), title_of=family_title
    )


def generated_pages(site: Site, handwritten_families: Iterable[str]) -> dict[str, str]:
    """Every generated page, docs path -> Markdown: code pages, the index, family pages
    that nobody wrote by hand, and the family index."""
    handwritten = set(handwritten_families)
    pages = {code_page_path(code): render_code_page(site, code) for code in site.views}
    pages[f"{CODES_DIR}/index.md"] = render_code_index(site)
    for family in site.families:
        if family not in handwritten:
            pages[family_page_path(family)] = render_family_page(site, family)
    pages[f"{FAMILIES_DIR}/index.md"] = render_family_index(site, handwritten)
    return pages
