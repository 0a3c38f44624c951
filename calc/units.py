"""Billable units for one visit (one patient, one date of service).

Four counting rules, chosen per code by the unit-rule data (``calc.rules``):

* ``timed_15`` codes, by the caller's method:

  - ``"cms"``: Medicare's total-time method, Claims Processing Manual (Pub. 100-04) ch. 5
    §20.2. The day's total timed minutes give the day's units from the chart
    (8-22 = 1, 23-37 = 2, 38-52 = 3, ... the pattern continues past 8 units; under 8 = 0).
    The units are then assigned the way the manual's worked examples do: each service first
    gets its full 15-minute units; the units left over go one each to the services with the
    most remaining minutes (so services of 7 minutes or less can combine into a unit, billed
    to the one with the most minutes). Ties: the service with more total minutes, then the
    one listed first (the manual lets the therapist choose; we choose the same way every time
    and the reason says so).
  - ``"ama"``: the CPT midpoint rule many commercial payers use: each code on its own, a unit
    once more than half of 15 minutes is reached (8+ minutes), the same chart per code.

* ``untimed`` codes (evaluations, unattended modalities): one unit per session whatever the
  minutes (0 minutes is accepted: listing the code means the session took place); their
  minutes never count toward timed units.
* ``hour_block`` codes with their add-on (a first block, then an add-on per further block of
  the add-on's own length: 97545 + 97546, 92607 + 92608, 97550 + 97551, 97129 + 97130): the
  service, given as either code, is the whole session. The first block bills once the session
  reaches ``initial_threshold_minutes``; each further add-on block counts once its part
  reaches ``addon_threshold_minutes`` (past its midpoint). Both lines are always answered,
  the add-on with 0 units when it does not apply, so the page can say why. A pair marked
  ``timed_pool`` (97129 + 97130: 15-minute units) is instead counted as one 15-minute timed
  service in the day's pool, by the caller's method; its first unit goes to the primary and
  the rest to the add-on (``calc.rules.HourBlockRule`` says why, CMS 100-04 ch. 5 §20.2).
* ``per_hour`` codes (96105, 96125): units of the same code, one per hour, the last part hour
  counting from ``threshold_minutes`` (31); outside the 15-minute pool whatever the method.
  Their minutes and units are counted with the blocks' (``hour_block_*`` totals).

Input rules (``calc.fields.parse_minutes``): minutes are whole numbers from 0 to 1,440 (a
day); numeric text such as "33" and hours and minutes such as "4:20" or "4h20m" are accepted;
floats, booleans, negatives and other text are refused. An untimed code needs no minutes. A code listed twice in
one visit is merged into one line (minutes added) with a warning; 97545 and 97546 listed
together are one work-hardening session. Every problem found is reported at once, as
``calc.errors.InputError`` with field paths such as ``services[1].minutes``.

>>> result = compute_units([("97110", 33), ("97140", 7)], "cms")
>>> [(line.code, line.units) for line in result.lines]
[('97110', 2), ('97140', 1)]
>>> result.totals.timed_units
3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from calc.errors import FieldError, InputError, raise_if
from calc.fields import MINUTES_IN_A_DAY, Method, parse_code, parse_method, parse_minutes
from calc.rules import (
    HourBlockRule,
    PerHourRule,
    RuleSet,
    Timed15Rule,
    UnknownRuleError,
    UntimedRule,
    default_rules,
)
from calc.steps import Step

MINUTES_PER_UNIT: Final = 15
# One visit lists a handful of services; a cap keeps a malformed request from costing the
# browser seconds, and no real visit comes near it.
MAX_SERVICES: Final = 50
CHART: Final = "8-22 = 1, 23-37 = 2, 38-52 = 3, ..."


def units_for_minutes(minutes: int) -> int:
    """Units that ``minutes`` of 15-minute timed treatment give under the chart.

    A unit needs 8 minutes (more than half of 15); each further unit needs 15 more
    (CMS 100-04 ch. 5 §20.2 C: 8-22 = 1, 23-37 = 2, ..., 113-127 = 8, and so on).

    >>> [units_for_minutes(m) for m in (0, 7, 8, 22, 23, 37, 38, 127, 128)]
    [0, 0, 1, 1, 2, 2, 3, 8, 9]
    """
    return (minutes + MINUTES_PER_UNIT // 2) // MINUTES_PER_UNIT


@dataclass(frozen=True)
class Service:
    """One code performed in the visit, with its minutes (already validated)."""

    code: str
    minutes: int


@dataclass(frozen=True)
class UnitLine:
    """One answer line: the units billed for a code, and why in one sentence."""

    code: str
    units: int
    minutes: int
    rule: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "units": self.units,
            "minutes": self.minutes,
            "rule": self.rule,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class UnitTotals:
    """Visit totals. ``timed_*`` cover the day's 15-minute pool (with a pooled pair such as
    97129 + 97130); ``hour_block_*`` cover what is counted apart from it: first blocks with
    their add-ons and per-hour codes."""

    timed_minutes: int = 0
    timed_units: int = 0
    untimed_units: int = 0
    hour_block_minutes: int = 0
    hour_block_units: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "timed_minutes": self.timed_minutes,
            "timed_units": self.timed_units,
            "untimed_units": self.untimed_units,
            "hour_block_minutes": self.hour_block_minutes,
            "hour_block_units": self.hour_block_units,
        }


@dataclass(frozen=True)
class UnitsResult:
    """The units answer: lines in the order the codes were given, totals, steps, warnings."""

    method: Method
    lines: tuple[UnitLine, ...]
    totals: UnitTotals
    steps: tuple[Step, ...] = ()
    warnings: tuple[str, ...] = ()

    def units_by_code(self) -> dict[str, int]:
        """``{code: units}`` for every line (lines with 0 units included)."""
        return {line.code: line.units for line in self.lines}

    def as_dict(self) -> dict[str, object]:
        """The JSON answer of DESIGN.md, kind "units", ready for ``calc.handle`` to return."""
        return {
            "ok": True,
            "kind": "units",
            "method": self.method,
            "lines": [line.as_dict() for line in self.lines],
            "totals": self.totals.as_dict(),
            "steps": [step.as_dict() for step in self.steps],
            "warnings": list(self.warnings),
        }


@dataclass
class _Parts:
    """What each rule family contributes, gathered before the lines are put in order."""

    lines: dict[str, list[UnitLine]] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- public entry points -------------------------------------------------------------------


def compute_units(services: object, method: object = "cms", rules: RuleSet | None = None) -> UnitsResult:
    """Units for one visit. ``services``: ``(code, minutes)`` pairs or ``{"code", "minutes"}``
    mappings; ``method``: ``"cms"`` or ``"ama"``; ``rules``: default ``default_rules()``.

    Raises ``InputError`` listing every problem (field paths ``services[i].minutes``...).

    >>> compute_units([("97112", 24), ("97110", 23)]).units_by_code()
    {'97112': 2, '97110': 1}
    >>> compute_units([("97110", 33), ("97140", 7)], "ama").units_by_code()
    {'97110': 2, '97140': 0}
    >>> compute_units([{"code": "97545", "minutes": 240}]).units_by_code()
    {'97545': 1, '97546': 2}
    >>> try:
    ...     compute_units([("97110", "abc"), ("97140", -1)], "medicaid")
    ... except InputError as exc:
    ...     print([e.field for e in exc.errors])
    ['method', 'services[0].minutes', 'services[1].minutes']
    """
    rules = default_rules() if rules is None else rules
    errors: list[FieldError] = []
    chosen = parse_method(method, errors)
    parsed = _parse_services(services, rules, errors)
    raise_if(errors)
    merged, warnings = _merge_services(parsed, rules)
    _check_day_length(merged, rules)
    return _compute(merged, chosen, rules, warnings)


def units_from_request(request: Mapping[str, object], rules: RuleSet | None = None) -> UnitsResult:
    """Units for a JSON request ``{"method": "cms"|"ama", "services": [...]}`` (method
    defaults to ``"cms"``); the seam's "units" kind.

    >>> units_from_request({"services": [{"code": "97161", "minutes": 0}]}).units_by_code()
    {'97161': 1}
    >>> units_from_request({"services": [{"code": "97161"}]}).units_by_code()  # no minutes needed
    {'97161': 1}
    """
    if "services" not in request:
        raise InputError([FieldError("services", "List the services: a code and its minutes.")])
    return compute_units(request["services"], request.get("method", "cms"), rules)


# --- validation ----------------------------------------------------------------------------


def _parse_services(services: object, rules: RuleSet, errors: list[FieldError]) -> list[tuple[int, Service]]:
    if isinstance(services, (str, bytes, Mapping)) or not isinstance(services, Sequence):
        errors.append(FieldError("services", "List the services as a list of codes with their minutes."))
        return []
    if not services:
        errors.append(FieldError("services", "List at least one service: a code and its minutes."))
    if len(services) > MAX_SERVICES:
        errors.append(
            FieldError(
                "services",
                f"One visit can list at most {MAX_SERVICES} services; {len(services):,} were given.",
            )
        )
        return []
    parsed: list[tuple[int, Service]] = []
    for index, item in enumerate(services):
        service = _parse_service(index, item, rules, errors)
        if service is not None:
            parsed.append((index, service))
    return parsed


def _parse_service(index: int, item: object, rules: RuleSet, errors: list[FieldError]) -> Service | None:
    path = f"services[{index}]"
    if isinstance(item, Mapping):
        raw_code, raw_minutes = item.get("code"), item.get("minutes")
    elif isinstance(item, (tuple, list)) and len(item) == 2:
        raw_code, raw_minutes = item
    else:
        errors.append(FieldError(path, "Each service needs a code and its minutes."))
        return None
    before = len(errors)
    code = _parse_code(raw_code, rules, f"{path}.code", errors)
    untimed = bool(code) and isinstance(rules.get_rule(code), UntimedRule)
    if untimed and (raw_minutes is None or (isinstance(raw_minutes, str) and not raw_minutes.strip())):
        minutes = 0  # one unit per session: its minutes do not count, so none are needed
    else:
        minutes = parse_minutes(raw_minutes, f"{path}.minutes", errors)
    return Service(code, minutes) if len(errors) == before else None


def _parse_code(raw: object, rules: RuleSet, field: str, errors: list[FieldError]) -> str:
    code = parse_code(raw, field, errors)
    if not code:
        return ""
    try:
        rules.get_rule(code)
    except UnknownRuleError as exc:
        errors.append(FieldError(field, exc.message))
        return ""
    return code


def _family(code: str, rules: RuleSet) -> str:
    """The code a service is filed under: an hour block's add-on files under its primary."""
    block = rules.hour_block_for(code)
    return block.code if block is not None else code


def _merge_services(parsed: list[tuple[int, Service]], rules: RuleSet) -> tuple[list[Service], list[str]]:
    """One service per code (per hour-block family), minutes added, in order of first listing."""
    groups: dict[str, list[Service]] = {}
    for _, service in parsed:
        groups.setdefault(_family(service.code, rules), []).append(service)
    merged: list[Service] = []
    warnings: list[str] = []
    for family, members in groups.items():
        total = sum(s.minutes for s in members)
        merged.append(Service(family, total))
        if len(members) > 1:
            warnings.append(_merge_warning(family, members, total, rules))
    return merged, warnings


def _merge_warning(family: str, members: list[Service], total: int, rules: RuleSet) -> str:
    listed = ", ".join(f"{s.code} ({s.minutes} min)" for s in members)
    if isinstance(rules.get_rule(family), UntimedRule):
        return (
            f"{family} was listed {len(members)} times ({listed}); an untimed code is one unit "
            "per session, so it is counted once."
        )
    return f"{listed} were counted as one {family} service of {total} minutes (one line per code per visit)."


def _check_day_length(merged: list[Service], rules: RuleSet) -> None:
    """Timed and hour-block services are one-on-one time: together they fit in one day."""
    attended = [s for s in merged if not isinstance(rules.get_rule(s.code), UntimedRule)]
    total = sum(s.minutes for s in attended)
    if total > MINUTES_IN_A_DAY:
        raise InputError(
            [
                FieldError(
                    "services",
                    f"The timed services add up to {total:,} minutes, more than the "
                    f"{MINUTES_IN_A_DAY:,} minutes in a day; check the minutes entered.",
                )
            ]
        )


# --- computing -----------------------------------------------------------------------------


def _compute(merged: list[Service], method: Method, rules: RuleSet, warnings: list[str]) -> UnitsResult:
    parts = _Parts(warnings=list(warnings))
    timed = [s for s in merged if _in_timed_pool(rules.get_rule(s.code))]
    totals = _timed_lines(timed, method, parts)
    for service in timed:
        pooled = rules.get_rule(service.code)
        if isinstance(pooled, HourBlockRule):
            _split_pooled_block(pooled, parts)
    untimed_units = _untimed_lines(
        [s for s in merged if isinstance(rules.get_rule(s.code), UntimedRule)], parts
    )
    block_minutes, block_units = 0, 0
    for service in merged:
        rule = rules.get_rule(service.code)
        if isinstance(rule, HourBlockRule) and not rule.timed_pool:
            block_minutes += service.minutes
            block_units += _hour_block_lines(service.minutes, rule, parts)
        elif isinstance(rule, PerHourRule):
            block_minutes += service.minutes
            block_units += _per_hour_lines(service.minutes, rule, parts)
    lines = tuple(line for s in merged for line in parts.lines[s.code])
    return UnitsResult(
        method=method,
        lines=lines,
        totals=UnitTotals(
            timed_minutes=totals[0],
            timed_units=totals[1],
            untimed_units=untimed_units,
            hour_block_minutes=block_minutes,
            hour_block_units=block_units,
        ),
        steps=tuple(parts.steps),
        warnings=tuple(parts.warnings),
    )


def _in_timed_pool(rule: object) -> bool:
    """15-minute timed codes, and a first-block pair of 15-minute units (97129 + 97130)."""
    return isinstance(rule, Timed15Rule) or (isinstance(rule, HourBlockRule) and rule.timed_pool)


def _split_pooled_block(rule: HourBlockRule, parts: _Parts) -> None:
    """A pooled pair's units, counted as one timed service, billed as the first unit on the
    primary and the rest on the add-on (97129 once per day, 97130 for each further unit)."""
    (pooled,) = parts.lines[rule.code]
    first = min(pooled.units, 1)
    more = pooled.units - first
    minutes = pooled.minutes
    parts.lines[rule.code] = [
        UnitLine(
            rule.code,
            first,
            min(minutes, rule.initial_minutes),
            "hour_block",
            f"With {rule.addon}, one timed service of {minutes} minutes. {pooled.reason} "
            f"The first unit of the pair is {rule.code} (once per day): {_units(first)}.",
        ),
        UnitLine(
            rule.addon,
            more,
            max(0, minutes - rule.initial_minutes),
            "hour_block_addon",
            f"With {rule.code}, one timed service of {minutes} minutes. {pooled.reason} "
            f"Units after the first are {rule.addon}: {_units(more)}.",
        ),
    ]
    parts.steps.append(
        Step(
            f"{rule.code} + {rule.addon}: first unit and further units",
            {"units": str(pooled.units)},
            str(more),
        )
    )


def _timed_lines(timed: list[Service], method: Method, parts: _Parts) -> tuple[int, int]:
    """Lines for 15-minute codes; returns (timed minutes, timed units)."""
    if not timed:
        return 0, 0
    if method == "ama":
        return _ama_lines(timed, parts)
    return _cms_lines(timed, parts)


def _ama_lines(timed: list[Service], parts: _Parts) -> tuple[int, int]:
    # CPT midpoint rule: each code on its own; a unit once more than half of 15 minutes.
    total_units = 0
    for s in timed:
        units = units_for_minutes(s.minutes)
        reason = (
            f"{s.minutes} minutes on their own: {_units(units)} "
            f"(each code alone; a unit from 8 minutes, {CHART})."
        )
        parts.lines[s.code] = [UnitLine(s.code, units, s.minutes, "timed_15", reason)]
        parts.steps.append(
            Step(f"{s.code}: units on its own (midpoint rule)", {"minutes": str(s.minutes)}, str(units))
        )
        total_units += units
    return sum(s.minutes for s in timed), total_units


def _cms_lines(timed: list[Service], parts: _Parts) -> tuple[int, int]:
    # CMS 100-04 ch. 5 §20.2: the day's total timed minutes decide the units; each service
    # gets its full 15-minute units first, the rest go to the most remaining minutes.
    total = sum(s.minutes for s in timed)
    day_units = units_for_minutes(total)
    full = [s.minutes // MINUTES_PER_UNIT for s in timed]
    left = day_units - sum(full)
    rest = [s.minutes % MINUTES_PER_UNIT for s in timed]
    # Leftover units, one each, to the most remaining minutes; ties to the longer service,
    # then to the one listed first. At most one per service: the leftover units come from
    # remainders of under 15 minutes each, so they never outnumber the services holding them.
    order = sorted(range(len(timed)), key=lambda i: (-rest[i], -timed[i].minutes, i))
    winners = set(order[:left])
    parts.steps.extend(_cms_steps(timed, total, day_units, full, left))
    for i, s in enumerate(timed):
        extra = 1 if i in winners else 0
        reason = _cms_reason(i, timed, full, rest, winners, day_units)
        parts.lines[s.code] = [UnitLine(s.code, full[i] + extra, s.minutes, "timed_15", reason)]
        if extra:
            parts.steps.append(
                Step(
                    f"Leftover unit to {s.code} (most remaining minutes)",
                    {"remaining minutes": str(rest[i])},
                    "1",
                )
            )
    return total, day_units


def _cms_steps(timed: list[Service], total: int, day_units: int, full: list[int], left: int) -> list[Step]:
    return [
        Step("Total timed minutes", {s.code: str(s.minutes) for s in timed}, str(total)),
        Step(f"Timed units for the day ({CHART})", {"timed minutes": str(total)}, str(day_units)),
        Step(
            "Full 15-minute units per code",
            {s.code: str(n) for s, n in zip(timed, full, strict=False)},
            str(sum(full)),
        ),
        Step(
            "Units left for the remaining minutes",
            {"units for the day": str(day_units), "full units": str(sum(full))},
            str(left),
        ),
    ]


def _cms_reason(
    i: int,
    timed: list[Service],
    full: list[int],
    rest: list[int],
    winners: set[int],
    day_units: int,
) -> str:
    s = timed[i]
    if day_units == 0:
        return (
            f"The day's timed minutes total {sum(t.minutes for t in timed)}, under the "
            "8 minutes needed for a unit: nothing to bill."
        )
    base = (
        f"{_units(full[i])} for {full[i] * MINUTES_PER_UNIT} of {s.minutes} minutes"
        if full[i]
        else f"No full 15-minute unit in {s.minutes} minutes"
    )
    tie = _tie_note(i, timed, rest, winners)
    if i in winners:
        return f"{base}; its remaining {rest[i]} minutes get one of the day's leftover units (most remaining minutes{tie})."
    if rest[i] == 0:
        return f"{base}; no minutes remain."
    return f"{base}; its remaining {rest[i]} minutes get no unit: the day's {_units(day_units)} are all assigned{tie}."


def _tie_note(i: int, timed: list[Service], rest: list[int], winners: set[int]) -> str:
    """Name the other side of a tie at the cut between units and no units, if any."""
    mine = i in winners
    rivals = [j for j in range(len(timed)) if j != i and rest[j] == rest[i] and (j in winners) != mine]
    if not rivals:
        return ""
    same_length = all(timed[j].minutes == timed[i].minutes for j in rivals)
    rule = "the code listed first" if same_length else "the service with more minutes in all"
    codes = ", ".join(timed[j].code for j in rivals)
    return f"; tied with {codes} at {rest[i]} remaining minutes, so the unit goes to {rule}"


def _untimed_lines(untimed: list[Service], parts: _Parts) -> int:
    for s in untimed:
        reason = (
            "Untimed code: one unit per session whatever the minutes; "
            "its minutes do not count toward timed units."
        )
        parts.lines[s.code] = [UnitLine(s.code, 1, s.minutes, "untimed", reason)]
        parts.steps.append(Step(f"{s.code}: untimed, one unit per session", {}, "1"))
    return len(untimed)


def _hour_block_lines(minutes: int, rule: HourBlockRule, parts: _Parts) -> int:
    """Both lines of an hour-block session (initial block and add-on); returns units billed."""
    (initial_units, initial_reason), (addon_units, addon_reason), past = hour_block_units(minutes, rule)
    parts.lines[rule.code] = [
        UnitLine(rule.code, initial_units, min(minutes, rule.initial_minutes), "hour_block", initial_reason),
        UnitLine(
            rule.addon, addon_units, max(0, minutes - rule.initial_minutes), "hour_block_addon", addon_reason
        ),
    ]
    addon_block = block_name(rule.addon_minutes)
    parts.steps.append(
        Step(
            f"{rule.code}: initial block of {rule.initial_minutes} minutes",
            {
                "session minutes": str(minutes),
                "initial_threshold_minutes": str(rule.initial_threshold_minutes),
            },
            str(initial_units),
        )
    )
    parts.steps.append(
        Step(
            f"{rule.addon}: additional {addon_block}s past the initial block",
            {
                "minutes past the block": str(past),
                f"whole {addon_block}s": str(past // rule.addon_minutes),
                f"part {_part(addon_block)} minutes": str(past % rule.addon_minutes),
                "addon_threshold_minutes": str(rule.addon_threshold_minutes),
            },
            str(addon_units),
        )
    )
    if not initial_units:
        parts.warnings.append(initial_reason)
    return initial_units + addon_units


def hour_block_units(minutes: int, rule: HourBlockRule) -> tuple[tuple[int, str], tuple[int, str], int]:
    """A session's (initial block units, reason), (add-on units, reason) and minutes past the block.

    >>> hour_block_units(260, default_rules().get_rule("97545"))[1][0]
    2
    """
    initial = _initial_block(minutes, rule)
    past = max(0, minutes - rule.initial_minutes) if initial[0] else 0
    return initial, _addon_hours(minutes, past, rule, initial[0]), past


def _initial_block(minutes: int, rule: HourBlockRule) -> tuple[int, str]:
    block = _duration(rule.initial_minutes)
    if minutes < rule.initial_threshold_minutes:
        return 0, (
            f"A {minutes}-minute session is shorter than the {rule.initial_threshold_minutes} "
            f"minutes needed to bill the initial {block} block of {rule.code} "
            "(setting initial_threshold_minutes): nothing is billed."
        )
    if minutes >= rule.initial_minutes:
        return 1, f"The {minutes}-minute session covers the initial {block} block: 1 unit."
    return 1, (
        f"The {minutes}-minute session reaches the {rule.initial_threshold_minutes}-minute "
        f"threshold for the initial {block} block (setting initial_threshold_minutes): 1 unit."
    )


def _addon_hours(minutes: int, past: int, rule: HourBlockRule, initial_units: int) -> tuple[int, str]:
    """The add-on's units: whole add-on blocks past the first, and a last part block that
    reaches the threshold; worded by the add-on's own length (an hour, 30 or 15 minutes).

    >>> _addon_hours(100, 40, default_rules().get_rule("92607"), 1)[1]
    '40 minutes past the initial block: 1 whole 30-minute block; the last 10 minutes do not count (a part block needs 16 minutes or more): 1 unit.'
    """
    block = block_name(rule.addon_minutes)
    if not initial_units:
        return 0, f"No additional {block}: {rule.addon} is billed only with the initial block {rule.code}."
    whole, part = divmod(past, rule.addon_minutes)
    counts = part >= rule.addon_threshold_minutes
    units = whole + (1 if counts else 0)
    text = f"{past} minutes past the initial block: {whole} whole {block}{'s' if whole != 1 else ''}"
    partial = _part(block)
    if counts:
        text += f" + a part {partial} of {part} minutes, which counts ({rule.addon_threshold_minutes} minutes or more)"
    elif part:
        text += f"; the last {part} minutes do not count (a part {partial} needs {rule.addon_threshold_minutes} minutes or more)"
    return units, f"{text}: {_units(units)}."


def _per_hour_lines(minutes: int, rule: PerHourRule, parts: _Parts) -> int:
    """The one line of a per-hour code (units of the same code); returns its units."""
    units, reason = per_hour_units(minutes, rule)
    parts.lines[rule.code] = [UnitLine(rule.code, units, minutes, "per_hour", reason)]
    parts.steps.append(
        Step(
            f"{rule.code}: units per {_duration(rule.unit_minutes)} of its own time",
            {
                "minutes": str(minutes),
                "whole hours" if rule.unit_minutes == 60 else "whole units": str(
                    minutes // rule.unit_minutes
                ),
                "minutes of the last part": str(minutes % rule.unit_minutes),
                "threshold_minutes": str(rule.threshold_minutes),
            },
            str(units),
        )
    )
    if not units:
        parts.warnings.append(reason)
    return units


def per_hour_units(minutes: int, rule: PerHourRule) -> tuple[int, str]:
    """Units of a per-hour code for ``minutes`` of its time, and why (outside the 15-minute pool).

    >>> rule = default_rules().get_rule("96105")
    >>> [per_hour_units(m, rule)[0] for m in (0, 30, 31, 60, 90, 91, 150, 151)]
    [0, 0, 1, 1, 1, 2, 2, 3]
    >>> per_hour_units(100, rule)[1]
    '100 minutes: 1 whole hour + a part hour of 40 minutes, which counts (31 minutes or more): 2 units of 96105.'
    """
    whole, part = divmod(minutes, rule.unit_minutes)
    counts = part >= rule.threshold_minutes
    units = whole + (1 if counts else 0)
    unit = "hour" if rule.unit_minutes == 60 else f"{rule.unit_minutes}-minute unit"
    if minutes < rule.threshold_minutes:
        return 0, (
            f"{minutes} minutes is under the {rule.threshold_minutes} minutes needed for a first {unit} "
            f"of {rule.code}: nothing is billed (its minutes never join the 15-minute timed units)."
        )
    text = f"{minutes} minutes: {whole} whole {unit}{'s' if whole != 1 else ''}"
    if counts:
        text += f" + a part {unit} of {part} minutes, which counts ({rule.threshold_minutes} minutes or more)"
    elif part:
        text += f"; the last {part} minutes do not count (a part {unit} needs {rule.threshold_minutes} minutes or more)"
    return units, f"{text}: {_units(units)} of {rule.code}."


def block_name(minutes: int) -> str:
    """An add-on block named by its own length: an hour add-on is an "hour" (97546), any other
    a "30-minute block" (92608) or a "15-minute block" (97551).

    >>> [block_name(m) for m in (60, 30, 15)]
    ['hour', '30-minute block', '15-minute block']
    """
    return "hour" if minutes == 60 else f"{minutes}-minute block"


def _part(block: str) -> str:
    """The word for a part of an add-on block: "hour" or "block"."""
    return "hour" if block == "hour" else "block"


def _duration(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours}-hour"
    return f"{minutes}-minute"


def _units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"
