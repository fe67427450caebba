"""The charts of a group in the HTML report: plain plotly figure data (plotly validates and
draws them; report_html.py imports it). Villages per star (granted stacked with
undetermined), villages per level (the fewest stacked with the undetermined that could be at
it), and the share at three stars or above as a gauge, with the plan's share as its threshold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Any, Final

from ..i18n import Lang
from ..reports import GroupReport
from .html_blocks import percent, word

FONT: Final = (
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", '
    '"Source Han Sans SC", system-ui, sans-serif'
)
GREEN: Final = "#2e7d32"
_AMBER: Final = "#f9a825"
_BLUE: Final = "#1565c0"
_PALE_BLUE: Final = "#90caf9"
RED: Final = "#c62828"

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
        "font": {"family": FONT, "size": 12},
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


def group_charts(group: GroupReport, lang: Lang, target: float | None) -> list[dict[str, Any]]:
    """The group's three figures: villages per star, villages per level, and the share at
    three stars or above against its target. Names are escaped: plotly reads tags in text."""
    star_names = _distinct(
        [_plain(s.name(lang)) for s in group.stars], [_plain(s.id) for s in group.stars]
    )
    granted = [s.granted for s in group.stars]
    unknown = [s.undetermined for s in group.stars]
    stars = {
        "data": [
            _bar(star_names, granted, word("granted", lang), GREEN),
            _bar(star_names, unknown, word("undetermined", lang), _AMBER),
        ],
        "layout": _layout(
            word("per_star", lang),
            barmode="stack",
            yaxis={
                "range": [0, max(group.villages, 1)],
                "title": {"text": word("villages", lang)},
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
            _bar(level_names, fewest, word("known", lang), _BLUE),
            {
                **_bar(level_names, extra, word("could_be", lang), _PALE_BLUE),
                "text": [f"+{n}" if n else "" for n in extra],
            },
        ],
        "layout": _layout(
            word("per_level", lang),
            barmode="stack",
            yaxis={
                "title": {"text": word("villages", lang)},
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
        gauge["threshold"] = {"line": {"color": RED, "width": 4}, "value": target * 100}
    title = word("share_chart", lang)
    if target is not None:
        title += (
            f"（{word('target_line', lang)} {percent(target)}）"
            if lang == "zh"
            else (f" ({word('target_line', lang)} {percent(target)})")
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


__all__ = ["FONT", "GREEN", "RED", "group_charts"]
