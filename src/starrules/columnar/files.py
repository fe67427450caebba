"""Villages in Parquet files, and a table of villages split by the ruleset that judges each.

A Parquet file of villages has the columns `evaluate_table` reads: one per indicator path
(`industry.collective_income`, `extra.x`), null for unknown, and the identity columns
(`name`, `jurisdiction`, `kind` and optionally `code`, `township`, `as_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import messages
from ..errors import InputError, StarrulesError
from ..inputs.files import VillageRecord, check_file
from ..ruleset import Ruleset
from ..village import Village
from .arrow import require
from .tables import IDENTITY, village_data

pa = require("pyarrow")
pc = require("pyarrow.compute")
pq = require("pyarrow.parquet")

SECTIONS = ("branch", "industry", "ecology", "safety", "civility", "extra")


def read_parquet(path: Path) -> Any:
    """The table in a Parquet file, or an InputError naming the file."""
    check_file(path, str(path))
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError.of(str(path), "SR598", detail=exc) from None


def write_parquet(table: Any, path: Path) -> None:
    try:
        pq.write_table(table, path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError.of(None, "SR642", file=path, reason=exc) from None


def parquet_records(path: Path) -> Iterator[VillageRecord]:
    """The villages of a Parquet file one at a time, as `Village` models (the row engine's
    input); a bad row is an InputError naming the file, the row (from 1) and the field."""
    table = read_parquet(path)
    for column in table.column_names:
        if column not in IDENTITY and column.partition(".")[0] not in SECTIONS:
            raise InputError.of(str(path), "SR599", column=column)
    row = 0
    for batch in table.to_batches(max_chunksize=4096):
        for values in batch.to_pylist():
            row += 1
            where = f"{path}: row {row}"
            try:
                yield VillageRecord(Village.model_validate(village_data(values)), where)
            except ValidationError as exc:
                error = exc.errors()[0]
                field = ".".join(str(part) for part in error["loc"])
                detail = messages.validation_detail(error)
                raise InputError.of(where, "SR500", field=field, detail=detail) from None


def split_by_ruleset(
    table: Any, choose: Callable[[Village], Ruleset], where: str = "row"
) -> list[tuple[Ruleset, list[int]]]:
    """The table's rows grouped by the ruleset that judges each (`choose` is asked once per
    jurisdiction, kind and date), in the order of each group's first row."""
    length = table.num_rows
    columns = set(table.column_names)
    get = {
        name: table.column(name).to_pylist() if name in columns else [None] * length
        for name in ("jurisdiction", "kind", "as_of")
    }
    chosen: dict[tuple[Any, Any, Any], Ruleset] = {}
    groups: dict[str, tuple[Ruleset, list[int]]] = {}
    for row in range(length):
        key = (get["jurisdiction"][row], get["kind"][row], get["as_of"][row])
        ruleset = chosen.get(key)
        if ruleset is None:
            place, kind, when = key
            if place is None or kind is None:
                raise InputError.of(f"{where} {row + 1}", "SR527")
            try:
                stub = Village.model_validate(
                    {"name": "-", "jurisdiction": place, "kind": kind, "as_of": when}
                )
                ruleset = chosen[key] = choose(stub)
            except ValidationError as exc:
                error = exc.errors()[0]
                field = ".".join(str(part) for part in error["loc"])
                detail = messages.validation_detail(error)
                raise InputError.of(
                    f"{where} {row + 1}", "SR500", field=field, detail=detail
                ) from None
            except StarrulesError as exc:
                raise exc.at(f"{where} {row + 1}") from None
        fingerprint = f"{ruleset.fingerprint}@{id(ruleset)}"
        groups.setdefault(fingerprint, (ruleset, []))[1].append(row)
    return list(groups.values())


__all__ = [
    "parquet_records",
    "read_parquet",
    "split_by_ruleset",
    "write_parquet",
]
