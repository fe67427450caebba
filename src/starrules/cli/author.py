"""Tools for ruleset authors: `lint`, `test` (cases) and `check` (properties)."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import messages
from ..errors import RulesetError, StarrulesError
from ..i18n import Lang, Words
from ..load.loader import find_ruleset_files
from ..load.registry import Registry
from ..load.yaml_files import unreadable_problem
from ..messages import problem_count
from ..testing.cases import run_paths
from .app import EXIT_FAILED, LANG, cli, fail
from .options import strict_option

if TYPE_CHECKING:
    from ..testing import CheckEvent, CheckResult


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--lang", type=LANG, default="zh", show_default=True)
def lint(paths: tuple[Path, ...], lang: Lang) -> None:
    """Check ruleset files (overlays against their bases, which may be bundled); print every
    problem as file:line:col: [code] message (hint), exit 1 if any."""
    files = [file for path in paths for file in find_ruleset_files(path)]
    if not files:
        fail(_no_files(paths))
    for file in files:  # a FIFO would block, /dev/zero never end: never open them
        problem = unreadable_problem(file)
        if problem is not None:
            fail(StarrulesError.listing([problem]))
    try:
        registry = Registry.from_paths(paths, base=Registry.default())
    except RulesetError as exc:
        for problem in exc.problems:
            click.echo(problem.render(lang))
        click.echo(problem_count(len(exc.problems), len(files), lang), err=True)
        raise click.exceptions.Exit(EXIT_FAILED) from None
    mine = {f.resolve() for f in files}
    for ruleset in registry.rulesets:
        if Path(ruleset.file).resolve() in mine:
            chain = " → ".join(la.short for la in ruleset.layers)
            name = f"{ruleset.id}@{ruleset.version}"
            stars, fingerprint = len(ruleset.stars), ruleset.fingerprint[:12]
            if lang == "zh":
                click.echo(
                    f"通过：{ruleset.file}（{name}，{ruleset.jurisdiction}，层 {chain}，"
                    f"{stars} 颗星，指纹 {fingerprint}）"
                )
            else:
                click.echo(
                    f"ok: {ruleset.file} ({name}, {ruleset.jurisdiction}, layers {chain}, "
                    f"{stars} stars, fingerprint {fingerprint})"
                )


@cli.command(name="test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--lang", type=LANG, default="zh", show_default=True)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Under a failing case, the whole explanation of the village.",
)
@strict_option
def test_cases(paths: tuple[Path, ...], lang: Lang, verbose: bool, strict: bool) -> None:
    """Run the inline cases of ruleset files and the cases of *.test.yaml files; on failure
    show expected vs actual and the criteria that decided it (-v: the whole explanation),
    exit 1."""
    try:
        results = run_paths(list(paths), Registry.default(), lang, strict=strict)
    except RulesetError as exc:
        for problem in exc.problems:
            click.echo(problem.render(lang))
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
        for line in result.report(verbose):
            click.echo(line)
    click.echo(_counts(passed, failed, lang))
    if failed:
        raise click.exceptions.Exit(EXIT_FAILED)
    if passed == 0:
        fail(StarrulesError.of(None, "SR621", paths=", ".join(str(p) for p in paths)))


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
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(0, 1024),
    default=1,
    show_default=True,
    help="Processes to run the checks in (0: one per CPU); the results are the same.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="A line on stderr per check as it finishes [default: when stderr is a terminal].",
)
@click.option("--lang", type=LANG, default="zh", show_default=True)
def check(
    paths: tuple[Path, ...],
    max_examples: int,
    seed: int,
    skip: tuple[str, ...],
    fmt: str,
    jobs: int,
    progress: bool | None,
    lang: Lang,
) -> None:
    """Property-based consistency checks of ruleset files (monotone, refinement,
    tighten-only for overlays, levels nest, reachable, deterministic); exit 1 with the shrunk
    counterexamples when one fails."""
    from .. import testing  # imports hypothesis, which `import starrules` does not need

    unknown = set(skip) - set(testing.CHECKS)
    if unknown:
        raise click.BadParameter(
            f"unknown check {', '.join(sorted(unknown))}; known: {', '.join(testing.CHECKS)}",
            param_hint="--skip",
        )
    if progress is None:
        progress = sys.stderr.isatty()
    files = [file for path in paths for file in find_ruleset_files(path)]
    results = testing.run_all_checks(
        paths,
        max_examples=max_examples,
        seed=seed,
        skip=skip,
        jobs=jobs,
        progress=_show_progress if progress else None,
    )
    failed = [r for r in results if not r.passed]
    if fmt == "json":
        click.echo(
            json.dumps([dataclasses.asdict(r) for r in results], ensure_ascii=False, indent=2)
        )
    else:
        for result in results:
            click.echo(check_report(result, lang))
        click.echo(_counts(len(results) - len(failed), len(failed), lang))
    if not files:
        fail(_no_files(paths))
    if failed:
        raise click.exceptions.Exit(EXIT_FAILED)


def _show_progress(event: CheckEvent) -> None:
    """`[3/12] cn-henan/anyang/tangyin@2022.1 on cn-henan@2022.1 · monotone … ok 2.1 s` on
    stderr: the head as a check starts (in this process), the verdict when it is done."""
    number = event.done + 1 if event.result is None else event.done
    head = f"[{number}/{event.total}] {event.ruleset} · {event.check} … "
    if event.result is None:
        click.echo(head, err=True, nl=False)
        return
    verdict = f"{'ok' if event.result.passed else 'FAIL'} {event.seconds:.1f} s"
    click.echo(verdict if event.started else head + verdict, err=True)


def _no_files(paths: tuple[Path, ...]) -> StarrulesError:
    return StarrulesError.of(None, "SR620", paths=", ".join(str(p) for p in paths))


def _counts(passed: int, failed: int, lang: Lang) -> str:
    if lang == "zh":
        return f"{passed} 项通过，{failed} 项未通过"
    return f"{passed} passed, {failed} failed"


_REPORT_WORDS = Words(
    {
        "examples": ("（{n} 个样例）", " ({n} examples)"),
        "responsible": ("  相关项：", "  responsible: "),
        "counterexample": ("  反例（已缩到最简）：", "  counterexample (shrunk):"),
        "before": ("  之前：", "  before: "),
        "after": ("  之后：", "  after: "),
    }
)


_OUTCOME = re.compile(r"\((\w+) → (\w+)\)")
_OUTCOMES_ZH = {
    "pass": "达标",
    "fail": "未达标",
    "unknown": "未知",
    "absent": "无此项",
    "granted": "获得",
    "denied": "未获得",
    "undetermined": "待定",
}


def _zh(word: str) -> str:
    return _OUTCOMES_ZH.get(word, word)


def check_report(result: CheckResult, lang: Lang) -> str:
    """A check's outcome as `CheckResult.report` words it, in `lang`, the failure's message
    followed by its code (PASS and FAIL stay as they are, as in `starrules test`)."""
    w = _REPORT_WORDS
    head = f"{'PASS' if result.passed else 'FAIL'} {result.name} — {result.ruleset}"
    if result.passed:
        return head + w("examples", lang, n=result.examples)
    lines = [head, f"  {messages.error_text(result.message, lang)}"]
    if result.responsible:
        responsible = ", ".join(result.responsible)
        if lang == "zh":  # `industry.income (pass → fail)`: the outcomes in words
            responsible = _OUTCOME.sub(lambda m: f"（{_zh(m[1])} → {_zh(m[2])}）", responsible)
            responsible = responsible.replace(", ", "，").replace(" （", "（")
        lines.append(w("responsible", lang) + responsible)
    if result.counterexample is not None:
        lines.append(w("counterexample", lang))
        text = json.dumps(result.counterexample, ensure_ascii=False, sort_keys=True)
        lines.append(f"    {text}")
    for label, summary in (("before", result.before), ("after", result.after)):
        if summary is not None:
            lines.append(w(label, lang) + json.dumps(summary, ensure_ascii=False))
    return "\n".join(lines)
