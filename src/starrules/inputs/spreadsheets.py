"""Reading villages from spreadsheets: CSV and Excel .xlsx, one village a row.

The first row that is not blank and not a title (one filled cell that names no column) is the
header. A header names a column by an indicator's path (`industry.collective_income`,
`extra.x`), or by its Chinese or English label from the catalogue (`村集体经济年收入`,
`Village collective income a year`); the identity columns have labels too (`村名`, `辖区` …).
Labels match whatever their quotes, spaces, letter case or full-width forms, with or without
a unit in brackets at the end (`村集体经济年收入（元）`). A header starting with `#` marks a
column to ignore (remarks); an unknown header is an error, with a did-you-mean.

Cells: an empty cell is unknown (never 0 or no). Numbers may have thousands separators
(`1,200`) and full-width digits; a rate may be written `0.89` or `89%`; money may end in
`元` or `万` / `万元` (×10,000); yes/no is 是/否, 有/无, yes/no, y/n, true/false, 1/0, √/×.
A date is 2022-12-31, 2022/12/31 or 2022年12月31日 (or a date cell in Excel).

CSV is read with the stdlib `csv` module, one row at a time, in UTF-8 (with or without a
byte order mark), UTF-16 with a BOM, or GBK / GB18030 (detected; or named). .xlsx needs
openpyxl (`pip install 'starrules[xlsx]'`), read in its streaming read-only mode: the first
worksheet. Every problem names file:row:column, the cell and the field; the problems of all
rows are reported together, after the good villages, unless `on_reject` takes the bad rows.
"""

from __future__ import annotations

import codecs
import csv
import functools
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import ValidationError

from .. import messages
from ..errors import InputError, Location, Problem, StarrulesError, did_you_mean
from ..i18n import Lang, Text
from ..indicators import IndicatorKind, IndicatorSpec
from ..village import STANDARD_INDICATORS, Village
from .files import VillageRecord, check_file, unreadable

CSV_SUFFIXES = frozenset({".csv", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
SPREADSHEET_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES | {".xls"}

XLSX_EXTRA = "pip install 'starrules[xlsx]'"

# At most this many problems are kept for the message (the rest are counted), so that a
# file of bad rows cannot make the error itself grow without bound.
MAX_LISTED = 100


# -- errors ------------------------------------------------------------------------------


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


def require_openpyxl(action: str = "read") -> ModuleType:
    """openpyxl, or an InputError that names the extra to install."""
    try:
        import openpyxl
    except ImportError:
        verb = messages.Both(action, {"read": "读取", "write": "写入"}.get(action, action))
        raise InputError.of(None, "SR516", action=verb, extra=XLSX_EXTRA) from None
    return openpyxl


# -- columns -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Identity:
    path: str
    label: Text
    aliases: tuple[str, ...]


IDENTITY: tuple[_Identity, ...] = (
    _Identity(
        "code", Text(zh="统计用区划代码", en="Division code"), ("区划代码", "代码", "村代码")
    ),
    _Identity("name", Text(zh="村名", en="Village"), ("村", "村名称", "名称", "村庄", "Name")),
    _Identity("township", Text(zh="乡镇", en="Township"), ("乡镇（街道）", "乡（镇）", "镇")),
    _Identity("jurisdiction", Text(zh="辖区", en="Jurisdiction"), ("行政区划",)),
    _Identity("kind", Text(zh="类型", en="Kind"), ("村类型", "Type")),
    _Identity(
        "as_of", Text(zh="数据截止日期", en="As of"), ("截止日期", "数据日期", "日期", "Date")
    ),
)
IDENTITY_PATHS: tuple[str, ...] = tuple(i.path for i in IDENTITY)
REQUIRED: tuple[str, ...] = ("name", "jurisdiction", "kind")

_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』《》〈〉`")
_UNIT = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def _norm(text: str) -> str:
    """A header as matched: full-width forms folded, no quotes, no spaces, any case."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return "".join(folded.split())


@dataclass(frozen=True, slots=True)
class _Target:
    path: str
    kind: IndicatorKind | None  # None: an identity column, or an undeclared extra


class Headers:
    """What header texts name: paths, Chinese and English labels, identity aliases."""

    def __init__(self, specs: Iterable[IndicatorSpec] = ()) -> None:
        self.targets: dict[str, _Target] = {}
        self.labels: dict[str, Text] = {}
        self._names: dict[str, set[str]] = {}
        self._shown: list[str] = []
        for identity in IDENTITY:
            self.targets[identity.path] = _Target(identity.path, None)
            self.labels[identity.path] = identity.label
            self._name(identity.path, identity.path, identity.label.zh, identity.label.en)
            self._name(identity.path, *identity.aliases)
        self.add(STANDARD_INDICATORS.values())
        self.add(specs)

    def add(self, specs: Iterable[IndicatorSpec]) -> None:
        for spec in specs:
            known = self.targets.get(spec.path)
            if known is None:
                self.targets[spec.path] = _Target(spec.path, spec.kind)
                self.labels[spec.path] = spec.label
            elif known.kind is not spec.kind:  # declared differently by two rulesets
                self.targets[spec.path] = _Target(spec.path, None)
            self._name(spec.path, spec.path, spec.label.zh, spec.label.en)

    def _name(self, path: str, *names: str) -> None:
        for name in names:
            key = _norm(name)
            self._names.setdefault(key, set()).add(path)
            if name not in self._shown:
                self._shown.append(name)

    def resolve(self, header: str) -> str | set[str] | None:
        """The path a header names; a set of paths when it is ambiguous; None if unknown."""
        text = header.strip()
        if text.startswith("extra.") and len(text) > len("extra."):
            return text
        for candidate in (text, _UNIT.sub("", text)):
            paths = self._names.get(_norm(candidate))
            if paths:
                return next(iter(paths)) if len(paths) == 1 else set(paths)
        return None

    def target(self, path: str) -> _Target:
        return self.targets.get(path) or _Target(path, None)

    def suggest(self, header: str) -> str | None:
        return did_you_mean(header.strip(), self._shown)


def bundled_indicators() -> list[IndicatorSpec]:
    """The `extra` indicators declared by the bundled rulesets (and plug-ins')."""
    from ..load.registry import Registry  # only when a header is not a standard one

    return indicators_of(rs.tree.indicators for rs in Registry.default().rulesets)


def indicators_of(catalogues: Iterable[Mapping[str, IndicatorSpec]]) -> list[IndicatorSpec]:
    """The indicators that are not standard in some rulesets' catalogues, each once."""
    seen: dict[tuple[str, str, str, str], IndicatorSpec] = {}
    for catalogue in catalogues:
        for spec in catalogue.values():
            if spec.path not in STANDARD_INDICATORS:
                seen.setdefault((spec.path, spec.kind, spec.label.zh, spec.label.en), spec)
    return list(seen.values())


def template_columns(ruleset: Any) -> list[str]:
    """The columns a ruleset needs: the identity columns, then every indicator its criteria
    (and level conditions) read, in catalogue order. `ruleset`: a `Ruleset`."""
    tree = ruleset.tree
    read: set[str] = set()
    for star in tree.stars:
        for node in star.nodes:
            test = getattr(node, "test", None)
            if test is not None:
                read.update(path for path, _ in test.getters)
    for level in tree.levels or ():
        read.update(path for path, _ in level.when.getters)
    indicators = [path for path in tree.indicators if path in read]
    indicators += sorted(read - set(indicators) - set(IDENTITY_PATHS))
    return [*IDENTITY_PATHS, *indicators]


def column_label(path: str, lang: Lang, labels: Mapping[str, IndicatorSpec]) -> str:
    """The header of a column in a language: the label of an identity field or indicator."""
    for identity in IDENTITY:
        if identity.path == path:
            return identity.label(lang)
    spec = labels.get(path) or STANDARD_INDICATORS.get(path)
    return spec.label(lang) if spec is not None else path


# -- cells ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_MAX_DIGITS = 400  # longer integers are beyond a float anyway; int() of more is refused

_YES = frozenset({"是", "有", "yes", "y", "true", "t", "1", "√", "✓", "✔", "对"})
_NO = frozenset({"否", "无", "没有", "no", "n", "false", "f", "0", "×", "✗", "✘", "错"})
_BOOL_WORDS = "是/否, 有/无, yes/no, true/false, 1/0, √/×"

_KINDS = {
    "rural": "rural",
    "农村": "rural",
    "urban_community": "urban_community",
    "urbancommunity": "urban_community",
    "城市社区": "urban_community",
    "社区": "urban_community",
}
_DATE = re.compile(r"([0-9]{4})\s*(?:[-/.年])\s*([0-9]{1,2})\s*(?:[-/.月])\s*([0-9]{1,2})\s*日?")


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _number_text(text: str) -> int | float:
    """A number written in a cell: '1,200', '12.5', '1e3'; ValueError otherwise."""
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"{text!r} is not a number")
    if _INTEGER.fullmatch(text):
        return int(text) if len(text) <= _MAX_DIGITS else float(text)
    return float(text)


def _decimal(text: str) -> Decimal:
    """A number written in a cell, exactly: '1,200', '8.5', '1e3'; ValueError otherwise."""
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text) or len(text) > _MAX_DIGITS:
        raise ValueError(f"{text!r} is not a number")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError(f"{text!r} is not a number") from None


def _exact(value: Decimal) -> int | float:
    # 8.5万 is 85000 and 89% is 0.89, computed in decimal: no 0.8900000000000001.
    return int(value) if value == value.to_integral_value() else float(value)


def _numeric(kind: IndicatorKind, value: object) -> int | float:
    if isinstance(value, bool):
        raise ValueError("a yes/no cell is not a number")
    if isinstance(value, date | time):
        raise ValueError("a date or time cell is not a number")
    if isinstance(value, int | float):
        number: int | float = value
    elif isinstance(value, str):
        text = _fold(value)
        if text.endswith("%"):
            if kind not in (IndicatorKind.RATE, IndicatorKind.NUMBER):
                raise ValueError(f"{value.strip()!r}: a percentage is only for rates")
            return float(_decimal(text[:-1].strip()) / 100)
        if kind is IndicatorKind.MONEY:
            if text.endswith("元"):
                text = text[:-1].strip()
            if text.endswith("万"):
                return _exact(_decimal(text[:-1].strip()) * 10_000)
        number = _number_text(text)
    else:
        raise ValueError(f"{value!r} is not a number")
    if kind is IndicatorKind.COUNT and isinstance(number, float):
        if not number.is_integer():
            raise ValueError(f"{_shown(value)} is not a whole number")
        return int(number)
    return number


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = _fold(value).casefold()
        if word in _YES:
            return True
        if word in _NO:
            return False
    raise ValueError(f"{_shown(value)} is not yes/no ({_BOOL_WORDS})")


def _shown(value: object) -> str:
    return repr(value.strip()) if isinstance(value, str) else repr(value)


def _text_of(value: object) -> str:
    """A cell as text: what a CSV holds, or an Excel cell written out."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _auto(value: object) -> object:
    """A cell of an undeclared `extra` indicator, typed by its look."""
    if not isinstance(value, str):
        return value if isinstance(value, bool | int | float) else _text_of(value)
    text = _fold(value)
    word = text.casefold()
    if word in _YES - {"1", "t", "y"}:
        return True
    if word in _NO - {"0", "f", "n"}:
        return False
    try:
        return _numeric(IndicatorKind.NUMBER, text)
    except ValueError:
        return value.strip()


def parse_cell(kind: IndicatorKind | None, value: object) -> object:
    """An indicator's value from a cell (text from a CSV, or an Excel cell's value): None
    when empty; ValueError with a message when the cell cannot hold the kind."""
    if _is_empty(value):
        return None
    if kind is None:
        return _auto(value)
    if kind is IndicatorKind.BOOL:
        return _boolean(value)
    if kind is IndicatorKind.STRING:
        return _text_of(value).strip()
    return _numeric(kind, value)


def _identity(path: str, value: object) -> object:
    if _is_empty(value):
        return None
    if path == "as_of":
        return _date(value)
    if path == "code":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(f"{_shown(value)} is not a code")
        return _fold(_text_of(value))
    if path == "kind":
        word = _fold(_text_of(value))
        kind = _KINDS.get("".join(word.casefold().split()).replace("-", "_"))
        if kind is None:
            raise ValueError(f"{word!r} is not a kind: rural (农村) or urban_community (城市社区)")
        return kind
    return _text_of(value).strip()


def _date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != time():
            raise ValueError(f"{value.isoformat()} is a date and time; give the date only")
        return value.date()
    if isinstance(value, date):
        return value
    text = _fold(_text_of(value))
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date like 2022-12-31")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None


# -- encodings -----------------------------------------------------------------------------

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


# -- reading rows --------------------------------------------------------------------------

Rows = Iterator[tuple[int, Sequence[object]]]


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


# -- villages ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Column:
    index: int  # 0-based
    header: str
    target: _Target
    parse: Callable[[object], object]  # the cell's value, None when empty; or ValueError
    section: str | None  # where the value goes: data[section][key], or data[key]
    key: str

    def title(self, row: int) -> messages.Both:
        """`村集体经济年收入 (industry.collective_income, cell D3)`, in both languages."""
        cell = f"{_letters(self.index + 1)}{row}"
        path = self.target.path
        if self.header == path:
            return messages.Both(f"{path} (cell {cell})", f"{path}（单元格 {cell}）")
        return messages.Both(
            f"{self.header} ({path}, cell {cell})", f"{self.header}（{path}，单元格 {cell}）"
        )


_SIMPLE_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_BOOL_EXACT: dict[str, bool] = {
    **{w: True for word in _YES for w in (word, word.upper(), word.capitalize())},
    **{w: False for word in _NO for w in (word, word.upper(), word.capitalize())},
}


def _parser(target: _Target) -> Callable[[object], object]:
    """How a column's cells are read: `parse_cell` (or the identity fields' reader), with a
    fast path for the common cells (是, 12, 0.89, 89%), which give the same values."""
    path, kind = target.path, target.kind
    if kind is None and not path.startswith("extra."):
        return functools.partial(_identity, path)
    slow = functools.partial(parse_cell, kind)
    if kind is IndicatorKind.BOOL:

        def boolean(value: object) -> object:
            if type(value) is str:
                fast = _BOOL_EXACT.get(value)
                if fast is not None:
                    return fast
            return slow(value)

        return boolean
    if kind in (IndicatorKind.COUNT, IndicatorKind.MONEY, IndicatorKind.NUMBER):

        def number(value: object) -> object:
            if type(value) is str and value.isascii() and value.isdigit():
                return int(value) if len(value) <= _MAX_DIGITS else slow(value)
            return slow(value)

        return number
    if kind is IndicatorKind.RATE:

        def rate(value: object) -> object:
            if type(value) is str and len(value) < 20:
                if _SIMPLE_DECIMAL.fullmatch(value):
                    return float(value) if "." in value else int(value)
                if value[-1:] == "%" and _SIMPLE_DECIMAL.fullmatch(value[:-1]):
                    return float(Decimal(value[:-1]) / 100)
            return slow(value)

        return rate
    return slow


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class _Header:
    row: int
    cells: tuple[str, ...]
    columns: tuple[_Column, ...]
    by_path: Mapping[str, _Column]
    known: frozenset[int]  # the columns read, and those with a `#` header (anything goes)


def _filled(cells: Sequence[object]) -> int:
    return sum(1 for c in cells if not _is_empty(c))


def _read_header(
    rows: Rows, name: str, indicators: Iterable[IndicatorSpec] | None
) -> _Header | None:
    headers = Headers(indicators or ())
    for number, cells in rows:
        filled = _filled(cells)
        if filled == 0:
            continue
        texts = tuple(_text_of(c).strip() for c in cells)
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


def _header(headers: Headers, name: str, number: int, texts: tuple[str, ...]) -> _Header:
    problems: list[Problem] = []
    columns: list[_Column] = []
    ignored: set[int] = set()
    first: dict[str, _Column] = {}
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
            _Column(index, text, target, _parser(target), section, key)
            if key
            else _Column(index, text, target, _parser(target), None, found)
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
    if problems:
        raise SheetError(problems)
    known = frozenset(ignored | {c.index for c in columns})
    return _Header(number, texts, tuple(columns), first, known)


_RATE_HINT = "a rate is a share from 0 to 1"
_RATE_HINT_ZH = "比率是 0 到 1 之间的份额"


def _row_village(
    header: _Header, name: str, number: int, cells: Sequence[object]
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
        if index not in known and not _is_empty(cells[index]):
            problems[index] = Problem.coded(
                Location(name, number, index + 1),
                "SR515",
                cell=f"{_letters(index + 1)}{number}",
                value=repr(_text_of(cells[index]).strip()),
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


def _column_of(loc: tuple[Any, ...], by_path: Mapping[str, _Column]) -> _Column | None:
    for end in range(len(loc), 0, -1):
        column = by_path.get(".".join(str(p) for p in loc[:end]))
        if column is not None:
            return column
    return None


def _model_message(error: Any, column: _Column, cells: Sequence[object]) -> messages.Both:
    raw = cells[column.index] if column.index < len(cells) else None
    if error["type"] == "missing":
        return messages.Both("required, but the cell is empty", "必填，但单元格是空的")
    said = messages.validation_detail(error)
    shown = _text_of(raw).strip()
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
    suffix = file.suffix.lower()
    if suffix == ".xls":
        raise InputError.of(name, "SR525")
    if isinstance(indicators, Mapping):
        indicators = list(indicators.values())
    rows = _xlsx_rows(file, name) if suffix in XLSX_SUFFIXES else _csv_rows(file, name, encoding)
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
    header = _read_header(rows, name, indicators)
    if header is None:
        return
    listed: list[Problem] = []
    more = bad_rows = 0
    for number, cells in rows:
        if not any(not _is_empty(c) for c in cells):
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
                    tuple(_text_of(c) for c in cells),
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
