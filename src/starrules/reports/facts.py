"""What a report needs of one compiled ruleset, built once per ruleset: from a village's
node outcomes, the criteria holding a star back, its only gap and the criteria to change."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Final

from ..evaluation import GroupKernel
from ..i18n import Text
from ..rules import (
    Criterion,
    Group,
    Node,
    RuleTree,
    default_level_name,
    groups_above,
    requirements_first,
)
from ..village import Village
from .results import Truth

# -- what the rules say, once per ruleset ---------------------------------------------------

Leaf = tuple[int, str, tuple[int, ...]]  # node index, id, the groups above it (indices)
GroupParts = tuple[int, tuple[tuple[int, int], ...]]  # bar, (item index, weight)


# Of a star not held: the failing criteria that hold it back, its only gap, its own
# criteria to change (None: a veto blocks it); see RuleFacts.facts.
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


class RuleFacts:
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
            above = groups_above(star)
            found: list[Leaf] = []
            for node in star.nodes:
                if isinstance(node, Criterion):
                    found.append((node.index, node.id, above[node.index]))
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
