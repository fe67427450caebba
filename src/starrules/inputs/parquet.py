"""Villages in Parquet files: a table read or written, and a file's villages one at a time.

A Parquet file of villages has the columns `evaluate_table` reads: one per indicator path
(`industry.collective_income`, `extra.x`), null for unknown, and the identity columns
(`name`, `jurisdiction`, `kind` and optionally `code`, `township`, `as_of`). Needs pyarrow
(the `columnar` extra): import this module only for a Parquet file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import messages
from ..columnar.arrow import require
from ..columnar.tables import IDENTITY, village_data
from ..errors import InputError
from ..village import Village
from .files import VillageRecord, check_file

pa = require("pyarrow")
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
    """The table written to a Parquet file, or an InputError naming the file."""
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
            where = f"{path}:{row}"  # file:row, as spreadsheet rows are placed
            try:
                yield VillageRecord(Village.model_validate(village_data(values)), where)
            except ValidationError as exc:
                error = exc.errors()[0]
                field = ".".join(str(part) for part in error["loc"])
                detail = messages.validation_detail(error)
                raise InputError.of(where, "SR500", field=field, detail=detail) from None


__all__ = ["parquet_records", "read_parquet", "write_parquet"]
