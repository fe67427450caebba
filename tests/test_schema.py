"""The structure of a ruleset file (starrules.load.schema, checked by documents.read_document).

1. The catalogue of broken files, part one: tests/fixtures/broken/yaml-*.yaml and
   schema-*.yaml (YAML problems, unknown and missing keys, wrong types and values). Each
   file starts with one `# expect: LINE:COL text` line per problem; parts of `text`
   separated by " ... " must all appear in the problem's message or hint. (compile-*.yaml:
   see test_compiler.py.)
2. Unit checks of the schema: did-you-mean on unknown keys, optional parts, strictness.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import RulesetError
from starrules.errors import Problem
from starrules.expr import BUILTIN_FUNCTIONS
from starrules.load.documents import read_document
from starrules.load.schema import (
    KNOWN_KEYS,
    AllDoc,
    AtLeastDoc,
    MinPointsDoc,
    RulesetDoc,
    is_overlay,
)
from starrules.load.yaml_parse import parse_yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BROKEN = FIXTURES / "broken"
MINIMAL = FIXTURES / "minimal.yaml"
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (.+)$")


def _text(problem: Problem) -> str:
    return problem.message + (f" ({problem.hint})" if problem.hint else "")


def expectations(path: Path) -> list[tuple[int, int, list[str]]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            found.append((int(match[1]), int(match[2]), match[3].split(" ... ")))
    return found


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, id=p.stem)
        for p in sorted(BROKEN.glob("*.yaml"))
        if p.name.startswith(("yaml-", "schema-"))
    ],
)
def test_broken_ruleset_reports_every_problem_with_its_place(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect: LINE:COL text' line"
    with pytest.raises(RulesetError) as info:
        starrules.load_ruleset(path)
    problems = list(info.value.problems)
    listing = "\n".join(f"  {p}" for p in problems)
    assert all(p.location.file == str(path) for p in problems)
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


def test_the_unsafe_tag_file_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """yaml-unsafe-tag.yaml asks for os.system('touch pwned'): run it from an empty dir."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RulesetError):
        starrules.load_ruleset(BROKEN / "yaml-unsafe-tag.yaml")
    assert list(tmp_path.iterdir()) == []


# -- helpers for variants of the valid minimal ruleset -------------------------------------------


def variant(*replacements: tuple[str, str]) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def load_problems(text: str) -> tuple[Problem, ...]:
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(text, "v.yaml")
    return info.value.problems


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# -- did-you-mean on unknown keys ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "suggestion"),
    [
        ("requires:", "requries:", "'requires'"),
        ("veto:", "vetos:", "'veto'"),
        ("sources:", "source:", "'sources'"),
        ("title:", "titel:", "'title'"),
        ("effective:", "efective:", "'effective'"),
        ("levels:", "level:", "'levels'"),
        ("named_by: county", "namedby: county", "'named_by'"),
        ("source: test-source", "sorce: test-source", "'source'"),
        ("expect: {level: 3,", "expect: {levl: 3,", "'level'"),
    ],
)
def test_unknown_keys_suggest_the_known_one(old: str, new: str, suggestion: str) -> None:
    text = variant((old, new))
    key = new.split(":")[-2].split("{")[-1].strip()
    problems = [p for p in load_problems(text) if f"unknown key '{key}'" in p.message]
    assert len(problems) == 1, load_problems(text)
    (problem,) = problems
    assert problem.hint is not None and suggestion in problem.hint
    assert problem.location.line == line_of(text, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("at_least: 1", "at_leats: 1"),
        (
            "      any:\n        - {id: branch.secretary",
            "      all:\n        - {id: branch.other, test: branch.weak_and_lax,"
            " text: {zh: 软弱, en: Weak}}\n      any:\n        - {id: branch.secretary",
        ),
    ],
    ids=["misspelt-at_least", "two-group-keys"],
)
def test_a_hint_never_suggests_the_word_itself(old: str, new: str) -> None:
    for problem in load_problems(variant((old, new))):
        match = re.match(r"unknown key '([^']+)'", problem.message)
        if match and problem.hint:
            assert f"'{match[1]}'" not in problem.hint, str(problem)


def test_known_keys_cover_the_format() -> None:
    assert {
        "starrules",
        "id",
        "jurisdiction",
        "kind",
        "version",
        "effective",
        "from",
        "until",
        "title",
        "sources",
        "indicators",
        "stars",
        "levels",
        "tests",
        "requires",
        "grant",
        "veto",
        "test",
        "text",
        "source",
        "provisional",
        "points",
        "all",
        "any",
        "at_least",
        "min_points",
        "of",
        "value",
        "when",
        "named_by",
        "expect",
        "village",
    } <= KNOWN_KEYS
    assert "from_" not in KNOWN_KEYS


# -- structure and types -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ('version: "2022.1"', "version: 2022.1", "2022.1", "quote it"),
        ('version: "2022.1"', 'version: "v2022"', '"v2022"', "version"),
        ("id: test-rural", "id: Test_Rural", "Test_Rural", "id"),
        ("kind: rural", "kind: urban", "urban", "'rural' or 'urban_community'"),
        ("{from: 2022-05-01}", "{from: 2022-05-01 10:00:00}", "2022-05-01 10", "date"),
        ("{from: 2022-05-01}", "{from: 2022-05-01 00:00:00}", "2022-05-01 00", "date"),
        ('version: "2022.1"', 'version: "２０２２.1"', '"２０２２.1"', "version"),
        ("stars:\n  - id: industry", "stars:\n  x:\n  - id: industry", "x:", "list"),
        ("at_least: 1", "at_least: 0", "0\n", "greater than or equal to 1"),
        ("at_least: 1", "at_least: one", "one", "integer"),
        ("min_points: 2", "min_points: .nan", ".nan", "finite"),
        ("points: 1, text: {zh: 厕所", "points: -1, text: {zh: 厕所", "-1", "greater than 0"),
        ("- {value: 3,", "- {value: 0,", "0,", "greater than or equal to 1"),
        ("- {value: 3,", "- {value: '3',", "'3'", "integer"),
        ("branch: granted}}", "branch: gratned}}", "gratned", "'granted', 'denied'"),
        ("test: industry.collective_income >= 100000", "test: 5", "5\n", "string"),
        ("test: industry.collective_income >= 100000", "test: ''", "''", "at least 1"),
        ("id: branch.secretary", "id: Branch.Secretary", "Branch.Secretary", "id"),
        ("en: Secretary}", "en: yes}", "yes}", "string"),
    ],
)
def test_wrong_values_are_located(old: str, new: str, at: str, message: str) -> None:
    text = variant((old, new))
    (problem,) = load_problems(text)
    index = text.index(at, text.index(new))
    before = text[:index]
    assert problem.location.line == before.count("\n") + 1
    assert problem.location.column == index - before.rfind("\n")
    assert message in _text(problem), str(problem)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("title: {zh: 测试标准, en: Test standard}\n", "", "missing required key 'title'"),
        ("name: {zh: 支部过硬星, en: Strong Branch}", "name: {zh: 支部过硬星}", "'en'"),
        (
            "    grant:\n      any:\n        - {id: branch.secretary, test: "
            "branch.secretary_strong, text: {zh: 书记, en: Secretary}}\n",
            "",
            "missing required key 'grant'",
        ),
        ("          of:\n            - {id: industry.coop", "          - {id: industry.coop", ""),
    ],
    ids=["title", "english-name", "grant", "group-without-of"],
)
def test_missing_keys_are_reported(old: str, new: str, message: str) -> None:
    problems = load_problems(variant((old, new)))
    assert problems
    assert any(message in p.message for p in problems), problems
    assert all(p.location.line is not None for p in problems)


@pytest.mark.parametrize(
    "grant",
    [
        "    grant: {id: branch.secretary, test: branch.secretary_strong,"
        " text: {zh: 书记, en: Secretary}}",
        "    grant:\n        - {id: branch.secretary, test: branch.secretary_strong,"
        " text: {zh: 书记, en: Secretary}}",
    ],
    ids=["criterion", "list"],
)
def test_grant_must_be_a_group(grant: str) -> None:
    text = variant(
        (
            "    grant:\n      any:\n        - {id: branch.secretary, test: "
            "branch.secretary_strong, text: {zh: 书记, en: Secretary}}",
            grant,
        )
    )
    (problem,) = load_problems(text)
    assert "expected a group: all, any, at_least or min_points" in problem.message


# -- valid shapes --------------------------------------------------------------------------------


def test_the_minimal_fixture_validates() -> None:
    source = parse_yaml(MINIMAL.read_text(encoding="utf-8"), "m.yaml")
    doc = read_document(source, BUILTIN_FUNCTIONS)
    assert isinstance(doc, RulesetDoc)
    assert doc.starrules == 1
    assert doc.effective.from_ == dt.date(2022, 5, 1)
    assert doc.effective.until is None
    assert [s.id for s in doc.stars] == ["industry", "ecology", "branch"]
    assert isinstance(doc.stars[0].grant, AllDoc)
    assert isinstance(doc.stars[0].grant.all[1], AtLeastDoc)
    assert isinstance(doc.stars[1].grant, MinPointsDoc)
    assert doc.levels is not None and [lv.value for lv in doc.levels] == [3, 1]


def test_optional_parts_may_be_left_out() -> None:
    text = """\
starrules: 1
id: bare
jurisdiction: cn-henan/nanyang/xixia
kind: urban_community
version: "1"
effective: {from: 2022-05-01, until: 2022-05-01}
title: {zh: 标准, en: Standard}
stars:
  - id: only
    name: {zh: 星, en: Star}
    grant:
      any:
        - {id: only.a, test: industry.dual_binding, text: {zh: 甲, en: A}}
"""
    ruleset = starrules.loads_ruleset(text, "bare.yaml")
    assert ruleset.kind == "urban_community"
    assert ruleset.effective_until == dt.date(2022, 5, 1)
    assert ruleset.tests == ()


def test_groups_nest_and_carry_ids_text_and_points() -> None:
    text = variant(
        (
            "        - {id: ecology.roads, test: ecology.hardened_road_rate >= 0.9, points: 1,"
            " text: {zh: 道路, en: Roads}}\n",
            "        - id: ecology.extras\n"
            "          text: {zh: 其他, en: Extras}\n"
            "          points: 1\n"
            "          any:\n"
            "            - {id: ecology.roads, test: ecology.hardened_road_rate >= 0.9,"
            " text: {zh: 道路, en: Roads}}\n"
            "            - at_least: 1\n"
            "              of:\n"
            "                - {id: ecology.green, test: ecology.greening_rate >= 0.3,"
            " text: {zh: 绿化, en: Green}}\n",
        )
    )
    ruleset = starrules.loads_ruleset(text, "nested.yaml")
    ids = [node.id for node in ruleset.stars[1].nodes]
    assert ids == [
        "ecology.grant",
        "ecology.toilets",
        "ecology.garbage",
        "ecology.extras",
        "ecology.roads",
        "ecology.extras.2",
        "ecology.green",
    ]


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_quoted_date_is_the_same_date(quote: str) -> None:
    text = variant(("{from: 2022-05-01}", f"{{from: {quote}2022-05-01{quote}}}"))
    assert starrules.loads_ruleset(text, "q.yaml").effective_from == dt.date(2022, 5, 1)


def test_a_quoted_on_key_gives_a_test_case_date() -> None:
    text = variant(("    expect: {level: 3", "    'on': 2023-06-01\n    expect: {level: 3"))
    (case,) = starrules.loads_ruleset(text, "on.yaml").tests
    assert case.on == dt.date(2023, 6, 1)


def test_an_on_key_gives_a_test_case_date() -> None:
    text = variant(("    expect: {level: 3", "    on: 2023-06-01\n    expect: {level: 3"))
    (case,) = starrules.loads_ruleset(text, "on.yaml").tests
    assert case.on == dt.date(2023, 6, 1)


@pytest.mark.parametrize("date", ["2022-13-01", "2023-02-30", "2022-00-10"])
def test_an_impossible_date_is_a_located_problem(date: str) -> None:
    text = variant(("{from: 2022-05-01}", f"{{from: {date}}}"))
    (problem,) = load_problems(text)
    assert (problem.location.line, problem.location.column) == (7, 19)
    assert date in str(problem) or "date" in problem.message


def test_deep_nesting_is_a_ruleset_error() -> None:
    depth = 150
    criterion = "{id: branch.secretary, test: branch.secretary_strong, text: {zh: 书记, en: S}}"
    text = variant(
        (
            "      any:\n        - {id: branch.secretary, test: branch.secretary_strong,"
            " text: {zh: 书记, en: Secretary}}",
            "      " + "any: [{any: [" * depth + criterion + "]}]" * depth,
        )
    )
    try:
        starrules.loads_ruleset(text, "deep.yaml")
    except RulesetError as error:
        assert error.problems


def test_the_json_schema_describes_the_format() -> None:
    schema = RulesetDoc.model_json_schema()
    assert set(schema["required"]) >= {"starrules", "id", "jurisdiction", "kind"}
    # a ruleset defines stars, or is an overlay that extends one
    assert {"required": ["stars"]} in schema["anyOf"]
    assert {"required": ["extends"]} in schema["anyOf"]
    assert "stars" in schema["properties"] and "extends" in schema["properties"]
    effective = schema["$defs"]["EffectiveDoc"]["properties"]
    assert "from" in effective and "from_" not in effective


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"extends": "a@1"}, True),
        ({"extends": None}, False),
        ({"stars": []}, False),
        ([], False),
        ("text", False),
    ],
)
def test_overlays_are_the_files_that_extend_another(data: Any, expected: bool) -> None:
    assert is_overlay(data) is expected


@pytest.mark.parametrize("extends", [None, "test-rural@2021.1"])
def test_a_validated_document_is_an_overlay_when_its_data_is(extends: str | None) -> None:
    data = {**parse_yaml(MINIMAL.read_text(encoding="utf-8"), "m.yaml").data, "extends": extends}
    assert is_overlay(RulesetDoc.model_validate(data)) is is_overlay(data)
    assert is_overlay(data) is (extends is not None)


# -- found by the fuzz suite (tests/test_fuzz_rulesets.py) ----------------------------------


def test_a_standalone_file_without_title_and_a_bad_item_gets_both_problems() -> None:
    # The missing title is added to pydantic's errors, which held a discriminator's own
    # error type ('item'): rebuilding them raised KeyError("Invalid error type").
    fixture = (BROKEN / "schema-item-neither.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*\n", "", fixture)
    assert text != fixture
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(text, "x.yaml")
    messages = [p.message for p in info.value.problems]
    assert any("expected a criterion" in m for m in messages), messages
    assert any("title" in m for m in messages), messages


@pytest.mark.parametrize("key", ["<x", "<criterion>", "<all>"])
def test_an_unknown_key_that_starts_with_a_bracket_is_named(key: str) -> None:
    # Keys starting with '<' were dropped from error paths as if they were the schema's
    # union tags: at the top level that left no key to name (IndexError).
    text = MINIMAL.read_text(encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(f"'{key}': 1\n{text}", "x.yaml")
    (problem,) = info.value.problems
    assert problem.code == "SR201" and repr(key) in problem.message
    assert (problem.location.line, problem.location.column) == (1, 1)


def test_an_unknown_key_named_like_a_tag_inside_a_criterion_is_named_there() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    old = "test: industry.collective_income >= 100000"
    assert old in text
    broken = text.replace(old, f"'<criterion>': 1\n          {old}", 1)
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(broken, "x.yaml")
    (problem,) = info.value.problems
    assert problem.code == "SR201" and "'<criterion>'" in problem.message
    assert problem.location.line == broken[: broken.index("'<criterion>'")].count("\n") + 1


# -- values written in Chinese where the format has English words or numbers ---------------

BOAI = Path(__file__).resolve().parents[1] / "docs" / "examples" / "boai-rural-2024.1.yaml"


@pytest.mark.parametrize(
    ("old", "new", "suggested"),
    [
        ("stars: {industry: denied,", "stars: {industry: 未获得,", "'denied'"),
        ("stars: {industry: denied,", "stars: {industry: 获得,", "'granted'"),
        ("stars: {industry: denied,", "stars: {industry: 待定,", "'undetermined'"),
        ("{industry.collective-income: fail}", "{industry.collective-income: 不通过}", "'fail'"),
        ("{industry.collective-income: fail}", "{industry.collective-income: 通过}", "'pass'"),
        ("{industry.collective-income: fail}", "{industry.collective-income: 未知}", "'unknown'"),
        ("      level: 3", "      level: 三星", "3"),
        ("      level: 3", "      level: 三星支部", "3"),
        ("      level: 3", "      level: 3星", "3"),
    ],
)
def test_a_value_written_in_chinese_gets_the_formats_word(
    old: str, new: str, suggested: str
) -> None:
    text = BOAI.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(
            text.replace(old, new, 1), "x.yaml", registry=starrules.Registry.default()
        )
    (problem,) = info.value.problems
    assert problem.code == "SR206"
    assert problem.hint is not None and f"did you mean {suggested}?" in problem.hint, problem.hint
    assert "是不是想写" in problem.render("zh")


def test_an_english_value_that_is_wrong_gets_no_chinese_hint() -> None:
    text = BOAI.read_text(encoding="utf-8")
    broken = text.replace("stars: {industry: denied,", "stars: {industry: refused,", 1)
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(broken, "x.yaml", registry=starrules.Registry.default())
    (problem,) = info.value.problems
    assert problem.hint is None


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        ("effective: {from: 2024-01-01}", "effective: {from: 2024年1月1日}", "2024-01-01"),
        ("effective: {from: 2024-01-01}", "effective: {from: 2024/1/1}", "2024-01-01"),
        ("effective: {from: 2024-01-01}", "effective: {from: 2024.01.01}", "2024-01-01"),
        ("as_of: 2024-12-31", "as_of: 2024年12月31日", "2024-12-31"),
    ],
)
def test_a_date_written_another_way_gets_it_as_year_month_day(
    old: str, new: str, hint: str
) -> None:
    text = BOAI.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(
            text.replace(old, new, 1), "x.yaml", registry=starrules.Registry.default()
        )
    (problem,) = info.value.problems
    assert problem.hint is not None and f"did you mean {hint}?" in problem.hint, problem.hint
    assert f"是不是想写 {hint}？" in problem.render("zh"), problem.render("zh")


def test_an_impossible_date_gets_no_suggestion() -> None:
    text = BOAI.read_text(encoding="utf-8")
    broken = text.replace("effective: {from: 2024-01-01}", "effective: {from: 2024年2月30日}")
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(broken, "x.yaml", registry=starrules.Registry.default())
    (problem,) = info.value.problems
    assert problem.hint is None


def test_extends_written_wrong_is_explained_in_words() -> None:
    text = BOAI.read_text(encoding="utf-8")
    broken = text.replace('extends: "henan-rural@>=2022.1"', 'extends: "河南省农村标准"')
    with pytest.raises(RulesetError) as info:
        starrules.loads_ruleset(broken, "x.yaml", registry=starrules.Registry.default())
    (problem,) = info.value.problems
    assert "^[a-z]" not in problem.render("zh")
    assert "henan-rural@>=2022.1" in problem.render("zh"), problem.render("zh")
