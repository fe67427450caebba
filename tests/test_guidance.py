"""Next-star guidance (issue 12, item 3): `Assessment.next_steps()`.

1. Small fixture rulesets (tests/fixtures/guidance/): every kind of group (min_points with
   decimal points, added exactly), vetoes (blocked), `requires` chains, levels (the default
   rule, a ruleset's own levels with a condition on an indicator and with points()).
2. Properties. On the bundled Henan ruleset and on random small rulesets: setting the
   indicators a route names to values that meet their targets grants the star (unless
   blocked) and reaches the next level; a route is minimal (no smaller set of criteria wins
   the star, by brute force under the route's model: the named criteria pass, every other
   outcome stays, an unknown one counted as not passing). STARRULES_LONG=1 runs more.
3. The JSON record and the explanation.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import os
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import starrules
from starrules import AssessmentRecord, Village
from starrules.evaluation import Truth, all_of, any_of, at_least, min_points, star_status
from starrules.explain.results import CriterionStatus, NextSteps, Status
from starrules.explain.route_choice import choose
from starrules.expr.ast import Call, Compare, Literal, Logical, Name, Unary
from starrules.expr.ast import Node as ExprNode
from starrules.indicators import IndicatorKind
from starrules.rules import Criterion, Group, Node, RuleTree, requirements_first
from starrules.testing import small_rulesets, village_values

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
GUIDANCE = FIXTURES / "guidance"
HENAN_FILE = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
ZHEJIANG_FILE = ROOT / "rulesets" / "cn-zhejiang" / "zhejiang-rural-2022.1.yaml"
SCORE_FILE = ROOT / "docs" / "examples" / "score-demo-2024.1.yaml"
MODEL: dict[str, Any] = json.loads((FIXTURES / "eval_villages.json").read_text("utf-8"))["model"]
LONG = bool(os.environ.get("STARRULES_LONG"))


@pytest.fixture(scope="module")
def groups() -> starrules.Ruleset:
    return starrules.load_ruleset(GUIDANCE / "groups.yaml")


@pytest.fixture(scope="module")
def chains() -> starrules.Ruleset:
    return starrules.load_ruleset(GUIDANCE / "chains.yaml")


@pytest.fixture(scope="module")
def levels() -> starrules.Ruleset:
    return starrules.load_ruleset(GUIDANCE / "levels.yaml")


@pytest.fixture(scope="module")
def henan() -> starrules.Ruleset:
    return starrules.load_ruleset(HENAN_FILE)


def village_of(ruleset: starrules.Ruleset, values: dict[str, Any]) -> Village:
    """A village of the ruleset's jurisdiction and kind with these indicators (path → value;
    None or absent: unknown)."""
    data: dict[str, Any] = {
        "name": "指引村",
        "jurisdiction": ruleset.jurisdiction,
        "kind": ruleset.kind,
        "as_of": ruleset.effective_from.isoformat(),
    }
    for path, value in values.items():
        if value is not None:
            section, key = path.split(".", 1)
            data.setdefault(section, {})[key] = value
    return Village.model_validate(data)


def steps_of(ruleset: starrules.Ruleset, values: dict[str, Any]) -> NextSteps:
    return ruleset.evaluate(village_of(ruleset, values)).next_steps()


# -- the model a route promises: named criteria pass, the rest stays, unknown = not passing --


def model_stars(tree: RuleTree, nodes: list[Truth], flips: Iterable[str]) -> dict[str, bool]:
    """Each star granted or not once the criteria (and vetoes) `flips` pass, with every
    other outcome as recorded and unknown counted as not passing: the reference functions."""
    changed = set(flips)

    def passes(node: Node) -> bool:
        if isinstance(node, Criterion):
            return nodes[node.index] is True or node.id in changed
        values: list[Truth] = [passes(item) for item in node.items]
        if node.rule == "all":
            return all_of(values) is True
        if node.rule == "any":
            return any_of(values) is True
        if node.rule == "at_least":
            return at_least(node.needed or 0, values) is True
        points = [item.points or 0.0 for item in node.items]
        return min_points(node.needed or 0.0, points, values) is True

    result: dict[str, bool] = {}
    for star in requirements_first(tree.stars):
        triggered: list[Truth] = [not passes(v) for v in star.vetoes]
        required: list[Truth] = [result[r] for r in star.requires]
        result[star.id] = star_status(passes(star.grant), triggered, required) is True
    return result


def chain(tree: RuleTree, star_id: str) -> list[str]:
    """The star and every star it requires, directly or not."""
    found: dict[str, None] = {}
    pending = [star_id]
    while pending:
        current = pending.pop()
        if current not in found:
            found[current] = None
            pending.extend(tree.star(current).requires)
    return list(found)


def open_criteria(tree: RuleTree, nodes: list[Truth], star_ids: Iterable[str]) -> list[str]:
    """The criteria and vetoes of these stars that do not pass now: what a route may change."""
    return [
        node.id
        for star_id in star_ids
        for node in tree.star(star_id).nodes
        if isinstance(node, Criterion) and nodes[node.index] is not True
    ]


def assert_minimal(
    tree: RuleTree, nodes: list[Truth], star_id: str, criteria: list[str], budget: int = 5000
) -> bool:
    """No set of fewer criteria wins the star (checked when there are at most `budget`
    sets of one fewer; the model is monotone, so those are enough). False if skipped."""
    candidates = open_criteria(tree, nodes, chain(tree, star_id))
    size = len(criteria) - 1
    if size < 0 or math.comb(len(candidates), size) > budget:
        return False
    for subset in itertools.combinations(candidates, size):
        assert not model_stars(tree, nodes, subset)[star_id], (star_id, subset, criteria)
    return True


# -- values that meet a criterion's target, read from its test -----------------------------


def satisfying(tree: RuleTree, node: ExprNode, want: bool) -> dict[str, Any] | None:
    """Indicator values for which the test comes out `want`, or None when this simple
    solver cannot tell (then the example proves nothing)."""
    if isinstance(node, Name):
        spec = tree.indicators[node.path]
        return {node.path: want} if spec.kind is IndicatorKind.BOOL else None
    if isinstance(node, Unary) and node.op == "not":
        return satisfying(tree, node.operand, not want)
    if isinstance(node, Logical):
        every = (node.op == "and") == want
        parts = [satisfying(tree, o, want) for o in node.operands]
        if every:
            if any(p is None for p in parts):
                return None
            merged: dict[str, Any] = {}
            for p in parts:
                assert p is not None
                for path, value in p.items():
                    if merged.get(path, value) != value:
                        return None
                    merged[path] = value
            return merged
        return next((p for p in parts if p is not None), None)
    if isinstance(node, Compare):
        left, right, op = node.left, node.right, node.op
        if isinstance(left, Literal):
            flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
            left, right, op = right, left, flip[op]
        if not isinstance(right, Literal) or isinstance(right.value, bool | str):
            return None
        if not want:
            op = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}[op]
        if isinstance(left, Name):
            value = meeting(tree, left.path, op, float(right.value))
            return None if value is None else {left.path: value}
        if isinstance(left, Call) and left.function == "ratio" and op in (">=", ">"):
            a, b = left.args
            if isinstance(a, Name) and isinstance(b, Name):
                return {b.path: 100, a.path: 100}  # a ratio of 1 meets any bar up to 1
        return None
    return None


def meeting(tree: RuleTree, path: str, op: str, limit: float) -> Any:
    """A value of the indicator that satisfies `value <op> limit`."""
    kind = tree.indicators[path].kind
    if kind is IndicatorKind.COUNT:
        value: float = {
            ">=": math.ceil(limit),
            ">": math.floor(limit) + 1,
            "<=": math.floor(limit),
            "<": math.ceil(limit) - 1,
            "==": limit,
            "!=": limit + 1,
        }[op]
        return int(value) if value >= 0 and float(value).is_integer() else None
    step = 0.001 if kind is IndicatorKind.RATE else 1.0
    value = {">=": limit, ">": limit + step, "<=": limit, "<": limit - step, "==": limit}.get(
        op, limit + step
    )
    if kind is IndicatorKind.RATE and not 0 <= value <= 1:
        return None
    if kind is IndicatorKind.MONEY and value < 0:
        return None
    return value


def values_meeting(
    ruleset: starrules.Ruleset, current: dict[str, Any], criteria: list[str]
) -> dict[str, Any] | None:
    """The village's values with each named criterion's indicators set to meet its target
    (a veto: to clear); None when two criteria want one indicator differently."""
    tree = ruleset.tree
    nodes = {n.id: n for s in tree.stars for n in s.nodes if isinstance(n, Criterion)}
    changed: dict[str, Any] = {}
    for criterion_id in criteria:
        node = nodes[criterion_id]
        wanted = satisfying(tree, node.test.node, node.kind != "veto")
        if wanted is None:
            return None
        for path, value in wanted.items():
            if changed.get(path, value) != value:
                return None
            changed[path] = value
    return {**current, **changed}


def unchanged_elsewhere(
    before: list[Truth], after: list[Truth], tree: RuleTree, criteria: list[str]
) -> bool:
    """The route's model holds for these values: each named criterion passes now, and no
    other criterion or veto that passed before stopped passing (no shared indicator moved
    the wrong way)."""
    named = set(criteria)
    for star in tree.stars:
        for node in star.nodes:
            if not isinstance(node, Criterion):
                continue
            if node.id in named and after[node.index] is not True:
                return False
            if before[node.index] is True and after[node.index] is not True:
                return False
    return True


# -- 1. fixtures: groups ----------------------------------------------------------------------


def test_all_needs_every_criterion_not_passing(groups: starrules.Ruleset) -> None:
    steps = steps_of(
        groups,
        {
            "industry.collective_income": 50_000,
            "industry.dual_binding": False,
            "industry.local_jobs": 30,
        },
    )
    route = steps.stars["every"]
    assert route.status is Status.DENIED
    assert route.criteria == ["every.income", "every.binding"]
    assert route.blocked_by == [] and route.requires == [] and route.to_confirm == []
    income = steps.steps["every.income"]
    assert income.status is CriterionStatus.FAIL
    assert income.target == ">= 100000" and income.gap == 50_000
    assert income.reads == ["industry.collective_income"]
    assert income.observed == {"industry.collective_income": 50_000}
    assert income.star == "every" and income.kind == "criterion"
    assert steps.steps["every.binding"].target is None  # a yes/no test: its text says it


def test_any_needs_one_the_earliest_on_a_tie(groups: starrules.Ruleset) -> None:
    steps = steps_of(
        groups,
        {
            "ecology.garbage_system": False,
            "ecology.sanitary_toilet_rate": 0.5,
            "ecology.cleaning_days_per_month": 1,
        },
    )
    assert steps.stars["either"].criteria == ["either.garbage"]


def test_an_unknown_criterion_counts_as_to_change_and_to_confirm(
    groups: starrules.Ruleset,
) -> None:
    steps = steps_of(groups, {"ecology.sanitary_toilet_rate": 0.5})
    route = steps.stars["either"]
    assert route.status is Status.UNDETERMINED
    assert route.criteria == ["either.garbage"]  # unknown: counted as not passing
    assert route.to_confirm == ["either.garbage"]
    step = steps.steps["either.garbage"]
    assert step.status is CriterionStatus.UNKNOWN
    assert step.observed == {"ecology.garbage_system": None} and step.gap is None


def test_at_least_needs_k_minus_those_passing(groups: starrules.Ruleset) -> None:
    steps = steps_of(
        groups,
        {
            "safety.grid_management": False,
            "safety.video_coverage": True,
            "safety.key_population_managed": False,
            "safety.legal_adviser": False,
        },
    )
    assert steps.stars["two"].criteria == ["two.grid"]
    none = steps_of(groups, {f"safety.{k}": False for k in ("grid_management", "video_coverage")})
    assert none.stars["two"].criteria == ["two.grid", "two.video"]


def test_min_points_adds_decimal_points_exactly(groups: starrules.Ruleset) -> None:
    # 0.7 + 0.1 reaches the bar of 0.8 (a float sum, 0.7999999999999999, would not)
    steps = steps_of(
        groups,
        {
            "civility.practice_station": True,
            "civility.village_rules": False,
            "civility.councils": 0,
        },
    )
    assert steps.stars["score"].criteria == ["score.rules"]


def test_min_points_takes_the_fewest_items_not_the_first(groups: starrules.Ruleset) -> None:
    # bar 1 from 0.3, 0.3, 0.4, 0.9: two items (0.3 + 0.9) beat three (0.3 + 0.3 + 0.4)
    steps = steps_of(
        groups,
        {
            "safety.safety_inspections": 0,
            "ecology.greening_rate": 0.1,
            "ecology.hardened_road_rate": 0.1,
            "industry.skills_trainees": 0,
        },
    )
    assert steps.stars["weighted"].criteria == ["weighted.inspections", "weighted.trainees"]
    # with the 0.9 item passing, one more of any: the earliest
    steps = steps_of(
        groups,
        {
            "safety.safety_inspections": 0,
            "ecology.greening_rate": 0.1,
            "ecology.hardened_road_rate": 0.1,
            "industry.skills_trainees": 60,
        },
    )
    assert steps.stars["weighted"].criteria == ["weighted.inspections"]


def test_nested_groups_add_up(groups: starrules.Ruleset) -> None:
    steps = steps_of(
        groups,
        {
            "branch.secretary_strong": False,
            "branch.reserve_cadres": 1,
            "branch.pioneer_posts": 0,
            "branch.three_meetings_one_lesson": True,
            "branch.member_review_done": False,
            "branch.service_center_standard": False,
        },
    )
    assert steps.stars["nested"].criteria == ["nested.secretary", "nested.cadres", "nested.review"]


def test_a_granted_star_has_no_route(groups: starrules.Ruleset) -> None:
    steps = steps_of(groups, {"ecology.garbage_system": True})
    assert "either" not in steps.stars
    assert list(steps.stars) == ["every", "two", "score", "weighted", "nested"]  # ruleset order


def test_choose_is_an_exact_knapsack_by_cost() -> None:
    one, two = frozenset({1}), frozenset({2, 3})
    assert choose([(5, one), (1, two)], 0) == frozenset()
    assert choose([(5, one), (1, two)], 6) == frozenset({1, 2, 3})
    assert choose([(5, one), (1, two)], 7) is None
    assert choose([(1, one), (1, two)], 1) == one  # the cheaper
    assert choose([(1, two), (1, one)], 1) == one
    assert choose([(1, frozenset({4})), (1, one)], 1) == frozenset({4})  # tie: the earlier


@given(
    st.lists(st.tuples(st.integers(1, 9), st.integers(1, 3)), min_size=1, max_size=6),
    st.integers(0, 30),
)
@settings(max_examples=100 if not LONG else 2000, deadline=None)
def test_choose_matches_brute_force(items: list[tuple[int, int]], need: int) -> None:
    options = [(w, frozenset(range(10 * i, 10 * i + c))) for i, (w, c) in enumerate(items)]
    got = choose(options, need)
    feasible = [
        sum(len(options[i][1]) for i in subset)
        for n in range(len(options) + 1)
        for subset in itertools.combinations(range(len(options)), n)
        if sum(options[i][0] for i in subset) >= need
    ]
    if not feasible:
        assert got is None
    else:
        assert got is not None and len(got) == min(feasible)
        chosen = {i for i, (_, flips) in enumerate(options) if flips <= got}
        assert sum(options[i][0] for i in chosen) >= need


# -- 1. fixtures: vetoes and requires ---------------------------------------------------------

ALL_GOOD = {
    "industry.dual_binding": True,
    "industry.collective_income": 200_000,
    "safety.grid_management": True,
    "safety.criminal_cases": 0,
    "safety.escalated_petitions": 0,
    "ecology.garbage_system": True,
    "civility.practice_station": True,
}


def test_a_triggered_veto_blocks_the_star_and_those_requiring_it(
    chains: starrules.Ruleset,
) -> None:
    steps = steps_of(chains, {**ALL_GOOD, "safety.criminal_cases": 2})
    assert steps.stars["safe"].blocked_by == ["safe.crime"]
    assert steps.stars["safe"].criteria == []
    assert steps.stars["top"].blocked_by == ["safe.crime"]
    assert steps.stars["top"].criteria == [] and steps.stars["top"].requires == []
    assert set(steps.stars) == {"safe", "top"}


def test_an_unknown_veto_is_a_step_to_confirm(chains: starrules.Ruleset) -> None:
    steps = steps_of(chains, {**ALL_GOOD, "safety.escalated_petitions": None})
    route = steps.stars["safe"]
    assert route.status is Status.UNDETERMINED
    assert route.criteria == ["safe.petition"] and route.to_confirm == ["safe.petition"]
    step = steps.steps["safe.petition"]
    assert step.kind == "veto" and step.status is CriterionStatus.UNKNOWN
    assert step.target == "<= 0"  # what clears it


def test_the_requires_chain_is_counted(chains: starrules.Ruleset) -> None:
    steps = steps_of(
        chains,
        {
            **ALL_GOOD,
            "industry.dual_binding": False,
            "ecology.garbage_system": False,
            "civility.practice_station": False,
        },
    )
    assert steps.stars["base"].criteria == ["base.binding"]
    middle = steps.stars["middle"]
    assert middle.requires == ["base"]
    assert middle.criteria == ["base.binding", "middle.garbage"]
    top = steps.stars["top"]
    assert top.requires == ["base", "middle"]  # safe is held
    assert top.criteria == ["base.binding", "middle.garbage", "top.station"]


def test_a_star_denied_only_through_its_requirement_names_that_route(
    chains: starrules.Ruleset,
) -> None:
    steps = steps_of(chains, {**ALL_GOOD, "industry.collective_income": 10})
    assert steps.stars["middle"].status is Status.DENIED
    assert steps.stars["middle"].criteria == ["base.income"]
    assert steps.stars["top"].criteria == ["base.income"]
    assert steps.stars["top"].requires == ["base", "middle"]


# -- 1. fixtures: levels ------------------------------------------------------------------------


def test_the_next_level_by_default_is_the_cheapest_star(chains: starrules.Ruleset) -> None:
    steps = steps_of(
        chains,
        {**ALL_GOOD, "industry.dual_binding": False, "industry.collective_income": 0},
    )
    assert steps.level == 1  # safe
    route = steps.next_level
    assert route is not None
    assert route.level == 2 and route.name is not None and route.name.en == "2-star"
    # base's two criteria also win middle and top (denied only through base): on a tie of
    # cost, the route that reaches higher
    assert route.stars == ["base", "middle", "top"]
    assert route.criteria == ["base.binding", "base.income"]
    assert route.reaches == 4


def test_the_default_next_level_ties_go_to_the_earlier_star(chains: starrules.Ruleset) -> None:
    # base held; safe and middle each win one star with one criterion: safe comes first
    steps = steps_of(
        chains, {**ALL_GOOD, "ecology.garbage_system": False, "safety.grid_management": False}
    )
    route = steps.next_level
    assert route is not None and route.stars == ["safe"] and route.reaches == 2
    assert route.criteria == ["safe.grid"]


def test_no_next_level_at_the_top_or_when_every_route_is_blocked(
    chains: starrules.Ruleset,
) -> None:
    assert steps_of(chains, ALL_GOOD).next_level is None
    assert steps_of(chains, ALL_GOOD).stars == {}
    blocked = steps_of(chains, {**ALL_GOOD, "safety.criminal_cases": 1})
    assert blocked.level == 2 and blocked.next_level is None


def test_explicit_levels_follow_the_rulesets_definition(levels: starrules.Ruleset) -> None:
    only_red = {
        "industry.dual_binding": True,
        "ecology.garbage_system": False,
        "ecology.sanitary_toilet_rate": 0.5,
        "safety.grid_management": False,
        "safety.video_coverage": False,
        "safety.legal_adviser": False,
    }
    steps = steps_of(levels, only_red)
    assert steps.level == 1
    route = steps.next_level
    assert route is not None
    assert (route.level, route.reaches) == (2, 2)
    assert route.name is not None and route.name.en == "Second"
    assert route.stars == ["blue"] and route.criteria == ["blue.adviser"]  # 2 points at once
    assert route.conditions == []


def test_a_level_condition_on_an_indicator_is_part_of_the_route(
    levels: starrules.Ruleset,
) -> None:
    everything = {
        "industry.dual_binding": True,
        "ecology.garbage_system": True,
        "ecology.sanitary_toilet_rate": 0.9,
        "safety.legal_adviser": True,
    }
    steps = steps_of(levels, everything)
    assert steps.level == 3
    route = steps.next_level
    assert route is not None and route.level == 4
    assert route.stars == [] and route.criteria == []
    assert [c.expression for c in route.conditions] == ["branch.secretary_strong"]
    assert route.conditions[0].status is CriterionStatus.UNKNOWN
    steps = steps_of(levels, {**everything, "branch.secretary_strong": False})
    route = steps.next_level
    assert route is not None and route.conditions[0].status is CriterionStatus.FAIL
    assert steps_of(levels, {**everything, "branch.secretary_strong": True}).next_level is None


def test_points_in_levels_give_a_route_without_a_star(levels: starrules.Ruleset) -> None:
    score = starrules.load_ruleset(SCORE_FILE)
    values = {"branch.secretary_strong": True, "ecology.sanitary_toilet_rate": 0.9}
    steps = steps_of(score, values)  # 50 points known, income and station unknown
    route = steps.next_level
    assert route is not None and route.level == 1
    assert route.criteria == ["score.income"] and route.to_confirm == ["score.income"]
    assert route.reaches == 2  # 80 points
    held = steps_of(score, {**values, "industry.collective_income": 200_000})  # 80: level 2
    assert held.level == 2 and held.stars == {}
    route = held.next_level
    assert route is not None and route.level == 3
    assert route.stars == [] and route.criteria == ["score.station"]  # 100 points


def test_zhejiang_3a_needs_the_extra_standard() -> None:
    zhejiang = starrules.load_ruleset(ZHEJIANG_FILE)
    from starrules.testing.structure import _extreme

    values = _extreme(zhejiang, True)
    values["extra.aaa_standard"] = False
    steps = steps_of(zhejiang, values)
    assert steps.level == 5
    route = steps.next_level
    assert route is not None and route.level == 6 and route.criteria == []
    assert [c.expression for c in route.conditions] == ["extra.aaa_standard"]


def test_explicit_level_routes_are_minimal(levels: starrules.Ruleset) -> None:
    """Brute force over every set of criteria: none smaller reaches the next level (levels
    without conditions on indicators)."""
    tree = levels.tree
    grid = [True, False, None]
    for drawn in itertools.product(grid, repeat=4):
        values: dict[str, Any] = dict(
            zip(
                (
                    "industry.dual_binding",
                    "ecology.garbage_system",
                    "safety.grid_management",
                    "safety.legal_adviser",
                ),
                drawn,
                strict=True,
            )
        )
        values["ecology.sanitary_toilet_rate"] = 0.9
        values["branch.secretary_strong"] = False
        a = levels.evaluate(village_of(levels, values))
        steps = a.next_steps()
        route = steps.next_level
        assert route is not None
        nodes = levels.program.record(a.input)
        candidates = open_criteria(tree, nodes, [s.id for s in tree.stars])
        for size in range(len(route.criteria) + len(route.conditions)):
            for subset in itertools.combinations(candidates, size):
                assert model_level(levels, a.input, nodes, subset) < route.level, (values, subset)
        if not route.conditions:
            assert model_level(levels, a.input, nodes, route.criteria) >= route.reaches


class _Env(dict[str, Truth]):
    def __init__(self, stars: dict[str, Truth], points: dict[str, Fraction | int]) -> None:
        super().__init__(stars)
        self._points = points

    def points(self, group_id: str) -> tuple[Fraction | int, Fraction | int]:
        return self._points[group_id], self._points[group_id]


def model_level(
    ruleset: starrules.Ruleset, village: Village, nodes: list[Truth], flips: Iterable[str]
) -> int:
    tree = ruleset.tree
    changed = set(flips)
    stars = model_stars(tree, nodes, changed)
    points: dict[str, Fraction | int] = {}
    for star in tree.stars:
        for node in star.nodes:
            if isinstance(node, Group) and node.rule == "min_points":
                points[node.id] = sum(
                    (
                        Fraction(repr(item.points or 0.0))
                        for item in node.items
                        if isinstance(item, Criterion)
                        and (nodes[item.index] is True or item.id in changed)
                    ),
                    Fraction(0),
                )
    env = _Env(dict(stars), points)
    for level in tree.levels or ():
        if level.when.evaluate(village, env) is True:
            return level.value
    return 0


# -- 2. properties ------------------------------------------------------------------------------


def check_routes(ruleset: starrules.Ruleset, values: dict[str, Any], strict: bool) -> int:
    """Apply each route's values and check the promise; with `strict`, no route may touch
    another criterion (the bundled rulesets); else such examples are skipped. The number of
    routes checked."""
    tree = ruleset.tree
    a = ruleset.evaluate(village_of(ruleset, values), check_dates=False)
    steps = a.next_steps()
    before = ruleset.program.record(a.input)
    checked = 0
    routes: list[tuple[list[str], str | None, int | None]] = [
        (route.criteria, star_id, None)
        for star_id, route in steps.stars.items()
        if not route.blocked_by
    ]
    if steps.next_level is not None and not steps.next_level.conditions:
        routes.append((steps.next_level.criteria, None, steps.next_level.level))
    for star_id, route in steps.stars.items():
        assert a.status(star_id) is not Status.GRANTED
        assert set(route.to_confirm) <= set(route.criteria)
        if route.blocked_by:
            assert a.status(star_id) is Status.DENIED and not route.criteria
            continue
        assert route.criteria, star_id
        # the promise, in the route's model
        assert model_stars(tree, before, route.criteria)[star_id], (star_id, route)
        assert_minimal(tree, before, star_id, route.criteria)
    open_routes = [r for r in steps.stars.values() if not r.blocked_by]
    if tree.levels is None:  # the default rule: the next level is the cheapest star
        if steps.next_level is None:
            assert a.level.min == len(tree.stars) or not open_routes
        else:
            assert steps.next_level.level == a.level.min + 1
            assert len(steps.next_level.criteria) == min(len(r.criteria) for r in open_routes)
    for criteria, star_of_route, level in routes:
        changed = values_meeting(ruleset, values, criteria)
        if changed is None:
            assert not strict, criteria
            continue
        after_village = village_of(ruleset, changed)
        after = ruleset.evaluate(after_village, check_dates=False)
        if not unchanged_elsewhere(before, ruleset.program.record(after_village), tree, criteria):
            assert not strict, criteria
            continue
        checked += 1
        if star_of_route is not None:
            assert after.status(star_of_route) is Status.GRANTED, (star_of_route, criteria)
        if level is not None:
            assert after.level.min >= level, (criteria, changed, after.level)
    return checked


@given(st.data())
@settings(
    max_examples=100 if not LONG else 1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_henan_routes_grant_what_they_promise(henan_ruleset: starrules.Ruleset, data: Any) -> None:
    values = data.draw(village_values(henan_ruleset, unknown=0.15))
    check_routes(henan_ruleset, values, strict=True)


@pytest.fixture(scope="module")
def henan_ruleset() -> starrules.Ruleset:
    return starrules.load_ruleset(HENAN_FILE)


@given(small_rulesets(), st.data())
@settings(
    max_examples=60 if not LONG else 1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_small_ruleset_routes_grant_what_they_promise(
    ruleset: starrules.Ruleset, data: Any
) -> None:
    values = data.draw(village_values(ruleset, unknown=0.2))
    check_routes(ruleset, values, strict=False)


def test_the_property_checks_real_routes_on_the_fixtures(
    groups: starrules.Ruleset, chains: starrules.Ruleset
) -> None:
    """The properties' checker itself, on fixtures where every route must apply cleanly."""
    assert check_routes(groups, {}, strict=True) >= 6
    assert check_routes(chains, {"safety.criminal_cases": None}, strict=True) >= 4


# -- 3. the record and the explanation ----------------------------------------------------------


def mixed_village() -> Village:
    data = copy.deepcopy(MODEL)
    data["industry"]["collective_income"] = 50_000
    data["safety"]["criminal_cases"] = 1
    del data["civility"]["councils"]
    return Village.model_validate(data)


def test_the_full_record_carries_next_steps(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(mixed_village())
    record = json.loads(a.to_json())
    assert list(record)[-2:] == ["next_steps", "ignored"]
    assert record["next_steps"] == a.next_steps().model_dump(mode="json")
    assert record["next_steps"]["stars"]["industry"]["criteria"] == ["industry.collective-income"]
    assert record["next_steps"]["stars"]["safety"]["blocked_by"] == ["safety.criminal-case"]
    assert record["next_steps"]["next_level"]["level"] == 2
    again = AssessmentRecord.model_validate_json(a.to_json())
    assert again.next_steps == a.next_steps()
    assert "next_steps" not in json.loads(a.to_json("compact"))


def test_an_old_record_without_next_steps_still_reads(henan: starrules.Ruleset) -> None:
    data = json.loads(henan.evaluate(mixed_village()).to_json())
    del data["next_steps"]
    assert AssessmentRecord.model_validate(data).next_steps is None


def test_the_schema_describes_next_steps(henan: starrules.Ruleset) -> None:
    from jsonschema import Draft202012Validator

    from starrules.render.json_schemas import json_schema

    schema = json_schema("assessment")
    assert "next_steps" in schema["properties"]
    Draft202012Validator(schema).validate(json.loads(henan.evaluate(mixed_village()).to_json()))


def next_section(text: str) -> str:
    for head in ("下一步（补齐短板）：", "Next steps (what to improve):"):
        if head in text:
            return text.split(head, 1)[1]
    raise AssertionError(text)


def test_explain_zh_names_what_wins_each_star(henan: starrules.Ruleset) -> None:
    section = next_section(henan.evaluate(mixed_village()).explain("zh"))
    lines = section.strip().splitlines()
    assert lines[0].strip() == "距摘得产业兴旺星还差 1 项："
    assert "村集体经济年收入不低于10万元 — 还差 50,000 元" in lines[1]
    assert "平安法治星：已被否决，无法摘得" in section
    assert "距摘得文明幸福星还差 1 项（其中 1 项缺少数据，待确认）" in section
    assert "支部过硬星：无法摘得，其前提星平安法治星已被否决" in section
    assert "升至二星（2）最少还需 1 项：摘得产业兴旺星" in section


def test_explain_en_names_what_wins_each_star(henan: starrules.Ruleset) -> None:
    section = next_section(henan.evaluate(mixed_village()).explain("en"))
    assert "To win Thriving Industry, 1 more criterion:" in section
    assert "short by 50,000 CNY" in section
    assert "Safety and Rule of Law: cannot be won, vetoed" in section
    assert "(1 of them with no data, to confirm)" in section
    assert "Strong Branch: cannot be won: it requires Safety and Rule of Law" in section
    assert "To reach 2-star (2), at least 1 more criterion: win Thriving Industry" in section


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_at_the_top_level(henan: starrules.Ruleset, lang: str) -> None:
    five = henan.evaluate(Village.model_validate(MODEL))
    assert five.level.value == 5
    text = five.explain("zh" if lang == "zh" else "en")
    assert ("已是最高等级" if lang == "zh" else "Already at the highest level") in text


def test_explain_lists_a_capstones_own_criteria_and_its_chain(chains: starrules.Ruleset) -> None:
    a = chains.evaluate(
        village_of(
            chains,
            {**ALL_GOOD, "industry.dual_binding": False, "civility.practice_station": False},
        )
    )
    zh = next_section(a.explain("zh"))
    assert "距摘得顶星还差 2 项（含须先摘得的基础星、中间星）：" in zh
    en = next_section(a.explain("en"))
    assert "To win Top, 2 more criteria (including what Base, Middle need" in en


def test_explain_level_conditions_and_reach(levels: starrules.Ruleset) -> None:
    a = levels.evaluate(
        village_of(
            levels,
            {
                "industry.dual_binding": True,
                "ecology.garbage_system": True,
                "ecology.sanitary_toilet_rate": 0.9,
                "safety.legal_adviser": True,
            },
        )
    )
    zh = next_section(a.explain("zh"))
    assert "升至示范（4）最少还需 1 项：满足等级条件：" in zh
    en = next_section(a.explain("en"))
    assert "To reach Model (4), at least 1 more criterion: meet the level's condition:" in en


def test_explain_an_unknown_veto_asks_to_confirm_it(chains: starrules.Ruleset) -> None:
    a = chains.evaluate(village_of(chains, {**ALL_GOOD, "safety.escalated_petitions": None}))
    assert "须确认未发生" in a.explain("zh")
    assert "confirm it did not happen" in a.explain("en")


def test_next_steps_are_built_once(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(mixed_village())
    assert a.next_steps() is a.next_steps()
    assert a.to_record().next_steps is a.next_steps()


def test_the_documented_explanation_is_what_explain_writes(henan: starrules.Ruleset) -> None:
    page = (ROOT / "docs" / "guidance.md").read_text("utf-8")
    block = page.split("## In `explain()`", 1)[1].split("```", 2)[1]
    text = henan.evaluate(mixed_village()).explain("zh")
    for line in block.strip("\n").splitlines():
        if "…" not in line:
            assert line in text, line
