"""Errors inside one expression, located by character offset; callers add file:line:col."""

from __future__ import annotations


class ExpressionError(Exception):
    """A syntax, name or type error at character `offset` of an expression."""

    def __init__(self, offset: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.hint = hint


class TokenLimitError(ExpressionError):
    """An expression with more tokens than allowed; lexing stopped at `offset`."""


class TokenBudget:
    """How many tokens (names, numbers, operators) the expressions of one ruleset file may
    still hold. Loading costs time in proportion to tokens: one budget per file bounds it,
    whatever the number of expressions. Each compiled expression spends from it."""

    def __init__(self, tokens: int) -> None:
        self.total = tokens
        self.left = tokens

    def spend(self, tokens: int) -> None:
        self.left = max(0, self.left - tokens)
