"""One event applied to monitored villages: every check first (an event applies wholly or
not at all), then the clock moved (a new period, a new ruleset version), the value set in
the village's own copy, the stars that read it decided again, and the changes reported."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import EvaluationError, InputError, Place, ResolutionError, place_and
from ..explain.levels import level_result
from ..indicators import fits_float
from ..village import Village
from .backend import Backend
from .changes import Change, Trigger
from .clock import Clock
from .differ import ChangeContext
from .events import AnyEvent, Incident, IncidentType
from .history import record
from .lookups import Rules, RulesCache
from .periods import Period
from .state import Readers, VillageState, own_copy, set_in_place, with_value
from .values import EventValues


@dataclass(slots=True)
class Switch:
    """What the event's date does to a village's clock, once every check has passed."""

    period: Period  # the clock's one object for it: `is` tells a new period
    rules: Rules
    until: date | None
    resets: list[tuple[str, Any]]  # period counts to set to 0, with their values


class Applier:
    """Applies events to village states; holds what every village shares (the clock, the
    value checks, the backend, the lookups per ruleset)."""

    def __init__(
        self,
        clock: Clock,
        backend: Backend,
        incident_types: Mapping[str, IncidentType],
        *,
        history_limit: int,
        incident_limit: int,
        explain: bool,
        strict: bool,
    ) -> None:
        self.clock = clock
        self.backend = backend
        self.rules = RulesCache()
        self._values = EventValues(incident_types, strict)
        self._incident_types = incident_types
        self._history_limit = history_limit
        self._incident_limit = incident_limit
        self._explain = explain
        self._strict = strict  # undeclared `extra` indicators: errors, not ignored
        self._read = Readers()

    def start(self, key: str, village: Village, day: date) -> VillageState:
        """A new village's state: its own copy of the data, its stars decided."""
        ruleset, until = self.clock.resolve(village, day)
        rules = self.rules(ruleset)
        rules.program.check(village, day, strict=self._strict)
        village = own_copy(village, day)
        stars = self.backend.decide(ruleset, village, None, None)
        period = self.clock.period(day)
        return VillageState(
            key=key,
            baseline=day,
            village=village,
            rules=rules,
            resolved_until=until,
            next_check=self.clock.next_check(period, until),
            date=day,
            period=period,
            period_label=self.clock.label(period),
            stars=stars,
            level=level_result(rules.program, rules.program.level(village, stars)),
            incidents=deque(maxlen=self._incident_limit),
            history=deque(maxlen=self._history_limit),
            horizon=None,
        )

    def apply(self, state: VillageState, event: AnyEvent, place: Place) -> list[Change]:
        """The changes the event causes to one village, in order: period start and ruleset
        changes first, then the event's own."""
        if event.date < state.date:
            raise _out_of_order(state, event.date, place)
        return self._commit(state, event, *self._prepare(state, event, place))

    def apply_all(self, states: list[VillageState], event: AnyEvent, place: Place) -> list[Change]:
        """`apply` to several villages (a review of all), checked for all of them first."""
        for state in states:
            if event.date < state.date:
                raise _out_of_order(state, event.date, place)
        plans = [self._prepare(state, event, place) for state in states]
        changes: list[Change] = []
        for state, plan in zip(states, plans, strict=True):
            changes += self._commit(state, event, *plan)
        return changes

    def _prepare(
        self, state: VillageState, event: AnyEvent, place: Place
    ) -> tuple[Switch | None, str | None, Any]:
        """Everything that can fail, decided before anything changes."""
        switch = self._switch(state, event.date, place) if event.date >= state.next_check else None
        path, value = self._values.of(state.rules if switch is None else switch.rules, event, place)
        if path is not None and isinstance(event, Incident):
            # The count it adds to (0 at a period's start) must stay a finite float.
            reset = switch is not None and any(p == path for p, _ in switch.resets)
            old = 0 if reset else self._read[path](state.village) or 0
            if not fits_float(old + event.count):
                raise InputError.of(place, "SR817", count=event.count, path=path)
        return switch, path, value

    def _switch(self, state: VillageState, day: date, place: Place) -> Switch:
        period = self.clock.period(day)  # one object per period: `is` compares them
        rules, until = state.rules, state.resolved_until
        try:
            if until is not None and day >= until:
                ruleset, until = self.clock.resolve(state.village, day)
                rules = self.rules(ruleset)
            resets = (
                [] if period is state.period else self.clock.resets(state.village, rules.ruleset)
            )
            if rules is not state.rules:
                village = state.village
                for count, _ in resets:
                    village = with_value(village, count, 0)
                rules.program.check(village, day, strict=self._strict)
        except (EvaluationError, ResolutionError) as exc:
            key = state.key
            raise exc.at(place_and(place, f"village '{key}'", f"村庄 '{key}'")) from None
        return Switch(period, rules, until, resets)

    def _commit(
        self,
        state: VillageState,
        event: AnyEvent,
        switch: Switch | None,
        path: str | None,
        value: Any,
    ) -> list[Change]:
        changes: list[Change] = []
        values: tuple[Any, ...] = ()  # (path, before, after) flat, as history keeps them
        if switch is not None:
            changes, values = self._move_clock(state, event, switch)
        state.date = event.date
        if path is not None:
            village = state.village  # the monitor's own copy: changed in place
            old = self._read[path](village)
            if isinstance(event, Incident):
                value = (old or 0) + event.count
                state.incidents.append(event)
            if old != value or type(old) is not type(value):
                set_in_place(village, path, value)
                values += (path, old, value)
                rules = state.rules
                if path in rules.read or rules.level_reads_data:  # else nothing can change
                    changes += self._decide(state, rules, [path], event, Trigger.EVENT)
        record(state, event, values, changes)
        return changes

    def _move_clock(
        self, state: VillageState, event: AnyEvent, switch: Switch
    ) -> tuple[list[Change], tuple[Any, ...]]:
        """A new period (its counts set to 0) or new rules: the changes they cause."""
        state.resolved_until = switch.until
        state.next_check = self.clock.next_check(switch.period, switch.until)
        values: tuple[Any, ...] = ()
        for count, old in switch.resets:
            set_in_place(state.village, count, 0)
            values += (count, old, 0)
        if switch.period is not state.period:
            state.incidents.clear()
            state.period, state.period_label = switch.period, self.clock.label(switch.period)
        # New rules explain more than a new period: they win when both happen.
        if switch.rules is not state.rules:
            return self._decide(state, switch.rules, None, event, Trigger.RULESET_CHANGE), values
        if switch.resets:
            changed = [count for count, _ in switch.resets]
            return self._decide(state, state.rules, changed, event, Trigger.PERIOD_START), values
        return [], values

    def _decide(
        self,
        state: VillageState,
        rules: Rules,
        changed: list[str] | None,
        cause: AnyEvent,
        trigger: Trigger,
    ) -> list[Change]:
        """Decide the village's stars again (only those reading `changed` under the same
        rules) and report what differs from before."""
        village = state.village
        before: dict[str, Any] | list[Any]
        if rules is state.rules:
            before = state.stars
            stars = self.backend.decide(rules.ruleset, village, before, changed)
            if stars == before and not rules.level_reads_data:
                return []  # the common case: the level counts the same stars
        else:
            before = {s.id: state.stars[s.index] for s in state.rules.ruleset.stars}
            stars = self.backend.decide(rules.ruleset, village, None, None)
        before_level = state.level
        level = level_result(rules.program, rules.program.level(village, stars))
        state.rules, state.stars, state.level = rules, stars, level
        if stars == before and (level.min, level.max) == (before_level.min, before_level.max):
            return []
        outcome = rules.program.outcome(village, stars)
        context = ChangeContext(
            state.key,
            village,
            cause.date,
            state.period_label,
            rules,
            cause,
            trigger,
            state.incidents,
            self._incident_types,
        )
        return context.changes(before, before_level, stars, outcome, self._explain)


def _out_of_order(state: VillageState, day: date, place: Place) -> InputError:
    if state.date != state.baseline or state.history:
        return InputError.of(
            place,
            "SR590",
            date=day.isoformat(),
            village=state.key,
            earlier=state.date.isoformat(),
        )
    return InputError.of(
        place,
        "SR818",
        date=day.isoformat(),
        village=state.key,
        baseline=state.baseline.isoformat(),
    )


__all__ = ["Applier", "Switch"]
