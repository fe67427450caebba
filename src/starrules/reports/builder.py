"""`ReportBuilder` and `report()`: assessments counted one at a time into groups."""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from ..assessment import Assessment
from ..errors import InputError
from ..plans import PlanResult, Targets, compare, read_targets
from ..village import Village
from .facts import RuleFacts
from .results import BY, SLOT, By, GroupReport, Report, Truth
from .tally import GroupKey, Near, Tally, TargetTally, county_of


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
            raise InputError(f"cannot group by {by!r}: one of township, county, jurisdiction")
        if nearest < 0:
            raise InputError(f"nearest must be 0 or more, not {nearest}")
        self.by = by
        self.targets = targets
        self.nearest = nearest
        self._seq = 0
        self._rules: dict[str, RuleFacts] = {}
        self._groups: dict[GroupKey, Tally] = {}
        self._key = _key_function(by)
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
        tree = assessment.rules
        rules = self._rules.get(tree.fingerprint)
        if rules is None:
            rules = self._rules[tree.fingerprint] = RuleFacts(tree)
        village = assessment.input
        key = self._key(village)
        tally = self._groups.get(key)
        if tally is None:
            tally = self._groups[key] = Tally()
        if rules.fingerprint not in tally.seen:
            tally.register(rules)
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
                    # a level condition may read indicators too: the assessment's own list
                    tally.missing.update(assessment.missing)
                else:
                    tally.missing.update(rules.missing(village, stars, nodes))
        if level.min < rules.top_level:
            self._near(assessment, rules, stars, costs, tally)
        if self._target_tallies:
            self._count_targets(village, level.min, level.max)

    def _near(
        self,
        assessment: Assessment,
        rules: RuleFacts,
        stars: list[Truth],
        costs: dict[int, int | None],
        tally: Tally,
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
        if self.nearest == 0:
            return
        self._seq += 1
        entry: Near = (-distance, goal, -self._seq, assessment)
        near = tally.near
        if len(near) < self.nearest:
            heapq.heappush(near, entry)
        elif entry[:3] > near[0][:3]:  # nearer than the farthest kept
            heapq.heapreplace(near, entry)

    def _count_targets(self, village: Village, low: int, high: int) -> None:
        place, township = village.jurisdiction, village.township
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
            tally.villages += 1
            tally.levels[(low, high)] += 1
            tally.counties.add(county_of(place))

    def result(self, *, partial: bool = False) -> Report:
        """The report of the villages added so far."""
        total = Tally()
        groups: list[GroupReport] = []
        for (township, place), tally in self._groups.items():
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
                raise InputError(
                    f"{target.where}: township {target.township} is in "
                    f"{len(tally.counties)} counties of the input "
                    f"({', '.join(sorted(tally.counties))}): add `county:` to say which"
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


def _key_function(by: By | None) -> Callable[[Village], GroupKey]:
    if by == "township":
        return lambda v: (v.township, county_of(v.jurisdiction))
    if by == "county":
        return lambda v: (None, county_of(v.jurisdiction))
    if by == "jurisdiction":
        return lambda v: (None, v.jurisdiction)
    return lambda v: (None, None)


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
