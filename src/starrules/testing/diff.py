"""What changes between two rulesets: in the rules themselves, and for given villages.

`rule_changes` compares the compiled rules (criteria, groups and vetoes by id, stars,
levels); `village_changes` evaluates villages under both and names, for every star that a
village gains or loses, the criteria whose change caused it.

A side is one ruleset file, which may resolve to several chains (an overlay extending a
version range sits on each base). Each village is judged on each side by the chain in
force on its date (`as_of`, else today), the highest when several are; a side with a
single chain is used whatever its dates (a what-if: a new version on last year's data).
A village outside a side's jurisdiction or kind, or with no chain of a range overlay in
force on its date, is listed in `OutcomeSummary.skipped` and the others are compared.

"Because" is a counterfactual check on NEW's rules. The candidates are the star's
criteria and vetoes whose outcome changed (one new in NEW counts as changed: its old
outcome is its absence) and its required stars whose status changed. A candidate is listed
when putting back its old outcome alone, with every other outcome as in NEW, gives back
the star's old status (`basis = "each"`: every listed one would do). When no single one
does, the smallest set that does, first in ruleset order (`"together"`: all of them are
needed). When not even every candidate put back does, the rules themselves changed (a
group's rule or bar, a removed criterion): all candidates are listed (`"rules"`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Literal

from ..errors import EvaluationError, Problem, StarrulesError
from ..evaluation import GroupKernel, Truth, star_status
from ..explain.assessment import Assessment
from ..explain.results import CriterionStatus, Status
from ..inputs.files import VillageRecord
from ..load.chains import chain_key
from ..load.registry import Registry
from ..rules import Criterion, Group, Node, RuleTree, Star
from ..ruleset import Ruleset
from ..village import Village, within

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


Basis = Literal["each", "together", "rules", "removed"]
SkipReason = Literal["jurisdiction", "kind", "not_in_force", "error"]
Side = Literal["old", "new"]


@dataclass(frozen=True, slots=True)
class StarChange:
    star: str
    old: Status
    new: Status
    because: tuple[tuple[str, str, str], ...]  # (criterion id, old status, new status)
    basis: Basis = "each"  # how `because` was found (see the module docstring)


@dataclass(frozen=True, slots=True)
class VillageChange:
    """How one village's outcome differs between OLD and NEW."""

    name: str
    code: str | None
    level_old: str
    level_new: str
    stars: tuple[StarChange, ...]


@dataclass(frozen=True, slots=True)
class SkippedVillage:
    """A village one side cannot judge; `detail` is the jurisdiction, kind or date that
    does not fit (for "error", the evaluation's message)."""

    name: str
    code: str | None
    where: str | None  # file:line when read from a file
    side: Side
    reason: SkipReason
    detail: str
    # for "error": the evaluation's message with its code, to show it in either language
    problem: Problem | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class OutcomeSummary:
    villages: int = 0  # villages compared (the skipped ones are not counted)
    changed: int = 0
    gained: Counter[str] = field(default_factory=Counter)  # star id → villages gaining it
    lost: Counter[str] = field(default_factory=Counter)
    levels_old: Counter[str] = field(default_factory=Counter)
    levels_new: Counter[str] = field(default_factory=Counter)
    skipped: list[SkippedVillage] = field(default_factory=list)


def load_side(path: str | Path, registry: Registry) -> tuple[Ruleset, ...]:
    """Every chain a ruleset file resolves to over `registry` (one for a file that extends
    nothing or one exact version; one per base for an overlay extending a range)."""
    loaded = Registry.from_paths([path], base=registry)
    mine = Path(path).resolve()
    side = tuple(rs for rs in loaded.rulesets if Path(rs.file).resolve() == mine)
    if not side:
        raise StarrulesError.of(None, "SR575", file=str(path))
    return side


def rules_pair(old: Sequence[Ruleset], new: Sequence[Ruleset]) -> tuple[Ruleset, Ruleset]:
    """The chains whose rules are compared: the highest of each side, except that a NEW
    overlay sitting on OLD's chain is taken on it (so 西峡 over the province 2022.1 shows
    only what 西峡 changes)."""
    before = max(old, key=chain_key)
    chain = [(la.id, la.version, la.jurisdiction) for la in before.layers]
    on_old = [
        rs for rs in new if [(la.id, la.version, la.jurisdiction) for la in rs.layers[:-1]] == chain
    ]
    return before, max(on_old or new, key=chain_key)


def _level(assessment: Assessment) -> str:
    level = assessment.level
    return str(level.value) if level.value is not None else f"{level.min}–{level.max}"


def _chain_for(
    side: Sequence[Ruleset], village: Village, when: date
) -> tuple[Ruleset | None, SkipReason, str]:
    """The chain judging the village on this side, or why there is none."""
    first = side[0]
    if not within(village.jurisdiction, first.jurisdiction):
        return None, "jurisdiction", first.jurisdiction
    if village.kind != first.kind:
        return None, "kind", first.kind
    if len(side) == 1:
        return first, "error", ""
    in_force = [rs for rs in side if rs.in_force(when)]
    if not in_force:
        return None, "not_in_force", when.isoformat()
    return max(in_force, key=chain_key), "error", ""


_TRUTH = {CriterionStatus.PASS: True, CriterionStatus.FAIL: False, CriterionStatus.UNKNOWN: None}
_ABSENT = "absent"


def _group_truth(group: Group, values: dict[str, Truth | str]) -> Truth:
    """The group's outcome from its leaves' outcomes; an item whose value is `absent`
    (a criterion NEW added, put back to not existing) is left out of the group."""
    kept: list[Criterion | Group] = []
    truths: list[Truth] = []
    for item in group.items:
        value = _group_truth(item, values) if isinstance(item, Group) else values[item.id]
        if value == _ABSENT:
            continue
        kept.append(item)
        truths.append(value if not isinstance(value, str) else None)
    if len(kept) < len(group.items):
        if group.rule == "all":
            return GroupKernel((1,) * len(kept), len(kept)).outcome(truths)
        group = Group(
            group.id, group.index, group.rule, group.needed, tuple(kept), group.text,
            group.points, group.layer, group.location, group.parent,
        )  # fmt: skip
    return GroupKernel.of(group).outcome(truths)


def _star_truth(star: Star, values: dict[str, Truth | str]) -> Truth:
    def truth(key: str) -> Truth:
        value = values[key]
        return None if isinstance(value, str) else value

    # a veto passes when it does not hold: star_status wants True for a triggered one
    vetoes = [v.id for v in star.vetoes if values[v.id] != _ABSENT]
    return star_status(
        _group_truth(star.grant, values),
        [None if truth(v) is None else truth(v) is False for v in vetoes],
        [truth(f"requires {r}") for r in star.requires],
    )


_STATUS_TRUTH = {Status.GRANTED: True, Status.DENIED: False, Status.UNDETERMINED: None}


def _because(
    star: Star, before: Assessment | None, after: Assessment, was: Status
) -> tuple[tuple[tuple[str, str, str], ...], Basis]:
    """The counterfactual check (see the module docstring)."""
    new_values: dict[str, Truth | str] = {}
    old_values: dict[str, Truth | str] = {}
    shown: dict[str, tuple[str, str]] = {}
    old_criteria = (
        {c.id: c.status for c in before.stars[star.id].criteria}
        if before is not None and star.id in before.stars
        else {}
    )
    for c in after.stars[star.id].criteria:
        if c.kind == "group":
            continue
        new_values[c.id] = _TRUTH[c.status]
        old = old_criteria.get(c.id)
        old_values[c.id] = _ABSENT if old is None else _TRUTH[old]
        shown[c.id] = (old.value if old is not None else _ABSENT, c.status.value)
    for r in star.requires:
        key = f"requires {r}"
        new_values[key] = _STATUS_TRUTH[after.status(r)]
        had = before.status(r) if before is not None and r in before.stars else None
        old_values[key] = _STATUS_TRUTH[had] if had is not None else new_values[key]
        shown[key] = ((had or after.status(r)).value, after.status(r).value)
    candidates = [k for k in new_values if old_values[k] != new_values[k]]
    target = _STATUS_TRUTH[was]

    def gives_back(keys: Sequence[str]) -> bool:
        values = dict(new_values)
        for k in keys:
            values[k] = old_values[k]
        return _star_truth(star, values) is target

    def listed(keys: Sequence[str]) -> tuple[tuple[str, str, str], ...]:
        return tuple((k, *shown[k]) for k in keys)

    each = [k for k in candidates if gives_back([k])]
    if each:
        return listed(each), "each"
    if len(candidates) <= 12:  # 4,096 subsets at most: a star has a few dozen criteria
        for size in range(2, len(candidates) + 1):
            for keys in combinations(candidates, size):
                if gives_back(keys):
                    return listed(keys), "together"
    return listed(candidates), "rules"


def village_changes(
    old: Ruleset | Sequence[Ruleset],
    new: Ruleset | Sequence[Ruleset],
    villages: Iterable[Village | VillageRecord],
    *,
    strict: bool = False,
) -> tuple[list[VillageChange], OutcomeSummary]:
    """Evaluate each village under both sides (each a ruleset, or the chains of one file
    from `load_side`) and report the villages whose stars or level differ, with the
    criteria whose change caused it. Villages a side cannot judge are listed in
    `summary.skipped`, not raised."""
    old_side = (old,) if isinstance(old, Ruleset) else tuple(old)
    new_side = (new,) if isinstance(new, Ruleset) else tuple(new)
    summary = OutcomeSummary()
    changes: list[VillageChange] = []
    for item in villages:
        village, where = (
            (item.village, item.where) if isinstance(item, VillageRecord) else (item, None)
        )
        when = village.as_of or date.today()
        judged: list[tuple[Ruleset, Assessment]] = []
        sides: tuple[tuple[Side, tuple[Ruleset, ...]], ...] = (
            ("old", old_side),
            ("new", new_side),
        )
        for side_name, side in sides:
            chain, reason, detail = _chain_for(side, village, when)
            problem: Problem | None = None
            if chain is not None:
                try:
                    # Indicators a side does not declare are ignored, as by `evaluate`.
                    judged.append(
                        (chain, chain.evaluate(village, check_dates=False, strict=strict))
                    )
                    continue
                except EvaluationError as exc:
                    reason, detail = "error", str(exc)
                    problem = exc.problems[0] if len(exc.problems) == 1 else None
            summary.skipped.append(
                SkippedVillage(
                    village.name, village.code, where, side_name, reason, detail, problem
                )
            )
            break
        if len(judged) < 2:
            continue
        (old_rs, before), (new_rs, after) = judged
        summary.villages += 1
        summary.levels_old[_level(before)] += 1
        summary.levels_new[_level(after)] += 1
        star_changes: list[StarChange] = []
        for star in new_rs.stars:
            was = before.status(star.id) if star.id in old_rs.tree.star_index else None
            now = after.status(star.id)
            if was == now:
                continue
            if now is Status.GRANTED:
                summary.gained[star.id] += 1
            if was is Status.GRANTED:
                summary.lost[star.id] += 1
            status_was = was or Status.UNDETERMINED
            because, basis = _because(star, before if was else None, after, status_was)
            star_changes.append(StarChange(star.id, status_was, now, because, basis))
        for star in old_rs.stars:
            if star.id not in new_rs.tree.star_index and before.status(star.id) is Status.GRANTED:
                summary.lost[star.id] += 1
                star_changes.append(
                    StarChange(star.id, Status.GRANTED, Status.DENIED, (), "removed")
                )
        if star_changes or _level(before) != _level(after):
            summary.changed += 1
            changes.append(
                VillageChange(
                    village.name, village.code, _level(before), _level(after), tuple(star_changes)
                )
            )
    return changes, summary
