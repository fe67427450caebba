"""starrules.monitor.translate: compiled rules → durable-rules conditions (no durable-rules
needed: the conditions are plain data)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from conftest import ruleset_of
from hypothesis import given, settings
from hypothesis import strategies as st

from starrules import Registry, Ruleset, Village
from starrules.monitor.translate import (
    MAX_ALTERNATIVES,
    MAX_COMPOUND,
    MAX_FACT_FIELDS,
    Field,
    _alternatives,
    _compound_nodes,
    translate,
)


def ruleset(*tests: str, group: dict[str, Any] | None = None, veto: str | None = None) -> Ruleset:
    items = [
        {"id": f"c{i}", "test": t, "text": {"zh": "条件", "en": "test"}}
        for i, t in enumerate(tests)
    ]
    star: dict[str, Any] = {
        "id": "s",
        "name": {"zh": "星", "en": "star"},
        "grant": group or {"id": "g", "all": items},
    }
    if veto:
        star["veto"] = [{"id": "v", "test": veto, "text": {"zh": "否决", "en": "veto"}}]
    return ruleset_of([star])


def test_values_are_sent_as_ranks_among_the_constants() -> None:
    field = Field("f0", "x", (5, 20, 50), lambda v: v)
    assert [field.code(v) for v in (0, 5, 6, 20, 21, 50, 1e9)] == [0, 1, 2, 3, 4, 5, 6]
    assert field.code(0.00001) == 0 and field.code(20.0) == 3
    assert [field.code_of_constant(c) for c in (5, 20, 50)] == [1, 3, 5]


def test_each_comparison_has_a_pass_and_a_fail_condition() -> None:
    (star,) = translate(ruleset("industry.local_jobs >= 20").tree).stars
    assert star.rules == {"g1": {"$gte": {"f0": 1}}, "g0": {"$lt": {"f0": 1}}}
    (star,) = translate(ruleset("20 > industry.local_jobs").tree).stars  # flipped
    assert star.rules == {"g1": {"$lt": {"f0": 1}}, "g0": {"$gte": {"f0": 1}}}
    (star,) = translate(ruleset("industry.local_jobs != 20").tree).stars
    assert star.rules["g0"] == {"f0": 1}
    assert star.rules["g1"] == {"$or": [{"$lt": {"f0": 1}}, {"$gt": {"f0": 1}}]}


def test_kleene_and_or_not_map_to_dual_conditions() -> None:
    rs = ruleset(
        "not industry.dual_binding and (industry.local_jobs > 5 or ecology.garbage_system)"
    )
    (star,) = translate(rs.tree).stars
    keys = {f.path: f.key for f in star.fields}
    dual, jobs, garbage = (
        keys["industry.dual_binding"],
        keys["industry.local_jobs"],
        keys["ecology.garbage_system"],
    )
    assert star.rules["g1"] == {"$and": [{dual: 1}, {"$or": [{"$gt": {jobs: 1}}, {garbage: 3}]}]}
    assert star.rules["g0"] == {"$or": [{dual: 3}, {"$and": [{"$lte": {jobs: 1}}, {garbage: 1}]}]}


def test_facts_hold_only_small_ints_and_leave_unknowns_out() -> None:
    rs = ruleset(
        "industry.collective_income >= 100000.5",
        "ecology.greening_rate >= 0.00001",
        "ratio(safety.disputes_resolved, safety.disputes_total) >= 0.95",
    )
    (star,) = translate(rs.tree).stars
    village = Village.model_validate(
        {
            "name": "村",
            "jurisdiction": "cn-test",
            "kind": "rural",
            "industry": {"collective_income": 1e16},
            "ecology": {"greening_rate": 1e-05},
            "safety": {"disputes_total": 0, "disputes_resolved": 0},
        }
    )
    fact = star.fact(village)
    assert all(type(v) is int and 0 <= v < 1000 for v in fact.values())
    assert len(fact) == 2  # ratio(0, 0) is unknown: its derived field is left out
    assert not any(key in ("id", "sid") or key.startswith("$") or "." in key for key in fact)


def test_what_cannot_be_expressed_falls_back_and_says_why() -> None:
    rs = ruleset(
        "ratio(safety.disputes_resolved, safety.disputes_total) >= 0.95",
        "industry.local_jobs + industry.skills_trainees > 30",
        "industry.local_jobs > industry.skills_trainees",
    )
    translation = translate(rs.tree)
    reasons = {f.node: f.reason for f in translation.fallbacks}
    assert reasons["c0"].startswith("it calls ratio()")
    assert reasons["c1"].startswith("it does arithmetic")
    assert reasons["c2"].startswith("two indicators compared")
    (star,) = translation.stars
    assert [d.key for d in star.derived] == ["d1", "d2", "d3"]


def test_points_fall_back_for_the_whole_star() -> None:
    group = {
        "id": "g",
        "min_points": 2,
        "of": [
            {
                "id": "a",
                "test": "industry.dual_binding",
                "text": {"zh": "a", "en": "a"},
                "points": 1,
            },
            {
                "id": "b",
                "test": "ecology.garbage_system",
                "text": {"zh": "b", "en": "b"},
                "points": 1,
            },
        ],
    }
    translation = translate(ruleset(group=group).tree)
    assert translation.stars == () and translation.native == frozenset({0})
    assert "min_points" in translation.fallbacks[0].reason


@pytest.mark.parametrize(
    ("k", "n", "fits"), [(3, 5, True), (4, 5, True), (2, 6, False), (5, 6, False)]
)
def test_at_least_expansions_within_the_measured_limit(k: int, n: int, fits: bool) -> None:
    items = [
        {"id": f"i{i}", "test": f"branch.reserve_cadres >= {i}", "text": {"zh": "a", "en": "a"}}
        for i in range(n)
    ]
    translation = translate(ruleset(group={"id": "g", "at_least": k, "of": items}).tree)
    assert (translation.stars != ()) is fits
    if not fits:
        assert "and/or nodes" in translation.fallbacks[0].reason
    for star in translation.stars:
        for condition in star.rules.values():
            assert _compound_nodes(condition) <= MAX_COMPOUND
            assert _alternatives(condition) <= MAX_ALTERNATIVES


def test_vetoes_get_their_own_pair_of_rules() -> None:
    (star,) = translate(
        ruleset("industry.dual_binding", veto="safety.criminal_cases > 0").tree
    ).stars
    assert set(star.rules) == {"g1", "g0", "v01", "v00"} and star.vetoes == 1


def test_the_shipped_henan_rules_translate_mostly_to_rete() -> None:
    rs = Registry.default().resolve("cn-henan/nanyang/xixia", "rural", date(2023, 6, 1))
    translation = translate(rs.tree)
    assert translation.native == frozenset()
    assert [(f.star, f.node) for f in translation.fallbacks] == [
        ("safety", "safety.disputes-resolved")
    ]


def test_a_star_reading_more_indicators_than_a_fact_holds_falls_back() -> None:
    count = MAX_FACT_FIELDS + 1
    indicators = {
        f"extra.x{i}": {"type": "count", "better": "higher", "zh": f"指标{i}", "en": f"x{i}"}
        for i in range(count)
    }
    stars = [
        {
            "id": "s",
            "name": {"zh": "星", "en": "star"},
            "grant": {
                "id": "g",
                "all": [
                    {"id": f"c{i}", "test": f"extra.x{i} >= 1", "text": {"zh": "a", "en": "a"}}
                    for i in range(count)
                ],
            },
        }
    ]
    translation = translate(ruleset_of(stars, ruleset_id="wide", indicators=indicators).tree)
    assert translation.native == frozenset({0})
    assert f"read {count} indicators" in translation.fallbacks[0].reason


# -- the group conditions against brute force over every completion ------------------------

FLAGS = (
    "industry.dual_binding",
    "ecology.garbage_system",
    "safety.grid_management",
    "safety.video_coverage",
    "civility.practice_station",
)


def holds(condition: dict[str, Any], fact: dict[str, int]) -> bool:
    """A durable-rules condition on a fact: a field the fact lacks never matches."""
    if "$and" in condition:
        return all(holds(c, fact) for c in condition["$and"])
    if "$or" in condition:
        return any(holds(c, fact) for c in condition["$or"])
    ((op, test),) = condition.items()
    if op.startswith("$"):
        ((key, code),) = test.items()
        compare = {"$lt": int.__lt__, "$lte": int.__le__, "$gt": int.__gt__, "$gte": int.__ge__}
        return key in fact and compare[op](fact[key], code)
    return op in fact and fact[op] == test


def supervaluation(values: list[bool | None], rule: Any) -> bool | None:
    unknown = [i for i, v in enumerate(values) if v is None]
    outcomes = set()
    for combo in itertools.product((False, True), repeat=len(unknown)):
        filled = list(values)
        for i, b in zip(unknown, combo, strict=True):
            filled[i] = b
        outcomes.add(rule(filled))
    return outcomes.pop() if len(outcomes) == 1 else None


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=5),
    st.sampled_from(["all", "any", "at_least"]),
    st.integers(1, 5),
)
def test_group_conditions_fire_exactly_when_every_completion_agrees(
    values: list[bool | None], rule: str, k: int
) -> None:
    """g1 fires when every completion of the unknown items passes the group, g0 when every
    completion fails it, neither otherwise."""
    items = [
        {"id": f"c{i}", "test": path, "text": {"zh": "条件", "en": "test"}}
        for i, path in enumerate(FLAGS[: len(values)])
    ]
    group: dict[str, Any] = {"id": "g", rule: items}
    if rule == "at_least":
        k = min(k, len(values))  # the loader refuses more than there are items
        group = {"id": "g", "at_least": k, "of": items}
    two_valued = {"all": all, "any": any, "at_least": lambda c: sum(c) >= k}[rule]
    expected = supervaluation(values, two_valued)
    (star,) = translate(ruleset(group=group).tree).stars
    data: dict[str, Any] = {"name": "村", "jurisdiction": "cn-test", "kind": "rural"}
    for path, value in zip(FLAGS, values, strict=False):
        if value is not None:  # unknown: left out
            section, name = path.split(".")
            data.setdefault(section, {})[name] = value
    fact = star.fact(Village.model_validate(data))
    assert (holds(star.rules["g1"], fact), holds(star.rules["g0"], fact)) == (
        expected is True,
        expected is False,
    )
