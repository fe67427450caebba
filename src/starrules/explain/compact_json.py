"""The compact record as one JSON line, written from fragments made once per ruleset.

`dumps(compact_record(...))` builds a dict per star and lets pydantic's serialiser walk it;
most of that line is the same for every village (keys, criterion ids, statuses drawn from
three words). `CompactWriter` encodes those parts once, with the same serialiser, and per
village joins them with what the village decided; every value the village brings (its
name, observed values, gaps, lists of ids) is still encoded by that serialiser. The bytes
are `dumps(compact_record(...))`'s, byte for byte (tests/test_compact_json.py holds them
together over generated villages and every shipped ruleset).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from operator import getitem, itemgetter
from typing import Final

from pydantic_core import to_json

from ..village import Village
from .records import COMPACT_FORMAT, Explanation, gaps_and_reasons, observed, village_ref
from .results import LevelResult
from .tables import JSON, NODE_STATUS, STAR_STATUS, RecordTables, Truth

_TRUTHS: Final = (True, False, None)


def _by_truth(prefix: bytes, words: dict[Truth, str]) -> dict[Truth, bytes]:
    """`prefix` followed by each outcome's word as a JSON string."""
    return {truth: prefix + to_json(words[truth]) for truth in _TRUTHS}


class _Star:
    """One star's constant fragments: `"id":{"status":…,"criteria":{…}`."""

    __slots__ = ("criteria", "index", "opening", "pick")

    def __init__(self, tables: RecordTables, index: int, star_id: str, first: bool) -> None:
        self.index = index
        comma = b"" if first else b","
        self.opening = _by_truth(comma + to_json(star_id) + b':{"status":', STAR_STATUS)
        ids, self.pick = tables.star_statuses[index]
        # per criterion: `"id":"pass"` (and fail, unknown), each after a comma but the first
        self.criteria = tuple(
            _by_truth((b"" if n == 0 else b",") + to_json(node_id) + b":", NODE_STATUS)
            for n, node_id in enumerate(ids)
        )


class CompactWriter:
    """The compact record's JSON bytes for one ruleset: built once, on first use, kept in
    its `RecordTables` and shared across threads (immutable once built)."""

    __slots__ = ("observed", "observed_order", "observed_slots", "ruleset", "stars")

    def __init__(self, tables: RecordTables) -> None:
        self.ruleset = b',"ruleset":' + to_json(tables.ruleset_key) + b',"level":{"value":'
        self.stars = tuple(
            _Star(tables, star.index, star.id, n == 0) for n, star in enumerate(tables.tree.stars)
        )
        # `observed`: a template with a slot (`%b`) for each value the criteria read, by
        # section; keys escaped for `%`.
        sections = [
            to_json(section).replace(b"%", b"%%")
            + b":{"
            + b",".join(to_json(name).replace(b"%", b"%%") + b":%b" for name in names)
            + b"}"
            for section, names, _, _ in tables.sections
        ]
        self.observed = b"{" + b",".join(sections) + b"}"
        self.observed_slots = len(tables.paths)
        # the sections are written in the order first read, their values fetched `extra` last
        order = [i for _, _, start, end in tables.sections for i in range(start, end)]
        self.observed_order: Callable[[list[bytes]], tuple[bytes, ...]] | None = (
            None if order == sorted(order) else itemgetter(*order)
        )

    def write(
        self,
        tables: RecordTables,
        village: Village,
        as_of: date,
        stars: list[Truth],
        level: LevelResult,
        ex: Explanation,
        *,
        ignored: list[JSON] | None = None,
    ) -> bytes:
        """`dumps(compact_record(...))`: the same bytes."""
        gaps, reasons = gaps_and_reasons(tables, ex)
        nodes = ex.nodes
        parts = [
            b'{"format":"' + COMPACT_FORMAT.encode() + b'","village":',
            to_json(village_ref(village)),
            b',"as_of":"' + as_of.isoformat().encode() + b'"',
            self.ruleset,
            b'%b,"min":%d,"max":%d},"stars":{'
            % (b"null" if level.value is None else b"%d" % level.value, level.min, level.max),
        ]
        for star in self.stars:
            i = star.index
            parts.append(star.opening[stars[i]])
            parts.append(b',"criteria":{')
            parts.extend(map(getitem, star.criteria, star.pick(nodes)))
            parts.append(b"}")
            # Empty maps and lists are left out, as compact_record leaves them out.
            if i in gaps:
                parts.append(b',"gaps":' + to_json(gaps[i]))
            if i in reasons:
                parts.append(b',"reasons":' + to_json(reasons[i]))
            if ex.vetoes[i]:
                parts.append(b',"vetoes":' + to_json(ex.vetoes[i]))
            if ex.unmet[i]:
                parts.append(b',"requires_unmet":' + to_json(ex.unmet[i]))
            if ex.missing[i]:
                parts.append(b',"missing":' + to_json(ex.missing[i]))
            parts.append(b"}")
        parts.append(b'},"observed":')
        parts.append(self._observed(tables, ex))
        parts.append(b',"missing":' + to_json(ex.all_missing))
        if ignored:
            parts.append(b',"ignored":' + to_json(ignored))
        parts.append(b"}")
        return b"".join(parts)

    def _observed(self, tables: RecordTables, ex: Explanation) -> bytes:
        encoded = to_json(ex.fetched)  # `[v1,v2,…]`: numbers, yes/no and null hold no comma
        values = encoded[1:-1].split(b",") if self.observed_slots else []
        if b'"' in encoded or len(values) != self.observed_slots:
            return to_json(observed(tables, ex))  # a text value may: the serialiser writes all
        if self.observed_order is not None:
            return self.observed % self.observed_order(values)
        return self.observed % tuple(values)


def compact_writer(tables: RecordTables) -> CompactWriter:
    """The ruleset's writer of compact lines, built on first use and kept in its tables."""
    writer: CompactWriter | None = tables.compact_writer
    if writer is None:  # two threads may both build it: equal, one is kept
        writer = tables.compact_writer = CompactWriter(tables)
    return writer
