"""Helpers for the site tests: the build command and HTML scanning (standard library only)."""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]


def mkdocs_build(
    site_dir: Path,
    content_dir: Path | None = None,
    site_url: str | None = None,
    project_root: Path = ROOT,
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of the project (or a copy of it) into ``site_dir``, optionally
    with other content or the deployed address the Pages workflow passes as SITE_URL."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    if content_dir is not None:
        env["BILLING_CONTENT_DIR"] = str(content_dir)
    if site_url is not None:
        env["SITE_URL"] = site_url
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )


# (tag, attribute) pairs that make the browser fetch something.
RESOURCE_ATTRS = {
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("audio", "src"),
    ("video", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("source", "srcset"),
    ("img", "srcset"),
}
FETCHING_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "prefetch",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
    "preconnect",
    "dns-prefetch",
}


@dataclass
class Scan:
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # <a href>
    resources: list[str] = field(default_factory=list)  # fetched by the browser
    text: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.scan.ids.add(a[key])
        if tag == "a" and "href" in a:
            self.scan.links.append(a["href"])
        if tag == "link" and "href" in a:
            rels = set(a.get("rel", "").lower().split())
            (self.scan.resources if rels & FETCHING_RELS else self.scan.links).append(a["href"])
        for t, attr in RESOURCE_ATTRS:
            if tag == t and a.get(attr):
                self.scan.resources.append(a[attr])

    def handle_data(self, data: str) -> None:
        self.scan.text.append(data)


def scan(path: Path) -> Scan:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.scan


def html_pages(site: Path) -> list[Path]:
    """Every page reached by a link. 404.html is left out: the server shows it for any
    missing path, so MkDocs links it from the site root (see test_not_found_page_*)."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).as_posix() != "404.html")


def is_external(url: str) -> bool:
    """True for a URL on another host (http, https or protocol-relative); data: is local."""
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https", "ftp", "ws", "wss") or bool(parts.netloc)


def resolve(site: Path, page: Path, url: str) -> tuple[Path, str]:
    """The file an internal URL of ``page`` points to, and its #fragment."""
    parts = urlsplit(url)
    base = posixpath.dirname(page.relative_to(site).as_posix())
    target = (
        posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        if parts.path
        else page.relative_to(site).as_posix()
    )
    path = site / target
    if path.is_dir():
        path = path / "index.html"
    return path, unquote(parts.fragment)


CSS_URL = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*['"]?([^'")\s]+)""")


def css_urls(text: str) -> list[str]:
    return CSS_URL.findall(text)
