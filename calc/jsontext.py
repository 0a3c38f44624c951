"""The JSON seam as text: one request text in, one answer out, never an exception.

Used by ``python3 -m calc`` and by the browser worker, which hands calc the text it
received: a crafted request nested thousands deep must answer an error there too, not kill
the interpreter.
"""

from __future__ import annotations

import json
import re

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
        "ok": False,
        "kind": None,
        "steps": [],
        "warnings": [],
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


def handle_json(text: str) -> str:
    """``handle`` for a request given as JSON text, answering JSON text.

    >>> json.loads(handle_json('{"kind": "zip", "zip": "35201"}'))["ok"]
    True
    >>> json.loads(handle_json("not json"))["errors"][0]["field"]
    ''
    """
    return json.dumps(read_request(text))
