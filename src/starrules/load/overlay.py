"""Overlays: a ruleset file that `extends` another and changes it.

An overlay is applied to its base's *compiled* rules: criteria it keeps stay exactly as the
base compiled them (with the base's layer and location), and every item it overrides or
adds is compiled in the overlay's own file, so that each criterion names the layer that
supplied it. `policy: tighten-only` is checked while the changes are applied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from types import MappingProxyType

from ..errors import RulesetError, did_you_mean, did_you_mean_named
from ..exact import exact
from ..expr import CompiledExpression, FunctionSpec, Scope
from ..expr.ast import Compare, Literal, Logical, to_source
from ..expr.ast import Node as ExprNode
from ..fingerprint import with_fingerprint
from ..indicators import IndicatorSpec
from ..rules import Criterion, Group, Layer, Level, Node, RuleTree, Source, Star
from .compiler import CompiledFile, RulesetCompiler, star_names
from .schema import CriterionDoc, OverrideDoc, RulesetDoc
from .yaml_source import PathKey, SourceDocument

_LOWER_BOUNDS = (">", ">=")
_UPPER_BOUNDS = ("<", "<=")


def apply_overlay(
    source: SourceDocument, doc: RulesetDoc, base: RuleTree, functions: Mapping[str, FunctionSpec]
) -> CompiledFile:
    """The base's rules changed by the overlay; raise RulesetError listing every problem."""
    return OverlayCompiler(source, doc, functions, base).run_overlay()


class OverlayCompiler(RulesetCompiler):
    def __init__(
        self,
        source: SourceDocument,
        doc: RulesetDoc,
        functions: Mapping[str, FunctionSpec],
        base: RuleTree,
    ) -> None:
        super().__init__(source, doc, functions)
        self.base = base
        self.layer = Layer(doc.id, doc.version, doc.jurisdiction, source.file, doc.extends)
        self.tighten_only = doc.policy == "tighten-only"

    def refuse(self, path: PathKey, message: str, *, key: bool = False) -> None:
        """A change that policy tighten-only does not allow."""
        self.problem(path, f"policy tighten-only: {message}", key=key)

    # -- the whole application -----------------------------------------------------------
    def run_overlay(self) -> CompiledFile:
        base, doc = self.base, self.doc
        family = (doc.extends or "").partition("@")[0]
        if doc.id != family:
            self.problem(
                ("id",),
                f"an overlay keeps the id of the family it extends: '{family}', not '{doc.id}'",
            )
        if doc.kind != base.kind:
            self.problem(("kind",), f"kind '{doc.kind}' differs from the base's '{base.kind}'")
        if not (
            doc.jurisdiction == base.jurisdiction
            or doc.jurisdiction.startswith(base.jurisdiction + "/")
        ):
            self.problem(
                ("jurisdiction",),
                f"'{doc.jurisdiction}' is not {base.jurisdiction} or below it: an overlay "
                "applies within its base's jurisdiction",
            )
        self.merge_declarations()
        for star in base.stars:
            for node in star.nodes:
                self.ids[node.id] = node.location
        stars = list(base.stars)
        stars = self.remove(stars)
        stars = self.override(stars)
        stars = self.add(stars)
        stars = self.add_vetoes(stars)
        stars = self.new_stars(stars)
        levels = self.levels(stars)
        rebuilt, count = rebuild(stars)
        tests = self.check_tests(rebuilt)
        self.check_groups(rebuilt)
        if self.problems:
            self.fail()
        until = [d for d in (base.effective_until, doc.effective.until) if d is not None]
        tree = RuleTree(
            id=doc.id,
            jurisdiction=doc.jurisdiction,
            kind=doc.kind,
            version=doc.version,
            effective_from=max(base.effective_from, doc.effective.from_),
            effective_until=min(until) if until else None,
            title=doc.title if doc.title is not None else base.title,
            layers=(*base.layers, self.layer),
            sources=MappingProxyType(self.sources),
            indicators=self.indicators,
            stars=tuple(rebuilt),
            levels=levels,
            node_count=count,
            fingerprint="",
        )
        return CompiledFile(tree=with_fingerprint(tree), tests=tests, document=self.source)

    def fail(self) -> None:
        self.problems.sort(key=lambda p: (p.location.line or 0, p.location.column or 0))
        raise RulesetError(self.problems)

    def merge_declarations(self) -> None:
        declared: dict[str, IndicatorSpec] = dict(self.base.indicators)
        self.declare_indicators()  # the overlay's own, checked as in any file
        for path, spec in self.indicators.items():
            known = declared.get(path)
            if known is not None and known != spec:
                self.problem(
                    ("indicators", path),
                    f"'{path}' is already declared differently by the base",
                    key=True,
                )
            declared[path] = spec
        self.indicators = MappingProxyType(declared)
        self.sources = dict(self.base.sources)
        for i, src in enumerate(self.doc.sources):
            known_source = self.sources.get(src.id)
            if known_source is not None and known_source.title != src.title:
                self.problem(
                    ("sources", i, "id"),
                    f"source '{src.id}' is already declared by the base with another title",
                )
            self.sources[src.id] = Source(src.id, src.title, src.date, src.url, src.note)

    # -- remove --------------------------------------------------------------------------
    def remove(self, stars: list[Star]) -> list[Star]:
        doomed = set(self.doc.remove)
        if not doomed:
            return stars
        known = _all_ids(stars)
        for i, rule_id in enumerate(self.doc.remove):
            if rule_id not in known:
                self.problem(
                    ("remove", i),
                    f"cannot remove '{rule_id}': no such criterion, group, veto or star",
                    did_you_mean(rule_id, known) or did_you_mean_named(rule_id, star_names(stars)),
                )
            elif self.tighten_only:
                self.refuse(
                    ("remove", i), f"removing '{rule_id}' lets villages in that the base keeps out"
                )
        kept = [s for s in stars if s.id not in doomed]
        where = {rule_id: ("remove", i) for i, rule_id in enumerate(self.doc.remove)}
        for star in kept:
            for required in star.requires:
                if required in doomed:
                    self.problem(
                        where[required],
                        f"star '{star.id}' requires '{required}', which this overlay removes",
                    )
        if self.doc.levels is None:
            for level in self.base.levels or ():
                for name in level.when.names:
                    removed = name[len("stars.") :]
                    if name.startswith("stars.") and removed in doomed:
                        self.problem(
                            where[removed],
                            f"level {level.value} uses '{name}'; replace the levels too",
                        )

        def drop(node: Node) -> Node | None:
            return None if node.id in doomed else node

        return [_map_star(s, drop) for s in kept]

    # -- override ------------------------------------------------------------------------
    def override(self, stars: list[Star]) -> list[Star]:
        if not self.doc.override:
            return stars
        nodes = {n.id: n for s in stars for n in _walk(s)}
        pointed = {
            item.id
            for n in nodes.values()
            if isinstance(n, Group) and n.rule == "min_points"
            for item in n.items
        }
        replacements: dict[str, Node] = {}
        for rule_id, change in self.doc.override.items():
            path: PathKey = ("override", rule_id)
            node = nodes.get(rule_id)
            if node is None:
                self.problem(
                    path,
                    f"cannot override '{rule_id}': no such criterion, group or veto in the base",
                    did_you_mean(rule_id, nodes),
                    key=True,
                )
                continue
            if change.points is not None and rule_id not in pointed:
                self.problem((*path, "points"), "points only count inside a min_points group")
                continue
            if (
                node.layer.extends is not None
                and node.layer.jurisdiction == self.layer.jurisdiction
            ):
                self.problem(
                    path,
                    f"'{rule_id}' is already overridden by "
                    f"{node.layer.id}@{node.layer.version} at the same level "
                    f"({node.layer.jurisdiction}); extend the ruleset below it instead",
                    key=True,
                )
                continue
            replaced = (
                self.override_criterion(node, change, path)
                if isinstance(node, Criterion)
                else self.override_group(node, change, path)
            )
            if replaced is not None:
                replacements[rule_id] = replaced

        def swap(node: Node) -> Node | None:
            new = replacements.get(node.id)
            if new is None:
                return node
            if isinstance(node, Group) and isinstance(new, Group):
                return dataclasses.replace(new, items=node.items)
            return new

        return [_map_star(s, swap) for s in stars]

    def override_criterion(
        self, node: Criterion, change: OverrideDoc, path: PathKey
    ) -> Criterion | None:
        if change.at_least is not None or change.min_points is not None:
            self.problem(
                path, f"'{node.id}' is a criterion: it has no at_least or min_points", key=True
            )
            return None
        test = node.test
        if change.test is not None:
            scope = Scope(self.indicators, functions=self.functions)
            compiled = self.expression(change.test, (*path, "test"), scope)
            if compiled is None:
                return None
            test = compiled
            if self.tighten_only:
                problem = _looser(node.test, test, veto=node.kind == "veto")
                if problem:
                    self.refuse(
                        (*path, "test"),
                        f"'{node.id}' {problem} (was "
                        f"'{node.test.source}' in {node.layer.id}@{node.layer.version})",
                    )
        if change.source is not None and change.source not in self.sources:
            self.problem(
                (*path, "source"),
                f"unknown source '{change.source}'",
                did_you_mean(change.source, self.sources),
            )
        if change.points is not None and self.tighten_only and _more(change.points, node.points):
            self.refuse(
                (*path, "points"),
                f"'{node.id}' would earn more points ({node.points or 0:g} → {change.points:g})",
            )
        return dataclasses.replace(
            node,
            test=test,
            text=change.text or node.text,
            source=change.source if change.source is not None else node.source,
            provisional=change.provisional if change.provisional is not None else node.provisional,
            note=change.note if change.note is not None else node.note,
            points=change.points if change.points is not None else node.points,
            layer=self.layer,
            location=self.source.location(path, key=True),
        )

    def override_group(self, node: Group, change: OverrideDoc, path: PathKey) -> Group | None:
        wrong = [
            k for k in ("test", "source", "provisional", "note") if getattr(change, k) is not None
        ]
        if wrong:
            self.problem(path, f"'{node.id}' is a group: it has no {', '.join(wrong)}", key=True)
            return None
        needed = node.needed
        for key, rule in (("at_least", "at_least"), ("min_points", "min_points")):
            value = getattr(change, key)
            if value is None:
                continue
            if node.rule != rule:
                self.problem((*path, key), f"'{node.id}' is an '{node.rule}' group, not '{rule}'")
                continue
            if self.tighten_only and node.needed is not None and exact(value) < exact(node.needed):
                self.refuse(
                    (*path, key), f"'{node.id}' would need {value:g} instead of {node.needed:g}"
                )
            needed = float(value)
        if change.points is not None and self.tighten_only and _more(change.points, node.points):
            self.refuse((*path, "points"), f"'{node.id}' would earn more points")
        return dataclasses.replace(
            node,
            needed=needed,
            text=change.text or node.text,
            points=change.points if change.points is not None else node.points,
            layer=self.layer,
            location=self.source.location(path, key=True),
        )

    # -- add -----------------------------------------------------------------------------
    def add(self, stars: list[Star]) -> list[Star]:
        if not self.doc.add:
            return stars
        groups = {n.id: n for s in stars for n in _walk(s) if isinstance(n, Group)}
        targets = {s.id: s.grant.id for s in stars}
        scope = Scope(self.indicators, functions=self.functions)
        additions: dict[str, list[Node]] = {}
        for key, item_docs in self.doc.add.items():
            path: PathKey = ("add", key)
            group_id = targets.get(key, key)
            group = groups.get(group_id)
            if group is None:
                self.problem(
                    path,
                    f"cannot add to '{key}': no such star or group",
                    did_you_mean(key, [*targets, *groups])
                    or did_you_mean_named(key, star_names(stars)),
                    key=True,
                )
                continue
            if self.tighten_only and group.rule != "all":
                self.refuse(
                    path,
                    f"adding to the '{group.rule}' group '{group.id}' gives "
                    "villages more ways to pass",
                    key=True,
                )
            for n, item_doc in enumerate(item_docs):
                item_path: PathKey = (*path, n)
                item: Node | None
                if isinstance(item_doc, CriterionDoc):
                    item = self.criterion(
                        item_doc, item_path, scope, parent=group_id, kind="criterion"
                    )
                else:
                    item = self.group(
                        item_doc, item_path, scope, f"{group_id}.{key}-{n + 1}", parent=group_id
                    )
                if item is not None:
                    if group.rule != "min_points" and item.points is not None:
                        self.problem(
                            (*item_path, "points"), "points only count inside a min_points group"
                        )
                    if group.rule == "min_points" and item.points is None:
                        self.problem(
                            item_path, f"'{item.id}' needs 'points' inside a min_points group"
                        )
                    additions.setdefault(group_id, []).append(item)

        def extend(node: Node) -> Node | None:
            if isinstance(node, Group) and node.id in additions:
                return dataclasses.replace(node, items=(*node.items, *additions[node.id]))
            return node

        return [_map_star(s, extend) for s in stars]

    def add_vetoes(self, stars: list[Star]) -> list[Star]:
        if not self.doc.add_veto:
            return stars
        by_id = {s.id: s for s in stars}
        scope = Scope(self.indicators, functions=self.functions)
        for key, veto_docs in self.doc.add_veto.items():
            star = by_id.get(key)
            if star is None:
                self.problem(
                    ("add_veto", key),
                    f"cannot add a veto to '{key}': no such star",
                    did_you_mean(key, by_id) or did_you_mean_named(key, star_names(stars)),
                    key=True,
                )
                continue
            vetoes = [
                v
                for j, veto_doc in enumerate(veto_docs)
                if (
                    v := self.criterion(
                        veto_doc, ("add_veto", key, j), scope, parent=None, kind="veto"
                    )
                )
                is not None
            ]
            for j, veto_doc in enumerate(veto_docs):
                if veto_doc.points is not None:
                    self.problem(("add_veto", key, j, "points"), "a veto has no points")
            by_id[key] = dataclasses.replace(star, vetoes=(*star.vetoes, *vetoes))
        return [by_id[s.id] for s in stars]

    def new_stars(self, stars: list[Star]) -> list[Star]:
        if not self.doc.stars:
            return stars
        if self.tighten_only:
            self.refuse(("stars",), "new stars can raise a village's level", key=True)
        existing = {s.id for s in stars}
        added = self.compile_stars()
        for i, star in enumerate(added):
            if star.id in existing:
                self.problem(("stars", i, "id"), f"star '{star.id}' already exists in the base")
        merged = [*stars, *(s for s in added if s.id not in existing)]
        self.check_requires(merged)
        return merged

    def levels(self, stars: list[Star]) -> tuple[Level, ...] | None:
        if self.doc.levels is None:
            return self.base.levels
        if self.tighten_only:
            self.refuse(
                ("levels",), "replacing the levels cannot be checked to be stricter", key=True
            )
        return self.compile_levels(stars)

    def check_groups(self, stars: list[Star]) -> None:
        """Groups that removals or overrides made impossible or empty."""
        for star in stars:
            for node in _walk(star):
                if not isinstance(node, Group):
                    continue
                where: PathKey = ("remove",) if self.doc.remove else ("override",)
                at_key = True  # a whole section is to blame, unless the bar itself was set
                changed = self.doc.override.get(node.id)
                if changed is not None and (
                    changed.at_least is not None or changed.min_points is not None
                ):
                    key = "at_least" if changed.at_least is not None else "min_points"
                    where, at_key = ("override", node.id, key), False
                if not node.items:
                    self.problem(where, f"group '{node.id}' has no items left", key=at_key)
                elif node.rule == "at_least" and (node.needed or 0) > len(node.items):
                    self.problem(
                        where,
                        f"group '{node.id}' needs {node.needed:g} of only {len(node.items)} items",
                        key=at_key,
                    )
                elif node.rule == "min_points":
                    total = sum((exact(i.points or 0.0) for i in node.items), 0)  # exact sums
                    if total < exact(node.needed or 0.0):
                        self.problem(
                            where,
                            f"group '{node.id}' needs {node.needed:g} points of only "
                            f"{float(total):g}",
                            key=at_key,
                        )


# -- tree helpers ------------------------------------------------------------------------


def _more(new: float, old: float | None) -> bool:
    """Whether `new` points are more than `old` (none: 0), compared as written."""
    return exact(new) > exact(old or 0.0)


def _walk(star: Star) -> list[Node]:
    out: list[Node] = []

    def visit(node: Node) -> None:
        out.append(node)
        if isinstance(node, Group):
            for item in node.items:
                visit(item)

    visit(star.grant)
    out.extend(star.vetoes)
    return out


def _all_ids(stars: list[Star]) -> set[str]:
    return {s.id for s in stars} | {n.id for s in stars for n in _walk(s)}


def _map_node(node: Node, fn: Callable[[Node], Node | None]) -> Node | None:
    if isinstance(node, Group):
        items = tuple(x for x in (_map_node(i, fn) for i in node.items) if x is not None)
        node = dataclasses.replace(node, items=items)
    return fn(node)


def _map_star(star: Star, fn: Callable[[Node], Node | None]) -> Star:
    grant = _map_node(star.grant, fn)
    if not isinstance(grant, Group):
        grant = dataclasses.replace(star.grant, items=())  # reported by check_groups
    vetoes = tuple(v for v in (fn(v) for v in star.vetoes) if isinstance(v, Criterion))
    return dataclasses.replace(star, grant=grant, vetoes=vetoes)


def _criterion(node: Node) -> Criterion:
    assert isinstance(node, Criterion)
    return node


def rebuild(stars: list[Star]) -> tuple[list[Star], int]:
    """Number every node again (pre-order, ruleset order) and set parents and `nodes`."""
    counter = 0

    def renumber(node: Node, parent: str | None) -> Node:
        nonlocal counter
        index = counter
        counter += 1
        if isinstance(node, Group):
            items = tuple(renumber(i, node.id) for i in node.items)
            return dataclasses.replace(node, index=index, parent=parent, items=items)
        return dataclasses.replace(node, index=index, parent=parent)

    rebuilt: list[Star] = []
    for position, star in enumerate(stars):
        grant = renumber(star.grant, None)
        assert isinstance(grant, Group)
        vetoes = tuple(_criterion(renumber(v, None)) for v in star.vetoes)
        rebuilt_star = dataclasses.replace(star, index=position, grant=grant, vetoes=vetoes)
        nodes = tuple(_walk(rebuilt_star))
        rebuilt.append(dataclasses.replace(rebuilt_star, nodes=nodes))
    return rebuilt, counter


# -- policy: is a new test at least as strict as the old one? ----------------------------


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


def _looser(old: CompiledExpression, new: CompiledExpression, veto: bool) -> str | None:
    """Why `new` may let a village pass (or, for a veto, escape) where `old` would not;
    None when `new` is provably at least as strict."""
    return _looser_node(old.node, new.node, veto, new.source)


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
