"""Next-star guidance (补齐短板): what to change to win each star not held, and the cheapest
route to the next level. `Assessment.next_steps()` builds it; docs/guidance.md has the rules.

The model. A route makes some criteria pass (a veto: not hold) and leaves every other outcome
as it is, with an unknown outcome counted as not passing: a route never relies on data nobody
reported. An unknown criterion that a route needs is counted as one to change, and also listed
as *to confirm* (it may be met already). Criteria are taken as independent: two criteria that
read one indicator in opposite directions are not reconciled.

* A star: the fewest criteria that make its grant group pass (every group kind is a threshold
  over integer weights, `GroupKernel`, so one exact 0/1 knapsack by cost serves them all;
  ties go to the earlier items), plus its unknown vetoes, plus the routes of the stars it
  requires that are not held (the chain, each criterion counted once). A triggered veto, of
  the star or of a star it requires, blocks it: no route.
* The next level: the lowest level above the one held for certain (`level.min`). By default
  (level = number of stars) that is one more star, the cheapest. With a ruleset's own
  `levels`, every set of stars to win is tried (the 12 cheapest stars at most), with extra
  points for the `points()` groups the levels read, and a level's own conditions on
  indicators (e.g. Zhejiang's 3A standard) count one each; the cheapest route to any level
  at or above the next wins (ties: the higher level, then fewer and earlier stars).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..evaluation import GroupKernel
from ..exact import Exact, as_number
from ..expr import CompiledExpression
from ..expr.ast import Call, Logical, Name, Unary, to_source, walk
from ..expr.ast import Node as ExprNode
from ..expr.compiler import compile_expression, indicator_getter
from ..expr.errors import ExpressionError
from ..expr.types import Scope
from ..i18n import Text
from ..rules import Criterion, Group, Level, RuleTree, default_level_name
from ..village import Village
from .records import Explanation, RecordTables, construct, construct_from
from .results import (
    CriterionStatus,
    LevelCondition,
    LevelResult,
    LevelRoute,
    NextSteps,
    StarRoute,
    Status,
    Step,
)

Truth = bool | None
JSON = dict[str, Any]
Flips = frozenset[int]  # node indices of the criteria (and vetoes) a route changes

MAX_STARS: Final = 12  # stars tried together for an explicit level (2^12 sets at most)
MAX_TRIALS: Final = 4096  # hypothetical evaluations for one level route

__all__ = [
    "MAX_STARS",
    "MAX_TRIALS",
    "LevelCondition",
    "LevelRoute",
    "NextSteps",
    "StarRoute",
    "Step",
    "next_steps_data",
    "next_steps_model",
]


@dataclass(frozen=True, slots=True)
class _Route:
    blocked: tuple[str, ...]
    requires: tuple[int, ...]  # star indices, required ones first
    flips: Flips


@dataclass(frozen=True, slots=True)
class _Found:
    """A candidate route to a level: its cost key and what it changes."""

    key: tuple[int, int, int]  # (size, -level, order of trial)
    level: int
    flips: Flips
    stars: tuple[int, ...]
    conditions: tuple[tuple[ExprNode, bool, Truth], ...]  # (leaf, wanted value, value now)


def choose(options: Sequence[tuple[int, Flips]], need: int) -> Flips | None:
    """The fewest criteria that bring `need` more weight, from items given as (weight, the
    criteria that make the item pass); None when even every item together falls short.
    Exact for any integer weights: a 0/1 knapsack over cost (the number of criteria), which
    stays small where weights (scaled decimal points) may be large. On ties the earlier
    items are taken."""
    if need <= 0:
        return frozenset()
    costs = [len(flips) for _, flips in options]
    if all(weight == 1 for weight, _ in options):  # all, any, at_least: the cheapest `need`
        if len(options) < need:
            return None
        chosen = sorted(range(len(options)), key=lambda i: (costs[i], i))[:need]
    else:
        total, n = sum(costs), len(options)
        # best[i][c]: the most weight items i.. can add with at most c criteria changed
        best = [[0] * (total + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            weight, cost = options[i][0], costs[i]
            row, after = best[i], best[i + 1]
            for c in range(total + 1):
                row[c] = max(after[c], weight + after[c - cost]) if c >= cost else after[c]
        budget = next((c for c in range(total + 1) if best[0][c] >= need), None)
        if budget is None:
            return None
        chosen = []
        for i in range(n):  # the earliest items that still allow the optimum
            weight, cost = options[i][0], costs[i]
            if cost <= budget and weight + best[i + 1][budget - cost] >= need:
                chosen.append(i)
                budget -= cost
                need -= weight
                if need <= 0:
                    break
    return frozenset(index for i in chosen for index in options[i][1])


class _LevelEnv(dict[str, Truth]):
    """What a level condition reads in a hypothetical: star outcomes, and points()."""

    __slots__ = ("_points",)

    def __init__(self, stars: dict[str, Truth], points: Mapping[str, Exact]) -> None:
        super().__init__(stars)
        self._points = points

    def points(self, group_id: str) -> tuple[Exact, Exact]:
        value = self._points[group_id]
        return value, value


@dataclass(frozen=True, slots=True)
class _Plan:
    """A level's condition split at and / or / not into leaves. A leaf that reads
    indicators only (no stars, no points) is a condition a village can change."""

    level: Level
    leaves: Mapping[ExprNode, tuple[CompiledExpression, bool]] | None  # None: not split


class _Tables:
    """What guidance needs from the rules alone, built once per ruleset (kept in its
    `RecordTables`): every group's kernel, and each level's condition split into leaves."""

    __slots__ = ("kernels", "plans", "points_groups", "steps")

    def __init__(self, tables: RecordTables) -> None:
        tree = tables.tree
        groups = [n for s in tree.stars for n in s.nodes if isinstance(n, Group)]
        self.kernels = {g.index: GroupKernel.of(g) for g in groups}
        self.points_groups = {g.id: g for g in groups if g.rule == "min_points"}
        scope = Scope(
            tree.indicators,
            stars=frozenset(s.id for s in tree.stars),
            point_groups=frozenset(self.points_groups),
        )
        self.plans = {level.value: _plan(level, scope) for level in tree.levels or ()}
        # A `Step`'s fields per criterion and veto, in its order; the dynamic ones unset.
        self.steps: dict[int, JSON] = {
            node.index: {
                "criterion": node.id,
                "star": star.id,
                "kind": node.kind,
                "status": None,
                "reads": tuple(path for path, _ in node.test.getters),
                "observed": None,
                "target": tables.leaves[node.index].target,
                "gap": None,
                "layer": node.layer.ref,
            }
            for star in tree.stars
            for node in star.nodes
            if isinstance(node, Criterion)
        }

    @staticmethod
    def of(tables: RecordTables) -> _Tables:
        # Two threads may both build them the first time; either result is the same.
        built = tables.guide
        if not isinstance(built, _Tables):
            built = tables.guide = _Tables(tables)
        return built


def _plan(level: Level, scope: Scope) -> _Plan:
    leaves: dict[ExprNode, tuple[CompiledExpression, bool]] = {}
    pending = [level.when.node]
    try:
        while pending:
            node = pending.pop()
            if isinstance(node, Logical):
                pending.extend(node.operands)
            elif isinstance(node, Unary) and node.op == "not":
                pending.append(node.operand)
            else:
                leaves[node] = (compile_expression(to_source(node), scope), _changeable(node))
    except ExpressionError:  # e.g. a plug-in function: the condition is judged whole
        return _Plan(level, None)
    return _Plan(level, leaves)


class _Guide:
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
        self.shared = _Tables.of(tables)
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

    def star_routes(self) -> dict[int, _Route]:
        nodes, stars, tree = self.nodes, self.stars, self.tree
        routes: dict[int, _Route] = {}
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
                routes[star.index] = _Route(tuple(blocked), (), frozenset())
            else:
                routes[star.index] = _Route((), tuple(requires), frozenset(flips))
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
    def level_route(self, routes: dict[int, _Route]) -> _Found | None:
        held = self.level.min
        open_routes = {i: r for i, r in routes.items() if not r.blocked}
        if self.tree.levels is None:
            if held >= len(self.tree.stars):
                return None
            best: _Found | None = None
            for star in self.tree.stars:
                route = open_routes.get(star.index)
                if route is None:
                    continue
                reaches = held + 1 + len(route.requires)
                key = (len(route.flips), -reaches, star.index)
                if best is None or key < best.key:
                    won = tuple(sorted((*route.requires, star.index)))
                    best = _Found(key, reaches, route.flips, won, ())
            return best
        return self.explicit_level_route(open_routes)

    def explicit_level_route(self, routes: dict[int, _Route]) -> _Found | None:
        levels = self.tree.levels or ()
        target = min((lv.value for lv in levels if lv.value > self.level.min), default=None)
        if target is None:
            return None
        plans = [self.shared.plans[lv.value] for lv in levels if lv.value >= target]
        groups = self.point_groups(plans)
        cheapest = sorted(routes, key=lambda i: (len(routes[i].flips), i))[:MAX_STARS]
        candidates = sorted(cheapest)
        best: _Found | None = None
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

    def point_groups(self, plans: list[_Plan]) -> list[Group]:
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
            per_group.append([frozenset(), *self.frontier(options)])
        for combo in itertools.product(*per_group):
            yield frozenset().union(*combo)

    @staticmethod
    def frontier(options: list[tuple[int, Flips]]) -> list[Flips]:
        """For each number of criteria changed, the cheapest change that earns the most
        points with that many (only those that earn more than one fewer would)."""
        ways: list[Flips] = []
        total = sum(len(f) for _, f in options)
        earned = 0
        for budget in range(1, total + 1):
            # the most weight reachable with at most `budget` criteria, then how
            most = _most(options, budget)
            if most > earned:
                chosen = choose(options, most)
                if chosen is not None and len(chosen) <= budget:
                    ways.append(chosen)
                    earned = most
        return ways

    def try_levels(
        self, plans: list[_Plan], groups: list[Group], flips: Flips, trial: int
    ) -> _Found | None:
        stars, passing = self.simulate(flips)
        env = _LevelEnv(
            {s.id: stars[s.index] for s in self.tree.stars},
            {g.id: self.points(g, passing) for g in groups},
        )
        best: _Found | None = None
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
                best = _Found(key, plan.level.value, flips, won, met)
        return best

    def satisfy(
        self, plan: _Plan, node: ExprNode, want: bool, env: _LevelEnv
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


def _most(options: list[tuple[int, Flips]], budget: int) -> int:
    """The most weight the options add with at most `budget` criteria changed (0/1 knapsack)."""
    best = [0] * (budget + 1)
    for weight, flips in options:
        cost = len(flips)
        for c in range(budget, cost - 1, -1):
            best[c] = max(best[c], best[c - cost] + weight)
    return best[budget]


def _changeable(node: ExprNode) -> bool:
    """A level condition a village can change: it reads indicators, and no star or points."""
    reads_indicator = False
    for part in walk(node):
        if isinstance(part, Name):
            if part.path == "stars" or part.path.startswith("stars."):
                return False
            reads_indicator = True
        elif isinstance(part, Call) and part.function in ("points", "count"):
            return False
    return reads_indicator


def next_steps_data(
    tables: RecordTables,
    village: Village,
    stars: Sequence[Truth],
    ex: Explanation,
    level: LevelResult,
) -> JSON:
    """The guidance for one assessment as plain JSON data, field for field a `NextSteps`
    (what the full record holds): a route per star not held, and to the next level."""
    guide = _Guide(tables, village, stars, ex, level)
    tree = tables.tree
    routes = guide.star_routes()
    found = guide.level_route(routes)
    nodes = ex.nodes
    id_of = tables.id_of

    def ids(flips: Flips) -> tuple[list[str], list[str]]:
        """The criteria in ruleset order, and those of them that are unknown."""
        ordered = sorted(flips)
        return [id_of[i] for i in ordered], [id_of[i] for i in ordered if nodes[i] is None]

    star_routes: JSON = {}
    named: set[int] = set()
    for star in tree.stars:
        route = routes.get(star.index)
        if route is None:
            continue
        named |= route.flips
        criteria, to_confirm = ids(route.flips)
        star_routes[star.id] = {
            "star": star.id,
            "status": "denied" if stars[star.index] is False else "undetermined",
            "blocked_by": list(route.blocked),
            "requires": [s.id for s in tree.stars if s.index in route.requires],
            "criteria": criteria,
            "to_confirm": to_confirm,
        }
    next_level = None
    if found is not None:
        named |= found.flips
        if tree.levels is None:
            target: int = level.min + 1
            name = default_level_name(target)
        else:
            target = min(lv.value for lv in tree.levels if lv.value > level.min)
            name = next(lv.name for lv in tree.levels if lv.value == target)
        criteria, to_confirm = ids(found.flips)
        next_level = {
            "level": target,
            "name": {"zh": name.zh, "en": name.en},
            "reaches": found.level,
            "stars": [tree.stars[i].id for i in found.stars],
            "criteria": criteria,
            "conditions": [
                _condition(leaf, want, now, village) for leaf, want, now in found.conditions
            ],
            "to_confirm": to_confirm,
        }
    templates = guide.shared.steps
    values, details = ex.values, ex.details
    steps: JSON = {}
    for i in sorted(named):
        step = templates[i].copy()
        failing = nodes[i] is False
        step["status"] = "fail" if failing else "unknown"
        step["reads"] = list(step["reads"])  # the record's own list, never the template's
        step["observed"] = {path: values[path] for path in step["reads"]}
        detail = details.get(i)
        step["gap"] = detail[0] if detail is not None and failing else None
        steps[id_of[i]] = step
    return {"level": level.min, "stars": star_routes, "next_level": next_level, "steps": steps}


def _condition(leaf: ExprNode, want: bool, now: Truth, village: Village) -> JSON:
    shown = leaf if want else Unary("not", leaf, 0)
    reads = list(dict.fromkeys(p.path for p in walk(leaf) if isinstance(p, Name)))
    return {
        "expression": to_source(shown),
        "reads": reads,
        "observed": {p: indicator_getter(p)(village) for p in reads},
        "status": "unknown" if now is None else "fail",
    }


def next_steps_model(data: JSON) -> NextSteps:
    """`next_steps_data` as the models, built without validation (the data is the
    library's own; tests/test_records.py holds the two equal to a validated record)."""

    def own(d: JSON) -> JSON:  # the model's own lists and maps, never the data's
        return {k: list(v) if isinstance(v, list) else v for k, v in d.items()}

    def step(d: JSON) -> Step:
        fields = {**own(d), "observed": dict(d["observed"])}
        fields["status"] = CriterionStatus(d["status"])
        return construct_from(Step, fields)

    def condition(d: JSON) -> LevelCondition:
        fields = {**own(d), "observed": dict(d["observed"])}
        fields["status"] = CriterionStatus(d["status"])
        return construct_from(LevelCondition, fields)

    stars = {
        star_id: construct_from(StarRoute, {**own(d), "status": Status(d["status"])})
        for star_id, d in data["stars"].items()
    }
    level = data["next_level"]
    next_level = None
    if level is not None:
        next_level = construct_from(
            LevelRoute,
            {
                **own(level),
                "name": construct_from(Text, dict(level["name"])),
                "conditions": [condition(c) for c in level["conditions"]],
            },
        )
    return construct(
        NextSteps,
        level=data["level"],
        stars=stars,
        next_level=next_level,
        steps={k: step(v) for k, v in data["steps"].items()},
    )
