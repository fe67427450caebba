"""The parser of the expression language (starrules.expr.parser) and the canonical text of an
expression (starrules.expr.ast.to_source), spec §2 "Expressions".

Precedence, lowest first: or, and, not, comparison (not chained), + -, * /, unary minus.
`to_source` gives the canonical text used in fingerprints, so it must mean exactly what the
source meant, and parsing it again must give it back unchanged.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from starrules.expr import ExpressionError, parse
from starrules.expr.ast import (
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
)


def show(node: Node) -> str:
    """A fully parenthesised form of the tree: shows exactly how the parser grouped it."""
    if isinstance(node, Literal | ListLiteral | Name):
        return to_source(node)
    if isinstance(node, Call):
        return f"{node.function}(" + ", ".join(show(a) for a in node.args) + ")"
    if isinstance(node, Unary):
        return f"(not {show(node.operand)})" if node.op == "not" else f"(-{show(node.operand)})"
    if isinstance(node, Arithmetic | Compare):
        return f"({show(node.left)} {node.op} {show(node.right)})"
    return "(" + f" {node.op} ".join(show(o) for o in node.operands) + ")"


def strip(value: Any) -> Any:
    """The tree without offsets, to compare meaning rather than position."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: strip(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "offset"
        }
        return (type(value).__name__, tuple(sorted(fields.items())))
    if isinstance(value, tuple):
        return tuple(strip(v) for v in value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return ("number", value)  # 100000 and 100000.0 mean the same number
    return value


def syntax_error(source: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse(source)
    return info.value


# -- precedence and associativity ----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "grouped"),
    [
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c", "((a and b) or c)"),
        ("a or b or c", "(a or b or c)"),
        ("a and b and c", "(a and b and c)"),
        ("(a or b) or c", "((a or b) or c)"),
        ("not a and b", "((not a) and b)"),
        ("not a or not b", "((not a) or (not b))"),
        ("not (a and b)", "(not (a and b))"),
        ("not not a", "(not (not a))"),
        ("not a == b", "(not (a == b))"),
        ("a == b and c != d", "((a == b) and (c != d))"),
        ("a + b >= c * d", "((a + b) >= (c * d))"),
        ("a + b * c", "(a + (b * c))"),
        ("a * b + c", "((a * b) + c)"),
        ("a - b - c", "((a - b) - c)"),
        ("a - b + c", "((a - b) + c)"),
        ("a / b / c", "((a / b) / c)"),
        ("a / b * c", "((a / b) * c)"),
        ("a - (b - c)", "(a - (b - c))"),
        ("-a * b", "((-a) * b)"),
        ("-(a * b)", "(-(a * b))"),
        ("a * -b", "(a * (-b))"),
        ("- -a", "(-(-a))"),
        ("a - -1", "(a - -1)"),
        ("-3", "-3"),
        ("-(3)", "-3"),
        ("- -3", "3"),
        ("-2.5", "-2.5"),
        ("(a == b) == c", "((a == b) == c)"),
        ("a == (b == c)", "(a == (b == c))"),
        ("(not a) == b", "((not a) == b)"),
        ("x in [1, 2] and y", "((x in [1, 2]) and y)"),
        ("a not in [1, 2]", "(not (a in [1, 2]))"),
        ("not a in [1]", "(not (a in [1]))"),
        ("x + 1 in [2, 3]", "((x + 1) in [2, 3])"),
        ("ratio(a, b) >= 0.9", "(ratio(a, b) >= 0.9)"),
        ("f(a or b, c + d)", "f((a or b), (c + d))"),
        ("f()", "f()"),
        ("f(a, )", "f(a)"),
        ("x in [1, 2, ]", "(x in [1, 2])"),
        ("known(x) or x > 0", "(known(x) or (x > 0))"),
        ("count(stars) >= 3", "(count(stars) >= 3)"),
        ("1 < x", "(1 < x)"),
        ("((((a))))", "a"),
        (
            "a.b >= 1 and (c.d or not e.f) or g.h < 2 * (i.j - 3)",
            "(((a.b >= 1) and (c.d or (not e.f))) or (g.h < (2 * (i.j - 3))))",
        ),
    ],
)
def test_precedence_and_associativity(source: str, grouped: str) -> None:
    assert show(parse(source)) == grouped


@pytest.mark.parametrize(
    ("source", "canonical"),
    [
        ("a  >=   1", "a >= 1"),
        ("a>=1", "a >= 1"),
        ("(a)", "a"),
        ("((a or b)) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("(a and b) or c", "a and b or c"),
        ("(a or b) or c", "(a or b) or c"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("a / (b * c)", "a / (b * c)"),
        ("(a * b) / c", "a * b / c"),
        ("a + (b * c)", "a + b * c"),
        ("(a + b) * c", "(a + b) * c"),
        ("-(a + b)", "-(a + b)"),
        ("-(-a)", "--a"),
        ("not (a and b)", "not (a and b)"),
        ("(not a) and b", "not a and b"),
        ("not (not a)", "not not a"),
        ("(a == b) == c", "(a == b) == c"),
        ("(not a) == b", "(not a) == b"),
        ("-(a < b)", "-(a < b)"),
        ("'x'", '"x"'),
        ("'say \"hi\"'", '"say \\"hi\\""'),
        ("'back\\\\slash'", '"back\\\\slash"'),
        ("100_000", "100000"),
        ("0.85", "0.85"),
        ("true", "true"),
        ("false", "false"),
        ("a not in [1, 2]", "not a in [1, 2]"),
        ("x in [ 'a' , 'b' ]", 'x in ["a", "b"]'),
        ("x in [-1, 2]", "x in [-1, 2]"),
        ("ratio( a ,b )", "ratio(a, b)"),
        ("count( stars )>=3", "count(stars) >= 3"),
        ("100000 <= industry.collective_income", "100000 <= industry.collective_income"),
    ],
)
def test_canonical_text(source: str, canonical: str) -> None:
    assert to_source(parse(source)) == canonical
    assert to_source(parse(canonical)) == canonical


@pytest.mark.parametrize("spelling", ["100000", "100_000", "1e5", "100000.0", "1_00_000.0"])
def test_one_number_one_canonical_text(spelling: str) -> None:
    """The fingerprint hashes canonical text: 1e5 and 100_000 are the same threshold."""
    assert to_source(parse(f"x >= {spelling}")) == to_source(parse("x >= 100000"))


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("0", 0),
        ("100_000", 100000),
        ("1_000_000", 1000000),
        ("0.85", 0.85),
        (".5", 0.5),
        ("1e5", 100000.0),
        ("2.5e-3", 0.0025),
        ("-7", -7),
        ("'text'", "text"),
        ('"text"', "text"),
        ("'产业'", "产业"),
        ("'a\\'b'", "a'b"),
        ('"a\\"b"', 'a"b'),
        ("'a\\nb'", "a\nb"),
        ("'a\\tb'", "a\tb"),
        ("'a\\\\b'", "a\\b"),
        ("true", True),
        ("false", False),
    ],
)
def test_literal_values(source: str, value: object) -> None:
    node = parse(source)
    assert isinstance(node, Literal)
    assert node.value == value
    assert type(node.value) is type(value)


def test_integers_stay_integers_and_decimals_are_floats() -> None:
    whole = parse("100_000")
    decimal = parse("100_000.0")
    assert isinstance(whole, Literal) and type(whole.value) is int
    assert isinstance(decimal, Literal) and type(decimal.value) is float


@pytest.mark.parametrize(
    ("source", "offsets"),
    [
        ("a + bc", {"Arithmetic": 2, "a": 0, "bc": 4}),
        ("  industry.local_jobs >= 5", {"Compare": 22, "industry.local_jobs": 2}),
        ("not x", {"Unary": 0, "x": 4}),
        ("f(x)", {"Call": 0, "x": 2}),
        ("x in [1]", {"Compare": 2, "ListLiteral": 5, "x": 0}),
    ],
)
def test_nodes_know_their_offsets(source: str, offsets: dict[str, int]) -> None:
    found: dict[str, int] = {}

    def walk(node: Node) -> None:
        key = node.path if isinstance(node, Name) else type(node).__name__
        found.setdefault(key, node.offset)
        for child in _children(node):
            walk(child)

    walk(parse(source))
    for key, offset in offsets.items():
        assert found[key] == offset, key


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Arithmetic | Compare):
        return (node.left, node.right)
    if isinstance(node, Logical):
        return node.operands
    return ()


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("a.b >= 1 and c.d", ["a.b", "c.d"]),
        ("x + x > y", ["x", "y"]),
        ("ratio(a, b) > 0 or not c", ["a", "b", "c"]),
        ("1 > 0", []),
        ("count(stars) >= 2", ["stars"]),
    ],
)
def test_names_in_order_of_first_use(source: str, found: list[str]) -> None:
    assert names(parse(source)) == found


# -- syntax errors: offset, message and hint -----------------------------------------------


@pytest.mark.parametrize(
    ("source", "offset", "message", "hint"),
    [
        ("industry.collective_income = 100000", 27, "'='", "'=='"),
        ("a == 1 && b", 7, "'&&'", "'and'"),
        ("a || b", 2, "'||'", "'or'"),
        ("!industry.dual_binding", 0, "'!'", "'not'"),
        ("x == null", 5, "'null'", "known(x)"),
        ("null", 0, "'null'", "known(x)"),
        ("x == None", 5, "'None'", "known(x)"),
        ("nil", 0, "'nil'", "known(x)"),
        ("True", 0, "'True'", "'true'"),
        ("x == False", 5, "'False'", "'false'"),
        ("1 < x < 3", 6, "'<'", "do not chain"),
        ("a == b == c", 7, "'=='", "do not chain"),
        ("a < b >= c", 6, "'>='", "do not chain"),
        ("x == 'abc", 5, "unterminated string", None),
        ('x == "abc', 5, "unterminated string", None),
        ("", 0, "empty", None),
        ("   ", 0, "empty", None),
        ("1__0", 0, "malformed number", None),
        ("x >= 100__000", 5, "malformed number", None),
        ("x >= 10_", 5, "malformed number", None),
        ("a b", 2, "'b'", "operator"),
        ("x >= 1 y", 7, "'y'", "operator"),
        ("(a", 2, "expected ')'", None),
        ("f(a", 3, "expected ')'", None),
        ("a)", 1, "')'", None),
        ("and", 0, "'and'", None),
        ("a and", 5, "end of the expression", None),
        ("not", 3, "end of the expression", None),
        ("x >=", 4, "end of the expression", None),
        ("x >= >= 1", 5, "'>='", None),
        ("x in y", 5, "expected '['", None),
        ("x in []", 5, "empty", None),
        ("x in [y]", 6, "constants", None),
        ("x in [1 + 2]", 8, "expected ']'", None),
        ("x in [1", 7, "expected ']'", None),
        ("()", 1, "')'", None),
        ("x >= 85%", 7, "'%'", "0.85"),
    ],
)
def test_syntax_errors(source: str, offset: int, message: str, hint: str | None) -> None:
    error = syntax_error(source)
    assert error.offset == offset, (error.offset, error.message)
    assert message in error.message
    if hint is None:
        return
    assert error.hint is not None and hint in error.hint, error.hint


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('true')",
        "().__class__",
        "lambda: 1",
        "lambda x: x",
        "[x for x in y]",
        "1 if x else 2",
        "x[0]",
        "x; y",
        "f'{x}'",
        "a ** 2",
        "a // 2",
    ],
)
def test_python_syntax_is_not_the_expression_language(source: str) -> None:
    syntax_error(source)


# -- round trip: the canonical text means the same and is stable -----------------------------

_NAMES = st.sampled_from(
    ["a", "x.y", "industry.collective_income", "stars.industry", "extra.bags", "stars"]
)
_STRING_CHARS = st.sampled_from(list("ab z\"'\\\t\n产业%&|=!()[],.0"))


def _string_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_LITERALS = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.integers(min_value=0, max_value=10**6).map(lambda n: f"{n:_}"),
    st.floats(min_value=0, max_value=1e20, allow_nan=False, allow_infinity=False).map(repr),
    st.text(_STRING_CHARS, max_size=6).map(_string_literal),
    st.sampled_from(["true", "false"]),
)
_ATOMS = st.one_of(_NAMES, _LITERALS)
_BINARY = ["or", "and", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"]


@st.composite
def _wrap(draw: st.DrawFn, inner: str) -> str:
    spaces = draw(st.sampled_from(["", " ", "  "]))
    if draw(st.sampled_from([True, True, False])):
        return f"({spaces}{inner}{spaces})"
    return inner


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    @st.composite
    def binary(draw: st.DrawFn) -> str:
        left = draw(_wrap(draw(children)))
        right = draw(_wrap(draw(children)))
        return f"{left} {draw(st.sampled_from(_BINARY))} {right}"

    @st.composite
    def unary(draw: st.DrawFn) -> str:
        op = draw(st.sampled_from(["not ", "-", "- "]))
        return op + draw(_wrap(draw(children)))

    @st.composite
    def call(draw: st.DrawFn) -> str:
        function = draw(st.sampled_from(["ratio", "min", "max", "abs", "known", "count", "f"]))
        args = draw(st.lists(children, max_size=3))
        return f"{function}(" + ", ".join(args) + ")"

    @st.composite
    def member(draw: st.DrawFn) -> str:
        items = draw(st.lists(_LITERALS, min_size=1, max_size=3))
        negated = draw(st.sampled_from(["in", "not in"]))
        return f"{draw(_wrap(draw(children)))} {negated} [" + ", ".join(items) + "]"

    return st.one_of(binary(), unary(), call(), member())


EXPRESSIONS = st.recursive(_ATOMS, _extend, max_leaves=12)


@settings(max_examples=400)
@given(EXPRESSIONS)
def test_canonical_text_round_trips(source: str) -> None:
    try:
        tree = parse(source)
    except ExpressionError:
        assume(False)
        raise
    canonical = to_source(tree)
    again = parse(canonical)
    assert to_source(again) == canonical
    assert strip(again) == strip(tree)


@given(EXPRESSIONS)
def test_parse_never_fails_with_anything_but_a_located_expression_error(source: str) -> None:
    try:
        parse(source)
    except ExpressionError as error:
        assert 0 <= error.offset <= len(source)


@given(st.text(max_size=30))
def test_arbitrary_text_gives_a_tree_or_a_located_expression_error(source: str) -> None:
    try:
        parse(source)
    except ExpressionError as error:
        assert 0 <= error.offset <= len(source)
        assert error.message


@pytest.mark.parametrize("source", ["x < 1e999", "x > -1e999"])
def test_out_of_range_numbers_are_rejected_or_round_trip(source: str) -> None:
    try:
        tree = parse(source)
    except ExpressionError:
        return
    assert strip(parse(to_source(tree))) == strip(tree)


# -- pathological input: a located error, never a Python crash --------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "(" * 200 + "x" + ")" * 200,
        "not " * 2000 + "x",
        "-" * 2000 + "x",
        "f(" * 300 + "x" + ")" * 300,
        "x >= " + "9" * 5000,
    ],
    ids=["parentheses", "not", "minus", "calls", "5000-digit-integer"],
)
def test_pathological_expressions_parse_or_raise_an_expression_error(source: str) -> None:
    try:
        parse(source)
    except ExpressionError as error:
        assert 0 <= error.offset <= len(source)


@pytest.mark.parametrize(
    ("source", "offset", "number"),
    [
        ("x >= 200,000", 8, "200000"),
        ("x >= 1,000,000 and y", 6, "1000000"),
        ("x >= 12,500.5", 7, "12500.5"),
    ],
)
def test_a_thousands_separator_gets_the_number_without_it(
    source: str, offset: int, number: str
) -> None:
    error = syntax_error(source)
    assert error.offset == offset, (error.offset, error.message)
    assert "','" in error.message
    assert error.hint is not None and f"without separators: {number}" in error.hint, error.hint


@pytest.mark.parametrize("source", ["x >= 2,5", "x >= 200, 000", "x >= 1,0000"])
def test_a_comma_that_is_no_thousands_separator_gets_no_such_hint(source: str) -> None:
    error = syntax_error(source)
    assert error.hint is None or "separators" not in error.hint
