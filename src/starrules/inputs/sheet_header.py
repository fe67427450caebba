"""The header row of a spreadsheet of villages, read into columns: what each holds, and how
its cells are read.

The first row that is not blank and not a title is the header. Each header names a column
(see `sheet_columns.Headers`); a header starting with `#` marks a column to ignore (remarks);
an unknown header is a problem, with a did-you-mean, and so are an ambiguous one, a column
named twice and a missing identity column (name, jurisdiction, kind).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .. import messages
from ..errors import Location, Problem
from ..indicators import IndicatorSpec
from .sheet_cells import cell_reader, is_empty, text_of
from .sheet_columns import REQUIRED, ColumnTarget, Headers, bundled_indicators
from .sheet_rows import Rows


@dataclass(frozen=True, slots=True)
class Column:
    """A column read: where it is, its header, and how its cells become a village's value."""

    index: int  # 0-based
    header: str
    target: ColumnTarget
    parse: Callable[[object], object]  # the cell's value, None when empty; or ValueError
    section: str | None  # where the value goes: data[section][key], or data[key]
    key: str

    def title(self, row: int) -> messages.Both:
        """`村集体经济年收入 (industry.collective_income, cell D3)`, in both languages."""
        cell = f"{column_letters(self.index + 1)}{row}"
        path = self.target.path
        if self.header == path:
            return messages.Both(f"{path} (cell {cell})", f"{path}（单元格 {cell}）")
        return messages.Both(
            f"{self.header} ({path}, cell {cell})", f"{self.header}（{path}，单元格 {cell}）"
        )


def column_letters(column: int) -> str:
    """A column's letters as a spreadsheet shows them: 1 → A, 27 → AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Header:
    """The header row: its columns by place and by path, and its problems if it is bad."""

    row: int
    cells: tuple[str, ...]
    columns: tuple[Column, ...]
    by_path: Mapping[str, Column]
    known: frozenset[int]  # the columns read, and those with a `#` header (anything goes)
    problems: tuple[Problem, ...]  # why the header cannot be read (then the file is refused)


def _filled(cells: Sequence[object]) -> int:
    return sum(1 for c in cells if not is_empty(c))


def read_header(rows: Rows, name: str, indicators: Iterable[IndicatorSpec] | None) -> Header | None:
    """The header: the first row that is not blank and not a title (one filled cell that
    names no column), read from `rows`; None if there is none. `indicators`: the `extra`
    indicators whose labels may name columns (the bundled rulesets' are known too)."""
    headers = Headers(indicators or ())
    for number, cells in rows:
        filled = _filled(cells)
        if filled == 0:
            continue
        texts = tuple(text_of(c).strip() for c in cells)
        if filled == 1 and not any(headers.resolve(t) for t in texts if t):
            continue  # a title above the header
        if any(_unresolved(headers, t) for t in texts):
            # A label that is not standard nor given: perhaps a bundled ruleset's indicator
            # (the `explain` of a 汤阴 village, a county's file judged by --ruleset).
            headers.add(bundled_indicators())
        return _header(headers, name, number, texts)
    return None


def _unresolved(headers: Headers, text: str) -> bool:
    return bool(text) and not text.startswith("#") and headers.resolve(text) is None


def _header(headers: Headers, name: str, number: int, texts: tuple[str, ...]) -> Header:
    problems: list[Problem] = []
    columns: list[Column] = []
    ignored: set[int] = set()
    first: dict[str, Column] = {}
    for index, text in enumerate(texts):
        where = Location(name, number, index + 1)
        if not text:
            continue
        if text.startswith("#"):
            ignored.add(index)
            continue
        found = headers.resolve(text)
        if found is None:
            hint = headers.suggest(text) or (
                "name an indicator by its path or its Chinese or English label; "
                "a header starting with # marks a column to ignore"
            )
            problems.append(Problem.coded(where, "SR510", hint, header=repr(text)))
            continue
        if isinstance(found, set):
            paths = " or ".join(sorted(found))
            problems.append(Problem.coded(where, "SR511", header=repr(text), paths=paths))
            continue
        target = headers.target(found)
        section, _, key = found.partition(".")  # extra.x.y: the key is x.y
        column = (
            Column(index, text, target, cell_reader(target.path, target.kind), section, key)
            if key
            else Column(index, text, target, cell_reader(target.path, target.kind), None, found)
        )
        earlier = first.get(found)
        if earlier is not None:
            problems.append(
                Problem.coded(
                    where,
                    "SR512",
                    header=repr(text),
                    path=found,
                    column=earlier.index + 1,
                    other=repr(earlier.header),
                )
            )
            continue
        first[found] = column
        columns.append(column)
    for path in REQUIRED:
        if path not in first:
            label = headers.labels[path]
            problems.append(
                Problem.coded(Location(name, number), "SR513", path=path, zh=label.zh, en=label.en)
            )
    known = frozenset(ignored | {c.index for c in columns})
    return Header(number, texts, tuple(columns), first, known, tuple(problems))


__all__ = ["Column", "Header", "column_letters", "read_header"]
