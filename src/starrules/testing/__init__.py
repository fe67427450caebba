"""Property-based checks of rulesets, with hypothesis: proof that the rules are consistent.

    from starrules.testing import run_checks, villages
    for result in run_checks(ruleset, max_examples=200):
        assert result.passed, result.report()

Strategies: `villages(ruleset)` draws valid villages for a ruleset, with values clustered at
the thresholds it uses (and their neighbours) and a controllable share of unknowns;
`small_rulesets()` draws small random rulesets (whole and decimal points), for testing the
engine itself.

Checks (each returns a `CheckResult`; a failure carries the counterexample shrunk by
hypothesis, the two assessments that disagree and the criteria responsible):
monotone, refinement, tighten-only (semantic), levels-nest, reachable, deterministic.
Importing this module imports hypothesis; `import starrules` does not.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import itertools
import json
import math
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, find, given, settings, target
from hypothesis import seed as fixed_seed
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from ..errors import StarrulesError
from ..explain.assessment import Assessment
from ..expr.ast import Name, walk
from ..expr.ast import Node as ExprNode
from ..expr.bounds import Bounds
from ..indicators import Better, IndicatorKind, IndicatorSpec
from ..load.loader import find_ruleset_files, loads_ruleset
from ..load.registry import Registry
from ..rules import Criterion, Group
from ..ruleset import Ruleset
from ..village import Village

CHECKS = ("monotone", "refinement", "tighten-only", "levels-nest", "reachable", "deterministic")


@dataclass
class CheckResult:
    """The outcome of one property check on one ruleset."""

    name: str
    ruleset: str
    passed: bool
    examples: int
    message: str = ""
    counterexample: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    responsible: list[str] = field(default_factory=list)

    def report(self) -> str:
        head = f"{'PASS' if self.passed else 'FAIL'} {self.name} — {self.ruleset}"
        if self.passed:
            return f"{head} ({self.examples} examples)"
        lines = [head, f"  {self.message}"]
        if self.responsible:
            lines.append("  responsible: " + ", ".join(self.responsible))
        if self.counterexample is not None:
            lines.append("  counterexample (shrunk):")
            text = json.dumps(self.counterexample, ensure_ascii=False, sort_keys=True)
            lines.append(f"    {text}")
        for label, summary in (("before", self.before), ("after", self.after)):
            if summary is not None:
                lines.append(f"  {label}: {json.dumps(summary, ensure_ascii=False)}")
        return "\n".join(lines)


# -- strategies ---------------------------------------------------------------------------


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


# -- running a property -------------------------------------------------------------------


def _summary(assessment: Assessment) -> dict[str, Any]:
    level = assessment.level
    return {
        "stars": {sid: assessment.status(sid).value for sid in assessment.rules.star_index},
        "level": {"value": level.value, "min": level.min, "max": level.max},
    }


def _compact(village: Village) -> dict[str, Any]:
    return village.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


@dataclass
class _Failure:
    message: str
    village: Village
    before: Assessment | None = None
    after: Assessment | None = None
    responsible: list[str] = field(default_factory=list)


def _run(
    name: str,
    ruleset: Ruleset,
    strategy: st.SearchStrategy[Any],
    prop: Callable[[Any], _Failure | None],
    max_examples: int,
    seed: int,
) -> CheckResult:
    """Run `prop` on examples of `strategy`; on failure keep hypothesis's shrunk example."""
    failures: list[_Failure] = []
    runs = 0

    @fixed_seed(seed)
    @settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        # No "explain" phase: it re-runs the property many times to annotate the output,
        # which the CheckResult does itself.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    )
    @given(strategy)
    def check(example: Any) -> None:
        nonlocal runs
        runs += 1
        failure = prop(example)
        if failure is not None:
            failures.append(failure)
            raise AssertionError(failure.message)

    with contextlib.suppress(AssertionError):  # the failure is kept in `failures`
        check()
    label = " → ".join(layer.ref for layer in ruleset.layers)
    if not failures:
        return CheckResult(name, label, True, runs)
    last = failures[-1]  # hypothesis replays the shrunk example last
    return CheckResult(
        name,
        label,
        False,
        runs,
        last.message,
        _compact(last.village),
        _summary(last.before) if last.before else None,
        _summary(last.after) if last.after else None,
        last.responsible,
    )


def _changed_criteria(star_id: str, before: Assessment, after: Assessment) -> list[str]:
    old = {c.id: c.status for c in before.stars[star_id].criteria if c.kind != "group"}
    return [
        f"{c.id} ({old.get(c.id, 'absent')} → {c.status.value})"
        for c in after.stars[star_id].criteria
        if c.kind != "group" and old.get(c.id) != c.status
    ]


# -- the checks ---------------------------------------------------------------------------


def _improve(spec: IndicatorSpec, value: Any, limits: set[Any], draw: st.DrawFn) -> Any:
    """A better value: half the time one of the ruleset's own thresholds (±1) beyond the
    current value, since crossing a threshold is where a non-monotone rule shows."""
    up = spec.better is Better.HIGHER
    if spec.kind is IndicatorKind.BOOL:
        return up
    numbers = [float(x) for x in limits if isinstance(x, int | float) and not isinstance(x, bool)]
    beyond = sorted(
        {
            x + d
            for x in numbers
            for d in (-1.0, 0.0, 1.0)
            if (x + d > value if up else x + d < value)
        }
    )
    if spec.kind is IndicatorKind.RATE:
        beyond = sorted(
            {
                round(x + d, 6)
                for x in numbers
                for d in (-0.01, 0.0, 0.01)
                if 0 <= x + d <= 1 and (x + d > value if up else x + d < value)
            }
        )
    jumps: bool = draw(st.booleans())
    if beyond and jumps:
        jump = draw(st.sampled_from(beyond))
        return max(0, int(jump)) if spec.kind is IndicatorKind.COUNT else max(0.0, jump)
    if spec.kind is IndicatorKind.COUNT:
        count_step = draw(st.integers(1, 10))
        return value + count_step if up else max(0, value - count_step)
    if spec.kind is IndicatorKind.RATE:
        rate_step = draw(st.floats(0.001, 0.5))
        return min(1.0, value + rate_step) if up else max(0.0, value - rate_step)
    money_step = float(draw(st.integers(1, 100_000)))
    return value + money_step if up else max(0.0, value - money_step)


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


def check_monotone(ruleset: Ruleset, *, max_examples: int = 100, seed: int = 0) -> CheckResult:
    """Improving any indicator in its better direction never loses a star or lowers the
    level (its minimum or its maximum)."""
    specs = ruleset.tree.indicators
    bounds = _bounds(ruleset)
    directed = [p for p in read_paths(ruleset) if specs[p].better is not Better.NONE]
    drawn_values = village_values(ruleset, unknown=0.05)  # built once: building is slow

    @st.composite
    def pairs(draw: st.DrawFn) -> tuple[dict[str, Any], str, Any]:
        values = draw(drawn_values)
        known = [p for p in directed if values.get(p) is not None]
        if not known:
            return values, "", None
        # Thresholded numbers first: crossing a threshold is where a fault shows.
        limits = {p: bounds.at(p, values) for p in known}
        thresholded = [p for p in known if limits[p] and specs[p].kind.is_numeric]
        path = draw(st.sampled_from(thresholded + known))
        return values, path, _improve(specs[path], values[path], limits[path], draw)

    def steps(values: dict[str, Any]) -> list[tuple[str, Any, Any]]:
        """(path, worse, better) for every directed indicator the village knows: each step
        of its threshold grid in the better direction, or a yes/no flipped to the better.
        The grid is solved for this village: `ratio(a, b) >= 0.8` bounds `a` at 0.8 × b."""
        out: list[tuple[str, Any, Any]] = []
        for path in directed:
            if values.get(path) is None:
                continue
            spec = specs[path]
            up = spec.better is Better.HIGHER
            if spec.kind is IndicatorKind.BOOL:
                out.append((path, not up, up))
                continue
            if not spec.kind.is_numeric:
                continue
            grid = sorted(_grid(spec, bounds.at(path, values)), reverse=not up)
            out.extend((path, a, b) for a, b in itertools.pairwise(grid))
        return out

    def compare(
        assess: Callable[[str, Any], tuple[Village, Assessment]], path: str, worse: Any, better: Any
    ) -> _Failure | None:
        before_v, before = assess(path, worse)
        _, after = assess(path, better)
        for star in ruleset.stars:
            if before.status(star.id) == "granted" and after.status(star.id) != "granted":
                return _Failure(
                    f"improving {path} ({worse!r} → {better!r}, better: "
                    f"{specs[path].better.value}) loses star '{star.id}'",
                    before_v,
                    before,
                    after,
                    _changed_criteria(star.id, before, after),
                )
        if after.level.min < before.level.min or after.level.max < before.level.max:
            blamed = [c for s in ruleset.stars for c in _changed_criteria(s.id, before, after)]
            return _Failure(
                f"improving {path} ({worse!r} → {better!r}) lowers the level",
                before_v,
                before,
                after,
                blamed,
            )
        return None

    def prop(example: tuple[dict[str, Any], str, Any]) -> _Failure | None:
        values, drawn_path, drawn_value = example
        tries = steps(values)
        if drawn_path:
            tries.append((drawn_path, values[drawn_path], drawn_value))
        assess = _assessor(ruleset, values)
        for path, worse, better in tries:
            failure = compare(assess, path, worse, better)
            if failure is not None:
                return failure
        return None

    return _run("monotone", ruleset, pairs(), prop, max_examples, seed)


def _assessor(
    ruleset: Ruleset, values: dict[str, Any]
) -> Callable[[str, Any], tuple[Village, Assessment]]:
    """(village, assessment) of `values` with one indicator changed, each evaluated once:
    the steps of a grid share their ends (a → b, b → c)."""
    base = _village(ruleset, values)
    seen: dict[tuple[str, type, Any], tuple[Village, Assessment]] = {}

    def assess(path: str, value: Any) -> tuple[Village, Assessment]:
        key = (path, type(value), value)
        if key not in seen:
            village = _changed(base, path, value)
            seen[key] = village, ruleset.evaluate(village, check_dates=False)
        return seen[key]

    return assess


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


def check_refinement(ruleset: Ruleset, *, max_examples: int = 100, seed: int = 0) -> CheckResult:
    """Filling in an unknown never flips a decided criterion, star or level bound."""
    specs = ruleset.tree.indicators
    bounds = _bounds(ruleset)
    limits = bounds.likely()
    # Built once: building a strategy is slower than drawing from it.
    drawn_values = village_values(ruleset, unknown=0.5)
    fill_values = {p: _values(specs[p], limits.get(p, set())) for p in read_paths(ruleset)}

    @st.composite
    def pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
        values = draw(drawn_values)
        filled = dict(values)
        for path, value in values.items():
            if value is None and draw(st.booleans()):
                filled[path] = draw(fill_values[path])
        return values, filled

    def fills(values: dict[str, Any]) -> list[tuple[str, Any]]:
        """Each unknown filled in alone, with every value of its threshold grid (solved
        for this village's known values): (path, value)."""
        out: list[tuple[str, Any]] = []
        for path, value in values.items():
            if value is not None:
                continue
            spec = specs[path]
            if spec.kind is IndicatorKind.BOOL:
                candidates: list[Any] = [True, False]
            elif spec.kind.is_numeric:
                candidates = sorted(_grid(spec, bounds.at(path, values)))
            else:
                continue
            out.extend((path, candidate) for candidate in candidates)
        return out

    def compare(
        values: dict[str, Any],
        base: tuple[Village, dict[str, bool | None], Assessment],
        filled: dict[str, Any],
        after_v: Village,
    ) -> _Failure | None:
        before_v, old, before = base
        new = ruleset.node_outcomes(after_v)
        filled_in = ", ".join(
            sorted(p for p in filled if values[p] is None and filled[p] is not None)
        )
        flipped = [
            f"{k} ({old[k]} → {new[k]})" for k in old if old[k] is not None and new[k] != old[k]
        ]
        after = ruleset.evaluate(after_v, check_dates=False)
        if flipped:
            return _Failure(
                f"filling in {filled_in} flips a decided outcome", before_v, before, after, flipped
            )
        for star in ruleset.stars:
            was, now = before.status(star.id), after.status(star.id)
            if was != "undetermined" and now != was:
                return _Failure(
                    f"filling in {filled_in} changes star '{star.id}' from {was} to {now}",
                    before_v,
                    before,
                    after,
                )
        if not before.level.min <= after.level.min <= after.level.max <= before.level.max:
            return _Failure(
                f"filling in {filled_in} moves the level outside its earlier range",
                before_v,
                before,
                after,
            )
        return None

    def prop(example: tuple[dict[str, Any], dict[str, Any]]) -> _Failure | None:
        values, drawn = example
        before_v = _village(ruleset, values)  # the village before, assessed once
        base = (
            before_v,
            ruleset.node_outcomes(before_v),
            ruleset.evaluate(before_v, check_dates=False),
        )
        failure = compare(values, base, drawn, _village(ruleset, drawn))
        for path, value in fills(values):
            if failure is not None:
                return failure
            filled = {**values, path: value}
            failure = compare(values, base, filled, _changed(before_v, path, value))
        return failure

    return _run("refinement", ruleset, pairs(), prop, max_examples, seed)


def check_tighten_only(
    ruleset: Ruleset, parent: Ruleset, *, max_examples: int = 100, seed: int = 0
) -> CheckResult:
    """Every village the overlay grants a star is granted it by the parent too."""
    declared = set(parent.tree.indicators)
    specs = ruleset.tree.indicators
    bounds = Bounds.of([*_expressions(ruleset), *_expressions(parent)])
    changed = [p for p in _changed_paths(ruleset, parent) if p in specs]

    def verdict(village: Village, parent_village: Village) -> _Failure | None:
        mine = ruleset.evaluate(village, check_dates=False)
        theirs = parent.evaluate(parent_village, check_dates=False)
        for star in ruleset.stars:
            if star.id not in parent.tree.star_index:
                continue
            if mine.status(star.id) == "granted" and theirs.status(star.id) != "granted":
                blamed = [
                    f"{c.id} ({c.layer})"
                    for c in mine.stars[star.id].criteria
                    if c.layer.startswith(
                        f"{ruleset.id}@{ruleset.version} ({ruleset.jurisdiction})"
                    )
                    and c.kind != "group"
                ]
                return _Failure(
                    f"star '{star.id}' is granted by {ruleset.layers[-1].ref} but "
                    f"{theirs.status(star.id).value} under its parent",
                    village,
                    theirs,
                    mine,
                    blamed or _changed_criteria(star.id, theirs, mine),
                )
        return None

    def candidates(path: str, values: dict[str, Any]) -> list[Any]:
        spec = specs[path]
        if spec.kind is IndicatorKind.BOOL:
            return [False, True]
        if spec.kind.is_numeric:
            return sorted(_grid(spec, bounds.at(path, values)))
        return sorted(x for x in bounds.at(path, values) if isinstance(x, str))

    def prop(values: dict[str, Any]) -> _Failure | None:
        village = _village(ruleset, values)
        parent_village = _village(ruleset, {p: v for p, v in values.items() if p in declared})
        failure = verdict(village, parent_village)
        # Then each indicator the overlay's changes read, alone across the thresholds of
        # both: where the overlay and its parent part.
        for path in changed:
            for value in candidates(path, values):
                if failure is not None:
                    return failure
                if value == values.get(path) and type(value) is type(values.get(path)):
                    continue
                # An indicator the parent does not declare stays out of its village.
                theirs = _changed(parent_village, path, value) if path in declared else None
                failure = verdict(_changed(village, path, value), theirs or parent_village)
        return failure

    # Near the thresholds of both: a bar the overlay lowers is the parent's, not its own.
    values = _village_values(ruleset, 0.05, _limits(ruleset, parent))
    return _run("tighten-only", ruleset, values, prop, max_examples, seed)


def _changed_paths(ruleset: Ruleset, parent: Ruleset) -> list[str]:
    """The indicators read by the tests an overlay adds, changes or removes (with the
    groups above them) compared with its parent, in the overlay's order."""

    def signatures(rs: Ruleset) -> dict[tuple[Any, ...], tuple[str, ...]]:
        found: dict[tuple[Any, ...], tuple[str, ...]] = {}
        for star in rs.stars:
            groups = {n.id: n for n in star.nodes if isinstance(n, Group)}
            for node in star.nodes:
                if not isinstance(node, Criterion):
                    continue
                above: list[tuple[Any, ...]] = []
                up = node.parent
                while up is not None and up in groups:
                    above.append((up, groups[up].rule, groups[up].needed))
                    up = groups[up].parent
                key = (star.id, node.id, node.kind, node.test.canonical, tuple(above))
                found[key] = node.test.names
        return found

    mine, theirs = signatures(ruleset), signatures(parent)
    paths = [p for key in mine.keys() - theirs.keys() for p in mine[key]]
    paths += [p for key in theirs.keys() - mine.keys() for p in theirs[key]]
    return [p for p in read_paths(ruleset) if p in set(paths)]


def check_levels_nest(ruleset: Ruleset, *, max_examples: int = 100, seed: int = 0) -> CheckResult:
    """Explicit levels: a higher level's condition implies every lower one's. Default rule:
    the level is the number of granted stars, and over a batch Σ levels = Σ star counts."""
    if ruleset.tree.levels is not None:

        def prop(values: dict[str, Any]) -> _Failure | None:
            village = _village(ruleset, values)
            outcomes = ruleset.level_conditions(village)
            for i, (value, holds) in enumerate(outcomes):
                if holds is not True:
                    continue
                for lower, lower_holds in outcomes[i + 1 :]:
                    if lower_holds is False:
                        assessment = ruleset.evaluate(village, check_dates=False)
                        return _Failure(
                            f"level {value}'s condition holds but level {lower}'s "
                            "does not: the levels do not nest",
                            village,
                            assessment,
                            None,
                            [f"level {value}", f"level {lower}"],
                        )
            return None

        return _run(
            "levels-nest", ruleset, village_values(ruleset, unknown=0.05), prop, max_examples, seed
        )

    def batch_prop(batch: list[dict[str, Any]]) -> _Failure | None:
        levels = stars = 0
        for values in batch:
            village = _village(ruleset, values)
            a = ruleset.evaluate(village, check_dates=False)
            granted = len(a.granted)
            undetermined = sum(1 for s in ruleset.stars if a.status(s.id) == "undetermined")
            if (a.level.min, a.level.max) != (granted, granted + undetermined):
                return _Failure("the level is not the number of granted stars", village, a)
            levels += a.level.min
            stars += granted
        if levels != stars:
            return _Failure(f"Σ levels {levels} ≠ Σ stars {stars}", _village(ruleset, batch[0]))
        return None

    strategy = st.lists(village_values(ruleset, unknown=0.05), min_size=1, max_size=8)
    return _run("levels-nest", ruleset, strategy, batch_prop, max(1, max_examples // 4), seed)


def _extreme(ruleset: Ruleset, best: bool) -> dict[str, Any]:
    """The village with every directed indicator at its best (or worst) value."""
    values: dict[str, Any] = {}
    limits = _limits(ruleset)
    for path in read_paths(ruleset):
        spec = ruleset.tree.indicators[path]
        higher = (spec.better is Better.HIGHER) == best
        if spec.kind is IndicatorKind.BOOL:
            values[path] = higher if spec.better is not Better.NONE else best
        elif spec.kind is IndicatorKind.STRING:
            texts = sorted(x for x in limits.get(path, set()) if isinstance(x, str))
            values[path] = texts[0] if texts else ""
        elif spec.kind is IndicatorKind.RATE:
            values[path] = 1.0 if higher else 0.0
        else:
            numbers = [float(x) for x in limits.get(path, {0}) if isinstance(x, int | float)]
            top = max([*numbers, 0.0]) * 2 + 10
            value = top if higher else 0.0
            values[path] = int(value) if spec.kind is IndicatorKind.COUNT else value
    return values


def check_reachable(ruleset: Ruleset, *, max_examples: int = 100, seed: int = 0) -> CheckResult:
    """Each star can be granted, and can be denied, by some (complete) village."""
    label = " → ".join(layer.ref for layer in ruleset.layers)
    strategy = village_values(ruleset, unknown=0)
    tried = 0
    for star in ruleset.stars:
        for wanted in ("granted", "denied"):
            found = False
            for extreme in (_extreme(ruleset, True), _extreme(ruleset, False)):
                tried += 1
                village = _village(ruleset, extreme)
                if ruleset.evaluate(village, check_dates=False).status(star.id) == wanted:
                    found = True
                    break
            if found:
                continue

            def reaches(values: dict[str, Any], star_id: str = star.id, goal: str = wanted) -> bool:
                a = ruleset.evaluate(_village(ruleset, values), check_dates=False)
                passing = sum(
                    1 for c in a.stars[star_id].criteria if c.kind != "group" and c.status == "pass"
                )
                target(passing if goal == "granted" else -passing)
                return bool(a.status(star_id) == goal)

            try:
                find(
                    strategy,
                    reaches,
                    settings=settings(
                        max_examples=max_examples,
                        database=None,
                        deadline=None,
                        suppress_health_check=list(HealthCheck),
                    ),
                    random=_random(seed),
                )
                tried += max_examples
            except NoSuchExample:
                return CheckResult(
                    "reachable",
                    label,
                    False,
                    tried + max_examples,
                    f"star '{star.id}' is never {wanted}: no village among the best, the "
                    f"worst and {max_examples} searched ones",
                    responsible=[star.id],
                )
    return CheckResult("reachable", label, True, tried)


def _random(seed: int) -> random.Random:
    return random.Random(seed)


HASH_SEEDS = ("0", "12345")


def check_deterministic(
    ruleset: Ruleset,
    *,
    max_examples: int = 100,
    seed: int = 0,
    elsewhere: dict[str, dict[tuple[str, ...], str]] | None = None,
) -> CheckResult:
    """The same village gives the same assessment, and the ruleset has the same fingerprint
    in other processes with other hash seeds. `elsewhere` (hash seed → layers → fingerprint,
    from `fingerprints_elsewhere`) saves the subprocesses when checking many rulesets."""
    label = " → ".join(layer.ref for layer in ruleset.layers)

    def prop(values: dict[str, Any]) -> _Failure | None:
        village = _village(ruleset, values)
        first = ruleset.evaluate(village, check_dates=False).model_dump(mode="json")
        second = ruleset.evaluate(village, check_dates=False).model_dump(mode="json")
        if first != second:
            return _Failure("two evaluations of the same village differ", village)
        return None

    result = _run(
        "deterministic", ruleset, village_values(ruleset), prop, max(1, max_examples // 2), seed
    )
    if not result.passed:
        return result
    computed = elsewhere if elsewhere is not None else fingerprints_elsewhere([ruleset])
    key = tuple(layer.ref for layer in ruleset.layers)
    for hash_seed, prints in computed.items():
        printed = prints.get(key, "(not computed)")
        if printed != ruleset.fingerprint:
            return CheckResult(
                "deterministic",
                label,
                False,
                result.examples,
                f"with PYTHONHASHSEED={hash_seed} another process computes "
                f"fingerprint {printed}, not {ruleset.fingerprint}",
            )
    return result


def fingerprints_elsewhere(
    rulesets: Sequence[Ruleset],
) -> dict[str, dict[tuple[str, ...], str]]:
    """Fingerprints of `rulesets` computed in fresh processes, one per hash seed."""
    files = sorted({layer.file for rs in rulesets for layer in rs.layers})
    code = (
        "import json, sys, starrules\n"
        "registry = starrules.Registry.from_paths(json.loads(sys.argv[1]),\n"
        "                                         base=starrules.Registry.default())\n"
        "print(json.dumps([[[la.ref for la in r.layers], r.fingerprint]\n"
        "                  for r in registry.rulesets]))\n"
    )
    # Both processes at once: each spends a second or two importing and loading.
    running = {
        hash_seed: subprocess.Popen(
            [sys.executable, "-c", code, json.dumps(files)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        for hash_seed in HASH_SEEDS
    }
    found: dict[str, dict[tuple[str, ...], str]] = {}
    try:
        for hash_seed, process in running.items():
            try:
                out, _ = process.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                out = ""
            pairs = json.loads(out) if process.returncode == 0 else []
            found[hash_seed] = {tuple(refs): fingerprint for refs, fingerprint in pairs}
    finally:
        for process in running.values():  # Ctrl-C, a timeout: none is left running
            if process.poll() is None:
                process.kill()
                process.wait()
    return found


def run_checks(
    ruleset: Ruleset,
    *,
    parent: Ruleset | None = None,
    max_examples: int = 100,
    seed: int = 0,
    skip: Sequence[str] = (),
    elsewhere: dict[str, dict[tuple[str, ...], str]] | None = None,
) -> list[CheckResult]:
    """Every check that applies to `ruleset` (tighten-only only for an overlay with its
    `parent`), in the order of CHECKS."""
    unknown = set(skip) - set(CHECKS)
    if unknown:
        raise ValueError(
            f"unknown check(s): {', '.join(sorted(unknown))}; known: {', '.join(CHECKS)}"
        )
    results: list[CheckResult] = []
    runners: dict[str, Callable[[], CheckResult]] = {
        "monotone": lambda: check_monotone(ruleset, max_examples=max_examples, seed=seed),
        "refinement": lambda: check_refinement(ruleset, max_examples=max_examples, seed=seed),
        "levels-nest": lambda: check_levels_nest(ruleset, max_examples=max_examples, seed=seed),
        "reachable": lambda: check_reachable(ruleset, max_examples=max_examples, seed=seed),
        "deterministic": lambda: check_deterministic(
            ruleset, max_examples=max_examples, seed=seed, elsewhere=elsewhere
        ),
    }
    if parent is not None:
        runners["tighten-only"] = lambda: check_tighten_only(
            ruleset, parent, max_examples=max_examples, seed=seed
        )
    for name in CHECKS:
        if name in runners and name not in skip:
            results.append(runners[name]())
    return results


# -- many rulesets, in several processes ----------------------------------------------------


@dataclass(frozen=True)
class CheckEvent:
    """Progress of `run_all_checks`: one check of one ruleset started (`result` None; only
    when run in this process) or finished."""

    ruleset: str  # e.g. 'cn-henan/anyang/tangyin@2022.1 on cn-henan@2023.1'
    check: str
    done: int  # checks finished, this one included once it has
    total: int
    result: CheckResult | None = None
    seconds: float = 0.0
    started: bool = False  # its start was reported too


Target = tuple[Ruleset, Ruleset | None]  # a ruleset, and the one it extends (an overlay)


def load_targets(paths: Sequence[str | os.PathLike[str]]) -> list[Target]:
    """The rulesets of the files under `paths`, each with the ruleset it extends (None for
    a ruleset that extends nothing), loaded with the bundled and plug-in rulesets as
    `starrules check` loads them. An overlay on several base versions is one per base."""
    registry = Registry.from_paths([Path(p) for p in paths], base=Registry.default())
    mine = {f.resolve() for path in paths for f in find_ruleset_files(Path(path))}
    by_layers = {rs.layers: rs for rs in registry.rulesets}
    return [
        (rs, by_layers.get(rs.layers[:-1]) if len(rs.layers) > 1 else None)
        for rs in registry.rulesets
        if Path(rs.file).resolve() in mine
    ]


def _label(ruleset: Ruleset) -> str:
    """A ruleset as a progress line names it: its jurisdiction and version, and the base
    it is on for an overlay."""
    last = ruleset.layers[-1]
    text = f"{last.jurisdiction}@{last.version}"
    if len(ruleset.layers) > 1:
        below = ruleset.layers[-2]
        text += f" on {below.jurisdiction}@{below.version}"
    return text


def run_all_checks(
    paths: Sequence[str | os.PathLike[str]],
    *,
    max_examples: int = 100,
    seed: int = 0,
    skip: Sequence[str] = (),
    jobs: int = 1,
    progress: Callable[[CheckEvent], None] | None = None,
) -> list[CheckResult]:
    """Every check of every ruleset of the files under `paths` (see `load_targets`), in the
    order of `run_checks` ruleset by ruleset. With `jobs` > 1 the checks run in that many
    processes (0: one per CPU), with the same results. `progress` is called as each check
    starts (in this process only) and finishes. Raises RulesetError when a file does not
    load; an empty list when the paths hold no ruleset. The processes are spawned: a
    script that calls this with `jobs` > 1 keeps its top level under
    `if __name__ == "__main__":`, as for any spawned process."""
    unknown = set(skip) - set(CHECKS)
    if unknown:
        raise ValueError(
            f"unknown check(s): {', '.join(sorted(unknown))}; known: {', '.join(CHECKS)}"
        )
    targets = load_targets(paths)
    plan = [
        (index, name)
        for index, (_, parent) in enumerate(targets)
        for name in CHECKS
        if name not in skip and (name != "tighten-only" or parent is not None)
    ]
    elsewhere = None
    if "deterministic" not in skip and targets:
        elsewhere = fingerprints_elsewhere([rs for rs, _ in targets])
    jobs = min(jobs or _cpus(), len(plan))
    if jobs > 1:
        settings_ = _Settings(tuple(map(str, paths)), max_examples, seed, elsewhere)
        return _in_processes(targets, plan, settings_, jobs, progress)
    results: list[CheckResult] = []
    for done, (index, name) in enumerate(plan):
        ruleset, parent = targets[index]
        if progress is not None:
            progress(CheckEvent(_label(ruleset), name, done, len(plan)))
        start = time.perf_counter()
        (result,) = _one_check(ruleset, parent, name, max_examples, seed, elsewhere)
        if progress is not None:
            seconds = time.perf_counter() - start
            event = CheckEvent(_label(ruleset), name, done + 1, len(plan), result, seconds, True)
            progress(event)
        results.append(result)
    return results


def _cpus() -> int:
    """The CPUs this process may run on (a container or `taskset` may allow fewer)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _one_check(
    ruleset: Ruleset,
    parent: Ruleset | None,
    name: str,
    max_examples: int,
    seed: int,
    elsewhere: dict[str, dict[tuple[str, ...], str]] | None,
) -> list[CheckResult]:
    others = tuple(n for n in CHECKS if n != name)
    return run_checks(
        ruleset,
        parent=parent,
        max_examples=max_examples,
        seed=seed,
        skip=others,
        elsewhere=elsewhere,
    )


@dataclass(frozen=True)
class _Settings:
    """What every worker process is given (picklable)."""

    paths: tuple[str, ...]
    max_examples: int
    seed: int
    elsewhere: dict[str, dict[tuple[str, ...], str]] | None


def _in_processes(
    targets: list[Target],
    plan: list[tuple[int, str]],
    settings_: _Settings,
    jobs: int,
    progress: Callable[[CheckEvent], None] | None,
) -> list[CheckResult]:
    """The checks of `plan` in `jobs` fresh processes (spawned: nothing of this process's
    state, hypothesis's included, is shared), reported as they finish, returned in order."""
    # Hypothesis mixes constants of the loaded project modules into its examples: each
    # worker loads the modules of starrules loaded here, so that it draws the same.
    modules = sorted(m for m in sys.modules if m.split(".")[0] == "starrules")
    executor = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=([m for m in modules if m != "starrules.__main__"],),
    )
    found: dict[int, CheckResult] = {}
    try:
        futures: dict[Future[tuple[CheckResult | None, float, str]], int] = {}
        # The slow checks first, so that no worker is left with one at the end.
        order = sorted(range(len(plan)), key=lambda k: _BY_COST.index(plan[k][1]))
        with _sigint_ignored():  # the workers start as the tasks are submitted
            for position in order:
                index, name = plan[position]
                ruleset = targets[index][0]
                key = (tuple(layer.ref for layer in ruleset.layers), ruleset.fingerprint)
                futures[executor.submit(_work, settings_, key, name)] = position
        for future in as_completed(futures):
            position = futures[future]
            index, name = plan[position]
            ruleset = targets[index][0]
            try:
                result, seconds, error = future.result()
            except Exception as exc:  # a worker died, or a fault of ours: no traceback
                raise StarrulesError(
                    f"checking {_label(ruleset)} ({name}) failed in a worker process: "
                    f"{type(exc).__name__}: {exc}"
                ) from None
            if result is None:
                raise StarrulesError(error)
            found[position] = result
            if progress is not None:
                event = CheckEvent(_label(ruleset), name, len(found), len(plan), result, seconds)
                progress(event)
    except BaseException:  # Ctrl-C included: stop the workers now, not after their checks
        _stop(executor)
        raise
    executor.shutdown()
    return [found[position] for position in range(len(plan))]


_BY_COST = (
    "monotone",
    "refinement",
    "levels-nest",
    "tighten-only",
    "deterministic",
    "reachable",
)


def _stop(executor: ProcessPoolExecutor) -> None:
    """Stop the workers at once, in the midst of their checks, and reap them."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
    else:
        for process in processes:
            process.terminate()
    for process in processes:
        process.join(timeout=5)
    executor.shutdown(wait=False, cancel_futures=True)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ctrl-C ignored meanwhile, and from their very start by the processes started
    meanwhile (a terminal sends it to them too): the parent stops them itself, and a
    worker interrupted while it starts up would print a traceback."""
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield  # only the main thread may set a handler; None: one not set from Python
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_worker(modules: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops the workers
    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


@functools.lru_cache(maxsize=1)
def _worker_targets(paths: tuple[str, ...]) -> dict[tuple[tuple[str, ...], str], Target]:
    """The targets in a worker process, loaded once for all its checks (by layers and
    fingerprint). Only workers call this: the cache lives as long as they do."""
    return {
        (tuple(layer.ref for layer in rs.layers), rs.fingerprint): (rs, parent)
        for rs, parent in load_targets(paths)
    }


def _work(
    settings_: _Settings, key: tuple[tuple[str, ...], str], name: str
) -> tuple[CheckResult | None, float, str]:
    """One check in a worker: (result, seconds, ""), or (None, 0, the error)."""
    try:
        targets = _worker_targets(settings_.paths)
    except StarrulesError as exc:
        return None, 0.0, str(exc)
    if key not in targets:
        return None, 0.0, f"{' → '.join(key[0])}: the files changed while being checked"
    ruleset, parent = targets[key]
    start = time.perf_counter()
    (result,) = _one_check(
        ruleset, parent, name, settings_.max_examples, settings_.seed, settings_.elsewhere
    )
    return result, time.perf_counter() - start, ""


__all__ = [
    "CHECKS",
    "CheckEvent",
    "CheckResult",
    "check_deterministic",
    "check_levels_nest",
    "check_monotone",
    "check_reachable",
    "check_refinement",
    "check_tighten_only",
    "fingerprints_elsewhere",
    "load_targets",
    "read_paths",
    "run_all_checks",
    "run_checks",
    "small_rulesets",
    "village_values",
    "villages",
]
