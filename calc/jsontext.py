"""The JSON seam as text: one request text in, one answer out, never an exception.

Used by ``python3 -m calc`` and by the browser worker, which hands calc the text it
received. The text is bounded and read in linear time before ``json.loads`` sees it:

* at most ``MAX_REQUEST_CHARS`` characters (64 KiB; a real request is under 2 KiB: 50 lines
  of a few fields each), so a huge text answers an error at once;
* nested at most ``MAX_DEPTH`` deep, found by one pass over the text (``json.loads`` recurses
  on "[[[[...", which overflows the WebAssembly stack in Pyodide, a fatal error there);
* anything that is not text (bytes, None, a number, a list...) answers an error; so does a
  NUL character, which no JSON request needs.

>>> json.loads(handle_json(b'{"kind": "zip"}'))["errors"][0]["message"]
'The request must be JSON text (a str), not bytes.'
"""

from __future__ import annotations

import json
import re
from typing import Final

from calc.api import handle

# Real requests nest 4 deep ({"payer": {"rates": {...}}}).
MAX_DEPTH: Final = 32
MAX_REQUEST_CHARS: Final = 64 * 1024
# The characters that matter for nesting: brackets, and quotes and backslashes for strings.
_SIGNIFICANT: Final = re.compile(r'[\[\]{}"\\]')


def nesting_depth(text: str, stop_past: int | None = None) -> int:
    """The deepest nesting of brackets and braces outside JSON strings, in one pass.

    A backslash inside a string escapes the next character; the scan visits each
    significant character once, so its cost is linear in the text (the regular expression
    used before backtracked over every unterminated string: quadratic). With ``stop_past``
    it stops as soon as the depth passes that limit.

    >>> nesting_depth('{"a": [1, {"b": "[[["}]}'), nesting_depth("[" * 5), nesting_depth('["\\\\"", [[')
    (3, 5, 3)
    """
    depth = deepest = 0
    in_string = False
    skip_to = -1
    for match in _SIGNIFICANT.finditer(text):
        at = match.start()
        if at < skip_to:
            continue
        char = match.group()
        if in_string:
            if char == "\\":
                skip_to = at + 2
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if stop_past is not None and deepest > stop_past:
                break
        elif char in "]}":
            depth -= 1
    return deepest


def too_deep(text: str) -> bool:
    """True when the text nests past ``MAX_DEPTH``; fewer opening brackets than the limit
    cannot, so a fast C count comes first.

    >>> too_deep("[" * 33), too_deep('["' + "[" * 40 + '"]')
    (True, False)
    """
    return text.count("[") + text.count("{") > MAX_DEPTH and nesting_depth(text, MAX_DEPTH) > MAX_DEPTH


_NESTED: Final = "The request is not valid JSON (it is nested too deeply)."


def refused(message: str) -> dict[str, object]:
    """The error answer for a request text that never reached a kind (the seam's shape)."""
    return {
        "ok": False,
        "kind": None,
        "steps": [],
        "warnings": [],
        "errors": [{"field": "", "message": message}],
    }


def _not_json(reason: str) -> dict[str, object]:
    return refused(f"The request is not valid JSON ({reason}).")


def text_problem(text: object) -> str | None:
    """Why a request text is refused before decoding, or None.

    >>> text_problem(""), text_problem("{}")
    ('The request is empty: send one JSON object such as {"kind": "units", ...}.', None)
    >>> text_problem("x" * 70000)
    'The request is too long: 70,000 characters; a request holds at most 65,536.'
    >>> text_problem("[" * 100000)
    'The request is not valid JSON (it is nested too deeply).'
    """
    if not isinstance(text, str):
        kind = "bytes" if isinstance(text, (bytes, bytearray)) else type(text).__name__
        return f"The request must be JSON text (a str), not {kind}."
    if len(text) > MAX_REQUEST_CHARS:
        # Only the first MAX_REQUEST_CHARS are read: a text that nests too deep within them
        # ("[[[[...") is named for that, the rest for their length; both at once.
        if too_deep(text[:MAX_REQUEST_CHARS]):
            return _NESTED
        return f"The request is too long: {len(text):,} characters; a request holds at most {MAX_REQUEST_CHARS:,}."
    if not text.strip():
        return 'The request is empty: send one JSON object such as {"kind": "units", ...}.'
    if "\x00" in text:
        return "The request holds a NUL character, which no request needs; send plain JSON text."
    return None


def read_request(text: object) -> dict[str, object]:
    """The answer for one request text (any problem with the text becomes an error answer).

    >>> read_request('{"kind": "zip", "zip": "35201"}')["locality"]["id"]
    '10112-00'
    >>> read_request("[" * 1000)["errors"][0]["message"]
    'The request is not valid JSON (it is nested too deeply).'
    >>> read_request(None)["errors"][0]["message"]
    'The request must be JSON text (a str), not NoneType.'
    """
    problem = text_problem(text)
    if problem is not None:
        return refused(problem)
    assert isinstance(text, str)
    if too_deep(text):
        return refused(_NESTED)
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        return _not_json(f"{exc.msg}, line {exc.lineno}")
    except RecursionError:
        return refused(_NESTED)
    except ValueError:  # e.g. an integer longer than Python's digit limit
        return _not_json("it holds a number too long to read")
    return handle(request)


def handle_json(text: object) -> str:
    """``handle`` for a request given as JSON text, answering JSON text; any argument type
    answers an error answer, never an exception.

    >>> json.loads(handle_json('{"kind": "zip", "zip": "35201"}'))["ok"]
    True
    >>> json.loads(handle_json("not json"))["errors"][0]["field"]
    ''
    >>> json.loads(handle_json(42))["ok"]
    False
    """
    return json.dumps(read_request(text))
