"""Reading villages from spreadsheets: CSV and Excel .xlsx, one village a row.

The file's rows (`sheet_rows.py`: CSV in its encoding, or the first worksheet of an .xlsx)
are read one at a time; the header row (`sheet_header.py`) names each column by an
indicator's path or label (`sheet_columns.py`), and each cell is read as its column's kind
(`sheet_cells.py`). Every problem names file:row:column, the cell and the field; the problems
of all rows are reported together, after the good villages, unless `on_reject` takes the bad
rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import messages
from ..errors import InputError, Location, Problem
from ..i18n import Lang
from ..indicators import IndicatorKind, IndicatorSpec
from ..village import Village
from .files import VillageRecord, check_file
from .sheet_cells import is_empty, text_of
from .sheet_header import Column, Header, column_letters, read_header
from .sheet_rows import Rows, sheet_rows

# At most this many problems are kept for the message (the rest are counted), so that a
# file of bad rows cannot make the error itself grow without bound.
MAX_LISTED = 100


def _sheet_error(problems: Sequence[Problem], rows: int | None, more: int) -> SheetError:
    return SheetError(problems, rows=rows, more=more)


class SheetError(InputError):
    """Problems with a spreadsheet of villages: bad headers, or bad cells in some rows.
    `problems` lists each with its file:row:column, in file order."""

    def __init__(
        self, problems: Sequence[Problem], *, rows: int | None = None, more: int = 0
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems) + more
        if count == 1:
            text = str(self.problems[0])
        else:
            where = self.problems[0].location.file if self.problems else "the file"
            head = (
                f"{count} problems in {rows} row{'s' if rows != 1 else ''} of {where}"
                if rows is not None
                else f"{count} problems in the header of {where}"
            )
            lines = [f"  {p}" for p in self.problems]
            if more:
                lines.append(f"  … and {more} more")
            text = head + ":\n" + "\n".join(lines)
        super().__init__(text)
        self.rows = rows
        self.more = more

    def __reduce__(self) -> tuple[Any, ...]:
        # made again from its problems (the default would pass its text as the problems)
        return _sheet_error, (self.problems, self.rows, self.more)

    def render(self, lang: Lang) -> str:
        count = len(self.problems) + self.more
        if count == 1:
            return self.problems[0].line(lang)
        where = self.problems[0].location.file if self.problems else ""
        if lang == "en":
            head = str(self).split("\n", 1)[0]
        elif self.rows is not None:
            head = f"{where or '文件'} 中 {self.rows} 行共有 {count} 个问题："
        else:
            head = f"{where or '文件'} 的表头有 {count} 个问题："
        lines = [f"  {p.line(lang)}" for p in self.problems]
        if self.more:
            lines.append(
                f"  … and {self.more} more" if lang == "en" else f"  …… 另有 {self.more} 个"
            )
        return head + "\n" + "\n".join(lines)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that holds no valid village: where, why, and its cells as written."""

    file: str
    row: int
    problems: tuple[Problem, ...]
    cells: tuple[str, ...]
    header: tuple[str, ...]
    header_row: int


_RATE_HINT = "a rate is a share from 0 to 1"
_RATE_HINT_ZH = "比率是 0 到 1 之间的份额"


def _row_village(
    header: Header, name: str, number: int, cells: Sequence[object]
) -> tuple[Village | None, list[Problem]]:
    data: dict[str, Any] = {}
    problems: dict[int, Problem] = {}
    width = len(cells)
    for column in header.columns:
        try:
            value = column.parse(cells[column.index] if column.index < width else None)
        except ValueError as exc:
            problems[column.index] = Problem.coded(
                Location(name, number, column.index + 1),
                "SR514",
                column=column.title(number),
                detail=str(exc),
            )
            continue
        if value is not None:
            if column.section is None:
                data[column.key] = value
            else:
                data.setdefault(column.section, {})[column.key] = value
    known = header.known
    for index in range(width):
        if index not in known and not is_empty(cells[index]):
            problems[index] = Problem.coded(
                Location(name, number, index + 1),
                "SR515",
                cell=f"{column_letters(index + 1)}{number}",
                value=repr(text_of(cells[index]).strip()),
            )
    try:
        village = Village.model_validate(data)
    except ValidationError as exc:
        loose: list[Problem] = []  # errors of no column (none expected: a safety net)
        for error in exc.errors(include_url=False):
            found = _column_of(error["loc"], header.by_path)
            if found is None:
                path = ".".join(str(p) for p in error["loc"]) or "(village)"
                detail = messages.validation_detail(error)
                loose.append(
                    Problem.coded(Location(name, number), "SR526", path=path, detail=detail)
                )
            elif found.index not in problems:
                problems[found.index] = Problem.coded(
                    Location(name, number, found.index + 1),
                    "SR514",
                    column=found.title(number),
                    detail=_model_message(error, found, cells),
                )
        return None, [*loose, *(problems[k] for k in sorted(problems))]
    if problems:
        return None, [problems[k] for k in sorted(problems)]
    return village, []


def _column_of(loc: tuple[Any, ...], by_path: Mapping[str, Column]) -> Column | None:
    for end in range(len(loc), 0, -1):
        column = by_path.get(".".join(str(p) for p in loc[:end]))
        if column is not None:
            return column
    return None


def _model_message(error: Any, column: Column, cells: Sequence[object]) -> messages.Both:
    raw = cells[column.index] if column.index < len(cells) else None
    if error["type"] == "missing":
        return messages.Both("required, but the cell is empty", "必填，但单元格是空的")
    said = messages.validation_detail(error)
    shown = text_of(raw).strip()
    en, zh = f"{shown}: {said.en}", f"{shown}：{said.zh}"
    if column.target.kind is IndicatorKind.RATE and isinstance(error["input"], int | float):
        value = error["input"]
        if 1 < value <= 100:
            en += f" ({_RATE_HINT}: write {value:g}% or {value / 100:g})"
            zh += f"（{_RATE_HINT_ZH}：写作 {value:g}% 或 {value / 100:g}）"
        else:
            en += f" ({_RATE_HINT})"
            zh += f"（{_RATE_HINT_ZH}）"
    return messages.Both(en, zh)


def read_sheet(
    path: str | Path,
    *,
    encoding: str | None = None,
    indicators: Iterable[IndicatorSpec] | Mapping[str, IndicatorSpec] | None = None,
    on_reject: Callable[[RejectedRow], None] | None = None,
) -> Iterator[VillageRecord]:
    """The villages of a CSV or .xlsx file, one a row, in file order, read one row at a time.

    `encoding` (CSV only): detected when None. `indicators`: the `extra` indicators whose
    labels may name columns, and whose types read their cells (e.g. those of the rulesets
    that will judge the villages); the bundled rulesets' are known too. Rows that hold no
    valid village go to `on_reject` when given; otherwise their problems are raised
    together, as one `SheetError`, after the last good village.
    """
    file = Path(path)
    name = str(path)
    check_file(file, name)
    if isinstance(indicators, Mapping):
        indicators = list(indicators.values())
    rows = sheet_rows(file, name, encoding)
    try:
        yield from _villages(rows, name, indicators, on_reject)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _villages(
    rows: Rows,
    name: str,
    indicators: Iterable[IndicatorSpec] | None,
    on_reject: Callable[[RejectedRow], None] | None,
) -> Iterator[VillageRecord]:
    header = read_header(rows, name, indicators)
    if header is None:
        return
    if header.problems:
        raise SheetError(header.problems)
    listed: list[Problem] = []
    more = bad_rows = 0
    for number, cells in rows:
        if not any(not is_empty(c) for c in cells):
            continue
        village, problems = _row_village(header, name, number, cells)
        if village is not None:
            yield VillageRecord(village, f"{name}:{number}")
            continue
        if on_reject is not None:
            on_reject(
                RejectedRow(
                    name,
                    number,
                    tuple(problems),
                    tuple(text_of(c) for c in cells),
                    header.cells,
                    header.row,
                )
            )
            continue
        bad_rows += 1
        room = MAX_LISTED - len(listed)
        listed.extend(problems[:room])
        more += max(0, len(problems) - room)
    if listed:
        raise SheetError(listed, rows=bad_rows, more=more)


__all__ = ["MAX_LISTED", "RejectedRow", "SheetError", "read_sheet"]
