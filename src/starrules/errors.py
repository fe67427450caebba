"""The error tree and the located problems that ruleset authors act on.

StarrulesError
├── RulesetError        a ruleset file (or set of files) cannot be loaded; lists every Problem
├── ResolutionError     no ruleset applies to a jurisdiction, kind and date
├── EvaluationError     a village cannot be evaluated against a ruleset
├── InputError          a file of villages or events cannot be read, or an event cannot apply
└── MonitorError        a monitor cannot be set up as asked (e.g. its backend is not installed)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Self

from . import messages
from .messages import Both, Lang

Place = str | Both  # a file's name, or a place in words given in both languages


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file; line and column are 1-based. A place that is words rather
    than a file's name (a partition, a village, a row) has its Chinese wording in `zh`."""

    file: str
    line: int | None = None
    column: int | None = None
    zh: str | None = field(default=None, compare=False)

    @classmethod
    def of(cls, place: Place) -> Location:
        """The place of a file's name or of words given in both languages."""
        if isinstance(place, Both):
            return cls(place.en, zh=place.zh)
        return cls(place)

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: Lang) -> str:
        """The place as said in `lang`."""
        where = self.zh if lang == "zh" and self.zh is not None else self.file
        if self.line is None:
            return where
        if self.column is None:
            return f"{where}:{self.line}"
        return f"{where}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a ruleset, where it is, and what to do about it.

    `message` and `hint` are in English; `code` is the stable code of the message in the
    catalogue (starrules.messages), found from the English text when not given, and `render`
    gives the problem in Chinese or English with its code. The code is not compared: two
    problems are the same when they say the same thing at the same place."""

    location: Location
    message: str
    hint: str | None = None
    code: str = field(default="", compare=False)
    # the values of the catalogue's message `code`, when the problem was made by its code
    # (`Problem.coded`): its Chinese text is made from them, not found from the English
    values: Mapping[str, object] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.code:
            object.__setattr__(self, "code", messages.code_of(self.message))

    @classmethod
    def coded(
        cls, location: Location, code: str, hint: str | None = None, **values: object
    ) -> Problem:
        """The problem of the catalogue's message `code` with these values (a value may be
        a `messages.Both`, given in both languages)."""
        return cls(location, messages.english(code, values), hint, code, values)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if str(self.location) else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def text(self, lang: Lang) -> str:
        """The message in `lang`, without place, hint or code."""
        if self.values is not None:
            return messages.localized(self.code, self.values, lang)
        return messages.message_text(self.message, lang)

    def render(self, lang: Lang = "en") -> str:
        """`file:line:col: [SRnnn] message (hint)` in `lang`."""
        return messages.render(
            self.location.text(lang), self.code, self.message, self.hint, lang, self.text(lang)
        )

    def line(self, lang: Lang = "en") -> str:
        """`file:line:col: message (hint) [SRnnn]` in `lang`: the problem as an error line,
        whose English is `str(problem)` with the code after it."""
        text = self.text(lang) + (messages.hint_in(self.hint, lang) if self.hint else "")
        return messages.error_line(self.location.text(lang), self.code, text)


def place_and(place: Place, more: str, more_zh: str | None = None) -> Place:
    """`place: more` (a field, a village), in both languages when either part is given in
    both (`more_zh`: the Chinese of `more`, when it is words)."""
    if isinstance(place, Both) or more_zh is not None:
        zh = place.zh if isinstance(place, Both) else place
        return Both(f"{place}: {more}", f"{zh}: {more if more_zh is None else more_zh}")
    return f"{place}: {more}"


def close_matches(word: str, choices: Iterable[str]) -> list[str]:
    """The choices close to a misspelt name, closest first (at most three)."""
    return difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A 'did you mean …?' hint for a misspelt name, or None when nothing is close."""
    matches = close_matches(word, choices)
    if not matches:
        return None
    return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"


def did_you_mean_named(word: str, names: Mapping[str, Iterable[str]]) -> str | None:
    """A did-you-mean hint for an id written as a Chinese name (`产业兴旺星` for the star
    `industry`, `村集体经济年收入` for an indicator): `names` gives each id's names. None
    when `word` is ASCII or close to no name."""
    word = word.strip()
    if not word or word.isascii():
        return None

    def forms(name: str) -> set[str]:
        name = name.strip()
        return {name, name.removesuffix("星")} - {""}

    wanted = forms(word)
    ids = [i for i, ns in names.items() if any(wanted & forms(n) for n in ns)]
    if not ids and len(word) >= 2:  # a part of a name, or a name with more around it
        ids = [i for i, ns in names.items() if any(word in n or n in word for n in ns if n)]
    if not ids:
        by_name: dict[str, str] = {}
        for i, ns in names.items():
            for n in ns:
                by_name.setdefault(n, i)
        ids = list(dict.fromkeys(by_name[m] for m in close_matches(word, by_name)))
    if not ids:
        return None
    shown = " or ".join(f"'{i}'" for i in ids[:3])
    return f"did you mean {shown}? write the id, not the Chinese name"


def field_path(parts: Iterable[object]) -> str:
    """A field path for a message, `branch.reserve_cadres`; a name that is not printable text
    (a line break in an unknown key, say) is quoted with escapes, so that every line of a
    message keeps its place."""
    return ".".join(str(p) if not isinstance(p, str) or p.isprintable() else repr(p) for p in parts)


class StarrulesError(Exception):
    """Base class of every error starrules raises on purpose.

    `problems` are what the error says, with their codes, when it was raised with them
    (`of`, `listing`); `render(lang)` gives it in Chinese or English with the codes, and
    `str(error)` stays the English text."""

    problems: tuple[Problem, ...] = ()

    @classmethod
    def of(cls, where: Place | None, code: str, hint: str | None = None, **values: object) -> Self:
        """The error of one catalogued message, `where: message` (e.g. `file:3: …`; a place
        in words may be given in both languages)."""
        return cls.listing([Problem.coded(Location.of(where or ""), code, hint, **values)])

    @classmethod
    def listing(cls, problems: Sequence[Problem]) -> Self:
        """The error of these problems, one a line."""
        error = cls("\n".join(str(p) for p in problems))
        error.problems = tuple(problems)
        return error

    def at(self, where: Place) -> StarrulesError:
        """This error said of a place (`file:3: message`; a place in words may be given in
        both languages), its codes and its type kept (a RulesetError, whose problems stand
        under its heading, becomes a StarrulesError)."""
        if isinstance(self, RulesetError):
            return StarrulesError(f"{where}: {self}")
        if self.problems and not any(str(p.location) for p in self.problems):
            moved = [
                Problem(Location.of(where), p.message, p.hint, p.code, p.values)
                for p in self.problems
            ]
            return type(self).listing(moved)
        if self.problems:
            # problems with places of their own: the first line said of this place, as the
            # text has always read (`where: file:3: message`)
            first, *rest = self.problems
            in_zh = where.zh if isinstance(where, Both) else where
            place = Location(
                f"{where}: {first.location}", zh=f"{in_zh}: {first.location.text('zh')}"
            )
            said = Problem(place, first.message, first.hint, first.code, first.values)
            return type(self).listing([said, *rest])
        # An error raised without a code: its text, of this place (the text is looked up
        # after the place when it is rendered).
        return type(self)(f"{where}: {self}")

    def render(self, lang: Lang) -> str:
        """The error in `lang`, each message followed by its code (`[SR501]`)."""
        if self.problems:
            return "\n".join(p.line(lang) for p in self.problems)
        return messages.error_text(str(self), lang)


class RulesetError(StarrulesError):
    """A ruleset could not be loaded. `problems` lists every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in ruleset"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))

    def __reduce__(self) -> tuple[type[RulesetError], tuple[tuple[Problem, ...]]]:
        # made again from its problems (the default would pass its text as the problems)
        return type(self), (self.problems,)

    def render(self, lang: Lang) -> str:
        count = len(self.problems)
        if lang == "zh":
            head = f"规则集中有 {count} 个问题："
        else:
            head = f"{count} problem{'s' if count != 1 else ''} in ruleset:"
        return head + "\n" + "\n".join(f"  {p.line(lang)}" for p in self.problems)


class ResolutionError(StarrulesError):
    """No ruleset in a registry applies to the jurisdiction, kind and date asked for."""


class EvaluationError(StarrulesError):
    """A village cannot be evaluated against a ruleset (wrong kind, undeclared indicator, …)."""


class InputError(StarrulesError):
    """A file of villages is unreadable or holds an invalid village; the message names the
    file, the line (or item) and the field path."""


class MonitorError(StarrulesError):
    """A monitor cannot be set up or used as asked (an unknown or uninstalled backend, a
    closed monitor)."""
