"""Running a ruleset's inline test cases."""

from __future__ import annotations

from pathlib import Path

import pytest

import starrules
from starrules import Registry
from starrules.cli import main
from starrules.testing.cases import run_cases, run_paths

ROOT = Path(__file__).resolve().parents[1]
HENAN = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"


def broken_expectation(tmp_path: Path) -> Path:
    text = HENAN.read_text(encoding="utf-8")
    marker = "    expect:\n      level: 5\n"
    assert marker in text, "the Henan ruleset's first case expects level 5"
    path = tmp_path / "henan.yaml"
    path.write_text(text.replace(marker, "    expect:\n      level: 4\n", 1), encoding="utf-8")
    return path


def test_henan_cases_pass() -> None:
    results = run_cases(starrules.load_ruleset(HENAN))
    assert len(results) >= 3
    assert all(r.passed for r in results), [r.differences for r in results]


def test_broken_expectation_reports_expected_and_actual(tmp_path: Path) -> None:
    results = run_cases(starrules.load_ruleset(broken_expectation(tmp_path)), lang="en")
    failed = [r for r in results if not r.passed]
    assert len(failed) == 1
    assert failed[0].differences == ("level: expected 4, got 5",)
    assert failed[0].explanation is not None and "Level" in failed[0].explanation
    assert str(failed[0].case.location).startswith(f"{tmp_path / 'henan.yaml'}:")
    # the short form: every star granted, so what the level counts is all there is to say
    assert failed[0].brief == (
        "stars: ✔ Thriving Industry  ✔ Ecological Livability  ✔ Safety and Rule of Law  "
        "✔ Civility and Happiness  ✔ Strong Branch",
    )


def test_a_failure_keeps_the_criteria_that_decided_it(tmp_path: Path) -> None:
    """短板村 expected at three stars: its brief names the failing criteria of the two
    denied stars (the case expected more), with observed value, target and gap."""
    text = broken_expectation(tmp_path).read_text(encoding="utf-8")
    marker = "    expect:\n      level: 2\n"
    assert marker in text
    path = tmp_path / "henan.yaml"
    path.write_text(text.replace(marker, "    expect:\n      level: 3\n"), encoding="utf-8")
    results = run_cases(starrules.load_ruleset(path), lang="en")
    (result,) = [
        r for r in results if r.case.name == "low income and toilet rate leave a two-star village"
    ]
    assert result.differences == ("level: expected 3, got 2",)
    brief = "\n".join(result.brief)
    assert "✘ Thriving Industry [denied]" in brief
    assert (
        "  ✘ industry.collective-income: Village collective income of at least 100,000 CNY a "
        "year — observed Village collective income a year 60,000 CNY, target >= 100,000 CNY, "
        "short by 40,000 CNY"
    ) in result.brief
    assert "  ✘ ecology.sanitary-toilets: " in brief and "short by 7 percentage points" in brief
    assert "✔ Safety and Rule of Law [granted]" not in brief  # granted: nothing to explain
    report = result.report()
    assert report[0] == "    level: expected 3, got 2"
    assert report[1:] == [f"    {line}" for line in result.brief]
    verbose = result.report(verbose=True)
    assert verbose[0] == report[0] and "Next steps (what to improve):" in "\n".join(verbose)


# -- overlays and *.test.yaml files ----------------------------------------------------------

XINZHENG = "cn-henan/zhengzhou/xinzheng"

# 四会村 of henan-rural.test.yaml: five stars under 2022.1 (four councils, 25万元).
SIHUI = """\
      name: 四会村
      jurisdiction: {jurisdiction}
      kind: rural
      as_of: {as_of}
      branch: {{secretary_strong: true, reserve_cadres: 4, three_meetings_one_lesson: true, member_review_done: true, service_center_standard: true, pioneer_posts: 0, weak_and_lax: false}}
      industry: {{collective_income: 250000, branch_led_cooperative: true, one_village_one_product: true, dual_binding: true, local_jobs: 40, skills_trainees: 120}}
      ecology: {{sanitary_toilet_rate: 0.92, sewage_treatment_rate: 0.65, garbage_system: true, cleaning_days_per_month: 4, greening_rate: 0.38}}
      safety: {{disputes_total: 20, disputes_resolved: 20, grid_management: true, video_coverage: true, key_population_managed: true, escalated_petitions: 0, accidents_with_casualties: 0, criminal_cases: 0}}
      civility: {{practice_station: true, village_rules: true, councils: 4, star_households: 15, activities: 24}}
      extra: {extra}
"""  # noqa: E501


def case(name: str, expect: str, jurisdiction: str, as_of: str, extra: str = "{}") -> str:
    village = SIHUI.format(jurisdiction=jurisdiction, as_of=as_of, extra=extra)
    return f'  - name: "{name}"\n    village:\n{village}    expect:\n{expect}'


def cases_file(*cases: str) -> str:
    return "starrules: 1\ncases:\n" + "".join(cases)


XIXIA_MUSHROOMS = "{mushroom_bags: 0}"


def test_a_failing_test_file_case_gives_a_readable_diff(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "xixia.test.yaml").write_text(
        cases_file(
            case(
                "the province and level 4, wrongly",
                '      ruleset: "henan-rural@2022.1 (cn-henan)"\n      level: 4\n',
                "cn-henan/nanyang/xixia",
                "2022-12-31",
                XIXIA_MUSHROOMS,
            )
        ),
        encoding="utf-8",
    )
    (result,) = run_paths([folder], Registry.default(), lang="en")
    assert not result.passed
    assert result.differences == (
        "level: expected 4, got 5",
        "ruleset: expected henan-rural@2022.1 (cn-henan), got henan-rural@2022.1 "
        "(cn-henan/nanyang/xixia) (layers: henan-rural@2022.1 (cn-henan) → "
        "henan-rural@2022.1 (cn-henan/nanyang/xixia))",
    )
    assert result.explanation is not None and "Level" in result.explanation
    assert str(result.case.location) == f"{folder / 'xixia.test.yaml'}:3:5"


@pytest.mark.parametrize(
    ("expected", "passed"),
    [
        ("henan-rural@2022.1 (cn-henan/nanyang/xixia)", True),  # the top layer
        ("henan-rural@2022.1", True),  # id@version of the top layer
        ("henan-rural@2023.1 (cn-henan)", False),  # a layer, but not the top one
        ("henan-rural@2023.1", False),
        ("henan-rural@2022.1 (cn-henan)", False),  # the bottom layer
    ],
)
def test_expect_ruleset_checks_the_top_layer(tmp_path: Path, expected: str, passed: bool) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "xixia.test.yaml").write_text(
        cases_file(
            case(
                "in 2023",
                f'      ruleset: "{expected}"\n',
                "cn-henan/nanyang/xixia",
                "2023-12-31",
                XIXIA_MUSHROOMS,
            )
        ),
        encoding="utf-8",
    )
    (result,) = run_paths([folder], Registry.default(), lang="en")
    assert result.passed is passed, result.differences
    assert result.ruleset is not None
    assert [la.version for la in result.ruleset.layers] == ["2022.1", "2023.1", "2022.1"]
    if not passed:
        (difference,) = result.differences
        assert difference.startswith(
            f"ruleset: expected {expected}, got henan-rural@2022.1 (cn-henan/nanyang/xixia)"
        )


XINZHENG_OVERLAY = """\
starrules: 1
id: henan-rural
jurisdiction: cn-henan/zhengzhou/xinzheng
kind: rural
version: "2022.1"
effective: {from: 2022-06-01}
title: {zh: 新郑市农村“五星”支部创建标准（测试）, en: Xinzheng rural standard (test)}
extends: "henan-rural@>=2022.1"
policy: tighten-only
override:
  industry.collective-income:
    test: industry.collective_income >= 200000
    text: {zh: 村集体经济年收入不低于20万元, en: Collective income of at least 200000 CNY}
tests:
  - name: 15万元 is not enough in 新郑
    village:
      name: 十五万村
      jurisdiction: cn-henan/zhengzhou/xinzheng
      kind: rural
      as_of: 2023-12-31
      industry: {collective_income: 150000}
    expect:
      ruleset: "henan-rural@2022.1 (cn-henan/zhengzhou/xinzheng)"
      stars: {industry: denied}
      criteria: {industry.collective-income: fail}
"""


def xinzheng_folder(tmp_path: Path, overlay: str = XINZHENG_OVERLAY) -> Path:
    folder = tmp_path / "xinzheng"
    folder.mkdir()
    (folder / "xinzheng-rural-2022.1.yaml").write_text(overlay, encoding="utf-8")
    top = '      ruleset: "henan-rural@2022.1 (cn-henan/zhengzhou/xinzheng)"\n'
    (folder / "xinzheng.test.yaml").write_text(
        cases_file(
            case("2022: five stars", top + "      level: 5\n", XINZHENG, "2022-12-31"),
            case(
                "2023: five councils and a pioneer post are needed",
                top + "      level: 3\n      criteria: {civility.councils: fail}\n",
                XINZHENG,
                "2023-12-31",
            ),
        ),
        encoding="utf-8",
    )
    return folder


def test_a_case_on_a_date_with_no_version_in_force_says_so(tmp_path: Path) -> None:
    early = XINZHENG_OVERLAY.replace("as_of: 2023-12-31", "as_of: 2022-01-01")
    folder = xinzheng_folder(tmp_path, early)
    (folder / "early.test.yaml").write_text(
        cases_file(case("before 2022.1", "      level: 5\n", XINZHENG, "2021-12-31")),
        encoding="utf-8",
    )
    results = {r.case.name: r for r in run_paths([folder], Registry.default(), lang="en")}
    inline = results["15万元 is not enough in 新郑"]
    assert inline.ruleset is None
    assert inline.differences == ("no version of this ruleset is in force on 2022-01-01",)
    from_file = results["before 2022.1"]
    assert from_file.ruleset is None
    (difference,) = from_file.differences
    assert difference.startswith(
        f"no ruleset: no rural ruleset in force on 2021-12-31 for {XINZHENG} "
    )
    assert results["2022: five stars"].passed


def test_starrules_test_runs_a_county_overlay_and_its_test_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = xinzheng_folder(tmp_path)
    code = main(["test", str(folder)])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert lines[-1] == "3 项通过，0 项未通过"
    assert sum(line.startswith("PASS ") for line in lines) == 3
    assert f"PASS {folder / 'xinzheng-rural-2022.1.yaml'}:" in out
    assert f"PASS {folder / 'xinzheng.test.yaml'}:" in out


def test_starrules_test_reports_a_broken_overlay_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = XINZHENG_OVERLAY.replace(
        "  industry.collective-income:\n", "  industry.collective-incme:\n"
    )
    folder = xinzheng_folder(tmp_path, broken)
    code = main(["test", str(folder), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 1
    line = broken.splitlines().index("  industry.collective-incme:") + 1
    assert (
        f"{folder / 'xinzheng-rural-2022.1.yaml'}:{line}:3: [SR403] cannot override "
        "'industry.collective-incme'"
    ) in out
    assert "did you mean 'industry.collective-income'" in out
    assert "passed" not in out


def test_a_test_file_named_directly_resolves_through_the_overlay_next_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = xinzheng_folder(tmp_path)
    # 15万元 is enough under the province (10万元) but not under 新郑's overlay (20万元).
    expect = "      stars: {industry: denied}\n      criteria: {industry.collective-income: fail}\n"
    only_overlay = folder / "only-overlay.test.yaml"
    only_overlay.write_text(
        cases_file(
            case("15万元 in 新郑", expect, XINZHENG, "2022-12-31", "{}").replace(
                "collective_income: 250000", "collective_income: 150000"
            )
        ),
        encoding="utf-8",
    )
    by_folder = {r.case.name: r for r in run_paths([folder], Registry.default())}["15万元 in 新郑"]
    assert by_folder.passed, by_folder.differences
    (named,) = run_paths([only_overlay], Registry.default())
    assert named.passed, named.differences
    assert named.ruleset is not None and named.ruleset.layers[-1].jurisdiction == XINZHENG
    # The folder's own inline cases are not run when only the test file is named.
    code = main(["test", str(only_overlay)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1] == "1 项通过，0 项未通过"


# -- differences and test-file problems in the language asked for ----------------------------


def test_differences_read_in_chinese(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "henan.test.yaml").write_text(
        cases_file(
            case(
                "四会村, wrongly",
                "      level: 4\n"
                "      stars: {industry: denied}\n"
                "      criteria: {industry.collective-income: fail}\n"
                '      ruleset: "henan-rural@2023.1"\n',
                "cn-henan",
                "2022-12-31",
            )
        ),
        encoding="utf-8",
    )
    (result,) = run_paths([folder], Registry.default(), lang="zh")
    assert result.differences[:3] == (
        "level：应为 4，实际 5",
        "stars.industry：应为 denied（未获得），实际 granted（获得）",
        "criteria.industry.collective-income：应为 fail（未达标），实际 pass（达标）",
    )
    assert result.differences[3].startswith("ruleset：应为 henan-rural@2023.1，实际 ")
    assert "（各层：" in result.differences[3]
    (english,) = run_paths([folder], Registry.default(), lang="en")
    assert english.differences[:2] == (
        "level: expected 4, got 5",
        "stars.industry: expected denied, got granted",
    )


def test_an_undetermined_level_reads_in_chinese(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    no_data = (
        "  - name: 空白村\n    village: {name: 空白村, jurisdiction: cn-henan, kind: rural, "
        "as_of: 2022-12-31}\n    expect:\n      level: 5\n"
    )
    (folder / "henan.test.yaml").write_text("starrules: 1\ncases:\n" + no_data, encoding="utf-8")
    (result,) = run_paths([folder], Registry.default(), lang="zh")
    assert result.differences == ("level：应为 5，实际 待定（0–5）",)


def test_a_bad_village_in_a_test_file_is_a_coded_problem_in_either_language(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    text = cases_file(case("负收入", "      level: 5\n", "cn-henan", "2022-12-31"))
    (folder / "henan.test.yaml").write_text(
        text.replace("collective_income: 250000", "collective_income: -5"), encoding="utf-8"
    )
    with pytest.raises(starrules.RulesetError) as info:
        run_paths([folder], Registry.default())
    (problem,) = info.value.problems
    assert problem.code == "SR222"
    assert problem.render("zh").endswith(
        "[SR222] 测试村庄：industry.collective_income：应大于或等于 0"
    ), problem.render("zh")
    assert problem.location.line == 10  # the industry line


def test_a_structural_problem_of_a_test_file_reads_in_chinese(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    text = cases_file(case("四会村", "      level: 五\n", "cn-henan", "2022-12-31"))
    (folder / "henan.test.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(starrules.RulesetError) as info:
        run_paths([folder], Registry.default())
    (problem,) = info.value.problems
    assert problem.code == "SR206"
    assert "cases.0.expect.level：应为整数" in problem.render("zh"), problem.render("zh")
