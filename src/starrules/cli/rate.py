"""Rating villages: `evaluate` (many, as a table or records) and `explain` (one)."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import IO, TextIO

import click

from ..errors import InputError, StarrulesError, did_you_mean
from ..explain.assessment import Assessment
from ..explain.records import Detail
from ..i18n import Lang
from ..inputs.files import VillageRecord
from ..inputs.sheet_rows import require_openpyxl
from ..inputs.villages import read_villages
from ..render.rows import ByteSink, TableFormat, open_writer, write_assessments
from ..render.table import Row, render_table, row_of
from .app import LANG, cli, fail
from .choose import Chooser
from .columns import choose_engine, engine_option, evaluate_columns, table_rows
from .inputs import (
    VillageInput,
    binary_stdout,
    indicators_for,
    progress_for,
    village_input_options,
    village_records,
)
from .options import (
    format_by_suffix,
    output_option,
    progress_option,
    ruleset_options,
    strict_option,
)

FORMATS = ("table", "json", "jsonl", "csv", "xlsx", "parquet")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@ruleset_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="table (default), json, jsonl, a spreadsheet, a row per village: csv or xlsx, or "
    "parquet (the columnar engine's table: star statuses and levels). "
    "Default: by the suffix of --output, else table.",
)
@output_option()
@click.option(
    "--detail",
    type=click.Choice(["compact", "full"]),
    default=None,
    help="The records of json / jsonl: compact (texts, sources and layers in the catalogue, "
    "`starrules rules FINGERPRINT`) or full. Default: compact for jsonl, full for json.",
)
@village_input_options
@strict_option
@click.option("--lang", type=LANG, default="zh", show_default=True)
@progress_option
@engine_option
def evaluate(
    files: tuple[Path, ...],
    ruleset: Path | None,
    rulesets: tuple[Path, ...],
    jurisdiction: str | None,
    on: date | None,
    fmt: str | None,
    output: Path | None,
    detail: str | None,
    village_input: VillageInput,
    strict: bool,
    lang: Lang,
    progress: bool | None,
    engine: str,
) -> None:
    """Assess the villages in FILES: JSON (an object or an array), JSONL, spreadsheets
    (CSV, .xlsx; a village a row, headers as indicator paths or labels) or Parquet (a
    column per indicator path)."""
    if fmt is None:
        fmt = format_by_suffix(output, FORMATS)
    if fmt in ("xlsx", "parquet") and output is None and sys.stdout.isatty():
        fail(StarrulesError.of(None, "SR658", format=fmt))
    if choose_engine("evaluate", engine, fmt, files) == "columns":
        if detail is not None:
            raise click.BadParameter("applies to --engine rows only", param_hint="--detail")
        chooser = Chooser(ruleset, rulesets, jurisdiction, on, strict=strict)
        rated, used = evaluate_columns(files, village_input, chooser, on, strict, lang)
        if fmt == "parquet":
            from ..inputs.parquet import write_parquet

            write_parquet(rated, output if output is not None else binary_stdout())
        else:
            rows, stars = table_rows(rated, used, lang)
            _write_text(output, render_table(rows, stars, lang))
        note = chooser.ignored_note(lang)
        if note is not None:
            click.echo(note, err=True)
        return
    if detail is not None and fmt not in ("json", "jsonl"):
        raise click.BadParameter("applies to --format json and jsonl only", param_hint="--detail")
    # spec §6: compact by default for jsonl (bulk, for other systems), full for json.
    chosen: Detail = (
        "full" if (detail or ("compact" if fmt == "jsonl" else "full")) == "full" else "compact"
    )
    chooser = Chooser(ruleset, rulesets, jurisdiction, on, strict=strict)
    if fmt == "xlsx":
        require_openpyxl("write")  # before any village is read
    total, show = progress_for(files, progress)
    with village_records(files, village_input, indicators_for(chooser), lang) as records:
        assessments = (chooser.assess(r) for r in records)
        if show:
            with click.progressbar(
                assessments, length=total, file=sys.stderr, label="evaluating"
            ) as bar:
                _emit_to(output, bar, fmt, chosen, lang)
        else:
            _emit_to(output, assessments, fmt, chosen, lang)
    note = chooser.ignored_note(lang)
    if note is not None:
        click.echo(note, err=True)


def _emit_to(
    output: Path | None, assessments: Iterator[Assessment], fmt: str, detail: Detail, lang: Lang
) -> None:
    if fmt in ("csv", "xlsx"):
        sink: Path | IO[bytes] | ByteSink | None = output or binary_stdout()
        if sink is None:  # a stdout without a buffer (embedded use): CSV as text
            if fmt == "xlsx":
                fail(StarrulesError.of(None, "SR641"))
            sink = _TextSink(sys.stdout)
        table: TableFormat = "xlsx" if fmt == "xlsx" else "csv"
        write_assessments(assessments, open_writer(table, sink), lang)
        return
    if output is None:
        _emit(assessments, fmt, detail, lang, sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as handle:
            _emit(assessments, fmt, detail, lang, handle)
    except BrokenPipeError:
        raise
    except OSError as exc:  # cannot create it, a full disk …
        fail(InputError.of(None, "SR642", file=output, reason=exc.strerror or exc))


def _write_text(output: Path | None, text: str) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(InputError.of(None, "SR642", file=output, reason=exc.strerror or exc))


class _TextSink:
    """Bytes written to a text stream (a stdout without a buffer)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, data: bytes, /) -> int:
        return self.out.write(data.decode("utf-8"))

    def flush(self) -> None:
        self.out.flush()

    def close(self) -> None:
        self.out.flush()


def records_of(files: Sequence[Path]) -> Iterator[VillageRecord]:
    for file in files:
        yield from read_villages(file)


def _emit(
    assessments: Iterator[Assessment], fmt: str, detail: Detail, lang: Lang, out: TextIO
) -> None:
    if fmt in ("json", "jsonl"):
        # The records are JSON bytes already: written as bytes, not decoded and encoded again.
        out.flush()
        binary = getattr(out, "buffer", None)
        write = binary.write if binary is not None else lambda b: out.write(b.decode("utf-8"))
        if fmt == "jsonl":
            for a in assessments:
                write(a.to_json(detail) + b"\n")
        else:
            write(b"[")
            for i, a in enumerate(assessments):
                write((b"," if i else b"") + b"\n" + a.to_json(detail, indent=2))
            write(b"\n]\n")
        if binary is not None:
            binary.flush()
        return
    rows: list[Row] = []
    columns: dict[str, str] = {}
    for a in assessments:
        rows.append(row_of(a))
        for star in a.rules.stars:
            columns.setdefault(star.id, star.name(lang))
    out.write(render_table(rows, columns.items(), lang))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--village",
    "which",
    metavar="NAME|CODE",
    help="Which village of FILE (needed when it holds more than one).",
)
@ruleset_options
@strict_option
@click.option("--lang", type=LANG, default="zh", show_default=True)
def explain(
    file: Path,
    which: str | None,
    ruleset: Path | None,
    rulesets: tuple[Path, ...],
    jurisdiction: str | None,
    on: date | None,
    strict: bool,
    lang: Lang,
) -> None:
    """Explain one village's assessment: what passed, what fell short and by how much."""
    chooser = Chooser(ruleset, rulesets, jurisdiction, on, strict=strict)
    records = list(read_villages(file))
    if not records:
        fail(InputError.of(None, "SR643", file=file))
    if which is None:
        if len(records) > 1:
            names = ", ".join(r.village.name for r in records[:5])
            names += " …" if len(records) > 5 else ""
            fail(StarrulesError.of(None, "SR644", file=file, count=len(records), names=names))
        chosen = records[0]
    else:
        matches = [r for r in records if which in (r.village.name, r.village.code)]
        if not matches:
            hint = did_you_mean(which, [r.village.name for r in records])
            if hint:
                fail(StarrulesError.of(None, "SR645", which=which, file=file, suggestion=hint))
            fail(StarrulesError.of(None, "SR646", which=which, file=file))
        chosen = matches[0]
    click.echo(chooser.assess(chosen).explain(lang), nl=False)
