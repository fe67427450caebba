"""Expressions compiled: parsed, type-checked and turned into closures (closures.py).

Arithmetic stays within the real numbers a float can hold: a result that overflows (to inf,
or an int beyond ±1.8e308), a NaN, or `x / 0` is unknown, never an exception or a decided
comparison; `zero_divisors` and `out_of_range` say why (reasons.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .ast import Call, Literal, Node, names, to_source, walk
from .closures import ClosureBuilder, SimpleTest
from .combinators import indicator_getter
from .errors import ExpressionError, TokenBudget
from .parser import parse
from .reasons import Divisor, Evaluator, Step, Threshold
from .types import Scope, check
from .valuetypes import ExprType


@dataclass(frozen=True, slots=True)
class CompiledExpression:
    """A compiled expression. `evaluate(village, stars)` works everywhere; `on_village(village)`
    is the fast path for expressions that read indicators only (every criterion test)."""

    source: str
    canonical: str
    node: Node = field(repr=False)  # the parsed AST: read it, never parse `source` again
    type: ExprType
    evaluate: Evaluator
    on_village: Callable[[Any], Any]
    names: tuple[str, ...]
    calls: frozenset[str]  # the functions it calls
    point_groups: frozenset[str]  # the groups whose points() it reads (in levels)
    getters: tuple[tuple[str, Callable[[Any], Any]], ...]  # (indicator path, accessor)
    threshold: Threshold | None
    divisors: tuple[Divisor, ...]
    steps: tuple[Step, ...] = ()
    simple: SimpleTest | None = (
        None  # its shape when it is `indicator` or `indicator <op> constant`
    )

    def zero_divisors(self, village: Any, stars: Any = None) -> list[str]:
        """The denominators that are 0 for this village (why a known input gave unknown)."""
        return [d.text for d in self.divisors if d.evaluate(village, stars) == 0]

    def out_of_range(self, village: Any, stars: Any = None) -> list[str]:
        """The steps whose result left the range of a float for this village (overflowed),
        innermost first: another reason a known input gave unknown."""
        found = [step.text for step in self.steps if step.left_the_range(village, stars)]
        return list(dict.fromkeys(found))


def compile_expression(
    source: str,
    scope: Scope,
    expect: ExprType | None = ExprType.BOOL,
    budget: TokenBudget | None = None,
) -> CompiledExpression:
    """Parse, type-check and compile; raise ExpressionError with the offset of a problem.
    With `budget`, the expression's tokens are spent from it (see TokenBudget)."""
    node = parse(source, budget)
    try:
        kind = check(node, scope)
    except RecursionError:
        raise ExpressionError(0, "the expression is nested too deeply") from None
    if expect is not None and kind is not expect:
        hint = "compare it, e.g. '>= 1'" if kind is ExprType.NUMBER else None
        raise ExpressionError(0, f"the expression must be {expect.value}, got {kind.value}", hint)
    builder = ClosureBuilder(scope)
    evaluate = builder.compile(node)
    read = tuple(n for n in names(node) if n != "stars")
    return CompiledExpression(
        source=source.strip(),
        canonical=to_source(node),
        node=node,
        type=kind,
        evaluate=evaluate,
        on_village=builder.on_village(node, evaluate),
        names=read,
        calls=frozenset(_calls(node)),
        point_groups=frozenset(_point_groups(node)),
        getters=tuple((n, indicator_getter(n)) for n in read if scope.star_of(n) is None),
        threshold=builder.threshold(node),
        divisors=tuple(builder.divisors),
        steps=tuple(builder.steps),
        simple=builder.simple_test(node),
    )


def _point_groups(node: Node) -> list[str]:
    return [
        str(arg.value)
        for n in walk(node)
        if isinstance(n, Call) and n.function == "points"
        for arg in n.args
        if isinstance(arg, Literal)
    ]


def _calls(node: Node) -> list[str]:
    return [n.function for n in walk(node) if isinstance(n, Call)]


__all__ = ["CompiledExpression", "compile_expression"]
