"""Ruleset document → compiled rules, reporting every problem found with its place.

Steps: structural validation (schema.py) → declarations (indicators, sources) → stars,
groups and criteria (ids, expressions, references) → `requires` cycles → levels →
fingerprint. Problems are collected rather than raised one at a time, so an author sees
every mistake of a file in one run.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from ..errors import (
    EvaluationError,
    Location,
    Problem,
    RulesetError,
    did_you_mean,
    did_you_mean_named,
)
from ..exact import exact
from ..expr import BUILTIN_FUNCTIONS, CompiledExpression, ExpressionError, FunctionSpec, Scope
from ..expr import compile_expression as compile_expr
from ..expr.errors import TokenBudget
from ..expr.parser import MAX_FILE_TOKENS
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
from .schema import (
    KNOWN_KEYS,
    AllDoc,
    AnyDoc,
    AtLeastDoc,
    CriterionDoc,
    ItemDoc,
    MinPointsDoc,
    RulesetDoc,
)
from .yaml_source import PathKey, SourceDocument

GroupDocs = AllDoc | AnyDoc | AtLeastDoc | MinPointsDoc
_EXTRA_KEY = re.compile(r"^extra\.[a-z_][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class CompiledFile:
    """The result of compiling one file: its rules and its inline test cases."""

    tree: RuleTree
    tests: tuple[TestCase, ...]
    document: SourceDocument


def validate_document(source: SourceDocument) -> RulesetDoc:
    """Check the structure of a parsed file; every schema problem becomes a located Problem."""
    try:
        return RulesetDoc.model_validate(source.data)
    except ValidationError as exc:
        problems = [*source.problems, *_schema_problems(exc, source)]
        raise RulesetError(sorted(problems, key=_problem_order)) from None


def _without_unknown_keys(data: Any, exc: ValidationError) -> Any:
    """A copy of the data without the keys the schema rejected as unknown, or None when
    the file has other structural problems (then nothing further can be checked)."""
    cleaned = copy.deepcopy(data)
    for error in exc.errors(include_url=False):
        if error["type"] != "extra_forbidden":
            return None
        parent: Any = cleaned
        loc = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith("<"))]
        for part in loc[:-1]:
            parent = parent[part]
        parent.pop(loc[-1], None)
    return cleaned


_PATTERN_HELP = {
    "jurisdiction": "lowercase ids joined by '/', province first, e.g. cn-henan/nanyang/xixia",
    "version": 'digits and dots, in quotes, e.g. version: "2023.1"',
    "requires": "a star id: lowercase letters, digits and '_'",
    "source": "a source id: lowercase letters, digits, '.', '-' and '_'",
}
_ID_HELP = {
    1: "a ruleset id: lowercase letters, digits and '-', e.g. henan-rural",
    2: "lowercase letters, digits, '.', '-' and '_', e.g. industry.collective-income",
}


def _schema_problems(exc: ValidationError, source: SourceDocument) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        path: PathKey = tuple(
            p for p in error["loc"] if not (isinstance(p, str) and p.startswith("<"))
        )
        kind = error["type"]
        value = error.get("input")
        shown = ".".join(str(p) for p in path) or "(top level)"
        if kind == "extra_forbidden":
            key = str(path[-1])
            hint = did_you_mean(key, KNOWN_KEYS - {key})
            if hint is None and key in KNOWN_KEYS:  # a real key in the wrong place
                hint = "it belongs to another kind of entry: check the keys next to it"
            problems.append(Problem(source.location(path, key=True), f"unknown key '{key}'", hint))
            continue
        if kind == "missing":
            parent = ".".join(str(p) for p in path[:-1])
            where = f" in {parent}" if parent else ""
            problems.append(
                Problem(source.location(path[:-1]), f"missing required key '{path[-1]}'{where}")
            )
            continue
        message = str(error["msg"]).removeprefix("Value error, ")
        hint = None
        last = str(path[-1]) if path else ""
        if path == ("starrules",):
            message = f"this file is format {value!r}; this starrules reads format 1"
        elif kind == "string_pattern_mismatch":
            parent = str(path[-2]) if len(path) > 1 else ""
            help_text = _PATTERN_HELP.get(str(last)) or _PATTERN_HELP.get(str(parent))
            if last == "id":
                help_text = (
                    _ID_HELP[1]
                    if len(path) == 1
                    else (
                        "a star id: lowercase letters, digits and '_'"
                        if len(path) == 3
                        else _ID_HELP[2]
                    )
                )
            message = f"{value!r} is not valid: use {help_text}" if help_text else message
            if "requires" in path and isinstance(value, str):  # a star by its Chinese name
                hint = did_you_mean_named(value, _named_stars(source.data))
        elif last == "version" and isinstance(value, int | float) and not isinstance(value, bool):
            hint = f'quote it: version: "{value}"'
        elif isinstance(value, bool) and "string" in message:
            hint = "quote it: unquoted yes/no/on/off/true/false are read as true or false"
        problems.append(Problem(source.location(path), f"{shown}: {message}", hint))
    problems.sort(key=_problem_order)
    return problems


def _problem_order(problem: Problem) -> tuple[int, int]:
    return (problem.location.line or 0, problem.location.column or 0)


def compile_document(
    source: SourceDocument,
    functions: Mapping[str, FunctionSpec] = BUILTIN_FUNCTIONS,
) -> CompiledFile:
    """Compile one parsed ruleset file (no overlays); raise RulesetError listing every problem.

    When the only structural problems are unknown keys, the rest of the file is still
    checked, so that a misspelt key does not hide an error in an expression."""
    try:
        doc = RulesetDoc.model_validate(source.data)
    except ValidationError as exc:
        problems = [*source.problems, *_schema_problems(exc, source)]
        cleaned = _without_unknown_keys(source.data, exc)
        if cleaned is not None:
            try:
                RulesetCompiler(source, RulesetDoc.model_validate(cleaned), functions).run()
            except RulesetError as more:
                problems = list(dict.fromkeys([*problems, *more.problems]))  # source's twice
            except ValidationError:
                pass
        raise RulesetError(sorted(problems, key=_problem_order)) from None
    return RulesetCompiler(source, doc, functions).run()


class RulesetCompiler:
    def __init__(
        self, source: SourceDocument, doc: RulesetDoc, functions: Mapping[str, FunctionSpec]
    ) -> None:
        self.source = source
        self.doc = doc
        self.functions = functions
        # A document read from mended text (yaml_source.parse_yaml's `recover`) brings its
        # problems along: the file is reported with them and never compiles.
        self.problems: list[Problem] = list(source.problems)
        self.layer = Layer(doc.id, doc.version, doc.jurisdiction, source.file)
        self.ids: dict[str, Location] = {}
        self.index = 0
        self.indicators: Mapping[str, IndicatorSpec] = STANDARD_INDICATORS
        self.sources: dict[str, Source] = {}
        self.budget = TokenBudget(MAX_FILE_TOKENS)  # bounds the cost of all its expressions

    # -- helpers -------------------------------------------------------------------------
    def problem(
        self, path: PathKey, message: str, hint: str | None = None, *, key: bool = False
    ) -> None:
        self.problems.append(Problem(self.source.location(path, key=key), message, hint))

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
            self.problem(path, f"duplicate id '{rule_id}' (first used at {first})")
        else:
            self.ids[rule_id] = self.source.location(path)

    # -- steps ---------------------------------------------------------------------------
    def run(self) -> CompiledFile:
        self.check_standalone()
        self.declare_indicators()
        self.declare_sources()
        stars = self.compile_stars()
        self.check_requires(stars)
        levels = self.compile_levels(stars)
        tests = self.check_tests(stars)
        if self.problems:
            self.problems.sort(key=_problem_order)
            raise RulesetError(self.problems)
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
                self.problem(
                    (key,), f"'{key}' needs 'extends': it changes another ruleset", key=True
                )
        if not doc.stars:
            if "stars" in self.source.data:
                self.problem(("stars",), "stars: at least 1 star is needed")
            else:
                self.problem((), "missing required key 'stars'")

    def declare_indicators(self) -> None:
        declared = dict(STANDARD_INDICATORS)
        for key, decl in self.doc.indicators.items():
            path: PathKey = ("indicators", key)
            if key in STANDARD_INDICATORS:
                self.problem(
                    path,
                    f"'{key}' is a standard indicator; only 'extra.*' indicators are declared",
                    key=True,
                )
            elif not _EXTRA_KEY.match(key):
                self.problem(
                    path,
                    f"indicator '{key}' must be named 'extra.<name>' "
                    "(lowercase letters, digits, _)",
                    key=True,
                )
            else:
                declared[key] = IndicatorSpec(
                    key, decl.type, decl.better, Text(zh=decl.zh, en=decl.en)
                )
        self.indicators = MappingProxyType(declared)

    def declare_sources(self) -> None:
        for i, src in enumerate(self.doc.sources):
            if src.id in self.sources:
                self.problem(("sources", i, "id"), f"duplicate source id '{src.id}'")
            self.sources[src.id] = Source(src.id, src.title, src.date, src.url, src.note)

    def compile_stars(self) -> list[Star]:
        scope = Scope(self.indicators, functions=self.functions)
        stars: list[Star] = []
        seen: dict[str, int] = {}
        for i, star_doc in enumerate(self.doc.stars):
            path: PathKey = ("stars", i)
            if star_doc.id in seen:
                first = self.source.location(("stars", seen[star_doc.id], "id"))
                self.problem(
                    (*path, "id"), f"duplicate star id '{star_doc.id}' (first used at {first})"
                )
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
                self.problem(
                    (*path, "grant", "points"), "points only count inside a min_points group"
                )
            vetoes: list[Criterion] = []
            for j, veto_doc in enumerate(star_doc.veto):
                veto = self.criterion(veto_doc, (*path, "veto", j), scope, parent=None, kind="veto")
                if veto is not None:
                    if veto.points is not None:
                        self.problem((*path, "veto", j, "points"), "a veto has no points")
                    vetoes.append(veto)
            if grant is None:
                continue
            nodes = tuple(_preorder(grant)) + tuple(vetoes)
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
                self.problem(
                    (*path, "at_least"),
                    f"at_least {doc.at_least} of only {len(doc.of)} items can never pass",
                )
        else:
            rule, needed, key, item_docs = "min_points", doc.min_points, "of", doc.of
        items: list[Node] = []
        for n, item_doc in enumerate(item_docs):
            item_path: PathKey = (*path, key, n)
            item: Node | None
            if isinstance(item_doc, CriterionDoc):
                item = self.criterion(item_doc, item_path, scope, parent=group_id, kind="criterion")
            else:
                item = self.group(
                    item_doc, item_path, scope, f"{group_id}.{n + 1}", parent=group_id
                )
            if item is None:
                continue
            if rule == "min_points" and item.points is None:
                self.problem(item_path, f"'{item.id}' needs 'points' inside a min_points group")
            if rule != "min_points" and item.points is not None:
                self.problem((*item_path, "points"), "points only count inside a min_points group")
            items.append(item)
        if rule == "min_points" and needed is not None:
            total = sum((exact(i.points or 0.0) for i in items), 0)  # 0.1 + 0.7 is 0.8
            if total < exact(needed) and len(items) == len(item_docs):
                self.problem(
                    (*path, "min_points"),
                    f"min_points {needed:g} is more than the {float(total):g} points available",
                )
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

    def criterion(
        self, doc: CriterionDoc, path: PathKey, scope: Scope, parent: str | None, kind: str
    ) -> Criterion | None:
        self.claim_id(doc.id, (*path, "id"))
        index = self.index
        self.index += 1
        if doc.source is not None and doc.source not in self.sources:
            self.problem(
                (*path, "source"),
                f"unknown source '{doc.source}'",
                did_you_mean(doc.source, self.sources) or "declare it under 'sources:'",
            )
        test = self.expression(doc.test, (*path, "test"), scope)
        if test is None:
            return None
        if test.calls - BUILTIN_FUNCTIONS.keys():
            test = _naming_failures(test, doc.id)
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
                    self.problem(path, f"star '{required}' requires itself")
                elif required not in known:
                    hint = did_you_mean(required, known) or did_you_mean_named(
                        required, star_names(stars)
                    )
                    self.problem(path, f"unknown star '{required}'", hint)
        cycle = _find_cycle({s.id: [r for r in s.requires if r in known] for s in stars})
        own = [s.id for s in self.doc.stars]
        if cycle and len(cycle) > 2 and cycle[0] in own:
            first = own.index(cycle[0])
            self.problem(
                ("stars", first, "requires"),
                "stars require each other in a cycle: " + " → ".join(cycle),
            )

    def compile_levels(self, stars: list[Star]) -> tuple[Level, ...] | None:
        if self.doc.levels is None:
            return None
        point_groups = frozenset(
            node.id
            for star in stars
            for node in _preorder(star.grant)
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
                self.problem((*path, "value"), f"duplicate level value {level_doc.value}")
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
                    self.problem((*path, "village", *loc), f"test village: {field}: {error['msg']}")
                village = None
            for star_id in case.expect.stars:
                if star_id not in star_ids:
                    self.problem(
                        (*path, "expect", "stars", star_id),
                        f"unknown star '{star_id}'",
                        did_you_mean(star_id, star_ids)
                        or did_you_mean_named(star_id, star_names(stars)),
                        key=True,
                    )
            for node_id in case.expect.criteria:
                if node_id not in node_ids:
                    self.problem(
                        (*path, "expect", "criteria", node_id),
                        f"unknown criterion '{node_id}'",
                        did_you_mean(node_id, node_ids),
                        key=True,
                    )
            if village is not None:
                cases.append(
                    TestCase(case.name, village, case.on, case.expect, self.source.location(path))
                )
        return tuple(cases)


def _named_stars(data: Any) -> dict[str, list[str]]:
    """The Chinese names of the stars of a file not yet validated, by id."""
    names: dict[str, list[str]] = {}
    stars = data.get("stars") if isinstance(data, Mapping) else None
    for star in stars if isinstance(stars, list) else ():
        if not isinstance(star, Mapping):
            continue
        star_id, name = star.get("id"), star.get("name")
        zh = name.get("zh") if isinstance(name, Mapping) else None
        if isinstance(star_id, str) and isinstance(zh, str):
            names.setdefault(star_id, []).append(zh)
    return names


def star_names(stars: list[Star]) -> dict[str, list[str]]:
    """Each star's Chinese names (`产业兴旺星`), for hints on a star written by its name."""
    return {s.id: [s.name.zh] for s in stars}


def _naming_failures(test: CompiledExpression, criterion: str) -> CompiledExpression:
    """A test calling plug-in functions, whose failures name the criterion."""
    evaluate, on_village = test.evaluate, test.on_village

    def named(error: Exception) -> EvaluationError:
        detail = (
            str(error) if isinstance(error, EvaluationError) else f"a function failed: {error!r}"
        )
        return EvaluationError(f"criterion '{criterion}': {detail}")

    def evaluate_named(v: Any, s: Any) -> Any:
        try:
            return evaluate(v, s)
        except Exception as error:  # a function of a plug-in or of the caller failed
            raise named(error) from error

    def on_village_named(v: Any) -> Any:
        try:
            return on_village(v)
        except Exception as error:
            raise named(error) from error

    return dataclasses.replace(test, evaluate=evaluate_named, on_village=on_village_named)


def _preorder(node: Node) -> list[Node]:
    if isinstance(node, Criterion):
        return [node]
    out: list[Node] = [node]
    for item in node.items:
        out.extend(_preorder(item))
    return out


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None
