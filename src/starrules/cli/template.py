"""`template`: an empty spreadsheet with the columns a ruleset needs, to fill in and evaluate."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import click

from .. import messages
from ..errors import StarrulesError, did_you_mean
from ..i18n import Lang
from ..inputs.sheet_columns import column_label, template_columns
from ..inputs.sheet_rows import require_openpyxl
from ..load.chains import chain_key
from ..render.rows import TableFormat, open_writer
from ..ruleset import Ruleset
from ..village import JURISDICTION_PATTERN, within
from .app import LANG, cli, fail, message_lang
from .choose import Chooser
from .inputs import binary_stdout
from .options import output_option, parse_date, registry_of, rulesets_option


@cli.command()
@click.argument("ruleset_ref", metavar="RULESET")
@click.option(
    "--kind",
    type=click.Choice(["rural", "urban_community"]),
    default="rural",
    show_default=True,
    help="With a jurisdiction: the kind of village.",
)
@click.option(
    "--on",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="The ruleset in force on this date (default: today).",
)
@rulesets_option
@click.option("--lang", type=LANG, default="zh", show_default=True, help="Language of the headers.")
@output_option("Write to FILE (.csv or .xlsx) instead of standard output (CSV).")
def template(
    ruleset_ref: str,
    kind: str,
    on: date | None,
    rulesets: tuple[Path, ...],
    lang: Lang,
    output: Path | None,
) -> None:
    """An empty spreadsheet with the columns RULESET needs: the village's identity, then every
    indicator its criteria read, headed by their Chinese (--lang zh) or English labels.

    RULESET is a jurisdiction (cn-henan/anyang/tangyin: the ruleset in force there for --kind
    on --on, county overlays included) or a ruleset file."""
    ruleset = _ruleset(ruleset_ref, kind, on, rulesets)
    fmt: TableFormat = "csv"
    if output is not None and output.suffix.lower() in (".xlsx", ".xlsm"):
        fmt = "xlsx"
        require_openpyxl("write")
    elif output is not None and output.suffix.lower() != ".csv":
        fail(StarrulesError.of(str(output), "SR622"))
    labels = ruleset.tree.indicators
    header = [column_label(path, lang, labels) for path in template_columns(ruleset)]
    target = output if output is not None else binary_stdout()
    if target is None:
        click.echo(",".join(header))
        return
    writer = open_writer(fmt, target, "villages")
    try:
        writer.write(header)
    finally:
        writer.close()


def _ruleset(ref: str, kind: str, on: date | None, rulesets: tuple[Path, ...]) -> Ruleset:
    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml") or path.is_file():
        if not path.is_file():
            fail(StarrulesError.of(ref, "SR503"))
        fixed = Chooser(path, (), None, on).fixed
        when = on or date.today()
        in_force = [rs for rs in fixed if rs.in_force(when)] or fixed
        if not in_force:
            fail(StarrulesError.of(ref, "SR623"))
        return max(in_force, key=chain_key)
    if not re.fullmatch(JURISDICTION_PATTERN, ref):
        fail(StarrulesError.of(None, "SR624", ref=ref))
    registry = registry_of(rulesets)
    known = sorted({rs.jurisdiction for rs in registry.rulesets})
    if not any(within(ref, j) for j in known):
        hint = did_you_mean(ref, known)
        if hint is None:
            fail(StarrulesError.of(None, "SR626", ref=ref, known=", ".join(known)))
        suggestion = messages.Both(f"; {hint}", f"；{messages.hint_text(hint, 'zh')}")
        fail(StarrulesError.of(None, "SR625", ref=ref, suggestion=suggestion))
    found = registry.resolve(ref, kind, on)
    if found.jurisdiction != ref:  # a county without rules of its own: say whose apply
        if message_lang() == "zh":
            click.echo(f"注意：{ref} 本身没有规则集；适用 {found.jurisdiction} 的规则集", err=True)
        else:
            click.echo(
                f"note: no ruleset of {ref} itself; {found.jurisdiction}'s applies", err=True
            )
    return found
