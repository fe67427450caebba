"""What changes between two rulesets: in the rules themselves, and for given villages.

`rule_changes` compares the compiled rules (criteria, groups and vetoes by id, stars,
levels); `village_changes` evaluates villages under both and names, for every star that a
village gains or loses, the criteria whose outcome changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from .assessment import Assessment
from .results import Status
from .rules import Criterion, Group, Node, RuleTree
from .ruleset import Ruleset
from .village import Village

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True, slots=True)
class RuleChange:
    """One criterion, group, veto, star or level that differs between OLD and NEW."""

    id: str
    kind: ChangeKind
    what: str  # "criterion", "veto", "group", "star", "level"
    star: str | None
    old: str | None  # the old test / rule, as written
    new: str | None
    old_layer: str | None
    new_layer: str | None
    fields: tuple[str, ...] = ()  # what changed, for kind == "changed"


def _describe(node: Node) -> str:
    if isinstance(node, Criterion):
        return node.test.source
    needed = f" {node.needed:g}" if node.needed is not None else ""
    return f"{node.rule}{needed} of {len(node.items)}"


def _fields(old: Node, new: Node) -> tuple[str, ...]:
    changed: list[str] = []
    if isinstance(old, Criterion) and isinstance(new, Criterion):
        if old.test.canonical != new.test.canonical:
            changed.append("test")
        for name in ("text", "source", "provisional", "points", "kind"):
            if getattr(old, name) != getattr(new, name):
                changed.append(name)
    elif isinstance(old, Group) and isinstance(new, Group):
        for name in ("rule", "needed", "points", "text"):
            if getattr(old, name) != getattr(new, name):
                changed.append(name)
        if [i.id for i in old.items] != [i.id for i in new.items]:
            changed.append("items")
    else:
        changed.append("kind")
    return tuple(changed)


def rule_changes(old: RuleTree, new: RuleTree) -> list[RuleChange]:
    """Every difference in the rules, in NEW's order (removed items where they were)."""
    changes: list[RuleChange] = []
    old_nodes = {n.id: (s.id, n) for s in old.stars for n in s.nodes}
    new_nodes = {n.id: (s.id, n) for s in new.stars for n in s.nodes}
    old_stars = {s.id: s for s in old.stars}
    new_stars = {s.id: s for s in new.stars}
    for star in new.stars:
        if star.id not in old_stars:
            changes.append(
                RuleChange(
                    star.id, "added", "star", star.id, None, star.name.zh, None, star.layer.ref
                )
            )
        elif old_stars[star.id].requires != star.requires:
            changes.append(
                RuleChange(
                    star.id,
                    "changed",
                    "star",
                    star.id,
                    ", ".join(old_stars[star.id].requires) or None,
                    ", ".join(star.requires) or None,
                    old_stars[star.id].layer.ref,
                    star.layer.ref,
                    ("requires",),
                )
            )
    for star in old.stars:
        if star.id not in new_stars:
            changes.append(
                RuleChange(
                    star.id, "removed", "star", star.id, star.name.zh, None, star.layer.ref, None
                )
            )
    for node_id, (star_id, node) in new_nodes.items():
        what = "group" if isinstance(node, Group) else node.kind
        if node_id not in old_nodes:
            changes.append(
                RuleChange(
                    node_id, "added", what, star_id, None, _describe(node), None, node.layer.ref
                )
            )
            continue
        before = old_nodes[node_id][1]
        changed = _fields(before, node)
        if changed:
            changes.append(
                RuleChange(
                    node_id,
                    "changed",
                    what,
                    star_id,
                    _describe(before),
                    _describe(node),
                    before.layer.ref,
                    node.layer.ref,
                    changed,
                )
            )
    for node_id, (star_id, node) in old_nodes.items():
        if node_id not in new_nodes:
            what = "group" if isinstance(node, Group) else node.kind
            changes.append(
                RuleChange(
                    node_id, "removed", what, star_id, _describe(node), None, node.layer.ref, None
                )
            )
    old_levels = {lv.value: lv.when.canonical for lv in old.levels or ()}
    new_levels = {lv.value: lv.when.canonical for lv in new.levels or ()}
    for value in sorted(set(old_levels) | set(new_levels), reverse=True):
        a, b = old_levels.get(value), new_levels.get(value)
        if a != b:
            kind: ChangeKind = "added" if a is None else "removed" if b is None else "changed"
            changes.append(RuleChange(f"level {value}", kind, "level", None, a, b, None, None))
    return changes


@dataclass(frozen=True, slots=True)
class StarChange:
    star: str
    old: Status
    new: Status
    because: tuple[tuple[str, str, str], ...]  # (criterion id, old status, new status)


@dataclass(frozen=True, slots=True)
class VillageChange:
    """How one village's outcome differs between OLD and NEW."""

    name: str
    code: str | None
    level_old: str
    level_new: str
    stars: tuple[StarChange, ...]


@dataclass(slots=True)
class OutcomeSummary:
    villages: int = 0
    changed: int = 0
    gained: Counter[str] = field(default_factory=Counter)  # star id → villages gaining it
    lost: Counter[str] = field(default_factory=Counter)
    levels_old: Counter[str] = field(default_factory=Counter)
    levels_new: Counter[str] = field(default_factory=Counter)


def _declared(village: Village, ruleset: Ruleset) -> Village:
    """The village without the `extra` indicators the ruleset does not declare: a what-if
    comparison judges county data by provincial rules too (those indicators are unknown)."""
    known = {k: v for k, v in village.extra.items() if f"extra.{k}" in ruleset.tree.indicators}
    return (
        village if len(known) == len(village.extra) else village.model_copy(update={"extra": known})
    )


def _level(assessment: Assessment) -> str:
    level = assessment.level
    return str(level.value) if level.value is not None else f"{level.min}–{level.max}"


def village_changes(
    old: Ruleset, new: Ruleset, villages: Iterable[Village]
) -> tuple[list[VillageChange], OutcomeSummary]:
    """Evaluate each village under both rulesets (regardless of their effective dates)
    and report the villages whose stars or level differ, with the criteria responsible."""
    summary = OutcomeSummary()
    changes: list[VillageChange] = []
    for village in villages:
        before = old.evaluate(_declared(village, old), check_dates=False)
        after = new.evaluate(_declared(village, new), check_dates=False)
        summary.villages += 1
        summary.levels_old[_level(before)] += 1
        summary.levels_new[_level(after)] += 1
        star_changes: list[StarChange] = []
        for star in new.stars:
            was = before.status(star.id) if star.id in old.tree.star_index else None
            now = after.status(star.id)
            if was == now:
                continue
            if now is Status.GRANTED:
                summary.gained[star.id] += 1
            if was is Status.GRANTED:
                summary.lost[star.id] += 1
            old_criteria = {c.id: c.status for c in before.stars[star.id].criteria} if was else {}
            because = tuple(
                (
                    c.id,
                    old_criteria[c.id].value if c.id in old_criteria else "absent",
                    c.status.value,
                )
                for c in after.stars[star.id].criteria
                if c.kind != "group" and old_criteria.get(c.id) != c.status
            ) + tuple(
                (f"requires {r}", before.status(r).value, after.status(r).value)
                for r in star.requires
                if r in old.tree.star_index and before.status(r) != after.status(r)
            )
            star_changes.append(StarChange(star.id, was or Status.UNDETERMINED, now, because))
        for star in old.stars:
            if star.id not in new.tree.star_index and before.status(star.id) is Status.GRANTED:
                summary.lost[star.id] += 1
                star_changes.append(
                    StarChange(
                        star.id,
                        Status.GRANTED,
                        Status.DENIED,
                        (("(star removed)", "granted", "absent"),),
                    )
                )
        if star_changes or _level(before) != _level(after):
            summary.changed += 1
            changes.append(
                VillageChange(
                    village.name, village.code, _level(before), _level(after), tuple(star_changes)
                )
            )
    return changes, summary
