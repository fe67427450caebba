"""The value types of the expression language."""

from __future__ import annotations

from enum import StrEnum


class ExprType(StrEnum):
    NUMBER = "number"
    BOOL = "yes/no"
    STRING = "text"
    LIST = "list"
    ANY = "any value"  # a function parameter that takes every type (known)
    STAR_COUNT = "count of stars"  # an integer range [decided, possible]: compare it only
