"""The columns a spreadsheet of villages may have, and what a header names.

A header names a column by an indicator's path (`industry.collective_income`, `extra.x`), or
by its Chinese or English label from the catalogue (`村集体经济年收入`, `Village collective
income a year`); the identity columns have labels too (`村名`, `辖区` …). Labels match whatever
their quotes, spaces, letter case or full-width forms, with or without a unit in brackets at
the end (`村集体经济年收入（元）`). Also the columns a ruleset's template has, and their labels
(for the sheets starrules writes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import did_you_mean
from ..i18n import Lang, Text
from ..indicators import IndicatorKind, IndicatorSpec
from ..village import STANDARD_INDICATORS


@dataclass(frozen=True, slots=True)
class _Identity:
    """An identity column: its field, its label and other headers that name it."""

    path: str
    label: Text
    aliases: tuple[str, ...]


IDENTITY: tuple[_Identity, ...] = (
    _Identity(
        "code", Text(zh="统计用区划代码", en="Division code"), ("区划代码", "代码", "村代码")
    ),
    _Identity("name", Text(zh="村名", en="Village"), ("村", "村名称", "名称", "村庄", "Name")),
    _Identity("township", Text(zh="乡镇", en="Township"), ("乡镇（街道）", "乡（镇）", "镇")),
    _Identity("jurisdiction", Text(zh="辖区", en="Jurisdiction"), ("行政区划",)),
    _Identity("kind", Text(zh="类型", en="Kind"), ("村类型", "Type")),
    _Identity(
        "as_of", Text(zh="数据截止日期", en="As of"), ("截止日期", "数据日期", "日期", "Date")
    ),
)
IDENTITY_PATHS: tuple[str, ...] = tuple(i.path for i in IDENTITY)
REQUIRED: tuple[str, ...] = ("name", "jurisdiction", "kind")

_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』《》〈〉`")
_UNIT = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def _norm(text: str) -> str:
    """A header as matched: full-width forms folded, no quotes, no spaces, any case."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return "".join(folded.split())


@dataclass(frozen=True, slots=True)
class ColumnTarget:
    """What a column holds: a path, and the kind of indicator its cells are read as."""

    path: str
    kind: IndicatorKind | None  # None: an identity column, or an undeclared extra


class Headers:
    """What header texts name: paths, Chinese and English labels, identity aliases."""

    def __init__(self, specs: Iterable[IndicatorSpec] = ()) -> None:
        self.targets: dict[str, ColumnTarget] = {}
        self.labels: dict[str, Text] = {}
        self._names: dict[str, set[str]] = {}
        self._shown: list[str] = []
        for identity in IDENTITY:
            self.targets[identity.path] = ColumnTarget(identity.path, None)
            self.labels[identity.path] = identity.label
            self._name(identity.path, identity.path, identity.label.zh, identity.label.en)
            self._name(identity.path, *identity.aliases)
        self.add(STANDARD_INDICATORS.values())
        self.add(specs)

    def add(self, specs: Iterable[IndicatorSpec]) -> None:
        for spec in specs:
            known = self.targets.get(spec.path)
            if known is None:
                self.targets[spec.path] = ColumnTarget(spec.path, spec.kind)
                self.labels[spec.path] = spec.label
            elif known.kind is not spec.kind:  # declared differently by two rulesets
                self.targets[spec.path] = ColumnTarget(spec.path, None)
            self._name(spec.path, spec.path, spec.label.zh, spec.label.en)

    def _name(self, path: str, *names: str) -> None:
        for name in names:
            key = _norm(name)
            self._names.setdefault(key, set()).add(path)
            if name not in self._shown:
                self._shown.append(name)

    def resolve(self, header: str) -> str | set[str] | None:
        """The path a header names; a set of paths when it is ambiguous; None if unknown."""
        text = header.strip()
        if text.startswith("extra.") and len(text) > len("extra."):
            return text
        for candidate in (text, _UNIT.sub("", text)):
            paths = self._names.get(_norm(candidate))
            if paths:
                return next(iter(paths)) if len(paths) == 1 else set(paths)
        return None

    def target(self, path: str) -> ColumnTarget:
        return self.targets.get(path) or ColumnTarget(path, None)

    def suggest(self, header: str) -> str | None:
        return did_you_mean(header.strip(), self._shown)


def bundled_indicators() -> list[IndicatorSpec]:
    """The `extra` indicators declared by the bundled rulesets (and plug-ins')."""
    from ..load.registry import Registry  # only when a header is not a standard one

    return indicators_of(rs.tree.indicators for rs in Registry.default().rulesets)


def indicators_of(catalogues: Iterable[Mapping[str, IndicatorSpec]]) -> list[IndicatorSpec]:
    """The indicators that are not standard in some rulesets' catalogues, each once."""
    seen: dict[tuple[str, str, str, str], IndicatorSpec] = {}
    for catalogue in catalogues:
        for spec in catalogue.values():
            if spec.path not in STANDARD_INDICATORS:
                seen.setdefault((spec.path, spec.kind, spec.label.zh, spec.label.en), spec)
    return list(seen.values())


def template_columns(ruleset: Any) -> list[str]:
    """The columns a ruleset needs: the identity columns, then every indicator its criteria
    (and level conditions) read, in catalogue order. `ruleset`: a `Ruleset`."""
    tree = ruleset.tree
    read: set[str] = set()
    for star in tree.stars:
        for node in star.nodes:
            test = getattr(node, "test", None)
            if test is not None:
                read.update(path for path, _ in test.getters)
    for level in tree.levels or ():
        read.update(path for path, _ in level.when.getters)
    indicators = [path for path in tree.indicators if path in read]
    indicators += sorted(read - set(indicators) - set(IDENTITY_PATHS))
    return [*IDENTITY_PATHS, *indicators]


def column_label(path: str, lang: Lang, labels: Mapping[str, IndicatorSpec]) -> str:
    """The header of a column in a language: the label of an identity field or indicator."""
    for identity in IDENTITY:
        if identity.path == path:
            return identity.label(lang)
    spec = labels.get(path) or STANDARD_INDICATORS.get(path)
    return spec.label(lang) if spec is not None else path


__all__ = [
    "IDENTITY",
    "IDENTITY_PATHS",
    "REQUIRED",
    "ColumnTarget",
    "Headers",
    "bundled_indicators",
    "column_label",
    "indicators_of",
    "template_columns",
]
