"""What is known: `list` (rulesets), `rules` (a ruleset's catalogue), `schema`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..json_schemas import DOCUMENTS, json_schema
from ..render.table import display_width, pad
from .app import cli, fail
from .options import registry_of, rulesets_option


@cli.command(name="list")
@rulesets_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def list_rulesets(rulesets: tuple[Path, ...], fmt: str) -> None:
    """The known rulesets by jurisdiction, kind, version and dates (with their layers)."""
    registry = registry_of(rulesets)
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
@click.argument("fingerprint")
@rulesets_option
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
def rules(fingerprint: str, rulesets: tuple[Path, ...], fmt: str) -> None:
    """The catalogue a compact record refers to (texts, sources, layers, expressions and
    targets by criterion id; star and level names) of the ruleset with FINGERPRINT, or with
    a fingerprint that starts with it (at least 8 hex digits)."""
    wanted = fingerprint.strip().lower()
    if not 8 <= len(wanted) <= 64 or any(c not in "0123456789abcdef" for c in wanted):
        fail(f"'{fingerprint}' is not a fingerprint (8 to 64 hex digits, e.g. from a record)")
    found = {rs.fingerprint: rs for rs in registry_of(rulesets).rulesets}  # same rules, once
    matches = [rs for fp, rs in found.items() if fp.startswith(wanted)]
    if not matches:
        fail(
            f"no ruleset has fingerprint {wanted}"
            + ("" if rulesets else "; give the folder of others with --rulesets")
        )
    if len(matches) > 1:
        names = ", ".join(f"{rs.id}@{rs.version} ({rs.fingerprint[:12]})" for rs in matches)
        fail(f"fingerprint {wanted} is ambiguous: {names}; give more of it")
    click.echo(json.dumps(matches[0].catalogue(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("what", type=click.Choice(DOCUMENTS))
def schema(what: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a village, a ruleset file, an assessment
    record (full, or compact as `evaluate --format jsonl` writes it by default), or
    a monitor event or change (the lines `starrules monitor` reads and writes)."""
    click.echo(json.dumps(json_schema(what), ensure_ascii=False, indent=2))
