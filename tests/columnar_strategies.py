"""Random rulesets using every feature, and random villages for them, for the differential
test of the columnar engine against the row engine (tests/test_columnar_agreement.py).

A drawn ruleset is a `Drawn`: the loaded `Ruleset`, the document it was loaded from (shown
as YAML in a failure) and the indicators its expressions may read. Expressions are drawn
typed (number / yes-no / text), so every one type-checks; arithmetic that could leave the
whole numbers a float64 holds exactly (±2**53, where the row engine computes with Python
ints and the columnar one with floats, a documented difference) is not drawn: `Number.bound`
tracks the largest whole number a subexpression may take.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import yaml
from hypothesis import strategies as st

import starrules
from starrules import Ruleset, Village

EXACT_LIMIT = 2**53  # whole numbers beyond this are not exact in float64
LEAF_LIMIT = 2**21  # the largest whole number an indicator is given here

# Standard indicators of every kind the catalogue has (it has no number or text kind).
STANDARD: dict[str, str] = {
    "branch.reserve_cadres": "count",
    "industry.local_jobs": "count",
    "safety.disputes_total": "count",
    "safety.disputes_resolved": "count",
    "industry.collective_income": "money",
    "ecology.sanitary_toilet_rate": "rate",
    "ecology.greening_rate": "rate",
    "industry.dual_binding": "bool",
    "ecology.garbage_system": "bool",
    "safety.grid_management": "bool",
}
# Declared `extra.*` indicators, one of each kind a declaration may have.
EXTRAS: dict[str, str] = {
    "extra.num": "number",
    "extra.cnt": "count",
    "extra.amount": "money",
    "extra.share": "rate",
    "extra.flag": "bool",
    "extra.label": "string",
}
NUMERIC = ("count", "money", "rate", "number")
UNDECLARED = "extra.not_declared"  # given by some villages: ignored by both engines

INT_LITERALS = (0, 1, 2, 3, 5, 10, 20, 100, 1000, 100_000)
FLOAT_LITERALS = (0.1, 0.5, 0.7, 0.8, 0.85, 1.5, 2.5, 100_000.5, 1e300, 1e308)
STRINGS = ("a", "b", "甲", "")
OPS = ("<", "<=", ">", ">=", "==", "!=")
TOKEN = re.compile(r"[\w.]+|[^\s\w]")  # about how starrules counts an expression's tokens
# Whole and decimal points; 16 decimals make weights beyond 2**53 (over 10**16) and sums no
# float64 holds (3.8234567890123457 reads as 3.823456789012346), where points() compared
# with that float must be decided exactly.
POINTS = ("1", "2", "3", "5", "0.1", "0.25", "0.3", "0.7", "1.5")
FINE_POINTS = ("0.1234567890123457", "1.2345678901234567")


@dataclass(frozen=True)
class Number:
    """A numeric expression's source, and the largest whole number it may take (None: it
    is always a float, e.g. a quotient)."""

    source: str
    bound: int | None


@dataclass
class Drawn:
    """A drawn ruleset with what the village strategy and a failure message need."""

    ruleset: Ruleset
    document: dict[str, Any]
    paths: dict[str, str]  # indicator path → kind, every one the expressions may read

    def yaml(self) -> str:
        return yaml.safe_dump(self.document, allow_unicode=True, sort_keys=False, width=100)


@functools.cache
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)  # built once: building strategies is most of a draw's cost


@functools.cache
def _one_of(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


BOOLEANS = st.booleans()


def pick(draw: st.DrawFn, values: Iterable[Any]) -> Any:
    return draw(_one_of(tuple(values)))


def _int_bound(*bounds: int | None) -> int | None:
    known = [b for b in bounds if b is not None]
    return max(known) if known else None


@dataclass
class Expressions:
    """Draws typed expressions over `paths`; in levels also stars, count() and points()."""

    draw: st.DrawFn
    paths: dict[str, str]
    stars: list[str] = field(default_factory=list)
    point_groups: dict[str, list[Fraction]] = field(default_factory=dict)  # id → points
    level: bool = False

    def of_kind(self, *kinds: str) -> list[str]:
        return sorted(p for p, k in self.paths.items() if k in kinds)

    # -- numbers ------------------------------------------------------------------------

    def literal(self) -> Number:
        draw = self.draw
        if draw(BOOLEANS):
            value = pick(draw, INT_LITERALS)
            return Number(str(value), value)
        return Number(repr(pick(draw, FLOAT_LITERALS)), None)

    def number(self, depth: int = 0) -> Number:
        draw = self.draw
        numeric = self.of_kind(*NUMERIC)
        choice = draw(_ints(0, 9 if depth < 3 else 1))
        if choice == 0:
            return self.literal()
        if choice == 1:
            return Number(pick(draw, numeric), LEAF_LIMIT)
        if choice == 2:
            inner = self.number(depth + 1)
            return Number(f"-({inner.source})", inner.bound)
        if choice == 3:
            inner = self.number(depth + 1)
            return Number(f"abs({inner.source})", inner.bound)
        if choice == 4:
            a, b = self.number(depth + 1), self.number(depth + 1)
            return Number(f"ratio({a.source}, {b.source})", None)
        if choice == 5:
            name = pick(draw, ["min", "max"])
            args = [self.number(depth + 1) for _ in range(draw(_ints(2, 3)))]
            text = ", ".join(a.source for a in args)
            return Number(f"{name}({text})", _int_bound(*(a.bound for a in args)))
        a, b = self.number(depth + 1), self.number(depth + 1)
        op = pick(draw, ["+", "-", "*", "/"])
        bound: int | None = None
        if op != "/" and a.bound is not None and b.bound is not None:
            bound = a.bound * b.bound if op == "*" else a.bound + b.bound
            if bound > EXACT_LIMIT:  # beyond exact whole numbers: a quotient instead
                op, bound = "/", None
        return Number(f"({a.source}) {op} ({b.source})", bound)

    # -- yes / no -----------------------------------------------------------------------

    def boolean(self, depth: int = 0) -> str:
        draw = self.draw
        top = 12 if depth < 2 else 5  # from depth 2 on, no more nesting
        choice = draw(_ints(0, top + (4 if self.level and depth <= 2 else 0)))
        if choice > top:
            return self.level_test()
        flags = self.of_kind("bool")
        texts = self.of_kind("string")
        if choice == 0 and flags:
            return pick(draw, flags)
        if choice <= 3:
            left = self.number(1)
            op = pick(draw, OPS)
            right = self.literal() if draw(BOOLEANS) else self.number(1)
            if draw(BOOLEANS):
                left, right = right, left
            return f"{left.source} {op} {right.source}"
        if choice == 4:
            values = draw(st.lists(st.sampled_from(INT_LITERALS + FLOAT_LITERALS), min_size=1))
            return f"{self.number(1).source} in [{', '.join(repr(v) for v in values)}]"
        if choice == 5 and texts:
            path = pick(draw, texts)
            if draw(BOOLEANS):
                values = draw(st.lists(st.sampled_from(STRINGS), min_size=1, max_size=3))
                return f"{path} in [{', '.join(json.dumps(v) for v in values)}]"
            op = pick(draw, ["==", "!="])
            text = json.dumps(pick(draw, STRINGS), ensure_ascii=False)
            if draw(_ints(0, 5)) == 0:  # a constant: both sides literals
                path = json.dumps(pick(draw, STRINGS), ensure_ascii=False)
            return f"{path} {op} {text}" if draw(BOOLEANS) else f"{text} {op} {path}"
        if choice == 6:
            what = draw(_ints(0, 2))
            if what == 0:
                return f"known({self.number(1).source})"
            if what == 1 and texts:
                return f"known({pick(draw, texts)})"
            return f"known({self.boolean(depth + 1)})"
        if choice == 7:
            return f"not ({self.boolean(depth + 1)})"
        if choice in (8, 9):
            op = pick(draw, ["and", "or"])
            parts = [self.boolean(depth + 1) for _ in range(draw(_ints(2, 3)))]
            return f" {op} ".join(f"({p})" for p in parts)
        if choice == 10:
            values = draw(st.lists(st.booleans(), min_size=1, max_size=2))
            listed = ", ".join("true" if v else "false" for v in values)
            return f"({self.boolean(depth + 1)}) in [{listed}]"
        if choice == 11:
            op = pick(draw, ["==", "!="])
            right = pick(draw, ["true", "false"]) if draw(BOOLEANS) else None
            right = right or f"({self.boolean(depth + 1)})"
            return f"({self.boolean(depth + 1)}) {op} {right}"
        if choice == 12:
            return pick(draw, ["true", "false"])
        return self.comparison()

    def comparison(self) -> str:
        """An indicator compared with a literal: the simplest test."""
        draw = self.draw
        return f"{pick(draw, self.of_kind(*NUMERIC))} {pick(draw, OPS)} {self.literal().source}"

    def test(self) -> str:
        """A criterion's test or a level's condition, within the limit of 256 tokens."""
        draw = self.draw
        text = self.level_test() if self.level and draw(BOOLEANS) else self.boolean()
        return text if len(TOKEN.findall(text)) <= 200 else self.comparison()

    def level_test(self) -> str:
        """What only a level condition may read: stars, count(...) and points()."""
        draw = self.draw
        choice = draw(_ints(0, 6))  # 3 to 6: points(), when there are min_points groups
        op = pick(draw, OPS)
        if choice == 0:
            return f"stars.{pick(draw, self.stars)}"
        if choice == 1:
            k = draw(_ints(0, len(self.stars) + 1))
            other = str(k) if draw(_ints(0, 3)) else self.number(1).source
            return f"count(stars) {op} {other}" if draw(BOOLEANS) else f"{other} {op} count(stars)"
        if choice == 2:
            args = [
                f"stars.{pick(draw, self.stars)}" if draw(BOOLEANS) else self.boolean(3)
                for _ in range(draw(_ints(1, 3)))
            ]
            return f"count({', '.join(args)}) {op} {draw(_ints(0, len(args)))}"
        if not self.point_groups:
            return f"count(stars) >= {draw(_ints(0, len(self.stars)))}"
        gid = pick(draw, self.point_groups)
        group = json.dumps(gid)
        if choice == 3:  # a literal, written as a decimal (0.8 is 4/5)
            value = pick(draw, ["0", "0.8", "1", "1.5", "2.35", "3", "5.1", "7", "10"])
        elif choice in (4, 5):  # the float nearest the points of some items: a tie as floats
            items = self.point_groups[gid]
            chosen = draw(st.lists(_ints(0, len(items) - 1), max_size=len(items), unique=True))
            value = repr(float(sum((items[i] for i in chosen), Fraction(0))))
        elif draw(BOOLEANS):  # a float sum: 0.1 + 0.7 is not 0.8
            value = pick(draw, ["(0.1) + (0.7)", "(0.1) + (0.2)", "(0.5) * (3)", "(1.5) + (0.8)"])
        else:  # a computed number: compared exactly as the float it is
            value = self.number(1).source
        if draw(BOOLEANS):
            return f"points({group}) {op} {value}"
        return f"{value} {op} points({group})"


@st.composite
def rulesets(draw: st.DrawFn) -> Drawn:
    """Rulesets using every feature: groups of every kind (nested; decimal points), vetoes,
    `requires`, declared extras of every kind, explicit levels or the default rule."""
    declared = {p: k for p, k in EXTRAS.items() if draw(BOOLEANS)}
    paths = {**STANDARD, **declared}
    expressions = Expressions(draw, paths)
    counter = iter(range(10_000))
    point_groups: dict[str, list[Fraction]] = {}

    def points() -> float:
        return float(pick(draw, FINE_POINTS if draw(_ints(0, 4)) == 0 else POINTS))

    def criterion(prefix: str = "c") -> dict[str, Any]:
        n = next(counter)
        return {
            "id": f"{prefix}{n}",
            "test": expressions.test(),
            "text": {"zh": f"条件{n}", "en": f"{prefix}{n}"},
        }

    def group(depth: int) -> dict[str, Any]:
        size = draw(_ints(1, 4 if depth else 3))
        items = [
            criterion() if depth >= 2 or draw(_ints(0, 2)) else group(depth + 1)
            for _ in range(size)
        ]
        rule = pick(draw, ["all", "any", "at_least", "min_points"])
        gid = f"g{next(counter)}"
        if rule in ("all", "any"):
            return {"id": gid, rule: items}
        if rule == "at_least":
            return {"id": gid, "at_least": draw(_ints(1, size)), "of": items}
        for item in items:
            item["points"] = points()
        # A bar that some items reach exactly (0.1 + 0.7 reaching 0.8), or just below it.
        counted = draw(st.lists(st.booleans(), min_size=size, max_size=size))
        reached = sum(
            (Fraction(repr(i["points"])) for i, c in zip(items, counted, strict=True) if c),
            Fraction(0),
        )
        bar = reached - draw(st.sampled_from([Fraction(0), Fraction(1, 10), Fraction(1, 100)]))
        point_groups[gid] = [Fraction(repr(i["points"])) for i in items]
        if bar <= 0:
            bar = Fraction(repr(items[0]["points"]))
        written = float(bar)
        if Fraction(repr(written)) > bar:  # never above the points there are
            written = math.nextafter(written, 0)
        return {"id": gid, "min_points": written, "of": items}

    stars: list[dict[str, Any]] = []
    for s in range(draw(_ints(1, 4))):
        star: dict[str, Any] = {
            "id": f"s{s}",
            "name": {"zh": f"星{s}", "en": f"star {s}"},
            "grant": group(0),
        }
        vetoes = [criterion("v") for _ in range(draw(_ints(0, 2)))]
        if vetoes:
            star["veto"] = vetoes
        if s:
            required = draw(st.lists(st.integers(0, s - 1), max_size=2, unique=True))
            if required:
                star["requires"] = [f"s{r}" for r in sorted(required)]
        stars.append(star)
    document: dict[str, Any] = {
        "starrules": 1,
        "id": "columnar",
        "jurisdiction": "cn-test",
        "kind": "rural",
        "version": "1",
        "effective": {"from": "2020-01-01"},
        "title": {"zh": "随机", "en": "random"},
    }
    if declared:
        document["indicators"] = {p: {"type": k, "zh": p, "en": p} for p, k in declared.items()}
    document["stars"] = stars
    if draw(BOOLEANS):  # explicit levels, else the default rule
        levels = Expressions(draw, paths, [s["id"] for s in stars], point_groups, level=True)
        values = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4, unique=True))
        document["levels"] = [
            {
                "value": value,
                "name": {"zh": f"{value}级", "en": f"level {value}"},
                "when": levels.test(),
            }
            for value in sorted(values, reverse=True)
        ]
    ruleset = starrules.loads_ruleset(json.dumps(document, ensure_ascii=False), "<columnar>")
    return Drawn(ruleset, document, paths)


# -- villages ---------------------------------------------------------------------------

_COUNTS = (0, 1, 2, 3, 4, 5, 9, 10, 11, 19, 20, 21, 100, 999, 1000, 99_999, 100_000, 100_001)


@functools.cache
def _value(kind: str, extra: bool) -> st.SearchStrategy[Any]:
    """Valid values of a kind: at the literals the rules use and next to them, zeros (for
    division by zero), huge floats (for overflow), tiny ones, and anything else valid."""
    if kind == "bool":
        return st.booleans()
    if kind == "string":
        return st.sampled_from(STRINGS) | st.text(max_size=3)
    if kind == "count":
        whole = st.sampled_from(_COUNTS) | st.integers(0, LEAF_LIMIT)
        # An extra's count may be a whole float (3.0, 1e300): the row engine keeps it a float.
        return whole | st.sampled_from([3.0, 1e300, 1e308]) if extra else whole
    if kind == "rate":
        rates = st.sampled_from([0.0, -0.0, 0.1, 0.5, 0.7, 0.8, 0.85, 1.0, 5e-324]) | st.floats(
            0, 1
        )
        return rates | st.sampled_from([0, 1]) if extra else rates
    if kind == "money":
        money = st.sampled_from(
            [0.0, -0.0, 0.1, 0.5, 1.0, 99_999.0, 100_000.0, 100_000.5, 1e300, 1e308, 5e-324]
        ) | st.floats(0, 1e6)
        return money | st.sampled_from(_COUNTS) if extra else money
    return (
        st.sampled_from([0, -0.0, 1, -1, 0.1, -0.5, 100_000, -100_000, 1e308, -1e308, 5e-324])
        # sums of points (0.3 + 0.5, 0.7 + 1.5 + 0.25 …), which points() is compared with
        | st.sampled_from([0.3, 0.8, 1.5, 2.2, 2.35, 2.45, 3, 0.1 + 0.7, 0.1 + 0.2])
        | st.integers(-LEAF_LIMIT, LEAF_LIMIT)
        | st.floats(-1e6, 1e6)
        | st.floats(allow_nan=False, allow_infinity=False)
    )


@st.composite
def villages(draw: st.DrawFn, drawn: Drawn, name: str = "村") -> Village:
    """A valid village for the drawn ruleset: every indicator it may read unknown (about a
    quarter of them) or one of `_value`'s."""
    data: dict[str, Any] = {
        "name": name,
        "jurisdiction": pick(draw, ["cn-test", "cn-test/county"]),
        "kind": "rural",
        "as_of": "2023-12-31",
    }
    for path, kind in drawn.paths.items():
        if draw(_ints(0, 3)) == 0:
            continue  # unknown: absent (as null)
        value = draw(_value(kind, path.startswith("extra.")))
        section, key = path.split(".", 1)
        data.setdefault(section, {})[key] = value
    if draw(_ints(0, 4)) == 0:
        # Whole numbers only: villages_table cannot type a column of mixed kinds (see
        # test_columnar_agreement.test_undeclared_extras_of_mixed_kinds_are_ignored).
        data.setdefault("extra", {})[UNDECLARED.split(".", 1)[1]] = draw(_ints(0, 5))
    return Village.model_validate(data)


# -- points() against numbers, where floats cannot decide ----------------------------------

FLAGS = (
    "branch.secretary_strong",
    "branch.three_meetings_one_lesson",
    "industry.dual_binding",
    "ecology.garbage_system",
    "safety.grid_management",
    "civility.practice_station",
)


@st.composite
def points_cases(draw: st.DrawFn) -> tuple[Drawn, list[Village]]:
    """A min_points group of yes/no items with fine points (16 decimals: sums no float
    holds) and levels comparing points() with the floats nearest sums of some items'
    points (as literals and as `extra.num`), and villages passing any set of items."""
    size = draw(_ints(2, len(FLAGS)))
    written = [pick(draw, FINE_POINTS if draw(BOOLEANS) else POINTS) for _ in range(size)]
    exact = [Fraction(w) for w in written]

    def near_sum() -> float:
        chosen = draw(st.lists(_ints(0, size - 1), max_size=size, unique=True))
        return float(sum((exact[i] for i in chosen), Fraction(0)))

    items = [
        {"id": f"i{i}", "test": FLAGS[i], "points": float(w), "text": {"zh": "项", "en": "i"}}
        for i, w in enumerate(written)
    ]
    levels = []
    for value in sorted(draw(st.lists(_ints(1, 6), min_size=1, max_size=4, unique=True)))[::-1]:
        number = "extra.num" if draw(_ints(0, 2)) == 0 else repr(near_sum())
        op = pick(draw, OPS)
        when = f'points("g") {op} {number}' if draw(BOOLEANS) else f'{number} {op} points("g")'
        levels.append({"value": value, "name": {"zh": f"{value}", "en": f"{value}"}, "when": when})
    document: dict[str, Any] = {
        "starrules": 1,
        "id": "points",
        "jurisdiction": "cn-test",
        "kind": "rural",
        "version": "1",
        "effective": {"from": "2020-01-01"},
        "title": {"zh": "分", "en": "points"},
        "indicators": {"extra.num": {"type": "number", "zh": "数", "en": "number"}},
        "stars": [
            {
                "id": "s0",
                "name": {"zh": "星", "en": "star"},
                "grant": {"id": "g", "min_points": float(min(exact)), "of": items},
            }
        ],
        "levels": levels,
    }
    ruleset = starrules.loads_ruleset(json.dumps(document, ensure_ascii=False), "<points>")
    drawn = Drawn(ruleset, document, {"extra.num": "number", **dict.fromkeys(FLAGS, "bool")})
    flags = st.sampled_from([True, True, False, None])
    found = []
    for n in range(draw(_ints(1, 4))):
        data: dict[str, Any] = {"name": f"村{n}", "jurisdiction": "cn-test", "kind": "rural"}
        for path in FLAGS[:size]:
            section, key = path.split(".")
            data.setdefault(section, {})[key] = draw(flags)
        data["extra"] = {"num": near_sum() if draw(_ints(0, 3)) else None}
        found.append(Village.model_validate(data))
    return drawn, found


def village_json(village: Village) -> str:
    return village.model_dump_json(exclude_none=True, exclude_defaults=True)


TableOf = Callable[[list[Village]], Any]

__all__ = [
    "EXTRAS",
    "STANDARD",
    "Drawn",
    "Expressions",
    "Number",
    "points_cases",
    "rulesets",
    "village_json",
    "villages",
]
