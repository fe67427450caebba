"""Fuzzing the inputs: villages (objects and JSON), villages and events files, the monitor.

Asserts only the error contract and the time bound (see tests/fuzz_strategies.py):
`Village.model_validate*` succeeds or raises ValidationError with a field path; a valid village
evaluates, explains and serialises or is refused with a StarrulesError; the file readers of
src/starrules/inputs.py and src/starrules/monitor/events.py raise only InputError, naming the
file and line (or item); `Monitor.apply` raises only StarrulesError, naming the event's place;
every call takes under a second.

Budget: STARRULES_FUZZ_EXAMPLES=N (examples per test) or STARRULES_FUZZ_SECONDS=S (seconds
per test, collecting every distinct violation); STARRULES_FUZZ_LOG=FILE logs each test's
examples and violations. Details in the docstring of tests/fuzz_strategies.py.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fuzz_strategies import (
    DEFAULT_RULESETS,
    MONITORED,
    Rejected,
    call,
    dates,
    event_dicts,
    events_file,
    fuzz,
    input_error_placed,
    json_values,
    prefixed,
    probe_assessment,
    ruleset_error_placed,
    scratch,
    village_dicts,
    village_error_placed,
    village_json,
    villages_file,
    write,
)
from hypothesis import strategies as st
from pydantic import ValidationError

import starrules
from starrules import Monitor, StarrulesError, Village
from starrules.inputs.villages import read_villages
from starrules.monitor import read_events

# Hostile examples are large; hypothesis warns when it prints them.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

try:
    import durable.engine  # noqa: F401

    BACKENDS = ("native", "native", "native", "rete")
except ImportError:  # the rete extra is optional
    BACKENDS = ("native",)

VILLAGE_ERRORS = (ValidationError, StarrulesError)


def _assess(village: Village, data: st.DataObject, what: str) -> None:
    """Evaluate a valid village as a caller would: by the registry, and by a ruleset."""
    call(f"Village.model_dump_json[{what}]", village.model_dump_json)
    assessment = call(f"starrules.evaluate[{what}]", starrules.evaluate, village)
    if not isinstance(assessment, Rejected):
        probe_assessment(assessment, what)
    ruleset = data.draw(st.sampled_from(DEFAULT_RULESETS))
    on = data.draw(st.none() | dates)
    assessment = call(f"Ruleset.evaluate[{what}]", ruleset.evaluate, village, on)
    if not isinstance(assessment, Rejected):
        probe_assessment(assessment, what)


@fuzz(weight=1.0, raw=village_dicts(), data=st.data())
def test_village_model_validate(raw: Any, data: st.DataObject) -> None:
    """Python data over the real field names with hostile values (huge ints, inf/nan, lone
    surrogates, full-width digits, dates and datetimes, deep nesting, wrong types)."""
    village = call(
        "Village.model_validate",
        Village.model_validate,
        raw,
        allowed=VILLAGE_ERRORS,
        placed=village_error_placed,
    )
    if not isinstance(village, Rejected):
        _assess(village, data, "python")


@fuzz(weight=1.0, text=village_json(), data=st.data())
def test_village_model_validate_json(text: str, data: st.DataObject) -> None:
    """JSON text of villages, valid or damaged."""
    village = call(
        "Village.model_validate_json",
        Village.model_validate_json,
        text,
        allowed=VILLAGE_ERRORS,
        placed=village_error_placed,
    )
    if not isinstance(village, Rejected):
        _assess(village, data, "json")


@fuzz(weight=0.6, case=villages_file(), data=st.data())
def test_read_villages(case: tuple[str, bytes], data: st.DataObject) -> None:
    """inputs.read_villages on JSON and JSONL files of fuzzed villages and damaged JSON."""
    suffix, content = case
    with scratch() as folder:
        path = write(folder / f"villages{suffix}", content)
        records = call(
            "read_villages",
            lambda: list(read_villages(path)),
            allowed=(StarrulesError,),
            placed=input_error_placed(str(path), jsonl=suffix.lower() == ".jsonl"),
        )
    if not isinstance(records, Rejected):
        for record in records[:2]:
            _assess(record.village, data, "file")


# -- events -----------------------------------------------------------------------------------


@fuzz(
    weight=0.6,
    events=st.lists(event_dicts(), min_size=1, max_size=6),
    backend=st.sampled_from(BACKENDS),
    period=st.sampled_from(["year", "half", "quarter"]),
    data=st.data(),
)
def test_monitor_apply(events: list[Any], backend: str, period: str, data: st.DataObject) -> None:
    """Monitor.apply with event dicts (and other JSON values): the changes, or an error that
    names the event's place; then snapshots, history and the changes' JSON."""
    villages = [Village.model_validate(v) for v in MONITORED]
    with Monitor(villages, backend=backend, period=period) as monitor:  # type: ignore[arg-type]
        for number, event in enumerate(events, start=1):
            where = f"events.jsonl:{number}"
            changes = call(
                f"Monitor.apply[{backend}]",
                monitor.apply,
                event,
                where=where,
                placed=prefixed(where),
                repeatable=False,
            )
            if isinstance(changes, Rejected):
                continue
            for change in changes:
                call("Change.model_dump_json", change.model_dump_json)
                call(
                    "Change.model_dump_json(exclude_none)",
                    change.model_dump_json,
                    exclude_none=True,
                )
        key = data.draw(st.sampled_from(monitor.villages))
        at = data.draw(st.none() | dates)
        snapshot = call("Monitor.snapshot", monitor.snapshot, key, at)
        if not isinstance(snapshot, Rejected):
            probe_assessment(snapshot, "snapshot")
        history = call("Monitor.history", monitor.history, key)
        for entry in [] if isinstance(history, Rejected) else history:
            call("HistoryEntry.model_dump_json", entry.model_dump_json)
        call("Monitor.incidents", monitor.incidents, key)


@fuzz(weight=0.6, raw=village_dicts(json_values), on=st.none() | dates, data=st.data())
def test_monitor_add(raw: Any, on: date | None, data: st.DataObject) -> None:
    """Monitor.add with valid villages of any jurisdiction, kind and date."""
    village = call(
        "Village.model_validate",
        Village.model_validate,
        raw,
        allowed=VILLAGE_ERRORS,
        placed=village_error_placed,
    )
    if isinstance(village, Rejected):
        return
    with Monitor() as monitor:
        assessment = call("Monitor.add", monitor.add, village, on, repeatable=False)
        if not isinstance(assessment, Rejected):
            probe_assessment(assessment, "monitor")
            event = data.draw(event_dicts())
            if isinstance(event, dict):
                event["village"] = village.code or village.name
            call(
                "Monitor.apply[added]",
                monitor.apply,
                event,
                where="event 1",
                placed=prefixed("event 1"),
                repeatable=False,
            )


KNOWN_EVENT_LINES = (
    b"[" * 100_000,
    b"9" * 5000,
    b"10",
    b'[""]',
    b'{"type": "review", "date": "2023-01-01", "a\\nb": 1}',
    b'{"type": "update", "village": "410523105201", "field": "industry.local_jobs", '
    b'"value": 1e999, "date": "2023-01-01"}',
    b"\xff\xfe",
)


@fuzz(
    weight=0.6,
    explicit=[{"content": line, "via": "path"} for line in KNOWN_EVENT_LINES],
    content=events_file(),
    via=st.sampled_from(["path", "str", "stream"]),
)
def test_read_events(content: bytes, via: str) -> None:
    """monitor.read_events on JSONL files (by Path, by str) and text streams; then the
    events read are applied to a monitor."""
    with scratch() as folder:
        path = write(folder / "events.jsonl", content)
        if via == "stream":
            text = content.decode("utf-8", "surrogateescape")
            stream = io.StringIO(text)
            stream.name = "<stdin>"  # type: ignore[misc]
            records = call(
                "read_events(stream)",
                lambda: list(read_events(stream)),
                allowed=(StarrulesError,),
                placed=input_error_placed("<stdin>", jsonl=True),
                repeatable=False,
            )
        else:
            source = path if via == "path" else str(path)
            records = call(
                f"read_events({via})",
                lambda: list(read_events(source)),
                allowed=(StarrulesError,),
                placed=input_error_placed(str(path), jsonl=True),
            )
    if isinstance(records, Rejected):
        return
    villages = [Village.model_validate(v) for v in MONITORED]
    with Monitor(villages) as monitor:
        for record in records:
            call(
                "Monitor.apply[read]",
                monitor.apply,
                record.event,
                where=record.where,
                placed=prefixed(record.where),
                repeatable=False,
            )


# -- odd paths --------------------------------------------------------------------------------

ODD_PATHS = (
    "",
    ".",
    "/",
    "/dev/null",
    "/nonexistent/villages.json",
    "a\x00b.json",
    "\udcff.jsonl",
    "x" * 300 + ".json",
    "x/" * 3000 + "y.json",
    "村.json",
    "tests/fixtures/monitor",
)
READERS = {
    "read_villages": (lambda p: list(read_villages(p)), "villages"),
    "read_events": (lambda p: list(read_events(p)), "events"),
    "load_ruleset": (starrules.load_ruleset, "ruleset"),
    "Registry.from_paths": (lambda p: starrules.Registry.from_paths([p]), "ruleset"),
}


@fuzz(
    weight=0.4,
    explicit=[
        {"reader": reader, "raw": raw, "as_path": False}
        for reader in sorted(READERS)
        for raw in ODD_PATHS
    ],
    reader=st.sampled_from(sorted(READERS)),
    raw=st.sampled_from(ODD_PATHS) | st.text(max_size=20),
    as_path=st.booleans(),
)
def test_file_readers_on_odd_paths(reader: str, raw: str, as_path: bool) -> None:
    """Each file reader given a missing file, a folder, a device, a name with a NUL or a
    lone surrogate, a name too long: an error naming the path, nothing else."""
    read, kind = READERS[reader]
    if reader == "Registry.from_paths" and os.path.isdir(raw or "."):
        return  # it would read every file below (from "/": the whole disk)
    path: Any = Path(raw) if as_path else raw
    name = str(path)  # a ruleset's problems name the path as it is normalised
    placed = (
        ruleset_error_placed({raw, str(Path(raw))})
        if kind == "ruleset"
        else input_error_placed(name, jsonl=True)
    )
    call(f"{reader}(odd path)", read, path, placed=placed)
