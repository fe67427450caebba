"""The evaluator's walks: closures over the rule tree that decide a group or a star (stopping
where Kleene logic has decided) or, given a recorder, run every node and record each
outcome in a flat status vector (the tracer pattern)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..exact import Exact
from ..expr.ast import walk as expression_nodes
from ..expr.combinators import indicator_getter
from ..expr.operators import COMPARE
from ..rules import Criterion, Group, Node, Star
from ..village import Village
from .kernel import GroupKernel, Truth

Recorder = list[Truth] | None  # the status vector to record every node in, or None


class Walk(Protocol):
    """A group's evaluator: `walk(village)` decides, `walk(village, statuses)` records."""

    def __call__(self, village: Village, out: Recorder = None, /) -> Truth: ...


def group_walk(group: Group) -> Walk:
    """The evaluator of a group, one walk of its subtree. `walk(village)` stops at the
    first item that settles the kernel's verdict (the cheapest items first, ties in
    ruleset order); `walk(village, statuses)` runs every item and records every node's
    outcome in the status vector (the tracer pattern)."""
    decide, record = decide_and_record(group)

    def walk(v: Village, out: Recorder = None, /) -> Truth:
        return decide(v) if out is None else record(v, out)

    return walk


Decide = Callable[[Village], Truth]
Record = Callable[[Village, list[Truth]], Truth]


# How a deciding loop runs an item: (read, compare, limit), the item's outcome being
# `read(village)`, compared with `limit` when `compare` is given and the value is known. A
# simple test (an indicator, or `indicator <op> constant`) is its indicator's accessor and
# comparison, run inline in the loop: a Python frame less per criterion on the hot path.
Compare = Callable[[Any, Any], Any]
Step = tuple[Callable[[Village], Any], Compare | None, Any]


def criterion_step(criterion: Criterion) -> Step:
    """How the deciding loops run a criterion (or a veto: its test, triggered when true)."""
    test = criterion.test
    simple = test.simple
    if simple is None or simple.op is None:  # a yes/no indicator's test is its accessor
        return test.on_village, None, None
    return indicator_getter(simple.path), COMPARE[simple.op], simple.limit


def decide_and_record(group: Group) -> tuple[Decide, Record]:
    """A group's two walks from one description of it: deciding (`decide(village)`, which
    stops where Kleene logic has decided) and recording (`record(village, statuses)`, which
    runs every item and records each node's outcome)."""
    kernel = GroupKernel.of(group)
    bar, slack, index = kernel.bar, kernel.slack, group.index
    # Deciding: (cost, step, weight), a criterion's step or a sub-group's deciding walk.
    # Recording: (*step, weight, slot) for a criterion, recorded in `slot`; (the sub-group's
    # recording, None, None, weight, -1) for a sub-group, which records itself.
    decide: list[tuple[int, Step, int]] = []
    recording: list[tuple[Callable[..., Truth], Compare | None, Any, int, int]] = []
    for item, weight in zip(group.items, kernel.weights, strict=True):
        if isinstance(item, Criterion):
            step = criterion_step(item)
            decide.append((cost(item), step, weight))
            recording.append((*step, weight, item.index))
        else:
            sub_decide, sub_record = decide_and_record(item)
            decide.append((cost(item), (sub_decide, None, None), weight))
            recording.append((sub_record, None, None, weight, -1))
    items = tuple(recording)
    # Deciding, the cheapest items first (ties in ruleset order): any item may settle the
    # verdict, which depends on the sums alone, so the cheap ones may spare the dear ones.
    decide.sort(key=lambda entry: entry[0])

    def record(v: Village, out: list[Truth]) -> Truth:
        passed = failed = 0
        for read, compare, limit, weight, slot in items:
            if slot < 0:
                result = read(v, out)
            else:
                result = read(v)
                if compare is not None and result is not None:
                    result = compare(result, limit)
                out[slot] = result
            if result is True:
                passed += weight
            elif result is False:
                failed += weight
        # kernel.verdict(passed, failed), inline: once per group and recorded village
        outcome = out[index] = True if passed >= bar else (None if failed <= slack else False)
        return outcome

    deciding = _deciding(
        kernel, tuple(test for _, test, _ in decide), tuple(weight for _, _, weight in decide)
    )
    return deciding, record


def cost(node: Node) -> int:
    """What deciding a node costs, roughly: the expression nodes it evaluates (a yes/no
    indicator 1, `x >= 3` 3)."""
    if isinstance(node, Criterion):
        return sum(1 for _ in expression_nodes(node.test.node))
    return sum(cost(item) for item in node.items)


def _deciding(kernel: GroupKernel, tests: tuple[Step, ...], weights: tuple[int, ...]) -> Decide:
    """The deciding walk: the hot path. Its loop is the kernel's two checks inline; for n of
    n (all) and 1 of n (any) one check can only fire at the end, so it needs no sums."""
    bar, slack = kernel.bar, kernel.slack
    if kernel.any_fail_decides:  # all: the first failing item settles it as failed
        return first_settles(tuple((*step, False) for step in tests), False)
    if kernel.any_pass_decides:  # any: the first passing item settles it as passed
        return first_settles(tuple((*step, True) for step in tests), True)

    weighted = tuple(zip(tests, weights, strict=True))

    def threshold(v: Village) -> Truth:
        passed = failed = 0
        for (read, compare, limit), weight in weighted:
            result = read(v)
            if compare is not None and result is not None:
                result = compare(result, limit)
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


StarDecide = Callable[[Village, list[Truth]], Truth]  # (village, the stars decided so far)

Decider = tuple[
    int,  # the star's index
    StarDecide,  # its deciding walk (`star_deciding`)
    Record,  # its grant group's recording
    tuple[tuple[int, Callable[[Village], Truth]], ...],  # vetoes: (slot, test)
    tuple[int, ...],  # the stars it requires
]


def star_deciding(star: Star, requires: tuple[int, ...], grant_walk: Decide) -> StarDecide:
    """A star's deciding walk. Per spec §3 a star is the Kleene AND of its grant group,
    its vetoes negated and the stars it requires, so it is decided as one `all`: the
    required stars first (decided already: a denied one settles it before any test runs),
    then the grant's items (an `all` grant flattened into the star's items) and the vetoes,
    the cheapest first. An item fails the star when its test gives its failing value:
    False for a grant item, True (triggered) for a veto. `grant_walk`: the grant group's
    deciding walk, for a grant that is not an `all`."""
    grant = star.grant
    items: list[tuple[int, Step, bool]] = []  # (cost, step, the value that fails the star)
    if GroupKernel.of(grant).any_fail_decides:  # passes exactly when every item passes
        for item in grant.items:
            if isinstance(item, Criterion):
                items.append((cost(item), criterion_step(item), False))
            else:
                items.append((cost(item), (decide_and_record(item)[0], None, None), False))
    else:
        items.append((cost(grant), (grant_walk, None, None), False))
    items.extend((cost(veto), criterion_step(veto), True) for veto in star.vetoes)
    items.sort(key=lambda entry: entry[0])
    own = first_settles(tuple((*step, failing) for _, step, failing in items), False)
    if not requires:
        return own

    def decide(village: Village, stars: list[Truth]) -> Truth:
        open_ = False
        for required in requires:
            other = stars[required]
            if other is False:
                return False
            if other is None:
                open_ = True
        status = own(village)
        return None if open_ and status is True else status

    return decide


class SettledWalk(Protocol):
    """An `all`'s or `any`'s deciding walk: a group's (`walk(village)`) or a star's
    (`walk(village, stars)`, the stars not read)."""

    def __call__(self, village: Village, stars: object = None, /) -> Truth: ...


def first_settles(
    tests: tuple[tuple[Callable[[Village], Any], Compare | None, Any, bool], ...],
    settled: bool,
) -> SettledWalk:
    """The deciding loop of an `all` (`settled` False) or an `any` (True): each item is a
    step and the value that settles the outcome as `settled` (for an `all`, False, or True
    for a veto, which fails the star when it holds). It stops at the first such item;
    otherwise the outcome is unknown if an item was, else the other value. The walk it
    returns takes the village, and optionally the stars decided so far, which it does not
    read (so that it is a star's deciding walk as it is)."""

    def settle(village: Village, stars: object = None, /) -> Truth:
        unknown = False
        for read, compare, limit, settling in tests:
            result = read(village)
            if compare is not None and result is not None:
                result = compare(result, limit)
            if result is settling:
                return settled
            if result is None:
                unknown = True
        return None if unknown else not settled

    return settle


def record_star(entry: Decider, village: Village, stars: list[Truth], out: list[Truth]) -> Truth:
    """A star's status, recording its grant tree and vetoes (a veto passes when it does not
    hold) in `out`, every node of them."""
    _, _, record, vetoes, requires = entry
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
