"""What next-star guidance needs from the rules alone, built once per ruleset and kept in its
`RecordTables` (`GuideTables`): every group's kernel, the `points()` groups, each criterion's
`Step` template, and each level's condition split into leaves at and / or / not
(`LevelPlan`), with `LevelEnv`, what a level condition reads in a hypothetical.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..evaluation import GroupKernel, Truth
from ..exact import Exact
from ..expr import CompiledExpression
from ..expr.ast import Call, Logical, Name, Unary, to_source, walk
from ..expr.ast import Node as ExprNode
from ..expr.compiler import compile_expression
from ..expr.errors import ExpressionError
from ..expr.types import Scope
from ..rules import Criterion, Group, Level
from .tables import JSON, RecordTables


class LevelEnv(dict[str, Truth]):
    """What a level condition reads in a hypothetical: star outcomes, and points()."""

    __slots__ = ("_points",)

    def __init__(self, stars: dict[str, Truth], points: Mapping[str, Exact]) -> None:
        super().__init__(stars)
        self._points = points

    def points(self, group_id: str) -> tuple[Exact, Exact]:
        value = self._points[group_id]
        return value, value


@dataclass(frozen=True, slots=True)
class LevelPlan:
    """A level's condition split at and / or / not into leaves. A leaf that reads
    indicators only (no stars, no points) is a condition a village can change."""

    level: Level
    leaves: Mapping[ExprNode, tuple[CompiledExpression, bool]] | None  # None: not split


class GuideTables:
    """What guidance needs from the rules alone, built once per ruleset (kept in its
    `RecordTables`): every group's kernel, and each level's condition split into leaves."""

    __slots__ = ("kernels", "plans", "points_groups", "steps")

    def __init__(self, tables: RecordTables) -> None:
        tree = tables.tree
        groups = [n for s in tree.stars for n in s.nodes if isinstance(n, Group)]
        self.kernels = {g.index: GroupKernel.of(g) for g in groups}
        self.points_groups = {g.id: g for g in groups if g.rule == "min_points"}
        scope = Scope(
            tree.indicators,
            stars=frozenset(s.id for s in tree.stars),
            point_groups=frozenset(self.points_groups),
        )
        self.plans = {level.value: plan_level(level, scope) for level in tree.levels or ()}
        # A `Step`'s fields per criterion and veto, in its order; the dynamic ones unset.
        self.steps: dict[int, JSON] = {
            node.index: {
                "criterion": node.id,
                "star": star.id,
                "kind": node.kind,
                "status": None,
                "reads": tuple(path for path, _ in node.test.getters),
                "observed": None,
                "target": tables.leaves[node.index].target,
                "gap": None,
                "layer": node.layer.ref,
            }
            for star in tree.stars
            for node in star.nodes
            if isinstance(node, Criterion)
        }

    @staticmethod
    def of(tables: RecordTables) -> GuideTables:
        # Two threads may both build them the first time; either result is the same.
        built = tables.guide
        if not isinstance(built, GuideTables):
            built = tables.guide = GuideTables(tables)
        return built


def plan_level(level: Level, scope: Scope) -> LevelPlan:
    leaves: dict[ExprNode, tuple[CompiledExpression, bool]] = {}
    pending = [level.when.node]
    try:
        while pending:
            node = pending.pop()
            if isinstance(node, Logical):
                pending.extend(node.operands)
            elif isinstance(node, Unary) and node.op == "not":
                pending.append(node.operand)
            else:
                leaves[node] = (compile_expression(to_source(node), scope), changeable(node))
    except ExpressionError:  # e.g. a plug-in function: the condition is judged whole
        return LevelPlan(level, None)
    return LevelPlan(level, leaves)


def changeable(node: ExprNode) -> bool:
    """A level condition a village can change: it reads indicators, and no star or points."""
    reads_indicator = False
    for part in walk(node):
        if isinstance(part, Name):
            if part.path == "stars" or part.path.startswith("stars."):
                return False
            reads_indicator = True
        elif isinstance(part, Call) and part.function in ("points", "count"):
            return False
    return reads_indicator
