"""The monitor's calendar: which assessment period a date is in, which ruleset version is in
force for a village on a date, and which period counts a new period sets back to 0."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from ..load.registry import Registry
from ..ruleset import Ruleset
from ..village import Village
from .periods import Period, PeriodKind
from .state import get_value


class Clock:
    def __init__(
        self, registry: Registry, period_kind: PeriodKind, period_counts: Iterable[str]
    ) -> None:
        self.registry = registry
        self.period_kind: PeriodKind = period_kind
        self.period_counts = tuple(sorted(set(period_counts)))
        # The dates on which some ruleset starts or stops applying: between two of them,
        # every (jurisdiction, kind) resolves to the same ruleset.
        self._boundaries = sorted(
            {rs.effective_from for rs in registry.rulesets}
            | {
                dt.date.fromordinal(rs.effective_until.toordinal() + 1)
                for rs in registry.rulesets
                if rs.effective_until is not None
            }
        )
        self._resolved: dict[tuple[str, str, int], Ruleset] = {}
        self._last = (dt.date.min, Period.containing(dt.date.min, period_kind))

    def period(self, day: dt.date, current: Period | None = None) -> Period:
        """The period containing `day`; `current` itself when it is that period (one Period
        object per village and period, not one per event)."""
        if day != self._last[0]:  # events come in date order: most share the last date
            self._last = (day, Period.containing(day, self.period_kind))
        period = self._last[1]
        return current if current == period and current is not None else period

    def resolve(self, village: Village, day: dt.date) -> tuple[Ruleset, dt.date | None]:
        """The ruleset in force for the village on `day`, and the first later date on which
        that may change (None: never)."""
        slot = bisect_right(self._boundaries, day)
        key = (village.jurisdiction, village.kind, slot)
        ruleset = self._resolved.get(key)
        if ruleset is None:
            ruleset = self.registry.resolve(village.jurisdiction, village.kind, day)
            self._resolved[key] = ruleset
        until = self._boundaries[slot] if slot < len(self._boundaries) else None
        return ruleset, until

    def resets(self, village: Village, ruleset: Ruleset) -> list[tuple[str, Any]]:
        """The period counts to set to 0 at a period's start, with their values: every
        count incidents go into that is standard or declared by the ruleset (an unknown
        count too: in a new period, the monitor counts the incidents it is told of)."""
        return [
            (path, old)
            for path in self.period_counts
            if (not path.startswith("extra.") or path in ruleset.tree.indicators)
            and (old := get_value(village, path)) != 0
        ]


__all__ = ["Clock"]
