"""Benchmark: per-village time of a full starrules Assessment on the Henan rural ruleset.

Contenders, each timed over the same generated villages and repeated (median reported):

* ``starrules evaluate``: ``ruleset.evaluate(village)``, then the level and every star's status
  (the decided outcome; the per-criterion explanation is built lazily, on demand);
* ``starrules evaluate + full record``: the same plus ``to_record()``, which materialises every
  StarResult / CriterionResult with observed values and gaps;
* ``starrules full JSON``: ``evaluate`` then ``to_json()``, the full record as JSON bytes;
* ``starrules compact JSON line``: ``evaluate`` then ``to_json("compact")`` and a newline, what
  ``starrules evaluate --format jsonl`` writes per village;
* ``hand-written``: one plain Python function with the same grant logic, in three-valued logic;
* ``hand-written compact JSON line``: the compact record written out by hand for this
  ruleset (hand_compact.py), byte for byte starrules' line: a reference for the compact
  line's target, what code with nothing to interpret pays for the same line;
* ``hand-written compact record, not written``: the same, stopping before the JSON writer (the
  record as a dict): what no JSON writer, however fast, saves;
* ``durable-rules``: the same grant logic as durable-rules rules (when installed), without
  three-valued logic: assert the village as a fact, collect the grants, retract.

Ratios are paired: per repetition, a contender's time over the hand-written function's
(they ran one right after the other), then the median over repetitions.

Targets (from the issues): grants + level (``evaluate``) <= 2.5x the hand-written function
(issue 10; it was <= 4x), and >= 4x faster than durable-rules; full record (``to_record()``)
<= 8x and compact JSON line <= 6x the hand-written function, compact JSON <= 3 KB per village
(mean).
Run: ``python benchmarks/bench_evaluate.py [--villages N] [--json]``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import itertools
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RULESET = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
if importlib.util.find_spec("starrules") is None:  # running from a checkout
    sys.path.insert(0, str(ROOT / "src"))

from hand_compact import hand_compact_line, hand_compact_record  # noqa: E402

import starrules  # noqa: E402
from starrules import Status, Village  # noqa: E402
from starrules.rules import Criterion  # noqa: E402

Truth = bool | None
Outcome = tuple[tuple[Truth, ...], int, int]  # star statuses (ruleset order), level min, max

STARS = ("industry", "ecology", "safety", "civility", "branch")
PEERS = ("industry", "ecology", "safety", "civility")  # what the capstone `branch` requires
MISSING_RATE = 0.02
NOT_INSTALLED = "durable-rules: not installed (pip install 'starrules[rete]')"
JURISDICTIONS = (
    ("cn-henan/anyang/tangyin", "410523", "韩庄镇"),
    ("cn-henan/nanyang/xixia", "411323", "寨根乡"),
    ("cn-henan/nanyang/xixia", "411323", "回车镇"),
    ("cn-henan/luohe/yuanhui", "411102", "干河陈乡"),
    ("cn-henan/jiaozuo/boai", "410822", "许良镇"),
)

# --------------------------------------------------------------------------- villages

Gen = Callable[[random.Random], Any]


def _yes(p: float) -> Gen:
    return lambda rng: rng.random() < p


def _pick(values: Sequence[int], weights: Sequence[int]) -> Gen:
    return lambda rng: rng.choices(values, weights)[0]


def _rate(mean: float, sd: float) -> Gen:
    return lambda rng: round(min(1.0, max(0.0, rng.gauss(mean, sd))), 2)


def _lognormal(median: float, sigma: float) -> Gen:
    return lambda rng: int(rng.lognormvariate(math.log(median), sigma))


def _events(p_none: float, most: int) -> Gen:
    return lambda rng: 0 if rng.random() < p_none else rng.randint(1, most)


# Values around the Henan thresholds, so that every star is granted for some villages and
# denied for others, and the capstone (branch) is rare, as in the township reports.
GENERATORS: dict[str, dict[str, Gen]] = {
    "branch": {
        "secretary_strong": _yes(0.85),
        "reserve_cadres": _pick([1, 2, 3, 4, 5, 6], [3, 8, 35, 30, 18, 6]),  # bar: >= 3
        "three_meetings_one_lesson": _yes(0.93),
        "themed_party_days": lambda rng: rng.randint(6, 14),
        "member_review_done": _yes(0.92),
        "service_center_standard": _yes(0.88),
        "pioneer_posts": lambda rng: rng.randint(0, 8),
        "weak_and_lax": _yes(0.04),
    },
    "industry": {
        "collective_income": lambda rng: float(round(rng.lognormvariate(math.log(160_000), 0.7))),
        "one_village_one_product": _yes(0.80),
        "branch_led_cooperative": _yes(0.75),
        "dual_binding": _yes(0.55),
        "local_jobs": _lognormal(25, 0.8),  # bar: >= 20
        "skills_trainees": _lognormal(60, 0.8),  # bar: >= 50
        "wage_arrears_cases": _events(0.95, 3),
    },
    "ecology": {
        "sanitary_toilet_rate": _rate(0.90, 0.05),  # bar: >= 0.85
        "sewage_treatment_rate": _rate(0.62, 0.12),  # bar: >= 0.5
        "garbage_system": _yes(0.92),
        "cleaning_days_per_month": _pick([2, 3, 4, 5, 8], [4, 6, 60, 15, 15]),  # bar: >= 4
        "greening_rate": _rate(0.36, 0.07),  # bar: >= 0.3
        "hardened_road_rate": _rate(0.90, 0.05),
    },
    "safety": {
        "disputes_total": lambda rng: 0 if rng.random() < 0.1 else rng.randint(1, 60),
        "disputes_resolved": lambda rng: 0,  # derived from disputes_total below
        "grid_management": _yes(0.95),
        "video_coverage": _yes(0.88),
        "key_population_managed": _yes(0.94),
        "safety_inspections": lambda rng: rng.randint(2, 12),
        "legal_adviser": _yes(0.90),
        "escalated_petitions": _events(0.94, 2),
        "accidents_with_casualties": _events(0.97, 1),
        "criminal_cases": _events(0.95, 2),
    },
    "civility": {
        "practice_station": _yes(0.93),
        "village_rules": _yes(0.92),
        "councils": _pick([2, 3, 4, 5], [5, 10, 70, 15]),  # bar: >= 4
        "star_households": lambda rng: rng.randint(4, 30),  # bar: >= 10
        "activities": lambda rng: rng.randint(6, 36),  # bar: >= 12
    },
}


def generate_village(rng: random.Random, number: int) -> dict[str, Any]:
    """One village's JSON form; each indicator is absent (unknown) with probability 2%."""
    jurisdiction, county, township = rng.choice(JURISDICTIONS)
    data: dict[str, Any] = {
        "code": f"{county}{number // 1000 % 1000:03d}{number % 1000:03d}",
        "name": f"试点{number:05d}村",
        "jurisdiction": jurisdiction,
        "kind": "rural",
        "township": township,
        "as_of": "2023-12-31",
    }
    for section, fields in GENERATORS.items():
        values = {name: make(rng) for name, make in fields.items()}
        if section == "safety":
            total = values["disputes_total"]
            unresolved = 0 if rng.random() < 0.8 else rng.randint(1, max(1, total // 5))
            values["disputes_resolved"] = max(0, total - unresolved)
        data[section] = {k: v for k, v in values.items() if rng.random() >= MISSING_RATE}
    return data


def generate_villages(count: int, seed: int) -> list[Village]:
    rng = random.Random(seed)
    return [Village.model_validate(generate_village(rng, i)) for i in range(count)]


# ----------------------------------------------------------------------- hand-written


def hand_written(v: Village) -> Outcome:
    """The Henan rural grant logic written out by hand, in Kleene logic (None = unknown).

    Returns the five star statuses (True granted, False denied, None undetermined) in ruleset
    order and the level range (min, max) under the default level rule (number of stars).
    """
    ind, eco, saf, civ, br = v.industry, v.ecology, v.safety, v.civility, v.branch

    # 产业兴旺星: income, at least 2 of 3 engines, jobs or training.
    x = ind.collective_income
    income = None if x is None else x >= 100_000
    engines = (ind.branch_led_cooperative, ind.one_village_one_product, ind.dual_binding)
    yes = engines.count(True)
    two_engines = True if yes >= 2 else (False if yes + engines.count(None) < 2 else None)
    x = ind.local_jobs
    jobs = None if x is None else x >= 20
    x = ind.skills_trainees
    training = None if x is None else x >= 50
    if jobs or training:
        jobs_or_training: Truth = True
    elif jobs is None or training is None:
        jobs_or_training = None
    else:
        jobs_or_training = False
    tests: tuple[Truth, ...] = (income, two_engines, jobs_or_training)
    industry = False if False in tests else (None if None in tests else True)

    # 生态宜居星
    x = eco.sanitary_toilet_rate
    toilets = None if x is None else x >= 0.85
    x = eco.sewage_treatment_rate
    sewage = None if x is None else x >= 0.5
    x = eco.cleaning_days_per_month
    cleaning = None if x is None else x >= 4
    x = eco.greening_rate
    greening = None if x is None else x >= 0.3
    tests = (toilets, sewage, eco.garbage_system, cleaning, greening)
    ecology = False if False in tests else (None if None in tests else True)

    # 平安法治星: disputes resolved (0 of 0 passes), three checks, and the 三零 vetoes.
    total, resolved = saf.disputes_total, saf.disputes_resolved
    none_arose = None if total is None else total == 0
    rate_ok = None if total is None or resolved is None or total == 0 else resolved / total >= 0.95
    if none_arose or rate_ok:
        disputes: Truth = True
    elif none_arose is None or rate_ok is None:
        disputes = None
    else:
        disputes = False
    tests = (disputes, saf.grid_management, saf.video_coverage, saf.key_population_managed)
    grant = False if False in tests else (None if None in tests else True)
    x = saf.escalated_petitions
    petition = None if x is None else x > 0
    x = saf.accidents_with_casualties
    accident = None if x is None else x > 0
    x = saf.criminal_cases
    crime = None if x is None else x > 0
    vetoes = (petition, accident, crime)
    if grant is False or True in vetoes:
        safety: Truth = False
    elif grant is True and None not in vetoes:
        safety = True
    else:
        safety = None

    # 文明幸福星
    x = civ.councils
    councils = None if x is None else x >= 4
    x = civ.star_households
    households = None if x is None else x >= 10
    x = civ.activities
    activities = None if x is None else x >= 12
    tests = (civ.practice_station, civ.village_rules, councils, households, activities)
    civility = False if False in tests else (None if None in tests else True)

    # 支部过硬星: own standard, the weak-and-lax veto, and the other four stars (capstone).
    x = br.reserve_cadres
    cadres = None if x is None else x >= 3
    tests = (
        br.secretary_strong,
        cadres,
        br.three_meetings_one_lesson,
        br.member_review_done,
        br.service_center_standard,
    )
    grant = False if False in tests else (None if None in tests else True)
    weak = br.weak_and_lax
    required = (industry, ecology, safety, civility)
    if grant is False or weak is True or False in required:
        branch: Truth = False
    elif grant is True and weak is False and None not in required:
        branch = True
    else:
        branch = None

    stars = (industry, ecology, safety, civility, branch)
    low = stars.count(True)
    return stars, low, low + stars.count(None)


# ---------------------------------------------------------------------- durable-rules


def _at_least(k: int, conditions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """durable has no at-least-k: expand to $or of $and over the k-subsets."""
    return {"$or": [{"$and": list(c)} for c in itertools.combinations(conditions, k)]}


def durable_conditions() -> dict[str, dict[str, Any]]:
    """Per star, the condition for *granted* (vetoes as 'not triggered'); the capstone's
    `requires` is applied in Python. A missing field never matches, so unknown -> not granted.
    """

    def ge(field: str, limit: float | dict[str, Any]) -> dict[str, Any]:
        return {"$gte": {field: limit}}

    def no(field: str) -> dict[str, Any]:  # a '> 0' veto that is not triggered
        return {"$lte": {field: 0}}

    return {
        "industry": {
            "$and": [
                ge("industry_collective_income", 100_000),
                _at_least(
                    2,
                    [
                        {"industry_branch_led_cooperative": True},
                        {"industry_one_village_one_product": True},
                        {"industry_dual_binding": True},
                    ],
                ),
                {
                    "$or": [
                        ge("industry_local_jobs", 20),
                        ge("industry_skills_trainees", 50),
                    ]
                },
            ]
        },
        "ecology": {
            "$and": [
                ge("ecology_sanitary_toilet_rate", 0.85),
                ge("ecology_sewage_treatment_rate", 0.5),
                {"ecology_garbage_system": True},
                ge("ecology_cleaning_days_per_month", 4),
                ge("ecology_greening_rate", 0.3),
            ]
        },
        "safety": {
            "$and": [
                {
                    "$or": [
                        {"safety_disputes_total": 0},
                        # resolved / total >= 0.95, as resolved >= 0.95 * total
                        ge(
                            "safety_disputes_resolved",
                            {"$mul": {"$l": {"$m": "safety_disputes_total"}, "$r": 0.95}},
                        ),
                    ]
                },
                {"safety_grid_management": True},
                {"safety_video_coverage": True},
                {"safety_key_population_managed": True},
                no("safety_escalated_petitions"),
                no("safety_accidents_with_casualties"),
                no("safety_criminal_cases"),
            ]
        },
        "civility": {
            "$and": [
                {"civility_practice_station": True},
                {"civility_village_rules": True},
                ge("civility_councils", 4),
                ge("civility_star_households", 10),
                ge("civility_activities", 12),
            ]
        },
        "branch": {
            "$and": [
                {"branch_secretary_strong": True},
                ge("branch_reserve_cadres", 3),
                {"branch_three_meetings_one_lesson": True},
                {"branch_member_review_done": True},
                {"branch_service_center_standard": True},
                {"branch_weak_and_lax": False},
            ]
        },
    }


def _value(village: Village, path: str) -> Any:
    section, name = path.split(".")
    return getattr(getattr(village, section), name)


def rule_paths(ruleset: starrules.Ruleset) -> list[str]:
    """The indicators the ruleset's criteria and vetoes read."""
    found = {
        path
        for star in ruleset.stars
        for node in star.nodes
        if isinstance(node, Criterion)
        for path in node.test.names
    }
    return sorted(found)


def village_fact(village: Village, number: int, paths: Sequence[str]) -> dict[str, Any]:
    """The indicators the rules read, flattened; unknown ones left out (durable has no null)."""
    fact: dict[str, Any] = {"village": number}
    for path in paths:
        value = _value(village, path)
        if value is not None:
            fact[path.replace(".", "_")] = value
    return fact


class DurablePeer:
    """The Henan grant logic as one durable-rules ruleset; one fact per village."""

    NAME = "henan_rural_grants"

    def __init__(self) -> None:
        from durable import engine

        class QuietHost(engine.Host):  # type: ignore[misc]
            def _run(self) -> None:
                """Do not start the two timer threads: they act from other threads."""

        self.not_handled = engine.MessageNotHandledException
        self.fired: list[str] = []
        self.host = QuietHost()
        rules = {
            f"grant_{star}": {"all": [{"m": condition}], "run": self._action(star)}
            for star, condition in durable_conditions().items()
        }
        self.host.register_rulesets({self.NAME: rules})

    def _action(self, star: str) -> Callable[[Any], None]:
        fired = self.fired

        def run(_closure: Any) -> None:
            fired.append(star)

        return run

    def grants(self, fact: dict[str, Any]) -> set[str]:
        """Assert the fact, collect the stars granted, retract the fact."""
        fired = self.fired
        fired.clear()
        try:  # noqa: SIM105 (hot path: no context manager)
            self.host.assert_fact(self.NAME, fact)
        except self.not_handled:
            pass
        granted = set(fired)  # an $or with several true branches fires more than once
        if "branch" in granted and not granted.issuperset(PEERS):
            granted.discard("branch")
        try:  # noqa: SIM105 (hot path: no context manager)
            self.host.retract_fact(self.NAME, fact)
        except self.not_handled:
            pass
        return granted


def load_durable() -> DurablePeer | None:
    try:
        importlib.import_module("durable.engine")
    except ImportError:  # not installed, or the C extension fails to load (Python >= 3.13)
        return None
    return DurablePeer()


# --------------------------------------------------------------------------- timing


Contender = Callable[[Sequence[Any]], None]


def time_runs(
    contenders: dict[str, tuple[Contender, Sequence[Any]]], repeat: int
) -> dict[str, list[float]]:
    """µs per item for each run; contenders interleaved within each repetition."""
    runs: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, (run, items) in contenders.items():
            gc.collect()
            start = time.perf_counter_ns()
            run(items)
            runs[name].append((time.perf_counter_ns() - start) / 1000 / len(items))
    return runs


def paired_ratios(runs: dict[str, list[float]], name: str, base: str) -> list[float]:
    """Per repetition, `name`'s time over `base`'s: the two ran one right after the other,
    so a burst of load on this shared machine moves both, and the median of these ratios
    is steadier than the ratio of two medians taken apart."""
    return [mine / theirs for mine, theirs in zip(runs[name], runs[base], strict=True)]


def check_hand_written(ruleset: starrules.Ruleset, villages: Sequence[Village]) -> int:
    """Compare star statuses and the level range on every village; exit at the first mismatch."""
    to_truth = {Status.GRANTED: True, Status.DENIED: False, Status.UNDETERMINED: None}
    for village in villages:
        a = ruleset.evaluate(village)
        expected = (tuple(to_truth[a.status(s)] for s in STARS), a.level.min, a.level.max)
        got = hand_written(village)
        if got != expected:
            print(
                "DISAGREEMENT between the hand-written function and starrules\n"
                f"village: {village.model_dump_json(exclude_none=True)}\n"
                f"starrules:    stars {expected[0]} level {expected[1]}..{expected[2]}\n"
                f"hand-written: stars {got[0]} level {got[1]}..{got[2]}\n"
                f"{a.explain('en')}",
                file=sys.stderr,
            )
            raise SystemExit(1)
    return len(villages)


def check_hand_compact(
    ruleset: starrules.Ruleset, villages: Sequence[Village], key: dict[str, str]
) -> int:
    """The hand-written compact line must be starrules' byte for byte; exit at the first
    village where it is not."""
    for village in villages:
        expected = ruleset.evaluate(village).to_json("compact")
        got = hand_compact_line(village, key)
        if got != expected:
            print(
                "DISAGREEMENT between the hand-written compact line and starrules\n"
                f"starrules:    {expected.decode()}\nhand-written: {got.decode()}",
                file=sys.stderr,
            )
            raise SystemExit(1)
    return len(villages)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--villages", type=int, default=10_000, metavar="N")
    parser.add_argument("--seed", type=int, default=2023, metavar="S")
    parser.add_argument("--repeat", type=int, default=7, metavar="R")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.villages < 1 or args.repeat < 1:
        parser.error("--villages and --repeat must be at least 1")
    began = time.perf_counter()

    ruleset = starrules.load_ruleset(RULESET)
    assert tuple(s.id for s in ruleset.stars) == STARS, "the ruleset's stars changed"
    villages = generate_villages(args.villages, args.seed)
    n = len(villages)
    read_paths = rule_paths(ruleset)
    complete = [
        i for i, v in enumerate(villages) if all(_value(v, p) is not None for p in read_paths)
    ]

    # Faithfulness first (untimed): the hand-written function must agree everywhere.
    agreed = check_hand_written(ruleset, villages)
    ruleset_key = {"id": ruleset.id, "version": ruleset.version, "fingerprint": ruleset.fingerprint}
    compact_agreed = check_hand_compact(ruleset, villages, ruleset_key)
    mix = {s: Counter(ruleset.evaluate(v).status(s).value for v in villages) for s in STARS}
    levels = Counter(hand_written(v)[1] for v in villages)

    durable = load_durable()
    facts: list[dict[str, Any]] = []
    durable_agreement: dict[str, int] = {}
    if durable is not None:
        facts = [village_fact(v, i, read_paths) for i, v in enumerate(villages)]
        same = over = over_incomplete = 0
        complete_set = set(complete)
        for i, (village, fact) in enumerate(zip(villages, facts, strict=True)):
            ours = set(ruleset.evaluate(village).granted)
            theirs = durable.grants(fact)
            same += i in complete_set and theirs == ours
            if not theirs <= ours:  # durable grants a star that starrules does not
                over += 1
                over_incomplete += i not in complete_set
        durable_agreement = {
            "complete_same": same,
            "complete": len(complete),
            "over_granted": over,
            "over_granted_with_unknowns": over_incomplete,
        }

    evaluate = ruleset.evaluate

    def run_starrules(items: Sequence[Any]) -> None:
        for village in items:
            a = evaluate(village)
            a.level  # noqa: B018
            for star in STARS:
                a.status(star)

    def run_starrules_record(items: Sequence[Any]) -> None:
        for village in items:
            a = evaluate(village)
            a.level  # noqa: B018
            for star in STARS:
                a.status(star)
            a.to_record()

    def run_full_json(items: Sequence[Any]) -> None:
        for village in items:
            evaluate(village).to_json()

    def run_compact_line(items: Sequence[Any]) -> None:
        for village in items:
            evaluate(village).to_json("compact") + b"\n"

    def run_hand_compact(items: Sequence[Any]) -> None:
        for village in items:
            hand_compact_line(village, ruleset_key) + b"\n"

    def run_hand_compact_record(items: Sequence[Any]) -> None:
        for village in items:
            hand_compact_record(village, ruleset_key)

    def run_hand_written(items: Sequence[Any]) -> None:
        for village in items:
            hand_written(village)

    contenders: dict[str, tuple[Contender, Sequence[Any]]] = {
        "hand-written": (run_hand_written, villages),
        "starrules evaluate": (run_starrules, villages),
        "starrules evaluate + full record": (run_starrules_record, villages),
        "starrules full JSON": (run_full_json, villages),
        "starrules compact JSON line": (run_compact_line, villages),
        "hand-written compact JSON line": (run_hand_compact, villages),
        "hand-written compact record, not written": (run_hand_compact_record, villages),
    }
    if durable is not None:
        grants = durable.grants

        def run_durable(items: Sequence[Any]) -> None:
            for fact in items:
                grants(fact)

        contenders["durable-rules"] = (run_durable, facts)
    elif args.json:
        print(NOT_INSTALLED, file=sys.stderr)

    for run, items in contenders.values():  # warm up
        run(items[:500])
    runs = time_runs(contenders, args.repeat)
    medians = {name: statistics.median(values) for name, values in runs.items()}

    ratios = {name: paired_ratios(runs, name, "hand-written") for name in contenders}
    ratio_full = statistics.median(ratios["starrules evaluate"])
    ratio_durable = (
        statistics.median(paired_ratios(runs, "durable-rules", "starrules evaluate"))
        if durable is not None
        else None
    )
    ratio_record = statistics.median(ratios["starrules evaluate + full record"])
    ratio_compact = statistics.median(ratios["starrules compact JSON line"])
    compact_bytes = statistics.fmean(len(evaluate(v).to_json("compact")) + 1 for v in villages)
    full_bytes = statistics.fmean(len(evaluate(v).to_json()) for v in villages[:1000])
    elapsed = time.perf_counter() - began

    report: dict[str, Any] = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "starrules": starrules.__version__,
        "ruleset": f"{ruleset.id}@{ruleset.version}",
        "villages": n,
        "seed": args.seed,
        "repeat": args.repeat,
        "durable_rules_installed": durable is not None,
        "complete_villages": len(complete),
        "stars": {s: dict(mix[s]) for s in STARS},
        "levels": {str(k): levels[k] for k in sorted(levels)},
        "contenders": {
            name: {
                "median_us": medians[name],
                "runs_us": runs[name],
                "vs_hand_written": statistics.median(ratios[name]),
                "vs_hand_written_by_run": ratios[name],
            }
            for name in contenders
        },
        "agreement": {
            "hand_written": {"same": agreed, "villages": n},
            "hand_written_compact": {"same": compact_agreed, "villages": n},
            "durable_rules": durable_agreement or None,
        },
        "targets": {
            "full_over_hand_written": {
                "ratio": ratio_full,
                "by_run": ratios["starrules evaluate"],
                "target": "<= 2.5",
                "pass": ratio_full <= 2.5,
            },
            "full_record_over_hand_written": {
                "ratio": ratio_record,
                "target": "<= 8",
                "pass": ratio_record <= 8,
            },
            "compact_line_over_hand_written": {
                "ratio": ratio_compact,
                "target": "<= 6",
                "pass": ratio_compact <= 6,
            },
            "hand_compact_line_over_hand_written": {
                "ratio": statistics.median(ratios["hand-written compact JSON line"]),
                "note": "a reference: the compact line in code written for this ruleset",
            },
            "hand_compact_record_over_hand_written": {
                "ratio": statistics.median(ratios["hand-written compact record, not written"]),
                "note": "a reference: the same, before any JSON is written",
            },
            "compact_bytes_per_village": {
                "bytes": compact_bytes,
                "full_bytes": full_bytes,
                "target": "<= 3072",
                "pass": compact_bytes <= 3072,
            },
            "durable_over_starrules": {
                "ratio": ratio_durable,
                "target": ">= 4",
                "pass": None if ratio_durable is None else ratio_durable >= 4,
            },
        },
        "elapsed_s": elapsed,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print_report(report)
    return 0


def print_report(r: dict[str, Any]) -> None:
    n = r["villages"]
    print(f"starrules {r['starrules']} benchmark: ruleset {r['ruleset']} (Henan rural)")
    print(
        f"{r['implementation']} {r['python']} on {r['platform']} ({r['cpus']} CPUs, load "
        f"{r['load_average']}); N={n:,} villages, "
        f"seed={r['seed']}, repeat={r['repeat']}; {r['complete_villages']:,} villages with "
        f"every indicator the rules read known (~{MISSING_RATE:.0%} missing each)"
    )
    mix = ", ".join(
        f"{s} {c.get('granted', 0)}/{c.get('denied', 0)}/{c.get('undetermined', 0)}"
        for s, c in r["stars"].items()
    )
    print(f"stars granted/denied/undetermined: {mix}")
    print("level min (granted stars): " + ", ".join(f"{k}: {v}" for k, v in r["levels"].items()))
    print()
    print(f"{'contender':<40} {'median µs/village':>17} {'min–max µs':>15} {'vs hand-written':>16}")
    for name, c in r["contenders"].items():
        spread = f"{min(c['runs_us']):.2f}–{max(c['runs_us']):.2f}"
        print(f"{name:<40} {c['median_us']:>17.2f} {spread:>15} {c['vs_hand_written']:>15.1f}×")
    if not r["durable_rules_installed"]:
        print(NOT_INSTALLED)
    print()
    hw = r["agreement"]["hand_written"]
    print(f"agreement hand-written = starrules (star statuses, level range): {hw['same']:,}/{n:,}")
    hc = r["agreement"]["hand_written_compact"]
    print(f"agreement hand-written compact line = starrules', byte for byte: {hc['same']:,}/{n:,}")
    d = r["agreement"]["durable_rules"]
    if d:
        print(
            f"agreement durable-rules grants = starrules grants on complete villages: "
            f"{d['complete_same']:,}/{d['complete']:,}"
        )
        print(
            f"durable-rules grants a star starrules does not on {d['over_granted']:,} villages "
            f"({d['over_granted_with_unknowns']:,} of them with unknown indicators)"
        )
    print()
    t = r["targets"]["full_over_hand_written"]
    print(
        f"grants + level (evaluate) / hand-written = {t['ratio']:.1f}× (per repetition "
        f"{min(t['by_run']):.1f}–{max(t['by_run']):.1f}×; target ≤ 2.5×): "
        f"{'PASS' if t['pass'] else 'FAIL'}"
    )
    t = r["targets"]["full_record_over_hand_written"]
    print(
        f"full record (to_record) / hand-written = {t['ratio']:.1f}× (target ≤ 8×): "
        f"{'PASS' if t['pass'] else 'FAIL'}"
    )
    t = r["targets"]["compact_line_over_hand_written"]
    print(
        f"compact JSON line / hand-written = {t['ratio']:.1f}× (target ≤ 6×): "
        f"{'PASS' if t['pass'] else 'FAIL'}"
    )
    t = r["targets"]["hand_compact_line_over_hand_written"]
    print(
        f"  for reference: the same line written by hand for this ruleset = {t['ratio']:.1f}× "
        "the hand-written grant function"
    )
    t = r["targets"]["hand_compact_record_over_hand_written"]
    print(f"  and the same record built by hand, before any JSON is written = {t['ratio']:.1f}×")
    t = r["targets"]["compact_bytes_per_village"]
    print(
        f"compact JSON per village = {t['bytes']:,.0f} bytes (full: {t['full_bytes']:,.0f}; "
        f"target ≤ 3 KB): {'PASS' if t['pass'] else 'FAIL'}"
    )
    t = r["targets"]["durable_over_starrules"]
    if t["ratio"] is None:
        print("durable-rules / starrules: n/a (durable-rules not installed)")
    else:
        print(
            f"durable-rules / starrules = {t['ratio']:.1f}× (target ≥ 4×): "
            f"{'PASS' if t['pass'] else 'FAIL'}"
        )
    print(f"elapsed: {r['elapsed_s']:.1f} s (generation, agreement checks and timing)")


if __name__ == "__main__":
    raise SystemExit(main())
