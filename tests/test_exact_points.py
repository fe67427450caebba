"""Exact points (issue 9, item 1): decimal points and bars are added and compared exactly.

0.1 + 0.7 is 0.7999999999999999 in binary floating point, so a float sum misses a bar of
0.8 that the written decimals reach. Everywhere points meet a bar (the fast path, the
recorded explanation, `min_points()`, `points()` in levels, the load-time reachability
check of files and overlays), the decimals are taken as written.

1. The issue's reproductions, through the public API (tests/fixtures/exact_points*.yaml).
2. Outputs show the same numbers as before (0.3, not 3/10).
3. A property over random decimal points, bars and item outcomes against a rational oracle
   (`fractions.Fraction`): star status, the recorded group, `points()` in levels, and
   whether the file loads at all. STARRULES_LONG=1 runs thousands of examples.
4. Overlays and the durable-rules translation.
"""

from __future__ import annotations

import json
import operator
import os
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import starrules
from starrules import CriterionStatus, RulesetError, Status
from starrules.evaluation import Truth, min_points, star_status
from starrules.rules import Group
from starrules.testing import small_rulesets, villages

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXACT = FIXTURES / "exact_points.yaml"
TIGHT = FIXTURES / "exact_points_tight.yaml"
UNREACHABLE = FIXTURES / "broken" / "compile-min-points-decimal-unreachable.yaml"

LONG = bool(os.environ.get("STARRULES_LONG"))
ORACLE = settings(
    max_examples=5000 if LONG else 200,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

PASS, FAIL, UNKNOWN = CriterionStatus.PASS, CriterionStatus.FAIL, CriterionStatus.UNKNOWN


def village(values: dict[str, Truth], jurisdiction: str = "cn-test") -> starrules.Village:
    """A village with these yes/no indicators (None: left out, so unknown)."""
    data: dict[str, Any] = {
        "name": "测试村",
        "jurisdiction": jurisdiction,
        "kind": "rural",
        "as_of": "2024-06-30",
    }
    for path, value in values.items():
        if value is not None:
            section, name = path.split(".")
            data.setdefault(section, {})[name] = value
    return starrules.Village.model_validate(data)


def group_status(assessment: starrules.Assessment, star: str, group: str) -> CriterionStatus:
    (found,) = [c for c in assessment.stars[star].criteria if c.id == group]
    return found.status


@pytest.fixture(scope="module")
def exact() -> starrules.Ruleset:
    return starrules.load_ruleset(EXACT)


# -- 1. the reproductions ------------------------------------------------------------


def test_a_bar_met_by_one_item_is_granted_when_the_other_fails(exact: starrules.Ruleset) -> None:
    # [0.3, 0.6], bar 0.6: the 0.6 item passes, the 0.3 item fails. A float fast path took
    # 0.3 + 0.6 - 0.3 < 0.6 and denied the star while its own group recorded pass.
    assessment = exact.evaluate(
        village({"industry.dual_binding": False, "industry.branch_led_cooperative": True})
    )
    assert assessment.status("thirds") is Status.GRANTED
    assert group_status(assessment, "thirds", "thirds.total") is PASS


def test_a_bar_met_by_one_item_is_open_while_the_other_is_unknown(
    exact: starrules.Ruleset,
) -> None:
    assessment = exact.evaluate(village({"industry.branch_led_cooperative": None}))
    assert assessment.status("thirds") is Status.UNDETERMINED
    assessment = exact.evaluate(
        village({"industry.dual_binding": None, "industry.branch_led_cooperative": True})
    )
    assert assessment.status("thirds") is Status.GRANTED


@pytest.mark.parametrize(
    "a, b, c",
    [
        (True, True, True),  # 0.9 of 0.8
        (True, False, True),  # 0.1 + 0.7: exactly the bar
        (False, True, True),
    ],
)
def test_tenths_that_add_up_to_the_bar_pass(
    exact: starrules.Ruleset, a: bool, b: bool, c: bool
) -> None:
    # [0.1, 0.1, 0.7], bar 0.8: 0.1 + 0.7 is 0.7999999999999999 in floats.
    assessment = exact.evaluate(
        village(
            {"ecology.garbage_system": a, "safety.grid_management": b, "safety.video_coverage": c}
        )
    )
    assert assessment.status("tenths") is Status.GRANTED
    assert group_status(assessment, "tenths", "tenths.total") is PASS
    assert assessment.level.value == 2  # points("tenths.total") >= 0.8


def test_tenths_one_short_of_the_bar_fail_and_unknowns_leave_it_open(
    exact: starrules.Ruleset,
) -> None:
    fails = exact.evaluate(
        village(
            {
                "ecology.garbage_system": True,
                "safety.grid_management": True,
                "safety.video_coverage": False,
            }
        )
    )
    assert fails.status("tenths") is Status.DENIED
    assert group_status(fails, "tenths", "tenths.total") is FAIL
    # 0.1 known, 0.1 failed, 0.7 unknown: 0.1 to 0.8, so the bar may still be met.
    open_ = exact.evaluate(
        village({"ecology.garbage_system": True, "safety.grid_management": False})
    )
    assert open_.status("tenths") is Status.UNDETERMINED
    assert group_status(open_, "tenths", "tenths.total") is UNKNOWN
    assert (open_.level.min, open_.level.max) == (0, 2)


def test_points_in_levels_compare_exactly(exact: starrules.Ruleset) -> None:
    # points("thirds.total") == 0.9: 0.3 + 0.6 is 0.8999999999999999 in floats.
    no_tenths = {f: False for f in ("ecology.garbage_system", "safety.grid_management")}
    both = village(
        {"industry.dual_binding": True, "industry.branch_led_cooperative": True, **no_tenths}
    )
    assert exact.evaluate(both).level.value == 1
    only_large = village(
        {"industry.dual_binding": False, "industry.branch_led_cooperative": True, **no_tenths}
    )
    assert exact.evaluate(only_large).level.value == 0
    unknown_small = village({"industry.branch_led_cooperative": True, **no_tenths})
    level = exact.evaluate(unknown_small).level  # 0.6 to 0.9: may be 0.9
    assert (level.min, level.max) == (0, 1)


def test_a_bar_equal_to_the_decimal_total_loads_and_is_reachable() -> None:
    # [0.1, 0.7], bar 0.8: the loader refused it as unreachable (0.7999999999999999 < 0.8).
    ruleset = starrules.load_ruleset(TIGHT)
    both = village({"branch.secretary_strong": True, "branch.three_meetings_one_lesson": True})
    assert ruleset.evaluate(both).status("tight") is Status.GRANTED
    one = village({"branch.secretary_strong": True, "branch.three_meetings_one_lesson": False})
    assert ruleset.evaluate(one).status("tight") is Status.DENIED


def test_a_bar_above_the_decimal_total_is_refused_where_it_is_written() -> None:
    with pytest.raises(RulesetError) as caught:
        starrules.load_ruleset(UNREACHABLE)
    (problem,) = caught.value.problems
    assert problem.location.file == str(UNREACHABLE)
    assert (problem.location.line, problem.location.column) == (15, 19)
    assert problem.message == "min_points 0.9 is more than the 0.8 points available"


def test_min_points_takes_float_points_as_the_decimals_written() -> None:
    assert min_points(0.6, [0.3, 0.6], [False, True]) is True
    assert min_points(0.8, [0.1, 0.1, 0.7], [True, False, True]) is True
    assert min_points(0.8, [0.1, 0.7], [True, None]) is None
    assert min_points(0.8, [0.1, 0.7], [True, False]) is False
    assert min_points(Fraction(4, 5), [Fraction(1, 10), 0.7], [True, True]) is True


# -- 2. outputs keep the numbers as written ---------------------------------------------------


def test_outputs_show_the_points_and_bars_as_written(exact: starrules.Ruleset) -> None:
    assessment = exact.evaluate(village({"industry.dual_binding": True}))
    criteria = {c.id: c for c in assessment.stars["thirds"].criteria}
    assert criteria["thirds.small"].points == 0.3
    assert type(criteria["thirds.small"].points) is float
    assert criteria["thirds.total"].needed == 0.6
    dumped = json.loads(assessment.model_dump_json())
    dumped_criteria = {c["id"]: c for c in dumped["stars"]["thirds"]["criteria"]}
    assert dumped_criteria["thirds.small"]["points"] == 0.3
    assert '"points":0.3' in assessment.model_dump_json()
    tenths = exact.tree.star("tenths").grant
    assert tenths.describe("en") == "at least 0.8 points from 3"
    assert tenths.describe("zh") == "3 项得分不低于 0.8"
    for lang in ("en", "zh"):
        text = assessment.explain(lang)
        assert "3/10" not in text and "4/5" not in text


# -- 3. random decimals against a rational oracle ---------------------------------------------

FLAGS = (
    "industry.dual_binding",
    "industry.branch_led_cooperative",
    "industry.one_village_one_product",
    "ecology.garbage_system",
    "safety.grid_management",
    "safety.video_coverage",
)
OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


def decimals(low: int = 1) -> st.SearchStrategy[Fraction]:
    """Decimals with 1 to 3 places, from 0.001 up to 99.9."""
    return st.builds(
        lambda places, digits: Fraction(digits, 10**places),
        st.integers(1, 3),
        st.integers(low, 999),
    )


def written(value: Fraction) -> str:
    """The decimal as an author writes it ('0.700', '12.5')."""
    assert 10**6 % value.denominator == 0
    return str(Decimal(value.numerator) / Decimal(value.denominator))


@st.composite
def decimal_cases(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, len(FLAGS)))
    points = draw(st.lists(decimals(), min_size=n, max_size=n))
    outcomes: list[Truth] = draw(
        st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)
    )

    def near_a_sum() -> Fraction:
        # The interesting bars are the sums a subset of items reaches (exactly, or a step
        # either side); otherwise any decimal.
        chosen = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        total = sum((p for p, c in zip(points, chosen, strict=True) if c), Fraction(0))
        step = Fraction(1, 10 ** draw(st.integers(1, 3)))
        value = total + draw(st.sampled_from([-step, Fraction(0), Fraction(0), step]))
        return value if value > 0 else draw(decimals())

    bar = draw(st.one_of(st.just(None), decimals())) or near_a_sum()
    levels = [
        (
            draw(st.sampled_from(sorted(OPS))),
            draw(st.one_of(st.just(None), decimals(0))) or near_a_sum(),
            draw(st.booleans()),  # the number on the left
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    return {"points": points, "outcomes": outcomes, "bar": bar, "levels": levels}


def document(case: dict[str, Any]) -> str:
    """The ruleset as JSON text (valid YAML), with every decimal as written."""
    items = ",".join(
        f'{{"id": "c{i}", "test": "{FLAGS[i]}", "points": {written(p)},'
        f' "text": {{"zh": "项{i}", "en": "c{i}"}}}}'
        for i, p in enumerate(case["points"])
    )
    levels = []
    for value, (op, limit, flipped) in zip(
        range(len(case["levels"]), 0, -1), case["levels"], strict=True
    ):
        when = (
            f'{written(limit)} {FLIP[op]} points(\\"g\\")'
            if flipped
            else f'points(\\"g\\") {op} {written(limit)}'
        )
        levels.append(
            f'{{"value": {value}, "name": {{"zh": "{value}", "en": "{value}"}}, "when": "{when}"}}'
        )
    return (
        '{"starrules": 1, "id": "exact", "jurisdiction": "cn-test", "kind": "rural",'
        ' "version": "1", "effective": {"from": "2020-01-01"},'
        ' "title": {"zh": "小数", "en": "decimals"},'
        ' "stars": [{"id": "s", "name": {"zh": "星", "en": "star"},'
        f' "grant": {{"id": "g", "min_points": {written(case["bar"])}, "of": [{items}]}}}}]'
        + (f', "levels": [{",".join(levels)}]' if levels else "")
        + "}"
    )


def range_compare(op: str, low: Fraction, high: Fraction, limit: Fraction) -> Truth:
    """A range [low, high] against a number: yes or no when the whole range agrees."""
    outcomes = {OPS[op](low, limit), OPS[op](high, limit)}
    if op == "==":
        return True if low == high == limit else (False if not low <= limit <= high else None)
    if op == "!=":
        return False if low == high == limit else (True if not low <= limit <= high else None)
    return outcomes.pop() if len(outcomes) == 1 else None  # the others are monotone


@ORACLE
@given(decimal_cases())
def test_decimal_points_agree_with_a_rational_oracle(case: dict[str, Any]) -> None:
    points: list[Fraction] = case["points"]
    outcomes: list[Truth] = case["outcomes"]
    bar: Fraction = case["bar"]
    total = sum(points, Fraction(0))
    text = document(case)
    event("bar above the total: refused" if bar > total else "loads")
    if bar > total:
        with pytest.raises(RulesetError, match="points available"):
            starrules.loads_ruleset(text, "<exact>")
        return
    ruleset = starrules.loads_ruleset(text, "<exact>")
    subject = village(dict(zip(FLAGS, outcomes, strict=False)))
    low = sum((p for p, o in zip(points, outcomes, strict=True) if o is True), Fraction(0))
    high = low + sum((p for p, o in zip(points, outcomes, strict=True) if o is None), Fraction(0))
    expected: Truth = True if low >= bar else (False if high < bar else None)
    event(f"star {expected}")
    if bar in (low, high):
        event("a sum exactly at the bar")

    assessment = ruleset.evaluate(subject)
    status = {True: Status.GRANTED, False: Status.DENIED, None: Status.UNDETERMINED}
    assert assessment.status("s") is status[expected]
    group = {True: PASS, False: FAIL, None: UNKNOWN}
    assert group_status(assessment, "s", "g") is group[expected]
    floats = [float(written(p)) for p in points]
    assert min_points(float(written(bar)), floats, outcomes) is expected

    program = ruleset.program
    assert program._points["g"](subject) == (low, high)
    if not case["levels"]:  # the default rule: the level is the number of stars granted
        level = (int(expected is True), int(expected is not False))
        assert (assessment.level.min, assessment.level.max) == level
        return
    conditions = program.level_conditions(subject)
    wanted = [range_compare(op, low, high, limit) for op, limit, _ in case["levels"]]
    assert [truth for _, truth in conditions] == wanted
    possible: list[int] = []
    for (value, _), truth in zip(conditions, wanted, strict=True):
        if truth is not False:
            possible.append(value)
        if truth is True:
            break
    else:
        possible.append(0)
    assert (assessment.level.min, assessment.level.max) == (min(possible), max(possible))


@settings(
    max_examples=1000 if LONG else 100, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(st.data())
def test_fast_and_recorded_paths_agree_on_random_decimal_rulesets(data: st.DataObject) -> None:
    # small_rulesets draws decimal points (0.1, 0.25, 0.3, 0.7, …) and bars that some items
    # reach exactly, in nested groups of every kind.
    ruleset = data.draw(small_rulesets())
    subject = data.draw(villages(ruleset, unknown=0.3))
    assessment = ruleset.evaluate(subject)
    statuses = ruleset.program.record(subject)
    decided: dict[str, Truth] = {}
    for star in ruleset.tree.stars:
        for node in star.nodes:
            if isinstance(node, Group):
                items = [statuses[i.index] for i in node.items]
                if node.rule == "min_points":
                    reference = min_points(
                        node.needed or 0.0, [i.points or 0.0 for i in node.items], items
                    )
                    assert statuses[node.index] is reference, node.id
        vetoes = [None if statuses[v.index] is None else not statuses[v.index] for v in star.vetoes]
        decided[star.id] = star_status(
            statuses[star.grant.index], vetoes, [decided[r] for r in star.requires]
        )
        status = {True: Status.GRANTED, False: Status.DENIED, None: Status.UNDETERMINED}
        assert assessment.status(star.id) is status[decided[star.id]], star.id


def test_small_rulesets_draw_decimal_points() -> None:
    seen: set[float] = set()

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(small_rulesets())
    def collect(ruleset: starrules.Ruleset) -> None:
        seen.update(n.points for s in ruleset.tree.stars for n in s.nodes if n.points is not None)

    collect()
    assert seen & {0.1, 0.25, 0.3, 0.7}


# -- 4. overlays and the durable-rules translation --------------------------------------------

BASE = """\
starrules: 1
id: decimal-rural
jurisdiction: cn-test
kind: rural
version: "1"
effective: {from: 2020-01-01}
title: {zh: 省, en: Province}
stars:
  - id: care
    name: {zh: 生态, en: Care}
    grant:
      id: care.points
      min_points: 0.5
      of:
        - {id: care.a, test: ecology.garbage_system, points: 0.3, text: {zh: 甲, en: a}}
        - {id: care.b, test: safety.grid_management, points: 0.6, text: {zh: 乙, en: b}}
        - {id: care.c, test: safety.video_coverage, points: 1, text: {zh: 丙, en: c}}
"""


def county(body: str) -> str:
    return (
        "starrules: 1\nid: decimal-rural\njurisdiction: cn-test/county\nkind: rural\n"
        'version: "1"\neffective: {from: 2021-01-01}\ntitle: {zh: 县, en: County}\n'
        'extends: "decimal-rural@1"\n' + body
    )


def load_county(tmp_path: Path, body: str) -> starrules.Ruleset:
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "county.yaml").write_text(county(body), encoding="utf-8")
    registry = starrules.Registry.from_paths([tmp_path])
    (found,) = [r for r in registry.rulesets if r.jurisdiction == "cn-test/county"]
    return found


def test_an_overlay_bar_equal_to_the_decimal_points_left_loads(tmp_path: Path) -> None:
    ruleset = load_county(
        tmp_path,
        "override:\n  care.a: {points: 0.1}\n  care.b: {points: 0.7}\n"
        "  care.points: {min_points: 0.8}\nremove: [care.c]\n",
    )
    both = village(
        {"ecology.garbage_system": True, "safety.grid_management": True},
        jurisdiction="cn-test/county",
    )
    assert ruleset.evaluate(both).status("care") is Status.GRANTED


def test_an_overlay_bar_above_the_decimal_points_left_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesetError) as caught:
        load_county(
            tmp_path,
            "override:\n  care.a: {points: 0.1}\n  care.b: {points: 0.7}\n"
            "  care.points: {min_points: 0.9}\nremove: [care.c]\n",
        )
    (problem,) = caught.value.problems
    assert problem.message == "group 'care.points' needs 0.9 points of only 0.8"
    assert problem.location.file is not None and problem.location.file.endswith("county.yaml")


def test_tighten_only_compares_decimal_points_exactly(tmp_path: Path) -> None:
    # 0.3 → 0.3 (written 0.30) earns no more; 0.3 → 0.31 does.
    ruleset = load_county(tmp_path, "policy: tighten-only\noverride:\n  care.a: {points: 0.30}\n")
    assert ruleset.tree.star("care").grant.items[0].points == 0.3
    with pytest.raises(RulesetError, match="would earn more points"):
        load_county(tmp_path, "policy: tighten-only\noverride:\n  care.a: {points: 0.31}\n")


def test_tighten_only_points_on_a_criterion_without_points_is_refused_not_a_crash(
    tmp_path: Path,
) -> None:
    # It used to format the missing points (None) with :g and raise a TypeError; a criterion
    # without points is outside any min_points group, where points cannot be given at all.
    (tmp_path / "base.yaml").write_text(
        BASE
        + "  - id: plain\n    name: {zh: 普通, en: Plain}\n    grant:\n      all:\n"
        + "        - {id: plain.a, test: branch.secretary_strong, text: {zh: 甲, en: a}}\n",
        encoding="utf-8",
    )
    (tmp_path / "county.yaml").write_text(
        county("policy: tighten-only\noverride:\n  plain.a: {points: 2}\n"), encoding="utf-8"
    )
    with pytest.raises(RulesetError) as caught:
        starrules.Registry.from_paths([tmp_path])
    messages = [p.message for p in caught.value.problems]
    assert messages == ["points only count inside a min_points group"], messages


def test_points_stars_are_decided_natively_by_the_rete_backend() -> None:
    from starrules.monitor.translate import translate

    translation = translate(starrules.load_ruleset(EXACT).tree)
    assert translation.stars == ()
    assert translation.native == frozenset({0, 1})
    assert all("min_points" in f.reason for f in translation.fallbacks)
