"""An overlay's `policy`: with `tighten-only`, a change must not let a village pass (or
escape a veto) where the base would not.

Each check says why a change may loosen the rules (the refusal's text), or None. Tests are
compared on the trees their compiled expressions keep (`CompiledExpression.node`): nothing
is parsed again.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..exact import exact
from ..expr import CompiledExpression
from ..expr.ast import Compare, Literal, Logical, to_source
from ..expr.ast import Node as ExprNode
from ..rules import Criterion, Group

_LOWER_BOUNDS = (">", ">=")
_UPPER_BOUNDS = ("<", "<=")


@dataclass(frozen=True, slots=True)
class Policy:
    """The checks of an overlay's policy; without `tighten-only`, every change is allowed."""

    tighten_only: bool

    def removal(self, rule_id: str) -> str | None:
        if not self.tighten_only:
            return None
        return f"removing '{rule_id}' lets villages in that the base keeps out"

    def test(self, node: Criterion, test: CompiledExpression) -> str | None:
        if not self.tighten_only:
            return None
        problem = looser(node.test, test, veto=node.kind == "veto")
        if problem is None:
            return None
        return (
            f"'{node.id}' {problem} (was '{node.test.source}' in "
            f"{node.layer.id}@{node.layer.version})"
        )

    def points(self, node: Criterion | Group, points: float) -> str | None:
        """More points for a criterion or a group inside a min_points group."""
        if not self.tighten_only or exact(points) <= exact(node.points or 0.0):
            return None  # compared as written (none: 0)
        if isinstance(node, Group):
            return f"'{node.id}' would earn more points"
        return f"'{node.id}' would earn more points ({node.points or 0:g} → {points:g})"

    def bar(self, node: Group, value: float) -> str | None:
        """A lower at_least or min_points bar."""
        if not self.tighten_only or node.needed is None or exact(value) >= exact(node.needed):
            return None
        return f"'{node.id}' would need {value:g} instead of {node.needed:g}"

    def addition(self, group: Group) -> str | None:
        if not self.tighten_only or group.rule == "all":
            return None
        return f"adding to the '{group.rule}' group '{group.id}' gives villages more ways to pass"

    def new_stars(self) -> str | None:
        return "new stars can raise a village's level" if self.tighten_only else None

    def new_levels(self) -> str | None:
        if not self.tighten_only:
            return None
        return "replacing the levels cannot be checked to be stricter"


# -- is a new test at least as strict as the old one? -------------------------------------


def looser(old: CompiledExpression, new: CompiledExpression, veto: bool) -> str | None:
    """Why `new` may let a village pass (or, for a veto, escape) where `old` would not;
    None when `new` is provably at least as strict."""
    return _looser_node(old.node, new.node, veto, new.source)


def _bound(node: ExprNode) -> tuple[str, str, float] | None:
    """(subject, op, limit) when the expression is `<subject> <op> <number>`."""
    if not isinstance(node, Compare) or node.op not in (*_LOWER_BOUNDS, *_UPPER_BOUNDS):
        return None
    left, right, op = node.left, node.right, node.op
    if isinstance(left, Literal):
        left, right = right, left
        op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
    if not isinstance(right, Literal) or isinstance(right.value, bool | str):
        return None
    return to_source(left), op, float(right.value)


def _parts(node: ExprNode, op: str) -> set[str]:
    """The operands of a chain of `op` (and / or), flattened, as canonical text."""
    if isinstance(node, Logical) and node.op == op:
        return set().union(*(_parts(o, op) for o in node.operands))
    return {to_source(node)}


def _looser_node(old: ExprNode, new: ExprNode, veto: bool, shown: str) -> str | None:
    if to_source(old) == to_source(new):
        return None
    widening = "or" if veto else "and"  # `old and …` passes less; a veto `old or …` fires more
    # Flattened operand sets: `a and b and c` and `(a and b) and c` are the same.
    if (
        isinstance(new, Logical)
        and new.op == widening
        and _parts(old, widening) <= _parts(new, widening)
    ):
        return None
    # The same and/or shape, each part at least as strict: e.g. a stricter bound inside
    # `total == 0 or ratio(done, total) >= 0.95`.
    if (
        isinstance(old, Logical)
        and isinstance(new, Logical)
        and old.op == new.op
        and len(old.operands) == len(new.operands)
    ):
        for before_part, after_part in zip(old.operands, new.operands, strict=True):
            problem = _looser_node(before_part, after_part, veto, shown)
            if problem:
                return problem
        return None
    before, after = _bound(old), _bound(new)
    if before is None or after is None or before[0] != after[0]:
        return (
            f"changes its test to '{shown}', which cannot be shown to be at least as "
            "strict; keep the form '<indicator> <op> <number>' or '<old test> and …'"
        )
    subject, old_op, old_limit = before
    _, new_op, new_limit = after
    if (old_op in _LOWER_BOUNDS) != (new_op in _LOWER_BOUNDS):
        return f"turns the bound on {subject} around ({old_op} → {new_op})"
    lower = old_op in _LOWER_BOUNDS
    # Compare the sets of values that make the test true: (limit, strictness).
    old_key = (old_limit, 1 if old_op in (">", "<") else 0)
    new_key = (new_limit, 1 if new_op in (">", "<") else 0)
    narrower = (
        new_key >= old_key if lower else (new_key[0], -new_key[1]) <= (old_key[0], -old_key[1])
    )
    stricter = not narrower if veto else narrower
    if stricter or old_key == new_key:
        return None
    effect = "lets more villages escape the veto" if veto else "lets more villages pass"
    return (
        f"loosens its threshold on {subject}: {old_op} {old_limit:g} → {new_op} "
        f"{new_limit:g} ({effect})"
    )
