"""A demonstration starrules plug-in.

It exports the two objects its entry points name:

- ``FUNCTIONS`` (group ``starrules.functions``): ``per_household`` and ``clamp01``,
  callable from ruleset expressions;
- ``RULESETS`` (group ``starrules.rulesets``): the directory of the rulesets it ships.
"""

from __future__ import annotations

from pathlib import Path

from starrules import ExprType, FunctionSpec

__all__ = ["FUNCTIONS", "RULESETS", "clamp01", "per_household"]


def per_household(amount: float, households: float) -> float | None:
    """`amount` divided by the number of households; unknown (None) with no households."""
    if households == 0:
        return None
    return amount / households


def clamp01(value: float) -> float:
    """`value` limited to the range 0 to 1."""
    return min(1.0, max(0.0, value))


FUNCTIONS: list[FunctionSpec] = [
    FunctionSpec(
        "per_household",
        (ExprType.NUMBER, ExprType.NUMBER),
        ExprType.NUMBER,
        per_household,
        doc="amount / households; unknown when there are no households",
    ),
    FunctionSpec(
        "clamp01",
        (ExprType.NUMBER,),
        ExprType.NUMBER,
        clamp01,
        doc="the value limited to the range 0 to 1",
    ),
]

RULESETS: Path = Path(__file__).parent / "rulesets"
