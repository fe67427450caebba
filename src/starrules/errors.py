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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file; line and column are 1-based."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a ruleset, where it is, and what to do about it."""

    location: Location
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def close_matches(word: str, choices: Iterable[str]) -> list[str]:
    """The choices close to a misspelt name, closest first (at most three)."""
    return difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A 'did you mean …?' hint for a misspelt name, or None when nothing is close."""
    matches = close_matches(word, choices)
    if not matches:
        return None
    return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"


def field_path(parts: Iterable[object]) -> str:
    """A field path for a message, `branch.reserve_cadres`; a name that is not printable text
    (a line break in an unknown key, say) is quoted with escapes, so that every line of a
    message keeps its place."""
    return ".".join(str(p) if not isinstance(p, str) or p.isprintable() else repr(p) for p in parts)


class StarrulesError(Exception):
    """Base class of every error starrules raises on purpose."""


class RulesetError(StarrulesError):
    """A ruleset could not be loaded. `problems` lists every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in ruleset"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


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
