"""Recognising a message by its English text: the catalogue's English templates, read as
patterns, give back a text's code and its fields, which fill the Chinese template. A field
listed in `nested` holds another message, looked up in turn; hints and fragments are looked
up the same way."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass

from .catalogue import CATALOGUE
from .entries import GENERIC, Entry, Lang, Phrase
from .phrases import FRAGMENTS, HINTS


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    template: Entry | Phrase
    weight: int  # characters of literal text: the most specific template is tried first
    literals: tuple[str, ...]  # its pieces of literal text, in order
    head: str  # the literal text it starts with
    tail: str  # the literal text it ends with

    def match(self, text: str) -> re.Match[str] | None:
        # Cheap tests first: a problem is made (and looked up) for every mistake in a
        # file, and a file may hold thousands of them, each with a long expression.
        if not (text.startswith(self.head) and text.endswith(self.tail)):
            return None
        if not all(piece in text for piece in self.literals):
            return None
        return self.regex.match(text)


def _compile(item: Entry | Phrase) -> _Pattern:
    parts: list[str] = ["^"]
    literals: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(item.en):
        parts.append(re.escape(literal))
        if literal:
            literals.append(literal)
        if name:
            parts.append(f"(?P<{name}>{item.fields.get(name, '.+?')})")
    parts.append("$")
    pieces = list(string.Formatter().parse(item.en))
    head = pieces[0][0] if pieces else ""
    tail = pieces[-1][0] if pieces and pieces[-1][1] is None else ""
    return _Pattern(
        re.compile("".join(parts), re.DOTALL),
        item,
        sum(map(len, literals)),
        tuple(literals),
        head,
        tail,
    )


@functools.cache
def _patterns(kind: str) -> tuple[_Pattern, ...]:
    items: Iterable[Entry | Phrase] = FRAGMENTS
    if kind == "message":
        items = CATALOGUE
    elif kind == "hint":
        items = HINTS
    return tuple(sorted((_compile(i) for i in items), key=lambda p: -p.weight))


def _match(text: str, kind: str) -> tuple[Entry | Phrase, dict[str, str]] | None:
    for pattern in _patterns(kind):
        found = pattern.match(text)
        if found is not None:
            return pattern.template, found.groupdict()
    return None


def translate(text: str, kinds: tuple[str, ...], lang: Lang) -> tuple[str, str | None]:
    """(the text in `lang`, the code of its most specific catalogued message or None)."""
    if len(text) <= _CACHED:
        return _translate_cached(text, kinds, lang)
    return _translate_text(text, kinds, lang)


_CACHED = 4096  # characters: longer texts are not kept (the cache holds at most ~16 MB)


@functools.lru_cache(maxsize=4096)  # a file's mistakes often repeat one message
def _translate_cached(text: str, kinds: tuple[str, ...], lang: Lang) -> tuple[str, str | None]:
    return _translate_text(text, kinds, lang)


def _translate_text(text: str, kinds: tuple[str, ...], lang: Lang) -> tuple[str, str | None]:
    for kind in kinds:
        found = _match(text, kind)
        if found is None:
            continue
        item, values = found
        code = item.code if isinstance(item, Entry) else None
        for name in item.nested:
            inner, inner_code = translate(values[name], NESTED, lang)
            values[name] = inner
            code = inner_code or code
        if lang == "zh":
            if "choices" in values:
                values["choices"] = values["choices"].replace("' or '", "' 或 '")
            return item.zh.format(**values), code
        return item.en.format(**values), code
    return text, None


NESTED = ("message", "fragment", "hint")  # what a nested field may hold


def values_of(message: str) -> dict[str, str]:
    """The values of a catalogued message's fields, read from its English text."""
    found = _match(message, "message")
    return found[1] if found is not None else {}


def code_of(message: str) -> str:
    """The code of a problem's English message; GENERIC when it is not catalogued."""
    return translate(message, ("message",), "en")[1] or GENERIC


def message_text(message: str, lang: Lang) -> str:
    """A problem's English message in `lang` (unchanged when not catalogued)."""
    return message if lang == "en" else translate(message, ("message",), lang)[0]


def hint_text(hint: str, lang: Lang) -> str:
    """A hint in `lang` (unchanged when not catalogued)."""
    return hint if lang == "en" else translate(hint, ("hint", "fragment"), lang)[0]


def render(
    location: str, code: str, message: str, hint: str | None, lang: Lang, shown: str | None = None
) -> str:
    """`file:line:col: [SRnnn] message (hint)`, in `lang` (`shown`: the message already in
    `lang`)."""
    text = f"{location}: [{code}] {shown if shown is not None else message_text(message, lang)}"
    if hint:
        shown = hint_text(hint, lang)
        text += f"（{shown}）" if lang == "zh" else f" ({shown})"
    return text


# Messages of a shape so general ("{field}: {detail}") that, in an error's text, they say
# nothing unless what they hold is known (its code, the more specific, is then given).
_SHAPES = frozenset({"SR206"})


def error_text(text: str, lang: Lang) -> str:
    """An error's English text, not given a code where it was raised, in `lang` with the code
    of the catalogued message it is (GENERIC when none), after its first line. A message
    after a place (`file:line: message`) is found too."""
    first, newline, rest = text.partition("\n")
    for candidate, tail in ((text, ""), (first, newline + rest)):
        head = ""
        while True:
            shown, code = translate(candidate, ("message",), lang)
            if code is not None and code not in _SHAPES:
                lines = (head + shown + tail).split("\n", 1)
                lines[0] += f" [{code}]"
                return "\n".join(lines)
            place, sep, candidate = candidate.partition(": ")
            if not sep:
                break
            head += place + sep
    return f"{first} [{GENERIC}]{newline}{rest}"
