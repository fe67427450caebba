"""`diff`: what changes between two ruleset files, for the rules and for villages."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import click

from ..i18n import Lang
from ..inputs.villages import read_villages
from ..load.registry import Registry
from ..render.diff import render_diff
from ..testing.diff import SkippedVillage, load_side, rule_changes, rules_pair, village_changes
from .app import LANG, cli
from .options import strict_option


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
@strict_option
@click.option("--lang", type=LANG, default="zh", show_default=True)
def diff(
    old: Path, new: Path, villages_file: Path | None, fmt: str, strict: bool, lang: Lang
) -> None:
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
        outcome = village_changes(old_side, new_side, read_villages(villages_file), strict=strict)
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
                "skipped": [_skipped(v) for v in summary.skipped],
            }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(render_diff(before, after, rules, outcome, lang), nl=False)


def _skipped(village: SkippedVillage) -> dict[str, Any]:
    """A village not compared, in JSON: the message's code instead of the problem."""
    shown = {f.name: getattr(village, f.name) for f in dataclasses.fields(village)}
    problem = shown.pop("problem")
    if problem is not None:
        shown["error_code"] = problem.code
    return shown
