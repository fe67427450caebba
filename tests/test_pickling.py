"""Pickling compiled rulesets and assessments (issue 14): a ruleset travels as the texts of
its layers and its fingerprint, and is compiled again on the receiving side (once per
process); an assessment travels as its ruleset, village, date and outcome, and is evaluated
again and checked there."""

from __future__ import annotations

import copy
import dataclasses
import json
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import (
    Assessment,
    EvaluationError,
    ExprType,
    FunctionSpec,
    Registry,
    Ruleset,
    RulesetError,
    StarrulesError,
    Village,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "villages.jsonl"
HENAN_2022 = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
XIXIA = ROOT / "rulesets" / "cn-henan" / "nanyang" / "xixia" / "xixia-rural-2022.1.yaml"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.yaml"
N = ExprType.NUMBER


def _examples() -> list[Village]:
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    return [Village.model_validate_json(line) for line in lines if line.strip()]


def _villages_for(ruleset: Ruleset) -> list[Village]:
    """The example villages this ruleset can judge, and the villages of its own tests."""
    within = [
        v
        for v in _examples()
        if v.kind == ruleset.kind and (v.jurisdiction + "/").startswith(ruleset.jurisdiction + "/")
    ]
    return within + [case.village for case in ruleset.tests]


def _judged(ruleset: Ruleset, villages: list[Village]) -> list[bytes]:
    on = ruleset.effective_from
    return [ruleset.evaluate(v, on, check_dates=False).to_json() for v in villages]


def _round_trip(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value))


# ---------------------------------------------------------------------------- rulesets


@pytest.mark.parametrize(
    "ruleset", Registry.default().rulesets, ids=lambda rs: " → ".join(la.short for la in rs.layers)
)
def test_every_bundled_ruleset_round_trips(ruleset: Ruleset) -> None:
    rebuilt = _round_trip(ruleset)
    assert isinstance(rebuilt, Ruleset)
    assert rebuilt.fingerprint == ruleset.fingerprint
    assert (rebuilt.id, rebuilt.version, rebuilt.jurisdiction, rebuilt.kind) == (
        ruleset.id,
        ruleset.version,
        ruleset.jurisdiction,
        ruleset.kind,
    )
    assert rebuilt.layers == ruleset.layers
    assert [la.file for la in rebuilt.layers] == [la.file for la in ruleset.layers]
    assert (rebuilt.effective_from, rebuilt.effective_until) == (
        ruleset.effective_from,
        ruleset.effective_until,
    )
    assert rebuilt.tests == ruleset.tests
    villages = _villages_for(ruleset)
    assert villages
    assert _judged(rebuilt, villages) == _judged(ruleset, villages)


def test_the_county_overlays_are_among_the_bundled_rulesets() -> None:
    chains = {tuple(la.short for la in rs.layers) for rs in Registry.default().rulesets}
    assert ("cn-henan@2022.1", "xixia@2022.1") in chains
    assert ("cn-henan@2022.1", "cn-henan@2023.1", "xixia@2022.1") in chains


def test_a_ruleset_loaded_from_text_round_trips_with_its_name() -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    ruleset = starrules.loads_ruleset(text, "<mine>")
    rebuilt = _round_trip(ruleset)
    assert rebuilt.fingerprint == ruleset.fingerprint
    assert rebuilt.file == "<mine>"
    assert rebuilt.tests == ruleset.tests
    villages = [case.village for case in ruleset.tests]
    assert _judged(rebuilt, villages) == _judged(ruleset, villages)


def test_an_overlay_loaded_on_a_registry_round_trips() -> None:
    province = Registry.from_paths(HENAN_2022)
    ruleset = starrules.load_ruleset(XIXIA, registry=province)
    assert [la.short for la in ruleset.layers] == ["cn-henan@2022.1", "xixia@2022.1"]
    rebuilt = _round_trip(ruleset)
    assert rebuilt.fingerprint == ruleset.fingerprint
    assert rebuilt.layers == ruleset.layers
    villages = _villages_for(ruleset)
    assert _judged(rebuilt, villages) == _judged(ruleset, villages)


def test_a_pickle_holds_each_text_once() -> None:
    chains = [rs for rs in Registry.default().rulesets if rs.layers[0].id == "henan-rural"]
    assert len(chains) > 3
    base = HENAN_2022.read_text(encoding="utf-8").removeprefix("\ufeff")
    data = pickle.dumps(chains)
    # The provincial text is a layer of every chain; a pickle of them all holds it once.
    assert data.count(base.encode("utf-8")) == 1
    assert [rs.fingerprint for rs in pickle.loads(data)] == [rs.fingerprint for rs in chains]


def test_a_ruleset_keeps_each_text_once() -> None:
    xixia = [rs for rs in Registry.default().rulesets if rs.layers[-1].short == "xixia@2022.1"]
    assert len(xixia) == 2
    base = [rs for rs in Registry.default().rulesets if len(rs.layers) == 1]
    henan = next(rs for rs in base if rs.layers[0].short == "cn-henan@2022.1")
    # The same string object, not a copy per chain.
    assert xixia[0].tree.texts[0].text is henan.tree.texts[0].text
    assert xixia[0].tree.texts[-1].text is xixia[1].tree.texts[-1].text


def test_unpickling_again_returns_the_same_ruleset() -> None:
    ruleset = starrules.load_ruleset(MINIMAL)
    first = _round_trip(ruleset)
    second = _round_trip(ruleset)
    assert second is first
    assert first is not ruleset
    # And the rebuilt one pickles in its turn, to the same.
    assert _round_trip(first) is first


def test_a_changed_fingerprint_is_refused_with_both_fingerprints() -> None:
    ruleset = starrules.load_ruleset(HENAN_2022)
    data = pickle.dumps(ruleset)
    wrong = ruleset.fingerprint[::-1]
    assert data.count(ruleset.fingerprint.encode()) == 1
    tampered = data.replace(ruleset.fingerprint.encode(), wrong.encode())
    with pytest.raises(RulesetError) as caught:
        pickle.loads(tampered)
    message = str(caught.value)
    assert "henan-rural@2022.1" in message
    assert ruleset.fingerprint in message
    assert wrong in message
    assert "plug-in functions" in message
    assert "starrules version" in message


def test_a_text_that_no_longer_compiles_is_a_clear_error() -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "industry.collective_income >= 100000", "twice(industry.collective_income) >= 100000"
    )
    ruleset = starrules.loads_ruleset(text, "<twice>", functions={"twice": TWICE})
    rebuild, args = ruleset.__reduce__()
    texts = tuple(dataclasses.replace(layer, functions=()) for layer in args[1])
    # As if this process had not the function the sending process gave.
    with pytest.raises(RulesetError) as caught:
        rebuild(args[0], texts, *args[2:])
    message = str(caught.value)
    assert "test-rural@2022.1" in message
    assert "cannot be compiled again" in message
    assert "twice" in message


def _twice(value: float) -> float:
    return value * 2


TWICE = FunctionSpec("twice", (N,), N, _twice)
TWICE_TEXT = MINIMAL.read_text(encoding="utf-8").replace(
    "industry.collective_income >= 100000", "twice(industry.collective_income) >= 200000"
)


def test_a_function_given_at_load_travels_with_the_ruleset() -> None:
    ruleset = starrules.loads_ruleset(TWICE_TEXT, "<twice>", functions={"twice": TWICE})
    rebuilt = _round_trip(ruleset)
    assert rebuilt.fingerprint == ruleset.fingerprint
    villages = [case.village for case in ruleset.tests]
    assert _judged(rebuilt, villages) == _judged(ruleset, villages)


def test_an_unpicklable_function_given_at_load_is_named_when_pickling() -> None:
    closure = FunctionSpec("twice", (N,), N, lambda value: value * 2)
    ruleset = starrules.loads_ruleset(TWICE_TEXT, "<twice>", functions={"twice": closure})
    with pytest.raises(StarrulesError) as caught:
        pickle.dumps(ruleset)
    assert not isinstance(caught.value, pickle.PicklingError)
    message = str(caught.value)
    assert "twice()" in message
    assert "test-rural@2022.1" in message
    assessment = ruleset.evaluate(ruleset.tests[0].village)
    with pytest.raises(StarrulesError, match=r"twice\(\)"):
        pickle.dumps(assessment)


def test_a_function_given_at_load_but_not_called_is_not_pickled() -> None:
    unused = FunctionSpec("unused", (N,), N, lambda value: value)
    ruleset = starrules.load_ruleset(MINIMAL, functions={"unused": unused})
    assert _round_trip(ruleset).fingerprint == ruleset.fingerprint


def test_a_ruleset_without_its_texts_cannot_be_pickled() -> None:
    loaded = starrules.load_ruleset(MINIMAL)
    ruleset = Ruleset(dataclasses.replace(loaded.tree, origin=None), loaded.tests)
    with pytest.raises(StarrulesError, match=r"test-rural@2022\.1"):
        pickle.dumps(ruleset)


def test_copies_of_a_ruleset_are_the_ruleset() -> None:
    ruleset = starrules.load_ruleset(MINIMAL)
    assert copy.copy(ruleset) is ruleset
    assert copy.deepcopy(ruleset) is ruleset
    held = {"ruleset": ruleset, "more": [1, 2]}
    copied = copy.deepcopy(held)
    assert copied["ruleset"] is ruleset
    assert copied["more"] is not held["more"]


# ------------------------------------------------------------------------- assessments


def test_assessments_round_trip_to_the_same_records() -> None:
    registry = Registry.default()
    for village in _examples():
        assessment = registry.evaluate(village)
        rebuilt = _round_trip(assessment)
        assert isinstance(rebuilt, Assessment)
        assert rebuilt.to_json() == assessment.to_json()
        assert rebuilt.to_json("compact") == assessment.to_json("compact")
        assert rebuilt.as_of == assessment.as_of
        assert rebuilt.input == assessment.input
        assert rebuilt.ignored_paths == assessment.ignored_paths
        assert rebuilt.explain("en") == assessment.explain("en")


def test_an_assessment_outside_the_dates_in_force_round_trips() -> None:
    ruleset = starrules.load_ruleset(HENAN_2022)
    village = _examples()[0].model_copy(update={"as_of": None, "extra": {"odd": 1}})
    assessment = ruleset.evaluate(village, date(2020, 1, 1), check_dates=False)
    rebuilt = _round_trip(assessment)
    assert rebuilt.as_of == date(2020, 1, 1)
    assert rebuilt.ignored_paths == ("extra.odd",)
    assert rebuilt.to_json() == assessment.to_json()


def test_many_assessments_in_one_pickle_share_one_ruleset() -> None:
    ruleset = starrules.load_ruleset(HENAN_2022)
    villages = _villages_for(ruleset)
    assessments = list(ruleset.evaluate_many(villages, ruleset.effective_from))
    text = HENAN_2022.read_text(encoding="utf-8").removeprefix("\ufeff").encode("utf-8")
    many = pickle.dumps(assessments)
    assert many.count(text) == 1  # the texts once, not once for each assessment
    rebuilt = pickle.loads(many)
    assert len({id(a.rules) for a in rebuilt}) == 1
    assert [a.to_json() for a in rebuilt] == [a.to_json() for a in assessments]
    # Apart, in pickles of their own, they still share the rules rebuilt once.
    apart = [_round_trip(a) for a in assessments]
    assert all(a.rules is rebuilt[0].rules for a in apart)


def test_an_assessment_that_comes_out_otherwise_is_refused() -> None:
    ruleset = starrules.load_ruleset(MINIMAL)
    assessment = ruleset.evaluate(ruleset.tests[0].village)
    rebuild, args = assessment.__reduce__()
    fields = list(args)
    stars = next(i for i, a in enumerate(fields) if isinstance(a, tuple) and a == (True,) * 3)
    fields[stars] = (True, False, True)
    with pytest.raises(EvaluationError) as caught:
        rebuild(*fields)
    message = str(caught.value)
    assert "样板村" in message
    assert "test-rural@2022.1" in message
    assert "plug-in functions" in message


def test_copies_of_an_assessment_give_the_same_record() -> None:
    ruleset = starrules.load_ruleset(MINIMAL)
    assessment = ruleset.evaluate(ruleset.tests[0].village)
    assert copy.copy(assessment).to_json() == assessment.to_json()
    assert copy.deepcopy(assessment).to_json() == assessment.to_json()


def test_a_village_pickles() -> None:
    village = _examples()[-1]
    assert _round_trip(village) == village


# ------------------------------------------------------------------ other processes


def test_workers_in_other_processes_give_the_serial_results() -> None:
    registry = Registry.default()
    villages = _examples()
    serial = [registry.evaluate(v).to_json() for v in villages]
    by_ruleset: dict[int, tuple[Ruleset, list[int]]] = {}
    for i, village in enumerate(villages):
        ruleset = registry.resolve(village.jurisdiction, village.kind, village.as_of)
        by_ruleset.setdefault(id(ruleset), (ruleset, []))[1].append(i)
    context = multiprocessing.get_context("spawn")
    parallel: dict[int, bytes] = {}
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        for ruleset, indexes in by_ruleset.values():
            chosen = [villages[i] for i in indexes]
            for i, assessment in zip(
                indexes, pool.map(ruleset.evaluate, chosen, chunksize=4), strict=True
            ):
                assert isinstance(assessment, Assessment)
                parallel[i] = assessment.to_json()
    assert [parallel[i] for i in range(len(villages))] == serial
    assert json.loads(serial[0])["ruleset"]["fingerprint"]


# -- errors cross process boundaries as they are -------------------------------------------


def _errors() -> list[starrules.StarrulesError]:
    try:
        starrules.load_ruleset(Path("tests/fixtures/faulty/does-not-exist.yaml"))
    except starrules.RulesetError as exc:
        ruleset_error = exc
    from starrules.errors import Location, Problem
    from starrules.inputs.spreadsheets import SheetError

    cells = [Problem.coded(Location("v.xlsx", row, 2), "SR551") for row in (2, 3)]
    return [
        ruleset_error,
        starrules.EvaluationError("a text of its own"),
        starrules.InputError.of("v.jsonl:3", "SR551"),
        SheetError(cells, rows=2, more=5),
        SheetError(cells[:1]),
    ]


@pytest.mark.parametrize("error", _errors(), ids=lambda e: f"{type(e).__name__}-{len(str(e))}")
def test_an_error_round_trips_with_its_text_problems_and_codes(
    error: starrules.StarrulesError,
) -> None:
    """A worker process's error reaches the parent as it was raised (what a process pool
    sends back is a pickle)."""
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert back.problems == error.problems
    assert [p.code for p in back.problems] == [p.code for p in error.problems]
    assert back.render("zh") == error.render("zh")
