"""Errors inside one expression, located by character offset; callers add file:line:col."""

from __future__ import annotations


class ExpressionError(Exception):
    """A syntax, name or type error at character `offset` of an expression."""

    def __init__(self, offset: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.hint = hint
