"""Expression AST → functions over a batch of villages as Arrow arrays (pyarrow.compute).

The same three-valued semantics as the row compiler (expr/compiler.py), column at a time:
null is *unknown* and propagates; `and` / `or` are Kleene's (`and_kleene`, `or_kleene`);
arithmetic that leaves the finite reals, and `x / 0`, is unknown; `count(…)` and `points()`
are ranges (fewest, most) compared as the row engine compares them, points exactly.

Numbers are float64 throughout: exact for whole numbers up to 2**53, and the same IEEE
operations as Python's floats beyond that, so results equal the row engine's wherever
indicator values are floats or whole numbers of that size (every real indicator).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import EvaluationError
from ..exact import exact, exact_number
from ..expr import CompiledExpression, FunctionSpec
from ..expr.ast import Arithmetic, Call, Compare, ListLiteral, Literal, Logical, Name, Node, Unary
from ..expr.valuetypes import ExprType
from .arrow import require

pa = require("pyarrow")
pc = require("pyarrow.compute")

NUMBER = pa.float64()
NULL_BOOL = pa.scalar(None, pa.bool_())
NULL_NUMBER = pa.scalar(None, NUMBER)
TRUE = pa.scalar(True)
FALSE = pa.scalar(False)


@dataclass(frozen=True, slots=True)
class Batch:
    """What compiled expressions read: one batch of villages, column by column."""

    length: int
    columns: Mapping[str, Any]  # indicator path → array (float64, bool or string; nulls)
    stars: Mapping[str, Any] | None = None  # star id → bool array (level conditions only)
    points: Mapping[str, Points] | None = None  # min_points group id → its points range


@dataclass(frozen=True, slots=True)
class Points:
    """A min_points group's points per village: (passing items, passing + unknown) as
    integer weights over `denominator`, as the row engine's GroupKernel scales them."""

    passed: Any  # int64 array
    reachable: Any  # int64 array
    denominator: int


@dataclass(frozen=True, slots=True)
class Span:
    """count(…): (fewest, most) true values, as float64 arrays."""

    low: Any
    high: Any


Vector = Callable[[Batch], Any]

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": pc.equal,
    "!=": pc.not_equal,
    "<": pc.less,
    "<=": pc.less_equal,
    ">": pc.greater,
    ">=": pc.greater_equal,
}
_PY_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": pc.add,
    "-": pc.subtract,
    "*": pc.multiply,
    "/": pc.divide,
}


def finite(values: Any) -> Any:
    """Unknown where a number left the finite reals (overflow to ±inf, or NaN)."""
    return pc.if_else(pc.is_finite(values), values, NULL_NUMBER)


def _ratio(numerator: Any, denominator: Any) -> Any:
    return pc.if_else(pc.equal(denominator, 0.0), NULL_NUMBER, pc.divide(numerator, denominator))


# The built-in functions' vectorised forms (expr/functions.py has their row forms).
BUILTIN_VECTORS: Mapping[str, Callable[..., Any]] = {
    "ratio": _ratio,
    "min": lambda *values: pc.min_element_wise(*values, skip_nulls=False),
    "max": lambda *values: pc.max_element_wise(*values, skip_nulls=False),
    "abs": pc.abs,
    "known": pc.is_valid,
}


def as_array(value: Any, length: int) -> Any:
    """An array of `length` values: a scalar (a constant expression) repeated."""
    if isinstance(value, pa.Scalar):
        return pa.repeat(value, length)
    if isinstance(value, pa.ChunkedArray):
        return value.combine_chunks()
    return value


def compile_vector(
    expression: CompiledExpression, functions: Mapping[str, FunctionSpec]
) -> Callable[[Batch], Any]:
    """The expression as a function of a batch, giving one array of `batch.length`."""
    vector = _Builder(functions).compile(expression.node)

    def run(batch: Batch) -> Any:
        return as_array(vector(batch), batch.length)

    return run


class _Builder:
    def __init__(self, functions: Mapping[str, FunctionSpec]) -> None:
        self.functions = functions

    def compile(self, node: Node) -> Vector:
        if isinstance(node, Literal):
            value = _scalar(node.value)
            return lambda b: value
        if isinstance(node, ListLiteral):
            raise AssertionError("a list is compiled with its 'in'")  # the type checker's rule
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Unary):
            operand = self.compile(node.operand)
            if node.op == "not":
                return lambda b: pc.invert(operand(b))
            return lambda b: finite(pc.negate(operand(b)))
        if isinstance(node, Arithmetic):
            return self.arithmetic(node)
        if isinstance(node, Compare):
            return self.compare(node)
        return self.logical(node)

    def name(self, node: Name) -> Vector:
        path = node.path
        if path.startswith("stars."):
            star = path[len("stars.") :]

            def star_status(b: Batch) -> Any:
                assert b.stars is not None
                return b.stars[star]

            return star_status
        return lambda b: b.columns[path]

    def call(self, node: Call) -> Vector:
        if node.function == "count":
            return self.count(node)
        if node.function == "points":
            assert isinstance(node.args[0], Literal)
            group = str(node.args[0].value)

            def points(b: Batch) -> Points:
                assert b.points is not None
                return b.points[group]

            return points
        spec = self.functions[node.function]
        vectorised = BUILTIN_VECTORS.get(spec.name) or spec.vectorized
        if vectorised is None:
            raise EvaluationError.of(None, "SR576", name=spec.name)
        impl: Callable[..., Any] = vectorised
        args = tuple(self.compile(a) for a in node.args)
        numeric = spec.result is ExprType.NUMBER
        guarded = spec.takes_unknown or spec.name in BUILTIN_VECTORS

        def call(b: Batch) -> Any:
            values = [a(b) for a in args]
            try:
                result = impl(*values)
            except Exception as exc:  # a plug-in's failure, named as the row engine names it
                raise EvaluationError.of(
                    None, "SR577", name=spec.name, count=b.length, detail=repr(exc)
                ) from exc
            if not guarded:  # called only where every argument is known (Kleene)
                unknown = _any_null(values)
                if unknown is not None:
                    result = pc.if_else(unknown, pa.scalar(None, result.type), result)
            return finite(pc.cast(result, NUMBER)) if numeric else result

        return call

    def count(self, node: Call) -> Vector:
        if len(node.args) == 1 and isinstance(node.args[0], Name) and node.args[0].path == "stars":

            def count_stars(b: Batch) -> Span:
                assert b.stars is not None
                return _span(list(b.stars.values()), b.length)

            return count_stars
        args = tuple(self.compile(a) for a in node.args)
        return lambda b: _span([as_array(a(b), b.length) for a in args], b.length)

    def arithmetic(self, node: Arithmetic) -> Vector:
        left, right = self.compile(node.left), self.compile(node.right)
        op = _ARITHMETIC[node.op]
        if node.op == "/":
            return lambda b: finite(_ratio(left(b), right(b)))
        return lambda b: finite(op(left(b), right(b)))

    def compare(self, node: Compare) -> Vector:
        if node.op == "in":
            assert isinstance(node.right, ListLiteral)
            item = self.compile(node.left)
            values = [i.value for i in node.right.items]
            first = values[0]
            kind = (
                pa.bool_()
                if isinstance(first, bool)
                else pa.string()
                if isinstance(first, str)
                else NUMBER
            )
            members = pa.array(values, kind)
            numeric = kind == NUMBER

            def contains(b: Batch) -> Any:
                x = item(b)
                if numeric:  # is_in hashes the bits: -0.0 + 0.0 is 0.0, which -0.0 equals
                    x = pc.add(x, 0.0)
                found = pc.is_in(x, value_set=members)
                return pc.if_else(pc.is_null(x), NULL_BOOL, found)

            return contains
        ranged = [_is_range(node.left), _is_range(node.right)]
        if any(ranged):
            return self.compare_range(node, ranged[0])
        left, right = self.compile(node.left), self.compile(node.right)
        op = _COMPARE[node.op]
        return lambda b: op(left(b), right(b))

    def compare_range(self, node: Compare, range_on_left: bool) -> Vector:
        op_name = node.op if range_on_left else _FLIP[node.op]
        ranged, number = (node.left, node.right) if range_on_left else (node.right, node.left)
        get_range = self.compile(ranged)
        other = self.compile(number)
        if isinstance(ranged, Call) and ranged.function == "points":
            # As the row engine: a literal as the decimal written, a computed float exactly.
            literal = (
                exact(number.value)
                if isinstance(number, Literal) and isinstance(number.value, int | float)
                else None
            )

            def compare_points(b: Batch) -> Any:
                points = get_range(b)
                return _compare_points(op_name, points, other(b), literal, b.length)

            return compare_points

        def compare_span(b: Batch) -> Any:
            span = get_range(b)
            return _compare_span(op_name, span.low, span.high, other(b))

        return compare_span

    def logical(self, node: Logical) -> Vector:
        operands = tuple(self.compile(o) for o in node.operands)
        combine = pc.and_kleene if node.op == "and" else pc.or_kleene

        def fold(b: Batch) -> Any:
            result = operands[0](b)
            for operand in operands[1:]:
                result = combine(result, operand(b))
            return result

        return fold


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return pa.scalar(value)
    if isinstance(value, str):
        return pa.scalar(value, pa.string())
    return pa.scalar(float(value), NUMBER)


def _is_range(node: Node) -> bool:
    return isinstance(node, Call) and node.function in ("count", "points")


def _any_null(values: Sequence[Any]) -> Any:
    """A bool array: some value is unknown (None when every value is a constant)."""
    found = None
    for value in values:
        if isinstance(value, pa.Scalar):
            if not value.is_valid:
                return TRUE
            continue
        missing = pc.is_null(value)
        found = missing if found is None else pc.or_(found, missing)
    return found


def _span(values: list[Any], length: int) -> Span:
    low = pa.repeat(pa.scalar(0.0, NUMBER), length) if not values else None
    unknown = None
    for value in values:
        is_true = pc.cast(pc.fill_null(value, False), NUMBER)
        is_unknown = pc.cast(pc.is_null(value), NUMBER)
        low = is_true if low is None else pc.add(low, is_true)
        unknown = is_unknown if unknown is None else pc.add(unknown, is_unknown)
    return Span(low, low if unknown is None else pc.add(low, unknown))


def _compare_span(op_name: str, low: Any, high: Any, y: Any) -> Any:
    """As the row engine's compare_range: decided where every value of the range agrees."""
    if op_name in ("==", "!="):
        outside = pc.or_(pc.less(y, low), pc.greater(y, high))
        single = pc.equal(low, high)
        at = _COMPARE[op_name](low, y)
        decided = FALSE if op_name == "==" else TRUE
        return pc.if_else(single, at, pc.if_else(outside, decided, NULL_BOOL))
    op = _COMPARE[op_name]
    at_low, at_high = op(low, y), op(high, y)
    return pc.if_else(pc.equal(at_low, at_high), at_low, NULL_BOOL)


def _compare_points(op_name: str, points: Points, y: Any, literal: Any, length: int) -> Any:
    """points() against a number, exactly: compared as floats, which decides every village
    but those where a bound and the number are the same float; those few are decided with
    exact rationals, as the row engine decides them all."""
    d = float(points.denominator)
    # Weights beyond 2**53 (points of 16 decimals) round when cast, and the quotient again:
    # the floats are then within a few units in the last place of the points, so "a tie"
    # is any village where a bound is that close to the number.
    low = pc.divide(pc.cast(points.passed, NUMBER, safe=False), d)
    high = pc.divide(pc.cast(points.reachable, NUMBER, safe=False), d)
    result = as_array(_compare_span(op_name, low, high, y), length)
    y_array = as_array(y, length)
    ties = pc.fill_null(pc.or_(_close(low, y_array), _close(high, y_array)), False)
    if not pc.any(ties).as_py():
        return result
    fixed = result.to_pylist()
    passed, reachable, ys = points.passed.to_pylist(), points.reachable.to_pylist(), None
    ys = y_array.to_pylist()
    for i in pc.indices_nonzero(ties).to_pylist():
        target = literal if literal is not None else exact_number(ys[i])
        fixed[i] = _exact_range_compare(
            op_name,
            Fraction(passed[i], points.denominator),
            Fraction(reachable[i], points.denominator),
            target,
        )
    return pa.array(fixed, pa.bool_())


def _close(x: Any, y: Any) -> Any:
    """Equal, or too close (a relative 2**-40) for floats rounded twice to order."""
    gap = pc.abs(pc.subtract(x, y))
    return pc.less_equal(gap, pc.multiply(pc.max_element_wise(pc.abs(x), pc.abs(y)), 2.0**-40))


def _exact_range_compare(op_name: str, low: Fraction, high: Fraction, y: Any) -> bool | None:
    op = _PY_COMPARE[op_name]
    if low == high:
        return op(low, y)
    if op_name == "==":
        return False if (y < low or y > high) else None
    if op_name == "!=":
        return True if (y < low or y > high) else None
    at_low, at_high = op(low, y), op(high, y)
    return at_low if at_low == at_high else None


__all__ = ["BUILTIN_VECTORS", "Batch", "Points", "Span", "as_array", "compile_vector", "finite"]
