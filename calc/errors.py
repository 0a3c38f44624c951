"""Input errors that the JSON seam turns into ``{"ok": false, "errors": [...]}``.

Every calc error derives from ``CalcError``: it carries the request ``field`` to blame and a
``message`` written for a billing clerk (what is wrong and what to fix), and its list form
``problems`` when one request has several. The seam (``calc.api.handle``) answers any
``CalcError`` the same way, so no module translates another's errors.

>>> err = InputError([FieldError("services[0].minutes", "Minutes must be a whole number.")])
>>> err.as_list()
[{'field': 'services[0].minutes', 'message': 'Minutes must be a whole number.'}]
>>> isinstance(err, CalcError), err.field
(True, 'services[0].minutes')
>>> CalcError("zip", "ZIP code 00000 is not in the CMS ZIP file.").as_list()
[{'field': 'zip', 'message': 'ZIP code 00000 is not in the CMS ZIP file.'}]
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """A problem with one field of a request: ``field`` is a path such as ``lines[1].code``."""

    field: str
    message: str


class CalcError(Exception):
    """The base of every error calc raises: ``field`` (a request path, ``""`` for the whole
    request or for data) and ``message`` (for a clerk); ``problems`` lists each problem when
    there are several (the first one is ``field``/``message``)."""

    def __init__(self, field: str, message: str, problems: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.problems = problems if problems else [FieldError(field, message)]

    def __str__(self) -> str:
        return self.message

    def as_list(self) -> list[dict[str, str]]:
        """The problems as the seam's ``errors`` list."""
        return [{"field": e.field, "message": e.message} for e in self.problems]


class InputError(CalcError):
    """Bad input; carries every problem found in the request, not only the first."""

    def __init__(self, errors: list[FieldError]) -> None:
        if not errors:
            errors = [FieldError("", "The request was refused.")]
        super().__init__(errors[0].field, errors[0].message, list(errors))
        self.errors = self.problems

    def __str__(self) -> str:
        return "; ".join(f"{e.field}: {e.message}" for e in self.problems)


def raise_if(errors: list[FieldError]) -> None:
    """Raise ``InputError`` with every problem gathered so far, if there is any.

    >>> raise_if([])
    >>> raise_if([FieldError("year", "Give the year.")])
    Traceback (most recent call last):
    ...
    calc.errors.InputError: year: Give the year.
    """
    if errors:
        raise InputError(errors)


_KIND_NAMES = {list: "a list", dict: "an object", type(None): "nothing (null)"}

#: The longest piece of a refused value that a message repeats back.
ECHO_CHARS = 24


def echo(raw: object) -> str:
    """A refused value as a message shows it: its repr, cut short, never failing.

    A request may carry a million-character text or a 5,000-digit number; the answer
    repeats only the start (``repr`` of a huge int would itself raise on CPython).

    >>> echo("abc")
    "'abc'"
    >>> echo("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxx..."
    >>> echo(10 ** 5000), echo(True), echo([1, 2]), echo({})
    ('a number too long to show', 'true', 'a list', 'an object')
    """
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int) and abs(raw) >= 10**ECHO_CHARS:
        return "a number too long to show"
    if not isinstance(raw, (str, int, float)):
        return _KIND_NAMES.get(type(raw), "a value of another kind")
    text = repr(raw)
    return text if len(text) <= ECHO_CHARS else text[: ECHO_CHARS - 1] + "..."
