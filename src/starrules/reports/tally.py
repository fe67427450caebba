"""The running counts of one group of villages (or of one target's villages)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..explain.assessment import Assessment
from ..i18n import Text
from .facts import RuleFacts
from .plans import at_or_above
from .results import (
    THREE,
    CriterionCount,
    GroupKind,
    GroupReport,
    LevelCheck,
    LevelCount,
    MissingCount,
    Nearest,
    NearVillage,
    Shares,
    StarCount,
)

# -- the running counts ---------------------------------------------------------------------

# A village kept among the nearest: (-distance, the level aimed at, -its place in the input,
# the assessment); a heap of these has the farthest of them on top.
Near = tuple[int, int, int, Assessment]


class Tally:
    """The running counts of one group (or of one target's villages)."""

    __slots__ = (
        "checked_levels",
        "checked_stars",
        "checked_villages",
        "criteria_order",
        "failing",
        "labels",
        "level_names",
        "level_pairs",
        "missing",
        "missing_first",
        "near",
        "one_away",
        "only_gap",
        "seen",
        "star_counts",
        "star_names",
        "texts",
        "two_away",
        "undetermined",
        "villages",
    )

    def __init__(self) -> None:
        self.villages = 0
        self.undetermined = 0
        self.seen: set[str] = set()  # the fingerprints of the rules registered
        self.star_counts: dict[str, list[int]] = {}
        self.star_names: dict[str, Text] = {}
        self.level_pairs: Counter[tuple[int, int]] = Counter()
        self.level_names: dict[int, Text] = {}
        self.checked_villages = self.checked_levels = self.checked_stars = 0
        self.failing: Counter[str] = Counter()
        self.only_gap: Counter[str] = Counter()
        self.texts: dict[str, tuple[str, Text]] = {}
        self.criteria_order: dict[str, int] = {}
        self.missing: Counter[str] = Counter()
        # Where each missing indicator was first met: (row of the input, place in that
        # village's list), which orders indicators missing for as many villages.
        self.missing_first: dict[str, tuple[int, int]] = {}
        self.labels: dict[str, Text] = {}
        self.one_away = self.two_away = 0
        # The nearest villages: a bounded heap, its top the farthest of them (see _near).
        self.near: list[Near] = []

    def register(self, rules: RuleFacts) -> None:
        """Names, texts and levels of a ruleset this group's villages use (first one wins)."""
        self.seen.add(rules.fingerprint)
        for sid in rules.star_ids:
            if sid not in self.star_counts:
                self.star_counts[sid] = [0, 0, 0]
                self.star_names[sid] = rules.star_names[sid]
        for value, name in rules.level_names.items():
            self.level_names.setdefault(value, name)
        for cid, text in rules.texts.items():
            if cid not in self.texts:
                self.texts[cid] = text
                self.criteria_order[cid] = len(self.criteria_order)
        for path, label in rules.labels.items():
            self.labels.setdefault(path, label)

    def note_missing(self, paths: Iterable[str], row: int, villages: int = 1) -> None:
        """Count indicators missing for `villages` villages, the first of them at `row`."""
        for place, path in enumerate(paths):
            self.missing[path] += villages
            self.first_missing(path, (row, place))

    def first_missing(self, path: str, where: tuple[int, int]) -> None:
        """Note where an indicator was found missing, if before where it was first found."""
        first = self.missing_first.get(path)
        if first is None or where < first:
            self.missing_first[path] = where

    def merge(self, other: Tally) -> None:
        self.villages += other.villages
        self.undetermined += other.undetermined
        self.seen |= other.seen
        for sid, counts in other.star_counts.items():
            mine = self.star_counts.setdefault(sid, [0, 0, 0])
            for i in range(3):
                mine[i] += counts[i]
            self.star_names.setdefault(sid, other.star_names[sid])
        self.level_pairs.update(other.level_pairs)
        for value, name in other.level_names.items():
            self.level_names.setdefault(value, name)
        self.checked_villages += other.checked_villages
        self.checked_levels += other.checked_levels
        self.checked_stars += other.checked_stars
        self.failing.update(other.failing)
        self.only_gap.update(other.only_gap)
        for cid, text in other.texts.items():
            if cid not in self.texts:
                self.texts[cid] = text
                self.criteria_order[cid] = len(self.criteria_order)
        self.missing.update(other.missing)
        for path, where in other.missing_first.items():
            self.first_missing(path, where)
        for path, label in other.labels.items():
            self.labels.setdefault(path, label)
        self.one_away += other.one_away
        self.two_away += other.two_away
        self.near.extend(other.near)  # cut to the nearest when frozen

    def freeze(
        self,
        kind: GroupKind,
        name: str | None,
        township: str | None,
        jurisdiction: str | None,
        keep: int,
    ) -> GroupReport:
        pairs = self.level_pairs
        levels = tuple(
            LevelCount(
                value,
                self.level_names[value],
                pairs.get((value, value), 0),
                sum(n for (low, high), n in pairs.items() if low <= value <= high),
            )
            for value in sorted(self.level_names, reverse=True)
        )
        three = at_or_above(THREE, pairs)
        n = self.villages
        share = Shares(three.fewest / n, three.most / n) if n else Shares(0.0, 0.0)
        order = self.criteria_order
        criteria = tuple(
            CriterionCount(cid, *self.texts[cid], self.failing[cid], self.only_gap[cid])
            for cid in sorted(
                set(self.failing) | set(self.only_gap),
                key=lambda c: (-self.failing[c], -self.only_gap[c], order[c]),
            )
        )
        missing = tuple(
            MissingCount(path, self.labels.get(path), count)
            for path, count in sorted(
                self.missing.items(), key=lambda item: (-item[1], self.missing_first[item[0]])
            )
        )
        return GroupReport(
            kind=kind,
            name=name,
            township=township,
            jurisdiction=jurisdiction,
            villages=n,
            undetermined=self.undetermined,
            stars=tuple(
                StarCount(sid, self.star_names[sid], *counts)
                for sid, counts in self.star_counts.items()
            ),
            levels=levels,
            three_plus=three,
            three_plus_share=share,
            check=LevelCheck(self.checked_villages, self.checked_levels, self.checked_stars),
            criteria=criteria,
            missing=missing,
            nearest=Nearest(
                self.one_away,
                self.two_away,
                tuple(near_village(entry) for entry in sorted(self.near, reverse=True)[:keep]),
            ),
        )


class TargetTally:
    __slots__ = ("counties", "levels", "villages")

    def __init__(self) -> None:
        self.villages = 0
        self.levels: Counter[tuple[int, int]] = Counter()
        self.counties: set[str] = set()


def county_of(jurisdiction: str) -> str:
    """The county (or district) of a jurisdiction path: its first three parts."""
    return "/".join(jurisdiction.split("/", 3)[:3])


GroupKey = tuple[str | None, str | None]  # (township, jurisdiction)


def near_village(entry: Near) -> NearVillage:
    assessment = entry[3]
    village = assessment.input
    steps = assessment.next_steps()
    route = steps.next_level
    return NearVillage(
        name=village.name,
        code=village.code,
        township=village.township,
        jurisdiction=village.jurisdiction,
        level=steps.level,
        next_level=route.level if route else entry[1],
        next_level_name=route.name if route else None,
        stars=tuple(route.stars) if route else (),
        criteria=tuple(route.criteria) if route else (),
        conditions=tuple(c.expression for c in route.conditions) if route else (),
        to_confirm=tuple(route.to_confirm) if route else (),
    )
