"""The command group, the exit codes and `main`, where every error is reported once.

Exit codes: 0 ok; 1 checks failed (lint found problems); 2 bad usage or bad input, with
one clear message naming the file and place. A user mistake never shows a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from .. import __version__
from ..errors import StarrulesError

EXIT_FAILED = 1
EXIT_USAGE = 2

LANG = click.Choice(["zh", "en"])


def fail(message: str) -> NoReturn:
    raise click.exceptions.Exit(report(message, EXIT_USAGE))


def report(message: str, code: int) -> int:
    click.echo(f"error: {message}", err=True)
    return code


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="starrules")
def cli() -> None:
    """starrules: five-star Party branch ratings (五星支部) from versioned YAML rulesets."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (errors are reported, never raised)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if any("\x00" in arg for arg in args):  # no file name or value holds one; click would raise
        return report("an argument holds a NUL character (\\x00)", EXIT_USAGE)
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
        return report(str(exc), EXIT_USAGE)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); not an error of ours.
        sys.stderr.close()
        return 0
    return result if isinstance(result, int) else 0
