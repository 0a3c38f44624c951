"""What each Medicare Physician Fee Schedule status code means, in plain words.

The status code (column STATUS CODE of the national RVU file) decides whether the fee
schedule has a price for a code. Meanings follow the RVU file's documentation (RVUxx
README, "Status Code" field); the wording is the project's own.

>>> meaning("B")
'Bundled: Medicare never pays this code separately; its payment is included in other services.'
>>> is_priced("R", has_rvus=True), is_priced("R", has_rvus=False), is_priced("B", has_rvus=True)
(True, False, False)
>>> label("I", has_rvus=True, replacement="G0283")
'Not valid for Medicare (use G0283)'
>>> global_meaning("ZZZ")
'Add-on code: it falls within the global period of its primary service and is billed only with it.'
"""

from __future__ import annotations

from typing import Final

MEANINGS: Final = {
    "A": "Active: paid separately under the fee schedule.",
    "B": "Bundled: Medicare never pays this code separately; its payment is included in other services.",
    "C": "Carrier priced: the Medicare contractor (MAC) sets the amount; there is no national amount.",
    "D": "Deleted: the code was removed; a 90-day grace period may apply.",
    "E": "Excluded from the fee schedule by regulation: paid, if at all, outside it.",
    "F": "Deleted: the code was removed with no grace period.",
    "G": "Not valid for Medicare: Medicare uses another code (grace period).",
    "H": "Deleted modifier: this code-and-modifier pair is no longer valid.",
    "I": "Not valid for Medicare: Medicare uses another code for this service.",
    "J": "Anesthesia service: paid under the anesthesia fee schedule, not with RVUs.",
    "M": "Measurement code: for quality reporting only, no payment.",
    "N": "Non-covered: Medicare does not cover this service.",
    "P": "Bundled or excluded: no separate payment under the fee schedule.",
    "R": "Restricted coverage: special coverage rules apply; the MAC prices it where covered unless the file carries RVUs.",
    "T": "Paid only when no other fee-schedule service is billed the same day by the same provider.",
    "X": "Statutory exclusion: not a fee-schedule service by law; no payment under it.",
}

#: Short labels for a list or table cell, one glance per code; the full meaning (above)
#: goes on the code page. R, I and G have their own wording in ``label``.
LABELS: Final = {
    "A": "Paid separately",
    "B": "Bundled",
    "C": "Priced by the MAC: no national amount",
    "D": "Deleted",
    "E": "Excluded by regulation",
    "F": "Deleted",
    "H": "Deleted modifier",
    "J": "Anesthesia fee schedule",
    "M": "Quality measurement only",
    "N": "Not covered",
    "P": "Bundled or excluded",
    "T": "Paid only when billed alone",
    "X": "Excluded by law",
}

#: Global surgical period indicators (column GLOB DAYS of the RVU file; RVUxx README,
#: "Global Surgery" field; Claims Processing Manual ch. 12 §40.1), in the project's words.
GLOBAL_MEANINGS: Final = {
    "000": "Endoscopic or minor procedure: related care on the day of the procedure is included.",
    "010": "Minor procedure: related care on the day and for 10 days after is included.",
    "090": "Major surgery: related care from the day before to 90 days after is included.",
    "MMM": "Maternity care: the global concept of the maternity codes applies.",
    "XXX": "The global period concept does not apply to this code: each service is billed on its own.",
    "YYY": "The Medicare contractor sets the global period.",
    "ZZZ": "Add-on code: it falls within the global period of its primary service and is billed only with it.",
}

# Status codes that carry a fee-schedule price (R only when the release carries RVUs).
PRICED: Final = frozenset({"A", "T"})


def meaning(status: str) -> str:
    """The plain-words meaning of a status code (unknown codes say so).

    >>> meaning("Q")
    'Status Q: not described in this project; check the RVU file documentation.'
    """
    return MEANINGS.get(
        status, f"Status {status}: not described in this project; check the RVU file documentation."
    )


def is_priced(status: str, has_rvus: bool) -> bool:
    """True when a national or locality amount exists for the code.

    Status B and I rows can carry RVUs (97010, 97014); they are never priced.
    """
    return status in PRICED or (status == "R" and has_rvus)


def no_price_reason(code: str, status: str, replacement: str | None) -> str:
    """Why a code has no fee-schedule amount, in words, for ``"reason"``.

    >>> no_price_reason("97014", "I", "G0283")
    'No Medicare fee-schedule amount: 97014 is not valid for Medicare (status I); Medicare uses G0283 instead.'
    >>> no_price_reason("97546", "R", None)
    'No national amount: 97546 has restricted coverage (status R) and the file carries no RVUs for it; the Medicare contractor (MAC) prices it where it is covered.'
    """
    if status == "R":
        return (
            f"No national amount: {code} has restricted coverage (status R) and the file carries "
            "no RVUs for it; the Medicare contractor (MAC) prices it where it is covered."
        )
    if status == "I":
        instead = f"Medicare uses {replacement} instead." if replacement else "Medicare uses another code."
        return f"No Medicare fee-schedule amount: {code} is not valid for Medicare (status I); {instead}"
    if status == "C":
        return f"No national amount: {code} is carrier priced (status C); the MAC sets the amount."
    return f"No Medicare fee-schedule amount for {code} (status {status}): {meaning(status)}"


def label(status: str, has_rvus: bool, replacement: str | None = None) -> str:
    """A short label for the status, for a table cell (the meaning says it in full).

    >>> label("A", True), label("B", True), label("R", False), label("R", True)
    ('Paid separately', 'Bundled', 'Restricted: no national amount', 'Restricted: paid where covered')
    >>> label("I", True, None), label("Q", False)
    ('Not valid for Medicare', 'Status Q')
    """
    if status == "R":
        return "Restricted: paid where covered" if has_rvus else "Restricted: no national amount"
    if status in ("I", "G"):
        return f"Not valid for Medicare (use {replacement})" if replacement else "Not valid for Medicare"
    return LABELS.get(status, f"Status {status}")


def no_price_label(status: str) -> str:
    """The short words shown in an amount cell when a code has no fee-schedule amount:
    status R and C may still be paid (the MAC prices them), the others are not paid
    separately under the fee schedule.

    >>> no_price_label("R"), no_price_label("B"), no_price_label("I")
    ('No national amount', 'Not paid separately', 'Not paid separately')
    """
    return "No national amount" if status in ("R", "C") else "Not paid separately"


def global_meaning(days: str) -> str:
    """The global period indicator in words (unknown indicators say so).

    >>> global_meaning("XXX")
    'The global period concept does not apply to this code: each service is billed on its own.'
    >>> global_meaning("")
    'No global period is listed for this code.'
    """
    if not days:
        return "No global period is listed for this code."
    return GLOBAL_MEANINGS.get(
        days, f"Global period {days}: not described in this project; check the RVU file documentation."
    )


def facility_na_warning(codes: list[str]) -> str:
    """The one warning of a facility request holding codes whose facility PE CMS marks NA.

    Pub. 100-04 (Claims Processing Manual) ch. 5 §10: the Medicare physician fee schedule
    (MPFS) is the method of payment for outpatient therapy furnished by hospitals, skilled
    nursing facilities (residents not in a covered Part A stay), rehabilitation agencies
    (OPT/ORF providers) and CORFs. The non-facility amount for those providers is the
    issue's statement; the stored manual text we could check confirms only §10's "MPFS is
    the method of payment" (see the project report), so the comment claims no more.

    >>> warning = facility_na_warning(["97110", "97140"])
    >>> warning.startswith("CMS lists no facility price for 97110, 97140:"), "non-facility amount" in warning
    (True, True)
    """
    return (
        f"CMS lists no facility price for {', '.join(codes)}: outpatient therapy that a hospital, "
        "a skilled nursing facility (Part B), a rehabilitation agency or a CORF furnishes is paid "
        "under the physician fee schedule at the non-facility amount, which is shown. A physician "
        "or therapist in private practice billing a facility place of service: check the place of "
        "service on the claim."
    )
