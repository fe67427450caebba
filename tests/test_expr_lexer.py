"""The tokenizer of the expression language (starrules.expr.lexer), spec §2 "Expressions".

Tokens carry their kind, their exact text and their character offset; every lexical error is
an ExpressionError at the offset of the offending character, with a hint for spellings from
other languages (`&&`, `||`, `!`, `=`).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from starrules.expr import ExpressionError
from starrules.expr.lexer import KEYWORDS, Tok, Token, tokenize


def kinds(source: str) -> list[tuple[str, str, int]]:
    return [(t.kind.name, t.text, t.offset) for t in tokenize(source)]


def lex_error(source: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        tokenize(source)
    return info.value


# -- token kinds, texts and offsets ------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a>=1", [("NAME", "a", 0), ("OP", ">=", 1), ("NUMBER", "1", 3), ("END", "", 4)]),
        (
            "industry.collective_income >= 100_000",
            [
                ("NAME", "industry.collective_income", 0),
                ("OP", ">=", 27),
                ("NUMBER", "100_000", 30),
                ("END", "", 37),
            ],
        ),
        (
            "x.y_z == 'a b'",
            [("NAME", "x.y_z", 0), ("OP", "==", 6), ("STRING", "'a b'", 9), ("END", "", 14)],
        ),
        (
            "not(a)",
            [
                ("KEYWORD", "not", 0),
                ("OP", "(", 3),
                ("NAME", "a", 4),
                ("OP", ")", 5),
                ("END", "", 6),
            ],
        ),
        ("a != b", [("NAME", "a", 0), ("OP", "!=", 2), ("NAME", "b", 5), ("END", "", 6)]),
        (
            "[1, 2]",
            [
                ("OP", "[", 0),
                ("NUMBER", "1", 1),
                ("OP", ",", 2),
                ("NUMBER", "2", 4),
                ("OP", "]", 5),
                ("END", "", 6),
            ],
        ),
        ("  x  ", [("NAME", "x", 2), ("END", "", 5)]),
        ("", [("END", "", 0)]),
        ('"a\\"b"', [("STRING", '"a\\"b"', 0), ("END", "", 6)]),
        ("'it''s'", [("STRING", "'it'", 0), ("STRING", "'s'", 4), ("END", "", 7)]),
        ("extra.mushroom_bags", [("NAME", "extra.mushroom_bags", 0), ("END", "", 19)]),
        ("stars.industry", [("NAME", "stars.industry", 0), ("END", "", 14)]),
        (
            "count(stars)",
            [
                ("NAME", "count", 0),
                ("OP", "(", 5),
                ("NAME", "stars", 6),
                ("OP", ")", 11),
                ("END", "", 12),
            ],
        ),
        ("a\tand\nb", [("NAME", "a", 0), ("KEYWORD", "and", 2), ("NAME", "b", 6), ("END", "", 7)]),
        # The full-width space a Chinese input method types is whitespace too.
        ("a\u3000or b", [("NAME", "a", 0), ("KEYWORD", "or", 2), ("NAME", "b", 5), ("END", "", 6)]),
    ],
)
def test_tokens(source: str, expected: list[tuple[str, str, int]]) -> None:
    assert kinds(source) == expected


@pytest.mark.parametrize(
    "op", ["==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ","]
)
def test_each_operator_is_one_token(op: str) -> None:
    assert kinds(f"a {op} b")[1] == ("OP", op, 2)


@pytest.mark.parametrize("word", sorted(KEYWORDS))
def test_keywords(word: str) -> None:
    assert tokenize(word)[0] == Token(Tok.KEYWORD, word, 0)


def test_keyword_set_is_the_documented_one() -> None:
    assert frozenset({"and", "or", "not", "in", "true", "false"}) == KEYWORDS


@pytest.mark.parametrize(
    "source",
    ["And", "OR", "Not", "TRUE", "True", "False", "null", "None", "android", "notice", "in_use"],
)
def test_words_that_are_not_keywords_are_names(source: str) -> None:
    (token, end) = tokenize(source)
    assert token == Token(Tok.NAME, source, 0)
    assert end.kind is Tok.END


@pytest.mark.parametrize("path", ["industry.and", "stars.in", "extra.not_a_keyword", "a.true"])
def test_keywords_inside_a_dotted_path_are_part_of_the_name(path: str) -> None:
    assert kinds(path)[0] == ("NAME", path, 0)


@pytest.mark.parametrize(
    "number",
    ["0", "7", "100000", "100_000", "1_000_000", "0.85", ".5", "1e5", "1E5", "2.5e-3", "1_000.5"],
)
def test_numbers(number: str) -> None:
    assert kinds(number) == [("NUMBER", number, 0), ("END", "", len(number))]


@pytest.mark.parametrize("quote", ['"', "'"])
@pytest.mark.parametrize("body", ["", "abc", "产业兴旺", "a b c", "x >= 1", "tab\\tnew\\nline"])
def test_strings(quote: str, body: str) -> None:
    text = f"{quote}{body}{quote}"
    assert kinds(text) == [("STRING", text, 0), ("END", "", len(text))]


def test_end_token_sits_after_the_last_character() -> None:
    tokens = tokenize("a and b   ")
    assert tokens[-1] == Token(Tok.END, "", 10)


def test_tok_end_reads_well_in_messages() -> None:
    assert Tok.END.value == "end of expression"


# -- lexical errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "offset", "text", "hint"),
    [
        ("a = 1", 2, "'='", "use '=='"),
        ("a && b", 2, "'&&'", "use 'and'"),
        ("a || b", 2, "'||'", "use 'or'"),
        ("!a", 0, "'!'", "use 'not'"),
        ("a & b", 2, "'&'", "use 'and'"),
        ("a | b", 2, "'|'", "use 'or'"),
        ("x >= 85%", 7, "'%'", "0.85"),
        ("industry.collective_income = 100000", 27, "'='", "'=='"),
    ],
)
def test_spellings_from_other_languages_are_refused_with_a_hint(
    source: str, offset: int, text: str, hint: str
) -> None:
    error = lex_error(source)
    assert error.offset == offset
    assert text in error.message
    assert error.hint is not None and hint in error.hint


@pytest.mark.parametrize(
    ("source", "offset"),
    [("'abc", 0), ('"abc', 0), ("x == 'abc", 5), ('x == "a\\"', 5), ("'", 0)],
)
def test_unterminated_string(source: str, offset: int) -> None:
    error = lex_error(source)
    assert error.offset == offset
    assert "unterminated string" in error.message


@pytest.mark.parametrize(
    ("source", "offset", "number"),
    [
        ("1__0", 0, "1__0"),
        ("1_", 0, "1_"),
        ("x >= 100__000", 5, "100__000"),
        ("1_.5", 0, "1_.5"),
        ("x > 10_", 4, "10_"),
    ],
)
def test_malformed_numbers(source: str, offset: int, number: str) -> None:
    error = lex_error(source)
    assert error.offset == offset
    assert "malformed number" in error.message
    assert repr(number) in error.message


@pytest.mark.parametrize(
    ("source", "offset", "char"),
    [("@", 0, "@"), ("a$", 1, "$"), ("x.", 1, "."), ("a ^ b", 2, "^"), ("x ; y", 2, ";")],
)
def test_unexpected_characters(source: str, offset: int, char: str) -> None:
    error = lex_error(source)
    assert error.offset == offset
    assert repr(char) in error.message


# -- properties ----------------------------------------------------------------------------

_SAFE_TEXT = st.text(
    alphabet=st.sampled_from(list("abcxyz_.0123456789 ()[],<>=!+-*/\"'\\&|%@\t")), max_size=40
)


@given(_SAFE_TEXT)
def test_tokenize_either_succeeds_or_raises_a_located_expression_error(source: str) -> None:
    try:
        tokens = tokenize(source)
    except ExpressionError as error:
        assert 0 <= error.offset < len(source)
        return
    assert tokens[-1].kind is Tok.END
    offsets = [t.offset for t in tokens]
    assert offsets == sorted(offsets)
    for token in tokens[:-1]:
        assert source[token.offset : token.offset + len(token.text)] == token.text


@given(
    st.lists(
        st.sampled_from(["a", "b.c", "1", "2.5", "'s'", "and", "or", "(", ")", ">=", "==", "+"]),
        max_size=12,
    )
)
def test_tokens_separated_by_spaces_come_back_in_order(words: list[str]) -> None:
    source = " ".join(words)
    assert [t.text for t in tokenize(source)[:-1]] == words


# -- only ASCII is read as a number, a name, an operator or a space (issue 9) ---------------
# A Chinese keyboard slips in full-width digits and symbols; Python's \d and int() would read
# １００００ as 10000 silently. Each is refused where it is, with the ASCII to write instead.


@pytest.mark.parametrize(
    ("source", "offset", "shown", "hint"),
    [
        ("industry.collective_income >= １００００", 30, "１", "10000"),
        ("x >= 1０", 6, "０", "0"),
        ("x >= ３.５", 5, "３", "3.5"),
        ("x >= ١٢", 5, "١", "12"),  # Arabic-Indic digits
        ("x ≥ 1", 2, "≥", ">="),
        ("x ≤ 1", 2, "≤", "<="),
        ("x ≠ 1", 2, "≠", "!="),
        ("x ＞＝ 1", 2, "＞", ">="),
        ("x ＜ 1", 2, "＜", "<"),
        ("x ＝＝ 1", 2, "＝", "=="),
        ("min（x, 1) > 0", 3, "（", "("),
        ("min(x, 1） > 0", 8, "）", ")"),
        ("min(x，1) > 0", 5, "，", ","),
        ("x in ［1, 2］", 5, "［", "["),
        ("x ＋ 1 > 0", 2, "＋", "+"),
        ("x == “a”", 5, "“", '"'),
        ("x == ‘a’", 5, "‘", "'"),
    ],
)
def test_full_width_and_other_non_ascii_slips_are_refused_with_a_hint(
    source: str, offset: int, shown: str, hint: str
) -> None:
    error = lex_error(source)
    assert error.offset == offset
    assert shown in error.message
    assert error.hint is not None and hint in error.hint


def test_full_width_digits_never_become_a_number() -> None:
    for digit in "０１２３４５６７８９":
        with pytest.raises(ExpressionError):
            tokenize(f"x >= 1{digit}")


@pytest.mark.parametrize("space", ["\u3000", "\u00a0", "\u2003", "\t", "\r\n"])
def test_any_space_separates_tokens(space: str) -> None:
    assert [t.text for t in tokenize(f"a{space}and{space}b")[:-1]] == ["a", "and", "b"]


def test_non_ascii_text_inside_a_string_is_kept() -> None:
    assert tokenize("x == '产业兴旺 １０'")[2].text == "'产业兴旺 １０'"


# -- the token limit stops lexing early (bounded cost) ---------------------------------------


def test_tokenize_stops_at_the_token_limit() -> None:
    source = " and ".join(["a"] * 100_000)
    with pytest.raises(ExpressionError) as info:
        tokenize(source, max_tokens=256)
    assert info.value.offset == 128 * 6  # the 257th token: the 129th 'a'
    assert "too long" in info.value.message


def test_the_token_limit_counts_the_end() -> None:
    assert len(tokenize("a and b", max_tokens=4)) == 4
    with pytest.raises(ExpressionError) as info:
        tokenize("a and b", max_tokens=3)
    assert info.value.offset == 7  # the end of the expression


@pytest.mark.parametrize("run", ["１" * 60_000, "＞" * 60_000, "ａ" * 60_000])
def test_a_long_run_of_look_alikes_gives_a_short_message(run: str) -> None:
    error = lex_error(f"x >= {run}")
    assert error.offset == 5
    assert len(error.message) + len(error.hint or "") < 200


# -- what a Chinese author writes instead (operators in words, units, separators) ------------
# A county official writes the standard's own words: 不低于, 并且, 200000元, 200，000. Each is
# refused where it starts, with the expression's spelling of it.


@pytest.mark.parametrize(
    ("source", "offset", "shown", "hint"),
    [
        ("x 不低于 100000", 2, "'不低于'", "write '>=' for '不低于'"),
        ("x 不少于 3", 2, "'不少于'", "write '>=' for '不少于'"),
        ("x 大于等于 3", 2, "'大于等于'", "write '>=' for '大于等于'"),
        ("x 大于或等于 3", 2, "'大于或等于'", "write '>=' for '大于或等于'"),
        ("x大于3", 1, "'大于'", "write '>' for '大于'"),
        ("x 超过 3", 2, "'超过'", "write '>' for '超过'"),
        ("x 不超过 3", 2, "'不超过'", "write '<=' for '不超过'"),
        ("x 小于等于 3", 2, "'小于等于'", "write '<=' for '小于等于'"),
        ("x 低于 3", 2, "'低于'", "write '<' for '低于'"),
        ("x 等于 3", 2, "'等于'", "write '==' for '等于'"),
        ("x 不等于 3", 2, "'不等于'", "write '!=' for '不等于'"),
        ("x > 1 并且 y", 6, "'并且'", "write 'and' for '并且'"),
        ("x > 1 且 y", 6, "'且'", "write 'and' for '且'"),
        ("x > 1 或者 y", 6, "'或者'", "write 'or' for '或者'"),
        ("x > 1 或 y", 6, "'或'", "write 'or' for '或'"),
    ],
)
def test_operators_written_in_chinese_words_get_their_symbol(
    source: str, offset: int, shown: str, hint: str
) -> None:
    error = lex_error(source)
    assert error.offset == offset
    assert shown in error.message
    assert error.hint is not None and hint in error.hint, error.hint


@pytest.mark.parametrize(
    ("source", "offset", "char"),
    [
        ("x >= 200000元", 11, "元"),
        ("x >= 200000 元", 12, "元"),
        ("x >= 3人", 6, "人"),
        ("x >= 3 户 and y", 7, "户"),
        ("x >= 2.5亩", 8, "亩"),
    ],
)
def test_a_unit_after_a_number_is_named_as_a_unit(source: str, offset: int, char: str) -> None:
    error = lex_error(source)
    assert error.offset == offset
    assert repr(char) in error.message
    assert error.hint is not None and "units" in error.hint and repr(char) in error.hint, error.hint


def test_a_chinese_character_not_after_a_number_is_not_called_a_unit() -> None:
    error = lex_error("元 >= 3")
    assert error.hint is None or "units" not in error.hint


@pytest.mark.parametrize(
    ("source", "offset", "number"),
    [
        ("x >= 200，000", 8, "200000"),
        ("x >= 1，000，000", 6, "1000000"),
        ("x >= １，000", 5, None),  # the full-width digit comes first, with its own hint
    ],
)
def test_a_full_width_thousands_separator_gets_the_number_without_it(
    source: str, offset: int, number: str | None
) -> None:
    error = lex_error(source)
    assert error.offset == offset
    if number is not None:
        assert error.hint is not None and f"without separators: {number}" in error.hint


def test_a_full_width_comma_elsewhere_is_still_a_comma() -> None:
    error = lex_error("ratio(a，b) > 1")
    assert error.hint is not None and "use , instead of ，" in error.hint
