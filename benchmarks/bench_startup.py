"""Benchmark: start-up costs of starrules, each in fresh processes.

* ``import starrules``: the median wall time of N fresh ``python -c "import starrules"``
  processes, minus nothing (the interpreter's own start is printed beside it);
* the first use: ``starrules.Village`` and ``load_ruleset`` in a fresh process pay for the
  modules they need (pydantic, the YAML scanner, the compiler): printed, no target;
* Henan ruleset load + compile: ``load_ruleset(henan-rural-2022.1.yaml)`` once the modules
  are imported (median of repeats in one process);
* the 西峡 chain: ``Registry.from_paths([Henan 2022.1, 西峡 2022.1])`` (read, compile, apply
  the overlay) and ``resolve('cn-henan/nanyang/xixia', 'rural', 2022-12-31)``.

Targets (issue 10): import <= 150 ms, Henan load + compile <= 15 ms, 西峡 chain <= 25 ms.
Run: ``python benchmarks/bench_startup.py [--runs N] [--json]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
HENAN = ROOT / "rulesets" / "cn-henan" / "henan-rural-2022.1.yaml"
XIXIA = ROOT / "rulesets" / "cn-henan" / "nanyang" / "xixia" / "xixia-rural-2022.1.yaml"

TARGET_IMPORT_MS = 150.0
TARGET_HENAN_MS = 15.0
TARGET_CHAIN_MS = 25.0

# Runs in a fresh process: times the first uses, then the warm loads; prints JSON.
_PROBE = """
import json, statistics, sys, time
from datetime import date
t0 = time.perf_counter()
import starrules
t1 = time.perf_counter()
starrules.Village
t2 = time.perf_counter()
starrules.load_ruleset(sys.argv[1])
t3 = time.perf_counter()
def median_ms(f, n):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000
henan = median_ms(lambda: starrules.load_ruleset(sys.argv[1]), int(sys.argv[3]))
chain = median_ms(
    lambda: starrules.Registry.from_paths([sys.argv[1], sys.argv[2]]).resolve(
        "cn-henan/nanyang/xixia", "rural", date(2022, 12, 31)
    ),
    int(sys.argv[3]),
)
print(json.dumps({"import": (t1 - t0) * 1000, "first_village": (t2 - t1) * 1000,
                  "first_load": (t3 - t2) * 1000, "henan": henan, "chain": chain}))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if importlib.util.find_spec("starrules") is None:  # running from a checkout
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def _wall_ms(code: str, runs: int) -> float:
    env = _env()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def measure(runs: int, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    figures["python_ms"] = _wall_ms("pass", runs)
    figures["python_load"] = _load()
    figures["import_ms"] = _wall_ms("import starrules", runs)
    figures["import_load"] = _load()
    probes = []
    for _ in range(max(1, runs // 3)):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE, str(HENAN), str(XIXIA), str(repeat)],
            check=True,
            capture_output=True,
            text=True,
            env=_env(),
        ).stdout
        probes.append(json.loads(out))
    for key in ("first_village", "first_load", "henan", "chain"):
        figures[f"{key}_ms"] = statistics.median(p[key] for p in probes)
    figures["probe_load"] = _load()
    return figures


def _verdict(value: float, target: float) -> str:
    return f"(target <= {target:.0f} ms): {'PASS' if value <= target else 'FAIL'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per figure")
    parser.add_argument("--repeat", type=int, default=15, help="warm loads per process")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    f = measure(args.runs, args.repeat)
    if args.json:
        print(json.dumps(f, indent=2))
        return 0
    print(
        f"starrules start-up: CPython {platform.python_version()} on {platform.system()} "
        f"{platform.machine()} ({os.cpu_count()} CPUs); {args.runs} fresh processes per "
        f"figure, {args.repeat} warm loads per process"
    )
    print(f"python -c pass                 {f['python_ms']:7.1f} ms   ({f['python_load']})")
    print(
        f"import starrules               {f['import_ms']:7.1f} ms   "
        f"{_verdict(f['import_ms'], TARGET_IMPORT_MS)}   ({f['import_load']})"
    )
    print(f"first starrules.Village        {f['first_village_ms']:7.1f} ms   (pydantic, models)")
    print(f"first load_ruleset (Henan)     {f['first_load_ms']:7.1f} ms   (YAML, compiler)")
    print(
        f"Henan load + compile           {f['henan_ms']:7.1f} ms   "
        f"{_verdict(f['henan_ms'], TARGET_HENAN_MS)}   ({f['probe_load']})"
    )
    print(
        f"西峡 chain (load, overlay, resolve) {f['chain_ms']:5.1f} ms   "
        f"{_verdict(f['chain_ms'], TARGET_CHAIN_MS)}   ({f['probe_load']})"
    )
    passed = (
        f["import_ms"] <= TARGET_IMPORT_MS
        and f["henan_ms"] <= TARGET_HENAN_MS
        and f["chain_ms"] <= TARGET_CHAIN_MS
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
