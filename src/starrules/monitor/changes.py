"""Monitor output: what changed for a village, when, why, and which event caused it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..explain.results import LevelResult, StarResult, Status
from ..i18n import Text
from .events import Incident, IndicatorUpdate, Review


class ChangeKind(StrEnum):
    STAR_GRANTED = "star_granted"  # → granted
    STAR_REVOKED = "star_revoked"  # granted → denied
    STAR_DENIED = "star_denied"  # undetermined → denied
    STAR_UNDETERMINED = "star_undetermined"  # → undetermined
    LEVEL_UP = "level_up"
    LEVEL_DOWN = "level_down"
    LEVEL_CHANGED = "level_changed"  # the possible range moved both ways (data became unknown)


class Trigger(StrEnum):
    """What, on the event's date, made the change."""

    EVENT = "event"  # the event itself: an update or an incident
    PERIOD_START = "period_start"  # a new assessment period began: period counts reset
    RULESET_CHANGE = "ruleset_change"  # another ruleset version came into force


class Change(BaseModel):
    """One change of a star's status or of the level, with its cause and its explanation."""

    model_config = ConfigDict(frozen=True)

    village: str  # the key events use: the code, else the name
    name: str
    date: date
    kind: ChangeKind
    trigger: Trigger
    star: str | None = None
    star_name: Text | None = None
    before: Status | None = None
    after: Status | None = None
    level_before: LevelResult | None = None
    level_after: LevelResult | None = None
    period: str
    ruleset: str  # "id@version (jurisdiction)" of the last layer, and the fingerprint
    fingerprint: str
    cause: IndicatorUpdate | Incident | Review
    incidents: list[Incident] = []  # this period's incidents counted into the indicators the
    #                                 star's failing or unknown rules read
    explanation: StarResult | None = None  # the star as it now stands, rule by rule


class HistoryEntry(BaseModel):
    """One event as applied to one village: what it changed in the data and in the rating."""

    model_config = ConfigDict(frozen=True)

    date: date
    event: IndicatorUpdate | Incident | Review
    period: str
    values: dict[str, tuple[Any, Any]]  # indicator path → (before, after), incl. period resets
    changes: list[Change]  # as emitted, without the explanations (see Monitor.snapshot)


__all__ = ["Change", "ChangeKind", "HistoryEntry", "Trigger"]
