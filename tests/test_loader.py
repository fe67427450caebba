"""Loading ruleset files (spec §2, §5): load_ruleset / loads_ruleset, which files count as
ruleset files, and located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules.load.loader import find_ruleset_files, is_ruleset_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
HENAN_FILE = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
SMALL = (FIXTURES / "eval_registry" / "province-2022.1.yaml").read_text(encoding="utf-8")


def case_village(case: Any) -> starrules.Village:
    """An inline case's village (a Village, or the mapping from the file)."""
    v = case.village
    return v if isinstance(v, starrules.Village) else starrules.Village.model_validate(v)


def test_load_ruleset_takes_a_str_or_a_path() -> None:
    from_path = starrules.load_ruleset(HENAN_FILE)
    from_str = starrules.load_ruleset(str(HENAN_FILE))
    assert from_path.fingerprint == from_str.fingerprint
    assert (from_path.id, from_path.version) == ("henan-rural", "2022.1")
    assert from_path.file == str(HENAN_FILE)


def test_loads_ruleset_reads_text() -> None:
    ruleset = starrules.loads_ruleset(SMALL, name="small.yaml")
    assert (ruleset.id, ruleset.version, ruleset.jurisdiction) == (
        "eval-rural",
        "2022.1",
        "cn-henan",
    )
    assert ruleset.file == "small.yaml"
    assert [s.id for s in ruleset.stars] == ["station"]


def test_the_inline_tests_are_loaded() -> None:
    ruleset = starrules.load_ruleset(HENAN_FILE)
    assert len(ruleset.tests) == 4
    first = ruleset.tests[0]
    assert first.name == "model village holds all five stars"
    assert first.expect.level == 5
    assert case_village(first).name == "样板村"
    assert starrules.loads_ruleset(SMALL).tests == ()


def test_errors_are_located_with_the_given_name_and_a_hint() -> None:
    broken = SMALL.replace("civility.practice_station", "civility.practise_station")
    with pytest.raises(starrules.RulesetError) as caught:
        starrules.loads_ruleset(broken, name="county/broken.yaml")
    (problem,) = caught.value.problems
    assert problem.location.file == "county/broken.yaml"
    assert problem.location.line is not None and problem.location.column is not None
    line = broken.splitlines()[problem.location.line - 1]
    assert "civility.practise_station" in line
    assert problem.hint is not None and "civility.practice_station" in problem.hint
    assert f"county/broken.yaml:{problem.location.line}:{problem.location.column}" in str(
        caught.value
    )


def test_every_problem_is_reported_at_once() -> None:
    broken = SMALL.replace("civility.practice_station", "civility.nope").replace(
        "        - {id: station.present",
        "        - {id: station.other, test: industry.nope >= 1, text: {zh: 另, en: Other}}\n"
        "        - {id: station.present",
    )
    with pytest.raises(starrules.RulesetError) as caught:
        starrules.loads_ruleset(broken, name="two.yaml")
    assert len(caught.value.problems) == 2
    message = str(caught.value)
    assert "industry.nope" in message and "civility.nope" in message


def test_a_missing_file_is_a_ruleset_error(tmp_path: Path) -> None:
    with pytest.raises(starrules.RulesetError, match="no such file"):
        starrules.load_ruleset(tmp_path / "nope.yaml")


def test_ruleset_files_are_yaml_but_not_test_files(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yml", "c.test.yaml", "d.test.yml", "notes.txt", "e.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.yaml").write_text("x", encoding="utf-8")
    found = find_ruleset_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.yaml", "b.yml", "sub/f.yaml"]
    assert find_ruleset_files(tmp_path / "a.yaml") == [tmp_path / "a.yaml"]
    assert is_ruleset_file(Path("x/henan-rural-2022.1.yaml"))
    assert not is_ruleset_file(Path("x/henan-rural.test.yaml"))


def test_a_test_file_next_to_a_ruleset_is_not_loaded_as_one(tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "small.test.yaml").write_text("- not: a ruleset\n", encoding="utf-8")
    registry = starrules.Registry.from_paths([tmp_path])
    assert [rs.id for rs in registry.rulesets] == ["eval-rural"]


def test_the_spec_example_indicator_declaration_loads() -> None:
    ruleset = starrules.load_ruleset(FIXTURES / "eval_extra.yaml")
    spec = ruleset.tree.indicators["extra.mushroom_bags"]
    assert spec.kind is starrules.IndicatorKind.COUNT
    assert spec.better is starrules.Better.HIGHER
    assert spec.label.zh == "香菇种植袋数"


def test_load_ruleset_accepts_a_registry() -> None:
    registry = starrules.Registry.default()
    ruleset = starrules.load_ruleset(HENAN_FILE, registry=registry)  # type: ignore[call-arg]
    assert ruleset.id == "henan-rural"


def test_a_path_too_long_for_the_system_is_a_located_error() -> None:
    name = "x" * 300 + ".yaml"
    with pytest.raises(starrules.RulesetError) as caught:
        starrules.Registry.from_paths([name])
    (problem,) = caught.value.problems
    assert problem.location.file == name
    assert "name too long" in problem.message
