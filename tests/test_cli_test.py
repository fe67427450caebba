"""`starrules test`: what a failing case prints. By default a short diff (expected vs got,
and for each star whose expectation failed only the criteria that decided it); with
`-v` the whole explanation of the village."""

from __future__ import annotations

from pathlib import Path

import pytest

from starrules.cli import main

# A village that holds all five stars under henan-rural@2022.1 (the 四会村 of
# henan-rural.test.yaml), in an unlisted county, so the province judges it.
VILLAGE = """\
      name: 四会村
      jurisdiction: cn-henan/zhengzhou/xinzheng
      kind: rural
      as_of: 2022-12-31
      branch: {secretary_strong: true, reserve_cadres: 4, three_meetings_one_lesson: true, member_review_done: true, service_center_standard: true, weak_and_lax: false}
      industry: {collective_income: 250000, branch_led_cooperative: true, one_village_one_product: true, dual_binding: true, local_jobs: 40, skills_trainees: 120}
      ecology: {sanitary_toilet_rate: 0.80, sewage_treatment_rate: 0.65, garbage_system: true, cleaning_days_per_month: 4, greening_rate: 0.38}
      safety: {disputes_total: 20, disputes_resolved: 20, grid_management: true, video_coverage: true, key_population_managed: true, escalated_petitions: 0, accidents_with_casualties: 0, criminal_cases: 0}
      civility: {practice_station: true, village_rules: true, councils: 4, star_households: 15, activities: 24}
"""  # noqa: E501


def cases(*items: tuple[str, str, str]) -> str:
    """A test-case file: (name, village lines, expect lines) per case."""
    body = "".join(
        f'  - name: "{name}"\n    village:\n{village}    expect:\n{expect}'
        for name, village, expect in items
    )
    return "starrules: 1\ncases:\n" + body


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["test", *args])
    return code, capsys.readouterr().out.splitlines()


def failure(lines: list[str], name: str) -> list[str]:
    """The lines printed for the failing case `name`: its FAIL line and what follows."""
    start = next(i for i, line in enumerate(lines) if line.startswith("FAIL ") and name in line)
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines)
    )
    return lines[start:end]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "toilets.test.yaml").write_text(
        cases(
            ("toilets at 80% expected at five stars", VILLAGE, "      level: 5\n"),
            (
                "no income figure, industry expected granted",
                VILLAGE.replace("collective_income: 250000, ", "").replace(
                    "sanitary_toilet_rate: 0.80", "sanitary_toilet_rate: 0.90"
                ),
                "      stars: {industry: granted}\n",
            ),
            (
                "toilets at 80% expected to pass",
                VILLAGE,
                "      criteria: {ecology.sanitary-toilets: pass}\n",
            ),
            (
                "a village with no data expected at five stars",
                "      name: 空白村\n      jurisdiction: cn-henan/zhengzhou\n"
                "      kind: rural\n      as_of: 2022-12-31\n",
                "      level: 5\n",
            ),
            ("a passing case", VILLAGE, "      level: 3\n"),
        ),
        encoding="utf-8",
    )
    return folder


def test_a_failing_case_is_short_and_names_the_deciding_criterion(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = run(capsys, str(folder), "--lang", "en")
    assert code == 1
    assert lines[-1] == "1 passed, 4 failed"
    shown = failure(lines, "toilets at 80% expected at five stars")
    assert len(shown) <= 15, shown
    assert shown[1] == "    level: expected 5, got 3"
    text = "\n".join(shown)
    # the deciding criterion, with observed value, target and gap
    assert (
        "      ✘ ecology.sanitary-toilets: Sanitary toilet rate of at least 85% — observed "
        "Sanitary toilet rate 80%, target >= 85%, short by 5 percentage points"
    ) in shown
    assert "    ✘ Ecological Livability [denied]" in shown
    # the capstone is lost through its prerequisite
    assert "    ✘ Strong Branch [denied]" in shown
    assert "      required star not granted: Ecological Livability" in shown
    # not the whole explanation: no header, no granted stars' rules, no next steps
    assert "Rules:" not in text and "Next steps" not in text and "fingerprint" not in text
    assert "industry.collective-income" not in text


def test_the_short_form_speaks_the_language_asked_for(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = run(capsys, str(folder))  # zh by default
    assert code == 1
    shown = failure(lines, "toilets at 80% expected at five stars")
    assert "    ✘ 生态宜居星 [未获得]" in shown
    assert (
        "      ✘ ecology.sanitary-toilets：农村卫生厕所普及率不低于85% — 实际 卫生厕所普及率 80%，"
        "目标 >= 85%，还差 5 个百分点"
    ) in shown
    assert "      前提星未获得：生态宜居星" in shown


def test_an_undetermined_star_shows_the_missing_data(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines = run(capsys, str(folder), "--lang", "en")
    shown = failure(lines, "no income figure, industry expected granted")
    assert shown[1] == "    stars.industry: expected granted, got undetermined"
    assert "    ? Thriving Industry [undetermined]" in shown
    assert any(
        line.startswith("      ? industry.collective-income: ")
        and line.endswith("— missing data: Village collective income a year")
        for line in shown
    ), shown
    assert len(shown) <= 15


def test_a_criterion_expectation_shows_that_criterion(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines = run(capsys, str(folder), "--lang", "en")
    shown = failure(lines, "toilets at 80% expected to pass")
    assert shown[1] == "    criteria.ecology.sanitary-toilets: expected pass, got fail"
    assert any(
        "✘ ecology.sanitary-toilets: " in line and "short by 5 percentage points" in line
        for line in shown[2:]
    ), shown
    assert len(shown) <= 6


def test_many_unknowns_are_cut_short_with_a_pointer_to_verbose(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines = run(capsys, str(folder), "--lang", "en")
    shown = failure(lines, "a village with no data expected at five stars")
    assert len(shown) <= 15, shown
    assert shown[1] == "    level: expected 5, got undetermined (0–5)"
    assert "? Thriving Industry [undetermined]" in "\n".join(shown)
    assert shown[-1].startswith("    … ") and shown[-1].endswith(
        "more lines: -v shows the whole explanation"
    )
    _, lines = run(capsys, str(folder))
    assert failure(lines, "a village with no data")[-1].endswith("加 -v 查看完整说明")


@pytest.mark.parametrize("flag", ["-v", "--verbose"])
def test_verbose_prints_the_whole_explanation(
    folder: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    code, lines = run(capsys, str(folder), "--lang", "en", flag)
    assert code == 1
    shown = failure(lines, "toilets at 80% expected at five stars")
    assert shown[1] == "    level: expected 5, got 3"
    text = "\n".join(shown)
    assert "    四会村 · cn-henan/zhengzhou/xinzheng · data as of 2022-12-31" in shown
    assert "    Rules: henan-rural@2022.1 (cn-henan) · fingerprint " in text
    assert "    ✔ Thriving Industry [granted]" in shown
    assert "[ecology.sanitary-toilets · source " in text
    assert "Next steps (what to improve):" in text
    assert len(shown) > 15
    assert lines[-1] == "1 passed, 4 failed"


def test_a_passing_run_is_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.test.yaml"
    path.write_text(cases(("three stars", VILLAGE, "      level: 3\n")), encoding="utf-8")
    code, lines = run(capsys, str(path), "-v")
    assert code == 0
    assert lines == [f"PASS {path}:3:5 three stars", "1 项通过，0 项未通过"]
