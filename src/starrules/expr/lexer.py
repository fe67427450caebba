"""Tokens of the expression language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .errors import ExpressionError


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
  | (?P<number>(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>+\-*/()\[\],=!&|%])
    """,
    re.VERBOSE,
)


_GROUP_KINDS = {"number": Tok.NUMBER, "string": Tok.STRING, "name": Tok.NAME, "op": Tok.OP}


@dataclass(frozen=True, slots=True)
class Token:
    kind: Tok
    text: str
    offset: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN_RE.match(source, pos)
        if match is None:
            char = source[pos]
            if char in "\"'":
                raise ExpressionError(pos, "unterminated string")
            if char in "万亿千百":
                raise ExpressionError(
                    pos,
                    f"unexpected character {char!r}",
                    "write numbers in digits: 10万 is 100000 or 100_000",
                )
            raise ExpressionError(pos, f"unexpected character {char!r}")
        kind = match.lastgroup
        text = match.group()
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
        elif kind != "ws":
            tokens.append(Token(_GROUP_KINDS[str(kind)], text, pos))
        pos = match.end()
    tokens.append(Token(Tok.END, "", len(source)))
    return tokens
