"""Rendering of the generated pages: a code page per content file, the code index, families.

Every figure on a page comes from ``calc.handle`` at build time (the same module the browser
runs); this module only asks calc/ and arranges its answers into view models, and the Jinja2
templates in ``macros/templates/`` lay them out. No arithmetic happens here or in a template:
the ranges of the units-by-minutes table are calc's ``units_table`` answer.

The hook ``macros/pages.py`` calls :func:`build_site` once per build (before MkDocs writes
anything) and the mkdocs-macros module (``macros/__init__.py``) reads the same
:class:`Site` through :func:`current_site` so hand-written pages show the same tables.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from calc import handle as calc_handle
from macros.calculators import calculators_for_code
from macros.content import CONTENT_DIR, Library, load_library
from macros.factcheck import status_claim_issues
from macros.figures import figure_node, figure_text, program_answer
from macros.issues import ContentError
from macros.model import CONFIDENCE_MEANINGS, CodeContent
from macros.templating import html_environment

#: Where generated pages live inside docs/ (virtual files, never written to disk).
CODES_DIR = "codes"
FAMILIES_DIR = "families"

#: Settings of the national fee answer shown on a page, in display order.
SETTINGS = (("non_facility", "Non-facility (office, clinic)"), ("facility", "Facility (hospital, SNF)"))

#: The facility amount cell when calc's line says ``facility_na`` (CMS lists no facility PE;
#: calc prices institutional therapy at the non-facility PE and its warning says why).
FACILITY_NA_CELL = "Not applicable (paid at the non-facility amount in institutional therapy settings)"

TRADEMARK_NOTICE = (
    "CPT is a registered trademark of the American Medical Association. Code names and "
    "descriptions on this site are our own plain-language wording, not the AMA's descriptors."
)

#: How far each unit rule's table runs (calc marks the range running past it incomplete, and
#: it is left out, so every row shown is whole).
SCAN_MINUTES = {
    "timed_15": 135,  # eight units (through 127 minutes), as CMS 100-04 ch.5 §20.2 lists
    "hour_block": 420,  # sessions of 2 to 6 hours (issue: 97545/97546 tables)
    "hour_block_addon": 420,
    "untimed": 15,  # calc answers no rows (one unit per session), only its reason
    "per_hour": 300,  # up to five hours of testing (96105, 96125)
}


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
            "not_applicable": FACILITY_NA_CELL
            if setting == "facility" and answers[setting]["lines"][0]["facility_na"]
            else None,
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
    """One figure of calc's ``{"kind": "program"}`` answer, found by its dotted key (a list of
    steps entered by step name), printed as calc answers it: money text gets a ``$``. A key
    calc does not answer stops the build naming the keys it has."""
    answer = program_answer(year)
    if not answer.get("ok"):
        raise RenderError(f"calc has no program figures for {year}")
    try:
        return figure_text(figure_node(answer, key))
    except KeyError as error:
        raise RenderError(str(error.args[0])) from None


def releases() -> dict[str, Any]:
    """calc's ``{"kind": "releases"}`` answer: each year's releases, the newest year."""
    return ask({"kind": "releases"})


def newest_year() -> int:
    """The newest fee-schedule year calc/ holds: the year every code page shows."""
    year: int = releases()["newest_year"]
    return year


def data_releases() -> list[dict[str, Any]]:
    """Each imported release as calc answers it (year, RVU release, GPCI release, date), oldest first."""
    return sorted(releases()["years"], key=lambda release: release["year"])


def _row_view(row: dict[str, Any]) -> dict[str, Any]:
    billed = [{"code": line["code"], "units": line["units"]} for line in row["lines"] if line["units"]]
    return {
        "from": row["from_minutes"],
        "to": row["to_minutes"],
        "billed": billed,
        "reason": None if billed else row.get("reason"),
    }


def units_view(content: CodeContent, cache: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The units-by-minutes table for a code's unit rule: calc's ``units_table`` answer, asked
    once per rule (timed codes share it; other answers name their code, so each has its own
    key). Only whole ranges are shown (``"complete"``)."""
    rule = content.unit_rule.model_dump()
    names_codes = rule["type"].startswith("hour_block")  # a session bills 97545 and 97546
    key = json.dumps(rule, sort_keys=True) + ("" if rule["type"] == "timed_15" else content.code)
    if key not in cache:
        answer = ask(
            {
                "kind": "units_table",
                "code": content.code,
                "method": "cms",
                "max_minutes": SCAN_MINUTES[rule["type"]],
            }
        )
        rows = [_row_view(row) for row in answer["rows"] if row.get("complete")]
        cache[key] = {"rows": rows, "reason": answer.get("reason")}
    return {"type": rule["type"], "rule": rule, "names_codes": names_codes, **cache[key]}


# --------------------------------------------------------------------------- the site model


@dataclass
class Site:
    """Everything the generated pages need, computed once per build."""

    library: Library
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    families: dict[str, list[str]] = field(default_factory=dict)
    units_cache: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def contents(self) -> dict[str, CodeContent]:
        return self.library.codes


_CURRENT: Site | None = None


def build_site(content_dir: Path = CONTENT_DIR, year: int | None = None) -> Site:
    """Load and validate the content (ContentError lists every problem), then ask calc; a
    family text whose status claims calc contradicts is a content error too."""
    global _CURRENT
    library = load_library(content_dir)
    year = newest_year() if year is None else year
    site = Site(library)
    site.families = {slug: [] for slug in library.families}
    for code, content in library.codes.items():
        site.families[content.family].append(code)
    for code, content in library.codes.items():
        site.views[code] = code_view(content, site, year)
    statuses = {code: view["fee"]["status"] for code, view in site.views.items()}
    issues = status_claim_issues(content_dir, library.families, site.families, statuses)
    if issues:
        raise ContentError(issues)
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
        "unit_words": UNIT_RULE_WORDS[content.unit_rule.type],
        "confidence_meaning": CONFIDENCE_MEANINGS[content.confidence],
        "related": [contents[code] for code in content.related if code in contents],
        "primary": contents.get(content.addon_of) if content.addon_of else None,
        "family_title": site.library.families[content.family].name,
    }


#: A unit rule in a clerk's words, for the Units column of code tables.
UNIT_RULE_WORDS = {
    "timed_15": "Timed: 15-minute units from the day's timed minutes",
    "untimed": "Untimed: one unit per session",
    "hour_block": "First block of the session, once",
    "hour_block_addon": "Each further block of the session, after the first",
    "per_hour": "Per hour: a unit for each hour, counted from its 31st minute",
}


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
    from macros.datapages import template_globals  # here: datapages renders through this environment

    env.globals.update(template_globals())
    return env


def render(template: str, **values: Any) -> str:
    """A page body (or part of one) from ``macros/templates``."""
    return environment().get_template(template).render(**values)


def render_family_list(site: Site, family: str, here: str) -> str:
    """The codes of one family as a table (family pages and hand-written pages)."""
    return render("family_codes.md.j2", site=site, codes=site.families.get(family, []), here=here)
