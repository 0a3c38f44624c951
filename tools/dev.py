"""Live preview for authors (`make dev`): MkDocs' own server, which rebuilds the site when a
file under content/, calc/, macros/, docs/ or overrides/ changes and reloads the open page.

What plain ``mkdocs serve`` lacks here:

- calc/ and macros/ are Python imported by the build: a server that keeps running would keep
  building with the code it imported first. Before each build the project's modules are
  dropped from ``sys.modules``, so the build imports what is on disk now.
- content/ also feeds calc/data/unit_rules.json: each build first recompiles it
  (tools/compile_rules.py writes the file only when a rule changed).
- The calculators' worker is an ES module and Pyodide a WebAssembly file: both are served
  with their types (``.mjs`` MkDocs knows; ``.wasm`` is added for machines whose MIME table
  lacks it).
- No Pyodide snapshot is made (``CALC_SNAPSHOT=0``): the preview starts Python the plain way,
  and a rebuild takes seconds, not a snapshot's half-minute. Builds are not strict, so a
  warning shows in the terminal without stopping the preview.

Each rebuild logs how long it took (bench/dev.py measures a changed content file end to end).

Usage: python -m tools.dev [--port 8000]   (from the repository root)
"""

from __future__ import annotations

import argparse
import logging
import mimetypes
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WATCH = ("content", "calc", "macros", "overrides")  # docs/ and mkdocs.yml MkDocs watches itself
PROJECT_PACKAGES = ("calc", "macros", "tools")
log = logging.getLogger("mkdocs.dev")


def forget_project_modules() -> None:
    """Drop calc, macros and tools from the import cache: the next import reads the disk."""
    for name in list(sys.modules):
        if name.partition(".")[0] in PROJECT_PACKAGES:
            del sys.modules[name]


def fresh_build(build: Callable[..., None]) -> Callable[..., None]:
    """``build`` preceded by fresh project modules and current unit rules, and timed."""

    def rebuild(config: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        forget_project_modules()
        from tools import compile_rules

        if compile_rules.main([]) != 0:
            log.error("content/ has errors (above): the preview keeps the last good build")
            return
        build(config, **kwargs)
        log.info("Rebuilt in %.2f s", time.perf_counter() - started)

    return rebuild


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    os.chdir(ROOT)
    os.environ.setdefault("CALC_SNAPSHOT", "0")
    mimetypes.add_type("application/wasm", ".wasm")
    mimetypes.add_type("text/javascript", ".mjs")
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")

    from mkdocs.commands import build, serve

    vars(serve)["build"] = fresh_build(build.build)  # the name serve()'s builder calls
    serve.serve(
        config_file=str(ROOT / "mkdocs.yml"),
        watch=[str(ROOT / name) for name in WATCH],
        dev_addr=f"127.0.0.1:{args.port}",
    )


if __name__ == "__main__":
    main()
