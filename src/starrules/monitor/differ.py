"""From a village's star statuses and level before and after a decision to the `Change`s
that report the difference, with the explanation and the incidents behind each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from ..evaluation import Outcome, Truth
from ..explain.assessment import Assessment
from ..explain.levels import level_result
from ..explain.records import construct_from
from ..explain.results import LevelResult, StarResult, Status
from ..village import Village
from .changes import Change, ChangeKind, Trigger
from .events import AnyEvent, Incident, IncidentType, incident_type
from .lookups import Rules

STATUS = {True: Status.GRANTED, False: Status.DENIED, None: Status.UNDETERMINED}
# Every field of a change in the model's order (pydantic writes JSON in the order of the
# instance's fields), those one kind of change leaves unset at None.
_FIELDS: Mapping[str, Any] = MappingProxyType(dict.fromkeys(Change.model_fields))


class ChangeContext:
    """What every change of one decision shares: the village, the date, the rules, the
    cause. Changes are built without validation: every field is the library's own, checked
    already (a test holds them equal to validated models)."""

    __slots__ = ("common", "day", "incident_types", "incidents", "rules", "village")

    def __init__(
        self,
        key: str,
        village: Village,
        day: dt.date,
        period: str,
        rules: Rules,
        cause: AnyEvent,
        trigger: Trigger,
        incidents: Iterable[Incident],
        incident_types: Mapping[str, IncidentType],
    ) -> None:
        self.village, self.day, self.rules = village, day, rules
        self.incidents, self.incident_types = incidents, incident_types
        self.common: dict[str, Any] = {
            "village": key,
            "name": village.name,
            "date": day,
            "trigger": trigger,
            "period": period,
            "ruleset": rules.label,
            "fingerprint": rules.fingerprint,
            "cause": cause,
        }

    def changes(
        self,
        before: Mapping[str, Truth] | list[Truth],
        before_level: LevelResult,
        stars: list[Truth],
        outcome: Outcome,
        explain: bool,
    ) -> list[Change]:
        """The changes from `before` (statuses by star index under the same rules, or by
        star id under other rules) to `stars` and the outcome's level."""
        changes: list[Change] = []
        assessment: Assessment | None = None
        by_id = isinstance(before, Mapping)
        ruleset = self.rules.ruleset
        for star in ruleset.stars:
            now = stars[star.index]
            if by_id:
                assert isinstance(before, Mapping)
                known = star.id in before
                was = before.get(star.id)
            else:
                assert isinstance(before, list)
                known, was = True, before[star.index]
            if known and was == now:
                continue
            explanation: StarResult | None = None
            incidents: list[Incident] = []
            if explain:
                if assessment is None:
                    assessment = Assessment(ruleset.tree, self.village, self.day, outcome)
                explanation = assessment.star(star.id)
                incidents = incidents_behind(explanation, self.incidents, self.incident_types)
            was_status = STATUS[was] if known else None
            changes.append(
                self._change(
                    kind=star_change(was_status, STATUS[now]),
                    star=star.id,
                    star_name=star.name,
                    before=was_status,
                    after=STATUS[now],
                    incidents=incidents,
                    explanation=explanation,
                )
            )
        level = level_result(outcome.program, outcome.level)
        if (level.min, level.max) != (before_level.min, before_level.max):
            changes.append(
                self._change(
                    kind=level_change(before_level, level),
                    level_before=before_level,
                    level_after=level,
                    incidents=[],
                )
            )
        return changes

    def _change(self, **fields: Any) -> Change:
        data = dict(_FIELDS)
        data.update(self.common)
        data.update(fields)
        return construct_from(Change, data)


def star_change(before: Status | None, after: Status) -> ChangeKind:
    if after is Status.GRANTED:
        return ChangeKind.STAR_GRANTED
    if after is Status.UNDETERMINED:
        return ChangeKind.STAR_UNDETERMINED
    return ChangeKind.STAR_REVOKED if before is Status.GRANTED else ChangeKind.STAR_DENIED


def level_change(before: LevelResult, after: LevelResult) -> ChangeKind:
    if after.min >= before.min and after.max >= before.max:
        return ChangeKind.LEVEL_UP
    if after.min <= before.min and after.max <= before.max:
        return ChangeKind.LEVEL_DOWN
    return ChangeKind.LEVEL_CHANGED


def incidents_behind(
    star: StarResult, incidents: Iterable[Incident], types: Mapping[str, IncidentType]
) -> list[Incident]:
    """This period's incidents counted into an indicator that a failing or unknown rule of
    the star reads: the incidents that explain why the star is not granted."""
    paths: set[str] = set()
    for result in star.criteria:
        if result.kind != "group" and result.status != "pass":
            paths.update(result.observed)
            paths.update(result.missing)
    return [i for i in incidents if incident_type(i.incident, types).indicator in paths]


__all__ = ["ChangeContext", "incidents_behind", "level_change", "star_change"]
