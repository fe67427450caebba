"""Where each character of a scalar's value stands in the YAML text: through quotes, escapes,
folded lines and block scalars, so that a problem found at character n of an expression is
shown at its file:line:column.

A scalar is mapped once, as runs of characters that stand side by side on one line (a long
scalar is a few runs a line, not a place per character); each place is then found by
bisection. A file with many mistakes in one long expression costs one mapping."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

import yaml

# YAML's escapes in double-quoted scalars: \N, \_, \e, … and \x, \u, \U with hex digits
_ESCAPES: Mapping[str, str] = yaml.scanner.Scanner.ESCAPE_REPLACEMENTS
_HEX_ESCAPES: Mapping[str, int] = yaml.scanner.Scanner.ESCAPE_CODES
_QUOTED_SPECIAL = {"'": re.compile("'"), '"': re.compile(r'["\\]')}


@dataclass(frozen=True, slots=True)
class ScalarPlaces:
    """The places of a scalar's characters, as runs: run i holds the characters from
    `starts[i]` of the value on, the first at (`rows[i]`, `columns[i]`), the next ones in
    the columns after it."""

    starts: tuple[int, ...]
    rows: tuple[int, ...]
    columns: tuple[int, ...]
    size: int  # the characters placed
    agree: int  # how many first characters of the value the placed ones give back
    complete: bool  # whether the placed characters give back the whole value

    def place(self, offset: int) -> tuple[int, int] | None:
        """(line, column) of character `offset` of the value (past its end, of its last
        character); None when the mapping does not give the value back that far."""
        if offset < self.agree:
            return self._at(offset)
        if not self.complete or not self.size:
            return None
        # Past the end, or in trailing blanks that YAML drops and the mapping keeps
        return self._at(min(offset, self.size - 1))

    def _at(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.starts, offset) - 1
        return self.rows[i], self.columns[i] + offset - self.starts[i]


class _Runs:
    def __init__(self) -> None:
        self.starts: list[int] = []
        self.rows: list[int] = []
        self.columns: list[int] = []
        self.pieces: list[str] = []
        self.size = 0

    def add(self, piece: str, row: int, column: int) -> None:
        """`piece`, whose first character is at (row, column), the others after it."""
        self.starts.append(self.size)
        self.rows.append(row)
        self.columns.append(column)
        self.pieces.append(piece)
        self.size += len(piece)

    def places(self, value: str, mapped: bool, trailing: str | None) -> ScalarPlaces:
        """The places, checked against `value`: complete when every character is `mapped`
        and they give back `value` but for its `trailing` characters (None: whitespace)."""
        built = "".join(self.pieces)
        complete = mapped and built.rstrip(trailing) == value.rstrip(trailing)
        return ScalarPlaces(
            tuple(self.starts),
            tuple(self.rows),
            tuple(self.columns),
            self.size,
            len(value) if built == value else _common_prefix(built, value),
            complete,
        )


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix of `a` and `b` (by bisection: each test is
    one comparison of slices, in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def scalar_places(raw: str, style: str | None, line: int, column: int, value: str) -> ScalarPlaces:
    """The places of the characters of `value` in `raw`, the scalar's source text that starts
    at (line, column) with quoting `style` (None for plain, '"', "'", '|' or '>')."""
    runs = _Runs()
    lines = raw.split("\n")
    if style in ("|", ">"):
        body = lines[1:]
        indent = min((len(t) - len(t.lstrip(" ")) for t in body if t.strip()), default=0)
        for n, text in enumerate(body):
            if n and runs.size:
                folded = style == ">" and text.strip() and body[n - 1].strip()
                runs.add(" " if folded else "\n", line + n, len(body[n - 1]) + 1)
            piece = text[indent:]
            if piece:
                runs.add(piece, line + 1 + n, indent + 1)
        return runs.places(value, True, "\n")
    mapped = _flow(lines, style if style in ('"', "'") else None, line, column, runs)
    return runs.places(value, mapped, None)


def _flow(lines: list[str], quote: str | None, line: int, column: int, runs: _Runs) -> bool:
    """Place the characters of a plain or quoted scalar's `lines`; False when it holds a
    layout not mapped (an escaped line break, a bad escape): what came before stays placed."""
    special = _QUOTED_SPECIAL.get(quote) if quote else None
    last = ""  # the last character of the value so far
    for n, text in enumerate(lines):
        row, first_column = line + n, column if n == 0 else 1
        k = 0
        if n == 0 and quote:
            k = 1  # the opening quote
        elif n:
            k = len(text) - len(text.lstrip(" \t"))
            if runs.size and last != "\n":
                # a line break inside a flow scalar folds to a space: at the previous line's end
                end = len(lines[n - 1]) + (column if n == 1 else 1)
                runs.add(" ", row - 1, end)
                last = " "
        while k < len(text):
            found = special.search(text, k) if special else None
            stop = found.start() if found else len(text)
            if stop > k:  # a run of plain characters
                runs.add(text[k:stop], row, first_column + k)
                last, k = text[stop - 1], stop
                continue
            if text[k] == quote:
                if quote == "'" and text[k + 1 : k + 2] == "'":
                    runs.add("'", row, first_column + k)
                    last, k = "'", k + 2
                    continue
                break  # the closing quote
            code = text[k + 1 : k + 2]  # a backslash escape of a double-quoted scalar
            if code in _HEX_ESCAPES:
                width = 2 + _HEX_ESCAPES[code]
                try:
                    char = chr(int(text[k + 2 : k + width], 16))
                except ValueError:
                    return False
            elif code in _ESCAPES:
                width, char = 2, _ESCAPES[code]
            else:  # an escaped line break: a layout we do not map
                return False
            runs.add(char, row, first_column + k)
            last, k = char, k + width
    return True
