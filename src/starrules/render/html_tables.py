"""The tables of a group's section in the HTML report: the summary (cards, villages per star
and per level), the plans compared, the criteria that hold villages back, the missing data
and the villages nearest their next level."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..i18n import Lang, Words
from ..reports import GroupReport, Report
from ..reports.plans import Goal, PlanResult
from ..rules import default_level_name
from .html_blocks import count_range, html_table, metric, percent, share_range, word
from .report import target_label


def group_summary(at: str, group: GroupReport, lang: Lang) -> str:
    check = group.check
    mark = "✔" if check.holds else "✘"
    share = group.three_plus_share
    known = metric(f"{at}/check/villages", check.villages)
    three = count_range(f"{at}/three_plus", group.three_plus.fewest, group.three_plus.most)
    shares = share_range(f"{at}/three_plus/share", share.fewest, share.most)
    relation = "=" if check.holds else "≠"
    sums = (
        f"{metric(f'{at}/check/levels', check.levels)} {relation} "
        f"{metric(f'{at}/check/stars', check.stars)} {mark}"
    )
    if lang == "zh":
        sums += f'<span class="sub">只计等级确定的 {known} 个村；等级 = 星数时二者相等</span>'
    else:
        sums += (
            f'<span class="sub">over the {known} villages whose level is known; equal where '
            "the level is the number of stars</span>"
        )
    cards = [
        (word("villages", lang), metric(f"{at}/villages", group.villages)),
        (word("undetermined_villages", lang), metric(f"{at}/undetermined", group.undetermined)),
        (word("three_plus", lang), f'{three}<span class="sub">{shares}</span>'),
        (word("check", lang), sums),
    ]
    card_html = "".join(
        f'<div class="card"><div class="k">{escape(k)}</div><div class="v">{v}</div></div>'
        for k, v in cards
    )
    star_rows = [
        [
            escape(s.name(lang)),
            metric(f"{at}/stars/{_esc_key(s.id)}/granted", s.granted),
            metric(f"{at}/stars/{_esc_key(s.id)}/denied", s.denied),
            metric(f"{at}/stars/{_esc_key(s.id)}/undetermined", s.undetermined),
        ]
        for s in group.stars
    ]
    stars = html_table(
        [
            word("star", lang),
            word("granted", lang),
            word("denied", lang),
            word("undetermined", lang),
        ],
        star_rows,
        numbers=3,
        caption=word("per_star", lang),
    )
    level_rows = [
        [escape(lv.name(lang)), count_range(f"{at}/levels/{j}", lv.fewest, lv.most)]
        for j, lv in enumerate(group.levels)
    ]
    levels = html_table(
        [word("level", lang), word("villages", lang)],
        level_rows,
        numbers=1,
        caption=f"{word('per_level', lang)}（{word('fewest_most', lang)}）"
        if lang == "zh"
        else f"{word('per_level', lang)} ({word('fewest_most', lang)})",
    )
    return f'<div class="cards">{card_html}</div><div class="tables">{stars}{levels}</div>'


def _esc_key(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def level_names(report: Report, lang: Lang) -> dict[int, str]:
    return {lv.value: lv.name(lang) for lv in report.total.levels}


def level_name(value: int, names: dict[int, str], lang: Lang) -> str:
    return names.get(value) or default_level_name(value)(lang)


def _goal_text(goal: Goal, names: dict[int, str], lang: Lang, at: str) -> str:
    name = escape(level_name(goal.level, names, lang))
    needed = metric(f"{at}/needed", goal.needed)
    if goal.kind == "share" and goal.share is not None:
        share = metric(f"{at}/share", float(goal.share), percent(float(goal.share)))
        if lang == "zh":
            return f"{name}及以上占比 {share}（{needed} 个村）"
        return f"share at {name} or above {share} ({needed} villages)"
    if lang == "zh":
        return f"{name}及以上 {needed} 个村"
    return f"{needed} villages at {name} or above"


_status_word = Words(
    {
        "met": ("达成", "met"),
        "short": ("未达成", "short"),
        "open": ("待定", "open"),
        "no-villages": ("无村", "no villages"),
    }
)


def _status_text(goal: Goal, at: str, lang: Lang) -> str:
    status = metric(f"{at}/status", goal.status, _status_word(goal.status, lang))
    if goal.status in ("met", "no-villages"):
        return f'<span class="{goal.status}">{status}</span>'
    short = count_range(f"{at}/short_by", goal.short_by.fewest, goal.short_by.most)
    more = f"（差 {short} 个村）" if lang == "zh" else f" (short by {short})"
    return f'<span class="{goal.status}">{status}{more}</span>'


def plans_table(
    report: Report, plans: Sequence[tuple[int, PlanResult]], lang: Lang, names: dict[int, str]
) -> str:
    rows: list[list[str]] = []
    for k, plan in plans:
        overall = metric(f"/plans/{k}/status", plan.status, _status_word(plan.status, lang))
        villages = metric(f"/plans/{k}/villages", plan.villages)
        first = (
            f"{escape(target_label(plan.target, lang))}"
            f'<span class="sub">{villages} {"个村" if lang == "zh" else "villages"}'
            f" · {overall}</span>"
        )
        for m, goal in enumerate(plan.goals):
            at = f"/plans/{k}/goals/{m}"
            rows.append(
                [
                    first if m == 0 else "",
                    _goal_text(goal, names, lang, at),
                    count_range(f"{at}/achieved", goal.achieved.fewest, goal.achieved.most),
                    _status_text(goal, at, lang),
                ]
            )
    sep = "；" if lang == "zh" else "; "
    note = (
        f'<p class="note">{escape(word("targets", lang))}: {escape(report.targets or "")}'
        f"{sep}{escape(word('plan_note', lang))}</p>"
    )
    head = [word("target", lang), word("goal", lang), word("achieved", lang), word("status", lang)]
    return html_table(head, rows) + note


def criteria_table(at: str, group: GroupReport, lang: Lang, top: int) -> str:
    if not group.criteria:
        return ""
    names = {s.id: s.name(lang) for s in group.stars}
    rows = [
        [
            f'<code>{escape(c.id)}</code><br><span class="sub">{escape(c.text(lang))}</span>',
            escape(names.get(c.star, c.star)),
            metric(f"{at}/criteria/{j}/failing", c.failing),
            metric(f"{at}/criteria/{j}/only_gap", c.only_gap),
        ]
        for j, c in enumerate(group.criteria[:top])
    ]
    head = [
        word("criterion", lang),
        word("star", lang),
        word("failing", lang),
        word("only_gap", lang),
    ]
    return (
        f"<div><h3>{escape(word('criteria', lang))}</h3>{html_table(head, rows, numbers=2)}</div>"
    )


def missing_table(at: str, group: GroupReport, lang: Lang, top: int) -> str:
    if not group.missing:
        return ""
    rows = [
        [
            f"<code>{escape(m.indicator)}</code>"
            + (f'<br><span class="sub">{escape(m.label(lang))}</span>' if m.label else ""),
            metric(f"{at}/missing/{j}/villages", m.villages),
        ]
        for j, m in enumerate(group.missing[:top])
    ]
    head = [word("indicator", lang), word("undetermined", lang)]
    return f"<div><h3>{escape(word('missing', lang))}</h3>{html_table(head, rows, numbers=1)}</div>"


def nearest_table(at: str, group: GroupReport, lang: Lang, names: dict[int, str]) -> str:
    near = group.nearest
    if not near.one_away and not near.two_away:
        return ""
    one = metric(f"{at}/nearest/one_away", near.one_away)
    two = metric(f"{at}/nearest/two_away", near.two_away)
    if lang == "zh":
        title = f"最接近下一等级的村（差 1 条的 {one} 个村，差 2 条的 {two} 个村）"
    else:
        title = f"Villages nearest their next level ({one} one criterion away, {two} two away)"
    rows = [
        [
            escape(v.name),
            escape(v.township or ""),
            escape(level_name(v.level, names, lang)),
            escape(v.next_level_name(lang) if v.next_level_name else str(v.next_level)),
            metric(f"{at}/nearest/villages/{j}/distance", v.distance),
            "<br>".join(f"<code>{escape(c)}</code>" for c in (*v.criteria, *v.conditions)),
            "<br>".join(f"<code>{escape(c)}</code>" for c in v.to_confirm),
        ]
        for j, v in enumerate(near.villages)
    ]
    head = [
        word("village", lang),
        word("township", lang).capitalize(),
        word("level", lang),
        word("next_level", lang),
        word("away", lang),
        word("to_meet", lang),
        word("to_confirm", lang),
    ]
    table = html_table(head, rows) if rows else ""
    return f"<div><h3>{title}</h3>{table}</div>"


__all__ = [
    "criteria_table",
    "group_summary",
    "level_name",
    "level_names",
    "missing_table",
    "nearest_table",
    "plans_table",
]
