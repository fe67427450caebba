"""Evaluation: run compiled rules over a village, in three-valued (Kleene) logic.

Truth values are True (pass), False (fail) and None (unknown). The hot path records the
outcome of every criterion, group and veto in a flat status vector and decides stars and
the level; everything an explanation needs beyond that is derived later, on demand, by
the Assessment (see assessment.py). Nothing here keeps state between calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from .assessment import Assessment, Outcome
from .errors import EvaluationError
from .exact import Exact, as_number, exact, scaled
from .i18n import Text
from .indicators import IndicatorKind
from .results import LevelResult
from .rules import Criterion, Group, RuleTree, default_level_name, requirements_first
from .village import Village

Truth = bool | None
NodeFn = Callable[[Village, list[Truth]], Truth]


def all_of(values: list[Truth]) -> Truth:
    """Kleene 'all': fail if any fails; else unknown if any unknown; else pass."""
    if False in values:
        return False
    return None if None in values else True


def any_of(values: list[Truth]) -> Truth:
    """Kleene 'any': pass if any passes; else unknown if any unknown; else fail."""
    if True in values:
        return True
    return None if None in values else False


def at_least(k: float, values: list[Truth]) -> Truth:
    """Pass if ≥ k pass; fail if even every unknown passing would not reach k."""
    passed = values.count(True)
    if passed >= k:
        return True
    return False if passed + values.count(None) < k else None


def min_points(
    bar: float | Fraction, points: Sequence[float | Fraction], values: list[Truth]
) -> Truth:
    """Pass if the passing items' points reach the bar; fail if no completion can. Points
    and bar are added and compared exactly, a float as the decimal it reads as (see
    exact.py): 0.1 + 0.7 reaches 0.8."""
    return _min_points_exact(exact(bar), [exact(p) for p in points], values)


def _min_points_exact(bar: Exact, weights: Sequence[Exact], values: list[Truth]) -> Truth:
    """`min_points` over exact numbers (the recorder passes integers, scaled by `_weights`)."""
    low = sum(w for w, v in zip(weights, values, strict=True) if v is True)
    if low >= bar:
        return True
    high = low + sum(w for w, v in zip(weights, values, strict=True) if v is None)
    return False if high < bar else None


def _weights(group: Group) -> tuple[list[int], int, int]:
    """An at_least or min_points group as integers: (weight of each item, bar, denominator),
    so that the items' points over `denominator` are exactly the points written, and
    adding and comparing them is exact and as fast as it gets. at_least: weight 1 each."""
    needed = group.needed or 0.0
    if group.rule != "min_points":
        return [1] * len(group.items), math.ceil(exact(needed)), 1
    numerators, denominator = scaled([needed, *(item.points or 0.0 for item in group.items)])
    return numerators[1:], numerators[0], denominator


def star_status(grant: Truth, vetoes: list[Truth], required: list[Truth]) -> Truth:
    """Granted (True) / denied (False) / undetermined (None), per spec §3. The reference
    definition: `Program.run` decides the same inline, and the tests hold it to this."""
    if grant is False or True in vetoes or False in required:
        return False
    if grant is True and None not in vetoes and None not in required:
        return True
    return None


def _decide_group(group: Group) -> Callable[[Village], Truth]:
    """The fast path: a group's outcome only, stopping as soon as it is decided (Kleene).
    Items are tried in ruleset order, so authors who list decisive criteria first help."""
    tests = tuple(
        item.test.on_village if isinstance(item, Criterion) else _decide_group(item)
        for item in group.items
    )
    if group.rule == "all":

        def decide_all(v: Village) -> Truth:
            unknown = False
            for test in tests:
                result = test(v)
                if result is False:
                    return False
                if result is None:
                    unknown = True
            return None if unknown else True

        return decide_all
    if group.rule == "any":

        def decide_any(v: Village) -> Truth:
            unknown = False
            for test in tests:
                result = test(v)
                if result is True:
                    return True
                if result is None:
                    unknown = True
            return None if unknown else False

        return decide_any
    assert group.needed is not None
    weights, needed, _ = _weights(group)  # integers: exact, and no slower than floats
    weighted = tuple(zip(tests, weights, strict=True))
    total = sum(weights)

    def decide_reach(v: Village) -> Truth:
        passed = failed = 0
        for test, weight in weighted:
            result = test(v)
            if result is True:
                passed += weight
                if passed >= needed:
                    return True
            elif result is False:
                failed += weight
                if total - failed < needed:
                    return False
        return None

    return decide_reach


def _record_group(group: Group) -> NodeFn:
    """The explaining path: runs every item (no short cut), records each outcome in the
    status vector, and applies the reference group functions above. Its conclusions equal
    `_decide_group`'s; the tests check that they always do."""
    index = group.index
    items = tuple(
        (item.index, item.test.on_village, None)
        if isinstance(item, Criterion)
        else (None, None, _record_group(item))
        for item in group.items
    )
    weights, needed, _ = _weights(group)
    rule = group.rule

    def record_group(v: Village, out: list[Truth]) -> Truth:
        results: list[Truth] = []
        for slot, test, subgroup in items:
            if subgroup is not None:
                results.append(subgroup(v, out))
            else:
                assert slot is not None and test is not None
                result = test(v)
                out[slot] = result
                results.append(result)
        if rule == "all":
            outcome = all_of(results)
        elif rule == "any":
            outcome = any_of(results)
        elif rule == "at_least":
            outcome = at_least(needed, results)
        else:
            outcome = _min_points_exact(needed, weights, results)
        out[index] = outcome
        return outcome

    return record_group


def _points_range(group: Group) -> Callable[[Village], tuple[Exact, Exact]]:
    """The points a min_points group's items earn: (passing items, passing + unknown), as
    exact numbers (ints when every item's points are whole)."""
    weights, _, denominator = _weights(group)
    items = tuple(
        (item.test.on_village if isinstance(item, Criterion) else _decide_group(item), weight)
        for item, weight in zip(group.items, weights, strict=True)
    )

    def earned(v: Village) -> tuple[int, int]:
        low = high = 0
        for test, points in items:
            result = test(v)
            if result is True:
                low += points
                high += points
            elif result is None:
                high += points
        return low, high

    if denominator == 1:  # whole points: the integers are the points
        return earned

    def earned_fractions(v: Village) -> tuple[Exact, Exact]:
        low, high = earned(v)
        return as_number(low, denominator), as_number(high, denominator)

    return earned_fractions


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
    int, Callable[[Village], Truth], tuple[Callable[[Village], Truth], ...], tuple[int, ...]
]


def _decide_star(entry: Decider, village: Village, stars: list[Truth]) -> Truth:
    """A star's status per spec §3 (as `star_status`), short-circuiting where Kleene allows."""
    _, grant, vetoes, requires = entry
    status = grant(village)
    if status is False:
        return False
    open_ = status is None
    for veto in vetoes:
        hit = veto(village)
        if hit is True:
            return False
        if hit is None:
            open_ = True
    for required in requires:
        other = stars[required]
        if other is False:
            return False
        if other is None:
            open_ = True
    return None if open_ else True


class Program:
    """A compiled ruleset ready to run: immutable, re-entrant, safe to share across threads."""

    __slots__ = (
        "_decider_of",
        "_deciders",
        "_dependents",
        "_level_results",
        "_points",
        "_recorders",
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
                _decide_group(star.grant),
                tuple(v.test.on_village for v in star.vetoes),
                tuple(index_of[r] for r in star.requires),
            )
            for star in ordered
        )
        self._decider_of = {entry[0]: entry for entry in self._deciders}
        self.requirements_order = tuple(entry[0] for entry in self._deciders)
        self._recorders = tuple(
            (_record_group(star.grant), tuple((v.index, v.test.on_village) for v in star.vetoes))
            for star in ordered
        )
        self._level_results = _level_results(tree)
        self._dependents = _dependents(tree)
        self._points = {
            node.id: _points_range(node)
            for star in tree.stars
            for node in star.nodes
            if isinstance(node, Group) and node.rule == "min_points"
        }

    def check(self, village: Village, on: date, check_dates: bool = True) -> None:
        """Reject a village this ruleset cannot judge, with the reason."""
        tree = self.tree
        if village.kind != tree.kind:
            raise EvaluationError(
                f"village '{village.name}' is {village.kind}, but ruleset "
                f"{tree.id}@{tree.version} is for {tree.kind}"
            )
        if not (
            village.jurisdiction == tree.jurisdiction
            or village.jurisdiction.startswith(tree.jurisdiction + "/")
        ):
            raise EvaluationError(
                f"village '{village.name}' is in {village.jurisdiction}, "
                f"outside {tree.jurisdiction} where ruleset {tree.id}@"
                f"{tree.version} applies"
            )
        if check_dates and not tree.in_force(on):
            until = tree.effective_until.isoformat() if tree.effective_until else "open end"
            raise EvaluationError(
                f"ruleset {tree.id}@{tree.version} is not in force on "
                f"{on.isoformat()} (effective {tree.effective_from} to "
                f"{until})"
            )
        for key, value in village.extra.items():
            spec = tree.indicators.get(f"extra.{key}")
            if value is None and spec is not None:
                continue  # unknown
            if spec is None:
                declared = [p for p in tree.indicators if p.startswith("extra.")]
                raise EvaluationError(
                    f"village '{village.name}': indicator 'extra.{key}' "
                    f"is not declared by ruleset {tree.id}@{tree.version}"
                    + (f" (it declares: {', '.join(declared)})" if declared else "")
                )
            if not fits_kind(spec.kind, value):
                raise EvaluationError(
                    f"village '{village.name}': extra.{key} = {value!r} is "
                    f"not a valid {spec.kind.value}"
                )

    def run(self, village: Village) -> Outcome:
        """Decide every star and the level (spec §3), short-circuiting where Kleene allows."""
        return self._run(village, [None] * len(self.tree.stars), None)

    def rerun(self, village: Village, before: list[Truth], changed: Iterable[str]) -> Outcome:
        """Decide again only the stars that read a changed indicator (and the stars that
        require them), keeping `before` for the rest; the level is always re-decided.
        Equal to `run(village)` when `before` was `run` on the village before the change."""
        return self._run(village, list(before), self.stars_affected(changed))

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
        decide = _decide_star
        for entry in self._deciders:
            if dirty is None or entry[0] in dirty:
                stars[entry[0]] = decide(entry, village, stars)
        return self.outcome(village, stars)

    def decide_star(self, index: int, village: Village, stars: list[Truth]) -> Truth:
        """One star's status, reading the statuses of the stars it requires from `stars`."""
        return _decide_star(self._decider_of[index], village, stars)

    def outcome(self, village: Village, stars: list[Truth]) -> Outcome:
        """The outcome for these star statuses: the level decided, the explanation on demand."""
        return Outcome(stars, self._level_results[self._level(village, stars)], self.record)

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
        hold): what an explanation is built from."""
        statuses: list[Truth] = [None] * self.tree.node_count
        for grant, vetoes in self._recorders:
            grant(village, statuses)
            for index, veto in vetoes:
                hit = veto(village)
                statuses[index] = None if hit is None else not hit
        return statuses

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


def evaluate(
    program: Program, village: Village, on: date | None = None, check_dates: bool = True
) -> Assessment:
    """Assess one village; the date is the village's `as_of`, else `on`, else today."""
    used = village.as_of or on or date.today()
    program.check(village, used, check_dates)
    return Assessment(program.tree, village, used, program.run(village))


__all__ = [
    "Program",
    "Truth",
    "all_of",
    "any_of",
    "at_least",
    "evaluate",
    "min_points",
    "star_status",
]
