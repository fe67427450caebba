"""pydantic's validation errors, worded in Chinese as well as in English."""

from __future__ import annotations

from collections.abc import Mapping

from .entries import Both
from .lookup import translate

# pydantic's messages by error type, in Chinese; their fields are the error's `ctx`
_VALIDATION_ZH: Mapping[str, str] = {
    "missing": "缺少这个字段",
    "greater_than_equal": "应大于或等于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应小于或等于 {le}",
    "less_than": "应小于 {lt}",
    "string_pattern_mismatch": "应符合格式 '{pattern}'",
    "literal_error": "应为 {expected}",
    "enum": "应为 {expected}",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能有小数部分",
    "string_type": "应为文本",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "finite_number": "应为有限的数字（约在 ±1.8e308 以内）",
    "date_parsing": "应为有效日期，如 2023-12-31：{reason}",
    "date_type": "应为日历日期，如 2023-12-31（不带时间）",
    "string_surrogate": "应为不含孤立代理字符（未成对的 \\ud800–\\udfff 转义）的文本",
    "string_too_long": "文本太长（最多 {max_length} 个字符）",
}


# the patterns of a village's fields, in words
_PATTERNS_ZH: Mapping[str, str] = {
    "^[0-9]{12}$": "应为 12 位数字的统计用区划代码",
    "^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*)*$": (
        "应为用 '/' 连接的小写 id，省在前，例如 cn-henan/nanyang/xixia"
    ),
}


def _number(value: object) -> str:
    # pydantic words a bound of 1.0 as 1
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def validation_detail(error: Mapping[str, object]) -> Both:
    """What one of pydantic's errors (`ValidationError.errors()`) says, in both languages."""
    english = str(error.get("msg", ""))
    kind = str(error.get("type", ""))
    ctx = error.get("ctx")
    values = {k: _number(v) for k, v in ctx.items()} if isinstance(ctx, Mapping) else {}
    template = _VALIDATION_ZH.get(kind)
    if kind == "string_pattern_mismatch":
        template = _PATTERNS_ZH.get(values.get("pattern", ""), template)
    if template is not None:
        try:
            zh = template.format(**values).replace("' or '", "' 或 '")
        except (KeyError, IndexError):  # a field of another pydantic version
            zh = translate(english, ("fragment",), "zh")[0]
    elif kind == "value_error" and isinstance(ctx, Mapping) and "error" in ctx:
        zh = translate(str(ctx["error"]), ("fragment",), "zh")[0]
    else:
        zh = translate(english, ("fragment",), "zh")[0]
    return Both(english, zh)
