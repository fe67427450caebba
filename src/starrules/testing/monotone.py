"""The monotonicity checks: improving an indicator in its better direction never loses a
star or lowers the level (monotone), and filling in an unknown never flips a decided outcome
(refinement)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ..explain.assessment import Assessment
from ..indicators import Better, IndicatorKind, IndicatorSpec
from ..ruleset import Ruleset
from ..village import Village
from .results import CheckResult, _changed_criteria, _Failure, _run
from .strategies import _bounds, _changed, _grid, _values, _village, read_paths, village_values


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
