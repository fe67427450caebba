"""What is known: `list` (rulesets), `rules` (a ruleset's catalogue), `schema`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import click

from ..errors import StarrulesError
from ..load.chains import chain_key
from ..render.json_schemas import DOCUMENTS, json_schema
from ..render.table import display_width, pad
from ..ruleset import Ruleset
from .app import cli, fail
from .options import registry_of, rulesets_option


@cli.command(name="list")
@rulesets_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Also the rulesets never in force (superseded on their first day), with a note "
    "column saying when each ruleset gives way to another.",
)
def list_rulesets(rulesets: tuple[Path, ...], fmt: str, show_all: bool) -> None:
    """The known rulesets by jurisdiction, kind, version and dates (with their layers)."""
    registry = registry_of(rulesets)
    rows = sorted(
        registry.rulesets, key=lambda rs: (rs.jurisdiction, rs.kind, rs.effective_from, rs.version)
    )
    notes = succession_notes(rows)
    if not show_all:
        rows = [rs for rs in rows if notes[id(rs)][0]]
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
                "note": notes[id(rs)][1],
            }
            for rs in rows
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    header = ["jurisdiction", "kind", "version", "in force", "layers", "fingerprint"]
    table = [[*header, "note"] if show_all else header]
    for rs in rows:
        until = rs.effective_until.isoformat() if rs.effective_until else "…"
        line = [
            rs.jurisdiction,
            rs.kind,
            f"{rs.id}@{rs.version}",
            f"{rs.effective_from.isoformat()} – {until}",
            " → ".join(la.short for la in rs.layers),
            rs.fingerprint[:12],
        ]
        table.append([*line, notes[id(rs)][1] or ""] if show_all else line)
    widths = [max(display_width(r[i]) for r in table) for i in range(len(table[0]))]
    for n, row in enumerate(table):
        click.echo("  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))


def succession_notes(rulesets: Sequence[Ruleset]) -> dict[int, tuple[bool, str | None]]:
    """For each ruleset (by id()): whether `resolve` ever chooses it, and a note on when it
    gives way to another chain of its family for the same jurisdiction and kind. A chain in
    force where a higher one is too (the 2022.1 province after 2023.1 starts) is not chosen
    there; one superseded on its first day is never chosen: its effective period is empty."""
    groups: dict[tuple[str, str, str], list[Ruleset]] = {}
    for rs in rulesets:
        groups.setdefault((rs.jurisdiction, rs.kind, rs.id), []).append(rs)
    notes: dict[int, tuple[bool, str | None]] = {}
    for group in groups.values():
        # the days on which the set of chains in force can change
        days = sorted(
            {rs.effective_from for rs in group}
            | {
                rs.effective_until + timedelta(days=1)
                for rs in group
                if rs.effective_until and rs.effective_until < date.max
            }
        )
        winners = {day: _winner(group, day) for day in days}
        for rs in group:
            mine = [day for day in days if rs.in_force(day)]
            chosen = [day for day in mine if winners[day] is rs]
            if not chosen:
                first = rs.effective_from.isoformat()
                notes[id(rs)] = (
                    False,
                    f"never in force: superseded on its first day ({first}) by "
                    + _chain(winners[rs.effective_from]),
                )
                continue
            later = [day for day in mine if day > chosen[0] and winners[day] is not rs]
            notes[id(rs)] = (
                True,
                f"superseded from {later[0].isoformat()} by {_chain(winners[later[0]])}"
                if later
                else None,
            )
    return notes


def _chain(ruleset: Ruleset | None) -> str:
    # never None here: the ruleset asked about is itself in force on the day
    return " → ".join(la.short for la in ruleset.layers) if ruleset else "?"


def _winner(group: Sequence[Ruleset], day: date) -> Ruleset | None:
    """The chain `Registry.resolve` takes among these on that day."""
    in_force = [rs for rs in group if rs.in_force(day)]
    return max(in_force, key=chain_key) if in_force else None


@cli.command()
@click.argument("fingerprint")
@rulesets_option
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
def rules(fingerprint: str, rulesets: tuple[Path, ...], fmt: str) -> None:
    """The catalogue a compact record refers to (texts, sources, layers, expressions and
    targets by criterion id; star and level names) of the ruleset with FINGERPRINT, or with
    a fingerprint that starts with it (at least 8 hex digits)."""
    wanted = fingerprint.strip().lower()
    if not 8 <= len(wanted) <= 64 or any(c not in "0123456789abcdef" for c in wanted):
        fail(StarrulesError.of(None, "SR647", fingerprint=fingerprint))
    found = {rs.fingerprint: rs for rs in registry_of(rulesets).rulesets}  # same rules, once
    matches = [rs for fp, rs in found.items() if fp.startswith(wanted)]
    if not matches:
        fail(StarrulesError.of(None, "SR649" if rulesets else "SR648", fingerprint=wanted))
    if len(matches) > 1:
        names = ", ".join(f"{rs.id}@{rs.version} ({rs.fingerprint[:12]})" for rs in matches)
        fail(StarrulesError.of(None, "SR650", fingerprint=wanted, names=names))
    click.echo(json.dumps(matches[0].catalogue(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("what", type=click.Choice(DOCUMENTS))
def schema(what: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a village, a ruleset file, an assessment
    record (full, or compact as `evaluate --format jsonl` writes it by default), or
    a monitor event or change (the lines `starrules monitor` reads and writes)."""
    click.echo(json.dumps(json_schema(what), ensure_ascii=False, indent=2))
