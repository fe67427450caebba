"""Exact decimals for points: 0.1 + 0.7 is 0.8, as the author wrote it.

A ruleset file's points and bars reach starrules as floats (YAML reads `0.1` as the binary
float nearest 1/10), and float sums are not exact: 0.1 + 0.7 < 0.8. Wherever points are
added up or compared with a bar, they are first read back as the decimal they were written
as: the shortest decimal that reads as the float (its `repr`). That is the written decimal
for up to 15 significant digits, and it is what the canonical form (and so the
fingerprint) shows, so two files with one fingerprint always decide alike.

Hot paths do not add Fractions: `scaled` turns a group's points and bar into integers over
one common denominator once, at compile time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

Exact = int | Fraction


def exact(value: float | Fraction) -> Exact:
    """A finite number as an exact rational: a float as the decimal it reads as (0.1 is
    1/10, not 3602879701896397/36028797018963968); an int or a Fraction as it is. A whole
    number comes back as an int, which is cheaper to add and compare."""
    if isinstance(value, float):
        value = Fraction(repr(value))
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else value
    return value


def exact_number(value: Any) -> Any:
    """`exact` for a value computed at run time: a finite float becomes exact; anything else
    (None for unknown, an int, inf or nan, which compare correctly with rationals) is
    returned as it is."""
    if isinstance(value, float) and math.isfinite(value):
        return exact(value)
    return value


def scaled(values: Sequence[float | Fraction]) -> tuple[list[int], int]:
    """The values as integers over their least common denominator: ([n1, n2, …], d) with
    value_i == n_i / d exactly. Sums and comparisons of the n_i are exact and fast."""
    exacts = [Fraction(exact(v)) for v in values]
    denominator = math.lcm(1, *(v.denominator for v in exacts))
    return [int(v * denominator) for v in exacts], denominator


def as_number(numerator: int, denominator: int) -> Exact:
    """n / d as an exact number: an int when d is 1 (the common case of whole points)."""
    return numerator if denominator == 1 else Fraction(numerator, denominator)
