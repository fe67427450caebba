"""The evaluator's walks: closures over the rule tree that decide a group or a star (stopping
where Kleene logic has decided) or, given a recorder, run every node and record each
outcome in a flat status vector (the tracer pattern)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..exact import Exact
from ..rules import Criterion, Group
from ..village import Village
from .kernel import GroupKernel, Truth

Recorder = list[Truth] | None  # the status vector to record every node in, or None


class Walk(Protocol):
    """A group's evaluator: `walk(village)` decides, `walk(village, statuses)` records."""

    def __call__(self, village: Village, out: Recorder = None, /) -> Truth: ...


def group_walk(group: Group) -> Walk:
    """The evaluator of a group, one walk of its subtree. `walk(village)` stops at the
    first item that settles the kernel's verdict (items in ruleset order, so authors who
    list decisive criteria first help); `walk(village, statuses)` runs every item and
    records every node's outcome in the status vector (the tracer pattern)."""
    decide, record = decide_and_record(group)

    def walk(v: Village, out: Recorder = None, /) -> Truth:
        return decide(v) if out is None else record(v, out)

    return walk


Decide = Callable[[Village], Truth]
Record = Callable[[Village, list[Truth]], Truth]


def decide_and_record(group: Group) -> tuple[Decide, Record]:
    """A group's two walks from one description of it: deciding (`decide(village)`, which
    stops where Kleene logic has decided) and recording (`record(village, statuses)`, which
    runs every item and records each node's outcome)."""
    kernel = GroupKernel.of(group)
    bar, slack, index = kernel.bar, kernel.slack, group.index
    # Deciding: a criterion's test, or a sub-group's deciding walk, called with the village.
    # Recording: (test, weight, slot) for a criterion, recorded in `slot`; (the sub-group's
    # recording, weight, -1) for a sub-group, which records itself.
    decide: list[Decide] = []
    recording: list[tuple[Callable[..., Truth], int, int]] = []
    for item, weight in zip(group.items, kernel.weights, strict=True):
        if isinstance(item, Criterion):
            decide.append(item.test.on_village)
            recording.append((item.test.on_village, weight, item.index))
        else:
            sub_decide, sub_record = decide_and_record(item)
            decide.append(sub_decide)
            recording.append((sub_record, weight, -1))
    items = tuple(recording)

    def record(v: Village, out: list[Truth]) -> Truth:
        passed = failed = 0
        for test, weight, slot in items:
            if slot < 0:
                result = test(v, out)
            else:
                result = out[slot] = test(v)
            if result is True:
                passed += weight
            elif result is False:
                failed += weight
        # kernel.verdict(passed, failed), inline: once per group and recorded village
        outcome = out[index] = True if passed >= bar else (None if failed <= slack else False)
        return outcome

    return _deciding(kernel, group, tuple(decide)), record


def _deciding(kernel: GroupKernel, group: Group, tests: tuple[Decide, ...]) -> Decide:
    """The deciding walk: the hot path. Its loop is the kernel's two checks inline; for n of
    n (all) and 1 of n (any) one check can only fire at the end, so it needs no sums."""
    bar, slack = kernel.bar, kernel.slack
    if kernel.any_fail_decides:

        def all_items(v: Village) -> Truth:
            unknown = False
            for test in tests:
                result = test(v)
                if result is False:
                    return False
                if result is None:
                    unknown = True
            return None if unknown else True

        return all_items

    if kernel.any_pass_decides:

        def any_item(v: Village) -> Truth:
            unknown = False
            for test in tests:
                result = test(v)
                if result is True:
                    return True
                if result is None:
                    unknown = True
            return None if unknown else False

        return any_item

    weighted = tuple(zip(tests, kernel.weights, strict=True))

    def threshold(v: Village) -> Truth:
        passed = failed = 0
        for test, weight in weighted:
            result = test(v)
            if result is True:
                passed += weight
                if passed >= bar:
                    return True
            elif result is False:
                failed += weight
                if failed > slack:
                    return False
        return kernel.verdict(passed, failed)  # e.g. a bar of 0: passed with no item

    return threshold


def points_range(group: Group) -> Callable[[Village], tuple[Exact, Exact]]:
    """The points a min_points group's items earn: (passing items, passing + unknown), as
    exact numbers (ints when every item's points are whole)."""
    kernel = GroupKernel.of(group)
    tests = tuple(
        item.test.on_village if isinstance(item, Criterion) else decide_and_record(item)[0]
        for item in group.items
    )

    def earned(v: Village) -> tuple[Exact, Exact]:
        return kernel.points(*kernel.tally([test(v) for test in tests]))

    return earned


class LevelEnv(dict[str, Truth]):
    """What level conditions read: each star's outcome by id, and points("group")."""

    __slots__ = ("_points", "_village")

    def __init__(
        self,
        stars: dict[str, Truth],
        village: Village,
        points: dict[str, Callable[[Village], tuple[Exact, Exact]]],
    ) -> None:
        super().__init__(stars)
        self._village = village
        self._points = points

    def points(self, group_id: str) -> tuple[Exact, Exact]:
        """The range of points("group"), exact: compare it with exact numbers only."""
        return self._points[group_id](self._village)


Decider = tuple[
    int,  # the star's index
    Decide,  # its grant group's deciding walk
    Record,  # the grant group's recording
    tuple[tuple[int, Callable[[Village], Truth]], ...],  # vetoes: (slot, test)
    tuple[int, ...],  # the stars it requires
]


def walk_star(entry: Decider, village: Village, stars: list[Truth], out: Recorder) -> Truth:
    """A star's status per spec §3 (as `star_status`): without a recorder, stopping where
    Kleene allows; with one, recording its grant tree and vetoes (a veto passes when it
    does not hold) first."""
    _, grant, record, vetoes, requires = entry
    if out is None:
        status = grant(village)
        if status is False:
            return False
        open_ = status is None
        for _, veto in vetoes:
            hit = veto(village)
            if hit is True:
                return False
            if hit is None:
                open_ = True
    else:
        status = record(village, out)
        open_ = status is None
        denied = status is False
        for slot, veto in vetoes:
            hit = veto(village)
            out[slot] = None if hit is None else not hit
            denied = denied or hit is True
            open_ = open_ or hit is None
        if denied:
            return False
    for required in requires:
        other = stars[required]
        if other is False:
            return False
        if other is None:
            open_ = True
    return None if open_ else True
