"""The guidance walking one assessment (`Guide`): per star not held, the fewest criteria to
change (its grant group's cover, its vetoes, the routes of the stars it requires), and the
cheapest route to the next level, by the default rule or through the ruleset's `levels`
(stars tried together, extra points, a level's own conditions on indicators). The model and
its limits: guidance.py and docs/guidance.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Final

from ..evaluation import GroupKernel, Truth
from ..exact import Exact, as_number
from ..expr.ast import Logical, Unary
from ..expr.ast import Node as ExprNode
from ..rules import Criterion, Group, RuleTree
from ..village import Village
from .guide_tables import GuideTables, LevelEnv, LevelPlan
from .records import Explanation
from .results import LevelResult
from .route_choice import Flips, Found, Route, choose, frontier
from .tables import RecordTables

MAX_STARS: Final = 12  # stars tried together for an explicit level (2^12 sets at most)
MAX_TRIALS: Final = 4096  # hypothetical evaluations for one level route


class Guide:
    """The guidance for one assessment (the recorded outcome of every node)."""

    def __init__(
        self,
        tables: RecordTables,
        village: Village,
        stars: Sequence[Truth],
        ex: Explanation,
        level: LevelResult,
    ) -> None:
        self.tables = tables
        self.tree: RuleTree = tables.tree
        self.village = village
        self.stars = stars
        self.ex = ex
        self.nodes = ex.nodes
        self.level = level
        self.shared = GuideTables.of(tables)
        self.kernels = self.shared.kernels
        self.order = tables.order  # stars, required ones first

    def kernel(self, group: Group) -> GroupKernel:
        return self.kernels[group.index]

    # -- stars ----------------------------------------------------------------------------
    def cover(self, group: Group, passing: Sequence[Truth]) -> Flips | None:
        """The fewest criteria to change for `group` to pass, given each node's outcome (an
        unknown one counted as not passing); None when no change can make it pass."""
        kernel = self.kernel(group)
        passed = 0
        options: list[tuple[int, Flips]] = []
        for item, weight in zip(group.items, kernel.weights, strict=True):
            if passing[item.index] is True:
                passed += weight
            elif weight > 0:
                if isinstance(item, Criterion):
                    options.append((weight, frozenset((item.index,))))
                else:
                    flips = self.cover(item, passing)
                    if flips is not None:
                        options.append((weight, flips))
        return choose(options, kernel.bar - passed)

    def star_routes(self) -> dict[int, Route]:
        nodes, stars, tree = self.nodes, self.stars, self.tree
        routes: dict[int, Route] = {}
        for star in self.order:
            if stars[star.index] is True:
                continue
            blocked = [v.id for v in star.vetoes if nodes[v.index] is False]
            flips: set[int] = {v.index for v in star.vetoes if nodes[v.index] is None}
            if nodes[star.grant.index] is not True:
                own = self.cover(star.grant, nodes)
                if own is None:
                    blocked += self.impossible(star.grant)
                else:
                    flips |= own
            requires: dict[int, None] = {}
            for required_id in star.requires:
                required = tree.star_index[required_id]
                route = routes.get(required)
                if route is None:  # held
                    continue
                blocked += [b for b in route.blocked if b not in blocked]
                flips |= route.flips
                requires.update(dict.fromkeys(route.requires))
                requires[required] = None
            if blocked:
                routes[star.index] = Route(tuple(blocked), (), frozenset())
            else:
                routes[star.index] = Route((), tuple(requires), frozenset(flips))
        return routes

    def impossible(self, group: Group) -> list[str]:
        """The groups inside `group` (itself included) that no village can pass."""
        found: list[str] = []
        pending: list[Criterion | Group] = [group]
        while pending:
            node = pending.pop(0)
            if isinstance(node, Group):
                if self.kernel(node).slack < 0:
                    found.append(node.id)
                pending.extend(node.items)
        return found or [group.id]

    # -- a hypothetical --------------------------------------------------------------------
    def simulate(self, flips: Flips) -> tuple[list[bool], list[bool]]:
        """(each star's outcome, each node's outcome) once `flips` pass, with every unknown
        outcome counted as not passing."""
        base = self.nodes
        out = [False] * len(base)

        def group(g: Group) -> bool:
            kernel = self.kernel(g)
            passed = 0
            for item, weight in zip(g.items, kernel.weights, strict=True):
                if isinstance(item, Criterion):
                    ok = out[item.index] = base[item.index] is True or item.index in flips
                else:
                    ok = group(item)
                if ok:
                    passed += weight
            result = out[g.index] = passed >= kernel.bar
            return result

        stars = [False] * len(self.tree.stars)
        for star in self.order:
            ok = group(star.grant)
            for veto in star.vetoes:
                clear = out[veto.index] = base[veto.index] is True or veto.index in flips
                ok = ok and clear
            stars[star.index] = ok and all(stars[self.tree.star_index[r]] for r in star.requires)
        return stars, out

    def points(self, group: Group, passing: Sequence[bool]) -> Exact:
        kernel = self.kernel(group)
        earned = sum(
            w for item, w in zip(group.items, kernel.weights, strict=True) if passing[item.index]
        )
        return as_number(earned, kernel.denominator)

    # -- the next level ----------------------------------------------------------------------
    def level_route(self, routes: dict[int, Route]) -> Found | None:
        held = self.level.min
        open_routes = {i: r for i, r in routes.items() if not r.blocked}
        if self.tree.levels is None:
            if held >= len(self.tree.stars):
                return None
            best: Found | None = None
            for star in self.tree.stars:
                route = open_routes.get(star.index)
                if route is None:
                    continue
                reaches = held + 1 + len(route.requires)
                key = (len(route.flips), -reaches, star.index)
                if best is None or key < best.key:
                    won = tuple(sorted((*route.requires, star.index)))
                    best = Found(key, reaches, route.flips, won, ())
            return best
        return self.explicit_level_route(open_routes)

    def explicit_level_route(self, routes: dict[int, Route]) -> Found | None:
        levels = self.tree.levels or ()
        target = min((lv.value for lv in levels if lv.value > self.level.min), default=None)
        if target is None:
            return None
        plans = [self.shared.plans[lv.value] for lv in levels if lv.value >= target]
        groups = self.point_groups(plans)
        cheapest = sorted(routes, key=lambda i: (len(routes[i].flips), i))[:MAX_STARS]
        candidates = sorted(cheapest)
        best: Found | None = None
        trials = 0
        for size in range(len(candidates) + 1):
            for combo in itertools.combinations(candidates, size):
                flips = frozenset().union(*(routes[i].flips for i in combo))
                if best is not None and len(flips) > best.key[0]:
                    continue
                for extra in self.extra_points(groups, flips):
                    trials += 1
                    if trials > MAX_TRIALS:
                        return best
                    changed = flips | extra
                    if best is not None and len(changed) > best.key[0]:
                        continue
                    found = self.try_levels(plans, groups, changed, trials)
                    if found is not None and (best is None or found.key < best.key):
                        best = found
        return best

    def point_groups(self, plans: list[LevelPlan]) -> list[Group]:
        wanted = {g for plan in plans for g in plan.level.when.point_groups}
        return [g for g_id, g in self.shared.points_groups.items() if g_id in wanted]

    def extra_points(self, groups: list[Group], flips: Flips) -> Iterator[Flips]:
        """Beyond the stars' routes: for each points() group the levels read, every
        cheapest way to earn more points (one per number of criteria), in combination."""
        if not groups:
            yield frozenset()
            return
        _, passing = self.simulate(flips)
        per_group: list[list[Flips]] = []
        for group in groups:
            kernel = self.kernel(group)
            options: list[tuple[int, Flips]] = []
            for item, weight in zip(group.items, kernel.weights, strict=True):
                if passing[item.index]:
                    continue
                if isinstance(item, Criterion):
                    options.append((weight, frozenset((item.index,))))
                else:
                    sub = self.cover(item, passing)
                    if sub is not None:
                        options.append((weight, sub))
            per_group.append([frozenset(), *frontier(options)])
        for combo in itertools.product(*per_group):
            yield frozenset().union(*combo)

    def try_levels(
        self, plans: list[LevelPlan], groups: list[Group], flips: Flips, trial: int
    ) -> Found | None:
        stars, passing = self.simulate(flips)
        env = LevelEnv(
            {s.id: stars[s.index] for s in self.tree.stars},
            {g.id: self.points(g, passing) for g in groups},
        )
        best: Found | None = None
        for plan in plans:
            met = self.satisfy(plan, plan.level.when.node, True, env)
            if met is None:
                continue
            key = (len(flips) + len(met), -plan.level.value, trial)
            if best is None or key < best.key:
                won = tuple(
                    s.index
                    for s in self.tree.stars
                    if stars[s.index] and self.stars[s.index] is not True
                )
                best = Found(key, plan.level.value, flips, won, met)
        return best

    def satisfy(
        self, plan: LevelPlan, node: ExprNode, want: bool, env: LevelEnv
    ) -> tuple[tuple[ExprNode, bool, Truth], ...] | None:
        """The fewest level conditions on indicators to change for `node` to come out
        `want` in this hypothetical; None when changing them cannot do it."""
        if plan.leaves is None:
            held = plan.level.when.evaluate(self.village, env)
            return () if held is want else None
        if isinstance(node, Logical):
            parts = [self.satisfy(plan, o, want, env) for o in node.operands]
            if (node.op == "and") == want:  # every operand must come out `want`
                if any(p is None for p in parts):
                    return None
                return tuple(c for p in parts if p is not None for c in p)
            found = [p for p in parts if p is not None]
            return min(found, key=len) if found else None
        if isinstance(node, Unary) and node.op == "not":
            return self.satisfy(plan, node.operand, not want, env)
        compiled, changeable = plan.leaves[node]
        value = compiled.evaluate(self.village, env)
        if value is not None and bool(value) is want:
            return ()
        return ((node, want, value),) if changeable else None
