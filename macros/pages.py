"""MkDocs hook: every page generated from content/ (codes, families, guides, remittance codes).

Listed under ``hooks:`` in mkdocs.yml. Everything is computed in ``on_config``, before MkDocs
cleans or writes the site folder, so a content error (or a request calc/ refuses) stops the
build with the readable list of problems and nothing of that build is published. The pages
are added in ``on_files`` as virtual files (``File.generated``): nothing is written to docs/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# MkDocs imports a hook by file path, with only macros/ on sys.path while it runs: `macros` and
# `calc` are importable because the build runs as `python -m mkdocs` from the project root (the
# current folder is then on sys.path), the one way every tool of the project is run.
try:
    from macros import datapages, render, site_pages
    from macros.figures import docs_figure_issues
    from macros.issues import ContentError
except ModuleNotFoundError as error:  # `mkdocs build` from the venv's bin/: say how to run it
    raise ImportError(
        f"{error}: run MkDocs as a module from the project root: python -m mkdocs build (make site)"
    ) from None

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Content folder when mkdocs.yml names none (`extra: content_dir`, relative to the config
#: file; the tests and the benchmark set it through BILLING_CONTENT_DIR).
DEFAULT_CONTENT_DIR = PROJECT_ROOT / "content"

_pages: dict[str, str] = {}


def content_dir(config: Any) -> Path:
    configured: str | None = config.extra.get("content_dir")
    if not configured:
        return DEFAULT_CONTENT_DIR
    return (Path(config.config_file_path).parent / configured).resolve()


def on_config(config: Any) -> Any:
    try:
        typed = list(docs_figure_issues(Path(config.docs_dir)))
        if typed:
            raise ContentError(typed)
        site = render.build_site(content_dir(config))
    except ContentError as error:
        raise PluginError(f"The content has errors; nothing was built.\n{error}") from None
    except render.RenderError as error:
        raise PluginError(f"A code page could not be computed: {error}") from None
    _pages.clear()
    _pages.update(site_pages.generated_pages(site))
    _pages.update(datapages.generated_pages())
    datapages.warn_if_stale()
    return config


def on_files(files: Files, config: Any) -> Files:
    for path, markdown in _pages.items():
        existing = files.get_file_from_path(path)
        if existing is not None:  # a stale file in docs/codes/ (gitignored) must not win
            files.remove(existing)
        files.append(File.generated(config, path, content=markdown))
    return files
