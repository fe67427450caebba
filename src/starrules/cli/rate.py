"""Rating villages: `evaluate` (many, as a table or records) and `explain` (one)."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import click

from ..assessment import Assessment
from ..errors import did_you_mean
from ..i18n import Lang
from ..inputs import VillageRecord, read_villages
from ..records import Detail
from ..render.table import Row, render_table, row_of
from .app import LANG, cli, fail
from .choose import Chooser
from .options import ruleset_options

_PROGRESS_THRESHOLD = 2_000


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@ruleset_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl"]),
    default="table",
    show_default=True,
)
@click.option(
    "--detail",
    type=click.Choice(["compact", "full"]),
    default=None,
    help="The records of json / jsonl: compact (texts, sources and layers in the catalogue, "
    "`starrules rules FINGERPRINT`) or full. Default: compact for jsonl, full for json.",
)
@click.option("--lang", type=LANG, default="zh", show_default=True)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: on for large inputs on a terminal).",
)
def evaluate(
    files: tuple[Path, ...],
    ruleset: Path | None,
    rulesets: tuple[Path, ...],
    jurisdiction: str | None,
    on: date | None,
    fmt: str,
    detail: str | None,
    lang: Lang,
    progress: bool | None,
) -> None:
    """Assess the villages in FILES (JSON object or array, or JSONL)."""
    if detail is not None and fmt == "table":
        raise click.BadParameter("applies to --format json and jsonl only", param_hint="--detail")
    # spec §6: compact by default for jsonl (bulk, for other systems), full for json.
    chosen: Detail = (
        "full" if (detail or ("compact" if fmt == "jsonl" else "full")) == "full" else "compact"
    )
    chooser = Chooser(ruleset, rulesets, jurisdiction, on)
    records = records_of(files)
    total = _count_villages(files) if progress is not False else None
    show = progress is True or (
        progress is None and sys.stderr.isatty() and (total or 0) >= _PROGRESS_THRESHOLD
    )
    assessments = (chooser.assess(r) for r in records)
    if show:
        with click.progressbar(
            assessments, length=total, file=sys.stderr, label="evaluating"
        ) as bar:
            _emit(bar, fmt, chosen, lang)
    else:
        _emit(assessments, fmt, chosen, lang)


def records_of(files: Sequence[Path]) -> Iterator[VillageRecord]:
    for file in files:
        yield from read_villages(file)


def _count_villages(files: Sequence[Path]) -> int | None:
    count = 0
    try:
        for file in files:
            if file.suffix.lower() != ".jsonl" or not file.is_file():
                return None
            with file.open("rb") as handle:
                count += sum(1 for line in handle if line.strip())
    except OSError:  # e.g. a name too long: reading the file reports it
        return None
    return count


def _emit(assessments: Iterator[Assessment], fmt: str, detail: Detail, lang: Lang) -> None:
    out = sys.stdout
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
@click.option("--lang", type=LANG, default="zh", show_default=True)
def explain(
    file: Path,
    which: str | None,
    ruleset: Path | None,
    rulesets: tuple[Path, ...],
    jurisdiction: str | None,
    on: date | None,
    lang: Lang,
) -> None:
    """Explain one village's assessment: what passed, what fell short and by how much."""
    chooser = Chooser(ruleset, rulesets, jurisdiction, on)
    records = list(read_villages(file))
    if not records:
        fail(f"{file}: no villages in the file")
    if which is None:
        if len(records) > 1:
            names = ", ".join(r.village.name for r in records[:5])
            fail(
                f"{file} holds {len(records)} villages; choose one with --village "
                f"(e.g. {names}{' …' if len(records) > 5 else ''})"
            )
        chosen = records[0]
    else:
        matches = [r for r in records if which in (r.village.name, r.village.code)]
        if not matches:
            hint = did_you_mean(which, [r.village.name for r in records])
            fail(f"no village named or coded '{which}' in {file}" + (f"; {hint}" if hint else ""))
        chosen = matches[0]
    click.echo(chooser.assess(chosen).explain(lang), nl=False)
