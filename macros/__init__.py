"""The mkdocs-macros module (``module_name: macros`` in mkdocs.yml): macros for hand-written pages.

A hand-written page opts in with ``render_macros: true`` in its front matter and can then embed
any code's tables or calculators, exactly as its code page shows them:

- ``{{ fee_table("97110") }}``: status, RVUs and national amounts;
- ``{{ units_table("97546") }}``: units by minutes for the code's unit rule;
- ``{{ code_link("97546", "faq-medicare-pays") }}``: a link to the code page (or one entry);
- ``{{ family_codes("work-hardening") }}``: the codes of a family with status and amount;
- ``{{ calculator("97545") }}`` and ``{{ visit_calculator() }}``: the calculators.

Every figure comes from the same :class:`macros.render.Site` the code pages use (computed by
calc/ at build time); nothing here computes.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from macros import render
from macros.content import CONFIDENCE_MEANINGS


def _here(env: Any) -> str:
    """The docs path of the page being rendered, so links can be made relative to it."""
    page = env.variables.get("page")
    return page.file.src_uri if page is not None else "index.md"


def _view(code: str) -> dict[str, Any]:
    views = render.current_site().views
    if code not in views:
        known = ", ".join(views)
        raise KeyError(f"No content for code {code}; known codes: {known}")
    return views[code]


def define_env(env: Any) -> None:
    """Called by mkdocs-macros: register the macros."""

    @env.macro
    def fee_table(code: str) -> str:
        """Status, RVU breakdown and national amounts of ``code``."""
        return render.render("status.md.j2", v=_view(code), fee=_view(code)["fee"])

    @env.macro
    def units_table(code: str) -> str:
        """The units-by-minutes table of ``code``'s unit rule."""
        return render.render("units_table.md.j2", v=_view(code))

    @env.macro
    def code_link(code: str, anchor: str | None = None, text: str | None = None) -> str:
        """A Markdown link to a code page, or to one entry on it (``tip-...``, ``faq-...``)."""
        label = text if text is not None else f"{code}: {_view(code)['c'].name}"
        target = render.page_link(_here(env), render.code_page_path(code), anchor)
        return f"[{render.md_text(label)}]({target})"

    @env.macro
    def family_codes(family: str) -> str:
        """The codes of a family as a table (code, name, status, national amount)."""
        site = render.current_site()
        if family not in site.families:
            raise KeyError(f"No code has family {family!r}; families: {', '.join(site.families)}")
        return render.render_family_list(site, family, _here(env))

    @env.macro
    def calculator(code: str) -> Markup:
        """The calculators of ``code``'s page."""
        return render.calculators(code, _view(code)["units"]["type"])

    @env.macro
    def data_releases() -> str:
        """The CMS releases calc/ holds, as a table (from calc, newest last)."""
        return render.render("releases.md.j2", releases=render.data_releases())

    @env.macro
    def confidence_levels() -> str:
        """Each confidence level with what it promises."""
        return render.render("confidence.md.j2", meanings=CONFIDENCE_MEANINGS)

    @env.macro
    def visit_calculator() -> Markup:
        """The units calculator for a visit of several codes."""
        from macros.calculators import visit_calculator as build

        return Markup(build())
