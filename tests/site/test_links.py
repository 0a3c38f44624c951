"""Links of the built site: every internal link and #anchor resolves, every URL is relative
(so the site works under a GitHub project-pages subpath), and nothing is fetched from
another host."""

from __future__ import annotations

import functools
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tools.serve import start

from sitecheck import css_urls, html_pages, is_external, mkdocs_build, resolve, scan

IGNORED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")


@functools.cache
def ids_of(path: Path) -> frozenset[str]:
    return frozenset(scan(path).ids)


def internal(urls: list[str]) -> list[str]:
    return [u for u in urls if u and not is_external(u) and not u.startswith(IGNORED_SCHEMES)]


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    broken = []
    checked = 0
    for page in html_pages(site):
        found = scan(page)
        for url in internal(found.links + found.resources):
            target, fragment = resolve(site, page, url)
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {url} (no file)")
            elif fragment and target.suffix == ".html" and fragment not in ids_of(target):
                broken.append(f"{page.relative_to(site)}: {url} (no #{fragment})")
    assert checked > 100
    assert not broken, "\n".join(broken)


def test_all_internal_urls_are_relative(site: Path) -> None:
    absolute = []
    for page in html_pages(site):
        found = scan(page)
        absolute += [
            f"{page.relative_to(site)}: {u}"
            for u in internal(found.links + found.resources)
            if u.startswith("/")
        ]
    assert not absolute, "\n".join(absolute[:20])


def test_no_resource_from_another_host(site: Path) -> None:
    external = []
    for page in html_pages(site):
        external += [f"{page.relative_to(site)}: {u}" for u in scan(page).resources if is_external(u)]
        text = page.read_text(encoding="utf-8")
        for marker in ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net", "unpkg.com"):
            if marker in text:
                external.append(f"{page.relative_to(site)}: mentions {marker}")
    for css in site.rglob("*.css"):
        external += [
            f"{css.relative_to(site)}: {u}"
            for u in css_urls(css.read_text(encoding="utf-8"))
            if is_external(u)
        ]
    assert not external, "\n".join(external)


@pytest.fixture(scope="module")
def served_under_subpath(site: Path) -> Iterator[str]:
    """The built site served at http://127.0.0.1:<port>/billing-reference/ (like GitHub
    project pages) by the project's static server, which answers 404 outside the subpath."""
    with start(site, prefix="/billing-reference/") as url:
        yield url


@pytest.mark.parametrize(
    "path", ["", "codes/", "codes/97546/", "families/work-hardening/", "training/", "visit/", "about/"]
)
def test_pages_and_their_resources_load_under_a_subpath(
    served_under_subpath: str, site: Path, path: str
) -> None:
    url = served_under_subpath + path
    with urllib.request.urlopen(url) as response:
        assert response.status == 200
        response.read()
    found = scan(site / path / "index.html")
    for resource in internal(found.resources + found.links):
        target = urljoin(url, resource.split("#")[0])
        assert target.startswith(served_under_subpath), (path, resource)
        with urllib.request.urlopen(target) as response:
            assert response.status == 200, target
            response.read()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("assets/javascripts/calc-worker.mjs", "text/javascript"),
        ("assets/pyodide/pyodide.asm.wasm", "application/wasm"),
        ("assets/calc/manifest.json", "application/json"),
        ("codes/97546/", "text/html"),
    ],
)
def test_the_server_sends_the_types_browsers_need(
    served_under_subpath: str, path: str, content_type: str
) -> None:
    """A module worker served as text/plain does not start; WebAssembly compiles while it
    downloads only when served as application/wasm."""
    with urllib.request.urlopen(served_under_subpath + path) as response:
        assert response.headers.get_content_type() == content_type


def test_the_server_answers_nothing_outside_the_subpath(served_under_subpath: str) -> None:
    """A link escaping /billing-reference/ breaks on GitHub Pages, so it must break here too."""
    root = served_under_subpath.removesuffix("billing-reference/")
    for url in (root, root + "codes/97546/", root + "assets/javascripts/calculator.js"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url)
        assert refused.value.code == 404, url


def test_not_found_page_links_from_the_deployed_subpath(tmp_path: Path) -> None:
    """GitHub Pages serves 404.html for any missing path, so its links cannot be relative:
    with the deployed address in SITE_URL (as the Pages workflow sets it) they start at
    the project subpath."""
    site_dir = tmp_path / "site"
    result = mkdocs_build(site_dir, site_url="https://example.github.io/billing-reference/")
    assert result.returncode == 0, result.stderr
    found = scan(site_dir / "404.html")
    urls = internal(found.links + found.resources)
    assert urls and all(u.startswith("/billing-reference/") for u in urls), urls
