"""starrules.monitor.events and periods: reading and validating events; assessment periods."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from starrules import InputError
from starrules.monitor import DEFAULT_INCIDENT_TYPES, Incident, IndicatorUpdate, Period, Review
from starrules.monitor.events import incident_type, parse_event, read_events

FIXTURES = Path(__file__).parent / "fixtures" / "monitor"


def test_reading_a_file_skips_blank_lines_and_keeps_the_place() -> None:
    records = list(read_events(FIXTURES / "events.jsonl"))
    assert [r.where.rsplit("/", 1)[-1] for r in records] == [
        "events.jsonl:1",
        "events.jsonl:3",
        "events.jsonl:4",
    ]
    first, second, third = (r.event for r in records)
    assert isinstance(first, Incident) and first.id == "case-1" and first.count == 1
    assert isinstance(second, IndicatorUpdate) and second.value == 45
    assert isinstance(third, Review) and third.date == date(2023, 1, 1)


def test_reading_a_stream() -> None:
    stream = io.StringIO('{"type": "review", "date": "2023-01-01"}\n')
    (record,) = read_events(stream)
    assert isinstance(record.event, Review) and record.event.village is None
    assert record.where == "<stream>:1"


def test_invalid_json_is_located_by_line_and_column() -> None:
    records = read_events(FIXTURES / "bad_json.jsonl")
    next(records)  # the first line is fine, and is yielded before the second is read
    with pytest.raises(InputError, match=r"bad_json.jsonl:2:\d+: invalid JSON"):
        next(records)


def test_a_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_events(FIXTURES / "nope.jsonl"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], r"here: an event must be a JSON object, not list"),
        ({"date": "2023-01-01"}, r"here: type: missing; use update, incident or review"),
        ({"type": "updat"}, r"unknown event type 'updat' \(did you mean 'update'\?\)"),
        (
            {"type": "incident", "village": "a", "date": "2023-01-01", "incident": "x", "count": 0},
            r"here: count: Input should be greater than 0",
        ),
        ({"type": "update", "village": "a", "date": "2023-01-01"}, r"here: field: Field required"),
        (
            {"type": "update", "village": "a", "date": "2023-1-1", "field": "x", "value": 1},
            r"here: date: ",
        ),
        (
            {"type": "update", "village": "", "date": "2023-01-01", "field": "x", "value": 1},
            r"here: village: ",
        ),
        (
            {"type": "update", "village": "a", "date": "2023-01-01", "field": "x", "value": [1]},
            r"here: value: .*must be a number, yes/no, text or null",
        ),
    ],
)
def test_invalid_events_name_the_field(data: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_event(data, "here")


def test_incident_types_by_id_or_chinese_name() -> None:
    assert incident_type("刑事案件", DEFAULT_INCIDENT_TYPES).indicator == "safety.criminal_cases"
    assert incident_type("escalated_petition", DEFAULT_INCIDENT_TYPES).name.zh == "越级上访"
    with pytest.raises(
        InputError, match=r"unknown incident type 'accident'; known: .*accident_with_casualties"
    ):
        incident_type("accident", DEFAULT_INCIDENT_TYPES)


@pytest.mark.parametrize(
    ("day", "kind", "text", "start"),
    [
        (date(2023, 7, 9), "year", "2023", date(2023, 1, 1)),
        (date(2023, 7, 9), "half", "2023-H2", date(2023, 7, 1)),
        (date(2023, 6, 30), "half", "2023-H1", date(2023, 1, 1)),
        (date(2023, 7, 9), "quarter", "2023-Q3", date(2023, 7, 1)),
        (date(2023, 12, 31), "quarter", "2023-Q4", date(2023, 10, 1)),
    ],
)
def test_periods(day: date, kind: str, text: str, start: date) -> None:
    period = Period.containing(day, kind)  # type: ignore[arg-type]
    assert str(period) == text and period.start == start
    assert Period.containing(start, kind) == period  # type: ignore[arg-type]
