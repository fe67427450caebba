"""AST → closures. Values are Python values; None is *unknown* and propagates (Kleene).

Every closure takes `(village, stars)`: `stars` maps star id → True / False / None and is
only read by level conditions. Closures capture constants only, so a compiled expression
is immutable and safe to share between threads.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..indicators import IndicatorKind
from .ast import (
    Arithmetic,
    Call,
    Compare,
    ListLiteral,
    Literal,
    Logical,
    Name,
    Node,
    Unary,
    names,
    to_source,
    walk,
)
from .errors import ExpressionError
from .parser import parse
from .types import Scope, check
from .valuetypes import ExprType

Evaluator = Callable[[Any, Any], Any]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


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
        return self.op if want else _NEGATE[self.op]

    def gap(self, value: float, want: bool) -> float | None:
        """How far `value` must move for the comparison to come out `want` (>= 0), or None
        when it already does. A strict bound on a real number can give 0: 'more than 30%'
        with 30% observed is short by an arbitrarily small amount."""
        op = self.needed(want)
        if _COMPARE[op](value, self.limit):
            return None
        if self.integral:  # the nearest whole number that satisfies the bound
            bound = {
                ">=": math.ceil(self.limit),
                ">": math.floor(self.limit) + 1,
                "<=": math.floor(self.limit),
                "<": math.ceil(self.limit) - 1,
            }[op]
            return float(abs(bound - value))
        return round(abs(self.limit - value), 9)  # no float noise such as 0.04999999999999993


@dataclass(frozen=True, slots=True)
class Divisor:
    """A denominator in the expression: when it is 0 the result is unknown."""

    text: str
    evaluate: Evaluator


@dataclass(frozen=True, slots=True)
class CompiledExpression:
    """A compiled expression. `evaluate(village, stars)` works everywhere; `on_village(village)`
    is the fast path for expressions that read indicators only (every criterion test)."""

    source: str
    canonical: str
    type: ExprType
    evaluate: Evaluator
    on_village: Callable[[Any], Any]
    names: tuple[str, ...]
    calls: frozenset[str]  # the functions it calls
    point_groups: frozenset[str]  # the groups whose points() it reads (in levels)
    getters: tuple[tuple[str, Callable[[Any], Any]], ...]  # (indicator path, accessor)
    threshold: Threshold | None
    divisors: tuple[Divisor, ...]

    def zero_divisors(self, village: Any, stars: Any = None) -> list[str]:
        """The denominators that are 0 for this village (why a known input gave unknown)."""
        return [d.text for d in self.divisors if d.evaluate(village, stars) == 0]


def compile_expression(
    source: str, scope: Scope, expect: ExprType | None = ExprType.BOOL
) -> CompiledExpression:
    """Parse, type-check and compile; raise ExpressionError with the offset of a problem."""
    node = parse(source)
    try:
        kind = check(node, scope)
    except RecursionError:
        raise ExpressionError(0, "the expression is nested too deeply") from None
    if expect is not None and kind is not expect:
        hint = "compare it, e.g. '>= 1'" if kind is ExprType.NUMBER else None
        raise ExpressionError(0, f"the expression must be {expect.value}, got {kind.value}", hint)
    builder = _Builder(scope)
    evaluate = builder.compile(node)
    read = tuple(n for n in names(node) if n != "stars")
    return CompiledExpression(
        source=source.strip(),
        canonical=to_source(node),
        type=kind,
        evaluate=evaluate,
        on_village=builder.on_village(node, evaluate),
        names=read,
        calls=frozenset(_calls(node)),
        point_groups=frozenset(_point_groups(node)),
        getters=tuple((n, indicator_getter(n)) for n in read if scope.star_of(n) is None),
        threshold=builder.threshold(node),
        divisors=tuple(builder.divisors),
    )


class _Builder:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.divisors: list[Divisor] = []

    def on_village(self, node: Node, evaluate: Evaluator) -> Callable[[Any], Any]:
        """A one-argument function of the village, as direct as the expression allows:
        a yes/no indicator is its accessor itself; `indicator <op> constant` one closure."""
        if isinstance(node, Name) and self.scope.star_of(node.path) is None:
            return indicator_getter(node.path)
        if isinstance(node, Compare) and node.op in _COMPARE:
            left, right, op_name = node.left, node.right, node.op
            if isinstance(left, Literal):
                left, right, op_name = right, left, _FLIP[op_name]
            if (
                isinstance(left, Name)
                and isinstance(right, Literal)
                and self.scope.star_of(left.path) is None
            ):
                getter = indicator_getter(left.path)
                op = _COMPARE[op_name]
                limit = right.value

                def compare(v: Any) -> Any:
                    x = getter(v)
                    return None if x is None else op(x, limit)

                return compare
        return lambda v: evaluate(v, None)

    def add_divisor(self, node: Node, evaluate: Evaluator) -> None:
        text = to_source(node)
        if all(d.text != text for d in self.divisors):
            self.divisors.append(Divisor(text, evaluate))

    def compile(self, node: Node) -> Evaluator:
        if isinstance(node, Literal):
            value = node.value
            return lambda v, s: value
        if isinstance(node, ListLiteral):
            items = tuple(i.value for i in node.items)
            return lambda v, s: items
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, Arithmetic):
            return self.arithmetic(node)
        if isinstance(node, Compare):
            return self.compare(node)
        return self.logical(node)

    def name(self, node: Name) -> Evaluator:
        star = self.scope.star_of(node.path)
        if star is not None:
            return lambda v, s: s.get(star)
        getter = indicator_getter(node.path)
        return lambda v, s: getter(v)

    def call(self, node: Call) -> Evaluator:
        if node.function == "count":
            return self.count(node)
        if node.function == "points":
            assert isinstance(node.args[0], Literal)
            group = str(node.args[0].value)
            return lambda v, s: s.points(group)
        spec = self.scope.functions[node.function]
        impl = spec.impl
        args = tuple(self.compile(a) for a in node.args)
        if spec.name == "ratio":
            self.add_divisor(node.args[1], args[1])
        if spec.takes_unknown:
            return lambda v, s: impl(*[a(v, s) for a in args])
        if len(args) == 1:
            (only,) = args

            def call1(v: Any, s: Any) -> Any:
                x = only(v, s)
                return None if x is None else impl(x)

            return call1
        if len(args) == 2:
            first, second = args

            def call2(v: Any, s: Any) -> Any:
                x = first(v, s)
                if x is None:
                    return None
                y = second(v, s)
                return None if y is None else impl(x, y)

            return call2

        def call_n(v: Any, s: Any) -> Any:
            values = [a(v, s) for a in args]
            if any(x is None for x in values):
                return None
            return impl(*values)

        return call_n

    def count(self, node: Call) -> Evaluator:
        """A count of true values as a range (decided, possible): undetermined may go either way."""
        if len(node.args) == 1 and isinstance(node.args[0], Name) and node.args[0].path == "stars":

            def count_stars(v: Any, s: Mapping[str, bool | None]) -> tuple[int, int]:
                values = s.values()
                low = sum(1 for x in values if x is True)
                return low, low + sum(1 for x in values if x is None)

            return count_stars
        args = tuple(self.compile(a) for a in node.args)

        def count_values(v: Any, s: Any) -> tuple[int, int]:
            values = [a(v, s) for a in args]
            low = sum(1 for x in values if x is True)
            return low, low + sum(1 for x in values if x is None)

        return count_values

    def unary(self, node: Unary) -> Evaluator:
        operand = self.compile(node.operand)
        if node.op == "not":

            def negate(v: Any, s: Any) -> Any:
                x = operand(v, s)
                return None if x is None else not x

            return negate

        def minus(v: Any, s: Any) -> Any:
            x = operand(v, s)
            return None if x is None else -x

        return minus

    def arithmetic(self, node: Arithmetic) -> Evaluator:
        left = self.compile(node.left)
        right = self.compile(node.right)
        if node.op == "/":
            self.add_divisor(node.right, right)

            def divide(v: Any, s: Any) -> Any:
                x = left(v, s)
                y = right(v, s)
                if x is None or y is None or y == 0:
                    return None
                return x / y

            return divide
        op = {"+": operator.add, "-": operator.sub, "*": operator.mul}[node.op]

        def arith(v: Any, s: Any) -> Any:
            x = left(v, s)
            if x is None:
                return None
            y = right(v, s)
            return None if y is None else op(x, y)

        return arith

    def compare(self, node: Compare) -> Evaluator:
        if node.op == "in":
            assert isinstance(node.right, ListLiteral)
            item = self.compile(node.left)
            # Compare type and value, so that true is not found in [1].
            members = frozenset((type(i.value), i.value) for i in node.right.items)
            numeric = isinstance(node.right.items[0].value, int | float) and not isinstance(
                node.right.items[0].value, bool
            )
            plain = frozenset(i.value for i in node.right.items)

            def contains(v: Any, s: Any) -> Any:
                x = item(v, s)
                if x is None:
                    return None
                return x in plain if numeric else (type(x), x) in members

            return contains
        op = _COMPARE[node.op]
        counted = self._is_count(node.left), self._is_count(node.right)
        if any(counted):
            return self.compare_count(node, counted[0])
        left, right = node.left, node.right
        if isinstance(left, Literal) and not isinstance(right, Literal):
            left, right = right, left
            op = _COMPARE[_FLIP[node.op]]
        subject = self.compile(left)
        if isinstance(right, Literal):
            limit = right.value
            if isinstance(left, Name) and self.scope.star_of(left.path) is None:
                getter = indicator_getter(left.path)

                def compare_indicator(v: Any, s: Any) -> Any:
                    x = getter(v)
                    return None if x is None else op(x, limit)

                return compare_indicator

            def compare_constant(v: Any, s: Any) -> Any:
                x = subject(v, s)
                return None if x is None else op(x, limit)

            return compare_constant
        other = self.compile(right)

        def compare_values(v: Any, s: Any) -> Any:
            x = subject(v, s)
            if x is None:
                return None
            y = other(v, s)
            return None if y is None else op(x, y)

        return compare_values

    def _is_count(self, node: Node) -> bool:
        """A range-valued call: count(...) or points(...)."""
        return isinstance(node, Call) and node.function in ("count", "points")

    def compare_count(self, node: Compare, count_on_left: bool) -> Evaluator:
        """A range [low, high] (count(stars), points()) against a number: true or false when
        every value in the range agrees, else unknown."""
        op_name = node.op if count_on_left else _FLIP[node.op]
        op = _COMPARE[op_name]
        count = self.compile(node.left if count_on_left else node.right)
        other = self.compile(node.right if count_on_left else node.left)

        def compare_range(v: Any, s: Any) -> Any:
            y = other(v, s)
            if y is None:
                return None
            low, high = count(v, s)
            if low == high:
                return op(low, y)
            if op_name == "==":
                return False if (y < low or y > high) else None
            if op_name == "!=":
                return True if (y < low or y > high) else None
            at_low, at_high = op(low, y), op(high, y)  # the other operators are monotone
            return at_low if at_low == at_high else None

        return compare_range

    def logical(self, node: Logical) -> Evaluator:
        operands = tuple(self.compile(o) for o in node.operands)
        if node.op == "and":

            def kleene_and(v: Any, s: Any) -> Any:
                result: bool | None = True
                for operand in operands:
                    x = operand(v, s)
                    if x is False:
                        return False
                    if x is None:
                        result = None
                return result

            return kleene_and

        def kleene_or(v: Any, s: Any) -> Any:
            result: bool | None = False
            for operand in operands:
                x = operand(v, s)
                if x is True:
                    return True
                if x is None:
                    result = None
            return result

        return kleene_or

    def threshold(self, node: Node) -> Threshold | None:
        """The one numeric threshold a test turns on, for 'short by …' (also inside a
        top-level and/or, e.g. `x.total == 0 or ratio(x.done, x.total) >= 0.95`)."""
        if isinstance(node, Logical):
            found = [t for t in (self.threshold(o) for o in node.operands) if t is not None]
            return found[0] if len(found) == 1 else None
        if not isinstance(node, Compare) or node.op not in ("<", "<=", ">", ">="):
            return None
        left, right, op = node.left, node.right, node.op
        if isinstance(left, Literal):
            left, right, op = right, left, _FLIP[op]
        if not isinstance(right, Literal) or isinstance(left, Literal) or self._is_count(left):
            return None
        if not isinstance(right.value, int | float) or isinstance(right.value, bool):
            return None
        integral = rate = False
        if isinstance(left, Name):
            spec = self.scope.indicators.get(left.path)
            integral = spec is not None and spec.kind is IndicatorKind.COUNT
            rate = spec is not None and spec.kind is IndicatorKind.RATE
        elif isinstance(left, Call) and left.function == "ratio":
            rate = True
        return Threshold(self.compile(left), op, float(right.value), integral, rate)


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


def indicator_getter(path: str) -> Callable[[Any], Any]:
    """A fast accessor for a dotted indicator path on a Village."""
    if path.startswith("extra."):
        key = path[len("extra.") :]
        return lambda village: village.extra.get(key)
    return operator.attrgetter(path)


__all__ = [
    "CompiledExpression",
    "Divisor",
    "ExpressionError",
    "Threshold",
    "compile_expression",
    "indicator_getter",
]
