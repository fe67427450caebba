"""Indicator metadata (spec §1): kinds, units, better directions, and values as a township
cadre reads them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import starrules
from starrules import Better, IndicatorKind, IndicatorSpec, Text
from starrules.indicators import UNITS, indicator


def spec(kind: IndicatorKind) -> IndicatorSpec:
    return IndicatorSpec("test.value", kind, Better.NONE, Text(zh="测试", en="Test"))


def test_kinds_and_directions_are_the_documented_strings() -> None:
    assert {k.value for k in IndicatorKind} >= {"count", "money", "rate", "bool"}
    assert {b.value for b in Better} == {"higher", "lower", "none"}
    assert IndicatorKind("rate") is IndicatorKind.RATE
    assert IndicatorKind.MONEY == "money"


@pytest.mark.parametrize(
    ("kind", "numeric"),
    [
        (IndicatorKind.COUNT, True),
        (IndicatorKind.MONEY, True),
        (IndicatorKind.RATE, True),
        (IndicatorKind.NUMBER, True),
        (IndicatorKind.BOOL, False),
        (IndicatorKind.STRING, False),
    ],
)
def test_is_numeric(kind: IndicatorKind, numeric: bool) -> None:
    assert kind.is_numeric is numeric


def test_every_kind_has_a_unit_in_both_languages() -> None:
    for kind in IndicatorKind:
        unit = UNITS[kind]
        assert unit.zh and unit.en
    assert (UNITS[IndicatorKind.MONEY].zh, UNITS[IndicatorKind.MONEY].en) == ("元", "CNY")


@pytest.mark.parametrize(
    ("kind", "value", "zh", "en"),
    [
        (IndicatorKind.RATE, 0.89, "89%", "89%"),
        (IndicatorKind.RATE, 0.855, "85.5%", "85.5%"),
        (IndicatorKind.RATE, 0.29, "29%", "29%"),  # no 28.999999999999996%
        (IndicatorKind.RATE, 1, "100%", "100%"),
        (IndicatorKind.RATE, 0.0, "0%", "0%"),
        (IndicatorKind.MONEY, 250_000, "250,000 元", "250,000 CNY"),
        (IndicatorKind.MONEY, 250_000.0, "250,000 元", "250,000 CNY"),
        (IndicatorKind.MONEY, 0, "0 元", "0 CNY"),
        (IndicatorKind.COUNT, 1234, "1,234", "1,234"),
        (IndicatorKind.COUNT, 0, "0", "0"),
        (IndicatorKind.NUMBER, 3.0, "3", "3"),
        (IndicatorKind.NUMBER, 2.5, "2.5", "2.5"),
        (IndicatorKind.BOOL, True, "是", "yes"),
        (IndicatorKind.BOOL, False, "否", "no"),
        (IndicatorKind.STRING, "香菇", "香菇", "香菇"),
        (IndicatorKind.RATE, None, "未知", "unknown"),
        (IndicatorKind.COUNT, None, "未知", "unknown"),
    ],
)
def test_format_value(kind: IndicatorKind, value: Any, zh: str, en: str) -> None:
    assert spec(kind).format_value(value, "zh") == zh
    assert spec(kind).format_value(value, "en") == en


def test_zero_and_false_are_not_shown_as_unknown() -> None:
    assert spec(IndicatorKind.COUNT).format_value(0, "zh") != "未知"
    assert spec(IndicatorKind.BOOL).format_value(False, "en") != "unknown"


def test_name_is_the_label() -> None:
    s = starrules.STANDARD_INDICATORS["industry.collective_income"]
    assert s.name("zh") == s.label.zh == "村集体经济年收入"
    assert s.name("en") == s.label.en


def test_specs_are_immutable() -> None:
    s = starrules.STANDARD_INDICATORS["industry.collective_income"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.kind = IndicatorKind.COUNT  # type: ignore[misc]


class _Sample(BaseModel):
    count: int | None = indicator(IndicatorKind.COUNT, "数", "Count", Better.HIGHER)
    money: float | None = indicator(IndicatorKind.MONEY, "钱", "Money", Better.HIGHER)
    rate: float | None = indicator(IndicatorKind.RATE, "率", "Rate", Better.HIGHER)
    number: float | None = indicator(IndicatorKind.NUMBER, "值", "Number")
    flag: bool | None = indicator(IndicatorKind.BOOL, "是否", "Flag", Better.LOWER)


def test_indicator_fields_default_to_unknown() -> None:
    sample = _Sample()
    assert sample.model_dump() == {
        "count": None,
        "money": None,
        "rate": None,
        "number": None,
        "flag": None,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("count", -1),
        ("count", "3"),
        ("count", 2.0),
        ("count", True),
        ("money", -0.01),
        ("money", float("nan")),
        ("money", float("inf")),
        ("money", "100"),
        ("rate", 1.2),
        ("rate", -0.1),
        ("rate", float("nan")),
        ("number", float("-inf")),
        ("flag", 1),
        ("flag", "yes"),
    ],
)
def test_indicator_fields_are_strict(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _Sample.model_validate({field: value})
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize(
    ("field", "value"),
    [("count", 0), ("money", 0), ("money", 0.5), ("rate", 0.0), ("rate", 1.0), ("number", -3.5)],
)
def test_indicator_fields_accept_the_edges_of_their_domain(field: str, value: Any) -> None:
    assert getattr(_Sample.model_validate({field: value}), field) == value


def test_indicator_metadata_is_in_the_json_schema() -> None:
    props = _Sample.model_json_schema()["properties"]
    assert props["count"]["indicator"] == {
        "kind": "count",
        "better": "higher",
        "zh": "数",
        "en": "Count",
    }
    assert props["flag"]["indicator"]["better"] == "lower"
    assert props["number"]["indicator"]["better"] == "none"
