"""Reports of tables rated by the columnar engine (reports/columns.py) equal the reports of
the same villages' assessments, group by group, village by village."""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")

import starrules  # noqa: E402
from starrules import Registry, Village  # noqa: E402
from starrules.columnar.tables import villages_table  # noqa: E402
from starrules.reports import ReportBuilder, report  # noqa: E402
from starrules.testing import small_rulesets, villages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BY = ("township", "county", "jurisdiction", None)


def _examples() -> list[Village]:
    lines = (ROOT / "examples" / "villages.jsonl").read_text(encoding="utf-8").splitlines()
    return [Village.model_validate_json(line) for line in lines if line.strip()]


def _spread(base: list[Village], count: int, seed: int, unknown: float) -> list[Village]:
    """`count` villages made from `base`: townships and counties mixed, values unknown at
    random (so that stars are undetermined, near their next level, missing …)."""
    rng = random.Random(seed)
    made = []
    for i in range(count):
        data = rng.choice(base).model_dump(mode="json")
        data["name"] = f"村{i}"
        data["township"] = rng.choice(["甲镇", "乙镇", "丙镇", None])
        data["jurisdiction"] = rng.choice(["cn-henan/a/b", "cn-henan/a/c", "cn-henan/d/e"])
        data["as_of"] = None
        for section in ("branch", "industry", "ecology", "safety", "civility"):
            for key in data[section]:
                if rng.random() < unknown:
                    data[section][key] = None
        made.append(Village.model_validate(data))
    return made


def _same(rows: starrules.Report, columns: starrules.Report) -> None:
    a, b = rows.to_dict(), columns.to_dict()
    if a != b:  # the first difference, readably
        left = json.dumps(a, ensure_ascii=False, indent=1).splitlines()
        right = json.dumps(b, ensure_ascii=False, indent=1).splitlines()
        import difflib

        diff = "\n".join(list(difflib.unified_diff(left, right, "rows", "columns"))[:80])
        pytest.fail(f"the columnar report differs:\n{diff}")


@pytest.fixture(scope="module")
def province() -> starrules.Ruleset:
    return Registry.default().resolve("cn-henan", "rural")


@pytest.mark.parametrize("by", BY)
def test_the_report_of_a_table_equals_the_report_of_its_assessments(
    province: starrules.Ruleset, by: Any
) -> None:
    population = _spread([v for v in _examples() if v.kind == "rural"], 1500, 7, 0.05)
    rows = report((province.evaluate(v) for v in population), by=by, nearest=4)
    builder = ReportBuilder(by, nearest=4)
    table = villages_table(population, province.tree.indicators)
    builder.add_table(table.slice(0, 700), province)  # in two parts: the offsets count
    builder.add_table(table.slice(700), province)
    _same(rows, builder.result())


def test_plans_are_compared_alike(province: starrules.Ruleset) -> None:
    population = _spread([v for v in _examples() if v.kind == "rural"], 300, 3, 0.02)
    targets = starrules.read_targets(ROOT / "examples" / "hanzhuang-targets.yaml")
    population = [v.model_copy(update={"township": "韩庄镇"}) for v in population]
    population = [
        v.model_copy(update={"jurisdiction": "cn-henan/anyang/tangyin"}) for v in population
    ]
    rows = report((province.evaluate(v) for v in population), targets=targets)
    builder = ReportBuilder("township", targets)
    builder.add_table(villages_table(population, province.tree.indicators), province)
    _same(rows, builder.result())
    assert builder.result().plans


def test_a_rulesets_own_levels_give_the_same_report() -> None:
    ruleset = Registry.default().resolve("cn-example/score-band", "rural")
    population = _spread([v for v in _examples() if v.kind == "rural"], 200, 5, 0.1)
    population = [
        v.model_copy(update={"jurisdiction": "cn-example/score-band"}) for v in population
    ]
    rows = report(ruleset.evaluate(v, check_dates=False) for v in population)
    builder = ReportBuilder("township")
    builder.add_table(
        villages_table(population, ruleset.tree.indicators), ruleset, check_dates=False
    )
    _same(rows, builder.result())


def test_builders_merge_into_the_report_of_the_whole(province: starrules.Ruleset) -> None:
    population = _spread([v for v in _examples() if v.kind == "rural"], 900, 11, 0.05)
    table = villages_table(population, province.tree.indicators)
    whole = ReportBuilder("township", nearest=3)
    whole.add_table(table, province)
    parts = [ReportBuilder("township", nearest=3) for _ in range(3)]
    for i, part in enumerate(parts):  # as workers would, each with its part's offset
        part.add_table(table.slice(300 * i, 300), province, row_offset=300 * i)
    merged = ReportBuilder("township", nearest=3)
    for part in reversed(parts):  # in any order
        merged.merge(part)
    _same(whole.result(), merged.result())


def test_a_builder_pickles_and_goes_on_counting(province: starrules.Ruleset) -> None:
    population = _spread([v for v in _examples() if v.kind == "rural"], 400, 13, 0.05)
    table = villages_table(population, province.tree.indicators)
    whole = ReportBuilder("county", nearest=0)
    whole.add_table(table, province)
    first = ReportBuilder("county", nearest=0)
    first.add_table(table.slice(0, 200), province)
    again = pickle.loads(pickle.dumps(first))
    again.add_table(table.slice(200), province)
    _same(whole.result(), again.result())


def test_builders_of_other_kinds_do_not_merge() -> None:
    with pytest.raises(starrules.InputError, match="same by"):
        ReportBuilder("township").merge(ReportBuilder("county"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), ruleset=small_rulesets())
def test_random_rulesets_give_the_same_report(data: st.DataObject, ruleset: Any) -> None:
    population = data.draw(st.lists(villages(ruleset, unknown=0.3), min_size=1, max_size=25))
    towns = data.draw(
        st.lists(
            st.sampled_from(["甲镇", "乙镇", None]),
            min_size=len(population),
            max_size=len(population),
        )
    )
    population = [
        v.model_copy(update={"township": t}) for v, t in zip(population, towns, strict=True)
    ]
    rows = report((ruleset.evaluate(v) for v in population), nearest=2)
    builder = ReportBuilder("township", nearest=2)
    builder.add_table(villages_table(population, ruleset.tree.indicators), ruleset)
    _same(rows, builder.result())
