"""The monitor's store: per village, its current values (a copy of its own, updated in
place: no model is copied per event), the star statuses and level, the clock's marks, the
period's incidents and a bounded, compact history; villages found by code or by name."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Place, did_you_mean
from ..evaluation import Truth
from ..explain.results import LevelResult, Status
from ..expr.combinators import indicator_getter
from ..i18n import Text
from ..village import Village
from .changes import ChangeKind, Trigger
from .events import Incident
from .lookups import Rules
from .periods import Period

# A change as kept in the history: kind, trigger, star, its name, before, after, level
# before and after. Shared objects only (enums, the rules' texts, the precomputed levels).
KeptChange = tuple[
    ChangeKind,
    Trigger,
    str | None,
    Text | None,
    Status | None,
    Status | None,
    LevelResult | None,
    LevelResult | None,
]
# A history entry: one flat tuple of shared strings and plain values where it can be (a
# long stream keeps many; the garbage collector need not follow them): the date; the
# event's type, village, field or incident, value or count, note and id; the period, the
# rules' label and fingerprint; the changes it caused; then the values it changed, as
# triples (path, before, after). history.py builds the models from it.
Entry = tuple[Any, ...]
ENTRY_CHANGES = 10  # the index of the changes: the values follow them


@dataclass(slots=True, eq=False)
class VillageState:
    key: str
    baseline: dt.date
    village: Village  # the monitor's own copy, updated in place: never handed out
    rules: Rules  # the ruleset the village is judged by, with its lookups
    resolved_until: dt.date | None  # the next date another ruleset version may apply
    next_check: dt.date  # before it, neither the period nor the ruleset can change
    date: dt.date
    period: Period
    period_label: str  # str(period), the clock's one string: history entries share it
    stars: list[Truth]  # replaced, never changed in place: assessments share it
    level: LevelResult
    incidents: deque[Incident]
    history: deque[Entry]
    horizon: dt.date | None  # history up to this date was dropped: no snapshot before it


class VillageStore:
    """The monitored villages by key (the code, else the name), in the order added."""

    __slots__ = ("_by_name", "states")

    def __init__(self) -> None:
        self.states: dict[str, VillageState] = {}
        self._by_name: dict[str, list[str]] = {}  # name → keys, for villages with a code

    def check_new(self, key: str) -> None:
        if key in self.states:
            raise InputError.of(None, "SR592", key=key)

    def add(self, state: VillageState) -> None:
        self.check_new(state.key)
        self.states[state.key] = state
        if state.village.code is not None:
            self._by_name.setdefault(state.village.name, []).append(state.key)

    def find(self, key: str, place: Place) -> VillageState:
        """The village with this key, or with this name when one village has it."""
        state = self.states.get(key)
        if state is not None:
            return state
        keys = self._by_name.get(key, [])
        if len(keys) == 1:
            return self.states[keys[0]]
        if keys:
            raise InputError.of(place, "SR595", count=len(keys), key=key, keys=", ".join(keys))
        hint = did_you_mean(key, [*self.states, *self._by_name])
        if hint:
            raise InputError.of(place, "SR593", key=key, suggestion=hint)
        raise InputError.of(place, "SR594", key=key)


def own_copy(village: Village, day: dt.date) -> Village:
    """A copy of the village, dated `day`, that shares nothing with the original: the monitor
    changes its values in place, and the caller's village must not change with them."""
    return village.model_copy(update={"as_of": day}, deep=True)


class Readers(dict[str, Callable[[Village], Any]]):
    """Each indicator path's accessor, made on first use and kept: the monitor reads the
    same few paths event after event (`readers[path](village)`)."""

    def __missing__(self, path: str) -> Callable[[Village], Any]:
        getter = self[path] = indicator_getter(path)
        return getter


def set_in_place(village: Village, path: str, value: Any) -> None:
    """Set one indicator of a village the monitor owns, without a copy. The value has been
    validated for that indicator already (monitor.values); models are frozen to everyone
    else, which is why this goes around pydantic's __setattr__."""
    section, _, name = path.partition(".")
    if section == "extra":
        village.extra[name] = value
        return
    part = getattr(village, section)
    object.__setattr__(part, name, value)
    part.__pydantic_fields_set__.add(name)


def with_value(village: Village, path: str, value: Any) -> Village:
    """A copy of the village with one indicator set (unchanged sections are shared): what a
    check of the data under new rules sees, before anything changes."""
    section, _, name = path.partition(".")
    if section == "extra":
        return village.model_copy(update={"extra": {**village.extra, name: value}})
    part = getattr(village, section)
    return village.model_copy(update={section: part.model_copy(update={name: value})})


__all__ = [
    "ENTRY_CHANGES",
    "Entry",
    "KeptChange",
    "Readers",
    "VillageState",
    "VillageStore",
    "own_copy",
    "set_in_place",
    "with_value",
]
