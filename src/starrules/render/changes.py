"""Monitor changes as text, in Chinese or English: what changed, why, and what caused it."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import InputError
from ..explain.results import LevelResult, Status
from ..explain.text import render_star_reasons
from ..i18n import Lang, Words
from ..monitor.changes import Change, ChangeKind, Trigger
from ..monitor.events import (
    DEFAULT_INCIDENT_TYPES,
    Incident,
    IncidentType,
    IndicatorUpdate,
    incident_type,
)
from ..rules import RuleTree, default_level_name

_WORDS: dict[str, tuple[str, str]] = {
    "level": ("等级", "level"),
    Status.GRANTED: ("获得", "granted"),
    Status.DENIED: ("未获得", "denied"),
    Status.UNDETERMINED: ("待定", "undetermined"),
    "none": ("无", "none"),
    ChangeKind.STAR_GRANTED: ("授星", "star granted"),
    ChangeKind.STAR_REVOKED: ("撤星", "star revoked"),  # 摘星 means winning one
    ChangeKind.STAR_DENIED: ("确定未获得", "denied"),
    ChangeKind.STAR_UNDETERMINED: ("转为待定", "now undetermined"),
    ChangeKind.LEVEL_UP: ("升级", "up"),
    ChangeKind.LEVEL_DOWN: ("降级", "down"),
    ChangeKind.LEVEL_CHANGED: ("范围变化", "range changed"),
    "cause": ("起因", "cause"),
    "update": ("数据更新", "update"),
    "incident": ("发生事件", "incident"),
    "review": ("复查", "review"),
    Trigger.PERIOD_START: (
        "新评定周期 {period} 开始（周期内事件计数清零）",
        "new period {period} began (period counts reset)",
    ),
    Trigger.RULESET_CHANGE: (
        "新规则生效（评定周期 {period}）：{ruleset}",
        "new rules in force (period {period}): {ruleset}",
    ),
    "incidents": ("本周期相关事件", "this period's incidents"),
    "sep": ("：", ": "),
    "unknown": ("未知", "unknown"),
}


_w = Words(_WORDS)


def render_change(
    change: Change,
    lang: Lang = "zh",
    tree: RuleTree | None = None,
    incident_types: Mapping[str, IncidentType] | None = None,
) -> str:
    """One change as a few lines of text. With the ruleset's `tree`, a star that is not
    granted is explained rule by rule, as in `starrules explain`."""
    types = incident_types or DEFAULT_INCIDENT_TYPES
    sep = _w("sep", lang)
    head = f"{change.date.isoformat()} · {change.name}"
    if change.village != change.name:
        head += f" ({change.village})"
    if change.star is not None:
        assert change.after is not None
        name = change.star_name(lang) if change.star_name else change.star
        before = _w(change.before, lang) if change.before else _w("none", lang)
        what = f"{name}{sep}{before} → {_w(change.after, lang)}"
    else:
        assert change.level_before is not None and change.level_after is not None
        what = (
            f"{_w('level', lang)}{sep}{_level(change.level_before, lang)} → "
            f"{_level(change.level_after, lang)}"
        )
    lines = [f"{head} · {what} ({_w(change.kind, lang)})"]
    lines.append(f"  {_w('cause', lang)}{sep}{_cause(change, lang, types)}")
    if change.explanation is not None and tree is not None:
        lines.extend("  " + line for line in render_star_reasons(change.explanation, tree, lang))
    if change.incidents:
        listed = "; ".join(_incident(i, lang, types) for i in change.incidents)
        lines.append(f"  {_w('incidents', lang)}{sep}{listed}")
    return "\n".join(lines) + "\n"


def _cause(change: Change, lang: Lang, types: Mapping[str, IncidentType]) -> str:
    event = change.cause
    if isinstance(event, IndicatorUpdate):
        value = _w("unknown", lang) if event.value is None else repr(event.value)
        text = f"{_w('update', lang)} {event.field} = {value}"
    elif isinstance(event, Incident):
        text = f"{_w('incident', lang)} {_incident(event, lang, types)}"
    else:
        text = f"{_w('review', lang)} {event.date.isoformat()}" + (
            f" ({event.note})" if event.note else ""
        )
    if event.id:
        text += f" [{event.id}]"
    if change.trigger is not Trigger.EVENT:
        text = (
            _w(change.trigger, lang).format(period=change.period, ruleset=change.ruleset)
            + " ← "
            + text
        )
    return text


def _incident(incident: Incident, lang: Lang, types: Mapping[str, IncidentType]) -> str:
    try:
        name = incident_type(incident.incident, types).name(lang)
    except InputError:  # a type the monitor was not told of: show it as written
        name = incident.incident
    text = f"{incident.date.isoformat()} {name}"
    if incident.count != 1:
        text += f" ×{incident.count}"
    if incident.note:
        text += f" ({incident.note})" if lang == "en" else f"（{incident.note}）"
    return text


def _level(level: LevelResult, lang: Lang) -> str:
    if level.value is not None:
        name = level.name(lang) if level.name else default_level_name(level.value)(lang)
        return f"{name} ({level.value})"
    return f"{level.min}–{level.max}"


__all__ = ["render_change"]
