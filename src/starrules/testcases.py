"""Running test cases: a ruleset's inline `tests`, and `*.test.yaml` files whose cases are
resolved through a registry by each village's jurisdiction, kind and date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from .errors import Problem, RulesetError, StarrulesError
from .i18n import Lang
from .loader import chain_key, find_ruleset_files, find_test_files, is_test_file
from .registry import Registry
from .rules import TestCase
from .ruleset import Ruleset
from .schema import TestFileDoc
from .village import Village
from .yaml_source import read_yaml


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one test case; `differences` is empty when it passed."""

    case: TestCase
    ruleset: Ruleset | None  # None when no ruleset could be resolved for the case
    differences: tuple[str, ...]
    explanation: str | None  # the assessment's explanation, kept for failures

    @property
    def passed(self) -> bool:
        return not self.differences


def run_case(ruleset: Ruleset, case: TestCase, lang: Lang = "zh") -> CaseResult:
    try:
        assessment = ruleset.evaluate(case.village, case.on)
    except StarrulesError as exc:
        return CaseResult(case, ruleset, (f"evaluation failed: {exc}",), None)
    expect = case.expect
    differences: list[str] = []

    def compare(what: str, expected: object, actual: object) -> None:
        if expected is not None and expected != actual:
            differences.append(f"{what}: expected {expected}, got {actual}")

    level = assessment.level
    shown = level.value if level.value is not None else f"undetermined ({level.min}–{level.max})"
    compare("level", expect.level, shown)
    compare("level_min", expect.level_min, level.min)
    compare("level_max", expect.level_max, level.max)
    for star_id, status in expect.stars.items():
        known = star_id in ruleset.tree.star_index
        compare(
            f"stars.{star_id}",
            status,
            assessment.status(star_id).value if known else "(no such star)",
        )
    if expect.criteria:
        results = {c.id: c for s in assessment.stars.values() for c in s.criteria}
        for node_id, outcome in expect.criteria.items():
            actual = results[node_id].status.value if node_id in results else "(no such criterion)"
            compare(f"criteria.{node_id}", outcome, actual)
    if expect.missing is not None and sorted(expect.missing) != sorted(assessment.missing):
        differences.append(
            f"missing: expected {sorted(expect.missing)}, got {sorted(assessment.missing)}"
        )
    if expect.ruleset is not None:
        top = ruleset.layers[-1]
        if expect.ruleset not in (f"{top.id}@{top.version}", top.ref):
            differences.append(
                f"ruleset: expected {expect.ruleset}, got {top.ref} (layers: "
                + " → ".join(layer.ref for layer in ruleset.layers)
                + ")"
            )
    explanation = assessment.explain(lang) if differences else None
    return CaseResult(case, ruleset, tuple(differences), explanation)


def run_cases(ruleset: Ruleset, lang: Lang = "zh") -> list[CaseResult]:
    """The inline cases of one ruleset, run against it."""
    return [run_case(ruleset, case, lang) for case in ruleset.tests]


def _case_date(case: TestCase) -> date:
    return case.village.as_of or case.on or date.today()


def run_inline_cases(variants: Sequence[Ruleset], lang: Lang = "zh") -> list[CaseResult]:
    """The inline cases of one file that resolved to several variants (an overlay over
    several base versions): each case runs against the variant in force on its date."""
    results: list[CaseResult] = []
    for case in variants[0].tests:
        when = _case_date(case)
        in_force = [v for v in variants if v.in_force(when)]
        if not in_force:
            results.append(
                CaseResult(
                    case,
                    None,
                    (f"no version of this ruleset is in force on {when.isoformat()}",),
                    None,
                )
            )
            continue
        results.append(run_case(max(in_force, key=chain_key), case, lang))
    return results


def load_test_file(path: Path) -> list[TestCase]:
    """The cases of a `*.test.yaml` file; structural problems are a located RulesetError."""
    source = read_yaml(path)
    try:
        doc = TestFileDoc.model_validate(source.data)
    except ValidationError as exc:
        problems = [
            Problem(
                source.location(tuple(e["loc"])),
                ".".join(str(p) for p in e["loc"]) + f": {e['msg']}",
            )
            for e in exc.errors(include_url=False)
        ]
        raise RulesetError(problems) from None
    cases: list[TestCase] = []
    problems = []
    for i, case in enumerate(doc.cases):
        try:
            village = Village.model_validate(case.village)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = ("cases", i, "village", *error["loc"])
                field = ".".join(str(p) for p in error["loc"])
                problems.append(Problem(source.location(loc), f"village: {field}: {error['msg']}"))
            continue
        cases.append(
            TestCase(case.name, village, case.on, case.expect, source.location(("cases", i)))
        )
    if problems:
        raise RulesetError(problems)
    return cases


def run_file_cases(
    registry: Registry, cases: Sequence[TestCase], lang: Lang = "zh"
) -> list[CaseResult]:
    """Cases resolved through the registry, as `starrules.evaluate` would resolve them."""
    results: list[CaseResult] = []
    for case in cases:
        village = case.village
        try:
            ruleset = registry.resolve(village.jurisdiction, village.kind, _case_date(case))
        except StarrulesError as exc:
            results.append(CaseResult(case, None, (f"no ruleset: {exc}",), None))
            continue
        results.append(run_case(ruleset, case, lang))
    return results


def _registry_files(paths: Sequence[Path]) -> list[Path]:
    """The ruleset files the cases under `paths` resolve through: a test file named directly
    brings the rulesets of its own directory, as when that directory is named. Each file
    once, spelled as first named (a file loaded twice would be a duplicate ruleset)."""
    seen: dict[Path, Path] = {}
    for path in paths:
        where = Path(path).parent if is_test_file(Path(path)) else path
        for file in find_ruleset_files(where):
            seen.setdefault(file.resolve(), file)
    return list(seen.values())


def run_paths(paths: Sequence[Path], base: Registry | None, lang: Lang = "zh") -> list[CaseResult]:
    """Every case under `paths`: the inline cases of their ruleset files and the cases of
    their `*.test.yaml` files. Raise RulesetError listing every file problem."""
    registry = Registry.from_paths(_registry_files(paths), base=base)
    files = {p.resolve() for path in paths for p in find_ruleset_files(path)}
    variants: dict[str, list[Ruleset]] = {}
    for ruleset in registry.rulesets:
        if Path(ruleset.file).resolve() in files:
            variants.setdefault(ruleset.file, []).append(ruleset)
    results: list[CaseResult] = []
    for group in variants.values():
        results.extend(run_inline_cases(group, lang))
    problems: list[Problem] = []
    for path in paths:
        for test_file in find_test_files(path):
            try:
                results.extend(run_file_cases(registry, load_test_file(test_file), lang))
            except RulesetError as exc:
                problems.extend(exc.problems)
    if problems:
        raise RulesetError(problems)
    return results
