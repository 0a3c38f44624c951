"""The one static file server of the project: `make serve`, the browser tests, the link tests
and bench/browser.py all serve the built site through :func:`start` or :func:`main`.

Two things a plain ``python -m http.server`` gets wrong for this site:

- Content types come from the machine's MIME table, which on some machines lacks ``.mjs``
  and ``.wasm``: browsers refuse a module worker served as text/plain and compile
  WebAssembly fastest (streaming) only when it is served as application/wasm. TYPES fixes
  every type the site serves.
- GitHub Pages serves a project site under a subpath (``/<repo>/``). With ``prefix`` the
  site answers only under that path (anything else is 404), so a link that escapes the
  subpath fails here as it would once published.

Usage: python tools/serve.py [--port 8000] [--directory site] [--prefix /billing-reference/]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".gz": "application/gzip",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".txt": "text/plain",
}
OUTSIDE = "/__outside_the_prefix__"  # a path no site has: answered 404


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``prefix`` only; ``quiet`` drops the per-request log."""

    def __init__(
        self,
        *args: object,
        prefix: str = "/",
        quiet: bool = False,
        record: list[str] | None = None,
        **kwargs: object,
    ) -> None:
        self.prefix = prefix
        self.quiet = quiet
        self.record = record
        self.extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # (request, address, server, directory=)

    def translate_path(self, path: str) -> str:
        if self.record is not None:  # tests read which files a page (or a SharedWorker) asked for
            self.record.append(path.split("?")[0])
        if not path.startswith(self.prefix):
            return super().translate_path(OUTSIDE)
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def normal_prefix(prefix: str) -> str:
    """``billing-reference`` -> ``/billing-reference/``; ``/`` stays ``/``."""
    return "/" + "/".join(part for part in prefix.split("/") if part) + ("/" if prefix.strip("/") else "")


def make_server(
    directory: Path | str,
    prefix: str = "/",
    port: int = 0,
    quiet: bool = False,
    record: list[str] | None = None,
) -> ThreadingHTTPServer:
    """A server for ``directory`` on 127.0.0.1 (``port`` 0: any free port), not yet running.

    ``record``, when given, gets every path asked for, in order, whoever asked.
    """
    handler = functools.partial(
        SiteHandler, directory=str(directory), prefix=normal_prefix(prefix), quiet=quiet, record=record
    )
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def url_of(server: ThreadingHTTPServer, prefix: str = "/") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{normal_prefix(prefix)}"


@contextlib.contextmanager
def start(directory: Path | str, prefix: str = "/", quiet: bool = True) -> Iterator[str]:
    """Serves ``directory`` in a background thread for the ``with`` block; yields the site's URL."""
    server = make_server(directory, prefix, quiet=quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url_of(server, prefix)
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--directory", default="site")
    parser.add_argument("--prefix", default="/", help="serve the site under this path only")
    args = parser.parse_args()
    with make_server(args.directory, args.prefix, args.port) as server:
        print(f"Serving {args.directory}/ on {url_of(server, args.prefix)} (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


if __name__ == "__main__":
    main()
