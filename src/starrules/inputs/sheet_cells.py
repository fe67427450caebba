"""A spreadsheet cell's value: text from a CSV, or an Excel cell's value, read as the kind of
its column.

An empty cell is unknown (never 0 or no). Numbers may have thousands separators (`1,200`) and
full-width digits; a rate may be written `0.89` or `89%`; money may end in `元` or `万` /
`万元` (×10,000); yes/no is 是/否, 有/无, yes/no, y/n, true/false, 1/0, √/×. A date is
2022-12-31, 2022/12/31 or 2022年12月31日 (or a date cell in Excel). A cell that cannot hold its
column's kind is a ValueError with a message for the user.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from ..indicators import IndicatorKind

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


def is_empty(value: object) -> bool:
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


def text_of(value: object) -> str:
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
        return value if isinstance(value, bool | int | float) else text_of(value)
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
    if is_empty(value):
        return None
    if kind is None:
        return _auto(value)
    if kind is IndicatorKind.BOOL:
        return _boolean(value)
    if kind is IndicatorKind.STRING:
        return text_of(value).strip()
    return _numeric(kind, value)


def _identity(path: str, value: object) -> object:
    if is_empty(value):
        return None
    if path == "as_of":
        return _date(value)
    if path == "code":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(f"{_shown(value)} is not a code")
        return _fold(text_of(value))
    if path == "kind":
        word = _fold(text_of(value))
        kind = _KINDS.get("".join(word.casefold().split()).replace("-", "_"))
        if kind is None:
            raise ValueError(f"{word!r} is not a kind: rural (农村) or urban_community (城市社区)")
        return kind
    return text_of(value).strip()


def _date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != time():
            raise ValueError(f"{value.isoformat()} is a date and time; give the date only")
        return value.date()
    if isinstance(value, date):
        return value
    text = _fold(text_of(value))
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date like 2022-12-31")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None


_SIMPLE_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_BOOL_EXACT: dict[str, bool] = {
    **{w: True for word in _YES for w in (word, word.upper(), word.capitalize())},
    **{w: False for word in _NO for w in (word, word.upper(), word.capitalize())},
}


def cell_reader(path: str, kind: IndicatorKind | None) -> Callable[[object], object]:
    """How the cells of a column holding `path` (of this kind; None for an identity field or
    an undeclared extra) are read: `parse_cell` (or the identity fields' reader), with a
    fast path for the common cells (是, 12, 0.89, 89%), which give the same values."""
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


__all__ = ["cell_reader", "is_empty", "parse_cell", "text_of"]
