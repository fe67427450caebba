"""Overlays: a ruleset file that `extends` another and changes it.

An overlay is applied to its base's *compiled* rules: criteria it keeps stay exactly as the
base compiled them (with the base's layer and location), and every item it overrides or
adds is compiled in the overlay's own file (by a `RulesetCompiler` of the overlay's
document), so that each criterion names the layer that supplied it. The overlay's `policy`
(policy.py) is checked while the changes are applied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

from ..errors import did_you_mean, did_you_mean_named
from ..exact import exact
from ..expr import FunctionSpec, Scope
from ..fingerprint import with_fingerprint
from ..indicators import IndicatorSpec
from ..rules import Criterion, Group, Level, Node, RuleTree, Source, Star
from ..village import within
from .chains import extends_parts
from .compiler import CompiledFile, RulesetCompiler
from .policy import Policy
from .schema import OverrideDoc, RulesetDoc
from .source_document import PathKey, SourceDocument
from .trees import all_ids, map_star, renumber, star_names, walk


def apply_overlay(
    source: SourceDocument, doc: RulesetDoc, base: RuleTree, functions: Mapping[str, FunctionSpec]
) -> CompiledFile:
    """The base's rules changed by the overlay; raise RulesetError listing every problem."""
    return OverlayCompiler(source, doc, functions, base).run_overlay()


class OverlayCompiler:
    """Applies one overlay to one base. Its `compiler` compiles what the overlay writes
    (overridden tests, added items and stars, levels) and collects every problem."""

    def __init__(
        self,
        source: SourceDocument,
        doc: RulesetDoc,
        functions: Mapping[str, FunctionSpec],
        base: RuleTree,
    ) -> None:
        self.compiler = RulesetCompiler(source, doc, functions)
        self.source = source
        self.doc = doc
        self.base = base
        self.layer = self.compiler.layer
        self.policy = Policy(tighten_only=doc.policy == "tighten-only")

    def refuse(self, path: PathKey, why: str | None, *, key: bool = False) -> None:
        """A change the policy does not allow (`why`; None: allowed)."""
        if why is not None:
            self.compiler.coded(path, "SR408", at_key=key, detail=why)

    def scope(self) -> Scope:
        """Where the overlay's own tests are compiled: the merged indicators."""
        return Scope(self.compiler.indicators, functions=self.compiler.functions)

    # -- the whole application -----------------------------------------------------------
    def run_overlay(self) -> CompiledFile:
        base, doc = self.base, self.doc
        family = extends_parts(doc.extends or "")[0]
        if doc.id != family:
            self.compiler.coded(("id",), "SR412", family=family, id=doc.id)
        if doc.kind != base.kind:
            self.compiler.coded(("kind",), "SR413", kind=doc.kind, base=base.kind)
        if not within(doc.jurisdiction, base.jurisdiction):
            self.compiler.coded(
                ("jurisdiction",), "SR414", jurisdiction=doc.jurisdiction, base=base.jurisdiction
            )
        self.merge_declarations()
        for star in base.stars:
            for node in star.nodes:
                self.compiler.ids[node.id] = node.location
        stars = list(base.stars)
        stars = self.remove(stars)
        stars = self.override(stars)
        stars = self.add(stars)
        stars = self.add_vetoes(stars)
        stars = self.new_stars(stars)
        levels = self.levels(stars)
        rebuilt, count = renumber(stars)
        tests = self.compiler.check_tests(rebuilt)
        self.check_groups(rebuilt)
        self.compiler.fail_on_problems()
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
            sources=MappingProxyType(self.compiler.sources),
            indicators=self.compiler.indicators,
            stars=tuple(rebuilt),
            levels=levels,
            node_count=count,
            fingerprint="",
        )
        return CompiledFile(tree=with_fingerprint(tree), tests=tests, document=self.source)

    def merge_declarations(self) -> None:
        declared: dict[str, IndicatorSpec] = dict(self.base.indicators)
        compiler = self.compiler
        compiler.declare_indicators()  # the overlay's own, checked as in any file
        for path, spec in compiler.indicators.items():
            known = declared.get(path)
            if known is not None and known != spec:
                compiler.coded(("indicators", path), "SR426", at_key=True, path=path)
            declared[path] = spec
        compiler.indicators = MappingProxyType(declared)
        compiler.sources = dict(self.base.sources)
        for i, src in enumerate(self.doc.sources):
            known_source = compiler.sources.get(src.id)
            if known_source is not None and known_source.title != src.title:
                compiler.coded(("sources", i, "id"), "SR427", id=src.id)
            compiler.sources[src.id] = Source(src.id, src.title, src.date, src.url, src.note)

    # -- remove --------------------------------------------------------------------------
    def remove(self, stars: list[Star]) -> list[Star]:
        doomed = set(self.doc.remove)
        if not doomed:
            return stars
        known = all_ids(stars)
        for i, rule_id in enumerate(self.doc.remove):
            if rule_id not in known:
                hint = did_you_mean(rule_id, known) or did_you_mean_named(
                    rule_id, star_names(stars)
                )
                self.compiler.coded(("remove", i), "SR404", hint, id=rule_id)
            else:
                self.refuse(("remove", i), self.policy.removal(rule_id))
        kept = [s for s in stars if s.id not in doomed]
        where = {rule_id: ("remove", i) for i, rule_id in enumerate(self.doc.remove)}
        for star in kept:
            for required in star.requires:
                if required in doomed:
                    self.compiler.coded(where[required], "SR422", id=star.id, required=required)
        if self.doc.levels is None:
            for level in self.base.levels or ():
                for name in level.when.names:
                    removed = name[len("stars.") :]
                    if name.startswith("stars.") and removed in doomed:
                        self.compiler.coded(where[removed], "SR423", level=level.value, name=name)

        def drop(node: Node) -> Node | None:
            return None if node.id in doomed else node

        return [map_star(s, drop) for s in kept]

    # -- override ------------------------------------------------------------------------
    def override(self, stars: list[Star]) -> list[Star]:
        if not self.doc.override:
            return stars
        nodes = {n.id: n for s in stars for n in walk(s)}
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
                hint = did_you_mean(rule_id, nodes)
                self.compiler.coded(path, "SR403", hint, at_key=True, id=rule_id)
                continue
            if change.points is not None and rule_id not in pointed:
                self.compiler.coded((*path, "points"), "SR214")
                continue
            if (
                node.layer.extends is not None
                and node.layer.jurisdiction == self.layer.jurisdiction
            ):
                self.compiler.coded(
                    path,
                    "SR418",
                    at_key=True,
                    id=rule_id,
                    layer=f"{node.layer.id}@{node.layer.version}",
                    jurisdiction=node.layer.jurisdiction,
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

        return [map_star(s, swap) for s in stars]

    def override_criterion(
        self, node: Criterion, change: OverrideDoc, path: PathKey
    ) -> Criterion | None:
        if change.at_least is not None or change.min_points is not None:
            self.compiler.coded(path, "SR419", at_key=True, id=node.id)
            return None
        test = node.test
        if change.test is not None:
            compiled = self.compiler.expression(change.test, (*path, "test"), self.scope())
            if compiled is None:
                return None
            test = compiled
            self.refuse((*path, "test"), self.policy.test(node, test))
        sources = self.compiler.sources
        if change.source is not None and change.source not in sources:
            hint = did_you_mean(change.source, sources)
            self.compiler.coded((*path, "source"), "SR406", hint, id=change.source)
        if change.points is not None:
            self.refuse((*path, "points"), self.policy.points(node, change.points))
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
            self.compiler.coded(path, "SR420", at_key=True, id=node.id, keys=", ".join(wrong))
            return None
        needed = node.needed
        for key, rule in (("at_least", "at_least"), ("min_points", "min_points")):
            value = getattr(change, key)
            if value is None:
                continue
            if node.rule != rule:
                self.compiler.coded((*path, key), "SR421", id=node.id, rule=node.rule, wanted=rule)
                continue
            self.refuse((*path, key), self.policy.bar(node, value))
            needed = float(value)
        if change.points is not None:
            self.refuse((*path, "points"), self.policy.points(node, change.points))
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
        groups = {n.id: n for s in stars for n in walk(s) if isinstance(n, Group)}
        targets = {s.id: s.grant.id for s in stars}
        scope = self.scope()
        additions: dict[str, list[Node]] = {}
        for key, item_docs in self.doc.add.items():
            path: PathKey = ("add", key)
            group_id = targets.get(key, key)
            group = groups.get(group_id)
            if group is None:
                self.compiler.coded(
                    path,
                    "SR401",
                    did_you_mean(key, [*targets, *groups])
                    or did_you_mean_named(key, star_names(stars)),
                    at_key=True,
                    key=key,
                )
                continue
            self.refuse(path, self.policy.addition(group), key=True)
            for n, item_doc in enumerate(item_docs):
                default_id = f"{group_id}.{key}-{n + 1}"
                item = self.compiler.item(
                    item_doc, (*path, n), scope, default_id, group_id, group.rule
                )
                if item is not None:
                    additions.setdefault(group_id, []).append(item)

        def extend(node: Node) -> Node | None:
            if isinstance(node, Group) and node.id in additions:
                return dataclasses.replace(node, items=(*node.items, *additions[node.id]))
            return node

        return [map_star(s, extend) for s in stars]

    def add_vetoes(self, stars: list[Star]) -> list[Star]:
        if not self.doc.add_veto:
            return stars
        by_id = {s.id: s for s in stars}
        scope = self.scope()
        for key, veto_docs in self.doc.add_veto.items():
            star = by_id.get(key)
            if star is None:
                self.compiler.coded(
                    ("add_veto", key),
                    "SR402",
                    did_you_mean(key, by_id) or did_you_mean_named(key, star_names(stars)),
                    at_key=True,
                    key=key,
                )
                continue
            vetoes = [
                v
                for j, veto_doc in enumerate(veto_docs)
                if (
                    v := self.compiler.criterion(
                        veto_doc, ("add_veto", key, j), scope, parent=None, kind="veto"
                    )
                )
                is not None
            ]
            for j, veto_doc in enumerate(veto_docs):
                if veto_doc.points is not None:
                    self.compiler.coded(("add_veto", key, j, "points"), "SR215")
            by_id[key] = dataclasses.replace(star, vetoes=(*star.vetoes, *vetoes))
        return [by_id[s.id] for s in stars]

    def new_stars(self, stars: list[Star]) -> list[Star]:
        if not self.doc.stars:
            return stars
        self.refuse(("stars",), self.policy.new_stars(), key=True)
        existing = {s.id for s in stars}
        added = self.compiler.compile_stars()
        for i, star in enumerate(added):
            if star.id in existing:
                self.compiler.coded(("stars", i, "id"), "SR415", id=star.id)
        merged = [*stars, *(s for s in added if s.id not in existing)]
        self.compiler.check_requires(merged)
        return merged

    def levels(self, stars: list[Star]) -> tuple[Level, ...] | None:
        if self.doc.levels is None:
            return self.base.levels
        self.refuse(("levels",), self.policy.new_levels(), key=True)
        return self.compiler.compile_levels(stars)

    def check_groups(self, stars: list[Star]) -> None:
        """Groups that removals or overrides made impossible or empty."""
        for star in stars:
            for node in walk(star):
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
                    self.compiler.coded(where, "SR416", at_key=at_key, id=node.id)
                elif node.rule == "at_least" and (node.needed or 0) > len(node.items):
                    self.compiler.coded(
                        where,
                        "SR424",
                        at_key=at_key,
                        id=node.id,
                        needed=f"{node.needed:g}",
                        count=len(node.items),
                    )
                elif node.rule == "min_points":
                    total = sum((exact(i.points or 0.0) for i in node.items), 0)  # exact sums
                    if total < exact(node.needed or 0.0):
                        self.compiler.coded(
                            where,
                            "SR425",
                            at_key=at_key,
                            id=node.id,
                            needed=f"{node.needed:g}",
                            total=f"{float(total):g}",
                        )
