"""Compiled expressions (starrules.expr.compiler): spec §3's three-valued (Kleene) semantics.

None is *unknown*. A test on an unknown indicator is unknown, arithmetic and comparisons
with an unknown operand are unknown, `x / 0` is unknown with a reason (`zero_divisors`),
`known(x)` is never unknown, and a count of stars is a range that may leave a level
condition undecided. The last part checks the compiled closures against a small reference
interpreter written here from the spec, on random expressions and random villages.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from starrules.expr import (
    BUILTIN_FUNCTIONS,
    CompiledExpression,
    ExpressionError,
    ExprType,
    FunctionSpec,
    Scope,
    compile_expression,
    parse,
)
from starrules.expr.ast import to_source
from starrules.i18n import Text
from starrules.indicators import Better, IndicatorKind, IndicatorSpec
from starrules.village import STANDARD_INDICATORS, Village

T, F, U = True, False, None
TRUTH = [T, F, U]
STAR_IDS = ("industry", "ecology", "branch")


def _catalogue() -> Mapping[str, IndicatorSpec]:
    catalogue = dict(STANDARD_INDICATORS)
    for path, kind in [
        ("extra.label", IndicatorKind.STRING),
        ("extra.mushroom_bags", IndicatorKind.COUNT),
        ("extra.yield", IndicatorKind.NUMBER),
    ]:
        catalogue[path] = IndicatorSpec(path, kind, Better.NONE, Text(zh=path, en=path))
    return catalogue


CRITERION = Scope(_catalogue())
LEVEL = Scope(_catalogue(), stars=frozenset(STAR_IDS))


def village(**sections: Any) -> Village:
    return Village.model_validate(
        {"name": "测试村", "jurisdiction": "cn-henan", "kind": "rural", **sections}
    )


def compiled(
    source: str, scope: Scope = CRITERION, expect: ExprType | None = ExprType.BOOL
) -> CompiledExpression:
    return compile_expression(source, scope, expect)


def run(
    source: str, v: Village | None = None, stars: Mapping[str, bool | None] | None = None
) -> Any:
    scope = LEVEL if stars is not None else CRITERION
    return compiled(source, scope, expect=None).evaluate(v or village(), stars or {})


# -- Kleene truth tables -------------------------------------------------------------------

AND = {
    (T, T): T, (T, F): F, (T, U): U,
    (F, T): F, (F, F): F, (F, U): F,
    (U, T): U, (U, F): F, (U, U): U,
}  # fmt: skip
OR = {
    (T, T): T, (T, F): T, (T, U): T,
    (F, T): T, (F, F): F, (F, U): U,
    (U, T): T, (U, F): U, (U, U): U,
}  # fmt: skip
NOT = {T: F, F: T, U: U}


def _two_flags(a: bool | None, b: bool | None) -> Village:
    return village(industry={"dual_binding": a}, ecology={"garbage_system": b})


@pytest.mark.parametrize(("a", "b"), list(itertools.product(TRUTH, TRUTH)))
def test_and_truth_table(a: bool | None, b: bool | None) -> None:
    result = run("industry.dual_binding and ecology.garbage_system", _two_flags(a, b))
    assert result is AND[a, b]


@pytest.mark.parametrize(("a", "b"), list(itertools.product(TRUTH, TRUTH)))
def test_or_truth_table(a: bool | None, b: bool | None) -> None:
    result = run("industry.dual_binding or ecology.garbage_system", _two_flags(a, b))
    assert result is OR[a, b]


@pytest.mark.parametrize("a", TRUTH)
def test_not_truth_table(a: bool | None) -> None:
    assert run("not industry.dual_binding", village(industry={"dual_binding": a})) is NOT[a]
    assert run("not not industry.dual_binding", village(industry={"dual_binding": a})) is a


@pytest.mark.parametrize(("a", "b", "c"), list(itertools.product(TRUTH, TRUTH, TRUTH)))
def test_three_operands_fold_like_two(a: bool | None, b: bool | None, c: bool | None) -> None:
    v = village(
        industry={"dual_binding": a}, ecology={"garbage_system": b}, branch={"weak_and_lax": c}
    )
    flags = "industry.dual_binding {op} ecology.garbage_system {op} branch.weak_and_lax"
    assert run(flags.format(op="and"), v) is AND[AND[a, b], c]
    assert run(flags.format(op="or"), v) is OR[OR[a, b], c]


@pytest.mark.parametrize(("a", "literal"), list(itertools.product(TRUTH, ["true", "false"])))
def test_literals_in_kleene_logic(a: bool | None, literal: str) -> None:
    v = village(industry={"dual_binding": a})
    b = literal == "true"
    assert run(f"industry.dual_binding and {literal}", v) is AND[a, b]
    assert run(f"{literal} or industry.dual_binding", v) is OR[b, a]


def test_de_morgan_holds_in_three_valued_logic() -> None:
    for a, b in itertools.product(TRUTH, TRUTH):
        v = _two_flags(a, b)
        left = run("not (industry.dual_binding and ecology.garbage_system)", v)
        right = run("not industry.dual_binding or not ecology.garbage_system", v)
        assert left is right


# -- unknown propagates through arithmetic and comparisons -------------------------------

COMPARISONS = ["==", "!=", "<", "<=", ">", ">="]
ARITHMETIC = ["+", "-", "*", "/"]


@pytest.mark.parametrize("op", COMPARISONS)
@pytest.mark.parametrize(("x", "y"), [(None, 3), (3, None), (None, None)])
def test_comparison_with_an_unknown_operand_is_unknown(
    op: str, x: int | None, y: int | None
) -> None:
    v = village(industry={"local_jobs": x, "skills_trainees": y})
    assert run(f"industry.local_jobs {op} industry.skills_trainees", v) is None
    if x is None:
        assert run(f"industry.local_jobs {op} 3", v) is None
        assert run(f"3 {op} industry.local_jobs", v) is None
        assert run(f"industry.local_jobs + 1 {op} 3", v) is None


@pytest.mark.parametrize("op", COMPARISONS)
@pytest.mark.parametrize(("x", "y"), [(2, 3), (3, 3), (4, 3), (0, 0)])
def test_comparisons_with_known_operands(op: str, x: int, y: int) -> None:
    expected = {
        "==": operator.eq,
        "!=": operator.ne,
        "<": operator.lt,
        "<=": operator.le,
        ">": operator.gt,
        ">=": operator.ge,
    }[op](x, y)
    v = village(industry={"local_jobs": x, "skills_trainees": y})
    assert run(f"industry.local_jobs {op} industry.skills_trainees", v) is expected
    assert run(f"industry.local_jobs {op} {y}", v) is expected
    assert run(f"{x} {op} industry.skills_trainees", v) is expected


@pytest.mark.parametrize("op", ARITHMETIC)
@pytest.mark.parametrize(("x", "y"), [(None, 3), (3, None), (None, None), (None, 0), (0, None)])
def test_arithmetic_with_an_unknown_operand_is_unknown(
    op: str, x: int | None, y: int | None
) -> None:
    v = village(industry={"local_jobs": x, "skills_trainees": y})
    assert run(f"industry.local_jobs {op} industry.skills_trainees", v) is None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("industry.local_jobs + industry.skills_trainees", 10),
        ("industry.local_jobs - industry.skills_trainees", 2),
        ("industry.local_jobs * industry.skills_trainees", 24),
        ("industry.local_jobs / industry.skills_trainees", 1.5),
        ("-industry.local_jobs", -6),
        ("abs(industry.skills_trainees - industry.local_jobs)", 2),
        ("min(industry.local_jobs, industry.skills_trainees, 5)", 4),
        ("max(industry.local_jobs, industry.skills_trainees, 5)", 6),
        ("ratio(industry.skills_trainees, industry.local_jobs)", 4 / 6),
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("12 / 3 / 2", 2),
    ],
)
def test_arithmetic_with_known_operands(source: str, expected: float) -> None:
    v = village(industry={"local_jobs": 6, "skills_trainees": 4})
    assert run(source, v) == pytest.approx(expected)


@pytest.mark.parametrize(
    "source",
    [
        "abs(industry.local_jobs)",
        "min(industry.local_jobs, 1)",
        "max(1, industry.local_jobs)",
        "min(1, 2, industry.local_jobs)",
        "ratio(industry.local_jobs, 2)",
        "ratio(2, industry.local_jobs)",
        "-industry.local_jobs",
    ],
)
def test_functions_of_an_unknown_are_unknown(source: str) -> None:
    assert run(source, village()) is None


def test_an_unknown_indicator_makes_a_test_unknown_not_fail() -> None:
    test = compiled("industry.collective_income >= 100000")
    assert test.evaluate(village(), {}) is None
    assert test.evaluate(village(industry={"collective_income": 0}), {}) is False
    assert test.evaluate(village(industry={"collective_income": 100000}), {}) is True


def test_a_false_yes_no_indicator_is_not_unknown() -> None:
    assert run("industry.dual_binding", village(industry={"dual_binding": False})) is False
    assert run("industry.dual_binding", village()) is None


def test_zero_is_a_value_not_unknown() -> None:
    v = village(safety={"criminal_cases": 0})
    assert run("safety.criminal_cases > 0", v) is False
    assert run("safety.criminal_cases == 0", v) is True


# -- division by zero is unknown, with the reason ------------------------------------------


JOBS, TRAINEES = "industry.local_jobs", "industry.skills_trainees"


@pytest.mark.parametrize(
    ("source", "industry", "value", "zero"),
    [
        (f"{JOBS} / 0", {"local_jobs": 5}, None, ["0"]),
        (f"{JOBS} / 0.0", {"local_jobs": 1}, None, [to_source(parse("0.0"))]),
        (f"{JOBS} / {TRAINEES}", {"local_jobs": 5, "skills_trainees": 0}, None, [TRAINEES]),
        (f"{JOBS} / {TRAINEES}", {"local_jobs": 5, "skills_trainees": 2}, 2.5, []),
        (f"{JOBS} / {TRAINEES}", {"local_jobs": 5}, None, []),
        (f"{JOBS} / {TRAINEES}", {"skills_trainees": 0}, None, [TRAINEES]),
        (f"ratio({JOBS}, 0)", {"local_jobs": 5}, None, ["0"]),
        (f"ratio({JOBS}, {TRAINEES})", {"local_jobs": 5, "skills_trainees": 0}, None, [TRAINEES]),
        (f"ratio({JOBS}, {TRAINEES})", {"local_jobs": 0, "skills_trainees": 4}, 0.0, []),
        (
            f"{JOBS} / ({TRAINEES} - 3)",
            {"local_jobs": 1, "skills_trainees": 3},
            None,
            [f"{TRAINEES} - 3"],
        ),
        (f"0 / {TRAINEES}", {"skills_trainees": 0}, None, [TRAINEES]),
    ],
)
def test_division_by_zero_is_unknown_and_names_the_denominator(
    source: str, industry: dict[str, int], value: float | None, zero: list[str]
) -> None:
    expression = compiled(source, expect=None)
    v = village(industry=industry)
    assert expression.evaluate(v, {}) == value
    if value is None:
        assert expression.evaluate(v, {}) is None
    assert expression.zero_divisors(v) == zero


def test_zero_divisors_lists_each_zero_denominator_once() -> None:
    expression = compiled(
        "ratio(safety.disputes_resolved, safety.disputes_total) >= 0.9"
        " or industry.local_jobs / safety.disputes_total > 1"
        " or industry.local_jobs / industry.skills_trainees > 1"
    )
    v = village(
        safety={"disputes_resolved": 0, "disputes_total": 0},
        industry={"local_jobs": 3, "skills_trainees": 0},
    )
    assert expression.evaluate(v, {}) is None
    assert expression.zero_divisors(v) == ["safety.disputes_total", "industry.skills_trainees"]


def test_a_zero_denominator_does_not_hide_a_decided_or() -> None:
    expression = compiled(
        "safety.disputes_total == 0"
        " or ratio(safety.disputes_resolved, safety.disputes_total) >= 0.95"
    )
    v = village(safety={"disputes_resolved": 0, "disputes_total": 0})
    assert expression.evaluate(v, {}) is True
    assert run("1 / 0 > 1 or true") is True
    assert run("1 / 0 > 1 and false") is False
    assert run("1 / 0 > 1 and true") is None


# -- `in` lists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "sections", "expected"),
    [
        ("industry.local_jobs in [1, 2, 3]", {"industry": {"local_jobs": 2}}, T),
        ("industry.local_jobs in [1, 2, 3]", {"industry": {"local_jobs": 4}}, F),
        ("industry.local_jobs in [1, 2, 3]", {}, U),
        ("industry.local_jobs in [1.0, 2.5]", {"industry": {"local_jobs": 1}}, T),
        ("industry.local_jobs not in [1, 2, 3]", {"industry": {"local_jobs": 4}}, T),
        ("industry.local_jobs not in [1, 2, 3]", {"industry": {"local_jobs": 2}}, F),
        ("industry.local_jobs not in [1, 2, 3]", {}, U),
        ("industry.dual_binding in [true]", {"industry": {"dual_binding": True}}, T),
        ("industry.dual_binding in [true]", {"industry": {"dual_binding": False}}, F),
        ("industry.dual_binding in [true]", {}, U),
        ("extra.label in ['a', 'b']", {"extra": {"label": "a"}}, T),
        ("extra.label in ['a', 'b']", {"extra": {"label": "c"}}, F),
        ("extra.label in ['a', 'b']", {}, U),
        ("extra.label not in ['a']", {"extra": {"label": "b"}}, T),
        ("industry.local_jobs + 1 in [3]", {"industry": {"local_jobs": 2}}, T),
    ],
)
def test_in_lists(source: str, sections: dict[str, Any], expected: bool | None) -> None:
    assert run(source, village(**sections)) is expected


@pytest.mark.parametrize(
    "source",
    [
        "true in [1]",
        "false in [0]",
        "1 in [true]",
        "0 in [false]",
        "industry.dual_binding in [1]",
        "industry.local_jobs in [true]",
        "extra.label in [1]",
        "1 in ['1']",
    ],
)
@pytest.mark.parametrize("flag", [True, False])
def test_in_never_confuses_yes_no_with_numbers_or_text(source: str, flag: bool) -> None:
    """`true in [1]` is a type error or false; never true (Python would say True)."""
    v = village(industry={"dual_binding": flag, "local_jobs": 1}, extra={"label": "1"})
    try:
        expression = compiled(source)
    except ExpressionError:
        return
    assert expression.evaluate(v, {}) is False


# -- known() is never unknown ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "sections", "expected"),
    [
        ("known(industry.local_jobs)", {}, F),
        ("known(industry.local_jobs)", {"industry": {"local_jobs": 0}}, T),
        ("known(industry.dual_binding)", {"industry": {"dual_binding": False}}, T),
        ("known(industry.dual_binding)", {}, F),
        ("known(extra.label)", {"extra": {"label": ""}}, T),
        ("known(extra.label)", {}, F),
        ("known(industry.local_jobs / 0)", {"industry": {"local_jobs": 3}}, F),
        (f"known(ratio({JOBS}, {TRAINEES}))", {"industry": {"local_jobs": 3,
                                                             "skills_trainees": 0}}, F),
        (f"known({JOBS} + {TRAINEES})", {"industry": {"local_jobs": 3}}, F),
        ("known(industry.dual_binding and false)", {}, T),
        ("known(industry.dual_binding or true)", {}, T),
        ("known(industry.dual_binding or false)", {}, F),
        ("not known(industry.local_jobs)", {}, T),
        ("not known(industry.local_jobs) or industry.local_jobs > 3", {}, T),
        ("known(industry.local_jobs) or industry.local_jobs > 3", {}, U),
        ("known(industry.local_jobs) and industry.local_jobs > 3", {}, F),
    ],
)  # fmt: skip
def test_known(source: str, sections: dict[str, Any], expected: bool | None) -> None:
    """known() itself is never unknown; what is combined with it follows Kleene."""
    assert run(source, village(**sections)) is expected


@pytest.mark.parametrize("state", TRUTH)
def test_known_of_a_star_in_a_level(state: bool | None) -> None:
    stars = {"industry": state, "ecology": True, "branch": False}
    assert run("known(stars.industry)", stars=stars) is (state is not None)


# -- count(stars) is a range in level scope ---------------------------------------------------


def _count_outcome(op: str, low: int, high: int, k: int) -> bool | None:
    compare = {
        "==": operator.eq,
        "!=": operator.ne,
        "<": operator.lt,
        "<=": operator.le,
        ">": operator.gt,
        ">=": operator.ge,
    }[op]
    outcomes = {bool(compare(n, k)) for n in range(low, high + 1)}
    return outcomes.pop() if len(outcomes) == 1 else None


@pytest.mark.parametrize("states", list(itertools.product(TRUTH, repeat=3)))
@pytest.mark.parametrize("k", [0, 1, 2, 3, 4])
def test_count_stars_at_least(states: tuple[bool | None, ...], k: int) -> None:
    stars = dict(zip(STAR_IDS, states, strict=True))
    granted = sum(1 for s in states if s is True)
    possible = granted + sum(1 for s in states if s is None)
    expected = True if granted >= k else (False if possible < k else None)
    assert run(f"count(stars) >= {k}", stars=stars) is expected
    assert run(f"{k} <= count(stars)", stars=stars) is expected


@pytest.mark.parametrize("states", list(itertools.product(TRUTH, repeat=3)))
@pytest.mark.parametrize("op", COMPARISONS)
def test_count_stars_comparisons(states: tuple[bool | None, ...], op: str) -> None:
    stars = dict(zip(STAR_IDS, states, strict=True))
    low = sum(1 for s in states if s is True)
    high = low + sum(1 for s in states if s is None)
    assert run(f"count(stars) {op} 2", stars=stars) is _count_outcome(op, low, high, 2)


@pytest.mark.parametrize(
    ("source", "stars", "expected"),
    [
        ("count(stars) >= 2", {"industry": T, "ecology": U, "branch": F}, U),
        ("count(stars) >= 2", {"industry": T, "ecology": T, "branch": U}, T),
        ("count(stars) >= 3", {"industry": T, "ecology": T, "branch": F}, F),
        ("count(stars) == 0", {"industry": F, "ecology": F, "branch": F}, T),
        ("count(stars) >= 2 and stars.branch", {"industry": T, "ecology": T, "branch": U}, U),
        ("count(stars) >= 2 and stars.branch", {"industry": T, "ecology": T, "branch": F}, F),
        ("count(stars) >= 1 or stars.branch", {"industry": U, "ecology": U, "branch": T}, T),
        ("count(stars.industry, stars.ecology) >= 1", {"industry": U, "ecology": T}, T),
        ("count(stars.industry, stars.ecology) >= 2", {"industry": U, "ecology": T}, U),
        ("count(stars.industry, stars.branch) >= 1", {"industry": F, "branch": F}, F),
        ("stars.industry", {"industry": U, "ecology": T, "branch": T}, U),
        ("not stars.branch", {"industry": U, "ecology": T, "branch": F}, T),
    ],
)  # fmt: skip
def test_level_conditions(
    source: str, stars: dict[str, bool | None], expected: bool | None
) -> None:
    assert compiled(source, LEVEL).evaluate(village(), stars) is expected


def test_count_stars_compared_with_an_unknown_number_is_unknown() -> None:
    stars = {"industry": T, "ecology": T, "branch": T}
    assert run("count(stars) >= industry.local_jobs", village(), stars) is None
    assert run("count(stars) >= industry.local_jobs", village(industry={"local_jobs": 2}), stars)


# -- Threshold.gap: how far from passing (or, for a veto, from not triggering) ---------------


@pytest.mark.parametrize(
    ("source", "value", "want", "gap"),
    [
        # counts (integral): the gap reaches the nearest whole number that satisfies the test
        ("industry.local_jobs >= 5", 3, True, 2),
        ("industry.local_jobs >= 5", 5, True, None),
        ("industry.local_jobs >= 5", 7, True, None),
        ("industry.local_jobs > 5", 3, True, 3),
        ("industry.local_jobs > 5", 5, True, 1),
        ("industry.local_jobs > 5", 6, True, None),
        ("industry.local_jobs <= 5", 8, True, 3),
        ("industry.local_jobs <= 5", 5, True, None),
        ("industry.local_jobs < 5", 8, True, 4),
        ("industry.local_jobs < 5", 5, True, 1),
        ("industry.local_jobs < 5", 4, True, None),
        ("5 <= industry.local_jobs", 3, True, 2),
        ("5 > industry.local_jobs", 6, True, 2),
        ("extra.mushroom_bags >= 1000", 400, True, 600),
        ("extra.mushroom_bags > 1000", 400, True, 601),
        # vetoes (want=False): how far until the veto no longer triggers
        ("safety.criminal_cases > 0", 2, False, 2),
        ("safety.criminal_cases > 0", 0, False, None),
        ("safety.criminal_cases >= 3", 5, False, 3),
        ("safety.criminal_cases >= 3", 2, False, None),
        ("safety.criminal_cases < 3", 1, False, 2),
        ("safety.criminal_cases <= 3", 1, False, 3),
        ("safety.criminal_cases <= 3", 4, False, None),
        # money, rates and other non-integral values: the distance to the limit
        ("industry.collective_income >= 100000", 50000, True, 50000),
        ("industry.collective_income > 100000", 50000, True, 50000),
        ("industry.collective_income <= 100000", 150000, True, 50000),
        ("industry.collective_income < 100000", 150000, True, 50000),
        ("industry.collective_income >= 100000", 100000, True, None),
        ("ecology.sanitary_toilet_rate >= 0.85", 0.8, True, 0.05),
        ("ecology.sanitary_toilet_rate > 0.85", 0.85, True, 0.0),
        ("extra.yield >= -5", -8, True, 3),
        # a threshold inside an and/or with a single numeric comparison
        ("known(industry.local_jobs) and industry.local_jobs >= 5", 3, True, 2),
        (
            "safety.disputes_total == 0 or ratio(safety.disputes_resolved, safety.disputes_total)"
            " >= 0.95",
            0.9,
            True,
            0.05,
        ),
    ],
)
def test_threshold_gap(source: str, value: float, want: bool, gap: float | None) -> None:
    threshold = compiled(source).threshold
    assert threshold is not None
    result = threshold.gap(value, want)
    if gap is None:
        assert result is None
    else:
        assert result == pytest.approx(gap)


@pytest.mark.parametrize(
    ("source", "op", "limit", "integral"),
    [
        ("industry.local_jobs >= 5", ">=", 5.0, True),
        ("5 < industry.local_jobs", ">", 5.0, True),
        ("industry.collective_income >= 100_000", ">=", 100000.0, False),
        ("ecology.sanitary_toilet_rate <= 0.5", "<=", 0.5, False),
        ("extra.mushroom_bags >= 1000", ">=", 1000.0, True),
        ("ratio(safety.disputes_resolved, safety.disputes_total) >= 0.9", ">=", 0.9, False),
        ("industry.local_jobs * 2 >= 10", ">=", 10.0, False),
    ],
)
def test_threshold_shape(source: str, op: str, limit: float, integral: bool) -> None:
    threshold = compiled(source).threshold
    assert threshold is not None
    assert (threshold.op, threshold.limit, threshold.integral) == (op, limit, integral)


def test_threshold_subject_reads_the_value() -> None:
    threshold = compiled("ratio(safety.disputes_resolved, safety.disputes_total) >= 0.9").threshold
    assert threshold is not None
    v = village(safety={"disputes_resolved": 3, "disputes_total": 4})
    assert threshold.subject(v, {}) == pytest.approx(0.75)


@pytest.mark.parametrize(
    "source",
    [
        "industry.local_jobs == 5",
        "industry.local_jobs != 5",
        "industry.dual_binding",
        "industry.local_jobs >= industry.skills_trainees",
        "industry.local_jobs >= 1 and industry.skills_trainees >= 2",
        "industry.local_jobs in [1, 2]",
        "not industry.local_jobs >= 5",
        "1 < 2",
    ],
)
def test_no_threshold(source: str) -> None:
    assert compiled(source).threshold is None


def test_no_threshold_for_star_counts() -> None:
    assert compiled("count(stars) >= 3", LEVEL).threshold is None


@pytest.mark.parametrize(
    ("source", "value", "want", "gap"),
    [
        ("industry.local_jobs >= 5.5", 3, True, 3),
        ("industry.local_jobs > 5.5", 3, True, 3),
        ("industry.local_jobs <= 2.5", 5, True, 3),
        ("industry.local_jobs < 2.5", 5, True, 3),
        ("safety.criminal_cases > 0.5", 2, False, 2),
    ],
)
def test_threshold_gap_on_counts_is_whole(source: str, value: int, want: bool, gap: int) -> None:
    threshold = compiled(source).threshold
    assert threshold is not None
    assert threshold.gap(value, want) == gap


# -- compiled expressions: metadata ----------------------------------------------------------


def test_compiled_expression_metadata() -> None:
    expression = compiled("  industry.collective_income>=100_000 and known(extra.label)  ")
    assert isinstance(expression, CompiledExpression)
    assert expression.source == "industry.collective_income>=100_000 and known(extra.label)"
    assert expression.canonical == "industry.collective_income >= 100000 and known(extra.label)"
    assert expression.names == ("industry.collective_income", "extra.label")
    assert expression.type is ExprType.BOOL


def test_names_leave_out_the_bare_stars_of_count() -> None:
    expression = compiled("count(stars) >= 2 and stars.branch", LEVEL)
    assert expression.names == ("stars.branch",)


def test_plugin_functions_are_called_only_with_known_arguments() -> None:
    calls: list[tuple[Any, ...]] = []

    def double(x: float) -> float:
        calls.append((x,))
        return 2 * x

    def first_known(*values: Any) -> Any:
        return next((v for v in values if v is not None), None)

    functions = {
        **BUILTIN_FUNCTIONS,
        "double": FunctionSpec("double", (ExprType.NUMBER,), ExprType.NUMBER, double),
        "first_known": FunctionSpec(
            "first_known",
            (ExprType.NUMBER, ExprType.NUMBER),
            ExprType.NUMBER,
            first_known,
            variadic=True,
            takes_unknown=True,
        ),
    }
    scope = Scope(_catalogue(), functions=functions)
    doubled = compile_expression("double(industry.local_jobs) >= 4", scope)
    assert doubled.evaluate(village(), {}) is None
    assert calls == []
    assert doubled.evaluate(village(industry={"local_jobs": 2}), {}) is True
    assert calls == [(2,)]
    either = compile_expression(
        "first_known(industry.local_jobs, industry.skills_trainees, 7)", scope, expect=None
    )
    assert either.evaluate(village(industry={"skills_trainees": 3}), {}) == 3
    assert either.evaluate(village(), {}) == 7


# -- differential property: compiled closures agree with a reference interpreter ---------------
#
# Trees are tuples; `render` writes them fully parenthesised, `reference` evaluates them with
# spec §3's rules written out plainly.

NUMERIC = (
    "industry.local_jobs",
    "industry.collective_income",
    "ecology.sanitary_toilet_rate",
    "safety.disputes_total",
)
FLAGS = ("industry.dual_binding", "ecology.garbage_system", "branch.weak_and_lax")
Tree = tuple[Any, ...]

_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}
_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def render(tree: Tree) -> str:
    kind = tree[0]
    if kind in ("num", "flag"):
        return str(tree[1])
    if kind in ("int", "bool"):
        return _literal(tree[1])
    if kind == "neg":
        return f"-({render(tree[1])})"
    if kind == "not":
        return f"not ({render(tree[1])})"
    if kind in ("arith", "cmp", "eq"):
        return f"({render(tree[2])}) {tree[1]} ({render(tree[3])})"
    if kind in ("and", "or"):
        return f" {kind} ".join(f"({render(t)})" for t in tree[1])
    if kind == "call":
        return f"{tree[1]}(" + ", ".join(render(t) for t in tree[2]) + ")"
    if kind == "in":
        return f"({render(tree[1])}) in [" + ", ".join(_literal(v) for v in tree[2]) + "]"
    raise AssertionError(kind)


def reference(tree: Tree, env: Mapping[str, Any]) -> Any:
    """Spec §3 written out: None is unknown and propagates; and/or/not are Kleene."""
    kind = tree[0]
    if kind in ("num", "flag"):
        return env[tree[1]]
    if kind in ("int", "bool"):
        return tree[1]
    if kind == "neg":
        x = reference(tree[1], env)
        return None if x is None else -x
    if kind == "not":
        x = reference(tree[1], env)
        return None if x is None else not x
    if kind == "and":
        values = [reference(t, env) for t in tree[1]]
        if any(v is False for v in values):
            return False
        return None if any(v is None for v in values) else True
    if kind == "or":
        values = [reference(t, env) for t in tree[1]]
        if any(v is True for v in values):
            return True
        return None if any(v is None for v in values) else False
    if kind == "arith":
        x, y = reference(tree[2], env), reference(tree[3], env)
        if x is None or y is None:
            return None
        if tree[1] == "/":
            return None if y == 0 else x / y
        return _ARITH[tree[1]](x, y)
    if kind in ("cmp", "eq"):
        x, y = reference(tree[2], env), reference(tree[3], env)
        return None if x is None or y is None else _CMP[tree[1]](x, y)
    if kind == "in":
        x = reference(tree[1], env)
        return None if x is None else x in tree[2]
    if kind == "call":
        name, args = tree[1], [reference(t, env) for t in tree[2]]
        if name == "known":
            return args[0] is not None
        if any(a is None for a in args):
            return None
        if name == "ratio":
            return None if args[1] == 0 else args[0] / args[1]
        functions: dict[str, Callable[..., Any]] = {"abs": abs, "min": min, "max": max}
        return functions[name](*args)
    raise AssertionError(kind)


def denominators(tree: Tree) -> list[Tree]:
    found: list[Tree] = []
    if tree[0] == "arith" and tree[1] == "/":
        found.append(tree[3])
    if tree[0] == "call" and tree[1] == "ratio":
        found.append(tree[2][1])
    for part in tree[1:]:
        if isinstance(part, tuple) and part and isinstance(part[0], str):
            found.extend(denominators(part))
        elif isinstance(part, list):
            for item in part:
                if isinstance(item, tuple):
                    found.extend(denominators(item))
    return found


_SMALL = st.sampled_from([0, 1, 2, 3, 5])


@st.composite
def numeric_tree(draw: st.DrawFn, depth: int = 3) -> Tree:
    choice = draw(st.integers(0, 5 if depth > 0 else 1))
    if choice == 0:
        return ("num", draw(st.sampled_from(NUMERIC)))
    if choice == 1:
        return ("int", draw(st.one_of(_SMALL, st.sampled_from([0.5, 2.5]))))
    if choice == 2:
        return ("neg", draw(numeric_tree(depth - 1)))
    if choice in (3, 4):
        op = draw(st.sampled_from(["+", "-", "*", "/"]))
        return ("arith", op, draw(numeric_tree(depth - 1)), draw(numeric_tree(depth - 1)))
    name = draw(st.sampled_from(["ratio", "min", "max", "abs"]))
    count = 1 if name == "abs" else 2 if name == "ratio" else draw(st.integers(2, 3))
    return ("call", name, [draw(numeric_tree(depth - 1)) for _ in range(count)])


@st.composite
def flag_tree(draw: st.DrawFn, depth: int = 3) -> Tree:
    choice = draw(st.integers(0, 8 if depth > 0 else 1))
    if choice == 0:
        return ("flag", draw(st.sampled_from(FLAGS)))
    if choice == 1:
        return ("bool", draw(st.booleans()))
    if choice == 2:
        return ("not", draw(flag_tree(depth - 1)))
    if choice in (3, 4):
        op = draw(st.sampled_from(["and", "or"]))
        return (op, [draw(flag_tree(depth - 1)) for _ in range(draw(st.integers(2, 3)))])
    if choice == 5:
        op = draw(st.sampled_from(list(_CMP)))
        return ("cmp", op, draw(numeric_tree(depth - 1)), draw(numeric_tree(depth - 1)))
    if choice == 6:
        op = draw(st.sampled_from(["==", "!="]))
        return ("eq", op, draw(flag_tree(depth - 1)), draw(flag_tree(depth - 1)))
    if choice == 7:
        values = draw(st.lists(_SMALL, min_size=1, max_size=3))
        return ("in", draw(numeric_tree(depth - 1)), values)
    inner = draw(st.one_of(numeric_tree(depth - 1), flag_tree(depth - 1)))
    return ("call", "known", [inner])


@st.composite
def villages(draw: st.DrawFn) -> Village:
    def maybe(values: st.SearchStrategy[Any]) -> Any:
        return draw(st.one_of(st.none(), values))

    return village(
        industry={
            "local_jobs": maybe(st.sampled_from([0, 1, 2, 3, 5])),
            "collective_income": maybe(st.sampled_from([0.0, 1.0, 2.5, 100000.0])),
            "dual_binding": maybe(st.booleans()),
        },
        ecology={
            "sanitary_toilet_rate": maybe(st.sampled_from([0.0, 0.5, 1.0])),
            "garbage_system": maybe(st.booleans()),
        },
        safety={"disputes_total": maybe(st.sampled_from([0, 1, 2]))},
        branch={"weak_and_lax": maybe(st.booleans())},
    )


def _env(v: Village) -> dict[str, Any]:
    return {path: operator.attrgetter(path)(v) for path in (*NUMERIC, *FLAGS)}


def _same(left: Any, right: Any) -> bool:
    if left is None or right is None or isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right)


@settings(max_examples=500, deadline=None)
@given(flag_tree(), st.lists(villages(), min_size=1, max_size=4))
def test_compiled_tests_agree_with_the_reference_interpreter(
    tree: Tree, sample: list[Village]
) -> None:
    source = render(tree)
    expression = compile_expression(source, CRITERION)
    fast = getattr(expression, "on_village", None)  # a criterion's one-argument fast path
    for v in sample:
        env = _env(v)
        expected = reference(tree, env)
        assert _same(expression.evaluate(v, {}), expected), source
        if fast is not None:
            assert _same(fast(v), expected), source
        expected_zero = {
            to_source(parse(render(d))) for d in denominators(tree) if reference(d, env) == 0
        }
        assert set(expression.zero_divisors(v)) == expected_zero, source


@settings(max_examples=300, deadline=None)
@given(numeric_tree(), st.lists(villages(), min_size=1, max_size=4))
def test_compiled_arithmetic_agrees_with_the_reference_interpreter(
    tree: Tree, sample: list[Village]
) -> None:
    source = render(tree)
    expression = compile_expression(source, CRITERION, expect=None)
    assert expression.type is ExprType.NUMBER
    for v in sample:
        assert _same(expression.evaluate(v, {}), reference(tree, _env(v))), source


@settings(max_examples=200, deadline=None)
@given(flag_tree(), villages())
def test_canonical_text_compiles_to_the_same_function(tree: Tree, v: Village) -> None:
    """The fingerprint hashes the canonical text, so it must mean what the source meant."""
    source = render(tree)
    first = compile_expression(source, CRITERION)
    again = compile_expression(first.canonical, CRITERION)
    assert again.canonical == first.canonical
    assert _same(again.evaluate(v, {}), first.evaluate(v, {}))


# -- arithmetic that leaves the real numbers is unknown (issue 9) ------------------------------
# Village values are finite and within float range, but expressions can multiply them: a
# result that overflows (inf), or a NaN, is unknown, like `x / 0`, with a reason; never a
# decided comparison, never an exception.

BIG = {"collective_income": 1.5e308, "local_jobs": 10**200, "skills_trainees": 10**200}


@pytest.mark.parametrize(
    "source",
    [
        "1e308 * 10 > 0",
        "1e308 * 10 < 0",
        "1e308 + 1e308 >= 1",
        "-1e308 - 1e308 <= 1",
        "1e308 * 10 - 1e308 * 10 == 0",
        "0 * (1e308 * 10) == 0",
        "1e308 / 1e-308 > 1",
        "industry.collective_income * 2 > 1",
        "industry.collective_income / 0.5 > 1",
        "-(industry.collective_income * 2) < 1",
        "abs(industry.collective_income * 2) > 1",
        "min(industry.collective_income * 2, 1) <= 1",
        "max(industry.collective_income * 2, 1) >= 1",
        "ratio(industry.collective_income, 0.5) > 1",
        "ratio(industry.local_jobs * industry.skills_trainees, 2) > 1",
        "industry.local_jobs * industry.skills_trainees > 1",  # 1e400: beyond any float
        "industry.local_jobs * industry.skills_trainees / 3 > 1",
        "industry.local_jobs * industry.skills_trainees * 0.5 > 1",
        "industry.local_jobs * industry.skills_trainees + 0.5 > 1",
        "not (industry.collective_income * 2 > 1)",
    ],
)
def test_a_result_beyond_the_range_of_a_float_is_unknown(source: str) -> None:
    assert run(source, village(industry=BIG)) is None


def test_an_overflow_does_not_hide_a_decided_or_and() -> None:
    v = village(industry=BIG)
    assert run("industry.collective_income * 2 > 1 or true", v) is True
    assert run("industry.collective_income * 2 > 1 and false", v) is False


def test_large_results_within_range_are_still_computed() -> None:
    v = village(industry={"collective_income": 1e300, "local_jobs": 10**150})
    assert run("industry.collective_income * 1000 > 1e302", v) is True
    assert run("industry.local_jobs * industry.local_jobs > 1e299", v) is True


@pytest.mark.parametrize("bad", [float("inf"), float("-inf"), float("nan")])
def test_a_function_that_returns_a_non_finite_number_gives_unknown(bad: float) -> None:
    functions = {
        **BUILTIN_FUNCTIONS,
        "wild": FunctionSpec("wild", (ExprType.NUMBER,), ExprType.NUMBER, lambda x: bad),
    }
    scope = Scope(_catalogue(), functions=functions)
    expression = compile_expression("wild(industry.local_jobs) > 1", scope)
    v = village(industry={"local_jobs": 3})
    assert expression.evaluate(v, {}) is None
    assert expression.on_village(v) is None
    assert compile_expression("wild(1) - wild(1) == 0", scope).evaluate(v, {}) is None


def test_out_of_range_names_the_step_that_left_the_range() -> None:
    expression = compiled(
        "industry.collective_income * 2 + 1 > 1 or industry.local_jobs / 0 > 1"
        " or industry.local_jobs * industry.skills_trainees > 1"
    )
    v = village(industry=BIG)
    assert expression.evaluate(v, {}) is None
    assert expression.out_of_range(v) == [
        "industry.collective_income * 2",
        "industry.local_jobs * industry.skills_trainees",
    ]
    assert expression.zero_divisors(v) == ["0"]
    assert expression.out_of_range(village(industry={"collective_income": 1.0})) == []


@pytest.mark.parametrize(
    ("source", "value", "want"),
    [
        ("extra.yield >= 1e308", -1.7e308, True),  # short by 2.7e308: more than any float
        ("extra.yield <= -1e308", 1.7e308, True),
        ("extra.mushroom_bags >= 1e308", -(10**308), True),
        ("extra.mushroom_bags < -1e308", 10**308, True),
    ],
)
def test_a_threshold_gap_beyond_float_range_is_the_largest_float(
    source: str, value: float, want: bool
) -> None:
    import sys

    threshold = compiled(source).threshold
    assert threshold is not None
    assert threshold.gap(value, want) == sys.float_info.max


# -- number literals beyond the range of a float are refused where they are ------------------


@pytest.mark.parametrize(
    ("source", "offset"),
    [
        ("industry.local_jobs >= 1" + "0" * 400, 23),
        ("industry.local_jobs >= -1" + "0" * 400, 24),
        ("industry.local_jobs >= 1" + "0" * 5000, 23),
        ("industry.local_jobs >= 1" + "_000" * 2000, 23),
        ("industry.local_jobs >= 1e999", 23),
        ("industry.local_jobs >= 1" + "0" * 5000 + ".5", 23),
        ("industry.local_jobs in [1, 1" + "0" * 400 + "]", 27),
        ("1" + "0" * 400 + " > industry.local_jobs", 0),
    ],
)
def test_a_number_literal_beyond_float_range_is_refused(source: str, offset: int) -> None:
    with pytest.raises(ExpressionError) as info:
        compiled(source)
    assert info.value.offset == offset
    assert "too large" in info.value.message
    assert len(info.value.message) < 120  # the digits are not all echoed


def test_the_largest_literals_within_float_range_are_kept() -> None:
    assert run("1.7e308 > 1") is True
    assert run("179769313486231570" + "0" * 291 + " > 1") is True  # about the largest float
    assert run("0.000_001 > 0") is True
    assert run("1e-999 == 0") is True  # an underflow is 0: still a real number


def test_an_assessment_explains_an_overflow_as_its_reason() -> None:
    from conftest import ruleset_of

    ruleset = ruleset_of(
        [
            {
                "id": "industry",
                "name": {"zh": "产业兴旺星", "en": "Thriving Industry"},
                "grant": {
                    "all": [
                        {
                            "id": "industry.square",
                            "test": "industry.collective_income * industry.collective_income >= 1",
                            "text": {"zh": "平方", "en": "Square"},
                        }
                    ]
                },
            }
        ]
    )
    v = Village.model_validate(
        {
            "name": "测试村",
            "jurisdiction": "cn-test",
            "kind": "rural",
            "industry": {"collective_income": 1e200},
        }
    )
    assessment = ruleset.evaluate(v)
    (result,) = [c for c in assessment.stars["industry"].criteria if c.id == "industry.square"]
    assert result.status == "unknown"
    assert result.missing == []
    assert result.reason is not None
    assert "too large" in result.reason
    assert "industry.collective_income * industry.collective_income" in result.reason
    assessment.explain("zh")
    assessment.explain("en")


# -- an operation on two indicators, compared with a constant: one fused closure ----------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("ratio(industry.local_jobs, safety.disputes_total) >= 0.5", False),  # 2/5
        ("ratio(safety.disputes_total, industry.local_jobs) >= 0.5", True),  # 5/2
        ("0.5 > ratio(industry.local_jobs, safety.disputes_total)", True),
        ("industry.local_jobs / safety.disputes_total < 0.5", True),
        ("safety.disputes_total / industry.local_jobs < 0.5", False),
        ("safety.disputes_total - industry.local_jobs == 3", True),
        ("industry.local_jobs - safety.disputes_total == 3", False),
        ("industry.local_jobs * safety.disputes_total >= 10", True),
        ("industry.local_jobs + safety.disputes_total > 7", False),
        # not compared with a constant: the operation's own closure
        (
            "ratio(industry.local_jobs, safety.disputes_total) >= ecology.sanitary_toilet_rate",
            False,
        ),
        ("industry.local_jobs / safety.disputes_total + 0 < 0.5", True),
        ("safety.disputes_total - industry.local_jobs + 0 == 3", True),
    ],
)
def test_a_two_indicator_operation_compared_with_a_constant(source: str, expected: bool) -> None:
    """The operands keep their order (a ratio of a to b is not of b to a), through the
    criterion's one-argument test and the full evaluator alike."""
    v = village(
        industry={"local_jobs": 2},
        safety={"disputes_total": 5},
        ecology={"sanitary_toilet_rate": 0.5},
    )
    expression = compiled(source)
    assert expression.evaluate(v, {}) is expected
    assert expression.on_village(v) is expected


@pytest.mark.parametrize(
    "source",
    [
        "ratio(industry.local_jobs, safety.disputes_total) >= 0.5",
        "industry.local_jobs / safety.disputes_total < 0.5",
        "industry.local_jobs - safety.disputes_total == 3",
    ],
)
@pytest.mark.parametrize(("jobs", "disputes"), [(None, 5), (2, None), (None, None), (2, 0)])
def test_a_two_indicator_operation_with_an_unknown_or_zero_divisor_is_unknown(
    source: str, jobs: int | None, disputes: int | None
) -> None:
    v = village(industry={"local_jobs": jobs}, safety={"disputes_total": disputes})
    expression = compiled(source)
    expected = None if jobs is None or disputes is None or "-" not in source else False
    assert expression.evaluate(v, {}) is expected
    assert expression.on_village(v) is expected
