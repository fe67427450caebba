"""Messages given by their code, worded with their values in either language, and the small
pieces of wording that the code raising them uses (a hint in brackets, a kind of village)."""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping

from .catalogue import CATALOGUE, CODED
from .entries import Both, Entry, Lang
from .lookup import NESTED, hint_text, translate


@functools.cache
def _by_code() -> dict[str, Entry]:
    return {entry.code: entry for entry in (*CATALOGUE, *CODED)}


def entry(code: str) -> Entry:
    """The catalogue's entry for a code (KeyError for an unknown code)."""
    return _by_code()[code]


def english(code: str, values: Mapping[str, object]) -> str:
    """The English text of the message `code` with its values."""
    return entry(code).en.format(**{k: str(v) for k, v in values.items()})


def localized(code: str, values: Mapping[str, object], lang: Lang) -> str:
    """The message `code` in `lang`: `Both` values in that language, and the fields that hold
    English text of their own (`nested`) translated where the catalogue knows it."""
    item = entry(code)
    if lang == "en":
        return english(code, values)
    shown: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, Both):
            shown[name] = value.zh
        elif name in item.nested:
            shown[name] = translate(str(value), NESTED, lang)[0]
        else:
            shown[name] = str(value)
    return item.zh.format(**shown)


def hint_in(hint: str, lang: Lang) -> str:
    """A hint in brackets after a message: ` (hint)`, or `（提示）` in Chinese."""
    shown = hint_text(hint, lang)
    return f"（{shown}）" if lang == "zh" else f" ({shown})"


def aside(hint: str | None) -> Both:
    """A hint in brackets inside a message's text (` (did you mean …?)`), or nothing."""
    return Both(f" ({hint})", hint_in(hint, "zh")) if hint else Both("", "")


def error_line(location: str, code: str, text: str) -> str:
    """One line of an error: `place: text [SRnnn]` (the code last, so that the English
    text reads as it always has; after the first line of a text of several, as for an
    error found by its text)."""
    head = f"{location}: " if location else ""
    first, newline, rest = text.partition("\n")
    return f"{head}{first} [{code}]{newline}{rest}"


_VILLAGE_KINDS = {"rural": "农村", "urban_community": "城市社区"}
_VALUE_KINDS = {
    "count": "个数",
    "money": "金额",
    "rate": "比率",
    "number": "数字",
    "bool": "是/否值",
    "string": "文本",
}


def village_kind(kind: str) -> Both:
    """A kind of village (`rural`) as a message shows it in each language."""
    return Both(kind, _VILLAGE_KINDS.get(kind, kind))


def value_kind(kind: str) -> Both:
    """A kind of indicator value (`rate`) as a message shows it in each language."""
    return Both(kind, _VALUE_KINDS.get(kind, kind))


def fields_of(template: str) -> list[str]:
    """The str.format fields of a template, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def problem_count(problems: int, files: int, lang: Lang) -> str:
    """The summary line of `lint`."""
    if lang == "zh":
        return f"{files} 个文件中有 {problems} 个问题"
    return (
        f"{problems} problem{'s' if problems != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''}"
    )
