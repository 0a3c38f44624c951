"""Serve the built site on 127.0.0.1 for `make serve`.

Python's http.server guesses content types from the machine's MIME table, which on some
machines lacks `.mjs` and `.wasm`; browsers refuse a module worker served as
text/plain and compile WebAssembly fastest when it is served as application/wasm.

Usage: python tools/serve.py [--port 8000] [--directory site]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",
}


class SiteHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--directory", default="site")
    args = parser.parse_args()
    handler = functools.partial(SiteHandler, directory=args.directory)
    with ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"Serving {args.directory}/ on http://127.0.0.1:{args.port}/ (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


if __name__ == "__main__":
    main()
