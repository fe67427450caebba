"""Functions callable from expressions: the builtins, and the shape plug-ins must have."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .valuetypes import ExprType


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """A function callable from expressions, with declared argument and result types.

    Unless `takes_unknown` is set, the function is called only when every argument is
    known; otherwise the result is unknown (Kleene). A function may return None (unknown),
    e.g. for a ratio with a zero denominator.
    """

    name: str
    params: tuple[ExprType, ...]
    result: ExprType
    impl: Callable[..., Any]
    variadic: bool = False  # the last parameter repeats (at least len(params) arguments)
    takes_unknown: bool = False
    doc: str = ""
    # The same function over pyarrow arrays (one value per village), for the columnar
    # engine (`Ruleset.evaluate_table`); None: rulesets calling it rate row by row only.
    vectorized: Callable[..., Any] | None = None


def _ratio(numerator: float, denominator: float) -> float | None:
    if denominator == 0:
        return None
    return numerator / denominator


def _known(value: Any) -> bool:
    return value is not None


N = ExprType.NUMBER

BUILTIN_FUNCTIONS: Mapping[str, FunctionSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            FunctionSpec(
                "ratio",
                (N, N),
                N,
                _ratio,
                doc="a / b; unknown when b is 0 (e.g. no disputes at all)",
            ),
            FunctionSpec("min", (N, N), N, min, variadic=True, doc="the smallest argument"),
            FunctionSpec("max", (N, N), N, max, variadic=True, doc="the largest argument"),
            FunctionSpec("abs", (N,), N, abs, doc="the absolute value"),
            FunctionSpec(
                "known",
                (ExprType.ANY,),
                ExprType.BOOL,
                _known,
                takes_unknown=True,
                doc="true when the value is known; never unknown itself",
            ),
        )
    }
)
