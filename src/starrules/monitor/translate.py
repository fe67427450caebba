"""Compiled rules → durable-rules conditions, in three-valued logic, without durable-rules.

Each star becomes up to 2 + 2·vetoes durable rules: "its grant group passes" (g1), "fails"
(g0), and per veto "holds" (v<i>1) / "does not hold" (v<i>0). A Kleene-unknown outcome is
the one where neither rule of the pair fires; that works because a durable condition on a
field the fact lacks never matches, and unknown indicators are left out of the fact.

Values never reach durable-rules as they are. Each indicator is sent as its *rank* among
the constants the ruleset compares it with (`code`: 2·i+1 when equal to the i-th constant,
2·i when between the (i-1)-th and the i-th), so every fact field and every rule constant is
a small non-negative int. That sidesteps durable-rules' float parsing (1e-05, 1e+16 and inf
are rejected), its loose typing ('200000' >= 100000 matches) and its string handling, and
keeps every comparison exact.

What cannot be expressed this way falls back, and is reported:
* a criterion whose test is more than comparisons of one indicator with constants (a
  function such as ratio(), arithmetic, two indicators compared): starrules computes its
  outcome and sends it as a derived fact field (d<index>), and durable-rules combines it;
* a star with a min_points group (points), an at_least group whose expansion into
  alternatives exceeds what durable-rules accepts, or more fact fields than it allows:
  the whole star is decided natively.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..evaluation import GroupKernel
from ..expr import ast
from ..expr.combinators import indicator_getter
from ..rules import Criterion, Group, RuleTree, Star
from .backend import Fallback

Condition = dict[str, Any]

# durable-rules fails to register a condition with more than 15 $and/$or nodes (error
# 113; e.g. at least 2 of 6 as 15 alternatives). Registered rules fire once per satisfied
# alternative of their disjunctive normal form (~40 µs each), and fail at run time (error
# 303) past 64 satisfied branches of one $or; so alternatives are bounded too.
MAX_COMPOUND = 15
MAX_ALTERNATIVES = 64
# durable-rules rejects a fact with more than 253 top-level fields (error 302).
MAX_FACT_FIELDS = 200


class Untranslatable(Exception):
    """This part of a rule has no durable-rules form; the message says why."""


@dataclass(frozen=True, slots=True)
class Field:
    """One indicator in the fact, sent as its rank among the constants compared with it."""

    key: str
    path: str
    constants: tuple[Any, ...]  # sorted
    get: Callable[[Any], Any]

    def code(self, value: Any) -> int:
        at = bisect_left(self.constants, value)
        equal = at < len(self.constants) and self.constants[at] == value
        return 2 * at + (1 if equal else 0)

    def code_of_constant(self, value: Any) -> int:
        return 2 * self.constants.index(value) + 1


@dataclass(frozen=True, slots=True)
class Derived:
    """A criterion starrules decides; its outcome is sent as 1 / 0 (absent: unknown)."""

    key: str
    node: str
    test: Callable[[Any], bool | None]


@dataclass(frozen=True, slots=True)
class StarRules:
    """One star as durable-rules rules, and how to build the fact they read."""

    star: str
    index: int
    rules: dict[str, Condition]  # rule name → condition on the fact ("m")
    fields: tuple[Field, ...]
    derived: tuple[Derived, ...]
    vetoes: int

    def fact(self, village: Any) -> dict[str, int]:
        fact: dict[str, int] = {}
        for field in self.fields:
            value = field.get(village)
            if value is not None:
                fact[field.key] = field.code(value)
        for derived in self.derived:
            outcome = derived.test(village)
            if outcome is not None:
                fact[derived.key] = 1 if outcome else 0
        return fact


@dataclass(frozen=True, slots=True)
class Translation:
    """A ruleset's stars as durable-rules rules; `native` stars are decided by starrules."""

    stars: tuple[StarRules, ...]
    native: frozenset[int]  # star indices
    fallbacks: tuple[Fallback, ...]


def translate(tree: RuleTree) -> Translation:
    stars: list[StarRules] = []
    native: set[int] = set()
    fallbacks: list[Fallback] = []
    for star in tree.stars:
        try:
            rules, partial = _StarTranslator(tree, star).run()
        except Untranslatable as exc:
            native.add(star.index)
            fallbacks.append(Fallback(star=star.id, node=None, reason=str(exc)))
            continue
        stars.append(rules)
        fallbacks.extend(partial)
    return Translation(tuple(stars), frozenset(native), tuple(fallbacks))


class _StarTranslator:
    def __init__(self, tree: RuleTree, star: Star) -> None:
        self.tree = tree
        self.star = star
        self.constants: dict[str, set[Any]] = {}
        self.derived: dict[str, Derived] = {}
        self.fallbacks: list[Fallback] = []
        # Conditions are built in two passes: first collect every constant per indicator
        # (the codes depend on all of them), then build with the final codes.
        self.fields: dict[str, Field] = {}

    def run(self) -> tuple[StarRules, list[Fallback]]:
        star = self.star
        for node in star.nodes:
            if isinstance(node, Group) and node.rule == "min_points":
                raise Untranslatable(
                    f"group {node.id} counts points (min_points), which durable-rules cannot add up"
                )
        leaves = [n for n in star.nodes if isinstance(n, Criterion)]
        parsed = {leaf.id: leaf.test.node for leaf in leaves}  # the compiler's AST
        for leaf in leaves:
            try:
                self._collect(parsed[leaf.id])
            except Untranslatable as exc:
                self.derived[leaf.id] = Derived(f"d{leaf.index}", leaf.id, leaf.test.on_village)
                self.fallbacks.append(
                    Fallback(
                        star=star.id,
                        node=leaf.id,
                        reason=f"{exc}: starrules decides it, durable-rules gets the outcome",
                    )
                )
        for number, (path, constants) in enumerate(sorted(self.constants.items())):
            self.fields[path] = Field(
                f"f{number}", path, tuple(sorted(constants)), indicator_getter(path)
            )
        if len(self.fields) + len(self.derived) > MAX_FACT_FIELDS:
            raise Untranslatable(
                f"its rules read {len(self.fields) + len(self.derived)} indicators; "
                f"durable-rules facts hold at most {MAX_FACT_FIELDS} here"
            )
        rules: dict[str, Condition] = {}
        grant_pass, grant_fail = self._node(star.grant, parsed)
        rules["g1"], rules["g0"] = grant_pass, grant_fail
        for number, veto in enumerate(star.vetoes):
            holds, clear = self._node(veto, parsed)
            rules[f"v{number}1"], rules[f"v{number}0"] = holds, clear
        for name, condition in rules.items():
            compound = _compound_nodes(condition)
            alternatives = _alternatives(condition)
            if compound > MAX_COMPOUND or alternatives > MAX_ALTERNATIVES:
                part = "its grant" if name[0] == "g" else f"veto {star.vetoes[int(name[1:-1])].id}"
                raise Untranslatable(
                    f"{part} {'passing' if name[-1] == '1' else 'failing'} needs {compound} "
                    f"and/or nodes and {alternatives} alternatives; durable-rules accepts at "
                    f"most {MAX_COMPOUND} nodes (error 113) and this wrapper "
                    f"{MAX_ALTERNATIVES} alternatives (e.g. at least 2 of 6 expands to 15)"
                )
        return (
            StarRules(
                star=star.id,
                index=star.index,
                rules=rules,
                fields=tuple(self.fields.values()),
                derived=tuple(self.derived.values()),
                vetoes=len(star.vetoes),
            ),
            self.fallbacks,
        )

    # -- pass 1: which indicators, compared with which constants ---------------------
    def _collect(self, node: ast.Node) -> None:
        if isinstance(node, ast.Name):
            self._indicator(node, expect_bool=True)
            self.constants.setdefault(node.path, set()).update((False, True))
        elif isinstance(node, ast.Unary) and node.op == "not":
            self._collect(node.operand)
        elif isinstance(node, ast.Logical):
            for operand in node.operands:
                self._collect(operand)
        elif isinstance(node, ast.Compare):
            name, constants, _ = self._comparison(node)
            self.constants.setdefault(name.path, set()).update(constants)
        else:
            raise Untranslatable(_what(node))

    def _indicator(self, node: ast.Name, expect_bool: bool = False) -> None:
        spec = self.tree.indicators.get(node.path)
        if spec is None:
            raise Untranslatable(f"'{node.path}' is not an indicator")
        if expect_bool and spec.kind.value != "bool":
            raise Untranslatable(f"'{node.path}' is used as a truth value")

    def _comparison(self, node: ast.Compare) -> tuple[ast.Name, list[Any], str]:
        """(indicator, its constants, operator with the indicator on the left)."""
        left, right, op = node.left, node.right, node.op
        if isinstance(left, ast.Literal) and isinstance(right, ast.Name) and op != "in":
            left, right = right, left
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        if not isinstance(left, ast.Name):
            raise Untranslatable(_what(left))
        self._indicator(left)
        if op == "in":
            if not isinstance(right, ast.ListLiteral):
                raise Untranslatable("'in' with something other than a list of constants")
            values = [item.value for item in right.items]
        elif isinstance(right, ast.Literal):
            values = [right.value]
        else:
            raise Untranslatable(
                "two indicators compared" if isinstance(right, ast.Name) else _what(right)
            )
        for value in values:
            if isinstance(value, float) and not math.isfinite(value):
                raise Untranslatable("a comparison with a non-finite number")
        return left, values, op

    # -- pass 2: conditions ----------------------------------------------------------
    def _node(
        self, node: Criterion | Group, parsed: dict[str, ast.Node]
    ) -> tuple[Condition, Condition]:
        """(passes, fails) conditions of a criterion or group (a veto: holds, clear)."""
        if isinstance(node, Criterion):
            derived = self.derived.get(node.id)
            if derived is not None:
                return {derived.key: 1}, {derived.key: 0}
            return self._expression(parsed[node.id])
        parts = [self._node(item, parsed) for item in node.items]
        passes = [p for p, _ in parts]
        fails = [f for _, f in parts]
        # The evaluator's kernel (weight 1 per item here: min_points stars fall back): the
        # group passes when `bar` items pass, and fails when more than `slack` fail. For
        # all (n of n) and any (1 of n) this is one $and / $or.
        kernel = GroupKernel.of(node)
        if node.rule == "at_least" and (kernel.reached(0) or not kernel.reachable(0)):
            raise Untranslatable(f"group {node.id} needs {node.needed:g} of {len(parts)}")
        return (
            _any([_all(list(c)) for c in itertools.combinations(passes, kernel.bar)]),
            _any([_all(list(c)) for c in itertools.combinations(fails, kernel.slack + 1)]),
        )

    def _expression(self, node: ast.Node) -> tuple[Condition, Condition]:
        if isinstance(node, ast.Name):
            field = self.fields[node.path]
            return {field.key: field.code_of_constant(True)}, {
                field.key: field.code_of_constant(False)
            }
        if isinstance(node, ast.Unary):
            passes, fails = self._expression(node.operand)
            return fails, passes
        if isinstance(node, ast.Logical):
            parts = [self._expression(o) for o in node.operands]
            if node.op == "and":
                return _all([p for p, _ in parts]), _any([f for _, f in parts])
            return _any([p for p, _ in parts]), _all([f for _, f in parts])
        assert isinstance(node, ast.Compare)
        name, values, op = self._comparison(node)
        field = self.fields[name.path]
        key = field.key
        codes = sorted({field.code_of_constant(v) for v in values})
        if op == "in":
            gaps: list[Condition] = [{"$lt": {key: codes[0]}}]
            for low, high in itertools.pairwise(codes):
                gaps.append(_all([{"$gt": {key: low}}, {"$lt": {key: high}}]))
            gaps.append({"$gt": {key: codes[-1]}})
            return _any([{key: c} for c in codes]), _any(gaps)
        code = codes[0]
        equal: Condition = {key: code}
        unequal = _any([{"$lt": {key: code}}, {"$gt": {key: code}}])
        order = {
            "==": (equal, unequal),
            "!=": (unequal, equal),
            "<": ({"$lt": {key: code}}, {"$gte": {key: code}}),
            "<=": ({"$lte": {key: code}}, {"$gt": {key: code}}),
            ">": ({"$gt": {key: code}}, {"$lte": {key: code}}),
            ">=": ({"$gte": {key: code}}, {"$lt": {key: code}}),
        }
        return order[op]


def _all(parts: Sequence[Condition]) -> Condition:
    flat = [c for p in parts for c in p.get("$and", [p])]
    return flat[0] if len(flat) == 1 else {"$and": flat}


def _any(parts: Sequence[Condition]) -> Condition:
    flat = [c for p in parts for c in p.get("$or", [p])]
    return flat[0] if len(flat) == 1 else {"$or": flat}


def _compound_nodes(condition: Condition) -> int:
    """The $and and $or nodes of a condition: durable-rules' limit counts these."""
    for key in ("$and", "$or"):
        if key in condition:
            return 1 + sum(_compound_nodes(c) for c in condition[key])
    return 0


def _alternatives(condition: Condition) -> int:
    """How many alternatives the condition has in disjunctive normal form: the most times
    its rule can fire for one fact."""
    if "$and" in condition:
        return math.prod(_alternatives(c) for c in condition["$and"])
    if "$or" in condition:
        return sum(_alternatives(c) for c in condition["$or"])
    return 1


def _what(node: ast.Node) -> str:
    if isinstance(node, ast.Call):
        return f"it calls {node.function}()"
    if isinstance(node, ast.Arithmetic):
        return "it does arithmetic"
    if isinstance(node, ast.Name):
        return f"'{node.path}' is compared with another value than a constant"
    return "it is not a comparison of an indicator with constants"


__all__ = ["StarRules", "Translation", "Untranslatable", "translate"]
