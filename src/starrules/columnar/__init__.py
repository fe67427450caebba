"""The columnar engine: a whole table of villages rated at once, column by column.

`Ruleset.evaluate_table(table)` gives per village what
`Ruleset.evaluate` decides, star by star and criterion by criterion, as an Arrow table:

    tables.py       the input: an Arrow table or a polars / pandas DataFrame, checked
    expressions.py  expressions compiled to pyarrow.compute calls (Kleene nulls)
    program.py      the rule tree as column operations (the row engine's GroupKernel)
    this module     batches in threads, and the result table

pyarrow is an optional extra (`pip install 'starrules[columnar]'`): nothing here is
imported by `import starrules`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..expr import BUILTIN_FUNCTIONS, FunctionSpec
from ..expr.plugins import available_functions
from ..rules import Criterion, RuleTree
from .arrow import require
from .expressions import Batch
from .program import BatchOutcome, ColumnarProgram
from .tables import IDENTITY, Villages, check_villages, to_arrow

pa = require("pyarrow")
pc = require("pyarrow.compute")

STAR_STATUSES = ("granted", "denied", "undetermined")
NODE_STATUSES = ("pass", "fail", "unknown")
BATCH_ROWS = 1 << 17  # villages per batch: large enough to amortise each call's overhead


@dataclass(frozen=True, slots=True)
class Rated:
    """A table of villages rated: the checked input, and each batch's raw outcome."""

    villages: Villages
    program: ColumnarProgram
    batches: tuple[tuple[int, int, BatchOutcome], ...]  # (first row, rows, outcome)


def rate(
    tree: RuleTree,
    table: Any,
    *,
    on: date | None = None,
    check_dates: bool = True,
    strict: bool = False,
    functions: Mapping[str, FunctionSpec] | None = None,
    threads: int | None = None,
) -> Rated:
    """Check the table's villages and decide every node, star and level, batch by batch
    (in parallel threads: pyarrow.compute releases the GIL)."""
    return _rate(tree, table, on, check_dates, strict, functions, threads, None, True)[0]


Finish = Callable[[Villages, int, int, BatchOutcome], Any]


def _rate(
    tree: RuleTree,
    table: Any,
    on: date | None,
    check_dates: bool,
    strict: bool,
    functions: Mapping[str, FunctionSpec] | None,
    threads: int | None,
    finish: Finish | None,
    missing: bool,
) -> tuple[Rated, list[Any]]:
    """`rate`, and what `finish` makes of each batch's outcome (in the batch's thread)."""
    workers = max(1, threads or os.cpu_count() or 1)
    with ThreadPoolExecutor(workers) as pool:
        villages = check_villages(
            to_arrow(table),
            tree,
            on or date.today(),
            check_dates=check_dates,
            strict=strict,
            map_columns=pool.map if workers > 1 else map,
        )
        program = ColumnarProgram(
            tree, {**BUILTIN_FUNCTIONS, **available_functions(), **(functions or {})}
        )
        n = villages.length
        batch_rows = BATCH_ROWS
        starts = list(range(0, n, batch_rows)) or [0]

        def run(start: int) -> tuple[tuple[int, int, BatchOutcome], Any]:
            length = min(batch_rows, n - start)
            columns = {
                path: _slice(column, start, length) for path, column in villages.indicators.items()
            }
            outcome = program.run(Batch(length, columns), missing=missing)
            done = None if finish is None else finish(villages, start, length, outcome)
            return (start, length, outcome), done

        ran = list(pool.map(run, starts)) if workers > 1 else [run(s) for s in starts]
    rated = Rated(villages, program, tuple(batch for batch, _ in ran))
    return rated, [done for _, done in ran]


def _slice(column: Any, start: int, length: int) -> Any:
    """Rows of a column as one array (without copying when it is one chunk)."""
    if column.num_chunks == 1:
        return column.chunk(0).slice(start, length)
    return column.slice(start, length).combine_chunks()


def evaluate_table(
    tree: RuleTree,
    table: Any,
    *,
    on: date | None = None,
    criteria: bool = False,
    check_dates: bool = True,
    strict: bool = False,
    functions: Mapping[str, FunctionSpec] | None = None,
    threads: int | None = None,
    missing: bool = True,
) -> Any:
    """Rate every village of `table` by these rules (see `Ruleset.evaluate_table`)."""

    def finish(villages: Villages, start: int, length: int, outcome: BatchOutcome) -> Any:
        return _result_batch(tree, outcome, villages.identity, start, length, criteria)

    rated, batches = _rate(
        tree,
        table,
        on,
        check_dates,
        strict,
        functions,
        threads,
        finish,
        missing,
    )
    metadata = {
        "starrules.ruleset": f"{tree.id}@{tree.version}",
        "starrules.fingerprint": tree.fingerprint,
        "starrules.ignored": json.dumps(list(rated.villages.ignored)),
    }
    return pa.Table.from_batches(batches).replace_schema_metadata(metadata)


def status_codes(values: Any) -> Any:
    """Bool outcomes (null unknown) as int8 codes: 0 true, 1 false, 2 unknown, the order of
    STAR_STATUSES and NODE_STATUSES."""
    return pc.fill_null(pc.if_else(values, _FIRST, _SECOND), _THIRD)


def _statuses(values: Any, names: tuple[str, ...]) -> Any:
    """Bool array (null unknown) → dictionary-encoded names (pass / fail / unknown …)."""
    return pa.DictionaryArray.from_arrays(status_codes(values), pa.array(names))


_FIRST, _SECOND, _THIRD = (pa.scalar(i, pa.int8()) for i in range(3))


def _result_batch(
    tree: RuleTree,
    outcome: BatchOutcome,
    identity: Mapping[str, Any],
    start: int,
    length: int,
    criteria: bool,
) -> Any:
    names: list[str] = []
    arrays: list[Any] = []
    for name in IDENTITY:
        if name in identity:
            names.append(name)
            arrays.append(identity[name].slice(start, length).combine_chunks())
    for star in tree.stars:
        names.append(f"star.{star.id}")
        arrays.append(_statuses(outcome.stars[star.index], STAR_STATUSES))
    decided = pc.equal(outcome.level_min, outcome.level_max)
    names += ["level", "level_min", "level_max"]
    arrays += [
        pc.if_else(decided, outcome.level_min, pa.scalar(None, pa.int64())).cast(pa.int16()),
        outcome.level_min.cast(pa.int16()),
        outcome.level_max.cast(pa.int16()),
    ]
    if outcome.missing is not None:
        names.append("missing")
        arrays.append(outcome.missing.cast(pa.int32()))
    if criteria:
        for star in tree.stars:
            for node in star.nodes:
                prefix = "criterion" if isinstance(node, Criterion) else "group"
                names.append(f"{prefix}.{node.id}")
                arrays.append(_statuses(outcome.nodes[node.index], NODE_STATUSES))
    return pa.RecordBatch.from_arrays(arrays, names=names)


__all__ = [
    "NODE_STATUSES",
    "STAR_STATUSES",
    "ColumnarProgram",
    "Rated",
    "evaluate_table",
    "rate",
    "status_codes",
]
