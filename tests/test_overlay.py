"""Overlays: a ruleset file that `extends` another and changes it (override, add, add_veto,
remove, new stars, levels), `policy: tighten-only`, layer attribution, fingerprints,
located errors and resolution through the registry.

The base is tests/fixtures/overlay/base-2022.1.yaml (test-rural@2022.1 for cn-test): stars
industry (all, with an at_least 2 of 3 group and a veto), ecology (all, with a min_points
2 group), safety (any, with a veto) and branch (all, requires industry and ecology). Each
test writes its overlays into tmp_path; line and column of every error are computed from
the position of the offending text in the overlay the test wrote.
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import (
    CriterionResult,
    CriterionStatus,
    EvaluationError,
    Location,
    Registry,
    ResolutionError,
    Ruleset,
    RulesetError,
    Status,
    Village,
)
from starrules.load.registry import bundled_rulesets_dir
from starrules.testing.cases import run_cases

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "overlay"
BASE_FILE = FIXTURES / "base-2022.1.yaml"
PROVINCE = "cn-test"
CITY = "cn-test/city"
COUNTY = "cn-test/city/county"
BASE_REF = "test-rural@2022.1 (cn-test)"
COUNTY_REF = f"test-rural@2022.1 ({COUNTY})"
STARS = ("industry", "ecology", "safety", "branch")

PASS, FAIL, UNKNOWN = CriterionStatus.PASS, CriterionStatus.FAIL, CriterionStatus.UNKNOWN
GRANTED, DENIED = Status.GRANTED, Status.DENIED

# Holds all four stars of the base (level 4): two of three industry engines, two ecology
# care points (garbage, cleaning days), safety by the grid, a strong secretary.
STRONG: dict[str, dict[str, Any]] = {
    "branch": {"secretary_strong": True, "weak_and_lax": False, "reserve_cadres": 4},
    "industry": {
        "collective_income": 150000,
        "branch_led_cooperative": True,
        "one_village_one_product": True,
        "dual_binding": False,
        "wage_arrears_cases": 0,
    },
    "ecology": {
        "sanitary_toilet_rate": 0.9,
        "garbage_system": True,
        "cleaning_days_per_month": 4,
        "hardened_road_rate": 0.5,
    },
    "safety": {"grid_management": True, "criminal_cases": 2, "escalated_petitions": 0},
}


# -- helpers ---------------------------------------------------------------------------


def overlay(
    body: str = "",
    *,
    jurisdiction: str = COUNTY,
    version: str = "2022.1",
    effective: str = "2022-06-01",
    extends: str | None = "test-rural@2022.1",
    kind: str = "rural",
) -> str:
    """An overlay's text: a fixed header, then `body` (dedented)."""
    head = (
        "starrules: 1\n"
        "id: test-rural\n"
        f"jurisdiction: {jurisdiction}\n"
        f"kind: {kind}\n"
        f'version: "{version}"\n'
        f"effective: {{from: {effective}}}\n"
        "title: {zh: 测试县标准, en: Test county standard}\n"
    )
    if extends is not None:
        head += f'extends: "{extends}"\n'
    return head + textwrap.dedent(body).lstrip("\n")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def at(text: str, needle: str, after: str = "") -> tuple[int, int]:
    """1-based (line, column) of `needle` in `text` (the first after `after`); the needle
    must be unique there, so that the assertion points at one place."""
    start = text.index(after) if after else 0
    index = text.index(needle, start)
    assert text.find(needle, index + 1) == -1, f"{needle!r} is not unique in the overlay"
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def where(path: Path, text: str, needle: str, after: str = "") -> Location:
    return Location(str(path), *at(text, needle, after))


@functools.cache
def base_registry() -> Registry:
    return Registry.from_paths([BASE_FILE])


def base() -> Ruleset:
    (ruleset,) = base_registry().rulesets
    return ruleset


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A folder holding a copy of the base, for Registry.from_paths."""
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(BASE_FILE, folder / BASE_FILE.name)
    return folder


def load(tmp_path: Path, body: str, **head: Any) -> Ruleset:
    """The overlay applied to the base with load_ruleset(path, registry=...)."""
    path = write(tmp_path, "county.yaml", overlay(body, **head))
    return starrules.load_ruleset(path, registry=base_registry())


def refused(tmp_path: Path, body: str, **head: Any) -> tuple[Path, str, RulesetError]:
    text = overlay(body, **head)
    path = write(tmp_path, "county.yaml", text)
    with pytest.raises(RulesetError) as caught:
        starrules.load_ruleset(path, registry=base_registry())
    return path, text, caught.value


def chain(registry: Registry, top: str) -> list[Ruleset]:
    """The resolved chains whose top layer is for jurisdiction `top`."""
    return [rs for rs in registry.rulesets if rs.jurisdiction == top]


def refs(ruleset: Ruleset) -> list[str]:
    return [layer.ref for layer in ruleset.layers]


def village(
    jurisdiction: str = COUNTY,
    as_of: date = date(2023, 6, 1),
    extra: dict[str, Any] | None = None,
    **changes: dict[str, Any],
) -> Village:
    """STRONG with some indicators changed, e.g. village(industry={"dual_binding": True})."""
    data: dict[str, Any] = {
        "name": "测试村",
        "jurisdiction": jurisdiction,
        "kind": "rural",
        "as_of": as_of,
    }
    for section, values in STRONG.items():
        data[section] = {**values, **changes.get(section, {})}
    for section in changes.keys() - STRONG.keys():
        data[section] = changes[section]
    if extra is not None:
        data["extra"] = extra
    return Village.model_validate(data)


def criterion(assessment: starrules.Assessment, node_id: str) -> CriterionResult:
    found = [c for s in assessment.stars.values() for c in s.criteria if c.id == node_id]
    assert len(found) == 1, f"{node_id} appears {len(found)} times"
    return found[0]


def ids(assessment: starrules.Assessment, star: str) -> list[str]:
    return [c.id for c in assessment.stars[star].criteria]


def statuses(assessment: starrules.Assessment) -> dict[str, Status]:
    return {s: assessment.status(s) for s in assessment.rules.star_index}


# -- 1. what an overlay can change -------------------------------------------------------


def test_the_base_fixture_and_the_strong_village() -> None:
    a = base().evaluate(village())
    assert statuses(a) == dict.fromkeys(STARS, GRANTED)
    assert a.level.value == 4
    assert {c.layer for s in a.stars.values() for c in s.criteria} == {BASE_REF}


def test_override_a_criterions_test_text_source_provisional_and_note(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        sources:
          - {id: county-source, title: 县级来源, date: 2023-02-01}
        override:
          industry.income:
            test: industry.collective_income >= 120000
            text: {zh: 集体收入不低于12万元, en: Collective income of at least 120000}
            source: county-source
            provisional: true
            note: the county's own bar
        """,
    )
    v = village(industry={"collective_income": 110000})
    assert criterion(base().evaluate(v), "industry.income").status is PASS
    result = criterion(ruleset.evaluate(v), "industry.income")
    assert result.status is FAIL
    assert result.expression == "industry.collective_income >= 120000"
    assert result.text is not None and result.text.en == "Collective income of at least 120000"
    assert (result.source, result.provisional, result.note) == (
        "county-source",
        True,
        "the county's own bar",
    )
    assert (result.gap, result.target) == (10000, ">= 120000")
    assert result.layer == COUNTY_REF
    assert result.parent == "industry.standards"  # stays where the base put it
    assert set(ruleset.tree.sources) == {"base-source", "county-source"}
    assert ruleset.evaluate(village()).status("industry") is GRANTED


def test_override_of_the_text_alone_keeps_the_base_test_and_source(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        override:
          industry.income:
            text: {zh: 收入, en: Income}
        """,
    )
    result = criterion(ruleset.evaluate(village()), "industry.income")
    assert result.expression == "industry.collective_income >= 100000"
    assert (result.source, result.provisional) == ("base-source", False)
    assert result.text is not None and result.text.en == "Income"
    assert result.layer == COUNTY_REF


def test_override_a_veto(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        override:
          industry.arrears: {test: industry.wage_arrears_cases > 1}
        """,
    )
    one_case = village(industry={"wage_arrears_cases": 1})
    before = base().evaluate(one_case)
    assert before.status("industry") is DENIED
    assert before.stars["industry"].vetoes == ["industry.arrears"]
    after = ruleset.evaluate(one_case)
    assert after.status("industry") is GRANTED
    veto = criterion(after, "industry.arrears")
    assert (veto.kind, veto.status, veto.layer) == ("veto", PASS, COUNTY_REF)
    assert ruleset.evaluate(village(industry={"wage_arrears_cases": 2})).status("industry") is (
        DENIED
    )


def test_override_at_least_and_min_points(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        override:
          industry.engines: {at_least: 3}
          ecology.care: {min_points: 3}
        """,
    )
    v = village()  # two of three engines, two of three care points
    assert statuses(base().evaluate(v))["industry"] is GRANTED
    a = ruleset.evaluate(v)
    assert (a.status("industry"), a.status("ecology")) == (DENIED, DENIED)
    engines, care = criterion(a, "industry.engines"), criterion(a, "ecology.care")
    assert (engines.rule, engines.needed, engines.layer) == ("at_least", 3, COUNTY_REF)
    assert (care.rule, care.needed, care.layer) == ("min_points", 3, COUNTY_REF)
    # the items of an overridden group are the base's
    assert criterion(a, "industry.coop").layer == BASE_REF
    assert [c for c in ids(a, "industry") if c.startswith("industry.")] == ids(
        base().evaluate(v), "industry"
    )
    everything = village(industry={"dual_binding": True}, ecology={"hardened_road_rate": 0.95})
    assert ruleset.evaluate(everything).granted == list(STARS)


def test_add_to_a_stars_grant_group_and_to_a_nested_group(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        add:
          industry:
            - {id: county.video, test: safety.video_coverage, text: {zh: 监控, en: Video}}
            - id: county.jobs
              text: {zh: 就业, en: Jobs}
              any:
                - id: county.jobs.local
                  test: industry.local_jobs >= 10
                  text: {zh: 本地, en: Local}
                - id: county.jobs.trained
                  test: industry.skills_trainees >= 20
                  text: {zh: 培训, en: Trained}
          ecology.care:
            - id: county.greening
              test: ecology.greening_rate >= 0.3
              points: 1
              text: {zh: 绿化, en: Greening}
        """,
    )
    v = village(
        industry={"local_jobs": 12},
        safety={"video_coverage": True},
        ecology={"garbage_system": False, "greening_rate": 0.4},
    )
    before, after = base().evaluate(v), ruleset.evaluate(v)
    assert (before.status("industry"), before.status("ecology")) == (GRANTED, DENIED)
    assert (after.status("industry"), after.status("ecology")) == (GRANTED, GRANTED)
    # appended after the base's items, in the order written
    assert ids(after, "industry") == [
        *ids(before, "industry")[:-1],  # the grant tree of the base (the veto comes last)
        "county.video",
        "county.jobs",
        "county.jobs.local",
        "county.jobs.trained",
        "industry.arrears",
    ]
    assert ids(after, "ecology")[-1] == "county.greening"
    parents = {c.id: c.parent for s in after.stars.values() for c in s.criteria}
    assert parents["county.video"] == "industry.standards"
    assert parents["county.jobs"] == "industry.standards"
    assert parents["county.jobs.local"] == "county.jobs"
    assert parents["county.greening"] == "ecology.care"
    for added in ("county.video", "county.jobs", "county.jobs.local", "county.greening"):
        assert criterion(after, added).layer == COUNTY_REF
    # the groups that received them are still the base's
    assert criterion(after, "industry.standards").layer == BASE_REF
    assert criterion(after, "ecology.care").layer == BASE_REF
    no_video = ruleset.evaluate(
        village(safety={"video_coverage": False}, industry={"local_jobs": 12})
    )
    assert no_video.status("industry") is DENIED


def test_add_veto(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        add_veto:
          safety:
            - id: county.accidents
              test: safety.accidents_with_casualties > 0
              text: {zh: 事故, en: Accidents}
        """,
    )
    v = village(safety={"accidents_with_casualties": 1})
    assert base().evaluate(v).status("safety") is GRANTED
    a = ruleset.evaluate(v)
    assert a.status("safety") is DENIED
    assert a.stars["safety"].vetoes == ["county.accidents"]
    veto = criterion(a, "county.accidents")
    assert (veto.kind, veto.parent, veto.layer) == ("veto", None, COUNTY_REF)
    assert ids(a, "safety")[-2:] == ["safety.petitions", "county.accidents"]


def test_remove_a_criterion_a_group_a_veto_and_a_star(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        remove: [industry.coop, ecology.care, industry.arrears, safety]
        """,
    )
    assert [s.id for s in ruleset.stars] == ["industry", "ecology", "branch"]
    v = village(
        industry={"wage_arrears_cases": 3, "dual_binding": True, "branch_led_cooperative": False},
        ecology={"garbage_system": False, "cleaning_days_per_month": 0},
    )
    before, after = base().evaluate(v), ruleset.evaluate(v)
    assert before.granted == ["safety"]  # vetoed industry, no care points
    assert after.granted == ["industry", "ecology", "branch"]
    assert "safety" not in after.stars
    assert ids(after, "industry") == [
        "industry.standards",
        "industry.income",
        "industry.engines",
        "industry.product",
        "industry.binding",
    ]
    assert ids(after, "ecology") == ["ecology.standards", "ecology.toilets"]
    assert after.level.value == 3  # the level is the number of stars: at most 3 now
    # one engine of the two that are left is not enough any more
    assert ruleset.evaluate(village()).status("industry") is DENIED


def test_new_stars_with_requires_on_a_base_star(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        stars:
          - id: culture
            name: {zh: 文明幸福星, en: Culture}
            requires: [branch]
            grant:
              all:
                - id: culture.station
                  test: civility.practice_station
                  text: {zh: 实践站, en: Station}
        """,
    )
    assert [s.id for s in ruleset.stars] == [*STARS, "culture"]
    a = ruleset.evaluate(village(civility={"practice_station": True}))
    assert a.granted == [*STARS, "culture"]
    assert a.level.value == 5
    assert a.stars["culture"].layer == COUNTY_REF
    assert a.stars["culture"].requires == ["branch"]
    assert criterion(a, "culture.station").layer == COUNTY_REF
    assert criterion(a, "culture.grant").layer == COUNTY_REF
    weak = ruleset.evaluate(
        village(civility={"practice_station": True}, branch={"reserve_cadres": 1})
    )
    assert weak.status("culture") is DENIED
    assert weak.stars["culture"].requires_unmet == ["branch"]


def test_replaced_levels(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        levels:
          - value: 3
            name: {zh: 三星支部, en: Three-star}
            when: "stars.branch and count(stars) >= 4"
            named_by: county
          - {value: 1, name: {zh: 一星支部, en: One-star}, when: "count(stars) >= 1"}
        """,
    )
    assert base().evaluate(village()).level.value == 4
    a = ruleset.evaluate(village())
    assert a.level.value == 3
    assert a.level.name is not None and a.level.name.zh == "三星支部"
    assert a.level.named_by == "county"
    assert ruleset.evaluate(village(branch={"reserve_cadres": 0})).level.value == 1


def test_added_sources_and_extra_indicators(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        sources:
          - {id: county-source, title: 县级来源}
        indicators:
          extra.mushroom_bags: {type: count, better: higher, zh: 香菇袋数, en: Mushroom bags}
        add:
          industry:
            - id: county.mushrooms
              test: extra.mushroom_bags >= 1000
              text: {zh: 香菇不少于1000袋, en: At least 1000 mushroom bags}
              source: county-source
        """,
    )
    assert "extra.mushroom_bags" in ruleset.tree.indicators
    assert "extra.mushroom_bags" not in base().tree.indicators
    assert ruleset.tree.sources["county-source"].title == "县级来源"
    assert ruleset.tree.sources["base-source"].title == "省级来源"
    v = village(extra={"mushroom_bags": 2000})
    result = criterion(ruleset.evaluate(v), "county.mushrooms")
    assert (result.status, result.observed, result.source) == (
        PASS,
        {"extra.mushroom_bags": 2000},
        "county-source",
    )
    assert ruleset.evaluate(village(extra={"mushroom_bags": 10})).status("industry") is DENIED
    unknown = ruleset.evaluate(village())
    assert unknown.status("industry") is Status.UNDETERMINED
    assert unknown.missing == ["extra.mushroom_bags"]
    # The base does not declare it: ignored and named, or refused when strict.
    assert [i.path for i in base().evaluate(v).ignored] == ["extra.mushroom_bags"]
    with pytest.raises(EvaluationError, match="mushroom_bags"):
        base().evaluate(v, strict=True)


def test_inline_tests_of_an_overlay(tmp_path: Path) -> None:
    ruleset = load(
        tmp_path,
        """
        add:
          industry:
            - {id: county.video, test: safety.video_coverage, text: {zh: 监控, en: Video}}
        tests:
          - name: video everywhere
            village:
              name: 甲村
              jurisdiction: cn-test/city/county
              kind: rural
              as_of: 2023-06-01
              industry:
                collective_income: 150000
                branch_led_cooperative: true
                one_village_one_product: true
                wage_arrears_cases: 0
              safety: {video_coverage: true}
            expect:
              stars: {industry: granted}
              criteria: {county.video: pass, industry.income: pass}
          - name: no video
            village:
              name: 乙村
              jurisdiction: cn-test/city/county
              kind: rural
              as_of: 2023-06-01
              industry:
                collective_income: 150000
                branch_led_cooperative: true
                one_village_one_product: true
                wage_arrears_cases: 0
              safety: {video_coverage: false}
            expect:
              stars: {industry: granted}
        """,
    )
    assert [case.name for case in ruleset.tests] == ["video everywhere", "no video"]
    first, second = run_cases(ruleset, lang="en")
    assert first.passed, first.differences
    assert second.differences == ("stars.industry: expected granted, got denied",)


def test_inline_tests_of_an_overlay_are_checked_against_the_resolved_rules(
    tmp_path: Path,
) -> None:
    path, text, error = refused(
        tmp_path,
        """
        remove: [industry.coop]
        tests:
          - name: refers to what the overlay removed
            village: {name: 甲村, jurisdiction: cn-test/city/county, kind: rural}
            expect:
              criteria: {industry.coop: pass}
        """,
    )
    (problem,) = error.problems
    assert problem.location == where(path, text, "industry.coop: pass")
    assert "unknown criterion 'industry.coop'" in problem.message


# -- 2. layers and fingerprints ----------------------------------------------------------

LAYERED = """
    sources:
      - {id: county-source, title: 县级来源}
    override:
      industry.income: {test: industry.collective_income >= 120000, source: county-source}
      ecology.care: {min_points: 3}
    add:
      industry:
        - {id: county.video, test: safety.video_coverage, text: {zh: 监控, en: Video}}
    add_veto:
      safety:
        - id: county.accidents
          test: safety.accidents_with_casualties > 0
          text: {zh: 事故, en: Accidents}
    """


def test_every_criterion_names_the_layer_that_supplied_it(tmp_path: Path) -> None:
    ruleset = load(tmp_path, LAYERED)
    mine = {"industry.income", "ecology.care", "county.video", "county.accidents"}
    a = ruleset.evaluate(village(safety={"video_coverage": True}))
    results = [c for s in a.stars.values() for c in s.criteria]
    assert len(results) == sum(len(s.nodes) for s in ruleset.stars)
    for result in results:
        assert result.layer == (COUNTY_REF if result.id in mine else BASE_REF), result.id
    # the compiled nodes name the file itself
    files = {n.id: n.layer.file for s in ruleset.stars for n in s.nodes}
    for node_id, file in files.items():
        assert file == (str(tmp_path / "county.yaml") if node_id in mine else str(BASE_FILE))
    # and the stars keep the base's layer
    assert {s.layer for s in a.stars.values()} == {BASE_REF}


def test_the_layers_list_the_chain_province_first(rules: Path) -> None:
    write(rules, "city.yaml", overlay(jurisdiction=CITY, effective="2022-05-01"))
    write(rules, "county.yaml", overlay(LAYERED))
    registry = Registry.from_paths([rules])
    (county,) = chain(registry, COUNTY)
    a = county.evaluate(village())
    assert [(la.jurisdiction, la.version) for la in a.ruleset.layers] == [
        (PROVINCE, "2022.1"),
        (CITY, "2022.1"),
        (COUNTY, "2022.1"),
    ]
    assert [la.extends for la in county.layers] == [None, "test-rural@2022.1", "test-rural@2022.1"]
    assert (a.ruleset.jurisdiction, a.ruleset.version) == (COUNTY, "2022.1")
    assert a.ruleset.fingerprint == county.fingerprint


def test_fingerprints_differ_between_the_base_and_its_overlays(rules: Path) -> None:
    write(rules, "county.yaml", overlay(LAYERED))
    write(rules, "noop.yaml", overlay(jurisdiction="cn-test/other"))
    registry = Registry.from_paths([rules])
    prints = [rs.fingerprint for rs in registry.rulesets]
    assert len(prints) == 3 and len(set(prints)) == 3
    assert base().fingerprint in prints  # the base itself is unchanged by its overlays


REORDERED = """
    # the same overlay: comments, other key order, flow style, another spelling of 120000
    add_veto:
      safety:
        - text: {en: Accidents, zh: 事故}
          test: safety.accidents_with_casualties>0
          id: county.accidents
    add:
      industry:
        - {text: {en: Video, zh: 监控}, id: county.video, test: (safety.video_coverage)}
    override:
      ecology.care: {min_points: 3}   # three points
      industry.income:
        source: county-source
        test: industry.collective_income >= 120_000
    sources:
      - {title: 县级来源, id: county-source}
    """


def test_the_fingerprint_ignores_comments_key_order_and_spelling(tmp_path: Path) -> None:
    one = load(tmp_path / "one", LAYERED)
    two = load(tmp_path / "two", REORDERED)
    assert one.file != two.file
    assert one.fingerprint == two.fingerprint
    three = load(tmp_path / "three", LAYERED.replace(">= 120000", ">= 120001"))
    assert three.fingerprint != one.fingerprint


_PRINT_FINGERPRINT = """
import sys
from starrules import Registry
registry = Registry.from_paths([sys.argv[1]])
print(*sorted(rs.fingerprint for rs in registry.rulesets if rs.jurisdiction == sys.argv[2]))
"""


@pytest.mark.slow
def test_the_fingerprint_is_stable_across_processes_and_hash_seeds(rules: Path) -> None:
    write(rules, "county.yaml", overlay(LAYERED))
    (county,) = chain(Registry.from_paths([rules]), COUNTY)
    outputs = []
    for seed in ("0", "4242"):
        result = subprocess.run(
            [sys.executable, "-c", _PRINT_FINGERPRINT, str(rules), COUNTY],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "src")},
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout.strip())
    assert outputs == [county.fingerprint, county.fingerprint]


# -- 3. located errors -------------------------------------------------------------------

# (body, needle, what the message says): one problem, at the needle's place.
ERRORS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "override of an unknown id": (
        """
        override:
          industry.incme: {text: {zh: 收入, en: Income}}
        """,
        "industry.incme",
        ("cannot override 'industry.incme'", "did you mean 'industry.income'"),
    ),
    "add to an unknown star": (
        """
        add:
          industri:
            - {id: county.x, test: safety.video_coverage, text: {zh: x, en: x}}
        """,
        "industri:",
        ("cannot add to 'industri'", "did you mean 'industry'"),
    ),
    "add to an unknown group": (
        """
        add:
          industry.engins:
            - {id: county.x, test: safety.video_coverage, text: {zh: x, en: x}}
        """,
        "industry.engins",
        ("cannot add to 'industry.engins'", "did you mean 'industry.engines'"),
    ),
    "add_veto to an unknown star": (
        """
        add_veto:
          safty:
            - {id: county.x, test: safety.video_coverage, text: {zh: x, en: x}}
        """,
        "safty",
        ("cannot add a veto to 'safty'", "did you mean 'safety'"),
    ),
    "remove of an unknown id": (
        """
        remove:
          - industry.copo
        """,
        "industry.copo",
        ("cannot remove 'industry.copo'", "did you mean 'industry.coop'"),
    ),
    "a bad range": (
        "",
        '"test-rural@>>2022"',
        ("'>>2022' is neither a version nor a version range",),
    ),
    "a kind other than the base's": (
        "",
        "urban_community",
        ("kind 'urban_community' differs from the base's 'rural'",),
    ),
    "a test on a group": (
        """
        override:
          industry.engines: {test: industry.dual_binding}
        """,
        "industry.engines",
        ("'industry.engines' is a group: it has no test",),
    ),
    "at_least on a min_points group": (
        """
        override:
          ecology.care: {at_least: 3}
        """,
        "3}",
        ("'ecology.care' is an 'min_points' group, not 'at_least'",),
    ),
    "at_least on a criterion": (
        """
        override:
          industry.income: {at_least: 2}
        """,
        "industry.income",
        ("'industry.income' is a criterion: it has no at_least or min_points",),
    ),
    "an unknown source in an override": (
        """
        override:
          industry.income: {source: base-sorce}
        """,
        "base-sorce",
        ("unknown source 'base-sorce'", "did you mean 'base-source'"),
    ),
    "an added item without points in a min_points group": (
        """
        add:
          ecology.care:
            - {id: county.greening, test: ecology.greening_rate >= 0.3, text: {zh: x, en: x}}
        """,
        "{id: county.greening",
        ("'county.greening' needs 'points' inside a min_points group",),
    ),
    "an added id that the base uses": (
        """
        add:
          industry:
            - {id: industry.coop, test: safety.video_coverage, text: {zh: x, en: x}}
        """,
        "industry.coop",
        ("duplicate id 'industry.coop'", "base-2022.1.yaml"),
    ),
    "a new star that requires an unknown star": (
        """
        stars:
          - id: culture
            name: {zh: 文明, en: Culture}
            requires: [brnch]
            grant: {all: [{id: culture.x, test: civility.practice_station, text: {zh: x, en: x}}]}
        """,
        "brnch",
        ("unknown star 'brnch'", "did you mean 'branch'"),
    ),
    "a source the base declares with another title": (
        """
        sources:
          - {id: base-source, title: 另一个来源}
        """,
        "base-source",
        ("source 'base-source' is already declared by the base with another title",),
    ),
    "a removal that leaves an at_least group impossible": (
        """
        remove:
          - industry.coop
          - industry.product
        """,
        "remove:",
        ("group 'industry.engines' needs 2 of only 1 items",),
    ),
    "a removal that leaves a min_points group impossible": (
        """
        remove:
          - ecology.garbage
          - ecology.roads
        """,
        "remove:",
        ("group 'ecology.care' needs 2 points of only 1",),
    ),
}


@pytest.mark.parametrize("case", list(ERRORS), ids=list(ERRORS))
def test_overlay_errors_are_located(rules: Path, case: str) -> None:
    body, needle, fragments = ERRORS[case]
    head: dict[str, Any] = {}
    if case == "a bad range":
        head["extends"] = "test-rural@>>2022"
    if case == "a kind other than the base's":
        head["kind"] = "urban_community"
    text = overlay(body, **head)
    path = write(rules, "county.yaml", text)
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    (problem,) = caught.value.problems
    assert problem.location == where(path, text, needle), str(problem)
    for fragment in fragments:
        assert fragment in str(problem)


def test_every_problem_of_an_overlay_is_reported_at_once(rules: Path) -> None:
    text = overlay(ERRORS["override of an unknown id"][0] + ERRORS["remove of an unknown id"][0])
    text += textwrap.dedent(ERRORS["add to an unknown star"][0])
    path = write(rules, "county.yaml", text)
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    assert [p.location for p in caught.value.problems] == [
        where(path, text, "industry.incme"),
        where(path, text, "industry.copo"),
        where(path, text, "industri:"),
    ]
    assert str(caught.value).startswith("3 problems in ruleset:")


def test_extends_that_matches_nothing_lists_the_known_version(tmp_path: Path) -> None:
    path, text, error = refused(tmp_path, "", extends="test-rural@2021.1")
    (problem,) = error.problems
    assert problem.location == where(path, text, '"test-rural@2021.1"')
    assert problem.message == (
        "extends 'test-rural@2021.1' matches no ruleset; known: test-rural@2022.1 (cn-test)"
    )


def test_extends_that_matches_nothing_lists_every_known_version(rules: Path) -> None:
    write(rules, "prov-2023.1.yaml", overlay(jurisdiction=PROVINCE, version="2023.1"))
    text = overlay(extends="test-rural@2021.1")
    path = write(rules, "county.yaml", text)  # sorts before prov-2023.1.yaml
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    (problem,) = caught.value.problems
    assert problem.location == where(path, text, '"test-rural@2021.1"')
    assert "extends 'test-rural@2021.1' matches no ruleset" in problem.message
    assert "test-rural@2022.1 (cn-test)" in problem.message
    assert "test-rural@2023.1 (cn-test)" in problem.message


def test_extends_of_an_unknown_family_says_so(tmp_path: Path) -> None:
    path, text, error = refused(tmp_path, "", extends="other-rural@2022.1")
    (problem,) = error.problems
    assert problem.location == where(path, text, '"other-rural@2022.1"')
    assert "no ruleset of family 'other-rural' is loaded" in problem.message


def test_an_overlay_outside_its_bases_jurisdiction(rules: Path) -> None:
    text = overlay(jurisdiction="cn-other/county")
    path = write(rules, "county.yaml", text)
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    (problem,) = caught.value.problems
    assert "cn-other/county" in problem.message and "cn-test" in problem.message
    assert problem.location == where(path, text, "cn-other/county")


def test_an_overlay_outside_its_bases_jurisdiction_is_refused(rules: Path) -> None:
    """What the xfail above does not pin: the file is refused, at its `extends`."""
    text = overlay(jurisdiction="cn-other/county")
    path = write(rules, "county.yaml", text)
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    (problem,) = caught.value.problems
    assert problem.location.file == str(path)
    assert problem.location.line in (at(text, "cn-other")[0], at(text, '"test-rural@')[0])


def test_an_overlay_without_a_registry_is_refused_at_extends(tmp_path: Path) -> None:
    text = overlay()
    path = write(tmp_path, "county.yaml", text)
    with pytest.raises(RulesetError) as caught:
        starrules.load_ruleset(path)
    (problem,) = caught.value.problems
    assert problem.location == where(path, text, '"test-rural@2022.1"')
    assert "extends 'test-rural@2022.1'" in problem.message
    assert "registry=" in problem.message
    with pytest.raises(RulesetError):
        starrules.loads_ruleset(text, name="county.yaml")


def test_two_layers_of_one_jurisdiction_cannot_override_the_same_id(rules: Path) -> None:
    write(
        rules,
        "prov-2023.1.yaml",
        overlay(
            """
            override:
              industry.income: {test: industry.collective_income >= 120000}
            add:
              industry:
                - {id: prov.video, test: safety.video_coverage, text: {zh: x, en: x}}
            """,
            jurisdiction=PROVINCE,
            version="2023.1",
            effective="2023-01-01",
        ),
    )
    text = overlay(
        """
        override:
          industry.income: {test: industry.collective_income >= 130000}
          prov.video: {text: {zh: 监控, en: Video}}
          ecology.toilets: {test: ecology.sanitary_toilet_rate >= 0.9}
        """,
        jurisdiction=PROVINCE,
        version="2024.1",
        effective="2024-01-01",
        extends="test-rural@2023.1",
    )
    path = write(rules, "prov-2024.1.yaml", text)
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    first, second = caught.value.problems
    assert first.location == where(path, text, "industry.income")
    assert "'industry.income' is already overridden by test-rural@2023.1" in first.message
    assert "(cn-test)" in first.message
    assert second.location == where(path, text, "prov.video")
    # a county may override what its province overrode
    county = overlay(
        """
        override:
          industry.income: {test: industry.collective_income >= 130000}
        """,
        effective="2024-01-01",
        extends="test-rural@2023.1",
    )
    (path.parent / "prov-2024.1.yaml").unlink()
    write(rules, "county.yaml", county)
    (resolved,) = chain(Registry.from_paths([rules]), COUNTY)
    result = criterion(resolved.evaluate(village(as_of=date(2024, 6, 1))), "industry.income")
    assert (result.expression, result.layer) == (
        "industry.collective_income >= 130000",
        COUNTY_REF,
    )


def test_removing_a_star_another_star_requires_is_refused(rules: Path) -> None:
    text = overlay(
        """
        remove:
          - safety
          - industry
        """
    )
    path = write(rules, "county.yaml", text)
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    (problem,) = caught.value.problems
    assert problem.location.file == str(path)
    assert at(text, "remove:")[0] <= (problem.location.line or 0) <= at(text, "- industry")[0]
    assert "star 'branch' requires 'industry', which this overlay removes" in problem.message


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("remove:\n  - safety\n  - industry\n", "industry"),
        ("remove: [safety, industry]\n", "industry]"),
    ],
    ids=["block", "flow"],
)
def test_removing_a_required_star_points_at_the_removed_id(
    rules: Path, body: str, needle: str
) -> None:
    text = overlay(body)
    path = write(rules, "county.yaml", text)
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    (problem,) = caught.value.problems
    assert problem.location == where(path, text, needle)


def test_an_impossible_at_least_override_points_at_the_value(rules: Path) -> None:
    text = overlay(
        """
        remove: [ecology.roads]
        override:
          industry.engines: {at_least: 4}
        """
    )
    path = write(rules, "county.yaml", text)
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    (problem,) = caught.value.problems
    assert "group 'industry.engines' needs 4 of only 3 items" in problem.message
    assert problem.location == where(path, text, "4}")


def test_removing_a_star_the_base_levels_use_is_refused(rules: Path) -> None:
    write(
        rules,
        "prov-2023.1.yaml",
        overlay(
            """
            levels:
              - {value: 2, name: {zh: 二星, en: Two}, when: "stars.safety and count(stars) >= 2"}
              - {value: 1, name: {zh: 一星, en: One}, when: "count(stars) >= 1"}
            """,
            jurisdiction=PROVINCE,
            version="2023.1",
            effective="2023-01-01",
        ),
    )
    text = overlay("remove: [safety]\n", effective="2023-01-01", extends="test-rural@2023.1")
    path = write(rules, "county.yaml", text)
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    (problem,) = caught.value.problems
    assert problem.location.file == str(path)
    assert problem.location.line == at(text, "remove:")[0]
    assert "level 2 uses 'stars.safety'; replace the levels too" in problem.message


def test_removing_a_star_the_base_levels_use_with_new_levels(rules: Path) -> None:
    write(
        rules,
        "prov-2023.1.yaml",
        overlay(
            """
            levels:
              - {value: 2, name: {zh: 二星, en: Two}, when: "stars.safety and count(stars) >= 2"}
              - {value: 1, name: {zh: 一星, en: One}, when: "count(stars) >= 1"}
            """,
            jurisdiction=PROVINCE,
            version="2023.1",
            effective="2023-01-01",
        ),
    )
    text = overlay(
        """
        remove: [safety]
        levels:
          - {value: 1, name: {zh: 一星, en: One}, when: "count(stars) >= 1"}
        """,
        effective="2023-01-01",
        extends="test-rural@2023.1",
    )
    write(rules, "county.yaml", text)
    (county,) = chain(Registry.from_paths([rules]), COUNTY)
    assert [s.id for s in county.stars] == ["industry", "ecology", "branch"]
    assert county.evaluate(village()).level.value == 1


def test_overlays_that_extend_each_other_are_refused_at_their_extends(rules: Path) -> None:
    first = overlay(
        jurisdiction=PROVINCE, version="2023.1", effective="2023-01-01", extends="test-rural@2024.1"
    )
    second = overlay(
        jurisdiction=PROVINCE, version="2024.1", effective="2024-01-01", extends="test-rural@2023.1"
    )
    first_path = write(rules, "prov-2023.1.yaml", first)
    second_path = write(rules, "prov-2024.1.yaml", second)
    with pytest.raises(RulesetError) as caught:
        Registry.from_paths([rules])
    locations = {p.location for p in caught.value.problems}
    assert locations == {
        where(first_path, first, '"test-rural@2024.1"'),
        where(second_path, second, '"test-rural@2023.1"'),
    }
    for problem in caught.value.problems:
        assert "extends 'test-rural@202" in problem.message


def test_overlay_keys_in_a_file_without_extends(tmp_path: Path) -> None:
    text = BASE_FILE.read_text(encoding="utf-8") + textwrap.dedent(
        """\
        policy: tighten-only
        override:
          industry.income: {text: {zh: 收入, en: Income}}
        add:
          industry:
            - {id: county.video, test: safety.video_coverage, text: {zh: x, en: x}}
        add_veto:
          safety:
            - id: county.accidents
              test: safety.accidents_with_casualties > 0
              text: {zh: x, en: x}
        remove: [industry.coop]
        """
    )
    path = write(tmp_path, "standalone.yaml", text)
    with pytest.raises(RulesetError) as caught:
        starrules.load_ruleset(path)
    problems = caught.value.problems
    assert [p.location for p in problems] == [
        where(path, text, "policy:"),
        where(path, text, "override:"),
        where(path, text, "add:"),
        where(path, text, "add_veto:"),
        where(path, text, "remove:"),
    ]
    for problem, key in zip(
        problems, ("policy", "override", "add", "add_veto", "remove"), strict=True
    ):
        assert problem.message == f"'{key}' needs 'extends': it changes another ruleset"


# -- 4. policy: tighten-only ---------------------------------------------------------------

# (body, needle, fragments): each is refused with one problem at the needle.
LOOSER: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "a loosened >= threshold": (
        "override:\n  industry.income: {test: industry.collective_income >= 50000}\n",
        "industry.collective_income >= 50000",
        ("'industry.income'", ">= 100000 → >= 50000", "test-rural@2022.1"),
    ),
    "a loosened <= threshold": (
        "override:\n  safety.cases: {test: safety.criminal_cases <= 2}\n",
        "safety.criminal_cases <= 2",
        ("'safety.cases'", "<= 1 → <= 2", "test-rural@2022.1"),
    ),
    "a veto that fires less easily": (
        "override:\n  industry.arrears: {test: industry.wage_arrears_cases > 1}\n",
        "industry.wage_arrears_cases > 1",
        ("'industry.arrears'", "> 0 → > 1", "test-rural@2022.1"),
    ),
    "a strict bound turned inclusive": (
        "override:\n  industry.arrears: {test: industry.wage_arrears_cases >= 1}\n",
        "industry.wage_arrears_cases >= 1",
        ("'industry.arrears'", "> 0 → >= 1"),
    ),
    "a bound turned around": (
        "override:\n  ecology.toilets: {test: ecology.sanitary_toilet_rate <= 0.85}\n",
        "ecology.sanitary_toilet_rate <= 0.85",
        ("'ecology.toilets'", "turns the bound", ">= → <="),
    ),
    "a lowered at_least": (
        "override:\n  industry.engines: {at_least: 1}\n",
        "1}",
        ("'industry.engines'", "would need 1 instead of 2"),
    ),
    "a lowered min_points": (
        "override:\n  ecology.care: {min_points: 1}\n",
        "1}",
        ("'ecology.care'", "would need 1 instead of 2"),
    ),
    "more points": (
        "override:\n  ecology.garbage: {points: 2}\n",
        "2}",
        ("'ecology.garbage'", "would earn more points", "1 → 2"),
    ),
    "a removed criterion": (
        "remove: [industry.income]\n",
        "industry.income]",
        ("removing 'industry.income'",),
    ),
    "a removed veto": (
        "remove: [safety.petitions]\n",
        "safety.petitions]",
        ("removing 'safety.petitions'",),
    ),
    "adding to an any group": (
        "add:\n  safety:\n"
        "    - {id: county.video, test: safety.video_coverage, text: {zh: x, en: x}}\n",
        "safety:",
        ("adding to the 'any' group 'safety.standards'",),
    ),
    "adding to an at_least group": (
        "add:\n  industry.engines:\n"
        "    - {id: county.video, test: safety.video_coverage, text: {zh: x, en: x}}\n",
        "industry.engines:",
        ("adding to the 'at_least' group 'industry.engines'",),
    ),
    "adding to a min_points group": (
        "add:\n  ecology.care:\n"
        "    - {id: county.green, test: ecology.greening_rate >= 0.3, points: 1,"
        " text: {zh: x, en: x}}\n",
        "ecology.care:",
        ("adding to the 'min_points' group 'ecology.care'",),
    ),
    "new stars": (
        "stars:\n  - id: culture\n    name: {zh: 文明, en: Culture}\n"
        "    grant: {all: [{id: culture.x, test: civility.practice_station,"
        " text: {zh: x, en: x}}]}\n",
        "stars:",
        ("new stars can raise a village's level",),
    ),
    "replaced levels": (
        'levels:\n  - {value: 1, name: {zh: 一, en: One}, when: "count(stars) >= 1"}\n',
        "levels:",
        ("replacing the levels",),
    ),
    "a replaced test of another shape": (
        "override:\n  branch.cadres: {test: branch.reserve_cadres * 2 >= 6}\n",
        "branch.reserve_cadres * 2 >= 6",
        (
            "'branch.cadres' changes its test to 'branch.reserve_cadres * 2 >= 6'",
            "was 'branch.reserve_cadres >= 3' in test-rural@2022.1",
        ),
    ),
    "a criterion test turned into 'old or more'": (
        "override:\n  industry.income:\n"
        "    test: industry.collective_income >= 100000 or industry.dual_binding\n",
        "industry.collective_income >= 100000 or",
        ("'industry.income' changes its test",),
    ),
    "a veto turned into 'old and more'": (
        "override:\n  industry.arrears:\n"
        "    test: industry.wage_arrears_cases > 0 and industry.dual_binding\n",
        "industry.wage_arrears_cases > 0 and",
        ("'industry.arrears' changes its test",),
    ),
    "another indicator": (
        "override:\n  industry.income: {test: industry.local_jobs >= 100000}\n",
        "industry.local_jobs >= 100000",
        ("'industry.income' changes its test", "industry.collective_income >= 100000"),
    ),
}


@pytest.mark.parametrize("case", list(LOOSER), ids=list(LOOSER))
def test_tighten_only_refuses(tmp_path: Path, case: str) -> None:
    body, needle, fragments = LOOSER[case]
    path, text, error = refused(tmp_path, "policy: tighten-only\n" + body)
    (problem,) = error.problems
    assert problem.message.startswith("policy tighten-only: "), problem.message
    for fragment in fragments:
        assert fragment in problem.message, problem.message
    assert problem.location == where(path, text, needle, after="policy:")


def test_the_same_changes_load_without_the_policy(tmp_path: Path) -> None:
    for n, (body, _, _) in enumerate(LOOSER.values()):
        load(tmp_path / str(n), body)


# Each is accepted under tighten-only; the grid below checks that it is indeed stricter.
STRICTER: dict[str, str] = {
    "a raised threshold": (
        "override:\n  industry.income: {test: industry.collective_income >= 150000}\n"
    ),
    "the same threshold": (
        "override:\n  industry.income: {test: industry.collective_income >= 100_000}\n"
    ),
    "the same threshold, literal first": (
        "override:\n  industry.income: {test: 100000 <= industry.collective_income}\n"
    ),
    "a strict bound at the same limit": (
        "override:\n  ecology.cleaning: {test: ecology.cleaning_days_per_month > 4}\n"
    ),
    "a strict upper bound at the same limit": (
        "override:\n  safety.cases: {test: safety.criminal_cases < 1}\n"
    ),
    "a lowered <= bound": "override:\n  safety.cases: {test: safety.criminal_cases <= 0}\n",
    "old test and more": (
        "override:\n  branch.cadres:\n"
        "    test: branch.reserve_cadres >= 3 and industry.dual_binding\n"
    ),
    "more and old test": (
        "override:\n  branch.cadres:\n"
        "    test: industry.dual_binding and (branch.reserve_cadres >= 3)\n"
    ),
    "a compound old test in parentheses and more": (
        "override:\n  branch.secretary:\n"
        "    test: (branch.secretary_strong and not branch.weak_and_lax)"
        " and industry.dual_binding\n"
    ),
    "a veto: old or more": (
        "override:\n  industry.arrears:\n"
        "    test: industry.wage_arrears_cases > 0 or industry.dual_binding == false\n"
    ),
    "a veto that fires more easily": (
        "override:\n  safety.petitions: {test: safety.escalated_petitions >= 0}\n"
    ),
    "adding to an all group": (
        "add:\n  industry:\n"
        "    - {id: county.video, test: safety.video_coverage, text: {zh: x, en: x}}\n"
        "  branch.standards:\n"
        "    - id: county.branch\n"
        "      any:\n"
        "        - {id: county.days, test: branch.themed_party_days >= 12, text: {zh: x, en: x}}\n"
        "        - {id: county.review, test: branch.member_review_done, text: {zh: x, en: x}}\n"
    ),
    "adding a veto": (
        "add_veto:\n  safety:\n"
        "    - {id: county.accidents, test: safety.accidents_with_casualties > 0,"
        " text: {zh: x, en: x}}\n"
    ),
    "a raised at_least": "override:\n  industry.engines: {at_least: 3}\n",
    "a raised min_points": "override:\n  ecology.care: {min_points: 3}\n",
    "fewer points": "override:\n  ecology.cleaning: {points: 0.5}\n",
    "a new text": "override:\n  industry.income: {text: {zh: 收入, en: Income}}\n",
}
STRICTER["all of them"] = (
    "override:\n"
    "  industry.income: {test: industry.collective_income >= 150000}\n"
    "  ecology.cleaning: {test: ecology.cleaning_days_per_month > 4}\n"
    "  safety.cases: {test: safety.criminal_cases <= 0}\n"
    "  industry.engines: {at_least: 3}\n"
    "  branch.secretary:\n"
    "    test: industry.dual_binding and (branch.secretary_strong and not branch.weak_and_lax)\n"
    "  industry.arrears:\n"
    "    test: industry.wage_arrears_cases > 0 or industry.dual_binding == false\n"
    "add:\n"
    "  ecology:\n"
    "    - {id: county.greening, test: ecology.greening_rate >= 0.3, text: {zh: x, en: x}}\n"
    "add_veto:\n"
    "  safety:\n"
    "    - {id: county.accidents, test: safety.accidents_with_casualties > 0,"
    " text: {zh: x, en: x}}\n"
)


def _tighter(tmp_path: Path, body: str) -> Ruleset:
    return load(tmp_path, "policy: tighten-only\n" + body)


@pytest.mark.parametrize("case", list(STRICTER), ids=list(STRICTER))
def test_tighten_only_accepts(tmp_path: Path, case: str) -> None:
    ruleset = _tighter(tmp_path, STRICTER[case])
    assert ruleset.layers[-1].jurisdiction == COUNTY


def test_tighten_only_accepts_a_compound_old_test_and_more(tmp_path: Path) -> None:
    _tighter(
        tmp_path,
        "override:\n  branch.secretary:\n"
        "    test: branch.secretary_strong and not branch.weak_and_lax and industry.dual_binding\n",
    )


def _grid() -> Iterator[Village]:
    """Villages around every bar the accepted overlays move; unknowns included."""
    industry = [
        {
            "collective_income": income,
            "branch_led_cooperative": coop,
            "one_village_one_product": True,
            "dual_binding": binding,
            "wage_arrears_cases": arrears,
        }
        for income, coop, binding, arrears in itertools.product(
            [None, 99999, 100000, 150000], [True, False, None], [True, False, None], [0, 1, None]
        )
    ]
    ecology = [
        {
            "sanitary_toilet_rate": 0.9,
            "garbage_system": garbage,
            "cleaning_days_per_month": days,
            "hardened_road_rate": roads,
            "greening_rate": 0.4,
        }
        for garbage, days, roads in itertools.product([True, False], [3, 4, 5, None], [0.5, 0.95])
    ]
    safety = [
        {
            "grid_management": grid,
            "criminal_cases": cases,
            "escalated_petitions": petitions,
            "video_coverage": video,
            "accidents_with_casualties": accidents,
        }
        for grid, cases, petitions, video, accidents in itertools.product(
            [True, False], [0, 1, 2, None], [0, 1], [True, False, None], [0, 1]
        )
    ]
    branch = [
        {
            "secretary_strong": strong,
            "weak_and_lax": False,
            "reserve_cadres": cadres,
            "themed_party_days": days,
            "member_review_done": review,
        }
        for strong, cadres, days, review in itertools.product(
            [True, None], [2, 3, None], [12, 0], [True, False]
        )
    ]
    # industry × ecology in full; safety and branch cycle along (each appears many times)
    for n, (ind, eco) in enumerate(itertools.product(industry, ecology)):
        yield Village.model_validate(
            {
                "name": f"村{n}",
                "jurisdiction": COUNTY,
                "kind": "rural",
                "as_of": "2023-06-01",
                "industry": ind,
                "ecology": eco,
                "safety": safety[n % len(safety)],
                "branch": branch[(n // 7) % len(branch)],
            }
        )


@functools.cache
def _villages() -> tuple[Village, ...]:
    return tuple(_grid())


@functools.cache
def _base_statuses() -> tuple[tuple[Status, ...], ...]:
    return tuple(tuple(a.status(s) for s in STARS) for a in base().evaluate_many(_villages()))


@pytest.mark.parametrize("case", list(STRICTER), ids=list(STRICTER))
def test_accepted_overlays_grant_no_star_the_base_denies(tmp_path: Path, case: str) -> None:
    ruleset = _tighter(tmp_path, STRICTER[case])
    villages = _villages()
    assert len(villages) > 1000
    looser = []
    for v, before, a in zip(
        villages, _base_statuses(), ruleset.evaluate_many(villages), strict=True
    ):
        for star, was in zip(STARS, before, strict=True):
            now = a.status(star)
            if (now is GRANTED and was is not GRANTED) or (was is DENIED and now is not DENIED):
                looser.append((v.name, star, was.value, now.value))
    assert looser == []


def test_the_grid_tells_the_bars_apart(tmp_path: Path) -> None:
    """The brute-force check above has teeth: a loosened overlay fails it."""
    ruleset = load(tmp_path, LOOSER["a loosened >= threshold"][0])
    changed = sum(
        a.status("industry") is GRANTED and before[0] is not GRANTED
        for a, before in zip(ruleset.evaluate_many(_villages()), _base_statuses(), strict=True)
    )
    assert changed > 0
    stricter = _tighter(tmp_path / "s", STRICTER["all of them"])
    tightened = sum(
        a.status(s) is not GRANTED and was is GRANTED
        for a, before in zip(stricter.evaluate_many(_villages()), _base_statuses(), strict=True)
        for s, was in zip(STARS, before, strict=True)
    )
    assert tightened > 0


# -- 5. resolution through the registry --------------------------------------------------


def _province_2023(rules: Path) -> None:
    write(
        rules,
        "prov-2023.1.yaml",
        overlay(
            """
            override:
              industry.income: {test: industry.collective_income >= 120000}
            """,
            jurisdiction=PROVINCE,
            version="2023.1",
            effective="2023-01-01",
        ),
    )


def test_an_exact_extends_sits_on_that_version_only(rules: Path) -> None:
    _province_2023(rules)
    write(rules, "county.yaml", overlay(extends="test-rural@2022.1"))
    registry = Registry.from_paths([rules])
    (county,) = chain(registry, COUNTY)
    assert refs(county) == [BASE_REF, COUNTY_REF]
    # in 2023 the county still sits on 2022.1: its chain is in force (2022.1 has no end)
    on_2023 = registry.resolve(COUNTY, on=date(2023, 6, 1))
    assert refs(on_2023) == [BASE_REF, COUNTY_REF]
    assert criterion(on_2023.evaluate(village()), "industry.income").expression == (
        "industry.collective_income >= 100000"
    )


def test_a_range_sits_on_every_matching_base_version(rules: Path) -> None:
    _province_2023(rules)
    write(rules, "county.yaml", overlay(extends="test-rural@>=2022.1"))
    registry = Registry.from_paths([rules])
    assert sorted(refs(rs) for rs in chain(registry, COUNTY)) == [
        [BASE_REF, COUNTY_REF],
        [BASE_REF, "test-rural@2023.1 (cn-test)", COUNTY_REF],
    ]
    assert len(registry.rulesets) == 4  # two provincial chains, the county on each
    in_2022 = registry.resolve(COUNTY, on=date(2022, 8, 1))
    in_2023 = registry.resolve(COUNTY, on=date(2023, 6, 1))
    assert refs(in_2022) == [BASE_REF, COUNTY_REF]
    assert refs(in_2023) == [BASE_REF, "test-rural@2023.1 (cn-test)", COUNTY_REF]
    v = village(industry={"collective_income": 110000})
    assert in_2022.evaluate(v).status("industry") is GRANTED
    assert in_2023.evaluate(v).status("industry") is DENIED
    assert criterion(in_2023.evaluate(v), "industry.income").layer == "test-rural@2023.1 (cn-test)"
    # before the county overlay, the province alone
    assert refs(registry.resolve(COUNTY, on=date(2022, 5, 15))) == [BASE_REF]
    # load_ruleset with a range takes the highest matching base
    one = starrules.load_ruleset(rules / "county.yaml", registry=registry)
    assert refs(one) == refs(in_2023)


@pytest.mark.parametrize(
    ("extends", "versions"),
    [
        ("test-rural@>=2022.1,<2023", ["2022.1"]),
        ("test-rural@>2022.1", ["2023.1"]),
        ("test-rural@~=2022.1", ["2022.1"]),
        ("test-rural@==2023.*", ["2023.1"]),
        ("test-rural@2023.1", ["2023.1"]),
        ("test-rural@2022.1.0", ["2022.1"]),
    ],
)
def test_pep_440_ranges_pick_the_matching_bases(
    rules: Path, extends: str, versions: list[str]
) -> None:
    _province_2023(rules)
    write(rules, "county.yaml", overlay(extends=extends, effective="2023-02-01"))
    county = chain(Registry.from_paths([rules]), COUNTY)
    assert sorted(rs.layers[-2].version for rs in county) == versions


def test_an_unknown_county_falls_back_to_its_city_then_its_province(rules: Path) -> None:
    write(
        rules,
        "city.yaml",
        overlay("override:\n  ecology.care: {min_points: 3}\n", jurisdiction=CITY),
    )
    write(rules, "county.yaml", overlay("override:\n  industry.engines: {at_least: 3}\n"))
    registry = Registry.from_paths([rules])
    city_ref = f"test-rural@2022.1 ({CITY})"
    on = date(2023, 6, 1)
    assert refs(registry.resolve(COUNTY, on=on)) == [BASE_REF, city_ref, COUNTY_REF]
    assert refs(registry.resolve(f"{COUNTY}/some-township", on=on)) == [
        BASE_REF,
        city_ref,
        COUNTY_REF,
    ]
    assert refs(registry.resolve(f"{CITY}/other-county", on=on)) == [BASE_REF, city_ref]
    assert refs(registry.resolve("cn-test/other-city/county", on=on)) == [BASE_REF]
    # the county sits on the city, whose change it keeps
    a = registry.resolve(COUNTY, on=on).evaluate(village())
    assert criterion(a, "ecology.care").layer == city_ref
    assert criterion(a, "industry.engines").layer == COUNTY_REF
    with pytest.raises(ResolutionError, match="cn-elsewhere"):
        registry.resolve("cn-elsewhere/county", on=on)


def test_a_chain_is_in_force_only_where_every_layer_is(rules: Path) -> None:
    write(rules, "county.yaml", overlay(effective="2023-03-01"))
    registry = Registry.from_paths([rules])
    (county,) = chain(registry, COUNTY)
    assert county.effective_from == date(2023, 3, 1)
    assert not county.in_force(date(2023, 1, 1))
    assert refs(registry.resolve(COUNTY, on=date(2023, 1, 1))) == [BASE_REF]
    assert refs(registry.resolve(COUNTY, on=date(2023, 3, 1))) == [BASE_REF, COUNTY_REF]
    with pytest.raises(EvaluationError):
        county.evaluate(village(as_of=date(2023, 1, 1)))


def test_a_chain_ends_with_its_base(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    text = BASE_FILE.read_text(encoding="utf-8")
    old = "effective: {from: 2022-05-01}"
    assert old in text
    write(
        rules, BASE_FILE.name, text.replace(old, "effective: {from: 2022-05-01, until: 2022-12-31}")
    )
    write(rules, "county.yaml", overlay(effective="2022-09-01"))
    registry = Registry.from_paths([rules])
    (county,) = chain(registry, COUNTY)
    assert (county.effective_from, county.effective_until) == (
        date(2022, 9, 1),
        date(2022, 12, 31),
    )
    assert refs(registry.resolve(COUNTY, on=date(2022, 12, 31))) == [BASE_REF, COUNTY_REF]
    with pytest.raises(ResolutionError):
        registry.resolve(COUNTY, on=date(2023, 1, 1))


HENAN_COUNTY = "cn-henan/zhengzhou/xinzheng"


def test_a_county_folder_extends_the_bundled_province(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        starrules: 1
        id: henan-rural
        jurisdiction: cn-henan/zhengzhou/xinzheng
        kind: rural
        version: "2022.1"
        effective: {from: 2022-06-01}
        title: {zh: 新郑市标准, en: Xinzheng standard}
        extends: "henan-rural@>=2022.1"
        policy: tighten-only
        override:
          industry.collective-income: {test: industry.collective_income >= 200000}
        """
    )
    write(tmp_path / "xinzheng", "xinzheng-rural-2022.1.yaml", text)
    default = Registry.default()
    registry = Registry.from_paths([tmp_path / "xinzheng"], base=default)
    assert set(default.rulesets) < set(registry.rulesets)  # the bundled ones are kept
    mine = chain(registry, HENAN_COUNTY)
    assert sorted([la.version for la in rs.layers] for rs in mine) == [
        ["2022.1", "2022.1"],
        ["2022.1", "2023.1", "2022.1"],
    ]
    in_2023 = registry.resolve(HENAN_COUNTY, on=date(2023, 6, 1))
    assert [la.jurisdiction for la in in_2023.layers] == ["cn-henan", "cn-henan", HENAN_COUNTY]
    assert in_2023.layers[0].file.startswith(str(bundled_rulesets_dir()))
    with pytest.raises(RulesetError, match=r"extends 'henan-rural@>=2022\.1'"):
        Registry.from_paths([tmp_path / "xinzheng"])  # without the bundled base


def test_an_edited_copy_of_a_bundled_file_replaces_it_and_its_chains(tmp_path: Path) -> None:
    bundled = bundled_rulesets_dir() / "cn-henan" / "henan-rural-2022.1.yaml"
    text = bundled.read_text(encoding="utf-8")
    old = "test: industry.collective_income >= 100000"
    assert text.count(old) == 1
    copy = write(
        tmp_path / "edit",
        bundled.name,
        text.replace(old, "test: industry.collective_income >= 120000"),
    )
    default = Registry.default()
    registry = Registry.from_paths([tmp_path / "edit"], base=default)
    province = registry.resolve("cn-henan", on=date(2022, 8, 1))
    assert province.file == str(copy)
    assert province.fingerprint != default.resolve("cn-henan", on=date(2022, 8, 1)).fingerprint
    # no chain is left on the bundled 2022.1: the 2023.1 revision and the counties over it
    # are gone with it (they were built on the bundled file)
    for rs in registry.rulesets:
        for layer in rs.layers:
            if (layer.id, layer.jurisdiction, layer.version) == (
                "henan-rural",
                "cn-henan",
                "2022.1",
            ):
                assert layer.file == str(copy)
    assert not [rs for rs in registry.rulesets if len(rs.layers) > 1 and rs.id == "henan-rural"]
    # the other bundled families are untouched
    kept = {(rs.id, rs.jurisdiction) for rs in registry.rulesets}
    assert {("henan-urban", "cn-henan"), ("zhejiang-rural", "cn-zhejiang")} <= kept


def test_an_edited_copy_of_a_bundled_county_replaces_only_the_county(tmp_path: Path) -> None:
    bundled = bundled_rulesets_dir() / "cn-henan" / "nanyang" / "xixia" / "xixia-rural-2022.1.yaml"
    text = bundled.read_text(encoding="utf-8")
    old = "test: ecology.sanitary_toilet_rate >= 0.89"
    assert text.count(old) == 1
    copy = write(
        tmp_path / "edit",
        bundled.name,
        text.replace(old, "test: ecology.sanitary_toilet_rate >= 0.95"),
    )
    default = Registry.default()
    registry = Registry.from_paths([tmp_path / "edit"], base=default)
    xixia = "cn-henan/nanyang/xixia"
    mine = chain(registry, xixia)
    assert len(mine) == 2 and {rs.file for rs in mine} == {str(copy)}
    assert len(registry.rulesets) == len(default.rulesets)
    assert registry.resolve("cn-henan", on=date(2023, 6, 1)) is default.resolve(
        "cn-henan", on=date(2023, 6, 1)
    )


# -- 6. the shipped rulesets ---------------------------------------------------------------

XIXIA = "cn-henan/nanyang/xixia"
XIXIA_VILLAGE: dict[str, Any] = {
    "name": "寨根村",
    "jurisdiction": XIXIA,
    "township": "寨根乡",
    "kind": "rural",
    "branch": {
        "secretary_strong": True,
        "reserve_cadres": 4,
        "three_meetings_one_lesson": True,
        "member_review_done": True,
        "service_center_standard": True,
        "pioneer_posts": 3,
        "weak_and_lax": False,
    },
    "industry": {
        "collective_income": 260000,
        "branch_led_cooperative": True,
        "one_village_one_product": True,
        "dual_binding": True,
        "local_jobs": 60,
        "skills_trainees": 200,
    },
    "ecology": {
        "sanitary_toilet_rate": 0.87,  # enough for the province (85%), not for 西峡 (89%)
        "sewage_treatment_rate": 0.6,
        "garbage_system": True,
        "cleaning_days_per_month": 4,
        "greening_rate": 0.5,
    },
    "safety": {
        "disputes_total": 18,
        "disputes_resolved": 18,
        "grid_management": True,
        "video_coverage": True,
        "key_population_managed": True,
        "escalated_petitions": 0,
        "accidents_with_casualties": 0,
        "criminal_cases": 0,
    },
    "civility": {
        "practice_station": True,
        "village_rules": True,
        "councils": 5,
        "star_households": 12,
        "activities": 20,
    },
    "extra": {"mushroom_bags": 0},
}


def _layers(ruleset: Ruleset) -> list[tuple[str, str, str]]:
    return [(la.id, la.version, la.jurisdiction) for la in ruleset.layers]


def test_xixia_in_2023_is_the_county_overlay_over_the_2023_province() -> None:
    ruleset = Registry.default().resolve(XIXIA, kind="rural", on=date(2023, 6, 1))
    assert _layers(ruleset) == [
        ("henan-rural", "2022.1", "cn-henan"),
        ("henan-rural", "2023.1", "cn-henan"),
        ("henan-rural", "2022.1", XIXIA),
    ]
    assert ruleset.file.endswith("xixia-rural-2022.1.yaml")
    assert ruleset.layers[-1].extends == "henan-rural@>=2022.1"


def test_xixia_in_2022_is_the_county_overlay_over_the_2022_province() -> None:
    default = Registry.default()
    ruleset = default.resolve(XIXIA, kind="rural", on=date(2022, 10, 1))
    assert _layers(ruleset) == [
        ("henan-rural", "2022.1", "cn-henan"),
        ("henan-rural", "2022.1", XIXIA),
    ]
    # before the county overlay takes effect (2022-09-23), the province alone
    before = default.resolve(XIXIA, kind="rural", on=date(2022, 6, 1))
    assert _layers(before) == [("henan-rural", "2022.1", "cn-henan")]


@pytest.mark.parametrize(
    ("on", "versions"),
    [(date(2022, 12, 31), ["2022.1"]), (date(2023, 6, 1), ["2022.1", "2023.1"])],
)
def test_an_unlisted_henan_county_falls_back_to_the_province(on: date, versions: list[str]) -> None:
    ruleset = Registry.default().resolve(HENAN_COUNTY, kind="rural", on=on)
    assert [la.jurisdiction for la in ruleset.layers] == ["cn-henan"] * len(versions)
    assert [la.version for la in ruleset.layers] == versions


def test_a_xixia_village_names_the_layer_of_each_criterion() -> None:
    v = Village.model_validate({**XIXIA_VILLAGE, "as_of": "2023-12-31"})
    a = starrules.evaluate(v)
    xixia_ref = f"henan-rural@2022.1 ({XIXIA})"
    toilets = criterion(a, "ecology.sanitary-toilets")
    assert (toilets.status, toilets.layer) == (FAIL, xixia_ref)
    assert toilets.expression == "ecology.sanitary_toilet_rate >= 0.89"
    assert criterion(a, "xixia.one-village-one-product").layer == xixia_ref
    assert criterion(a, "civility.councils").layer == "henan-rural@2023.1 (cn-henan)"
    assert criterion(a, "branch.pioneer-posts").layer == "henan-rural@2023.1 (cn-henan)"
    assert criterion(a, "industry.collective-income").layer == "henan-rural@2022.1 (cn-henan)"
    assert [la.jurisdiction for la in a.ruleset.layers] == ["cn-henan", "cn-henan", XIXIA]
    assert a.status("ecology") is DENIED
    # the same village in an unlisted county keeps 生态宜居星 (85% is the provincial bar)
    elsewhere = Village.model_validate(
        {**XIXIA_VILLAGE, "jurisdiction": HENAN_COUNTY, "extra": {}, "as_of": "2023-12-31"}
    )
    assert starrules.evaluate(elsewhere).status("ecology") is GRANTED


def test_the_shipped_overlays_are_tighten_only_where_they_say_so() -> None:
    """西峡 (tighten-only) grants no star that the province under it denies, for a village
    around the toilet bar it raises."""
    default = Registry.default()
    xixia = default.resolve(XIXIA, on=date(2023, 6, 1))
    province = default.resolve("cn-henan", on=date(2023, 6, 1))
    assert xixia.layers[:-1] == province.layers
    v = Village.model_validate({**XIXIA_VILLAGE, "as_of": "2023-12-31"})
    grid = [
        v.model_copy(
            update={"ecology": v.ecology.model_copy(update={"sanitary_toilet_rate": rate})}
        )
        for rate in (0.8, 0.85, 0.88, 0.89, 0.95)
    ]
    for village_ in grid:
        county, base_a = (
            xixia.evaluate(village_),
            province.evaluate(village_.model_copy(update={"extra": {}})),
        )
        for star in county.granted:
            assert base_a.status(star) is GRANTED


# -- points only where they count, in overlays too ---------------------------------------------


def test_points_on_an_added_veto_are_refused(tmp_path: Path) -> None:
    path, text, error = refused(
        tmp_path,
        """
        add_veto:
          safety:
            - id: county.accidents
              test: safety.accidents_with_casualties > 0
              points: 2
              text: {zh: 事故, en: Accidents}
        """,
    )
    (problem,) = error.problems
    line, column = at(text, "points: 2")
    assert problem.location == Location(str(path), line, column + len("points: "))
    assert "a veto has no points" in problem.message


def test_points_overridden_outside_a_min_points_group_are_refused(tmp_path: Path) -> None:
    path, text, error = refused(
        tmp_path,
        """
        override:
          industry.coop: {points: 3}
        """,
    )
    (problem,) = error.problems
    line, column = at(text, "points: 3")
    assert problem.location == Location(str(path), line, column + len("points: "))
    assert "points only count inside a min_points group" in problem.message


def test_an_overlay_without_title_inherits_the_bases(tmp_path: Path) -> None:
    text = overlay("").replace("title: {zh: 测试县标准, en: Test county standard}\n", "")
    assert "title" not in text
    path = write(tmp_path, "county.yaml", text)
    ruleset = starrules.load_ruleset(path, registry=base_registry())
    assert ruleset.tree.title == base().tree.title


def test_an_overlays_own_title_wins(tmp_path: Path) -> None:
    ruleset = load(tmp_path, "")
    assert ruleset.tree.title != base().tree.title
    assert ruleset.tree.title.zh == "测试县标准"
