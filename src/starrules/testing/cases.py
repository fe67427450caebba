"""Running test cases: a ruleset's inline `tests`, and `*.test.yaml` files whose cases are
resolved through a registry by each village's jurisdiction, kind and date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from .. import messages
from ..errors import Problem, RulesetError, StarrulesError
from ..explain.assessment import Assessment
from ..explain.results import CriterionResult, CriterionStatus, StarResult, Status
from ..explain.text import _Explainer
from ..i18n import Lang
from ..load.chains import chain_key
from ..load.loader import find_ruleset_files, find_test_files, is_test_file
from ..load.registry import Registry
from ..load.schema import TestFileDoc
from ..load.yaml_files import read_yaml
from ..rules import ExpectDoc, Group, TestCase
from ..ruleset import Ruleset
from ..village import Village
from .differences import differences as worded_differences
from .differences import evaluation_failed, no_ruleset, nothing_in_force


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one test case; `differences` is empty when it passed."""

    case: TestCase
    ruleset: Ruleset | None  # None when no ruleset could be resolved for the case
    differences: tuple[str, ...]
    explanation: str | None  # the assessment's explanation, kept for failures
    brief: tuple[str, ...] = ()
    """For a failure: what decided the outcomes that differ (see `deciding_lines`)."""

    @property
    def passed(self) -> bool:
        return not self.differences

    def report(self, verbose: bool = False) -> list[str]:
        """The lines under a failing case's heading, indented by four spaces: the
        differences, then the deciding criteria (or with `verbose`, the explanation)."""
        lines = [f"    {difference}" for difference in self.differences]
        if verbose and self.explanation:
            lines.extend(f"    {line}" for line in self.explanation.rstrip().splitlines())
        elif not verbose:
            lines.extend(f"    {line}" for line in self.brief)
        return lines


def run_case(
    ruleset: Ruleset, case: TestCase, lang: Lang = "zh", *, strict: bool = False
) -> CaseResult:
    try:
        assessment = ruleset.evaluate(case.village, case.on, strict=strict)
    except StarrulesError as exc:
        return CaseResult(case, ruleset, (evaluation_failed(exc, lang),), None)
    expect = case.expect
    differences = worded_differences(assessment, ruleset, expect, lang)
    if not differences:
        return CaseResult(case, ruleset, (), None)
    brief = deciding_lines(assessment, ruleset, expect, lang)
    return CaseResult(case, ruleset, tuple(differences), assessment.explain(lang), brief)


# Detail lines a failing case shows by default; the rest is left to -v (the explanation).
BRIEF_LINES = 10

_MARK = {Status.GRANTED: "✔", Status.DENIED: "✘", Status.UNDETERMINED: "?"}
_CRITERION_MARK = {
    CriterionStatus.PASS: "✔",
    CriterionStatus.FAIL: "✘",
    CriterionStatus.UNKNOWN: "?",
}
_WORDS: dict[str, tuple[str, str]] = {
    "stars": ("各星", "stars"),
    "target": ("目标", "target"),
    "test": ("条件", "test"),
    "more": (
        "…… 另有 {n} 行：加 -v 查看完整说明",
        "… {n} more lines: -v shows the whole explanation",
    ),
}


def deciding_lines(
    assessment: Assessment, ruleset: Ruleset, expect: ExpectDoc, lang: Lang = "zh"
) -> tuple[str, ...]:
    """Why the outcomes a case expected differently came out as they did, in a few lines.

    For each criterion whose expectation failed, that criterion. When the level differs,
    every star's status on one line. For each star whose expectation failed, and when the
    level differs each undetermined star (and each denied one if the case expected more):
    the vetoes, required stars and criteria that decided it, with observed value, target and
    gap. Criteria that cannot change a star (under a group that passed, or unknown in a
    denied star) are left out. At most BRIEF_LINES lines, then a pointer to the whole
    explanation."""
    explainer = _Explainer(None, ruleset.tree, lang)
    stars = assessment.stars
    level = assessment.level
    level_failed = (
        (expect.level is not None and expect.level != level.value)
        or (expect.level_min is not None and expect.level_min != level.min)
        or (expect.level_max is not None and expect.level_max != level.max)
    )
    wanted_more = any(
        wanted is not None and wanted > got
        for wanted, got in (
            (expect.level, level.min),
            (expect.level_min, level.min),
            (expect.level_max, level.max),
        )
    )
    focus = {
        star_id
        for star_id, status in expect.stars.items()
        if star_id in stars and stars[star_id].status.value != status
    }
    lines: list[str] = []
    results = {c.id: c for s in stars.values() for c in s.criteria}
    for node_id, status in expect.criteria.items():  # under their difference lines
        result = results.get(node_id)
        if result is not None and result.status.value != status:
            lines.append(_criterion_line(result, explainer))
    shown_already = set(lines)
    if level_failed:
        lines.append(
            _WORDS["stars"][lang == "en"]
            + explainer.w("sep")
            + "  ".join(f"{_MARK[s.status]} {s.name(lang)}" for s in stars.values())
        )
        focus |= {
            s.id
            for s in stars.values()
            if s.status is Status.UNDETERMINED or (wanted_more and s.status is Status.DENIED)
        }
    for star in stars.values():
        if star.id in focus:
            lines.extend(
                line for line in _star_lines(star, stars, explainer) if line not in shown_already
            )
    if len(lines) > BRIEF_LINES + 1:
        more = len(lines) - BRIEF_LINES
        lines = [*lines[:BRIEF_LINES], _WORDS["more"][lang == "en"].format(n=more)]
    return tuple(lines)


def _star_lines(star: StarResult, stars: dict[str, StarResult], ex: _Explainer) -> list[str]:
    """A star's heading and, unless granted, what decided it: in a denied star what fails
    (an unknown cannot change it), in an undetermined one what fails or is unknown."""
    lines = [f"{_MARK[star.status]} {star.name(ex.lang)} [{ex.w(star.status)}]"]
    if star.status is Status.GRANTED:
        return lines
    denied = star.status is Status.DENIED
    counts = (CriterionStatus.FAIL,) if denied else (CriterionStatus.FAIL, CriterionStatus.UNKNOWN)
    by_id = {c.id: c for c in star.criteria}

    def settled(result: CriterionResult) -> bool:
        parent = by_id.get(result.parent) if result.parent else None
        while parent is not None:
            if parent.status is CriterionStatus.PASS:
                return True
            parent = by_id.get(parent.parent) if parent.parent else None
        return False

    for result in star.criteria:
        if result.kind == "veto" and result.status in counts:
            lines.append(_criterion_line(result, ex))
    for key, which in (("requires", Status.DENIED), ("requires_open", Status.UNDETERMINED)):
        names = [
            stars[r].name(ex.lang)
            for r in star.requires_unmet
            if r in stars and stars[r].status is which and (which is Status.DENIED or not denied)
        ]
        if names:
            lines.append(
                "  " + ex.w(key) + ex.w("sep") + ("、" if ex.lang == "zh" else ", ").join(names)
            )
    for result in star.criteria:
        if result.kind == "criterion" and result.status in counts and not settled(result):
            lines.append(_criterion_line(result, ex))
    return lines


def _criterion_line(result: CriterionResult, ex: _Explainer) -> str:
    """`✘ id: text — observed …, target …, short by …` (or the missing data)."""
    lang = ex.lang
    veto = f"[{ex.w('veto')}] " if result.kind == "veto" else ""
    line = f"  {_CRITERION_MARK[result.status]} {veto}{result.id}"
    if result.text:
        line += ex.w("sep") + result.text(lang)
    details: list[str] = []
    if result.kind == "group":
        node = ex.nodes.get(result.id)
        if isinstance(node, Group):
            details.append(f"{ex.w('group')} {node.describe(lang)}")
    elif result.status is CriterionStatus.UNKNOWN:
        if result.missing:
            names = ("、" if lang == "zh" else ", ").join(ex.label(p) for p in result.missing)
            details.append(ex.w("unknown_data") + ex.w("sep") + names)
        elif result.reason:
            details.append(result.reason)
    else:
        observed = [f"{ex.label(p)} {ex.format(p, v)}" for p, v in result.observed.items()]
        if observed:
            details.append(ex.w("observed") + " " + ex.w("comma").join(observed))
        if result.target is not None and result.limit is not None:
            op = result.target.split()[0]
            target = ex.amount(result, result.limit, absolute=True)
            details.append(f"{_WORDS['target'][lang == 'en']} {op} {target}")
            shortfall = ex.shortfall(result)
            if shortfall:
                details.append(shortfall)
        elif result.expression and result.status is CriterionStatus.PASS:
            # why a criterion expected to fail passed: its test, next to the values
            details.append(f"{_WORDS['test'][lang == 'en']} {result.expression}")
    if details:
        line += " — " + ex.w("comma").join(details)
    return line


def run_cases(ruleset: Ruleset, lang: Lang = "zh", *, strict: bool = False) -> list[CaseResult]:
    """The inline cases of one ruleset, run against it."""
    return [run_case(ruleset, case, lang, strict=strict) for case in ruleset.tests]


def _case_date(case: TestCase) -> date:
    return case.village.as_of or case.on or date.today()


def run_inline_cases(
    variants: Sequence[Ruleset], lang: Lang = "zh", *, strict: bool = False
) -> list[CaseResult]:
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
                    (nothing_in_force(when, lang),),
                    None,
                )
            )
            continue
        results.append(run_case(max(in_force, key=chain_key), case, lang, strict=strict))
    return results


def load_test_file(path: Path) -> list[TestCase]:
    """The cases of a `*.test.yaml` file; structural problems are a located RulesetError."""
    source = read_yaml(path)
    try:
        doc = TestFileDoc.model_validate(source.data)
    except ValidationError as exc:
        problems = [
            Problem.coded(
                source.location(tuple(e["loc"])),
                "SR206",
                field=".".join(str(p) for p in e["loc"]),
                detail=messages.validation_detail(e),
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
                detail = messages.validation_detail(error)
                problems.append(
                    Problem.coded(source.location(loc), "SR222", field=field, detail=detail)
                )
            continue
        cases.append(
            TestCase(case.name, village, case.on, case.expect, source.location(("cases", i)))
        )
    if problems:
        raise RulesetError(problems)
    return cases


def run_file_cases(
    registry: Registry, cases: Sequence[TestCase], lang: Lang = "zh", *, strict: bool = False
) -> list[CaseResult]:
    """Cases resolved through the registry, as `starrules.evaluate` would resolve them."""
    results: list[CaseResult] = []
    for case in cases:
        village = case.village
        try:
            ruleset = registry.resolve(village.jurisdiction, village.kind, _case_date(case))
        except StarrulesError as exc:
            results.append(CaseResult(case, None, (no_ruleset(exc, lang),), None))
            continue
        results.append(run_case(ruleset, case, lang, strict=strict))
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


def run_paths(
    paths: Sequence[Path], base: Registry | None, lang: Lang = "zh", *, strict: bool = False
) -> list[CaseResult]:
    """Every case under `paths`: the inline cases of their ruleset files and the cases of
    their `*.test.yaml` files. Raise RulesetError listing every file problem. `strict`: a
    case village giving an `extra` indicator its rules do not declare fails (else it is
    ignored, as by `evaluate`)."""
    registry = Registry.from_paths(_registry_files(paths), base=base)
    files = {p.resolve() for path in paths for p in find_ruleset_files(path)}
    variants: dict[str, list[Ruleset]] = {}
    for ruleset in registry.rulesets:
        if Path(ruleset.file).resolve() in files:
            variants.setdefault(ruleset.file, []).append(ruleset)
    results: list[CaseResult] = []
    for group in variants.values():
        results.extend(run_inline_cases(group, lang, strict=strict))
    problems: list[Problem] = []
    for path in paths:
        for test_file in find_test_files(path):
            try:
                results.extend(
                    run_file_cases(registry, load_test_file(test_file), lang, strict=strict)
                )
            except RulesetError as exc:
                problems.extend(exc.problems)
    if problems:
        raise RulesetError(problems)
    return results
