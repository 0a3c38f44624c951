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

RULE_TYPES: Final = ("timed_15", "untimed", "hour_block", "hour_block_addon")
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
    """An initial block of time (97545: the first 2 hours) billed with an add-on per extra hour.

    ``initial_threshold_minutes`` is the shortest session that may bill the initial block
    (default: the whole block; a payer following the CPT midpoint rule would use 61).
    ``addon_threshold_minutes`` is the shortest part of an additional hour that counts
    (default 31: past the 30-minute midpoint of a 60-minute add-on).
    """

    code: str
    addon: str
    initial_minutes: int = 120
    initial_threshold_minutes: int = 120
    addon_minutes: int = 60
    addon_threshold_minutes: int = 31
    type: Literal["hour_block"] = "hour_block"


@dataclass(frozen=True)
class HourBlockAddonRule:
    """The add-on of an hour block (97546: each additional hour of 97545)."""

    code: str
    primary: str
    type: Literal["hour_block_addon"] = "hour_block_addon"


UnitRule = Timed15Rule | UntimedRule | HourBlockRule | HourBlockAddonRule


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
    unit rule for 97110: type 'timed_20' is not one of timed_15, untimed, hour_block, hour_block_addon
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
    return _parse_hour_block(code, where, entry)


_HOUR_BLOCK_KEYS: Final = {
    "addon",
    "initial_minutes",
    "initial_threshold_minutes",
    "addon_minutes",
    "addon_threshold_minutes",
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
    return HourBlockRule(
        code,
        addon=_code_field(where, entry, "addon"),
        initial_minutes=initial,
        initial_threshold_minutes=threshold,
        addon_minutes=addon_minutes,
        addon_threshold_minutes=addon_threshold,
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
