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

import datetime as dt
import sys
import threading
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from types import MappingProxyType, TracebackType
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from ..assessment import Assessment
from ..errors import EvaluationError, InputError, MonitorError, ResolutionError, did_you_mean
from ..evaluation import Truth, fits_kind
from ..i18n import Text
from ..indicators import fits_float
from ..registry import Registry
from ..results import LevelResult, StarResult, Status
from ..ruleset import Ruleset, program_of
from ..village import SECTIONS, Village
from .backend import BACKENDS, Backend, BackendName, Capabilities, NativeBackend
from .changes import Change, ChangeKind, HistoryEntry, Trigger
from .events import (
    DEFAULT_INCIDENT_TYPES,
    Incident,
    IncidentType,
    IndicatorUpdate,
    Review,
    incident_type,
    parse_event,
)
from .periods import PERIOD_KINDS, Period, PeriodKind

AnyEvent = IndicatorUpdate | Incident | Review
_STATUS = {True: Status.GRANTED, False: Status.DENIED, None: Status.UNDETERMINED}


# A change as kept in the history: kind, trigger, star, its name, before, after, level
# before and after. Shared objects only (enums, the rules' texts, the precomputed levels).
_KeptChange = tuple[
    ChangeKind,
    Trigger,
    str | None,
    Text | None,
    Status | None,
    Status | None,
    LevelResult | None,
    LevelResult | None,
]


_KEPT_FIELDS = (
    "kind",
    "trigger",
    "star",
    "star_name",
    "before",
    "after",
    "level_before",
    "level_after",
)


@dataclass(slots=True)
class _Entry:
    """A history entry, kept compact (about 300 bytes with the event): `Monitor.history`
    builds the models from it."""

    date: dt.date
    event: tuple[str, str | None, Any, int, str | None, str | None]  # see _keep_event
    period: Period
    ruleset: Ruleset
    values: tuple[tuple[str, Any, Any], ...]  # (path, before, after)
    changes: tuple[_KeptChange, ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    """What an event will do to one village, once every check has passed."""

    period: Period
    ruleset: Ruleset
    until: dt.date | None
    resets: list[tuple[str, Any]]  # period counts to set to 0, with their values
    path: str | None
    value: Any


@dataclass(slots=True)
class _State:
    key: str
    baseline: date
    village: Village
    ruleset: Ruleset
    resolved_until: dt.date | None  # the next date another ruleset version may apply
    date: dt.date
    period: Period
    stars: list[Truth]
    level: LevelResult
    incidents: deque[Incident]
    history: deque[_Entry]
    horizon: dt.date | None  # history up to this date was dropped: no snapshot before it


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
        self._period_counts = tuple(sorted({t.indicator for t in self._incident_types.values()}))
        for path in self._period_counts:
            if not path.startswith("extra.") and _section_field(path) is None:
                raise MonitorError(f"incident types count into unknown indicator '{path}'")
        self._history_limit = history_limit
        self._incident_limit = incident_limit
        self._explain = explain
        self._on = on
        self._states: dict[str, _State] = {}
        self._by_name: dict[str, list[str]] = {}  # name → keys, for villages with a code
        self._adapters: dict[str, TypeAdapter[Any]] = {}
        self._resolved: dict[tuple[str, str, int], Ruleset] = {}
        self._boundaries = sorted(
            {rs.effective_from for rs in self._registry.rulesets}
            | {
                date.fromordinal(rs.effective_until.toordinal() + 1)
                for rs in self._registry.rulesets
                if rs.effective_until is not None
            }
        )
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
            ruleset, until = self._resolve(village, day)
            program_of(ruleset).check(village, day)
            village = village.model_copy(update={"as_of": day})
            stars = self._backend.decide(ruleset, village, None, None)
            state = _State(
                key=key,
                baseline=day,
                village=village,
                ruleset=ruleset,
                resolved_until=until,
                date=day,
                period=Period.containing(day, self._period_kind),
                stars=stars,
                level=program_of(ruleset).outcome(village, stars).level,
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
        if isinstance(event, Mapping):
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
                    and Period.containing(at, self._period_kind) == state.period
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
            values = state.village
            last = state.horizon or state.baseline  # the date of the oldest state we can rebuild
            for entry in reversed(state.history):
                if entry.date <= at:
                    last = entry.date
                    break
                for path, before, _ in reversed(entry.values):
                    values = _with_value(values, path, before)
            period = Period.containing(at, self._period_kind)
            ruleset, _ = self._resolve(values, at)
            if period != Period.containing(last, self._period_kind):
                for path, _ in self._resets(values, ruleset):
                    values = _with_value(values, path, 0)
            values = values.model_copy(update={"as_of": at})
            program_of(ruleset).check(values, at)
            stars = self._backend.decide(ruleset, values, None, None)
            return Assessment(ruleset.tree, values, at, program_of(ruleset).outcome(values, stars))

    def history(self, village: str) -> list[HistoryEntry]:
        """The village's kept history, oldest first: each event, the values it changed
        (with period resets) and the changes it caused (without explanations and
        incidents: `snapshot` rebuilds the whole assessment of any kept date)."""
        with self._lock:
            state = self._state(village, "history")
            entries = []
            for e in state.history:
                event = _restore_event(e.event, e.date)
                label, period = _ruleset_label(e.ruleset), str(e.period)
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
                    Change.model_construct(**common, **_kept_fields(kept)) for kept in e.changes
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

    def _state(self, key: str, place: str) -> _State:
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

    def _resolve(self, village: Village, day: date) -> tuple[Ruleset, date | None]:
        slot = bisect_right(self._boundaries, day)
        key = (village.jurisdiction, village.kind, slot)
        ruleset = self._resolved.get(key)
        if ruleset is None:
            ruleset = self._registry.resolve(village.jurisdiction, village.kind, day)
            self._resolved[key] = ruleset
        until = self._boundaries[slot] if slot < len(self._boundaries) else None
        return ruleset, until

    def _prepare(self, state: _State, event: AnyEvent, place: str) -> _Plan:
        """Everything that can fail, decided before anything changes: an event applies
        wholly or not at all (to every village, for a review of all)."""
        day = event.date
        period = Period.containing(day, self._period_kind)
        if period == state.period:
            period = state.period  # one Period object per village and period, not per event
        ruleset, until = state.ruleset, state.resolved_until
        try:
            if until is not None and day >= until:
                ruleset, until = self._resolve(state.village, day)
            resets = self._resets(state.village, ruleset) if period != state.period else []
            if ruleset is not state.ruleset:
                village = state.village
                for count, _ in resets:
                    village = _with_value(village, count, 0)
                program_of(ruleset).check(village, day)
        except (EvaluationError, ResolutionError) as exc:
            raise type(exc)(f"{place}: village '{state.key}': {exc}") from None
        path, value = self._event_value(state, ruleset, event, place)
        if isinstance(event, Incident) and path is not None:
            # The count it adds to (0 at a period's start) must stay a finite float.
            old = 0 if any(p == path for p, _ in resets) else _get(state.village, path) or 0
            if not fits_float(old + event.count):
                raise InputError(
                    f"{place}: count: {event.count} more would take {path} beyond the range "
                    "of a float"
                )
        return _Plan(period, ruleset, until, resets, path, value)

    def _commit(self, state: _State, event: AnyEvent, plan: _Plan) -> list[Change]:
        changes: list[Change] = []
        values: list[tuple[str, Any, Any]] = []
        day = event.date
        if plan.period != state.period or plan.ruleset is not state.ruleset:
            village = state.village
            for count, old in plan.resets:
                village = _with_value(village, count, 0)
                values.append((count, old, 0))
            if plan.period != state.period:
                state.incidents.clear()
                state.period = plan.period
            state.resolved_until = plan.until
            # New rules explain more than a new period: they win when both happen.
            if plan.ruleset is not state.ruleset:
                changes += self._decide(
                    state, village, plan.ruleset, day, None, event, Trigger.RULESET_CHANGE
                )
            else:
                changed = [count for count, _ in plan.resets]
                changes += self._decide(
                    state, village, plan.ruleset, day, changed, event, Trigger.PERIOD_START
                )
        state.date = day
        path, value = plan.path, plan.value
        if path is not None:
            village = state.village
            old = _get(village, path)
            if isinstance(event, Incident):
                value = (old or 0) + event.count
                state.incidents.append(event)
            if old != value or type(old) is not type(value):
                village = _with_value(village, path, value)
                values.append((path, old, value))
                changes += self._decide(
                    state, village, state.ruleset, day, [path], event, Trigger.EVENT
                )
        if self._history_limit:
            if len(state.history) == self._history_limit:
                state.horizon = state.history[0].date
            kept = tuple(
                (
                    c.kind,
                    c.trigger,
                    c.star,
                    c.star_name,
                    c.before,
                    c.after,
                    c.level_before,
                    c.level_after,
                )
                for c in changes
            )
            state.history.append(
                _Entry(day, _keep_event(event), state.period, state.ruleset, tuple(values), kept)
            )
        else:
            state.horizon = day  # nothing kept: no snapshot of an earlier day
        return changes

    def _resets(self, village: Village, ruleset: Ruleset) -> list[tuple[str, Any]]:
        """The period counts to set to 0 at a period's start, with their values: every
        count incidents go into that is standard or declared by the ruleset (an unknown
        count too: in a new period, the monitor counts the incidents it is told of)."""
        return [
            (path, old)
            for path in self._period_counts
            if (not path.startswith("extra.") or path in ruleset.tree.indicators)
            and (old := _get(village, path)) != 0
        ]

    def _event_value(
        self, state: _State, ruleset: Ruleset, event: AnyEvent, place: str
    ) -> tuple[str | None, Any]:
        """The indicator the event sets and its validated value (incidents: counted later)."""
        if isinstance(event, Review):
            return None, None
        if isinstance(event, Incident):
            try:
                kind = incident_type(event.incident, self._incident_types)
            except InputError as exc:
                raise InputError(f"{place}: incident: {exc}") from None
            self._check_path(ruleset, kind.indicator, place, "incident")
            return kind.indicator, None
        path = event.field
        self._check_path(ruleset, path, place, "field")
        if path.startswith("extra."):
            spec = ruleset.tree.indicators[path]
            if event.value is not None and not fits_kind(spec.kind, event.value):
                raise InputError(
                    f"{place}: value: {event.value!r} is not a valid {spec.kind.value} for {path}"
                )
            return path, event.value
        adapter = self._adapters[path]  # with the field's checks: 3.0 is a count, …
        try:
            return path, adapter.validate_python(event.value, strict=True)
        except ValidationError as exc:
            message = exc.errors(include_url=False)[0]["msg"]
            if isinstance(event.value, int) and not isinstance(event.value, bool):
                try:  # a whole number where a real one is expected (rates, money) is fine
                    return path, adapter.validate_python(float(event.value), strict=True)
                except ValidationError:
                    pass
            raise InputError(f"{place}: value: {event.value!r} for {path}: {message}") from None

    def _check_path(self, ruleset: Ruleset, path: str, place: str, field: str) -> None:
        if path.startswith("extra."):
            if path not in ruleset.tree.indicators:
                declared = [p for p in ruleset.tree.indicators if p.startswith("extra.")]
                hint = did_you_mean(path, declared)
                raise InputError(
                    f"{place}: {field}: '{path}' is not declared by ruleset "
                    f"{ruleset.id}@{ruleset.version}" + (f" ({hint})" if hint else "")
                )
            return
        if path in self._adapters:
            return
        annotation = _section_field(path)
        if annotation is not None:
            self._adapters[path] = TypeAdapter(annotation)
        else:
            known = [f"{name}.{f}" for name, model in SECTIONS for f in model.model_fields]
            hint = did_you_mean(path, known)
            raise InputError(
                f"{place}: {field}: unknown indicator '{path}'" + (f" ({hint})" if hint else "")
            )

    def _decide(
        self,
        state: _State,
        village: Village,
        ruleset: Ruleset,
        day: date,
        changed: list[str] | None,
        cause: AnyEvent,
        trigger: Trigger,
    ) -> list[Change]:
        before_stars = {s.id: state.stars[s.index] for s in state.ruleset.stars}
        before_level = state.level
        same_rules = ruleset is state.ruleset
        stars = self._backend.decide(
            ruleset, village, state.stars if same_rules else None, changed if same_rules else None
        )
        program = program_of(ruleset)
        outcome = program.outcome(village, stars)
        state.village, state.ruleset, state.stars, state.level = (
            village,
            ruleset,
            stars,
            outcome.level,
        )
        changes: list[Change] = []
        change = partial(self._change, state, day, ruleset, cause, trigger)
        assessment: Assessment | None = None
        for star in ruleset.stars:
            now = stars[star.index]
            known = star.id in before_stars
            was = before_stars.get(star.id)
            if known and was == now:
                continue
            explanation: StarResult | None = None
            incidents: list[Incident] = []
            if self._explain:
                if assessment is None:
                    assessment = Assessment(ruleset.tree, village, day, outcome)
                explanation = assessment.star(star.id)
                incidents = _incidents_behind(explanation, state.incidents, self._incident_types)
            changes.append(
                change(
                    kind=_star_change(_STATUS[was] if known else None, _STATUS[now]),
                    star=star.id,
                    star_name=star.name,
                    before=_STATUS[was] if known else None,
                    after=_STATUS[now],
                    incidents=incidents,
                    explanation=explanation,
                )
            )
        level = outcome.level
        if (level.min, level.max) != (before_level.min, before_level.max):
            changes.append(
                change(
                    kind=_level_change(before_level, level),
                    level_before=before_level,
                    level_after=level,
                )
            )
        return changes

    def _change(
        self,
        state: _State,
        day: date,
        ruleset: Ruleset,
        cause: AnyEvent,
        trigger: Trigger,
        **fields: Any,
    ) -> Change:
        return Change(
            village=state.key,
            name=state.village.name,
            date=day,
            trigger=trigger,
            period=str(state.period),
            ruleset=_ruleset_label(ruleset),
            fingerprint=ruleset.fingerprint,
            cause=cause,
            **fields,
        )

    def _assessment(self, state: _State, at: date | None = None) -> Assessment:
        program = program_of(state.ruleset)
        day = at or state.date
        village = state.village
        if village.as_of != day:
            village = village.model_copy(update={"as_of": day})
        return Assessment(state.ruleset.tree, village, day, program.outcome(village, state.stars))


def _kept_fields(kept: _KeptChange) -> dict[str, Any]:
    return dict(zip(_KEPT_FIELDS, kept, strict=True))


def _ruleset_label(ruleset: Ruleset) -> str:
    """'henan-rural@2022.1 (cn-henan) → …': every layer, province first."""
    return " → ".join(layer.ref for layer in ruleset.layers)


def _keep_event(event: AnyEvent) -> tuple[str, str | None, Any, int, str | None, str | None]:
    """An event as a small tuple (type, village, field / incident, value, count, note, id
    folded into six slots); names are interned, so that many entries share them."""
    if isinstance(event, IndicatorUpdate):
        return (
            "update",
            sys.intern(event.village),
            (sys.intern(event.field), event.value),
            1,
            None,
            event.id,
        )
    if isinstance(event, Incident):
        return (
            "incident",
            sys.intern(event.village),
            sys.intern(event.incident),
            event.count,
            event.note,
            event.id,
        )
    village = sys.intern(event.village) if event.village is not None else None
    return ("review", village, None, 1, event.note, event.id)


def _restore_event(
    kept: tuple[str, str | None, Any, int, str | None, str | None], day: date
) -> AnyEvent:
    kind, village, detail, count, note, ident = kept
    if kind == "update":
        assert village is not None
        field, value = detail
        return IndicatorUpdate.model_construct(
            type="update", village=village, field=field, value=value, date=day, id=ident
        )
    if kind == "incident":
        assert village is not None
        return Incident.model_construct(
            type="incident",
            village=village,
            incident=detail,
            count=count,
            note=note,
            date=day,
            id=ident,
        )
    return Review.model_construct(type="review", village=village, note=note, date=day, id=ident)


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


def _section_field(path: str) -> Any | None:
    """The type annotation of a standard indicator, or None when there is no such one."""
    section, _, name = path.partition(".")
    for section_name, model in SECTIONS:
        if section_name == section:
            field = model.model_fields.get(name)
            if field is None:
                return None
            # The bounds (a rate within 0..1, a count >= 0) live in the field's metadata.
            return (
                Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
            )
    return None


def _get(village: Village, path: str) -> Any:
    section, _, name = path.partition(".")
    if section == "extra":
        return village.extra.get(name)
    return getattr(getattr(village, section), name)


def _with_value(village: Village, path: str, value: Any) -> Village:
    """A copy of the village with one indicator set (unchanged sections are shared)."""
    section, _, name = path.partition(".")
    if section == "extra":
        return village.model_copy(update={"extra": {**village.extra, name: value}})
    part = getattr(village, section)
    return village.model_copy(update={section: part.model_copy(update={name: value})})


def _star_change(before: Status | None, after: Status) -> ChangeKind:
    if after is Status.GRANTED:
        return ChangeKind.STAR_GRANTED
    if after is Status.UNDETERMINED:
        return ChangeKind.STAR_UNDETERMINED
    return ChangeKind.STAR_REVOKED if before is Status.GRANTED else ChangeKind.STAR_DENIED


def _level_change(before: LevelResult, after: LevelResult) -> ChangeKind:
    if after.min >= before.min and after.max >= before.max:
        return ChangeKind.LEVEL_UP
    if after.min <= before.min and after.max <= before.max:
        return ChangeKind.LEVEL_DOWN
    return ChangeKind.LEVEL_CHANGED


def _incidents_behind(
    star: StarResult, incidents: Iterable[Incident], types: Mapping[str, IncidentType]
) -> list[Incident]:
    """This period's incidents counted into an indicator that a failing or unknown rule of
    the star reads: the incidents that explain why the star is not granted."""
    paths: set[str] = set()
    for result in star.criteria:
        if result.kind != "group" and result.status != "pass":
            paths.update(result.observed)
            paths.update(result.missing)
    return [i for i in incidents if types[_type_id(i, types)].indicator in paths]


def _type_id(incident: Incident, types: Mapping[str, IncidentType]) -> str:
    return incident_type(incident.incident, types).id


__all__ = ["Monitor", "MonitorError"]
