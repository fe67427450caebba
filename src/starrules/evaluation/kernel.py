"""The Kleene kernel: truth values, and every group rule (all, any, at_least, min_points) as
one threshold over integer weights. The evaluator, the reference functions, the points()
range, the columnar engine and the rete translation all read it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..exact import Exact, as_number, exact, scaled
from ..rules import Group

Truth = bool | None


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
