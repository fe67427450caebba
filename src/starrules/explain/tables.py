"""The parts of every record that depend on the rules alone (`RecordTables`), built once per
ruleset and shared by every assessment of it, across threads: texts, sources, layers,
expressions, targets and the indicators each criterion reads, and the catalogue a compact
record names by fingerprint.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from ..i18n import Text
from ..rules import Criterion, Group, Node, RuleTree, default_level_name, requirements_first
from ..village import Village

CATALOGUE_FORMAT: Final = "catalogue/1"

Truth = bool | None
JSON = dict[str, Any]
STAR_STATUS: Final = {True: "granted", False: "denied", None: "undetermined"}
NODE_STATUS: Final = {True: "pass", False: "fail", None: "unknown"}

# What a criterion that did not pass adds: gap, limit, target, missing inputs, reason.
CriterionDetail = tuple[float | None, float | None, str | None, list[str], str | None]
PASSED: Final[CriterionDetail] = (None, None, None, [], None)


def text_json(text: Text | None) -> JSON | None:
    return None if text is None else {"zh": text.zh, "en": text.en}


def _float(value: float | None) -> float | None:
    # The result models declare these as floats: an int as written dumps as 2.0 there.
    return None if value is None else float(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


@dataclass(frozen=True, slots=True)
class Leaf:
    """What explaining one criterion needs, taken from the rules once."""

    node: Criterion
    reads: tuple[str, ...]  # the indicator paths, in the order of `observed`
    want: bool  # the outcome of the test that passes (a veto passes when it does not hold)
    limit: float | None
    target: str | None
    # a threshold test's `village_gap`: how far its subject must move to pass
    gap: Callable[[Village], float | None] | None


class RecordTables:
    """The parts of every record that depend on the rules alone, built once per ruleset.

    Immutable once built; shared by every assessment of the ruleset, across threads.
    """

    __slots__ = (
        "catalogue",
        "compact_writer",
        "descendants",
        "fetch",
        "full_writer",
        "guide",
        "id_of",
        "leaves",
        "model_templates",
        "order",
        "paths",
        "pick_leaves",
        "ruleset_full",
        "ruleset_key",
        "sections",
        "star_of",
        "star_requires",
        "star_static",
        "star_statuses",
        "star_vetoes",
        "templates",
        "tree",
    )

    def __init__(self, tree: RuleTree) -> None:
        self.tree = tree
        # guide_tables.py's own tables (GuideTables), built there on first use
        self.guide: Any = None
        # compact_json.py's writer of the compact line (CompactWriter), built there likewise
        self.compact_writer: Any = None
        # and full_json.py's writer of full records (FullWriter)
        self.full_writer: Any = None
        self.order = tuple(requirements_first(tree.stars))
        self.leaves: dict[int, Leaf] = {}
        self.templates: dict[int, JSON] = {}  # full-record criterion fields, per node index
        self.model_templates: dict[int, JSON] = {}  # the same for a `CriterionResult`
        criteria: JSON = {}
        stars: JSON = {}
        for star in tree.stars:
            stars[star.id] = {
                "name": text_json(star.name),
                "layer": star.layer.ref,
                "requires": list(star.requires),
                "criteria": [node.id for node in star.nodes],
            }
            for node in star.nodes:
                self.templates[node.index] = self._template(node)
                self.model_templates[node.index] = {**self.templates[node.index], "text": node.text}
                entry = {k: v for k, v in self.templates[node.index].items() if k not in _DYNAMIC}
                entry = {"star": star.id, **entry}
                if isinstance(node, Criterion):
                    leaf = self._leaf(node)
                    self.leaves[node.index] = leaf
                    entry["reads"] = list(leaf.reads)
                    entry["limit"] = leaf.limit
                    entry["target"] = leaf.target
                criteria[node.id] = entry
        # Every indicator the criteria read, once, by section, in the order first read; all
        # their values are fetched in one call (`fetch`: a tuple in the order of `paths`),
        # and `sections` says where each section's run of them lies: (section, names,
        # start, end).
        by_section: dict[str, dict[str, str]] = {}
        for leaf in self.leaves.values():
            for path in leaf.reads:
                section, _, name = path.partition(".")
                by_section.setdefault(section, {})[name] = path
        # (`extra` fetched last, by key: the sections keep their order, each a run of `paths`)
        fetched = [s for s in by_section if s != "extra"] + [s for s in by_section if s == "extra"]
        self.paths = tuple(path for s in fetched for path in by_section[s].values())
        self.fetch = _fetcher(self.paths)
        starts: dict[str, int] = {}
        position = 0
        for section in fetched:
            starts[section] = position
            position += len(by_section[section])
        self.sections = tuple(
            (section, tuple(names), starts[section], starts[section] + len(names))
            for section, names in by_section.items()
        )
        # Every criterion's index and a getter of their outcomes, in the order of `leaves`:
        # an explanation visits only those that did not pass.
        self.pick_leaves = (tuple(self.leaves), _picker(tuple(self.leaves)))
        # Per star: its vetoes (node index, id) and the stars it requires (star index, id).
        self.star_vetoes = {
            star.index: tuple((veto.index, veto.id) for veto in star.vetoes) for star in tree.stars
        }
        self.star_requires = {
            star.index: tuple((tree.star_index[r], r) for r in star.requires) for star in tree.stars
        }
        self.star_of = {node.index: star.index for star in tree.stars for node in star.nodes}
        self.id_of = {node.index: node.id for star in tree.stars for node in star.nodes}
        # Per star: its node ids, and a getter of their outcomes (always a tuple).
        self.star_statuses = {
            star.index: (
                tuple(node.id for node in star.nodes),
                _picker(tuple(node.index for node in star.nodes)),
            )
            for star in tree.stars
        }
        self.descendants = {
            node.id: [self._index_of(i) for i in tree.descendants(node.id)]
            for star in tree.stars
            for node in star.nodes
            if isinstance(node, Group)
        }
        self.star_static = {
            star.index: (star.id, text_json(star.name), list(star.requires), star.layer.ref)
            for star in tree.stars
        }
        layers = [
            {"id": la.id, "version": la.version, "jurisdiction": la.jurisdiction}
            for la in tree.layers
        ]
        self.ruleset_full: JSON = {
            "id": tree.id,
            "version": tree.version,
            "jurisdiction": tree.jurisdiction,
            "kind": tree.kind,
            "layers": layers,
            "fingerprint": tree.fingerprint,
        }
        self.ruleset_key: JSON = {
            "id": tree.id,
            "version": tree.version,
            "fingerprint": tree.fingerprint,
        }
        self.catalogue: JSON = {
            "format": CATALOGUE_FORMAT,
            "fingerprint": tree.fingerprint,
            "id": tree.id,
            "version": tree.version,
            "jurisdiction": tree.jurisdiction,
            "kind": tree.kind,
            "title": text_json(tree.title),
            "layers": [
                {**la, "ref": layer.ref} for la, layer in zip(layers, tree.layers, strict=True)
            ],
            "sources": {
                s.id: {
                    "title": s.title,
                    "date": s.date.isoformat() if s.date else None,
                    "url": s.url,
                    "note": s.note,
                }
                for s in tree.sources.values()
            },
            "stars": stars,
            "criteria": criteria,
            "levels": _levels(tree),
        }

    def _index_of(self, node_id: str) -> int:
        for star in self.tree.stars:
            for node in star.nodes:
                if node.id == node_id:
                    return node.index
        raise KeyError(node_id)

    @staticmethod
    def _template(node: Node) -> JSON:
        """The fields of a `CriterionResult`, in its order, the dynamic ones unset."""
        return {
            "id": node.id,
            "kind": node.kind,
            "status": None,
            "parent": node.parent,
            "expression": None if isinstance(node, Group) else node.test.source,
            "rule": node.rule if isinstance(node, Group) else None,
            "needed": _float(node.needed) if isinstance(node, Group) else None,
            "observed": {},
            "text": text_json(node.text),
            "source": None if isinstance(node, Group) else node.source,
            "provisional": False if isinstance(node, Group) else node.provisional,
            "note": None if isinstance(node, Group) else node.note,
            "points": _float(node.points),
            "layer": node.layer.ref,
            "gap": None,
            "limit": None,
            "target": None,
            "missing": [],
            "reason": None,
        }

    @staticmethod
    def _leaf(node: Criterion) -> Leaf:
        threshold = node.test.threshold
        want = node.kind != "veto"
        limit = target = gap = None
        if threshold is not None:
            limit = float(threshold.limit)
            target = f"{threshold.needed(want)} {_number(threshold.limit)}"
            gap = threshold.village_gap(want)
        reads = tuple(path for path, _ in node.test.getters)
        return Leaf(node, reads, want, limit, target, gap)


def _picker(indices: tuple[int, ...]) -> Callable[[list[Truth]], tuple[Truth, ...]]:
    if not indices:
        return lambda nodes: ()
    pick = operator.itemgetter(*indices)
    if len(indices) == 1:
        return lambda nodes: (pick(nodes),)
    return pick


def _fetcher(paths: tuple[str, ...]) -> Callable[[Village], tuple[Any, ...]]:
    """The values of these indicators of a village, as a tuple: the sections' in one call,
    then the `extra.` ones (which come last) by key."""
    plain = tuple(path for path in paths if not path.startswith("extra."))
    keys = tuple(path.removeprefix("extra.") for path in paths[len(plain) :])
    fetch = _fetch_plain(plain)
    if not keys:
        return fetch
    return lambda village: (*fetch(village), *map(village.extra.get, keys))


def _fetch_plain(paths: tuple[str, ...]) -> Callable[[Village], tuple[Any, ...]]:
    if len(paths) > 1:
        return operator.attrgetter(*paths)
    if paths:
        get = operator.attrgetter(paths[0])
        return lambda village: (get(village),)
    return lambda village: ()


_DYNAMIC: Final = frozenset(
    {"status", "observed", "gap", "limit", "target", "missing", "reason", "id"}
)


def _levels(tree: RuleTree) -> JSON:
    if tree.levels is None:
        return {
            str(v): {"name": text_json(default_level_name(v)), "named_by": None}
            for v in range(len(tree.stars) + 1)
        }
    levels: JSON = {"0": {"name": text_json(default_level_name(0)), "named_by": None}}
    for level in sorted(tree.levels, key=lambda la: la.value):
        levels[str(level.value)] = {"name": text_json(level.name), "named_by": level.named_by}
    return levels
