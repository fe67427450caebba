"""What a compiled expression can say about a village's result beyond the value: the
threshold a test turns on (to say 'short by …'), the denominators that were 0 and the
arithmetic steps that overflowed (why a known input gave unknown)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .ast import Node, to_source
from .operators import COMPARE, FLOAT_MAX, NEGATE, real

Evaluator = Callable[[Any, Any], Any]  # (village, stars) -> value, None for unknown


@dataclass(frozen=True, slots=True)
class Threshold:
    """A test of the form `<subject> <op> <limit>`: lets an explanation say 'short by …'."""

    subject: Evaluator
    op: str
    limit: float
    integral: bool  # the subject is a count: a strict bound moves by whole steps
    rate: bool  # the subject is a rate or a ratio (explained in percentage points)

    def needed(self, want: bool) -> str:
        """The comparison the subject must satisfy for the test to come out `want`."""
        return self.op if want else NEGATE[self.op]

    def gap(self, value: float, want: bool) -> float | None:
        """How far `value` must move for the comparison to come out `want` (>= 0), or None
        when it already does. A strict bound on a real number can give 0: 'more than 30%'
        with 30% observed is short by an arbitrarily small amount."""
        return self._gap_of(want, _as_given)(value)

    def village_gap(self, want: bool) -> Callable[[Any], float | None]:
        """`gap(subject's value in the village, want)` as `of(village)`: None when that
        value is not a number (unknown, or a yes/no)."""
        return self._gap_of(want, self.subject)

    def _gap_of(self, want: bool, read: Evaluator) -> Callable[[Any], float | None]:
        """The gap of the value `read(x, None)` gives, with what depends on the rules
        alone worked out once. Run for every failing criterion of every explained village,
        so its steps are inline."""
        op, limit = self.needed(want), self.limit
        holds = COMPARE[op]
        if real(limit) is None:
            return lambda x: None  # no distance to a value that is not a real number
        integral = self.integral
        bound = _whole_bound(op, limit) if integral else 0

        def of(x: Any) -> float | None:
            value = read(x, None)
            if value.__class__ is bool or not isinstance(value, int | float):
                return None
            # not a real number (inf, NaN, beyond a float), or no distance to go
            if not -FLOAT_MAX <= value <= FLOAT_MAX or holds(value, limit):
                return None
            try:  # a count: to the nearest whole number that satisfies the bound; else
                # rounded, no float noise such as 0.04999999999999993
                distance = float(abs(bound - value)) if integral else round(abs(limit - value), 9)
            except OverflowError:
                return FLOAT_MAX
            return distance if distance <= FLOAT_MAX else FLOAT_MAX  # inf: the largest

        return of


def _as_given(value: Any, _stars: Any) -> Any:
    return value


def _whole_bound(op: str, limit: float) -> int:
    """The whole number nearest to `limit` that satisfies `x <op> limit`."""
    if op == ">=":
        return math.ceil(limit)
    if op == ">":
        return math.floor(limit) + 1
    if op == "<=":
        return math.floor(limit)
    return math.ceil(limit) - 1  # "<"


@dataclass(frozen=True, slots=True)
class Divisor:
    """A denominator in the expression: when it is 0 the result is unknown."""

    text: str
    evaluate: Evaluator


@dataclass(frozen=True, slots=True)
class Step:
    """An arithmetic step or a numeric function call: when its operands are known and its
    result is not a real number a float can hold (it overflows), the result is unknown."""

    node: Node
    op: Callable[..., Any]
    operands: tuple[Evaluator, ...]

    @property
    def text(self) -> str:  # on demand: building every step's text is quadratic in its size
        return to_source(self.node)

    def left_the_range(self, village: Any, stars: Any) -> bool:
        values = [operand(village, stars) for operand in self.operands]
        if any(x is None for x in values):
            return False
        try:
            result = self.op(*values)
        except ZeroDivisionError:  # division by zero: see zero_divisors
            return False
        except OverflowError:
            return True
        return result is not None and real(result) is None


__all__ = ["Divisor", "Evaluator", "Step", "Threshold"]
