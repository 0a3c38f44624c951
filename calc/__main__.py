"""``python3 -m calc``: read one JSON request on stdin, write the JSON answer on stdout.

Exit status 0 when the answer is ``"ok": true``, 1 when it is an error answer (including a
request that is not valid JSON). Like ``handle``, it never shows a traceback: text that is
not JSON, nested too deep or holding a number too long to read answers an error, and a
reader that closes the pipe early (``python3 -m calc < req.json | head -1``) ends it quietly.
"""

from __future__ import annotations

import json
import os
import sys

from calc.jsontext import read_request


def main() -> int:
    answer = read_request(sys.stdin.read())
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
