"""The checks of a ruleset's structure: an overlay only tightens its parent (tighten-only),
explicit levels nest (levels-nest), and every star can be granted and denied (reachable)."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, find, settings, target
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from ..expr.bounds import Bounds
from ..indicators import Better, IndicatorKind
from ..rules import Criterion, Group
from ..ruleset import Ruleset
from ..village import Village
from .results import CheckResult, _changed_criteria, _Failure, _run
from .strategies import (
    _changed,
    _expressions,
    _grid,
    _limits,
    _village,
    _village_values,
    read_paths,
    village_values,
)


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
