"""AST → closures. Values are Python values; None is *unknown* and propagates (Kleene).

Every closure takes `(village, stars)`: `stars` maps star id → True / False / None and is
only read by level conditions. Closures capture constants only, so a compiled expression
is immutable and safe to share between threads. While compiling, the builder notes the
denominators and the arithmetic steps (see reasons.py) and finds a test's threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, cast

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
    to_source,
)
from .combinators import (
    divide_or_unknown,
    indicator_getter,
    kleene,
    kleene_of,
    on_two_indicators,
)
from .operators import ARITHMETIC, COMPARE, FLIP, attempt, real
from .reasons import Divisor, Evaluator, Step, Threshold
from .types import Scope
from .valuetypes import ExprType


class SimpleTest(NamedTuple):
    """A test that reads one indicator: the indicator itself (`op` None) or compared with a
    constant (`path op limit`)."""

    path: str
    op: str | None
    limit: Any


class ClosureBuilder:
    """Compiles the nodes of one expression into closures, noting on the way its
    denominators and arithmetic steps (for `zero_divisors` and `out_of_range`)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.divisors: list[Divisor] = []
        self.steps: list[Step] = []
        self.stepped: set[int] = set()

    def simple_test(self, node: Node) -> SimpleTest | None:
        """The expression's shape when it is an indicator itself (a yes/no indicator) or
        `indicator <op> constant`: what `on_village` makes one closure of."""
        if isinstance(node, Name) and self.scope.star_of(node.path) is None:
            return SimpleTest(node.path, None, None)
        if isinstance(node, Compare) and node.op in COMPARE:
            left, right, op_name = node.left, node.right, node.op
            if isinstance(left, Literal):
                left, right, op_name = right, left, FLIP[op_name]
            if (
                isinstance(left, Name)
                and isinstance(right, Literal)
                and self.scope.star_of(left.path) is None
            ):
                return SimpleTest(left.path, op_name, right.value)
        return None

    def on_village(self, node: Node, evaluate: Evaluator) -> Callable[[Any], Any]:
        """A one-argument function of the village, as direct as the expression allows:
        a yes/no indicator is its accessor itself; `indicator <op> constant` one closure."""
        simple = self.simple_test(node)
        if simple is None:
            if isinstance(node, Logical) and node.op in ("and", "or"):
                # `a or b` of criteria: each operand as directly as it allows, no (v, s) frame
                tests = tuple(self.on_village(o, self.compile(o)) for o in node.operands)
                return kleene(node.op, tests)
            if isinstance(node, Compare):  # every comparison's closure has `s=None`
                return cast(Callable[[Any], Any], evaluate)
            return lambda v: evaluate(v, None)
        getter = indicator_getter(simple.path)
        if simple.op is None:
            return getter
        op, limit = COMPARE[simple.op], simple.limit

        def compare(v: Any) -> Any:
            x = getter(v)
            return None if x is None else op(x, limit)

        return compare

    def two_indicator_op(
        self, node: Node
    ) -> tuple[Callable[[Any, Any], Any], Callable[[Any], Any], Callable[[Any], Any]] | None:
        """(operation, first accessor, second accessor) when `node` computes a number from
        two indicators (`ratio(a, b)`, `a / b`, `a - b`): read straight from the village,
        without a frame per operand. None for any other node."""
        if isinstance(node, Arithmetic):
            operation = divide_or_unknown if node.op == "/" else ARITHMETIC[node.op]
            operands: tuple[Node, ...] = (node.left, node.right)
        elif isinstance(node, Call) and node.function in self.scope.functions:
            spec = self.scope.functions[node.function]
            if spec.result is not ExprType.NUMBER or spec.takes_unknown:
                return None
            operation, operands = spec.impl, node.args
        else:
            return None
        if len(operands) != 2:
            return None
        first, second = operands
        for operand in operands:
            if not isinstance(operand, Name) or self.scope.star_of(operand.path) is not None:
                return None
        assert isinstance(first, Name) and isinstance(second, Name)
        return operation, indicator_getter(first.path), indicator_getter(second.path)

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
        number = spec.result is ExprType.NUMBER  # a number it returns must be a real one
        if number:
            self.add_step(node, impl, args)
            fused = self.two_indicator_op(node)
            if fused is not None:
                return on_two_indicators(*fused)
            raw = impl

            def impl(*values: Any) -> Any:
                return attempt(raw, *values)

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
            return None if x is None else real(-x)

        return minus

    def arithmetic(self, node: Arithmetic) -> Evaluator:
        left = self.compile(node.left)
        right = self.compile(node.right)
        op = ARITHMETIC[node.op]
        self.add_step(node, op, (left, right))
        fused = self.two_indicator_op(node)
        if node.op == "/":
            self.add_divisor(node.right, right)
            if fused is not None:
                return on_two_indicators(*fused)

            def divide(v: Any, s: Any) -> Any:
                x = left(v, s)
                y = right(v, s)
                if x is None or y is None or y == 0:
                    return None
                return attempt(op, x, y)

            return divide

        if fused is not None:
            return on_two_indicators(*fused)

        def arith(v: Any, s: Any) -> Any:
            x = left(v, s)
            if x is None:
                return None
            y = right(v, s)
            return None if y is None else attempt(op, x, y)

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

            def contains(v: Any, s: Any = None) -> Any:
                x = item(v, s)
                if x is None:
                    return None
                return x in plain if numeric else (type(x), x) in members

            return contains
        op = COMPARE[node.op]
        counted = self._is_count(node.left), self._is_count(node.right)
        if any(counted):
            return self.compare_count(node, counted[0])
        left, right = node.left, node.right
        if isinstance(left, Literal) and not isinstance(right, Literal):
            left, right = right, left
            op = COMPARE[FLIP[node.op]]
        subject = self.compile(left)
        if isinstance(right, Literal):
            limit = right.value
            if isinstance(left, Name) and self.scope.star_of(left.path) is None:
                getter = indicator_getter(left.path)

                def compare_indicator(v: Any, s: Any = None) -> Any:
                    x = getter(v)
                    return None if x is None else op(x, limit)

                return compare_indicator

            fused = self.two_indicator_op(left)
            if fused is not None:  # e.g. ratio(a, b) >= 0.95: one closure
                return on_two_indicators(*fused, op, limit)

            def compare_constant(v: Any, s: Any = None) -> Any:
                x = subject(v, s)
                return None if x is None else op(x, limit)

            return compare_constant
        other = self.compile(right)

        def compare_values(v: Any, s: Any = None) -> Any:
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
        op_name = node.op if count_on_left else FLIP[node.op]
        op = COMPARE[op_name]
        counted, number = (node.left, node.right) if count_on_left else (node.right, node.left)
        count = self.compile(counted)
        other = self.compile(number)
        if isinstance(counted, Call) and counted.function == "points":
            other = _exactly(number, other)  # points are exact; the float 0.8 is not 4/5

        def compare_range(v: Any, s: Any = None) -> Any:
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
        return kleene_of(node.op, tuple(self.compile(o) for o in node.operands))

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
            left, right, op = right, left, FLIP[op]
        if not isinstance(right, Literal) or isinstance(left, Literal) or self._is_count(left):
            return None
        if not isinstance(right.value, int | float) or isinstance(right.value, bool):
            return None
        if real(right.value) is None:  # the parser refuses such literals; never a Threshold
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


__all__ = ["ClosureBuilder", "SimpleTest"]
