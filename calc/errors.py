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
