"""MkDocs hook: a Content-Security-Policy on every page, as a meta tag written at build time.

Listed last under ``hooks:`` in mkdocs.yml, so it sees each page's final HTML (after the
calculators are put in). A static host such as GitHub Pages sets no headers of ours, so the
policy travels in the page:

- ``default-src 'self'``: scripts, styles, images, fetches and fonts come from the site only;
- ``script-src 'self'`` plus the SHA-256 of each inline script the page carries (Material's
  few lines that set its scope and open a tab from the address; computed per page, since the
  scope differs with the page's depth). A script of a data type (Material's JSON config) runs
  nothing and needs no hash;
- ``img-src 'self' data:``: Material's stylesheet draws its icons as ``data:`` SVG images;
- ``worker-src 'self'``: the search worker and the calculators' worker;
- ``object-src 'none'`` and ``base-uri 'self'``.

No ``'wasm-unsafe-eval'`` in any page: no page compiles WebAssembly. Pyodide runs in the
calculators' worker, whose policy comes from its own response (none on a static host), not from
the page that starts it. No other host is named anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
# The types a browser runs; any other (application/json) is data.
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)


def _executable(attrs: str) -> bool:
    if re.search(r"\bsrc\s*=", attrs, re.IGNORECASE):
        return False
    kind = SCRIPT_TYPE.search(attrs)
    return (kind.group(1).lower() if kind else "") in EXECUTABLE_TYPES


def script_hashes(html: str) -> list[str]:
    """The CSP source of each inline script that runs, in order of first appearance.

    >>> script_hashes('<script>alert(1)</script><script type="application/json">{}</script>')
    ["'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"]
    """
    found: list[str] = []
    for match in INLINE_SCRIPT.finditer(html):
        if not _executable(match.group("attrs")):
            continue
        digest = base64.b64encode(hashlib.sha256(match.group("body").encode("utf-8")).digest()).decode()
        if f"'sha256-{digest}'" not in found:
            found.append(f"'sha256-{digest}'")
    return found


def policy(html: str) -> str:
    """The page's policy.

    >>> policy("<p>no script</p>")
    "default-src 'self'; script-src 'self'; img-src 'self' data:; worker-src 'self'; object-src 'none'; base-uri 'self'"
    """
    script_src = " ".join(["'self'", *script_hashes(html)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_src}",
            "img-src 'self' data:",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
        ]
    )


def with_policy(html: str) -> str:
    """The page with its policy as the first thing in its head (before any script it governs)."""
    head = HEAD.search(html)
    if head is None:
        raise ValueError("a page without <head>: the Content-Security-Policy has nowhere to go")
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    return html[: head.end()] + tag + html[head.end() :]


def on_post_page(output: str, **_: Any) -> str:
    return with_policy(output)


def on_post_template(output_content: str, template_name: str, **_: Any) -> str:
    """404.html is rendered as a template, not a page; the sitemap is no HTML."""
    return with_policy(output_content) if template_name.endswith(".html") else output_content
