"""Evaluation: run compiled rules over a village, in three-valued (Kleene) logic.

Truth values are True (pass), False (fail) and None (unknown). The hot path records the
outcome of every criterion, group and veto in a flat status vector and decides stars and
the level; everything an explanation needs beyond that is derived later, on demand, by
the Assessment (see assessment.py). Nothing here keeps state between calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .assessment import Assessment, Outcome
from .errors import EvaluationError
from .indicators import IndicatorKind
from .rules import Criterion, Node, RuleTree, Star
from .village import Village

Truth = bool | None
NodeFn = Callable[[Village, list[Truth]], Truth]


def all_of(values: list[Truth]) -> Truth:
    """Kleene 'all': fail if any fails; else unknown if any unknown; else pass."""
    if False in values:
        return False
    return None if None in values else True


def any_of(values: list[Truth]) -> Truth:
    """Kleene 'any': pass if any passes; else unknown if any unknown; else fail."""
    if True in values:
        return True
    return None if None in values else False


def at_least(k: float, values: list[Truth]) -> Truth:
    """Pass if ≥ k pass; fail if even every unknown passing would not reach k."""
    passed = values.count(True)
    if passed >= k:
        return True
    return False if passed + values.count(None) < k else None


def min_points(bar: float, points: list[float], values: list[Truth]) -> Truth:
    """Pass if the passing items' points reach the bar; fail if no completion can."""
    low = sum(p for p, v in zip(points, values, strict=True) if v is True)
    if low >= bar:
        return True
    high = low + sum(p for p, v in zip(points, values, strict=True) if v is None)
    return False if high < bar else None


def star_status(grant: Truth, vetoes: list[Truth], required: list[Truth]) -> Truth:
    """Granted (True) / denied (False) / undetermined (None), per spec §3."""
    if grant is False or True in vetoes or False in required:
        return False
    if grant is True and None not in vetoes and None not in required:
        return True
    return None


def _compile_node(node: Node) -> NodeFn:
    index = node.index
    if isinstance(node, Criterion):
        test = node.test.evaluate

        def leaf(v: Village, out: list[Truth]) -> Truth:
            result = test(v, None)
            out[index] = result
            return result  # type: ignore[no-any-return]

        return leaf
    children = tuple(_compile_node(item) for item in node.items)
    if node.rule == "all":

        def group_all(v: Village, out: list[Truth]) -> Truth:
            result = all_of([child(v, out) for child in children])
            out[index] = result
            return result

        return group_all
    if node.rule == "any":

        def group_any(v: Village, out: list[Truth]) -> Truth:
            result = any_of([child(v, out) for child in children])
            out[index] = result
            return result

        return group_any
    needed = node.needed
    assert needed is not None
    if node.rule == "at_least":

        def group_at_least(v: Village, out: list[Truth]) -> Truth:
            result = at_least(needed, [child(v, out) for child in children])
            out[index] = result
            return result

        return group_at_least
    points = [item.points or 0.0 for item in node.items]

    def group_points(v: Village, out: list[Truth]) -> Truth:
        result = min_points(needed, points, [child(v, out) for child in children])
        out[index] = result
        return result

    return group_points


@dataclass(frozen=True, slots=True)
class _StarStep:
    id: str
    index: int
    grant: NodeFn
    vetoes: tuple[tuple[int, Callable[[Any, Any], Any]], ...]
    requires: tuple[int, ...]


def _dependency_order(stars: tuple[Star, ...]) -> list[Star]:
    """Stars ordered so that every required star comes first (ruleset order otherwise)."""
    by_id = {s.id: s for s in stars}
    done: dict[str, Star] = {}

    def visit(star: Star) -> None:
        if star.id in done:
            return
        for required in star.requires:
            visit(by_id[required])
        done[star.id] = star

    for star in stars:
        visit(star)
    return list(done.values())


class Program:
    """A compiled ruleset ready to run: immutable, re-entrant, safe to share across threads."""

    __slots__ = ("_steps", "tree")

    def __init__(self, tree: RuleTree) -> None:
        self.tree = tree
        index_of = {s.id: s.index for s in tree.stars}
        self._steps = tuple(
            _StarStep(
                id=star.id,
                index=star.index,
                grant=_compile_node(star.grant),
                vetoes=tuple((v.index, v.test.evaluate) for v in star.vetoes),
                requires=tuple(index_of[r] for r in star.requires),
            )
            for star in _dependency_order(tree.stars)
        )

    def check(self, village: Village, on: date) -> None:
        """Reject a village this ruleset cannot judge, with the reason."""
        tree = self.tree
        if village.kind != tree.kind:
            raise EvaluationError(
                f"village '{village.name}' is {village.kind}, but ruleset "
                f"{tree.id}@{tree.version} is for {tree.kind}"
            )
        if not (
            village.jurisdiction == tree.jurisdiction
            or village.jurisdiction.startswith(tree.jurisdiction + "/")
        ):
            raise EvaluationError(
                f"village '{village.name}' is in {village.jurisdiction}, "
                f"outside {tree.jurisdiction} where ruleset {tree.id}@"
                f"{tree.version} applies"
            )
        if not tree.in_force(on):
            until = tree.effective_until.isoformat() if tree.effective_until else "open end"
            raise EvaluationError(
                f"ruleset {tree.id}@{tree.version} is not in force on "
                f"{on.isoformat()} (effective {tree.effective_from} to "
                f"{until})"
            )
        for key, value in village.extra.items():
            spec = tree.indicators.get(f"extra.{key}")
            if spec is None:
                declared = [p for p in tree.indicators if p.startswith("extra.")]
                raise EvaluationError(
                    f"village '{village.name}': indicator 'extra.{key}' "
                    f"is not declared by ruleset {tree.id}@{tree.version}"
                    + (f" (it declares: {', '.join(declared)})" if declared else "")
                )
            if not _fits(spec.kind, value):
                raise EvaluationError(
                    f"village '{village.name}': extra.{key} = {value!r} is "
                    f"not a valid {spec.kind.value}"
                )

    def run(self, village: Village) -> Outcome:
        statuses: list[Truth] = [None] * self.tree.node_count
        stars: list[Truth] = [None] * len(self.tree.stars)
        for step in self._steps:
            grant = step.grant(village, statuses)
            vetoes: list[Truth] = []
            for index, test in step.vetoes:
                hit = test(village, None)
                statuses[index] = None if hit is None else not hit
                vetoes.append(hit)
            stars[step.index] = star_status(grant, vetoes, [stars[i] for i in step.requires])
        low, high, level = self._level(village, stars)
        return Outcome(statuses, stars, low, high, level)

    def _level(self, village: Village, stars: list[Truth]) -> tuple[int, int, int | None]:
        levels = self.tree.levels
        if levels is None:
            low = stars.count(True)
            return low, low + stars.count(None), None
        by_id = {s.id: stars[s.index] for s in self.tree.stars}
        possible: list[int] = []
        decided: int | None = None
        for position, level in enumerate(levels):
            holds = level.when.evaluate(village, by_id)
            if holds is None:
                possible.append(level.value)
            elif holds:
                possible.append(level.value)
                decided = position
                break
        else:
            possible.append(0)
        low, high = min(possible), max(possible)
        return low, high, decided if low == high else None


def _fits(kind: IndicatorKind, value: Any) -> bool:
    if kind is IndicatorKind.BOOL:
        return isinstance(value, bool)
    if kind is IndicatorKind.STRING:
        return isinstance(value, str)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if kind is IndicatorKind.COUNT:
        return isinstance(value, int) and value >= 0
    if kind is IndicatorKind.MONEY:
        return value >= 0
    if kind is IndicatorKind.RATE:
        return 0 <= value <= 1
    return True


def evaluate(program: Program, village: Village, on: date | None = None) -> Assessment:
    """Assess one village; the date is the village's `as_of`, else `on`, else today."""
    used = village.as_of or on or date.today()
    program.check(village, used)
    return Assessment(program.tree, village, used, program.run(village))


__all__ = [
    "Program",
    "Truth",
    "all_of",
    "any_of",
    "at_least",
    "evaluate",
    "min_points",
    "star_status",
]
