"""starrules.monitor.rete: the durable-rules backend and its hardening (skipped, with the
reason, where durable-rules cannot be installed; the differential tests are in
test_monitor_differential.py)."""

from __future__ import annotations

import gc
import json
import random
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from starrules import MonitorError, Village
from starrules.monitor import Monitor

pytest.importorskip(
    "durable.engine",
    reason="durable-rules is not installed (pip install 'starrules[rete]'; it builds on "
    "Python 3.11-3.12 with a C compiler): rete backend not tested",
)

from starrules.monitor.rete import ReteBackend

ROOT = Path(__file__).resolve().parents[1]
PATHS = {
    "industry.local_jobs": [None, 0, 19, 20, 21, 60],
    "industry.collective_income": [None, 1e16, 99_999.99, 100_000, 5e6],
    "ecology.sanitary_toilet_rate": [None, 1e-05, 0.85, 0.849999, 1.0],
    "safety.grid_management": [None, True, False],
    "civility.councils": [None, 3, 4, 5],
    "branch.reserve_cadres": [None, 2, 3],
}


def villages() -> list[Village]:
    lines = (ROOT / "examples" / "villages.jsonl").read_text(encoding="utf-8").splitlines()
    return [Village.model_validate(json.loads(line)) for line in lines if line.strip()]


def events(count: int, keys: list[str], seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    day = date(2023, 1, 1)
    found: list[dict[str, Any]] = []
    for n in range(count):
        day += timedelta(days=1 if n % 97 == 0 else 0)
        key = rng.choice(keys)
        if rng.random() < 0.15:
            kind = rng.choice(["criminal_case", "escalated_petition", "accident_with_casualties"])
            found.append(
                {"type": "incident", "village": key, "incident": kind, "date": day.isoformat()}
            )
        else:
            path = rng.choice(sorted(PATHS))
            found.append(
                {
                    "type": "update",
                    "village": key,
                    "field": path,
                    "value": rng.choice(PATHS[path]),
                    "date": day.isoformat(),
                }
            )
    return found


def test_the_shipped_rules_run_on_rete_with_every_fallback_reported() -> None:
    with Monitor(villages(), backend="rete") as watcher:
        reports = watcher.capabilities()
        assert len(reports) == 2  # the example villages are in 汤阴县 and 西峡县
        for report in reports:
            assert report.backend == "rete"
            fallbacks = {(f.star, f.node) for f in report.fallbacks}
            for star, mode in report.stars.items():
                if mode == "native":
                    assert (star, None) in fallbacks
                elif mode == "mixed":
                    assert any(s == star and n is not None for s, n in fallbacks)
                else:
                    assert not any(s == star for s, _ in fallbacks)
            assert ("safety", "safety.disputes-resolved") in fallbacks  # ratio()
            assert report.stars["ecology"] == "backend"


def test_rete_and_native_agree_on_the_example_villages_through_many_events() -> None:
    native = Monitor(villages())
    rete = Monitor(villages(), backend="rete")
    stream = events(3_000, native.villages)  # > 1,024: the session cap is never reached
    for event in stream:
        expected = [
            (c.village, c.kind, c.star, c.after, c.level_after) for c in native.apply(event)
        ]
        got = [(c.village, c.kind, c.star, c.after, c.level_after) for c in rete.apply(event)]
        assert got == expected, event
    rete.close()


def test_no_thread_outlives_the_monitor() -> None:
    before = threading.active_count()
    watcher = Monitor(villages(), backend="rete")
    for event in events(200, watcher.villages):
        watcher.apply(event)
    assert threading.active_count() == before  # no timer threads were started
    watcher.close()
    del watcher
    gc.collect()
    assert threading.active_count() == before


def test_a_closed_backend_refuses_work() -> None:
    backend = ReteBackend()
    watcher = Monitor(villages()[:2], backend=backend)
    backend.close()
    backend.close()
    with pytest.raises(MonitorError, match="closed"):
        watcher.apply(events(1, watcher.villages[:1])[0] | {"field": "industry.local_jobs"})


def test_monitors_in_several_threads_each_get_the_right_answers() -> None:
    expected_monitor = Monitor(villages())
    stream = events(400, expected_monitor.villages, seed=11)
    expected = [[(c.kind, c.star) for c in expected_monitor.apply(e)] for e in stream]
    results: dict[int, list[list[tuple[Any, Any]]]] = {}

    def run(number: int) -> None:
        with Monitor(villages(), backend="rete") as watcher:
            results[number] = [[(c.kind, c.star) for c in watcher.apply(e)] for e in stream]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[n] == expected for n in range(4))


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")  # pragma: no cover


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_memory_does_not_grow_per_event() -> None:
    """A short soak (the 1M-event one is benchmarks/bench_monitor.py): once the history
    buffers are full, more events must not take more memory."""
    with Monitor(villages(), backend="rete", history_limit=8, explain=False) as watcher:
        stream = events(40_000, watcher.villages, seed=3)
        for event in stream[:10_000]:
            watcher.apply(event)
        gc.collect()
        warm = _rss_kib()
        for event in stream[10_000:]:
            watcher.apply(event)
        gc.collect()
        grown = _rss_kib() - warm
    assert grown < 2_048, f"RSS grew by {grown} KiB over 30,000 events"


def test_only_safe_engine_calls_and_only_small_ints_reach_durable_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from durable import engine

    asserted: list[dict[str, Any]] = []
    forbidden: list[str] = []
    real_assert = engine.Host.assert_fact

    def spy(self: Any, ruleset_name: str, fact: dict[str, Any], complete: Any = None) -> Any:
        asserted.append(dict(fact))
        return real_assert(self, ruleset_name, fact, complete)

    monkeypatch.setattr(engine.Host, "assert_fact", spy)
    for name in ("delete_state", "post", "post_batch", "assert_facts", "update_state"):
        if hasattr(engine.Host, name):
            monkeypatch.setattr(
                engine.Host, name, lambda *args, _n=name, **kwargs: forbidden.append(_n)
            )
    with Monitor(villages(), backend="rete") as watcher:
        for event in events(500, watcher.villages):
            watcher.apply(event)
    assert asserted and not forbidden
    for fact in asserted:
        assert "sid" not in fact and "id" not in fact
        assert all(type(v) is int and v >= 0 for v in fact.values())
        assert all(v < 1000 for k, v in fact.items() if k != "s")  # ranks; s: the sequence
        assert len(fact) <= 253
