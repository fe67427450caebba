"""starrules.monitor.events and periods: reading and validating events; assessment periods."""

from __future__ import annotations

import io
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from starrules import InputError, Monitor, Village
from starrules.monitor import DEFAULT_INCIDENT_TYPES, Incident, IndicatorUpdate, Period, Review
from starrules.monitor.events import incident_type, parse_event, read_events

ROOT = Path(__file__).resolve().parents[1]
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


# ----------------------------------------------------------------------------- hostile input
# A bad event is one InputError naming its place ('file:line') and field; never another
# exception, and never half applied.

FIVE_STAR = "410523105201"  # 部落村 in the example data


def _jsonl(tmp_path: Path, *lines: str | bytes) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(x if isinstance(x, bytes) else x.encode("utf-8") for x in lines))
    return path


GOOD = '{"type": "review", "date": "2023-01-01"}'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('"x"', r"an event must be a JSON object, not str"),
        ("null", r"an event must be a JSON object, not NoneType"),
        ("[1]", r"an event must be a JSON object, not list"),
        ("1e400", r"an event must be a JSON object, not float"),
        ("9" * 5000, r"an event must be a JSON object, not float"),
        ("[" * 100_000, r"invalid JSON: nested too deeply"),
        (
            '{"type": "review", "date": "2023-01-01", "id": "\\ud800"}',
            r"id: Input should be text without lone surrogates",
        ),
        (
            '{"type": "review", "date": "2023-01-01", "note": "年度\\udfff"}',
            r"note: Input should be text without lone surrogates",
        ),
        (
            '{"type": "incident", "village": "a\\udc00", "incident": "x", "date": "2023-01-01"}',
            r"village: Input should be text without lone surrogates",
        ),
        (
            '{"type": "update", "village": "a", "field": "extra.x", "value": "\\ud800", '
            '"date": "2023-01-01"}',
            r"value: Input should be text without lone surrogates",
        ),
        (
            '{"type": "update", "village": "a", "field": "extra.x", "value": -'
            + "1" * 5000
            + ', "date": "2023-01-01"}',
            r"value: Input should be a finite number within the range of a float",
        ),
        (
            '{"type": "update", "village": "a", "field": "extra.x", "value": -1'
            + "0" * 400
            + ', "date": "2023-01-01"}',
            r"value: Input should be a finite number within the range of a float",
        ),
        (
            '{"type": "update", "village": "a", "field": "extra.x", "value": 1e400, '
            '"date": "2023-01-01"}',
            r"value: Input should be a finite number",
        ),
        (
            '{"type": "update", "village": "a", "field": "extra.x", "value": NaN, '
            '"date": "2023-01-01"}',
            r"value: Input should be a finite number",
        ),
        (
            '{"type": "update", "village": "a", "field": "extra.x", "value": -Infinity, '
            '"date": "2023-01-01"}',
            r"value: Input should be a finite number",
        ),
        (
            '{"type": "incident", "village": "a", "incident": "x", "date": "2023-01-01", '
            '"count": 1' + "0" * 400 + "}",
            r"count: Input should be a finite number",
        ),
        (
            '{"type": "incident", "village": "a", "incident": "x", "date": "2023-01-01", '
            '"count": 1.5}',
            r"count: Input should be a valid integer",
        ),
        (
            '{"type": "incident", "village": "a", "incident": "x", "date": "2023-01-01", '
            '"count": "2"}',
            r"count: Input should be a valid integer",
        ),
        ('{"type": "review", "date": "2023-01-01T10:00:00"}', r"date: .*a date like 2023-12-31"),
        ('{"type": "review", "date": 1672531200}', r"date: .*a date like 2023-12-31"),
        ('{"type": ["review"], "date": "2023-01-01"}', r"type: unknown event type \['review'\]"),
    ],
    ids=lambda x: x[:40] if isinstance(x, str) else None,
)
def test_a_bad_line_is_one_located_input_error(tmp_path: Path, line: str, message: str) -> None:
    path = _jsonl(tmp_path, GOOD, line, GOOD)
    records = read_events(path)
    assert isinstance(next(records).event, Review)
    with pytest.raises(InputError) as info:
        next(records)
    assert str(info.value).startswith(f"{path}:2")
    assert re.search(message, str(info.value)), str(info.value)[:300]


def test_a_whole_float_count_is_a_count(tmp_path: Path) -> None:
    line = (
        '{"type": "incident", "village": "a", "incident": "x", "date": "2023-01-01", "count": 2.0}'
    )
    (record,) = read_events(_jsonl(tmp_path, line))
    assert isinstance(record.event, Incident)
    assert record.event.count == 2 and type(record.event.count) is int


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, b"\xef\xbb\xbf" + GOOD.encode(), GOOD)
    assert len(list(read_events(path))) == 2
    assert len(list(read_events(io.StringIO("\ufeff" + GOOD + "\n")))) == 1
    assert len(list(read_events(io.BytesIO(b"\xef\xbb\xbf" + GOOD.encode())))) == 1


def test_bad_utf8_names_the_line(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, GOOD, b'{"type": "review", "date": "2023-01-01", "note": "\xff"}')
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:2: not UTF-8 text"):
        list(read_events(path))


def test_a_file_that_is_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory, not a file"):
        list(read_events(tmp_path))
    with pytest.raises(InputError, match="cannot read the file: File name too long"):
        list(read_events(tmp_path / ("e" * 5000)))
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo")
        with pytest.raises(InputError, match="not a regular file"):
            list(read_events(tmp_path / "fifo"))


# The Monitor: the same events given as Python data.


@pytest.fixture
def monitor() -> Monitor:
    lines = (ROOT / "examples" / "villages.jsonl").read_text(encoding="utf-8").splitlines()
    return Monitor(Village.model_validate_json(line) for line in lines[:3] if line.strip())


@pytest.mark.parametrize("event", ["x", None, [1], 3, [("type", "review")]], ids=repr)
def test_the_monitor_refuses_what_is_not_an_event(monitor: Monitor, event: Any) -> None:
    with pytest.raises(InputError, match=r"^here: an event must be a JSON object, not "):
        monitor.apply(event, where="here")


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"type": "review", "date": "2023-01-01", "id": "\ud800"}, r"^here: id: .*surrogates"),
        (
            {
                "type": "update",
                "village": FIVE_STAR,
                "date": "2023-01-01",
                "field": "branch.reserve_cadres",
                "value": 10**400,
            },
            r"^here: value: Input should be a finite number",
        ),
        (
            {
                "type": "update",
                "village": FIVE_STAR,
                "date": "2023-01-01",
                "field": "branch.reserve_cadres",
                "value": 2.5,
            },
            r"^here: value: 2.5 for branch.reserve_cadres: Input should be a valid integer",
        ),
        (
            {
                "type": "incident",
                "village": FIVE_STAR,
                "date": "2023-01-01",
                "incident": "criminal_case",
                "count": 10**400,
            },
            r"^here: count: Input should be a finite number",
        ),
        ({"type": "review", "date": "2023-01-01T00:00:00"}, r"^here: date: "),
    ],
)
def test_the_monitor_refuses_bad_events_by_place(
    monitor: Monitor, event: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        monitor.apply(event, where="here")


def test_a_whole_float_updates_a_count(monitor: Monitor) -> None:
    monitor.apply(
        {
            "type": "update",
            "village": FIVE_STAR,
            "date": "2023-01-01",
            "field": "branch.reserve_cadres",
            "value": 7.0,
        }
    )
    assert monitor.snapshot(FIVE_STAR).input.branch.reserve_cadres == 7
    assert type(monitor.snapshot(FIVE_STAR).input.branch.reserve_cadres) is int


def test_incidents_that_would_overflow_a_count_are_refused_whole(monitor: Monitor) -> None:
    big = int(1.7e308)
    incident = {
        "type": "incident",
        "village": FIVE_STAR,
        "date": "2023-01-01",
        "incident": "criminal_case",
        "count": big,
    }
    monitor.apply(incident)
    before = monitor.snapshot(FIVE_STAR)
    history = monitor.history(FIVE_STAR)
    with pytest.raises(InputError, match=r"^here: count: .*safety.criminal_cases"):
        monitor.apply({**incident, "date": "2023-01-02"}, where="here")
    after = monitor.snapshot(FIVE_STAR)
    assert after.input == before.input and after.as_of == before.as_of
    assert monitor.history(FIVE_STAR) == history
    assert [i.date for i in monitor.incidents(FIVE_STAR)] == [date(2023, 1, 1)]
    # a new period starts from 0 again: the same count is fine there
    monitor.apply({**incident, "date": "2024-01-02"})
    assert monitor.snapshot(FIVE_STAR).input.safety.criminal_cases == big
