"""`monitor`: follow villages through events, printing changes as they occur."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..errors import StarrulesError
from ..i18n import Lang
from .app import LANG, cli, fail
from .options import parse_date, registry_of, rulesets_option, strict_option
from .rate import records_of


@cli.command()
@click.argument("events", required=False, metavar="[EVENTS.jsonl|-]")
@click.option(
    "--villages",
    "village_files",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The villages to monitor (JSON or JSONL; repeatable).",
)
@rulesets_option
@click.option(
    "--backend",
    type=click.Choice(["native", "rete"]),
    default="native",
    show_default=True,
    help="rete: durable-rules, installed with starrules[rete].",
)
@click.option(
    "--period",
    type=click.Choice(["year", "half", "quarter"]),
    default="year",
    show_default=True,
    help="The assessment period incidents are counted in.",
)
@click.option(
    "--on",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="The date the data of villages without as_of describe.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text")
@strict_option
@click.option("--lang", type=LANG, default="zh", show_default=True)
@click.option(
    "--capabilities",
    is_flag=True,
    help="Print how the backend runs each ruleset in use (what falls back) and exit.",
)
def monitor(
    events: str | None,
    village_files: tuple[Path, ...],
    rulesets: tuple[Path, ...],
    backend: str,
    period: str,
    on: date | None,
    fmt: str,
    strict: bool,
    lang: Lang,
    capabilities: bool,
) -> None:
    """Follow the villages through EVENTS (JSONL, '-' for stdin), printing every star and
    level change as it occurs (动态管理)."""
    from ..monitor import Monitor
    from ..monitor.events import read_events
    from ..render.changes import render_change

    if events is None and not capabilities:
        fail(StarrulesError.of(None, "SR651"))
    with Monitor(
        registry=registry_of(rulesets),
        backend=backend,  # type: ignore[arg-type]  # click.Choice
        period=period,  # type: ignore[arg-type]
        on=on,
        strict=strict,
    ) as watcher:
        for record in records_of(village_files):
            try:
                watcher.add(record.village)
            except StarrulesError as exc:
                raise exc.at(record.where) from None
        if capabilities:
            _print_capabilities(watcher.capabilities(), fmt)
            return
        assert events is not None
        if events == "-":
            # The bytes, when there are: decoded as UTF-8 whatever the locale, bad bytes
            # named by line, a byte order mark skipped.
            source: Any = getattr(sys.stdin, "buffer", sys.stdin)
            name = "<stdin>"
        else:
            source, name = Path(events), events
        out = sys.stdout
        for item in read_events(source, name):
            for change in watcher.apply(item.event, where=item.where):
                if fmt == "jsonl":
                    out.write(change.model_dump_json(exclude_none=True) + "\n")
                else:
                    tree = watcher.ruleset(change.village).tree
                    out.write(render_change(change, lang, tree, watcher.incident_types))
            out.flush()  # changes are printed as they occur, also when following a pipe


def _print_capabilities(reports: Sequence[Any], fmt: str) -> None:
    if fmt == "jsonl":
        for report in reports:
            click.echo(report.model_dump_json())
        return
    for report in reports:
        click.echo(f"{report.ruleset} · {report.backend} · {report.fingerprint[:12]}")
        for star, mode in report.stars.items():
            click.echo(f"  {star}: {mode}")
        for fallback in report.fallbacks:
            where = fallback.star + (f" / {fallback.node}" if fallback.node else "")
            click.echo(f"  fallback {where}: {fallback.reason}")
        for note in report.notes:
            click.echo(f"  note: {note}")
