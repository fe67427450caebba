"""The bounds of expressions (starrules.expr.bounds): where an expression's truth can change.

Constants fold as the compiler computes them; a comparison that is linear in one indicator
is solved for it (`x * 3 <= 9` → 3), one in several indicators given the others' values
(`ratio(a, b) * 100 < 80` with b = 200 → a = 160); `min`, `max` and `abs` are solved branch
by branch, and a division adds the place where its divisor is 0 (unknown there). The last part
checks the promise itself on random expressions, against the real compiler: between two
values of an indicator with no bound in between, the expression never changes its truth.
"""

from __future__ import annotations

import itertools
import operator
import os
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from starrules.expr import Scope, compile_expression, parse
from starrules.expr.ast import Arithmetic, Call, Compare, Literal, Name, Node, Unary, to_source
from starrules.expr.bounds import Bounds, Linear, boundaries, fold
from starrules.village import STANDARD_INDICATORS

EXAMPLES = int(os.environ.get("STARRULES_FUZZ_EXAMPLES") or 150)


def bounds_of(source: str, given: dict[str, Any] | None = None) -> dict[str, set[Any]]:
    return boundaries(parse(source), given)


# -- constant folding ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "folded"),
    [
        ("x <= 100000 * 3", "x <= 300000"),
        ("x - 10 <= 20", "x - 10 <= 20"),
        ("ratio(a, b) * 100 < 50 + 30", "ratio(a, b) * 100 < 80"),
        ("x >= -(2 * 3)", "x >= -6"),
        ("x >= min(3, 4) + max(1, 2) + abs(-5) + ratio(1, 4)", "x >= 10.25"),
        ("x * (2 + 1) <= 9 and not y", "x * 3 <= 9 and not y"),
        ("x >= 1 / 0", "x >= 1 / 0"),  # unknown at run time: kept as written
        ("x >= ratio(1, 0)", "x >= ratio(1, 0)"),
        ("x <= 1e308 * 10", "x <= 1e308 * 10"),  # overflow: unknown, kept
    ],
)
def test_fold_computes_what_reads_no_name(source: str, folded: str) -> None:
    assert to_source(fold(parse(source))) == to_source(parse(folded))


def test_fold_computes_as_the_compiler_does() -> None:
    # Float arithmetic, not exact: the folded constant is the one the test compares with.
    node = fold(parse("x <= 0.1 + 0.2"))
    assert isinstance(node.right, Literal)  # type: ignore[union-attr]
    assert node.right.value == 0.1 + 0.2 != 0.3  # type: ignore[union-attr]
    assert to_source(fold(parse("x >= 7 / 2"))) == "x >= 3.5"


# -- solving comparisons ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x <= 300000", {"x": {300000}}),  # a literal, as before
        ("300000 >= x", {"x": {300000}}),
        ("x >= 100000 and x <= 100000 * 3", {"x": {100000, 300000}}),
        ("x * 3 <= 9", {"x": {3}}),
        ("(x - 10) <= 20", {"x": {30}}),
        ("x / 4 >= 2.5", {"x": {10}}),
        ("x * 2 - 100 <= 20 * 10", {"x": {150}}),
        ("-x < -4", {"x": {4}}),
        ("2 * (x + 1) == 7", {"x": {2.5}}),
        ("x * 100 >= 85", {"x": {0.85}}),
        ("x in [1, 2, 3]", {"x": {1, 2, 3}}),
        ("abs(x - 5) <= 2", {"x": {3, 7}}),
        ("min(x, 10) >= 3", {"x": {3}}),
        ("max(x, 2 * x - 10) > 20", {"x": {15, 20}}),
        ("10 / x >= 2", {"x": {0, 5}}),  # and 0, where the divisor is 0: unknown there
        ("1 / (1 / x) > -5", {"x": {-5, 0}}),  # 1 / (1 / 0) is unknown too
        ("x.a >= 1 or x.b < 2", {"x.a": {1}, "x.b": {2}}),
    ],
)
def test_a_comparison_in_one_indicator_is_solved_for_it(
    source: str, expected: dict[str, set[Any]]
) -> None:
    assert bounds_of(source) == expected


def test_texts_and_yes_no_values_compared_with_are_bounds() -> None:
    assert bounds_of('s == "abc" or "d" != s or s in ["e", "f"]') == {"s": {"abc", "d", "e", "f"}}
    assert bounds_of("b == true") == {"b": {True}}


def test_several_indicators_are_solved_given_the_others() -> None:
    # Nothing holds for every village: the bound of one depends on the other.
    assert bounds_of("x + y >= 10") == {"x": set(), "y": set()}
    assert bounds_of("x + y >= 10", {"y": 4}) == {"x": {6}, "y": set()}
    assert bounds_of("x + y >= 10", {"x": 4.5, "y": 4}) == {"x": {6}, "y": {5.5}}
    ratio = "ratio(a, b) * 100 < 50 + 30"
    assert bounds_of(ratio, {"b": 200}) == {"a": {160}, "b": {0}}
    assert bounds_of(ratio, {"a": 8}) == {"a": set(), "b": {0, 10}}
    # Unknown (None), yes/no or absent values solve nothing.
    assert bounds_of("x + y >= 10", {"y": None}) == {"x": set(), "y": set()}
    assert bounds_of("x + y >= 10", {"y": True}) == {"x": set(), "y": set()}


@pytest.mark.parametrize(
    "source",
    [
        "x * y >= 3",  # a product of two indicators
        "count(a.b, c.d) >= 2",
        "known(x)",
        "x >= 1 / 0",
        "myplugin(x) >= 3",
    ],
)
def test_what_is_not_linear_gives_no_bound(source: str) -> None:
    assert all(not found for found in bounds_of(source).values())
    assert Bounds.of([parse(source)]).unsolved or source == "known(x)"


def test_bounds_of_several_expressions_together() -> None:
    bounds = Bounds.of(
        parse(s) for s in ["x >= 100000", "x <= 100000 * 3", "y * 2 > 5", "x + z < 1"]
    )
    assert bounds.paths() == ["x", "y", "z"]
    assert bounds.fixed() == {"x": {100000, 300000}, "y": {2.5}}
    assert bounds.at("x", {"z": 0.5}) == {100000, 300000, 0.5}
    assert bounds.at("nothing") == set()


def test_likely_bounds_solve_several_indicators_at_the_others_bounds() -> None:
    sources = ["b >= 100", "ratio(a, b) >= 0.5 and ratio(a, b) * 100 < 50 + 30", "c + d > 1"]
    bounds = Bounds.of(parse(s) for s in sources)
    assert bounds.fixed() == {"b": {0, 100}}  # 0: where ratio(a, b) is unknown
    assert bounds.likely() == {"a": {0, 50, 80}, "b": {0, 100}}  # c, d: no bound to start from


def test_linear_forms_are_exact() -> None:
    x = Linear.var("x")
    form = x.scale(Fraction(1, 10)) - Linear.of(Fraction(3, 10))  # x / 10 - 0.3
    assert form.solve("x", {}) == 3
    assert (x - x).is_constant and (x + x).terms == (("x", Fraction(2)),)
    assert x.times(x) is None and x.times(Linear.of(2)) == x + x
    assert form.solve("y", {}) is None


# -- the promise, on random expressions --------------------------------------------------------

NUMBERS = ["0", "1", "2", "3", "0.5", "0.1", "4", "10", "100", "2.5"]


def numeric(depth: int = 0) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(["x", "x", *NUMBERS])
    if depth >= 3:
        return leaf
    sub = st.deferred(lambda: numeric(depth + 1))
    return st.one_of(
        leaf,
        st.tuples(sub, st.sampled_from(["+", "-", "*", "/"]), sub).map(
            lambda t: f"({' '.join(t)})"
        ),
        st.tuples(st.sampled_from(["min", "max"]), sub, sub).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        sub.map(lambda s: f"abs({s})"),
        sub.map(lambda s: f"(-{s})"),
        st.tuples(sub, sub).map(lambda t: f"ratio({t[0]}, {t[1]})"),
    )


COMPARISONS = st.tuples(
    numeric(), st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), numeric()
).map(" ".join)


def exactly(node: Node, x: Fraction) -> Any:
    """The value of a comparison of numbers in exact arithmetic (None: unknown, x / 0)."""
    if isinstance(node, Literal):
        return Fraction(node.value)
    if isinstance(node, Name):
        return x
    if isinstance(node, Unary):
        inner = exactly(node.operand, x)
        return None if inner is None else -inner
    if isinstance(node, Call):
        args = [exactly(a, x) for a in node.args]
        if any(a is None for a in args):
            return None
        if node.function == "ratio":
            return None if args[1] == 0 else args[0] / args[1]
        functions: dict[str, Any] = {"min": min, "max": max, "abs": abs}
        return functions[node.function](*args)
    assert isinstance(node, Arithmetic | Compare)
    a, b = exactly(node.left, x), exactly(node.right, x)
    if a is None or b is None or (node.op == "/" and b == 0):
        return None
    return OPERATORS[node.op](a, b)


OPERATORS: dict[str, Any] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@settings(max_examples=EXAMPLES, deadline=None)
@given(COMPARISONS, st.lists(st.integers(-40, 40), min_size=2, max_size=8))
def test_between_two_bounds_the_truth_never_changes(source: str, quarters: list[int]) -> None:
    node = parse(source)
    bounds = Bounds.of([node])
    assume(not bounds.unsolved)  # e.g. x * x: no promise
    found = [Fraction(b) for b in bounds.at("x")]
    values = sorted({Fraction(q, 4) for q in quarters})
    for low, high in itertools.pairwise(values):
        if exactly(node, low) != exactly(node, high):
            # A bound is the float nearest to the exact one: allow its rounding error.
            slack = Fraction(1, 10**9) * max(Fraction(1), abs(low), abs(high))
            assert any(low - slack <= b <= high + slack for b in found), (source, low, high)


def test_the_compiler_agrees_with_the_exact_values_away_from_the_bounds() -> None:
    """The promise is about what the compiled test computes: check a few by the compiler."""
    scope = Scope(STANDARD_INDICATORS)
    path = "industry.collective_income"
    for source, inside, outside in [
        ("x <= 100000 * 3", 300000, 300001),
        ("x * 2 - 100 <= 20 * 10", 150, 151),
        ("x / 4 >= 2.5", 10, 9.99),
    ]:
        (bound,) = bounds_of(source)["x"]
        assert inside == bound or abs(inside - bound) < 1e-9
        compiled = compile_expression(source.replace("x", path), scope)
        for value, want in ((inside, True), (outside, False)):
            village = SimpleNamespace(industry=SimpleNamespace(collective_income=value))
            assert compiled.evaluate(village, None) is want, (source, value)
