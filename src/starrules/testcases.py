"""Running a ruleset's test cases: evaluate each case's village, compare with `expect`."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import StarrulesError
from .i18n import Lang
from .rules import TestCase
from .ruleset import Ruleset


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one test case; `differences` is empty when it passed."""

    ruleset: Ruleset
    case: TestCase
    differences: tuple[str, ...]
    explanation: str | None  # the assessment's explanation, kept for failures

    @property
    def passed(self) -> bool:
        return not self.differences


def run_case(ruleset: Ruleset, case: TestCase, lang: Lang = "zh") -> CaseResult:
    try:
        assessment = ruleset.evaluate(case.village, case.on)
    except StarrulesError as exc:
        return CaseResult(ruleset, case, (f"evaluation failed: {exc}",), None)
    expect = case.expect
    differences: list[str] = []

    def compare(what: str, expected: object, actual: object) -> None:
        if expected is not None and expected != actual:
            differences.append(f"{what}: expected {expected}, got {actual}")

    level = assessment.level
    compare("level", expect.level, level.value)
    compare("level_min", expect.level_min, level.min)
    compare("level_max", expect.level_max, level.max)
    for star_id, status in expect.stars.items():
        compare(f"stars.{star_id}", status, assessment.status(star_id).value)
    if expect.criteria:
        results = {c.id: c for s in assessment.stars.values() for c in s.criteria}
        for node_id, outcome in expect.criteria.items():
            compare(f"criteria.{node_id}", outcome, results[node_id].status.value)
    if expect.missing is not None and sorted(expect.missing) != sorted(assessment.missing):
        differences.append(
            f"missing: expected {sorted(expect.missing)}, got {sorted(assessment.missing)}"
        )
    explanation = assessment.explain(lang) if differences else None
    return CaseResult(ruleset, case, tuple(differences), explanation)


def run_cases(ruleset: Ruleset, lang: Lang = "zh") -> list[CaseResult]:
    return [run_case(ruleset, case, lang) for case in ruleset.tests]
