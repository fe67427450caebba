"""starrules.dask: a Dask DataFrame of villages rated partition by partition on a real
cluster (two worker processes) equals one `evaluate_table` over the whole input, and its
report equals `starrules.report` of the villages' assessments."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402
from scale_out import (  # noqa: E402
    ON,
    henan,
    many_villages,
    run_doc_example,
    same_rows,
    villages_table,
    write_parquet,
)

import starrules  # noqa: E402
import starrules.dask  # noqa: E402
from starrules import EvaluationError, FunctionSpec, InputError, StarrulesError  # noqa: E402
from starrules.expr import ExprType  # noqa: E402

VILLAGES = 2000
PARTITIONS = 5


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def ruleset() -> starrules.Ruleset:
    return henan()


@pytest.fixture(scope="module")
def villages() -> list[starrules.Village]:
    return many_villages(VILLAGES)


@pytest.fixture(scope="module")
def table(villages: list[starrules.Village], ruleset: starrules.Ruleset) -> Any:
    return villages_table(villages, ruleset)


def pandas_frame(table: Any) -> Any:
    """The villages as pandas holds them best: yes/no as `boolean` (Dask would turn Python
    objects into text), `as_of` as datetimes, and an index of its own to keep."""
    frame = table.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
    if "as_of" in frame:
        frame["as_of"] = pd.to_datetime(frame["as_of"])
    frame.index = pd.RangeIndex(10_000, 10_000 + 7 * len(frame), 7)
    return frame


def as_arrow(frame: Any) -> Any:
    """A result frame as Arrow, `as_of` as dates again (pandas held them as datetimes)."""
    frame = frame.reset_index(drop=True)
    if "as_of" in frame and pd.api.types.is_datetime64_any_dtype(frame["as_of"]):
        frame["as_of"] = frame["as_of"].dt.date
    return pa.Table.from_pandas(frame, preserve_index=False)


def test_the_cluster_rates_as_one_process_does(
    client: Client, ruleset: starrules.Ruleset, table: Any
) -> None:
    frame = pandas_frame(table)
    ddf = dd.from_pandas(frame, npartitions=PARTITIONS, sort=False)
    assert ddf.npartitions == PARTITIONS
    rated = starrules.dask.evaluate(ddf, ruleset, on=ON, criteria=True)
    got = rated.compute()
    expected = ruleset.evaluate_table(table, ON, criteria=True)
    same_rows(as_arrow(got), expected)
    assert got.index.equals(frame.index)  # row order and index kept
    assert dict(got.dtypes) == dict(rated.dtypes)  # the meta announced is the meta computed
    assert got["star.industry"].dtype == pd.CategoricalDtype(["granted", "denied", "undetermined"])
    assert str(got["level"].dtype) == "Int16"
    assert got["level"].isna().any() and got["level"].notna().any()
    assert got["criterion.industry.collective-income"].isin(["pass", "fail", "unknown"]).all()


def test_the_documented_dask_example(
    client: Client,
    ruleset: starrules.Ruleset,
    villages: list[starrules.Village],
    table: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The example judges villages without `as_of` on the day it runs: these all have one.
    dated = table.set_column(
        table.column_names.index("as_of"), "as_of", pa.array([ON] * table.num_rows)
    )
    write_parquet(dated, tmp_path / "villages", parts=4)
    monkeypatch.chdir(tmp_path)
    namespace = run_doc_example("dask")
    got = dd.read_parquet(tmp_path / "ratings").compute()
    same_rows(as_arrow(got), ruleset.evaluate_table(dated, criteria=True))
    with_dates = [v.model_copy(update={"as_of": ON}) for v in villages]
    serial = starrules.report(ruleset.evaluate(v) for v in with_dates)
    assert namespace["summary"].to_dict() == serial.to_dict()
    assert capsys.readouterr().out == f"{VILLAGES} villages in 6 townships\n"


TARGETS = """\
title: plan
targets:
  - township: 韩庄镇1
    county: cn-henan/anyang/tangyin
    levels: {五星: 1, 四星: 40, 三星: 150}
    share_3_plus: 60%
  - township: 韩庄镇
    levels: {三星: 1}
"""


def test_the_report_equals_the_row_engines(
    client: Client,
    ruleset: starrules.Ruleset,
    villages: list[starrules.Village],
    table: Any,
    tmp_path: Path,
) -> None:
    ddf = dd.from_pandas(pandas_frame(table), npartitions=PARTITIONS, sort=False)
    targets = tmp_path / "targets.yaml"
    targets.write_text(TARGETS, encoding="utf-8")
    for by, nearest, plan in (("county", 3, targets), (None, 0, None)):
        got = starrules.dask.report(ddf, ruleset, by, plan, nearest=nearest, on=ON)
        assessments = (ruleset.evaluate(v, ON) for v in villages)
        expected = starrules.report(assessments, by, plan, nearest=nearest)
        assert got.to_dict() == expected.to_dict()
        assert got.total.villages == VILLAGES
        if plan is not None:
            suggestions = [sorted(p.suggestions) for p in got.plans]
            assert suggestions == [[], ["韩庄镇0", "韩庄镇1", "韩庄镇2"]]


def _twice(values: Any) -> Any:
    import pyarrow.compute as pc

    return pc.multiply(values, 2.0)


def test_the_synchronous_scheduler_needs_no_pickling(
    villages: list[starrules.Village], table: Any
) -> None:
    # A function given at load time that is a lambda: the ruleset cannot be pickled.
    twice = FunctionSpec(
        "twice", (ExprType.NUMBER,), ExprType.NUMBER, lambda v: v * 2, vectorized=_twice
    )
    text = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "industry.collective_income >= 100000", "twice(industry.collective_income) >= 200000"
    )
    ruleset = starrules.loads_ruleset(text, "<twice>", functions={"twice": twice})
    with pytest.raises(StarrulesError, match=r"twice\(\)"):
        ruleset.__reduce__()
    small = table.slice(0, 200)
    ddf = dd.from_pandas(pandas_frame(small), npartitions=3, sort=False)
    functions = {"twice": twice}
    with dask.config.set(scheduler="synchronous"):
        got = starrules.dask.evaluate(ddf, ruleset, on=ON, functions=functions).compute()
        summary = starrules.dask.report(ddf, ruleset, on=ON, functions=functions)
    same_rows(as_arrow(got), ruleset.evaluate_table(small, ON, functions=functions))
    expected = starrules.report(ruleset.evaluate(v, ON) for v in villages[:200])
    assert summary.to_dict() == expected.to_dict()


def test_a_column_problem_is_raised_before_computing(
    ruleset: starrules.Ruleset, table: Any
) -> None:
    frame = pandas_frame(table.slice(0, 50)).rename(
        columns={"industry.local_jobs": "industry.local_job"}
    )
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(InputError, match=r"industry\.local_job.*industry\.local_jobs"):
        starrules.dask.evaluate(ddf, ruleset, on=ON)
    with pytest.raises(InputError, match=r"industry\.local_job"):
        starrules.dask.report(ddf, ruleset, on=ON)


def test_a_value_problem_names_the_partition_and_the_row(
    client: Client, ruleset: starrules.Ruleset, table: Any
) -> None:
    frame = pandas_frame(table.slice(0, 40))
    frame.iloc[33, frame.columns.get_loc("ecology.greening_rate")] = 1.5
    ddf = dd.from_pandas(frame, npartitions=4, sort=False)  # 10 rows each
    rated = starrules.dask.evaluate(ddf, ruleset, on=ON)
    with pytest.raises(InputError, match=r"^partition 3: row 4: column 'ecology.greening_rate'"):
        rated.compute()
    with pytest.raises(InputError, match=r"^partition 3: row 4: column 'ecology.greening_rate'"):
        starrules.dask.report(ddf, ruleset, on=ON)
    frame = pandas_frame(table.slice(0, 40))
    frame.iloc[15, frame.columns.get_loc("jurisdiction")] = "cn-hebei"
    rated = starrules.dask.evaluate(dd.from_pandas(frame, npartitions=4, sort=False), ruleset)
    with pytest.raises(EvaluationError, match=r"^partition 1: row 6: the village is in cn-hebei"):
        rated.compute()


def test_as_of_datetimes_must_be_whole_days(ruleset: starrules.Ruleset, table: Any) -> None:
    frame = pandas_frame(table.slice(0, 3))
    frame.loc[frame.index[1], "as_of"] = pd.Timestamp("2023-12-31 08:30")
    with pytest.raises(
        InputError, match=r"row 2: column .as_of.: 2023-12-31 08:30:00 is not a whole day"
    ):
        starrules.dask.evaluate_partition(frame, ruleset, on=ON)


def test_an_empty_frame_gives_the_columns_and_dtypes(
    ruleset: starrules.Ruleset, table: Any
) -> None:
    frame = pandas_frame(table)
    empty = starrules.dask.evaluate_partition(frame.iloc[:0], ruleset, on=ON)
    full = starrules.dask.evaluate_partition(frame.iloc[:5], ruleset, on=ON)
    assert len(empty) == 0
    assert dict(empty.dtypes) == dict(full.dtypes)


def test_only_dask_dataframes_and_pandas_frames(ruleset: starrules.Ruleset, table: Any) -> None:
    with pytest.raises(InputError, match="dask DataFrame, not Table"):
        starrules.dask.evaluate(table, ruleset)
    with pytest.raises(InputError, match="dask DataFrame, not Table"):
        starrules.dask.report(table, ruleset)
    with pytest.raises(InputError, match="pandas DataFrame, not Table"):
        starrules.dask.evaluate_partition(table, ruleset)


def test_without_dask_the_extra_is_named(
    ruleset: starrules.Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(StarrulesError, match=r"pip install 'starrules\[dask\]'") as raised:
        starrules.dask.evaluate(object(), ruleset)
    # a coded message, in Chinese too, as every other error
    assert [p.code for p in raised.value.problems] == ["SR657"]
    assert "starrules.dask 需要 dask" in raised.value.render("zh")


def test_arrow_batches_rate_as_one_table_does(ruleset: starrules.Ruleset, table: Any) -> None:
    batches = table.to_batches(max_chunksize=700)
    assert len(batches) > 1
    got = list(starrules.dask.evaluate_arrow_batches(iter(batches), ruleset, on=ON))
    schema = starrules.dask.result_schema(ruleset, table.schema)
    assert all(batch.schema.remove_metadata() == schema for batch in got)
    assert pa.types.is_string(schema.field("star.industry").type)
    same_rows(pa.Table.from_batches(got), ruleset.evaluate_table(table, ON))
    kept = starrules.dask.evaluate_arrow_batches(batches[:1], ruleset, on=ON, dictionary=True)
    assert pa.types.is_dictionary(next(kept).schema.field("star.industry").type)


def test_arrow_batches_read_villages_nested_as_their_json(
    ruleset: starrules.Ruleset, villages: list[starrules.Village], table: Any
) -> None:
    import pyarrow.json

    lines = "".join(v.model_dump_json(exclude_none=True) + "\n" for v in villages[:300])
    nested = pyarrow.json.read_json(io.BytesIO(lines.encode("utf-8")))
    assert pa.types.is_struct(nested.schema.field("industry").type)
    assert pa.types.is_timestamp(nested.schema.field("as_of").type)
    batches = nested.to_batches(max_chunksize=100)
    got = pa.Table.from_batches(starrules.dask.evaluate_arrow_batches(batches, ruleset, on=ON))
    assert got.schema.remove_metadata() == starrules.dask.result_schema(ruleset, nested.schema)
    expected = ruleset.evaluate_table(table.slice(0, 300), ON)
    same_rows(got.select(expected.column_names), expected)


def test_import_starrules_imports_no_dask() -> None:
    code = (
        "import sys, starrules, starrules.dask\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(loaded & {'dask', 'distributed', 'pandas', 'pyarrow', 'polars'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"


def test_on_is_the_date_of_villages_without_as_of(ruleset: starrules.Ruleset, table: Any) -> None:
    frame = pandas_frame(table.slice(0, 5)).drop(columns="as_of")
    with pytest.raises(EvaluationError, match="not in force on 2022-06-01"):
        starrules.dask.evaluate(dd.from_pandas(frame, npartitions=1), ruleset, on=date(2022, 6, 1))


def test_a_partition_error_keeps_its_type_and_codes() -> None:
    from starrules.dask import _in_partition
    from starrules.errors import Location, Problem

    coded = EvaluationError.listing([Problem(Location(""), "row 4: the village is odd")])
    with pytest.raises(EvaluationError) as raised, _in_partition({"number": 3}):
        raise coded
    assert str(raised.value) == "partition 3: row 4: the village is odd"
    assert raised.value.render("zh").startswith("分区 3: ")
    assert raised.value.problems[0].code == coded.problems[0].code
    with pytest.raises(InputError, match=r"^row 1: plain$"), _in_partition(None):
        raise InputError("row 1: plain")
