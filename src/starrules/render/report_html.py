"""A report as one self-contained HTML page with charts (`starrules report --format html`).

    rows = VillageRows(limit=1000)          # optional: the villages' own table
    builder = ReportBuilder("township", targets)
    for assessment in assessments:
        builder.add(assessment)
        rows.add(assessment)
    html = render_html(builder.result(), "zh", villages=rows)

Per group (township, county or jurisdiction, as the report is grouped) and for the total, the
page shows a summary (villages; per star granted / denied / undetermined; per level the fewest
and the most; the villages at three stars or above and their share; the Σ check; the plans
of the group compared), three charts (villages per star, granted stacked with undetermined;
villages per level, the fewest stacked with the undetermined that could be at it; the share
at three stars or above as a gauge, with the plan's share as its threshold), the criteria
that hold villages back (短板), the missing data, and the table of villages with their stars
(✔ granted, ✘ denied, ? undetermined). Plans that match no group are listed at the end.

The charts are plotly's (`pip install 'starrules[html]'`): the plotly.js bundle is inlined
once in the page, which loads nothing from the network (its Content-Security-Policy forbids
it), so the file works offline and can be mailed as it is. Without plotly, `render_html`
raises `MissingExtraError`.

A `Report` keeps counts only, never the villages: the village table comes from `VillageRows`,
collected while the report streams and bounded by its `limit` (the villages past it are
counted, and the page says how many are not listed).

Every number the page shows is machine-checkable: the element that shows it carries
`data-metric`, a JSON Pointer (RFC 6901) into `Report.to_dict()` (`/groups/0/stars/industry/
granted`, `/total/three_plus/share/fewest`, `/plans/1/goals/0/status`), and `data-value`,
the value there as JSON. All text from data (names of villages, townships, stars, criteria)
is escaped: data never becomes markup.
"""

from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any, Final

from ..errors import InputError, StarrulesError
from ..explain.results import Status
from ..i18n import Lang, Words
from ..reports import GroupReport, Report, county_of
from ..reports.plans import SHARE_LEVEL, Goal, PlanResult
from ..rules import default_level_name
from .report import group_labels, target_label, villages_text

if TYPE_CHECKING:
    from ..explain.assessment import Assessment

EXTRA: Final = "html"
DEFAULT_LIMIT: Final = 1000
_CHART_HEIGHT: Final = "320px"
_FONT: Final = (
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", '
    '"Source Han Sans SC", system-ui, sans-serif'
)
_GREEN: Final = "#2e7d32"
_AMBER: Final = "#f9a825"
_BLUE: Final = "#1565c0"
_PALE_BLUE: Final = "#90caf9"
_RED: Final = "#c62828"
_TRUTH: Final = {Status.GRANTED: True, Status.DENIED: False, Status.UNDETERMINED: None}
_MARKS: Final = {True: ("✔", "granted"), False: ("✘", "denied"), None: ("?", "undetermined")}
# Nothing from the network: the bundle and the charts are inline; plotly styles inline too.
_CSP: Final = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:"
)


class MissingExtraError(StarrulesError):
    """An optional part of starrules is used without the packages it needs installed (the
    HTML report without plotly): the message names the extra to install."""


# -- plotly, imported only when a page is made -------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plotly:
    """The two plotly functions the page needs (plotly ships no type stubs)."""

    io: Any
    offline: Any

    def bundle(self) -> str:
        return str(self.offline.get_plotlyjs())

    def chart(self, figure: dict[str, Any], div_id: str) -> str:
        return str(
            self.io.to_html(
                figure,
                include_plotlyjs=False,  # the bundle is in the page's head, once
                full_html=False,
                div_id=div_id,
                default_width="100%",
                default_height=_CHART_HEIGHT,
                config={"displayModeBar": False, "responsive": True},
                # the figures are checked against plotly's schema by the tests; checking each
                # here costs ~40 ms a chart, seconds for a county's page
                validate=False,
            )
        )


def _plotly() -> _Plotly:
    try:
        return _Plotly(
            io=importlib.import_module("plotly.io"),
            offline=importlib.import_module("plotly.offline"),
        )
    except ImportError:
        raise MissingExtraError(
            "the HTML report draws its charts with plotly, which is not installed: "
            f"pip install 'starrules[{EXTRA}]'"
        ) from None


def require_plotly() -> None:
    """Raise `MissingExtraError` unless plotly can be imported (check before a long run)."""
    _plotly()


# -- the villages' own table --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VillageRow:
    """One village in the page's table: its level (`level_min` to `level_max`; equal when
    known) and each star's status (True granted, False denied, None undetermined)."""

    name: str
    code: str | None
    township: str | None
    jurisdiction: str
    level_min: int
    level_max: int
    stars: tuple[tuple[str, bool | None], ...]  # (star id, status), in ruleset order

    @classmethod
    def of(cls, assessment: Assessment) -> VillageRow:
        village, level, tree = assessment.input, assessment.level, assessment.rules
        return cls(
            name=village.name,
            code=village.code,
            township=village.township,
            jurisdiction=village.jurisdiction,
            level_min=level.min,
            level_max=level.max,
            # status(): straight from the outcome, no explanation is built
            stars=tuple((s.id, _TRUTH[assessment.status(s.id)]) for s in tree.stars),
        )


class VillageRows:
    """The villages for the page's tables, collected while a report streams: the first
    `limit` in input order. Those past it are only counted (per township and jurisdiction,
    so each group's table can say how many it does not list): memory stays bounded."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 0:
            raise InputError(f"the village list's limit must be 0 or more, not {limit}")
        self.limit = limit
        self._rows: list[VillageRow] = []
        self._omitted: Counter[tuple[str | None, str]] = Counter()

    def add(self, assessment: Assessment) -> None:
        if len(self._rows) < self.limit:
            self._rows.append(VillageRow.of(assessment))
        else:
            village = assessment.input
            self._omitted[(village.township, village.jurisdiction)] += 1

    def __iter__(self) -> Iterator[VillageRow]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def omitted(self) -> int:
        """Villages added past the limit (not listed)."""
        return sum(self._omitted.values())

    def omitted_in(self, group: GroupReport) -> int:
        """Villages of this group added past the limit."""
        return sum(n for (town, place), n in self._omitted.items() if _in(group, town, place))


def _in(group: GroupReport, township: str | None, jurisdiction: str) -> bool:
    """Whether a village of this township and jurisdiction belongs to the group."""
    if group.kind == "total":
        return True
    if group.kind == "township":
        return township == group.township and county_of(jurisdiction) == group.jurisdiction
    if group.kind == "county":
        return county_of(jurisdiction) == group.jurisdiction
    return jurisdiction == group.jurisdiction


# -- words ----------------------------------------------------------------------------------------

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


_w = Words(_WORDS)


def _percent(value: float) -> str:
    return f"{value * 100:.2f}%"


# -- metrics: a number shown, and where it is in the JSON report --------------------------------


def _pointer(*parts: str | int) -> str:
    """A JSON Pointer (RFC 6901) from its parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _metric(path: str, value: int | float | str, text: str | None = None) -> str:
    shown = text if text is not None else str(value)
    data = json.dumps(value, ensure_ascii=False)
    return (
        f'<span class="n" data-metric="{escape(path)}" data-value="{escape(data)}">'
        f"{escape(shown)}</span>"
    )


def _count_range(path: str, fewest: int, most: int) -> str:
    if fewest == most:
        return _metric(f"{path}/fewest", fewest)
    return f"{_metric(f'{path}/fewest', fewest)}–{_metric(f'{path}/most', most)}"


def _share_range(path: str, fewest: float, most: float) -> str:
    low = _metric(f"{path}/fewest", fewest, _percent(fewest))
    if _percent(fewest) == _percent(most):
        return low
    return f"{low}–{_metric(f'{path}/most', most, _percent(most))}"


# -- plans of a group ------------------------------------------------------------------------------


def _plans_for(report: Report, group: GroupReport) -> list[tuple[int, PlanResult]]:
    """The plans (with their index in the report) whose target is this group: a township's
    for a township, a county's (or jurisdiction's) for a county (or jurisdiction)."""
    found: list[tuple[int, PlanResult]] = []
    for k, plan in enumerate(report.plans):
        t = plan.target
        if group.kind == "township":
            ok = (
                t.township is not None
                and group.jurisdiction is not None
                and t.matches(group.jurisdiction, group.township)
            )
        elif group.kind in ("county", "jurisdiction"):
            ok = t.township is None and t.jurisdiction == group.jurisdiction
        else:
            ok = False
        if ok:
            found.append((k, plan))
    return found


def _share_target(plans: Sequence[tuple[int, PlanResult]]) -> float | None:
    """The planned share at three stars or above: a share goal's, else a three-star level
    goal's villages over the plan's villages."""
    for _, plan in plans:
        for goal in plan.goals:
            if goal.kind == "share" and goal.share is not None:
                return float(goal.share)
    for _, plan in plans:
        for goal in plan.goals:
            if goal.kind == "level" and goal.level == SHARE_LEVEL and plan.villages:
                return goal.needed / plan.villages
    return None


# -- charts (plain figure data; plotly validates and draws them) -------------------------------


_LEGEND: Final = {  # above the plot: long category names below it need the room
    "orientation": "h",
    "x": 1,
    "xanchor": "right",
    "y": 1.02,
    "yanchor": "bottom",
    "traceorder": "normal",
}


def _layout(title: str, **more: Any) -> dict[str, Any]:
    return {
        "title": {
            "text": _plain(title),
            "x": 0.02,
            "y": 0.97,
            "yanchor": "top",
            "font": {"size": 15},
        },
        "font": {"family": _FONT, "size": 12},
        "margin": {"l": 40, "r": 16, "t": 76, "b": 40},  # the title, then the legend
        "autosize": True,
        "uniformtext": {"minsize": 9, "mode": "hide"},  # no label squeezed into a thin bar
        "xaxis": {"automargin": True},
        **more,
    }


def _plain(text: str) -> str:
    """Text for plotly, which reads tags (<b>, <a href>) and entities in labels: escaped."""
    return escape(text, quote=False)


def _distinct(names: list[str], keys: Sequence[object]) -> list[str]:
    """Category names made distinct (plotly merges equal ones): a repeated name gets its key."""
    seen = Counter(names)
    return [f"{n} ({k})" if seen[n] > 1 else n for n, k in zip(names, keys, strict=True)]


def _charts(group: GroupReport, lang: Lang, target: float | None) -> list[dict[str, Any]]:
    """The group's three figures: villages per star, villages per level, and the share at
    three stars or above against its target. Names are escaped: plotly reads tags in text."""
    star_names = _distinct(
        [_plain(s.name(lang)) for s in group.stars], [_plain(s.id) for s in group.stars]
    )
    granted = [s.granted for s in group.stars]
    unknown = [s.undetermined for s in group.stars]
    stars = {
        "data": [
            _bar(star_names, granted, _w("granted", lang), _GREEN),
            _bar(star_names, unknown, _w("undetermined", lang), _AMBER),
        ],
        "layout": _layout(
            _w("per_star", lang),
            barmode="stack",
            yaxis={
                "range": [0, max(group.villages, 1)],
                "title": {"text": _w("villages", lang)},
                "automargin": True,
            },
            legend=_LEGEND,
        ),
    }
    level_names = _distinct(
        [_plain(lv.name(lang)) for lv in group.levels], [lv.value for lv in group.levels]
    )
    fewest = [lv.fewest for lv in group.levels]
    extra = [lv.most - lv.fewest for lv in group.levels]
    levels = {
        "data": [
            _bar(level_names, fewest, _w("known", lang), _BLUE),
            {
                **_bar(level_names, extra, _w("could_be", lang), _PALE_BLUE),
                "text": [f"+{n}" if n else "" for n in extra],
            },
        ],
        "layout": _layout(
            _w("per_level", lang),
            barmode="stack",
            yaxis={
                "title": {"text": _w("villages", lang)},
                "rangemode": "tozero",
                "automargin": True,
            },
            legend=_LEGEND,
        ),
    }
    low = group.three_plus_share.fewest * 100
    high = group.three_plus_share.most * 100
    gauge: dict[str, Any] = {
        "axis": {"range": [0, 100], "ticksuffix": "%"},
        "bar": {"color": _BLUE},
        "steps": [{"range": [low, high], "color": _PALE_BLUE}],  # undetermined: could be
    }
    indicator: dict[str, Any] = {
        "type": "indicator",
        "mode": "gauge+number",
        "value": low,
        "number": {"suffix": "%", "valueformat": ".2f"},
        "gauge": gauge,
    }
    if target is not None:
        gauge["threshold"] = {"line": {"color": _RED, "width": 4}, "value": target * 100}
    title = _w("share_chart", lang)
    if target is not None:
        title += (
            f"（{_w('target_line', lang)} {_percent(target)}）"
            if lang == "zh"
            else (f" ({_w('target_line', lang)} {_percent(target)})")
        )
    share = {
        "data": [indicator],
        "layout": _layout(title, margin={"l": 40, "r": 40, "t": 60, "b": 20}),
    }
    return [stars, levels, share]


def _bar(x: list[str], y: list[int], name: str, color: str) -> dict[str, Any]:
    return {
        "type": "bar",
        "x": x,
        "y": y,
        "name": _plain(name),
        "marker": {"color": color},
        "text": [str(n) if n else "" for n in y],
        "textposition": "inside",
        "hovertemplate": "%{x}: %{y}<extra>" + _plain(name) + "</extra>",
    }


# -- the page -----------------------------------------------------------------------------


def _title(report: Report, lang: Lang) -> str:
    n = villages_text(report.total.villages, lang)
    if report.by is None:
        return f"{_w('title', lang)}（{n}）" if lang == "zh" else f"{_w('title', lang)} ({n})"
    by = _w(report.by, lang)
    if lang == "zh":
        return f"{_w('title', lang)}（按{by}，{n}）"
    return f"{_w('title', lang)} (by {by}, {n})"


def _table(
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


def _centre(column: int, first: int) -> str:
    return ' class="c"' if column >= first else ""


def _summary(at: str, group: GroupReport, lang: Lang) -> str:
    check = group.check
    mark = "✔" if check.holds else "✘"
    share = group.three_plus_share
    known = _metric(f"{at}/check/villages", check.villages)
    three = _count_range(f"{at}/three_plus", group.three_plus.fewest, group.three_plus.most)
    shares = _share_range(f"{at}/three_plus/share", share.fewest, share.most)
    relation = "=" if check.holds else "≠"
    sums = (
        f"{_metric(f'{at}/check/levels', check.levels)} {relation} "
        f"{_metric(f'{at}/check/stars', check.stars)} {mark}"
    )
    if lang == "zh":
        sums += f'<span class="sub">只计等级确定的 {known} 个村；等级 = 星数时二者相等</span>'
    else:
        sums += (
            f'<span class="sub">over the {known} villages whose level is known; equal where '
            "the level is the number of stars</span>"
        )
    cards = [
        (_w("villages", lang), _metric(f"{at}/villages", group.villages)),
        (_w("undetermined_villages", lang), _metric(f"{at}/undetermined", group.undetermined)),
        (_w("three_plus", lang), f'{three}<span class="sub">{shares}</span>'),
        (_w("check", lang), sums),
    ]
    card_html = "".join(
        f'<div class="card"><div class="k">{escape(k)}</div><div class="v">{v}</div></div>'
        for k, v in cards
    )
    star_rows = [
        [
            escape(s.name(lang)),
            _metric(f"{at}/stars/{_esc_key(s.id)}/granted", s.granted),
            _metric(f"{at}/stars/{_esc_key(s.id)}/denied", s.denied),
            _metric(f"{at}/stars/{_esc_key(s.id)}/undetermined", s.undetermined),
        ]
        for s in group.stars
    ]
    stars = _table(
        [_w("star", lang), _w("granted", lang), _w("denied", lang), _w("undetermined", lang)],
        star_rows,
        numbers=3,
        caption=_w("per_star", lang),
    )
    level_rows = [
        [escape(lv.name(lang)), _count_range(f"{at}/levels/{j}", lv.fewest, lv.most)]
        for j, lv in enumerate(group.levels)
    ]
    levels = _table(
        [_w("level", lang), _w("villages", lang)],
        level_rows,
        numbers=1,
        caption=f"{_w('per_level', lang)}（{_w('fewest_most', lang)}）"
        if lang == "zh"
        else f"{_w('per_level', lang)} ({_w('fewest_most', lang)})",
    )
    return f'<div class="cards">{card_html}</div><div class="tables">{stars}{levels}</div>'


def _esc_key(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _level_names(report: Report, lang: Lang) -> dict[int, str]:
    return {lv.value: lv.name(lang) for lv in report.total.levels}


def _level_name(value: int, names: dict[int, str], lang: Lang) -> str:
    return names.get(value) or default_level_name(value)(lang)


def _goal_text(goal: Goal, names: dict[int, str], lang: Lang, at: str) -> str:
    name = escape(_level_name(goal.level, names, lang))
    needed = _metric(f"{at}/needed", goal.needed)
    if goal.kind == "share" and goal.share is not None:
        share = _metric(f"{at}/share", float(goal.share), _percent(float(goal.share)))
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
    status = _metric(f"{at}/status", goal.status, _status_word(goal.status, lang))
    if goal.status in ("met", "no-villages"):
        return f'<span class="{goal.status}">{status}</span>'
    short = _count_range(f"{at}/short_by", goal.short_by.fewest, goal.short_by.most)
    more = f"（差 {short} 个村）" if lang == "zh" else f" (short by {short})"
    return f'<span class="{goal.status}">{status}{more}</span>'


def _plans_table(
    report: Report, plans: Sequence[tuple[int, PlanResult]], lang: Lang, names: dict[int, str]
) -> str:
    rows: list[list[str]] = []
    for k, plan in plans:
        overall = _metric(f"/plans/{k}/status", plan.status, _status_word(plan.status, lang))
        villages = _metric(f"/plans/{k}/villages", plan.villages)
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
                    _count_range(f"{at}/achieved", goal.achieved.fewest, goal.achieved.most),
                    _status_text(goal, at, lang),
                ]
            )
    sep = "；" if lang == "zh" else "; "
    note = (
        f'<p class="note">{escape(_w("targets", lang))}: {escape(report.targets or "")}'
        f"{sep}{escape(_w('plan_note', lang))}</p>"
    )
    head = [_w("target", lang), _w("goal", lang), _w("achieved", lang), _w("status", lang)]
    return _table(head, rows) + note


def _criteria_table(at: str, group: GroupReport, lang: Lang, top: int) -> str:
    if not group.criteria:
        return ""
    names = {s.id: s.name(lang) for s in group.stars}
    rows = [
        [
            f'<code>{escape(c.id)}</code><br><span class="sub">{escape(c.text(lang))}</span>',
            escape(names.get(c.star, c.star)),
            _metric(f"{at}/criteria/{j}/failing", c.failing),
            _metric(f"{at}/criteria/{j}/only_gap", c.only_gap),
        ]
        for j, c in enumerate(group.criteria[:top])
    ]
    head = [_w("criterion", lang), _w("star", lang), _w("failing", lang), _w("only_gap", lang)]
    return f"<div><h3>{escape(_w('criteria', lang))}</h3>{_table(head, rows, numbers=2)}</div>"


def _missing_table(at: str, group: GroupReport, lang: Lang, top: int) -> str:
    if not group.missing:
        return ""
    rows = [
        [
            f"<code>{escape(m.indicator)}</code>"
            + (f'<br><span class="sub">{escape(m.label(lang))}</span>' if m.label else ""),
            _metric(f"{at}/missing/{j}/villages", m.villages),
        ]
        for j, m in enumerate(group.missing[:top])
    ]
    head = [_w("indicator", lang), _w("undetermined", lang)]
    return f"<div><h3>{escape(_w('missing', lang))}</h3>{_table(head, rows, numbers=1)}</div>"


def _nearest_table(at: str, group: GroupReport, lang: Lang, names: dict[int, str]) -> str:
    near = group.nearest
    if not near.one_away and not near.two_away:
        return ""
    one = _metric(f"{at}/nearest/one_away", near.one_away)
    two = _metric(f"{at}/nearest/two_away", near.two_away)
    if lang == "zh":
        title = f"最接近下一等级的村（差 1 条的 {one} 个村，差 2 条的 {two} 个村）"
    else:
        title = f"Villages nearest their next level ({one} one criterion away, {two} two away)"
    rows = [
        [
            escape(v.name),
            escape(v.township or ""),
            escape(_level_name(v.level, names, lang)),
            escape(v.next_level_name(lang) if v.next_level_name else str(v.next_level)),
            _metric(f"{at}/nearest/villages/{j}/distance", v.distance),
            "<br>".join(f"<code>{escape(c)}</code>" for c in (*v.criteria, *v.conditions)),
            "<br>".join(f"<code>{escape(c)}</code>" for c in v.to_confirm),
        ]
        for j, v in enumerate(near.villages)
    ]
    head = [
        _w("village", lang),
        _w("township", lang).capitalize(),
        _w("level", lang),
        _w("next_level", lang),
        _w("away", lang),
        _w("to_meet", lang),
        _w("to_confirm", lang),
    ]
    table = _table(head, rows) if rows else ""
    return f"<div><h3>{title}</h3>{table}</div>"


def _village_table(
    group: GroupReport,
    rows: Sequence[VillageRow],
    omitted: int,
    limit: int,
    star_names: dict[str, str],
    names: dict[int, str],
    lang: Lang,
) -> str:
    mine = [r for r in rows if _in(group, r.township, r.jurisdiction)]
    if not mine and not omitted:
        return ""
    star_ids = list(star_names)
    with_township = group.kind != "township"
    head = [_w("village", lang), _w("level", lang)]
    if with_township:
        head.append(_w("township", lang).capitalize())
    head += [_w("code", lang), *star_names.values()]
    body: list[str] = []
    for r in mine:
        if r.level_min == r.level_max:
            level = escape(_level_name(r.level_min, names, lang))
        else:
            low = _level_name(r.level_min, names, lang)
            level = escape(f"{low}–{_level_name(r.level_max, names, lang)}")
        statuses = dict(r.stars)
        cells = [escape(r.name), level]
        if with_township:
            cells.append(escape(r.township or ""))
        cells.append(escape(r.code or ""))
        for sid in star_ids:
            if sid not in statuses:
                cells.append("")
                continue
            mark, cls = _MARKS[statuses[sid]]
            cells.append(f'<span class="{cls}" title="{escape(_w(cls, lang))}">{mark}</span>')
        first = len(cells) - len(star_ids)  # the stars' marks: centred
        body.append(
            '<tr data-village="">'
            + "".join(f"<td{_centre(i, first)}>{c}</td>" for i, c in enumerate(cells))
            + "</tr>"
        )
    note = ""
    if omitted:
        note = (
            f'<p class="note">另有 {omitted} 个村未列出（列表上限 {limit} 个村）</p>'
            if lang == "zh"
            else f'<p class="note">{omitted} more village{"s" if omitted != 1 else ""} not '
            f"listed (the list stops at {limit})</p>"
        )
    table = (
        '<table class="villages"><thead><tr>'
        + "".join(
            f"<th{_centre(i, len(head) - len(star_ids))}>{escape(h)}</th>"
            for i, h in enumerate(head)
        )
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )
    opened = " open" if len(mine) <= 60 else ""
    summary = (
        f"{_w('village_list', lang)}（{villages_text(len(mine), lang)}）"
        if lang == "zh"
        else (f"{_w('village_list', lang)} ({villages_text(len(mine), lang)})")
    )
    return (
        f"<details{opened}><summary>{escape(summary)}</summary>"
        f'<p class="legend">{escape(_w("legend", lang))}</p>{table}{note}</details>'
    )


@dataclass(frozen=True, slots=True)
class _Section:
    anchor: str
    at: str  # the group's JSON Pointer
    label: str
    kind_label: str
    group: GroupReport
    plans: list[tuple[int, PlanResult]]
    villages: bool  # whether the section lists its villages


def _sections(report: Report, lang: Lang) -> list[_Section]:
    labels = group_labels(report, lang)
    sections = [
        _Section(
            f"g{i}",
            f"/groups/{i}",
            labels[i],
            _w(g.kind, lang),
            g,
            _plans_for(report, g),
            True,
        )
        for i, g in enumerate(report.groups)
    ]
    total = _Section("total", "/total", _w("total", lang), "", report.total, [], not report.groups)
    return [*sections, total]


def render_html(
    report: Report,
    lang: Lang = "zh",
    *,
    villages: VillageRows | Iterable[VillageRow] | None = None,
    top: int = 5,
) -> str:
    """The report as one HTML page (a str; write it as UTF-8). `villages`: the rows of the
    villages' tables (a `VillageRows` collected while the report was built, or any rows;
    None: no village table); `top`: the criteria and missing indicators listed per group.
    Raises `MissingExtraError` when plotly is not installed."""
    plotly = _plotly()
    rows = list(villages) if villages is not None else []
    omitted = villages if isinstance(villages, VillageRows) else None
    names = _level_names(report, lang)
    star_names = {s.id: s.name(lang) for s in report.total.stars}
    shown_plans: set[int] = set()
    parts: list[str] = []
    nav: list[str] = []
    for section in _sections(report, lang):
        g = section.group
        target = _share_target(section.plans)
        charts = []
        for kind, figure in zip(
            ("stars", "levels", "share"), _charts(g, lang, target), strict=True
        ):
            box = f"chart-{section.anchor}-{kind}"
            charts.append(
                f'<figure class="chart" id="{box}" data-chart="{kind}">'
                f"{plotly.chart(figure, box + '-plot')}</figure>"
            )
        body = "".join(charts)
        plans = ""
        if section.plans:
            shown_plans.update(k for k, _ in section.plans)
            plans = f"<h3>{escape(_w('plan', lang))}</h3>" + _plans_table(
                report, section.plans, lang, names
            )
        table = ""
        if section.villages and villages is not None:
            table = _village_table(
                g,
                rows,
                omitted.omitted_in(g) if omitted is not None else 0,
                omitted.limit if omitted is not None else len(rows),
                star_names,
                names,
                lang,
            )
        kind = (
            f'<span class="kind">{escape(section.kind_label)}</span>' if section.kind_label else ""
        )
        where = (
            f'<span class="where">{escape(g.jurisdiction)}</span>'
            if g.kind == "township" and g.jurisdiction
            else ""
        )
        parts.append(
            f'<section class="group" id="{section.anchor}" data-group="{escape(section.at)}">'
            f"<h2>{kind}{escape(section.label)}{where}</h2>"
            f"{_summary(section.at, g, lang)}"
            f"{plans}"
            f'<div class="charts">{body}</div>'
            f'<div class="tables">{_criteria_table(section.at, g, lang, top)}'
            f"{_missing_table(section.at, g, lang, top)}</div>"
            f"{_nearest_table(section.at, g, lang, names)}"
            f"{table}</section>"
        )
        nav.append(f'<a href="#{section.anchor}">{escape(section.label)}</a>')
    rest = [(k, p) for k, p in enumerate(report.plans) if k not in shown_plans]
    if rest:
        parts.append(
            f'<section class="group" id="plans"><h2>{escape(_w("other_plans", lang))}</h2>'
            f"{_plans_table(report, rest, lang, names)}</section>"
        )
        nav.append(f'<a href="#plans">{escape(_w("other_plans", lang))}</a>')
    title = _title(report, lang)
    partial = f'<p class="partial">{escape(_w("partial", lang))}</p>' if report.partial else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style>"
        f"<script>{plotly.bundle()}</script></head><body>"
        f"<header><h1>{escape(title)}</h1>{partial}"
        f"<nav><span>{escape(_w('contents', lang))}:</span> {' '.join(nav)}</nav></header>"
        f"<main>{''.join(parts)}</main></body></html>\n"
    )


_STYLE: Final = (
    f":root{{--font:{_FONT};--chart:{_CHART_HEIGHT};--green:{_GREEN};--red:{_RED}}}"
    "body{font-family:var(--font);margin:0;color:#1f2937;background:#f5f6f8}"
    "header{background:#b71c1c;color:#fff;padding:16px 28px}"
    "header h1{margin:0 0 8px;font-size:22px}"
    "nav a{color:#fff;margin-right:12px}"
    "main{padding:8px 28px 40px}"
    ".partial{background:#fff3cd;color:#7a4d00;padding:6px 10px;border-radius:4px}"
    ".group{background:#fff;border-radius:8px;margin:18px 0;padding:16px 20px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.08)}"
    ".group h2{margin:0 0 12px;font-size:19px}"
    ".group h3{font-size:15px;margin:16px 0 6px}"
    ".kind{font-size:12px;background:#eceff1;border-radius:3px;padding:2px 6px;"
    "margin-right:8px;vertical-align:middle}"
    ".where{font-size:12px;color:#6b7280;font-weight:normal;margin-left:10px}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:12px}"
    ".card{border:1px solid #e5e7eb;border-radius:6px;padding:8px 14px;min-width:140px}"
    ".card .k{font-size:12px;color:#6b7280}.card .v{font-size:20px;font-weight:600}"
    ".sub{display:block;font-size:12px;font-weight:normal;color:#6b7280}"
    ".tables{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}"
    "table{border-collapse:collapse;font-size:13px;margin:4px 0}"
    "th,td{border-bottom:1px solid #e5e7eb;padding:4px 10px;text-align:left}"
    "th{background:#f9fafb}"
    "th.r,td.r{text-align:right}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));"
    "gap:12px;margin:12px 0}"
    "figure.chart{min-width:0;overflow:hidden;margin:0;border:1px solid #eef0f3;"
    "border-radius:6px;min-height:var(--chart)}"
    ".granted,.met{color:var(--green)}.denied,.short{color:var(--red)}"
    ".undetermined,.open{color:#b26a00}"
    ".granted,.denied,.undetermined{font-weight:700}"
    "td.c,th.c{text-align:center}"
    ".note,.legend{font-size:12px;color:#6b7280}"
    "details summary{cursor:pointer;font-weight:600;margin:12px 0 4px}"
    "code{font-size:12px}"
    "caption{text-align:left;font-weight:600;padding:4px 0;white-space:nowrap}"
)


__all__ = [
    "DEFAULT_LIMIT",
    "MissingExtraError",
    "VillageRow",
    "VillageRows",
    "render_html",
    "require_plotly",
]
