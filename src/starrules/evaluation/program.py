"""Evaluation: run compiled rules over a village, in three-valued (Kleene) logic.

Truth values are True (pass), False (fail) and None (unknown). Every group rule (all, any,
at_least, min_points) is one kernel, `GroupKernel`: a threshold over integer weights. One
evaluator walks the rule tree on it: without a recorder it stops wherever Kleene logic has
decided (`Program.run`: the star statuses and the level); with one (`Program.walk`,
`Program.record`) it runs every node and records each outcome in a flat status vector,
from which the Assessment builds explanations on demand (see explain/assessment.py). Nothing here
keeps state between calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar, cast

from ..rules import Criterion, Group, RuleTree, Star, requirements_first
from ..village import Village
from .admission import admit
from .kernel import Truth
from .walk import (
    Decider,
    LevelEnv,
    StarDecide,
    decide_and_record,
    points_range,
    record_star,
    star_deciding,
)

T = TypeVar("T")
StarDecider = Callable[[int, Village, list[Truth]], Truth]  # (star index, village, statuses)


class LevelRange(NamedTuple):
    """The level a village may have: `min` when every unknown goes against it, `max` when
    every unknown goes its way (equal when the level is decided). explain/ names it
    (`LevelResult`)."""

    min: int
    max: int

    @property
    def value(self) -> int | None:
        """The level when it is decided, else None."""
        return self.min if self.min == self.max else None


@dataclass(slots=True)
class Outcome:
    """The raw result of one evaluation (True / False / None per node and per star): what an
    Assessment is made from (explain/assessment.py builds the explanations from it on demand)."""

    stars: list[Truth]
    level: LevelRange  # shared between assessments: immutable, one per (min, max)
    program: Program  # what decided it: every node's outcome on demand (`record`)


class Program:
    """A compiled ruleset ready to run: immutable, re-entrant, safe to share across threads."""

    __slots__ = (
        "_decider_of",
        "_deciders",
        "_dependents",
        "_level_ranges",
        "_memo",
        "_plan",
        "_points",
        "_readers",
        "_requirers",
        "requirements_order",
        "tree",
    )

    def __init__(self, tree: RuleTree) -> None:
        self.tree = tree
        index_of = {s.id: s.index for s in tree.stars}
        ordered = requirements_first(tree.stars)
        # Plain tuples: the hot loop unpacks them instead of reading attributes.
        self._deciders: tuple[Decider, ...] = tuple(
            _decider(star, tuple(index_of[r] for r in star.requires)) for star in ordered
        )
        self._decider_of = {entry[0]: entry for entry in self._deciders}
        # `run`'s steps: (star index, its deciding walk), required stars first
        self._plan: tuple[tuple[int, StarDecide], ...] = tuple(
            (entry[0], entry[1]) for entry in self._deciders
        )
        self.requirements_order = tuple(entry[0] for entry in self._deciders)
        self._level_ranges = level_ranges(tree)
        self._memo: dict[Callable[[RuleTree], object], object] = {}
        self._readers = _readers(tree)
        self._requirers = _requirers(tree)
        self._dependents = _dependents(self._readers, self._requirers)
        self._points = {
            node.id: points_range(node)
            for star in tree.stars
            for node in star.nodes
            if isinstance(node, Group) and node.rule == "min_points"
        }

    def memo(self, build: Callable[[RuleTree], T]) -> T:
        """What another stage derives from this ruleset's tree once (the explanation's record
        tables, say), built on first use and kept with the program; `build` is the key.
        Two threads may both build it the first time: the results are equal, one is kept."""
        try:
            return cast(T, self._memo[build])
        except KeyError:
            return cast(T, self._memo.setdefault(build, build(self.tree)))

    def check(
        self, village: Village, on: date, check_dates: bool = True, strict: bool = False
    ) -> tuple[str, ...]:
        """Reject a village this ruleset cannot judge (admission.py); return the `extra`
        indicators it ignores."""
        return admit(self.tree, village, on, check_dates, strict)

    def run(self, village: Village) -> Outcome:
        """Decide every star and the level (spec §3), short-circuiting where Kleene allows."""
        stars: list[Truth] = [None] * len(self.tree.stars)
        for index, decide in self._plan:
            stars[index] = decide(village, stars)
        return Outcome(stars, self.level(village, stars), self)

    def rerun(self, village: Village, before: list[Truth], changed: Iterable[str]) -> Outcome:
        """Decide again only the stars that read a changed indicator (and the stars that
        require them), keeping `before` for the rest; the level is always re-decided.
        Equal to `run(village)` when `before` was `run` on the village before the change."""
        return self.outcome(village, list(self.restars(village, before, changed)))

    def restars(
        self,
        village: Village,
        before: list[Truth],
        changed: Iterable[str],
        decide: StarDecider | None = None,
    ) -> list[Truth]:
        """`rerun`'s star statuses alone (no level): the stars that read a changed indicator
        decided again, and a star that requires one only when that one's status changed.
        `before` is never changed: the answer is a new list, or `before` itself when no
        status changed (the monitor's common case). `decide(index, village, stars)`: how a
        star is decided (another engine's, say), by default as `decide_star`."""
        pending: set[int] = set()
        for path in changed:
            pending.update(self._readers.get(path, ()))
        stars = before  # copied at the first status that changes
        for entry in self._deciders:  # a required star before the stars requiring it
            index = entry[0]
            if index in pending:
                if decide is None:
                    status = entry[1](village, stars)
                else:
                    status = decide(index, village, stars)
                if status is not stars[index]:
                    if stars is before:
                        stars = list(before)
                    stars[index] = status
                    pending.update(self._requirers[index])
        return stars

    def stars_reading(self, path: str) -> frozenset[int]:
        """The stars whose outcome may change when this indicator changes: those that read
        it, and the stars that require those."""
        return self._dependents.get(path, frozenset())

    def decide_star(self, index: int, village: Village, stars: list[Truth]) -> Truth:
        """One star's status, reading the statuses of the stars it requires from `stars`."""
        return self._decider_of[index][1](village, stars)

    def outcome(self, village: Village, stars: list[Truth]) -> Outcome:
        """The outcome for these star statuses: the level decided, the explanation on demand."""
        return Outcome(stars, self.level(village, stars), self)

    def level(self, village: Village, stars: list[Truth]) -> LevelRange:
        """The level for these star statuses (without the rest of an outcome)."""
        if self.tree.levels is None:  # the default rule: the number of stars, as a range
            low = stars.count(True)
            return self._level_ranges[low, low + stars.count(None)]
        return self._level_ranges[self._own_level(village, stars)]

    def level_conditions(self, village: Village) -> list[tuple[int, Truth]]:
        """Each explicit level's value and the outcome of its `when` for this village,
        highest first (empty under the default rule)."""
        stars = self.run(village).stars
        env = LevelEnv({s.id: stars[s.index] for s in self.tree.stars}, village, self._points)
        return [
            (level.value, level.when.evaluate(village, env)) for level in self.tree.levels or ()
        ]

    def record(self, village: Village) -> list[Truth]:
        """The outcome of every criterion, group and veto (a veto passes when it does not
        hold): what an explanation is built from. The same walk as `run`, with a recorder."""
        return self.walk(village)[1]

    def record_stars(
        self, village: Village, stars: list[Truth], only: frozenset[int]
    ) -> list[Truth]:
        """`record` of these stars alone (by index, closed under `requires`; `stars`: the
        village's star statuses, as `run` decided them): the other stars' nodes are left
        None. For one star's explanation, without walking the rest."""
        statuses: list[Truth] = [None] * self.tree.node_count
        for entry in self._deciders:
            if entry[0] in only:
                record_star(entry, village, stars, statuses)
        return statuses

    def walk(self, village: Village) -> tuple[list[Truth], list[Truth]]:
        """(every star's status, every node's outcome): the evaluator with a recorder."""
        stars: list[Truth] = [None] * len(self.tree.stars)
        statuses: list[Truth] = [None] * self.tree.node_count
        for entry in self._deciders:
            stars[entry[0]] = record_star(entry, village, stars, statuses)
        return stars, statuses

    def _own_level(self, village: Village, stars: list[Truth]) -> tuple[int, int]:
        """(min, max) under the ruleset's own `levels`, highest first."""
        levels = self.tree.levels or ()
        by_id = LevelEnv({s.id: stars[s.index] for s in self.tree.stars}, village, self._points)
        possible: list[int] = []
        for level in levels:
            holds = level.when.evaluate(village, by_id)
            if holds is None:
                possible.append(level.value)
            elif holds:
                possible.append(level.value)
                break
        else:
            possible.append(0)
        return min(possible), max(possible)


def _decider(star: Star, requires: tuple[int, ...]) -> Decider:
    """A star's deciding walk, its grant group's recording, its vetoes and requirements."""
    grant_walk, record = decide_and_record(star.grant)
    vetoes = tuple((v.index, v.test.on_village) for v in star.vetoes)
    return star.index, star_deciding(star, requires, grant_walk), record, vetoes, requires


def _readers(tree: RuleTree) -> dict[str, frozenset[int]]:
    """Indicator path → the stars whose criteria or vetoes read it."""
    readers: dict[str, set[int]] = {}
    for star in tree.stars:
        for node in star.nodes:
            if isinstance(node, Criterion):
                for path in node.test.names:
                    readers.setdefault(path, set()).add(star.index)
    return {path: frozenset(found) for path, found in readers.items()}


def _requirers(tree: RuleTree) -> tuple[tuple[int, ...], ...]:
    """Per star index, the stars that require it."""
    return tuple(
        tuple(other.index for other in tree.stars if star.id in other.requires)
        for star in tree.stars
    )


def _dependents(
    readers: dict[str, frozenset[int]], requirers: tuple[tuple[int, ...], ...]
) -> dict[str, frozenset[int]]:
    """Indicator path → the stars that read it, directly or through a required star."""

    def closure(start: frozenset[int]) -> frozenset[int]:
        found = set(start)
        pending = list(start)
        while pending:
            for other in requirers[pending.pop()]:
                if other not in found:
                    found.add(other)
                    pending.append(other)
        return frozenset(found)

    return {path: closure(stars) for path, stars in readers.items()}


def level_ranges(tree: RuleTree) -> dict[tuple[int, int], LevelRange]:
    """Every possible level range, built once and shared: a level is only its (min, max)."""
    values = level_values(tree)
    return {(low, high): LevelRange(low, high) for low in values for high in values if low <= high}


def level_values(tree: RuleTree) -> list[int]:
    """The levels a village can have under this tree, lowest first (0 always among them)."""
    if tree.levels is None:
        return list(range(len(tree.stars) + 1))
    return sorted({0, *(level.value for level in tree.levels)})
