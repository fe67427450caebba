"""A compiled ruleset as column operations: every star, criterion and level of a batch of
villages at once, with the row engine's semantics (spec §3).

The rule tree is the row engine's (rules.py); each group is the same `GroupKernel`, a
threshold over integer weights, here computed over whole columns: `all` is Kleene's and,
`any` its or, and `at_least` / `min_points` sums of the weights that passed and failed.
A star is the Kleene and of its grant, its vetoes (negated) and the stars it requires,
which is spec §3's rule. Nothing is short-circuited: every node of every village is
decided, so the criteria's statuses come for free.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import EvaluationError
from ..evaluation import GroupKernel
from ..expr import FunctionSpec
from ..rules import Criterion, Group, RuleTree, groups_above, requirements_first
from .arrow import require
from .expressions import NULL_BOOL, Batch, Points, as_array, compile_vector

pa = require("pyarrow")
pc = require("pyarrow.compute")

INT = pa.int64()
ZERO = pa.scalar(0, INT)
TRUE = pa.scalar(True)
_WEIGHT_LIMIT = 2**62  # sums of scaled points must stay within int64


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """Raw results for a batch, as the row engine's `Outcome`: bool arrays (null unknown)."""

    stars: list[Any]  # by star index
    nodes: list[Any]  # by node index (criteria, groups, vetoes: a veto passes when not hit)
    level_min: Any  # int64
    level_max: Any  # int64
    missing: Any  # int64: the unknown indicators that could decide a star or the level
    unknown: Mapping[str, Any]  # indicator path → bool array: one of those (`missing`)
    # (`missing` None and `unknown` empty when the run was asked not to find them)


class ColumnarProgram:
    """A ruleset compiled to column operations: immutable, safe to share across threads."""

    __slots__ = ("_levels", "_order", "_reads", "_tests", "tree")

    def __init__(self, tree: RuleTree, functions: Mapping[str, FunctionSpec]) -> None:
        self.tree = tree
        calls = {
            name
            for star in tree.stars
            for node in star.nodes
            if isinstance(node, Criterion)
            for name in node.test.calls
        } | {name for level in tree.levels or () for name in level.when.calls}
        missing = sorted(calls - {"count", "points", *functions})
        if missing:
            raise EvaluationError.of(
                None, "SR578", ruleset=f"{tree.id}@{tree.version}", names=", ".join(missing)
            )
        self._tests: dict[int, Callable[[Batch], Any]] = {
            node.index: compile_vector(node.test, functions)
            for star in tree.stars
            for node in star.nodes
            if isinstance(node, Criterion)
        }
        self._levels = tuple(
            (level.value, compile_vector(level.when, functions)) for level in tree.levels or ()
        )
        self._order = tuple(requirements_first(tree.stars))
        for star in tree.stars:
            for node in star.nodes:
                if isinstance(node, Group) and GroupKernel.of(node).total >= _WEIGHT_LIMIT:
                    raise EvaluationError.of(None, "SR579", group=node.id)
        self._reads = _open_reads(tree)

    def run(self, batch: Batch, *, missing: bool = True) -> BatchOutcome:
        """Every node, star and level of the batch; with `missing`, also the unknown
        indicators that could decide them (a quarter of the work: skip it when unused)."""
        tree = self.tree
        nodes: list[Any] = [None] * tree.node_count
        stars: list[Any] = [None] * len(tree.stars)
        points: dict[str, Points] = {}
        for star in self._order:
            parts = [self._group(star.grant, batch, nodes, points)]
            for veto in star.vetoes:
                nodes[veto.index] = pc.invert(self._tests[veto.index](batch))
                parts.append(nodes[veto.index])
            parts += [stars[tree.star_index[r]] for r in star.requires]
            status = parts[0]
            for part in parts[1:]:  # spec §3: denied if any part fails, granted if all pass
                status = pc.and_kleene(status, part)
            stars[star.index] = status
        low, high = self._level(batch, stars, points)
        if not missing:
            return BatchOutcome(stars, nodes, low, high, None, {})
        unknown = self._unknown(batch, stars, nodes, low, high)
        count: Any = pa.scalar(0, pa.int32())  # narrow: less memory to fill and add
        for mask in unknown.values():
            count = pc.add(count, pc.cast(mask, pa.int32()))
        count = pc.cast(as_array(count, batch.length), INT)
        return BatchOutcome(stars, nodes, low, high, count, unknown)

    def _group(
        self, group: Group, batch: Batch, nodes: list[Any], points: dict[str, Points]
    ) -> Any:
        values: list[Any] = []
        for item in group.items:
            if isinstance(item, Criterion):
                nodes[item.index] = self._tests[item.index](batch)
                values.append(nodes[item.index])
            else:
                values.append(self._group(item, batch, nodes, points))
        kernel = GroupKernel.of(group)
        n = batch.length
        terms = _few_terms(kernel)
        if group.rule != "min_points" and terms is not None:
            # k of n as Kleene's or of the and of every k items: passed when one such set
            # all passes, failed when each has an item that fails; bitmaps, no sums.
            outcome = _fold(
                pc.or_kleene,
                [_fold(pc.and_kleene, [values[i] for i in term], n, True) for term in terms],
                n,
                False,
            )
        elif group.rule == "min_points" or not (kernel.any_fail_decides or kernel.any_pass_decides):
            passed, failed = _tally(values, kernel.weights, n)
            outcome = pc.if_else(
                pc.greater_equal(passed, kernel.bar),
                True,
                pc.if_else(pc.less_equal(failed, kernel.slack), NULL_BOOL, False),
            )
            if group.rule == "min_points":
                reachable = pc.subtract(pa.scalar(kernel.total, INT), failed)
                points[group.id] = Points(passed, reachable, kernel.denominator)
        elif kernel.any_fail_decides:
            outcome = _fold(pc.and_kleene, values, n, True)
        else:
            outcome = _fold(pc.or_kleene, values, n, False)
        outcome = as_array(outcome, n)
        nodes[group.index] = outcome
        return outcome

    def _level(self, batch: Batch, stars: list[Any], points: dict[str, Points]) -> tuple[Any, Any]:
        n = batch.length
        if not self._levels:
            low = _count(stars, n, lambda s: pc.fill_null(s, False))
            return low, pc.add(low, _count(stars, n, pc.is_null))
        env = Batch(
            n, batch.columns, {s.id: stars[s.index] for s in self.tree.stars}, points=points
        )
        # As Program._level: highest first; a level whose condition may hold is possible,
        # and the first that surely holds ends the search; none holding surely adds 0.
        open_ = pa.repeat(TRUE, n)
        low = pa.repeat(pa.scalar(2**31, INT), n)
        high = pa.repeat(pa.scalar(-1, INT), n)
        for value, condition in self._levels:
            holds = condition(env)
            possible = pc.and_(open_, pc.fill_null(holds, True))
            low = pc.if_else(possible, pc.min_element_wise(low, value), low)
            high = pc.if_else(possible, pc.max_element_wise(high, value), high)
            open_ = pc.and_(open_, pc.invert(pc.fill_null(holds, False)))
        low = pc.if_else(open_, pc.min_element_wise(low, 0), low)
        high = pc.if_else(open_, pc.max_element_wise(high, 0), high)
        return low, high

    def _unknown(
        self, batch: Batch, stars: list[Any], nodes: list[Any], low: Any, high: Any
    ) -> dict[str, Any]:
        """Per indicator, the villages where it is unknown and could decide a star or the
        level: `Assessment.missing` (records.explain), column by column."""
        wanted: dict[str, Any] = {}  # path → villages where it is wanted, if unknown

        def want(path: str, mask: Any) -> None:
            wanted[path] = mask if path not in wanted else pc.or_(wanted[path], mask)

        # A node is open where its star is undetermined and it and every group above it
        # are unknown; computed from the top down, each group's once.
        is_open: dict[int, Any] = {}
        for star_index, leaf_index, above, paths in self._reads:
            parent = above[0] if above else -1
            if parent not in is_open and parent >= 0:
                mask = pc.is_null(stars[star_index])
                for index in reversed(above):  # from the grant down
                    if index not in is_open:
                        is_open[index] = pc.and_(mask, pc.is_null(nodes[index]))
                    mask = is_open[index]
            over = is_open[parent] if parent >= 0 else pc.is_null(stars[star_index])
            mask = pc.and_(over, pc.is_null(nodes[leaf_index]))
            for path in paths:
                want(path, mask)
        if self.tree.levels is not None:
            undecided = pc.not_equal(low, high)
            for level in self.tree.levels:
                for path in level.when.names:
                    if not path.startswith("stars."):
                        want(path, undecided)
                for group_id in level.when.point_groups:
                    for index, paths in _criteria_below(self.tree, group_id):
                        for path in paths:
                            want(path, pc.and_(undecided, pc.is_null(nodes[index])))
        return {
            path: pc.and_(mask, pc.is_null(batch.columns[path])) for path, mask in wanted.items()
        }


def _open_reads(tree: RuleTree) -> tuple[tuple[int, int, tuple[int, ...], tuple[str, ...]], ...]:
    """Per criterion and veto: (its star, itself, the groups above it, the indicators it
    reads). Its unknown inputs count as missing where its star is undetermined and it and
    every group above it are unknown (records._collect_missing)."""
    found: list[tuple[int, int, tuple[int, ...], tuple[str, ...]]] = []
    for star in tree.stars:
        above = groups_above(star)
        for node in star.nodes:
            if isinstance(node, Criterion):
                paths = tuple(path for path, _ in node.test.getters)
                found.append((star.index, node.index, above[node.index], paths))
    return tuple(found)


def _criteria_below(tree: RuleTree, group_id: str) -> list[tuple[int, tuple[str, ...]]]:
    inside = set(tree.descendants(group_id))
    return [
        (node.index, tuple(path for path, _ in node.test.getters))
        for star in tree.stars
        for node in star.nodes
        if isinstance(node, Criterion) and node.id in inside
    ]


_MOST_TERMS = 10  # k-of-n groups written as an or of ands up to this many ands


def _few_terms(kernel: GroupKernel) -> list[tuple[int, ...]] | None:
    """The item sets of a k-of-n group with unit weights (k < n, 1 < k), when few."""
    n, k = len(kernel.weights), kernel.bar
    if any(w != 1 for w in kernel.weights) or not 1 < k < n or math.comb(n, k) > _MOST_TERMS:
        return None
    return list(itertools.combinations(range(n), k))


def _tally(values: Sequence[Any], weights: Sequence[int], n: int) -> tuple[Any, Any]:
    """(weight passed, weight failed) per village, as int64 arrays."""
    passed = failed = ZERO
    # The narrowest integers that hold every sum: less memory to fill and add.
    total = sum(weights)
    kind = pa.int8() if total < 2**7 else pa.int16() if total < 2**15 else INT
    nothing = pa.scalar(0, kind)
    passed = failed = nothing
    for value, weight in zip(values, weights, strict=True):
        value = as_array(value, n)
        weight_ = pa.scalar(weight, kind)
        passed = pc.add(passed, pc.if_else(pc.fill_null(value, False), weight_, nothing))
        failed = pc.add(failed, pc.if_else(pc.fill_null(pc.invert(value), False), weight_, nothing))
    return pc.cast(as_array(passed, n), INT), pc.cast(as_array(failed, n), INT)


def _fold(combine: Callable[[Any, Any], Any], values: Sequence[Any], n: int, empty: bool) -> Any:
    if not values:
        return pa.repeat(pa.scalar(empty), n)
    result = values[0]
    for value in values[1:]:
        result = combine(result, value)
    return result


def _count(values: Sequence[Any], n: int, test: Callable[[Any], Any]) -> Any:
    total = pa.scalar(0, pa.int16())  # a count of stars
    for value in values:
        total = pc.add(total, pc.cast(test(value), pa.int16()))
    return pc.cast(as_array(total, n), INT)


__all__ = ["BatchOutcome", "ColumnarProgram"]
