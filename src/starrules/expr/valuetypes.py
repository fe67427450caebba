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
    POINTS = "points total"  # points earned in a min_points group, a range: compare it only

    @property
    def is_range(self) -> bool:
        return self in (ExprType.STAR_COUNT, ExprType.POINTS)
