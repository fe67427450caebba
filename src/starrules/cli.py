"""The `starrules` command line (also `python -m starrules`).

Exit codes: 0 ok; 1 checks failed (lint found problems); 2 bad usage or bad input, with
one clear message naming the file and place. A user mistake never shows a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .assessment import Assessment
from .diff import load_side, rule_changes, rules_pair, village_changes
from .errors import RulesetError, StarrulesError, did_you_mean
from .i18n import Lang
from .inputs import VillageRecord, read_villages
from .json_schemas import DOCUMENTS, json_schema
from .loader import chain_key, find_ruleset_files
from .records import Detail
from .registry import Registry
from .render.diff import render_diff
from .render.table import Row, display_width, pad, render_table, row_of
from .ruleset import Ruleset
from .testcases import run_paths
from .village import Village
from .yaml_source import read_yaml, unreadable

EXIT_FAILED = 1
EXIT_USAGE = 2
_PROGRESS_THRESHOLD = 2_000

LANG = click.Choice(["zh", "en"])


def _fail(message: str) -> NoReturn:
    raise click.exceptions.Exit(_report(message, EXIT_USAGE))


def _report(message: str, code: int) -> int:
    click.echo(f"error: {message}", err=True)
    return code


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2023-12-31") from None


class _Chooser:
    """Which ruleset judges a village: an explicit file, or the registry by jurisdiction."""

    def __init__(
        self,
        ruleset: Path | None,
        rulesets: Sequence[Path],
        jurisdiction: str | None,
        on: date | None,
    ) -> None:
        # An explicit file may be an overlay of bundled rulesets, even over several base
        # versions (a range): each village gets the variant in force on its date. A file
        # that extends nothing needs no bundled ruleset, so they are not read for it.
        self.fixed: list[Ruleset] = []
        self.registry: Registry | None = None
        if ruleset is not None:
            base = Registry.default() if _may_extend(ruleset) else None
            loaded = Registry.from_paths([ruleset], base=base)
            self.fixed = [
                rs for rs in loaded.rulesets if Path(rs.file).resolve() == ruleset.resolve()
            ]
        else:
            self.registry = _registry(rulesets)
        self.jurisdiction = jurisdiction
        self.on = on

    def ruleset_for(self, village: Village) -> Ruleset:
        when = village.as_of or self.on or date.today()
        if self.fixed:
            in_force = [rs for rs in self.fixed if rs.in_force(when)]
            if not in_force:
                periods = ", ".join(
                    f"{' → '.join(la.short for la in rs.layers)} from {rs.effective_from}"
                    + (f" to {rs.effective_until}" if rs.effective_until else "")
                    for rs in self.fixed
                )
                raise StarrulesError(
                    f"{self.fixed[0].file} is not in force on {when.isoformat()} ({periods})"
                )
            return max(in_force, key=chain_key)
        assert self.registry is not None
        return self.registry.resolve(self.jurisdiction or village.jurisdiction, village.kind, when)

    def assess(self, record: VillageRecord) -> Assessment:
        try:
            return self.ruleset_for(record.village).evaluate(record.village, self.on)
        except StarrulesError as exc:
            raise StarrulesError(f"{record.where}: {exc}") from None


def _may_extend(file: Path) -> bool:
    """Whether a ruleset file may be an overlay (True when it cannot be read: loading it
    with its bases then reports the problem exactly as ever)."""
    try:
        data = read_yaml(file).data
    except StarrulesError:
        return True
    return not isinstance(data, dict) or "extends" in data


def _rulesets_option(func: Any) -> Any:
    return click.option(
        "--rulesets",
        "rulesets",
        multiple=True,
        type=click.Path(exists=True, path_type=Path),
        help="A folder of rulesets to load in addition to the bundled ones (repeatable); "
        "its overlays may extend them.",
    )(func)


def _registry(rulesets: Sequence[Path]) -> Registry:
    """The bundled rulesets, with the folders given (which may extend them)."""
    default = Registry.default()
    return Registry.from_paths(rulesets, base=default) if rulesets else default


def _ruleset_options(func: Any) -> Any:
    func = click.option(
        "--on",
        callback=_parse_date,
        metavar="YYYY-MM-DD",
        help="Date for villages without as_of (default: today).",
    )(func)
    func = click.option(
        "--jurisdiction",
        metavar="PATH",
        help="Resolve rulesets for this jurisdiction instead of each village's own.",
    )(func)
    func = _rulesets_option(func)
    func = click.option(
        "--ruleset",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Judge every village with this one ruleset file.",
    )(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="starrules")
def cli() -> None:
    """starrules: five-star Party branch ratings (五星支部) from versioned YAML rulesets."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@_ruleset_options
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
    chooser = _Chooser(ruleset, rulesets, jurisdiction, on)
    records = _records(files)
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


def _records(files: Sequence[Path]) -> Iterator[VillageRecord]:
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
@_ruleset_options
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
    chooser = _Chooser(ruleset, rulesets, jurisdiction, on)
    records = list(read_villages(file))
    if not records:
        _fail(f"{file}: no villages in the file")
    if which is None:
        if len(records) > 1:
            names = ", ".join(r.village.name for r in records[:5])
            _fail(
                f"{file} holds {len(records)} villages; choose one with --village "
                f"(e.g. {names}{' …' if len(records) > 5 else ''})"
            )
        chosen = records[0]
    else:
        matches = [r for r in records if which in (r.village.name, r.village.code)]
        if not matches:
            hint = did_you_mean(which, [r.village.name for r in records])
            _fail(f"no village named or coded '{which}' in {file}" + (f"; {hint}" if hint else ""))
        chosen = matches[0]
    click.echo(chooser.assess(chosen).explain(lang), nl=False)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def lint(paths: tuple[Path, ...]) -> None:
    """Check ruleset files (overlays against their bases, which may be bundled); print every
    problem as file:line:col, exit 1 if any."""
    files = [file for path in paths for file in find_ruleset_files(path)]
    if not files:
        _fail("no ruleset files (*.yaml) found in " + ", ".join(str(p) for p in paths))
    for file in files:  # a FIFO would block, /dev/zero never end: never open them
        reason = unreadable(file)
        if reason is not None:
            _fail(f"{file}: {reason}")
    try:
        registry = Registry.from_paths(paths, base=Registry.default())
    except RulesetError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        count = len(exc.problems)
        click.echo(
            f"{count} problem{'s' if count != 1 else ''} in {len(files)} "
            f"file{'s' if len(files) != 1 else ''}",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_FAILED) from None
    mine = {f.resolve() for f in files}
    for ruleset in registry.rulesets:
        if Path(ruleset.file).resolve() in mine:
            chain = " → ".join(la.short for la in ruleset.layers)
            click.echo(
                f"ok: {ruleset.file} ({ruleset.id}@{ruleset.version}, {ruleset.jurisdiction}, "
                f"layers {chain}, {len(ruleset.stars)} stars, "
                f"fingerprint {ruleset.fingerprint[:12]})"
            )


@cli.command(name="test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--lang", type=LANG, default="zh", show_default=True)
def test_cases(paths: tuple[Path, ...], lang: Lang) -> None:
    """Run the inline cases of ruleset files and the cases of *.test.yaml files; on failure
    show expected vs actual and the explanation, exit 1."""
    try:
        results = run_paths(list(paths), Registry.default(), lang)
    except RulesetError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        raise click.exceptions.Exit(EXIT_FAILED) from None
    passed = failed = 0
    for result in results:
        case = result.case
        if result.passed:
            passed += 1
            click.echo(f"PASS {case.location} {case.name}")
            continue
        failed += 1
        click.echo(f"FAIL {case.location} {case.name}")
        for difference in result.differences:
            click.echo(f"    {difference}")
        if result.explanation:
            click.echo("    " + result.explanation.rstrip().replace("\n", "\n    "))
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise click.exceptions.Exit(EXIT_FAILED)
    if passed == 0:
        _fail("no test cases found in " + ", ".join(str(p) for p in paths))


@cli.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--villages",
    "villages_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also compare the outcomes of these villages (JSON / JSONL).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--lang", type=LANG, default="zh", show_default=True)
def diff(old: Path, new: Path, villages_file: Path | None, fmt: str, lang: Lang) -> None:
    """What changes from ruleset file OLD to NEW: the rules, and (with --villages) which
    villages gain or lose which star, and why.

    Each village is judged on each side by the chain in force on its date; a village a side
    cannot judge (outside its jurisdiction, or no chain in force) is listed with its file:line
    and the others are compared (exit code 0)."""
    default = Registry.default()
    old_side, new_side = load_side(old, default), load_side(new, default)
    before, after = rules_pair(old_side, new_side)
    rules = rule_changes(before.tree, after.tree)
    outcome = None
    if villages_file is not None:
        outcome = village_changes(old_side, new_side, read_villages(villages_file))
    if fmt == "json":
        document: dict[str, Any] = {
            "old": [la.ref for la in before.layers],
            "new": [la.ref for la in after.layers],
            "rules": [dataclasses.asdict(c) for c in rules],
        }
        if outcome is not None:
            changes, summary = outcome
            document["villages"] = [dataclasses.asdict(c) for c in changes]
            document["summary"] = {
                "villages": summary.villages,
                "changed": summary.changed,
                "gained": dict(summary.gained),
                "lost": dict(summary.lost),
                "levels_old": dict(summary.levels_old),
                "levels_new": dict(summary.levels_new),
                "skipped": [dataclasses.asdict(v) for v in summary.skipped],
            }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(render_diff(before, after, rules, outcome, lang), nl=False)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--examples",
    "max_examples",
    type=click.IntRange(1, 100_000),
    default=100,
    show_default=True,
    help="Examples per property check.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Hypothesis seed.")
@click.option("--skip", multiple=True, help="A check to skip (repeatable).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def check(
    paths: tuple[Path, ...], max_examples: int, seed: int, skip: tuple[str, ...], fmt: str
) -> None:
    """Property-based consistency checks of ruleset files (monotone, refinement,
    tighten-only for overlays, levels nest, reachable, deterministic); exit 1 with the shrunk
    counterexamples when one fails."""
    from . import testing  # imports hypothesis, which `import starrules` does not need

    unknown = set(skip) - set(testing.CHECKS)
    if unknown:
        raise click.BadParameter(
            f"unknown check {', '.join(sorted(unknown))}; known: {', '.join(testing.CHECKS)}",
            param_hint="--skip",
        )
    registry = Registry.from_paths(paths, base=Registry.default())
    mine = {f.resolve() for path in paths for f in find_ruleset_files(path)}
    targets = [rs for rs in registry.rulesets if Path(rs.file).resolve() in mine]
    elsewhere = (
        testing.fingerprints_elsewhere(targets) if "deterministic" not in skip and targets else None
    )
    results = []
    for ruleset in targets:
        parent = next((r for r in registry.rulesets if r.layers == ruleset.layers[:-1]), None)
        results.extend(
            testing.run_checks(
                ruleset,
                parent=parent,
                max_examples=max_examples,
                seed=seed,
                skip=skip,
                elsewhere=elsewhere,
            )
        )
    failed = [r for r in results if not r.passed]
    if fmt == "json":
        click.echo(
            json.dumps([dataclasses.asdict(r) for r in results], ensure_ascii=False, indent=2)
        )
    else:
        for result in results:
            click.echo(result.report())
        click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if not targets:
        _fail("no ruleset files (*.yaml) found in " + ", ".join(str(p) for p in paths))
    if failed:
        raise click.exceptions.Exit(EXIT_FAILED)


@cli.command(name="list")
@_rulesets_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def list_rulesets(rulesets: tuple[Path, ...], fmt: str) -> None:
    """The known rulesets by jurisdiction, kind, version and dates (with their layers)."""
    registry = _registry(rulesets)
    rows = sorted(
        registry.rulesets, key=lambda rs: (rs.jurisdiction, rs.kind, rs.effective_from, rs.version)
    )
    if fmt == "json":
        data = [
            {
                "jurisdiction": rs.jurisdiction,
                "kind": rs.kind,
                "id": rs.id,
                "version": rs.version,
                "from": rs.effective_from.isoformat(),
                "until": rs.effective_until.isoformat() if rs.effective_until else None,
                "layers": [f"{la.id}@{la.version} ({la.jurisdiction})" for la in rs.layers],
                "fingerprint": rs.fingerprint,
                "file": rs.file,
            }
            for rs in rows
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = [["jurisdiction", "kind", "version", "in force", "layers", "fingerprint"]]
    for rs in rows:
        until = rs.effective_until.isoformat() if rs.effective_until else "…"
        table.append(
            [
                rs.jurisdiction,
                rs.kind,
                f"{rs.id}@{rs.version}",
                f"{rs.effective_from.isoformat()} – {until}",
                " → ".join(la.short for la in rs.layers),
                rs.fingerprint[:12],
            ]
        )
    widths = [max(display_width(r[i]) for r in table) for i in range(len(table[0]))]
    for n, row in enumerate(table):
        click.echo("  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))


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
@_rulesets_option
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
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="The date the data of villages without as_of describe.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text")
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
    lang: Lang,
    capabilities: bool,
) -> None:
    """Follow the villages through EVENTS (JSONL, '-' for stdin), printing every star and
    level change as it occurs (动态管理)."""
    from .monitor import Monitor
    from .monitor.events import read_events
    from .render.changes import render_change

    if events is None and not capabilities:
        _fail("give the EVENTS file (JSONL, '-' for stdin), or --capabilities")
    with Monitor(
        registry=_registry(rulesets),
        backend=backend,  # type: ignore[arg-type]  # click.Choice
        period=period,  # type: ignore[arg-type]
        on=on,
    ) as watcher:
        for record in _records(village_files):
            try:
                watcher.add(record.village)
            except StarrulesError as exc:
                raise StarrulesError(f"{record.where}: {exc}") from None
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


@cli.command()
@click.argument("fingerprint")
@_rulesets_option
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
def rules(fingerprint: str, rulesets: tuple[Path, ...], fmt: str) -> None:
    """The catalogue a compact record refers to (texts, sources, layers, expressions and
    targets by criterion id; star and level names) of the ruleset with FINGERPRINT, or with
    a fingerprint that starts with it (at least 8 hex digits)."""
    wanted = fingerprint.strip().lower()
    if not 8 <= len(wanted) <= 64 or any(c not in "0123456789abcdef" for c in wanted):
        _fail(f"'{fingerprint}' is not a fingerprint (8 to 64 hex digits, e.g. from a record)")
    found = {rs.fingerprint: rs for rs in _registry(rulesets).rulesets}  # same rules, once
    matches = [rs for fp, rs in found.items() if fp.startswith(wanted)]
    if not matches:
        _fail(
            f"no ruleset has fingerprint {wanted}"
            + ("" if rulesets else "; give the folder of others with --rulesets")
        )
    if len(matches) > 1:
        names = ", ".join(f"{rs.id}@{rs.version} ({rs.fingerprint[:12]})" for rs in matches)
        _fail(f"fingerprint {wanted} is ambiguous: {names}; give more of it")
    click.echo(json.dumps(matches[0].catalogue(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("what", type=click.Choice(DOCUMENTS))
def schema(what: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a village, a ruleset file, an assessment
    record (full, or compact as `evaluate --format jsonl` writes it by default), or
    a monitor event or change (the lines `starrules monitor` reads and writes)."""
    click.echo(json.dumps(json_schema(what), ensure_ascii=False, indent=2))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (errors are reported, never raised)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if any("\x00" in arg for arg in args):  # no file name or value holds one; click would raise
        return _report("an argument holds a NUL character (\\x00)", EXIT_USAGE)
    try:
        # Without standalone mode click returns the code of ctx.exit() / Exit instead of
        # calling sys.exit, so that errors of ours are reported here, in one place.
        result = cli.main(
            args=args,
            prog_name="starrules",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except StarrulesError as exc:
        return _report(str(exc), EXIT_USAGE)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); not an error of ours.
        sys.stderr.close()
        return 0
    return result if isinstance(result, int) else 0
