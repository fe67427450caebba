"""The full record written from templates (explain/full_json.py) is, byte for byte, the
full record as pydantic's serialiser writes it (`dumps(full_record(...))`): over generated
villages for every bundled ruleset (gaps, unknowns, vetoes, open levels, next steps), and
for a ruleset that reads text, whose records the serialiser writes whole.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import starrules
from starrules.explain import full_json
from starrules.explain.full_json import full_writer
from starrules.explain.records import dumps, full_record
from starrules.testing import villages

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RULESETS = starrules.Registry.default().rulesets


def _written_and_serialised(assessment: starrules.Assessment) -> tuple[bytes, bytes]:
    parts = assessment._record_parts()
    steps, ignored = assessment._guidance(), assessment._ignored_data()
    written = full_writer(parts[0]).write(parts, next_steps=steps, ignored=ignored)
    return written, dumps(full_record(*parts, next_steps=steps, ignored=ignored))


@pytest.mark.parametrize("ruleset", RULESETS, ids=lambda r: f"{r.id}@{r.version}")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_written_record_is_the_serialisers(
    ruleset: starrules.Ruleset, data: st.DataObject
) -> None:
    assessment = ruleset.evaluate(data.draw(villages(ruleset, unknown=0.2)))
    written, serialised = _written_and_serialised(assessment)
    assert written == serialised
    assert assessment.to_json() == written


@settings(max_examples=40, deadline=None)
@given(data=st.data(), tea=st.text(alphabet=st.sampled_from(',"%\\茶a1 {}'), max_size=6))
def test_a_ruleset_that_reads_text_is_written_alike(data: st.DataObject, tea: str) -> None:
    ruleset = starrules.load_ruleset(FIXTURES / "eval_extra.yaml")
    village = data.draw(villages(ruleset, unknown=0.2))
    extra = {**village.extra, "tea_brand": tea, "not_read%": "x"}  # the last one is ignored
    assessment = ruleset.evaluate(village.model_copy(update={"extra": extra}))
    written, serialised = _written_and_serialised(assessment)
    assert written == serialised


VARIANTS: list[dict[str, Any]] = [
    {},
    {"industry": {"collective_income": 50_000}},  # fails, short by a gap
    {"industry": {"collective_income": None}},  # unknown: missing inputs
    {"safety": {"disputes_total": 0, "disputes_resolved": 0}},  # unknown: division by zero
    {"safety": {"escalated_petitions": 2}},  # a veto holds
]


def test_every_kind_of_criterion_detail_is_written_by_a_template(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Criteria that pass, fail with a gap, are unknown for missing inputs or for a reason:
    each through the writer's own templates, never through the serialiser's fallback."""
    ruleset = starrules.load_ruleset(FIXTURES / "eval_thresholds.yaml")
    model = json.loads((FIXTURES / "eval_villages.json").read_text("utf-8"))["model"]
    assessments = []
    for change in VARIANTS:
        data = json.loads(json.dumps(model))
        data["jurisdiction"] = ruleset.jurisdiction
        for section, values in change.items():
            data.setdefault(section, {}).update(values)
        village = starrules.Village.model_validate(data)
        assessments.append(ruleset.evaluate(village, on=date(2023, 1, 1)))
    expected = [_written_and_serialised(a)[1] for a in assessments]

    def no_fallback(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("written by the serialiser's fallback")

    monkeypatch.setattr(full_json, "dumps", no_fallback)
    seen: set[str] = set()
    for assessment, serialised in zip(assessments, expected, strict=True):
        parts = assessment._record_parts()
        writer = full_json.full_writer(parts[0])
        steps, ignored = assessment._guidance(), assessment._ignored_data()
        assert writer.write(parts, next_steps=steps, ignored=ignored) == serialised
        for gap, _, _, missing, reason in parts[5].details.values():
            seen.add(
                "gap"
                if gap is not None
                else "missing"
                if missing
                else "reason"
                if reason
                else "fail"
            )
    assert seen >= {"gap", "missing", "reason"}
