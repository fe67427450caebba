"""Tokens of the expression language.

Only ASCII is read as a number, a name or an operator: a full-width digit or sign from a
Chinese keyboard (１００００, ≥, ＞＝, （）) is refused where it is, with the ASCII to write
instead, never read as its look-alike (Python's \\d and int() would take １ for 1). Any
space separates tokens, the full-width one too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from .errors import ExpressionError, TokenLimitError


class Tok(Enum):
    NUMBER = "number"
    STRING = "string"
    NAME = "name"
    OP = "operator"
    KEYWORD = "keyword"
    END = "end of expression"


KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})

# Spellings from other languages, with what to write instead.
_MISTAKES = {
    "&&": "use 'and'",
    "||": "use 'or'",
    "!": "use 'not'",
    "=": "use '==' to compare",
    "&": "use 'and'",
    "|": "use 'or'",
    "%": "there is no '%' operator; write rates as 0 to 1 (85% is 0.85)",
}

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>(?:[0-9][0-9_]*)?\.?[0-9][0-9_]*(?:[eE][+-]?[0-9]+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>+\-*/()\[\],=!&|%])
    """,
    re.VERBOSE,
)

_NUMBER_PARTS = frozenset("0123456789.")
_SHOWN = 24  # at most this many characters of a look-alike run in a hint

# Look-alikes that Unicode normalisation (NFKC) does not turn into their ASCII spelling.
_LOOK_ALIKES = {
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "。": ".",
    "、": ",",
    "×": "*",
    "÷": "/",
}


# What a standard's Chinese text says where an expression has an operator (不低于 is >=),
# longest first so that 大于等于 is not read as 大于.
_WORDS = {
    word: symbol
    for symbol, words in (
        (">=", "大于或等于 大于等于 不低于 不少于 不小于 达到 至少"),
        (">", "大于 高于 多于 超过"),
        ("<=", "小于或等于 小于等于 不高于 不多于 不大于 不超过 至多 最多"),
        ("<", "小于 低于 少于"),
        ("!=", "不等于"),
        ("==", "等于"),
        ("and", "并且 而且 同时 且"),
        ("or", "或者 或"),
    )
    for word in words.split()
}
_WORDS_LONGEST_FIRST = sorted(_WORDS, key=len, reverse=True)
# Units a standard writes after its figures (万 and 亿 are numbers, refused on their own).
_UNITS = frozenset("元角人户个名位次天年月日周件处座所家项条场篇米亩吨岁台辆间栋")
_DIGITS = frozenset("0123456789")

_GROUP_KINDS = {"number": Tok.NUMBER, "string": Tok.STRING, "name": Tok.NAME, "op": Tok.OP}


@dataclass(frozen=True, slots=True)
class Token:
    kind: Tok
    text: str
    offset: int


def tokenize(source: str, max_tokens: int | None = None) -> list[Token]:
    """The tokens of `source`, ending with an END token. With `max_tokens`, an expression
    of more tokens (END included) is refused as soon as lexing reaches the one too many."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN_RE.match(source, pos)
        if match is None:
            raise _unexpected(source, pos)
        kind = match.lastgroup
        text = match.group()
        if kind == "ws":
            pos = match.end()
            continue
        if max_tokens is not None and len(tokens) >= max_tokens:
            raise _too_long(pos, max_tokens)
        if kind == "op" and text in _MISTAKES:
            follow = source[pos + 1 : pos + 2]
            if text == "=" and follow in "<>" and follow:
                raise ExpressionError(pos, f"unexpected '={follow}'", f"did you mean '{follow}='?")
            raise ExpressionError(pos, f"unexpected {text!r}", _MISTAKES[text])
        if kind == "number" and (text.endswith("_") or "__" in text or "_." in text):
            raise ExpressionError(
                pos,
                f"malformed number {text!r}",
                "group digits with single underscores, e.g. 100_000",
            )
        if kind == "name" and text in KEYWORDS:
            tokens.append(Token(Tok.KEYWORD, text, pos))
        else:
            tokens.append(Token(_GROUP_KINDS[str(kind)], text, pos))
        pos = match.end()
    if max_tokens is not None and len(tokens) >= max_tokens:
        raise _too_long(len(source), max_tokens)
    tokens.append(Token(Tok.END, "", len(source)))
    return tokens


def _too_long(offset: int, max_tokens: int) -> TokenLimitError:
    return TokenLimitError(
        offset,
        f"the expression is too long (more than {max_tokens} names, numbers and operators)",
        "split it into several criteria in a group",
    )


def _ascii_for(char: str) -> str | None:
    """The ASCII a non-ASCII character stands for (１ → 1, ＞ → >, ≥ → >=), if any."""
    if char in _LOOK_ALIKES:
        return _LOOK_ALIKES[char]
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    normal = unicodedata.normalize("NFKC", char)
    return normal if normal.isascii() and normal.isprintable() else None


def _unexpected(source: str, pos: int) -> ExpressionError:
    """The error for the character at `pos`, which starts no token."""
    char = source[pos]
    if char in "\"'":
        return ExpressionError(pos, "unterminated string")
    word = next((w for w in _WORDS_LONGEST_FIRST if source.startswith(w, pos)), None)
    if word is not None:
        return ExpressionError(pos, f"unexpected {word!r}", f"write '{_WORDS[word]}' for {word!r}")
    if char in "万亿千百":
        return ExpressionError(
            pos,
            f"unexpected character {char!r}",
            "write numbers in digits: 10万 is 100000 or 100_000",
        )
    if char in _UNITS and source[:pos].rstrip()[-1:] in _DIGITS:
        return ExpressionError(
            pos,
            f"unexpected character {char!r}",
            f"units are not written in expressions: write the number alone, without {char!r}",
        )
    if char == "，" and _separates_thousands(source, pos):
        return ExpressionError(
            pos,
            f"unexpected {char!r} (not ASCII)",
            f"write numbers without separators: {_number_at(source, pos)}",
        )
    ascii_text = _ascii_for(char) if not char.isascii() else None
    if ascii_text is None:
        return ExpressionError(pos, f"unexpected character {char!r}")
    if ascii_text.isdigit():  # the whole number, with any ASCII digits around it
        start, stop = pos, min(len(source), pos + _SHOWN)  # a hint shows a short number
        while start > max(0, pos - _SHOWN) and source[start - 1] in "0123456789._":
            start -= 1
        end = pos
        while end < stop and (
            source[end] in "0123456789._" or _ascii_for(source[end]) in _NUMBER_PARTS
        ):
            end += 1
        number = "".join(c if c.isascii() else _ascii_for(c) or c for c in source[start:end])
        return ExpressionError(
            pos, f"unexpected digit {char!r} (not ASCII)", f"use ASCII digits: {number}"
        )
    end, stop = pos, min(len(source), pos + _SHOWN)  # a run of look-alikes, such as ＞＝
    while end < stop and not source[end].isascii() and not source[end].isspace():
        if _ascii_for(source[end]) is None:
            break
        end += 1
    run = source[pos:end]
    replacement = "".join(_ascii_for(c) or c for c in run)
    return ExpressionError(
        pos, f"unexpected {run!r} (not ASCII)", f"use {replacement} instead of {run}"
    )


def _separates_thousands(source: str, pos: int) -> bool:
    """Whether the comma at `pos` stands between a digit and a group of three (200,000)."""
    group = source[pos + 1 : pos + 5]
    return (
        source[pos - 1 : pos] in _DIGITS
        and len(group) >= 3
        and all(c in _DIGITS for c in group[:3])
        and group[3:] not in _DIGITS
    )


def _number_at(source: str, pos: int) -> str:
    """The number around the separator at `pos`, without its separators (1，000，000 is
    1000000)."""
    start = pos
    while start > 0 and source[start - 1] in _DIGITS:
        start -= 1
    end = pos
    while end < len(source) and (
        source[end] in _DIGITS
        or source[end] == "."
        or (source[end] in ",，" and _separates_thousands(source, end))
    ):
        end += 1
    return "".join(c for c in source[start:end] if c not in ",，")
