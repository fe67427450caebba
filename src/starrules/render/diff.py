"""`starrules diff` as readable text (zh / en).

Every word is in the chosen language; what stays as written are ids (stars, criteria,
groups, vetoes), village codes, ruleset references and jurisdictions, expressions and the
indicator paths in them, and file paths.
"""

from __future__ import annotations

from ..i18n import Lang, Words
from ..rules import Group
from ..ruleset import Ruleset
from ..testing.diff import OutcomeSummary, RuleChange, SkippedVillage, StarChange, VillageChange

_WORDS = {
    "rules": ("规则变化", "Rule changes"),
    "none": ("（无）", "(none)"),
    "added": ("新增", "added"),
    "removed": ("删除", "removed"),
    "changed": ("修改", "changed"),
    "criterion": ("指标", "criterion"),
    "veto": ("否决项", "veto"),
    "group": ("指标组", "group"),
    "star": ("星", "star"),
    "test": ("条件", "test"),
    "text": ("说明", "text"),
    "source": ("来源", "source"),
    "provisional": ("暂定", "provisional"),
    "points": ("分值", "points"),
    "kind": ("类别", "kind"),
    "rule": ("规则", "rule"),
    "needed": ("门槛", "needed"),
    "items": ("子项", "items"),
    "requires": ("前提星", "requires"),
    "villages": ("村庄结果变化", "Villages whose outcome changes"),
    "level": ("等级", "level"),
    "because": ("原因", "because"),
    "summary": ("汇总", "Summary"),
    "gained": ("获得", "gained"),
    "lost": ("失去", "lost"),
    "compared": ("比较 {n} 个村，结果变化 {changed} 个", "{n} villages, changed: {changed}"),
    "granted": ("获得", "granted"),
    "denied": ("未获得", "denied"),
    "undetermined": ("待定", "undetermined"),
    "pass": ("达标", "pass"),
    "fail": ("未达标", "fail"),
    "unknown": ("未知", "unknown"),
    "absent": ("无此项", "absent"),
    "veto_pass": ("未触发", "not triggered"),
    "veto_fail": ("触发", "triggered"),
    "together": ("（须同时恢复才还原）", "(only together)"),
    "rules_basis": ("（规则本身改变）", "(the rules themselves changed)"),
    "star_removed": ("此星已删除", "star removed"),
    "skipped": ("未比较的村庄", "Villages not compared"),
    "old": ("旧规则", "OLD"),
    "new": ("新规则", "NEW"),
    "jurisdiction": ("不在 {detail} 辖区内", "outside {detail}"),
    "kind_skip": ("村庄类型不是 {detail}", "not of kind {detail}"),
    "not_in_force": ("{detail} 无生效版本", "not in force on {detail}"),
    "error": ("无法评定：{detail}", "cannot be judged: {detail}"),
    "sep": ("：", ": "),
}


_w = Words(_WORDS)


def _node_text(ruleset: Ruleset, node_id: str, written: str | None, lang: Lang) -> str | None:
    """A group as its rule in words ("全部 5 项"), anything else as written."""
    for star in ruleset.stars:
        for node in star.nodes:
            if node.id == node_id and isinstance(node, Group):
                return node.describe(lang)
    return written


def _rule_lines(old: Ruleset, new: Ruleset, change: RuleChange, lang: Lang) -> list[str]:
    what = _w(change.what, lang)
    if change.what == "level":
        head = f"  {_w(change.kind, lang)} {_w('level', lang)} {change.id.split()[-1]}"
    else:
        head = f"  {_w(change.kind, lang)} {what} {change.id}"
    before = _node_text(old, change.id, change.old, lang)
    after = _node_text(new, change.id, change.new, lang)
    if change.what == "star" and change.kind != "changed":
        star = next((s for s in (*new.stars, *old.stars) if s.id == change.id), None)
        before = after = star.name(lang) if star is not None else change.id
    if change.kind == "changed":
        fields = ("、" if lang == "zh" else ", ").join(_w(f, lang) for f in change.fields)
        lines = [f"{head} [{fields}]{_w('sep', lang)}{before} → {after}"]
        if change.old_layer or change.new_layer:
            lines.append(f"      ({change.old_layer} → {change.new_layer})")
        return lines
    shown = after if change.kind == "added" else before
    layer = change.new_layer if change.kind == "added" else change.old_layer
    return [f"{head}{_w('sep', lang)}{shown}" + (f" ({layer})" if layer else "")]


def _outcome(criterion: str, status: str, new: Ruleset, lang: Lang) -> str:
    vetoes = {v.id for s in new.stars for v in s.vetoes}
    if criterion in vetoes and status in ("pass", "fail"):
        return _w(f"veto_{status}", lang)
    return _w(status, lang)


def _star_line(star: StarChange, names: dict[str, str], new: Ruleset, lang: Lang) -> str:
    head = f"    {names.get(star.star, star.star)}{_w('sep', lang)}"
    head += f"{_w(star.old.value, lang)} → {_w(star.new.value, lang)}"
    if star.basis == "removed":
        return f"{head} — {_w('star_removed', lang)}"
    reasons = []
    for cid, a, b in star.because:
        if cid.startswith("requires "):
            required = cid.split(" ", 1)[1]
            label = f"{_w('requires', lang)} {names.get(required, required)}"
            reasons.append(f"{label} {_w(a, lang)} → {_w(b, lang)}")
        else:
            reasons.append(f"{cid} {_outcome(cid, a, new, lang)} → {_outcome(cid, b, new, lang)}")
    if not reasons:
        return head
    note = {"together": _w("together", lang), "rules": _w("rules_basis", lang)}.get(star.basis, "")
    joined = ("；" if lang == "zh" else "; ").join(reasons)
    return f"{head} — {_w('because', lang)} {joined}{note}"


def _skipped_line(skip: SkippedVillage, lang: Lang) -> str:
    key = {"kind": "kind_skip"}.get(skip.reason, skip.reason)
    village = skip.name + (f" ({skip.code})" if skip.code else "")
    place = f"{skip.where}: " if skip.where else ""
    detail = skip.detail
    if skip.problem is not None:  # an evaluation's message, in `lang`, with its code
        detail = f"{skip.problem.text(lang)} [{skip.problem.code}]"
    reason = _w(key, lang, detail=detail)
    return f"  {place}{village}{_w('sep', lang)}{_w(skip.side, lang)} {reason}"


def render_diff(
    old: Ruleset,
    new: Ruleset,
    rules: list[RuleChange],
    outcome: tuple[list[VillageChange], OutcomeSummary] | None,
    lang: Lang,
) -> str:
    chain = " → ".join
    lines = [f"{chain(la.ref for la in old.layers)}  ⇒  {chain(la.ref for la in new.layers)}", ""]
    lines.append(f"{_w('rules', lang)} ({len(rules)}){_w('sep', lang).rstrip()}")
    if not rules:
        lines.append(f"  {_w('none', lang)}")
    for change in rules:
        lines.extend(_rule_lines(old, new, change, lang))
    if outcome is not None:
        changes, summary = outcome
        names = {s.id: s.name(lang) for s in (*old.stars, *new.stars)}
        lines.append("")
        counts = _w("compared", lang, n=summary.villages, changed=summary.changed)
        lines.append(f"{_w('villages', lang)} ({counts}){_w('sep', lang).rstrip()}")
        for village in changes:
            level = (
                f"{_w('level', lang)} {village.level_old} → {village.level_new}"
                if village.level_old != village.level_new
                else ""
            )
            lines.append(
                f"  {village.name}"
                + (f" ({village.code})" if village.code else "")
                + (f"{_w('sep', lang)}{level}" if level else "")
            )
            lines.extend(_star_line(star, names, new, lang) for star in village.stars)
        if summary.skipped:
            lines.append("")
            lines.append(
                f"{_w('skipped', lang)} ({len(summary.skipped)}){_w('sep', lang).rstrip()}"
            )
            lines.extend(_skipped_line(skip, lang) for skip in summary.skipped)
        lines.append("")
        lines.append(f"{_w('summary', lang)}{_w('sep', lang).rstrip()}")
        comma = "，" if lang == "zh" else ", "
        for star_id in names:
            gained, lost = summary.gained.get(star_id, 0), summary.lost.get(star_id, 0)
            if gained or lost:
                lines.append(
                    f"  {names[star_id]}{_w('sep', lang)}{_w('gained', lang)} {gained}"
                    f"{comma}{_w('lost', lang)} {lost}"
                )
        old_levels = comma.join(f"{k}: {v}" for k, v in sorted(summary.levels_old.items()))
        new_levels = comma.join(f"{k}: {v}" for k, v in sorted(summary.levels_new.items()))
        none = _w("none", lang)
        lines.append(
            f"  {_w('level', lang)}{_w('sep', lang)}{old_levels or none}  ⇒  {new_levels or none}"
        )
    return "\n".join(lines) + "\n"
