"""The full record as JSON bytes, written from templates made once per ruleset.

Most of a full record is the same for every village: each criterion's text, source,
expression, layer and points, each star's name and layer. `FullWriter` has the serialiser
write each of those parts once, with a slot where a village's own value goes (`%b`), and per
village fills the slots with what the serialiser writes for that village's values (its
statuses, observed values, gaps, lists of ids, the next steps). The bytes are
`dumps(full_record(...))`'s, byte for byte (tests/test_full_json.py holds them together over
generated villages of every bundled ruleset); a village whose observed values hold text is
written by `dumps(full_record(...))` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any, Final

from pydantic_core import to_json

from .records import FULL_FORMAT, RecordParts, dumps, full_record, village_ref
from .tables import JSON, NODE_STATUS, STAR_STATUS, Leaf, RecordTables, Truth, text_json

_SLOT: Final = "\x00slot\x00"  # a value no record holds: where a village's value goes
_SLOT_JSON: Final = to_json(_SLOT)
# a criterion's detail when it passed, or failed with no gap
_NO_DETAIL: Final[tuple[Any, ...]] = (None, None, None, [], None)


def _template(data: Any) -> bytes:
    """`data` as the serialiser writes it, each `_SLOT` value a `%b` to fill."""
    return b"%b".join(part.replace(b"%", b"%%") for part in to_json(data).split(_SLOT_JSON))


def _words(words: dict[Truth, str]) -> dict[Truth, bytes]:
    return {truth: to_json(word) for truth, word in words.items()}


_NODE_WORDS: Final = _words(NODE_STATUS)
_STAR_WORDS: Final = _words(STAR_STATUS)


class _Criterion:
    """One rule node's templates: a group's three finished forms (it has no detail), or a
    criterion's templates with slots for its status and observed values, and for its gap
    (with its limit and target) or its whole detail."""

    __slots__ = ("detail", "fixed", "gap", "limit", "observed", "pick", "plain")

    def __init__(self, template: JSON, leaf: Leaf | None, position: dict[str, int]) -> None:
        if leaf is None:
            self.fixed: dict[Truth, bytes] | None = {
                truth: to_json({**template, "status": word}) for truth, word in NODE_STATUS.items()
            }
            return
        self.fixed = None
        reads = tuple(dict.fromkeys(leaf.reads))
        self.observed = _template(dict.fromkeys(reads, _SLOT))
        self.pick = _picker(tuple(position[path] for path in reads))
        slots = {"status": _SLOT, "observed": _SLOT}
        self.plain = _template({**template, **slots})
        self.limit = (leaf.limit, leaf.target)  # and its target: what a gap comes with
        self.gap = _template(
            {**template, **slots, "gap": _SLOT, "limit": leaf.limit, "target": leaf.target}
        )
        detail = dict.fromkeys(("gap", "limit", "target", "missing", "reason"), _SLOT)
        self.detail = _template({**template, **slots, **detail})

    def write(self, truth: Truth, values: list[bytes], detail: tuple[Any, ...] | None) -> bytes:
        if self.fixed is not None:
            return self.fixed[truth]
        word, observed = _NODE_WORDS[truth], self.observed % self.pick(values)
        if detail is None or detail == _NO_DETAIL:
            return self.plain % (word, observed)
        gap, limit, target, missing, reason = detail
        if gap is not None and (limit, target) == self.limit and not missing and reason is None:
            return self.gap % (word, observed, to_json(gap))
        return self.detail % (word, observed, *map(to_json, detail))


class _Star:
    __slots__ = ("index", "nodes", "template")

    def __init__(self, tables: RecordTables, index: int, position: dict[str, int]) -> None:
        self.index = index
        star = tables.tree.stars[index]
        star_id, name, requires, layer = tables.star_static[index]
        self.template = (
            to_json(star_id)
            + b":"
            + _template(
                {
                    "id": star_id,
                    "name": name,
                    "status": _SLOT,
                    "criteria": _SLOT,
                    "vetoes": _SLOT,
                    "requires": requires,
                    "requires_unmet": _SLOT,
                    "missing": _SLOT,
                    "layer": layer,
                }
            )
        )
        self.nodes = tuple(
            (
                node.index,
                _Criterion(tables.templates[node.index], tables.leaves.get(node.index), position),
            )
            for node in star.nodes
        )


class FullWriter:
    """The full record's JSON bytes for one ruleset: built once, on first use, kept in its
    `RecordTables` and shared across threads (immutable once built)."""

    __slots__ = ("head", "ruleset", "slots", "stars")

    def __init__(self, tables: RecordTables) -> None:
        position = {path: i for i, path in enumerate(tables.paths)}
        self.slots = len(tables.paths)
        self.stars = tuple(_Star(tables, star.index, position) for star in tables.tree.stars)
        self.head = _template(
            {
                "format": FULL_FORMAT,
                "village": _SLOT,
                "as_of": _SLOT,
                "ruleset": tables.ruleset_full,
                "stars": _SLOT,
                "level": _SLOT,
                "missing": _SLOT,
                "next_steps": _SLOT,
                "ignored": _SLOT,
            }
        )

    def write(
        self, parts: RecordParts, *, next_steps: JSON | None, ignored: list[JSON] | None
    ) -> bytes:
        """`dumps(full_record(*parts, ...))`: the same bytes."""
        _, village, as_of, stars, level, ex = parts
        encoded = to_json(ex.fetched)  # `[v1,v2,…]`: numbers, yes/no and null hold no comma
        values = encoded[1:-1].split(b",") if self.slots else []
        if b'"' in encoded or len(values) != self.slots:  # text may: the serialiser writes all
            return dumps(full_record(*parts, next_steps=next_steps, ignored=ignored))
        nodes, details = ex.nodes, ex.details
        written = []
        for star in self.stars:
            i = star.index
            criteria = b",".join(
                [
                    criterion.write(nodes[index], values, details.get(index))
                    for index, criterion in star.nodes
                ]
            )
            written.append(
                star.template
                % (
                    _STAR_WORDS[stars[i]],
                    b"[" + criteria + b"]",
                    to_json(ex.vetoes[i]),
                    to_json(ex.unmet[i]),
                    to_json(ex.missing[i]),
                )
            )
        level_data = {
            "value": level.value,
            "min": level.min,
            "max": level.max,
            "name": text_json(level.name),
            "named_by": level.named_by,
        }
        return self.head % (
            to_json(village_ref(village)),
            to_json(as_of.isoformat()),
            b"{" + b",".join(written) + b"}",
            to_json(level_data),
            to_json(ex.all_missing),
            to_json(next_steps),
            to_json(ignored or []),
        )


def _picker(positions: tuple[int, ...]) -> Callable[[list[bytes]], tuple[bytes, ...]]:
    if len(positions) > 1:
        return itemgetter(*positions)
    if positions:
        (only,) = positions
        return lambda values: (values[only],)
    return lambda values: ()


def full_writer(tables: RecordTables) -> FullWriter:
    """The ruleset's writer of full records, built on first use and kept in its tables."""
    writer: FullWriter | None = tables.full_writer
    if writer is None:  # two threads may both build it: equal, one is kept
        writer = tables.full_writer = FullWriter(tables)
    return writer
