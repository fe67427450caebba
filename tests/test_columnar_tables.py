"""The columnar engine's input: tables checked column by column, as villages are."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")

import starrules  # noqa: E402
from starrules import EvaluationError, InputError, StarrulesError  # noqa: E402
from starrules.columnar.tables import _plainly_valid  # noqa: E402
from starrules.indicators import IndicatorKind  # noqa: E402

RULESET = """
starrules: 1
id: tiny
jurisdiction: cn-test
kind: rural
version: "1"
effective: {from: 2022-01-01, until: 2023-12-31}
title: {zh: 小, en: tiny}
indicators:
  extra.score: {type: number, zh: 分, en: score}
stars:
  - id: s
    name: {zh: 星, en: star}
    grant:
      all:
        - {id: jobs, test: industry.local_jobs >= 20, text: {zh: 就业, en: jobs}}
        - {id: toilets, test: ecology.sanitary_toilet_rate >= 0.5, text: {zh: 厕所, en: toilets}}
        - {id: score, test: extra.score > -1, text: {zh: 分, en: score}}
"""


@pytest.fixture(scope="module")
def ruleset() -> starrules.Ruleset:
    return starrules.loads_ruleset(RULESET)


def rate(ruleset: starrules.Ruleset, **columns: Any) -> Any:
    return ruleset.evaluate_table(pa.table(columns), on=date(2023, 6, 1))


def test_a_missing_column_is_unknown_everywhere(ruleset: starrules.Ruleset) -> None:
    out = rate(ruleset, **{"industry.local_jobs": [30, 10]})
    assert out.column("star.s").to_pylist() == ["undetermined", "denied"]
    assert out.column("missing").to_pylist() == [2, 0]


def test_nan_is_unknown_and_integers_are_numbers(ruleset: starrules.Ruleset) -> None:
    out = rate(
        ruleset,
        **{
            "industry.local_jobs": pa.array([30, 30], pa.int32()),
            "ecology.sanitary_toilet_rate": [float("nan"), 0.9],
            "extra.score": [1.5, -0.5],
        },
    )
    assert out.column("star.s").to_pylist() == ["undetermined", "granted"]


@pytest.mark.parametrize(
    ("path", "values", "wanted"),
    [
        ("industry.local_jobs", [3, -1, -2], "row 2: column 'industry.local_jobs': -1"),
        ("industry.local_jobs", [2.5, 1.0], "row 1: column 'industry.local_jobs': 2.5"),
        ("ecology.sanitary_toilet_rate", [0.5, 1.5], "row 2: column 'ecology.sanitary"),
        ("extra.score", [1.0, float("inf")], "row 2: column 'extra.score': inf"),
    ],
)
def test_values_outside_an_indicators_domain_name_the_row(
    ruleset: starrules.Ruleset, path: str, values: list[Any], wanted: str
) -> None:
    with pytest.raises(InputError) as caught:
        rate(ruleset, **{path: values})
    assert wanted in str(caught.value)


def test_a_count_of_bad_rows_is_given(ruleset: starrules.Ruleset) -> None:
    with pytest.raises(InputError, match="3 rows in all"):
        rate(ruleset, **{"industry.local_jobs": [-1, -2, 4, -3]})


@pytest.mark.parametrize(
    ("path", "values", "wanted"),
    [
        ("industry.local_jobs", ["12"], "must hold numbers"),
        ("industry.dual_binding", [1], "must hold yes/no values"),
        ("extra.score", [True], "must hold numbers"),
    ],
)
def test_columns_of_the_wrong_type_are_refused(
    ruleset: starrules.Ruleset, path: str, values: list[Any], wanted: str
) -> None:
    with pytest.raises(InputError, match=wanted):
        rate(ruleset, **{path: values})


def test_an_unknown_column_gets_a_suggestion(ruleset: starrules.Ruleset) -> None:
    with pytest.raises(InputError, match=r"did you mean 'industry\.local_jobs'"):
        rate(ruleset, **{"industry.local_job": [1]})


def test_undeclared_extras_are_ignored_and_listed_or_refused_when_strict(
    ruleset: starrules.Ruleset,
) -> None:
    table = pa.table({"extra.scor": [1.0]})
    out = ruleset.evaluate_table(table, on=date(2023, 1, 1))
    assert json.loads(out.schema.metadata[b"starrules.ignored"]) == ["extra.scor"]
    with pytest.raises(EvaluationError, match=r"did you mean 'extra\.score'"):
        ruleset.evaluate_table(table, on=date(2023, 1, 1), strict=True)


def test_identity_columns_are_carried_through(ruleset: starrules.Ruleset) -> None:
    out = rate(
        ruleset,
        name=["甲村", "乙村"],
        code=["410523105201", None],
        township=["韩庄镇", "韩庄镇"],
        jurisdiction=["cn-test", "cn-test/a"],
    )
    assert out.column_names[:4] == ["code", "name", "township", "jurisdiction"]
    assert out.column("name").to_pylist() == ["甲村", "乙村"]


def test_a_village_outside_the_jurisdiction_is_refused(ruleset: starrules.Ruleset) -> None:
    with pytest.raises(EvaluationError, match=r"row 2: .*cn-testing.*outside cn-test"):
        rate(ruleset, jurisdiction=["cn-test/x", "cn-testing"])


def test_a_village_of_another_kind_is_refused(ruleset: starrules.Ruleset) -> None:
    with pytest.raises(EvaluationError, match=r"row 1: .*urban_community"):
        rate(ruleset, kind=["urban_community"])


def test_dates_decide_whether_the_ruleset_is_in_force(ruleset: starrules.Ruleset) -> None:
    table = pa.table({"as_of": ["2023-12-31", "2024-01-01"]})
    with pytest.raises(EvaluationError, match=r"row 2: ruleset tiny@1 is not in force on 2024-01"):
        ruleset.evaluate_table(table)
    out = ruleset.evaluate_table(table, check_dates=False)
    assert out.num_rows == 2
    with pytest.raises(EvaluationError, match="not in force on 2021-01-01"):
        ruleset.evaluate_table(pa.table({"name": ["x"]}), on=date(2021, 1, 1))
    with pytest.raises(InputError, match="as_of"):
        ruleset.evaluate_table(pa.table({"as_of": ["31/12/2023"]}))


def test_dataframes_and_record_batches_are_accepted(ruleset: starrules.Ruleset) -> None:
    pandas = pytest.importorskip("pandas")
    polars = pytest.importorskip("polars")
    data = {"industry.local_jobs": [30.0, None], "ecology.sanitary_toilet_rate": [0.9, 0.1]}
    expected = rate(ruleset, **data)
    on = date(2023, 1, 1)
    assert ruleset.evaluate_table(pandas.DataFrame(data), on=on).equals(expected)
    assert ruleset.evaluate_table(polars.DataFrame(data), on=on).equals(expected)
    batch = pa.RecordBatch.from_pydict(data)
    assert ruleset.evaluate_table(batch, on=on).equals(expected)


def test_anything_else_is_an_input_error(ruleset: starrules.Ruleset) -> None:
    with pytest.raises(InputError, match="not list"):
        ruleset.evaluate_table([{"industry.local_jobs": 3}])
    with pytest.raises(InputError, match="twice"):
        ruleset.evaluate_table(
            pa.Table.from_arrays([pa.array([1]), pa.array([2])], ["extra.score", "extra.score"])
        )


def test_an_empty_table_gives_an_empty_result(ruleset: starrules.Ruleset) -> None:
    out = ruleset.evaluate_table(pa.table({"name": pa.array([], pa.string())}), on=date(2023, 1, 1))
    assert out.num_rows == 0
    assert "star.s" in out.column_names


def test_batches_and_threads_do_not_change_the_result(
    ruleset: starrules.Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    import starrules.columnar as columnar

    values = [None, 0, 19, 20, 21] * 7
    table = pa.table({"industry.local_jobs": values, "ecology.sanitary_toilet_rate": [0.6] * 35})
    whole = ruleset.evaluate_table(table, on=date(2023, 1, 1), threads=1)
    monkeypatch.setattr(columnar, "BATCH_ROWS", 4)
    assert ruleset.evaluate_table(table, on=date(2023, 1, 1), threads=2).equals(whole)


def test_without_pyarrow_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from starrules.columnar import arrow

    with pytest.raises(StarrulesError, match=r"starrules\[columnar\]"):
        arrow.require("pyarrow_that_is_not_installed")


def test_dates_read_as_timestamps_are_dates_when_whole_days(ruleset: starrules.Ruleset) -> None:
    from datetime import datetime

    days = pa.array([datetime(2023, 12, 31), None], pa.timestamp("us"))
    out = ruleset.evaluate_table(pa.table({"as_of": days}), on=date(2023, 6, 1))
    assert out.column("as_of").to_pylist() == [datetime(2023, 12, 31), None]
    late = pa.array([datetime(2023, 12, 31, 9, 30)], pa.timestamp("us"))
    with pytest.raises(InputError, match="not times of day"):
        ruleset.evaluate_table(pa.table({"as_of": late}))
    with pytest.raises(InputError, match="as_of"):
        ruleset.evaluate_table(
            pa.table({"as_of": pa.array([datetime(2023, 1, 1)], pa.timestamp("us", tz="UTC"))})
        )


def test_a_declared_indicator_given_another_kind_is_named(ruleset: starrules.Ruleset) -> None:
    from starrules.columnar.tables import villages_table

    villages = [
        starrules.Village.model_validate(
            {"name": name, "jurisdiction": "cn-test", "kind": "rural", "extra": {"score": value}}
        )
        for name, value in (("甲村", 1.5), ("乙村", "高"))
    ]
    with pytest.raises(InputError, match=r"village '乙村': extra\.score = '高' is not a valid"):
        villages_table(villages, ruleset.tree.indicators)


def test_the_missing_count_can_be_left_out(ruleset: starrules.Ruleset) -> None:
    table = pa.table({"industry.local_jobs": [30, None, 10], "extra.score": [1.0, 2.0, None]})
    whole = ruleset.evaluate_table(table, on=date(2023, 1, 1))
    lean = ruleset.evaluate_table(table, on=date(2023, 1, 1), missing=False)
    assert "missing" not in lean.column_names
    assert lean.equals(whole.drop_columns(["missing"]))


_NUMBERS = st.lists(
    st.none()
    | st.sampled_from([0.0, 1.0, 0.5, -0.0, -1.0, 2.0, 1e308, -1e308, 3.0, math.inf, -math.inf])
    | st.floats(allow_nan=True, allow_infinity=True),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(values=_NUMBERS, kind=st.sampled_from(list(IndicatorKind)), chunks=st.integers(1, 3))
@example(values=[1.0, math.inf], kind=IndicatorKind.MONEY, chunks=1)
@example(values=[math.inf], kind=IndicatorKind.COUNT, chunks=1)
@example(values=[None, -math.inf], kind=IndicatorKind.NUMBER, chunks=2)
@example(values=[math.nan, 0.5], kind=IndicatorKind.RATE, chunks=1)
@example(values=[0.0, 1.5], kind=IndicatorKind.RATE, chunks=2)
@example(values=[2.0, 0.5], kind=IndicatorKind.COUNT, chunks=1)
@example(values=[3.0, -1.0], kind=IndicatorKind.MONEY, chunks=1)
def test_the_fast_pass_never_lets_a_bad_value_through(
    values: list[float | None], kind: IndicatorKind, chunks: int
) -> None:
    # `_plainly_valid` true must mean that the full check would refuse no row
    if kind in (IndicatorKind.BOOL, IndicatorKind.STRING):
        return
    size = -(-len(values) // chunks) or 1
    column = pa.chunked_array(
        [pa.array(values[i : i + size], pa.float64()) for i in range(0, len(values), size)],
        pa.float64(),
    )
    known = [v for v in values if v is not None]

    def fits(v: float) -> bool:
        if not math.isfinite(v):
            return False
        if kind is IndicatorKind.COUNT:
            return v >= 0 and v == math.floor(v)
        if kind is IndicatorKind.MONEY:
            return v >= 0
        if kind is IndicatorKind.RATE:
            return 0 <= v <= 1
        return True

    if _plainly_valid(column, kind):
        assert all(fits(v) for v in known), (kind, values)
    elif all(fits(v) for v in known) and all(abs(v) < 1e300 for v in known):  # no overflow
        pytest.fail(f"a valid column was sent to the full check: {kind} {values}")
