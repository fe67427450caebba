"""The closures that read a village most directly, shared by the builder (closures.py):
an indicator's accessor, an operation on two indicators, and Kleene and/or unrolled. Each
saves the hot path a Python frame per node it replaces."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from .operators import real
from .reasons import Evaluator


def on_two_indicators(
    op: Callable[[Any, Any], Any],
    first: Callable[[Any], Any],
    second: Callable[[Any], Any],
    compare: Callable[[Any, Any], bool] | None = None,
    limit: Any = None,
) -> Evaluator:
    """`op` of two indicators (`ratio(a, b)`, `a / b`), read straight from the village and
    kept within the reals (`attempt`, inline), and with `compare` that number compared with
    `limit` (`ratio(a, b) >= 0.95`, the most common computed test) in the same closure,
    which then also takes the village alone (a criterion's test)."""

    def on_indicators(v: Any, s: Any = None) -> Any:
        x = first(v)
        if x is None:
            return None
        y = second(v)
        if y is None:
            return None
        try:
            result = real(op(x, y))
        except OverflowError:
            return None
        return result if compare is None or result is None else compare(result, limit)

    return on_indicators


def divide_or_unknown(x: Any, y: Any) -> Any:
    return None if y == 0 else x / y


def kleene(op: str, tests: tuple[Callable[[Any], Any], ...]) -> Callable[[Any], Any]:
    """Kleene and/or of one-argument tests (what `on_village` makes of `a or b`)."""
    decisive = op == "or"  # the value that decides: True for or, False for and

    def kleene_tests(v: Any) -> Any:
        result: bool | None = not decisive
        for test in tests:
            x = test(v)
            if x is decisive:
                return decisive
            if x is None:
                result = None
        return result

    return kleene_tests


def kleene_of(op: str, operands: tuple[Evaluator, ...]) -> Evaluator:
    """Kleene and/or of operands that take (village, stars), unrolled for two."""
    decisive = op == "or"  # the value that decides: True for or, False for and
    if len(operands) == 2:
        first, second = operands

        def kleene_two(v: Any, s: Any = None) -> Any:
            x = first(v, s)
            if x is decisive:
                return decisive
            y = second(v, s)
            if y is decisive:
                return decisive
            return None if x is None or y is None else not decisive

        return kleene_two

    def kleene_operands(v: Any, s: Any = None) -> Any:
        result: bool | None = not decisive
        for operand in operands:
            x = operand(v, s)
            if x is decisive:
                return decisive
            if x is None:
                result = None
        return result

    return kleene_operands


def indicator_getter(path: str) -> Callable[[Any], Any]:
    """A fast accessor for a dotted indicator path on a Village."""
    if path.startswith("extra."):
        key = path[len("extra.") :]
        return lambda village: village.extra.get(key)
    return operator.attrgetter(path)


__all__ = [
    "divide_or_unknown",
    "indicator_getter",
    "kleene",
    "kleene_of",
    "on_two_indicators",
]
