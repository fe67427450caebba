"""Did-you-mean hints for values a ruleset author wrote the way a Chinese document writes
them, where the format wants something else: the format's English word (未获得: 'denied'),
a level's number (三星: 3), a date as year-month-day (2024年1月1日: 2024-01-01)."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from pydantic_core import ErrorDetails

# The format's English words as an author may write them in Chinese (the words the results
# are shown with in Chinese).
_ENGLISH_FOR: Final = {
    **dict.fromkeys(("获得", "已获得", "授予"), "granted"),
    **dict.fromkeys(("未获得", "不授予"), "denied"),
    **dict.fromkeys(("待定", "未定", "不确定"), "undetermined"),
    **dict.fromkeys(("通过", "达标", "合格", "满足"), "pass"),
    **dict.fromkeys(("不通过", "未通过", "不达标", "未达标", "不合格", "不满足"), "fail"),
    "未知": "unknown",
    "农村": "rural",
    **dict.fromkeys(("城市社区", "社区"), "urban_community"),
}
_LEVEL_WORDS: Final = re.compile(r"([0-9]|[零一二两三四五六七八九十])\s*星?\s*(?:级|支部)?")
_NUMERALS: Final = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}
# 2024年1月1日, 2024/1/1, 2024.01.01, 2024-1-1
_DATE: Final = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")


def value_hint(error: ErrorDetails) -> str | None:
    """The did-you-mean for the value one of pydantic's errors refused, if it is one of
    these slips."""
    value, ctx = error.get("input"), error.get("ctx") or {}
    if not isinstance(value, str):
        return None
    value = value.strip()
    english = _ENGLISH_FOR.get(value)
    if english is not None and f"'{english}'" in str(ctx.get("expected", "")):
        return f"did you mean '{english}'? these values are written in English"
    level = _LEVEL_WORDS.fullmatch(value)
    if level is not None and error["type"] in ("int_type", "int_parsing"):
        figure = level.group(1)
        number = int(figure) if figure.isdigit() else _NUMERALS[figure]
        return f"did you mean {number}? a level is written as a number"
    written = _DATE.fullmatch(value)
    if written is not None:
        try:
            day = date(*(int(part) for part in written.groups()))
        except ValueError:  # 2月30日: no such day, nothing to suggest
            return None
        return f"did you mean {day.isoformat()}? dates are written as year-month-day"
    return None
