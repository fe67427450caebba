"""Assessments as spreadsheet rows (the `evaluate --format csv|xlsx` output), and the small
table writers that the template and the rejects file use too.

One row a village: code, name, township, jurisdiction, each star's status, the level (empty
when undetermined), its lowest and highest possible values, and the missing indicators.
Rows are written as they come, each whole: the memory used does not grow with the number
of villages, and an interrupted run (Ctrl-C) leaves whole rows (the workbook is saved with
the rows written so far).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from ..errors import InputError, StarrulesError
from ..explain.assessment import Assessment
from ..explain.results import Status
from ..i18n import Lang, Text
from ..inputs.sheet_columns import column_label
from ..inputs.sheet_rows import require_openpyxl

TableFormat = Literal["csv", "xlsx"]

STATUS_TEXT: dict[Status, Text] = {
    Status.GRANTED: Text(zh="获得", en="granted"),
    Status.DENIED: Text(zh="未获得", en="denied"),
    Status.UNDETERMINED: Text(zh="待定", en="undetermined"),
}
IDENTITY = ("code", "name", "township", "jurisdiction")
LEVEL_COLUMNS = (
    Text(zh="等级", en="Level"),
    Text(zh="最低等级", en="Level (min)"),
    Text(zh="最高等级", en="Level (max)"),
    Text(zh="缺少的指标", en="Missing indicators"),
)
_SEPARATOR = {"zh": "、", "en": "; "}

# A text cell that a spreadsheet would run as a formula (CSV injection): written with a
# leading apostrophe, which Excel and WPS show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ByteSink(Protocol):
    """Where CSV bytes go: a binary file or stream."""

    def write(self, data: bytes, /) -> object: ...

    def flush(self) -> object: ...

    def close(self) -> object: ...


class TableWriter(Protocol):
    def write(self, cells: Sequence[object]) -> None: ...

    def close(self) -> None: ...


class CsvWriter:
    """CSV rows in UTF-8, each row one write to `stream`; with `bom`, after a byte order mark
    (so that Excel reads the Chinese right)."""

    def __init__(self, stream: ByteSink, *, owned: bool = False, bom: bool = True) -> None:
        self._stream = stream
        self._owned = owned
        self._line = io.StringIO()
        self._csv = csv.writer(self._line, lineterminator="\r\n")
        if bom:
            stream.write(b"\xef\xbb\xbf")

    def write(self, cells: Sequence[object]) -> None:
        self._line.seek(0)
        self._line.truncate()
        self._csv.writerow(["" if c is None else c for c in cells])
        try:
            self._stream.write(self._line.getvalue().encode("utf-8", "surrogateescape"))
        except BrokenPipeError:  # the reader went away (`| head`): the CLI ends quietly
            raise
        except OSError as exc:  # a full disk …
            raise InputError.of(None, "SR860", reason=exc.strerror or exc) from None

    def close(self) -> None:
        try:
            if self._owned:
                self._stream.close()
            else:
                self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise InputError.of(None, "SR860", reason=exc.strerror or exc) from None


class XlsxWriter:
    """An .xlsx workbook of one sheet, written in openpyxl's streaming write-only mode and
    saved on `close()`. Text is always text (never a formula), without the control
    characters that the format cannot hold."""

    def __init__(self, target: Path | IO[bytes], sheet: str = "starrules") -> None:
        openpyxl = require_openpyxl("write")
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self._target = target
        self._book = openpyxl.Workbook(write_only=True)
        self._sheet = self._book.create_sheet(sheet)
        self._cell = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._closed = False

    def write(self, cells: Sequence[object]) -> None:
        row: list[Any] = []
        for value in cells:
            if isinstance(value, str):
                cell = self._cell(self._sheet, value=self._illegal.sub("\ufffd", value))
                cell.data_type = "s"
                row.append(cell)
            else:
                row.append(value)
        self._sheet.append(row)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._book.save(self._target)  # a path or a stream
            except BrokenPipeError:
                raise
            except OSError as exc:
                raise InputError.of(
                    None, "SR861", file=self._target, reason=exc.strerror or exc
                ) from None


def open_writer(
    fmt: TableFormat, target: Path | IO[bytes] | ByteSink, sheet: str = "starrules"
) -> TableWriter:
    """A writer of `fmt` rows to a file (created) or a binary stream (left open). A CSV file
    starts with a byte order mark, for Excel; a stream (a pipe, say) does not."""
    if fmt == "xlsx":
        require_openpyxl("write")  # before the file is created
        if isinstance(target, Path):
            try:  # fail now, not after every village was rated
                target.open("wb").close()
            except OSError as exc:
                raise InputError.of(
                    None, "SR642", file=target, reason=exc.strerror or exc
                ) from None
        elif not isinstance(target, io.IOBase):
            raise InputError.of(None, "SR862")
        return XlsxWriter(target, sheet)  # type: ignore[arg-type]  # IOBase: a binary one
    if isinstance(target, Path):
        try:
            return CsvWriter(target.open("wb"), owned=True)
        except OSError as exc:
            raise InputError.of(None, "SR642", file=target, reason=exc.strerror or exc) from None
    return CsvWriter(target, bom=False)


def assessment_header(assessment: Assessment | None, lang: Lang) -> list[str]:
    """The columns of the rows, with the stars of `assessment`'s ruleset."""
    stars = [s.name(lang) for s in assessment.rules.stars] if assessment is not None else []
    identity = [column_label(path, lang, {}) for path in IDENTITY]
    return [*identity, *stars, *(t(lang) for t in LEVEL_COLUMNS)]


def write_assessments(assessments: Iterable[Assessment], writer: TableWriter, lang: Lang) -> int:
    """Write the header, then a row per assessment, as they come; close the writer (also
    when interrupted: what was written is whole rows). Returns the number of rows."""
    count = 0
    stars: list[str] | None = None
    try:
        for assessment in assessments:
            if stars is None:
                stars = [s.id for s in assessment.rules.stars]
                writer.write(assessment_header(assessment, lang))
            writer.write(_row(assessment, stars, lang))
            count += 1
        if stars is None:
            writer.write(assessment_header(None, lang))
    finally:
        writer.close()
    return count


def _row(assessment: Assessment, stars: list[str], lang: Lang) -> list[object]:
    own = assessment.rules.stars
    if [s.id for s in own] != stars:
        names = "、".join(s.name(lang) for s in own)
        village = assessment.input
        raise StarrulesError.of(
            None,
            "SR863",
            name=village.name,
            place=village.code or village.jurisdiction,
            ruleset=f"{assessment.ruleset.id}@{assessment.ruleset.version}",
            names=names,
        )
    village = assessment.input
    level = assessment.level
    statuses = [assessment.status(star) for star in stars]
    missing = ""
    # Only an open star or level has missing indicators (`Assessment.missing` builds the
    # explanation: most of the cost of a row, saved for the decided villages).
    if level.value is None or Status.UNDETERMINED in statuses:
        indicators = assessment.rules.indicators
        missing = _SEPARATOR[lang].join(
            indicators[path].label(lang) if path in indicators else path
            for path in assessment.missing
        )
    return [
        village.code or "",
        _text(village.name),
        _text(village.township or ""),
        village.jurisdiction,
        *(STATUS_TEXT[status](lang) for status in statuses),
        level.value,
        level.min,
        level.max,
        missing,
    ]


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value
