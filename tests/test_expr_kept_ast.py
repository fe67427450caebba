"""The compiled expression keeps its AST, and nothing outside the expression compiler parses
expression source again (the rete translation, the property-test strategies, the overlay
policy read the kept tree)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ruleset_of

import starrules.load.policy
import starrules.monitor.translate
import starrules.testing.strategies
from starrules.expr.ast import to_source
from starrules.expr.parser import parse
from starrules.rules import Criterion


def _no_parsing(*_: Any, **__: Any) -> Any:
    raise AssertionError("expression source parsed again")


@pytest.fixture
def forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (
        starrules.monitor.translate,
        starrules.load.policy,
        starrules.testing.strategies,
    ):
        monkeypatch.setattr(module, "parse", _no_parsing, raising=False)


def _ruleset() -> starrules.Ruleset:
    items = [
        {"id": "c0", "test": "industry.local_jobs >= 20", "text": {"zh": "条件", "en": "a"}},
        {"id": "c1", "test": "ecology.garbage_system", "text": {"zh": "条件", "en": "b"}},
    ]
    star = {"id": "s", "name": {"zh": "星", "en": "star"}, "grant": {"id": "g", "all": items}}
    return ruleset_of([star])


def test_a_compiled_test_keeps_the_tree_its_source_parses_to() -> None:
    leaves = [n for s in _ruleset().stars for n in s.nodes if isinstance(n, Criterion)]
    assert len(leaves) == 2
    for leaf in leaves:
        test = leaf.test
        assert to_source(test.node) == test.canonical == to_source(parse(test.source))


@pytest.mark.usefixtures("forbid_parsing")
def test_the_rete_translation_reads_the_kept_tree() -> None:
    (star,) = starrules.monitor.translate.translate(_ruleset().tree).stars
    assert star.rules["g1"] == {"$and": [{"$gte": {"f1": 1}}, {"f0": 3}]}


@pytest.mark.usefixtures("forbid_parsing")
def test_the_strategies_read_the_kept_tree() -> None:
    paths = starrules.testing.read_paths(_ruleset())
    assert paths == ["industry.local_jobs", "ecology.garbage_system"]


@pytest.mark.usefixtures("forbid_parsing")
def test_the_overlay_policy_reads_the_kept_tree() -> None:
    tests = {n.id: n.test for n in _ruleset().stars[0].nodes if isinstance(n, Criterion)}
    looser = starrules.load.policy.looser
    assert looser(tests["c0"], tests["c0"], veto=False) is None
    assert "cannot be shown" in (looser(tests["c0"], tests["c1"], veto=False) or "")
