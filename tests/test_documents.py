"""Reading a ruleset file's document (starrules.load.documents): validated once, whatever
loads it, and its schema problems located."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import Registry, RulesetError
from starrules.load.schema import RulesetDoc

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
BASE_FILE = FIXTURES / "overlay" / "base-2022.1.yaml"

HEAD = (
    "starrules: 1\n"
    "id: test-rural\n"
    "jurisdiction: {jurisdiction}\n"
    "kind: rural\n"
    'version: "2022.1"\n'
    "effective: {{from: 2022-06-01}}\n"
    'extends: "{extends}"\n'
)
COUNTY = HEAD.format(jurisdiction="cn-test/city/county", extends="test-rural@2022.1")
TOWN = HEAD.format(jurisdiction="cn-test/city/county/town", extends="test-rural@2022.1")
# The county's first criterion tightened, then the town's: a chain of three layers.
COUNTY_BODY = "override:\n  industry.income: {test: industry.collective_income >= 150000}\n"
TOWN_BODY = "override:\n  industry.income: {test: industry.collective_income >= 200000}\n"


class _Spy:
    """RulesetDoc's validator, counting the data it validates (by identity)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seen: Counter[int] = Counter()

    def validate_python(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        self.seen[id(data)] += 1
        return self.inner.validate_python(data, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Spy]:
    spy = _Spy(RulesetDoc.__pydantic_validator__)
    monkeypatch.setattr(RulesetDoc, "__pydantic_validator__", spy)
    yield spy


def _rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(BASE_FILE, folder / BASE_FILE.name)
    (folder / "county.yaml").write_text(COUNTY + COUNTY_BODY, encoding="utf-8")
    (folder / "town.yaml").write_text(TOWN + TOWN_BODY, encoding="utf-8")
    return folder


def test_a_standalone_file_is_validated_once(validations: _Spy) -> None:
    ruleset = starrules.load_ruleset(FIXTURES / "minimal.yaml")
    assert ruleset.id == "test-rural"
    assert list(validations.seen.values()) == [1]


def test_every_file_of_an_overlay_chain_is_validated_once(
    tmp_path: Path, validations: _Spy
) -> None:
    registry = Registry.from_paths([_rules(tmp_path)])
    assert [len(rs.layers) for rs in registry.rulesets] == [1, 2, 3]
    assert list(validations.seen.values()) == [1, 1, 1]


def test_an_overlay_loaded_on_a_registry_is_validated_once(
    tmp_path: Path, validations: _Spy
) -> None:
    base = Registry.from_paths([BASE_FILE])
    validations.seen.clear()
    path = tmp_path / "county.yaml"
    path.write_text(COUNTY + COUNTY_BODY, encoding="utf-8")
    assert len(starrules.load_ruleset(path, registry=base).layers) == 2
    assert list(validations.seen.values()) == [1]


def test_a_broken_standalone_file_is_validated_once_and_once_without_its_unknown_keys(
    validations: _Spy,
) -> None:
    # The copy without the misspelt key is validated too: it finds the expression problem.
    with pytest.raises(RulesetError) as caught:
        starrules.load_ruleset(FIXTURES / "broken" / "compile-schema-and-expression.yaml")
    messages = [p.message for p in caught.value.problems]
    assert messages[0] == "unknown key 'notes'"
    assert "unknown indicator 'ecology.garbage_sytem'" in messages[1]
    assert sorted(validations.seen.values()) == [1, 1]


def test_a_broken_overlay_is_validated_once(tmp_path: Path, validations: _Spy) -> None:
    base = Registry.from_paths([BASE_FILE])
    validations.seen.clear()
    path = tmp_path / "county.yaml"
    path.write_text(COUNTY + "remove: industry.income\n", encoding="utf-8")
    with pytest.raises(RulesetError, match="remove"):
        starrules.load_ruleset(path, registry=base)
    assert list(validations.seen.values()) == [1]
