"""The mkdocs-macros module (``module_name: macros`` in mkdocs.yml): macros for hand-written pages.

A hand-written page opts in with ``render_macros: true`` in its front matter and can then embed
any code's tables or calculators, exactly as its code page shows them:

- ``{{ fee_table("97110") }}``: status, RVUs and national amounts;
- ``{{ units_table("97546") }}``: units by minutes for the code's unit rule;
- ``{{ code_link("97546", "faq-medicare-pays") }}``: a link to the code page (or one entry);
- ``{{ family_codes("work-hardening") }}``: the codes of a family with status and amount;
- ``{{ calculator("97545") }}`` and ``{{ visit_calculator() }}``: the calculators.

Every figure comes from the same :class:`macros.render.Site` the code pages use (computed by
calc/ at build time); nothing here computes. The macros themselves live in
``macros/page_macros.py``; this module only registers them.
"""

from __future__ import annotations

from typing import Any

from macros import page_macros


def define_env(env: Any) -> None:
    """Called by mkdocs-macros: register the macros."""
    for name, macro in page_macros.macros(env).items():
        env.macro(macro, name)
