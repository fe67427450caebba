"""`Monitor`: dynamic management (动态管理) of many villages' stars as events arrive.

The monitor keeps each village's current data and star statuses. An event changes the data
(an update sets an indicator, an incident adds to a count), first moving the village's clock
to the event's date: a new assessment period resets the period counts, and a ruleset version
that came into force replaces the old one. The backend re-decides the stars; every
difference from before becomes a `Change`, carrying the cause and the explanation.

Memory per village is bounded: the current data, the statuses, this period's last incidents
and the last `history_limit` history entries. Nothing grows with the number of events.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType, TracebackType
from typing import Any, cast

from ..errors import EvaluationError, InputError, MonitorError, ResolutionError, did_you_mean
from ..explain.assessment import Assessment
from ..indicators import fits_float
from ..load.registry import Registry
from ..ruleset import Ruleset
from ..village import Village
from .backend import BACKENDS, Backend, BackendName, Capabilities, NativeBackend
from .changes import Change, HistoryEntry, Trigger
from .clock import Clock
from .differ import ChangeContext, ruleset_label
from .events import (
    DEFAULT_INCIDENT_TYPES,
    Incident,
    IncidentType,
    IndicatorUpdate,
    Review,
    parse_event,
)
from .periods import PERIOD_KINDS, Period, PeriodKind
from .state import (
    AnyEvent,
    Entry,
    VillageState,
    get_value,
    keep_change,
    keep_event,
    kept_fields,
    own_copy,
    restore_event,
    set_in_place,
    with_value,
)
from .values import EventValues, section_field

_EVENT_TYPES = frozenset((IndicatorUpdate, Incident, Review))


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs per event
class _Plan:
    """What an event will do to one village, once every check has passed."""

    period: Period
    ruleset: Ruleset
    until: date | None
    resets: list[tuple[str, Any]]  # period counts to set to 0, with their values
    path: str | None
    value: Any


class Monitor:
    """Tracks many villages' stars through a stream of events.

    >>> monitor = Monitor(villages)                       # doctest: +SKIP
    >>> for change in monitor.apply({"type": "incident", "village": "410523105201",
    ...                              "incident": "criminal_case", "date": "2023-03-04"}):
    ...     print(change.kind, change.star)               # star_revoked safety

    Events for one village must come in date order (same-day events in arrival order); an
    earlier one is rejected with an InputError. Methods are serialised by a lock, so one
    monitor may be fed from several threads.
    """

    def __init__(
        self,
        villages: Iterable[Village] = (),
        *,
        registry: Registry | None = None,
        backend: BackendName | Backend = "native",
        period: PeriodKind = "year",
        incident_types: Mapping[str, IncidentType] | None = None,
        history_limit: int = 32,
        incident_limit: int = 16,
        explain: bool = True,
        strict: bool = False,
        on: date | None = None,
    ) -> None:
        if period not in PERIOD_KINDS:
            raise MonitorError(f"unknown period '{period}'; use one of: {', '.join(PERIOD_KINDS)}")
        if history_limit < 0 or incident_limit < 0:
            raise MonitorError("history_limit and incident_limit must be 0 or more")
        self._registry = registry or Registry.default()
        self._backend = _backend(backend)
        self._owns_backend = isinstance(backend, str)  # a backend passed in is the caller's
        self._period_kind: PeriodKind = period
        self._incident_types = dict(incident_types or DEFAULT_INCIDENT_TYPES)
        counts = {t.indicator for t in self._incident_types.values()}
        for path in sorted(counts):
            if not path.startswith("extra.") and section_field(path) is None:
                raise MonitorError(f"incident types count into unknown indicator '{path}'")
        self._history_limit = history_limit
        self._incident_limit = incident_limit
        self._explain = explain
        self._strict = strict  # undeclared `extra` indicators: errors, not ignored
        self._on = on
        self._states: dict[str, VillageState] = {}
        self._by_name: dict[str, list[str]] = {}  # name → keys, for villages with a code
        self._clock = Clock(self._registry, period, counts)
        self._values = EventValues(self._incident_types, strict)
        self._lock = threading.RLock()
        self._closed = False
        for village in villages:
            self.add(village)

    # -- villages ---------------------------------------------------------------------
    def add(self, village: Village, on: date | None = None) -> Assessment:
        """Start tracking a village; its data describe `village.as_of` (else `on`, else the
        monitor's `on`). Returns its assessment on that date."""
        with self._lock:
            self._check_open()
            key = village.code or village.name
            if key in self._states:
                raise InputError(
                    f"village '{key}' is already monitored (villages are keyed by code, "
                    "else by name, so both must be unique)"
                )
            day = village.as_of or on or self._on
            if day is None:
                raise InputError(
                    f"village '{village.name}': no date: give it `as_of`, or give the "
                    "monitor (or `add`) the date its data describe"
                )
            ruleset, until = self._clock.resolve(village, day)
            ruleset.program.check(village, day, strict=self._strict)
            village = own_copy(village, day)
            stars = self._backend.decide(ruleset, village, None, None)
            state = VillageState(
                key=key,
                baseline=day,
                village=village,
                ruleset=ruleset,
                resolved_until=until,
                date=day,
                period=self._clock.period(day),
                stars=stars,
                level=ruleset.program.outcome(village, stars).level,
                incidents=deque(maxlen=self._incident_limit),
                history=deque(maxlen=self._history_limit),
                horizon=None,
            )
            self._states[key] = state
            if village.code is not None:
                self._by_name.setdefault(village.name, []).append(key)
            return self._assessment(state)

    @property
    def villages(self) -> list[str]:
        """The keys of the monitored villages (code, else name), in the order added."""
        return list(self._states)

    # -- events -----------------------------------------------------------------------
    def apply(self, event: AnyEvent | Mapping[str, Any], where: str | None = None) -> list[Change]:
        """Apply one event (a model or its JSON form); returns the changes it caused, in
        order: period start and ruleset changes first, then the event's own. `where`
        (e.g. 'events.jsonl:12') prefixes error messages."""
        place = where or "event"
        if type(event) in _EVENT_TYPES:  # the models themselves: the common case first
            event = cast(AnyEvent, event)
        elif isinstance(event, Mapping):
            event = parse_event(dict(event), place)
        elif not isinstance(event, IndicatorUpdate | Incident | Review):
            event = parse_event(event, place)  # refuses it, by its type
        with self._lock:
            self._check_open()
            if isinstance(event, Review) and event.village is None:
                states = list(self._states.values())
            else:
                assert event.village is not None
                states = [self._state(event.village, place)]
            for state in states:
                if event.date < state.date:
                    raise InputError(
                        f"{place}: event dated {event.date.isoformat()} for village "
                        f"'{state.key}' comes after its event of {state.date.isoformat()}; "
                        "events for a village must be in date order"
                        if state.date != state.baseline or state.history
                        else f"{place}: event dated {event.date.isoformat()} for village "
                        f"'{state.key}' is before the date its data describe "
                        f"({state.baseline.isoformat()})"
                    )
            plans = [self._prepare(state, event, place) for state in states]
            changes: list[Change] = []
            for state, plan in zip(states, plans, strict=True):
                changes.extend(self._commit(state, event, plan))
            return changes

    def apply_many(self, events: Iterable[AnyEvent | Mapping[str, Any]]) -> Iterator[Change]:
        """Apply events in order, yielding each change as it occurs."""
        for event in events:
            yield from self.apply(event)

    # -- queries ----------------------------------------------------------------------
    def snapshot(self, village: str, at: date | None = None) -> Assessment:
        """The village's assessment as it stood at the end of `at` (default: its latest
        event), rebuilt from the kept history."""
        with self._lock:
            state = self._state(village, "snapshot")
            if at is None or (
                at == state.date
                or (
                    at > state.date
                    and self._clock.period(at) == state.period
                    and (state.resolved_until is None or at < state.resolved_until)
                )
            ):
                return self._assessment(state, at)
            if at < state.baseline:
                raise InputError(
                    f"village '{village}' is monitored from {state.baseline.isoformat()}; "
                    f"no snapshot for {at.isoformat()}"
                )
            if state.horizon is not None and at < state.horizon:
                raise InputError(
                    f"village '{village}': history before {state.horizon.isoformat()} is no "
                    f"longer kept (history_limit={self._history_limit})"
                )
            values = own_copy(state.village, at)  # rebuilt in place, then handed out
            last = state.horizon or state.baseline  # the date of the oldest state we can rebuild
            for entry in reversed(state.history):
                if entry.date <= at:
                    last = entry.date
                    break
                for path, before, _ in reversed(entry.values):
                    set_in_place(values, path, before)
            ruleset, _ = self._clock.resolve(values, at)
            if self._clock.period(at) != self._clock.period(last):
                for path, _ in self._clock.resets(values, ruleset):
                    set_in_place(values, path, 0)
            ignored = ruleset.program.check(values, at)
            stars = self._backend.decide(ruleset, values, None, None)
            outcome = ruleset.program.outcome(values, stars)
            return Assessment(ruleset.tree, values, at, outcome, ignored)

    def history(self, village: str) -> list[HistoryEntry]:
        """The village's kept history, oldest first: each event, the values it changed
        (with period resets) and the changes it caused (without explanations and
        incidents: `snapshot` rebuilds the whole assessment of any kept date)."""
        with self._lock:
            state = self._state(village, "history")
            entries = []
            for e in state.history:
                event = restore_event(e.event, e.date)
                label, period = ruleset_label(e.ruleset), str(e.period)
                common: dict[str, Any] = {
                    "village": state.key,
                    "name": state.village.name,
                    "date": e.date,
                    "period": period,
                    "ruleset": label,
                    "fingerprint": e.ruleset.fingerprint,
                    "cause": event,
                    "incidents": [],
                    "explanation": None,
                }
                changes = [
                    Change.model_construct(**common, **kept_fields(kept)) for kept in e.changes
                ]
                entries.append(
                    HistoryEntry(
                        date=e.date,
                        event=event,
                        period=period,
                        values={path: (before, after) for path, before, after in e.values},
                        changes=changes,
                    )
                )
            return entries

    def incidents(self, village: str) -> list[Incident]:
        """This period's latest incidents for the village (at most `incident_limit`)."""
        with self._lock:
            return list(self._state(village, "incidents").incidents)

    def ruleset(self, village: str) -> Ruleset:
        """The ruleset the village is currently judged by."""
        with self._lock:
            return self._state(village, "ruleset").ruleset

    @property
    def incident_types(self) -> Mapping[str, IncidentType]:
        return MappingProxyType(self._incident_types)

    def capabilities(self) -> list[Capabilities]:
        """How the backend runs each ruleset in use: what it decides, what falls back."""
        with self._lock:
            used: dict[str, Ruleset] = {}
            for state in self._states.values():
                used.setdefault(state.ruleset.fingerprint, state.ruleset)
            return [self._backend.capabilities(rs) for rs in used.values()]

    @property
    def backend(self) -> BackendName:
        return self._backend.name

    # -- lifecycle --------------------------------------------------------------------
    def close(self) -> None:
        """Release the backend it created (the rete backend's engine). Idempotent."""
        with self._lock:
            if not self._closed:
                self._closed = True
                if self._owns_backend:
                    self._backend.close()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"<Monitor {len(self._states)} villages, backend {self._backend.name}, "
            f"period {self._period_kind}>"
        )

    # -- internals --------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise MonitorError("the monitor is closed")

    def _state(self, key: str, place: str) -> VillageState:
        state = self._states.get(key)
        if state is not None:
            return state
        keys = self._by_name.get(key, [])  # a village with a code may be named by its name
        if len(keys) == 1:
            return self._states[keys[0]]
        if keys:
            raise InputError(
                f"{place}: village: {len(keys)} monitored villages are named '{key}' "
                f"({', '.join(keys)}); use the code"
            )
        hint = did_you_mean(key, [*self._states, *self._by_name])
        raise InputError(
            f"{place}: village: no monitored village '{key}'" + (f" ({hint})" if hint else "")
        )

    def _prepare(self, state: VillageState, event: AnyEvent, place: str) -> _Plan:
        """Everything that can fail, decided before anything changes: an event applies
        wholly or not at all (to every village, for a review of all)."""
        day = event.date
        period = self._clock.period(day, state.period)
        ruleset, until = state.ruleset, state.resolved_until
        try:
            if until is not None and day >= until:
                ruleset, until = self._clock.resolve(state.village, day)
            resets = self._clock.resets(state.village, ruleset) if period != state.period else []
            if ruleset is not state.ruleset:
                village = state.village
                for count, _ in resets:
                    village = with_value(village, count, 0)
                ruleset.program.check(village, day, strict=self._strict)
        except (EvaluationError, ResolutionError) as exc:
            raise type(exc)(f"{place}: village '{state.key}': {exc}") from None
        path, value = self._values.of(ruleset, event, place)
        if isinstance(event, Incident) and path is not None:
            # The count it adds to (0 at a period's start) must stay a finite float.
            old = 0 if any(p == path for p, _ in resets) else get_value(state.village, path) or 0
            if not fits_float(old + event.count):
                raise InputError(
                    f"{place}: count: {event.count} more would take {path} beyond the range "
                    "of a float"
                )
        return _Plan(period, ruleset, until, resets, path, value)

    def _commit(self, state: VillageState, event: AnyEvent, plan: _Plan) -> list[Change]:
        changes: list[Change] = []
        values: list[tuple[str, Any, Any]] = []
        day = event.date
        village = state.village  # the monitor's own copy: changed in place from here on
        if plan.period != state.period or plan.ruleset is not state.ruleset:
            for count, old in plan.resets:
                set_in_place(village, count, 0)
                values.append((count, old, 0))
            if plan.period != state.period:
                state.incidents.clear()
                state.period = plan.period
            state.resolved_until = plan.until
            # New rules explain more than a new period: they win when both happen.
            if plan.ruleset is not state.ruleset:
                changes += self._decide(
                    state, plan.ruleset, day, None, event, Trigger.RULESET_CHANGE
                )
            else:
                changed = [count for count, _ in plan.resets]
                changes += self._decide(
                    state, plan.ruleset, day, changed, event, Trigger.PERIOD_START
                )
        state.date = day
        path, value = plan.path, plan.value
        if path is not None:
            old = get_value(village, path)
            if isinstance(event, Incident):
                value = (old or 0) + event.count
                state.incidents.append(event)
            if old != value or type(old) is not type(value):
                set_in_place(village, path, value)
                values.append((path, old, value))
                changes += self._decide(state, state.ruleset, day, [path], event, Trigger.EVENT)
        if self._history_limit:
            if len(state.history) == self._history_limit:
                state.horizon = state.history[0].date
            state.history.append(
                Entry(
                    day,
                    keep_event(event),
                    state.period,
                    state.ruleset,
                    tuple(values),
                    tuple(map(keep_change, changes)),
                )
            )
        else:
            state.horizon = day  # nothing kept: no snapshot of an earlier day
        return changes

    def _decide(
        self,
        state: VillageState,
        ruleset: Ruleset,
        day: date,
        changed: list[str] | None,
        cause: AnyEvent,
        trigger: Trigger,
    ) -> list[Change]:
        """Decide the village's stars again (only those reading `changed` under the same
        rules) and report what differs from before."""
        village = state.village
        same_rules = ruleset is state.ruleset
        before: dict[str, Any] | list[Any]
        if same_rules:
            before = state.stars
            stars = self._backend.decide(ruleset, village, before, changed)
        else:
            before = {s.id: state.stars[s.index] for s in state.ruleset.stars}
            stars = self._backend.decide(ruleset, village, None, None)
        before_level = state.level
        level = ruleset.program.level(village, stars)
        state.ruleset, state.stars, state.level = ruleset, stars, level
        if stars == before and (level.min, level.max) == (before_level.min, before_level.max):
            return []  # the common case: nothing changed, nothing to build
        outcome = ruleset.program.outcome(village, stars)
        context = ChangeContext(
            state.key,
            village,
            day,
            str(state.period),
            ruleset,
            cause,
            trigger,
            state.incidents,
            self._incident_types,
        )
        return context.changes(before, before_level, stars, outcome, self._explain)

    def _assessment(self, state: VillageState, at: date | None = None) -> Assessment:
        """The village's current assessment, on a copy of its data (the monitor's own copy
        changes with the next event)."""
        day = at or state.date
        village = own_copy(state.village, day)
        ruleset = state.ruleset
        ignored = ruleset.program.check(village, day, check_dates=False)
        outcome = ruleset.program.outcome(village, state.stars)
        return Assessment(ruleset.tree, village, day, outcome, ignored)


def _backend(choice: BackendName | Backend) -> Backend:
    if not isinstance(choice, str):
        return choice
    if choice == "native":
        return NativeBackend()
    if choice == "rete":
        from .rete import ReteBackend  # imported only when asked for: durable-rules is optional

        return ReteBackend()
    hint = did_you_mean(str(choice), BACKENDS)
    raise MonitorError(
        f"unknown backend '{choice}'" + (f" ({hint})" if hint else "") + "; use native or rete"
    )


__all__ = ["Monitor", "MonitorError"]
