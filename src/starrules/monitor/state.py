"""A monitored village's state: its current values, kept in a copy of its own that is updated
in place, the star statuses and level, and a bounded, compact history."""

from __future__ import annotations

import datetime as dt
import sys
from collections import deque
from dataclasses import dataclass
from typing import Any

from ..evaluation import Truth
from ..explain.results import LevelResult, Status
from ..i18n import Text
from ..ruleset import Ruleset
from ..village import Village
from .changes import Change, ChangeKind, Trigger
from .events import Incident, IndicatorUpdate, Review
from .periods import Period

AnyEvent = IndicatorUpdate | Incident | Review

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
KEPT_FIELDS = (
    "kind",
    "trigger",
    "star",
    "star_name",
    "before",
    "after",
    "level_before",
    "level_after",
)
# An event as a small tuple: type, village, field / incident (with the value), count, note, id.
KeptEvent = tuple[str, str | None, Any, int, str | None, str | None]


@dataclass(slots=True)
class Entry:
    """A history entry, kept compact (about 300 bytes with the event): `Monitor.history`
    builds the models from it."""

    date: dt.date
    event: KeptEvent
    period: Period
    ruleset: Ruleset
    values: tuple[tuple[str, Any, Any], ...]  # (path, before, after)
    changes: tuple[KeptChange, ...]


@dataclass(slots=True)
class VillageState:
    key: str
    baseline: dt.date
    village: Village  # the monitor's own copy, updated in place: never handed out
    ruleset: Ruleset
    resolved_until: dt.date | None  # the next date another ruleset version may apply
    date: dt.date
    period: Period
    stars: list[Truth]
    level: LevelResult
    incidents: deque[Incident]
    history: deque[Entry]
    horizon: dt.date | None  # history up to this date was dropped: no snapshot before it


def own_copy(village: Village, day: dt.date) -> Village:
    """A copy of the village, dated `day`, that shares nothing with the original: the monitor
    changes its values in place, and the caller's village must not change with them."""
    return village.model_copy(update={"as_of": day}, deep=True)


def get_value(village: Village, path: str) -> Any:
    section, _, name = path.partition(".")
    if section == "extra":
        return village.extra.get(name)
    return getattr(getattr(village, section), name)


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
    """A copy of the village with one indicator set (unchanged sections are shared)."""
    section, _, name = path.partition(".")
    if section == "extra":
        return village.model_copy(update={"extra": {**village.extra, name: value}})
    part = getattr(village, section)
    return village.model_copy(update={section: part.model_copy(update={name: value})})


def keep_change(change: Change) -> KeptChange:
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


def kept_fields(kept: KeptChange) -> dict[str, Any]:
    return dict(zip(KEPT_FIELDS, kept, strict=True))


def keep_event(event: AnyEvent) -> KeptEvent:
    """An event as a small tuple; names are interned, so that many entries share them."""
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


def restore_event(kept: KeptEvent, day: dt.date) -> AnyEvent:
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


__all__ = [
    "AnyEvent",
    "Entry",
    "KeptChange",
    "VillageState",
    "get_value",
    "keep_change",
    "keep_event",
    "kept_fields",
    "own_copy",
    "restore_event",
    "set_in_place",
    "with_value",
]
