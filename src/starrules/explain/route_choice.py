"""The combinatorial core of next-star guidance (docs/guidance.md): which criteria to change.
`choose` finds the fewest criteria that bring a group enough weight, an exact 0/1 knapsack over
the number of criteria changed; `most_weight` and `frontier` list the cheapest ways to earn more
points; `Route` and `Found` record a route to a star and a candidate route to a level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..evaluation import Truth
from ..expr.ast import Node as ExprNode

Flips = frozenset[int]  # node indices of the criteria (and vetoes) a route changes


@dataclass(frozen=True, slots=True)
class Route:
    """A route to one star not held: what blocks it, or the stars and criteria it takes."""

    blocked: tuple[str, ...]
    requires: tuple[int, ...]  # star indices, required ones first
    flips: Flips


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate route to a level: its cost key and what it changes."""

    key: tuple[int, int, int]  # (size, -level, order of trial)
    level: int
    flips: Flips
    stars: tuple[int, ...]
    conditions: tuple[tuple[ExprNode, bool, Truth], ...]  # (leaf, wanted value, value now)


def choose(options: Sequence[tuple[int, Flips]], need: int) -> Flips | None:
    """The fewest criteria that bring `need` more weight, from items given as (weight, the
    criteria that make the item pass); None when even every item together falls short.
    Exact for any integer weights: a 0/1 knapsack over cost (the number of criteria), which
    stays small where weights (scaled decimal points) may be large. On ties the earlier
    items are taken."""
    if need <= 0:
        return frozenset()
    costs = [len(flips) for _, flips in options]
    if all(weight == 1 for weight, _ in options):  # all, any, at_least: the cheapest `need`
        if len(options) < need:
            return None
        chosen = sorted(range(len(options)), key=lambda i: (costs[i], i))[:need]
    else:
        total, n = sum(costs), len(options)
        # best[i][c]: the most weight items i.. can add with at most c criteria changed
        best = [[0] * (total + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            weight, cost = options[i][0], costs[i]
            row, after = best[i], best[i + 1]
            for c in range(total + 1):
                row[c] = max(after[c], weight + after[c - cost]) if c >= cost else after[c]
        budget = next((c for c in range(total + 1) if best[0][c] >= need), None)
        if budget is None:
            return None
        chosen = []
        for i in range(n):  # the earliest items that still allow the optimum
            weight, cost = options[i][0], costs[i]
            if cost <= budget and weight + best[i + 1][budget - cost] >= need:
                chosen.append(i)
                budget -= cost
                need -= weight
                if need <= 0:
                    break
    return frozenset(index for i in chosen for index in options[i][1])


def most_weight(options: list[tuple[int, Flips]], budget: int) -> int:
    """The most weight the options add with at most `budget` criteria changed (0/1 knapsack)."""
    best = [0] * (budget + 1)
    for weight, flips in options:
        cost = len(flips)
        for c in range(budget, cost - 1, -1):
            best[c] = max(best[c], best[c - cost] + weight)
    return best[budget]


def frontier(options: list[tuple[int, Flips]]) -> list[Flips]:
    """For each number of criteria changed, the cheapest change that earns the most
    points with that many (only those that earn more than one fewer would)."""
    ways: list[Flips] = []
    total = sum(len(f) for _, f in options)
    earned = 0
    for budget in range(1, total + 1):
        # the most weight reachable with at most `budget` criteria, then how
        most = most_weight(options, budget)
        if most > earned:
            chosen = choose(options, most)
            if chosen is not None and len(chosen) <= budget:
                ways.append(chosen)
                earned = most
    return ways
