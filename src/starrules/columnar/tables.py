"""Villages as a table: an Arrow table (or a polars or pandas DataFrame) checked column by
column against a ruleset, as `Village` and `Program.check` check one village.

One column per indicator path (`industry.collective_income`, `extra.x`); null is unknown
(and so is NaN, which is how pandas writes a missing number). Identity columns (`code`,
`name`, `township`, `jurisdiction`, `kind`, `as_of`) are optional and carried through.
Every problem is an error naming the column, the first row (counted from 1) and how many
rows share it; nothing is silently dropped or defaulted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import messages
from ..errors import EvaluationError, InputError, StarrulesError, did_you_mean
from ..expr.combinators import indicator_getter
from ..indicators import IndicatorKind, IndicatorSpec
from ..rules import RuleTree
from ..village import Village
from .arrow import require

pa = require("pyarrow")
pc = require("pyarrow.compute")

IDENTITY = ("code", "name", "township", "jurisdiction", "kind", "as_of")
NUMBER = pa.float64()


@dataclass(frozen=True, slots=True)
class Villages:
    """A checked table of villages: every declared indicator as a typed column (all null
    where the table has none), the identity columns to carry through, the `extra`
    columns the ruleset does not declare (ignored), and the date each row is judged on."""

    length: int
    indicators: Mapping[str, Any]  # path → ChunkedArray (float64, bool or string)
    identity: Mapping[str, Any]  # name → ChunkedArray, as given
    ignored: tuple[str, ...]


def to_arrow(data: Any) -> Any:
    """An Arrow table from a pyarrow Table or RecordBatch, a polars or a pandas DataFrame,
    or anything with the Arrow C stream interface (without copying where Arrow allows)."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".")[0]
    try:
        if module == "polars" and hasattr(data, "to_arrow"):
            return data.to_arrow()
        if module == "pandas" and hasattr(data, "columns"):
            return pa.Table.from_pandas(data, preserve_index=False)
        if hasattr(data, "__arrow_c_stream__"):
            return pa.table(data)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise InputError.of(None, "SR562", detail=exc) from None
    raise InputError.of(None, "SR563", type=type(data).__name__)


def check_villages(
    table: Any,
    tree: RuleTree,
    on: date,
    *,
    check_dates: bool,
    strict: bool,
    map_columns: Callable[..., Iterable[Any]] = map,
) -> Villages:
    """The table's villages, checked as the row engine checks each village (spec §1, §3).
    `map_columns`: how to map the check over the indicator columns (a thread pool's map
    checks them in parallel)."""
    names = list(table.column_names)
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError.of(None, "SR564", column=repr(duplicates[0]))
    indicators: dict[str, Any] = {}
    identity: dict[str, Any] = {}
    ignored: list[str] = []
    declared_extras = [p for p in tree.indicators if p.startswith("extra.")]
    for name in names:
        column = table.column(name)
        if name in IDENTITY:
            identity[name] = column
            continue
        spec = tree.indicators.get(name)
        if spec is not None:
            indicators[name] = (column, spec)
            continue
        if name.startswith("extra.") and len(name) > len("extra."):
            if strict:
                hint = did_you_mean(name, declared_extras)
                listed = ", ".join(declared_extras)
                raise EvaluationError.of(
                    None,
                    "SR566",
                    path=name,
                    ruleset=f"{tree.id}@{tree.version}",
                    suggestion=messages.aside(hint),
                    declared=messages.Both(
                        f" (it declares: {listed})" if declared_extras else "",
                        f"（它定义的是：{listed}）" if declared_extras else "",
                    ),
                )
            ignored.append(name)
            continue
        hint = did_you_mean(name, [*tree.indicators, *IDENTITY])
        raise InputError.of(
            None,
            "SR565",
            column=name,
            ruleset=f"{tree.id}@{tree.version}",
            identity=", ".join(IDENTITY),
            suggestion=messages.aside(hint),
        )
    checked = map_columns(_indicator_column, indicators, *zip(*indicators.values(), strict=True))
    indicators = dict(zip(indicators, checked, strict=True))
    length = table.num_rows
    for path, spec in tree.indicators.items():
        if path not in indicators:
            indicators[path] = pa.chunked_array([pa.nulls(length, _arrow_type(spec.kind))])
    _check_identity(identity, tree, on, check_dates, length)
    return Villages(length, indicators, identity, tuple(sorted(ignored)))


def villages_table(villages: Iterable[Village], indicators: Mapping[str, IndicatorSpec]) -> Any:
    """`Village` models as a table `check_villages` reads: the identity columns, and a
    column per indicator of `indicators` (typed by its kind) or `extra` key any village
    gives (typed as Arrow infers it)."""
    rows = list(villages)
    columns: dict[str, Any] = {
        "code": pa.array([v.code for v in rows], pa.string()),
        "name": pa.array([v.name for v in rows], pa.string()),
        "township": pa.array([v.township for v in rows], pa.string()),
        "jurisdiction": pa.array([v.jurisdiction for v in rows], pa.string()),
        "kind": pa.array([v.kind for v in rows], pa.string()),
        "as_of": pa.array([v.as_of for v in rows], pa.date32()),
    }
    extras = dict.fromkeys(f"extra.{key}" for v in rows for key in v.extra)
    for path in dict.fromkeys([*indicators, *extras]):
        spec = indicators.get(path)
        get = indicator_getter(path)
        values = [get(v) for v in rows]
        try:
            columns[path] = pa.array(values, _arrow_type(spec.kind) if spec else None)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            if spec is not None:  # a declared indicator given a value not of its kind
                where = next(i for i, x in enumerate(values) if not _fits(spec.kind, x))
                raise InputError.of(
                    None,
                    "SR574",
                    name=rows[where].name,
                    path=path,
                    value=repr(values[where]),
                    kind=messages.value_kind(spec.kind.value),
                ) from None
            # Values of several kinds under a key no indicator declares here: as text, which
            # a ruleset that does not declare it ignores and one that does refuses.
            columns[path] = pa.array([None if x is None else repr(x) for x in values], pa.string())
    return pa.table(columns)


def _fits(kind: IndicatorKind, value: Any) -> bool:
    try:
        pa.array([value], _arrow_type(kind))
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return False
    return True


def village_data(values: Mapping[str, Any]) -> dict[str, Any]:
    """A village's JSON form from one row's values by column (`industry.local_jobs`,
    `name`, …): indicators nested in their sections, null and NaN left out (unknown),
    dates as text."""
    data: dict[str, Any] = {}
    for column, value in values.items():
        if value is None or (isinstance(value, float) and value != value):  # null, NaN
            continue
        if isinstance(value, date):
            value = value.isoformat()
        section, dot, name = column.partition(".")
        if dot:
            data.setdefault(section, {})[name] = value
        else:
            data[column] = value
    return data


def village_of_row(villages: Villages, row: int, tree: RuleTree) -> Village:
    """One row of a checked table as a `Village` (for the row engine): its identity (the
    ruleset's jurisdiction and kind where the table has none) and the indicators the
    ruleset declares."""
    columns = {**villages.identity, **villages.indicators}
    data = village_data({name: column[row].as_py() for name, column in columns.items()})
    data.setdefault("jurisdiction", tree.jurisdiction)
    data.setdefault("kind", tree.kind)
    data.setdefault("name", f"row {row + 1}")
    return Village.model_validate(data)


def _arrow_type(kind: IndicatorKind) -> Any:
    if kind is IndicatorKind.BOOL:
        return pa.bool_()
    if kind is IndicatorKind.STRING:
        return pa.string()
    return NUMBER


_DOMAIN = {
    IndicatorKind.COUNT: messages.Both("a whole number of 0 or more", "大于或等于 0 的整数"),
    IndicatorKind.MONEY: messages.Both("an amount of 0 or more", "大于或等于 0 的金额"),
    IndicatorKind.RATE: messages.Both("a share from 0 to 1", "介于 0 和 1 之间的比例"),
    IndicatorKind.NUMBER: messages.Both("a finite number", "有限的数字"),
}


def _indicator_column(path: str, column: Any, spec: IndicatorSpec) -> Any:
    kind = spec.kind
    kind_type = column.type
    if pa.types.is_dictionary(kind_type):
        column = column.cast(kind_type.value_type)
        kind_type = column.type
    if pa.types.is_null(kind_type):
        return pa.chunked_array([pa.nulls(len(column), _arrow_type(kind))])
    if kind is IndicatorKind.BOOL:
        if not pa.types.is_boolean(kind_type):
            raise InputError.of(None, "SR567", path=path, type=kind_type)
        return column
    if kind is IndicatorKind.STRING:
        if not (pa.types.is_string(kind_type) or pa.types.is_large_string(kind_type)):
            raise InputError.of(None, "SR568", path=path, type=kind_type)
        return column.cast(pa.string())
    if not (
        pa.types.is_integer(kind_type)
        or pa.types.is_floating(kind_type)
        or pa.types.is_decimal(kind_type)
    ):
        raise InputError.of(
            None, "SR569", path=path, kind=messages.value_kind(kind.value), type=kind_type
        )
    try:
        numbers = column.cast(NUMBER)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError.of(None, "SR584", path=path, detail=exc) from None
    if _plainly_valid(numbers, kind):
        return numbers
    if pa.types.is_floating(kind_type):  # NaN is how pandas writes a missing number
        numbers = pc.if_else(pc.is_nan(numbers), pa.scalar(None, NUMBER), numbers)
    bad = pc.invert(pc.is_finite(numbers))
    if kind is IndicatorKind.COUNT:
        bad = pc.or_(bad, pc.or_(pc.less(numbers, 0.0), pc.not_equal(pc.floor(numbers), numbers)))
    elif kind is IndicatorKind.MONEY:
        bad = pc.or_(bad, pc.less(numbers, 0.0))
    elif kind is IndicatorKind.RATE:
        bad = pc.or_(bad, pc.or_(pc.less(numbers, 0.0), pc.greater(numbers, 1.0)))
    _refuse_rows(
        pc.fill_null(bad, False),
        column,
        InputError,
        "SR585",
        repr,
        path=path,
        domain=_DOMAIN[kind],
        kind=messages.value_kind(kind.value),
    )
    return numbers


def _plainly_valid(numbers: Any, kind: IndicatorKind) -> bool:
    """A fast pass over a column of numbers: true when it holds no NaN, no infinity and
    nothing outside the kind's domain (the common case); false sends the column to the full
    check, which finds the rows. Comparisons only (a NaN fails every one): pyarrow's min and
    max of a float column cost five times as much."""
    if numbers.null_count == len(numbers):
        return True
    if kind is IndicatorKind.NUMBER:
        fits = pc.is_finite(numbers)
    elif kind is IndicatorKind.RATE:
        fits = pc.and_(pc.greater_equal(numbers, 0.0), pc.less_equal(numbers, 1.0))
    else:  # a count or an amount: 0 or more, finite; a count whole too
        fits = pc.and_(pc.greater_equal(numbers, 0.0), pc.less(numbers, math.inf))
        if kind is IndicatorKind.COUNT:
            fits = pc.and_(fits, pc.equal(pc.floor(numbers), numbers))
    return pc.all(fits).as_py() is True


def _refuse_rows(
    bad: Any,
    column: Any,
    error: type[StarrulesError],
    code: str,
    shown: Callable[[Any], object],
    **values: object,
) -> None:
    """The error of message `code` naming the first bad row (from 1), its value (`shown`)
    and how many rows are bad."""
    count = pc.sum(pc.cast(bad, pa.int64())).as_py() or 0
    if not count:
        return
    first = pc.index(bad, True).as_py()
    value = column[first].as_py()
    more = messages.Both(f"; {count} rows in all", f"；共 {count} 行") if count > 1 else ""
    raise error.of(None, code, None, row=first + 1, value=shown(value), more=more, **values)


def _check_identity(
    identity: Mapping[str, Any], tree: RuleTree, on: date, check_dates: bool, length: int
) -> None:
    """Kind, jurisdiction and date, per row, as `Program.check` checks one village."""
    ruleset = f"{tree.id}@{tree.version}"
    kind = identity.get("kind")
    if kind is not None:
        other = pc.fill_null(pc.not_equal(kind.cast(pa.string()), tree.kind), True)
        _refuse_rows(
            other,
            kind,
            EvaluationError,  # the same wording, as the row engine's EvaluationError
            "SR586",
            lambda v: messages.village_kind(str(v)),
            expected=messages.village_kind(tree.kind),
            ruleset=ruleset,
        )
    place = identity.get("jurisdiction")
    if place is not None:
        place = place.cast(pa.string())
        inside = pc.or_(
            pc.equal(place, tree.jurisdiction),
            pc.starts_with(place, tree.jurisdiction + "/"),
        )
        _refuse_rows(
            pc.invert(pc.fill_null(inside, False)),
            place,
            EvaluationError,
            "SR587",
            str,
            scope=tree.jurisdiction,
            ruleset=ruleset,
        )
    if not check_dates:
        return
    dates = identity.get("as_of")
    if dates is None:
        if not tree.in_force(on):
            raise _not_in_force(tree, on)
        return
    dates = _dates(dates)
    dates = pc.fill_null(dates, pa.scalar(on, pa.date32()))
    early = pc.less(dates, pa.scalar(tree.effective_from, pa.date32()))
    if tree.effective_until is not None:
        early = pc.or_(early, pc.greater(dates, pa.scalar(tree.effective_until, pa.date32())))
    if pc.any(early).as_py():
        first = pc.index(early, True).as_py()
        when = dates[first].as_py()
        raise _not_in_force(tree, when, f"row {first + 1}")


def _dates(column: Any) -> Any:
    kind = column.type
    if pa.types.is_date(kind):
        return column.cast(pa.date32())
    if pa.types.is_null(kind):
        return column.cast(pa.date32())
    if pa.types.is_timestamp(kind) and kind.tz is None:
        # A date read as a timestamp (pandas, polars, JSON readers): whole days only, as a
        # time of day names an instant whose date depends on a time zone.
        days = column.cast(pa.date32())
        if pc.all(pc.equal(days.cast(kind), column)).as_py() not in (True, None):
            raise InputError.of(None, "SR588")
        return days
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        try:
            return pc.strptime(column, format="%Y-%m-%d", unit="s").cast(pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise InputError.of(None, "SR589", detail=exc) from None
    raise InputError.of(None, "SR597", type=kind)


def _not_in_force(tree: RuleTree, on: date, where: str | None = None) -> EvaluationError:
    """The error SR572, as `Program.check` gives it."""
    return EvaluationError.of(
        where,
        "SR572",
        ruleset=f"{tree.id}@{tree.version}",
        date=on.isoformat(),
        start=tree.effective_from,
        until=tree.effective_until or messages.Both("open end", "长期"),
    )


__all__ = [
    "IDENTITY",
    "Villages",
    "check_villages",
    "to_arrow",
    "village_data",
    "village_of_row",
    "villages_table",
]
