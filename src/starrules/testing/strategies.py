"""Hypothesis strategies: valid villages for a ruleset, with values clustered at its
thresholds (and their neighbours), and small random rulesets for testing the engine itself.
Also the value grids and village builders the checks share."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from ..expr.ast import Name, walk
from ..expr.ast import Node as ExprNode
from ..expr.bounds import Bounds
from ..indicators import IndicatorKind, IndicatorSpec
from ..load.loader import loads_ruleset
from ..rules import Criterion
from ..ruleset import Ruleset
from ..village import Village


def _expressions(ruleset: Ruleset) -> list[ExprNode]:
    """The parsed tests and level conditions (the ASTs the compiler kept)."""
    trees = [n.test.node for s in ruleset.stars for n in s.nodes if isinstance(n, Criterion)]
    trees += [level.when.node for level in ruleset.tree.levels or ()]
    return trees


def read_paths(ruleset: Ruleset) -> list[str]:
    """Every indicator path the ruleset's tests and levels read, in ruleset order."""
    paths: dict[str, None] = {}
    for tree in _expressions(ruleset):
        for node in walk(tree):
            if isinstance(node, Name) and node.path in ruleset.tree.indicators:
                paths[node.path] = None
    return list(paths)


def _bounds(ruleset: Ruleset) -> Bounds:
    """Where the ruleset's tests and levels can change their truth (see expr.bounds)."""
    return Bounds.of(_expressions(ruleset))


def _limits(ruleset: Ruleset, *others: Ruleset) -> dict[str, set[Any]]:
    """The values at which each indicator can change a test: the constants it is compared
    with, the bounds computed ones imply (`x <= 100000 * 3` → 300000, `x * 2 - 100 <= 200`
    → 150), and those of tests on several indicators with the others at their own bounds
    (`ratio(a, b) >= 0.5` and `b >= 100` → 50 for `a`). With `others`, theirs too."""
    return Bounds.of(tree for rs in (ruleset, *others) for tree in _expressions(rs)).likely()


def _values(spec: IndicatorSpec, limits: set[Any]) -> st.SearchStrategy[Any]:
    """Valid values of one indicator, weighted towards the ruleset's thresholds."""
    numbers: list[float] = [
        float(x) for x in limits if isinstance(x, int | float) and not isinstance(x, bool)
    ]
    kind = spec.kind
    if kind is IndicatorKind.BOOL:
        return st.booleans()
    if kind is IndicatorKind.STRING:
        texts = sorted(x for x in limits if isinstance(x, str))
        return st.sampled_from(texts) | st.text(max_size=4) if texts else st.text(max_size=4)
    if kind is IndicatorKind.COUNT:
        counts = sorted({max(0, math.floor(x) + d) for x in numbers for d in (-1, 0, 1, 2)} | {0})
        return st.sampled_from(counts) | st.integers(0, max(counts) * 2 + 10)
    if kind is IndicatorKind.RATE:
        near = sorted(
            {min(1.0, max(0.0, round(x + d, 6))) for x in numbers for d in (-0.01, 0.0, 0.01)}
            | {0.0, 1.0}
        )
        return st.sampled_from(near) | st.floats(0, 1, allow_nan=False)
    if kind is IndicatorKind.MONEY:
        near = sorted({max(0.0, float(x) + d) for x in numbers for d in (-1.0, 0.0, 1.0)} | {0.0})
        top = int(max(near) * 2 + 1000)
        return st.sampled_from(near) | st.integers(0, top).map(float)
    near = sorted({float(x) + d for x in numbers for d in (-1.0, 0.0, 1.0)} | {0.0})
    return st.sampled_from(near) | st.floats(-1e6, 1e6, allow_nan=False)


def _village(ruleset: Ruleset, values: dict[str, Any], name: str = "检验村") -> Village:
    data: dict[str, Any] = {
        "name": name,
        "jurisdiction": ruleset.jurisdiction,
        "kind": ruleset.kind,
        "as_of": ruleset.effective_from.isoformat(),
    }
    for path, value in values.items():
        if value is None:
            continue
        section, key = path.split(".", 1)
        data.setdefault(section, {})[key] = value
    return Village.model_validate(data)


_SHARE = st.integers(0, 999)  # which values are unknown: shrinks towards known ones


def village_values(ruleset: Ruleset, *, unknown: float = 0.1) -> st.SearchStrategy[dict[str, Any]]:
    """Indicator values (path → value, None for unknown) for the paths the ruleset reads;
    each unknown with probability `unknown`, shrinking towards known values so that a
    counterexample keeps unknown only what matters."""
    return _village_values(ruleset, unknown, _limits(ruleset))


def _village_values(
    ruleset: Ruleset, unknown: float, limits: dict[str, set[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    specs = ruleset.tree.indicators
    per_path = [(p, _values(specs[p], limits.get(p, set()))) for p in read_paths(ruleset)]
    cut = 1000 * (1 - unknown)

    # One composite, not a strategy per indicator around its value: a third faster to
    # draw, which is most of what a check costs.
    @st.composite
    def values(draw: st.DrawFn) -> dict[str, Any]:
        return {
            path: None if unknown > 0 and draw(_SHARE) >= cut else draw(value)
            for path, value in per_path
        }

    return values()


def villages(ruleset: Ruleset, *, unknown: float = 0.1) -> st.SearchStrategy[Village]:
    """Valid villages for `ruleset`: its kind, its jurisdiction, a date it is in force, and
    values for every indicator it reads, near its thresholds; each unknown with
    probability `unknown`."""
    return village_values(ruleset, unknown=unknown).map(lambda v: _village(ruleset, v))


_SMALL_PATHS = (
    ("industry.collective_income", (50_000, 100_000, 200_000)),
    ("industry.local_jobs", (5, 20, 50)),
    ("ecology.sanitary_toilet_rate", (0.5, 0.8, 0.9)),
    ("branch.reserve_cadres", (1, 3, 5)),
)
_SMALL_FLAGS = ("industry.dual_binding", "ecology.garbage_system", "safety.grid_management")
_SMALL_POINTS = ("1", "2", "3", "5", "0.1", "0.25", "0.3", "0.7", "1.5")


@st.composite
def small_rulesets(draw: st.DrawFn) -> Ruleset:
    """Small random rulesets (2–3 stars, nested groups of every kind, vetoes, requires)
    for testing the engine itself."""
    counter = iter(range(1000))

    def criterion() -> dict[str, Any]:
        n = next(counter)
        if draw(st.booleans()):
            path, limits = draw(st.sampled_from(_SMALL_PATHS))
            op = draw(st.sampled_from([">=", ">", "<=", "<"]))
            test = f"{path} {op} {draw(st.sampled_from(limits))}"
        else:
            test = draw(st.sampled_from(_SMALL_FLAGS))
        return {
            "id": f"c{n}",
            "test": test,
            "text": {"zh": f"条件{n}", "en": f"c{n}"},
            "points": points(),
        }

    def points() -> float:
        # Whole and decimal points: decimal sums such as 0.1 + 0.7 must reach 0.8 exactly.
        return float(draw(st.sampled_from(_SMALL_POINTS)))

    def group(depth: int) -> dict[str, Any]:
        items = [
            criterion() if depth > 1 or draw(st.booleans()) else group(depth + 1)
            for _ in range(draw(st.integers(1, 3)))
        ]
        rule = draw(st.sampled_from(["all", "any", "at_least", "min_points"]))
        n = next(counter)
        if rule in ("all", "any"):
            return {"id": f"g{n}", rule: items, "points": points()}
        if rule == "at_least":
            return {
                "id": f"g{n}",
                "at_least": draw(st.integers(1, len(items))),
                "of": items,
                "points": points(),
            }
        # A bar that some items reach exactly (the edge a float sum gets wrong), or just
        # below it; never above every item's points together.
        counted = draw(st.lists(st.booleans(), min_size=len(items), max_size=len(items)))
        reached = sum(
            (Fraction(repr(i["points"])) for i, c in zip(items, counted, strict=True) if c),
            Fraction(0),
        )
        bar = reached - draw(st.sampled_from([Fraction(0), Fraction(1, 10), Fraction(1, 100)]))
        return {
            "id": f"g{n}",
            "min_points": float(bar if bar > 0 else Fraction(repr(items[0]["points"]))),
            "of": items,
            "points": points(),
        }

    def strip_points(node: dict[str, Any], inside_points: bool) -> dict[str, Any]:
        node = dict(node)
        if not inside_points:
            node.pop("points", None)
        for key in ("all", "any", "of"):
            if key in node:
                node[key] = [strip_points(i, "min_points" in node) for i in node[key]]
        return node

    stars = []
    for s in range(draw(st.integers(2, 3))):
        star: dict[str, Any] = {
            "id": f"s{s}",
            "name": {"zh": f"星{s}", "en": f"star {s}"},
            "grant": strip_points(group(0), False),
        }
        if draw(st.booleans()):
            path, limits = draw(st.sampled_from(_SMALL_PATHS))
            star["veto"] = [
                {
                    "id": f"v{s}",
                    "test": f"{path} < {draw(st.sampled_from(limits))}",
                    "text": {"zh": "否决", "en": "veto"},
                }
            ]
        if s and draw(st.booleans()):
            star["requires"] = [f"s{draw(st.integers(0, s - 1))}"]
        stars.append(star)
    document = {
        "starrules": 1,
        "id": "small",
        "jurisdiction": "cn-test",
        "kind": "rural",
        "version": "1",
        "effective": {"from": "2020-01-01"},
        "title": {"zh": "随机", "en": "random"},
        "stars": stars,
    }
    return loads_ruleset(json.dumps(document, ensure_ascii=False), "<small_rulesets>")


def _grid(spec: IndicatorSpec, limits: set[Any]) -> set[Any]:
    """Values on both sides of every threshold of one numeric indicator, within its domain."""
    numbers = [float(x) for x in limits if isinstance(x, int | float) and not isinstance(x, bool)]
    step = 0.01 if spec.kind is IndicatorKind.RATE else 1.0
    grid: set[Any] = {0.0}
    for x in numbers:
        grid.update({x - step, x, x + step})
    for low, high in itertools.pairwise(sorted(numbers)):
        if high - low < 2 * step:  # a band narrower than the steps: a value inside it too
            grid.add((low + high) / 2)
    if spec.kind is IndicatorKind.RATE:
        return {round(min(1.0, max(0.0, g)), 6) for g in grid} | {1.0}
    if spec.kind is IndicatorKind.COUNT:
        return {max(0, math.floor(g)) for g in grid} | {max(0, math.ceil(g)) for g in grid}
    return {max(0.0, g) for g in grid} if spec.kind is IndicatorKind.MONEY else grid


def _changed(village: Village, path: str, value: Any) -> Village:
    """`village` with one indicator set, copied without validating it again: the checks
    change a valid village by a value of the indicator's own domain and type (a count an
    int, money a float), which validation would take as it is. Many times faster."""
    section, key = path.split(".", 1)
    if section == "extra":
        extra = {k: v for k, v in village.extra.items() if k != key}
        if value is not None:
            extra[key] = value
        return village.model_copy(update={"extra": extra})
    part = getattr(village, section)
    return village.model_copy(update={section: part.model_copy(update={key: value})})
