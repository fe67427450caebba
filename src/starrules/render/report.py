"""A report as plain-text tables (the `starrules report --format table` output), zh or en.

Sections: villages per star (granted / denied / undetermined), villages per level (the fewest
and the most where levels are undetermined), the villages at three stars or above and their
share, the Σ check, the criteria that hold villages back (短板), the missing data that
leaves villages undetermined, and the plans compared. The JSON form is `Report.to_json()`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

from ..i18n import Lang
from ..reports import GroupReport, Report
from ..reports.plans import Goal, PlanResult, Span, Target
from ..rules import default_level_name
from .table import display_width

_BY = {
    "township": ("乡镇", "township"),
    "county": ("县（区）", "county"),
    "jurisdiction": ("辖区", "jurisdiction"),
}
_GROUP_HEAD = {
    "township": ("乡镇", "Township"),
    "county": ("县（区）", "County"),
    "jurisdiction": ("辖区", "Jurisdiction"),
}


def _t(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _width(text: str) -> int:
    return len(text) if text.isascii() else display_width(text)


def table(head: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Aligned columns (CJK characters two wide), a rule under the head; numbers right."""
    lines = [head, *rows]
    sizes = [[_width(cell) for cell in line] for line in lines]
    widths = [max(column) for column in zip(*sizes, strict=True)]

    def line(cells: Sequence[str], size: Sequence[int]) -> str:
        parts = [
            " " * (w - n) + c if r else c + " " * (w - n)
            for c, n, w, r in zip(cells, size, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(cells, size) for cells, size in zip(lines, sizes, strict=True)]
    out.insert(1, "  ".join("-" * w for w in widths))
    return out


def _count(span: Span) -> str:
    return str(span)


def _percent(value: float) -> str:
    return f"{value * 100:.2f}%"


def _share(fewest: float, most: float) -> str:
    a, b = _percent(fewest), _percent(most)
    return a if a == b else f"{a}–{b}"


def villages_text(n: int, lang: Lang) -> str:
    """'33 个村' / '33 villages' (also for the HTML report)."""
    return f"{n} 个村" if lang == "zh" else f"{n} village{'s' if n != 1 else ''}"


def group_labels(report: Report, lang: Lang) -> list[str]:
    """A label per group (by position); groups that share a name show their jurisdiction."""
    names = Counter(g.name for g in report.groups)
    labels: list[str] = []
    for g in report.groups:
        label = _t(lang, "（未填乡镇）", "(no township)") if g.name is None else g.name
        if names[g.name] > 1 and g.kind == "township" and g.jurisdiction:
            label += f"（{g.jurisdiction}）" if lang == "zh" else f" ({g.jurisdiction})"
        labels.append(label)
    return labels


def _rows(report: Report, lang: Lang) -> list[tuple[str, GroupReport]]:
    labels = group_labels(report, lang)
    rows = [(labels[i], g) for i, g in enumerate(report.groups)]
    rows.append((_t(lang, "合计", "Total"), report.total))
    return rows


def _title(report: Report, lang: Lang) -> str:
    n = report.total.villages
    if report.by is None:
        by = ""
    else:
        zh, en = _BY[report.by]
        by = _t(lang, f"按{zh}，", f"by {en}, ")
    text = _t(
        lang,
        f"五星支部创建情况（{by}{villages_text(n, lang)}）",
        f"Five-star branch report ({by}{villages_text(n, lang)})",
    )
    if report.partial:
        text += _t(
            lang,
            f"  输入中断：只含已读入的 {villages_text(n, lang)}，不是完整结果",
            f"  input interrupted: only the {villages_text(n, lang)} read so far, "
            "not the full result",
        )
    return text


def _group_head(report: Report, lang: Lang) -> str:
    if report.by is None:
        return _t(lang, "范围", "Scope")
    zh, en = _GROUP_HEAD[report.by]
    return _t(lang, zh, en)


def _stars_section(report: Report, lang: Lang) -> list[str]:
    stars = report.total.stars
    head = [_group_head(report, lang), _t(lang, "村数", "Villages"), *(s.name(lang) for s in stars)]
    rows = []
    for label, g in _rows(report, lang):
        counts = {s.id: f"{s.granted}/{s.denied}/{s.undetermined}" for s in g.stars}
        rows.append([label, str(g.villages), *(counts.get(s.id, "–") for s in stars)])
    title = _t(
        lang,
        "各星获得村数（获得/未获得/待定）",
        "Villages per star (granted/denied/undetermined)",
    )
    return [title, *table(head, rows, [False] + [True] * (len(head) - 1))]


def _levels_section(report: Report, lang: Lang) -> list[str]:
    levels = report.total.levels
    head = [
        _group_head(report, lang),
        _t(lang, "村数", "Villages"),
        *(lv.name(lang) for lv in levels),
        _t(lang, "待定", "Undetermined"),
        _t(lang, "三星及以上", "3-star+"),
        _t(lang, "占比", "Share"),
        _t(lang, "Σ等级 = Σ星", "ΣLevels = ΣStars"),
    ]
    rows = []
    for label, g in _rows(report, lang):
        spans = {lv.value: str(lv.span) for lv in g.levels}
        check = g.check
        mark = "✔" if check.holds else "✘"
        relation = "=" if check.holds else "≠"
        rows.append(
            [
                label,
                str(g.villages),
                *(spans.get(lv.value, "0") for lv in levels),
                str(g.undetermined),
                str(g.three_plus),
                _share(g.three_plus_share.fewest, g.three_plus_share.most),
                f"{check.levels} {relation} {check.stars} {mark}",
            ]
        )
    title = _t(
        lang,
        "各等级村数（待定的村按可能的范围：最少–最多）",
        "Villages per level (undetermined villages as a range: fewest–most)",
    )
    total = report.total.check
    note = _t(
        lang,
        f"Σ等级与Σ获得星数只计等级确定的村（合计：等级确定的 {total.villages} 个村）；"
        "等级 = 星数（默认规则）时二者相等。",
        f"ΣLevels and ΣStars count the villages whose level is known ({total.villages} in "
        "total); they are equal where the level is the number of stars (the default rule).",
    )
    return [title, *table(head, rows, [False] + [True] * (len(head) - 1)), note]


def _more(count: int, lang: Lang) -> str:
    return _t(lang, f"……另有 {count} 项（见 --format json）", f"… {count} more (see --format json)")


def _criteria_section(label: str, group: GroupReport, lang: Lang, top: int) -> list[str]:
    if not group.criteria:
        return []
    names = {s.id: s.name(lang) for s in group.stars}
    head = [
        _t(lang, "准则", "Criterion"),
        _t(lang, "内容", "Text"),
        _t(lang, "星", "Star"),
        _t(lang, "未达标村", "Failing"),
        _t(lang, "唯一差距", "Only gap"),
    ]
    rows = [
        [c.id, _short(c.text(lang), 40), names.get(c.star, c.star), str(c.failing), str(c.only_gap)]
        for c in group.criteria[:top]
    ]
    title = _t(
        lang,
        f"短板：拖住最多村的准则（{label}；唯一差距 = 只差这一条就获得该星）",
        f"Criteria holding villages back ({label}; only gap = the one criterion between the "
        "village and the star: 短板)",
    )
    lines = [title, *table(head, rows, [False, False, False, True, True])]
    if len(group.criteria) > top:
        lines.append(_more(len(group.criteria) - top, lang))
    return lines


def _missing_section(label: str, group: GroupReport, lang: Lang, top: int) -> list[str]:
    if not group.missing:
        return []
    head = [
        _t(lang, "指标", "Indicator"),
        _t(lang, "名称", "Name"),
        _t(lang, "待定的村", "Undetermined villages"),
    ]
    rows = [
        [m.indicator, _short(m.label(lang), 40) if m.label else "", str(m.villages)]
        for m in group.missing[:top]
    ]
    title = _t(
        lang,
        f"缺失数据：使最多村待定的指标（{label}）",
        f"Missing data that leaves most villages undetermined ({label})",
    )
    lines = [title, *table(head, rows, [False, False, True])]
    if len(group.missing) > top:
        lines.append(_more(len(group.missing) - top, lang))
    return lines


def _nearest_section(label: str, group: GroupReport, lang: Lang) -> list[str]:
    near = group.nearest
    if not near.one_away and not near.two_away:
        return []
    title = _t(
        lang,
        f"最接近下一等级的村（{label}：差 1 条的 {villages_text(near.one_away, lang)}，"
        f"差 2 条的 {villages_text(near.two_away, lang)}）",
        f"Villages nearest their next level ({label}: {near.one_away} one criterion away, "
        f"{near.two_away} two away)",
    )
    if not near.villages:
        return [title]
    names = {lv.value: lv.name(lang) for lv in group.levels}
    head = [
        _t(lang, "村", "Village"),
        _t(lang, "乡镇", "Township"),
        _t(lang, "等级", "Level"),
        _t(lang, "下一等级", "Next"),
        _t(lang, "差几条", "Away"),
        _t(lang, "要达到的准则", "Criteria to meet"),
        _t(lang, "待核实（缺数据）", "To confirm (data missing)"),
    ]
    comma = "、" if lang == "zh" else ", "
    rows = [
        [
            v.name,
            v.township or "",
            names.get(v.level, default_level_name(v.level)(lang)),
            v.next_level_name(lang) if v.next_level_name else str(v.next_level),
            str(v.distance),
            comma.join((*v.criteria, *v.conditions)),
            comma.join(v.to_confirm),
        ]
        for v in near.villages
    ]
    return [title, *table(head, rows, [False, False, False, False, True, False, False])]


def _short(text: str, width: int) -> str:
    """The text cut to `width` columns, with an ellipsis when cut."""
    if _width(text) <= width:
        return text
    used = 0
    for i, char in enumerate(text):
        used += display_width(char)
        if used > width - 1:
            return text[:i] + "…"
    return text


def _level_name(level: int, names: dict[int, str]) -> str:
    return names.get(level, "")


def _goal_text(goal: Goal, names: dict[int, str], lang: Lang) -> str:
    name = _level_name(goal.level, names)
    if goal.kind == "share":
        share = _plain_percent(goal.share or Fraction(0))
        return _t(
            lang,
            f"{name}及以上占比 {share}（{goal.needed} 个村）",
            f"share at {name} or above {share} ({villages_text(goal.needed, lang)})",
        )
    return _t(
        lang,
        f"{name}及以上 {goal.needed} 个村",
        f"{villages_text(goal.needed, lang)} at {name} or above",
    )


def _plain_percent(share: Fraction) -> str:
    return f"{float(share * 100):.6g}%"


def _result_text(goal: Goal, lang: Lang) -> str:
    if goal.status == "met":
        return _t(lang, "达成", "met")
    if goal.status == "short":
        return _t(lang, f"差 {goal.short_by} 个村", f"short by {goal.short_by}")
    if goal.status == "open":
        return _t(
            lang,
            f"待定（差 {goal.short_by} 个村）",
            f"open (short by {goal.short_by} as the missing data comes in)",
        )
    return _t(lang, "无村", "no villages")


def target_label(target: Target, lang: Lang) -> str:
    """A plan's township (with its jurisdiction) or its county (also for the HTML report)."""
    if target.township is None:
        return str(target.jurisdiction)
    if target.jurisdiction is None:
        return target.township
    return (
        f"{target.township}（{target.jurisdiction}）"
        if lang == "zh"
        else (f"{target.township} ({target.jurisdiction})")
    )


def _plans_section(report: Report, lang: Lang) -> list[str]:
    if not report.plans:
        return []
    names = {lv.value: lv.name(lang) for lv in report.total.levels}
    head = [
        _t(lang, "对象", "Target"),
        _t(lang, "计划", "Plan"),
        _t(lang, "实际", "Result"),
        _t(lang, "结果", "Status"),
    ]
    rows: list[list[str]] = []
    notes: list[str] = []
    for plan in report.plans:
        label = target_label(plan.target, lang)
        for i, goal in enumerate(plan.goals):
            goal_names = names or {goal.level: default_level_name(goal.level)(lang)}
            if goal.level not in goal_names:
                goal_names = {**goal_names, goal.level: default_level_name(goal.level)(lang)}
            rows.append(
                [
                    label if i == 0 else "",
                    _goal_text(goal, goal_names, lang),
                    str(goal.achieved),
                    _result_text(goal, lang),
                ]
            )
        if plan.status == "no-villages":
            notes.append(_no_villages(plan, label, lang))
    title = _t(
        lang,
        f"计划对照（{report.targets}；计划按累计计：某星级及以上的村数）",
        f"Plan vs result ({report.targets}; plans count cumulatively: villages at a level "
        "or above)",
    )
    return [title, *table(head, rows, [False, False, True, False]), *notes]


def _no_villages(plan: PlanResult, label: str, lang: Lang) -> str:
    maybe = "、".join(plan.suggestions) if lang == "zh" else ", ".join(plan.suggestions)
    where = str(plan.target.where)
    if lang == "zh":
        text = f"{label}（{where}）：输入中没有该对象的村"
        return text + (f"；是否指：{maybe}？" if maybe else "。")
    text = f"{label} ({where}): no village of this target in the input"
    return text + (f"; did you mean: {maybe}?" if maybe else ".")


def render_report(report: Report, lang: Lang = "zh", *, top: int = 5) -> str:
    """The report as text tables; `top`: the longest list of criteria or missing indicators
    shown per group (all of them are in the JSON form). The nearest villages listed are
    those the report kept (`report(..., nearest=K)`)."""
    sections: list[list[str]] = [
        [_title(report, lang)],
        _stars_section(report, lang),
        _levels_section(report, lang),
    ]
    rows = _rows(report, lang)
    if len(rows) == 2:  # one group: its lists are the total's
        rows = rows[:1]
    for label, group in rows:
        sections.append(_criteria_section(label, group, lang, top))
        sections.append(_missing_section(label, group, lang, top))
        sections.append(_nearest_section(label, group, lang))
    sections.append(_plans_section(report, lang))
    return "\n\n".join("\n".join(s) for s in sections if s) + "\n"


__all__ = ["render_report", "table"]
