"""A parsed YAML document that remembers where every key and value came from: the
file:line:column of a value, of its key, and of any character of an expression in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Location, Problem
from .scalar_places import ScalarPlaces, scalar_places

PathKey = tuple[str | int, ...]
Shifts = Mapping[int, tuple[tuple[int, int], ...]]  # per line: (first column moved, by how much)


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based
    style: str | None = None  # the scalar's quoting style: None (plain), '"', "'", '|', '>'
    span: tuple[int, int] | None = field(default=None, compare=False)  # scalar's text range


@dataclass(slots=True)
class SourceDocument:
    """A parsed YAML document with the position of every value (and key) by path."""

    file: str
    data: Any
    text: str = ""
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    # Read with `recover` from a text with tabs or full-width colons mended: what was
    # mended (every compile of this document reports them, so that it never loads), and
    # per line the columns moved by the mending, to give places in the file as written.
    problems: list[Problem] = field(default_factory=list)
    shifts: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # The scalars mapped so far (path -> its value, the places of its characters): a file
    # with many mistakes in one long expression maps it once.
    _places: dict[PathKey, tuple[str, ScalarPlaces]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def _at(self, line: int, column: int) -> Location:
        return Location(self.file, line, unshift(self.shifts, line, column))

    def location(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of the value at `path` (or of its key), else of its nearest parent."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while True:
            if probe in table:
                pos = table[probe]
                return self._at(pos.line, pos.column)
            if probe in self.values:
                pos = self.values[probe]
                return self._at(pos.line, pos.column)
            if not probe:
                return Location(self.file)
            probe = probe[:-1]

    def expression_location(self, path: PathKey, offset: int) -> Location:
        """The location of character `offset` of the scalar string at `path`, through
        quotes, escapes, folded lines and block scalars."""
        path = tuple(path)
        pos = self.values.get(path)
        value = self._value_at(path)
        if pos is None or pos.span is None or not isinstance(value, str):
            return self.location(path)
        known = self._places.get(path)
        if known is not None and known[0] == value:
            places = known[1]
        else:
            start, end = pos.span
            places = scalar_places(self.text[start:end], pos.style, pos.line, pos.column, value)
            self._places[path] = (value, places)
        place = places.place(offset)
        if place is None:  # a layout we do not map: the scalar's start is still right
            return self._at(pos.line, pos.column)
        return self._at(*place)

    def _value_at(self, path: PathKey) -> Any:
        value = self.data
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value


def unshift(shifts: Shifts, line: int, column: int) -> int:
    """The column in the file as written of `column` of the mended text."""
    moved = sum(delta for start, delta in shifts.get(line, ()) if column >= start)
    return max(column - moved, 1)
