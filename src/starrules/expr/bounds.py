"""The values at which an expression's truth can change: its bounds, found from its meaning.

`x <= 100000 * 3`, `x * 2 - 100 <= 200` and `ratio(a, b) * 100 < 50 + 30` each turn on a
value that is not written in them (300000, 150, and 80% of `b`). The property checks need
those values: a fault shows where a test changes its mind, so that is where they look.

Constants are folded as the compiler computes them (float arithmetic; a step it leaves
unknown, such as `x / 0`, stays as written). Each numeric side of a comparison is then
written as a quotient of two linear forms over the indicators (one such piece per branch of
`min`, `max`, `abs`), exactly, with rationals. Each side is continuous except where a divisor
is 0 (the value is unknown there), so a comparison can only change its truth where the
difference of two pieces of its sides is 0, or where a divisor is 0: each such place is a
linear form that is 0 there (an *edge*). Solving an edge for one indicator, with the others
at given values, gives a bound of that indicator; an edge in one indicator alone gives a
bound that holds for every village. Anything else (a product of two indicators, a plug-in
function, `count()`) gives no edge (`Bounds.unsolved` lists it): the checks then fall back
on their random search there, as for an expression they do not understand.

Texts and yes/no values an indicator is compared with (`==`, `!=`, `in`) are its bounds too.
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product
from typing import Any, cast

from .ast import (
    Arithmetic,
    Call,
    Compare,
    Constant,
    ListLiteral,
    Literal,
    Logical,
    Name,
    Node,
    Unary,
    to_source,
    walk,
)

_FLOAT_MAX = sys.float_info.max
_MAX_PIECES = 16  # pieces of one side (min/max/abs multiply them); beyond: no edges
_ORDERING = frozenset({"==", "!=", "<", "<=", ">", ">="})
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
# The builtins whose meaning is known (plug-ins may not take these names: plugins.RESERVED).
_FOLDABLE: dict[str, Callable[..., Any]] = {
    "min": min,
    "max": max,
    "abs": abs,
    "ratio": operator.truediv,
}


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _real(value: Any) -> bool:
    return _number(value) and -_FLOAT_MAX <= value <= _FLOAT_MAX


# -- constant folding -----------------------------------------------------------------------


def fold(node: Node) -> Node:
    """`node` with every sub-expression that reads no name replaced by its value, computed as
    the compiler computes it: `100000 * 3` becomes `300000`, `-(2)` becomes `-2`. A step whose
    value the compiler leaves unknown (a division by 0, an overflow) is kept as written."""
    if isinstance(node, Unary):
        operand = fold(node.operand)
        if node.op == "-" and isinstance(operand, Literal):
            value = _compute(operator.neg, operand.value)
            if value is not None:
                return Literal(value, node.offset)
        return Unary(node.op, operand, node.offset)
    if isinstance(node, Arithmetic):
        left, right = fold(node.left), fold(node.right)
        if isinstance(left, Literal) and isinstance(right, Literal):
            value = _compute(_ARITHMETIC[node.op], left.value, right.value)
            if value is not None:
                return Literal(value, left.offset)
        return Arithmetic(node.op, left, right, node.offset)
    if isinstance(node, Call):
        args = tuple(fold(a) for a in node.args)
        impl = _FOLDABLE.get(node.function)
        if impl is not None and args and all(isinstance(a, Literal) for a in args):
            value = _compute(impl, *(a.value for a in args if isinstance(a, Literal)))
            if value is not None:
                return Literal(value, node.offset)
        return Call(node.function, args, node.offset)
    if isinstance(node, Compare):
        return Compare(node.op, fold(node.left), fold(node.right), node.offset)
    if isinstance(node, Logical):
        return Logical(node.op, tuple(fold(o) for o in node.operands), node.offset)
    return node


def _compute(op: Callable[..., Any], *values: Any) -> Constant | None:
    """op(*values) on numbers, or None where the compiler's result would be unknown."""
    if not all(_number(v) for v in values):
        return None
    try:
        result = op(*values)
    except (ZeroDivisionError, OverflowError):
        return None
    return cast(int | float, result) if _real(result) else None


# -- linear forms ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Linear:
    """Σ coefficient × indicator + constant, exactly. `terms` is sorted and has no zero."""

    terms: tuple[tuple[str, Fraction], ...] = ()
    constant: Fraction = Fraction(0)

    @staticmethod
    def of(value: Fraction | int) -> Linear:
        return Linear((), Fraction(value))

    @staticmethod
    def var(path: str) -> Linear:
        return Linear(((path, Fraction(1)),))

    @property
    def is_constant(self) -> bool:
        return not self.terms

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(path for path, _ in self.terms)

    def __add__(self, other: Linear) -> Linear:
        merged = dict(self.terms)
        for path, k in other.terms:
            merged[path] = merged.get(path, Fraction(0)) + k
        terms = tuple(sorted((p, k) for p, k in merged.items() if k))
        return Linear(terms, self.constant + other.constant)

    def scale(self, k: Fraction) -> Linear:
        if not k:
            return Linear()
        return Linear(tuple((p, c * k) for p, c in self.terms), self.constant * k)

    def __neg__(self) -> Linear:
        return self.scale(Fraction(-1))

    def __sub__(self, other: Linear) -> Linear:
        return self + -other

    def times(self, other: Linear) -> Linear | None:
        """The product, when it is linear (one factor constant); None otherwise."""
        if self.is_constant:
            return other.scale(self.constant)
        if other.is_constant:
            return self.scale(other.constant)
        return None

    def solve(self, path: str, given: Mapping[str, Any]) -> Fraction | None:
        """The value of `path` at which the form is 0, every other indicator at its value in
        `given`; None when one of them is not a known number there, or `path` is absent."""
        rest = self.constant
        mine = Fraction(0)
        for other, k in self.terms:
            if other == path:
                mine = k
                continue
            value: Any = given.get(other)
            if not _real(value):
                return None
            rest += k * Fraction(value)
        return -rest / mine if mine else None


_ONE = Linear.of(1)
_Piece = tuple[Linear, Linear]  # numerator / denominator


@dataclass(frozen=True, slots=True)
class _Form:
    """A numeric expression: it equals one of `pieces` everywhere, and can switch from one
    piece to another, or divide by 0, only where an edge is 0."""

    pieces: tuple[_Piece, ...]
    edges: tuple[Linear, ...] = ()


def _piece(numerator: Linear | None, denominator: Linear | None) -> _Piece | None:
    if numerator is None or denominator is None:
        return None
    if denominator.is_constant:  # keep the denominator 1 where possible: sums stay linear
        if not denominator.constant:
            return None
        return numerator.scale(1 / denominator.constant), _ONE
    return numerator, denominator


def _add(a: _Piece, b: _Piece) -> _Piece | None:
    (n1, d1), (n2, d2) = a, b
    if d1 == d2:
        return n1 + n2, d1
    left, right, den = n1.times(d2), n2.times(d1), d1.times(d2)
    return None if left is None or right is None else _piece(left + right, den)


def _combine(op: str, a: _Piece, b: _Piece) -> tuple[_Piece | None, Linear | None]:
    """a op b, and the edge where its divisor is 0 (for /)."""
    (n1, d1), (n2, d2) = a, b
    if op == "+":
        return _add(a, b), None
    if op == "-":
        return _add(a, (-n2, d2)), None
    if op == "*":
        return _piece(n1.times(n2), d1.times(d2)), None
    return _piece(n1.times(d2), d1.times(n2)), n2  # "/"


def _numeric(node: Node) -> _Form | None:
    """The pieces of a numeric expression, or None when it is not of that shape."""
    if isinstance(node, Literal):
        return _Form(((Linear.of(Fraction(node.value)), _ONE),)) if _real(node.value) else None
    if isinstance(node, Name):
        return _Form(((Linear.var(node.path), _ONE),))
    if isinstance(node, Unary):
        inner = _numeric(node.operand) if node.op == "-" else None
        if inner is None:
            return None
        return _Form(tuple((-n, d) for n, d in inner.pieces), inner.edges)
    if isinstance(node, Arithmetic):
        return _binary(node.op, node.left, node.right)
    if isinstance(node, Call):
        if node.function == "ratio" and len(node.args) == 2:
            return _binary("/", node.args[0], node.args[1])
        if node.function in ("min", "max", "abs"):
            return _branches(node)
    return None


def _binary(op: str, left: Node, right: Node) -> _Form | None:
    a, b = _numeric(left), _numeric(right)
    if a is None or b is None or len(a.pieces) * len(b.pieces) > _MAX_PIECES:
        return None
    pieces: list[_Piece] = []
    edges = [*a.edges, *b.edges]
    for x, y in product(a.pieces, b.pieces):
        combined, divisor = _combine(op, x, y)
        if combined is None:
            return None
        pieces.append(combined)
        if divisor is not None:
            edges.append(divisor)
    return _Form(tuple(dict.fromkeys(pieces)), tuple(edges))


def _branches(node: Call) -> _Form | None:
    """min, max, abs: one piece per branch. Where the value switches branch it is continuous,
    so a comparison changes its truth there only where some piece meets the other side: the
    switch itself is no edge."""
    forms = [_numeric(a) for a in node.args]
    known = [f for f in forms if f is not None]
    if not known or len(known) < len(forms):
        return None
    pieces = [p for f in known for p in f.pieces]
    if node.function == "abs":
        pieces += [(-n, d) for n, d in pieces]
    if len(pieces) > _MAX_PIECES:
        return None
    return _Form(tuple(dict.fromkeys(pieces)), tuple(e for f in known for e in f.edges))


def _comparison_edges(node: Compare) -> list[Linear] | None:
    """Where a numeric comparison can change its truth; None when it is not of a shape this
    module solves (a text or yes/no comparison gives no edge, and is not unsolved)."""
    rights: list[Node]
    if node.op == "in" and isinstance(node.right, ListLiteral):
        rights = [item for item in node.right.items if _number(item.value)]
    elif node.op in _ORDERING:
        rights = [node.right]
        if any(isinstance(s, Literal) and not _number(s.value) for s in (node.left, node.right)):
            return []
    else:
        return []
    if not rights:
        return []
    left = _numeric(node.left)
    edges: list[Linear] = []
    for item in rights:
        right = _numeric(item)
        if left is None or right is None:
            return None
        edges += [*left.edges, *right.edges]
        for x, (n, d) in product(left.pieces, right.pieces):
            difference = _add(x, (-n, d))
            if difference is None:
                return None
            edges += difference  # its numerator is 0, or its denominator
    return [e for e in edges if not e.is_constant]


def _labels(node: Compare) -> Iterable[tuple[str, Constant]]:
    """(indicator, text or yes/no value) for `x == "a"`, `x != true`, `x in ["a", "b"]`."""
    left, right = node.left, node.right
    if node.op in ("==", "!=") and isinstance(left, Literal):
        left, right = right, left
    if not isinstance(left, Name):
        return
    if node.op in ("==", "!=") and isinstance(right, Literal) and not _number(right.value):
        yield left.path, right.value
    elif node.op == "in" and isinstance(right, ListLiteral):
        yield from ((left.path, i.value) for i in right.items if not _number(i.value))


# -- bounds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bounds:
    """Where the truth of some expressions can change, per indicator (see the module)."""

    edges: tuple[Linear, ...] = ()
    labels: Mapping[str, frozenset[Constant]] = field(default_factory=dict)
    unsolved: tuple[str, ...] = ()  # the comparisons it could not solve (canonical text)
    _by_path: Mapping[str, tuple[Linear, ...]] = field(default_factory=dict, repr=False)

    @staticmethod
    def of(nodes: Iterable[Node]) -> Bounds:
        """The bounds of these expressions together (e.g. every test of a ruleset)."""
        edges: dict[Linear, None] = {}
        labels: dict[str, set[Constant]] = {}
        unsolved: dict[str, None] = {}
        for tree in nodes:
            for node in walk(fold(tree)):
                if isinstance(node, Compare):
                    found = _comparison_edges(node)
                    if found is None:
                        unsolved[to_source(node)] = None
                    else:
                        edges.update(dict.fromkeys(found))
                    for path, value in _labels(node):
                        labels.setdefault(path, set()).add(value)
        by_path: dict[str, list[Linear]] = {}
        for edge in edges:
            for path in edge.paths:
                by_path.setdefault(path, []).append(edge)
        return Bounds(
            tuple(edges),
            {p: frozenset(v) for p, v in labels.items()},
            tuple(unsolved),
            {p: tuple(e) for p, e in by_path.items()},
        )

    def paths(self) -> list[str]:
        """The indicators with a bound (some only given the others' values), sorted."""
        return sorted({*self._by_path, *self.labels})

    def at(self, path: str, given: Mapping[str, Any] | None = None) -> set[Constant]:
        """The values of `path` at which the truth can change: those of the edges in `path`
        alone, and, with `given` (indicator → value; None or absent: unknown), those of the
        edges solved for `path` with the other indicators at their given values. A number
        is an int when it is whole, else the float nearest to it."""
        found: set[Constant] = set(self.labels.get(path, ()))
        for edge in self._by_path.get(path, ()):
            value = edge.solve(path, given or {})
            if value is not None:
                number = _as_constant(value)
                if number is not None:
                    found.add(number)
        return found

    def fixed(self) -> dict[str, set[Constant]]:
        """Every indicator's bounds that hold whatever the other indicators are."""
        return {path: found for path in self.paths() if (found := self.at(path))}

    def likely(self) -> dict[str, set[Constant]]:
        """`fixed`, and the edges in several indicators solved with the others at their
        fixed bounds: for `a >= 0.5 * b` and `b >= 100`, 50 for `a`. Where to look first
        for villages near every edge (a guess: other values of `b` move it)."""
        fixed = self.fixed()
        found = {path: set(values) for path, values in fixed.items()}
        for edge in self.edges:
            if len(edge.paths) < 2:
                continue
            for path in edge.paths:
                others = [p for p in edge.paths if p != path]
                choices = [sorted(v for v in fixed.get(p, ()) if _number(v)) for p in others]
                if not all(choices) or math.prod(len(c) for c in choices) > _MAX_PIECES:
                    continue
                for combination in product(*choices):
                    value = edge.solve(path, dict(zip(others, combination, strict=True)))
                    number = None if value is None else _as_constant(value)
                    if number is not None:
                        found.setdefault(path, set()).add(number)
        return found


def _as_constant(value: Fraction) -> int | float | None:
    if value.denominator == 1:
        whole = int(value)
        return whole if abs(whole) <= _FLOAT_MAX else None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def boundaries(node: Node, given: Mapping[str, Any] | None = None) -> dict[str, set[Constant]]:
    """The bounds of one expression, per indicator it reads (see `Bounds.at`): for
    `x * 3 <= 9`, {"x": {3}}; for `x + y >= 10` given {"y": 4}, {"x": {6}, "y": set()}."""
    bounds = Bounds.of([node])
    return {path: bounds.at(path, given) for path in bounds.paths()}


__all__ = ["Bounds", "Linear", "boundaries", "fold"]
