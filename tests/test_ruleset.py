"""`Ruleset` (spec §5): what it tells about itself, its fingerprint, when it refuses a
village (EvaluationError), and the inline `tests:` of the Henan ruleset."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import EvaluationError, Village

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
HENAN_FILE = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
HENAN_TEXT = HENAN_FILE.read_text(encoding="utf-8")
MODEL: dict[str, Any] = json.loads((FIXTURES / "eval_villages.json").read_text("utf-8"))["model"]
HENAN = starrules.load_ruleset(HENAN_FILE)
XIXIA = starrules.load_ruleset(FIXTURES / "eval_registry" / "xixia-2023.1.yaml")


def village(**changes: Any) -> Village:
    return Village.model_validate({**MODEL, **changes})


# ----------------------------------------------------------------------------- the ruleset


def test_what_a_ruleset_tells_about_itself() -> None:
    assert (HENAN.id, HENAN.version, HENAN.jurisdiction, HENAN.kind) == (
        "henan-rural",
        "2022.1",
        "cn-henan",
        "rural",
    )
    assert HENAN.effective_from == date(2022, 5, 1)
    assert HENAN.effective_until is None
    assert "五星" in HENAN.title.zh and HENAN.title.en
    assert [s.id for s in HENAN.stars] == ["industry", "ecology", "safety", "civility", "branch"]
    assert [(la.id, la.version, la.jurisdiction) for la in HENAN.layers] == [
        ("henan-rural", "2022.1", "cn-henan")
    ]
    assert HENAN.file.endswith("henan-rural-2022.1.yaml")
    assert "henan-rural@2022.1" in repr(HENAN)


@pytest.mark.parametrize(
    ("ruleset", "on", "in_force"),
    [
        (HENAN, date(2022, 4, 30), False),
        (HENAN, date(2022, 5, 1), True),
        (HENAN, date(2040, 1, 1), True),
        (XIXIA, date(2023, 5, 31), False),
        (XIXIA, date(2023, 6, 1), True),
        (XIXIA, date(2024, 12, 31), True),  # `until` is the last day in force
        (XIXIA, date(2025, 1, 1), False),
    ],
)
def test_in_force(ruleset: starrules.Ruleset, on: date, in_force: bool) -> None:
    assert ruleset.in_force(on) is in_force


def test_the_fingerprint_is_a_stable_sha256() -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", HENAN.fingerprint)
    assert starrules.load_ruleset(HENAN_FILE).fingerprint == HENAN.fingerprint


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t + "\n# a comment changes nothing\n",
        lambda t: t.replace(">= 100000", ">= 100_000"),  # the same number
        lambda t: t.replace("effective: {from: 2022-05-01}", "effective:\n  from: 2022-05-01"),
    ],
    ids=["comment", "digit-separator", "block-style"],
)
def test_the_fingerprint_ignores_the_form_of_the_file(edit: Any) -> None:
    edited = edit(HENAN_TEXT)
    assert edited != HENAN_TEXT
    assert starrules.loads_ruleset(edited, name="elsewhere.yaml").fingerprint == HENAN.fingerprint


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace(">= 100000", ">= 200000"),
        lambda t: t.replace("requires: [industry, ecology, safety, civility]", ""),
        lambda t: t.replace('version: "2022.1"', 'version: "2022.2"'),
        lambda t: t.replace("at_least: 2", "at_least: 3"),
    ],
    ids=["threshold", "requires", "version", "at_least"],
)
def test_the_fingerprint_changes_with_the_rules(edit: Any) -> None:
    edited = edit(HENAN_TEXT)
    assert edited != HENAN_TEXT
    assert starrules.loads_ruleset(edited).fingerprint != HENAN.fingerprint


# ----------------------------------------------------------------------------- refusals


def test_a_village_of_another_kind_is_refused() -> None:
    with pytest.raises(EvaluationError, match="urban_community"):
        HENAN.evaluate(village(kind="urban_community"))


@pytest.mark.parametrize(
    "jurisdiction",
    ["cn-hebei", "cn-hebei/shijiazhuang", "cn-henanx", "cn-henan-2/anyang"],
)
def test_a_village_outside_the_jurisdiction_is_refused(jurisdiction: str) -> None:
    with pytest.raises(EvaluationError, match=jurisdiction):
        HENAN.evaluate(village(jurisdiction=jurisdiction))


def test_a_county_ruleset_refuses_a_village_of_another_county() -> None:
    with pytest.raises(EvaluationError, match="cn-henan/anyang/tangyin"):
        XIXIA.evaluate(village(jurisdiction="cn-henan/anyang/tangyin"))
    with pytest.raises(EvaluationError):
        XIXIA.evaluate(village(jurisdiction="cn-henan"))  # the province is above the county


def test_a_village_inside_the_jurisdiction_is_accepted() -> None:
    for jurisdiction in ("cn-henan", "cn-henan/anyang", "cn-henan/nanyang/xixia"):
        assert HENAN.evaluate(village(jurisdiction=jurisdiction)).level.value == 5


@pytest.mark.parametrize(
    ("as_of", "on"),
    [
        ("2022-04-30", None),
        (None, date(2022, 4, 30)),
        ("2021-01-01", date(2023, 1, 1)),  # the village's date wins over on=
    ],
)
def test_a_ruleset_not_in_force_on_the_date_is_refused(as_of: str | None, on: date | None) -> None:
    with pytest.raises(EvaluationError, match="not in force") as caught:
        HENAN.evaluate(village(as_of=as_of), on=on)
    assert "2022-05-01" in str(caught.value)


def test_a_ruleset_past_its_end_is_refused() -> None:
    late = village(jurisdiction="cn-henan/nanyang/xixia", as_of="2025-01-01")
    with pytest.raises(EvaluationError, match="2024-12-31"):
        XIXIA.evaluate(late)


def test_an_undeclared_extra_indicator_is_ignored_and_named_or_refused_when_strict() -> None:
    v = village(extra={"mushroom_bags": 5_000_000})
    assert [i.path for i in HENAN.evaluate(v).ignored] == ["extra.mushroom_bags"]
    assert [i.path for i in next(HENAN.evaluate_many([v])).ignored] == ["extra.mushroom_bags"]
    with pytest.raises(EvaluationError, match=r"extra\.mushroom_bags"):
        HENAN.evaluate(v, strict=True)
    with pytest.raises(EvaluationError, match=r"extra\.mushroom_bags"):
        next(HENAN.evaluate_many([v], strict=True))


def test_evaluation_errors_are_starrules_errors() -> None:
    assert issubclass(EvaluationError, starrules.StarrulesError)


def test_a_declared_extra_indicator_is_used_and_type_checked() -> None:
    ruleset = starrules.load_ruleset(FIXTURES / "eval_extra.yaml")
    base = {**MODEL, "jurisdiction": "cn-henan/nanyang/xixia"}
    ok = ruleset.evaluate(Village.model_validate({**base, "extra": {"mushroom_bags": 5_000_000}}))
    assert ok.stars["mushrooms"].status == "granted"
    short = ruleset.evaluate(Village.model_validate({**base, "extra": {"mushroom_bags": 400_000}}))
    (bags,) = [c for c in short.stars["mushrooms"].criteria if c.id == "x.mushrooms"]
    assert bags.gap == 600_000
    unknown = ruleset.evaluate(Village.model_validate(base))
    assert unknown.missing == ["extra.mushroom_bags"]
    for bad in ({"mushroom_bags": "many"}, {"mushroom_bags": -1}, {"homestay_rate": 1.5}):
        with pytest.raises(EvaluationError, match=r"extra\."):
            ruleset.evaluate(Village.model_validate({**base, "extra": bad}))


# ----------------------------------------------------------------------------- inline tests


@pytest.mark.parametrize("case", HENAN.tests, ids=[case.name for case in HENAN.tests])
def test_the_inline_cases_of_the_henan_ruleset(case: Any) -> None:
    v = case.village
    result = HENAN.evaluate(v if isinstance(v, Village) else Village.model_validate(v), on=case.on)
    expect = case.expect
    assert {k: result.stars[k].status for k in expect.stars} == expect.stars
    if expect.level is not None:
        assert result.level.value == expect.level
    if expect.level_min is not None:
        assert result.level.min == expect.level_min
    if expect.level_max is not None:
        assert result.level.max == expect.level_max
    statuses = {c.id: c.status for s in result.stars.values() for c in s.criteria}
    assert {k: statuses[k] for k in expect.criteria} == expect.criteria
    if expect.missing is not None:
        assert result.missing == expect.missing


def test_the_henan_ruleset_has_inline_cases_for_every_outcome() -> None:
    seen = {status for case in HENAN.tests for status in case.expect.stars.values()}
    assert seen == {"granted", "denied", "undetermined"}
