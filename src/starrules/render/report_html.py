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

A `Report` keeps counts only, never the villages: the village table comes from `VillageRows`
(html_villages.py), collected while the report streams and bounded by its `limit` (the
villages past it are counted, and the page says how many are not listed).

This module loads plotly and puts the page together; its parts are made by html_tables.py (a
group's tables), html_charts.py (the figures), html_villages.py (the villages' table) and
html_blocks.py (words, numbers and tables they all use).

Every number the page shows is machine-checkable: the element that shows it carries
`data-metric`, a JSON Pointer (RFC 6901) into `Report.to_dict()` (`/groups/0/stars/industry/
granted`, `/total/three_plus/share/fewest`, `/plans/1/goals/0/status`), and `data-value`,
the value there as JSON. All text from data (names of villages, townships, stars, criteria)
is escaped: data never becomes markup.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Final

from ..errors import StarrulesError
from ..i18n import Lang
from ..reports import GroupReport, Report
from ..reports.plans import SHARE_LEVEL, PlanResult
from .html_blocks import word
from .html_charts import FONT, GREEN, RED, group_charts
from .html_tables import (
    criteria_table,
    group_summary,
    level_names,
    missing_table,
    nearest_table,
    plans_table,
)
from .html_villages import VillageRow, VillageRows, village_table
from .report import group_labels, villages_text

EXTRA: Final = "html"
_CHART_HEIGHT: Final = "320px"
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


# -- the page -----------------------------------------------------------------------------


def _title(report: Report, lang: Lang) -> str:
    n = villages_text(report.total.villages, lang)
    if report.by is None:
        return f"{word('title', lang)}（{n}）" if lang == "zh" else f"{word('title', lang)} ({n})"
    by = word(report.by, lang)
    if lang == "zh":
        return f"{word('title', lang)}（按{by}，{n}）"
    return f"{word('title', lang)} (by {by}, {n})"


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
            word(g.kind, lang),
            g,
            _plans_for(report, g),
            True,
        )
        for i, g in enumerate(report.groups)
    ]
    total = _Section(
        "total", "/total", word("total", lang), "", report.total, [], not report.groups
    )
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
    names = level_names(report, lang)
    star_names = {s.id: s.name(lang) for s in report.total.stars}
    shown_plans: set[int] = set()
    parts: list[str] = []
    nav: list[str] = []
    for section in _sections(report, lang):
        g = section.group
        target = _share_target(section.plans)
        charts = []
        for kind, figure in zip(
            ("stars", "levels", "share"), group_charts(g, lang, target), strict=True
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
            plans = f"<h3>{escape(word('plan', lang))}</h3>" + plans_table(
                report, section.plans, lang, names
            )
        table = ""
        if section.villages and villages is not None:
            table = village_table(
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
            f"{group_summary(section.at, g, lang)}"
            f"{plans}"
            f'<div class="charts">{body}</div>'
            f'<div class="tables">{criteria_table(section.at, g, lang, top)}'
            f"{missing_table(section.at, g, lang, top)}</div>"
            f"{nearest_table(section.at, g, lang, names)}"
            f"{table}</section>"
        )
        nav.append(f'<a href="#{section.anchor}">{escape(section.label)}</a>')
    rest = [(k, p) for k, p in enumerate(report.plans) if k not in shown_plans]
    if rest:
        parts.append(
            f'<section class="group" id="plans"><h2>{escape(word("other_plans", lang))}</h2>'
            f"{plans_table(report, rest, lang, names)}</section>"
        )
        nav.append(f'<a href="#plans">{escape(word("other_plans", lang))}</a>')
    title = _title(report, lang)
    partial = f'<p class="partial">{escape(word("partial", lang))}</p>' if report.partial else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style>"
        f"<script>{plotly.bundle()}</script></head><body>"
        f"<header><h1>{escape(title)}</h1>{partial}"
        f"<nav><span>{escape(word('contents', lang))}:</span> {' '.join(nav)}</nav></header>"
        f"<main>{''.join(parts)}</main></body></html>\n"
    )


_STYLE: Final = (
    f":root{{--font:{FONT};--chart:{_CHART_HEIGHT};--green:{GREEN};--red:{RED}}}"
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


__all__ = ["EXTRA", "MissingExtraError", "render_html", "require_plotly"]
