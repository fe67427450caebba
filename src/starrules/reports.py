"""Reports: many assessments counted per township, county or jurisdiction (spec §6 `report`).

    result = starrules.report(assessments, by="township", targets="plan.yaml")
    result.total.stars            # villages granted / denied / undetermined, per star
    result.groups[0].levels       # villages per level: the fewest and the most
    result.to_json()

What a township report shows (shared/domain.md), per group and for the total:

* per star, the villages that hold it, that do not, and that are undetermined;
* per level, the **fewest** villages that have it (their level is known to be it) and the
  **most** that could (their level range includes it); the villages at three stars or
  above likewise, and their share of the villages;
* the check Σ levels = Σ granted stars over the villages whose level is known: it holds
  under the default level rule (level = number of stars), as the 韩庄 report's
  17+27+27+16+1 = 88 = 5·1+4·4+3·15+2·11 does;
* the criteria that hold villages back: per criterion, the villages where it fails *and
  that failure is part of why the star is not granted* (no group above it passed: a
  failing criterion inside an `any` that another item satisfied holds nothing back), and
  the villages for which it is the **only gap** (短板): the star is denied, its required
  stars are granted, this is the one failing criterion or triggered veto that matters,
  and passing it would grant the star;
* the missing indicators that leave most villages undetermined (`Assessment.missing`);
* with targets (plans.py): each township's or county's plan compared with the result.

Streaming: `report` (or a `ReportBuilder`) takes one assessment at a time and keeps only
counts, whose size depends on the rules and the number of groups, never on the number of
villages. The star statuses and the level come straight from the assessment; the
criteria's outcomes from the recording pass alone (no explanation is built), and the
missing indicators from it too, for the undetermined villages only.
"""

from __future__ import annotations

import difflib
import heapq
import operator
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, Literal

from pydantic_core import to_json

from .assessment import Assessment
from .errors import InputError
from .evaluation import GroupKernel
from .i18n import Text
from .plans import PlanResult, Span, Targets, at_or_above, compare, read_targets
from .rules import Criterion, Group, Node, RuleTree, default_level_name, requirements_first
from .village import Village

By = Literal["township", "county", "jurisdiction"]
GroupKind = Literal["township", "county", "jurisdiction", "total"]
BY: Final[tuple[By, ...]] = ("township", "county", "jurisdiction")
REPORT_FORMAT: Final = "report/1"
THREE: Final = 3  # "三星及以上": the share the township reports give

Truth = bool | None
_SLOT: Final = {True: 0, False: 1, None: 2}  # granted, denied, undetermined


# -- the result -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StarCount:
    """Villages per status of one star."""

    id: str
    name: Text
    granted: int
    denied: int
    undetermined: int


@dataclass(frozen=True, slots=True)
class LevelCount:
    """Villages at one level: `fewest` whose level is known to be it, `most` whose level
    range includes it (the undetermined villages that could have it)."""

    value: int
    name: Text
    fewest: int
    most: int

    @property
    def span(self) -> Span:
        return Span(self.fewest, self.most)


@dataclass(frozen=True, slots=True)
class Shares:
    """A share of the villages, as a range where data is missing (0 to 1)."""

    fewest: float
    most: float


@dataclass(frozen=True, slots=True)
class LevelCheck:
    """Σ levels and Σ granted stars over the `villages` whose level is known: equal under
    the default level rule (level = number of stars)."""

    villages: int
    levels: int
    stars: int

    @property
    def holds(self) -> bool:
        return self.levels == self.stars


@dataclass(frozen=True, slots=True)
class CriterionCount:
    """One criterion (or veto) that holds villages back: `failing` villages where it fails
    and that matters for the star; `only_gap` villages for which it is the only gap (短板)."""

    id: str
    star: str
    text: Text
    failing: int
    only_gap: int


@dataclass(frozen=True, slots=True)
class MissingCount:
    """An unknown indicator and the undetermined villages it could decide."""

    indicator: str
    label: Text | None
    villages: int


@dataclass(frozen=True, slots=True)
class NearVillage:
    """A village close to its next level: what `Assessment.next_steps()` gives for it.

    `level`: the level held for certain; `next_level`: the one above it; `criteria` (and
    `conditions`, a level's own conditions on indicators): what to change, the fewest;
    `to_confirm`: those of `criteria` that are unknown (maybe met already); `stars`: the
    stars the route wins."""

    name: str
    code: str | None
    township: str | None
    jurisdiction: str
    level: int
    next_level: int
    next_level_name: Text | None
    stars: tuple[str, ...]
    criteria: tuple[str, ...]
    conditions: tuple[str, ...]
    to_confirm: tuple[str, ...]

    @property
    def distance(self) -> int:
        """Criteria (and level conditions) to change: 1 = one criterion away."""
        return len(self.criteria) + len(self.conditions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "code": self.code,
            "township": self.township,
            "jurisdiction": self.jurisdiction,
            "level": self.level,
            "next_level": self.next_level,
            "next_level_name": _text(self.next_level_name),
            "distance": self.distance,
            "stars": list(self.stars),
            "criteria": list(self.criteria),
            "conditions": list(self.conditions),
            "to_confirm": list(self.to_confirm),
        }


@dataclass(frozen=True, slots=True)
class Nearest:
    """The villages nearest their next level: how many are one criterion away and two
    away, and the nearest of them (one criterion away first, then those aiming higher,
    then input order; at most the `nearest` asked for)."""

    one_away: int
    two_away: int
    villages: tuple[NearVillage, ...]


@dataclass(frozen=True, slots=True)
class GroupReport:
    """The counts of one group (a township, county or jurisdiction) or of the total.

    `name`: the township's name, or the jurisdiction path (None for the total and for
    villages without a township); `jurisdiction`: for a township, its county."""

    kind: GroupKind
    name: str | None
    township: str | None
    jurisdiction: str | None
    villages: int
    undetermined: int
    stars: tuple[StarCount, ...]
    levels: tuple[LevelCount, ...]  # highest first
    three_plus: Span
    three_plus_share: Shares
    check: LevelCheck
    criteria: tuple[CriterionCount, ...]  # most failing first
    missing: tuple[MissingCount, ...]  # most villages first
    nearest: Nearest

    def star(self, star_id: str) -> StarCount:
        for s in self.stars:
            if s.id == star_id:
                return s
        raise KeyError(star_id)

    def level(self, value: int) -> LevelCount:
        for lv in self.levels:
            if lv.value == value:
                return lv
        raise KeyError(value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "township": self.township,
            "jurisdiction": self.jurisdiction,
            "villages": self.villages,
            "undetermined": self.undetermined,
            "stars": {
                s.id: {
                    "name": _text(s.name),
                    "granted": s.granted,
                    "denied": s.denied,
                    "undetermined": s.undetermined,
                }
                for s in self.stars
            },
            "levels": [
                {"value": lv.value, "name": _text(lv.name), "fewest": lv.fewest, "most": lv.most}
                for lv in self.levels
            ],
            "three_plus": {
                **self.three_plus.to_dict(),
                "share": {
                    "fewest": self.three_plus_share.fewest,
                    "most": self.three_plus_share.most,
                },
            },
            "check": {
                "villages": self.check.villages,
                "levels": self.check.levels,
                "stars": self.check.stars,
                "holds": self.check.holds,
            },
            "criteria": [
                {
                    "id": c.id,
                    "star": c.star,
                    "text": _text(c.text),
                    "failing": c.failing,
                    "only_gap": c.only_gap,
                }
                for c in self.criteria
            ],
            "missing": [
                {"indicator": m.indicator, "label": _text(m.label), "villages": m.villages}
                for m in self.missing
            ],
            "nearest": {
                "one_away": self.nearest.one_away,
                "two_away": self.nearest.two_away,
                "villages": [v.to_dict() for v in self.nearest.villages],
            },
        }


@dataclass(frozen=True, slots=True)
class Report:
    """A report: one `GroupReport` per group in input order (none when `by` is None), the
    `total`, and the plans compared (one per target, in the targets file's order).
    `partial`: made from the villages read before the input was interrupted."""

    by: By | None
    groups: tuple[GroupReport, ...]
    total: GroupReport
    plans: tuple[PlanResult, ...] = ()
    targets: str | None = None  # the targets file
    partial: bool = False

    def group(self, name: str, *, jurisdiction: str | None = None) -> GroupReport:
        """The group of this name (and jurisdiction, where two groups share a name)."""
        found = [
            g
            for g in self.groups
            if g.name == name and (jurisdiction is None or g.jurisdiction == jurisdiction)
        ]
        if len(found) == 1:
            return found[0]
        if found:
            places = ", ".join(str(g.jurisdiction) for g in found)
            raise KeyError(f"{name} names {len(found)} groups ({places}): give the jurisdiction")
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (`format` "report/1")."""
        return {
            "format": REPORT_FORMAT,
            "by": self.by,
            "partial": self.partial,
            "groups": [g.to_dict() for g in self.groups],
            "total": self.total.to_dict(),
            "targets": self.targets,
            "plans": [p.to_dict() for p in self.plans],
        }

    def to_json(self, *, indent: int | None = None) -> bytes:
        """The report as UTF-8 JSON bytes (as `Assessment.to_json`)."""
        return to_json(self.to_dict(), indent=indent)


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"zh": text.zh, "en": text.en}


# -- what the rules say, once per ruleset ---------------------------------------------------

Leaf = tuple[int, str, tuple[int, ...]]  # node index, id, the groups above it (indices)
GroupParts = tuple[int, tuple[tuple[int, int], ...]]  # bar, (item index, weight)


# Of a star not held: the failing criteria that hold it back, its only gap, its own
# criteria to change (None: a veto blocks it); see _Rules.facts.
StarFacts = tuple[tuple[str, ...], str | None, int | None]
MEMO_LIMIT: Final = 4096  # remembered patterns of a star's outcomes (bounds the memory)


def _picker(indices: tuple[int, ...]) -> Callable[[list[Truth]], tuple[Truth, ...]]:
    """The outcomes of these nodes, as a tuple (a key)."""
    pick = operator.itemgetter(*indices)
    if len(indices) == 1:
        return lambda nodes: (pick(nodes),)
    return pick


Cost = Callable[[list[Truth]], int | None]
FAR: Final = 3  # a distance the report does not tell apart from farther ones (1, 2, more)


def _cost(group: Group) -> Cost:
    """The fewest criteria to change for the group to pass, an unknown outcome counted as
    not passing (None: no change can), capped at `FAR`: `guidance`'s cover, counted instead
    of listed. The criteria of different items are different nodes: the count of their
    union is a sum. Specialised by kernel: this runs for most villages."""
    kernel = GroupKernel.of(group)
    bar, n = kernel.bar, len(group.items)
    unit = all(w == 1 for w in kernel.weights)
    items = tuple(
        (item.index, weight, None if isinstance(item, Criterion) else _cost(item))
        for item, weight in zip(group.items, kernel.weights, strict=True)
    )
    if unit and bar == n:  # all: every item that does not pass

        def all_cost(nodes: list[Truth]) -> int | None:
            total = 0
            for index, _, sub in items:
                if nodes[index] is True:
                    continue
                if sub is None:
                    total += 1
                else:
                    c = sub(nodes)
                    if c is None:
                        return None
                    total += c
            return min(total, FAR)

        return all_cost

    def cost(nodes: list[Truth]) -> int | None:
        passed = 0
        options: list[tuple[int, int]] = []  # (weight, criteria to change)
        for index, weight, sub in items:
            if nodes[index] is True:
                passed += weight
            elif weight > 0:
                if sub is None:
                    options.append((weight, 1))
                elif (c := sub(nodes)) is not None:
                    options.append((weight, c))
        need = bar - passed
        if need <= 0:
            return 0
        if unit:  # any, at_least: the `need` cheapest items
            if len(options) < need:
                return None
            return min(sum(sorted(c for _, c in options)[:need]), FAR)
        found = _fewest(options, need)
        return None if found is None else min(found, FAR)

    return cost


def _fewest(options: list[tuple[int, int]], need: int) -> int | None:
    """The least cost that brings `need` weight (0/1 knapsack over cost: weights may be
    large scaled points, costs are small counts)."""
    total = sum(c for _, c in options)
    best = [0] * (total + 1)  # best[c]: the most weight with at most c criteria
    for weight, cost in options:
        for c in range(total, cost - 1, -1):
            best[c] = max(best[c], best[c - cost] + weight)
    return next((c for c in range(total + 1) if best[c] >= need), None)


class _Rules:
    """What a report needs of one compiled ruleset, built once per ruleset."""

    __slots__ = (
        "chains",
        "costs",
        "custom_levels",
        "fingerprint",
        "grants",
        "groups",
        "labels",
        "leaves",
        "level_names",
        "memo",
        "order",
        "pickers",
        "requires",
        "star_ids",
        "star_names",
        "texts",
        "top_level",
        "tree",
        "unknown_reads",
        "vetoes",
    )

    def __init__(self, tree: RuleTree) -> None:
        self.tree = tree
        self.fingerprint = tree.fingerprint
        self.star_ids = tuple(s.id for s in tree.stars)
        self.star_names = {s.id: s.name for s in tree.stars}
        self.order = tuple(requirements_first(tree.stars))
        self.requires = tuple(tuple(tree.star_index[r] for r in s.requires) for s in tree.stars)
        self.vetoes = tuple(tuple(v.index for v in s.vetoes) for s in tree.stars)
        self.grants = tuple(s.grant.index for s in tree.stars)
        self.groups: dict[int, GroupParts] = {}
        for star in tree.stars:
            for node in star.nodes:
                if isinstance(node, Group):
                    kernel = GroupKernel.of(node)
                    items = tuple(
                        (i.index, w) for i, w in zip(node.items, kernel.weights, strict=True)
                    )
                    self.groups[node.index] = (kernel.bar, items)
        # Per star, required stars first: the stars it requires, directly or not.
        closure: dict[int, tuple[int, ...]] = {}
        for star in self.order:
            needs: dict[int, None] = {}
            for r in star.requires:
                r_index = tree.star_index[r]
                needs.update(dict.fromkeys(closure[r_index]))
                needs[r_index] = None
            closure[star.index] = tuple(needs)
        self.chains = tuple((s.index, closure[s.index]) for s in self.order)
        self.costs = tuple(_cost(s.grant) for s in tree.stars)
        self.pickers = tuple(_picker(tuple(n.index for n in s.nodes)) for s in tree.stars)
        self.memo: tuple[dict[tuple[Truth, ...], StarFacts], ...] = tuple({} for _ in tree.stars)
        leaves: list[tuple[Leaf, ...]] = []
        self.texts: dict[str, tuple[str, Text]] = {}
        for star in tree.stars:
            by_id: dict[str, Node] = {n.id: n for n in star.nodes}
            found: list[Leaf] = []
            for node in star.nodes:
                if not isinstance(node, Criterion):
                    continue
                above: list[int] = []
                parent = node.parent
                while parent is not None:
                    group = by_id[parent]
                    above.append(group.index)
                    parent = group.parent
                found.append((node.index, node.id, tuple(above)))
                self.texts[node.id] = (star.id, node.text)
            leaves.append(tuple(found))
        self.leaves = tuple(leaves)
        # The indicators each criterion reads, for what is missing (as records.explain).
        self.unknown_reads = {
            node.index: node.test.getters
            for star in tree.stars
            for node in star.nodes
            if isinstance(node, Criterion)
        }
        self.custom_levels = tree.levels is not None
        if tree.levels is None:
            self.level_names = {v: default_level_name(v) for v in range(len(tree.stars) + 1)}
        else:
            self.level_names = {0: default_level_name(0)}
            self.level_names.update((lv.value, lv.name) for lv in tree.levels)
        self.labels = {path: spec.label for path, spec in tree.indicators.items()}
        self.top_level = max(self.level_names)

    def facts(self, star: int, nodes: list[Truth]) -> StarFacts:
        """What a star not held says, from its nodes' outcomes alone: the ids of the failing
        criteria that hold it back, the only gap (if passing one criterion grants it, its
        required stars being held), and its own criteria to change (`_cost`). Remembered
        per pattern of outcomes: a star has few, so most villages cost one look-up."""
        key = self.pickers[star](nodes)
        memo = self.memo[star]
        found = memo.get(key)
        if found is None:
            found = self._facts(star, nodes)
            if len(memo) < MEMO_LIMIT:
                memo[key] = found
        return found

    def _facts(self, star: int, nodes: list[Truth]) -> StarFacts:
        failing: list[str] = []
        last: Leaf | None = None
        for leaf in self.leaves[star]:
            if nodes[leaf[0]] is not False:
                continue
            for group in leaf[2]:
                if nodes[group] is True:
                    break  # a group above passed: this failure holds nothing back
            else:
                failing.append(leaf[1])
                last = leaf
        gap = None
        if len(failing) == 1 and last is not None and self._passes_with(star, nodes, last):
            gap = last[1]
        cost: int | None = 0
        for veto in self.vetoes[star]:
            hit = nodes[veto]
            if hit is False:  # a veto passes when it does not hold: this one blocks
                cost = None
                break
            if hit is None:  # an unknown veto: to confirm, counted as one to change
                cost = (cost or 0) + 1
        if cost is not None and nodes[self.grants[star]] is not True:
            grant_cost = self.costs[star](nodes)
            cost = None if grant_cost is None else cost + grant_cost
        return tuple(failing), gap, cost

    def _passes_with(self, star: int, nodes: list[Truth], leaf: Leaf) -> bool:
        """Whether the star's own rules pass once this failing criterion (or veto) passes:
        its other vetoes clear, and each group above it passing once the one below does
        (the rest of the star is as it was, so only that path can change)."""
        index, _, above = leaf
        for veto in self.vetoes[star]:
            if veto != index and nodes[veto] is not True:
                return False
        if not above:  # a veto: the grant must pass as it is
            return nodes[self.grants[star]] is True
        child = index
        for group in above:
            bar, items = self.groups[group]
            passed = 0
            for item, weight in items:
                if item == child or nodes[item] is True:
                    passed += weight
            if passed < bar:  # this group still does not pass, nor can any above it
                return False
            child = group
        return True

    def distance(self, stars: list[Truth], costs: dict[int, int | None], held: int) -> int | None:
        """Under the default level rule: the criteria to change for one more star, the
        cheapest star (`Assessment.next_steps().next_level`, counted): its own criteria
        and unknown vetoes (`costs`, from `facts`), and those of the stars it requires
        that are not held; a triggered veto blocks a star, and the stars requiring it.
        None at the top level or when every star is blocked; `FAR` for any distance
        from `FAR` on."""
        if held >= len(self.star_ids):
            return None
        best: int | None = None
        for i, chain in self.chains:
            if stars[i] is True:
                continue
            cost = costs[i]
            if cost is None:
                continue
            for r in chain:  # the stars it requires, transitively, not held: won with it
                if stars[r] is not True:
                    more = costs[r]
                    if more is None:
                        cost = None
                        break
                    cost += more
            if cost is not None and (best is None or cost < best):
                best = min(cost, FAR)
                if best == 1:  # no star is nearer than one criterion
                    return 1
        return best

    def missing(self, village: Village, stars: list[Truth], nodes: list[Truth]) -> list[str]:
        """The unknown indicators that could decide an undetermined star: what
        `Assessment.missing` lists for the stars (records.explain), from the outcomes, in
        the order of the stars and their criteria (a deterministic order)."""
        per_star: dict[int, dict[str, None]] = {}
        for star in self.order:
            i = star.index
            found: dict[str, None] = {}
            if stars[i] is None:
                self._collect(star.grant, nodes, village, found)
                for veto in star.vetoes:
                    if nodes[veto.index] is None:
                        self._reads(veto.index, village, found)
                for r in self.requires[i]:
                    if stars[r] is not True:
                        found.update(per_star[r])
            per_star[i] = found
        everything: dict[str, None] = {}
        for i in range(len(self.star_ids)):
            everything.update(per_star[i])
        return list(everything)

    def _collect(
        self, node: Node, nodes: list[Truth], village: Village, found: dict[str, None]
    ) -> None:
        if nodes[node.index] is not None:
            return
        if isinstance(node, Criterion):
            self._reads(node.index, village, found)
            return
        for item in node.items:
            self._collect(item, nodes, village, found)

    def _reads(self, index: int, village: Village, found: dict[str, None]) -> None:
        for path, get in self.unknown_reads[index]:
            if get(village) is None:
                found[path] = None


# -- the running counts ---------------------------------------------------------------------

# A village kept among the nearest: (-distance, the level aimed at, -its place in the input,
# the assessment); a heap of these has the farthest of them on top.
_Near = tuple[int, int, int, Assessment]


class _Tally:
    """The running counts of one group (or of one target's villages)."""

    __slots__ = (
        "checked_levels",
        "checked_stars",
        "checked_villages",
        "criteria_order",
        "failing",
        "labels",
        "level_names",
        "level_pairs",
        "missing",
        "near",
        "one_away",
        "only_gap",
        "seen",
        "star_counts",
        "star_names",
        "texts",
        "two_away",
        "undetermined",
        "villages",
    )

    def __init__(self) -> None:
        self.villages = 0
        self.undetermined = 0
        self.seen: set[str] = set()  # the fingerprints of the rules registered
        self.star_counts: dict[str, list[int]] = {}
        self.star_names: dict[str, Text] = {}
        self.level_pairs: Counter[tuple[int, int]] = Counter()
        self.level_names: dict[int, Text] = {}
        self.checked_villages = self.checked_levels = self.checked_stars = 0
        self.failing: Counter[str] = Counter()
        self.only_gap: Counter[str] = Counter()
        self.texts: dict[str, tuple[str, Text]] = {}
        self.criteria_order: dict[str, int] = {}
        self.missing: Counter[str] = Counter()
        self.labels: dict[str, Text] = {}
        self.one_away = self.two_away = 0
        # The nearest villages: a bounded heap, its top the farthest of them (see _near).
        self.near: list[_Near] = []

    def register(self, rules: _Rules) -> None:
        """Names, texts and levels of a ruleset this group's villages use (first one wins)."""
        self.seen.add(rules.fingerprint)
        for sid in rules.star_ids:
            if sid not in self.star_counts:
                self.star_counts[sid] = [0, 0, 0]
                self.star_names[sid] = rules.star_names[sid]
        for value, name in rules.level_names.items():
            self.level_names.setdefault(value, name)
        for cid, text in rules.texts.items():
            if cid not in self.texts:
                self.texts[cid] = text
                self.criteria_order[cid] = len(self.criteria_order)
        for path, label in rules.labels.items():
            self.labels.setdefault(path, label)

    def merge(self, other: _Tally) -> None:
        self.villages += other.villages
        self.undetermined += other.undetermined
        self.seen |= other.seen
        for sid, counts in other.star_counts.items():
            mine = self.star_counts.setdefault(sid, [0, 0, 0])
            for i in range(3):
                mine[i] += counts[i]
            self.star_names.setdefault(sid, other.star_names[sid])
        self.level_pairs.update(other.level_pairs)
        for value, name in other.level_names.items():
            self.level_names.setdefault(value, name)
        self.checked_villages += other.checked_villages
        self.checked_levels += other.checked_levels
        self.checked_stars += other.checked_stars
        self.failing.update(other.failing)
        self.only_gap.update(other.only_gap)
        for cid, text in other.texts.items():
            if cid not in self.texts:
                self.texts[cid] = text
                self.criteria_order[cid] = len(self.criteria_order)
        self.missing.update(other.missing)
        for path, label in other.labels.items():
            self.labels.setdefault(path, label)
        self.one_away += other.one_away
        self.two_away += other.two_away
        self.near.extend(other.near)  # cut to the nearest when frozen

    def freeze(
        self,
        kind: GroupKind,
        name: str | None,
        township: str | None,
        jurisdiction: str | None,
        keep: int,
    ) -> GroupReport:
        pairs = self.level_pairs
        levels = tuple(
            LevelCount(
                value,
                self.level_names[value],
                pairs.get((value, value), 0),
                sum(n for (low, high), n in pairs.items() if low <= value <= high),
            )
            for value in sorted(self.level_names, reverse=True)
        )
        three = at_or_above(THREE, pairs)
        n = self.villages
        share = Shares(three.fewest / n, three.most / n) if n else Shares(0.0, 0.0)
        order = self.criteria_order
        criteria = tuple(
            CriterionCount(cid, *self.texts[cid], self.failing[cid], self.only_gap[cid])
            for cid in sorted(
                set(self.failing) | set(self.only_gap),
                key=lambda c: (-self.failing[c], -self.only_gap[c], order[c]),
            )
        )
        missing = tuple(
            MissingCount(path, self.labels.get(path), count)
            for path, count in sorted(self.missing.items(), key=lambda item: -item[1])
        )
        return GroupReport(
            kind=kind,
            name=name,
            township=township,
            jurisdiction=jurisdiction,
            villages=n,
            undetermined=self.undetermined,
            stars=tuple(
                StarCount(sid, self.star_names[sid], *counts)
                for sid, counts in self.star_counts.items()
            ),
            levels=levels,
            three_plus=three,
            three_plus_share=share,
            check=LevelCheck(self.checked_villages, self.checked_levels, self.checked_stars),
            criteria=criteria,
            missing=missing,
            nearest=Nearest(
                self.one_away,
                self.two_away,
                tuple(_near_village(entry) for entry in sorted(self.near, reverse=True)[:keep]),
            ),
        )


class _TargetTally:
    __slots__ = ("counties", "levels", "villages")

    def __init__(self) -> None:
        self.villages = 0
        self.levels: Counter[tuple[int, int]] = Counter()
        self.counties: set[str] = set()


def county_of(jurisdiction: str) -> str:
    """The county (or district) of a jurisdiction path: its first three parts."""
    return "/".join(jurisdiction.split("/", 3)[:3])


GroupKey = tuple[str | None, str | None]  # (township, jurisdiction)


class ReportBuilder:
    """A report built one assessment at a time: `add` each, then `result()`, which may also
    be asked for part way (e.g. when the input is interrupted) and leaves the counts as
    they are. Not thread-safe: one builder per thread, or a lock around `add`.

    `nearest`: how many of the villages nearest their next level to list per group (the
    counts of those one and two criteria away are kept whatever it is). The builder keeps
    no assessment but those, at most `nearest` per group, whose `next_steps()` the result
    shows."""

    def __init__(
        self, by: By | None = "township", targets: Targets | None = None, *, nearest: int = 5
    ) -> None:
        if by is not None and by not in BY:
            raise InputError(f"cannot group by {by!r}: one of township, county, jurisdiction")
        if nearest < 0:
            raise InputError(f"nearest must be 0 or more, not {nearest}")
        self.by = by
        self.targets = targets
        self.nearest = nearest
        self._seq = 0
        self._rules: dict[str, _Rules] = {}
        self._groups: dict[GroupKey, _Tally] = {}
        self._key = _key_function(by)
        self._target_tallies = [_TargetTally() for _ in targets.targets] if targets else []
        self._matches: dict[tuple[str, str | None], list[_TargetTally]] = {}
        self._seen_townships: set[str] = set()
        self._seen_places: set[str] = set()

    @property
    def villages(self) -> int:
        """Villages added so far."""
        return sum(t.villages for t in self._groups.values())

    def add(self, assessment: Assessment) -> None:
        """Count one assessment (kept only while among its group's nearest villages)."""
        tree = assessment.rules
        rules = self._rules.get(tree.fingerprint)
        if rules is None:
            rules = self._rules[tree.fingerprint] = _Rules(tree)
        village = assessment.input
        key = self._key(village)
        tally = self._groups.get(key)
        if tally is None:
            tally = self._groups[key] = _Tally()
        if rules.fingerprint not in tally.seen:
            tally.register(rules)
        # The star statuses and level as evaluated (not the explanation: built only on demand).
        outcome = assessment.outcome
        stars = outcome.stars
        level = outcome.level
        tally.villages += 1
        counts = tally.star_counts
        for sid, truth in zip(rules.star_ids, stars, strict=True):
            counts[sid][_SLOT[truth]] += 1
        tally.level_pairs[(level.min, level.max)] += 1
        if level.value is None:
            tally.undetermined += 1
        else:
            tally.checked_villages += 1
            tally.checked_levels += level.value
            tally.checked_stars += stars.count(True)
        costs: dict[int, int | None] = {}  # per star not held: its own criteria to change
        if False in stars or None in stars:
            nodes = assessment.node_statuses()
            failing, only_gap = tally.failing, tally.only_gap
            requires, pickers, memos = rules.requires, rules.pickers, rules.memo
            for i, truth in enumerate(stars):
                if truth is True:
                    continue
                # rules.facts(i, nodes), inline: this runs for most stars of most villages
                facts = memos[i].get(pickers[i](nodes))
                if facts is None:
                    facts = rules.facts(i, nodes)
                failing_ids, gap, costs[i] = facts
                for cid in failing_ids:
                    failing[cid] += 1
                if gap is not None and truth is False:
                    for r in requires[i]:
                        if stars[r] is not True:
                            break
                    else:
                        only_gap[gap] += 1
            if None in stars or level.value is None:
                if rules.custom_levels and level.value is None:
                    # a level condition may read indicators too: the assessment's own list
                    tally.missing.update(assessment.missing)
                else:
                    tally.missing.update(rules.missing(village, stars, nodes))
        if level.min < rules.top_level:
            self._near(assessment, rules, stars, costs, tally)
        if self._target_tallies:
            self._count_targets(village, level.min, level.max)

    def _near(
        self,
        assessment: Assessment,
        rules: _Rules,
        stars: list[Truth],
        costs: dict[int, int | None],
        tally: _Tally,
    ) -> None:
        """Count a village one or two criteria from its next level; keep it if among the
        nearest. Under the default level rule the distance is counted from the outcomes
        (as `next_steps()` finds it, far cheaper); with a ruleset's own levels it is
        `next_steps()`'s own."""
        held = assessment.level.min
        if rules.custom_levels:
            route = assessment.next_steps().next_level
            if route is None:
                return
            distance, goal = len(route.criteria) + len(route.conditions), route.level
        else:
            found = rules.distance(stars, costs, held)
            if found is None:
                return
            distance, goal = found, held + 1
        if distance == 1:
            tally.one_away += 1
        elif distance == 2:
            tally.two_away += 1
        else:
            return
        if self.nearest == 0:
            return
        self._seq += 1
        entry: _Near = (-distance, goal, -self._seq, assessment)
        near = tally.near
        if len(near) < self.nearest:
            heapq.heappush(near, entry)
        elif entry[:3] > near[0][:3]:  # nearer than the farthest kept
            heapq.heapreplace(near, entry)

    def _count_targets(self, village: Village, low: int, high: int) -> None:
        place, township = village.jurisdiction, village.township
        matched = self._matches.get((place, township))
        if matched is None:
            assert self.targets is not None
            matched = self._matches[(place, township)] = [
                tally
                for target, tally in zip(self.targets.targets, self._target_tallies, strict=True)
                if target.matches(place, township)
            ]
            if township is not None:
                self._seen_townships.add(township)
            self._seen_places.add(place)
            self._seen_places.add(county_of(place))
        for tally in matched:
            tally.villages += 1
            tally.levels[(low, high)] += 1
            tally.counties.add(county_of(place))

    def result(self, *, partial: bool = False) -> Report:
        """The report of the villages added so far."""
        total = _Tally()
        groups: list[GroupReport] = []
        for (township, place), tally in self._groups.items():
            total.merge(tally)
            if self.by is not None:
                name = township if self.by == "township" else place
                groups.append(tally.freeze(self.by, name, township, place, self.nearest))
        return Report(
            by=self.by,
            groups=tuple(groups),
            total=total.freeze("total", None, None, None, self.nearest),
            plans=self._plans(),
            targets=self.targets.file if self.targets else None,
            partial=partial,
        )

    def _plans(self) -> tuple[PlanResult, ...]:
        if self.targets is None:
            return ()
        plans: list[PlanResult] = []
        for target, tally in zip(self.targets.targets, self._target_tallies, strict=True):
            ambiguous = target.township is not None and target.jurisdiction is None
            if ambiguous and len(tally.counties) > 1:
                raise InputError(
                    f"{target.where}: township {target.township} is in "
                    f"{len(tally.counties)} counties of the input "
                    f"({', '.join(sorted(tally.counties))}): add `county:` to say which"
                )
            plan = compare(target, tally.villages, tally.levels)
            if tally.villages == 0:
                plan = replace(plan, suggestions=self._close(target.township, target.jurisdiction))
            plans.append(plan)
        return tuple(plans)

    def _close(self, township: str | None, jurisdiction: str | None) -> tuple[str, ...]:
        """Names in the input close to a target's that matched no village."""
        if township is not None and township not in self._seen_townships:
            return tuple(difflib.get_close_matches(township, sorted(self._seen_townships), 3))
        if jurisdiction is not None:
            return tuple(difflib.get_close_matches(jurisdiction, sorted(self._seen_places), 3))
        return ()


def _near_village(entry: _Near) -> NearVillage:
    assessment = entry[3]
    village = assessment.input
    steps = assessment.next_steps()
    route = steps.next_level
    return NearVillage(
        name=village.name,
        code=village.code,
        township=village.township,
        jurisdiction=village.jurisdiction,
        level=steps.level,
        next_level=route.level if route else entry[1],
        next_level_name=route.name if route else None,
        stars=tuple(route.stars) if route else (),
        criteria=tuple(route.criteria) if route else (),
        conditions=tuple(c.expression for c in route.conditions) if route else (),
        to_confirm=tuple(route.to_confirm) if route else (),
    )


def _key_function(by: By | None) -> Callable[[Village], GroupKey]:
    if by == "township":
        return lambda v: (v.township, county_of(v.jurisdiction))
    if by == "county":
        return lambda v: (None, county_of(v.jurisdiction))
    if by == "jurisdiction":
        return lambda v: (None, v.jurisdiction)
    return lambda v: (None, None)


def report(
    assessments: Iterable[Assessment],
    by: By | None = "township",
    targets: Targets | str | Path | None = None,
    *,
    nearest: int = 5,
) -> Report:
    """Count assessments per township (or county, or jurisdiction; None: the total only)
    and compare them with a plan (a `Targets` or the path of a targets file); list up to
    `nearest` villages per group nearest their next level. Consumes the assessments one at
    a time, keeping none but those listed."""
    if isinstance(targets, str | Path):
        targets = read_targets(targets)
    builder = ReportBuilder(by, targets, nearest=nearest)
    for assessment in assessments:
        builder.add(assessment)
    return builder.result()


__all__ = [
    "BY",
    "By",
    "CriterionCount",
    "GroupReport",
    "LevelCheck",
    "LevelCount",
    "MissingCount",
    "NearVillage",
    "Nearest",
    "Report",
    "ReportBuilder",
    "Shares",
    "StarCount",
    "county_of",
    "report",
]
