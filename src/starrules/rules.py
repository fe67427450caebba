"""Compiled rules: the immutable tree a ruleset file compiles to.

Every criterion, group and veto of every star has a slot (`index`) in one status vector,
numbered in ruleset order (pre-order), so that an evaluation records every outcome in a
flat list and an Assessment can build its explanation later, only when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import Location, StarrulesError
from .expr import CompiledExpression, FunctionSpec
from .i18n import Text
from .indicators import IndicatorSpec
from .village import Village

NodeKind = Literal["criterion", "group", "veto"]
GroupRule = Literal["all", "any", "at_least", "min_points"]


@dataclass(frozen=True, slots=True)
class Layer:
    """One ruleset file that contributed to a resolved ruleset."""

    id: str
    version: str
    jurisdiction: str
    file: str
    extends: str | None = None  # set for an overlay: what it extends, as written

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version} ({self.jurisdiction})"

    @property
    def short(self) -> str:
        """'xixia@2022.1': the last part of the jurisdiction and the version, for chains."""
        return f"{self.jurisdiction.rsplit('/', 1)[-1]}@{self.version}"


@dataclass(frozen=True, slots=True)
class LayerText:
    """The text one layer was compiled from, kept so that the ruleset can be compiled again
    in another process (pickling: see rebuild.py)."""

    file: str  # as named on loading: for the places in problems
    text: str
    # The functions given at load time (not built in, nor a plug-in's) that its rules call.
    functions: tuple[tuple[str, FunctionSpec], ...] = ()


@dataclass(frozen=True, slots=True)
class Origin:
    """What the loader leaves on a tree it compiled, for pickling: the text of every layer
    (base first) and the loader's functions that reduce a `Ruleset` or an `Assessment` of
    the tree to those texts, compiled again on arrival (rebuild.py). Handed in, so that
    neither class imports the loader to pickle."""

    texts: tuple[LayerText, ...]
    # (make, tree) → what `Ruleset.__reduce__` returns
    reduce_ruleset: Callable[..., tuple[Any, ...]]
    # (make, tree, village, as_of, outcome, ignored) → what `Assessment.__reduce__` returns
    reduce_assessment: Callable[..., tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    date: date | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Criterion:
    """A leaf test. For a veto, `test` is the condition that denies the star."""

    id: str
    index: int
    kind: Literal["criterion", "veto"]
    test: CompiledExpression
    text: Text
    source: str | None
    provisional: bool
    note: str | None
    points: float | None  # as written; added and compared exactly (see exact.py)
    layer: Layer
    location: Location
    parent: str | None


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    index: int
    rule: GroupRule
    needed: float | None  # k for at_least, the bar for min_points (compared exactly)
    items: tuple[Criterion | Group, ...]
    text: Text | None
    points: float | None
    layer: Layer
    location: Location
    parent: str | None

    @property
    def kind(self) -> NodeKind:
        return "group"

    def describe(self, lang: str) -> str:
        n = len(self.items)
        if self.rule == "all":
            return f"全部 {n} 项" if lang == "zh" else f"all {n}"
        if self.rule == "any":
            return f"{n} 项中任一项" if lang == "zh" else f"any of {n}"
        if self.rule == "at_least":
            return (
                f"{n} 项中至少 {self.needed:g} 项"
                if lang == "zh"
                else f"at least {self.needed:g} of {n}"
            )
        return (
            f"{n} 项得分不低于 {self.needed:g}"
            if lang == "zh"
            else f"at least {self.needed:g} points from {n}"
        )


Node = Criterion | Group


@dataclass(frozen=True, slots=True)
class Star:
    id: str
    index: int
    name: Text
    description: Text | None
    grant: Group
    vetoes: tuple[Criterion, ...]
    requires: tuple[str, ...]
    layer: Layer
    location: Location
    nodes: tuple[Node, ...] = field(default=())  # grant tree (pre-order) then vetoes


@dataclass(frozen=True, slots=True)
class Level:
    value: int
    name: Text
    when: CompiledExpression
    named_by: str | None
    layer: Layer


@dataclass(frozen=True, slots=True)
class RuleTree:
    """Everything a compiled ruleset knows; shared, never mutated."""

    id: str
    jurisdiction: str
    kind: str
    version: str
    effective_from: date
    effective_until: date | None
    title: Text
    layers: tuple[Layer, ...]
    sources: Mapping[str, Source]
    indicators: Mapping[str, IndicatorSpec]
    stars: tuple[Star, ...]
    levels: tuple[Level, ...] | None  # None: level = number of granted stars
    node_count: int
    fingerprint: str
    star_index: Mapping[str, int] = field(default_factory=dict)  # star id → position
    # Set when the loader compiled it (None otherwise): the texts a pickle holds, strings
    # shared with the base's tree, never copied.
    origin: Origin | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.star_index:
            object.__setattr__(self, "star_index", {s.id: s.index for s in self.stars})

    @property
    def texts(self) -> tuple[LayerText, ...]:
        """The text of every layer, base first, when the loader compiled it (else empty)."""
        return self.origin.texts if self.origin is not None else ()

    def pickled_origin(self) -> Origin:
        """The origin a pickle is made from; a StarrulesError when the tree has none."""
        if self.origin is None or not self.origin.texts:
            raise StarrulesError.of(None, "SR883", ruleset=f"{self.id}@{self.version}")
        return self.origin

    def descendants(self, group_id: str) -> list[str]:
        """The ids of every node inside a group (not the group itself)."""
        for star in self.stars:
            for node in star.nodes:
                if node.id == group_id and isinstance(node, Group):
                    out: list[str] = []
                    pending: list[Node] = list(node.items)
                    while pending:
                        item = pending.pop(0)
                        out.append(item.id)
                        if isinstance(item, Group):
                            pending.extend(item.items)
                    return out
        return []

    def star(self, star_id: str) -> Star:
        return self.stars[self.star_index[star_id]]

    def in_force(self, on: date) -> bool:
        if on < self.effective_from:
            return False
        return self.effective_until is None or on <= self.effective_until


def groups_above(star: Star) -> dict[int, tuple[int, ...]]:
    """Per criterion and veto of a star (by index): the indices of the groups above it,
    innermost first (a veto has none)."""
    by_id = {node.id: node for node in star.nodes}
    found: dict[int, tuple[int, ...]] = {}
    for node in star.nodes:
        if isinstance(node, Criterion):
            above: list[int] = []
            parent = node.parent
            while parent is not None:
                group = by_id[parent]
                above.append(group.index)
                parent = group.parent
            found[node.index] = tuple(above)
    return found


def requirements_first(stars: tuple[Star, ...]) -> list[Star]:
    """Stars ordered so that every required star comes before the stars requiring it
    (ruleset order otherwise). The compiler has already rejected cycles."""
    by_id = {s.id: s for s in stars}
    ordered: dict[str, Star] = {}

    def visit(star: Star) -> None:
        if star.id not in ordered:
            for required in star.requires:
                visit(by_id[required])
            ordered[star.id] = star

    for star in stars:
        visit(star)
    return list(ordered.values())


StatusName = Literal["granted", "denied", "undetermined"]
CriterionStatusName = Literal["pass", "fail", "unknown"]


# What a test case expects (`expect:` in a ruleset or test-case file): part of the file
# format (load/schema.py), defined here because a `TestCase` holds it. No docstring: it
# would become the description in the format's JSON Schema.
class ExpectDoc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    level: int | None = None
    level_min: int | None = None
    level_max: int | None = None
    stars: dict[str, StatusName] = Field(default_factory=dict)
    criteria: dict[str, CriterionStatusName] = Field(default_factory=dict)
    missing: list[str] | None = None
    ruleset: str | None = None  # 'id@version' of the layer expected on top, e.g. a county's


@dataclass(frozen=True, slots=True)
class TestCase:
    """An inline test case of a ruleset: a village and what the rules must conclude."""

    __test__ = False  # not a pytest class

    name: str
    village: Village
    on: date | None
    expect: ExpectDoc
    location: Location


def default_level_name(value: int) -> Text:
    """一星支部 … for the default rule (level = number of stars)."""
    numerals = "零一二三四五六七八九十"
    if value == 0:
        return Text(zh="未评星", en="No star")
    zh = numerals[value] if value <= 10 else str(value)
    return Text(zh=f"{zh}星", en=f"{value}-star")
