"""starrules.monitor.monitor: state, periods, changes, history and snapshots (native backend;
the rete backend is held to the same answers in test_monitor_differential.py)."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import starrules
from starrules import InputError, Monitor, MonitorError, Status, Village
from starrules.monitor import ChangeKind, Incident, Trigger

ROOT = Path(__file__).resolve().parents[1]
FIVE_STAR = "410523105201"  # 部落村, 汤阴县: five stars in the 2022 example data


def villages() -> list[Village]:
    lines = (ROOT / "examples" / "villages.jsonl").read_text(encoding="utf-8").splitlines()
    return [Village.model_validate(json.loads(line)) for line in lines if line.strip()]


@pytest.fixture
def monitor() -> Monitor:
    return Monitor(villages())


def incident(kind: str = "criminal_case", day: str = "2022-12-31", **more: Any) -> dict[str, Any]:
    return {"type": "incident", "village": FIVE_STAR, "incident": kind, "date": day, **more}


def test_an_incident_revokes_the_safety_star_at_once_and_names_itself(monitor: Monitor) -> None:
    before = monitor.snapshot(FIVE_STAR)
    assert before.status("safety") is Status.GRANTED and before.level.value == 5
    changes = monitor.apply(incident(note="入室盗窃"))
    kinds = [(c.kind, c.star) for c in changes]
    # 支部过硬星 requires the other four stars, so it goes too; then the level drops.
    assert kinds == [
        (ChangeKind.STAR_REVOKED, "safety"),
        (ChangeKind.STAR_REVOKED, "branch"),
        (ChangeKind.LEVEL_DOWN, None),
    ]
    safety = changes[0]
    assert safety.trigger is Trigger.EVENT and safety.date == date(2022, 12, 31)
    assert isinstance(safety.cause, Incident) and safety.cause.note == "入室盗窃"
    assert [i.incident for i in safety.incidents] == ["criminal_case"]
    assert safety.explanation is not None
    veto = {c.id: c for c in safety.explanation.criteria}["safety.criminal-case"]
    assert veto.status == "fail" and veto.observed == {"safety.criminal_cases": 1}
    assert veto.layer.startswith("henan-rural@2022.1")
    level = changes[-1]
    assert (level.level_before and level.level_before.value, level.level_after.value) == (5, 3)  # type: ignore[union-attr]
    assert monitor.snapshot(FIVE_STAR).status("safety") is Status.DENIED


def test_the_next_period_restores_eligibility(monitor: Monitor) -> None:
    monitor.apply(incident())
    changes = monitor.apply({"type": "review", "village": FIVE_STAR, "date": "2023-01-01"})
    safety = [c for c in changes if c.star == "safety"]
    assert [(c.kind, c.trigger) for c in safety] == [
        (ChangeKind.STAR_GRANTED, Trigger.RULESET_CHANGE)  # 2023.1 came in force that day too
    ]
    assert monitor.snapshot(FIVE_STAR).input.safety.criminal_cases == 0
    assert monitor.incidents(FIVE_STAR) == []


def test_a_new_period_without_new_rules_is_a_period_start() -> None:
    village = villages()[0]
    with Monitor([village], period="quarter") as watcher:
        watcher.apply(incident(day="2023-02-01"))
        assert watcher.snapshot(FIVE_STAR).status("safety") is Status.DENIED
        changes = watcher.apply({"type": "review", "date": "2023-04-01"})
        safety = [c for c in changes if c.star == "safety"]
        assert [(c.kind, c.trigger, c.period) for c in safety] == [
            (ChangeKind.STAR_GRANTED, Trigger.PERIOD_START, "2023-Q2")
        ]


def test_incidents_in_one_period_add_up(monitor: Monitor) -> None:
    monitor.apply(incident(day="2023-02-01"))
    monitor.apply(incident(day="2023-03-01", count=2))
    assert monitor.snapshot(FIVE_STAR).input.safety.criminal_cases == 3
    assert len(monitor.incidents(FIVE_STAR)) == 2


def test_incident_types_by_chinese_name_and_misspelt(monitor: Monitor) -> None:
    monitor.apply(incident("伤亡事故"))
    assert monitor.snapshot(FIVE_STAR).input.safety.accidents_with_casualties == 1
    with pytest.raises(InputError, match=r"did you mean 'criminal_case'"):
        monitor.apply(incident("criminal_cas"))


def test_an_update_changes_only_what_it_touches(monitor: Monitor) -> None:
    update = {"type": "update", "village": FIVE_STAR, "date": "2022-12-31"}
    assert monitor.apply({**update, "field": "industry.local_jobs", "value": 45}) == []
    changes = monitor.apply({**update, "field": "industry.collective_income", "value": None})
    assert (changes[0].kind, changes[0].star, changes[0].after) == (
        ChangeKind.STAR_UNDETERMINED,
        "industry",
        Status.UNDETERMINED,
    )
    assert changes[-1].kind is ChangeKind.LEVEL_CHANGED or changes[-1].kind is ChangeKind.LEVEL_DOWN
    assert "industry.collective_income" in monitor.snapshot(FIVE_STAR).missing


def test_whole_numbers_are_accepted_for_rates(monitor: Monitor) -> None:
    event = {"type": "update", "village": FIVE_STAR, "date": "2022-12-31"}
    monitor.apply({**event, "field": "ecology.greening_rate", "value": 1})
    assert monitor.snapshot(FIVE_STAR).input.ecology.greening_rate == 1.0


def test_an_event_without_a_place_is_called_an_event_in_each_language(
    monitor: Monitor,
) -> None:
    """Without `where`, errors name "the event": in Chinese, 事件."""
    update = {"type": "update", "village": FIVE_STAR, "date": "2022-12-31"}
    with pytest.raises(starrules.InputError, match=r"^event: field: unknown indicator") as bad:
        monitor.apply({**update, "field": "industry.local_job", "value": 3})
    assert bad.value.render("zh").startswith("事件: ")
    with pytest.raises(starrules.InputError, match=r"^event: type: missing") as untyped:
        monitor.apply({"village": FIVE_STAR, "date": "2022-12-31"})
    assert untyped.value.render("zh").startswith("事件: `type`")
    with pytest.raises(starrules.InputError, match=r"^event: incident: ") as incident:
        monitor.apply(
            {
                "type": "incident",
                "village": FIVE_STAR,
                "date": "2022-12-31",
                "incident": "alien_landing",
            }
        )
    assert incident.value.render("zh").startswith("事件: incident: ")


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            {"field": "industry.local_job", "value": 3},
            r"events:1: field: unknown indicator 'industry.local_job' \(did you mean "
            r"'industry.local_jobs'",
        ),
        (
            {"field": "ecology.greening_rate", "value": 1.5},
            r"events:1: value: 1.5 for ecology.greening_rate",
        ),
        ({"field": "safety.grid_management", "value": "yes"}, r"value: 'yes' for safety"),
        ({"field": "industry.local_jobs", "value": -1}, r"value: -1 for industry.local_jobs"),
    ],
)
def test_bad_updates_are_located_and_change_nothing(
    monitor: Monitor, event: dict[str, Any], message: str
) -> None:
    before = monitor.snapshot(FIVE_STAR).input
    with pytest.raises(InputError, match=message):
        monitor.apply(
            {"type": "update", "village": FIVE_STAR, "date": "2023-05-01", **event},
            where="events:1",
        )
    assert monitor.snapshot(FIVE_STAR).input == before
    assert monitor.history(FIVE_STAR) == []


def test_a_county_indicator_can_be_updated(monitor: Monitor) -> None:
    declared = [p for p in monitor.ruleset(FIVE_STAR).tree.indicators if p.startswith("extra.")]
    assert declared  # 汤阴县 declares its own indicators
    path = declared[0]
    spec = monitor.ruleset(FIVE_STAR).tree.indicators[path]
    value: Any = True if spec.kind.value == "bool" else 1
    monitor.apply(
        {
            "type": "update",
            "village": FIVE_STAR,
            "date": "2022-12-31",
            "field": path,
            "value": value,
        }
    )
    assert monitor.snapshot(FIVE_STAR).input.extra[path.removeprefix("extra.")] == value


def test_events_out_of_date_order_are_rejected(monitor: Monitor) -> None:
    monitor.apply(incident(day="2023-05-02"))
    with pytest.raises(
        InputError, match=r"events:7: event dated 2023-03-01 .* comes after its event of 2023-05-02"
    ):
        monitor.apply(incident(day="2023-03-01"), where="events:7")
    assert monitor.snapshot(FIVE_STAR).input.safety.criminal_cases == 1
    monitor.apply(incident(day="2023-05-02"))  # the same day is in order
    assert monitor.snapshot(FIVE_STAR).input.safety.criminal_cases == 2


def test_events_before_the_data_date_are_rejected(monitor: Monitor) -> None:
    with pytest.raises(InputError, match=r"before the date its data describe \(2022-12-31\)"):
        monitor.apply(incident(day="2022-06-01"))


def test_a_review_of_all_villages_applies_wholly_or_not_at_all(monitor: Monitor) -> None:
    monitor.apply(incident(day="2023-06-01"))
    with pytest.raises(InputError, match="comes after its event of 2023-06-01"):
        monitor.apply({"type": "review", "date": "2023-03-01"})
    others = [k for k in monitor.villages if k != FIVE_STAR]
    assert all(monitor.history(k) == [] for k in others)
    changes = monitor.apply({"type": "review", "date": "2024-01-01"})
    assert {c.village for c in changes} > {FIVE_STAR}


def test_unknown_villages_get_a_suggestion(monitor: Monitor) -> None:
    with pytest.raises(InputError, match=r"no monitored village '部落' .*did you mean '部落村'"):
        monitor.apply({**incident(), "village": "部落"})
    monitor.apply({**incident(), "village": "部落村"})  # a name works as well as a code
    assert monitor.snapshot(FIVE_STAR).input.safety.criminal_cases == 1


def test_bad_event_shapes_name_the_field() -> None:
    watcher = Monitor(villages()[:1])
    with pytest.raises(
        InputError, match=r"x:1: type: unknown event type 'incidnet' \(did you mean 'incident'"
    ):
        watcher.apply({"type": "incidnet"}, where="x:1")
    with pytest.raises(InputError, match=r"x:2: date: "):
        watcher.apply({"type": "review", "date": "2023-13-01"}, where="x:2")
    with pytest.raises(InputError, match=r"x:3: notes: unknown field \(did you mean 'note'"):
        watcher.apply({**incident(), "notes": "n"}, where="x:3")


def test_snapshots_rebuild_any_date_from_the_history(monitor: Monitor) -> None:
    monitor.apply(incident(day="2022-12-31"))
    monitor.apply(
        {
            "type": "update",
            "village": FIVE_STAR,
            "date": "2023-06-01",
            "field": "industry.local_jobs",
            "value": 0,
        }
    )
    assert monitor.snapshot(FIVE_STAR, date(2022, 12, 31)).status("safety") is Status.DENIED
    in_2023 = monitor.snapshot(FIVE_STAR, date(2023, 3, 1))
    assert in_2023.status("safety") is Status.GRANTED  # the new period reset the count
    assert in_2023.input.industry.local_jobs == 40
    assert in_2023.ruleset.layers[1].version == "2023.1"
    latest = monitor.snapshot(FIVE_STAR)
    assert latest.input.industry.local_jobs == 0 and latest.as_of == date(2023, 6, 1)
    assert monitor.snapshot(FIVE_STAR, date(2025, 1, 1)).input.safety.criminal_cases == 0
    with pytest.raises(InputError, match="monitored from 2022-12-31"):
        monitor.snapshot(FIVE_STAR, date(2022, 1, 1))


def test_history_lists_events_values_and_changes(monitor: Monitor) -> None:
    monitor.apply(incident(day="2022-12-31", note="n", id="e1"))
    monitor.apply({"type": "review", "village": FIVE_STAR, "date": "2023-01-02"})
    first, second = monitor.history(FIVE_STAR)
    assert first.event == Incident.model_validate(incident(day="2022-12-31", note="n", id="e1"))
    assert first.changes[0].cause == first.event and first.changes[0].village == FIVE_STAR
    assert second.event.model_dump() == {
        "type": "review",
        "village": FIVE_STAR,
        "date": date(2023, 1, 2),
        "id": None,
        "note": None,
    }
    assert first.values == {"safety.criminal_cases": (0, 1)}
    assert [c.kind for c in first.changes][:1] == [ChangeKind.STAR_REVOKED]
    assert all(c.explanation is None for c in first.changes)  # kept light
    assert second.values == {"safety.criminal_cases": (1, 0)} and second.period == "2023"


def test_history_is_bounded_and_says_what_it_forgot() -> None:
    watcher = Monitor(villages()[:1], history_limit=3)
    for day in range(1, 7):
        watcher.apply(incident(day=f"2023-01-{day:02d}"))
    assert [e.date.day for e in watcher.history(FIVE_STAR)] == [4, 5, 6]
    assert watcher.snapshot(FIVE_STAR, date(2023, 1, 4)).input.safety.criminal_cases == 4
    with pytest.raises(InputError, match=r"history before 2023-01-03 is no longer kept"):
        watcher.snapshot(FIVE_STAR, date(2023, 1, 2))


def test_villages_need_a_date_and_a_unique_key() -> None:
    village = villages()[0]
    with pytest.raises(InputError, match="no date"):
        Monitor([village.model_copy(update={"as_of": None})])
    assert Monitor([village.model_copy(update={"as_of": None})], on=date(2022, 12, 31)).villages
    with pytest.raises(InputError, match="already monitored"):
        Monitor([village, village])


def test_setup_errors() -> None:
    with pytest.raises(MonitorError, match=r"unknown backend 'reet' \(did you mean 'rete'"):
        Monitor(backend="reet")  # type: ignore[arg-type]
    with pytest.raises(MonitorError, match="unknown period"):
        Monitor(period="week")  # type: ignore[arg-type]
    watcher = Monitor(villages()[:1])
    watcher.close()
    watcher.close()
    with pytest.raises(MonitorError, match="closed"):
        watcher.apply(incident())


def test_without_explanations_changes_are_still_complete() -> None:
    watcher = Monitor(villages()[:1], explain=False)
    changes = watcher.apply(incident())
    assert changes[0].kind is ChangeKind.STAR_REVOKED and changes[0].explanation is None


def test_one_monitor_fed_from_many_threads_counts_every_incident() -> None:
    watcher = Monitor(villages())
    keys = watcher.villages
    before = {k: watcher.snapshot(k).input.safety.criminal_cases or 0 for k in keys}
    errors: list[BaseException] = []

    def feed(offset: int) -> None:
        try:
            for key in keys[offset::4]:
                for _ in range(5):
                    watcher.apply({**incident(day="2022-12-31"), "village": key})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=feed, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert {k: watcher.snapshot(k).input.safety.criminal_cases for k in keys} == {
        k: before[k] + 5 for k in keys
    }


def test_public_names() -> None:
    assert starrules.Monitor is Monitor
    assert starrules.MonitorError is MonitorError


def test_a_ruleset_change_the_village_does_not_fit_is_rejected_whole(tmp_path: Path) -> None:
    """The 2022 rules declare a county indicator the village reports; the 2023 rules do
    not. A strict monitor cannot apply an event in 2023: it is rejected, and nothing
    changes (a lenient one ignores the indicator under the 2023 rules)."""
    source = (ROOT / "tests" / "fixtures" / "with_extra.yaml").read_text(encoding="utf-8")
    (tmp_path / "old.yaml").write_text(source, encoding="utf-8")
    newer = source.replace('version: "2022.1"', 'version: "2023.1"').replace(
        "effective: {from: 2022-05-01}", "effective: {from: 2023-01-01}"
    )
    newer = newer.replace(
        "            - {id: industry.mushrooms, test: extra.mushroom_bags >= 1000, "
        "text: {zh: 香菇, en: Mushrooms}}\n",
        "",
    ).replace(
        "indicators:\n  extra.mushroom_bags: {type: count, better: higher, zh: 香菇种植袋数, "
        "en: Mushroom bags}\n",
        "",
    )
    newer = newer.split("\ntests:")[0] + "\n"  # its test cases use the indicator too
    assert "mushroom" not in newer
    (tmp_path / "new.yaml").write_text(newer, encoding="utf-8")
    registry = starrules.Registry.from_paths(tmp_path)
    village = Village.model_validate(
        {
            "name": "香菇村",
            "jurisdiction": "cn-henan/nanyang/xixia",
            "kind": "rural",
            "as_of": "2022-12-01",
            "industry": {"collective_income": 200000},
            "extra": {"mushroom_bags": 5000},
        }
    )
    lenient = Monitor([village], registry=registry)
    lenient.apply({"type": "review", "date": "2023-02-01"})
    assert lenient.snapshot("香菇村").ruleset.version == "2023.1"
    assert [i.path for i in lenient.snapshot("香菇村").ignored] == ["extra.mushroom_bags"]
    watcher = Monitor([village], registry=registry, strict=True)
    with pytest.raises(
        starrules.EvaluationError,
        match=r"events:3: village '香菇村': .*'extra.mushroom_bags' is not declared by ruleset "
        r"test-rural-extra@2023.1",
    ) as refused:
        watcher.apply({"type": "review", "date": "2023-02-01"}, where="events:3")
    # said of the event and the village, its code and its Chinese text kept
    assert refused.value.render("zh").startswith("events:3: 村庄 '香菇村': ")
    assert refused.value.render("zh").endswith("[SR573]")
    assert "村庄 '香菇村'" in refused.value.render("zh")
    assert watcher.history("香菇村") == []
    assert watcher.snapshot("香菇村").ruleset.version == "2022.1"
    watcher.apply({"type": "review", "date": "2022-12-20"})  # still before the new rules


def test_without_history_only_the_present_can_be_shown() -> None:
    watcher = Monitor(villages()[:1], history_limit=0)
    watcher.apply(incident(day="2023-02-01"))
    watcher.apply(incident(day="2023-03-01"))
    assert watcher.history(FIVE_STAR) == []
    assert watcher.snapshot(FIVE_STAR, date(2023, 3, 1)).input.safety.criminal_cases == 2
    with pytest.raises(InputError, match="history before 2023-03-01 is no longer kept"):
        watcher.snapshot(FIVE_STAR, date(2023, 2, 1))


def test_a_name_two_villages_share_must_be_given_as_a_code() -> None:
    first = villages()[0]
    twin = first.model_copy(update={"code": "410523105299"})
    watcher = Monitor([first, twin])
    with pytest.raises(InputError, match=r"2 monitored villages are named '部落村' .*use the code"):
        watcher.apply({**incident(), "village": "部落村"})
    watcher.apply({**incident(), "village": "410523105299"})
    assert watcher.snapshot("410523105299").input.safety.criminal_cases == 1


def test_what_the_monitor_returns_never_changes_with_later_events() -> None:
    # The monitor updates its own copy of a village in place: a village given to it, an
    # assessment it returned and a snapshot taken before must stay as they were.
    given = villages()
    original = given[0].model_dump()
    with Monitor(given) as watcher:
        added = watcher.snapshot(FIVE_STAR)
        earlier = watcher.snapshot(FIVE_STAR, at=date(2022, 12, 31))
        watcher.apply(incident())
        watcher.apply(
            {
                "type": "update",
                "village": FIVE_STAR,
                "field": "industry.collective_income",
                "value": 1.0,
                "date": "2022-12-31",
            }
        )
        assert given[0].model_dump() == original
        for kept in (added, earlier):
            assert kept.input.safety.criminal_cases == 0
            assert (
                kept.input.industry.collective_income == original["industry"]["collective_income"]
            )
            assert kept.status("safety") is Status.GRANTED
        now = watcher.snapshot(FIVE_STAR)
        assert now.input.industry.collective_income == 1.0
        assert now.input.safety.criminal_cases == 1


def test_changes_are_valid_models() -> None:
    with Monitor(villages()) as watcher:
        changes = watcher.apply(incident())
        changes += watcher.apply({"type": "review", "date": "2023-01-01"})
    assert changes
    for change in changes:
        assert type(change).model_validate(change.model_dump()) == change
        assert type(change).model_validate_json(change.model_dump_json()) == change
        validated = type(change).model_validate(change.model_dump())
        assert validated.model_dump_json() == change.model_dump_json()  # same text, same order
