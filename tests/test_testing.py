"""The property checks of `starrules.testing` catch faults.

Each ruleset under tests/fixtures/faulty/ loads fine but is wrong in one way (its header
comment says how). Every check must catch its fault, with a shrunk counterexample that
the engine itself confirms, and must not fire on the other fixtures or on sound rulesets.
The strategies (`villages`, `small_rulesets`) are tested for what the checks rely on.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import starrules
from starrules.indicators import IndicatorKind
from starrules.village import STANDARD_INDICATORS

testing = pytest.importorskip("starrules.testing")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
FAULTY = FIXTURES / "faulty"
MINIMAL = FIXTURES / "minimal.yaml"
WITH_EXTRA = FIXTURES / "with_extra.yaml"
HENAN = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"

EXAMPLES = 100  # per check on the faulty fixtures
CONTROL_EXAMPLES = 50  # per check on the sound rulesets
RANK = {"granted": 2, "undetermined": 1, "denied": 0}

QUIET = settings(
    database=None,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


# -- helpers -------------------------------------------------------------------------------


@functools.cache
def load(path: Path) -> starrules.Ruleset:
    return starrules.load_ruleset(path)


@functools.cache
def faulty_registry() -> starrules.Registry:
    return starrules.Registry.from_paths([FAULTY])


@functools.cache
def fingerprints_elsewhere() -> dict[str, Any]:
    """The deterministic check's fingerprints from fresh processes, computed once for every
    ruleset of this module (the subprocesses are the slow part of run_checks)."""
    if "elsewhere" not in inspect.signature(testing.run_checks).parameters:
        return {}
    rulesets = [load(MINIMAL), load(WITH_EXTRA), load(HENAN), *faulty_registry().rulesets]
    return {"elsewhere": testing.fingerprints_elsewhere(rulesets)}


def run_checks(ruleset: starrules.Ruleset, **options: Any) -> list[Any]:
    options = {"max_examples": CONTROL_EXAMPLES, "seed": 0, **options}
    return testing.run_checks(ruleset, **fingerprints_elsewhere(), **options)


def overlay_and_parent() -> tuple[starrules.Ruleset, starrules.Ruleset]:
    registry = faulty_registry()
    (overlay,) = [rs for rs in registry.rulesets if rs.jurisdiction == "cn-test/county"]
    (parent,) = [rs for rs in registry.rulesets if rs.layers == overlay.layers[:-1]]
    return overlay, parent


def as_village(value: Any) -> starrules.Village:
    """A generated or reported village, validated (a Village is re-validated from JSON)."""
    if isinstance(value, starrules.Village):
        return starrules.Village.model_validate_json(value.model_dump_json())
    return starrules.Village.model_validate(value)


def evaluate(ruleset: starrules.Ruleset, village: Any) -> starrules.Assessment:
    return ruleset.evaluate(as_village(village), check_dates=False)


def statuses(assessment: starrules.Assessment) -> dict[str, str]:
    return {star_id: str(star.status) for star_id, star in assessment.stars.items()}


def known(village: starrules.Village) -> dict[str, Any]:
    return dict(village.indicator_values())


def sample(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """Up to n generated values, reproducibly (no shrinking, no example database)."""
    out: list[Any] = []

    @settings(QUIET, max_examples=n, phases=[Phase.generate])
    @given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out


def indicators_read(ruleset: starrules.Ruleset) -> set[str]:
    """Every indicator path a criterion, veto or level condition of the ruleset reads."""
    catalogue = {*STANDARD_INDICATORS, *ruleset.tree.indicators}
    names: set[str] = set()
    for star in ruleset.stars:
        for node in star.nodes:
            test = getattr(node, "test", None)
            if test is not None:
                names.update(test.names)
    for level in ruleset.tree.levels or ():
        names.update(level.when.names)
    return names & catalogue


def spec_of(ruleset: starrules.Ruleset, path: str) -> Any:
    return ruleset.tree.indicators.get(path) or STANDARD_INDICATORS[path]


def failing(results: list[Any]) -> dict[str, Any]:
    return {r.name: r for r in results if not r.passed}


def reports(results: list[Any]) -> str:
    return "\n\n".join(r.report() for r in results if not r.passed)


def ids(responsible: list[str]) -> list[str]:
    """The ids a result blames (an entry may carry a note after the id: `x.y (pass → fail)`)."""
    return [entry.split(" ", 1)[0] for entry in responsible]


def is_simplest(value: Any) -> bool:
    """A value hypothesis shrinks an irrelevant indicator to."""
    return value in (0, False)


# -- 1. monotonicity -------------------------------------------------------------------------


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in testing.__all__:
        assert getattr(testing, name) is not None, name
    assert set(testing.__all__) <= set(dir(testing))
    with pytest.raises(AttributeError):
        _ = testing.no_such_name


def test_monotone_catches_an_upper_bound_on_a_better_higher_indicator() -> None:
    ruleset = load(FAULTY / "non-monotone.yaml")
    result = testing.check_monotone(ruleset, max_examples=EXAMPLES, seed=0)

    assert not result.passed, result.report()
    assert result.name == "monotone" and f"{ruleset.id}@{ruleset.version}" in result.ruleset
    assert ids(result.responsible) == ["industry.income-cap"], result.report()
    assert result.counterexample is not None and result.before and result.after

    # The counterexample is a valid village of this ruleset, shrunk: income between the
    # floor and the cap, a cooperative, and the (sound) ecology star's indicators unknown
    # or at their simplest.
    village = as_village(result.counterexample)
    values = known(village)
    assert 100_000 <= values["industry.collective_income"] <= 300_000, result.report()
    assert values.get("industry.branch_led_cooperative") is True, result.report()
    irrelevant = {k: v for k, v in values.items() if k.startswith("ecology.")}
    assert all(is_simplest(v) for v in irrelevant.values()), result.report()

    # The disagreement: an improvement made the industry star worse, and only that star.
    before, after = result.before["stars"], result.after["stars"]
    assert RANK[str(after["industry"])] < RANK[str(before["industry"])], result.report()
    assert before["ecology"] == after["ecology"]

    # The engine confirms it: the counterexample as given, then 1 CNY over the cap.
    assert statuses(evaluate(ruleset, village)) == {k: str(v) for k, v in before.items()}
    richer = village.model_dump(mode="json")
    richer["industry"]["collective_income"] = 300_001
    assert statuses(evaluate(ruleset, richer))["industry"] == "denied"
    assert "industry.income-cap" in result.report()


# The cap of a band is found from what the expression means, not only from its literals.
COMPUTED_BANDS = [
    # fixture, criterion, the indicator moved, the lowest value over the cap
    ("computed-band.yaml", "industry.income-band", "industry.collective_income", 300_001),
    ("computed-offset.yaml", "industry.jobs-band", "industry.local_jobs", 151),
    ("computed-ratio.yaml", "safety.resolved-band", "safety.disputes_resolved", None),
]


@pytest.mark.parametrize(
    ("fixture", "criterion", "path", "over"), COMPUTED_BANDS, ids=lambda v: str(v)
)
def test_monotone_catches_a_band_whose_cap_is_computed(
    fixture: str, criterion: str, path: str, over: int | None
) -> None:
    ruleset = load(FAULTY / fixture)
    result = testing.check_monotone(ruleset, max_examples=EXAMPLES, seed=0)

    assert not result.passed, result.report()
    assert ids(result.responsible) == [criterion], result.report()
    assert result.counterexample is not None and result.before and result.after
    star = criterion.split(".", 1)[0]
    assert result.before["stars"][star] == "granted", result.report()
    assert result.after["stars"][star] != "granted", result.report()

    # Shrunk: the (sound) ecology star's indicators unknown or at their simplest.
    village = as_village(result.counterexample)
    values = known(village)
    irrelevant = {k: v for k, v in values.items() if k.startswith("ecology.")}
    assert all(is_simplest(v) for v in irrelevant.values()), result.report()

    # The engine confirms it: granted as given, denied just over the computed cap.
    assert statuses(evaluate(ruleset, village))[star] == "granted"
    if over is None:  # the ratio's cap: 80% of the disputes found
        total = values["safety.disputes_total"]
        assert total >= 100 and 0.5 <= values[path] / total < 0.8, result.report()
        over = -(-total * 4 // 5)  # the fewest resolved that reach 80%
    assert values[path] < over, result.report()
    better = village.model_dump(mode="json")
    section, key = path.split(".")
    better[section][key] = over
    assert statuses(evaluate(ruleset, better))[star] == "denied"


# -- refinement ------------------------------------------------------------------------------


def test_refinement_catches_a_decision_that_more_data_overturns() -> None:
    ruleset = load(FAULTY / "non-refining.yaml")
    result = testing.check_refinement(ruleset, max_examples=EXAMPLES, seed=0)

    assert not result.passed, result.report()
    assert result.name == "refinement"
    assert "industry.unreported" in ids(result.responsible), result.report()
    assert not any(r.startswith("ecology") for r in ids(result.responsible)), result.report()
    assert result.counterexample is not None and result.before and result.after
    # The counterexample leaves the income unknown; filling it in takes the star away.
    village = as_village(result.counterexample)
    assert "industry.collective_income" not in known(village), result.report()
    assert statuses(evaluate(ruleset, village))["industry"] == "granted"
    assert result.before["stars"]["industry"] == "granted"
    assert result.after["stars"]["industry"] != "granted"
    poorer = village.model_dump(mode="json")
    poorer["industry"]["collective_income"] = 50_000
    assert statuses(evaluate(ruleset, poorer))["industry"] == "denied"


# -- 2. tighten-only -------------------------------------------------------------------------


def test_tighten_only_catches_an_overlay_that_lowers_a_threshold() -> None:
    overlay, parent = overlay_and_parent()
    assert [la.jurisdiction for la in overlay.layers] == ["cn-test", "cn-test/county"]
    result = testing.check_tighten_only(overlay, parent, max_examples=EXAMPLES, seed=0)

    assert not result.passed, result.report()
    assert result.name == "tighten-only"
    assert ids(result.responsible) == ["industry.income"], result.report()
    assert result.counterexample is not None and result.before and result.after

    # A village the overlay grants the industry star and the province does not: income in
    # the band the overlay opened, 100,000 to 199,999 CNY.
    village = as_village(result.counterexample)
    income = known(village).get("industry.collective_income")
    assert income is not None and 100_000 <= income < 200_000, result.report()
    assert income == 100_000, "shrunk to the overlay's new bar"
    assert village.jurisdiction.startswith("cn-test/county")
    assert statuses(evaluate(overlay, village))["industry"] == "granted"
    assert statuses(evaluate(parent, village))["industry"] != "granted"
    granted_by = {
        name: str(side["stars"]["industry"])
        for name, side in (("before", result.before), ("after", result.after))
    }
    assert sorted(granted_by.values()) != ["granted", "granted"]
    assert "granted" in granted_by.values()


def test_tighten_only_passes_for_a_ruleset_against_itself_and_a_strict_overlay() -> None:
    _, parent = overlay_and_parent()
    assert testing.check_tighten_only(parent, parent, max_examples=20, seed=0).passed
    registry = starrules.Registry.default()
    (xixia,) = [
        rs
        for rs in registry.rulesets
        if rs.jurisdiction == "cn-henan/nanyang/xixia" and len(rs.layers) == 2
    ]
    (province,) = [rs for rs in registry.rulesets if rs.layers == xixia.layers[:-1]]
    result = testing.check_tighten_only(xixia, province, max_examples=CONTROL_EXAMPLES, seed=0)
    assert result.passed, result.report()


# -- 3. reachability -------------------------------------------------------------------------


def test_reachable_names_a_star_no_village_can_get() -> None:
    ruleset = load(FAULTY / "unreachable.yaml")
    result = testing.check_reachable(ruleset, max_examples=EXAMPLES, seed=0)

    assert not result.passed, result.report()
    assert result.name == "reachable"
    assert "safety" in result.message
    assert "industry" not in result.message.replace("industry.", "")
    assert "safety" in result.responsible or any(
        r.startswith("safety.") for r in ids(result.responsible)
    ), result.report()
    assert not any(r.startswith("industry") for r in result.responsible), result.report()


# -- 4. levels nest --------------------------------------------------------------------------


def test_levels_nest_catches_a_higher_level_that_skips_a_lower_one() -> None:
    ruleset = load(FAULTY / "non-nesting-levels.yaml")
    result = testing.check_levels_nest(ruleset, max_examples=EXAMPLES, seed=0)

    assert not result.passed, result.report()
    assert result.name == "levels-nest"
    assert result.counterexample is not None, result.report()
    assert "3" in result.message and "2" in result.message
    village = as_village(result.counterexample)
    # Industry granted and ecology not: level 3's `when` holds, level 2's does not.
    assessment = evaluate(ruleset, village)
    assert statuses(assessment)["industry"] == "granted", result.report()
    assert statuses(assessment)["ecology"] != "granted", result.report()
    conditions = dict(ruleset.level_conditions(village))
    assert conditions[3] is True and conditions[2] is not True
    assert assessment.level.max == 3
    # Shrunk: nothing but the two indicators the stars read, at the bar or at their simplest.
    values = known(village)
    assert set(values) <= {"industry.collective_income", "ecology.sanitary_toilet_rate"}
    assert values["industry.collective_income"] == 100_000, result.report()
    assert is_simplest(values.get("ecology.sanitary_toilet_rate", 0)), result.report()

    # The same seed gives the same counterexample.
    again = testing.check_levels_nest(ruleset, max_examples=EXAMPLES, seed=0)
    assert (again.counterexample, again.responsible) == (
        result.counterexample,
        result.responsible,
    )


# -- each fault trips its own check (tested above) and no other ------------------------------


@pytest.mark.parametrize(
    ("fixture", "own"),
    [
        ("non-monotone.yaml", "monotone"),
        ("non-refining.yaml", "refinement"),
        ("unreachable.yaml", "reachable"),
        ("non-nesting-levels.yaml", "levels-nest"),
        *((fixture, "monotone") for fixture, *_ in COMPUTED_BANDS),
    ],
)
def test_a_fault_trips_no_other_check(fixture: str, own: str) -> None:
    assert own in testing.CHECKS
    results = run_checks(load(FAULTY / fixture), skip=(own,))
    assert [r.name for r in results] == [
        n for n in testing.CHECKS if n not in (own, "tighten-only")
    ]
    assert not failing(results), reports(results)


def test_the_loose_overlay_trips_no_other_check() -> None:
    # run_checks with the parent runs tighten-only too: see the CLI test of the overlay.
    overlay, parent = overlay_and_parent()
    results = run_checks(overlay, parent=parent, skip=("tighten-only",))
    assert [r.name for r in results] == [n for n in testing.CHECKS if n != "tighten-only"]
    assert not failing(results), reports(results)


def test_run_checks_skip() -> None:
    results = run_checks(load(FAULTY / "non-monotone.yaml"), max_examples=10, skip=("monotone",))
    assert "monotone" not in {r.name for r in results}
    assert all(r.passed for r in results), reports(results)


def test_an_unknown_check_to_skip_is_refused_by_name_with_a_suggestion(tmp_path: Path) -> None:
    """A misspelt check is an InputError (never a bare ValueError), in either language."""
    with pytest.raises(starrules.InputError) as refused:
        run_checks(load(FAULTY / "non-monotone.yaml"), skip=("monotne",))
    assert "unknown check 'monotne' (did you mean 'monotone'?)" in str(refused.value)
    assert refused.value.render("zh").endswith("[SR714]")
    assert "没有名为 'monotne' 的检查" in refused.value.render("zh")
    with pytest.raises(starrules.InputError, match="unknown check 'refine'"):
        testing.run_all_checks([FAULTY / "non-monotone.yaml"], skip=("refine",))


def test_a_workers_error_reaches_the_caller_with_its_type_and_code(tmp_path: Path) -> None:
    """What a worker process cannot load (the files changed under it) is handed to the
    caller as the worker raised it, with its type and codes (it pickles as it is)."""
    from starrules.testing.runner import _Settings, _work

    missing = tmp_path / "gone.yaml"
    settings = _Settings((str(missing),), max_examples=5, seed=0, elsewhere=None)
    result, _, error = _work(settings, (("x@1",), "0" * 64), "monotone")
    assert result is None and isinstance(error, starrules.RulesetError)
    assert error.problems and all(p.code != "SR900" for p in error.problems)


# -- 5. sound rulesets pass every check ------------------------------------------------------


@pytest.mark.parametrize("path", [MINIMAL, WITH_EXTRA, HENAN], ids=lambda p: p.name)
def test_sound_rulesets_pass_every_check(path: Path) -> None:
    ruleset = load(path)
    results = run_checks(ruleset)
    names = [r.name for r in results]  # every check but tighten-only (no parent given)
    assert names == [n for n in testing.CHECKS if n != "tighten-only"], names
    assert not failing(results), reports(results)
    for result in results:
        assert result.counterexample is None and result.responsible == []
        assert result.examples >= 0 and isinstance(result.report(), str)


# -- 6. the villages strategy ----------------------------------------------------------------


@pytest.mark.parametrize("path", [MINIMAL, WITH_EXTRA, HENAN], ids=lambda p: p.name)
def test_generated_villages_are_valid_villages_of_the_ruleset(path: Path) -> None:
    ruleset = load(path)
    declared_extra = {
        p.removeprefix("extra.") for p in ruleset.tree.indicators if p.startswith("extra.")
    }
    for generated in sample(testing.villages(ruleset), 150):
        village = as_village(generated)
        assert village.kind == ruleset.kind
        assert village.jurisdiction == ruleset.jurisdiction or village.jurisdiction.startswith(
            ruleset.jurisdiction + "/"
        )
        assert set(village.extra) <= declared_extra, village.extra
        for indicator, value in known(village).items():
            kind = spec_of(ruleset, indicator).kind
            if kind is IndicatorKind.BOOL:
                assert isinstance(value, bool), (indicator, value)
            elif kind is IndicatorKind.COUNT:
                assert isinstance(value, int) and not isinstance(value, bool), (indicator, value)
                assert value >= 0, (indicator, value)
            elif kind is IndicatorKind.RATE:
                assert 0 <= value <= 1, (indicator, value)
            elif kind is IndicatorKind.MONEY:
                assert value >= 0, (indicator, value)
        evaluate(ruleset, village)  # evaluable: no undeclared extra, right kind and place


@pytest.mark.parametrize("path", [MINIMAL, WITH_EXTRA, HENAN], ids=lambda p: p.name)
def test_with_no_unknowns_every_indicator_read_is_known(path: Path) -> None:
    ruleset = load(path)
    read = indicators_read(ruleset)
    assert read
    for generated in sample(testing.villages(ruleset, unknown=0), 60):
        village = as_village(generated)
        assert read <= set(known(village)), read - set(known(village))
        assert evaluate(ruleset, village).missing == []


def test_villages_leave_indicators_unknown_by_default() -> None:
    ruleset = load(MINIMAL)
    read = indicators_read(ruleset)
    villages = [as_village(v) for v in sample(testing.villages(ruleset), 150)]
    assert any(read - set(known(v)) for v in villages), "no village with an unknown indicator"


def test_generated_values_cluster_around_the_thresholds() -> None:
    """minimal.yaml tests income >= 100000, toilets >= 0.85, roads >= 0.9, arrears > 0."""
    ruleset = load(MINIMAL)
    seen: dict[str, set[Any]] = {}
    for generated in sample(testing.villages(ruleset, unknown=0), 300):
        for indicator, value in known(as_village(generated)).items():
            seen.setdefault(indicator, set()).add(value)

    def near(indicator: str, threshold: float, eps: float) -> None:
        values = seen.get(indicator, set())
        assert threshold in values, (indicator, sorted(values)[:20])
        assert any(threshold - eps <= v < threshold for v in values), (indicator, threshold)
        assert any(threshold < v <= threshold + eps for v in values), (indicator, threshold)

    near("industry.collective_income", 100_000, 1)
    near("ecology.sanitary_toilet_rate", 0.85, 0.0101)
    near("ecology.hardened_road_rate", 0.9, 0.0101)
    assert {0, 1} <= seen.get("industry.wage_arrears_cases", set())
    assert {True, False} <= seen.get("branch.secretary_strong", set())


def test_extra_indicators_are_generated_around_their_thresholds() -> None:
    ruleset = load(WITH_EXTRA)  # extra.mushroom_bags >= 1000, a count
    bags = {
        as_village(v).extra.get("mushroom_bags")
        for v in sample(testing.villages(ruleset, unknown=0), 200)
    }
    assert None not in bags
    assert all(isinstance(b, int) and b >= 0 for b in bags)
    assert {999, 1000, 1001} & bags and any(b >= 1000 for b in bags) and any(b < 1000 for b in bags)


# -- 7. the small_rulesets strategy ----------------------------------------------------------


@settings(QUIET, max_examples=40)
@given(st.data())
def test_small_rulesets_evaluate_their_villages_deterministically(data: st.DataObject) -> None:
    ruleset = data.draw(testing.small_rulesets())
    assert isinstance(ruleset, starrules.Ruleset)
    village = as_village(data.draw(testing.villages(ruleset)))
    first, again = evaluate(ruleset, village), evaluate(ruleset, village)
    assert first.model_dump(mode="json") == again.model_dump(mode="json")
    level = first.level
    assert 0 <= level.min <= level.max
    assert level.value is None or level.value == level.min == level.max
    if ruleset.tree.levels is None:  # default rule: level = number of granted stars
        stars = statuses(first).values()
        granted = sum(s == "granted" for s in stars)
        assert level.min == granted
        assert level.max == granted + sum(s == "undetermined" for s in stars)


# -- the command line ------------------------------------------------------------------------


def _cli_has_check() -> bool:
    from starrules.cli import cli

    return "check" in cli.commands


needs_cli = pytest.mark.skipif(not _cli_has_check(), reason="`starrules check` not there yet")


def _json_objects(text: str) -> list[Any]:
    """Every JSON object that starts a line of the output (pretty-printed or one line)."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    for i, ch in enumerate(text):
        if ch != "{":
            continue
        line_start = text.rfind("\n", 0, i) + 1
        if not text[line_start:i].strip() or text[:i].endswith(": "):
            try:
                value, _ = decoder.raw_decode(text, i)
            except json.JSONDecodeError:
                continue
            found.append(value)
    return found


@needs_cli
def test_cli_check_prints_the_counterexample_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from starrules.cli import main

    code = main(["check", str(FAULTY / "non-monotone.yaml"), "--examples", "50"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 1, text
    assert "industry.income-cap" in text
    villages = [o for o in _json_objects(text) if "industry" in o and "jurisdiction" in o]
    assert villages, text
    assert "collective_income" in villages[0]["industry"]
    as_village(villages[0])


@needs_cli
def test_cli_check_catches_the_loose_overlay(capsys: pytest.CaptureFixture[str]) -> None:
    from starrules.cli import main

    files = [str(FAULTY / "loose-base.yaml"), str(FAULTY / "loose-overlay.yaml")]
    skip = [a for name in testing.CHECKS if name != "tighten-only" for a in ("--skip", name)]
    code = main(["check", *files, "--examples", "50", *skip])
    text = "".join(capsys.readouterr())
    assert code == 1, text
    assert "industry.income" in text and "tighten-only" in text
    (village,) = [o for o in _json_objects(text) if "industry" in o and "jurisdiction" in o]
    assert 100_000 <= village["industry"]["collective_income"] < 200_000


@needs_cli
def test_cli_check_passes_a_sound_ruleset(capsys: pytest.CaptureFixture[str]) -> None:
    from starrules.cli import main

    code = main(["check", str(MINIMAL), "--examples", "50"])
    text = "".join(capsys.readouterr())
    assert code == 0, text


@needs_cli
def test_cli_check_fails_a_computed_cap_with_a_shrunk_counterexample(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from starrules.cli import main

    args = ["--examples", "50", "--skip", "deterministic"]  # no subprocesses: faster
    code = main(["check", str(FAULTY / "computed-band.yaml"), *args])
    text = "".join(capsys.readouterr())
    assert code == 1, text
    assert "FAIL monotone" in text and "industry.income-band" in text, text
    (village,) = [o for o in _json_objects(text) if "industry" in o and "jurisdiction" in o]
    assert 100_000 <= village["industry"]["collective_income"] <= 300_000, text
    as_village(village)


# -- progress, and checks in several processes ------------------------------------------------

PROGRESS_LINE = re.compile(
    r"^\[(\d+)/(\d+)\] (\S+@\S+(?: on \S+@\S+)?) · ([a-z-]+) … (ok|FAIL) \d+\.\d s$"
)


def _run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from starrules.cli import main

    code = main(["check", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@needs_cli
def test_cli_check_in_two_processes_gives_the_serial_results(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [str(FAULTY / "computed-band.yaml"), str(FAULTY / "loose-overlay.yaml"), str(MINIMAL)]
    common = [*files, str(FAULTY / "loose-base.yaml"), "--examples", "10", "--format", "json"]
    common += ["--skip", "deterministic"]  # its subprocesses are slow, and not run by workers
    serial = _run_cli(capsys, *common, "--progress")
    parallel = _run_cli(capsys, *common, "--progress", "-j", "2")

    assert serial[0] == parallel[0] == 1
    assert serial[1] == parallel[1], "the same results, in the same order"
    results = json.loads(serial[1])  # stdout is the JSON document alone
    assert {"monotone"} <= {r["name"] for r in results if not r["passed"]}
    assert "tighten-only" in {r["name"] for r in results}

    # One line per check; serial in order, in two processes as they finish.
    for err, ordered in ((serial[2], True), (parallel[2], False)):
        lines = err.splitlines()
        assert len(lines) == len(results), err
        matches = [PROGRESS_LINE.match(line) for line in lines]
        assert all(matches), err
        assert [int(m[1]) for m in matches if m] == list(range(1, len(results) + 1))
        assert {m[2] for m in matches if m} == {str(len(results))}
        seen = [(m[4], m[5] == "ok") for m in matches if m]
        expected = [(r["name"], r["passed"]) for r in results]
        assert (seen == expected) if ordered else (sorted(seen) == sorted(expected)), err
    assert "cn-test/county@2022.2 on cn-test@2022.1 · tighten-only … " in serial[2]


@needs_cli
def test_cli_check_shows_no_progress_unless_on_a_terminal_or_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [str(MINIMAL), "--examples", "5", "--skip", "deterministic", "--lang", "en"]
    code, out, err = _run_cli(capsys, *args)  # stderr is no terminal here
    assert code == 0 and err == "" and out.endswith("4 passed, 0 failed\n"), out + err
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    _, _, err = _run_cli(capsys, *args)
    assert err.count("\n") == 4 and all(PROGRESS_LINE.match(x) for x in err.splitlines()), err
    _, _, err = _run_cli(capsys, *args, "--no-progress")
    assert err == ""


def test_ctrl_c_stops_the_worker_processes() -> None:
    import multiprocessing

    def interrupt(event: Any) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        testing.run_all_checks(
            [MINIMAL, WITH_EXTRA],
            max_examples=5,
            skip=["deterministic"],
            jobs=2,
            progress=interrupt,
        )
    for _ in range(50):  # terminated: gone within moments, not after their checks
        if not multiprocessing.active_children():
            break
        time.sleep(0.1)
    assert not multiprocessing.active_children()


def test_a_worker_reports_a_ruleset_it_cannot_find_as_an_error() -> None:
    from starrules.testing.runner import _Settings, _work

    settings_ = _Settings((str(MINIMAL),), 5, 0, None)
    result, _, error = _work(settings_, (("nowhere@1 (cn-x)",), "0" * 64), "monotone")
    assert result is None and error is not None
    assert "nowhere@1 (cn-x): the files changed while being checked" in str(error)
    assert error.render("zh").endswith("[SR715]")


def test_a_changed_village_is_the_validated_one() -> None:
    """The checks copy a village with one value changed instead of validating it again."""
    from starrules.testing.strategies import _changed, _grid, _limits, _village

    for path in (MINIMAL, WITH_EXTRA):
        ruleset = load(path)
        for values in sample(testing.village_values(ruleset), 20):
            base = _village(ruleset, values)
            limits = _limits(ruleset)
            for indicator in values:
                spec = spec_of(ruleset, indicator)
                if spec.kind is IndicatorKind.BOOL:
                    grid: Any = [True, False]
                elif spec.kind.is_numeric:
                    grid = _grid(spec, limits.get(indicator, set()))
                else:
                    continue
                for value in grid:
                    copied = _changed(base, indicator, value)
                    validated = _village(ruleset, {**values, indicator: value})
                    assert copied.model_dump() == validated.model_dump(), (indicator, value)
