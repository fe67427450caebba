"""A table of villages split by the ruleset that judges each (inputs/by_ruleset.py)."""

from __future__ import annotations

from datetime import date

import pytest

pa = pytest.importorskip("pyarrow")

from starrules import Registry, Ruleset, Village  # noqa: E402
from starrules.errors import InputError, StarrulesError  # noqa: E402
from starrules.inputs.by_ruleset import split_by_ruleset  # noqa: E402


def test_rows_are_grouped_by_ruleset_in_first_row_order() -> None:
    registry = Registry.default()
    asked: list[tuple[str, str, date | None]] = []

    def choose(village: Village) -> Ruleset:
        asked.append((village.jurisdiction, village.kind, village.as_of))
        return registry.rulesets[0 if village.kind == "rural" else 1]

    table = pa.table(
        {
            "name": ["a", "b", "c", "d"],
            "jurisdiction": ["henan/anyang/tangyin"] * 4,
            "kind": ["rural", "urban_community", "rural", "rural"],
        }
    )
    groups = split_by_ruleset(table, choose)
    assert [rows for _, rows in groups] == [[0, 2, 3], [1]]
    assert [ruleset for ruleset, _ in groups] == list(registry.rulesets[:2])
    assert len(asked) == 2  # once per jurisdiction, kind and date


def test_a_row_without_jurisdiction_is_named() -> None:
    table = pa.table({"name": ["a", "b"], "jurisdiction": ["henan", None], "kind": ["rural"] * 2})
    with pytest.raises(InputError, match=r"^row 2: ") as caught:
        split_by_ruleset(table, lambda village: Registry.default().rulesets[0])
    assert codes(caught.value) == ["SR527"]
    assert caught.value.render("zh").startswith("第 2 行: ")


def test_a_bad_kind_and_a_chooser_error_are_placed_on_their_row() -> None:
    table = pa.table({"name": ["a"], "jurisdiction": ["henan"], "kind": ["castle"]})
    with pytest.raises(InputError, match=r"^line 1: kind: ") as caught:
        split_by_ruleset(table, lambda village: Registry.default().rulesets[0], where="line")
    assert codes(caught.value) == ["SR500"]

    def refuse(village: Village) -> Ruleset:
        raise InputError("no ruleset for henan")

    table = pa.table({"name": ["a"], "jurisdiction": ["henan"], "kind": ["rural"]})
    with pytest.raises(StarrulesError, match=r"^row 1: no ruleset for henan$"):
        split_by_ruleset(table, refuse)

    def refuse_coded(village: Village) -> Ruleset:
        raise InputError.of(None, "SR811")

    with pytest.raises(InputError) as coded:
        split_by_ruleset(table, refuse_coded)
    assert str(coded.value).startswith("row 1: type: missing")
    assert coded.value.render("zh").startswith("第 1 行: `type`")


def codes(error: InputError) -> list[str | None]:
    return [problem.code for problem in error.problems]
