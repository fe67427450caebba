"""What the operators of an expression compute, in Python: comparisons (and their mirror
and negation, for rewriting `3 < x` as `x > 3` and saying what a failing test needs), the
four arithmetic operators, and arithmetic kept within the real numbers a float can hold (a
result that overflows, to inf or an int beyond ±1.8e308, or a NaN, is unknown: None)."""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable
from fractions import Fraction
from typing import Any

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
FLOAT_MAX = sys.float_info.max


def real(value: Any) -> Any:
    """`value`, or None (unknown) when it is a number outside the reals a float holds: inf,
    NaN, or an int beyond ±1.8e308 (which no float comparison or formatting can take)."""
    if isinstance(value, int | float | Fraction) and not -FLOAT_MAX <= value <= FLOAT_MAX:
        return None
    return value


def attempt(op: Callable[..., Any], *args: Any) -> Any:
    """op(*args) kept within the reals: unknown when it overflows."""
    try:
        return real(op(*args))
    except OverflowError:  # e.g. an int too large for a float in int * float or int / int
        return None


__all__ = ["ARITHMETIC", "COMPARE", "FLIP", "FLOAT_MAX", "NEGATE", "attempt", "real"]
