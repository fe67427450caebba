"""`starrules diff` as readable text (zh / en)."""

from __future__ import annotations

from ..diff import OutcomeSummary, RuleChange, VillageChange
from ..i18n import Lang
from ..ruleset import Ruleset

_WORDS = {
    "rules": ("规则变化", "Rule changes"),
    "none": ("（无）", "(none)"),
    "added": ("新增", "added"),
    "removed": ("删除", "removed"),
    "changed": ("修改", "changed"),
    "villages": ("村庄结果变化", "Villages whose outcome changes"),
    "level": ("等级", "level"),
    "because": ("原因", "because"),
    "summary": ("汇总", "Summary"),
    "gained": ("获得", "gained"),
    "lost": ("失去", "lost"),
    "of": ("个村中有", "villages, changed:"),
}


def _w(key: str, lang: Lang) -> str:
    zh, en = _WORDS[key]
    return zh if lang == "zh" else en


def render_diff(
    old: Ruleset,
    new: Ruleset,
    rules: list[RuleChange],
    outcome: tuple[list[VillageChange], OutcomeSummary] | None,
    lang: Lang,
) -> str:
    chain = " → ".join
    lines = [f"{chain(la.ref for la in old.layers)}  ⇒  {chain(la.ref for la in new.layers)}", ""]
    lines.append(f"{_w('rules', lang)} ({len(rules)}):")
    if not rules:
        lines.append(f"  {_w('none', lang)}")
    for change in rules:
        head = f"  {_w(change.kind, lang):<8} {change.what:<9} {change.id}"
        if change.kind == "changed":
            fields = ", ".join(change.fields)
            lines.append(f"{head} [{fields}]: {change.old} → {change.new}")
            lines.append(f"           ({change.old_layer} → {change.new_layer})")
        else:
            shown = change.new if change.kind == "added" else change.old
            layer = change.new_layer if change.kind == "added" else change.old_layer
            lines.append(f"{head}: {shown}" + (f" ({layer})" if layer else ""))
    if outcome is not None:
        changes, summary = outcome
        names = {s.id: s.name(lang) for s in (*old.stars, *new.stars)}
        lines.append("")
        lines.append(
            f"{_w('villages', lang)} ({summary.villages} {_w('of', lang)} {summary.changed}):"
        )
        for village in changes:
            level = (
                f"{_w('level', lang)} {village.level_old} → {village.level_new}"
                if village.level_old != village.level_new
                else ""
            )
            lines.append(
                f"  {village.name}"
                + (f" ({village.code})" if village.code else "")
                + (f": {level}" if level else "")
            )
            for star in village.stars:
                reasons = "; ".join(f"{cid} {a} → {b}" for cid, a, b in star.because)
                lines.append(
                    f"    {names.get(star.star, star.star)}: {star.old.value} → "
                    f"{star.new.value}" + (f" — {_w('because', lang)} {reasons}" if reasons else "")
                )
        lines.append("")
        lines.append(f"{_w('summary', lang)}:")
        for star_id in names:
            gained, lost = summary.gained.get(star_id, 0), summary.lost.get(star_id, 0)
            if gained or lost:
                lines.append(
                    f"  {names[star_id]}: {_w('gained', lang)} {gained}, {_w('lost', lang)} {lost}"
                )
        old_levels = ", ".join(f"{k}: {v}" for k, v in sorted(summary.levels_old.items()))
        new_levels = ", ".join(f"{k}: {v}" for k, v in sorted(summary.levels_new.items()))
        lines.append(f"  {_w('level', lang)}: {old_levels}  ⇒  {new_levels}")
    return "\n".join(lines) + "\n"
