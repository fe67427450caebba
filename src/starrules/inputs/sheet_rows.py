"""The rows of a spreadsheet file as they are written: CSV (and TSV) or Excel .xlsx.

CSV is read with the stdlib `csv` module, one row at a time, in UTF-8 (with or without a
byte order mark), UTF-16 with a BOM, or GBK / GB18030 (detected; or named). .xlsx needs
openpyxl (`pip install 'starrules[xlsx]'`, also for writing one: `require_openpyxl`), read
in its streaming read-only mode: the first worksheet. The old binary .xls is refused.
"""

from __future__ import annotations

import codecs
import csv
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType

from .. import messages
from ..errors import InputError, StarrulesError
from .files import unreadable

CSV_SUFFIXES = frozenset({".csv", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
SPREADSHEET_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES | {".xls"}

XLSX_EXTRA = "pip install 'starrules[xlsx]'"

Rows = Iterator[tuple[int, Sequence[object]]]  # (row number from 1, the row's cells)


def require_openpyxl(action: str = "read") -> ModuleType:
    """openpyxl, or an InputError that names the extra to install."""
    try:
        import openpyxl
    except ImportError:
        verb = messages.Both(action, {"read": "读取", "write": "写入"}.get(action, action))
        raise InputError.of(None, "SR516", action=verb, extra=XLSX_EXTRA) from None
    return openpyxl


def sheet_rows(path: Path, name: str, encoding: str | None = None) -> Rows:
    """The rows of a CSV or .xlsx file (by its suffix), one at a time. `encoding`: a CSV's,
    detected when None; `name`: the file as errors name it."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError.of(name, "SR525")
    return _xlsx_rows(path, name) if suffix in XLSX_SUFFIXES else _csv_rows(path, name, encoding)


_CHUNK = 1 << 20


def _first_bad_byte(path: Path, encoding: str) -> int | None:
    """Where the file stops decoding in `encoding` (a byte offset), or None if it all does.
    Read in chunks: the memory used does not grow with the file."""
    decoder = codecs.getincrementaldecoder(encoding)()
    done = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                pending = len(decoder.getstate()[0]) if hasattr(decoder, "getstate") else 0
                return max(0, done - pending) + exc.start
            if not chunk:
                return None
            done += len(chunk)


def _line_at(path: Path, offset: int) -> int:
    line = 1
    with path.open("rb") as handle:
        left = offset
        while left > 0:
            chunk = handle.read(min(_CHUNK, left))
            if not chunk:
                break
            line += chunk.count(b"\n")
            left -= len(chunk)
    return line


def detect_encoding(path: Path, name: str | None = None) -> str:
    """The encoding of a CSV file: utf-8-sig or utf-16 by their byte order mark, else
    utf-8 if the whole file decodes so, else gb18030 (which reads GBK); InputError if
    neither decodes it."""
    name = name or str(path)
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        _check_decodes(path, name, "utf-8-sig")
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _first_bad_byte(path, "utf-8") is None:
        return "utf-8"
    bad = _first_bad_byte(path, "gb18030")
    if bad is None:
        return "gb18030"
    raise InputError.of(f"{name}:{_line_at(path, bad)}", "SR517", byte=bad + 1)


def _check_decodes(path: Path, name: str, encoding: str) -> None:
    bad = _first_bad_byte(path, encoding)
    if bad is not None:
        where = f"{name}:{_line_at(path, bad)}"
        raise InputError.of(where, "SR518", encoding=encoding, byte=bad + 1)


def _text_encoding(encoding: str) -> str:
    try:
        "".encode(encoding)  # also refuses codecs that are not for text (base64 …)
        codecs.getincrementaldecoder(encoding)
    except (LookupError, ValueError):
        raise InputError.of(None, "SR519", encoding=encoding) from None
    return encoding


def _csv_rows(path: Path, name: str, encoding: str | None) -> Rows:
    if encoding is None:
        chosen = detect_encoding(path, name)
    else:
        chosen = _text_encoding(encoding)
        if not chosen.lower().replace("_", "-").startswith("utf-16"):
            _check_decodes(path, name, chosen)
    number = 0
    try:
        with path.open("r", encoding=chosen, newline="") as handle:
            first = handle.readline()
            reader = csv.reader(
                _chain(first, handle), delimiter=_delimiter(first, path), strict=False
            )
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    where = f"{name}:{number + 1}"
                    raise InputError.of(where, "SR520", detail=str(exc)) from None
                number += 1
                if number == 1 and cells:
                    cells[0] = cells[0].removeprefix("\ufeff")
                yield number, cells
    except UnicodeError as exc:
        where = f"{name}:{number + 1}"
        raise InputError.of(where, "SR521", encoding=chosen, detail=str(exc)) from None
    except OSError as exc:
        raise unreadable(name, exc) from None


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


def _delimiter(line: str, path: Path) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    counts = {sep: line.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _xlsx_rows(path: Path, name: str) -> Rows:
    openpyxl = require_openpyxl("read")
    try:
        with warnings.catch_warnings():  # styles or extensions it skips: not the user's concern
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a zip that is no workbook, damaged XML …: all one message
        raise InputError.of(name, "SR522", reason=_reason(exc)) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise InputError.of(name, "SR523")
        sheet = sheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # the stored size may be wrong: read what is there
        rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        yield from enumerate(rows, start=1)
    except StarrulesError:
        raise
    except Exception as exc:
        raise InputError.of(name, "SR524", reason=_reason(exc)) from None
    finally:
        workbook.close()


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


__all__ = [
    "CSV_SUFFIXES",
    "SPREADSHEET_SUFFIXES",
    "XLSX_EXTRA",
    "XLSX_SUFFIXES",
    "Rows",
    "detect_encoding",
    "require_openpyxl",
    "sheet_rows",
]
