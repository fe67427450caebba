"""Reading villages from files: JSON (one object or an array), JSONL (one per line), and
spreadsheets (CSV and .xlsx, one per row: see `spreadsheets.py`).

Villages are yielded one at a time so that large JSONL and CSV files stream; every error
names the file, the line (JSONL), item (JSON array) or row and column (spreadsheets), and
the field path.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .. import messages
from ..errors import InputError, Location, Problem, did_you_mean, field_path
from ..village import Village
from .files import VillageRecord, check_file, is_parquet, unreadable

if TYPE_CHECKING:
    from ..indicators import IndicatorSpec
    from .spreadsheets import RejectedRow


def validation_problems(exc: ValidationError, where: str) -> list[Problem]:
    """A village's validation errors, one problem each: `where: field.path: message`."""
    problems = []
    for error in exc.errors(include_url=False):
        path = field_path(error["loc"]) or "(village)"
        if error["type"] == "extra_forbidden":
            parent = _model_for(error["loc"][:-1])
            hint = did_you_mean(str(error["loc"][-1]), parent) if parent else None
            problems.append(Problem.coded(Location(where), "SR501", hint, field=path))
        else:
            detail = messages.validation_detail(error)
            problems.append(Problem.coded(Location(where), "SR500", field=path, detail=detail))
    return problems


def _model_for(loc: tuple[Any, ...]) -> list[str] | None:
    model: type[Any] = Village
    for part in loc:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None or not isinstance(field.annotation, type):
            return None
        model = field.annotation
    fields = getattr(model, "model_fields", None)
    return list(fields) if fields else None


def parse_village(data: Any, where: str) -> Village:
    if not isinstance(data, dict):
        raise InputError.of(where, "SR502", type=type(data).__name__)
    try:
        return Village.model_validate(data)
    except ValidationError as exc:
        raise InputError.listing(validation_problems(exc, where)) from None


def read_villages(
    path: str | Path,
    *,
    encoding: str | None = None,
    indicators: Iterable[IndicatorSpec] | Mapping[str, IndicatorSpec] | None = None,
    on_reject: Callable[[RejectedRow], None] | None = None,
) -> Iterator[VillageRecord]:
    """Villages from a file, in file order: .csv / .tsv / .xlsx (a spreadsheet, one village
    a row), .jsonl (one a line), .parquet (a row each, a column per indicator path; needs
    the `columnar` extra), or JSON (one object or an array; any other name). JSON is
    UTF-8, with or without a byte order mark.

    For spreadsheets only (see `spreadsheets.read_sheet`): `encoding` of a CSV (detected
    when None), `indicators` whose labels may name columns, and `on_reject`, which takes
    the rows that hold no valid village (otherwise their problems are raised together
    after the last good village)."""
    file = Path(path)
    name = str(path)
    check_file(file, name)
    from .sheet_rows import SPREADSHEET_SUFFIXES  # only for spreadsheets
    from .spreadsheets import read_sheet

    if file.suffix.lower() in SPREADSHEET_SUFFIXES:
        yield from read_sheet(path, encoding=encoding, indicators=indicators, on_reject=on_reject)
        return
    if file.suffix.lower() == ".jsonl":
        yield from _read_jsonl(file, name)
        return
    if is_parquet(file):
        from .parquet import parquet_records  # pyarrow: only for Parquet

        yield from parquet_records(file)
        return
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise unreadable(name, exc) from None
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError.of(f"{name}:{line}", "SR507", detail=exc.reason) from None
    try:
        data = _loads(text)
    except json.JSONDecodeError as exc:
        where = f"{name}:{exc.lineno}:{exc.colno}"
        raise InputError.of(where, "SR508", detail=exc.msg) from None
    except RecursionError:
        line, column, depth = _deepest(text)
        raise InputError.of(f"{name}:{line}:{column}", "SR508", detail=_too_deep(depth)) from None
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield VillageRecord(parse_village(item, f"{name}[{i}]"), f"{name}[{i}]")
    else:
        yield VillageRecord(parse_village(data, name), name)


def _read_jsonl(file: Path, name: str) -> Iterator[VillageRecord]:
    check_file(file, name)
    try:
        with file.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                where = f"{name}:{number}"
                village = _from_json_bytes(line)
                if village is None:  # the slow path words the error (or reads a BOM line)
                    item = _json_line(line, number, name)
                    if item is None:
                        continue
                    village = parse_village(item[0], where)
                yield VillageRecord(village, where)
    except OSError as exc:
        raise unreadable(name, exc) from None


def _from_json_bytes(line: bytes) -> Village | None:
    """The village of a valid line, parsed and validated in one pass by pydantic (about
    three times faster than json.loads + model_validate); None for any other line (blank,
    invalid, too deep, a BOM, a value the model refuses): json.loads + model_validate then
    read it again, so that every error keeps its exact, located message."""
    try:
        return Village.model_validate_json(line)
    except Exception:  # whatever the parser makes of hostile input, the slow path decides
        return None


def read_jsonl(source: Path | Iterable[str | bytes], name: str) -> Iterator[tuple[Any, str]]:
    """The JSON value of each non-blank line of a regular file (or of lines already open,
    e.g. stdin, as text or as UTF-8 bytes), with its place ('file:line'), read one line at a
    time. A byte order mark at the start is skipped."""
    if isinstance(source, Path):
        check_file(source, name)
        try:
            with source.open("rb") as handle:
                yield from _json_lines(handle, name)
        except OSError as exc:
            raise unreadable(name, exc) from None
    else:
        try:
            yield from _json_lines(source, name)
        except UnicodeDecodeError as exc:  # a text stream that decodes as it reads
            raise InputError.of(name, "SR507", detail=exc.reason) from None
        except OSError as exc:
            raise InputError.of(name, "SR509", reason=exc.strerror or str(exc)) from None


def _too_deep(depth: int) -> str:
    return f"nested too deeply ({depth} levels of arrays and objects)"


def _deepest(text: str) -> tuple[int, int, int]:
    """Where JSON text first reaches its deepest nesting: line, column (1-based) and depth.
    Only called when the decoder gave up, to name the place."""
    depth = deepest = 0
    line, column = 1, 1
    place = (1, 1)
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, place = depth, (line, column)
        elif char in "]}":
            depth -= 1
        if char == "\n":
            line, column = line + 1, 1
        else:
            column += 1
    return place[0], place[1], deepest


# Longer integers are beyond the range of a float anyway (10**400 > 1.8e308), and always
# shorter than the digit limit of int() (at least 640: sys.set_int_max_str_digits).
_MAX_INT_DIGITS = 400


def _parse_int(digits: str) -> int | float:
    # An integer too long for a float is read as one (±inf), as json reads 1e400: the field
    # then rejects it by name, where int() of 5,000 digits would raise a ValueError.
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else float(digits)


def _loads(text: str) -> Any:
    return json.loads(text, parse_int=_parse_int)


def _json_lines(lines: Iterable[str | bytes], name: str) -> Iterator[tuple[Any, str]]:
    for number, line in enumerate(lines, start=1):
        item = _json_line(line, number, name)
        if item is not None:
            yield item


def _json_line(line: str | bytes, number: int, name: str) -> tuple[Any, str] | None:
    """The JSON value of line `number` and its place; None for a blank line."""
    where = f"{name}:{number}"
    if isinstance(line, bytes):
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            detail = f"{exc.reason} at byte {exc.start + 1}"
            raise InputError.of(where, "SR507", detail=detail) from None
    else:
        text = line.removeprefix("\ufeff") if number == 1 else line
    if not text.strip():
        return None
    try:
        data = _loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.of(f"{where}:{exc.colno}", "SR508", detail=exc.msg) from None
    except RecursionError:
        _, column, depth = _deepest(text)
        raise InputError.of(f"{where}:{column}", "SR508", detail=_too_deep(depth)) from None
    return data, where
