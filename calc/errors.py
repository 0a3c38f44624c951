"""Input errors that the JSON seam turns into ``{"ok": false, "errors": [...]}``.

Every message is written for a billing clerk: it names the field and says what to fix.

>>> err = InputError([FieldError("services[0].minutes", "Minutes must be a whole number.")])
>>> err.as_list()
[{'field': 'services[0].minutes', 'message': 'Minutes must be a whole number.'}]
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """A problem with one field of a request: ``field`` is a path such as ``lines[1].code``."""

    field: str
    message: str


class InputError(Exception):
    """Raised inside calc/ for bad input; carries every problem found, not only the first."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    def as_list(self) -> list[dict[str, str]]:
        return [{"field": e.field, "message": e.message} for e in self.errors]


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
