"""The benchmark scripts stay runnable, and what they check before timing holds: a tiny run
of benchmarks/bench_evaluate.py (its hand-written function must agree with starrules on
every village, or it exits 1). Timings are not judged here (see benchmarks/README.md)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

BENCH_EVALUATE = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_evaluate.py"


def test_bench_evaluate_runs_and_agrees_with_its_hand_written_function() -> None:
    arguments = ["--villages", "300", "--repeat", "3", "--json"]
    done = subprocess.run(
        [sys.executable, str(BENCH_EVALUATE), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["agreement"]["hand_written"] == {"same": 300, "villages": 300}
    assert report["agreement"]["hand_written_compact"] == {"same": 300, "villages": 300}
    # the references for the compact line's target: the hand-written line, and its record
    # before any JSON is written
    for reference in ("hand-written compact JSON line", "hand-written compact record, not written"):
        assert report["contenders"][reference]["vs_hand_written"] > 1
    runs = report["contenders"]["starrules evaluate"]["runs_us"]
    hand = report["contenders"]["hand-written"]["runs_us"]
    target = report["targets"]["full_over_hand_written"]
    # paired: each repetition's evaluate over the hand-written run next to it, the median
    assert target["by_run"] == [mine / theirs for mine, theirs in zip(runs, hand, strict=True)]
    assert target["ratio"] == statistics.median(target["by_run"])
    assert target["pass"] is (target["ratio"] <= 2.5)
