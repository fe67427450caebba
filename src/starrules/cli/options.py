"""Options shared by several commands: dates, and where the rulesets come from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from ..load.registry import Registry


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2023-12-31") from None


def rulesets_option(func: Any) -> Any:
    return click.option(
        "--rulesets",
        "rulesets",
        multiple=True,
        type=click.Path(exists=True, path_type=Path),
        help="A folder of rulesets to load in addition to the bundled ones (repeatable); "
        "its overlays may extend them.",
    )(func)


def registry_of(rulesets: Sequence[Path]) -> Registry:
    """The bundled rulesets, with the folders given (which may extend them)."""
    default = Registry.default()
    return Registry.from_paths(rulesets, base=default) if rulesets else default


def output_option(
    help_text: str = "Write to FILE instead of standard output.",
) -> Callable[[Any], Any]:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help=help_text,
    )


def format_by_suffix(output: Path | None, formats: Sequence[str], default: str = "table") -> str:
    """The output format an `--output` file's suffix names (`.htm` is html), else `default`."""
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    suffix = {"htm": "html"}.get(suffix, suffix)
    return suffix if suffix in formats else default


def progress_option(func: Any) -> Any:
    return click.option(
        "--progress/--no-progress",
        default=None,
        help="Progress bar on stderr (default: on for large inputs on a terminal).",
    )(func)


def strict_option(func: Any) -> Any:
    return click.option(
        "--strict",
        is_flag=True,
        help="Refuse villages that give `extra` indicators the rules do not declare "
        "(by default they are ignored, and named on stderr and in the records).",
    )(func)


def ruleset_options(func: Any) -> Any:
    func = click.option(
        "--on",
        callback=parse_date,
        metavar="YYYY-MM-DD",
        help="Date for villages without as_of (default: today).",
    )(func)
    func = click.option(
        "--jurisdiction",
        metavar="PATH",
        help="Resolve rulesets for this jurisdiction instead of each village's own.",
    )(func)
    func = rulesets_option(func)
    func = click.option(
        "--ruleset",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Judge every village with this one ruleset file.",
    )(func)
    return func
