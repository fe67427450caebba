"""Pickling: a compiled ruleset travels as the texts it was compiled from, not as code.

Its compiled expressions are closures, which pickle cannot carry, and which a receiving
process may not even be able to run (another starrules version, other plug-ins). So a
`Ruleset` pickles as the text of every layer of its chain (base first, each with its file
name and the functions given at load time that it calls) and its fingerprint. Unpickling
compiles the texts again, as loading did (the base, then each overlay on it), with this
process's built-in and plug-in functions, and refuses the result when its fingerprint is
not the one pickled. An `Assessment` pickles as its ruleset's texts, village, date and
outcome; unpickling evaluates the village again and refuses a different outcome.

Compiling again happens once per chain and process: the results are kept in bounded
`lru_cache`s keyed by the texts (rulesets are immutable, so one serves every caller), so a
worker receiving many assessments of one ruleset compiles it once.

Neither `Ruleset` nor `Assessment` imports this module: the loader leaves on each tree it
compiles an `Origin` (rules.py) holding its texts and this module's reductions, which their
`__reduce__` call. An assessment is evaluated again by its ruleset's `program`.
"""

from __future__ import annotations

import dataclasses
import functools
import pickle
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar, cast

from ..errors import EvaluationError, Location, Problem, RulesetError, StarrulesError
from ..evaluation import LevelRange, Outcome
from ..expr import FunctionSpec
from ..expr.plugins import available_functions
from ..rules import Criterion, LayerText, Origin, RuleTree, TestCase
from ..ruleset import Ruleset
from ..village import Village
from .compiler import RulesetCompiler
from .documents import read_document
from .overlay import apply_overlay
from .schema import is_overlay
from .source_document import SourceDocument
from .yaml_parse import parse_yaml

# How many compiled chains a process keeps (each prefix of a chain counts: the province
# under its county overlays is compiled once). A worker meets a few rulesets; this bounds
# what a stream of distinct ones can make it hold.
CACHE_SIZE = 32

_LIKELY = (
    "the likely reason: this process has other plug-in functions, or another starrules "
    "version, than the one that pickled it"
)

R = TypeVar("R")
A = TypeVar("A")

Compiled = tuple[RuleTree, tuple[TestCase, ...]]
MakeRuleset = Callable[[RuleTree, tuple[TestCase, ...]], R]
MakeAssessment = Callable[[RuleTree, Village, date, Outcome, tuple[str, ...]], A]


# -- loading: keep the texts --------------------------------------------------------------
def with_source(
    tree: RuleTree,
    source: SourceDocument,
    functions: Mapping[str, FunctionSpec],
    base: RuleTree | None = None,
) -> RuleTree:
    """`tree`, compiled from `source` (on `base` for an overlay) with `functions`, keeping
    its base's texts and its own (`RuleTree.origin`). A base without texts (built otherwise
    than by the loader) leaves the tree without: it then cannot be pickled."""
    if base is not None and not base.texts:
        return tree
    own = LayerText(source.file, source.text, _given(tree, functions))
    return _with_texts(tree, (*base.texts, own) if base is not None else (own,))


def _with_texts(tree: RuleTree, texts: tuple[LayerText, ...]) -> RuleTree:
    origin = Origin(texts, ruleset_reduction, assessment_reduction)
    return dataclasses.replace(tree, origin=origin)


def _given(
    tree: RuleTree, functions: Mapping[str, FunctionSpec]
) -> tuple[tuple[str, FunctionSpec], ...]:
    """The functions the tree calls that were given at load time: those that are neither
    built in nor a plug-in's (a receiving process has its own of these)."""
    available = available_functions()
    given = {name: spec for name, spec in functions.items() if available.get(name) is not spec}
    if not given:
        return ()
    calls: set[str] = set()
    for star in tree.stars:
        for node in star.nodes:
            if isinstance(node, Criterion):
                calls.update(node.test.calls)
    for level in tree.levels or ():
        calls.update(level.when.calls)
    return tuple((name, given[name]) for name in sorted(calls) if name in given)


# -- pickling -------------------------------------------------------------------------------
def _name(tree: RuleTree) -> str:
    return f"{tree.id}@{tree.version}"


def _texts(tree: RuleTree) -> tuple[LayerText, ...]:
    """The tree's texts, once it is sure they pickle; a clear error when they cannot."""
    texts = tree.pickled_origin().texts
    for layer in texts:
        for name, spec in layer.functions:
            try:
                pickle.dumps(spec)
            except Exception as exc:  # whatever pickle says of it: a lambda, a closure …
                raise StarrulesError.of(
                    None, "SR884", ruleset=_name(tree), name=name, file=layer.file, detail=exc
                ) from None
    return texts


def ruleset_reduction(
    make: MakeRuleset[R], tree: RuleTree
) -> tuple[Callable[..., R], tuple[Any, ...]]:
    """What `Ruleset.__reduce__` returns: `rebuilt_ruleset` and its arguments."""
    return rebuilt_ruleset, (make, _texts(tree), tree.fingerprint, _name(tree))


def assessment_reduction(
    make: MakeAssessment[A],
    tree: RuleTree,
    village: Village,
    as_of: date,
    outcome: Outcome,
    ignored: tuple[str, ...],
) -> tuple[Callable[..., A], tuple[Any, ...]]:
    """What `Assessment.__reduce__` returns: `rebuilt_assessment` and its arguments. The
    texts are the tree's own tuple, so a pickle of many assessments holds them once.

    No `check_dates` / `strict`: they only refuse villages, and this one was accepted; the
    ignored indicators are carried as they were (a monitor's assessment gives its own)."""
    stars = tuple(outcome.stars)
    return rebuilt_assessment, (
        make,
        _texts(tree),
        tree.fingerprint,
        _name(tree),
        village,
        as_of,
        stars,
        outcome.level,
        ignored,
    )


# -- unpickling -----------------------------------------------------------------------------
def rebuilt_ruleset(
    make: MakeRuleset[R], texts: tuple[LayerText, ...], fingerprint: str, name: str
) -> R:
    """The ruleset compiled again from its texts; one per process for the same texts."""
    _verified(texts, fingerprint, name)
    return cast(R, _ruleset(make, texts))  # the cache's wrapper loses the type variable


def rebuilt_assessment(
    make: MakeAssessment[A],
    texts: tuple[LayerText, ...],
    fingerprint: str,
    name: str,
    village: Village,
    as_of: date,
    stars: tuple[bool | None, ...],
    level: LevelRange,
    ignored: tuple[str, ...],
) -> A:
    """The assessment made again: its village evaluated by the ruleset compiled again,
    which must decide the same stars and level."""
    tree = _verified(texts, fingerprint, name)
    outcome = cast(Ruleset, _ruleset(Ruleset, texts)).program.run(village)
    if tuple(outcome.stars) != stars or outcome.level != level:
        raise EvaluationError.of(
            None,
            "SR885",
            village=village.name,
            ruleset=name,
            stars=_shown(tree, outcome.stars),
            level=_level(outcome.level),
            pickled=_shown(tree, stars),
            pickled_level=_level(level),
        )
    return make(tree, village, as_of, outcome, ignored)


def _shown(tree: RuleTree, stars: Iterable[bool | None]) -> str:
    words = {True: "granted", False: "denied", None: "undetermined"}
    return ", ".join(f"{s.id} {words[v]}" for s, v in zip(tree.stars, stars, strict=False))


def _level(level: LevelRange) -> str:
    return str(level.value) if level.value is not None else f"{level.min}..{level.max}"


def _verified(texts: tuple[LayerText, ...], fingerprint: str, name: str) -> RuleTree:
    """The tree compiled again from the texts, with the fingerprint pickled."""
    try:
        tree = _compiled(texts)[0]
    except RulesetError as exc:
        head = Problem.coded(Location(texts[-1].file), "SR886", _LIKELY, ruleset=name)
        raise RulesetError([head, *exc.problems]) from None
    if tree.fingerprint != fingerprint:
        raise RulesetError(
            [
                Problem.coded(
                    Location(texts[-1].file),
                    "SR887",
                    _LIKELY,
                    ruleset=name,
                    here=tree.fingerprint,
                    pickled=fingerprint,
                )
            ]
        )
    return tree


@functools.lru_cache(maxsize=CACHE_SIZE)
def _ruleset(make: MakeRuleset[R], texts: tuple[LayerText, ...]) -> R:
    # One Ruleset object per chain and process, shared: it is immutable.
    tree, tests = _compiled(texts)
    return make(tree, tests)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _compiled(texts: tuple[LayerText, ...]) -> Compiled:
    """The chain compiled as loading compiled it: the first text alone, each next one as
    an overlay on the chain before it (itself kept: the province under its counties is
    compiled once). Raises RulesetError (not cached)."""
    own = texts[-1]
    functions = {**available_functions(), **dict(own.functions)}
    source = parse_yaml(own.text, own.file)
    doc = read_document(source, functions)
    if len(texts) > 1:
        compiled = apply_overlay(source, doc, _compiled(texts[:-1])[0], functions)
    elif not is_overlay(doc):
        compiled = RulesetCompiler(source, doc, functions).run()
    else:
        where = Location(own.file)
        raise RulesetError([Problem.coded(where, "SR888", extends=doc.extends)])
    return _with_texts(compiled.tree, texts), compiled.tests
