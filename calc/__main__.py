"""``python3 -m calc``: read one JSON request on stdin, write the JSON answer on stdout.

Exit status 0 when the answer is ``"ok": true``, 1 when it is an error answer (including a
request that is not valid JSON). Like ``handle``, it never shows a traceback: text that is
not JSON, nested too deep or holding a number too long to read answers an error, and a
reader that closes the pipe early (``python3 -m calc < req.json | head -1``) ends it quietly.
"""

from __future__ import annotations

import json
import os
import re
import sys

from calc.api import handle


# Real requests nest 4 deep ({"payer": {"rates": {...}}}). The depth is checked before
# json.loads, whose recursion on "[[[[..." overflows the WebAssembly stack in Pyodide
# (a fatal error there, not a RecursionError).
MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def nesting_depth(text: str) -> int:
    """The deepest nesting of brackets and braces outside JSON strings.

    >>> nesting_depth('{"a": [1, {"b": "[[["}]}'), nesting_depth("[" * 5)
    (3, 5)
    """
    depth = deepest = 0
    for char in _STRING.sub("", text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _not_json(reason: str) -> dict[str, object]:
    return {
        "ok": False, "kind": None, "steps": [], "warnings": [],
        "errors": [{"field": "", "message": f"The request is not valid JSON ({reason})."}],
    }


def read_request(text: str) -> dict[str, object]:
    """The answer for one request text (JSON decoding errors become an error answer).

    >>> read_request('{"kind": "zip", "zip": "35201"}')["locality"]["id"]
    '10112-00'
    >>> read_request("[" * 100000)["errors"][0]["message"]
    'The request is not valid JSON (it is nested too deeply).'
    """
    if nesting_depth(text) > MAX_DEPTH:
        return _not_json("it is nested too deeply")
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        return _not_json(f"{exc.msg}, line {exc.lineno}")
    except RecursionError:
        return _not_json("it is nested too deeply")
    except ValueError:  # e.g. an integer longer than Python's digit limit
        return _not_json("it holds a number too long to read")
    return handle(request)


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
