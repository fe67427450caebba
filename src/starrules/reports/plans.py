"""Plans: a township's or county's targets, and how a report's result compares with them.

A target names, per township or county, the villages planned at each level ("四星 3 / 三星 7 /
二星 9", as the township reports write their plans) and/or a share of villages at three stars
or above ("61.29%"); targets_file.py reads them from a YAML or CSV file.

Planned villages per level are met **cumulatively**: the plan "四星 3 / 三星 7" is met when at
least 3 villages reach four stars or more and at least 3 + 7 = 10 reach three stars or more.
A village that does better than planned (a planned three-star village that reaches four)
counts for the plan instead of against it, which is how the reports read their plans. A
share is a number of villages, rounded up exactly: 61.29% of 31 villages is 19.

Undetermined villages make the result a range: a goal is `met` when even the fewest villages
the data allows reach it, `short` (by N) when even the most cannot, and `open` otherwise,
until the missing data is filled in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from ..errors import Location
from ..village import within

Status = Literal["met", "short", "open", "no-villages"]
LevelTally = Mapping[tuple[int, int], int]  # (level min, level max) -> villages

SHARE_LEVEL = 3  # the reports' "三星及以上"


@dataclass(frozen=True, slots=True)
class Span:
    """A count that undetermined villages make a range: `fewest` to `most`."""

    fewest: int
    most: int

    def __str__(self) -> str:
        return str(self.fewest) if self.fewest == self.most else f"{self.fewest}–{self.most}"

    def to_dict(self) -> dict[str, int]:
        return {"fewest": self.fewest, "most": self.most}


@dataclass(frozen=True, slots=True)
class Target:
    """One township's or county's plan, as written in a targets file.

    `township` names a township (any county, unless `jurisdiction` narrows it);
    `jurisdiction` alone names a county (or any jurisdiction path: every village on it or
    below it). `levels`: (level, villages planned at that level), highest level first.
    `share`: the planned share of villages at three stars or above (exact)."""

    where: Location
    township: str | None
    jurisdiction: str | None
    levels: tuple[tuple[int, int], ...]
    share: Fraction | None

    @property
    def key(self) -> tuple[str | None, str | None]:
        return (self.township, self.jurisdiction)

    def describe(self) -> str:
        if self.township is None:
            return f"jurisdiction {self.jurisdiction}"
        inside = f" in {self.jurisdiction}" if self.jurisdiction else ""
        return f"township {self.township}{inside}"

    def describe_zh(self) -> str:
        if self.township is None:
            return f"辖区 {self.jurisdiction}"
        inside = f"（{self.jurisdiction}）" if self.jurisdiction else ""
        return f"乡镇 {self.township}{inside}"

    def matches(self, jurisdiction: str, township: str | None) -> bool:
        """Whether a village of this jurisdiction and township counts for the target."""
        if self.township is not None and township != self.township:
            return False
        j = self.jurisdiction
        return j is None or within(jurisdiction, j)

    def to_dict(self) -> dict[str, Any]:
        return {
            "township": self.township,
            "jurisdiction": self.jurisdiction,
            "levels": {str(level): n for level, n in self.levels},
            "share_3_plus": None if self.share is None else float(self.share),
            "where": str(self.where),
        }


@dataclass(frozen=True, slots=True)
class Targets:
    """The targets of one file, in file order."""

    file: str
    targets: tuple[Target, ...]
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Goal:
    """One goal of a target compared with the result.

    `kind` "level": at least `needed` villages at `level` or above, where `needed` adds the
    villages planned at this level and every level above it (`planned` is this level's own
    figure). `kind` "share": at least `share` of the villages at `level` (3) or above, which
    is `needed` villages. `achieved`: the villages at `level` or above (a range where data
    is missing); `short_by`: how many villages are missing (a range likewise)."""

    kind: Literal["level", "share"]
    level: int
    planned: int | None
    share: Fraction | None
    needed: int
    achieved: Span
    short_by: Span
    status: Status

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "level": self.level,
            "planned": self.planned,
            "share": None if self.share is None else float(self.share),
            "needed": self.needed,
            "achieved": self.achieved.to_dict(),
            "short_by": self.short_by.to_dict(),
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A target compared with the villages it covers. `status`: `met` when every goal is
    met, `short` when any goal is certainly short, `no-villages` when the input holds no
    village of the target, else `open`."""

    target: Target
    villages: int
    goals: tuple[Goal, ...]
    status: Status
    suggestions: tuple[str, ...] = ()
    """For a target without villages: close names among those in the input."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.to_dict(),
            "villages": self.villages,
            "status": self.status,
            "suggestions": list(self.suggestions),
            "goals": [g.to_dict() for g in self.goals],
        }


def at_or_above(level: int, tally: LevelTally) -> Span:
    """Villages at `level` or above: those certainly there, and those that could be."""
    fewest = sum(n for (low, _), n in tally.items() if low >= level)
    most = sum(n for (_, high), n in tally.items() if high >= level)
    return Span(fewest, most)


def _goal(
    kind: Literal["level", "share"],
    level: int,
    planned: int | None,
    share: Fraction | None,
    needed: int,
    tally: LevelTally,
    villages: int,
) -> Goal:
    achieved = at_or_above(level, tally)
    short_by = Span(max(0, needed - achieved.most), max(0, needed - achieved.fewest))
    status: Status
    if villages == 0:
        status = "no-villages"
    elif short_by.most == 0:
        status = "met"
    elif short_by.fewest > 0:
        status = "short"
    else:
        status = "open"
    return Goal(kind, level, planned, share, needed, achieved, short_by, status)


def compare(target: Target, villages: int, tally: LevelTally) -> PlanResult:
    """The target compared with `villages` villages whose level ranges are `tally`."""
    goals: list[Goal] = []
    needed = 0
    for level, planned in target.levels:  # highest first: each level adds those above
        needed += planned
        goals.append(_goal("level", level, planned, None, needed, tally, villages))
    if target.share is not None:
        count = math.ceil(target.share * villages)  # exact: a Fraction, never a float
        goals.append(_goal("share", SHARE_LEVEL, None, target.share, count, tally, villages))
    statuses = {g.status for g in goals}
    status: Status
    if villages == 0:
        status = "no-villages"
    elif "short" in statuses:
        status = "short"
    elif statuses == {"met"}:
        status = "met"
    else:
        status = "open"
    return PlanResult(target, villages, tuple(goals), status)


__all__ = [
    "SHARE_LEVEL",
    "Goal",
    "LevelTally",
    "PlanResult",
    "Span",
    "Status",
    "Target",
    "Targets",
    "at_or_above",
    "compare",
]
