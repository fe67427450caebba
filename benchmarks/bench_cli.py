"""Benchmark: the `starrules evaluate` command over many villages, as a user runs it.

Generates N villages (bench_evaluate's generator: Henan rural, values around the bars, 2%
unknown) into a JSONL file, then runs, each in a fresh process, the same command a county
clerk would:

* ``starrules evaluate FILE --format jsonl`` (compact records, the default for jsonl),
  written to a file: wall time, bytes per village;
* ``starrules evaluate FILE --format table``: wall time.

Each command runs ``--repeat`` times; the best wall time counts (a busy machine only ever
makes a run slower). Peak memory (max RSS of the child) is printed beside it.

Targets (issue 10): jsonl over 100,000 villages <= 20 s wall, <= 3 KB a village; table <= 8 s.
Run: ``python benchmarks/bench_cli.py [--villages N] [--repeat R] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_evaluate, next to this file

from bench_evaluate import generate_villages

import starrules

TARGET_JSONL_S = 20.0
TARGET_TABLE_S = 8.0
TARGET_BYTES = 3072
TARGETS_AT = 100_000  # the targets are for this many villages; scaled linearly otherwise


def run(args: list[str], out: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS in bytes of `python -m starrules ARGS > out`: the child's own
    figure (os.wait4), not the largest of every child so far."""
    with out.open("wb") as handle:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "starrules", *args], stdout=handle, stderr=subprocess.PIPE
        )
        assert child.stderr is not None
        errors = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"starrules {' '.join(args)} failed: {errors.decode()[-2000:]}")
    return wall, usage.ru_maxrss * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--villages", type=int, default=TARGETS_AT, metavar="N")
    parser.add_argument("--seed", type=int, default=2023, metavar="S")
    parser.add_argument("--repeat", type=int, default=2, metavar="R")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--write-villages", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_villages is not None:
        with args.write_villages.open("w", encoding="utf-8") as handle:
            for village in generate_villages(args.villages, args.seed):
                handle.write(village.model_dump_json(exclude_none=True) + "\n")
        return 0
    if args.villages < 1 or args.repeat < 1:
        parser.error("--villages and --repeat must be at least 1")
    began = time.perf_counter()
    scale = args.villages / TARGETS_AT
    with tempfile.TemporaryDirectory(prefix="starrules-bench-cli-") as tmp:
        villages = Path(tmp) / "villages.jsonl"
        # Generated in a child process: a command forked from this one would otherwise count
        # the generated villages' memory in its own peak RSS.
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--write-villages",
                str(villages),
                "--villages",
                str(args.villages),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
        out = Path(tmp) / "out"
        figures: dict[str, Any] = {}
        for name, extra in (("jsonl", ["--format", "jsonl"]), ("table", ["--format", "table"])):
            walls, peak = [], 0
            for _ in range(args.repeat):
                wall, rss = run(["evaluate", str(villages), *extra, "--no-progress"], out)
                walls.append(wall)
                peak = max(peak, rss)
            figures[name] = {"wall_s": min(walls), "runs_s": walls, "peak_rss": peak}
            if name == "jsonl":
                size = out.stat().st_size
                lines = sum(1 for _ in out.open("rb"))
                figures[name]["bytes_per_village"] = size / max(lines, 1)
                figures[name]["records"] = lines
    jsonl, table = figures["jsonl"], figures["table"]
    report = {
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "starrules": starrules.__version__,
        "villages": args.villages,
        "figures": figures,
        "targets": {
            "jsonl_wall": {
                "s": jsonl["wall_s"],
                "target_s": TARGET_JSONL_S * scale,
                "pass": jsonl["wall_s"] <= TARGET_JSONL_S * scale,
            },
            "jsonl_bytes": {
                "bytes": jsonl["bytes_per_village"],
                "target": TARGET_BYTES,
                "pass": jsonl["bytes_per_village"] <= TARGET_BYTES,
            },
            "table_wall": {
                "s": table["wall_s"],
                "target_s": TARGET_TABLE_S * scale,
                "pass": table["wall_s"] <= TARGET_TABLE_S * scale,
            },
        },
        "elapsed_s": time.perf_counter() - began,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(
        f"starrules {report['starrules']} CLI benchmark: {args.villages:,} villages; "
        f"CPython {report['python']} on {report['platform']} ({report['cpus']} CPUs, load "
        f"{report['load_average']} at the end)"
    )
    for name, f in figures.items():
        runs = ", ".join(f"{w:.1f}" for w in f["runs_s"])
        extra = (
            f", {f['bytes_per_village']:,.0f} bytes a village" if "bytes_per_village" in f else ""
        )
        print(
            f"evaluate --format {name:<5}: best {f['wall_s']:.1f} s (runs {runs}), peak RSS "
            f"{f['peak_rss'] / 2**20:,.0f} MB{extra}"
        )
    note = "" if scale == 1 else f" (scaled to {args.villages:,} villages)"
    t = report["targets"]
    print(
        f"target: jsonl wall {t['jsonl_wall']['s']:.1f} s ≤ {t['jsonl_wall']['target_s']:.1f} s"
        f"{note}: {'PASS' if t['jsonl_wall']['pass'] else 'FAIL'}"
    )
    print(
        f"target: jsonl {t['jsonl_bytes']['bytes']:,.0f} bytes a village ≤ 3 KB: "
        f"{'PASS' if t['jsonl_bytes']['pass'] else 'FAIL'}"
    )
    print(
        f"target: table wall {t['table_wall']['s']:.1f} s ≤ {t['table_wall']['target_s']:.1f} s"
        f"{note}: {'PASS' if t['table_wall']['pass'] else 'FAIL'}"
    )
    print(f"elapsed: {report['elapsed_s']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
