"""Indicator metadata: what an indicator measures, its unit and which direction is better.

The standard catalogue is declared on the `Village` model's fields (see `village.py`); a
ruleset declares its region-specific `extra.*` indicators with the same metadata.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import Field
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from .i18n import Lang, Text


class IndicatorKind(StrEnum):
    """The type of an indicator's values; it fixes the unit and the valid domain."""

    COUNT = "count"  # a whole number >= 0
    MONEY = "money"  # CNY, >= 0
    RATE = "rate"  # a share from 0 to 1
    NUMBER = "number"  # any finite number
    BOOL = "bool"  # yes / no
    STRING = "string"  # a label

    @property
    def is_numeric(self) -> bool:
        return self in (
            IndicatorKind.COUNT,
            IndicatorKind.MONEY,
            IndicatorKind.RATE,
            IndicatorKind.NUMBER,
        )


class Better(StrEnum):
    """Which direction of an indicator is an improvement, used by the consistency checks."""

    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"


UNITS: dict[IndicatorKind, Text] = {
    IndicatorKind.COUNT: Text(zh="个", en="count"),
    IndicatorKind.MONEY: Text(zh="元", en="CNY"),
    IndicatorKind.RATE: Text(zh="比率", en="rate"),
    IndicatorKind.NUMBER: Text(zh="数值", en="number"),
    IndicatorKind.BOOL: Text(zh="是/否", en="yes/no"),
    IndicatorKind.STRING: Text(zh="文本", en="text"),
}


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """One indicator: its dotted path (`industry.collective_income`, `extra.x`) and metadata."""

    path: str
    kind: IndicatorKind
    better: Better
    label: Text

    def name(self, lang: Lang) -> str:
        return self.label(lang)

    def format_value(self, value: Any, lang: Lang) -> str:
        """A value as a township cadre reads it: 89% for rates, 250,000 元 for money."""
        if value is None:
            return "未知" if lang == "zh" else "unknown"
        if isinstance(value, bool):
            if lang == "zh":
                return "是" if value else "否"
            return "yes" if value else "no"
        if self.kind is IndicatorKind.RATE and isinstance(value, int | float):
            return f"{value * 100:.4g}%"
        if self.kind is IndicatorKind.MONEY and isinstance(value, int | float):
            return f"{value:,.0f} 元" if lang == "zh" else f"{value:,.0f} CNY"
        if isinstance(value, float) and value.is_integer():
            return f"{value:,.0f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)


def fits_float(value: int | float) -> bool:
    """Whether a number converts to a finite float. Every number starrules accepts does, so
    that comparisons, ratio(), gaps and formatting never overflow."""
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond about 1.8e308
        return False


def not_a_finite_float() -> PydanticCustomError:
    """The validation error for NaN, infinity, or a number beyond the range of a float."""
    return PydanticCustomError(
        "finite_number",
        "Input should be a finite number within the range of a float (about ±1.8e308)",
    )


def whole_count(value: Any) -> Any:
    """Before a count's strict int: a whole float is the count, and an int must be a finite
    float. A spreadsheet or a JSON encoder may write the count 3 as 3.0, and JSON Schema's
    "integer" accepts it; 3.5 stays a float, which the strict int rejects."""
    if type(value) is float:
        if value.is_integer():
            return int(value)
        if not math.isfinite(value):
            raise not_a_finite_float()
    elif type(value) is int and not fits_float(value):
        raise not_a_finite_float()
    return value


def finite_real(value: Any) -> Any:
    """Before a money or rate value's strict float: an int beyond the range of a float is
    named as such (pydantic's own message would be 'Input should be a valid number')."""
    if type(value) is int and not fits_float(value):
        raise not_a_finite_float()
    return value


def indicator(kind: IndicatorKind, zh: str, en: str, better: Better = Better.NONE) -> Any:
    """A pydantic field for an optional indicator: absent or null means unknown.

    Validation is strict: no string-to-number coercion, no clamping, no NaN or infinity.
    (The `Village` sections add `whole_count` or `finite_real` in front: 3.0 is a count,
    and no number beyond the range of a float gets in.)
    """
    extra: JsonDict = {
        "indicator": {"kind": kind.value, "better": better.value, "zh": zh, "en": en}
    }
    description = f"{zh} / {en}"
    if kind is IndicatorKind.COUNT:
        return Field(
            default=None, ge=0, strict=True, description=description, json_schema_extra=extra
        )
    if kind is IndicatorKind.MONEY:
        return Field(
            default=None,
            ge=0,
            strict=True,
            allow_inf_nan=False,
            description=description,
            json_schema_extra=extra,
        )
    if kind is IndicatorKind.RATE:
        return Field(
            default=None,
            ge=0,
            le=1,
            strict=True,
            allow_inf_nan=False,
            description=description,
            json_schema_extra=extra,
        )
    if kind is IndicatorKind.NUMBER:
        return Field(
            default=None,
            strict=True,
            allow_inf_nan=False,
            description=description,
            json_schema_extra=extra,
        )
    return Field(default=None, strict=True, description=description, json_schema_extra=extra)
