"""What keeps the monitor's cost per event low, held as behaviour: no village model copied per
event, changes and history built without re-validation, only the stars that read a changed
indicator decided again, history entries the garbage collector need not follow; and the
per-ruleset lookups and period bounds that the fast path relies on."""

from __future__ import annotations

import gc
import json
import random
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from starrules import Registry, Ruleset, Village
from starrules.evaluation import Truth
from starrules.monitor import Change, HistoryEntry, Monitor, Period
from starrules.monitor.backend import NativeBackend
from starrules.monitor.lookups import Rules
from starrules.monitor.state import ENTRY_CHANGES
from starrules.village import SECTIONS

ROOT = Path(__file__).resolve().parents[1]
FIVE_STAR = "410523105201"  # 部落村, 汤阴县: five stars in the 2022 example data


def villages() -> list[Village]:
    lines = (ROOT / "examples" / "villages.jsonl").read_text(encoding="utf-8").splitlines()
    return [Village.model_validate(json.loads(line)) for line in lines if line.strip()]


def events(day: str = "2022-12-31") -> list[dict[str, Any]]:
    """Updates and incidents within one period and one ruleset version, some changing
    stars, some not."""
    base = {"village": FIVE_STAR, "date": day}
    return [
        {**base, "type": "update", "field": "industry.local_jobs", "value": 45},
        {**base, "type": "update", "field": "industry.collective_income", "value": None},
        {**base, "type": "update", "field": "industry.collective_income", "value": 80.0},
        {**base, "type": "incident", "incident": "criminal_case", "note": "盗窃"},
        {**base, "type": "update", "field": "extra.not_declared", "value": 3},
        {**base, "type": "review"},
    ]


class SpyBackend(NativeBackend):
    """The native backend, recording what it is asked to decide."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[bool, list[str] | None]] = []

    def decide(
        self,
        ruleset: Ruleset,
        village: Village,
        before: list[Truth] | None,
        changed: Iterable[str] | None,
    ) -> list[Truth]:
        changed = None if changed is None else list(changed)
        self.calls.append((before is None, changed))
        return super().decide(ruleset, village, before, changed)


def test_no_village_model_is_copied_per_event(monkeypatch: pytest.MonkeyPatch) -> None:
    copies: list[str] = []
    original = BaseModel.model_copy

    def counting(self: BaseModel, *args: Any, **kwargs: Any) -> Any:
        copies.append(type(self).__name__)
        return original(self, *args, **kwargs)

    with Monitor(villages()) as watcher:
        monkeypatch.setattr(BaseModel, "model_copy", counting)
        for event in events():
            watcher.apply(event)
        assert copies == []
        watcher.snapshot(FIVE_STAR)  # an assessment handed out: a copy of its own
        assert copies == ["Village"]


def test_changes_and_history_are_built_without_validation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The data are the library's own, checked already: no model is validated again.
    with Monitor(villages()) as watcher:
        for model in (Change, HistoryEntry):

            def refuse(self: BaseModel, /, **data: Any) -> None:
                raise AssertionError(f"{type(self).__name__} validated")

            monkeypatch.setattr(model, "__init__", refuse)
        changes = [c for event in events() for c in watcher.apply(event)]
        history = watcher.history(FIVE_STAR)
        monkeypatch.undo()
    assert changes and history[-1].changes == [] and history[3].changes
    for entry in history:  # yet they are what validation would make
        again = HistoryEntry.model_validate(entry.model_dump())
        assert again == entry and again.model_dump_json() == entry.model_dump_json()


def test_only_the_stars_reading_a_changed_indicator_are_decided_again() -> None:
    spy = SpyBackend()
    with Monitor(villages(), backend=spy) as watcher:
        spy.calls.clear()
        for event in events():
            watcher.apply(event)
    # Each changed indicator that some star reads, alone; the undeclared `extra` one and
    # the review (nothing changed) ask for nothing.
    assert spy.calls == [
        (False, ["industry.local_jobs"]),
        (False, ["industry.collective_income"]),
        (False, ["industry.collective_income"]),
        (False, ["safety.criminal_cases"]),
    ]


def test_a_value_set_to_what_it_was_decides_nothing() -> None:
    spy = SpyBackend()
    with Monitor(villages(), backend=spy) as watcher:
        jobs = watcher.snapshot(FIVE_STAR).input.industry.local_jobs
        spy.calls.clear()
        assert watcher.apply({**events()[0], "value": jobs}) == []
        assert spy.calls == []
        assert watcher.history(FIVE_STAR)[-1].values == {}


def test_history_entries_without_changes_are_not_followed_by_the_garbage_collector() -> None:
    # A long stream keeps history_limit entries per village: plain data, no object the
    # collector must traverse (the changes an entry keeps excepted).
    with Monitor(villages()) as watcher:
        for event in events():
            watcher.apply(event)
        gc.collect()
        kept = watcher._store.find(FIVE_STAR, "test").history
        plain = [entry for entry in kept if not entry[ENTRY_CHANGES]]
        assert len(plain) >= 2
        assert not any(gc.is_tracked(entry) for entry in plain)


@pytest.mark.parametrize("ruleset", Registry.default().rulesets, ids=lambda rs: rs.id)
def test_the_indicators_rules_read_are_those_the_program_decides_on(ruleset: Ruleset) -> None:
    rules = Rules(ruleset)
    standard = {f"{name}.{field}" for name, model in SECTIONS for field in model.model_fields}
    candidates = standard | set(ruleset.tree.indicators) | rules.read
    program = ruleset.program
    assert rules.read == {path for path in candidates if program.stars_reading(path)}
    assert rules.level_reads_data is (ruleset.tree.levels is not None)


@pytest.mark.parametrize(
    ("day", "kind", "end"),
    [
        (date(2023, 3, 4), "year", date(2024, 1, 1)),
        (date(2023, 3, 4), "half", date(2023, 7, 1)),
        (date(2023, 8, 4), "half", date(2024, 1, 1)),
        (date(2023, 3, 4), "quarter", date(2023, 4, 1)),
        (date(2023, 12, 31), "quarter", date(2024, 1, 1)),
        (date(9999, 12, 31), "year", date.max),  # no day after the last period
        (date(9999, 5, 1), "quarter", date(9999, 7, 1)),
    ],
)
def test_a_period_ends_where_the_next_starts(day: date, kind: Any, end: date) -> None:
    period = Period.containing(day, kind)
    assert period.start <= day < end or end == date.max
    assert period.end == end


def test_the_last_day_there_is_can_be_monitored() -> None:
    village = villages()[0].model_copy(update={"as_of": date(2023, 12, 31)})
    with Monitor([village]) as watcher:
        far = {"village": FIVE_STAR, "date": "9999-12-31", "type": "incident"}
        changes = watcher.apply({**far, "incident": "criminal_case"})
        watcher.apply({**far, "incident": "criminal_case"})
        assert watcher.snapshot(FIVE_STAR).input.safety.criminal_cases == 2
        assert {c.period for c in changes} == {"9999"}


def test_every_status_after_every_event_is_what_a_full_evaluation_gives() -> None:
    # The monitor decides only the stars a change can reach (a required star's requirers
    # only when its status changed): after each event its statuses and level must be
    # those of evaluating the village afresh.
    rng = random.Random(11)
    given = villages()
    keys = [v.code or v.name for v in given]
    numbers = {
        "industry.collective_income": (None, 0.0, 50_000.0, 100_000.0, 250_000.0),
        "industry.local_jobs": (None, 0, 5, 20, 50),
        "ecology.sanitary_toilet_rate": (None, 0.0, 0.5, 0.85, 1.0),
        "ecology.greening_rate": (None, 0.1, 0.3, 0.6),
        "branch.reserve_cadres": (None, 0, 1, 3, 5),
        "safety.grid_management": (None, True, False),
        "civility.star_households": (None, 0, 10, 50, 200),
        "civility.practice_station": (None, True, False),
    }
    changes: list[Change] = []
    with Monitor(given, explain=False) as watcher:
        day = date(2022, 12, 31)
        for step in range(300):
            if step % 40 == 39:
                day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            key = rng.choice(keys)
            if rng.random() < 0.8:
                path = rng.choice(sorted(numbers))
                event: dict[str, Any] = {
                    "type": "update",
                    "field": path,
                    "value": rng.choice(numbers[path]),
                }
            else:
                event = {"type": "incident", "incident": rng.choice(["criminal_case"])}
            changes += watcher.apply({**event, "village": key, "date": day.isoformat()})
            now = watcher.snapshot(key)
            fresh = watcher.ruleset(key).program.run(now.input)
            assert now.outcome.stars == fresh.stars, (step, event)
            assert (now.level.min, now.level.max) == fresh.level, (step, event)
    kinds = {(c.kind, c.trigger) for c in changes}
    assert len(changes) > 50 and len(kinds) >= 5, kinds  # the stream moves many stars
