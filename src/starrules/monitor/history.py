"""A village's history: each event and what it did, kept as one flat tuple (state.Entry);
the models `Monitor.history` hands out, rebuilt from them; the values of an earlier date."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from ..village import Village
from .changes import Change, HistoryEntry
from .events import AnyEvent, Incident, IndicatorUpdate, Review
from .state import ENTRY_CHANGES, Entry, KeptChange, VillageState, own_copy, set_in_place

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


def record(
    state: VillageState, event: AnyEvent, values: tuple[Any, ...], changes: list[Change]
) -> None:
    """Keep what the event did (the last `maxlen` entries). Names are shared: the village's
    key when the event names the village by it, else interned."""
    history = state.history
    if history.maxlen == 0:
        state.horizon = event.date  # nothing kept: no snapshot of an earlier day
        return
    if len(history) == history.maxlen:
        state.horizon = history[0][0]
    village = event.village
    if village is not None:
        village = state.key if village == state.key else sys.intern(village)
    detail: str | None = None
    value: Any = 1
    note: str | None = None
    if isinstance(event, IndicatorUpdate):
        detail, value = sys.intern(event.field), event.value
    elif isinstance(event, Incident):
        detail, value, note = sys.intern(event.incident), event.count, event.note
    else:
        note = event.note
    rules = state.rules
    history.append(
        (
            event.date,
            event.type,
            village,
            detail,
            value,
            note,
            event.id,
            state.period_label,
            rules.label,
            rules.fingerprint,
            tuple(map(_keep_change, changes)) if changes else (),
            *values,
        )
    )


def _keep_change(change: Change) -> KeptChange:
    return (
        change.kind,
        change.trigger,
        change.star,
        change.star_name,
        change.before,
        change.after,
        change.level_before,
        change.level_after,
    )


def _event(entry: Entry) -> AnyEvent:
    day, kind, village, detail, value, note, ident = entry[:7]
    if kind == "update":
        assert village is not None and detail is not None
        return IndicatorUpdate.model_construct(
            type="update", village=village, field=detail, value=value, date=day, id=ident
        )
    if kind == "incident":
        assert village is not None and detail is not None
        return Incident.model_construct(
            type="incident",
            village=village,
            incident=detail,
            count=value,
            note=note,
            date=day,
            id=ident,
        )
    return Review.model_construct(type="review", village=village, note=note, date=day, id=ident)


def _kept_fields(kept: KeptChange) -> dict[str, Any]:
    return dict(zip(_KEPT_FIELDS, kept, strict=True))


def history_entries(state: VillageState) -> list[HistoryEntry]:
    """The village's kept history as models, oldest first; the changes without their
    explanations and incidents (built without validation: the data are the library's)."""
    entries = []
    for entry in state.history:
        day, (period, label, fingerprint, kept) = entry[0], entry[7 : ENTRY_CHANGES + 1]
        values = entry[ENTRY_CHANGES + 1 :]
        event = _event(entry)
        common: dict[str, Any] = {
            "village": state.key,
            "name": state.village.name,
            "date": day,
            "period": period,
            "ruleset": label,
            "fingerprint": fingerprint,
            "cause": event,
            "incidents": [],
            "explanation": None,
        }
        changes = [Change.model_construct(**common, **_kept_fields(k)) for k in kept]
        entries.append(
            HistoryEntry.model_construct(
                date=day,
                event=event,
                period=period,
                values={
                    values[i]: (values[i + 1], values[i + 2]) for i in range(0, len(values), 3)
                },
                changes=changes,
            )
        )
    return entries


def rewind(state: VillageState, at: dt.date) -> tuple[Village, dt.date]:
    """A copy of the village's values as they stood at the end of `at` (every kept change
    made after it undone), and the date of the last event they reflect."""
    values = own_copy(state.village, at)  # rebuilt in place, then handed out
    last = state.horizon or state.baseline  # the date of the oldest state we can rebuild
    for entry in reversed(state.history):
        if entry[0] <= at:
            last = entry[0]
            break
        for i in range(len(entry) - 3, ENTRY_CHANGES, -3):  # the last change first
            set_in_place(values, entry[i], entry[i + 1])
    return values, last


__all__ = ["history_entries", "record", "rewind"]
