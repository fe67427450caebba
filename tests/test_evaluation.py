"""Evaluation semantics (spec §3), checked as properties.

- The group functions, the one kernel behind them and the evaluator's walk of every group
  kind agree with brute force over every true/false completion of the unknowns (Kleene
  logic is the "supervaluation" of two-valued logic for these rules).
- The evaluator, deciding (no recorder) and recording every node (with one), agrees with
  brute force over every completion of the unknown criteria of real and random rulesets.
- On the real Henan ruleset, filling in unknown indicators only ever refines a result: what
  was decided stays decided, and the level range shrinks.
- The level range brackets (and for Henan, whose tests each read an indicator once, is
  exactly) the range of levels over every completion.
- Evaluation is deterministic and thread-safe; `evaluate_many` is a lazy, ordered iterator.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from conftest import provincial_example_lines, ruleset_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import starrules
from starrules import IndicatorKind, Status, Village
from starrules.errors import Location
from starrules.evaluation import (
    GroupKernel,
    Truth,
    all_of,
    any_of,
    at_least,
    min_points,
    star_status,
)
from starrules.evaluation.walk import group_walk
from starrules.expr.ast import Compare, Literal, Name
from starrules.i18n import Text
from starrules.rules import Criterion, Group, Layer, Node, requirements_first

ROOT = Path(__file__).resolve().parents[1]
HENAN = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
EXAMPLES = ROOT / "examples" / "villages.jsonl"
MODEL_VILLAGE: dict[str, Any] = json.loads(
    (ROOT / "tests" / "fixtures" / "eval_villages.json").read_text(encoding="utf-8")
)["model"]

PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REFINEMENT = settings(PROPERTY, max_examples=150)
QUICK = settings(PROPERTY, max_examples=50)
GROUPS = settings(max_examples=200, deadline=None)

# ----------------------------------------------------------------------------------------
# The group functions against brute force
# ----------------------------------------------------------------------------------------

truths = st.sampled_from([True, False, None])
truth_lists = st.lists(truths, max_size=7)


def completions(values: Sequence[Truth]) -> Iterator[list[bool]]:
    """Every way of replacing each unknown (None) by True or False."""
    unknown = [i for i, v in enumerate(values) if v is None]
    for combo in itertools.product((False, True), repeat=len(unknown)):
        filled = [bool(v) for v in values]
        for i, b in zip(unknown, combo, strict=True):
            filled[i] = b
        yield filled


def supervaluation(values: Sequence[Truth], two_valued: Callable[[list[bool]], bool]) -> Truth:
    """True if every completion is true, False if every completion is false, else None."""
    outcomes = {two_valued(c) for c in completions(values)}
    return outcomes.pop() if len(outcomes) == 1 else None


@GROUPS
@given(truth_lists)
def test_all_of_agrees_with_every_completion(values: list[Truth]) -> None:
    assert all_of(values) is supervaluation(values, all)


@GROUPS
@given(truth_lists)
def test_any_of_agrees_with_every_completion(values: list[Truth]) -> None:
    assert any_of(values) is supervaluation(values, any)


@GROUPS
@given(truth_lists, st.integers(min_value=0, max_value=8))
def test_at_least_agrees_with_every_completion(values: list[Truth], k: int) -> None:
    expected = supervaluation(values, lambda c: sum(c) >= k)
    assert at_least(k, values) is expected


@GROUPS
@given(
    st.lists(
        st.tuples(truths, st.sampled_from([0.5, 1.0, 2.5, 10.0, 20.0, 25.0, 40.0])),
        max_size=7,
    ),
    st.sampled_from([0.5, 1.0, 10.0, 30.0, 45.0, 60.0, 80.0, 100.0]),
)
def test_min_points_agrees_with_every_completion(
    items: list[tuple[Truth, float]], bar: float
) -> None:
    values = [v for v, _ in items]
    points = [p for _, p in items]

    def reaches(c: list[bool]) -> bool:
        return sum(p for p, passed in zip(points, c, strict=True) if passed) >= bar

    assert min_points(bar, points, values) is supervaluation(values, reaches)


@GROUPS
@given(truths, st.lists(truths, max_size=4), st.lists(truths, max_size=4))
def test_star_status_agrees_with_every_completion(
    grant: Truth, vetoes: list[Truth], required: list[Truth]
) -> None:
    n_vetoes = len(vetoes)

    def granted(c: list[bool]) -> bool:
        g, vs, rs = c[0], c[1 : 1 + n_vetoes], c[1 + n_vetoes :]
        return g and not any(vs) and all(rs)

    expected = supervaluation([grant, *vetoes, *required], granted)
    assert star_status(grant, vetoes, required) is expected


def two_valued(node: Node, leaves: dict[int, bool]) -> bool:
    """A node's outcome when every criterion's outcome is known (spec §3, no Kleene)."""
    if isinstance(node, Criterion):
        return leaves[node.index]
    values = [two_valued(item, leaves) for item in node.items]
    if node.rule == "all":
        return all(values)
    if node.rule == "any":
        return any(values)
    if node.rule == "at_least":
        return sum(values) >= (node.needed or 0)
    earned = sum(
        (Fraction(repr(i.points or 0.0)) for i, v in zip(node.items, values, strict=True) if v),
        Fraction(0),
    )
    return earned >= Fraction(repr(node.needed or 0.0))  # the decimals as written


_LAYER = Layer("t", "1", "cn-test", "<t>")
_HERE = Location("<t>")


def _sized(i: int) -> Name | Compare:
    """An expression of a size that varies with `i`, so that the deciding walk, which runs
    the cheapest items first, reorders the items of a synthetic group."""
    name = Name(f"x.c{i}", 0)
    return name if i % 2 == 0 else Compare(">=", name, Literal(i, 0), 0)


def synthetic_group(rule: str, needed: float | None, items: list[tuple[Truth, float]]) -> Group:
    """A group whose criteria come out as given (index 0 is the group, 1… its items)."""
    criteria = tuple(
        Criterion(
            id=f"c{i}",
            index=i + 1,
            kind="criterion",
            test=cast(
                Any,
                SimpleNamespace(
                    on_village=lambda _, value=value: value, node=_sized(i), simple=None
                ),
            ),
            text=Text(zh="条件", en="test"),
            source=None,
            provisional=False,
            note=None,
            points=points,
            layer=_LAYER,
            location=_HERE,
            parent="g",
        )
        for i, (value, points) in enumerate(items)
    )
    return Group("g", 0, cast(Any, rule), needed, criteria, None, None, _LAYER, _HERE, None)


@st.composite
def groups_of_every_kind(draw: st.DrawFn) -> Group:
    items = draw(
        st.lists(
            st.tuples(truths, st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.7, 1.0, 1.5, 2.0, 5.0])),
            max_size=6,
        )
    )
    rule = draw(st.sampled_from(["all", "any", "at_least", "min_points"]))
    needed = {
        "all": None,
        "any": None,
        "at_least": draw(st.integers(0, 2 * len(items) + 2)) / 2,  # 2.5: 3 needed
        "min_points": draw(st.sampled_from([0.0, 0.1, 0.8, 1.0, 1.5, 2.5, 3.0, 10.0])),
    }[rule]
    return synthetic_group(rule, needed, items)


@settings(GROUPS, max_examples=400)
@given(groups_of_every_kind())
def test_the_walk_of_every_group_kind_agrees_with_every_completion(group: Group) -> None:
    """Deciding (every shape of short-circuit loop), recording, and the kernel's verdict
    all equal brute force, for empty groups, unreachable bars and zero points too."""
    values = [cast(Truth, item.test.on_village(None)) for item in group.items]
    expected = supervaluation(
        values,
        lambda c: two_valued(group, {i + 1: b for i, b in enumerate(c)}),
    )
    walk = group_walk(group)
    village = cast(Village, None)
    assert walk(village) is expected
    statuses: list[Truth] = ["unset"] * (len(values) + 1)  # type: ignore[list-item]
    assert walk(village, statuses) is expected
    assert statuses == [expected, *values]  # every node recorded
    assert GroupKernel.of(group).outcome(values) is expected


# ----------------------------------------------------------------------------------------
# The evaluator on whole rulesets against brute force
# ----------------------------------------------------------------------------------------


def _single(outcomes: set[bool]) -> Truth:
    return outcomes.pop() if len(outcomes) == 1 else None


def brute_force(ruleset: starrules.Ruleset, village: Village) -> tuple[list[Truth], list[Truth]]:
    """(every star's status, every node's outcome) by enumerating every true/false
    completion of a star's unknown criteria and vetoes, the stars it requires taken at each
    of their possible values. (A star reads its required stars monotonically, so taking
    their values independently loses nothing.)"""
    tree = ruleset.tree
    stars: list[Truth] = [None] * len(tree.stars)
    nodes: list[Truth] = [None] * tree.node_count
    for star in requirements_first(tree.stars):
        leaves = [n for n in star.nodes if isinstance(n, Criterion)]
        known = {leaf.index: leaf.test.on_village(village) for leaf in leaves}
        open_leaves = [i for i, v in known.items() if v is None]
        required = [tree.star_index[r] for r in star.requires]
        open_required = [r for r in required if stars[r] is None]
        groups = [n for n in star.nodes if isinstance(n, Group)]
        seen: dict[int, set[bool]] = {g.index: set() for g in groups}
        granted: set[bool] = set()
        for combo in itertools.product((False, True), repeat=len(open_leaves) + len(open_required)):
            filled = {**known, **dict(zip(open_leaves, combo, strict=False))}
            others = {r: stars[r] for r in required}
            others.update(zip(open_required, combo[len(open_leaves) :], strict=True))
            for g in groups:
                seen[g.index].add(two_valued(g, filled))
            granted.add(
                two_valued(star.grant, filled)
                and not any(filled[v.index] for v in star.vetoes)
                and all(others[r] for r in required)
            )
        stars[star.index] = _single(granted)
        for g in groups:
            nodes[g.index] = _single(seen[g.index])
        for leaf in leaves:  # a veto is recorded as passing when it does not hold
            hit = known[leaf.index]
            nodes[leaf.index] = hit if leaf.kind != "veto" or hit is None else not hit
    return stars, nodes


def assert_one_evaluator(ruleset: starrules.Ruleset, village: Village) -> None:
    """The evaluator without a recorder (run, rerun, decide_star) and with one (walk,
    record) equals brute force on every star and every node."""
    program = ruleset.program
    stars, nodes = brute_force(ruleset, village)
    assert program.run(village).stars == stars
    assert program.walk(village) == (stars, nodes)
    assert program.record(village) == nodes
    everything = {
        p
        for s in ruleset.tree.stars
        for n in s.nodes
        if isinstance(n, Criterion)
        for p in n.test.names
    }
    assert program.rerun(village, [None] * len(stars), everything).stars == stars
    for index in program.requirements_order:
        assert program.decide_star(index, village, stars) is stars[index]


@settings(PROPERTY, max_examples=60, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_the_evaluator_agrees_with_every_completion_on_random_rulesets(
    data: st.DataObject,
) -> None:
    from starrules.testing import small_rulesets, villages

    ruleset = data.draw(small_rulesets())
    assert_one_evaluator(ruleset, data.draw(villages(ruleset, unknown=0.3)))


# ----------------------------------------------------------------------------------------
# Villages for the Henan ruleset: every indicator it reads, near its thresholds, maybe absent
# ----------------------------------------------------------------------------------------

B = [True, False]
VALUES: dict[str, list[Any]] = {
    "industry.collective_income": [0.0, 99_999.0, 99_999.99, 100_000.0, 100_000.01, 250_000.0],
    "industry.branch_led_cooperative": B,
    "industry.one_village_one_product": B,
    "industry.dual_binding": B,
    "industry.local_jobs": [0, 19, 20, 21],
    "industry.skills_trainees": [0, 49, 50, 51],
    "ecology.sanitary_toilet_rate": [0.0, 0.84, 0.849, 0.85, 0.86, 1.0],
    "ecology.sewage_treatment_rate": [0.0, 0.49, 0.5, 0.51, 1.0],
    "ecology.garbage_system": B,
    "ecology.cleaning_days_per_month": [0, 3, 4, 5],
    "ecology.greening_rate": [0.0, 0.29, 0.3, 0.31, 1.0],
    "safety.disputes_total": [0, 1, 20, 100],
    "safety.disputes_resolved": [0, 1, 18, 19, 20, 95, 100],
    "safety.grid_management": B,
    "safety.video_coverage": B,
    "safety.key_population_managed": B,
    "safety.escalated_petitions": [0, 1, 2],
    "safety.accidents_with_casualties": [0, 1, 2],
    "safety.criminal_cases": [0, 1, 2],
    "civility.practice_station": B,
    "civility.village_rules": B,
    "civility.councils": [0, 3, 4, 5],
    "civility.star_households": [0, 9, 10, 11],
    "civility.activities": [0, 11, 12, 13],
    "branch.secretary_strong": B,
    "branch.reserve_cadres": [0, 2, 3, 4],
    "branch.three_meetings_one_lesson": B,
    "branch.member_review_done": B,
    "branch.service_center_standard": B,
    "branch.weak_and_lax": B,
}
PATHS = sorted(VALUES)
BOOL_PATHS = [p for p in PATHS if starrules.STANDARD_INDICATORS[p].kind is IndicatorKind.BOOL]


@pytest.fixture(scope="module")
def henan() -> starrules.Ruleset:
    return starrules.load_ruleset(HENAN)


_HENAN = starrules.load_ruleset(HENAN)  # for the hypothesis tests (fixtures don't mix well)


def make_village(values: dict[str, Any], name: str = "测试村") -> starrules.Village:
    data: dict[str, Any] = {
        "name": name,
        "jurisdiction": "cn-henan/anyang/tangyin",
        "kind": "rural",
        "as_of": "2023-12-31",
    }
    for path, value in values.items():
        section, field = path.split(".")
        data.setdefault(section, {})[field] = value
    return starrules.Village.model_validate(data)


def evaluate(values: dict[str, Any]) -> starrules.Assessment:
    return _HENAN.evaluate(make_village(values))


@st.composite
def henan_villages(
    draw: st.DrawFn, absent: st.SearchStrategy[list[str]] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """(known indicator values, the paths left absent)."""
    missing = draw(
        absent if absent is not None else st.lists(st.sampled_from(PATHS), unique=True, max_size=8)
    )
    values = {p: draw(st.sampled_from(VALUES[p])) for p in PATHS if p not in missing}
    return values, missing


def test_the_village_strategy_draws_every_indicator_the_ruleset_uses(
    henan: starrules.Ruleset,
) -> None:
    empty = starrules.Village(name="空村", jurisdiction="cn-henan", kind="rural")
    assessment = henan.evaluate(empty, on=date(2023, 12, 31))
    used = {p for s in assessment.stars.values() for c in s.criteria for p in c.observed}
    assert used == set(VALUES)
    # With nothing known, nothing is decided and everything used is missing.
    assert {s.status for s in assessment.stars.values()} == {Status.UNDETERMINED}
    assert set(assessment.missing) == used


def assert_refines(
    before: starrules.Assessment, after: starrules.Assessment, filled: set[str]
) -> None:
    """`after` (more is known) must agree with everything `before` had decided."""
    assert list(after.stars) == list(before.stars)
    for star_id, old in before.stars.items():
        new = after.stars[star_id]
        if old.status is not Status.UNDETERMINED:
            assert new.status == old.status, star_id
        assert [c.id for c in new.criteria] == [c.id for c in old.criteria]
        for old_c, new_c in zip(old.criteria, new.criteria, strict=True):
            if old_c.status != "unknown":
                assert new_c.status == old_c.status, old_c.id
    assert before.level.min <= after.level.min <= after.level.max <= before.level.max
    if before.level.value is not None:
        assert after.level.value == before.level.value
    # `missing` lists every unknown that could change the outcome: filling in anything else
    # changes nothing, and nothing becomes missing that was not missing before.
    if not filled & set(before.missing):
        assert {k: s.status for k, s in after.stars.items()} == {
            k: s.status for k, s in before.stars.items()
        }
        assert after.level == before.level
    assert set(after.missing) <= set(before.missing) - filled


@REFINEMENT
@given(st.data())
def test_filling_in_unknowns_only_refines_the_result(data: st.DataObject) -> None:
    values, absent = data.draw(
        henan_villages(st.lists(st.sampled_from(PATHS), unique=True, min_size=1, max_size=10))
    )
    filled = data.draw(st.lists(st.sampled_from(absent), unique=True, min_size=1))
    more = {p: data.draw(st.sampled_from(VALUES[p])) for p in filled}
    assert_refines(evaluate(values), evaluate({**values, **more}), set(filled))


@PROPERTY
@given(st.data())
def test_filling_in_one_unknown_only_refines_the_result(data: st.DataObject) -> None:
    values, absent = data.draw(
        henan_villages(st.lists(st.sampled_from(PATHS), unique=True, min_size=1, max_size=4))
    )
    path = data.draw(st.sampled_from(absent))
    value = data.draw(st.sampled_from(VALUES[path]))
    assert_refines(evaluate(values), evaluate({**values, path: value}), {path})


@PROPERTY
@given(henan_villages())
def test_default_level_is_the_number_of_granted_stars(
    village: tuple[dict[str, Any], list[str]],
) -> None:
    assessment = evaluate(village[0])
    statuses = [s.status for s in assessment.stars.values()]
    granted = statuses.count(Status.GRANTED)
    open_ = statuses.count(Status.UNDETERMINED)
    level = assessment.level
    assert (level.min, level.max) == (granted, granted + open_)
    assert assessment.granted == [k for k, s in assessment.stars.items() if s.status == "granted"]
    if open_ == 0:
        assert level.value == granted
        assert level.name is not None
    else:
        assert level.value is None


@PROPERTY
@given(henan_villages(st.lists(st.sampled_from(BOOL_PATHS), unique=True, max_size=3)))
def test_level_range_is_exactly_the_range_over_every_completion(
    village: tuple[dict[str, Any], list[str]],
) -> None:
    values, absent = village
    assessment = evaluate(values)
    levels: list[int] = []
    seen: dict[str, set[str]] = {k: set() for k in assessment.stars}
    for combo in itertools.product((False, True), repeat=len(absent)):
        complete = evaluate({**values, **dict(zip(absent, combo, strict=True))})
        assert complete.level.value is not None  # everything known: everything decided
        assert assessment.level.min <= complete.level.value <= assessment.level.max
        levels.append(complete.level.value)
        for k, s in complete.stars.items():
            seen[k].add(s.status)
    # Every Henan test reads each indicator once, so Kleene logic is exact here: the range
    # is reached at both ends and an undetermined star can still go either way.
    assert (assessment.level.min, assessment.level.max) == (min(levels), max(levels))
    for k, s in assessment.stars.items():
        if s.status is Status.UNDETERMINED:
            assert seen[k] == {"granted", "denied"}, k
        else:
            assert seen[k] == {s.status}, k


# ----------------------------------------------------------------------------------------
# Determinism, thread safety, evaluate_many
# ----------------------------------------------------------------------------------------


@QUICK
@given(henan_villages())
def test_evaluation_is_deterministic(village: tuple[dict[str, Any], list[str]]) -> None:
    v = make_village(village[0])
    first, second = _HENAN.evaluate(v), _HENAN.evaluate(v)
    assert first.model_dump() == second.model_dump()
    assert first.model_dump_json() == second.model_dump_json()
    assert first.explain("zh") == second.explain("zh")


def test_a_reloaded_ruleset_gives_identical_results(henan: starrules.Ruleset) -> None:
    again = starrules.load_ruleset(HENAN)
    assert again.fingerprint == henan.fingerprint
    villages = [starrules.Village.model_validate_json(line) for line in _example_lines()]
    assert [a.model_dump() for a in again.evaluate_many(villages)] == [
        a.model_dump() for a in henan.evaluate_many(villages)
    ]


def _example_lines() -> list[str]:
    return provincial_example_lines()


def _many_villages(n: int) -> list[starrules.Village]:
    """Example villages, then random ones near the thresholds (a fixed seed)."""
    rng = random.Random(20231231)
    villages = [starrules.Village.model_validate_json(line) for line in _example_lines()]
    while len(villages) < n:
        absent = set(rng.sample(PATHS, rng.randint(0, 6)))
        values = {p: rng.choice(VALUES[p]) for p in PATHS if p not in absent}
        villages.append(make_village(values, name=f"村{len(villages)}"))
    return villages


def _signature(assessment: starrules.Assessment, full: bool) -> Any:
    """The decisions; every tenth village also its whole explanation (built lazily)."""
    if full:
        return assessment.model_dump(mode="json")
    level = assessment.level
    return (
        assessment.granted,
        [assessment.status(s.id) for s in assessment.rules.stars],
        (level.value, level.min, level.max),
    )


def test_evaluation_is_thread_safe(henan: starrules.Ruleset) -> None:
    villages = _many_villages(2000)
    sequential = [_signature(henan.evaluate(v), i % 10 == 0) for i, v in enumerate(villages)]
    workers = 8
    barrier = threading.Barrier(workers)

    def work(offset: int) -> list[tuple[int, Any]]:
        barrier.wait()  # start together, so the threads really do overlap
        return [
            (i, _signature(henan.evaluate(villages[i]), i % 10 == 0))
            for i in range(offset, len(villages), workers)
        ]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        chunks = list(pool.map(work, range(workers)))
    threaded: list[Any] = [None] * len(villages)
    for chunk in chunks:
        for i, dumped in chunk:
            threaded[i] = dumped
    assert threaded == sequential


def test_evaluate_many_is_a_lazy_iterator_in_input_order(henan: starrules.Ruleset) -> None:
    villages = _many_villages(60)
    pulled: list[int] = []

    def source() -> Iterator[starrules.Village]:
        for i, v in enumerate(villages):
            pulled.append(i)
            yield v

    results = henan.evaluate_many(source())
    assert isinstance(results, Iterator)
    assert not isinstance(results, list | tuple)
    assert pulled == []  # nothing is evaluated before it is asked for
    first = next(results)
    assert first.village.name == villages[0].name
    assert len(pulled) == 1
    rest = list(results)
    assert [a.village.name for a in [first, *rest]] == [v.name for v in villages]
    assert [a.model_dump() for a in [first, *rest]] == [
        henan.evaluate(v).model_dump() for v in villages
    ]


def test_evaluate_many_works_on_an_endless_stream(henan: starrules.Ruleset) -> None:
    village = make_village({})
    endless = itertools.repeat(village)
    taken = list(itertools.islice(henan.evaluate_many(endless), 3))
    assert len(taken) == 3


def test_evaluate_many_of_nothing_is_empty(henan: starrules.Ruleset) -> None:
    assert list(henan.evaluate_many([])) == []


def test_evaluate_many_passes_on_the_date(henan: starrules.Ruleset) -> None:
    undated = starrules.Village.model_validate({**MODEL_VILLAGE, "as_of": None})
    (result,) = henan.evaluate_many([undated], on=date(2023, 6, 30))
    assert result.as_of == date(2023, 6, 30)


def test_evaluate_many_raises_at_the_bad_village_not_before(henan: starrules.Ruleset) -> None:
    good = starrules.Village.model_validate(MODEL_VILLAGE)
    bad = starrules.Village.model_validate({**MODEL_VILLAGE, "kind": "urban_community"})
    results = henan.evaluate_many([good, bad, good])
    assert next(results).level.value == 5
    with pytest.raises(starrules.EvaluationError):
        next(results)


# -- the fast path (Program.run) against the explaining path (Program.record) -------------


def reference_group(node: Group, statuses: list[Truth]) -> Truth:
    items = [statuses[item.index] for item in node.items]
    if node.rule == "all":
        return all_of(items)
    if node.rule == "any":
        return any_of(items)
    if node.rule == "at_least":
        return at_least(node.needed or 0, items)
    return min_points(node.needed or 0, [i.points or 0 for i in node.items], items)


def assert_paths_agree(ruleset: starrules.Ruleset, assessment: starrules.Assessment) -> None:
    """Program.run short-circuits; Program.record evaluates every node. Each star's status
    from the fast path must equal star_status() over the recorded grant, vetoes and
    requirements, and every recorded group must equal its reference group function."""
    statuses = ruleset.program.record(assessment.input)
    decided: dict[str, Truth] = {}
    for star in ruleset.tree.stars:
        vetoes = [None if statuses[v.index] is None else not statuses[v.index] for v in star.vetoes]
        decided[star.id] = star_status(
            statuses[star.grant.index], vetoes, [decided[r] for r in star.requires]
        )
        expected = {True: "granted", False: "denied", None: "undetermined"}[decided[star.id]]
        assert assessment.status(star.id) == expected, star.id
        for node in star.nodes:
            if isinstance(node, Group):
                assert statuses[node.index] == reference_group(node, statuses), node.id


@REFINEMENT
@given(henan_villages())
def test_fast_decisions_equal_the_recorded_outcomes(
    village: tuple[dict[str, Any], list[str]],
) -> None:
    values, _ = village
    assert_paths_agree(_HENAN, evaluate(values))
    assert_one_evaluator(_HENAN, make_village(values))


_GROUPS = starrules.load_ruleset(ROOT / "tests" / "fixtures" / "groups.yaml")
_GROUP_PATHS = sorted(
    {n for s in _GROUPS.stars for c in s.nodes if not isinstance(c, Group) for n in c.test.names}
)


@GROUPS
@given(st.fixed_dictionaries({p: st.sampled_from([True, False, None]) for p in _GROUP_PATHS}))
def test_fast_and_recorded_paths_agree_on_every_group_kind(values: dict[str, Any]) -> None:
    village = make_village({p: v for p, v in values.items() if v is not None})
    village = village.model_copy(update={"jurisdiction": "cn-test"})
    assert_paths_agree(_GROUPS, _GROUPS.evaluate(village, on=date(2024, 1, 1)))
    assert_one_evaluator(_GROUPS, village)


# -- re-deciding after a change (the monitor's native backend) ------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_rerun_after_a_change_equals_a_fresh_run(data: st.DataObject) -> None:
    from starrules.testing import small_rulesets, village_values, villages

    ruleset = data.draw(small_rulesets())
    before = data.draw(villages(ruleset))
    changed = data.draw(village_values(ruleset, unknown=0.3))
    path = data.draw(st.sampled_from(sorted(changed)))
    section, name = path.split(".")
    after = before.model_copy(
        update={section: getattr(before, section).model_copy(update={name: changed[path]})}
    )
    program = ruleset.program
    was = program.run(before).stars
    kept = list(was)
    again = program.rerun(after, was, [path])
    fresh = program.run(after)
    assert (again.stars, again.level) == (fresh.stars, fresh.level)
    statuses = program.restars(after, was, [path])
    assert statuses == fresh.stars and was == kept  # `before` is never changed
    assert (statuses is was) == (fresh.stars == kept)  # the same list when nothing changed


def test_rerun_re_decides_the_stars_that_require_a_changed_star() -> None:

    stars = [
        {
            "id": "jobs",
            "name": {"zh": "就业", "en": "jobs"},
            "grant": {
                "id": "g0",
                "all": [
                    {
                        "id": "c0",
                        "test": "industry.local_jobs >= 20",
                        "text": {"zh": "a", "en": "a"},
                    }
                ],
            },
        },
        {
            "id": "top",
            "requires": ["jobs"],
            "name": {"zh": "顶", "en": "top"},
            "grant": {
                "id": "g1",
                "all": [
                    {
                        "id": "c1",
                        "test": "ecology.garbage_system",
                        "text": {"zh": "b", "en": "b"},
                    }
                ],
            },
        },
    ]
    ruleset = ruleset_of(stars, ruleset_id="capstone")
    program = ruleset.program
    assert program.stars_reading("industry.local_jobs") == frozenset({0, 1})
    village = starrules.Village.model_validate(
        {
            "name": "村",
            "jurisdiction": "cn-test",
            "kind": "rural",
            "industry": {"local_jobs": 20},
            "ecology": {"garbage_system": True},
        }
    )
    fewer = village.model_copy(
        update={"industry": village.industry.model_copy(update={"local_jobs": 3})}
    )
    assert program.rerun(fewer, program.run(village).stars, ["industry.local_jobs"]).stars == [
        False,
        False,
    ]


def test_a_whole_float_is_a_count_for_a_declared_extra_count() -> None:
    ruleset = ruleset_of(
        [
            {
                "id": "industry",
                "name": {"zh": "产业", "en": "Industry"},
                "grant": {
                    "all": [
                        {
                            "id": "i.bags",
                            "test": "extra.bags >= 3",
                            "text": {"zh": "袋", "en": "Bags"},
                        }
                    ]
                },
            }
        ],
        indicators={
            "extra.bags": {"type": "count", "better": "higher", "zh": "袋数", "en": "Bags"}
        },
    )
    base = {"name": "村", "jurisdiction": "cn-test", "kind": "rural", "as_of": "2023-01-01"}
    assert (
        ruleset.evaluate(Village.model_validate({**base, "extra": {"bags": 3.0}})).status(
            "industry"
        )
        == "granted"
    )
    with pytest.raises(starrules.EvaluationError, match=r"extra\.bags = 3\.5"):
        ruleset.evaluate(Village.model_validate({**base, "extra": {"bags": 3.5}}))
