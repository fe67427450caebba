"""The pytest plugin (entry point pytest11 `starrules`), run on fresh repositories of
rulesets in subprocesses, as a county team would run it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Imported before any pytester run: pytester drops the modules a test imported from
# sys.modules afterwards, and a PyYAML imported afresh no longer recognises the events of its
# C parser (built from the first import's classes), so a later in-process run would fail.
import yaml  # noqa: F401

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow  # every test spawns pytest

ROOT = Path(__file__).resolve().parents[1]

RULESET = """\
starrules: 1
id: demo-rural
jurisdiction: cn-henan/demo
kind: rural
version: "2024.1"
effective: {from: 2024-01-01}
title: {zh: 示范县农村五星支部, en: Demo county rural five stars}
stars:
  - id: industry
    name: {zh: 产业兴旺星, en: Thriving Industry}
    grant:
      all:
        - id: industry.collective-income
          test: industry.collective_income >= 100000
          text: {zh: 集体收入不低于10万元, en: Collective income at least 100000}
        - id: industry.engines
          at_least: 1
          of:
            - id: industry.coop
              test: industry.branch_led_cooperative
              text: {zh: 党支部领办合作社, en: Branch-led cooperative}
            - id: industry.product
              test: industry.one_village_one_product
              text: {zh: 一村一品, en: One village one product}
    veto:
      - id: industry.no-arrears
        test: industry.wage_arrears_cases > 0
        text: {zh: 拖欠工资, en: Wage arrears}
  - id: ecology
    name: {zh: 生态宜居星, en: Liveable Ecology}
    grant:
      min_points: 2
      of:
        - id: ecology.toilets
          test: ecology.sanitary_toilet_rate >= 0.85
          points: 1
          text: {zh: 卫生厕所普及率不低于85%, en: Sanitary toilets at least 85%}
        - id: ecology.garbage
          test: ecology.garbage_system
          points: 1
          text: {zh: 垃圾收运体系, en: Garbage collection}
        - id: ecology.roads
          test: ecology.hardened_road_rate >= 0.9
          points: 1
          text: {zh: 道路硬化率不低于90%, en: Hardened roads at least 90%}
  - id: branch
    name: {zh: 支部过硬星, en: Strong Branch}
    requires: [industry, ecology]
    grant:
      all:
        - id: branch.secretary
          test: branch.secretary_strong
          text: {zh: 书记为“双强”型带头人, en: A strong secretary}
tests:
  - name: a strong village holds all three stars
    village:
      name: 样板村
      jurisdiction: cn-henan/demo
      kind: rural
      as_of: 2024-12-31
      industry: {collective_income: 250000, branch_led_cooperative: true, wage_arrears_cases: 0}
      ecology: {sanitary_toilet_rate: 0.9, garbage_system: true}
      branch: {secretary_strong: true}
    expect: {level: 3, stars: {industry: granted, ecology: granted, branch: granted}}
"""

CASES = """\
starrules: 1
cases:
  - name: without a strong secretary the branch star is denied
    village:
      name: 小河村
      jurisdiction: cn-henan/demo/hekou
      kind: rural
      as_of: 2024-06-30
      industry: {collective_income: 120000, one_village_one_product: true, wage_arrears_cases: 0}
      ecology: {sanitary_toilet_rate: 0.9, garbage_system: true}
      branch: {secretary_strong: false}
    expect: {level: 2, stars: {branch: denied}}
  - name: wage arrears deny the industry star
    village:
      name: 欠薪村
      jurisdiction: cn-henan/demo
      kind: rural
      as_of: 2024-06-30
      industry: {collective_income: 300000, branch_led_cooperative: true, wage_arrears_cases: 2}
    expect: {stars: {industry: denied}, criteria: {industry.no-arrears: fail}}
"""

CHECK_NAMES = ("monotone", "refinement", "levels-nest", "reachable", "deterministic")


def repository(pytester: pytest.Pytester, ini: str, ruleset: str = RULESET) -> None:
    """A repository holding only a ruleset, a test-case file and pytest.ini."""
    rules = pytester.path / "rules"
    rules.mkdir()
    (rules / "demo-rural-2024.1.yaml").write_text(ruleset, encoding="utf-8")
    (rules / "demo-rural.test.yaml").write_text(CASES, encoding="utf-8")
    (pytester.path / "pytest.ini").write_text("[pytest]\n" + ini, encoding="utf-8")


def skip_all_but(*keep: str) -> str:
    return "starrules_checks_skip = " + " ".join(c for c in CHECK_NAMES if c not in keep) + "\n"


def no_internals(text: str) -> None:
    """A failure report, not a Python traceback through starrules or the plugin."""
    assert "Traceback" not in text
    assert "pytest_plugin.py" not in text and "pytest_items.py" not in text
    assert "testcases.py" not in text and "testing.py" not in text
    assert "starrules/testing/" not in text.replace("\\", "/")


def test_loading_the_plugin_imports_neither_hypothesis_nor_the_engine() -> None:
    """pytest loads the plugin in every session of whoever installed starrules: until a
    starrules file is collected it costs nothing, and coverage of starrules stays accurate."""
    probe = "import sys, starrules.testing.pytest_plugin\nprint('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    modules = result.stdout.split()
    assert [m for m in modules if m.split(".")[0] == "hypothesis"] == []
    assert sorted(m for m in modules if m.split(".")[0] == "starrules") == [
        "starrules",
        "starrules.testing",
        "starrules.testing.pytest_items",
        "starrules.testing.pytest_plugin",
    ]


def test_cases_and_checks_run_and_pass(pytester: pytest.Pytester) -> None:
    pytest.importorskip("starrules.testing")
    repository(pytester, "starrules_rulesets = rules\nstarrules_check_examples = 30\n")
    result = pytester.runpytest_subprocess("-v")
    # 1 inline case + 2 cases of the test file + one item per check (no tighten-only: the
    # ruleset is no overlay)
    result.assert_outcomes(passed=1 + 2 + len(CHECK_NAMES))
    result.stdout.fnmatch_lines_random(
        [
            "*starrules: rulesets rules; checks with 30 examples, seed 0*",
            "rules/demo-rural-2024.1.yaml::a strong village holds all three stars PASSED*",
            "rules/demo-rural-2024.1.yaml::check:monotone PASSED*",
            "rules/demo-rural-2024.1.yaml::check:refinement PASSED*",
            "rules/demo-rural-2024.1.yaml::check:levels-nest PASSED*",
            "rules/demo-rural-2024.1.yaml::check:reachable PASSED*",
            "rules/demo-rural-2024.1.yaml::check:deterministic PASSED*",
            "rules/demo-rural.test.yaml::without a strong secretary the branch star is denied "
            "PASSED*",
            "rules/demo-rural.test.yaml::wage arrears deny the industry star PASSED*",
        ]
    )


def test_test_files_run_without_the_rulesets_option(pytester: pytest.Pytester) -> None:
    """Without starrules_rulesets, *.test.yaml files are collected (resolved through the
    bundled rulesets), and no other YAML file is: ruleset files and fixtures are left alone."""
    (pytester.path / "fixtures").mkdir()
    (pytester.path / "fixtures" / "demo-rural-2024.1.yaml").write_text(RULESET, encoding="utf-8")
    (pytester.path / "henan.test.yaml").write_text(
        """\
starrules: 1
cases:
  - name: a village with no data is not yet rated
    village: {name: 空白村, jurisdiction: cn-henan/zhengzhou, kind: rural, as_of: 2024-06-30}
    expect: {level_min: 0}
  - name: a village with no data is expected at five stars
    village: {name: 空白村, jurisdiction: cn-henan/zhengzhou, kind: rural, as_of: 2024-06-30}
    expect: {level: 5}
""",
        encoding="utf-8",
    )
    (pytester.path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1, failed=1)
    # the short form: the difference and what decided it, cut short with a pointer to -v
    result.stdout.fnmatch_lines(
        [
            "*_ a village with no data is expected at five stars _*",
            "FAIL henan.test.yaml:6:5 a village with no data is expected at five stars  "
            "[[]henan-rural@* (cn-henan)*[]]",
            "    level：应为 5，实际 待定（0–5）",
            "    各星：? 产业兴旺星  ? 生态宜居星  ? 平安法治星  ? 文明幸福星  ? 支部过硬星",
            "    ? 产业兴旺星 [[]待定[]]",
            "      ? industry.collective-income：村集体经济年收入不低于10万元 — 缺少数据：*",
            "*",
            "    …… 另有 * 行：加 -v 查看完整说明",
        ]
    )
    assert "空白村 · cn-henan/zhengzhou" not in result.stdout.str()
    no_internals(result.stdout.str())
    # pytest -v: the whole explanation
    result = pytester.runpytest_inprocess("-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ a village with no data is expected at five stars _*",
            "FAIL henan.test.yaml:6:5 a village with no data is expected at five stars  "
            "[[]henan-rural@* (cn-henan)*[]]",
            "    level：应为 5，实际 待定（0–5）",
            "",
            "    空白村 · cn-henan/zhengzhou · 数据截至 2024-06-30",
        ]
    )
    no_internals(result.stdout.str())


def test_a_broken_expectation_fails_with_a_readable_report(pytester: pytest.Pytester) -> None:
    pytest.importorskip("starrules.testing")
    wrong = RULESET.replace(
        "expect: {level: 3, stars: {industry: granted, ecology: granted, branch: granted}}",
        "expect: {level: 3, stars: {industry: granted, ecology: denied, branch: granted}}",
    )
    assert wrong != RULESET
    repository(
        pytester,
        "starrules_rulesets = rules\nstarrules_lang = en\n" + skip_all_but(),
        ruleset=wrong,
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2, failed=1)
    line = RULESET.splitlines().index("  - name: a strong village holds all three stars") + 1
    result.stdout.fnmatch_lines(
        [
            "*_ a strong village holds all three stars _*",
            f"FAIL rules/demo-rural-2024.1.yaml:{line}:5 a strong village holds all three stars  "
            "[[]demo-rural@2024.1 (cn-henan/demo)[]]",
            "    stars.ecology: expected denied, got granted",
            "    ✔ Liveable Ecology [[]granted[]]",
            "=*short test summary info*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["FAILED rules/demo-rural-2024.1.yaml::a strong village holds all three stars*"]
    )
    no_internals(result.stdout.str())


def test_a_non_monotone_ruleset_fails_the_monotone_check(pytester: pytest.Pytester) -> None:
    pytest.importorskip("starrules.testing")
    # higher income is better, yet this star asks for at most 100000
    ruleset = """\
starrules: 1
id: upside-down
jurisdiction: cn-henan/demo
kind: rural
version: "2024.1"
effective: {from: 2024-01-01}
title: {zh: 反向标准, en: Upside-down standard}
stars:
  - id: industry
    name: {zh: 产业兴旺星, en: Thriving Industry}
    grant:
      all:
        - id: industry.collective-income
          test: industry.collective_income <= 100000
          text: {zh: 集体收入不超过10万元, en: Collective income at most 100000}
"""
    rules = pytester.path / "rules"
    rules.mkdir()
    (rules / "upside-down-2024.1.yaml").write_text(ruleset, encoding="utf-8")
    (pytester.path / "pytest.ini").write_text(
        "[pytest]\nstarrules_rulesets = rules\n" + skip_all_but("monotone"), encoding="utf-8"
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ check:monotone _*",
            "FAIL monotone — upside-down@2024.1 (cn-henan/demo)",
            "  improving industry.collective_income (* → *, better: higher) loses star 'industry'",
            "  responsible: industry.collective-income (pass → fail)",
            "  counterexample (shrunk):",
            '    {*"industry": {"collective_income": *}*}',
            '  before: {"stars": {"industry": "granted"}*',
            '  after: {"stars": {"industry": "denied"}*',
        ]
    )
    no_internals(result.stdout.str())


def test_a_ruleset_that_does_not_load_is_a_located_collection_error(
    pytester: pytest.Pytester,
) -> None:
    pytest.importorskip("starrules.testing")
    repository(
        pytester,
        "starrules_rulesets = rules\n" + skip_all_but(),
        ruleset=RULESET.replace("test: ecology.garbage_system", "test: ecology.garbage_sytem"),
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(errors=2)  # the ruleset file, and the test file that needs it
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting rules/demo-rural-2024.1.yaml*",
            "1 problem in rulesets:",
            "  rules/demo-rural-2024.1.yaml:*: *unknown indicator 'ecology.garbage_sytem'*",
        ]
    )
    no_internals(result.stdout.str())


def test_an_overlay_gets_the_tighten_only_check_for_every_base(
    pytester: pytest.Pytester,
) -> None:
    pytest.importorskip("starrules.testing")
    rules = pytester.path / "rules"
    rules.mkdir()
    xixia = ROOT / "rulesets" / "cn-henan" / "nanyang" / "xixia" / "xixia-rural-2022.1.yaml"
    shutil.copy(xixia, rules)  # an edited copy replaces the bundled file
    (pytester.path / "pytest.ini").write_text(
        "[pytest]\nstarrules_rulesets = rules\n", encoding="utf-8"
    )
    result = pytester.runpytest_inprocess("--collect-only", "-q")
    # 4 inline cases; 6 checks on each of the two chains (over 2022.1, and over 2023.1)
    result.stdout.fnmatch_lines(["16 tests collected*"])
    result.stdout.fnmatch_lines_random(
        [
            "*::check:tighten-only[[]cn-henan@2022.1 → xixia@2022.1[]]",
            "*::check:tighten-only[[]cn-henan@2022.1 → cn-henan@2023.1 → xixia@2022.1[]]",
        ]
    )
    # the markers tell the cases from the checks
    result = pytester.runpytest_inprocess("--collect-only", "-q", "-m", "not starrules_check")
    result.stdout.fnmatch_lines(["4/16 tests collected (12 deselected)*"])


def test_bad_options_are_usage_errors(pytester: pytest.Pytester) -> None:
    pytest.importorskip("starrules.testing")
    repository(pytester, "starrules_rulesets = rules\nstarrules_checks_skip = monotone bogus\n")
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: starrules_checks_skip: no check named bogus;*"])
    (pytester.path / "pytest.ini").write_text(
        "[pytest]\nstarrules_rulesets = rules missing\n", encoding="utf-8"
    )
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: starrules_rulesets: missing does not exist*"])


def documented_block(page: str, after: str) -> str:
    """The first fenced code block after the line `after` in docs/<page>."""
    lines = (ROOT / "docs" / page).read_text(encoding="utf-8").splitlines()
    start = lines.index(after)
    opening = next(i for i in range(start, len(lines)) if lines[i].startswith("```"))
    closing = next(i for i in range(opening + 1, len(lines)) if lines[i] == "```")
    return "\n".join(lines[opening + 1 : closing]) + "\n"


def test_the_documented_example_repository_passes(pytester: pytest.Pytester) -> None:
    """docs/testing.md's example repository, assembled from the page, runs green."""
    pytest.importorskip("starrules.testing")
    rules, tests = pytester.path / "rules", pytester.path / "tests"
    rules.mkdir()
    tests.mkdir()
    shutil.copy(ROOT / "docs" / "examples" / "demo-rural-2024.1.yaml", rules)
    (rules / "demo-rural.test.yaml").write_text(
        documented_block("testing.md", "`rules/demo-rural.test.yaml` of the example repository:"),
        encoding="utf-8",
    )
    (tests / "test_properties.py").write_text(
        documented_block(
            "testing.md",
            "rules must always do. `tests/test_properties.py` of the example repository:",
        ),
        encoding="utf-8",
    )
    (pytester.path / "pytest.ini").write_text(
        documented_block("testing.md", "`pytest.ini` of the example repository:"),
        encoding="utf-8",
    )
    result = pytester.runpytest_inprocess(
        "-o", "starrules_check_examples=10", "-o", "starrules_checks_skip=deterministic"
    )
    # 2 inline cases, 4 checks, 2 cases of the test file, 3 properties
    result.assert_outcomes(passed=11)
