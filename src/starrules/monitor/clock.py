"""The monitor's calendar: which assessment period a date is in, which ruleset version is in
force for a village on a date, and which period counts a new period sets back to 0."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from ..expr.combinators import indicator_getter
from ..load.registry import Registry
from ..ruleset import Ruleset
from ..village import Village
from .periods import Period, PeriodKind


class Clock:
    def __init__(
        self, registry: Registry, period_kind: PeriodKind, period_counts: Iterable[str]
    ) -> None:
        self.registry = registry
        self.period_kind: PeriodKind = period_kind
        self.period_counts = tuple(sorted(set(period_counts)))
        self._counts = tuple((path, indicator_getter(path)) for path in self.period_counts)
        # The dates on which some ruleset starts or stops applying: between two of them,
        # every (jurisdiction, kind) resolves to the same ruleset.
        self._boundaries = sorted(
            {rs.effective_from for rs in registry.rulesets}
            | {
                dt.date.fromordinal(rs.effective_until.toordinal() + 1)
                for rs in registry.rulesets
                if rs.effective_until is not None and rs.effective_until < dt.date.max
            }
        )
        self._resolved: dict[tuple[str, str, int], Ruleset] = {}
        # Per period met, one object, its end and its label, shared by every village in it
        # (a few a year): fewer objects per village, and those an event reads shared.
        self._periods: dict[Period, tuple[Period, dt.date, str]] = {}
        first = Period.containing(dt.date.min, period_kind)
        self._last = (dt.date.min, self._marks(first)[0])

    def period(self, day: dt.date) -> Period:
        """The period containing `day`, one object per period."""
        if day != self._last[0]:  # events come in date order: most share the last date
            found = Period.containing(day, self.period_kind)
            self._last = (day, self._marks(found)[0])
        return self._last[1]

    def label(self, period: Period) -> str:
        """'2023', '2023-Q3': the period's name, one string per period."""
        return self._marks(period)[2]

    def next_check(self, period: Period, until: dt.date | None) -> dt.date:
        """The first date on which a village's period or ruleset may change: before it, an
        event needs neither (the common case, checked with one comparison)."""
        end = self._marks(period)[1]
        return end if until is None or end < until else until

    def _marks(self, period: Period) -> tuple[Period, dt.date, str]:
        marks = self._periods.get(period)
        if marks is None:
            marks = self._periods[period] = (period, period.end, str(period))
        return marks

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
            for path, read in self._counts
            if (not path.startswith("extra.") or path in ruleset.tree.indicators)
            and (old := read(village)) != 0
        ]


__all__ = ["Clock"]
