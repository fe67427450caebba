"""Shared pieces of the fuzz suite (tests/test_fuzz_*.py): budget, contract checks, strategies.

The suite asserts only starrules' error contract and its time bound, for any input:

* a public call either succeeds or raises `starrules.StarrulesError` (or a subclass); pydantic's
  `ValidationError` is allowed from `Village.model_validate*` only. Nothing else may escape.
* every error names its place: `file:line[:col]` for files (a ruleset's every `Problem`, each
  line of an `InputError` about a villages or events file), the event's place for
  `Monitor.apply`, a field path for a village's `ValidationError`.
* each call finishes (rejects or evaluates) in under `TIME_LIMIT` seconds of CPU time. CPU
  time rather than wall time because the suite runs on shared machines; a wall-clock bound
  ten times as large catches anything that waits.

Budget (environment variables):

* default: every fuzz test runs `EXAMPLES` (50) examples, heavier tests a fixed fraction,
  derandomized and not shrunk, so the suite takes seconds and gives the same result on
  every run (a failure shows the example as found);
* ``STARRULES_FUZZ_EXAMPLES=N``: N random examples per fuzz test (the same fractions
  apply); the first violations found are shrunk and reported, as hypothesis does;
* ``STARRULES_FUZZ_SECONDS=S``: each fuzz test runs for S seconds of fresh random examples.
  A violation already found is not reported again, so that the search goes on for new ones;
  each distinct violation is shrunk (one found as the time runs out is listed as found), and
  the test fails at the end listing them all.
  Tests marked long-only (`long_only`) run in this mode only;
* ``STARRULES_FUZZ_LOG=FILE``: append one JSON line per fuzz test (examples run, seconds, the
  distinct violations) to FILE.

Example of a long run (14 fuzz tests × 40 s: about 10 minutes, plus shrinking):
``STARRULES_FUZZ_SECONDS=40 STARRULES_FUZZ_LOG=/tmp/fuzz.jsonl .venv/bin/python -m pytest -q
tests/test_fuzz_rulesets.py tests/test_fuzz_inputs.py tests/test_fuzz_cli.py``.
Hostile examples are large: run long with ``-p no:cacheprovider`` and read the log rather
than the terminal.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import re
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import starrules
from starrules import STANDARD_INDICATORS, Registry, RulesetError, StarrulesError, Village
from starrules.monitor.events import DEFAULT_INCIDENT_TYPES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_FILE = ROOT / "examples" / "villages.jsonl"

# -- budget -----------------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("STARRULES_FUZZ_EXAMPLES") or 50)
SECONDS = float(os.environ.get("STARRULES_FUZZ_SECONDS") or 0)
LOG = os.environ.get("STARRULES_FUZZ_LOG")
LONG = SECONDS > 0
QUICK = not LONG and not os.environ.get("STARRULES_FUZZ_EXAMPLES")  # the default: CI
TIME_LIMIT = 1.0  # seconds of CPU time per public call
WALL_LIMIT = 10.0

long_only = pytest.mark.skipif(not LONG, reason="long fuzz run only (set STARRULES_FUZZ_SECONDS)")

_QUIET = list(HealthCheck)  # hostile inputs are large and slow on purpose


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,  # the contract's own bound is checked per call instead
        suppress_health_check=_QUIET,
        derandomize=QUICK,  # a quick run gives the same result every time
        database=None,
        print_blob=False,
        # A quick run reports what it found as found: shrinking hostile inputs can take
        # minutes. Longer runs shrink every distinct violation.
        phases=[Phase.explicit, Phase.generate] if QUICK else list(Phase),
    )


class ContractViolation(AssertionError):
    """A breach of the contract; `signature` groups the violations of one bug."""

    def __init__(self, message: str, signature: tuple[str, ...]) -> None:
        super().__init__(message)
        self.signature = signature


def fuzz(
    weight: float = 1.0,
    explicit: Sequence[Mapping[str, Any]] = (),
    **strategies: st.SearchStrategy[Any],
) -> Callable[..., Any]:
    """Turn `body(**drawn)` into a pytest test that runs it under the suite's budget, on the
    `explicit` examples first (known hostile inputs, checked on every run)."""

    def decorate(body: Callable[..., None]) -> Callable[[], None]:
        def test() -> None:
            run_fuzz(body, strategies, weight, explicit)

        test.__name__ = test.__qualname__ = body.__name__
        test.__doc__ = body.__doc__
        test.__module__ = body.__module__
        return test

    return decorate


class _TimeUp(BaseException):
    """Ends a timed run: a BaseException, so hypothesis stops at once instead of shrinking."""


def run_fuzz(
    body: Callable[..., None],
    strategies: Mapping[str, st.SearchStrategy[Any]],
    weight: float,
    explicit: Sequence[Mapping[str, Any]] = (),
) -> None:
    calls = 0
    known: dict[tuple[str, ...], str] = {}  # signature → report, shrunk
    first: dict[tuple[str, ...], str] = {}  # signature → report, as first found
    stop = time.monotonic() + SECONDS

    def run(examples: int) -> None:
        def counted(**kwargs: Any) -> None:  # a new function each run: settings apply once
            nonlocal calls
            if LONG and time.monotonic() > stop:
                raise _TimeUp
            calls += 1
            try:
                body(**kwargs)
            except ContractViolation as violation:
                if violation.signature in known:
                    return  # found before: keep searching for new ones
                first.setdefault(violation.signature, f"{violation}\n(not shrunk) {kwargs!r}")
                raise

        test: Callable[..., None] = counted
        for kwargs in explicit:
            test = example(**kwargs)(test)
        given(**strategies)(_settings(examples)(test))()

    started = time.monotonic()
    if not LONG:
        try:
            run(max(3, round(EXAMPLES * weight)))
        finally:
            _log(body.__name__, calls, time.monotonic() - started, known)
        return
    while time.monotonic() < stop:
        try:
            run(10**9)  # until the time is up or a new violation is found and shrunk
        except _TimeUp:
            break
        except BaseException as exc:
            for error, notes in _flatten(exc, []):
                if isinstance(error, ContractViolation):
                    known[error.signature] = "\n".join([str(error), *notes]).strip()
                elif time.monotonic() <= stop:
                    raise  # a mistake of the suite itself, or an interrupt
                # else: the time ran out while hypothesis replayed an example, which it
                # reports as data generation gone wrong (the example stopped drawing)
    for signature, report in first.items():
        known.setdefault(signature, report)  # found when the time ran out: not shrunk
    _log(body.__name__, calls, time.monotonic() - started, known)
    print(f"{body.__name__}: {calls} examples in {time.monotonic() - started:.0f}s")
    if known:
        listing = "\n\n".join(
            f"[{i}] {' | '.join(sig)}\n{text}" for i, (sig, text) in enumerate(known.items(), 1)
        )
        raise AssertionError(f"{len(known)} distinct contract violations:\n\n{listing}")


def _flatten(exc: BaseException, notes: list[str]) -> list[tuple[BaseException, list[str]]]:
    """The leaves of nested exception groups, each with the notes of its groups (where
    hypothesis puts the failing example) and its own."""
    mine = [*notes, *getattr(exc, "__notes__", [])]
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _flatten(inner, mine)]
    return [(exc, mine)]


def _log(name: str, calls: int, seconds: float, known: Mapping[tuple[str, ...], str]) -> None:
    if not LOG:
        return
    entry = {
        "test": name,
        "examples": calls,
        "seconds": round(seconds, 1),
        "mode": "seconds" if LONG else "examples",
        "violations": [{"signature": list(sig), "report": text} for sig, text in known.items()],
    }
    with open(LOG, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


# -- the contract, per call -------------------------------------------------------------------


class Rejected:
    """What `call` returns when the call raised an allowed, well-placed error."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def escape_site(exc: BaseException) -> str:
    """Where an exception left starrules: its innermost frame in src/starrules (else the
    innermost frame at all), as 'module.py:line in function'."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/src/starrules/" in f.filename.replace(os.sep, "/")]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    path = frame.filename.replace(os.sep, "/")
    short = path.split("/src/", 1)[-1] if "/src/starrules/" in path else path.rsplit("/", 2)[-1]
    return f"{short}:{frame.lineno} in {frame.name}"


def call(
    what: str,
    fn: Callable[..., Any],
    *args: Any,
    allowed: tuple[type[BaseException], ...] = (StarrulesError,),
    placed: Callable[[BaseException], str | None] | None = None,
    repeatable: bool = True,
    **kwargs: Any,
) -> Any:
    """`fn(*args, **kwargs)` under the contract: its result, or `Rejected` when it raised an
    allowed error whose message names its place (`placed` returns what is wrong, or None).
    Raise ContractViolation otherwise, chained to the escaped error. A `repeatable` call
    (no side effects) that was too slow is timed twice more before it counts as slow, so
    that a garbage collection or a busy machine does not fail it."""
    cpu, wall = time.process_time(), time.monotonic()
    try:
        result = fn(*args, **kwargs)
    except allowed as exc:
        _check_time(what, cpu, wall, fn, args, kwargs, repeatable)
        try:
            wrong = placed(exc) if placed else None
            if not str(exc).strip():
                wrong = "has an empty message"
        except Exception as inner:  # rendering the error failed: that escapes too
            raise ContractViolation(
                f"{what}: rendering its {type(exc).__name__} raised {type(inner).__name__}: "
                f"{inner}",
                ("escape", type(inner).__name__, escape_site(inner)),
            ) from inner
        if wrong:
            raise ContractViolation(
                f"{what}: {type(exc).__name__} {wrong}: {_clip(str(exc))}",
                ("unplaced", type(exc).__name__, escape_site(exc), wrong.split(" (")[0]),
            ) from exc
        return Rejected(exc)
    except (Exception, SystemExit) as exc:
        raise ContractViolation(
            f"{what}: {type(exc).__name__} escaped from {escape_site(exc)}: {_clip(str(exc))}",
            ("escape", type(exc).__name__, escape_site(exc)),
        ) from exc
    _check_time(what, cpu, wall, fn, args, kwargs, repeatable)
    return result


def _check_time(
    what: str,
    cpu: float,
    wall: float,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    repeatable: bool,
) -> None:
    spent_cpu, spent_wall = time.process_time() - cpu, time.monotonic() - wall
    for _ in range(2 if repeatable else 0):
        if spent_cpu < TIME_LIMIT and spent_wall < WALL_LIMIT:
            return
        # Timed again without the collector: a full collection of the test process's heap
        # (hypothesis keeps every example) is not the call's cost.
        gc.collect()
        gc.disable()
        cpu, wall = time.process_time(), time.monotonic()
        try:
            with contextlib.suppress(Exception):  # its outcome was judged on the first run
                fn(*args, **kwargs)
        finally:
            gc.enable()
        spent_cpu = min(spent_cpu, time.process_time() - cpu)
        spent_wall = min(spent_wall, time.monotonic() - wall)
    if spent_cpu >= TIME_LIMIT or spent_wall >= WALL_LIMIT:
        raise ContractViolation(
            f"{what} took {spent_cpu:.2f}s of CPU ({spent_wall:.2f}s wall); the bound is "
            f"{TIME_LIMIT}s",
            ("slow", what.split("(", 1)[0]),
        )


def _clip(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


# Whole-file problems: no line to point at.
_WHOLE_FILE = re.compile(
    r"the file is empty|no such file|not UTF-8|cannot read|is a directory|not a regular file",
    re.IGNORECASE,
)


def ruleset_error_placed(files: Collection[str]) -> Callable[[BaseException], str | None]:
    """A RulesetError names every problem's file (one of `files`) and its line."""

    def check(exc: BaseException) -> str | None:
        if not isinstance(exc, RulesetError):
            text = str(exc)
            if not any(re.search(re.escape(f) + r":\d+", text) for f in files):
                return "is not a RulesetError and names no file:line"
            return None
        if not exc.problems:
            return "lists no problem"
        for problem in exc.problems:
            where = problem.location
            if where.file not in files:
                return f"names a file not read ({where.file!r})"
            if where.line is None and not _WHOLE_FILE.search(problem.message):
                return f"has a problem without a line ({problem.message!r})"
            if not str(problem).startswith(str(where)):
                return "renders a problem without its place"
        return None

    return check


def _after(message: str, place: str) -> list[str] | None:
    """The rest of each line of `message` after `place`, when every line starts with it;
    else None. Splitting at a line break followed by the place keeps names that hold line
    breaks (a file name, a field name) inside their line."""
    if not message.startswith(place):
        return None
    parts = ("\n" + message).split("\n" + place)[1:]
    if any("\n" in part.rstrip("\n") for part in parts):
        return None  # a line that does not start with the place
    return parts


def input_error_placed(name: str, jsonl: bool) -> Callable[[BaseException], str | None]:
    """Each line of an InputError about file `name` starts with the file and its place:
    'name:line' (JSONL), 'name:line:col', 'name[i]' or 'name' then a field path (JSON)."""
    place = (r":\d+(:\d+)?" if jsonl else r"(:\d+(:\d+)?|\[\d+\])?") + r": ."

    def check(exc: BaseException) -> str | None:
        message = str(exc)
        if not message.startswith(name):
            return "does not start with the file's name"
        if _WHOLE_FILE.search(message[len(name) :].split("\n", 1)[0]):
            return None
        parts = _after(message, name)
        if parts is None:
            return f"has a line without the file and place ({_clip(message, 300)!r})"
        for part in parts:
            if not re.match(place, part, re.DOTALL):
                return f"has a line without the file and place ({_clip(name + part, 200)!r})"
            if "invalid JSON" in part and not re.match(r"(\[\d+\])?:\d+", part):
                return f"reports invalid JSON without its line ({_clip(name + part, 200)!r})"
        return None

    return check


def prefixed(place: str) -> Callable[[BaseException], str | None]:
    """Every line of the message starts with `place` (e.g. 'events.jsonl:3')."""

    def check(exc: BaseException) -> str | None:
        parts = _after(str(exc), place)
        if parts is None or not all(part.startswith(":") for part in parts):
            return f"has a line without its place ({place!r})"
        return None

    return check


# Errors about the input as a whole (not a village object, not JSON text): no field path.
_WHOLE_INPUT = frozenset({"json_invalid", "json_type", "string_unicode", "model_type"})


def village_error_placed(exc: BaseException) -> str | None:
    """A village's ValidationError gives a field path for every error (unless the input as
    a whole is wrong: not a mapping, not JSON)."""
    if not isinstance(exc, ValidationError):
        return None
    for error in exc.errors(include_url=False):
        if not error["loc"] and error["type"] not in _WHOLE_INPUT:
            return f"has an error without a field path ({error['type']}: {error['msg']})"
    return None


# -- corpus: what the project ships -----------------------------------------------------------


def _yaml_files() -> tuple[Path, ...]:
    found = [
        *sorted((ROOT / "rulesets").rglob("*.yaml")),
        *sorted((ROOT / "tests" / "fixtures").rglob("*.yaml")),
        *sorted((ROOT / "docs" / "examples").glob("*.yaml")),
    ]
    return tuple(found)


YAML_FILES = _yaml_files()
YAML_TEXTS: Mapping[str, str] = {  # a fixture that is not UTF-8 keeps its bytes as surrogates
    str(p.relative_to(ROOT)): p.read_bytes().decode("utf-8", "surrogateescape") for p in YAML_FILES
}
# The files that are rulesets written without mistakes (messages/ holds mistakes on purpose,
# as broken/ and faulty/ do): the structure mutations start from their parsed data.
GOOD_RULESET_FILES = tuple(
    p
    for p in YAML_FILES
    if not {"broken", "faulty", "messages"} & set(p.parts) and not p.name.endswith(".test.yaml")
)
EXAMPLE_ROWS: tuple[str, ...] = tuple(
    line for line in EXAMPLES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()
)

DEFAULT = Registry.default()  # loaded once, outside every timed call
DEFAULT_RULESETS = DEFAULT.rulesets

SECTIONS = ("branch", "industry", "ecology", "safety", "civility")
TOP_FIELDS = tuple(Village.model_fields)
INDICATOR_PATHS = tuple(STANDARD_INDICATORS)
EXTRA_PATHS = tuple(
    sorted({p for rs in DEFAULT_RULESETS for p in rs.tree.indicators if p.startswith("extra.")})
)
FIELD_NAMES = tuple(
    sorted({*TOP_FIELDS, *(p.split(".", 1)[1] for p in INDICATOR_PATHS + EXTRA_PATHS)})
)

# -- hostile values ---------------------------------------------------------------------------

HUGE = 10**400
HOSTILE_SCALARS: tuple[Any, ...] = (
    HUGE,
    -HUGE,
    2**63,
    -(2**63) - 1,
    2**64,
    float("inf"),
    float("-inf"),
    float("nan"),
    -0.0,
    1e308,
    5e-324,
    0.1,
    "１００",
    "１２３４５６７８９０１２",
    "４１０５２３１０５２０１",
    "100",
    "1e999",
    "\ud800",
    "a\udfffb",
    "",
    " ",
    "true",
    "yes",
    "null",
    "None",
    None,
    True,
    False,
    0,
    -1,
    1,
    2,
    0.5,
    1.5,
    -0.5,
    "2022-12-31",
    "2022-02-30",
    "2022-12-31T10:00:00",
    "9999-12-31",
    "0000-01-01",
    "410523105201",
    "10万",
    "\x00",
    "\ufffe",
    "\u2028",
    "x" * 5000,
    "≥",
    "cn-henan",
    "cn-henan/anyang/tangyin",
    "CN-HENAN",
    "rural",
    "urban_community",
)

json_scalars = st.one_of(
    st.sampled_from(HOSTILE_SCALARS),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
)


def _deep_list(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def _deep_dict(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8))
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
deep_values = st.builds(_deep_list, st.sampled_from([50, 300, 3000])) | st.builds(
    _deep_dict, st.sampled_from([50, 300, 3000])
)
shallow_deep_values = st.builds(_deep_list, st.sampled_from([50, 300])) | st.builds(
    _deep_dict, st.sampled_from([50, 300])
)
python_values = st.one_of(
    json_values,
    st.dates(),
    st.datetimes(),
    st.sampled_from([date.min, date.max, datetime.max, dtime(12, 0), b"\xff", (1, 2)]),
    deep_values,
)

dates = st.one_of(
    st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 31)),
    st.dates(),
)

# -- villages ---------------------------------------------------------------------------------

AS_OF = (
    "2022-12-31",
    "2022-12-31T00:00:00",
    "2022-12-31T00:00:00+08:00",
    "2022-12-31T10:00:00Z",
    "20221231",
    "2022/12/31",
    "２０２２-12-31",
    "1672444800",
    "0",
    "-1",
    "9999-12-31",
    "10000-01-01",
    "",
)


def example_village(index: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE_ROWS[index % len(EXAMPLE_ROWS)])
    return data


@st.composite
def village_dicts(draw: st.DrawFn, hostile: st.SearchStrategy[Any] = python_values) -> Any:
    """A village's data: a real example with hostile edits, or random data over the real
    field names; now and then not a mapping at all."""
    shape = draw(st.sampled_from(["example", "example", "example", "random", "minimal", "other"]))
    if shape == "other":
        return draw(hostile)
    if shape == "random":
        data = draw(st.dictionaries(st.sampled_from(FIELD_NAMES), hostile, max_size=8))
        for section in draw(st.lists(st.sampled_from(SECTIONS), max_size=3)):
            names = [p.split(".", 1)[1] for p in INDICATOR_PATHS if p.startswith(section + ".")]
            data[section] = draw(st.dictionaries(st.sampled_from(names), hostile, max_size=5))
        return data
    if shape == "minimal":
        data = {"name": "村", "jurisdiction": "cn-henan", "kind": "rural"}
    else:
        data = example_village(draw(st.integers(0, len(EXAMPLE_ROWS) - 1)))
    for _ in range(draw(st.integers(0, 4))):
        edit = draw(
            st.sampled_from(["set", "set", "section", "edge", "as_of", "drop", "unknown", "extra"])
        )
        if edit == "set":
            data[draw(st.sampled_from(TOP_FIELDS))] = draw(hostile)
        elif edit == "as_of":
            data["as_of"] = draw(st.dates() | st.datetimes() | st.sampled_from(AS_OF))
        elif edit == "edge":  # a valid value at the edge of its kind's domain
            path = draw(st.sampled_from(INDICATOR_PATHS))
            section, field = path.split(".", 1)
            if not isinstance(data.get(section), dict):
                data[section] = {}
            data[section][field] = draw(_value_for(STANDARD_INDICATORS[path].kind.value))
        elif edit == "section":
            path = draw(st.sampled_from(INDICATOR_PATHS))
            section, field = path.split(".", 1)
            if not isinstance(data.get(section), dict):
                data[section] = {}
            data[section][field] = draw(hostile)
        elif edit == "drop" and data:
            data.pop(draw(st.sampled_from(sorted(data))), None)
        elif edit == "unknown":
            data[draw(st.text(min_size=1, max_size=8))] = draw(hostile)
        else:
            name = draw(st.sampled_from(EXTRA_PATHS) | st.text(max_size=8)).removeprefix("extra.")
            if not isinstance(data.get("extra"), dict):
                data["extra"] = {}
            data["extra"][name] = draw(hostile)
    return data


# -- rulesets ---------------------------------------------------------------------------------

HOSTILE_YAML_TOKENS: tuple[str, ...] = (
    "!!python/object:os.system",
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system",
    "&a [*a]",
    "&a [*a, *a]",
    "*a",
    "&x",
    "!!int [1]",
    "!!int 1",
    "!!float x",
    "!!str",
    "!!binary AAAA",
    "!!timestamp 2022-13-45",
    "!!set {a}",
    "!!omap [a: 1]",
    "!custom x",
    "<<: {a: 1}",
    '"\\ud800"',
    '"\\udfff"',
    '"\\U0010FFFF"',
    '"\\x00"',
    "\x00",
    "\ufffe",
    "\ufeff",
    "\x85",
    "\u2028",
    "\x1b",
    "\r",
    "\t",
    "\t\t",
    "\ud800",
    "１００",
    "１００_０００",
    "≥",
    "≤",
    "＞＝",
    "：",
    "　",
    "10万",
    "9" * 401,
    "-" + "9" * 401,
    "0." + "1" * 401,
    "1e999",
    "-1e999",
    "1e-999",
    ".inf",
    "-.inf",
    ".nan",
    "0x" + "f" * 40,
    "0o777",
    "0b101",
    "1_000",
    "1:00:00",
    "2022-02-30",
    "2022-12-31T25:00:00",
    "99999-01-01",
    "~",
    "null",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "[" * 200,
    "{" * 200,
    "[" * 2000 + "]" * 2000,
    "- " * 300 + "x",
    "? ",
    ": ",
    "- ",
    "|",
    ">",
    "#",
    "'",
    '"',
    "%YAML 1.1",
    "%TAG ! tag:x,2000:",
    "---",
    "...",
    "@",
    "`",
    "x" * 20_000,
    "a: " * 100,
)


@st.composite
def mutated_text(draw: st.DrawFn, texts: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(name, text): a shipped YAML file with byte/character-level mutations."""
    texts = texts or YAML_TEXTS
    name = draw(st.sampled_from(sorted(texts)))
    text = texts[name]
    token = st.sampled_from(HOSTILE_YAML_TOKENS) | st.text(max_size=6)
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        kind = draw(
            st.sampled_from(
                [
                    "delete-line",
                    "duplicate-line",
                    "swap-lines",
                    "insert",
                    "insert",
                    "replace-value",
                    "replace-value",
                    "delete-chars",
                    "indent",
                    "duplicate-block",
                ]
            )
        )
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if kind == "delete-line":
            del lines[i]
        elif kind == "duplicate-line":
            lines.insert(i, lines[i])
        elif kind == "swap-lines":
            j = draw(st.integers(0, max(0, len(lines) - 1)))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(token) + line[at:]
        elif kind == "replace-value":
            line = lines[i]
            head, sep, _ = line.partition(": ")
            lines[i] = (head + sep if sep else line.split("- ", 1)[0] + "- ") + draw(token)
        elif kind == "delete-chars":
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + line[at + draw(st.integers(1, 10)) :]
        elif kind == "indent":
            lines[i] = draw(st.sampled_from(["  ", "\t", " ", ""])) + lines[i].lstrip(
                draw(st.sampled_from([" ", "", "  "]))
            )
        else:
            j = draw(st.integers(i, min(len(lines), i + 30)))
            lines[i:i] = lines[i:j] * draw(st.integers(1, 3))
        text = "\n".join(lines)
    return name, text


def _paths(value: Any, limit: int = 12) -> list[tuple[Any, ...]]:
    """Every path into a document, down to `limit` levels (hostile values nest deeply)."""
    found: list[tuple[Any, ...]] = []
    todo: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while todo:
        path, item = todo.pop()
        found.append(path)
        if len(path) >= limit:
            continue
        if isinstance(item, dict):
            todo.extend(((*path, k), v) for k, v in item.items())
        elif isinstance(item, list):
            todo.extend(((*path, i), v) for i, v in enumerate(item))
    return sorted(found, key=lambda p: [str(part) for part in p])


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


@st.composite
def mutated_structure(draw: st.DrawFn) -> tuple[str, str]:
    """(name, text): a shipped ruleset parsed, with values replaced by other types, keys
    dropped or added, then dumped again with yaml.safe_dump."""
    name = draw(st.sampled_from(sorted(str(p.relative_to(ROOT)) for p in GOOD_RULESET_FILES)))
    doc = yaml.safe_load(YAML_TEXTS[name])
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _get(doc, path[:-1]), path[-1]
        kind = draw(st.sampled_from(["replace", "replace", "drop", "add", "duplicate"]))
        if kind == "replace":
            parent[last] = draw(json_values | st.dates() | shallow_deep_values)
        elif kind == "drop":
            del parent[last]
        elif kind == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10) | st.sampled_from(FIELD_NAMES))] = draw(
                json_values
            )
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(last, parent[last])
    try:
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, RecursionError):
        text = json.dumps(doc, default=str, ensure_ascii=False)  # JSON is YAML too
    return name, text


# -- expressions ------------------------------------------------------------------------------

NAMES = (
    *INDICATOR_PATHS,
    "extra.score",
    "extra.flag",
    "extra.unknown_thing",
    "stars",
    "stars.industry",
    "stars.ecology",
    "stars.branch",
    "stars.nope",
    "industry",
    "x",
    "__class__",
    "industry.collective_income.real",
)
FUNCTIONS = ("ratio", "min", "max", "abs", "known", "count", "len", "eval", "__import__")
NUMBERS = (
    "0",
    "1",
    "-1",
    "0.85",
    "100_000",
    ".5",
    "5.",
    "1e999",
    "1e308",
    "1e-400",
    "9" * 401,
    "9" * 5000,
    "1__0",
    "1_",
    "0x10",
    "１００",
    "1" + "0" * 30,
)
OPERATORS = (
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "(",
    ")",
    "[",
    "]",
    ",",
    "and",
    "or",
    "not",
    "in",
    "true",
    "false",
    "=",
    "!",
    "&",
    "|",
    "%",
    "&&",
    "||",
    "=<",
    "≥",
    "万",
    '"a"',
    "'b'",
    '"unterminated',
    "'\\'",
    "\ud800",
    "\x00",
    "\ufffe",
    "null",
    "None",
    "True",
    ".",
    "..",
    "**",
    "//",
)
tokens = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(FUNCTIONS),
    st.sampled_from(NUMBERS),
    st.sampled_from(OPERATORS),
)


def _arith(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(" ".join),
        st.tuples(
            st.sampled_from(["ratio", "min", "max", "abs"]), st.lists(children, max_size=3)
        ).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        children.map(lambda c: f"-({c})"),
        children.map(lambda c: f"({c})"),
    )


operands = st.recursive(
    st.sampled_from(NAMES[: len(INDICATOR_PATHS) + 2]) | st.sampled_from(NUMBERS[:12]),
    _arith,
    max_leaves=6,
)


def _logic(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["and", "or"]), children).map(" ".join),
        children.map(lambda c: f"not ({c})"),
        children.map(lambda c: f"({c})"),
    )


comparisons = st.one_of(
    st.tuples(operands, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), operands).map(
        " ".join
    ),
    st.tuples(operands, st.lists(st.sampled_from((*NUMBERS[:10], '"a"')), max_size=3)).map(
        lambda t: f"{t[0]} in [{', '.join(t[1])}]"
    ),
    st.sampled_from(NAMES[: len(INDICATOR_PATHS)]),
    st.sampled_from(["known(industry.collective_income)", "count(stars) >= 1", "stars.industry"]),
)
well_formed = st.recursive(comparisons, _logic, max_leaves=8)
expressions = st.one_of(
    well_formed,
    st.lists(tokens, max_size=12).map(" ".join),
    st.lists(tokens, max_size=12).map("".join),
    st.text(max_size=40),
    st.builds(lambda n: "(" * n + "1" + ")" * n, st.integers(1, 5000)),
    st.builds(lambda n: "not " * n + "true", st.integers(1, 3000)),
    st.builds(lambda n: "- " * n + "1 > 0", st.integers(1, 3000)),
    st.builds(lambda n: " + ".join(["1"] * n) + " > 0", st.integers(1, 400)),
)

EXPR_HEADER = """\
starrules: 1
id: fuzz
jurisdiction: cn-henan
kind: rural
version: "2022.1"
effective: {from: 2022-05-01}
title: {zh: 测试, en: Test}
indicators:
  extra.score: {type: number, zh: 分数, en: Score}
  extra.flag: {type: bool, zh: 标志, en: Flag}
stars:
  - id: industry
    name: {zh: 产业兴旺星, en: Thriving Industry}
    grant:
      all:
        - id: industry.fuzz
          text: {zh: 模糊, en: Fuzz}
          test: %s
    veto:
      - {id: industry.veto, text: {zh: 否决, en: Veto}, test: %s}
  - id: ecology
    name: {zh: 生态宜居星, en: Liveable Ecology}
    grant:
      min_points: %s
      of:
        - {id: ecology.a, test: %s, points: %s, text: {zh: 甲, en: A}}
        - {id: ecology.b, test: ecology.garbage_system, points: 1, text: {zh: 乙, en: B}}
levels:
  - {value: 2, name: {zh: 二星, en: Two}, when: %s}
  - {value: 1, name: {zh: 一星, en: One}, when: "count(stars) >= 1"}
"""

POINTS = ("1", "2", "0.5", "0.1", "0.3", "1e308", "1e-300", "9" * 401, "0", "-1", "1e999", "１")


def yaml_scalar(text: str, style: str) -> str:
    """`text` as a YAML scalar: double-quoted (JSON escapes), single-quoted or plain."""
    if style == "double":
        return json.dumps(text, ensure_ascii=False)
    if style == "double-ascii":
        return json.dumps(text)
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    return text


@st.composite
def expression_rulesets(draw: st.DrawFn) -> tuple[str, str]:
    """(expression, ruleset text) with the expression in a criterion, a veto, a points item
    or a level condition of a small valid ruleset."""
    expr = draw(expressions)
    style = draw(st.sampled_from(["double", "double", "double-ascii", "single", "plain"]))
    where = draw(st.sampled_from(["test", "veto", "points", "level"]))
    ok = {
        "test": "industry.branch_led_cooperative",
        "veto": "industry.wage_arrears_cases > 0",
        "points": "ecology.garbage_system",
        "level": '"count(stars) >= 2"',
    }
    ok[where] = yaml_scalar(expr, style)
    bar = draw(st.sampled_from(POINTS))
    points = draw(st.sampled_from(POINTS))
    text = EXPR_HEADER % (ok["test"], ok["veto"], bar, ok["points"], points, ok["level"])
    return expr, text


# -- probing a loaded ruleset -----------------------------------------------------------------


def _value_for(kind: str) -> st.SearchStrategy[Any]:
    return {
        "count": st.sampled_from([0, 1, 2, 10**6, 2**63, HUGE]) | st.integers(min_value=0),
        "money": st.sampled_from([0.0, 1.0, 1e308, 5e-324, 100000.0, HUGE]) | st.floats(0, 1e308),
        "rate": st.sampled_from([0.0, 1.0, 0.85, 5e-324]) | st.floats(0, 1),
        "number": st.sampled_from([0, -1e308, 1e308, HUGE, -HUGE, 5e-324]) | st.floats(),
        "bool": st.booleans(),
        "string": st.text(max_size=5),
    }.get(kind, st.none())


def probe_village(draw: st.DrawFn, ruleset: starrules.Ruleset, mode: str) -> dict[str, Any]:
    """Data for a village the ruleset judges: every indicator it reads (`full`), some of
    them, or an example village moved into its jurisdiction."""
    data: dict[str, Any] = {
        "name": "探针村",
        "jurisdiction": ruleset.jurisdiction,
        "kind": ruleset.kind,
        "as_of": ruleset.effective_from.isoformat(),
    }
    if mode == "example":
        example = example_village(draw(st.integers(0, len(EXAMPLE_ROWS) - 1)))
        example.update(data)
        example.pop("code", None)
        example.pop("extra", None)
        data = example
    for path, spec in ruleset.tree.indicators.items():
        if mode == "some" and draw(st.booleans()):
            continue
        if mode == "example" and not path.startswith("extra."):
            continue
        section, field = path.split(".", 1)
        data.setdefault(section, {})[field] = draw(_value_for(spec.kind.value))
    return data


def probe_ruleset(draw: st.DrawFn, ruleset: starrules.Ruleset, what: str) -> None:
    """Evaluate a ruleset that loaded on villages it applies to; explain and serialise."""
    for mode in ("full", "some", "example"):
        data = probe_village(draw, ruleset, mode)
        village = call(
            f"Village.model_validate[{what}]",
            Village.model_validate,
            data,
            allowed=(ValidationError, StarrulesError),
            placed=village_error_placed,
        )
        if isinstance(village, Rejected):
            continue
        assessment = call(f"Ruleset.evaluate[{what}]", ruleset.evaluate, village)
        if not isinstance(assessment, Rejected):
            probe_assessment(assessment, what)


def probe_assessment(assessment: starrules.Assessment, what: str) -> None:
    call(f"Assessment.explain(zh)[{what}]", assessment.explain, "zh")
    call(f"Assessment.explain(en)[{what}]", assessment.explain, "en")
    call(f"Assessment.to_record[{what}]", assessment.to_record)
    call(f"Assessment.model_dump_json[{what}]", assessment.model_dump_json)


# -- scratch files ----------------------------------------------------------------------------

_BASE = Path(tempfile.gettempdir()) / f"starrules-fuzz-{os.getpid()}"
atexit.register(shutil.rmtree, _BASE, ignore_errors=True)


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh directory for one example's files, removed afterwards."""
    _BASE.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=_BASE))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write(path: Path, text: str | bytes) -> Path:
    """Write text as UTF-8, keeping lone surrogates as the invalid bytes they would be."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# -- JSON inputs: villages and events files ----------------------------------------------


def _json_text(value: Any, ascii_only: bool) -> str:
    try:
        return json.dumps(value, ensure_ascii=ascii_only, default=str)
    except (ValueError, RecursionError):  # e.g. a deep list: its repr is JSON enough
        return repr(value)


@st.composite
def village_json(draw: st.DrawFn) -> str:
    """JSON text of a village, or JSON-like damage: deep nesting, long numbers, NaN…"""
    kind = draw(st.sampled_from(["dump", "dump", "dump", "hostile"]))
    if kind == "dump":
        return _json_text(draw(village_dicts(json_values)), draw(st.booleans()))
    base = _json_text(example_village(draw(st.integers(0, len(EXAMPLE_ROWS) - 1))), False)
    return draw(hostile_json(base))


def hostile_json(base: str) -> st.SearchStrategy[str]:
    """Damaged JSON text built from `base` (one JSON document)."""
    cut = st.integers(0, len(base))
    return st.one_of(
        st.sampled_from(
            [
                "[" * 100_000 + "]" * 100_000,
                '{"a":' * 50_000 + "1" + "}" * 50_000,
                "[" * 100_000,
                "9" * 5000,
                "-" + "9" * 401,
                "1e999",
                "NaN",
                "-Infinity",
                "",
                " ",
                "\ufeff" + base,
                "\x00",
                "null",
                "[]",
                "{}",
                '"\\ud800"',
                '{"name": "\\udfff"}',
                "[" + base + "," + base + "]",
            ]
        ),
        st.builds(
            lambda at, token: base[:at] + token + base[at:],
            cut,
            st.sampled_from(
                ["9" * 5000, "1e999", "NaN", "\\ud800", '"', "{", "[", "\x00", "１", "\n", ","]
            ),
        ),
        st.builds(lambda at, n: base[:at] + base[at + n :], cut, st.integers(1, 20)),
        st.builds(
            lambda field, value: base.replace(f'"{field}": ', f'"{field}": {value}, "_": ', 1),
            st.sampled_from(["as_of", "name", "kind", "collective_income", "criminal_cases"]),
            st.sampled_from(["9" * 5000, "1e999", "-1e999", "NaN", "[" * 5000 + "]" * 5000]),
        ),
    )


@st.composite
def villages_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, content) of a villages file: JSON (one object or an array) or JSONL."""
    suffix = draw(st.sampled_from([".json", ".jsonl", ".JSONL", ".json", ".txt", ""]))
    jsonl = suffix.lower() == ".jsonl"
    if draw(st.booleans()):
        items = draw(st.lists(village_dicts(json_values), min_size=0, max_size=4))
        ascii_only = draw(st.booleans())
        if jsonl:
            text = "\n".join(_json_text(item, ascii_only) for item in items)
        elif len(items) == 1 and draw(st.booleans()):
            text = _json_text(items[0], ascii_only)
        else:
            text = _json_text(items, ascii_only)
    else:
        base = _json_text(example_village(draw(st.integers(0, len(EXAMPLE_ROWS) - 1))), False)
        lines = [draw(hostile_json(base)) for _ in range(draw(st.integers(1, 3)))]
        text = "\n".join(lines) if jsonl else lines[0]
    return suffix, draw(encoded(text))


def encoded(text: str) -> st.SearchStrategy[bytes]:
    """`text` as UTF-8 (lone surrogates as their invalid bytes), with a BOM, in GBK or
    UTF-16, or with stray bytes inserted."""

    def as_(encoding: str) -> bytes:
        try:
            return text.encode(encoding)
        except UnicodeEncodeError:
            return text.encode("utf-8", "surrogatepass")

    utf8 = as_("utf-8")
    return st.one_of(
        st.just(utf8),
        st.just(utf8),
        st.just(b"\xef\xbb\xbf" + utf8),
        st.just(as_("gbk")),
        st.just(as_("utf-16")),
        st.builds(
            lambda at, junk: utf8[:at] + junk + utf8[at:],
            st.integers(0, len(utf8)),
            st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\r", b"\r\n", b"\x85", b"\xe2\x80\xa8"]),
        ),
    )


# -- events ---------------------------------------------------------------------------------

MONITORED = tuple(example_village(i) for i in range(0, len(EXAMPLE_ROWS), 7))
INCIDENTS = (*DEFAULT_INCIDENT_TYPES, *(t.name.zh for t in DEFAULT_INCIDENT_TYPES.values()))


@st.composite
def event_dicts(draw: st.DrawFn) -> Any:
    """An event's JSON form: mostly well-shaped, with hostile values and keys; now and then
    any JSON value at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    kind = draw(st.sampled_from(["update", "update", "incident", "review", "Update", "x", None]))
    villages = [v["code"] for v in MONITORED] + [v["name"] for v in MONITORED]
    event: dict[str, Any] = {
        "type": kind,
        "village": draw(st.sampled_from(villages) | st.sampled_from([None, "", "nope"])),
        "date": draw(
            dates.map(date.isoformat)
            | st.sampled_from(["2022-12-31", "2023-01-01", "2022-02-30", "２０２３-01-01", ""])
            | st.dates()
        ),
    }
    if kind in ("update", "Update"):
        event["field"] = draw(
            st.sampled_from(INDICATOR_PATHS + EXTRA_PATHS)
            | st.sampled_from(["extra.nope", "industry", "", "safety.criminal_cases.x"])
        )
        event["value"] = draw(json_values)
    elif kind == "incident":
        event["incident"] = draw(st.sampled_from(INCIDENTS) | st.text(max_size=6))
        if draw(st.booleans()):
            event["count"] = draw(json_values)
    if draw(st.booleans()):
        event["id"] = draw(json_values)
    if draw(st.booleans()):
        event["note"] = draw(json_values)
    for _ in range(draw(st.integers(0, 2))):
        action = draw(st.sampled_from(["drop", "set", "add"]))
        if action == "drop":
            event.pop(draw(st.sampled_from(sorted(event))), None)
        elif action == "set":
            event[draw(st.sampled_from(sorted(event)))] = draw(json_values)
        else:
            event[draw(st.text(min_size=1, max_size=8))] = draw(json_values)
    return event


@st.composite
def events_file(draw: st.DrawFn) -> bytes:
    """A JSONL file of events: JSON lines of event dicts, damaged lines, blank lines."""
    lines = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["event", "event", "event", "blank", "hostile"]))
        if kind == "event":
            lines.append(_json_text(draw(event_dicts()), draw(st.booleans())))
        elif kind == "blank":
            lines.append(draw(st.sampled_from(["", " ", "\t", "\r"])))
        else:
            base = '{"type": "review", "village": "410523105201", "date": "2023-01-01"}'
            lines.append(draw(hostile_json(base)).replace("\n", " "))
    return draw(encoded("\n".join(lines)))
