"""A table of villages rated by the columnar engine, counted into a report.

The counts are those `ReportBuilder.add` makes one assessment at a time, made here a
pattern of outcomes at a time: the villages of a group that share a star's node outcomes
share what that star says (the criteria holding it back, its only gap, its cost), so each
pattern is decided once (RuleFacts.facts, as for assessments) and counted with its number
of villages. The nearest villages are chosen from the outcomes too; only the few kept
are rated again by the row engine, for their `next_steps()`. Rulesets with their own
levels need `next_steps()` for every village below the top level: those villages are
rated by the row engine (correct, not faster).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from ..columnar import Rated, rate, status_codes
from ..columnar.arrow import require
from ..columnar.tables import village_of_row
from ..errors import InputError
from ..explain.assessment import Assessment
from ..expr import FunctionSpec
from ..rules import RuleTree
from ..village import Village
from .facts import FAR, RuleFacts
from .results import Truth
from .tally import GroupKey, Near, Tally

if TYPE_CHECKING:
    from ..ruleset import Ruleset


class ReportBuilder(Protocol):
    """What counting a table needs of the builder (builder.py), which calls this module."""

    nearest: int

    @property
    def counts_targets(self) -> bool: ...
    def rules_of(self, tree: RuleTree) -> RuleFacts: ...
    def key_of(self, township: str | None, jurisdiction: str) -> GroupKey: ...
    def tally(self, key: GroupKey, row: int, rules: RuleFacts) -> Tally: ...
    def would_keep(self, tally: Tally, rank: tuple[int, int, int]) -> bool: ...
    def keep_near(self, tally: Tally, entry: Near) -> None: ...
    def near_of(
        self,
        assessment: Assessment,
        rules: RuleFacts,
        stars: list[Truth],
        costs: dict[int, int | None],
        tally: Tally,
        row: int,
    ) -> None: ...
    def count_targets(
        self, place: str, township: str | None, low: int, high: int, villages: int = 1
    ) -> None: ...
    def saw_rows(self, rows: int) -> None: ...


pa = require("pyarrow")
pc = require("pyarrow.compute")

_TRUTH: tuple[Truth, ...] = (True, False, None)  # by status code: 0 pass, 1 fail, 2 unknown
_WIDE = 39  # node outcomes per star that fit one int64 code (3**39 < 2**63)
_FAR = FAR


def add_table(
    builder: ReportBuilder,
    table: Any,
    ruleset: Ruleset,
    *,
    on: date | None = None,
    check_dates: bool = True,
    strict: bool = False,
    row_offset: int = 0,
    rows: Sequence[int] | None = None,
    functions: Mapping[str, FunctionSpec] | None = None,
) -> None:
    """Count a table of villages judged by `ruleset` (see `ReportBuilder.add_table`);
    `rows`: each village's place in the whole input (default: from `row_offset` on)."""
    tree = ruleset.tree
    rated = rate(tree, table, on=on, check_dates=check_dates, strict=strict, functions=functions)
    rules = builder.rules_of(tree)
    places = None if rows is None else list(rows)
    if places is not None and len(places) != rated.villages.length:
        raise InputError.of(None, "SR843", count=len(places), villages=rated.villages.length)

    def again(village: Village) -> Assessment:  # the few villages shown get explained
        return ruleset.evaluate(village, on, check_dates=check_dates, strict=strict)

    for start, length, outcome in rated.batches:
        if length == 0:
            continue
        batch = _Batch(builder, rules, rated, again, start, length, outcome, row_offset, places)
        batch.count()
        builder.saw_rows(batch.position(length - 1) + 1)


class _Batch:
    """One batch's counts, added to the builder's tallies."""

    def __init__(
        self,
        builder: ReportBuilder,
        rules: RuleFacts,
        rated: Rated,
        again: Callable[[Village], Assessment],
        start: int,
        length: int,
        outcome: Any,
        row_offset: int,
        rows: list[int] | None,
    ) -> None:
        self.builder = builder
        self.rules = rules
        self.tree = tree = rated.program.tree
        self.rated = rated
        self.again = again
        identity = rated.villages.identity
        self.start = start
        self.n = length
        self.outcome = outcome
        self.first_row = row_offset + start  # the input row of this batch's first village
        self.rows = rows  # or each village's row in the input, when not consecutive
        townships = _strings(identity.get("township"), start, length)
        places = _strings(identity.get("jurisdiction"), start, length, tree.jurisdiction)
        self.places, self.townships = places, townships
        # Each village's group, as a code, decided once per (township, place) found: the
        # groups in the order of their first village (`unique` keeps that order).
        pairs = _pair_codes(townships, places)
        found = pc.unique(pairs)
        keys: dict[tuple[str | None, str | None], int] = {}
        codes: list[int] = []
        self.group_of: list[Tally] = []
        for row in pc.index_in(found, value_set=pairs).to_pylist():
            key = builder.key_of(townships[row].as_py(), places[row].as_py())
            code = keys.get(key)
            if code is None:
                code = keys[key] = len(keys)
                self.group_of.append(builder.tally(key, self.position(row), rules))
            codes.append(code)
        self.key = pc.take(pa.array(codes, pa.int32()), pc.index_in(pairs, value_set=found))
        self.stars = [status_codes(s) for s in outcome.stars]
        self.nodes = [None if n is None else status_codes(n) for n in outcome.nodes]

    def position(self, row: int) -> int:
        """Where the batch's village `row` stands in the whole input."""
        if self.rows is not None:
            return self.rows[self.start + row]
        return self.first_row + row

    def count(self) -> None:
        self._stars_and_levels()
        costs = self._facts()
        self._missing()
        if self.rules.custom_levels:
            self._near_by_row_engine()
        else:
            self._near(costs)
        self._targets()

    def _stars_and_levels(self) -> None:
        rules = self.rules
        names = [f"s{i}" for i in range(len(self.stars))]
        table = pa.table(
            {
                "key": self.key,
                **dict(zip(names, self.stars, strict=True)),
                "low": self.outcome.level_min,
                "high": self.outcome.level_max,
            }
        )
        counts = table.group_by(["key", *names, "low", "high"], use_threads=False).aggregate(
            [("key", "count")]
        )
        for row in counts.to_pylist():
            tally = self.group_of[row["key"]]
            villages = row["key_count"]
            tally.villages += villages
            statuses = [row[name] for name in names]
            for sid, code in zip(rules.star_ids, statuses, strict=True):
                tally.star_counts[sid][code] += villages
            low, high = row["low"], row["high"]
            tally.level_pairs[(low, high)] += villages
            if low != high:
                tally.undetermined += villages
            else:
                tally.checked_villages += villages
                tally.checked_levels += low * villages
                tally.checked_stars += statuses.count(0) * villages

    def _facts(self) -> list[Any]:
        """Per star, the criteria holding it back and its only gap, counted; returns each
        village's cost of the star (its own criteria to change; null: blocked)."""
        rules, tree = self.rules, self.tree
        costs: list[Any] = []
        for star in tree.stars:
            i = star.index
            indices = [node.index for node in star.nodes]
            pattern = _pattern([self.nodes[k] for k in indices])
            held = pc.equal(self.stars[i], 0)
            required_held: Any = pa.scalar(True)
            for r in rules.requires[i]:
                required_held = pc.and_(required_held, pc.equal(self.stars[r], 0))
            table = pa.table(
                {
                    "key": self.key,
                    "pattern": pattern,
                    "status": self.stars[i],
                    "required": _broadcast(required_held, self.n),
                }
            ).filter(pc.invert(held))
            counts = table.group_by(
                ["key", "pattern", "status", "required"], use_threads=False
            ).aggregate([("key", "count")])
            facts: dict[Any, Any] = {}
            for row in counts.to_pylist():
                code = row["pattern"]
                found = facts.get(code)
                if found is None:
                    found = facts[code] = rules.facts(i, _nodes(code, indices, tree.node_count))
                failing_ids, gap, _ = found
                tally = self.group_of[row["key"]]
                villages = row["key_count"]
                for cid in failing_ids:
                    tally.failing[cid] += villages
                if gap is not None and row["status"] == 1 and row["required"]:
                    tally.only_gap[gap] += villages
            # Each village's cost of this star, looked up by its pattern.
            codes = list(facts)
            cost_of = pa.array([facts[c][2] for c in codes], pa.int64())
            where = pc.index_in(pattern, value_set=pa.array(codes, pattern.type))
            costs.append(pc.if_else(held, pa.scalar(None, pa.int64()), pc.take(cost_of, where)))
        return costs

    def _missing(self) -> None:
        """Per group, the unknown indicators that could decide a star or the level, in the
        order of their first village (and, in it, the order `Assessment.missing` gives)."""
        firsts: dict[int, dict[str, tuple[int, int]]] = {}  # group → path → (row, villages)
        for path, mask in self.outcome.unknown.items():
            rows = pc.indices_nonzero(mask)
            if len(rows) == 0:
                continue
            table = pa.table({"key": pc.take(self.key, rows), "row": rows})
            grouped = table.group_by("key", use_threads=False).aggregate(
                [("row", "min"), ("row", "count")]
            )
            for row in grouped.to_pylist():
                firsts.setdefault(row["key"], {})[path] = (row["row_min"], row["row_count"])
        order_in_row: dict[int, list[str]] = {}
        for key, paths in firsts.items():
            tally = self.group_of[key]
            for path, (row, villages) in paths.items():
                tally.missing[path] += villages
                place = 0
                if sum(1 for r, _ in paths.values() if r == row) > 1:  # a tie: whose first?
                    order = order_in_row.get(row)
                    if order is None:
                        order = order_in_row[row] = self._assessment(row).missing
                    place = order.index(path)
                tally.first_missing(path, (self.position(row), place))

    def _near(self, costs: list[Any]) -> None:
        """Under the default level rule: each village's distance to its next level, from
        its stars and their costs (RuleFacts.distance), decided once per combination."""
        rules = self.rules
        low = self.outcome.level_min
        # One code per village for (its stars, their costs, its level): costs cut at FAR,
        # which leaves every distance up to 2 as it is.
        combo: Any = pc.cast(low, pa.int64())
        for status, cost in zip(self.stars, costs, strict=True):
            cost = pc.fill_null(pc.min_element_wise(cost, _FAR), _FAR + 1)
            combo = pc.add(pc.multiply(combo, 3), pc.cast(status, pa.int64()))
            combo = pc.add(pc.multiply(combo, _FAR + 2), cost)
        combo = pc.if_else(pc.less(low, rules.top_level), combo, pa.scalar(None, pa.int64()))
        combos = pc.unique(pc.drop_null(combo)).to_pylist()
        if not combos:
            return
        distance = pa.array([self._distance(code) for code in combos], pa.int64())
        steps = pc.take(distance, pc.index_in(combo, value_set=pa.array(combos, pa.int64())))
        near = pa.table(
            {
                "key": self.key,
                "distance": steps,
                "goal": pc.add(pc.cast(low, pa.int64()), 1),
                "row": pa.array(range(self.n), pa.int64()),
            }
        ).filter(pc.fill_null(pc.is_in(steps, value_set=pa.array([1, 2], pa.int64())), False))
        if near.num_rows == 0:
            return
        counts = near.group_by(["key", "distance"], use_threads=False).aggregate([("key", "count")])
        for row in counts.to_pylist():
            tally = self.group_of[row["key"]]
            if row["distance"] == 1:
                tally.one_away += row["key_count"]
            else:
                tally.two_away += row["key_count"]
        if self.builder.nearest == 0:
            return
        # Each group's nearest, as `ReportBuilder.keep_near` orders them: fewest criteria
        # away, then the highest level aimed at, then the earliest in the input.
        ordered = near.sort_by(
            [
                ("key", "ascending"),
                ("distance", "ascending"),
                ("goal", "descending"),
                ("row", "ascending"),
            ]
        )
        kept: dict[int, int] = {}
        wanted = self.builder.nearest
        for key, steps_away, goal, row in zip(
            ordered.column("key").to_pylist(),
            ordered.column("distance").to_pylist(),
            ordered.column("goal").to_pylist(),
            ordered.column("row").to_pylist(),
            strict=True,
        ):
            if kept.get(key, 0) >= wanted:
                continue
            kept[key] = kept.get(key, 0) + 1
            tally = self.group_of[key]
            rank = (-steps_away, goal, -self.position(row))
            if self.builder.would_keep(tally, rank):
                self.builder.keep_near(tally, (*rank, self._assessment(row)))

    def _distance(self, code: int) -> int | None:
        """RuleFacts.distance of a combination's code (see `_near`)."""
        stars: list[Truth] = []
        costs: dict[int, int | None] = {}
        for i in reversed(range(len(self.stars))):
            code, cost = divmod(code, _FAR + 2)
            code, status = divmod(code, 3)
            stars.append(_TRUTH[status])
            if _TRUTH[status] is not True:
                costs[i] = None if cost == _FAR + 1 else cost
        stars.reverse()
        return self.rules.distance(stars, costs, code)

    def _near_by_row_engine(self) -> None:
        """A ruleset's own levels: the distance is `next_steps()`'s, village by village."""
        low = self.outcome.level_min.to_pylist()
        for row in range(self.n):
            if low[row] >= self.rules.top_level:
                continue
            assessment = self._assessment(row)
            tally = self.group_of[self.key[row].as_py()]
            self.builder.near_of(assessment, self.rules, [], {}, tally, self.position(row))

    def _targets(self) -> None:
        if not self.builder.counts_targets:
            return
        table = pa.table(
            {
                "place": self.places,
                "township": self.townships,
                "low": self.outcome.level_min,
                "high": self.outcome.level_max,
            }
        )
        counts = table.group_by(["place", "township", "low", "high"], use_threads=False).aggregate(
            [("low", "count")]
        )
        for row in counts.to_pylist():
            self.builder.count_targets(
                row["place"], row["township"], row["low"], row["high"], row["low_count"]
            )

    def _assessment(self, row: int) -> Any:
        """The row engine's assessment of one village of the batch."""
        return self.again(village_of_row(self.rated.villages, self.start + row, self.tree))


def _strings(column: Any, start: int, length: int, default: str | None = None) -> Any:
    """The batch's rows of an identity column as one string array (`default` for nulls)."""
    if column is None:
        return pa.repeat(pa.scalar(default, pa.string()), length)
    values = column.slice(start, length).combine_chunks().cast(pa.string())
    return values if default is None else pc.fill_null(values, default)


def _pair_codes(first: Any, second: Any) -> Any:
    """One int64 per row for the pair of strings (nulls included) it holds."""
    codes = []
    for values in (first, second):
        encoded = pc.dictionary_encode(values)
        codes.append(pc.fill_null(encoded.indices.cast(pa.int64()), len(encoded.dictionary)))
    width = pc.max(codes[1]).as_py() or 0
    return pc.add(pc.multiply(codes[0], width + 1), codes[1])


def _pattern(codes: list[Any]) -> Any:
    """One key per village for these node outcomes: an int64 code, or text when too many."""
    if len(codes) <= _WIDE:
        total: Any = pa.scalar(0, pa.int64())
        for code in codes:
            total = pc.add(pc.multiply(total, 3), pc.cast(code, pa.int64()))
        return total
    return pc.binary_join_element_wise(*[pc.cast(c, pa.string()) for c in codes], "")


def _nodes(pattern: Any, indices: list[int], count: int) -> list[Truth]:
    """The node outcomes a pattern stands for (the other nodes unknown: not read)."""
    nodes: list[Truth] = [None] * count
    if isinstance(pattern, str):
        for index, digit in zip(indices, pattern, strict=True):
            nodes[index] = _TRUTH[int(digit)]
        return nodes
    for index in reversed(indices):
        pattern, code = divmod(pattern, 3)
        nodes[index] = _TRUTH[code]
    return nodes


def _broadcast(value: Any, length: int) -> Any:
    if isinstance(value, pa.Scalar):
        return pa.repeat(value, length)
    return value


__all__ = ["add_table"]
