"""The two Jinja environments of the site, and the small helpers templates call.

- :func:`html_environment`: page bodies (Markdown with raw HTML). Autoescape is on, so author
  text lands in HTML as text; the ``md`` filter also escapes Markdown punctuation where the
  text sits in a Markdown context (a heading, a table cell, a link's text).
- :func:`front_matter`: the YAML front matter above a page. Every value goes through
  ``tojson`` (JSON is YAML), so a title holding quotes, colons or ``---`` cannot break out of
  it; nothing is escaped by hand.

Templates only lay out values: no arithmetic, no calls to calc (the views in
``macros/render.py`` carry calc's answers).
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

_FRONT_MATTER = "---\n{% for key, value in meta.items() %}{{ key }}: {{ value | tojson }}\n{% endfor %}---\n"


def md_text(value: Any) -> Markup:
    """Author text for a Markdown context (headings, table cells, link text): HTML-escaped
    and with Markdown punctuation backslash-escaped, so it shows exactly as written.

    >>> str(md_text("Heat *and* <cold>"))
    'Heat \\\\*and\\\\* &lt;cold&gt;'
    """
    text = str(escape(str(value)))
    for char in "\\`*_{}[]()#+!|":
        text = text.replace(char, "\\" + char)
    return Markup(text)


def page_link(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """A relative Markdown link target from one docs path to another (MkDocs resolves it).

    >>> page_link("families/modalities.md", "codes/97010.md", "tip-bundled")
    '../codes/97010.md#tip-bundled'
    """
    target = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return f"{target}#{anchor}" if anchor else target


@lru_cache(maxsize=1)
def html_environment() -> Environment:
    """The one environment for page bodies (autoescaped); globals are added by the caller."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_text
    env.globals["page_link"] = page_link
    return env


@lru_cache(maxsize=1)
def _front_matter_environment() -> Environment:
    return Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)


def front_matter(**meta: str) -> str:
    """A page's YAML front matter, each value as JSON.

    >>> print(front_matter(title='97110: "Exercise": more'), end="")
    ---
    title: "97110: \\"Exercise\\": more"
    ---
    """
    return _front_matter_environment().from_string(_FRONT_MATTER).render(meta=meta)


def truncate(text: str, length: int) -> str:
    """Text cut at a word boundary to at most ``length`` characters (page descriptions)."""
    if len(text) <= length:
        return text
    cut = text[: length - 3].rsplit(" ", 1)[0]
    return cut + "..."
