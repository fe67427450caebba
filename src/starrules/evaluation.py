"""Evaluation: run compiled rules over a village, in three-valued (Kleene) logic.

Truth values are True (pass), False (fail) and None (unknown). Every group rule (all, any,
at_least, min_points) is one kernel, `GroupKernel`: a threshold over integer weights. One
evaluator walks the rule tree on it: without a recorder it stops wherever Kleene logic has
decided (`Program.run`: the star statuses and the level); with one (`Program.walk`,
`Program.record`) it runs every node and records each outcome in a flat status vector,
from which the Assessment builds explanations on demand (see assessment.py). Nothing here
keeps state between calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, Protocol

from . import messages
from .errors import EvaluationError, did_you_mean
from .exact import Exact, as_number, exact, scaled
from .explain.records import LazyTables
from .explain.results import LevelResult
from .i18n import Text
from .indicators import IndicatorKind
from .rules import Criterion, Group, RuleTree, default_level_name, requirements_first
from .village import Village

Truth = bool | None
Recorder = list[Truth] | None  # the status vector to record every node in, or None


class Walk(Protocol):
    """A group's evaluator: `walk(village)` decides, `walk(village, statuses)` records."""

    def __call__(self, village: Village, out: Recorder = None, /) -> Truth: ...


@dataclass(frozen=True, slots=True)
class GroupKernel:
    """Every group rule as one Kleene threshold over integer weights: a group passes once
    the weight of its passing items reaches `bar`, and fails once even every unknown item
    passing could not reach it. `all` is n of n (weight 1 each), `any` 1 of n, `at_least`
    k of n, `min_points` the items' points scaled to integers over `denominator` (exact:
    0.1 + 0.7 reaches 0.8, see exact.py). The evaluator, the reference functions, the
    points() range and the rete translation all read these notions."""

    weights: tuple[int, ...]
    bar: int
    denominator: int = 1

    @staticmethod
    def of(group: Group) -> GroupKernel:
        n = len(group.items)
        if group.rule == "all":
            return GroupKernel((1,) * n, n)
        if group.rule == "any":
            return GroupKernel((1,) * n, 1)
        needed = group.needed or 0.0
        if group.rule == "at_least":
            return GroupKernel((1,) * n, math.ceil(exact(needed)))
        numerators, denominator = scaled([needed, *(item.points or 0.0 for item in group.items)])
        return GroupKernel(tuple(numerators[1:]), numerators[0], denominator)

    @property
    def total(self) -> int:
        return sum(self.weights)

    @property
    def slack(self) -> int:
        """The most weight that may fail with the bar still reachable (negative: never)."""
        return self.total - self.bar

    def reached(self, passed: int) -> bool:
        """Already reached: these passing items settle the group as passed."""
        return passed >= self.bar

    def reachable(self, failed: int) -> bool:
        """Can still reach: the bar is within reach with these items failed."""
        return failed <= self.slack

    def verdict(self, passed: int, failed: int) -> Truth:
        """The outcome once items of these weights passed and failed (the rest unknown)."""
        if self.reached(passed):
            return True
        return None if self.reachable(failed) else False

    def tally(self, values: Sequence[Truth]) -> tuple[int, int]:
        """(weight passed, weight failed) of the items' outcomes."""
        passed = failed = 0
        for weight, value in zip(self.weights, values, strict=True):
            if value is True:
                passed += weight
            elif value is False:
                failed += weight
        return passed, failed

    def outcome(self, values: Sequence[Truth]) -> Truth:
        return self.verdict(*self.tally(values))

    def points(self, passed: int, failed: int) -> tuple[Exact, Exact]:
        """The range of points earned: (passing items, passing + unknown), exact."""
        d = self.denominator
        return as_number(passed, d), as_number(self.total - failed, d)

    @property
    def any_fail_decides(self) -> bool:
        """Every failing item alone settles a fail, and only every item passing reaches the
        bar (n of n, as `all`): deciding needs no sums."""
        return 0 <= self.slack < min(self.weights, default=math.inf)

    @property
    def any_pass_decides(self) -> bool:
        """Every passing item alone reaches the bar, and only every item failing settles a
        fail (1 of n, as `any`): deciding needs no sums."""
        return 0 < self.bar <= min(self.weights, default=0)


def all_of(values: list[Truth]) -> Truth:
    """Kleene 'all': fail if any fails; else unknown if any unknown; else pass."""
    return GroupKernel((1,) * len(values), len(values)).outcome(values)


def any_of(values: list[Truth]) -> Truth:
    """Kleene 'any': pass if any passes; else unknown if any unknown; else fail."""
    return GroupKernel((1,) * len(values), 1).outcome(values)


def at_least(k: float, values: list[Truth]) -> Truth:
    """Pass if ≥ k pass; fail if even every unknown passing would not reach k."""
    return GroupKernel((1,) * len(values), math.ceil(exact(k))).outcome(values)


def min_points(
    bar: float | Fraction, points: Sequence[float | Fraction], values: list[Truth]
) -> Truth:
    """Pass if the passing items' points reach the bar; fail if no completion can. Points
    and bar are added and compared exactly, a float as the decimal it reads as (see
    exact.py): 0.1 + 0.7 reaches 0.8."""
    numerators, denominator = scaled([bar, *points])
    return GroupKernel(tuple(numerators[1:]), numerators[0], denominator).outcome(values)


def star_status(grant: Truth, vetoes: list[Truth], required: list[Truth]) -> Truth:
    """Granted (True) / denied (False) / undetermined (None), per spec §3. The reference
    definition: the evaluator decides the same inline, and the tests hold it to this."""
    if grant is False or True in vetoes or False in required:
        return False
    if grant is True and None not in vetoes and None not in required:
        return True
    return None


def _walk(group: Group) -> Walk:
    """The evaluator of a group, one walk of its subtree. `walk(village)` stops at the
    first item that settles the kernel's verdict (items in ruleset order, so authors who
    list decisive criteria first help); `walk(village, statuses)` runs every item and
    records every node's outcome in the status vector (the tracer pattern)."""
    return _walk_and_record(group)[0]


def _walk_and_record(group: Group) -> tuple[Walk, Callable[[Village, list[Truth]], Truth]]:
    """A group's walk, and its recording part (what the walk does given a recorder), which
    an enclosing group's recording calls directly."""
    kernel = GroupKernel.of(group)
    bar, slack, index = kernel.bar, kernel.slack, group.index
    # Deciding: a criterion's test, or a sub-group's walk, called with the village alone.
    # Recording: (test, weight, slot) for a criterion, recorded in `slot`; (the sub-group's
    # recording, weight, -1) for a sub-group, which records itself.
    decide: list[Callable[[Village], Truth]] = []
    recording: list[tuple[Callable[..., Truth], int, int]] = []
    for item, weight in zip(group.items, kernel.weights, strict=True):
        if isinstance(item, Criterion):
            decide.append(item.test.on_village)
            recording.append((item.test.on_village, weight, item.index))
        else:
            sub_walk, sub_record = _walk_and_record(item)
            decide.append(sub_walk)
            recording.append((sub_record, weight, -1))
    tests, items = tuple(decide), tuple(recording)
    weighted = tuple(zip(tests, kernel.weights, strict=True))

    def record(v: Village, out: list[Truth]) -> Truth:
        passed = failed = 0
        for test, weight, slot in items:
            if slot < 0:
                result = test(v, out)
            else:
                result = out[slot] = test(v)
            if result is True:
                passed += weight
            elif result is False:
                failed += weight
        # kernel.verdict(passed, failed), inline: once per group and recorded village
        outcome = out[index] = True if passed >= bar else (None if failed <= slack else False)
        return outcome

    # Deciding is the hot path. Its loop is the kernel's two checks inline; for n of n
    # (all) and 1 of n (any) one check can only fire at the end, so it needs no sums.
    if kernel.any_fail_decides:

        def walk(v: Village, out: Recorder = None, /) -> Truth:
            if out is not None:
                return record(v, out)
            unknown = False
            for test in tests:
                result = test(v)
                if result is False:
                    return False
                if result is None:
                    unknown = True
            return None if unknown else True

    elif kernel.any_pass_decides:

        def walk(v: Village, out: Recorder = None, /) -> Truth:
            if out is not None:
                return record(v, out)
            unknown = False
            for test in tests:
                result = test(v)
                if result is True:
                    return True
                if result is None:
                    unknown = True
            return None if unknown else False

    else:

        def walk(v: Village, out: Recorder = None, /) -> Truth:
            if out is not None:
                return record(v, out)
            passed = failed = 0
            for test, weight in weighted:
                result = test(v)
                if result is True:
                    passed += weight
                    if passed >= bar:
                        return True
                elif result is False:
                    failed += weight
                    if failed > slack:
                        return False
            return kernel.verdict(passed, failed)  # e.g. a bar of 0: passed with no item

    return walk, record


def _points_range(group: Group) -> Callable[[Village], tuple[Exact, Exact]]:
    """The points a min_points group's items earn: (passing items, passing + unknown), as
    exact numbers (ints when every item's points are whole)."""
    kernel = GroupKernel.of(group)
    tests = tuple(
        item.test.on_village if isinstance(item, Criterion) else _walk(item) for item in group.items
    )

    def earned(v: Village) -> tuple[Exact, Exact]:
        return kernel.points(*kernel.tally([test(v) for test in tests]))

    return earned


class _LevelEnv(dict[str, Truth]):
    """What level conditions read: each star's outcome by id, and points("group")."""

    __slots__ = ("_points", "_village")

    def __init__(
        self,
        stars: dict[str, Truth],
        village: Village,
        points: dict[str, Callable[[Village], tuple[Exact, Exact]]],
    ) -> None:
        super().__init__(stars)
        self._village = village
        self._points = points

    def points(self, group_id: str) -> tuple[Exact, Exact]:
        """The range of points("group"), exact: compare it with exact numbers only."""
        return self._points[group_id](self._village)


Decider = tuple[
    int,  # the star's index
    Walk,  # its grant group
    Callable[[Village, list[Truth]], Truth],  # the grant group's recording
    tuple[tuple[int, Callable[[Village], Truth]], ...],  # vetoes: (slot, test)
    tuple[int, ...],  # the stars it requires
]


def _walk_star(entry: Decider, village: Village, stars: list[Truth], out: Recorder) -> Truth:
    """A star's status per spec §3 (as `star_status`): without a recorder, stopping where
    Kleene allows; with one, recording its grant tree and vetoes (a veto passes when it
    does not hold) first."""
    _, grant, record, vetoes, requires = entry
    if out is None:
        status = grant(village)
        if status is False:
            return False
        open_ = status is None
        for _, veto in vetoes:
            hit = veto(village)
            if hit is True:
                return False
            if hit is None:
                open_ = True
    else:
        status = record(village, out)
        open_ = status is None
        denied = status is False
        for slot, veto in vetoes:
            hit = veto(village)
            out[slot] = None if hit is None else not hit
            denied = denied or hit is True
            open_ = open_ or hit is None
        if denied:
            return False
    for required in requires:
        other = stars[required]
        if other is False:
            return False
        if other is None:
            open_ = True
    return None if open_ else True


@dataclass(slots=True)
class Outcome:
    """The raw result of one evaluation (True / False / None per node and per star): what an
    Assessment is made from (assessment.py builds the explanations from it on demand)."""

    stars: list[Truth]
    level: LevelResult  # shared between assessments: immutable, one per (min, max)
    record: Callable[[Village], list[Truth]]  # every node's outcome, on demand
    tables: LazyTables  # the ruleset's parts of every record, built once


class Program:
    """A compiled ruleset ready to run: immutable, re-entrant, safe to share across threads."""

    __slots__ = (
        "_decider_of",
        "_deciders",
        "_dependents",
        "_level_results",
        "_points",
        "record_tables",
        "requirements_order",
        "tree",
    )

    def __init__(self, tree: RuleTree) -> None:
        self.tree = tree
        index_of = {s.id: s.index for s in tree.stars}
        ordered = requirements_first(tree.stars)
        # Plain tuples: the hot loop unpacks them instead of reading attributes.
        self._deciders: tuple[Decider, ...] = tuple(
            (
                star.index,
                *_walk_and_record(star.grant),
                tuple((v.index, v.test.on_village) for v in star.vetoes),
                tuple(index_of[r] for r in star.requires),
            )
            for star in ordered
        )
        self._decider_of = {entry[0]: entry for entry in self._deciders}
        self.requirements_order = tuple(entry[0] for entry in self._deciders)
        self._level_results = _level_results(tree)
        self.record_tables = LazyTables(tree)
        self._dependents = _dependents(tree)
        self._points = {
            node.id: _points_range(node)
            for star in tree.stars
            for node in star.nodes
            if isinstance(node, Group) and node.rule == "min_points"
        }

    def check(
        self, village: Village, on: date, check_dates: bool = True, strict: bool = False
    ) -> tuple[str, ...]:
        """Reject a village this ruleset cannot judge, with the reason; return the `extra`
        indicators it gives that the ruleset does not declare (ignored; an error when
        `strict`)."""
        tree = self.tree
        ruleset = f"{tree.id}@{tree.version}"
        if village.kind != tree.kind:
            raise EvaluationError.of(
                None,
                "SR570",
                name=village.name,
                kind=messages.village_kind(village.kind),
                ruleset=ruleset,
                expected=messages.village_kind(tree.kind),
            )
        if not (
            village.jurisdiction == tree.jurisdiction
            or village.jurisdiction.startswith(tree.jurisdiction + "/")
        ):
            raise EvaluationError.of(
                None,
                "SR571",
                name=village.name,
                jurisdiction=village.jurisdiction,
                scope=tree.jurisdiction,
                ruleset=ruleset,
            )
        if check_dates and not tree.in_force(on):
            until = tree.effective_until or messages.Both("open end", "长期")
            raise EvaluationError.of(
                None,
                "SR572",
                ruleset=ruleset,
                date=on.isoformat(),
                start=tree.effective_from,
                until=until,
            )
        ignored: list[str] = []
        for key, value in village.extra.items():
            spec = tree.indicators.get(f"extra.{key}")
            if spec is None:
                if strict:
                    declared = [p for p in tree.indicators if p.startswith("extra.")]
                    hint = did_you_mean(f"extra.{key}", declared)
                    listed = ", ".join(declared)
                    raise EvaluationError.of(
                        None,
                        "SR573",
                        name=village.name,
                        path=f"extra.{key}",
                        ruleset=ruleset,
                        suggestion=messages.aside(hint),
                        declared=messages.Both(
                            f" (it declares: {listed})" if declared else "",
                            f"（它定义的是：{listed}）" if declared else "",
                        ),
                    )
                ignored.append(f"extra.{key}")
                continue
            if value is None:
                continue  # unknown
            if not fits_kind(spec.kind, value):
                raise EvaluationError.of(
                    None,
                    "SR574",
                    name=village.name,
                    path=f"extra.{key}",
                    value=repr(value),
                    kind=messages.value_kind(spec.kind.value),
                )
        return tuple(sorted(ignored)) if ignored else ()

    def run(self, village: Village) -> Outcome:
        """Decide every star and the level (spec §3), short-circuiting where Kleene allows."""
        return self._run(village, [None] * len(self.tree.stars), None)

    def rerun(self, village: Village, before: list[Truth], changed: Iterable[str]) -> Outcome:
        """Decide again only the stars that read a changed indicator (and the stars that
        require them), keeping `before` for the rest; the level is always re-decided.
        Equal to `run(village)` when `before` was `run` on the village before the change."""
        return self._run(village, list(before), self.stars_affected(changed))

    def restars(self, village: Village, before: list[Truth], changed: Iterable[str]) -> list[Truth]:
        """`rerun`'s star statuses alone (no level, no outcome): for the monitor, which
        decides the level only when a status changed."""
        stars = list(before)
        dirty = self.stars_affected(changed)
        walk = _walk_star
        for entry in self._deciders:
            if entry[0] in dirty:
                stars[entry[0]] = walk(entry, village, stars, None)
        return stars

    def stars_reading(self, path: str) -> frozenset[int]:
        """The stars whose outcome may change when this indicator changes: those that read
        it, and the stars that require those."""
        return self._dependents.get(path, frozenset())

    def stars_affected(self, changed: Iterable[str]) -> set[int]:
        """`stars_reading` for several changed indicators at once."""
        dirty: set[int] = set()
        for path in changed:
            dirty.update(self._dependents.get(path, ()))
        return dirty

    def _run(self, village: Village, stars: list[Truth], dirty: set[int] | None) -> Outcome:
        walk = _walk_star
        for entry in self._deciders:
            if dirty is None or entry[0] in dirty:
                stars[entry[0]] = walk(entry, village, stars, None)
        return self.outcome(village, stars)

    def decide_star(self, index: int, village: Village, stars: list[Truth]) -> Truth:
        """One star's status, reading the statuses of the stars it requires from `stars`."""
        return _walk_star(self._decider_of[index], village, stars, None)

    def outcome(self, village: Village, stars: list[Truth]) -> Outcome:
        """The outcome for these star statuses: the level decided, the explanation on demand."""
        level = self._level_results[self._level(village, stars)]
        return Outcome(stars, level, self.record, self.record_tables)

    def level(self, village: Village, stars: list[Truth]) -> LevelResult:
        """The level for these star statuses (without the rest of an outcome)."""
        return self._level_results[self._level(village, stars)]

    def level_conditions(self, village: Village) -> list[tuple[int, Truth]]:
        """Each explicit level's value and the outcome of its `when` for this village,
        highest first (empty under the default rule)."""
        stars = self.run(village).stars
        env = _LevelEnv({s.id: stars[s.index] for s in self.tree.stars}, village, self._points)
        return [
            (level.value, level.when.evaluate(village, env)) for level in self.tree.levels or ()
        ]

    def record(self, village: Village) -> list[Truth]:
        """The outcome of every criterion, group and veto (a veto passes when it does not
        hold): what an explanation is built from. The same walk as `run`, with a recorder."""
        return self.walk(village)[1]

    def walk(self, village: Village) -> tuple[list[Truth], list[Truth]]:
        """(every star's status, every node's outcome): the evaluator with a recorder."""
        stars: list[Truth] = [None] * len(self.tree.stars)
        statuses: list[Truth] = [None] * self.tree.node_count
        for entry in self._deciders:
            stars[entry[0]] = _walk_star(entry, village, stars, statuses)
        return stars, statuses

    def _level(self, village: Village, stars: list[Truth]) -> tuple[int, int]:
        levels = self.tree.levels
        if levels is None:
            low = stars.count(True)
            return low, low + stars.count(None)
        by_id = _LevelEnv({s.id: stars[s.index] for s in self.tree.stars}, village, self._points)
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


def _dependents(tree: RuleTree) -> dict[str, frozenset[int]]:
    """Indicator path → the stars that read it, directly or through a required star."""
    readers: dict[str, set[int]] = {}
    for star in tree.stars:
        for node in star.nodes:
            if isinstance(node, Criterion):
                for path in node.test.names:
                    readers.setdefault(path, set()).add(star.index)
    requiring: dict[int, set[int]] = {s.index: set() for s in tree.stars}
    for star in tree.stars:
        for required in star.requires:
            requiring[tree.star_index[required]].add(star.index)

    def closure(start: set[int]) -> frozenset[int]:
        found = set(start)
        pending = list(start)
        while pending:
            for other in requiring[pending.pop()]:
                if other not in found:
                    found.add(other)
                    pending.append(other)
        return frozenset(found)

    return {path: closure(stars) for path, stars in readers.items()}


def _level_results(tree: RuleTree) -> dict[tuple[int, int], LevelResult]:
    """Every possible level range, built once: a level depends only on its (min, max)."""
    names: dict[int, tuple[Text, str | None]] = {0: (default_level_name(0), None)}
    if tree.levels is None:
        values = list(range(len(tree.stars) + 1))
        names.update((v, (default_level_name(v), None)) for v in values)
    else:
        values = sorted({0, *(level.value for level in tree.levels)})
        names.update((level.value, (level.name, level.named_by)) for level in tree.levels)
    results: dict[tuple[int, int], LevelResult] = {}
    for low in values:
        for high in values:
            if low > high:
                continue
            name, named_by = names[low] if low == high else (None, None)
            results[(low, high)] = LevelResult(
                value=low if low == high else None,
                min=low,
                max=high,
                name=name,
                named_by=named_by,
            )
    return results


def fits_kind(kind: IndicatorKind, value: Any) -> bool:
    if kind is IndicatorKind.BOOL:
        return isinstance(value, bool)
    if kind is IndicatorKind.STRING:
        return isinstance(value, str)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if kind is IndicatorKind.COUNT:  # a whole float (3.0, as spreadsheets write) counts
        return (isinstance(value, int) or value.is_integer()) and value >= 0
    if kind is IndicatorKind.MONEY:
        return value >= 0
    if kind is IndicatorKind.RATE:
        return 0 <= value <= 1
    return True


__all__ = [
    "GroupKernel",
    "Outcome",
    "Program",
    "Truth",
    "all_of",
    "any_of",
    "at_least",
    "min_points",
    "star_status",
]
