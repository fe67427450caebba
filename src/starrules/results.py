"""The result models: what an Assessment is made of, as JSON-serialisable pydantic models.

Other systems store and show these; field names are part of the public contract (spec §4).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .i18n import Text

IndicatorValue = int | float | bool | str | None


class Status(StrEnum):
    """A star's outcome."""

    GRANTED = "granted"
    DENIED = "denied"
    UNDETERMINED = "undetermined"


class CriterionStatus(StrEnum):
    """A criterion's (or group's, or veto's) outcome. A veto *fails* when it is triggered."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class CriterionResult(_Result):
    id: str
    kind: Literal["criterion", "group", "veto"]
    status: CriterionStatus
    parent: str | None = None
    expression: str | None = None
    rule: Literal["all", "any", "at_least", "min_points"] | None = None
    needed: float | None = None
    observed: dict[str, IndicatorValue] = {}
    text: Text | None = None
    source: str | None = None
    provisional: bool = False
    note: str | None = None
    points: float | None = None
    layer: str
    gap: float | None = None
    """How far the observed value is from passing (for a veto: from clearing), >= 0."""
    limit: float | None = None
    target: str | None = None
    """The comparison the value must satisfy to pass (a veto: to clear), e.g. '>= 100000'."""
    missing: list[str] = []
    reason: str | None = None


class StarResult(_Result):
    id: str
    name: Text
    status: Status
    criteria: list[CriterionResult]
    vetoes: list[str]
    requires: list[str]
    requires_unmet: list[str]
    missing: list[str]
    layer: str


class LevelResult(_Result):
    value: int | None
    min: int
    max: int
    name: Text | None
    named_by: str | None = None


class VillageRef(_Result):
    code: str | None
    name: str
    jurisdiction: str
    kind: str
    township: str | None


class LayerRef(_Result):
    id: str
    version: str
    jurisdiction: str


class RulesetRef(_Result):
    id: str
    version: str
    jurisdiction: str
    kind: str
    layers: list[LayerRef]
    fingerprint: str


class AssessmentRecord(_Result):
    """The full, serialisable form of an Assessment."""

    village: VillageRef
    as_of: date
    ruleset: RulesetRef
    stars: dict[str, StarResult]
    level: LevelResult
    missing: list[str]
