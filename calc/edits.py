"""NCCI procedure-to-procedure (PTP) edits: pairs of codes billed for one patient on one day.

CMS's practitioner PTP table pairs a column-1 code with a column-2 code; the column-2 code is
denied when both are billed on one day unless the pair's modifier indicator allows a
distinct-service modifier (NCCI Policy Manual for Medicare Services, ch. I §E; the "Modifier"
column of the PTP file): ``0`` never paid together, ``1`` paid when a line of the pair carries
59, XE, XS, XP or XU because the services were distinct (CMS accepts the modifier on the
column-1 or the column-2 code: MLN Matters SE1418, revised March 2020 with CR 11168), ``9`` the
edit no longer applies.

The table is read by ``calc.schedule`` (``ptp_edit``, ``ptp_partners``, ``edit_release``); this
module turns it into claim findings and the "edits" kind of the seam.

>>> edits_answer({"code": "97140", "date_of_service": "2026-07-01"})["partners"] if not loaded() else []
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Final, Protocol

from calc.errors import FieldError, raise_if
from calc.fields import parse_code, parse_year
from calc.schedule import PtpEdit, edit_release, ptp_edit, ptp_partners

#: Modifiers that mark a distinct procedural service for NCCI (NCCI Policy Manual ch. I §E).
DISTINCT_MODIFIERS: Final = ("59", "XE", "XS", "XP", "XU")
#: What ``not_checked`` says until an edit file is imported.
NO_EDIT_FILE: Final = "NCCI procedure-to-procedure pairs: no edit file is loaded"
#: The modifier indicator in words (the PTP file's "Modifier" column).
INDICATOR_MEANING: Final = {
    "0": "Never paid together on one day; no modifier allows it",
    "1": "Paid together only when the services were distinct and a line of the pair carries 59, XE, XS, XP or XU",
    "9": "No edit applies (the edit was withdrawn)",
}

#: A finding as ``calc.checks.Finding`` takes it: severity, rule, code, message.
FindingTuple = tuple[str, str, str, str]


class BilledLine(Protocol):
    """What a PTP check needs of a billed line (``calc.fees.FeeLine`` has it)."""

    @property
    def code(self) -> str: ...

    @property
    def modifiers(self) -> Sequence[str]: ...


def loaded() -> bool:
    """True when a practitioner PTP edit file was imported."""
    return edit_release() is not None


def not_checked() -> list[str]:
    """What the claim check cannot say about NCCI pairs: everything, until an edit file is loaded."""
    return [] if loaded() else [NO_EDIT_FILE]


def ptp_findings(lines: Iterable[BilledLine], on: date) -> list[FindingTuple]:
    """A finding for each pair of different codes billed on ``on`` that an edit denies.

    The finding names the column-2 code (the one denied). With indicator 1, a distinct-service
    modifier on either line of the pair clears the finding (SE1418: CMS accepts it on the
    column-1 or column-2 code): the modifier says the services were distinct, which the
    documentation must support.
    """
    listed = list(lines)
    codes = sorted({line.code for line in listed})
    found: list[FindingTuple] = []
    for index, first in enumerate(codes):
        for second in codes[index + 1 :]:
            edit = ptp_edit(first, second, on)
            if edit is not None and not _cleared(edit, listed):
                found.append(_finding(edit))
    return found


def _cleared(edit: PtpEdit, lines: list[BilledLine]) -> bool:
    if edit.modifier == "9":
        return True
    if edit.modifier != "1":
        return False
    pair = (edit.column1, edit.column2)
    return any(line.code in pair and any(m in DISTINCT_MODIFIERS for m in line.modifiers) for line in lines)


def _finding(edit: PtpEdit) -> FindingTuple:
    source = f"NCCI PTP edit with {edit.column1}, modifier indicator {edit.modifier}, {edit.release}"
    if edit.modifier == "0":
        message = (
            f"Never paid with {edit.column1} on the same day ({source}): this line is denied, "
            "and no modifier changes that."
        )
    else:
        message = (
            f"Paid with {edit.column1} on the same day only when the services were distinct and this "
            f"line or the {edit.column1} line carries 59, XE, XS, XP or XU ({source}); without one it is denied."
        )
    return ("error", "ncci_ptp", edit.column2, message)


def edits_answer(request: Mapping[str, object]) -> dict[str, object]:
    """The "edits" kind: a code's PTP partners in effect on a date of service (DESIGN.md).

    >>> edits_answer({"code": "97140"})
    Traceback (most recent call last):
    ...
    calc.errors.InputError: date_of_service: Give the date of service as text such as "2026-07-01".
    """
    errors: list[FieldError] = []
    code = parse_code(request.get("code"), "code", errors)
    _, on = parse_year(request, errors, default=0)
    if on is None and not errors:
        errors.append(FieldError("date_of_service", 'Give the date of service as text such as "2026-07-01".'))
    raise_if(errors)
    assert on is not None
    release = edit_release(on)
    partners = [_partner(code, edit) for edit in ptp_partners(code, on)] if release else []
    return {
        "ok": True,
        "kind": "edits",
        "code": code,
        "date_of_service": on.isoformat(),
        "release": release,
        "partners": partners,
        "message": None
        if release
        else "No NCCI edit file is loaded: the pairs this code forms are not listed.",
        "steps": [],
        "warnings": [],
    }


def _partner(code: str, edit: PtpEdit) -> dict[str, object]:
    return {
        "code": edit.column2 if edit.column1 == code else edit.column1,
        "column": 1 if edit.column1 == code else 2,
        "column1": edit.column1,
        "column2": edit.column2,
        "modifier": edit.modifier,
        "meaning": INDICATOR_MEANING.get(edit.modifier, ""),
        "effective": edit.effective.isoformat(),
        "deletion": None if edit.deletion is None else edit.deletion.isoformat(),
        "rationale": edit.rationale,
        "release": edit.release,
    }
