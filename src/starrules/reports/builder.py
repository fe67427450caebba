"""`ReportBuilder` and `report()`: assessments counted one at a time into groups."""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..explain.assessment import Assessment
from ..expr import FunctionSpec
from ..rules import RuleTree
from ..ruleset import Ruleset
from ..village import Village
from .facts import RuleFacts
from .plans import PlanResult, Targets, compare
from .results import BY, SLOT, By, GroupReport, Report, Truth
from .tally import GroupKey, Near, Tally, TargetTally, county_of
from .targets_file import read_targets


class ReportBuilder:
    """A report built one assessment at a time: `add` each, then `result()`, which may also
    be asked for part way (e.g. when the input is interrupted) and leaves the counts as
    they are. Not thread-safe: one builder per thread, or a lock around `add`.

    `nearest`: how many of the villages nearest their next level to list per group (the
    counts of those one and two criteria away are kept whatever it is). The builder keeps
    no assessment but those, at most `nearest` per group, whose `next_steps()` the result
    shows."""

    def __init__(
        self, by: By | None = "township", targets: Targets | None = None, *, nearest: int = 5
    ) -> None:
        if by is not None and by not in BY:
            raise InputError.of(None, "SR840", by=repr(by))
        if nearest < 0:
            raise InputError.of(None, "SR841", nearest=nearest)
        self.by = by
        self.targets = targets
        self.nearest = nearest
        self._rows = 0  # villages added: the next one's place in the input
        self._rules: dict[str, RuleFacts] = {}
        self._groups: dict[GroupKey, Tally] = {}
        self._first: dict[GroupKey, int] = {}  # each group's first village's place
        self._target_tallies = [TargetTally() for _ in targets.targets] if targets else []
        self._matches: dict[tuple[str, str | None], list[TargetTally]] = {}
        self._seen_townships: set[str] = set()
        self._seen_places: set[str] = set()

    @property
    def villages(self) -> int:
        """Villages added so far."""
        return sum(t.villages for t in self._groups.values())

    def add(self, assessment: Assessment) -> None:
        """Count one assessment (kept only while among its group's nearest villages)."""
        rules = self.rules_of(assessment.rules)
        village = assessment.input
        row = self._rows
        self._rows += 1
        tally = self.tally(self.key_of(village.township, village.jurisdiction), row, rules)
        # The star statuses and level as evaluated (not the explanation: built only on demand).
        outcome = assessment.outcome
        stars = outcome.stars
        level = outcome.level
        tally.villages += 1
        counts = tally.star_counts
        for sid, truth in zip(rules.star_ids, stars, strict=True):
            counts[sid][SLOT[truth]] += 1
        tally.level_pairs[(level.min, level.max)] += 1
        if level.value is None:
            tally.undetermined += 1
        else:
            tally.checked_villages += 1
            tally.checked_levels += level.value
            tally.checked_stars += stars.count(True)
        costs: dict[int, int | None] = {}  # per star not held: its own criteria to change
        if False in stars or None in stars:
            nodes = assessment.node_statuses()
            failing, only_gap = tally.failing, tally.only_gap
            requires, pickers, memos = rules.requires, rules.pickers, rules.memo
            for i, truth in enumerate(stars):
                if truth is True:
                    continue
                # rules.facts(i, nodes), inline: this runs for most stars of most villages
                facts = memos[i].get(pickers[i](nodes))
                if facts is None:
                    facts = rules.facts(i, nodes)
                failing_ids, gap, costs[i] = facts
                for cid in failing_ids:
                    failing[cid] += 1
                if gap is not None and truth is False:
                    for r in requires[i]:
                        if stars[r] is not True:
                            break
                    else:
                        only_gap[gap] += 1
        if None in stars or level.value is None:
            if rules.custom_levels and level.value is None:
                # a level condition may read indicators too: the assessment's own list (also
                # when every star is decided and only the level is not)
                tally.note_missing(assessment.missing, row)
            else:
                nodes = assessment.node_statuses()
                tally.note_missing(rules.missing(village, stars, nodes), row)
        if level.min < rules.top_level:
            self.near_of(assessment, rules, stars, costs, tally, row)
        if self._target_tallies:
            self._count_targets(village, level.min, level.max)

    def add_table(
        self,
        table: Any,
        ruleset: Ruleset,
        *,
        on: date | None = None,
        check_dates: bool = True,
        strict: bool = False,
        row_offset: int | None = None,
        rows: Sequence[int] | None = None,
        functions: Mapping[str, FunctionSpec] | None = None,
    ) -> None:
        """Count a whole table of villages judged by `ruleset`, rated by the columnar engine
        (`Ruleset.evaluate_table`: the table's form, `on`, `check_dates`, `strict` and
        `functions` are as there; needs pyarrow). The counts are those `add` makes for
        each village's assessment, in the same order. `row_offset`: where the table's
        first village stands in the whole input (default: after the villages added so
        far), which orders the groups and decides ties between villages as near their
        next level; `rows`: each village's place instead, when the table holds villages
        not next to each other in the input (e.g. those of one ruleset)."""
        from .columns import add_table

        add_table(
            self,
            table,
            ruleset,
            on=on,
            check_dates=check_dates,
            strict=strict,
            row_offset=self._rows if row_offset is None else row_offset,
            rows=rows,
            functions=functions,
        )

    def merge(self, other: ReportBuilder) -> None:
        """Add the counts of another builder of the same kind (by, targets, nearest), e.g.
        one that counted another part of the input in another process."""
        if (other.by, other.nearest) != (self.by, self.nearest) or (other.targets != self.targets):
            raise InputError.of(None, "SR842")
        for key, tally in other._groups.items():
            mine = self._groups.get(key)
            if mine is None:
                mine = self._groups[key] = Tally()
            mine.merge(tally)
            # merge() lists every near village of both: keep the nearest, as a heap.
            mine.near = heapq.nsmallest(
                self.nearest, mine.near, key=lambda e: (-e[0], -e[1], -e[2])
            )
            heapq.heapify(mine.near)
            first = other._first[key]
            self._first[key] = min(self._first.get(key, first), first)
        for mine_t, theirs in zip(self._target_tallies, other._target_tallies, strict=True):
            mine_t.villages += theirs.villages
            mine_t.levels.update(theirs.levels)
            mine_t.counties |= theirs.counties
        self._seen_townships |= other._seen_townships
        self._seen_places |= other._seen_places
        self._rows = max(self._rows, other._rows)

    def __getstate__(self) -> dict[str, Any]:
        # Caches, rebuilt on demand: what each ruleset says (its compiled parts do not
        # pickle) and which targets a place matches.
        state = dict(self.__dict__)
        state["_rules"] = {}
        state["_matches"] = {}
        return state

    @property
    def counts_targets(self) -> bool:
        return bool(self._target_tallies)

    def saw_rows(self, rows: int) -> None:
        """Villages up to this place in the input have been counted (by add_table)."""
        self._rows = max(self._rows, rows)

    def would_keep(self, tally: Tally, rank: tuple[int, int, int]) -> bool:
        """Whether a village of this rank would be kept among its group's nearest."""
        near = tally.near
        return self.nearest > 0 and (len(near) < self.nearest or rank > near[0][:3])

    def near_of(
        self,
        assessment: Assessment,
        rules: RuleFacts,
        stars: list[Truth],
        costs: dict[int, int | None],
        tally: Tally,
        row: int,
    ) -> None:
        """Count a village one or two criteria from its next level; keep it if among the
        nearest. Under the default level rule the distance is counted from the outcomes
        (as `next_steps()` finds it, far cheaper); with a ruleset's own levels it is
        `next_steps()`'s own."""
        held = assessment.level.min
        if rules.custom_levels:
            route = assessment.next_steps().next_level
            if route is None:
                return
            distance, goal = len(route.criteria) + len(route.conditions), route.level
        else:
            found = rules.distance(stars, costs, held)
            if found is None:
                return
            distance, goal = found, held + 1
        if distance == 1:
            tally.one_away += 1
        elif distance == 2:
            tally.two_away += 1
        else:
            return
        self.keep_near(tally, (-distance, goal, -row, assessment))

    def keep_near(self, tally: Tally, entry: Near) -> None:
        """Keep a village among its group's nearest if it is nearer than the farthest kept
        (ties: the earlier in the input)."""
        if not self.would_keep(tally, entry[:3]):
            return
        if len(tally.near) < self.nearest:
            heapq.heappush(tally.near, entry)
        else:  # nearer than the farthest kept
            heapq.heapreplace(tally.near, entry)

    def key_of(self, township: str | None, jurisdiction: str) -> GroupKey:
        """The group of a village of this township and jurisdiction."""
        if self.by == "township":
            return (township, county_of(jurisdiction))
        if self.by == "county":
            return (None, county_of(jurisdiction))
        if self.by == "jurisdiction":
            return (None, jurisdiction)
        return (None, None)

    def tally(self, key: GroupKey, row: int, rules: RuleFacts) -> Tally:
        """The running counts of a group, whose village at `row` these rules judge."""
        tally = self._groups.get(key)
        if tally is None:
            tally = self._groups[key] = Tally()
        first = self._first.get(key)
        if first is None or row < first:
            self._first[key] = row
        if rules.fingerprint not in tally.seen:
            tally.register(rules)
        return tally

    def rules_of(self, tree: RuleTree) -> RuleFacts:
        rules = self._rules.get(tree.fingerprint)
        if rules is None:
            rules = self._rules[tree.fingerprint] = RuleFacts(tree)
        return rules

    def _count_targets(self, village: Village, low: int, high: int) -> None:
        self.count_targets(village.jurisdiction, village.township, low, high)

    def count_targets(
        self, place: str, township: str | None, low: int, high: int, villages: int = 1
    ) -> None:
        """Count `villages` villages of this place and level range for the plan."""
        if not self._target_tallies:
            return
        matched = self._matches.get((place, township))
        if matched is None:
            assert self.targets is not None
            matched = self._matches[(place, township)] = [
                tally
                for target, tally in zip(self.targets.targets, self._target_tallies, strict=True)
                if target.matches(place, township)
            ]
            if township is not None:
                self._seen_townships.add(township)
            self._seen_places.add(place)
            self._seen_places.add(county_of(place))
        for tally in matched:
            tally.villages += villages
            tally.levels[(low, high)] += villages
            tally.counties.add(county_of(place))

    def result(self, *, partial: bool = False) -> Report:
        """The report of the villages added so far."""
        total = Tally()
        groups: list[GroupReport] = []
        # Groups in the order of their first village in the input (however added).
        for key in sorted(self._groups, key=self._first.__getitem__):
            township, place = key
            tally = self._groups[key]
            total.merge(tally)
            if self.by is not None:
                name = township if self.by == "township" else place
                groups.append(tally.freeze(self.by, name, township, place, self.nearest))
        return Report(
            by=self.by,
            groups=tuple(groups),
            total=total.freeze("total", None, None, None, self.nearest),
            plans=self._plans(),
            targets=self.targets.file if self.targets else None,
            partial=partial,
        )

    def _plans(self) -> tuple[PlanResult, ...]:
        if self.targets is None:
            return ()
        plans: list[PlanResult] = []
        for target, tally in zip(self.targets.targets, self._target_tallies, strict=True):
            ambiguous = target.township is not None and target.jurisdiction is None
            if ambiguous and len(tally.counties) > 1:
                raise InputError.of(
                    str(target.where),
                    "SR583",
                    township=target.township,
                    count=len(tally.counties),
                    counties=", ".join(sorted(tally.counties)),
                )
            plan = compare(target, tally.villages, tally.levels)
            if tally.villages == 0:
                plan = replace(plan, suggestions=self._close(target.township, target.jurisdiction))
            plans.append(plan)
        return tuple(plans)

    def _close(self, township: str | None, jurisdiction: str | None) -> tuple[str, ...]:
        """Names in the input close to a target's that matched no village."""
        if township is not None and township not in self._seen_townships:
            return tuple(difflib.get_close_matches(township, sorted(self._seen_townships), 3))
        if jurisdiction is not None:
            return tuple(difflib.get_close_matches(jurisdiction, sorted(self._seen_places), 3))
        return ()


def report(
    assessments: Iterable[Assessment],
    by: By | None = "township",
    targets: Targets | str | Path | None = None,
    *,
    nearest: int = 5,
) -> Report:
    """Count assessments per township (or county, or jurisdiction; None: the total only)
    and compare them with a plan (a `Targets` or the path of a targets file); list up to
    `nearest` villages per group nearest their next level. Consumes the assessments one at
    a time, keeping none but those listed."""
    if isinstance(targets, str | Path):
        targets = read_targets(targets)
    builder = ReportBuilder(by, targets, nearest=nearest)
    for assessment in assessments:
        builder.add(assessment)
    return builder.result()
