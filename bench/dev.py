"""How long `make dev` takes to show a changed content file: the live preview (tools/dev.py)
runs on a scratch copy of the project; each round changes one sentence of a code's content
file and times, from the moment the file is written, until the served page shows the new
sentence (the file watcher, the rebuild and the serving, as an author waits for them).

    .venv/bin/python bench/dev.py [--rounds 5] [--code 97110]

Not a test: timings depend on the machine. Nothing here touches the repository's own files.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.scratch_project import SOURCES, copy_project  # noqa: E402

TIMEOUT_S = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def page_text(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_for(url: str, marker: str, since: float) -> float:
    while time.perf_counter() - since < TIMEOUT_S:
        if marker in page_text(url):
            return time.perf_counter() - since
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not show {marker!r} within {TIMEOUT_S:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--code", default="97110")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dev-") as scratch:
        project = copy_project(Path(scratch) / "project", (*SOURCES, "content"))
        source = project / "content" / f"{args.code}.yaml"
        original = source.read_text(encoding="utf-8")
        port = free_port()
        url = f"http://127.0.0.1:{port}/codes/{args.code}/"
        server = subprocess.Popen(
            [sys.executable, "-m", "tools.dev", "--port", str(port)],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            started = time.perf_counter()
            first = wait_for(url, f"{args.code}", started)
            print(f"first build and serve: {first:.2f} s")
            times = []
            for round_ in range(args.rounds):
                marker = f"Benchmark sentence {round_} {time.time_ns()}."
                changed = original.replace("\nsummary: >-\n", f"\nsummary: >-\n  {marker}\n", 1)
                assert changed != original, f"{source.name} has no 'summary: >-' block to change"
                since = time.perf_counter()
                source.write_text(changed, encoding="utf-8")
                times.append(wait_for(url, marker, since))
                print(f"round {round_ + 1}: changed content file shown after {times[-1]:.2f} s")
            print(
                f"changed content file -> page shows it: median {statistics.median(times):.2f} s, "
                f"min {min(times):.2f} s, max {max(times):.2f} s ({args.rounds} rounds)"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
