"""The result models: what an Assessment is made of, as JSON-serialisable pydantic models.

Other systems store and show these; field names are part of the public contract (spec §4).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..i18n import Text

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


class Step(_Result):
    """One criterion a route to a star or a level changes: make it pass; for a veto, make
    sure it does not hold. See docs/guidance.md."""

    criterion: str
    star: str
    kind: Literal["criterion", "veto"]
    status: CriterionStatus
    """`fail`, or `unknown` (no data): it may already be met; a route counts it as to
    change, so it is also listed as to confirm."""
    reads: list[str]
    """The indicators its test reads."""
    observed: dict[str, IndicatorValue]
    target: str | None = None
    """The comparison the value must satisfy (a veto: to clear), e.g. '>= 100000', for a
    numeric threshold; otherwise the criterion's text says what is needed."""
    gap: float | None = None
    """How far the observed value is from the target, for a failing numeric threshold."""
    layer: str


class LevelCondition(_Result):
    """A condition of a level's own definition on indicators (e.g. Zhejiang's 3A standard),
    which a route to that level must also make true."""

    expression: str
    reads: list[str]
    observed: dict[str, IndicatorValue]
    status: CriterionStatus
    """`fail`, or `unknown` when an indicator it reads is unknown."""


class StarRoute(_Result):
    """What it takes to win one star not held now (see docs/guidance.md)."""

    star: str
    status: Status
    blocked_by: list[str]
    """Triggered vetoes (of this star or of a star it requires), or a group no village can
    pass, that deny the star whatever changes: then there is no route (`criteria` empty)."""
    requires: list[str]
    """The stars not held now that must be won first (the whole `requires` chain)."""
    criteria: list[str]
    """The smallest set of criteria (and unknown vetoes) to change, those of `requires`
    included, in ruleset order; ties go to the earlier criteria."""
    to_confirm: list[str]
    """Those of `criteria` that are unknown: maybe met already, once the data is in."""


class LevelRoute(_Result):
    """The cheapest route to the next level."""

    level: int
    """The next level: the lowest level above `NextSteps.level`."""
    name: Text | None
    reaches: int
    """The level this route makes certain (>= `level`)."""
    stars: list[str]
    """The stars it wins, in ruleset order."""
    criteria: list[str]
    conditions: list[LevelCondition]
    """Conditions of the level's own definition on indicators to make true as well."""
    to_confirm: list[str]


class NextSteps(_Result):
    """Per star not held, the smallest set of criteria to change, and the cheapest route to
    the next level (`Assessment.next_steps()`; docs/guidance.md)."""

    level: int
    """The level counted from: the level held for certain (`level.min`)."""
    stars: dict[str, StarRoute]
    """Every star not held now, in ruleset order."""
    next_level: LevelRoute | None
    """None at the top level, or when every route is blocked."""
    steps: dict[str, Step]
    """Every criterion a route names, by id, in ruleset order."""


class Ignored(_Result):
    """An `extra` indicator the village gives and the ruleset does not declare: not used."""

    path: str
    """`extra.NAME`, as in the village."""
    suggestions: list[str] = []
    """Declared indicators with a close name (a misspelling?), closest first."""


class AssessmentRecord(_Result):
    """The full, serialisable form of an Assessment."""

    format: Literal["full/1"] = "full/1"
    """The record's shape and version."""
    village: VillageRef
    as_of: date
    ruleset: RulesetRef
    stars: dict[str, StarResult]
    level: LevelResult
    missing: list[str]
    next_steps: NextSteps | None = None
    """What to change to win each star not held and to reach the next level (None only in
    records written before it was added)."""
    ignored: list[Ignored] = []
    """The village's `extra` indicators this ruleset does not declare (not used)."""


class RulesetKey(_Result):
    """The ruleset a compact record refers to; its catalogue has the same fingerprint."""

    id: str
    version: str
    fingerprint: str


class CompactLevel(_Result):
    value: int | None
    min: int
    max: int


class CompactStar(_Result):
    """One star in a compact record; an empty map or list is left out of the JSON."""

    status: Status
    criteria: dict[str, CriterionStatus]
    """The status of every criterion, group and veto of the star, in ruleset order."""
    gaps: dict[str, float] = {}
    """How far a failing numeric threshold is from passing (its target: in the catalogue)."""
    reasons: dict[str, str] = {}
    """Why a criterion with every input known is unknown (e.g. a division by zero)."""
    vetoes: list[str] = []
    requires_unmet: list[str] = []
    missing: list[str] = []


class CompactRecord(_Result):
    """The compact form of an Assessment: what the village decided. Texts, sources, layers,
    expressions and targets are in the catalogue of the ruleset with `ruleset.fingerprint`
    (`Ruleset.catalogue()`, `starrules rules FINGERPRINT`)."""

    format: Literal["compact/1"] = "compact/1"
    village: VillageRef
    as_of: date
    ruleset: RulesetKey
    level: CompactLevel
    stars: dict[str, CompactStar]
    observed: dict[str, dict[str, IndicatorValue]]
    """Every indicator the criteria read, once, by section as in a village:
    `observed["industry"]["local_jobs"]` for `industry.local_jobs`."""
    missing: list[str]
    ignored: list[Ignored] = []
    """As in the full record; left out of the JSON when empty."""
