"""The macros a hand-written page may call (registered by ``macros/__init__.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from macros import render
from macros.model import CONFIDENCE_MEANINGS
from macros.templating import md_text, page_link


def _here(env: Any) -> str:
    """The docs path of the page being rendered, so links can be made relative to it."""
    page = env.variables.get("page")
    return str(page.file.src_uri) if page is not None else "index.md"


def _view(code: str) -> dict[str, Any]:
    views = render.current_site().views
    if code not in views:
        raise KeyError(f"No content for code {code}; known codes: {', '.join(views)}")
    return views[code]


def fee_table(code: str) -> str:
    """Status, RVU breakdown and national amounts of ``code``."""
    return render.render("status.md.j2", v=_view(code), fee=_view(code)["fee"])


def units_table(code: str) -> str:
    """The units-by-minutes table of ``code``'s unit rule."""
    return render.render("units_table.md.j2", v=_view(code))


def calculator(code: str) -> Markup:
    """The calculators of ``code``'s page."""
    return render.calculators(code, _view(code)["units"]["type"])


def data_releases() -> str:
    """The CMS releases calc/ holds, as a table (from calc, newest last)."""
    return render.render("releases.md.j2", releases=render.data_releases())


def confidence_levels() -> str:
    """Each confidence level with what it promises."""
    return render.render("confidence.md.j2", meanings=CONFIDENCE_MEANINGS)


def program(key: str, year: int | None = None) -> str:
    """A yearly program figure (``kx_threshold.pt_slp``, ``deductible``, ...) as calc answers it
    for ``year`` (default: calc's newest): the one way a page prints such a figure."""
    return render.program_figure(key, year)


def visit_calculator() -> Markup:
    """The units calculator for a visit of several codes."""
    from macros.calculators import visit_calculator as build

    return Markup(build())


def macros(env: Any) -> dict[str, Callable[..., Any]]:
    """Every macro by name; those that link need the page being rendered (``env``)."""

    def code_link(code: str, anchor: str | None = None, text: str | None = None) -> str:
        """A Markdown link to a code page, or to one entry on it (``tip-...``, ``faq-...``)."""
        label = text if text is not None else f"{code}: {_view(code)['c'].name}"
        target = page_link(_here(env), render.code_page_path(code), anchor)
        return f"[{md_text(label)}]({target})"

    def family_codes(family: str) -> str:
        """The codes of a family as a table (code, name, status, national amount)."""
        site = render.current_site()
        if family not in site.families:
            raise KeyError(f"No code has family {family!r}; families: {', '.join(site.families)}")
        return render.render_family_list(site, family, _here(env))

    plain: list[Callable[..., Any]] = [
        fee_table,
        units_table,
        calculator,
        data_releases,
        confidence_levels,
        visit_calculator,
        program,
        code_link,
        family_codes,
    ]
    return {macro.__name__: macro for macro in plain}
