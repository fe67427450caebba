"""The compact line written from fragments (explain/compact_json.py) is, byte for byte, the
compact record as pydantic's serialiser writes it (`dumps(compact_record(...))`): over
generated villages for every bundled ruleset, and for a ruleset that reads text (whose
values may hold commas, quotes and per cent signs), with ignored extras and levels left open.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import starrules
from starrules.explain.compact_json import CompactWriter, compact_writer
from starrules.explain.records import (
    Explanation,
    compact_record,
    dumps,
    observed,
    record_tables,
)
from starrules.testing import villages

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RULESETS = starrules.Registry.default().rulesets


def _both(assessment: starrules.Assessment) -> tuple[bytes, bytes]:
    """(the written line, the serialiser's) of one assessment."""
    parts = assessment._record_parts()
    ignored = assessment._ignored_data()
    return (
        compact_writer(parts[0]).write(*parts, ignored=ignored),
        dumps(compact_record(*parts, ignored=ignored)),
    )


@pytest.mark.parametrize("ruleset", RULESETS, ids=lambda r: f"{r.id}@{r.version}")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_written_line_is_the_serialisers(
    ruleset: starrules.Ruleset, data: st.DataObject
) -> None:
    village = data.draw(villages(ruleset, unknown=0.2))
    assessment = ruleset.evaluate(village)
    written, serialised = _both(assessment)
    assert written == serialised
    assert assessment.to_json("compact") == written


TEXT_VALUES = st.text(alphabet=st.sampled_from(',"%\\\n茶a1 {}[]:'), max_size=6)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), tea=TEXT_VALUES, note=TEXT_VALUES)
def test_text_values_and_ignored_extras_are_written_alike(
    data: st.DataObject, tea: str, note: str
) -> None:
    ruleset = starrules.load_ruleset(FIXTURES / "eval_extra.yaml")
    village = data.draw(villages(ruleset, unknown=0.2))
    extra = {**village.extra, "tea_brand": tea, "not_read%": note}  # the last one is ignored
    village = village.model_copy(update={"extra": extra})
    assessment = ruleset.evaluate(village)
    assert assessment.ignored_paths  # the undeclared extra is reported as ignored
    written, serialised = _both(assessment)
    assert written == serialised


def test_a_text_value_falls_back_to_the_serialiser_for_observed() -> None:
    """Values that hold a comma or a quote cannot be split out of one encoded list: the
    observed map is then written by the serialiser whole, and still agrees."""
    ruleset = starrules.load_ruleset(FIXTURES / "eval_extra.yaml")
    tables = record_tables(ruleset.program)
    writer = CompactWriter(tables)
    assert writer.observed_slots == len(tables.paths)
    fetched = tuple('a "b", c' if p == "extra.tea_brand" else None for p in tables.paths)
    ex = Explanation([], {}, fetched, {}, {}, {}, {}, [])
    written = writer._observed(tables, ex)
    expected: dict[str, dict[str, str | None]] = {}
    for path, value in zip(tables.paths, fetched, strict=True):
        section, _, name = path.partition(".")
        expected.setdefault(section, {})[name] = value
    assert json.loads(written) == expected
    assert written == dumps(observed(tables, ex))
