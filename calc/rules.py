"""Unit rules: which counting rule applies to which code, read from data, never guessed.

Each code's content file declares its ``unit_rule``; ``tools/compile_rules.py`` compiles them
into ``calc/data/unit_rules.json`` (format in DESIGN.md, "Unit rules: content declares, calc
reads"). This module turns that mapping into typed rules and refuses malformed data with a
message that names the code and the field.

>>> rules = parse_rules({
...     "97110": {"type": "timed_15"},
...     "97161": {"type": "untimed"},
...     "97545": {"type": "hour_block", "addon": "97546"},
...     "97546": {"type": "hour_block_addon", "primary": "97545"},
... })
>>> rules.get_rule("97110")
Timed15Rule(code='97110')
>>> rules.get_rule("97545").initial_threshold_minutes   # default: the whole initial block
120
>>> rules.get_rule("97545").addon_threshold_minutes     # default: past the 30-minute midpoint
31
>>> try:
...     rules.get_rule("12345")
... except UnknownRuleError as exc:
...     print(exc)
This reference has no unit rule for code 12345 yet, so it cannot count its units. Codes it can count: 97110, 97161, 97545, 97546.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Final, Literal

from calc.errors import CalcError

RULE_TYPES: Final = ("timed_15", "untimed", "hour_block", "hour_block_addon", "per_hour")
RULES_RESOURCE: Final = "data/unit_rules.json"


class RuleDataError(CalcError, ValueError):
    """The unit-rule data is malformed (a build problem, not a user's input problem)."""

    def __init__(self, message: str) -> None:
        super().__init__("", message)


class UnknownRuleError(CalcError, KeyError):
    """A code has no unit rule in the data. The message is for a billing clerk; the fix,
    for a developer, is a ``content/<code>.yaml`` with a ``unit_rule`` and ``make rules``
    (DESIGN.md, "Unit rules: content declares, calc reads")."""

    def __init__(self, code: str, known: tuple[str, ...] = ()) -> None:
        super().__init__("code", missing_rule_message(code, known))
        self.code = code
        self.known = known


#: How many known codes a missing-rule message lists before saying "and N more".
LISTED_CODES: Final = 20


def missing_rule_message(code: str, known: tuple[str, ...] = ()) -> str:
    """The one wording used wherever a code has no unit rule (no developer jargon).

    >>> missing_rule_message("97999", ("97110", "97140"))
    'This reference has no unit rule for code 97999 yet, so it cannot count its units. Codes it can count: 97110, 97140.'
    >>> missing_rule_message("97999", tuple(str(n) for n in range(97000, 97030)))[-40:]
    ' 97016, 97017, 97018, 97019 and 10 more.'
    """
    text = f"This reference has no unit rule for code {code} yet, so it cannot count its units."
    if not known:
        return text
    listed = ", ".join(known[:LISTED_CODES])
    more = f" and {len(known) - LISTED_CODES} more" if len(known) > LISTED_CODES else ""
    return f"{text} Codes it can count: {listed}{more}."


@dataclass(frozen=True)
class Timed15Rule:
    """A 15-minute timed code (therapeutic exercise, manual therapy, attended modalities)."""

    code: str
    type: Literal["timed_15"] = field(default="timed_15", repr=False)


@dataclass(frozen=True)
class UntimedRule:
    """A service-based code: one unit per session whatever the minutes (CMS 100-04 ch.5 §20.2 B)."""

    code: str
    type: Literal["untimed"] = field(default="untimed", repr=False)


@dataclass(frozen=True)
class HourBlockRule:
    """A first block of time billed once, then an add-on code per further block of its own length.

    The pair bills one session together: 97545 + 97546 (work hardening: 2 hours, then each
    hour), 92607 + 92608 (speech device evaluation: 1 hour, then each 30 minutes), 97550 +
    97551 (caregiver training: 30 minutes, then each 15), 97129 + 97130 (cognitive
    intervention: 15 minutes, then each 15). The type keeps its historical name
    ``hour_block``; nothing in it assumes hours: an add-on is described by its own length.

    ``initial_threshold_minutes`` is the shortest session that may bill the first block
    (default: the whole block; the CPT midpoint rule gives half the block plus one minute).
    ``addon_threshold_minutes`` is the shortest part of a further add-on block that counts
    (default: past its midpoint, 31 of 60 minutes, 16 of 30, 8 of 15).

    ``timed_pool``: whether the pair's minutes join Medicare's day total of 15-minute timed
    minutes (CMS 100-04 ch. 5 §20.2: "when more than one service represented by 15 minute
    timed codes is performed in a single day, the total number of minutes of service ...
    determines the number of timed units billed"). Only a pair whose first block and add-on
    are both 15-minute units with the 8-minute threshold is such a pair: 97129 + 97130 (a
    first 15-minute unit, then 15-minute units), so ``timed_pool`` is true for it and its
    units come from the day's pool, the first to 97129 and the rest to 97130. Every other
    pair has a first block that is not a 15-minute unit (97550's 30 minutes, 92607's hour,
    97545's two hours): §20.2's chart of 15-minute units cannot count it, so it is counted
    as its own session, outside the pool (the code set's own time rule, as 97545 always was).
    """

    code: str
    addon: str
    initial_minutes: int = 120
    initial_threshold_minutes: int = 120
    addon_minutes: int = 60
    addon_threshold_minutes: int = 31
    timed_pool: bool = False
    type: Literal["hour_block"] = "hour_block"


@dataclass(frozen=True)
class HourBlockAddonRule:
    """The add-on of a first block (97546 of 97545, 92608 of 92607, 97551 of 97550, 97130 of 97129)."""

    code: str
    primary: str
    type: Literal["hour_block_addon"] = "hour_block_addon"


@dataclass(frozen=True)
class PerHourRule:
    """A code billed per hour of its own time, in units of the same code (96105, 96125).

    A unit from ``threshold_minutes`` (default 31: past the midpoint of the hour, the code
    set's time rule for per-hour codes), then one more for each further hour once its part
    reaches the threshold again: 30 minutes = 0, 31-90 = 1, 91-150 = 2. Medicare's
    total-time method is for "15 minute timed codes" (CMS 100-04 ch. 5 §20.2), so these
    minutes never join the day's 15-minute pool, whatever the method.
    """

    code: str
    unit_minutes: int = 60
    threshold_minutes: int = 31
    type: Literal["per_hour"] = "per_hour"


UnitRule = Timed15Rule | UntimedRule | HourBlockRule | HourBlockAddonRule | PerHourRule


class RuleSet(Mapping[str, UnitRule]):
    """Rules by code: a read-only mapping whose ``get_rule`` refuses unknown codes clearly."""

    def __init__(self, rules: Mapping[str, UnitRule]) -> None:
        self._rules = dict(rules)
        _check_hour_block_pairs(self._rules)

    def __getitem__(self, code: str) -> UnitRule:
        return self._rules[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"RuleSet({len(self)} codes)"

    def get_rule(self, code: str) -> UnitRule:
        """The rule for ``code``; ``UnknownRuleError`` (never a guess) when there is none."""
        try:
            return self._rules[code]
        except KeyError:
            raise UnknownRuleError(code, tuple(sorted(self._rules))) from None

    def hour_block_for(self, code: str) -> HourBlockRule | None:
        """The hour-block rule that ``code`` belongs to (as primary or add-on), if any."""
        rule = self.get_rule(code)
        if isinstance(rule, HourBlockAddonRule):
            rule = self.get_rule(rule.primary)
        return rule if isinstance(rule, HourBlockRule) else None


def parse_rules(data: object) -> RuleSet:
    """Build a ``RuleSet`` from the JSON mapping of DESIGN.md; ``RuleDataError`` if malformed.

    >>> try:
    ...     parse_rules({"97110": {"type": "timed_20"}})
    ... except RuleDataError as exc:
    ...     print(exc)
    unit rule for 97110: type 'timed_20' is not one of timed_15, untimed, hour_block, hour_block_addon, per_hour
    """
    if not isinstance(data, Mapping):
        raise RuleDataError("unit rules: expected a mapping of code to rule")
    rules: dict[str, UnitRule] = {}
    for code, entry in data.items():
        if not isinstance(code, str) or not code.strip() or code != code.strip().upper():
            raise RuleDataError(f"unit rules: code {code!r} must be an upper-case code text")
        rules[code] = parse_rule(code, entry)
    return RuleSet(rules)


def parse_rule(code: str, entry: object) -> UnitRule:
    """One code's rule from its mapping (``{"type": ...}`` plus the type's settings)."""
    where = f"unit rule for {code}"
    if not isinstance(entry, Mapping):
        raise RuleDataError(f"{where}: expected a mapping with a 'type'")
    kind = entry.get("type")
    if kind not in RULE_TYPES:
        raise RuleDataError(f"{where}: type {kind!r} is not one of {', '.join(RULE_TYPES)}")
    if kind == "timed_15":
        _only_keys(where, entry, set())
        return Timed15Rule(code)
    if kind == "untimed":
        _only_keys(where, entry, set())
        return UntimedRule(code)
    if kind == "hour_block_addon":
        _only_keys(where, entry, {"primary"})
        return HourBlockAddonRule(code, primary=_code_field(where, entry, "primary"))
    if kind == "per_hour":
        return _parse_per_hour(code, where, entry)
    return _parse_hour_block(code, where, entry)


def _parse_per_hour(code: str, where: str, entry: Mapping[object, object]) -> PerHourRule:
    """``{"type": "per_hour"}`` with optional ``unit_minutes`` (60) and ``threshold_minutes`` (31).

    >>> parse_rule("96105", {"type": "per_hour"})
    PerHourRule(code='96105', unit_minutes=60, threshold_minutes=31, type='per_hour')
    """
    _only_keys(where, entry, {"unit_minutes", "threshold_minutes"})
    unit = _minutes_field(where, entry, "unit_minutes", 60)
    threshold = _minutes_field(where, entry, "threshold_minutes", unit // 2 + 1)
    if threshold > unit:
        raise RuleDataError(f"{where}: threshold_minutes {threshold} is more than unit_minutes {unit}")
    return PerHourRule(code, unit_minutes=unit, threshold_minutes=threshold)


#: The only block settings that may join the 15-minute pool (first unit and add-ons both
#: 15-minute units from 8 minutes, CMS 100-04 ch. 5 §20.2's chart).
POOLED_BLOCK: Final = (15, 8, 15, 8)

_HOUR_BLOCK_KEYS: Final = {
    "addon",
    "initial_minutes",
    "initial_threshold_minutes",
    "addon_minutes",
    "addon_threshold_minutes",
    "timed_pool",
}


def _parse_hour_block(code: str, where: str, entry: Mapping[object, object]) -> HourBlockRule:
    _only_keys(where, entry, set(_HOUR_BLOCK_KEYS))
    initial = _minutes_field(where, entry, "initial_minutes", 120)
    threshold = _minutes_field(where, entry, "initial_threshold_minutes", initial)
    addon_minutes = _minutes_field(where, entry, "addon_minutes", 60)
    # Default: the add-on hour counts once its midpoint is passed (31 of 60 minutes).
    addon_threshold = _minutes_field(where, entry, "addon_threshold_minutes", addon_minutes // 2 + 1)
    if threshold > initial:
        raise RuleDataError(
            f"{where}: initial_threshold_minutes {threshold} is more than initial_minutes {initial}"
        )
    if addon_threshold > addon_minutes:
        raise RuleDataError(
            f"{where}: addon_threshold_minutes {addon_threshold} is more than addon_minutes {addon_minutes}"
        )
    pooled = entry.get("timed_pool", False)
    if not isinstance(pooled, bool):
        raise RuleDataError(f"{where}: 'timed_pool' must be true or false")
    if pooled and (initial, threshold, addon_minutes, addon_threshold) != POOLED_BLOCK:
        # §20.2's chart counts 15-minute units only: a pooled pair must be one.
        raise RuleDataError(
            f"{where}: timed_pool needs 15-minute blocks counted from 8 minutes "
            "(initial_minutes 15, initial_threshold_minutes 8, addon_minutes 15, addon_threshold_minutes 8)"
        )
    return HourBlockRule(
        code,
        addon=_code_field(where, entry, "addon"),
        initial_minutes=initial,
        initial_threshold_minutes=threshold,
        addon_minutes=addon_minutes,
        addon_threshold_minutes=addon_threshold,
        timed_pool=pooled,
    )


def _only_keys(where: str, entry: Mapping[object, object], allowed: set[str]) -> None:
    unknown = sorted(str(k) for k in entry if k != "type" and k not in allowed)
    if unknown:
        raise RuleDataError(f"{where}: unknown setting(s) {', '.join(unknown)}")


def _code_field(where: str, entry: Mapping[object, object], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleDataError(f"{where}: '{key}' must name a code")
    return value


def _minutes_field(where: str, entry: Mapping[object, object], key: str, default: int) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RuleDataError(f"{where}: '{key}' must be a whole number of minutes of 1 or more")
    return value


def _check_hour_block_pairs(rules: Mapping[str, UnitRule]) -> None:
    """An hour block and its add-on must name each other, or the session cannot be split."""
    for code, rule in rules.items():
        if isinstance(rule, HourBlockRule):
            addon = rules.get(rule.addon)
            if not isinstance(addon, HourBlockAddonRule) or addon.primary != code:
                raise RuleDataError(
                    f"unit rule for {code}: add-on {rule.addon} needs a rule "
                    f'{{"type": "hour_block_addon", "primary": "{code}"}}'
                )
        elif isinstance(rule, HourBlockAddonRule):
            primary = rules.get(rule.primary)
            if not isinstance(primary, HourBlockRule) or primary.addon != code:
                raise RuleDataError(
                    f"unit rule for {code}: primary {rule.primary} needs an hour_block rule "
                    f'with "addon": "{code}"'
                )


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The project's compiled rules (``calc/data/unit_rules.json``), read once.

    Read through ``importlib.resources`` so it works from a wheel and inside Pyodide.

    >>> default_rules().get_rule("97546").primary
    '97545'
    """
    text = resources.files("calc").joinpath(RULES_RESOURCE).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleDataError(f"{RULES_RESOURCE}: not valid JSON ({exc})") from None
    return parse_rules(data)
