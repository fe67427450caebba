"""Targets files read: YAML or CSV, one target per township or county (see plans.py).

A YAML file has `targets:` (and an optional `title:`), each target a mapping of `township`
and/or `county` (or `jurisdiction`), `levels` (level → villages planned at it: `五星: 1`,
`level_4: 3`, `3: 7`) and/or `share_3_plus` (`0.6129` or `'61.29%'`). A CSV file has a
header row naming the same columns (or their Chinese names: 乡镇, 县区, 三星及以上占比, 四星 …)
and a target a row. Every problem names the file, line (and column).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from .. import messages
from ..errors import InputError, Location, Problem, RulesetError, did_you_mean
from ..inputs.files import check_file, unreadable
from ..load.source_document import PathKey, SourceDocument
from ..load.yaml_files import read_yaml
from ..load.yaml_limits import MAX_FILE_BYTES
from .plans import Target, Targets

_NUMERALS = "零一二三四五六七八九十"
_MAX_LEVEL = 20

_TARGET_KEYS = ("township", "county", "jurisdiction", "levels", "share_3_plus")
_TOP_KEYS = ("targets", "title")


class _Problem(Exception):
    """A problem at a place in the file, the catalogue's message `code` with its values;
    becomes an InputError."""

    def __init__(
        self, where: Location, code: str, hint: str | None = None, **values: object
    ) -> None:
        self.problem = Problem.coded(where, code, hint, **values)
        super().__init__(str(self.problem))

    def error(self) -> InputError:
        return InputError.listing([self.problem])


def read_targets(path: str | Path) -> Targets:
    """Read a targets file: `.yaml` / `.yml` or `.csv` (UTF-8). Raise an `InputError` naming
    the file, line (and column) of any problem."""
    file = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv"):
        raise InputError.of(file, "SR530", suffix=suffix)
    if suffix == ".csv":
        return _read_csv(Path(path), file)
    try:
        doc = read_yaml(path)
    except RulesetError as exc:
        raise InputError.listing([_yaml_problem(p) for p in exc.problems]) from None
    try:
        return _from_document(doc)
    except _Problem as exc:
        raise exc.error() from None


def _yaml_problem(problem: Problem) -> Problem:
    # The YAML reader words its checks for rulesets; two of them read oddly here.
    if problem.code == "SR105":  # a ruleset must be a mapping
        return Problem.coded(problem.location, "SR531")
    if problem.hint == "a ruleset file is a few dozen KB":
        return Problem(problem.location, problem.message, None, problem.code, problem.values)
    return problem


def targets_from_data(data: Any, file: str = "<targets>") -> Targets:
    """Targets from data already read (the shape of a YAML targets file), for programs."""
    try:
        return _from_document(SourceDocument(file, data))
    except _Problem as exc:
        raise exc.error() from None


def _from_document(doc: SourceDocument) -> Targets:
    data = doc.data
    if not isinstance(data, Mapping):
        raise _Problem(doc.location(()), "SR531")
    _check_keys(doc, (), data, _TOP_KEYS)
    if "targets" not in data:
        raise _Problem(doc.location(()), "SR532")
    items = data["targets"]
    if not isinstance(items, list):
        raise _Problem(doc.location(("targets",)), "SR533")
    if not items:
        raise _Problem(doc.location(("targets",)), "SR534")
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        raise _Problem(doc.location(("title",)), "SR535")
    targets = [_target(doc, ("targets", i), item) for i, item in enumerate(items)]
    return Targets(doc.file, _unique(targets), title)


def _check_keys(
    doc: SourceDocument, path: PathKey, data: Mapping[str, Any], known: Iterable[str]
) -> None:
    known = tuple(known)
    for key in data:
        if key not in known:
            hint = did_you_mean(str(key), known)
            where = doc.location((*path, key), key=True)
            if hint is None:
                raise _Problem(where, "SR537", key=key, known=", ".join(known))
            raise _Problem(where, "SR536", hint, key=key)


def _target(doc: SourceDocument, path: PathKey, item: Any) -> Target:
    where = doc.location(path)
    if not isinstance(item, Mapping):
        raise _Problem(where, "SR538")
    _check_keys(doc, path, item, _TARGET_KEYS)
    if "county" in item and "jurisdiction" in item:
        raise _Problem(doc.location((*path, "jurisdiction"), key=True), "SR539")
    township = _name(doc, (*path, "township"), item.get("township"))
    place_key = "county" if "county" in item else "jurisdiction"
    jurisdiction = _name(doc, (*path, place_key), item.get(place_key))
    if township is None and jurisdiction is None:
        raise _Problem(where, "SR540")
    levels: list[tuple[int, int]] = []
    raw_levels = item.get("levels")
    if raw_levels is not None:
        if not isinstance(raw_levels, Mapping):
            raise _Problem(doc.location((*path, "levels")), "SR541")
        for key, value in raw_levels.items():
            level_at = doc.location((*path, "levels", key), key=True)
            level = parse_level(str(key))
            if level is None:
                raise _Problem(level_at, "SR542", key=key)
            if level == 0:
                raise _Problem(level_at, "SR543")
            planned = _count(value)
            if planned is None:
                raise _Problem(doc.location((*path, "levels", key)), "SR544", value=_shown(value))
            levels.append((level, planned))
    share = None
    if "share_3_plus" in item:
        share = parse_share(item["share_3_plus"])
        if share is None:
            shown = _shown(item["share_3_plus"])
            raise _Problem(doc.location((*path, "share_3_plus")), "SR545", value=shown)
    if not levels and share is None:
        raise _Problem(where, "SR546")
    levels.sort(key=lambda pair: -pair[0])
    return Target(where, township, jurisdiction, tuple(levels), share)


def _name(doc: SourceDocument, path: PathKey, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Problem(doc.location(path), "SR547", value=_shown(value))
    return value.strip()


def _unique(targets: list[Target]) -> tuple[Target, ...]:
    seen: dict[tuple[str | None, str | None], Target] = {}
    for t in targets:
        first = seen.get(t.key)
        if first is not None:
            target = messages.Both(t.describe(), t.describe_zh())
            raise _Problem(t.where, "SR548", target=target, line=first.where.line)
        seen[t.key] = t
    return tuple(targets)


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 40 else text[:37] + "…"


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value >= 0:
        return value
    return None


_LEVEL_PATTERNS = (
    re.compile(r"(?:level[ _]?)?(\d{1,2})(?:星(?:级|支部)?)?", re.IGNORECASE),
    re.compile(f"([{_NUMERALS}])星(?:级|支部)?"),
)


def parse_level(text: str) -> int | None:
    """A level as written in a plan: 5, level_5, 5星, 五星, 五星支部; None otherwise."""
    text = text.strip()
    for pattern in _LEVEL_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            digits = match.group(1)
            value = int(digits) if digits.isdigit() else _NUMERALS.index(digits)
            return value if value <= _MAX_LEVEL else None
    return None


def parse_share(value: Any) -> Fraction | None:
    """A share, exact: a number from 0 to 1 (0.6129) or a percentage text ('61.29%')."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            share = Fraction(str(value))  # the decimal as written, not the float's binary
        elif isinstance(value, str) and value.strip().endswith(("%", "％")):
            share = Fraction(value.strip()[:-1].strip()) / 100
        elif isinstance(value, str):
            share = Fraction(value.strip())
        else:
            return None
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return share if 0 <= share <= 1 else None


# -- CSV ------------------------------------------------------------------------------------

_TOWNSHIP_HEADERS = ("township", "乡镇", "乡镇（街道）", "乡镇(街道)")
_PLACE_HEADERS = ("county", "jurisdiction", "县", "县区", "县（区）", "县(区)", "辖区")
_SHARE_HEADERS = ("share_3_plus", "三星及以上占比", "三星以上占比")
_KNOWN_HEADERS = (*_TOWNSHIP_HEADERS, *_PLACE_HEADERS, *_SHARE_HEADERS, "五星", "level_5")


def _read_csv(path: Path, file: str) -> Targets:
    check_file(path, file)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise unreadable(file, exc) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError.of(file, "SR549", size=MAX_FILE_BYTES // 1024 // 1024)
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError.of(f"{file}:{line}", "SR550") from None
    if not text.strip():
        raise InputError.of(file, "SR551")
    try:
        return _csv_targets(text, file)
    except _Problem as exc:
        raise exc.error() from None
    except csv.Error as exc:
        raise InputError.of(file, "SR552", detail=str(exc)) from None


def _csv_targets(text: str, file: str) -> Targets:
    reader = csv.reader(text.splitlines(keepends=True))
    header = [cell.strip() for cell in next(reader)]
    head_at = Location(file, reader.line_num)
    township_col = place_col = share_col = None
    level_cols: list[tuple[int, int]] = []  # (column, level)
    seen: dict[str, int] = {}
    for col, name in enumerate(header):
        if name in seen:
            raise _Problem(head_at, "SR553", column=col + 1, name=name, first=seen[name] + 1)
        seen[name] = col
        lowered = name.lower()
        if lowered in _TOWNSHIP_HEADERS:
            township_col = col
        elif lowered in _PLACE_HEADERS:
            if place_col is not None:
                raise _Problem(head_at, "SR554", column=col + 1, name=name)
            place_col = col
        elif lowered in _SHARE_HEADERS:
            share_col = col
        elif (level := parse_level(name)) is not None and level > 0:
            level_cols.append((col, level))
        elif name:
            hint = did_you_mean(name, _KNOWN_HEADERS)
            suggestion = messages.aside(hint)
            raise _Problem(head_at, "SR555", column=col + 1, name=name, suggestion=suggestion)
    if township_col is None and place_col is None:
        raise _Problem(head_at, "SR556")
    targets: list[Target] = []
    for row in reader:
        where = Location(file, reader.line_num)
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise _Problem(where, "SR557", count=len(row), columns=len(header))
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        township = (cells[township_col] or None) if township_col is not None else None
        place = (cells[place_col] or None) if place_col is not None else None
        if township is None and place is None:
            raise _Problem(where, "SR540")
        levels: list[tuple[int, int]] = []
        for col, level in level_cols:
            if not cells[col]:
                continue
            planned = _count(_number(cells[col]))
            if planned is None:
                raise _Problem(where, "SR558", column=col + 1, header=header[col], value=cells[col])
            levels.append((level, planned))
        share = None
        if share_col is not None and cells[share_col]:
            share = parse_share(cells[share_col])
            if share is None:
                raise _Problem(
                    where,
                    "SR559",
                    column=share_col + 1,
                    header=header[share_col],
                    value=cells[share_col],
                )
        if not levels and share is None:
            raise _Problem(where, "SR560")
        levels.sort(key=lambda pair: -pair[0])
        targets.append(Target(where, township, place, tuple(levels), share))
    if not targets:
        raise _Problem(Location(file), "SR561")
    return Targets(file, _unique(targets))


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


__all__ = ["parse_level", "parse_share", "read_targets", "targets_from_data"]
