"""Compiling ruleset files (starrules.load.compiler via starrules.load_ruleset), spec §2 and §4.

1. The catalogue of broken files, part two: tests/fixtures/broken/compile-*.yaml (names,
   expressions, references, ids, levels, inline test cases). Each file starts with one
   `# expect: LINE:COL text` line per problem; parts of `text` separated by " ... " must all
   appear in the problem's message or hint. The load must fail with a RulesetError listing
   exactly those problems, together. (yaml-*.yaml and schema-*.yaml: see test_schema.py.)
2. The valid minimal ruleset (tests/fixtures/minimal.yaml) and its fingerprint: a sha256
   of the canonical form, the same whatever the formatting, different when a rule changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import starrules
from starrules import RulesetError
from starrules.errors import Problem

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BROKEN = FIXTURES / "broken"
MINIMAL = FIXTURES / "minimal.yaml"
WITH_EXTRA = FIXTURES / "with_extra.yaml"
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (.+)$")

KNOWN_BUGS: dict[str, str] = {}  # file name -> reason, for a strict xfail


def _text(problem: Problem) -> str:
    return problem.message + (f" ({problem.hint})" if problem.hint else "")


def expectations(path: Path) -> list[tuple[int, int, list[str]]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            found.append((int(match[1]), int(match[2]), match[3].split(" ... ")))
    return found


def assert_problems(path: Path) -> None:
    """Loading `path` fails with exactly the expected problems, all at once."""
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect: LINE:COL text' line"
    with pytest.raises(RulesetError) as info:
        starrules.load_ruleset(path)
    problems = list(info.value.problems)
    listing = "\n".join(f"  {p}" for p in problems)
    for problem in problems:
        assert problem.location.file == str(path)
    unmatched = list(problems)
    for line, column, parts in expected:
        match = next(
            (
                p
                for p in unmatched
                if (p.location.line, p.location.column) == (line, column)
                and all(part in _text(p) for part in parts)
            ),
            None,
        )
        assert match is not None, f"expected {line}:{column} {parts!r}; got:\n{listing}"
        unmatched.remove(match)
    assert not unmatched, f"unexpected problems:\n{listing}"
    assert len(problems) == len(expected)


def catalogue(*prefixes: str) -> list[object]:
    params: list[object] = []
    for path in sorted(BROKEN.glob("*.yaml")):
        if not path.name.startswith(prefixes):
            continue
        marks = []
        if path.name in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(reason=KNOWN_BUGS[path.name], strict=True))
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


@pytest.mark.parametrize("path", catalogue("compile-"))
def test_broken_ruleset_reports_every_problem_with_its_place(path: Path) -> None:
    assert_problems(path)


def test_the_catalogue_is_complete() -> None:
    files = sorted(BROKEN.glob("*.yaml"))
    assert len(files) >= 25
    for path in files:
        assert path.name.startswith(("yaml-", "schema-", "compile-")), path.name
        assert path.read_text(encoding="utf-8").startswith("# expect: "), path.name
    several = [p.name for p in files if len(expectations(p)) >= 3]
    assert "compile-three-problems.yaml" in several
    assert "schema-three-problems.yaml" in several


def test_problems_come_in_file_order() -> None:
    with pytest.raises(RulesetError) as info:
        starrules.load_ruleset(BROKEN / "compile-three-problems.yaml")
    places = [(p.location.line or 0, p.location.column or 0) for p in info.value.problems]
    assert places == sorted(places)
    assert str(info.value).startswith("3 problems in ruleset:")


def test_loads_ruleset_names_the_text_in_locations() -> None:
    text = (BROKEN / "compile-unknown-source.yaml").read_text(encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(text, "county/overlay.yaml")
    (problem,) = info.value.problems
    assert str(problem).startswith("county/overlay.yaml:20:19: unknown source 'test-sorce'")


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("industry.collective_income >= 100000 and industry.dual_binding == 1", "yes/no"),
        ("ratio(safety.disputes_resolved) >= 0.9", "ratio() takes 2"),
        ("industry.local_jobs >= 5 and known()", "known() takes 1"),
        ("rato(industry.local_jobs, 2) > 1", "did you mean 'ratio'"),
        ("industry.collective_income >= 10万", "'万'"),
    ],
)
def test_expression_problems_point_into_the_expression(expression: str, message: str) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "test: industry.collective_income >= 100000", f"test: {expression}"
    )
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(text, "x.yaml")
    (problem,) = info.value.problems
    assert message in _text(problem)
    line = text[: text.index(f"test: {expression}")].count("\n") + 1
    start = len("          test: ") + 1
    assert problem.location.line == line
    assert problem.location.column is not None
    assert start <= problem.location.column < start + len(expression)


# -- the valid minimal ruleset -------------------------------------------------------------


def test_minimal_ruleset_loads() -> None:
    ruleset = starrules.load_ruleset(MINIMAL)
    assert (ruleset.id, ruleset.version, ruleset.jurisdiction, ruleset.kind) == (
        "test-rural",
        "2022.1",
        "cn-henan",
        "rural",
    )
    assert ruleset.title.en == "Test standard"
    assert str(ruleset.effective_from) == "2022-05-01"
    assert ruleset.effective_until is None
    assert [s.id for s in ruleset.stars] == ["industry", "ecology", "branch"]
    assert ruleset.stars[2].requires == ("industry", "ecology")
    assert ruleset.file == str(MINIMAL)
    assert len(ruleset.tests) == 1


def test_minimal_ruleset_inline_case_holds() -> None:
    ruleset = starrules.load_ruleset(MINIMAL)
    (case,) = ruleset.tests
    assessment = ruleset.evaluate(starrules.Village.model_validate(case.village))
    assert assessment.level.value == case.expect.level
    for star, status in case.expect.stars.items():
        assert assessment.stars[star].status == status


def test_the_shipped_henan_ruleset_loads() -> None:
    ruleset = starrules.load_ruleset(
        FIXTURES.parent.parent / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
    )
    assert re.fullmatch(r"[0-9a-f]{64}", ruleset.fingerprint)


def test_a_ruleset_that_declares_an_extra_indicator_loads() -> None:
    ruleset = starrules.load_ruleset(WITH_EXTRA)
    (case,) = ruleset.tests
    assessment = ruleset.evaluate(starrules.Village.model_validate(case.village))
    assert assessment.stars["industry"].status == "granted"


# -- fingerprint -------------------------------------------------------------------------------


def fingerprint_of(text: str) -> str:
    return starrules.loads_ruleset(text, "variant.yaml").fingerprint


def _variant(*replacements: tuple[str, str]) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


COOP = (
    "{id: industry.coop, test: industry.branch_led_cooperative, "
    "text: {zh: 合作社, en: Cooperative}}"
)
INCOME = (
    "- id: industry.collective-income\n"
    "          test: industry.collective_income >= 100000\n"
    "          text: {zh: 集体收入不低于10万元, en: Collective income at least 100000}\n"
    "          source: test-source\n"
)

SAME_RULES = {
    "comments": _variant(
        ("starrules: 1\n", "# 河南省 test\nstarrules: 1  # format\n"),
        ("  - id: ecology\n", "  # the ecology star\n  - id: ecology  # 生态\n"),
    ),
    "top-level key order": _variant(
        ("title: {zh: 测试标准, en: Test standard}\n", ""),
        ("starrules: 1\n", "title: {zh: 测试标准, en: Test standard}\nstarrules: 1\n"),
    ),
    "criterion key order": _variant(
        (
            INCOME,
            "- source: test-source\n"
            "          text: {en: Collective income at least 100000, zh: 集体收入不低于10万元}\n"
            "          test: industry.collective_income >= 100000\n"
            "          id: industry.collective-income\n",
        ),
        (
            COOP,
            "{text: {en: Cooperative, zh: 合作社}, test: industry.branch_led_cooperative, "
            "id: industry.coop}",
        ),
    ),
    "whitespace in expressions": _variant(
        ("industry.collective_income >= 100000", "industry.collective_income>=100_000"),
        ("ecology.sanitary_toilet_rate >= 0.85", "(ecology.sanitary_toilet_rate   >=  0.85)"),
        ('when: "count(stars) >= 3"', 'when: "count( stars )>=3"'),
        ("test: industry.wage_arrears_cases > 0", "test: ( industry.wage_arrears_cases > 0 )"),
    ),
    "quoting and block style": _variant(
        (
            "test: industry.collective_income >= 100000",
            "test: 'industry.collective_income >= 100000'",
        ),
        ("title: {zh: 测试标准, en: Test standard}", "title:\n  zh: 测试标准\n  en: Test standard"),
        (
            "- {value: 1, name: {zh: 一星, en: One star}, "
            'when: "count(stars) >= 1 or stars.branch"}',
            "- value: 1\n    name: {zh: 一星, en: One star}\n    when: >-\n"
            "      count(stars) >= 1\n      or stars.branch",
        ),
    ),
    "inline test cases": _variant(("name: strong village", "name: a renamed case")),
}

OTHER_RULES = {
    "income threshold": _variant(("income >= 100000", "income >= 100001")),
    "toilet rate": _variant(("rate >= 0.85", "rate >= 0.86")),
    "comparison": _variant(("income >= 100000", "income > 100000")),
    "veto": _variant(("wage_arrears_cases > 0", "wage_arrears_cases > 1")),
    "at_least": _variant(("at_least: 1", "at_least: 2")),
    "min_points": _variant(("min_points: 2", "min_points: 3")),
    "points": _variant(
        ("hardened_road_rate >= 0.9, points: 1", "hardened_road_rate >= 0.9, points: 2")
    ),
    "requires": _variant(("requires: [industry, ecology]", "requires: [industry]")),
    "level": _variant(('when: "count(stars) >= 3"', 'when: "count(stars) >= 2"')),
    "group kind": _variant(("      any:\n", "      all:\n")),
    "version": _variant(('version: "2022.1"', 'version: "2022.2"')),
    "effective": _variant(("{from: 2022-05-01}", "{from: 2022-06-01}")),
}


def test_fingerprint_is_a_sha256_hex_digest() -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", starrules.load_ruleset(MINIMAL).fingerprint)


def test_fingerprint_is_deterministic() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    assert (
        fingerprint_of(text) == fingerprint_of(text) == starrules.load_ruleset(MINIMAL).fingerprint
    )


def test_fingerprint_does_not_depend_on_the_file_name(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "renamed.yaml"
    copy.parent.mkdir()
    copy.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert starrules.load_ruleset(copy).fingerprint == starrules.load_ruleset(MINIMAL).fingerprint


@pytest.mark.parametrize("change", sorted(SAME_RULES))
def test_fingerprint_ignores_formatting(change: str) -> None:
    assert fingerprint_of(SAME_RULES[change]) == starrules.load_ruleset(MINIMAL).fingerprint


@pytest.mark.parametrize("change", sorted(OTHER_RULES))
def test_fingerprint_changes_with_the_rules(change: str) -> None:
    assert fingerprint_of(OTHER_RULES[change]) != starrules.load_ruleset(MINIMAL).fingerprint


def test_every_rule_change_gives_its_own_fingerprint() -> None:
    prints = {fingerprint_of(text) for text in OTHER_RULES.values()}
    assert len(prints) == len(OTHER_RULES)


@pytest.mark.parametrize(
    "expression",
    [
        " + ".join(["industry.local_jobs"] * 600) + " > 1",
        "(" * 200 + "industry.dual_binding" + ")" * 200,
        "industry.collective_income >= " + "9" * 5000,
    ],
    ids=["600-term-sum", "200-parentheses", "5000-digit-integer"],
)
def test_a_pathological_test_is_a_ruleset_error_or_loads(expression: str) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "test: industry.collective_income >= 100000", f"test: {expression}"
    )
    try:
        starrules.loads_ruleset(text, "x.yaml")
    except RulesetError as error:
        assert error.problems[0].location.line is not None


# -- points only where they count ------------------------------------------------------------


def test_points_on_a_stars_grant_group_are_refused_not_ignored() -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("      min_points: 2\n", "      min_points: 2\n      points: 5\n", 1)
    with pytest.raises(RulesetError) as caught:
        starrules.loads_ruleset(text, "grant.yaml")
    (problem,) = caught.value.problems
    line = text[: text.index("points: 5")].count("\n") + 1
    assert (problem.location.file, problem.location.line) == ("grant.yaml", line)
    assert "points only count inside a min_points group" in problem.message
