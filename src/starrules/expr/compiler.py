"""AST → closures. Values are Python values; None is *unknown* and propagates (Kleene).

Arithmetic stays within the real numbers a float can hold: a result that overflows (to inf,
or an int beyond ±1.8e308), a NaN, or `x / 0` is unknown, never an exception or a decided
comparison; `zero_divisors` and `out_of_range` say why.

Every closure takes `(village, stars)`: `stars` maps star id → True / False / None and is
only read by level conditions. Closures capture constants only, so a compiled expression
is immutable and safe to share between threads.
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..exact import exact, exact_number
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
from .errors import ExpressionError, TokenBudget
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
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
_FLOAT_MAX = sys.float_info.max


def _real(value: Any) -> Any:
    """`value`, or None (unknown) when it is a number outside the reals a float holds: inf,
    NaN, or an int beyond ±1.8e308 (which no float comparison or formatting can take)."""
    if isinstance(value, int | float | Fraction) and not -_FLOAT_MAX <= value <= _FLOAT_MAX:
        return None
    return value


def _attempt(op: Callable[..., Any], *args: Any) -> Any:
    """op(*args) kept within the reals: unknown when it overflows."""
    try:
        return _real(op(*args))
    except OverflowError:  # e.g. an int too large for a float in int * float or int / int
        return None


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
        if _real(value) is None or _real(self.limit) is None or _COMPARE[op](value, self.limit):
            return None  # no distance to a value that is not a real number
        try:
            if self.integral:  # the nearest whole number that satisfies the bound
                bound = {
                    ">=": math.ceil(self.limit),
                    ">": math.floor(self.limit) + 1,
                    "<=": math.floor(self.limit),
                    "<": math.ceil(self.limit) - 1,
                }[op]
                distance = float(abs(bound - value))
            else:  # rounded: no float noise such as 0.04999999999999993
                distance = round(abs(self.limit - value), 9)
        except OverflowError:
            return _FLOAT_MAX
        return min(distance, _FLOAT_MAX)  # a distance beyond any float (inf) is the largest


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
        return result is not None and _real(result) is None


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
    builder = _Builder(scope)
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
    )


class _Builder:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.divisors: list[Divisor] = []
        self.steps: list[Step] = []
        self.stepped: set[int] = set()

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

    def add_step(self, node: Node, op: Callable[..., Any], operands: tuple[Evaluator, ...]) -> None:
        if id(node) not in self.stepped:  # `threshold` compiles its subject a second time
            self.stepped.add(id(node))
            self.steps.append(Step(node, op, operands))

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
        if spec.result is ExprType.NUMBER:  # a number it returns must be a real one
            raw = impl
            self.add_step(node, raw, args)

            def impl(*values: Any) -> Any:
                return _attempt(raw, *values)

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
            return None if x is None else _real(-x)

        return minus

    def arithmetic(self, node: Arithmetic) -> Evaluator:
        left = self.compile(node.left)
        right = self.compile(node.right)
        op = _ARITHMETIC[node.op]
        self.add_step(node, op, (left, right))
        if node.op == "/":
            self.add_divisor(node.right, right)

            def divide(v: Any, s: Any) -> Any:
                x = left(v, s)
                y = right(v, s)
                if x is None or y is None or y == 0:
                    return None
                return _attempt(op, x, y)

            return divide

        def arith(v: Any, s: Any) -> Any:
            x = left(v, s)
            if x is None:
                return None
            y = right(v, s)
            return None if y is None else _attempt(op, x, y)

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
        counted, number = (node.left, node.right) if count_on_left else (node.right, node.left)
        count = self.compile(counted)
        other = self.compile(number)
        if isinstance(counted, Call) and counted.function == "points":
            other = _exactly(number, other)  # points are exact; the float 0.8 is not 4/5

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
        if _real(right.value) is None:  # the parser refuses such literals; never a Threshold
            return None
        integral = rate = False
        if isinstance(left, Name):
            spec = self.scope.indicators.get(left.path)
            integral = spec is not None and spec.kind is IndicatorKind.COUNT
            rate = spec is not None and spec.kind is IndicatorKind.RATE
        elif isinstance(left, Call) and left.function == "ratio":
            rate = True
        return Threshold(self.compile(left), op, float(right.value), integral, rate)


def _exactly(node: Node, evaluate: Evaluator) -> Evaluator:
    """The number a points() range is compared with, as an exact rational (see exact.py): a
    literal as the decimal written (as the canonical form shows it), a computed float as
    the shortest decimal that reads as it."""
    if isinstance(node, Literal) and isinstance(node.value, int | float):
        value = exact(node.value)
        return lambda v, s: value
    return lambda v, s: exact_number(evaluate(v, s))


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
    "Step",
    "Threshold",
    "compile_expression",
    "indicator_getter",
]
