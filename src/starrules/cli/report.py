"""`starrules report`: villages per star and per level, per township, county or jurisdiction,
the criteria that hold villages back, missing data, and plans compared (reports.py)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import cast

import click

from ..errors import InputError
from ..i18n import Lang
from ..render.html_villages import DEFAULT_LIMIT, VillageRows
from ..render.report import render_report
from ..render.report_html import render_html, require_plotly
from ..reports import By, ReportBuilder
from ..reports.targets_file import read_targets
from .app import LANG, cli, fail
from .choose import Chooser
from .columns import choose_engine, engine_option, report_columns
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

EXIT_INTERRUPTED = 130  # as a shell reports a program ended by Ctrl-C (128 + SIGINT)


@cli.command(name="report")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@ruleset_options
@click.option(
    "--by",
    type=click.Choice(["township", "county", "jurisdiction", "total"]),
    default="township",
    show_default=True,
    help="One group per township (within its county), county (the first three parts of "
    "the jurisdiction), jurisdiction (the whole path), or the total only.",
)
@click.option(
    "--targets",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="A plan to compare with (.yaml or .csv): villages planned per level, or a share "
    "at three stars or above, per township or county. See docs/report.md.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "html"]),
    default=None,
    help="table (default), json, or html (one page with charts; needs starrules[html]). "
    "Default: by the suffix of --output (.json, .html), else table.",
)
@output_option()
@click.option(
    "--top",
    type=click.IntRange(1, 10_000),
    default=5,
    show_default=True,
    help="Criteria and missing indicators listed per group in the table (json: all).",
)
@click.option(
    "--nearest",
    type=click.IntRange(0, 1_000),
    default=5,
    show_default=True,
    help="Villages nearest their next level listed per group (one or two criteria away; "
    "the counts are given whatever this is).",
)
@click.option(
    "--list-villages",
    type=click.IntRange(0, 1_000_000),
    default=DEFAULT_LIMIT,
    show_default=True,
    metavar="N",
    help="html: list the first N villages with their stars (the others are counted).",
)
@village_input_options
@strict_option
@click.option("--lang", type=LANG, default="zh", show_default=True)
@progress_option
@engine_option
def report_command(
    files: tuple[Path, ...],
    ruleset: Path | None,
    rulesets: tuple[Path, ...],
    jurisdiction: str | None,
    on: date | None,
    by: str,
    targets: Path | None,
    fmt: str | None,
    output: Path | None,
    top: int,
    nearest: int,
    list_villages: int,
    village_input: VillageInput,
    strict: bool,
    lang: Lang,
    progress: bool | None,
    engine: str,
) -> None:
    """Count the villages in FILES per township (county, jurisdiction): stars, levels (ranges
    where data is missing), the share at three stars or above, the criteria that hold
    villages back (短板), missing data, the villages nearest their next level, and plans
    compared.

    Reads one village at a time: memory stays flat however many villages. Ctrl-C stops
    reading and prints the report of the villages read so far, marked as partial (exit 130).
    """
    if fmt is None:
        fmt = format_by_suffix(output, ("table", "json", "html"))
    if fmt == "html":
        require_plotly()  # before any village is read: one line, exit 2
    rows = VillageRows(list_villages) if fmt == "html" else None
    plan = read_targets(targets) if targets is not None else None  # before any village
    chooser = Chooser(ruleset, rulesets, jurisdiction, on, strict=strict)
    grouping: By | None = None if by == "total" else cast(By, by)
    builder = ReportBuilder(grouping, plan, nearest=nearest)
    interrupted = False
    if choose_engine("report", engine, fmt, files) == "columns" and rows is None:
        report_columns(files, village_input, chooser, builder, on, strict, lang)
    else:  # the HTML page lists villages with their assessments: one at a time
        total, show = progress_for(files, progress)
        with (
            village_records(files, village_input, indicators_for(chooser), lang) as records,
            click.progressbar(
                records, length=total, file=sys.stderr, label="reporting", hidden=not show
            ) as bar,
        ):
            try:
                for record in bar:
                    assessment = chooser.assess(record)
                    builder.add(assessment)
                    if rows is not None:
                        rows.add(assessment)
            except KeyboardInterrupt:
                interrupted = True
    result = builder.result(partial=interrupted)
    if fmt == "json":
        data = result.to_json(indent=2) + b"\n"
    elif fmt == "html":
        data = render_html(result, lang, villages=rows, top=top).encode("utf-8")
    else:
        data = render_report(result, lang, top=top).encode("utf-8")
    _write(data, output)  # whole: an interrupted run still leaves complete output
    note = chooser.ignored_note(lang)
    if note is not None:
        click.echo(note, err=True)
    if interrupted:
        click.echo(
            f"interrupted: the report covers the {builder.villages} villages read so far",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_INTERRUPTED)


def _write(data: bytes, output: Path | None) -> None:
    if output is not None:
        try:
            output.write_bytes(data)
        except OSError as exc:
            fail(InputError.of(None, "SR642", file=output, reason=exc.strerror or exc))
        return
    binary = binary_stdout()
    if binary is None:  # a stdout without a buffer (embedded use)
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    binary.write(data)
    binary.flush()
