"""Static types of expressions, checked when a ruleset loads (never at evaluation time)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import did_you_mean
from ..indicators import IndicatorKind, IndicatorSpec
from .ast import (
    Arithmetic,
    Call,
    Compare,
    ListLiteral,
    Literal,
    Name,
    Node,
    Unary,
    start_offset,
)
from .errors import ExpressionError
from .functions import BUILTIN_FUNCTIONS, FunctionSpec
from .valuetypes import ExprType

_BY_KIND = {
    IndicatorKind.COUNT: ExprType.NUMBER,
    IndicatorKind.MONEY: ExprType.NUMBER,
    IndicatorKind.RATE: ExprType.NUMBER,
    IndicatorKind.NUMBER: ExprType.NUMBER,
    IndicatorKind.BOOL: ExprType.BOOL,
    IndicatorKind.STRING: ExprType.STRING,
}


def indicator_type(spec: IndicatorSpec) -> ExprType:
    return _BY_KIND[spec.kind]


@dataclass(frozen=True)
class Scope:
    """What names an expression may use: indicators, stars (in levels) and functions."""

    indicators: Mapping[str, IndicatorSpec]
    stars: frozenset[str] | None = None  # None: `stars.*` is not available here
    functions: Mapping[str, FunctionSpec] = field(default_factory=lambda: BUILTIN_FUNCTIONS)
    point_groups: frozenset[str] | None = None  # min_points groups points() may name

    def star_of(self, path: str) -> str | None:
        if self.stars is not None and path.startswith("stars."):
            return path[len("stars.") :]
        return None


def check(node: Node, scope: Scope) -> ExprType:
    """The type of `node`; raise ExpressionError on an unknown name or a type mismatch."""
    return _Checker(scope).check(node)


class _Checker:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def check(self, node: Node) -> ExprType:
        if isinstance(node, Literal):
            if isinstance(node.value, bool):
                return ExprType.BOOL
            if isinstance(node.value, str):
                return ExprType.STRING
            return ExprType.NUMBER
        if isinstance(node, ListLiteral):
            types = {self.check(item) for item in node.items}
            if len(types) > 1:
                raise ExpressionError(node.offset, "list items must all have one type")
            return ExprType.LIST
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Unary):
            operand = self.check(node.operand)
            want = ExprType.BOOL if node.op == "not" else ExprType.NUMBER
            self.expect(node.operand, operand, want, f"'{node.op}'")
            return want
        if isinstance(node, Arithmetic):
            for side in (node.left, node.right):
                self.expect(side, self.check(side), ExprType.NUMBER, f"'{node.op}'")
            return ExprType.NUMBER
        if isinstance(node, Compare):
            return self.compare(node)
        for item in node.operands:
            self.expect(item, self.check(item), ExprType.BOOL, f"'{node.op}'")
        return ExprType.BOOL

    def expect(self, node: Node, got: ExprType, want: ExprType, where: str) -> None:
        if got is want:
            return
        if got.is_range:
            example = "count(stars) >= 3" if got is ExprType.STAR_COUNT else 'points("x") >= 90'
            raise ExpressionError(
                start_offset(node),
                f"a {got.value} can only be compared with a number",
                f"e.g. {example}",
            )
        hint = None
        if want is ExprType.BOOL and got is ExprType.NUMBER:
            hint = "compare it, e.g. '> 0'"
        raise ExpressionError(
            start_offset(node), f"{where} needs {want.value}, got {got.value}", hint
        )

    def name(self, node: Name) -> ExprType:
        star = self.scope.star_of(node.path)
        if star is not None:
            assert self.scope.stars is not None
            if star not in self.scope.stars:
                raise ExpressionError(
                    node.offset, f"unknown star '{star}'", did_you_mean(star, self.scope.stars)
                )
            return ExprType.BOOL
        spec = self.scope.indicators.get(node.path)
        if spec is None and node.path.startswith("stars.") and self.scope.stars is None:
            raise ExpressionError(
                node.offset,
                f"'{node.path}' is not available here",
                "stars.<id> and count(stars) can only be used in levels",
            )
        if spec is None:
            choices = list(self.scope.indicators)
            if self.scope.stars is not None:
                choices += [f"stars.{s}" for s in self.scope.stars]
            hint = did_you_mean(node.path, choices)
            if hint is None and node.path.startswith("extra."):
                hint = "declare it under 'indicators:'"
            if node.path == "stars" and self.scope.stars is not None:
                hint = "use count(stars) or stars.<id>"
            raise ExpressionError(node.offset, f"unknown indicator '{node.path}'", hint)
        return indicator_type(spec)

    def call(self, node: Call) -> ExprType:
        if node.function == "count":
            return self.count(node)
        if node.function == "points":
            return self.points(node)
        spec = self.scope.functions.get(node.function)
        if spec is None:
            names = [*self.scope.functions, "count"]
            raise ExpressionError(
                node.offset,
                f"unknown function '{node.function}'",
                did_you_mean(node.function, names),
            )
        if spec.variadic:
            if len(node.args) < len(spec.params):
                raise ExpressionError(
                    node.offset,
                    f"{spec.name}() takes at least "
                    f"{len(spec.params)} arguments, got {len(node.args)}",
                )
            params = [spec.params[-1]] * len(node.args)
        else:
            if len(node.args) != len(spec.params):
                raise ExpressionError(
                    node.offset,
                    f"{spec.name}() takes {len(spec.params)} argument(s), got {len(node.args)}",
                )
            params = list(spec.params)
        for arg, want in zip(node.args, params, strict=True):
            got = self.check(arg)
            if want is not ExprType.ANY:
                self.expect(arg, got, want, f"argument of {spec.name}()")
            elif got.is_range:
                self.expect(arg, got, ExprType.NUMBER, f"argument of {spec.name}()")
        return spec.result

    def points(self, node: Call) -> ExprType:
        groups = self.scope.point_groups
        if self.scope.stars is None or groups is None:
            raise ExpressionError(node.offset, "points() is only available in levels")
        if (
            len(node.args) != 1
            or not isinstance(node.args[0], Literal)
            or not isinstance(node.args[0].value, str)
        ):
            raise ExpressionError(
                node.offset,
                "points() takes the id of a min_points group in quotes",
                'e.g. points("score.total")',
            )
        group = node.args[0].value
        if group not in groups:
            raise ExpressionError(
                node.args[0].offset, f"no min_points group '{group}'", did_you_mean(group, groups)
            )
        return ExprType.POINTS

    def count(self, node: Call) -> ExprType:
        if self.scope.stars is None:
            raise ExpressionError(node.offset, "count() is only available in levels")
        if len(node.args) == 1 and isinstance(node.args[0], Name) and node.args[0].path == "stars":
            return ExprType.STAR_COUNT
        if not node.args:
            raise ExpressionError(node.offset, "count() needs 'stars' or yes/no values")
        for arg in node.args:
            self.expect(arg, self.check(arg), ExprType.BOOL, "argument of count()")
        return ExprType.STAR_COUNT

    def compare(self, node: Compare) -> ExprType:
        left = self.check(node.left)
        right = self.check(node.right)
        if node.op == "in":
            assert isinstance(node.right, ListLiteral)
            item = self.check(node.right.items[0])
            if left is not item:
                raise ExpressionError(
                    node.offset, f"cannot look for {left.value} in a list of {item.value}"
                )
            return ExprType.BOOL
        if left.is_range or right.is_range:
            ranged, other = (left, right) if left.is_range else (right, left)
            if other is not ExprType.NUMBER:
                raise ExpressionError(
                    node.offset, f"cannot compare a {ranged.value} with {other.value}"
                )
            return ExprType.BOOL
        if left is not right:
            raise ExpressionError(
                node.offset,
                f"cannot compare {left.value} with {right.value}",
                _compare_hint(node, left, right),
            )
        if node.op not in ("==", "!=") and left is not ExprType.NUMBER:
            raise ExpressionError(
                node.offset, f"'{node.op}' needs numbers, got {left.value}", "use '==' or '!='"
            )
        return ExprType.BOOL


def _compare_hint(node: Compare, left: ExprType, right: ExprType) -> str | None:
    if ExprType.STRING in (left, right) and ExprType.NUMBER in (left, right):
        return "numbers are written without quotes"
    if ExprType.BOOL in (left, right) and ExprType.NUMBER in (left, right):
        return "a yes/no indicator is tested by itself, e.g. 'industry.dual_binding'"
    return None
