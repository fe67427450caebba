"""A validated ruleset document → compiled rules, reporting every problem with its place.

Steps (after validation, documents.py): declarations (indicators, sources) → stars, groups
and criteria (ids, expressions, references) → `requires` cycles → levels → tests →
fingerprint. Problems are collected rather than raised one at a time, so an author sees
every mistake of a file in one run. An overlay (overlay.py) uses the same steps for what
it adds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pydantic import ValidationError

from .. import messages
from ..errors import Location, Problem, RulesetError, did_you_mean, did_you_mean_named
from ..exact import exact
from ..expr import BUILTIN_FUNCTIONS, CompiledExpression, ExpressionError, FunctionSpec, Scope
from ..expr import compile_expression as compile_expr
from ..expr.errors import TokenBudget
from ..expr.parser import MAX_FILE_TOKENS
from ..expr.plugins import naming_failures
from ..fingerprint import with_fingerprint
from ..i18n import Text
from ..indicators import IndicatorSpec
from ..rules import (
    Criterion,
    Group,
    GroupRule,
    Layer,
    Level,
    Node,
    RuleTree,
    Source,
    Star,
    TestCase,
)
from ..village import STANDARD_INDICATORS, Village
from .schema import AllDoc, AnyDoc, AtLeastDoc, CriterionDoc, ItemDoc, MinPointsDoc, RulesetDoc
from .source_document import PathKey, SourceDocument
from .trees import find_cycle, preorder, star_names
from .value_hints import value_hint

GroupDocs = AllDoc | AnyDoc | AtLeastDoc | MinPointsDoc
_EXTRA_KEY = re.compile(r"^extra\.[a-z_][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class CompiledFile:
    """The result of compiling one file: its rules and its inline test cases."""

    tree: RuleTree
    tests: tuple[TestCase, ...]
    document: SourceDocument


def problem_order(problem: Problem) -> tuple[int, int]:
    """Problems are reported in the order of the file."""
    return (problem.location.line or 0, problem.location.column or 0)


class RulesetCompiler:
    """Compiles one validated document: `run` for a standalone file; an overlay's
    compiler (overlay.py) uses the steps for what the overlay adds."""

    def __init__(
        self, source: SourceDocument, doc: RulesetDoc, functions: Mapping[str, FunctionSpec]
    ) -> None:
        self.source = source
        self.doc = doc
        self.functions = functions
        # A document read from mended text (yaml_parse.parse_yaml's `recover`) brings its
        # problems along: the file is reported with them and never compiles.
        self.problems: list[Problem] = list(source.problems)
        self.layer = Layer(doc.id, doc.version, doc.jurisdiction, source.file, doc.extends)
        self.ids: dict[str, Location] = {}
        self.index = 0
        self.indicators: Mapping[str, IndicatorSpec] = STANDARD_INDICATORS
        self.sources: dict[str, Source] = {}
        self.budget = TokenBudget(MAX_FILE_TOKENS)  # bounds the cost of all its expressions

    # -- helpers -------------------------------------------------------------------------
    def coded(
        self,
        where: PathKey,
        code: str,
        hint: str | None = None,
        /,
        *,
        at_key: bool = False,
        **values: object,
    ) -> None:
        """The problem of the catalogue's message `code` with these values, at `where` (its
        key, `at_key`)."""
        location = self.source.location(where, key=at_key)
        self.problems.append(Problem.coded(location, code, hint, **values))

    def expression(self, text: str, path: PathKey, scope: Scope) -> CompiledExpression | None:
        try:
            return compile_expr(text, scope, budget=self.budget)
        except ExpressionError as exc:
            location = self.source.expression_location(path, exc.offset)
            hint = exc.hint
            if hint is None and exc.message.startswith("unexpected character"):
                hint = self.label_hint(text, exc.offset)
            self.problems.append(Problem(location, f"in '{text.strip()}': {exc.message}", hint))
            return None

    def label_hint(self, text: str, offset: int) -> str | None:
        """A did-you-mean for an indicator written by its Chinese label."""
        end = offset
        while end < len(text) and not text[end].isascii() and not text[end].isspace():
            end += 1
        labels = {path: [spec.label.zh] for path, spec in self.indicators.items()}
        return did_you_mean_named(text[offset:end], labels)

    def claim_id(self, rule_id: str, path: PathKey) -> None:
        if rule_id in self.ids:
            first = self.ids[rule_id]
            self.coded(path, "SR213", id=rule_id, first=first)
        else:
            self.ids[rule_id] = self.source.location(path)

    def fail_on_problems(self) -> None:
        """Raise a RulesetError listing every problem found, in the order of the file."""
        if self.problems:
            self.problems.sort(key=problem_order)
            raise RulesetError(self.problems)

    # -- steps ---------------------------------------------------------------------------
    def run(self) -> CompiledFile:
        self.check_standalone()
        self.declare_indicators()
        self.declare_sources()
        stars = self.compile_stars()
        self.check_requires(stars)
        levels = self.compile_levels(stars)
        tests = self.check_tests(stars)
        self.fail_on_problems()
        tree = RuleTree(
            id=self.doc.id,
            jurisdiction=self.doc.jurisdiction,
            kind=self.doc.kind,
            version=self.doc.version,
            effective_from=self.doc.effective.from_,
            effective_until=self.doc.effective.until,
            title=self.doc.title or Text(zh="", en=""),  # required without `extends`
            layers=(self.layer,),
            sources=MappingProxyType(self.sources),
            indicators=self.indicators,
            stars=tuple(stars),
            levels=levels,
            node_count=self.index,
            fingerprint="",
        )
        return CompiledFile(tree=with_fingerprint(tree), tests=tests, document=self.source)

    def check_standalone(self) -> None:
        """A file without `extends` defines its stars itself and changes nothing."""
        doc = self.doc
        for key in ("policy", "override", "add", "add_veto", "remove"):
            if getattr(doc, key):
                self.coded((key,), "SR207", at_key=True, key=key)
        if not doc.stars:
            if "stars" in self.source.data:
                self.coded(("stars",), "SR208")
            else:
                self.coded((), "SR203", key="stars")

    def declare_indicators(self) -> None:
        declared = dict(STANDARD_INDICATORS)
        for key, decl in self.doc.indicators.items():
            path: PathKey = ("indicators", key)
            if key in STANDARD_INDICATORS:
                self.coded(path, "SR209", at_key=True, key=key)
            elif not _EXTRA_KEY.match(key):
                self.coded(path, "SR210", at_key=True, key=key)
            else:
                declared[key] = IndicatorSpec(
                    key, decl.type, decl.better, Text(zh=decl.zh, en=decl.en)
                )
        self.indicators = MappingProxyType(declared)

    def declare_sources(self) -> None:
        for i, src in enumerate(self.doc.sources):
            if src.id in self.sources:
                self.coded(("sources", i, "id"), "SR211", id=src.id)
            self.sources[src.id] = Source(src.id, src.title, src.date, src.url, src.note)

    def compile_stars(self) -> list[Star]:
        scope = Scope(self.indicators, functions=self.functions)
        stars: list[Star] = []
        seen: dict[str, int] = {}
        for i, star_doc in enumerate(self.doc.stars):
            path: PathKey = ("stars", i)
            if star_doc.id in seen:
                first = self.source.location(("stars", seen[star_doc.id], "id"))
                self.coded((*path, "id"), "SR212", id=star_doc.id, first=first)
                continue
            seen[star_doc.id] = i
            first_index = self.index
            grant = self.group(
                star_doc.grant,
                (*path, "grant"),
                scope,
                default_id=f"{star_doc.id}.grant",
                parent=None,
            )
            if star_doc.grant.points is not None:
                self.coded((*path, "grant", "points"), "SR214")
            vetoes: list[Criterion] = []
            for j, veto_doc in enumerate(star_doc.veto):
                veto = self.criterion(veto_doc, (*path, "veto", j), scope, parent=None, kind="veto")
                if veto is not None:
                    if veto.points is not None:
                        self.coded((*path, "veto", j, "points"), "SR215")
                    vetoes.append(veto)
            if grant is None:
                continue
            nodes = tuple(preorder(grant)) + tuple(vetoes)
            assert nodes[0].index == first_index
            stars.append(
                Star(
                    id=star_doc.id,
                    index=len(stars),
                    name=star_doc.name,
                    description=star_doc.description,
                    grant=grant,
                    vetoes=tuple(vetoes),
                    requires=tuple(star_doc.requires),
                    layer=self.layer,
                    location=self.source.location(path),
                    nodes=nodes,
                )
            )
        return stars

    def group(
        self, doc: GroupDocs, path: PathKey, scope: Scope, default_id: str, parent: str | None
    ) -> Group | None:
        group_id = doc.id or default_id
        self.claim_id(group_id, (*path, "id") if doc.id else path)
        index = self.index
        self.index += 1
        rule: GroupRule
        needed: float | None
        item_docs: list[ItemDoc]
        if isinstance(doc, AllDoc):
            rule, needed, key, item_docs = "all", None, "all", doc.all
        elif isinstance(doc, AnyDoc):
            rule, needed, key, item_docs = "any", None, "any", doc.any
        elif isinstance(doc, AtLeastDoc):
            rule, needed, key, item_docs = "at_least", float(doc.at_least), "of", doc.of
            if doc.at_least > len(doc.of):
                self.coded((*path, "at_least"), "SR217", needed=doc.at_least, count=len(doc.of))
        else:
            rule, needed, key, item_docs = "min_points", doc.min_points, "of", doc.of
        items: list[Node] = []
        for n, item_doc in enumerate(item_docs):
            item_path: PathKey = (*path, key, n)
            item = self.item(item_doc, item_path, scope, f"{group_id}.{n + 1}", group_id, rule)
            if item is not None:
                items.append(item)
        if rule == "min_points" and needed is not None:
            total = sum((exact(i.points or 0.0) for i in items), 0)  # 0.1 + 0.7 is 0.8
            if total < exact(needed) and len(items) == len(item_docs):
                points = f"{float(total):g}"
                self.coded((*path, "min_points"), "SR218", needed=f"{needed:g}", total=points)
        return Group(
            id=group_id,
            index=index,
            rule=rule,
            needed=needed,
            items=tuple(items),
            text=doc.text,
            points=doc.points,
            layer=self.layer,
            location=self.source.location(path),
            parent=parent,
        )

    def item(
        self,
        doc: ItemDoc,
        path: PathKey,
        scope: Scope,
        default_id: str,
        group_id: str,
        rule: GroupRule,
    ) -> Node | None:
        """An item of a group (`rule`): a criterion or a group; points in min_points only."""
        item: Node | None
        if isinstance(doc, CriterionDoc):
            item = self.criterion(doc, path, scope, parent=group_id, kind="criterion")
        else:
            item = self.group(doc, path, scope, default_id, parent=group_id)
        if item is not None and rule == "min_points" and item.points is None:
            self.coded(path, "SR216", id=item.id)
        if item is not None and rule != "min_points" and item.points is not None:
            self.coded((*path, "points"), "SR214")
        return item

    def criterion(
        self, doc: CriterionDoc, path: PathKey, scope: Scope, parent: str | None, kind: str
    ) -> Criterion | None:
        self.claim_id(doc.id, (*path, "id"))
        index = self.index
        self.index += 1
        if doc.source is not None and doc.source not in self.sources:
            hint = did_you_mean(doc.source, self.sources) or "declare it under 'sources:'"
            self.coded((*path, "source"), "SR406", hint, id=doc.source)
        test = self.expression(doc.test, (*path, "test"), scope)
        if test is None:
            return None
        if test.calls - BUILTIN_FUNCTIONS.keys():
            test = naming_failures(test, doc.id)
        return Criterion(
            id=doc.id,
            index=index,
            kind="veto" if kind == "veto" else "criterion",
            test=test,
            text=doc.text,
            source=doc.source,
            provisional=doc.provisional,
            note=doc.note,
            points=doc.points,
            layer=self.layer,
            location=self.source.location(path),
            parent=parent,
        )

    def check_requires(self, stars: list[Star]) -> None:
        known = {s.id for s in stars}
        for i, star_doc in enumerate(self.doc.stars):
            for j, required in enumerate(star_doc.requires):
                path: PathKey = ("stars", i, "requires", j)
                if required == star_doc.id:
                    self.coded(path, "SR221", id=required)
                elif required not in known:
                    hint = did_you_mean(required, known) or did_you_mean_named(
                        required, star_names(stars)
                    )
                    self.coded(path, "SR405", hint, id=required)
        cycle = find_cycle({s.id: [r for r in s.requires if r in known] for s in stars})
        own = [s.id for s in self.doc.stars]
        if cycle and len(cycle) > 2 and cycle[0] in own:
            first = own.index(cycle[0])
            self.coded(("stars", first, "requires"), "SR220", cycle=" → ".join(cycle))

    def compile_levels(self, stars: list[Star]) -> tuple[Level, ...] | None:
        if self.doc.levels is None:
            return None
        point_groups = frozenset(
            node.id
            for star in stars
            for node in preorder(star.grant)
            if isinstance(node, Group) and node.rule == "min_points"
        )
        scope = Scope(
            self.indicators,
            stars=frozenset(s.id for s in stars),
            functions=self.functions,
            point_groups=point_groups,
        )
        levels: list[Level] = []
        values: set[int] = set()
        for i, level_doc in enumerate(self.doc.levels):
            path: PathKey = ("levels", i)
            if level_doc.value in values:
                self.coded((*path, "value"), "SR219", value=level_doc.value)
            values.add(level_doc.value)
            when = self.expression(level_doc.when, (*path, "when"), scope)
            if when is not None:
                levels.append(
                    Level(level_doc.value, level_doc.name, when, level_doc.named_by, self.layer)
                )
        return tuple(sorted(levels, key=lambda level: -level.value))

    def check_tests(self, stars: list[Star]) -> tuple[TestCase, ...]:
        star_ids = {s.id for s in stars}
        node_ids = {n.id for s in stars for n in s.nodes}
        cases: list[TestCase] = []
        for i, case in enumerate(self.doc.tests):
            path: PathKey = ("tests", i)
            try:
                village = Village.model_validate(case.village)
            except ValidationError as exc:
                for error in exc.errors(include_url=False):
                    loc = tuple(error["loc"])
                    field = ".".join(str(p) for p in loc)
                    detail = messages.validation_detail(error)
                    hint = value_hint(error)
                    where = (*path, "village", *loc)
                    self.coded(where, "SR222", hint, field=field, detail=detail)
                village = None
            for star_id in case.expect.stars:
                if star_id not in star_ids:
                    self.coded(
                        (*path, "expect", "stars", star_id),
                        "SR405",
                        did_you_mean(star_id, star_ids)
                        or did_you_mean_named(star_id, star_names(stars)),
                        at_key=True,
                        id=star_id,
                    )
            for node_id in case.expect.criteria:
                if node_id not in node_ids:
                    self.coded(
                        (*path, "expect", "criteria", node_id),
                        "SR407",
                        did_you_mean(node_id, node_ids),
                        at_key=True,
                        id=node_id,
                    )
            if village is not None:
                cases.append(
                    TestCase(case.name, village, case.on, case.expect, self.source.location(path))
                )
        return tuple(cases)
