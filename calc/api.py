"""The JSON seam: ``handle(request) -> answer``, for the browser, the build and scripts.

Request and answer shapes are fixed in DESIGN.md ("The JSON seam"). This module only
dispatches a request's ``kind`` to its handler; fields are read by ``calc.fields`` and
``calc.claim``. No exception crosses this function: a ``CalcError`` (every calc error derives
from it) answers ``{"ok": false, "errors": [{"field", "message"}]}``, and an unexpected
failure answers the same shape with field ``""`` instead of a traceback.

>>> handle({"kind": "units", "services": [{"code": "97110", "minutes": 33}]})["lines"][0]["units"]
2
>>> handle({"kind": "fee", "year": 2025, "locality": "10112-00", "setting": "non_facility",
...         "lines": [{"code": "97110", "units": 2}]})["totals"]["allowed"]
'47.62'
>>> handle([1, 2])["errors"]
[{'field': '', 'message': 'The request must be a JSON object such as {"kind": "units", ...}.'}]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from calc.changes import changes_answer
from calc.checks import check_request
from calc.claim import parse_fee_request
from calc.edits import edits_answer
from calc.errors import CalcError, FieldError, InputError
from calc.fees import price_request
from calc.freshness import dated, freshness_answer
from calc.history import history_answer
from calc.lookups import localities_answer, releases_answer, zip_answer
from calc.program import program_answer
from calc.schedule import DataError
from calc.unit_table import units_table_answer
from calc.units import units_from_request
from calc.visit import visit_answer

Answer = dict[str, object]
Handler = Callable[[Mapping[str, object]], Answer]

_HANDLERS: Final[dict[str, Handler]] = {
    "units": lambda request: units_from_request(request).as_dict(),
    "fee": dated(lambda request: price_request(parse_fee_request(request))),
    "check": dated(check_request),
    "localities": localities_answer,
    "zip": zip_answer,
    "releases": releases_answer,
    "units_table": units_table_answer,
    "program": program_answer,
    "visit": dated(visit_answer),
    "edits": edits_answer,
    "changes": changes_answer,
    "history": history_answer,
    "freshness": freshness_answer,
}
KINDS: Final = tuple(_HANDLERS)


def handle(request: object) -> Answer:
    """Answer one request (a dict decoded from JSON). Never raises."""
    kind = request.get("kind") if isinstance(request, dict) else None
    try:
        if not isinstance(request, dict):
            raise InputError(
                [FieldError("", 'The request must be a JSON object such as {"kind": "units", ...}.')]
            )
        handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            raise InputError(
                [FieldError("kind", f'Say what to compute: "kind" is one of {", ".join(KINDS)}.')]
            )
        return handler(request)
    except CalcError as exc:
        return error_answer(kind, exc.as_list())
    except DataError as exc:  # until calc.schedule's DataError derives from CalcError
        return error_answer(kind, [{"field": exc.field, "message": exc.message}])
    except Exception as exc:  # the seam's promise: no exception crosses, whatever the input
        message = f"The calculator could not answer this request ({type(exc).__name__}); please report it."
        return error_answer(kind, [{"field": "", "message": message}])


def error_answer(kind: object, errors: list[dict[str, str]]) -> Answer:
    """The error answer's shape: every key a page reads, ``kind`` only when it is known.

    >>> error_answer("fee", [{"field": "year", "message": "Give the year."}])["kind"]
    'fee'
    """
    return {
        "ok": False,
        "kind": kind if isinstance(kind, str) and kind in _HANDLERS else None,
        "errors": errors,
        "steps": [],
        "warnings": [],
    }
