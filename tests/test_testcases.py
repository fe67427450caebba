"""Running a ruleset's inline test cases."""

from __future__ import annotations

from pathlib import Path

import starrules
from starrules.testcases import run_cases

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
