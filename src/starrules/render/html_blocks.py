"""What every part of the HTML report page is made of: its words (zh / en), the numbers it
shows with their place in the JSON report, and its tables.

Every number shown is an element carrying `data-metric`, a JSON Pointer (RFC 6901) into
`Report.to_dict()`, and `data-value`, the value there as JSON (see report_html.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from html import escape
from typing import Final

from ..i18n import Words

_WORDS: Final[dict[str, tuple[str, str]]] = {
    "title": ("五星支部创建情况", "Five-star branch report"),
    "township": ("乡镇", "township"),
    "county": ("县（区）", "county"),
    "jurisdiction": ("辖区", "jurisdiction"),
    "total": ("合计", "Total"),
    "no_township": ("（未填乡镇）", "(no township)"),
    "villages": ("村数", "Villages"),
    "undetermined_villages": ("等级待定", "Level undetermined"),
    "three_plus": ("三星及以上", "3 stars or more"),
    "check": ("Σ等级 = Σ星", "ΣLevels = ΣStars"),
    "per_star": ("各星获得村数", "Villages per star"),
    "per_level": ("各等级村数", "Villages per level"),
    "share_chart": ("三星及以上占比", "Share at 3 stars or more"),
    "star": ("星", "Star"),
    "level": ("等级", "Level"),
    "granted": ("获得", "Granted"),
    "denied": ("未获得", "Denied"),
    "undetermined": ("待定", "Undetermined"),
    "known": ("确定", "Known"),
    "could_be": ("待定（可能）", "Undetermined (could be)"),
    "fewest_most": ("最少–最多", "fewest–most"),
    "plan": ("计划对照", "Plan vs result"),
    "plan_note": (
        "计划按累计计：某星级及以上的村数",
        "plans count cumulatively: villages at a level or above",
    ),
    "other_plans": ("其他计划", "Other plans"),
    "target": ("对象", "Target"),
    "goal": ("计划", "Plan"),
    "achieved": ("实际", "Result"),
    "status": ("结果", "Status"),
    "criteria": ("短板：拖住最多村的准则", "Criteria holding villages back (短板)"),
    "criterion": ("准则", "Criterion"),
    "failing": ("未达标村", "Failing"),
    "only_gap": ("唯一差距", "Only gap"),
    "missing": ("缺失数据：使最多村待定的指标", "Missing data leaving villages undetermined"),
    "indicator": ("指标", "Indicator"),
    "next_level": ("下一等级", "Next"),
    "away": ("差几条", "Away"),
    "to_meet": ("要达到的准则", "Criteria to meet"),
    "to_confirm": ("待核实（缺数据）", "To confirm (data missing)"),
    "village_list": ("各村星级", "Villages and their stars"),
    "village": ("村", "Village"),
    "code": ("代码", "Code"),
    "legend": (
        "✔ 获得　✘ 未获得　? 待定（缺数据）",
        "✔ granted   ✘ denied   ? undetermined (data missing)",
    ),
    "partial": (
        "输入中断：只含已读入的村，不是完整结果",
        "Input interrupted: only the villages read so far, not the full result",
    ),
    "targets": ("计划文件", "Targets"),
    "contents": ("目录", "Contents"),
    "target_line": ("计划", "target"),
}


word = Words(_WORDS)


def percent(value: float) -> str:
    return f"{value * 100:.2f}%"


def metric(path: str, value: int | float | str, text: str | None = None) -> str:
    shown = text if text is not None else str(value)
    data = json.dumps(value, ensure_ascii=False)
    return (
        f'<span class="n" data-metric="{escape(path)}" data-value="{escape(data)}">'
        f"{escape(shown)}</span>"
    )


def count_range(path: str, fewest: int, most: int) -> str:
    if fewest == most:
        return metric(f"{path}/fewest", fewest)
    return f"{metric(f'{path}/fewest', fewest)}–{metric(f'{path}/most', most)}"


def share_range(path: str, fewest: float, most: float) -> str:
    low = metric(f"{path}/fewest", fewest, percent(fewest))
    if percent(fewest) == percent(most):
        return low
    return f"{low}–{metric(f'{path}/most', most, percent(most))}"


def html_table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numbers: int = 0,
    caption: str = "",
) -> str:
    """A table; `head` and `caption` are text (escaped here), the cells are HTML already;
    the last `numbers` columns hold numbers (right-aligned)."""
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    first = len(head) - numbers
    out.append("<thead><tr>")
    out += [f"<th{_right(i, first)}>{escape(h)}</th>" for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append(
            "<tr>" + "".join(f"<td{_right(i, first)}>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _right(column: int, first: int) -> str:
    return ' class="r"' if column >= first else ""


def centre(column: int, first: int) -> str:
    return ' class="c"' if column >= first else ""


__all__ = ["centre", "count_range", "html_table", "metric", "percent", "share_range", "word"]
