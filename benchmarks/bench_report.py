"""Benchmark: `starrules report` over many villages, against `starrules evaluate --format table`.

Generates N villages (default 100,000) as a JSONL file, with values around the Henan
thresholds (bench_evaluate.py's generator), spread over five counties with their overlays
(汤阴, 西峡, 源汇 and two on the provincial rules) and 20 townships each; the 汤阴, 西峡 and
源汇 villages carry their counties' `extra` indicators. Each indicator is absent (unknown)
with probability 2%. Then, each in a fresh process, interleaved, `--repeat` times:

* ``starrules evaluate FILE --format table`` (output to /dev/null);
* ``starrules report FILE`` (by township, table, output to /dev/null);
* ``starrules evaluate FILE --format csv`` (a row per village, output to /dev/null);
* ``starrules report`` over a tenth of the villages, to show that memory stays flat.

Prints the wall and CPU times and peak RSS (median of the repeats), the machine load before
and after, and checks the target of issue 12 on wall time: report <= 1.5x evaluate --format
table, same input (PASS/FAIL); the CPU-time ratio is printed beside it, as wall times on a
busy machine vary. Peak RSS and CPU time: the child's own (os.wait4).
Run: ``python benchmarks/bench_report.py [--villages N] [--repeat R] [--seed S] [--json]``
(default: 100,000 villages, 3 interleaved repeats, about 3 minutes on 2 vCPUs).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
if importlib.util.find_spec("starrules") is None:  # running from a checkout
    sys.path.insert(0, str(ROOT / "src"))

from bench_evaluate import generate_village  # noqa: E402

TARGET_RATIO = 1.5
TOWNSHIPS_PER_COUNTY = 20
# The `extra` indicators each county's overlay declares, with how they are drawn.
EXTRAS: dict[str, dict[str, Any]] = {
    "cn-henan/anyang/tangyin": {
        "committee_from_dual_strong": lambda rng: rng.random() < 0.8,
        "volunteer_team": lambda rng: rng.random() < 0.9,
        "role_model_selection": lambda rng: rng.random() < 0.9,
    },
    "cn-henan/nanyang/xixia": {
        "mushroom_bags": lambda rng: 0 if rng.random() < 0.4 else rng.randint(10_000, 2_000_000),
        "mushroom_standardized": lambda rng: rng.random() < 0.7,
    },
    "cn-henan/luohe/yuanhui": {
        "eligibility_reviews_passed": lambda rng: rng.randint(2, 4),
        "household_visits_done": lambda rng: rng.random() < 0.9,
    },
}
MISSING_RATE = 0.02


def write_villages(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            village = generate_village(rng, number)
            village["township"] += str(rng.randrange(TOWNSHIPS_PER_COUNTY) + 1)
            extras = EXTRAS.get(village["jurisdiction"], {})
            village["extra"] = {
                name: make(rng) for name, make in extras.items() if rng.random() >= MISSING_RATE
            }
            out.write(json.dumps(village, ensure_ascii=False) + "\n")


def run(args: Sequence[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of `python -m starrules ARGS`, output
    discarded. CPU time (user + system) hardly depends on what else the machine runs."""
    command = [sys.executable, "-m", "starrules", *args]
    env = dict(os.environ)
    if importlib.util.find_spec("starrules") is None:
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])
        )
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        if process.stderr:
            process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{errors}")
    peak = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return wall, usage.ru_utime + usage.ru_stime, peak


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # pragma: no cover - not on this platform
        return "n/a"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} CPUs)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    n = options.villages
    results: dict[str, Any] = {
        "villages": n,
        "repeat": options.repeat,
        "python": platform.python_version(),
        "load_before": load(),
    }
    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder) / "villages.jsonl", Path(folder) / "tenth.jsonl"
        started = time.perf_counter()
        write_villages(big, n, options.seed)
        write_villages(small, max(1, n // 10), options.seed)
        results["generate_s"] = round(time.perf_counter() - started, 1)
        runs: dict[str, list[tuple[float, float, float]]] = {
            "evaluate": [],
            "report": [],
            "csv": [],
            "tenth": [],
        }
        for _ in range(options.repeat):
            runs["evaluate"].append(run(["evaluate", str(big), "--format", "table"]))
            runs["report"].append(run(["report", str(big)]))
            runs["csv"].append(run(["evaluate", str(big), "--format", "csv"]))
            runs["tenth"].append(run(["report", str(small)]))
    results["load_after"] = load()
    for name, figures in runs.items():
        results[f"{name}_s"] = round(statistics.median(w for w, _, _ in figures), 2)
        results[f"{name}_cpu_s"] = round(statistics.median(c for _, c, _ in figures), 2)
        results[f"{name}_rss_mib"] = round(statistics.median(m for _, _, m in figures), 1)
    ratio = results["report_s"] / results["evaluate_s"]
    results["ratio"] = round(ratio, 2)
    results["cpu_ratio"] = round(results["report_cpu_s"] / results["evaluate_cpu_s"], 2)
    results["pass"] = ratio <= TARGET_RATIO
    if options.json:
        print(json.dumps(results, indent=2))
    else:
        print_report(results)
    return 0 if results["pass"] else 1


def print_report(r: dict[str, Any]) -> None:
    n = r["villages"]
    print(f"{n:,} villages (generated in {r['generate_s']} s); Python {r['python']}")
    print(f"load before: {r['load_before']}")
    print(f"load after:  {r['load_after']}")
    print(f"median of {r['repeat']} run(s), each in a fresh process:")
    print(f"{'command':44} {'wall s':>8} {'CPU s':>8} {'µs/village':>11} {'peak RSS MiB':>13}")
    rows = [
        ("starrules evaluate --format table", "evaluate", n),
        ("starrules report (by township)", "report", n),
        ("starrules evaluate --format csv", "csv", n),
        (f"starrules report, {max(1, n // 10):,} villages", "tenth", max(1, n // 10)),
    ]
    for label, key, count in rows:
        wall, cpu, rss = r[f"{key}_s"], r[f"{key}_cpu_s"], r[f"{key}_rss_mib"]
        print(f"{label:44} {wall:8.2f} {cpu:8.2f} {wall / count * 1e6:11.1f} {rss:13.1f}")
    verdict = "PASS" if r["pass"] else "FAIL"
    ratio = f"report / evaluate --format table = {r['ratio']:.2f}x wall"
    print(f"{ratio} (target <= {TARGET_RATIO}x): {verdict}")
    print(f"  in CPU time: {r['cpu_ratio']:.2f}x (less sensitive to the machine's load)")
    growth = r["report_rss_mib"] - r["tenth_rss_mib"]
    print(f"peak RSS, report over 10x the villages: {growth:+.1f} MiB")


if __name__ == "__main__":
    sys.exit(main())
