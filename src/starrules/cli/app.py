"""The command group, the exit codes and `main`, where every error is reported once.

Exit codes: 0 ok; 1 checks failed (lint found problems); 2 bad usage or bad input, with
one clear message naming the file and place. A user mistake never shows a traceback.

Messages (errors, usage errors, warnings on stderr) carry their code (`[SR501]`, see
starrules.messages) and are in the language of `--lang` when the command line gives it, else of
the locale (LC_ALL, LC_MESSAGES, LANG: `zh_CN.UTF-8` is Chinese), else English.
"""

from __future__ import annotations

import io
import locale
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

import click
from click.core import ParameterSource

from .. import __version__, messages
from ..errors import StarrulesError
from ..i18n import Lang

EXIT_FAILED = 1
EXIT_USAGE = 2

LANG = click.Choice(["zh", "en"])


def fail(message: str | StarrulesError) -> NoReturn:
    """Report an error (an English text, or an error raised with its code) and exit 2."""
    raise click.exceptions.Exit(report(message, EXIT_USAGE, message_lang()))


def report(message: str | StarrulesError, code: int, lang: Lang = "en") -> int:
    """Print an error on stderr, in `lang` with its code; return the exit code."""
    error = message if isinstance(message, StarrulesError) else StarrulesError(message)
    head = "错误：" if lang == "zh" else "error: "
    click.echo(head + error.render(lang), err=True)
    return code


def message_lang(args: Sequence[str] | None = None) -> Lang:
    """The language of messages: `--lang` on the command line (`args`, else the running
    command's), else the locale's, else English. The output of a command (tables, reports)
    follows its `--lang` option and its default instead."""
    if args is not None:
        given = _lang_in(args)
        if given is not None:
            return given
    else:
        ctx = click.get_current_context(silent=True)
        while ctx is not None:
            if ctx.get_parameter_source("lang") is ParameterSource.COMMANDLINE:
                value = ctx.params.get("lang")
                if value in ("zh", "en"):
                    return "zh" if value == "zh" else "en"
            ctx = ctx.parent
    return locale_lang()


def _lang_in(args: Sequence[str]) -> Lang | None:
    """The last valid `--lang zh|en` (or `--lang=…`) before a `--`, if any."""
    found: Lang | None = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        if value == "zh":
            found = "zh"
        elif value == "en":
            found = "en"
    return found


def locale_lang() -> Lang:
    """Chinese when the locale is (LC_ALL, LC_MESSAGES or LANG, the first one set; on
    Windows, the user's locale), else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    if sys.platform == "win32":  # pragma: no cover - no such variables there
        name = (locale.getlocale()[0] or "").lower()
        if name.startswith(("zh", "chinese")):
            return "zh"
    return "en"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="starrules")
def cli() -> None:
    """starrules: five-star Party branch ratings (五星支部) from versioned YAML rulesets."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (errors are reported, never raised)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    lang = message_lang(args)
    if any("\x00" in arg for arg in args):  # no file name or value holds one; click would raise
        return report(StarrulesError.of(None, "SR610"), EXIT_USAGE, lang)
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
        show_usage_error(exc, lang)
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo(StarrulesError.of(None, "SR611").render(lang), err=True)
        return 130
    except StarrulesError as exc:
        return report(exc, EXIT_USAGE, lang)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); not an error of ours.
        sys.stderr.close()
        return 0
    return result if isinstance(result, int) else 0


# -- usage errors -----------------------------------------------------------------------------


def show_usage_error(exc: click.ClickException, lang: Lang) -> None:
    """A usage error as click shows it (usage, how to get help, the error), in `lang`, with
    the code after the error's first line."""
    shown = io.StringIO()
    exc.show(file=shown)
    english = exc.format_message()
    before, marker, after = shown.getvalue().rpartition(f"Error: {english}")
    if not marker:  # not an error's message (the help, when no command is given): as it is
        click.echo(shown.getvalue(), err=True, nl=False)
        return
    code, text = usage_message(exc, lang)
    if lang == "zh":
        before = re.sub(r"^Usage: ?", "用法：", before, flags=re.MULTILINE)
        before = re.sub(r"^Try '(.*)' for help\.$", r"试试 '\1' 查看帮助。", before, flags=re.M)
    first, newline, rest = text.partition("\n")
    head = "错误：" if lang == "zh" else "Error: "
    click.echo(f"{before}{head}{first} [{code}]{newline}{rest}{after}", err=True, nl=False)


def usage_message(exc: click.ClickException, lang: Lang) -> tuple[str, str]:
    """(the code, the text in `lang`) of a usage error; in English, click's own text."""
    code, values, hint = _usage_code(exc)
    if lang == "en":
        return code, exc.format_message()
    text = messages.localized(code, values, lang)
    return code, text + (messages.hint_in(hint, lang) if hint else "")


# click < 8.4 has no NoSuchCommand: its message is then found by its text
_NO_SUCH_COMMAND: type[click.UsageError] | None = getattr(click.exceptions, "NoSuchCommand", None)


def _usage_code(exc: click.ClickException) -> tuple[str, dict[str, object], str | None]:
    """The code, values and hint of a usage error, from what click knows of it."""
    ctx = getattr(exc, "ctx", None)
    possibilities = getattr(exc, "possibilities", None) or []
    hint = (
        "did you mean " + " or ".join(f"'{n}'" for n in possibilities) + "?"
        if possibilities
        else None
    )
    if isinstance(exc, click.NoSuchOption):
        return "SR601", {"option": exc.option_name}, hint
    if _NO_SUCH_COMMAND is not None and isinstance(exc, _NO_SUCH_COMMAND):
        return "SR602", {"name": getattr(exc, "command_name", "")}, hint
    if isinstance(exc, click.MissingParameter | click.BadParameter):
        param = exc.param
        name = param.get_error_hint(ctx) if param is not None and ctx is not None else None
        shown = name or _hint_text(exc.param_hint)
        if isinstance(exc, click.MissingParameter):
            choices = getattr(getattr(param, "type", None), "choices", None)
            listed = f"one of: {', '.join(map(str, choices))}" if choices else None
            kind = exc.param_type or getattr(param, "param_type_name", None)
            return ("SR604" if kind == "option" else "SR603"), {"param": shown}, listed
        if shown:
            return "SR605", {"param": shown, "detail": exc.message}, None
    text = exc.format_message()
    code = messages.code_of(text)
    if code.startswith("SR6"):
        return code, dict(messages.values_of(text)), None
    return "SR600", {"detail": text}, None


def _hint_text(hint: object) -> str:
    if isinstance(hint, str):
        return hint
    if isinstance(hint, Sequence):
        return " / ".join(f"'{h}'" for h in hint)
    return ""
