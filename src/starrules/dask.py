"""Villages rated at scale: a Dask DataFrame partition by partition, and the same partition
function for Spark and Ray Data (docs/scale-out.md).

    evaluate(ddf, ruleset)                    a Dask DataFrame of villages → one of ratings
    report(ddf, ruleset)                      the `Report` of a Dask DataFrame of villages
    evaluate_partition(frame, ruleset)        pandas in, pandas out (Ray Data's map_batches)
    evaluate_arrow_batches(batches, ruleset)  Arrow record batches in and out (Spark's
                                              mapInArrow)
    result_schema(ruleset, schema)            the Arrow schema of those batches

Each partition is rated by `Ruleset.evaluate_table` (the columnar engine) in the process
that holds it. A ruleset travels to a worker as the texts it was compiled from (it
pickles: rebuild.py) and is compiled there once per process.

Not imported by `import starrules`. `evaluate` and `report` need the `dask` extra
(`pip install 'starrules[dask]'`); the partition functions only pandas and pyarrow.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .errors import EvaluationError, InputError
from .expr import FunctionSpec
from .extras import require
from .messages import Both

if TYPE_CHECKING:
    from .reports import By, Report, ReportBuilder
    from .reports.plans import Targets
    from .ruleset import Ruleset

INSTALL_HINT = "pip install 'starrules[dask]'"
MERGE_FAN_IN = 8  # report builders merged by one task

# The rating columns evaluate_table makes as Arrow integers, as pandas' nullable integers:
# a partition with an undetermined level then has the dtype of one without.
_NULLABLE_INTEGERS = (("int8", "Int8"), ("int16", "Int16"), ("int32", "Int32"), ("int64", "Int64"))


def _require(module: str) -> ModuleType:
    """The module, or a StarrulesError saying that the `dask` extra installs it."""
    return require(module, code="SR657", install=INSTALL_HINT)


# -- Dask ---------------------------------------------------------------------------------
def evaluate(
    ddf: Any,
    ruleset: Ruleset,
    *,
    on: date | None = None,
    criteria: bool = False,
    check_dates: bool = True,
    strict: bool = False,
    functions: Mapping[str, FunctionSpec] | None = None,
) -> Any:
    """Rate every village of a Dask DataFrame (columns as `Ruleset.evaluate_table` reads
    them), partition by partition: a Dask DataFrame with the same partitions, index and
    row order, holding the identity columns given (as given) and the ratings
    (`evaluate_partition`'s columns and dtypes). Lazy, as Dask is: a problem with the
    columns' names or types is raised now, one with the values when it is computed
    (naming the partition, and the row in it from 1). `on` (default: today, fixed now) is
    the date of the rows without `as_of`."""
    _check_dask_dataframe(ddf)
    options = _options(on, check_dates, strict, functions)
    carried = _Carried(ruleset)
    meta = _rate_partition(ddf._meta, carried, criteria=criteria, **options)
    return ddf.map_partitions(_rate_partition, carried, meta=meta, criteria=criteria, **options)


def report(
    ddf: Any,
    ruleset: Ruleset,
    by: By | None = "township",
    targets: Targets | str | Path | None = None,
    *,
    nearest: int = 5,
    on: date | None = None,
    check_dates: bool = True,
    strict: bool = False,
    functions: Mapping[str, FunctionSpec] | None = None,
) -> Report:
    """The report of the villages of a Dask DataFrame judged by `ruleset`: the same as
    `starrules.report` of their assessments, in input order. Each partition is counted
    where it is (`ReportBuilder.add_table`), the counts are merged in a tree and the
    report is made here. Reads the input twice: once for the partitions' lengths (a
    village's place in the whole input decides ties between villages as near their next
    level), then to count."""
    dask = _require("dask")
    _check_dask_dataframe(ddf)
    from .reports import ReportBuilder
    from .reports.targets_file import read_targets

    if isinstance(targets, str | Path):
        targets = read_targets(targets)
    empty = ReportBuilder(by, targets, nearest=nearest)  # checks `by` and `nearest` now
    options = _options(on, check_dates, strict, functions)
    carried = _Carried(ruleset)
    _rate_partition(ddf._meta, carried, **options)  # and the columns
    parts = ddf.to_delayed()
    if not parts:
        return empty.result()
    lengths = dask.compute(*[dask.delayed(len, pure=True)(part) for part in parts])
    count = dask.delayed(_count_partition, pure=True)
    merge = dask.delayed(_merge, pure=True)
    builders = [
        count(part, carried, number, offset, by, targets, nearest, options)
        for number, (part, offset) in enumerate(
            zip(parts, itertools.accumulate(lengths, initial=0), strict=False)
        )
    ]
    while len(builders) > 1:
        builders = [
            merge(*builders[i : i + MERGE_FAN_IN]) for i in range(0, len(builders), MERGE_FAN_IN)
        ]
    (builder,) = dask.compute(builders[0])
    result: Report = builder.result()
    return result


def _check_dask_dataframe(ddf: Any) -> None:
    dd = _require("dask.dataframe")
    if not isinstance(ddf, dd.DataFrame):
        raise InputError.of(None, "SR880", type=type(ddf).__name__)


def _options(
    on: date | None,
    check_dates: bool,
    strict: bool,
    functions: Mapping[str, FunctionSpec] | None,
) -> dict[str, Any]:
    # `on` fixed once, here: partitions rated after midnight are judged on the same day
    return {
        "on": on or date.today(),
        "check_dates": check_dates,
        "strict": strict,
        "functions": functions,
    }


@dataclass(frozen=True, slots=True)
class _Carried:
    """A ruleset as the argument of Dask tasks, which Dask names by a token of their
    arguments: its token is made of what it decides by (its fingerprint, and the
    functions given when it was loaded), so that Dask need not pickle it to name the
    tasks, and a ruleset that cannot be pickled still runs on the synchronous scheduler."""

    ruleset: Ruleset

    def __dask_tokenize__(self) -> object:
        tree = self.ruleset.tree
        tokenize = _require("dask.base").tokenize
        return ("starrules.Ruleset", tree.fingerprint, tokenize([t.functions for t in tree.texts]))


def _rate_partition(
    frame: Any, carried: _Carried, partition_info: Mapping[str, Any] | None = None, **options: Any
) -> Any:
    """`evaluate_partition`, its errors naming the partition (Dask gives `partition_info`)."""
    with _in_partition(partition_info):
        return evaluate_partition(frame, carried.ruleset, **options)


def _count_partition(
    frame: Any,
    carried: _Carried,
    number: int,
    offset: int,
    by: By | None,
    targets: Targets | None,
    nearest: int,
    options: Mapping[str, Any],
) -> ReportBuilder:
    """A report builder counting one partition, whose first village is at `offset`."""
    from .reports import ReportBuilder

    builder = ReportBuilder(by, targets, nearest=nearest)
    with _in_partition({"number": number}):
        table = _arrow_input(frame)
        builder.add_table(table, carried.ruleset, row_offset=offset, **options)
    return builder


def _merge(*builders: ReportBuilder) -> ReportBuilder:
    """One builder with the counts of these (a new one: a task leaves its inputs as they are)."""
    from .reports import ReportBuilder

    first = builders[0]
    merged = ReportBuilder(first.by, first.targets, nearest=first.nearest)
    for builder in builders:
        merged.merge(builder)
    return merged


@contextmanager
def _in_partition(info: Mapping[str, Any] | None) -> Iterator[None]:
    """Re-raises an input or evaluation error (its rows count from 1 in the partition) as
    the same error saying which partition."""
    try:
        yield
    except (InputError, EvaluationError) as error:
        if info is None or "number" not in info:
            raise
        number = info["number"]
        raise error.at(Both(f"partition {number}", f"分区 {number}")) from None


# -- a partition, a batch -----------------------------------------------------------------
def evaluate_partition(
    frame: Any,
    ruleset: Ruleset,
    *,
    on: date | None = None,
    criteria: bool = False,
    check_dates: bool = True,
    strict: bool = False,
    functions: Mapping[str, FunctionSpec] | None = None,
    threads: int | None = 1,
) -> Any:
    """Rate the villages of a pandas DataFrame (a partition, a batch): a pandas DataFrame
    with its index, its identity columns (`code`, `name`, `township`, `jurisdiction`,
    `kind`, `as_of`: those given, as given), `star.<id>` as categoricals (granted /
    denied / undetermined), `level`, `level_min`, `level_max` and `missing` as nullable
    integers (`level` is <NA> while undetermined), and with `criteria=True` each
    criterion's and group's status (categoricals: pass / fail / unknown).

    Columns as `Ruleset.evaluate_table` reads them; `as_of` may also hold datetimes of
    whole days (pandas has no date type). The options are `evaluate_table`'s; `threads`
    defaults to 1, as whatever runs the partitions runs them in parallel already."""
    pd = _require("pandas")
    if not isinstance(frame, pd.DataFrame):
        raise InputError.of(None, "SR881", type=type(frame).__name__)
    result = ruleset.evaluate_table(
        _arrow_input(frame),
        on,
        criteria=criteria,
        check_dates=check_dates,
        strict=strict,
        functions=functions,
        threads=threads,
    )
    from .columnar.tables import IDENTITY

    identity = [name for name in result.column_names if name in IDENTITY]
    nullable = {name: pd.api.types.pandas_dtype(dtype) for name, dtype in _NULLABLE_INTEGERS}
    ratings = result.drop_columns(identity).to_pandas(
        types_mapper=lambda kind: nullable.get(str(kind))
    )
    if identity:  # carried through as the caller gave them, not as Arrow gives them back
        ratings = pd.concat([frame[identity].reset_index(drop=True), ratings], axis=1)
    ratings.index = frame.index
    return ratings


def evaluate_arrow_batches(
    batches: Iterable[Any],
    ruleset: Ruleset,
    *,
    on: date | None = None,
    criteria: bool = False,
    check_dates: bool = True,
    strict: bool = False,
    functions: Mapping[str, FunctionSpec] | None = None,
    threads: int | None = 1,
    dictionary: bool = False,
) -> Iterator[Any]:
    """Rate villages given as `pyarrow.RecordBatch`es: record batches of ratings, in order,
    with the columns `Ruleset.evaluate_table` gives (the identity columns given, then the
    ratings) and the schema `result_schema` gives. The function Spark's
    `DataFrame.mapInArrow` wants.

    Columns as `evaluate_table` reads them, or nested as the villages' JSON has them: a
    struct column `industry` with a field `collective_income` is read as the column
    `industry.collective_income`; `as_of` may also hold timestamps of whole days (as
    pyarrow's JSON reader makes of dates). The statuses are plain strings (Spark takes no
    Arrow dictionaries) unless `dictionary`. `on` (default: today) is fixed when it is
    called."""
    pa = _require("pyarrow")
    on = on or date.today()
    for batch in batches:
        result = ruleset.evaluate_table(
            _arrow_input(batch),
            on,
            criteria=criteria,
            check_dates=check_dates,
            strict=strict,
            functions=functions,
            threads=threads,
        )
        if not dictionary:
            result = _decode(result, pa)
        yield from result.to_batches()


def result_schema(
    ruleset: Ruleset, schema: Any, *, criteria: bool = False, dictionary: bool = False
) -> Any:
    """The `pyarrow.Schema` of the batches `evaluate_arrow_batches` gives for batches of
    `schema` (Spark's `mapInArrow` asks for it up front)."""
    pa = _require("pyarrow")
    empty = _arrow_input(pa.schema(schema).empty_table())
    result = ruleset.evaluate_table(empty, criteria=criteria, check_dates=False, threads=1)
    if not dictionary:
        result = _decode(result, pa)
    return result.schema.remove_metadata()


def _decode(table: Any, pa: ModuleType) -> Any:
    """The table with its dictionary (status) columns as plain strings."""
    fields = [
        pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def _arrow_input(data: Any) -> Any:
    """Villages as `evaluate_table` reads them: an Arrow table (a pandas DataFrame without
    its index) with its struct columns flattened (`industry` → `industry.collective_income`,
    …), and an `as_of` of datetimes (of whole days: a time of day is refused, not dropped)
    or of nothing but missing values as dates. Other input is left to `evaluate_table`."""
    pa = _require("pyarrow")
    from .columnar.tables import to_arrow

    if isinstance(data, pa.RecordBatch):
        table = pa.Table.from_batches([data])
    elif isinstance(data, pa.Table) or type(data).__module__.startswith("pandas"):
        table = to_arrow(data)
    else:
        return data
    while any(pa.types.is_struct(kind) for kind in table.schema.types):
        table = table.flatten()
    if "as_of" not in table.column_names:
        return table
    column = table.column("as_of")
    if not (pa.types.is_timestamp(column.type) or pa.types.is_null(column.type)):
        return table
    if pa.types.is_timestamp(column.type):
        pc = _require("pyarrow.compute")
        partial = pc.fill_null(pc.not_equal(pc.floor_temporal(column, unit="day"), column), False)
        if pc.any(partial).as_py():
            first = pc.index(partial, True).as_py()
            raise InputError.of(None, "SR882", row=first + 1, value=column[first].as_py())
    return table.set_column(table.column_names.index("as_of"), "as_of", column.cast(pa.date32()))


__all__ = [
    "INSTALL_HINT",
    "evaluate",
    "evaluate_arrow_batches",
    "evaluate_partition",
    "report",
    "result_schema",
]
