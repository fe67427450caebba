"""Reading villages for a command: the input options (`--encoding`, `--skip-invalid`,
`--rejects`) and the records they give. Shared by `evaluate` and `report`.

Use:

    @cli.command()
    @click.argument("files", nargs=-1, ...)
    @village_input_options
    def command(files, village_input: VillageInput, ...):
        with village_records(files, village_input, indicators_for(chooser), lang) as records:
            for record in records: ...
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..i18n import Lang
from ..indicators import IndicatorSpec
from ..inputs.files import VillageRecord
from ..inputs.sheet_columns import indicators_of
from ..inputs.spreadsheets import RejectedRow
from ..inputs.villages import read_villages
from ..render.rows import TableFormat, TableWriter, open_writer
from .app import message_lang
from .choose import Chooser

# Rejected rows named one by one on stderr; the rest are counted (all are in the file).
_WARNINGS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class VillageInput:
    """How to read the files of villages (the options of `village_input_options`)."""

    encoding: str | None = None
    skip_invalid: bool = False
    rejects: Path | None = None


def village_input_options(func: Any) -> Any:
    """Add --encoding, --skip-invalid and --rejects to a command; it receives them as one
    keyword argument, `village_input: VillageInput`."""

    @functools.wraps(func)
    def command(
        *args: Any, encoding: str | None, skip_invalid: bool, rejects: Path | None, **kwargs: Any
    ) -> Any:
        village_input = VillageInput(encoding, skip_invalid or rejects is not None, rejects)
        return func(*args, village_input=village_input, **kwargs)

    command = click.option(
        "--rejects",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Write the skipped rows there (.csv or .xlsx), with their problems, to fix and "
        "read again. Implies --skip-invalid.",
    )(command)
    command = click.option(
        "--skip-invalid",
        is_flag=True,
        help="Rate the valid rows of a spreadsheet and skip the invalid ones (named on "
        "stderr), instead of stopping with every problem listed.",
    )(command)
    command = click.option(
        "--encoding",
        metavar="NAME",
        help="The encoding of CSV files (e.g. gbk, utf-8). Default: detected (UTF-8 with or "
        "without a BOM, UTF-16 with a BOM, else GBK / GB18030).",
    )(command)
    return command


def indicators_for(chooser: Chooser) -> list[IndicatorSpec]:
    """The `extra` indicators of every ruleset a chooser may use: their labels may name
    spreadsheet columns, and their types read the cells."""
    rulesets = chooser.fixed or (chooser.registry.rulesets if chooser.registry else ())
    return indicators_of(rs.tree.indicators for rs in rulesets)


class Rejects:
    """Takes the rows that hold no valid village: names them on stderr (in the language of
    messages) and, with a file, writes them there with their problems (`#` columns, which
    reading ignores; in `lang`, as the file's headers)."""

    def __init__(self, target: Path | None, lang: Lang) -> None:
        self.target = target
        self.lang = lang
        self.said: Lang = message_lang()
        self.count = 0
        self._problems = 0
        self._header: tuple[str, tuple[str, ...]] | None = None
        self._writer: TableWriter | None = None
        if target is not None:  # now: an old file of rejects must not outlive this run
            fmt: TableFormat = "xlsx" if target.suffix.lower() in (".xlsx", ".xlsm") else "csv"
            self._writer = open_writer(fmt, target, "rejects")

    def __call__(self, row: RejectedRow) -> None:
        self.count += 1
        for problem in row.problems:
            self._problems += 1
            if self._problems <= _WARNINGS_SHOWN:
                head = "已跳过：" if self.said == "zh" else "skipped: "
                click.echo(head + problem.line(self.said), err=True)
        if self._writer is None:
            return
        if self._header != (row.file, row.header):
            if self._header is None or self._header[1] != row.header:
                marks = (
                    ("#文件", "#行", "#问题")
                    if self.lang == "zh"
                    else ("#file", "#row", "#problems")
                )
                self._writer.write([*marks, *row.header])
            self._header = (row.file, row.header)
        problems = ("；" if self.lang == "zh" else "; ").join(
            p.line(self.lang).removeprefix(f"{p.location}: ") for p in row.problems
        )
        self._writer.write([row.file, row.row, problems, *row.cells])

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self.count:
            more = self._problems - _WARNINGS_SHOWN
            if self.said == "zh":
                shown = f"（另有 {more} 个问题未显示）" if more > 0 else ""
                where = f"，已写入 {self.target}" if self.target is not None else ""
                click.echo(f"已跳过 {self.count} 个无效的行{where}{shown}", err=True)
                return
            shown = f" ({more} more problems not shown)" if more > 0 else ""
            where = f", written to {self.target}" if self.target is not None else ""
            click.echo(
                f"skipped {self.count} invalid row{'s' if self.count != 1 else ''}{where}{shown}",
                err=True,
            )


@contextmanager
def village_records(
    files: Sequence[Path],
    options: VillageInput,
    indicators: Iterable[IndicatorSpec] | None = None,
    lang: Lang = "zh",
) -> Iterator[Iterator[VillageRecord]]:
    """The villages of `files`, one at a time, read as `options` say. Invalid spreadsheet
    rows stop the run with all their problems, at the end, or (--skip-invalid) are skipped
    and named, and written to the rejects file, which is complete when the block ends."""
    specs = list(indicators) if indicators is not None else None
    rejects = Rejects(options.rejects, lang) if options.skip_invalid else None

    def records() -> Iterator[VillageRecord]:
        for file in files:
            yield from read_villages(
                file, encoding=options.encoding, indicators=specs, on_reject=rejects
            )

    try:
        yield records()
    finally:
        if rejects is not None:
            rejects.close()


def binary_stdout() -> Any:
    """Standard output for bytes (its buffer), flushed of any text written before."""
    sys.stdout.flush()
    return getattr(sys.stdout, "buffer", None)


PROGRESS_THRESHOLD = 2_000  # villages: below this a bar would only flicker


def progress_for(files: Sequence[Path], progress: bool | None) -> tuple[int | None, bool]:
    """(about how many villages, whether to show a progress bar): `--progress` always,
    `--no-progress` never, else on a terminal for large inputs."""
    total = count_villages(files) if progress is not False else None
    show = progress is True or (
        progress is None and sys.stderr.isatty() and (total or 0) >= PROGRESS_THRESHOLD
    )
    return total, show


def count_villages(files: Sequence[Path]) -> int | None:
    """About how many villages the files hold (for the progress bar): the non-blank lines of
    JSONL and CSV files (less a CSV's header: a cell over several lines counts more); None
    when a file is of another kind."""
    count = 0
    try:
        for file in files:
            suffix = file.suffix.lower()
            if suffix not in (".jsonl", ".csv", ".tsv") or not file.is_file():
                return None
            with file.open("rb") as handle:
                lines = sum(1 for line in handle if line.strip())
            count += lines if suffix == ".jsonl" else max(0, lines - 1)
    except OSError:  # e.g. a name too long: reading the file reports it
        return None
    return count
