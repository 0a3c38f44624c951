"""``python3 -m calc``: read one JSON request on stdin, write the JSON answer on stdout.

Exit status 0 when the answer is ``"ok": true``, 1 when it is an error answer. Like
``handle``, it never shows a traceback: input that is not UTF-8, empty, holding a NUL,
longer than the seam's limit, not JSON, nested too deep or holding a number too long to
read answers an error; a reader that closes the pipe early
(``python3 -m calc < req.json | head -1``) ends it quietly.
"""

from __future__ import annotations

import json
import os
import sys

from calc.jsontext import MAX_REQUEST_CHARS, read_request, refused

# A UTF-8 character takes at most 4 bytes: more bytes than this is over the limit for sure,
# and nothing past it is read.
MAX_REQUEST_BYTES = 4 * MAX_REQUEST_CHARS


def read_stdin() -> object:
    """The request text from stdin, or the raw bytes when they are not UTF-8 text."""
    raw = sys.stdin.buffer.read(MAX_REQUEST_BYTES + 1)
    if len(raw) > MAX_REQUEST_BYTES:
        return "x" * (MAX_REQUEST_CHARS + 1)  # answered as too long
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc


def answer_for(received: object) -> dict[str, object]:
    if isinstance(received, UnicodeDecodeError):
        message = (
            f"The request is not UTF-8 text (byte {received.start + 1} cannot be read); save it as UTF-8."
        )
        return refused(message)
    return read_request(received)


def main() -> int:
    answer = answer_for(read_stdin())
    try:
        json.dump(answer, sys.stdout, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away; point stdout at devnull so the interpreter's final flush
        # does not raise again (Python docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0 if answer.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
