"""Recursive-descent parser: text → AST, with located, actionable syntax errors.

Precedence, lowest first: or, and, not, comparison (one, not chained), + -, * /, unary -.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from .ast import (
    Arithmetic,
    Call,
    Compare,
    ListLiteral,
    Literal,
    Logical,
    Name,
    Node,
    Unary,
    start_offset,
)
from .errors import ExpressionError, TokenBudget, TokenLimitError
from .lexer import Tok, Token, tokenize

_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
MAX_TOKENS = 256  # a real test has a few dozen; longer ones belong in several criteria
MAX_DEPTH = 48
# All the expressions of one ruleset file together (bundled files hold at most ~110): loading
# costs ~30 µs a token, so this keeps any file's expressions under a third of a second.
MAX_FILE_TOKENS = 10_000
_NULLS = {"null", "None", "nil", "none"}
_FLOAT_MAX = sys.float_info.max
_MAX_DIGITS = 400  # more significant digits than any number within float range (±1.8e308)


def parse(source: str, budget: TokenBudget | None = None) -> Node:
    """Parse an expression; raise ExpressionError with the offset of the first problem.

    Lexing stops at MAX_TOKENS, or at what is left of `budget` (the tokens all expressions
    of a file may hold, spent here), so that no text costs more than that to refuse."""
    if not source.strip():
        raise ExpressionError(0, "the expression is empty")
    limit = MAX_TOKENS if budget is None else min(MAX_TOKENS, budget.left)
    try:
        tokens = tokenize(source, limit)
    except TokenLimitError as exc:
        if budget is not None:
            budget.spend(limit)
        if limit == MAX_TOKENS:
            raise
        assert budget is not None
        raise ExpressionError(
            exc.offset,
            f"the expressions of this file hold more than {budget.total:,} names, numbers and "
            "operators in all",
            "split the ruleset into several files (an overlay can extend a base)",
        ) from None
    except ExpressionError as exc:
        if budget is not None:  # no more tokens than characters were read
            budget.spend(min(limit, exc.offset + 1))
        raise
    if budget is not None:
        budget.spend(len(tokens))
    return _Parser(tokens).parse()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                self.current.offset,
                f"the expression is nested more than {MAX_DEPTH} levels deep",
                "split it into several criteria",
            )

    @property
    def current(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, kind: Tok, text: str | None = None) -> bool:
        token = self.current
        return token.kind is kind and (text is None or token.text == text)

    def expect(self, kind: Tok, text: str) -> Token:
        if not self.at(kind, text):
            self.fail(f"expected '{text}'")
        return self.advance()

    def fail(self, expected: str) -> None:
        token = self.current
        found = "the end of the expression" if token.kind is Tok.END else repr(token.text)
        raise ExpressionError(token.offset, f"{expected}, found {found}")

    def parse(self) -> Node:
        node = self.parse_or()
        if not self.at(Tok.END):
            token = self.current
            hint = None
            if token.kind is Tok.OP and token.text in _COMPARISONS:
                hint = "comparisons do not chain: write 'a < b and b < c'"
            elif token.kind is Tok.NAME and token.text.lower() in ("and", "or", "not", "in"):
                hint = f"did you mean '{token.text.lower()}'?"
            elif token.kind is Tok.NAME or token.kind is Tok.NUMBER:
                hint = "an operator ('and', 'or', '>=' …) is missing"
            elif token.text == "," and (number := self.separated_number()) is not None:
                hint = f"write numbers without separators: {number}"
            raise ExpressionError(token.offset, f"unexpected {token.text!r}", hint)
        return node

    def separated_number(self) -> str | None:
        """The number the comma at the current token and those after it separate into
        thousands (200,000: 200000), or None when it is no such separator."""
        before = self.tokens[self.pos - 1]
        if before.kind is not Tok.NUMBER or not before.text.isdigit():
            return None
        number, end, i = before.text, before.offset + len(before.text), self.pos
        while self.tokens[i].text == "," and self.tokens[i].offset == end:
            group = self.tokens[i + 1]
            digits = group.text.partition(".")[0]
            if group.kind is not Tok.NUMBER or group.offset != end + 1:
                break
            if not (len(digits) == 3 and digits.isdigit() and group.text[3:4] in ("", ".")):
                break
            number += group.text
            end, i = group.offset + len(group.text), i + 2
            if "." in group.text:
                break
        return number if i > self.pos else None

    def parse_or(self) -> Node:
        return self._logical("or", self.parse_and)

    def parse_and(self) -> Node:
        return self._logical("and", self.parse_not)

    def _logical(self, op: str, operand: Callable[[], Node]) -> Node:
        first = operand()
        operands = [first]
        while self.at(Tok.KEYWORD, op):
            self.advance()
            operands.append(operand())
        if len(operands) == 1:
            return first
        return Logical(op, tuple(operands), start_offset(first))

    def parse_not(self) -> Node:
        if self.at(Tok.KEYWORD, "not"):
            token = self.advance()
            self.enter()
            operand = self.parse_not()
            self.depth -= 1
            return Unary("not", operand, token.offset)
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_sum()
        token = self.current
        if token.kind is Tok.OP and token.text in _COMPARISONS:
            self.advance()
            return Compare(token.text, left, self.parse_sum(), token.offset)
        if self.at(Tok.KEYWORD, "in"):
            self.advance()
            return Compare("in", left, self.parse_list(), token.offset)
        if self.at(Tok.KEYWORD, "not") and self.tokens[self.pos + 1].text == "in":
            self.advance()
            self.advance()
            inner = Compare("in", left, self.parse_list(), token.offset)
            return Unary("not", inner, token.offset)
        return left

    def parse_list(self) -> ListLiteral:
        start = self.expect(Tok.OP, "[")
        items: list[Literal] = []
        while not self.at(Tok.OP, "]"):
            item = self.parse_unary()
            if not isinstance(item, Literal):
                raise ExpressionError(start_offset(item), "list items must be constants")
            items.append(item)
            if not self.at(Tok.OP, ","):
                break
            self.advance()
        self.expect(Tok.OP, "]")
        if not items:
            raise ExpressionError(start.offset, "the list is empty")
        return ListLiteral(tuple(items), start.offset)

    def parse_sum(self) -> Node:
        node = self.parse_term()
        while self.current.kind is Tok.OP and self.current.text in ("+", "-"):
            token = self.advance()
            node = Arithmetic(token.text, node, self.parse_term(), token.offset)
        return node

    def parse_term(self) -> Node:
        node = self.parse_unary()
        while self.current.kind is Tok.OP and self.current.text in ("*", "/"):
            token = self.advance()
            node = Arithmetic(token.text, node, self.parse_unary(), token.offset)
        return node

    def parse_unary(self) -> Node:
        if self.at(Tok.OP, "-"):
            token = self.advance()
            self.enter()
            operand = self.parse_unary()
            self.depth -= 1
            if isinstance(operand, Literal) and type(operand.value) in (int, float):
                assert isinstance(operand.value, int | float)
                return Literal(-operand.value, token.offset)
            return Unary("-", operand, token.offset)
        return self.parse_primary()

    def parse_primary(self) -> Node:
        token = self.current
        if token.kind is Tok.NUMBER:
            self.advance()
            return Literal(_number(token), token.offset)
        if token.kind is Tok.STRING:
            self.advance()
            return Literal(_unquote(token.text), token.offset)
        if token.kind is Tok.KEYWORD and token.text in ("true", "false"):
            self.advance()
            return Literal(token.text == "true", token.offset)
        if self.at(Tok.OP, "("):
            self.advance()
            self.enter()
            node = self.parse_or()
            self.depth -= 1
            self.expect(Tok.OP, ")")
            return node
        if self.at(Tok.OP, "["):
            return self.parse_list()
        if token.kind is Tok.NAME:
            self.advance()
            if token.text in _NULLS:
                raise ExpressionError(
                    token.offset,
                    f"there is no {token.text!r}",
                    "absence is unknown; test it with known(x)",
                )
            if token.text in ("True", "False"):
                raise ExpressionError(
                    token.offset,
                    f"unknown name {token.text!r}",
                    f"did you mean '{token.text.lower()}'?",
                )
            if self.at(Tok.OP, "("):
                return self.parse_call(token)
            return Name(token.text, token.offset)
        self.fail("expected a value, a name or '('")
        raise AssertionError("unreachable")

    def parse_call(self, name: Token) -> Call:
        self.expect(Tok.OP, "(")
        self.enter()
        args: list[Node] = []
        while not self.at(Tok.OP, ")"):
            args.append(self.parse_or())
            if not self.at(Tok.OP, ","):
                break
            self.advance()
        self.expect(Tok.OP, ")")
        self.depth -= 1
        return Call(name.text, tuple(args), name.offset)


def _number(token: Token) -> int | float:
    """The value of a number token; one beyond the range of a float (about ±1.8e308) is
    refused here, so no later comparison, gap or message can overflow."""
    text = token.text.replace("_", "")
    too_large = ExpressionError(
        token.offset,
        f"the number {_shorten(token.text)} is too large",
        "numbers must be within ±1.8e308",
    )
    if any(c in text for c in ".eE"):
        value: int | float = float(text)  # any length: float() has no digit limit
    elif len(text.lstrip("0")) > _MAX_DIGITS:  # and int() refuses thousands of digits
        raise too_large
    else:
        value = int(text)
    if not -_FLOAT_MAX <= value <= _FLOAT_MAX:
        raise too_large
    return value


def _shorten(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _unquote(text: str) -> str:
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            i += 1
            out.append({"n": "\n", "t": "\t"}.get(body[i], body[i]))
        else:
            out.append(char)
        i += 1
    return "".join(out)
