"""The Assessment (spec §4): statuses, `missing`, vetoes, capstones, gaps, reasons, the
serialised record, the ruleset reference and the date used.

Uses the Henan ruleset and tests/fixtures/eval_thresholds.yaml (one criterion per kind of
numeric threshold, divisions, a veto, a min_points group and a capstone).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import AssessmentRecord, CriterionStatus, Status

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
HENAN_FILE = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
MODEL: dict[str, Any] = json.loads((FIXTURES / "eval_villages.json").read_text("utf-8"))["model"]
STARS = ["industry", "ecology", "safety", "civility", "branch"]


@pytest.fixture(scope="module")
def henan() -> starrules.Ruleset:
    return starrules.load_ruleset(HENAN_FILE)


@pytest.fixture(scope="module")
def thresholds() -> starrules.Ruleset:
    return starrules.load_ruleset(FIXTURES / "eval_thresholds.yaml")


def village(changes: dict[str, Any] | None = None, drop: tuple[str, ...] = ()) -> starrules.Village:
    """The five-star model village with `section.field` values changed or dropped."""
    data = copy.deepcopy(MODEL)
    for path, value in (changes or {}).items():
        section, field = path.split(".")
        data.setdefault(section, {})[field] = value
    for path in drop:
        section, field = path.split(".")
        del data[section][field]
    return starrules.Village.model_validate(data)


def bare(values: dict[str, Any], **top: Any) -> starrules.Village:
    """A village that knows only `values` (for the thresholds fixture)."""
    data: dict[str, Any] = {
        "name": "阈值村",
        "jurisdiction": "cn-henan/anyang/tangyin",
        "kind": "rural",
        "as_of": "2023-12-31",
        **top,
    }
    for path, value in values.items():
        section, field = path.split(".")
        data.setdefault(section, {})[field] = value
    return starrules.Village.model_validate(data)


def criterion(assessment: starrules.Assessment, criterion_id: str) -> starrules.CriterionResult:
    for star in assessment.stars.values():
        for result in star.criteria:
            if result.id == criterion_id:
                return result
    raise KeyError(criterion_id)


# ----------------------------------------------------------------------------- baseline


def test_the_model_village_holds_all_five_stars(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(village())
    assert list(a.stars) == STARS  # ruleset order
    assert all(s.status == "granted" for s in a.stars.values())
    assert a.granted == STARS
    assert (a.level.value, a.level.min, a.level.max) == (5, 5, 5)
    assert a.level.name is not None and a.level.name.zh == "五星"
    assert a.missing == []
    for star in a.stars.values():
        assert star.vetoes == [] and star.requires_unmet == [] and star.missing == []
        assert star.name.zh and star.name.en
    assert a.stars["branch"].requires == ["industry", "ecology", "safety", "civility"]


def test_status_lookup_agrees_with_the_star_results(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(village({"safety.criminal_cases": 1}, drop=("ecology.greening_rate",)))
    for star_id, result in a.stars.items():
        assert a.status(star_id) == result.status
    with pytest.raises(KeyError):
        a.status("no-such-star")


# ----------------------------------------------------------------------------- missing


def test_a_missing_indicator_leaves_its_star_undetermined_not_denied(
    henan: starrules.Ruleset,
) -> None:
    a = henan.evaluate(village(drop=("ecology.sanitary_toilet_rate",)))
    ecology = a.stars["ecology"]
    assert ecology.status == "undetermined"
    assert ecology.missing == ["ecology.sanitary_toilet_rate"]
    assert a.missing == ["ecology.sanitary_toilet_rate"]
    toilets = criterion(a, "ecology.sanitary-toilets")
    assert toilets.status == "unknown"
    assert toilets.missing == ["ecology.sanitary_toilet_rate"]
    assert toilets.observed == {"ecology.sanitary_toilet_rate": None}
    assert toilets.gap is None
    # the capstone cannot be decided either: three stars are sure, five still possible
    assert a.stars["branch"].status == "undetermined"
    assert a.stars["branch"].requires_unmet == ["ecology"]
    assert (a.level.value, a.level.min, a.level.max) == (None, 3, 5)


def test_an_unknown_inside_a_group_already_passed_is_not_missing(
    henan: starrules.Ruleset,
) -> None:
    # at_least 2 of 3 engines: two pass; `any` of jobs or training: jobs pass.
    a = henan.evaluate(village(drop=("industry.dual_binding", "industry.skills_trainees")))
    assert a.stars["industry"].status == "granted"
    assert criterion(a, "industry.dual-binding").status == "unknown"
    assert criterion(a, "industry.engines").status == "pass"
    assert criterion(a, "industry.jobs-or-training").status == "pass"
    assert a.missing == []
    assert a.stars["industry"].missing == []


def test_only_the_open_unknowns_of_an_undetermined_star_are_missing(
    henan: starrules.Ruleset,
) -> None:
    a = henan.evaluate(
        village(drop=("industry.collective_income", "industry.dual_binding", "industry.local_jobs"))
    )
    assert a.stars["industry"].status == "undetermined"
    assert a.stars["industry"].missing == ["industry.collective_income"]
    assert a.missing == ["industry.collective_income"]


def test_an_unknown_in_a_passed_any_group_of_an_undetermined_star_is_not_missing(
    thresholds: starrules.Ruleset,
) -> None:
    # capstone: requires [thresholds, points], grant any[station, rules]
    a = thresholds.evaluate(bare({"civility.practice_station": True}))
    capstone = a.stars["capstone"]
    assert capstone.status == "undetermined"  # its required stars are undetermined
    assert criterion(a, "capstone.any").status == "pass"
    assert "civility.village_rules" not in capstone.missing
    assert "civility.village_rules" not in a.missing


def test_an_unknown_in_a_denied_star_is_not_missing(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(
        village({"ecology.sanitary_toilet_rate": 0.5}, drop=("ecology.sewage_treatment_rate",))
    )
    assert a.stars["ecology"].status == "denied"
    assert criterion(a, "ecology.sewage").status == "unknown"
    assert a.stars["ecology"].missing == []
    assert "ecology.sewage_treatment_rate" not in a.missing


def test_an_unknown_veto_leaves_the_star_undetermined(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(village(drop=("safety.escalated_petitions",)))
    safety = a.stars["safety"]
    assert safety.status == "undetermined"
    assert safety.vetoes == []
    assert safety.missing == ["safety.escalated_petitions"]
    assert a.missing == ["safety.escalated_petitions"]
    assert criterion(a, "safety.escalated-petition").status == "unknown"


def test_points_decide_a_min_points_group(thresholds: starrules.Ruleset) -> None:
    # secretary 40 + meetings 30 + review 30, bar 60
    open_ = thresholds.evaluate(bare({"branch.secretary_strong": True}))
    assert open_.stars["points"].status == "undetermined"
    assert open_.stars["points"].missing == [
        "branch.three_meetings_one_lesson",
        "branch.member_review_done",
    ]
    reached = thresholds.evaluate(
        bare({"branch.secretary_strong": True, "branch.three_meetings_one_lesson": True})
    )
    assert reached.stars["points"].status == "granted"
    assert "branch.member_review_done" not in reached.missing
    out_of_reach = thresholds.evaluate(
        bare({"branch.secretary_strong": False, "branch.three_meetings_one_lesson": False})
    )
    assert out_of_reach.stars["points"].status == "denied"
    assert out_of_reach.stars["points"].missing == []
    points = criterion(reached, "p.secretary")
    assert points.points == 40
    group = criterion(reached, "points.bar")
    assert (group.kind, group.rule, group.needed) == ("group", "min_points", 60)


# ----------------------------------------------------------------------------- vetoes, capstone


def test_a_triggered_veto_denies_the_star_and_is_listed(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(village({"safety.criminal_cases": 1}))
    safety = a.stars["safety"]
    assert safety.status == "denied"
    assert safety.vetoes == ["safety.criminal-case"]
    assert criterion(a, "safety.standards").status == "pass"  # the grant itself passed
    veto = criterion(a, "safety.criminal-case")
    assert (veto.kind, veto.status) == ("veto", "fail")
    assert veto.observed == {"safety.criminal_cases": 1}
    assert criterion(a, "safety.escalated-petition").status == "pass"


def test_a_triggered_veto_makes_other_unknown_vetoes_irrelevant(
    henan: starrules.Ruleset,
) -> None:
    a = henan.evaluate(
        village({"safety.criminal_cases": 2}, drop=("safety.accidents_with_casualties",))
    )
    assert a.stars["safety"].status == "denied"
    assert a.stars["safety"].vetoes == ["safety.criminal-case"]
    assert "safety.accidents_with_casualties" not in a.missing


def test_capstone_is_denied_when_a_required_star_is_denied(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(village({"safety.criminal_cases": 1}))
    branch = a.stars["branch"]
    assert branch.status == "denied"
    assert branch.requires_unmet == ["safety"]
    assert criterion(a, "branch.standards").status == "pass"
    assert branch.vetoes == []
    assert (a.level.value, a.level.min, a.level.max) == (3, 3, 3)


def test_capstone_is_undetermined_when_a_required_star_is_undetermined(
    henan: starrules.Ruleset,
) -> None:
    a = henan.evaluate(village(drop=("civility.councils",)))
    branch = a.stars["branch"]
    assert a.stars["civility"].status == "undetermined"
    assert branch.status == "undetermined"
    assert branch.requires_unmet == ["civility"]


def test_capstone_lists_every_unmet_requirement_in_order(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(
        village(
            {"industry.collective_income": 0, "safety.criminal_cases": 1},
            drop=("ecology.garbage_system",),
        )
    )
    assert a.stars["branch"].status == "denied"
    assert a.stars["branch"].requires_unmet == ["industry", "ecology", "safety"]


def test_capstone_failing_its_own_grant_is_denied_even_if_requirements_are_open(
    henan: starrules.Ruleset,
) -> None:
    a = henan.evaluate(
        village({"branch.reserve_cadres": 1}, drop=("ecology.sanitary_toilet_rate",))
    )
    assert a.stars["branch"].status == "denied"
    assert a.stars["branch"].missing == []
    assert a.missing == ["ecology.sanitary_toilet_rate"]  # still decides ecology


def test_an_unknown_veto_of_a_capstone_denied_by_its_requirements_is_not_missing(
    henan: starrules.Ruleset,
) -> None:
    a = henan.evaluate(village({"safety.criminal_cases": 1}, drop=("branch.weak_and_lax",)))
    assert a.stars["branch"].status == "denied"
    assert "branch.weak_and_lax" not in a.missing


# ----------------------------------------------------------------------------- gap, limit, reason

FAILING = {
    "industry.collective_income": 50_000,
    "ecology.sanitary_toilet_rate": 0.78,
    "branch.reserve_cadres": 1,
    "civility.activities": 10,
    "ecology.greening_rate": 0.25,
    "safety.escalated_petitions": 3,
    "safety.criminal_cases": 2,
}


def test_gap_of_a_failing_money_threshold_in_henan(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(village({"industry.collective_income": 50_000}))
    income = criterion(a, "industry.collective-income")
    assert income.status == "fail"
    assert income.gap == 50_000
    assert income.limit == 100_000
    assert income.observed == {"industry.collective_income": 50_000}


@pytest.mark.parametrize(
    ("criterion_id", "gap", "limit"),
    [
        ("t.money", 50_000, 100_000),  # money >=
        ("t.money-left", 50_000, 100_000),  # the constant on the left
        ("t.rate", 0.07, 0.85),  # rate >=
        ("t.count", 2, 3),  # count >=
        ("t.strict-count", 3, 12),  # count >: 10 must reach 13
        ("t.strict-rate", 0.05, 0.3),  # rate >
        ("t.lower", 3, 1),  # count <: 3 must come down to 0
        ("t.criminal", 2, 0),  # a veto: how far over the line
    ],
)
def test_gap_and_limit_of_failing_thresholds(
    thresholds: starrules.Ruleset, criterion_id: str, gap: float, limit: float
) -> None:
    result = criterion(thresholds.evaluate(bare(FAILING)), criterion_id)
    assert result.status == "fail"
    assert result.gap == pytest.approx(gap)
    assert result.limit == pytest.approx(limit)


def test_a_strict_bound_failed_at_the_limit_has_gap_zero_and_a_target(
    thresholds: starrules.Ruleset,
) -> None:
    """`greening_rate > 0.3` at exactly 0.3 is short by an arbitrarily small amount: the gap
    is 0 and `target` says what must hold; the explanation says 'needs > 30%', never
    'short by 0'."""
    a = thresholds.evaluate(bare({"ecology.greening_rate": 0.3, "industry.collective_income": 0}))
    result = criterion(a, "t.strict-rate")
    assert result.status == "fail"
    assert result.gap == 0
    assert result.target == "> 0.3"
    english = a.explain("en")
    assert "needs > 30%" in english
    assert "short by 0 " not in english


def test_passing_and_unknown_criteria_have_no_gap(thresholds: starrules.Ruleset) -> None:
    a = thresholds.evaluate(bare({"industry.collective_income": 150_000}))
    for criterion_id in ("t.money", "t.rate", "t.count"):
        result = criterion(a, criterion_id)
        assert result.status in ("pass", "unknown")
        assert result.gap is None and result.limit is None


@pytest.mark.parametrize("criterion_id", ["t.ratio", "t.divide"])
def test_division_by_zero_is_unknown_with_a_reason(
    thresholds: starrules.Ruleset, criterion_id: str
) -> None:
    a = thresholds.evaluate(bare({"safety.disputes_total": 0, "safety.disputes_resolved": 0}))
    result = criterion(a, criterion_id)
    assert result.status == "unknown"
    assert result.missing == []
    assert result.reason is not None
    assert "division by zero" in result.reason
    assert "safety.disputes_total" in result.reason
    assert "safety.disputes_total" not in a.missing


def test_an_unknown_divisor_is_missing_not_a_division_by_zero(
    thresholds: starrules.Ruleset,
) -> None:
    a = thresholds.evaluate(bare({"safety.disputes_resolved": 5}))
    result = criterion(a, "t.ratio")
    assert result.status == "unknown"
    assert result.reason is None
    assert result.missing == ["safety.disputes_total"]


def test_criterion_results_carry_text_source_and_layer(thresholds: starrules.Ruleset) -> None:
    result = criterion(thresholds.evaluate(bare(FAILING)), "t.money")
    assert result.expression == "industry.collective_income >= 100000"
    assert result.text is not None and result.text.zh == "村集体经济年收入不低于10万元"
    assert result.source == "test-src"
    assert result.provisional is True
    assert "eval-thresholds@1.0" in result.layer


# ----------------------------------------------------------------------------- the record


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"safety.criminal_cases": 1, "industry.collective_income": 50_000},
        {"ecology.sanitary_toilet_rate": None, "branch.weak_and_lax": None},
    ],
)
def test_model_dump_json_round_trips(henan: starrules.Ruleset, changes: dict[str, Any]) -> None:
    a = henan.evaluate(village(changes))
    text = a.model_dump_json()
    record = AssessmentRecord.model_validate_json(text)
    assert record == a.to_record()
    assert record.model_dump() == a.model_dump()
    assert record.model_dump_json() == text
    data = json.loads(text)
    assert set(data) == {
        "format",
        "village",
        "as_of",
        "ruleset",
        "stars",
        "level",
        "missing",
        "next_steps",
        "ignored",
    }
    assert data["format"] == "full/1"
    assert list(data["stars"]) == STARS


def test_the_thresholds_record_round_trips(thresholds: starrules.Ruleset) -> None:
    a = thresholds.evaluate(bare({**FAILING, "safety.disputes_total": 0}))
    record = AssessmentRecord.model_validate_json(a.model_dump_json(indent=2))
    assert record == a.to_record()


def test_statuses_compare_equal_to_plain_strings(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(village({"safety.criminal_cases": 1}, drop=("ecology.greening_rate",)))
    assert a.stars["industry"].status == "granted"
    assert a.stars["safety"].status == "denied"
    assert a.stars["ecology"].status == "undetermined"
    assert criterion(a, "industry.collective-income").status == "pass"
    assert criterion(a, "safety.criminal-case").status == "fail"
    assert criterion(a, "ecology.greening").status == "unknown"
    assert Status.GRANTED == "granted" and isinstance(Status.GRANTED, str)
    assert CriterionStatus.PASS == "pass" and isinstance(CriterionStatus.PASS, str)
    assert f"{Status.DENIED}" == "denied" and str(CriterionStatus.UNKNOWN) == "unknown"
    assert {s.value for s in Status} == {"granted", "denied", "undetermined"}
    assert {s.value for s in CriterionStatus} == {"pass", "fail", "unknown"}
    dumped = a.model_dump(mode="json")
    assert dumped["stars"]["industry"]["status"] == "granted"
    assert type(dumped["stars"]["industry"]["status"]) is str


def test_the_ruleset_reference_has_layers_and_fingerprint(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(village())
    ref = a.ruleset
    assert (ref.id, ref.version, ref.jurisdiction, ref.kind) == (
        "henan-rural",
        "2022.1",
        "cn-henan",
        "rural",
    )
    assert re.fullmatch(r"[0-9a-f]{64}", ref.fingerprint)
    assert ref.fingerprint == henan.fingerprint
    assert [(la.id, la.version, la.jurisdiction) for la in ref.layers] == [
        ("henan-rural", "2022.1", "cn-henan")
    ]


def test_the_village_reference(henan: starrules.Ruleset) -> None:
    ref = henan.evaluate(village()).village
    assert (ref.code, ref.name, ref.jurisdiction, ref.kind, ref.township) == (
        "410523105299",
        "样板村",
        "cn-henan/anyang/tangyin",
        "rural",
        "韩庄镇",
    )


# ----------------------------------------------------------------------------- as_of


def test_as_of_is_the_village_date_first(henan: starrules.Ruleset) -> None:
    a = henan.evaluate(village(), on=date(2023, 6, 30))
    assert a.as_of == date(2023, 12, 31)
    assert a.to_record().as_of == date(2023, 12, 31)


def test_as_of_is_the_on_date_when_the_village_has_none(henan: starrules.Ruleset) -> None:
    undated = starrules.Village.model_validate({**MODEL, "as_of": None})
    assert henan.evaluate(undated, on=date(2023, 6, 30)).as_of == date(2023, 6, 30)
    assert starrules.evaluate(undated, on=date(2023, 6, 30)).as_of == date(2023, 6, 30)


def test_as_of_is_today_otherwise(henan: starrules.Ruleset) -> None:
    undated = starrules.Village.model_validate({**MODEL, "as_of": None})
    before = date.today()
    a = henan.evaluate(undated)
    assert before <= a.as_of <= date.today()
    assert json.loads(a.model_dump_json())["as_of"] == a.as_of.isoformat()


def test_one_star_explained_alone_equals_it_explained_with_the_others() -> None:
    # `star(id)` explains one star (and those it requires) without the others; the
    # monitor relies on it. It must be what `stars[id]` gives.
    registry = starrules.Registry.default()
    lines = (ROOT / "examples" / "villages.jsonl").read_text(encoding="utf-8").splitlines()
    villages = [starrules.Village.model_validate_json(line) for line in lines if line.strip()]
    for village in villages:
        ruleset = registry.resolve(village.jurisdiction, village.kind, village.as_of)
        whole = ruleset.evaluate(village).stars
        for star in ruleset.stars:
            alone = ruleset.evaluate(village).star(star.id)
            assert alone == whole[star.id]
            assert alone.model_dump_json() == whole[star.id].model_dump_json()
