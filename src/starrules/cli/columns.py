"""`--engine rows|columns` for `evaluate` and `report`, and their columnar path.

The row engine reads one village at a time and explains it; the columnar engine rates a
whole table at once (Ruleset.evaluate_table), from Parquet files, grouped by the ruleset
that judges each village. Both give the same stars, levels and reports. `auto` picks the
columnar engine when every input file is Parquet, the output is one it gives (evaluate:
table or parquet; report: all) and pyarrow is installed.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import click

from ..errors import InputError, StarrulesError
from ..i18n import Lang
from ..inputs.files import is_parquet
from ..messages import Both
from ..render.table import Row
from ..reports import ReportBuilder
from ..ruleset import Ruleset
from ..village import STANDARD_INDICATORS
from .app import fail
from .choose import Chooser
from .inputs import VillageInput, indicators_for, village_records

Engine = Literal["rows", "columns"]
ENGINES = ("auto", "rows", "columns")
COLUMN_FORMATS = {"evaluate": ("table", "parquet"), "report": ("table", "json", "html")}


def engine_option(func: Any) -> Any:
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="auto",
        show_default=True,
        help="rows: one village at a time (every format, explanations); columns: a whole "
        "table at once (fast; needs starrules[columnar]: evaluate gives table or parquet). "
        "auto: columns for Parquet input where the format allows.",
    )(func)


def _have_pyarrow() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def choose_engine(command: str, engine: str, fmt: str, files: Sequence[Path]) -> Engine:
    """The engine to run: as asked, or (auto) by the input, the format and what is installed."""
    formats = COLUMN_FORMATS[command]
    if engine == "columns":
        if not _have_pyarrow():
            # the hint of columnar.arrow, whose package needs pyarrow to import
            fail(StarrulesError.of(None, "SR654", install="pip install 'starrules[columnar]'"))
        if fmt not in formats:
            shown = Both(" or ".join(formats), "、".join(formats))
            fail(StarrulesError.of(None, "SR655", formats=shown, format=fmt))
        return "columns"
    if engine == "rows":
        if fmt == "parquet":
            fail(StarrulesError.of(None, "SR656"))
        return "rows"
    if fmt == "parquet":
        return choose_engine(command, "columns", fmt, files)
    if fmt not in formats or not _have_pyarrow():
        return "rows"
    # Only Parquet: other files are read village by village whichever engine rates them,
    # and a table built on top of that reading is slower than rating each village
    # (twice the time, five times the memory over 100,000 villages: bench_cli.py).
    return "columns" if all(is_parquet(f) for f in files) else "rows"


def read_table(
    files: Sequence[Path], village_input: VillageInput, chooser: Chooser, lang: Lang
) -> Any:
    """Every village of the files as one table: Parquet files as they are; other files
    (or a mix) read as the row engine reads them, with the same checks, messages and
    rejected rows."""
    from ..columnar.arrow import require
    from ..columnar.tables import villages_table
    from ..inputs.parquet import read_parquet

    pa = require("pyarrow")
    if not all(is_parquet(f) for f in files):
        with village_records(files, village_input, indicators_for(chooser), lang) as read:
            villages = [record.village for record in read]
        return villages_table(villages, STANDARD_INDICATORS)
    tables = [read_parquet(file) for file in files]
    if len(tables) == 1:
        return tables[0]
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException as exc:
        fail(InputError.of(None, "SR528", detail=exc))


def _split(table: Any, chooser: Chooser) -> list[tuple[Any, list[int]]]:
    from ..inputs.by_ruleset import split_by_ruleset

    if chooser.jurisdiction is not None:  # --jurisdiction: every village judged as there
        from ..columnar.arrow import require

        pa = require("pyarrow")
        table = table.drop_columns([c for c in ("jurisdiction",) if c in table.column_names])
        place = pa.array([chooser.jurisdiction] * table.num_rows, pa.string())
        table = table.append_column("jurisdiction", place)
    return split_by_ruleset(table, chooser.ruleset_for)


def evaluate_columns(
    files: Sequence[Path],
    village_input: VillageInput,
    chooser: Chooser,
    on: date | None,
    strict: bool,
    lang: Lang,
) -> tuple[Any, list[Ruleset]]:
    """Every village rated by the columnar engine, in input order (the identity columns,
    per star of every ruleset used its status, the level, the ruleset as id@version), and
    the rulesets used, in the order of their first village."""
    from ..columnar.arrow import require

    pa, pc = require("pyarrow"), require("pyarrow.compute")
    table = read_table(files, village_input, chooser, lang)
    parts = []
    used: list[Ruleset] = []
    for ruleset, rows in _split(table, chooser):
        indices = pa.array(rows, pa.int64())
        part = table.take(indices)
        rated = ruleset.evaluate_table(part, on, strict=strict)
        for path in json.loads(rated.schema.metadata[b"starrules.ignored"]):
            given = len(part) - part.column(path).null_count  # as the row engine counts
            if given:
                chooser.ignored[path] += given
        ref = pa.array([f"{ruleset.id}@{ruleset.version}"] * len(rows), pa.string())
        rated = rated.append_column("ruleset", ref).append_column("__row", indices)
        parts.append(rated.replace_schema_metadata(None))
        used.append(ruleset)
    if not parts:
        return pa.table({"name": pa.array([], pa.string())}), used
    whole = pa.concat_tables(parts, promote_options="permissive")
    whole = whole.take(pc.sort_indices(whole.column("__row")))
    return whole.drop_columns(["__row"]), used


def report_columns(
    files: Sequence[Path],
    village_input: VillageInput,
    chooser: Chooser,
    builder: ReportBuilder,
    on: date | None,
    strict: bool,
    lang: Lang,
) -> None:
    """Count every village into the builder through the columnar engine."""
    from ..columnar.arrow import require

    pa = require("pyarrow")
    table = read_table(files, village_input, chooser, lang)
    for ruleset, rows in _split(table, chooser):
        part = table.take(pa.array(rows, pa.int64()))
        builder.add_table(part, ruleset, on=on, strict=strict, rows=rows)


def table_rows(
    rated: Any, used: Sequence[Ruleset], lang: Lang
) -> tuple[list[Row], list[tuple[str, str]]]:
    """The `evaluate --format table` rows and star columns of a rated table."""
    marks = {"granted": "✔", "denied": "✘", "undetermined": "?"}
    stars: dict[str, str] = {}
    for ruleset in used:
        for star in ruleset.stars:
            stars.setdefault(star.id, star.name(lang))
    data = rated.to_pydict()
    n = rated.num_rows
    names = data.get("name", [f"row {i + 1}" for i in range(n)])
    townships = data.get("township", [None] * n)
    rows = []
    for i in range(n):
        level, low, high = data["level"][i], data["level_min"][i], data["level_max"][i]
        shown = str(level) if level is not None else f"{low}–{high}"
        status = {
            sid: marks[data[f"star.{sid}"][i]]
            for sid in stars
            if f"star.{sid}" in data and data[f"star.{sid}"][i] is not None
        }
        rows.append(Row(names[i] or "", townships[i] or "", shown, level, status))
    return rows, list(stars.items())
