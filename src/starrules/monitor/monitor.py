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
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from types import MappingProxyType, TracebackType
from typing import Any, cast

from .. import messages
from ..errors import InputError, MonitorError, Place, did_you_mean
from ..explain.assessment import Assessment
from ..load.registry import Registry
from ..messages import Both
from ..ruleset import Ruleset
from ..village import Village
from .applier import Applier
from .backend import BACKENDS, Backend, BackendName, Capabilities, NativeBackend
from .changes import Change, HistoryEntry
from .clock import Clock
from .events import (
    DEFAULT_INCIDENT_TYPES,
    AnyEvent,
    Incident,
    IncidentType,
    IndicatorUpdate,
    Review,
    parse_event,
)
from .history import history_entries, rewind
from .periods import PERIOD_KINDS, PeriodKind
from .state import VillageState, VillageStore, own_copy, set_in_place
from .values import section_field

_EVENT_TYPES = frozenset((IndicatorUpdate, Incident, Review))


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
            raise MonitorError.of(None, "SR801", period=period, periods=", ".join(PERIOD_KINDS))
        if history_limit < 0 or incident_limit < 0:
            raise MonitorError.of(None, "SR802")
        self._owns_backend = isinstance(backend, str)  # a backend passed in is the caller's
        self._period_kind: PeriodKind = period
        self._incident_types = dict(incident_types or DEFAULT_INCIDENT_TYPES)
        counts = {t.indicator for t in self._incident_types.values()}
        for path in sorted(counts):
            if not path.startswith("extra.") and section_field(path) is None:
                raise MonitorError.of(None, "SR803", path=path)
        self._history_limit = history_limit
        self._on = on
        self._store = VillageStore()
        self._applier = Applier(
            Clock(registry or Registry.default(), period, counts),
            _backend(backend),
            self._incident_types,
            history_limit=history_limit,
            incident_limit=incident_limit,
            explain=explain,
            strict=strict,
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
            self._store.check_new(key)
            day = village.as_of or on or self._on
            if day is None:
                raise InputError.of(None, "SR591", name=village.name)
            state = self._applier.start(key, village, day)
            self._store.add(state)
            return self._assessment(state)

    @property
    def villages(self) -> list[str]:
        """The keys of the monitored villages (code, else name), in the order added."""
        return list(self._store.states)

    # -- events -----------------------------------------------------------------------
    def apply(self, event: AnyEvent | Mapping[str, Any], where: str | None = None) -> list[Change]:
        """Apply one event (a model or its JSON form); returns the changes it caused, in
        order: period start and ruleset changes first, then the event's own. `where`
        (e.g. 'events.jsonl:12') prefixes error messages."""
        place: Place = where or Both("event", "事件")
        if type(event) in _EVENT_TYPES:  # the models themselves: the common case first
            event = cast(AnyEvent, event)
        elif isinstance(event, Mapping):
            event = parse_event(dict(event), place)
        elif not isinstance(event, IndicatorUpdate | Incident | Review):
            event = parse_event(event, place)  # refuses it, by its type
        with self._lock:
            if self._closed:
                raise MonitorError.of(None, "SR800")
            if event.village is None:  # a review of every village
                return self._applier.apply_all(list(self._store.states.values()), event, place)
            return self._applier.apply(self._store.find(event.village, place), event, place)

    def apply_many(self, events: Iterable[AnyEvent | Mapping[str, Any]]) -> Iterator[Change]:
        """Apply events in order, yielding each change as it occurs."""
        for event in events:
            yield from self.apply(event)

    # -- queries ----------------------------------------------------------------------
    def snapshot(self, village: str, at: date | None = None) -> Assessment:
        """The village's assessment as it stood at the end of `at` (default: its latest
        event), rebuilt from the kept history."""
        with self._lock:
            state = self._store.find(village, "snapshot")
            if at is None or at == state.date or (at > state.date and at < state.next_check):
                return self._assessment(state, at)
            if at < state.baseline:
                raise InputError.of(
                    None,
                    "SR804",
                    village=village,
                    start=state.baseline.isoformat(),
                    date=at.isoformat(),
                )
            if state.horizon is not None and at < state.horizon:
                raise InputError.of(
                    None,
                    "SR805",
                    village=village,
                    date=state.horizon.isoformat(),
                    limit=self._history_limit,
                )
            values, last = rewind(state, at)
            clock = self._applier.clock
            ruleset, _ = clock.resolve(values, at)
            if clock.period(at) != clock.period(last):
                for path, _ in clock.resets(values, ruleset):
                    set_in_place(values, path, 0)
            ignored = ruleset.program.check(values, at)
            stars = self._applier.backend.decide(ruleset, values, None, None)
            outcome = ruleset.program.outcome(values, stars)
            return Assessment(ruleset.tree, values, at, outcome, ignored)

    def history(self, village: str) -> list[HistoryEntry]:
        """The village's kept history, oldest first: each event, the values it changed
        (with period resets) and the changes it caused (without explanations and
        incidents: `snapshot` rebuilds the whole assessment of any kept date)."""
        with self._lock:
            return history_entries(self._store.find(village, "history"))

    def incidents(self, village: str) -> list[Incident]:
        """This period's latest incidents for the village (at most `incident_limit`)."""
        with self._lock:
            return list(self._store.find(village, "incidents").incidents)

    def ruleset(self, village: str) -> Ruleset:
        """The ruleset the village is currently judged by."""
        with self._lock:
            return self._store.find(village, "ruleset").rules.ruleset

    @property
    def incident_types(self) -> Mapping[str, IncidentType]:
        return MappingProxyType(self._incident_types)

    def capabilities(self) -> list[Capabilities]:
        """How the backend runs each ruleset in use: what it decides, what falls back."""
        with self._lock:
            used: dict[str, Ruleset] = {}
            for state in self._store.states.values():
                used.setdefault(state.rules.fingerprint, state.rules.ruleset)
            return [self._applier.backend.capabilities(rs) for rs in used.values()]

    @property
    def backend(self) -> BackendName:
        return self._applier.backend.name

    # -- lifecycle --------------------------------------------------------------------
    def close(self) -> None:
        """Release the backend it created (the rete backend's engine). Idempotent."""
        with self._lock:
            if not self._closed:
                self._closed = True
                if self._owns_backend:
                    self._applier.backend.close()

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
            f"<Monitor {len(self._store.states)} villages, backend {self.backend}, "
            f"period {self._period_kind}>"
        )

    # -- internals --------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise MonitorError.of(None, "SR800")

    def _assessment(self, state: VillageState, at: date | None = None) -> Assessment:
        """The village's current assessment, on a copy of its data (the monitor's own copy
        changes with the next event)."""
        day = at or state.date
        village = own_copy(state.village, day)
        program = state.rules.program
        ignored = program.check(village, day, check_dates=False)
        outcome = program.outcome(village, state.stars)
        return Assessment(state.rules.ruleset.tree, village, day, outcome, ignored)


def _backend(choice: BackendName | Backend) -> Backend:
    if not isinstance(choice, str):
        return choice
    if choice == "native":
        return NativeBackend()
    if choice == "rete":
        from .rete import ReteBackend  # imported only when asked for: durable-rules is optional

        return ReteBackend()
    hint = did_you_mean(str(choice), BACKENDS)
    raise MonitorError.of(None, "SR806", backend=choice, suggestion=messages.aside(hint))


__all__ = ["Monitor", "MonitorError"]
