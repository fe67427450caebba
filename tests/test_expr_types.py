"""Static checking of expressions (starrules.expr.types), spec §2: "a name, type or syntax
error is reported at load time with ... line, column and a did-you-mean suggestion".

Every error is an ExpressionError whose offset points into the expression: at the unknown
name, at the operator of a mismatched comparison, or at the operand of the wrong type.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from starrules.expr import (
    BUILTIN_FUNCTIONS,
    ExpressionError,
    ExprType,
    FunctionSpec,
    Scope,
    check,
    compile_expression,
    parse,
)
from starrules.i18n import Text
from starrules.indicators import Better, IndicatorKind, IndicatorSpec
from starrules.village import STANDARD_INDICATORS

STARS = frozenset({"industry", "ecology", "safety", "civility", "branch"})


def _with_extras() -> Mapping[str, IndicatorSpec]:
    catalogue = dict(STANDARD_INDICATORS)
    for path, kind in [
        ("extra.label", IndicatorKind.STRING),
        ("extra.mushroom_bags", IndicatorKind.COUNT),
        ("extra.has_museum", IndicatorKind.BOOL),
    ]:
        catalogue[path] = IndicatorSpec(path, kind, Better.NONE, Text(zh=path, en=path))
    return catalogue


CRITERION = Scope(_with_extras())
LEVEL = Scope(_with_extras(), stars=STARS)


def type_of(source: str, scope: Scope = CRITERION) -> ExprType:
    return check(parse(source), scope)


def type_error(source: str, scope: Scope = CRITERION) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        compile_expression(source, scope)
    return info.value


# -- well-typed expressions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "scope", "expected"),
    [
        ("industry.local_jobs", CRITERION, ExprType.NUMBER),
        ("industry.collective_income", CRITERION, ExprType.NUMBER),
        ("ecology.sanitary_toilet_rate", CRITERION, ExprType.NUMBER),
        ("industry.dual_binding", CRITERION, ExprType.BOOL),
        ("extra.label", CRITERION, ExprType.STRING),
        ("extra.mushroom_bags", CRITERION, ExprType.NUMBER),
        ("extra.has_museum", CRITERION, ExprType.BOOL),
        ("'text'", CRITERION, ExprType.STRING),
        ("1.5", CRITERION, ExprType.NUMBER),
        ("true", CRITERION, ExprType.BOOL),
        ("[1, 2]", CRITERION, ExprType.LIST),
        ("-industry.local_jobs", CRITERION, ExprType.NUMBER),
        ("industry.collective_income / 10000 + 1", CRITERION, ExprType.NUMBER),
        ("ratio(safety.disputes_resolved, safety.disputes_total)", CRITERION, ExprType.NUMBER),
        ("min(1, 2, industry.local_jobs)", CRITERION, ExprType.NUMBER),
        ("max(1, 2)", CRITERION, ExprType.NUMBER),
        ("abs(industry.local_jobs - 3)", CRITERION, ExprType.NUMBER),
        ("known(industry.local_jobs)", CRITERION, ExprType.BOOL),
        ("known(extra.label)", CRITERION, ExprType.BOOL),
        ("known(industry.dual_binding)", CRITERION, ExprType.BOOL),
        ("ecology.sanitary_toilet_rate >= 0.85", CRITERION, ExprType.BOOL),
        ("industry.dual_binding == true", CRITERION, ExprType.BOOL),
        ("industry.dual_binding != ecology.garbage_system", CRITERION, ExprType.BOOL),
        ("extra.label == 'a'", CRITERION, ExprType.BOOL),
        ("extra.label in ['a', 'b']", CRITERION, ExprType.BOOL),
        ("industry.local_jobs in [1, 2.5]", CRITERION, ExprType.BOOL),
        ("industry.dual_binding in [true]", CRITERION, ExprType.BOOL),
        ("not industry.dual_binding or industry.local_jobs > 3", CRITERION, ExprType.BOOL),
        ("stars.industry", LEVEL, ExprType.BOOL),
        ("count(stars)", LEVEL, ExprType.STAR_COUNT),
        ("count(stars.industry, stars.ecology)", LEVEL, ExprType.STAR_COUNT),
        ("count(stars) >= 3", LEVEL, ExprType.BOOL),
        ("3 <= count(stars)", LEVEL, ExprType.BOOL),
        ("count(stars) >= 4 and stars.branch", LEVEL, ExprType.BOOL),
        ("count(stars) == industry.local_jobs", LEVEL, ExprType.BOOL),
        ("industry.local_jobs > 3", LEVEL, ExprType.BOOL),
    ],
)
def test_types(source: str, scope: Scope, expected: ExprType) -> None:
    assert type_of(source, scope) is expected


def test_compile_expression_can_return_a_number_when_asked() -> None:
    compiled = compile_expression("industry.local_jobs * 2", CRITERION, expect=None)
    assert compiled.type is ExprType.NUMBER


# -- unknown names, with did-you-mean ------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "offset", "name", "suggestion"),
    [
        ("industry.colective_income >= 1", 0, "industry.colective_income", "collective_income"),
        ("industri.local_jobs > 1", 0, "industri.local_jobs", "'industry.local_jobs'"),
        ("x > 1 and ecology.sanitary_toilet > 0.8", 0, "x", None),
        (
            "industry.local_jobs > 1 and ecology.sanitary_toilet > 0.8",
            28,
            "sanitary_toilet",
            "rate",
        ),
        ("extra.mushroom_bag > 1", 0, "extra.mushroom_bag", "'extra.mushroom_bags'"),
        ("branch.secretary_strng", 0, "branch.secretary_strng", "'branch.secretary_strong'"),
        ("not safety.criminal_case > 0", 4, "safety.criminal_case", "'safety.criminal_cases'"),
    ],
)
def test_unknown_indicator(source: str, offset: int, name: str, suggestion: str | None) -> None:
    error = type_error(source)
    assert error.offset == offset
    assert "unknown indicator" in error.message
    assert name in error.message
    if suggestion is not None:
        assert error.hint is not None
        assert "did you mean" in error.hint
        assert suggestion in error.hint


def test_undeclared_extra_indicator_says_to_declare_it() -> None:
    error = type_error("extra.zzz_qqq >= 1")
    assert "unknown indicator 'extra.zzz_qqq'" in error.message
    assert error.hint is not None and "indicators:" in error.hint


@pytest.mark.parametrize(
    ("source", "offset", "message", "hint"),
    [
        ("stars.industy", 0, "unknown star 'industy'", "'industry'"),
        ("count(stars) >= 3 or stars.brnch", 21, "unknown star 'brnch'", "'branch'"),
        ("stars", 0, "'stars'", "count(stars)"),
    ],
)
def test_unknown_star_in_a_level(source: str, offset: int, message: str, hint: str) -> None:
    error = type_error(source, LEVEL)
    assert error.offset == offset
    assert message in error.message
    assert error.hint is not None and hint in error.hint


@pytest.mark.parametrize(
    ("source", "offset", "suggestion"),
    [
        ("ratoi(a.b, c.d) > 0", 0, "'ratio'"),
        ("knwon(industry.local_jobs)", 0, "'known'"),
        ("industry.local_jobs > 1 or mn(1, 2) > 0", 27, "'min'"),
        ("abss(1) > 0", 0, "'abs'"),
        ("eval('1')", 0, None),
        ("open('x')", 0, None),
        ("__import__('os')", 0, None),
    ],
)
def test_unknown_function(source: str, offset: int, suggestion: str | None) -> None:
    error = type_error(source)
    assert error.offset == offset
    assert "unknown function" in error.message
    if suggestion is not None:
        assert error.hint is not None and suggestion in error.hint


# -- type mismatches -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "offset", "message", "hint"),
    [
        # number vs text
        ('industry.collective_income >= "x"', 27, "cannot compare number with text", "quotes"),
        ('industry.local_jobs == "5"', 20, "cannot compare number with text", "quotes"),
        ('"5" == industry.local_jobs', 4, "cannot compare text with number", "quotes"),
        ("extra.label == 1", 12, "cannot compare text with number", "quotes"),
        # yes/no vs number
        ("industry.dual_binding == 1", 22, "cannot compare yes/no with number", "by itself"),
        ("industry.dual_binding >= 1", 22, "cannot compare yes/no with number", "by itself"),
        ("1 != ecology.garbage_system", 2, "cannot compare number with yes/no", "by itself"),
        ("known(industry.local_jobs) == 1", 27, "cannot compare yes/no with number", None),
        ("industry.dual_binding + 1 > 0", 0, "'+' needs number, got yes/no", None),
        ("-industry.dual_binding < 0", 1, "'-' needs number, got yes/no", None),
        ("not industry.local_jobs", 4, "'not' needs yes/no, got number", "compare it"),
        ("industry.local_jobs and true", 0, "'and' needs yes/no, got number", "compare it"),
        ("true or industry.local_jobs", 8, "'or' needs yes/no, got number", "compare it"),
        (
            "industry.local_jobs > 1 and industry.collective_income",
            28,
            "'and' needs yes/no, got number",
            "compare it",
        ),
        ("extra.label * 2 > 1", 0, "'*' needs number, got text", None),
        # ordering on text and on yes/no
        ('"a" < "b"', 4, "'<' needs numbers, got text", "'=='"),
        ("extra.label >= 'm'", 12, "'>=' needs numbers, got text", "'=='"),
        ("true < false", 5, "'<' needs numbers, got yes/no", "'=='"),
        ("industry.dual_binding > ecology.garbage_system", 22, "'>' needs numbers", "'=='"),
        # functions take declared argument types
        ("ratio(industry.dual_binding, 1) > 0", 6, "argument of ratio() needs number", None),
        ("ratio('a', 1) > 0", 6, "argument of ratio() needs number, got text", None),
        ("abs(extra.label) > 0", 4, "argument of abs() needs number, got text", None),
        ("min(1, true) > 0", 7, "argument of min() needs number, got yes/no", None),
        # `in` looks for a value among values of the same type
        ("true in [1]", 5, "cannot look for yes/no in a list of number", None),
        ("1 in [true]", 2, "cannot look for number in a list of yes/no", None),
        ("industry.local_jobs in ['1']", 20, "cannot look for number in a list of text", None),
        ("industry.dual_binding in [1, 0]", 22, "cannot look for yes/no in a list of number", None),
        ("industry.local_jobs in [1, 'a']", 23, "one type", None),
        ("industry.local_jobs in [true, 1]", 23, "one type", None),
    ],
)
def test_type_mismatch(source: str, offset: int, message: str, hint: str | None) -> None:
    error = type_error(source)
    assert error.offset == offset, (error.offset, error.message)
    assert message in error.message
    if hint is not None:
        assert error.hint is not None and hint in error.hint, error.hint


# -- count(stars) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    ["count(stars) >= 1", "industry.local_jobs > 1 and count(stars) >= 1", "stars.industry"],
)
def test_star_counts_and_stars_are_only_available_in_levels(source: str) -> None:
    error = type_error(source, CRITERION)
    assert "count() is only available in levels" in error.message or "stars" in error.message


def test_count_outside_levels_is_located_at_count() -> None:
    error = type_error("industry.local_jobs > 1 and count(stars) >= 1")
    assert error.offset == 28
    assert error.message == "count() is only available in levels"


@pytest.mark.parametrize(
    ("source", "offset", "message"),
    [
        ("count(stars) + 1 >= 1", 0, "a count of stars can only be compared with a number"),
        ("min(count(stars), 3) > 1", 4, "a count of stars can only be compared with a number"),
        ("known(count(stars))", 6, "a count of stars can only be compared with a number"),
        ("count(stars) == true", 13, "cannot compare a count of stars with yes/no"),
        ("count(stars) >= count(stars)", 13, "cannot compare a count of stars with count"),
        ("count(stars) in [1, 2]", 13, "cannot look for count of stars"),
        ("count() >= 1", 0, "count() needs 'stars' or yes/no values"),
        ("count(1) > 0", 6, "argument of count() needs yes/no, got number"),
    ],
)
def test_star_count_misuse(source: str, offset: int, message: str) -> None:
    error = type_error(source, LEVEL)
    assert error.offset == offset
    assert message in error.message


# -- arity ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("ratio(1) > 0", "ratio() takes 2 argument(s), got 1"),
        ("ratio(1, 2, 3) > 0", "ratio() takes 2 argument(s), got 3"),
        ("abs(1, 2) > 0", "abs() takes 1 argument(s), got 2"),
        ("abs() > 0", "abs() takes 1 argument(s), got 0"),
        ("min(1) > 0", "min() takes at least 2 arguments, got 1"),
        ("max() > 0", "max() takes at least 2 arguments, got 0"),
        ("known()", "known() takes 1 argument(s), got 0"),
        ("known(1, 2)", "known() takes 1 argument(s), got 2"),
    ],
)
def test_wrong_arity(source: str, message: str) -> None:
    error = type_error(source)
    assert error.offset == 0
    assert message in error.message


# -- the whole test must be yes/no ---------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "scope", "got", "hint"),
    [
        ("industry.local_jobs", CRITERION, "number", "compare it"),
        ("industry.collective_income / 2", CRITERION, "number", "compare it"),
        ("ratio(safety.disputes_resolved, safety.disputes_total)", CRITERION, "number", ">="),
        ("1 + 2", CRITERION, "number", "compare it"),
        ("'yes'", CRITERION, "text", None),
        ("extra.label", CRITERION, "text", None),
        ("[true]", CRITERION, "list", None),
        ("count(stars)", LEVEL, "count of stars", None),
    ],
)
def test_test_expression_must_be_yes_no(
    source: str, scope: Scope, got: str, hint: str | None
) -> None:
    error = type_error(source, scope)
    assert error.offset == 0
    assert f"must be yes/no, got {got}" in error.message
    if hint is not None:
        assert error.hint is not None and hint in error.hint


# -- plug-in functions are checked like builtins ---------------------------------------------


def _plugin_scope() -> Scope:
    share = FunctionSpec(
        "share", (ExprType.NUMBER, ExprType.NUMBER), ExprType.NUMBER, lambda a, b: a / b
    )
    is_label = FunctionSpec("is_label", (ExprType.STRING,), ExprType.BOOL, lambda s: s == "x")
    return Scope(
        _with_extras(), functions={**BUILTIN_FUNCTIONS, "share": share, "is_label": is_label}
    )


def test_plugin_function_result_type() -> None:
    scope = _plugin_scope()
    assert type_of("share(industry.local_jobs, 2)", scope) is ExprType.NUMBER
    assert type_of("is_label(extra.label)", scope) is ExprType.BOOL


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("share(1) > 0", "share() takes 2 argument(s), got 1"),
        ("share(extra.label, 1) > 0", "argument of share() needs number, got text"),
        ("is_label(1)", "argument of is_label() needs text, got number"),
        ("share(1, 2)", "must be yes/no, got number"),
    ],
)
def test_plugin_functions_are_type_checked(source: str, message: str) -> None:
    assert message in type_error(source, _plugin_scope()).message


def test_functions_not_registered_in_the_scope_are_unknown() -> None:
    scope = Scope(_with_extras(), functions={})
    error = type_error("ratio(1, 2) > 0", scope)
    assert "unknown function 'ratio'" in error.message
