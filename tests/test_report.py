"""Reports over many assessments (reports.py): villages per star and per level with ranges,
the share at three stars or above, the Σ check, the criteria that hold villages back (短板),
missing indicators, plans; streaming."""

from __future__ import annotations

import json
import weakref
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, provincial_examples, ruleset_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import starrules
from starrules import Assessment, Village
from starrules.errors import InputError
from starrules.inputs.villages import read_villages
from starrules.reports import GroupReport, Report, ReportBuilder, report
from starrules.reports.plans import Span
from starrules.reports.targets_file import read_targets
from starrules.testing import small_rulesets, villages

FIXTURES = Path(__file__).parent / "fixtures" / "report"
RULES = starrules.load_ruleset(FIXTURES / "rules.yaml")
HENAN = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"


def fixture_assessments() -> list[Assessment]:
    return [RULES.evaluate(r.village) for r in read_villages(FIXTURES / "villages.jsonl")]


def stars_of(group: GroupReport) -> dict[str, tuple[int, int, int]]:
    return {s.id: (s.granted, s.denied, s.undetermined) for s in group.stars}


def levels_of(group: GroupReport) -> dict[int, tuple[int, int]]:
    return {lv.value: (lv.fewest, lv.most) for lv in group.levels}


# -- the counts -----------------------------------------------------------------------------


def test_stars_levels_share_and_check() -> None:
    total = report(fixture_assessments(), by=None).total
    assert total.villages == 5 and total.undetermined == 1
    assert stars_of(total) == {"a": (1, 3, 1), "b": (3, 2, 0), "c": (1, 3, 1)}
    # 全星村 3; 缺收入村 1; 欠薪村 0; 待定村 1–3; 多短村 0
    assert levels_of(total) == {3: (1, 2), 2: (0, 1), 1: (1, 2), 0: (2, 2)}
    assert [lv.value for lv in total.levels] == [3, 2, 1, 0]  # highest first
    assert total.levels[0].name.zh == "三星"
    assert total.three_plus == Span(1, 2)
    assert (total.three_plus_share.fewest, total.three_plus_share.most) == (0.2, 0.4)
    check = total.check
    assert (check.villages, check.levels, check.stars, check.holds) == (4, 4, 4, True)


def test_criteria_holding_villages_back_and_the_only_gaps() -> None:
    total = report(fixture_assessments(), by=None).total
    rows = [(c.id, c.star, c.failing, c.only_gap) for c in total.criteria]
    assert rows == [
        ("a.income", "a", 2, 1),  # 缺收入村 (its only gap), 多短村
        ("b.toilets", "b", 2, 0),
        ("a.arrears", "a", 1, 1),  # 欠薪村: the veto is the only gap
        ("a.coop", "a", 1, 0),  # only where the `any` failed: 多短村
        ("a.product", "a", 1, 0),
        ("b.garbage", "b", 1, 0),
        ("b.green", "b", 1, 0),  # not 全星村's: its at_least passed
        ("c.secretary", "c", 1, 0),  # 欠薪村: failing, but c also lacks a and b
    ]
    assert total.criteria[0].text.zh == "收入不低于100"


def test_missing_indicators_that_leave_villages_undetermined() -> None:
    total = report(fixture_assessments(), by=None).total
    assert [(m.indicator, m.villages) for m in total.missing] == [("industry.collective_income", 1)]
    assert total.missing[0].label is not None
    assert total.missing[0].label.zh == "村集体经济年收入"


def test_missing_indicators_come_in_a_fixed_order() -> None:
    # equal counts: in the order the assessment lists them (stars, then criteria), the same
    # in every run (not the order of a set, which changes with the hash seed)
    village = Village.model_validate(
        {"name": "空村", "jurisdiction": "cn-test/a/b", "kind": "rural"}
    )
    assessment = RULES.evaluate(village, starrules_date())
    total = report([assessment], by=None).total
    assert (
        [m.indicator for m in total.missing]
        == assessment.missing
        == [
            "industry.collective_income",
            "industry.branch_led_cooperative",
            "industry.one_village_one_product",
            "industry.wage_arrears_cases",
            "ecology.garbage_system",
            "ecology.sanitary_toilet_rate",
            "ecology.greening_rate",
            "branch.secretary_strong",
        ]
    )


def test_groups_by_township_county_and_jurisdiction() -> None:
    assessments = fixture_assessments()
    by_township = report(assessments, by="township")
    names = [(g.name, g.jurisdiction, g.villages) for g in by_township.groups]
    # 西镇 exists in two counties: two groups
    assert names == [
        ("东镇", "cn-test/east/k1", 3),
        ("西镇", "cn-test/east/k1", 1),
        ("西镇", "cn-test/west/k2", 1),
    ]
    assert all(g.kind == "township" for g in by_township.groups)
    assert by_township.total.kind == "total"
    by_county = report(assessments, by="county")
    assert [(g.name, g.villages) for g in by_county.groups] == [
        ("cn-test/east/k1", 4),
        ("cn-test/west/k2", 1),
    ]
    by_place = report(assessments, by="jurisdiction")
    assert [g.name for g in by_place.groups] == ["cn-test/east/k1", "cn-test/west/k2"]
    assert report(assessments, by=None).groups == ()


def test_the_county_is_the_first_three_parts_of_the_jurisdiction() -> None:
    deep = Village.model_validate(
        {"name": "深村", "jurisdiction": "cn-test/east/k1/street", "kind": "rural"}
    )
    assessments = [*fixture_assessments(), RULES.evaluate(deep, starrules_date())]
    by_county = report(assessments, by="county")
    assert (by_county.groups[0].name, by_county.groups[0].villages) == ("cn-test/east/k1", 5)
    by_place = report(assessments, by="jurisdiction")
    assert "cn-test/east/k1/street" in [g.name for g in by_place.groups]
    by_township = report(assessments, by="township")
    assert by_township.groups[-1].township is None  # no township given


def starrules_date() -> date:
    return date(2023, 12, 31)


def test_total_is_the_sum_of_the_groups() -> None:
    result = report(fixture_assessments(), by="township")
    total = result.total
    for attr in ("villages", "undetermined"):
        assert getattr(total, attr) == sum(getattr(g, attr) for g in result.groups)
    summed: Counter[str] = Counter()
    for g in result.groups:
        for c in g.criteria:
            summed[c.id] += c.failing
    assert summed == Counter({c.id: c.failing for c in total.criteria})
    assert total == report(fixture_assessments(), by=None).total


def test_unknown_grouping_is_an_input_error() -> None:
    with pytest.raises(InputError, match="township, county, jurisdiction"):
        report([], by="village")  # type: ignore[arg-type]


def test_an_empty_input_gives_an_empty_report() -> None:
    result = report([], by="township")
    assert result.groups == () and result.total.villages == 0
    assert result.total.three_plus == Span(0, 0)
    assert result.total.three_plus_share.fewest == 0.0


# -- custom levels --------------------------------------------------------------------------


def test_the_check_fails_where_levels_are_not_the_number_of_stars() -> None:
    ruleset = ruleset_of(
        [
            {
                "id": "s",
                "name": {"zh": "星", "en": "Star"},
                "grant": {
                    "all": [
                        {
                            "id": "s.x",
                            "test": "branch.secretary_strong",
                            "text": {"zh": "书记", "en": "Secretary"},
                        }
                    ]
                },
            }
        ],
        levels=[{"value": 3, "name": {"zh": "三星", "en": "3"}, "when": "count(stars) >= 1"}],
    )
    village = Village.model_validate(
        {
            "name": "村",
            "jurisdiction": "cn-test",
            "kind": "rural",
            "branch": {"secretary_strong": True},
        }
    )
    total = report([ruleset.evaluate(village, starrules_date())], by=None).total
    assert (total.check.levels, total.check.stars, total.check.holds) == (3, 1, False)
    assert [lv.value for lv in total.levels] == [3, 0]
    assert total.three_plus == Span(1, 1)


def test_missing_indicators_of_an_open_level_count_when_every_star_is_decided() -> None:
    # Regression: a village holding every star whose level is still open (its level reads
    # an unknown indicator) was left out of the missing indicators.
    ruleset = ruleset_of(
        [
            {
                "id": "s",
                "name": {"zh": "星", "en": "Star"},
                "grant": {
                    "all": [
                        {
                            "id": "s.x",
                            "test": "branch.secretary_strong",
                            "text": {"zh": "书记", "en": "Secretary"},
                        }
                    ]
                },
            }
        ],
        levels=[
            {
                "value": 2,
                "name": {"zh": "二星", "en": "2"},
                "when": "count(stars) >= 1 and branch.reserve_cadres >= 3",
            },
            {"value": 1, "name": {"zh": "一星", "en": "1"}, "when": "count(stars) >= 1"},
        ],
    )
    village = Village.model_validate(
        {
            "name": "村",
            "jurisdiction": "cn-test",
            "kind": "rural",
            "branch": {"secretary_strong": True},
        }
    )
    assessment = ruleset.evaluate(village, starrules_date())
    assert assessment.status("s") == "granted" and assessment.level.value is None
    total = report([assessment], by=None).total
    assert [(m.indicator, m.villages) for m in total.missing] == [("branch.reserve_cadres", 1)]


# -- the Henan examples ---------------------------------------------------------------------


def test_henan_examples_match_their_documented_distribution() -> None:
    ruleset = starrules.load_ruleset(HENAN)
    total = report((ruleset.evaluate(v) for v in provincial_examples()), by=None).total
    fewest = {lv.value: lv.fewest for lv in total.levels}
    assert fewest == {5: 3, 4: 5, 3: 15, 2: 10, 1: 3, 0: 0}  # examples/README.md
    assert total.undetermined == 4
    most = {lv.value: lv.most for lv in total.levels}
    assert most[5] == 4 and most[3] == 15 + 4 and most[2] == 10 + 3
    assert total.check.holds and total.check.villages == 36
    assert total.check.levels == sum(v * n for v, n in fewest.items())
    assert {m.indicator for m in total.missing} == {
        "ecology.sanitary_toilet_rate",
        "industry.collective_income",
        "safety.criminal_cases",
        "civility.star_households",
    }


# -- plans ----------------------------------------------------------------------------------


def test_targets_are_compared_whatever_the_grouping() -> None:
    targets = read_targets(FIXTURES / "targets.yaml")
    for by in ("township", "county", None):
        plans = report(fixture_assessments(), by=by, targets=targets).plans
        assert [(p.target.township, p.villages, p.status) for p in plans] == [
            ("东镇", 3, "met"),
            (None, 4, "open"),
            ("西镇", 1, "short"),
        ]
    county = plans[1]
    assert [(g.kind, g.needed, g.achieved, g.short_by) for g in county.goals] == [
        ("level", 2, Span(1, 2), Span(0, 1)),
        ("share", 1, Span(1, 2), Span(0, 0)),
    ]


def test_targets_from_a_path() -> None:
    plans = report(fixture_assessments(), targets=FIXTURES / "targets.csv").plans
    assert [p.status for p in plans] == ["met", "open", "short"]


def test_a_target_with_no_village_in_the_input(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("targets:\n  - {township: 东镇乡, levels: {3: 1}}\n", encoding="utf-8")
    (plan,) = report(fixture_assessments(), targets=path).plans
    assert plan.status == "no-villages" and plan.villages == 0
    assert plan.suggestions == ("东镇",)


def test_a_township_target_in_two_counties_must_say_which(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("targets:\n  - {township: 西镇, levels: {3: 1}}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        report(fixture_assessments(), targets=path)
    message = str(info.value)
    assert message.startswith(f"{path}:2:5:")
    assert "cn-test/east/k1" in message and "cn-test/west/k2" in message


# -- nearest the next level ----------------------------------------------------------------


def test_villages_nearest_their_next_level() -> None:
    total = report(fixture_assessments(), nearest=2).total
    # 全星村 holds every star; the four others are each one criterion from the next level
    assert (total.nearest.one_away, total.nearest.two_away) == (4, 0)
    # one criterion away first, then those aiming higher, then input order
    first, second = total.nearest.villages
    assert (first.name, first.level, first.next_level) == ("缺收入村", 1, 2)
    assert first.criteria == ("a.income",) and first.to_confirm == () and first.distance == 1
    assert first.next_level_name is not None and first.next_level_name.zh == "二星"
    assert (second.name, second.level, second.next_level) == ("待定村", 1, 2)
    assert second.to_confirm == ("a.income",)  # unknown: maybe met already
    assert first.township == "东镇" and first.jurisdiction == "cn-test/east/k1"


def test_nearest_per_group_and_none_asked() -> None:
    result = report(fixture_assessments(), by="township", nearest=1)
    assert [len(g.nearest.villages) for g in result.groups] == [1, 1, 1]
    assert [g.nearest.one_away for g in result.groups] == [2, 1, 1]
    result = report(fixture_assessments(), by="township", nearest=0)
    assert result.total.nearest.villages == () and result.total.nearest.one_away == 4
    with pytest.raises(InputError, match="nearest"):
        report([], nearest=-1)


def test_nearest_with_a_rulesets_own_levels() -> None:
    ruleset = ruleset_of(
        [
            {
                "id": f"s{i}",
                "name": {"zh": f"星{i}", "en": f"Star {i}"},
                "grant": {
                    "all": [
                        {
                            "id": f"s{i}.x",
                            "test": f"industry.local_jobs >= {i}",
                            "text": {"zh": "岗位", "en": "Jobs"},
                        }
                    ]
                },
            }
            for i in (1, 2)
        ],
        levels=[
            {"value": 5, "name": {"zh": "五星", "en": "5"}, "when": "count(stars) >= 2"},
            {"value": 3, "name": {"zh": "三星", "en": "3"}, "when": "count(stars) >= 1"},
        ],
    )
    village = Village.model_validate(
        {"name": "村", "jurisdiction": "cn-test", "kind": "rural", "industry": {"local_jobs": 1}}
    )
    assessment = ruleset.evaluate(village, starrules_date())
    (near,) = report([assessment], by=None).total.nearest.villages
    assert (near.level, near.next_level, near.criteria) == (3, 5, ("s2.x",))


# -- streaming ------------------------------------------------------------------------------


@pytest.mark.parametrize(("nearest", "kept"), [(0, 0), (1, 3)])
def test_assessments_are_consumed_one_at_a_time_and_not_kept(nearest: int, kept: int) -> None:
    villages = [r.village for r in read_villages(FIXTURES / "villages.jsonl")] * 3
    alive: list[weakref.ref[Village]] = []  # each assessment's own copy of its village
    most = 0

    def stream() -> Iterator[Assessment]:
        nonlocal most
        for village in villages:
            copy = village.model_copy()
            alive.append(weakref.ref(copy))
            yield RULES.evaluate(copy)
            del copy
            most = max(most, sum(ref() is not None for ref in alive))

    result = report(stream(), by="township", nearest=nearest)
    assert result.total.villages == 15
    # the builder keeps counts, and the nearest villages asked for (at most `nearest` for
    # each of the 3 groups), not the assessments
    assert most <= kept + 1


def test_builder_gives_partial_results_and_keeps_counting() -> None:
    builder = ReportBuilder(by="township")
    items = fixture_assessments()
    for a in items[:2]:
        builder.add(a)
    early = builder.result(partial=True)
    assert early.partial and early.total.villages == 2
    for a in items[2:]:
        builder.add(a)
    late = builder.result()
    assert not late.partial and late.total.villages == 5
    assert early.total.villages == 2  # a result does not change afterwards


# -- the result -----------------------------------------------------------------------------


def test_report_is_immutable() -> None:
    result = report(fixture_assessments())
    assert isinstance(result, Report)
    with pytest.raises(AttributeError):
        result.total = result.total  # type: ignore[misc]
    assert isinstance(result.groups, tuple) and isinstance(result.total.stars, tuple)


def test_json_form() -> None:
    result = report(fixture_assessments(), by="township", targets=FIXTURES / "targets.yaml")
    data = json.loads(result.to_json())
    assert data == result.to_dict()
    assert data["format"] == "report/1" and data["by"] == "township"
    assert data["partial"] is False
    total = data["total"]
    assert total["villages"] == 5
    assert total["stars"]["a"] == {
        "name": {"zh": "甲星", "en": "Star A"},
        "granted": 1,
        "denied": 3,
        "undetermined": 1,
    }
    assert total["levels"][0] == {
        "value": 3,
        "name": {"zh": "三星", "en": "3-star"},
        "fewest": 1,
        "most": 2,
    }
    assert total["three_plus"] == {"fewest": 1, "most": 2, "share": {"fewest": 0.2, "most": 0.4}}
    assert total["check"] == {"villages": 4, "levels": 4, "stars": 4, "holds": True}
    assert total["criteria"][0] == {
        "id": "a.income",
        "star": "a",
        "text": {"zh": "收入不低于100", "en": "Income at least 100"},
        "failing": 2,
        "only_gap": 1,
    }
    assert total["missing"][0]["indicator"] == "industry.collective_income"
    assert [g["name"] for g in data["groups"]] == ["东镇", "西镇", "西镇"]
    assert [p["status"] for p in data["plans"]] == ["met", "open", "short"]
    nearest = total["nearest"]
    assert (nearest["one_away"], nearest["two_away"]) == (4, 0)
    assert nearest["villages"][0] == {
        "name": "缺收入村",
        "code": None,
        "township": "东镇",
        "jurisdiction": "cn-test/east/k1",
        "level": 1,
        "next_level": 2,
        "next_level_name": {"zh": "二星", "en": "2-star"},
        "distance": 1,
        "stars": ["a", "c"],  # passing a.income wins a, and c, which only lacked a
        "criteria": ["a.income"],
        "conditions": [],
        "to_confirm": [],
    }
    indented = result.to_json(indent=2)
    assert json.loads(indented) == data and b"\n  " in indented


def test_group_lookup_by_name() -> None:
    result = report(fixture_assessments(), by="township")
    assert result.group("东镇").villages == 3
    with pytest.raises(KeyError, match="西镇"):
        result.group("西镇")  # two townships of that name
    assert result.group("西镇", jurisdiction="cn-test/west/k2").villages == 1
    with pytest.raises(KeyError):
        result.group("北镇")


# -- agreement with the assessments' own explanations ----------------------------------------


def near_reference(assessments: list[Assessment]) -> tuple[int, int]:
    """Villages one and two criteria from their next level, from `next_steps()`."""
    distances: Counter[int] = Counter()
    for a in assessments:
        route = a.next_steps().next_level
        if route is not None:
            distances[len(route.criteria) + len(route.conditions)] += 1
    return distances[1], distances[2]


def reference(assessments: list[Assessment]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Failing criteria, only gaps and missing indicators, from the full explanations."""
    from starrules.testing.diff import _star_truth

    failing: Counter[str] = Counter()
    only: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    for a in assessments:
        missing.update(a.missing)
        for star in a.rules.stars:
            result = a.stars[star.id]
            if result.status == "granted":
                continue
            status = {c.id: c.status for c in result.criteria}
            nodes = {n.id: n for n in star.nodes}
            relevant = []
            for c in result.criteria:
                if c.kind == "group" or c.status != "fail":
                    continue
                parent, ok = c.parent, True
                while parent is not None:
                    ok = ok and status[parent] != "pass"
                    parent = nodes[parent].parent
                if ok:
                    relevant.append(c.id)
            failing.update(relevant)
            if result.status == "denied" and len(relevant) == 1 and not result.requires_unmet:
                values: dict[str, bool | str | None] = {
                    c.id: {"pass": True, "fail": False, "unknown": None}[c.status]
                    for c in result.criteria
                    if c.kind != "group"
                }
                values[relevant[0]] = True
                values.update({f"requires {r}": True for r in star.requires})
                if _star_truth(star, values) is True:
                    only[relevant[0]] += 1
    return failing, only, missing


def counts(total: GroupReport) -> tuple[Counter[str], Counter[str], Counter[str]]:
    return (
        Counter({c.id: c.failing for c in total.criteria if c.failing}),
        Counter({c.id: c.only_gap for c in total.criteria if c.only_gap}),
        Counter({m.indicator: m.villages for m in total.missing}),
    )


def test_henan_examples_agree_with_the_explanations() -> None:
    ruleset = starrules.load_ruleset(HENAN)
    assessments = [ruleset.evaluate(v) for v in provincial_examples()]
    total = report(assessments, nearest=100).total
    assert counts(total) == reference(assessments)
    nearest = total.nearest
    assert (nearest.one_away, nearest.two_away) == near_reference(assessments)
    assert len(nearest.villages) == nearest.one_away + nearest.two_away
    by_name = {a.input.name: a for a in assessments}
    for near in nearest.villages:
        route = by_name[near.name].next_steps().next_level
        assert route is not None
        assert list(near.criteria) == route.criteria and list(near.stars) == route.stars


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_small_rulesets_agree_with_the_explanations(data: st.DataObject) -> None:
    ruleset = data.draw(small_rulesets())
    drawn = data.draw(st.lists(villages(ruleset, unknown=0.3), min_size=1, max_size=6))
    assessments = [ruleset.evaluate(v) for v in drawn]
    total = report(assessments).total
    assert counts(total) == reference(assessments)
    assert (total.nearest.one_away, total.nearest.two_away) == near_reference(assessments)
    assert sum(lv.fewest for lv in total.levels) == total.villages - total.undetermined
