"""Plans: a township's or county's targets, and how a report's result compares with them.

A targets file (YAML or CSV) names, per township or county, the villages planned at each
level ("四星 3 / 三星 7 / 二星 9", as the township reports write their plans) and/or a share of
villages at three stars or above ("61.29%").

Planned villages per level are met **cumulatively**: the plan "四星 3 / 三星 7" is met when at
least 3 villages reach four stars or more and at least 3 + 7 = 10 reach three stars or more.
A village that does better than planned (a planned three-star village that reaches four)
counts for the plan instead of against it, which is how the reports read their plans. A
share is a number of villages, rounded up exactly: 61.29% of 31 villages is 19.

Undetermined villages make the result a range: a goal is `met` when even the fewest villages
the data allows reach it, `short` (by N) when even the most cannot, and `open` otherwise,
until the missing data is filled in.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from .. import messages
from ..errors import InputError, Location, Problem, RulesetError, did_you_mean
from ..inputs.files import check_file, unreadable
from ..load.yaml_source import MAX_FILE_BYTES, PathKey, SourceDocument, read_yaml

Status = Literal["met", "short", "open", "no-villages"]
LevelTally = Mapping[tuple[int, int], int]  # (level min, level max) -> villages

SHARE_LEVEL = 3  # the reports' "三星及以上"
_NUMERALS = "零一二三四五六七八九十"
_MAX_LEVEL = 20


@dataclass(frozen=True, slots=True)
class Span:
    """A count that undetermined villages make a range: `fewest` to `most`."""

    fewest: int
    most: int

    def __str__(self) -> str:
        return str(self.fewest) if self.fewest == self.most else f"{self.fewest}–{self.most}"

    def to_dict(self) -> dict[str, int]:
        return {"fewest": self.fewest, "most": self.most}


@dataclass(frozen=True, slots=True)
class Target:
    """One township's or county's plan, as written in a targets file.

    `township` names a township (any county, unless `jurisdiction` narrows it);
    `jurisdiction` alone names a county (or any jurisdiction path: every village on it or
    below it). `levels`: (level, villages planned at that level), highest level first.
    `share`: the planned share of villages at three stars or above (exact)."""

    where: Location
    township: str | None
    jurisdiction: str | None
    levels: tuple[tuple[int, int], ...]
    share: Fraction | None

    @property
    def key(self) -> tuple[str | None, str | None]:
        return (self.township, self.jurisdiction)

    def describe(self) -> str:
        if self.township is None:
            return f"jurisdiction {self.jurisdiction}"
        inside = f" in {self.jurisdiction}" if self.jurisdiction else ""
        return f"township {self.township}{inside}"

    def describe_zh(self) -> str:
        if self.township is None:
            return f"辖区 {self.jurisdiction}"
        inside = f"（{self.jurisdiction}）" if self.jurisdiction else ""
        return f"乡镇 {self.township}{inside}"

    def matches(self, jurisdiction: str, township: str | None) -> bool:
        """Whether a village of this jurisdiction and township counts for the target."""
        if self.township is not None and township != self.township:
            return False
        j = self.jurisdiction
        return j is None or jurisdiction == j or jurisdiction.startswith(j + "/")

    def to_dict(self) -> dict[str, Any]:
        return {
            "township": self.township,
            "jurisdiction": self.jurisdiction,
            "levels": {str(level): n for level, n in self.levels},
            "share_3_plus": None if self.share is None else float(self.share),
            "where": str(self.where),
        }


@dataclass(frozen=True, slots=True)
class Targets:
    """The targets of one file, in file order."""

    file: str
    targets: tuple[Target, ...]
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Goal:
    """One goal of a target compared with the result.

    `kind` "level": at least `needed` villages at `level` or above, where `needed` adds the
    villages planned at this level and every level above it (`planned` is this level's own
    figure). `kind` "share": at least `share` of the villages at `level` (3) or above, which
    is `needed` villages. `achieved`: the villages at `level` or above (a range where data
    is missing); `short_by`: how many villages are missing (a range likewise)."""

    kind: Literal["level", "share"]
    level: int
    planned: int | None
    share: Fraction | None
    needed: int
    achieved: Span
    short_by: Span
    status: Status

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "level": self.level,
            "planned": self.planned,
            "share": None if self.share is None else float(self.share),
            "needed": self.needed,
            "achieved": self.achieved.to_dict(),
            "short_by": self.short_by.to_dict(),
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A target compared with the villages it covers. `status`: `met` when every goal is
    met, `short` when any goal is certainly short, `no-villages` when the input holds no
    village of the target, else `open`."""

    target: Target
    villages: int
    goals: tuple[Goal, ...]
    status: Status
    suggestions: tuple[str, ...] = ()
    """For a target without villages: close names among those in the input."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.to_dict(),
            "villages": self.villages,
            "status": self.status,
            "suggestions": list(self.suggestions),
            "goals": [g.to_dict() for g in self.goals],
        }


# -- comparing ------------------------------------------------------------------------------


def at_or_above(level: int, tally: LevelTally) -> Span:
    """Villages at `level` or above: those certainly there, and those that could be."""
    fewest = sum(n for (low, _), n in tally.items() if low >= level)
    most = sum(n for (_, high), n in tally.items() if high >= level)
    return Span(fewest, most)


def _goal(
    kind: Literal["level", "share"],
    level: int,
    planned: int | None,
    share: Fraction | None,
    needed: int,
    tally: LevelTally,
    villages: int,
) -> Goal:
    achieved = at_or_above(level, tally)
    short_by = Span(max(0, needed - achieved.most), max(0, needed - achieved.fewest))
    status: Status
    if villages == 0:
        status = "no-villages"
    elif short_by.most == 0:
        status = "met"
    elif short_by.fewest > 0:
        status = "short"
    else:
        status = "open"
    return Goal(kind, level, planned, share, needed, achieved, short_by, status)


def compare(target: Target, villages: int, tally: LevelTally) -> PlanResult:
    """The target compared with `villages` villages whose level ranges are `tally`."""
    goals: list[Goal] = []
    needed = 0
    for level, planned in target.levels:  # highest first: each level adds those above
        needed += planned
        goals.append(_goal("level", level, planned, None, needed, tally, villages))
    if target.share is not None:
        count = math.ceil(target.share * villages)  # exact: a Fraction, never a float
        goals.append(_goal("share", SHARE_LEVEL, None, target.share, count, tally, villages))
    statuses = {g.status for g in goals}
    status: Status
    if villages == 0:
        status = "no-villages"
    elif "short" in statuses:
        status = "short"
    elif statuses == {"met"}:
        status = "met"
    else:
        status = "open"
    return PlanResult(target, villages, tuple(goals), status)


# -- reading --------------------------------------------------------------------------------

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


__all__ = [
    "Goal",
    "PlanResult",
    "Span",
    "Target",
    "Targets",
    "at_or_above",
    "compare",
    "parse_level",
    "parse_share",
    "read_targets",
    "targets_from_data",
]
